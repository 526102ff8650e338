#!/usr/bin/python3
"""A minimal Parquet writer (numpy only) for the planted NPK-shaped microdata.

No Parquet library is available to the test suite (Debian's python3 has numpy, not pyarrow), so
this writes the format directly from the specification (parquet-format, Thrift compact protocol):
one file = "PAR1", column chunks, the FileMetaData footer, its length, "PAR1".

* every column is OPTIONAL (as the Hugging Face files' Arrow schema is nullable) with no nulls:
  definition levels are one RLE run of 1s;
* string columns are BYTE_ARRAY (logical type STRING); `dict` columns are written as a PLAIN
  dictionary page and an RLE_DICTIONARY data page (bit-packed indices), `plain` columns as
  PLAIN values; int64 columns PLAIN;
* uncompressed, one data page per column chunk, no statistics.

Only what the generator needs; verified by `iaf inspect`/`iaf count` in the tests and once by
DuckDB (docs/validation.md).
"""
import struct

import numpy as np

# Thrift compact protocol type ids
T_BOOL_TRUE, T_BOOL_FALSE, T_I32, T_I64, T_BINARY, T_LIST, T_STRUCT = 1, 2, 5, 6, 8, 9, 12


def _varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _zigzag(v):
    return (v << 1) ^ (v >> 63)


class _Struct:
    """Builds one Thrift compact struct; fields must be added in increasing id order."""

    def __init__(self):
        self.buf = bytearray()
        self.last = 0

    def _hdr(self, fid, typ):
        d = fid - self.last
        if 0 < d <= 15:
            self.buf.append((d << 4) | typ)
        else:
            self.buf.append(typ)
            self.buf += _varint(_zigzag(fid))
        self.last = fid

    def i32(self, fid, v):
        self._hdr(fid, T_I32)
        self.buf += _varint(_zigzag(v))
        return self

    def i64(self, fid, v):
        self._hdr(fid, T_I64)
        self.buf += _varint(_zigzag(v))
        return self

    def binary(self, fid, b):
        if isinstance(b, str):
            b = b.encode("utf-8")
        self._hdr(fid, T_BINARY)
        self.buf += _varint(len(b)) + b
        return self

    def struct(self, fid, s):
        self._hdr(fid, T_STRUCT)
        self.buf += s.end()
        return self

    def lst(self, fid, etype, items):
        self._hdr(fid, T_LIST)
        n = len(items)
        self.buf.append((n << 4) | etype if n < 15 else 0xF0 | etype)
        if n >= 15:
            self.buf += _varint(n)
        for it in items:
            if etype == T_STRUCT:
                self.buf += it.end()
            elif etype == T_I32:
                self.buf += _varint(_zigzag(it))
            elif etype == T_BINARY:
                b = it.encode("utf-8") if isinstance(it, str) else it
                self.buf += _varint(len(b)) + b
        return self

    def end(self):
        return bytes(self.buf) + b"\x00"


def _def_levels(n):
    # one RLE run of n ones (bit width 1 -> one byte value), 4-byte length prefix (data page v1)
    run = _varint(n << 1) + b"\x01"
    return struct.pack("<i", len(run)) + run


def _plain_strings(values):
    """PLAIN BYTE_ARRAY encoding of a list of bytes objects."""
    return b"".join(struct.pack("<i", len(v)) + v for v in values)


def _plain_fixed_strings(mat):
    """PLAIN BYTE_ARRAY of n strings of one width w, given as an (n, w) uint8 array."""
    n, w = mat.shape
    out = np.empty((n, w + 4), dtype=np.uint8)
    out[:, :4] = np.frombuffer(struct.pack("<i", w), dtype=np.uint8)
    out[:, 4:] = mat
    return out.tobytes()


