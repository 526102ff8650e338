#!/bin/bash
# The shared library exports exactly the intended symbols (in the spirit of jansson's
# test/suites/api/check-exports): tests/exports/libiaf.sym lists them, and it must equal
#  * the dynamic symbols libiaf.so defines (nm -D --defined-only), so nothing internal leaks
#    out of -fvisibility=hidden and nothing public is lost, and
#  * the functions declared IAF_API in include/iaf/*.h, so the list, the headers and the
#    library agree (a new public function is added to all three on purpose).
# The soname is libiaf.so.N.
set -euo pipefail
: "${IAF_SHARED:?}" "${IAF_SRC:?}"
list=$IAF_SRC/tests/exports/libiaf.sym
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# Sanitizer and coverage runtimes may add their own hooks to an instrumented build; they are
# not ours to list (names reserved to the implementation, starting with "__").
nm -D --defined-only "$IAF_SHARED" | awk '{print $NF}' | sed 's/@.*//' | grep -v '^__' |
    grep -v -x -e _init -e _fini -e _edata -e _end -e __bss_start | LC_ALL=C sort -u >"$work/lib"
LC_ALL=C sort -u "$list" >"$work/list"
if ! diff -u "$work/list" "$work/lib" >"$work/d1"; then
    echo "libiaf.so exports differ from tests/exports/libiaf.sym (+ exported, not listed):"
    cat "$work/d1"
    fail=1
fi

# declarations without comments and preprocessor lines, one line each
cat "$IAF_SRC"/include/iaf/*.h | perl -0777 -pe 's{/\*.*?\*/}{}gs; s{^\s*#.*$}{}mg; s{\s+}{ }g' |
    grep -o 'IAF_API [^;{(]*(' |
    sed 's/($//; s/.*[ *]//' | LC_ALL=C sort -u >"$work/hdr"
if ! diff -u "$work/list" "$work/hdr" >"$work/d2"; then
    echo "IAF_API declarations in include/iaf differ from tests/exports/libiaf.sym:"
    cat "$work/d2"
    fail=1
fi

soname=$(readelf -d "$IAF_SHARED" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if ! [[ $soname =~ ^libiaf\.so\.[0-9]+$ ]]; then
    echo "soname is '$soname', not libiaf.so.N"
    fail=1
fi
[ "$fail" = 0 ] && echo "libiaf.so ($soname) exports the $(wc -l <"$work/list") listed functions"
exit "$fail"
