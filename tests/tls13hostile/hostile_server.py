#!/usr/bin/python3
"""A scripted TLS 1.3 server that misbehaves on purpose, for testing clients.

    hostile_server.py --cert LEAF.pem --key KEY.pem [--chain INTERMEDIATES.pem]
                      --case NAME [--port-file FILE] [--count N]
                      [--groups x25519,secp256r1,secp384r1] [--suites 1301,1302,1303]
                      [--request-client-cert] [--log FILE]
    hostile_server.py --list

The server binds 127.0.0.1 on a port the kernel picks, writes the port to
--port-file (atomically) and prints "listening PORT" on stdout, serves
--count connections one after the other and exits 0 (1 if the server itself
hit a bug, 2 for a usage error, 3 if its 60 s lifetime ran out).

Underneath every case is one correct RFC 8446 server (full handshake, no
PSK or early data): X25519 / P-256 / P-384 key exchange, the three
mandatory-to-implement AEAD suites, HelloRetryRequest, middlebox
compatibility ChangeCipherSpec, max_fragment_length and record_size_limit,
optional client authentication, one NewSessionTicket, then an echo service
that sends every line back reversed (like `openssl s_server -rev`). A line
"CLOSE" makes it send close_notify and hang up; a close_notify from the
client is answered with close_notify.

A case is a subclass of Case that overrides one or two hooks of that
server, at the exact point where it misbehaves (see class Case). After the
hostile step the server either carries on as if nothing happened (so a
client that fails to notice completes the handshake, which the test sees),
or stops and waits for the client's answer. Either way the log shows what
the client did, e.g. "peer sent alert 2 47 (illegal_parameter)".

Only the Python standard library and `cryptography` are used; run it with
/usr/bin/python3 (Debian's python3-cryptography).
"""

import argparse
import base64
import hashlib
import hmac
import os
import re
import signal
import socket
import struct
import sys
import time
import traceback

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

READ_TIMEOUT = 10.0          # every socket read
LIFETIME = 60.0              # the whole process
MAX_PLAINTEXT = 1 << 14      # RFC 8446 5.1
MAX_INNER = MAX_PLAINTEXT + 1        # TLSInnerPlaintext, RFC 8446 5.4
MAX_CIPHERTEXT = MAX_PLAINTEXT + 256  # RFC 8446 5.2
MAX_CLIENT_HANDSHAKE = 1 << 16       # largest handshake message we take from a client
TLS12 = 0x0303
TLS13 = 0x0304

# Content types
CT_CHANGE_CIPHER_SPEC = 20
CT_ALERT = 21
CT_HANDSHAKE = 22
CT_APPLICATION_DATA = 23
CONTENT_TYPES = {20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data"}

# Handshake types
HS_CLIENT_HELLO = 1
HS_SERVER_HELLO = 2
HS_NEW_SESSION_TICKET = 4
HS_END_OF_EARLY_DATA = 5
HS_ENCRYPTED_EXTENSIONS = 8
HS_CERTIFICATE = 11
HS_CERTIFICATE_REQUEST = 13
HS_CERTIFICATE_VERIFY = 15
HS_FINISHED = 20
HS_KEY_UPDATE = 24
HS_MESSAGE_HASH = 254
HANDSHAKE_TYPES = {1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket", 5: "EndOfEarlyData",
                   8: "EncryptedExtensions", 11: "Certificate", 13: "CertificateRequest",
                   15: "CertificateVerify", 20: "Finished", 24: "KeyUpdate", 254: "message_hash"}

# Extensions
EXT_SERVER_NAME = 0
EXT_MAX_FRAGMENT_LENGTH = 1
EXT_SUPPORTED_GROUPS = 10
EXT_EC_POINT_FORMATS = 11
EXT_SIGNATURE_ALGORITHMS = 13
EXT_HEARTBEAT = 15
EXT_ALPN = 16
EXT_EXTENDED_MASTER_SECRET = 23
EXT_RECORD_SIZE_LIMIT = 28
EXT_PRE_SHARED_KEY = 41
EXT_EARLY_DATA = 42
EXT_SUPPORTED_VERSIONS = 43
EXT_COOKIE = 44
EXT_PSK_KEY_EXCHANGE_MODES = 45
EXT_POST_HANDSHAKE_AUTH = 49
EXT_SIGNATURE_ALGORITHMS_CERT = 50
EXT_KEY_SHARE = 51
EXT_RENEGOTIATION_INFO = 0xff01
EXTENSIONS = {0: "server_name", 1: "max_fragment_length", 10: "supported_groups",
              11: "ec_point_formats", 13: "signature_algorithms", 15: "heartbeat", 16: "alpn",
              23: "extended_master_secret", 28: "record_size_limit", 41: "pre_shared_key",
              42: "early_data", 43: "supported_versions", 44: "cookie",
              45: "psk_key_exchange_modes", 49: "post_handshake_auth",
              50: "signature_algorithms_cert", 51: "key_share", 0xff01: "renegotiation_info"}

# Alerts (RFC 8446 6)
ALERT_CLOSE_NOTIFY = 0
ALERT_UNEXPECTED_MESSAGE = 10
ALERT_BAD_RECORD_MAC = 20
ALERT_RECORD_OVERFLOW = 22
ALERT_HANDSHAKE_FAILURE = 40
ALERT_BAD_CERTIFICATE = 42
ALERT_ILLEGAL_PARAMETER = 47
ALERT_DECODE_ERROR = 50
ALERT_DECRYPT_ERROR = 51
ALERT_PROTOCOL_VERSION = 70
ALERT_INTERNAL_ERROR = 80
ALERT_MISSING_EXTENSION = 109
ALERT_UNSUPPORTED_EXTENSION = 110
ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
          22: "record_overflow", 40: "handshake_failure", 42: "bad_certificate",
          43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
          46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
          49: "access_denied", 50: "decode_error", 51: "decrypt_error",
          70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
          86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension",
          110: "unsupported_extension", 112: "unrecognized_name",
          113: "bad_certificate_status_response", 115: "unknown_psk_identity",
          116: "certificate_required", 120: "no_application_protocol"}

# Groups: the three we implement, and others we only name.
GROUP_X25519 = 0x001d
GROUP_SECP256R1 = 0x0017
GROUP_SECP384R1 = 0x0018
GROUP_NAMES = {0x001d: "x25519", 0x0017: "secp256r1", 0x0018: "secp384r1",
               0x0019: "secp521r1", 0x001e: "x448", 0x0100: "ffdhe2048",
               0x0101: "ffdhe3072", 0x0102: "ffdhe4096"}
GROUP_ALIASES = {"x25519": 0x001d, "secp256r1": 0x0017, "p-256": 0x0017, "p256": 0x0017,
                 "prime256v1": 0x0017, "secp384r1": 0x0018, "p-384": 0x0018, "p384": 0x0018}
EC_CURVES = {GROUP_SECP256R1: (ec.SECP256R1, 32), GROUP_SECP384R1: (ec.SECP384R1, 48)}

# RFC 8446 4.1.3: the ServerHello.random of a HelloRetryRequest (SHA-256 of
# "HelloRetryRequest"), and the downgrade sentinels.
HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
DOWNGRADE_TLS12 = b"DOWNGRD\x01"

# Signature schemes: code -> (name, kind, hash). "pkcs1" and the SHA-1
# ones are not allowed in a TLS 1.3 CertificateVerify; they are here so the
# hostile cases can use them.
SCHEMES = {
    0x0201: ("rsa_pkcs1_sha1", "pkcs1", hashes.SHA1),
    0x0203: ("ecdsa_sha1", "ecdsa", hashes.SHA1),
    0x0401: ("rsa_pkcs1_sha256", "pkcs1", hashes.SHA256),
    0x0501: ("rsa_pkcs1_sha384", "pkcs1", hashes.SHA384),
    0x0601: ("rsa_pkcs1_sha512", "pkcs1", hashes.SHA512),
    0x0403: ("ecdsa_secp256r1_sha256", "ecdsa", hashes.SHA256),
    0x0503: ("ecdsa_secp384r1_sha384", "ecdsa", hashes.SHA384),
    0x0603: ("ecdsa_secp521r1_sha512", "ecdsa", hashes.SHA512),
    0x0804: ("rsa_pss_rsae_sha256", "pss", hashes.SHA256),
    0x0805: ("rsa_pss_rsae_sha384", "pss", hashes.SHA384),
    0x0806: ("rsa_pss_rsae_sha512", "pss", hashes.SHA512),
    0x0807: ("ed25519", "ed25519", None),
    0x0808: ("ed448", "ed448", None),
    0x0809: ("rsa_pss_pss_sha256", "psspss", hashes.SHA256),
    0x080a: ("rsa_pss_pss_sha384", "psspss", hashes.SHA384),
    0x080b: ("rsa_pss_pss_sha512", "psspss", hashes.SHA512),
}
ECDSA_SCHEME_CURVE = {0x0403: "secp256r1", 0x0503: "secp384r1", 0x0603: "secp521r1"}
# What we accept in a client's CertificateVerify (and list in CertificateRequest).
CLIENT_CV_SCHEMES = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0808]

SERVER_CV_CONTEXT = b"TLS 1.3, server CertificateVerify"
CLIENT_CV_CONTEXT = b"TLS 1.3, client CertificateVerify"


def name_of(table, code, width=4):
    return table.get(code, "0x%0*x" % (width, code))


def alert_name(code):
    return ALERTS.get(code, "unknown")


def group_name(code):
    return name_of(GROUP_NAMES, code)


def scheme_name(code):
    return SCHEMES[code][0] if code in SCHEMES else "0x%04x" % code


def hs_name(code):
    return name_of(HANDSHAKE_TYPES, code, 2)


# ---------------------------------------------------------------------------
# Encoding helpers

def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def u24(v):
    return struct.pack("!I", v)[1:]


def u32(v):
    return struct.pack("!I", v)


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def vec24(b):
    return u24(len(b)) + b


def handshake_msg(hs_type, body):
    return u8(hs_type) + vec24(body)


def encode_extensions(exts, length_adjust=0):
    data = b"".join(u16(t) + vec16(d) for t, d in exts)
    return u16(len(data) + length_adjust) + data


def u16_list(values):
    return b"".join(u16(v) for v in values)


# ---------------------------------------------------------------------------
# Errors

class PeerError(Exception):
    """The client sent what a correct server must refuse, or went away.

    `alert` is what we send back before closing (None: send nothing)."""

    def __init__(self, alert, why):
        super().__init__(why)
        self.alert = alert


class PeerAlert(Exception):
    """The client sent an alert (already logged)."""

    def __init__(self, level, desc):
        super().__init__("alert %d %d (%s)" % (level, desc, alert_name(desc)))
        self.level = level
        self.desc = desc


class Stop(Exception):
    """A case has done its damage: log what the client answers, then close."""


class Reader:
    """Bounds-checked reader; anything short or left over is a decode_error."""

    def __init__(self, data, what):
        self.data = bytes(data)
        self.pos = 0
        self.what = what

    def left(self):
        return len(self.data) - self.pos

    def take(self, n):
        if n > self.left():
            raise PeerError(ALERT_DECODE_ERROR, "%s: truncated" % self.what)
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return int.from_bytes(self.take(2), "big")

    def u24(self):
        return int.from_bytes(self.take(3), "big")

    def vec8(self):
        return self.take(self.u8())

    def vec16(self):
        return self.take(self.u16())

    def vec24(self):
        return self.take(self.u24())

    def u16_list(self, body, minimum=2):
        if len(body) < minimum or len(body) % 2:
            raise PeerError(ALERT_DECODE_ERROR, "%s: bad list length" % self.what)
        return [int.from_bytes(body[i:i + 2], "big") for i in range(0, len(body), 2)]

    def end(self):
        if self.left():
            raise PeerError(ALERT_DECODE_ERROR, "%s: %d trailing bytes" % (self.what, self.left()))


