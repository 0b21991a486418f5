#!/usr/bin/env bash
# Time from saving one article to the live-reload event of `versus serve`.
#
#   scripts/bench-serve.sh [SITE_DIR ...]
#
# With no arguments: the showcase (this repository) and a generated 10,000-page corpus
# (../shared/bench/gen_corpus.py, or $GEN_CORPUS). Each run starts `versus serve` on a free
# port, opens the event stream, appends a line to one article N times (default 10, $RUNS)
# and prints the median and worst save→event time, plus the rebuild time the server reports.
# The edited file is restored afterwards. Uses the release binary ($VERSUS to override).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
VERSUS=${VERSUS:-target/release/versus}
if [[ ! -x $VERSUS || -n ${BUILD:-} ]]; then
  cargo build --release --quiet
fi
sites=("$@")
if [[ ${#sites[@]} -eq 0 ]]; then
  corpus=${CORPUS:-/tmp/versus-bench-10k}
  gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
  [[ -f $gen ]] || gen=/work/shared/bench/gen_corpus.py
  if [[ ! -d $corpus/content ]]; then
    python3 "$gen" --flavor versus --n 10000 --out "$corpus" >/dev/null
  fi
  sites=(. "$corpus")
fi
for site in "${sites[@]}"; do
  python3 - "$VERSUS" "$site" "$RUNS" <<'PY'
import json, os, socket, statistics, subprocess, sys, time, glob

versus, site, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
proc = subprocess.Popen([versus, "serve", "--root", site, "--port", str(port)],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
first = ""
for line in proc.stdout:
    if line.startswith("built"):
        first = line.strip()
    if "http://" in line:
        break
articles = sorted(glob.glob(os.path.join(site, "content", "**", "*.md"), recursive=True))
articles = [a for a in articles if not os.path.basename(a).startswith("_") and "/subjects/" not in a]
target = articles[len(articles) // 2]
original = open(target, "rb").read()
ev = socket.create_connection(("127.0.0.1", port))
ev.sendall(b"GET /__versus/events HTTP/1.1\r\nHost: x\r\n\r\n")
buf = b""
def next_event(kind):
    global buf
    while True:
        while b"\n\n" not in buf:
            buf += ev.recv(65536)
        block, buf = buf.split(b"\n\n", 1)
        for line in block.split(b"\n"):
            if line.startswith(b"data: "):
                e = json.loads(line[6:])
                if e["type"] == kind:
                    return e
next_event("hello")
times, server_ms = [], []
try:
    for i in range(runs):
        time.sleep(0.3)
        t0 = time.perf_counter()
        with open(target, "ab") as f:
            f.write(f"\nBenchmark edit {i}.\n".encode())
        e = next_event("change")
        times.append((time.perf_counter() - t0) * 1000)
        server_ms.append(e["ms"])
finally:
    open(target, "wb").write(original)
    proc.terminate(); proc.wait()
print(f"{site}: {first}")
print(f"  edit {os.path.relpath(target, site)}, {runs} saves: save→event median "
      f"{statistics.median(times):.0f} ms, worst {max(times):.0f} ms "
      f"(server: median {statistics.median(server_ms):.0f} ms from the debounced event "
      f"to the published rebuild; the debounce adds ~30 ms)")
PY
done
