"""iaf.audit and its Report: the same report as `iaf audit` on the NPK
example (every file, byte for byte, but the command line it records), a
spec given as a dict, the checks as a DataFrame, and the HTML report
inline in a notebook as one self-contained element."""

import html
import json
import os
import re

import pandas as pd
import pytest

import iaf
from conftest import run_tool

SEED, B = 7, 200


def without_command_line(name, data):
    text = data.decode("utf-8")
    if name == "report.json":
        d = json.loads(text)
        d["reproducibility"].pop("command_line")
        return d
    return "\n".join(line for line in text.split("\n") if "Command line" not in line)


@pytest.fixture(scope="module")
def npk(src, tmp_path_factory, request):
    cli_out = tmp_path_factory.mktemp("npk-cli")
    py_out = tmp_path_factory.mktemp("npk-py")
    old = os.getcwd()
    os.chdir(src)  # both read the spec by the same relative path, as report.json records it
    try:
        head = run_tool("audit", "examples/npk/audit.yaml", "-o", str(cli_out), "--seed",
                        str(SEED), "--bootstrap", str(B)).stdout
        rep = iaf.audit("examples/npk/audit.yaml", out=str(py_out), seed=SEED, bootstrap=B)
    finally:
        os.chdir(old)
    return rep, str(cli_out), str(py_out), head


def test_npk_same_report_as_the_tool(npk):
    rep, cli_out, py_out, _ = npk
    for name in ("report.json", "report.md", "report.html", "cells.csv"):
        with open(os.path.join(cli_out, name), "rb") as f:
            want = f.read()
        with open(os.path.join(py_out, name), "rb") as f:
            got = f.read()
        assert without_command_line(name, got) == without_command_line(name, want), name
    d = rep.to_dict()
    assert d["reproducibility"]["command_line"] == "iaf.audit('examples/npk/audit.yaml')"
    assert rep.to_json().encode() == open(os.path.join(py_out, "report.json"), "rb").read()
    # files as the user's other files (the umask's mode), and no temporary left behind
    mask = os.umask(0)
    os.umask(mask)
    assert sorted(os.listdir(py_out)) == ["cells.csv", "report.html", "report.json", "report.md"]
    for name in os.listdir(py_out):
        assert os.stat(os.path.join(py_out, name)).st_mode & 0o777 == 0o666 & ~mask


def test_checks_frame_is_the_headline(npk):
    rep, cli_out, _, head = npk
    with open(os.path.join(cli_out, "report.json"), encoding="utf-8") as f:
        d = json.load(f)
    checks = rep.checks
    assert list(checks.columns) == ["check", "kind", "verdict", "diagnosis", "metric",
                                    "estimate", "lo", "hi"]
    assert len(checks) == len(d["headline"])
    by_id = {c["id"]: c for c in d["checks"]}
    assert checks["check"].tolist() == [h["check"] for h in d["headline"]]
    for row in checks.itertuples():
        assert by_id[row.check]["kind"] == row.kind
    assert set(checks["verdict"].dropna()) <= {"PASS", "FLAG", "INCONCLUSIVE"}
    assert (checks["verdict"] == "FLAG").sum() > 0  # the NPK audit flags several checks
    ok = checks.dropna(subset=["estimate", "lo", "hi"])
    assert len(ok) > 0 and ((ok.lo <= ok.estimate + 1e-12) & (ok.estimate <= ok.hi + 1e-12)).all()
    cells = rep.cells
    assert len(cells) == len(pd.read_csv(os.path.join(cli_out, "cells.csv")))
    assert "PASS" in repr(rep) or "FLAG" in repr(rep)
    # the headline the command prints (before it names the files it wrote)
    assert head.startswith(rep.headline) and "\nreports in " in head[len(rep.headline):]