# ---------------------------------------------------------------------------
# Cipher suites and the key schedule (RFC 8446 7.1), HKDF by hand (RFC 5869)

class Suite:
    def __init__(self, code, name, hash_name, key_len, aead):
        self.code = code
        self.name = name
        self.hash_name = hash_name
        self.hash_len = hashlib.new(hash_name).digest_size
        self.key_len = key_len
        self.aead = aead

    def hash(self, data):
        return hashlib.new(self.hash_name, bytes(data)).digest()

    def hmac(self, key, data):
        return hmac.new(key, bytes(data), self.hash_name).digest()

    def extract(self, salt, ikm):
        return self.hmac(salt, ikm)

    def expand(self, prk, info, length):
        out = b""
        block = b""
        counter = 1
        while len(out) < length:
            block = self.hmac(prk, block + info + bytes([counter]))
            out += block
            counter += 1
        return out[:length]

    def expand_label(self, secret, label, context, length):
        info = u16(length) + vec8(b"tls13 " + label) + vec8(context)
        return self.expand(secret, info, length)

    def derive(self, secret, label, transcript_hash):
        return self.expand_label(secret, label, transcript_hash, self.hash_len)

    def finished(self, base_key, transcript_hash):
        key = self.expand_label(base_key, b"finished", b"", self.hash_len)
        return self.hmac(key, transcript_hash)


SUITES = {
    0x1301: Suite(0x1301, "TLS_AES_128_GCM_SHA256", "sha256", 16, AESGCM),
    0x1302: Suite(0x1302, "TLS_AES_256_GCM_SHA384", "sha384", 32, AESGCM),
    0x1303: Suite(0x1303, "TLS_CHACHA20_POLY1305_SHA256", "sha256", 32, ChaCha20Poly1305),
}
SUITE_NAMES = {0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384",
               0x1303: "TLS_CHACHA20_POLY1305_SHA256", 0x1304: "TLS_AES_128_CCM_SHA256",
               0x1305: "TLS_AES_128_CCM_8_SHA256", 0xc02b: "ECDHE_ECDSA_AES128_GCM_SHA256",
               0xc02c: "ECDHE_ECDSA_AES256_GCM_SHA384", 0xc02f: "ECDHE_RSA_AES128_GCM_SHA256",
               0xc030: "ECDHE_RSA_AES256_GCM_SHA384", 0xcca8: "ECDHE_RSA_CHACHA20_POLY1305",
               0xcca9: "ECDHE_ECDSA_CHACHA20_POLY1305"}


def suite_name(code):
    return name_of(SUITE_NAMES, code)


class KeySchedule:
    """The (EC)DHE-only key schedule: no PSK, so the early secret is fixed."""

    def __init__(self, suite):
        self.s = suite
        zeros = bytes(suite.hash_len)
        early = suite.extract(zeros, zeros)
        self.derived_early = suite.derive(early, b"derived", suite.hash(b""))

    def handshake(self, ecdhe, th_ch_sh):
        s = self.s
        hs = s.extract(self.derived_early, ecdhe)
        self.c_hs = s.derive(hs, b"c hs traffic", th_ch_sh)
        self.s_hs = s.derive(hs, b"s hs traffic", th_ch_sh)
        self.master = s.extract(s.derive(hs, b"derived", s.hash(b"")), bytes(s.hash_len))

    def application(self, th_ch_sf):
        self.c_ap = self.s.derive(self.master, b"c ap traffic", th_ch_sf)
        self.s_ap = self.s.derive(self.master, b"s ap traffic", th_ch_sf)

    def resumption(self, th_ch_cf):
        self.res_master = self.s.derive(self.master, b"res master", th_ch_cf)


class Protection:
    """One direction of record protection (RFC 8446 5.2, 5.3)."""

    def __init__(self, suite, secret, label, generation=0):
        self.suite = suite
        self.secret = secret
        self.label = label
        self.generation = generation
        self.key = suite.expand_label(secret, b"key", b"", suite.key_len)
        self.iv = suite.expand_label(secret, b"iv", b"", 12)
        self.aead = suite.aead(self.key)
        self.seq = 0

    def nonce(self):
        return (int.from_bytes(self.iv, "big") ^ self.seq).to_bytes(12, "big")

    def seal_inner(self, inner):
        """Protect an arbitrary TLSInnerPlaintext (the hostile cases need that)."""
        header = u8(CT_APPLICATION_DATA) + u16(TLS12) + u16(len(inner) + 16)
        record = header + self.aead.encrypt(self.nonce(), bytes(inner), header)
        self.seq += 1
        return record

    def seal(self, ctype, content, pad=0):
        return self.seal_inner(bytes(content) + u8(ctype) + bytes(pad))

    def open(self, header, body):
        try:
            inner = self.aead.decrypt(self.nonce(), bytes(body), bytes(header))
        except (InvalidTag, ValueError):
            raise PeerError(ALERT_BAD_RECORD_MAC, "record failed authentication (%s keys, seq %d)"
                            % (self.label, self.seq))
        self.seq += 1
        if len(inner) > MAX_INNER:
            raise PeerError(ALERT_RECORD_OVERFLOW, "inner plaintext of %d bytes" % len(inner))
        stripped = inner.rstrip(b"\0")
        if not stripped:
            raise PeerError(ALERT_UNEXPECTED_MESSAGE, "protected record without a content type")
        return stripped[-1], stripped[:-1]

    def updated(self):
        nxt = self.suite.expand_label(self.secret, b"traffic upd", b"", self.suite.hash_len)
        return Protection(self.suite, nxt, self.label, self.generation + 1)


# ---------------------------------------------------------------------------
# Key exchange

def kx_generate(group):
    if group == GROUP_X25519:
        priv = x25519.X25519PrivateKey.generate()
        pub = priv.public_key().public_bytes(serialization.Encoding.Raw,
                                             serialization.PublicFormat.Raw)
    else:
        priv = ec.generate_private_key(EC_CURVES[group][0]())
        pub = priv.public_key().public_bytes(serialization.Encoding.X962,
                                             serialization.PublicFormat.UncompressedPoint)
    return priv, pub


def kx_shared(group, priv, peer):
    """ECDHE with the client's share; illegal_parameter for a bad one (RFC 8446 4.2.8)."""
    try:
        if group == GROUP_X25519:
            if len(peer) != 32:
                raise ValueError("x25519 share of %d bytes" % len(peer))
            secret = priv.exchange(x25519.X25519PublicKey.from_public_bytes(peer))
        else:
            curve, size = EC_CURVES[group]
            if len(peer) != 1 + 2 * size or peer[0] != 4:
                raise ValueError("not an uncompressed point of the right size")
            pub = ec.EllipticCurvePublicKey.from_encoded_point(curve(), peer)
            secret = priv.exchange(ec.ECDH(), pub)
    except ValueError as e:
        raise PeerError(ALERT_ILLEGAL_PARAMETER, "bad %s key share: %s" % (group_name(group), e))
    if secret == bytes(len(secret)):
        raise PeerError(ALERT_ILLEGAL_PARAMETER, "all-zero shared secret")
    return secret


# ---------------------------------------------------------------------------
# Signatures

def key_schemes(key):
    """Signature schemes this private key can make, in our order of preference."""
    if isinstance(key, rsa.RSAPrivateKey):
        return [0x0804, 0x0805, 0x0806]
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return [s for s, c in ECDSA_SCHEME_CURVE.items() if c == key.curve.name]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return [0x0807]
    if isinstance(key, ed448.Ed448PrivateKey):
        return [0x0808]
    return []


def sign(key, scheme, data):
    """Sign with any scheme the key type allows, also ones TLS 1.3 forbids."""
    _, kind, hash_cls = SCHEMES[scheme]
    if kind in ("pss", "psspss"):
        h = hash_cls()
        return key.sign(data, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
    if kind == "pkcs1":
        return key.sign(data, padding.PKCS1v15(), hash_cls())
    if kind == "ecdsa":
        return key.sign(data, ec.ECDSA(hash_cls()))
    return key.sign(data)


def verify(pub, scheme, sig, data):
    """Check a client's CertificateVerify signature (RFC 8446 4.4.3)."""
    if scheme not in CLIENT_CV_SCHEMES:
        raise PeerError(ALERT_ILLEGAL_PARAMETER, "CertificateVerify with %s, which we did not offer"
                        % scheme_name(scheme))
    _, kind, hash_cls = SCHEMES[scheme]
    ok_type = {"pss": rsa.RSAPublicKey, "ecdsa": ec.EllipticCurvePublicKey,
               "ed25519": ed25519.Ed25519PublicKey, "ed448": ed448.Ed448PublicKey}[kind]
    if not isinstance(pub, ok_type) or (kind == "ecdsa" and pub.curve.name != ECDSA_SCHEME_CURVE[scheme]):
        raise PeerError(ALERT_ILLEGAL_PARAMETER, "%s does not match the certificate's key"
                        % scheme_name(scheme))
    try:
        if kind == "pss":
            h = hash_cls()
            pub.verify(sig, data, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
        elif kind == "ecdsa":
            pub.verify(sig, data, ec.ECDSA(hash_cls()))
        else:
            pub.verify(sig, data)
    except InvalidSignature:
        raise PeerError(ALERT_DECRYPT_ERROR, "client CertificateVerify signature does not verify")


def cv_content(context, transcript_hash):
    return b" " * 64 + context + b"\0" + transcript_hash


# ---------------------------------------------------------------------------
# Credentials

def read_pem_certs(path):
    with open(path, encoding="ascii") as f:
        text = f.read()
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)
    return [base64.b64decode("".join(b.split())) for b in blocks]


class Credentials:
    def __init__(self, cert_path, key_path, chain_path):
        self.chain = read_pem_certs(cert_path)
        if chain_path:
            self.chain += read_pem_certs(chain_path)
        if not self.chain:
            raise ValueError("no certificate in %s" % cert_path)
        with open(key_path, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), password=None)
        self.schemes = key_schemes(self.key)
        if not self.schemes:
            raise ValueError("unsupported key type in %s" % key_path)
        leaf = x509.load_der_x509_certificate(self.chain[0])
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        der = serialization.Encoding.DER
        self.key_matches = (leaf.public_key().public_bytes(der, spki)
                            == self.key.public_key().public_bytes(der, spki))
        self.subject = leaf.subject.rfc4514_string()


# ---------------------------------------------------------------------------
# Messages

