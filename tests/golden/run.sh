#!/usr/bin/env bash
# Run one golden case: bash tests/golden/run.sh CASE_DIR
#
# A case directory holds:
#   cmd        one shell line (bash, with set -e -o pipefail) run in a scratch copy of
#              the case directory; it uses $IAF (the iaf binary) and $PYTHON
#   outputs    the files the command writes that are pinned, one path per line
#              (relative to the scratch directory; blank lines and # comments ignored)
#   expected/  the pinned files, byte for byte, under the same relative paths
#   ...        the inputs, referred to by relative paths
#
# IAF_UPDATE_GOLDEN=1 copies the produced files into expected/ instead of comparing
# (review the diff before committing). See tests/golden/README.md.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 CASE_DIR" >&2; exit 2; }
case_dir=$(cd "$1" && pwd)
name=$(basename "$case_dir")
: "${IAF:?set IAF to the iaf binary}"
IAF=$(cd "$(dirname "$IAF")" && pwd)/$(basename "$IAF")
PYTHON=${PYTHON:-/usr/bin/python3}
export IAF PYTHON

work="${IAF_BUILD:-${TMPDIR:-/tmp}}/golden-work/$name"
rm -rf "$work"
mkdir -p "$work"
for f in "$case_dir"/* "$case_dir"/.[!.]*; do
    [ -e "$f" ] || continue
    case "$(basename "$f")" in expected | outputs | cmd) continue ;; esac
    cp -R "$f" "$work/"
done

if ! (cd "$work" && bash -e -o pipefail -c "$(cat "$case_dir/cmd")") >"$work/.stdout" 2>"$work/.stderr"; then
    echo "golden $name: the command failed: $(cat "$case_dir/cmd")" >&2
    cat "$work/.stderr" >&2
    exit 1
fi

status=0
while IFS= read -r out || [ -n "$out" ]; do
    out=${out%%#*}
    out=$(echo "$out" | tr -d '[:space:]')
    [ -n "$out" ] || continue
    if [ ! -f "$work/$out" ]; then
        echo "golden $name: $out was not produced" >&2
        status=1
        continue
    fi
    if [ "${IAF_UPDATE_GOLDEN:-0}" = 1 ]; then
        mkdir -p "$(dirname "$case_dir/expected/$out")"
        cp "$work/$out" "$case_dir/expected/$out"
        echo "golden $name: updated expected/$out"
    elif [ ! -f "$case_dir/expected/$out" ]; then
        echo "golden $name: expected/$out is missing (run with IAF_UPDATE_GOLDEN=1)" >&2
        status=1
    elif ! cmp -s "$case_dir/expected/$out" "$work/$out"; then
        echo "golden $name: $out differs from expected/$out (first 60 lines of the diff):" >&2
        diff -u "$case_dir/expected/$out" "$work/$out" | head -60 >&2 || true
        echo "golden $name: produced file kept at $work/$out" >&2
        status=1
    fi
done <"$case_dir/outputs"
[ $status -eq 0 ] && echo "golden $name: ok"
exit $status
