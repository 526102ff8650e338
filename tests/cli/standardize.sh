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

# Like with like (METHOD.md section 7): a reference audited against itself gives exactly 0
# for the standardised flattening and joint metrics; DS_s, DS_r and the coverage per category
# equal an independent pandas computation (strata empty on one side leave that category's
# weights on both sides); without age detail in the reference the standardised synthetic
# shares meet the raw reference shares and the report says so; standardisation asked for and
# impossible is a visible INCONCLUSIVE, and an error at load when the declared reference
# columns lack the stratum.
"$IAF" audit "$IAF_TESTDATA/standardize/self.yaml" -o "$work/self" --bootstrap 100 -q
$PYTHON - "$work/self/report.json" "$IAF_TESTDATA/standardize" <<'PY'
import json, sys
import pandas as pd
rep = json.load(open(sys.argv[1]))
d = sys.argv[2]
chk = {c["id"]: c for c in rep["checks"]}
fs = chk["flat_self"]["variants"][0]["flattening"]
assert fs["standardised"]["flattening_pooled"] == 0 and fs["standardised"]["flattening_mean"] == 0, fs["standardised"]
assert fs["standardised"]["segregation_retention"] == 1
assert fs["standardised"]["compared_with"] == "both sides standardised with the same weights"
js = chk["joint_self"]["variants"][0]["standardised"]
for key in ("tvd_joint", "cond_tvd_y_given_x", "cond_tvd_x_given_y", "footprint", "max_cell_pp"):
    v = js["metrics"][key]
    assert (v["value"] if isinstance(v, dict) else v) == 0, (key, v)
assert js["verdict"] == "PASS" and js["compared_with"] == "both sides standardised with the same weights"
# DS oracle: w = the reference's age margin; per occupation the strata with people on both
# sides (here the same table), DS = sum w_a f(a) / sum w_a, coverage = sum w_a / W
t = pd.read_csv(f"{d}/self_table.csv")
w = t.groupby("age")["count"].sum()
g = t.pivot_table(index=["occupation", "age"], columns="sex", values="count", aggfunc="sum").fillna(0)
g["n"] = g.sum(axis=1)
for cat in fs["categories"]:
    sub = g.loc[cat["category"]]
    sub = sub[sub["n"] > 0]
    ww = w[sub.index]
    ds = (ww * sub["여자"] / sub["n"]).sum() / ww.sum()
    assert abs(cat["f_s_standardised"] - ds) < 1e-12 and cat["f_s_standardised"] == cat["f_r_standardised"], cat
    assert abs(cat["standard_coverage"] - ww.sum() / w.sum()) < 1e-12, cat
assert abs([c for c in fs["categories"] if c["category"] == "E"][0]["standard_coverage"] - 1 + w["60+"] / w.sum()) < 1e-12
# ... and R's survey::svystandardize on the same table (tests/oracles/standardize.R)
rds = pd.read_csv(f"{d}/self_ds_oracle.csv").set_index("occupation")["ds"]
for cat in fs["categories"]:
    assert abs(cat["f_s_standardised"] - rds[cat["category"]]) < 1e-12, (cat, rds[cat["category"]])
fn = chk["flat_noage"]["variants"][0]["flattening"]
assert fn["standardised"]["compared_with"].startswith("the reference has no stratum detail")
for cat in fn["categories"]:
    assert cat["f_r_standardised"] == cat["f_r"], cat
jn = chk["joint_noage"]
assert jn["verdict"] == "INCONCLUSIVE" and jn["diagnosis"].startswith("standardisation impossible: "), jn["diagnosis"]
print("standardisation like with like: self-audit exactly 0; DS and coverage match pandas")
PY
cat > "$work/bad.yaml" <<'YAML'
iaf: 1
name: standardize without the stratum
dataset: {title: t, tables: [{id: syn, file: synthetic.csv}]}
references:
  - {id: ref, file: reference.csv, attributes: [region, employment], value: count, full_count: true}
checks:
  - {id: j, kind: joint, attributes: [region, employment], reference: ref, standardize: {by: age}}
YAML
set +e
"$IAF" audit "$work/bad.yaml" -o "$work/bad" 2> "$work/bad.err"
rc=$?
set -e
test "$rc" = 1 && grep -q "standardize by 'age', but the reference has no such column" "$work/bad.err"
echo "standardize without the stratum: error at load"
