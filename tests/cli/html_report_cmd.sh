#!/usr/bin/env bash
# `iaf report` and the report files of `iaf audit` (issue 6), without a browser:
# usage errors, located errors for bad input, byte-identical re-rendering,
# --format selection, and the structure of report.html checked with Python's
# html.parser (independent of the renderer): no resource reference, every <svg>
# with role="img" and the <title>/<desc> it names, header cells in every table,
# unique ids, internal links that resolve, and the Markdown linking to them.
set -euo pipefail
: "${IAF:?}" "${IAF_SRC:?}" "${IAF_BUILD:?}"
PYTHON=${PYTHON:-/usr/bin/python3}
work="$IAF_BUILD/html-report-cmd"
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() { # expect_rc RC CMD... ; stderr kept in $work/err
    local want=$1 rc=0
    shift
    "$@" >"$work/out" 2>"$work/err" || rc=$?
    [ "$rc" = "$want" ] || { cat "$work/err" >&2; fail "exit $rc (want $want): $*"; }
}

small="$IAF_SRC/tests/golden/html_audit_small"
(cd "$small" && "$IAF" audit audit.yaml -o "$work/a" -q --bootstrap 200)
for f in report.json report.md report.html cells.csv; do [ -s "$work/a/$f" ] || fail "audit did not write $f"; done

# re-rendering a saved report gives the same bytes
"$IAF" report "$work/a/report.json" --format html,md,csv -d "$work/b"
for f in report.md report.html cells.csv; do
    cmp -s "$work/a/$f" "$work/b/$f" || fail "iaf report: $f differs from what iaf audit wrote"
done
# default: report.html next to the JSON; -o - is stdout
cp "$work/a/report.json" "$work/c.json"
mkdir -p "$work/c" && cp "$work/a/report.json" "$work/c/report.json"
"$IAF" report "$work/c/report.json"
cmp -s "$work/a/report.html" "$work/c/report.html" || fail "default output"
"$IAF" report "$work/c.json" --format md -o - >"$work/stdout.md"
cmp -s "$work/a/report.md" "$work/stdout.md" || fail "-o - (stdout)"

# usage errors (exit 2) and data errors (exit 1, located)
expect_rc 2 "$IAF" report
expect_rc 2 "$IAF" report "$work/c.json" --format html,md -o x.html
expect_rc 2 "$IAF" report "$work/c.json" --format pdf
expect_rc 2 "$IAF" audit "$small/audit.yaml" --format json,pdf
expect_rc 1 "$IAF" report "$work/missing.json"
printf '{"schema": "iaf-report/1",\n "name": }\n' >"$work/bad.json"
expect_rc 1 "$IAF" report "$work/bad.json" -o "$work/bad.html"
grep -q "bad.json:2:" "$work/err" || fail "a syntax error names file and line: $(cat "$work/err")"
grep -q "invalid JSON" "$work/err" || fail "syntax error message: $(cat "$work/err")"
[ ! -e "$work/bad.html" ] || fail "a failed render wrote its output"
printf '{"schema": "iaf-report/9"}\n' >"$work/v9.json"
expect_rc 1 "$IAF" report "$work/v9.json"
grep -q "schema is 'iaf-report/9'" "$work/err" || fail "schema error: $(cat "$work/err")"
printf '[1, 2]\n' >"$work/arr.json"
expect_rc 1 "$IAF" report "$work/arr.json"
# a minimal report renders (every field optional but the schema)
printf '{"schema": "iaf-report/1"}\n' >"$work/min.json"
"$IAF" report "$work/min.json" --format html,md,csv -d "$work/min"

# the report model's loader is strict about what it types (schema version,
# headline rows, checks: docs/report-schema.md) and refuses those with the
# member named; below a check, members of the wrong type, nulls and missing
# members must render. Either way: exit 0 or a located exit 1, never a crash
# (this runs under ASan/UBSan in the sanitizer build)
printf '{"schema": "iaf-report/1", "checks": [{"id": "a", "kind": "joint"}, {"id": 7}]}\n' \
    >"$work/shape.json"
expect_rc 1 "$IAF" report "$work/shape.json"
grep -q "shape.json: checks\[1\].id: expected a string, found a number" "$work/err" ||
    fail "shape error: $(cat "$work/err")"
printf '{"schema": "iaf-report/1", "headline": {}}\n' >"$work/shape2.json"
expect_rc 1 "$IAF" report "$work/shape2.json"
grep -q "headline: expected an array, found an object" "$work/err" || fail "shape: $(cat "$work/err")"
"$PYTHON" - "$IAF_SRC/tests/golden/html_contract/report.json" "$work/mut" <<'PY'
import json, os, random, sys
src, out = sys.argv[1:3]
os.makedirs(out, exist_ok=True)
doc = json.load(open(src, encoding="utf-8"))
rng = random.Random(6)
paths = []
def walk(v, path):
    paths.append(path)
    if isinstance(v, dict):
        for k, x in v.items():
            walk(x, path + [k])
    elif isinstance(v, list):
        for i, x in enumerate(v[:3]):
            walk(x, path + [i])
