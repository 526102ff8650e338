#!/usr/bin/env python3
"""Derive the long-form CPS reference tables of the Nemotron-Personas-USA audit.

Standard library only; deterministic. Reads the BLS CSVs under data/cps/ and writes
data/reference/:

  cps_occupation_classification.csv  code,title,level: the 22 occupation groups of CPS
      Table 11 (the parents of its detailed lines; level "group", codes G01..G22) and its
      detailed lines (level "line", codes G01001...), titles as CPS 2022 prints them. The
      input of `iaf crosswalk build` (crosswalks/build.sh).
  cps{2020,2022}_sex_by_line.csv      occupation,sex,count,state: per detailed line, women =
      total x percent women, men = total - women, in persons (thousands x 1000). Lines whose
      percent women BLS does not publish (base below 50,000) are written with
      state=suppressed and the count "x" (`iaf` keeps them off the comparable support).
  cps{2020,2022}_sex_by_group.csv     the same for the 22 group lines (published aggregates)
  cps2022_sex_employed.csv            sex,count of the "Total, 16 years and over" line
  cps2025_age_employed.csv            age_band,count of Table 11b's "Total employed" line
  cps2025_age_by_line.csv             occupation,age_band,count of every detailed line (11b)

The hierarchy comes from the "Tree level" column that the 2020 CSV carries (added by the
repository it came from); the three tables list the same 594 lines in the same order
(checked below), so the levels apply by position. Detailed lines are the lines with no
child; a group is the parent of detailed lines (every such parent has only detailed
children: checked).

Usage: python3 prepare/cps_tables.py [EXAMPLE_DIR]   (default: the directory above this file)
"""
import csv
import os
import sys

AGE_BANDS = ["16-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65+"]


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def num(s):
    return float(s.replace(",", ""))


def lines_of(rows):
    """(title, cells) of every line with a value, from the "Total" line on."""
    first = next(i for i, r in enumerate(rows) if r and r[0].startswith("Total"))
    out = []
    for r in rows[first:]:
        if r and r[0] and len(r) > 1 and r[1] != "":
            out.append((r[0], r))
    return out


def same(a, b):
    # the two spelling differences between the years: a double space, 'File Clerks'
    return " ".join(a.split()).lower() == " ".join(b.split()).lower()


def main():
    here = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    cps = os.path.join(here, "data", "cps")
    out = os.path.join(here, "data", "reference")
    os.makedirs(out, exist_ok=True)
    t20 = lines_of(read(os.path.join(cps, "bls_cpsaat11_2020.csv")))
    t22 = lines_of(read(os.path.join(cps, "bls_cpsaat11_2022.csv")))
    t25 = lines_of(read(os.path.join(cps, "bls_cpsaat11b_2025.csv")))
    assert len(t20) == len(t22) == len(t25) == 595, (len(t20), len(t22), len(t25))
    for (a, _), (b, _), (c, _) in zip(t20[1:], t22[1:], t25[1:]):
        assert same(a, b) and same(b, c), (a, b, c)
    level = [int(float(r[7])) for _, r in t20]
    n = len(level)
    # parent of each line: the nearest line above with a smaller tree level
    parent = [-1] * n
    for i in range(1, n):
        j = i - 1
        while j >= 0 and level[j] >= level[i]:
            j -= 1
        parent[i] = j
    has_child = [False] * n
    for i in range(n):
        if parent[i] >= 0:
            has_child[parent[i]] = True
    leaf = [i for i in range(n) if not has_child[i]]
    groups = sorted({parent[i] for i in leaf})
    for g in groups:  # a group's children are all detailed lines
        kids = [i for i in range(n) if parent[i] == g]
        assert all(not has_child[k] for k in kids), t22[g][0]
    assert len(groups) == 22, len(groups)
    title = [t for t, _ in t22]
    gcode = {g: "G%02d" % (k + 1) for k, g in enumerate(groups)}
    code = {}
    for g in groups:
        kids = [i for i in leaf if parent[i] == g]
        for k, i in enumerate(kids):
            code[i] = "%s%03d" % (gcode[g], k + 1)

    with open(os.path.join(out, "cps_occupation_classification.csv"), "w", newline="") as f:
        f.write("# CPS Table 11 (2022) occupation lines: 22 groups and %d detailed lines;\n"
                "# written by prepare/cps_tables.py (codes are ours, in table order)\n" % len(leaf))
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "title", "level"])
        for i in range(n):
            if i in gcode:
                w.writerow([gcode[i], title[i], "group"])
            elif i in code:
                w.writerow([code[i], title[i], "line"])

    def sex_table(rows, idx, path):
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["occupation", "sex", "count", "state"])
            for i in idx:
                t, r = rows[i]
                tot = round(num(r[1]) * 1000)
                if r[2] in ("–", "-", ""):
                    w.writerow([title[i], "Female", "x", "suppressed"])
                    w.writerow([title[i], "Male", "x", "suppressed"])
                    continue
                # total (thousands) x percent (one decimal) is an exact integer in persons
                women = round(num(r[1]) * 10 * num(r[2]))
                w.writerow([title[i], "Female", women, "ok"])
                w.writerow([title[i], "Male", tot - women, "ok"])

    for year, rows in ((2020, t20), (2022, t22)):
        sex_table(rows, leaf, os.path.join(out, "cps%d_sex_by_line.csv" % year))
        sex_table(rows, groups, os.path.join(out, "cps%d_sex_by_group.csv" % year))

    total = t22[0][1]
    assert total[0].startswith("Total, 16 years")
    with open(os.path.join(out, "cps2022_sex_employed.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["sex", "count"])
        women = round(num(total[1]) * 10 * num(total[2]))
        w.writerow(["Female", women])
        w.writerow(["Male", round(num(total[1]) * 1000) - women])

    tot25 = t25[0][1]
    assert tot25[0] == "Total employed"
    with open(os.path.join(out, "cps2025_age_employed.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["age_band", "count"])
        for k, band in enumerate(AGE_BANDS):
            w.writerow([band, round(num(tot25[2 + k]) * 1000)])
        assert abs(sum(num(x) for x in tot25[2:9]) - num(tot25[1])) <= 3
    with open(os.path.join(out, "cps2025_age_by_line.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["occupation", "age_band", "count"])
        for i in leaf:
            r = t25[i][1]
            for k, band in enumerate(AGE_BANDS):
                w.writerow([title[i], band, round(num(r[2 + k]) * 1000)])


if __name__ == "__main__":
    main()
