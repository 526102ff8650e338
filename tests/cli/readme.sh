#!/bin/bash
# README.md tells a new user what happens: the quick start is exactly `make demo` and
# `make test`; it says where the tool is after `make demo` (the Makefile's IAF), how to
# install (and `make install PREFIX=...` puts what it lists where it says), and how long
# `make test` takes.
set -uo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
readme=$IAF_SRC/README.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
no() { echo "FAIL: $*"; fails=$((fails + 1)); }

# the quick start: its indented command lines, exactly these two
qs=$(awk '/^## Quick start/{on=1; next} /^## /{on=0} on && /^    [^ ]/' "$readme" | sed 's/^ *//')
[ "$qs" = "$(printf 'make demo\nmake test')" ] || no "quick start commands are: $(echo $qs)"

# where the binary is: the Makefile's IAF, named in the README
bin=$(sed -n 's/^IAF *:= *\$(BUILD)\/\(.*\)$/\1/p' "$IAF_SRC/Makefile")
build=$(sed -n 's/^BUILD *?= *//p' "$IAF_SRC/Makefile")
[ -n "$bin" ] && [ -n "$build" ] || no "Makefile: no IAF := \$(BUILD)/... or BUILD ?="
grep -q "After \`make demo\` the tool is \`$build/$bin\`" "$readme" || no "README does not say the tool is $build/$bin"
grep -q 'make install PREFIX=' "$readme" || no "README does not show make install PREFIX=..."
grep -Eq 'Expect it to take roughly .*(minutes|hour)' "$readme" ||
    no "README does not say how long make test takes"

# make install PREFIX=... installs what the README lists, into the given prefix: the
# Makefile's recipe (shown, not run: it would rebuild the tree under the other tests) hands
# PREFIX to cmake --install, which is run here on the tested build
bdir=$(dirname "$IAF")
prefix=$work/prefix
make -n -s -C "$IAF_SRC" install BUILD="$bdir" PREFIX="$prefix" >"$work/recipe" 2>&1 ||
    no "make -n install failed: $(tail -5 "$work/recipe")"
grep -q -- "cmake --install $bdir --prefix $prefix" "$work/recipe" ||
    no "make install does not run cmake --install with PREFIX: $(cat "$work/recipe")"
if ! cmake --install "$bdir" --prefix "$prefix" >"$work/log" 2>&1; then
    no "cmake --install failed: $(tail -5 "$work/log")"
fi
for f in bin/iaf include/iaf/iaf.h share/man/man1/iaf.1; do
    [ -e "$prefix/$f" ] || no "make install did not install $f"
done
ls "$prefix"/lib*/libiaf.a "$prefix"/lib*/libiaf.so "$prefix"/lib*/pkgconfig/iaf.pc >/dev/null 2>&1 ||
    no "make install did not install libiaf.a, libiaf.so and iaf.pc under lib"
ls -d "$prefix"/lib*/cmake/iaf >/dev/null 2>&1 || no "make install did not install the CMake package"
[ -x "$prefix/bin/iaf" ] && "$prefix/bin/iaf" --version | grep -q '^iaf [0-9]' ||
    no "the installed iaf does not run"

[ "$fails" = 0 ] && echo "README quick start, binary, install and test time: ok"
exit "$fails"
