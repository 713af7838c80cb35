#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Curated mutation run (issue 19): does the test suite catch plausible bugs?

For each mutant of tests/mutants/mutants.txt: copy the tree git knows once
into a scratch directory under $B/mutants/, apply the one-line change there
(the snippet must occur exactly once, else this script fails: the list must
not rot silently), build only what the covering tests need, run those tests
(rel variant only, for speed), restore the file.  A mutant is killed when a
covering test fails, "killed (build)" when it did not even compile (such
mutants teach nothing and should be replaced), survived otherwise, or
"equivalent" when the list says why no test can tell it apart (not run).

  tests/mutants/mutate.py [-k] [ID...]   (B=build; ID... runs only those)
    -k  keep going past a mutant whose snippet is missing (still exits 1)
"""
import os, re, shutil, subprocess, sys, time

B = os.environ.get("B", "build")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST = os.path.join(ROOT, "tests/mutants/mutants.txt")
SCRATCH = os.path.join(ROOT, B, "mutants", "tree")
MUTATED = os.path.join(ROOT, B, "mutants", "mutated")  # files mutated, NUL-separated
TEST_TIMEOUT = int(os.environ.get("MUTANT_TIMEOUT", "300"))
JOBS = os.environ.get("MUTANT_JOBS", "2")


def parse(path):
    """Blocks of 'key value' lines; a new block starts at 'mutant ID'.
    'from'/'to' values are the exact snippet and its replacement ('to' may be
    empty: a removed statement).  <NL> in them stands for a newline (C code
    has its own backslash-n)."""
    muts, cur = [], None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, val = line.partition(" ")
            val = val.lstrip(" ")
            if key == "mutant":
                cur = {"id": val, "line": n}
                muts.append(cur)
            elif cur is None or key not in ("file", "desc", "tests", "from", "to", "equivalent"):
                sys.exit(f"{path}:{n}: unexpected line: {line}")
            else:
                cur[key] = val.replace("<NL>", "\n")
    for m in muts:
        for k in ("file", "desc", "from", "to"):
            if k not in m:
                sys.exit(f"{path}:{m['line']}: mutant {m['id']} lacks '{k}'")
        if "tests" not in m and "equivalent" not in m:
            sys.exit(f"{path}:{m['line']}: mutant {m['id']} has neither tests nor equivalent")
        m["tests"] = m.get("tests", "").split()
    ids = [m["id"] for m in muts]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit(f"{path}: duplicate mutant ids: {' '.join(sorted(dup))}")
    return muts


def make_targets(test):
    """What 'make B=build' must build for one covering test."""
    if test.endswith(".sh"):
        t = ["all"]
        if test.endswith("resolver.sh"):
            t.append("build/rel/tests/itest_async")
        if test.endswith("lmdb_format.sh"):
            t.append("build/rel/tests/itest_lmdb_read")
        if test.endswith("zonegen_tsan.sh"):
            t.append("build/tsan/bin/mimi-zonegen")
        return t
    if "/replay_" in test or "/test_" in test:
        return [test]
    return [test]


def run_test(test, tree):
    env = dict(os.environ, B="build", MIMI_BIN="build/bin", MIMI_VARIANT="rel",
               CMOCKA_MESSAGE_OUTPUT="TAP")
    if test.endswith(".sh"):
        cmd = ["bash", test]
    elif "/replay_" in test:
        cmd = [test, "tests/fuzz/corpus/" + test.rsplit("/replay_", 1)[1]]
    else:
        cmd = [test]
    try:
        p = subprocess.run(cmd, cwd=tree, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=TEST_TIMEOUT,
                           start_new_session=True)
    except subprocess.TimeoutExpired:
        return False, "timeout"
    out = p.stdout.decode(errors="replace")
    failed = p.returncode != 0 or re.search(r"^not ok \d+", out, re.M)
    first = next((l for l in out.splitlines() if l.startswith("not ok")), f"exit {p.returncode}")
    return not failed, first


def make(tree, targets):
    p = subprocess.run(["make", "-C", tree, "-j" + JOBS, "B=build", *targets],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode == 0, p.stdout.decode(errors="replace")


def prepare():
    """One scratch tree, the files git knows, with their mtimes (tar keeps
    them) so that a copy of the worktree's own build output, if any, stays
    up to date and only the mutated file is recompiled."""
    os.makedirs(SCRATCH, exist_ok=True)
    subprocess.run(["bash", "-c", 'git ls-files -z | tar --null -T - -cf - | tar -C "$1" -xf -',
                    "-", SCRATCH], cwd=ROOT, check=True)
    # The files an earlier run mutated: its mutants' objects are newer than
    # the mtime tar just gave them back, so make would keep those objects
    # (a test binary still holding the last mutant). Newer than all.
    if os.path.exists(MUTATED):
        with open(MUTATED) as f:
            for rel in set(f.read().split("\0")) - {""}:
                if os.path.exists(os.path.join(SCRATCH, rel)):
                    os.utime(os.path.join(SCRATCH, rel))
        os.remove(MUTATED)
    own = os.path.join(ROOT, B)
    dst = os.path.join(SCRATCH, "build")
    if not os.path.exists(dst):
        os.makedirs(dst)
        for d in ("rel", "bin", "lib", "plugin-knot", "tsan"):
            if os.path.isdir(os.path.join(own, d)):
                subprocess.run(["cp", "-a", os.path.join(own, d), dst], check=True)
    # .d files of the copied build name sources relative to the tree: valid here.


def main():
    args = sys.argv[1:]
    keep = "-k" in args
    only = [a for a in args if a != "-k"]
    muts = parse(LIST)
    if only:
        muts = [m for m in muts if m["id"] in only]
    t0 = time.time()
    prepare()
    # Every snippet is checked before anything runs: a rotten entry fails at once.
    rotten = []
    for m in muts:
        with open(os.path.join(SCRATCH, m["file"])) as f:
            n = f.read().count(m["from"])
        if n != 1:
            rotten.append(f"{m['id']}: snippet found {n} times in {m['file']}")
    if rotten:
        print("\n".join("ROTTEN " + r for r in rotten), file=sys.stderr)
        if not keep:
            sys.exit(1)
        muts = [m for m in muts if not any(r.startswith(m["id"] + ":") for r in rotten)]
    # Baseline: the unmutated tree must build and pass, or nothing means anything.
    targets = sorted({t for m in muts for x in m["tests"] for t in make_targets(x)})
    ok, log = make(SCRATCH, targets)
    if not ok:
        print(log[-3000:])
        sys.exit("baseline build failed")
    killed = build_killed = survived = equiv = 0
    survivors = []
    for i, m in enumerate(muts, 1):
        tag = f"[{i}/{len(muts)}] {m['id']} ({m['file']})"
        if "equivalent" in m:
            equiv += 1
            print(f"{tag}: equivalent — {m['equivalent']}", flush=True)
            continue
        path = os.path.join(SCRATCH, m["file"])
        with open(path) as f:
            orig = f.read()
        s = time.time()
        with open(MUTATED, "a") as f:
            f.write(m["file"] + "\0")
        try:
            with open(path, "w") as f:
                f.write(orig.replace(m["from"], m["to"], 1))
            ok, log = make(SCRATCH, sorted({t for x in m["tests"] for t in make_targets(x)}))
            if not ok:
                build_killed += 1
                fate = "killed (build)"
            else:
                fate = "SURVIVED"
                for t in m["tests"]:
                    passed, why = run_test(t, SCRATCH)
                    if not passed:
                        fate = f"killed by {t}: {why}"
                        break
                if fate == "SURVIVED":
                    survived += 1
                    survivors.append(m["id"])
                else:
                    killed += 1
        finally:
            # A fresh write: newer than the mutant's objects, so rebuilt next time.
            with open(path, "w") as f:
                f.write(orig)
        print(f"{tag}: {fate} [{time.time() - s:.0f}s]", flush=True)
    total = killed + build_killed + survived
    print()
    if survivors:
        print("survived: " + " ".join(survivors))
    print(f"equivalent (not run): {equiv}; killed (build): {build_killed}")
    print(f"{killed + build_killed} of {total} killed"
          f" ({100 * (killed + build_killed) / max(total, 1):.0f}%), wall time {time.time() - t0:.0f}s")
    sys.exit(1 if rotten else 0)


if __name__ == "__main__":
    main()
