#!/bin/sh
# Regenerates every derived file of the NPK example from the committed originals.
# usage: sh run_all.sh [OUT_ROOT [extra args for every script, e.g. --quiet]]
# With OUT_ROOT the outputs land below OUT_ROOT with the same relative paths as in
# examples/npk (the regeneration test diffs the two trees). Needs only Python 3's
# standard library; PYTHON overrides the interpreter.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-/usr/bin/python3}
OUT=${1:-}
[ $# -gt 0 ] && shift
for script in npk_long kosis_refs mois_agebin eaps_ksco lalfs_cells lalfs_age register_marital; do
    if [ -n "$OUT" ]; then
        "$PY" "$HERE/$script.py" --out-root "$OUT" "$@"
    else
        "$PY" "$HERE/$script.py" "$@"
    fi
done
