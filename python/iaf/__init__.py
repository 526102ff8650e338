"""iaf: audit synthetic tabular data against official statistics.

The Python face of libiaf (the C library behind the ``iaf`` tool), for
pandas users and notebooks:

* :func:`count` - rows (or a weight) per combination of values of columns,
  from files (CSV, JSONL, Parquet; a path, a list of paths, a glob or a
  directory), a pandas DataFrame, or anything that exports an Arrow stream
  (``__arrow_c_stream__``: polars, pyarrow, DuckDB, pandas >= 2.2);
* :func:`compare` - one synthetic distribution (one or two attributes)
  against a reference: metrics, bootstrap intervals, a PASS / FLAG /
  INCONCLUSIVE verdict and its diagnosis, as a :class:`Comparison`;
* :func:`scan` - every pair of categorical columns ranked by dependence,
  against a null of independence: where a generator may have assumed it;
* :func:`audit` - run an audit spec (a YAML path or a dict) and get a
  :class:`Report` (checks as a DataFrame, report.json, the HTML report
  inline in Jupyter).

The same numbers as the ``iaf`` tool on the same inputs: both run the same
library. Scans release the GIL and run on worker threads; Ctrl-C stops a
count. Errors are :class:`Error` exceptions carrying the file and the
place (``e.file``, ``e.line``, ``e.column``, ``e.where``).
"""

import html as _html
import io as _io
import json as _json
import os as _os
import signal as _signal
import tempfile as _tempfile
import threading as _threading

import numpy as _np
import pandas as _pd

from ._errors import (Error, InvalidError, IOError_, LimitError, ParseError,  # noqa: F401
                      UnsupportedError)
from . import _iaf

__all__ = ["count", "compare", "Comparison", "scan", "audit", "load_report", "Report", "Error", "ParseError", "InvalidError",
           "UnsupportedError", "LimitError", "IOError_", "version", "__version__"]

__version__ = _iaf.version()

_FORMATS = {None: _iaf.FORMAT_AUTO, "auto": _iaf.FORMAT_AUTO, "csv": _iaf.FORMAT_CSV,
            "jsonl": _iaf.FORMAT_JSONL, "parquet": _iaf.FORMAT_PARQUET}


def version():
    """The version of the libiaf the module runs (e.g. "0.1.0")."""
    return _iaf.version()


def _interruptible():
    # Ctrl-C can be caught only where Python handles SIGINT: the main thread,
    # with a Python-level handler installed (the default raises KeyboardInterrupt).
    if _threading.current_thread() is not _threading.main_thread():
        return False
    h = _signal.getsignal(_signal.SIGINT)
    return h not in (_signal.SIG_IGN, _signal.SIG_DFL, None)


def _names(x, what):
    if isinstance(x, str):
        return [x]
    try:
        out = list(x)
    except TypeError:
        raise TypeError("%s: a column name or a list of names" % what) from None
    for v in out:
        if not isinstance(v, str):
            raise TypeError("%s: column names are str, not %s" % (what, type(v).__name__))
    return out


def _paths(data):
    if isinstance(data, (str, bytes, _os.PathLike)):
        return [_os.fsdecode(data)]
    if isinstance(data, (list, tuple)) and data and all(
            isinstance(p, (str, bytes, _os.PathLike)) for p in data):
        return [_os.fsdecode(p) for p in data]
    return None


def _label(x):
    """The text of a non-string category, as iaf writes numbers."""
    if isinstance(x, (bool, _np.bool_)):
        return "true" if x else "false"
    if isinstance(x, (float, _np.floating)) and float(x).is_integer():
        return str(int(x))
    return str(x)


def _frame_column(name, s):
    """How one pandas column is handed to the extension (see count_frame in _iaf.c)."""
    dt = s.dtype
    if isinstance(dt, _pd.CategoricalDtype):
        codes = _np.ascontiguousarray(s.cat.codes.to_numpy())  # int8/16/32: no copy
        cats = [c if isinstance(c, (str, bytes)) else _label(c) for c in dt.categories]
        return ("codes", name, codes, cats, None)
    if _pd.api.types.is_bool_dtype(dt):
        if isinstance(dt, _np.dtype):
            codes = _np.ascontiguousarray(s.to_numpy()).view(_np.int8)
        else:  # nullable "boolean"
            codes = _np.where(s.isna().to_numpy(), -1,
                              s.fillna(False).to_numpy(dtype=bool)).astype(_np.int8)
        return ("codes", name, codes, ["false", "true"], None)
    if _pd.api.types.is_integer_dtype(dt) or _pd.api.types.is_float_dtype(dt):
        if isinstance(dt, _np.dtype):
            return ("numbers", name, _np.ascontiguousarray(s.to_numpy()), None, None)
        # nullable Int64, Float64, ...: values and a validity mask
        na = s.isna().to_numpy()
        npdt = _np.float64 if _pd.api.types.is_float_dtype(dt) else dt.numpy_dtype
        vals = _np.ascontiguousarray(s.to_numpy(dtype=npdt, na_value=0))
        return ("numbers", name, vals, (~na).astype(_np.uint8), None)
    # str, object, string, dates, ...: the values' text (str() of non-strings)
    vals = s.to_numpy(dtype=object)
    if any(isinstance(v, float) for v in vals[:1000]) or not _pd.api.types.is_object_dtype(dt):
        vals = _np.array([v if isinstance(v, (str, bytes)) or v is None else _label(v)
                          for v in vals], dtype=object)
    na = _np.ascontiguousarray(s.isna().to_numpy(), dtype=bool).view(_np.uint8)
    return ("objects", name, vals, na, None)


