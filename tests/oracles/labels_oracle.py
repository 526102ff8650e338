#!/usr/bin/python3
"""Oracle for the declared label normalisation (src/core/labels.c): writes
tests/data/labels/normalize_cases.tsv, one case per line, `steps<TAB>input<TAB>expected`
(input and expected as hex of their UTF-8 bytes), computed with Python's unicodedata and
str.casefold, and decimal.Decimal for the numeric form - no iaf code.

The steps, in the order the engine runs them whatever the order declared (docs/spec.md):
  nfc / nfkc     unicodedata.normalize('NFC' / 'NFKC')
  casefold       full case folding (str.casefold); with a normal form, the form is applied
                 after folding the decomposed text: NF?(NF?D(s).casefold())
  trim           strip Unicode White_Space at both ends
  numeric        an exact decimal number (sign, digits, optional point and digits) is
                 written as Decimal(s).normalize() in fixed notation, -0 as 0

Usage: /usr/bin/python3 tests/oracles/labels_oracle.py [OUT]
"""
import os
import re
import sys
import unicodedata
from decimal import Decimal

WHITE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + \
    "\u2028\u2029\u202f\u205f\u3000"
NUM = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)")


def normalize(s, steps):
    if "casefold" in steps:
        form = "NFKC" if "nfkc" in steps else "NFC" if "nfc" in steps else None
        if form:
            s = unicodedata.normalize(form, unicodedata.normalize(form[:-1] + "D", s).casefold())
        else:
            s = s.casefold()
    elif "nfkc" in steps:
        s = unicodedata.normalize("NFKC", s)
    elif "nfc" in steps:
        s = unicodedata.normalize("NFC", s)
    if "trim" in steps:
        s = s.strip(WHITE)
    if "numeric" in steps and NUM.fullmatch(s):
        t = format(Decimal(s).normalize(), "f")
        s = "0" if t in ("-0", "0") else t
    return s


INPUTS = [
    "한국", unicodedata.normalize("NFD", "한국"),             # Hangul NFC vs NFD (conjoining jamo)
    "서울특별시", unicodedata.normalize("NFD", "서울특별시"),
    "Café", unicodedata.normalize("NFD", "Café"),              # Latin: é vs e + U+0301
    "São Paulo", unicodedata.normalize("NFD", "São Paulo"),
    "１２３", "１．５", "ＡＢＣ", "ｶﾀｶﾅ", "㈜삼성", "ﬁle", "㎏", "①",  # NFKC territory
    "Straße", "STRASSE", "ΣΊΣΥΦΟΣ", "İstanbul", "ǅemal", "ᾼ",   # case folding
    "Male", "MALE", "male", "  male  ", "\u3000여자\u3000", "\xa0N\xa0", "\tY ",
    "1", "1.0", "01", "+1", "1.", ".5", "-0", "-0.00", "1.50", "100", "0100.0100", "-.5",
    "1e3", "1,000", "0x10", "", " ", "-", ".", "NaN", "inf", " 2.0 ", "２.０", "1.0a",
]
STEPS = [["nfc"], ["nfkc"], ["casefold"], ["nfc", "casefold"], ["nfkc", "casefold"], ["trim"],
         ["numeric"], ["trim", "numeric"], ["nfkc", "trim", "numeric"],
         ["nfkc", "casefold", "trim", "numeric"]]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "data", "labels",
                                                             "normalize_cases.tsv")
    with open(out, "w", encoding="ascii") as f:
        f.write("# steps<TAB>input hex<TAB>expected hex; written by tests/oracles/labels_oracle.py "
                f"(Python {sys.version.split()[0]}, Unicode {unicodedata.unidata_version})\n")
        for steps in STEPS:
            for s in INPUTS:
                f.write(",".join(steps) + "\t" + s.encode().hex() + "\t" +
                        normalize(s, steps).encode().hex() + "\n")


if __name__ == "__main__":
    main()
