/* _iaf.c - the CPython extension behind the iaf package (python/iaf/).
 *
 * Built against the Limited API of Python 3.11 (one abi3 module) and the
 * public C API of libiaf (include/iaf/) only. The Python layer
 * (iaf/__init__.py) turns user inputs into the plain arguments these
 * functions take; here the GIL is released around every scan and audit,
 * iaf errors become iaf.Error exceptions with the file and the place, and
 * SIGINT (Ctrl-C) stops a count through the counter's cancel callback.
 */
#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <iaf/compare.h>
#include <iaf/iaf.h>
#include <iaf/scan.h>

#include "arrow.h"
#include "columns.h"

/* Rows per part of in-memory columns: parts are what the workers share out. */
#define PART_ROWS 65536

static PyObject *make_error; /* iaf._errors.make_error */

/* ----- errors */

/* Raise the iaf.Error subclass of err's status, carrying where it happened. */
static PyObject *raise_iaf(iaf_status st, const iaf_error *err)
{
    char text[2600];
    iaf_error_format(err, text, sizeof text);
    PyObject *exc =
        PyObject_CallFunction(make_error, "ssLLLsss", iaf_status_name(st), err->file, err->line,
                              err->column, err->offset, err->where, err->message, text);
    if (!exc) return NULL;
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

static PyObject *raise_msg(iaf_status st, const char *file, const char *msg)
{
    iaf_error e;
    iaf_error_set(&e, st, file, 0, 0, "%s", msg);
    return raise_iaf(st, &e);
}

/* ----- Ctrl-C: while a scan runs without the GIL, SIGINT sets a flag that
 * the counter's cancel callback reads; afterwards the signal is handed to
 * Python, whose handler raises KeyboardInterrupt. */

static volatile sig_atomic_t interrupted;
static atomic_int test_sigint_after = -1; /* tests: raise SIGINT at the k-th cancel check */

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct sigguard {
    int installed;
    struct sigaction old;
} sigguard;

/* Only a run on the main thread catches SIGINT (Python's own handler runs
 * there); at most one such run is under way at a time. */
static void guard_begin(sigguard *g, int interruptible)
{
    g->installed = 0;
    if (!interruptible) return;
    interrupted = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, &g->old) == 0) g->installed = 1;
}

/* With the GIL: restore Python's handler; -1 with KeyboardInterrupt (or
 * whatever the Python handler raises) set when SIGINT arrived. */
static int guard_end(sigguard *g)
{
    if (!g->installed) return 0;
    sigaction(SIGINT, &g->old, NULL);
    g->installed = 0;
    if (!interrupted) return 0;
    interrupted = 0;
    PyErr_SetInterruptEx(SIGINT);
    if (PyErr_CheckSignals() < 0) return -1;
    return 0;
}

/* ctx: the run's `interruptible` flag; a run off the main thread is never
 * cancelled by a SIGINT meant for the main thread's run. */
static int cancel_cb(void *ctx)
{
    if (!ctx || !*(const int *)ctx) return 0;
    int k = atomic_load(&test_sigint_after);
    if (k >= 0 && atomic_fetch_sub(&test_sigint_after, 1) == 0) raise(SIGINT);
    return interrupted != 0;
}

static PyObject *py_set_test_interrupt(PyObject *self, PyObject *args)
{
    int k;
    if (!PyArg_ParseTuple(args, "i", &k)) return NULL;
    atomic_store(&test_sigint_after, k);
    Py_RETURN_NONE;
}

/* ----- string lists */

typedef struct strlist {
    const char **v;
    size_t n;
} strlist;

static void strlist_clear(strlist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* A list/tuple of str as borrowed UTF-8 (valid while seq lives). */
static int strlist_from(PyObject *seq, strlist *l, const char *what)
{
    l->v = NULL;
    l->n = 0;
    if (seq == Py_None) return 0;
    PyObject *fast = PySequence_Tuple(seq);
    if (!fast) return -1;
    Py_ssize_t n = PyTuple_Size(fast);
    l->v = calloc(n ? (size_t)n : 1, sizeof *l->v);
    if (!l->v) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *o = PyTuple_GetItem(fast, i);
        if (!PyUnicode_Check(o)) {
            PyErr_Format(PyExc_TypeError, "%s: expected str items", what);
            goto fail;
        }
        if (!(l->v[i] = PyUnicode_AsUTF8AndSize(o, NULL))) goto fail;
    }
    l->n = (size_t)n;
    /* the strings are the items' UTF-8 caches, kept by seq's items */
    Py_DECREF(fast);
    return 0;
fail:
    Py_DECREF(fast);
    strlist_clear(l);
    return -1;
}

/* ----- counting */

typedef struct count_args {
    PyObject *by, *where, *weight, *missing, *normalize, *encoding, *delimiter;
    int threads, format, interruptible, as_table;
} count_args;

static const char *opt_str(PyObject *o)
{
    return o == Py_None ? NULL : PyUnicode_AsUTF8AndSize(o, NULL);
}

/* The table as (names, categories, codes, values, n): categories per
 * attribute as a list of str in byte order without the missing category;
 * codes per attribute as bytes of int32 (-1 for the missing category);
 * values as bytes of float64; n as bytes of int64. */
