#!/usr/bin/python3
"""Oracle for the age-profile TVD of src/audit/rulecheck.c (tests/unit/test_rulecheck.c).

The TVD to the nearest profile within per-category bounds is solved here as a linear
programme with scipy (minimise sum_a t_a / 2 with t_a >= |p_a - q_a|, lo_a <= q_a <= hi_a,
sum q = 1), independently of the closed form the C code uses; the half-width of the
simultaneous 95% interval is Weissman et al. (2003), evaluated with numpy at full precision.
Writes tests/data/rulecheck/profile_bounds.csv (case,quantity,value).
"""
import csv
import sys

import numpy as np
from scipy.optimize import linprog


def nearest_tvd(p, lo, hi):
    k = len(p)
    # variables: q_0..q_{k-1}, t_0..t_{k-1}
    c = np.r_[np.zeros(k), np.full(k, 0.5)]
    a_ub, b_ub = [], []
    for a in range(k):
        row = np.zeros(2 * k); row[a] = -1; row[k + a] = -1; a_ub.append(row); b_ub.append(-p[a])  # t >= p - q
        row = np.zeros(2 * k); row[a] = 1; row[k + a] = -1; a_ub.append(row); b_ub.append(p[a])    # t >= q - p
    a_eq = [np.r_[np.ones(k), np.zeros(k)]]
    bounds = [(lo[a], hi[a]) for a in range(k)] + [(0, None)] * k
    res = linprog(c, A_ub=np.array(a_ub), b_ub=b_ub, A_eq=np.array(a_eq), b_eq=[1], bounds=bounds,
                  method="highs")
    assert res.status == 0
    return res.fun


def halfwidth(k, n):
    return np.sqrt(2 * (np.log(2.0 ** k - 2) - np.log(0.05)) / n) / 2


rows = []
# case "bounds": status x over a1..a4 with masses 10, 30, 40, 20 (n = 100)
p = np.array([10, 30, 40, 20]) / 100
rows.append(("bounds", "tvd", nearest_tvd(p, [0.5, 0, 0, 0], [1, 0.5, 0.2, 0.1])))
rows.append(("bounds", "halfwidth", halfwidth(4, 100)))
# case "point": the same profile against the point profile 0.25 each (TVD 0.2)
rows.append(("point", "tvd", nearest_tvd(p, [0.25] * 4, [0.25] * 4)))
# case "npk": NPK's active duty (현역) by age band against the bounds of examples/npk/audit.yaml
npk = np.array([550, 1372, 1394, 1315, 651, 0, 0, 0]) / 5282
rows.append(("npk", "tvd", nearest_tvd(npk, [0.449, 0, 0, 0, 0, 0, 0, 0],
                                       [1, 0.551, 0.401, 0.401, 0.02, 0, 0, 0])))
rows.append(("npk", "halfwidth", halfwidth(8, 5282)))
out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/rulecheck/profile_bounds.csv"
with open(out, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["case", "quantity", "value"])
    for r in rows:
        w.writerow([r[0], r[1], repr(float(r[2]))])
