#!/usr/bin/env bash
# Log-reading benchmark: `costintent logs summarize` on a synthetic Claude Code
# transcript of 1 GB (and 4 GB), with throughput and peak memory, and ccusage
# on the same file when it installs from the npm registry.
#
#   bash benches/logs.sh [SIZE_GB ...]        (default: 1 4)
#
# Needs python3 (standard library only) and /usr/bin/time; ccusage is
# optional (node and npm). The file is written under $TMPDIR, in the folder
# layout ccusage reads (CLAUDE_CONFIG_DIR/projects/<project>/<session>.jsonl),
# and deleted afterwards. Both tools read it right after it was written, so
# from the page cache: the figures are parsing speed, not disk speed.
# The script fails if costintent's token totals differ from the generator's.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 4)
ccusage_version=20.0.24 # 20.0.26 has no linux-x64 native package on npm

# Parquet (polars) is not needed: the default build is enough and takes about a minute.
cargo build --release --quiet -p costintent
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/costintent"

ccusage=""
if command -v npm > /dev/null; then
  node_dir="$target_dir/bench-node"
  if [ ! -x "$node_dir/node_modules/.bin/ccusage" ]; then
    mkdir -p "$node_dir"
    npm install --silent --no-audit --no-fund --prefix "$node_dir" "ccusage@$ccusage_version" > /dev/null 2>&1 || true
  fi
  [ -x "$node_dir/node_modules/.bin/ccusage" ] && ccusage="$node_dir/node_modules/.bin/ccusage"
fi
[ -n "$ccusage" ] || echo "ccusage did not install from the npm registry; comparing nothing"

work=$(mktemp -d "${TMPDIR:-/tmp}/costintent-logs-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
file="$work/claude/projects/bench/session.jsonl"
mkdir -p "$(dirname "$file")"

# `/usr/bin/time -v` output -> "wall_seconds max_rss_kb cpu_seconds"
measure() { python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", text).group(1).strip()
parts = [float(p) for p in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
cpu = sum(float(re.search(p + r": ([\d.]+)", text).group(1)) for p in ("User time \\(seconds\\)", "System time \\(seconds\\)"))
print(f"{secs:.2f} {rss} {cpu:.2f}")
EOF
}

echo "machine: $(nproc) cores, $(python3 -c 'import os; print(round(os.sysconf("SC_PAGE_SIZE")*os.sysconf("SC_PHYS_PAGES")/2**30))') GiB; $(uptime | sed 's/.*load/load/')"
for gb in "${sizes[@]}"; do
  bytes=$((gb * 1000000000))
  python3 benches/gen_claude_logs.py --bytes "$bytes" --out "$file" --expect "$work/expect.json"
  size_mb=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1]) / 1e6)" "$file")
  echo
  echo "== ${gb} GB Claude Code transcript: $(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print("{:,} lines, {:,} responses, {:,} sessions".format(e["lines"], e["responses"], e["sessions"]))' "$work/expect.json")"
  for threads in 2 1; do  # the 2-thread figure is the one to read; 1 thread for scale
    /usr/bin/time -v "$bin" logs summarize "$work/claude" --format json --quiet --threads "$threads" \
      > "$work/ours.json" 2> "$work/ours.time"
    read -r secs rss cpu < <(measure "$work/ours.time")
    if [ "$threads" = 2 ]; then secs2=$secs; fi
    printf 'costintent, %s thread(s): %6.2f s  %6.0f MB/s  peak RSS %5.0f MB  (CPU %.2f s: %.0f MB per CPU-second)\n' \
      "$threads" "$secs" "$(python3 -c "print($size_mb / $secs)")" "$(python3 -c "print($rss / 1024)")" \
      "$cpu" "$(python3 -c "print($size_mb / max($cpu, 0.01))")"
  done
  python3 - "$work/ours.json" "$work/expect.json" <<'EOF'
