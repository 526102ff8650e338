#!/usr/bin/python3
"""Independent oracle for the expression language (docs/expressions.md).

Generates random expression trees, renders each with randomly chosen surface syntax
(synonyms, upper-case keywords, spacing, redundant parentheses, both quote styles) and
evaluates the TREE directly in Python on random value tuples. The C test
(tests/unit/test_expr.c) parses the rendered text and must reproduce every result. Nothing
here reads the C code's output.

Regenerate:  /usr/bin/python3 tests/data/expr/gen_cases.py > tests/data/expr/cases.jsonl
"""
import json
import math
import random

rng = random.Random(20260611)

VARS = ["age", "sex", "성별", "군 계급", "rank.code", "x_1"]
VALUES = ["3", "3.0", " 3 ", "-2.5", "25", "39", "40", "1e2", "100", "abc", "남자", "여자",
          "현역", "", "true", "false", "a\"b", "x\\y", "0", "-0", None]
STR_LITS = ["3", "3.0", "abc", "남자", "여자", "현역", "", "true", "a\"b", "x\\y", "100", "0"]
NUM_LITS = [("3", 3.0), ("3.0", 3.0), ("3e0", 3.0), ("+3", 3.0), ("-2.5", -2.5), (".5", 0.5),
            ("25", 25.0), ("39", 39.0), ("1e2", 100.0), ("100", 100.0), ("0", 0.0),
            ("-0", 0.0), ("1E+2", 100.0)]


def as_num(v):
    """The semantics of iaf_parse_double: trimmed, [0-9.+-eE] only, whole text, finite."""
    if v is None:
        return None
    t = v.strip(" \t")
    if not t or len(t) > 64 or any(c not in "0123456789.+-eE" for c in t):
        return None
    try:
        x = float(t)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def compare(op, a, b):
    if a is None or b is None:
        return op == "!="
    na, nb = as_num(a), as_num(b)
    if na is not None and nb is not None:
        return {"==": na == nb, "!=": na != nb, "<": na < nb, "<=": na <= nb,
                ">": na > nb, ">=": na >= nb}[op]
    if op == "==":
        return a.encode() == b.encode()
    if op == "!=":
        return a.encode() != b.encode()
    return False


def quote_str(s):
    q = rng.choice(['"', "'"])
    out = s.replace("\\", "\\\\").replace(q, "\\" + q)
    return q + out + q


def render_name(n):
    if " " in n or rng.random() < 0.15:
        return "`" + n.replace("\\", "\\\\").replace("`", "\\`") + "`"
    return n


def kw(word):
    return word.upper() if rng.random() < 0.2 else word


# A literal is (text for rendering, semantic text value).
def gen_literal():
    r = rng.random()
    if r < 0.45:
        s = rng.choice(STR_LITS)
        return quote_str(s), s
    if r < 0.9:
        txt, _ = rng.choice(NUM_LITS)
        return txt, txt
    b = rng.choice(["true", "false"])
    return kw(b), b


def gen_operand():
    if rng.random() < 0.75:
        v = rng.choice(VARS)
        return ("var", v), render_name(v)
    txt, val = gen_literal()
    return ("lit", val), txt


