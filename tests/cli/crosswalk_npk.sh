#!/bin/bash
# `iaf crosswalk build` on the real NPK occupation list (2,120 labels, 1,000,000 personas)
# against the KSCO-7 classification:
#   1. examples/npk/crosswalks/build.sh rebuilds every committed crosswalk and report byte
#      for byte (a stale file fails);
#   2. the independent oracle tests/oracles/xwalk_npk.py (csv + re + unicodedata) agrees
#      with every row of the built crosswalks, and its numbers are the asserted ones;
#   3. the builder's own summary gives the same numbers, including the mapped share of
#      employed personas with only 무직 excluded;
#   4. a corrupted row makes the oracle fail (the check can fail).
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cw=$IAF_SRC/examples/npk/crosswalks
fail() { echo "FAIL: $*"; exit 1; }

# 1. rebuild and compare, both directions
sh "$cw/build.sh" "$IAF" "$work/built"
for f in "$work"/built/*.csv "$work"/built/reports/*; do
    rel=${f#"$work"/built/}
    cmp -s "$f" "$cw/$rel" || fail "$rel differs from the committed file (rerun build.sh)"
done
for f in "$cw"/reports/*; do
    [ -e "$work/built/reports/${f##*/}" ] || fail "reports/${f##*/} is not made by build.sh"
done
for f in "$cw"/npk_occupation_*.csv; do
    [ -e "$work/built/${f##*/}" ] || fail "${f##*/} is not made by build.sh"
done

# 2. the oracle checks every row and gives the numbers
"$PYTHON" "$IAF_SRC/tests/oracles/xwalk_npk.py" "$IAF_SRC" "$work/built" > "$work/oracle.txt" ||
    { cat "$work/oracle.txt"; fail "oracle disagrees"; }
num() { sed -n "s/^$1=//p" "$work/oracle.txt"; }
want() { [ "$(num "$1")" = "$2" ] || fail "oracle $1 = $(num "$1"), expected $2"; }
want labels 2120
want labels_exact 1120
want labels_normalized 6
want labels_rule 12
want labels_excluded 982 # 무직 + 981 "전직 ..., 현재 구직중"
want labels_unmatched 0
want mass_mapped_A 608438
want employed 608438
want employed_share_A 100.0000
want employed_share_B 99.1319
want not_nojob_share_titles 95.3379
want not_nojob_share_A 96.1728
want top20_titles 19
want top20_employed_mass 184164
want top20_employed_share 30.2683
want goms_fields 7
want keco2018_groups 10

# 3. the builder's summary says the same (its own arithmetic, checked against the oracle's)
s=$cw/reports/npk_occupation_to_ksco7_major_A.summary.txt
grep -q "^  exact *$(num labels_exact) labels  mass $(num mass_exact) " "$s" || fail "exact line"
grep -q "^  normalized *$(num labels_normalized) labels  mass $(num mass_normalized) " "$s" ||
    fail "normalized line"
grep -q "^  rule *$(num labels_rule) labels  mass $(num mass_rule) " "$s" || fail "rule line"
grep -q "$(num employed_share_A)% of the $(num employed) outside the exclusions" "$s" ||
    fail "employed share A"
grep -q "$(num employed_share_B)% of the $(num employed) outside" \
    "$cw/reports/npk_occupation_to_ksco7_major_B.summary.txt" || fail "employed share B"
d=$IAF_SRC/examples/npk/data
for v in titles A; do
    rules=()
    [ $v = A ] && rules=(--rules "$cw/rules_military_A.csv")
    "$IAF" crosswalk build "$d/npk/marginals/occupation.csv" \
        "$d/reference/original/ksco7_classification.csv" --level major "${rules[@]}" \
        --exclude 무직 -o "$work/nojob_$v.csv" 2> "$work/nojob_$v.txt"
    share=$(num not_nojob_share_$v)
    grep -q "; $share% of the 632651 outside the exclusions" "$work/nojob_$v.txt" ||
        { cat "$work/nojob_$v.txt"; fail "share of non-무직 mass ($v), oracle $share"; }
    grep -q "^  unmatched *$(num not_nojob_unmatched_$v) labels" "$work/nojob_$v.txt" ||
        fail "unmatched labels ($v)"
done
grep -q "^기타,unmatched,$(num top20_other_mass)," \
    "$cw/reports/top20_sex_x_occupation_ksco7_major_A.report.csv" || fail "기타 in the top-20 report"
tail -1 "$cw/reports/top20_coverage_ksco7_major.csv" | grep -q "^all,608438,184164,0.302683$" ||
    fail "top-20 coverage"

# 4. the oracle can fail: change one target
mkdir -p "$work/bad/reports"
cp "$work"/built/*.csv "$work/bad/"
sed -i 's/^건물 경비원,9,1,/건물 경비원,4,1,/' "$work/bad/npk_occupation_to_ksco7_major_A.csv"
if "$PYTHON" "$IAF_SRC/tests/oracles/xwalk_npk.py" "$IAF_SRC" "$work/bad" > "$work/bad.txt"; then
    fail "the oracle accepted a corrupted crosswalk"
fi
grep -q "건물 경비원" "$work/bad.txt" || fail "the oracle did not name the corrupted row"
echo "crosswalk npk ok"
