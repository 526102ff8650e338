#!/bin/bash
# report.html, the top of the page and its layout (issue 15): the overview chart has one
# mark per check, grouped by kind, each placed at its key number over its threshold (an
# expectation at its distance from the middle of the expected interval in half widths,
# bounds as a band) and coloured by its verdict, recomputed here from report.json; the
# page folds every check's details (summary visible), prints them open, never breaks an
# id or a badge, scrolls wide tables inside their own box, and attaches no interval to a
# range. The geometry in a real browser is tests/browser/check.mjs (html_browser.sh).
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/case"
cp -R "$IAF_SRC/tests/golden/html_audit_small/." "$work/case/"
(cd "$work/case" && "$IAF" audit audit.yaml -o out -q --bootstrap 200 --format json,html)
"$IAF" report "$IAF_SRC/tests/golden/html_contract/report.json" -d "$work/contract" --format html

"$PYTHON" - "$work/case/out/report.json" "$work/case/out/report.html" \
    "$IAF_SRC/tests/golden/html_contract/report.json" "$work/contract/report.html" <<'PY'
import html, json, math, re, sys

AX_LO, AX_HI, X0, X1 = -0.5, 2.5, 46.0, 97.0
def pos(v):
    v = min(max(v, AX_LO), AX_HI)
    return X0 + (v - AX_LO) / (AX_HI - AX_LO) * (X1 - X0)
def vd(h):
    v = h.get("verdict")
    if isinstance(v, dict):
        v = v.get("verdict")
    return v if isinstance(v, str) else None
colour = {"PASS": "#2f855a", "FLAG": "#c53030", "INCONCLUSIVE": "#b7791f", None: "#718096"}

def expected_x(h, c):
    """The normalised position of a check's key number, from report.json alone."""
    v0 = c["variants"][0] if c and c.get("variants") else {}
    if h["kind"] == "rule":
        e = v0.get("expectation")
        if e:
            r = e["result"]
            mid, half = (r["expected_lo"] + r["expected_hi"]) / 2, (r["expected_hi"] - r["expected_lo"]) / 2
            return abs(r["estimate"] - mid) / half
        if v0.get("rule"):
            r = v0["rule"]["result"]
            if r["violations"] == 0:
                return 0.0
            tol = r.get("tolerance") or 0
            return r["violations"] / r["antecedent"] / tol if tol > 0 else AX_HI
        a = v0["age_profile"]["result"]
        return a["outside_window"] / a["tolerance"]
    metric = h.get("key_metric") or {"marginal": "tvd", "joint": "cond_tvd_y_given_x"}.get(h["kind"])
    est = h.get("key_estimate")
    if est is None and metric:
        est = h.get(metric)
    t = (c.get("thresholds") or {}).get(metric)
    if est is None or not t:
        return None
    lump = v0.get("lump") or {}
    if lump.get("lump_share", 0) > 0:
        return None  # a band: checked below
    return est / t

def check_page(rep, page, what):
    checks = {c["id"]: c for c in rep["checks"]}
    fig = page[page.index('<figure class="overview"'):page.index("</figure>", page.index('<figure class="overview"'))]
    svg_head = re.search(r'<svg class="overview"[^>]*>', fig).group(0)
    assert 'role="img"' in svg_head and 'aria-labelledby="ov-t ov-d"' in svg_head and "viewBox" not in svg_head
    rows = re.findall(r'<g class="ovrow" data-check="([^"]*)" data-verdict="([^"]*)">(.*?)</g>', fig, re.S)
    order = ["marginal", "joint", "flattening", "rule"]
    rank = lambda k: order.index(k) if k in order else 4
    want = [h for _, h in sorted(enumerate(rep["headline"]), key=lambda x: (rank(x[1]["kind"]), x[0]))]
    assert [html.unescape(r[0]) for r in rows] == [h["check"] for h in want], (what, [r[0] for r in rows])
    heads = re.findall(r'<text x="0" y="\d+" class="axis"(?: font-size="11")?>([^<]*)</text>', fig)
    kinds = [k for k in order if any(h["kind"] == k for h in rep["headline"])]
    for k, t in zip(kinds, heads):
        hs = [h for h in rep["headline"] if h["kind"] == k]
        n = {v: sum(vd(h) == v for h in hs) for v in ("PASS", "FLAG", "INCONCLUSIVE")}
        assert t == "%s checks: %d PASS, %d FLAG, %d INCONCLUSIVE" % (k.capitalize(), n["PASS"], n["FLAG"], n["INCONCLUSIVE"]), t
    placed = bands = 0
    for (cid, verdict, body), h in zip(rows, want):
        c = checks.get(h["check"])
        v = vd(h)
        assert verdict == (v or "pending")
        circ = re.search(r'<circle cx="([-0-9.]+)%" cy="[0-9.]+" r="4.5" fill="([^"]+)"/>', body)
        rect = re.search(r'<rect x="([-0-9.]+)%" [^>]*fill="([^"]+)"', body)
        x = expected_x(h, c) if c else None
        if c and x is not None:
            assert circ, (what, cid, body)
            assert abs(float(circ.group(1)) - pos(x)) < 0.006, (what, cid, circ.group(1), pos(x))
            assert circ.group(2) == colour.get(v, "#b7791f"), (cid, circ.group(2), v)
            placed += 1
        elif rect:
            lump = c["variants"][0]["lump"]
            lo = lump.get("flattening_pooled_lower", lump.get("cond_tvd_lower"))
            t = c["thresholds"][h.get("key_metric") or "cond_tvd_y_given_x"]
            assert not circ, (cid, "a band has no point")
            if lo is not None:
                assert abs(float(rect.group(1)) - pos(lo / t)) < 0.006, (cid, rect.group(1), pos(lo / t))
            assert rect.group(2) == colour.get(v, "#b7791f")
            bands += 1
        else:
            assert "no number to place" in body, (what, cid, body)
    # the threshold line sits at 1
    assert re.search(r'<line x1="%.2f%%" x2="%.2f%%" [^>]*stroke="#1a202c"' % (pos(1), pos(1)), fig)
    return placed, bands

for jp, hp in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    rep = json.load(open(jp, encoding="utf-8"))
    page = open(hp, encoding="utf-8").read()
    placed, bands = check_page(rep, page, hp)
    assert placed >= 4, placed
    # layout: the answer, then the overview, then the claims and contents, then the headline
    assert page.index('id="answer"') < page.index('id="overview"') < page.index('id="headline"')
    # every check panel keeps its verdict in view and folds the rest
    panels = page.count('<section class="check"')
    assert panels == len(rep["checks"])
    assert page.count('<details class="more"><summary>Details: what was compared') == panels
    assert "<details open" not in page
    # printed open; ids and badges never broken; wide tables scroll in their own box
    assert "details::details-content{content-visibility:visible" in page
    assert "beforeprint" in page
    assert ".v{display:inline-block;white-space:nowrap" in page
    assert "overflow-wrap:anywhere}" not in page.split("dd{min-width:0;overflow-wrap:anywhere}")[0].split("<style>")[1]
    assert "main table{display:block;overflow-x:auto;max-width:100%}" in page
    assert "max-width:1320px" in page
    # no interval attached to a range
    for m in re.finditer(r"TVD from [-0-9.]+ to [-0-9.]+( \[)?", page):
        assert not m.group(1), m.group(0)
print("overview and layout ok")
PY
