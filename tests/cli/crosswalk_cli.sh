#!/bin/bash
# `iaf crosswalk build` through the CLI on the small files of tests/data/xwbuild/: usage
# errors exit 2, data errors exit 1 naming the file (and line), outputs are written
# atomically and only on success, and the outputs match what was worked out by hand for
# mini_values.csv (see the header of mini_class.csv for the planted cases).
set -uo pipefail
: "${IAF:?}" "${IAF_TESTDATA:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
d=$IAF_TESTDATA/xwbuild
fails=0 n=0

# expect CODE PATTERN -- command...: exit status and a pattern in stderr (or stdout for 0)
expect() {
    local code=$1 pat=$2
    shift 3
    n=$((n + 1))
    "$@" > out.txt 2> err.txt
    local rc=$?
    if [ $rc -ne "$code" ] || ! cat out.txt err.txt | grep -Eq -- "$pat"; then
        echo "FAIL [$n]: $* -> rc=$rc (want $code), stderr: $(head -c 400 err.txt)"
        fails=$((fails + 1))
    fi
}

# usage
expect 2 "expected the subcommand" -- "$IAF" crosswalk
expect 2 "expected VALUES and CLASSIFICATION" -- "$IAF" crosswalk build --level major
expect 2 "--level is required" -- "$IAF" crosswalk build "$d/mini_values.csv" "$d/mini_class.csv"
expect 2 "--to takes code or title" -- "$IAF" crosswalk build a b --level major --to name
expect 2 "--match takes exact, normalized, words and head, not 'fuzzy'" -- \
    "$IAF" crosswalk build "$d/mini_values.csv" "$d/mini_class.csv" --level major -m exact,fuzzy
expect 0 "Usage: iaf crosswalk build" -- "$IAF" help crosswalk
expect 0 "--exclude-regex" -- "$IAF" crosswalk build --help

# data errors: exit 1, file and line named, no output left behind
printf 'code,level,title\n1,major,a\n12,sub,b\n123,sub,c\n' > bad_class.csv
expect 1 "bad_class.csv:4: level 'sub' has codes of 2 characters" -- \
    "$IAF" crosswalk build "$d/mini_values.csv" bad_class.csv --level major -o o1.csv
[ -e o1.csv ] && { echo "FAIL: output written on error"; fails=$((fails + 1)); }
expect 1 "no level 'section'.*levels: major, sub_major, minor, unit, detailed" -- \
    "$IAF" crosswalk build "$d/mini_values.csv" "$d/mini_class.csv" --level section -o o2.csv
printf 'occupation,count\na,1\nb,x\n' > bad_values.csv
expect 1 "bad_values.csv:3:.*count 'x' is not a number" -- \
    "$IAF" crosswalk build bad_values.csv "$d/mini_class.csv" --level major
expect 1 "--strict: the title '상담 전문가' is at 3 codes" -- \
    "$IAF" crosswalk build "$d/mini_values.csv" "$d/mini_class.csv" --level major --strict
expect 1 "mini_rules.csv.*'A0'.*coarser than the roll-up level 'detailed'" -- \
    "$IAF" crosswalk build "$d/mini_values.csv" "$d/mini_class.csv" --level detailed \
    --rules "$d/mini_rules.csv"
expect 1 "nope.csv" -- "$IAF" crosswalk build "$d/mini_values.csv" "$d/mini_class.csv" \
    --level major --rules nope.csv
printf 'not a comment\n' > pre.txt
expect 1 "preamble line must start with '#'" -- \
    "$IAF" crosswalk build "$d/mini_values.csv" "$d/mini_class.csv" --level major --preamble pre.txt

# a full run: crosswalk, report, targets and the summary
printf '# mini test\n' > pre.txt
expect 0 "mapped mass 530 = 53.0000% of all 1000; 90.5983% of the 585 outside the exclusions" -- \
    "$IAF" crosswalk build "$d/mini_values.csv" "$d/mini_class.csv" --level major \
    --rules "$d/mini_rules.csv" --exclude 무직 --exclude-regex '전직 .*, 현재 구직중' \
    --preamble pre.txt -o cw.csv --report rep.csv --targets tg.csv
cat > want_cw.csv <<'W'
from,to,weight,match,note
정부행정 관리자,1,1,exact,exact 11100
농약·비료 기술자 및 연구원,2,1,exact,exact 23213
농약ㆍ비료 기술자 및 연구원,2,1,exact,normalized 23213 23214 ambiguous
ａｉ　엔지니어,2,1,exact,normalized 23215
상담 전문가,2,0.6666666666666666,exact,exact 24111 25111 31111 ambiguous
상담 전문가,3,0.3333333333333333,exact,exact 24111 25111 31111 ambiguous
육군 장교,A,1,exact,rule A0110
해병대 부사관,A,1,exact,rule A0200
공군 사관생도,A,1,exact,rule A0
군무원,,,exact,rule dropped
관리자,1,1,exact,exact 1
W
head -1 cw.csv | grep -q '^# mini test$' || { echo "FAIL: preamble"; fails=$((fails + 1)); }
grep -v '^#' cw.csv | diff - want_cw.csv || { echo "FAIL: crosswalk"; fails=$((fails + 1)); }
cat > want_tg.csv <<'W'
to,mass,labels
1,110,2
2,280,4
3,20,1
A,120,3
W
diff tg.csv want_tg.csv || { echo "FAIL: targets"; fails=$((fails + 1)); }
head -3 rep.csv | diff - <(printf '%s\n' 'label,status,count,share,detail' \
    '무직,excluded,400,0.4,excluded from the universe' \
    '농약ㆍ비료 기술자 및 연구원,ambiguous,80,0.08,normalized 23213 23214; same target after roll-up') ||
    { echo "FAIL: report"; fails=$((fails + 1)); }
ls | grep -q tmp && { echo "FAIL: temporary files left"; fails=$((fails + 1)); }

# --drop-excluded lists the excluded labels with an empty `to`
"$IAF" crosswalk build "$d/mini_values.csv" "$d/mini_class.csv" --level major -q \
    --exclude 무직 --drop-excluded -o dx.csv 2> err.txt
[ -s err.txt ] && { echo "FAIL: -q printed"; fails=$((fails + 1)); }
grep -q '^무직,,,exact,excluded: outside the universe$' dx.csv ||
    { echo "FAIL: --drop-excluded"; fails=$((fails + 1)); }

# a bare list (no header, no counts) and --to title
printf '관리자\n외계인\n"정부행정 관리자"\n' > list.txt
expect 0 "mapped labels: 1 of 3" -- "$IAF" crosswalk build list.txt "$d/mini_class.csv" \
    --no-header --level sub_major --to title -o list_cw.csv --report list_rep.csv
grep -q '^정부행정 관리자,공공 기관 및 기업 고위직,1,exact,exact 11100$' list_cw.csv ||
    { echo "FAIL: --to title"; fails=$((fails + 1)); }
grep -q '^관리자,unmatched,,,title of major 1$' list_rep.csv ||
    { echo "FAIL: coarser-title hint"; fails=$((fails + 1)); }

echo "$n checks, $fails failures"
[ $fails -eq 0 ]