def test_repr_html_is_a_self_contained_page(npk):
    """What Jupyter shows: one iframe whose srcdoc is the whole report.html, with no
    reference to anything outside it."""
    rep, _, py_out, _ = npk
    out = rep._repr_html_()
    m = re.fullmatch(r'<iframe [^>]*srcdoc="([^"]*)"></iframe>', out, re.S)
    assert m, out[:200]
    page = html.unescape(m.group(1))
    with open(os.path.join(py_out, "report.html"), encoding="utf-8") as f:
        assert page == f.read()
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "<style" in page and "</html>" in page
    # self-contained: no external script, stylesheet, image, font or frame
    for pat in (r'<script[^>]+src=', r'<link[^>]+href=', r'<img[^>]+src=["\']?(https?:|//)',
                r'url\(\s*["\']?(https?:|//)', r'@import', r'<iframe'):
        assert not re.search(pat, page, re.I), pat


def test_load_report_renders_the_same(npk):
    rep, _, py_out, _ = npk
    back = iaf.load_report(os.path.join(py_out, "report.json"))
    assert back.to_html() == rep.to_html()
    assert back.to_json() == rep.to_json()
    assert back.checks.equals(rep.checks)
    with pytest.raises(iaf.UnsupportedError):
        back.headline
    with pytest.raises(iaf.Error, match="schema"):
        iaf.load_report(b'{"schema": "iaf-report/9"}')


def small_spec(src):
    g = os.path.join(src, "tests", "golden", "html_audit_small")
    return {
        "iaf": 1,
        "name": "a spec as a dict",
        "dataset": {"title": "golden personas", "licence": "CC0",
                    "microdata": [os.path.join(g, "personas.csv")]},
        "references": [{"id": "ref_sex", "file": os.path.join(g, "ref_sex.csv"),
                        "publisher": "Test Statistics Office", "table": "sex of adults",
                        "year": "2024", "universe": "adults", "licence": "CC0",
                        "full_count": True}],
        "checks": [{"id": "sex_marginal", "kind": "marginal", "attributes": ["sex"],
                    "reference": "ref_sex", "disclosure": "none"}],
    }


def test_spec_as_a_dict_equals_the_file(src, tmp_path):
    spec = small_spec(src)
    path = tmp_path / "spec.yaml"
    path.write_text(json.dumps(spec, indent=2))  # JSON is YAML
    from_dict = iaf.audit(spec, seed=3, bootstrap=100, base=str(tmp_path))
    run_tool("audit", str(path), "-o", str(tmp_path / "cli"), "-q", "--seed", "3",
             "--bootstrap", "100")
    with open(tmp_path / "cli" / "report.json", encoding="utf-8") as f:
        want = json.load(f)
    got = from_dict.to_dict()
    assert got["checks"] == want["checks"] and got["headline"] == want["headline"]
    assert from_dict.checks["check"].tolist() == ["sex_marginal"]
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".iaf-spec-")]


def test_spec_errors_are_located(src, tmp_path):
    spec = small_spec(src)
    spec["checks"][0]["kind"] = "marginall"
    with pytest.raises(iaf.Error) as e:
        iaf.audit(spec, base=str(tmp_path))
    assert e.value.file == "<spec dict>" and e.value.line > 0
    assert "<spec dict>" in str(e.value)
    bad = tmp_path / "bad.yaml"
    bad.write_text("iaf: 1\nchecks: [\n")
    with pytest.raises(iaf.Error) as e:
        iaf.audit(str(bad))
    assert e.value.file == str(bad) and e.value.line >= 2
    with pytest.raises(iaf.IOError_):
        iaf.audit(str(tmp_path / "none.yaml"))


def test_ctrl_c_stops_an_audit(src, monkeypatch):
    from iaf import _iaf
    import time
    monkeypatch.chdir(src)
    _iaf._set_test_interrupt(3)  # SIGINT at the fourth question: between checks
    t0 = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            iaf.audit("examples/npk/audit.yaml", seed=SEED, bootstrap=B)
    finally:
        _iaf._set_test_interrupt(-1)
    assert time.monotonic() - t0 < 5
