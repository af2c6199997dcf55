"""Compares costintent with the numpy peer: speed and agreement in distribution.

Agreement: for each statistic (mean, p50, p90, p99) the standard error of each
sample's estimate comes from batch means (the sample split into 50 batches:
SE = sd(batch estimates) / sqrt(50), which needs no density estimate), and the
two agree when |difference| < 4 * sqrt(SE_a^2 + SE_b^2). The default run may
draw trials as compound sums from a pool whose mean cost per unit carries a
relative standard error (summary.json: workloads[].method.mean_rse) shared by
every trial; it is added to that run's standard errors. Exits 1 if any
statistic disagrees, so the script fails loudly rather than printing a ratio
for programs that compute different things.
"""
import json
import argparse
import csv
import math
import sys

import numpy as np

BATCHES = 50
Z = 4.0


def estimates(x):
    return {
        "mean": float(np.mean(x)),
        "p50": float(np.quantile(x, 0.5)),
        "p90": float(np.quantile(x, 0.9)),
        "p99": float(np.quantile(x, 0.99)),
    }


def batch_se(x):
    parts = np.array_split(x, BATCHES)
    per = [estimates(p) for p in parts]
    return {k: float(np.std([p[k] for p in per], ddof=1)) / math.sqrt(BATCHES) for k in per[0]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, required=True)
    ap.add_argument("--numpy-line", required=True)
    ap.add_argument("--numpy-wall", type=float, required=True)
    ap.add_argument("--fast1", type=float, required=True)
    ap.add_argument("--fast2", type=float, required=True)
    ap.add_argument("--exact1", type=float, required=True)
    ap.add_argument("--exact2", type=float, required=True)
    ap.add_argument("--fast-csv", required=True)
    ap.add_argument("--fast-json", required=True)
    ap.add_argument("--exact-csv", required=True)
    ap.add_argument("--numpy-dump", required=True)
    a = ap.parse_args()

    fields = dict(kv.split("=", 1) for kv in a.numpy_line.split() if "=" in kv)
    np_sim_rate = float(fields["trials_per_s"])
    np_wall_rate = a.trials / a.numpy_wall

    def totals(path):
        with open(path) as f:
            return np.array([float(row["total"]) for row in csv.DictReader(f)])

    peer = np.fromfile(a.numpy_dump, dtype="<f8")
    ep, sp = estimates(peer), batch_se(peer)
    summary = json.load(open(a.fast_json))
    method = summary["workloads"][0].get("method") or {}
    rse = method.get("mean_rse", 0.0) if method.get("kind") == "compound" else 0.0

    print()
    print(f"{'':34}{'trials/s':>12}{'vs numpy':>10}")
    print(f"{'numpy (simulation only)':34}{np_sim_rate:>12,.0f}{1.0:>10.2f}")
    print(f"{'numpy (whole process)':34}{np_wall_rate:>12,.0f}{np_wall_rate / np_sim_rate:>10.2f}")
    for label, secs in [
        ("costintent, default, 1 thread", a.fast1),
        ("costintent, default, 2 threads", a.fast2),
        ("costintent --exact, 1 thread", a.exact1),
        ("costintent --exact, 2 threads", a.exact2),
    ]:
        r = a.trials / secs
        print(f"{label:34}{r:>12,.0f}{r / np_sim_rate:>10.2f}")
    print("(costintent is timed as a whole process: load, simulate, summarise, print)")
    print(f"default run: {method.get('kind', 'exact')}"
          + (f", pool of {method.get('pool_units'):,} sessions, mean cost per session "
             f"known to ±{100 * rse:.3f}% (1 SE)" if rse else ""))
    ok = True
    for name, path, extra in [("default", a.fast_csv, rse), ("--exact", a.exact_csv, 0.0)]:
        ours = totals(path)
        eo, so = estimates(ours), batch_se(ours)
        print()
        print(f"costintent {name} against numpy")
        print(f"{'stat':6}{'costintent':>14}{'numpy':>14}{'diff':>10}{'z':>7}")
        for k in ("mean", "p50", "p90", "p99"):
            d = eo[k] - ep[k]
            se_ours = math.sqrt(so[k] ** 2 + (extra * eo[k]) ** 2)
            z = d / math.sqrt(se_ours ** 2 + sp[k] ** 2)
            flag = "" if abs(z) < Z else "  DISAGREE"
            ok &= abs(z) < Z
            print(f"{k:6}{eo[k]:>14,.2f}{ep[k]:>14,.2f}{d:>10,.2f}{z:>7.2f}{flag}")
    print()
    print(f"agreement: |z| < {Z} for every statistic (batch-means SE, {BATCHES} batches): {'yes' if ok else 'NO'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
