#!/usr/bin/env bash
# Determinism: the same inputs give byte-identical outputs for 1, 2, 3, 8 and 16 worker threads
# and across runs, on CSV, JSONL and Parquet microdata: `iaf count` with two --by tables in one
# scan, and a full `iaf audit` (marginal, joint and rule checks with a 200-replicate bootstrap,
# which runs on the worker threads too). The only text allowed to differ is the recorded command
# line's "-t N". The rows are the committed persona-like Parquet file (tests/data/parquet/
# persona-like) and its pandas/DuckDB oracle: the CSV and JSONL hold the same rows (40 times,
# 5-8 MB, cut into 256 KiB parts by IAF_TEXT_PART_BYTES so that several workers read parts of
# one file; one more run reads them whole), the Parquet dataset is four copies of the file (four
# files scanned in parallel). As a cross-check, the CSV and JSONL count
# tables must also be equal to each other and to Python's count of the oracle rows.
#
# Environment (set by CTest): IAF, IAF_SRC, PYTHON.
set -u
: "${IAF:?}" "${IAF_SRC:?}"
IAF=$(realpath "$IAF")
PY=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
PQ="$IAF_SRC/tests/data/parquet/persona-like/indiastox_personas_synthetic.parquet"

mkdir -p "$TMP/csv" "$TMP/jsonl" "$TMP/parquet"
for k in 1 2 3 4; do cp "$PQ" "$TMP/parquet/part-$k.parquet"; done
"$PY" - "$PQ.oracle.jsonl.gz" "$TMP" <<'EOF' || exit 1
import collections, csv, gzip, json, random, sys
src, d = sys.argv[1], sys.argv[2]
lines = [json.loads(l) for l in gzip.open(src, "rt", encoding="utf-8")]
cols = {l["column"]: l["values"] for l in lines[1:]}
keep = ["state", "city_tier", "device_type", "acquisition_channel", "age", "occupation"]
n = len(cols["state"])
rows = [{k: cols[k][i] for k in keep} for i in range(n)]
with open(f"{d}/csv/personas.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=keep, lineterminator="\n")
    w.writeheader()
    for _ in range(40):
        w.writerows(rows)
with open(f"{d}/jsonl/personas.jsonl", "w", encoding="utf-8") as f:
    for _ in range(40):
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
# references: the data's own shares, perturbed (seeded), so that checks have work to do
rng = random.Random(20261205)
def ref(name, keys):
    c = collections.Counter(tuple(str(r[k]) for k in keys) for r in rows)
    with open(f"{d}/{name}", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(keys + ["count"])
        for k in sorted(c):
            w.writerow(list(k) + [int(c[k] * 1000 * rng.uniform(0.8, 1.2))])
ref("ref_device.csv", ["device_type"])
ref("ref_occ_tier.csv", ["occupation", "city_tier"])
# Python's own count of the CSV/JSONL rows (40 copies), sorted by byte order like iaf
def oracle(name, keys):
    c = collections.Counter(tuple(str(r[k]) for k in keys) for r in rows)
    with open(f"{d}/{name}", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(keys + ["count"])
        for k in sorted(c, key=lambda t: [s.encode() for s in t]):
            w.writerow(list(k) + [40 * c[k]])
oracle("oracle_state_tier.csv", ["state", "city_tier"])
oracle("oracle_occ_device.csv", ["occupation", "device_type"])
EOF

for fmt in csv jsonl parquet; do
    case $fmt in
    csv) data=csv/personas.csv ;;
    jsonl) data=jsonl/personas.jsonl ;;
    parquet) data=parquet ;;
    esac
    cat >"$TMP/spec_$fmt.yaml" <<EOF
iaf: 1
name: determinism ($fmt)
dataset:
  title: persona-like rows
  microdata: [$data]
references:
  - id: ref_device
    file: ref_device.csv
    publisher: test
    table: device type
    year: "2024"
    universe: all
    licence: CC0
    n_effective: 20000
  - id: ref_occ_tier
    file: ref_occ_tier.csv
    publisher: test
    table: occupation by city tier
    year: "2024"
    universe: all
    licence: CC0
    full_count: true
