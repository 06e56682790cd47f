#!/usr/bin/python3
"""Code-size report for moor from a GNU ld linker map.

Reads the map of a firmware linked with --gc-sections (only what was kept
is listed in the map's "Linker script and memory map" part) and attributes
the bytes of every input section to its module:

  moor: <object>        one row per object of moor's own libraries
                        (libmoor.a, libmoor_anchors.a, ...), a subtotal each
  bearssl: <object>     one row per BearSSL object, with a BearSSL subtotal
  board: <object>       objects linked directly (main, startup)
  newlib/libgcc         the C library and compiler runtime, per archive
  (alignment fill)      padding the linker inserted

Bytes are counted by the output section they land in: .text (code and
vectors), .rodata (constants, stays in flash), .data (initialized RAM,
also costs its initial image in flash), .bss (zeroed RAM).

The table is printed and, with --doc, written into a Markdown file as the
section for --target, keeping the sections of other targets.

With --image tls13 the map is the TLS 1.3-only image (main13.c) and the
section (key TARGET-tls13) also has: the code by function against the
flash goal of issue 3, the RAM of the session from an object compiled for
the target (--sizes-obj, read with --nm), and the worst-case stack of the
handshake from GCC's call graph (--callgraph BUILD_DIR, stack_usage.py).

Python 3 standard library only.
"""

import argparse
import fcntl
import os
import re
import subprocess
import sys

KINDS = ("text", "rodata", "data", "bss")

# Output section -> kind. Sections not listed are not loaded (debug info,
# attributes) unless their name says otherwise (see classify_output).
OUTPUT_KIND = {
    ".isr_vector": "text", ".vectors": "text", ".text": "text",
    ".init": "text", ".fini": "text",
    ".rodata": "rodata", ".ARM.extab": "rodata", ".ARM.exidx": "rodata",
    ".init_array": "rodata", ".fini_array": "rodata",
    ".preinit_array": "rodata",
    ".data": "data", ".ramfunc": "data",
    ".bss": "bss", ".noinit": "bss", ".heap": "bss", ".stack": "bss",
}

TOOLCHAIN_ARCHIVES = re.compile(
    r"^lib(c|c_nano|g|g_nano|gcc|m|nosys|rdimon|rdimon_nano|stdc\+\+|supc\+\+)\.a$")

CPU_TITLES = {
    "m0plus": "Cortex-M0+",
    "m4f": "Cortex-M4F",
    "m33": "Cortex-M33",
}
TARGET_ORDER = ["m0plus", "m4f", "m33"]

# Goals of issue 3 item 11 for the TLS 1.3-only client.
TEXT_GOAL = 40 * 1024     # .text on Cortex-M4
RAM_GOAL = 6 * 1024       # session + buffers, 1 KiB records
STACK_GOAL = 4 * 1024     # peak stack of the handshake
COMPARABLES = "wolfSSL tinytls13 61 KiB, mbedTLS 4.1 71 KiB"

# What each object of moor's library does.
MOOR_ROLES = {
    "engine.c": "TLS 1.3 engine",
    "msg.c": "TLS 1.3 message codec",
    "keysched.c": "TLS 1.3 key schedule",
    "record.c": "TLS 1.3 record protection",
    "tls.c": "session driver",
    "x509.c": "X.509 glue",
    "rsa_pss.c": "RSA-PSS",
    "ec_small.c": "EC: X25519 + P-256 dispatch",
    "credentials.c": "client credentials",
    "pem.c": "PEM",
    "der.c": "DER",
    "dn.c": "DN formatting",
    "anchors.c": "anchors from PEM",
    "mode.c": "ssl mode names",
    "io.c": "I/O helpers",
    "platform.c": "platform helpers",
    "status.c": "status names",
    "resp.c": "RESP codec",
}

