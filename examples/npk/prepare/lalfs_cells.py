#!/usr/bin/python3
"""LALFS employed persons by sex x (KSIC-10 section x KSCO major group), 2025 second half.

Reads   data/reference/original/lalfs_employed_by_sex_industry_occupation_major.csv
          (kr-references long form of the KOSIS LALFS export; value in thousand persons)
Writes  data/reference/lalfs_2025h2_sex_by_industry_ksco_major.csv (cell,sex,count)

A cell is "<section>·<major>", e.g. "H·9" (transport and storage x elementary workers): the
finest sex x occupation table Statistics Korea publishes from LALFS. The cells partition
the employed population (sections A-U, majors 1-9 and A; the total rows are dropped), so
Duncan's index over them is meaningful. These cells serve as industry proxies for NPK's
occupation titles whose work belongs to one industry (crosswalks/occupation_lalfs_proxy_*.csv).
A cell published as "-" (no sample) counts 0. count is in persons (thousands x 1000).
"""

from _common import check, fmt_int, original, out_path, parse_args, read_csv, run, write_csv

SOURCE = "lalfs_employed_by_sex_industry_occupation_major.csv"
PERIOD = "2025.2/2"
SEXES = ["남자", "여자"]
# Tolerance (thousand persons) for the published rounding of the sums checked below.
TOL = 3


def main():
    args = parse_args(__doc__.splitlines()[0])
    rows = read_csv(original(SOURCE))
    header = rows[0]
    check(header == ["survey", "period", "industry_code_ksic10", "industry_ko", "sex",
                     "ksco_major_code", "occupation_major_ko", "value", "unit", "flag"],
          "unexpected header %r" % header)
    cell = {}
    for r in rows[1:]:
        rec = dict(zip(header, r))
        if rec["period"] != PERIOD:
            continue
        check(rec["survey"] == "LALFS" and rec["unit"] == "thousand persons",
              "unexpected row %r" % r)
        key = (rec["industry_code_ksic10"], rec["ksco_major_code"], rec["sex"])
        check(key not in cell, "duplicate cell %r" % (key,))
        if rec["value"] == "":
            check(rec["flag"].startswith("dash"), "empty value without the dash flag: %r" % r)
            cell[key] = 0
        else:
            check(rec["value"].isdigit(), "value %r is not a whole number" % rec["value"])
            cell[key] = int(rec["value"])
    check(cell, "no rows for period %s" % PERIOD)
    sections = sorted({s for s, _, _ in cell if s != "ALL"})
    majors = sorted({m for _, m, _ in cell if m != "T"})
    check(len(sections) == 21 and sections[0] == "A" and sections[-1] == "U",
          "sections %r, expected A-U" % sections)
    # the cells must add up to the published totals: per sex over everything, and per
    # section over majors (rounding of thousands allowed)
    for sex in SEXES:
        total = cell[("ALL", "T", sex)]
        got = sum(cell.get((s, m, sex), 0) for s in sections for m in majors)
        check(abs(got - total) <= TOL * len(sections),
              "%s: cells sum to %d thousand, total %d" % (sex, got, total))
        for s in sections:
            t = cell.get((s, "T", sex))
            if t is None:
                continue
            got = sum(cell.get((s, m, sex), 0) for m in majors)
            check(abs(got - t) <= TOL, "%s %s: majors sum to %d, total %d" % (s, sex, got, t))
    out = [("%s·%s" % (s, m), sex, fmt_int(cell.get((s, m, sex), 0) * 1000))
           for s in sections for m in majors for sex in SEXES]
    write_csv(out_path(args.out_root, "data", "reference",
                       "lalfs_2025h2_sex_by_industry_ksco_major.csv"), ["cell", "sex", "count"], out)
    if not args.quiet:
        print("lalfs_cells: %d cells, %d persons" % (len(out) // 2, sum(int(r[2]) for r in out)))


if __name__ == "__main__":
    run(main)
