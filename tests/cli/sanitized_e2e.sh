#!/usr/bin/env bash
# The end-to-end paths of the long statistical tests, for the sanitizer build.
#
# The tests listed in IAF_SANITIZER_HEAVY (tests/CMakeLists.txt) check numbers that need
# B = 1000 calibrated bootstraps, browsers, many thread counts or database engines; under
# ASan+UBSan they took over half an hour and checked the same code paths over and over. The
# sanitizer build runs this test instead: every example spec (conditional independence on the
# CRC files included), the planted NPK microdata, `replicate` and `report` on
# their outputs, through the same code paths with few replicates (basic intervals, and one
# calibrated run per kind of check), so that every memory or undefined-behaviour error on
# those paths still fails. The point metrics do not depend on the replicates: they must
# equal the committed oracle values (the same files the long tests use) to 1e-12.
#
# Registered in every build; cheap in the normal one.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}" "${PYTHON:=/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d "$IAF_BUILD/sanitized-e2e.XXXXXX")
trap 'rm -rf "$work"' EXIT
ex="$IAF_SRC/examples"
fast=(--bootstrap 50 --interval basic -q)

# 1. Every example spec, all formats.
for s in npk/audit.yaml usa-nemotron/audit.yaml jp/audit.yaml us/synthpop_cart.yaml \
    us/sdv_ctgan.yaml us/mostlyai.yaml us/private_gsd.yaml us/excerpt_rows.yaml us/excerpt.yaml \
    us/conditional_independence.yaml; do
    name=${s%.yaml}
    name=${name//\//_}
    "$IAF" audit "$ex/$s" -o "$work/$name" "${fast[@]}"
    for f in report.json report.md report.html cells.csv; do
        test -s "$work/$name/$f" || { echo "FAIL $s: no $f"; exit 1; }
    done
done

# 2. The same audit on 1 and 3 threads: the same bytes apart from the command line.
"$IAF" audit "$ex/npk/audit.yaml" -o "$work/npk_t1" "${fast[@]}" -t 1 --format json
"$IAF" audit "$ex/npk/audit.yaml" -o "$work/npk_t3" "${fast[@]}" -t 3 --format json
diff <(grep -v '"command_line"' "$work/npk_t1/report.json") \
    <(grep -v '"command_line"' "$work/npk_t3/report.json")

# 3. Microdata: planted NPK-shaped shards, count and audit.
"$PYTHON" "$IAF_SRC/tests/planted/gen_npk_micro.py" --variant mild --rows 20000 --seed 1 \
    --shards 2 --row-group 5000 --out "$work/micro" --truth "$work/micro.truth.json"
"$IAF" count "$work/micro/data" --by sex,age,occupation -o "$work/micro.counts.csv"
"$IAF" audit "$ex/npk/microdata.yaml" --microdata "$work/micro/data" -o "$work/micro.out" \
    "${fast[@]}"

# 4. replicate over the bundles (calibrated intervals, few replicates), and reports
#    re-rendered from their JSON. The replication runs the calibrated intervals (the
#    default) of joint, flattening and rule checks.
(cd "$ex" && "$IAF" replicate npk/audit.yaml jp/audit.yaml us/sdv_ctgan.yaml \
    -o "$work/replication" --bootstrap 50 -q)
test -s "$work/replication/replication.json"
for d in npk_audit us_sdv_ctgan; do
    "$IAF" report "$work/$d/report.json" -d "$work/rerender_$d" --format md,html,csv
    cmp "$work/$d/report.md" "$work/rerender_$d/report.md"
done

# 5. Point metrics against the committed oracles.
"$PYTHON" - "$work" "$IAF_TESTDATA" <<'PY'
import csv, json, sys
work, data = sys.argv[1], sys.argv[2]

def checks(d):
    return {c["id"]: c for c in json.load(open("%s/%s/report.json" % (work, d)))["checks"]}

def close(a, b, what):
    if b in ("", "inf", "nan"):
        return
    assert a is not None and abs(a - float(b)) <= 1e-12 * max(1.0, abs(float(b))), (what, a, b)

n = 0
npk = checks("npk_audit")
for row in csv.DictReader(open(data + "/npk/npk_marginal_tvd.csv")):
    close(npk[row["check"]]["variants"][0]["metrics"]["tvd_joint"], row["tvd"], row["check"])
    n += 1
keys = {"tvd": "tvd_joint", "tvd_x": "tvd_x", "tvd_y": "tvd_y", "cond_tvd": "cond_tvd_y_given_x"}
for oracle in ("us_checks.csv", "jp_checks.csv"):
    for row in csv.DictReader(open(data + "/replication/" + oracle)):
        d = "jp_audit" if oracle.startswith("jp") else "us_" + row["spec"]
        c = checks(d)[row["check"]]
        m = c["variants"][0].get("metrics")
        if m is None or not row["tvd"]:
            continue
        for k, j in keys.items():
            close(m[j], row[k], (row["spec"], row["check"], k))
        close(m["dep_tvd"]["synthetic"], row["dep_tvd_s"], (row["spec"], row["check"], "dep_s"))
        close(m["dep_tvd"]["reference"], row["dep_tvd_r"], (row["spec"], row["check"], "dep_r"))
        n += 1
assert n >= 50, n
print("sanitized end-to-end: %d checks' point metrics equal the oracles" % n)
PY
