"""iaf.compare: the `iaf compare --json` object of the tool on the same
inputs, and the same numbers from DataFrames and Arrow streams as from
files."""

import json
import os

import numpy as np
import pandas as pd
import pytest

import iaf
from arrow_stream import Column, Table
from conftest import run_tool

US = os.path.join("examples", "usa-nemotron", "data")
ROWS = os.path.join(US, "rows", "nemotron_usa_first55k.csv")


@pytest.fixture(autouse=True)
def in_src(src, monkeypatch):
    monkeypatch.chdir(src)  # relative paths, as the JSON records them


def tool_json(*args):
    return json.loads(run_tool("compare", *args, "--json").stdout)


def test_joint_with_bootstrap_is_the_tool(people_files):
    f = people_files["csv"]
    got = iaf.compare(f, f, ["sex", "occupation"], bootstrap=100, seed=11,
                      where="age < 40", reference_where="age >= 40", weight="w")
    want = tool_json(f, f, "--by", "sex,occupation", "--bootstrap", "100", "--seed", "11",
                     "--where", "age < 40", "--reference-where", "age >= 40", "--weight", "w")
    assert got.to_dict() == want
    assert got.verdict in ("PASS", "FLAG", "INCONCLUSIVE") and got.diagnosis
    assert got.metrics["tvd_joint"] == want["tvd_joint"]
    iv = got.intervals.set_index("metric")
    assert iv.loc["tvd_joint", "lo"] <= iv.loc["tvd_joint", "estimate"] <= iv.loc["tvd_joint", "hi"]
    assert list(got.screens["metric"]) == [s["metric"] for s in want["verdict"]["screens"]]
    assert len(got.cells) == len(want["cells"])


def test_count_table_reference_and_thresholds_are_the_tool():
    ref = os.path.join(US, "reference", "acs2018_sex.csv")
    got = iaf.compare(ROWS, ref, "sex", bootstrap=200, seed=5, thresholds={"tvd": 0.001})
    want = tool_json(ROWS, ref, "--by", "sex", "--bootstrap", "200", "--seed", "5",
                     "--threshold", "tvd=0.001")
    assert got.to_dict() == want
    assert want["n_reference"] is None and got.n_reference == float("inf")  # a full count
    # the rows as a DataFrame or an Arrow stream against the same count table
    df = pd.read_csv(ROWS, dtype={"sex": "category", "state": "category"})
    arrow = Table({"sex": Column.dictionary(list(df.sex.astype(str)), np.int8),
                   "state": Column.utf8(list(df.state.astype(str)))}, batch_rows=10000)
    for rows in (df, arrow):
        kw = dict(where='state != "PR"', bootstrap=200, seed=5)
        mem = iaf.compare(rows, ref, "sex", **kw).to_dict()
        fil = iaf.compare(ROWS, ref, "sex", **kw).to_dict()
        assert mem["inputs"]["synthetic"]["files"] in (["<DataFrame>"], ["<Arrow stream>"])
        assert mem["inputs"]["synthetic"]["where"] == 'state != "PR"'
        mem.pop("inputs")
        fil.pop("inputs")
        assert mem == fil
    nob = iaf.compare(ROWS, ref, "sex", bootstrap=0)
    assert nob.verdict is None and "bootstrap" in nob.no_verdict
    assert nob.intervals.empty
    assert "no verdict" in nob._repr_html_()


def test_dataframe_and_arrow_sides_equal_files(people, people_files):
    f = people_files["csv"]
    kw = dict(bootstrap=60, seed=2, where="kids > 0", reference_where="kids == 0")
    base = iaf.compare(f, f, ["region", "sex"], **kw).to_dict()
    base.pop("inputs")
    df = people.astype({"region": "category"})
    arrow = Table({"region": Column.dictionary(list(people.region), np.int16),
                   "sex": Column.utf8([v or None for v in people.sex], large=True),
                   "kids": Column.int64(list(people.kids))}, batch_rows=4000)
    for syn, ref in ((df, df), (arrow, f), (f, people)):
        got = iaf.compare(syn, ref, ["region", "sex"], **kw).to_dict()
        got.pop("inputs")
        assert got == base
        if not isinstance(syn, Table):
            continue
        arrow = Table(arrow.columns, batch_rows=4000)  # a stream is read once


def test_compare_errors(people, people_files):
    f = people_files["csv"]
    with pytest.raises(iaf.InvalidError):
        iaf.compare(f, f, ["sex", "region", "kids"], bootstrap=0)
    with pytest.raises(iaf.Error) as e:
        iaf.compare(f, "nope.csv", "sex", bootstrap=0)
    assert "nope.csv" in str(e.value)
    with pytest.raises(ValueError, match="thresholds"):
        iaf.compare(f, f, "sex", thresholds={"nope": 1})
    with pytest.raises(ValueError, match="count table"):
        iaf.compare(people, f, "sex", form="counts")
