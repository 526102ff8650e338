#!/bin/bash
# Hostile inputs through the CLI, each built here from a small crafted input:
# huge sample sizes, overflowing counts, option values out of range, markup
# in titles and labels, control bytes in labels, quadratic-time shapes and
# misleading messages. Every case must end with the documented exit code and
# message, and never with a crash (exit >= 128).
set -uo pipefail
: "${IAF:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0 n=0
# A sanitizer build is 10-30 times slower and reserves terabytes of address
# space for its shadow memory: there the time limits grow tenfold and the
# `ulimit -v` runs are left out (the sanitizer, not iaf, fails to map memory);
# the plain build runs everything.
sanitized=0
grep -q '^IAF_SANITIZE:BOOL=ON' "${IAF_BUILD:-/nonexistent}/CMakeCache.txt" 2>/dev/null && sanitized=1
slow=$((sanitized ? 10 : 1))

fail() {
    echo "FAIL [$n]: $*"
    fails=$((fails + 1))
}

# expect CODE PATTERN -- command...: exit code CODE and stderr matching PATTERN
expect() {
    local code=$1 pat=$2
    shift 3
    n=$((n + 1))
    "$@" >out.txt 2>err.txt
    local rc=$?
    if [ $rc -ne "$code" ] || { [ -n "$pat" ] && ! grep -Eq -- "$pat" err.txt; }; then
        fail "$* -> rc=$rc (want $code), stderr: $(head -c 300 err.txt)"
    fi
    if [ $rc -ge 128 ]; then fail "CRASH: $*"; fi
}

printf 'sex,count\nM,10\nF,12\n' > syn.csv
printf 'sex,share\nM,0.5\nF,0.5\n' > ref.csv

spec() { # spec NAME REFERENCE-EXTRA: a valid spec; EXTRA goes into the reference's mapping
    cat > "$1" <<Y
iaf: 1
name: t
dataset:
  title: t
  tables: [{id: s, file: ${3:-syn.csv}}]
references:
  - {id: r, file: ${4:-ref.csv}$2}
checks:
  - {id: a, kind: marginal, attributes: [sex], reference: r}
Y
}

# --- 1. sample sizes: above 2^53 is no sample size (was SIGSEGV in the
# bootstrap worker from 1.845e19 on) ---
for v in 1e20 1.845e19 1e300 9007199254740994 0 -1 nan inf 1e999; do
    expect 2 "reference-n takes a sample size above 0 and at most 2\^53" -- \
        "$IAF" compare syn.csv ref.csv --by sex --bootstrap 50 --reference-n "$v"
done
expect 0 "" -- "$IAF" compare syn.csv ref.csv --by sex --bootstrap 50 --reference-n 9007199254740992
for v in 1e300 1e20 0 -5; do
    spec "ne$v.yaml" ", n_effective: $v"
    expect 1 "ne$v.yaml:7:[0-9]+: reference: n_effective must be above 0 and at most 2\^53" -- \
        "$IAF" audit "ne$v.yaml" -o "out-ne$v" --bootstrap 50
done
spec ne_ok.yaml ", n_effective: 9e15"
expect 0 "" -- "$IAF" audit ne_ok.yaml -o out-ne-ok --bootstrap 50 -q

# --- 6. numeric options: one strict parser for every command ---
for s in -1 18446744073709551616 99999999999999999999 +5 " 5" 5x "" 0x10 1e3; do
    expect 2 "--seed takes an integer 0 to 2\^64-1" -- \
        "$IAF" compare syn.csv ref.csv --by sex --bootstrap 50 --seed "$s"
done
for cmd in audit replicate; do
    expect 2 "--seed takes an integer 0 to 2\^64-1" -- "$IAF" $cmd ne_ok.yaml -o x --seed -1
    expect 2 "--bootstrap takes" -- "$IAF" $cmd ne_ok.yaml -o x --bootstrap 1e3
