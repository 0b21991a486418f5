#!/usr/bin/env bash
# Browser tests of the default theme in headless Chromium (chromedriver): axe-core on every page
# kind in light and dark, matrix sorting/filtering, the reader's comparison view, search, the
# theme toggle — on the showcase and on a generated wide site (tests/browser/wide_site.py:
# 14 subjects, 1,200 features, per_page 50) where the big layouts appear.
# Needs /usr/bin/chromium, /usr/bin/chromedriver, python3, and axe-core (npm install axe-core
# in tests/browser/, or AXE_JS=/path/to/axe.min.js). Takes a few minutes.
# Usage: scripts/browser-tests.sh [--screenshots DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/browser-site
wide_src=target/browser-wide-src
wide=target/browser-wide
cargo run --quiet -- build --output "$out"
rm -rf "$wide_src"
python3 tests/browser/wide_site.py "$wide_src"
cargo run --quiet -- build --quiet --root "$wide_src" --output "$wide"
axe="${AXE_JS:-tests/browser/node_modules/axe-core/axe.min.js}"
if [ ! -f "$axe" ]; then
  (cd tests/browser && npm install --no-save --silent axe-core)
fi
exec python3 tests/browser/run.py "$out" --wide "$wide" --axe "$axe" "$@"
