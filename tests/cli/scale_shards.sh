#!/usr/bin/env bash
# Shards (docs/scale.md): a dataset split into parts, each part counted with
# `iaf audit --counts-only`, the parts added up by `iaf merge`, the audit run with --counts on
# the merged cubes. The report must be byte for byte the report of iaf's own scan of the same
# rows, apart from the provenance member and the command line. Two datasets: the US excerpt
# (CSV, 55,225 rows split into 4 files) and planted NPK-shaped Parquet (100,000 rows in 4
# shards, with bootstrap intervals and verdicts). Every merged cube is checked against pandas
# (tests/oracles/scale_cubes.py), and the refusals: mismatched fingerprints, a cube file
# missing, an edited manifest, counts of another spec, conflicting options.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d "$IAF_BUILD/scale-shards.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
us_spec="$IAF_SRC/examples/usa-nemotron/audit.yaml"
npk_spec="$IAF_SRC/examples/npk/microdata.yaml"

. "$IAF_SRC/tests/engines/common.sh"

# --- the US excerpt, CSV in four parts ---
mkdir -p "$work/us"
"$PYTHON" - "$IAF_SRC/examples/usa-nemotron/data/rows/nemotron_usa_first55k.csv" "$work/us" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8", newline="").read().splitlines(keepends=True)
head, rows = lines[0], lines[1:]
k = (len(rows) + 3) // 4
for i in range(4):
    with open(f"{sys.argv[2]}/part-{i}.csv", "w", encoding="utf-8", newline="") as f:
        f.write(head + "".join(rows[i * k:(i + 1) * k]))
PY
"$IAF" audit "$us_spec" --microdata "$work/us" -o "$work/us.scan" --no-bootstrap -q
dirs=()
for i in 0 1 2 3; do
    "$IAF" audit "$us_spec" --microdata "$work/us/part-$i.csv" --counts-only -o "$work/us.c$i" -q
    dirs+=("$work/us.c$i")