# The TLS 1.3-only image by function: (name, group, object regex).
FUNCTIONS = [
    ("moor: TLS 1.3 engine", "lib:moor", r"^engine\.c$"),
    ("moor: TLS 1.3 message codec", "lib:moor", r"^msg\.c$"),
    ("moor: TLS 1.3 key schedule", "lib:moor", r"^keysched\.c$"),
    ("moor: TLS 1.3 record protection", "lib:moor", r"^record\.c$"),
    ("moor: X.509 glue", "lib:moor", r"^x509\.c$"),
    ("moor: RSA-PSS", "lib:moor", r"^rsa_pss\.c$"),
    ("moor: session driver, I/O, EC dispatch, other", "lib:moor", r""),
    ("trust anchors", "lib:moor_anchors", r""),
    ("BearSSL: X.509 (x509_minimal, x509_decoder)", "bearssl", r"^x509_"),
    ("BearSSL: P-256", "bearssl", r"^ec_p256_"),
    ("BearSSL: X25519", "bearssl", r"^ec_c25519_"),
    ("BearSSL: ECDSA, curve tables, EC glue", "bearssl", r"^(ecdsa_|ec_)"),
    ("BearSSL: RSA and big integers", "bearssl", r"^(rsa_|i\d\d_)"),
    ("BearSSL: SHA-224/256", "bearssl", r"^sha2small"),
    ("BearSSL: SHA-384/512", "bearssl", r"^sha2big"),
    ("BearSSL: HMAC, HMAC_DRBG, HKDF, multihash", "bearssl", r"^(hmac|hkdf|multihash)"),
    ("BearSSL: AES-GCM", "bearssl", r"^(aes_|ghash_|gcm)"),
    ("BearSSL: ChaCha20-Poly1305", "bearssl", r"^(chacha20_|poly1305_)"),
    ("BearSSL: other", "bearssl", r""),
    ("newlib/libgcc", "toolchain", r""),
    ("board (startup, stand-ins)", "board", r""),
    ("(alignment fill)", "fill", r""),
]

# Linked into the TLS 1.3-only image but not used by its configuration.
UNUSED = [
    ("ChaCha20-Poly1305 (MOOR_CONFIG_TLS_CHACHA20=0; record.c references it)",
     r"^(chacha20_ct|poly1305_ctmul|poly1305_ctmul32)\.c$"),
    ("client signing: ECDSA sign, RSA private (no client certificate in this image)",
     r"^(ecdsa_i(15|31)_sign_(raw|asn1)|ecdsa_default_sign_asn1|rsa_i(15|31)_priv|"
     r"rsa_default_priv)\.c$"),
    ("probes for x86/POWER8 AES, GHASH, ChaCha20, Poly1305",
     r"^(aes_x86ni_ctr|aes_pwr8_ctr|ghash_pclmul|ghash_pwr8|chacha20_sse2|poly1305_ctmulq)\.c$"),
]

DOC_INTRO = """# Code footprint

What moor costs in flash and RAM on Cortex-M, per module. Generated by
`boards/size/size_report.py` from the linker maps of two reference
firmwares, built with arm-none-eabi-gcc, newlib-nano, `-Os`,
`-ffunction-sections -fdata-sections` and `--gc-sections`, so only the code
that each client reaches is counted:

* `moor_size_ref` (boards/size/main.c): moor as it ships, TLS 1.3 first
  with the TLS 1.2 fallback (BearSSL's engine), every suite and curve; it
  loads a client certificate, handshakes, sends a request and reads a reply
  over a do-nothing transport.
* `moor_size_ref13` (boards/size/main13.c): a TLS 1.3-only client, with
  moor built without TLS 1.2 (`MOOR_CONFIG_TLS12=0`), AES-128-GCM only and
  X25519 + P-256 only (`MOOR_CONFIG_EC_IMPL=(&moor_ec_small)`); records of
  at most 1 KiB, a resumption ticket, no client certificate. Its sections
  (after the first three) also give the RAM of the session and the
  worst-case stack of the handshake, against the goals of issue 3.

Regenerate the sections of a target with:

    cmake --preset m4f && cmake --build --preset m4f --target size-report

(likewise `m0plus`, `m33`; each run rewrites only its own sections).

Columns: `.text` is code (and the vector table), `.rodata` constants kept in
flash, `.data` initialized RAM (its initial image also sits in flash),
`.bss` zeroed RAM. Flash = .text + .rodata + .data; RAM = .data + .bss
(static only: the stack is not included). The board's `.bss` holds the
application's buffers, chiefly the TLS I/O buffer it hands to moor.
"""


