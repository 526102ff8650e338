#!/usr/bin/python3
"""Independent oracle for crosswalk mapping (docs/expressions.md, "Crosswalk files").

Reads each crosswalk with Python's csv module, maps every line of labels.txt with Python's
re (the patterns here mean the same in POSIX ERE and in Python) and writes the expected
(target, weight) lists. tests/unit/test_crosswalk.c compares the C library against it.

Regenerate:  cd tests/data/crosswalk && /usr/bin/python3 oracle.py > expected.jsonl
"""
import csv
import io
import json
import re

FILES = ["military_rank.csv", "education_kosis.csv", "occupation_weighted.csv"]


def load(path):
    with open(path, encoding="utf-8", newline="") as f:
        text = "".join(line for line in f if not line.startswith("#"))
    exact, regex = {}, {}
    for row in csv.DictReader(io.StringIO(text)):
        w = float(row["weight"]) if row.get("weight") else 1.0
        kind = row.get("match") or "exact"
        table = exact if kind == "exact" else regex
        table.setdefault(row["from"], []).append((row["to"], w))
    return exact, regex  # dicts keep file order


def expand(template, m):
    out, i = [], 0
    while i < len(template):
        c = template[i]
        if c == "\\" and i + 1 < len(template):
            d = template[i + 1]
            if d.isdigit():
                out.append(m.group(int(d)) or "")
            elif d == "\\":
                out.append("\\")
            else:
                out.append(c + d)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def apply(exact, regex, label):
    if label in exact:
        rows = exact[label]
        if len(rows) == 1 and rows[0][0] == "":
            return [], 1
        return rows, 0
    for pattern, rows in regex.items():
        m = re.fullmatch(pattern, label)
        if m:
            if len(rows) == 1 and rows[0][0] == "":
                return [], 1
            return [(expand(to, m), w) for to, w in rows], 0
    return [], 0


def main():
    with open("labels.txt", encoding="utf-8") as f:
        labels = [line.rstrip("\n") for line in f]
    for name in FILES:
        exact, regex = load(name)
        for label in labels:
            targets, dropped = apply(exact, regex, label)
            print(json.dumps({"file": name, "label": label, "dropped": dropped,
                              "targets": [[t, w] for t, w in targets]}, ensure_ascii=False))


main()
