#!/bin/bash
# Datasets as a data engineer lays them out: `iaf inspect` takes a directory or a glob like
# `iaf count`; Hive partition directories (key=value) are string columns named by their key
# in count and audit, usable in --by, --where, a spec's attributes and universes, checked
# against pandas reading the same layout.
set -uo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
PY=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0
no() { echo "FAIL: $*"; fails=$((fails + 1)); }

# --- iaf inspect over a dataset ---
pq=$IAF_SRC/tests/data/parquet/interop
mkdir -p ins/sub && cp "$pq/codec-gzip-v1.parquet" ins/a.parquet && cp "$pq/codec-snappy-v1.parquet" ins/sub/b.parquet
printf 'x\n1\n' >ins/notes.csv
"$IAF" inspect ins >out.txt 2>err.txt || no "inspect DIR: $(cat err.txt)"
[ "$(grep -c '^file: ' out.txt)" = 2 ] && grep -qx 'file: ins/a.parquet' out.txt &&
    grep -qx 'file: ins/sub/b.parquet' out.txt || no "inspect DIR headers: $(grep '^file' out.txt)"
[ "$(grep -c '^verified: ' out.txt)" = 2 ] || no "inspect DIR did not verify both files"
"$IAF" inspect 'ins/*.parquet' ins/sub/b.parquet --json >out.json || no "inspect GLOB FILE --json"
"$PY" -c "
import json,sys
d=json.load(open('out.json'))
sys.exit(not (isinstance(d,list) and len(d)==2 and all(x['num_rows']==4000 for x in d)))" ||
    no "inspect --json of a dataset is not an array of 2 objects: $(head -c 200 out.json)"
"$IAF" inspect ins/a.parquet >one.txt && ! grep -q '^file: ' one.txt || no "one file gained a header"
"$IAF" inspect 'ins/*.nothing' >/dev/null 2>err.txt; rc=$?
[ $rc = 1 ] && grep -q 'pattern matches no file' err.txt || no "inspect of an empty glob: rc=$rc $(cat err.txt)"
# a corrupt file in the dataset: the files before it are shown, then its located error
cp "$IAF_SRC/tests/data/parquet/bad/"$(ls "$IAF_SRC/tests/data/parquet/bad" | grep '\.parquet$' | head -1) ins/sub/z.parquet
"$IAF" inspect ins >out.txt 2>err.txt; rc=$?
[ $rc = 1 ] && grep -q 'ins/sub/z.parquet' err.txt && grep -qx 'file: ins/a.parquet' out.txt ||
    no "a corrupt file in a dataset: rc=$rc $(head -c 300 err.txt)"

# --- Hive partitions, CSV ---
mk() { mkdir -p "$(dirname "$1")" && printf "$2" >"$1"; }
mk hv/year=2020/sex=M/part-0.csv 'id,occ,age\n1,a,30\n2,b,41\n'
mk hv/year=2020/sex=F/part-0.csv 'id,occ,age\n3,a,52\n'
mk hv/year=2021/sex=M/part-0.csv 'id,occ,age\n4,a,25\n5,a,33\n6,c,61\n'
mk hv/year=2021/sex=M/part-1.csv 'id,occ,age\n9,b,44\n'
mk hv/year=2021/sex=__HIVE_DEFAULT_PARTITION__/part-0.csv 'id,occ,age\n7,a,38\n'
mk 'hv/year=2021/sex=%EC%97%AC%20x/part-0.csv' 'id,occ,age\n8,z,70\n'
# pandas reads the same layout (key=value directories, %XX decoded, the default partition null)
"$PY" - <<'EOF'
import os, urllib.parse, pandas as pd
frames = []
for root, _, files in os.walk("hv"):
    for f in files:
        d = pd.read_csv(os.path.join(root, f), dtype=str, keep_default_na=False)
        for part in root.split(os.sep)[1:]:
            k, v = part.split("=", 1)
            v = urllib.parse.unquote(v)
            d[k] = None if v == "__HIVE_DEFAULT_PARTITION__" else v
        frames.append(d)