done
expect 2 "--seed takes an integer 0 to 2\^64-1" -- "$IAF" scan syn.csv --seed 18446744073709551616
expect 2 "--null takes" -- "$IAF" scan syn.csv --permutations -20
expect 2 "--max-categories takes" -- "$IAF" scan syn.csv --max-categories 4294967298
# the largest seed is a seed, and two spellings of one seed agree
"$IAF" compare syn.csv ref.csv --by sex --bootstrap 50 --seed 18446744073709551615 --json > a.json
"$IAF" compare syn.csv ref.csv --by sex --bootstrap 50 --seed 018446744073709551615 --json > b.json
n=$((n + 1))
cmp -s a.json b.json && grep -q '"tvd"' a.json || fail "seed 2^64-1 not accepted alike"
for t in tvd=1e999 tvd=nan tvd=inf tvd=-0.1 tvd=1.5 tvd= tvd=0x1p-3 "tvd= 0.1" footprint=1e999 \
    retention=nan cond_tvd_y_given_x=2; do
    expect 2 "--threshold .* takes a number" -- \
        "$IAF" compare syn.csv ref.csv --by sex --threshold "$t"
done
expect 0 "" -- "$IAF" compare syn.csv ref.csv --by sex --threshold tvd=0.1 --threshold retention=2
for t in 0 65 -1 +2 2x 99999999999999999999; do
    for cmd in "count syn.csv --by sex" "compare syn.csv ref.csv --by sex" "scan syn.csv"; do
        expect 2 "--threads takes 1..64 or auto" -- "$IAF" $cmd --threads "$t"
    done
done
for b in 49 1000001 -50 1e3 50.0 18446744073709551666; do
    expect 2 "--bootstrap takes" -- "$IAF" compare syn.csv ref.csv --by sex --bootstrap "$b"
done

# --- 2. counts and sizes are range-checked before they are converted or
# summed: 9e18 + 9e18 overflowed a signed 64-bit sum, 1e19 became INT64_MIN,
# scale 1e308 gave "zero total" ---
printf 'sex,count\nM,9e18\nF,9e18\n' > big_sum.csv
expect 1 "big_sum.csv:2: column 2 \('count'\): value above 2\^53" -- \
    "$IAF" compare big_sum.csv ref.csv --by sex
printf 'sex,count\nM,12\nF,1e19\n' > big_one.csv
expect 1 "big_one.csv:3: column 2 \('count'\): value above 2\^53.*'1e19'" -- \
    "$IAF" compare big_one.csv ref.csv --by sex --bootstrap 50
expect 1 "big_one.csv:3: .*value above 2\^53" -- "$IAF" compare syn.csv big_one.csv --by sex
# every cell fits but the total passes 2^53: the error names the cell where it does
{ echo sex,count; for i in 1 2 3; do echo "c$i,4503599627370497"; done; } > big_total.csv
expect 1 "big_total.csv:3: .*the table's total passes 2\^53" -- \
    "$IAF" compare big_total.csv ref.csv --by sex
# wide tables too
printf 'sex,a,b\nM,1,2\nF,3,1e19\n' > big_wide.csv
expect 1 "big_wide.csv:3: column 3 \('b'\): value above 2\^53" -- \
    "$IAF" compare big_wide.csv big_wide.csv --by sex,column
# a scale that pushes a value past 2^53
printf 'sex,count\nM,5\nF,5\n' > ref5.csv
spec scale.yaml ", scale: 1e308" syn.csv ref5.csv
expect 1 "ref5.csv:2: .*value times the scale is above 2\^53" -- "$IAF" audit scale.yaml -o out-scale
# 2^53 itself is a count
printf 'sex,count\nM,9007199254740990\nF,2\n' > max.csv
expect 0 "" -- "$IAF" compare max.csv ref.csv --by sex
n=$((n + 1))
grep -q "n = 9007199254740992" out.txt || fail "2^53 total not reported exactly: $(head -3 out.txt)"
# weights: at most 2^53, so squares and sums stay finite
printf 'sex,w\nM,1\nF,1e300\n' > wbig.csv
expect 1 "wbig.csv.*data row 2: weight column 'w' is above 2\^53" -- \
    "$IAF" count wbig.csv --by sex --weight w
# crosswalk build value counts
printf 'occupation,count\na,1e308\nb,1e308\n' > xw_values.csv
printf 'code,level,title\n1,major,a\n' > xw_class.csv
expect 1 "xw_values.csv:2: count '1e308': the count is above 2\^53" -- \
    "$IAF" crosswalk build xw_values.csv xw_class.csv --level major