class ClientHello:
    """A parsed ClientHello (RFC 8446 4.1.2) with the extensions we use."""

    def __init__(self, msg):
        self.raw = bytes(msg)
        r = Reader(msg[4:], "ClientHello")
        self.legacy_version = r.u16()
        self.random = r.take(32)
        self.session_id = r.vec8()
        if len(self.session_id) > 32:
            raise PeerError(ALERT_ILLEGAL_PARAMETER, "legacy_session_id longer than 32 bytes")
        self.suites = r.u16_list(r.vec16())
        self.compression = r.vec8()
        self.exts = {}
        self.ext_order = []
        if r.left():
            er = Reader(r.vec16(), "ClientHello extensions")
            r.end()
            while er.left():
                t = er.u16()
                d = er.vec16()
                if t in self.exts:
                    raise PeerError(ALERT_ILLEGAL_PARAMETER, "duplicate extension %d" % t)
                self.exts[t] = d
                self.ext_order.append(t)
        if EXT_PRE_SHARED_KEY in self.exts and self.ext_order[-1] != EXT_PRE_SHARED_KEY:
            raise PeerError(ALERT_ILLEGAL_PARAMETER, "pre_shared_key is not the last extension")

        self.versions = self._list(EXT_SUPPORTED_VERSIONS, 1)
        self.groups = self._list(EXT_SUPPORTED_GROUPS, 2)
        self.sigalgs = self._list(EXT_SIGNATURE_ALGORITHMS, 2)
        self.sigalgs_cert = self._list(EXT_SIGNATURE_ALGORITHMS_CERT, 2)
        self.shares = None
        if EXT_KEY_SHARE in self.exts:
            er = Reader(self.exts[EXT_KEY_SHARE], "key_share")
            sr = Reader(er.vec16(), "client_shares")
            er.end()
            self.shares = []
            while sr.left():
                self.shares.append((sr.u16(), sr.vec16()))
        self.sni = None
        if EXT_SERVER_NAME in self.exts:
            er = Reader(self.exts[EXT_SERVER_NAME], "server_name")
            nr = Reader(er.vec16(), "server_name_list")
            er.end()
            while nr.left():
                kind = nr.u8()
                name = nr.vec16()
                if kind == 0:
                    self.sni = name.decode("ascii", "replace")
        self.mfl = None
        if EXT_MAX_FRAGMENT_LENGTH in self.exts:
            er = Reader(self.exts[EXT_MAX_FRAGMENT_LENGTH], "max_fragment_length")
            self.mfl = er.u8()
            er.end()
        self.rsl = None
        if EXT_RECORD_SIZE_LIMIT in self.exts:
            er = Reader(self.exts[EXT_RECORD_SIZE_LIMIT], "record_size_limit")
            self.rsl = er.u16()
            er.end()
        self.cookie = None
        if EXT_COOKIE in self.exts:
            er = Reader(self.exts[EXT_COOKIE], "cookie")
            self.cookie = er.vec16()
            er.end()
        self.alpn = []
        if EXT_ALPN in self.exts:
            er = Reader(self.exts[EXT_ALPN], "alpn")
            pr = Reader(er.vec16(), "protocol_name_list")
            er.end()
            while pr.left():
                self.alpn.append(pr.vec8())
        self.post_handshake_auth = EXT_POST_HANDSHAKE_AUTH in self.exts

    def _list(self, ext, width):
        if ext not in self.exts:
            return None
        r = Reader(self.exts[ext], "extension %d" % ext)
        body = r.vec8() if width == 1 else r.vec16()
        r.end()
        return r.u16_list(body)

    def summary(self):
        parts = ["suites [%s]" % " ".join(suite_name(s) for s in self.suites),
                 "versions [%s]" % " ".join("0x%04x" % v for v in (self.versions or [])),
                 "groups [%s]" % " ".join(group_name(g) for g in (self.groups or [])),
                 "shares [%s]" % " ".join("%s/%d" % (group_name(g), len(k))
                                          for g, k in (self.shares or [])),
                 "sigalgs [%s]" % " ".join(scheme_name(s) for s in (self.sigalgs or [])),
                 "session_id %d bytes" % len(self.session_id)]
        if self.sni is not None:
            parts.append("sni %s" % self.sni)
        if self.mfl is not None:
            parts.append("max_fragment_length code %d" % self.mfl)
        if self.rsl is not None:
            parts.append("record_size_limit %d" % self.rsl)
        if self.cookie is not None:
            parts.append("cookie %d bytes" % len(self.cookie))
        if self.alpn:
            parts.append("alpn [%s]" % " ".join(p.decode("ascii", "replace") for p in self.alpn))
        if self.post_handshake_auth:
            parts.append("post_handshake_auth")
        if EXT_EARLY_DATA in self.exts:
            parts.append("early_data")
        if EXT_PRE_SHARED_KEY in self.exts:
            parts.append("pre_shared_key")
        return ", ".join(parts)


class ServerHello:
    """A ServerHello or HelloRetryRequest being built (RFC 8446 4.1.3).

    Hooks change the fields; `ecdhe` is the shared secret the server goes on
    with (not sent), `ext_len_adjust` corrupts the extensions length."""

    def __init__(self, random, session_id, suite, exts):
        self.legacy_version = TLS12
        self.random = random
        self.session_id = session_id
        self.suite = suite
        self.compression = 0
        self.exts = exts
        self.ecdhe = None
        self.ext_len_adjust = 0
        self.no_extensions = False

    def encode(self):
        body = (u16(self.legacy_version) + self.random + vec8(self.session_id) + u16(self.suite)
                + u8(self.compression))
        if not self.no_extensions:
            body += encode_extensions(self.exts, self.ext_len_adjust)
        return handshake_msg(HS_SERVER_HELLO, body)

    def replace_ext(self, ext_type, data):
        self.exts = [(t, data if t == ext_type else d) for t, d in self.exts]

    def drop_ext(self, ext_type):
        self.exts = [(t, d) for t, d in self.exts if t != ext_type]


class Hrr:
    """What a HelloRetryRequest asks for: a group (or None) and a cookie (or None).

    `check_share`: after the retry, insist that the client's only share is
    for `group` (a correct server does)."""

    def __init__(self, group=None, cookie=None):
        self.group = group
        self.cookie = cookie
        self.check_share = True


# ---------------------------------------------------------------------------
# The correct server, with hooks

class Case:
    """good: a correct TLS 1.3 server. The client must complete the handshake,
    verify the chain, and get its lines back reversed.

    Every hook below does the correct thing; a hostile case overrides the
    one(s) where it misbehaves. `c` is the Conn."""

    name = "good"

    def on_client_hello(self, c, ch):
        """The first ClientHello has been parsed and checked."""

    def hello_retry(self, c, ch, hrr):
        """hrr: the HelloRetryRequest a correct server sends (None: none). Return what to send."""
        return hrr

    def after_second_client_hello(self, c, ch2):
        """The ClientHello that answered our HelloRetryRequest has been checked."""

    def before_server_hello(self, c):
        """Right before the ServerHello is sent."""

    def server_hello(self, c, sh):
        """Change the ServerHello (a ServerHello object) before it is encoded."""
        return sh

    def send_server_hello(self, c, msg):
        """Send the encoded ServerHello (already in the transcript)."""
        c.send_record(CT_HANDSHAKE, msg)

    def compat_ccs(self, c):
        """Middlebox compatibility (RFC 8446 D.4): one CCS after our first flight."""
        if c.ch.session_id and not c.ccs_sent:
            c.send_ccs(b"\x01")

    def before_flight(self, c):
        """Handshake keys are installed; nothing protected has been sent yet."""

    def ee_extensions(self, c, exts):
        """The EncryptedExtensions extension list [(type, data)]."""
        return exts

    def certificate(self, c, context, entries):
        """Certificate message: the request context and [(cert_data, extensions)]."""
        return context, entries

    def certificate_bytes(self, c, msg):
        """The encoded Certificate message."""
        return msg

    def certificate_verify(self, c, scheme, content):
        """Return (scheme, signature) for the server's CertificateVerify."""
        return scheme, sign(c.creds.key, scheme, content)

    def finished(self, c, verify_data):
        """The server Finished verify_data."""
        return verify_data

    def emit(self, c, name, msg):
        """Queue one handshake message of the server's encrypted flight
        (name: "EncryptedExtensions", "CertificateRequest", "Certificate",
        "CertificateVerify", "Finished"). The default adds it to the
        transcript and to the flight; the flight goes out in as few records
        as the negotiated record size allows."""
        c.queue_handshake(msg)

    def fragment_size(self, c, ctype, protected):
        """Largest content per record we send."""
        return c.max_content

    def padding(self, c, ctype, content_len, room):
        """Zero padding for a protected record; room: what the limit allows."""
        return 0

    def record(self, c, rec, protected):
        """Every record, complete, right before it is written."""
        return rec

    def after_handshake(self, c):
        """The client's Finished checked out; application keys in both directions."""
        c.send_new_session_ticket()

    def after_echo(self, c):
        """A reversed line has just been sent back."""


CASES = {}


def case(name):
    def register(cls):
        cls.name = name
        CASES[name] = cls
        return cls
    return register


