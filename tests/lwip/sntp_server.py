# A minimal SNTP server (RFC 4330) on UDP 127.0.0.1:PORT for the lwIP
# tests: it answers every request with the time OFFSET seconds from now
# (0 by default), as a stratum 1 server.
#   sntp_server.py PORT [OFFSET]
import socket, struct, sys, time

NTP_1970 = 2208988800
port = int(sys.argv[1])
offset = int(sys.argv[2]) if len(sys.argv) > 2 else 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
print("listening", port, flush=True)
while True:
    req, peer = s.recvfrom(512)
    if len(req) < 48:
        continue
    now = time.time() + offset
    sec = int(now) + NTP_1970
    frac = int((now % 1) * (1 << 32))
    hdr = struct.pack("!BBbbII4s", 0x24, 1, 6, -20, 0, 0, b"MOOR")
    ts = struct.pack("!II", sec & 0xffffffff, frac)
    # reference, originate (= the client's transmit), receive, transmit
    s.sendto(hdr + ts + req[40:48] + ts + ts, peer)
    print("answered", peer, flush=True)
