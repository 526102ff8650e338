#!/usr/bin/python3
"""EAPS employed persons by sex x KSCO major group, one long table per year.

Reads   data/reference/original/eaps_employed_by_sex_occupation_major.csv
          (kr-references long form of the KOSIS EAPS export; value in thousand persons)
Writes  data/reference/eaps_2025_sex_by_ksco_major.csv (ksco_major,sex,count)
        data/reference/eaps_2024_sex_by_ksco_major.csv (same, 2024)

ksco_major is the KSCO major-group code "1".."9" (group A, armed forces, is outside
the EAPS universe). count is in persons: the published thousands times 1000, so
every count is a multiple of 1000 and carries the source's rounding (groups add up
to the published total only to within a few thousand). 2025 is the latest annual
value; 2024 is written too because it is certainly on KSCO-7, the classification
NPK's occupation titles use, while the source could not confirm that for 2025.
"""


from _common import check, fmt_int, original, out_path, parse_args, read_csv, run, write_csv

SOURCE = "eaps_employed_by_sex_occupation_major.csv"
YEARS = ["2025", "2024"]
MAJORS = [str(k) for k in range(1, 10)]
SEXES = ["남자", "여자"]
# Tolerances (thousand persons) for the published rounding, as stated in the
# collector's notes: groups 1-9 vs total within 3, 남자 + 여자 vs 계 within 2.
TOL_GROUPS = 3
TOL_SEXES = 2


def main():
    args = parse_args(__doc__.splitlines()[0])
    rows = read_csv(original(SOURCE))
    header = rows[0]
    check(header == ["survey", "period", "period_type", "sex", "ksco_major_code",
                     "occupation_major_ko", "value", "unit"], "unexpected header %r" % header)
    cell = {}
    for r in rows[1:]:
        rec = dict(zip(header, r))
        check(rec["survey"] == "EAPS" and rec["period_type"] == "annual", "unexpected row %r" % r)
        check(rec["unit"] == "thousand persons",
              "unit is %r, expected thousand persons" % rec["unit"])
        key = (rec["period"], rec["sex"], rec["ksco_major_code"])
        check(key not in cell, "duplicate cell %r" % (key,))
        check(rec["value"].isdigit(), "value %r is not a whole number of thousands" % rec["value"])
        cell[key] = int(rec["value"])
    latest = max(p for p, _, _ in cell)
    check(latest == YEARS[0], "latest year in the source is %s, this script expects %s"
          % (latest, YEARS[0]))

    summary = []
    for year in YEARS:
        for sex in SEXES + ["계"]:
            groups = sum(cell[(year, sex, k)] for k in MAJORS)
            total = cell[(year, sex, "T")]
            check(abs(groups - total) <= TOL_GROUPS, "%s %s: groups sum to %d, total %d"
                  % (year, sex, groups, total))
        for k in MAJORS + ["T"]:
            both = cell[(year, "계", k)]
            check(abs(cell[(year, "남자", k)] + cell[(year, "여자", k)] - both) <= TOL_SEXES,
                  "%s group %s: 남자 + 여자 != 계" % (year, k))
        out = [(k, sex, fmt_int(cell[(year, sex, k)] * 1000)) for k in MAJORS for sex in SEXES]
        name = "eaps_%s_sex_by_ksco_major.csv" % year
        write_csv(out_path(args.out_root, "data", "reference", name),
                  ["ksco_major", "sex", "count"], out)
        summary.append("%s: %d persons in groups 1-9 (published total %d thousand)"
                       % (year, sum(int(r[2]) for r in out), cell[(year, "계", "T")]))
    if not args.quiet:
        print("eaps_ksco: " + "; ".join(summary))


if __name__ == "__main__":
    run(main)
