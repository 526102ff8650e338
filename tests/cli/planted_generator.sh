#!/usr/bin/env bash
# The planted-truth generator (tests/planted/gen_planted.py) makes what it claims: its samples
# fit the law it states, flattenings touch only their column, the population metrics obey the
# mixture identities, and the committed truth table is current. No iaf involved: the other
# planted_* tests rely on this one.
set -euo pipefail
: "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
"$PYTHON" "$IAF_SRC/tests/planted/check_generator.py"