checks:
  - id: device_marginal
    kind: marginal
    attributes: [device_type]
    reference: ref_device
    disclosure: none
  - id: occupation_x_tier
    kind: joint
    attributes: [occupation, city_tier]
    reference: ref_occ_tier
    disclosure: none
  - id: young_in_tier_1
    kind: rule
    rule: 'age < 20 => city_tier == "Tier-1"'
    citation: test
EOF
done

# run FMT T RUN: count and audit into $TMP/run-FMT-T-RUN/
run() {
    local fmt=$1 t=$2 r=$3 data
    case $fmt in
    csv) data=../csv/personas.csv ;;
    jsonl) data=../jsonl/personas.jsonl ;;
    parquet) data=../parquet ;;
    esac
    local dir="$TMP/run-$fmt-$t-$r"
    mkdir -p "$dir"
    local envcmd=(env IAF_TEXT_PART_BYTES=262144)
    [ "$r" = whole ] && envcmd=(env -u IAF_TEXT_PART_BYTES)
    (cd "$dir" && "${envcmd[@]}" "$IAF" count "$data" --by state,city_tier -o state_tier.csv \
        --by occupation,device_type -o occ_device.csv -t "$t" -q) ||
        { echo "FAIL: count $fmt -t $t exited $?"; fail=1; }
    (cd "$dir" && "${envcmd[@]}" "$IAF" audit ../spec_$fmt.yaml -o out --bootstrap "$boot" -t "$t" -q) ||
        { echo "FAIL: audit $fmt -t $t exited $?"; fail=1; }
    # the command line records -t N; nothing else may differ
    for f in "$dir"/out/report.json "$dir"/out/report.md "$dir"/out/report.html; do
        [ -f "$f" ] && sed -i "s/ -t $t / -t N /" "$f"
    done
}

# Under the sanitizers (about 20x slower) the same comparisons run at 1, 3 and 16 threads with a
# 50-replicate bootstrap; the normal build runs the whole grid.
boot=200 threads="1 2 3 8 16" sanitized=0
if grep -q '^IAF_SANITIZE:BOOL=ON' "${IAF_BUILD:-/nonexistent}/CMakeCache.txt" 2>/dev/null; then
    boot=50 threads="1 3 16" sanitized=1
fi
for fmt in csv jsonl parquet; do
    for t in $threads; do run "$fmt" "$t" 1; done
    if [ "$sanitized" = 0 ]; then
        run "$fmt" 8 2
        run "$fmt" 3 2
    fi
    run "$fmt" 2 whole
    base="$TMP/run-$fmt-1-1"
    n=$(ls "$base/out" | wc -l)
    [ "$n" -eq 4 ] || { echo "FAIL: $fmt audit wrote $n files, want 4"; fail=1; }
    grep -q '"verdict": "FLAG"' "$base/out/report.json" ||
        { echo "FAIL: $fmt audit has no FLAG: the checks did no work"; fail=1; }
    for other in "$TMP"/run-"$fmt"-*; do
        [ "$other" = "$base" ] && continue
        for f in state_tier.csv occ_device.csv out/report.json out/report.md out/report.html \
            out/cells.csv; do
            if ! cmp -s "$base/$f" "$other/$f"; then
                echo "FAIL: $fmt: $f differs between $(basename "$base") and $(basename "$other")"
                diff "$base/$f" "$other/$f" 2>&1 | head -5
                fail=1
            fi
        done
    done
done

# cross-checks: both text formats hold the same rows, and Python counts them the same way
for f in state_tier occ_device; do
    cmp -s "$TMP/run-csv-1-1/$f.csv" "$TMP/run-jsonl-1-1/$f.csv" ||
        { echo "FAIL: CSV and JSONL count tables $f differ"; fail=1; }
done
cmp -s "$TMP/run-csv-1-1/state_tier.csv" "$TMP/oracle_state_tier.csv" ||
    { echo "FAIL: count --by state,city_tier differs from Python's count"; fail=1; }
cmp -s "$TMP/run-csv-1-1/occ_device.csv" "$TMP/oracle_occ_device.csv" ||
    { echo "FAIL: count --by occupation,device_type differs from Python's count"; fail=1; }

[ $fail -eq 0 ] && echo "determinism: ok (3 formats x 8 runs, count and audit)"
exit $fail
