#!/usr/bin/env bash
# DuckDB runs the plan of `iaf plan --sql duckdb` (docs/scale.md), started in-process by node
# (@duckdb/node-api from tests/engines/node_modules, installed by scripts/install-deps.sh); the
# audit then runs from DuckDB's counts with --counts and must give the report of iaf's own scan
# of the same rows (provenance and command line aside):
#   - the US excerpt (CSV input): plan.sql as written (Parquet results), and each cube's query
#     with its result written as CSV;
#   - planted NPK-shaped Parquet in 4 shards, with bootstrap verdicts: results laid out as Spark
#     writes them (directories of part-*.parquet with _SUCCESS and .crc files);
#   - the weighted dataset with quoted column names of tests/golden/sql_plans.
# A DuckDB that cannot start fails the test.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d "$IAF_BUILD/scale-duckdb.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
. "$IAF_SRC/tests/engines/common.sh"
duck="$IAF_SRC/tests/engines/duck_run.mjs"
[ -f "$IAF_SRC/tests/engines/node_modules/@duckdb/node-api/package.json" ] ||
    { echo "FAIL: DuckDB missing: run scripts/install-deps.sh (npm ci in tests/engines)"; exit 1; }
command -v node >/dev/null || { echo "FAIL: node missing: run scripts/install-deps.sh"; exit 1; }
cd "$work"
us_spec="$IAF_SRC/examples/usa-nemotron/audit.yaml"
npk_spec="$IAF_SRC/examples/npk/microdata.yaml"

# --- US excerpt: the plan as written (Parquet), then CSV results ---
"$IAF" audit "$us_spec" -o us.scan --no-bootstrap -q
"$IAF" plan "$us_spec" --sql duckdb -o us.plan
node "$duck" script us.plan/plan.sql
ls us.plan/cube-00.parquet >/dev/null
"$IAF" audit "$us_spec" --counts us.plan -o us.duck --no-bootstrap -q
same_report us-parquet us.scan us.duck
mkdir us.csv && cp us.plan/manifest.json us.csv/
for s in us.plan/cube-*.sql; do
    node "$duck" select "$s" "us.csv/$(basename "$s" .sql).csv" csv
done
"$IAF" audit "$us_spec" --counts us.csv -o us.duckcsv --no-bootstrap -q
same_report us-csv us.scan us.duckcsv
"$PYTHON" - us.duck/report.json <<'PY' || fail=1
import json, sys
p = json.load(open(sys.argv[1]))["provenance"]
assert p["origin"] == "plan" and p["dialect"] == "duckdb" and p["counts"] == "us.plan", p
print("ok provenance:", p)
PY

# --- planted NPK Parquet, 4 shards, Spark-style result directories ---
"$PYTHON" "$IAF_SRC/tests/planted/gen_npk_micro.py" --variant mild --rows 100000 --seed 5 \
    --shards 4 --row-group 25000 --out npk >/dev/null
"$IAF" audit "$npk_spec" --microdata npk/data -o npk.scan --bootstrap 100 -q
"$IAF" plan "$npk_spec" --microdata npk/data --sql duckdb -o npk.plan
grep -q "read_parquet" npk.plan/plan.sql || { echo "FAIL: the NPK plan does not read Parquet"; fail=1; }
for s in npk.plan/cube-*.sql; do
    node "$duck" select "$s" "npk.plan/$(basename "$s" .sql)" spark
done
ls npk.plan/cube-00/_SUCCESS >/dev/null
"$IAF" audit "$npk_spec" --counts npk.plan -o npk.duck --bootstrap 100 -q
same_report npk-spark-dirs npk.scan npk.duck

# --- weights and quoted column names ---
cp -r "$IAF_SRC/tests/golden/sql_plans" q && rm -rf q/expected
(cd q && "$IAF" audit quirky.yaml -o scan --no-bootstrap -q && "$IAF" plan quirky.yaml --sql duckdb -o plan &&
    node "$duck" script plan/plan.sql && "$IAF" audit quirky.yaml --counts plan -o duck --no-bootstrap -q)
same_report quirky q/scan q/duck
exit $fail
