#!/usr/bin/python3
"""Independent oracle for `iaf crosswalk build` on the real NPK occupation list.

It re-derives, with the standard library only (csv, re, unicodedata), what the builder
must produce from the same inputs, and checks the committed crosswalks under
examples/npk/crosswalks/ row by row, plus the numbers the CLI test asserts:

  * labels matched exactly, after normalisation, by rule; excluded; unmatched;
  * the mapped share of employed personas: excluding 무직 only (the job seekers stay in the
    denominator, unmapped) and excluding 무직 and the job seekers (the employed universe);
  * the top-20 cut: the employed mass of the 19 titles in the pair tables.

Normalisation (docs/crosswalks.md): middle-dot variants -> U+00B7, NFKC, runs of ASCII
whitespace -> one space and trimmed, ASCII lower case. Matching: exact titles first, then
normalised ones, at the roll-up level or finer; of the codes found, the most specific are
kept (a unit and its only detailed code share titles); codes roll up by prefix. Rules
(regex rows, whole label) apply to labels no title matched; a rule's `to` is a code or a
title (with a compose file, at any level). A compose file is looked up with the rolled-up
code, then its ancestors.

Usage: /usr/bin/python3 tests/oracles/xwalk_npk.py REPO_ROOT [BUILT_DIR] [--numbers OUT]
Prints the numbers as `key=value` lines and exits non-zero on any disagreement.
"""
import csv
import re
import sys
import unicodedata

DOTS = "\u00b7\u0387\u2027\u2219\u22c5\u318d\u30fb\uff65"
LEVEL_LEN = {"major": 1, "sub_major": 2, "minor": 3, "unit": 4, "detailed": 5}
JOBSEEK = re.compile(r"전직 .+, 현재 구직중")


def norm(s):
    for d in DOTS:
        s = s.replace(d, "\u00b7")
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"[ \t\n\v\f\r]+", " ", s).strip(" ")
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def read_rows(path):
    """CSV rows as dicts, '#' comment lines skipped."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    return list(csv.DictReader(lines))


class Ksco:
    def __init__(self, path):
        self.rows = read_rows(path)
        self.by_code = {}
        self.exact = {}
        self.normed = {}
        for r in self.rows:
            code, lvl = r["ksco7_code"], r["level"]
            assert len(code) == LEVEL_LEN[lvl], (code, lvl)
            self.by_code.setdefault(code, r)
            self.exact.setdefault(r["title_ko"], []).append(code)
            self.normed.setdefault(norm(r["title_ko"]), []).append(code)

    @staticmethod
    def specific(codes):
        codes = list(dict.fromkeys(codes))
        return [c for c in codes if not any(d != c and d.startswith(c) for d in codes)]

    def titles(self, index, key, minlen):
        return self.specific([c for c in index.get(key, []) if len(c) >= minlen])


def load_rules(path):
    rules = []
    for r in read_rows(path):
        assert r["match"] == "regex"
        rules.append((re.compile(r["from"]), r["to"]))
    return rules


def load_compose(path):
    comp = {}
    for r in read_rows(path):
        comp.setdefault(r["from"], []).append((r["to"], float(r["weight"] or 1)))
    return comp


def build(labels, ksco, level, rules, compose=None, excl_jobseek=True):
    """label -> (how, {to: weight} or None for dropped/excluded/unmatched, codes)"""
    n = LEVEL_LEN[level]
    out = {}
    for lab in labels:
        if lab == "무직" or (excl_jobseek and JOBSEEK.fullmatch(lab)):
            out[lab] = ("excluded", None, [])
            continue
        how, codes = None, ksco.titles(ksco.exact, lab, n)
        if codes:
            how = "exact"
        else:
            codes = ksco.titles(ksco.normed, norm(lab), n)
            if codes:
                how = "normalized"
        targets = {}
        if how:
            for c in codes:
                targets[c[:n]] = targets.get(c[:n], 0) + 1 / len(codes)
        else:
            for pat, to in rules:
                m = pat.fullmatch(lab)
                if not m:
                    continue
                how = "rule"
                if to == "":
                    targets = None
                    break
                to = re.sub(r"\\(\d)", lambda g: m.group(int(g.group(1))), to)
                minlen = 1 if compose else n
                if to in ksco.by_code:
                    codes = [to]
                else:
                    codes = ksco.titles(ksco.exact, to, minlen) or ksco.titles(
                        ksco.normed, norm(to), minlen)
                assert codes, (lab, to)
                for c in codes:
                    k = c[:n] if len(c) >= n else c
                    targets[k] = targets.get(k, 0) + 1 / len(codes)
                break
        if not how:
            out[lab] = ("unmatched", None, [])
            continue
        if targets is not None and compose is not None:
            composed = {}
            for code, w in targets.items():
                for ln in range(len(code), 0, -1):
                    if code[:ln] in compose:
                        for to, w2 in compose[code[:ln]]:
                            composed[to] = composed.get(to, 0) + w * w2
                        break
                else:
                    raise AssertionError("no compose row for " + code)
            targets = composed
        out[lab] = (how, targets, codes)
    return out


def counts(res, mass):
    c = {"exact": 0, "normalized": 0, "rule": 0, "excluded": 0, "unmatched": 0, "dropped": 0}
    m = dict.fromkeys(c, 0)
    mapped = 0
    for lab, (how, t, _) in res.items():
        c[how] += 1
        m[how] += mass[lab]
        if how in ("exact", "normalized", "rule"):
            if t is None:
                c["dropped"] += 1
                m["dropped"] += mass[lab]
            else:
                mapped += mass[lab]
    return c, m, mapped


def check_file(path, res, problems):
    """The committed crosswalk must hold exactly the oracle's rows."""
    got = {}
    for r in read_rows(path):
        got.setdefault(r["from"], {})
        if r["to"]:
            got[r["from"]][r["to"]] = float(r["weight"])
    for lab, (how, t, _) in res.items():
        if how == "unmatched":
            if lab in got:
                problems.append("%s: %s should be unmatched" % (path, lab))
            continue
        want = t or {}
        have = got.get(lab)
        if have is None:
            problems.append("%s: no row for %s" % (path, lab))
        elif set(have) != set(want) or any(abs(have[k] - want[k]) > 1e-12 for k in want):
            problems.append("%s: %s -> %s, oracle %s" % (path, lab, have, want))
    extra = set(got) - set(res)
    if extra:
        problems.append("%s: rows for labels not in the values: %s" % (path, sorted(extra)[:5]))


