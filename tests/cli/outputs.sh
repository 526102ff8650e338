#!/usr/bin/env bash
# What iaf writes, and what it refuses to write (docs/reliability.md, src/cli/output.h):
# devices, FIFOs and sockets are written through (/dev/null, /dev/full, /dev/stdout), a symlink
# is followed and its target replaced (chains, relative and dangling links), permission bits are
# kept, an input of the same run is never overwritten (count, report, crosswalk build, audit,
# replicate), the files of one command are all-or-nothing, every command fails with one clear
# message when standard output is full, and no temporary file is ever left behind. Inputs: a
# FIFO, a device or a directory as a data file or spec is refused without blocking, and one file
# reached twice through overlapping arguments is refused naming both.
#
# Environment (set by CTest): IAF, IAF_SRC, IAF_TESTDATA, PYTHON.
set -u
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_TESTDATA:?}"
IAF=$(realpath "$IAF")
PY=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
fails=0 n=0
FULL="No space left on device"

fail() {
    echo "FAIL [$n]: $*"
    fails=$((fails + 1))
}

# expect CODE ERE -- CMD...: exit status CODE and stderr matching ERE (or empty ERE: anything);
# never a temporary file left anywhere below $TMP.
expect() {
    local code=$1 pat=$2
    shift 3
    n=$((n + 1))
    timeout 60 "$@" >out.txt 2>err.txt
    local rc=$?
    if [ $rc -ne "$code" ]; then
        fail "$* -> exit $rc (want $code); stderr: $(head -c 300 err.txt)"
    elif [ -n "$pat" ] && ! grep -Eq -- "$pat" err.txt; then
        fail "$* -> stderr lacks /$pat/: $(head -c 300 err.txt)"
    fi
    local tmps
    tmps=$(find "$TMP" -name '*.tmp.*' | head -3)
    [ -z "$tmps" ] || fail "$* left temporaries: $tmps"
}

# ---- inputs --------------------------------------------------------------------------------
printf 'a,b\nx,1\ny,2\nx,3\n' >in.csv
printf 'a,count\nx,2\ny,1\n' >want_a.csv
printf 'b,count\n1,1\n2,1\n3,1\n' >want_b.csv
cp in.csv in.orig

# ---- devices -----------------------------------------------------------------------------
expect 0 "" -- "$IAF" count in.csv --by a -o /dev/null
[ -c /dev/null ] || fail "/dev/null is no longer a character device"
expect 1 "^iaf: /dev/full: write failed: $FULL\$" -- "$IAF" count in.csv --by a -o /dev/full
[ -c /dev/full ] || fail "/dev/full is no longer a character device"
[ "$(wc -l <err.txt)" -eq 1 ] || fail "-o /dev/full: more than one message: $(cat err.txt)"
expect 0 "" -- "$IAF" count in.csv --by a -o /dev/stdout
cmp -s out.txt want_a.csv || fail "-o /dev/stdout: got $(cat out.txt)"
expect 0 "" -- "$IAF" count in.csv --by a -o -
cmp -s out.txt want_a.csv || fail "-o -: got $(cat out.txt)"
# stdout redirected to a regular file: written through the descriptor, the file not replaced
echo "before" >redir.txt
ino=$(stat -c %i redir.txt)
n=$((n + 1))
{ echo "first line"; "$IAF" count in.csv --by a -o /dev/stdout; } >>redir.txt 2>err.txt ||
    fail "-o /dev/stdout into a file: $(cat err.txt)"
[ "$(stat -c %i redir.txt)" = "$ino" ] || fail "-o /dev/stdout replaced the file stdout pointed to"
printf 'before\nfirst line\n' | cat - want_a.csv | cmp -s - redir.txt ||
    fail "-o /dev/stdout into a file: got $(cat redir.txt)"