def classify_output(name):
    """Kind of an output section, or None for non-loaded sections."""
    if name in OUTPUT_KIND:
        return OUTPUT_KIND[name]
    if name.startswith((".debug", ".comment", ".ARM.attributes", ".stab",
                        ".note", ".gnu", "/DISCARD/")):
        return None
    for prefix, kind in ((".text", "text"), (".rodata", "rodata"),
                         (".data", "data"), (".bss", "bss"),
                         (".tbss", "bss"), (".tdata", "data")):
        if name.startswith(prefix):
            return kind
    return None


def module_of(path):
    """(group, label) for an input file of the map."""
    if path is None:
        return ("fill", "(alignment fill)")
    m = re.match(r"^(.*)\((.*)\)$", path)
    if m:
        archive = os.path.basename(m.group(1))
        obj = m.group(2)
    else:
        archive = None
        obj = os.path.basename(path)
    obj_short = re.sub(r"\.(obj|o)$", "", obj)
    in_toolchain = "/arm-none-eabi/" in path or "/gcc/arm-none-eabi/" in path
    if archive is not None:
        if archive == "libbearssl.a":
            return ("bearssl", "bearssl: " + obj_short)
        if archive.startswith("libmoor"):
            lib = archive[3:-2]
            role = MOOR_ROLES.get(obj_short) if lib == "moor" else None
            return ("lib:" + lib, lib + ": " + obj_short + (" (%s)" % role if role else ""))
        if TOOLCHAIN_ARCHIVES.match(archive) or in_toolchain:
            return ("toolchain", archive)
        lib = archive[3:-2] if archive.startswith("lib") else archive
        return ("other", lib + ": " + obj_short)
    if in_toolchain or re.match(r"^crt\w*\.o$", obj):
        return ("toolchain", obj)
    return ("board", "board: " + obj_short)


HEX = r"0x[0-9a-fA-F]+"
RE_OUT_FULL = re.compile(r"^(\S+)\s+(" + HEX + r")\s+(" + HEX + r")(\s.*)?$")
RE_OUT_NAME = re.compile(r"^(\S+)\s*$")
RE_IN_FULL = re.compile(r"^ (\S+)\s+(" + HEX + r")\s+(" + HEX + r")\s+(\S.*)$")
RE_IN_NOFILE = re.compile(r"^ (\S+)\s+(" + HEX + r")\s+(" + HEX + r")\s*$")
RE_IN_NAME = re.compile(r"^ (\S+)\s*$")
RE_CONT = re.compile(r"^\s+(" + HEX + r")\s+(" + HEX + r")(?:\s+(\S.*))?$")


def parse_map(text):
    """Return (sizes, out_sizes): sizes[(group,label)][kind] = bytes, and
    the total size of each loaded output section kind from its header."""
    lines = text.splitlines()
    try:
        start = next(i for i, l in enumerate(lines)
                     if l.startswith("Linker script and memory map"))
    except StopIteration:
        raise SystemExit("size_report: not a GNU ld map (no 'Linker script and memory map')")
    sizes = {}
    out_sizes = dict.fromkeys(KINDS, 0)
    kind = None
    pending_out = None   # output section name waiting for its address line
    pending_in = None    # input section name waiting for its address line

    def add(path, size):
        if kind is None or size == 0:
            return
        key = module_of(path)
        sizes.setdefault(key, dict.fromkeys(KINDS, 0))[kind] += size

    for line in lines[start + 1:]:
        if not line.strip():
            continue
        if line.startswith("OUTPUT(") or line.startswith("LOAD ") or \
                line.startswith("START GROUP") or line.startswith("END GROUP"):
            continue
        if pending_out is not None:
            m = RE_CONT.match(line)
            pending, pending_out = pending_out, None
            if m:
                kind = classify_output(pending)
                if kind:
                    out_sizes[kind] += int(m.group(2), 16)
                continue
            kind = classify_output(pending)
        if pending_in is not None:
            m = RE_CONT.match(line)
            pending_in = None
            if m:
                add(m.group(3), int(m.group(2), 16))
                continue
        if not line[0].isspace():
            m = RE_OUT_FULL.match(line)
            if m:
                kind = classify_output(m.group(1))
                if kind:
                    out_sizes[kind] += int(m.group(3), 16)
                continue
            m = RE_OUT_NAME.match(line)
            if m:
                pending_out = m.group(1)
                kind = None
                continue
            kind = None   # an assignment or directive at top level
            continue
        m = RE_IN_FULL.match(line)
        if m:
            name = m.group(1)
            if name.startswith("*") and name != "*fill*":
                continue
            if name == "*fill*":
                add(None, int(m.group(3), 16))
            else:
                add(m.group(4).strip(), int(m.group(3), 16))
            continue
        m = RE_IN_NOFILE.match(line)
        if m:
            # *fill* without a file, or a linker-generated input section.
            add(None, int(m.group(3), 16))
            continue
        m = RE_IN_NAME.match(line)
        if m and not m.group(1).startswith("*"):
            pending_in = m.group(1)
            continue
        # symbol lines, patterns, assignments: nothing to count
    return sizes, out_sizes


