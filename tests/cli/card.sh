#!/usr/bin/env bash
# `iaf card` on each card excerpt (tests/data/cards, SOURCES.md there) proposes exactly the
# statements the card makes (issue 19) and no others: the template sentence of India,
# Singapore, Japan and the USA as a conditional independence, Korea's "independently
# influence ... not modeled" as a no-interaction statement without a check; not the
# "gender, independent of sex" sentences, not a sentence that denies an independence.
# Every mapping states its rule, words without a column stay UNMAPPED, and the draft spec
# of a mapped card runs as an audit once its dataset is filled in.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
C=$IAF_SRC/tests/data/cards
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for card in india singapore japan usa korea; do
  "$IAF" card "$C/$card.md" -o "$tmp/$card.yaml" > "$tmp/$card.txt"
  "$IAF" card "$C/$card.md" -o "$tmp/$card-cols.yaml" \
    --columns occupation,education_level,education_degree,district,prefecture,zip_code,age,sex,bachelors_field,state \
    > "$tmp/$card-cols.txt"
done
"$PYTHON" - "$tmp" <<'PY'
import sys, yaml
tmp = sys.argv[1]
# (independent, given) as card words' columns, with --columns; None: no-interaction
want = {
    "india": [(["occupation", "education_degree"], ["district", "age", "sex"])],
    "singapore": [(["occupation", "education_degree"], ["district", "age", "sex"])],
    "japan": [(["occupation", "education_level"], ["prefecture", "sex"])],
    "usa": [(["occupation", "zip_code"], ["education_level", "age", "sex"])],
    "korea": [None],
}
bad = []
for card, stmts in want.items():
    d = yaml.safe_load(open(f"{tmp}/{card}-cols.yaml"))
    ds = d["disclosures"]
    got = [(x["independent"], x["given"]) if "independent" in x else None for x in ds]
    if got != stmts:
        bad.append(f"{card}: proposed {got}, want {stmts}")
    checks = d["checks"] or []
    if len(checks) != sum(s is not None for s in stmts):
        bad.append(f"{card}: {len(checks)} checks proposed")
    for x in ds:
        if not x["quote"] or not x["locator"].startswith("line "):
            bad.append(f"{card}: disclosure without its sentence or line")
    txt = open(f"{tmp}/{card}-cols.txt").read()
    if txt.count(": statement ") != len(stmts):
        bad.append(f"{card}: {txt.count(': statement ')} statements printed")
# without --columns: the card's own Schema line (India, Singapore) or nothing mapped
t = open(f"{tmp}/india.txt").read()
if '"education degree" -> education_degree (exact' not in t:
    bad.append("india: the Schema line's columns were not used")
t = open(f"{tmp}/singapore.txt").read()
if '"district" -> UNMAPPED (no column matches)' not in t:
    bad.append("singapore: district mapped although the schema has no such column")
t = open(f"{tmp}/japan.txt").read()
if '"sex" -> UNMAPPED (no columns given)' not in t:
    bad.append("japan: mapped without columns")
t = open(f"{tmp}/usa-cols.txt").read()
if '"location (zip code)" -> zip_code (exact ("zip_code"))' not in t:
    bad.append("usa: the parenthesis did not decide the column")
if '"education" -> education_level (listed synonym of "education")' not in t:
    bad.append("usa: education's synonym not stated")
t = open(f"{tmp}/korea-cols.txt").read()
if "not proposed as a check" not in t or '"major field of study" -> bachelors_field' not in t:
    bad.append("korea: the no-interaction statement is not as expected")
if bad:
    sys.exit("\n".join(bad))
PY
# the India draft runs once its dataset is named (age binned by the user: here used as is)
"$PYTHON" - "$tmp" <<'PY'
import sys
import numpy as np
tmp = sys.argv[1]
rng = np.random.default_rng(5)
with open(f"{tmp}/india.csv", "w") as f:
    f.write("occupation,education_degree,district,age,sex\n")
    for _ in range(600):
        f.write(f"o{rng.integers(4)},e{rng.integers(3)},d{rng.integers(2)},"
                f"{rng.choice(['young', 'old'])},{rng.choice(['F', 'M'])}\n")
PY
sed -e "s|TODO.csv|$tmp/india.csv|" "$tmp/india.yaml" > "$tmp/india-run.yaml"
"$IAF" audit "$tmp/india-run.yaml" -o "$tmp/out" > "$tmp/audit.txt"
grep -q "occupation _||_ education_degree | district, age, sex" "$tmp/audit.txt"
# usage errors
set +e
"$IAF" card > /dev/null 2>&1; [ $? -eq 2 ] || { echo "no card: want exit 2"; exit 1; }
"$IAF" card "$tmp/missing.md" > /dev/null 2>&1; [ $? -eq 1 ] || { echo "missing card: want exit 1"; exit 1; }
echo ok
