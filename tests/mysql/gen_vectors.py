#!/usr/bin/python3
"""Known answers for tests/mysql/test_mysql_proto.c, computed independently
of moor with Python's hashlib and struct (and python3-cryptography for the
RSA test key). Run with Debian's /usr/bin/python3; it prints C source that
was pasted into vectors.h.

The packet layouts are written out here from the protocol documentation,
field by field, without looking at moor's encoders."""
import hashlib, struct, sys

def sha1(b): return hashlib.sha1(b).digest()
def sha256(b): return hashlib.sha256(b).digest()
def xor(a, b): return bytes(x ^ y for x, y in zip(a, b))

def native(pw, s):
    if not pw: return b''
    return xor(sha1(pw), sha1(s[:20] + sha1(sha1(pw))))

def sha2(pw, s):
    if not pw: return b''
    return xor(sha256(pw), sha256(sha256(sha256(pw)) + s[:20]))

def rsa_input(pw, s):
    p = pw + b'\0'
    return bytes(p[i] ^ s[i % 20] for i in range(len(p)))

def lenenc(n):
    if n < 251: return bytes([n])
    if n < 1 << 16: return b'\xfc' + struct.pack('<H', n)
    if n < 1 << 24: return b'\xfd' + struct.pack('<I', n)[:3]
    return b'\xfe' + struct.pack('<Q', n)

def lstr(b): return lenenc(len(b)) + b

def frame(payload, seq):
    out = b''
    while True:
        n = min(len(payload), 0xffffff)
        out += struct.pack('<I', n)[:3] + bytes([seq & 255]) + payload[:n]
        payload = payload[n:]
        seq += 1
        if n < 0xffffff: return out

def c_bytes(name, b):
    s = 'static const uint8_t %s[%d] = {' % (name, max(len(b), 1))
    body = ', '.join('0x%02x' % x for x in b) if b else '0'
    lines = []
    cur = '\t'
    for tok in body.split(', '):
        if len(cur) + len(tok) + 2 > 76:
            lines.append(cur.rstrip())
            cur = '\t'
        cur += tok + ', '
    lines.append(cur.rstrip().rstrip(','))
    return s + '\n' + '\n'.join(lines) + '\n};\n'

out = []
# Auth known answers.
scrambles = {
    'scr_a': bytes(range(1, 21)),
    'scr_b': b'\x00' * 20,
    'scr_c': bytes([0xff] * 20),
}
pws = [b'x', b'secret', b'moorpw', b'a' * 64, b'\xc3\xa9t\xc3\xa9 \xe2\x82\xac', bytes(range(1, 100))]
for sn, s in scrambles.items():
    out.append(c_bytes(sn, s))
out.append('static const struct { const char *pw; size_t pw_len; const uint8_t *scr;'
           ' const char *native; const char *sha2; const char *rsa_in; } auth_kat[] = {')
for sn, s in scrambles.items():
    for pw in pws:
        out.append('\t{ "%s", %d, %s, "%s", "%s", "%s" },' % (
            ''.join('\\x%02x' % c for c in pw), len(pw), sn,
            native(pw, s).hex(), sha2(pw, s).hex(), rsa_input(pw, s).hex()))
out.append('};\n')

# HandshakeResponse41: caps as moor negotiates with the captured MariaDB
# handshake plus CONNECT_WITH_DB, user moor, native scramble of moorpw.
scr = b'abcdefghijklmnopqrst'
caps = 0x013ea204 | 0x8
auth = native(b'moorpw', scr)
attrs = lstr(b'_client_name') + lstr(b'moor') + lstr(b'_client_version') + lstr(b'0.1.0') \
    + lstr(b'program_name') + lstr(b'test') + lstr(b'k') + lstr(b'v' * 300)
p = struct.pack('<IIB', caps, 1 << 24, 45) + b'\0' * 23 + b'moor\0' + lstr(auth) \
    + b't\0' + b'mysql_native_password\0' + lstr(attrs)
