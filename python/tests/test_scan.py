"""iaf.scan: the pairs of `iaf scan --json` on the same file, the same from
a DataFrame, a reference, and Ctrl-C between pairs."""

import json
import os

import pandas as pd
import pytest

import iaf
from iaf import _iaf
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
