#!/usr/bin/python3
"""Worst-case stack depth of a call tree, from GCC's -fcallgraph-info=su.

GCC writes one .ci file per object (VCG text): a node per function with
its frame size as -fstack-usage counts it (saved registers, locals,
outgoing arguments), and an edge per call. Calls through a function
pointer go to the placeholder "__indirect_call"; this module resolves
them with INDIRECT below, a table of what each such caller can reach in
moor and BearSSL 0.6 (vtables of hashes, X.509 engines, EC, RSA, AES,
GHASH, transports, platform hooks).

On Cortex-M a call pushes nothing by itself (the return address is in
LR, saved by the callee's prologue and counted in its frame), so the
depth of a path is the sum of the frames on it. Interrupts are not
counted.

Functions that are called but have no .ci node (the C library, libgcc)
are listed; their frames are estimated from their prologue in the linked
ELF when an objdump is given (push {..} and sub sp, #n), else counted 0.

Used by size_report.py; also a command:

  stack_usage.py BUILD_DIR ROOT [--map MAP] [--elf ELF --objdump OBJDUMP]

Python 3 standard library only.
"""

import os
import re
import subprocess
import sys

# Indirect calls: caller function -> regexes of the functions it may call
# through a pointer. Names are matched without their file prefix. A caller
# missing from this table makes its indirect calls "unresolved" (listed in
# the report, counted 0).
HASH = r"br_(sha1|sha224|sha256|sha384|sha512|md5)_(init|update|out|state|set_state)"
X509_MOOR = r"xw_(start_chain|start_cert|append|end_cert|end_chain|get_pkey)"
EC = r"small_(generator|order|xoff|mul|mulgen|muladd)"
TRANSPORT = r"(ref|null|replay)_(send|recv|flush|wait|close)"
PLATFORM = r"(ref|replay)_(now_ms|wall_time|entropy|log)"
AES_CTR = r"br_aes_\w+_ctr_(init|run)"
GHASH = r"br_ghash_\w+"
CHAPOL = r"br_(chacha20_ct_run|poly1305_ctmul\w*_run)"
DRBG = r"br_hmac_drbg_(init|generate|update)"

INDIRECT = {
    # moor: the session, the TLS 1.3 engine, the X.509 glue
    "moor_tls_handshake": [TRANSPORT, PLATFORM],
    "handle_msg": [EC, r"br_ecdsa_i(15|31)_vrfy_asn1"],
    "advance": [r"(ref|replay)_sign", r"br_ecdsa_i(15|31)_sign_asn1"],
    "cert_begin": ["xw_start_chain"],
    "on_certificate_end": ["xw_end_chain", "xw_get_pkey"],
    "cv_content_hash": [HASH],
    "moor_tls13_ks_init": [HASH],
    "moor_tls13_cert_parser_push": ["xw_start_cert", "xw_append", "xw_end_cert"],
    "moor_tls13_rec_init_keys": [AES_CTR],
    "aead_run": [AES_CTR, GHASH, CHAPOL],
    "moor_rsa_pss_verify": [HASH, r"br_rsa_i(15|31|32|62)_public"],
    "moor_rsa_pss_sign": [HASH, r"br_rsa_i(15|31|32|62)_private"],
    "pss_hash_mprime": [HASH],
    "pss_mgf1_xor": [HASH],
    "moor_tls_init": [PLATFORM],
    "run_handshake": [TRANSPORT, PLATFORM],
    "pump": [TRANSPORT],
    "tls_wait": [TRANSPORT, PLATFORM],
    "tls_close": [TRANSPORT],
    "validation_time": [PLATFORM],
    "moor_log": [PLATFORM],
    "moor_ms_left": [PLATFORM],
    "moor_io_flush": [TRANSPORT, PLATFORM],
    "moor_tls13_init": [PLATFORM],
    "now_ms": [PLATFORM],
    "moor_tls13_start": [PLATFORM, EC, DRBG],
    "make_share": [EC],
    "xw_start_chain": ["xm_start_chain"],
    "xw_start_cert": ["xm_start_cert"],
    "xw_append": ["xm_append"],
    "xw_end_cert": ["xm_end_cert"],
    "xw_end_chain": ["xm_end_chain"],
    "xw_get_pkey": ["xm_get_pkey"],
    "moor_x509_verify_chain": [X509_MOOR],
    # BearSSL
    "br_hmac_init": [HASH],
    "process_key": [HASH],
    "br_hmac_key_init": [HASH],
    "br_hmac_update": [HASH],
    "br_hmac_out": [HASH],
    "br_hmac_outCT": [HASH],
    "br_hmac_drbg_init": [DRBG, HASH],
    "br_hmac_drbg_generate": [HASH],
    "br_hmac_drbg_update": [HASH],
    "br_hkdf_init": [HASH],
    "br_hkdf_inject": [HASH],
    "br_hkdf_flip": [HASH],
    "br_hkdf_produce": [HASH],
    "br_multihash_init": [HASH],
    "br_multihash_update": [HASH],
    "br_multihash_out": [HASH],
    "br_ec_keygen": [EC, DRBG],
    "br_ec_compute_pub": [EC],
    "br_ecdsa_i31_vrfy_raw": [EC],
    "br_ecdsa_i15_vrfy_raw": [EC],
    "br_ecdsa_i31_sign_raw": [EC, HASH],
    "br_ecdsa_i15_sign_raw": [EC, HASH],
    "br_ecdsa_i31_vrfy_asn1": [],
    "br_ecdsa_i15_vrfy_asn1": [],
    "small_generator": ["api_generator"],
    "small_order": ["api_order"],
    "small_xoff": ["api_xoff"],
    "small_mul": ["api_mul"],
    "small_mulgen": ["api_mulgen"],
    "small_muladd": ["api_muladd"],
    "br_gcm_init": [AES_CTR, GHASH],
    "br_gcm_reset": [AES_CTR, GHASH],
    "br_gcm_aad_inject": [GHASH],
    "br_gcm_flip": [GHASH],
    "br_gcm_run": [AES_CTR, GHASH],
    "br_gcm_get_tag": [AES_CTR, GHASH],
    "br_gcm_check_tag": [AES_CTR, GHASH],
    "hash_dn": [HASH],
    "verify_signature": [r"br_rsa_i(15|31|32|62)_pkcs1_vrfy", r"br_ecdsa_i(15|31)_vrfy_asn1"],
    "br_x509_minimal_run": [HASH],
    "br_x509_decoder_run": [],
    "br_rsa_i31_pkcs1_vrfy": [],
    "br_rsa_pkcs1_sig_unpad": [],
    "br_poly1305_ctmul32_run": [r"br_chacha20_\w+_run"],
    "br_poly1305_ctmul_run": [r"br_chacha20_\w+_run"],
    "br_poly1305_i15_run": [r"br_chacha20_\w+_run"],
}

