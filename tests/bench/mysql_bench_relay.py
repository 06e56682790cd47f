#!/usr/bin/python3
"""Count the round trips of a client's connection, for mysql_bench.sh.

    mysql_bench_relay.py LISTEN_PORT UPSTREAM_PORT DELAY_MS LOG

A TCP relay on 127.0.0.1:LISTEN_PORT to 127.0.0.1:UPSTREAM_PORT, one
connection at a time. Bytes from the client go to the server at once;
bytes from the server reach the client DELAY_MS later (a one-way delay,
like a long link).

Flights: the relay logs, in order, each chunk it received from the
client and each chunk it forwarded to the client. Consecutive events of
one side make one flight. Because every server chunk is held back
DELAY_MS, a client that writes twice without waiting (SSLRequest then
ClientHello; TLS Finished then the login packet) has both writes in one
flight even when the server answered the first in between: a client
chunk opens a new flight only if server bytes were delivered to the
client since its previous chunk, that is, only if the client may have
waited for them. A server flight that the client received before it
went on, or before it shut the connection down, is one the client
waited for: one round trip. The TCP handshake is one more (the relay
sees no bytes of it), so

    round trips = 1 + server flights delivered before the client's EOF

For this count to mean "up to the first row" the client must send
nothing after it has read the reply it is timed on: moor_bench_mysql
--once and its libmariadb twin shut the socket down without COM_QUIT.

One line per connection in LOG when the client has closed:

    conn rtt=5 ms=412 flights=S95 C553 S2271 C154 S11 C27 S62

(S: bytes the server sent in that flight, C: bytes the client sent; ms:
from accept to the client's EOF, delays included). Python 3 standard
library only.
"""

import collections
import selectors
import socket
import sys
import time


def relay_one(client, upstream_port, delay, log):
    server = socket.create_connection(("127.0.0.1", upstream_port))
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
    t0 = time.monotonic()
    sel = selectors.DefaultSelector()
    sel.register(client, selectors.EVENT_READ, "C")
    sel.register(server, selectors.EVENT_READ, "S")
    held = collections.deque()  # (due, bytes) from the server, in order
    events = []                 # ("C" | "S", bytes) in the order seen
    client_eof = server_eof = False
    flights_at_eof = None

    def note(side, n):
        if events and events[-1][0] == side:
            events[-1][1] += n
        else:
            events.append([side, n])

    def send_all(sock, data):
        sock.setblocking(True)
        try:
            sock.sendall(data)
        finally:
            sock.setblocking(False)

    while not (client_eof and (server_eof and not held)):
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, data = held.popleft()
            if not client_eof:
                try:
                    send_all(client, data)
                except OSError:
                    client_eof = True
                    continue
                note("S", len(data))
        if client_eof and not held:
            break
        timeout = max(0.0, held[0][0] - time.monotonic()) if held else 30.0
        for key, _ in sel.select(timeout):
            side = key.data
            try:
                data = key.fileobj.recv(65536)
            except OSError:
                data = b""
            if side == "C":
                if not data:
                    client_eof = True
                    flights_at_eof = list(events)
                    sel.unregister(client)
                    try:
                        server.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                note("C", len(data))
                try:
                    send_all(server, data)
                except OSError:
                    pass
            else:
                if not data:
                    server_eof = True
                    sel.unregister(server)
                    continue
                held.append((time.monotonic() + delay, data))
        if server_eof and not held and not client_eof:
            # the server closed and everything reached the client
            try:
                client.shutdown(socket.SHUT_WR)
            except OSError:
                pass
    ms = (time.monotonic() - t0) * 1000.0
    if flights_at_eof is None:
        flights_at_eof = list(events)
    sflights = sum(1 for side, _ in flights_at_eof if side == "S")
    desc = " ".join("%s%d" % (side, n) for side, n in flights_at_eof)
    log.write("conn rtt=%d ms=%.0f flights=%s\n" % (1 + sflights, ms, desc))
    log.flush()
    sel.close()
    server.close()
    client.close()


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    port, upstream, delay_ms, logname = int(argv[1]), int(argv[2]), float(argv[3]), argv[4]
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(4)
    with open(logname, "a", encoding="utf-8") as log:
        while True:
            client, _ = lsock.accept()
            try:
                relay_one(client, upstream, delay_ms / 1000.0, log)
            except OSError as e:
                log.write("error %s\n" % e)
                log.flush()
                client.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
