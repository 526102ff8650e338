#!/bin/sh
# bench/run.sh IAF_BINARY - `make bench`: iaf count against DuckDB on the NPK-shaped dataset
# (bench/npk_schema.md, bench/README.md). Generates the data once (cached in bench/data/), checks
# that iaf and DuckDB produce the same counts for every pair, then times both, interleaved, on
# warm caches. Results: bench/data/results/<stamp>/results.md (+ runs.tsv, machine.txt); the
# committed bench/RESULTS.md is written from one such run.
#
# Environment (all optional):
#   BENCH_DATA=DIR     data and results (default bench/data)
#   BENCH_ROWS=N       rows of the CSV / JSONL file and of one Parquet shard (default 1000000)
#   BENCH_SHARDS=K     Parquet shards of BENCH_ROWS rows in the big dataset (default 7)
#   BENCH_RUNS=R       timed runs per measurement; the median is reported (default 5)
#   BENCH_ONLY="..."   subset of: csv jsonl pq-snappy-1 pq-zstd-1 pq-snappy-K pq-zstd-K
#                      (default: the 1M-row datasets; add pq-snappy-K pq-zstd-K for K shards)
#   BENCH_PAIRS="a,b c,d ..."  the counted pairs (default: the four below)
#   BENCH_JOINT="a,b,..."      the joint table's columns (default: the seven below)
#   BENCH_TASKS="..."  subset of: pairs onescan joint (default: onescan joint; see README.md)
#   BENCH_PARQUET_DIR=DIR  time the tasks on the *.parquet files of an existing directory (e.g.
#                      the shards bench/scale.sh writes) instead of the generated datasets; no
#                      data is generated, BENCH_ONLY defaults to that dataset alone ("dir"), the
#                      check against DuckDB runs first as for every dataset
#   BENCH_LABEL=NAME   its name in the results (default: the directory's name)
set -eu

[ $# -ge 1 ] || { echo "usage: sh bench/run.sh IAF_BINARY" >&2; exit 2; }
IAF=$(realpath "$1")
[ -x "$IAF" ] || { echo "bench: $1 is not an executable" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
D=${BENCH_DATA:-$HERE/data}
ROWS=${BENCH_ROWS:-1000000}
SHARDS=${BENCH_SHARDS:-7}
RUNS=${BENCH_RUNS:-5}
TOTAL=$((ROWS * SHARDS))
PAIRS=${BENCH_PAIRS:-"sex,occupation education_level,occupation age,military_status province,sex"}
PQDIR=${BENCH_PARQUET_DIR:-}
if [ -n "$PQDIR" ]; then
    [ -d "$PQDIR" ] || { echo "bench: BENCH_PARQUET_DIR=$PQDIR is not a directory" >&2; exit 2; }
    PQDIR=$(cd "$PQDIR" && pwd)
    [ -n "$(find "$PQDIR" -maxdepth 1 -name '*.parquet' -type f | head -n 1)" ] ||
        { echo "bench: no *.parquet file in $PQDIR" >&2; exit 2; }
    case $PQDIR in *[!A-Za-z0-9._/+-]*)
        echo "bench: BENCH_PARQUET_DIR must not contain spaces or glob characters" >&2; exit 2 ;;
    esac
    LABEL=${BENCH_LABEL:-$(basename "$PQDIR")}
    case $LABEL in *[!A-Za-z0-9._-]* | "") echo "bench: BENCH_LABEL must be [A-Za-z0-9._-]+" >&2; exit 2 ;; esac