def _frame_input(df, need=None, where=None):
    """A DataFrame as the extension's ("frame", ...) input: the columns in need (with
    those the filter may name), or every column when need is None."""
    if isinstance(df, _pd.Series):
        df = df.to_frame()
    if not all(isinstance(c, str) for c in df.columns):
        df = df.rename(columns=str)
    if df.columns.duplicated().any():
        dup = df.columns[df.columns.duplicated()][0]
        raise InvalidError("<DataFrame>: column '%s' appears more than once" % dup,
                           file="<DataFrame>", message="column '%s' appears more than once" % dup)
    if need is None:
        cols = list(df.columns)
    else:
        for c in need:
            if c not in df.columns:
                have = ", ".join("'%s'" % x for x in list(df.columns)[:50])
                msg = "no column '%s' (columns: %s)" % (c, have or "none")
                raise InvalidError("<DataFrame>: " + msg, file="<DataFrame>", message=msg)
        cols = [c for c in df.columns if c in need or (where and c in where)]
    return ("frame", "<DataFrame>", len(df), [_frame_column(c, df[c]) for c in cols])


def _input(data, what="data", need=None, where=None):
    """Any input of count() as the extension takes it (see input_open in _iaf.c)."""
    if isinstance(data, (_pd.DataFrame, _pd.Series)):
        return _frame_input(data, need, where)
    if hasattr(data, "__arrow_c_stream__"):
        return ("arrow", "<Arrow stream>", data.__arrow_c_stream__())
    if type(data).__name__ == "PyCapsule":
        return ("arrow", "<Arrow stream>", data)
    paths = _paths(data)
    if paths is None:
        raise TypeError("%s: a path, a list of paths, a pandas DataFrame or an object "
                        "with __arrow_c_stream__, not %s" % (what, type(data).__name__))
    return ("paths", paths)


def _to_frame(res, weighted):
    names, cats, codes, values, ns = res
    data = {}
    for name, c, cd in zip(names, cats, codes):
        data[name] = _pd.Categorical.from_codes(_np.frombuffer(cd, dtype=_np.int32).copy(),
                                                categories=_pd.Index(c, dtype=object))
    counts = _np.frombuffer(values if weighted else ns,
                            dtype=_np.float64 if weighted else _np.int64).copy()
    key = "count"
    while key in data:
        key = "_" + key
    data[key] = counts
    return _pd.DataFrame(data)


def count(data, by, where=None, weight=None, *, missing=None, normalize=None, threads=0,
          format=None, encoding=None, delimiter=None):
    """Count rows by the values of one or more columns.

    Parameters
    ----------
    data : path, list of paths, DataFrame or Arrow stream
        A CSV, JSONL or Parquet file, a glob, a directory (its data files,
        recursively), a list of these (one dataset, one format); a pandas
        DataFrame (categorical columns are read by their codes, not copied;
        object, string, integer, float and boolean columns are read too);
        or any object with ``__arrow_c_stream__`` (the Arrow PyCapsule
        protocol: polars, pyarrow, DuckDB, pandas >= 2.2), read through the
        Arrow C stream interface (strings, large strings, dictionary-encoded
        strings, integers, floats, booleans).
    by : str or list of str
        1 to 16 columns.
    where : str, optional
        A filter in iaf's expression language (docs/expressions.md), e.g.
        ``'age >= 15 and sex == "F"'``: only rows where it is true count.
    weight : str, optional
        A numeric column to sum instead of counting rows.
    missing : list of str, optional
        Values that also mean missing (besides null and the empty string).
    normalize : str, optional
        Label normalisation steps, comma-separated: trim, nfc, nfkc,
        casefold, numeric.
    threads : int
        Worker threads (0: every core).
    format, encoding, delimiter :
        For files: "csv", "jsonl" or "parquet" (default: from the name);
        "cp949" or "euc-kr" for Korean text files; the CSV delimiter.

    Returns
    -------
    pandas.DataFrame
        One row per combination of values present, sorted by the values'
        bytes: the ``by`` columns as categoricals (missing values, which
        iaf counts as one category, are NaN), then ``count`` (int64 rows,
        or the float64 sum of the weight). The same table as
        ``iaf count --by ...``.

    Raises
    ------
    iaf.Error
        With ``file``, ``line``, ``column`` and ``where`` of the problem.
    KeyboardInterrupt
        On Ctrl-C during the scan.
    """
    by = _names(by, "by")
    if missing is not None:
        missing = _names(missing, "missing")
    if format not in _FORMATS:
        raise ValueError("format: one of 'csv', 'jsonl', 'parquet'")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ValueError("delimiter: one character")
    opts = dict(where=where, weight=weight, missing=missing, normalize=normalize,
                threads=int(threads), interruptible=_interruptible())
    res = _count(data, by, opts, format, encoding, delimiter)
    return _to_frame(res, weight is not None)


