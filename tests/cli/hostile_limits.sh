#!/bin/bash
# Hostile inputs that once cost minutes or gigabytes: every one must now end quickly, in
# bounded memory, with exit 1 and a located message that names the limit.
#   * regular expressions (crosswalk regex rows, `crosswalk build --exclude-regex`): PCRE2
#     with a compiled-size cap and match/depth/heap limits (docs/expressions.md);
#   * YAML specs: aliases expanded with a cap ("billion laughs"), undefined and recursive
#     aliases, merge keys, several documents, duplicate keys found in linear time, and many
#     keys, attributes or checks loaded in linear time (docs/spec.md, "YAML");
#   * input size caps: scan cards, spec files, crosswalk files (docs/reliability.md).
# Each run is bounded in CPU time (`ulimit -t`, so that a loaded machine does not fail the
# test; the old behaviour took 12 s to minutes of CPU), in wall time (`timeout`, ten times
# that) and, outside sanitizer builds (whose shadow memory needs terabytes of address
# space), in memory (`ulimit -v` 1 GiB).
set -uo pipefail
: "${IAF:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0 n=0

sanitized=0
if [ -n "${IAF_BUILD:-}" ] && grep -q '^IAF_SANITIZE:BOOL=ON' "$IAF_BUILD/CMakeCache.txt" 2>/dev/null; then
    sanitized=1
fi

# expect CODE SECONDS PATTERN -- command...: exit status, a pattern in stderr (or stdout;
# an empty pattern checks nothing),
# within SECONDS of CPU time (four times that in a sanitizer build) and 1 GiB of address
# space.
expect() {
    local code=$1 secs=$2 pat=$3
    shift 4
    n=$((n + 1))
    [ $sanitized -eq 1 ] && secs=$((secs * 4))
    (
        [ $sanitized -eq 1 ] || ulimit -v 1048576
        ulimit -t "$secs"
        exec timeout $((secs * 10)) "$@"
    ) > out.txt 2> err.txt
    local rc=$?
    if [ $rc -ne "$code" ] || { [ -n "$pat" ] && ! cat out.txt err.txt | grep -Eq -- "$pat"; }; then
        echo "FAIL [$n]: $* -> rc=$rc (want $code), stderr: $(head -c 400 err.txt)"
        fails=$((fails + 1))
    fi
}

printf 'sex,count\n남자,10\n여자,12\n' > syn.csv
printf 'sex,share\n남자,0.5\n여자,0.5\n' > ref.csv
skeleton='iaf: 1
name: t
dataset:
  title: t
  tables: [{id: s, file: syn.csv}]
references:
  - {id: r, file: ref.csv}
'
check='checks:
  - {id: a, kind: marginal, attributes: [sex], reference: r}
'

# --- regular expressions ---
long=$(printf 'a%.0s' $(seq 2000))
printf 'code,level,title\n1,major,관리자\n' > class.csv
printf 'occupation,count\n관리자,3\n%s!,2\n' "$long" > values.csv
# glibc's regcomp grew to 7 GB on this one; PCRE2 refuses it at compile time
# a pattern given on the command line that does not compile is a usage error
expect 2 10 "--exclude-regex: pattern 1: bad regex '\(a\*\)\{9999\}': regular expression is too large" -- \
    "$IAF" crosswalk build values.csv class.csv --level major --exclude-regex '(a*){9999}'
# 12-21 s and 1.5 GB with glibc on one 2,000-character label; now the match limit
expect 1 10 "--exclude-regex: pattern 1: regex '\(a\{1,100\}\)\{1,100\}' exceeded the match limit \(1,000,000 steps\) on label 'aaaa" -- \
    "$IAF" crosswalk build values.csv class.csv --level major --exclude-regex '(a{1,100}){1,100}'
printf 'from,to,match\n관리자,관리자,\n"(a{1,100}){1,100}",x,regex\n' > rules.csv
expect 1 10 "rules.csv:3: regex .* exceeded the match limit \(1,000,000 steps\)" -- \
    "$IAF" crosswalk build values.csv class.csv --level major --match exact --rules rules.csv
# the same through an audit: the crosswalk of an attribute, on the data's labels
printf 'sex,count\n%s!,10\n여자,12\n' "$long" > syn_long.csv
printf 'from,to,match\n여자,여자,\n"(a{1,100}){1,100}",남자,regex\n' > cw_hostile.csv
{
    printf '%s' "$skeleton" | sed 's/syn.csv/syn_long.csv/'
    printf 'crosswalks: [{id: w, file: cw_hostile.csv}]\n'
    printf 'attributes: [{name: sex, crosswalk: w}]\n'
    printf '%s' "$check"
} > regex_audit.yaml
expect 1 10 "cw_hostile.csv:3: regex .* exceeded the match limit \(1,000,000 steps\) on label 'aaa" -- \
    "$IAF" audit regex_audit.yaml -o out_regex