# What only a client certificate reaches (signing our CertificateVerify):
# analyse(..., skip=CLIENT_AUTH) gives the depth without it.
CLIENT_AUTH = [r"br_ecdsa_i(15|31)_sign_asn1", r"br_rsa_i(15|31|32|62)_private",
               r"moor_rsa_pss_sign"]

RE_NODE = re.compile(r'^node: \{ title: "([^"]*)" label: "([^"]*)"(.*)\}\s*$')
RE_EDGE = re.compile(r'^edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"'
                     r'(?: label: "([^"]*)")?')
RE_BYTES = re.compile(r"\\n(\d+) bytes \(([\w,]+)\)")


def base(name):
    """Function name without the file prefix of static functions."""
    return name.rsplit(":", 1)[-1]


def plain(name):
    """Base name without GCC's clone suffixes (.isra.0, .constprop.1)."""
    return re.sub(r"\.(isra|constprop|part|cold)(\.\d+)?", "", base(name))


class Graph:
    def __init__(self):
        self.frame = {}      # title -> bytes
        self.kind = {}       # title -> static / dynamic / dynamic,bounded
        self.where = {}      # title -> source file of its object
        self.calls = {}      # title -> list of (callee title, site)
        self.by_base = {}    # base name -> [titles]

    def load_dir(self, top):
        for dirpath, _, files in os.walk(top):
            for f in sorted(files):
                if f.endswith(".ci"):
                    self.load(os.path.join(dirpath, f))

    def load(self, path):
        unit = ""
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("graph: {"):
                    t = re.search(r'title: "([^"]*)"', line)
                    unit = t.group(1) if t else ""
                    continue
                m = RE_NODE.match(line)
                if m:
                    title, label = m.group(1), m.group(2)
                    b = RE_BYTES.search(label)
                    if b is None:
                        continue     # a declaration, defined elsewhere
                    if title in self.frame:
                        continue     # same object seen twice (another target)
                    self.frame[title] = int(b.group(1))
                    self.kind[title] = b.group(2)
                    self.where[title] = unit   # the object's source file
                    self.by_base.setdefault(base(title), []).append(title)
                    self.calls.setdefault(title, [])
                    continue
                m = RE_EDGE.match(line)
                if m:
                    src, dst, site = m.group(1), m.group(2), m.group(3) or ""
                    lst = self.calls.setdefault(src, [])
                    if (dst, site) not in lst:
                        lst.append((dst, site))


