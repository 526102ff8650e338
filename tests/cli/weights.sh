#!/usr/bin/env bash
# Per-row weights end to end: `iaf calibrate -o` writes them (keyed by file and row, or by an
# id column; CSV or Parquet), `iaf count --weights` and `iaf audit --weights` read them back.
# Oracles: pandas computes every weighted table and Kish's n from the rows and the weights
# joined independently (by row number, by uuid), DuckDB joins the Parquet data and weights by
# uuid in SQL. The spec's calibrate: block and the options that override it. Then the located
# errors: a missing, repeated or non-positive weight, a data row without one, a shared id,
# the calibrate: block's mistakes, and the usage errors.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
py=${PYTHON:-/usr/bin/python3}
export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=$IAF_SRC/examples/us/mostlyai.yaml
data=$IAF_SRC/examples/us/data/synthetic/mostlyai/mostlyai_sd_platform_PaulTiwald_1.csv
to=sex_x_indp__excerpt,age_x_edu__excerpt

# --- the CRC file: weights keyed by file and row -------------------------------------------
"$IAF" calibrate "$spec" --to "$to" --method logit --bounds 0.4,2.5 -t 1 -o "$tmp/rows.csv" \
    > /dev/null
"$IAF" calibrate "$spec" --to "$to" --method logit --bounds 0.4,2.5 -t 1 \
    -o "$tmp/rows.parquet" > /dev/null
# the data named another way than the weights file names it (resolved path, 3 threads)
cp "$data" "$tmp/crc.csv"
"$IAF" count "$data" --by SEX,EDU --weights "$tmp/rows.csv" -o "$tmp/c_csv.csv"
(cd "$(dirname "$data")" && "$IAF" count "./$(basename "$data")" --by SEX,EDU -t 3 \
    --weights "$tmp/rows.parquet" -o "$tmp/c_pq.csv")
cmp -s "$tmp/c_csv.csv" "$tmp/c_pq.csv"
"$IAF" audit "$spec" --weights "$tmp/rows.parquet" --no-bootstrap -q -t 2 -o "$tmp/aw" \
    --format json,csv
"$IAF" audit "$spec" --weights "$tmp/rows.csv" --bootstrap 100 -q -o "$tmp/awb" --format json
"$IAF" audit "$spec" --bootstrap 100 -q -o "$tmp/aub" --format json
"$py" - "$data" "$tmp" <<'PY'
import json, sys
import numpy as np
import pandas as pd
data, tmp = sys.argv[1:]
rows = pd.read_csv(data, dtype=str, keep_default_na=False)
w = pd.read_csv(tmp + '/rows.csv')
assert len(w) == len(rows) == 27253 and (w.row == np.arange(1, len(rows) + 1)).all()
rows['w'] = w.weight.values  # joined by row number
# iaf count --weights: the weighted SEX x EDU table (an empty field is the missing category)
got = pd.read_csv(tmp + '/c_csv.csv', dtype={'SEX': str, 'EDU': str}, keep_default_na=False)
want = rows.groupby(['SEX', 'EDU'])['w'].sum()
assert len(got) == len(want), (len(got), len(want))
for _, r in got.iterrows():
    assert abs(r['count'] - want[(r.SEX, r.EDU)]) <= 1e-9 * want[(r.SEX, r.EDU)], r
# iaf audit --weights: sex x education's synthetic shares (the spec declares N missing) and
# Kish's effective n, (sum w)^2 / sum w^2
rows['EDU2'] = rows.EDU.replace({'N': ''})
share = rows.groupby(['SEX', 'EDU2'])['w'].sum() / rows.w.sum()
cells = pd.read_csv(tmp + '/aw/cells.csv', dtype=str, keep_default_na=False)
cells = cells[cells.check == 'sex_x_edu__excerpt']
assert len(cells) == len(share), (len(cells), len(share))
worst = max(abs(float(c.synthetic_share) - share[(c.x, c.y)]) for c in cells.itertuples())
assert worst <= 1e-12, worst
kish = rows.w.sum() ** 2 / (rows.w ** 2).sum()
rep = json.load(open(tmp + '/aw/report.json'))
ck = {c['id']: c for c in rep['checks']}
neff = ck['sex_x_edu__excerpt']['variants'][0]['support']['n_eff']
assert abs(neff - kish) <= 1e-9 * kish, (neff, kish)
assert any(i['role'] == 'weights' for i in rep['reproducibility']['inputs'])
# with the bootstrap: the calibrated checks match their reference (PASS at n = Kish's n)
wb = {c['id']: c for c in json.load(open(tmp + '/awb/report.json'))['checks']}
ub = {c['id']: c for c in json.load(open(tmp + '/aub/report.json'))['checks']}
for cid in ('sex_x_indp__excerpt', 'age_x_edu__excerpt'):
    assert wb[cid]['verdict'] == 'PASS', (cid, wb[cid]['verdict'], ub[cid]['verdict'])