static PyObject *table_result(const iaf_table *t)
{
    size_t na = iaf_table_nattrs(t), nc = iaf_table_ncells(t);
    PyObject *names = PyList_New((Py_ssize_t)na), *cats = PyList_New((Py_ssize_t)na),
             *codes = PyList_New((Py_ssize_t)na);
    PyObject *values = NULL, *ns = NULL, *res = NULL;
    int32_t **cmap = calloc(na ? na : 1, sizeof *cmap);
    if (!names || !cats || !codes || !cmap) goto cleanup;
    for (size_t a = 0; a < na; a++) {
        PyObject *s = PyUnicode_FromString(iaf_table_attr(t, a));
        if (!s) goto cleanup;
        PyList_SetItem(names, (Py_ssize_t)a, s);
        size_t k = iaf_table_ncats(t, a);
        PyObject *l = PyList_New(0);
        if (!l) goto cleanup;
        PyList_SetItem(cats, (Py_ssize_t)a, l);
        if (!(cmap[a] = calloc(k ? k : 1, sizeof *cmap[a]))) goto nomem;
        int32_t next = 0;
        for (size_t id = 0; id < k; id++) {
            iaf_sv v = iaf_table_cat(t, a, id);
            if (v.len == 0) { /* the missing category */
                cmap[a][id] = -1;
                continue;
            }
            PyObject *u = PyUnicode_DecodeUTF8(v.ptr, (Py_ssize_t)v.len, "surrogateescape");
            if (!u) goto cleanup;
            int rc = PyList_Append(l, u);
            Py_DECREF(u);
            if (rc < 0) goto cleanup;
            cmap[a][id] = next++;
        }
        PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(nc * sizeof(int32_t)));
        if (!b) goto cleanup;
        PyList_SetItem(codes, (Py_ssize_t)a, b);
    }
    values = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(nc * sizeof(double)));
    ns = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(nc * sizeof(int64_t)));
    if (!values || !ns) goto cleanup;
    double *vp = (double *)PyBytes_AsString(values);
    int64_t *np = (int64_t *)PyBytes_AsString(ns);
    for (size_t a = 0; a < na; a++) {
        int32_t *cp = (int32_t *)PyBytes_AsString(PyList_GetItem(codes, (Py_ssize_t)a));
        for (size_t i = 0; i < nc; i++)
            cp[i] = cmap[a][iaf_table_cell(t, i).cat[a]];
    }
    for (size_t i = 0; i < nc; i++) {
        iaf_cell c = iaf_table_cell(t, i);
        vp[i] = c.value;
        np[i] = c.n;
    }
    res = Py_BuildValue("(OOOOO)", names, cats, codes, values, ns);
    goto cleanup; /* release the references either way */
nomem:
    PyErr_NoMemory();
cleanup:
    for (size_t a = 0; cmap && a < na; a++)
        free(cmap[a]);
    free(cmap);
    Py_XDECREF(names);
    Py_XDECREF(cats);
    Py_XDECREF(codes);
    Py_XDECREF(values);
    Py_XDECREF(ns);
    return res;
}

static void counter_destructor(PyObject *cap)
{
    iaf_counter_free(PyCapsule_GetPointer(cap, "iaf.counter"));
}

/* Count one table: over paths when src is NULL, else over src (taken over). */
static PyObject *run_count(const strlist *paths, iaf_source *src, const count_args *a)
{
    strlist by = {0}, missing = {0};
    iaf_counter *c = NULL;
    PyObject *res = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_count_options opt;
    memset(&opt, 0, sizeof opt);
    if (strlist_from(a->by, &by, "by") != 0 || strlist_from(a->missing, &missing, "missing") != 0)
        goto done;
    opt.where = opt_str(a->where);
    opt.where_name = "where";
    opt.weight = opt_str(a->weight);
    opt.normalize = opt_str(a->normalize);
    opt.missing = missing.v;
    opt.nmissing = missing.n;
    opt.source.threads = a->threads;
    opt.source.format = (iaf_format)a->format;
    opt.source.encoding = opt_str(a->encoding);
    const char *delim = opt_str(a->delimiter);
    opt.source.delimiter = delim ? delim[0] : 0;
    opt.cancel = cancel_cb;
    opt.progress_ctx = (void *)&a->interruptible;
    if (PyErr_Occurred()) goto done;
    iaf_status st;
    if (src) {
        st = iaf_counter_open_source(src, &opt, &c, &err);
        src = NULL;
    } else {
        st = iaf_counter_open(paths->v, paths->n, &opt, &c, &err);
    }
    if (st == IAF_OK) st = iaf_counter_add(c, by.v, by.n, NULL, &err);
    if (st != IAF_OK) {
        raise_iaf(st, &err);
        goto done;
    }
    sigguard g;
    guard_begin(&g, a->interruptible);
    Py_BEGIN_ALLOW_THREADS st = iaf_counter_run(c, &err);
    Py_END_ALLOW_THREADS if (guard_end(&g) < 0) goto done;
    if (st == IAF_STOP) {
        /* stopped by a signal whose Python handler did not raise */
        PyErr_SetString(PyExc_KeyboardInterrupt, "the count was interrupted");
        goto done;
    }
    if (st != IAF_OK) {
        raise_iaf(st, &err);
        goto done;
    }
    if (a->as_table) {
        if ((res = PyCapsule_New(c, "iaf.counter", counter_destructor))) c = NULL;
    } else {
        res = table_result(iaf_counter_table(c, 0));
    }
done:
    iaf_source_free(src);
    iaf_counter_free(c);
    strlist_clear(&by);
    strlist_clear(&missing);
    return res;
}

static char *count_kw[] = {"by",        "where",         "weight",   "missing",
                           "normalize", "threads",       "format",   "encoding",
                           "delimiter", "interruptible", "as_table", NULL};

static int parse_count_args(PyObject *args, PyObject *kw, count_args *a)
{
    memset(a, 0, sizeof *a);
    a->where = a->weight = a->missing = a->normalize = a->encoding = a->delimiter = Py_None;
    return PyArg_ParseTupleAndKeywords(args, kw, "O|OOOOiiOOpp", count_kw, &a->by, &a->where,
                                       &a->weight, &a->missing, &a->normalize, &a->threads,
                                       &a->format, &a->encoding, &a->delimiter, &a->interruptible,
                                       &a->as_table)
               ? 0
               : -1;
}

/* count_paths(paths, by, ...) */
static PyObject *py_count_paths(PyObject *self, PyObject *args, PyObject *kw)
{
    Py_ssize_t n = PyTuple_Size(args);
    if (n < 1) {
        PyErr_SetString(PyExc_TypeError, "count_paths(paths, by, ...)");
        return NULL;
    }
    PyObject *paths = PyTuple_GetItem(args, 0), *rest = PyTuple_GetSlice(args, 1, n);
    if (!rest) return NULL;
    count_args a;
    strlist pl = {0};
    PyObject *res = NULL;
    if (parse_count_args(rest, kw, &a) == 0 && strlist_from(paths, &pl, "paths") == 0)
        res = run_count(&pl, NULL, &a);
    strlist_clear(&pl);
    Py_DECREF(rest);
    return res;
}

