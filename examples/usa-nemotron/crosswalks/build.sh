#!/bin/sh
# Rebuild the Nemotron-Personas-USA occupation crosswalks and their reports.
#
#   sh examples/usa-nemotron/crosswalks/build.sh [IAF_BINARY [OUT_DIR]]
#
# IAF_BINARY defaults to $IAF, then build/iaf. OUT_DIR defaults to this directory; give
# another one to compare a rebuild with the committed files (tests/cli/usa_nemotron.sh).
# Inputs, all committed: the rows (data/rows/), the CPS Table 11 classification
# (data/reference/cps_occupation_classification.csv, made by prepare/cps_tables.py) and the
# hand-reviewed rules_A.csv. Paths are relative to examples/usa-nemotron so the generated
# headers are the same everywhere. docs/crosswalks.md (section 8) explains the variants.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ex=$(cd "$here/.." && pwd)
iaf=${1:-${IAF:-$ex/../../build/iaf}}
out=${2:-$here}
case $iaf in /*) ;; *) iaf=$(pwd)/$iaf ;; esac
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
mkdir -p "$out/reports"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A staging copy of the example's layout, so that the paths written into the generated
# headers are the same for any OUT_DIR.
mkdir -p "$tmp/x/crosswalks/reports"
ln -s "$ex/data" "$tmp/x/data"
ln -s "$here/rules_A.csv" "$tmp/x/crosswalks/rules_A.csv"
cd "$tmp/x"

# The labels with their mass in the audit's age universe (16+, as CPS): every one of the
# 547 titles occurs there; not_in_workforce and no_occupation are outside the employed
# universe and written with an empty `to` (--drop-excluded).
occ=crosswalks/reports/occupation_16plus.csv
"$iaf" count data/rows/nemotron_usa_first55k.csv --by occupation --where 'age >= 16' -t 1 -q \
    -o "$occ"
cp "$occ" "$out/reports/occupation_16plus.csv"
cls=data/reference/cps_occupation_classification.csv

build() {
    name=$1
    printf '%s\n' "$2" > "$tmp/preamble"
    shift 2
    "$iaf" crosswalk build "$occ" "$cls" --to title --exclude not_in_workforce \
        --exclude no_occupation --drop-excluded "$@" --preamble "$tmp/preamble" \
        -o "$out/$name.csv" --report "$out/reports/$name.report.csv" \
        --targets "$out/reports/$name.targets.csv" --unreached "$out/reports/$name.unreached.csv" \
        2> "$out/reports/$name.summary.txt"
}

build usa_occupation_to_cps_line_A "# Nemotron-Personas-USA occupation (547 Census titles in snake_case) -> CPS Table 11
# detailed line (565 lines, 2018 Census occupation codes). VARIANT A (every label): titles
# matched by word form (case, plurals and the words and/or/of/for/other aside), then by a
# title's head before a comma (the dataset leaves out qualifiers such as ', all other',
# ', except ...', ', hand'), then the two hand-reviewed rules of rules_A.csv." \
    --level line --match exact,normalized,words,head --ignore-words and,or,of,for,other \
    --rules crosswalks/rules_A.csv

build usa_occupation_to_cps_line_B "# Nemotron-Personas-USA occupation -> CPS Table 11 detailed line. VARIANT B (whole
# titles only): word forms must agree with 'other' counted as a word and without heads, so
# the labels of CPS residual lines ('Other X', 'X, all other') and of qualified lines
# ('X, except ...', 'X, hand') stay unmapped: a check that agrees under A and B does not
# rest on reading the dataset's shortened titles as those lines." \
    --level line --match exact,normalized,words --ignore-words and,or,of,for

build usa_occupation_to_cps_group "# Nemotron-Personas-USA occupation -> the 22 CPS Table 11 occupation groups (the
# parents of the detailed lines), matched as in variant A and rolled up." \
    --level group --match exact,normalized,words,head --ignore-words and,or,of,for,other \
    --rules crosswalks/rules_A.csv
