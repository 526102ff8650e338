#!/bin/bash
# Direct standardisation in a joint check (tests/data/standardize/README.md):
# raw FLAG, standardised PASS, age-sensitive; the standardised synthetic
# shares equal numpy's n_x * sum_a w_a P(y | x, a) with the reference's ages.
set -euo pipefail
: "${IAF:?}" "${IAF_TESTDATA:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$IAF" audit "$IAF_TESTDATA/standardize/spec.yaml" -o "$work" --bootstrap 200 -q
$PYTHON - "$work/report.json" "$IAF_TESTDATA/standardize" <<'PY'
import json, sys
import numpy as np
import pandas as pd
rep = json.load(open(sys.argv[1]))
d = sys.argv[2]
v = rep["checks"][0]["variants"][0]
assert v["verdict"] == "FLAG", v["verdict"]
assert v["standardised"]["verdict"] == "PASS", v["standardised"]
assert v["age_agreement"] == "age-sensitive"
s = pd.read_csv(f"{d}/synthetic.csv")
r = pd.read_csv(f"{d}/reference.csv")
w = r.groupby("age")["count"].sum(); w = w / w.sum()
rate = s.groupby(["region", "age", "employment"])["count"].sum() / s.groupby(["region", "age"])["count"].sum()
nx = s.groupby("region")["count"].sum()
std = {(x, y): nx[x] * sum(w[a] * rate[(x, a, y)] for a in w.index) for x in nx.index for y in ("employed", "unemployed")}
tot = sum(std.values())
cells = {(c["x"], c["y"]): c["synthetic_share"] for c in v["standardised"]["metrics"]["cells"]}
for k, val in std.items():
    assert abs(cells[k] - val / tot) < 1e-12, (k, cells[k], val / tot)
assert v["standardised"]["metrics"]["tvd_joint"] < 1e-12
print("standardisation ok: raw FLAG, standardised PASS (age-sensitive)")
PY
