#!/bin/bash
# What a new user does: `cmake --install` into a temporary prefix, then build examples/c/
# against it and run it on a repository data file.
#  * every public header compiles on its own and iaf/iaf.h includes each;
#  * the prefix holds the tool, libiaf.a, libiaf.so.N, the public headers (and no other),
#    iaf.1, iaf.pc and the CMake package;
#  * count_pairs builds with `pkg-config --cflags --libs iaf` (shared), with
#    `pkg-config --static --libs iaf` against libiaf.a (no libiaf.so needed at run time), and
#    with find_package(iaf) (iaf::iaf and iaf::iaf_static);
#  * each build prints exactly the cells `iaf count` writes (converted from its CSV by
#    Python's csv module), and a missing input gives a located error, exit 1;
#  * the installed `iaf --version` prints what iaf_version() returns.
set -euo pipefail
: "${IAF_BUILD:?}" "${IAF_SRC:?}"
PY=${PYTHON:-/usr/bin/python3}
CC=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$IAF_BUILD" --prefix "$prefix" >"$work/install.log"

pc=$(find "$prefix" -name iaf.pc)
libdir=$(dirname "$(dirname "$pc")")
for f in bin/iaf include/iaf/iaf.h share/man/man1/iaf.1; do
    [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
for f in libiaf.a libiaf.so "cmake/iaf/iafConfig.cmake" "cmake/iaf/iafTargets.cmake"; do
    [ -e "$libdir/$f" ] || { echo "not installed: $libdir/$f"; exit 1; }
done
ls "$libdir"/libiaf.so.[0-9]* >/dev/null
diff <(cd "$IAF_SRC/include/iaf" && ls) <(cd "$prefix/include/iaf" && ls) ||
    { echo "installed headers differ from include/iaf"; exit 1; }

export PKG_CONFIG_PATH=$libdir/pkgconfig
# every public header stands alone, and iaf.h includes them all
for h in "$prefix"/include/iaf/*.h; do
    name=iaf/$(basename "$h")
    printf "#include <%s>\nint iaf_test_unit;\n" "$name" | $CC -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
        -I"$prefix/include" -x c - || { echo "$name does not compile alone"; exit 1; }
    [ "$name" = iaf/iaf.h ] || grep -q "^#include \"$name\"" "$prefix/include/iaf/iaf.h" ||
        { echo "iaf/iaf.h does not include $name"; exit 1; }
done
src=$IAF_SRC/examples/c/count_pairs.c
data=$IAF_SRC/tests/data/csv/stress.csv

# the oracle: `iaf count`'s CSV, parsed by Python's csv module, as count_pairs prints it
"$prefix/bin/iaf" count "$data" --by sex,age_group -o "$work/counts.csv"
$PY - "$work/counts.csv" >"$work/expected" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
print("\t".join(rows[0]))
for r in rows[1:]:
    print("\t".join(r))
print("total\t\t%d" % sum(int(r[2]) for r in rows[1:]))
PY
[ "$(wc -l <"$work/expected")" -gt 5 ] || { echo "too few cells to be a test"; exit 1; }

check() { # name binary [env...]
    local name=$1 bin=$2
    shift 2
    env "$@" "$bin" "$data" sex age_group >"$work/$name.out"
    diff -u "$work/expected" "$work/$name.out" || { echo "$name: output differs from iaf count"; exit 1; }
    set +e
    env "$@" "$bin" "$work/missing.csv" sex age_group 2>"$work/$name.err" >/dev/null
    local rc=$?
    set -e
    [ "$rc" = 1 ] || { echo "$name: exit $rc on a missing file"; exit 1; }
    grep -q "^count_pairs: $work/missing.csv: no such file$" "$work/$name.err" ||
        { echo "$name: error was:"; cat "$work/$name.err"; exit 1; }
    echo "ok: $name"
}

# shared, with pkg-config
$CC -std=c11 -Wall -Wextra -Werror "$src" $(pkg-config --cflags --libs iaf) -o "$work/ex_shared"
readelf -d "$work/ex_shared" | grep -q 'NEEDED.*libiaf\.so\.[0-9]' ||
    { echo "ex_shared does not need libiaf.so.N"; exit 1; }
check shared "$work/ex_shared" LD_LIBRARY_PATH="$libdir"

# static, with pkg-config --static: the private libraries are complete
static_libs=$(pkg-config --static --libs iaf | sed 's/ -liaf / /')
$CC -std=c11 -Wall -Wextra -Werror "$src" $(pkg-config --cflags iaf) "$libdir/libiaf.a" \
    $static_libs -o "$work/ex_static"
! readelf -d "$work/ex_static" | grep -q 'NEEDED.*libiaf' ||
    { echo "ex_static needs libiaf.so"; exit 1; }
check static "$work/ex_static"

# CMake: find_package(iaf), both targets
cmake -S "$IAF_SRC/examples/c" -B "$work/cm" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_RPATH="$libdir" >"$work/cm.log" 2>&1 || { cat "$work/cm.log"; exit 1; }
cmake --build "$work/cm" >>"$work/cm.log" 2>&1 || { cat "$work/cm.log"; exit 1; }
check cmake_shared "$work/cm/count_pairs"
check cmake_static "$work/cm/count_pairs_static"

# one version
cat >"$work/v.c" <<'C'
#include <stdio.h>
#include <iaf/iaf.h>
int main(void) { printf("iaf %s\n", iaf_version()); return 0; }
C
$CC -std=c11 "$work/v.c" $(pkg-config --cflags --libs iaf) -o "$work/v"
[ "$(LD_LIBRARY_PATH=$libdir "$work/v")" = "$("$prefix/bin/iaf" --version)" ] ||
    { echo "iaf --version and iaf_version() differ"; exit 1; }
[ "$(pkg-config --modversion iaf)" = "$("$prefix/bin/iaf" --version | sed 's/^iaf //')" ] ||
    { echo "iaf.pc's version differs"; exit 1; }
echo "ok: version $("$prefix/bin/iaf" --version)"