def flash(s):
    return s["text"] + s["rodata"] + s["data"]


def ram(s):
    return s["data"] + s["bss"]


def total(rows):
    t = dict.fromkeys(KINDS, 0)
    for s in rows:
        for k in KINDS:
            t[k] += s[k]
    return t


def fmt_row(label, s, bold=False):
    cells = [s["text"], s["rodata"], s["data"], s["bss"], flash(s), ram(s)]
    if bold:
        return "| **%s** | " % label + " | ".join("**%d**" % c for c in cells) + " |"
    return "| %s | " % label + " | ".join("%d" % c for c in cells) + " |"


def obj_of(label):
    """The object name in a row label ("moor: engine.c (TLS 1.3 engine)")."""
    return label.split(": ", 1)[-1].split(" (", 1)[0]


def kib(n):
    return "%.1f KiB" % (n / 1024.0)


def goal_text(value, goal, what="goal"):
    """'<= goal: N B under (P% of it)' or 'N B over (P% of it)'."""
    pct = 100.0 * value / goal
    if value <= goal:
        return "%s %d B (%s): met, %d B under (%.0f%% of it)" % (
            what, goal, kib(goal), goal - value, pct)
    return "%s %d B (%s): **missed by %d B** (%.0f%% of it)" % (
        what, goal, kib(goal), value - goal, pct)


def section_by_function(sizes):
    """Rows of the TLS 1.3-only image grouped by what the code does."""
    taken = set()
    out = ["| function | .text | .rodata | flash |", "|---|---:|---:|---:|"]
    for name, group, rx in FUNCTIONS:
        t = dict.fromkeys(KINDS, 0)
        for (g, label), sz in sizes.items():
            if g != group or (g, label) in taken:
                continue
            if rx and not re.search(rx, obj_of(label)):
                continue
            taken.add((g, label))
            for k in KINDS:
                t[k] += sz[k]
        if flash(t) or t["text"]:
            out.append("| %s | %d | %d | %d |" % (name, t["text"], t["rodata"], flash(t)))
    rest = total(sz for key, sz in sizes.items() if key not in taken)
    if flash(rest):
        out.append("| (not classified) | %d | %d | %d |" % (rest["text"], rest["rodata"], flash(rest)))
    return out


def section_unused(sizes):
    out = []
    for what, rx in UNUSED:
        t = total(sz for (g, label), sz in sizes.items()
                  if g == "bearssl" and re.search(rx, obj_of(label)))
        if flash(t):
            out.append("  - %s: %d B .text, %d B flash" % (what, t["text"], flash(t)))
    return out


def read_sizes(nm, obj):
    """moor_sz_* object sizes from `nm -S` of sizes13.c's object."""
    out = subprocess.run([nm, "-S", obj], check=True, capture_output=True,
                         text=True).stdout
    sz = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3].startswith("moor_sz_"):
            sz[parts[3][len("moor_sz_"):]] = int(parts[1], 16)
    return sz


