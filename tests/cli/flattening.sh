#!/bin/bash
# Flattening checks (METHOD.md section 5) on planted fixtures: the faithful
# sample PASSes, the flattened one FLAGs as "flattened", a reference with only
# two dominated categories is INCONCLUSIVE for insufficient support (METHOD.md
# section 9), and the point values and support figures equal an independent
# numpy computation from the same CSV files.
set -euo pipefail
: "${IAF:?}" "${IAF_TESTDATA:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$IAF" audit "$IAF_TESTDATA/flattening/spec.yaml" -o "$work" --bootstrap 200 -q
$PYTHON - "$work/report.json" "$IAF_TESTDATA/flattening" <<'PY'
import json, sys
import numpy as np
import pandas as pd
rep = json.load(open(sys.argv[1]))
d = sys.argv[2]

def measures(syn, ref, theta=0.25):
    s = pd.read_csv(f"{d}/{syn}").pivot(index="occupation", columns="sex", values="count")
    r = pd.read_csv(f"{d}/{ref}").pivot(index="occupation", columns="sex", values="count")
    s = s.loc[r.index]  # categories the reference lacks are off its support
    fr = r["여자"] / r.sum(axis=1)
    fperp = r["여자"].sum() / r.values.sum()
    dom = fr < theta
    fs_pool = s["여자"][dom].sum() / s[dom].values.sum()
    fr_pool = r["여자"][dom].sum() / r[dom].values.sum()
    duncan = lambda t: 0.5 * np.abs(t["남자"] / t["남자"].sum() - t["여자"] / t["여자"].sum()).sum()
    return (fs_pool - fr_pool) / (fperp - fr_pool), duncan(s) / duncan(r)

want = {"faithful": "PASS", "flattened": "FLAG", "two_dominated": "INCONCLUSIVE"}
files = {"faithful": ("faithful.csv", "reference.csv"), "flattened": ("flattened.csv", "reference.csv"),
         "two_dominated": ("faithful.csv", "reference_two.csv")}
for c in rep["checks"]:
    v = c["variants"][0]
    f = v["flattening"]
    syn, ref = files[c["id"]]
    pooled, segret = measures(syn, ref)
    assert abs(f["flattening_pooled"] - pooled) < 1e-12, (c["id"], f["flattening_pooled"], pooled)
    assert abs(f["segregation_retention"] - segret) < 1e-12, (c["id"], f["segregation_retention"], segret)
    assert c["verdict"] == want[c["id"]], (c["id"], c["verdict"])
    # support (METHOD.md 3.6): every category reached, so all of the reference
    sup = v["support"]
    r = pd.read_csv(f"{d}/{ref}")
    s = pd.read_csv(f"{d}/{syn}")
    s = s[s.occupation.isin(r.occupation)]
    assert abs(sup["support_ref"] - 1) < 1e-15 and sup["n_eff"] == s["count"].sum(), sup
    ndom = 3 if ref == "reference.csv" else 2
    assert f["n_dominated"] == ndom and sup["dominated_total"] == ndom == sup["dominated_reached"]
    assert sup["sufficient"] == (ndom >= 3), sup
assert rep["checks"][1]["diagnosis"] == "flattened"
assert rep["checks"][2]["diagnosis"].startswith("insufficient support (100.0% of the reference; 2 of 2 dominated"), rep["checks"][2]["diagnosis"]
print("flattening: values match numpy; verdicts PASS / FLAG / INCONCLUSIVE (2 dominated)")
PY
