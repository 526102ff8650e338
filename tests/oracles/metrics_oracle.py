#!/usr/bin/python3
"""Independent reference values for the joint metrics (METHOD.md section 4).

Written directly from the definitions with numpy/scipy (not a port of
src/stats/metrics.c). Writes, under tests/data/stats/:

  metrics_cases.csv     case,kx,ky,n_s,n_r,has_se,generator
  metrics_cells.csv     case,x,y,s,r,se       (every case except generated ones)
  metrics_expected.csv  case,field,value      (value "nan" when undefined)

  flatten_cases.csv     case,y,s_focal,s_other,r_focal,r_other,theta
  flatten_expected.csv  case,field,value      (per-category fields as name.y)

The 1000 x 2000 case is not stored cell by cell: its counts come from an
integer formula (big_counts below) that tests/unit/test_metrics.c repeats.

Run: /usr/bin/python3 tests/oracles/metrics_oracle.py
"""
import math
import os

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr
from scipy.stats.contingency import association

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "stats")
INF = float("inf")


def big_counts(kx=1000, ky=2000):
    """Deterministic integer tables with zero cells, a dependence pattern and
    rows the synthetic side leaves empty (x % 97 == 5)."""
    x = np.arange(kx, dtype=np.int64)[:, None]
    y = np.arange(ky, dtype=np.int64)[None, :]
    r = (x * 31 + y * 17 + (x * y) % 23) % 29
    s = (x * 13 + y * 7 + (x * y) % 11) % 19
    s = np.where(x % 97 == 5, 0, s)
    return s.astype(float), r.astype(float)


def cond_tvd(s, r):
    """sum_x r_x * 1/2 sum_y |s_{y|x} - r_{y|x}|; an empty synthetic row with
    reference mass contributes r_x."""
    total = 0.0
    sx, rx = s.sum(axis=1), r.sum(axis=1)
    for i in range(s.shape[0]):
        if rx[i] <= 0:
            continue
        if sx[i] <= 0:
            total += rx[i]
        else:
            total += rx[i] * 0.5 * np.abs(s[i] / sx[i] - r[i] / rx[i]).sum()
    return total


def cond_tvd_vec(s, r):
    sx, rx = s.sum(axis=1), r.sum(axis=1)
    ok = (rx > 0) & (sx > 0)
    inner = np.zeros(s.shape[0])
    inner[ok] = 0.5 * np.abs(s[ok] / sx[ok, None] - r[ok] / rx[ok, None]).sum(axis=1)
    return float((rx * inner).sum() + rx[(rx > 0) & (sx <= 0)].sum())


def dep_tvd(p):
    return 0.5 * np.abs(p - np.outer(p.sum(1), p.sum(0))).sum()


def cramers_v(p, counts):
    px, py = p.sum(1), p.sum(0)
    kx, ky = (px > 0).sum(), (py > 0).sum()
    if min(kx, ky) < 2:
        return math.nan
    e = np.outer(px, py)
    m = e > 0
    phi2 = ((p[m] - e[m]) ** 2 / e[m]).sum()
    v = math.sqrt(phi2 / (min(kx, ky) - 1))
    if counts is not None and np.all(counts == np.round(counts)):
        # scipy's Cramer's V on the counts (zero rows/columns dropped, as
        # scipy's expected table may not contain zeros) must agree.
        c = counts[counts.sum(1) > 0][:, counts.sum(0) > 0].astype(np.int64)
        v2 = association(c, method="cramer")
        assert abs(v - v2) <= 1e-9 * max(v, 1e-300) + 1e-15, (v, v2)
    return v


def nmi(p, counts):
    px, py = p.sum(1), p.sum(0)
    h = stats.entropy(px) + stats.entropy(py)
    if h == 0:
        return math.nan
    mi = rel_entr(p, np.outer(px, py)).sum()
    if counts is not None and np.all(counts == np.round(counts)) and min(
            (px > 0).sum(), (py > 0).sum()) >= 2:
        c = counts[counts.sum(1) > 0][:, counts.sum(0) > 0]
        g = stats.chi2_contingency(c, correction=False, lambda_="log-likelihood")[0]
        assert abs(g / (2 * c.sum()) - mi) <= 1e-9 * mi + 1e-14, (g / (2 * c.sum()), mi)
    return 2 * mi / h


