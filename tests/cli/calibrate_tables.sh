#!/usr/bin/env bash
# `iaf calibrate` on a count table (dataset: tables) and `iaf audit --weights` with the
# per-cell weights it writes. The table is the exact cross-tab of the MOSTLY AI CRC file over
# the columns the targets read (SEX, INDP_CAT, AGEP, EDU), so:
#  * every cell's factor g equals the microdata path's g for the same combination (--units on
#    examples/us/mostlyai.yaml) to 1e-12, and R survey::calibrate's (tests/data/calibrate) to 1e-9;
#  * an independent numpy IPF on the count table, with targets computed by pandas from the
#    references, gives the same g (1e-9), and Kish's n with the cell counts as frequency weights;
#  * the weighted audit of the table (iaf audit --weights) puts the calibrated checks at their
#    references, with Kish's n as the synthetic sample size;
#  * the per-cell file in CSV and Parquet (read back by iaf and DuckDB), and the located errors:
#    a cell without a weight, a table without a key column, per-row weights for a table,
#    per-cell weights for microdata, --id for a table.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
py=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
us=$IAF_SRC/examples/us
crc=$us/data/synthetic/mostlyai/mostlyai_sd_platform_PaulTiwald_1.csv
to=sex_x_indp__excerpt,age_x_edu__excerpt

"$py" - "$crc" "$tmp/cells.csv" <<'PY'
import sys
import pandas as pd
d = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
t = d.groupby(['SEX', 'INDP_CAT', 'AGEP', 'EDU'], sort=True).size().reset_index(name='count')
t.to_csv(sys.argv[2], index=False)
PY
spec_for() { # table file -> spec on stdout
    cat <<EOF
iaf: 1
name: the MOSTLY AI CRC file as one count table
dataset:
  title: cross-tab of the MOSTLY AI CRC file over SEX, INDP_CAT, AGEP, EDU
  missing: [N]
  tables:
    - {id: cells, file: $1}
$2
crosswalks:
  - {id: edu_b15001, file: $us/crosswalks/edu_to_b15001.csv}
attributes:
  - {name: EDU, column: EDU, drop_missing: false}
  - {name: INDP_CAT, column: INDP_CAT, drop_missing: false}
  - {name: edu7, column: EDU, crosswalk: edu_b15001}
  - name: age_band
    column: AGEP
    bins: {edges: [18, 25, 35, 45, 65, .inf], labels: ["18-24", "25-34", "35-44", "45-64", "65+"]}
references:
  - {id: excerpt, file: $us/data/excerpt/national2019.csv, form: microdata, missing: [N]}
  - {id: excerpt_age_education, file: $us/data/reference/excerpt_rows_age_education.csv}
checks:
  - {id: sex_x_edu__excerpt, kind: joint, attributes: [SEX, EDU], reference: excerpt, disclosure: none}
  - {id: sex_x_indp__excerpt, kind: joint, attributes: [SEX, INDP_CAT], reference: excerpt, disclosure: none}
  - id: age_x_edu__excerpt
    kind: joint
    attributes: [age_band, edu7]
    universe: AGEP >= 18
    reference: excerpt_age_education
    reference_columns: [age_band, education]
    disclosure: none
EOF
}
spec_for "$tmp/cells.csv" "" > "$tmp/spec.yaml"

"$IAF" calibrate "$tmp/spec.yaml" --to "$to" --epsilon 1e-12 -t 1 -o "$tmp/w.csv" > "$tmp/report.txt"
"$IAF" calibrate "$tmp/spec.yaml" --to "$to" --epsilon 1e-12 -t 1 -o "$tmp/w.parquet" > /dev/null
"$IAF" calibrate "$us/mostlyai.yaml" --to "$to" --epsilon 1e-12 -t 1 --units "$tmp/micro.csv" \
    -o "$tmp/rows.csv" > /dev/null
