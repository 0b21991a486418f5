#!/usr/bin/env python3
"""Writes a plain site of 250 short articles for the search checks in run.py (--big): more
pages than search.js loads page text for by itself, so the first search must fetch only the
manifest, one word shard and the records shown, and page text only when the reader asks.
Every article's title has "Note <n>"; only the bodies hold the word "marmalade".

Usage: tests/browser/big_site.py DIR   (DIR is replaced)"""
import os
import shutil
import sys


def main():
    root = sys.argv[1]
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "content", "notes"))
    with open(os.path.join(root, "versus.toml"), "w") as f:
        f.write('title = "Many notes"\n')
    with open(os.path.join(root, "content", "_index.md"), "w") as f:
        f.write('+++\ntitle = "Many notes"\n+++\nA site with many pages.\n')
    for i in range(250):
        with open(os.path.join(root, "content", "notes", "n%03d.md" % i), "w") as f:
            f.write('+++\ntitle = "Note %d about %s"\n+++\n\nPlain words, and marmalade in note %d.\n'
                    % (i, ["tea", "toast", "jam", "bread", "honey"][i % 5], i))


if __name__ == "__main__":
    main()
