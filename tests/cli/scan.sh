#!/bin/bash
# `iaf scan` on planted data: a, b dependent (b copies a 60% of the time);
# c independent of both. The dependent pairs are ranked first and are not
# footprint candidates; pairs with c are. dep_tvd and Cramer's V match numpy.
# The card sentence stating independence is listed.
set -euo pipefail
: "${IAF:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$PYTHON - "$work" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(11)
n = 5000
a = rng.integers(0, 4, n)
b = np.where(rng.random(n) < 0.6, a, rng.integers(0, 4, n))
c = rng.integers(0, 3, n)
with open(f"{sys.argv[1]}/d.csv", "w") as f:
    f.write("id,a,b,c\n")
    for i in range(n):
        f.write(f"{i},a{a[i]},b{b[i]},c{c[i]}\n")
with open(f"{sys.argv[1]}/card.md", "w") as f:
    f.write("# Card\nThe columns are generated. Attribute c is assumed to be independent of a.\nNothing else.\n")
PY
"$IAF" scan "$work/d.csv" --json --card "$work/card.md" --permutations 200 > "$work/scan.json"
"$IAF" scan "$work/d.csv" --columns a,b,c | grep -q "footprint candidate"
$PYTHON - "$work" <<'PY'
import json, sys
import numpy as np
import pandas as pd
w = sys.argv[1]
rep = json.load(open(f"{w}/scan.json"))
d = pd.read_csv(f"{w}/d.csv")
pairs = {(p["x"], p["y"]): p for p in rep["pairs"]}
assert set(pairs) == {("a", "b"), ("a", "c"), ("b", "c")}, pairs.keys()  # id is excluded (unique)
def dep(x, y):
    t = pd.crosstab(d[x], d[y]).values.astype(float)
    p = t / t.sum()
    e = np.outer(p.sum(1), p.sum(0))
    v = np.sqrt(((p - e) ** 2 / e).sum() / (min(p.shape) - 1))
    return 0.5 * np.abs(p - e).sum(), v
for (x, y), p in pairs.items():
    dt, v = dep(x, y)
    assert abs(p["dep_tvd"] - dt) < 1e-12 and abs(p["cramers_v"] - v) < 1e-12, (x, y)
    assert p["null"] == "permutation"
assert rep["pairs"][0]["x"] == "a" and rep["pairs"][0]["y"] == "b"
assert not pairs[("a", "b")]["footprint_candidate"]
assert pairs[("a", "c")]["footprint_candidate"] and pairs[("b", "c")]["footprint_candidate"]
assert rep["card_disclosures"] == ["Attribute c is assumed to be independent of a"], rep["card_disclosures"]
print("scan ok")
PY
