#!/usr/bin/env bash
# Rule checks (`kind: rule`) of `iaf audit` on the planted rules fixture: counts, shares,
# verdicts and examples equal the independent recount in tests/data/planted/.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$IAF" audit "$IAF_SRC/tests/data/planted/rules_audit.yaml" -o "$tmp/out" -q
"$PYTHON" "$IAF_SRC/tests/planted/check_rules_report.py" "$tmp/out/report.json"
