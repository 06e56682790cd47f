#!/usr/bin/python3
"""Seeds for fuzz_tls13_engine, and (with --certs) the test PKI that
fuzz_tls13_engine.c embeds.

    /usr/bin/python3 gen_seeds.py           # write the curated seed files here
    /usr/bin/python3 gen_seeds.py --all DIR # every seed, into DIR (for a campaign)
    /usr/bin/python3 gen_seeds.py --certs   # print the C arrays of the PKI

The corpus in the tree stays small (driver.c reads at most 64 files, and
every file is a whole handshake); --all writes the other variants too.

Input layout (see the top of tests/fuzz/fuzz_tls13_engine.c):
  byte 0  cfg: bit0 frag 16384 (else 512), bit1 scripted server,
          bit2 no_compat, bit3 no SNI, bits4-5 groups/shares,
          bit6 suite order, bit7 a ticket is stored
  byte 1  chunk seed (sizes of the pieces moved to and from the engine;
          bit7: feed server bytes before draining the client's)
  raw mode: the rest is the server's byte stream.
  scripted mode: byte 2 srv0, byte 3 srv1, then items
          [ctl][len_hi][len_lo][data...].

The raw-mode seeds need the engine's legacy_session_id: the fake
platform's entropy is 32 bytes 0x42, which seeds BearSSL's HMAC-DRBG
(SHA-256); the engine draws the 32-byte random, then the 32-byte sid.
"""
import hashlib
import hmac
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


# --- HMAC_DRBG (SHA-256) as br_hmac_drbg_init / br_hmac_drbg_generate ---
class Drbg:
    def __init__(self, seed):
        self.k = b"\x00" * 32
        self.v = b"\x01" * 32
        self._update(seed)

    def _h(self, k, d):
        return hmac.new(k, d, hashlib.sha256).digest()

    def _update(self, seed):
        self.k = self._h(self.k, self.v + b"\x00" + seed)
        self.v = self._h(self.k, self.v)
        if seed:
            self.k = self._h(self.k, self.v + b"\x01" + seed)
            self.v = self._h(self.k, self.v)

    def generate(self, n):
        out = b""
        while len(out) < n:
            self.v = self._h(self.k, self.v)
            out += self.v
        # BearSSL then updates the state with no additional input.
        self.k = self._h(self.k, self.v + b"\x00")
        self.v = self._h(self.k, self.v)
        return out[:n]


def engine_sid():
    d = Drbg(b"\x42" * 32)
    d.generate(32)          # random
    return d.generate(32)   # legacy_session_id


