#!/bin/sh
# Rebuild the NPK occupation crosswalks and their reports with `iaf crosswalk build`.
#
#   sh examples/npk/crosswalks/build.sh [IAF_BINARY [OUT_DIR]]
#
# IAF_BINARY defaults to $IAF, then build/iaf. OUT_DIR defaults to this directory; give
# another one to compare a rebuild with the committed files (tests/cli/crosswalk_npk.sh).
# Inputs, all committed: NPK's occupation marginal and its top-20 pair tables
# (examples/npk/data/npk/), the KSCO-7 classification
# (examples/npk/data/reference/original/ksco7_classification.csv) and the hand-written files
# next to this script: rules_military_{A,B}.csv (military ranks) and
# ksco7_to_keco2018_{A,B}.csv (KSCO-7 -> KECO-2018). The bachelors_field crosswalks
# (npk_bachelors_field_to_goms_field_{A,B,C}.csv) are hand-written and not built here.
# Paths are relative to examples/npk so the generated headers are the same everywhere.
# docs/crosswalks.md explains every variant.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
npk=$(cd "$here/.." && pwd)
iaf=${1:-${IAF:-$npk/../../build/iaf}}
out=${2:-$here}
case $iaf in /*) ;; *) iaf=$(pwd)/$iaf ;; esac
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
mkdir -p "$out/reports"
cd "$npk"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

occ=data/npk/marginals/occupation.csv
ksco=data/reference/original/ksco7_classification.csv
# The employed universe: 무직 (not employed) and the 981 "전직 <title>, 현재 구직중" labels
# (former <title>, now job-seeking: unemployed) are outside it. They are listed in every
# crosswalk with an empty `to` (--drop-excluded), so applying a crosswalk drops them
# explicitly, and the summaries give the mapped share of the employed mass.

# build NAME PREAMBLE_TEXT ARGS...: NAME.csv and reports/NAME.{report.csv,targets.csv,summary.txt}
build() {
    name=$1
    printf '%s\n' "$2" > "$tmp/preamble"
    shift 2
    "$iaf" crosswalk build "$@" --exclude 무직 --exclude-regex '전직 .+, 현재 구직중' \
        --drop-excluded --preamble "$tmp/preamble" -o "$out/$name.csv" \
        --report "$out/reports/$name.report.csv" --targets "$out/reports/$name.targets.csv" \
        2> "$tmp/summary"
    grep -v '^iaf crosswalk: note:' "$tmp/summary" > "$out/reports/$name.summary.txt"
}

build npk_occupation_to_ksco7_major_A "# NPK occupation (2,120 labels, 1,000,000 personas) -> KSCO-7 major group (1-9, A).
# VARIANT A (armed forces kept as group A): NPK's occupation labels are KSCO-7 detailed
# titles (1,120 exactly, 6 once the middle dots U+00B7 / U+2219 are unified); the 12
# military rank labels go to group A by rules_military_A.csv. For the sex x occupation
# flattening check against EAPS (data/reference/eaps_2025_sex_by_ksco_major.csv, codes 1-9):
# EAPS covers civilians only, so group A has no reference cell and the audit reports its
# 5,282 personas as excluded from the comparable support. Unemployed and non-employed labels
# are dropped (outside the employed universe). Source of the titles: the KSCO-7 notice
# (통계청 고시 제2017-191호) as transcribed in data/reference/original/ksco7_classification.csv." \
    "$occ" "$ksco" --level major --rules crosswalks/rules_military_A.csv

build npk_occupation_to_ksco7_major_B "# NPK occupation (2,120 labels, 1,000,000 personas) -> KSCO-7 major group (1-9).
# VARIANT B (armed forces dropped): as variant A, but the 12 military rank labels are dropped
# explicitly by rules_military_B.csv (empty \`to\`), because the EAPS universe has no armed
# forces. The comparison is the same on groups 1-9; what differs is where the 5,282 personas
# are reported (dropped by the crosswalk here, excluded reference support in variant A)." \
    "$occ" "$ksco" --level major --rules crosswalks/rules_military_B.csv

build npk_occupation_to_ksco7_submajor_A "# NPK occupation -> KSCO-7 sub-major group (52 groups incl. A0), the level of the LALFS
# tables (data/reference/original/lalfs_employed_by_occupation_submajor_age_education.csv).
# Military ranks -> A0 by rules_military_A.csv; unemployed and non-employed labels dropped." \
    "$occ" "$ksco" --level sub_major --rules crosswalks/rules_military_A.csv

build npk_occupation_to_keco2018_A "# NPK occupation -> KSCO-7 -> KECO-2018 major group (10 groups of KEIS GOMS,
# data/reference/original/goms_occupation_keco2018_by_field.csv), through
# ksco7_to_keco2018_A.csv: VARIANT A, each KSCO-7 sub-major whole to one KECO group.
# Military ranks -> A0 -> 교육·법률·사회복지·경찰·소방직 및 군인 (KECO 25 군인). Unemployed and
# non-employed labels dropped: GOMS tabulates employed graduates." \
    "$occ" "$ksco" --level sub_major --rules crosswalks/rules_military_A.csv \
    --compose crosswalks/ksco7_to_keco2018_A.csv

build npk_occupation_to_keco2018_B "# NPK occupation -> KSCO-7 -> KECO-2018 major group, through ksco7_to_keco2018_B.csv:
# VARIANT B, the ambiguous KSCO-7 sub-majors resolved at minor and unit level (rolled up to
# unit so that the unit rows apply). Otherwise as variant A." \
    "$occ" "$ksco" --level unit --rules crosswalks/rules_military_A.csv \
    --compose crosswalks/ksco7_to_keco2018_B.csv

# The top-20 cut: NPK's pair tables keep occupation's 20 largest labels (무직 and 19 titles)
# and lump the other 2,100 into 기타, which no crosswalk can map. Crosswalk the labels of
# the sex x occupation and bachelors_field x occupation tables to see what they cover.
build top20_sex_x_occupation_ksco7_major_A "# The labels of data/npk/long/sex__occupation.csv (top 20 + 기타) -> KSCO-7 major group,
# variant A. 기타 (2,100 labels lumped together) cannot be mapped: see the report." \
    data/npk/long/sex__occupation.csv "$ksco" --label-col occupation --level major \
    --rules crosswalks/rules_military_A.csv
for v in A B; do
    lvl=sub_major
    [ $v = B ] && lvl=unit
    build top20_bachelors_field_x_occupation_keco2018_$v "# The labels of data/npk/long/bachelors_field__occupation.csv (top 20 + 기타) -> KECO-2018
# through ksco7_to_keco2018_$v.csv. 기타 cannot be mapped: see the report." \
        data/npk/long/bachelors_field__occupation.csv "$ksco" --label-col occupation \
        --level $lvl --rules crosswalks/rules_military_A.csv \
        --compose crosswalks/ksco7_to_keco2018_$v.csv
done
rm -f "$out/top20_"*.csv # only their reports are of interest

# Coverage of the top-20 cut per target group: employed mass in the 19 listed titles over
# the employed mass of the full marginal.
coverage() { # coverage FULL_TARGETS TOP20_TARGETS OUT (rows in the order of FULL_TARGETS)
    awk -F, 'NR == FNR { if (FNR > 1) top[$1] = $2; next }
             FNR == 1 { print "to,employed_mass,top20_mass,top20_share"; next }
             { t = ($1 in top) ? top[$1] : 0
               printf "%s,%s,%s,%.6f\n", $1, $2, t, t / $2; tf += $2; tt += t }
             END { printf "all,%s,%s,%.6f\n", tf, tt, tt / tf }' "$2" "$1" > "$3"
}
coverage "$out/reports/npk_occupation_to_ksco7_major_A.targets.csv" \
    "$out/reports/top20_sex_x_occupation_ksco7_major_A.targets.csv" \
    "$out/reports/top20_coverage_ksco7_major.csv"
for v in A B; do
    coverage "$out/reports/npk_occupation_to_keco2018_$v.targets.csv" \
        "$out/reports/top20_bachelors_field_x_occupation_keco2018_$v.targets.csv" \
        "$out/reports/top20_coverage_keco2018_$v.csv"
done
