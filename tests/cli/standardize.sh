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
# Per-category standard (docs/method.md 5.3): each occupation standardised to its own age mix
# (percat_std.csv); DS, the coverage per category (a stratum missing in one category, and one
# the synthetic side lacks altogether, are weight not reached), the pooled coverage and the
# coverage rule, for flattening and joint checks, against pandas.
"$IAF" audit "$IAF_TESTDATA/standardize/percat.yaml" -o "$work/percat" --bootstrap 100 -q
$PYTHON - "$work/percat/report.json" "$IAF_TESTDATA/standardize" <<'PY'
import json, sys
import numpy as np
import pandas as pd
rep = json.load(open(sys.argv[1]))
d = sys.argv[2]
chk = {c["id"]: c for c in rep["checks"]}
syn = pd.read_csv(f"{d}/percat_syn.csv")
ref = pd.read_csv(f"{d}/percat_ref.csv")
std = pd.read_csv(f"{d}/percat_std.csv")
W = std.pivot(index="occupation", columns="age", values="count").fillna(0)
n_oa = syn.groupby(["occupation", "age"])["count"].sum()
f_oa = syn[syn.sex == "여자"].groupby(["occupation", "age"])["count"].sum()
ds, cov, n = {}, {}, syn.groupby("occupation")["count"].sum()
for o in W.index:
    bands = [a for a in W.columns if n_oa.get((o, a), 0) > 0]
    w = W.loc[o, bands]
    ds[o] = float((w * np.array([f_oa.get((o, a), 0) / n_oa[(o, a)] for a in bands])).sum() / w.sum())
    cov[o] = float(w.sum() / W.loc[o].sum())
assert cov["E"] < cov["A"] < 1  # E lacks 60+; every occupation lacks 15-18
fr = ref[ref.sex == "여자"].set_index("occupation")["count"] / ref.groupby("occupation")["count"].sum()
dom = [o for o in fr.index if fr[o] < 0.25]
assert len(dom) == 3, dom
pooled = lambda ys: sum(n[o] * cov[o] for o in ys) / sum(n[o] for o in ys)
for cid, mc in (("flat_percat", 0.8), ("flat_percat_strict", 0.99)):
    fl = chk[cid]["variants"][0]["flattening"]
    st = fl["standardised"]
    assert st["standard_per_category"] is True
    assert st["compared_with"].startswith("each category's synthetic share standardised"), st["compared_with"]
    for c in fl["categories"]:
        o = c["category"]
        assert abs(c["f_s_standardised"] - ds[o]) < 1e-12, (o, c["f_s_standardised"], ds[o])
        assert abs(c["standard_coverage"] - cov[o]) < 1e-12, (o, c["standard_coverage"], cov[o])
        assert c["f_r_standardised"] == c["f_r"]
    assert abs(st["standard_coverage_dominated"] - pooled(dom)) < 1e-12
    assert abs(st["standard_coverage_support"] - pooled(list(W.index))) < 1e-12
    assert st["categories_below_min_coverage"] == sum(cov[o] < mc for o in W.index)
    low = min(pooled(dom), pooled(list(W.index))) < mc
    diag = st["verdict"]["diagnosis"] or ""
    assert low == (cid == "flat_percat_strict"), (cid, low)
    assert diag.startswith("standardisation coverage too low") == low, diag
    assert (chk[cid]["variants"][0]["age_agreement"] == "age-undecided") == low
# joint: the rows (occupations) standardised to their own age mix, both with the same weights
# against a reference without age: n_x * DS(y | x) cells, coverage per row, the rule at 0.97
js = chk["joint_percat"]["variants"][0]["standardised"]
m = js["metrics"]
sc = m["standard_coverage"]
assert sc["per_category"] is True
for c in sc["categories"]:
    assert abs(c["standard_coverage"] - cov[c["category"]]) < 1e-12, c
    assert c["synthetic_mass"] == n[c["category"]]
assert abs(sc["pooled"] - pooled(list(W.index))) < 1e-12
cells = {(c["x"], c["y"]): c["synthetic_share"] for c in m["cells"]}
tot = n.sum()
for o in W.index:
    assert abs(cells[(o, "여자")] - n[o] * ds[o] / tot) < 1e-12, o
low = sc["pooled"] < 0.97
assert low and m["verdict"]["verdict"] == "INCONCLUSIVE"
assert m["verdict"]["diagnosis"].startswith("standardisation coverage too low"), m["verdict"]
assert js["verdict"] == "INCONCLUSIVE" and chk["joint_percat"]["variants"][0]["age_agreement"] == "age-undecided"
print("per-category standardisation: DS, coverage and the coverage rule match pandas")
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
# per_category needs a standard reference (the reference's own strata are per category already)
sed 's/standardize: {by: age}/standardize: {by: age, per_category: true}/' "$work/bad.yaml" > "$work/bad2.yaml"
set +e
"$IAF" audit "$work/bad2.yaml" -o "$work/bad2" 2> "$work/bad2.err"
rc=$?
set -e
test "$rc" = 1 && grep -q "per_category needs a standard reference" "$work/bad2.err"
echo "per_category without a standard: error at load"
