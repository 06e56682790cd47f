"""Tests of certs/gen_anchors.py against certificates made by openssl.

Run: /usr/bin/python3 -m unittest discover -s tests/certs -p 'test_*.py' -v
"""

import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, HERE)
import certgen  # noqa: E402
from certgen import read_bytes, read_text  # noqa: E402

SRC = os.environ.get("MOOR_SRC") or os.path.dirname(os.path.dirname(HERE))
GEN = os.path.join(SRC, "certs", "gen_anchors.py")
CERTS_DIR = os.path.join(SRC, "certs")


def gen(*args):
    """Run the generator; returns (exit status, stdout, stderr)."""
    p = subprocess.run([sys.executable, GEN] + list(args), capture_output=True)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def c_arrays(text):
    """{name: bytes} for every `static const unsigned char NAME[N]` array."""
    out = {}
    for m in re.finditer(r"static const unsigned char (\w+)\[(\d+)\] = \{(.*?)\};", text, re.S):
        data = bytes(int(x, 16) for x in re.findall(r"0x([0-9A-F]{2})", m.group(3)))
        if len(data) != int(m.group(2)):
            raise AssertionError("array %s: %d bytes, declared %s"
                                 % (m.group(1), len(data), m.group(2)))
        out[m.group(1)] = data
    return out


def c_anchor_flags(text):
    """The flags field of each TAs[] entry, in order."""
    body = re.search(r"br_x509_trust_anchor TAs\[\d+\] = \{(.*?)\n\};", text, re.S).group(1)
    return re.findall(r"sizeof TA\d+_DN \},\s*\n\s*(BR_X509_TA_CA|0),", body)


def c_names(text):
    body = re.search(r"names\[\d+\] = \{(.*?)\};", text, re.S).group(1)
    return re.findall(r'^\t(".*"),$', body, re.M)


def c_unescape(lit):
    """Decode a C string literal as written by the generator."""
    s = lit[1:-1]
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == "\\":
            if s[i + 1] in "01234567":
                out.append(int(s[i + 1:i + 4], 8))
                i += 4
            else:
                out.append(ord(s[i + 1]))
                i += 2
        else:
            out.append(ord(s[i]))
            i += 1
    return out.decode("utf-8")


class GenAnchorsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not shutil.which(certgen.OPENSSL):
            raise unittest.SkipTest("openssl not found")
        cls.tmp = tempfile.mkdtemp(prefix="moor-certs-")
        cls.certs = certgen.make_certs(cls.tmp)
        cls.today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        p = self.path(name)
        with open(p, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        return p

    def generate(self, files, *extra, expect_rc=0):
        out = self.path("out_%d.c" % id(files))
        rc, so, se = gen("-o", out, "--now", self.today, *(list(extra) + list(files)))
        self.assertEqual(rc, expect_rc, "stdout:\n%s\nstderr:\n%s" % (so, se))
        text = read_text(out) if rc == 0 else ""
        return text, so, se

    # -------------------------------------------------------------
    def test_bundle_imports_every_certificate(self):
        names = ["rsa_ca", "ec256_ca", "ec384_ca", "pinned_leaf"]
        b = certgen.bundle(self.certs, names, self.path("bundle.pem"))
        text, so, se = self.generate([b])
        self.assertIn("const moor_anchors moor_builtin_anchors = { TAs, names, 4 };", text)
        arrays = c_arrays(text)
        # Each anchor's key must be exactly what openssl reports.
        for i, n in enumerate(names):
            c = self.certs[n]
            if c.key_type == "RSA":
                self.assertEqual(arrays["TA%d_RSA_N" % i], c.modulus, n)
                self.assertEqual(arrays["TA%d_RSA_E" % i], c.exponent, n)
            else:
                self.assertEqual(arrays["TA%d_EC_Q" % i], c.point, n)
            # The DN array is the encoded subject Name, found inside the
            # certificate as a whole SEQUENCE.
            self.assertIn(arrays["TA%d_DN" % i], c.der, n)
            self.assertEqual(arrays["TA%d_DN" % i][0], 0x30)
        self.assertIn("BR_EC_secp256r1", text)
        self.assertIn("BR_EC_secp384r1", text)
        self.assertEqual(c_anchor_flags(text), ["BR_X509_TA_CA"] * 3 + ["0"])
        self.assertEqual([c_unescape(x) for x in c_names(text)],
                         [self.certs[n].display for n in names])

    def test_printout_names_sizes_dates(self):
        names = ["rsa_ca", "ec256_ca", "ec384_ca"]
        b = certgen.bundle(self.certs, names, self.path("print.pem"))
        _, so, _ = self.generate([b])
        self.assertIn("3 anchors", so)
        lines = [l for l in so.splitlines() if re.match(r"\s+\[\d+\]", l)]
        self.assertEqual(len(lines), 3, so)
        for line, n, size in zip(lines, names, ["RSA-2048", "EC P-256", "EC P-384"]):
            c = self.certs[n]
            self.assertIn(c.display, line)
            self.assertIn(size, line)
            self.assertIn("notAfter " + c.not_after, line)
        self.assertIn("subject C=DE, O=moor tests, CN=moor Test RSA-2048 CA", so)

    def test_garbage_is_an_error(self):
        p = self.write("garbage.pem", "this is not a certificate\n")
        out = self.path("garbage.c")
        rc, _, se = gen("-o", out, p)
        self.assertEqual(rc, 1)
        self.assertRegex(se, r"^error: .*garbage\.pem: no certificate")
        self.assertFalse(os.path.exists(out))

    def test_binary_garbage_is_an_error(self):
        p = self.write("garbage.der", bytes([0x30, 0x82, 0x01, 0x00]) + b"\x17" * 40)
        _, _, se = self.generate([p], expect_rc=1)
        self.assertIn("garbage.der", se)
        self.assertIn("undecodable DER", se)

    def test_invalid_base64_is_an_error(self):
        good = self.certs["rsa_ca"].pem
        bad = "-----BEGIN CERTIFICATE-----\nMIIB!!notbase64$$\n-----END CERTIFICATE-----\n"
        p = self.write("badb64.pem", good + bad)
        _, _, se = self.generate([p], expect_rc=1)
        self.assertRegex(se, r"error: .*badb64\.pem.*certificate #2: invalid base64")

    def test_undecodable_der_is_an_error(self):
        der = self.certs["ec256_ca"].der
        import base64
        body = base64.b64encode(der[:len(der) - 20]).decode()
        p = self.write("shortder.pem", "-----BEGIN CERTIFICATE-----\n%s\n"
                       "-----END CERTIFICATE-----\n" % body)
        _, _, se = self.generate([p], expect_rc=1)
        self.assertRegex(se, r"shortder\.pem.*certificate #1: undecodable DER")

    def test_truncated_pem_is_an_error(self):
        second = self.certs["ec256_ca"].pem
        cut = second[:len(second) // 2]
        p = self.write("trunc.pem", self.certs["rsa_ca"].pem + cut)
        _, _, se = self.generate([p], expect_rc=1)
        self.assertRegex(se, r"trunc\.pem.*certificate #2: BEGIN CERTIFICATE without END")

    def test_unsupported_key_is_an_error(self):
        _, _, se = self.generate([self.certs["ed25519"].pem_path], expect_rc=1)
        self.assertRegex(se, r"ed25519\.pem.*certificate #1: unsupported key type Ed25519")

    def test_non_ca_warns_and_has_no_ca_flag(self):
        text, _, se = self.generate([self.certs["pinned_leaf"].pem_path])
        self.assertRegex(se, r"warning: .*pinned\.localhost.*not a CA")
        self.assertIn("directly", se)
        self.assertEqual(c_anchor_flags(text), ["0"])
        self.assertNotIn("BR_X509_TA_CA,", text)

    def test_duplicate_warns_and_is_imported_once(self):
        b = certgen.bundle(self.certs, ["rsa_ca", "ec256_ca", "rsa_ca"], self.path("dup.pem"))
        text, so, se = self.generate([b, self.certs["ec256_ca"].pem_path])
        self.assertEqual(se.count("duplicate"), 2, se)
        self.assertRegex(se, r"warning: dup\.pem #3: duplicate of dup\.pem #1")
        self.assertIn("{ TAs, names, 2 }", text)
        self.assertIn("2 anchors", so)

    def test_expiry_warning_with_now(self):
        p = self.certs["short"].pem_path          # valid ~400 days
        _, _, se = self.generate([p])
        self.assertRegex(se, r"warning: .*short-lived CA.*expires %s, within 2 years"
                         % self.certs["short"].not_after)
        ca = self.certs["rsa_ca"].pem_path        # valid 10 years: no warning
        _, _, se = self.generate([ca])
        self.assertNotIn("expires", se)
        # Two years before notAfter + a day: still no warning; a day later: warning.
        na = datetime.date.fromisoformat(self.certs["rsa_ca"].not_after)
        early = na.replace(year=na.year - 2) - datetime.timedelta(days=1)
        late = na.replace(year=na.year - 2) + datetime.timedelta(days=1)
        rc, _, se = gen("-o", self.path("e.c"), "--now", early.isoformat(), ca)
        self.assertEqual(rc, 0)
        self.assertNotIn("expires", se)
        rc, _, se = gen("-o", self.path("e.c"), "--now", late.isoformat(), ca)
        self.assertEqual(rc, 0)
        self.assertIn("expires", se)

    def test_expired_is_an_error_unless_allowed(self):
        p = self.certs["short"].pem_path
        out = self.path("exp.c")
        rc, _, se = gen("-o", out, "--now", "2099-01-01", p)
        self.assertEqual(rc, 1)
        self.assertIn("EXPIRED", se)
        self.assertFalse(os.path.exists(out))
        rc, _, se = gen("-o", out, "--now", "2099-01-01", "--allow-expired", p)
        self.assertEqual(rc, 0, se)
        self.assertRegex(se, r"warning: .*EXPIRED")
        self.assertIn("{ TAs, names, 1 }", read_text(out))

    def test_private_key_in_bundle_is_skipped(self):
        key = read_text(self.certs["ec256_ca"].key_path)
        p = self.write("withkey.pem", key + self.certs["ec256_ca"].pem)
        text, _, se = self.generate([p])
        self.assertRegex(se, r"warning: .*withkey\.pem:1: skipping a private key")
        self.assertIn("{ TAs, names, 1 }", text)

    def test_der_input(self):
        p = self.write("ca.der", self.certs["ec384_ca"].der)
        text, _, _ = self.generate([p])
        self.assertEqual(c_arrays(text)["TA0_EC_Q"], self.certs["ec384_ca"].point)

    def test_deterministic(self):
        b = certgen.bundle(self.certs, ["rsa_ca", "ec384_ca"], self.path("det.pem"))
        a1, a2 = self.path("det1.c"), self.path("det2.c")
        self.assertEqual(gen("-q", "-o", a1, "--now", "2027-01-01", b)[0], 0)
        self.assertEqual(gen("-q", "-o", a2, "--now", "2030-06-30", b)[0], 0)
        self.assertEqual(read_bytes(a1), read_bytes(a2))

    def test_empty_needs_flag(self):
        rc, _, _ = gen("-q")
        self.assertNotEqual(rc, 0)
        out = self.path("empty.c")
        rc, _, _ = gen("-q", "--empty", "-o", out)
        self.assertEqual(rc, 0)
        self.assertIn("{ NULL, NULL, 0 }", read_text(out))

    def test_repository_roots(self):
        """The shipped roots: the default set, and the expected sizes."""
        files = [os.path.join(CERTS_DIR, n + ".pem")
                 for n in ("isrg-root-x1", "isrg-root-x2", "globalsign-r3")]
        rc, so, se = gen("-o", self.path("default.c"), "--now", "2026-11-23", *files)
        self.assertEqual(rc, 0, se)
        self.assertIn("ISRG Root X1: RSA-4096, CA, notAfter 2035-06-04", so)
        self.assertIn("ISRG Root X2: EC P-384, CA, notAfter 2040-09-17", so)
        self.assertIn("GlobalSign: RSA-2048, CA, notAfter 2029-03-18", so)
        self.assertNotIn("warning", se)
        # GlobalSign R1 ends 2028-01-28: within two years of 2026-11-23.
        rc, _, se = gen("-o", self.path("r1.c"), "--now", "2026-11-23",
                        os.path.join(CERTS_DIR, "globalsign-r1.pem"))
        self.assertEqual(rc, 0)
        self.assertIn("expires 2028-01-28", se)
        # Every shipped PEM imports and matches openssl's view of its key.
        for f in sorted(os.listdir(CERTS_DIR)):
            if not f.endswith(".pem"):
                continue
            p = os.path.join(CERTS_DIR, f)
            out = self.path("repo_" + f + ".c")
            rc, _, se = gen("-q", "-o", out, "--now", "2026-11-23", p)
            self.assertEqual(rc, 0, f + ": " + se)
            c = certgen.Cert(f, p, None)
            certgen._describe(c)
            arrays = c_arrays(read_text(out))
            if c.key_type == "RSA":
                self.assertEqual(arrays["TA0_RSA_N"], c.modulus, f)
            else:
                self.assertEqual(arrays["TA0_EC_Q"], c.point, f)


if __name__ == "__main__":
    unittest.main()