fi
ONLY=${BENCH_ONLY:-$([ -n "$PQDIR" ] && echo dir || echo "pq-zstd-1 pq-snappy-1 csv jsonl")}
needs_text() { # the generated CSV/JSONL: for those datasets and for writing the Parquet ones
    case " $ONLY " in *" csv "* | *" jsonl "* | *" pq-"*) return 0 ;; *) return 1 ;; esac
}
TASKS=${BENCH_TASKS:-"onescan joint"}
has_task() { case " $TASKS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
# the joint table: about 625k groups at 1M rows (the pairs' columns must be among them: the
# check sums it over the other columns)
JOINT=${BENCH_JOINT:-"sex,occupation,bachelors_field,age,military_status,province,education_level"}
# each timed process runs under timeit.py: GNU time's figures, the wall time to the microsecond
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
command -v node >/dev/null || { echo "bench: needs node and npm (apt-get install nodejs npm)" >&2; exit 2; }

log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- tools -----------------------------------------------------------------------------------
if [ ! -f "$HERE/node_modules/@duckdb/node-api/package.json" ]; then
    log "installing DuckDB (@duckdb/node-api) into bench/node_modules"
    (cd "$HERE" && npm ci --no-audit --no-fund >&2)
fi
mkdir -p "$D"
if [ ! -x "$D/gen_npk" ] || [ -n "$(find "$HERE/gen_npk.c" -newer "$D/gen_npk")" ]; then
    ${CC:-cc} -O2 -std=c11 -o "$D/gen_npk" "$HERE/gen_npk.c" -lm
fi

# ---- data (cached) ---------------------------------------------------------------------------
CSV=$D/npk-$ROWS.csv
JSONL=$D/npk-$ROWS.jsonl
gen_text() { # format file
    [ -f "$2" ] && return 0
    log "generating $2"
    "$D/gen_npk" --rows "$ROWS" --format "$1" --src "$HERE/data-src" -o "$2.tmp"
    mv "$2.tmp" "$2"
}
if needs_text; then
    gen_text csv "$CSV"
    gen_text jsonl "$JSONL"
fi
# the one-file datasets (pq-*-1) are npk-ROWS-codec/train-00000-of-00001.parquet; the sharded
# ones npk-TOTAL-codec/*.parquet, written only when asked for (hours on 2 cores)
case " $ONLY " in *" pq-snappy-1 "* | *" pq-zstd-1 "*)
    log "Parquet: 1 file of $ROWS rows, snappy and zstd (existing files are kept)"
    node "$HERE/gen_npk_parquet.mjs" --rows "$ROWS" --shard "$ROWS" --codec snappy,zstd \
        --out "$D" --csv0 "$CSV" >&2 ;;
esac
if [ "$SHARDS" -gt 1 ]; then case " $ONLY " in *" pq-snappy-$SHARDS "* | *" pq-zstd-$SHARDS "*)
    log "Parquet: $SHARDS shard(s) of $ROWS rows, snappy and zstd (existing shards are kept)"
    node "$HERE/gen_npk_parquet.mjs" --rows "$TOTAL" --shard "$ROWS" --codec snappy,zstd \
        --out "$D" --csv0 "$CSV" >&2 ;;
esac; fi

