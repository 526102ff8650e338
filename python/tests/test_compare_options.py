"""iaf.compare's recodes and bins (`iaf compare --recode/--bin`) and count
tables held in memory (`counts=`, `reference_counts=`, and DataFrames as the
tables of an audit spec dict): the tool's numbers on the same inputs, the
table written as CSV, and the same errors."""

import json
import os

import numpy as np
import pandas as pd
import pytest

import iaf
from arrow_stream import Column, Table
from conftest import run_tool


def tool_json(*args):
    return json.loads(run_tool("compare", *args, "--json").stdout)


def without_inputs(d):
    d = dict(d)
    d.pop("inputs")
    return d


def test_recode_and_bins_are_the_tool(people, people_files):
    f = people_files["csv"]
    kw = dict(bootstrap=60, seed=7, where="kids > 0", reference_where="kids == 0")
    targs = ["--bootstrap", "60", "--seed", "7", "--where", "kids > 0",
             "--reference-where", "kids == 0"]
    # a recode (unlisted values kept) and bins with a last band to infinity, on a joint
    got = iaf.compare(f, f, ["sex", "age"], recode={"sex": {"F": "female", "M": "male"}},
                      bins={"age": [15, 30, 65, float("inf")]}, **kw)
    want = tool_json(f, f, "--by", "sex,age", "--recode", "sex:F=female,M=male",
                     "--bin", "age:15,30,65,inf", *targs)
    assert got.to_dict() == want
    assert set(got.cells["y"]) == {"15-29", "30-64", "65+"}
    assert {"female", "male"} <= set(got.cells["x"])
    # the same from a DataFrame and from an Arrow stream, against the file
    arrow = Table({"sex": Column.utf8([v or None for v in people.sex], large=True),
                   "age": Column.int64(list(people.age)),
                   "kids": Column.int32(list(people.kids))}, batch_rows=3000)
    for syn, ref in ((people, f), (arrow, people), (f, people.astype({"sex": "category"}))):
        mem = iaf.compare(syn, ref, ["sex", "age"], recode={"sex": {"F": "female", "M": "male"}},
                          bins={"age": ["15", 30, 65, "inf"]}, **kw)
        assert without_inputs(mem.to_dict()) == without_inputs(want)
    # non-string values of a recode are written as iaf writes them; non-whole edges
    got = iaf.compare(f, f, "kids", recode={"kids": {0: "none", 1.0: "one"}}, bootstrap=60,
                      seed=7, where="age < 50")
    want = tool_json(f, f, "--by", "kids", "--recode", "kids:0=none,1=one", "--bootstrap", "60",
                     "--seed", "7", "--where", "age < 50")
    assert got.to_dict() == want
    got = iaf.compare(people, f, "age", bins={"age": [-np.inf, 20.5, 40]}, **kw)
    want = tool_json(f, f, "--by", "age", "--bin", "age:-inf,20.5,40", *targs)
    assert without_inputs(got.to_dict()) == without_inputs(want)
    assert list(got.cells["x"]) == ["[-inf,20.5)", "[20.5,40)"]


@pytest.mark.parametrize("kw,tool,match", [
    (dict(recode={"age": {"1": "2"}}), ["--recode", "age:1=2"], "not an attribute"),
    (dict(recode={"sex": {"F": "f"}}, bins={"sex": [0, 1]}),
     ["--recode", "sex:F=f", "--bin", "sex:0,1"], "one recode or bins"),
    (dict(bins={"sex": [3, 2]}), ["--bin", "sex:3,2"], "edges must increase"),
    (dict(bins={"sex": [3]}), ["--bin", "sex:3"], "at least two edges"),
    (dict(recode={"sex": {}}), ["--recode", "sex:"], "recode or bin edges"),
])
def test_recode_and_bin_errors_are_the_tools(people_files, kw, tool, match):
    f = people_files["csv"]
    with pytest.raises(iaf.InvalidError, match=match):
        iaf.compare(f, f, "sex", bootstrap=0, **kw)
    p = run_tool("compare", f, f, "--by", "sex", *tool, check=False)
    assert p.returncode == 2 and p.stderr
    with pytest.raises(ValueError, match="edge 'x' is not a number"):
        iaf.compare(f, f, "sex", bins={"sex": [0, "x"]})
    assert "is not a number" in run_tool("compare", f, f, "--by", "sex", "--bin", "sex:0,x",
                                         check=False).stderr
    with pytest.raises(TypeError):
        iaf.compare(f, f, "sex", recode={"sex": ["F", "f"]})


def test_count_tables_in_memory_are_the_tool(people, people_files, tmp_path):
    f = people_files["csv"]
    # aggregated data as iaf.count gives it (missing as NaN), with another category column
    # that the comparison sums over, and the count column named n
    table = iaf.count(f, ["region", "sex", "kids"]).rename(columns={"count": "n"})
    path = tmp_path / "table.csv"
    table.to_csv(path, index=False)
    by = ["region", "sex"]
    kw = dict(bootstrap=80, seed=3)
    targs = ["--by", "region,sex", "--bootstrap", "80", "--seed", "3"]
    # a reference table (fixed: a full count) against microdata
    want = tool_json(f, str(path), *targs)
    assert want["inputs"]["reference"]["form"] == "counts" and want["n_reference"] is None
    for syn in (f, people):
        got = iaf.compare(syn, table, by, reference_counts="n", **kw).to_dict()
        assert got["inputs"]["reference"]["files"] == ["<DataFrame>"]
        assert got["inputs"]["reference"]["form"] == "counts"
        assert without_inputs(got) == without_inputs(want)
    # a synthetic table, with its own n, and both sides tables; any name of the column
    want = tool_json(str(path), f, *targs, "--reference-where", "kids > 1")
    got = iaf.compare(table.rename(columns={"n": "persons"}), f, by, counts="persons",
                      reference_where="kids > 1", **kw)
    assert without_inputs(got.to_dict()) == without_inputs(want)
    assert got.n_synthetic == len(people)
    want = tool_json(str(path), str(path), *targs, "--reference-n", "500")
    got = iaf.compare(table, table, by, counts="n", reference_counts="n", reference_n=500, **kw)
    assert without_inputs(got.to_dict()) == without_inputs(want)


