#!/usr/bin/env bash
# Category titles from a classification file (`labels:`, docs/spec.md): a flattening and a
# joint check over KSCO-7 major groups (codes 1-9, A) titled by the KSCO-7 classification
# kept in the repository (examples/npk/data/reference/original/ksco7_classification.csv,
# columns ksco7_code and title_ko), and one unit group, 2722, that the file gives twice (a
# source anomaly noted in the file). report.json carries the titles of the codes it shows
# (those eleven, not the classification's 1,900) beside the codes, which it keeps in the
# cells, as cells.csv does; report.html shows "code title" wherever such a category is shown.
# 2722 keeps both titles. A missing column and an unknown key are errors.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ksco=$IAF_SRC/examples/npk/data/reference/original/ksco7_classification.csv
cp "$IAF_SRC/tests/data/category_titles/spec.yaml" "$tmp/"
cp "$ksco" "$tmp/ksco.csv"
"$PYTHON" - "$tmp" <<'PY'
import sys
tmp = sys.argv[1]
codes = list("123456789A") + ["2722"]
female = {"1": 0.2, "2": 0.5, "3": 0.6, "4": 0.65, "5": 0.5, "6": 0.4, "7": 0.1, "8": 0.1,
          "9": 0.5, "A": 0.05, "2722": 0.5}
with open(f"{tmp}/rows.csv", "w") as f:
    f.write("sex,major\n")
    for i, c in enumerate(codes):
        for k in range(60 + 7 * i):
            # the synthetic side flattens: 35% women everywhere
            f.write(("여자" if (k * 7) % 20 < 7 else "남자") + f",{c}\n")
with open(f"{tmp}/ref.csv", "w") as f:
    f.write("ksco_major,sex,count\n")
    for c in codes:
        f.write(f"{c},여자,{int(1000 * female[c])}\n{c},남자,{int(1000 * (1 - female[c]))}\n")
PY
"$IAF" audit "$tmp/spec.yaml" -o "$tmp/out" -q --bootstrap 50
"$PYTHON" - "$tmp" "$ksco" <<'PY'
import csv, json, sys
tmp, ksco = sys.argv[1], sys.argv[2]
want = {}
for row in csv.DictReader(open(ksco, encoding="utf-8")):
    c, t = row["ksco7_code"], row["title_ko"]
    want[c] = t if c not in want or want[c] == t else f"{want[c]} / {t}"
if want["2722"] != "행정사 / 자산 운용가":
    bad_dup = f"2722: {want['2722']}"
    sys.exit(bad_dup)
codes = list("123456789A") + ["2722"]
r = json.load(open(f"{tmp}/out/report.json"))
bad = []
ls = r["labels"]
if len(ls) != 1 or ls[0]["attributes"] != ["major"] or ls[0]["file"] != "ksco.csv":
    bad.append(f"labels: {[(l['attributes'], l['file']) for l in ls]}")
# the titles of the codes in the data, and of no other code of the classification
if ls[0]["titles"] != {c: want[c] for c in codes}:
    bad.append(f"the titles are not those of the codes shown: {sorted(ls[0]['titles'])}")
# the codes stay codes in report.json and cells.csv
for c in r["checks"]:
    for v in c["variants"]:
        for cell in (v.get("metrics") or {}).get("cells", []):
            if cell["x"] not in codes and cell.get("y", "1") not in codes:
                bad.append(f"{c['id']}: a cell {cell['x']} {cell.get('y')} is not a code")
cells = open(f"{tmp}/out/cells.csv", encoding="utf-8").read()
for code, title in want.items():
    if title in cells:
        bad.append(f"cells.csv holds the title {title}")
        break
html = open(f"{tmp}/out/report.html", encoding="utf-8").read()
for code in "78A":  # male-dominated in the reference: the flattening table and chart
    if f">{code} {want[code]}<" not in html:
        bad.append(f"report.html does not show '{code} {want[code]}'")
if f">2722 {want['2722']} × " not in html:
    bad.append("the joint check's grid does not show both titles of 2722")
if f">2 {want['2']} × " not in html:
    bad.append("the joint check's grid has no titles")
if bad:
    sys.exit("\n".join(bad))
PY
# errors: a column the file does not have, an unknown key
sed 's/title: title_ko/title: title_en/' "$tmp/spec.yaml" > "$tmp/bad1.yaml"
if "$IAF" audit "$tmp/bad1.yaml" -o "$tmp/bad1" -q --no-bootstrap 2> "$tmp/e1"; then
    echo "FAIL: a missing title column was accepted"; exit 1
fi
grep -q "ksco.csv:1:1: labels: no column 'title_en' (the title column)" "$tmp/e1" ||
    { cat "$tmp/e1"; exit 1; }
sed 's/code: ksco7_code/codes: ksco7_code/' "$tmp/spec.yaml" > "$tmp/bad3.yaml"
if "$IAF" audit "$tmp/bad3.yaml" -o "$tmp/bad3" -q --no-bootstrap 2> "$tmp/e3"; then
    echo "FAIL: an unknown key was accepted"; exit 1
fi
grep -q "codes" "$tmp/e3" || { cat "$tmp/e3"; exit 1; }
echo ok
