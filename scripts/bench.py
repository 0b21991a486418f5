#!/usr/bin/env python3
"""Build-speed benchmark: versus against Hugo on the same generated corpus.

Generates the shared deterministic corpus (../shared/bench/gen_corpus.py) for versus and for
Hugo at each size, then builds both alternately, several runs each, and prints for each tool
and size: median wall time, median CPU time (user + sys), peak memory (max RSS), pages/s, and
the versus/Hugo ratios. "cold" runs start without versus's highlight cache (and with a fresh
Hugo cache dir); "warm" runs reuse versus's on-disk highlight cache from the previous run.

Usage:
  scripts/bench.py                       # 1,000 and 10,000 pages, 3 runs each
  scripts/bench.py --sizes 1000 --runs 5
  scripts/bench.py --no-hugo             # versus only

Needs: a release build of versus (built by this script with cargo), Hugo (`apt-get install
hugo`) unless --no-hugo. Standard library only. Prints figures; asserts nothing.
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
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")


def run_measured(cmd, cwd=None, env=None):
    """Runs cmd, returns (wall s, cpu s, max rss MiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(f"command failed ({code}): {' '.join(cmd)}\n{err[-2000:]}\n")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, code


def generate(flavor, n, root):
    out = os.path.join(root, f"{flavor}-{n}")
    if not os.path.exists(os.path.join(out, ".gen_corpus")):
        subprocess.run([sys.executable, GEN, "--n", str(n), "--out", out, "--flavor", flavor, "--clean"],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "versus-bench"))
    ap.add_argument("--versus", default=os.path.join(REPO, "target", "release", "versus"))
    args = ap.parse_args()

    if args.versus == os.path.join(REPO, "target", "release", "versus"):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    hugo = None if args.no_hugo else shutil.which("hugo")
    if not args.no_hugo and hugo is None:
        sys.exit("hugo not found: apt-get install hugo, or pass --no-hugo")
    os.makedirs(args.work, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; runs per figure: {args.runs}; median shown")
    if hugo:
        ver = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
        print(f"hugo: {ver}")

    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        vsite = generate("versus", n, args.work)
        hsite = generate("hugo", n, args.work) if hugo else None
        vout = os.path.join(args.work, f"out-versus-{n}")
        hout = os.path.join(args.work, f"out-hugo-{n}")
        results = {"versus cold": [], "versus warm": [], "hugo": []}
        for _ in range(args.runs):
            # Cold: no highlight cache from an earlier run.
            shutil.rmtree(os.path.join(vsite, ".versus-cache"), ignore_errors=True)
            results["versus cold"].append(run_measured([args.versus, "build", "--quiet", "--root", vsite, "--output", vout]))
            if hugo:
                cache = tempfile.mkdtemp(prefix="hugo-cache-")
                shutil.rmtree(hout, ignore_errors=True)
                results["hugo"].append(run_measured([hugo, "--quiet", "-s", hsite, "-d", hout, "--cacheDir", cache]))
                shutil.rmtree(cache, ignore_errors=True)
            results["versus warm"].append(run_measured([args.versus, "build", "--quiet", "--root", vsite, "--output", vout]))
        for name, rs in results.items():
            if not rs:
                continue
            wall = statistics.median(r[0] for r in rs)
            cpu = statistics.median(r[1] for r in rs)
            rss = max(r[2] for r in rs)
            rows.append((n, name, wall, cpu, rss, n / wall if wall else 0.0))

    print()
    print(f"{'pages':>7}  {'tool':<12} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} {'pages/s':>9} {'wall vs hugo':>13} {'mem vs hugo':>12}")
    by = {(r[0], r[1]): r for r in rows}
    for r in rows:
        h = by.get((r[0], "hugo"))
        ratio = f"{r[2] / h[2]:.2f}x" if h and r[1] != "hugo" else ""
        mem = f"{r[4] / h[4]:.2f}x" if h and r[1] != "hugo" else ""
        print(f"{r[0]:>7}  {r[1]:<12} {r[2]:>8.2f} {r[3]:>8.2f} {r[4]:>9.0f} {r[5]:>9.0f} {ratio:>13} {mem:>12}")
    sizes = sorted({r[0] for r in rows})
    if len(sizes) >= 2:
        a, b = sizes[0], sizes[-1]
        for tool in ("versus cold", "hugo"):
            if (a, tool) in by and (b, tool) in by:
                print(f"scaling {tool}: {b} pages take {by[(b, tool)][2] / by[(a, tool)][2]:.1f}x the time of {a}")
    # Start-up: a one-page site, many runs.
    one = os.path.join(args.work, "one-page")
    os.makedirs(os.path.join(one, "content"), exist_ok=True)
    with open(os.path.join(one, "content", "a.md"), "w") as f:
        f.write('+++\ntitle = "A"\n+++\nHello.\n\n```python\nprint(1)\n```\n')
    walls = [run_measured([args.versus, "build", "--quiet", "--root", one, "--output", os.path.join(one, "out")])[0] for _ in range(10)]
    print(f"start-up (one-page site with a code block): median {statistics.median(walls) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