/* ----- in-memory columns */

typedef struct pyhold {
    Py_buffer *views;
    size_t nviews, cap;
    PyObject *refs; /* a list of objects kept alive during the count */
} pyhold;

static Py_buffer *hold_buffer(pyhold *h, PyObject *o)
{
    if (h->nviews == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 8;
        Py_buffer *v = realloc(h->views, cap * sizeof *v);
        if (!v) {
            PyErr_NoMemory();
            return NULL;
        }
        h->views = v;
        h->cap = cap;
    }
    Py_buffer *b = &h->views[h->nviews];
    if (PyObject_GetBuffer(o, b, PyBUF_ND | PyBUF_FORMAT) != 0) return NULL;
    h->nviews++;
    return b;
}

static void hold_release(pyhold *h)
{
    for (size_t i = 0; i < h->nviews; i++)
        PyBuffer_Release(&h->views[i]);
    free(h->views);
    Py_XDECREF(h->refs);
    memset(h, 0, sizeof *h);
}

/* Integer or float layout of a buffer format ("b", "<i8", "=q", ...). */
static int buffer_kind(const Py_buffer *b, int *is_float, int *uns)
{
    const char *f = b->format ? b->format : "B";
    while (*f == '<' || *f == '>' || *f == '=' || *f == '@' || *f == '!')
        f++;
    *is_float = *f == 'f' || *f == 'd';
    *uns = *f == 'B' || *f == 'H' || *f == 'I' || *f == 'L' || *f == 'Q' || *f == '?';
    if (!strchr("bBhHiIlLqQfd?", *f) || !*f || f[1]) return -1;
    if (!(b->itemsize == 1 || b->itemsize == 2 || b->itemsize == 4 || b->itemsize == 8)) return -1;
    return 0;
}

/* A byte-per-row mask buffer (1 = valid) of nrows, or NULL for None. */
static int mask_of(pyhold *h, PyObject *o, Py_ssize_t nrows, const uint8_t **out)
{
    *out = NULL;
    if (o == Py_None) return 0;
    Py_buffer *b = hold_buffer(h, o);
    if (!b) return -1;
    if (b->itemsize != 1 || b->len != nrows) {
        PyErr_SetString(PyExc_ValueError, "a mask of one byte per row");
        return -1;
    }
    *out = b->buf;
    return 0;
}

/* The string views of a list of objects (str, bytes or anything str() takes),
 * None for null. Views point into the objects, which refs keeps alive. */
static iaf_sv *views_of(xsource *s, pyhold *h, PyObject *seq, const uint8_t *nullmask,
                        Py_ssize_t nrows)
{
    iaf_sv *sv = xs_alloc(s, (size_t)nrows, sizeof *sv);
    if (!sv) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nrows; i++) {
        /* a long conversion holds the GIL: let Ctrl-C through */
        if ((i & 0xFFFF) == 0xFFFF && PyErr_CheckSignals() < 0) return NULL;
        if (nullmask && nullmask[i]) continue;
        PyObject *o = PySequence_GetItem(seq, i); /* new reference */
        if (!o) return NULL;
        if (o == Py_None) {
            Py_DECREF(o);
            continue;
        }
        PyObject *u = o;
        if (PyBytes_Check(o)) {
            char *p;
            Py_ssize_t n;
            if (PyBytes_AsStringAndSize(o, &p, &n) != 0 || PyList_Append(h->refs, o) != 0) {
                Py_DECREF(o);
                return NULL;
            }
            Py_DECREF(o);
            sv[i] = (iaf_sv){p, (size_t)n};
            continue;
        }
        if (!PyUnicode_Check(o)) {
            u = PyObject_Str(o);
            Py_DECREF(o);
            if (!u) return NULL;
        }
        Py_ssize_t n;
        const char *p = PyUnicode_AsUTF8AndSize(u, &n);
        if (!p || PyList_Append(h->refs, u) != 0) {
            Py_DECREF(u);
            return NULL;
        }
        Py_DECREF(u);
        sv[i] = (iaf_sv){p, (size_t)n};
    }
    return sv;
}

/* count_frame(nrows, columns, by, ...): columns is a list of tuples
 *   ("codes", name, codes, categories, None)   pandas Categorical codes (-1 null)
 *   ("objects", name, list, nullmask, None)    str/bytes/other objects; nullmask 1 = null
 *   ("numbers", name, values, validmask, None) integers or floats; validmask 1 = valid
 */