[ -e out_regex/report.json ] && { echo "FAIL: report written after a regex limit"; fails=$((fails + 1)); }
# a pattern longer than the cap
big=$(printf 'b%.0s' $(seq 1100))
printf 'from,to,match\n%s,x,regex\n' "$big" > cw_long.csv
sed 's/cw_hostile.csv/cw_long.csv/' regex_audit.yaml > regex_long.yaml
expect 1 10 "cw_long.csv:2: bad regex 'bbbb.*pattern longer than the limit of 1,024 bytes" -- \
    "$IAF" audit regex_long.yaml -o out_long
# ordinary patterns keep working (the dialect of the example crosswalks)
printf 'sex,count\n육군 장교,10\n공군 병사,12\n' > syn_mil.csv
printf 'sex,share\n장교,0.5\n병사,0.5\n' > ref_mil.csv
printf 'from,to,match\n"(육군|해군|공군|해병대) (장교|부사관|병사)",\\2,regex\n' > cw_mil.csv
{
    printf '%s' "$skeleton" | sed 's/syn.csv/syn_mil.csv/; s/ref.csv/ref_mil.csv/'
    printf 'crosswalks: [{id: w, file: cw_mil.csv}]\n'
    printf 'attributes: [{name: sex, crosswalk: w}]\n'
    printf '%s' "$check"
} > regex_ok.yaml
expect 0 10 "TVD 0\.0[0-9]+" -- "$IAF" audit regex_ok.yaml -o out_ok

# --- YAML specs ---
printf '%s%s' "$skeleton" "$check" | sed 's/^name: t/name: \&n t/; s/title: t/title: *n/' > alias.yaml
expect 0 10 "TVD 0\.0[0-9]+" -- "$IAF" audit alias.yaml -o out_alias
grep -q '"name": "t"' out_alias/report.json || {
    echo "FAIL: the alias was not expanded"
    fails=$((fails + 1))
}
# an alias to a whole check is the check again: a duplicate id, not a silent copy
printf '%schecks:\n  - &c {id: a, kind: marginal, attributes: [sex], reference: r}\n  - *c\n' \
    "$skeleton" > alias_check.yaml
expect 1 10 "alias_check.yaml:[0-9]+:[0-9]+: duplicate check id 'a'" -- "$IAF" audit alias_check.yaml -o o1
printf '%s%s' "$skeleton" "$check" | sed 's/title: t/title: *nope/' > undef.yaml
expect 1 10 "undef.yaml:4:[0-9]+: undefined alias '\*nope'" -- "$IAF" audit undef.yaml -o o2
printf 'iaf: 1\nname: &a [x, *a]\n' > recursive.yaml
expect 1 10 "recursive.yaml:2:[0-9]+: (an alias refers to the node that contains it|undefined alias)" -- \
    "$IAF" audit recursive.yaml -o o3
printf '%sx: &x {kind: marginal}\nchecks:\n  - {<<: *x, id: a, attributes: [sex], reference: r}\n' \
    "$skeleton" > merge.yaml
expect 1 10 "merge.yaml:10:[0-9]+: merge keys \('<<'\) are not supported" -- "$IAF" audit merge.yaml -o o4
{
    printf 'iaf: 1\nname: t\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
    for i in 1 2 3 4 5 6 7 8 9; do
        printf 'l%d: &l%d [' "$i" "$i"
        for j in 1 2 3 4 5 6 7 8 9; do printf '*l%d, ' $((i - 1)); done
        printf '*l%d]\n' $((i - 1))
    done
} > laughs.yaml
expect 1 10 "laughs.yaml:[0-9]+:[0-9]+: the spec expands \(with its aliases\) to more than 1,000,000 nodes" -- \
    "$IAF" audit laughs.yaml -o o5
{
    printf 'iaf: 1\nname: t\nbig: &b "%s"\n' "$(head -c 1000000 /dev/zero | tr '\0' x)"
    printf 'l: [%s*b]\n' "$(for i in $(seq 99); do printf '*b, '; done)"
} > long_laughs.yaml
expect 1 10 "long_laughs.yaml:[0-9]+:[0-9]+: the spec expands \(with its aliases\) to more than 64 MiB of text" -- \
    "$IAF" audit long_laughs.yaml -o o6
printf '%s%s---\niaf: 1\n' "$skeleton" "$check" > multi.yaml
expect 1 10 "multi.yaml:11: a spec holds one YAML document" -- "$IAF" audit multi.yaml -o o7
printf '%s%s---\n' "$skeleton" "$check" > multi_empty.yaml
expect 1 10 "multi_empty.yaml:10: a spec holds one YAML document" -- "$IAF" audit multi_empty.yaml -o o8
printf '%s%s' "$skeleton" "$check" | sed 's/^name: t/name: t\nname: u/' > dup.yaml
expect 1 10 "dup.yaml:3:[0-9]+: duplicate key 'name' \(first on line 2\)" -- "$IAF" audit dup.yaml -o o9

