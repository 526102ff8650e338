#!/bin/bash
# `iaf scan` on planted data, every number against an independent computation (numpy/scipy on
# the same rows; no iaf output feeds an expectation):
#  * a, b dependent (b copies a 60% of the time), c independent of both: the dependent pair is
#    ranked first and is no candidate, the pairs with c are; dep_tvd and Cramer's V match numpy;
#  * the null (margins fixed, simulated on cells): its p95 of dep_tvd matches a numpy
#    permutation null within Monte Carlo error, its p95 of V and NMI the chi-square asymptotics;
#  * id (near-unique) and w (a weight by name) are skipped and listed; grp's "other" is warned
#    about as a lumped category; a 200-row file warns of small n exactly where Cochran's rule
#    (pandas) says so;
#  * the card sentence naming a and c is quoted whole beside that pair;
#  * --reference (microdata, and the same as a long count table): retention = dep_tvd(s) /
#    dep_tvd(r) as numpy computes it, and a pair flattened
#    against the reference (retention interval below 0.5) is a candidate;
#  * results are the same on 1 and 2 threads.
set -euo pipefail
: "${IAF:?}"
PY=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$PY - "$work" <<'PY'
import sys
import numpy as np
w = sys.argv[1]
rng = np.random.default_rng(11)
def write(path, n, copy, seed):
    r = np.random.default_rng(seed)
    a = r.integers(0, 4, n)
    b = np.where(r.random(n) < copy, a, r.integers(0, 4, n))
    c = r.integers(0, 3, n)
    grp = r.choice(["x", "y", "other"], n)
    with open(path, "w") as f:
        f.write("id,a,b,c,grp,w\n")
        for i in range(n):
            f.write(f"{i},a{a[i]},b{b[i]},c{c[i]},{grp[i]},{1 + r.random():.4f}\n")
write(f"{w}/d.csv", 5000, 0.6, 11)
write(f"{w}/weak.csv", 5000, 0.25, 13)     # a synthetic set that keeps little of a-b
write(f"{w}/ref.csv", 4000, 0.95, 12)      # the reference keeps a and b far more dependent
with open(f"{w}/small.csv", "w") as f:    # 200 rows, 10 x 10 cells: small n
    r = np.random.default_rng(5)
    f.write("p,q,s\n")
    for i in range(200):
        f.write(f"p{r.integers(0, 10)},q{r.integers(0, 10)},s{r.integers(0, 2)}\n")
with open(f"{w}/card.md", "w") as f:
    f.write("# Card\nThe columns are generated, e.g. by a model. Attribute c is assumed to be "
            "independent of a. Nothing else.\n")
PY
"$IAF" scan "$work/d.csv" --json --card "$work/card.md" --null 1000 -t 1 > "$work/scan.json"
"$IAF" scan "$work/d.csv" --json --card "$work/card.md" --null 1000 -t 2 > "$work/scan2.json"
cmp "$work/scan.json" "$work/scan2.json"
"$IAF" scan "$work/d.csv" --card "$work/card.md" > "$work/scan.txt"
"$IAF" scan "$work/small.csv" --json > "$work/small.json"
"$IAF" scan "$work/weak.csv" --reference "$work/ref.csv" --columns a,b,c --bootstrap 200 --json > "$work/ref.json"
"$IAF" scan "$work/weak.csv" --reference "$work/ref.csv" --columns a,b,c --bootstrap 200 > "$work/ref.txt"
$PY - "$work" <<'PY'
import sys
import pandas as pd
w = sys.argv[1]
r = pd.read_csv(f"{w}/ref.csv", dtype=str)
r.groupby(["a", "b", "c"]).size().rename("count").reset_index().to_csv(f"{w}/refc.csv", index=False)
PY
"$IAF" scan "$work/weak.csv" --reference "$work/refc.csv" --reference-n 4000 --columns a,b,c \
    --bootstrap 200 --json > "$work/refc.json"
$PY - "$work" <<'PY'
import json, sys
import numpy as np
import pandas as pd
from scipy import stats
w = sys.argv[1]
rep = json.load(open(f"{w}/scan.json"))
d = pd.read_csv(f"{w}/d.csv", dtype=str)
pairs = {(p["x"], p["y"]): p for p in rep["pairs"]}
assert set(pairs) == {("a", "b"), ("a", "c"), ("a", "grp"), ("b", "c"), ("b", "grp"),
                      ("c", "grp")}, pairs.keys()
skipped = {s["column"]: s["why"] for s in rep["skipped"]}
assert set(skipped) == {"id", "w"}, skipped
assert skipped["w"].startswith("weight") and skipped["id"].startswith("identifier"), skipped
assert rep["lumped_categories"] == ["grp: 'other'"], rep["lumped_categories"]
assert rep["rows"] == 5000

def tab(df, x, y):
    return pd.crosstab(df[x], df[y]).values.astype(float)

def stats_of(t):
    n = t.sum(); p = t / n
    e = np.outer(p.sum(1), p.sum(0))
    v = np.sqrt(((p - e) ** 2 / e).sum() / (min(p.shape) - 1))
    return 0.5 * np.abs(p - e).sum(), v

