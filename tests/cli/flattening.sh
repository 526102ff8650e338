#!/bin/bash
# Flattening checks (METHOD.md section 5) on planted fixtures: the faithful
# sample PASSes, the flattened one FLAGs as "flattened", and the point values
# equal an independent numpy computation from the same CSV files.
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
    fr = r["여자"] / r.sum(axis=1)
    fperp = r["여자"].sum() / r.values.sum()
    dom = fr < theta
    fs_pool = s["여자"][dom].sum() / s[dom].values.sum()
    fr_pool = r["여자"][dom].sum() / r[dom].values.sum()
    duncan = lambda t: 0.5 * np.abs(t["남자"] / t["남자"].sum() - t["여자"] / t["여자"].sum()).sum()
    return (fs_pool - fr_pool) / (fperp - fr_pool), duncan(s) / duncan(r)

want = {"faithful": "PASS", "flattened": "FLAG"}
for c in rep["checks"]:
    f = c["variants"][0]["flattening"]
    pooled, segret = measures(f"{c['id']}.csv", "reference.csv")
    assert abs(f["flattening_pooled"] - pooled) < 1e-12, (c["id"], f["flattening_pooled"], pooled)
    assert abs(f["segregation_retention"] - segret) < 1e-12, (c["id"], f["segregation_retention"], segret)
    assert c["verdict"] == want[c["id"]], (c["id"], c["verdict"])
    assert f["n_dominated"] == 2
assert rep["checks"][1]["diagnosis"] == "flattened"
print("flattening: values match numpy; verdicts PASS / FLAG")
PY
