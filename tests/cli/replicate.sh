#!/bin/bash
# `iaf replicate` over the four US synthetic bundles: one summary with one
# row per check x bundle, flags per comparable cell per bundle (never a rank
# by raw counts), and the robust verdicts: CTGAN distorted, CART faithful.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$IAF_SRC/examples/us"
"$IAF" replicate synthpop_cart.yaml sdv_ctgan.yaml mostlyai.yaml private_gsd.yaml \
    -o "$work" --bootstrap 200 -q
test -s "$work/replication.md" && test -s "$work/replication.html"
# the HTML is well formed, self-contained and holds every row
$PYTHON - "$work/replication.html" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.rows = 0; self.urls = []
    def handle_starttag(self, tag, attrs):
        if tag not in ("meta", "br"): self.stack.append(tag)
        if tag == "tr": self.rows += 1
        for k, v in attrs:
            if k in ("src", "href") and v: self.urls.append(v)
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
        self.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
assert not p.stack and not p.urls, (p.stack, p.urls)
assert p.rows == 2 + 4 + 15 * 4, p.rows   # two header rows, 4 bundles, 15 checks x 4 bundles
PY
$PYTHON - "$work/replication.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "iaf-replication/1"
assert [b["spec"] for b in r["bundles"]] == ["synthpop_cart.yaml", "sdv_ctgan.yaml", "mostlyai.yaml", "private_gsd.yaml"]
for b in r["bundles"]:
    assert abs(b["flags_per_comparable_cell"] - b["flags"] / b["comparable_cells"]) < 1e-15
rows = {(x["check"], x["bundle"]): x for x in r["rows"]}
checks = {x["check"] for x in r["rows"]}
assert len(r["rows"]) == 4 * len(checks)          # every check in every bundle
ct = rows[("sex_x_edu__excerpt", "sdv_ctgan.yaml")]
assert ct["verdict"] == "FLAG" and ct["diagnosis"] == "distorted", ct
cart = rows[("sex_x_edu__excerpt", "synthpop_cart.yaml")]
assert cart["verdict"] == "PASS", cart
assert cart["k_x"] == 2 and cart["k_y"] == 13 and cart["comparable_cells"] == 26
# floor-corrected = estimate - floor wherever there is a floor
for x in r["rows"]:
    if x["noise_floor"] is not None:
        assert abs(x["floor_corrected"] - (x["estimate"] - x["noise_floor"])) < 1e-12
print("replicate ok: %d checks x 4 bundles" % len(checks))
PY