print(f'crc: weighted table and shares agree (max {worst:.2g}); Kish n {kish:.1f}; '
      f"verdicts {[(c, ub[c]['verdict'], wb[c]['verdict']) for c in ('sex_x_indp__excerpt', 'age_x_edu__excerpt')]}")
PY

# --- planted NPK shards: weights keyed by uuid --------------------------------------------
"$py" "$IAF_SRC/tests/planted/gen_npk_micro.py" --variant robust --rows 20000 --seed 3 \
    --shards 2 --row-group 5000 --out "$tmp/npk" --csv "$tmp/npk.csv" > /dev/null
nspec=$IAF_SRC/examples/npk/microdata.yaml
"$IAF" calibrate "$nspec" --microdata "$tmp/npk/data" --to sex_x_province,age_x_sex --id uuid \
    -o "$tmp/npkw.parquet" > /dev/null
"$IAF" calibrate "$nspec" --microdata "$tmp/npk/data" --to sex_x_province,age_x_sex --id uuid \
    -o "$tmp/npkw.csv" > /dev/null
head -1 "$tmp/npkw.csv" | grep -qx 'uuid,weight'
"$IAF" count "$tmp/npk/data" --by sex,province --weights "$tmp/npkw.parquet" -t 4 \
    -o "$tmp/npk_count.csv"
"$IAF" audit "$nspec" --microdata "$tmp/npk/data" --weights "$tmp/npkw.parquet" --no-bootstrap \
    -q -o "$tmp/npka" --format json,csv
(cd "$tmp" && cat > q.sql <<'SQL'
SELECT d.sex, d.province, sum(w.weight) AS w, count(*) AS n
FROM read_parquet('npk/data/*.parquet') d JOIN read_parquet('npkw.parquet') w USING (uuid)
GROUP BY d.sex, d.province ORDER BY d.sex, d.province
SQL
node "$IAF_SRC/tests/engines/duck_run.mjs" select q.sql duck.csv csv)
"$py" - "$tmp" <<'PY'
import sys
import pandas as pd
tmp = sys.argv[1]
rows = pd.read_csv(tmp + '/npk.csv', dtype=str, keep_default_na=False)
w = pd.read_csv(tmp + '/npkw.csv', dtype={'uuid': str})
assert w.uuid.is_unique and len(w) == len(rows) == 20000
rows = rows.merge(w, on='uuid', how='left', validate='one_to_one')  # joined by uuid
assert rows.weight.notna().all()
want = rows.groupby(['sex', 'province'])['weight'].sum()
got = pd.read_csv(tmp + '/npk_count.csv', dtype={'sex': str, 'province': str})
duck = pd.read_csv(tmp + '/duck.csv', dtype={'sex': str, 'province': str})
assert len(got) == len(want) == len(duck) and duck.n.sum() == 20000
for t in (got.rename(columns={'count': 'w'}), duck):
    for r in t.itertuples():
        assert abs(r.w - want[(r.sex, r.province)]) <= 1e-9 * want[(r.sex, r.province)], r
# the calibrated sex x province: its weighted shares are the register's (the audit's
# reference shares on the support), so the weighted audit's cells agree to 1e-12
cells = pd.read_csv(tmp + '/npka/cells.csv', dtype=str, keep_default_na=False)
c = cells[cells.check == 'sex_x_province']
d = (c.synthetic_share.astype(float) - c.reference_share.astype(float)).abs().max()
assert len(c) == 34 and d <= 1e-12, (len(c), d)
print(f'npk: weighted sex x province agrees with pandas and DuckDB; calibrated cells within {d:.2g}')
PY

# --- the calibrate: block (examples/npk/calibrate.yaml) and the options that override it ---
cspec=$IAF_SRC/examples/npk/calibrate.yaml
"$IAF" calibrate "$cspec" --microdata "$tmp/npk/data" --to sex_x_occupation --epsilon 1e-8 \
    -o "$tmp/block.csv" > "$tmp/block.txt"
