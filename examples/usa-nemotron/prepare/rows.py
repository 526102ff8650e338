#!/usr/bin/env python3
"""Keep the columns the audit uses from the 55,225 Nemotron-Personas-USA rows.

Input: nemotron_usa_first55k_demographics.csv (see SOURCES.md for its provenance);
output: data/rows/nemotron_usa_first55k.csv with record_index, age, sex, marital_status,
education_level, occupation, state - every row, in the input order, values unchanged.
Dropped: id, city, zipcode, country (always USA), file. Standard library only.

Usage: python3 prepare/rows.py INPUT.csv [OUTPUT.csv]
"""
import csv
import os
import sys

KEEP = ["record_index", "age", "sex", "marital_status", "education_level", "occupation", "state"]


def main():
    src = sys.argv[1]
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        os.path.dirname(__file__), "..", "data", "rows", "nemotron_usa_first55k.csv")
    with open(src, encoding="utf-8", newline="") as f, open(dst, "w", newline="") as g:
        r = csv.DictReader(f)
        w = csv.writer(g, lineterminator="\n")
        w.writerow(KEEP)
        n = 0
        for row in r:
            assert row["country"] == "USA"
            w.writerow([row[k] for k in KEEP])
            n += 1
    assert n == 55225, n


if __name__ == "__main__":
    main()
