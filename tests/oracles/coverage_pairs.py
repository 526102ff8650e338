#!/usr/bin/python3
"""Reference tables for the coverage simulation of calibrated intervals
(METHOD.md section 8, "Required coverage"; tests/unit/test_calibration.c).

Counts of three attribute pairs of the NIST SDNist "national2019" excerpt of
the 2019 ACS (examples/us/data/excerpt/national2019.csv, 27,253 rows; public
domain, see SDNIST_LICENSE.txt and SOURCES there), chosen for their different
strength of dependence (dep_tvd of the excerpt's table):

  SEX x EDU                 0.034  (weak)
  HOUSING_TYPE x OWN_RENT   0.125  (moderate)
  EDU x PINCP_DECILE        0.383  (strong)

Also writes, per pair, the planted values the test checks: for the truth
p = (1 - lambda) r + lambda r_x r_y the footprint is lambda and the
retention 1 - lambda exactly (p keeps r's margins); both are recomputed here
from the definitions as a check.

Run: /usr/bin/python3 tests/oracles/coverage_pairs.py
"""
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "examples", "us", "data", "excerpt", "national2019.csv")
OUT = os.path.join(HERE, "..", "data", "stats", "coverage_pairs.csv")
PAIRS = [("SEX", "EDU"), ("HOUSING_TYPE", "OWN_RENT"), ("EDU", "PINCP_DECILE")]


def cond_tvd(s, r):
    sx, rx = s.sum(1), r.sum(1)
    return sum(rx[i] * 0.5 * np.abs(s[i] / sx[i] - r[i] / rx[i]).sum() for i in range(len(rx)))


def dep_tvd(p):
    return 0.5 * np.abs(p - np.outer(p.sum(1), p.sum(0))).sum()


def main():
    d = pd.read_csv(SRC, dtype=str, keep_default_na=False)
    rows = []
    for a, b in PAIRS:
        t = pd.crosstab(d[a], d[b])
        r = t.values / t.values.sum()
        perp = np.outer(r.sum(1), r.sum(0))
        for lam in (0.0, 0.3, 0.7):
            p = (1 - lam) * r + lam * perp
            assert abs(cond_tvd(p, r) / dep_tvd(r) - lam) < 1e-12
            assert abs(dep_tvd(p) / dep_tvd(r) - (1 - lam)) < 1e-12
        for i, x in enumerate(t.index):
            for j, y in enumerate(t.columns):
                rows.append((f"{a}x{b}", i, j, t.shape[0], t.shape[1], int(t.values[i, j])))
        print(f"{a} x {b}: {t.shape[0]} x {t.shape[1]}, dep_tvd {dep_tvd(r):.4f}")
    with open(OUT, "w") as f:
        f.write("pair,x,y,kx,ky,count\n")
        for row in rows:
            f.write(",".join(str(v) for v in row) + "\n")


if __name__ == "__main__":
    main()
