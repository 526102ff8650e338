#!/usr/bin/env python3
"""Independent pandas oracle for the Nemotron-Personas-USA audit (examples/usa-nemotron).

Recomputes from the committed inputs - the rows, the BLS CSVs as published (not the derived
tables of prepare/), the ACS extracts - without iaf's crosswalks or outputs:

  * its own mapping of the 547 occupation labels to CPS Table 11 detailed lines (a separate
    implementation of the idea: compare sequences of singular content words, let the title's
    trailing comma qualifier go), then compares it row by row with the built crosswalks;
  * crosswalk coverage (mapped / unmapped / off-support mass);
  * per-line female shares on both sides, the pooled flattening, Duncan's D on the
    comparable support and the segregation retention (METHOD.md section 5);
  * the pooled flattening directly standardised by age with each line's own CPS age mix
    (Table 11b; the like-with-like standard the audit uses, METHOD 7), per crosswalk variant,
    with the standard's coverage per line and pooled (synthetic-mass weighted over the
    dominated lines and over the support); and, reported only, all employed as the standard;
  * the marginal TVDs;
  * the hand facts of issue 14 (carpenters, construction laborers, electricians).

Only then, with --report REPORT.json, are iaf's numbers compared with these (1e-9).
Verdicts are not compared except the two hard rules: METHOD version 2 changes intervals
and adds support requirements, so other verdicts may move; the point numbers do not.

Usage: usa_nemotron.py EXAMPLE_DIR [--report report.json] [--json OUT.json]
Exit 0 when everything agrees; 1 with the differences listed otherwise.
"""
import argparse
import json
import math
import os
import re
import sys

import pandas as pd

EXCLUDED = {"not_in_workforce", "no_occupation"}
FAIL = []


def check(cond, msg):
    if not cond:
        FAIL.append(msg)


def close(a, b, what, tol=1e-9):
    ok = (a is None and b is None) or (
        a is not None and b is not None and math.isfinite(a) and abs(a - b) <= tol * max(1, abs(b)))
    check(ok, "%s: iaf %r, oracle %r" % (what, a, b))


# ---- CPS, parsed from the BLS CSVs as published -------------------------------------------


