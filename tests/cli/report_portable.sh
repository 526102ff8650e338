#!/bin/bash
# report.json is portable: the inputs are named relative to the spec's directory (or as
# given), the command line keeps no directory of the machine that ran the audit, so the
# same audit run from two places on two machines writes the same report.json.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for where in one two; do
    mkdir -p "$work/$where/spec" "$work/$where/data"
    cp -R "$IAF_SRC/tests/golden/html_audit_small/." "$work/$where/spec/"
    mv "$work/$where/spec/personas.csv" "$work/$where/data/"
done
# absolute paths everywhere: the spec, the output directory, the microdata outside the spec
(cd / && "$IAF" audit "$work/one/spec/audit.yaml" -o "$work/one/out" -q --bootstrap 50 \
    --microdata "$work/one/data/personas.csv")
# relative paths from another directory, the output given with --output=
(cd "$work/two" && "$IAF" audit spec/audit.yaml --output="$work/two/out" -q --bootstrap 50 \
    --microdata data/personas.csv)

for where in one two; do
    for f in report.json report.md report.html cells.csv; do
        if grep -qF "$work" "$work/$where/out/$f"; then
            fail "$where/out/$f names a directory of this machine: $(grep -oF "$work[^\"]*" "$work/$where/out/$f" | head -1)"
        fi
    done
done
"$PYTHON" - "$work/one/out/report.json" "$work/two/out/report.json" <<'PY'
import json, sys
one, two = (json.load(open(p)) for p in sys.argv[1:3])
r = one["reproducibility"]
paths = {i["role"]: i["path"] for i in r["inputs"]}
assert paths["spec"] == "audit.yaml", paths
assert paths["microdata"] == "../data/personas.csv", paths
assert paths["crosswalk:xw_b"] == "xw_soldiers_as_managers.csv", paths
assert all(not i["path"].startswith("/") for i in r["inputs"]), r["inputs"]
assert r["command_line"] == "iaf audit -o out -q --bootstrap 50 --microdata personas.csv audit.yaml", r["command_line"]
assert two["reproducibility"]["command_line"] == "iaf audit --output=out -q --bootstrap 50 --microdata data/personas.csv spec/audit.yaml", two["reproducibility"]["command_line"]
# apart from the command line the two reports are the same
for d in (one, two):
    del d["reproducibility"]["command_line"]
assert one == two
print("portable ok")
PY
