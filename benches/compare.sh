#!/usr/bin/env bash
# Whole-run benchmark: costintent against the hand-written numpy peer on the
# reference workload, in the same run on the same machine.
#
#   bash benches/compare.sh [TRIALS] [PEER_DIR]
#
# TRIALS defaults to 100000; PEER_DIR defaults to ../shared/bench (it must hold
# peer_numpy.py). Needs python3; numpy is installed into target/bench-venv.
# Prints trials/s for numpy and for costintent (by default, and with --exact;
# on 1 and 2 threads), the ratios, and a check that mean, p50, p90 and p99 of
# both costintent runs agree with numpy's within Monte Carlo error.
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-100000}
peer_dir=${2:-../shared/bench}
peer="$peer_dir/peer_numpy.py"
[ -f "$peer" ] || { echo "error: $peer not found (pass the folder holding peer_numpy.py)" >&2; exit 2; }

venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet numpy
fi

cargo build --release --quiet -p costintent
bin=target/release/costintent
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$1" "$2"; }
run_ours() { # threads [extra args] -> seconds
  local t0 t1
  t0=$(now)
  "$bin" run benches/reference.toml --trials "$trials" --seed 1 --threads "$1" --quiet --format json "${@:2}" > /dev/null
  t1=$(now)
  elapsed "$t0" "$t1"
}

echo "reference workload, $trials trials"
# numpy: its own timer covers the simulation only; we also time the whole process.
# OPENBLAS_* variables slow numpy on some processors here and do not affect
# this workload's results; unset them for this command alone.
t0=$(now)
np_line=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" "$peer" "$trials" 1 --dump "$work/numpy.f64")
t1=$(now)
echo "numpy peer:      $np_line"
np_wall=$(elapsed "$t0" "$t1")

# The default (compound sums where they apply) and --exact (every unit).
fast1=$(run_ours 1)
fast2=$(run_ours 2)
exact1=$(run_ours 1 --exact)
exact2=$(run_ours 2 --exact)
"$bin" run benches/reference.toml --trials "$trials" --seed 1 --threads 2 --quiet --format json --out "$work/fast" > "$work/fast.json"
"$bin" run benches/reference.toml --trials "$trials" --seed 1 --threads 2 --quiet --format json --exact --out "$work/exact" > /dev/null

"$venv/bin/python" benches/compare_stats.py \
  --trials "$trials" --numpy-line "$np_line" --numpy-wall "$np_wall" \
  --fast1 "$fast1" --fast2 "$fast2" --exact1 "$exact1" --exact2 "$exact2" \
  --fast-csv "$work/fast/trials.csv" --fast-json "$work/fast.json" \
  --exact-csv "$work/exact/trials.csv" --numpy-dump "$work/numpy.f64"
