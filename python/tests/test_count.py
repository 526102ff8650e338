"""iaf.count: the same tables as `iaf count` on the same files, the same
tables from a DataFrame, files and an Arrow stream, and pandas' own
group-by as an independent oracle."""

import os

import numpy as np
import pandas as pd
import pytest

import iaf
from arrow_stream import Column, Table
from conftest import as_text, tool_count

BY = [["sex"], ["region", "sex"], ["sex", "occupation", "kids"], ["age"]]


def oracle(df, by, where=None, weight=None):
    """pandas group-by, missing ("" or NaN) as one category, sorted by UTF-8 bytes."""
    d = df if where is None else df.query(where)
    keys = d[by].astype(object).where(d[by].notna(), "").astype(str)
    g = (d[weight] if weight else pd.Series(1, index=d.index)).groupby(
        [keys[c] for c in by]).sum()
    out = g.reset_index()
    out.columns = by + ["count"]
    order = sorted(range(len(out)), key=lambda i: [out.iloc[i][c].encode() for c in by])
    return out.iloc[order].reset_index(drop=True)


@pytest.mark.parametrize("by", BY)
def test_csv_matches_the_tool_and_pandas(people, people_files, by):
    got = as_text(iaf.count(people_files["csv"], by))
    want = tool_count(people_files["csv"], "--by", ",".join(by))
    pd.testing.assert_frame_equal(got, want)
    o = oracle(people, by)
    assert got["count"].astype(int).tolist() == o["count"].tolist()
    assert got[by].values.tolist() == o[by].values.tolist()


def test_weight_where_missing_normalize_match_the_tool(people_files):
    f = people_files["csv"]
    got = iaf.count(f, ["region", "sex"], where='age >= 40 and kids != 0', weight="w",
                    missing=["north"], normalize="casefold")
    want = tool_count(f, "--by", "region,sex", "--where", "age >= 40 and kids != 0",
                      "--weight", "w", "--missing", "north", "--normalize", "casefold")
    assert got["count"].dtype == np.float64
    pd.testing.assert_frame_equal(as_text(got), want)
    # the weighted sums against pandas (floats summed in another order: close, not equal)
    p = pd.read_csv(f, keep_default_na=False, dtype={"region": str, "sex": str})
    p = p[(p.age >= 40) & (p.kids != 0)]
    total = p.w.sum()
    assert got["count"].sum() == pytest.approx(total, rel=1e-12)


def test_files_lists_directories_and_formats_agree(people_files):
    base = iaf.count(people_files["csv"], ["region", "sex", "kids"])
    for data in (people_files["jsonl"], people_files["dir"], people_files["list"],
                 os.path.join(people_files["dir"], "*.csv")):
        pd.testing.assert_frame_equal(iaf.count(data, ["region", "sex", "kids"]), base)
    for threads in (1, 2, 3):
        pd.testing.assert_frame_equal(
            iaf.count(people_files["dir"], ["region", "sex", "kids"], threads=threads), base)


def test_result_frame(people_files):
    got = iaf.count(people_files["csv"], "sex")
    assert list(got.columns) == ["sex", "count"]
    assert isinstance(got["sex"].dtype, pd.CategoricalDtype)
    assert got["count"].dtype == np.int64
    assert got["sex"].isna().tolist() == [True, False, False]  # missing first, as in byte order
    assert got["count"].sum() == 20000


def frame_variants(people):
    """The same rows as DataFrames of different column dtypes."""
    obj = people.astype({"age": "int64"})
    cat = people.astype({"region": "category", "sex": "category", "occupation": "category"})
    # categories not in byte order, one unused, int32 codes
    cat["region"] = cat["region"].cat.add_categories(["unused"]).cat.reorder_categories(
        ["unused", "south", "north", "Zürich", "부산", "서울"])
    strings = people.astype({"region": "string", "sex": "string", "occupation": "string",
                             "age": "Int64", "kids": "int8"})
    big = pd.DataFrame({c: pd.Categorical(people[c]) for c in ["region", "sex", "occupation"]})
    big["age"] = people["age"].astype("uint16")
    big["kids"] = people["kids"].astype("float64")
    big["w"] = people["w"]
    return {"object": obj, "category": cat, "string": strings, "mixed": big}


@pytest.mark.parametrize("kind", ["object", "category", "string", "mixed"])
def test_dataframe_equals_the_file(people, people_files, kind):
    df = frame_variants(people)[kind]
    for by in BY:
        pd.testing.assert_frame_equal(iaf.count(df, by), iaf.count(people_files["csv"], by))
    got = iaf.count(df, ["region", "sex"], where="age < 30", weight="w", threads=2)
    want = iaf.count(people_files["csv"], ["region", "sex"], where="age < 30", weight="w")
    pd.testing.assert_frame_equal(got, want)


