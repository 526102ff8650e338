#!/usr/bin/env bash
# cells.csv against independent oracles (issue 6):
#  1. every row of cells.csv equals what pandas reads from report.json itself
#     (the documented mapping, computed in Python, compared exactly: the CSV
#     numbers must round-trip to the same doubles);
#  2. for the small microdata audit, the shares in cells.csv equal shares that
#     pandas computes from the raw CSV inputs (personas and reference tables),
#     so the pipeline from data to CSV is checked end to end;
#  3. the 2,120-category case keeps every cell (4,240 joint cells, 2,120
#     marginal ones, 2,120 flattening rows), although the HTML shows only the
#     top categories.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}"
PYTHON=${PYTHON:-/usr/bin/python3}
work="$IAF_BUILD/html-cells"
rm -rf "$work"
mkdir -p "$work"

small="$IAF_SRC/tests/golden/html_audit_small"
(cd "$small" && "$IAF" audit audit.yaml -o "$work/small" -q --bootstrap 200)
mkdir -p "$work/occ"
cp "$IAF_SRC/tests/golden/html_occupation_2120/make_data.py" \
    "$IAF_SRC/tests/golden/html_occupation_2120/audit.yaml" "$work/occ/"
(cd "$work/occ" && "$PYTHON" make_data.py && "$IAF" audit audit.yaml -o out -q --bootstrap 200)
# the contract fixture: intervals on cells, suppressed cells, variants
"$IAF" report "$IAF_SRC/tests/golden/html_contract/report.json" --format csv -o "$work/contract.csv"

"$PYTHON" - "$work" "$small" "$IAF_SRC/tests/golden/html_contract/report.json" <<'PY'
import json
import math
import sys

import numpy as np
import pandas as pd

work, small, contract = sys.argv[1:4]
COLS = ["check", "kind", "variant", "x_attribute", "x", "y_attribute", "y", "state",
        "synthetic_share", "reference_share", "diff_pp", "diff_pp_lo", "diff_pp_hi"]
NUM = COLS[8:]
failures = []


def expected_rows(doc):
    """cells.csv as docs/report.md defines it, from the parsed report."""
    rows = []
    for c in doc["checks"]:
        attrs = [a.get("name") for a in c.get("attributes") or []]
        comps = c.get("variants") or [c]
        many = len(comps) > 1
        for v in comps:
            name = v.get("name") if v is not c else None
            if name is None and many:
                name = ""
            vattrs = [a.get("name") for a in v.get("attributes") or []] or attrs
            ax = vattrs[0] if vattrs else None
            ay = vattrs[1] if len(vattrs) > 1 else None
            for cell in ((v.get("metrics") or {}).get("cells") or []):
                s, r = cell.get("synthetic_share"), cell.get("reference_share")
                d = cell.get("diff_pp")
                if d is None and s is not None and r is not None:
                    d = (s - r) * 100
                rows.append([c["id"], c.get("kind"), name, ax, cell.get("x"),
                             ay if "y" in cell else None, cell.get("y"), cell.get("state"),
                             s, r, d, cell.get("diff_pp_lo"), cell.get("diff_pp_hi")])
            fl = v.get("flattening")
            if fl:
                for row in fl.get("categories") or []:
                    fs, fr = row.get("f_s"), row.get("f_r")
                    state = None if "dominated" not in row else ("dominated" if row["dominated"] else "not_dominated")
                    rows.append([c["id"], c.get("kind"), name, ay, row.get("category"), ax,
                                 c.get("focal"), state, fs, fr,
                                 None if fs is None or fr is None else (fs - fr) * 100, None, None])
    return rows


def compare(label, csv_path, json_path):
    doc = json.load(open(json_path, encoding="utf-8"))
    got = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    if list(got.columns) != COLS:
        failures.append(f"{label}: columns {list(got.columns)}")
        return None
    want = expected_rows(doc)
    if len(got) != len(want):
        failures.append(f"{label}: {len(got)} rows, report.json gives {len(want)}")
        return got
    for i, (g, w) in enumerate(zip(got.itertuples(index=False), want)):
        for col, gv, wv in zip(COLS, g, w):
            if col in NUM:
                if wv is None:
                    ok = gv == ""
                else:
                    ok = gv != "" and float(gv) == float(wv)  # exact: shortest round-trip text
            else:
                ok = gv == ("" if wv is None else str(wv))
            if not ok:
                failures.append(f"{label}: row {i + 2} column {col}: csv {gv!r}, report.json {wv!r}")
                return got
    print(f"{label}: {len(got)} rows match report.json")
    return got