# --- 4. nothing worse than n log n in labels, keys or columns. The quadratic
# merge of off-reference labels took 22 s for 100k labels (200k: minutes), and
# a wide table of 10^6 off-reference cells hours; both now take seconds (the
# wide one gets 60 s: it parses 10^6 cells twice on a shared CI machine). ---
$PYTHON - <<'PY'
with open("labels200k.csv", "w") as f:
    f.write("sex,count\nM,5\nF,5\n")
    f.writelines(f"L{i},1\n" for i in range(200000))
n = 1000  # 10^6 cells, every one off the reference's support
with open("wide1k.csv", "w") as f:
    f.write("row," + ",".join(f"c{j}" for j in range(n)) + "\n")
    ones = ",".join("1" for _ in range(n))
    f.writelines(f"r{i},{ones}\n" for i in range(n))
PY
printf 'row,column,count\nx0,y0,5\nx0,y1,5\nx1,y0,5\nx1,y1,6\n' > wref.csv
n=$((n + 1))
timeout $((20 * slow)) "$IAF" compare labels200k.csv ref.csv --by sex --json > j200k.json
rc=$?
[ $rc -eq 0 ] && grep -q '"L99999"' j200k.json || fail "200k off-support labels: rc=$rc"
expect 1 "no synthetic mass falls on the reference's categories" -- \
    timeout $((60 * slow)) "$IAF" compare wide1k.csv wref.csv --by row,column
# repeated names in option lists: a usage error at once, not a slow scan
cols=$(printf 'sex,%.0s' $(seq 2000))sex
expect 2 "--columns names 'sex' more than once" -- timeout $((20 * slow)) "$IAF" scan syn.csv --columns "$cols"
expect 2 "--by names 'sex' more than once" -- "$IAF" count syn.csv --by sex,sex
expect 2 "--by names 'sex' twice" -- "$IAF" compare syn.csv ref.csv --by sex,sex

# --- 3. Markdown injection: titles, ids, labels, URLs and citation fields of a
# spec reach report.md and replication.md as text, never as HTML or links.
# The oracle is cmark-gfm (GitHub's CommonMark renderer) in its unsafe mode:
# whatever it turns into a tag or a link, a Markdown viewer would too. ---
mkdir -p md && cd md
printf 'sex,count\nM,10\nF,12\n' > syn.csv
printf 'sex,share\nM,0.5\nF,0.5\n' > ref.csv
cat > inj.yaml <<'Y'
iaf: 1
name: "<iframe src=javascript:alert(1)></iframe> & &lt;b&gt; **bold** [x](javascript:alert(2))"
dataset:
  title: "<script>alert(3)</script> `code` | pipe ~~strike~~ _em_"
  url: "javascript:alert(4)"
  tables: [{id: s, file: syn.csv}]
disclosures:
  - id: d1
    quote: "[ref]: javascript:alert(5)\n# heading\n- item <img src=x onerror=alert(6)>"
    file: "<javascript:alert(7)>"
    locator: "![img](javascript:alert(8))"
references:
  - id: "r<b>1</b>"
    file: ref.csv
    publisher: "<a href=javascript:alert(9)>pub</a>"
    table: "[t][ref]"
    year: "<javascript:alert(10)>"
    universe: "\\<u>\\"
    url: "https://example.org/a?b=1&c=<2>"
    licence: "<http://evil.example/>"
    caveat: "line one\nline two  \n<style>body{}</style>"
checks:
  - {id: "c]([x](javascript:alert(11))", kind: marginal, attributes: [sex], reference: "r<b>1</b>"}
Y
n=$((n + 1))
"$IAF" audit inj.yaml -o rep --bootstrap 50 -q 2>err.txt || fail "audit of the injection spec: $(cat err.txt)"
cp inj.yaml '<img src=x onerror=alert(12)>.yaml'
"$IAF" replicate inj.yaml '<img src=x onerror=alert(12)>.yaml' -o repl --bootstrap 50 -q \
    2>err.txt || fail "replicate of the injection spec: $(cat err.txt)"
