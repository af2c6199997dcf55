#!/bin/bash
# Smoke test of the Slurm deployment on one machine: starts munge and a
# single-node Slurm (slurmctld + slurmd) from a temporary configuration,
# submits a 4-task job array of a bundled scenario and its merge job with
# submit.sh, waits for both, runs the same scenario once without shards,
# and checks that the two summary.json files are byte-identical.
#
#   deploy/slurm/smoke.sh [SCENARIO] [TRIALS]
#
# Needs root (the daemons run as root here) and Debian's `slurm-wlm` and
# `munge` packages (installed with apt-get when missing). COSTINTENT names
# the binary (default: built with cargo into target/debug). Everything it
# starts is stopped on exit; its files are in a temporary folder.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
scenario=${1:-$repo/scenarios/coding-agent.toml}
trials=${2:-4000}

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    echo "== installing slurm-wlm and munge"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi
if [ -z "${COSTINTENT:-}" ]; then
    echo "== building costintent"
    (cd "$repo" && cargo build -q -p costintent --no-default-features)
    COSTINTENT="${CARGO_TARGET_DIR:-$repo/target}/debug/costintent"
fi
export COSTINTENT

work=$(mktemp -d /tmp/costintent-slurm.XXXXXX)
chmod 755 "$work"  # munged wants its socket's folders searchable by all
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    # KEEP=1 keeps the configuration, logs, shards and reports.
    [ -n "${KEEP:-}" ] && echo "files kept in $work" || rm -rf "$work"
}
trap cleanup EXIT

node=$(hostname -s)
cpus=$(nproc)
mkdir -p "$work/etc" "$work/state" "$work/spool" "$work/log" "$work/munge"
export SLURM_CONF=$work/etc/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=smoke
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$node CPUs=$cpus State=UNKNOWN
PartitionName=smoke Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

echo "== starting munged, slurmctld and slurmd ($node, $cpus CPUs)"
mungekey --create --keyfile="$work/munge/munge.key" --force 2>/dev/null \
    || dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$work/munge/munge.key"
munged --foreground --force --key-file="$work/munge/munge.key" \
    --socket="$work/munge/munge.socket" --pid-file="$work/munge/munged.pid" \
    --log-file="$work/log/munged.log" --seed-file="$work/munge/munged.seed" \
    >"$work/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done
slurmctld -D -i >"$work/log/slurmctld.out" 2>&1 &
pids+=($!)
sleep 1
slurmd -D >"$work/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
    state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 1
done
sinfo
if [ "${state:-}" != idle ]; then
    echo "slurm did not come up; logs:" >&2
    tail -n 20 "$work"/log/*.log "$work"/log/*.out >&2 || true
    exit 1
fi

echo "== submitting a 4-task job array of $(basename "$scenario") ($trials trials) and its merge"
start=$(date +%s)
ids=$("$repo/deploy/slurm/submit.sh" "$scenario" 4 "$work/shards" "$work/merged" --trials "$trials")
echo "$ids"
merge_job=${ids##* }
while squeue -h | grep -q .; do sleep 1; done
echo "== jobs finished in $(($(date +%s) - start)) s"
sacct_state=$(scontrol show job "$merge_job" 2>/dev/null | grep -o 'JobState=[A-Z]*' || true)
echo "merge job $merge_job: ${sacct_state:-JobState unknown}"
cat "$work"/shards/costintent-shard-*.log
ls -l "$work"/shards/shard-*/costintent.shard
if [ ! -f "$work/merged/summary.json" ]; then
    echo "no merged report; merge log:" >&2
    cat "$work"/shards/costintent-merge-*.log >&2 || true
    exit 1
fi

echo "== the same run without shards"
"$COSTINTENT" run "$scenario" --trials "$trials" --quiet --out "$work/single" --format json >/dev/null
if cmp "$work/single/summary.json" "$work/merged/summary.json"; then
    echo "summary.json of the merged shards and of the single run are byte-identical ($(wc -c <"$work/merged/summary.json") bytes)"
else
    diff "$work/single/summary.json" "$work/merged/summary.json" | head -20
    echo "FAIL: the merged report differs from the single run" >&2
    exit 1
fi
for f in "$work"/single/*; do
    cmp -s "$f" "$work/merged/$(basename "$f")" || { echo "FAIL: $(basename "$f") differs" >&2; exit 1; }
done
echo "every file of the report folder is identical ($(ls "$work/single" | wc -l) files)"
python3 - "$work/merged/summary.json" <<'PY' || true
import json, sys
s = json.load(open(sys.argv[1]))
t = s["total"]
print(f"{s['scenario']}: {s['trials']} trials, p50 {t['p50']}, p90 {t['p90']}, p99 {t['p99']} USD")
PY
echo "PASS"
