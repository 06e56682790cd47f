#!/usr/bin/env python3
"""Compile PEM trust anchors into const BearSSL data for moor.

    gen_anchors.py [-o OUT.c] [--now YYYY-MM-DD] [--allow-expired]
                   [--symbol NAME] [--quiet] [--empty] FILE.pem...

Every certificate of every input file is imported (a bundle such as Redis
Cloud's redis_ca.pem yields all of its certificates). A file may also be a
single DER certificate. The output C file defines

    const moor_anchors moor_builtin_anchors = { TAs, names, N };

(--symbol picks another name) with every byte `const`, so the set lands in .rodata (flash). The output
depends only on the input bytes and the order of the files: the same input
always gives the same file.

For each anchor the tool prints its subject, key type and size and its
notAfter date.

Errors (exit status 1, nothing written): a file without any certificate,
invalid base64, a BEGIN line without its END line, DER that does not
decode, a key type BearSSL cannot use as an anchor (only RSA up to 4096
bits and EC P-256 / P-384 / P-521 with uncompressed points are accepted),
and an anchor that has already expired (unless --allow-expired).

Warnings (on stderr, starting with "warning:"): a certificate that is not
a CA (imported without BR_X509_TA_CA: it can then only match a server
certificate directly, i.e. it is pinned), a duplicate (same subject DN and
key: imported once), an anchor that expires within two years of --now
(default: today, UTC), an anchor not valid yet, an RSA key under 2048
bits, and PEM objects other than certificates (skipped).

Only the Python 3 standard library is used: the small DER reader below
understands just what an X.509 certificate needs.
"""

import argparse
import base64
import binascii
import datetime
import hashlib
import os
import re
import sys

# ---------------------------------------------------------------------
# Object identifiers we care about.

OID_RSA = "1.2.840.113549.1.1.1"
OID_EC = "1.2.840.10045.2.1"
OID_BASIC_CONSTRAINTS = "2.5.29.19"

# Named curve OID -> (BearSSL macro, display name, field size in bytes).
CURVES = {
    "1.2.840.10045.3.1.7": ("BR_EC_secp256r1", "P-256", 32),
    "1.3.132.0.34": ("BR_EC_secp384r1", "P-384", 48),
    "1.3.132.0.35": ("BR_EC_secp521r1", "P-521", 66),
}

# Key algorithms we recognize only to name them in an error message.
KNOWN_UNSUPPORTED_KEYS = {
    "1.2.840.113549.1.1.10": "RSASSA-PSS",
    "1.2.840.10040.4.1": "DSA",
    "1.3.101.110": "X25519",
    "1.3.101.111": "X448",
    "1.3.101.112": "Ed25519",
    "1.3.101.113": "Ed448",
    "1.2.643.7.1.1.1.1": "GOST R 34.10-2012",
}

# Attribute types printed by name (others as dotted OIDs).
ATTR_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.5": "serialNumber",
    "1.2.840.113549.1.9.1": "emailAddress",
    "0.9.2342.19200300.100.1.25": "DC",
}

# ASN.1 universal tag numbers.
T_BOOLEAN = 1
T_INTEGER = 2
T_BIT_STRING = 3
T_OCTET_STRING = 4
T_NULL = 5
T_OID = 6
T_SEQUENCE = 16
T_SET = 17
T_UTC_TIME = 23
T_GENERALIZED_TIME = 24

CLASS_UNIVERSAL = 0
CLASS_CONTEXT = 2

# Limits that keep a hostile input from costing anything.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DER_DEPTH = 32
MAX_RSA_BITS = 4096          # BR_MAX_RSA_SIZE in BearSSL 0.6
MIN_RSA_BITS_QUIET = 2048    # smaller keys are warned about
EXPIRY_WARN_YEARS = 2


class DerError(Exception):
    """The bytes are not the DER we expect."""


class InputError(Exception):
    """A problem with one input file; the message is shown to the user."""


# ---------------------------------------------------------------------
# A minimal DER reader.

