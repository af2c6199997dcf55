"""Compares costintent with the numpy peer: speed and agreement in distribution.

Agreement: for each statistic (mean, p50, p90, p99) the standard error of each
sample's estimate comes from batch means (the sample split into 50 batches:
SE = sd(batch estimates) / sqrt(50), which needs no density estimate), and the
two agree when |difference| < 4 * sqrt(SE_a^2 + SE_b^2). Exits 1 if any
statistic disagrees, so the script fails loudly rather than printing a ratio
for two programs that compute different things.
"""
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
    ap.add_argument("--ours1", type=float, required=True)
    ap.add_argument("--ours2", type=float, required=True)
    ap.add_argument("--ours-csv", required=True)
    ap.add_argument("--numpy-dump", required=True)
    a = ap.parse_args()

    fields = dict(kv.split("=", 1) for kv in a.numpy_line.split() if "=" in kv)
    np_sim_rate = float(fields["trials_per_s"])
    np_wall_rate = a.trials / a.numpy_wall
    r1, r2 = a.trials / a.ours1, a.trials / a.ours2

    with open(a.ours_csv) as f:
        ours = np.array([float(row["total"]) for row in csv.DictReader(f)])
    peer = np.fromfile(a.numpy_dump, dtype="<f8")
    eo, ep = estimates(ours), estimates(peer)
    so, sp = batch_se(ours), batch_se(peer)

    print()
    print(f"{'':24}{'trials/s':>12}{'vs numpy':>10}")
    print(f"{'numpy (simulation only)':24}{np_sim_rate:>12,.0f}{1.0:>10.2f}")
    print(f"{'numpy (whole process)':24}{np_wall_rate:>12,.0f}{np_wall_rate / np_sim_rate:>10.2f}")
    print(f"{'costintent, 1 thread':24}{r1:>12,.0f}{r1 / np_sim_rate:>10.2f}")
    print(f"{'costintent, 2 threads':24}{r2:>12,.0f}{r2 / np_sim_rate:>10.2f}")
    print("(costintent is timed as a whole process: load, simulate, summarise, print)")
    print()
    print(f"{'stat':6}{'costintent':>14}{'numpy':>14}{'diff':>10}{'z':>7}")
    ok = True
    for k in ("mean", "p50", "p90", "p99"):
        d = eo[k] - ep[k]
        z = d / math.sqrt(so[k] ** 2 + sp[k] ** 2)
        flag = "" if abs(z) < Z else "  DISAGREE"
        ok &= abs(z) < Z
        print(f"{k:6}{eo[k]:>14,.2f}{ep[k]:>14,.2f}{d:>10,.2f}{z:>7.2f}{flag}")
    print(f"agreement: |z| < {Z} for every statistic (batch-means SE, {BATCHES} batches): {'yes' if ok else 'NO'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
