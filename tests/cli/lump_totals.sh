#!/bin/bash
# Joint and marginal lump bounds tightened by the lumped attribute's category totals
# (`lump_totals:`; docs/method.md 9.2) against the independent scipy oracle
# tests/oracles/lump_totals_oracle.py: the bounds contain the exact identified set (LP over
# the transportation polytope), the lower bound is the row-wise relaxation's LP minimum, the
# totals tighten both ends, and without totals the bounds are METHOD 3.5's. The oracle must
# reject a report with a bound moved.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
d=$IAF_SRC/tests/data/lump_totals
"$IAF" audit "$d/spec.yaml" -o "$work" --bootstrap 100 -q
"$PYTHON" "$IAF_SRC/tests/oracles/lump_totals_oracle.py" "$d" "$work/report.json"
"$PYTHON" - "$work/report.json" "$work/bad.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["checks"]:
    if c["id"] == "joint_totals":
        c["variants"][0]["lump"]["cond_tvd_upper"] -= 0.05
json.dump(r, open(sys.argv[2], "w"))
PY
if "$PYTHON" "$IAF_SRC/tests/oracles/lump_totals_oracle.py" "$d" "$work/bad.json" > "$work/bad.out"; then
    echo "FAIL: the oracle accepted an upper bound inside the identified set"
    exit 1
fi
grep -q "do not contain the identified set" "$work/bad.out"
echo "lump_totals: ok"
