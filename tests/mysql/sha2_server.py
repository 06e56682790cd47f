#!/usr/bin/python3
"""A scripted caching_sha2_password server for moor's MySQL interop test.

No server in Debian speaks caching_sha2_password, so this one does, from
the protocol description (MySQL's "caching_sha2_password information"
pages), with Python's hashlib and python3-cryptography, independently of
moor:

  fast path    the scramble matches and the account is in the cache:
               AuthMoreData 0x03, then OK;
  full auth    the scramble matches but the account is not cached:
               AuthMoreData 0x04; inside TLS the client sends the password
               and a NUL; over plain TCP it asks for the key (0x02), gets
               the PEM in AuthMoreData and sends the password + NUL XOR the
               nonce, RSA-OAEP (SHA-1) encrypted; a correct password
               caches the account;
  switch       a client that answers with mysql_native_password is sent an
               AuthSwitchRequest to caching_sha2_password with a new nonce.

Command phase: COM_PING answers OK, COM_QUIT ends the connection. Each
connection's path is appended to LOG ("fast", "rsa", "cleartext",
"switch", "denied").

  sha2_server.py PORT USER PASSWORD LOG [CERT KEY]

Runs until killed; prints "ready" when listening.
"""
import hashlib
import os
import socket
import ssl
import struct
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

port, user, password, logpath = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4]
cert = sys.argv[5] if len(sys.argv) > 6 else None
key = sys.argv[6] if len(sys.argv) > 6 else None

rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
pem = rsa_key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
cache = set()

CAPS = (0x1 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x10000 | 0x20000 | 0x40000
        | 0x80000 | 0x100000 | 0x200000 | 0x1000000)
if cert:
    CAPS |= 0x800


def sha256(b):
    return hashlib.sha256(b).digest()


def log(what):
    with open(logpath, 'a') as f:
        f.write(what + '\n')


class Conn:
    def __init__(self, s):
        self.s = s
        self.seq = 0

    def exact(self, n):
        # never read past the packet: after an SSLRequest the next bytes
        # are the client's TLS ClientHello, which the TLS layer must get
        b = b''
        while len(b) < n:
            d = self.s.recv(n - len(b))
            if not d:
                raise EOFError
            b += d
        return b

    def recv(self):
        h = self.exact(4)
        n = h[0] | h[1] << 8 | h[2] << 16
        if h[3] != self.seq:
            raise ValueError('sequence id %d, expected %d' % (h[3], self.seq))
        self.seq = (self.seq + 1) & 255
        return self.exact(n)

    def send(self, p):
        self.s.sendall(struct.pack('<I', len(p))[:3] + bytes([self.seq]) + p)
        self.seq = (self.seq + 1) & 255


def lenenc(b, i):
    c = b[i]
    if c < 0xfb:
        return c, i + 1
    n = {0xfc: 2, 0xfd: 3, 0xfe: 8}[c]
    return int.from_bytes(b[i + 1:i + 1 + n], 'little'), i + 1 + n


OK = b'\x00\x00\x00\x02\x00\x00\x00'


def err(c, code, state, msg):
    c.send(b'\xff' + struct.pack('<H', code) + b'#' + state + msg)


def serve(sock, tls_ctx):
    c = Conn(sock)
    nonce = bytes((b % 94) + 33 for b in os.urandom(20))
    hs = (b'\x0a' + b'8.0.36-moor-test\x00' + struct.pack('<I', 7) + nonce[:8] + b'\x00'
          + struct.pack('<H', CAPS & 0xffff) + bytes([45]) + struct.pack('<H', 2)
          + struct.pack('<H', CAPS >> 16) + bytes([21]) + b'\x00' * 10 + nonce[8:] + b'\x00'
          + b'caching_sha2_password\x00')
    c.send(hs)
    p = c.recv()
    caps = struct.unpack('<I', p[:4])[0]
    tls = False
    if len(p) == 32 and caps & 0x800:
        c.s = tls_ctx.wrap_socket(c.s, server_side=True)
        tls = True
        p = c.recv()
        caps = struct.unpack('<I', p[:4])[0]
    i = 32
    z = p.index(b'\x00', i)
    name = p[i:z]
    i = z + 1
    if caps & 0x200000:
        n, i = lenenc(p, i)
    else:
        n, i = p[i], i + 1
    auth = p[i:i + n]
    i += n
    if caps & 0x8:
        i = p.index(b'\x00', i) + 1
    plugin = p[i:p.index(b'\x00', i)] if caps & 0x80000 else b''
    if caps & 0x100000:
        total, j = lenenc(p, p.index(b'\x00', i) + 1)
        attrs = p[j:j + total]
        if len(attrs) != total:
            raise ValueError('attributes truncated')
    path = []
    if plugin != b'caching_sha2_password':
        nonce = bytes((b % 94) + 33 for b in os.urandom(20))
        c.send(b'\xfe' + b'caching_sha2_password\x00' + nonce + b'\x00')
        auth = c.recv()
        path.append('switch')
    s1 = sha256(password)
    want = bytes(a ^ b for a, b in zip(s1, sha256(sha256(s1) + nonce)))
    if name != user or auth != want:
        log(' '.join(path + ['denied']))
        err(c, 1045, b'28000', b'Access denied')
        return
    if name in cache:
        c.send(b'\x01\x03')
        path.append('fast')
    else:
        c.send(b'\x01\x04')
        r = c.recv()
        if tls:
            if r != password + b'\x00':
                log(' '.join(path + ['denied']))
                err(c, 1045, b'28000', b'Access denied (cleartext)')
                return
            path.append('cleartext')
        else:
            if r != b'\x02':
                raise ValueError('expected a public key request, got %r' % r[:8])
            c.send(b'\x01' + pem)
            ct = c.recv()
            pt = rsa_key.decrypt(ct, padding.OAEP(mgf=padding.MGF1(hashes.SHA1()),
                                                  algorithm=hashes.SHA1(), label=None))
            pw = bytes(b ^ nonce[k % 20] for k, b in enumerate(pt))
            if pw != password + b'\x00':
                log(' '.join(path + ['denied']))
                err(c, 1045, b'28000', b'Access denied (RSA)')
                return
            path.append('rsa')
        cache.add(name)
    c.send(OK)
    log(' '.join(path))
    while True:
        c.seq = 0
        try:
            p = c.recv()
        except EOFError:
            return
        if p[:1] == b'\x0e':
            c.send(OK)
        elif p[:1] == b'\x01':
            return
        else:
            err(c, 1047, b'08S01', b'Unknown command')


def main():
    tls_ctx = None
    if cert:
        tls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_ctx.load_cert_chain(cert, key)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', port))
    ls.listen(4)
    print('ready', flush=True)
    while True:
        s, _ = ls.accept()
        try:
            serve(s, tls_ctx)
        except Exception as e:  # one broken connection must not stop the test
            log('error %s' % e)
        finally:
            try:
                s.close()
            except OSError:
                pass


main()
