#!/usr/bin/python3
"""NPK aggregates in long form, the 26+ education marginal and the age_bin ranges.

Reads   data/npk/marginals/<attr>.csv        (value,count,share; full cardinality)
        data/npk/contingency/contingency_<x>__x__<y>.csv  (wide: rows x, columns y)
Writes  data/npk/long/<attr>.csv             (<attr>,count)
        data/npk/long/<x>__<y>.csv           (<x>,<y>,count; every cell, zeros included)
        data/npk/npk_education_level_26plus.csv (education_level,count; age_bin != "19-24")
        data/npk/age_bin_definition.csv      (age_bin,age_min,age_max; what each label holds)

The long files carry exactly the numbers of the wide ones; they exist for review
and for readers that prefer long input. Before writing, every table is checked
against the marginals, so a truncated or mislabelled upstream file cannot slip
through: full-cardinality attributes must reproduce their marginal exactly;
occupation / district / family_type (top-k + "기타" in the upstream tables) must
reproduce the marginal on the listed categories and put the remainder in 기타;
age_bin must equal the single-year age marginal summed over NPK's bins.

The age_bin labels are off by one: "19-24" holds ages 19..25 (see AGE_BINS in
_common.py). The bin ranges are derived here from the data, independently of that
constant, and the two must agree. One consequence: dropping the first bin leaves
ages 26+, not 25+, so the education file is named for the universe it really has.
"""

import glob
import os

from _common import (AGE_BINS, NPK_TOTAL, age_bin_of, check, data_npk, fmt_int, out_path,
                     parse_args, read_csv, read_marginal, run, write_csv)

MARGINAL_ATTRS = ["age", "sex", "province", "district", "occupation", "education_level",
                  "bachelors_field", "marital_status", "military_status", "family_type",
                  "housing_type", "country"]

# Label the upstream audit used for "all categories outside the top k".
OTHER = "기타"


def read_wide(path):
    rows = read_csv(path)
    header = rows[0]
    check(header[0] == "", "%s: first header cell should be empty, got %r" % (path, header[0]))
    cols = header[1:]
    check(len(set(cols)) == len(cols), "%s: duplicate column labels" % path)
    cells = []
    row_labels = []
    for r in rows[1:]:
        check(len(r) == len(header), "%s: ragged row %r" % (path, r[:2]))
        row_labels.append(r[0])
        cells.append([int(v) for v in r[1:]])
    check(len(set(row_labels)) == len(row_labels), "%s: duplicate row labels" % path)
    return row_labels, cols, cells


def expected_margin(attr, marginals):
    """The margin a table must show for attr, given the category labels it lists."""
    if attr == "age_bin":
        m = {}
        for age, n in marginals["age"]:
            b = age_bin_of(int(age))
            check(b is not None, "age %s outside every NPK age bin" % age)
            m[b] = m.get(b, 0) + n
        return m
    return dict(marginals[attr])


def check_margin(path, attr, labels, margin, marginals):
    exp = expected_margin(attr, marginals)
    got = dict(zip(labels, margin))
    if attr == "age_bin":
        check(labels == [b[0] for b in AGE_BINS],
              "%s: age_bin labels %r differ from NPK's bins" % (path, labels))
    if set(labels) == set(exp):
        for k in labels:
            check(got[k] == exp[k], "%s: margin of %s=%s is %d, marginal says %d"
                  % (path, attr, k, got[k], exp[k]))
        return False
    # Truncated to top-k + 기타: the catch-all must not collide with a real category.
    check(OTHER in got and OTHER not in exp,
          "%s: %s categories differ from the marginal and no catch-all %s" % (path, attr, OTHER))
    listed = [k for k in labels if k != OTHER]
    for k in listed:
        check(k in exp, "%s: %s=%s is not a category of the marginal" % (path, attr, k))
        check(got[k] == exp[k], "%s: margin of %s=%s is %d, marginal says %d"
              % (path, attr, k, got[k], exp[k]))
    rest = sum(v for k, v in exp.items() if k not in got)
    check(got[OTHER] == rest, "%s: %s=%s holds %d, the unlisted categories sum to %d"
          % (path, attr, OTHER, got[OTHER], rest))
    return True