class Conn:
    """One connection: the handshake driver, the record layer and the echo loop."""

    def __init__(self, sock, number, args, creds, case_obj, log):
        self.sock = sock
        self.number = number
        self.args = args
        self.creds = creds
        self.case = case_obj
        self._log = log
        self.rbuf = bytearray()
        self.hs_in = bytearray()      # handshake bytes received, not yet a whole message
        self.hs_out = bytearray()     # handshake bytes queued for the flight
        self.transcript = bytearray()
        self.read_prot = None
        self.write_prot = None
        self.max_content = MAX_PLAINTEXT
        self.ch = None
        self.suite = None
        self.scheme = None
        self.group = None
        self.ks = None
        self.got_client_hello = False
        self.client_finished = False
        self.ccs_sent = False
        self.hrr_sent = False
        self.protected_records_sent = 0
        self.client_key_updates = 0
        self.post_hs_request_pending = False
        self.closing = False              # we sent close_notify
        self.internal_error = False

    # -- logging ------------------------------------------------------------
    def log(self, text):
        self._log("conn %d: %s" % (self.number, text))

    def hostile(self, text):
        self.log("hostile (%s): %s" % (self.case.name, text))

    # -- transport ----------------------------------------------------------
    def recv_exact(self, n):
        while len(self.rbuf) < n:
            try:
                data = self.sock.recv(max(4096, n - len(self.rbuf)))
            except socket.timeout:
                raise PeerError(None, "timeout: nothing from the client for %d s" % READ_TIMEOUT)
            except ConnectionResetError:
                raise PeerError(None, "connection reset by the client")
            if not data:
                if self.rbuf:
                    raise PeerError(None, "client closed the connection (EOF) mid-record")
                raise PeerError(None, "client closed the connection (EOF)")
            self.rbuf += data
        out = bytes(self.rbuf[:n])
        del self.rbuf[:n]
        return out

    def write(self, data):
        self.sock.sendall(data)

    def shutdown_write(self):
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    # -- record layer: sending ------------------------------------------------
    def send_record(self, ctype, content, plaintext=False):
        """Send content as records of that type, fragmented at the case's
        fragment size, protected unless no keys yet or plaintext=True."""
        content = bytes(content)
        protected = self.write_prot is not None and not plaintext
        off = 0
        while True:
            size = max(1, self.case.fragment_size(self, ctype, protected))
            frag = content[off:off + size]
            off += len(frag)
            if protected:
                room = max(0, self.max_content - len(frag))
                pad = self.case.padding(self, ctype, len(frag), room)
                rec = self.write_prot.seal(ctype, frag, pad)
            else:
                rec = u8(ctype) + u16(TLS12) + vec16(frag)
            self.write(self.case.record(self, rec, protected))
            if protected:
                self.protected_records_sent += 1
            if off >= len(content):
                break

    def send_ccs(self, value):
        self.send_record(CT_CHANGE_CIPHER_SPEC, value, plaintext=True)
        self.ccs_sent = True
        self.log("send change_cipher_spec %s" % value.hex())

    def send_alert(self, desc, level=2):
        self.send_record(CT_ALERT, u8(level) + u8(desc))
        self.log("send alert %d %d (%s)%s" % (level, desc, alert_name(desc),
                                              " protected" if self.write_prot else ""))

    def queue_handshake(self, msg):
        """Add a handshake message to the transcript and to the outgoing flight."""
        self.transcript += msg
        self.hs_out += msg
        self.log("send %s (%d bytes)" % (hs_name(msg[0]), len(msg)))

    def flush(self):
        if self.hs_out:
            self.send_record(CT_HANDSHAKE, self.hs_out)
            self.hs_out = bytearray()

    def send_key_update(self, request):
        self.send_record(CT_HANDSHAKE, handshake_msg(HS_KEY_UPDATE, u8(request)))
        self.write_prot = self.write_prot.updated()

    # -- record layer: receiving ----------------------------------------------
    def read_record(self):
        """One record, opened if protected: (content type, content, protected)."""
        header = self.recv_exact(5)
        ctype = header[0]
        length = int.from_bytes(header[3:5], "big")
        if length > MAX_CIPHERTEXT:
            raise PeerError(ALERT_RECORD_OVERFLOW, "record of %d bytes" % length)
        body = self.recv_exact(length)
        # A CCS is never protected; a 2-byte alert cannot be (a tag alone is
        # 16): a client that refuses our ServerHello answers in plaintext.
        if self.read_prot is None or ctype == CT_CHANGE_CIPHER_SPEC or (ctype == CT_ALERT and length == 2):
            if length > MAX_PLAINTEXT:
                raise PeerError(ALERT_RECORD_OVERFLOW, "plaintext record of %d bytes" % length)
            return ctype, body, False
        if ctype != CT_APPLICATION_DATA:
            raise PeerError(ALERT_UNEXPECTED_MESSAGE, "record type %d after keys were installed" % ctype)
        ctype, content = self.read_prot.open(header, body)
        return ctype, content, True

    def next_record(self):
        """The next record that is not a compatibility CCS; alerts raise PeerAlert."""
        while True:
            ctype, content, protected = self.read_record()
            if ctype == CT_CHANGE_CIPHER_SPEC:
                if protected:
                    raise PeerError(ALERT_UNEXPECTED_MESSAGE, "protected change_cipher_spec")
                if content != b"\x01":
                    raise PeerError(ALERT_UNEXPECTED_MESSAGE, "change_cipher_spec %s" % content.hex())
                if not self.got_client_hello or self.client_finished:
                    raise PeerError(ALERT_UNEXPECTED_MESSAGE, "change_cipher_spec outside the handshake")
                self.log("recv change_cipher_spec (compatibility, dropped)")
                continue
            if ctype == CT_ALERT:
                if len(content) != 2:
                    raise PeerError(ALERT_DECODE_ERROR, "alert of %d bytes" % len(content))
                plain = " in plaintext" if self.read_prot is not None and not protected else ""
                self.log("peer sent alert %d %d (%s)%s" % (content[0], content[1],
                                                           alert_name(content[1]), plain))
                raise PeerAlert(content[0], content[1])
            if ctype not in (CT_HANDSHAKE, CT_APPLICATION_DATA):
                raise PeerError(ALERT_UNEXPECTED_MESSAGE, "unknown record type %d" % ctype)
            return ctype, content

    def take_handshake(self):
        """A whole handshake message from hs_in, or None if more is needed."""
        if len(self.hs_in) < 4:
            return None
        n = int.from_bytes(self.hs_in[1:4], "big")
        if n > MAX_CLIENT_HANDSHAKE:
            raise PeerError(ALERT_DECODE_ERROR, "%s of %d bytes" % (hs_name(self.hs_in[0]), n))
        if len(self.hs_in) < 4 + n:
            return None
        msg = bytes(self.hs_in[:4 + n])
        del self.hs_in[:4 + n]
        return msg

    def read_handshake(self, expect):
        """The next handshake message, which must be of a type in `expect`."""
        while True:
            msg = self.take_handshake()
            if msg is not None:
                break
            ctype, content = self.next_record()
            if ctype != CT_HANDSHAKE:
                raise PeerError(ALERT_UNEXPECTED_MESSAGE, "%s record during the handshake"
                                % CONTENT_TYPES.get(ctype, str(ctype)))
            if not content:
                raise PeerError(ALERT_UNEXPECTED_MESSAGE, "empty handshake record")
            self.hs_in += content
        if msg[0] not in expect:
            raise PeerError(ALERT_UNEXPECTED_MESSAGE, "got %s, expected %s"
                            % (hs_name(msg[0]), " or ".join(hs_name(t) for t in expect)))
        self.log("recv %s (%d bytes)" % (hs_name(msg[0]), len(msg)))
        return msg

    def install_read(self, secret, label):
        # RFC 8446 5.1: a key change must fall on a record boundary.
        if self.hs_in:
            raise PeerError(ALERT_UNEXPECTED_MESSAGE, "handshake data before a key change in the same record")
        self.read_prot = Protection(self.suite, secret, label)

    def th(self):
        return self.suite.hash(self.transcript)

    # -- negotiation ----------------------------------------------------------
    def check_client_hello(self, ch):
        if ch.versions is None or TLS13 not in ch.versions:
            raise PeerError(ALERT_PROTOCOL_VERSION, "client does not offer TLS 1.3")
        if ch.compression != b"\x00":
            raise PeerError(ALERT_ILLEGAL_PARAMETER, "compression methods %s" % ch.compression.hex())
        if ch.shares is None or ch.groups is None:
            raise PeerError(ALERT_MISSING_EXTENSION, "key_share or supported_groups missing")
        if ch.sigalgs is None:
            raise PeerError(ALERT_MISSING_EXTENSION, "signature_algorithms missing")
        seen = set()
        for g, _ in ch.shares:
            if g in seen or g not in ch.groups:
                raise PeerError(ALERT_ILLEGAL_PARAMETER, "share for %s duplicated or not in supported_groups"
                                % group_name(g))
            seen.add(g)

    def negotiate(self, ch):
        for code in self.args.suite_list:
            if code in ch.suites:
                self.suite = SUITES[code]
                break
        else:
            raise PeerError(ALERT_HANDSHAKE_FAILURE, "no common cipher suite")
        for s in self.creds.schemes:
            if s in ch.sigalgs:
                self.scheme = s
                break
        else:
            raise PeerError(ALERT_HANDSHAKE_FAILURE, "client offers no signature scheme for our key (%s)"
                            % " ".join(scheme_name(s) for s in self.creds.schemes))
        # EncryptedExtensions content and the record size we may send.
        self.ee_exts = []
        if ch.sni is not None:
            self.ee_exts.append((EXT_SERVER_NAME, b""))
        if ch.rsl is not None:
            if ch.rsl < 64:
                raise PeerError(ALERT_ILLEGAL_PARAMETER, "record_size_limit %d" % ch.rsl)
            # RFC 8449 4: in TLS 1.3 the limit counts the content type byte
            # (and padding); it takes precedence over max_fragment_length.
            self.ee_exts.append((EXT_RECORD_SIZE_LIMIT, u16(MAX_INNER)))
            self.max_content = min(ch.rsl, MAX_INNER) - 1
            self.log("record_size_limit: at most %d content bytes per record to the client"
                     % self.max_content)
        elif ch.mfl is not None:
            if ch.mfl not in (1, 2, 3, 4):
                raise PeerError(ALERT_ILLEGAL_PARAMETER, "max_fragment_length code %d" % ch.mfl)
            self.ee_exts.append((EXT_MAX_FRAGMENT_LENGTH, u8(ch.mfl)))
            # Content plus the type byte fits, whichever way the client counts.
            self.max_content = (1 << (8 + ch.mfl)) - 1
            self.log("max_fragment_length: at most %d content bytes per record to the client"
                     % self.max_content)

    def pick_share(self, ch):
        """(group, share) of the first client share we accept, or (None, None)."""
        for g, k in ch.shares:
            if g in self.args.group_list:
                return g, k
        return None, None

    def hrr_group(self, ch):
        for g in self.args.group_list:
            if g in ch.groups:
                return g
        raise PeerError(ALERT_HANDSHAKE_FAILURE, "no common group")

    # -- the handshake --------------------------------------------------------
    def handshake(self):
        msg = self.read_handshake([HS_CLIENT_HELLO])
        self.got_client_hello = True
        ch = ClientHello(msg)
        self.log("ClientHello: " + ch.summary())
        self.check_client_hello(ch)
        self.ch = ch
        self.negotiate(ch)
        self.transcript = bytearray(msg)
        self.case.on_client_hello(self, ch)

        group, share = self.pick_share(ch)
        hrr = None if share is not None else Hrr(group=self.hrr_group(ch))
        hrr = self.case.hello_retry(self, ch, hrr)
        if hrr is not None:
            ch = self.hello_retry(hrr)
            self.case.after_second_client_hello(self, ch)
            group, share = self.pick_share(ch)
            if share is None:
                raise PeerError(ALERT_ILLEGAL_PARAMETER, "second ClientHello has no share we accept")
        self.group = group
        self.server_hello(group, share)
        self.server_flight()
        self.client_flight()
        self.log("handshake complete: %s, %s, %s" % (self.suite.name, group_name(self.group),
                                                    scheme_name(self.scheme)))

    def send_hrr(self, hrr):
        exts = [(EXT_SUPPORTED_VERSIONS, u16(TLS13))]
        if hrr.group is not None:
            exts.append((EXT_KEY_SHARE, u16(hrr.group)))
        if hrr.cookie is not None:
            exts.append((EXT_COOKIE, vec16(hrr.cookie)))
        msg = ServerHello(HRR_RANDOM, self.ch.session_id, self.suite.code, exts).encode()
        # RFC 8446 4.4.1: ClientHello1 becomes a synthetic message_hash.
        if not self.hrr_sent:
            self.transcript = bytearray(handshake_msg(HS_MESSAGE_HASH, self.th()))
        self.hrr_sent = True
        self.transcript += msg
        self.send_record(CT_HANDSHAKE, msg)
        self.log("send HelloRetryRequest: %s, group %s, cookie %s" % (
            self.suite.name, group_name(hrr.group) if hrr.group is not None else "none",
            "%d bytes" % len(hrr.cookie) if hrr.cookie is not None else "none"))

    def hello_retry(self, hrr):
        self.send_hrr(hrr)
        self.case.compat_ccs(self)
        msg = self.read_handshake([HS_CLIENT_HELLO])
        ch2 = ClientHello(msg)
        self.log("ClientHello (after HelloRetryRequest): " + ch2.summary())
        self.check_client_hello(ch2)
        if ch2.session_id != self.ch.session_id:
            raise PeerError(ALERT_ILLEGAL_PARAMETER, "legacy_session_id changed after HelloRetryRequest")
        if self.suite.code not in ch2.suites:
            raise PeerError(ALERT_ILLEGAL_PARAMETER, "second ClientHello drops our cipher suite")
        if hrr.cookie is not None and ch2.cookie != hrr.cookie:
            raise PeerError(ALERT_ILLEGAL_PARAMETER, "cookie not echoed")
        if hrr.group is not None and hrr.check_share and [g for g, _ in ch2.shares] != [hrr.group]:
            raise PeerError(ALERT_ILLEGAL_PARAMETER, "second ClientHello does not have exactly one share for %s"
                            % group_name(hrr.group))
        self.transcript += msg
        self.ch = ch2
        self.negotiate(ch2)
        return ch2

    def server_hello(self, group, share):
        priv, pub = kx_generate(group)
        ecdhe = kx_shared(group, priv, share)
        sh = ServerHello(os.urandom(32), self.ch.session_id, self.suite.code,
                         [(EXT_SUPPORTED_VERSIONS, u16(TLS13)),
                          (EXT_KEY_SHARE, u16(group) + vec16(pub))])
        sh.ecdhe = ecdhe
        self.server_pub = pub
        self.case.before_server_hello(self)
        sh = self.case.server_hello(self, sh)
        msg = sh.encode()
        self.transcript += msg
        self.log("send ServerHello: %s, %s" % (suite_name(sh.suite), group_name(group)))
        self.case.send_server_hello(self, msg)
        self.case.compat_ccs(self)

        self.ks = KeySchedule(self.suite)
        self.ks.handshake(sh.ecdhe, self.th())
        self.install_read(self.ks.c_hs, "client handshake")
        self.write_prot = Protection(self.suite, self.ks.s_hs, "server handshake")

    def server_flight(self):
        self.case.before_flight(self)
        exts = self.case.ee_extensions(self, list(self.ee_exts))
        self.log("EncryptedExtensions: [%s]" % " ".join(name_of(EXTENSIONS, t) for t, _ in exts))
        self.case.emit(self, "EncryptedExtensions",
                       handshake_msg(HS_ENCRYPTED_EXTENSIONS, encode_extensions(exts)))
        if self.args.request_client_cert:
            self.case.emit(self, "CertificateRequest", self.certificate_request(b""))
        context, entries = self.case.certificate(self, b"", [(d, b"") for d in self.creds.chain])
        body = vec8(context) + vec24(b"".join(vec24(d) + vec16(e) for d, e in entries))
        self.case.emit(self, "Certificate",
                       self.case.certificate_bytes(self, handshake_msg(HS_CERTIFICATE, body)))
        content = cv_content(SERVER_CV_CONTEXT, self.th())
        scheme, sig = self.case.certificate_verify(self, self.scheme, content)
        self.case.emit(self, "CertificateVerify",
                       handshake_msg(HS_CERTIFICATE_VERIFY, u16(scheme) + vec16(sig)))
        verify_data = self.suite.finished(self.ks.s_hs, self.th())
        self.case.emit(self, "Finished", handshake_msg(HS_FINISHED, self.case.finished(self, verify_data)))
        self.ks.application(self.th())
        self.flush()
        self.write_prot = Protection(self.suite, self.ks.s_ap, "server application")

    def certificate_request(self, context):
        exts = [(EXT_SIGNATURE_ALGORITHMS, vec16(u16_list(CLIENT_CV_SCHEMES)))]
        return handshake_msg(HS_CERTIFICATE_REQUEST, vec8(context) + encode_extensions(exts))

    def client_flight(self):
        if self.args.request_client_cert:
            msg = self.read_handshake([HS_CERTIFICATE])
            r = Reader(msg[4:], "client Certificate")
            if r.vec8() != b"":
                raise PeerError(ALERT_ILLEGAL_PARAMETER, "client Certificate has a request context")
            lr = Reader(r.vec24(), "certificate_list")
            r.end()
            certs = []
            while lr.left():
                certs.append(lr.vec24())
                lr.vec16()
            self.transcript += msg
            if not certs:
                self.log("client sent no certificate")
            else:
                try:
                    leaf = x509.load_der_x509_certificate(certs[0])
                except ValueError:
                    raise PeerError(ALERT_BAD_CERTIFICATE, "client certificate does not decode")
                self.log("client certificate: %s (%d in chain; chain not validated)"
                         % (leaf.subject.rfc4514_string(), len(certs)))
                content = cv_content(CLIENT_CV_CONTEXT, self.th())
                msg = self.read_handshake([HS_CERTIFICATE_VERIFY])
                r = Reader(msg[4:], "client CertificateVerify")
                scheme = r.u16()
                sig = r.vec16()
                r.end()
                verify(leaf.public_key(), scheme, sig, content)
                self.log("client CertificateVerify ok (%s)" % scheme_name(scheme))
                self.transcript += msg
        expected = self.suite.finished(self.ks.c_hs, self.th())
        msg = self.read_handshake([HS_FINISHED])
        if not hmac.compare_digest(msg[4:], expected):
            raise PeerError(ALERT_DECRYPT_ERROR, "client Finished is wrong")
        self.log("client Finished ok")
        self.transcript += msg
        self.client_finished = True
        self.install_read(self.ks.c_ap, "client application")
        self.ks.resumption(self.th())

    # -- after the handshake ----------------------------------------------------
    def send_new_session_ticket(self):
        # We never resume: the ticket is opaque noise, but well formed.
        body = u32(7200) + os.urandom(4) + vec8(b"\x00") + vec16(os.urandom(32)) + vec16(b"")
        self.send_record(CT_HANDSHAKE, handshake_msg(HS_NEW_SESSION_TICKET, body))
        self.log("send NewSessionTicket")

    def application(self):
        """Echo lines reversed. After we sent close_notify (line "CLOSE") we
        send nothing more but keep reading until the client closes, so that
        an alert it sends late (e.g. about a hostile post-handshake message
        it read after its data was on the way) still shows in the log."""
        self.case.after_handshake(self)
        pending = bytearray()
        while True:
            try:
                ctype, content = self.next_record()
            except PeerAlert as a:
                if a.desc == ALERT_CLOSE_NOTIFY and not self.closing:
                    self.send_alert(ALERT_CLOSE_NOTIFY, level=1)
                return
            except PeerError as e:
                if self.closing and e.alert is None:
                    self.log("after close_notify: %s" % e)
                    return
                raise
            if ctype == CT_APPLICATION_DATA:
                self.log("recv application data (%d bytes)%s"
                         % (len(content), " (ignored: we are closing)" if self.closing else ""))
                if self.closing:
                    continue
                pending += content
                while b"\n" in pending and not self.closing:
                    i = pending.index(b"\n")
                    line = bytes(pending[:i]).rstrip(b"\r")
                    del pending[:i + 1]
                    if line == b"CLOSE":
                        self.log("CLOSE requested")
                        self.send_alert(ALERT_CLOSE_NOTIFY, level=1)
                        self.closing = True
                        break
                    self.send_record(CT_APPLICATION_DATA, line[::-1] + b"\n")
                    self.log("send application data (%d bytes, reversed line)" % (len(line) + 1))
                    self.case.after_echo(self)
            else:
                if not content:
                    raise PeerError(ALERT_UNEXPECTED_MESSAGE, "empty handshake record")
                self.hs_in += content
                while True:
                    msg = self.take_handshake()
                    if msg is None:
                        break
                    self.post_handshake(msg)

    def post_handshake(self, msg):
        if msg[0] == HS_KEY_UPDATE:
            r = Reader(msg[4:], "KeyUpdate")
            request = r.u8()
            r.end()
            if request not in (0, 1):
                raise PeerError(ALERT_ILLEGAL_PARAMETER, "KeyUpdate request_update %d" % request)
            if self.hs_in:
                raise PeerError(ALERT_UNEXPECTED_MESSAGE, "data after KeyUpdate in the same record")
            self.read_prot = self.read_prot.updated()
            self.client_key_updates += 1
            if self.client_key_updates <= 3 or self.client_key_updates % 100 == 0:
                self.log("recv KeyUpdate #%d (request_update %d)" % (self.client_key_updates, request))
            if request == 1 and not self.closing:
                self.send_key_update(0)
                self.log("send KeyUpdate (update_not_requested)")
        elif self.post_hs_request_pending and msg[0] in (HS_CERTIFICATE, HS_CERTIFICATE_VERIFY, HS_FINISHED):
            self.log("recv %s (answer to the post-handshake CertificateRequest, not checked)" % hs_name(msg[0]))
            if msg[0] == HS_FINISHED:
                self.post_hs_request_pending = False
        else:
            raise PeerError(ALERT_UNEXPECTED_MESSAGE, "%s after the handshake" % hs_name(msg[0]))

    # -- running ----------------------------------------------------------------
    def drain(self):
        """After a hostile step: log what the client answers, until it
        closes, sends an alert, or stays silent for READ_TIMEOUT."""
        for _ in range(100):
            try:
                ctype, content = self.next_record()
            except PeerAlert:
                return
            except PeerError as e:
                self.log("drain: %s" % e)
                return
            what = CONTENT_TYPES.get(ctype, str(ctype))
            if ctype == CT_HANDSHAKE and content:
                what += " (%s)" % hs_name(content[0])
            self.log("drain: client sent %s, %d bytes (a client that noticed would have aborted)"
                     % (what, len(content)))

    def try_alert(self, desc):
        try:
            self.send_alert(desc)
        except OSError:
            pass

    def run(self):
        try:
            self.handshake()
            self.application()
        except Stop as s:
            self.log("hostile step done (%s); waiting for the client's answer" % s)
            self.drain()
        except PeerAlert:
            pass
        except PeerError as e:
            self.log("error: %s" % e)
            if e.alert is not None:
                self.try_alert(e.alert)
        except OSError as e:
            self.log("socket error: %s" % e)
            try:
                self.drain()            # the client's alert may still be readable
            except Exception:
                pass
        except Exception:
            self.internal_error = True
            self.log("INTERNAL ERROR (a bug in hostile_server.py):\n" + traceback.format_exc())
        finally:
            if self.client_key_updates:
                self.log("client sent %d KeyUpdate messages in all" % self.client_key_updates)
            try:
                self.sock.close()
            except OSError:
                pass
            self.log("closed")


