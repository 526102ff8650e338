#!/bin/bash
# Every bad Parquet file gives a clean, located error from `iaf inspect` (which
# decodes every flat column), or reads cleanly when expected.tsv says the file
# is bad only in parts iaf does not read. Crashes, hangs and sanitizer reports
# fail the test (exit codes above 2, or the timeout).
set -u
dir="$IAF_TESTDATA/parquet/bad"
fail=0
while IFS=$'\t' read -r file expect note; do
    case "$file" in ''|'#'*) continue ;; esac
    out=$(timeout 60 "$IAF" inspect "$dir/$file" 2>&1 >/dev/null)
    rc=$?
    if [ "$expect" = error ]; then
        if [ $rc -ne 1 ]; then
            echo "FAIL $file: exit $rc, want 1 ($note)"; echo "$out"; fail=1; continue
        fi
        # the message is located: "iaf: FILE: ... byte offset N: ..."
        if ! printf '%s' "$out" | grep -q "^iaf: .*$file: .*byte offset [0-9]*: "; then
            echo "FAIL $file: error without location: $out"; fail=1; continue
        fi
        echo "ok   $file: $out"
    else
        if [ $rc -ne 0 ]; then
            echo "FAIL $file: exit $rc, want 0 ($note)"; echo "$out"; fail=1; continue
        fi
        echo "ok   $file: readable ($note)"
    fi
done < "$dir/expected.tsv"

# usage errors exit 2, --help exits 0 on stdout
"$IAF" inspect >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: no argument should exit 2"; fail=1; }
"$IAF" inspect --bogus x >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: bad option should exit 2"; fail=1; }
"$IAF" inspect --help | grep -q "usage: iaf inspect" || { echo "FAIL: --help"; fail=1; }
# a missing file is an I/O error: exit 1
"$IAF" inspect "$dir/does-not-exist.parquet" >/dev/null 2>&1; [ $? -eq 1 ] || { echo "FAIL: missing file should exit 1"; fail=1; }
exit $fail
