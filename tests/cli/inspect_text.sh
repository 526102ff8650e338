#!/usr/bin/env bash
# `iaf inspect` on CSV and JSON Lines files: the columns by position (#N, a repeated name listed
# every time), and after reading every row each column's inferred type, values, nulls, empty
# values, distinct count (exact up to 10000) and min/max, checked against an oracle written here
# with Python's csv and json modules; a malformed row is a located error; --no-verify lists the
# columns only.
#
# Environment (set by CTest): IAF (the binary).
set -u
: "${IAF:?IAF must point to the iaf binary}"
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
    echo "FAIL $*"
    fail=$((fail + 1))
}

# The oracle: the statistics iaf inspect --json must give, from Python's own readers.
cat > "$TMP/oracle.py" <<'EOF'
import csv, json, re, sys

def values_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t" if path.endswith(".tsv") else ","))
    rows = [r for r in rows if r != []]          # blank lines are skipped
    names, body = rows[0], rows[1:]
    return names, [[r[i] for r in body] for i in range(len(names))]

def values_jsonl(path):
    objs = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    names = list(objs[0].keys())
    def text(v):
        if v is None: return None
        if v is True: return "true"
        if v is False: return "false"
        return v if isinstance(v, str) else repr(v)
    return names, [[text(o.get(k)) for o in objs] for k in names]

INT = re.compile(r"[+-]?[0-9]{1,18}")
NUM = re.compile(r"[0-9.eE+-]+")

def kind(v):
    if INT.fullmatch(v): return "integer"
    if NUM.fullmatch(v):
        try:
            float(v)
            return "number"
        except ValueError:
            pass
    if v in ("true", "false"): return "boolean"
    return "other"

def column(pos, name, vals):
    full = [v for v in vals if v]
    kinds = {kind(v) for v in full}
    if "other" in kinds or ("boolean" in kinds and kinds - {"boolean"}): t = "string"
    elif "boolean" in kinds: t = "boolean"
    elif "number" in kinds: t = "number"
    elif "integer" in kinds: t = "integer"
    else: t = "empty"
    out = {"position": pos, "name": name, "type": t, "num_values": len(vals),
           "null_count": sum(v is None for v in vals), "empty_count": sum(v == "" for v in vals)}
    d = len(set(full))
    out["distinct_count"] = d if d <= 10000 else None
    if d > 10000: out["distinct_count_over"] = 10000
    if full:
        if t in ("integer", "number"):
            mn = mx = full[0]
            for v in full[1:]:
                if float(v) < float(mn): mn = v
                if float(v) > float(mx): mx = v
        else:
            mn = min(full, key=lambda v: v.encode()); mx = max(full, key=lambda v: v.encode())
        out["min"], out["max"] = mn, mx
    return out

path, fmt = sys.argv[1], sys.argv[2]
names, cols = values_csv(path) if fmt == "csv" else values_jsonl(path)
n = len(cols[0]) if cols else 0
print(json.dumps({"format": fmt, "num_rows": n,
                  "columns": [column(i + 1, nm, c) for i, (nm, c) in enumerate(zip(names, cols))],
                  "verified_rows": n}, sort_keys=True))
EOF

# against_oracle LABEL FILE FORMAT: iaf inspect --json equals the oracle
against_oracle() {
    local label=$1 file=$2 fmt=$3
    if ! "$IAF" inspect "$file" --json > "$TMP/got.json" 2> "$TMP/err"; then
        bad "$label: exit $?: $(head -c 300 "$TMP/err")"
        return
    fi
    "$PY" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' \
        "$TMP/got.json" > "$TMP/got.norm"
    "$PY" "$TMP/oracle.py" "$file" "$fmt" > "$TMP/want.norm"
    if cmp -s "$TMP/got.norm" "$TMP/want.norm"; then ok; else
        bad "$label: got $(head -c 600 "$TMP/got.norm") want $(head -c 600 "$TMP/want.norm")"
    fi
}

# ---- CSV: a repeated name, empty fields, quotes with newlines, CRLF, a BOM, mixed types ----
printf '\xef\xbb\xbfcolumn,column_1,column,n,x,flag\r\n' > "$TMP/a.csv"
printf 'a,"two\r\nlines",p,10,1.5,true\r\n' >> "$TMP/a.csv"
printf 'b,,q,-3,-2,false\r\n' >> "$TMP/a.csv"
printf '\r\n' >> "$TMP/a.csv"
printf 'a,x,,7,1e1,true\r\n' >> "$TMP/a.csv"
printf '"a","x",q,+7,0.25,x' >> "$TMP/a.csv" # the last line without a line end
against_oracle csv-mixed "$TMP/a.csv" csv
"$IAF" inspect "$TMP/a.csv" > "$TMP/a.txt" 2> "$TMP/err" || bad "csv text: $(cat "$TMP/err")"
grep -qx '  #1 column: string' "$TMP/a.txt" && grep -qx '  #3 column: string' "$TMP/a.txt" &&
    grep -qx '  #4 n: integer' "$TMP/a.txt" && grep -qx '  #5 x: number' "$TMP/a.txt" &&
    grep -qx '  #6 flag: string' "$TMP/a.txt" && grep -qx 'num_rows: 4' "$TMP/a.txt" &&
    grep -qx '  #4 n: 4 values, nulls 0, empty 0, distinct 4, min -3, max 10' "$TMP/a.txt" &&
    grep -qx '  #3 column: 4 values, nulls 0, empty 1, distinct 2, min p, max q' "$TMP/a.txt" &&
    grep -qx 'verified: 4 rows read' "$TMP/a.txt" && ok || bad "csv text form: $(cat "$TMP/a.txt")"
