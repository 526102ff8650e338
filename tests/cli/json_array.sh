#!/bin/bash
# A JSON array of objects (`[ {...}, {...} ]`, pretty-printed over many lines, as the
# Nemotron-Personas-Korea sample and pandas' orient="records" ship) is read like JSON Lines:
# the same counts as the JSON Lines form of the same rows and as pandas, found by content
# as well as by the .json name, streamed (a file far larger than the memory the count
# uses), in a directory dataset beside JSON Lines files, and with located errors.
set -uo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
PY=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0
no() { echo "FAIL: $*"; fails=$((fails + 1)); }

# the stress rows (BOM, CRLF, nulls, escapes, Korean) as a pretty-printed array
"$PY" - "$IAF_SRC/tests/data/jsonl/stress.jsonl" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8-sig") if l.strip()]
with open("rows.json", "w", encoding="utf-8") as f:
    json.dump(rows, f, ensure_ascii=False, indent=2)
with open("rows.jsonl", "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
import pandas as pd
d = pd.read_json("rows.json", orient="records", dtype=False)
# iaf's long CSV: missing as the empty field, categories in byte order
g = d.fillna({"sex": "", "province": ""}).groupby(["sex", "province"]).size()
with open("oracle.csv", "w", encoding="utf-8") as f:
    f.write("sex,province,count\n")
    for (a, b), n in sorted(g.items(), key=lambda kv: (kv[0][0].encode(), kv[0][1].encode())):
        f.write(f"{a},{b},{n}\n")
EOF
"$IAF" count rows.json --by sex,province -o arr.csv || no "count of the array failed"
"$IAF" count rows.jsonl --by sex,province -o lines.csv || no "count of the JSON Lines failed"
cmp -s arr.csv lines.csv || no "array and JSON Lines counts differ: $(diff arr.csv lines.csv | head)"
cmp -s arr.csv oracle.csv || no "array counts differ from pandas: $(diff arr.csv oracle.csv | head)"
# by content, whatever the name; tiny windows; several threads
cp rows.json rows.data
"$IAF" count rows.data --format jsonl --by sex,province -o f.csv && cmp -s f.csv arr.csv ||
    no "--format jsonl on an array"
IAF_TEXT_WINDOW_BYTES=7 "$IAF" count rows.json --by sex,province --threads 3 -o w.csv &&
    cmp -s w.csv arr.csv || no "tiny windows change the counts"
# a directory dataset: the array beside a JSON Lines file of the same rows counts twice
mkdir ds && cp rows.json ds/a.json && cp rows.jsonl ds/b.jsonl
"$IAF" count ds --by sex -o ds.csv || no "directory of an array and JSON Lines"
"$PY" -c "
import csv,sys
a={r['sex']:int(r['count']) for r in csv.DictReader(open('ds.csv'))}
b={}
for r in csv.DictReader(open('arr.csv')): b[r['sex']]=b.get(r['sex'],0)+2*int(r['count'])
sys.exit(a!=b)" || no "directory counts are not twice the array's"

# streaming: 30 MB of array counted in a few MB of memory
"$PY" - <<'EOF'
import json
with open("big.json", "w", encoding="utf-8") as f:
    f.write("[\n")
    n = 60000
    for i in range(n):
        o = {"id": i, "sex": "남자" if i % 3 else "여자", "text": "가나다라마바사아자차카타파하 " * 10}
        f.write("  " + json.dumps(o, ensure_ascii=False) + (",\n" if i < n - 1 else "\n"))
    f.write("]\n")
EOF
size_kb=$(( $(stat -c %s big.json) / 1024 ))
/usr/bin/time -f %M -o rss.txt "$IAF" count big.json --by sex --threads 1 -o big.csv || no "big array"
grep -qx '남자,40000' big.csv && grep -qx '여자,20000' big.csv || no "big array counts: $(cat big.csv)"
rss=$(tail -1 rss.txt)
# against the same count of a small array, so that a sanitizer's own memory cancels out
/usr/bin/time -f %M -o rss0.txt "$IAF" count rows.json --by sex --threads 1 -o /dev/null
rss0=$(tail -1 rss0.txt)
[ $((rss - rss0)) -lt $((size_kb / 2)) ] ||
    no "counting a ${size_kb} KB array took ${rss} KB (${rss0} KB for a small one): not streamed"

# located errors: FILE:LINE:COL, exit 1
expect_err() {
    printf "$1" >bad.json
    "$IAF" count bad.json --by a >out.txt 2>err.txt
    local rc=$?
    [ $rc -eq 1 ] && grep -Eq -- "$2" err.txt || no "$(printf "$1" | head -c 60): rc=$rc $(cat err.txt)"
}
expect_err '[\n {"a": 1},\n {"a": 2}\n {"a": 3}\n]' "^iaf: bad.json:4:2: .*expected ',' or ']' after an element"
expect_err '[\n {"a": 1},\n]' "^iaf: bad.json:3:1: .*a ',' before the closing ']'"
expect_err '[\n {"a": 1},\n {"a":\n   tru}\n]' "^iaf: bad.json:4:4: .*invalid literal"
expect_err '[{"a": 1}, 2]' "^iaf: bad.json:1:12: .*not a JSON object"
expect_err '[{"a": 1}' "^iaf: bad.json:1:10: truncated JSON array: no closing '\]'"
expect_err '[]' "^iaf: bad.json:1: empty JSON array"
expect_err '[{"a": 1}]\n{"a": 2}\n' "^iaf: bad.json:2:1: .*characters after the closing '\]'"

[ "$fails" = 0 ] && echo "JSON arrays: counts equal JSON Lines and pandas, streamed (${rss} KB for ${size_kb} KB, ${rss0} KB for a small one), errors located"
exit "$fails"