def section_ram(sz):
    """The RAM table of the TLS 1.3 session, from read_sizes()."""
    out = []
    need = ("tls", "tls_x509", "x509_minimal", "x509_decoder", "x509_leaf_key_buf",
            "tls_u", "e13", "iobuf_1k", "ticket")
    missing = [k for k in need if k not in sz]
    if missing:
        return ["RAM: sizes missing from the sizes object: " + ", ".join(missing)]
    e13_parts = [
        ("key shares (`kx`, %s)" % "up to 3", "e13_kx"),
        ("transcript hashes (`tr`: SHA-256 and SHA-384 until the suite is known)", "e13_tr"),
        ("record protection, receive (`rx`: AES/GHASH or ChaCha20 keys)", "e13_rx"),
        ("record protection, send (`tx`)", "e13_tx"),
        ("key schedule secrets (`ks`)", "e13_ks"),
        ("HMAC_DRBG (`rng`)", "e13_rng"),
        ("parameters (`p`), groups, suites", ("e13_p", "e13_groups", "e13_suites")),
        ("random, session id, PSK binder", ("e13_random", "e13_sid", "e13_binder")),
        ("certificate parser (`cp`)", "e13_cp"),
    ]

    def get(keys):
        if isinstance(keys, str):
            keys = (keys,)
        return sum(sz.get(k, 0) for k in keys)

    x509_rest = sz["tls_x509"] - sz["x509_minimal"] - sz["x509_decoder"] - sz["x509_leaf_key_buf"]
    e13_rest = sz["e13"] - sum(get(k) for _, k in e13_parts)
    inline = "tls_x509_inline" in sz
    drv_rest = sz["tls"] - sz["tls_u"] - (sz["tls_x509"] if inline else 0)
    total_ram = sz["tls"] + sz["iobuf_1k"]
    scratch = sz.get("scratch", 0)

    def x509_rows(indent):
        pad = "&nbsp;&nbsp;" * indent
        return [
            "| %s`br_x509_minimal_context` (BearSSL's validator) | %d |" % (pad, sz["x509_minimal"]),
            "| %s`br_x509_decoder_context` (dates, CA flag, DN for precise errors) | %d |" % (pad, sz["x509_decoder"]),
            "| %sleaf key copy (`leaf_key_buf`, for `require` mode) | %d |" % (pad, sz["x509_leaf_key_buf"]),
            "| %sother fields | %d |" % (pad, x509_rest),
        ]

    out.append("| part | bytes |")
    out.append("|---|---:|")
    out.append("| **`moor_tls`, the session** | **%d** |" % sz["tls"])
    if inline:
        out.append("| &nbsp;&nbsp;`moor_x509`, the chain validator (`x509_inline`) | %d |" % sz["tls_x509"])
        out.extend(x509_rows(2))
    out.append("| &nbsp;&nbsp;`moor_tls13_engine`, the TLS 1.3 engine (`u.e13`) | %d |" % sz["e13"])
    for label, keys in e13_parts:
        out.append("| &nbsp;&nbsp;&nbsp;&nbsp;%s | %d |" % (label, get(keys)))
    out.append("| &nbsp;&nbsp;&nbsp;&nbsp;other state | %d |" % e13_rest)
    if sz["tls_u"] != sz["e13"]:
        out.append("| &nbsp;&nbsp;union padding | %d |" % (sz["tls_u"] - sz["e13"]))
    out.append("| &nbsp;&nbsp;driver fields | %d |" % drv_rest)
    out.append("| I/O buffer, `MOOR_TLS_BUFSIZE(1024)` | %d |" % sz["iobuf_1k"])
    out.append("| **session + buffer** | **%d** |" % total_ram)
    if not inline:
        out.append("| handshake scratch (`cfg.scratch`, `MOOR_TLS_SCRATCH_SIZE`): `moor_x509`, the chain validator, used only during the handshake | %d |" % scratch)
        out.extend(x509_rows(1))
    out.append("| resumption ticket store (`moor_tls13_ticket`, optional, kept between connections) | %d |" % sz["ticket"])
    out.append("")
    out.append("- Session + buffer: %d B (%s); %s." % (total_ram, kib(total_ram), goal_text(total_ram, RAM_GOAL)))
    if not inline:
        with_scratch = total_ram + scratch
        out.append("- This configuration builds with `MOOR_CONFIG_TLS_X509_INLINE=0`: the certificate "
                   "validator is not in the session but in %d B of scratch memory the caller lends "
                   "for the handshake only (`moor_tls_config.scratch`). Connections that handshake "
                   "one at a time share one scratch area; a single connection that owns its scratch "
                   "needs %d B (%s; %s)." % (scratch, with_scratch, kib(with_scratch),
                                              goal_text(with_scratch, RAM_GOAL)))
    out.append("- With the ticket store for resumption: %d B." % (total_ram + sz["ticket"]))
    if "br_ssl_client" in sz:
        grown = sz["tls"] - sz["tls_u"] + max(sz["tls_u"], sz["br_ssl_client"])
        out.append("- With TLS 1.2 built in (`MOOR_CONFIG_TLS12=1`) the union also holds "
                   "BearSSL's `br_ssl_client_context` (%d B): `moor_tls` would be %d B." %
                   (sz["br_ssl_client"], grown))
    return out


