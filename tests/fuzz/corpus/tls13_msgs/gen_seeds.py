#!/usr/bin/python3
"""Seeds for fuzz_tls13_msgs: real TLS 1.3 handshake messages built with
python3-cryptography (certificates and signatures are genuine).

    /usr/bin/python3 gen_seeds.py

Each seed is one control byte then one handshake message (header
included). Control byte: bits 0-3 extensions offered for
EncryptedExtensions, bit 4 the ServerHello echoes a 32-byte zero session
id, bits 5-7 the piece sizes the Certificate body is pushed in (0: one
byte at a time, k: random pieces of up to 2^k bytes).
"""
import datetime
import hashlib
import os
import struct

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))


def hs(t, body):
    return bytes([t]) + struct.pack(">I", len(body))[1:] + body


def ext(t, data):
    return struct.pack(">HH", t, len(data)) + data


def u16list(vals):
    return struct.pack(">H", 2 * len(vals)) + b"".join(struct.pack(">H", v) for v in vals)


def chain():
    nb = datetime.datetime(2020, 1, 1)
    na = datetime.datetime(2049, 12, 31)
    root_key = ec.generate_private_key(ec.SECP256R1())
    rn = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "msgs seed root")])
    root = (x509.CertificateBuilder().subject_name(rn).issuer_name(rn)
            .public_key(root_key.public_key()).serial_number(1)
            .not_valid_before(nb).not_valid_after(na)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(root_key, hashes.SHA256()))
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "db.example.com")]))
            .issuer_name(rn).public_key(leaf_key.public_key()).serial_number(2)
            .not_valid_before(nb).not_valid_after(na)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("db.example.com")]), critical=False)
            .sign(root_key, hashes.SHA256()))
    der = lambda c: c.public_bytes(serialization.Encoding.DER)
    return der(leaf), der(root), leaf_key


def certificate(certs, ctx=b"", exts=None):
    lst = b""
    for i, c in enumerate(certs):
        e = exts[i] if exts else b""
        lst += struct.pack(">I", len(c))[1:] + c + struct.pack(">H", len(e)) + e
    return hs(11, bytes([len(ctx)]) + ctx + struct.pack(">I", len(lst))[1:] + lst)


def cv_content(th, server=True):
    label = b"TLS 1.3, server CertificateVerify" if server else b"TLS 1.3, client CertificateVerify"
    return b"\x20" * 64 + label + b"\x00" + th


