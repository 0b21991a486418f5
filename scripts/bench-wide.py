#!/usr/bin/env python3
"""Comparison-size benchmark: versus on sites whose *comparison* is big, not their articles.

Generates the shared deterministic wide sites (../shared/bench/gen_wide.py, presets
`features` = 15,000 features x 12 subjects and `subjects` = 300 subjects), then for each
binary given (e.g. an older build with --before, to show a change) runs a cold `versus build`
and a `versus check`, and prints: wall and CPU time, peak memory, pages and pages/s, output
size, the largest generated page and the largest hub page, and check time against build time.

Usage:
  scripts/bench-wide.py                              # both presets, target/release/versus
  scripts/bench-wide.py --presets features --runs 3
  scripts/bench-wide.py --before /path/to/old/versus # the same runs with an older binary too

Standard library only. Prints figures; asserts nothing. Wall-clock figures need a quiet
machine; the core count is printed with them.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_wide.py")
if not os.path.exists(GEN):
    GEN = "/work/shared/bench/gen_wide.py"

# The generated sites' cells link to https://example.org/…, which is also their base_url, so
# they would be checked as missing pages of the site (and reported broken); served from
# another address they are what they are meant to be, links to another site.
BASE_URL = "https://wide.example/"

# Pages a reader opens first on a comparison site: their size must not follow the comparison's.
HUBS = ["index.html", "compare/index.html", "features/index.html", "subjects/index.html"]


def run_measured(cmd):
    """Runs cmd, returns (wall s, cpu s, max rss MiB, exit code, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        last = err.strip().splitlines()[-1:] or [""]
        sys.stderr.write(f"exit {code}: {' '.join(cmd)}: {last[0]}\n")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, code, err


def output_figures(out):
    pages, total, largest, largest_hub = 0, 0, (0, ""), (0, "")
    for dirpath, _, files in os.walk(out):
        for f in files:
            p = os.path.join(dirpath, f)
            size = os.path.getsize(p)
            total += size
            if f.endswith(".html"):
                pages += 1
                rel = os.path.relpath(p, out)
                if not rel.startswith("articles/"):
                    largest = max(largest, (size, rel))
    for hub in HUBS:
        p = os.path.join(out, hub)
        if os.path.exists(p):
            largest_hub = max(largest_hub, (os.path.getsize(p), hub))
    return pages, total, largest, largest_hub


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--presets", default="features,subjects")
    ap.add_argument("--runs", type=int, default=1, help="builds per binary and preset (median)")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "versus-bench-wide"))
    ap.add_argument("--versus", default=os.path.join(REPO, "target", "release", "versus"))
    ap.add_argument("--before", help="an older versus binary to measure the same way")
    args = ap.parse_args()
    if not os.path.exists(args.versus):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    binaries = [("now", args.versus)] + ([("before", args.before)] if args.before else [])
    os.makedirs(args.work, exist_ok=True)
    print(f"cores: {os.cpu_count()}; runs per figure: {args.runs} (median)")
    for preset in args.presets.split(","):
        site = os.path.join(args.work, preset)
        if not os.path.exists(os.path.join(site, ".gen_wide")):
            subprocess.run([sys.executable, GEN, "--preset", preset, "--out", site, "--clean"],
                           check=True, stdout=subprocess.DEVNULL)
        print(f"\n## gen_wide --preset {preset}")
        print("| binary | build wall s | CPU s | peak MiB | pages | pages/s | output MB | largest page | largest hub | check wall s | check CPU s | check / build |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for name, binary in binaries:
            out = os.path.join(args.work, f"{preset}-{name}-out")
            walls, cpus, rsss, check_walls, check_cpus = [], [], [], [], []
            # Builds and checks alternate, so both see the same machine.
            for _ in range(args.runs):
                shutil.rmtree(os.path.join(site, ".versus-cache"), ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
                wall, cpu, rss, code, _ = run_measured(
                    [binary, "build", "--quiet", "--root", site, "--output", out,
                     "--base-url", BASE_URL])
                if code != 0:
                    break
                walls.append(wall)
                cpus.append(cpu)
                rsss.append(rss)
                wall, cpu, _, code, _ = run_measured(
                    [binary, "check", "--quiet", "--root", site, "--base-url", BASE_URL])
                check_walls.append(wall)
                check_cpus.append(cpu)
            if not walls:
                continue
            pages, total, largest, hub = output_figures(out)
            wall = statistics.median(walls)
            check_wall = statistics.median(check_walls)
            print(f"| {name} | {wall:.1f} | {statistics.median(cpus):.1f} | {max(rsss):.0f} | "
                  f"{pages:,} | {pages / wall:,.0f} | {total / 1e6:,.0f} | "
                  f"{largest[1]} {largest[0] / 1e6:.2f} MB | {hub[1]} {hub[0] / 1e3:.0f} kB | "
                  f"{check_wall:.1f} | {statistics.median(check_cpus):.1f} | "
                  f"{check_wall / wall:.2f}× |")
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