def mm_bias(p, n):
    if n == INF:
        return 0.0
    kx, ky = (p.sum(1) > 0).sum(), (p.sum(0) > 0).sum()
    return (kx - 1) * (ky - 1) / (2 * n)


def inv(n):
    return 0.0 if n == INF else 1.0 / n


def metrics(S, R, n_s, n_r, se):
    s, r = S / S.sum(), R / R.sum()
    kx, ky = s.shape
    out = {}
    d = np.abs(s - r)
    out["tvd_joint"] = 0.5 * d.sum()
    i = int(np.argmax(d))  # first maximum in row-major order
    out["max_cell_pp"] = 100 * d.flat[i]
    out["max_cell_x"], out["max_cell_y"] = i // ky, i % ky
    h2 = 0.5 * ((np.sqrt(s) - np.sqrt(r)) ** 2).sum()
    # The definition sqrt(1 - sum sqrt(s r)) agrees (it only loses digits near 0).
    assert abs(h2 - max(0.0, 1 - np.sqrt(s * r).sum())) < 1e-12
    out["hellinger"] = math.sqrt(h2)
    out["js_distance"] = float(jensenshannon(s.ravel(), r.ravel()))
    var = r * (1 - r) * (inv(n_s) + inv(n_r)) + (se ** 2 if se is not None else 0)
    out["noise_floor"] = np.sqrt(var / (2 * math.pi)).sum()
    out["noise_floor_bound"] = 0.5 * math.sqrt((r > 0).sum() * (inv(n_s) + inv(n_r)))
    nan_fields = ["cond_tvd_y_given_x", "cond_tvd_x_given_y", "dep_tvd_s", "dep_tvd_r",
                  "cramers_v_s", "cramers_v_r", "nmi_s", "nmi_r", "nmi_bias_s", "nmi_bias_r",
                  "retention", "footprint", "footprint_dep", "dep_floor_r"]
    if ky == 1:
        out["tvd_x"] = out["tvd_joint"]
        out["tvd_y"] = 0.0
        for f in nan_fields:
            out[f] = math.nan
        out["reference_dependent"] = 0
        return out
    out["tvd_x"] = 0.5 * np.abs(s.sum(1) - r.sum(1)).sum()
    out["tvd_y"] = 0.5 * np.abs(s.sum(0) - r.sum(0)).sum()
    if kx * ky > 100000:
        out["cond_tvd_y_given_x"] = cond_tvd_vec(s, r)
        out["cond_tvd_x_given_y"] = cond_tvd_vec(s.T, r.T)
    else:
        out["cond_tvd_y_given_x"] = cond_tvd(s, r)
        out["cond_tvd_x_given_y"] = cond_tvd(s.T, r.T)
        assert abs(cond_tvd_vec(s, r) - out["cond_tvd_y_given_x"]) < 1e-14
    out["dep_tvd_s"], out["dep_tvd_r"] = dep_tvd(s), dep_tvd(r)
    out["cramers_v_s"] = cramers_v(s, S if kx * ky < 100000 else None)
    out["cramers_v_r"] = cramers_v(r, R if kx * ky < 100000 else None)
    out["nmi_s"] = nmi(s, S if kx * ky < 100000 else None)
    out["nmi_r"] = nmi(r, R if kx * ky < 100000 else None)
    out["nmi_bias_s"], out["nmi_bias_r"] = mm_bias(s, n_s), mm_bias(r, n_r)
    rx, ry = r.sum(1), r.sum(0)
    v = np.outer(rx * (1 - rx), ry * (1 - ry)) * inv(n_r) + (se ** 2 if se is not None else 0)
    out["dep_floor_r"] = np.sqrt(v / (2 * math.pi)).sum()
    dep = out["dep_tvd_r"] > max(out["dep_floor_r"], 1e-12)
    out["reference_dependent"] = int(dep)
    s_perp = np.outer(rx, ry)
    denom = cond_tvd_vec(s_perp, r) if kx * ky > 100000 else cond_tvd(s_perp, r)
    out["retention"] = out["dep_tvd_s"] / out["dep_tvd_r"] if dep else math.nan
    out["footprint"] = out["cond_tvd_y_given_x"] / denom if dep else math.nan
    if dep:
        raked = ipf(s, r)
        # raking keeps every odds ratio of s (checked on the cells both fill)
        out["footprint_dep"] = (cond_tvd_vec(raked, r) if kx * ky > 100000
                                else cond_tvd(raked, r)) / denom
    else:
        out["footprint_dep"] = math.nan
    return out