# the listed position reads the column: #3 is the second "column"
"$IAF" count "$TMP/a.csv" --by '#3' -o "$TMP/c3.csv" 2> "$TMP/err" &&
    [ "$(cat "$TMP/c3.csv")" = "$(printf '#3,count\n,1\np,1\nq,2')" ] && ok ||
    bad "count --by #3: $(cat "$TMP/c3.csv" "$TMP/err" 2>/dev/null)"

# a TSV, booleans only, a column that is always empty
printf 'k\tk\tb\te\n1\t2\ttrue\t\n3\t4\tfalse\t\n' > "$TMP/t.tsv"
against_oracle tsv "$TMP/t.tsv" csv
"$IAF" inspect "$TMP/t.tsv" | grep -qx '  #3 b: boolean' && ok || bad "tsv boolean"
"$IAF" inspect "$TMP/t.tsv" | grep -qx '  #4 e: empty' && ok || bad "tsv empty column"

# more distinct values than the exact count keeps: "> 10000", also in JSON (null + over)
"$PY" -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("id,g\n")
    for i in range(10050):
        f.write("%d,%d\n" % (i, i % 3))' "$TMP/many.csv"
against_oracle csv-many "$TMP/many.csv" csv
"$IAF" inspect "$TMP/many.csv" | grep -qx '  #1 id: 10050 values, nulls 0, empty 0, distinct > 10000, min 0, max 10049' &&
    ok || bad "distinct cap text: $("$IAF" inspect "$TMP/many.csv" | grep '#1 id:')"

# ---- JSON Lines: nulls, missing keys, numbers, a key the first object lacks is not a column ----
printf '{"a":"x","b":1,"c":"u"}\n{"a":"y","b":2.5}\n\n{"b":-3,"a":"x","c":null,"z":1}\n{"a":"","b":10,"c":"v"}\n' > "$TMP/k.jsonl"
against_oracle jsonl "$TMP/k.jsonl" jsonl
"$IAF" inspect "$TMP/k.jsonl" > "$TMP/k.txt" &&
    grep -qx 'format: jsonl' "$TMP/k.txt" && grep -qx 'columns: 3' "$TMP/k.txt" &&
    grep -qx '  #2 b: number' "$TMP/k.txt" &&
    grep -qx '  #3 c: 4 values, nulls 2, empty 0, distinct 2, min u, max v' "$TMP/k.txt" && ok ||
    bad "jsonl text form: $(cat "$TMP/k.txt")"

# ---- --no-verify: the columns only, nothing read past the header ----
printf 'a,b\n1,2\n3\n' > "$TMP/bad.csv"
"$IAF" inspect "$TMP/bad.csv" --no-verify > "$TMP/nv.txt" 2> "$TMP/err" &&
    [ "$(cat "$TMP/nv.txt")" = "$(printf 'format: csv\ncolumns: 2\nschema:\n  #1 a\n  #2 b')" ] &&
    ok || bad "--no-verify: $(cat "$TMP/nv.txt" "$TMP/err")"

# ---- a malformed row: exit 1, FILE:LINE:COL, the columns still listed ----
"$IAF" inspect "$TMP/bad.csv" > "$TMP/b.txt" 2> "$TMP/err"
rc=$?
[ $rc = 1 ] && grep -qF "bad.csv:3:2: byte offset 9: row has 1 field, the header has 2" "$TMP/err" &&
    grep -qx '  #2 b' "$TMP/b.txt" && ! grep -q 'statistics' "$TMP/b.txt" && ok ||
    bad "malformed row: rc=$rc $(cat "$TMP/err" "$TMP/b.txt")"
printf '{"a":1}\n{"a":\n' > "$TMP/bad.jsonl"
"$IAF" inspect "$TMP/bad.jsonl" > /dev/null 2> "$TMP/err"
rc=$?
[ $rc = 1 ] && grep -q 'bad.jsonl:2:' "$TMP/err" && ok || bad "malformed JSONL: rc=$rc $(cat "$TMP/err")"
# not valid UTF-8 (CP949 bytes): a located error, no crash
printf 'a,b\n\xbc\xad\xbf\xef,1\n' > "$TMP/cp949.csv"
"$IAF" inspect "$TMP/cp949.csv" > /dev/null 2> "$TMP/err"
rc=$?
[ $rc = 1 ] && grep -q 'cp949.csv:2:' "$TMP/err" && ok || bad "CP949 bytes: rc=$rc $(cat "$TMP/err")"

echo "inspect_text: $pass passed, $fail failed"
[ "$fail" = 0 ]
