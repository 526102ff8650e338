#!/usr/bin/env python3
"""Independent oracle for lump bounds with category totals (docs/method.md 9.2;
tests/data/lump_totals). From the fixture's CSVs alone (pandas, scipy):

  * the EXACT identified set of the conditional TVD (a marginal check: the TVD) over every
    allocation L of the lump that respects both its rows (the lump's mass per x) and the
    category totals (at most U_y = T_y - named_y of it in category y, over all rows): the
    minimum by linear programming, the maximum over the vertices of that transportation
    polytope (a convex function's maximum lies on a vertex; vertices from LPs with many
    random objectives);
  * the row-wise relaxation iaf computes (each row alone, at most min(l_x, U_y) in y): its
    minimum by a per-row LP;
  * the bounds without totals (METHOD.md 3.5: [P, P + l_x/N_x] per row).

Checks the report: iaf's lower bound equals the relaxation's LP minimum and is at most the
exact minimum; its upper bound is at least the exact maximum (valid) and at most the bound
without totals; without totals iaf gives METHOD's bounds; the totals tighten both ends here.
Usage: lump_totals_oracle.py FIXTURE_DIR REPORT.json; exit 1 with the differences.
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy.optimize import linprog

d, rep = sys.argv[1], json.load(open(sys.argv[2]))
xw = dict(pd.read_csv(f"{d}/xw.csv").values)
pair = pd.read_csv(f"{d}/pair.csv")
tot = pd.read_csv(f"{d}/totals.csv")
ref = pd.read_csv(f"{d}/ref.csv")
refg = pd.read_csv(f"{d}/ref_group.csv").set_index("group")["count"]
groups = sorted(set(xw.values()))
FAIL = []


def close(a, b, what, tol=1e-9):
    if not abs(a - b) <= tol:
        FAIL.append(f"{what}: iaf {a!r}, oracle {b!r}")


named = pair[pair.title != "other"].assign(g=lambda t: t.title.map(xw))
lump = pair[pair.title == "other"]
T = tot.assign(g=tot.title.map(xw)).groupby("g")["count"].sum().reindex(groups)


def setup(rows):
    """rows: list of (s_named over groups, lump mass, reference over groups)."""
    S = np.array([r[0] for r in rows], float)
    l = np.array([r[1] for r in rows], float)
    R = np.array([r[2] for r in rows], float)
    U = np.maximum(0, T.values - S.sum(0))
    return S, l, R, U


def cond(S, l, R, L):
    N = S.sum(1) + l
    w = R.sum(1) / R.sum()
    return float(sum(w[x] * 0.5 * np.abs((S[x] + L[x]) / N[x] - R[x] / R[x].sum()).sum()
                     for x in range(len(l))))


def lp_min(S, l, R, U, coupled):
    """min of cond over L >= 0, row sums l, and (coupled) column sums <= U or (row-wise)
    L_xy <= min(l_x, U_y). Variables: L (kx*ky) then t (kx*ky) with t >= |.|."""
    kx, ky = S.shape
    N = S.sum(1) + l
    w = R.sum(1) / R.sum()
    n = kx * ky
    c = np.concatenate([np.zeros(n), np.repeat(0.5 * w, ky)])
    A, b = [], []
    for x in range(kx):
        for y in range(ky):
            i = x * ky + y
            a = R[x, y] / R[x].sum() - S[x, y] / N[x]
            row = np.zeros(2 * n); row[i] = 1 / N[x]; row[n + i] = -1; A.append(row); b.append(a)
            row = np.zeros(2 * n); row[i] = -1 / N[x]; row[n + i] = -1; A.append(row); b.append(-a)
    if coupled:
        for y in range(ky):
            row = np.zeros(2 * n); row[[x * ky + y for x in range(kx)]] = 1; A.append(row)
            b.append(U[y])
    Aeq = np.zeros((kx, 2 * n))
    for x in range(kx):
        Aeq[x, x * ky:(x + 1) * ky] = 1
    bounds = [(0, None if coupled else min(l[i // ky], U[i % ky])) for i in range(n)]
    bounds += [(0, None)] * n
    res = linprog(c, A_ub=np.array(A), b_ub=b, A_eq=Aeq, b_eq=l, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return res.fun


def exact_max(S, l, R, U):
    kx, ky = S.shape
    n = kx * ky
    Aeq = np.zeros((kx, n))
    for x in range(kx):
        Aeq[x, x * ky:(x + 1) * ky] = 1
    Aub = np.zeros((ky, n))
    for y in range(ky):
        Aub[y, [x * ky + y for x in range(kx)]] = 1
    rng = np.random.default_rng(7)
    best = -1.0
    for _ in range(400):
        res = linprog(rng.normal(size=n), A_ub=Aub, b_ub=U, A_eq=Aeq, b_eq=l,
                      bounds=[(0, None)] * n, method="highs")
        if res.status == 0:
            best = max(best, cond(S, l, R, res.x.reshape(kx, ky)))
    return best


def plain(S, l, R):
    lo = hi = 0.0
    w = R.sum(1) / R.sum()
    for x in range(len(l)):
        N = S[x].sum() + l[x]
        a = S[x] / N - R[x] / R[x].sum()
        P = np.maximum(0, a).sum()
        lo += w[x] * P
        hi += w[x] * min(1, P + l[x] / N)
    return lo, hi


chk = {c["id"]: c["variants"][0]["lump"] for c in rep["checks"]}
# joint: rows = sex, columns = groups
rows = []
for sx in ("F", "M"):
    s = named[named.sex == sx].groupby("g")["count"].sum().reindex(groups, fill_value=0).values
    r = ref[ref.sex == sx].set_index("group")["count"].reindex(groups).values
    rows.append((s, float(lump[lump.sex == sx]["count"].sum()), r))
# marginal: one row
s1 = named.groupby("g")["count"].sum().reindex(groups, fill_value=0).values
marg = [(s1, float(lump["count"].sum()), refg.reindex(groups).values)]
out = {}
for name, rw in (("joint", rows), ("marginal", marg)):
    S, l, R, U = setup(rw)
    assert abs(U.sum() - l.sum()) < 1e-9  # the totals hold the lump exactly
    ex_lo, ex_hi = lp_min(S, l, R, U, True), exact_max(S, l, R, U)
    rel_lo = lp_min(S, l, R, U, False)
    p_lo, p_hi = plain(S, l, R)
    t, p = chk[name + "_totals"], chk[name + "_plain"]
    if not t.get("category_totals"):
        FAIL.append(name + ": category_totals not reported")
    close(t["cond_tvd_lower"], rel_lo, name + " lower bound (row-wise relaxation)")
    if not (t["cond_tvd_lower"] <= ex_lo + 1e-12 and t["cond_tvd_upper"] >= ex_hi - 1e-12):
        FAIL.append(f"{name}: bounds [{t['cond_tvd_lower']}, {t['cond_tvd_upper']}] do not "
                    f"contain the identified set [{ex_lo}, {ex_hi}]")
    if not (t["cond_tvd_upper"] <= p_hi + 1e-12 and t["cond_tvd_lower"] >= p_lo - 1e-12):
        FAIL.append(name + ": the totals widened a bound")
    if not (t["cond_tvd_upper"] < p_hi - 1e-3 and t["cond_tvd_lower"] > p_lo + 1e-3):
        FAIL.append(name + ": the totals did not tighten both bounds in this fixture")
    close(p["cond_tvd_lower"], p_lo, name + " lower bound without totals")
    close(p["cond_tvd_upper"], p_hi, name + " upper bound without totals")
    out[name] = dict(exact=[ex_lo, ex_hi], iaf=[t["cond_tvd_lower"], t["cond_tvd_upper"]],
                     plain=[p_lo, p_hi])
for m in FAIL:
    print("MISMATCH:", m)
if not FAIL:
    print("lump totals oracle: " + "; ".join(
        f"{k} identified [{v['exact'][0]:.4f}, {v['exact'][1]:.4f}], iaf [{v['iaf'][0]:.4f}, "
        f"{v['iaf'][1]:.4f}], without totals [{v['plain'][0]:.4f}, {v['plain'][1]:.4f}]"
        for k, v in out.items()))
sys.exit(1 if FAIL else 0)
