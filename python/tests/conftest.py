"""Shared fixtures: the repository, the iaf tool the numbers are compared
with, and a generated mixed-type dataset written as CSV and JSONL."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # arrow_stream

SRC = os.environ.get("IAF_SRC") or os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("IAF_BUILD") or os.path.join(SRC, "build")
TOOL = os.environ.get("IAF") or os.path.join(BUILD, "iaf")


@pytest.fixture(scope="session")
def src():
    return SRC


def run_tool(*args, check=True):
    """The iaf tool's stdout (text)."""
    p = subprocess.run([TOOL, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError("iaf %s: exit %d\n%s" % (" ".join(args), p.returncode, p.stderr))
    return p


def tool_count(*args):
    """`iaf count ...` as a DataFrame of str columns ("" = missing) and count."""
    import io
    out = run_tool("count", "-q", *args).stdout
    return pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)


def as_text(df):
    """A count from iaf.count with missing as "" and every value as text, as the tool writes."""
    out = pd.DataFrame()
    for c in df.columns:
        if c == "count":
            out[c] = [format_count(v) for v in df[c]]
        else:
            out[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
    return out.reset_index(drop=True)


def format_count(v):
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


@pytest.fixture(scope="session")
def people():
    """A mixed dataset: 20,000 rows with categorical, text (with non-ASCII and
    missing values), integer, boolean and weight columns. Seeded."""
    rng = np.random.default_rng(20261206)
    n = 20000
    region = rng.choice(["서울", "부산", "Zürich", "north", "south"], n, p=[.3, .2, .1, .2, .2])
    sex = rng.choice(["F", "M", ""], n, p=[.49, .49, .02])
    # occupation depends on sex, so the joint is not the product of margins
    occ = np.where(sex == "F", rng.choice(["nurse", "teacher", "clerk"], n),
                   rng.choice(["driver", "teacher", "miner", "clerk"], n))
    age = rng.integers(15, 90, n)
    kids = rng.integers(0, 4, n)
    w = np.round(rng.gamma(2.0, 0.75, n), 3) + 0.001
    df = pd.DataFrame({"region": region, "sex": sex, "occupation": occ, "age": age,
                       "kids": kids, "w": w})
    return df


@pytest.fixture(scope="session")
def people_files(tmp_path_factory, people):
    d = tmp_path_factory.mktemp("people")
    csv = d / "people.csv"
    people.to_csv(csv, index=False)
    jsonl = d / "people.jsonl"
    with open(jsonl, "w", encoding="utf-8") as f:
        for rec in people.to_dict("records"):
            rec = {k: (None if v == "" else v) for k, v in rec.items()}
            f.write(pd.io.json.dumps(rec, ensure_ascii=False) + "\n")
    # the same rows split over two files in a directory
    parts = d / "parts"
    parts.mkdir()
    people.iloc[:7000].to_csv(parts / "a.csv", index=False)
    people.iloc[7000:].to_csv(parts / "b.csv", index=False)
    return {"csv": str(csv), "jsonl": str(jsonl), "dir": str(parts),
            "list": [str(parts / "a.csv"), str(parts / "b.csv")]}
