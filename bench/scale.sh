#!/bin/sh
# bench/scale.sh IAF_BINARY - `make bench-scale`: the three routes of docs/scale.md on one
# NPK-shaped Parquet dataset (planted, tests/planted/gen_npk_micro.py; generated once into
# $BENCH_DATA/scale-<rows>x<shards>/, never committed), counting the cubes of
# examples/npk/microdata.yaml:
#   iaf    one `iaf audit --counts-only` over all shards (iaf's own multi-threaded scan)
#   dask   `--counts-only` per shard as Dask tasks on a LocalCluster of BENCH_WORKERS worker
#          processes (bench/scale_dask.py), then `iaf merge`
#   duckdb the plan of `iaf plan --sql duckdb` run by DuckDB (tests/engines/duck_run.mjs)
# then, for each, `iaf audit --counts` (the derivation and the bootstrap, the same work for all
# three), and checks that the three reports agree (provenance and command line aside). Wall
# time and peak RSS (GNU time; Dask: the largest task's) go to
# $BENCH_DATA/scale-<rows>x<shards>/results.md, to be copied into bench/RESULTS.md.
#
# Environment (all optional):
#   BENCH_DATA=DIR          default bench/data
#   BENCH_SCALE_SHARDS=K    Parquet shards (default 50)
#   BENCH_SCALE_ROWS=N      rows per shard (default 1000000: 50M rows in all, the issue's size;
#                           about 3 GB of Parquet, generated once in some minutes)
#   BENCH_WORKERS=W         Dask worker processes (default: the number of cores)
#   BENCH_BOOTSTRAP=B       bootstrap replicates of the audits from counts (default 200)
set -eu
[ $# -ge 1 ] || { echo "usage: sh bench/scale.sh IAF_BINARY" >&2; exit 2; }
IAF=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
PY=/usr/bin/python3
SHARDS=${BENCH_SCALE_SHARDS:-50}
ROWS=${BENCH_SCALE_ROWS:-1000000}
WORKERS=${BENCH_WORKERS:-$(nproc)}
B=${BENCH_BOOTSTRAP:-200}
W=${BENCH_DATA:-$HERE/data}/scale-${ROWS}x${SHARDS}
SPEC=$REPO/examples/npk/microdata.yaml
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: needs GNU time at /usr/bin/time" >&2; exit 2; }
[ -f "$REPO/tests/engines/node_modules/@duckdb/node-api/package.json" ] ||
    (cd "$REPO/tests/engines" && npm ci --no-audit --no-fund --loglevel=error)
log() { printf '%s bench-scale: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$W/data"
k=0
while [ "$k" -lt "$SHARDS" ]; do
    f=$(printf '%s/data/train-%05d-of-%05d.parquet' "$W" "$k" "$SHARDS")
    if [ ! -f "$f" ]; then
        log "generating shard $((k + 1))/$SHARDS ($ROWS rows)"
        "$PY" "$REPO/tests/planted/gen_npk_micro.py" --variant robust --rows "$ROWS" \
            --seed $((k + 1)) --out "$W/gen" >/dev/null
        mv "$W/gen/data/train-00000-of-00001.parquet" "$f"
    fi
    k=$((k + 1))
done
cd "$W"
rm -rf iaf.counts dask.counts dask.merged duck.plan duck.query_s report-*
timed() { # name command...: "name wall_s rss_kb"
    name=$1
    shift
    "$TIME" -f "%e %M" -o "$name.time" "$@" >/dev/null
    echo "$name $(cat "$name.time")"
}
log "iaf: one multi-threaded scan"
r_iaf=$(timed iaf "$IAF" audit "$SPEC" --microdata data --counts-only -o iaf.counts -q)
log "dask: $WORKERS workers"
"$PY" "$HERE/scale_dask.py" "$IAF" "$SPEC" dask.counts "$WORKERS" data/*.parquet >dask.json
r_merge=$(timed merge "$IAF" merge dask.counts/shard-* -o dask.merged -q)
log "duckdb: the plan"
"$IAF" plan "$SPEC" --microdata data --sql duckdb -o duck.plan
# DuckDB's time is the time inside the plan's statements (COPY ... TO files), as bench/duck.mjs
# measures it, not node's start-up; its peak RSS is the whole process's
r_duck=$(timed duckdb env DUCK_TIME_FILE=duck.query_s node "$REPO/tests/engines/duck_run.mjs" \
    script duck.plan/plan.sql)
r_duck="duckdb $(cat duck.query_s) ${r_duck##* }"
for c in iaf.counts dask.merged duck.plan; do
    r=$(timed "audit-$c" "$IAF" audit "$SPEC" --counts "$c" -o "report-$c" --format json --bootstrap "$B" -q)
    echo "$r" >>audits.txt
done
"$PY" - "$r_iaf" "$r_merge" "$r_duck" "$SHARDS" "$ROWS" "$WORKERS" <<'PY' | tee results.md
import json, sys
def norm(p):
    d = json.load(open(p)); d.pop("provenance", None); d["reproducibility"].pop("command_line")
    d["reproducibility"]["inputs"] = [i for i in d["reproducibility"]["inputs"] if i["role"] != "microdata"]
    return d
same = norm("report-iaf.counts/report.json") == norm("report-dask.merged/report.json") == norm("report-duck.plan/report.json")
f = lambda s: s.split()
_, iw, ir = f(sys.argv[1]); _, mw, mr = f(sys.argv[2]); _, dw, dr = f(sys.argv[3])
shards, rows, workers = map(int, sys.argv[4:7])
dk = json.load(open("dask.json"))
t = max(x["rss_kb"] for x in dk["tasks"])
print(f"## Scale routes: {shards} shards x {rows:,} rows = {shards * rows:,} NPK-shaped rows\n")
print("| route | counting wall (s) | peak RSS (MB) |\n|---|---|---|")
print(f"| iaf, one scan (all cores) | {float(iw):.1f} | {int(ir) / 1024:.0f} |")
print(f"| Dask, {workers} workers x 1 thread, {shards} tasks, + iaf merge | {dk['wall_s']:.1f} + {float(mw):.1f} | {t / 1024:.0f} per worker (largest task); merge {int(mr) / 1024:.0f} |")
print(f"| DuckDB running the plan (inside the query, results written to files; all cores) | {float(dw):.1f} | {int(dr) / 1024:.0f} |")
print("\naudits from the counts (derivation + bootstrap):")
for line in open("audits.txt"):
    n, w, r = line.split(); print(f"- {n}: {float(w):.1f} s, {int(r) / 1024:.0f} MB")
print(f"\nthe three reports agree (provenance, command line, input list aside): {same}")
if not same: sys.exit(1)
PY
