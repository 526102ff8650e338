#!/usr/bin/env bash
# The NPK example's data folder is reproducible and consistent:
#  1. the third-party originals still hash to what was copied from upstream;
#  2. re-running every prepare script into an empty tree reproduces the committed
#     derived files byte for byte, and no committed derived file is left unmade;
#  3. an independent pandas recomputation agrees with every derived number;
#  4. the scripts' own checks stop them on a corrupted original (so 2 cannot pass
#     merely because the scripts accept anything).
set -euo pipefail
: "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
NPK=$IAF_SRC/examples/npk
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PYTHONDONTWRITEBYTECODE=1

(cd "$NPK/data/npk" && sha256sum --check --quiet SHA256SUMS)
(cd "$NPK/data/reference/original" && sha256sum --check --quiet SHA256SUMS)

PYTHON=$PYTHON sh "$NPK/prepare/run_all.sh" "$tmp/out" --quiet
derived() {
    (cd "$1" && find data/reference -maxdepth 1 -type f -name '*.csv' &&
        find data/npk/long -type f && ls data/npk/npk_education_level_26plus.csv \
        data/npk/age_bin_definition.csv) | LC_ALL=C sort
}
diff <(derived "$NPK") <(derived "$tmp/out")
derived "$tmp/out" | while read -r f; do
    cmp "$NPK/$f" "$tmp/out/$f"
done

"$PYTHON" "$NPK/prepare/check_with_pandas.py" "$NPK" >/dev/null

# A corrupted input must make the scripts refuse, not write.
expect_fail() {
    local what=$1 script=$2 file=$3 message=$4
    if cmp -s "$NPK/data/$file" "$tmp/bad/data/$file"; then
        echo "test bug: the corruption of $file did not apply" >&2
        exit 1
    fi
    if "$PYTHON" "$NPK/prepare/$script" --in-root "$tmp/bad" --out-root "$tmp/badout" \
        --quiet 2>"$tmp/err"; then
        echo "prepare/$script accepted $what" >&2
        exit 1
    fi
    if ! grep -Eq "check failed: .*$message" "$tmp/err"; then
        echo "prepare/$script rejected $what for another reason:" >&2
        cat "$tmp/err" >&2
        exit 1
    fi
}
fresh_copy() {
    rm -rf "$tmp/bad"
    mkdir -p "$tmp/bad"
    cp -r "$NPK/data" "$tmp/bad/"
}

fresh_copy
# One more person aged 30 in Seoul's male cells, totals untouched.
MOIS=reference/original/mois_resident_pop_202504_sido_by_sex_by_age_cp949.csv
"$PYTHON" - "$tmp/bad/data/$MOIS" <<'EOF'
import csv, io, sys
path = sys.argv[1]
rows = list(csv.reader(io.open(path, encoding="cp949", newline="")))
col = rows[0].index("2025년04월_남_30세")
row = next(r for r in rows if r[0].startswith("서울특별시"))
row[col] = str(int(row[col].replace(",", "")) + 1)
with io.open(path, "w", encoding="cp949", newline="") as f:
    csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
EOF
expect_fail "MOIS ages that no longer sum to 총인구수" mois_agebin.py "$MOIS" "ages sum to"

fresh_copy
sed -i '2s/^남자,[0-9]*/남자,1/' "$tmp/bad/data/npk/contingency/contingency_sex__x__province.csv"
expect_fail "a contingency table off its marginal" npk_long.py \
    npk/contingency/contingency_sex__x__province.csv "sums to|margin of"

fresh_copy
sed -i 's/"경기": 0.2604/"경기도": 0.2604/' "$tmp/bad/data/reference/original/kosis_reference.json"
expect_fail "a province the NPK data does not spell" kosis_refs.py \
    reference/original/kosis_reference.json "province categories"

fresh_copy
sed -i 's/^EAPS,2025,annual,남자,8,\(.*\),2648,/EAPS,2025,annual,남자,8,\1,2748,/' \
    "$tmp/bad/data/reference/original/eaps_employed_by_sex_occupation_major.csv"
expect_fail "EAPS groups that miss the published total" eaps_ksco.py \
    reference/original/eaps_employed_by_sex_occupation_major.csv "groups sum to"

fresh_copy
# LALFS age bands that no longer add up to the published total of the employed
sed -i '/^LALFS,2024.1\/2,T,계,age_band,30~39세,/s/,5444,/,5944,/' \
    "$tmp/bad/data/reference/original/lalfs_employed_by_occupation_submajor_age_education.csv"
expect_fail "LALFS age bands off their total" lalfs_age.py \
    reference/original/lalfs_employed_by_occupation_submajor_age_education.csv "bands sum to"

echo "npk_data: ok"