def ipf(s, r, tol=1e-14, max_iter=100000):
    """Raking of the shares s to r's margins (METHOD.md section 4.1), written
    independently of src/stats/metrics.c: whole-array numpy steps, columns
    first, to a tighter tolerance than iaf's 1e-12. Rows and columns that s
    leaves empty stay 0; the targets are r's margins over the rows and
    columns where s has mass, renormalised."""
    rows, cols = s.sum(1) > 0, s.sum(0) > 0
    rr = r * np.outer(rows, cols)
    rr = rr / rr.sum()
    tx, ty = rr.sum(1), rr.sum(0)
    q = s / s.sum()
    for _ in range(max_iter):
        cs = q.sum(0)
        q = q * np.divide(ty, cs, out=np.zeros_like(cs), where=cs > 0)[None, :]
        rs = q.sum(1)
        q = q * np.divide(tx, rs, out=np.zeros_like(rs), where=rs > 0)[:, None]
        if np.abs(q.sum(0) - ty).max() < tol and np.abs(q.sum(1) - tx).max() < tol:
            break
    return q / q.sum()


def case_list():
    rng = np.random.default_rng(20260611)
    cases = []

    def add(name, S, R, n_s=None, n_r=None, se=None, generator=""):
        S, R = np.asarray(S, float), np.asarray(R, float)
        if S.ndim == 1:
            S, R = S[:, None], R[:, None]
        cases.append((name, S, R, S.sum() if n_s is None else n_s,
                      R.sum() if n_r is None else n_r, se, generator))

    # strong dependence with zero cells
    add("strong_3x4", [[40, 5, 0, 1], [3, 50, 7, 0], [0, 2, 9, 60]],
        [[35, 10, 2, 0], [5, 45, 5, 3], [1, 0, 14, 55]])
    # weak dependence in r, s near independence
    R = np.outer([30, 50, 20, 40, 60], [10, 20, 30, 15, 25, 12]).astype(float)
    R[0, 0] += 400
    R[3, 2] += 500
    R[4, 5] += 300
    S = np.outer([32, 47, 22, 41, 58], [11, 19, 29, 16, 26, 12]) * 1.0
    add("weak_5x6", S, R)
    # r exactly independent: no dependence, ratios undefined
    add("indep_4x5", rng.integers(0, 50, (4, 5)), np.outer([3, 1, 4, 1], [5, 9, 2, 6, 5]))
    add("indep_4x5_full_count", rng.integers(0, 50, (4, 5)), np.outer([3, 1, 4, 1], [5, 9, 2, 6, 5]),
        n_r=INF)
    # a row with reference mass and no synthetic mass, a row with synthetic
    # mass and no reference mass, an all-zero column
    add("empty_rows", [[10, 0, 5, 0], [0, 0, 0, 0], [7, 0, 1, 9], [4, 0, 4, 4]],
        [[12, 0, 3, 1], [6, 0, 2, 5], [8, 0, 0, 11], [0, 0, 0, 0]])
    add("single_row_1x6", [[5, 9, 0, 3, 8, 1]], [[4, 11, 2, 3, 6, 0]])
    add("single_col_6x1", [5, 9, 0, 3, 8, 1], [4, 11, 2, 3, 6, 0])
    add("one_by_one", [[7]], [[3]])
    E = np.array([[10, 20, 5, 1], [3, 30, 8, 2], [6, 1, 12, 40], [9, 9, 9, 9]], float)
    add("equal_4x4", E, E)
    add("disjoint_2x3", [[5, 0, 0], [0, 0, 3]], [[0, 4, 2], [1, 0, 0]])
    # full-count reference given with per-cell SEs of its shares
    R = np.array([[300, 120, 80], [90, 250, 60], [40, 70, 400]], float)
    S = np.array([[280, 150, 70], [100, 230, 70], [60, 60, 380]], float)
    add("se_full_count", S, R, n_s=S.sum(), n_r=INF, se=0.002 + 0.01 * R / R.sum())
    # shares with no integer structure, Kish-type non-integer n
    S = rng.dirichlet(np.ones(12)).reshape(3, 4)
    R = rng.dirichlet(np.ones(12) * 2).reshape(3, 4)
    add("shares_3x4", S, R, n_s=1234.5, n_r=987.25)
    add("random_8x7", rng.integers(0, 200, (8, 7)), rng.integers(0, 200, (8, 7)))
    add("sparse_10x12", rng.integers(0, 3, (10, 12)) * rng.integers(0, 2, (10, 12)),
        rng.poisson(1.0, (10, 12)))
    S, R = big_counts()
    cases.append(("big_1000x2000", S, R, S.sum(), R.sum(), None, "big_counts"))
    return cases


