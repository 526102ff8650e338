#!/usr/bin/env bash
# The rules fixture (tests/data/planted/README.md): the committed fixture is what its maker
# script writes, the committed expected counts are what an independent pandas recount gives,
# the README's table of planted rows is current, and `iaf count --where` finds exactly the
# expected antecedent and violating rows of every rule (with either missing-value convention).
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
P=$IAF_SRC/tests/planted
D=$IAF_SRC/tests/data/planted
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PYTHON" "$P/make_rules_fixture.py" -o "$tmp/fixture.csv"
cmp "$tmp/fixture.csv" "$D/rules_fixture.csv"
"$PYTHON" "$P/make_rules_fixture.py" --readme-table > "$tmp/table.md"
"$PYTHON" - "$tmp/table.md" "$D/README.md" <<'PY'
import sys
table, readme = (open(p, encoding="utf-8").read() for p in sys.argv[1:])
if table not in readme:
    sys.exit("tests/data/planted/README.md: the table of planted rows is not current "
             "(make_rules_fixture.py --readme-table)")
PY
"$PYTHON" "$P/rules_oracle.py" check
"$PYTHON" "$P/rules_oracle.py" iaf "$IAF"
"$PYTHON" "$P/rules_oracle.py" iaf "$IAF" --na NA