# ... also through a link to /dev/stdout
ln -s /dev/stdout to_stdout
n=$((n + 1))
{ echo "second"; "$IAF" count in.csv --by b -o to_stdout; } >>redir.txt 2>err.txt ||
    fail "-o LINK-TO-/dev/stdout into a file: $(cat err.txt)"
[ "$(stat -c %i redir.txt)" = "$ino" ] && [ -L to_stdout ] ||
    fail "-o LINK-TO-/dev/stdout replaced the file stdout pointed to, or the link"
printf 'before\nfirst line\n' | cat - want_a.csv <(echo second) want_b.csv | cmp -s - redir.txt ||
    fail "-o LINK-TO-/dev/stdout into a file: got $(cat redir.txt)"
expect 0 "" -- "$IAF" count in.csv --by a -o /dev/stderr
cmp -s err.txt want_a.csv || fail "-o /dev/stderr: got $(cat err.txt)"

# a FIFO: written through to a reader, still a FIFO afterwards
mkfifo out.fifo
cat out.fifo >fifo.got &
expect 0 "" -- "$IAF" count in.csv --by a -o out.fifo
wait $!
cmp -s fifo.got want_a.csv || fail "FIFO output: got $(cat fifo.got)"
[ -p out.fifo ] || fail "the FIFO was replaced"

# a Unix socket: connected to and written through
"$PY" - "$TMP/out.sock" "$TMP/sock.got" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
data = b""
while True:
    b = c.recv(65536)
    if not b: break
    data += b
open(sys.argv[2], "wb").write(data)
EOF
sockpid=$!
for _ in $(seq 100); do [ -e out.sock.ready ] && break; sleep 0.1; done
expect 0 "" -- "$IAF" count in.csv --by a -o out.sock
wait $sockpid
cmp -s sock.got want_a.csv || fail "socket output: got $(cat sock.got 2>/dev/null)"
[ -S out.sock ] || fail "the socket was replaced"
rm -f out.sock out.sock.ready

# a directory is refused
mkdir adir
expect 1 "^iaf: adir: is a directory\$" -- "$IAF" count in.csv --by a -o adir

# ---- symbolic links --------------------------------------------------------------------------
mkdir -p sub targets
echo old >targets/t.csv
ln -s targets/t.csv link.csv
expect 0 "" -- "$IAF" count in.csv --by a -o link.csv
[ -L link.csv ] || fail "the symlink was replaced by a file"
cmp -s targets/t.csv want_a.csv || fail "symlink target not written: $(cat targets/t.csv)"
# a chain of relative links through another directory
ln -s ../sub/../targets/t2.csv sub/l2
ln -s sub/l2 l1
echo old >targets/t2.csv
expect 0 "" -- "$IAF" count in.csv --by b -o l1
[ -L l1 ] && [ -L sub/l2 ] || fail "a link of the chain was replaced"
cmp -s targets/t2.csv want_b.csv || fail "chain target not written: $(cat targets/t2.csv)"
# a dangling link: its target is created, the link kept
ln -s targets/new.csv dangling
expect 0 "" -- "$IAF" count in.csv --by a -o dangling
[ -L dangling ] && cmp -s targets/new.csv want_a.csv || fail "dangling link: target not created"
# a dangling link into a missing directory: an error naming the target
ln -s nowhere/x.csv dangling2
expect 1 "^iaf: dangling2: cannot write the link's target nowhere/x.csv: No such file" -- \
    "$IAF" count in.csv --by a -o dangling2
[ -L dangling2 ] || fail "the dangling link was replaced"
# a link loop
ln -s loop2 loop1
ln -s loop1 loop2
expect 1 "^iaf: loop1: cannot write: too many levels of symbolic links" -- \
    "$IAF" count in.csv --by a -o loop1

