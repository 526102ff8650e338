#!/usr/bin/python3
"""MOIS resident registration, April 2025: province x sex x age (19+) in NPK's categories.

Reads   data/reference/original/mois_resident_pop_202504_sido_by_sex_by_age_cp949.csv
        data/reference/original/mois_resident_pop_202504_sido_total_by_age_cp949.csv
          (both exactly as exported by jumin.mois.go.kr, CP949, quoted numbers with
          thousands separators; the second, both-sexes file is used only as a check)
        data/npk/marginals/province.csv, sex.csv (NPK's category spellings)
Writes  data/reference/mois_2025_province_sex_agebin_19plus.csv (province,sex,age_bin,count)
        data/reference/mois_2025_province_sex_age_19plus.csv    (province,sex,age,count)
        data/reference/mois_2025_province_19plus.csv            (province,count)
        data/reference/mois_2025_sex_19plus.csv                 (sex,count)

age_bin uses NPK's labels with the ranges they really hold in NPK's tables
("19-24" = 19..25, ..., "85+" = 86 and over, MOIS's "100세 이상" included); see
AGE_BINS in _common.py. In the single-year file, age 100 stands for MOIS's open
class "100세 이상" (NPK's ages stop at 99).
"""

import re

from _common import (AGE_BINS, age_bin_of, check, fmt_int, original, out_path, parse_args,
                     read_csv, read_marginal, run, write_csv)

BY_SEX = "mois_resident_pop_202504_sido_by_sex_by_age_cp949.csv"
TOTAL = "mois_resident_pop_202504_sido_total_by_age_cp949.csv"
PREFIX = "2025년04월"

# Administrative code -> (MOIS name, NPK short name). Keyed by code so that a renamed
# province (강원도 -> 강원특별자치도 in 2023, 전라북도 -> 전북특별자치도 in 2024) is caught
# by the name check below rather than silently mapped.
PROVINCES = {
    "1100000000": ("서울특별시", "서울"),
    "2600000000": ("부산광역시", "부산"),
    "2700000000": ("대구광역시", "대구"),
    "2800000000": ("인천광역시", "인천"),
    "2900000000": ("광주광역시", "광주"),
    "3000000000": ("대전광역시", "대전"),
    "3100000000": ("울산광역시", "울산"),
    "3600000000": ("세종특별자치시", "세종"),
    "4100000000": ("경기도", "경기"),
    "5100000000": ("강원특별자치도", "강원"),
    "4300000000": ("충청북도", "충청북"),
    "4400000000": ("충청남도", "충청남"),
    "5200000000": ("전북특별자치도", "전북"),
    "4600000000": ("전라남도", "전라남"),
    "4700000000": ("경상북도", "경상북"),
    "4800000000": ("경상남도", "경상남"),
    "5000000000": ("제주특별자치도", "제주"),
}
NATION_CODE = "0000000000"
SEXES = [("남", "남자"), ("여", "여자")]
TOP_AGE = 100  # MOIS's last column is "100세 이상"

REGION_RE = re.compile(r"^(\S+)\s+\((\d{10})\)$")


def parse_count(text, where):
    digits = text.replace(",", "")
    check(digits.isdigit(), "%s: %r is not a count" % (where, text))
    return int(digits)


def age_columns(sex_ko):
    cols = ["%s_%s_%d세" % (PREFIX, sex_ko, a) for a in range(TOP_AGE)]
    cols.append("%s_%s_%d세 이상" % (PREFIX, sex_ko, TOP_AGE))
    return cols


def read_mois(name, sexes):
    """-> {code: {sex_ko: (total, band_total, [count for ages 0..100+])}}, code order."""
    rows = read_csv(original(name), encoding="cp949")
    header = rows[0]
    check(header[0] == "행정구역", "%s: first column is %r" % (name, header[0]))
    idx = {h: i for i, h in enumerate(header)}
    check(len(idx) == len(header), "%s: duplicate column names" % name)
    out = {}
    order = []
    for r in rows[1:]:
        check(len(r) == len(header), "%s: ragged row %r" % (name, r[:1]))
        m = REGION_RE.match(r[0])
        check(m is not None, "%s: unexpected region cell %r" % (name, r[0]))
        region, code = m.group(1), m.group(2)
        if code != NATION_CODE:
            check(code in PROVINCES, "%s: unknown province code %s (%s)" % (name, code, region))
            check(PROVINCES[code][0] == region, "%s: code %s is %s, expected %s"
                  % (name, code, region, PROVINCES[code][0]))
        else:
            check(region == "전국", "%s: national row is %r" % (name, region))
        check(code not in out, "%s: region %s twice" % (name, code))
        per_sex = {}
        for sex_ko in sexes:
            where = "%s %s %s" % (name, region, sex_ko)
            total = parse_count(r[idx["%s_%s_총인구수" % (PREFIX, sex_ko)]], where)
            band = parse_count(r[idx["%s_%s_연령구간인구수" % (PREFIX, sex_ko)]], where)
            ages = [parse_count(r[idx[c]], where) for c in age_columns(sex_ko)]
            # The file's own totals must be reproduced by its single-year cells.
            check(sum(ages) == total,
                  "%s: ages sum to %d, 총인구수 says %d" % (where, sum(ages), total))
            check(band == total, "%s: 연령구간인구수 %d != 총인구수 %d" % (where, band, total))
            per_sex[sex_ko] = (total, band, ages)
        out[code] = per_sex
        order.append(code)
    check(set(order) == set(PROVINCES) | {NATION_CODE},
          "%s: provinces present %r" % (name, sorted(order)))
    return out, [c for c in order if c != NATION_CODE]


