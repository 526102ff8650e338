"""Shared helpers for the NPK prepare scripts (Python 3 standard library only).

Every script reads the committed originals under examples/npk/data/ and writes its
derived files below an output root, by default examples/npk itself. Passing
``--out-root DIR`` writes the same relative paths below DIR instead, which is how
the regeneration test compares a fresh run with the committed files; ``--in-root DIR``
reads the inputs from a copy laid out like examples/npk (the test feeds a corrupted
copy and expects the checks to stop the script).
"""

import argparse
import csv
import os
import sys

NPK_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
_in_root = [NPK_DIR]


def data_npk(*rel):
    return os.path.join(_in_root[0], "data", "npk", *rel)


def original(*rel):
    return os.path.join(_in_root[0], "data", "reference", "original", *rel)

# NPK's age_bin labels as they appear in the upstream contingency tables, with the
# single-year ages each one ACTUALLY holds. The upstream audit binned with polars
# `cut(breaks=[25, 35, ..., 85])`, whose intervals are closed on the right, so the
# label "19-24" holds ages 19..25, "25-34" holds 26..35, ... and "85+" holds 86 and
# over. npk_long.py re-derives these ranges from the single-year age marginal and
# fails if they ever stop matching. References binned for comparison with these
# tables must use the same ranges under the same labels.
AGE_BINS = [
    ("19-24", 19, 25),
    ("25-34", 26, 35),
    ("35-44", 36, 45),
    ("45-54", 46, 55),
    ("55-64", 56, 65),
    ("65-74", 66, 75),
    ("75-84", 76, 85),
    ("85+", 86, None),
]

NPK_TOTAL = 1000000


class PrepareError(Exception):
    pass


def check(cond, msg):
    """Assertion that survives `python -O`: a failed check must stop the build."""
    if not cond:
        raise PrepareError(msg)


def age_bin_of(age):
    for label, lo, hi in AGE_BINS:
        if age >= lo and (hi is None or age <= hi):
            return label
    return None


def parse_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out-root", default=NPK_DIR,
                   help="directory that plays the role of examples/npk for outputs "
                        "(default: examples/npk itself)")
    p.add_argument("--in-root", default=NPK_DIR,
                   help="directory laid out like examples/npk to read inputs from "
                        "(default: examples/npk itself)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = p.parse_args()
    _in_root[0] = args.in_root
    return args


def out_path(out_root, *rel):
    path = os.path.join(out_root, *rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def write_csv(path, header, rows):
    """UTF-8 without BOM, LF line ends, minimal quoting: stable bytes on every OS."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)


def read_csv(path, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.reader(f))


def read_marginal(attr):
    """NPK marginal file -> list of (value, count) in file order."""
    rows = read_csv(data_npk("marginals", attr + ".csv"))
    check(rows[0] == [attr, "count", "share"],
          "unexpected header in marginal %s: %r" % (attr, rows[0]))
    out = []
    for r in rows[1:]:
        check(len(r) == 3, "short row in marginal %s: %r" % (attr, r))
        out.append((r[0], int(r[1])))
    return out


def fmt_int(n):
    return str(int(n))


def run(main):
    try:
        main()
    except PrepareError as e:
        sys.stderr.write("%s: check failed: %s\n" % (os.path.basename(sys.argv[0]), e))
        sys.exit(1)