class Node:
    """One decoded TLV: its identifier and where its bytes are."""

    __slots__ = ("buf", "cls", "constructed", "tag", "start", "vstart", "end", "depth")

    def __init__(self, buf, cls, constructed, tag, start, vstart, end, depth):
        self.buf = buf
        self.cls = cls
        self.constructed = constructed
        self.tag = tag
        self.start = start      # first byte of the identifier
        self.vstart = vstart    # first byte of the value
        self.end = end          # one past the last byte of the value
        self.depth = depth

    @property
    def value(self):
        return self.buf[self.vstart:self.end]

    @property
    def encoded(self):
        """The whole TLV (identifier, length and value)."""
        return self.buf[self.start:self.end]

    def reader(self):
        if not self.constructed:
            raise DerError("expected a constructed element")
        if self.depth >= MAX_DER_DEPTH:
            raise DerError("nesting too deep")
        return Reader(self.buf, self.vstart, self.end, self.depth + 1)

    def is_(self, cls, tag):
        return self.cls == cls and self.tag == tag


class Reader:
    """Walks the elements in buf[pos:end], one after the other."""

    def __init__(self, buf, pos, end, depth=0):
        self.buf = buf
        self.pos = pos
        self.end = end
        self.depth = depth

    def at_end(self):
        return self.pos >= self.end

    def _byte(self, what):
        if self.pos >= self.end:
            raise DerError("data ends inside " + what)
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def next(self):
        start = self.pos
        ident = self._byte("an identifier")
        cls = ident >> 6
        constructed = bool(ident & 0x20)
        tag = ident & 0x1F
        if tag == 0x1F:
            tag = 0
            for count in range(5):
                b = self._byte("a tag number")
                tag = (tag << 7) | (b & 0x7F)
                if not b & 0x80:
                    break
            else:
                raise DerError("tag number too long")
            if tag < 0x1F:
                raise DerError("tag number not minimally encoded")
        first = self._byte("a length")
        if first == 0x80:
            raise DerError("indefinite length (BER, not DER)")
        if first == 0xFF:
            raise DerError("reserved length byte 0xFF")
        if first & 0x80:
            n = first & 0x7F
            if n > 4:
                raise DerError("length field of %d bytes" % n)
            length = 0
            for i in range(n):
                length = (length << 8) | self._byte("a length")
            if length < 0x80 or (n > 1 and length < (1 << (8 * (n - 1)))):
                raise DerError("length not minimally encoded")
        else:
            length = first
        if length > self.end - self.pos:
            raise DerError("element of %d bytes but only %d left"
                           % (length, self.end - self.pos))
        vstart = self.pos
        self.pos += length
        return Node(self.buf, cls, constructed, tag, start, vstart, self.pos, self.depth)

    def peek(self):
        """The next element without consuming it (None at the end)."""
        if self.at_end():
            return None
        saved = self.pos
        node = self.next()
        self.pos = saved
        return node

    def expect(self, tag, what, cls=CLASS_UNIVERSAL):
        if self.at_end():
            raise DerError("missing " + what)
        node = self.next()
        if not node.is_(cls, tag):
            raise DerError("%s: unexpected tag (class %d, number %d)"
                           % (what, node.cls, node.tag))
        want_constructed = cls == CLASS_UNIVERSAL and tag in (T_SEQUENCE, T_SET)
        if cls == CLASS_UNIVERSAL and node.constructed != want_constructed:
            raise DerError("%s: wrong primitive/constructed bit" % what)
        return node

    def finish(self, what):
        if not self.at_end():
            raise DerError("unexpected data at the end of " + what)


