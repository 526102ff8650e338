#!/usr/bin/env python3
"""Writes the per-category standardisation fixture (tests/cli/standardize.sh, percat.yaml):
percat_syn.csv (sex x occupation x age counts, synthetic), percat_ref.csv (sex x occupation
counts, a reference without age detail) and percat_std.csv (occupation x age: each
occupation's own age mix, the per-category standard). Occupation E has no synthetic persons
aged 60+ (a stratum missing in one category) and nobody in the synthetic table is 15-18 (a
stratum the synthetic side lacks altogether, which must count as standard weight not
reached). Counts are fixed by the seed. Usage: gen_percat.py OUT_DIR"""
import sys

import numpy as np

rng = np.random.default_rng(20261205)
out = sys.argv[1]
occ = ["A", "B", "C", "D", "E", "F"]
ages = ["19-39", "40-59", "60+"]
with open(out + "/percat_std.csv", "w") as f:
    f.write("occupation,age,count\n")
    for o in occ:
        mix = rng.integers(50, 500, size=4)
        for a, c in zip(["15-18"] + ages, mix):
            f.write("%s,%s,%d\n" % (o, a, c if a != "15-18" else c // 10))
with open(out + "/percat_syn.csv", "w") as f:
    f.write("sex,occupation,age,count\n")
    for o in occ:
        for a in ages:
            if o == "E" and a == "60+":
                continue
            for s in ("여자", "남자"):
                f.write("%s,%s,%s,%d\n" % (s, o, a, rng.integers(5, 200)))
with open(out + "/percat_ref.csv", "w") as f:
    f.write("sex,occupation,count\n")
    # three male-dominated occupations (women below 25%): A, C, F
    for o, fem in zip(occ, [100, 695, 75, 580, 760, 165]):
        f.write("여자,%s,%d\n남자,%s,%d\n" % (o, fem, o, 1000 - fem))