compare("contract", f"{work}/contract.csv", contract)
cells = compare("small", f"{work}/small/cells.csv", f"{work}/small/report.json")
occ = compare("occupation", f"{work}/occ/out/cells.csv", f"{work}/occ/out/report.json")

# 2. the small audit from its raw inputs
p = pd.read_csv(f"{small}/personas.csv", dtype=str, keep_default_na=False)
ref = pd.read_csv(f"{small}/ref_sex_occupation.csv")
ref_occ = set(ref["occupation"])
on = p[p["occupation"].isin(ref_occ)]
syn = on.groupby(["occupation", "sex"]).size() / len(on)
rs = ref.set_index(["occupation", "sex"])["count"] / ref["count"].sum()
j = cells[cells["check"] == "sex_x_occupation"]
if len(j) != len(rs):
    failures.append(f"small: sex_x_occupation has {len(j)} cells, the reference {len(rs)}")
for r in j.itertuples(index=False):
    s_want = syn.get((r.x, r.y), 0.0)
    r_want = rs[(r.x, r.y)]
    if not (math.isclose(float(r.synthetic_share), s_want, rel_tol=0, abs_tol=1e-12) and
            math.isclose(float(r.reference_share), r_want, rel_tol=0, abs_tol=1e-12)):
        failures.append(f"small: cell {r.x} x {r.y}: csv {r.synthetic_share}/{r.reference_share}, "
                        f"pandas {s_want}/{r_want}")
m = cells[cells["check"] == "age_marginal"]
ages = p["age_band"].value_counts(normalize=True)
ra = pd.read_csv(f"{small}/ref_age.csv").set_index("age_band")["count"]
ra = ra / ra.sum()
for r in m.itertuples(index=False):
    if not (math.isclose(float(r.synthetic_share), ages[r.x], abs_tol=1e-12) and
            math.isclose(float(r.reference_share), ra[r.x], abs_tol=1e-12)):
        failures.append(f"small: age {r.x}: csv {r.synthetic_share}/{r.reference_share}, "
                        f"pandas {ages[r.x]}/{ra[r.x]}")
# female share per occupation (flattening rows) from the raw personas
fl = cells[(cells["check"] == "female_share_male_dominated") & (cells["variant"] == "A: as coded")]
for r in fl.itertuples(index=False):
    sub = p[p["occupation"] == r.x]
    want = (sub["sex"] == "여자").mean()
    if not math.isclose(float(r.synthetic_share), want, abs_tol=1e-12):
        failures.append(f"small: female share in {r.x}: csv {r.synthetic_share}, pandas {want}")
print("small: shares match pandas on the raw inputs")

# 3. the large taxonomy keeps every cell
if occ is not None:
    counts = occ.groupby("check").size().to_dict()
    want = {"occupation_marginal": 2120, "sex_x_occupation": 4240, "female_share_male_dominated": 2120}
    if counts != want:
        failures.append(f"occupation: rows per check {counts}, want {want}")
    j = occ[occ["check"] == "sex_x_occupation"]
    if abs(j["synthetic_share"].astype(float).sum() - 1) > 1e-9:
        failures.append("occupation: joint synthetic shares do not sum to 1")
    raw = pd.read_csv(f"{work}/occ/synthetic_sex_occupation.csv")
    raw_share = raw.set_index(["occupation", "sex"])["count"] / raw["count"].sum()
    got = j.set_index(["y", "x"])["synthetic_share"].astype(float)  # x is sex, y occupation
    got.index = got.index.set_names(["occupation", "sex"])
    diff = (got - raw_share.reindex(got.index)).abs().max()
    if not diff < 1e-12:
        failures.append(f"occupation: joint shares differ from pandas by {diff}")
    print(f"occupation: {counts}")

if failures:
    for f in failures[:40]:
        print("FAIL", f)
    sys.exit(1)
print("cells.csv: all checks passed")
PY
