#!/usr/bin/env bash
# Claims (`claims:` in a spec, src/audit/claims.c): on the planted rules fixture, each claim's
# answer in the CLI headline, report.json and report.md equals the answer an independent
# Python reading of the rules (docs/spec.md, "Claims") gives from the fixture's expected
# verdicts (tests/data/planted/rules_expected.csv); broken claims are spec errors with a line.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$IAF_SRC/tests/data/planted/rules_fixture.csv" "$tmp/"
head_spec() {
    cat <<'YAML'
iaf: 1
name: claims on the planted rules fixture
dataset: {title: planted rules fixture, microdata: [rules_fixture.csv], format: csv, missing: [NA]}
checks:
  - id: R1_enlisted_male_young
    kind: rule
    rule: 'military_status == "현역" and rank == "병" => sex == "남자" and age <= 30'
    citation: illustrative
  - id: R6_enlisted_tolerant
    kind: rule
    rule: 'military_status == "현역" and rank == "병" => sex == "남자" and age <= 30'
    citation: illustrative
    tolerance: 0.6
  - id: E1_active_share_young_men
    kind: rule
    expect: {share: 'military_status == "현역"', given: 'sex == "남자" and age in 19..24', interval: [0.10, 0.30]}
    citation: illustrative
YAML
}
{
    head_spec
    cat <<'YAML'
claims:
  - {id: c_flag, claim: R1 is violated, checks: [R1_enlisted_male_young], expect: flag}
  - {id: c_all_pass, claim: both pass, checks: [R1_enlisted_male_young, R6_enlisted_tolerant], expect: pass}
  - {id: c_any_pass, claim: one passes, checks: [R1_enlisted_male_young, R6_enlisted_tolerant], expect: pass, require: any}
  - {id: c_undecided, claim: E1 is off, checks: [E1_active_share_young_men], expect: flag}
  - {id: c_diagnosis, claim: R1 flattened, checks: [R1_enlisted_male_young], expect: flag, diagnosis: flattened}
  - {id: c_age, claim: age-robust, checks: [R1_enlisted_male_young], expect: age-robust, source: a paper}
YAML
} > "$tmp/spec.yaml"
"$IAF" audit "$tmp/spec.yaml" -o "$tmp/out" > "$tmp/headline.txt"
grep -q '^Claims (one answer each' "$tmp/headline.txt"
"$IAF" report "$tmp/out/report.json" --format md -o "$tmp/again.md"
"$PYTHON" - "$tmp/out/report.json" "$tmp/headline.txt" "$tmp/out/report.md" "$tmp/again.md" \
    "$IAF_SRC/tests/data/planted/rules_expected.csv" "$IAF_SRC/tests/data/planted/expectation_expected.csv" <<'PY'
import csv, json, sys
rep = json.load(open(sys.argv[1]))
head = open(sys.argv[2], encoding="utf-8").read()
md, again = open(sys.argv[3], encoding="utf-8").read(), open(sys.argv[4], encoding="utf-8").read()
assert md == again, "report.md must re-render byte for byte from report.json"
verdict = {r["rule"]: r["verdict"] for r in csv.DictReader(open(sys.argv[5], encoding="utf-8"))}
# E1: 4 of 17, Wilson 95% interval straddles [0.10, 0.30] -> INCONCLUSIVE (recomputed here)
e = next(csv.DictReader(open(sys.argv[6], encoding="utf-8")))
k, n, z = int(e["numerator"]), int(e["denominator"]), 1.959963984540054
p = k / n
mid, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
lo, hi = mid - half, mid + half
assert lo < float(e["expected_lo"]) < hi or lo < float(e["expected_hi"]) < hi
verdict["E1_active_share_young_men"] = "INCONCLUSIVE"
for c in rep["checks"]:
    assert c["verdict"] == verdict[c["id"]], (c["id"], c["verdict"])

def outcome(cl):
    """The rules of docs/spec.md, read independently of src/audit/claims.c."""
    per = []
    for cid in cl["checks"]:
        v = verdict[cid]
        if cl["expect"] in ("flag", "pass"):
            want = cl["expect"].upper()
            if v not in ("PASS", "FLAG"):
                per.append("u")
            elif v != want:
                per.append("x")
            else:
                diag = next(c["diagnosis"] for c in rep["checks"] if c["id"] == cid)
                per.append("x" if cl.get("diagnosis") and cl["diagnosis"] != diag else "c")
        else:  # mapping-dependent / age-robust: these rule checks have one mapping, no age
            per.append("u")
    if cl["require"] == "any":
        o = "c" if "c" in per else "x" if set(per) == {"x"} else "u"
    else:
        o = "c" if set(per) == {"c"} else "x" if "x" in per else "u"
    return {"c": "confirmed", "x": "contradicted", "u": "undecidable on these data"}[o]

