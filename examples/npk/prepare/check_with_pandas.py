#!/usr/bin/python3
"""Independent oracle for the derived NPK files: recompute them with pandas.

The prepare scripts use only the standard library and explicit tables (province
codes, bin ranges). This check shares none of their code: it parses the originals
with pandas, maps provinces by a suffix rule instead of a table, bins ages with
pandas.cut using the upstream audit's own breaks (closed on the right, as polars'
cut is), and compares every derived number. It exits non-zero on any mismatch.

usage: /usr/bin/python3 check_with_pandas.py [NPK_DIR]   (default: examples/npk)
"""

import glob
import json
import os
import sys
from decimal import Decimal

import numpy as np
import pandas as pd

NPK = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
NPK = os.path.abspath(NPK)
REF = os.path.join(NPK, "data", "reference")
ORIG = os.path.join(REF, "original")
DNPK = os.path.join(NPK, "data", "npk")

# The upstream audit's binning (scripts/_lib.py of eopchang/nemotron-personas-korea-audit):
# polars cut(breaks=[25, 35, 45, 55, 65, 75, 85]), right-closed intervals.
BREAKS = [25, 35, 45, 55, 65, 75, 85]
LABELS = ["19-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84", "85+"]

failures = []


def expect(cond, msg):
    if not cond:
        failures.append(msg)


def bin_ages(ages):
    return pd.cut(ages, bins=[-np.inf] + BREAKS + [np.inf], right=True, labels=LABELS).astype(str)


