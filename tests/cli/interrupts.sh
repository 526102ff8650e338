#!/usr/bin/env bash
# SIGINT and SIGTERM during a long `iaf count` or `iaf audit`, in the scan and while the outputs
# are written: the process ends by the signal (status 130 / 143 in the shell), no temporary file
# (NAME.tmp.XXXXXX) is left, and every output is either the file that was there before or the
# complete new one; an audit's four files are all old or all new, never a mix.
#
# Real timing, no test hook: "mid-run" signals 0.4 s after the start (halved after each run that
# finished first); "mid-write" polls the output directory and signals as soon as a temporary file
# exists (the outputs are large, 6-12 MB, so the window is wide). A run that finished before the signal is retried; the test
# fails unless each signal hit each phase at least once within its attempts.
#
# Environment (set by CTest): IAF, PYTHON.
set -u
: "${IAF:?}"
IAF=$(realpath "$IAF")
PY=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
fails=0

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

"$PY" - <<'EOF' || exit 1
import collections, random
rng = random.Random(20261205)
N = 300000
cells = collections.Counter()
with open("big.csv", "w") as f:
    f.write("id,bucket,grp\n")
    for i in range(N):
        b, g = f"b{rng.randrange(1000):04d}", f"g{rng.randrange(50):02d}"
        cells[b, g] += 1
        f.write(f"p{i:07d},{b},{g}\n")
# references: every (bucket, grp) cell, perturbed, so the audit has 50,000 cells to write
with open("ref_bg.csv", "w") as f:
    f.write("bucket,grp,count\n")
    for b in range(1000):
        for g in range(50):
            f.write(f"b{b:04d},g{g:02d},{cells[f'b{b:04d}', f'g{g:02d}'] * 10 + rng.randrange(5)}\n")
grp = collections.Counter()
for (b, g), c in cells.items():
    grp[g] += c
with open("ref_g.csv", "w") as f:
    f.write("grp,count\n")
    for g in sorted(grp):
        f.write(f"{g},{grp[g] * 3 + rng.randrange(100)}\n")
EOF
cat >spec.yaml <<'EOF'
iaf: 1
name: interrupts
dataset:
  title: generated rows
  microdata: [big.csv]
references:
  - id: ref_g
    file: ref_g.csv
    publisher: test
    table: groups
    year: "2024"
    universe: all
    licence: CC0
    full_count: true
  - id: ref_bg
    file: ref_bg.csv
    publisher: test
    table: bucket by group
    year: "2024"
    universe: all
    licence: CC0
    full_count: true
checks:
  - id: grp_marginal
    kind: marginal
    attributes: [grp]
    reference: ref_g
    disclosure: none
  - id: bucket_x_grp
    kind: joint
    attributes: [bucket, grp]
    reference: ref_bg
    disclosure: none
EOF

FILES="report.json report.md report.html cells.csv"
# The complete outputs, uninterrupted: count by id (one line per row) and the audit; the "old"
# files are what a previous run left (another --by; an audit with a bootstrap).
"$IAF" count big.csv --by id,bucket,grp -o new_count.csv -q -t 2 || fail "reference count failed"
"$IAF" count big.csv --by grp -o old_count.csv -q -t 2 || fail "old count failed"
"$IAF" audit spec.yaml -o new_audit -q --no-bootstrap -t 2 || fail "reference audit failed"
"$IAF" audit spec.yaml -o old_audit -q --bootstrap 50 --seed 2 -t 2 || fail "old audit failed"
cmp -s new_audit/report.json old_audit/report.json && fail "old and new report.json are equal"
[ $fails -eq 0 ] || exit 1

# The state of a process: R, S, D ... or Z once it has exited (not yet reaped).
state_of() {
    local st=""
    { read -r _ _ st _ </proc/"$1"/stat; } 2>/dev/null
    echo "${st:-gone}"
}

# trial KIND PHASE SIG DELAY: one interrupted run; prints "hit" when the signal ended the run in the
# wanted phase, "late" when the run had finished first. KIND is count or audit; PHASE is run
# (signal after DELAY seconds) or write (signal once a temporary file exists).
trial() {
    local kind=$1 phase=$2 sig=$3 delay=$4 dir pid rc seen=0 want
    rm -rf work && mkdir work && dir=work
    if [ "$kind" = count ]; then
        cp old_count.csv work/out.csv
        env --default-signal=INT,TERM "$IAF" count big.csv --by id,bucket,grp -o work/out.csv \
            -q -t 2 &
    else
        cp -R old_audit work/out
        env --default-signal=INT,TERM "$IAF" audit spec.yaml -o work/out -q --no-bootstrap -t 2 &
    fi
    pid=$!
    if [ "$phase" = run ]; then
        sleep "$delay"
        [ "$(state_of $pid)" = Z ] || { kill -s "$sig" $pid && seen=1; }
    else
        shopt -s nullglob
        while :; do
            local t=("$dir"/*.tmp.* "$dir"/out/*.tmp.*)
            if [ ${#t[@]} -gt 0 ]; then
                kill -s "$sig" $pid && seen=1
                break
            fi
            case $(state_of $pid) in Z | gone) break ;; esac
        done
        shopt -u nullglob
    fi
    wait $pid
    rc=$?
    want=$((128 + $(kill -l "$sig")))
    # invariants, whatever the timing
    local left
    left=$(find work -name '*.tmp.*')
    [ -z "$left" ] || fail "$kind/$phase/$sig left temporaries: $left"
    if [ "$kind" = count ]; then
        cmp -s work/out.csv old_count.csv || cmp -s work/out.csv new_count.csv ||
            fail "$kind/$phase/$sig: out.csv is neither the old nor the new file (partial)"
    else
        local nold=0 nnew=0
        # (a file that does not depend on the seed counts as both)
        for f in $FILES; do
            cmp -s work/out/$f old_audit/$f && nold=$((nold + 1))
            cmp -s work/out/$f new_audit/$f && nnew=$((nnew + 1))
            cmp -s work/out/$f old_audit/$f || cmp -s work/out/$f new_audit/$f ||
                fail "$kind/$phase/$sig: $f is neither old nor new (partial)"
        done
        [ $nold -eq 4 ] || [ $nnew -eq 4 ] ||
            fail "$kind/$phase/$sig: a mix of old and new reports ($nold old, $nnew new)"
        [ "$(ls work/out | wc -l)" -eq 4 ] || fail "$kind/$phase/$sig: files: $(ls work/out)"
    fi
    if [ $seen -eq 1 ] && [ $rc -eq "$want" ]; then
        echo hit
    elif [ $rc -eq 0 ]; then
        echo late
    else
        fail "$kind/$phase/$sig: exit status $rc (want $want, or 0 if it finished first)"
        echo bad
    fi
}

for kind in count audit; do
    for phase in run write; do
        for sig in INT TERM; do
            hit=0 delay=0.4
            for attempt in $(seq 12); do
                r=$(trial "$kind" "$phase" "$sig" "$delay")
                case $r in *FAIL*) echo "$r" | grep FAIL; fails=$((fails + 1)) ;; esac
                case $r in *hit) hit=1 && break ;; esac
                # finished first: signal earlier next time (a fast machine)
                delay=$(awk -v d="$delay" 'BEGIN { print d / 2 }')
            done
            if [ $hit -eq 1 ]; then
                echo "ok: $kind, SIG$sig during the $phase phase (attempt $attempt)"
            else
                fail "$kind: SIG$sig never hit the $phase phase in $attempt attempts"
            fi
        done
    done
done

[ $fails -eq 0 ] && echo "interrupts: ok"
[ $fails -eq 0 ]