def _count(data, by, opts, format=None, encoding=None, delimiter=None):
    """The extension's count of data (any input count() takes) with opts."""
    weight = opts.get("weight")
    inp = _input(data, need=by + ([weight] if weight else []), where=opts.get("where"))
    return _iaf.count(inp, by, format=_FORMATS[format], encoding=encoding, delimiter=delimiter,
                      **opts)


_FORMS = {None: _iaf.DATA_AUTO, "auto": _iaf.DATA_AUTO, "microdata": _iaf.DATA_MICRODATA,
          "counts": _iaf.DATA_COUNTS}
_THRESHOLDS = {"tvd": "tvd", "tvd_joint": "tvd", "cond_tvd": "cond_tvd",
               "cond_tvd_y_given_x": "cond_tvd", "footprint": "footprint",
               "footprint_dep": "footprint", "retention": "retention"}


def compare(synthetic, reference, by, bootstrap=1000, seed=None, thresholds=None, *,
            where=None, weight=None, reference_where=None, reference_weight=None,
            n=None, reference_n=None, form=None, reference_form=None, recode=None, bins=None,
            counts=None, reference_counts=None, missing=None, normalize=None, interval=None,
            encoding=None, threads=0):
    """Compare the synthetic distribution of one or two attributes with a reference.

    As ``iaf compare``: both sides are counted by ``by``, harmonised on the
    reference's categories (synthetic mass elsewhere is reported as
    coverage, never dropped), and compared with the metrics of METHOD.md
    section 4; with ``bootstrap`` replicates (parametric, seeded) every
    metric gets a 95% interval and the check a PASS / FLAG / INCONCLUSIVE
    verdict with its diagnosis (``bootstrap=0``: point estimates only).

    Parameters
    ----------
    synthetic, reference :
        Anything :func:`count` reads (paths, DataFrames, Arrow streams):
        microdata, or a count table. A file is a count table when it looks
        like one (a long CSV with a count, share, n or value column, or a
        wide table) or with ``form="counts"``; a DataFrame is one when
        ``counts`` (``reference_counts``) names its count column.
    by : str or list of 1 or 2 str
        The attributes (x, or x and y), named alike on both sides.
    bootstrap : int
        Replicates for the intervals and the verdict (default 1000).
    seed : int, optional
        The bootstrap seed (default 20260611): same seed, same numbers.
    thresholds : dict, optional
        Materiality thresholds: ``tvd`` (0.05), ``cond_tvd`` (0.10),
        ``footprint`` (0.5), ``retention`` (0.5).
    where, weight, reference_where, reference_weight :
        Universe filters and weight columns of each side.
    n, reference_n :
        Sample sizes (default: rows in the universe, Kish's n when weighted;
        a count-table reference is fixed unless reference_n is given).
    form, reference_form : "microdata", "counts" or None (detected)
    recode : dict, optional
        ``{attribute: {value: new_value, ...}}``: values of an attribute
        of ``by`` renamed before comparing, unlisted values kept (``iaf
        compare --recode``). Non-string values are written as iaf writes
        them (``1`` is ``"1"``).
    bins : dict, optional
        ``{attribute: [e0, e1, ..., float("inf")]}``: a numeric attribute
        binned into [e0, e1), [e1, e2), ... labelled ``"18-24"`` for
        whole-number edges, ``"65+"`` for a last band to infinity, else
        ``"[a,b)"`` (``iaf compare --bin``); values outside every bin, and
        text that is no number, are left out. One recode or bins per
        attribute; both apply to the synthetic side and to a microdata
        reference (a count-table reference is in the compared categories
        already).
    counts, reference_counts : str, optional
        The side is an aggregated DataFrame (a count table: its category
        columns and this column of counts, like the output of
        :func:`count` or a statistics office's table), read as ``iaf``
        reads the same table written as CSV: columns other than ``by``
        are summed over, a missing label is the missing category.
    missing, normalize, interval, encoding, threads :
        As for :func:`count` and ``iaf compare`` ("calibrated" or "basic"
        intervals).

    Returns
    -------
    Comparison
    """
    by = _names(by, "by")
    if missing is not None:
        missing = _names(missing, "missing")
    th = {}
    for k, v in (thresholds or {}).items():
        if k not in _THRESHOLDS:
            raise ValueError("thresholds: tvd, cond_tvd, footprint or retention, not %r" % k)
        if not float(v) > 0:
            raise ValueError("thresholds: %s must be positive" % k)
        th[_THRESHOLDS[k]] = float(v)
    if form not in _FORMS or reference_form not in _FORMS:
        raise ValueError("form: 'microdata', 'counts' or None")
    if int(bootstrap) < 0:
        raise ValueError("bootstrap: 0 or more replicates")
    rec, bn = _derives(recode, bins)
    inputs, forms = [], []
    for side, d, f, w, wh, cnt in (("synthetic", synthetic, form, weight, where, counts),
                                   ("reference", reference, reference_form, reference_weight,
                                    reference_where, reference_counts)):
        if cnt is not None:
            if f == "microdata":
                raise ValueError("%s: a count table (counts=%r) is not microdata" % (side, cnt))
            inputs.append(_counts_input(d, cnt, side))
            forms.append(_iaf.DATA_COUNTS)
            continue
        inp = _input(d, side, need=by + ([w] if w else []), where=wh)
        if inp[0] != "paths" and f == "counts":
            raise ValueError("%s: a DataFrame or an Arrow stream is microdata; for a count "
                             "table name its count column (%scounts=...)"
                             % (side, "" if side == "synthetic" else "reference_"))
        inputs.append(inp)
        forms.append(_FORMS[f])
    text = _iaf.compare(inputs[0], inputs[1], by, where=where, weight=weight,
                        reference_where=reference_where, reference_weight=reference_weight,
                        missing=missing, normalize=normalize, encoding=encoding, seed=seed,
                        interval=interval, n=float(n or 0), reference_n=float(reference_n or 0),
                        bootstrap=int(bootstrap), threads=int(threads), form=forms[0],
                        reference_form=forms[1], recode=rec, bins=bn,
                        interruptible=_interruptible(), **th)
    return Comparison(_json.loads(text))


