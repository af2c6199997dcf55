#!/bin/bash
# Submits a costintent run as a Slurm job array of N shards and a merge job
# that starts when every shard has succeeded. Prints the two job ids.
#
#   deploy/slurm/submit.sh SCENARIO N SHARDS REPORT [costintent run options...]
#
# SHARDS and REPORT must be on a file system every node sees. Extra options
# (--trials, --seed, --sketch, ...) are passed to every shard.
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 SCENARIO N SHARDS REPORT [costintent run options...]" >&2
    exit 2
fi
scenario=$1 count=$2 shards=$3 report=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$shards"
array=$(SCENARIO=$scenario SHARDS=$shards COSTINTENT_ARGS="$*" \
    sbatch --parsable --array="0-$((count - 1))" --chdir="$shards" --export=ALL \
    "$here/costintent-array.sbatch")
merge=$(SHARDS=$shards REPORT=$report \
    sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --chdir="$shards" \
    --export=ALL "$here/costintent-merge.sbatch")
echo "array job $array (shards), merge job $merge"