rng = np.random.default_rng(7)
for (x, y), p in pairs.items():
    t = tab(d, x, y)
    dt, v = stats_of(t)
    assert abs(p["dep_tvd"] - dt) < 1e-12 and abs(p["cramers_v"] - v) < 1e-12, (x, y)
    assert p["null"] == "margins fixed (cells)"
    # permutation null in numpy: shuffle y against x, 2000 times
    xi = pd.factorize(d[x], sort=True)[0]
    yi = pd.factorize(d[y], sort=True)[0]
    kx, ky = xi.max() + 1, yi.max() + 1
    null = []
    for _ in range(2000):
        rng.shuffle(yi)
        null.append(stats_of(np.bincount(xi * ky + yi, minlength=kx * ky)
                             .reshape(kx, ky).astype(float))[0])
    q = np.quantile(null, 0.95)
    assert abs(p["null_dep_tvd_p95"] - q) < 0.08 * q, (x, y, p["null_dep_tvd_p95"], q)
    # asymptotics: n V^2 m ~ chi2(df), 2 n MI ~ chi2(df)
    n = t.sum(); df = (t.shape[0] - 1) * (t.shape[1] - 1); m = min(t.shape) - 1
    c95 = stats.chi2.ppf(0.95, df)
    v95 = np.sqrt(c95 / (n * m))
    px, py = t.sum(1) / n, t.sum(0) / n
    h = -(px * np.log(px)).sum() - (py * np.log(py)).sum()
    nmi95 = 2 * (c95 / (2 * n)) / h
    assert abs(p["null_cramers_v_p95"] - v95) < 0.06 * v95, (x, y, p["null_cramers_v_p95"], v95)
    assert abs(p["null_nmi_p95"] - nmi95) < 0.12 * nmi95, (x, y, p["null_nmi_p95"], nmi95)
    chi2 = n * v * v * m
    assert abs(p["chi2_p"] - stats.chi2.sf(chi2, df)) < 1e-9, (x, y)
assert rep["pairs"][0]["x"] == "a" and rep["pairs"][0]["y"] == "b"
assert not pairs[("a", "b")]["footprint_candidate"]
assert pairs[("a", "c")]["footprint_candidate"] and pairs[("b", "c")]["footprint_candidate"]
assert rep["card_disclosures"] == [{"sentence": "Attribute c is assumed to be independent of a.",
                                    "pairs": [["a", "c"]]}], rep["card_disclosures"]

# text: skipped columns listed, the card sentence beside its pair, columns aligned
txt = open(f"{w}/scan.txt").read().splitlines()
assert txt[0].startswith("scan: 5000 rows; 4 columns paired (6 pairs)"), txt[0]
assert "skipped:" in txt and any(l.split()[:1] == ["id"] for l in txt), txt
i = next(k for k, l in enumerate(txt) if l.startswith("a x c "))
assert txt[i + 1].strip() == 'card: "Attribute c is assumed to be independent of a."', txt[i + 1]
head = next(l for l in txt if l.startswith("pair "))
col = head.index(" kx") + 3
for l in txt:
    if " x " in l and not l.startswith(" "):
        assert l[:col].rstrip().endswith(l[:col].split()[-1]) and l[col - 2:col].strip(), l

# small n: Cochran's rule on expected counts, computed here
sm = json.load(open(f"{w}/small.json"))
ds = pd.read_csv(f"{w}/small.csv", dtype=str)
for p in sm["pairs"]:
    t = tab(ds, p["x"], p["y"]); n = t.sum()
    e = np.outer(t.sum(1), t.sum(0)) / n
    small = (e < 5).mean() > 0.2 or e.min() < 1
    assert p["small_n"] == small, (p["x"], p["y"], p["small_n"], small)
    assert abs(p["expected_min"] - e.min()) < 1e-9 and abs(p["expected_below_5"] - (e < 5).mean()) < 1e-12
assert any(p["small_n"] for p in sm["pairs"]) and not all(p["small_n"] for p in sm["pairs"])

# reference: retention = dep_tvd(s) / dep_tvd(r) on the reference's support
rr = json.load(open(f"{w}/ref.json"))
r = pd.read_csv(f"{w}/ref.csv", dtype=str)
wk = pd.read_csv(f"{w}/weak.csv", dtype=str)
rp = {(p["x"], p["y"]): p for p in rr["pairs"]}
ret = stats_of(tab(wk, "a", "b"))[0] / stats_of(tab(r, "a", "b"))[0]
ab = rp[("a", "b")]["reference"]
assert abs(ab["retention"] - ret) < 1e-12, (ab["retention"], ret)
lo, hi = ab["retention_interval"]
assert lo <= ret <= hi and hi < 0.5 and ab["retention_candidate"], ab
assert rp[("a", "b")]["footprint_candidate"]
ac = rp[("a", "c")]["reference"]
assert not ac["retention_candidate"]
rc = {(p["x"], p["y"]): p for p in json.load(open(f"{w}/refc.json"))["pairs"]}
assert abs(rc[("a", "b")]["reference"]["retention"] - ret) < 1e-12    # the same as a count table
assert rc[("a", "b")]["reference"]["retention_candidate"]
reftxt = open(f"{w}/ref.txt").read()
assert "footprint candidate (flattened against the reference)" in reftxt, reftxt
print("scan ok")
PY
