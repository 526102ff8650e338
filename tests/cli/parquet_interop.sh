#!/usr/bin/env bash
# Interop: `iaf count` on Parquet files written by DuckDB (every codec DuckDB writes, format
# versions 1 and 2, a Hugging Face multi-file layout) and on corpus files with v2 data pages must
# give DuckDB's own GROUP BY counts (tests/data/parquet/interop/expected/*.csv, generated with the
# files by tests/oracles/parquet/interop.mjs; see interop/README.md there).
#
# Environment (set by CTest): IAF (the binary), IAF_TESTDATA (tests/data), PYTHON.
set -u
: "${IAF:?IAF must point to the iaf binary}"
: "${IAF_TESTDATA:?IAF_TESTDATA must point to tests/data}"
PY=${PYTHON:-/usr/bin/python3}
DATA="$IAF_TESTDATA/parquet"
DIR="$DATA/interop"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pass=0
fail=0

# Weighted sums are compared as numbers: summation order differs between engines.
close_enough() {
    "$PY" - "$1" "$2" <<'EOF'
import csv, sys
def load(p):
    with open(p, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))
a, b = load(sys.argv[1]), load(sys.argv[2])
ok = len(a) == len(b) and a[:1] == b[:1]
for x, y in zip(a[1:], b[1:]):
    if not ok:
        break
    ok = x[:-1] == y[:-1] and abs(float(x[-1]) - float(y[-1])) <= 1e-9 * max(1.0, abs(float(x[-1])))
sys.exit(0 if ok else 1)
EOF
}

# check NAME EXPECTED WEIGHTED LABEL -- iaf count arguments...
check() {
    local name=$1 expected=$2 weighted=$3 label=$4
    shift 5
    local out="$TMP/$name.csv"
    rm -f "$out"
    if ! "$IAF" count "$@" -o "$out" 2>"$TMP/err"; then
        echo "FAIL $name [$label]: iaf count exited non-zero: $(head -c 400 "$TMP/err")"
        fail=$((fail + 1))
        return
    fi
    if [ -n "$weighted" ]; then
        if close_enough "$expected" "$out"; then
            pass=$((pass + 1))
            return
        fi
    elif cmp -s "$expected" "$out"; then
        pass=$((pass + 1))
        return
    fi
    echo "FAIL $name [$label]: output differs from DuckDB's GROUP BY (expected < > got):"
    diff "$expected" "$out" | head -n 12
    fail=$((fail + 1))
}

inputs_interop=()
for f in "$DIR"/codec-*.parquet; do inputs_interop+=("$f"); done
if [ ${#inputs_interop[@]} -ne 12 ]; then
    echo "FAIL: expected 12 codec files in $DIR, found ${#inputs_interop[@]}"
    fail=$((fail + 1))
fi

while IFS= read -r line; do
    case "$line" in '#'* | '') continue ;; esac
    # split on tabs keeping empty fields (read with IFS=tab would merge them)
    IFS=$'\x1f' read -r name input by where weight <<<"${line//$'\t'/$'\x1f'}"
    expected="$DIR/expected/$name.csv"
    args=(--by "$by")
    [ -n "$where" ] && args+=(--where "$where")
    [ -n "$weight" ] && args+=(--weight "$weight")
    if [ "$input" = "@interop" ]; then
        for f in "${inputs_interop[@]}"; do
            check "$name" "$expected" "$weight" "$(basename "$f")" -- "$f" "${args[@]}"
        done
        # Hugging Face layout given as a directory, then one worker thread on the same
        check "$name" "$expected" "$weight" "hf/data dir" -- "$DIR/hf/data" "${args[@]}"
        check "$name" "$expected" "$weight" "hf/data dir, 1 thread" -- "$DIR/hf/data" "${args[@]}" \
            --threads 1
    else
        check "$name" "$expected" "$weight" "$input" -- "$DATA/$input" "${args[@]}"
    fi
done <"$DIR/cases.tsv"

# The shards named one by one, and as a glob the reader expands itself
check province_sex "$DIR/expected/province_sex.csv" "" "hf shards listed" -- \
    "$DIR/hf/data/train-00000-of-00002.parquet" "$DIR/hf/data/train-00001-of-00002.parquet" \
    --by province,sex
check province_sex "$DIR/expected/province_sex.csv" "" "hf glob" -- "$DIR/hf/data/train-*.parquet" \
    --by province,sex

# Two columns of one name (dup-names.parquet: column, column_1, column; one row a, b, c):
# the name alone is ambiguous (exit 1, both positions named), a position picks one, inspect
# lists all three
DUP="$DIR/dup-names.parquet"
"$IAF" count "$DUP" --by column -o "$TMP/dup.csv" 2>"$TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "column name 'column' is ambiguous: 2 columns have it (1, 3)" "$TMP/err" &&
    [ ! -e "$TMP/dup.csv" ]; then
    pass=$((pass + 1))
else
    echo "FAIL dup-names: --by column gave exit $rc: $(head -c 300 "$TMP/err")"
    fail=$((fail + 1))
fi
for spec in '#1:a' '#3:c' '#3,column_1:c,b'; do
    by=${spec%%:*} want=${spec#*:}
    if "$IAF" count "$DUP" --by "$by" -o "$TMP/dup.csv" 2>"$TMP/err" &&
        [ "$(cat "$TMP/dup.csv")" = "$(printf '%s,count\n%s,1' "$by" "$want")" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL dup-names: --by $by: $(cat "$TMP/dup.csv" "$TMP/err" 2>/dev/null | head -c 300)"
        fail=$((fail + 1))
    fi
done
if [ "$("$IAF" inspect "$DUP" | grep -cE '^    column(_1)?: BYTE_ARRAY')" -eq 3 ]; then
    pass=$((pass + 1))
else
    echo "FAIL dup-names: inspect does not list the three columns"
    fail=$((fail + 1))
fi

echo "interop: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
