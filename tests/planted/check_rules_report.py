#!/usr/bin/python3
"""Compares the rule checks of an `iaf audit` report.json (spec
tests/data/planted/rules_audit.yaml) with the independently recounted expected files.

Per rule: antecedent, violations, share (exact), verdict (FLAG when the share exceeds the
tolerance), and the examples: each must be a combination of values that occurs among the
violating rows, with at most that many rows (missing values, i.e. empty or NA, shown empty).
Per expectation: the denominator, the numerator and the estimate; the verdict must be
INCONCLUSIVE (4 of 17: no 95% interval for a share fits inside [0.10, 0.30]).
"""
import csv
import json
import os
import re
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "planted")
MISSING = ("", "NA", "N")


def find(obj, keys):
    """The first dict (depth first) holding all of keys."""
    if isinstance(obj, dict):
        if all(k in obj for k in keys):
            return obj
        obj = list(obj.values())
    if isinstance(obj, list):
        for v in obj:
            got = find(v, keys)
            if got is not None:
                return got
    return None


def main(report_path):
    with open(report_path, encoding="utf-8") as fh:
        report = json.load(fh)
    checks = {c["id"]: c for c in report["checks"]}
    fixture = pd.read_csv(os.path.join(DATA, "rules_fixture.csv"), dtype=str,
                          keep_default_na=False).set_index("id")
    errors = []
    with open(os.path.join(DATA, "rules_expected.csv"), encoding="utf-8", newline="") as fh:
        rules = list(csv.DictReader(fh))
    with open(os.path.join(DATA, "expectation_expected.csv"), encoding="utf-8",
              newline="") as fh:
        expects = list(csv.DictReader(fh))
    for want in rules:
        rid = want["rule"]
        c = checks.get(rid)
        if c is None:
            errors.append(f"{rid}: not in the report")
            continue
        res = find(c, ("antecedent", "violations"))
        if res is None:
            errors.append(f"{rid}: no antecedent/violations in the report")
            continue
        for k in ("antecedent", "violations"):
            if res[k] != int(want[k]):
                errors.append(f"{rid}: {k} {res[k]}, want {want[k]}")
        if res.get("share") != float(want["share"]):
            errors.append(f"{rid}: share {res.get('share')!r}, want {want['share']}")
        if c.get("verdict") != want["verdict"]:
            errors.append(f"{rid}: verdict {c.get('verdict')}, want {want['verdict']}")
        bad = fixture.loc[want["violating_ids"].split()]
        total = 0
        for ex in res.get("examples") or []:
            # "col=value, col=value": the values of the violating combination.
            pairs = dict(kv.split("=", 1) for kv in re.split(r", (?=[^,=]+=)", ex["cell"]))
            match = bad
            for col, val in pairs.items():
                vals = match[col].where(~match[col].isin(MISSING), "")
                match = match[vals == val]
            total += ex["mass"]
            if len(match) != ex["mass"]:
                errors.append(f"{rid}: example {ex['cell']!r} with mass {ex['mass']}: "
                              f"{len(match)} violating rows have those values")
        if total > int(want["violations"]) or (int(want["violations"]) and not total):
            errors.append(f"{rid}: examples cover {total} rows of {want['violations']}")
    for want in expects:
        eid = want["check"]
        c = checks.get(eid)
        res = find(c, ("given", "hits")) if c else None
        if res is None:
            errors.append(f"{eid}: no expectation result in the report")
            continue
        if (res["given"], res["hits"]) != (int(want["denominator"]), int(want["numerator"])):
            errors.append(f"{eid}: {res['hits']} of {res['given']}, want "
                          f"{want['numerator']} of {want['denominator']}")
        if res.get("estimate") != float(want["share"]):
            errors.append(f"{eid}: estimate {res.get('estimate')!r}, want {want['share']}")
        if c.get("verdict") != "INCONCLUSIVE":
            errors.append(f"{eid}: verdict {c.get('verdict')}, want INCONCLUSIVE")
    for e in errors:
        print("FAIL: " + e, file=sys.stderr)
    print(f"{len(rules)} rules and {len(expects)} expectation checked: "
          f"{'ok' if not errors else f'{len(errors)} problems'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