# ---------------------------------------------------------------------------
# The hostile cases. Each docstring: what the server does wrong, then what
# a correct client does (RFC 8446 section). CASES.md has the same as a table.

@case("good")
class Good(Case):
    __doc__ = Case.__doc__


def forced_hrr(c, ch, hrr):
    """A correct HelloRetryRequest with a cookie, also when the client's share
    was acceptable. Its key_share names, in this order: the group a correct
    server wants anyway (hrr), another group of --groups that the client
    supports but sent no share for, or nothing (a cookie-only retry)."""
    if hrr is None:
        shared = [g for g, _ in ch.shares]
        other = [g for g in c.args.group_list if g in ch.groups and g not in shared]
        hrr = Hrr(group=other[0] if other else None)
    hrr.cookie = b"moor-hostile-cookie:" + os.urandom(12)
    return hrr


@case("good_hrr")
class GoodHrr(Case):
    """Always starts with a HelloRetryRequest carrying a cookie (forced_hrr:
    with --groups excluding the client's share it asks for the group the
    server wants; otherwise for another group the client supports; if there
    is none, cookie-only). Correct; the client must retry with the cookie
    and the requested share and complete (4.1.4, 4.2.2, 4.2.8)."""

    def hello_retry(self, c, ch, hrr):
        return forced_hrr(c, ch, hrr)


@case("good_fragmented")
class GoodFragmented(Case):
    """Correct, but every record carries at most 7 bytes of content, so every
    handshake message spans several records. The client must reassemble (5.1)."""

    def fragment_size(self, c, ctype, protected):
        return min(7, c.max_content)


@case("good_padded")
class GoodPadded(Case):
    """Correct, but every protected record carries 1..64 bytes of zero padding
    (within the negotiated limit). The client must strip it (5.4)."""

    def padding(self, c, ctype, content_len, room):
        return min(room, 1 + os.urandom(1)[0] % 64)


