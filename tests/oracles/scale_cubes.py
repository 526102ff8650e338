#!/usr/bin/env python3
"""Independent oracle for count directories (docs/scale.md): every cube of DIR/manifest.json
recomputed from the rows with pandas (groupby over the cube's columns, NULLs kept as a group)
and compared with the cube file iaf wrote, cell by cell.

    scale_cubes.py DIR ROWS...      (ROWS: CSV files read as text, or Parquet files)

Cubes over a column the rows lack are skipped (a generator's sidecar CSV holds the audited
columns only), but at least one cube must be checked and the row totals must agree.

CSV rows are read as iaf reads them: every field is text and an empty field is the empty
string (keep_default_na=False). Parquet integers are written as decimal integers; strings as
they are; nulls as NULL. Exits 1 with the first difference."""
import json
import sys

import pandas as pd


def read_rows(paths):
    frames = []
    for p in paths:
        if p.endswith(".parquet"):
            frames.append(pd.read_parquet(p))
        else:
            frames.append(pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[]))
    return pd.concat(frames, ignore_index=True)


def label(v):
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    if isinstance(v, (int,)) or (hasattr(v, "dtype") and "int" in str(v.dtype)):
        return str(int(v))
    return str(v)


def read_cube(path, ncols):
    """iaf's cube CSV: an unquoted empty field is NULL, a quoted one the empty string."""
    cells = {}
    with open(path, newline="", encoding="utf-8") as f:
        text = f.read()
    # parse by hand to see quotes: csv module loses the quoted/unquoted distinction
    rows, rec, i = [], [], 0
    cur, inq, was_q = "", False, False
    while i < len(text):
        ch = text[i]
        if inq:
            if ch == '"':
                if i + 1 < len(text) and text[i + 1] == '"':
                    cur += '"'
                    i += 1
                else:
                    inq = False
            else:
                cur += ch
        elif ch == '"':
            inq, was_q = True, True
        elif ch == ",":
            rec.append(cur if (cur or was_q) else None)
            cur, was_q = "", False
        elif ch == "\n":
            rec.append(cur if (cur or was_q) else None)
            rows.append(rec)
            rec, cur, was_q = [], "", False
        elif ch != "\r":
            cur += ch
        i += 1
    header = rows[0]
    for r in rows[1:]:
        cells[tuple(r[:ncols])] = int(r[ncols])
    return header, cells


def main():
    d, paths = sys.argv[1], sys.argv[2:]
    man = json.load(open(f"{d}/manifest.json"))
    df = read_rows(paths)
    bad = 0
    assert man["rows"] == len(df), f"rows {man['rows']} != {len(df)}"
    checked = 0
    for cube in man["cubes"]:
        cols = cube["columns"]
        if any(c not in df.columns for c in cols):
            print(f"skipped {cube['id']} {cols}: not in the rows given")
            continue
        checked += 1
        header, got = read_cube(f"{d}/{cube['file']}", len(cols))
        assert header[: len(cols)] == cols and header[len(cols)] == "iaf_n", header
        want = {}
        for key, n in df.groupby(cols, dropna=False).size().items():
            key = key if isinstance(key, tuple) else (key,)
            want[tuple(label(v) for v in key)] = int(n)
        if got != want:
            diff = set(got.items()) ^ set(want.items())
            print(f"FAIL {cube['id']} {cols}: {len(diff)} cells differ, e.g. {sorted(diff, key=str)[:3]}")
            bad = 1
        else:
            print(f"ok {cube['id']} {cols}: {len(got)} cells, {sum(got.values())} rows")
    if not checked:
        print("FAIL: no cube checked")
        bad = 1
    sys.exit(bad)


if __name__ == "__main__":
    main()