# 40,000 keys in one mapping (a recode): libfyaml's duplicate check took over a minute
{
    printf '%sattributes:\n  - name: sex\n    keep_other: true\n    recode:\n' "$skeleton"
    for i in $(seq 40000); do printf '      k%d: v%d\n' "$i" "$i"; done
    printf '%s' "$check"
} > keys.yaml
limit=2
[ $sanitized -eq 1 ] && limit=15
TIMEFORMAT=%U
{ time expect 0 20 "TVD 0\.0[0-9]+" -- "$IAF" audit keys.yaml -o out_keys; } 2> cpu.txt
cpu=$(cat cpu.txt)
awk -v t="$cpu" -v l=$limit 'BEGIN { exit !(t < l) }' || {
    echo "FAIL: 40,000 keys took ${cpu}s of CPU (limit ${limit}s)"
    fails=$((fails + 1))
}
# ... and a duplicate among them is still found, with both lines
sed 's/^      k39999: v39999$/      k17: again/' keys.yaml > keys_dup.yaml
expect 1 20 "keys_dup.yaml:40010:[0-9]+: duplicate key 'k17' \(first on line 28\)" -- \
    "$IAF" audit keys_dup.yaml -o o10
# 50,000 attributes and 50,000 checks: ids are found by hash, not by a scan of the earlier
# ones (the scan took 15 s of CPU for the checks)
{
    printf '%sattributes:\n' "$skeleton"
    for i in $(seq 50000); do printf '  - {name: a%d}\n' "$i"; done
    printf '  - {name: a77}\n'
} > attrs.yaml
expect 1 5 "attrs.yaml:50009:[0-9]+: duplicate attribute 'a77'" -- "$IAF" audit attrs.yaml -o o11
{
    printf '%schecks:\n' "$skeleton"
    for i in $(seq 50000); do printf '  - {id: c%d, kind: marginal, attributes: [sex], reference: r}\n' "$i"; done
    printf '  - {id: c5, kind: marginal, attributes: [sex], reference: r}\n'
} > checks.yaml
expect 1 5 "checks.yaml:50009:[0-9]+: duplicate check id 'c5'" -- "$IAF" audit checks.yaml -o o12

# --- crosswalk build: a title shared by 100,000 codes (the most specific of them were found
# by comparing every pair: over 20 s of CPU) ---
{
    printf 'code,title\n1,top\n'
    for i in $(seq 100000 199999); do printf '%d,dup\n' "$i"; done
} > shared_title.csv
printf 'label,count\ndup,5\ntop,1\n' > shared_values.csv
expect 0 5 "" -- "$IAF" crosswalk build shared_values.csv shared_title.csv --levels major=1,unit=6 \
    --level major -q -o shared_out.csv
grep -q '^dup,1,' shared_out.csv || { echo "FAIL: shared title not mapped"; fails=$((fails + 1)); }

# --- size caps of the inputs read whole (the cap is in the message) ---
printf 'sex,age\nM,1\nF,2\nM,3\n' > d.csv
expect 1 10 "/dev/zero: is a character device, not a regular file" -- "$IAF" scan d.csv --card /dev/zero
mkfifo fifo.md
expect 1 10 "fifo.md: is a FIFO, not a regular file" -- "$IAF" scan d.csv --card fifo.md
truncate -s 9M big_card.md
expect 1 10 "big_card.md: larger than the limit of 8 MiB for a dataset card" -- \
    "$IAF" scan d.csv --card big_card.md
printf 'Sex and age are modeled as independent. Other.\n' > card.md
expect 0 10 "Sex and age are modeled as independent" -- "$IAF" scan d.csv --card card.md
truncate -s 129M big_report.json
expect 1 10 "big_report.json: larger than the limit of 128 MiB for a report" -- \
    "$IAF" report big_report.json -d rep_out
truncate -s 1025M big_cw.csv
sed 's/cw_mil.csv/big_cw.csv/' regex_ok.yaml > big_cw.yaml
expect 1 10 "big_cw.csv: larger than the limit of 1024 MiB for a table read whole" -- \
    "$IAF" audit big_cw.yaml -o out_big_cw
truncate -s 2M big_pre.txt
expect 1 10 "big_pre.txt: larger than the limit of 1 MiB for a preamble" -- \
    "$IAF" crosswalk build values.csv class.csv --level major --preamble big_pre.txt
truncate -s 65M big_spec.yaml
expect 1 10 "big_spec.yaml.*64 MiB" -- "$IAF" audit big_spec.yaml -o out_big_spec

echo "$n checks, $fails failures"
[ $fails -eq 0 ]
