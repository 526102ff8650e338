#!/bin/sh
# make demo: run the NPK audit on the shipped aggregates and print the headline.
# Usage: examples/npk/run.sh IAF_BINARY OUTPUT_DIR
set -eu
iaf=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
echo "== iaf audit: Nemotron-Personas-Korea (1,000,000 rows, full-dataset aggregates) =="
echo
"$iaf" audit "$here/audit.yaml" -o "$out"
