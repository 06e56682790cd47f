#!/usr/bin/python3
"""Split a callgrind profile's instructions by primitive.

    cg_split.py CALLGRIND_OUT [...]

Reads the callgrind output files of one run, in order (the dumps of
--dump-after share one table of compressed names), and prints one line per
file:

    total=N x25519=N p256=N rsa=N sha=N aesgcm=N x509=N tls13=N other=N

Every function is put in a category by the source file it comes from
(CATEGORIES below). Shared helpers (BearSSL's big-integer code, its
constant-time copies and byte codecs, the C library's memory functions)
belong to no category: what they cost is charged to the category of the
function that called them, through callgrind's inclusive cost of each
call. So "rsa" is the RSA public operations with the modular arithmetic
they run, and "p256" the P-256 operations with the ECDSA verification
around them (which also uses the big-integer code). The categories add up
to the total.

Python 3 standard library only.
"""

import os
import re
import sys

# category -> regex on the basename of the function's source file
CATEGORIES = [
    ("x25519", r"^ec_c25519_"),
    ("p256", r"^(ec_p256_|ecdsa_|ec_pubkey|ec_keygen|ec_small|ec_all_|ec_default)"),
    ("rsa", r"^(rsa_|rsa_pss\.c)"),
    ("sha", r"^(sha1|sha2small|sha2big|md5|multihash|hmac|hmac_drbg|hkdf)\.c$"),
    ("aesgcm", r"^(aes_|ghash_|gcm\.c|record\.c|chacha20_|poly1305_)"),
    ("x509", r"^(x509_minimal|x509_decoder|x509\.c|dn\.c)"),
    ("tls13", r"^(engine|msg|keysched|tls|io|platform|status)\.c$"),
]
# Shared helpers: charged to their caller's category. By source file, and
# by name (a function whose code callgrind files under a header, such as
# br_ccopy in inner.h, or a C library function without debug information).
HELPERS = r"^(i15_|i31_|i32_|i62_|ccopy|enc16|enc32|enc64|dec16|dec32|dec64|" \
          r"mem|str|__|\?\?\?)"
HELPER_NAMES = r"^(br_ccopy|br_i(15|31|32|62)_|br_(enc|dec)(16|32|64)|br_range_(enc|dec)|" \
               r"_?_?mem|str)"
ORDER = [c for c, _ in CATEGORIES] + ["other"]

RE_COMPRESSED = re.compile(r"^\((\d+)\)(?: (.*))?$")


def category(path, name):
    if "/port/" in (path or ""):
        return "other"     # the POSIX port: sockets, clock, entropy
    b = os.path.basename(path or "")
    if re.match(HELPERS, b) or re.match(HELPER_NAMES, name or ""):
        return None
    for cat, rx in CATEGORIES:
        if re.search(rx, b):
            return cat
    return "other"


def parse(path, names):
    """self[(file, fn)] and calls[((file, fn), (file, fn))] -> Ir.
    `names` holds the compressed names, kept from file to file."""
    kind_of = {"fl": "fl", "fi": "fl", "fe": "fl", "cfl": "fl", "cfi": "fl",
               "fn": "fn", "cfn": "fn", "ob": "ob", "cob": "ob"}
    self_cost, calls = {}, {}
    fl = fn = None
    cfl = cfn = None
    pending_call = False
    total = None

    def name(kind, value):
        m = RE_COMPRESSED.match(value)
        table = names[kind_of[kind]]
        if m:
            if m.group(2) is not None:
                table[m.group(1)] = m.group(2)
            return table.get(m.group(1), m.group(1))
        return value

    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                if len(parts) < 2:
                    continue
                cost = int(parts[1])
                if pending_call:
                    key = ((fl, fn), (cfl if cfl is not None else fl, cfn))
                    calls[key] = calls.get(key, 0) + cost
                    pending_call = False
                    cfl = None
                else:
                    self_cost[(fl, fn)] = self_cost.get((fl, fn), 0) + cost
                continue
            k, _, v = line.partition("=")
            if k == "fl":
                fl = name(k, v)
            elif k in ("fi", "fe"):
                name(k, v)   # inlined code: still the function's cost
            elif k == "fn":
                fn = name(k, v)
            elif k in ("cfl", "cfi"):
                cfl = name(k, v)
            elif k == "cfn":
                cfn = name(k, v)
            elif k == "calls":
                pending_call = True
            elif k in ("ob", "cob"):
                name(k, v)
            elif line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split(":")[1].split()[0])
    return self_cost, calls, total


def split(path, names):
    self_cost, calls, total = parse(path, names)
    out = dict.fromkeys(ORDER, 0)
    for (fl, fn), cost in self_cost.items():
        cat = category(fl, fn)
        if cat is not None:
            out[cat] += cost
    for ((fl, fn), (cfl, cfn)), cost in calls.items():
        cat = category(fl, fn)
        if cat is not None and category(cfl, cfn) is None:
            out[cat] += cost
    counted = sum(out.values())
    if total is None:
        total = counted
    # Helpers reached only from outside any category (none expected).
    out["other"] += total - counted
    return total, out


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    names = {"fl": {}, "fn": {}, "ob": {}}
    for p in argv[1:]:
        total, out = split(p, names)
        print("total=%d " % total + " ".join("%s=%d" % (c, out[c]) for c in ORDER))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
