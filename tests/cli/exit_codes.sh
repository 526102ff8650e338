#!/bin/bash
# One exit-status rule for every command, checked from one table: help goes to stdout with
# exit 0 and nothing on stderr; a usage error (unknown option, missing argument or operand,
# bad option value, a --where that does not parse) exits 2 with the message on stderr and
# nothing on stdout; a data or I/O error exits 1 with a located message; --fail-on met
# exits 3. Each row: WANT | STREAM that must hold the pattern | PATTERN | ARGS...
set -uo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0 n=0

printf 'age,sex,occupation\n30,M,a\n40,F,b\n50,F,a\n' >d.csv
printf 'sex,count\nM,10\nF,12\n' >ref.csv
cp "$IAF_SRC"/tests/golden/html_audit_small/{audit.yaml,*.csv} .

# row WANT STREAM PATTERN -- ARGS...
row() {
    local want=$1 stream=$2 pat=$3
    shift 4
    n=$((n + 1))
    "$IAF" "$@" >out.txt 2>err.txt
    local rc=$? bad=
    [ "$rc" -eq "$want" ] || bad="rc=$rc, want $want"
    case $stream in
    out) grep -Eq -- "$pat" out.txt || bad="$bad; stdout lacks /$pat/"
        [ -s err.txt ] && bad="$bad; stderr not empty" ;;
    err) grep -Eq -- "$pat" err.txt || bad="$bad; stderr lacks /$pat/"
        # a refusal prints nothing on stdout
        [ "$want" -ne 3 ] && [ -s out.txt ] && bad="$bad; stdout not empty" ;;
    esac
    if [ -n "$bad" ]; then
        echo "FAIL [$n] iaf $*: $bad"
        echo "  stderr: $(head -c 300 err.txt)"
        fails=$((fails + 1))
    fi
}

cmds="count compare audit inspect report crosswalk scan replicate"
# help, three ways, for every command: stdout, exit 0
for c in $cmds; do
    row 0 out 'Usage|usage' -- "$c" --help
    row 0 out 'Usage|usage' -- "$c" -h
    row 0 out 'Usage|usage' -- help "$c"
    # an unknown option, a missing operand: usage errors
    row 2 err "iaf $c.*(bad option|unknown option)" -- "$c" --no-such-option
done
row 0 out 'Usage: iaf <command>' -- help
row 0 out 'Usage: iaf <command>' -- --help
row 0 out '^iaf [0-9]' -- version
row 0 out '^iaf [0-9]' -- --version
row 0 out 'version' -- help version
row 0 out 'help' -- help help
row 2 err "no command 'nope'" -- help nope
row 2 err "no command 'nope'" -- nope
row 2 err 'Usage: iaf <command>' --

# missing operands
row 2 err 'iaf count: no input files' -- count --by sex
row 2 err 'iaf count: --by is required' -- count d.csv
row 2 err 'iaf compare: ' -- compare
row 2 err 'iaf audit: needs exactly one' -- audit
row 2 err 'iaf inspect: ' -- inspect
row 2 err 'iaf report: needs exactly one' -- report
row 2 err 'iaf crosswalk: expected the subcommand' -- crosswalk
row 2 err 'iaf crosswalk build: expected VALUES' -- crosswalk build
row 2 err 'iaf crosswalk build: --level is required' -- crosswalk build ref.csv ref.csv
row 2 err 'iaf scan: no input files' -- scan
row 2 err 'iaf replicate: needs at least one' -- replicate

# options without their argument
row 2 err 'iaf count: ' -- count d.csv --by
row 2 err 'iaf audit: ' -- audit audit.yaml --output
row 2 err 'iaf report: ' -- report r.json --format
row 2 err 'iaf crosswalk build: ' -- crosswalk build ref.csv ref.csv --level
row 2 err 'iaf replicate: ' -- replicate a.yaml --seed

# bad option values
row 2 err '--threads takes' -- count d.csv --by sex --threads 0
row 2 err 'unknown format' -- count d.csv --by sex --format xml
row 2 err 'unknown encoding' -- count d.csv --by sex --encoding latin9
row 2 err 'bad delimiter' -- count d.csv --by sex --delimiter ab
row 2 err '--normalize takes' -- count d.csv --by sex --normalize upper
row 2 err '--seed takes' -- audit audit.yaml --seed -1
row 2 err '--bootstrap takes' -- audit audit.yaml --bootstrap 1
row 2 err '--interval takes' -- audit audit.yaml --interval wide
row 2 err '--format takes' -- audit audit.yaml --format pdf
row 2 err "--fail-on takes 'flag'.*'never'" -- audit audit.yaml --fail-on never
row 2 err '--threads takes' -- replicate audit.yaml --threads 65
row 2 err '--format takes' -- report r.json --format pdf
row 2 err '--match takes' -- crosswalk build ref.csv ref.csv --level major --match fuzzy
row 2 err 'unknown encoding' -- compare d.csv ref.csv --by sex --encoding latin9
row 2 err 'unknown encoding' -- scan d.csv --encoding latin9

# a --where that does not parse is a usage error, located in the option: FILE:LINE:COL
row 2 err "iaf count: --where:1:6: expected a value" -- count d.csv --by sex --where 'age >> 3'
row 2 err "iaf count: --where:1:1: empty expression" -- count d.csv --by sex --where ''
row 2 err "--where.*expected a value" -- compare d.csv ref.csv --by sex --where 'age >> 3'
row 2 err "--where.*expected a value" -- scan d.csv --where 'age >> 3'
# ... while a column the data lack is a data error
row 1 err "d.csv: no column 'agee'" -- count d.csv --by sex --where 'agee > 3'

# data and I/O errors: exit 1, located
row 1 err 'iaf: missing.csv: no such file' -- count missing.csv --by sex
row 1 err "iaf: d.csv: no column 'sexx'" -- count d.csv --by sexx
row 1 err 'iaf: missing.yaml: cannot open' -- audit missing.yaml
row 1 err 'iaf: missing.parquet: cannot open' -- inspect missing.parquet
row 1 err 'iaf: missing.json: cannot open' -- report missing.json
row 1 err 'iaf: missing.csv: ' -- crosswalk build missing.csv ref.csv --level major
row 1 err 'iaf: missing.yaml: cannot open' -- replicate missing.yaml
row 1 err 'iaf: missing.csv: ' -- compare missing.csv ref.csv --by sex
row 1 err 'iaf: missing.csv: ' -- scan missing.csv

# --fail-on met: exit 3, in any case of its value; not met: exit 0
row 3 err '3 check\(s\) FLAG \(--fail-on flag\)' -- audit audit.yaml -o r1 -q --fail-on flag
row 3 err '3 check\(s\) FLAG' -- audit audit.yaml -o r2 -q --fail-on FLAG
row 3 err '3 check\(s\) FLAG' -- audit audit.yaml -o r3 -q --fail-on Flag
row 0 none '' -- audit audit.yaml -o r4 -q

echo "$n cases, $fails failed"
[ "$fails" = 0 ]
