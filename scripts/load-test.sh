#!/usr/bin/env bash
# Load test of the preview server: `versus serve` on a copy of the showcase site, wrk with
# 1,000 connections for 30 s over several pages while a content file is edited every 100 ms.
# Checks: every answer 200; no partial page while edits happen (each fetched page is complete
# HTML); no stale page after edits stop (the last edit shows up); every page equal to a fresh
# `versus build` of the same files (after removing the live-reload script the server injects);
# memory flat (VmRSS sampled every second). Prints requests/s and latency percentiles.
#
#   scripts/load-test.sh                  # defaults below
#   CONNS=1000 DURATION=30s PORT=18080 scripts/load-test.sh
#
# Needs: wrk (Debian package), curl, python3, and `versus serve --root DIR --port N`.
# Exit status: 0 when every check passed, 1 otherwise.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-18080}
CONNS=${CONNS:-1000}
THREADS=${THREADS:-2}
DURATION=${DURATION:-30s}
EDIT_FILE=${EDIT_FILE:-content/articles/django-vs-flask.md}
EDIT_URL=${EDIT_URL:-/articles/django-vs-flask/}
PATHS=${PATHS:-"/ /articles/django-vs-flask/ /subjects/flask/ /compare/ /compare/django-vs-flask/ /features/ /articles/databases-and-orm/"}
# What the server adds to pages for live reload, removed before comparing with a build.
INJECT_RE=${INJECT_RE:-'<script[^>]*>(?:(?!</script>).)*(?:reload|__versus|EventSource|WebSocket)(?:(?!</script>).)*</script>\s*|<script[^>]*src="[^"]*(?:reload|__versus)[^"]*"[^>]*>\s*</script>\s*'}

fail=0
note() { printf '%s\n' "$*" >&2; }
bad() { note "FAIL: $*"; fail=1; }

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
note "open files limit: $(ulimit -n)"

note "building release binary..."
(cd "$repo" && cargo build --release --quiet) || { note "cargo build failed"; exit 1; }
versus="$repo/target/release/versus"