def test_dataframe_nulls_and_odd_values():
    df = pd.DataFrame({
        "a": ["x", None, np.nan, "", "y", pd.NA],
        "b": pd.array([1, None, 3, 3, None, 1], dtype="Int64"),
        "c": [True, False, True, True, False, True],
        "d": pd.array([True, None, False, True, None, True], dtype="boolean"),
        "e": [1.5, np.nan, 2.0, 1.5, 3.0, 2.0],
        "f": pd.Categorical([1, 2, None, 2, 1, 1]),
    })
    got = iaf.count(df, ["a"])
    assert got["a"].tolist()[1:] == ["x", "y"] and got["count"].tolist() == [4, 1, 1]
    assert iaf.count(df, "b")["count"].tolist() == [2, 2, 2]
    assert iaf.count(df, "b")["b"].tolist()[1:] == ["1", "3"]
    assert iaf.count(df, "c")["c"].tolist() == ["false", "true"]
    d = iaf.count(df, "d")
    assert d["d"].tolist()[1:] == ["false", "true"] and d["count"].tolist() == [2, 1, 3]
    e = iaf.count(df, "e")
    assert e["e"].tolist()[1:] == ["1.5", "2", "3"] and e["count"].tolist() == [1, 2, 2, 1]
    f = iaf.count(df, "f")
    assert f["f"].tolist()[1:] == ["1", "2"] and f["count"].tolist() == [1, 3, 2]
    # a Series counts as a one-column frame
    pd.testing.assert_frame_equal(iaf.count(df["a"], "a"), got)


def arrow_variants(people, offset=0, batch_rows=3001):
    cols = {
        "region": Column.dictionary(list(people.region), np.int8),
        "sex": Column.utf8([v or None for v in people.sex], large=True),
        "occupation": Column.dictionary(list(people.occupation), np.int32, large=True),
        "age": Column.int64(list(people.age)),
        "kids": Column.int32(list(people.kids)),
        "w": Column.float64(list(people.w)),
    }
    return Table(cols, batch_rows=batch_rows, offset=offset)


@pytest.mark.parametrize("offset,batch_rows", [(0, 3001), (5, 20000), (3, 997)])
def test_arrow_stream_equals_the_file(people, people_files, offset, batch_rows):
    for by in BY:
        t = arrow_variants(people, offset, batch_rows)
        pd.testing.assert_frame_equal(iaf.count(t, by), iaf.count(people_files["csv"], by))
    t = arrow_variants(people, offset, batch_rows)
    got = iaf.count(t, ["region", "occupation"], where='sex == "F"', weight="w")
    want = iaf.count(people_files["csv"], ["region", "occupation"], where='sex == "F"',
                     weight="w")
    pd.testing.assert_frame_equal(got, want)
    # a capsule itself is accepted too, and is consumed once
    cap = arrow_variants(people, offset, batch_rows).__arrow_c_stream__()
    pd.testing.assert_frame_equal(iaf.count(cap, "sex"), iaf.count(people_files["csv"], "sex"))
    with pytest.raises(ValueError, match="already consumed"):
        iaf.count(cap, "sex")


def test_arrow_nulls_booleans_and_errors():
    t = Table({"s": Column.utf8(["a", None, "b", "a"]),
               "b": Column.boolean([True, None, False, True]),
               "d": Column.dictionary(["p", None, "q", "p"], np.int16),
               "n": Column.int64([1, None, 2, 1])}, batch_rows=3)
    assert iaf.count(t, ["s", "b"])["count"].tolist() == [1, 2, 1]  # (-,-) (a,true) (b,false)
    t = Table({"d": Column.dictionary(["p", None, "q", "p"], np.int16)}, batch_rows=3)
    d = iaf.count(t, "d")
    assert d["d"].tolist()[1:] == ["p", "q"] and d["count"].tolist() == [1, 2, 1]
    t = Table({"n": Column.int64([1, None, 2, 1]), "s": Column.utf8(["a", "b", "c", "d"])})
    with pytest.raises(iaf.ParseError) as e:
        iaf.count(t, "s", weight="n")
    assert e.value.file == "<Arrow stream>" and "data row 2" in str(e.value)
    with pytest.raises(iaf.InvalidError, match="no column 'x'"):
        iaf.count(Table({"s": Column.utf8(["a"])}), "x")
    # a type iaf does not count is an error only where it is read
    t = {"day": Column("tdD", [1, 2]), "s": Column.utf8(["a", "b"])}
    assert iaf.count(Table(t), "s")["count"].tolist() == [1, 1]
    with pytest.raises(iaf.UnsupportedError, match="column 'day': Arrow type 'tdD'"):
        iaf.count(Table(t), "day")