def _derives(recode, bins):
    """recode= and bins= of compare() as the extension takes them (see derives_from)."""
    rec, bn = [], []
    for kw, d in (("recode", recode), ("bins", bins)):
        if d is None:
            continue
        if not isinstance(d, dict):
            raise TypeError("%s: a dict {attribute: %s}" % (
                kw, "{value: new_value}" if kw == "recode" else "[edges]"))
        for attr, spec in d.items():
            if not isinstance(attr, str):
                raise TypeError("%s: attribute names are str, not %s" % (kw,
                                                                         type(attr).__name__))
            if kw == "recode":
                if not isinstance(spec, dict):
                    raise TypeError("recode of %s: a dict {value: new_value}" % attr)
                rec.append((attr, [(f if isinstance(f, str) else _label(f),
                                    t if isinstance(t, str) else _label(t))
                                   for f, t in spec.items()]))
            else:
                if isinstance(spec, (str, bytes)) or not hasattr(spec, "__iter__"):
                    raise TypeError("bins of %s: a list of edges" % attr)
                edges = []
                for e in spec:
                    try:
                        edges.append(float(e))
                    except (TypeError, ValueError):
                        raise ValueError("bins of %s: edge %r is not a number" % (attr, e)) \
                            from None
                bn.append((attr, edges))
    return rec, bn