def main():
    args = parse_args(__doc__.splitlines()[0])
    by_sex, order = read_mois(BY_SEX, [s for s, _ in SEXES])
    both, _ = read_mois(TOTAL, ["계"])

    # Cross-checks between the files and within them: 17 provinces add up to the
    # national row, and the sex-specific file adds up to the both-sexes export.
    for sex_ko, _ in SEXES + [("계", None)]:
        src = both if sex_ko == "계" else by_sex
        nat = src[NATION_CODE][sex_ko][2]
        for a in range(TOP_AGE + 1):
            s = sum(src[c][sex_ko][2][a] for c in order)
            check(s == nat[a],
                  "age %d %s: provinces sum to %d, 전국 says %d" % (a, sex_ko, s, nat[a]))
    for code in [NATION_CODE] + order:
        for a in range(TOP_AGE + 1):
            m = by_sex[code]["남"][2][a]
            f = by_sex[code]["여"][2][a]
            t = both[code]["계"][2][a]
            check(m + f == t, "%s age %d: 남 %d + 여 %d != 계 %d" % (code, a, m, f, t))

    npk_prov = [v for v, _ in read_marginal("province")]
    check(sorted(npk_prov) == sorted(short for _, short in PROVINCES.values()),
          "NPK provinces %r do not match the mapping" % sorted(npk_prov))
    npk_sex = [v for v, _ in read_marginal("sex")]
    check(sorted(npk_sex) == sorted(s for _, s in SEXES), "NPK sexes %r" % npk_sex)

    bin_rows = []
    age_rows = []
    total19 = 0
    for code in order:
        short = PROVINCES[code][1]
        for sex_ko, sex_npk in SEXES:
            ages = by_sex[code][sex_ko][2]
            bins = {label: 0 for label, _, _ in AGE_BINS}
            for a in range(19, TOP_AGE + 1):
                bins[age_bin_of(a)] += ages[a]
                age_rows.append((short, sex_npk, a, fmt_int(ages[a])))
            for label, _, _ in AGE_BINS:
                bin_rows.append((short, sex_npk, label, fmt_int(bins[label])))
            adult = by_sex[code][sex_ko][0] - sum(ages[:19])
            check(sum(bins.values()) == adult, "%s %s: 19+ bins lose persons" % (short, sex_npk))
            total19 += adult

    check(sum(int(r[3]) for r in bin_rows) == total19, "bin file total != 19+ total")
    check(sum(int(r[3]) for r in age_rows) == total19, "age file total != 19+ total")
    ref_dir = ("data", "reference")
    write_csv(out_path(args.out_root, *ref_dir, "mois_2025_province_sex_agebin_19plus.csv"),
              ["province", "sex", "age_bin", "count"], bin_rows)
    write_csv(out_path(args.out_root, *ref_dir, "mois_2025_province_sex_age_19plus.csv"),
              ["province", "sex", "age", "count"], age_rows)
    # One-way margins for marginal checks that want a full-count 19+ reference.
    prov_rows = []
    for code in order:
        short = PROVINCES[code][1]
        prov_rows.append((short, fmt_int(sum(int(r[3]) for r in bin_rows if r[0] == short))))
    sex_rows = [(s, fmt_int(sum(int(r[3]) for r in bin_rows if r[1] == s))) for _, s in SEXES]
    check(sum(int(r[1]) for r in prov_rows) == total19, "province margin != 19+ total")
    check(sum(int(r[1]) for r in sex_rows) == total19, "sex margin != 19+ total")
    write_csv(out_path(args.out_root, "data", "reference", "mois_2025_province_19plus.csv"),
              ["province", "count"], prov_rows)
    write_csv(out_path(args.out_root, "data", "reference", "mois_2025_sex_19plus.csv"),
              ["sex", "count"], sex_rows)
    if not args.quiet:
        nat = by_sex[NATION_CODE]
        print("mois_agebin: 17 provinces; all ages %d; 19+ %d (남자 %d, 여자 %d)"
              % (nat["남"][0] + nat["여"][0], total19,
                 nat["남"][0] - sum(nat["남"][2][:19]), nat["여"][0] - sum(nat["여"][2][:19])))
        for code in order:
            print("  %s -> %s" % PROVINCES[code])


if __name__ == "__main__":
    run(main)