head -1 "$tmp/w.csv" | grep -qx 'SEX,INDP_CAT,AGEP,EDU,count,g,calibrated_count'
grep -q "^units: 9680 cells of the count table 'cells' over SEX INDP_CAT AGEP EDU$" "$tmp/report.txt"
grep -q '^calibration: raking; converged after [0-9]* iterations' "$tmp/report.txt"
grep -q '^  1 units sit in cells the reference does not have: left free$' "$tmp/report.txt"
grep -q '^re-audit, unweighted -> calibrated .* on the count table:$' "$tmp/report.txt"
grep -q '^  sex_x_indp__excerpt (calibrated): tvd 0.0465 -> 0.0000' "$tmp/report.txt"

"$py" - "$IAF_SRC" "$tmp" <<'PY'
import csv, re, sys
import numpy as np
import pandas as pd
src, tmp = sys.argv[1:]
sys.path.insert(0, src + '/tests/oracles')
from crc_calibration import age_band as band, edu_crosswalk
us = src + '/examples/us'
cells = pd.read_csv(tmp + '/w.csv', dtype=str, keep_default_na=False)
for c in ('count', 'g', 'calibrated_count'):
    cells[c] = cells[c].astype(float)
table = pd.read_csv(tmp + '/cells.csv', dtype=str, keep_default_na=False)
assert len(cells) == len(table) == 9680
# the table's N (declared missing) is written as an empty field
na = lambda s: s.replace('N', '') if s == 'N' else s
key = lambda r: (r['SEX'], r['INDP_CAT'], r['AGEP'], r['EDU'])
tkeys = {(a, na(b), c, na(d)): int(n) for a, b, c, d, n in table.itertuples(index=False)}
got = {key(r): r for _, r in cells.iterrows()}
assert set(got) == set(tkeys)
assert all(got[k]['count'] == tkeys[k] for k in tkeys)
assert all(abs(r['calibrated_count'] - r['count'] * r['g']) <= 1e-9 * r['calibrated_count']
           for r in got.values())

# 1. the microdata path: the same g for the same combination, to 1e-12
micro = pd.read_csv(tmp + '/micro.csv', dtype=str, keep_default_na=False)
m = {key(r): (int(r['rows']), float(r['g'])) for _, r in micro.iterrows()}
assert set(m) == set(got)
worst = max(abs(m[k][1] - got[k]['g']) for k in m)
assert all(m[k][0] == got[k]['count'] for k in m)
assert worst <= 1e-12, worst
print(f'count table vs microdata: {len(m)} cells, max |g diff| = {worst:.3g}')

# 2. an independent IPF on the count table; targets from the references by pandas
xw = edu_crosswalk(src)
keys = list(got)
c = np.array([got[k]['count'] for k in keys])
ex = pd.read_csv(us + '/data/excerpt/national2019.csv', dtype=str, keep_default_na=False)
ex = ex.replace({'SEX': {'N': ''}, 'INDP_CAT': {'N': ''}})
ref1 = ex.groupby(['SEX', 'INDP_CAT']).size()
m1 = [(k[0], k[1]) for k in keys]
cats1 = sorted(set(m1) & set(ref1.index))
T1 = {cc: ref1[cc] / ref1[cats1].sum() * c.sum() for cc in cats1}
ref2 = pd.read_csv(us + '/data/reference/excerpt_rows_age_education.csv')
ref2 = {(r.age_band, r.education): r['count'] for _, r in ref2.iterrows() if r['count'] > 0}
m2 = []
for k in keys:
    b, e = band(k[2]), xw.get(k[3])
    m2.append((b, e) if b and e and (b, e) in ref2 else None)
