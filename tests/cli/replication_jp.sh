#!/bin/bash
# The Japan bundle (examples/jp): 50 Nemotron-Personas-Japan rows against the 2020 census.
# The spec runs, its numbers agree with the independent pandas oracle (tests/oracles/
# replication_oracle.py -> tests/data/replication/jp_checks.csv), and the report says that the
# sample is too small: on the 50 rows every noise floor reaches the threshold its check screens
# with, so every screen and every check is INCONCLUSIVE ("the sample is too small to decide"),
# whatever the TVD; the same questions on the 3,000-row summary have floors well under their
# thresholds and PASS. The prepared tables are reproducible.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${PYTHON:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jp="$IAF_SRC/examples/jp"

(cd "$jp/data" && sha256sum --quiet -c SHA256SUMS)
"$PYTHON" "$jp/prepare/make_tables.py" --out-root "$work/regen" > /dev/null
for f in data/reference/census2020_sex_decade_20plus.csv \
         data/personas/npj3000_sex.csv data/personas/npj3000_age_band.csv; do
    cmp "$jp/$f" "$work/regen/$f"
done
test "$(cd "$work/regen" && find . -type f | wc -l)" -eq 3

"$IAF" audit "$jp/audit.yaml" -o "$work/a" > "$work/headline.txt"
grep -q "floor" "$work/headline.txt"
test -s "$work/a/report.json" && test -s "$work/a/report.md"
# the reader of the rendered report is told why, not only INCONCLUSIVE (six screens on 50 rows)
test "$(grep -o "too small to decide" "$work/a/report.md" | wc -l)" -ge 6

"$PYTHON" - "$work/a/report.json" "$IAF_TESTDATA/replication/jp_checks.csv" <<'PY'
import csv, json, math, sys
rep = json.load(open(sys.argv[1]))
checks = {c["id"]: c for c in rep["checks"]}

def close(a, b, what):
    if b == "" or math.isinf(float(b)):
        assert a is None, (what, a)
        return
    assert a is not None and abs(a - float(b)) <= 1e-9 * max(1.0, abs(float(b))), (what, a, b)

rows = list(csv.DictReader(open(sys.argv[2])))
assert {r["check"] for r in rows} == set(checks)
small = large = 0
for row in rows:
    c = checks[row["check"]]
    m = c["variants"][0]["metrics"]
    w = row["check"]
    for key, col in (("tvd_joint", "tvd"), ("noise_floor", "noise_floor"),
                     ("cond_tvd_y_given_x", "cond_tvd"), ("cond_noise_floor", "cond_noise_floor"),
                     ("retention", "retention"), ("footprint", "footprint"),
                     ("n_synthetic", "n_s"), ("n_reference", "n_r")):
        close(m[key], row[col], w + " " + key)
    # the census is a full count without standard errors: the reference stays fixed
    assert row["reference_mode"] == "fixed" and m["bootstrap"]["reference_mode"] == "fixed", w
    screens = {s["metric"]: s for s in m["verdict"]["screens"]}
    if "footprint" in screens:
        close(screens["footprint"]["floor"], row["footprint_floor"], w + " footprint floor")
    # verdict and diagnosis as the oracle's rules give them (robust: deterministic or clear)
    assert row["robust"] == "1", w
    assert (c["verdict"], c["diagnosis"]) == (row["verdict"], row["diagnosis"] or None), \
        (w, c["verdict"], c["diagnosis"], row["verdict"], row["diagnosis"])
    # the threshold each check screens with (spec thresholds: tvd 0.05, cond_tvd 0.10)
    th = c["thresholds"].get("tvd", c["thresholds"].get("cond_tvd_y_given_x"))
    floor = m["noise_floor"] if c["kind"] == "marginal" else m["cond_noise_floor"]
    if m["n_synthetic"] == 50:
        # too small: the floor alone is above the threshold (twice to six times for the
        # cell tables), and so is the footprint's floor above 0.5; every screen says so
        assert floor > th and m["noise_floor"] > th, (w, floor, th)
        for s in screens.values():
            assert s["floor"] >= s["threshold"], (w, s)
            assert s["verdict"] == "INCONCLUSIVE" and "too small to decide" in s["reason"], (w, s)
        assert c["verdict"] == "INCONCLUSIVE" and c["diagnosis"] is None, w
        small += 1
    else:
        assert m["n_synthetic"] >= 2997 and floor < th / 2, (w, floor, th)
        large += 1
    # the TVD against its floor, whichever way the oracle says it falls
    below = float(row["tvd"]) < float(row["noise_floor"])
    assert (m["tvd_joint"] < m["noise_floor"]) == below, w
assert small == 4 and large == 2
met = lambda w: checks[w]["variants"][0]["metrics"]
# On the census cells (sex x 5-year age, sex x decade, sex) the 50 rows are within noise:
for w in ("sex_x_age5__census", "sex_x_decade__census", "sex__census"):
    assert met(w)["tvd_joint"] < met(w)["noise_floor"], w
# 47 prefectures from 50 rows: the TVD exceeds the floor, by little (all ages vs adults). The
# reference is the published 1920-2020 file itself (its 1945 Okinawa NA cell is suppressed and
# outside the 2020 universe): the 2020 census total.
p = met("prefecture__census")
assert p["noise_floor"] < p["tvd_joint"] < 1.2 * p["noise_floor"]
assert p["coverage"]["reference_total"] == 126146099 and p["coverage"]["reference_suppressed"] == 0
assert len(p["cells"]) == 47 and all(x["state"] == "ok" for x in p["cells"]), len(p["cells"])
# At n = 3,000 the stratified summary is decidably aligned with the census.
for w in ("sex__census__n3000", "age_band__census__n3000"):
    assert checks[w]["verdict"] == "PASS" and checks[w]["diagnosis"] == "aligned", w
print("jp replication: %d checks agree with the oracle" % len(rows))
PY
echo "replication jp ok"