def main():
    leaf, root, leaf_key = chain()
    th = hashlib.sha256(b"transcript of a seed").digest()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ecdsa_sig = leaf_key.sign(cv_content(th), ec.ECDSA(hashes.SHA256()))
    pss_sig = rsa_key.sign(cv_content(th), padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    share = bytes(range(32))

    s = {}
    # EncryptedExtensions
    s["ee_empty"] = bytes([0x0f]) + hs(8, struct.pack(">H", 0))
    all_ext = ext(0, b"") + ext(1, b"\x02") + ext(28, struct.pack(">H", 1025)) + ext(10, u16list([29, 23, 24]))
    s["ee_all"] = bytes([0x0f]) + hs(8, struct.pack(">H", len(all_ext)) + all_ext)
    s["ee_rsl_unoffered"] = bytes([0x01]) + hs(8, struct.pack(">H", 6) + ext(28, struct.pack(">H", 513)))
    s["ee_rsl_small"] = bytes([0x08]) + hs(8, struct.pack(">H", 6) + ext(28, struct.pack(">H", 63)))
    s["ee_alpn"] = bytes([0x0f]) + hs(8, struct.pack(">H", 9) + ext(16, b"\x00\x03\x02h2"))
    s["ee_dup"] = bytes([0x0f]) + hs(8, struct.pack(">H", 8) + ext(0, b"") + ext(0, b""))
    # CertificateRequest
    sig_algs = ext(13, u16list([0x0403, 0x0804, 0x0503, 0x0805, 0x0806]))
    s["cr"] = bytes([0x00]) + hs(13, b"\x00" + struct.pack(">H", len(sig_algs)) + sig_algs)
    ca = ext(47, struct.pack(">H", 2 + 20) + struct.pack(">H", 20) + b"\x30" + bytes(19))
    more = sig_algs + ext(50, u16list([0x0401])) + ca
    s["cr_ctx_exts"] = bytes([0x00]) + hs(13, b"\x04ctx1" + struct.pack(">H", len(more)) + more)
    s["cr_no_sigalgs"] = bytes([0x00]) + hs(13, b"\x00" + struct.pack(">H", len(ca)) + ca)
    # CertificateVerify
    s["cv_ecdsa"] = bytes([0x00]) + hs(15, struct.pack(">HH", 0x0403, len(ecdsa_sig)) + ecdsa_sig)
    s["cv_pss"] = bytes([0x00]) + hs(15, struct.pack(">HH", 0x0804, len(pss_sig)) + pss_sig)
    s["cv_empty_sig"] = bytes([0x00]) + hs(15, struct.pack(">HH", 0x0403, 0))
    # NewSessionTicket
    tk = os.urandom(100)
    s["nst"] = bytes([0x00]) + hs(4, struct.pack(">II", 7200, 0x12345678) + b"\x08" + bytes(8)
                                  + struct.pack(">H", len(tk)) + tk + struct.pack(">H", 0))
    ed = ext(42, struct.pack(">I", 16384)) + ext(0x7a7a, b"grease")
    s["nst_exts"] = bytes([0x00]) + hs(4, struct.pack(">II", 604800, 1) + b"\x00"
                                       + struct.pack(">H", 1) + b"T" + struct.pack(">H", len(ed)) + ed)
    s["nst_long_life"] = bytes([0x00]) + hs(4, struct.pack(">II", 604801, 1) + b"\x00"
                                            + struct.pack(">H", 1) + b"T" + struct.pack(">H", 0))
    # ServerHello / HRR
    sv = ext(43, b"\x03\x04")
    ks = ext(51, struct.pack(">HH", 29, 32) + share)
    body = b"\x03\x03" + bytes([0x11]) * 32 + b"\x20" + bytes(32) + b"\x13\x01\x00"
    exts = sv + ks
    s["sh"] = bytes([0x10]) + hs(2, body + struct.pack(">H", len(exts)) + exts)
    exts = sv + ks + ext(41, b"\x00\x00")
    s["sh_psk"] = bytes([0x10]) + hs(2, body + struct.pack(">H", len(exts)) + exts)
    hrr_random = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
    hbody = b"\x03\x03" + hrr_random + b"\x00" + b"\x13\x02\x00"
    exts = sv + ext(51, b"\x00\x17") + ext(44, b"\x00\x06cookie")
    s["hrr"] = bytes([0x00]) + hs(2, hbody + struct.pack(">H", len(exts)) + exts)
    s["sh_tls12_noext"] = bytes([0x00]) + hs(2, b"\x03\x03" + bytes([0x22]) * 32 + b"\x20" + bytes(32) + b"\xc0\x2f\x00")
    exts = sv
    s["hrr_asks_nothing"] = bytes([0x00]) + hs(2, hbody + struct.pack(">H", len(exts)) + exts)
    # Certificate, streamed
    s["cert_chain"] = bytes([0x60]) + certificate([leaf, root])
    s["cert_leaf_1byte"] = bytes([0x00]) + certificate([leaf])
    s["cert_ext_ctx"] = bytes([0x40]) + certificate([leaf], ctx=b"\x01\x02", exts=[ext(5, b"\x01\x00\x00\x00\x00")])
    s["cert_empty"] = bytes([0x20]) + certificate([])
    s["cert_many"] = bytes([0xe0]) + certificate([b"\x30\x03\x02\x01" + bytes([i]) for i in range(10)])
    s["cert_truncated"] = bytes([0x80]) + certificate([leaf])[:300]

    for name, data in s.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
    print("%d seeds" % len(s))


if __name__ == "__main__":
    main()
