#!/usr/bin/env bash
# Regenerates the sample reports: one folder per scenario in scenarios/ (with
# the scenario's own seed and trial count) plus the extra runs listed in
# tests/reports.rs. That test produces them, so there is one list of what
# reports/ holds; `cargo test` fails when a committed report is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
COSTINTENT_UPDATE_REPORTS=1 cargo test --quiet -p costintent --test end_to_end reports::
ls -d reports/*/