walk(doc, [])
paths = [p for p in paths if p and p != ["schema"]]
weird = [None, 0, -1, 1e308, "", "x", [], {}, [None], {"lo": "a"}, True, "\u0001<&>"]
for n in range(60):
    d = json.loads(json.dumps(doc))
    for _ in range(8):
        p = rng.choice(paths)
        try:
            t = d
            for k in p[:-1]:
                t = t[k]
            t[p[-1]] = rng.choice(weird)
        except (KeyError, IndexError, TypeError):
            pass
    json.dump(d, open(f"{out}/{n:02d}.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
nrendered=0
for f in "$work"/mut/*.json; do
    rc=0
    "$IAF" report "$f" --format html,md,csv -d "$work/mut/out" 2>"$work/err" || rc=$?
    if [ $rc -eq 0 ]; then
        nrendered=$((nrendered + 1))
    elif [ $rc -ne 1 ] || ! grep -Eq "^iaf: .*\.json: (headline|checks|report)[][0-9a-z_.]*: expected" "$work/err"; then
        fail "iaf report on the mutated report $f: exit $rc, $(cat "$work/err")"
    fi
done
[ $nrendered -ge 20 ] || fail "only $nrendered of 60 mutated reports rendered"

# --format selects the files iaf audit writes
(cd "$small" && "$IAF" audit audit.yaml -o "$work/only" -q --bootstrap 200 --format html)
[ "$(ls "$work/only")" = report.html ] || fail "--format html wrote: $(ls "$work/only")"

"$PYTHON" - "$work/a/report.html" "$work/a/report.md" "$work/a/report.json" "$work/min/report.html" \
    "$IAF_SRC/tests/golden/html_contract/expected/out/report.html" <<'PY'
import json
import re
import sys
from html.parser import HTMLParser

html_path, md_path, json_path = sys.argv[1:4]
failures = []


class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.hrefs, self.stack, self.svgs = {}, [], [], []
        self.tables, self.lang, self.charset = [], None, False
        self.cur_svg = None
        self.text_in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "meta" and a.get("charset", "").lower() == "utf-8":
            self.charset = True
        for bad in ("src", "srcset", "background", "poster"):
            if bad in a:
                failures.append(f"<{tag} {bad}=...> loads a resource")
        if tag in ("link", "img", "iframe", "object", "embed", "audio", "video"):
            failures.append(f"<{tag}> may load a resource")
        if "style" in a and re.search(r"url\s*\(", a["style"]):
            failures.append("url() in a style attribute")
        if "id" in a:
            if a["id"] in self.ids:
                failures.append(f"duplicate id {a['id']}")
            self.ids[a["id"]] = tag
        if tag == "a" and a.get("href", "").startswith("#"):
            self.hrefs.append(a["href"][1:])
        if tag == "svg":
            self.cur_svg = {"attrs": a, "children": {}, "depth": len(self.stack)}
            self.svgs.append(self.cur_svg)
        elif self.cur_svg is not None and len(self.stack) == self.cur_svg["depth"] + 1 and tag in ("title", "desc"):
            self.cur_svg["children"][tag] = (a.get("id"), "")
            self.text_in = (self.cur_svg, tag)
        if tag == "table":
            self.tables.append(0)
        if tag == "th" and self.tables:
            self.tables[-1] += 1
        if tag not in ("meta", "br", "input", "hr", "col", "wbr"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if self.text_in and tag == self.text_in[1]:
            self.text_in = None
        if tag == "svg":
            self.cur_svg = None
        if tag == "table" and self.tables:
            if self.tables.pop() == 0:
                failures.append("a table without header cells")
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        if self.text_in:
            svg, t = self.text_in
            i, txt = svg["children"][t]
            svg["children"][t] = (i, txt + data)


def check_html(path, doc=None):
    global failures
    before = len(failures)
    text = open(path, encoding="utf-8").read()
    if re.search(r"url\s*\(|@import", text):
        failures.append("url() or @import in the page")
    c = Check()
    c.feed(text)
    if not text.startswith("<!DOCTYPE html>\n"):
        failures.append("no doctype")
    if not c.lang or not c.charset:
        failures.append("no <html lang> or <meta charset=utf-8>")
    for n, svg in enumerate(c.svgs):
        a = svg["attrs"]
        if a.get("role") != "img":
            failures.append(f"svg {n}: role is {a.get('role')}")
        named = (a.get("aria-labelledby") or "").split()
        for t in ("title", "desc"):
            i, txt = svg["children"].get(t, (None, ""))
            if not txt.strip():
                failures.append(f"svg {n}: empty or missing <{t}>")
            if i not in named:
                failures.append(f"svg {n}: aria-labelledby does not name its <{t}>")
    for h in c.hrefs:
        if h not in c.ids:
            failures.append(f"internal link #{h} has no target")
    if doc is not None:
        rows = len(re.findall(r'<tr class="hl"', text))
        if rows != len(doc["headline"]):
            failures.append(f"{rows} headline rows, report.json has {len(doc['headline'])}")
    for f in failures[before:]:
        print(f"FAIL {path}: {f}")
    return c


doc = json.load(open(json_path, encoding="utf-8"))
c = check_html(html_path, doc)
for extra in sys.argv[4:]:
    check_html(extra)

# the Markdown: one table row per check, each linking to an existing panel
md = open(md_path, encoding="utf-8").read()
# (the answer sentences at the top link their checks too)
links = sorted(set(re.findall(r"\]\(report\.html#([^)]+)\)", md)))
if len(links) != len(doc["headline"]):
    failures.append(f"report.md links {len(links)} checks, report.json has {len(doc['headline'])}")
for l in links:
    if l not in c.ids:
        failures.append(f"report.md links #{l}, which report.html does not have")
for h in doc["headline"]:
    if h["verdict"] and f"**{h['verdict']}**" not in md:
        failures.append(f"report.md lacks the verdict of {h['check']}")
if failures:
    sys.exit(1)
print(f"report.html: {len(c.svgs)} charts, {len(c.ids)} ids, {len(c.hrefs)} internal links; report.md: {len(links)} links")
PY
echo "html_report_cmd: ok"
