#!/usr/bin/python3
"""Replace one generated section of a Markdown file.

    doc_section.py DOC NAME < BODY

The section lies between `<!-- bench:NAME:begin -->` and
`<!-- bench:NAME:end -->`; it is replaced by standard input, or appended
if the file has no such section yet. The rest of the file (its title and
the sections other scripts write) is kept. Creates DOC with a
"# Benchmarks" title if it does not exist.

Python 3 standard library only.
"""

import fcntl
import os
import re
import sys


def main(argv):
    if len(argv) != 3 or not re.match(r"^[\w.+-]+$", argv[2]):
        sys.stderr.write(__doc__)
        return 2
    path, name = argv[1], argv[2]
    body = sys.stdin.read().rstrip("\n") + "\n"
    begin = "<!-- bench:%s:begin -->" % name
    end = "<!-- bench:%s:end -->" % name
    block = begin + "\n" + body + end + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a+", encoding="utf-8") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        f.seek(0)
        text = f.read()
        if not text.strip():
            text = "# Benchmarks\n"
        pat = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end) + r"\n?", re.S)
        if pat.search(text):
            text = pat.sub(lambda m: block, text, count=1)
        else:
            text = text.rstrip("\n") + "\n\n" + block
        f.seek(0)
        f.truncate()
        f.write(text)
    print("wrote section '%s' of %s" % (name, path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
