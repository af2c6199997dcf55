#!/usr/bin/env bash
# Regenerates the sample reports: one folder per scenario in scenarios/,
# with the scenario's own seed and trial count. `cargo test` (tests/reports.rs)
# fails when a committed report differs from what the code now produces.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet -p costintent
bin=target/debug/costintent
for scenario in scenarios/*.toml; do
  stem=$(basename "$scenario" .toml)
  rm -rf "reports/$stem"
  "$bin" run "$scenario" --out "reports/$stem" --quiet --format json > /dev/null
  echo "reports/$stem"
done
