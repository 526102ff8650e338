#!/usr/bin/python3
"""Derive the small tables of examples/jp that the originals cannot give as they are.

Standard library only. Inputs (committed, unmodified copies; see ../SOURCES.md):
  data/census/pyramid_total.csv          2020 census, sex x 5-year age (long: year,sex,age,value)
  data/personas/distribution_3000.json   summary of the 3,000-row stratified sample
Outputs:
  data/reference/census2020_sex_decade_20plus.csv  the census 20+ by sex x the sample's age bands
      (20代以下 = 20-29, 30代, ..., 70代, 80歳以上): the engine reads references as they are,
      so the 5-year bands are summed here into the persona data's own labels.
  data/personas/npj3000_sex.csv, npj3000_age_band.csv  the 3,000-row summary as counts
      (percentages x 3000, rounded; the summary publishes shares to 0.1 point only).
The prefecture reference needs no derived table: audit.yaml reads data/census/
total_prefecture.csv as published (its 1945 Okinawa "NA" is a suppressed cell) and selects
2020 with reference_universe.

Usage: make_tables.py [--out-root DIR]   (default: examples/jp itself)
"""

import argparse
import csv
import json
import os
import sys

JP_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# 5-year census bands -> the persona data's decade labels. Bands under 20 are outside the
# comparison (the personas are adults; the 50-row sample starts at 21).
DECADE = {
    "20~24歳": "20代以下", "25~29歳": "20代以下",
    "30~34歳": "30代", "35~39歳": "30代",
    "40~44歳": "40代", "45~49歳": "40代",
    "50~54歳": "50代", "55~59歳": "50代",
    "60~64歳": "60代", "65~69歳": "60代",
    "70~74歳": "70代", "75~79歳": "70代",
    "80~84歳": "80歳以上", "85~89歳": "80歳以上", "90~94歳": "80歳以上",
    "95~99歳": "80歳以上", "100歳以上": "80歳以上",
}
UNDER_20 = {"0~4歳", "5~9歳", "10~14歳", "15~19歳"}


class PrepareError(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise PrepareError(msg)


def write(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(path + ".tmp", path)


def census_decades(out):
    sums = {}
    seen = set()
    with open(os.path.join(JP_DIR, "data", "census", "pyramid_total.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["year"] != "2020":
                continue
            check(row["sex"] in ("男性", "女性"), "unexpected sex %r" % row["sex"])
            seen.add(row["age"])
            if row["age"] in UNDER_20:
                continue
            check(row["age"] in DECADE, "unexpected age band %r" % row["age"])
            key = (row["sex"], DECADE[row["age"]])
            sums[key] = sums.get(key, 0) + int(row["value"])
    check(seen == set(DECADE) | UNDER_20, "2020 age bands differ from the expected 21")
    order = ["20代以下", "30代", "40代", "50代", "60代", "70代", "80歳以上"]
    rows = [[s, d, sums[(s, d)]] for s in ("男性", "女性") for d in order]
    write(os.path.join(out, "data", "reference", "census2020_sex_decade_20plus.csv"),
          ["sex", "age_band", "count"], rows)


def summary_3000(out):
    with open(os.path.join(JP_DIR, "data", "personas", "distribution_3000.json"), encoding="utf-8") as f:
        d = json.load(f)
    check(d["n"] == 3000, "summary n is %r" % d["n"])
    for key, col, name in (("性別%", "sex", "npj3000_sex.csv"), ("年代%", "age_band", "npj3000_age_band.csv")):
        shares = d[key]
        check(abs(sum(shares.values()) - 100) < 0.2, "%s does not sum to 100" % key)
        rows = [[k, round(v * d["n"] / 100)] for k, v in shares.items()]
        write(os.path.join(out, "data", "personas", name), [col, "count"], rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-root", default=JP_DIR)
    a = ap.parse_args()
    try:
        census_decades(a.out_root)
        summary_3000(a.out_root)
    except PrepareError as e:
        print("make_tables.py: %s" % e, file=sys.stderr)
        return 1
    print("wrote 3 tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