static PyObject *py_count_frame(PyObject *self, PyObject *args, PyObject *kw)
{
    Py_ssize_t n = PyTuple_Size(args);
    if (n < 2) {
        PyErr_SetString(PyExc_TypeError, "count_frame(nrows, columns, by, ...)");
        return NULL;
    }
    Py_ssize_t nrows = PyLong_AsSsize_t(PyTuple_GetItem(args, 0));
    if (nrows < 0) return PyErr_Occurred() ? NULL : PyErr_Format(PyExc_ValueError, "nrows < 0");
    PyObject *cols = PyTuple_GetItem(args, 1), *rest = PyTuple_GetSlice(args, 2, n);
    if (!rest) return NULL;
    count_args a;
    xsource s;
    memset(&s, 0, sizeof s);
    pyhold h;
    memset(&h, 0, sizeof h);
    iaf_source *src = NULL;
    PyObject *res = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    if (parse_count_args(rest, kw, &a) != 0) goto done;
    if (!(h.refs = PyList_New(0))) goto done;
    Py_ssize_t nc = PySequence_Size(cols);
    if (nc < 0) goto done;
    s.name = "<DataFrame>";
    s.ncols = (size_t)nc;
    if (!(s.names = xs_alloc(&s, s.ncols, sizeof *s.names))) goto nomem;
    xchunk *ch = xs_add_chunk(&s);
    if (!ch) goto nomem;
    ch->nrows = nrows;
    for (Py_ssize_t j = 0; j < nc; j++) {
        PyObject *t = PySequence_GetItem(cols, j);
        if (!t) goto done;
        const char *kind, *name;
        PyObject *x, *y, *z;
        int ok = PyArg_ParseTuple(t, "ssOOO", &kind, &name, &x, &y, &z);
        Py_DECREF(t);
        if (!ok) goto done;
        if (!(s.names[j] = xs_strdup(&s, name))) goto nomem;
        xcol *c = &ch->cols[j];
        if (!strcmp(kind, "codes")) {
            Py_buffer *b = hold_buffer(&h, x);
            int isf, uns;
            if (!b) goto done;
            if (buffer_kind(b, &isf, &uns) != 0 || isf || b->len != nrows * b->itemsize) {
                PyErr_Format(PyExc_ValueError, "column '%s': codes of %zd integers expected", name,
                             nrows);
                goto done;
            }
            Py_ssize_t k = PySequence_Size(y);
            if (k < 0) goto done;
            c->kind = XK_CODES;
            c->data = b->buf;
            c->width = (int)b->itemsize;
            c->is_unsigned = uns;
            c->ndict = (size_t)k;
            c->dict_id = xs_dict_id();
            if (!(c->dict = views_of(&s, &h, y, NULL, k))) goto done;
            for (Py_ssize_t i = 0; i < k; i++)
                if (!c->dict[i].ptr) ((iaf_sv *)c->dict)[i] = (iaf_sv){"", 0};
        } else if (!strcmp(kind, "objects")) {
            const uint8_t *nullmask;
            if (mask_of(&h, y, nrows, &nullmask) != 0) goto done;
            if (PySequence_Size(x) != nrows) {
                PyErr_Format(PyExc_ValueError, "column '%s': %zd values expected", name, nrows);
                goto done;
            }
            c->kind = XK_SV;
            if (!(c->sv = views_of(&s, &h, x, nullmask, nrows))) goto done;
        } else if (!strcmp(kind, "numbers")) {
            Py_buffer *b = hold_buffer(&h, x);
            int isf, uns;
            if (!b) goto done;
            if (buffer_kind(b, &isf, &uns) != 0 || b->len != nrows * b->itemsize ||
                (isf && b->itemsize < 4)) {
                PyErr_Format(PyExc_ValueError, "column '%s': %zd numbers expected", name, nrows);
                goto done;
            }
            c->kind = isf ? XK_FLOAT : XK_INT;
            c->data = b->buf;
            c->width = (int)b->itemsize;
            c->is_unsigned = uns;
            if (mask_of(&h, y, nrows, &c->validb) != 0) goto done;
        } else {
            PyErr_Format(PyExc_ValueError, "unknown column kind '%s'", kind);
            goto done;
        }
    }
    if (xs_make_parts(&s, PART_ROWS) != 0) goto nomem;
    iaf_source_callbacks cb = {&s, s.nparts, xs_read_part, NULL};
    iaf_source_options so;
    memset(&so, 0, sizeof so);
    so.threads = a.threads;
    iaf_status st = iaf_source_open_callbacks(s.name, (const char *const *)s.names, s.ncols, &cb,
                                              &so, &src, &err);
    if (st != IAF_OK) {
        raise_iaf(st, &err);
        goto done;
    }
    res = run_count(NULL, src, &a); /* takes src over */
    goto done;
nomem:
    PyErr_NoMemory();
done:
    hold_release(&h);
    xs_clear(&s);
    Py_DECREF(rest);
    return res;
}

/* count_arrow(capsule, by, ...): an "arrow_array_stream" PyCapsule. */
static PyObject *py_count_arrow(PyObject *self, PyObject *args, PyObject *kw)
{
    Py_ssize_t n = PyTuple_Size(args);
    if (n < 1) {
        PyErr_SetString(PyExc_TypeError, "count_arrow(capsule, by, ...)");
        return NULL;
    }
    PyObject *cap = PyTuple_GetItem(args, 0), *rest = PyTuple_GetSlice(args, 1, n);
    if (!rest) return NULL;
    count_args a;
    xsource s;
    memset(&s, 0, sizeof s);
    xarrays keep;
    memset(&keep, 0, sizeof keep);
    iaf_source *src = NULL;
    PyObject *res = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    if (parse_count_args(rest, kw, &a) != 0) goto done;
    struct ArrowArrayStream *stream = PyCapsule_GetPointer(cap, "arrow_array_stream");
    if (!stream) goto done;
    if (!stream->release) {
        PyErr_SetString(PyExc_ValueError, "the Arrow stream was already consumed");
        goto done;
    }
    s.name = "<Arrow stream>";
    char msg[512];
    int rc = xs_from_arrow_stream(&s, stream, &keep, msg, sizeof msg);
    /* the stream is consumed: release it now, as the PyCapsule protocol asks */
    stream->release(stream);
    stream->release = NULL;
    if (rc != 0) {
        raise_msg(IAF_ERR_INVALID, s.name, msg);
        goto done;
    }
    if (s.ncols == 0) {
        raise_msg(IAF_ERR_INVALID, s.name, "the Arrow stream has no columns");
        goto done;
    }
    if (xs_make_parts(&s, PART_ROWS) != 0) {
        PyErr_NoMemory();
        goto done;
    }
    iaf_source_callbacks cb = {&s, s.nparts, xs_read_part, NULL};
    iaf_source_options so;
    memset(&so, 0, sizeof so);
    so.threads = a.threads;
    iaf_status st = iaf_source_open_callbacks(s.name, (const char *const *)s.names, s.ncols, &cb,
                                              &so, &src, &err);
    if (st != IAF_OK) {
        raise_iaf(st, &err);
        goto done;
    }
    res = run_count(NULL, src, &a);
done:
    /* release callbacks may be Python code: not with an exception pending */
    PyObject *et, *ev, *tb;
    PyErr_Fetch(&et, &ev, &tb);
    xarrays_release(&keep);
    PyErr_Restore(et, ev, tb);
    xs_clear(&s);
    Py_DECREF(rest);
    return res;
}

