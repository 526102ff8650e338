#!/bin/bash
# One encoding per input: KOSIS and MOIS downloads are CP949, the persona datasets UTF-8.
# An audit spec gives each input its own `encoding:` (dataset, tables, references), so a
# CP949 reference sits beside UTF-8 microdata; `iaf count --encoding cp949` reads a CP949
# file as its UTF-8 twin; `compare` and `scan` read each side in its own encoding
# (--encoding-synthetic, --encoding-reference); a CP949 file read as UTF-8 is refused with a
# hint that names the encoding and how to give it.
set -uo pipefail
: "${IAF:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0
no() { echo "FAIL: $*"; fails=$((fails + 1)); }

printf 'sex,occ\n남자,교사\n여자,간호사\n여자,교사\n' >syn.csv
printf 'sex,count\n남자,50\n여자,50\n' >ref8.csv
iconv -f utf-8 -t cp949 <ref8.csv >ref949.csv
iconv -f utf-8 -t cp949 <syn.csv >syn949.csv
cmp -s ref8.csv ref949.csv && no "iconv did not change the bytes"

# count: the CP949 file with --encoding cp949 gives its UTF-8 twin's table, byte for byte
"$IAF" count syn.csv --by sex,occ -o a.csv || no "count UTF-8"
"$IAF" count syn949.csv --by sex,occ --encoding cp949 -o b.csv || no "count --encoding cp949"
cmp -s a.csv b.csv || no "CP949 and UTF-8 counts differ: $(diff a.csv b.csv)"
"$IAF" count syn949.csv --by sex,occ --encoding EUC-KR -o c.csv && cmp -s a.csv c.csv || no "--encoding EUC-KR"
# without it: refused, located, with the hint
"$IAF" count syn949.csv --by sex >out.txt 2>err.txt
rc=$?
[ $rc = 1 ] && grep -q "^iaf: syn949.csv:2:1: .*invalid UTF-8 in field 1 (it reads as CP949/EUC-KR.*--encoding cp949" err.txt ||
    no "CP949 read as UTF-8: rc=$rc $(cat err.txt)"

# audit: UTF-8 microdata, a CP949 reference with its own encoding key
spec() {
    cat >"$1" <<Y
iaf: 1
name: encodings
dataset:
  title: t
  microdata: [$2]
  encoding: $3
references:
  - {id: r, file: $4, full_count: true$5}
checks:
  - {id: sex, kind: marginal, attributes: [sex], reference: r, disclosure: none}
Y
}
spec mixed.yaml syn.csv utf-8 ref949.csv ", encoding: cp949"
spec same.yaml syn.csv utf-8 ref8.csv ""
spec rev.yaml syn949.csv cp949 ref8.csv ", encoding: utf-8"
for s in mixed same rev; do
    "$IAF" audit $s.yaml -o out-$s -q --bootstrap 50 --format json 2>err.txt || no "audit $s: $(cat err.txt)"
done
# the three read the same categories and masses: the reports agree but for the spec's name
for s in mixed rev; do
    for f in same $s; do
        grep -o '"\(reference\|synthetic\)_mass[a-z_]*": [0-9.]*\|"verdict": "[A-Z]*"\|"tvd_joint": [0-9.e-]*' \
            out-$f/report.json >$f.facts
    done
    [ -s same.facts ] && cmp -s same.facts $s.facts || no "audit $s differs from the UTF-8 one: $(diff same.facts $s.facts | head)"
done
# the reference's encoding left out: the spec's input is named, with the hint
spec missing.yaml syn.csv utf-8 ref949.csv ""
"$IAF" audit missing.yaml -o out-m -q 2>err.txt
rc=$?
[ $rc = 1 ] && grep -q "ref949.csv:2:1: .*CP949/EUC-KR.*encoding: cp949" err.txt || no "spec without encoding: rc=$rc $(cat err.txt)"

# compare and scan: each side in its own encoding. The same files in two directories, one
# UTF-8 and one with the reference in CP949, so the outputs (which name the files) must agree
# byte for byte.
mkdir u8 c949
awk 'BEGIN { print "sex,occ" } { }
     END { for (i = 0; i < 60; i++) print (i % 3 ? "여자" : "남자") "," (i % 5 < 2 ? "교사" : "간호사") }' \
    /dev/null >u8/syn.csv
