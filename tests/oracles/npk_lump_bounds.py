#!/usr/bin/python3
"""Independent oracle for the lumped NPK checks (METHOD.md sections 3.5, 3.6, 9),
computed with pandas straight from the shipped CSV files and crosswalks (no iaf
code). Writes tests/data/npk/npk_lump_bounds.json; tests/cli/npk_demo.sh runs it
again and compares every number with report.json.

* field x occupation against GOMS 2019 (joint, lump 기타 on occupation): per
  field x, with N_x = named on-support mass + lump mass, a_y = named(x, y)/N_x -
  r(y|x): cond_tvd_lower = sum_x r_x sum_y max(0, a_y), cond_tvd_upper = the same
  plus sum_x r_x l_x (l_x = lump(x)/N_x, METHOD 3.5), over the fields the
  synthetic side reaches, r_x the field's share of the whole reference; the
  footprint bounds divide by dep_tvd(r) = cond_tvd(r_x r_y, r). Support: the
  reference share of the reached fields.
* sex x KSCO major group against EAPS and LALFS (flattening, lump 기타 with the
  full occupation marginal as category totals): N_y from all 2,120 titles
  through the crosswalk; U_y = N_y - named(y); the lump's women in group y lie in
  [max(0, U_y - lump men), min(U_y, lump women)]; pooled over the dominated
  groups (reference female share < 0.25). Support: dominated groups reached by
  named titles, k of K, and their share of the reference's dominated mass.

Re-run: /usr/bin/python3 tests/oracles/npk_lump_bounds.py [OUT.json]
"""
import json
import os
import sys

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NPK = os.path.join(ROOT, "examples", "npk")
LUMP = "기타"


def xwalk(name):
    d = pd.read_csv(os.path.join(NPK, "crosswalks", name), comment="#", dtype=str,
                    keep_default_na=False)
    d = d[d["to"] != ""].copy()
    d["weight"] = d["weight"].replace("", "1").astype(float)
    return d[["from", "to", "weight"]]


def mapped(t, col, xw, new):
    m = t.merge(xw.rename(columns={"from": col, "to": new}), on=col)
    m["count"] = m["count"] * m["weight"]
    return m.drop(columns="weight")


def joint_bounds(field_xw, occ_xw):
    t = pd.read_csv(os.path.join(NPK, "data/npk/long/bachelors_field__occupation.csv"), dtype={"count": float})
    g = pd.read_csv(os.path.join(NPK, "data/reference/original/goms_occupation_keco2018_by_field.csv"))
    g = g[(g.goms_cohort_year == 2019) & (g.measure == "frequency") & (g.major_field_7 != "전체")
          & (g.occupation_keco2018_major != "전체")]
    R = g.pivot_table(index="major_field_7", columns="occupation_keco2018_major", values="value",
                      aggfunc="sum").fillna(0)
    t = mapped(t, "bachelors_field", xwalk(field_xw), "x")
    lump = t[t.occupation == LUMP].groupby("x")["count"].sum().reindex(R.index).fillna(0)
    n = mapped(t[t.occupation != LUMP], "occupation", xwalk(occ_xw), "y")
    named = n.pivot_table(index="x", columns="y", values="count", aggfunc="sum")
    named = named.reindex(index=R.index, columns=R.columns).fillna(0)
    N = named.sum(axis=1) + lump
    rx = R.sum(axis=1) / R.values.sum()
    reached = N > 0
    a = named.div(N.where(reached), axis=0) - R.div(R.sum(axis=1), axis=0)
    P = a.clip(lower=0).sum(axis=1)
    ls = lump / N.where(reached)
    lo = float((rx * P)[reached].sum())
    hi = float((rx * np.minimum(1, P + ls))[reached].sum())
    p = R.values / R.values.sum()
    dep = 0.5 * np.abs(p - np.outer(p.sum(axis=1), p.sum(axis=0))).sum()
    return {"cond_tvd_lower": lo, "cond_tvd_upper": hi, "footprint_lower": lo / dep,
            "footprint_upper": hi / dep, "support_ref": float(rx[reached].sum()),
            "lump_share": float(lump.sum() / (named.values.sum() + lump.sum()))}


