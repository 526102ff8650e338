#!/usr/bin/env bash
# The conditional_independence check on planted truths (tests/planted/gen_condind.py):
# the rows are what the generator writes, the independent numpy oracle
# (tests/oracles/condind_oracle.py) recomputes the committed values from them, and iaf's
# statistics equal the oracle's (the simulated nulls within Monte Carlo error); the
# verdicts follow docs/method.md: CI holding exactly shows the card's assumption (FLAG,
# "flattened" against a reference that keeps the dependence), a planted dependence of known
# size is seen (PASS, retention about 1), sparse categories are pooled and tiny cells left
# out as reported, and the result does not depend on the thread count. Retention against the
# reference (docs/method.md 12a): the plug-in equals the oracle's ratio of excesses, its 95%
# interval covers the planted retention (0 for ci, 1 for dep, 0.5 for half) with the headline
# estimate inside, and the verdict follows the interval (half straddles 1 - tau_ret: cannot
# be decided). The power curve rises with the size of the dependence.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" "$IAF_SRC/tests/planted/gen_condind.py" "$tmp"
"$PYTHON" "$IAF_SRC/tests/planted/gen_condind.py" --truth > "$tmp/truth.json"
"$PYTHON" "$IAF_SRC/tests/oracles/condind_oracle.py" "$tmp" > "$tmp/oracle.json"
cp "$IAF_SRC/tests/data/condind/planted.yaml" "$tmp/"
for v in ci dep sparse half; do
  "$IAF" audit "$tmp/planted.yaml" --microdata "$tmp/$v.csv" -o "$tmp/out_$v" > "$tmp/$v.txt"
done
"$IAF" audit "$tmp/planted.yaml" --microdata "$tmp/ci.csv" --threads 1 -o "$tmp/out_t1" > /dev/null
"$IAF" audit "$tmp/planted.yaml" --microdata "$tmp/ci.csv" --threads 3 -o "$tmp/out_t3" > /dev/null
"$PYTHON" - "$tmp" "$IAF_SRC/tests/data/condind/oracle_values.json" <<'PY'
import json, math, sys
tmp, committed = sys.argv[1], sys.argv[2]
ora = json.load(open(f"{tmp}/oracle.json"))
com = json.load(open(committed))
truth = json.load(open(f"{tmp}/truth.json"))
bad = []
def close(a, b, tol):
    return abs(a - b) <= tol * max(1.0, abs(b))
# 1. the oracle's values from these rows are the committed ones
for v in com:
    for k, x in com[v].items():
        if not close(ora[v][k], x, 1e-9):
            bad.append(f"oracle {v}.{k}: {ora[v][k]} != committed {x}")
def checks(v):
    r = json.load(open(f"{tmp}/out_{v}/report.json"))
    return {c["id"]: c for c in r["checks"]}
exact = ["rows", "rows_tested", "support", "cells_tested", "cells_sparse", "cells_one_category",
         "pooled_a", "pooled_a_rows", "pooled_b", "pooled_b_rows", "cdep_tvd", "cmi",
         "cmi_miller_madow", "df", "g", "p_analytic"]
for v in ["ci", "dep", "sparse", "half"]:
    for cid, c in checks(v).items():
        ci = c["variants"][0]["conditional_independence"]
        s, o = ci["synthetic"], ora[v]
        for k in exact:
            if not close(s[k], o[k], 1e-9):
                bad.append(f"{v}/{cid}: {k} {s[k]} != oracle {o[k]}")
        # the simulated nulls: 1000 replicates (iaf) against 2000 (oracle)
        se = o["null_sd"] * math.sqrt(1 / 1000 + 1 / 2000)
        if abs(s["null_mean"] - o["null_mean"]) > 4 * se:
            bad.append(f"{v}/{cid}: null_mean {s['null_mean']} vs oracle {o['null_mean']}")
        if abs(s["null_q95"] - o["null_q95"]) > 0.5 * o["null_sd"]:
            bad.append(f"{v}/{cid}: null_q95 {s['null_q95']} vs oracle {o['null_q95']}")
        if abs(s["p_sim"] - o["p_sim"]) > 0.06:
            bad.append(f"{v}/{cid}: p_sim {s['p_sim']} vs oracle {o['p_sim']}")
        if ci["reference"] is not None:
            r, o2 = ci["reference"], ora["dep2"]
            for k in exact:
                if not close(r[k], o2[k], 1e-9):
                    bad.append(f"{v}/{cid}: reference {k} {r[k]} != oracle {o2[k]}")