reached = sorted(set(x for x in m2 if x))
inside = sum(ci for ci, x in zip(c, m2) if x)
T2 = {cc: ref2[cc] / sum(ref2[x] for x in reached) * inside for cc in reached}
g = np.ones(len(keys))
for it in range(1000):
    for marg, T in ((m1, T1), (m2, T2)):
        tot = {}
        for ci, gi, x in zip(c, g, marg):
            if x is not None:
                tot[x] = tot.get(x, 0.0) + ci * gi
        g = np.array([gi * (T[x] / tot[x] if x is not None else 1.0) for gi, x in zip(g, marg)])
    tot = {}
    for ci, gi, x in zip(c, g, m1):
        tot[x] = tot.get(x, 0.0) + ci * gi
    if max(abs(tot[x] - T1[x]) / (1 + T1[x]) for x in T1) < 1e-14:
        break
worst = max(abs(gi - got[k]['g']) for gi, k in zip(g, keys))
assert worst <= 1e-9, worst
w = c * g
kish = w.sum() ** 2 / (c * g * g).sum()
rep = open(tmp + '/report.txt').read()
mm = re.search(r'effective n \(Kish, the cell counts as frequency weights\): ([0-9.]+) of 27253 counted rows', rep)
assert mm and abs(float(mm.group(1)) - kish) <= 0.05, (mm and mm.group(1), kish)
print(f'count table vs numpy IPF: {it + 1} sweeps, max |g diff| = {worst:.3g}, Kish n {kish:.2f}')
open(tmp + '/kish.txt', 'w').write(repr(kish))
# 3. R survey::calibrate (raking) on the microdata: the same g by category
R = {(r['sex_indp'], r['age_edu']): float(r['raking'])
     for r in csv.DictReader(open(src + '/tests/data/calibrate/crc_weights.csv'))}
worst = 0.0
for k in keys:
    b, e = band(k[2]), xw.get(k[3])
    rk = (k[0] + '|' + (k[1] or 'N'), b + '|' + e if b and e else '')
    worst = max(worst, abs(R[rk] - got[k]['g']))
assert worst <= 1e-9, worst
print(f'count table vs R survey::calibrate: max |g diff| = {worst:.3g}')
PY

# Parquet: iaf's reader and DuckDB read the same cells as the CSV
"$IAF" inspect "$tmp/w.parquet" | grep -q '^num_rows: 9680$'
"$IAF" count "$tmp/w.parquet" --by SEX,INDP_CAT --weight calibrated_count -o "$tmp/pq.csv"
"$IAF" count "$tmp/w.csv" --by SEX,INDP_CAT --weight calibrated_count -o "$tmp/cs.csv"
cmp -s "$tmp/pq.csv" "$tmp/cs.csv"
(cd "$tmp" && printf "SELECT * FROM read_parquet('w.parquet')\n" > q.sql &&
    node "$IAF_SRC/tests/engines/duck_run.mjs" select q.sql duck.csv csv)
"$py" - "$tmp/duck.csv" "$tmp/w.csv" <<'PY'
import sys
import pandas as pd
a = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
b = pd.read_csv(sys.argv[2], dtype=str, keep_default_na=False)
assert list(a.columns) == list(b.columns) and len(a) == len(b) == 9680
for col in ('SEX', 'INDP_CAT', 'AGEP', 'EDU'):
    assert (a[col] == b[col]).all(), col
for col in ('count', 'g', 'calibrated_count'):
    assert (a[col].astype(float) == b[col].astype(float)).all(), col
print('parquet: DuckDB reads every cell')
PY

# the weighted audit of the table: calibrated checks at their references, Kish's n
for w in w.csv w.parquet; do
    "$IAF" audit "$tmp/spec.yaml" --weights "$tmp/$w" --no-bootstrap -q -t 1 -o "$tmp/aud_$w" > /dev/null
done
cmp -s "$tmp/aud_w.csv/cells.csv" "$tmp/aud_w.parquet/cells.csv"
"$py" - "$tmp/aud_w.csv/report.json" "$tmp/kish.txt" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
kish = float(open(sys.argv[2]).read())
ck = {c['id']: c for c in rep['checks']}
for i in ('sex_x_indp__excerpt', 'age_x_edu__excerpt'):
    m = ck[i]['variants'][0]['metrics']
    assert m['tvd_joint'] < 1e-9 and m['cond_tvd_y_given_x'] < 1e-9, (i, m['tvd_joint'])
