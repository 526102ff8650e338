#!/bin/bash
# `iaf compare --json`: without --bootstrap, exactly the keys of issue 2's
# contract, the inputs and --by, and why there is no verdict; with it, intervals,
# the bootstrap settings and a verdict too. The text without --bootstrap says
# that no verdict is given and why; a missing category reads "(missing)".
# Values are checked against numpy on the NPK sex x province table.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
d="$IAF_SRC/examples/npk/data"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$IAF" compare "$d/npk/long/sex__province.csv" "$d/reference/mois_2025_province_sex_agebin_19plus.csv" \
    --by sex,province --json > "$work/plain.json"
"$IAF" compare "$d/npk/long/sex__province.csv" "$d/reference/mois_2025_province_sex_agebin_19plus.csv" \
    --by sex,province --json --bootstrap 200 --seed 7 > "$work/boot.json"
"$IAF" compare "$d/npk/long/sex__province.csv" "$d/reference/mois_2025_province_sex_agebin_19plus.csv" \
    --by sex,province --json --bootstrap 200 --seed 7 > "$work/boot2.json"
cmp "$work/boot.json" "$work/boot2.json"   # same seed, same bytes
"$IAF" compare "$d/npk/long/sex__province.csv" "$d/reference/mois_2025_province_sex_agebin_19plus.csv" \
    --by sex,province --bootstrap 200 > "$work/boot.txt"
grep -q "^verdict" "$work/boot.txt"
grep -q "calibrated bootstrap intervals" "$work/boot.txt"
"$IAF" compare "$d/npk/long/sex__province.csv" "$d/reference/mois_2025_province_sex_agebin_19plus.csv" \
    --by sex,province --bootstrap 200 --interval basic > "$work/basic.txt"
grep -q "basic bootstrap intervals" "$work/basic.txt"
"$IAF" compare "$d/npk/long/sex__province.csv" "$d/reference/mois_2025_province_sex_agebin_19plus.csv" \
    --by sex,province --json --bootstrap 200 --interval basic > "$work/basic.json"
# every printed estimate lies inside its printed interval (METHOD.md section 8): the text
# lines "metric estimate [lo, hi] plug-in ..." of both interval kinds
for f in boot basic; do
    awk '/\[ *[-0-9.]+, *[-0-9.]+\]/ {
        line = $0; sub(/^ +/, "", line); n = split(line, w, /[][, ]+/)
        est = w[2]; lo = w[3]; hi = w[4]
        if (est + 0 < lo + 0 || est + 0 > hi + 0) { print "outside: " $0; bad = 1 }
        seen++ }
        END { if (bad || seen < 2) exit 1 }' "$work/$f.txt"
done
grep -q "^verdict    none: no bootstrap replicates were asked for, and a verdict needs 95% intervals" \
    <("$IAF" compare "$d/npk/long/sex__province.csv" \
        "$d/reference/mois_2025_province_sex_agebin_19plus.csv" --by sex,province)
# the missing category (an empty value) is named, in the text only; the JSON keeps the data
printf 'sex,city\nM,a\n,b\n,c\nF,d\n' > "$work/syn.csv"
printf 'sex,count\nM,10\nF,12\n' > "$work/ref.csv"
"$IAF" compare "$work/syn.csv" "$work/ref.csv" --by sex > "$work/miss.txt"
grep -q "^  (missing) *50.0000%$" "$work/miss.txt"
printf 'sex,count\nM,10\n,3\nF,12\n' > "$work/ref2.csv"
printf 'sex\nM\n\n\n\n\nF\n' > "$work/syn2.csv"
"$IAF" compare "$work/syn2.csv" "$work/ref2.csv" --by sex > "$work/miss2.txt"
grep -q "max_cell_pp .* at (missing)$" "$work/miss2.txt"
"$IAF" compare "$work/syn.csv" "$work/ref.csv" --by sex --json > "$work/miss.json"
if "$IAF" compare a b --by x --interval pivotal 2> "$work/err"; then exit 1; fi
grep -q "interval" "$work/err"
$PYTHON - "$work" "$d" <<'PY'
import json, sys
import numpy as np
import pandas as pd
w, d = sys.argv[1:3]
plain = json.load(open(f"{w}/plain.json"))
want = {"tvd_joint", "tvd_x", "tvd_y", "cond_tvd_y_given_x", "cond_tvd_x_given_y", "max_cell_pp",
        "hellinger", "js_distance", "dep_tvd", "cramers_v", "nmi", "retention", "footprint",
        "footprint_dep", "footprint_marginal", "raking",
        "n_synthetic", "n_reference", "noise_floor", "cells", "coverage", "by", "inputs"}