work=$(mktemp -d)
site="$work/site"
mkdir -p "$site"
cp -r "$repo/content" "$repo/versus.toml" "$site/"
[ -d "$repo/themes" ] && cp -r "$repo/themes" "$site/" 2>/dev/null
server_pid=""
cleanup() {
    [ -n "${edit_pid:-}" ] && kill "$edit_pid" 2>/dev/null
    [ -n "${rss_pid:-}" ] && kill "$rss_pid" 2>/dev/null
    [ -n "${probe_pid:-}" ] && kill "$probe_pid" 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

"$versus" serve --root "$site" --port "$PORT" >"$work/serve.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$PORT"
for _ in $(seq 1 200); do
    curl -fsS -o /dev/null "$base/" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { note "server exited:"; cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
done
curl -fsS -o /dev/null "$base/" || { note "server does not answer on $base"; exit 1; }
note "server pid $server_pid on $base"

# Memory: VmRSS in kB, once a second, for the whole run.
(
    while kill -0 "$server_pid" 2>/dev/null; do
        awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status" 2>/dev/null
        sleep 1
    done
) >"$work/rss.txt" &
rss_pid=$!

# Edits: a new paragraph every 100 ms, written like editors save (temp file + rename), so
# the server never has a half-written source to read.
orig="$site/$EDIT_FILE"
cp "$orig" "$work/orig.md"
(
    n=0
    while :; do
        n=$((n + 1))
        { cat "$work/orig.md"; printf '\nEdit marker %d.\n' "$n"; } >"$orig.tmp-edit"
        mv "$orig.tmp-edit" "$orig"
        echo "$n" >"$work/last-edit"
        sleep 0.1
    done
) &
edit_pid=$!

# Partial pages: during the run, fetch every page in turn and check it is a whole 200 page.
(
    while :; do
        for p in $PATHS; do
            code=$(curl -s -o "$work/probe.html" -w '%{http_code}' --max-time 30 "$base$p")
            if [ "$code" != 200 ]; then
                echo "status $code $p"
            elif ! grep -q '</html>' "$work/probe.html"; then
                echo "partial $p ($(wc -c <"$work/probe.html") bytes)"
            fi
            echo ok >>"$work/probes"
        done
    done
) >"$work/probe-failures.txt" 2>/dev/null &
probe_pid=$!

note "wrk -t$THREADS -c$CONNS -d$DURATION over: $PATHS"
LOAD_PATHS="$PATHS" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s --latency \
    -s "$repo/scripts/load/urls.lua" "$base" | tee "$work/wrk.txt"

kill "$probe_pid" "$edit_pid" 2>/dev/null
wait "$probe_pid" "$edit_pid" 2>/dev/null
probe_pid="" edit_pid=""
last=$(cat "$work/last-edit" 2>/dev/null || echo 0)
note "edits made: $last; probe fetches: $(wc -l <"$work/probes" 2>/dev/null || echo 0)"

# Checks on wrk's own counts.
non200=$(awk '/^LOAD requests=/ {split($3, a, "="); print a[2]}' "$work/wrk.txt")
sockerr=$(awk '/^LOAD requests=/ {split($4, a, "="); print a[2]}' "$work/wrk.txt")
[ "${non200:-x}" = 0 ] || bad "non-200 answers under load: ${non200:-unknown}"
[ "${sockerr:-x}" = 0 ] || bad "socket errors under load: ${sockerr:-unknown} (see wrk output)"
if [ -s "$work/probe-failures.txt" ]; then
    bad "pages fetched during edits that were not whole 200 pages: $(wc -l <"$work/probe-failures.txt")"
    head -20 "$work/probe-failures.txt" >&2
fi

# Stale: the last edit must be served within a few seconds of the edits stopping.
stale=1
for _ in $(seq 1 50); do
    if curl -fsS "$base$EDIT_URL" | grep -q "Edit marker $last\."; then
        stale=0
        break
    fi
    sleep 0.1
done
[ "$stale" = 0 ] || bad "$EDIT_URL does not show the last edit ($last) 5 s after edits stopped"

# Every page equal to a fresh build of the same files.
sleep 1
# serve points base_url at itself, so compare with a build for the same base URL.
"$versus" build --root "$site" --base-url "$base/" --output "$work/fresh" --quiet >/dev/null 2>&1 || bad "fresh build failed"
for p in $PATHS; do
    f="$work/fresh${p}index.html"
    curl -fsS "$base$p" >"$work/served.html" || { bad "fetch $p failed"; continue; }
    if ! INJECT_RE="$INJECT_RE" python3 - "$work/served.html" "$f" <<'PY'
import os, re, sys
rx = re.compile(os.environ["INJECT_RE"], re.S)
served, built = (rx.sub("", open(p, encoding="utf-8").read()) for p in sys.argv[1:3])
if served != built:
    import difflib
    d = difflib.unified_diff(built.splitlines(), served.splitlines(), "build", "served", lineterm="", n=1)
    print("\n".join(list(d)[:30]), file=sys.stderr)
    sys.exit(1)
PY
    then
        bad "$p served differs from a fresh build"
    fi
done

# Memory: ten seconds after a 5 s warm-up (1,000 connections opening, buffers filling) vs. the
# last ten seconds of samples.
python3 - "$work/rss.txt" <<'PY'
import sys
xs = [int(l) for l in open(sys.argv[1]) if l.strip().isdigit()]
if len(xs) < 8:
    print("MEMORY too few samples"); sys.exit()
skip = min(5, len(xs) // 4)
k = min(10, (len(xs) - skip) // 2)
a, b = sum(xs[skip:skip + k]) / k, sum(xs[-k:]) / k
print(f"MEMORY VmRSS kB: min={min(xs)} max={max(xs)} after-warm-up {k}s avg={a:.0f} last {k}s avg={b:.0f} growth={(b - a) / a * 100:+.1f}%")
print("MEMORY samples:", " ".join(map(str, xs)))
PY

grep '^LOAD' "$work/wrk.txt"
if [ "$fail" = 0 ]; then note "load test: all checks passed"; else note "load test: FAILED"; fi
exit "$fail"
