#!/usr/bin/env python3
"""Data in: a wide comparison kept as one CSV file against the same comparison written as articles.

Makes a comparison-heavy site of articles with the shared generator (../shared/bench/gen_wide.py,
"features" preset scaled down by default: 12 subjects, 3,000 features in 40 groups, 400
articles), builds it, and turns what it publishes into a data-only site: the subjects
(/export/comparison.json) become content/data/subjects.csv and the matrix of verdicts
(/export/comparison.csv) becomes content/data/comparison.csv, unchanged, next to the same
features.toml and home page. Both sites hold the same comparison; the script checks it (the two
sites export the same matrix) before timing anything.

Then builds each site in turn, several rounds, and prints per site: median wall time, median CPU
time (user + sys), peak memory (max RSS), pages written, and the ratio data/articles.

Usage:
  scripts/bench-data.py                                  # 3,000 features, 3 rounds
  scripts/bench-data.py --features 15000 --articles 2000 # gen_wide's full "features" preset
  scripts/bench-data.py --versus target/release/versus --runs 5
  scripts/bench-data.py --callgrind --features 600 --articles 80   # instruction counts

--callgrind counts the instructions of one build of each site under valgrind instead of timing
them: a figure that does not depend on what else the machine runs (use a small size: valgrind
runs the build some 50 times slower).

versus is target/release/versus, built here with cargo (or --versus PATH, not rebuilt).
Standard library only. Prints figures; asserts nothing but the equality of the two comparisons.
Wall-clock figures depend on what else the machine runs: on a shared machine, read the CPU
column and the spread the script prints.
"""

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import REPO, run_measured  # noqa: E402  (one measuring routine for every benchmark)

GEN = os.path.join(REPO, "..", "shared", "bench", "gen_wide.py")
if not os.path.exists(GEN):
    GEN = "/work/shared/bench/gen_wide.py"


def build(versus, root):
    subprocess.run([versus, "build", "--quiet", "--root", root], check=True)


def data_site(articles, out):
    """The data-only twin of a built article site, from what that site exported."""
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "content", "data"))
    for rel in ("versus.toml", "content/_index.md", "content/features.toml"):
        shutil.copy(os.path.join(articles, rel), os.path.join(out, rel))
    with open(os.path.join(articles, "site", "export", "comparison.json"), encoding="utf-8") as f:
        exported = json.load(f)
    with open(os.path.join(out, "content", "data", "subjects.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "title", "website"])
        for s in exported["subjects"]:
            w.writerow([s["id"], s["title"], s["website"] or ""])
    shutil.copy(os.path.join(articles, "site", "export", "comparison.csv"),
                os.path.join(out, "content", "data", "comparison.csv"))


def instructions(versus, root):
    """Instructions one build of `root` executes, counted by callgrind (all threads)."""
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           versus, "build", "--quiet", "--root", root],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    for line in proc.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1].strip())
    sys.exit(f"no instruction count in valgrind's output:\n{proc.stderr[-2000:]}")


def pages(root):
    return sum(1 for _, _, files in os.walk(os.path.join(root, "site")) for f in files if f.endswith(".html"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--features", type=int, default=3000)
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--versus", help="a versus binary (default: build target/release/versus)")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "versus-bench-data"))
    ap.add_argument("--callgrind", action="store_true", help="count instructions instead of timing")
    a = ap.parse_args()

    versus = a.versus
    if not versus:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
        versus = os.path.join(target, "release", "versus")
    os.makedirs(a.work, exist_ok=True)
    articles = os.path.join(a.work, f"articles-{a.features}-{a.articles}")
    subprocess.run([sys.executable, GEN, "--preset", "features", "--features", str(a.features),
                    "--articles", str(a.articles), "--out", articles, "--clean"],
                   check=True, stdout=subprocess.DEVNULL)
    build(versus, articles)
    data = os.path.join(a.work, f"data-{a.features}-{a.articles}")
    data_site(articles, data)
    build(versus, data)
    def exported(root):
        with open(os.path.join(root, "site", "export", "comparison.csv"), "rb") as f:
            return f.read()

    if exported(data) != exported(articles):
        sys.exit("the data-only site does not export the matrix the article site does")
    csv_bytes = os.path.getsize(os.path.join(data, "content", "data", "comparison.csv"))
    print(f"same comparison: {a.features} features x 12 subjects; articles: {a.articles} files, "
          f"data: one {csv_bytes / 1e6:.1f} MB CSV + subjects.csv\n", flush=True)

    if a.callgrind:
        counts = {name: instructions(versus, root) for name, root in (("articles", articles), ("data", data))}
        for name, root in (("articles", articles), ("data", data)):
            print(f"{name:<10} {pages(root):>7} pages  {counts[name] / 1e9:>8.2f} G instructions")
        print(f"\ndata / articles: {counts['data'] / counts['articles']:.2f} (below 1: the data-only site "
              f"takes fewer instructions)")
        return

    results = {"articles": [], "data": []}
    for r in range(a.runs):
        for name, root in (("articles", articles), ("data", data)):
            wall, cpu, rss, code = run_measured([versus, "build", "--quiet", "--root", root])
            if code != 0:
                sys.exit(f"{name} build failed")
            results[name].append((wall, cpu, rss))
        print(f"round {r + 1}/{a.runs} done", flush=True)

    print(f"\n{'site':<10} {'pages':>7} {'wall s (min-max)':>22} {'cpu s':>8} {'max RSS MiB':>12}")
    med = {}
    for name, root in (("articles", articles), ("data", data)):
        walls = [x[0] for x in results[name]]
        cpus = [x[1] for x in results[name]]
        med[name] = (statistics.median(walls), statistics.median(cpus))
        spread = f"{statistics.median(walls):.2f} ({min(walls):.2f}-{max(walls):.2f})"
        print(f"{name:<10} {pages(root):>7} {spread:>22} {statistics.median(cpus):>8.2f} "
              f"{max(x[2] for x in results[name]):>12.0f}")
    print(f"\ndata / articles: wall {med['data'][0] / med['articles'][0]:.2f}, "
          f"cpu {med['data'][1] / med['articles'][1]:.2f} (below 1: the data-only site is faster)")


if __name__ == "__main__":
    main()
