#!/usr/bin/env bash
# `iaf count` with several --by options (one -o each): every table counted in one scan must equal
# Python's count of the same rows (csv/json modules, no iaf code), for CSV and JSONL, with and
# without --where, on 1 and 2 threads; a --by/-o mismatch is a usage error (exit 2).
#
# Environment (set by CTest): IAF, PYTHON.
set -u
: "${IAF:?}"
PY=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0

"$PY" - "$TMP" <<'EOF'
import csv, json, random, sys
d = sys.argv[1]
rng = random.Random(20261129)
sexes = ["남자", "여자", "", "NA"]
provs = ["서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "N", ""]
occs = [f"직업{i:03d}" for i in range(300)] + ["a,b", 'say "hi"', ""]
rows = []
for i in range(3000):
    rows.append({
        "id": str(i),
        "sex": rng.choice(sexes),
        "age": str(rng.randint(19, 99)),
        "province": rng.choice(provs),
        "occupation": rng.choice(occs),
        "note": "긴 텍스트, 줄바꿈\n포함" if i % 7 == 0 else "plain",
    })
with open(f"{d}/in.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
with open(f"{d}/in.jsonl", "w", encoding="utf-8") as f:
    for r in rows:
        o = {k: (None if v == "" else v) for k, v in r.items()}
        o["age"] = int(o["age"])
        f.write(json.dumps(o, ensure_ascii=False) + "\n")

# Missing: null and "" by default; with --missing NA,N also those tokens.
def table(cols, where=None, MISSING=frozenset({""})):
    counts = {}
    for r in rows:
        if where and not where(r):
            continue
        key = tuple("" if r[c] in MISSING else r[c] for c in cols)
        counts[key] = counts.get(key, 0) + 1
    out = [cols + ["count"]]
    for key in sorted(counts, key=lambda k: tuple(x.encode() for x in k)):
        out.append(list(key) + [str(counts[key])])
    return out
specs = {"t1": ["sex", "occupation"], "t2": ["age"], "t3": ["province", "sex", "age"]}
for name, cols in specs.items():
    for tag, where in (("all", None), ("old", lambda r: int(r["age"]) >= 65)):
        for mode, miss in (("default", {""}), ("declared", {"", "NA", "N"})):
            with open(f"{d}/expect.{name}.{tag}.{mode}.csv", "w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator="\n").writerows(table(cols, where, miss))
EOF

same_table() { # got expected label
    if ! "$PY" - "$1" "$2" <<'EOF'; then
import csv, sys
load = lambda p: list(csv.reader(open(p, newline="", encoding="utf-8")))
sys.exit(0 if load(sys.argv[1]) == load(sys.argv[2]) else 1)
EOF
        echo "FAIL: $3"
        fail=1
    fi
}

# The literal NA and N of sex and province are categories by default (only null and "" are
# missing); --missing NA,N declares them missing (1 thread: the default, 2 threads: declared).
for in in in.csv in.jsonl; do
    for t in 1 2; do
        mode=default miss=()
        [ "$t" = 2 ] && mode=declared miss=(--missing NA,N)
        for tag in all old; do
            where=()
            [ "$tag" = old ] && where=(--where 'age >= 65')
            if ! "$IAF" count "$TMP/$in" -t "$t" "${where[@]}" "${miss[@]}" --by sex,occupation \
                -o "$TMP/t1.csv" --by age -o "$TMP/t2.csv" --by province,sex,age -o "$TMP/t3.csv"; then
                echo "FAIL: $in -t $t $tag: iaf count failed"
                fail=1
                continue
            fi
            for n in t1 t2 t3; do
                same_table "$TMP/$n.csv" "$TMP/expect.$n.$tag.$mode.csv" "$in -t $t $tag $mode: table $n"
            done
        done
    done
done

# a single --by still writes to stdout
"$IAF" count "$TMP/in.csv" --by age > "$TMP/one.csv" && same_table "$TMP/one.csv" "$TMP/expect.t2.all.default.csv" "single --by to stdout"

usage() { # expected exit 2
    "$IAF" count "$TMP/in.csv" "$@" > /dev/null 2>&1
    local rc=$?
    if [ "$rc" -ne 2 ]; then
        echo "FAIL: iaf count $* exited $rc, not 2"
        fail=1
    fi
}
usage --by sex --by age -o "$TMP/x.csv"
usage --by sex --by age
usage --by sex -o "$TMP/x.csv" -o "$TMP/y.csv"
[ -e "$TMP/x.csv" ] && { echo "FAIL: a usage error wrote output"; fail=1; }

[ "$fail" -eq 0 ] && echo "count_multi_by: ok"
exit "$fail"