# -- ServerHello -------------------------------------------------------------

@case("sh_malformed_length")
class ShMalformedLength(Case):
    """ServerHello whose extensions block claims one byte more than the
    message holds (the handshake length itself is right). decode_error (4, 6.2)."""

    def server_hello(self, c, sh):
        sh.ext_len_adjust = 1
        c.hostile("extensions length one byte too long")
        return sh


@case("sh_truncated_then_eof")
class ShTruncatedThenEof(Case):
    """Sends the record header and half of the ServerHello, then closes the
    TCP connection (FIN). The client must report a truncated stream, not hang (6.1)."""

    def send_server_hello(self, c, msg):
        rec = u8(CT_HANDSHAKE) + u16(TLS12) + vec16(msg)
        c.write(rec[:5 + len(msg) // 2])
        c.hostile("sent %d of %d bytes of the ServerHello record, then FIN" % (5 + len(msg) // 2, len(rec)))
        c.shutdown_write()
        raise Stop("closed mid-record")


@case("sh_session_id_not_echoed")
class ShSessionIdNotEchoed(Case):
    """legacy_session_id_echo differs from the client's legacy_session_id
    (one byte flipped, or 32 random bytes if the client sent none).
    illegal_parameter (4.1.3)."""

    def server_hello(self, c, sh):
        sid = bytearray(sh.session_id) if sh.session_id else bytearray(os.urandom(32))
        if sh.session_id:
            sid[0] ^= 0x01
        sh.session_id = bytes(sid)
        c.hostile("legacy_session_id_echo %s" % sh.session_id.hex())
        return sh


@case("sh_cipher_not_offered")
class ShCipherNotOffered(Case):
    """ServerHello selects a cipher suite the client did not offer (another
    TLS 1.3 suite; the handshake goes on with it when it is one we implement).
    illegal_parameter (4.1.3)."""

    def server_hello(self, c, sh):
        for code in (0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xc02f):
            if code not in c.ch.suites:
                break
        sh.suite = code
        c.hostile("selected %s, which the client did not offer" % suite_name(code))
        if code in SUITES:
            c.suite = SUITES[code]
        else:
            self.stop = True
        return sh

    def send_server_hello(self, c, msg):
        c.send_record(CT_HANDSHAKE, msg)
        if getattr(self, "stop", False):
            raise Stop("suite not implemented here, cannot go on")


@case("sh_compression_nonzero")
class ShCompressionNonzero(Case):
    """legacy_compression_method = 1 (must be 0). The handshake goes on.
    The RFC names no alert; illegal_parameter or decode_error (4.1.3)."""

    def server_hello(self, c, sh):
        sh.compression = 1
        c.hostile("legacy_compression_method 1")
        return sh


@case("sh_wrong_group")
class ShWrongGroup(Case):
    """ServerHello key_share for a group the client sent no share for (one
    from its supported_groups if it has another, without a HelloRetryRequest).
    illegal_parameter (4.2.8)."""

    def server_hello(self, c, sh):
        shared = [g for g, _ in c.ch.shares]
        candidates = [g for g in c.ch.groups if g in GROUP_NAMES and g not in shared and g in (
            GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1)]
        candidates += [g for g in (GROUP_SECP256R1, GROUP_X25519, GROUP_SECP384R1) if g not in shared]
        group = candidates[0]
        _, pub = kx_generate(group)
        sh.replace_ext(EXT_KEY_SHARE, u16(group) + vec16(pub))
        sh.ecdhe = os.urandom(len(sh.ecdhe))   # nobody can compute the real one
        c.hostile("key_share for %s, client shared only %s" % (group_name(group),
                                                               " ".join(group_name(g) for g in shared)))
        return sh


@case("sh_bad_point")
class ShBadPoint(Case):
    """ServerHello key_share that is not a valid public key: for P-256/P-384
    the uncompressed point (1, 1), which is not on the curve; for X25519 all
    zeros (the shared secret is then all zeros, and the server carries on
    with it, so a client that does not check completes the handshake).
    illegal_parameter (4.2.8.2, 7.4.2)."""

    def server_hello(self, c, sh):
        if c.group == GROUP_X25519:
            point = bytes(32)
            sh.ecdhe = bytes(32)
        else:
            size = EC_CURVES[c.group][1]
            point = b"\x04" + (1).to_bytes(size, "big") * 2
            sh.ecdhe = os.urandom(size)
        sh.replace_ext(EXT_KEY_SHARE, u16(c.group) + vec16(point))
        c.hostile("%s share %s" % (group_name(c.group), point.hex()))
        return sh


class Tls12ServerHello(Case):
    """Shared by the two TLS 1.2 ServerHello cases."""

    sentinel = None

    def server_hello(self, c, sh):
        random = os.urandom(32)
        if self.sentinel:
            random = random[:24] + self.sentinel
        # A TLS 1.2 suite the client offered, else the one for our key type.
        rsa_key = isinstance(c.creds.key, rsa.RSAPrivateKey)
        suite = next((s for s in c.ch.suites if s in (0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca8, 0xcca9)),
                     0xc02f if rsa_key else 0xc02b)
        # Only extensions a TLS 1.2 server may answer with, and only if asked.
        exts = []
        if EXT_RENEGOTIATION_INFO in c.ch.exts or 0x00ff in c.ch.suites:
            exts.append((EXT_RENEGOTIATION_INFO, b"\x00"))
        if EXT_EXTENDED_MASTER_SECRET in c.ch.exts:
            exts.append((EXT_EXTENDED_MASTER_SECRET, b""))
        if EXT_EC_POINT_FORMATS in c.ch.exts:
            exts.append((EXT_EC_POINT_FORMATS, b"\x01\x00"))
        tls12 = ServerHello(random, os.urandom(32), suite, exts)
        tls12.no_extensions = not exts
        c.hostile("TLS 1.2 ServerHello, %s, random ends %s" % (suite_name(suite), random[24:].hex()))
        return tls12

    def send_server_hello(self, c, msg):
        c.send_record(CT_HANDSHAKE, msg)
        raise Stop("TLS 1.2 ServerHello sent")

    def compat_ccs(self, c):
        pass


@case("sh_tls12_downgrade")
class ShTls12Downgrade(Tls12ServerHello):
    """A TLS 1.2 ServerHello (no supported_versions) whose random ends with
    the downgrade sentinel DOWNGRD\\x01. illegal_parameter (4.1.3)."""

    sentinel = DOWNGRADE_TLS12


@case("sh_tls12_plain")
class ShTls12Plain(Tls12ServerHello):
    """A TLS 1.2 ServerHello without the sentinel (a TLS 1.2-only server).
    A client that offered only TLS 1.3: protocol_version (D.1)."""


@case("sh_supported_versions_0303")
class ShSupportedVersions0303(Case):
    """ServerHello with supported_versions = 0x0303 (a version below TLS 1.3
    in the extension) and otherwise TLS 1.3. illegal_parameter (4.2.1)."""

    def server_hello(self, c, sh):
        sh.replace_ext(EXT_SUPPORTED_VERSIONS, u16(TLS12))
        c.hostile("supported_versions 0x0303")
        return sh


@case("sh_duplicate_extension")
class ShDuplicateExtension(Case):
    """ServerHello carries supported_versions twice. illegal_parameter /
    decode_error (4.2: no two extensions of the same type)."""

    def server_hello(self, c, sh):
        sh.exts.append((EXT_SUPPORTED_VERSIONS, u16(TLS13)))
        c.hostile("supported_versions twice")
        return sh


@case("sh_no_key_share")
class ShNoKeyShare(Case):
    """TLS 1.3 ServerHello without key_share (and without pre_shared_key):
    no key exchange at all. missing_extension (4.2.8, 9.2)."""

    def server_hello(self, c, sh):
        sh.drop_ext(EXT_KEY_SHARE)
        c.hostile("no key_share")
        return sh

    def send_server_hello(self, c, msg):
        c.send_record(CT_HANDSHAKE, msg)
        raise Stop("no keys to go on with")


# -- HelloRetryRequest -------------------------------------------------------

@case("hrr_twice")
class HrrTwice(Case):
    """A correct HelloRetryRequest (as good_hrr), then a second one in answer
    to the retried ClientHello. unexpected_message (4.1.4)."""

    def hello_retry(self, c, ch, hrr):
        return forced_hrr(c, ch, hrr)

    def after_second_client_hello(self, c, ch2):
        again = Hrr(cookie=b"moor-hostile-cookie-2:" + os.urandom(8))
        c.send_hrr(again)
        c.hostile("second HelloRetryRequest")
        raise Stop("second HelloRetryRequest sent")


@case("hrr_same_group")
class HrrSameGroup(Case):
    """HelloRetryRequest whose selected_group is the group the client
    already sent a share for. illegal_parameter (4.2.8). (--groups must
    accept that group; by default it does.)"""

    def hello_retry(self, c, ch, hrr):
        g = ch.shares[0][0] if ch.shares else ch.groups[0]
        c.hostile("HelloRetryRequest for %s, which the client already sent" % group_name(g))
        return Hrr(group=g)


@case("hrr_unoffered_group")
class HrrUnofferedGroup(Case):
    """HelloRetryRequest selecting a group that is not in the client's
    supported_groups. illegal_parameter (4.2.8)."""

    def hello_retry(self, c, ch, hrr):
        # Prefer a group we implement; OpenSSL offers nearly everything,
        # so fall back on secp256k1, brainpool and finally an unassigned code.
        g = next(g for g in (GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1, 0x0019, 0x001e,
                             0x0100, 0x0101, 0x0102, 0x0016, 0x001a, 0x001b, 0x001c, 0x0a1f)
                 if g not in ch.groups)
        c.hostile("HelloRetryRequest for %s, not in the client's supported_groups" % group_name(g))
        hrr = Hrr(group=g)
        hrr.check_share = False
        return hrr

    def after_second_client_hello(self, c, ch2):
        raise Stop("the client retried")


@case("hrr_no_change")
class HrrNoChange(Case):
    """HelloRetryRequest with only supported_versions: no key_share, no
    cookie, so the ClientHello would not change. illegal_parameter (4.1.4)."""

    def hello_retry(self, c, ch, hrr):
        c.hostile("HelloRetryRequest asking for nothing")
        return Hrr()


@case("hrr_then_sh_other_suite")
class HrrThenShOtherSuite(Case):
    """A correct HelloRetryRequest (as good_hrr), then a ServerHello with a different cipher
    suite than the HelloRetryRequest's (the handshake goes on with it).
    illegal_parameter (4.1.4)."""

    def hello_retry(self, c, ch, hrr):
        return forced_hrr(c, ch, hrr)

    def server_hello(self, c, sh):
        others = [s for s in c.ch.suites if s in SUITES and s != sh.suite]
        others += [s for s in SUITES if s != sh.suite]
        c.hostile("HelloRetryRequest said %s, ServerHello says %s" % (suite_name(sh.suite),
                                                                      suite_name(others[0])))
        sh.suite = others[0]
        c.suite = SUITES[others[0]]
        return sh


# -- EncryptedExtensions -----------------------------------------------------

@case("ee_unrequested_extension")
class EeUnrequestedExtension(Case):
    """EncryptedExtensions with an extension the client did not offer: ALPN
    "h2" (else early_data, max_fragment_length, heartbeat, whichever the
    client did not send). unsupported_extension (4.2)."""

    def ee_extensions(self, c, exts):
        for t, data in ((EXT_ALPN, vec16(vec8(b"h2"))), (EXT_EARLY_DATA, b""),
                        (EXT_MAX_FRAGMENT_LENGTH, b"\x02"), (EXT_HEARTBEAT, b"\x01")):
            if t not in c.ch.exts:
                c.hostile("unrequested extension %d in EncryptedExtensions" % t)
                return exts + [(t, data)]
        raise Stop("the client offered every extension we could add")


@case("ee_forbidden_extension")
class EeForbiddenExtension(Case):
    """EncryptedExtensions carries key_share, which belongs in ServerHello
    only. illegal_parameter (4.2)."""

    def ee_extensions(self, c, exts):
        c.hostile("key_share in EncryptedExtensions")
        return exts + [(EXT_KEY_SHARE, u16(c.group) + vec16(c.server_pub))]


@case("ee_mfl_mismatch")
class EeMflMismatch(Case):
    """EncryptedExtensions answers max_fragment_length with another value
    than the client asked for (the records still honour the client's value).
    illegal_parameter (RFC 6066 4). If the client did not offer the extension
    the answer is unrequested: unsupported_extension."""

    def ee_extensions(self, c, exts):
        exts = [(t, d) for t, d in exts if t != EXT_MAX_FRAGMENT_LENGTH]
        code = (c.ch.mfl % 4) + 1 if c.ch.mfl in (1, 2, 3, 4) else 2
        c.hostile("max_fragment_length %d, client asked for %s" % (code, c.ch.mfl))
        return exts + [(EXT_MAX_FRAGMENT_LENGTH, u8(code))]


@case("ee_missing")
class EeMissing(Case):
    """No EncryptedExtensions: Certificate comes right after ServerHello
    (the transcript leaves EE out, so a lax client completes).
    unexpected_message (4.3.1)."""

    def emit(self, c, name, msg):
        if name == "EncryptedExtensions":
            c.hostile("EncryptedExtensions left out")
            return
        c.queue_handshake(msg)


@case("ee_duplicated")
class EeDuplicated(Case):
    """EncryptedExtensions sent twice. unexpected_message (4)."""

    def emit(self, c, name, msg):
        c.queue_handshake(msg)
        if name == "EncryptedExtensions":
            c.hostile("EncryptedExtensions again")
            c.queue_handshake(msg)


@case("handshake_after_sh_in_same_record")
class HandshakeAfterShInSameRecord(Case):
    """EncryptedExtensions in plaintext, in the same record as the ServerHello,
    i.e. not at the key change boundary (the encrypted flight then leaves EE
    out). unexpected_message (5.1)."""

    def send_server_hello(self, c, msg):
        ee = handshake_msg(HS_ENCRYPTED_EXTENSIONS, encode_extensions(c.ee_exts))
        c.transcript += ee
        c.send_record(CT_HANDSHAKE, msg + ee)
        c.hostile("ServerHello and EncryptedExtensions in one plaintext record")

    def emit(self, c, name, msg):
        if name != "EncryptedExtensions":
            c.queue_handshake(msg)


# -- Certificate -------------------------------------------------------------

@case("cert_empty_list")
class CertEmptyList(Case):
    """Certificate with an empty certificate_list. decode_error (4.4.2.4)."""

    def certificate(self, c, context, entries):
        c.hostile("empty certificate_list")
        return context, []


@case("cert_garbage_der")
class CertGarbageDer(Case):
    """The leaf's cert_data is not a certificate: a DER SEQUENCE header
    followed by 256 bytes of counting garbage. bad_certificate (4.4.2.4, 6.2)."""

    def certificate(self, c, context, entries):
        c.hostile("leaf replaced by garbage")
        return context, [(b"\x30\x82\x01\x00" + bytes(range(256)), b"")] + entries[1:]


@case("cert_request_context_nonempty")
class CertRequestContextNonempty(Case):
    """Server Certificate with a non-empty certificate_request_context (must
    be empty for server authentication). illegal_parameter / decode_error (4.4.2)."""

    def certificate(self, c, context, entries):
        c.hostile("certificate_request_context 'moor'")
        return b"moor", entries


@case("cert_entry_length_overflow")
class CertEntryLengthOverflow(Case):
    """The first CertificateEntry's cert_data length runs 1000 bytes past the
    end of certificate_list (whose own length is right). decode_error (4.4.2)."""

    def certificate_bytes(self, c, msg):
        # msg: type(1) length(3) context_len(1)=0 list_len(3) cert_len(3) ...
        cert_len = int.from_bytes(msg[8:11], "big")
        c.hostile("cert_data length %d, really %d" % (cert_len + 1000, cert_len))
        return msg[:8] + u24(cert_len + 1000) + msg[11:]


# -- CertificateVerify -------------------------------------------------------

@case("cv_missing")
class CvMissing(Case):
    """No CertificateVerify: Finished right after Certificate (computed over
    the transcript without it). unexpected_message (4.4.3, 4.4)."""

    def emit(self, c, name, msg):
        if name == "CertificateVerify":
            c.hostile("CertificateVerify left out")
            return
        c.queue_handshake(msg)


@case("cv_bad_signature")
class CvBadSignature(Case):
    """CertificateVerify signature made over the client's context string
    ("TLS 1.3, client CertificateVerify"): well formed, right scheme, does
    not verify. decrypt_error (4.4.3)."""

    def certificate_verify(self, c, scheme, content):
        c.hostile("signed with the client context string")
        wrong = content.replace(SERVER_CV_CONTEXT, CLIENT_CV_CONTEXT)
        return scheme, sign(c.creds.key, scheme, wrong)


@case("cv_wrong_scheme")
class CvWrongScheme(Case):
    """CertificateVerify with a scheme the client did not offer and TLS 1.3
    forbids, with a valid signature of that kind: rsa_pkcs1_sha256 (0x0401)
    for an RSA key, ecdsa_sha1 (0x0203) for an EC key. illegal_parameter (4.4.3)."""

    def certificate_verify(self, c, scheme, content):
        if isinstance(c.creds.key, rsa.RSAPrivateKey):
            wrong = 0x0401
        elif isinstance(c.creds.key, ec.EllipticCurvePrivateKey):
            wrong = 0x0203
        else:
            raise Stop("cv_wrong_scheme needs an RSA or EC key")
        c.hostile("CertificateVerify with %s" % scheme_name(wrong))
        return wrong, sign(c.creds.key, wrong, content)


@case("cv_scheme_key_mismatch")
class CvSchemeKeyMismatch(Case):
    """CertificateVerify names a scheme for another key type than the
    certificate's: ecdsa_secp256r1_sha256 with an RSA-PSS signature (RSA
    key), rsa_pss_rsae_sha256 with an ECDSA signature (EC key).
    illegal_parameter or decrypt_error (4.4.3)."""

    def certificate_verify(self, c, scheme, content):
        if isinstance(c.creds.key, rsa.RSAPrivateKey):
            claimed = 0x0403
        else:
            claimed = 0x0804
        c.hostile("CertificateVerify says %s, signature is %s" % (scheme_name(claimed), scheme_name(scheme)))
        return claimed, sign(c.creds.key, scheme, content)


# -- Finished ----------------------------------------------------------------

@case("finished_bad_verify_data")
class FinishedBadVerifyData(Case):
    """Server Finished with one bit of verify_data flipped. decrypt_error (4.4.4)."""

    def finished(self, c, verify_data):
        c.hostile("verify_data bit flipped")
        return bytes([verify_data[0] ^ 0x01]) + verify_data[1:]


@case("finished_wrong_length")
class FinishedWrongLength(Case):
    """Server Finished with 12 bytes of verify_data (the TLS 1.2 length)
    instead of Hash.length. decode_error (4.4.4)."""

    def finished(self, c, verify_data):
        c.hostile("verify_data of 12 bytes")
        return verify_data[:12]


# -- Record layer ------------------------------------------------------------

@case("record_bad_mac")
class RecordBadMac(Case):
    """One bit of the first protected record (the one carrying
    EncryptedExtensions) flipped: the AEAD tag fails. bad_record_mac (5.2)."""

    def record(self, c, rec, protected):
        if protected and c.protected_records_sent == 0:
            c.hostile("bit flipped in the last byte of the first protected record")
            rec = rec[:-1] + bytes([rec[-1] ^ 0x01])
        return rec


@case("record_oversized")
class RecordOversized(Case):
    """The first protected record is replaced by one whose length field is
    2^14 + 257 (one more than TLSCiphertext allows), followed by that many
    bytes. record_overflow (5.2)."""

    def record(self, c, rec, protected):
        if protected and c.protected_records_sent == 0:
            n = MAX_CIPHERTEXT + 1
            c.hostile("protected record of %d bytes" % n)
            return u8(CT_APPLICATION_DATA) + u16(TLS12) + u16(n) + os.urandom(n)
        return rec


@case("inner_plaintext_oversized")
class InnerPlaintextOversized(Case):
    """The first protected record is correctly encrypted but its
    TLSInnerPlaintext (flight + zero padding) is 2^14 + 2 bytes, one more
    than allowed; the ciphertext length is legal. record_overflow (5.4)."""

    def padding(self, c, ctype, content_len, room):
        if c.protected_records_sent == 0:
            c.hostile("inner plaintext of %d bytes" % (MAX_INNER + 1))
            return MAX_INNER + 1 - (content_len + 1)
        return 0


@case("record_over_negotiated_limit")
class RecordOverNegotiatedLimit(Case):
    """After the NewSessionTicket, an application_data record whose content
    is one byte over the limit the client negotiated (max_fragment_length
    or record_size_limit), counted either way (with or without the content
    type byte). Sent after the handshake because a client can only enforce
    the limit once it has read EncryptedExtensions (OpenSSL does not check
    the record that carries it). Without a negotiated limit it is
    appdata_record_oversized. record_overflow (RFC 6066 4, RFC 8449 4)."""

    def after_handshake(self, c):
        c.send_new_session_ticket()
        if c.ch.rsl is not None:
            limit = min(c.ch.rsl, MAX_INNER) - 1
        elif c.ch.mfl in (1, 2, 3, 4):
            limit = 1 << (8 + c.ch.mfl)
        else:
            limit = MAX_PLAINTEXT
        data = b"y" * limit + b"\n"
        c.write(c.write_prot.seal(CT_APPLICATION_DATA, data))
        c.hostile("application_data record with %d content bytes, client limit %d" % (len(data), limit))


def seal_before_flight(c, inner, what):
    c.write(c.write_prot.seal_inner(inner))
    c.protected_records_sent += 1
    c.hostile(what)


@case("record_all_zero_inner")
class RecordAllZeroInner(Case):
    """Before EncryptedExtensions, a protected record whose inner plaintext
    is 32 zero bytes: no content type. unexpected_message (5.4)."""

    def before_flight(self, c):
        seal_before_flight(c, bytes(32), "protected record with an all-zero inner plaintext")


@case("unknown_inner_type")
class UnknownInnerType(Case):
    """Before EncryptedExtensions, a protected record with inner content
    type 99. unexpected_message (5)."""

    def before_flight(self, c):
        seal_before_flight(c, b"hostile" + u8(99), "protected record with inner content type 99")


@case("handshake_empty_record")
class HandshakeEmptyRecord(Case):
    """Before EncryptedExtensions, a protected handshake record with no
    content (zero-length handshake fragments are forbidden). unexpected_message (5.1)."""

    def before_flight(self, c):
        seal_before_flight(c, u8(CT_HANDSHAKE), "zero-length protected handshake record")


@case("handshake_message_oversized")
class HandshakeMessageOversized(Case):
    """EncryptedExtensions whose handshake length field is 0xFFFFFF (16 MiB),
    followed by its real body and then nothing. The client must fail at once
    on the length, not wait for 16 MiB. decode_error (the RFC names no alert;
    OpenSSL sends illegal_parameter) (4)."""

    def emit(self, c, name, msg):
        if name == "EncryptedExtensions":
            c.hs_out += u8(HS_ENCRYPTED_EXTENSIONS) + u24(0xFFFFFF) + msg[4:]
            c.flush()
            c.hostile("EncryptedExtensions length 0xFFFFFF")
            raise Stop("oversized handshake message sent")
        c.queue_handshake(msg)


@case("plaintext_handshake_after_keys")
class PlaintextHandshakeAfterKeys(Case):
    """EncryptedExtensions sent as a plaintext handshake record after the
    ServerHello (the rest of the flight is protected). unexpected_message (5, 5.2)."""

    def emit(self, c, name, msg):
        if name == "EncryptedExtensions":
            c.transcript += msg
            c.send_record(CT_HANDSHAKE, msg, plaintext=True)
            c.hostile("EncryptedExtensions in plaintext")
            return
        c.queue_handshake(msg)


@case("appdata_before_finished")
class AppdataBeforeFinished(Case):
    """An application_data record (under the handshake keys) between
    CertificateVerify and Finished. unexpected_message (5, 2)."""

    def emit(self, c, name, msg):
        if name == "Finished":
            c.flush()
            c.send_record(CT_APPLICATION_DATA, b"application data before Finished\n")
            c.hostile("application data before Finished")
        c.queue_handshake(msg)


@case("keyupdate_in_handshake")
class KeyupdateInHandshake(Case):
    """A KeyUpdate (update_not_requested) in its own record before the
    server Finished. unexpected_message (4.6.3)."""

    def emit(self, c, name, msg):
        if name == "Finished":
            c.flush()
            c.send_record(CT_HANDSHAKE, handshake_msg(HS_KEY_UPDATE, b"\x00"))
            c.hostile("KeyUpdate before Finished")
        c.queue_handshake(msg)


# -- ChangeCipherSpec --------------------------------------------------------

@case("ccs_bad_value")
class CcsBadValue(Case):
    """The compatibility change_cipher_spec after the ServerHello carries
    0x02 instead of 0x01 (sent whatever the client's session id).
    unexpected_message (5)."""

    def compat_ccs(self, c):
        if not c.ccs_sent:
            c.send_ccs(b"\x02")
            c.hostile("change_cipher_spec 0x02")


@case("ccs_encrypted")
class CcsEncrypted(Case):
    """A protected change_cipher_spec record (inner type 20, 0x01) before
    EncryptedExtensions. unexpected_message (5)."""

    def before_flight(self, c):
        seal_before_flight(c, b"\x01" + u8(CT_CHANGE_CIPHER_SPEC), "protected change_cipher_spec")


@case("ccs_after_finished")
class CcsAfterFinished(Case):
    """A plaintext change_cipher_spec (0x01) after the handshake, right after
    the NewSessionTicket. unexpected_message (5)."""

    def after_handshake(self, c):
        c.send_new_session_ticket()
        c.send_ccs(b"\x01")
        c.hostile("change_cipher_spec after the handshake")


# -- Alerts and record types ---------------------------------------------------

@case("alert_handshake_failure")
class AlertHandshakeFailure(Case):
    """A plaintext fatal handshake_failure alert instead of the ServerHello.
    The client reports the alert it received (6.2)."""

    def before_server_hello(self, c):
        c.send_alert(ALERT_HANDSHAKE_FAILURE)
        c.hostile("handshake_failure instead of ServerHello")
        raise Stop("alert sent")


@case("alert_encrypted_mid_handshake")
class AlertEncryptedMidHandshake(Case):
    """After EncryptedExtensions, a protected fatal internal_error alert.
    The client reports the alert it received (6.2)."""

    def emit(self, c, name, msg):
        c.queue_handshake(msg)
        if name == "EncryptedExtensions":
            c.flush()
            c.send_alert(ALERT_INTERNAL_ERROR)
            c.hostile("internal_error after EncryptedExtensions")
            raise Stop("alert sent")


@case("unknown_record_type")
class UnknownRecordType(Case):
    """A plaintext record of content type 99 before the ServerHello (the
    handshake then goes on). unexpected_message (5)."""

    def before_server_hello(self, c):
        c.write(u8(99) + u16(TLS12) + vec16(b"hello"))
        c.hostile("record type 99")


# -- After the handshake -------------------------------------------------------

@case("keyupdate_flood")
class KeyupdateFlood(Case):
    """After the NewSessionTicket, 1000 KeyUpdate(update_requested) messages,
    one per record, each followed by the server's own key change. Legal:
    the client must follow every key change, answer with a KeyUpdate before
    its next application data (one is enough), and the echo must still work (4.6.3)."""

    def after_handshake(self, c):
        c.send_new_session_ticket()
        for _ in range(1000):
            c.send_key_update(1)
        c.hostile("sent 1000 KeyUpdate(update_requested)")


@case("keyupdate_bad_value")
class KeyupdateBadValue(Case):
    """After the NewSessionTicket, a KeyUpdate with request_update = 5.
    illegal_parameter (4.6.3)."""

    def after_handshake(self, c):
        c.send_new_session_ticket()
        c.send_record(CT_HANDSHAKE, handshake_msg(HS_KEY_UPDATE, b"\x05"))
        c.hostile("KeyUpdate request_update 5")


@case("nst_malformed")
class NstMalformed(Case):
    """A NewSessionTicket whose ticket length says 0xFFFF while 32 bytes
    follow (the message length is right). decode_error (4.6.1)."""

    def after_handshake(self, c):
        body = u32(7200) + os.urandom(4) + vec8(b"\x00") + u16(0xFFFF) + os.urandom(32) + vec16(b"")
        c.send_record(CT_HANDSHAKE, handshake_msg(HS_NEW_SESSION_TICKET, body))
        c.hostile("NewSessionTicket with ticket length 0xFFFF")


@case("appdata_record_oversized")
class AppdataRecordOversized(Case):
    """After the NewSessionTicket, one application_data record with 2^14 + 1
    bytes of content (inner plaintext 2^14 + 2; the ciphertext length is
    legal). Unlike inner_plaintext_oversized the excess is content, not
    padding. record_overflow (5.1, 5.4)."""

    def after_handshake(self, c):
        c.send_new_session_ticket()
        data = b"x" * MAX_PLAINTEXT + b"\n"
        c.write(c.write_prot.seal(CT_APPLICATION_DATA, data))
        c.hostile("application_data record with %d content bytes" % len(data))


@case("close_without_notify")
class CloseWithoutNotify(Case):
    """After echoing the first line, TCP FIN without close_notify. The
    client must report truncation on its next read, not a clean close (6.1)."""

    def after_echo(self, c):
        c.shutdown_write()
        c.hostile("FIN without close_notify")
        raise Stop("FIN sent")


@case("post_handshake_certificate_request")
class PostHandshakeCertificateRequest(Case):
    """After the NewSessionTicket, a CertificateRequest (context of 8 bytes)
    although the client did not offer post_handshake_auth. unexpected_message
    (4.6.2). (A client that did offer it may answer; the server logs that.)"""

    def after_handshake(self, c):
        c.send_new_session_ticket()
        c.send_record(CT_HANDSHAKE, c.certificate_request(os.urandom(8)))
        c.post_hs_request_pending = True
        c.hostile("post-handshake CertificateRequest (client offered post_handshake_auth: %s)"
                  % ("yes" if c.ch.post_handshake_auth else "no"))


# ---------------------------------------------------------------------------
# Main

def parse_groups(text):
    out = []
    for item in text.split(","):
        item = item.strip().lower()
        if item in GROUP_ALIASES:
            out.append(GROUP_ALIASES[item])
        else:
            try:
                code = int(item, 16)
            except ValueError:
                raise argparse.ArgumentTypeError("unknown group %r" % item)
            if code not in (GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1):
                raise argparse.ArgumentTypeError("group %r not implemented" % item)
            out.append(code)
    return out


def parse_suites(text):
    by_name = {s.name.lower(): c for c, s in SUITES.items()}
    out = []
    for item in text.split(","):
        item = item.strip().lower()
        code = by_name.get(item)
        if code is None:
            try:
                code = int(item, 16)
            except ValueError:
                code = None
        if code not in SUITES:
            raise argparse.ArgumentTypeError("unknown or unimplemented suite %r" % item)
        out.append(code)
    return out


def main(argv):
    p = argparse.ArgumentParser(description="A scripted, deliberately misbehaving TLS 1.3 server.")
    p.add_argument("--cert", help="leaf certificate (PEM; more certificates in it are sent too)")
    p.add_argument("--key", help="the leaf's private key (PEM)")
    p.add_argument("--chain", help="intermediates to send after the leaf (PEM)")
    p.add_argument("--case", help="what to do wrong (see --list)")
    p.add_argument("--port-file", help="write the port number here (atomically)")
    p.add_argument("--count", type=int, default=1, help="connections to serve (default 1)")
    p.add_argument("--groups", type=parse_groups, default=[GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1],
                   dest="group_list", help="accepted key share groups in order of preference")
    p.add_argument("--suites", type=parse_suites, default=[0x1301, 0x1302, 0x1303], dest="suite_list",
                   help="cipher suites in order of preference (hex codes or names)")
    p.add_argument("--request-client-cert", action="store_true", help="send a CertificateRequest")
    p.add_argument("--log", help="log file (appended; default stderr)")
    p.add_argument("--list", action="store_true", help="print all case names and exit")
    args = p.parse_args(argv)

    if args.list:
        for name in CASES:
            print(name)
        return 0
    if not args.case or not args.cert or not args.key:
        p.error("--cert, --key and --case are required")
    if args.case not in CASES:
        p.error("unknown case %r (see --list)" % args.case)
    if args.count < 1:
        p.error("--count must be at least 1")

    log_file = open(args.log, "a", buffering=1) if args.log else sys.stderr
    start = time.monotonic()

    def log(text):
        log_file.write("[%7.3f] %s\n" % (time.monotonic() - start, text))
        log_file.flush()

    try:
        creds = Credentials(args.cert, args.key, args.chain)
    except (OSError, ValueError, TypeError) as e:
        log("cannot load credentials: %s" % e)
        return 2

    def out_of_time(signum, frame):
        log("lifetime of %d s is over, exiting" % LIFETIME)
        os._exit(3)

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(LIFETIME))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    if args.port_file:
        tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    log("case %s: listening on 127.0.0.1:%d for %d connection(s); cert %s (%s)%s"
        % (args.case, port, args.count, creds.subject, scheme_name(creds.schemes[0]),
           "" if creds.key_matches else "; WARNING: the key does not match the certificate"))
    print("listening %d" % port, flush=True)

    status = 0
    for number in range(1, args.count + 1):
        listener.settimeout(max(0.1, LIFETIME - (time.monotonic() - start)))
        try:
            sock, peer = listener.accept()
        except socket.timeout:
            log("no connection before the end of the lifetime")
            return 3
        sock.settimeout(READ_TIMEOUT)
        conn = Conn(sock, number, args, creds, CASES[args.case](), log)
        conn.log("accepted from %s:%d" % peer)
        conn.run()
        if conn.internal_error:
            status = 1
    listener.close()
    log("done")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
