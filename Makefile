# SPDX-License-Identifier: MIT
# mimi-dns — top-level GNU Makefile.
#
#   make            library (shared + static), tools
#   make test       install missing Debian packages, build, run every test
#                   twice: plain, and under ASan+UBSan; fuzz corpora replayed
#   make demo       the README's demo (knotd + signed zones + mimi-lookup)
#   make demo-shell the demo server, kept up for your own queries
#   make fuzz       libFuzzer targets (clang) in $(B)/fuzz/
#   make mutants    curated mutation run of the test suite (tests/mutants/)
#   make bench      benchmarks (not tests): resolver vs raw libunbound / c-ares,
#                   mod-mimi vs a static zone, zone signing vs kzonesign
#   make install    PREFIX=/usr/local DESTDIR=
#   make deps       install the Debian packages the project needs (idempotent)
#   make test-debian13  make demo + make test in a pristine Debian 13 chroot
#                   (debootstrap, cached under $(B)/chroot/; needs root)
#
# Sources are picked up by wildcard: resolver/src/<layer>/*.c is the library,
# cli/*.c is mimi-lookup, common/*.c is what the programs share (not the
# library), tests/unit/test_*.c are cmocka suites,
# tests/fuzz/fuzz_*.c are fuzz targets with corpora in tests/fuzz/corpus/NAME/,
# tests/sh/*.sh are shell tests, man/*.[1-8] are man pages (mdoc).

VERSION    := 0.1.0
SOVERSION  := 0

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR    ?=

# Build directory; helpers and parallel checkouts may use their own.
B          ?= build
CLANG      ?= clang

# libunbound's .pc names libevent, which Debian's libunbound-dev does not
# pull in; link it by name.
DEP_PKGS   := libidn2 openssl ldns libcares libpcre2-8
DEP_CFLAGS := $(shell pkg-config --cflags $(DEP_PKGS) 2>/dev/null)
DEP_LIBS   := $(shell pkg-config --libs $(DEP_PKGS) 2>/dev/null) -lunbound -lunistring

CFLAGS     ?= -O2 -g
WARN       := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
              -Wformat=2 -Wundef -Wvla
# -Icommon: what the tools, the library and the module share (common/).
BASE       := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
              -Iresolver/include -Icommon $(DEP_CFLAGS) -MMD -MP
LIBFLAGS   := -fPIC -fvisibility=hidden -DMIMI_BUILDING_LIBRARY -Iresolver/src
SAN        := -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer

# The library in layers, each a folder of resolver/src with its private
# header: codec/ (pure: identifiers, names, records, plans), backends/
# (libunbound, c-ares, the response walker), engine/ (context, lookups,
# results, cache). A layer includes only the ones below it
# (tests/sh/layers.sh checks).
LIB_LAYERS := codec backends engine
LIB_SRC    := $(sort $(foreach l,$(LIB_LAYERS),$(wildcard resolver/src/$(l)/*.c)))
LIB_HDRS   := $(sort $(foreach l,$(LIB_LAYERS),$(wildcard resolver/src/$(l)/*.h)))
CLI_SRC    := $(sort $(wildcard cli/*.c))
# The shared layer (JSON writer, atomic files, DNS wire helpers): linked
# into mimi-lookup and the zone tools; the library does not use it.
COMMON_SRC := $(sort $(wildcard common/*.c))
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
MANPAGES   := $(sort $(wildcard man/*.[1-8]))
HEADERS    := $(sort $(wildcard resolver/include/*.h))
SH_TESTS   := $(sort $(wildcard tests/sh/*.sh))
# Programs the shell tests run against a live server (tests/integration).
INTEG_SRC  := $(sort $(wildcard tests/integration/itest_*.c))

FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
UNIT_NAMES := $(UNIT_SRC:tests/unit/test_%.c=%)
INTEG_NAMES:= $(INTEG_SRC:tests/integration/itest_%.c=%)

# Two variants of every object: "rel" (as shipped) and "asan" (sanitizers).
obj = $(patsubst %.c,$(B)/$(1)/%.o,$(2))

LIB_OBJ      := $(call obj,rel,$(LIB_SRC))
LIB_OBJ_ASAN := $(call obj,asan,$(LIB_SRC))
CLI_OBJ      := $(call obj,rel,$(CLI_SRC) $(COMMON_SRC))
CLI_OBJ_ASAN := $(call obj,asan,$(CLI_SRC) $(COMMON_SRC))

# Zone tools: zone-tools/<tool>/*.c plus common/*.c, linked statically
# against libmimi like mimi-lookup.
TOOL_NAMES := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard zone-tools/zone*/*.c)))))
TOOL_BINS  := $(TOOL_NAMES:zone%=$(B)/bin/mimi-zone%)
TOOL_ASAN  := $(TOOL_NAMES:zone%=$(B)/asan/bin/mimi-zone%)
ZT_LIBS    := -llmdb -lpthread
ZT_INC     := -Icommon