for md in rep/report.md repl/replication.md; do
    n=$((n + 1))
    [ -s "$md" ] || { fail "$md missing"; continue; }
    cmark-gfm --unsafe -e table -e autolink -e strikethrough "$md" > "$md.html"
    # the only tags: the structure iaf writes itself
    bad=$(grep -oE '<[a-zA-Z/][^>]*>' "$md.html" | sort -u |
        grep -vE '^</?(p|h2|h3|table|thead|tbody|tr|th|td|ul|li|strong|em|blockquote|a)( align="(left|right|center)")?>$' |
        grep -vE '^<a href="(report\.html#check-[A-Za-z0-9_.-]+|report\.html|report\.json|cells\.csv|replication\.html|replication\.json|https://example\.org/a\?b=1&amp;c=)">$')
    [ -z "$bad" ] || fail "$md renders tags or links it must not: $bad"
    n=$((n + 1))
    ! grep -qiE 'href="javascript|<iframe|<script|<img|<style|<del>|<code>' "$md.html" ||
        fail "$md renders an injected element"
done
# the payloads are still there, as text
n=$((n + 1))
grep -q '&lt;iframe src=javascript:alert(1)&gt;&lt;/iframe&gt; &amp; &amp;lt;b&amp;gt; \*\*bold\*\*' rep/report.md.html ||
    fail "report.md lost the title's text: $(grep -m1 'IAF audit' rep/report.md.html)"
n=$((n + 1))
grep -q 'javascript:alert(4)' rep/report.md.html && grep -q 'line one line two' rep/report.md.html ||
    fail "report.md lost the URL or caveat text"
# the HTML report stays escaped: no injected element
n=$((n + 1))
! grep -qiE '<iframe|<script>alert|<img src=x|<a href="?javascript|<style>body' rep/report.html ||
    fail "report.html lets a payload through"
! grep -qiE '<img src=x|<iframe' repl/replication.html || fail "replication.html lets a payload through"
cd ..

# --- 5. labels: a JSON \u0000 was written raw into count CSV; ESC sequences
# in labels were echoed to the terminal ---
printf '{"sex":"M\\u0000X"}\n{"sex":"F"}\n' > nul.jsonl
expect 1 'nul.jsonl:1:10: .*\\u0000 \(a NUL character\) in a value: labels cannot hold NUL' -- \
    "$IAF" count nul.jsonl --by sex
printf 'sex,count\n\033[31mRED\033]0;pwned\007,5\nM\302\233x,3\nF,4\n' > esc.csv
n=$((n + 1))
"$IAF" compare esc.csv ref.csv --by sex > esc.txt
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' esc.txt || LC_ALL=C grep -q $'\xc2[\x80-\x9f]' esc.txt; then
    fail "compare echoes control bytes: $(od -c esc.txt | grep -m3 '033\|302')"
fi
n=$((n + 1))
grep -qF '\x1b[31mRED\x1b]0;pwned\x07' esc.txt && grep -qF 'M\u009Bx' esc.txt ||
    fail "compare does not show the escaped label"
for cmd in "scan esc.csv --columns sex,count" "audit esc_spec.yaml -o out-esc --bootstrap 50"; do
    spec esc_spec.yaml "" esc.csv
    n=$((n + 1))
    "$IAF" $cmd > esc2.txt 2> esc2.err
    ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' esc2.txt esc2.err || fail "$cmd echoes control bytes"
done
# data outputs keep the exact bytes: count CSV as read, JSON with escapes
n=$((n + 1))
"$IAF" count esc.csv --by sex --weight count > esc.count.csv
LC_ALL=C grep -q $'^\x1b\\[31mRED\x1b]0;pwned\x07,' esc.count.csv && LC_ALL=C grep -q $'^M\xc2\x9bx,' esc.count.csv ||
    fail "count CSV does not keep the label's bytes: $(od -c esc.count.csv | head -3)"
n=$((n + 1))
"$IAF" compare esc.csv ref.csv --by sex --json > esc.json
$PYTHON - <<'PY' || fail "compare --json does not carry the labels exactly"
import json
d = json.load(open("esc.json", encoding="utf-8"))
xs = {o["x"] for o in d["coverage"]["off_support"]}
assert "\x1b[31mRED\x1b]0;pwned\x07" in xs and "M\x9bx" in xs, xs
raw = open("esc.json", "rb").read()
assert b"\x1b" not in raw and b"\xc2\x9b" not in raw
PY
# error messages quote cells: escaped too
printf 'sex,count\nM,\033[2J\n' > esc_bad.csv
expect 1 "esc_bad.csv:2: .*not a number: '\\\\x1b\\[2J'" -- "$IAF" compare esc_bad.csv ref.csv --by sex
n=$((n + 1))
! LC_ALL=C grep -q $'\x1b' err.txt || fail "an error message echoes ESC"

