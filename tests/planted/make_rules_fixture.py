#!/usr/bin/python3
"""Writes tests/data/planted/rules_fixture.csv: persona-like rows (sex, age, military status,
rank) that satisfy every rule of rules_oracle.RULES, with planted violating and boundary rows
mixed in at fixed places. The planted rows are listed in tests/data/planted/README.md.

Deterministic (fixed seed); re-running it reproduces the committed file byte for byte
(tests/cli/planted_rules.sh checks that). The expected counts are not written here: they are
recounted from the file by rules_oracle.py, independently of this script's intentions, and
the README's table of planted rows must agree with both.
"""
import argparse
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "planted", "rules_fixture.csv")

ACTIVE, NOT_ACTIVE, NONE = "현역", "비현역", "해당없음"
MALE, FEMALE = "남자", "여자"

# (sex, age, military_status, rank, why) - why is for the README and says which rules the row
# breaks or which boundary it sits on.
PLANTED = [
    (FEMALE, "21", ACTIVE, "병", "R1: a woman as an enlisted conscript"),
    (FEMALE, "23", ACTIVE, "병", "R1: a woman as an enlisted conscript"),
    (MALE, "31", ACTIVE, "병", "R1: enlisted at 31 (one year over)"),
    (MALE, "30", ACTIVE, "병", "boundary: enlisted at exactly 30 breaks nothing"),
    (MALE, "30.0", ACTIVE, "병", "boundary: 30.0 compares numerically equal to 30"),
    (MALE, "45", ACTIVE, "병", "R1: enlisted at 45"),
    (MALE, "", ACTIVE, "병", "R1, R4: age unknown (empty), so neither consequent can hold"),
    (MALE, "NA", ACTIVE, "병", "R1, R4: age NA (not a number), so neither consequent can hold"),
    (FEMALE, "67", ACTIVE, "병", "R1, R4: a woman of 67 as an enlisted conscript"),
    (MALE, "38", ACTIVE, "장성", "R2: a general at 38"),
    (MALE, "44", ACTIVE, "장성", "R2: a general at 44 (one year under)"),
    (MALE, "45", ACTIVE, "장성", "boundary: a general at exactly 45 breaks nothing"),
    (MALE, "52", NOT_ACTIVE, "영관", "R3: a rank without active service"),
    (FEMALE, "29", NOT_ACTIVE, "부사관", "R3: a rank without active service"),
    (MALE, "40", "", NONE, "boundary: military status empty, no rank: breaks nothing"),
    (MALE, "33", NOT_ACTIVE, "", "R3: rank empty is not the value 해당없음"),
    (MALE, "71", ACTIVE, "영관", "R4: active service at 71"),
    (MALE, "35", ACTIVE, NONE, "R5: active service without a rank"),
    (MALE, "64", ACTIVE, "장성", "R4: a general at 64 (one year over)"),
    (MALE, "63", ACTIVE, "장성", "boundary: a general at exactly 63 breaks nothing"),
]


def background(rng, n):
    """Rows that satisfy every rule."""
    rows = []
    for _ in range(n):
        sex = rng.choice((MALE, FEMALE))
        age = rng.randint(19, 85)
        status, rank = NOT_ACTIVE, NONE
        if sex == MALE and age <= 24 and rng.random() < 0.2:
            status, rank = ACTIVE, "병"
        elif 22 <= age <= 55 and rng.random() < 0.04:
            status = ACTIVE
            rank = rng.choice(("부사관", "위관") if age < 30 else ("부사관", "위관", "영관"))
        elif 50 <= age <= 60 and rng.random() < 0.02:
            status, rank = ACTIVE, "장성"
        rows.append((sex, str(age), status, rank))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default=OUT)
    ap.add_argument("--readme-table", action="store_true",
                    help="print the planted rows as a Markdown table instead")
    a = ap.parse_args()
    rng = random.Random(20260616)
    rows = background(rng, 380)
    # Planted rows go to fixed, spread-out places (every 19th row from row 7).
    for k, (sex, age, status, rank, _why) in enumerate(PLANTED):
        rows.insert(7 + 19 * k, (sex, age, status, rank))
    ids = {}
    for i, r in enumerate(rows, start=1):
        ids.setdefault(r, []).append(i)
    if a.readme_table:
        print("| id | sex | age | military_status | rank | planted |")
        print("|---|---|---|---|---|---|")
        for k, (sex, age, status, rank, why) in enumerate(PLANTED):
            rid = 7 + 19 * k + 1
            print(f"| p{rid:04d} | {sex} | {age or '(empty)'} | {status or '(empty)'} | "
                  f"{rank or '(empty)'} | {why} |")
        return
    with open(a.output, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "sex", "age", "military_status", "rank"])
        for i, r in enumerate(rows, start=1):
            w.writerow([f"p{i:04d}", *r])


if __name__ == "__main__":
    main()
