#!/usr/bin/python3
"""Footprint of the QEMU mps2-an386 firmware, by module.

    fw_size_report.py --map MAP --elf ELF --nm NM [--lwipopts H]
                      [--compiler TEXT] [--doc docs/footprint.md]

Reads the GNU ld map of moor_qemu_fw (linked with --gc-sections, so only
what the firmware reaches is counted) and attributes every input section
to one module of the image: lwIP, moor's lwIP port, BearSSL (TLS 1.2
engine, X.509, crypto), moor's TLS, its Redis and MySQL clients, its
common code, the trust anchors, the test PKI, the application
(boards/app), the board, and the toolchain's libraries. Two objects of
libmoor.a share a name (redis/client.c and mysql/client.c): their
sections are told apart by name and size, read from the two object files
next to the archive (readelf). The largest RAM objects come from nm.

Prints the section and, with --doc, writes it into docs/footprint.md as
the block `size-report:m4f-qemu-fw` (through boards/size/size_report.py's
update_doc, which keeps every other block of that file).

Python 3 standard library only.
"""

import argparse
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "size"))
import size_report as sr  # noqa: E402  (the map regexes and update_doc)

KINDS = sr.KINDS
SECTION_KEY = "m4f-qemu-fw"

MOOR_TLS = {"der", "mode", "pem", "dn", "anchors", "credentials", "x509",
            "ec_small", "rsa_pss", "tls", "msg", "keysched", "record", "engine"}
MOOR_MYSQL = {"packet", "handshake", "auth", "command", "result", "format"}
MOOR_COMMON = {"status", "io", "platform"}

# (key, label) in table order.
MODULES = [
    ("lwip", "lwIP 2.1.3: IPv4, ARP, ICMP, TCP, static pools"),
    ("port", "moor lwIP port: raw-API TCP transport, platform"),
    ("bearssl-tls12", "BearSSL: TLS 1.2 engine (ssl_*)"),
    ("bearssl-x509", "BearSSL: X.509 (x509_*, key decoders)"),
    ("bearssl-crypto", "BearSSL: crypto (EC, RSA, hashes, AES-GCM, ChaCha20)"),
    ("tls", "moor TLS: 1.3 engine, session, X.509 glue, credentials"),
    ("redis", "moor Redis: RESP codec, client"),
    ("mysql", "moor MySQL: packets, auth, commands, results, client"),
    ("common", "moor common: status names, I/O, platform helpers"),
    ("anchors", "trust anchors compiled in (MOOR_TRUST_ANCHORS)"),
    ("pki", "test PKI: the test CA, client certificate chain and key"),
    ("app", "application (boards/app): Redis and MySQL runs"),
    ("board", "board: startup, LAN9118, netif, console, semihosting, main"),
    ("toolchain", "newlib-nano, libgcc"),
    ("fill", "(alignment fill)"),
]


def split_path(path):
    """(archive basename or None, object name without .obj/.o)."""
    m = re.match(r"^(.*)\((.*)\)$", path)
    if m:
        return os.path.basename(m.group(1)), re.sub(r"(\.c)?\.(obj|o)$", "", m.group(2))
    return None, re.sub(r"(\.c)?\.(obj|o)$", "", os.path.basename(path))