# ---- permissions --------------------------------------------------------------------------
echo old >perm.csv
chmod 640 perm.csv
expect 0 "" -- "$IAF" count in.csv --by a -o perm.csv
[ "$(stat -c %a perm.csv)" = 640 ] || fail "mode 640 not kept: $(stat -c %a perm.csv)"
chmod 604 perm.csv
expect 0 "" -- "$IAF" count in.csv --by b -o perm.csv
[ "$(stat -c %a perm.csv)" = 604 ] || fail "mode 604 not kept: $(stat -c %a perm.csv)"
n=$((n + 1))
(umask 027 && "$IAF" count in.csv --by a -o newperm.csv) || fail "count -o newperm.csv failed"
[ "$(stat -c %a newperm.csv)" = 640 ] || fail "new file ignores the umask: $(stat -c %a newperm.csv)"

# ---- never over an input ----------------------------------------------------------------
refuse="is the input .* of this run; refusing to write over it"
expect 1 "^iaf: in.csv: is the input in.csv of this run; refusing" -- \
    "$IAF" count in.csv --by a -o in.csv
ln -s in.csv in_link.csv
ln in.csv in_hard.csv
expect 1 "^iaf: in.csv: is the input in_link.csv of this run" -- \
    "$IAF" count in_link.csv --by a -o in.csv
expect 1 "^iaf: in_link.csv: $refuse" -- "$IAF" count in.csv --by a -o in_link.csv
expect 1 "^iaf: in_hard.csv: $refuse" -- "$IAF" count in.csv --by a -o in_hard.csv
rm -f in_hard.csv in_link.csv
mkdir -p one && cp in.csv one/only.csv
expect 1 "^iaf: one/only.csv: is the input one/only.csv of this run" -- \
    "$IAF" count one --by a -o one/only.csv
# the second table's file is the input: the first is not written either
expect 1 "$refuse" -- "$IAF" count in.csv --by a -o first.csv --by b -o in.csv
[ ! -e first.csv ] || fail "count wrote the first table although the second was refused"
cmp -s in.csv in.orig || fail "the input was changed"

# report: its own input
cp -R "$IAF_SRC/tests/golden/html_audit_small" audit
(cd audit && "$IAF" audit audit.yaml -o out -q --bootstrap 50 --seed 1) || fail "audit setup failed"
cp audit/out/report.json r.json
cp r.json r.orig
expect 1 "^iaf: r.json: is the input r.json of this run; refusing" -- \
    "$IAF" report r.json --format md -o r.json
cmp -s r.json r.orig || fail "report overwrote its input"
expect 0 "" -- "$IAF" report r.json --format md -o r.md
[ -s r.md ] || fail "report -o r.md wrote nothing"

# crosswalk build: any of its inputs
cp "$IAF_TESTDATA/xwbuild/mini_values.csv" "$IAF_TESTDATA/xwbuild/mini_class.csv" .
cp mini_values.csv values.orig
expect 1 "^iaf: mini_values.csv: $refuse" -- \
    "$IAF" crosswalk build mini_values.csv mini_class.csv --level major -o mini_values.csv
expect 1 "^iaf: mini_class.csv: $refuse" -- "$IAF" crosswalk build mini_values.csv \
    mini_class.csv --level major -o xw.csv --report mini_class.csv -q
[ ! -e xw.csv ] || fail "crosswalk build wrote -o although --report was refused"
cmp -s mini_values.csv values.orig || fail "crosswalk build overwrote its input"

# audit: a reference of the spec is DIR/cells.csv
mkdir -p audit/refdir
cp audit/ref_age.csv audit/refdir/cells.csv
sed 's#file: ref_age.csv#file: refdir/cells.csv#' audit/audit.yaml >audit/in_out.yaml
grep -q 'refdir/cells.csv' audit/in_out.yaml || fail "test setup: spec not rewritten"
cp audit/refdir/cells.csv cells.orig
(
    cd audit || exit 1
    expect 1 "^iaf: refdir/cells.csv: is the input (\./)?refdir/cells.csv of this run" -- \
        "$IAF" audit in_out.yaml -o refdir -q --bootstrap 50
    [ "$(ls refdir)" = cells.csv ] || fail "audit wrote into refdir: $(ls refdir)"
    exit $fails
) || fails=$((fails + 1))
cmp -s audit/refdir/cells.csv cells.orig || fail "audit overwrote its reference"

