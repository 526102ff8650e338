#!/usr/bin/env bash
# `iaf count` on high-cardinality tuples: the packed-key hash tables, their re-packing as the
# dictionaries grow during the scan, the generic path once a tuple needs more than 62 bits, the
# radix-sort merge and the weighted path must all give Python's count of the same rows (csv
# module and a dict, no iaf code), byte for byte, on 1, 2 and 3 threads.
#
# Environment (set by CTest): IAF, PYTHON.
set -u
: "${IAF:?}"
PY=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0

"$PY" - "$TMP" <<'EOF'
import csv, random, sys
d = sys.argv[1]
rng = random.Random(20261205)
rows = []
for i in range(120000):
    k = 1 + i // 4  # later rows bring new values: dictionaries grow while the scan runs
    rows.append({
        "a": str(rng.randrange(min(k, 20000))),
        "b": str(rng.randrange(min(k, 20000))),
        "c": str(rng.randrange(min(k, 20000))),
        "d": rng.choice(["x", "y", "", "z"]),
        "e": str(rng.randrange(min(k, 3000))),
        "w": str(rng.randrange(1, 5)),
    })
with open(f"{d}/in.csv", "w", newline="", encoding="utf-8") as f:
    wr = csv.DictWriter(f, fieldnames=list(rows[0]))
    wr.writeheader()
    wr.writerows(rows)
def table(cols, weight=None):
    counts = {}
    for r in rows:
        key = tuple(r[c] for c in cols)
        counts[key] = counts.get(key, 0) + (int(r[weight]) if weight else 1)
    out = [cols + ["count"]]
    for key in sorted(counts, key=lambda k: tuple(x.encode() for x in k)):
        out.append(list(key) + [str(counts[key])])
    return out
# a,b,c,d,e: 3 x 16 + 3 + 13 bits > 62 once the dictionaries are full: the generic path
for name, cols, weight in (("ab", ["a", "b"], None), ("abc", ["a", "b", "c"], None),
                           ("abcde", ["a", "b", "c", "d", "e"], None), ("ea", ["e", "a"], None),
                           ("abc_w", ["a", "b", "c"], "w")):
    with open(f"{d}/expect.{name}.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(table(cols, weight))
EOF

for t in 1 2 3; do
    if ! "$IAF" count "$TMP/in.csv" -t "$t" -q --by a,b -o "$TMP/ab.csv" --by a,b,c -o "$TMP/abc.csv" \
        --by a,b,c,d,e -o "$TMP/abcde.csv" --by e,a -o "$TMP/ea.csv" ||
        ! "$IAF" count "$TMP/in.csv" -t "$t" -q --by a,b,c --weight w -o "$TMP/abc_w.csv"; then
        echo "FAIL: -t $t: iaf count failed"
        fail=1
        continue
    fi
    for n in ab abc abcde ea abc_w; do
        if cmp -s "$TMP/$n.csv" "$TMP/expect.$n.csv"; then
            echo "ok   -t $t $n ($(($(wc -l <"$TMP/$n.csv") - 1)) cells)"
        else
            echo "FAIL: -t $t $n differs from Python's count"
            diff "$TMP/expect.$n.csv" "$TMP/$n.csv" | head -5
            fail=1
        fi
    done
done
exit $fail