def decode_oid(node):
    v = node.value
    if not v or v[-1] & 0x80:
        raise DerError("malformed OBJECT IDENTIFIER")
    arcs = []
    acc = 0
    fresh = True
    for b in v:
        if fresh and b == 0x80:
            raise DerError("OBJECT IDENTIFIER arc not minimally encoded")
        acc = (acc << 7) | (b & 0x7F)
        fresh = not b & 0x80
        if fresh:
            arcs.append(acc)
            acc = 0
    first = arcs[0]
    if first < 40:
        head = [0, first]
    elif first < 80:
        head = [1, first - 40]
    else:
        head = [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


def decode_unsigned_integer(node, what):
    """An INTEGER that must be positive, as big-endian bytes without
    leading zeros."""
    v = node.value
    if not v:
        raise DerError(what + ": empty INTEGER")
    if len(v) > 1 and ((v[0] == 0 and not v[1] & 0x80) or (v[0] == 0xFF and v[1] & 0x80)):
        raise DerError(what + ": INTEGER not minimally encoded")
    if v[0] & 0x80:
        raise DerError(what + ": negative INTEGER")
    v = v.lstrip(b"\x00")
    if not v:
        raise DerError(what + ": zero")
    return bytes(v)


def decode_boolean(node):
    if len(node.value) != 1 or node.value[0] not in (0x00, 0xFF):
        raise DerError("malformed BOOLEAN")
    return node.value[0] == 0xFF


def decode_time(node, what):
    try:
        s = node.value.decode("ascii")
    except UnicodeDecodeError:
        raise DerError(what + ": time is not ASCII")
    if node.is_(CLASS_UNIVERSAL, T_UTC_TIME):
        m = re.fullmatch(r"(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z", s)
        if not m:
            raise DerError(what + ": malformed UTCTime %r" % s)
        year = int(m.group(1))
        year += 1900 if year >= 50 else 2000
    elif node.is_(CLASS_UNIVERSAL, T_GENERALIZED_TIME):
        m = re.fullmatch(r"(\d\d\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z", s)
        if not m:
            raise DerError(what + ": malformed GeneralizedTime %r" % s)
        year = int(m.group(1))
    else:
        raise DerError(what + ": not a UTCTime or GeneralizedTime")
    parts = [int(m.group(i)) for i in range(2, 7)]
    sec = parts[4]
    # X.509 allows a leap second (60); datetime does not.
    if sec == 60:
        sec = 59
    try:
        return datetime.datetime(year, parts[0], parts[1], parts[2], parts[3], sec)
    except ValueError:
        raise DerError(what + ": impossible date %r" % s)


def decode_string(node):
    """An attribute value as text (best effort for display)."""
    v = node.value
    t = node.tag if node.cls == CLASS_UNIVERSAL else -1
    try:
        if t == 12:                       # UTF8String
            return v.decode("utf-8")
        if t in (18, 19, 22, 26):         # Numeric, Printable, IA5, Visible
            return v.decode("ascii")
        if t == 20:                       # T61String: in practice Latin-1
            return v.decode("latin-1")
        if t == 30:                       # BMPString
            return v.decode("utf-16-be")
        if t == 28:                       # UniversalString
            return v.decode("utf-32-be")
    except UnicodeDecodeError:
        pass
    return "#" + binascii.hexlify(node.encoded).decode("ascii")


def parse_name(node):
    """[(short name, text)] in the order the attributes appear."""
    out = []
    rdns = node.reader()
    while not rdns.at_end():
        rdn = rdns.expect(T_SET, "RelativeDistinguishedName").reader()
        if rdn.at_end():
            raise DerError("empty RelativeDistinguishedName")
        while not rdn.at_end():
            atv = rdn.expect(T_SEQUENCE, "AttributeTypeAndValue").reader()
            oid = decode_oid(atv.expect(T_OID, "attribute type"))
            if atv.at_end():
                raise DerError("attribute without a value")
            val = atv.next()
            atv.finish("AttributeTypeAndValue")
            out.append((ATTR_NAMES.get(oid, oid), decode_string(val)))
    return out


def format_name(attrs):
    return ", ".join("%s=%s" % (k, v) for k, v in attrs)


# ---------------------------------------------------------------------
# Certificates.

class Anchor:
    """What the output needs from one certificate."""

    def __init__(self):
        self.source = ""        # "file.pem #2" for messages
        self.dn = b""           # encoded subject Name (whole SEQUENCE)
        self.subject = []       # [(attr, text)]
        self.key_type = ""      # "RSA" or "EC"
        self.rsa_n = b""
        self.rsa_e = b""
        self.curve = None       # (macro, name, size)
        self.ec_q = b""
        self.is_ca = False
        self.has_basic_constraints = False
        self.version = 1
        self.not_before = None
        self.not_after = None
        self.sha256 = ""

    @property
    def display_name(self):
        for want in ("CN", "O"):
            for k, v in self.subject:
                if k == want:
                    return v
        return format_name(self.subject)

    @property
    def key_desc(self):
        if self.key_type == "RSA":
            return "RSA-%d" % rsa_bits(self.rsa_n)
        return "EC " + self.curve[1]

    def identity(self):
        if self.key_type == "RSA":
            key = ("RSA", self.rsa_n, self.rsa_e)
        else:
            key = ("EC", self.curve[0], self.ec_q)
        return (self.dn, key)


def rsa_bits(n):
    return (len(n) - 1) * 8 + n[0].bit_length()


def parse_spki(node, anchor):
    spki = node.reader()
    alg = spki.expect(T_SEQUENCE, "AlgorithmIdentifier").reader()
    oid = decode_oid(alg.expect(T_OID, "key algorithm"))
    params = alg.next() if not alg.at_end() else None
    alg.finish("AlgorithmIdentifier")
    bits = spki.expect(T_BIT_STRING, "subjectPublicKey")
    spki.finish("SubjectPublicKeyInfo")
    if not bits.value or bits.value[0] != 0:
        raise DerError("subjectPublicKey: BIT STRING with unused bits")
    key = bits.value[1:]
    if oid == OID_RSA:
        if params is not None and not (params.is_(CLASS_UNIVERSAL, T_NULL) and not params.value):
            raise DerError("rsaEncryption: parameters must be NULL")
        kr = Reader(key, 0, len(key), node.depth + 2)
        seq = kr.expect(T_SEQUENCE, "RSAPublicKey")
        kr.finish("RSA key")
        r = seq.reader()
        n = decode_unsigned_integer(r.expect(T_INTEGER, "RSA modulus"), "RSA modulus")
        e = decode_unsigned_integer(r.expect(T_INTEGER, "RSA exponent"), "RSA exponent")
        r.finish("RSAPublicKey")
        if not n[-1] & 1:
            raise DerError("RSA modulus is even")
        if not e[-1] & 1 or e == b"\x01" or len(e) > 4:
            raise DerError("RSA exponent is unusable")
        if rsa_bits(n) > MAX_RSA_BITS:
            raise InputError("unsupported key: RSA-%d (BearSSL handles RSA up to %d bits)"
                             % (rsa_bits(n), MAX_RSA_BITS))
        anchor.key_type = "RSA"
        anchor.rsa_n = n
        anchor.rsa_e = e
    elif oid == OID_EC:
        if params is None or not params.is_(CLASS_UNIVERSAL, T_OID):
            raise InputError("unsupported key: EC without a named curve")
        curve = decode_oid(params)
        if curve not in CURVES:
            raise InputError("unsupported key: EC curve %s (supported: P-256, P-384, P-521)"
                             % curve)
        size = CURVES[curve][2]
        if len(key) == 1 + size and key[0] in (2, 3):
            raise InputError("unsupported key: compressed EC point (BearSSL needs an uncompressed one)")
        if len(key) != 1 + 2 * size or key[0] != 4:
            raise DerError("EC %s point is not a %d-byte uncompressed point"
                           % (CURVES[curve][1], 1 + 2 * size))
        anchor.key_type = "EC"
        anchor.curve = CURVES[curve]
        anchor.ec_q = bytes(key)
    else:
        name = KNOWN_UNSUPPORTED_KEYS.get(oid, "OID " + oid)
        raise InputError("unsupported key type %s (BearSSL anchors are RSA or EC)" % name)


def parse_extensions(node, anchor):
    exts = node.reader().expect(T_SEQUENCE, "Extensions").reader()
    seen = set()
    while not exts.at_end():
        ext = exts.expect(T_SEQUENCE, "Extension").reader()
        oid = decode_oid(ext.expect(T_OID, "extnID"))
        if oid in seen:
            raise DerError("extension %s appears twice" % oid)
        seen.add(oid)
        nxt = ext.peek()
        if nxt is not None and nxt.is_(CLASS_UNIVERSAL, T_BOOLEAN):
            decode_boolean(ext.next())
        val = ext.expect(T_OCTET_STRING, "extnValue")
        ext.finish("Extension")
        if oid == OID_BASIC_CONSTRAINTS:
            anchor.has_basic_constraints = True
            vr = Reader(val.buf, val.vstart, val.end, val.depth + 1)
            bc = vr.expect(T_SEQUENCE, "BasicConstraints")
            vr.finish("basicConstraints")
            r = bc.reader()
            first = r.peek()
            if first is not None and first.is_(CLASS_UNIVERSAL, T_BOOLEAN):
                anchor.is_ca = decode_boolean(r.next())
            if not r.at_end():
                decode_unsigned_or_zero(r.expect(T_INTEGER, "pathLenConstraint"))
            r.finish("BasicConstraints")


def decode_unsigned_or_zero(node):
    v = node.value
    if not v or v[0] & 0x80:
        raise DerError("pathLenConstraint: malformed INTEGER")


def parse_certificate(der):
    anchor = Anchor()
    top = Reader(der, 0, len(der))
    cert = top.expect(T_SEQUENCE, "Certificate")
    top.finish("the certificate")
    c = cert.reader()
    tbs = c.expect(T_SEQUENCE, "tbsCertificate")
    c.expect(T_SEQUENCE, "signatureAlgorithm")
    c.expect(T_BIT_STRING, "signatureValue")
    c.finish("Certificate")

    t = tbs.reader()
    first = t.peek()
    if first is not None and first.is_(CLASS_CONTEXT, 0):
        vr = t.next().reader()
        ver = vr.expect(T_INTEGER, "version").value
        vr.finish("version")
        if len(ver) != 1 or ver[0] > 2:
            raise DerError("unknown certificate version")
        anchor.version = ver[0] + 1
    t.expect(T_INTEGER, "serialNumber")
    t.expect(T_SEQUENCE, "signature")
    parse_name(t.expect(T_SEQUENCE, "issuer"))
    validity = t.expect(T_SEQUENCE, "validity").reader()
    for field in ("notBefore", "notAfter"):
        if validity.at_end():
            raise DerError("missing " + field)
        setattr(anchor, "not_before" if field == "notBefore" else "not_after",
                decode_time(validity.next(), field))
    validity.finish("Validity")
    subject = t.expect(T_SEQUENCE, "subject")
    anchor.dn = bytes(subject.encoded)
    anchor.subject = parse_name(subject)
    parse_spki(t.expect(T_SEQUENCE, "subjectPublicKeyInfo"), anchor)
    while not t.at_end():
        node = t.next()
        if node.is_(CLASS_CONTEXT, 1) or node.is_(CLASS_CONTEXT, 2):
            continue                      # issuer/subject unique IDs
        if node.is_(CLASS_CONTEXT, 3):
            if anchor.version != 3:
                raise DerError("extensions in a v%d certificate" % anchor.version)
            parse_extensions(node, anchor)
            continue
        raise DerError("unexpected element in tbsCertificate")
    anchor.sha256 = hashlib.sha256(der).hexdigest()
    return anchor


# ---------------------------------------------------------------------
# PEM.

PEM_LINE = re.compile(r"^-----(BEGIN|END) ([A-Z0-9 ]*)-----\s*$")
CERT_LABELS = ("CERTIFICATE", "X509 CERTIFICATE")


def pem_objects(text, path):
    """Yield (label, der bytes, line number of BEGIN) for each PEM object.
    Text outside the objects (comments in bundles) is ignored."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        m = PEM_LINE.match(line)
        if m is None:
            if "-----BEGIN" in line or "-----END" in line:
                raise InputError("%s:%d: malformed PEM boundary line" % (path, i + 1))
            i += 1
            continue
        if m.group(1) == "END":
            raise InputError("%s:%d: END %s without a BEGIN line" % (path, i + 1, m.group(2)))
        label = m.group(2)
        begin = i + 1
        body = []
        i += 1
        while True:
            if i >= len(lines):
                yield (label, None, begin)   # truncated: the caller reports it
                return
            ln = lines[i].strip()
            m2 = PEM_LINE.match(ln)
            if m2 is not None:
                if m2.group(1) == "BEGIN":
                    yield (label, None, begin)
                    return
                if m2.group(2) != label:
                    raise InputError("%s:%d: BEGIN %s ended by END %s"
                                     % (path, begin, label, m2.group(2)))
                break
            body.append(ln)
            i += 1
        i += 1
        b64 = "".join(body)
        if not b64:
            raise InputError("%s:%d: empty PEM object" % (path, begin))
        try:
            der = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError):
            yield (label, b"", begin)        # invalid base64: the caller reports it
            continue
        yield (label, der, begin)


def load_file(path):
    """All anchors of one file, in order."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise InputError("%s: cannot read: %s" % (path, e.strerror))
    if len(data) > MAX_FILE_BYTES:
        raise InputError("%s: larger than %d bytes" % (path, MAX_FILE_BYTES))
    name = os.path.basename(path)
    anchors = []
    if b"-----BEGIN" not in data and data[:1] == b"\x30":
        # A single DER certificate.
        try:
            a = parse_certificate(data)
        except DerError as e:
            raise InputError("%s: certificate #1 (DER): undecodable DER: %s" % (path, e))
        except InputError as e:
            raise InputError("%s: certificate #1 (DER): %s" % (path, e))
        a.source = "%s #1" % name
        return anchors + [a]
    text = data.decode("latin-1")
    count = 0
    for label, der, line in pem_objects(text, path):
        if label not in CERT_LABELS:
            if der is None:
                raise InputError("%s:%d: BEGIN %s without END line (truncated PEM)"
                                 % (path, line, label))
            what = "a private key" if "PRIVATE KEY" in label else "a %s object" % label
            warn("%s:%d: skipping %s (only certificates are imported)" % (path, line, what))
            continue
        count += 1
        where = "%s:%d: certificate #%d" % (path, line, count)
        if der is None:
            raise InputError("%s: BEGIN CERTIFICATE without END line (truncated PEM)" % where)
        if not der:
            raise InputError("%s: invalid base64" % where)
        try:
            a = parse_certificate(der)
        except DerError as e:
            raise InputError("%s: undecodable DER: %s" % (where, e))
        except InputError as e:
            raise InputError("%s: %s" % (where, e))
        a.source = "%s #%d" % (name, count)
        anchors.append(a)
    if count == 0:
        raise InputError("%s: no certificate found (expected PEM with "
                         "-----BEGIN CERTIFICATE----- or one DER certificate)" % path)
    return anchors


# ---------------------------------------------------------------------
# Output.

def c_string(s):
    """A C99 string literal for s (UTF-8, non-ASCII as octal escapes;
    '?' escaped so no trigraph can form)."""
    out = ['"']
    for b in s.encode("utf-8"):
        ch = chr(b)
        if ch in '"\\?':
            out.append("\\" + ch)
        elif 0x20 <= b < 0x7F:
            out.append(ch)
        else:
            out.append("\\%03o" % b)
    out.append('"')
    return "".join(out)


def comment_safe(s):
    """Text that can sit inside a /* */ comment: printable ASCII only."""
    t = "".join(c if 0x20 <= ord(c) < 0x7F else "." for c in s)
    return t.replace("*/", "*_/").replace("/*", "/_*").replace("??", "?_")


def c_bytes(name, data):
    lines = ["static const unsigned char %s[%d] = {" % (name, len(data))]
    for i in range(0, len(data), 12):
        chunk = data[i:i + 12]
        lines.append("\t" + " ".join("0x%02X," % b for b in chunk))
    lines.append("};")
    return "\n".join(lines)


def render(anchors, inputs, symbol):
    out = []
    out.append("/*")
    out.append(" * Trust anchors compiled into flash. GENERATED by certs/gen_anchors.py:")
    out.append(" * do not edit; change MOOR_TRUST_ANCHORS and rebuild instead.")
    out.append(" * Inputs: " + comment_safe(" ".join(os.path.basename(p) for p in inputs)
                                         if inputs else "(none)"))
    out.append(" * Every object below is const, so the set lives in .rodata.")
    out.append(" */")
    out.append('#include "moor/x509.h"')
    out.append("")
    if not anchors:
        out.append("/* No anchors: only runtime anchors (moor_anchors_from_pem) can be used. */")
        out.append("const moor_anchors %s = { NULL, NULL, 0 };" % symbol)
        out.append("")
        return "\n".join(out)
    for i, a in enumerate(anchors):
        out.append("/* [%d] %s" % (i, comment_safe(format_name(a.subject))))
        out.append(" *     %s, %s, notAfter %s UTC, from %s" % (
            a.key_desc, "CA" if a.is_ca else "not a CA (direct match only)",
            a.not_after.strftime("%Y-%m-%d %H:%M:%S"), comment_safe(a.source)))
        out.append(" *     SHA-256 %s */" % a.sha256)
        out.append(c_bytes("TA%d_DN" % i, a.dn))
        if a.key_type == "RSA":
            out.append(c_bytes("TA%d_RSA_N" % i, a.rsa_n))
            out.append(c_bytes("TA%d_RSA_E" % i, a.rsa_e))
        else:
            out.append(c_bytes("TA%d_EC_Q" % i, a.ec_q))
        out.append("")
    out.append("/* BearSSL's structures hold non-const pointers; the casts only")
    out.append(" * satisfy the type, nothing ever writes through them. */")
    out.append("static const br_x509_trust_anchor TAs[%d] = {" % len(anchors))
    for i, a in enumerate(anchors):
        out.append("\t{")
        out.append("\t\t{ (unsigned char *)TA%d_DN, sizeof TA%d_DN }," % (i, i))
        out.append("\t\t%s," % ("BR_X509_TA_CA" if a.is_ca else "0"))
        out.append("\t\t{")
        if a.key_type == "RSA":
            out.append("\t\t\tBR_KEYTYPE_RSA,")
            out.append("\t\t\t{ .rsa = {")
            out.append("\t\t\t\t(unsigned char *)TA%d_RSA_N, sizeof TA%d_RSA_N," % (i, i))
            out.append("\t\t\t\t(unsigned char *)TA%d_RSA_E, sizeof TA%d_RSA_E," % (i, i))
            out.append("\t\t\t} }")
        else:
            out.append("\t\t\tBR_KEYTYPE_EC,")
            out.append("\t\t\t{ .ec = {")
            out.append("\t\t\t\t%s," % a.curve[0])
            out.append("\t\t\t\t(unsigned char *)TA%d_EC_Q, sizeof TA%d_EC_Q," % (i, i))
            out.append("\t\t\t} }")
        out.append("\t\t}")
        out.append("\t},")
    out.append("};")
    out.append("")
    out.append("static const char *const names[%d] = {" % len(anchors))
    for a in anchors:
        out.append("\t%s," % c_string(a.display_name))
    out.append("};")
    out.append("")
    out.append("const moor_anchors %s = { TAs, names, %d };" % (symbol, len(anchors)))
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------

def warn(msg):
    sys.stderr.write("warning: %s\n" % msg)


def add_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:                  # 29 February
        return d.replace(year=d.year + years, day=28)


def parse_date(s):
    try:
        return datetime.datetime.strptime(s, "%Y-%m-%d")
    except ValueError:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD, got %r" % s)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Compile PEM trust anchors into const BearSSL C data "
                    "(moor_builtin_anchors).")
    ap.add_argument("files", nargs="*", metavar="FILE",
                    help="PEM files (bundles allowed: every certificate is imported) "
                         "or single DER certificates")
    ap.add_argument("-o", "--output", metavar="OUT.c",
                    help="C file to write (default: standard output)")
    ap.add_argument("--now", type=parse_date, metavar="YYYY-MM-DD",
                    help="date for the expiry checks (default: today, UTC)")
    ap.add_argument("--allow-expired", action="store_true",
                    help="import expired anchors with a warning instead of failing")
    ap.add_argument("--empty", action="store_true",
                    help="allow no input files (writes an empty anchor set)")
    ap.add_argument("--symbol", default="moor_builtin_anchors", metavar="NAME",
                    help="name of the moor_anchors object to define "
                         "(default: moor_builtin_anchors)")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="print only warnings and errors")
    args = ap.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")

    if not args.files and not args.empty:
        ap.error("no input files (use --empty for an empty anchor set)")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", args.symbol):
        ap.error("--symbol must be a C identifier")
    now = args.now
    if now is None:
        today = datetime.datetime.now(datetime.timezone.utc).date()
        now = datetime.datetime(today.year, today.month, today.day)
    soon = add_years(now, EXPIRY_WARN_YEARS)

    anchors = []
    seen = {}
    try:
        for path in args.files:
            for a in load_file(path):
                ident = a.identity()
                if ident in seen:
                    first = seen[ident]
                    warn("%s: duplicate of %s (same subject and key): imported once"
                         % (a.source, first.source))
                    if a.is_ca and not first.is_ca:
                        first.is_ca = True
                    continue
                if a.not_after < now:
                    if not args.allow_expired:
                        raise InputError("%s (%s): EXPIRED on %s; remove it or pass "
                                         "--allow-expired" % (a.source, a.display_name,
                                                              a.not_after.strftime("%Y-%m-%d")))
                    warn("%s (%s): EXPIRED on %s: imported anyway (--allow-expired), but "
                         "chains ending at it will fail verification"
                         % (a.source, a.display_name, a.not_after.strftime("%Y-%m-%d")))
                elif a.not_after < soon:
                    warn("%s (%s): expires %s, within %d years of %s"
                         % (a.source, a.display_name, a.not_after.strftime("%Y-%m-%d"),
                            EXPIRY_WARN_YEARS, now.strftime("%Y-%m-%d")))
                if a.not_before.date() > now.date():
                    warn("%s (%s): not valid before %s" % (
                        a.source, a.display_name, a.not_before.strftime("%Y-%m-%d")))
                if not a.is_ca:
                    why = ("v%d certificate without basicConstraints" % a.version
                           if not a.has_basic_constraints else "basicConstraints cA is false")
                    warn("%s (%s): not a CA (%s): imported without BR_X509_TA_CA, so it "
                         "only matches a server certificate directly (pinning)"
                         % (a.source, a.display_name, why))
                if a.key_type == "RSA" and rsa_bits(a.rsa_n) < MIN_RSA_BITS_QUIET:
                    warn("%s (%s): weak key %s" % (a.source, a.display_name, a.key_desc))
                seen[ident] = a
                anchors.append(a)
    except InputError as e:
        sys.stderr.write("error: %s\n" % e)
        return 1

    text = render(anchors, args.files, args.symbol)
    if args.output:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        os.replace(tmp, args.output)
    else:
        sys.stdout.write(text)

    if not args.quiet:
        out = sys.stderr if not args.output else sys.stdout
        out.write("gen_anchors: %d anchor%s%s\n" % (
            len(anchors), "" if len(anchors) == 1 else "s",
            " -> " + args.output if args.output else ""))
        for i, a in enumerate(anchors):
            out.write("  [%d] %s: %s, %s, notAfter %s (%s)\n" % (
                i, a.display_name, a.key_desc, "CA" if a.is_ca else "not a CA",
                a.not_after.strftime("%Y-%m-%d"), a.source))
            out.write("      subject %s\n" % format_name(a.subject))
    return 0


if __name__ == "__main__":
    sys.exit(main())
