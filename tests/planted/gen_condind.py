#!/usr/bin/env python3
"""Planted truths for the conditional_independence check (docs/method.md,
"Conditional independence"): rows (a, b, c1, c2) where A and B both depend on
the conditioning cell C = (c1, c2), so they are dependent overall, and

  ci      A independent of B given C exactly (the population joint in every
          cell is the product of its margins);
  dep     the same margins mixed with a coupling in every cell:
          p(a, b | c) = (1 - lam) p(a|c) p(b|c) + lam p(a|c) [b = f(a)],
          whose conditional dependence TVD is known (printed by --truth);
  dep2    a second, independent draw of the dep population (a reference);
  half    the same construction with half the coupling weight (lam / 2): a
          synthetic set that keeps a known share of the reference's conditional
          dependence (the planted retention, printed by --truth);
  sparse  the ci population plus rare categories of A (pooled by the check)
          and tiny conditioning cells (left out of the test, reported).

numpy's PCG64 with fixed seeds: the same rows on every machine.
Usage: gen_condind.py OUT_DIR    |    gen_condind.py --truth
"""
import json
import sys

import numpy as np

C1 = ["x", "y", "z"]
C2 = ["u", "v"]
A = ["a0", "a1", "a2", "a3"]
B = ["b0", "b1", "b2"]
LAM = 0.15
N = 9000


def cells():
    """Conditioning cells with their weights and the margins of A and B in each."""
    out = []
    for i, c1 in enumerate(C1):
        for j, c2 in enumerate(C2):
            w = 1.0 + i + 0.5 * j
            pa = np.array([1.0 + ((i + k) % 4) + j for k in range(4)])
            pb = np.array([2.0 + ((2 * i + k + j) % 3) for k in range(3)])
            out.append(((c1, c2), w, pa / pa.sum(), pb / pb.sum()))
    tot = sum(w for _, w, _, _ in out)
    return [(c, w / tot, pa, pb) for c, w, pa, pb in out]


def joint(pa, pb, lam):
    ind = np.outer(pa, pb)
    coup = np.zeros_like(ind)
    for k in range(len(pa)):
        coup[k, k % len(pb)] = pa[k]
    return (1 - lam) * ind + lam * coup


def dep_tvd(p):
    return 0.5 * np.abs(p - np.outer(p.sum(1), p.sum(0))).sum()


def truth():
    """The population conditional dependence TVD of each variant."""
    dep = float(sum(w * dep_tvd(joint(pa, pb, LAM)) for _, w, pa, pb in cells()))
    half = float(sum(w * dep_tvd(joint(pa, pb, LAM / 2)) for _, w, pa, pb in cells()))
    # retention = the population's conditional dependence over the reference population's
    return {"ci": 0.0, "dep": dep, "half": half,
            "retention": {"ci": 0.0, "dep": 1.0, "half": half / dep}}


def draw(seed, lam, n):
    rng = np.random.default_rng(seed)
    cs = cells()
    cidx = rng.choice(len(cs), size=n, p=[w for _, w, _, _ in cs])
    rows = []
    for r in range(n):
        (c1, c2), _, pa, pb = cs[cidx[r]]
        p = joint(pa, pb, lam).ravel()
        k = rng.choice(p.size, p=p)
        rows.append((A[k // len(B)], B[k % len(B)], c1, c2))
    return rows


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("a,b,c1,c2\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def main():
    if sys.argv[1:] == ["--truth"]:
        print(json.dumps(truth(), indent=1, sort_keys=True))
        return
    out = sys.argv[1]
    write(f"{out}/ci.csv", draw(1901, 0.0, N))
    write(f"{out}/dep.csv", draw(1902, LAM, N))
    write(f"{out}/dep2.csv", draw(1903, LAM, N))
    write(f"{out}/half.csv", draw(1906, LAM / 2, N))
    rng = np.random.default_rng(1904)
    rows = draw(1905, 0.0, N)
    # rare categories of A: 6 labels with 2-6 rows each, anywhere
    for k in range(6):
        for _ in range(2 + k % 5):
            i = int(rng.integers(len(rows)))
            rows[i] = (f"rare{k}",) + rows[i][1:]
    # tiny conditioning cells (c2 = w): 4 cells of 3-7 rows
    for k, c1 in enumerate(C1 + ["q"]):
        for _ in range(3 + k):
            rows.append((A[int(rng.integers(4))], B[int(rng.integers(3))], c1, "w"))
    write(f"{out}/sparse.csv", rows)


if __name__ == "__main__":
    main()
