#!/usr/bin/env python3
"""Route every allocation in src/ through the library's one allocator.

Rewrites raw calls of the C library's allocator in src/**/*.c and *.h
(src/util/util.c, which holds the adapters, excepted):

    malloc( -> iaf_malloc(      calloc( -> iaf_calloc(     realloc( -> iaf_realloc(
    strdup( -> iaf_strdup(      free(   -> iaf_free(

adds `#include "util/util.h"` where a rewritten file lacks it, runs
clang-format on the files it changed, and prints every change as
FILE:LINE: old -> new. Comments and string literals are left alone. A line
that carries the marker `libc-owned` in a comment is skipped: memory that
another library allocated (glob, regcomp, iconv, getline, libfyaml's
emitted strings, ...) is freed there the way that library says. strndup
is reported, never rewritten: iaf_strndup copies exactly n bytes, the C
library's stops at a NUL, so the call needs a look.

Idempotent: a second run changes nothing. With --check nothing is written;
the raw calls are listed and the exit status is 1 when there are any (the
CTest cli.alloc_lint runs this).

    python3 scripts/route-allocations.py [--check] [--root DIR]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

MARKER = "libc-owned"
EXEMPT = {os.path.join("src", "util", "util.c")}
REWRITE = {
    "malloc": "iaf_malloc",
    "calloc": "iaf_calloc",
    "realloc": "iaf_realloc",
    "strdup": "iaf_strdup",
    "free": "iaf_free",
}
# A call: the name not preceded by an identifier character, '.', '->' or
# '$', then optional blanks and '('.
CALL = re.compile(r"(?<![\w.$])(?<!->)\b(malloc|calloc|realloc|strdup|strndup|free)\s*\(")


def mask(text):
    """The text with comments, string and character literals blanked
    (same length, newlines kept), so only code is matched."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def find_calls(text):
    """(start, name, line) of every raw call outside comments, strings and
    marked lines."""
    masked = mask(text)
    lines = text.split("\n")
    calls = []
    for m in CALL.finditer(masked):
        ln = line_of(text, m.start())
        if MARKER in lines[ln - 1]:
            continue
        calls.append((m.start(1), m.group(1), ln))
    return calls


def add_include(text, path=""):
    # the tool (src/cli) uses the library through its public headers only
    if os.sep + "cli" + os.sep in os.sep + path:
        if re.search(r'^#include "(util/util|iaf/alloc)\.h"', text, re.M):
            return text
        incs = list(re.finditer(r'^#include "[^"]+"[^\n]*\n', text, re.M))
        if incs:
            at = incs[-1].end()
            return text[:at] + '#include "iaf/alloc.h"\n' + text[at:]
        return '#include "iaf/alloc.h"\n' + text
    if re.search(r'^#include "util/util\.h"', text, re.M):
        return text
    incs = list(re.finditer(r'^#include "[^"]+"[^\n]*\n', text, re.M))
    if not incs:
        incs = list(re.finditer(r"^#include <[^>]+>[^\n]*\n", text, re.M))
    if incs:
        at = incs[-1].end()
        sep = "" if incs[-1].group(0).startswith('#include "') else "\n"
        return text[:at] + sep + '#include "util/util.h"\n' + text[at:]
    return '#include "util/util.h"\n' + text


def sources(root):
    for base, dirs, files in os.walk(os.path.join(root, "src")):
        dirs.sort()
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                path = os.path.join(base, f)
                rel = os.path.relpath(path, root)
                if rel not in EXEMPT:
                    yield path, rel


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="list raw calls, write nothing")
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    args = ap.parse_args()
    root = os.path.abspath(args.root)

    found = 0
    changed = []
    manual = []
    for path, rel in sources(root):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        calls = find_calls(text)
        if not calls:
            continue
        if args.check:
            lines = text.split("\n")
            for _, name, ln in calls:
                print(f"{rel}:{ln}: raw {name}(): {lines[ln - 1].strip()}")
            found += len(calls)
            continue
        new = text
        for start, name, ln in sorted(calls, reverse=True):
            if name == "strndup":
                manual.append(f"{rel}:{ln}: strndup() left alone (iaf_strndup copies n bytes exactly)")
                continue
            new = new[:start] + REWRITE[name] + new[start + len(name):]
            print(f"{rel}:{ln}: {name}( -> {REWRITE[name]}(")
        if new != text:
            if rel.startswith(os.path.join("src", "")) and rel != os.path.join("src", "util", "util.h"):
                new = add_include(new, rel)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(new)
            changed.append(path)

    if args.check:
        if found:
            print(f"{found} raw allocator call(s) in src/: route them through iaf_malloc/iaf_free "
                  f"(python3 scripts/route-allocations.py) or mark the line /* {MARKER} */",
                  file=sys.stderr)
            return 1
        print("no raw allocator calls in src/ outside src/util/util.c")
        return 0

    for m in manual:
        print(m, file=sys.stderr)
    if changed:
        fmt = shutil.which("clang-format")
        style = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".clang-format")
        if fmt:
            subprocess.run([fmt, "-i", "--style=file:" + os.path.abspath(style)] + changed,
                           check=True)
        else:
            print("clang-format not found: format the changed files", file=sys.stderr)
    print(f"{len(changed)} file(s) changed")
    return 1 if manual else 0


if __name__ == "__main__":
    sys.exit(main())
