"""Errors become iaf.Error exceptions located as the tool locates them;
Ctrl-C stops a count; scans release the GIL."""

import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

import iaf
from iaf import _iaf
from conftest import run_tool


def test_missing_file(tmp_path):
    p = str(tmp_path / "nope.csv")
    with pytest.raises(iaf.IOError_) as e:
        iaf.count(p, "a")
    assert isinstance(e.value, OSError) and isinstance(e.value, iaf.Error)
    assert e.value.file == p and e.value.status == "io"


def test_malformed_csv_is_located_like_the_tool(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text('a,b\n1,2\n3,"x\n')
    with pytest.raises(iaf.ParseError) as e:
        iaf.count(str(p), "a")
    err = e.value
    assert err.file == str(p) and err.line == 3 and err.column > 0
    tool = run_tool("count", "-q", str(p), "--by", "a", check=False)
    assert tool.returncode == 1
    assert str(err) in tool.stderr  # FILE:LINE:COL: message, as the tool prints it


def test_bad_arguments():
    df = pd.DataFrame({"a": ["x"]})
    with pytest.raises(iaf.Error) as e:
        iaf.count(df, "a", where="a == (")
    assert e.value.file == "where" and e.value.column > 0
    with pytest.raises(iaf.InvalidError, match="no column 'b'"):
        iaf.count(df, "b")
    with pytest.raises(iaf.InvalidError, match="normalisation"):
        iaf.count(df, "a", normalize="shout")
    with pytest.raises(TypeError):
        iaf.count(42, "a")
    with pytest.raises(TypeError):
        iaf.count(df, [1])


def big_frame(n=3_000_000):
    rng = np.random.default_rng(1)
    return pd.DataFrame({"a": pd.Categorical.from_codes(rng.integers(0, 200, n), 
                                                        [str(i) for i in range(200)]),
                         "b": rng.integers(0, 5000, n)})


def test_interrupt_stops_a_count_and_restores_the_handler():
    df = big_frame(400_000)
    before = signal.getsignal(signal.SIGINT)
    # SIGINT raised from inside the scan, at its third batch
    _iaf._set_test_interrupt(2)
    try:
        with pytest.raises(KeyboardInterrupt):
            iaf.count(df, ["a", "b"], threads=2)
    finally:
        _iaf._set_test_interrupt(-1)
    assert signal.getsignal(signal.SIGINT) is before
    # the next count is whole
    assert iaf.count(df, "a")["count"].sum() == len(df)


def test_interrupt_from_another_thread():
    df = big_frame()
    t0 = time.monotonic()
    iaf.count(df, ["a", "b"], threads=1)
    full = time.monotonic() - t0
    timer = threading.Timer(min(0.05, full / 4), os.kill, (os.getpid(), signal.SIGINT))
    t0 = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        # a loop, so that a signal arriving between scans still interrupts
        for _ in range(20):
            iaf.count(df, ["a", "b"], threads=1)
    assert time.monotonic() - t0 < 20 * full


def test_scans_release_the_gil():
    df = big_frame()
    done = threading.Event()
    ticks = []

    def run():
        iaf.count(df, ["a", "b"], threads=1)
        done.set()

    th = threading.Thread(target=run)
    t0 = time.monotonic()
    th.start()
    while not done.is_set():
        ticks.append(time.monotonic() - t0)
        time.sleep(0.001)
    th.join()
    # the main thread kept running while the other thread counted
    assert len(ticks) >= 5, ticks


def test_a_count_off_the_main_thread_is_not_interrupted():
    """Only the main thread's run takes SIGINT for itself; another thread's count runs on."""
    df = big_frame(300_000)
    out = {}
    _iaf._set_test_interrupt(0)  # would raise SIGINT at the first check of a main-thread run
    try:
        th = threading.Thread(target=lambda: out.update(n=iaf.count(df, "a")["count"].sum()))
        th.start()
        th.join()
    finally:
        _iaf._set_test_interrupt(-1)
    assert out["n"] == len(df)
