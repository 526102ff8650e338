#!/usr/bin/env python3
"""Derive the ACS 2018 1-year reference tables of the Nemotron-Personas-USA audit.

Standard library only; deterministic. Reads data/acs2018/ (Census API extracts, see
SOURCES.md) and writes data/reference/, one row per category with the estimate and its
90% margin of error (`moe`; for a sum of cells, the Census approximation
sqrt(sum of squared MOEs)):

  acs2018_sex.csv          sex,count,moe          B01001 total population by sex (all ages)
  acs2018_age_band.csv     age_band,count,moe     B01001 all ages, in the audit's 8 bands
  acs2018_education_25plus.csv education_level,count,moe  B15002 population 25+, in the
                           dataset's 7 education_level categories (mapping below)
  acs2018_sex_by_group.csv occupation,sex,count,moe  C24010 (sex by occupation, civilian
                           employed 16+), its cells summed into the 22 occupation groups of
                           CPS Table 11, named as CPS names them (GROUPS below)
  acs2018_state.csv        state_code,count,moe   B01001_001 by state: 50 states, DC, PR
                           (not "state": a count table reads that column as the cell state)

Usage: python3 prepare/acs_tables.py [EXAMPLE_DIR]
"""
import csv
import math
import os
import sys

AGE_BANDS = [  # band: B01001 age cells (label after "Male!!" / "Female!!")
    ("0-17", ["Under 5 years", "5 to 9 years", "10 to 14 years", "15 to 17 years"]),
    ("18-24", ["18 and 19 years", "20 years", "21 years", "22 to 24 years"]),
    ("25-34", ["25 to 29 years", "30 to 34 years"]),
    ("35-44", ["35 to 39 years", "40 to 44 years"]),
    ("45-54", ["45 to 49 years", "50 to 54 years"]),
    ("55-64", ["55 to 59 years", "60 and 61 years", "62 to 64 years"]),
    ("65-74", ["65 and 66 years", "67 to 69 years", "70 to 74 years"]),
    ("75+", ["75 to 79 years", "80 to 84 years", "85 years and over"]),
]
EDUCATION = [  # the dataset's education_level: B15002 cells
    ("less_than_9th", ["No schooling completed", "Nursery to 4th grade", "5th and 6th grade",
                       "7th and 8th grade"]),
    ("9th_12th_no_diploma", ["9th grade", "10th grade", "11th grade", "12th grade, no diploma"]),
    ("high_school", ["High school graduate (includes equivalency)"]),
    ("some_college", ["Some college, less than 1 year", "Some college, 1 or more years, no degree"]),
    ("associates", ["Associate's degree"]),
    ("bachelors", ["Bachelor's degree"]),
    ("graduate", ["Master's degree", "Professional school degree", "Doctorate degree"]),
]
GROUPS = [  # CPS Table 11 group: the C24010 cells (the label after "Male!!"/"Female!!")
    ("Management occupations", ["Management, business, science, and arts occupations!!Management, business, and financial occupations!!Management occupations"]),
    ("Business and financial operations occupations", ["Management, business, science, and arts occupations!!Management, business, and financial occupations!!Business and financial operations occupations"]),
    ("Computer and mathematical occupations", ["Management, business, science, and arts occupations!!Computer, engineering, and science occupations!!Computer and mathematical occupations"]),
    ("Architecture and engineering occupations", ["Management, business, science, and arts occupations!!Computer, engineering, and science occupations!!Architecture and engineering occupations"]),
    ("Life, physical, and social science occupations", ["Management, business, science, and arts occupations!!Computer, engineering, and science occupations!!Life, physical, and social science occupations"]),
    ("Community and social service occupations", ["Management, business, science, and arts occupations!!Education, legal, community service, arts, and media occupations!!Community and social service occupations"]),
    ("Legal occupations", ["Management, business, science, and arts occupations!!Education, legal, community service, arts, and media occupations!!Legal occupations"]),
    ("Education, training, and library occupations", ["Management, business, science, and arts occupations!!Education, legal, community service, arts, and media occupations!!Educational instruction, and library occupations"]),
    ("Arts, design, entertainment, sports, and media occupations", ["Management, business, science, and arts occupations!!Education, legal, community service, arts, and media occupations!!Arts, design, entertainment, sports, and media occupations"]),
    ("Healthcare practitioners and technical occupations", ["Management, business, science, and arts occupations!!Healthcare practitioners and technical occupations"]),
    ("Healthcare support occupations", ["Service occupations!!Healthcare support occupations"]),
    ("Protective service occupations", ["Service occupations!!Protective service occupations"]),
    ("Food preparation and serving related occupations", ["Service occupations!!Food preparation and serving related occupations"]),
    ("Building and grounds cleaning and maintenance occupations", ["Service occupations!!Building and grounds cleaning and maintenance occupations"]),
    ("Personal care and service occupations", ["Service occupations!!Personal care and service occupations"]),
    ("Sales and related occupations", ["Sales and office occupations!!Sales and related occupations"]),
    ("Office and administrative support occupations", ["Sales and office occupations!!Office and administrative support occupations"]),
    ("Farming, fishing, and forestry occupations", ["Natural resources, construction, and maintenance occupations!!Farming, fishing, and forestry occupations"]),
    ("Construction and extraction occupations", ["Natural resources, construction, and maintenance occupations!!Construction and extraction occupations"]),
    ("Installation, maintenance, and repair occupations", ["Natural resources, construction, and maintenance occupations!!Installation, maintenance, and repair occupations"]),
    ("Production occupations", ["Production, transportation, and material moving occupations!!Production occupations"]),
    ("Transportation and material moving occupations", ["Production, transportation, and material moving occupations!!Transportation occupations",
                                                        "Production, transportation, and material moving occupations!!Material moving occupations"]),
]
FIPS = {"01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
        "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
        "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
        "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
        "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
        "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
        "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
        "55": "WI", "56": "WY", "72": "PR"}


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def legend(path):
    """label path -> variable (estimate variables only)."""
    out = {}
    for r in read_rows(path):
        if r["VARIABLE"].endswith("E"):
            out[r["LABEL"]] = r["VARIABLE"][:-1]
    return out


