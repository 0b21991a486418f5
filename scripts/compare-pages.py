#!/usr/bin/env python3
"""Compares two build outputs file by file with fingerprinted asset names (style.1a2b3c4d.css)
made equal, so that a change to a stylesheet or script shows as that file alone rather than as
every page that links it. Prints each differing file (with the first differing lines of a
page) and exits 1 if any differs.

    scripts/compare-pages.py OLD_OUTPUT NEW_OUTPUT

After `scripts/compare-output.sh OLD_BIN NEW_BIN SITE`, the two outputs are
$TMPDIR/versus-compare/<site>-old-out and -new-out."""
import difflib
import os
import re
import sys

ASSET = re.compile(rb"([\w-]+)\.[0-9a-f]{8}\.(css|js)\b")


def load(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            path = os.path.join(d, f)
            rel = ASSET.sub(rb"\1.HASH.\2", os.path.relpath(path, root).encode()).decode()
            with open(path, "rb") as fh:
                out[rel] = ASSET.sub(rb"\1.HASH.\2", fh.read())
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old, new = load(sys.argv[1]), load(sys.argv[2])
    status = 0
    for rel in sorted(set(old) | set(new)):
        if rel not in old or rel not in new:
            print("only in %s: %s" % ("new" if rel in new else "old", rel))
            status = 1
        elif old[rel] != new[rel]:
            print("differs: %s" % rel)
            status = 1
            if rel.endswith(".html"):
                a = old[rel].decode(errors="replace").splitlines()
                b = new[rel].decode(errors="replace").splitlines()
                lines = [l for l in difflib.unified_diff(a, b, lineterm="", n=0) if l[:1] in "+-" and l[:3] not in ("---", "+++")]
                for line in lines[:6]:
                    print("    " + line[:200])
    if not status:
        print("identical (%d files)" % len(new))
    sys.exit(status)


if __name__ == "__main__":
    main()
