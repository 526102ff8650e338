#!/usr/bin/python3
"""Oracle for iaf_xwb_normalize (src/core/xwnorm.c): writes
tests/data/xwbuild/normalize_cases.tsv, one case per line, `input<TAB>expected`, both as
hex of their UTF-8 bytes, computed with Python's unicodedata.normalize('NFKC') and the
documented extra steps (docs/crosswalks.md):

  1. the middle-dot variants U+00B7 U+0387 U+2027 U+2219 U+22C5 U+318D U+30FB U+FF65 -> U+00B7
  2. NFKC
  3. runs of ASCII whitespace (space, TAB, LF, VT, FF, CR) -> one space; trim both ends
  4. ASCII A-Z -> a-z (nothing else is case-folded)

The C side uses utf8proc's NFKC; the cases use the characters Korean text meets plus
ASCII, precomposed Hangul syllables and conjoining jamo (which NFKC composes). Usage: /usr/bin/python3 tests/oracles/xwalk_nfkc.py [OUT]
"""
import random
import re
import sys
import unicodedata

DOTS = "\u00b7\u0387\u2027\u2219\u22c5\u318d\u30fb\uff65"


def normalize(s):
    for d in DOTS:
        s = s.replace(d, "\u00b7")
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"[ \t\n\v\f\r]+", " ", s).strip(" ")
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def supported():
    """Every code point the C table claims to map (docs/crosswalks.md, 'normalized')."""
    cps = [0x00A0, 0x202F, 0x205F, 0x3000]
    cps += range(0x2000, 0x200B)
    cps += range(0xFF01, 0xFF65)
    cps += [c for c in range(0xFFA0, 0xFFDD) if unicodedata.name(chr(c), "")]
    cps += [c for c in range(0xFFE0, 0xFFEF) if c != 0xFFE7]
    cps += range(0x3131, 0x318F)
    cps += range(0x3200, 0x321F)
    cps += range(0x3260, 0x327F)
    cps += [ord(d) for d in DOTS]
    return sorted(set(cps))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/xwbuild/normalize_cases.tsv"
    cases = []
    sup = supported()
    # each supported character alone and between letters
    for c in sup:
        cases.append(chr(c))
        cases.append("X" + chr(c) + "y")
    # compatibility consonant + vowel (+ final) compose into syllables
    cons = [chr(c) for c in range(0x3131, 0x314F)]
    vows = [chr(c) for c in range(0x314F, 0x3164)]
    for a in cons:
        for b in vows:
            cases.append(a + b)
    cases += ["\u3131\u314f\u3131", "\u3147\u3153\u3142\u3145", "\uac00\u11a8", "\u1100\u1161\u11a8",
              "\uffa1\uffc2", "\u1100\u314f", "\uac01\u11a8", "\u110b\u1161\u1161"]
    # whitespace and case
    cases += ["", " ", "\t\n", "  a  b  ", "A\u3000\u3000B", "\u00a0lead", "trail\u2003",
              "\uff21\uff22\uff23 abc ABC", "농약\u00b7비료", "농약\u2219비료", "농약\u2027비료",
              "농약\u318d비료", "농약\u30fb비료", "농약\uff65비료", "경 \u00b7 소형", "\u321c 한국",
              "\uff08\uc8fc\uff09", "\u327c", "\u3260\u326e"]
    # random mixtures of the supported set, ASCII, syllables and conjoining jamo
    rng = random.Random(20260614)
    alphabet = [chr(c) for c in sup]
    alphabet += [chr(c) for c in range(0x20, 0x7F)] * 2
    alphabet += ["\t", "\n", "\r", "\v", "\f"]
    alphabet += [chr(rng.randrange(0xAC00, 0xD7A4)) for _ in range(300)]
    alphabet += [chr(c) for c in range(0x1100, 0x1113)]
    alphabet += [chr(c) for c in range(0x1161, 0x1176)]
    alphabet += [chr(c) for c in range(0x11A8, 0x11C3)]
    for _ in range(1500):
        n = rng.randrange(1, 12)
        cases.append("".join(rng.choice(alphabet) for _ in range(n)))
    with open(out, "w", encoding="ascii", newline="\n") as f:
        f.write("# input<TAB>expected, hex of UTF-8; made by tests/oracles/xwalk_nfkc.py\n")
        for s in cases:
            f.write("%s\t%s\n" % (s.encode("utf-8").hex(), normalize(s).encode("utf-8").hex()))
    print("%d cases -> %s" % (len(cases), out))


if __name__ == "__main__":
    main()