# ---- machine ---------------------------------------------------------------------------------
STAMP=$(date +%Y%m%d-%H%M%S)
R=$D/results/$STAMP
mkdir -p "$R/out"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "host: $(uname -srm)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "nproc: $(nproc)"
    echo "ram: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "iaf: $IAF ($(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$REPO" && git diff --quiet HEAD -- src include 2>/dev/null || echo ' + uncommitted changes'))"
    echo "duckdb: $(node -e "console.log(require('$HERE/node_modules/@duckdb/node-api/package.json').version)") (@duckdb/node-api, node $(node --version))"
    echo "pairs: $PAIRS"
    echo "tasks: $TASKS"
    echo "joint: $JOINT"
    echo "runs: $RUNS (median reported), warm cache, iaf and DuckDB alternating"
    [ -z "$PQDIR" ] || echo "parquet dir: $PQDIR ($(find "$PQDIR" -maxdepth 1 -name '*.parquet' -type f | wc -l) files) as dataset parquet-$LABEL"
} > "$R/machine.txt"
cat "$R/machine.txt" >&2
printf 'dataset\ttask\tengine\trun\tstep\twall_s\tmaxrss_kb\tuser_s\tsys_s\tload1\n' > "$R/runs.tsv"

# timed DATASET TASK ENGINE RUN STEP CMD...: run CMD under timeit.py, append a runs.tsv row
timed() {
    ds=$1 task=$2 eng=$3 run=$4 step=$5
    shift 5
    load=$(cut -d' ' -f1 /proc/loadavg)
    if ! "$PY" "$HERE/timeit.py" "$R/time.tmp" "$@" 2> "$R/err.tmp"; then
        cat "$R/err.tmp" >&2
        log "FAILED: $*"
        exit 1
    fi
    [ -s "$R/err.tmp" ] && sed "s|^|$ds $eng $run $step: |" "$R/err.tmp" >> "$R/stderr.log"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ds" "$task" "$eng" "$run" "$step" \
        "$(tail -n 1 "$R/time.tmp")" "$load" >> "$R/runs.tsv"
}

# one measurement round of everything on one dataset; outputs go to $R/out/<ds>.<run>.*
round() { # dataset format run files...
    ds=$1 fmt=$2 run=$3
    shift 3
    o=$R/out/$ds.$run
    if has_task pairs; then
        k=0
        for p in $PAIRS; do
            k=$((k + 1))
            timed "$ds" pairs iaf "$run" "$p" "$IAF" count "$@" --by "$p" -o "$o.iaf.pair$k.csv"
        done
        timed "$ds" pairs duckdb "$run" pairs node "$HERE/duck.mjs" run --format "$fmt" \
            --pairs "$PAIRS" --out "$o.duck" "$@"
    fi
    if has_task onescan; then
        # one `iaf count` with one --by (and one -o) per pair: all tables from one scan
        args="" # word-split below: the bench's paths have no spaces
        k=0
        for p in $PAIRS; do
            k=$((k + 1))
            args="$args --by $p -o $o.iaf1.pair$k.csv"
        done
        # shellcheck disable=SC2086 # word splitting of $args is intended
        timed "$ds" onescan iaf "$run" all-pairs "$IAF" count "$@" $args
        timed "$ds" onescan duckdb "$run" sets node "$HERE/duck.mjs" run --format "$fmt" \
            --mode sets --pairs "$PAIRS" --out "$o.duck" "$@"
    fi
    if has_task joint; then
        timed "$ds" joint iaf "$run" "$JOINT" "$IAF" count "$@" --by "$JOINT" -o "$o.iaf.joint.csv"
        timed "$ds" joint duckdb "$run" joint node "$HERE/duck.mjs" run --format "$fmt" \
            --mode joint --pairs "$PAIRS" --joint "$JOINT" --out "$o.duck" "$@"
    fi
}

bench_dataset() { # dataset format file (or a quoted glob, expanded by iaf and DuckDB)
    ds=$1 fmt=$2 file=$3
    # shellcheck disable=SC2086 # the glob of a sharded dataset must expand here
    printf '%s\t%s\t%s\n' "$ds" "$(du -cb $file | tail -n 1 | cut -f1)" "$(set -- $file; echo $#)" \
        >> "$R/sizes.tsv"
    log "$ds: check round (also the cache warm-up)"
    round "$ds" "$fmt" 0 "$file"
    set -- --pairs "$PAIRS" --duck "$R/out/$ds.0.duck"
    if has_task pairs; then
        set -- "$@" --iaf "$R/out/$ds.0.iaf"
    else # without the per-pair task, the one-scan tables are the ones checked
        node "$HERE/duck.mjs" run --format "$fmt" --pairs "$PAIRS" --out "$R/out/$ds.0.duck" \
            "$file" 2>> "$R/stderr.log"
        set -- "$@" --iaf "$R/out/$ds.0.iaf1"
    fi
    has_task onescan && set -- "$@" --iaf-onescan "$R/out/$ds.0.iaf1"
    has_task joint && set -- "$@" --joint "$JOINT" --iaf-joint "$R/out/$ds.0.iaf.joint.csv"
    if ! node "$HERE/duck.mjs" check "$@" 2> "$R/check-$ds.txt"; then
        cat "$R/check-$ds.txt" >&2
        log "$ds: iaf and DuckDB disagree: stopping before any timing"
        exit 1
    fi
    log "$ds: counts agree ($(grep -c '^ok' "$R/check-$ds.txt") checks)"
    run=1
    while [ "$run" -le "$RUNS" ]; do
        log "$ds: timed run $run of $RUNS"
        round "$ds" "$fmt" "$run" "$file"
        # every timed iaf run must reproduce the checked output
        for f in "$R/out/$ds.0."iaf*.csv; do
            g=$(echo "$f" | sed "s|/$ds\.0\.|/$ds.$run.|")
            cmp -s "$f" "$g" || { log "$ds: run $run output $g differs from the checked one"; exit 1; }
        done
        rm -f "$R/out/$ds.$run."*
        run=$((run + 1))
    done
}

log "DuckDB start-up cost (node + DuckDB, SELECT 1)"
run=1
while [ "$run" -le "$RUNS" ]; do
    timed startup noop duckdb "$run" noop node "$HERE/duck.mjs" noop
    run=$((run + 1))
done

for ds in $ONLY; do
    case $ds in
    csv) bench_dataset "csv-$ROWS" csv "$CSV" ;;
    jsonl) bench_dataset "jsonl-$ROWS" jsonl "$JSONL" ;;
    pq-snappy-1 | pq-zstd-1)
        c=${ds#pq-}
        c=${c%-1}
        bench_dataset "parquet-$c-$ROWS" parquet "$D/npk-$ROWS-$c/train-00000-of-00001.parquet"
        ;;
    pq-snappy-* | pq-zstd-*)
        c=${ds#pq-}
        c=${c%-*}
        bench_dataset "parquet-$c-$TOTAL" parquet "$D/npk-$TOTAL-$c/*.parquet"
        ;;
    dir)
        [ -n "$PQDIR" ] || { log "dataset 'dir' needs BENCH_PARQUET_DIR"; exit 2; }
        bench_dataset "parquet-$LABEL" parquet "$PQDIR/*.parquet"
        ;;
    *) log "unknown dataset '$ds' in BENCH_ONLY"; exit 2 ;;
    esac
done
rm -f "$R/time.tmp" "$R/err.tmp"

[ "${BENCH_MICRO:-1}" = 0 ] || sh "$HERE/micro.sh" "$IAF" # the microdata audit (micro.sh)
node "$HERE/report.mjs" "$R" > "$R/results.md"
cat "$R/results.md"
log "results in $R/results.md"
