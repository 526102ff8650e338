#!/bin/bash
# The text of `iaf scan`, as a person reads it (issue 15), checked against pandas on the same
# rows:
#  * n: the rows scanned in the first line, and each pair's n (rows in the universe) in its own
#    column, here with a --where filter so that the two differ;
#  * the skipped columns, each with its reason;
#  * the small-n warning, counting the pairs that Cochran's rule (computed here) marks, and the
#    same pairs marked *;
#  * a card sentence quoted whole on the line under every pair whose two columns it names;
#  * columns aligned with long names and Hangul names (display width: a Hangul syllable takes
#    two cells): every value column starts at the same display column on every pair line.
set -euo pipefail
: "${IAF:?}"
PY=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$PY - "$work" <<'PY'
import sys
import numpy as np
w = sys.argv[1]
r = np.random.default_rng(3)
n = 400
a = r.integers(0, 3, n)
with open(f"{w}/d.csv", "w", encoding="utf-8") as f:
    f.write("person_id,occupation_major_group_of_the_respondent,직업_대분류,sex,keep,region\n")
    for i in range(n):
        b = a[i] if r.random() < 0.5 else r.integers(0, 3)
        f.write(f"{i},occ{a[i]},직업{b},{'MF'[r.integers(0, 2)]},{'yn'[int(r.random() < 0.8)]},"
                f"reg{r.integers(0, 12)}\n")
with open(f"{w}/card.md", "w", encoding="utf-8") as f:
    f.write("# Card\nWe assume sex is independent of region, as the census does. "
            "The rest is modeled jointly.\n")
PY
"$IAF" scan "$work/d.csv" --where "keep == 'y'" --skip keep --card "$work/card.md" --null 100 -t 2 \
    > "$work/scan.txt"
"$IAF" scan "$work/d.csv" --where "keep == 'y'" --skip keep --card "$work/card.md" --null 100 -t 2 --json \
    > "$work/scan.json"
$PY - "$work" <<'PY'
import json, sys, unicodedata
import numpy as np
import pandas as pd
w = sys.argv[1]
txt = open(f"{w}/scan.txt", encoding="utf-8").read().splitlines()
d = pd.read_csv(f"{w}/d.csv", dtype=str)
u = d[d["keep"] == "y"]

def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

# n: the rows scanned, then each pair's rows in the universe
assert txt[0].startswith(f"scan: {len(d)} rows;"), txt[0]
head_i = next(i for i, l in enumerate(txt) if l.startswith("pair "))
head = txt[head_i]
rows = [l for l in txt[head_i + 1:] if l and not l.startswith(" ") and " x " in l]
cols = [c for c in d.columns if c not in ("person_id", "keep")]
assert len(rows) == len(cols) * (len(cols) - 1) // 2, rows
pairs = {}
for l in rows:
    for x in cols:
        for y in cols:
            if l.startswith(f"{x} x {y}") and x != y:
                rest = l[len(f"{x} x {y}"):]
                star = rest.startswith("*")
                pairs[(x, y)] = (l, star, rest.lstrip("*").split())
assert len(pairs) == len(rows), (len(pairs), rows)
for (x, y), (l, star, f) in pairs.items():
    assert int(f[0]) == len(u), (l, len(u))          # n of the pair: rows in the universe

# alignment: every value column starts at the same display column as in the header
def starts(line):
    out, col, prev = [], 0, " "
    for ch in line:
        if ch != " " and prev == " ":
            out.append(col)
        col += width(ch)
        prev = ch
    return out
hs = starts(head)
for l, _, _ in pairs.values():
    # the name may hold spaces (" x "): the value fields are the 8 tokens after its 3
    ends = lambda s: [i + width(t) for i, t in zip(starts(s), s.split())]
    le, he = ends(l), ends(head)
    hdr_ends = [e for e, t in zip(he, head.split()) if t in ("n", "kx", "ky", "dep_tvd", "p95",
                                                                "V", "NMI", "bias")]
    name_tokens = 3
    val_ends = le[name_tokens:name_tokens + 8]
    assert val_ends == hdr_ends, (l, val_ends, hdr_ends)

# small n: Cochran's rule on the expected counts, computed here
small = set()
for (x, y) in pairs:
    t = pd.crosstab(u[x], u[y]).values.astype(float)
    e = np.outer(t.sum(1), t.sum(0)) / t.sum()
    if (e < 5).mean() > 0.2 or (e < 1).any():
        small.add((x, y))
assert small, "the fixture should have small-n pairs"
assert {k for k, v in pairs.items() if v[1]} == small, (small, [k for k, v in pairs.items() if v[1]])
warn = [l for l in txt if l.startswith("warning: small n")]
assert warn == [f"warning: small n in {len(small)} of {len(pairs)} pairs (marked *): expected "
                "counts under independence below 5 in more than 20% of the cells, or below 1"], warn

# skipped: the identifier and the filter column given to --skip, each with its reason
i = txt.index("skipped:")
sk = {}
for l in txt[i + 1:]:
    if not l.startswith("  "):
        break
    name, why = l.strip().split(None, 1)
    sk[name] = why
assert sk.get("person_id", "").startswith("identifier"), sk
assert sk.get("keep") == "declared with --skip", sk

# the card sentence, whole, under the one pair it names
sent = 'card: "We assume sex is independent of region, as the census does."'
for (x, y), (l, _, _) in pairs.items():
    k = txt.index(l)
    if {x, y} == {"sex", "region"}:
        assert txt[k + 1].strip() == sent, txt[k + 1]
    else:
        assert not txt[k + 1].strip().startswith("card:"), (l, txt[k + 1])

# the JSON says the same
rep = json.load(open(f"{w}/scan.json", encoding="utf-8"))
assert rep["rows"] == len(d)
assert all(p["n"] == len(u) for p in rep["pairs"])
assert {(p["x"], p["y"]) for p in rep["pairs"] if p["small_n"]} == small
print("scan text ok")
PY
