#!/usr/bin/python3
"""Writes tests/data/csv/stress.csv and tests/data/jsonl/stress.jsonl (committed).

The rows are random but seeded; the bytes are written by hand (not by a CSV
library) so that every corner of the dialect appears on purpose: a BOM,
mixed LF / CRLF line ends, quoted fields with commas, doubled quotes, LF,
CRLF and lone CR inside, empty fields quoted and unquoted, Korean text, and
a last line without a line end. The JSONL file holds the same rows with
escapes (\\", \\\\, \\n, \\uXXXX, surrogate pairs), numbers, booleans, nulls,
nested values, blank lines and CRLF. Run: /usr/bin/python3 make_stress.py
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20250601)

SEX = ["남자", "여자"]
AGE = ["20대", "30대", "40대", "50대", "60대", "70대 이상"]
PROV = ["서울특별시", "부산광역시", "경기도", "전라남도", "제주특별자치도", "세종특별자치시"]
FRAG = ["우은지 씨는 강동구에 거주하며", "정갈한 책을 만드는 디자이너로", "빵에 대한 집착과",
        "주말이면 산책로를 걷고", "\"꼼꼼한\" 성격의 소유자입니다", "가끔은, 독립 출판에 참여해",
        "커피 ☕ 한 잔", "a plain ASCII clause", "🙂 emoji clause", "tab\there"]


def persona():
    k = rng.randint(0, 5)
    parts = [rng.choice(FRAG) for _ in range(k)]
    s = ", ".join(parts)
    r = rng.random()
    if r < 0.10:
        s += "\n둘째 줄입니다"
    elif r < 0.15:
        s += "\r\n윈도 줄바꿈"
    elif r < 0.18:
        s += "\r외톨이 CR"
    return s


def note():
    r = rng.random()
    if r < 0.3:
        return ""
    if r < 0.5:
        return "비고 " + str(rng.randint(1, 9))
    if r < 0.6:
        return 'he said "hi"'
    if r < 0.7:
        return " leading space"
    if r < 0.8:
        return "x,y"
    return "n/a"


rows = []
for i in range(400):
    rows.append({
        "id": str(i + 1),
        "sex": rng.choice(SEX),
        "age_group": rng.choice(AGE),
        "province": rng.choice(PROV) if rng.random() > 0.05 else "",
        "persona": persona(),
        "note": note(),
        "score": rng.choice(["1", "2.5", "-3", "1e3", "0", ""]),
    })
COLS = list(rows[0].keys())


def csv_field(v, force):
    need = force or any(c in v for c in ',"\r\n') or v[:1] == " "
    if not need:
        return v
    return '"' + v.replace('"', '""') + '"'


out = bytearray(b"\xef\xbb\xbf")
out += (",".join(COLS) + "\r\n").encode()
for i, r in enumerate(rows):
    fields = []
    for c in COLS:
        v = r[c]
        force = (v == "" and rng.random() < 0.5) or (c == "sex" and rng.random() < 0.2)
        fields.append(csv_field(v, force))
    eol = "\r\n" if rng.random() < 0.4 else "\n"
    if i == len(rows) - 1:
        eol = ""
    elif rng.random() < 0.02:
        eol += "\n"  # a blank line between rows
    out += (",".join(fields) + eol).encode()
with open(os.path.join(HERE, "stress.csv"), "wb") as f:
    f.write(out)

# JSONL: same rows; score as a number when it is one, a flag, nulls for
# empty notes, and a nested value now and then.
lines = []
for i, r in enumerate(rows):
    obj = {}
    for c in COLS:
        v = r[c]
        if c == "score":
            obj[c] = None if v == "" else ("NUM", v)
        elif c == "note" and v == "":
            obj[c] = None
        else:
            obj[c] = v
    obj["flag"] = rng.random() < 0.5
    if rng.random() < 0.1:
        obj["extra"] = ("RAW", '{"k":[1,2,{"z":null}],"s":"é"}')
    if rng.random() < 0.05:
        del obj["province"]  # absent key = null
    if rng.random() < 0.03:
        obj["sex"] = "덮어쓸 값"
        items = list(obj.items())
        obj = dict(items)
        dup = ("sex", r["sex"])  # duplicate key: the last one wins
    else:
        dup = None
    ascii_only = rng.random() < 0.3
    parts = []
    for k, v in obj.items():
        if isinstance(v, tuple):
            val = v[1]
        else:
            val = json.dumps(v, ensure_ascii=ascii_only)
        parts.append(json.dumps(k) + (": " if rng.random() < 0.5 else ":") + val)
    if dup:
        parts.append(json.dumps(dup[0]) + ":" + json.dumps(dup[1], ensure_ascii=ascii_only))
    line = "{" + ", ".join(parts) + "}"
    if rng.random() < 0.1:
        line = "  " + line + " \t"
    eol = "\r\n" if rng.random() < 0.3 else "\n"
    if i == len(rows) - 1:
        eol = ""
    elif rng.random() < 0.03:
        eol += "\n   \n"
    lines.append(line + eol)
with open(os.path.join(HERE, "..", "jsonl", "stress.jsonl"), "wb") as f:
    f.write(b"\xef\xbb\xbf" + "".join(lines).encode())
