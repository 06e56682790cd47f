# A TCP peer for tests/lwip/transport.c, on 127.0.0.1 (reached from lwIP
# through slirp as 10.0.2.2). Each connection starts with one command line:
#   ECHO\n      echo every byte back until the client closes
#   SEND n\n    send n bytes of the test pattern, then close (FIN)
#   IDLE\n      read and send nothing until the client closes
#   RESET\n     close at once with an RST (SO_LINGER 0)
# The pattern is byte i = (i * 7 + (i >> 8)) & 0xff, as in transport.c.
import socket, struct, sys, threading

def pattern(n):
    return bytes(((i * 7 + (i >> 8)) & 0xff) for i in range(n))

PAT = pattern(1 << 21)

def handle(c):
    try:
        f = b""
        while b"\n" not in f:
            b = c.recv(64)
            if not b:
                return
            f += b
        line, rest = f.split(b"\n", 1)
        cmd = line.split()
        if cmd[0] == b"ECHO":
            if rest:
                c.sendall(rest)
            while True:
                b = c.recv(65536)
                if not b:
                    break
                c.sendall(b)
        elif cmd[0] == b"SEND":
            n = int(cmd[1])
            off = 0
            while off < n:
                k = min(n - off, len(PAT))
                c.sendall(PAT[:k])
                off += k
            c.shutdown(socket.SHUT_WR)
            while c.recv(65536):
                pass
        elif cmd[0] == b"IDLE":
            while c.recv(65536):
                pass
        elif cmd[0] == b"RESET":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    finally:
        c.close()

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
