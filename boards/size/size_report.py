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

Python 3 standard library only.
"""

import argparse
import fcntl
import os
import re
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

DOC_INTRO = """# Code footprint

What moor costs in flash and RAM on Cortex-M, per module. Generated from
the linker map of `moor_size_ref` (boards/size/main.c: a TLS client that
loads a client certificate, handshakes, sends a request and reads a reply
over a do-nothing transport), built with arm-none-eabi-gcc, newlib-nano,
`-Os`, `-ffunction-sections -fdata-sections` and `--gc-sections`, so only
the code that such a client reaches is counted.

Regenerate a section with:

    cmake --preset m4f && cmake --build --preset m4f --target size-report

(likewise `m0plus`, `m33`; each run rewrites only its own section).

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
            return ("lib:" + lib, lib + ": " + obj_short)
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


def build_section(target, sizes, out_sizes, flags, compiler):
    title = CPU_TITLES.get(target, target)
    out = []
    out.append("## %s (`%s`)" % (title, target))
    out.append("")
    meta = []
    if compiler:
        meta.append(compiler)
    if flags:
        meta.append("`%s`" % flags)
    meta.append("newlib-nano, `--gc-sections`")
    out.append("Built with " + ", ".join(meta) + ".")
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
    emit_group(groups.get("board", []), "board (moor_size_ref) subtotal")
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
            out.append("- Note: .%s attributed %d B, output sections total %d B." %
                       (k, grand[k], out_sizes[k]))
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
        if text.strip():
            intro = text if first is None else text[:first]
        else:
            intro = DOC_INTRO
        intro = intro.rstrip("\n") + "\n\n"
        blocks[target] = section
        order = [t for t in TARGET_ORDER if t in blocks] + \
            sorted(t for t in blocks if t not in TARGET_ORDER)
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
    args = ap.parse_args()

    try:
        with open(args.map, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        raise SystemExit("size_report: cannot read map %s: %s" % (args.map, e))
    sizes, out_sizes = parse_map(text)
    if not sizes:
        raise SystemExit("size_report: no loaded sections found in %s" % args.map)
    section, anchors_ok = build_section(args.target, sizes, out_sizes,
                                        args.flags, args.compiler)
    sys.stdout.write(section)
    if args.doc:
        update_doc(args.doc, args.target, section)
        print("size_report: updated section '%s' of %s" % (args.target, args.doc))
    if not anchors_ok:
        print("size_report: error: trust anchors are not in .rodata", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