def worst_path(g, root, linked_files=None, extern_frame=None, skip=None):
    """(depth, path, unresolved, externs): the deepest path from root.

    path is a list of (title, frame). `linked_files` (source file names
    of the objects in the image, e.g. "ec_p256_m31.c") keeps the analysis
    to functions the image has; `extern_frame` gives the frame of
    functions without a .ci node (by name)."""
    extern_frame = extern_frame or {}
    skip_re = [re.compile("^" + p + "$") for p in (skip or [])]
    patterns = {k: [re.compile("^" + p + "$") for p in v] for k, v in INDIRECT.items()}
    unresolved = set()
    externs = set()
    memo = {}
    active = set()

    def in_image(title):
        if any(p.match(plain(title)) for p in skip_re):
            return False
        return linked_files is None or \
            os.path.basename(g.where.get(title, "")) in linked_files

    def targets_of_indirect(title):
        pats = patterns.get(plain(title))
        if pats is None:
            unresolved.add(title)
            return []
        out = []
        for b, titles in g.by_base.items():
            if any(p.match(b) for p in pats):
                out.extend(t for t in titles if in_image(t))
        return out

    def resolve(name, caller):
        if name in g.frame:
            return [name]
        # a global called by name, or a static of the same file
        cands = [c for c in g.by_base.get(base(name), []) if in_image(c)]
        if len(cands) == 1:
            return cands
        same = [c for c in cands if g.where.get(c) == g.where.get(caller)]
        if same:
            return same[:1]
        return cands

    def depth(title):
        if title in memo:
            return memo[title]
        if title in active:
            raise SystemExit("stack_usage: recursion through %s" % title)
        active.add(title)
        best, best_path = 0, []
        for callee, _site in g.calls.get(title, []):
            if callee == "__indirect_call":
                cands = targets_of_indirect(title)
            else:
                cands = resolve(callee, title)
                if not cands:
                    externs.add(callee)
                    d = extern_frame.get(callee, 0)
                    if d > best:
                        best, best_path = d, [(callee, d)]
                    continue
            for c in cands:
                if c == title:
                    continue
                d, p = depth(c)
                if d > best:
                    best, best_path = d, p
        active.discard(title)
        own = g.frame.get(title, 0)
        memo[title] = (own + best, [(title, own)] + best_path)
        return memo[title]

    roots = resolve(root, root)
    if not roots:
        raise SystemExit("stack_usage: no .ci node for %s" % root)
    d, p = depth(roots[0])
    return d, p, sorted(unresolved), sorted(externs)


def map_files(map_path):
    """Source file names of the objects a GNU ld map says were linked."""
    files = set()
    with open(map_path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            for m in re.finditer(r"([\w.+-]+\.c)\.(?:obj|o)\)?\s*$", line):
                files.add(m.group(1))
    return files


RE_FN = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
RE_PUSH = re.compile(r"\bpush(?:\.w)?\s+\{([^}]*)\}")
RE_SUB = re.compile(r"\bsub(?:\.w|w)?\s+sp,\s*(?:sp,\s*)?#(\d+)")


def prologue_frames(objdump, elf, names):
    """Frame estimates from the prologues of `names` in the ELF."""
    if not objdump or not elf or not names:
        return {}
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], check=True,
                         capture_output=True, text=True).stdout
    frames, cur, n_insn = {}, None, 0
    for line in out.splitlines():
        m = RE_FN.match(line)
        if m:
            cur = m.group(1) if m.group(1) in names else None
            n_insn = 0
            if cur:
                frames[cur] = 0
            continue
        if cur is None:
            continue
        n_insn += 1
        if n_insn > 8:
            cur = None
            continue
        m = RE_PUSH.search(line)
        if m:
            regs = 0
            for r in m.group(1).split(","):
                r = r.strip()
                if "-" in r:
                    a, b = r.split("-")
                    regs += int(b.strip()[1:]) - int(a.strip()[1:]) + 1
                elif r:
                    regs += 1
            frames[cur] += 4 * regs
            continue
        m = RE_SUB.search(line)
        if m:
            frames[cur] += int(m.group(1))
    return frames


def analyse(build_dir, root, map_path=None, objdump=None, elf=None, skip=None):
    """Everything the report needs: a dict."""
    g = Graph()
    g.load_dir(build_dir)
    linked = map_files(map_path) if map_path else None
    _, _, _, externs = worst_path(g, root, linked)
    ext = prologue_frames(objdump, elf, set(externs))
    d, p, unresolved, externs = worst_path(g, root, linked, ext, skip)
    dynamic = [t for t, _ in p if "dynamic" in g.kind.get(t, "")]
    return {"depth": d, "path": p, "unresolved": unresolved, "externs": externs,
            "extern_frames": ext, "dynamic": dynamic, "where": g.where}


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build_dir")
    ap.add_argument("root")
    ap.add_argument("--map", help="linker map: only what the image links counts")
    ap.add_argument("--elf", help="the image, for the frames of library functions")
    ap.add_argument("--objdump")
    ap.add_argument("--no-client-auth", action="store_true",
                    help="leave out what only signing with a client key reaches")
    args = ap.parse_args()
    r = analyse(args.build_dir, args.root, args.map, args.objdump, args.elf,
                CLIENT_AUTH if args.no_client_auth else None)
    print("worst case from %s: %d bytes" % (args.root, r["depth"]))
    for t, f in r["path"]:
        print("  %6d  %s" % (f, t))
    if r["unresolved"]:
        print("unresolved indirect calls in: " + ", ".join(r["unresolved"]))
    if r["externs"]:
        print("no .ci node (frame from the prologue): " + ", ".join(
            "%s=%s" % (e, r["extern_frames"].get(e, "?")) for e in r["externs"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
