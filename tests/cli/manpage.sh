#!/bin/bash
# docs/iaf.1 is true to the tool: every command of `iaf help` has its section and every
# section a command; per command, the long options the man page names are exactly those
# `iaf help COMMAND` lists; the page's version is `iaf --version`'s; groff formats it
# without a warning.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
page=$IAF_SRC/docs/iaf.1
fail=0

if ! out=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || [ -n "$out" ]; then
    echo "groff warns about docs/iaf.1:"; echo "$out"; fail=1
fi
if LC_ALL=C grep -n '[^ -~]' "$page"; then
    echo "docs/iaf.1: non-ASCII bytes above (write them as \\[uXXXX])"; fail=1
fi

version=$("$IAF" --version | sed 's/^iaf //')
grep -q "^\.TH IAF 1 \"[^\"]*\" \"iaf $version\"" "$page" ||
    { echo "docs/iaf.1: .TH does not name iaf $version"; fail=1; }

cmds=$("$IAF" help | awk '/^Commands:/{on=1; next} on && /^  [a-z]/{print $1} /^$/{if (on) exit}' |
    grep -v -e '^help$' -e '^version$')
[ -n "$cmds" ] || { echo "no commands found in iaf help"; exit 1; }
sections=$(sed -n 's/^\.SH IAF \([A-Z]*\)$/\1/p' "$page" | tr 'A-Z' 'a-z')
if [ "$(sort <<<"$cmds")" != "$(sort <<<"$sections")" ]; then
    echo "commands of iaf help: $(echo $cmds)"; echo "sections of docs/iaf.1: $(echo $sections)"
    fail=1
fi

# A command's section runs from its .SH to the next .SH; \- is a hyphen there.
for c in $cmds; do
    up=$(tr 'a-z' 'A-Z' <<<"$c")
    in_help=$("$IAF" help "$c" | grep -o -- '--[a-z][a-z-]*' | sort -u)
    in_page=$(awk -v h=".SH IAF $up" '$0 == h {on=1; next} /^\.SH/{on=0} on' "$page" |
        sed 's/\\-/-/g' | grep -o -- '--[a-z][a-z-]*' | sort -u)
    if [ "$in_help" != "$in_page" ]; then
        echo "iaf $c: options differ between iaf help $c (<) and docs/iaf.1 (>):"
        diff <(echo "$in_help") <(echo "$in_page") || true
        fail=1
    fi
done
[ "$fail" = 0 ] && echo "docs/iaf.1 matches iaf help ($(echo $cmds | wc -w) commands)"
exit "$fail"