/* ----- comparisons */

static iaf_status compare_progress(void *ctx, size_t done, size_t total)
{
    (void)done;
    (void)total;
    return cancel_cb(ctx) ? IAF_STOP : IAF_OK;
}

typedef struct compare_args {
    PyObject *by, *syn_where, *syn_weight, *ref_where, *ref_weight, *missing, *normalize, *encoding,
        *seed, *interval;
    double syn_n, ref_n, th_tvd, th_cond, th_fp, th_ret;
    Py_ssize_t bootstrap;
    int threads, syn_form, ref_form, interruptible;
} compare_args;

static char *compare_kw[] = {"by",
                             "where",
                             "weight",
                             "reference_where",
                             "reference_weight",
                             "missing",
                             "normalize",
                             "encoding",
                             "seed",
                             "interval",
                             "n",
                             "reference_n",
                             "tvd",
                             "cond_tvd",
                             "footprint",
                             "retention",
                             "bootstrap",
                             "threads",
                             "form",
                             "reference_form",
                             "interruptible",
                             NULL};

static int parse_compare_args(PyObject *args, PyObject *kw, compare_args *a)
{
    memset(a, 0, sizeof *a);
    a->syn_where = a->syn_weight = a->ref_where = a->ref_weight = a->missing = a->normalize =
        a->encoding = a->seed = a->interval = Py_None;
    return PyArg_ParseTupleAndKeywords(args, kw, "O|OOOOOOOOOddddddniiip", compare_kw, &a->by,
                                       &a->syn_where, &a->syn_weight, &a->ref_where, &a->ref_weight,
                                       &a->missing, &a->normalize, &a->encoding, &a->seed,
                                       &a->interval, &a->syn_n, &a->ref_n, &a->th_tvd, &a->th_cond,
                                       &a->th_fp, &a->th_ret, &a->bootstrap, &a->threads,
                                       &a->syn_form, &a->ref_form, &a->interruptible)
               ? 0
               : -1;
}

/* One comparison: over paths (tables NULL) or over two counted tables. The
 * result is the `iaf compare --json` object, as bytes. */
static PyObject *run_compare(const strlist *sp, const strlist *rp, const iaf_table *st_,
                             const iaf_table *rt, const compare_args *a)
{
    strlist by = {0}, missing = {0};
    PyObject *res = NULL;
    iaf_comparison *c = NULL;
    iaf_buffer *buf = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_compare_options o;
    memset(&o, 0, sizeof o);
    iaf_thresholds th = iaf_thresholds_default();
    if (strlist_from(a->by, &by, "by") != 0 || strlist_from(a->missing, &missing, "missing") != 0)
        goto done;
    o.by = by.v;
    o.nby = by.n;
    if (sp) {
        o.synthetic.paths = sp->v;
        o.synthetic.npaths = sp->n;
        o.reference.paths = rp->v;
        o.reference.npaths = rp->n;
    }
    o.synthetic.form = (iaf_data_form)a->syn_form;
    o.reference.form = (iaf_data_form)a->ref_form;
    o.synthetic.where = opt_str(a->syn_where);
    o.synthetic.weight = opt_str(a->syn_weight);
    o.reference.where = opt_str(a->ref_where);
    o.reference.weight = opt_str(a->ref_weight);
    o.synthetic.source.encoding = o.reference.source.encoding = opt_str(a->encoding);
    o.synthetic.n = a->syn_n;
    o.reference.n = a->ref_n;
    o.missing = missing.v;
    o.nmissing = missing.n;
    o.normalize = opt_str(a->normalize);
    o.bootstrap_b = a->bootstrap > 0 ? (size_t)a->bootstrap : 0;
    o.threads = a->threads;
    if (a->th_tvd > 0) th.tvd = a->th_tvd;
    if (a->th_cond > 0) th.cond_tvd = a->th_cond;
    if (a->th_fp > 0) th.footprint = a->th_fp;
    if (a->th_ret > 0) th.retention = a->th_ret;
    o.thresholds = &th;
    if (a->seed != Py_None) {
        o.seed = PyLong_AsUnsignedLongLong(a->seed);
        o.seed_set = 1;
    }
    if (a->interval != Py_None) {
        const char *m = opt_str(a->interval);
        if (m && iaf_interval_method_parse(m, &o.interval) != 0) {
            PyErr_Format(PyExc_ValueError, "interval: 'calibrated' or 'basic', not '%s'", m);
            goto done;
        }
    }
    o.progress = compare_progress;
    o.progress_ctx = (void *)&a->interruptible;
    if (PyErr_Occurred()) goto done;
    if (!(buf = iaf_buffer_new())) {
        PyErr_NoMemory();
        goto done;
    }
    iaf_status st;
    sigguard g;
    guard_begin(&g, a->interruptible);
    Py_BEGIN_ALLOW_THREADS if (sp) st = iaf_compare_run(&o, &c, &err);
    else st = iaf_compare_run_tables(st_, rt, &o, &c, &err);
    if (st == IAF_OK) st = iaf_comparison_write_json(c, buf, &err);
    Py_END_ALLOW_THREADS if (guard_end(&g) < 0) goto done;
    if (st == IAF_STOP) {
        PyErr_SetString(PyExc_KeyboardInterrupt, "the comparison was interrupted");
        goto done;
    }
    if (st != IAF_OK) {
        raise_iaf(st, &err);
        goto done;
    }
    res = PyBytes_FromStringAndSize(iaf_buffer_data(buf), (Py_ssize_t)iaf_buffer_len(buf));
done:
    iaf_buffer_free(buf);
    iaf_comparison_free(c);
    strlist_clear(&by);
    strlist_clear(&missing);
    return res;
}

