#!/bin/bash
# The first screen is the answer: report.md, report.html and the CLI headline open with
# the same sentences, one per joint or flattening check and one per group of marginal
# and rule checks. An independent reading of report.json (Python) predicts each
# sentence's verdict phrase, key number with interval (as percentages), threshold and
# support; an INCONCLUSIVE check "cannot be decided", never more. The headline keeps to
# 100 columns, counts INCONCLUSIVE in every tally and never nests parentheses.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$work/case"
cp -R "$IAF_SRC/tests/golden/html_audit_small/." "$work/case/"
cd "$work/case"
"$IAF" audit audit.yaml -o out --bootstrap 200 > headline.txt

"$PYTHON" - out/report.json headline.txt out/report.md out/report.html <<'PY'
import html, json, re, sys
rep = json.load(open(sys.argv[1], encoding="utf-8"))
head = open(sys.argv[2], encoding="utf-8").read()
md = open(sys.argv[3], encoding="utf-8").read()
page = open(sys.argv[4], encoding="utf-8").read()
checks = {c["id"]: c for c in rep["checks"]}

def pct(v, d=None):
    a = abs(v)
    if d is None:
        d = 0 if a >= 0.0995 else 1 if a >= 0.00995 else 2
    s = "%.*f" % (d, 100 * v)
    if s.startswith("-") and float(s) == 0:
        s = s[1:]
    return s + "%", d

def ci(est, lo, hi):
    e, d = pct(max(abs(est), abs(lo), abs(hi)))
    e = pct(est, d)[0]
    return "%s [%s, %s]" % (e, pct(lo, d)[0], pct(hi, d)[0])

# the sentences the headline prints (wrapped) under "The answer"
lines = head.splitlines()
assert lines[0] == "The answer", lines[0]
sent, cur = [], None
for l in lines[1:]:
    if not l.strip():
        break
    if l.startswith("- "):
        cur = l[2:]
        sent.append(cur)
    else:
        sent[-1] += " " + l.strip()
assert max(len(l) for l in lines) <= 100, "a headline line is wider than 100 columns"
for bad in ("what the dataset card claims", "((", "))", ") ("):
    assert bad not in head, bad

expected = []
for h in rep["headline"]:
    c = checks[h["check"]]
    v0 = c["variants"][0]
    if c["kind"] not in ("joint", "flattening"):
        continue
    v, diag = c["verdict"], c["diagnosis"]
    start = (c["title"] + ", " if c["title"] else "") + h["attributes"] + " vs " + h["reference"] + ": "
    if c["kind"] == "joint":
        m = v0["metrics"]
        r = m["intervals"]["retention"]
        t = m["intervals"]["cond_tvd_y_given_x"]
        ax, ay = [a["name"] for a in c["attributes"]]
        num = ("the data keep %s of the dependence in the reference, and the distribution of %s given %s is off by %s of its mass"
               % (ci(r["estimate"], r["lo"], r["hi"]), ay, ax, ci(h["key_estimate"], h["key_lo"], h["key_hi"])))
        thr = " (threshold %s)" % pct(c["thresholds"]["cond_tvd_y_given_x"])[0]
    else:
        f = v0["flattening"]
        sr, si = f["segregation_retention"], f["segregation_retention_interval"]
        fi = f["flattening_pooled_interval"]
        num = ("the data keep %s of the segregation of %s across %s in the reference; dominated groups moved %s of the way to parity"
               % (ci(sr, si["lo"], si["hi"]), c["attributes"][0]["name"], c["attributes"][1]["name"],
                  ci(f["flattening_pooled"], fi["lo"], fi["hi"])))
        thr = " (threshold %s)" % pct(c["thresholds"]["flattening_pooled"])[0]
    if v in ("PASS", "FLAG"):
        verdict = v + (" (%s)" % diag if diag else "")
    else:
        verdict = v + ", cannot be decided from these data" + (" (%s)" % diag.split(" (")[0].split(":")[0] if diag else "")
    expected.append((h["check"], start, num + thr, verdict))

assert len(sent) == len(expected) + 2, (len(sent), len(expected))  # + marginal and rule groups
for s, (cid, start, num, verdict) in zip(sent, expected):
    assert s.startswith(start + num), (s, start + num)
    assert (": " + verdict) in s, (s, verdict)
    if "INCONCLUSIVE" in s:
        assert "cannot be decided" in s
# the groups: every tally counts INCONCLUSIVE
for kind, s in (("marginal", sent[-2]), ("rule", sent[-1])):
    hs = [h for h in rep["headline"] if h["kind"] == kind]
    n = {k: sum(h["verdict"] == k for h in hs) for k in ("PASS", "FLAG", "INCONCLUSIVE")}
    want = "%s checks: %d of %d PASS, %d FLAG, %d INCONCLUSIVE" % (kind.capitalize(), n["PASS"], len(hs), n["FLAG"], n["INCONCLUSIVE"])
    assert s.startswith(want), (s, want)
    for h in hs:
        if h["verdict"] != "PASS":
            assert h["check"] + " " + h["verdict"] in s, (h["check"], s)
for kind in ("Marginal", "Joint", "Flattening", "Rule"):
    assert re.search("^%s checks: \\d+ of \\d+ PASS, \\d+ FLAG, \\d+ INCONCLUSIVE$" % kind, head, re.M), kind

# the same sentences open report.md (escaped for Markdown) and report.html
md_items = re.findall(r"^- (.*)$", md.split("### The answer", 1)[1].split("\n\n", 2)[1], re.M)
assert len(md_items) == len(sent), (len(md_items), len(sent))
for s, m in zip(sent, md_items):
    plain = re.sub(r"\\(.)", r"\1", m)
    assert plain.startswith(s), (plain, s)
assert md.index("### The answer") < md.index("| check | kind |"), "the answer must come before the table"
li = re.findall(r'<li class="answer"[^>]*>(.*?)</li>', page, re.S)
assert len(li) == len(sent)
for s, l in zip(sent, li):
    text = html.unescape(re.sub(r"<[^>]+>", "", l))
    assert s in text, (s, text)
assert page.index('id="answer"') < page.index('id="headline"')
print("answers ok: %d sentences" % len(sent))
PY