def _counts_input(data, column, side):
    """An aggregated DataFrame as the extension's ("counts", ...) input: the text of the
    CSV `iaf` would read for it, its count column named count."""
    if isinstance(data, _pd.Series):
        data = data.to_frame()
    if not isinstance(data, _pd.DataFrame):
        raise TypeError("%s: a count table in memory is a pandas DataFrame, not %s"
                        % (side, type(data).__name__))
    df = data.rename(columns=str) if not all(isinstance(c, str) for c in data.columns) \
        else data
    if column not in df.columns:
        have = ", ".join("'%s'" % x for x in list(df.columns)[:50])
        msg = "no count column '%s' (columns: %s)" % (column, have or "none")
        raise InvalidError("<DataFrame>: " + msg, file="<DataFrame>", message=msg)
    if not (_pd.api.types.is_numeric_dtype(df[column].dtype)
            and not _pd.api.types.is_bool_dtype(df[column].dtype)):
        raise InvalidError("<DataFrame>: the count column '%s' is not numeric" % column,
                           file="<DataFrame>",
                           message="the count column '%s' is not numeric" % column)
    if column != "count" and "count" in df.columns:
        msg = "a column 'count' besides the count column '%s'" % column
        raise InvalidError("<DataFrame>: " + msg, file="<DataFrame>", message=msg)
    buf = _io.StringIO()
    _write_csv(df.rename(columns={column: "count"}), buf)
    return ("counts", "<DataFrame>", buf.getvalue().encode("utf-8", "surrogateescape"))


_METRICS = ("tvd_joint", "tvd_x", "tvd_y", "cond_tvd_y_given_x", "cond_tvd_x_given_y",
            "hellinger", "js_distance", "retention", "footprint", "footprint_dep",
            "footprint_marginal", "noise_floor", "cond_noise_floor")


class Comparison:
    """The result of :func:`compare` (the ``iaf compare --json`` object).

    Attributes: ``by``, ``metrics`` (dict: every metric of METHOD.md
    section 4, NaN where undefined; dependence measures per side as
    ``dep_tvd_synthetic``, ...), ``intervals`` (DataFrame: metric,
    estimate, plug_in, lo, hi, se, method; empty without a bootstrap),
    ``verdict`` ("PASS", "FLAG", "INCONCLUSIVE" or None), ``diagnosis``,
    ``no_verdict`` (why there is none), ``screens`` (DataFrame of the
    screens that decide the verdict), ``cells`` (DataFrame: the compared
    cells with both shares), ``coverage`` (dict), ``n_synthetic``,
    ``n_reference`` (inf for a fixed reference). ``to_dict()`` is the JSON object.
    """

    def __init__(self, d):
        self._d = d
        self.by = list(d["by"])
        m = {}
        for k in _METRICS:
            if k in d:
                m[k] = _nan(d[k])
        mc = d.get("max_cell_pp")
        if isinstance(mc, dict):
            m["max_cell_pp"] = _nan(mc.get("value"))
        for k in ("dep_tvd", "cramers_v", "nmi"):
            for side in ("synthetic", "reference"):
                if isinstance(d.get(k), dict) and side in d[k]:
                    m["%s_%s" % (k, side)] = _nan(d[k][side])
        self.metrics = m
        self.n_synthetic = _nan(d.get("n_synthetic"))
        # null in the JSON: a fixed reference (a full count), no sampling noise
        nr = d.get("n_reference")
        self.n_reference = float("inf") if nr is None else nr
        v = d.get("verdict") if isinstance(d.get("verdict"), dict) else {}
        self.verdict = v.get("verdict")
        self.diagnosis = v.get("diagnosis")
        self.no_verdict = d.get("no_verdict")
        self.coverage = d.get("coverage", {})
        rows = [dict(metric=k, **{f: _nan(iv.get(f)) for f in ("estimate", "plug_in", "lo",
                                                               "hi", "se")},
                     method=iv.get("method")) for k, iv in (d.get("intervals") or {}).items()]
        self.intervals = _pd.DataFrame(rows, columns=["metric", "estimate", "plug_in", "lo",
                                                      "hi", "se", "method"])
        self.screens = _pd.DataFrame(v.get("screens") or [],
                                     columns=["metric", "threshold", "fails", "estimate",
                                              "plug_in", "lo", "hi", "floor", "verdict",
                                              "reason"])
        self.cells = _pd.DataFrame(d.get("cells") or [])

    def to_dict(self):
        """The ``iaf compare --json`` object."""
        return _json.loads(_json.dumps(self._d))

    def __repr__(self):
        what = " x ".join(self.by)
        if self.verdict:
            return "<iaf.Comparison %s: %s (%s), tvd_joint %.4g>" % (
                what, self.verdict, self.diagnosis, self.metrics.get("tvd_joint", float("nan")))
        return "<iaf.Comparison %s: no verdict, tvd_joint %.4g>" % (
            what, self.metrics.get("tvd_joint", float("nan")))

    def _repr_html_(self):
        e = _html.escape
        head = "<strong>%s</strong>" % e(" &times; ".join(self.by)).replace("&amp;times;",
                                                                              "&times;")
        if self.verdict:
            head += " &mdash; <strong>%s</strong> (%s)" % (e(self.verdict),
                                                           e(self.diagnosis or ""))
        else:
            head += " &mdash; no verdict: %s" % e(self.no_verdict or "")
        rows = []
        iv = {r.metric: r for r in self.intervals.itertuples()}
        for k, v in self.metrics.items():
            ci = ""
            if k in iv:
                ci = "[%.4g, %.4g]" % (iv[k].lo, iv[k].hi)
            rows.append("<tr><td>%s</td><td>%.4g</td><td>%s</td></tr>" % (e(k), v, ci))
        return ("<div class=\"iaf-comparison\"><p>%s; n<sub>s</sub> = %.6g, n<sub>r</sub> = "
                "%.6g</p><table><thead><tr><th>metric</th><th>value</th><th>95%% interval</th>"
                "</tr></thead><tbody>%s</tbody></table></div>" % (
                    head, self.n_synthetic, self.n_reference, "".join(rows)))


