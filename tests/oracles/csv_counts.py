#!/usr/bin/python3
"""Independent oracle for the CSV and JSONL readers (pandas + Python's json).

Reads tests/data/csv/stress.csv with pandas (every field a string, empty
stays empty) and tests/data/jsonl/stress.jsonl with Python's json module
(numbers kept as their literal text, booleans as true/false, null stays
null, nested values re-serialised compactly) and pandas for the counting.
Writes, next to stress.csv:

  stress_oracle_cells.csv        row,line,column,value_hex       every CSV field
  stress_oracle_counts.csv       column,value,value_hex,count     CSV value counts
                                 (all columns but the long text 'persona')
  stress_oracle_pairs.csv        col1,value1,value1_hex,col2,value2,value2_hex,count
  stress_jsonl_oracle_cells.csv  (same, for the JSONL rows; value_hex "null" = null)
  stress_jsonl_oracle_counts.csv
  stress_jsonl_oracle_pairs.csv

value_hex is the UTF-8 bytes in lower-case hex, so the C tests compare bytes
without depending on the CSV reader under test; value is the readable text
(written by pandas' CSV writer). Rows are sorted by (column, value_hex).
"line" is the 1-based line (counted by LF) where a row starts, from Python's
csv module for CSV and from the line split for JSONL.
Run: /usr/bin/python3 tests/oracles/csv_counts.py
"""
import csv
import io
import json
import os

import pandas as pd

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CSV_DIR = os.path.join(SRC, "tests", "data", "csv")
CSV_PATH = os.path.join(CSV_DIR, "stress.csv")
JSONL_PATH = os.path.join(SRC, "tests", "data", "jsonl", "stress.jsonl")
PAIRS = [("sex", "age_group"), ("province", "sex"), ("age_group", "note")]


def hexof(v):
    return "null" if v is None else v.encode("utf-8").hex()


def write(df, name):
    df.to_csv(os.path.join(CSV_DIR, name), index=False, lineterminator="\n")


def counts(df):
    out = []
    for c in df.columns:
        if c in ("persona", "extra"):
            continue  # near-unique long text: covered by the cell files
        vc = df[c].value_counts(dropna=False)
        for v, n in vc.items():
            v = None if (v is None or (isinstance(v, float) and pd.isna(v))) else v
            out.append((c, "" if v is None else v, hexof(v), int(n)))
    out.sort(key=lambda t: (t[0], t[2]))
    return pd.DataFrame(out, columns=["column", "value", "value_hex", "count"])


def pairs(df):
    out = []
    for a, b in PAIRS:
        g = df.groupby([a, b], dropna=False).size()
        for (va, vb), n in g.items():
            va = None if pd.isna(va) else va
            vb = None if pd.isna(vb) else vb
            out.append((a, "" if va is None else va, hexof(va), b, "" if vb is None else vb,
                        hexof(vb), int(n)))
    out.sort(key=lambda t: (t[0], t[3], t[2], t[5]))
    return pd.DataFrame(out, columns=["col1", "value1", "value1_hex", "col2", "value2",
                                      "value2_hex", "count"])


def cells(df, lines):
    out = []
    for i, row in enumerate(df.itertuples(index=False)):
        for c, v in zip(df.columns, row):
            v = None if (v is None or (isinstance(v, float) and pd.isna(v))) else v
            out.append((i, lines[i], c, hexof(v)))
    return pd.DataFrame(out, columns=["row", "line", "column", "value_hex"])


def csv_oracle():
    df = pd.read_csv(CSV_PATH, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    # Line where each row starts, from an independent tokenizer. Lines are
    # counted by LF (as grep -n does): the file iterator splits on LF only,
    # so a lone CR inside a quoted field does not start a line.
    with open(CSV_PATH, encoding="utf-8-sig", newline="\n") as f:
        r = csv.reader(f)
        lines = []
        prev = 0
        for k, rec in enumerate(r):
            start = prev + 1
            prev = r.line_num
            if k == 0 or not rec:
                continue
            lines.append(start)
    with open(CSV_PATH, encoding="utf-8-sig", newline="") as f:
        check = [rec for rec in csv.reader(f) if rec][1:]
    assert len(check) == len(df) == len(lines), (len(check), len(df), len(lines))
    for a, b in zip(check, df.itertuples(index=False)):
        assert list(a) == list(b), (a, b)  # the two independent parsers agree
    write(cells(df, lines), "stress_oracle_cells.csv")
    write(counts(df), "stress_oracle_counts.csv")
    write(pairs(df), "stress_oracle_pairs.csv")


def jsonl_value(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    return v  # strings, and numbers kept as literal text by the hooks below


def jsonl_oracle():
    recs, lines, keys = [], [], []
    with open(JSONL_PATH, "rb") as f:
        text = f.read().decode("utf-8-sig")
    for ln, line in enumerate(io.StringIO(text, newline="\n"), start=1):
        if not line.strip():
            continue
        obj = json.loads(line, parse_float=str, parse_int=str)  # top-level numbers: literal
        plain = json.loads(line)  # nested values: re-serialised with real numbers
        for k in obj:
            if k not in keys:
                keys.append(k)
        recs.append({k: jsonl_value(plain[k] if isinstance(v, (dict, list)) else v)
                     for k, v in obj.items()})
        lines.append(ln)
    df = pd.DataFrame.from_records(recs, columns=keys).astype(object)
    df = df.where(pd.notna(df), None)
    write(cells(df, lines), "stress_jsonl_oracle_cells.csv")
    write(counts(df), "stress_jsonl_oracle_counts.csv")
    write(pairs(df), "stress_jsonl_oracle_pairs.csv")


if __name__ == "__main__":
    csv_oracle()
    jsonl_oracle()
