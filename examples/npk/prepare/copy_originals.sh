#!/bin/sh
# Provenance record of the one-time copy that put the third-party originals into
# examples/npk/data/. It is NOT part of the regeneration path (run_all.sh does not
# call it): it needs the team's shared data folder, which holds byte-exact copies
# of the upstream files listed in examples/npk/SOURCES.md. Re-running it must leave
# every SHA256SUMS file unchanged; `sha256sum -c` on those files is how anyone
# without the shared folder checks the copies.
#
# usage: sh copy_originals.sh [SHARED_DATA_DIR]   (default /work/shared/data)
set -eu
SRC=${1:-/work/shared/data}
HERE=$(cd "$(dirname "$0")/.." && pwd)
NPK_SRC=$SRC/nemotron-personas-korea/eopchang_audit_aggregates/data
NPK=$HERE/data/npk
ORIG=$HERE/data/reference/original

mkdir -p "$NPK/marginals" "$NPK/contingency" "$ORIG"

cp "$NPK_SRC"/processed/marginals/*.csv "$NPK/marginals/"
cp "$NPK_SRC"/processed/bivariate_detail_all/contingency_*.csv "$NPK/contingency/"
cp "$NPK_SRC"/processed/marginals_summary.json "$NPK/"
cp "$NPK_SRC"/processed/military_breakdown.csv "$NPK_SRC"/processed/military_breakdown.json "$NPK/"

cp "$NPK_SRC"/reference/kosis_reference.json "$NPK_SRC"/reference/kosis_joint.json "$ORIG/"
# MOIS originals in the CP949 encoding the government site exports; the
# prepare scripts decode them themselves so no re-encoded copy is trusted.
cp "$SRC"/kr-official-population/mois_resident_pop_202504_sido_by_sex_by_age_cp949.csv "$ORIG/"
cp "$SRC"/kr-official-population/mois_resident_pop_202504_sido_total_by_age_cp949.csv "$ORIG/"
for f in "$SRC"/kr-references/*.csv "$SRC"/kr-references/military_rules.md; do
    cp "$f" "$ORIG/"
done
# The collectors' notes travel with the data they describe.
cp "$SRC"/nemotron-personas-korea/SOURCES.md "$NPK/SOURCES.upstream-nemotron-personas-korea.md"
cp "$SRC"/kr-official-population/SOURCES.md "$ORIG/SOURCES.upstream-kr-official-population.md"
cp "$SRC"/kr-references/SOURCES.md "$ORIG/SOURCES.upstream-kr-references.md"

chmod 0644 "$NPK"/marginals/* "$NPK"/contingency/* "$NPK"/*.json "$NPK"/*.csv "$NPK"/*.md "$ORIG"/*
(cd "$NPK" && sha256sum marginals/*.csv contingency/*.csv marginals_summary.json \
    military_breakdown.csv military_breakdown.json > SHA256SUMS)
(cd "$ORIG" && find . -maxdepth 1 -type f ! -name SHA256SUMS ! -name 'SOURCES.upstream-*' \
    -printf '%f\n' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