def flat_bounds(ref, occ_xw):
    t = pd.read_csv(os.path.join(NPK, "data/npk/long/sex__occupation.csv"), dtype={"count": float})
    full = pd.read_csv(os.path.join(NPK, "data/npk/long/occupation.csv"), dtype={"count": float})
    xw = xwalk(occ_xw)
    lf = t[(t.occupation == LUMP) & (t.sex == "여자")]["count"].sum()
    lo_ = t[(t.occupation == LUMP) & (t.sex != "여자")]["count"].sum()
    n = mapped(t[t.occupation != LUMP], "occupation", xw, "y")
    named = n.pivot_table(index="y", columns="sex", values="count", aggfunc="sum").fillna(0)
    tot = mapped(full, "occupation", xw, "y").groupby("y")["count"].sum()
    r = ref.reindex(columns=["여자", "남자"]).fillna(0)
    named = named.reindex(r.index).fillna(0)
    tot = tot.reindex(r.index).fillna(0)
    fr = r["여자"] / r.sum(axis=1)
    fperp = r["여자"].sum() / r.values.sum()
    dom = fr < 0.25
    reached = named.sum(axis=1) > 0
    U = (tot - named.sum(axis=1)).clip(lower=0)
    d = dom & (tot > 0)
    F, Nd, Ud = named["여자"][d].sum(), tot[d].sum(), U[d].sum()
    f_lo = (F + max(0.0, Ud - lo_)) / Nd
    f_hi = (F + min(Ud, lf)) / Nd
    frp = r["여자"][d].sum() / r[d].values.sum()
    fl = sorted(((f_lo - frp) / (fperp - frp), (f_hi - frp) / (fperp - frp)))
    rm = r.sum(axis=1)
    return {"f_s_pooled_lower": float(f_lo), "f_s_pooled_upper": float(f_hi),
            "flattening_pooled_lower": float(fl[0]), "flattening_pooled_upper": float(fl[1]),
            "dominated_total": int(dom.sum()), "dominated_reached": int((dom & reached).sum()),
            "dominated_reference_share_reached": float(rm[dom & reached].sum() / rm[dom].sum()),
            "support_ref": float(rm[reached].sum() / rm.sum()),
            "lump_share": float((lf + lo_) / (named.values.sum() + lf + lo_))}


def eaps():
    e = pd.read_csv(os.path.join(NPK, "data/reference/eaps_2025_sex_by_ksco_major.csv"),
                    dtype={"ksco_major": str})
    return e.pivot_table(index="ksco_major", columns="sex", values="count", aggfunc="sum")


def lalfs():
    f = os.path.join(NPK, "data/reference/original/lalfs_employed_by_sex_industry_occupation_major.csv")
    d = pd.read_csv(f, dtype=str, keep_default_na=False)
    d = d[(d.period == "2025.2/2") & (d.industry_code_ksic10 == "ALL") & (d.sex != "계")
          & (d.ksco_major_code != "T")].copy()
    d["v"] = pd.to_numeric(d["value"], errors="coerce").fillna(0) * 1000
    return d.pivot_table(index="ksco_major_code", columns="sex", values="v", aggfunc="sum")


out = {
    "field_x_occupation": [
        joint_bounds("npk_bachelors_field_to_goms_field_A.csv", "npk_occupation_to_keco2018_A.csv"),
        joint_bounds("npk_bachelors_field_to_goms_field_A.csv", "npk_occupation_to_keco2018_B.csv"),
        joint_bounds("npk_bachelors_field_to_goms_field_C.csv", "npk_occupation_to_keco2018_A.csv"),
    ],
    "female_share_male_dominated": [flat_bounds(eaps(), "npk_occupation_to_ksco7_major_A.csv"),
                                    flat_bounds(eaps(), "npk_occupation_to_ksco7_major_B.csv")],
    "female_share_male_dominated_lalfs": [
        flat_bounds(lalfs(), "npk_occupation_to_ksco7_major_A.csv"),
        flat_bounds(lalfs(), "npk_occupation_to_ksco7_major_B.csv")],
}
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "data", "npk", "npk_lump_bounds.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False, sort_keys=True)
    f.write("\n")
