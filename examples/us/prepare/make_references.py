#!/usr/bin/python3
"""Derive the long-form reference tables of examples/us from the committed originals.

Standard library only. Inputs (committed, unmodified copies; see ../SOURCES.md):
  data/acs2018/acs1_2018_<T>_{DATA,LEGEND}.csv   Census API extracts, United States row
  data/excerpt/national2019.csv                   NIST ACS 2019 excerpt (27,253 records)
  crosswalks/*.csv                                 EDU/MSP code -> ACS category
Outputs (data/reference/):
  acs2018_b15002_sex_education.csv    sex x education (10 categories), 25+
  acs2018_b15001_sex_age_education.csv sex x age band x education (7 categories), 18+
  acs2018_b12001_sex_marital.csv       sex x marital status (6 leaf categories), 15+
  acs2018_b01001_sex_age.csv           sex x age group (9 groups), all ages
  excerpt_rows_age_education.csv       the excerpt's records (unweighted) by age band x
                                       education (B15001 categories), 18+

The ACS tables keep one row per published estimate cell (`source` = the Census variable,
`note` = its label, `moe` = its 90% margin of error), so a reviewer can trace every count
and an engine that sums cells sees the original margins. Every leaf table is checked
against the published totals before anything is written; a mismatch stops the script.

Usage: make_references.py [--out-root DIR]   (default: examples/us itself)
"""

import argparse
import csv
import os
import sys

US_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


class PrepareError(Exception):
    pass


def check(cond, msg):
    # not `assert`: a failed check must also stop a `python -O` run
    if not cond:
        raise PrepareError(msg)


