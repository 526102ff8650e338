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


def _frame_args(df, by, where, weight):
    if not all(isinstance(c, str) for c in df.columns):
        df = df.rename(columns=str)
    if df.columns.duplicated().any():
        dup = df.columns[df.columns.duplicated()][0]
        raise InvalidError("<DataFrame>: column '%s' appears more than once" % dup,
                           file="<DataFrame>", message="column '%s' appears more than once" % dup)
    # only the columns the count reads: by, the weight, and those the filter may name
    need = set(by) | ({weight} if weight else set())
    for c in by + ([weight] if weight else []):
        if c not in df.columns:
            have = ", ".join("'%s'" % x for x in list(df.columns)[:50])
            msg = "no column '%s' (columns: %s)" % (c, have or "none")
            raise InvalidError("<DataFrame>: " + msg, file="<DataFrame>", message=msg)
    cols = [c for c in df.columns if c in need or (where and c in where)]
    return len(df), [_frame_column(c, df[c]) for c in cols]


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


def _in_memory(data):
    return (isinstance(data, (_pd.DataFrame, _pd.Series)) or hasattr(data, "__arrow_c_stream__")
            or type(data).__name__ == "PyCapsule")


def _count(data, by, opts, format=None, encoding=None, delimiter=None):
    """The extension's count of data (any input count() takes) with opts."""
    if isinstance(data, _pd.Series):
        data = data.to_frame()
    if isinstance(data, _pd.DataFrame):
        nrows, cols = _frame_args(data, by, opts.get("where"), opts.get("weight"))
        return _iaf.count_frame(nrows, cols, by, **opts)
    if hasattr(data, "__arrow_c_stream__"):
        return _iaf.count_arrow(data.__arrow_c_stream__(), by, **opts)
    if type(data).__name__ == "PyCapsule":
        return _iaf.count_arrow(data, by, **opts)
    paths = _paths(data)
    if paths is None:
        raise TypeError("data: a path, a list of paths, a pandas DataFrame or an object "
                        "with __arrow_c_stream__, not %s" % type(data).__name__)
    return _iaf.count_paths(paths, by, format=_FORMATS[format], encoding=encoding,
                            delimiter=delimiter, **opts)


_FORMS = {None: _iaf.DATA_AUTO, "auto": _iaf.DATA_AUTO, "microdata": _iaf.DATA_MICRODATA,
          "counts": _iaf.DATA_COUNTS}
_THRESHOLDS = {"tvd": "tvd", "tvd_joint": "tvd", "cond_tvd": "cond_tvd",
               "cond_tvd_y_given_x": "cond_tvd", "footprint": "footprint",
               "footprint_dep": "footprint", "retention": "retention"}


def compare(synthetic, reference, by, bootstrap=1000, seed=None, thresholds=None, *,
            where=None, weight=None, reference_where=None, reference_weight=None,
            n=None, reference_n=None, form=None, reference_form=None, missing=None,
            normalize=None, interval=None, encoding=None, threads=0):
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
        Anything :func:`count` reads (paths, DataFrames, Arrow streams).
        When both are paths, a side may also be a count table (a long CSV
        with a count or share column, or a wide table: ``form="counts"``
        or detected); in-memory sides are microdata.
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
    kw = dict(where=where, weight=weight, reference_where=reference_where,
              reference_weight=reference_weight, missing=missing, normalize=normalize,
              encoding=encoding, seed=seed, interval=interval, n=float(n or 0),
              reference_n=float(reference_n or 0), bootstrap=int(bootstrap),
              threads=int(threads), interruptible=_interruptible(), **th)
    sp, rp = _paths(synthetic), _paths(reference)
    if sp is not None and rp is not None:
        text = _iaf.compare_paths(sp, rp, by, form=_FORMS[form],
                                  reference_form=_FORMS[reference_form], **kw)
    else:
        for side, d, f in (("synthetic", synthetic, form), ("reference", reference,
                                                             reference_form)):
            if _in_memory(d) and f == "counts":
                raise ValueError("%s: an in-memory side is microdata; a count table is "
                                 "read from a file" % side)
            if not _in_memory(d) and _paths(d) is None:
                raise TypeError("%s: a path, a list of paths, a pandas DataFrame or an object "
                                "with __arrow_c_stream__, not %s" % (side, type(d).__name__))
        common = dict(missing=missing, normalize=normalize, threads=int(threads),
                      interruptible=kw["interruptible"], as_table=True)
        if sp is None and rp is None:
            st = _count(synthetic, by, dict(common, where=where, weight=weight),
                        encoding=encoding)
            rt = _count(reference, by, dict(common, where=reference_where,
                                            weight=reference_weight), encoding=encoding)
            text = _iaf.compare_tables(st, rt, by, **kw)
        else:
            text = _compare_mixed(synthetic, reference, by, sp, rp, form, reference_form,
                                  common, kw)
    return Comparison(_json.loads(text))