done
"$IAF" merge "${dirs[@]}" -o "$work/us.merged"
"$PYTHON" "$IAF_SRC/tests/oracles/scale_cubes.py" "$work/us.merged" "$work"/us/part-{0,1,2,3}.csv || fail=1
"$IAF" audit "$us_spec" --counts "$work/us.merged" -o "$work/us.fromc" --no-bootstrap -q
same_report us "$work/us.scan" "$work/us.fromc"
"$PYTHON" - "$work/us.fromc/report.json" "$work/us.merged" <<'PY' || fail=1
import json, sys
p = json.load(open(sys.argv[1]))["provenance"]
assert p["counts"] == sys.argv[2] and p["origin"] == "merge" and p["shards"] == 4, p
assert p["same_spec"] is True and len(p["fingerprint"]) == 64, p
print("ok provenance:", p["origin"], p["shards"], "shards")
PY
# merging is associative: ((0+1)+(2+3)) gives the same bytes as 0+1+2+3
"$IAF" merge "$work/us.c0" "$work/us.c1" -o "$work/us.m01" -q
"$IAF" merge "$work/us.c2" "$work/us.c3" -o "$work/us.m23" -q
"$IAF" merge "$work/us.m01" "$work/us.m23" -o "$work/us.m4" -q
for f in "$work"/us.merged/*; do
    cmp -s "$f" "$work/us.m4/$(basename "$f")" || { echo "FAIL: merge not associative ($(basename "$f"))"; fail=1; }
done

# --- planted NPK microdata, Parquet in four shards, with bootstrap verdicts ---
"$PYTHON" "$IAF_SRC/tests/planted/gen_npk_micro.py" --variant robust --rows 100000 --seed 3 \
    --shards 4 --row-group 25000 --out "$work/npk" --sidecar "$work/npk.rows.csv" >/dev/null
"$IAF" audit "$npk_spec" --microdata "$work/npk/data" -o "$work/npk.scan" --bootstrap 100 -q
ndirs=()
for f in "$work"/npk/data/*.parquet; do
    b=$(basename "$f" .parquet)
    "$IAF" audit "$npk_spec" --microdata "$f" --counts-only -o "$work/npk.$b" -q -t 1
    ndirs+=("$work/npk.$b")
done
"$IAF" merge "${ndirs[@]}" -o "$work/npk.merged" -q
# pandas reads no Parquet here (no pyarrow in Debian 12): the generator's CSV of the same rows
"$PYTHON" "$IAF_SRC/tests/oracles/scale_cubes.py" "$work/npk.merged" "$work/npk.rows.csv" ||
    { echo "FAIL: NPK cubes differ from pandas"; fail=1; }
"$IAF" audit "$npk_spec" --counts "$work/npk.merged" -o "$work/npk.fromc" --bootstrap 100 -q
same_report npk "$work/npk.scan" "$work/npk.fromc"
grep -q '"verdict": "FLAG"' "$work/npk.fromc/report.json" || { echo "FAIL: no verdicts in the NPK report"; fail=1; }

# --- labels that need quoting, NULL beside the empty string, weights (JSON Lines, 2 files) ---
cp -r "$IAF_SRC/tests/golden/sql_plans" "$work/q" && rm -rf "$work/q/expected"
"$PYTHON" - "$work/q" <<'PY'
import json, sys
labels = ['a,"b"\nc', "", None, "plain", " x ", "a", "\u00e9\u0301", "ctl\u0001"]
groups = ["g1", None, "", "g,2"]
for part in range(2):
    with open(f"{sys.argv[1]}/rows-{part}.jsonl", "w", encoding="utf-8") as f:
        for i in range(400):
            k = part * 400 + i
            row = {"id": k, 'job "title"': labels[k % len(labels)],
                   "gr`oup\\x": groups[(k // 3) % len(groups)], "w'1": 0.5 * (1 + k % 5)}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
PY
(cd "$work/q" && "$IAF" audit quirky.yaml --microdata rows-0.jsonl --microdata rows-1.jsonl -o scan --no-bootstrap -q &&
    "$IAF" audit quirky.yaml --microdata rows-0.jsonl --counts-only -o c0 -q &&
    "$IAF" audit quirky.yaml --microdata rows-1.jsonl --counts-only -o c1 -q &&
    "$IAF" merge c0 c1 -o m -q && "$IAF" audit quirky.yaml --counts m -o fromc --no-bootstrap -q)
same_report quoted-nulls-weights "$work/q/scan" "$work/q/fromc"
grep -q '^"a,""b""$' "$work/q/m/cube-00.csv" && grep -q '^"",' "$work/q/m/cube-00.csv" &&
    grep -q '^,' "$work/q/m/cube-00.csv" || { echo "FAIL: quoting or NULL in cube-00.csv"; fail=1; }

# --- refusals ---
expect() { # exit-code pattern command...
    local want=$1 pat=$2
    shift 2
    set +e
    "$@" >"$work/out.txt" 2>"$work/err.txt"
    local rc=$?
    set -e
    if [ "$rc" -ne "$want" ] || ! grep -q -- "$pat" "$work/err.txt"; then
        echo "FAIL: expected exit $want and '$pat' from: $*"
        echo "  got exit $rc: $(cat "$work/err.txt")"
        fail=1
    else
        echo "ok refused ($rc): $(head -1 "$work/err.txt")"
    fi
}
# a shard with another schema (an extra column) has another fingerprint
"$PYTHON" - "$work/us/part-3.csv" "$work/other.csv" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
open(sys.argv[2], "w", encoding="utf-8").write("\n".join([lines[0] + ",extra"] + [l + ",x" for l in lines[1:]]) + "\n")
PY
"$IAF" audit "$us_spec" --microdata "$work/other.csv" --counts-only -o "$work/us.other" -q
expect 1 "fingerprint" "$IAF" merge "$work/us.c0" "$work/us.other" -o "$work/bad"
[ ! -e "$work/bad/manifest.json" ] || { echo "FAIL: a refused merge wrote a manifest"; fail=1; }
# counts of another spec
expect 1 "fingerprint" "$IAF" merge "$work/us.c0" "${ndirs[0]}" -o "$work/bad"
expect 1 "made for another spec" "$IAF" audit "$us_spec" --counts "$work/npk.merged" -o "$work/bad" -q
# a cube file missing; an edited manifest
cp -r "$work/us.c1" "$work/us.gone" && rm "$work/us.gone/cube-02.csv"
expect 1 "cube-02" "$IAF" audit "$us_spec" --counts "$work/us.gone" -o "$work/bad" -q
cp -r "$work/us.c1" "$work/us.edit"
sed -i 's/"sex"/"gender"/' "$work/us.edit/manifest.json"
expect 1 "fingerprint does not match" "$IAF" merge "$work/us.edit" -o "$work/bad"
# a cell changed: the cubes no longer count the same rows
cp -r "$work/us.c1" "$work/us.cell"
sed -i '2s/,\([0-9]*\)$/,999999/' "$work/us.cell/cube-03.csv"
expect 1 "same rows" "$IAF" audit "$us_spec" --counts "$work/us.cell" -o "$work/bad" -q
# plans: usage errors, a spec without microdata, a plan not run yet
expect 2 "--sql takes" "$IAF" plan "$us_spec" --sql oracle --table t
expect 2 "needs --table" "$IAF" plan "$us_spec" --sql postgres
expect 1 "reads no microdata" "$IAF" plan "$IAF_SRC/examples/npk/audit.yaml" --sql duckdb
"$IAF" plan "$us_spec" --sql trino --table t -o "$work/plan.unrun"
expect 1 "counts are missing" "$IAF" audit "$us_spec" --counts "$work/plan.unrun" -o "$work/bad" -q
# counts need no rows: the audit runs where the microdata is not
mkdir "$work/q/away" && mv "$work"/q/rows-*.jsonl "$work/q/away/"
if (cd "$work/q" && "$IAF" audit quirky.yaml --counts m -o fromc2 --no-bootstrap -q); then
    same_report rows-away "$work/q/fromc" "$work/q/fromc2"
else
    echo "FAIL: --counts needs the rows"
    fail=1
fi
expect 2 "exclude each other" "$IAF" audit "$us_spec" --counts "$work/us.c0" --counts-only
expect 2 "needs -o" "$IAF" merge "$work/us.c0"
exit $fail