# The Knot DNS module, against the installed <knot/module.h> (libknot-dev).
KNOT_CFLAGS := $(shell pkg-config --cflags libknot 2>/dev/null)
KNOT_LIBS   := $(shell pkg-config --libs libknot 2>/dev/null)
MODULE_DIR  ?= $(shell pkg-config --variable=module_instdir knotd 2>/dev/null)
PLUGIN      := $(if $(wildcard plugin-knot/*.c),$(B)/plugin-knot/mod-mimi.so)

SONAME     := libmimi.so.$(SOVERSION)
SHLIB      := $(B)/lib/libmimi.so.$(VERSION)
STLIB      := $(B)/lib/libmimi.a
CLI_BIN    := $(if $(CLI_SRC),$(B)/bin/mimi-lookup)
CLI_ASAN   := $(if $(CLI_SRC),$(B)/asan/bin/mimi-lookup)

UNIT_BINS  := $(UNIT_NAMES:%=$(B)/rel/tests/test_%) $(UNIT_NAMES:%=$(B)/asan/tests/test_%)
REPLAY_BINS:= $(FUZZ_NAMES:%=$(B)/rel/tests/replay_%) $(FUZZ_NAMES:%=$(B)/asan/tests/replay_%)
FUZZ_BINS  := $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)
INTEG_BINS := $(INTEG_NAMES:%=$(B)/rel/tests/itest_%) $(INTEG_NAMES:%=$(B)/asan/tests/itest_%)

.PHONY: all lib cli tools plugin bench bench-resolver bench-module bench-zonegen bench-latency bench-publish soak test mutants test-debian13 test-chroot check deps demo demo-shell fuzz fuzz-run install uninstall clean
.DEFAULT_GOAL := all
.SECONDARY:

all: lib cli tools plugin

lib: $(SHLIB) $(STLIB)
cli: $(CLI_BIN)
tools: $(TOOL_BINS)
plugin: $(PLUGIN)

# --- compilation ---------------------------------------------------------
$(B)/rel/resolver/%.o: resolver/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(LIBFLAGS) $(CFLAGS) -c $< -o $@

$(B)/asan/resolver/%.o: resolver/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(LIBFLAGS) $(SAN) -O1 -g -c $< -o $@

# Tools and tests see only the public headers, except unit tests, which may
# test internals (tests/unit adds -Iresolver/src) and common/.
$(B)/rel/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) -Icommon $(CFLAGS) -c $< -o $@

$(B)/asan/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) -Icommon $(SAN) -O1 -g -c $< -o $@

$(B)/rel/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(CFLAGS) -c $< -o $@

$(B)/asan/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(SAN) -O1 -g -c $< -o $@

$(B)/rel/zone-tools/%.o: zone-tools/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(ZT_INC) $(CFLAGS) -c $< -o $@

$(B)/asan/zone-tools/%.o: zone-tools/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(ZT_INC) $(SAN) -O1 -g -c $< -o $@

$(B)/rel/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) -Iresolver/src -Icommon $(CFLAGS) -c $< -o $@

$(B)/asan/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) -Iresolver/src -Icommon $(SAN) -O1 -g -c $< -o $@

# --- library -------------------------------------------------------------
$(SHLIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined -Wl,-z,relro,-z,now \
	  -o $@ $(LIB_OBJ) $(DEP_LIBS)
	ln -sf libmimi.so.$(VERSION) $(B)/lib/$(SONAME)
	ln -sf $(SONAME) $(B)/lib/libmimi.so

$(STLIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

# --- tools (linked statically against libmimi: self-contained binaries) ----
$(B)/bin/mimi-lookup: $(CLI_OBJ) $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(STLIB) $(DEP_LIBS)

$(B)/asan/bin/mimi-lookup: $(CLI_OBJ_ASAN) $(LIB_OBJ_ASAN)
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $(CLI_OBJ_ASAN) $(LIB_OBJ_ASAN) $(DEP_LIBS)

define TOOL_template
$(B)/bin/mimi-$(1): $$(call obj,rel,$$(sort $$(wildcard zone-tools/$(1)/*.c)) $$(COMMON_SRC)) $$(STLIB)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -o $$@ $$(filter %.o,$$^) $$(STLIB) $$(DEP_LIBS) $$(ZT_LIBS)

$(B)/asan/bin/mimi-$(1): $$(call obj,asan,$$(sort $$(wildcard zone-tools/$(1)/*.c)) $$(COMMON_SRC)) $$(LIB_OBJ_ASAN)
	@mkdir -p $$(@D)
	$$(CC) $$(SAN) -o $$@ $$^ $$(DEP_LIBS) $$(ZT_LIBS)
endef
$(foreach t,$(TOOL_NAMES),$(eval $(call TOOL_template,$(t))))

# Only knotd_mod_api is exported (-fvisibility=hidden; KNOTD_MOD_API marks it);
# the knotd_* functions are resolved by knotd when it loads the module.
# Its denials are signed with the ZSK files mimi-zonegen reads: its key
# reader (keys.c, with what it calls) is linked in.
MOD_SRC := plugin-knot/mod-mimi.c plugin-knot/denial_sign.c zone-tools/zonegen/keys.c \
           zone-tools/zonegen/rrtext.c common/atomic_file.c common/base32hex.c
$(B)/plugin-knot/mod-mimi.so: $(MOD_SRC) $(wildcard plugin-knot/*.h) common/mimi_lmdb_format.h \
    zone-tools/zonegen/sign.h zone-tools/zonegen/zonegen.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) -Icommon -Iresolver/include -Izone-tools/zonegen \
	  $(KNOT_CFLAGS) -fPIC -shared -fvisibility=hidden -Wl,-z,relro,-z,now $(CFLAGS) \
	  -o $@ $(MOD_SRC) $(KNOT_LIBS) -llmdb -lcrypto -lpthread

# --- man pages (mdoc, installed as written; linted by tests/sh/man.sh) ------
# --- tests ---------------------------------------------------------------
# Unit tests are linked with the scripted backend of tests/lib (test_engine
# drives the engine through it; for the others it is unused) and common/.
UNIT_LIB   := $(sort $(wildcard tests/lib/*.c))

$(B)/rel/tests/test_%: $(B)/rel/tests/unit/test_%.o $(call obj,rel,$(UNIT_LIB)) $(LIB_OBJ) $(call obj,rel,$(COMMON_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(DEP_LIBS) -lcmocka

$(B)/asan/tests/test_%: $(B)/asan/tests/unit/test_%.o $(call obj,asan,$(UNIT_LIB)) $(LIB_OBJ_ASAN) $(call obj,asan,$(COMMON_SRC))
	$(CC) $(SAN) -o $@ $^ $(DEP_LIBS) -lcmocka

# A unit test of a program's own code is also linked with that program's
# sources except its main.c (UNIT_EXTRA_<test>), and sees their headers.
tool_src = $(filter-out %/main.c,$(sort $(wildcard zone-tools/$(1)/*.c)))
UNIT_EXTRA_svcb_text := $(call tool_src,zonecheck)
UNIT_EXTRA_cli_output := $(filter-out cli/main.c,$(CLI_SRC))
$(foreach t,$(UNIT_NAMES),$(if $(UNIT_EXTRA_$(t)),$(eval \
  $(B)/rel/tests/test_$(t): $(call obj,rel,$(UNIT_EXTRA_$(t))))$(eval \
  $(B)/asan/tests/test_$(t): $(call obj,asan,$(UNIT_EXTRA_$(t))))$(eval \
  $(B)/rel/tests/unit/test_$(t).o $(B)/asan/tests/unit/test_$(t).o: \
    BASE += $(ZT_INC) $(patsubst %/,-I%,$(sort $(dir $(UNIT_EXTRA_$(t))))))))

$(B)/rel/tests/itest_%: $(B)/rel/tests/integration/itest_%.o $(LIB_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(DEP_LIBS) -lcmocka -llmdb

$(B)/asan/tests/itest_%: $(B)/asan/tests/integration/itest_%.o $(LIB_OBJ_ASAN)
	$(CC) $(SAN) -o $@ $^ $(DEP_LIBS) -lcmocka -llmdb

# A fuzz target of a zone tool's own parsing is linked with that tool's
# sources except its main.c (FUZZ_TOOL_<target> names the tool).
FUZZ_TOOL_zonecheck := zonecheck
FUZZ_TOOL_svcbtext := zonecheck
FUZZ_TOOL_keyfile := zonegen
FUZZ_TOOL_tsig := zonegen
FUZZ_TOOL_conflict := zonegen
fuzz_extra = $(if $(FUZZ_TOOL_$(1)),$(call tool_src,$(FUZZ_TOOL_$(1))) $(COMMON_SRC))
$(foreach t,$(FUZZ_NAMES),$(if $(FUZZ_TOOL_$(t)),$(eval \
  $(B)/rel/tests/fuzz/fuzz_$(t).o $(B)/asan/tests/fuzz/fuzz_$(t).o: \
    BASE += $(ZT_INC) -Izone-tools/$(FUZZ_TOOL_$(t)))))

.SECONDEXPANSION:
$(B)/rel/tests/replay_%: $(B)/rel/tests/fuzz/fuzz_%.o $(B)/rel/tests/fuzz/replay.o \
    $$(call obj,rel,$$(call fuzz_extra,$$*)) $(LIB_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(DEP_LIBS) $(ZT_LIBS)

$(B)/asan/tests/replay_%: $(B)/asan/tests/fuzz/fuzz_%.o $(B)/asan/tests/fuzz/replay.o \
    $$(call obj,asan,$$(call fuzz_extra,$$*)) $(LIB_OBJ_ASAN)
	$(CC) $(SAN) -o $@ $^ $(DEP_LIBS) $(ZT_LIBS)

# The README's test command: installs what it needs, then runs everything.
test:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory check

# The same on a pristine Debian system in a chroot: Debian 13 by default
# (test-debian13); DISTRO=bookworm for a pristine Debian 12.
test-debian13:
	@DISTRO=trixie bash scripts/chroot-test.sh $(B)

test-chroot:
	@bash scripts/chroot-test.sh $(B)

# mimi-zonegen runs threads (rows, sorting, signing): a ThreadSanitizer
# build of it for tests/sh/zonegen_tsan.sh. One compile of all its sources;
# the libraries it calls are not instrumented, their locks are intercepted.
ZG_TSAN := $(B)/tsan/bin/mimi-zonegen
$(ZG_TSAN): $(LIB_SRC) $(LIB_HDRS) $(wildcard zone-tools/zonegen/*.[ch]) $(COMMON_SRC) $(wildcard common/*.h) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Iresolver/include \
	  -Iresolver/src -Icommon $(DEP_CFLAGS) $(ZT_INC) -DMIMI_BUILDING_LIBRARY \
	  -fsanitize=thread -fno-omit-frame-pointer -O1 -g -o $@ \
	  $(filter %.c,$^) $(DEP_LIBS) $(ZT_LIBS)

check: all $(CLI_ASAN) $(TOOL_ASAN) $(ZG_TSAN) $(UNIT_BINS) $(REPLAY_BINS) $(INTEG_BINS)
	@B=$(B) bash tests/run.sh $(UNIT_BINS) $(REPLAY_BINS) $(SH_TESTS)

# Curated mutation run (issue 19; not part of test): each mutant of
# tests/mutants/mutants.txt is applied to a scratch copy under $(B)/mutants/
# and must make one of its covering tests fail. Prints "N of M killed".
# (all first: the scratch tree starts from a copy of these objects.)
mutants: all
	@B=$(B) python3 tests/mutants/mutate.py

# --- fuzzing (clang libFuzzer) -------------------------------------------
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(LIB_HDRS) $(HEADERS) \
    $$(call fuzz_extra,$$*)
	@mkdir -p $(@D)
	$(CLANG) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
	  -fsanitize=fuzzer,address,undefined -Iresolver/include -Icommon -Iresolver/src \
	  -DMIMI_BUILDING_LIBRARY $(if $(FUZZ_TOOL_$*),$(ZT_INC) -Izone-tools/$(FUZZ_TOOL_$*)) \
	  -o $@ $< $(LIB_SRC) $(call fuzz_extra,$*) $(DEP_LIBS) $(ZT_LIBS)

fuzz: $(FUZZ_BINS)

# Short fuzzing session of every target on its corpus (not part of test).
FUZZ_SECONDS ?= 60
fuzz-run: fuzz
	@for t in $(FUZZ_NAMES); do \
	  mkdir -p $(B)/fuzz/corpus-$$t; \
	  ASAN_OPTIONS=fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  $(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    $(B)/fuzz/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# --- benchmark (not a test: prints a table, never fails on a missed target) --
BENCH_SRC  := $(sort $(wildcard bench/*.c))
BENCH_BINS := $(BENCH_SRC:bench/%.c=$(B)/bench/%) $(B)/bench/floor_cares

$(B)/bench/%: bench/%.c bench/common.h bench/cares_loop.h $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(BASE) $(CFLAGS) -o $@ $< $(STLIB) $(DEP_LIBS)

# base_cares.c's reference mode (bench_resolver.sh): raw c-ares + the protocol.
$(B)/bench/floor_cares: bench/base_cares.c bench/common.h bench/cares_loop.h $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(BASE) $(CFLAGS) -DBENCH_FLOOR -o $@ $< $(STLIB) $(DEP_LIBS)

# make bench runs them all: the resolver (issue 3), mod-mimi (issue 5),
# zone signing (issue 4).
bench: bench-resolver bench-module bench-zonegen

bench-resolver: $(BENCH_BINS)
	@bash scripts/deps.sh
	@bash bench/bench_resolver.sh $(B)

# --- install -------------------------------------------------------------
# Headers go to INCLUDEDIR/mimi/ (libmimi.pc adds it: #include <mimi.h>).
# With the default layout (PREFIX/lib, PREFIX/include, LIBDIR/pkgconfig)
# libmimi.pc finds the rest from where it lies (${pcfiledir}), so a staged
# install (DESTDIR) works with PKG_CONFIG_PATH alone; otherwise absolute.
PC_RELOC := $(and $(filter $(PREFIX)/lib,$(LIBDIR)),$(filter $(PREFIX)/include,$(INCLUDEDIR)),$(filter $(LIBDIR)/pkgconfig,$(PKGCONFIGDIR)))
PC_PREFIX := $(if $(PC_RELOC),$${pcfiledir}/../..,$(PREFIX))
PC_LIBDIR := $(if $(PC_RELOC),$${prefix}/lib,$(LIBDIR))
PC_INCLUDEDIR := $(if $(PC_RELOC),$${prefix}/include,$(INCLUDEDIR))
install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	  $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m 0755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libmimi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libmimi.so
	install -m 0644 $(STLIB) $(DESTDIR)$(LIBDIR)/
	install -d $(DESTDIR)$(INCLUDEDIR)/mimi
	install -m 0644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/mimi/
	sed -e 's|@PREFIX@|$(PC_PREFIX)|g' -e 's|@LIBDIR@|$(PC_LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    resolver/libmimi.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libmimi.pc
	install -m 0755 $(CLI_BIN) $(TOOL_BINS) $(DESTDIR)$(BINDIR)/
	$(if $(PLUGIN),$(if $(MODULE_DIR),,@echo "install: knotd's module directory unknown (no knotd.pc): set MODULE_DIR=" >&2; exit 1))
	$(if $(PLUGIN),install -d $(DESTDIR)$(MODULE_DIR) && install -m 0644 $(PLUGIN) $(DESTDIR)$(MODULE_DIR)/)
	@for m in $(MANPAGES); do \
	  s=$${m##*.}; echo install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	  install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libmimi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	  $(DESTDIR)$(LIBDIR)/libmimi.so $(DESTDIR)$(LIBDIR)/libmimi.a \
	  $(DESTDIR)$(PKGCONFIGDIR)/libmimi.pc $(DESTDIR)$(BINDIR)/mimi-lookup \
	  $(TOOL_BINS:$(B)/bin/%=$(DESTDIR)$(BINDIR)/%) \
	  $(if $(PLUGIN),$(DESTDIR)$(MODULE_DIR)/mod-mimi.so)
	rm -f $(patsubst resolver/include/%,$(DESTDIR)$(INCLUDEDIR)/mimi/%,$(HEADERS))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/mimi 2>/dev/null
	@for m in $(MANPAGES); do \
	  f=$${m##*/}; s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$$f; \
	done

# --- the rest ------------------------------------------------------------
deps:
	@bash scripts/deps.sh

demo:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory all
	@bash scripts/demo.sh $(B)

# Benchmarks (not tests): printed as ratios against baselines measured in
# the same run.
bench-module: all
	@bash scripts/deps.sh
	@bash bench/bench_module.sh $(B)

# Soak (not a test): knotd + mod-mimi + mod-onlinesign under dnsperf while
# the database changes every second and knotd reloads every 20 s; 2 and 160
# UDP workers. SOAK_SECONDS=300 SOAK_USERS=1000000 by default.
soak: all
	@bash scripts/deps.sh
	@bash bench/soak.sh $(B)

# Cold lookups over a delayed network (issue 15): round trips and queries
# against the dependency graph's depth, zone and root trust anchors.
bench-latency: all $(B)/bench/base_unbound
	@bash scripts/deps.sh
	@bash bench/bench_latency.sh $(B)

# BENCH_USERS=100000 for a quick run (default 1,000,000).
bench-zonegen: all
	@bash scripts/deps.sh
	@bash bench/bench_zonegen.sh $(B)

# Issue 17: 10,000 changes through DNS UPDATE to a signing primary and two
# secondaries, against regenerate + reload + AXFR. BENCH_USERS=100000 for a
# quick run (default 1,000,000); BENCH_CHANGES (default 10,000).
bench-publish: all
	@bash scripts/deps.sh
	@bash bench/bench_publish.sh $(B)

demo-shell:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory all
	@bash scripts/demo.sh $(B) --shell

# --one-file-system: never into anything a test-debian13 run left mounted.
clean:
	rm -rf --one-file-system $(B)

# (Not inside a chroot tree of test-debian13: its /etc has rc*.d folders.)
-include $(shell find $(B) -path '$(B)/chroot' -prune -o -name '*.d' -type f -print 2>/dev/null)