def _nan(v):
    return float("nan") if v is None else v


def _text_column(s):
    """A pandas column as the text iaf reads from a CSV ("" for missing)."""
    na = s.isna().to_numpy()
    if isinstance(s.dtype, _pd.CategoricalDtype) or _pd.api.types.is_object_dtype(s.dtype) or \
            _pd.api.types.is_string_dtype(s.dtype):
        vals = s.astype(object).to_numpy()
    else:
        vals = s.to_numpy(dtype=object)
    return ["" if m else v if isinstance(v, str) else v.decode("utf-8", "surrogateescape")
            if isinstance(v, bytes) else _label(v) for v, m in zip(vals, na)]


def _write_csv(df, f):
    """df as the CSV text iaf reads back as the same labels and numbers."""
    import csv
    w = csv.writer(f, lineterminator="\n")
    w.writerow([str(c) for c in df.columns])
    cols = [_text_column(df[c]) for c in df.columns]
    w.writerows(zip(*cols))


def scan(data, reference=None, card=None, *, columns=None, skip=None, weight=None,
         max_categories=100, where=None, null=200, seed=None, reference_form=None,
         reference_weight=None, reference_n=None, bootstrap=200, tau_ret=0.5, missing=None,
         normalize=None, threads=0, format=None, encoding=None, delimiter=None):
    """Rank every pair of categorical columns by dependence (``iaf scan``).

    Each pair's dependence (dep_tvd, Cramer's V, NMI; chi-square and G-test
    p-values) is set against a null of independence with both margins kept,
    simulated on the cells (``null`` replicates, seeded). Pairs within the
    null's 95th percentile are footprint candidates: places where a
    generator may have assumed independence. With a ``reference`` over the
    same columns, a pair whose retention interval lies below 1 - tau_ret is
    a candidate too; ``card`` (a dataset card's path) adds the card's
    sentences that state independence, beside the pairs they name.

    data, reference : anything :func:`count` reads (paths, DataFrames, Arrow
        streams); a file may be one long count table. In-memory columns are
        read where they are, as :func:`count` reads them.
    columns : the columns to pair (default: every column that probes as
        categorical; identifiers, weights, near-unique and one-valued columns
        are skipped and listed).

    Returns a DataFrame, one row per pair, strongest dependence first (the
    pairs of ``iaf scan --json``); ``df.attrs`` holds rows, weight, seed,
    columns, skipped, lumped_categories, card_disclosures and the rest of
    the JSON object.
    """
    if format not in _FORMATS or reference_form not in _FORMS:
        raise ValueError("format / reference_form")
    if not 0 < float(tau_ret) < 1:
        raise ValueError("tau_ret: in (0, 1)")
    # every column: the probe looks at all of them, and skipped ones are listed
    inp = _input(data, "data")
    rinp = None if reference is None else _input(reference, "reference")
    if rinp is not None and rinp[0] != "paths" and reference_form == "counts":
        raise ValueError("reference: a DataFrame or an Arrow stream is microdata")
    text = _iaf.scan(
        inp, rinp, None if columns is None else _names(columns, "columns"),
        None if skip is None else _names(skip, "skip"), weight, int(max_categories), where,
        int(null), seed, _FORMS[reference_form], reference_weight,
        float(reference_n or 0), int(bootstrap), float(tau_ret),
        None if missing is None else _names(missing, "missing"), normalize,
        None if card is None else _os.fsdecode(card), int(threads), _FORMATS[format], encoding,
        delimiter, _interruptible())
    d = _json.loads(text)
    pairs = d.pop("pairs")
    df = _pd.DataFrame(pairs)
    df.attrs.update(d)
    return df


