#!/bin/bash
# Malformed inputs through the CLI: every one must exit 1 (data error) with a
# message naming the file and the line (and column where it applies), leave
# no report behind, and never crash. Usage errors must exit 2.
set -uo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
# the work directory, the counters and `expect CODE PATTERN -- command...`
. "$IAF_SRC/tests/lib/expect.bash"

printf 'sex,count\n남자,10\n여자,12\n' > syn.csv
printf 'sex,share\n남자,0.5\n여자,0.5\n' > ref.csv
printf 'from,to\n남자,M\n여자,F\n' > cw.csv

spec() { # spec NAME BODY: a valid skeleton with BODY appended under checks
    cat > "$1" <<Y
iaf: 1
name: t
dataset:
  title: t
  tables: [{id: s, file: syn.csv}]
references:
  - {id: r, file: ref.csv}
checks:
$2
Y
}

# --- YAML specs ---
printf 'iaf: 1\nname: [unclosed\n' > y1.yaml
expect 1 'y1.yaml:[0-9]+.*invalid YAML' -- "$IAF" audit y1.yaml -o out1
printf 'iaf: 2\nname: t\n' > y2.yaml
expect 1 "y2.yaml:1:[0-9]+: .*iaf: 1" -- "$IAF" audit y2.yaml -o out2
spec y3.yaml '  - {id: a, kind: marginal, attributes: [sex], reference: nope}'
expect 1 "y3.yaml:[0-9]+:[0-9]+: .*no reference with id 'nope'" -- "$IAF" audit y3.yaml -o out3
spec y4.yaml '  - {id: a, kind: wobble, attributes: [sex], reference: r}'
expect 1 "y4.yaml:[0-9]+:[0-9]+: .*kind must be" -- "$IAF" audit y4.yaml -o out4
spec y5.yaml '  - {id: a, kind: marginal, attributes: [sex], reference: r, colour: red}'
expect 1 "y5.yaml:[0-9]+:[0-9]+: .*unknown key 'colour'" -- "$IAF" audit y5.yaml -o out5
spec y6.yaml '  - {id: a, kind: marginal, attributes: [sex], reference: r, universe: "sex == "}'
expect 1 "y6.yaml:[0-9]+" -- "$IAF" audit y6.yaml -o out6
spec y7.yaml '  - {id: a, kind: joint, attributes: [sex], reference: r}'
expect 1 "y7.yaml:[0-9]+:[0-9]+: .*exactly the attributes" -- "$IAF" audit y7.yaml -o out7
spec y8.yaml '  - {id: a, kind: marginal, attributes: [sex], reference: r}
  - {id: a, kind: marginal, attributes: [sex], reference: r}'
expect 1 "y8.yaml:[0-9]+:[0-9]+: .*duplicate check id 'a'" -- "$IAF" audit y8.yaml -o out8
expect 1 "nothere.yaml: cannot open" -- "$IAF" audit nothere.yaml -o out9

# --- count tables ---
printf 'sex,count\n남자,10\n여자,abc\n' > c1.csv
spec y10.yaml '  - {id: a, kind: marginal, attributes: [sex], reference: r, synthetic: s}'
sed -i 's/syn.csv/c1.csv/' y10.yaml
expect 1 "c1.csv:3: .*column 2 \('count'\): not a number: 'abc'" -- "$IAF" audit y10.yaml -o out10
printf 'sex,count\n남자,-4\n' > c2.csv
expect 1 "c2.csv:2: .*negative" -- "$IAF" compare c2.csv ref.csv --by sex
printf 'sex,share,state\n남자,0.5,maybe\n' > c3.csv
expect 1 "c3.csv:2: .*state must be" -- "$IAF" compare syn.csv c3.csv --by sex
printf 'sex,count\n"남자,10\n' > c4.csv
expect 1 "c4.csv:2" -- "$IAF" compare c4.csv ref.csv --by sex --synthetic-form counts
# 17 attribute columns: one too many (the fuzzer found this path leaking the names)
printf 'a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11,a12,a13,a14,a15,a16,sex,count\n' > c5.csv
printf '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,남자,3\n' >> c5.csv
expect 1 "c5.csv:1: .*too many attribute columns" -- "$IAF" compare c5.csv ref.csv --by sex --synthetic-form counts

# --- crosswalks ---
printf 'from,to,weight\n남자,M,0.5\n남자,X,0.4\n' > cw1.csv
cat > y14.yaml <<Y
iaf: 1
name: t
dataset: {title: t, tables: [{id: s, file: syn.csv}]}
crosswalks: [{id: w, file: cw1.csv}]
attributes: [{name: sex, crosswalk: w}]
references: [{id: r, file: ref.csv}]
checks: [{id: a, kind: marginal, attributes: [sex], reference: r}]
Y
expect 1 "cw1.csv:2" -- "$IAF" audit y14.yaml -o out14
printf 'from,to,match\n"(unclosed",M,regex\n' > cw2.csv
sed 's/cw1.csv/cw2.csv/' y14.yaml > y15.yaml
expect 1 "cw2.csv:2" -- "$IAF" audit y15.yaml -o out15

# --- microdata ---
printf 'sex,age\n남자,30\n여자\n' > m1.csv
expect 1 "m1.csv:3" -- "$IAF" count m1.csv --by sex
printf '{"sex": "남자"}\n{"sex": \n' > m2.jsonl
expect 1 "m2.jsonl:2" -- "$IAF" count m2.jsonl --by sex
printf 'sex\n남자\n' > m3.csv
expect 1 "m3.csv.*no column 'age'|m3.csv.*'age'" -- "$IAF" count m3.csv --by age
printf 'sex,w\n남자,1\n여자,x\n' > m4.csv
expect 1 "m4.csv.*weight" -- "$IAF" count m4.csv --by sex --weight w
# an unparsable --where is a usage error (exit 2), located in the option
expect 2 "--where:1:8:" -- "$IAF" count syn.csv --by sex --where 'sex == ('

# --- usage errors exit 2, help exits 0 on stdout ---
expect 2 "needs SYNTHETIC and REFERENCE" -- "$IAF" compare syn.csv --by sex
expect 2 "--by is required" -- "$IAF" count syn.csv
expect 2 "no command" -- "$IAF" frobnicate
"$IAF" help >help.txt 2>&1 && grep -q "Commands:" help.txt || { echo "FAIL: iaf help"; fails=$((fails+1)); }
"$IAF" count --help | grep -q "Usage: iaf count" || { echo "FAIL: count --help"; fails=$((fails+1)); }

# no partial reports
for d in out*; do
    if [ -e "$d/report.json" ]; then echo "FAIL: $d has a report"; fails=$((fails + 1)); fi
done
echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