def section_stack(st, st_noauth, root):
    out = []

    def path_rows(r):
        rows = ["| frame | function | object |", "|---:|---|---|"]
        for title, frame in r["path"]:
            where = os.path.basename(r["where"].get(title, "")) or "(library)"
            rows.append("| %d | `%s` | %s |" % (frame, title.rsplit(":", 1)[-1], where))
        return rows

    out.append("Static worst case from `%s()`, summing the frames that `-fstack-usage` "
               "gives along the deepest path of the call graph from "
               "`-fcallgraph-info` (calls through function pointers resolved by the "
               "table in `boards/size/stack_usage.py`; the caller's frame and interrupts "
               "not included):" % root)
    out.append("")
    out.append("- Any configuration, client certificate signing included: **%d B**; %s." %
               (st["depth"], goal_text(st["depth"], STACK_GOAL)))
    out.append("- Without a client certificate (no signing): **%d B**; %s." %
               (st_noauth["depth"], goal_text(st_noauth["depth"], STACK_GOAL)))
    if st["unresolved"]:
        out.append("- **Unresolved indirect calls** (counted as 0) in: " +
                   ", ".join("`%s`" % u.rsplit(":", 1)[-1] for u in st["unresolved"]) + ".")
    if st["dynamic"]:
        out.append("- Frames with a dynamic size on the path: " +
                   ", ".join("`%s`" % d.rsplit(":", 1)[-1] for d in st["dynamic"]) + ".")
    ext = st["externs"]
    if ext:
        out.append("- Library functions without a call graph, frames from their prologue: " +
                   ", ".join("`%s` %s B" % (e, st["extern_frames"].get(e, "?")) for e in ext) + ".")
    out.append("")
    out.append("Deepest path, client signing included:")
    out.append("")
    out.extend(path_rows(st))
    out.append("")
    out.append("Deepest path without a client certificate:")
    out.append("")
    out.extend(path_rows(st_noauth))
    return out