/* counter_table(counter, weighted) -> (long CSV bytes, n_obs, n_eff): the
 * table of count_*(..., as_table=True) as `iaf count` writes it (weights by
 * the shortest text that reads back as the same double) and its sample sizes. */
static PyObject *py_counter_table(PyObject *self, PyObject *args)
{
    PyObject *cap;
    int weighted;
    if (!PyArg_ParseTuple(args, "Op", &cap, &weighted)) return NULL;
    iaf_counter *c = PyCapsule_GetPointer(cap, "iaf.counter");
    if (!c) return NULL;
    const iaf_table *t = iaf_counter_table(c, 0);
    iaf_buffer *b = iaf_buffer_new();
    if (!b) return PyErr_NoMemory();
    iaf_error err;
    iaf_error_clear(&err);
    iaf_status st = iaf_table_write_counts_csv(t, weighted, b, &err);
    PyObject *res = st != IAF_OK
                        ? raise_iaf(st, &err)
                        : Py_BuildValue("(y#dd)", iaf_buffer_data(b), (Py_ssize_t)iaf_buffer_len(b),
                                        iaf_table_n_obs(t), iaf_table_n_eff(t));
    iaf_buffer_free(b);
    return res;
}

/* compare_paths(synthetic_paths, reference_paths, by, ...) */
static PyObject *py_compare_paths(PyObject *self, PyObject *args, PyObject *kw)
{
    Py_ssize_t n = PyTuple_Size(args);
    if (n < 2) {
        PyErr_SetString(PyExc_TypeError, "compare_paths(synthetic, reference, by, ...)");
        return NULL;
    }
    PyObject *rest = PyTuple_GetSlice(args, 2, n);
    if (!rest) return NULL;
    compare_args a;
    strlist sp = {0}, rp = {0};
    PyObject *res = NULL;
    if (parse_compare_args(rest, kw, &a) == 0 &&
        strlist_from(PyTuple_GetItem(args, 0), &sp, "synthetic") == 0 &&
        strlist_from(PyTuple_GetItem(args, 1), &rp, "reference") == 0)
        res = run_compare(&sp, &rp, NULL, NULL, &a);
    strlist_clear(&sp);
    strlist_clear(&rp);
    Py_DECREF(rest);
    return res;
}

/* compare_tables(synthetic_counter, reference_counter, by, ...): the counters
 * of count_*(..., as_table=True); each side's n defaults to its rows in the
 * universe (Kish's n when weighted), as for microdata read from files. */
static PyObject *py_compare_tables(PyObject *self, PyObject *args, PyObject *kw)
{
    Py_ssize_t n = PyTuple_Size(args);
    if (n < 2) {
        PyErr_SetString(PyExc_TypeError, "compare_tables(synthetic, reference, by, ...)");
        return NULL;
    }
    iaf_counter *sc = PyCapsule_GetPointer(PyTuple_GetItem(args, 0), "iaf.counter");
    if (!sc) return NULL;
    iaf_counter *rc = PyCapsule_GetPointer(PyTuple_GetItem(args, 1), "iaf.counter");
    if (!rc) return NULL;
    PyObject *rest = PyTuple_GetSlice(args, 2, n);
    if (!rest) return NULL;
    compare_args a;
    PyObject *res = NULL;
    if (parse_compare_args(rest, kw, &a) == 0) {
        const iaf_table *t[2] = {iaf_counter_table(sc, 0), iaf_counter_table(rc, 0)};
        PyObject *w[2] = {a.syn_weight, a.ref_weight};
        double *nn[2] = {&a.syn_n, &a.ref_n};
        for (int s = 0; s < 2; s++)
            if (!(*nn[s] > 0))
                *nn[s] = w[s] != Py_None ? iaf_table_n_eff(t[s]) : iaf_table_n_obs(t[s]);
        res = run_compare(NULL, NULL, t[0], t[1], &a);
    }
    Py_DECREF(rest);
    return res;
}

/* ----- the discovery scan */

static iaf_status scan_progress(void *ctx, size_t done, size_t total)
{
    (void)done;
    (void)total;
    return cancel_cb(ctx) ? IAF_STOP : IAF_OK;
}

/* scan_paths(paths, columns, skip, weight, max_categories, where, null_b, seed,
 *            reference, reference_form, reference_weight, reference_n, bootstrap,
 *            tau_ret, missing, normalize, card, threads, format, encoding,
 *            delimiter, interruptible) -> the `iaf scan --json` object (bytes) */