grep -q '^calibration: raking; converged after [0-9]* iterations (criterion .*, epsilon 1e-08)' \
    "$tmp/block.txt"
grep -q '^margin sex_x_occupation: 18 cells' "$tmp/block.txt"
if grep -q '^margin register_sex_province_age' "$tmp/block.txt"; then
    echo '--to did not replace the block targets'; exit 1
fi
head -1 "$tmp/block.csv" | grep -qx 'uuid,weight' # the block's id
# the block's own targets: on these 20,000 rows the three-way margin and the occupation margin
# cannot both be met with positive weights (sparse cells): a located failure, the report
# (with the cell no row reaches), and no weights file
set +e
"$IAF" calibrate "$cspec" --microdata "$tmp/npk/data" -o "$tmp/block2.csv" > "$tmp/block2.txt" \
    2> "$tmp/block2.err"
rc=$?
set -e
[ "$rc" = 1 ] || { echo "block targets: exit $rc"; exit 1; }
grep -q "calibrate.yaml:[0-9]*: calibration did not converge after 100 iterations: margin 'register_sex_province_age'" \
    "$tmp/block2.err"
grep -q '^margin register_sex_province_age: 272 cells' "$tmp/block2.txt"
grep -q '^  남자 | 세종 | 85+: target .*unrepairable: the synthetic data never reach it' \
    "$tmp/block2.txt"
[ ! -e "$tmp/block2.csv" ]
# errors in the block, located at their line and column
mkdir "$tmp/spec"
ln -s "$IAF_SRC/examples/npk/crosswalks" "$tmp/spec/crosswalks"
ln -s "$IAF_SRC/examples/npk/data" "$tmp/spec/data"
bad_block() { # sed-expression expected-message
    sed "$1" "$cspec" > "$tmp/spec/c.yaml"
    cmp -s "$cspec" "$tmp/spec/c.yaml" && { echo "no change: $1"; exit 1; }
    fail1 "$2" "$IAF" calibrate "$tmp/spec/c.yaml" -o "$tmp/spec/w.csv"
}

# --- located errors ------------------------------------------------------------------------
fail1() { # expect exit 1 and a message matching $1 from the rest of the command
    local pat=$1
    shift
    set +e
    "$@" > /dev/null 2> "$tmp/err"
    local rc=$?
    set -e
    [ "$rc" = 1 ] || { echo "expected exit 1 from: $*"; cat "$tmp/err"; exit 1; }
    grep -q -- "$pat" "$tmp/err" || { echo "expected '$pat' from: $*"; cat "$tmp/err"; exit 1; }
}
fail2() {
    set +e
    "$@" > /dev/null 2> "$tmp/err"
    local rc=$?
    set -e
    [ "$rc" = 2 ] || { echo "expected exit 2 from: $*"; cat "$tmp/err"; exit 1; }
}
# a data row without a weight: the weights file lacks one uuid
sed '1000d' "$tmp/npkw.csv" > "$tmp/missing.csv"
gone=$(sed -n '1000p' "$tmp/npkw.csv" | cut -d, -f1)
fail1 "train-0000[01]-of-00002.parquet: data row [0-9]*: uuid '$gone' has no weight in" \
    "$IAF" audit "$nspec" --microdata "$tmp/npk/data" --weights "$tmp/missing.csv" -q -o "$tmp/e1"
[ ! -e "$tmp/e1" ]
# a uuid given twice
(cat "$tmp/npkw.csv"; sed -n '5p' "$tmp/npkw.csv") > "$tmp/dup.csv"
fail1 "dup.csv: data row 20001: id '.*' has a weight already" \
    "$IAF" count "$tmp/npk/data" --by sex --weights "$tmp/dup.csv"
# a zero and a negative weight, and a missing one
awk -F, 'NR == 7 { $2 = 0 } { print }' OFS=, "$tmp/npkw.csv" > "$tmp/zero.csv"
fail1 "zero.csv: data row 6: the weight is not positive" \
    "$IAF" count "$tmp/npk/data" --by sex --weights "$tmp/zero.csv"
