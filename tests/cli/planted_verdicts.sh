#!/usr/bin/env bash
# Planted truth at n = 100k and 1M (docs/validation.md): every pair the generator flattened
# must FLAG and every faithful pair PASS, with the footprint within 0.05 of the planted
# fraction. Fixed seeds, B = 1000. The 100k samples go through `iaf compare --bootstrap`, the
# 1M sample through one `iaf audit` spec with all ten pairs.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d "$IAF_BUILD/planted-verdicts.XXXXXX")
trap 'rm -rf "$work"' EXIT
run() { "$PYTHON" "$IAF_SRC/tests/planted/run_planted.py" --work "$work" "$@"; }

# Occupation independent of everything (the whole column shuffled): 4 pairs at f = 1.
run verdicts --scenario indep --n 100000 --seed 101
# Occupation shuffled among a random 75% of the rows: f = 0.75.
run verdicts --scenario partial --n 100000 --seed 102
# Major redrawn from its marginal with probability 0.5: f = 0.5. The footprint is then 0.5,
# the default threshold, so sex x major (whose cond_tvd passes) is a boundary case, reported
# but not asserted; with the footprint threshold at 0.25 every flattened pair must FLAG.
run verdicts --scenario half --n 100000 --seed 103
run --threshold footprint=0.25 verdicts --scenario half --n 100000 --seed 103
# Both at once, 1M rows (one sample, both threshold settings); at this n the faithful pairs'
# footprints must be within 0.05 of 0 too.
run --via audit verdicts --scenario combo --n 1000000 --seed 104 --faithful-footprint-tol 0.05
run --via audit --threshold footprint=0.25 verdicts --scenario combo --n 1000000 --seed 104 \
    --faithful-footprint-tol 0.05
