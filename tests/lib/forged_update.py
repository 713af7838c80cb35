#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A server that "accepts" DNS UPDATEs with forged answers (for
tests/sh/publish.sh): a client must not believe them.

    forged_update.py PORT_FILE MODE [MAX_SECONDS]

Listens on 127.0.0.1 (TCP) on a free port, writes it to PORT_FILE, and
answers each UPDATE with NOERROR, the query's ID and opcode, and, by MODE:
"unsigned" no TSIG; "badmac" a TSIG RR whose MAC is 32 octets of garbage.
Exits after MAX_SECONDS (default 20) or 20 connections.
"""
import socket
import struct
import sys
import time


def skip_name(w, o):
    while w[o]:
        o += 1 + w[o]
    return o + 1


def answer(q, mode):
    qid = struct.unpack(">H", q[:2])[0]
    end = skip_name(q, 12) + 4  # the zone section
    hdr = struct.pack(">HHHHHH", qid, 0x8000 | (5 << 11), 1, 0, 0, 1 if mode == "badmac" else 0)
    msg = hdr + q[12:end]
    if mode == "badmac":
        alg = b"\x0bhmac-sha256\x00"
        rd = alg + struct.pack(">HIH", 0, int(time.time()), 300) + struct.pack(">H", 32) + \
            b"\x5a" * 32 + struct.pack(">HHH", qid, 0, 0)
        msg += b"\x0bmimi-update\x00" + struct.pack(">HHIH", 250, 255, 0, len(rd)) + rd
    return msg


def main():
    port_file, mode = sys.argv[1], sys.argv[2]
    deadline = time.time() + (float(sys.argv[3]) if len(sys.argv) > 3 else 20)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    s.settimeout(1)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    conns = 0
    while time.time() < deadline and conns < 20:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        conns += 1
        c.settimeout(5)
        try:
            n = struct.unpack(">H", c.recv(2, socket.MSG_WAITALL))[0]
            q = c.recv(n, socket.MSG_WAITALL)
            a = answer(q, mode)
            c.sendall(struct.pack(">H", len(a)) + a)
        except (OSError, struct.error):
            pass
        c.close()


main()