# --- 7. messages that say what is wrong ---
mkdir -p specdir
expect 1 "specdir: is a directory, not a regular file" -- "$IAF" audit specdir -o out-dir
: > empty.yaml
expect 1 "empty.yaml: empty spec" -- "$IAF" audit empty.yaml -o out-empty
printf '# nothing but a comment\n\n   \n' > comment.yaml
expect 1 "comment.yaml: empty spec" -- "$IAF" audit comment.yaml -o out-comment
printf 'iaf: 1\nname: t\n' | iconv -f UTF-8 -t UTF-16 > u16.yaml
expect 1 "u16.yaml: looks like UTF-16LE, not UTF-8: convert it to UTF-8 \(e.g. iconv -f UTF-16LE" -- \
    "$IAF" audit u16.yaml -o out-u16
printf 'sex,count\nM,1\n' | iconv -f UTF-8 -t UTF-16 > u16.csv
expect 1 "u16.csv: looks like UTF-16LE" -- "$IAF" compare u16.csv ref.csv --by sex
expect 1 "u16.csv: looks like UTF-16LE" -- "$IAF" count u16.csv --by sex
printf 'sex,count\nM,1\n' | iconv -f UTF-8 -t UTF-16BE > u16be.csv
expect 1 "u16be.csv: looks like UTF-16BE" -- "$IAF" count u16be.csv --by sex
printf '{"sex":"M"}\n' | iconv -f UTF-8 -t UTF-32 > u32.jsonl
expect 1 "u32.jsonl: looks like UTF-32LE" -- "$IAF" count u32.jsonl --by sex
# jansson fails allocations mostly without a text: that is out of memory,
# not "invalid JSON: "
$PYTHON -c '
with open("bigrep.json", "w") as f:
    f.write("{\"schema\": \"iaf-report/1\", \"x\": [" + ",".join(["0"] * 6000000) + "]}")'
if [ $sanitized -eq 0 ]; then
    n=$((n + 1))
    (ulimit -v 150000; "$IAF" report bigrep.json -o - --format md >/dev/null 2>err.txt)
    rc=$?
    [ $rc -eq 1 ] && grep -q "bigrep.json: out of memory reading JSON" err.txt ||
        fail "jansson out of memory: rc=$rc $(cat err.txt)"
fi
rm -f bigrep.json