class Report:
    """The report of an audit (the model behind report.json).

    Made by :func:`audit` or :func:`load_report`. Renders report.json,
    report.md, report.html and cells.csv byte for byte as the ``iaf`` tool
    does; in Jupyter it shows the HTML report inline.
    """

    _FILES = (("report.json", _iaf.REPORT_JSON), ("report.md", _iaf.REPORT_MD),
              ("report.html", _iaf.REPORT_HTML), ("cells.csv", _iaf.REPORT_CELLS))

    def __init__(self, handle, from_audit):
        self._h = handle
        self._from_audit = from_audit
        self._name, self._rows = _iaf.report_rows(handle)

    def _render(self, fmt):
        return _iaf.report_render(self._h, fmt).decode("utf-8", "surrogateescape")

    @property
    def name(self):
        """The spec's name, or None."""
        return self._name

    @property
    def checks(self):
        """One row per check of the headline: check, kind, verdict (PASS,
        FLAG, INCONCLUSIVE; None when not screened), diagnosis, the key
        metric's name, its estimate and 95% interval (lo, hi)."""
        cols = ["check", "kind", "verdict", "diagnosis", "metric", "estimate", "lo", "hi"]
        return _pd.DataFrame.from_records(self._rows, columns=cols)

    @property
    def cells(self):
        """Every compared cell (cells.csv) as a DataFrame."""
        return _pd.read_csv(_io.StringIO(self._render(_iaf.REPORT_CELLS)), keep_default_na=False,
                            na_values=[""])

    @property
    def headline(self):
        """The plain-text headline the ``iaf audit`` command prints."""
        if not self._from_audit:
            raise UnsupportedError("a loaded report has no headline", status="unsupported")
        return self._render(_iaf.REPORT_HEADLINE)

    def to_json(self):
        """report.json (schema iaf-report/1) as text."""
        return self._render(_iaf.REPORT_JSON)

    def to_dict(self):
        """report.json as Python objects."""
        return _json.loads(self.to_json())

    def to_markdown(self):
        """report.md: the section for dataset cards."""
        return self._render(_iaf.REPORT_MD)

    def to_html(self):
        """report.html: one self-contained page (inline CSS and script, no network)."""
        return self._render(_iaf.REPORT_HTML)

    def save(self, directory):
        """Write report.json, report.md, report.html and cells.csv into
        directory (created if needed); returns the paths written."""
        _os.makedirs(directory, exist_ok=True)
        out = []
        for name, fmt in self._FILES:
            path = _os.path.join(directory, name)
            data = _iaf.report_render(self._h, fmt)
            # a new file next to the target (the umask's mode, as any file the user
            # writes), renamed into place: never a half-written report
            tmp = "%s.tmp.%d.%s" % (path, _os.getpid(), _os.urandom(4).hex())
            try:
                with open(tmp, "xb") as f:
                    f.write(data)
                _os.replace(tmp, path)
            except BaseException:
                if _os.path.exists(tmp):
                    _os.unlink(tmp)
                raise
            out.append(path)
        return out

    def _repr_html_(self):
        # The page has its own styles and script: in an iframe they neither leak into
        # the notebook nor depend on it. srcdoc keeps it one self-contained element.
        return ('<iframe title="iaf report" style="width:100%;height:640px;border:0" '
                'sandbox="allow-scripts" srcdoc="{}"></iframe>'.format(
                    _html.escape(self.to_html(), quote=True)))

    def __repr__(self):
        n = len(self._rows)
        tally = {}
        for r in self._rows:
            tally[r[2] or "pending"] = tally.get(r[2] or "pending", 0) + 1
        parts = ", ".join("%d %s" % (v, k) for k, v in sorted(tally.items()))
        return "<iaf.Report %r: %d checks (%s)>" % (self._name, n, parts)


def load_report(path):
    """A saved report.json (or its text as bytes/str) as a :class:`Report`."""
    if isinstance(path, bytes) or (isinstance(path, str) and path.lstrip().startswith("{")):
        text = path.encode("utf-8") if isinstance(path, str) else path
    else:
        with open(path, "rb") as f:
            text = f.read()
    return Report(_iaf.report_load(text), False)


