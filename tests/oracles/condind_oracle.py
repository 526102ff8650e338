#!/usr/bin/env python3
"""Independent recount of the conditional_independence statistics
(docs/method.md, "Conditional independence") with pandas/numpy/scipy, on the
rows of tests/planted/gen_condind.py.

For each variant: pooling of categories of A and B with fewer than POOL rows
(when two or more are that sparse), conditioning cells with fewer than MINC
rows or one category of A or B left out, then per tested cell the plug-in
mutual information and dep_tvd, weighted by the cell's rows; Miller-Madow;
G = 2 n CMI against chi-square with sum (ka-1)(kb-1) df; and a permutation
null of its own (numpy's generator, B labels shuffled within each cell).

Also the retention of the reference dep2's conditional dependence by each of
ci, dep and half: the ratio of the excesses over each side's null mean.

Usage: condind_oracle.py DATA_DIR > values.json
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy.stats import chi2

POOL, MINC, B = 10, 10, 2000


def pool(s):
    vc = s.value_counts()
    rare = vc[vc < POOL].index
    if len(rare) >= 2:
        s = s.where(~s.isin(rare), "\x00pooled")
    return s, (len(rare) if len(rare) >= 2 else 0), int(vc[rare].sum()) if len(rare) >= 2 else 0


def stats_of(cells):
    """cells: list of (a codes, b codes) per tested cell, codes 0..k-1."""
    n = sum(len(a) for a, _ in cells)
    dep = mi = 0.0
    for a, b in cells:
        ka, kb = a.max() + 1, b.max() + 1
        t = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb).astype(float)
        nc = t.sum()
        p = t / nc
        e = np.outer(p.sum(1), p.sum(0))
        dep += nc / n * 0.5 * np.abs(p - e).sum()
        nz = p > 0
        mi += nc / n * (p[nz] * np.log(p[nz] / e[nz])).sum()
    return dep, mi


def variant(path):
    d = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = {"rows": len(d)}
    d["a"], out["pooled_a"], out["pooled_a_rows"] = pool(d["a"])
    d["b"], out["pooled_b"], out["pooled_b_rows"] = pool(d["b"])
    cells, sparse, single, df = [], 0, 0, 0
    for _, g in d.groupby(["c1", "c2"]):
        if len(g) < MINC:
            sparse += 1
            continue
        ka, kb = g["a"].nunique(), g["b"].nunique()
        if ka < 2 or kb < 2:
            single += 1
            continue
        cells.append((pd.factorize(g["a"])[0], pd.factorize(g["b"])[0]))
        df += (ka - 1) * (kb - 1)
    n = sum(len(a) for a, _ in cells)
    dep, mi = stats_of(cells)
    out.update(
        cells_tested=len(cells),
        cells_sparse=sparse,
        cells_one_category=single,
        rows_tested=n,
        support=n / len(d),
        cdep_tvd=dep,
        cmi=mi,
        cmi_miller_madow=mi - df / (2 * n),
        df=df,
        g=2 * n * mi,
        p_analytic=float(chi2.sf(2 * n * mi, df)),
    )
    rng = np.random.default_rng(77)
    null = []
    for _ in range(B):
        null.append(stats_of([(a, rng.permutation(b)) for a, b in cells])[0])
    null = np.array(null)
    out.update(null_mean=float(null.mean()), null_sd=float(null.std(ddof=1)),
               null_q95=float(np.quantile(null, 0.95)),
               p_sim=float((1 + (null >= dep - 1e-12).sum()) / (B + 1)))
    return out


def main():
    data = sys.argv[1]
    res = {v: variant(f"{data}/{v}.csv") for v in ["ci", "dep", "dep2", "half", "sparse"]}
    # retention against the reference dep2 (docs/method.md 12a): the ratio of the excesses
    # over each side's own permutation null mean
    ex = {v: res[v]["cdep_tvd"] - res[v]["null_mean"] for v in res}
    res["retention"] = {v: ex[v] / ex["dep2"] for v in ["ci", "dep", "half"]}
    print(json.dumps(res, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
