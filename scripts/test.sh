#!/usr/bin/env bash
# Runs every test: formatting, lints, unit and integration tests, and the showcase site in
# strict mode. This is the command in the README and the one CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
cargo run --locked --quiet -- build --strict --quiet --output "${TMPDIR:-/tmp}/versus-showcase-check"