want = {"c_flag": "confirmed", "c_all_pass": "contradicted", "c_any_pass": "confirmed",
        "c_undecided": "undecidable on these data", "c_diagnosis": "contradicted",
        "c_age": "undecidable on these data"}
got = {c["id"]: c["outcome"] for c in rep["claims"]}
assert got == want, got
for c in rep["claims"]:
    assert outcome(c) == c["outcome"], (c["id"], outcome(c), c["outcome"])
    # one headline entry per claim (wrapped at 100 columns), with its answer and reason;
    # one Markdown row
    lines = head.splitlines()
    i = next(i for i, l in enumerate(lines) if l.strip().startswith(c["id"] + " "))
    block = lines[i]
    for l in lines[i + 1:]:
        if not l.startswith("      "):
            break
        block += " " + l.strip()
    block = " ".join(block.split())
    assert max(len(l) for l in lines) <= 100
    assert (c["outcome"] + ": " + c["reason"].split(" (")[0]) in block, block
    assert "| **" + c["outcome"] + "** | " in md
r = {c["id"]: c for c in rep["claims"]}
assert r["c_all_pass"]["reason"] == "R1_enlisted_male_young FLAG (rule violated)", r["c_all_pass"]
assert r["c_diagnosis"]["reason"].endswith(", not flattened")
assert r["c_undecided"]["reason"].startswith("E1_active_share_young_men INCONCLUSIVE (95% interval")
assert r["c_age"]["reason"] == "R1_enlisted_male_young: the check is not standardised by age"
assert r["c_age"]["source"] == "a paper" and r["c_flag"]["require"] == "all"
assert "### Claims" in md
# report.html shows the claims near the top (after the answer, before the checks): one row
# per claim with its answer, reason and links to its checks
import html, os, re
page = open(os.path.join(os.path.dirname(sys.argv[1]), "report.html"), encoding="utf-8").read()
assert page.index('id="claims"') < page.index('id="headline"') < page.index('id="checks"')
sec = page[page.index('id="claims"'):page.index("</section>", page.index('id="claims"'))]
rows = re.findall(r'<tr data-claim="([^"]*)">(.*?)</tr>', sec, re.S)
assert [r[0] for r in rows] == [c["id"] for c in rep["claims"]], rows
for (cid, row), c in zip(rows, rep["claims"]):
    text = html.unescape(re.sub(r"<[^>]+>", "", row))
    assert c["outcome"] in text and c["reason"] in text, (cid, text)
    for k in c["checks"]:
        assert 'href="#check-%s"' % k in row, (cid, k)
PY

# a spec without claims has no claims section anywhere
head_spec > "$tmp/plain.yaml"
"$IAF" audit "$tmp/plain.yaml" -o "$tmp/plain" > "$tmp/plain.txt"
! grep -q '^Claims' "$tmp/plain.txt"
! grep -q '"claims"' "$tmp/plain/report.json"
! grep -q '### Claims' "$tmp/plain/report.md"

# broken claims: data errors (exit 1) naming the spec and the line
bad() {
    { head_spec; printf 'claims:\n%s\n' "$1"; } > "$tmp/bad.yaml"
    set +e
    "$IAF" audit "$tmp/bad.yaml" -o "$tmp/bad" > /dev/null 2> "$tmp/err.txt"
    rc=$?
    set -e
    [ "$rc" -eq 1 ] || { echo "exit $rc for: $1"; cat "$tmp/err.txt"; exit 1; }
    grep -q "bad.yaml:[0-9][0-9]*:[0-9][0-9]*: .*$2" "$tmp/err.txt" || { echo "want '$2'"; cat "$tmp/err.txt"; exit 1; }
}
bad '  - {id: a, claim: x, checks: [nope], expect: flag}' "claim 'a': no check with id 'nope'"
bad '  - {id: a, claim: x, checks: [R6_enlisted_tolerant], expect: flagged}' "expect is flag, pass"
bad '  - {id: a, claim: x, checks: [R6_enlisted_tolerant], expect: pass, diagnosis: faithful}' "a diagnosis goes with expect: flag"
bad '  - {id: a, claim: x, checks: [R6_enlisted_tolerant], expect: pass, require: most}' "require is all or any"
bad '  - {id: a, claim: x, checks: [], expect: pass}' "name 1 to 64 checks"
bad '  - {id: a, claim: x, checks: [R6_enlisted_tolerant], expect: pass}
  - {id: a, claim: y, checks: [R6_enlisted_tolerant], expect: pass}' "duplicate claim id 'a'"
bad '  - {id: a, checks: [R6_enlisted_tolerant], expect: pass}' "claim"
bad '  - {id: a, claim: x, checks: [R6_enlisted_tolerant], expect: pass, rule: y}' "rule"
echo "claims: ok"