def audit(spec, out=None, *, microdata=None, tables=None, threads=0, bootstrap=None, seed=None,
          interval=None, no_bootstrap=False, base=None):
    """Run an audit spec (docs/spec.md) and return its :class:`Report`.

    Parameters
    ----------
    spec : path or dict
        A spec file (YAML; its relative paths are relative to its
        directory), or the same structure as a dict (its relative paths are
        relative to ``base``, by default the working directory). In a dict,
        the ``file`` of a reference or of a dataset table may be a pandas
        DataFrame holding the count table (category columns and a count
        column: ``count``, ``share``, ``n``, ``value`` or the one ``value:``
        names): it is read in memory as the same table written as CSV, and
        errors in it and the report's inputs name it ``<DataFrame id>``.
    out : path, optional
        Also write report.json, report.md, report.html and cells.csv here.
    microdata : path or list of paths, optional
        Read the microdata from here instead of the spec's
        ``dataset.microdata`` (as ``iaf audit --microdata``).
    tables : dict, optional
        ``{id: DataFrame}``: count tables read instead of the files of the
        spec's references or dataset tables with these ids (as in a dict
        spec; the spec's options for each table apply).
    threads, bootstrap, seed, interval, no_bootstrap :
        As the options of ``iaf audit``: worker threads (0: every core),
        bootstrap replicates (default 1000), the seed (same seed, same
        bytes), "calibrated" or "basic" intervals, point estimates only.

    The audit runs without the GIL. The same spec and options give the same
    report as ``iaf audit`` (report.json differs only in the command line
    it records).
    """
    micro = None
    if microdata is not None:
        micro = _paths(microdata)
        if micro is None:
            raise TypeError("microdata: a path or a list of paths")
    if bootstrap is not None and (int(bootstrap) < 1):
        raise ValueError("bootstrap: at least 1 replicate")
    mem = []
    for tid, df in (tables or {}).items():
        mem.append(_table_text(tid, df, "<DataFrame %s>" % tid))
    if isinstance(spec, dict):
        d = _os.path.abspath(base if base is not None else _os.getcwd())
        spec = dict(spec)
        for key, i, tid, df in _frame_tables(spec):
            name = "<DataFrame %s>" % tid
            _set_table_file(spec, key, i, name)  # what the spec's loader reads; never opened
            mem.append(_table_text(tid, df, name))
        fd, tmp = _tempfile.mkstemp(prefix=".iaf-spec-", suffix=".yaml", dir=d)
        try:
            # JSON is YAML: the spec loader reads the dict as written, with lines to point at
            with _os.fdopen(fd, "w", encoding="utf-8") as f:
                _json.dump(spec, f, indent=2, ensure_ascii=False)
            try:
                rep = _run_audit(tmp, micro, threads, bootstrap, seed, interval, no_bootstrap,
                                 "iaf.audit(<dict>)", mem)
            except Error as e:
                if e.file == tmp:
                    e.file = "<spec dict>"
                    e.args = (str(e).replace(tmp, "<spec dict>"),)
                raise
        finally:
            _os.unlink(tmp)
    else:
        path = _os.fsdecode(spec)
        rep = _run_audit(path, micro, threads, bootstrap, seed, interval, no_bootstrap,
                         "iaf.audit(%r)" % path, mem)
    if out is not None:
        rep.save(out)
    return rep


def _frame_tables(spec):
    """The count tables of a spec dict given as DataFrames: (key, index, id, frame) for
    references[i].file and dataset.tables[i].file."""
    out = []
    refs = spec.get("references")
    ds = spec.get("dataset")
    lists = (("references", refs if isinstance(refs, list) else []),
             ("tables", ds.get("tables") if isinstance(ds, dict) and
              isinstance(ds.get("tables"), list) else []))
    for key, items in lists:
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("file"), (_pd.DataFrame,
                                                                       _pd.Series)):
                if not isinstance(item.get("id"), str):
                    raise ValueError("%s[%d]: a table given as a DataFrame needs an id"
                                     % (key, i))
                out.append((key, i, item["id"], item["file"]))
    return out


def _set_table_file(spec, key, i, path):
    """spec (a shallow copy) with the file of references[i] or dataset.tables[i] set to path,
    copying only what it changes."""
    if key == "references":
        spec["references"] = list(spec["references"])
        spec["references"][i] = dict(spec["references"][i], file=path)
    else:
        spec["dataset"] = dict(spec["dataset"])
        spec["dataset"]["tables"] = list(spec["dataset"]["tables"])
        spec["dataset"]["tables"][i] = dict(spec["dataset"]["tables"][i], file=path)


def _table_text(tid, df, name):
    """(id, CSV text, name): a DataFrame count table as the extension's audit takes it."""
    if not isinstance(tid, str):
        raise TypeError("tables: ids are str, not %s" % type(tid).__name__)
    if isinstance(df, _pd.Series):
        df = df.to_frame()
    if not isinstance(df, _pd.DataFrame):
        raise TypeError("tables: '%s' is a pandas DataFrame, not %s" % (tid, type(df).__name__))
    buf = _io.StringIO()
    _write_csv(df, buf)
    return (tid, buf.getvalue().encode("utf-8", "surrogateescape"), name)


def _run_audit(path, micro, threads, bootstrap, seed, interval, no_bootstrap, cmd, tables):
    h = _iaf.audit(path, micro, int(threads), int(bootstrap or 0), seed, interval,
                   bool(no_bootstrap), cmd, _interruptible(), tables or None)
    return Report(h, True)