# retention: the plug-in against the oracle's (null means within Monte Carlo error), the
# interval against the planted truth
r2 = ora["dep2"]
for v in ["ci", "dep", "half"]:
    ci = checks(v)["against_reference"]["variants"][0]["conditional_independence"]
    s = ci["synthetic"]
    ex_r = r2["cdep_tvd"] - r2["null_mean"]
    mc = math.sqrt(1 / 1000 + 1 / 2000)
    tol = 4 * mc * (ora[v]["null_sd"] + abs(ora["retention"][v]) * r2["null_sd"]) / ex_r
    if abs(ci["retention"] - ora["retention"][v]) > tol:
        bad.append(f"{v}: retention {ci['retention']} vs oracle {ora['retention'][v]} (tol {tol})")
    ri = ci["retention_interval"]
    want_r = truth["retention"][v]
    if ri is None or not ri["lo"] <= want_r <= ri["hi"]:
        bad.append(f"{v}: retention interval {ri} misses the planted {want_r}")
    elif not ri["lo"] <= ri["estimate"] <= ri["hi"]:
        bad.append(f"{v}: retention estimate outside its interval {ri}")
    elif abs(ri["estimate"] - want_r) > 0.15:
        bad.append(f"{v}: retention estimate {ri['estimate']} far from the planted {want_r}")
    rc = ci["reference_cdep_interval"]
    if rc is None or not rc["lo"] <= truth["dep"] <= rc["hi"]:
        bad.append(f"{v}: the reference's conditional dependence interval {rc} misses {truth['dep']}")
    if ci["reference_n"] != r2["rows_tested"]:
        bad.append(f"{v}: reference_n {ci['reference_n']} != {r2['rows_tested']}")
hf = checks("half")["against_reference"]
if (hf["verdict"], hf["diagnosis"]) != ("INCONCLUSIVE", "retention interval straddles the threshold"):
    bad.append(f"half: {hf['verdict']} {hf['diagnosis']!r}")
if "cannot be decided on these data" not in hf["variants"][0]["conditional_independence"]["reason"]:
    bad.append("half: the reason does not say that it cannot be decided")
# the power curve: one point per stated delta, rising with it, reaching 1 at 0.2
for v in ["ci", "dep"]:
    for cid, c in checks(v).items():
        s = c["variants"][0]["conditional_independence"]["synthetic"]
        pc = s["power_curve"]
        if [p["delta"] for p in pc] != [0.01, 0.02, 0.05, 0.1, 0.2]:
            bad.append(f"{v}/{cid}: power curve deltas {pc}")
            continue
        if any(b["power"] < a["power"] - 0.05 for a, b in zip(pc, pc[1:])) or pc[-1]["power"] < 0.99:
            bad.append(f"{v}/{cid}: power curve not rising to 1: {pc}")
        first = next((p["delta"] for p in pc if p["power"] >= 0.8), None)
        if s["min_detectable"] != first:
            bad.append(f"{v}/{cid}: min_detectable {s['min_detectable']} != {first}")
ck = checks("ci")
want = {("ci", "card_only"): ("FLAG", "assumption visible in the data"),
        ("ci", "against_reference"): ("FLAG", "flattened"),
        ("ci", "card_small_tau"): ("INCONCLUSIVE", "too little data to see the assumption"),
        ("dep", "card_small_tau"): ("PASS", "assumption not visible in the data"),
        ("dep", "card_only"): ("PASS", "assumption not visible in the data"),
        ("dep", "against_reference"): ("PASS", "assumption not visible in the data"),
        ("sparse", "card_only"): ("FLAG", "assumption visible in the data")}
for (v, cid), (verdict, diag) in want.items():
    c = checks(v)[cid]
    if (c["verdict"], c["diagnosis"]) != (verdict, diag):
        bad.append(f"{v}/{cid}: {c['verdict']} {c['diagnosis']!r}, want {verdict} {diag!r}")
dep = checks("dep")["against_reference"]["variants"][0]["conditional_independence"]
if not 0.7 <= dep["retention"] <= 1.3:
    bad.append(f"dep retention {dep['retention']} not about 1")
if abs(dep["synthetic"]["cdep_tvd"] - truth["dep"]) > 0.015:
    bad.append(f"dep cdep_tvd {dep['synthetic']['cdep_tvd']} far from the planted {truth['dep']}")
if abs(ck["against_reference"]["variants"][0]["conditional_independence"]["retention"]) > 0.1:
    bad.append("ci retention not about 0")
for cid, lo, hi in [("card_only", 0.8, 1.0), ("card_small_tau", 0.0, 0.5)]:
    pw = ck[cid]["variants"][0]["conditional_independence"]["synthetic"]["power"]
    if not lo <= pw <= hi:
        bad.append(f"ci/{cid}: power {pw} not in [{lo}, {hi}]")
sp = checks("sparse")["card_only"]["variants"][0]["conditional_independence"]["synthetic"]
if (sp["pooled_a"], sp["cells_sparse"]) != (6, 4):
    bad.append(f"sparse: pooled_a {sp['pooled_a']}, cells_sparse {sp['cells_sparse']}")
t1 = json.load(open(f"{tmp}/out_t1/report.json"))["checks"]
t3 = json.load(open(f"{tmp}/out_t3/report.json"))["checks"]
for a, b in zip(t1, t3):
    if a["variants"][0]["conditional_independence"] != b["variants"][0]["conditional_independence"]:
        bad.append(f"{a['id']}: depends on the thread count")
if bad:
    sys.exit("\n".join(bad))
PY
# the card's sentence and the finding are in the headline and the reports
grep -q "a _||_ b | c1, c2" "$tmp/ci.txt"
grep -q "assumption visible in the data" "$tmp/ci.txt"
grep -q "assumption not visible in the data" "$tmp/dep.txt"
grep -q "A is independent of B given c1 and c2." "$tmp/out_ci/report.html"
echo ok
