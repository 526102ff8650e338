#!/usr/bin/python3
"""LALFS employed persons by age band (all occupations), 2024 first half.

Reads   data/reference/original/lalfs_employed_by_occupation_submajor_age_education.csv
          (kr-references long form of the KOSIS LALFS export; value in thousand persons)
Writes  data/reference/lalfs_2024h1_employed_by_age_band.csv (age_band,count)

The standard population of the microdata audit's direct standardisation by age
(examples/npk/microdata.yaml): the age distribution of all employed persons, ksco7_code T,
in the five published bands (15~29세, 30~39세, 40~49세, 50~59세, 60세 이상). 2024 H1 is the
latest period of this table. The bands must add up to the published total (rounding of
thousands allowed). count is in persons (thousands x 1000).
"""

from _common import check, fmt_int, original, out_path, parse_args, read_csv, run, write_csv

SOURCE = "lalfs_employed_by_occupation_submajor_age_education.csv"
PERIOD = "2024.1/2"
BANDS = ["15~29세", "30~39세", "40~49세", "50~59세", "60세 이상"]
TOL = 3


def main():
    args = parse_args(__doc__.splitlines()[0])
    rows = read_csv(original(SOURCE))
    header = rows[0]
    check(header == ["survey", "period", "ksco7_code", "occupation_ko", "breakdown",
                     "breakdown_value", "value", "unit", "flag"],
          "unexpected header %r" % header)
    band, total = {}, None
    for r in rows[1:]:
        rec = dict(zip(header, r))
        if rec["period"] != PERIOD or rec["ksco7_code"] != "T":
            continue
        check(rec["survey"] == "LALFS" and rec["unit"] == "thousand persons",
              "unexpected row %r" % r)
        check(rec["value"].isdigit(), "value %r is not a whole number" % rec["value"])
        if rec["breakdown"] == "total":
            total = int(rec["value"])
        elif rec["breakdown"] == "age_band":
            check(rec["breakdown_value"] not in band, "duplicate band %r" % rec["breakdown_value"])
            band[rec["breakdown_value"]] = int(rec["value"])
    check(sorted(band) == sorted(BANDS), "bands %r, expected %r" % (sorted(band), BANDS))
    check(total is not None, "no total row for period %s" % PERIOD)
    got = sum(band.values())
    check(abs(got - total) <= TOL * len(BANDS), "bands sum to %d thousand, total %d" % (got, total))
    out = [(b, fmt_int(band[b] * 1000)) for b in BANDS]
    write_csv(out_path(args.out_root, "data", "reference", "lalfs_2024h1_employed_by_age_band.csv"),
              ["age_band", "count"], out)
    if not args.quiet:
        print("lalfs_age: %d bands, %d persons" % (len(out), got * 1000))


if __name__ == "__main__":
    run(main)
