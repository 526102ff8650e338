"""iaf.scan: the pairs of `iaf scan --json` on the same file, the same from
a DataFrame and an Arrow stream (read where they are, no file between), a
reference, and Ctrl-C between pairs."""

import json
import os

import numpy as np
import pandas as pd
import pytest

import iaf
from iaf import _iaf
from arrow_stream import Column, Table
from conftest import run_tool

ROWS = os.path.join("examples", "usa-nemotron", "data", "rows", "nemotron_usa_first55k.csv")


@pytest.fixture(autouse=True)
def in_src(src, monkeypatch):
    monkeypatch.chdir(src)


def test_scan_is_the_tool_and_a_dataframe_agrees():
    got = iaf.scan(ROWS, null=60, seed=9)
    want = json.loads(run_tool("scan", ROWS, "--json", "--null", "60", "--seed", "9").stdout)
    assert got.to_dict("records") == want["pairs"]
    rest = {k: v for k, v in want.items() if k != "pairs"}
    assert got.attrs == rest
    assert got["dep_tvd"].is_monotonic_decreasing
    df = pd.read_csv(ROWS, dtype={"state": "category", "sex": "category"})
    same = iaf.scan(df, null=60, seed=9)
    assert same.equals(got) and same.attrs == got.attrs


def test_scan_with_a_reference_and_columns(people_files):
    f = people_files["csv"]
    got = iaf.scan(f, reference=f, columns=["region", "sex", "occupation"], null=40,
                   bootstrap=50, where="age >= 20")
    want = json.loads(run_tool("scan", f, "--reference", f, "--columns", "region,sex,occupation",
                               "--null", "40", "--bootstrap", "50", "--where", "age >= 20",
                               "--json").stdout)
    assert got.to_dict("records") == want["pairs"]
    # sex x occupation was generated dependent: never a footprint candidate
    row = got[(got.x == "sex") & (got.y == "occupation")].iloc[0]
    assert not row["footprint_candidate"] and row["dep_tvd"] > 0.1


def test_scan_interrupt_and_errors(people_files):
    f = people_files["csv"]
    _iaf._set_test_interrupt(0)
    try:
        with pytest.raises(KeyboardInterrupt):
            iaf.scan(f, columns=["region", "sex", "occupation", "kids"], null=40)
    finally:
        _iaf._set_test_interrupt(-1)
    with pytest.raises(iaf.InvalidError):
        iaf.scan(f, columns=["region"])
    with pytest.raises(iaf.Error) as e:
        iaf.scan(f, columns=["region", "nope"])
    assert "nope" in str(e.value)
    with pytest.raises(TypeError):
        iaf.scan(object())


def assert_close(got, want, what, rel=1e-9):
    """Equal structures, floats within a relative tolerance."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), what
        for k in want:
            assert_close(got[k], want[k], (what, k), rel)
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), what
        for g, w in zip(got, want):
            assert_close(g, w, what, rel)
    elif isinstance(want, float) and not isinstance(want, bool):
        assert got == pytest.approx(want, rel=rel, abs=1e-12, nan_ok=True), what
    else:
        assert got == want, what


def _people_arrow(people, batch_rows):
    # dictionary-encoded and large strings, integers and floats, cut into batches
    return Table({"region": Column.dictionary(list(people.region), np.int8),
                  "sex": Column.utf8([v or None for v in people.sex], large=True),
                  "occupation": Column.dictionary(list(people.occupation), np.int32, large=True),
                  "age": Column.int64(list(people.age)),
                  "kids": Column.int32(list(people.kids)),
                  "w": Column.float64(list(people.w))}, batch_rows=batch_rows)


@pytest.mark.parametrize("batch_rows", [997, 20000])
def test_scan_of_a_file_a_dataframe_and_an_arrow_stream_agree(people, people_files, batch_rows):
    f = people_files["csv"]
    want = json.loads(run_tool("scan", f, "--json", "--null", "40", "--seed", "3").stdout)
    for data in (f, people_files["dir"], people, people.astype({"region": "category"}),
                 _people_arrow(people, batch_rows)):
        got = iaf.scan(data, null=40, seed=3)
        assert got.to_dict("records") == want["pairs"], type(data)
        assert got.attrs == {k: v for k, v in want.items() if k != "pairs"}, type(data)
    # the probe: identifiers, weights and one-valued columns skipped alike
    assert {s["column"] for s in want["skipped"]} == {"w"}
    # a weighted scan with a filter, and an in-memory reference against the file one
    args = dict(weight="w", where="age >= 30", null=30, seed=4, bootstrap=50,
                columns=["region", "sex", "occupation"])
    want = json.loads(run_tool("scan", f, "--weight", "w", "--where", "age >= 30", "--null",
                               "30", "--seed", "4", "--bootstrap", "50", "--columns",
                               "region,sex,occupation", "--reference", f, "--json").stdout)
    for data, ref in ((people, f), (f, people), (_people_arrow(people, batch_rows),
                                                 _people_arrow(people, 3001))):
        got = iaf.scan(data, reference=ref, **args)
        # weights are summed in the order the input's parts are read: the last bits of a
        # weighted sum may differ between a file and batches in memory
        assert_close(got.to_dict("records"), want["pairs"], (type(data), type(ref)))
        ref_name = got.attrs.pop("reference")
        assert ref_name == (f if isinstance(ref, str) else
                            "<DataFrame>" if isinstance(ref, pd.DataFrame) else "<Arrow stream>")
        assert got.attrs == {k: v for k, v in want.items() if k not in ("pairs", "reference")}


def test_scan_of_in_memory_data_errors(people):
    with pytest.raises(iaf.InvalidError) as e:
        iaf.scan(people, columns=["region", "nope"])
    assert e.value.file == "<DataFrame>" and "nope" in str(e.value)
    t = Table({"n": Column.int64([1, None, 2, 1]), "s": Column.utf8(["a", "b", "c", "d"]),
               "r": Column.utf8(["x", "y", "x", "y"])})
    with pytest.raises(iaf.ParseError) as e:
        iaf.scan(t, weight="n", columns=["s", "r"])
    assert e.value.file == "<Arrow stream>"
    with pytest.raises(ValueError, match="microdata"):
        iaf.scan(people, reference=people, reference_form="counts")