# replicate: a bundle spec named like one of the outputs
mkdir -p audit/rep
cp audit/audit.yaml audit/rep/replication.md
sed -i 's#: \([a-z_]*\.csv\)$#: ../\1#; s#\[personas.csv\]#[../personas.csv]#' audit/rep/replication.md
(
    cd audit || exit 1
    expect 1 "^iaf: rep/replication.md: is the input rep/replication.md of this run" -- \
        "$IAF" replicate rep/replication.md -o rep -q --bootstrap 50
    [ "$(ls rep)" = replication.md ] || fail "replicate wrote into rep: $(ls rep)"
    exit $fails
) || fails=$((fails + 1))

# ---- all or nothing ----------------------------------------------------------------------
# an audit whose report.html cannot be written leaves the previous reports as they were
cp -R audit/out prev
rm audit/out/report.html
mkdir audit/out/report.html
(
    cd audit || exit 1
    expect 1 "^iaf: out/report.html: is a directory\$" -- \
        "$IAF" audit audit.yaml -o out -q --bootstrap 50 --seed 2
    exit $fails
) || fails=$((fails + 1))
for f in report.json report.md cells.csv; do
    cmp -s prev/$f audit/out/$f || fail "failed audit changed $f"
done
# ... and into a new directory, it writes none of them
mkdir -p audit/new/report.md
(
    cd audit || exit 1
    expect 1 "^iaf: new/report.md: is a directory\$" -- \
        "$IAF" audit audit.yaml -o new -q --bootstrap 50
    exit $fails
) || fails=$((fails + 1))
[ "$(ls audit/new)" = report.md ] || fail "failed audit left files: $(ls audit/new)"
# the same audit succeeds once the path is free, replacing all four together
rmdir audit/out/report.html
(cd audit && "$IAF" audit audit.yaml -o out -q --bootstrap 50 --seed 2) || fail "audit failed"
cmp -s prev/report.json audit/out/report.json && fail "seed 2 gave the same report.json"
# report -d: cells.csv cannot be written, so neither is report.html nor report.md
mkdir -p rdir/cells.csv
expect 1 "^iaf: rdir/cells.csv: is a directory\$" -- \
    "$IAF" report r.json --format html,md,csv -d rdir
[ "$(ls rdir)" = cells.csv ] || fail "failed report left files: $(ls rdir)"
# count: a second output in a missing directory
expect 1 "^iaf: nodir/b.csv: cannot write: No such file or directory" -- \
    "$IAF" count in.csv --by a -o a_first.csv --by b -o nodir/b.csv
[ ! -e a_first.csv ] || fail "count wrote its first table although the second failed"
# two outputs naming one file
expect 1 "^iaf: ./same.csv: is also the output same.csv of this run" -- \
    "$IAF" count in.csv --by a -o same.csv --by b -o ./same.csv
[ ! -e same.csv ] || fail "count wrote same.csv although the run failed"
echo old >same.csv
ln -s same.csv l_same
expect 1 "^iaf: l_same: is also the output same.csv of this run" -- \
    "$IAF" count in.csv --by a -o same.csv --by b -o l_same
expect 0 "" -- "$IAF" count in.csv --by a -o /dev/null --by b -o /dev/null

