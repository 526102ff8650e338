#!/usr/bin/python3
"""Marital status of residents aged 18+, register-based census 2023 (three categories).

Reads   data/reference/original/census_marital_education_cells.csv
          (cells printed in official press releases; see SOURCES.md)
Writes  data/reference/register2023_marital_18plus.csv (marital_status,share)

The register-based census (reference date 2023-11-01, press 2024-10-30) reports, for
Korean nationals aged 18+ (42,941k persons): never married 29.5%, married 56.6%, and
widowed or divorced together 13.8%. This is the universe closest to NPK's 19+ adults;
the 2020 census shares of kosis_marital_status are for ages 15+. Labels are NPK's
(미혼, 배우자있음) plus 사별·이혼 for the merged category (the audit recodes NPK's 사별 and
이혼 into it). Shares are percentages / 100, as printed.
"""

from _common import check, original, out_path, parse_args, read_csv, run, write_csv

SOURCE = "census_marital_education_cells.csv"
WANT = {"미혼 share": "미혼", "유배우 share": "배우자있음", "사별·이혼 share": "사별·이혼"}


def main():
    args = parse_args(__doc__.splitlines()[0])
    rows = read_csv(original(SOURCE))
    header = rows[0]
    check(header[:9] == ["source", "reference_date", "universe", "topic", "metric", "age_group",
                         "sex", "value", "unit"], "unexpected header %r" % header)
    got = {}
    for r in rows[1:]:
        rec = dict(zip(header, r))
        if (rec["source"], rec["topic"], rec["age_group"], rec["sex"]) != (
                "register_census_2023", "marital", "18+", "계"):
            continue
        if rec["metric"] in WANT:
            check(rec["unit"] == "percent", "unit %r" % rec["unit"])
            check(WANT[rec["metric"]] not in got, "duplicate %r" % rec["metric"])
            got[WANT[rec["metric"]]] = rec["value"]
    check(sorted(got) == sorted(WANT.values()), "missing cells: %r" % got)
    total = sum(float(v) for v in got.values())
    check(abs(total - 100.0) < 0.2, "shares sum to %.1f%%" % total)
    out = [(label, "%.3f" % (float(got[label]) / 100)) for label in ("배우자있음", "미혼", "사별·이혼")]
    write_csv(out_path(args.out_root, "data", "reference", "register2023_marital_18plus.csv"),
              ["marital_status", "share"], out)
    if not args.quiet:
        print("register_marital: %s" % ", ".join("%s %s" % r for r in out))


if __name__ == "__main__":
    run(main)
