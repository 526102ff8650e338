#!/usr/bin/env bash
# Labels and missing values (METHOD.md section 3.7), end to end, each against pandas /
# Python's unicodedata on the same rows (no iaf code in the oracles):
#  1. missing = null and "" only: a Y/N flag's N and Namibia's NA are categories by default;
#     `iaf count --missing N` makes N missing;
#  2. an audit spec's `missing:` (dataset, reference, attribute) and the per-column counts of
#     values treated as missing in report.json (synthetic_coverage, reference_coverage) and
#     the report.md line;
#  3. `normalize:` / `--normalize`: NFC vs NFD Hangul and Latin, NFKC full-width digits,
#     case folding, the numeric form 1.0 = 01 = 1;
#  4. a microdata reference derived like the synthetic side (a recode of sex, bins of age);
#  5. `iaf compare --recode/--bin` against a microdata and a count-table reference.
set -euo pipefail
: "${IAF:?}"
PY=${PYTHON:-/usr/bin/python3}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

"$PY" - "$W" <<'PY'
import csv, sys, unicodedata
import numpy as np
w = sys.argv[1]
rng = np.random.default_rng(20261205)
NFD = lambda s: unicodedata.normalize("NFD", s)
# province written four ways (NFC, NFD, full-width spaces around, upper/lower for Latin)
prov = ["서울", NFD("서울"), "부산", NFD("부산"), "Café", NFD("Café"), "CAFÉ", "café"]
code = ["1", "1.0", "01", "１", "2", "2.50", "2.5", "+2.5", "-0", "0"]   # numeric forms
def write(path, n, ages, sexes, extra_missing):
    with open(path, "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["SEX", "AGEP", "FLAG", "COUNTRY", "PROV", "CODE"])
        for i in range(n):
            sex = rng.choice(sexes)
            age = str(int(rng.choice(ages)))
            if rng.random() < 0.03:
                age = extra_missing
            flag = rng.choice(["Y", "N", "N", ""])
            country = rng.choice(["KR", "NA", "US", "", "NA"])
            wr.writerow([sex, age, flag, country, rng.choice(prov), rng.choice(code)])
write(f"{w}/s.csv", 3000, np.arange(0, 90), ["1", "2", "2", "NA"], "NA")
write(f"{w}/r.csv", 4000, np.minimum(89, rng.exponential(35, 4000).astype(int)), ["1", "2"], "-9")
PY

# ---- 1. Y/N flag and NA (Namibia) are categories by default ----
"$IAF" count "$W/s.csv" --by FLAG > "$W/flag.csv"
"$IAF" count "$W/s.csv" --by FLAG --missing N > "$W/flag_n.csv"
"$IAF" count "$W/s.csv" --by COUNTRY > "$W/country.csv"
"$PY" - "$W" <<'PY'
import sys
import pandas as pd
w = sys.argv[1]
d = pd.read_csv(f"{w}/s.csv", dtype=str, keep_default_na=False)
def load(p):
    t = pd.read_csv(p, dtype=str, keep_default_na=False)
    return dict(zip(t.iloc[:, 0], t["count"].astype(int)))
flag = load(f"{w}/flag.csv")
want = d.FLAG.value_counts().to_dict()
assert flag == want, (flag, want)
assert flag["N"] > 500, flag                              # N is a category, not missing
flag_n = load(f"{w}/flag_n.csv")
assert flag_n == {"": want[""] + want["N"], "Y": want["Y"]}, flag_n
country = load(f"{w}/country.csv")
assert country == d.COUNTRY.value_counts().to_dict() and country["NA"] > 0, country
print("labels 1 ok: N and NA are categories unless declared")
PY

# ---- 2-4. an audit: declared missing tokens, normalisation, microdata reference ----
cat > "$W/spec.yaml" <<'EOF'
iaf: 1
name: labels test
dataset:
  title: labels test
  microdata: [s.csv]
  format: csv
  missing: [NA]                 # SEX NA and AGEP NA: unknown (COUNTRY has its own rule below)
attributes:
  - name: sex
    column: SEX
    recode: {"1": Male, "2": Female}
    keep_other: false
  - name: age_band
    column: AGEP
    bins: {edges: [0, 18, 65, .inf], labels: ["0-17", "18-64", "65+"]}
    drop_missing: true
  - name: prov
    column: PROV
    normalize: [nfc, casefold]
  - name: code
    column: CODE
    normalize: [nfkc, numeric]
  - name: flag
    column: FLAG
    missing: [N]                # per attribute: here N stands for "not asked"
references:
  - id: micro
    file: r.csv
    form: microdata
    missing: ["-9"]             # the reference codes an unknown age as -9
checks:
  - {id: sex_x_age, kind: joint, attributes: [sex, age_band], reference: micro}
  - {id: prov_x_code, kind: joint, attributes: [prov, code], reference: micro}
  - {id: flag, kind: marginal, attributes: [flag], reference: micro}
  - {id: country, kind: marginal, attributes: [COUNTRY], reference: micro}
EOF
"$IAF" audit "$W/spec.yaml" -o "$W/out" --bootstrap 100 -q
"$PY" - "$W" <<'PY'
import json, sys, unicodedata
import numpy as np
import pandas as pd
w = sys.argv[1]
rep = json.load(open(f"{w}/out/report.json"))
chk = {c["id"]: c["variants"][0] for c in rep["checks"]}
s = pd.read_csv(f"{w}/s.csv", dtype=str, keep_default_na=False)
r = pd.read_csv(f"{w}/r.csv", dtype=str, keep_default_na=False)

def cov(side, check, attr):
    return next(a for a in chk[check][side] if a["attribute"] == attr)

def missing_counts(col, tokens):
    m = col[col.isin(tokens)]
    return {k: int(v) for k, v in m.value_counts().items()}

def got_missing(c):
    return {v["value"]: v["rows"] for v in c["missing_values"]}

# 2. per-column counts of values treated as missing, both sides
for side, d, toks in (("synthetic_coverage", s, {"", "NA"}), ("reference_coverage", r, {"", "-9"})):
    for attr, col in (("sex", "SEX"), ("age_band", "AGEP")):
        c = cov(side, "sex_x_age", attr)
        want = missing_counts(d[col], toks)
        assert got_missing(c) == want, (side, attr, got_missing(c), want)
        assert c["missing_rows"] == sum(want.values()), (side, attr)
c = cov("synthetic_coverage", "flag", "flag")
assert got_missing(c) == missing_counts(s.FLAG, {"", "N", "NA"}), got_missing(c)
c = cov("synthetic_coverage", "country", "COUNTRY")          # the dataset declares NA missing
assert got_missing(c) == missing_counts(s.COUNTRY, {"", "NA"}), got_missing(c)
c = cov("reference_coverage", "country", "COUNTRY")          # the reference does not
assert got_missing(c) == missing_counts(r.COUNTRY, {""}), got_missing(c)
md = open(f"{w}/out/report.md", encoding="utf-8").read()
assert "### Missing values" in md and "- flag: synthetic flag" in md, md[-800:]

# 3 + 4. the joint tables: pandas derives both sides the same way
def derive_sex_age(d, miss_age):
    d = d[~d.AGEP.isin(miss_age)].copy()                       # age_band drops missing rows
    d["sex"] = d.SEX.map({"1": "Male", "2": "Female"})
    d.loc[d.SEX.isin(["", "NA"]), "sex"] = ""                  # missing category
    d = d[d.sex.notna()]
    d["age"] = pd.cut(d.AGEP.astype(float), [0, 18, 65, np.inf], right=False,
                      labels=["0-17", "18-64", "65+"]).astype(str)
    return d.groupby(["sex", "age"]).size()

def norm_prov(x):
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", x).casefold())

def norm_code(x):
    x = unicodedata.normalize("NFKC", x)
    from decimal import Decimal
    t = format(Decimal(x).normalize(), "f")
    return "0" if t in ("0", "-0") else t

def tvd(a, b):
    ix = a.index.union(b.index)
    a = a.reindex(ix, fill_value=0) / a.sum()
    b = b.reindex(ix, fill_value=0) / b.sum()
    return 0.5 * float(np.abs(a - b).sum())

def support_tvd(a, b):
    """TVD on the reference's support, both sides renormalised there (METHOD.md 3.3-3.4)."""
    a = a[a.index.isin(b.index)]
    return tvd(a, b)

m = chk["sex_x_age"]["metrics"]
want = support_tvd(derive_sex_age(s, {"NA", ""}), derive_sex_age(r, {"-9", ""}))
assert abs(m["tvd_joint"] - want) < 1e-12, (m["tvd_joint"], want)

ps = s.assign(p=s.PROV.map(norm_prov), c=s.CODE.map(norm_code)).groupby(["p", "c"]).size()
pr = r.assign(p=r.PROV.map(norm_prov), c=r.CODE.map(norm_code)).groupby(["p", "c"]).size()
assert len(ps) == 3 * 4, ps                                   # 3 provinces x codes 0, 1, 2, 2.5
m = chk["prov_x_code"]["metrics"]
assert abs(m["tvd_joint"] - support_tvd(ps, pr)) < 1e-12, (m["tvd_joint"], support_tvd(ps, pr))
cells = {(c["x"], c["y"]) for c in m["cells"]}
assert cells == set(pr.index), (sorted(cells), sorted(pr.index))
print("labels 2-4 ok: missing counts, normalisation, microdata reference with recode and bins")
PY

# ---- 5. compare --recode / --bin, against a microdata and a count-table reference ----
"$IAF" compare "$W/s.csv" "$W/r.csv" --by SEX,AGEP --recode SEX:1=Male,2=Female \
    --bin AGEP:0,18,65,inf --missing NA,-9 --json > "$W/cmp.json"
"$IAF" count "$W/r.csv" --by SEX,AGEP > "$W/r_raw_counts.csv"
"$PY" - "$W" <<'PY'
import sys
import pandas as pd
w = sys.argv[1]
# a count table in the compared categories: the reference's rows binned and recoded by pandas
r = pd.read_csv(f"{w}/r.csv", dtype=str, keep_default_na=False)
r = r[~r.AGEP.isin(["-9"])]
r["SEX"] = r.SEX.map({"1": "Male", "2": "Female"})
r["AGEP"] = pd.cut(r.AGEP.astype(float), [0, 18, 65, float("inf")], right=False,
                   labels=["0-17", "18-64", "65+"]).astype(str)
r.groupby(["SEX", "AGEP"]).size().rename("count").reset_index().to_csv(f"{w}/rt.csv", index=False)
PY
"$IAF" compare "$W/s.csv" "$W/rt.csv" --by SEX,AGEP --recode SEX:1=Male,2=Female \
    --bin AGEP:0,18,65,inf --missing NA --json > "$W/cmp_counts.json"
if "$IAF" compare "$W/s.csv" "$W/r.csv" --by SEX --bin AGEP:0,1 > /dev/null 2>&1; then
    echo "FAIL: --bin on a column outside --by was accepted" >&2
    exit 1
fi
"$PY" - "$W" <<'PY'
import json, sys
import numpy as np
import pandas as pd
w = sys.argv[1]
def derive(d, miss):
    d = d.copy()
    d["sx"] = d.SEX.map({"1": "Male", "2": "Female"}).fillna(d.SEX)   # unlisted values kept
    d.loc[d.SEX.isin(miss), "sx"] = ""
    a = d.AGEP.where(~d.AGEP.isin(miss), "")
    d["ag"] = pd.cut(pd.to_numeric(a, errors="coerce"), [0, 18, 65, np.inf], right=False,
                     labels=["0-17", "18-64", "65+"]).astype(str)
    d.loc[a == "", "ag"] = ""
    return d.groupby(["sx", "ag"]).size()
s = derive(pd.read_csv(f"{w}/s.csv", dtype=str, keep_default_na=False), {"", "NA", "-9"})
# the microdata reference keeps its missing category (-9 ages) as cells of its own, as the
# synthetic side does (no drop_missing on the command line); the count table has none
rm = derive(pd.read_csv(f"{w}/r.csv", dtype=str, keep_default_na=False), {"", "NA", "-9"})
assert (rm.index.get_level_values(1) == "").any()
rt = pd.read_csv(f"{w}/rt.csv", dtype=str, keep_default_na=False)
rt = rt.set_index(["SEX", "AGEP"])["count"].astype(int)
assert (rm[rm.index.get_level_values(1) != ""].sort_index() == rt.sort_index()).all()
def tvd(a, b):
    a = a[a.index.isin(b.index)]
    ix = b.index
    a = a.reindex(ix, fill_value=0) / a.sum(); b = b / b.sum()
    return 0.5 * float(np.abs(a - b).sum())
for f, r in (("cmp.json", rm), ("cmp_counts.json", rt)):
    got = json.load(open(f"{w}/{f}"))
    want = tvd(s, r)
    assert abs(got["tvd_joint"] - want) < 1e-12, (f, got["tvd_joint"], want)
    assert {(c["x"], c["y"]) for c in got["cells"]} == set(r.index), f
print("labels 5 ok: compare --recode/--bin")
PY
echo "labels: ok"