def flattening_cases():
    """Binary group (focal = minority) x domain, METHOD.md section 5."""
    rng = np.random.default_rng(7)
    out = []
    # Occupations: the reference has male-dominated categories (focal share
    # < 0.25); the synthetic side pulls every category toward parity.
    r_f = np.array([30, 400, 12, 250, 5, 600, 140, 20], float)
    r_o = np.array([470, 350, 388, 260, 295, 200, 260, 980], float)
    fr = r_f / (r_f + r_o)
    fperp = r_f.sum() / (r_f.sum() + r_o.sum())
    tot = (r_f + r_o) * 1.1
    fs = fr + 0.6 * (fperp - fr) + rng.normal(0, 0.01, len(fr))
    out.append(("occupations_8", np.round(tot * fs), np.round(tot * (1 - fs)), r_f, r_o, 0.25))
    out.append(("occupations_8_theta40", np.round(tot * fs), np.round(tot * (1 - fs)), r_f, r_o,
                0.4))
    out.append(("none_dominated", np.array([5, 6, 7.0]), np.array([5, 4, 3.0]),
                np.array([4, 5, 6.0]), np.array([6, 5, 4.0]), 0.25))
    # A category without synthetic mass, one without reference mass, and one
    # whose reference share equals the universe share exactly (0.25).
    out.append(("edge_cases", np.array([0, 0, 3, 9, 2, 40.0]), np.array([0, 5, 20, 30, 18, 60.0]),
                np.array([10, 0, 2, 10, 3, 225.0]), np.array([90, 0, 28, 30, 47, 555.0]), 0.28))
    # exaggerated segregation (synthetic even more segregated than reference)
    out.append(("exaggerated", np.array([2, 1, 300.0]), np.array([300, 200, 20.0]),
                np.array([20, 15, 250.0]), np.array([280, 185, 70.0]), 0.25))
    return out


