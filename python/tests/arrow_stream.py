"""A small producer of Arrow C streams for the tests, in pure Python (ctypes).

pyarrow and polars cannot be installed here, so this module lays out Arrow
arrays by the Arrow columnar format specification (validity bitmaps,
int32/int64 offsets, dictionary indices) and exports them through the Arrow
PyCapsule protocol (``__arrow_c_stream__`` returning an
"arrow_array_stream" capsule), as polars or pyarrow would. It is
independent of the extension's consumer: the layout follows the
specification, not iaf's code.

    Table({"sex": Column.utf8(["F", None]), ...}, batch_rows=1000)
"""

import ctypes as C

import numpy as np


class ArrowSchema(C.Structure):
    pass


class ArrowArray(C.Structure):
    pass


class ArrowArrayStream(C.Structure):
    pass


SCHEMA_RELEASE = C.CFUNCTYPE(None, C.POINTER(ArrowSchema))
ARRAY_RELEASE = C.CFUNCTYPE(None, C.POINTER(ArrowArray))
ArrowSchema._fields_ = [
    ("format", C.c_char_p), ("name", C.c_char_p), ("metadata", C.c_char_p),
    ("flags", C.c_int64), ("n_children", C.c_int64),
    ("children", C.POINTER(C.POINTER(ArrowSchema))), ("dictionary", C.POINTER(ArrowSchema)),
    ("release", SCHEMA_RELEASE), ("private_data", C.c_void_p)]
ArrowArray._fields_ = [
    ("length", C.c_int64), ("null_count", C.c_int64), ("offset", C.c_int64),
    ("n_buffers", C.c_int64), ("n_children", C.c_int64), ("buffers", C.POINTER(C.c_void_p)),
    ("children", C.POINTER(C.POINTER(ArrowArray))), ("dictionary", C.POINTER(ArrowArray)),
    ("release", ARRAY_RELEASE), ("private_data", C.c_void_p)]
GET_SCHEMA = C.CFUNCTYPE(C.c_int, C.POINTER(ArrowArrayStream), C.POINTER(ArrowSchema))
GET_NEXT = C.CFUNCTYPE(C.c_int, C.POINTER(ArrowArrayStream), C.POINTER(ArrowArray))
GET_ERROR = C.CFUNCTYPE(C.c_char_p, C.POINTER(ArrowArrayStream))
STREAM_RELEASE = C.CFUNCTYPE(None, C.POINTER(ArrowArrayStream))
ArrowArrayStream._fields_ = [
    ("get_schema", GET_SCHEMA), ("get_next", GET_NEXT), ("get_last_error", GET_ERROR),
    ("release", STREAM_RELEASE), ("private_data", C.c_void_p)]

_keep = []  # callbacks and buffers live as long as the process: the tests are short


@SCHEMA_RELEASE
def _release_schema(p):
    p.contents.release = SCHEMA_RELEASE()


@ARRAY_RELEASE
def _release_array(p):
    p.contents.release = ARRAY_RELEASE()


def _bitmap(valid, offset):
    """Validity bitmap (LSB first) of `offset` padding slots then valid."""
    bits = np.concatenate([np.ones(offset, bool), np.asarray(valid, bool)])
    return np.packbits(bits, bitorder="little")


class Column:
    """One column: its format, its values (Python list, None = null), how to lay it out."""

    def __init__(self, fmt, values, dict_fmt=None, index_dtype=None, large=False):
        self.fmt = fmt
        self.values = list(values)
        self.dict_fmt = dict_fmt
        self.index_dtype = index_dtype
        self.large = large

    @classmethod
    def utf8(cls, values, large=False):
        return cls("U" if large else "u", values, large=large)

    @classmethod
    def dictionary(cls, values, index_dtype=np.int32, large=False):
        fmt = {np.int8: "c", np.int16: "s", np.int32: "i", np.int64: "l",
               np.uint8: "C", np.uint32: "I"}[index_dtype]
        return cls(fmt, values, dict_fmt="U" if large else "u", index_dtype=index_dtype,
                   large=large)

    @classmethod
    def int64(cls, values):
        return cls("l", values)

    @classmethod
    def int32(cls, values):
        return cls("i", values)

    @classmethod
    def float64(cls, values):
        return cls("g", values)

    @classmethod
    def boolean(cls, values):
        return cls("b", values)


def _strings(values, large, offset):
    """The buffers of a (large) utf8 array: validity, offsets, data."""
    vals = [None] * offset + values
    data = b"".join(v.encode("utf-8") for v in vals if v is not None)
    offs, pos = [0], 0
    for v in vals:
        pos += len(v.encode("utf-8")) if v is not None else 0
        offs.append(pos)
    offs = np.array(offs, dtype=np.int64 if large else np.int32)
    data_arr = np.frombuffer(data + b"\0", dtype=np.uint8).copy()
    valid = [v is not None for v in values]
    return _bitmap(valid, offset) if not all(valid) else None, offs, data_arr


