#!/usr/bin/env bash
# Browser tests in Debian's headless Chromium:
#  * the default theme (tests/browser/run.py, chromedriver): axe-core on every page kind in
#    light and dark, matrix sorting/filtering, the reader's comparison view, search (also on a
#    generated site of many pages), the theme toggle — on the showcase and on a generated wide
#    site (tests/browser/wide_site.py: 14 subjects, 1,200 features, per_page 50) where the big
#    layouts appear; and sorting of values, versions and declared levels on the fixture site
#    (tests/browser/fixture), built under /fixture/ of the showcase's output; and a
#    right-to-left site in Arabic (tests/browser/arabic): dir, mirrored layout, axe, the
#    comparison view, screenshots; a few minutes;
#  * `versus serve` under stress (tests/browser/serve-stress.mjs, playwright-core): many tabs
#    in several browser contexts, rapid and broken saves, stylesheet swaps, back/forward,
#    restarts, a failing first build, 20 rounds (STRESS_ROUNDS); about two minutes.
# Needs /usr/bin/chromium, /usr/bin/chromedriver, python3, node and the npm packages pinned in
# tests/browser/package-lock.json (installed here with `npm ci` when missing; AXE_JS may name
# another axe.min.js). No browser is downloaded.
# Usage: scripts/browser-tests.sh [--screenshots DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/browser-site
wide_src=target/browser-wide-src
wide=target/browser-wide
cargo run --quiet -- build --output "$out"
cargo run --quiet -- build --root tests/browser/fixture --strict --quiet --output "$out/fixture" --base-url /fixture/
# A right-to-left site: the theme in Arabic.
rtl=target/browser-arabic
cargo run --quiet -- build --root tests/browser/arabic --strict --quiet --output "$rtl"
rm -rf "$wide_src"
python3 tests/browser/wide_site.py "$wide_src"
cargo run --quiet -- build --quiet --root "$wide_src" --output "$wide"
# A site of many pages, for search at scale.
big=target/browser-big-site
python3 tests/browser/big_site.py "$big/src"
cargo run --quiet -- build --quiet --root "$big/src" --output "$big/out"
versus="${CARGO_TARGET_DIR:-target}/debug/versus"
modules=tests/browser/node_modules
if [ ! -f "$modules/axe-core/axe.min.js" ] || [ ! -f "$modules/playwright-core/package.json" ]; then
  (cd tests/browser && npm ci --silent --no-audit --no-fund)
fi
axe="${AXE_JS:-$modules/axe-core/axe.min.js}"
status=0
python3 tests/browser/run.py "$out" --wide "$wide" --big "$big/out" --rtl "$rtl" --fixture /fixture/ --axe "$axe" "$@" || status=1
node tests/browser/serve-stress.mjs --versus "$versus" --rounds "${STRESS_ROUNDS:-20}" || status=1
exit $status