import json, sys
ours, expect = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
t, e = ours["totals"], expect["uncached"]
got = {
    "input_tokens": t["input_tokens"] - t["cache_read_tokens"] - t["cache_write_tokens"],
    "cache_creation_tokens": t["cache_write_tokens"],
    "cache_read_tokens": t["cache_read_tokens"],
    "output_tokens": t["output_tokens"],
}
ok = got == e and ours["records"] == expect["responses"] + expect["api_errors"]
print(f"costintent totals {'agree' if ok else 'DISAGREE'} with the generator: {got}; cost ${t['cost_usd']:,.2f}")
if not ok:
    print(f"  expected {e}, {expect['responses'] + expect['api_errors']} records; got {ours['records']}")
    sys.exit(1)
EOF
  if [ -n "$ccusage" ]; then
    if CLAUDE_CONFIG_DIR="$work/claude" timeout 1200 /usr/bin/time -v "$ccusage" daily --json --offline \
      > "$work/ccusage.json" 2> "$work/ccusage.time"; then
      read -r csecs crss ccpu < <(measure "$work/ccusage.time")
      printf 'ccusage %s:          %6.2f s  %6.0f MB/s  peak RSS %5.0f MB  (CPU %.2f s: %.0f MB per CPU-second)\n' \
        "$ccusage_version" "$csecs" "$(python3 -c "print($size_mb / $csecs)")" "$(python3 -c "print($crss / 1024)")" \
        "$ccpu" "$(python3 -c "print($size_mb / max($ccpu, 0.01))")"
      python3 - "$work/ours.json" "$work/ccusage.json" "$secs2" "$csecs" <<'EOF'
import json, sys
ours, cc = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
t, c = ours["totals"], cc["totals"]
pairs = [
    ("uncached input", t["input_tokens"] - t["cache_read_tokens"] - t["cache_write_tokens"], c["inputTokens"]),
    ("cache writes", t["cache_write_tokens"], c["cacheCreationTokens"]),
    ("cache reads", t["cache_read_tokens"], c["cacheReadTokens"]),
    ("output", t["output_tokens"], c["outputTokens"]),
]
same = all(a == b for _, a, b in pairs)
print(f"costintent is {float(sys.argv[4]) / float(sys.argv[3]):.1f}x faster (2 threads); token totals "
      + ("agree" if same else "differ: " + ", ".join(f"{n} {a} vs {b}" for n, a, b in pairs if a != b))
      + f"; cost ${t['cost_usd']:,.2f} vs ccusage ${c['totalCost']:,.2f}")
EOF
    else
      echo "ccusage failed: $(tail -n 3 "$work/ccusage.time" | head -n 1) (exit status and peak memory in its /usr/bin/time output):"
      grep -E "Exit status|Maximum resident|Elapsed" "$work/ccusage.time" || true
    fi
  fi
  rm -f "$file"
done

# Where the two disagree: the hand-written transcript fixture has a message
# streamed in two snapshots without a request id (as third-party
# Anthropic-compatible endpoints write them) and a model that is in no
# price list.
if [ -n "$ccusage" ]; then
  mkdir -p "$work/fixture"
  cp -r crates/costintent-logs/tests/fixtures/claude-code "$work/fixture/projects"
  "$bin" logs summarize "$work/fixture/projects" --format json --quiet > "$work/fx-ours.json"
  CLAUDE_CONFIG_DIR="$work/fixture" "$ccusage" daily --json --offline > "$work/fx-cc.json"
  echo
  echo "== the claude-code fixture (crates/costintent-logs/tests/fixtures/claude-code)"
  python3 - "$work/fx-ours.json" "$work/fx-cc.json" <<'PY'
import json, sys
ours, cc = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
t, c = ours["totals"], cc["totals"]
rows = [
    ("uncached input", t["input_tokens"] - t["cache_read_tokens"] - t["cache_write_tokens"], c["inputTokens"]),
    ("cache writes", t["cache_write_tokens"], c["cacheCreationTokens"]),
    ("cache reads", t["cache_read_tokens"], c["cacheReadTokens"]),
    ("output", t["output_tokens"], c["outputTokens"]),
]
for name, a, b in rows:
    print(f"  {name:<15} costintent {a:>9,}  ccusage {b:>9,}" + ("" if a == b else f"  (ccusage {b - a:+,})"))
cost = t["cost_usd"]
print(f"  cost            costintent ≥ ${cost:.6f} (one model unpriced)  ccusage ${c['totalCost']:.6f} (prices it at $0)")
PY
fi