def flattening(sf, so, rf, ro, theta):
    res = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        fs = np.where(sf + so > 0, sf / (sf + so), np.nan)
        fr = np.where(rf + ro > 0, rf / (rf + ro), np.nan)
    fperp = rf.sum() / (rf.sum() + ro.sum())
    res["f_perp"] = fperp
    res["f_perp_s"] = sf.sum() / (sf.sum() + so.sum())
    dom = ~np.isnan(fr) & (fr < theta)
    with np.errstate(invalid="ignore", divide="ignore"):
        den = fperp - fr
        fl = np.where((den != 0) & ~np.isnan(fs) & ~np.isnan(fr), (fs - fr) / den, np.nan)
    for y in range(len(sf)):
        res["f_s.%d" % y], res["f_r.%d" % y] = fs[y], fr[y]
        res["flattening.%d" % y], res["dominated.%d" % y] = fl[y], int(dom[y])
    # The common support: categories with mass on both sides. Duncan's D and the pooled
    # measures use only these (a category one side never reaches says nothing about how
    # either side segregates).
    sup = (sf + so > 0) & (rf + ro > 0)
    res["n_support"] = int(sup.sum())
    res["r_outside_support"] = 1 - (rf + ro)[sup].sum() / (rf + ro).sum()
    res["n_dominated"] = int(dom.sum())
    ds = dom & sup
    res["n_dominated_support"] = int(ds.sum())
    if ds.any():
        tot_s = (sf + so)[ds].sum()
        res["f_s_pooled"] = sf[ds].sum() / tot_s if tot_s > 0 else math.nan
        res["f_r_pooled"] = rf[ds].sum() / (rf + ro)[ds].sum()
        d = fperp - res["f_r_pooled"]
        res["flattening_pooled"] = ((res["f_s_pooled"] - res["f_r_pooled"]) / d
                                    if d != 0 and not math.isnan(res["f_s_pooled"]) else math.nan)
        ok = ds & ~np.isnan(fl)
        w = (rf + ro)[ok]
        res["flattening_mean"] = float(np.average(fl[ok], weights=w)) if w.sum() > 0 else math.nan
    else:
        for f in ("f_s_pooled", "f_r_pooled", "flattening_pooled", "flattening_mean"):
            res[f] = math.nan

    def duncan(f, o):
        f, o = f[sup], o[sup]
        return 0.5 * np.abs(o / o.sum() - f / f.sum()).sum()

    res["duncan_s"], res["duncan_r"] = duncan(sf, so), duncan(rf, ro)
    res["segregation_retention"] = res["duncan_s"] / res["duncan_r"]
    return res


def fmt(v):
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def main():
    cases = case_list()
    with open(os.path.join(OUT, "metrics_cases.csv"), "w") as fc, \
            open(os.path.join(OUT, "metrics_cells.csv"), "w") as fv, \
            open(os.path.join(OUT, "metrics_expected.csv"), "w") as fe:
        fc.write("case,kx,ky,n_s,n_r,has_se,generator\n")
        fv.write("case,x,y,s,r,se\n")
        fe.write("case,field,value\n")
        for name, S, R, n_s, n_r, se, gen in cases:
            kx, ky = S.shape
            fc.write("%s,%d,%d,%s,%s,%d,%s\n" % (name, kx, ky, fmt(n_s), fmt(n_r),
                                                  se is not None, gen))
            if not gen:
                for x in range(kx):
                    for y in range(ky):
                        fv.write("%s,%d,%d,%s,%s,%s\n" % (
                            name, x, y, fmt(S[x, y]), fmt(R[x, y]),
                            fmt(se[x, y]) if se is not None else ""))
            m = metrics(S, R, n_s, n_r, se)
            for k in sorted(m):
                fe.write("%s,%s,%s\n" % (name, k, fmt(m[k])))
            print("%-22s tvd %.4f cond %.4f dep_r %.3g floor %.3g footprint %.4f" % (
                name, m["tvd_joint"], m["cond_tvd_y_given_x"], m["dep_tvd_r"], m["dep_floor_r"],
                m["footprint"]))


def main_flattening():
    with open(os.path.join(OUT, "flatten_cases.csv"), "w") as fc, \
            open(os.path.join(OUT, "flatten_expected.csv"), "w") as fe:
        fc.write("case,y,s_focal,s_other,r_focal,r_other,theta\n")
        fe.write("case,field,value\n")
        for name, sf, so, rf, ro, theta in flattening_cases():
            for y in range(len(sf)):
                fc.write("%s,%d,%s,%s,%s,%s,%s\n" % (name, y, fmt(sf[y]), fmt(so[y]), fmt(rf[y]),
                                                     fmt(ro[y]), fmt(theta)))
            res = flattening(sf, so, rf, ro, theta)
            for k in sorted(res):
                fe.write("%s,%s,%s\n" % (name, k, fmt(res[k])))
            print("%-22s pooled %.4f mean %.4f seg_ret %.4f" % (
                name, res["flattening_pooled"], res["flattening_mean"],
                res["segregation_retention"]))


if __name__ == "__main__":
    main_flattening()
    main()
