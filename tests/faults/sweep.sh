#!/usr/bin/env bash
# Fault-injection sweeps (tests/faults/iaf_faults.c) over every command on
# small real inputs:  sweep.sh oom|io [CASE...]
#   oom  the k-th allocation fails, for every k of the clean run
#   io   the k-th read (EIO, or short), mmap, open, write (EIO, ENOSPC, short),
#        fsync, close and rename (EIO, ENOSPC) of the file layer fails
# Each failing run must exit 1 with a clear message, no sanitizer report, no
# leak, and leave outputs (present with known content, or absent) as they were.
# CTest runs a sample of the points (IAF_FAULTS_BUDGET runs per case and class,
# 40 by default, 16 under the sanitizers (IAF_TEST_SANITIZED=1): every k up to
# half the budget, then a stride; the audits, the report and the scan, whose
# runs are long, a quarter of that); IAF_FAULTS_FULL=1 (`make faults`) runs
# every point. One summary line per case and class.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_FAULTS:?}"
kind=${1:?oom or io}
shift
if [ "${IAF_TEST_SANITIZED:-0}" = 1 ]; then budget=${IAF_FAULTS_BUDGET:-16}; else budget=${IAF_FAULTS_BUDGET:-40}; fi
[ "${IAF_FAULTS_FULL:-0}" = 1 ] && budget=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
src=$IAF_SRC
t=$IAF_SRC/tests/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Inputs live in the work directory too, so "nothing changed" covers them.
mkdir -p "$work/in" "$work/out"
cp "$t/csv/korean_utf8.csv" "$t/jsonl/korean_utf8.jsonl" "$t/csv/stress.csv" \
   "$t/parquet/interop/codec-zstd-v2.parquet" "$t/xwbuild/mini_values.csv" \
   "$t/xwbuild/mini_class.csv" "$t/xwbuild/mini_rules.csv" "$work/in/"
npk=$src/examples/npk
"$IAF" audit "$npk/audit.yaml" -o "$work/in/npk" --bootstrap 50 -t 1 -q >/dev/null
us=$src/tests/faults/us
"$IAF" audit "$us/spec.yaml" --counts-only -o "$work/in/usc" -t 1 -q >/dev/null
o=$work/out

# name | outputs (--out F / --out-dir D) | iaf arguments
# (the audits, the report and the scan run a quarter of the budget in CTest: their runs are
# long and their points many)
cases=(
  "count-csv|--out $o/c.csv|count $work/in/korean_utf8.csv --by 시도,성별 -t 1 -q -o $o/c.csv"
  "count-jsonl|--out $o/c.csv|count $work/in/korean_utf8.jsonl --by 시도,성별 -t 1 -q -o $o/c.csv"
  "count-parquet|--out $o/c.csv|count $work/in/codec-zstd-v2.parquet --by sex,province -t 1 -q -o $o/c.csv"
  "compare||compare $npk/data/npk/long/sex__province.csv $npk/data/reference/mois_2025_province_sex_agebin_19plus.csv --by sex,province --bootstrap 50 -t 1 --json"
  "audit-npk|--out-dir $o/r|audit $npk/audit.yaml -o $o/r --bootstrap 50 -t 1 -q"
  "audit-us|--out-dir $o/r|audit $us/spec.yaml -o $o/r --bootstrap 50 -t 1 -q"
  "counts-only|--out-dir $o/k|audit $us/spec.yaml --counts-only -o $o/k -t 1 -q"
  "merge|--out-dir $o/m|merge $work/in/usc $work/in/usc -o $o/m -q"
  "audit-counts|--out-dir $o/r|audit $us/spec.yaml --counts $work/in/usc -o $o/r --bootstrap 50 -t 1 -q"
  "report|--out $o/r.html|report $work/in/npk/report.json --format html -o $o/r.html"
  "crosswalk|--out $o/cw.csv --out $o/rep.csv|crosswalk build $work/in/mini_values.csv $work/in/mini_class.csv --level major --rules $work/in/mini_rules.csv --exclude 무직 --exclude-regex 전직.* -q -o $o/cw.csv --report $o/rep.csv"
  "scan||scan $work/in/stress.csv --permutations 20 -t 1"
)
if [ "$kind" = oom ]; then
  classes=("")
else
  classes=("read" "short-read" "mmap" "open" "write EIO" "write ENOSPC" "short-write"
           "fsync EIO" "fsync ENOSPC" "close EIO" "close ENOSPC" "rename EIO" "rename ENOSPC")
fi
fails=0
for c in "${cases[@]}"; do
  IFS='|' read -r name outs args <<<"$c"
  if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
  long=0
  case $name in audit-* | report | scan) long=1 ;; esac
  cls_here=("${classes[@]}")
  # a sample: under the sanitizers the US audit stands for both audits (an NPK audit takes
  # 9 s of CPU there); every case is in `make faults`
  [ "$budget" -gt 0 ] && [ "${IAF_TEST_SANITIZED:-0}" = 1 ] && [ "$name" = audit-npk ] && continue
  if [ "$budget" -gt 0 ] && [ "$long" = 1 ] && [ "$kind" = io ]; then
    # the long cases get one read, open, write and rename class each (every class of
    # every case is in `make faults`)
    cls_here=("read" "open" "write ENOSPC" "rename EIO")
  fi
  for cl in "${cls_here[@]}"; do
    opt=()
    if [ -n "$cl" ]; then
      read -r cls err <<<"$cl"
      opt=(--class "$cls")
      [ -n "${err:-}" ] && opt+=(--errno "$err")
    fi
    # shellcheck disable=SC2086
    b=$budget
    [ "$long" = 1 ] && [ "$b" -gt 0 ] && b=$(((b + 3) / 4))
    if ! "$IAF_FAULTS" "$kind" --work "$work" --label "$name" --budget "$b" --max-fail "${IAF_FAULTS_MAX_FAIL:-5}" "${opt[@]}" \
         $outs -- $args; then
      fails=$((fails + 1))
    fi
  done
done
[ "$fails" -eq 0 ] && echo "faults $kind: all clean"
exit $((fails > 0))
