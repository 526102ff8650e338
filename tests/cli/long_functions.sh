#!/usr/bin/env bash
# No function over 150 lines in src/audit, src/report or src/cli without a comment saying
# why ("Longer than 150 lines: <reason>" right above it): scripts/long-functions.py. The
# checker is tried first on crafted files, so this test can fail.
set -euo pipefail
: "${IAF_SRC:?}"
py=${PYTHON:-python3}
check="$IAF_SRC/scripts/long-functions.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# a function of n lines (signature to closing brace), with an optional comment above it
fn() { # FILE N COMMENT
    {
        [ -n "$3" ] && printf '/* %s */\n' "$3"
        printf 'static int f(int x)\n{\n'
        for ((i = 0; i < $2 - 4; i++)); do printf '    x += %d;\n' "$i"; done
        printf '    return x;\n}\n'
    } >"$1"
}
fn "$tmp/ok.c" 150 ""
"$py" "$check" "$tmp/ok.c" >/dev/null || { echo "a 150-line function was refused"; exit 1; }
fn "$tmp/long.c" 151 ""
out=$("$py" "$check" "$tmp/long.c" 2>&1) && { echo "a 151-line function passed: $out"; exit 1; }
grep -q "long.c:1: f (151 lines)" <<<"$out" || { echo "not located: $out"; exit 1; }
fn "$tmp/vague.c" 200 "Longer than 150 lines"
"$py" "$check" "$tmp/vague.c" >/dev/null 2>&1 && { echo "a comment without a reason passed"; exit 1; }
fn "$tmp/why.c" 200 "Longer than 150 lines: one table, in the order of the document"
"$py" "$check" "$tmp/why.c" >/dev/null || { echo "a function with its reason was refused"; exit 1; }

# the tree
cd "$IAF_SRC"
"$py" "$check" src/audit src/report src/cli
echo "long functions: every one over 150 lines in src/audit, src/report, src/cli says why"