static PyObject *py_scan_paths(PyObject *self, PyObject *args)
{
    PyObject *paths, *columns, *skip, *weight, *where, *seed, *refs, *ref_weight, *missing,
        *normalize, *card, *encoding, *delimiter;
    Py_ssize_t maxcat, null_b, boot;
    int ref_form, threads, format, interruptible;
    double ref_n, tau;
    if (!PyArg_ParseTuple(args, "OOOOnOnOOiOdndOOOiiOOp", &paths, &columns, &skip, &weight, &maxcat,
                          &where, &null_b, &seed, &refs, &ref_form, &ref_weight, &ref_n, &boot,
                          &tau, &missing, &normalize, &card, &threads, &format, &encoding,
                          &delimiter, &interruptible))
        return NULL;
    strlist pl = {0}, cl = {0}, sl = {0}, rl = {0}, ml = {0};
    iaf_scan_result *r = NULL;
    iaf_buffer *buf = NULL;
    PyObject *res = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_scan_options o;
    memset(&o, 0, sizeof o);
    if (strlist_from(paths, &pl, "data") != 0 || strlist_from(columns, &cl, "columns") != 0 ||
        strlist_from(skip, &sl, "skip") != 0 || strlist_from(refs, &rl, "reference") != 0 ||
        strlist_from(missing, &ml, "missing") != 0)
        goto done;
    o.source.format = (iaf_format)format;
    o.source.encoding = opt_str(encoding);
    const char *delim = opt_str(delimiter);
    o.source.delimiter = delim ? delim[0] : 0;
    o.columns = cl.n ? cl.v : NULL;
    o.ncolumns = cl.n;
    o.skip = sl.v;
    o.nskip = sl.n;
    o.weight = opt_str(weight);
    o.max_categories = maxcat > 0 ? (size_t)maxcat : 0;
    o.where = opt_str(where);
    o.null_b = null_b > 0 ? (size_t)null_b : 0;
    if (seed != Py_None) {
        o.seed = PyLong_AsUnsignedLongLong(seed);
        o.seed_set = 1;
    }
    o.reference_paths = rl.n ? rl.v : NULL;
    o.nreference_paths = rl.n;
    o.reference_form = (iaf_data_form)ref_form;
    o.reference_weight = opt_str(ref_weight);
    o.reference_n = ref_n;
    o.bootstrap_b = boot > 0 ? (size_t)boot : 0;
    o.tau_ret = tau;
    o.missing = ml.v;
    o.nmissing = ml.n;
    o.normalize = opt_str(normalize);
    o.card = opt_str(card);
    o.threads = threads;
    o.progress = scan_progress;
    o.progress_ctx = &interruptible;
    if (PyErr_Occurred()) goto done;
    if (!(buf = iaf_buffer_new())) {
        PyErr_NoMemory();
        goto done;
    }
    iaf_status st;
    sigguard g;
    guard_begin(&g, interruptible);
    Py_BEGIN_ALLOW_THREADS st = iaf_scan_run(pl.v, pl.n, &o, &r, &err);
    if (st == IAF_OK) st = iaf_scan_result_write_json(r, buf, &err);
    Py_END_ALLOW_THREADS if (guard_end(&g) < 0) goto done;
    if (st == IAF_STOP) {
        PyErr_SetString(PyExc_KeyboardInterrupt, "the scan was interrupted");
        goto done;
    }
    if (st != IAF_OK) {
        raise_iaf(st, &err);
        goto done;
    }
    res = PyBytes_FromStringAndSize(iaf_buffer_data(buf), (Py_ssize_t)iaf_buffer_len(buf));
done:
    iaf_buffer_free(buf);
    iaf_scan_result_free(r);
    strlist_clear(&pl);
    strlist_clear(&cl);
    strlist_clear(&sl);
    strlist_clear(&rl);
    strlist_clear(&ml);
    return res;
}

/* ----- audits and reports */

static void report_destructor(PyObject *cap)
{
    iaf_report_free(PyCapsule_GetPointer(cap, "iaf.report"));
}

static PyObject *wrap_report(iaf_report *r)
{
    PyObject *cap = PyCapsule_New(r, "iaf.report", report_destructor);
    if (!cap) iaf_report_free(r);
    return cap;
}

/* audit(spec_path, microdata, threads, bootstrap, seed, interval, no_bootstrap,
 *       command_line, interruptible) -> report capsule */
static PyObject *py_audit(PyObject *self, PyObject *args)
{
    const char *path, *cmd;
    PyObject *micro, *seed, *interval;
    int threads, no_boot, interruptible;
    Py_ssize_t boot;
    if (!PyArg_ParseTuple(args, "sOinOOpsp", &path, &micro, &threads, &boot, &seed, &interval,
                          &no_boot, &cmd, &interruptible))
        return NULL;
    strlist ml = {0};
    iaf_spec *spec = NULL;
    iaf_audit *audit = NULL;
    iaf_report *rep = NULL;
    PyObject *res = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_audit_options ao;
    memset(&ao, 0, sizeof ao);
    ao.threads = threads;
    ao.bootstrap_b = boot > 0 ? (size_t)boot : 0;
    ao.no_bootstrap = no_boot;
    ao.cancel = cancel_cb;
    ao.cancel_ctx = &interruptible;
    if (seed != Py_None) {
        unsigned long long s = PyLong_AsUnsignedLongLong(seed);
        if (PyErr_Occurred()) return NULL;
        ao.seed = s;
        ao.seed_set = 1;
    }
    if (interval != Py_None) {
        const char *m = PyUnicode_AsUTF8AndSize(interval, NULL);
        if (!m) return NULL;
        if (iaf_interval_method_parse(m, &ao.interval) != 0)
            return PyErr_Format(PyExc_ValueError, "interval: 'calibrated' or 'basic', not '%s'", m);
        ao.interval_set = 1;
    }
    if (strlist_from(micro, &ml, "microdata") != 0) return NULL;
    iaf_status st = iaf_spec_load(path, &spec, &err);
    if (st == IAF_OK && ml.n) st = iaf_spec_set_microdata(spec, ml.v, ml.n, &err);
    if (st != IAF_OK) {
        raise_iaf(st, &err);
        goto done;
    }
    sigguard g;
    guard_begin(&g, interruptible);
    Py_BEGIN_ALLOW_THREADS st = iaf_audit_run(spec, &ao, &audit, &err);
    if (st == IAF_OK) {
        iaf_report_meta meta = {cmd, iaf_version()};
        st = iaf_report_from_audit(audit, &meta, &rep, &err);
    }
    Py_END_ALLOW_THREADS if (guard_end(&g) < 0) goto done;
    if (st == IAF_STOP) {
        PyErr_SetString(PyExc_KeyboardInterrupt, "the audit was interrupted");
        goto done;
    }
    if (st != IAF_OK) {
        raise_iaf(st, &err);
        goto done;
    }
    res = wrap_report(rep);
    rep = NULL;
done:
    iaf_report_free(rep);
    iaf_audit_free(audit);
    iaf_spec_free(spec);
    strlist_clear(&ml);
    return res;
}

static PyObject *py_report_load(PyObject *self, PyObject *args)
{
    const char *text;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y#", &text, &n)) return NULL;
    iaf_report *r = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_status st = iaf_report_load(text, (size_t)n, &r, &err);
    if (st != IAF_OK) return raise_iaf(st, &err);
    return wrap_report(r);
}

