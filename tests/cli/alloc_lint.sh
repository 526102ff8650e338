#!/usr/bin/env bash
# Every allocation in src/ goes through the one allocator (include/iaf/alloc.h):
# no raw malloc/calloc/realloc/strdup/strndup/free outside src/util/util.c
# unless the line is marked libc-owned. `python3 scripts/route-allocations.py`
# fixes what this test finds. The checker itself is tested first on a
# crafted tree, so this test can fail.
set -euo pipefail
: "${IAF_SRC:?}"
py=${PYTHON:-python3}
script="$IAF_SRC/scripts/route-allocations.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/src/io"
cat > "$tmp/src/io/x.c" <<'C'
/* free(p) in a comment is fine, and so is "malloc(3)" in a string */
#include <stdlib.h>
static void f(char **v, void *g)
{
    char *s = strdup("x");
    v[0] = malloc(4);
    globfree(g);
    free(s); /* libc-owned: the test's marked line */
    free(v[0]);
}
C
out=$("$py" "$script" --check --root "$tmp" 2>&1) && { echo "checker missed raw calls: $out"; exit 1; }
n=$(printf '%s\n' "$out" | grep -c ': raw ' || true)
[ "$n" -eq 3 ] || { echo "expected 3 raw calls (strdup, malloc, free), got $n:"; echo "$out"; exit 1; }
# the rewrite fixes them, adds the include, and is idempotent
"$py" "$script" --root "$tmp" >/dev/null
grep -q '#include "util/util.h"' "$tmp/src/io/x.c" || { echo "include not added"; exit 1; }
grep -q 'iaf_free(v\[0\])' "$tmp/src/io/x.c" || { echo "free not rewritten"; cat "$tmp/src/io/x.c"; exit 1; }
grep -q '    free(s); /\* libc-owned' "$tmp/src/io/x.c" || { echo "marked line rewritten"; exit 1; }
cp "$tmp/src/io/x.c" "$tmp/once.c"
"$py" "$script" --root "$tmp" >/dev/null
cmp -s "$tmp/src/io/x.c" "$tmp/once.c" || { echo "rewrite is not idempotent"; exit 1; }
"$py" "$script" --check --root "$tmp" >/dev/null || { echo "rewritten tree still fails the check"; exit 1; }

# the real tree
"$py" "$script" --check --root "$IAF_SRC"
echo "alloc_lint: ok"
