#!/usr/bin/env bash
# The HTML report in a real browser (issue 6): every example audit
# (examples/*/*.yaml) and the golden report fixtures are rendered by this
# build, then tests/browser/check.mjs loads each page headless in Chromium from
# file:// and checks it (HTML5 validity, no request leaving the file, the DOM
# against report.json, charts titled and rendered, Hangul drawn with a CJK
# font, sorting) and keeps a full-page PNG and a PDF of each under
# $IAF_BUILD/artifacts/html-report/ (CI uploads that folder). The replication
# report (iaf replicate over the four US generators and the 50 Japanese rows,
# and the golden contract fixture) is loaded the same way and checked against
# its replication.json.
#
# Installs nothing: scripts/install-deps.sh --browser provides chromium,
# fonts-noto-cjk, node and tests/browser/node_modules. A missing Chromium is a
# failure, not a skip: `make test` installs it, so its absence is a broken install step.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}"
PYTHON=${PYTHON:-/usr/bin/python3}
CHROMIUM=${IAF_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
    echo "FAIL: $CHROMIUM is missing (scripts/install-deps.sh --browser installs it)"
    exit 1
fi
browser="$IAF_SRC/tests/browser"
if ! command -v node >/dev/null || [ ! -d "$browser/node_modules/playwright-core" ] ||
    [ ! -d "$browser/node_modules/html-validate" ]; then
    echo "FAIL: node or tests/browser/node_modules is missing: run scripts/install-deps.sh --browser" >&2
    exit 1
fi

work="$IAF_BUILD/html-browser"
art="$IAF_BUILD/artifacts/html-report"
rm -rf "$work" "$art"
mkdir -p "$work" "$art"
pages=()

cd "$IAF_SRC"
specs=$(grep -l '^iaf: 1' examples/*/*.yaml | sort)
# A sanitizer build renders with the same code, only slower: there the NPK
# example and the fixtures are enough (the normal build loads every example).
if grep -q '^IAF_SANITIZE:BOOL=ON' "$IAF_BUILD/CMakeCache.txt" 2>/dev/null; then
    specs=examples/npk/audit.yaml
fi
for spec in $specs; do
    name=$(echo "${spec#examples/}" | sed 's#/#-#g; s#\.yaml$##')
    extra=()
    case "$spec" in examples/npk/microdata.yaml | examples/npk/calibrate.yaml)
        # the microdata audits need the download: planted rows stand in for it
        [ -d "$work/npk-microdata-rows" ] ||
            "$PYTHON" tests/planted/gen_npk_micro.py --variant robust --rows 20000 --seed 1 \
                --shards 2 --out "$work/npk-microdata-rows"
        extra=(--microdata "$work/npk-microdata-rows/data")
        ;;
    esac
    if ! "$IAF" audit "$spec" "${extra[@]}" -o "$work/$name" -q --bootstrap 200 --format json,html \
        2>"$work/$name.err"; then
        echo "FAIL: iaf audit $spec failed:" >&2
        cat "$work/$name.err" >&2
        exit 1
    fi
    pages+=("$work/$name/report.html=$work/$name/report.json=$name")
done
[ ${#pages[@]} -gt 0 ] || { echo "FAIL: no example spec found under examples/" >&2; exit 1; }

# the golden fixtures: every report.json field the renderer knows, and the
# 2,120-category taxonomy
"$IAF" report tests/golden/html_contract/report.json -d "$work/contract" --format html
pages+=("$work/contract/report.html=$IAF_SRC/tests/golden/html_contract/report.json=golden-contract")
mkdir -p "$work/occupation"
cp tests/golden/html_occupation_2120/make_data.py tests/golden/html_occupation_2120/audit.yaml "$work/occupation/"
(cd "$work/occupation" && "$PYTHON" make_data.py &&
    "$IAF" audit audit.yaml -o out -q --bootstrap 200 --format json,html)
pages+=("$work/occupation/out/report.html=$work/occupation/out/report.json=golden-occupation-2120")

# the replication report: the US generators and the Japanese sample that is
# too small to decide; and the renderers' contract fixture
if ! "$IAF" replicate examples/us/synthpop_cart.yaml examples/us/sdv_ctgan.yaml examples/us/mostlyai.yaml \
    examples/us/private_gsd.yaml examples/jp/audit.yaml -o "$work/replication" -q --bootstrap 100 \
    2>"$work/replication.err"; then
    echo "FAIL: iaf replicate failed:" >&2
    cat "$work/replication.err" >&2
    exit 1
fi
pages+=("$work/replication/replication.html=$work/replication/replication.json=replication")
"$IAF" report tests/golden/html_replication/replication_contract.json -d "$work/replication-contract" --format html
pages+=("$work/replication-contract/replication.html=$IAF_SRC/tests/golden/html_replication/replication_contract.json=golden-replication-contract")

node "$browser/check.mjs" --out "$art" --chromium "$CHROMIUM" "${pages[@]}"
