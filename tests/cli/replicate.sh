#!/bin/bash
# `iaf replicate` over the four US synthetic bundles and the 50-row Japanese
# sample: one summary with one row per check x bundle, flags per comparable
# cell per bundle (never a rank by raw counts), the robust verdicts (CTGAN
# exaggerated, CART faithful), the Japanese checks too small to decide; and
# replication.html: one panel per check id with a forest plot that has one
# row per bundle (a dot placed and coloured by the numbers in
# replication.json, or a note where the sample is too small), the IAF
# signatures of the joint checks, self-contained; `iaf report` renders the
# same bytes again from replication.json.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
PYTHON=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$IAF_SRC/examples"
"$IAF" replicate us/synthpop_cart.yaml us/sdv_ctgan.yaml us/mostlyai.yaml us/private_gsd.yaml \
    jp/audit.yaml -o "$work" --bootstrap 200 -q
test -s "$work/replication.md" && test -s "$work/replication.html"

# re-rendering from the document gives the same bytes
"$IAF" report "$work/replication.json" -d "$work/again" --format html,md
cmp "$work/replication.html" "$work/again/replication.html"
cmp "$work/replication.md" "$work/again/replication.md"
if "$IAF" report "$work/replication.json" -d "$work/again" --format csv 2>/dev/null; then
    echo "FAIL: iaf report made a cells.csv of a replication" >&2
    exit 1
fi

$PYTHON - "$work/replication.json" <<'PY'
import json, math, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "iaf-replication/1"
assert r["bootstrap_b"] == 200 and r["seed"] == 20260611, (r["bootstrap_b"], r["seed"])
assert r["command_line"].startswith("iaf replicate"), r["command_line"]
specs = ["us/synthpop_cart.yaml", "us/sdv_ctgan.yaml", "us/mostlyai.yaml", "us/private_gsd.yaml", "jp/audit.yaml"]
assert [b["spec"] for b in r["bundles"]] == specs
for b in r["bundles"]:
    assert abs(b["flags_per_comparable_cell"] - b["flags"] / b["comparable_cells"]) < 1e-15
    assert len(b["spec_sha256"]) == 64
rows = {(x["check"], x["bundle"]): x for x in r["rows"]}
us = [x for x in r["rows"] if x["bundle"].startswith("us/")]
checks = {x["check"] for x in us}
assert len(us) == 4 * len(checks)          # every US check in every US bundle
ct = rows[("sex_x_edu__excerpt", "us/sdv_ctgan.yaml")]
# CTGAN SEX x EDU: retention 2.6 [2.1, 3.0] and footprint_dep 2.2 [1.7, 2.7]; in the fixed
# order of METHOD.md 4.2 "exaggerated" (retention wholly above 1.5) comes before "distorted"
assert ct["verdict"] == "FLAG" and ct["diagnosis"] == "exaggerated", ct
assert ct["footprint_dep_lo"] > 1 and ct["retention_lo"] > 1.5, ct
cart = rows[("sex_x_edu__excerpt", "us/synthpop_cart.yaml")]
assert cart["verdict"] == "PASS", cart
assert cart["k_x"] == 2 and cart["k_y"] == 13 and cart["comparable_cells"] == 26
for x in r["rows"]:
    # floor-corrected = estimate - floor wherever there is a floor
    if x["noise_floor"] is not None:
        assert abs(x["floor_corrected"] - (x["estimate"] - x["noise_floor"])) < 1e-12
    # the key numbers are those of one of the screens, with its threshold
    sc = x["screens"]
    assert sc, x
    if x["kind"] in ("joint", "marginal"):
        key = [s for s in sc if s["metric"] == x["metric"] and s["estimate"] == x["estimate"]]
        assert key and key[0]["threshold"] == x["threshold"], x
    for s in sc:
        small = (s["verdict"] == "INCONCLUSIVE" and s["fails"] == "above" and s["floor"] is not None
                 and s["floor"] >= s["threshold"])
        assert s["too_small"] == small, (x["check"], x["bundle"], s)
    # every shown estimate lies inside its interval
    if x["lo"] is not None and x["estimate"] is not None:
        assert x["lo"] <= x["estimate"] <= x["hi"], x
    for s in sc:
        if s["lo"] is not None:
            assert s["lo"] <= s["estimate"] <= s["hi"], (x["check"], s)
    if x["kind"] == "joint":
        assert x["signature_thresholds"] == {"footprint": 0.5, "retention": 0.5}, x
        for k in ("retention", "footprint", "footprint_dep"):
            if x[k] is not None and x[k + "_lo"] is not None:
                assert x[k + "_lo"] <= x[k] <= x[k + "_hi"], (k, x)
        if x["retention"] is not None:
            assert x["retention_lo"] <= x["retention_hi"], x
    if x["kind"] == "rule":
        assert x["threshold"] == 0 and sc[0]["metric"] == "violation_share", x