def test_count_table_errors(people, people_files):
    f = people_files["csv"]
    table = iaf.count(f, ["region", "sex"])
    with pytest.raises(iaf.InvalidError, match="no count column 'n'"):
        iaf.compare(f, table, "sex", reference_counts="n")
    with pytest.raises(iaf.InvalidError, match="not numeric"):
        iaf.compare(f, table, "sex", reference_counts="region")
    with pytest.raises(ValueError, match="not microdata"):
        iaf.compare(f, table, "sex", reference_counts="count", reference_form="microdata")
    with pytest.raises(ValueError, match="reference_counts"):
        iaf.compare(f, table, "sex", reference_form="counts")
    with pytest.raises(TypeError, match="pandas DataFrame"):
        iaf.compare(f, Table({"sex": Column.utf8(["F"]), "count": Column.int64([1])}), "sex",
                    reference_counts="count")
    # what the reader refuses in a file it refuses here, located in the table
    bad = table.copy()
    bad.loc[1, "count"] = -4
    with pytest.raises(iaf.ParseError) as e:
        iaf.compare(f, bad, "sex", reference_counts="count")
    assert e.value.file == "<DataFrame>" and e.value.line == 3 and "negative" in str(e.value)


def test_audit_spec_dict_with_dataframe_tables(src, monkeypatch, tmp_path):
    monkeypatch.chdir(src)
    us = os.path.join(src, "examples", "usa-nemotron", "data")
    ref_file = os.path.join(us, "reference", "acs2018_sex.csv")

    def spec(file):
        return {"iaf": 1, "name": "sex against ACS 2018",
                "dataset": {"title": "first rows", "licence": "CC BY 4.0",
                            "microdata": [os.path.join(us, "rows",
                                                       "nemotron_usa_first55k.csv")]},
                "references": [{"id": "acs", "file": file, "publisher": "U.S. Census Bureau",
                                "table": "B01001", "year": "2018", "universe": "US",
                                "licence": "US public domain"}],
                "checks": [{"id": "sex", "kind": "marginal", "attributes": ["sex"],
                            "reference": "acs", "universe": 'state != "PR"',
                            "disclosure": "none"}]}
    # the tool on the spec with the table's file, Python with the table as a DataFrame
    spec_path = tmp_path / "spec.yaml"
    with open(spec_path, "w", encoding="utf-8") as f:
        json.dump(spec(ref_file), f)
    run_tool("audit", str(spec_path), "--out", str(tmp_path / "out"), "--seed", "4",
             "--bootstrap", "200")
    want = pd.read_csv(tmp_path / "out" / "cells.csv", keep_default_na=False, na_values=[""])
    table = pd.read_csv(ref_file)
    rep = iaf.audit(spec(table), seed=4, bootstrap=200)
    pd.testing.assert_frame_equal(rep.cells, want)
    with open(tmp_path / "out" / "report.json", encoding="utf-8") as f:
        tool_checks = json.load(f)["checks"]
    assert [c["verdict"] for c in rep.to_dict()["checks"]] == [c["verdict"] for c in tool_checks]
    assert not [n for n in os.listdir(".") if n.startswith(".iaf-")]  # nothing left behind
    assert "<DataFrame acs>" in [i["path"] for i in rep.to_dict()["reproducibility"]["inputs"]]
    bad = table.copy()
    bad.loc[0, "count"] = -1
    with pytest.raises(iaf.ParseError) as e:
        iaf.audit(spec(bad), seed=4, bootstrap=200)
    assert e.value.file == "<DataFrame acs>" and e.value.line == 2 and "negative" in str(e.value)


def test_audit_spec_file_with_tables_in_memory(src):
    # the golden small audit, its share table given as a DataFrame instead of its file
    d = os.path.join(src, "tests", "golden", "html_audit_small")
    spec = os.path.join(d, "audit.yaml")
    want = iaf.audit(spec, seed=2, bootstrap=100)
    table = pd.read_csv(os.path.join(d, "ref_sex.csv"))
    got = iaf.audit(spec, tables={"ref_sex": table}, seed=2, bootstrap=100)
    pd.testing.assert_frame_equal(got.checks, want.checks)
    pd.testing.assert_frame_equal(got.cells, want.cells)
    # a different table gives different numbers: it is read, not the file
    other = table.assign(share=table.share[::-1].to_numpy())
    changed = iaf.audit(spec, tables={"ref_sex": other}, seed=2, bootstrap=100)
    assert not changed.cells.equals(want.cells)
    with pytest.raises(iaf.InvalidError, match="no reference or dataset table 'nope'"):
        iaf.audit(spec, tables={"nope": table})
    with pytest.raises(TypeError):
        iaf.audit(spec, tables={"ref_sex": [1, 2]})
