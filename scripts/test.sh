#!/usr/bin/env bash
# Runs every test: formatting, lints, unit and integration tests (including the end-to-end
# test of `versus serve` in headless Chromium), the showcase site built with --strict, the Nu
# HTML Checker over every page, and the browser tests (the theme: axe-core, matrix, search;
# `versus serve` under stress with many tabs).
# This is the command in the README and the one CI runs (.ci/run installs what it needs).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked --no-fail-fast
# The fuzz targets (fuzz/, run with cargo-fuzz on nightly) must keep compiling against the
# library; checking them needs no nightly.
cargo check --quiet --locked --manifest-path fuzz/Cargo.toml --bins
site="${TMPDIR:-/tmp}/versus-showcase-check"
cargo run --locked --quiet -- build --strict --quiet --output "$site"
cargo run --locked --quiet -- check --strict --quiet
scripts/validate-html.sh "$site"
scripts/browser-tests.sh
# The page kinds only big and right-to-left sites have (per-group, pair-group and
# subject-group pages, pagination, the reader's view; dir="rtl"), made by the browser tests.
scripts/validate-html.sh target/browser-wide
scripts/validate-html.sh target/browser-arabic