# the 50 Japanese rows: every distance check too small to decide, the 3,000-row summary not
for c in ("sex_x_age5__census", "sex_x_decade__census", "sex__census", "prefecture__census"):
    x = rows[(c, "jp/audit.yaml")]
    assert x["verdict"] == "INCONCLUSIVE" and x["too_small"] is True, x
    assert x["noise_floor"] >= x["threshold"], x
for c in ("sex__census__n3000", "age_band__census__n3000"):
    x = rows[(c, "jp/audit.yaml")]
    assert x["verdict"] == "PASS" and x["too_small"] is False, x
print("replicate json ok: %d US checks x 4 bundles, 6 Japanese checks" % len(checks))
PY

# bundle families (the spec's `family:`): one row per family, flags per comparable cell pooled
# over its bundles and their range, recomputed from replication.json
$PYTHON - "$work/replication.json" "$work/replication.md" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
md = open(sys.argv[2]).read()
fam = {}
for b in r["bundles"]:
    fam.setdefault(b["family"], []).append(b)
assert list(fam) == ["NIST CRC 2023 generators (one dataset, four synthesizers)",
                     "Nemotron-Personas locales"], list(fam)
for f, bs in fam.items():
    flags = sum(b["flags"] for b in bs)
    cells = sum(b["comparable_cells"] for b in bs)
    rates = [b["flags_per_comparable_cell"] for b in bs]
    line = "| %s | %d | %d | %d | %.5f | %.5f - %.5f |" % (f, len(bs), flags, cells, flags / cells,
                                                         min(rates), max(rates))
    assert line in md.splitlines(), (line, md[:2000])
print("replicate families ok")
PY

grep -q '^| sex__census | jp/audit.yaml | 2 | 50 | tvd | .* | INCONCLUSIVE (too small to decide) |$' "$work/replication.md"
grep -q '^| sex_x_edu__excerpt | us/sdv_ctgan.yaml | 2 x 13 | 27253 | cond_tvd_y_given_x | .* | FLAG (exaggerated) |$' "$work/replication.md"

# the page: structure, self-containment, and every chart against the JSON
$PYTHON - "$work/replication.html" "$work/replication.json" <<'PY'
import json, re, sys
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "input", "link"}

class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.kids, self.text = tag, dict(attrs), parent, [], ""
    def cls(self):
        return (self.attrs.get("class") or "").split()
    def all(self, pred):
        out = []
        for k in self.kids:
            if pred(k): out.append(k)
            out += k.all(pred)
        return out
    def find(self, tag=None, cls=None):
        return self.all(lambda n: (tag is None or n.tag == tag) and (cls is None or cls in n.cls()))
    def alltext(self):
        return self.text + "".join(k.alltext() for k in self.kids)

class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None); self.cur = self.root; self.refs = []
    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur); self.cur.kids.append(n)
        for k, v in attrs:
            if k in ("src", "href") and v: self.refs.append((k, v))
        if tag not in VOID: self.cur = n
    def handle_endtag(self, tag):
        assert self.cur.tag == tag, ("unbalanced", tag, self.cur.tag)
        self.cur = self.cur.parent
    def handle_data(self, d):
        self.cur.text += d

html = open(sys.argv[1], encoding="utf-8").read()
doc = json.load(open(sys.argv[2]))
p = P(); p.feed(html); p.close()
root = p.root
assert p.cur is root, "unclosed elements"
# self-contained: only in-page anchors, no script, no external resource
for k, v in p.refs:
    assert k == "href" and v.startswith("#"), (k, v)
assert "<script" not in html and "<link" not in html and "url(" not in html and "@import" not in html
ids = {n.attrs["id"] for n in root.all(lambda n: "id" in n.attrs)}
for k, v in p.refs:
    assert v[1:] in ids, ("dangling anchor", v)
specs = [b["spec"] for b in doc["bundles"]]
num = {s: i + 1 for i, s in enumerate(specs)}

# bundles: the table and one bar per bundle, as long as its flags per comparable cell
assert len(root.find("tr", "bundle")) == len(specs)
bars = [n for n in root.find("svg", "valuebars")[0].find("rect") if n.find("title")]
assert len(bars) == len(specs), len(bars)
widths = [float(b.attrs["width"]) for b in bars]
fpc = [b["flags_per_comparable_cell"] for b in doc["bundles"]]
top = max(range(len(fpc)), key=lambda i: fpc[i])
for w, v in zip(widths, fpc):
    assert abs(w / widths[top] - v / fpc[top]) < 0.01, (w, v)

