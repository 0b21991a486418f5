#!/usr/bin/env bash
# Builds the same sites with two versus binaries and compares every output file byte for byte.
# Used to show that a refactor or an optimisation changes nothing a reader gets.
#
#   scripts/compare-output.sh OLD_BINARY NEW_BINARY [SITE_DIR ...]
#
# Without SITE_DIR: the showcase (this repository) and a 1,000-page corpus from
# ../shared/bench/gen_corpus.py (generated once under $TMPDIR). Each site is copied to a
# scratch folder per binary, so neither build sees the other's highlight cache. Prints one line
# per site and exits 1 if any output differs (with the first differences listed).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
[ $# -ge 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY [SITE_DIR ...]" >&2; exit 2; }
old=$(realpath "$1"); new=$(realpath "$2"); shift 2
work="${TMPDIR:-/tmp}/versus-compare"
mkdir -p "$work"
sites=("$@")
if [ ${#sites[@]} -eq 0 ]; then
  corpus="$work/corpus-1000"
  [ -f "$corpus/.gen_corpus" ] || python3 ../shared/bench/gen_corpus.py --n 1000 \
    --out "$corpus" --flavor versus --clean >/dev/null
  sites=("$repo" "$corpus")
fi
status=0
for site in "${sites[@]}"; do
  name=$(basename "$(realpath "$site")")
  for which in old new; do
    rm -rf "$work/$name-$which-src" "$work/$name-$which-out"
    mkdir -p "$work/$name-$which-src"
    # The sources only: no earlier output or cache.
    (cd "$site" && tar --exclude=./site --exclude=./.versus-cache --exclude=./target \
      --exclude=./.git -cf - .) | tar -C "$work/$name-$which-src" -xf -
    bin=$old; [ $which = new ] && bin=$new
    "$bin" build --quiet --root "$work/$name-$which-src" --output "$work/$name-$which-out" \
      || { echo "$name: build with $bin failed" >&2; status=1; }
  done
  if diff -rq "$work/$name-old-out" "$work/$name-new-out" >"$work/$name.diff" 2>&1; then
    count=$(find "$work/$name-new-out" -type f | wc -l)
    echo "$name: identical ($count files)"
  else
    echo "$name: DIFFERENT ($(wc -l <"$work/$name.diff") files differ)"
    head -20 "$work/$name.diff"
    status=1
  fi
done
exit $status