awk -F, 'NR == 3 { $2 = -1.5 } { print }' OFS=, "$tmp/npkw.csv" > "$tmp/neg.csv"
fail1 "neg.csv: data row 2: the weight is not positive" \
    "$IAF" audit "$nspec" --microdata "$tmp/npk/data" --weights "$tmp/neg.csv" -q -o "$tmp/e2"
awk -F, 'NR == 4 { $2 = "" } { print }' OFS=, "$tmp/npkw.csv" > "$tmp/empty.csv"
fail1 "empty.csv: data row 3: the weight is missing or not a number" \
    "$IAF" count "$tmp/npk/data" --by sex --weights "$tmp/empty.csv"
# file,row: a row twice, and a row the data lack
(cat "$tmp/rows.csv"; sed -n '2p' "$tmp/rows.csv") > "$tmp/rowdup.csv"
fail1 "rowdup.csv: data row 27254: file '.*' row 1 has a weight already" \
    "$IAF" count "$data" --by SEX --weights "$tmp/rowdup.csv"
head -n 27000 "$tmp/rows.csv" > "$tmp/short.csv"
fail1 "mostlyai_sd_platform_PaulTiwald_1.csv: data row 27000 has no weight in" \
    "$IAF" count "$data" --by SEX --weights "$tmp/short.csv" -t 1
# two data rows sharing a uuid
"$py" - "$tmp" <<'PY'
import sys
tmp = sys.argv[1]
lines = open(tmp + '/npk.csv', encoding='utf-8').read().splitlines()
lines[3] = lines[2].split(',')[0] + ',' + lines[3].split(',', 1)[1]
open(tmp + '/shared.csv', 'w', encoding='utf-8').write('\n'.join(lines) + '\n')
PY
fail1 "shared.csv: data row [23]: uuid '.*' is shared with another row" \
    "$IAF" count "$tmp/shared.csv" --by sex --weights "$tmp/npkw.csv" -t 1
# columns that are not a weights file
printf 'a,b,c\n1,2,3\n' > "$tmp/bad.csv"
fail1 "bad.csv:1: a weights file has the columns ID,weight" \
    "$IAF" count "$data" --by SEX --weights "$tmp/bad.csv"
# an id column the data do not have
printf 'serial,weight\n1,2\n' > "$tmp/noid.csv"
fail1 "serial" "$IAF" count "$data" --by SEX --weights "$tmp/noid.csv"
# usage errors
fail2 "$IAF" count "$data" --by SEX --weights "$tmp/rows.csv" --weight AGEP
fail2 "$IAF" audit "$spec" --weights "$tmp/rows.csv" --counts-only -o "$tmp/e3"
# per-row weights for a spec whose checks are on count tables: located at the weights file
set +e
"$IAF" audit "$IAF_SRC/examples/npk/audit.yaml" --weights "$tmp/rows.csv" -o "$tmp/e4" 2> "$tmp/err"
rc=$?
set -e
[ "$rc" = 1 ] && grep -q "rows.csv:1: per-row weights .* need the spec's microdata" "$tmp/err"
fail2 "$IAF" calibrate "$spec" --to "$to" --id ""
# the weights file is an input: no output may replace it
fail1 'refusing to write over it' "$IAF" count "$data" --by SEX --weights "$tmp/rows.csv" \
    -o "$tmp/rows.csv"
bad_block 's/  method: raking/  method: ipf/' "c.yaml:[0-9]*:11: calibrate: method is raking or logit (got 'ipf')"
bad_block 's/      attributes: \[sex, province, age_bin\]/      attributes: [sex, sex]/' \
    "c.yaml:[0-9]*:20: calibration margin 'register_sex_province_age': attribute 'sex' named twice"
bad_block 's/  to: \[sex_x_occupation, register_sex_province_age\]/  to: [nope]/' \
    "c.yaml:[0-9]*:8: calibrate: no check or margin with id 'nope'"
bad_block 's/  min_neff: 0.5/  min_neff: 2/' "calibrate: min_neff is a fraction in (0, 1\]"
bad_block 's/      reference: mois_2025_province_sex_agebin_19plus$/      reference: nope/' \
    "calibration margin 'register_sex_province_age': no reference with id 'nope'"
bad_block 's/  min_neff: 0.5/  bounds: [1, 2]/' "calibrate: bounds are \[L, U\] with 0 <= L < 1 < U"
bad_block 's/  min_neff: 0.5/  colour: red/' "c.yaml:[0-9]*:3: calibrate: unknown key 'colour'"
echo "weights: ok"
