#!/usr/bin/env bash
# Where a build spends its time: `perf record` of one `versus build` of the benchmark corpus,
# then the top functions by self time and the top pipeline functions by inclusive time.
#
#   scripts/profile.sh [PAGES] [cold|warm]     # default: 1000 cold
#   scripts/profile.sh callgrind [LANG] [KB]   # highlighting only, in instructions
#
# The callgrind mode counts the instructions of one cold, single-threaded pass of
# examples/bench_highlight.rs over KB (default 300) of LANG (python, html, sql, or `corpus`
# for the fenced blocks of a 300-page gen_corpus.py site) and prints the top 10 functions by
# self cost: repeatable on a shared machine, unlike wall-clock profiles. Needs valgrind.
#
# Needs `perf` (apt-get install linux-perf). Uses the release binary ($CARGO_TARGET_DIR honoured) (with debug info, see
# Cargo.toml's [profile.release]). The corpus is generated with ../shared/bench/gen_corpus.py
# under $WORK (default /tmp/versus-profile). Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-1000}
mode=${2:-cold}
work=${WORK:-/tmp/versus-profile}
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
[[ -f $gen ]] || gen=/work/shared/bench/gen_corpus.py
target=${CARGO_TARGET_DIR:-target}
if [[ $pages == callgrind ]]; then
  what=${2:-corpus}
  kb=${3:-300}
  cargo build --release --quiet --example bench_highlight
  if [[ $what == corpus ]]; then
    what=corpus:$work/versus-300
    [[ -f $work/versus-300/.gen_corpus ]] ||
      python3 "$gen" --flavor versus --n 300 --out "$work/versus-300" --clean >/dev/null
  fi
  mkdir -p "$work"
  out=$work/callgrind-${what%%:*}.out
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured*' \
    --callgrind-out-file="$out" "$target/release/examples/bench_highlight" --callgrind "$what" "$kb" 2>&1 |
    grep -E 'Collected|blocks'
  set +o pipefail
  echo "== top 10 by self instructions ($what, $kb KB)"
  callgrind_annotate "$out" 2>/dev/null | grep -E '^ *[0-9,]+ +\(' | sed -n '2,11p' |
    sed -E 's#/root/.cargo/registry/src/[^/]+/##; s#/rustc/[0-9a-f]+/##; s# \[[^]]*\]$##' | cut -c1-150
  exit 0
fi
cargo build --release --quiet
site=$work/versus-$pages
if [[ ! -f $site/.gen_corpus ]]; then
  python3 "$gen" --flavor versus --n "$pages" --out "$site" --clean >/dev/null
fi
if [[ $mode == cold ]]; then
  rm -rf "$site/.versus-cache"
else
  "$target/release/versus" build --quiet --root "$site" --output "$work/out-$pages"
fi
data=$work/perf-$pages-$mode.data
perf record -q -F 499 --call-graph dwarf,16384 -o "$data" \
  "$target/release/versus" build --quiet --root "$site" --output "$work/out-$pages" 2>/dev/null
# `head` closes the pipes early: that is not a failure.
set +o pipefail
echo "== top 10 by self time ($pages pages, $mode)"
perf report -i "$data" --no-children --sort symbol --stdio 2>/dev/null |
  grep -E '^ +[0-9]' | head -10 | sed -E 's/ +- +- *$//; s/ {2,}/  /g' | cut -c1-140
echo "== pipeline functions by inclusive time"
perf report -i "$data" --children --sort symbol --stdio 2>/dev/null |
  grep -E '^ +[0-9]' | grep -E 'versus::|syntect::parsing::parser::ParseState::parse_line|tera::vm|Value::from_serializable|remove_dir|std::fs::write' |
  grep -vE 'closure|\{\{' | head -20 | sed -E 's/ +- +- *$//; s/ {2,}/  /g' | cut -c1-140
