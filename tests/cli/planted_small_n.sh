#!/usr/bin/env bash
# Planted truth at n = 2000 (docs/validation.md): verdicts may be INCONCLUSIVE but never
# wrong-way: no FLAG on a faithful pair, no PASS on a flattened one. 20 samples per scenario
# (each scenario its own data seeds, each sample its own bootstrap seed), B = 1000, one
# `iaf audit` per sample. In a sanitizer build only the first 4 samples per scenario run: the
# statistics do not change with the build, the time does.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d "$IAF_BUILD/planted-small-n.XXXXXX")
trap 'rm -rf "$work"' EXIT
# B = 200: calibrated intervals (the default) cost tens of simulations each
run() { "$PYTHON" "$IAF_SRC/tests/planted/run_planted.py" --work "$work" --via audit --B 200 "$@"; }
reps=20
if grep -q '^IAF_SANITIZE:BOOL=ON' "$IAF_BUILD/CMakeCache.txt" 2>/dev/null; then reps=4; fi
status=0
run small-n --scenarios indep,partial,half,combo --n 2000 --seed 7000 --reps $reps || status=1
run --threshold footprint=0.25 small-n --scenarios half,combo --n 2000 --seed 7100 --reps $reps \
    || status=1
exit $status
