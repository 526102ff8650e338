#!/usr/bin/env bash
# PostgreSQL 15 runs the plan of `iaf plan --sql postgres` (docs/scale.md): the test makes a
# cluster with initdb in a temporary directory (as an unprivileged user: `nobody` when the test
# runs as root), starts it with pg_ctl on a free port of 127.0.0.1, loads the US excerpt and a
# 100,000-row NPK-shaped table (tests/planted/gen_npk_micro.py --csv) as text columns, runs
# plan.sql with psql (\copy ... TO CSV), stops the server, and audits from the CSV results.
# Each report must equal iaf's own scan of the same rows (provenance and command line aside).
# A server that cannot start fails the test.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d "$IAF_BUILD/scale-postgres.XXXXXX")
pgbin=/usr/lib/postgresql/15/bin
fail=0
. "$IAF_SRC/tests/engines/common.sh"
[ -x "$pgbin/initdb" ] && command -v psql >/dev/null ||
    { echo "FAIL: PostgreSQL 15 missing: run scripts/install-deps.sh"; exit 1; }
chmod 755 "$work"
pgdata="$work/pg"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$pgdata" && chown nobody "$pgdata"
    as_pg=(runuser -u nobody --)
fi
port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$pgdata" -U iaf --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null ||
    { echo "FAIL: initdb"; exit 1; }
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $pgdata -c fsync=off" start >/dev/null ||
    { echo "FAIL: PostgreSQL did not start"; cat "$pgdata/log"; exit 1; }
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U iaf -d postgres "$@"; }
psql_ -c "SELECT version()" -t | head -1

# a table of text columns named like the CSV's header, loaded with \copy
load() { # table file
    local cols
    cols=$("$PYTHON" -c 'import csv, sys
h = next(csv.reader(open(sys.argv[1], encoding="utf-8")))
print(", ".join("\"%s\" text" % c.replace("\"", "\"\"") for c in h))' "$2")
    psql_ -c "CREATE TABLE $1 ($cols)"
    psql_ -c "\\copy $1 FROM '$2' WITH (FORMAT csv, HEADER true)"
}
cd "$work"
us_spec="$IAF_SRC/examples/usa-nemotron/audit.yaml"
npk_spec="$IAF_SRC/examples/npk/microdata.yaml"
us_csv="$IAF_SRC/examples/usa-nemotron/data/rows/nemotron_usa_first55k.csv"

# --- the US excerpt ---
load us "$us_csv"
"$IAF" audit "$us_spec" -o us.scan --no-bootstrap -q
"$IAF" plan "$us_spec" --sql postgres --table us -o us.plan
psql_ -f us.plan/plan.sql
"$IAF" audit "$us_spec" --counts us.plan -o us.pg --no-bootstrap -q
same_report us us.scan us.pg

# --- 100,000 NPK-shaped rows, with bootstrap verdicts ---
"$PYTHON" "$IAF_SRC/tests/planted/gen_npk_micro.py" --variant robust --rows 100000 --seed 7 \
    --out npk --csv npk.csv >/dev/null
load npk npk.csv
[ "$(psql_ -t -A -c 'SELECT count(*) FROM npk')" = 100000 ] || { echo "FAIL: npk not loaded"; fail=1; }
"$IAF" audit "$npk_spec" --microdata npk.csv -o npk.scan --bootstrap 100 -q
"$IAF" plan "$npk_spec" --microdata npk.csv --sql postgres --table npk -o npk.plan
psql_ -f npk.plan/plan.sql
"$IAF" audit "$npk_spec" --counts npk.plan -o npk.pg --bootstrap 100 -q
same_report npk npk.scan npk.pg
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null || { echo "FAIL: pg_ctl stop"; fail=1; }
exit $fail