HRR_RANDOM = bytes.fromhex(
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")


def hs(t, body):
    return bytes([t]) + struct.pack(">I", len(body))[1:] + body


def rec(t, content, ver=0x0303):
    return bytes([t]) + struct.pack(">HH", ver, len(content)) + content


def ext(t, data):
    return struct.pack(">HH", t, len(data)) + data


def server_hello(sid, suite=0x1301, exts=b"", random=b"\x11" * 32, legacy=0x0303):
    body = struct.pack(">H", legacy) + random + bytes([len(sid)]) + sid
    body += struct.pack(">HB", suite, 0) + struct.pack(">H", len(exts)) + exts
    return hs(2, body)


SERVER_X25519 = bytes.fromhex(
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")


def raw_seeds(sid):
    sv = ext(43, b"\x03\x04")
    ks = ext(51, struct.pack(">HH", 29, 32) + SERVER_X25519)
    seeds = {}
    sh = server_hello(sid, exts=sv + ks)
    seeds["raw_sh"] = bytes([0x00, 0x00]) + rec(22, sh)
    seeds["raw_sh_16k"] = bytes([0x01, 0x13]) + rec(22, sh)
    seeds["raw_sh_split"] = bytes([0x00, 0x05]) + rec(22, sh[:20]) + rec(22, sh[20:])
    seeds["raw_sh_ccs"] = bytes([0x00, 0x00]) + rec(22, sh) + rec(20, b"\x01") + rec(23, b"\x00" * 40)
    seeds["raw_sh_eager"] = bytes([0x00, 0x85]) + rec(22, sh[:10]) + rec(22, sh[10:])
    hrr = server_hello(sid, exts=sv + ext(51, struct.pack(">H", 23)), random=HRR_RANDOM)
    seeds["raw_hrr_group"] = bytes([0x00, 0x01]) + rec(22, hrr) + rec(22, sh)
    hrr2 = server_hello(sid, exts=sv + ext(44, struct.pack(">H", 5) + b"c00ki"), random=HRR_RANDOM)
    seeds["raw_hrr_cookie"] = bytes([0x00, 0x02]) + rec(22, hrr2)
    seeds["raw_tls12"] = bytes([0x00, 0x00]) + rec(22, server_hello(b"\x07" * 32, exts=ext(0xff01, b"\x00")))
    dg = b"\x11" * 24 + b"DOWNGRD\x01"
    seeds["raw_downgrade"] = bytes([0x00, 0x00]) + rec(22, server_hello(b"", random=dg))
    seeds["raw_alert"] = bytes([0x00, 0x00]) + rec(21, b"\x02\x46")
    seeds["raw_alert_close"] = bytes([0x00, 0x00]) + rec(21, b"\x01\x00")
    seeds["raw_nocompat_sh"] = bytes([0x04, 0x00]) + rec(22, server_hello(b"", exts=sv + ks))
    seeds["raw_bigrec"] = bytes([0x00, 0x00]) + b"\x16\x03\x03\x40\x01"
    # ServerHello / HRR misbehaviours
    seeds["raw_sh_share_len"] = bytes([0x00, 0x00]) + rec(22, server_hello(
        sid, exts=sv + ext(51, struct.pack(">HH", 29, 31) + SERVER_X25519[:31])))
    seeds["raw_sh_group_unsent"] = bytes([0x00, 0x00]) + rec(22, server_hello(
        sid, exts=sv + ext(51, struct.pack(">HH", 23, 65) + b"\x04" + bytes(64))))
    seeds["raw_sh_zero_point"] = bytes([0x00, 0x00]) + rec(22, server_hello(
        sid, exts=sv + ext(51, struct.pack(">HH", 29, 32) + bytes(32))))
    seeds["raw_sh_psk_unoffered"] = bytes([0x00, 0x00]) + rec(22, server_hello(
        sid, exts=sv + ks + ext(41, b"\x00\x00")))
    seeds["raw_sh_no_share"] = bytes([0x00, 0x00]) + rec(22, server_hello(sid, exts=sv))
    seeds["raw_sh_suite"] = bytes([0x00, 0x00]) + rec(22, server_hello(sid, suite=0x1304, exts=sv + ks))
    seeds["raw_hrr_twice"] = bytes([0x00, 0x00]) + rec(22, hrr) + rec(22, hrr)
    seeds["raw_hrr_sent_group"] = bytes([0x00, 0x00]) + rec(22, server_hello(
        sid, exts=sv + ext(51, struct.pack(">H", 29)), random=HRR_RANDOM))
    seeds["raw_hrr_then_sh"] = bytes([0x00, 0x00]) + rec(22, hrr) + rec(22, server_hello(
        sid, exts=sv + ext(51, struct.pack(">HH", 23, 65) + b"\x04" + bytes(64))))
    big = server_hello(sid, exts=sv + ext(44, struct.pack(">H", 500) + b"k" * 500), random=HRR_RANDOM)
    seeds["raw_hrr_cookie_500"] = bytes([0x00, 0x00]) + rec(22, big)
    huge = server_hello(sid, exts=sv + ext(44, struct.pack(">H", 3000) + b"k" * 3000), random=HRR_RANDOM)
    seeds["raw_hrr_cookie_split"] = bytes([0x00, 0x00]) + rec(22, huge[:700]) + rec(22, huge[700:1400])
    seeds["raw_alert_canceled"] = bytes([0x00, 0x00]) + rec(21, b"\x01\x5a") + rec(21, b"\x01\x00")
    seeds["raw_alert_version"] = bytes([0x00, 0x00]) + rec(21, b"\x02\x46")
    seeds["raw_sh_trailing"] = bytes([0x00, 0x00]) + rec(22, sh + b"\x08")
    seeds["raw_ccs_early"] = bytes([0x00, 0x00]) + rec(20, b"\x01") + rec(20, b"\x01") + rec(20, b"\x01")
    return seeds


# --- scripted mode ---
K_HS, K_APP, K_ALERT, K_RAW, K_GEN, K_CLIENT, K_INNER = 0, 1, 2, 3, 4, 5, 6
G_EE, G_CR, G_CERT, G_CV, G_FIN, G_NST, G_KU, G_FLIGHT = range(8)


def item(kind, data, pad=0, chunk=0):
    return bytes([kind | (pad << 3) | (chunk << 5)]) + struct.pack(">H", len(data)) + data


def gen(which, *opts):
    return item(K_GEN, bytes([which]) + bytes(opts))


def c_array(name):
    """The bytes of a `static uint8_t name[] = {...}` in the harness."""
    src = open(os.path.join(HERE, "..", "..", "fuzz_tls13_engine.c")).read()
    start = src.index("static uint8_t %s[" % name)
    body = src[src.index("{", start) + 1:src.index("}", start)]
    return bytes(int(x, 16) for x in body.replace(",", " ").split())


def certificate(certs, ctx=b""):
    lst = b"".join(struct.pack(">I", len(c))[1:] + c + b"\x00\x00" for c in certs)
    return hs(11, bytes([len(ctx)]) + ctx + struct.pack(">I", len(lst))[1:] + lst)


def scripted_seeds():
    s = {}
    leaf = c_array("leaf_p256_der")
    fl = gen(G_FLIGHT, 0x00, 0)
    s["srv_flight"] = bytes([0x02, 0x00, 0x00, 0x00]) + fl
    s["srv_flight_16k_app"] = bytes([0x03, 0x00, 0x01, 0x00]) + fl + item(K_APP, b"hello") + \
        item(K_CLIENT, b"\x00ping") + item(K_ALERT, b"\x01\x00")
    s["srv_flight_split"] = bytes([0x02, 0x03, 0x00, 0x00]) + gen(G_FLIGHT, 0x00, 7)
    s["srv_flight_rsa"] = bytes([0x03, 0x00, 0x40, 0x00]) + gen(G_FLIGHT, 0x00, 0) + item(K_APP, b"x" * 100)
    s["srv_flight_p384"] = bytes([0x02, 0x00, 0x22, 0x00]) + gen(G_FLIGHT, 0x00, 0)
    s["srv_hrr"] = bytes([0x02, 0x00, 0x04, 0x00]) + fl
    s["srv_hrr_cookie"] = bytes([0x12, 0x00, 0x0c, 0x00]) + fl
    s["srv_nocompat_chacha"] = bytes([0x46, 0x00, 0x01, 0x00]) + fl
    s["srv_client_auth"] = bytes([0x02, 0x00, 0x80, 0x00]) + gen(G_FLIGHT, 0x01, 0) + item(K_CLIENT, b"\x00data")
    s["srv_client_hook"] = bytes([0x02, 0x00, 0x80, 0x04]) + gen(G_FLIGHT, 0x01, 0)
    s["srv_client_empty"] = bytes([0x02, 0x00, 0x00, 0x00]) + gen(G_FLIGHT, 0x01, 0)
    s["srv_tickets"] = bytes([0x82, 0x00, 0x00, 0x00]) + fl + gen(G_NST, 0, 5) + gen(G_NST, 1, 200) + \
        item(K_APP, b"after tickets")
    s["srv_resume"] = bytes([0x82, 0x00, 0x10, 0x00]) + gen(G_EE, 0) + gen(G_FIN) + item(K_APP, b"resumed")
    s["srv_keyupdate"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + gen(G_KU, 1) + item(K_APP, b"k1") + \
        gen(G_KU, 0) + item(K_APP, b"k2") + item(K_CLIENT, b"\x00after")
    s["srv_msgs"] = bytes([0x02, 0x00, 0x00, 0x00]) + gen(G_EE, 3) + gen(G_CR) + gen(G_CERT, 1) + \
        gen(G_CV) + gen(G_FIN)
    ee = hs(8, struct.pack(">H", 0))
    s["srv_raw_ee"] = bytes([0x03, 0x00, 0x00, 0x00]) + item(K_HS, ee) + gen(G_CERT, 0) + gen(G_CV) + gen(G_FIN)
    s["srv_raw_ee_pad"] = bytes([0x03, 0x00, 0x00, 0x00]) + item(K_HS, ee, pad=2) + item(K_HS, hs(11, b"\x00\x00\x00\x00"))
    s["srv_post_hs"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + item(K_HS, hs(4, b"\x00\x00\x00\x10" + b"\x00\x00\x00\x01" + b"\x00" + b"\x00\x01T" + b"\x00\x00")) + \
        item(K_HS, hs(24, b"\x00")[:3]) + item(K_HS, hs(24, b"\x00")[3:])
    s["srv_raw_ccs"] = bytes([0x02, 0x00, 0x00, 0x00]) + item(K_RAW, rec(20, b"\x01")) + fl
    s["srv_close"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + item(K_CLIENT, b"\x01")
    head = gen(G_EE, 0) + gen(G_CERT, 0)
    s["srv_bad_fin"] = bytes([0x03, 0x00, 0x00, 0x00]) + head + gen(G_CV) + gen(G_FIN, 1)
    s["srv_bad_cv"] = bytes([0x03, 0x00, 0x00, 0x00]) + head + gen(G_CV, 1)
    s["srv_cv_scheme"] = bytes([0x03, 0x00, 0x00, 0x00]) + head + gen(G_CV, 2)
    s["srv_cv_0806"] = bytes([0x03, 0x00, 0x40, 0x00]) + head + gen(G_CV, 4) + gen(G_FIN)
    s["srv_no_sni"] = bytes([0x0a, 0x00, 0x00, 0x00]) + gen(G_FLIGHT, 0, 0)
    s["srv_cert_ctx"] = bytes([0x03, 0x00, 0x00, 0x00]) + gen(G_EE, 0) + item(K_HS, certificate([leaf], b"\x07"))
    s["srv_cert_9"] = bytes([0x03, 0x00, 0x00, 0x00]) + gen(G_EE, 0) + item(K_HS, certificate([leaf] * 9))
    s["srv_cert_split"] = bytes([0x02, 0x00, 0x00, 0x00]) + gen(G_EE, 0) + \
        item(K_HS, certificate([leaf])[:3]) + item(K_HS, certificate([leaf])[3:200]) + \
        item(K_HS, certificate([leaf])[200:]) + gen(G_CV) + gen(G_FIN)
    s["srv_cert_empty_body"] = bytes([0x03, 0x00, 0x00, 0x00]) + gen(G_EE, 0) + item(K_HS, b"\x0b\x00\x00\x00")
    s["srv_ee_mfl_mismatch"] = bytes([0x02, 0x00, 0x00, 0x00]) + item(K_HS, hs(8, struct.pack(">H", 5) + ext(1, b"\x02")))
    s["srv_ee_rsl_big"] = bytes([0x02, 0x00, 0x00, 0x00]) + item(K_HS, hs(8, struct.pack(">H", 6) + ext(28, struct.pack(">H", 20000)))) + \
        gen(G_CERT) + gen(G_CV) + gen(G_FIN)
    s["srv_ee_big"] = bytes([0x02, 0x00, 0x00, 0x00]) + item(K_HS, hs(8, struct.pack(">H", 704) + ext(0xffee, bytes(700)))[:400]) + \
        item(K_HS, hs(8, struct.pack(">H", 704) + ext(0xffee, bytes(700)))[400:])
    s["srv_rsa_client"] = bytes([0x02, 0x00, 0x80, 0x80]) + gen(G_FLIGHT, 1, 0) + item(K_CLIENT, b"\x00rsa")
    s["srv_rsa_client_hook"] = bytes([0x03, 0x00, 0x80, 0x84]) + gen(G_FLIGHT, 1, 0)
    s["srv_rsa_client_384"] = bytes([0x03, 0x00, 0x80, 0x80]) + gen(G_EE, 0) + gen(G_CR, 4) + gen(G_CERT) + \
        gen(G_CV) + gen(G_FIN)
    s["srv_client_no_scheme"] = bytes([0x03, 0x00, 0x80, 0x00]) + gen(G_EE, 0) + gen(G_CR, 2) + gen(G_CERT) + \
        gen(G_CV) + gen(G_FIN)
    s["srv_ticket_expired"] = bytes([0x82, 0x00, 0x10, 0x20]) + fl
    s["srv_ticket_othername"] = bytes([0x82, 0x00, 0x10, 0x40]) + fl
    s["srv_ticket_384"] = bytes([0x82, 0x00, 0x12, 0x60]) + gen(G_EE, 0) + gen(G_FIN) + item(K_APP, b"384")
    s["srv_ticket_384_hrr"] = bytes([0x82, 0x00, 0x14, 0x60]) + fl
    s["srv_resume_hrr"] = bytes([0x82, 0x00, 0x14, 0x00]) + gen(G_EE, 0) + gen(G_FIN)
    s["srv_app_pending_ku"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + item(K_CLIENT, b"\x02unflushed") + gen(G_KU, 1)
    s["srv_app_pending_close"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + item(K_CLIENT, b"\x02bye") + item(K_CLIENT, b"\x01")
    s["srv_ec_small"] = bytes([0x02, 0x40, 0x00, 0x00]) + fl + item(K_APP, b"small")
    s["srv_ec_small_p384"] = bytes([0x32, 0x40, 0x20, 0x00]) + fl
    s["srv_ch_big"] = bytes([0xb2, 0x00, 0x00, 0x00]) + fl
    s["srv_big_ticket"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + \
        item(K_HS, hs(4, struct.pack(">II", 3600, 1) + b"\x00" + struct.pack(">H", 1200) + bytes(1200) + b"\x00\x00")) + \
        item(K_APP, b"after")
    s["srv_overack"] = bytes([0x03, 0x02, 0x00, 0x00]) + fl + item(K_APP, b"z" * 300) + item(K_CLIENT, b"\x00" + b"w" * 600)
    s["srv_user_canceled"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + item(K_ALERT, b"\x01\x5a") + item(K_ALERT, b"\x01\x00")
    s["srv_flood"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + gen(G_KU, 0) * 34
    s["srv_ku_trailing"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + item(K_HS, hs(24, b"\x00") + b"\x04")
    s["srv_clear_alert_after"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + item(K_RAW, rec(21, b"\x02\x28"))
    s["srv_inner_ccs"] = bytes([0x03, 0x00, 0x00, 0x00]) + fl + item(K_INNER, b"\x14\x01")
    s["srv_hook_fails"] = bytes([0x03, 0x00, 0x80, 0x0c]) + gen(G_FLIGHT, 1, 0)
    bad = bytearray(certificate([leaf]))
    bad[-10] ^= 0x01
    s["srv_bad_cert_sig"] = bytes([0x03, 0x00, 0x00, 0x00]) + gen(G_EE, 0) + item(K_HS, bytes(bad))
    return s


# --- the PKI, printed as C arrays with --certs ---
def make_pki():
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID

    nb = datetime.datetime(2020, 1, 1)
    na = datetime.datetime(2049, 12, 31)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "moor fuzz"),
                           x509.NameAttribute(NameOID.COMMON_NAME, "moor fuzz root")])
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key()).serial_number(1)
            .not_valid_before(nb).not_valid_after(na)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(root_key, hashes.SHA256()))

    def leaf(key, cn, serial, eku, san):
        b = (x509.CertificateBuilder()
             .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
             .issuer_name(root_name).public_key(key.public_key()).serial_number(serial)
             .not_valid_before(nb).not_valid_after(na)
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
             .add_extension(x509.ExtendedKeyUsage([eku]), critical=False))
        if san:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
        return b.sign(root_key, hashes.SHA256())

    k256 = ec.generate_private_key(ec.SECP256R1())
    k384 = ec.generate_private_key(ec.SECP384R1())
    krsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kcli = ec.generate_private_key(ec.SECP256R1())
    der = lambda c: c.public_bytes(serialization.Encoding.DER)
    out = {
        "root_der": der(root),
        "root_dn": root.subject.public_bytes(),
        "root_q": root_key.public_key().public_bytes(serialization.Encoding.X962,
                                                     serialization.PublicFormat.UncompressedPoint),
        "leaf_p256_der": der(leaf(k256, "fuzz.moor.test", 2, ExtendedKeyUsageOID.SERVER_AUTH, "fuzz.moor.test")),
        "leaf_p384_der": der(leaf(k384, "fuzz.moor.test", 3, ExtendedKeyUsageOID.SERVER_AUTH, "fuzz.moor.test")),
        "leaf_rsa_der": der(leaf(krsa, "fuzz.moor.test", 4, ExtendedKeyUsageOID.SERVER_AUTH, "fuzz.moor.test")),
        "client_der": der(leaf(kcli, "moor fuzz client", 5, ExtendedKeyUsageOID.CLIENT_AUTH, None)),
        "leaf_p256_x": k256.private_numbers().private_value.to_bytes(32, "big"),
        "leaf_p384_x": k384.private_numbers().private_value.to_bytes(48, "big"),
        "client_x": kcli.private_numbers().private_value.to_bytes(32, "big"),
    }
    n = krsa.private_numbers()
    for name, v in (("rsa_p", n.p), ("rsa_q", n.q), ("rsa_dp", n.dmp1),
                    ("rsa_dq", n.dmq1), ("rsa_iq", n.iqmp)):
        out[name] = v.to_bytes(128, "big")
    return out


def print_c(pki):
    for name, data in pki.items():
        print("static const uint8_t %s[%d] = {" % (name, len(data)))
        for i in range(0, len(data), 12):
            print("\t" + ", ".join("0x%02x" % b for b in data[i:i + 12]) + ",")
        print("};")


CURATED = [
    "raw_sh", "raw_sh_split", "raw_hrr_cookie_500", "raw_hrr_then_sh", "raw_tls12",
    "srv_flood", "raw_hrr_cookie_split",
    "srv_flight", "srv_flight_16k_app", "srv_flight_split", "srv_flight_rsa", "srv_hrr_cookie",
    "srv_nocompat_chacha", "srv_client_auth", "srv_rsa_client_hook", "srv_tickets",
    "srv_resume_hrr", "srv_ticket_384", "srv_keyupdate", "srv_msgs", "srv_post_hs",
    "srv_bad_fin", "srv_cert_split", "srv_app_pending_ku", "srv_ch_big",
]


def main():
    if "--certs" in sys.argv:
        print_c(make_pki())
        return
    seeds = raw_seeds(engine_sid())
    seeds.update(scripted_seeds())
    out = HERE
    if "--all" in sys.argv:
        out = sys.argv[sys.argv.index("--all") + 1]
    else:
        seeds = {k: seeds[k] for k in CURATED}
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("%d seeds" % len(seeds))


if __name__ == "__main__":
    main()
