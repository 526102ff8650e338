"""Writes replication_contract.json, the input of the second half of this golden
case: `iaf report` renders it without running anything, so it pins what the
replication renderers (src/report/replication.c) do with fields an ordinary run
does not always produce. Derived from a replication.json of the first half:

    python3 make_contract.py out/replication.json > replication_contract.json

It adds: a flattening check (two thresholds on one estimate, a negative one; a
bundle without the segregation screen), an expectation (expected interval, no
threshold), a row in the shape written before the charts existed (no screens),
thresholds that differ between bundles, a joint check without dependence in
one bundle and far off the signature's scale in another, a screen that FLAGs
although its floor reaches its threshold, a check that only one bundle ran, a
bundle with no rows, Japanese and Korean labels, markup and quotes in texts,
and a seed too large for a JSON integer."""
import copy
import json
import sys

doc = json.load(open(sys.argv[1], encoding="utf-8"))
B = [b["spec"] for b in doc["bundles"]]
doc["command_line"] = "iaf replicate gen_a.yaml gen_b.yaml tiny.yaml -o out --bootstrap 200"
doc["seed"] = "18446744073709551615"
doc["bundles"].append({
    "spec": "jp/ペルソナ.yaml", "name": "Japan <b>\"quoted\"</b> & co", "dataset": "ペルソナ 'sample'",
    "checks": 0, "flags": 0, "comparable_cells": 0, "flags_per_comparable_cell": None,
    "spec_sha256": None})


def screen(metric, thr, fails, est, lo, hi, floor, verdict, reason, small=False, **extra):
    s = {"metric": metric, "threshold": thr, "fails": fails, "estimate": est, "lo": lo, "hi": hi,
         "floor": floor, "verdict": verdict, "reason": reason, "too_small": small}
    s.update(extra)
    return s


def row(check, kind, bundle, metric, est, lo, hi, floor, verdict, diagnosis, screens, **extra):
    r = {"check": check, "kind": kind, "bundle": bundle, "k_x": 2, "k_y": 4, "comparable_cells": 8,
         "n_synthetic": 2000, "metric": metric, "estimate": est, "lo": lo, "hi": hi,
         "noise_floor": floor, "floor_corrected": None if floor is None else est - floor,
         "verdict": verdict, "diagnosis": diagnosis, "title": None, "attributes": ["sex", "직업"],
         "variant": None, "variants": 1, "threshold": screens[0]["threshold"] if screens else None,
         "fails": "above", "reason": screens[0]["reason"] if screens else None, "too_small": False,
         "screens": screens}
    r.update(extra)
    return r


rows = doc["rows"]
# flattening: flattening_pooled against +0.5 and, as exaggeration, -0.5
for b, (f, lo, hi, seg, v, d) in zip(B, [(0.03, -0.05, 0.11, 0.93, "PASS", "faithful"),
                                       (-0.62, -0.71, -0.55, 1.6, "FLAG", "exaggerated"),
                                       (0.2, -0.4, 0.9, None, "INCONCLUSIVE", None)]):
    sc = [screen("flattening_pooled", 0.5, "above", f, lo, hi, None,
                 "FLAG" if lo > 0.5 else "PASS" if hi <= 0.5 else "INCONCLUSIVE", "pooled"),
          screen("flattening_pooled (exaggeration)", -0.5, "below", f, lo, hi, None,
                 "FLAG" if hi < -0.5 else "PASS" if lo >= -0.5 else "INCONCLUSIVE", "exaggeration")]
    if seg is not None:
        sc.append(screen("segregation_retention", 0.5, "below", seg, seg - 0.08, seg + 0.08, None,
                         "PASS", "segregation"))
    rows.append(row("women_in_male_jobs", "flattening", b, "flattening_pooled", f, lo, hi, None, v, d,
                    sc, k_x=2, k_y=4, title="Women in male-dominated 직업 <flattening>"))
# an expectation: the share against an expected interval
for b, (e, lo, hi, v) in zip(B, [(0.02, 0.015, 0.026, "PASS"), (0.05, 0.04, 0.061, "FLAG"),
                               (0.0, 0.0, 0.11, "INCONCLUSIVE")]):
    rows.append(row("manager_share", "rule", b, "share", e, lo, hi, None, v, None,
                    [screen("share", None, None, e, lo, hi, None, v, "expectation",
                            expected_lo=0.01, expected_hi=0.03)], k_x=0, k_y=0, threshold=None,
                    fails=None))
# the shape before screens existed: key numbers only
for b, e in zip(B, [0.011, 0.0462]):
    r = row("old_shape", "marginal", b, "tvd", e, e / 2, e * 1.5, 0.009,
            "PASS" if e < 0.04 else "INCONCLUSIVE", "aligned" if e < 0.04 else None, [], k_y=0)
    del r["screens"], r["too_small"], r["threshold"], r["fails"], r["reason"]
    r["threshold"] = 0.05
    rows.append(r)
# thresholds that differ: 0.05, 0.08, 0.1 (more than the chart draws)
for b, t in zip(B, [0.05, 0.08, 0.1]):
    rows.append(row("differing_thresholds", "marginal", b, "tvd", 0.06, 0.04, 0.07, 0.01,
                    "INCONCLUSIVE", None,
                    [screen("tvd", t, "above", 0.06, 0.04, 0.07, 0.01, "INCONCLUSIVE", "straddles")],
                    k_y=0))
# joint: no dependence in one bundle, off the scale in another, FLAG despite its floor
joint = [
    (B[0], 0.02, 0.019, 0.05, 0.95, 0.9, 1.0, 0.2, 0.1, 0.3, "PASS", "faithful", False),
    (B[1], 0.4, 0.3, 0.5, 4.0, 3.5, 4.6, 6.0, 5.0, 7.0, "FLAG", "distorted", False),
    (B[2], 0.6, 0.45, 0.7, None, None, None, None, None, None, "FLAG", "mismatch", False),
]
for b, e, lo, hi, ret, rlo, rhi, fp, flo, fhi, v, d, small in joint:
    floor = 0.3 if b == B[2] else 0.02
    sc = [screen("cond_tvd_y_given_x", 0.1, "above", e, lo, hi, floor, v,
                 "interval [%g, %g] entirely above both the threshold 0.1 and the noise floor %g"
                 % (lo, hi, floor) if b == B[2] else "reason", small)]
    if fp is not None:
        sc.append(screen("footprint", 0.5, "above", fp, flo, fhi, 0.3, v, "fp"))
    rows.append(row("joint_edges", "joint", b, "cond_tvd_y_given_x", e, lo, hi, floor, v, d, sc,
                    retention=ret, retention_lo=rlo, retention_hi=rhi, footprint=fp,
                    footprint_lo=flo, footprint_hi=fhi,
                    signature_thresholds={"footprint": 0.5, "retention": 0.5}))
# a check that only the tiny bundle ran, with a Japanese id
tiny = copy.deepcopy(next(r for r in rows if r["bundle"] == B[2] and r["check"] == "sex_marginal"))
tiny["check"] = "性別_only_tiny"
tiny["title"] = "性別 (せいべつ) in one bundle only"
rows.append(tiny)
json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
sys.stdout.write("\n")
