#!/bin/bash
# Runs a scenario as the Indexed Job of costintent-shards.yaml, then merges
# the shards, with kubectl's current context.
#
#   deploy/kubernetes/run.sh my-team.toml
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scenario=${1:?usage: $0 SCENARIO}
kubectl create configmap costintent-scenario --from-file=scenario.toml="$scenario" \
    --dry-run=client -o yaml | kubectl apply -f -
kubectl delete job costintent-shards costintent-merge --ignore-not-found
kubectl apply -f "$here/costintent-shards.yaml"
kubectl wait --for=condition=complete --timeout=24h job/costintent-shards
kubectl apply -f "$here/costintent-merge.yaml"
kubectl wait --for=condition=complete --timeout=1h job/costintent-merge
kubectl logs job/costintent-merge
