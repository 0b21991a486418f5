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
#
# EDIT picks the kind of save (default `all`: the three below in turn, each on a fresh server):
#   body      append a line to the article's body (the server's page-text route)
#   front     change the article's title in its front matter (the model route)
#   template  override templates/404.html with a changed copy (the templates route)
# SERVE_LOG=FILE keeps the server's stderr; with VERSUS_SERVE_TIMINGS=1 it holds per-step times.
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
EDIT=${EDIT:-all}
if [[ $EDIT == all ]]; then kinds=(body front template); else kinds=("$EDIT"); fi
for site in "${sites[@]}"; do
for kind in "${kinds[@]}"; do
  python3 - "$VERSUS" "$site" "$RUNS" "$kind" "${SERVE_LOG:-/dev/null}" <<'PY'
import json, os, re, shutil, socket, statistics, subprocess, sys, time, glob

versus, site, runs, kind, log = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
template_dir = os.path.join(site, "templates")
made_template_dir = False
if kind == "template":
    # Made before the server starts: a new folder would trigger a rebuild of its own, whose
    # event the first save would be timed by.
    made_template_dir = not os.path.isdir(template_dir)
    os.makedirs(template_dir, exist_ok=True)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
proc = subprocess.Popen([versus, "serve", "--root", site, "--port", str(port)],
                        stdout=subprocess.PIPE, stderr=open(log, "a"), text=True)
first = ""
for line in proc.stdout:
    if line.startswith("built"):
        first = line.strip()
    if "http://" in line:
        break
articles = sorted(glob.glob(os.path.join(site, "content", "**", "*.md"), recursive=True))
articles = [a for a in articles if not os.path.basename(a).startswith("_") and "/subjects/" not in a]
target = articles[len(articles) // 2]
if kind == "template":
    target = os.path.join(template_dir, "404.html")
    theme = os.path.join(os.getcwd(), "themes", "default", "templates", "404.html")
    had_template = os.path.exists(target)
    original = open(target if had_template else theme, "rb").read()
else:
    original = open(target, "rb").read()

def edit(i):
    if kind == "body":
        with open(target, "ab") as f:
            f.write(f"\nBenchmark edit {i}.\n".encode())
    elif kind == "front":
        text = original.decode()
        new = re.sub(r'^title = "(.*)"$', lambda m: f'title = "{m.group(1)} {i}"', text, count=1, flags=re.M)
        open(target, "w").write(new)
    elif kind == "template":
        # Inside the block: a child template may hold nothing outside its blocks.
        text = original.decode().replace("{% endblock main %}", f"<!-- benchmark edit {i} -->{{% endblock main %}}", 1)
        open(target, "w").write(text)
    else:
        sys.exit(f"unknown EDIT={kind}: body, front or template")
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
                if e["type"] == "errors":
                    raise SystemExit(f"the rebuild failed: {e['errors']}")
next_event("hello")
times, server_ms = [], []
try:
    for i in range(runs):
        time.sleep(0.3)
        t0 = time.perf_counter()
        edit(i)
        e = next_event("change")
        times.append((time.perf_counter() - t0) * 1000)
        server_ms.append(e["ms"])
finally:
    if kind == "template":
        if made_template_dir:
            shutil.rmtree(template_dir)
        elif not had_template:
            os.remove(target)
        else:
            open(target, "wb").write(original)
    else:
        open(target, "wb").write(original)
    proc.terminate(); proc.wait()
print(f"{site}: {first}")
print(f"  {kind} edit of {os.path.relpath(target, site)}, {runs} saves: save→event median "
      f"{statistics.median(times):.0f} ms, worst {max(times):.0f} ms "
      f"(server: median {statistics.median(server_ms):.0f} ms from the debounced event "
      f"to the published rebuild; the debounce adds ~20-25 ms)")
PY
done
done