def derive_age_bins(path, labels, margin, marginals):
    """Single-year ranges of each age_bin, from cumulative counts: every NPK age
    19..99 has positive mass, so each cumulative bin total matches exactly one
    cumulative age total."""
    ages = sorted((int(a), n) for a, n in marginals["age"])
    check(all(n > 0 for _, n in ages), "an age has zero mass; bin edges would be ambiguous")
    cum = []
    run_total = 0
    for a, n in ages:
        run_total += n
        cum.append((a, run_total))
    ranges = []
    lo = ages[0][0]
    target = 0
    for k, label in enumerate(labels):
        target += margin[k]
        hits = [a for a, c in cum if c == target]
        check(len(hits) == 1, "%s: age_bin %s does not end on a whole age" % (path, label))
        hi = hits[0]
        ranges.append((label, lo, None if k == len(labels) - 1 else hi))
        lo = hi + 1
    return ranges


def main():
    args = parse_args(__doc__.splitlines()[0])
    marginals = {}
    for attr in MARGINAL_ATTRS:
        marginals[attr] = read_marginal(attr)
        total = sum(n for _, n in marginals[attr])
        check(total == NPK_TOTAL, "marginal %s sums to %d" % (attr, total))
        write_csv(out_path(args.out_root, "data", "npk", "long", attr + ".csv"), [attr, "count"],
                  [(v, fmt_int(n)) for v, n in marginals[attr]])

    paths = sorted(glob.glob(data_npk("contingency", "contingency_*__x__*.csv")))
    check(len(paths) == 55, "expected the 55 pairwise tables, found %d" % len(paths))
    truncated = set()
    edu_by_age = None
    derived_bins = None
    for path in paths:
        name = os.path.basename(path)[len("contingency_"):-len(".csv")]
        x, y = name.split("__x__")
        row_labels, cols, cells = read_wide(path)
        total = sum(sum(r) for r in cells)
        check(total == NPK_TOTAL, "%s sums to %d" % (name, total))
        row_margin = [sum(r) for r in cells]
        col_margin = [sum(r[j] for r in cells) for j in range(len(cols))]
        if x == "age_bin" and derived_bins is None:
            derived_bins = derive_age_bins(path, row_labels, row_margin, marginals)
            check(derived_bins == AGE_BINS, "age_bin ranges in the data %r differ from "
                  "_common.AGE_BINS %r" % (derived_bins, AGE_BINS))
        if check_margin(path, x, row_labels, row_margin, marginals):
            truncated.add(x)
        if check_margin(path, y, cols, col_margin, marginals):
            truncated.add(y)
        rows = []
        for i, xv in enumerate(row_labels):
            for j, yv in enumerate(cols):
                rows.append((xv, yv, fmt_int(cells[i][j])))
        write_csv(out_path(args.out_root, "data", "npk", "long", "%s__%s.csv" % (x, y)),
                  [x, y, "count"], rows)
        if (x, y) == ("age_bin", "education_level"):
            edu_by_age = (row_labels, cols, cells)

    check(truncated == {"occupation", "district", "family_type"},
          "unexpected set of truncated attributes: %r" % sorted(truncated))

    write_csv(out_path(args.out_root, "data", "npk", "age_bin_definition.csv"),
              ["age_bin", "age_min", "age_max"],
              [(lab, lo, "" if hi is None else hi) for lab, lo, hi in AGE_BINS])

    # The education reference is for ages 25+, but the closest universe the binned
    # NPK table allows is 26+: the first bin ("19-24") also holds every 25-year-old.
    check(edu_by_age is not None, "contingency_age_bin__x__education_level.csv missing")
    row_labels, cols, cells = edu_by_age
    check(row_labels[0] == "19-24" and AGE_BINS[1][1] == 26, "first age bin does not end at 25")
    edu25 = [sum(cells[i][j] for i in range(1, len(row_labels))) for j in range(len(cols))]
    edu_all = dict(marginals["education_level"])
    young = dict(zip(cols, cells[0]))
    for j, c in enumerate(cols):
        check(edu25[j] + young[c] == edu_all[c], "education 25+ plus 19-24 != marginal for %s" % c)
    write_csv(out_path(args.out_root, "data", "npk", "npk_education_level_26plus.csv"),
              ["education_level", "count"], [(c, fmt_int(n)) for c, n in zip(cols, edu25)])

    if not args.quiet:
        print("npk_long: %d marginals, %d pairs; truncated in pair tables: %s; "
              "education 26+ n = %d" % (len(MARGINAL_ATTRS), len(paths),
                                         ", ".join(sorted(truncated)), sum(edu25)))


if __name__ == "__main__":
    run(main)
