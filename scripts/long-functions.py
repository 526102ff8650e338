#!/usr/bin/env python3
"""No function over 150 lines in the upper half without a comment saying why.

Scans the C files under the given directories (default: src/audit, src/report, src/cli).
The code is clang-formatted, so a function body opens with "{" alone at column 0 and
closes with "}" alone at column 0; its signature is the lines above the "{" back to
the previous blank line, comment or "}". A function is long when it spans more than
LIMIT lines from its signature to its closing brace; a long function must have, in
the comment right above its signature, the words "Longer than 150 lines" and a
reason after them. Prints every long function without one as FILE:LINE: NAME (N
lines) and exits 1; with --list, prints every long function and its state;
--except=PATH leaves out a file whose path ends with PATH.
"""
import os
import re
import sys

LIMIT = 150
MARK = re.compile(r"Longer than 150 lines\s*[:,(-]\s*\S")


def functions(path):
    """(name, first line, last line, comment above) of every function in path."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i] != "{":
            i += 1
            continue
        # the signature: up from the brace to a blank line, a comment end or a "}"
        s = i - 1
        while s > 0 and lines[s - 1].strip() and not lines[s - 1].rstrip().endswith(("*/", "}", ";")) \
                and not lines[s - 1].startswith("#"):
            s -= 1
        sig = " ".join(l.strip() for l in lines[s:i])
        m = re.search(r"([A-Za-z_][A-Za-z_0-9]*)\s*\(", sig)
        name = m.group(1) if m else "?"
        # the comment right above the signature (a block or // lines)
        c = s - 1
        comment = []
        if c >= 0 and lines[c].rstrip().endswith("*/"):
            while c >= 0:
                comment.insert(0, lines[c])
                if "/*" in lines[c]:
                    break
                c -= 1
        else:
            while c >= 0 and lines[c].lstrip().startswith("//"):
                comment.insert(0, lines[c])
                c -= 1
        e = i + 1
        while e < len(lines) and lines[e] != "}" and not lines[e].startswith("};"):
            e += 1
        if e < len(lines) and lines[e] == "}" and "(" in sig and "=" not in sig.split("(")[0]:
            text = " ".join(re.sub(r"^(/\*+|\*+/?|//)\s*", "", x.strip()) for x in comment)
            out.append((name, s + 1, e + 1, text))
        i = e + 1
    return out


def main(argv):
    listing = "--list" in argv
    skip = {a.split("=", 1)[1] for a in argv if a.startswith("--except=")}
    roots = [a for a in argv if not a.startswith("--")] or ["src/audit", "src/report", "src/cli"]
    bad = 0
    for root in roots:
        paths = [root] if root.endswith(".c") else sorted(
            os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".c"))
        for p in paths:
            if any(p.endswith(x) for x in skip):
                continue
            for name, first, last, comment in functions(p):
                n = last - first + 1
                if n <= LIMIT:
                    continue
                ok = bool(MARK.search(comment))
                if listing or not ok:
                    print(f"{p}:{first}: {name} ({n} lines){'' if ok else ': no comment says why'}")
                bad += not ok
    if bad:
        print(f"{bad} function(s) over {LIMIT} lines without a comment saying why "
              f"(\"Longer than 150 lines: <reason>\" above the function), or split them",
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
