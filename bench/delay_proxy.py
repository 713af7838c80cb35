#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A DNS proxy on loopback that holds every answer for one round trip.

  delay_proxy.py UPSTREAM_PORT DELAY_MS LOG PORTFILE

Listens on 127.0.0.1 (UDP and TCP, a free port written to PORTFILE once
ready), forwards each query to 127.0.0.1@UPSTREAM_PORT and sends the answer
back DELAY_MS after the query came in: what a client feels on a network
where every round trip to its resolver costs DELAY_MS. The upstream's time
to answer (and this proxy's, in Python) is part of that round trip, not
added to it; an answer that takes longer than DELAY_MS goes back at once. Appends one line per query to LOG
("<monotonic ms> <proto> <qname> <qtype>"), so a benchmark counts what went
on the wire. Loopback only; runs until killed.
"""
import asyncio
import socket
import struct
import sys
import time

UP = ("127.0.0.1", int(sys.argv[1]))
DELAY = int(sys.argv[2]) / 1000.0
LOG = open(sys.argv[3], "a", buffering=1, encoding="ascii")
PORTFILE = sys.argv[4]
TYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 16: "TXT", 28: "AAAA",
         35: "NAPTR", 43: "DS", 46: "RRSIG", 48: "DNSKEY", 52: "TLSA",
         64: "SVCB", 65: "HTTPS"}


def question(msg):
    """qname and qtype of a DNS message (uncompressed question)."""
    try:
        i, labels = 12, []
        while msg[i]:
            labels.append(msg[i + 1:i + 1 + msg[i]].decode("ascii", "replace"))
            i += 1 + msg[i]
        qtype = struct.unpack("!H", msg[i + 1:i + 3])[0]
        return ".".join(labels) + ".", TYPES.get(qtype, f"TYPE{qtype}")
    except (IndexError, struct.error):
        return "?", "?"


def log(proto, msg):
    name, qtype = question(msg)
    LOG.write(f"{time.monotonic() * 1000:.1f} {proto} {name} {qtype}\n")


class Udp(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.t = transport

    def datagram_received(self, data, addr):
        log("udp", data)
        due = asyncio.get_running_loop().time() + DELAY
        asyncio.ensure_future(self.forward(data, addr, due))

    async def forward(self, data, addr, due):
        loop = asyncio.get_running_loop()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        try:
            await loop.sock_connect(s, UP)
            await loop.sock_sendall(s, data)
            answer = await asyncio.wait_for(loop.sock_recv(s, 65535), 5)
        except (OSError, asyncio.TimeoutError):
            return
        finally:
            s.close()
        await asyncio.sleep(max(0.0, due - loop.time()))
        self.t.sendto(answer, addr)


async def tcp_client(reader, writer):
    try:
        while True:
            n = struct.unpack("!H", await reader.readexactly(2))[0]
            data = await reader.readexactly(n)
            log("tcp", data)
            loop = asyncio.get_running_loop()
            due = loop.time() + DELAY
            ur, uw = await asyncio.open_connection(*UP)
            uw.write(struct.pack("!H", n) + data)
            await uw.drain()
            m = struct.unpack("!H", await ur.readexactly(2))[0]
            answer = await ur.readexactly(m)
            uw.close()
            await asyncio.sleep(max(0.0, due - loop.time()))
            writer.write(struct.pack("!H", m) + answer)
            await writer.drain()
    except (asyncio.IncompleteReadError, OSError):
        pass
    finally:
        writer.close()


async def main():
    loop = asyncio.get_running_loop()
    for _ in range(50):
        port = 20000 + int.from_bytes(__import__("os").urandom(2), "big") % 40000
        try:
            udp, _ = await loop.create_datagram_endpoint(
                Udp, local_addr=("127.0.0.1", port))
        except OSError:
            continue
        try:
            server = await asyncio.start_server(tcp_client, "127.0.0.1", port)
        except OSError:
            udp.close()
            continue
        break
    else:
        sys.exit("delay_proxy: no free port")
    with open(PORTFILE, "w", encoding="ascii") as f:
        f.write(f"{port}\n")
    async with server:
        await server.serve_forever()


asyncio.run(main())
