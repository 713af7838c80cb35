#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A scripted DNS server for tests: answers that no real server would give.

    scripted_dns.py PORT_FILE RULES_FILE [MAX_QUERIES] [MAX_SECONDS]

Listens on 127.0.0.1 (UDP and TCP) on a free port, writes the port to
PORT_FILE, and answers every query from RULES_FILE; it exits after
MAX_QUERIES queries (default 5000) or MAX_SECONDS seconds (default 30),
whichever comes first, so a test can never leave it running for long.

RULES_FILE: one rule a line, the first that matches decides:

    SUFFIX QTYPE RCODE [COUNT] [TXT-TEXT]

SUFFIX matches the query name's end (case-insensitive; "." matches every
name); QTYPE is a type name or "*"; RCODE a number. With TXT-TEXT (the rest
of the line), the answer holds COUNT records of QTYPE at the query name,
"{i}" in the text replaced by 1..COUNT: TXT (the text, one string per 255
octets) or SVCB/HTTPS ("PRIORITY TARGET", no parameters) or NAPTR ("ORDER
PREFERENCE FLAGS SERVICES REGEXP REPLACEMENT", "-" for an empty field). A query no rule
matches gets REFUSED.
Answers longer than 1232 octets over UDP come back truncated (TC) and in
full over TCP, as a server would. With SCRIPTED_DNS_NO_UDP=1 in the
environment, queries over UDP get no answer at all (only TCP works).
"""
import os
import select
import socket
import struct
import sys
import time

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "TXT": 16, "AAAA": 28, "NAPTR": 35,
         "TLSA": 52, "SVCB": 64, "HTTPS": 65}


def load_rules(path):
    rules = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.strip().split(None, 4)
            if not parts or parts[0].startswith("#"):
                continue
            suffix, qtype, rcode = parts[0].lower().rstrip(".") + ".", parts[1], int(parts[2])
            count, text = 1, None
            if len(parts) > 3:
                if parts[3].isdigit():
                    count = int(parts[3])
                    text = parts[4] if len(parts) > 4 else None
                else:
                    text = " ".join(parts[3:])
            rules.append((suffix, qtype, rcode, count, text))
    return rules


def qname_text(wire, off):
    labels = []
    while True:
        n = wire[off]
        off += 1
        if n == 0:
            break
        if n > 63:
            raise ValueError("compressed question")
        labels.append(wire[off:off + n].decode("ascii", "replace").lower())
        off += n
    return ".".join(labels) + ".", off


def txt_rdata(text):
    data = text.encode("utf-8")
    out = b""
    for i in range(0, len(data), 255):
        chunk = data[i:i + 255]
        out += bytes([len(chunk)]) + chunk
    return out or b"\x00"


def name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\x00"


def rdata_for(rtype, text):
    if rtype == "NAPTR":
        # ORDER PREFERENCE FLAGS SERVICES REGEXP REPLACEMENT, "-" for empty
        o, p, *strs, repl = [("" if f == "-" else f) for f in text.split()]
        return 35, (struct.pack("!HH", int(o), int(p))
                    + b"".join(bytes([len(x)]) + x.encode("ascii") for x in strs)
                    + name_wire(repl or "."))
    if rtype in ("SVCB", "HTTPS"):
        prio, target = text.split()
        return TYPES[rtype], struct.pack("!H", int(prio)) + name_wire(target)
    return 16, txt_rdata(text)


def answer(query, rules, tcp):
    qid, flags, qd = struct.unpack("!HHH", query[:6])
    if qd != 1:
        return None
    name, end = qname_text(query, 12)
    qtype, _ = struct.unpack("!HH", query[end:end + 4])
    question = query[12:end + 4]
    rcode, rrs = 5, []
    for suffix, rtype, rc, count, text in rules:
        if suffix != "." and not (name == suffix or name.endswith("." + suffix)):
            continue
        if rtype != "*" and TYPES.get(rtype) != qtype:
            continue
        rcode = rc
        if text is not None:
            for i in range(1, count + 1):
                t, rd = rdata_for(rtype, text.replace("{i}", str(i)))
                rrs.append(b"\xc0\x0c" + struct.pack("!HHIH", t, 1, 300, len(rd)) + rd)
        break
    hdr_flags = 0x8000 | 0x0400 | (flags & 0x0100) | rcode  # QR AA RD rcode
    msg = struct.pack("!HHHHHH", qid, hdr_flags, 1, len(rrs), 0, 0) + question + b"".join(rrs)
    if not tcp and len(msg) > 1232:
        msg = struct.pack("!HHHHHH", qid, hdr_flags | 0x0200, 1, 0, 0, 0) + question
    return msg


def main():
    port_file, rules_file = sys.argv[1], sys.argv[2]
    max_q = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    max_s = float(sys.argv[4]) if len(sys.argv) > 4 else 30
    rules = load_rules(rules_file)
    # One port for UDP and TCP: a free UDP port may be taken for TCP (by
    # another test's server), so try again with another (bounded).
    for attempt in range(50):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        port = udp.getsockname()[1]
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            tcp.bind(("127.0.0.1", port))
            break
        except OSError:
            udp.close()
            tcp.close()
            if attempt == 49:
                raise
    tcp.listen(16)
    with open(port_file + ".tmp", "w", encoding="ascii") as f:
        f.write("%d\n" % port)
    os.rename(port_file + ".tmp", port_file)
    deadline, served = time.monotonic() + max_s, 0
    conns = {}  # TCP connection -> bytes received, not yet answered
    while served < max_q and time.monotonic() < deadline:
        ready, _, _ = select.select([udp, tcp] + list(conns), [], [], 0.2)
        for s in ready:
            if s is udp:
                data, peer = udp.recvfrom(65535)
                served += 1
                if os.environ.get("SCRIPTED_DNS_NO_UDP") == "1":
                    continue
                try:
                    msg = answer(data, rules, False)
                except (ValueError, IndexError, struct.error):
                    msg = None
                if msg:
                    udp.sendto(msg, peer)
            elif s is tcp:
                conn, _ = tcp.accept()
                conns[conn] = b""
            else:
                data = s.recv(65535)
                if not data:
                    del conns[s]
                    s.close()
                    continue
                buf = conns[s] + data
                while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                    n = struct.unpack("!H", buf[:2])[0]
                    query, buf = buf[2:2 + n], buf[2 + n:]
                    served += 1
                    try:
                        msg = answer(query, rules, True)
                    except (ValueError, IndexError, struct.error):
                        msg = None
                    if msg:
                        s.sendall(struct.pack("!H", len(msg)) + msg)
                conns[s] = buf

if __name__ == "__main__":
    main()
