#!/usr/bin/env bash
# Columns addressed by position (#N) in CSV and JSONL, as in Parquet (parquet_interop.sh): a
# header that repeats a name is read; --by the repeated name is an error naming the ambiguity and
# suggesting #N; #N counts the N-th column; a column really called "#N" wins over the position.
# JSONL: #N is the first object's N-th key; a key that an object repeats holds its last value.
#
# Environment (set by CTest): IAF (the binary).
set -u
: "${IAF:?IAF must point to the iaf binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
    echo "FAIL $*"
    fail=$((fail + 1))
}

# expect_count LABEL EXPECTED -- iaf count arguments: exit 0 and exactly EXPECTED in the output
expect_count() {
    local label=$1 want=$2
    shift 3
    if "$IAF" count "$@" -o "$TMP/out.csv" 2>"$TMP/err" && [ "$(cat "$TMP/out.csv")" = "$want" ]; then
        ok
    else
        bad "$label: $(cat "$TMP/out.csv" "$TMP/err" 2>/dev/null | head -c 400)"
    fi
    rm -f "$TMP/out.csv"
}

# expect_error LABEL MESSAGE -- iaf count arguments: exit 1, MESSAGE on stderr, no output
expect_error() {
    local label=$1 msg=$2
    shift 3
    "$IAF" count "$@" -o "$TMP/out.csv" 2>"$TMP/err"
    local rc=$?
    if [ $rc -eq 1 ] && grep -qF -- "$msg" "$TMP/err" && [ ! -e "$TMP/out.csv" ]; then
        ok
    else
        bad "$label: exit $rc: $(head -c 400 "$TMP/err")"
    fi
    rm -f "$TMP/out.csv"
}

# ---- CSV: column, column_1, column ----
printf 'column,column_1,column\na,x,p\nb,y,q\na,x,q\n' > "$TMP/dup.csv"
expect_error csv-ambiguous "column name 'column' is ambiguous: 2 columns have it (1, 3); name one by its position, e.g. #3" -- "$TMP/dup.csv" --by column
expect_count csv-first "$(printf '#1,count\na,2\nb,1')" -- "$TMP/dup.csv" --by '#1'
expect_count csv-third "$(printf '#3,count\np,1\nq,2')" -- "$TMP/dup.csv" --by '#3'
expect_count csv-mixed "$(printf '#3,column_1,count\np,x,1\nq,x,1\nq,y,1')" -- "$TMP/dup.csv" --by '#3,column_1'
expect_count csv-unique "$(printf 'column_1,count\nx,2\ny,1')" -- "$TMP/dup.csv" --by column_1
expect_error csv-beyond "no column '#4'" -- "$TMP/dup.csv" --by '#4'
expect_error csv-zero "no column '#0'" -- "$TMP/dup.csv" --by '#0'
# three of a name: the message says so; a TSV is read the same way
printf 'k\tk\tk\n1\t2\t3\n' > "$TMP/three.tsv"
expect_error tsv-three "column name 'k' is ambiguous: 3 columns have it (1, 2, ...)" -- "$TMP/three.tsv" --by k
expect_count tsv-second "$(printf '#2,count\n2,1')" -- "$TMP/three.tsv" --by '#2'
# a column really called "#2" wins over the position
printf 'a,#2,b\n1,2,3\n' > "$TMP/hash.csv"
expect_count csv-literal "$(printf '#2,count\n2,1')" -- "$TMP/hash.csv" --by '#2'
expect_count csv-position "$(printf '#3,count\n3,1')" -- "$TMP/hash.csv" --by '#3'
# positions work in a filter-free multi-table scan too
printf 'column,column_1,column\na,x,p\n' > "$TMP/one.csv"
if "$IAF" count "$TMP/one.csv" --by '#1' -o "$TMP/t1.csv" --by '#3' -o "$TMP/t3.csv" 2>"$TMP/err" &&
    [ "$(cat "$TMP/t1.csv")" = "$(printf '#1,count\na,1')" ] &&
    [ "$(cat "$TMP/t3.csv")" = "$(printf '#3,count\np,1')" ]; then
    ok
else
    bad "csv-multi-by: $(head -c 300 "$TMP/err")"
fi

# ---- JSONL: keys a, b, c of the first object ----
printf '{"a":"x","b":1,"c":"u"}\n{"a":"y","b":2}\n{"b":2,"a":"x"}\n' > "$TMP/keys.jsonl"
expect_count jsonl-first "$(printf '#1,count\nx,2\ny,1')" -- "$TMP/keys.jsonl" --by '#1'
expect_count jsonl-second "$(printf '#2,a,count\n1,x,1\n2,x,1\n2,y,1')" -- "$TMP/keys.jsonl" --by '#2,a'
expect_count jsonl-third "$(printf '#3,count\n,2\nu,1')" -- "$TMP/keys.jsonl" --by '#3'
# a repeated key holds its last value (the reader's rule), by name or by position alike
printf '{"a":"x","b":1,"a":"y"}\n{"a":"z","b":2}\n' > "$TMP/dup.jsonl"
expect_count jsonl-repeated "$(printf 'a,count\ny,1\nz,1')" -- "$TMP/dup.jsonl" --by a
expect_count jsonl-repeated-position "$(printf '#3,count\ny,1\nz,1')" -- "$TMP/dup.jsonl" --by '#3'
expect_count jsonl-unique "$(printf '#2,count\n1,1\n2,1')" -- "$TMP/dup.jsonl" --by '#2'

echo "column_position: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