def gen_pred():
    r = rng.random()
    if r < 0.45:
        a, ta = gen_operand()
        if a[0] == "lit":
            v = rng.choice(VARS)
            b, tb = ("var", v), render_name(v)
        else:
            b, tb = gen_operand()
        op = rng.choice(["==", "=", "!=", "<", "<=", ">", ">="])
        sop = "==" if op == "=" else op
        sp = rng.choice([" ", "", "  "])
        return ("cmp", sop, a, b), f"{ta}{sp}{op}{sp}{tb}"
    v = rng.choice(VARS)
    name = render_name(v)
    if r < 0.65:
        items = [gen_literal() for _ in range(rng.randint(1, 4))]
        neg = rng.random() < 0.3
        txt = f"{name} {kw('not') + ' ' if neg else ''}{kw('in')} (" + \
            ", ".join(t for t, _ in items) + (",)" if rng.random() < 0.1 else ")")
        return ("in", v, [val for _, val in items], neg), txt
    if r < 0.85:
        (lt, lo), (ht, hi) = sorted(rng.sample(NUM_LITS, 2), key=lambda p: p[1])
        neg = rng.random() < 0.3
        if rng.random() < 0.5:
            txt = f"{name} {kw('not') + ' ' if neg else ''}{kw('in')} {lt}..{ht}"
        else:
            txt = f"{name} {kw('not') + ' ' if neg else ''}{kw('between')} {lt} {kw('and')} {ht}"
        return ("range", v, lo, hi, neg), txt
    neg = rng.random() < 0.5
    word = rng.choice(["missing", "missing", "null"])
    txt = f"{name} {kw('is')} {kw('not') + ' ' if neg else ''}{kw(word)}"
    return ("missing", v, neg), txt


def gen_bool(depth):
    r = rng.random()
    if depth <= 0 or r < 0.35:
        if rng.random() < 0.05:
            b = rng.choice(["true", "false"])
            return ("const", b == "true"), kw(b)
        return gen_pred()
    if r < 0.5:
        c, t = gen_bool(depth - 1)
        word = rng.choice(["not ", "!", "NOT "])
        # the operand of not is a unary: wrap anything wider
        if c[0] in ("and", "or"):
            t = "(" + t + ")"
        return ("not", c), word + t
    op = "and" if r < 0.78 else "or"
    kids = [gen_bool(depth - 1) for _ in range(rng.randint(2, 3))]
    parts = []
    for c, t in kids:
        if (op == "and" and c[0] == "or") or rng.random() < 0.15:
            t = "(" + t + ")"
        parts.append(t)
    sep = {"and": [" and ", " && ", " AND ", "&&"], "or": [" or ", " || ", " OR ", "||"]}[op]
    txt = parts[0]
    for t in parts[1:]:
        txt += rng.choice(sep) + t
    return (op, [c for c, _ in kids]), txt


def gen_top():
    n = 1 if rng.random() < 0.7 else rng.randint(2, 3)
    parts = [gen_bool(3) for _ in range(n)]
    tree = parts[-1][0]
    for c, _ in reversed(parts[:-1]):
        tree = ("implies", c, tree)
    return tree, " => ".join(t for _, t in parts)


def value(o, env):
    return env[o[1]] if o[0] == "var" else o[1]


def ev(t, env):
    k = t[0]
    if k == "const":
        return t[1]
    if k == "cmp":
        return compare(t[1], value(t[2], env), value(t[3], env))
    if k == "in":
        x = env[t[1]]
        hit = x is not None and any(compare("==", x, lit) for lit in t[2])
        return (not hit) if t[3] else hit
    if k == "range":
        x = as_num(env[t[1]])
        hit = x is not None and t[2] <= x <= t[3]
        return (not hit) if t[4] else hit
    if k == "missing":
        miss = env[t[1]] is None
        return (not miss) if t[2] else miss
    if k == "not":
        return not ev(t[1], env)
    if k == "and":
        return all(ev(c, env) for c in t[1])
    if k == "or":
        return any(ev(c, env) for c in t[1])
    if k == "implies":
        return (not ev(t[1], env)) or ev(t[2], env)
    raise ValueError(k)


def main():
    # first line: the variable order of every env array below
    print(json.dumps({"vars": VARS}, ensure_ascii=False))
    for _ in range(300):
        tree, text = gen_top()
        envs = [{v: rng.choice(VALUES) for v in VARS} for _ in range(16)]
        print(json.dumps({"expr": text, "implication": tree[0] == "implies",
                          "envs": [[e[v] for v in VARS] for e in envs],
                          "expect": "".join(str(int(ev(tree, e))) for e in envs)},
                         ensure_ascii=False))


main()
