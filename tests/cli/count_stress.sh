#!/bin/bash
# `iaf count` against pandas (tests/data/csv/stress_oracle_*.csv, made by
# tests/oracles/csv_counts.py) on the CSV stress file and the same rows as JSONL:
# every single-column and two-column count must agree exactly. Missing values:
# with --na '' only null and the empty string are missing, and they form one
# category written as an empty field, so the oracle's null and "" are merged.
set -euo pipefail
: "${IAF:?}" "${IAF_TESTDATA:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$PYTHON - "$IAF" "$IAF_TESTDATA" "$work" <<'PY'
import csv, subprocess, sys, collections
iaf, data, work = sys.argv[1:4]

def dec(h):
    return "" if h == "null" else bytes.fromhex(h).decode()

def oracle(path, pairs):
    want = collections.defaultdict(collections.Counter)
    for row in csv.DictReader(open(path, encoding="utf-8", newline="")):
        if pairs:
            key = (row["col1"], row["col2"])
            val = (dec(row["value1_hex"]), dec(row["value2_hex"]))
        else:
            key = (row["column"],)
            val = (dec(row["value_hex"]),)
        want[key][val] += int(row["count"])
    return want

def run(inp, cols):
    out = f"{work}/out.csv"
    subprocess.run([iaf, "count", inp, "--by", ",".join(cols), "--na", "", "-o", out, "-t", "2"], check=True)
    got = collections.Counter()
    rows = list(csv.reader(open(out, encoding="utf-8", newline="")))
    assert rows[0] == list(cols) + ["count"], rows[0]
    prev = None
    for r in rows[1:]:
        key = tuple(r[:-1])
        assert prev is None or [k.encode() for k in prev] < [k.encode() for k in key], "not sorted by bytes"
        prev = key
        got[key] += int(r[-1])
    return got

checked = 0
for inp, prefix in (("csv/stress.csv", "stress"), ("jsonl/stress.jsonl", "stress_jsonl")):
    for pairs in (False, True):
        want = oracle(f"{data}/csv/{prefix}_oracle_{'pairs' if pairs else 'counts'}.csv", pairs)
        for cols, counts in sorted(want.items()):
            got = run(f"{data}/{inp}", cols)
            assert got == counts, (inp, cols, got, counts)
            checked += 1
print(f"iaf count == pandas on {checked} column sets")
PY
