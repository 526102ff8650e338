#!/usr/bin/env bash
# Bounded (logit) calibration of the NPK worked example (docs/calibration.md) at 100,000
# planted rows: the bounds [0.2, 5] are infeasible, and iaf says why, naming the cell that
# needs a mean factor far above 5 (EAPS's women in skilled agriculture: a target of 1042 over
# 8 synthetic rows); bounds that a linear program (scipy HiGHS, tests/oracles/
# calibrate_npk_bounds.py) finds feasible converge, by the damped Newton iteration, to the
# solution that an independent minimisation of the convex dual finds (g to 1e-9).
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
py=${PYTHON:-/usr/bin/python3}
export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=$IAF_SRC/examples/npk/calibrate.yaml
"$py" "$IAF_SRC/tests/planted/gen_npk_micro.py" --variant robust --rows 100000 --seed 1 \
    --out "$tmp/npk" > /dev/null
"$IAF" calibrate "$spec" --microdata "$tmp/npk/data" -o "$tmp/w.csv" --units "$tmp/u.csv" \
    > /dev/null 2>&1
set +e
"$IAF" calibrate "$spec" --microdata "$tmp/npk/data" --method logit --bounds 0.2,5 \
    -o "$tmp/none.csv" > "$tmp/out.txt" 2> "$tmp/err.txt"
rc=$?
set -e
[ "$rc" = 1 ] || { echo "bounds [0.2, 5]: exit $rc"; exit 1; }
[ ! -e "$tmp/none.csv" ]
# located at the check of the cell that cannot be filled
line=$(grep -n -- '- id: sex_x_occupation$' "$spec" | cut -d: -f1)
grep -q "calibrate.yaml:$line: the bounds \[0.2, 5\] cannot be met: margin 'sex_x_occupation', category '6 | 여자' needs a mean factor g of 130.262 (target 1042.0951023671314 over a mass of 8)" "$tmp/err.txt"
grep -q 'DID NOT CONVERGE' "$tmp/out.txt"
"$IAF" calibrate "$spec" --microdata "$tmp/npk/data" --method logit --bounds 0.2,140 \
    --epsilon 1e-12 -o "$tmp/wl.csv" --units "$tmp/ul.csv" > "$tmp/logit.txt" 2> /dev/null
grep -q '^calibration: logit with bounds \[0.2, 140\]; converged after' "$tmp/logit.txt"
"$py" "$IAF_SRC/tests/oracles/calibrate_npk_bounds.py" "$IAF_SRC" "$tmp/u.csv" 0.2 5 \
    "$tmp/ul.csv" 0.2 140 > "$tmp/oracle.json"
"$py" - "$tmp/oracle.json" "$tmp/ul.csv" <<'PY'
import json, sys
import pandas as pd
o = json.load(open(sys.argv[1]))
w = o['largest_mean_g']
assert not o['feasible']
assert w['margin'] == 'sex_x_occupation' and w['category'] == '6 | 여자', w
assert w['mass'] == 8 and abs(w['ratio'] - 130.26188779589143) < 1e-9, w
# with L = 0.2 no U below 133.96 is feasible: 140 is, and iaf converged there
assert 133.9 < o['smallest_upper'] < 134.0 and o['smallest_upper'] < 140, o['smallest_upper']
d = o['dual']
assert d['criterion'] < 1e-12 and d['max_g_diff'] <= 1e-9, d
g = pd.read_csv(sys.argv[2])['g']
assert 0.2 < g.min() and g.max() < 140
print(f"logit NPK: [0.2, 5] infeasible (6 | 여자 needs g {w['ratio']:.6g}); smallest U with "
      f"L = 0.2: {o['smallest_upper']:.6g}; [0.2, 140] matches the dual solution to "
      f"{d['max_g_diff']:.3g}")
PY
echo "calibrate_bounds: ok"
