#!/usr/bin/python3
"""Independent recount of the rule checks on tests/data/planted/rules_fixture.csv.

Each rule is given twice: as iaf expression text (what the audit evaluates) and as a Python
predicate written by hand from docs/expressions.md (numeric comparison only when the value
reads as a finite number; an empty or NA age is not a number, so `age <= 30` is false). The
counts come from pandas on the raw strings, never from iaf.

  rules_oracle.py write   writes rules_expected.csv and expectation_expected.csv
  rules_oracle.py check   recounts and compares with the committed files (exit 1 on a difference)
  rules_oracle.py iaf IAF [--na LIST]
                          asks `iaf count --where` for every antecedent, violation set, universe
                          and event, and compares with the committed files (the expression
                          engine on its own, before any rule-check machinery)
"""
import argparse
import csv
import io
import math
import os
import re
import subprocess
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "planted")
FIXTURE = os.path.join(DATA, "rules_fixture.csv")
RULES_OUT = os.path.join(DATA, "rules_expected.csv")
EXPECT_OUT = os.path.join(DATA, "expectation_expected.csv")

ACTIVE, NONE, MALE = "현역", "해당없음", "남자"
NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


def num(s):
    """The value as a number when it reads as a finite decimal number, else None."""
    if not NUMBER.match(s):
        return None
    v = float(s)
    return v if math.isfinite(v) else None


def le(s, bound):
    v = num(s)
    return v is not None and v <= bound


def ge(s, bound):
    v = num(s)
    return v is not None and v >= bound


# id, iaf expression, antecedent(row), consequent(row), tolerance (the share of violations
# allowed; FLAG when the share exceeds it, METHOD.md section 6)
RULES = [
    ("R1_enlisted_male_young",
     'military_status == "현역" and rank == "병" => sex == "남자" and age <= 30',
     lambda r: r.military_status == ACTIVE and r["rank"] == "병",
     lambda r: r.sex == MALE and le(r.age, 30), 0.0),
    ("R2_general_min_age",
     'military_status == "현역" and rank == "장성" => age >= 45',
     lambda r: r.military_status == ACTIVE and r["rank"] == "장성",
     lambda r: ge(r.age, 45), 0.0),
    ("R3_rank_only_if_active",
     'military_status != "현역" => rank == "해당없음"',
     lambda r: r.military_status != ACTIVE,
     lambda r: r["rank"] == NONE, 0.0),
    ("R4_active_max_age",
     'military_status == "현역" => age <= 63',
     lambda r: r.military_status == ACTIVE,
     lambda r: le(r.age, 63), 0.0),
    ("R5_active_has_rank",
     'military_status == "현역" => rank != "해당없음"',
     lambda r: r.military_status == ACTIVE,
     lambda r: r["rank"] != NONE, 0.0),
    # R1 again with a tolerance above its violation share (7/13): PASS.
    ("R6_enlisted_tolerant",
     'military_status == "현역" and rank == "병" => sex == "남자" and age <= 30',
     lambda r: r.military_status == ACTIVE and r["rank"] == "병",
     lambda r: r.sex == MALE and le(r.age, 30), 0.6),
]

# id, universe expression, event expression, universe(row), event(row), expected interval
EXPECTATIONS = [
    ("E1_active_share_young_men",
     'sex == "남자" and age in 19..24', 'military_status == "현역"',
     lambda r: r.sex == MALE and ge(r.age, 19) and le(r.age, 24),
     lambda r: r.military_status == ACTIVE,
     (0.10, 0.30)),
]


def load():
    # Every field as the raw text: "" stays "", "NA" stays "NA".
    return pd.read_csv(FIXTURE, dtype=str, keep_default_na=False, encoding="utf-8")


def recount(df):
    rules = io.StringIO()
    w = csv.writer(rules, lineterminator="\n")
    w.writerow(["rule", "expression", "tolerance", "antecedent", "violations", "share", "verdict",
                "violating_ids"])
    for rid, text, ant, cons, tol in RULES:
        a = df.apply(ant, axis=1)
        v = a & ~df.apply(cons, axis=1)
        na, nv = int(a.sum()), int(v.sum())
        share = nv / na if na else 0.0
        w.writerow([rid, text, tol, na, nv, repr(share), "FLAG" if share > tol else "PASS",
                    " ".join(sorted(df.loc[v, "id"]))])
    exp = io.StringIO()
    w = csv.writer(exp, lineterminator="\n")
    w.writerow(["check", "universe", "event", "denominator", "numerator", "share",
                "expected_lo", "expected_hi"])
    for eid, utext, etext, uni, ev, (lo, hi) in EXPECTATIONS:
        u = df.apply(uni, axis=1)
        e = u & df.apply(ev, axis=1)
        nu, ne = int(u.sum()), int(e.sum())
        w.writerow([eid, utext, etext, nu, ne, repr(ne / nu), lo, hi])
    return rules.getvalue(), exp.getvalue()


def iaf_ids(iaf, where, na):
    cmd = [iaf, "count", FIXTURE, "--by", "id", "--where", where, "--threads", "1"]
    if na is not None:
        cmd += ["--na", na]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{cmd}: exit {p.returncode}: {p.stderr.strip()}")
    rows = list(csv.reader(io.StringIO(p.stdout)))
    if rows[0] != ["id", "count"] or any(r[1] != "1" for r in rows[1:]):
        raise SystemExit(f"{cmd}: unexpected output {p.stdout[:200]!r}")
    return sorted(r[0] for r in rows[1:])


def check_iaf(iaf, na):
    bad = []
    with open(RULES_OUT, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            ant, sep, cons = row["expression"].partition(" => ")
            assert sep and " => " not in cons, row["expression"]
            got_ant = iaf_ids(iaf, ant, na)
            got_v = iaf_ids(iaf, f"({ant}) and not ({cons})", na)
            want_v = row["violating_ids"].split()
            if len(got_ant) != int(row["antecedent"]):
                bad.append(f"{row['rule']}: antecedent {len(got_ant)}, want {row['antecedent']}")
            if got_v != want_v:
                bad.append(f"{row['rule']}: violations {got_v}, want {want_v}")
    with open(EXPECT_OUT, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            u = iaf_ids(iaf, row["universe"], na)
            e = iaf_ids(iaf, f"({row['universe']}) and ({row['event']})", na)
            if (len(u), len(e)) != (int(row["denominator"]), int(row["numerator"])):
                bad.append(f"{row['check']}: {len(e)} of {len(u)}, want "
                           f"{row['numerator']} of {row['denominator']}")
    for b in bad:
        print(f"FAIL (--na {na!r}): {b}", file=sys.stderr)
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=("write", "check", "iaf"))
    ap.add_argument("iaf", nargs="?")
    ap.add_argument("--na", default=None, help="passed to iaf count (default: its own)")
    a = ap.parse_args()
    if a.action == "iaf":
        if not a.iaf:
            raise SystemExit("iaf: give the binary")
        return check_iaf(a.iaf, a.na)
    rules, exp = recount(load())
    if a.action == "write":
        for path, text in ((RULES_OUT, rules), (EXPECT_OUT, exp)):
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        return 0
    bad = 0
    for path, text in ((RULES_OUT, rules), (EXPECT_OUT, exp)):
        with open(path, encoding="utf-8", newline="") as fh:
            if fh.read() != text:
                print(f"{path}: differs from the recount:\n{text}", file=sys.stderr)
                bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