assert set(plain) == want | {"no_verdict"}, set(plain) ^ want
assert "no bootstrap" in plain["no_verdict"], plain["no_verdict"]
assert plain["by"] == ["sex", "province"], plain["by"]
assert plain["inputs"]["synthetic"]["files"] == [f"{d}/npk/long/sex__province.csv"]
assert plain["inputs"]["reference"]["files"] == [
    f"{d}/reference/mois_2025_province_sex_agebin_19plus.csv"]
assert plain["inputs"]["synthetic"]["form"] == "counts"
assert plain["inputs"]["reference"]["where"] is None
miss = json.load(open(f"{w}/miss.json"))
assert miss["by"] == ["sex"] and miss["inputs"]["synthetic"]["form"] == "microdata", miss
assert miss["coverage"]["off_support"][0]["x"] == "", miss["coverage"]["off_support"]
boot = json.load(open(f"{w}/boot.json"))
assert set(boot) == want | {"bootstrap", "intervals", "cond_noise_floor", "verdict"}, set(boot) ^ want
assert boot["bootstrap"]["B"] == 200 and boot["bootstrap"]["seed"] == 7
assert boot["verdict"]["verdict"] in ("PASS", "FLAG", "INCONCLUSIVE")
assert boot["bootstrap"]["interval"] == "calibrated"
basic = json.load(open(f"{w}/basic.json"))
assert basic["bootstrap"]["interval"] == "basic"
# the headline estimate of every interval lies inside it, with either method; the
# verdict's screens show the same estimate
for doc in (boot, basic):
    for name, iv in doc["intervals"].items():
        if iv["lo"] is None:
            continue
        assert iv["lo"] <= iv["estimate"] <= iv["hi"], (name, iv)
    for sc in doc["verdict"]["screens"]:
        assert sc["lo"] <= sc["estimate"] <= sc["hi"], sc
        assert sc["estimate"] == doc["intervals"][sc["metric"]]["estimate"], sc
assert boot["intervals"]["footprint_dep"]["method"] == "calibrated"
assert boot["raking"]["converged"] is True
# values: numpy on the same files (reference's categories define the support)
s = pd.read_csv(f"{d}/npk/long/sex__province.csv").groupby(["sex", "province"])["count"].sum()
r = pd.read_csv(f"{d}/reference/mois_2025_province_sex_agebin_19plus.csv").groupby(["sex", "province"])["count"].sum()
s = s.reindex(r.index, fill_value=0)
S = s.unstack().values.astype(float); S /= S.sum()
R = r.unstack().values.astype(float); R /= R.sum()
tvd = 0.5 * np.abs(S - R).sum()
assert abs(plain["tvd_joint"] - tvd) < 1e-12, (plain["tvd_joint"], tvd)
Sx = S.sum(1, keepdims=True); Rx = R.sum(1, keepdims=True)
cond = (Rx[:, 0] * 0.5 * np.abs(S / Sx - R / Rx).sum(1)).sum()
assert abs(plain["cond_tvd_y_given_x"] - cond) < 1e-12
dep = lambda P: 0.5 * np.abs(P - P.sum(1, keepdims=True) * P.sum(0, keepdims=True)).sum()
assert abs(plain["retention"] - dep(S) / dep(R)) < 1e-10
print("compare json ok")
PY