def _compare_mixed(synthetic, reference, by, sp, rp, form, reference_form, common, kw):
    """One side in memory, the other a file: the in-memory side is counted (its filter
    and weight applied) and given to the library as the count table `iaf count` would
    write, with its own sample size (rows in the universe, Kish's n when weighted), so
    the file side is read as the tool reads it (microdata or a count table)."""
    mem_is_syn = sp is None
    data = synthetic if mem_is_syn else reference
    where = kw["where"] if mem_is_syn else kw["reference_where"]
    weight = kw["weight"] if mem_is_syn else kw["reference_weight"]
    given_n = kw["n"] if mem_is_syn else kw["reference_n"]
    cap = _count(data, by, dict(common, where=where, weight=weight), encoding=kw["encoding"])
    csv, n_obs, n_eff = _iaf.counter_table(cap, weight is not None)
    n = given_n or (n_eff if weight is not None else n_obs)
    d = _tempfile.mkdtemp(prefix="iaf-compare-")
    path = _os.path.join(d, "counts.csv")
    try:
        with open(path, "wb") as f:
            f.write(csv)
        kw = dict(kw)
        side = "" if mem_is_syn else "reference_"
        kw.update({side + "where": None, side + "weight": None, side + "n": float(n)})
        forms = {"form": _FORMS[form], "reference_form": _FORMS[reference_form]}
        forms[side + "form"] = _iaf.DATA_COUNTS
        text = _iaf.compare_paths([path] if mem_is_syn else sp, rp if mem_is_syn else [path],
                                  by, **forms, **kw)
    finally:
        _os.unlink(path)
        _os.rmdir(d)
    out = _json.loads(text)
    # the inputs as the caller gave them, not the temporary table
    name = "<DataFrame>" if isinstance(data, (_pd.DataFrame, _pd.Series)) else "<Arrow stream>"
    inp = out.get("inputs", {}).get("synthetic" if mem_is_syn else "reference")
    if isinstance(inp, dict):
        inp.update(files=[name], form="microdata", where=where, weight=weight)
    return _json.dumps(out)
    return Comparison(_json.loads(text))


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


def _frame_to_csv(df, path):
    import csv
    with open(path, "w", encoding="utf-8", newline="", errors="surrogateescape") as f:
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

    data, reference : paths or DataFrames (a DataFrame is read through the
        text iaf would read from its CSV). Arrow streams are not scanned yet.
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
    tmp = None
    try:
        def as_paths(d, what):
            nonlocal tmp
            if d is None:
                return None
            if isinstance(d, _pd.Series):
                d = d.to_frame()
            if isinstance(d, _pd.DataFrame):
                if tmp is None:
                    tmp = _tempfile.mkdtemp(prefix="iaf-scan-")
                p = _os.path.join(tmp, what + ".csv")
                _frame_to_csv(d, p)
                return [p]
            p = _paths(d)
            if p is None:
                raise TypeError("%s: a path, a list of paths or a pandas DataFrame, not %s"
                                % (what, type(d).__name__))
            return p
        dp = as_paths(data, "data")
        rp = as_paths(reference, "reference")
        fmt = _FORMATS[format]
        if tmp is not None and isinstance(data, (_pd.DataFrame, _pd.Series)):
            fmt, delimiter = _iaf.FORMAT_CSV, None
        text = _iaf.scan_paths(
            dp, None if columns is None else _names(columns, "columns"),
            None if skip is None else _names(skip, "skip"), weight, int(max_categories), where,
            int(null), seed, rp, _FORMS[reference_form], reference_weight,
            float(reference_n or 0), int(bootstrap), float(tau_ret),
            None if missing is None else _names(missing, "missing"), normalize,
            None if card is None else _os.fsdecode(card), int(threads), fmt, encoding,
            delimiter, _interruptible())
    finally:
        if tmp is not None:
            for f in _os.listdir(tmp):
                _os.unlink(_os.path.join(tmp, f))
            _os.rmdir(tmp)
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


def audit(spec, out=None, *, microdata=None, threads=0, bootstrap=None, seed=None,
          interval=None, no_bootstrap=False, base=None):
    """Run an audit spec (docs/spec.md) and return its :class:`Report`.

    Parameters
    ----------
    spec : path or dict
        A spec file (YAML; its relative paths are relative to its
        directory), or the same structure as a dict (its relative paths are
        relative to ``base``, by default the working directory).
    out : path, optional
        Also write report.json, report.md, report.html and cells.csv here.
    microdata : path or list of paths, optional
        Read the microdata from here instead of the spec's
        ``dataset.microdata`` (as ``iaf audit --microdata``).
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
    if isinstance(spec, dict):
        d = _os.path.abspath(base if base is not None else _os.getcwd())
        # JSON is YAML: the spec loader reads the dict as written, with lines to point at
        fd, tmp = _tempfile.mkstemp(prefix=".iaf-spec-", suffix=".yaml", dir=d)
        try:
            with _os.fdopen(fd, "w", encoding="utf-8") as f:
                _json.dump(spec, f, indent=2, ensure_ascii=False)
            try:
                rep = _run_audit(tmp, micro, threads, bootstrap, seed, interval, no_bootstrap,
                                 "iaf.audit(<dict>)")
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
                         "iaf.audit(%r)" % path)
    if out is not None:
        rep.save(out)
    return rep


def _run_audit(path, micro, threads, bootstrap, seed, interval, no_bootstrap, cmd):
    h = _iaf.audit(path, micro, int(threads), int(bootstrap or 0), seed, interval,
                   bool(no_bootstrap), cmd, _interruptible())
    return Report(h, True)