n = ck['sex_x_indp__excerpt']['variants'][0]['support']['n_eff']
assert abs(n - kish) <= 1e-6 * kish, (n, kish)
assert any(x['role'] == 'weights' for x in rep['reproducibility']['inputs'])
print(f'weighted audit of the table: calibrated checks at 0, n_eff {n:.2f}')
PY

fails() { # expected-exit message-regex command...
    local want=$1 re=$2
    shift 2
    set +e
    "$@" > /dev/null 2> "$tmp/err"
    local rc=$?
    set -e
    [ "$rc" = "$want" ] || { echo "expected exit $want, got $rc: $*"; cat "$tmp/err"; exit 1; }
    grep -Eq "$re" "$tmp/err" || { echo "no '$re' in:"; cat "$tmp/err"; exit 1; }
}
# a cell without a weight: located at the table, naming the cell
grep -v '^2,4,37,9,' "$tmp/w.csv" > "$tmp/w_missing.csv"
[ "$(wc -l < "$tmp/w_missing.csv")" = 9680 ]
fails 1 "cells.csv: dataset table 'cells': the cell \(SEX=2, INDP_CAT=4, AGEP=37, EDU=9\) has no weight in .*w_missing.csv" \
    "$IAF" audit "$tmp/spec.yaml" --weights "$tmp/w_missing.csv" --no-bootstrap -q -o "$tmp/x"
# a second table without a key column
cut -d, -f1,2,5 "$tmp/cells.csv" > "$tmp/sex_indp.csv"
spec_for "$tmp/cells.csv" "    - {id: sex_indp, file: $tmp/sex_indp.csv}" > "$tmp/spec2.yaml"
fails 1 "sex_indp.csv: dataset table 'sex_indp': the count table has no column 'AGEP' of the per-cell weights" \
    "$IAF" audit "$tmp/spec2.yaml" --weights "$tmp/w.csv" --no-bootstrap -q -o "$tmp/x"
# a cell given twice in the weights file
(cat "$tmp/w.csv"; sed -n 2p "$tmp/w.csv") > "$tmp/w_twice.csv"
fails 1 "w_twice.csv: data row 9681: this cell has a weight already" \
    "$IAF" audit "$tmp/spec.yaml" --weights "$tmp/w_twice.csv" --no-bootstrap -q -o "$tmp/x"
# per-row weights for a table, per-cell weights for microdata, --id for a table
fails 1 'per-row weights .* need the spec.s microdata' \
    "$IAF" audit "$tmp/spec.yaml" --weights "$tmp/rows.csv" --no-bootstrap -q -o "$tmp/x"
fails 1 'per-cell weights .* weight count tables' \
    "$IAF" audit "$us/mostlyai.yaml" --weights "$tmp/w.csv" --no-bootstrap -q -o "$tmp/x"
fails 1 "has no rows to key by 'uuid'" \
    "$IAF" calibrate "$tmp/spec.yaml" --to "$to" --id uuid -o "$tmp/x.csv"
[ ! -e "$tmp/x.csv" ]
# targets on two different tables cannot be calibrated together
spec_for "$tmp/cells.csv" "    - {id: sex_indp, file: $tmp/sex_indp.csv}" |
    sed 's/{id: sex_x_indp__excerpt, kind: joint,/{id: sex_x_indp__excerpt, kind: joint, synthetic: sex_indp,/' > "$tmp/spec3.yaml"
fails 1 "spec3.yaml:[0-9]+: 'age_x_edu__excerpt' does not read the dataset table 'sex_indp'" \
    "$IAF" calibrate "$tmp/spec3.yaml" --to "$to" -o "$tmp/x.csv"
echo "calibrate_tables: ok"