def load_long(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def check_mois():
    raw = pd.read_csv(os.path.join(ORIG, "mois_resident_pop_202504_sido_by_sex_by_age_cp949.csv"),
                      encoding="cp949", thousands=",", dtype={"행정구역": str})
    long = raw.melt(id_vars="행정구역", var_name="col", value_name="n")
    parts = long["col"].str.extract(r"^2025년04월_(남|여)_(\d+)세( 이상)?$")
    long = long.assign(sex=parts[0], age=pd.to_numeric(parts[1]))
    ages = long.dropna(subset=["age"]).copy()
    totals = long[long["col"].str.endswith("_총인구수")].copy()
    totals["sex"] = totals["col"].str.extract(r"_(남|여)_")[0]
    # Per region and sex, the single-year cells must add up to the file's total.
    s = ages.groupby(["행정구역", "sex"])["n"].sum()
    t = totals.set_index(["행정구역", "sex"])["n"]
    expect((s.sort_index() == t.sort_index()).all(), "MOIS: single-year ages do not sum to 총인구수")

    name = ages["행정구역"].str.replace(r"\s*\(\d+\)$", "", regex=True)
    ages["province"] = name.str.replace(r"(특별자치시|특별자치도|특별시|광역시|도)$", "", regex=True)
    ages = ages[(name != "전국") & (ages["age"] >= 19)].copy()
    ages["sex"] = ages["sex"].map({"남": "남자", "여": "여자"})
    ages["age_bin"] = bin_ages(ages["age"])
    oracle = ages.groupby(["province", "sex", "age_bin"])["n"].sum()

    got = pd.read_csv(os.path.join(REF, "mois_2025_province_sex_agebin_19plus.csv"))
    got = got.set_index(["province", "sex", "age_bin"])["count"]
    expect(len(got) == 17 * 2 * 8, "MOIS agebin: %d rows" % len(got))
    expect(got.index.is_unique, "MOIS agebin: duplicate cells")
    both = pd.concat([oracle.rename("o"), got.rename("g")], axis=1)
    expect(not both.isna().any().any(), "MOIS agebin: cell sets differ:\n%s"
           % both[both.isna().any(axis=1)])
    expect((both["o"] == both["g"]).all(), "MOIS agebin: counts differ:\n%s"
           % both[both["o"] != both["g"]])

    npk_prov = set(pd.read_csv(os.path.join(DNPK, "marginals", "province.csv"))["province"])
    expect(set(got.index.get_level_values(0)) == npk_prov, "MOIS provinces != NPK provinces")

    single = pd.read_csv(os.path.join(REF, "mois_2025_province_sex_age_19plus.csv"))
    o1 = ages.groupby(["province", "sex", "age"])["n"].sum()
    g1 = single.set_index(["province", "sex", "age"])["count"]
    expect(o1.sort_index().equals(g1.sort_index()), "MOIS single-year file differs")

    prov = pd.read_csv(os.path.join(REF, "mois_2025_province_19plus.csv")).set_index("province")
    expect(prov["count"].sort_index().equals(ages.groupby("province")["n"].sum().sort_index()),
           "MOIS province margin differs")
    sex = pd.read_csv(os.path.join(REF, "mois_2025_sex_19plus.csv")).set_index("sex")
    expect(sex["count"].sort_index().equals(ages.groupby("sex")["n"].sum().sort_index()),
           "MOIS sex margin differs")
    return int(ages["n"].sum())


def check_npk_long():
    n_pairs = 0
    for path in sorted(glob.glob(os.path.join(DNPK, "contingency", "contingency_*__x__*.csv"))):
        x, y = os.path.basename(path)[len("contingency_"):-len(".csv")].split("__x__")
        wide = pd.read_csv(path, index_col=0, dtype=str, keep_default_na=False)
        wide.index = wide.index.astype(str)
        oracle = wide.stack()
        oracle.index.names = [x, y]
        got = load_long(os.path.join(DNPK, "long", "%s__%s.csv" % (x, y)))
        expect(list(got.columns) == [x, y, "count"],
               "long %s__%s: header %r" % (x, y, list(got.columns)))
        got = got.set_index([x, y])["count"]
        expect(got.index.equals(oracle.index) and (got.values == oracle.values).all(),
               "long %s__%s differs from the wide table" % (x, y))
        n_pairs += 1
    expect(n_pairs == 55, "found %d wide tables" % n_pairs)
    for path in sorted(glob.glob(os.path.join(DNPK, "marginals", "*.csv"))):
        attr = os.path.basename(path)[:-4]
        m = pd.read_csv(path, dtype=str, keep_default_na=False)
        got = load_long(os.path.join(DNPK, "long", attr + ".csv"))
        expect(got.equals(m[[attr, "count"]]), "long %s differs from the marginal" % attr)

    # Bin ranges: re-bin the single-year age marginal with the upstream breaks.
    age = pd.read_csv(os.path.join(DNPK, "marginals", "age.csv"))
    by_bin = age.groupby(bin_ages(age["age"]))["count"].sum()
    ab = pd.read_csv(os.path.join(DNPK, "contingency", "contingency_age_bin__x__sex.csv"),
                     index_col=0)
    expect(ab.sum(axis=1).reindex(LABELS).equals(by_bin.reindex(LABELS)),
           "age_bin margins are not the right-closed bins of the age marginal")
    defn = pd.read_csv(os.path.join(DNPK, "age_bin_definition.csv"))
    for _, r in defn.iterrows():
        lo = int(r["age_min"])
        hi = 200 if pd.isna(r["age_max"]) else int(r["age_max"])
        inside = age[(age["age"] >= lo) & (age["age"] <= hi)]["count"].sum()
        expect(inside == by_bin[r["age_bin"]], "age_bin_definition wrong for %s" % r["age_bin"])

    edu = pd.read_csv(os.path.join(DNPK, "contingency",
                                   "contingency_age_bin__x__education_level.csv"), index_col=0)
    oracle = edu.drop(index="19-24").sum(axis=0)
    got = pd.read_csv(os.path.join(DNPK, "npk_education_level_26plus.csv"))
    got = got.set_index("education_level")
    expect(got["count"].equals(oracle.rename("count").rename_axis("education_level")),
           "education 26+ differs")
    # Independent view of the same universe: everyone minus ages 19..25.
    expect(int(oracle.sum()) == 1000000 - int(age[age["age"] <= 25]["count"].sum()),
           "education 26+ total is not 1e6 minus ages 19..25")


def check_kosis():
    with open(os.path.join(ORIG, "kosis_reference.json"), encoding="utf-8") as f:
        ref = json.load(f, parse_float=Decimal)
    for key, stem, attr in [("sex_adult", "kosis_sex_adult", "sex"),
                            ("province", "kosis_province", "province"),
                            ("education_level", "kosis_education_level", "education_level"),
                            ("marital_status", "kosis_marital_status", "marital_status"),
                            ("housing_type", "kosis_housing_type", "housing_type"),
                            ("housing_type_per_person_estimated", "kosis_housing_type_per_person",
                             "housing_type")]:
        got = load_long(os.path.join(REF, stem + ".csv"))
        expect(list(got.columns) == [attr, "share"], "%s header" % stem)
        expect({k: Decimal(v) for k, v in zip(got[attr], got["share"])} == ref[key]["values"],
               "%s differs from kosis_reference.json" % stem)
        npk = set(pd.read_csv(os.path.join(DNPK, "marginals", attr + ".csv"))[attr])
        if attr != "housing_type":
            expect(set(got[attr]) == npk, "%s categories are not NPK's" % stem)
    xw = load_long(os.path.join(REF, "crosswalk_housing.csv"))
    npk_h = set(pd.read_csv(os.path.join(DNPK, "marginals", "housing_type.csv"))["housing_type"])
    expect(set(xw["from"]) == npk_h and xw["from"].is_unique,
           "crosswalk does not cover NPK housing")
    expect(set(xw["to"]) == set(ref["housing_type"]["values"]), "crosswalk targets != reference")


def check_eaps():
    src = pd.read_csv(os.path.join(ORIG, "eaps_employed_by_sex_occupation_major.csv"), dtype=str)
    expect((src["unit"] == "thousand persons").all(), "EAPS unit changed")
    for year in ("2024", "2025"):
        sel = src[(src["period"] == year) & src["sex"].isin(["남자", "여자"])
                  & src["ksco_major_code"].str.fullmatch(r"[1-9]")]
        oracle = sel.set_index(["ksco_major_code", "sex"])["value"].astype(int) * 1000
        got = pd.read_csv(os.path.join(REF, "eaps_%s_sex_by_ksco_major.csv" % year),
                          dtype={"ksco_major": str}).set_index(["ksco_major", "sex"])["count"]
        expect(len(got) == 18 and got.sort_index().values.tolist()
               == oracle.sort_index().values.tolist(), "EAPS %s differs" % year)


def main():
    total19 = check_mois()
    check_npk_long()
    check_kosis()
    check_eaps()
    if failures:
        for f in failures:
            sys.stderr.write("FAIL: %s\n" % f)
        sys.exit(1)
    print("check_with_pandas: all derived files agree; MOIS 19+ total %d" % total19)


if __name__ == "__main__":
    main()
