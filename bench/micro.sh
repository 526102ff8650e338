#!/bin/sh
# bench/micro.sh IAF_BINARY - the microdata audit (examples/npk/microdata.yaml) on the planted
# NPK-shaped Parquet data at full scale: the four variants of tests/planted/gen_npk_micro.py
# (robust, mild, age-confounded, faithful), MICRO_ROWS rows each in MICRO_SHARDS shards laid out
# like the Hugging Face download. Each audit runs as a user runs it (default B = 1000, 2 threads)
# under GNU time (wall, peak RSS, CPU), once more with --no-bootstrap (the scan and derivation
# alone), and its verdicts are checked against the planted truth (tests/planted/check_npk_micro.py).
# Called by bench/run.sh; results in BENCH_DATA/results/micro-<stamp>.md.
#
# Environment: BENCH_DATA (default bench/data), MICRO_ROWS (1000000), MICRO_SHARDS (4),
#              MICRO_THREADS (2), MICRO_VARIANTS ("robust mild age-confounded faithful").
set -eu
[ $# -ge 1 ] || { echo "usage: sh bench/micro.sh IAF_BINARY" >&2; exit 2; }
IAF=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
D=${BENCH_DATA:-$HERE/data}
ROWS=${MICRO_ROWS:-1000000}
SHARDS=${MICRO_SHARDS:-4}
THREADS=${MICRO_THREADS:-2}
VARIANTS=${MICRO_VARIANTS:-"robust mild age-confounded faithful"}
PY=/usr/bin/python3
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "micro: needs GNU time at /usr/bin/time" >&2; exit 2; }
log() { printf '%s micro: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

M=$D/micro-$ROWS
mkdir -p "$M" "$D/results"
OUT=$D/results/micro-$(date +%Y%m%d-%H%M%S).md
{
    echo "# Microdata audit on planted NPK data ($ROWS rows, $SHARDS shards, $THREADS threads)"
    echo
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(uname -srm); nproc: $(nproc);" \
        "load: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "iaf: $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo
    echo "| variant | audit wall s | CPU s | peak RSS MB | no-bootstrap wall s | peak RSS MB | raw flattening_pooled | standardised | verdict | checked |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
} > "$OUT"
for v in $VARIANTS; do
    dir=$M/$v
    if [ ! -f "$dir/done" ]; then
        log "generating $v ($ROWS rows)"
        rm -rf "$dir"
        "$PY" "$REPO/tests/planted/gen_npk_micro.py" --variant "$v" --rows "$ROWS" --seed 1 \
            --shards "$SHARDS" --out "$dir" --truth "$dir/truth.json" --sidecar "$dir/rows.csv"
        touch "$dir/done"
    fi
    log "$v: audit"
    "$TIME" -f '%e %M %U %S' -o "$dir/time.full" "$IAF" audit "$REPO/examples/npk/microdata.yaml" \
        --microdata "$dir/data" -t "$THREADS" -o "$dir/out" --format json -q
    "$TIME" -f '%e %M %U %S' -o "$dir/time.scan" "$IAF" audit "$REPO/examples/npk/microdata.yaml" \
        --microdata "$dir/data" -t "$THREADS" -o "$dir/out-nb" --format json -q --no-bootstrap
    ok=yes
    "$PY" "$REPO/tests/planted/check_npk_micro.py" --variant "$v" --truth "$dir/truth.json" \
        --rows "$dir/rows.csv" --report "$dir/out/report.json" --summary "$dir/summary.json" \
        > "$dir/check.txt" || ok=NO
    read -r fw fm fu fs < "$dir/time.full"
    read -r sw sm _ _ < "$dir/time.scan"
    "$PY" - "$dir/summary.json" "$v" "$fw" "$fm" "$fu" "$fs" "$sw" "$sm" "$ok" >> "$OUT" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
v, fw, fm, fu, fs, sw, sm, ok = sys.argv[2:]
ri, si = s["raw_interval"], s["std_interval"]
print(f"| {v} (lambda {s['lambda']}) | {float(fw):.1f} | {float(fu) + float(fs):.1f} | "
      f"{int(fm) / 1024:.0f} | {float(sw):.1f} | {int(sm) / 1024:.0f} | "
      f"{s['raw_pooled']:.3f} [{ri['lo']:.3f}, {ri['hi']:.3f}] | "
      f"{s['std_pooled']:.3f} [{si['lo']:.3f}, {si['hi']:.3f}] | "
      f"{s['verdict']} {s['diagnosis']}; std {s['std_verdict']}; {s['mapping']}, {s['age']} | {ok} |")
PYEOF
done
cat "$OUT"
log "results in $OUT"