d = pd.concat(frames).fillna("")
def write(name, g):
    with open(name, "w", encoding="utf-8") as f:
        f.write(",".join(g.index.names) + ",count\n")
        for key, n in sorted(g.items(), key=lambda kv: tuple(x.encode() for x in kv[0])):
            f.write(",".join(key) + f",{n}\n")
write("o_year_sex.csv", d.groupby(["year", "sex"]).size())
write("o_occ_sex_2021.csv", d[(d.year == "2021") & (d.age.astype(int) >= 30)].groupby(["occ", "sex"]).size())
EOF
"$IAF" count hv --by year,sex -o year_sex.csv || no "count by Hive keys"
cmp -s year_sex.csv o_year_sex.csv || no "Hive counts differ from pandas: $(diff year_sex.csv o_year_sex.csv)"
"$IAF" count hv --by occ,sex --where 'year == "2021" and age >= 30' --threads 3 -o occ_sex.csv ||
    no "--where on a Hive key"
cmp -s occ_sex.csv o_occ_sex_2021.csv || no "--where on a Hive key: $(diff occ_sex.csv o_occ_sex_2021.csv)"
# a glob over the partitions finds the same keys
"$IAF" count 'hv/year=*/sex=*/*.csv' --by year,sex -o g.csv && cmp -s g.csv o_year_sex.csv ||
    no "a glob over Hive directories"
# a key the files also hold as a column: the file's column wins
mk hv2/sex=X/p.csv 'sex,occ\nM,a\nF,b\n'
"$IAF" count hv2 --by sex -o s.csv && [ "$(cat s.csv)" = "$(printf 'sex,count\nF,1\nM,1')" ] ||
    no "a file column named like a Hive key: $(cat s.csv)"
# an unknown name lists the partition keys too
"$IAF" count hv --by yeer >/dev/null 2>err.txt
grep -q "no column 'yeer'.*partition keys: 'year', 'sex'" err.txt || no "unknown column: $(cat err.txt)"

# --- Hive partitions, Parquet ---
mkdir -p pqh/region=north pqh/region=south
cp "$pq/codec-gzip-v1.parquet" pqh/region=north/a.parquet
cp "$pq/codec-snappy-v1.parquet" pqh/region=south/b.parquet
"$IAF" count pqh --by region -o r.csv &&
    [ "$(cat r.csv)" = "$(printf 'region,count\nnorth,4000\nsouth,4000')" ] || no "Parquet Hive: $(cat r.csv)"
"$IAF" count pqh/region=north/a.parquet --by sex -o n.csv
"$IAF" count pqh --by sex,region --where 'region == "north"' -o ns.csv
"$PY" -c "
import csv,sys
a={r['sex']:r['count'] for r in csv.DictReader(open('n.csv'))}
b={r['sex']:r['count'] for r in csv.DictReader(open('ns.csv')) if r['region']=='north'}
sys.exit(a!=b or not a)" || no "Parquet Hive with a dictionary column beside it"

# --- an audit on a partitioned dataset: attributes and universes on Hive keys ---
printf 'sex,count\nM,5\nF,5\n' >ref_sex.csv
cat >audit.yaml <<'Y'
iaf: 1
name: partitioned
dataset:
  title: partitioned rows
  microdata: [hv]
attributes:
  - {name: sex, column: sex}
references:
  - {id: ref_sex, file: ref_sex.csv, full_count: true}
checks:
  - id: sex_2021
    kind: marginal
    attributes: [sex]
    reference: ref_sex
    universe: 'year == "2021"'
    disclosure: none
Y
"$IAF" audit audit.yaml -o rep -q --bootstrap 50 --format json 2>err.txt || no "audit of a partitioned dataset: $(cat err.txt)"
"$PY" - <<'EOF' || no "audit on Hive keys: $(head -c 300 rep/report.json)"
import json, sys
v = json.load(open("rep/report.json"))["checks"][0]["variants"][0]
# 9 rows; 6 in 2021 (the universe on the key year); 4 of them M, on the reference's support
ok = (v["synthetic_mass_total"], v["synthetic_mass_in_universe"],
      v["support"]["synthetic_mass_on_support"]) == (9, 6, 4)
sys.exit(0 if ok else 1)
EOF

[ "$fails" = 0 ] && echo "datasets: inspect over directories and globs, Hive partitions in count and audit"
exit "$fails"
