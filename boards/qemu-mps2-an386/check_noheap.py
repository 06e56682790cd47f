#!/usr/bin/python3
"""Fail if a linked firmware image contains a heap.

    check_noheap.py --nm NM IMAGE.elf

Reads the image's symbols with the target's nm. It fails (exit 1, and the
image is deleted, so a later build links it again) if any of these is
defined or referenced:

  - the C library's allocator: malloc, free, calloc, realloc, their
    reentrant _r forms, and _sbrk (what grows a heap);
  - lwIP's heap: ram_heap, the array mem.c carves mem_malloc() blocks
    from unless MEM_USE_POOLS is set (with it, mem_malloc() takes fixed
    blocks from static pools).

The link already fails on a reference to any allocator symbol (they are
--wrap'ed to undefined names); this check covers definitions that reach
the image another way, and lwIP's configuration.

Python 3 standard library only.
"""

import argparse
import os
import subprocess
import sys

ALLOC = {"malloc", "free", "calloc", "realloc", "_malloc_r", "_free_r",
         "_calloc_r", "_realloc_r", "_sbrk", "_sbrk_r", "__wrap_malloc",
         "__wrap_free", "__wrap_calloc", "__wrap_realloc", "strdup", "_strdup_r"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nm", required=True)
    ap.add_argument("image")
    a = ap.parse_args()
    out = subprocess.run([a.nm, a.image], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    names = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            names[parts[-1]] = parts[-2]
    bad = sorted(n for n in names if n in ALLOC)
    if "ram_heap" in names:
        bad.append("ram_heap (lwIP's heap: MEM_USE_POOLS is off)")
    if bad:
        sys.stderr.write("check_noheap: %s has a heap: %s\n" % (a.image, ", ".join(bad)))
        try:
            os.remove(a.image)
        except OSError:
            pass
        return 1
    print("check_noheap: %s: no allocator, no lwIP heap (static pools only)" %
          os.path.basename(a.image))
    return 0


if __name__ == "__main__":
    sys.exit(main())