out.append(c_bytes('kat_login', frame(p, 1)))
# The same without LENENC_CLIENT_DATA, CONNECT_ATTRS and a database, seq 2.
caps2 = (0x013ea204 & ~0x200000 & ~0x100000) | 0x800
p = struct.pack('<IIB', caps2, 1 << 24, 255) + b'\0' * 23 + b'root\0' + bytes([len(auth)]) + auth \
    + b'caching_sha2_password\0'
out.append(c_bytes('kat_login2', frame(p, 2)))
# SSLRequest.
p = struct.pack('<IIB', 0x013ea204 | 0x800, 1 << 24, 45) + b'\0' * 23
out.append(c_bytes('kat_ssl', frame(p, 1)))

# COM_STMT_EXECUTE with every parameter kind.
def exec_packet(stmt, params, send_types):
    p = b'\x17' + struct.pack('<IBI', stmt, 0, 1)
    n = len(params)
    bm = bytearray((n + 7) // 8)
    for i, (t, u, v) in enumerate(params):
        if v is None: bm[i // 8] |= 1 << (i % 8)
    p += bytes(bm) + bytes([1 if send_types else 0])
    if send_types:
        for t, u, v in params: p += bytes([t, 0x80 if u else 0])
    for t, u, v in params:
        if v is None: continue
        p += v
    return p
dt = lambda y, mo, d, h=0, mi=0, s=0, us=0: (
    b'\x00' if (y, mo, d, h, mi, s, us) == (0,) * 7 else
    b'\x04' + struct.pack('<HBB', y, mo, d) if (h, mi, s, us) == (0, 0, 0, 0) else
    b'\x07' + struct.pack('<HBBBBB', y, mo, d, h, mi, s) if us == 0 else
    b'\x0b' + struct.pack('<HBBBBBI', y, mo, d, h, mi, s, us))
tm = lambda neg, days, h, mi, s, us: (
    b'\x00' if (days, h, mi, s, us) == (0,) * 5 else
    b'\x08' + struct.pack('<BIBBB', neg, days, h, mi, s) if us == 0 else
    b'\x0c' + struct.pack('<BIBBBI', neg, days, h, mi, s, us))
params = [
    (1, 0, struct.pack('<b', -128)),
    (1, 1, struct.pack('<B', 255)),
    (2, 0, struct.pack('<h', -32768)),
    (2, 1, struct.pack('<H', 65535)),
    (3, 0, struct.pack('<i', -2147483648)),
    (3, 1, struct.pack('<I', 4294967295)),
    (8, 0, struct.pack('<q', -9223372036854775808)),
    (8, 1, struct.pack('<Q', 18446744073709551615)),
    (4, 0, struct.pack('<f', 1.5)),
    (5, 0, struct.pack('<d', -2.25)),
    (6, 0, None),
    (253, 0, lstr(b'h\xc3\xa9llo')),
    (254, 0, lstr(b'')),
    (252, 0, lstr(bytes(range(256)) * 2)),
    (10, 0, dt(2024, 2, 29)),
    (12, 0, dt(2024, 2, 29, 13, 14, 15)),
    (7, 0, dt(2024, 2, 29, 13, 14, 15, 123456)),
    (12, 0, dt(0, 0, 0)),
    (11, 0, tm(1, 34, 22, 59, 59, 0)),
    (11, 0, tm(0, 0, 1, 2, 3, 999999)),
    (11, 0, tm(0, 0, 0, 0, 0, 0)),
    (253, 0, None),
    (246, 0, lstr(b'-1234567.891')),
    (13, 1, struct.pack('<H', 2024)),
]
out.append(c_bytes('kat_exec', frame(exec_packet(7, params, True), 0)))
out.append(c_bytes('kat_exec_notypes', frame(exec_packet(0x01020304, params[:3], False), 0)))

sys.stdout.write('\n'.join(out))

# The RSA test key (generated once; kept in vectors.h).
if len(sys.argv) > 1 and sys.argv[1] == 'newkey':
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives import serialization as ser
    k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    print(k.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo).decode())
    print(k.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.PKCS1).decode())
    print(k.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.TraditionalOpenSSL, ser.NoEncryption()).decode())