def build_section(target, sizes, out_sizes, flags, compiler, image=None,
                  defines="", ram_sizes=None, stack=None):
    title = CPU_TITLES.get(target, target)
    out = []
    if image == "tls13":
        out.append("## TLS 1.3-only client, %s (`%s`)" % (title, target))
    else:
        out.append("## %s (`%s`)" % (title, target))
    out.append("")
    meta = []
    if compiler:
        meta.append(compiler)
    if flags:
        meta.append("`%s`" % flags)
    if defines:
        meta.append("`%s`" % defines)
    meta.append("newlib-nano, `--gc-sections`")
    out.append("Built with " + ", ".join(meta) + ".")
    out.append("")
    if image == "tls13":
        grand = total(sizes.values())
        out.append("### Flash")
        out.append("")
        out.append("- .text: **%d B (%s)**; %s%s." % (
            grand["text"], kib(grand["text"]), goal_text(grand["text"], TEXT_GOAL),
            "" if target == "m4f" else " (the goal is set for Cortex-M4)"))
        tr = grand["text"] + grand["rodata"]
        out.append("- .text + .rodata (what `size` reports as text): %d B (%s); "
                   "against the same goal: %s. Published comparables: %s." % (
                       tr, kib(tr), goal_text(tr, TEXT_GOAL).split(": ", 1)[1], COMPARABLES))
        unused = section_unused(sizes)
        if unused:
            out.append("- Linked but not used by this configuration:")
            out.extend(unused)
        out.append("")
        out.extend(section_by_function(sizes))
        out.append("")
        out.append("By object:")
        out.append("")
    out.append("| module | .text | .rodata | .data | .bss | flash | RAM |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")

    groups = {}
    for (group, label), s in sizes.items():
        groups.setdefault(group, []).append((label, s))

    def emit_group(rows, subtotal_label, sort_by_flash=False):
        if not rows:
            return
        if sort_by_flash:
            rows = sorted(rows, key=lambda r: (-flash(r[1]) - r[1]["bss"], r[0]))
        else:
            rows = sorted(rows, key=lambda r: r[0])
        for label, s in rows:
            out.append(fmt_row(label, s))
        out.append(fmt_row(subtotal_label, total(s for _, s in rows), bold=True))

    # moor's own libraries first: libmoor, then the others alphabetically.
    libs = sorted((g for g in groups if g.startswith("lib:")),
                  key=lambda g: (g != "lib:moor", g))
    for g in libs:
        emit_group(groups[g], "%s subtotal" % g[4:])
    emit_group(groups.get("bearssl", []), "BearSSL subtotal", sort_by_flash=True)
    emit_group(groups.get("other", []), "other libraries subtotal", sort_by_flash=True)
    emit_group(groups.get("board", []), "board (%s) subtotal" %
               ("moor_size_ref13" if image == "tls13" else "moor_size_ref"))
    emit_group(groups.get("toolchain", []), "newlib/libgcc subtotal", sort_by_flash=True)
    if "fill" in groups:
        for label, s in groups["fill"]:
            out.append(fmt_row(label, s))
    grand = total(sizes.values())
    out.append(fmt_row("Total", grand, bold=True))
    moor_all = total(s for g in libs for _, s in groups[g])
    out.append("")
    out.append("- moor (all its libraries): %d B flash, %d B static RAM." %
               (flash(moor_all), ram(moor_all)))
    bss = total(s for _, s in groups.get("bearssl", []))
    out.append("- BearSSL: %d B flash, %d B static RAM." % (flash(bss), ram(bss)))
    out.append("- Whole image: %d B flash, %d B static RAM (stack not counted)." %
               (flash(grand), ram(grand)))

    # Trust anchors: they must be const all the way down, so they stay in
    # flash (.rodata) and cost no RAM.
    anchors = groups.get("lib:moor_anchors", [])
    anchors_ok = True
    if anchors:
        a = total(s for _, s in anchors)
        names = ", ".join(sorted(l.split(": ", 1)[1] for l, _ in anchors))
        if a["data"] == 0 and a["bss"] == 0:
            out.append("- Trust anchors (moor_anchors: %s): %d B in .rodata, "
                       "0 B in .data: they stay in flash and cost no RAM." % (names, a["rodata"]))
        else:
            anchors_ok = False
            out.append("- **WARNING: trust anchors (moor_anchors: %s) put %d B in .data "
                       "and %d B in .bss** (%d B in .rodata): they should be const "
                       "and stay in flash." % (names, a["data"], a["bss"], a["rodata"]))
    else:
        out.append("- Trust anchors: no object of libmoor_anchors was linked.")

    # Cross-check the attribution against the output section headers.
    for k in KINDS:
        if grand[k] != out_sizes[k]:
            out.append("- Note: .%s attributed %d B, output sections total %d B%s." %
                       (k, grand[k], out_sizes[k],
                        " (merged string constants are counted before merging)"
                        if k == "rodata" and grand[k] > out_sizes[k] else ""))
    if ram_sizes is not None:
        out.append("")
        out.append("### RAM")
        out.append("")
        out.append("Sizes for this target, from `boards/size/sizes13.c` compiled with the "
                   "image's configuration. The session and the buffer are the caller's "
                   "(static here); nothing is allocated.")
        out.append("")
        out.extend(section_ram(ram_sizes))
    if stack is not None:
        out.append("")
        out.append("### Stack")
        out.append("")
        out.extend(section_stack(stack[0], stack[1], stack[2]))
    return "\n".join(out) + "\n", anchors_ok


