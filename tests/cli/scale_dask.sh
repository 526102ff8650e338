#!/usr/bin/env bash
# Dask distributed (Debian python3-distributed) maps `iaf audit --counts-only` over shards
# (docs/scale.md): a LocalCluster of 4 worker processes on 127.0.0.1, started and closed by
# tests/engines/dask_shards.py, counts 8 Parquet shards of 1,000,000 planted NPK-shaped rows
# (the size of the issue; about a minute here), one task per shard; `iaf merge` adds the 8
# count directories up and the audit runs with --counts. The report must equal iaf's own
# multi-threaded scan of the 8 shards (provenance and command line aside), with bootstrap
# verdicts. A cluster that cannot start fails the test.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d "$IAF_BUILD/scale-dask.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
. "$IAF_SRC/tests/engines/common.sh"
"$PYTHON" -c 'import distributed' 2>/dev/null ||
    { echo "FAIL: Dask distributed missing: run scripts/install-deps.sh"; exit 1; }
cd "$work"
spec="$IAF_SRC/examples/npk/microdata.yaml"
"$PYTHON" "$IAF_SRC/tests/planted/gen_npk_micro.py" --variant robust --rows 1000000 --seed 11 \
    --shards 8 --row-group 62500 --out npk >/dev/null
shards=(npk/data/*.parquet)
[ ${#shards[@]} -eq 8 ] || { echo "FAIL: ${#shards[@]} shards"; exit 1; }
"$IAF" audit "$spec" --microdata npk/data -o scan --bootstrap 100 -q
mapfile -t dirs < <("$PYTHON" "$IAF_SRC/tests/engines/dask_shards.py" "$IAF" "$spec" counts "${shards[@]}")
[ ${#dirs[@]} -eq 8 ] || { echo "FAIL: dask returned ${#dirs[@]} count directories"; exit 1; }
"$IAF" merge "${dirs[@]}" -o merged
"$IAF" audit "$spec" --counts merged -o fromc --bootstrap 100 -q
same_report npk-1m-dask scan fromc
"$PYTHON" - fromc/report.json <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
p = d["provenance"]
assert p["origin"] == "merge" and p["shards"] == 8, p
assert d["dataset"]["microdata_rows"] == 1000000, d["dataset"]["microdata_rows"]
assert sum(1 for i in d["reproducibility"]["inputs"] if i["role"] == "microdata") == 8
print("ok provenance: 8 shards merged, 1,000,000 rows")
PY
exit $fail
