#!/usr/bin/python3
"""Independent oracle for the NPK demo: TVD of NPK's sex and province marginals
against the shipped KOSIS/MOIS references, computed with pandas/numpy straight
from the CSV files (no iaf code). Writes tests/data/npk/npk_marginal_tvd.csv.

Re-run: /usr/bin/python3 tests/oracles/npk_marginals.py
"""
import os
import sys

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NPK = os.path.join(ROOT, "examples", "npk", "data")


def tvd(syn_file, ref_file, col):
    s = pd.read_csv(os.path.join(NPK, syn_file), dtype={col: str}, keep_default_na=False)
    r = pd.read_csv(os.path.join(NPK, ref_file), dtype={col: str}, keep_default_na=False)
    val = "share" if "share" in r.columns else "count"
    r = r.groupby(col)[val].sum()
    s = s.groupby(col)["count"].sum()
    support = r.index  # the reference's categories define the support
    rs = r / r.sum()
    ss = s.reindex(support, fill_value=0)
    ss = ss / ss.sum()
    return 0.5 * np.abs(ss.values - rs.values).sum()


CHECKS = [
    ("sex_vs_kosis", "npk/long/sex.csv", "reference/kosis_sex_adult.csv", "sex"),
    ("sex_vs_register", "npk/long/sex.csv", "reference/mois_2025_sex_19plus.csv", "sex"),
    ("province_vs_kosis", "npk/long/province.csv", "reference/kosis_province.csv", "province"),
    ("province_vs_register", "npk/long/province.csv", "reference/mois_2025_province_19plus.csv", "province"),
]

out = os.path.join(ROOT, "tests", "data", "npk", "npk_marginal_tvd.csv")
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    f.write("check,tvd\n")
    for cid, s, r, col in CHECKS:
        f.write("%s,%.17g\n" % (cid, tvd(s, r, col)))
sys.stdout.write(open(out).read())