def read_acs(table):
    """Return {variable: (label_path, estimate, moe)} for the United States row of TABLE."""
    base = os.path.join(US_DIR, "data", "acs2018", "acs1_2018_%s_" % table)
    labels = {}
    with open(base + "LEGEND.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["VARIABLE"].endswith("E") and row["GROUP"] == table:
                path = row["LABEL"].split("!!")
                check(path[:2] == ["Estimate", "Total"], "%s: unexpected label %r" % (table, row["LABEL"]))
                labels[row["VARIABLE"]] = path[2:]
    with open(base + "DATA.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f)]
    check(len(rows) == 1 and rows[0]["GEO_ID"] == "0100000US", "%s: expected the nation only" % table)
    data = rows[0]
    out = {}
    for var, path in labels.items():
        est = int(data[var])
        moe = int(data[var[:-1] + "M"])
        # -555555555 is the Census annotation for an estimate controlled to the population
        # estimates: no margin of error applies (an empty moe cell). Other annotations
        # (no estimate, too few cases) must not occur in these national tables.
        if moe == -555555555:
            moe = ""
        check(est >= 0 and (moe == "" or moe >= 0), "%s: negative value or annotation" % var)
        out[var] = (path, est, moe)
    check(len(out) > 0, "%s: no estimates" % table)
    return out


def total(cells, path):
    for p, est, _ in cells.values():
        if p == path:
            return est
    raise PrepareError("no cell %r" % (path,))


def leaves(cells, depth):
    """Cells whose label path has exactly DEPTH parts below Total, in variable order."""
    return [(v, p, e, m) for v, (p, e, m) in sorted(cells.items()) if len(p) == depth]


def write(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def read_crosswalk(name):
    m = {}
    with open(os.path.join(US_DIR, "crosswalks", name), newline="", encoding="utf-8") as f:
        lines = [l for l in f if not l.startswith("#")]
    for row in csv.DictReader(lines):
        check(row["from"] not in m, "%s: duplicate %s" % (name, row["from"]))
        m[row["from"]] = row["to"]
    return m


# B15002 detailed levels -> the common refinement with EDU (see crosswalks/edu_to_b15002.csv)
B15002_EDU = {
    "No schooling completed": "No schooling completed",
    "Nursery to 4th grade": "Nursery to 8th grade",
    "5th and 6th grade": "Nursery to 8th grade",
    "7th and 8th grade": "Nursery to 8th grade",
    "9th grade": "9th to 12th grade, no diploma",
    "10th grade": "9th to 12th grade, no diploma",
    "11th grade": "9th to 12th grade, no diploma",
    "12th grade, no diploma": "9th to 12th grade, no diploma",
    "High school graduate (includes equivalency)": "High school graduate (includes equivalency)",
    "Some college, less than 1 year": "Some college, no degree",
    "Some college, 1 or more years, no degree": "Some college, no degree",
    "Associate's degree": "Associate's degree",
    "Bachelor's degree": "Bachelor's degree",
    "Master's degree": "Master's degree",
    "Professional school degree": "Professional school degree",
    "Doctorate degree": "Doctorate degree",
}

# B15001 age groups -> the age_band labels of the specs (bins on AGEP)
B15001_AGE = {
    "18 to 24 years": "18-24",
    "25 to 34 years": "25-34",
    "35 to 44 years": "35-44",
    "45 to 64 years": "45-64",
    "65 years and over": "65+",
}
AGE_BANDS = [("18-24", 18, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-64", 45, 64), ("65+", 65, 999)]

# B01001 age cells -> age_group (coarse groups that B01001's cells nest in exactly)
AGE_GROUPS = [("0-17", 0, 17), ("18-24", 18, 24), ("25-34", 25, 34), ("35-44", 35, 44),
              ("45-54", 45, 54), ("55-64", 55, 64), ("65-74", 65, 74), ("75-84", 75, 84),
              ("85+", 85, 999)]


def b01001_range(label):
    """'Under 5 years' -> (0, 4); '18 and 19 years' -> (18, 19); '85 years and over' -> (85, 999)."""
    w = label.replace(" years", "").replace(" year", "")
    if w.startswith("Under "):
        return 0, int(w[6:]) - 1
    if w.endswith(" and over"):
        return int(w[:-9]), 999
    for sep in (" to ", " and "):
        if sep in w:
            a, b = w.split(sep)
            return int(a), int(b)
    return int(w), int(w)


def group_of(lo, hi, groups):
    for name, glo, ghi in groups:
        if glo <= lo and hi <= ghi:
            return name
    raise PrepareError("age range %d-%d straddles the groups" % (lo, hi))


def make_b15002(out):
    cells = read_acs("B15002")
    rows = []
    for var, path, est, moe in leaves(cells, 2):
        sex, level = path
        check(level in B15002_EDU, "B15002: unknown level %r" % level)
        rows.append([sex, B15002_EDU[level], est, moe, var, level])
    for sex in ("Male", "Female"):
        check(sum(r[2] for r in rows if r[0] == sex) == total(cells, [sex]), "B15002 %s total" % sex)
    check(sum(r[2] for r in rows) == total(cells, []), "B15002 total")
    check(len(rows) == 32, "B15002: %d leaf cells" % len(rows))
    write(os.path.join(out, "data", "reference", "acs2018_b15002_sex_education.csv"),
          ["sex", "education", "count", "moe", "source", "note"], rows)
    return rows


def make_b15001(out):
    cells = read_acs("B15001")
    rows = []
    for var, path, est, moe in leaves(cells, 3):
        sex, age, level = path
        check(age in B15001_AGE, "B15001: unknown age %r" % age)
        rows.append([sex, B15001_AGE[age], level, est, moe, var, "%s, %s" % (age, level)])
    levels = sorted({r[2] for r in rows})
    want = sorted(set(read_crosswalk("edu_to_b15001.csv").values()))
    check(levels == want, "B15001 levels %r differ from the crosswalk targets %r" % (levels, want))
    for sex in ("Male", "Female"):
        check(sum(r[3] for r in rows if r[0] == sex) == total(cells, [sex]), "B15001 %s total" % sex)
        for age in B15001_AGE:
            check(sum(r[3] for r in rows if r[0] == sex and r[1] == B15001_AGE[age])
                  == total(cells, [sex, age]), "B15001 %s %s total" % (sex, age))
    check(len(rows) == 70, "B15001: %d leaf cells" % len(rows))
    write(os.path.join(out, "data", "reference", "acs2018_b15001_sex_age_education.csv"),
          ["sex", "age_band", "education", "count", "moe", "source", "note"], rows)


def make_b12001(out):
    cells = read_acs("B12001")
    rows = []
    for var, (path, est, moe) in sorted(cells.items()):
        if len(path) < 2:
            continue
        sex, rest = path[0], path[1:]
        if rest in (["Now married"], ["Now married", "Married, spouse absent"]):
            continue  # subtotals of the leaves below
        leaf = {
            ("Never married",): "Never married",
            ("Now married", "Married, spouse present"): "Now married, spouse present",
            ("Now married", "Married, spouse absent", "Separated"): "Separated",
            ("Now married", "Married, spouse absent", "Other"): "Now married, spouse absent (not separated)",
            ("Widowed",): "Widowed",
            ("Divorced",): "Divorced",
        }.get(tuple(rest))
        check(leaf is not None, "B12001: unknown cell %r" % (path,))
        rows.append([sex, leaf, est, moe, var, " / ".join(rest)])
    want = sorted(set(read_crosswalk("msp_to_b12001.csv").values()))
    check(sorted({r[1] for r in rows}) == want, "B12001 leaves differ from the crosswalk targets")
    for sex in ("Male", "Female"):
        check(sum(r[2] for r in rows if r[0] == sex) == total(cells, [sex]), "B12001 %s total" % sex)
    check(len(rows) == 12, "B12001: %d leaf cells" % len(rows))
    write(os.path.join(out, "data", "reference", "acs2018_b12001_sex_marital.csv"),
          ["sex", "marital", "count", "moe", "source", "note"], rows)


def make_b01001(out):
    cells = read_acs("B01001")
    rows = []
    for var, path, est, moe in leaves(cells, 2):
        sex, age = path
        lo, hi = b01001_range(age)
        rows.append([sex, group_of(lo, hi, AGE_GROUPS), est, moe, var, age])
    for sex in ("Male", "Female"):
        check(sum(r[2] for r in rows if r[0] == sex) == total(cells, [sex]), "B01001 %s total" % sex)
    check(len(rows) == 46, "B01001: %d leaf cells" % len(rows))
    write(os.path.join(out, "data", "reference", "acs2018_b01001_sex_age.csv"),
          ["sex", "age_group", "count", "moe", "source", "note"], rows)


def make_excerpt_age_education(out):
    edu = read_crosswalk("edu_to_b15001.csv")
    counts = {}
    n = 0
    with open(os.path.join(US_DIR, "data", "excerpt", "national2019.csv"), newline="") as f:
        for row in csv.DictReader(f):
            n += 1
            age = int(row["AGEP"])
            if age < 18:
                continue
            check(row["EDU"] in edu, "excerpt: adult with EDU %r" % row["EDU"])
            band = group_of(age, age, AGE_BANDS)
            key = (band, edu[row["EDU"]])
            counts[key] = counts.get(key, 0) + 1
    check(n == 27253, "excerpt: %d records, expected 27253" % n)
    order = {b: i for i, (b, _, _) in enumerate(AGE_BANDS)}
    rows = [[b, e, c] for (b, e), c in sorted(counts.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))]
    write(os.path.join(out, "data", "reference", "excerpt_rows_age_education.csv"),
          ["age_band", "education", "count"], rows)
    return sum(counts.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-root", default=US_DIR)
    a = ap.parse_args()
    try:
        make_b15002(a.out_root)
        make_b15001(a.out_root)
        make_b12001(a.out_root)
        make_b01001(a.out_root)
        adults = make_excerpt_age_education(a.out_root)
    except PrepareError as e:
        print("make_references.py: %s" % e, file=sys.stderr)
        return 1
    print("wrote 5 reference tables; excerpt records aged 18+: %d" % adults)
    return 0


if __name__ == "__main__":
    sys.exit(main())