awk 'BEGIN { print "sex,occ" }
     END { for (i = 0; i < 80; i++) print (i % 2 ? "여자" : "남자") "," (i % 7 < 3 ? "교사" : "간호사") }' \
    /dev/null >u8/ref.csv
printf 'sex,count\n남자,50\n여자,70\n' >u8/refc.csv
cp u8/syn.csv c949/syn.csv
iconv -f utf-8 -t cp949 <u8/ref.csv >c949/ref.csv
iconv -f utf-8 -t cp949 <u8/refc.csv >c949/refc.csv
iconv -f utf-8 -t cp949 <u8/syn.csv >c949/syn949.csv
cmpout() { # WHAT: the UTF-8 run (u8/out) and the mixed run (c949/out) agree
    [ -s u8/out ] && cmp -s u8/out c949/out || no "$1 differs: $(diff u8/out c949/out | head -5)"
}
(cd u8 && "$IAF" compare syn.csv refc.csv --by sex --json >out) || no "compare UTF-8"
(cd c949 && "$IAF" compare syn.csv refc.csv --by sex --json --encoding-reference cp949 >out) ||
    no "compare --encoding-reference cp949"
cmpout "compare with a CP949 count table"
(cd u8 && "$IAF" compare syn.csv ref.csv --by sex,occ --bootstrap 50 -t 1 >out) || no "compare micro"
(cd c949 && "$IAF" compare syn.csv ref.csv --by sex,occ --bootstrap 50 -t 1 --encoding cp949 \
    --encoding-synthetic utf-8 >out) || no "compare --encoding cp949 --encoding-synthetic utf-8"
cmpout "compare with CP949 reference microdata"
# the synthetic side's own encoding: a CP949 synthetic against a UTF-8 reference table
(cd c949 && cp ../u8/refc.csv refc8.csv && "$IAF" compare syn949.csv refc8.csv --by sex --json \
    --encoding-synthetic cp949 | sed 's/syn949\.csv/syn.csv/g; s/refc8\.csv/refc.csv/g' >out2)
(cd u8 && "$IAF" compare syn.csv refc.csv --by sex --json >out2)
cmp -s u8/out2 c949/out2 || no "compare --encoding-synthetic cp949: $(diff u8/out2 c949/out2 | head -5)"
# without it the CP949 reference is refused with the hint
(cd c949 && "$IAF" compare syn.csv refc.csv --by sex >/dev/null 2>../err.txt)
rc=$?
[ $rc = 1 ] && grep -q "refc.csv.*CP949/EUC-KR" err.txt || no "compare, CP949 read as UTF-8: rc=$rc $(cat err.txt)"
(cd u8 && "$IAF" scan syn.csv --reference ref.csv --null 20 --bootstrap 50 -t 1 --json >out) ||
    no "scan UTF-8"
(cd c949 && "$IAF" scan syn.csv --reference ref.csv --null 20 --bootstrap 50 -t 1 --json \
    --encoding-reference cp949 >out) || no "scan --encoding-reference cp949"
cmpout "scan with a CP949 reference"
(cd u8 && "$IAF" scan syn.csv --reference ref.csv --null 20 --bootstrap 50 -t 1 >out) || no "scan text"
(cd c949 && "$IAF" scan syn.csv --reference ref.csv --null 20 --bootstrap 50 -t 1 \
    --encoding-reference CP949 >out) || no "scan text --encoding-reference CP949"
cmpout "scan text with a CP949 reference"
(cd c949 && "$IAF" scan syn.csv --reference ref.csv --null 20 -t 1 >/dev/null 2>../err.txt)
rc=$?
[ $rc = 1 ] && grep -q "ref.csv.*CP949/EUC-KR" err.txt || no "scan, CP949 read as UTF-8: rc=$rc $(cat err.txt)"
"$IAF" compare u8/syn.csv u8/ref.csv --by sex --encoding-reference latin1 2>err.txt
rc=$?
[ $rc = 2 ] && grep -q "encoding-reference: unknown encoding 'latin1'" err.txt || no "bad --encoding-reference: rc=$rc"

[ "$fails" = 0 ] && echo "encodings: per input in specs, --encoding on count, per side on compare and scan, CP949 hinted"
exit "$fails"
