#!/usr/bin/env python3
"""Writes a small *wide* versus site for the browser tests: 14 subjects, 1,200 features in
12 groups, 160 articles, `[compare] per_page = 50`, so that every big layout appears — the
matrix as a summary of groups, paginated group pages, pair pages in summary mode with
pair-group pages, subject pages in summary mode with subject-group pages — and the reader's
comparison view gets a subject picker with a filter (more than 12 subjects) — and one
feature said of two subjects by a dozen notes, so that its rows count what they do not list.

Shaped like `../shared/bench/gen_wide.py --preset features` but small enough to build in
seconds and kept here so that CI, which has only this repository, can run it. Standard
library only; the same arguments always write the same files.

Usage: tests/browser/wide_site.py OUT_DIR
"""
import os
import random
import sys

SUBJECTS, MAIN, FEATURES, GROUPS, ARTICLES = 14, 12, 1200, 12, 160
SYL = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "de", "fi", "go", "bri", "cla", "stra"]
LEVELS = ["yes", "yes", "partial", "no", "unknown", "plugin"]


def word(rng, n):
    return "".join(rng.choice(SYL) for _ in range(n))


def level(si, fi):
    # Most subjects agree; about a third of the cells differ from the row's usual level.
    base = (fi * 7 + fi // GROUPS) % len(LEVELS)
    return LEVELS[(base + 1 + si % 4) % len(LEVELS)] if (si * 5 + fi) % 3 == 0 else LEVELS[base]


def cell(si, fi):
    lv = level(si, fi)
    if fi % 23 == 0:
        return '"%s %d.%d"' % (["native", "bundled", "external"][si % 3], 1 + si % 4, fi % 10)  # a text value
    if fi % 5 == 0:
        return '{ support = "%s", note = "note %d", since = "%d" }' % (lv, fi % 7, 10 + si)
    return '"%s"' % lv


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main(out):
    rng = random.Random(14)
    subjects, seen = [], set()
    while len(subjects) < SUBJECTS:
        n = word(rng, 2 + len(subjects) % 2).capitalize()
        if n not in seen:
            seen.add(n)
            subjects.append(n)
    groups = []
    while len(groups) < GROUPS:
        g = "%s API" % word(rng, 2).capitalize()
        if g not in groups:
            groups.append(g)
    features, seen = [], set()
    while len(features) < FEATURES:
        n = "%s.%s()" % (word(rng, 2).capitalize(), word(rng, 2 + len(features) % 3))
        if len(features) % 4 == 1:
            n = "%s %s option" % (word(rng, 2).capitalize(), rng.choice(["strict", "lazy", "async", "legacy"]))
        if n.lower() not in seen:
            seen.add(n.lower())
            features.append(n)
    write(os.path.join(out, "versus.toml"),
          'title = "Wide comparison"\nbase_url = "https://example.org/"\n\n[compare]\nper_page = 50\n')
    write(os.path.join(out, "content/_index.md"),
          '+++\ntitle = "Wide comparison"\n+++\n\n%d subjects compared on %d features.\n' % (SUBJECTS, FEATURES))
    for i, s in enumerate(subjects):
        write(os.path.join(out, "content/subjects/s%02d.md" % i),
              '+++\ntitle = "%s"\nwebsite = "https://example.org/s%02d"\n+++\n\n%s is one of the things compared here.\n' % (s, i, s))
    write(os.path.join(out, "content/features.toml"), "\n".join(
        '[[feature]]\nname = "%s"\ngroup = "%s"\n' % (f, groups[fi % GROUPS]) for fi, f in enumerate(features)))
    # Each article states one group's run of features for the twelve main subjects; the last
    # four compare only the other two, on a few features, so they are in a single pair.
    order = sorted(range(FEATURES), key=lambda fi: (fi % GROUPS, fi))
    n = ARTICLES - 4
    for ai in range(ARTICLES):
        if ai < ARTICLES - 4:
            subs, feats = list(range(MAIN)), order[ai * FEATURES // n:(ai + 1) * FEATURES // n]
        else:
            subs, feats = list(range(MAIN, SUBJECTS)), order[(ai - n) * 5:(ai - n + 1) * 5]
        rows = ['"%s" = { %s }' % (features[fi], ", ".join("s%02d = %s" % (si, cell(si, fi)) for si in subs))
                for fi in feats]
        write(os.path.join(out, "content/articles/a%03d.md" % ai),
              '+++\ntitle = "%s, part %d"\ndate = 2026-%02d-%02d\nsubjects = [%s]\n\n[features]\n%s\n+++\n\n'
              "This page compares %d subjects on %d features.\n"
              % (groups[feats[0] % GROUPS], ai + 1, 1 + ai % 12, 1 + ai % 28,
                 ", ".join('"s%02d"' % si for si in subs), "\n".join(rows), len(subs), len(feats)))
    # Twelve short notes say again what the articles say of one feature for two subjects, so
    # that its rows list `max_statements` (10) statements and count the rest.
    fi = order[1]
    for ni in range(12):
        write(os.path.join(out, "content/notes/n%02d.md" % ni),
              '+++\ntitle = "Note %d on %s"\ndate = 2026-11-%02d\nsubjects = ["s00", "s01"]\n\n[features]\n'
              '"%s" = { s00 = %s, s01 = %s }\n+++\n\nThe same again.\n'
              % (ni + 1, features[fi], 1 + ni, features[fi], cell(0, fi), cell(1, fi)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