static PyObject *py_report_render(PyObject *self, PyObject *args)
{
    PyObject *cap;
    int fmt;
    if (!PyArg_ParseTuple(args, "Oi", &cap, &fmt)) return NULL;
    iaf_report *r = PyCapsule_GetPointer(cap, "iaf.report");
    if (!r) return NULL;
    char *out = NULL;
    size_t n = 0;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_status st;
    Py_BEGIN_ALLOW_THREADS st = iaf_report_render(r, (iaf_report_format)fmt, &out, &n, &err);
    Py_END_ALLOW_THREADS if (st != IAF_OK) return raise_iaf(st, &err);
    PyObject *b = PyBytes_FromStringAndSize(out, (Py_ssize_t)n);
    iaf_free(out);
    return b;
}

static PyObject *opt_unicode(const char *s)
{
    if (!s) Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

/* report_rows(capsule) -> name, [(check, kind, verdict, diagnosis, key, est, lo, hi)] */
static PyObject *py_report_rows(PyObject *self, PyObject *args)
{
    PyObject *cap;
    if (!PyArg_ParseTuple(args, "O", &cap)) return NULL;
    iaf_report *r = PyCapsule_GetPointer(cap, "iaf.report");
    if (!r) return NULL;
    size_t n = iaf_report_nrows(r);
    PyObject *rows = PyList_New((Py_ssize_t)n);
    if (!rows) return NULL;
    for (size_t i = 0; i < n; i++) {
        double est = 0, lo = 0, hi = 0;
        const char *key = iaf_report_row_key(r, i, &est, &lo, &hi);
        PyObject *t = Py_BuildValue(
            "(NNNNNddd)", opt_unicode(iaf_report_row_check(r, i)),
            opt_unicode(iaf_report_row_kind(r, i)), opt_unicode(iaf_report_row_verdict(r, i)),
            opt_unicode(iaf_report_row_diagnosis(r, i)), opt_unicode(key), est, lo, hi);
        if (!t) {
            Py_DECREF(rows);
            return NULL;
        }
        PyList_SetItem(rows, (Py_ssize_t)i, t);
    }
    return Py_BuildValue("(NN)", opt_unicode(iaf_report_name(r)), rows);
}

static PyObject *py_version(PyObject *self, PyObject *noargs)
{
    return PyUnicode_FromString(iaf_version());
}

static PyMethodDef methods[] = {
    {"count_paths", (PyCFunction)(void (*)(void))py_count_paths, METH_VARARGS | METH_KEYWORDS,
     "count_paths(paths, by, where, weight, missing, normalize, threads, format, encoding, "
     "delimiter, interruptible)"},
    {"count_frame", (PyCFunction)(void (*)(void))py_count_frame, METH_VARARGS | METH_KEYWORDS,
     "count_frame(nrows, columns, by, ...)"},
    {"count_arrow", (PyCFunction)(void (*)(void))py_count_arrow, METH_VARARGS | METH_KEYWORDS,
     "count_arrow(capsule, by, ...)"},
    {"compare_paths", (PyCFunction)(void (*)(void))py_compare_paths, METH_VARARGS | METH_KEYWORDS,
     "compare_paths(synthetic, reference, by, ...) -> JSON bytes"},
    {"compare_tables", (PyCFunction)(void (*)(void))py_compare_tables, METH_VARARGS | METH_KEYWORDS,
     "compare_tables(synthetic_counter, reference_counter, by, ...) -> JSON bytes"},
    {"counter_table", py_counter_table, METH_VARARGS,
     "counter_table(counter, weighted) -> (csv bytes, n_obs, n_eff)"},
    {"scan_paths", py_scan_paths, METH_VARARGS, "scan_paths(paths, ...) -> JSON bytes"},
    {"audit", py_audit, METH_VARARGS,
     "audit(spec, microdata, threads, bootstrap, seed, interval, no_bootstrap, command_line, "
     "interruptible)"},
    {"report_load", py_report_load, METH_VARARGS, "report_load(json_bytes)"},
    {"report_render", py_report_render, METH_VARARGS, "report_render(report, format)"},
    {"report_rows", py_report_rows, METH_VARARGS, "report_rows(report)"},
    {"version", py_version, METH_NOARGS, "the version of libiaf"},
    {"_set_test_interrupt", py_set_test_interrupt, METH_VARARGS,
     "tests: raise SIGINT at the k-th cancel check of the next scans (-1: never)"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "iaf._iaf",
                                    "libiaf, through its public C API", -1, methods};

PyMODINIT_FUNC PyInit__iaf(void)
{
    PyObject *errors = PyImport_ImportModule("iaf._errors");
    if (!errors) return NULL;
    make_error = PyObject_GetAttrString(errors, "make_error");
    Py_DECREF(errors);
    if (!make_error) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    if (PyModule_AddIntConstant(m, "FORMAT_AUTO", IAF_FORMAT_AUTO) < 0 ||
        PyModule_AddIntConstant(m, "FORMAT_CSV", IAF_FORMAT_CSV) < 0 ||
        PyModule_AddIntConstant(m, "FORMAT_JSONL", IAF_FORMAT_JSONL) < 0 ||
        PyModule_AddIntConstant(m, "FORMAT_PARQUET", IAF_FORMAT_PARQUET) < 0 ||
        PyModule_AddIntConstant(m, "DATA_AUTO", IAF_DATA_AUTO) < 0 ||
        PyModule_AddIntConstant(m, "DATA_MICRODATA", IAF_DATA_MICRODATA) < 0 ||
        PyModule_AddIntConstant(m, "DATA_COUNTS", IAF_DATA_COUNTS) < 0 ||
        PyModule_AddIntConstant(m, "REPORT_JSON", IAF_REPORT_FORMAT_JSON) < 0 ||
        PyModule_AddIntConstant(m, "REPORT_MD", IAF_REPORT_FORMAT_MD) < 0 ||
        PyModule_AddIntConstant(m, "REPORT_HTML", IAF_REPORT_FORMAT_HTML) < 0 ||
        PyModule_AddIntConstant(m, "REPORT_CELLS", IAF_REPORT_FORMAT_CELLS) < 0 ||
        PyModule_AddIntConstant(m, "REPORT_HEADLINE", IAF_REPORT_FORMAT_HEADLINE) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
