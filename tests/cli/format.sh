#!/usr/bin/env bash
# Every C source and header is clang-formatted with the committed .clang-format (STYLE.md):
# `make format` fixes what this test finds. Without clang-format it fails: `make test` installs it.
set -euo pipefail
: "${IAF_SRC:?}"
command -v clang-format >/dev/null || { echo "FAIL: clang-format is missing (scripts/install-deps.sh installs it)"; exit 1; }
cd "$IAF_SRC"
bad=0
while IFS= read -r -d '' f; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not clang-formatted: $f"
        bad=1
    fi
done < <(find src include tests bench -name '*.[ch]' -not -path '*/node_modules/*' -print0)
[ "$bad" -eq 0 ] && echo "format: ok"
exit "$bad"