def update_doc(path, target, section):
    begin = "<!-- size-report:%s:begin -->" % target
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a+", encoding="utf-8") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        f.seek(0)
        text = f.read()
        blocks = {}
        pat = re.compile(r"<!-- size-report:([\w.+-]+):begin -->\n(.*?)"
                         r"<!-- size-report:\1:end -->\n?", re.S)
        first = None
        for m in pat.finditer(text):
            if first is None:
                first = m.start()
            blocks[m.group(1)] = m.group(2)
        # The introduction is this script's (the file is generated).
        intro = DOC_INTRO.rstrip("\n") + "\n\n"
        blocks[target] = section
        known = TARGET_ORDER + [t + "-tls13" for t in TARGET_ORDER]
        order = [t for t in known if t in blocks] + \
            sorted(t for t in blocks if t not in known)
        body = "".join("<!-- size-report:%s:begin -->\n%s<!-- size-report:%s:end -->\n\n"
                       % (t, blocks[t].rstrip("\n") + "\n", t) for t in order)
        new = intro + body.rstrip("\n") + "\n"
        if begin not in new:
            raise SystemExit("size_report: internal error updating %s" % path)
        f.seek(0)
        f.truncate()
        f.write(new)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--map", required=True, help="GNU ld map file")
    ap.add_argument("--target", required=True, help="section name, e.g. m4f")
    ap.add_argument("--doc", help="Markdown file to update (e.g. docs/footprint.md)")
    ap.add_argument("--flags", default="", help="compiler flags to show")
    ap.add_argument("--compiler", default="", help="compiler to show")
    ap.add_argument("--image", choices=["tls13"],
                    help="the TLS 1.3-only image: section TARGET-tls13 with goals, RAM, stack")
    ap.add_argument("--defines", default="", help="configuration macros to show")
    ap.add_argument("--nm", help="nm of the target toolchain (for --sizes-obj)")
    ap.add_argument("--sizes-obj", help="sizes13.c compiled for the target")
    ap.add_argument("--callgraph", help="build tree with the .ci files (-fcallgraph-info=su)")
    ap.add_argument("--objdump", help="objdump of the target (frames of library functions)")
    ap.add_argument("--elf", help="the linked image (with --objdump)")
    ap.add_argument("--stack-root", default="moor_tls_handshake",
                    help="function whose worst-case stack is reported")
    args = ap.parse_args()

    try:
        with open(args.map, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        raise SystemExit("size_report: cannot read map %s: %s" % (args.map, e))
    sizes, out_sizes = parse_map(text)
    if not sizes:
        raise SystemExit("size_report: no loaded sections found in %s" % args.map)
    ram_sizes = stack = None
    if args.sizes_obj:
        if not args.nm:
            raise SystemExit("size_report: --sizes-obj needs --nm")
        ram_sizes = read_sizes(args.nm, args.sizes_obj)
    if args.callgraph:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import stack_usage
        a = stack_usage.analyse(args.callgraph, args.stack_root, args.map,
                                args.objdump, args.elf)
        b = stack_usage.analyse(args.callgraph, args.stack_root, args.map,
                                args.objdump, args.elf, stack_usage.CLIENT_AUTH)
        stack = (a, b, args.stack_root)
    key = args.target + ("-" + args.image if args.image else "")
    section, anchors_ok = build_section(args.target, sizes, out_sizes,
                                        args.flags, args.compiler, args.image,
                                        args.defines, ram_sizes, stack)
    sys.stdout.write(section)
    if args.doc:
        update_doc(args.doc, key, section)
        print("size_report: updated section '%s' of %s" % (key, args.doc))
    if not anchors_ok:
        print("size_report: error: trust anchors are not in .rodata", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