def _array(length, null_count, offset, buffers, children=(), dictionary=None):
    a = ArrowArray()
    a.length, a.null_count, a.offset = length, null_count, offset
    bufs = (C.c_void_p * len(buffers))(*[b.ctypes.data if b is not None else None
                                         for b in buffers])
    a.n_buffers = len(buffers)
    a.buffers = C.cast(bufs, C.POINTER(C.c_void_p))
    kids = (C.POINTER(ArrowArray) * max(len(children), 1))(*[C.pointer(c) for c in children])
    a.n_children = len(children)
    a.children = C.cast(kids, C.POINTER(C.POINTER(ArrowArray)))
    a.dictionary = C.pointer(dictionary) if dictionary is not None else None
    a.release = _release_array
    _keep.append((bufs, kids, buffers, children, dictionary))
    return a


def _column_array(col, lo, hi, offset):
    """Rows lo..hi of col as an ArrowArray with `offset` padding rows before them."""
    values = col.values[lo:hi]
    n = len(values)
    nulls = sum(v is None for v in values)
    if col.dict_fmt:
        labels = sorted({v for v in values if v is not None}, reverse=True)  # not sorted order
        labels.append("unused")  # a dictionary entry no row points at
        pos = {v: i for i, v in enumerate(labels)}
        idx = np.array([0] * offset + [pos[v] if v is not None else 0 for v in values],
                       dtype=col.index_dtype)
        valid = [v is not None for v in values]
        dv, doffs, ddata = _strings(labels, col.large, 0)
        d = _array(len(labels), 0, 0, [dv, doffs, ddata])
        return _array(n, nulls, offset, [_bitmap(valid, offset) if nulls else None, idx],
                      dictionary=d)
    if col.fmt in ("u", "U"):
        v, offs, data = _strings(values, col.large, offset)
        return _array(n, nulls, offset, [v, offs, data])
    valid = [v is not None for v in values]
    bm = _bitmap(valid, offset) if nulls else None
    if col.fmt == "b":
        bits = np.packbits(np.array([False] * offset + [bool(v) for v in values]),
                           bitorder="little")
        return _array(n, nulls, offset, [bm, bits])
    # date32 ("tdD") is laid out as int32 days
    dt = {"l": np.int64, "i": np.int32, "g": np.float64, "tdD": np.int32}[col.fmt]
    arr = np.array([0] * offset + [v if v is not None else 0 for v in values], dtype=dt)
    return _array(n, nulls, offset, [bm, arr])


def _schema(name, col):
    s = ArrowSchema()
    s.format = col.fmt.encode()
    s.name = name.encode("utf-8")
    s.flags = 2
    s.n_children = 0
    s.release = _release_schema
    if col.dict_fmt:
        d = ArrowSchema()
        d.format = col.dict_fmt.encode()
        d.name = b""
        d.release = _release_schema
        _keep.append(d)
        s.dictionary = C.pointer(d)
    _keep.append(s)
    return s


class Table:
    """Columns cut into record batches of batch_rows rows, exported as an Arrow stream.

    offset: each column array of a batch starts `offset` slots into its
    buffers (as a sliced array does); a consumer must honour ArrowArray.offset.
    """

    def __init__(self, columns, batch_rows=1000, offset=0):
        self.columns = dict(columns)
        self.batch_rows = batch_rows
        self.offset = offset
        self.nrows = len(next(iter(self.columns.values())).values)

    def _batches(self):
        out = []
        for lo in range(0, self.nrows, self.batch_rows):
            hi = min(lo + self.batch_rows, self.nrows)
            kids = [_column_array(c, lo, hi, self.offset) for c in self.columns.values()]
            out.append(_array(hi - lo, 0, 0, [None], children=kids))
        return out

    def __arrow_c_stream__(self, requested_schema=None):
        kids = [_schema(n, c) for n, c in self.columns.items()]
        top = ArrowSchema()
        top.format = b"+s"
        top.name = b""
        top.n_children = len(kids)
        arr = (C.POINTER(ArrowSchema) * len(kids))(*[C.pointer(k) for k in kids])
        top.children = C.cast(arr, C.POINTER(C.POINTER(ArrowSchema)))
        top.release = _release_schema
        batches = self._batches()
        state = {"next": 0}

        @GET_SCHEMA
        def get_schema(stream, out):
            C.memmove(out, C.byref(top), C.sizeof(ArrowSchema))
            return 0

        @GET_NEXT
        def get_next(stream, out):
            i = state["next"]
            if i < len(batches):
                C.memmove(out, C.byref(batches[i]), C.sizeof(ArrowArray))
                state["next"] = i + 1
            else:
                C.memset(out, 0, C.sizeof(ArrowArray))  # release NULL: the end
            return 0

        @GET_ERROR
        def get_last_error(stream):
            return None

        @STREAM_RELEASE
        def release(stream):
            stream.contents.release = STREAM_RELEASE()

        st = ArrowArrayStream()
        st.get_schema, st.get_next = get_schema, get_next
        st.get_last_error, st.release = get_last_error, release
        _keep.extend([top, arr, kids, batches, get_schema, get_next, get_last_error, release, st])
        new = C.pythonapi.PyCapsule_New
        new.restype = C.py_object
        new.argtypes = [C.c_void_p, C.c_char_p, C.c_void_p]
        return new(C.addressof(st), b"arrow_array_stream", None)
