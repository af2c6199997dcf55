#!/usr/bin/env bash
# Runs every fuzz target (or those named) for a fixed time each, one after
# another, on one core: `fuzz/run.sh 12` runs each for 12 minutes;
# `fuzz/run.sh 5 logs_detect logs_format` runs two of them for 5 minutes.
#
# New inputs go to fuzz/grown/<target> (not committed), seeded from the kept
# corpus in fuzz/corpus/<target>; crashes to fuzz/artifacts/<target>/; the
# log of each run to fuzz/grown/<target>.log, whose last lines give the
# executions (`Done N runs in S second(s)`). Needs the nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`).
#
# Leak detection is off: the engine runs on rayon pools whose worker threads
# are still exiting when a run returns, which LeakSanitizer reports as a
# 64-byte leak of thread-exit bookkeeping (a false positive; Rust code that
# leaks is not unsafe either).
set -uo pipefail
cd "$(dirname "$0")"
minutes=${1:-12}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(scenario_text scenario_structured catalog_litellm catalog_genai_prices catalog_file logs_detect logs_format)
fi
cargo +nightly fuzz build || exit 1
for target in "${targets[@]}"; do
    mkdir -p "grown/$target" "artifacts/$target"
    # libFuzzer takes the longest seed as the longest input; structured
    # inputs are edit scripts whose seeds are short, so they get room to grow.
    max_len=()
    [ "$target" = scenario_structured ] && max_len=(-max_len=256)
    echo "== $target: $minutes min" >&2
    cargo +nightly fuzz run "$target" "grown/$target" "corpus/$target" -- \
        -max_total_time=$((minutes * 60)) "${max_len[@]}" -timeout=30 -rss_limit_mb=3072 -detect_leaks=0 \
        -artifact_prefix="artifacts/$target/" -print_final_stats=1 \
        >"grown/$target.log" 2>&1
    echo "   exit $?: $(grep -E '^Done|^#[0-9]+ +DONE' "grown/$target.log" | tail -1)" >&2
done
