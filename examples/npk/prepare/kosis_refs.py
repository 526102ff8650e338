#!/usr/bin/python3
"""KOSIS marginal references in long form, spelled as NPK spells its categories.

Reads   data/reference/original/kosis_reference.json (eopchang audit, values as published)
        data/npk/marginals/<attr>.csv (NPK's category spellings)
Writes  data/reference/kosis_sex_adult.csv            (sex,share)
        data/reference/kosis_province.csv             (province,share)
        data/reference/kosis_education_level.csv      (education_level,share)
        data/reference/kosis_marital_status.csv       (marital_status,share)
        data/reference/kosis_housing_type.csv         (housing_type,share; household-based)
        data/reference/kosis_housing_type_per_person.csv (housing_type,share; estimate)
        data/reference/crosswalk_housing.csv          (from,to: NPK -> reference category)

Shares are copied digit for digit as printed in the JSON (rounded to 3-4 decimals;
some sets sum to 0.99x); they are not renormalised here, the audit renormalises over
the comparable support. Housing is the one attribute whose category set differs: the reference
merges NPK's 다세대주택 and 연립주택 into 연립·다세대주택, hence the crosswalk.
"""

import json

from _common import check, original, out_path, parse_args, read_marginal, run, write_csv

# JSON key -> (output file stem, NPK attribute whose categories it must use)
TABLES = [
    ("sex_adult", "kosis_sex_adult", "sex"),
    ("province", "kosis_province", "province"),
    ("education_level", "kosis_education_level", "education_level"),
    ("marital_status", "kosis_marital_status", "marital_status"),
    ("housing_type", "kosis_housing_type", "housing_type"),
    ("housing_type_per_person_estimated", "kosis_housing_type_per_person", "housing_type"),
]

# NPK housing_type -> reference housing category (many-to-one).
HOUSING_CROSSWALK = [
    ("아파트", "아파트"),
    ("단독주택", "단독주택"),
    ("다세대주택", "연립·다세대주택"),
    ("연립주택", "연립·다세대주택"),
    ("주택 이외의 거처", "주택 이외의 거처"),
    ("비주거용 건물 내 주택", "비주거용 건물 내 주택"),
]


def share_text(text):
    """The share exactly as the JSON prints it (json.load hands it over unparsed)."""
    try:
        v = float(text)
    except (TypeError, ValueError):
        v = -1.0
    check(0 <= v <= 1, "share %r is not a number in [0, 1]" % (text,))
    return text


def main():
    args = parse_args(__doc__.splitlines()[0])
    with open(original("kosis_reference.json"), encoding="utf-8") as f:
        # Keep the printed digits (0.1810, not 0.181): the file is a transcription
        # of published figures and should read like them.
        ref = json.load(f, parse_float=str)

    xw_from = [a for a, _ in HOUSING_CROSSWALK]
    xw_to = {b for _, b in HOUSING_CROSSWALK}
    check(len(set(xw_from)) == len(xw_from), "crosswalk maps a category twice")

    report = []
    for key, stem, attr in TABLES:
        check(key in ref, "kosis_reference.json has no %s" % key)
        values = ref[key]["values"]
        npk = {v for v, _ in read_marginal(attr)}
        if attr == "housing_type":
            check(set(values) == xw_to,
                  "%s categories %r != crosswalk targets" % (key, sorted(values)))
            check(set(xw_from) == npk, "crosswalk sources %r != NPK housing_type" % sorted(xw_from))
        else:
            check(set(values) == npk, "%s categories %r != NPK %s %r"
                  % (key, sorted(values), attr, sorted(npk)))
        rows = [(k, share_text(v)) for k, v in values.items()]
        write_csv(out_path(args.out_root, "data", "reference", stem + ".csv"),
                  [attr, "share"], rows)
        total = sum(float(v) for v in values.values())
        report.append("%s (%d categories, shares sum to %.4f)" % (stem, len(rows), total))

    write_csv(out_path(args.out_root, "data", "reference", "crosswalk_housing.csv"), ["from", "to"],
              HOUSING_CROSSWALK)
    if not args.quiet:
        print("kosis_refs: " + "; ".join(report))


if __name__ == "__main__":
    run(main)
