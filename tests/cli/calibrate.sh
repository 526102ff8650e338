#!/usr/bin/env bash
# `iaf calibrate` end to end on a real case: the MOSTLY AI CRC file of examples/us calibrated
# to the excerpt's SEX x INDP_CAT and age band x education checks, by raking and by logit with
# bounds [0.4, 2.5]; every row's factor must equal R survey::calibrate's
# (tests/oracles/calibrate_crc.R wrote tests/data/calibrate/crc_weights.csv) to 1e-9. Then the
# report, the --min-neff warning, the per-row weights in CSV and Parquet (read back by iaf and
# by DuckDB), a located failure that writes nothing, usage errors (exit 2)
# and the refusal to write over an input.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
py=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=$IAF_SRC/examples/us/mostlyai.yaml
to=sex_x_indp__excerpt,age_x_edu__excerpt

"$IAF" calibrate "$spec" --to "$to" --epsilon 1e-12 -t 1 --units "$tmp/raking.csv" -o "$tmp/raking_rows.csv" \
    > "$tmp/raking.txt"
"$IAF" calibrate "$spec" --to "$to" --epsilon 1e-12 -t 1 --method logit --bounds 0.4,2.5 \
    --units "$tmp/logit.csv" -o "$tmp/logit_rows.csv" > "$tmp/logit.txt"

check_r() { # weights.csv column-of-R
    "$py" - "$IAF_SRC" "$1" "$2" <<'PY'
import csv, sys
src, path, col = sys.argv[1:]
sys.path.insert(0, src + '/tests/oracles')
from crc_calibration import age_band as band, edu_crosswalk
xw = edu_crosswalk(src)
R = {(r['sex_indp'], r['age_edu']): float(r[col])
     for r in csv.DictReader(open(src + '/tests/data/calibrate/crc_weights.csv'))}
rows, worst = 0, 0.0
for r in csv.DictReader(open(path)):
    # the excerpt's N (declared missing) is written as an empty field
    si = r['SEX'] + '|' + (r['INDP_CAT'] or 'N')
    b, e = band(r['AGEP']), xw.get(r['EDU'])
    ae = b + '|' + e if b and e else ''
    worst = max(worst, abs(float(r['g']) - R[(si, ae)]))
    rows += int(r['rows'])
assert rows == 27253, rows
assert worst <= 1e-9, f'{col}: max |iaf - R| = {worst}'
print(f'{col}: {rows} rows, max |iaf - R| = {worst:.3g}')
PY
}
check_r "$tmp/raking.csv" raking
check_r "$tmp/logit.csv" logit
# -o: every row of the synthetic file, in order, with R's weight for its categories
"$py" - "$IAF_SRC" "$tmp/logit_rows.csv" <<'PY'
import csv, sys
src, path = sys.argv[1:]
sys.path.insert(0, src + '/tests/oracles')
from crc_calibration import age_band as band, edu_crosswalk
xw = edu_crosswalk(src)
R = {(r['sex_indp'], r['age_edu']): float(r['logit'])
     for r in csv.DictReader(open(src + '/tests/data/calibrate/crc_weights.csv'))}
syn = list(csv.DictReader(open(src + '/examples/us/data/synthetic/mostlyai/mostlyai_sd_platform_PaulTiwald_1.csv')))
got = list(csv.DictReader(open(path)))
assert len(got) == len(syn) == 27253, (len(got), len(syn))
worst = 0.0
for i, (s, g) in enumerate(zip(syn, got)):
    assert int(g['row']) == i + 1 and g['file'].endswith('mostlyai_sd_platform_PaulTiwald_1.csv')
    b, e = band(s['AGEP']), xw.get(s['EDU'])
    key = (s['SEX'] + '|' + s['INDP_CAT'], b + '|' + e if b and e else '')
    worst = max(worst, abs(float(g['weight']) - R[key]))
assert worst <= 1e-9, worst
print(f'rows: {len(got)} rows in file order, max |iaf - R| = {worst:.3g}')
PY

# the same weights as Parquet: iaf's own reader and DuckDB (tests/engines) read the same rows
"$IAF" calibrate "$spec" --to "$to" --epsilon 1e-12 -t 1 --method logit --bounds 0.4,2.5 \
    -o "$tmp/logit_rows.parquet" > /dev/null
"$IAF" inspect "$tmp/logit_rows.parquet" > "$tmp/inspect.txt"
grep -q '^num_rows: 27253$' "$tmp/inspect.txt"
grep -q 'weight: DOUBLE required' "$tmp/inspect.txt"
grep -q '^verified: 3 flat columns decoded' "$tmp/inspect.txt"
"$IAF" count "$tmp/logit_rows.parquet" --by row --weight weight -o "$tmp/pq_count.csv"
"$IAF" count "$tmp/logit_rows.csv" --by row --weight weight -o "$tmp/csv_count.csv"
cmp -s "$tmp/pq_count.csv" "$tmp/csv_count.csv"
(cd "$tmp" && printf "SELECT file, row, weight FROM read_parquet('logit_rows.parquet')\n" > q.sql &&
    node "$IAF_SRC/tests/engines/duck_run.mjs" select q.sql duck.csv csv)
"$py" - "$tmp/duck.csv" "$tmp/logit_rows.csv" <<'PY'
import sys
import pandas as pd
a, b = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
assert list(a.columns) == ['file', 'row', 'weight'] and len(a) == len(b) == 27253
assert (a.file == b.file).all() and (a.row == b.row).all()
assert (a.weight == b.weight).all()  # both the shortest round-trip text of the same doubles
print('parquet: DuckDB reads every row and weight')
PY

