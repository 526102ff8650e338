# Shared by tests/cli/scale_*.sh (docs/scale.md); sourced, not a test itself (no "set").
# same_report NAME SCAN_DIR COUNTS_DIR: report.json of an audit from counts equals the scan's
# apart from the provenance member and the command line; cells.csv byte for byte. Sets fail=1.
norm_report() {
    "$PYTHON" - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d.pop("provenance", None)
d["reproducibility"].pop("command_line")
open(sys.argv[2], "w").write(json.dumps(d, indent=1, ensure_ascii=False))
PY
}
same_report() {
    norm_report "$2/report.json" "$work/$1.a.json"
    norm_report "$3/report.json" "$work/$1.b.json"
    if cmp -s "$work/$1.a.json" "$work/$1.b.json"; then
        echo "ok $1: report.json equals the scan's (provenance aside)"
    else
        echo "FAIL $1: report.json differs from the scan's"
        diff "$work/$1.a.json" "$work/$1.b.json" | head -20
        fail=1
    fi
    if [ -f "$2/cells.csv" ] && ! cmp -s "$2/cells.csv" "$3/cells.csv"; then
        echo "FAIL $1: cells.csv differs"
        fail=1
    fi
    grep -q '"provenance"' "$3/report.json" || { echo "FAIL $1: no provenance"; fail=1; }
}
