#!/usr/bin/env bash
# Conditional independence on real synthesizers (examples/us/conditional_independence.yaml):
# industry and education given sex and age band, each NIST CRC generator against the real
# excerpt it was trained on. The excerpt's conditional dependence stands out of its null;
# synthpop CART and MOSTLY AI keep it (retention about 1), CTGAN strengthens it, Private-GSD
# exaggerates it (FLAG, retention above 1.5). A regression test on real data: the statistics
# themselves are validated on planted truths (cli/condind.sh).
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:=/usr/bin/python3}"
ex=$IAF_SRC/examples/us
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
  "$IAF" audit "$ex/conditional_independence.yaml" --microdata "$ex/data/synthetic/$2" \
    -o "$tmp/$1" > /dev/null
}
run cart rsynthpop_cart/cart_cf21_na2019.csv
run gsd genetic_sd_e10/genetic_sd_e_10_simple_GiuseppeVietri_3.csv
run ctgan sdv_ctgan/sdv_ctgan_epochs1000_SlokomManel_3.csv
run mostly mostlyai/mostlyai_sd_platform_PaulTiwald_1.csv
"$PYTHON" - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
want = {"cart": ("PASS", 0.85, 1.15), "mostly": ("PASS", 0.8, 1.1),
        "ctgan": ("PASS", 1.3, 1.5), "gsd": ("FLAG", 1.8, 2.5)}
bad = []
for g, (v, lo, hi) in want.items():
    c = json.load(open(f"{tmp}/{g}/report.json"))["checks"][0]
    ci = c["variants"][0]["conditional_independence"]
    if c["verdict"] != v or not lo <= ci["retention"] <= hi:
        bad.append(f"{g}: {c['verdict']} {c['diagnosis']} retention {ci['retention']}")
    if not ci["reference_dependent"] or ci["reference"]["p_sim"] > 0.01:
        bad.append(f"{g}: the excerpt's conditional dependence not seen")
    if ci["synthetic"]["support"] < 0.99:
        bad.append(f"{g}: support {ci['synthetic']['support']}")
if bad:
    sys.exit("\n".join(bad))
PY
echo ok