grep -q '^calibration: raking; converged after [0-9]* iterations' "$tmp/raking.txt"
grep -q '^calibration: logit with bounds \[0.4, 2.5\]; converged' "$tmp/logit.txt"
grep -q '^margin sex_x_indp__excerpt: 40 cells' "$tmp/raking.txt"
grep -q '^margin age_x_edu__excerpt: 35 cells' "$tmp/raking.txt"
grep -q 'units sit in cells the reference does not have: left free' "$tmp/raking.txt"
# R: Kish n_eff 26629.28 (raking) and 26628.48 (logit) of 27253
grep -q '^effective n (Kish): 26629.3 of 27253 rows' "$tmp/raking.txt"
grep -q '^effective n (Kish): 26628.5 of 27253 rows' "$tmp/logit.txt"
head -1 "$tmp/raking.csv" | grep -qx 'SEX,INDP_CAT,AGEP,EDU,rows,mass,g'

# the re-audit: every marginal and joint check, calibrated ones at 0 afterwards, and the
# unweighted values equal to the audit's own metrics (report.json, variants[0].metrics)
"$IAF" audit "$spec" --no-bootstrap -q -t 1 -o "$tmp/audit" > /dev/null
"$py" - "$tmp/audit/report.json" "$tmp/raking.txt" <<'PY'
import json, re, sys
rep = json.load(open(sys.argv[1]))
lines = [l for l in open(sys.argv[2]) if l.startswith('  ') and ': tvd ' in l]
got = {}
for l in lines:
    m = re.match(r'  (\S+)( \(calibrated\))?: tvd ([0-9.]+) -> ([0-9.]+)(?:, cond_tvd ([0-9.]+) -> ([0-9.]+))?', l)
    got[m.group(1)] = (bool(m.group(2)), float(m.group(3)), float(m.group(4)),
                       m.group(5) and float(m.group(5)), m.group(6) and float(m.group(6)))
want = [c for c in rep['checks'] if c['kind'] in ('marginal', 'joint')]
assert sorted(got) == sorted(c['id'] for c in want), (sorted(got), [c['id'] for c in want])
for c in want:
    cal, tb, ta, cb, ca = got[c['id']]
    m = c['variants'][0]['metrics']
    assert abs(tb - m['tvd_joint']) <= 5e-5, (c['id'], tb, m['tvd_joint'])
    assert abs(cb - m['cond_tvd_y_given_x']) <= 5e-5, (c['id'], cb, m['cond_tvd_y_given_x'])
    if cal:
        assert ta == 0 and ca == 0, c['id']
assert sum(g[0] for g in got.values()) == 2
# calibrating to the excerpt moves the national ACS checks away: shown, not hidden
assert got['sex_x_age__acs'][2] > got['sex_x_age__acs'][1]
PY
grep -q '^  sex_x_age__acs: tvd .* WORSE$' "$tmp/raking.txt"

# the effective-n warning
"$IAF" calibrate "$spec" --to "$to" --min-neff 0.99 -o "$tmp/w.csv" > /dev/null 2> "$tmp/err"
grep -q 'warning: the effective n is below 0.99' "$tmp/err"
"$IAF" calibrate "$spec" --to "$to" --min-neff 0.9 -o "$tmp/w.csv" > /dev/null 2> "$tmp/err"
[ ! -s "$tmp/err" ]

# bounds the targets cannot meet: a located error, exit 1, the report, no weights file
set +e
"$IAF" calibrate "$spec" --to sex_x_indp__excerpt --method logit --bounds 0.9,1.1 \
    -o "$tmp/none.csv" > "$tmp/out" 2> "$tmp/err"
rc=$?
set -e
[ "$rc" = 1 ] || { echo "non-convergence: exit $rc"; exit 1; }
# the cell that no factor inside the bounds can fill is named: its target over its rows
grep -q "mostlyai.yaml:[0-9]*: the bounds \[0.9, 1.1\] cannot be met: margin 'sex_x_indp__excerpt', category '2 | 1' needs a mean factor g of 0.55 (target 22 over a mass of 40); calibration did not converge after 100 iterations: margin 'sex_x_indp__excerpt'" "$tmp/err"
grep -q 'DID NOT CONVERGE' "$tmp/out"
if grep -q '^re-audit' "$tmp/out"; then echo 're-audit printed for failed weights'; exit 1; fi
[ ! -e "$tmp/none.csv" ]

# usage errors
expect2() {
    set +e
    "$IAF" calibrate "$@" > /dev/null 2> "$tmp/err"
    local rc=$?
    set -e
    [ "$rc" = 2 ] || { echo "expected exit 2 for: $*"; cat "$tmp/err"; exit 1; }
}
expect2 "$spec"
expect2 "$spec" --to nope
expect2 "$spec" --to edu_na_at_3plus
expect2 "$spec" --to sex_x_indp__excerpt,sex_x_indp__excerpt
expect2 "$spec" --to sex_x_indp__excerpt --method ipf
expect2 "$spec" --to sex_x_indp__excerpt --bounds 1,2
expect2 "$spec" --to sex_x_indp__excerpt --min-neff 1.5
# an output that is an input is refused (exit 1)
set +e
"$IAF" calibrate "$spec" --to sex_x_indp__excerpt -o "$spec" > /dev/null 2> "$tmp/err"
rc=$?
set -e
[ "$rc" = 1 ] && grep -q 'refusing to write over it' "$tmp/err"
echo "calibrate: ok"
