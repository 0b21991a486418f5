#!/usr/bin/env bash
# Where a build spends its time: `perf record` of one `versus build` of the benchmark corpus,
# then the top functions by self time and the top pipeline functions by inclusive time.
#
#   scripts/profile.sh [PAGES] [cold|warm]     # default: 1000 cold
#
# Needs `perf` (apt-get install linux-perf). Uses the release binary (with debug info, see
# Cargo.toml's [profile.release]). The corpus is generated with ../shared/bench/gen_corpus.py
# under $WORK (default /tmp/versus-profile). Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-1000}
mode=${2:-cold}
work=${WORK:-/tmp/versus-profile}
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
[[ -f $gen ]] || gen=/work/shared/bench/gen_corpus.py
cargo build --release --quiet
site=$work/versus-$pages
if [[ ! -f $site/.gen_corpus ]]; then
  python3 "$gen" --flavor versus --n "$pages" --out "$site" --clean >/dev/null
fi
if [[ $mode == cold ]]; then
  rm -rf "$site/.versus-cache"
else
  target/release/versus build --quiet --root "$site" --output "$work/out-$pages"
fi
data=$work/perf-$pages-$mode.data
perf record -q -F 499 --call-graph dwarf,16384 -o "$data" \
  target/release/versus build --quiet --root "$site" --output "$work/out-$pages" 2>/dev/null
# `head` closes the pipes early: that is not a failure.
set +o pipefail
echo "== top 10 by self time ($pages pages, $mode)"
perf report -i "$data" --no-children --sort symbol --stdio 2>/dev/null |
  grep -E '^ +[0-9]' | head -10 | sed -E 's/ +- +- *$//; s/ {2,}/  /g' | cut -c1-140
echo "== pipeline functions by inclusive time"
perf report -i "$data" --children --sort symbol --stdio 2>/dev/null |
  grep -E '^ +[0-9]' | grep -E 'versus::|syntect::parsing::parser::ParseState::parse_line|tera::vm|Value::from_serializable|remove_dir|std::fs::write' |
  grep -vE 'closure|\{\{' | head -20 | sed -E 's/ +- +- *$//; s/ {2,}/  /g' | cut -c1-140