def cell(row, var):
    e, m = float(row[var + "E"]), float(row[var + "M"])
    return e, (0.0 if m < 0 else m)  # negative MOE: Census annotation (controlled)


def write(path, col, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([col, "count", "moe"])
        for k, e, m in rows:
            w.writerow([k, "%d" % e, "%.0f" % m])


def summed(row, lg, prefix, labels):
    e = m2 = 0.0
    for lab in labels:
        ce, cm = cell(row, lg[prefix + lab])
        e += ce
        m2 += cm * cm
    return e, math.sqrt(m2)


def main():
    here = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    acs = os.path.join(here, "data", "acs2018")
    out = os.path.join(here, "data", "reference")
    lg = legend(os.path.join(acs, "acs1_2018_B01001_LEGEND.csv"))
    us = read_rows(os.path.join(acs, "acs1_2018_B01001_DATA.csv"))
    assert len(us) == 1 and us[0]["GEO_ID"] == "0100000US"
    row = us[0]
    sexes = []
    for sx, lab in (("Female", "Estimate!!Total!!Female"), ("Male", "Estimate!!Total!!Male")):
        sexes.append((sx,) + cell(row, lg[lab]))
    assert sum(e for _, e, _ in sexes) == float(row["B01001_001E"])
    write(os.path.join(out, "acs2018_sex.csv"), "sex", sexes)
    bands = []
    for band, labels in AGE_BANDS:
        f = summed(row, lg, "Estimate!!Total!!Female!!", labels)
        m = summed(row, lg, "Estimate!!Total!!Male!!", labels)
        bands.append((band, f[0] + m[0], math.hypot(f[1], m[1])))
    assert sum(e for _, e, _ in bands) == float(row["B01001_001E"])
    write(os.path.join(out, "acs2018_age_band.csv"), "age_band", bands)

    lg15 = legend(os.path.join(acs, "acs1_2018_B15002_LEGEND.csv"))
    r15 = read_rows(os.path.join(acs, "acs1_2018_B15002_DATA.csv"))[0]
    edu = []
    for cat, labels in EDUCATION:
        f = summed(r15, lg15, "Estimate!!Total!!Female!!", labels)
        m = summed(r15, lg15, "Estimate!!Total!!Male!!", labels)
        edu.append((cat, f[0] + m[0], math.hypot(f[1], m[1])))
    assert sum(e for _, e, _ in edu) == float(r15["B15002_001E"])
    write(os.path.join(out, "acs2018_education_25plus.csv"), "education_level", edu)

    lg24 = legend(os.path.join(acs, "acs1_2018_C24010_LEGEND.csv"))
    r24 = read_rows(os.path.join(acs, "acs1_2018_C24010_DATA.csv"))[0]
    with open(os.path.join(out, "acs2018_sex_by_group.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["occupation", "sex", "count", "moe"])
        for sx in ("Female", "Male"):
            tot = 0.0
            for grp, cells in GROUPS:
                e, m = summed(r24, lg24, "Estimate!!Total!!%s!!" % sx, cells)
                tot += e
                w.writerow([grp, sx, "%d" % e, "%.0f" % m])
            # the 22 groups partition the employed of each sex
            assert tot == float(r24[lg24["Estimate!!Total!!%s" % sx] + "E"]), sx

    st = []
    for r in read_rows(os.path.join(acs, "acs1_2018_B01001_bystate_DATA.csv")):
        st.append((FIPS[r["GEO_ID"][-2:]],) + cell(r, "B01001_001"))
    st.sort()
    assert len(st) == 52
    write(os.path.join(out, "acs2018_state.csv"), "state_code", st)


if __name__ == "__main__":
    main()
