#!/bin/sh
# The Nemotron-Personas-USA audit on the shipped rows; prints the headline.
# Usage: examples/usa-nemotron/run.sh IAF_BINARY OUTPUT_DIR
set -eu
iaf=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
echo "== iaf audit: Nemotron-Personas-USA (first 55,225 rows) against BLS CPS and ACS 2018 =="
echo
"$iaf" audit "$here/audit.yaml" -o "$out"