def _bitpacked(idx, bw):
    """RLE/bit-packed hybrid with one bit-packed run: bit width byte + run header + bits."""
    n = len(idx)
    groups = (n + 7) // 8
    if bw == 0:
        bw = 1
    padded = np.zeros(groups * 8, dtype=np.uint32)
    padded[:n] = idx
    bits = ((padded[:, None] >> np.arange(bw, dtype=np.uint32)) & 1).astype(np.uint8)
    packed = np.packbits(bits.reshape(-1), bitorder="little")
    return bytes([bw]) + _varint((groups << 1) | 1) + packed.tobytes()


def _page_header(ptype, size, num_values, encoding, dict_page=False):
    h = _Struct().i32(1, ptype).i32(2, size).i32(3, size)
    if dict_page:
        h.struct(7, _Struct().i32(1, num_values).i32(2, 0))  # PLAIN dictionary
    else:
        h.struct(5, _Struct().i32(1, num_values).i32(2, encoding).i32(3, 3).i32(4, 3))
    return h.end()


def write(path, columns, nrows, row_group_rows):
    """columns: list of (name, kind, data):
       kind "dict":  data = (dictionary: list of str, codes: uint32 array of nrows)
       kind "plain": data = (n, w) uint8 array of fixed-width strings
       kind "int64": data = int64 array
    """
    f = open(path, "wb")
    f.write(b"PAR1")
    pos = 4
    row_groups = []
    for start in range(0, nrows, row_group_rows):
        stop = min(nrows, start + row_group_rows)
        n = stop - start
        chunks = []
        total = 0
        for name, kind, data in columns:
            chunk_start = pos
            dict_off = None
            if kind == "dict":
                dictionary, codes = data
                sub = codes[start:stop]
                # the chunk's own dictionary: only the values it uses, in first-use order
                used, first = np.unique(sub, return_index=True)
                order = used[np.argsort(first)]
                remap = np.zeros(len(dictionary), dtype=np.uint32)
                remap[order] = np.arange(len(order), dtype=np.uint32)
                dpage = _plain_strings([dictionary[i].encode("utf-8") for i in order])
                hdr = _page_header(2, len(dpage), len(order), 0, dict_page=True)
                f.write(hdr + dpage)
                dict_off = pos
                pos += len(hdr) + len(dpage)
                bw = max(1, int(len(order) - 1).bit_length())
                body = _def_levels(n) + _bitpacked(remap[sub], bw)
                enc, ptype, encs = 8, 6, [0, 3, 8]
            elif kind == "plain":
                body = _def_levels(n) + _plain_fixed_strings(data[start:stop])
                enc, ptype, encs = 0, 6, [0, 3]
            else:
                body = _def_levels(n) + np.ascontiguousarray(data[start:stop], dtype="<i8").tobytes()
                enc, ptype, encs = 0, 2, [0, 3]
            hdr = _page_header(0, len(body), n, enc)
            data_off = pos
            f.write(hdr + body)
            pos += len(hdr) + len(body)
            size = pos - chunk_start
            total += size
            md = (_Struct().i32(1, ptype).lst(2, T_I32, encs).lst(3, T_BINARY, [name])
                  .i32(4, 0).i64(5, n).i64(6, size).i64(7, size).i64(9, data_off))
            if dict_off is not None:
                md.i64(11, dict_off)
            chunks.append(_Struct().i64(2, chunk_start).struct(3, md))
        row_groups.append(_Struct().lst(1, T_STRUCT, chunks).i64(2, total).i64(3, n))
    schema = [_Struct().binary(4, "schema").i32(5, len(columns))]
    for name, kind, _ in columns:
        el = _Struct()
        if kind == "int64":
            el.i32(1, 2).i32(3, 1).binary(4, name)
        else:
            el.i32(1, 6).i32(3, 1).binary(4, name).i32(6, 0)
            el.struct(10, _Struct().struct(1, _Struct()))  # LogicalType STRING
        schema.append(el)
    meta = (_Struct().i32(1, 1).lst(2, T_STRUCT, schema).i64(3, nrows)
            .lst(4, T_STRUCT, row_groups).binary(6, "iaf planted NPK generator (parquet_min.py)"))
    footer = meta.end()
    f.write(footer)
    f.write(struct.pack("<i", len(footer)))
    f.write(b"PAR1")
    f.close()