# every chart titled and described, named by aria-labelledby
for s in root.find("svg"):
    assert s.attrs.get("role") == "img"
    t, d = [k for k in s.kids if k.tag == "title"], [k for k in s.kids if k.tag == "desc"]
    assert t and d and t[0].alltext().strip() and d[0].alltext().strip()
    assert s.attrs["aria-labelledby"].split() == [t[0].attrs["id"], d[0].attrs["id"]]

# the check x bundle table: one row per JSON row, one row group per check id
check_ids = list(dict.fromkeys(x["check"] for x in doc["rows"]))
assert len(root.find("tr", "row")) == len(doc["rows"])
assert len(root.find("table", "rows")[0].find("tbody")) == len(check_ids)

# one panel per check id, one forest plot each, one row per bundle in every facet
panels = root.find("section", "check")
assert [s.attrs["data-check"] for s in panels] == check_ids
def worst(vs):
    order = {None: 0, "PASS": 1, "INCONCLUSIVE": 2, "FLAG": 3}
    return max(vs, key=lambda v: order[v])
ndots = nnotes = 0
for sec in panels:
    cid = sec.attrs["data-check"]
    rows = [x for x in doc["rows"] if x["check"] == cid]
    assert int(sec.attrs["data-bundles"]) == len(rows)
    forests = sec.find("svg", "forest")
    assert len(forests) == 1, (cid, len(forests))
    facets = forests[0].find("g", "facet")
    bases = list(dict.fromkeys(s["metric"].split(" (")[0] for x in rows for s in x["screens"]))
    assert [f.attrs["data-metric"] for f in facets] == bases, (cid, bases)
    for f in facets:
        base = f.attrs["data-metric"]
        grows = f.find("g", "row")
        assert len(grows) == len(rows), (cid, base, len(grows))
        # threshold lines (dashed red) and dots, placed by the numbers
        thr_x = [float(l.attrs["x1"]) for l in f.find("line") if l.attrs.get("stroke") == "#c53030"]
        placed = []
        for g, x in zip(grows, rows):
            assert g.attrs["data-label"] == "%d · %s" % (num[x["bundle"]], x["bundle"]), g.attrs
            sc = [s for s in x["screens"] if s["metric"].split(" (")[0] == base]
            v = worst([s["verdict"] for s in sc])
            small = any(s["too_small"] for s in sc) and v != "FLAG"
            dots, notes = g.find("circle", "mark"), g.find("text", "nomark")
            if small:
                assert not dots and len(notes) == 1, (cid, x["bundle"])
                assert "too small to decide" in notes[0].alltext(), notes[0].alltext()
                nnotes += 1
                continue
            assert len(dots) == 1 and not notes, (cid, x["bundle"], base)
            assert dots[0].attrs.get("data-verdict") == v, (cid, x["bundle"], v)
            ndots += 1
            placed.append((sc[0]["estimate"], float(dots[0].attrs["cx"]), sc))
        # order along the axis follows the estimates; each side of a threshold too
        placed.sort(key=lambda p: (p[0], p[1]))  # headlines can tie (several at 0)
        for (e1, x1, _), (e2, x2, _) in zip(placed, placed[1:]):
            assert x1 <= x2 + 1e-9, (cid, base, e1, e2, x1, x2)
        ts = sorted({s["threshold"] for _, _, sc in placed for s in sc if s["threshold"] is not None})
        if len(ts) == len(thr_x) == 1:
            for e, cx, _ in placed:
                if e < ts[0]: assert cx < thr_x[0], (cid, e, cx, thr_x)
                if e > ts[0]: assert cx > thr_x[0], (cid, e, cx, thr_x)
    # joint checks: one signature point per bundle with retention and footprint
    if rows[0]["kind"] == "joint":
        want = [x for x in rows if x["retention"] is not None and x["footprint"] is not None
                and not x["too_small"] and not any(s["too_small"] for s in x["screens"])]
        sigs = sec.find("svg", "signature")
        if want:
            marks = sigs[0].find("g", "mark")
            assert len(marks) == len(want), (cid, len(marks), len(want))
            assert [m.attrs.get("data-verdict") for m in marks] == [x["verdict"] for x in want]
        else:
            assert not sigs and "No IAF signature drawn" in sec.alltext(), cid
            assert "too small to decide" in sec.alltext(), cid
assert nnotes >= 6, nnotes   # the Japanese 50-row checks: no dot
print("replicate html ok: %d panels, %d dots, %d too-small notes" % (len(panels), ndots, nnotes))
PY
