#!/usr/bin/env bash
# The worked NPK example of docs/calibration.md at CI size: 100,000 planted NPK-shaped rows
# (tests/planted/gen_npk_micro.py, the robust variant: female representation in the
# male-dominated occupation groups flattened by 0.7) calibrated by examples/npk/calibrate.yaml
# to EAPS sex x occupation group and to the register's three-way sex x province x age band.
# pandas recomputes every weighted margin from the rows and the weights joined by uuid, and
# the targets from the reference tables: they must agree to 1e-9. Then the before/after audit
# (--audit): every check of the spec shown, the calibrated joint and the flattening it
# repairs turn from FLAG to PASS, and Kish's n is the one pandas computes.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
py=${PYTHON:-/usr/bin/python3}
export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=$IAF_SRC/examples/npk/calibrate.yaml
"$py" "$IAF_SRC/tests/planted/gen_npk_micro.py" --variant robust --rows 100000 --seed 1 \
    --shards 2 --row-group 25000 --out "$tmp/npk" --csv "$tmp/npk.csv" > /dev/null
# the spec's calibrate: block names the targets, the method and the id column
"$IAF" calibrate "$spec" --microdata "$tmp/npk/data" -o "$tmp/w.csv" --audit --bootstrap 200 \
    > "$tmp/out.txt" 2> "$tmp/err.txt"
cat "$tmp/out.txt"
head -1 "$tmp/w.csv" | grep -qx 'uuid,weight'
grep -q '^calibration: raking; converged' "$tmp/out.txt"
grep -q '^margin register_sex_province_age: 272 cells' "$tmp/out.txt"
grep -q '^margin sex_x_occupation: 18 cells' "$tmp/out.txt"
# min_neff 0.5 in the block: the weights cost more than half the rows here
grep -q 'warning: the effective n is below 0.5 of the rows' "$tmp/err.txt"
"$py" - "$IAF_SRC" "$tmp" <<'PY'
import csv, re, sys
import numpy as np
import pandas as pd
src, tmp = sys.argv[1:]
ref = src + '/examples/npk/data/reference/'
rows = pd.read_csv(tmp + '/npk.csv', dtype=str, keep_default_na=False)
w = pd.read_csv(tmp + '/w.csv', dtype={'uuid': str})
assert w.uuid.is_unique and len(w) == len(rows) == 100000
rows = rows.merge(w, on='uuid', how='left', validate='one_to_one')
assert rows.weight.notna().all() and (rows.weight > 0).all()
rows['age_bin'] = pd.cut(rows.age.astype(int), [19, 26, 36, 46, 56, 66, 76, 86, np.inf],
                         right=False, labels=['19-24', '25-34', '35-44', '45-54', '55-64',
                                              '65-74', '75-84', '85+']).astype(str)
with open(src + '/examples/npk/crosswalks/npk_occupation_to_ksco7_major_B.csv') as f:
    xw = {r['from']: r['to'] for r in csv.DictReader(l for l in f if not l.startswith('#'))}
rows['major'] = rows.occupation.map(xw)
assert rows.major.notna().all()  # every title is in the crosswalk

def check(df, keys, reftab, refkeys, what):
    """Weighted totals per cell == the reference's shares over the reached cells times the
    unweighted rows in those cells (the targets of docs/calibration.md)."""
    r = pd.read_csv(reftab, dtype=str)
    r['count'] = r['count'].astype(float)
    r = r.groupby(refkeys)['count'].sum()
    r.index = r.index.set_names(keys)
    n = df.groupby(keys).size()
    got = df.groupby(keys)['weight'].sum()
    reached = [k for k in r.index if k in n.index]
    inside = sum(n[k] for k in reached)
    rsum = sum(r[k] for k in reached)
    worst = max(abs(got[k] - r[k] / rsum * inside) / (1 + r[k] / rsum * inside) for k in reached)
    assert worst <= 1e-9, (what, worst)
    print(f'{what}: {len(reached)} of {len(r)} reference cells reached; '
          f'max |weighted - target| / (1 + target) = {worst:.2g}')

emp = rows[rows.major != '']
check(emp, ['major', 'sex'], ref + 'eaps_2025_sex_by_ksco_major.csv', ['ksco_major', 'sex'],
      'sex x occupation group (EAPS)')
check(rows, ['sex', 'province', 'age_bin'], ref + 'mois_2025_province_sex_agebin_19plus.csv',
      ['sex', 'province', 'age_bin'], 'sex x province x age band (register)')
# the effective-n cost, as printed
kish = rows.weight.sum() ** 2 / (rows.weight ** 2).sum()
out = open(tmp + '/out.txt').read()
m = re.search(r'^effective n \(Kish\): ([0-9.]+) of 100000 rows', out, re.M)
assert m and abs(float(m.group(1)) - kish) <= 0.05, (m and m.group(1), kish)
# before -> after: every check of the spec, with its verdicts
ba = {}
for l in out.split('audit before -> after')[1].splitlines()[1:]:
    m = re.match(r'  (\S+) \((\w+)\) \S+: .* (PASS|FLAG|INCONCLUSIVE|no verdict) -> .* '
                 r'(PASS|FLAG|INCONCLUSIVE|no verdict)(  CHANGED)?$', l)
    assert m, l
    ba[m.group(1)] = (m.group(3), m.group(4))
want = ['sex_x_occupation', 'sex_x_province', 'age_x_sex', 'age_x_province', 'sex_vs_register',
        'education_vs_census', 'marital_vs_census', 'female_share_male_dominated']
assert sorted(ba) == sorted(want), sorted(ba)
# the calibrated joint, and the flattening of the same table it repairs (planted: 0.7)
assert ba['sex_x_occupation'] == ('FLAG', 'PASS'), ba['sex_x_occupation']
assert ba['female_share_male_dominated'] == ('FLAG', 'PASS'), ba['female_share_male_dominated']
print('before -> after:', ba)
PY
echo "calibrate_npk: ok"
