#!/usr/bin/env bash
# `iaf calibrate -o` (per-row weights) on microdata with declared label normalisation: the
# rows are keyed to their combination through the same normalisation and missing tokens the
# audit uses. Planted rows whose labels differ only by case, surrounding space or Unicode
# normal form (NFC vs NFD), plus declared missing tokens; pandas normalises the labels
# (NFC, casefold, strip), rakes the rows to the two reference margins by iterative
# proportional fitting and must reproduce every row's weight, by id and by file and row.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
py=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$py" - <<'PY'
import csv, random
random.seed(7)
sexes = ['Female', ' female', 'FEMALE', 'female ', 'Male', 'male', ' MALE ', 'NA', 'na', '']
sw = [20, 5, 3, 2, 15, 10, 4, 2, 1, 1]
regs = ['Séoul', 'Se\u0301oul', 'SÉOUL ', 'busan', 'Busan', ' BUSAN', 'Daegu', 'daegu', '?']
rw = [10, 6, 2, 8, 5, 2, 6, 3, 1]
with open('rows.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['pid', 'sex', 'region'])
    for i in range(3000):
        w.writerow([f'p{i:05d}', random.choices(sexes, sw)[0], random.choices(regs, rw)[0]])
open('ref_sex.csv', 'w').write('sex,count\nfemale,510\nmale,490\n')
open('ref_region.csv', 'w').write('region,count\nséoul,400\nbusan,350\ndaegu,250\n')
PY
cat > spec.yaml <<'EOF'
iaf: 1
name: labels that normalise together
dataset:
  title: planted rows
  microdata: [rows.csv]
  missing: [NA, "?"]
  normalize: [trim, nfc, casefold]
references:
  - {id: ref_sex, file: ref_sex.csv, normalize: [trim, nfc, casefold]}
  - {id: ref_region, file: ref_region.csv, normalize: [trim, nfc, casefold]}
checks:
  - {id: sex, kind: marginal, attributes: [sex], reference: ref_sex, disclosure: none}
  - {id: region, kind: marginal, attributes: [region], reference: ref_region, disclosure: none}
EOF
"$IAF" calibrate spec.yaml --to sex,region --epsilon 1e-12 -t 1 -o byrow.csv --units units.csv \
    > report.txt
"$IAF" calibrate spec.yaml --to sex,region --epsilon 1e-12 -t 1 --id pid -o byid.csv > /dev/null
"$IAF" calibrate spec.yaml --to sex,region --epsilon 1e-12 -t 1 --id pid -o byid.parquet > /dev/null
grep -q '^units: 12 distinct combinations of sex region$' report.txt
"$py" - <<'PY'
import unicodedata
import numpy as np
import pandas as pd
rows = pd.read_csv('rows.csv', dtype=str, keep_default_na=False)
def label(s):
    v = unicodedata.normalize('NFC', s).casefold().strip()
    return None if v in ('', 'na', '?') else v
sex = rows.sex.map(label)
reg = rows.region.map(label)
assert sex.nunique() == 2 and reg.nunique() == 3  # the variants fold together
T = {'sex': pd.read_csv('ref_sex.csv').set_index('sex')['count'],
     'region': pd.read_csv('ref_region.csv').set_index('region')['count']}
cat = {'sex': sex, 'region': reg}
# targets: the reference's shares times the synthetic rows in its cells (missing rows free)
tgt = {k: T[k] / T[k].sum() * cat[k].notna().sum() for k in T}
g = np.ones(len(rows))
for it in range(500):
    for k in ('sex', 'region'):
        tot = pd.Series(g).groupby(cat[k].values).sum()
        f = cat[k].map(lambda c: tgt[k][c] / tot[c] if c is not None else 1.0)
        g = g * f.values
    tot = pd.Series(g).groupby(cat['sex'].values).sum()
    if max(abs(tot[c] - tgt['sex'][c]) / (1 + tgt['sex'][c]) for c in tgt['sex'].index) < 1e-14:
        break
byrow = pd.read_csv('byrow.csv', dtype={'file': str})
byid = pd.read_csv('byid.csv', dtype={'pid': str})
assert len(byrow) == len(byid) == len(rows) == 3000
assert (byrow.row == np.arange(1, 3001)).all() and (byid.pid == rows.pid).all()
w1 = np.abs(byrow.weight.values - g).max()
w2 = np.abs(byid.weight.values - g).max()
assert w1 <= 1e-9 and w2 <= 1e-9, (w1, w2)
# every raw variant of a label got the weight of its folded combination
u = pd.read_csv('units.csv', dtype=str, keep_default_na=False)
assert sorted(u.sex.unique()) == ['', 'female', 'male'], u.sex.unique()
assert sorted(u.region.unique()) == ['', 'busan', 'daegu', 'séoul'], u.region.unique()
print(f'normalised labels: {len(rows)} rows, max |iaf - pandas| = {max(w1, w2):.3g}')
PY
"$IAF" count byid.parquet --by pid --weight weight -o pq.csv
"$IAF" count byid.csv --by pid --weight weight -o cs.csv
cmp -s pq.csv cs.csv
echo "calibrate_normalize: ok"
