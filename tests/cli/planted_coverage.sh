#!/usr/bin/env bash
# Coverage of the bootstrap intervals (docs/validation.md): over 60 independent samples of
# n = 10000 rows (data seeds 5000..5059, bootstrap seed 20260611 + i, B = 200), the 95%
# calibrated intervals (the default; each costs tens of simulations, hence fewer samples
# and replicates than the 200 x 1000 basic intervals this test used to run) of tvd_joint,
# cond_tvd_y_given_x and footprint must cover the population value at least 90% of the time
# pooled over the six flattened pairs (f = 1 and f = 0.5), and at least 85% for each (as
# tests/unit/test_calibration.c: 60 draws measure one pair's coverage only to +-3 points, and
# age_band x major sits near 90% in 240-draw runs, docs/validation.md). Faithful pairs
# (population value 0, the edge of the range) are reported, not asserted. One `iaf audit` per
# sample. A sanitizer build runs 20 samples and only reports (20 cannot measure 90%).
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d "$IAF_BUILD/planted-coverage.XXXXXX")
trap 'rm -rf "$work"' EXIT
reps=60 min=0.90 pair=0.85
if grep -q '^IAF_SANITIZE:BOOL=ON' "$IAF_BUILD/CMakeCache.txt" 2>/dev/null; then
    reps=20 min=none pair=none
fi
"$PYTHON" "$IAF_SRC/tests/planted/run_planted.py" --work "$work" --via audit --B 200 coverage \
    --scenario combo --n 10000 --seed 5000 --reps $reps --min-coverage $min --min-pair-coverage $pair
