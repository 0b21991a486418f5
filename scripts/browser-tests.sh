#!/usr/bin/env bash
# Browser tests of the default theme in headless Chromium (chromedriver): axe-core on five
# page kinds in light and dark, matrix sorting/filtering, search (also on a generated site of
# many pages), the theme toggle, and sorting of values, versions and declared levels on the
# fixture site (tests/browser/fixture), built under /fixture/ of the same output.
# Needs /usr/bin/chromium, /usr/bin/chromedriver, python3, and axe-core (npm install axe-core
# in tests/browser/, or AXE_JS=/path/to/axe.min.js). Takes about a minute.
# Usage: scripts/browser-tests.sh [--screenshots DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/browser-site
cargo run --quiet -- build --output "$out"
cargo run --quiet -- build --root tests/browser/fixture --strict --quiet --output "$out/fixture" --base-url /fixture/
# A site of many pages, for search at scale.
big=target/browser-big-site
python3 tests/browser/big_site.py "$big/src"
cargo run --quiet -- build --quiet --root "$big/src" --output "$big/out"
axe="${AXE_JS:-tests/browser/node_modules/axe-core/axe.min.js}"
if [ ! -f "$axe" ]; then
  (cd tests/browser && npm install --no-save --silent axe-core)
fi
exec python3 tests/browser/run.py "$out" --big "$big/out" --fixture /fixture/ --axe "$axe" "$@"