def main():
    root = sys.argv[1]
    built = sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else (
        root + "/examples/npk/crosswalks")
    npk = root + "/examples/npk"
    cw = npk + "/crosswalks"
    occ = {r["occupation"]: int(r["count"]) for r in read_rows(npk + "/data/npk/marginals/occupation.csv")}
    ksco = Ksco(npk + "/data/reference/original/ksco7_classification.csv")
    rules_a = load_rules(cw + "/rules_military_A.csv")
    rules_b = load_rules(cw + "/rules_military_B.csv")
    problems = []
    nums = {}

    res_a = build(occ, ksco, "major", rules_a)
    res_b = build(occ, ksco, "major", rules_b)
    check_file(built + "/npk_occupation_to_ksco7_major_A.csv", res_a, problems)
    check_file(built + "/npk_occupation_to_ksco7_major_B.csv", res_b, problems)
    check_file(built + "/npk_occupation_to_ksco7_submajor_A.csv",
               build(occ, ksco, "sub_major", rules_a), problems)
    for v, lvl in (("A", "sub_major"), ("B", "unit")):
        comp = load_compose(cw + "/ksco7_to_keco2018_%s.csv" % v)
        check_file(built + "/npk_occupation_to_keco2018_%s.csv" % v,
                   build(occ, ksco, lvl, rules_a, comp), problems)

    # hand-written crosswalks: complete over their `from` values, weights summing to 1,
    # every `to` spelled as in the GOMS files
    goms = npk + "/data/reference/original/"
    keco = {r["occupation_keco2018_major"] for r in read_rows(goms + "goms_occupation_keco2018_by_field.csv")}
    fields = {r["major_field_7"] for r in read_rows(goms + "goms_occupation_keco2018_by_field.csv")}
    bf = {r["bachelors_field"] for r in read_rows(npk + "/data/npk/marginals/bachelors_field.csv")}
    subs = {r["ksco7_code"] for r in ksco.rows if r["level"] == "sub_major"}
    for path, froms, tos in [(cw + "/npk_bachelors_field_to_goms_field_%s.csv" % v, bf, fields - {"전체"})
                             for v in "ABC"] + [(cw + "/ksco7_to_keco2018_%s.csv" % v, subs, keco - {"전체"})
                                                for v in "AB"]:
        sums = {}
        for r in read_rows(path):
            if r["to"]:
                if r["to"] not in tos:
                    problems.append("%s: target %r is not a GOMS category" % (path, r["to"]))
                sums[r["from"]] = sums.get(r["from"], 0) + float(r["weight"] or 1)
            else:
                sums[r["from"]] = 1.0
        if not froms <= set(sums):
            problems.append("%s: no rows for %s" % (path, sorted(froms - set(sums))))
        bad = {k: v for k, v in sums.items() if abs(v - 1) > 1e-9}
        if bad:
            problems.append("%s: weights not summing to 1: %s" % (path, bad))
    nums["goms_fields"] = len(fields - {"전체"})
    nums["keco2018_groups"] = len(keco - {"전체"})

    total = sum(occ.values())
    c, m, mapped = counts(res_a, occ)
    for k in c:
        nums["labels_" + k] = c[k]
        nums["mass_" + k] = m[k]
    nums["labels"] = len(occ)
    nums["mass_mapped_A"] = mapped
    employed = total - m["excluded"]
    nums["employed"] = employed
    nums["employed_share_A"] = "%.4f" % (100 * mapped / employed)
    _, _, mapped_b = counts(res_b, occ)
    nums["employed_share_B"] = "%.4f" % (100 * mapped_b / employed)
    # "excluding 무직" only: the job seekers stay in the denominator and match nothing
    for v, rules in (("titles", []), ("A", rules_a)):
        r = build(occ, ksco, "major", rules, excl_jobseek=False)
        cc, mm, mp = counts(r, occ)
        nums["not_nojob_share_%s" % v] = "%.4f" % (100 * mp / (total - mm["excluded"]))
        nums["not_nojob_unmatched_%s" % v] = cc["unmatched"]
    # the top-20 cut of the pair tables
    top = {}
    for r in read_rows(npk + "/data/npk/long/sex__occupation.csv"):
        top[r["occupation"]] = top.get(r["occupation"], 0) + int(r["count"])
    listed = [k for k in top if k not in ("기타", "무직")]
    nums["top20_titles"] = len(listed)
    nums["top20_employed_mass"] = sum(top[k] for k in listed)
    nums["top20_employed_share"] = "%.4f" % (100 * nums["top20_employed_mass"] / employed)
    nums["top20_other_mass"] = top["기타"]

    for k, v in nums.items():
        print("%s=%s" % (k, v))
    for p in problems[:20]:
        print("PROBLEM:", p)
    if problems:
        print("%d problems" % len(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