def cps_table(path):
    """DataFrame of the lines of a CPS Table 11 / 11b CSV, from the 'Total' line on."""
    raw = pd.read_csv(path, header=None, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    first = raw.index[raw[0].str.startswith("Total")][0]
    t = raw.loc[first:].copy()
    t = t[(t[0] != "") & (t[1] != "")]
    t = t[~t[0].str.startswith("NOTE")]
    return t.reset_index(drop=True)


def detailed_lines(ex):
    """Titles of the detailed (leaf) lines, from the 2020 file's tree levels."""
    t20 = cps_table(os.path.join(ex, "data/cps/bls_cpsaat11_2020.csv"))
    lv = t20[7].astype(float).astype(int).tolist()
    leaf = [i for i in range(len(lv)) if not (i + 1 < len(lv) and lv[i + 1] > lv[i])]
    return leaf


def female_by_line(ex, year):
    t = cps_table(os.path.join(ex, "data/cps/bls_cpsaat11_%d.csv" % year))
    total = t[1].str.replace(",", "").astype(float) * 1000
    pct = pd.to_numeric(t[2], errors="coerce")
    return pd.DataFrame({"title": t[0], "total": total, "pct": pct})


# ---- an independent label -> title matcher ------------------------------------------------

STOP = {"and", "or", "of", "for", "other"}


def singular(w):
    if len(w) <= 3 or not w.isascii():
        return w
    for suf, rep in (("ies", "y"), ("sses", "ss"), ("shes", "sh"), ("ches", "ch"), ("xes", "x"),
                     ("zzes", "zz")):
        if w.endswith(suf):
            return w[: -len(suf)] + rep
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def words(s, stop):
    return tuple(singular(w) for w in re.findall(r"[a-z0-9]+", s.lower()) if w not in stop)


def oracle_mapping(labels, titles, strict):
    """label -> title. strict (variant B): 'other' counts and no comma heads."""
    stop = STOP - {"other"} if strict else STOP
    full, head = {}, {}
    for t in titles:
        full.setdefault(words(t, stop), []).append(t)
        if not strict:
            parts = t.split(",")
            for k in range(1, len(parts)):
                head.setdefault(words(",".join(parts[:k]), stop), []).append(t)
    rules = {} if strict else {
        "entertainer_or_performer_or_sports_worker":
            "Entertainers and performers, sports and related workers, all other",
        "nurse_midwife": "Nurse midwives"}
    out = {}
    for lab in labels:
        w = words(lab, stop)
        hit = full.get(w) or head.get(w)
        if hit:
            assert len(hit) == 1, (lab, hit)
            out[lab] = hit[0]
        elif lab in rules:
            out[lab] = rules[lab]
    return out


def read_crosswalk(path):
    cw = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    return cw


# ---- metrics ------------------------------------------------------------------------------


def tvd(s, r):
    idx = r.index
    s = s.reindex(idx, fill_value=0)
    return 0.5 * float((s / s.sum() - r / r.sum()).abs().sum())


def flattening(f, m, rf, rm, all_f, all_m, theta=0.25):
    """f, m: synthetic women / men per line; rf, rm: reference, on the comparable support;
    all_f, all_m: the reference over every published line (its universe: f_perp, and the
    dominated lines K of which the support reaches k)."""
    fr = rf / (rf + rm)
    fperp = all_f.sum() / (all_f.sum() + all_m.sum())
    dom = fr < theta
    fs_pool = f[dom].sum() / (f[dom].sum() + m[dom].sum())
    fr_pool = rf[dom].sum() / (rf[dom].sum() + rm[dom].sum())
    flat_pool = (fs_pool - fr_pool) / (fperp - fr_pool)
    ds = 0.5 * float((m / m.sum() - f / f.sum()).abs().sum())
    dr = 0.5 * float((rm / rm.sum() - rf / rf.sum()).abs().sum())
    return {"n_dominated": int((all_f / (all_f + all_m) < theta).sum()),
            "n_dominated_in_support": int(dom.sum()), "n_support": int(len(fr)),
            "f_perp": float(fperp),
            "f_s_pooled": float(fs_pool), "f_r_pooled": float(fr_pool),
            "flattening_pooled": float(flat_pool), "duncan_s": ds, "duncan_r": dr,
            "segregation_retention": ds / dr}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("example")
    ap.add_argument("--report")
    ap.add_argument("--json")
    a = ap.parse_args()
    ex = a.example
    rows = pd.read_csv(os.path.join(ex, "data/rows/nemotron_usa_first55k.csv"),
                       dtype={"occupation": str, "state": str}, keep_default_na=False)
    check(len(rows) == 55225, "rows: %d" % len(rows))
    emp = rows[(rows.age >= 16) & ~rows.occupation.isin(EXCLUDED)]
    res = {"rows": len(rows), "employed_16plus": len(emp), "under_18": int((rows.age < 18).sum())}

    # CPS lines and the oracle's crosswalk
    leaf = detailed_lines(ex)
    c22 = female_by_line(ex, 2022).iloc[leaf].reset_index(drop=True)
    c20 = female_by_line(ex, 2020).iloc[leaf].reset_index(drop=True)
    # the years print two titles differently ('File Clerks', a double space): 2022's words
    same = lambda a, b: " ".join(a.lower().split()) == " ".join(b.lower().split())
    check(all(same(a, b) for a, b in zip(c20.title, c22.title)), "2020 and 2022 lines differ")
    c20["title"] = c22.title
    titles = c22.title.tolist()
    labels = sorted(set(rows.occupation) - EXCLUDED)
    res["labels"] = len(labels)
    res["cps_lines"] = len(titles)
    maps = {"A": oracle_mapping(labels, titles, False), "B": oracle_mapping(labels, titles, True)}
    for v, m in maps.items():
        cw = read_crosswalk(os.path.join(ex, "crosswalks/usa_occupation_to_cps_line_%s.csv" % v))
        built = {r["from"]: r["to"] for _, r in cw.iterrows() if r["to"] != ""}
        check(set(cw["from"]) >= EXCLUDED and all(cw[cw["from"].isin(EXCLUDED)]["to"] == ""),
              "crosswalk %s: the excluded labels must be dropped explicitly" % v)
        check(built == m, "crosswalk %s differs from the oracle's mapping: %s" % (
            v, sorted(set(built.items()) ^ set(m.items()))[:6]))
        unr = pd.read_csv(os.path.join(
            ex, "crosswalks/reports/usa_occupation_to_cps_line_%s.unreached.csv" % v))
        check(set(unr.title) == set(titles) - set(m.values()),
              "crosswalk %s: the unreached CPS lines differ from the oracle's" % v)
        res["unreached_lines_%s" % v] = int(len(set(titles) - set(m.values())))
        mapped = emp.occupation.map(m)
        res["coverage_%s" % v] = {"mapped": int(mapped.notna().sum()),
                                  "unmapped": int(mapped.isna().sum()),
                                  "unmapped_labels": int(len(set(labels) - set(m)))}
    # hand facts (issue 14)
    fem = emp.assign(w=(emp.sex == "Female").astype(int)).groupby("occupation").w.mean()
    cps_share = dict(zip(c22.title, c22.pct / 100))
    facts = {"carpenter": ("Carpenters", 0.387, 0.035),
             "construction_laborer": ("Construction laborers", 0.497, 0.049),
             "electrician": ("Electricians", 0.361, 0.022)}
    res["hand_facts"] = {}
    for lab, (title, rows_share, cps) in facts.items():
        check(round(fem[lab], 3) == rows_share, "%s: %.4f women in the rows" % (lab, fem[lab]))
        check(round(cps_share[title], 3) == cps, "%s: %.3f women in CPS 2022" % (title,
                                                                             cps_share[title]))
        check(maps["A"][lab] == title, "%s maps to %s" % (lab, maps["A"][lab]))
        res["hand_facts"][lab] = {"rows": float(fem[lab]), "cps2022": float(cps_share[title])}

    # flattening on the comparable support: the lines with a published percent women that
    # the crosswalk can reach (a line no label maps to is outside what the check compares)
    def flat(cps, mapping):
        allpub = cps[cps.pct.notna()].set_index("title")
        all_f = allpub.total * allpub.pct / 100
        pub = allpub[allpub.index.isin(set(mapping.values()))]
        rf = pub.total * pub.pct / 100
        rm = pub.total - rf
        line = emp.occupation.map(mapping)
        on = line.isin(pub.index)
        tab = pd.crosstab(line[on], emp.sex[on]).reindex(pub.index, fill_value=0)
        out = flattening(tab["Female"].astype(float), tab["Male"].astype(float), rf, rm, all_f,
                         allpub.total - all_f)
        out["synthetic_off_support"] = int((line.notna() & ~on).sum())
        # per-line female shares of the lines with synthetic mass
        n = tab["Female"] + tab["Male"]
        out["per_line"] = {t: [float(tab["Female"][t] / n[t]), float(rf[t] / pub.total[t])]
                           for t in pub.index if n[t] > 0}
        return out

    res["flat_2022_A"] = flat(c22, maps["A"])

    # direct standardisation by age (METHOD 7): DS(y) = sum_a w_a f_s(y|a) / sum_a w_a over
    # the age bands a where line y has synthetic personas; the pooled flattening then uses
    # DS(y) x n_y women. Standard w: all employed (Table 11b's total line; what the audit
    # uses), and - reported only - each line's own age mix (the like-with-like standard).
    t25 = cps_table(os.path.join(ex, "data/cps/bls_cpsaat11b_2025.csv"))
    bands = ["16-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    age_mix = pd.DataFrame([[float(x) for x in t25.iloc[i, 2:9]] for i in leaf], columns=bands,
                           index=c22.title)
    w_all = pd.Series([float(x) for x in t25.iloc[0, 2:9]], index=bands)

    def flat_std(own, mapping=None):
        mapping = mapping or maps["A"]
        allpub = c22[c22.pct.notna()].set_index("title")
        all_f = allpub.total * allpub.pct / 100
        # the comparable support, as in flat(): the published lines the crosswalk reaches
        pub = allpub[allpub.index.isin(set(mapping.values()))]
        rf = pub.total * pub.pct / 100
        line = emp.occupation.map(mapping)
        band = pd.cut(emp.age, [16, 20, 25, 35, 45, 55, 65, 200], right=False, labels=bands)
        on = line.isin(pub.index)
        d = pd.DataFrame({"line": line[on], "band": band[on].astype(str),
                          "f": (emp.sex[on] == "Female").astype(float)})
        g = d.groupby(["line", "band"]).f.agg(["sum", "count"]).reset_index()
        sf, sm, cov, ny, ds_line = {}, {}, {}, {}, {}
        for y, gy in g.groupby("line"):
            gy = gy[gy["count"] > 0]
            wfull = age_mix.loc[y] if own else w_all
            w = wfull[gy.band].values
            rate = (gy["sum"] / gy["count"]).values
            n = gy["count"].sum()
            ds = (w * rate).sum() / w.sum() if w.sum() > 0 else gy["sum"].sum() / n
            if w.sum() > 0:
                ds_line[y] = float(ds)
            cov[y] = float(w.sum() / wfull.sum()) if wfull.sum() > 0 else 0.0
            ny[y] = float(n)
            sf[y], sm[y] = ds * n, (1 - ds) * n
        f = pd.Series(sf).reindex(pub.index, fill_value=0.0)
        m = pd.Series(sm).reindex(pub.index, fill_value=0.0)
        out = flattening(f, m, rf, pub.total - rf, all_f, allpub.total - all_f)
        res_ = {k: out[k] for k in ("f_s_pooled", "flattening_pooled", "duncan_s",
                                    "segregation_retention")}
        # coverage of the standard on the common support, weighted by synthetic mass
        frl = rf / pub.total
        sup = [y for y in ny if y in pub.index]
        dom = [y for y in sup if frl[y] < 0.25]
        wsum = lambda ys: sum(ny[y] * cov[y] for y in ys) / sum(ny[y] for y in ys)
        res_["standard_coverage_support"] = wsum(sup)
        res_["standard_coverage_dominated"] = wsum(dom)
        res_["categories_below_min_coverage"] = int(sum(cov[y] < 0.8 for y in sup))
        res_["per_line"] = {y: [ds_line.get(y), cov[y]] for y in sup}
        return res_

    # the 22 groups: CPS 2022's group lines, and ACS 2018 C24010 read from its own cells
    cg = read_crosswalk(os.path.join(ex, "crosswalks/usa_occupation_to_cps_group.csv"))
    group_of_line = {}
    t22 = female_by_line(ex, 2022)
    lv = cps_table(os.path.join(ex, "data/cps/bls_cpsaat11_2020.csv"))[7].astype(float).tolist()
    parent = {}
    for i in leaf:
        j = i - 1
        while lv[j] >= lv[i]:
            j -= 1
        parent[i] = j
    groups = sorted(set(parent.values()))
    for i in leaf:
        group_of_line[t22.title[i]] = t22.title[parent[i]]
    gmap = {lab: group_of_line[line] for lab, line in maps["A"].items()}
    built = {r["from"]: r["to"] for _, r in cg.iterrows() if r["to"] != ""}
    check(built == gmap, "group crosswalk differs from the oracle's (line -> parent)")
    gl = emp.occupation.map(gmap)
    gtab = pd.crosstab(gl, emp.sex).astype(float)
    cps_g = t22.iloc[groups].set_index("title")
    rf = cps_g.total * pd.to_numeric(cps_g.pct) / 100
    res["flat_2022_groups"] = flattening(gtab["Female"].reindex(rf.index, fill_value=0),
                                         gtab["Male"].reindex(rf.index, fill_value=0), rf,
                                         cps_g.total - rf, rf, cps_g.total - rf)
    c24 = pd.read_csv(os.path.join(ex, "data/acs2018/acs1_2018_C24010_DATA.csv"))
    l24 = pd.read_csv(os.path.join(ex, "data/acs2018/acs1_2018_C24010_LEGEND.csv"))
    est = {l: float(c24[v][0]) for v, l in zip(l24.VARIABLE, l24.LABEL) if v.endswith("E")}
    special = {"Education, training, and library occupations":
               ["Educational instruction, and library occupations"],
               "Transportation and material moving occupations":
               ["Transportation occupations", "Material moving occupations"]}
    acs = {}
    for sx in ("Female", "Male"):
        pre = "Estimate!!Total!!%s!!" % sx
        vals = []
        for g in rf.index:
            want = special.get(g, [g])
            hits = [v for l, v in est.items() if l.startswith(pre) and l.split("!!")[-1] in want]
            check(len(hits) == len(want), "ACS cells for %s: %d" % (g, len(hits)))
            vals.append(sum(hits))
        acs[sx] = pd.Series(vals, index=rf.index)
        check(abs(acs[sx].sum() - est["Estimate!!Total!!" + sx]) < 0.5, "ACS groups partition " + sx)
    res["flat_acs2018_groups"] = flattening(gtab["Female"].reindex(rf.index, fill_value=0),
                                            gtab["Male"].reindex(rf.index, fill_value=0),
                                            acs["Female"], acs["Male"], acs["Female"], acs["Male"])

    res["flat_2022_A_std_all_employed"] = flat_std(False)
    res["flat_2022_A_std_own_age_mix"] = flat_std(True)
    res["flat_2022_B_std_own_age_mix"] = flat_std(True, maps["B"])
    res["flat_2022_B"] = flat(c22, maps["B"])
    res["flat_2020_A"] = flat(c20, maps["A"])

    # marginals against ACS 2018 (B01001, B15002 as published: estimates, our own sums)
    acs = pd.read_csv(os.path.join(ex, "data/acs2018/acs1_2018_B01001_DATA.csv"))
    leg = pd.read_csv(os.path.join(ex, "data/acs2018/acs1_2018_B01001_LEGEND.csv"))
    lab = dict(zip(leg.VARIABLE, leg.LABEL))
    ages = {}
    for v, l in lab.items():
        m = re.match(r"Estimate!!Total!!(Male|Female)!!(Under 5|\d+)", l)
        if m and v.endswith("E"):
            lo = 0 if m.group(2) == "Under 5" else int(m.group(2))
            ages[v] = (m.group(1), lo)
    nopr = rows[rows.state != "PR"]
    sex_r = pd.Series({"Female": float(acs["B01001_026E"][0]), "Male": float(acs["B01001_002E"][0])})
    res["tvd_sex_acs"] = tvd(nopr.sex.value_counts(), sex_r)
    edges = [0, 18, 25, 35, 45, 55, 65, 75, 200]
    names = ["0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
    band = lambda lo: names[max(i for i, e in enumerate(edges[:-1]) if lo >= e)]
    age_r = pd.Series(0.0, index=names)
    for v, (_, lo) in ages.items():
        age_r[band(lo)] += float(acs[v][0])
    res["tvd_age_acs"] = tvd(pd.cut(nopr.age, edges, right=False, labels=names).value_counts()
                             .astype(float), age_r)
    b15 = pd.read_csv(os.path.join(ex, "data/acs2018/acs1_2018_B15002_DATA.csv"))
    l15 = pd.read_csv(os.path.join(ex, "data/acs2018/acs1_2018_B15002_LEGEND.csv"))
    edu_of = [("No schooling|Nursery|5th|7th", "less_than_9th"),
              ("9th|10th|11th|12th grade", "9th_12th_no_diploma"),
              ("High school", "high_school"), ("Some college", "some_college"),
              ("Associate", "associates"), ("Bachelor", "bachelors"),
              ("Master|Professional|Doctorate", "graduate")]
    edu_r = pd.Series(0.0, index=[e for _, e in edu_of])
    for v, l in zip(l15.VARIABLE, l15.LABEL):
        if v.endswith("E") and l.count("!!") == 3:
            cat = [e for p, e in edu_of if re.search(p, l.split("!!")[-1])]
            assert len(cat) == 1, l
            edu_r[cat[0]] += float(b15[v][0])
    res["tvd_education_acs"] = tvd(nopr[nopr.age >= 25].education_level.value_counts(), edu_r)
    st = pd.read_csv(os.path.join(ex, "data/acs2018/acs1_2018_B01001_bystate_DATA.csv"))
    fips = pd.read_csv(os.path.join(ex, "data/reference/acs2018_state.csv"))  # codes only
    check(len(fips) == 52 and len(st) == 52, "52 state rows")
    res["states"] = int(rows.state.nunique())
    # CPS marginals of the employed
    t22 = cps_table(os.path.join(ex, "data/cps/bls_cpsaat11_2022.csv"))
    tot = float(t22[1][0]) * 1000
    wom = float(t22[1][0]) * 10 * float(t22[2][0])
    res["tvd_sex_cps"] = tvd(emp.sex.value_counts(), pd.Series({"Female": wom, "Male": tot - wom}))
    t25 = cps_table(os.path.join(ex, "data/cps/bls_cpsaat11b_2025.csv"))
    cps_age = pd.Series([float(x) for x in t25.iloc[0, 2:9]],
                        index=["16-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65+"])
    res["tvd_age_cps"] = tvd(pd.cut(emp.age, [16, 20, 25, 35, 45, 55, 65, 200], right=False,
                                    labels=cps_age.index).value_counts().astype(float), cps_age)

    if a.report:
        compare(json.load(open(a.report)), res)
    if a.json:
        slim = {k: ({kk: vv for kk, vv in v.items() if kk != "per_line"} if isinstance(v, dict)
                    else v) for k, v in res.items()}
        with open(a.json, "w") as f:
            json.dump(slim, f, indent=1, sort_keys=True)
            f.write("\n")
    for m in FAIL:
        print("MISMATCH:", m)
    if not FAIL:
        print("usa_nemotron oracle: %d employed personas, crosswalk A %d/%d mapped, "
              "flattening %.4f, Duncan %.4f / %.4f: all agree" % (
                  res["employed_16plus"], res["coverage_A"]["mapped"], res["employed_16plus"],
                  res["flat_2022_A"]["flattening_pooled"], res["flat_2022_A"]["duncan_s"],
                  res["flat_2022_A"]["duncan_r"]))
    return 1 if FAIL else 0


def compare(rep, res):
    checks = {c["id"]: c for c in rep["checks"]}

    def variant(cid, k=0):
        return checks[cid]["variants"][k]

    def marg(cid):
        return variant(cid)["metrics"]["tvd_joint"]

    close(marg("sex_vs_acs2018"), res["tvd_sex_acs"], "tvd sex vs ACS")
    close(marg("age_band_vs_acs2018"), res["tvd_age_acs"], "tvd age vs ACS")
    close(marg("education_25plus_vs_acs2018"), res["tvd_education_acs"], "tvd education vs ACS")
    close(marg("sex_employed_vs_cps2022"), res["tvd_sex_cps"], "tvd sex vs CPS")
    close(marg("age_employed_vs_cps2025"), res["tvd_age_cps"], "tvd age vs CPS 11b")
    for cid, k, key in (("female_share_male_dominated_cps2022", 0, "flat_2022_A"),
                        ("female_share_male_dominated_cps2022", 1, "flat_2022_B"),
                        ("female_share_male_dominated_cps2020", 0, "flat_2020_A")):
        v = variant(cid, k)
        f = v["flattening"]
        o = res[key]
        check(v["synthetic_mass_in_universe"] == res["employed_16plus"], cid + ": universe")
        cov = {c["attribute"]: c for c in v["synthetic_coverage"]}
        occ = [c for a_, c in cov.items() if a_.startswith("occupation")][0]
        cv = res["coverage_" + key[-1]]
        check(occ["mapped"] == cv["mapped"] and occ["unmapped"] == cv["unmapped"],
              "%s/%d coverage %s/%s, oracle %s" % (cid, k, occ["mapped"], occ["unmapped"], cv))
        check(f["synthetic_off_support"] == o["synthetic_off_support"],
              "%s/%d off-support mass %s, oracle %s" % (cid, k, f["synthetic_off_support"],
                                                        o["synthetic_off_support"]))
        for m in ("n_dominated", "n_dominated_in_support", "n_support"):
            check(f[m] == o[m], "%s/%d %s: iaf %s, oracle %s" % (cid, k, m, f[m], o[m]))
        for m in ("f_perp", "f_s_pooled", "f_r_pooled", "flattening_pooled", "duncan_s",
                  "duncan_r", "segregation_retention"):
            close(f[m], o[m], "%s/%d %s" % (cid, k, m))
        lines = {c["category"]: c for c in f["categories"]}
        if key in ("flat_2022_A", "flat_2022_B"):
            # standardised by each line's own CPS age mix (like with like), with coverage
            so = res[key + "_std_own_age_mix"]
            fs = f["standardised"]
            check(fs["standard_per_category"] is True, "%s/%d: per-category standard" % (cid, k))
            for m in ("f_s_pooled", "flattening_pooled", "duncan_s", "segregation_retention",
                      "standard_coverage_support", "standard_coverage_dominated"):
                close(fs[m], so[m], "%s/%d standardised %s" % (cid, k, m))
            check(fs["categories_below_min_coverage"] == so["categories_below_min_coverage"],
                  "%s/%d categories below the minimum coverage: iaf %s, oracle %s" % (
                      cid, k, fs["categories_below_min_coverage"],
                      so["categories_below_min_coverage"]))
            for t, (ds, cv) in so["per_line"].items():
                close(lines[t]["standard_coverage"], cv, "%s/%d coverage %s" % (cid, k, t))
                if ds is not None:
                    close(lines[t]["f_s_standardised"], ds, "%s/%d f_s_standardised %s" % (
                        cid, k, t))
            # the coverage verdict: above the minimum, the standardised check is decided
            low = min(so["standard_coverage_support"], so["standard_coverage_dominated"]) < 0.8
            check(("standardisation coverage too low" in (fs["verdict"]["diagnosis"] or ""))
                  == low, "%s/%d coverage verdict" % (cid, k))
        for t, (fs, fr) in o["per_line"].items():
            close(lines[t]["f_s"], fs, "%s/%d f_s %s" % (cid, k, t))
            close(lines[t]["f_r"], fr, "%s/%d f_r %s" % (cid, k, t))
    for cid, key in (("female_share_male_dominated_cps2022_groups", "flat_2022_groups"),
                     ("female_share_male_dominated_acs2018_groups", "flat_acs2018_groups")):
        f = variant(cid)["flattening"]
        for m in ("n_dominated", "n_support"):
            check(f[m] == res[key][m], "%s %s: iaf %s, oracle %s" % (cid, m, f[m], res[key][m]))
        for m in ("f_perp", "f_s_pooled", "f_r_pooled", "flattening_pooled", "duncan_s",
                  "duncan_r", "segregation_retention"):
            close(f[m], res[key][m], "%s %s" % (cid, m))
    # the hard rules do not depend on METHOD's intervals
    r = variant("adults_only")["rule"]["result"]
    check(r["violations"] == res["under_18"] and r["antecedent"] == res["rows"],
          "adults_only: %s of %s" % (r["violations"], r["antecedent"]))
    check(checks["adults_only"]["verdict"] == "FLAG", "adults_only must FLAG")
    check(checks["children_have_no_occupation"]["verdict"] == "PASS",
          "children_have_no_occupation must PASS")


if __name__ == "__main__":
    sys.exit(main())