# ---- standard output full, every command ----------------------------------------------
full() {
    n=$((n + 1))
    timeout 120 "$@" >/dev/full 2>err.txt
    local rc=$?
    [ $rc -eq 1 ] || fail "$* >/dev/full -> exit $rc (want 1): $(head -c 300 err.txt)"
    [ "$(cat err.txt)" = "iaf: <stdout>: write failed: $FULL" ] ||
        fail "$* >/dev/full: stderr is not the one message: $(head -c 300 err.txt)"
}
PQ="$IAF_TESTDATA/parquet/persona-like/indiastox_personas_synthetic.parquet"
full "$IAF" --help
full "$IAF" help
full "$IAF" help count
full "$IAF" version
full "$IAF" count --help
full "$IAF" count in.csv --by a
full "$IAF" compare in.csv want_a.csv --by a
full "$IAF" compare in.csv want_a.csv --by a --json
full "$IAF" inspect "$PQ"
full "$IAF" inspect "$PQ" --json
full "$IAF" scan "$PQ" --columns city_tier,device_type,acquisition_channel
full "$IAF" scan "$PQ" --columns city_tier,device_type --json
full "$IAF" report r.json --format md -o -
full "$IAF" crosswalk build mini_values.csv mini_class.csv --level major -q
(cd audit && full "$IAF" audit audit.yaml -o out3 --bootstrap 50) || fails=$((fails + 1))
(cd audit && full "$IAF" replicate audit.yaml -o rep3 --bootstrap 50) || fails=$((fails + 1))

# ---- inputs that are not regular files, inputs reached twice --------------------------
mkfifo data.csv spec.yaml rep.json
expect 1 "^iaf: data.csv: is a FIFO, not a regular file" -- "$IAF" count data.csv --by a
expect 1 "^iaf: spec.yaml: is a FIFO, not a regular file" -- "$IAF" audit spec.yaml
expect 1 "^iaf: rep.json: is a FIFO, not a regular file" -- "$IAF" report rep.json
expect 1 "^iaf: data.csv: is a FIFO, not a regular file" -- "$IAF" compare data.csv want_a.csv --by a
expect 1 "^iaf: data.csv: is a FIFO, not a regular file" -- \
    "$IAF" scan "$IAF_TESTDATA/parquet/persona-like/indiastox_personas_synthetic.parquet" \
    --columns city_tier,device_type --card data.csv
expect 1 "^iaf: /dev/zero: is a character device, not a regular file" -- \
    "$IAF" count /dev/zero --by a -f csv
expect 1 "^iaf: adir: is a directory, not a regular file" -- "$IAF" audit adir
rm -f data.csv spec.yaml rep.json
# standard input where a command reads it by design
n=$((n + 1))
"$IAF" report - --format md -o - <r.json >stdin.md 2>err.txt || fail "report - failed: $(cat err.txt)"
cmp -s stdin.md r.md || fail "report - differs from report r.json"

mkdir -p g/sub
cp in.csv g/a.csv
cp in.csv g/b.csv
cp in.csv g/sub/c.csv
expect 1 "^iaf: g/a.csv: given twice \(by the arguments 'g/\*.csv' and 'g/a\*.csv'\)" -- \
    "$IAF" count 'g/*.csv' 'g/a*.csv' --by a
expect 1 "^iaf: g/sub/c.csv: given twice \(by the arguments 'g' and 'g/sub/c.csv'\)" -- \
    "$IAF" count g g/sub/c.csv --by a
ln g/a.csv g/hard.csv
expect 1 "^iaf: g/hard.csv: is the same file as g/a.csv \(both from 'g'\)" -- "$IAF" count g --by a
rm g/hard.csv
ln -s ../in.csv g/link.csv
expect 1 "^iaf: g/link.csv: is the same file as in.csv \(by the arguments 'in.csv' and 'g/link.csv'\)" -- \
    "$IAF" count in.csv g/link.csv --by a
rm g/link.csv
# distinct files with equal content are distinct files
expect 0 "" -- "$IAF" count g --by a
printf 'a,count\nx,6\ny,3\n' | cmp -s - out.txt || fail "count g: got $(cat out.txt)"

echo "outputs: $n cases, $fails failures"
[ $fails -eq 0 ]