# --- 8. what held up, kept: caps, huge shapes, encodings, out of memory ---
$PYTHON - <<'PY'
d = 100000
open("deep.yaml", "w").write("iaf: 1\nname: " + "[" * d + "]" * d + "\n")
open("deepmap.yaml", "w").write("iaf: 1\nname:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(3000)))
with open("huge.yaml", "w") as f:
    f.write("iaf: 1\n#")
    f.write("x" * (65 << 20))
PY
expect 1 "deep.yaml:2:[0-9]+: invalid YAML: Max depth \(64\) exceeded" -- "$IAF" audit deep.yaml -o o-deep
expect 1 "deepmap.yaml:[0-9]+:[0-9]+: invalid YAML: Max depth \(64\) exceeded" -- \
    "$IAF" audit deepmap.yaml -o o-deepmap
expect 1 "huge.yaml: spec larger than 64 MiB" -- "$IAF" audit huge.yaml -o o-huge
rm -f huge.yaml
deep=$(printf '(%.0s' $(seq 10000))'sex == "M"'$(printf ')%.0s' $(seq 10000))
expect 2 "expression nested deeper than 100 levels" -- "$IAF" count syn.csv --by sex --where "$deep"
nots=$(printf 'not %.0s' $(seq 10000))'sex == "M"'
expect 2 "expression nested deeper than 100 levels" -- "$IAF" count syn.csv --by sex --where "$nots"
spec deepexpr.yaml ""
sed -i "s/reference: r}/reference: r, universe: '$deep'}/" deepexpr.yaml
expect 1 "deepexpr.yaml:[0-9]+:[0-9]+: check 'a': .*nested deeper than 100 levels" -- "$IAF" audit deepexpr.yaml -o o-de

# a 500 MB field, streamed into a file here (not committed): read past when
# not projected, and a 100 MB one counted as a value
big_field() { # big_field FILE MB
    $PYTHON -c '
import sys
w = sys.stdout.buffer.write
w(b"sex,note\nM,\"")
chunk = b"x" * (1 << 20)
for _ in range(int(sys.argv[1])):
    w(chunk)
w(b"\"\nF,short\n")' "$2" > "$1"
}
big_field f500.csv 500
n=$((n + 1))
"$IAF" count f500.csv --by sex > f500.out 2>err.txt &&
    [ "$(cat f500.out)" = "$(printf 'sex,count\nF,1\nM,1')" ] || fail "500 MB field: $(head -c 200 err.txt)"
rm -f f500.csv
big_field f100.csv 100
n=$((n + 1))
"$IAF" count f100.csv --by note > f100.out 2>err.txt
[ $? -eq 0 ] && [ "$(wc -c < f100.out)" -eq $((100 * 1048576 + 22)) ] ||
    fail "100 MB value: $(head -c 200 err.txt), $(wc -c < f100.out) bytes out"
rm -f f100.csv f100.out
# 10^6 columns, 10^6 distinct values
$PYTHON - <<'PY'
n = 10**6
with open("cols.csv", "w") as f:
    f.write(",".join(f"c{i}" for i in range(n)) + "\n")
    for r in range(2):
        f.write(",".join("a" if (i + r) % 2 else "b" for i in range(n)) + "\n")
with open("vals.csv", "w") as f:
    f.write("v,w\n")
    f.writelines(f"v{i},1\n" for i in range(n))
PY
n=$((n + 1))
[ "$("$IAF" count cols.csv --by c999999,c0)" = "$(printf 'c999999,c0,count\na,b,1\nb,a,1')" ] ||
    fail "10^6 columns"
n=$((n + 1))
"$IAF" count vals.csv --by v > vals.out && [ "$(wc -l < vals.out)" -eq 1000001 ] &&
    grep -qx 'v999999,1' vals.out || fail "10^6 distinct values"
rm -f cols.csv vals.out
head -200001 vals.csv > vals2.csv  # the out-of-memory sweep below: 2 x 10^5 values
rm -f vals.csv

# invalid encodings: file, line and column
printf 'sex,age\nM,1\nF\377,2\n' > badu.csv
expect 1 "badu.csv:3:2: byte offset 13: invalid UTF-8" -- "$IAF" count badu.csv --by sex
printf 'sex,age\nM,1\nF\355\240\200,2\n' > sur.csv
expect 1 "sur.csv:3:2: .*invalid UTF-8" -- "$IAF" count sur.csv --by sex
printf '{"sex":"M"}\n{"sex":"\300\257"}\n' > badu.jsonl
expect 1 "badu.jsonl:2:9: .*invalid UTF-8" -- "$IAF" count badu.jsonl --by sex
printf 'sex,age\n\263\262,1\n\377\377,2\n' > bad949.csv
expect 1 "bad949.csv:3:1: .*invalid CP949" -- "$IAF" count bad949.csv --by sex --encoding cp949
printf 'sex,count\nM,1\nF\376,2\n' > badc.csv
expect 1 "badc.csv:3:2: .*invalid UTF-8" -- "$IAF" compare badc.csv ref.csv --by sex

# out of memory from 16 MB to 500 MB of address space: exit 0, or exit 1 saying
# so; never a crash, never another error
spec oom.yaml ""
sed -i 's/syn.csv/vals2.csv/; s/attributes: \[sex\]/attributes: [v]/' oom.yaml
printf 'v,share\nv1,0.5\nv2,0.5\n' > ref.csv.v && sed -i 's/ref.csv/ref.csv.v/' oom.yaml
for mb in $([ $sanitized -eq 0 ] && echo 16 24 32 48 64 96 128 192 256 500); do
    for cmd in "count vals2.csv --by v -t 2" "compare vals2.csv vals2.csv --by v -t 2 --bootstrap 50" \
        "audit oom.yaml -o o-oom -t 2 --bootstrap 50"; do
        n=$((n + 1))
        (ulimit -v $((mb * 1024)); "$IAF" $cmd > /dev/null 2> err.txt)
        rc=$?
        if [ $rc -ne 0 ] && { [ $rc -ne 1 ] || ! grep -qE "out of memory|Cannot allocate memory" err.txt; }; then
            fail "ulimit -v ${mb} MB, $cmd: rc=$rc $(head -c 200 err.txt)"
        fi
    done
done
rm -f vals2.csv

echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
