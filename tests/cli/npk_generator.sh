#!/usr/bin/env bash
# Smoke test of the NPK-shaped benchmark generator (bench/gen_npk.c, bench/npk_schema.md):
# 1,000 rows as CSV and JSONL must have the 26 NPK columns, values from the real marginals, the
# documented dependencies and text lengths, be reproducible and shardable; `iaf count` on the CSV
# must agree with Python's count of the same rows. The Parquet step (DuckDB) is not run here.
#
# Environment (set by CTest): IAF, IAF_SRC, IAF_BUILD, PYTHON.
set -eu
: "${IAF:?}" "${IAF_SRC:?}"
PY=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SRC="$IAF_SRC/bench/data-src"

${CC:-cc} -O2 -std=c11 -o "$TMP/gen_npk" "$IAF_SRC/bench/gen_npk.c" -lm
G="$TMP/gen_npk"
"$G" --rows 1000 --seed 7 --src "$SRC" -o "$TMP/a.csv"
"$G" --rows 1000 --seed 7 --src "$SRC" -o "$TMP/b.csv"
"$G" --rows 1000 --seed 7 --src "$SRC" --format jsonl -o "$TMP/a.jsonl"
"$G" --rows 400 --seed 7 --src "$SRC" -o "$TMP/s1.csv"
"$G" --rows 600 --start 400 --seed 7 --src "$SRC" --no-header -o "$TMP/s2.csv"
"$G" --rows 1000 --seed 8 --src "$SRC" -o "$TMP/c.csv"

fail=0
cmp -s "$TMP/a.csv" "$TMP/b.csv" || { echo "FAIL: two runs with one seed differ"; fail=1; }
cat "$TMP/s1.csv" "$TMP/s2.csv" | cmp -s - "$TMP/a.csv" || { echo "FAIL: shards differ from one run"; fail=1; }
cmp -s "$TMP/a.csv" "$TMP/c.csv" && { echo "FAIL: another seed gives the same rows"; fail=1; }

"$PY" - "$TMP/a.csv" "$TMP/a.jsonl" "$SRC" "$TMP/expected_count.csv" <<'EOF' || fail=1
import csv, json, os, re, sys
csv.field_size_limit(1 << 24)
path_csv, path_jsonl, src, expected_out = sys.argv[1:5]
COLS = ("uuid professional_persona sports_persona arts_persona travel_persona culinary_persona "
        "family_persona persona cultural_background skills_and_expertise skills_and_expertise_list "
        "hobbies_and_interests hobbies_and_interests_list career_goals_and_ambitions sex age "
        "marital_status military_status family_type housing_type education_level bachelors_field "
        "occupation district province country").split()
problems = []
with open(path_csv, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
if rows[0] != COLS:
    problems.append(f"CSV header {rows[0][:5]}...")
rows = [dict(zip(COLS, r)) for r in rows[1:] if len(r) == len(COLS) or problems.append(f"row width {len(r)}")]
if len(rows) != 1000:
    problems.append(f"{len(rows)} CSV rows")
with open(path_jsonl, encoding="utf-8") as f:
    objs = [json.loads(l) for l in f]
if len(objs) != 1000 or any(list(o) != COLS for o in objs):
    problems.append("JSONL rows or keys")
for r, o in zip(rows, objs):
    if {k: str(v) for k, v in o.items()} != r or not isinstance(o["age"], int):
        problems.append(f"JSONL row differs from CSV row {r['uuid']}")
        break

def marginal(col):
    with open(os.path.join(src, f"marginal_{col}.csv"), newline="", encoding="utf-8") as f:
        return {row[col]: int(row["count"]) for row in csv.DictReader(f)}
for col in ("sex age marital_status military_status family_type housing_type education_level "
            "bachelors_field occupation district province country").split():
    allowed = marginal(col)
    bad = {r[col] for r in rows} - set(allowed)
    if bad:
        problems.append(f"{col}: values outside the marginal: {sorted(bad)[:3]}")
lengths = {}
with open(os.path.join(src, "npk_text_lengths.tsv"), encoding="utf-8") as f:
    next(f)
    for line in f:
        c, lo, med, hi = line.split("\t")
        lengths[c] = (int(lo), int(hi))
for c, (lo, hi) in lengths.items():
    ls = [len(r[c].encode()) for r in rows]
    # a cell stops at the first word (or list item) that reaches the drawn length
    if min(ls) < lo or max(ls) > hi + 160:
        problems.append(f"{c}: byte lengths {min(ls)}..{max(ls)} outside {lo}..{hi}")
for r in rows:
    if not re.fullmatch(r"[0-9a-f]{32}", r["uuid"]):
        problems.append(f"uuid {r['uuid']!r}")
    if r["province"] != r["district"].split("-")[0]:
        problems.append(f"province {r['province']} vs district {r['district']}")
    grad = r["education_level"] in ("4년제 대학교", "대학원")
    if grad == (r["bachelors_field"] == "해당없음"):
        problems.append(f"bachelors_field {r['bachelors_field']} with {r['education_level']}")
    if r["military_status"] == "현역" and int(r["age"]) > 64:
        problems.append("active duty past 64")
    if not r["persona"].startswith(r["professional_persona"].split(" ")[0] + " 씨는 "):
        problems.append("persona texts of one row name different people")
    if not (r["skills_and_expertise_list"].startswith("['") and r["skills_and_expertise_list"].endswith("']")):
        problems.append("list column is not a Python list repr")
if len({r["uuid"] for r in rows}) != len(rows):
    problems.append("duplicate uuids")
if len({r["occupation"] for r in rows}) < 100:
    problems.append("too few distinct occupations")
for p in problems[:10]:
    print("FAIL:", p)
# expected `iaf count --by sex,province`: long CSV sorted by UTF-8 bytes
from collections import Counter
cnt = Counter((r["sex"], r["province"]) for r in rows)
with open(expected_out, "w", encoding="utf-8") as f:
    f.write("sex,province,count\n")
    for (s, p), n in sorted(cnt.items(), key=lambda kv: (kv[0][0].encode(), kv[0][1].encode())):
        f.write(f"{s},{p},{n}\n")
sys.exit(1 if problems else 0)
EOF

if "$IAF" count "$TMP/a.csv" --by sex,province -o "$TMP/count.csv" 2>"$TMP/err"; then
    cmp -s "$TMP/expected_count.csv" "$TMP/count.csv" || {
        echo "FAIL: iaf count on the generated CSV differs from Python's count:"
        diff "$TMP/expected_count.csv" "$TMP/count.csv" | head
        fail=1
    }
else
    echo "FAIL: iaf count on the generated CSV: $(head -c 300 "$TMP/err")"
    fail=1
fi

if [ "$fail" -eq 0 ]; then echo "npk_generator: 1 passed, 0 failed"; else echo "npk_generator: 0 passed, 1 failed"; fi
exit "$fail"
