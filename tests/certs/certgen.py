"""Test certificates for the gen_anchors tests, made with the openssl CLI.

make_certs(dir) writes fresh keys and certificates into `dir` and returns a
dict name -> Cert. Nothing here parses DER: every expected value comes from
openssl's own text output, so the tests compare gen_anchors.py against an
independent implementation.
"""

import os
import re
import shutil
import subprocess

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"

CONFIG = """\
[req]
distinguished_name = dn
prompt = no
string_mask = utf8only
utf8 = yes
[dn]
CN = unused
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
"""


class Cert:
    """One generated certificate and what openssl says about it."""

    def __init__(self, name, pem_path, key_path):
        self.name = name            # short name used by the tests
        self.pem_path = pem_path
        self.key_path = key_path
        self.pem = ""
        self.der = b""
        self.key_type = ""          # "RSA" or "EC"
        self.bits = 0
        self.curve = ""             # "P-256", "P-384"
        self.modulus = b""          # RSA n, no leading zero
        self.exponent = b""         # RSA e
        self.point = b""            # EC uncompressed point
        self.not_after = ""         # YYYY-MM-DD
        self.is_ca = False
        self.display = ""           # CN, or O if no CN


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def run(args, **kw):
    return subprocess.run([OPENSSL] + args, check=True, capture_output=True, **kw)


def _newkey(kind):
    if kind == "rsa2048":
        return ["-newkey", "rsa:2048"]
    if kind == "p256":
        return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    if kind == "p384":
        return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]
    if kind == "ed25519":
        return ["-newkey", "ed25519"]
    raise ValueError(kind)


def _describe(c):
    c.pem = read_text(c.pem_path)
    c.der = run(["x509", "-in", c.pem_path, "-outform", "DER"]).stdout
    text = run(["x509", "-in", c.pem_path, "-noout", "-text"]).stdout.decode()
    end = run(["x509", "-in", c.pem_path, "-noout", "-enddate", "-dateopt", "iso_8601"]).stdout
    m = re.search(rb"notAfter=(\d{4}-\d\d-\d\d)", end)
    c.not_after = m.group(1).decode()
    c.is_ca = "CA:TRUE" in text
    if "rsaEncryption" in text:
        c.key_type = "RSA"
        mod = run(["x509", "-in", c.pem_path, "-noout", "-modulus"]).stdout.decode()
        c.modulus = bytes.fromhex(mod.strip().split("=", 1)[1]).lstrip(b"\x00")
        m = re.search(r"Public-Key: \((\d+) bit\)", text)
        c.bits = int(m.group(1))
        m = re.search(r"Exponent: \d+ \(0x([0-9a-f]+)\)", text)
        h = m.group(1)
        c.exponent = bytes.fromhex(("0" + h) if len(h) % 2 else h)
    elif "id-ecPublicKey" in text:
        c.key_type = "EC"
        m = re.search(r"NIST CURVE: (P-\d+)", text)
        c.curve = m.group(1)
        pub = run(["x509", "-in", c.pem_path, "-noout", "-pubkey"]).stdout
        t = run(["pkey", "-pubin", "-noout", "-text"], input=pub).stdout.decode()
        m = re.search(r"pub:\s*\n((?:\s+[0-9a-f:]+\n)+)", t)
        c.point = bytes.fromhex(re.sub(r"[\s:]", "", m.group(1)))
    else:
        c.key_type = "other"


def _subject_display(subj_args):
    fields = dict(p.split("=", 1) for p in subj_args.strip("/").split("/"))
    return fields.get("CN") or fields.get("O")


def make_certs(d):
    """Create the test certificates in d. Returns {name: Cert}."""
    os.makedirs(d, exist_ok=True)
    cfg = os.path.join(d, "openssl.cnf")
    with open(cfg, "w") as f:
        f.write(CONFIG)
    certs = {}

    def self_signed(name, kind, subj, ext="v3_ca", days="3650"):
        c = Cert(name, os.path.join(d, name + ".pem"), os.path.join(d, name + ".key"))
        run(["req", "-x509", "-config", cfg, "-utf8", "-nodes"] + _newkey(kind) +
            ["-keyout", c.key_path, "-out", c.pem_path, "-subj", subj,
             "-days", days, "-extensions", ext, "-sha256"])
        _describe(c)
        c.display = _subject_display(subj)
        certs[name] = c
        return c

    def issued(name, kind, subj, issuer, ext="v3_leaf"):
        c = Cert(name, os.path.join(d, name + ".pem"), os.path.join(d, name + ".key"))
        csr = os.path.join(d, name + ".csr")
        run(["req", "-new", "-config", cfg, "-utf8", "-nodes"] + _newkey(kind) +
            ["-keyout", c.key_path, "-out", csr, "-subj", subj])
        run(["x509", "-req", "-in", csr, "-CA", issuer.pem_path, "-CAkey", issuer.key_path,
             "-set_serial", "0x%x" % (len(certs) + 1000), "-days", "825",
             "-extfile", cfg, "-extensions", ext, "-sha256", "-out", c.pem_path])
        _describe(c)
        c.display = _subject_display(subj)
        certs[name] = c
        return c

    rsa = self_signed("rsa_ca", "rsa2048", "/C=DE/O=moor tests/CN=moor Test RSA-2048 CA")
    ec256 = self_signed("ec256_ca", "p256", "/O=moor tests/CN=moor Test P-256 CA")
    # No CN (the name falls back to O); a UTF-8 O with a quote and a
    # would-be trigraph, to exercise the C string escaping.
    self_signed("ec384_ca", "p384", "/C=FR/O=m\u00f6\u00f6r \"P-384\" ??= CA")
    # A non-CA server certificate (pinning case), self-signed.
    self_signed("pinned_leaf", "p256", "/CN=pinned.localhost", ext="v3_leaf")
    # Leaves for the chain test (never in the bundle).
    issued("leaf_rsa", "rsa2048", "/CN=leaf-rsa.localhost", rsa)
    issued("leaf_ec384", "p256", "/CN=leaf-ec384.localhost", certs["ec384_ca"])
    issued("leaf_of_pinned", "p256", "/CN=below-pinned.localhost", certs["pinned_leaf"])
    self_signed("stranger", "p256", "/CN=stranger CA")
    self_signed("ed25519", "ed25519", "/CN=ed25519 CA")
    self_signed("short", "p256", "/CN=short-lived CA", days="400")
    del ec256
    return certs


def bundle(certs, names, path, comments=True):
    """Concatenate certificates (with bundle-style comment lines)."""
    with open(path, "w") as f:
        for n in names:
            if comments:
                f.write("# %s\n\n" % n)
            f.write(certs[n].pem)
            if comments:
                f.write("\n")
    return path
