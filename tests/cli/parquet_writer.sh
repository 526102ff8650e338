#!/usr/bin/env bash
# The Parquet writer of the weights files with a small layout (tests/unit/test_parquet_writer.c
# writes 5000 rows as 4 row groups of about 125 values per data page): iaf's own reader
# (iaf inspect verifies every page), and DuckDB (tests/engines) read every value back exactly,
# and every column chunk's row count, offset and min/max statistics are what pandas computes
# from the values (string order: bytes; -0.0 the minimum of zeros).
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}"
py=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
IAF_PQW_OUT=$tmp "$IAF_BUILD/tests/test_parquet_writer" > /dev/null
"$IAF" inspect "$tmp/writer.parquet" > "$tmp/inspect.txt"
grep -q '^num_rows: 5000$' "$tmp/inspect.txt"
grep -q '^row_groups: 4$' "$tmp/inspect.txt"
grep -q '^verified: 3 flat columns decoded' "$tmp/inspect.txt"
cd "$tmp"
printf "SELECT * FROM read_parquet('writer.parquet')\n" > q.sql
node "$IAF_SRC/tests/engines/duck_run.mjs" select q.sql all.csv csv
printf "SELECT row_group_id, row_group_num_rows, path_in_schema, num_values, stats_min_value, stats_max_value, total_compressed_size, data_page_offset FROM parquet_metadata('writer.parquet') ORDER BY row_group_id, column_id\n" > m.sql
node "$IAF_SRC/tests/engines/duck_run.mjs" select m.sql meta.csv csv
"$py" - <<'PY'
import math
import pandas as pd
N, GROUP = 5000, 1300
ids = ['' if i == 0 else f'r{i}' + 'é' * (i % 7) for i in range(N)]
ns = [i * 7919 - 20000000 for i in range(N)]
xs = [-0.0 if i == 0 else i / 3.0 for i in range(N)]
a = pd.read_csv('all.csv', dtype={'id': str, 'x': str}, keep_default_na=False)
assert list(a.columns) == ['id', 'n', 'x'] and len(a) == N
assert list(a.id) == ids and list(a.n) == ns
assert all(float(v) == x and math.copysign(1, float(v)) == math.copysign(1, x)
           for v, x in zip(a.x, xs))
m = pd.read_csv('meta.csv', dtype=str, keep_default_na=False)
assert len(m) == 4 * 3
off = 4
for g in range(4):
    r0, r1 = g * GROUP, min(N, (g + 1) * GROUP)
    for col, vals, width in (('id', ids[r0:r1], None), ('n', ns[r0:r1], 8), ('x', xs[r0:r1], 8)):
        row = m[(m.row_group_id == str(g)) & (m.path_in_schema == col)].iloc[0]
        assert int(row.row_group_num_rows) == r1 - r0 and int(row.num_values) == r1 - r0
        assert int(row.data_page_offset) == off, (g, col, row.data_page_offset, off)
        size = int(row.total_compressed_size)
        off += size
        payload = sum(4 + len(v.encode()) for v in vals) if width is None else 8 * len(vals)
        # ~125 values per page: one page header per page (each over 10 bytes)
        assert size - payload > 10 * 10, (g, col, size, payload)
        if col == 'id':
            lo = min(vals, key=lambda s: s.encode())
            hi = max(vals, key=lambda s: s.encode())
            assert (row.stats_min_value, row.stats_max_value) == (lo, hi), (g, row)
        elif col == 'n':
            assert (int(row.stats_min_value), int(row.stats_max_value)) == (min(vals), max(vals))
        else:
            lo, hi = float(row.stats_min_value), float(row.stats_max_value)
            assert lo == min(vals) and hi == max(vals), (g, lo, hi)
            if min(vals) == 0:
                assert math.copysign(1, lo) < 0  # -0.0 for a zero minimum
print('parquet writer: 4 row groups, many pages; DuckDB reads every value and the statistics')
PY
echo "parquet_writer: ok"
