#!/usr/bin/env bash
# Run time against traffic: 20,000 trials of a requests workload and of an
# agent workload at 10^2 … 10^7 units per 30-day period (requests, or agent
# turns), in the default mode (compound sums where they apply) and with
# --exact (every unit simulated).
#
#   bash benches/volume.sh [MAX_EXACT_SECONDS]
#
# An exact run that would take longer than MAX_EXACT_SECONDS (default 120)
# is run with fewer trials and its time scaled up to 20,000 trials; the table
# says so. Writes the table between the VOLUME markers of benches/RESULTS.md
# and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
max_exact=${1:-120}
trials=20000

cargo build --release --quiet -p costintent
bin=target/release/costintent
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
# seconds of one run: bin run FILE TRIALS [extra args]
timed() {
  local t0 t1
  t0=$(now)
  "$bin" run "$1" --trials "$2" --quiet --format json "${@:3}" > "$work/out.json"
  t1=$(now)
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$t0" "$t1"
}
method() { # how the run simulated its workload
  python3 -c "
import json; w = json.load(open('$work/out.json'))['workloads'][0]; m = w.get('method') or {}
print('compound' if m.get('kind') == 'compound' else 'exact')"
}

requests_scenario() { # units per period -> file
  cat > "$work/requests-$1.toml" <<EOF
[scenario]
name = "requests at $1 a month"
period = "30d"
prices = "2026-11-01"
seed = 1
[[workload]]
name = "chat"
kind = "requests"
model = "openai/gpt-5-mini"
requests = { per = "day", mean = $(python3 -c "print($1 / 30)") }
input = { dist = "lognormal", median = 1200, p90 = 5000 }
output = { dist = "lognormal", median = 350, p90 = 1200 }
cached = 0.3
failures = { rate = 0.01, retries = 2, billed = "none" }
EOF
  echo "$work/requests-$1.toml"
}

agent_scenario() { # turns per period -> file (6 turns a session on average)
  cat > "$work/agent-$1.toml" <<EOF
[scenario]
name = "support chat at $1 turns a month"
period = "30d"
prices = "2026-11-01"
seed = 1
[[workload]]
name = "support"
kind = "agent"
model = "anthropic/claude-sonnet-4-6"
sessions = { per = "day", mean = $(python3 -c "print($1 / 30 / 6)") }
turns = { dist = "negbin", mean = 6, p90 = 12 }
input = { dist = "lognormal", median = 400, p90 = 2000 }
output = { dist = "lognormal", median = 250, p90 = 900 }
context = { start = 3000, window = 200000, compact_to = 20000 }
cache = { ttl = "5m", gap = { dist = "lognormal", median = "40s", p90 = "5m" } }
failures = { rate = 0.02, retries = 2, billed = "input" }
EOF
  echo "$work/agent-$1.toml"
}

table="$work/table.md"
{
  echo "| kind | units per period | default mode | method | --exact | default vs exact |"
  echo "| --- | ---: | ---: | --- | ---: | ---: |"
} > "$table"
for kind in requests agent; do
  for exp in 2 3 4 5 6 7; do
    units=$(python3 -c "print(10**$exp)")
    file=$("${kind}_scenario" "$units")
    fast=$(timed "$file" "$trials")
    how=$(method)
    # Exact: a short run first, to see whether the full one fits the budget.
    probe_trials=200
    probe=$(timed "$file" "$probe_trials" --exact)
    full_estimate=$(python3 -c "print(float('$probe') * $trials / $probe_trials)")
    if python3 -c "import sys; sys.exit(0 if float('$full_estimate') <= $max_exact else 1)"; then
      exact=$(timed "$file" "$trials" --exact)
      exact_text="${exact} s"
    else
      # Scale a run that fits the budget up to 20,000 trials.
      n=$(python3 -c "print(max(20, int($probe_trials * $max_exact / 4 / max(float('$probe'), 1e-3))))")
      n=$(( n > trials ? trials : n ))
      part=$(timed "$file" "$n" --exact)
      exact=$(python3 -c "print(f'{float(\"$part\") * $trials / $n:.1f}')")
      exact_text="${exact} s (from ${n} trials)"
    fi
    ratio=$(python3 -c "print(f'{float(\"$exact\") / max(float(\"$fast\"), 1e-3):.1f}×')")
    line="| $kind | 10^$exp | ${fast} s | $how | $exact_text | $ratio |"
    echo "$line" | tee -a "$table"
  done
done

results=benches/RESULTS.md
python3 - "$results" "$table" <<'PY'
import sys, datetime, pathlib
path, table = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]).read_text()
text = path.read_text() if path.exists() else ""
begin, end = "<!-- VOLUME BEGIN -->", "<!-- VOLUME END -->"
block = f"{begin}\n20,000 trials, 2 threads, release build, {datetime.date.today()} (`bash benches/volume.sh`):\n\n{table}{end}"
if begin in text and end in text:
    text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + "\n\n## Run time against traffic\n\n" + block + "\n"
path.write_text(text)
PY
echo "wrote the table into $results"
