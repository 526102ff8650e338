#!/usr/bin/env bash
# The microdata audit (examples/npk/microdata.yaml) on planted NPK-shaped Parquet shards
# (tests/planted/gen_npk_micro.py, docs/validation.md "Planted NPK microdata"): four variants
# of 100,000 rows in two shards laid out like the Hugging Face download, with a known
# flattening lambda of female representation in male-dominated occupations. The spec runs as a
# user runs it (--microdata DIR/data, default thresholds; B = 300 bootstrap replicates to keep
# the test short); tests/planted/check_npk_micro.py recomputes the flattening from the rows with
# pandas, checks the planted lambda and asserts each variant's verdicts from report.json.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d "$IAF_BUILD/npk-microdata.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
for v in robust mild age-confounded faithful; do
    d="$work/$v"
    "$PYTHON" "$IAF_SRC/tests/planted/gen_npk_micro.py" --variant "$v" --rows 100000 --seed 1 \
        --shards 2 --row-group 25000 --out "$d" --truth "$d.truth.json" --sidecar "$d.rows.csv"
    # the layout of the download: data/train-0000K-of-00002.parquet
    [ -f "$d/data/train-00000-of-00002.parquet" ] && [ -f "$d/data/train-00001-of-00002.parquet" ] ||
        { echo "FAIL $v: shards missing"; fail=1; continue; }
    "$IAF" count "$d/data" --by sex,age,occupation -o "$d.counts.csv"
    if ! "$IAF" audit "$IAF_SRC/examples/npk/microdata.yaml" --microdata "$d/data" \
        -o "$d.out" --format json --bootstrap 300 -q; then
        echo "FAIL $v: iaf audit failed"
        fail=1
        continue
    fi
    echo "== $v"
    "$PYTHON" "$IAF_SRC/tests/planted/check_npk_micro.py" --variant "$v" --truth "$d.truth.json" \
        --rows "$d.rows.csv" --report "$d.out/report.json" --counts "$d.counts.csv" || fail=1
done
# the same seed gives the same bytes
"$PYTHON" "$IAF_SRC/tests/planted/gen_npk_micro.py" --variant robust --rows 100000 --seed 1 \
    --shards 2 --row-group 25000 --out "$work/again"
for k in 0 1; do
    f=$(printf 'data/train-%05d-of-00002.parquet' "$k")
    cmp -s "$work/robust/$f" "$work/again/$f" || { echo "FAIL: generator not deterministic ($f)"; fail=1; }
done
# --microdata on a spec without microdata is a usage error
set +e
"$IAF" audit "$IAF_SRC/examples/npk/audit.yaml" --microdata "$work/robust/data" -o "$work/x" -q \
    2>"$work/err"
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "spec reads no microdata" "$work/err" ||
    { echo "FAIL: --microdata without dataset.microdata: rc $rc"; fail=1; }
exit $fail