def readelf_sections(obj):
    """{section name: size} of an object file."""
    out = subprocess.run(["arm-none-eabi-readelf", "-S", "-W", obj], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    secs = {}
    for line in out.splitlines():
        m = re.match(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m:
            secs[m.group(1)] = int(m.group(2), 16)
    return secs


class ClientSplit:
    """Tells redis/client.c from mysql/client.c by section name and size."""

    def __init__(self, map_path, archive_rel):
        self.redis = self.mysql = {}
        core = os.path.normpath(os.path.join(os.path.dirname(map_path),
                                             os.path.dirname(archive_rel)))
        # The library's objects: core/CMakeFiles/moor.dir/{redis,mysql}/, or
        # a variant's (toolchain/cmake/variant.cmake), whose archive sits in
        # its own directory: <its dir>/../CMakeFiles/<target>.dir/__/__/core/.
        r = glob.glob(os.path.join(core, "CMakeFiles", "moor.dir", "redis", "client.c.o*"))
        m = glob.glob(os.path.join(core, "CMakeFiles", "moor.dir", "mysql", "client.c.o*"))
        if not r or not m:
            up = os.path.dirname(core)
            r = glob.glob(os.path.join(up, "CMakeFiles", "*.dir", "__", "__", "core",
                                       "redis", "client.c.o*"))
            m = glob.glob(os.path.join(up, "CMakeFiles", "*.dir", "__", "__", "core",
                                       "mysql", "client.c.o*"))
        r = [p for p in r if not p.endswith(".d")]
        m = [p for p in m if not p.endswith(".d")]
        if r and m:
            self.redis = readelf_sections(r[0])
            self.mysql = readelf_sections(m[0])

    def which(self, name, size):
        in_r = self.redis.get(name) == size
        in_m = self.mysql.get(name) == size
        if in_r and not in_m:
            return "redis"
        if in_m and not in_r:
            return "mysql"
        if "redis" in name or "resp" in name:
            return "redis"
        if "mysql" in name:
            return "mysql"
        return "redis" if in_r else "mysql"


def module_of(path, section, size, split):
    if path is None:
        return "fill"
    archive, obj = split_path(path)
    in_toolchain = "/arm-none-eabi/" in path or "/gcc/arm-none-eabi/" in path
    if archive is None:
        return "toolchain" if in_toolchain or obj.startswith("crt") else "board"
    if archive.startswith("liblwip"):
        return "lwip"
    if archive.startswith("libmoor_lwip"):
        return "port"
    if archive == "libbearssl.a":
        if obj.startswith("ssl_"):
            return "bearssl-tls12"
        if obj.startswith(("x509_", "skey_decoder")):
            return "bearssl-x509"
        return "bearssl-crypto"
    if archive in ("libmoor_app.a", "libmoor_app13.a"):
        return "app"
    if archive == "libmoor_anchors.a":
        return "anchors"
    if archive in ("libmoor_qemu_pki.a", "libmoor_qemu_pki13.a"):
        return "pki"
    if archive == "libmoor.a":
        if obj in MOOR_TLS:
            return "tls"
        if obj in MOOR_MYSQL:
            return "mysql"
        if obj == "resp":
            return "redis"
        if obj in MOOR_COMMON:
            return "common"
        if obj == "client":
            return split.which(section, size)
        return "tls"
    if sr.TOOLCHAIN_ARCHIVES.match(archive) or in_toolchain:
        return "toolchain"
    return "board"


def classify_output(name):
    """As size_report's, but the stack is reported on its own."""
    if name == ".stack":
        return None
    return sr.classify_output(name)


def parse(map_path):
    """sizes[module][kind], objects[(module, label)][kind], out_sizes[kind]."""
    with open(map_path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("Linker script and memory map"))
    split = None
    sizes = {k: dict.fromkeys(KINDS, 0) for k, _ in MODULES}
    objects = {}
    out_sizes = dict.fromkeys(KINDS, 0)
    kind = None
    pending_out = None
    pending_in = None

    def add(path, section, size):
        nonlocal split
        if kind is None or size == 0:
            return
        if path is not None and "libmoor.a(client.c" in path and split is None:
            split = ClientSplit(map_path, re.match(r"^(.*)\(", path).group(1))
        mod = module_of(path, section, size, split)
        sizes[mod][kind] += size
        if path is not None:
            archive, obj = split_path(path)
            label = obj if archive is None else "%s(%s)" % (archive, obj)
            if obj == "client" and archive == "libmoor.a":
                label = "libmoor.a(%s/client)" % mod
            objects.setdefault((mod, label), dict.fromkeys(KINDS, 0))[kind] += size

    for line in lines[start + 1:]:
        if not line.strip() or line.startswith(("OUTPUT(", "LOAD ", "START GROUP", "END GROUP")):
            continue
        if pending_out is not None:
            m = sr.RE_CONT.match(line)
            pending, pending_out = pending_out, None
            kind = classify_output(pending)
            if m:
                if kind:
                    out_sizes[kind] += int(m.group(2), 16)
                continue
        if pending_in is not None:
            m = sr.RE_CONT.match(line)
            name, pending_in = pending_in, None
            if m:
                add(m.group(3), name, int(m.group(2), 16))
                continue
        if not line[0].isspace():
            m = sr.RE_OUT_FULL.match(line)
            if m:
                kind = classify_output(m.group(1))
                if kind:
                    out_sizes[kind] += int(m.group(3), 16)
                continue
            m = sr.RE_OUT_NAME.match(line)
            if m:
                pending_out = m.group(1)
                kind = None
                continue
            kind = None
            continue
        m = sr.RE_IN_FULL.match(line)
        if m:
            name = m.group(1)
            if name.startswith("*") and name != "*fill*":
                continue
            if name == "*fill*":
                add(None, name, int(m.group(3), 16))
            else:
                add(m.group(4).strip(), name, int(m.group(3), 16))
            continue
        m = sr.RE_IN_NOFILE.match(line)
        if m:
            add(None, m.group(1), int(m.group(3), 16))
            continue
        m = sr.RE_IN_NAME.match(line)
        if m and not m.group(1).startswith("*"):
            pending_in = m.group(1)
    return sizes, objects, out_sizes


def section_sizes(elf, nm):
    """Sizes of the .stack section and the largest RAM symbols."""
    out = subprocess.run([nm, "-S", "--size-sort", elf], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    syms = []
    for line in out.splitlines():
        p = line.split()
        if len(p) == 4 and p[2] in "bBdD":
            syms.append((int(p[1], 16), p[3]))
    syms.sort(reverse=True)
    hdr = subprocess.run(["arm-none-eabi-readelf", "-S", "-W", elf], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    stack = 0
    for line in hdr.splitlines():
        m = re.match(r"^\s*\[\s*\d+\]\s+\.stack\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m:
            stack = int(m.group(1), 16)
    return stack, syms


RAM_WHAT = {
    "app": "moor_app_ctx: the TLS session, its 2,458-byte record buffer, the "
           "Redis/MySQL client and their 1 KiB rx + 512 B tx buffers",
    "cred_work": "the client certificate chain and key, decoded from PEM",
    "creds": "moor_credentials (the chain's slots, the key)",
    "tcp": "moor_lwip_tcp (the connection)",
    "plat": "moor_lwip_platform",
    "cmd.0": "the command line (-append), read through semihosting",
}


def ram_label(name):
    if name in RAM_WHAT:
        return RAM_WHAT[name]
    if name.startswith("memp_memory_"):
        pool = name[len("memp_memory_"):].replace("_base", "")
        if pool.startswith("POOL_"):
            return "lwIP mem_malloc pool of %s-byte blocks (MEM_USE_POOLS)" % pool[5:]
        return "lwIP pool %s" % pool
    return ""


def opts_line(path):
    want = ["PBUF_POOL_SIZE", "PBUF_POOL_BUFSIZE", "MEMP_NUM_TCP_PCB", "MEMP_NUM_TCP_SEG",
            "TCP_MSS", "TCP_WND", "TCP_SND_BUF"]
    vals = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^#define\s+(\w+)\s+(.+?)\s*(/\*.*)?$", line)
            if m and m.group(1) in want:
                vals[m.group(1)] = m.group(2)
    return ", ".join("%s %s" % (k, vals[k]) for k in want if k in vals)


def row(label, s, bold=False):
    cells = [s[k] for k in KINDS] + [sr.flash(s), sr.ram(s)]
    txt = ["{:,}".format(c) for c in cells]
    if bold:
        label = "**%s**" % label
        txt = ["**%s**" % t for t in txt]
    return "| %s | %s |" % (label, " | ".join(txt))


def build(args):
    sizes, objects, out_sizes = parse(args.map)
    stack, syms = section_sizes(args.elf, args.nm)
    total = dict.fromkeys(KINDS, 0)
    for k, _ in MODULES:
        for kind in KINDS:
            total[kind] += sizes[k][kind]
    o = []
    name = os.path.splitext(os.path.basename(args.elf))[0]
    o.append("## Cortex-M4 firmware for QEMU mps2-an386 (`%s`)" % name)
    o.append("")
    if args.tls13only:
        o.append("The same firmware built on the TLS 1.3-only library of the size report")
        o.append("(`%s`: no TLS 1.2, AES-128-GCM, X25519 and P-256, the certificate" % args.tls13only)
        o.append("validator in handshake scratch memory the app lends), the Redis and MySQL")
    else:
        o.append("The whole image of `boards/qemu-mps2-an386`: moor as it ships (TLS 1.3")
        o.append("with the TLS 1.2 fallback, every suite and curve), the Redis and MySQL")
    o.append("clients and the demo application (boards/app) on lwIP NO_SYS=1 and the")
    o.append("LAN9118 driver, as `tests/qemu/firmware.sh` runs it against Redis and")
    o.append("MariaDB. arm-none-eabi-gcc%s, `-mcpu=cortex-m4 -mfpu=fpv4-sp-d16"
             % ((" (" + args.compiler + ")") if args.compiler else ""))
    o.append("-mfloat-abi=hard -mthumb -Os`, newlib-nano, `--gc-sections`. No heap: the")
    o.append("link fails on any reference to malloc/free/calloc/realloc/_sbrk, and lwIP")
    o.append("takes its memory from static pools (`MEM_USE_POOLS`, no `ram_heap`).")
    if args.lwipopts:
        o.append("lwIP: %s." % opts_line(args.lwipopts))
    o.append("Written by `cmake --build --preset m4f --target %s`"
             % ("qemu-fw13-size-report" if args.tls13only else "qemu-fw-size-report"))
    o.append("(`boards/qemu-mps2-an386/fw_size_report.py`).")
    o.append("")
    o.append("| module | .text | .rodata | .data | .bss | flash | RAM |")
    o.append("|---|---:|---:|---:|---:|---:|---:|")
    for k, label in MODULES:
        if sr.flash(sizes[k]) + sr.ram(sizes[k]) == 0:
            continue
        o.append(row(label, sizes[k]))
    o.append(row("total (static)", total, bold=True))
    o.append("")
    o.append("RAM beyond the static total: the stack, %s bytes reserved by the linker" %
             "{:,}".format(stack))
    o.append("script (the firmware paints it and prints its peak: see docs/benchmarks.md,")
    o.append("section %s). No heap." % args.bench_section)
    for kind in ("text", "rodata", "data"):
        if out_sizes[kind] != total[kind]:
            o.append("")
            o.append("Note: the modules' .%s adds up to %s B, the output section is %s B:"
                     % (kind, "{:,}".format(total[kind]), "{:,}".format(out_sizes[kind])))
            o.append("the linker merges identical string constants (.rodata.str*) across")
            o.append("objects, which the per-object figures each count.")
    o.append("")
    o.append("Largest objects in RAM (nm):")
    o.append("")
    o.append("| symbol | bytes | what |")
    o.append("|---|---:|---|")
    for size, name in syms[:10]:
        o.append("| `%s` | %s | %s |" % (name, "{:,}".format(size), ram_label(name)))
    o.append("")
    o.append("By object (flash, largest first, 24 shown):")
    o.append("")
    o.append("| object | module | flash | RAM |")
    o.append("|---|---|---:|---:|")
    objs = sorted(objects.items(), key=lambda kv: -sr.flash(kv[1]))
    for (mod, label), s in objs[:24]:
        o.append("| %s | %s | %s | %s |" % (label, mod, "{:,}".format(sr.flash(s)),
                                            "{:,}".format(sr.ram(s))))
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--map", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--nm", required=True)
    ap.add_argument("--lwipopts")
    ap.add_argument("--compiler", default="")
    ap.add_argument("--doc")
    ap.add_argument("--section", default=SECTION_KEY)
    ap.add_argument("--bench-section", default="qemu-m4",
                    help="the docs/benchmarks.md section with this image's handshake costs")
    ap.add_argument("--tls13only", metavar="DEFINES",
                    help="the image is built on the TLS 1.3-only library with these macros")
    args = ap.parse_args()
    text = build(args)
    sys.stdout.write(text)
    if args.doc:
        sr.update_doc(args.doc, args.section, text)
        print("fw_size_report: updated section '%s' of %s" % (args.section, args.doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
