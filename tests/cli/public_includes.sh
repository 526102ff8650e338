#!/bin/bash
# The command-line tool uses the library only through its public headers: a file under src/cli/
# may include system headers, <iaf/...> (or "iaf/...") and the tool's own headers by their plain
# names ("commands.h", which must be a file of src/cli/), nothing else from src/. And the tool
# is compiled without the library's source tree on the include path: the only include
# directories CMakeLists.txt gives iaf_cli_lib are src/cli (and include/, through iaf), so a
# private header could not even be found.
set -euo pipefail
: "${IAF_SRC:?}"
root=$(cd "$IAF_SRC" && pwd)
fail=0
cd "$root/src/cli"
for f in *.c *.h; do
    bad=""
    while IFS= read -r line; do
        name=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$line")
        [ -z "$name" ] && continue
        case "$name" in
        iaf/*) [ -f "$root/include/$name" ] || bad="$bad $name" ;;
        */*) bad="$bad $name" ;;
        *) [ -f "$name" ] || bad="$bad $name" ;;
        esac
    done < <(grep '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" || true)
    if [ -n "$bad" ]; then
        echo "src/cli/$f includes headers that are neither public nor the tool's own:$bad"
        fail=1
    fi
done
# the include directories of the tool's library, as CMakeLists.txt declares them
dirs=$(sed -n 's/^[[:space:]]*target_include_directories(iaf_cli_lib[[:space:]]*\(.*\))/\1/p' \
    "$root/CMakeLists.txt")
if [ -z "$dirs" ]; then
    echo "CMakeLists.txt: no target_include_directories(iaf_cli_lib ...) found"
    fail=1
fi
for d in $dirs; do
    case "$d" in
    PUBLIC | PRIVATE | INTERFACE | '${PROJECT_SOURCE_DIR}/src/cli') ;;
    *)
        echo "CMakeLists.txt: iaf_cli_lib is compiled with include directory $d (only src/cli)"
        fail=1
        ;;
    esac
done
[ "$fail" = 0 ] && echo "src/cli: only public headers and its own, built without -I src"
exit "$fail"
