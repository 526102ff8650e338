"""Make report.json for the html_contract golden case: a report.json that
exercises what the engine does not (yet) produce in one run, so the renderers'
handling of it is pinned: checks without verdicts (pending), intervals on
cells, suppressed cells, off-support mass, unmapped values, a reference
without dependence (footprint and retention null), a mapping-dependent
verdict across variants, an age profile, Japanese labels, markup and
quotes in texts, an unknown check kind and missing fields.

It edits the report of the html_audit_small case. Usage, from this directory:
    /usr/bin/python3 make_fixture.py ../html_audit_small/expected/out/report.json > report.json
The committed report.json is the input of the case; regenerate it only on
purpose (then update the expected files with IAF_UPDATE_GOLDEN=1)."""
import copy
import json
import sys

doc = json.load(open(sys.argv[1], encoding="utf-8"))
doc["name"] = "Contract fixture: <b>markup</b> & \"quotes\" | pipes, 日本語のラベル"
doc["reproducibility"]["command_line"] = "iaf audit audit.yaml -o out"
checks = {c["id"]: c for c in doc["checks"]}
heads = {h["check"]: h for h in doc["headline"]}

# 1. sex_marginal: no bootstrap, so no intervals and no verdict
c = checks["sex_marginal"]
v = c["variants"][0]
for k in ("bootstrap", "intervals"):
    v["metrics"].pop(k, None)
v["metrics"]["verdict"] = None
c["verdict"] = v["verdict"] = None
c["diagnosis"] = v["diagnosis"] = None
c["verdict_note"] = "run without --bootstrap: no intervals, no verdict"
h = heads["sex_marginal"]
for k in ("verdict", "diagnosis", "key_metric", "key_estimate", "key_lo", "key_hi"):
    h[k] = None

# 2. age_marginal: Japanese category labels, intervals on the cell differences
c = checks["age_marginal"]
v = c["variants"][0]
ja = {"19-29": "二十代 (にじゅうだい)", "30-49": "三十代・四十代", "50+": "五十歳以上"}
for cell in v["metrics"]["cells"]:
    cell["x"] = ja[cell["x"]]
    d = cell["diff_pp"]
    cell["diff_pp_lo"], cell["diff_pp_hi"] = d - 1.5, d + 1.5
v["metrics"]["max_cell_pp"]["cell"] = [ja[x] for x in v["metrics"]["max_cell_pp"]["cell"]]
c["title"] = "Age <script>alert('x')</script> against the survey"

# 3. sex_x_occupation: a suppressed reference cell, unmapped values, and a
#    reference without dependence (retention and footprint undefined)
c = checks["sex_x_occupation"]
v = c["variants"][0]
m = v["metrics"]
cell = m["cells"][0]
cell["state"] = "suppressed"
cell["synthetic_share"] = cell["reference_share"] = cell["diff_pp"] = None
m["retention"] = m["footprint"] = None
m["intervals"]["retention"] = {"lo": None, "hi": None, "bias_corrected": None}
m["intervals"]["footprint"] = {"lo": None, "hi": None, "bias_corrected": None}
m["verdict"]["reference_dependent"] = False
m["verdict"]["screens"] = [s for s in m["verdict"]["screens"] if s["metric"] != "footprint"]
m["coverage"]["reference_suppressed"] = 12345
m["coverage"]["synthetic_on_suppressed"] = 3
cov = v["synthetic_coverage"][0]
cov["unmapped"] = 4
cov["unmapped_values"] = [{"value": "무직 (unmapped)", "mass": 3, "why": "unmapped"},
                          {"value": None, "mass": 1, "why": "missing"}]
cov["unmapped_values_total"] = 2

# 4. flattening: the variants disagree
c = checks["female_share_male_dominated"]
c["mapping"] = "mapping-dependent"
c["verdict"] = "INCONCLUSIVE"
c["diagnosis"] = "mapping-dependent"
b = c["variants"][1]
b["verdict"] = "PASS"
b["diagnosis"] = "faithful"
heads["female_share_male_dominated"].update(verdict="INCONCLUSIVE", diagnosis="mapping-dependent",
                                            mapping="mapping-dependent")

# 5. the hard rule also carries an age profile (synthetic against an
#    institutional window)
c = checks["no_female_enlisted"]
c["variants"][0]["age_profile"] = {
    "status": "현역 (active duty)",
    "citation": "a made-up defence white paper, table 7",
    "window": [19, 30],
    "tvd": 0.4123,
    "outside_window_share": 0.3871,
    "bins": [{"age": "19-24", "synthetic": 0.21, "institutional": 0.62},
             {"age": "25-29", "synthetic": 0.19, "institutional": 0.30},
             {"age": "30-39", "synthetic": 0.22, "institutional": 0.06},
             {"age": "40-49", "synthetic": 0.20, "institutional": 0.02},
             {"age": "50+", "synthetic": 0.18, "institutional": 0.0}],
}

# 6. a kind this renderer does not know, with almost nothing in it
doc["checks"].append({"id": "future check ☃", "kind": "discovery", "verdict": "FLAG"})
doc["headline"].append({"check": "future check ☃", "kind": "discovery", "attributes": "a x b",
                        "verdict": "FLAG"})
# and a headline row whose check is missing
doc["headline"].append({"check": "dangling", "kind": "joint", "attributes": None})

json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")
