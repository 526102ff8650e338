#!/bin/bash
# The US replication bundle (examples/us): every spec runs, every metric agrees with the
# independent pandas oracle (tests/oracles/replication_oracle.py -> tests/data/replication/
# us_checks.csv, computed from the original CSVs and Census API extracts, with the ACS margins
# of error in the noise floors and in the bootstrap), the verdicts and diagnoses of the four CRC
# generators and of the real excerpt agree with the oracle's own bootstrap and verdict rules
# wherever those are robust, and the committed specs and reference tables are exactly what the
# prepare scripts write.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
us="$IAF_SRC/examples/us"

# 1. The originals are the documented copies (examples/us/SOURCES.md), and the committed specs
#    and derived tables are reproducible from them.
(cd "$us/data" && sha256sum --quiet -c SHA256SUMS)
test "$(wc -l < "$us/data/SHA256SUMS")" -eq 21
"$PYTHON" "$us/prepare/make_specs.py" --out-root "$work/regen" > /dev/null
for f in synthpop_cart sdv_ctgan mostlyai private_gsd excerpt_rows; do
    cmp "$us/$f.yaml" "$work/regen/$f.yaml"
done
"$PYTHON" "$us/prepare/make_references.py" --out-root "$work/regen" > /dev/null
for f in "$work"/regen/data/reference/*.csv; do
    cmp "$us/data/reference/$(basename "$f")" "$f"
done
test "$(ls "$work"/regen/data/reference/*.csv | wc -l)" -eq "$(ls "$us"/data/reference/*.csv | wc -l)"

# 2. Every spec runs (exit 0) and writes both reports.
specs="synthpop_cart sdv_ctgan mostlyai private_gsd excerpt_rows excerpt"
for s in $specs; do
    "$IAF" audit "$us/$s.yaml" -o "$work/$s" -q
    test -s "$work/$s/report.json" && test -s "$work/$s/report.md"
done

# 3. Numbers, intervals and verdicts against the oracle. Point metrics agree to 1e-12. The
#    oracle's calibrated intervals come from its own random numbers (numpy, B = 1000), so an
#    interval end must agree with iaf's within its Monte Carlo tolerance (the *_tol columns:
#    0.75 ordinary-bootstrap SDs of the metric, over 3 standard errors of the difference of two
#    B = 1000 quantile searches; the derivation is in the oracle). Verdicts and diagnoses must
#    agree exactly unless the decision is borderline (robust = 0: a deciding interval end within
#    that tolerance of its threshold, or a floor tie); those are counted and skipped.
"$PYTHON" - "$work" "$IAF_TESTDATA/replication/us_checks.csv" <<'PY'
import csv, json, math, sys
work, oracle = sys.argv[1], sys.argv[2]

def close(a, b, what, tol=1e-12):
    if b == "":
        assert a is None, (what, a, "expected null")
        return
    b = float(b)
    if math.isinf(b):
        assert a is None, (what, a, "expected null (fixed reference)")
        return
    assert a is not None and abs(a - b) <= tol * max(1.0, abs(b)), (what, a, b)

def within(iv, row, lo, hi, tol, what):
    """iaf's interval iv = {"lo", "hi"} against the oracle's ends, within the MC tolerance."""
    if row[lo] == "":
        return
    t = float(row[tol])
    for end, col in (("lo", lo), ("hi", hi)):
        assert abs(iv[end] - float(row[col])) <= t + 1e-12, (what, end, iv[end], float(row[col]), t)

reports = {}
def report(spec):
    if spec not in reports:
        reports[spec] = {c["id"]: c for c in json.load(open("%s/%s/report.json" % (work, spec)))["checks"]
                         if c["kind"] != "rule"}   # rules: step 4
    return reports[spec]

def screens(v):
    return {s["metric"]: s for s in v["screens"]}

n = robust = borderline = intervals = 0
seen = set()
for row in csv.DictReader(open(oracle)):
    spec, check = row["spec"], row["check"]
    c = report(spec)[check]
    what = "%s/%s" % (spec, check)
    assert len(c["variants"]) == 1, what
    n += 1
    seen.add((spec, check))
    if row["flattening_pooled"]:
        var = c["variants"][0]
        f = var["flattening"]
        for key in ("f_perp", "n_dominated", "f_s_pooled", "f_r_pooled", "flattening_pooled",
                    "duncan_s", "duncan_r", "segregation_retention"):
            close(f[key], row[key], what + " " + key)
        # three screens: flattened (above 0.5), exaggerated (the same interval below -0.5),
        # segregation lost (retention below 0.5)
        sc = screens(var["verdict_detail"])
        assert set(sc) == {"flattening_pooled", "flattening_pooled (exaggeration)",
                           "segregation_retention"}, (what, set(sc))
        ex = sc["flattening_pooled (exaggeration)"]
        assert ex["threshold"] == -0.5 and ex["fails"] == "below", (what, ex)
        assert (ex["lo"], ex["hi"]) == (sc["flattening_pooled"]["lo"], sc["flattening_pooled"]["hi"])
        within(f["flattening_pooled_interval"], row, "key_lo", "key_hi", "key_tol", what + " flattening")
        within(f["segregation_retention_interval"], row, "retention_lo", "retention_hi",
               "retention_tol", what + " segregation_retention")
        intervals += 2
        assert c["verdict"] in ("PASS", "FLAG", "INCONCLUSIVE"), what
        if row["robust"] == "1":
            assert (c["verdict"], c["diagnosis"]) == (row["verdict"], row["diagnosis"] or None), \
                (what, c["verdict"], c["diagnosis"], "oracle", row["verdict"], row["diagnosis"])
            robust += 1
        else:
            borderline += 1
        continue
    m = c["variants"][0]["metrics"]
    close(m["tvd_joint"], row["tvd"], what + " tvd")
    close(m["noise_floor"], row["noise_floor"], what + " noise_floor")
    close(m["cond_tvd_y_given_x"], row["cond_tvd"], what + " cond_tvd")
    close(m["tvd_x"], row["tvd_x"], what + " tvd_x")
    close(m["tvd_y"], row["tvd_y"], what + " tvd_y")
    close(m["cond_noise_floor"], row["cond_noise_floor"], what + " cond_noise_floor")
    close(m["dep_tvd"]["synthetic"], row["dep_tvd_s"], what + " dep_tvd_s")
    close(m["dep_tvd"]["reference"], row["dep_tvd_r"], what + " dep_tvd_r")
    close(m["retention"], row["retention"], what + " retention")
    close(m["footprint"], row["footprint"], what + " footprint")
    close(m["footprint_dep"], row["footprint_dep"], what + " footprint_dep")
    close(m["n_synthetic"], row["n_s"], what + " n_s")
    close(m["n_reference"], row["n_r"], what + " n_r")
    close(c["variants"][0]["support"]["support_ref"], row["support_ref"], what + " support_ref")
    if row["verdict"]:
        v = c["verdict"]
        assert v in ("PASS", "FLAG", "INCONCLUSIVE") and m["verdict"]["verdict"] == v, (what, v)
        # the reference is drawn as the oracle draws it: multinomially from the excerpt,
        # per cell from Normal(count, se^2) for the ACS tables (their margins of error)
        assert m["bootstrap"]["reference_mode"] == row["reference_mode"], (what, m["bootstrap"])
        iv = m["intervals"]
        assert iv["cond_tvd_y_given_x"]["method"] == "calibrated", what
        within(iv["cond_tvd_y_given_x"], row, "key_lo", "key_hi", "key_tol", what + " cond_tvd")
        within(iv["footprint_dep"], row, "footprint_dep_lo", "footprint_dep_hi",
               "footprint_dep_tol", what + " footprint_dep")
        within(iv["retention"], row, "retention_lo", "retention_hi", "retention_tol",
               what + " retention")
        intervals += 1 + 2 * (row["footprint_dep_lo"] != "")
        sc = screens(m["verdict"])
        close(sc["cond_tvd_y_given_x"]["floor"], row["cond_noise_floor"], what + " cond screen floor")
        if row["reference_dependent"] == "1":
            # the footprint_dep screen's floor: the conditional floor on the footprint's scale
            close(sc["footprint_dep"]["floor"], row["footprint_floor"], what + " footprint floor")
        else:
            assert "footprint_dep" not in sc, what
        if row["robust"] == "1":
            assert (v, c["diagnosis"]) == (row["verdict"], row["diagnosis"] or None), \
                (what, v, c["diagnosis"], "oracle", row["verdict"], row["diagnosis"])
            robust += 1
        else:
            borderline += 1
# every check of every spec has an oracle row
for spec in reports:
    assert set(reports[spec]) == {k for s, k in seen if s == spec}, spec
assert n == 57, n
assert robust >= 35, robust   # the oracle's verdict is robust for all but a few checks
print("us replication: %d checks agree with the oracle (%d intervals within their Monte Carlo "
      "tolerance); %d verdicts asserted, %d borderline skipped" % (n, intervals, robust, borderline))

# The replication's headline, stated outright (METHOD.md section 10; docs/replication.md):
r = {s: report(s) for s in ("synthpop_cart", "sdv_ctgan", "mostlyai", "private_gsd", "excerpt_rows")}
verd = lambda s, k: r[s][k]["verdict"]
met = lambda s, k: r[s][k]["variants"][0]["metrics"]
tvd = lambda s, k: met(s, k)["tvd_joint"]
excerpt_checks = [k for k in r["sdv_ctgan"] if k.endswith("__excerpt") and "female" not in k]
acs_checks = [k for k in r["sdv_ctgan"] if k.endswith("__acs")]
assert len(excerpt_checks) == 5 and len(acs_checks) == 4
for k in excerpt_checks:
    assert tvd("excerpt_rows", k) == 0, k         # identity control
    assert verd("excerpt_rows", k) == "PASS", k
    assert verd("synthpop_cart", k) == "PASS", k                        # CART: faithful
    assert verd("private_gsd", k) == "PASS", k                          # GSD: low-order marginals kept
    assert verd("sdv_ctgan", k) == "FLAG", k                            # CTGAN: wrong joints
    # retention comes first in METHOD 4.2: on sex x edu and sex x industry CTGAN's dependence
    # is over three times the excerpt's (exaggerated); elsewhere a wrong pattern (mismatch)
    assert r["sdv_ctgan"][k]["diagnosis"] in ("exaggerated", "mismatch"), k
assert verd("mostlyai", "sex_x_edu__excerpt") == "INCONCLUSIVE"
assert all(verd("mostlyai", k) != "FLAG" for k in excerpt_checks)
# Against the national tables a generator's excess over the excerpt's own distance is what it
# adds; only CTGAN adds much.
for k in acs_checks:
    base = tvd("excerpt_rows", k)
    for s in ("synthpop_cart", "mostlyai", "private_gsd"):
        assert abs(tvd(s, k) - base) < 0.03, (s, k)
    assert tvd("sdv_ctgan", k) - base > 0.05, k
    # the ACS margins of error reach the floor (the oracle's floors, asserted above, carry them)
    assert met("excerpt_rows", k)["bootstrap"]["reference_mode"] == "normal", k
# Against the nation, every set FLAGs on education (sex x edu, age x edu), the real excerpt
# included: the 20 PUMAs are not the nation. On marital status only CTGAN FLAGs: the raw
# footprint (1.3-1.8) is mostly the marital margin of the 20 PUMAs; raked to the nation's
# margins (footprint_dep 0.07-0.33) the dependence is the nation's, and the conditional TVD
# stays below 0.10. On sex x age group the nation's dependence is weak (dep_tvd 0.018), so the
# footprint_dep screen's noise floor (0.51) reaches its threshold 0.5: it cannot PASS, and only
# CTGAN's footprint_dep (interval above 3) clears the floor; the other sets are INCONCLUSIVE,
# "too small to decide" (the v1 raw footprint, 2.8-3.2, was the age margin of the excerpt).
for s in r:
    for k in ("sex_x_edu__acs", "age_x_edu__acs"):
        assert verd(s, k) == "FLAG", (s, k)
    assert verd(s, "sex_x_marital__acs") == ("FLAG" if s == "sdv_ctgan" else "PASS"), s
    sc = screens(met(s, "sex_x_age__acs")["verdict"])
    fp = sc["footprint_dep"]
    assert 0.5 <= fp["floor"] < 0.52, (s, fp)
    if s == "sdv_ctgan":
        assert fp["verdict"] == "FLAG" and fp["lo"] > 4 * fp["floor"], (s, fp)
        assert verd(s, "sex_x_age__acs") == "FLAG", s
    else:
        assert fp["verdict"] == "INCONCLUSIVE" and "too small to decide" in fp["reason"], (s, fp)
        assert verd(s, "sex_x_age__acs") == "INCONCLUSIVE", s
        assert met(s, "sex_x_age__acs")["footprint"] > 2.5 > 1 > met(s, "sex_x_age__acs")["footprint_dep"], s
    assert sc["cond_tvd_y_given_x"]["verdict"] == ("FLAG" if s == "sdv_ctgan" else "PASS"), s
# Flattening of women's share in the male-dominated industries (construction, mining, ...):
# CART keeps it; MOSTLY AI and GSD move it part of the way toward parity; CTGAN the other way,
# exaggerating the segregation, but not beyond the exaggeration screen's -0.5: everyone PASSes,
# and the diagnosis says which way a PASS leans when its interval excludes 0.
fl = lambda s: r[s]["female_share_in_male_dominated__excerpt"]["variants"][0]
flat = lambda s: fl(s)["flattening"]["flattening_pooled"]
assert flat("excerpt_rows") == 0 and abs(flat("synthpop_cart")) < 0.06
assert 0.1 < flat("mostlyai") < 0.3 and 0.1 < flat("private_gsd") < 0.3
assert flat("sdv_ctgan") < -0.2
ex = screens(fl("sdv_ctgan")["verdict_detail"])["flattening_pooled (exaggeration)"]
assert -0.5 < ex["lo"] < ex["hi"] < 0 and ex["verdict"] == "PASS", ex
# CART's segregation retention interval ends just below 1 (about 0.998: borderline, the oracle
# skips it above), so its lean is not asserted here.
lean = {"excerpt_rows": "faithful",
        "mostlyai": "flattened within tolerance",
        "private_gsd": "flattened within tolerance",
        "sdv_ctgan": "segregation exaggerated within tolerance"}
for s in lean:
    c = r[s]["female_share_in_male_dominated__excerpt"]
    assert (c["verdict"], c["diagnosis"]) == ("PASS", lean[s]), (s, c["verdict"], c["diagnosis"])
PY

# 4. The structural rules (N defined by age in the data dictionary) count exactly the
#    violations the oracle counts, and FLAG exactly when there are any.
"$PYTHON" - "$work" "$IAF_TESTDATA/replication/us_coherence.csv" <<'PY'
import csv, json, sys
RULES = {  # check id -> (antecedent column, violations column) of the oracle
    "edu_na_at_3plus": ("age3plus", "edu_missing_age3plus"),
    "edu_given_under_3": ("age_under3", "edu_given_age_under3"),
    "msp_na_at_15plus": ("age15plus", "msp_missing_age15plus"),
    "msp_given_under_15": ("age_under15", "msp_given_age_under15"),
    "industry_under_16": ("age_under16", "indp_given_age_under16"),
}
n = 0
for row in csv.DictReader(open(sys.argv[2])):
    checks = {c["id"]: c for c in json.load(open("%s/%s/report.json" % (sys.argv[1], row["spec"])))["checks"]}
    assert {k for k, c in checks.items() if c["kind"] == "rule"} == set(RULES), row["spec"]
    for cid, (ante, viol) in RULES.items():
        res = checks[cid]["variants"][0]["rule"]["result"]
        assert res["antecedent"] == int(row[ante]), (row["spec"], cid, res["antecedent"], row[ante])
        assert res["violations"] == int(row[viol]), (row["spec"], cid, res["violations"], row[viol])
        assert checks[cid]["verdict"] == ("FLAG" if int(row[viol]) else "PASS"), (row["spec"], cid)
        n += 1
assert n == 25, n
PY

# 5. N is kept as a category (structural, see docs/replication.md): CTGAN puts EDU N on
#    adults, which must show up as off-support mass against ACS, not vanish.
"$PYTHON" - "$work/sdv_ctgan/report.json" <<'PY'
import json, sys
c = {c["id"]: c for c in json.load(open(sys.argv[1]))["checks"]}
v = c["sex_x_edu__acs"]["variants"][0]
cov = v["metrics"]["coverage"]
assert cov["synthetic_off_support"] == 6, cov            # 6 CTGAN records aged 25+ with EDU N
assert all(o["y"] == "" for o in cov["off_support"]), cov
assert v["synthetic_coverage"][1]["missing"] == 6
PY
echo "replication us ok"
