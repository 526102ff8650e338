/* _iaf.c - the CPython extension behind the iaf package (python/iaf/).
 *
 * Built against the Limited API of Python 3.11 (one abi3 module) and the
 * public C API of libiaf (include/iaf/) only. The Python layer
 * (iaf/__init__.py) turns user inputs into the plain arguments these
 * functions take (an input: paths, a frame's columns, an Arrow stream or a
 * count table's CSV text; see input_open); here the GIL is released around
 * every scan and audit, iaf errors become iaf.Error exceptions with the
 * file and the place, and SIGINT (Ctrl-C) stops a run through its cancel
 * or progress callback.
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

/* ----- argument conversion: one table of (keyword, object, destination) per call */

typedef struct conv {
    const char *name; /* the keyword, in errors */
    PyObject *obj;    /* None or str (str_out), None or a sequence of str (list_out) */
    const char **str_out;
    strlist *list_out;
} conv;

static void conv_clear(conv *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c[i].list_out) strlist_clear(c[i].list_out);
}

/* Convert every entry (borrowed UTF-8, valid while the objects live); -1
 * with a Python exception set, nothing left allocated. */
static int conv_run(conv *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (c[i].list_out) {
            if (strlist_from(c[i].obj, c[i].list_out, c[i].name) != 0) goto fail;
            continue;
        }
        *c[i].str_out = NULL;
        if (c[i].obj == Py_None) continue;
        if (!PyUnicode_Check(c[i].obj)) {
            PyErr_Format(PyExc_TypeError, "%s: expected str or None", c[i].name);
            goto fail;
        }
        if (!(*c[i].str_out = PyUnicode_AsUTF8AndSize(c[i].obj, NULL))) goto fail;
    }
    return 0;
fail:
    conv_clear(c, n);
    return -1;
}

#define CONV_STR(kw, o, dst)                                                                       \
    {                                                                                              \
        kw, o, dst, NULL                                                                           \
    }
#define CONV_LIST(kw, o, dst)                                                                      \
    {                                                                                              \
        kw, o, NULL, dst                                                                           \
    }
#define NCONV(c) (sizeof(c) / sizeof((c)[0]))

/* Raise err's exception unless st is IAF_OK or IAF_STOP (what: "count",
 * "scan", ... in the KeyboardInterrupt of IAF_STOP); -1 when raised. */
static int check_status(iaf_status st, const iaf_error *err, const char *what)
{
    if (st == IAF_OK) return 0;
    if (st == IAF_STOP) /* stopped by a signal whose Python handler did not raise */
        PyErr_Format(PyExc_KeyboardInterrupt, "the %s was interrupted", what);
    else
        raise_iaf(st, err);
    return -1;
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

/* A seed: None (not set) or an int; -1 with an exception set. */
static int seed_of(PyObject *o, uint64_t *seed, int *set)
{
    if (o == Py_None) return 0;
    unsigned long long v = PyLong_AsUnsignedLongLong(o);
    if (PyErr_Occurred()) return -1;
    *seed = v;
    *set = 1;
    return 0;
}

/* ----- inputs: what the Python layer hands over for one dataset
 *
 *   ("paths", [path, ...])                 files, globs, directories
 *   ("frame", name, nrows, columns)        pandas columns, each a tuple
 *       ("codes", name, codes, categories, None)   Categorical codes (-1 null)
 *       ("objects", name, list, nullmask, None)    str/bytes/other objects; 1 = null
 *       ("numbers", name, values, validmask, None) integers or floats; 1 = valid
 *   ("arrow", name, capsule)               an "arrow_array_stream" PyCapsule
 *   ("counts", name, csv_bytes)            a count table as the text of its CSV
 *
 * A frame or a stream becomes an iaf_source over the caller's memory
 * (iaf_source_open_callbacks), whose columns stay where they are. */

typedef struct input {
    strlist paths;
    xsource xs;
    pyhold hold;
    xarrays keep;
    iaf_source *src; /* frames and streams; NULL once handed over */
    const char *counts;
    Py_ssize_t ncounts;
    const char *name;
} input;

static void input_clear(input *in)
{
    iaf_source_free(in->src);
    in->src = NULL;
    strlist_clear(&in->paths);
    /* release callbacks may be Python code: not with an exception pending */
    PyObject *et, *ev, *tb;
    PyErr_Fetch(&et, &ev, &tb);
    xarrays_release(&in->keep);
    PyErr_Restore(et, ev, tb);
    hold_release(&in->hold);
    xs_clear(&in->xs);
}

/* The columns of a frame into in->xs; -1 with an exception set. */
static int frame_columns(input *in, Py_ssize_t nrows, PyObject *cols)
{
    xsource *s = &in->xs;
    pyhold *h = &in->hold;
    Py_ssize_t nc = PySequence_Size(cols);
    if (nc < 0) return -1;
    s->ncols = (size_t)nc;
    xchunk *ch = NULL;
    if (!(s->names = xs_alloc(s, s->ncols, sizeof *s->names)) || !(ch = xs_add_chunk(s))) {
        PyErr_NoMemory();
        return -1;
    }
    ch->nrows = nrows;
    for (Py_ssize_t j = 0; j < nc; j++) {
        PyObject *t = PySequence_GetItem(cols, j);
        if (!t) return -1;
        const char *kind, *name;
        PyObject *x, *y, *z;
        int ok = PyArg_ParseTuple(t, "ssOOO", &kind, &name, &x, &y, &z);
        Py_DECREF(t);
        if (!ok) return -1;
        if (!(s->names[j] = xs_strdup(s, name))) {
            PyErr_NoMemory();
            return -1;
        }
        xcol *c = &ch->cols[j];
        if (!strcmp(kind, "codes")) {
            Py_buffer *b = hold_buffer(h, x);
            int isf, uns;
            if (!b) return -1;
            if (buffer_kind(b, &isf, &uns) != 0 || isf || b->len != nrows * b->itemsize) {
                PyErr_Format(PyExc_ValueError, "column '%s': codes of %zd integers expected", name,
                             nrows);
                return -1;
            }
            Py_ssize_t k = PySequence_Size(y);
            if (k < 0) return -1;
            c->kind = XK_CODES;
            c->data = b->buf;
            c->width = (int)b->itemsize;
            c->is_unsigned = uns;
            c->ndict = (size_t)k;
            c->dict_id = xs_dict_id();
            if (!(c->dict = views_of(s, h, y, NULL, k))) return -1;
            for (Py_ssize_t i = 0; i < k; i++)
                if (!c->dict[i].ptr) ((iaf_sv *)c->dict)[i] = (iaf_sv){"", 0};
        } else if (!strcmp(kind, "objects")) {
            const uint8_t *nullmask;
            if (mask_of(h, y, nrows, &nullmask) != 0) return -1;
            if (PySequence_Size(x) != nrows) {
                PyErr_Format(PyExc_ValueError, "column '%s': %zd values expected", name, nrows);
                return -1;
            }
            c->kind = XK_SV;
            if (!(c->sv = views_of(s, h, x, nullmask, nrows))) return -1;
        } else if (!strcmp(kind, "numbers")) {
            Py_buffer *b = hold_buffer(h, x);
            int isf, uns;
            if (!b) return -1;
            if (buffer_kind(b, &isf, &uns) != 0 || b->len != nrows * b->itemsize ||
                (isf && b->itemsize < 4)) {
                PyErr_Format(PyExc_ValueError, "column '%s': %zd numbers expected", name, nrows);
                return -1;
            }
            c->kind = isf ? XK_FLOAT : XK_INT;
            c->data = b->buf;
            c->width = (int)b->itemsize;
            c->is_unsigned = uns;
            if (mask_of(h, y, nrows, &c->validb) != 0) return -1;
        } else {
            PyErr_Format(PyExc_ValueError, "unknown column kind '%s'", kind);
            return -1;
        }
    }
    return 0;
}

/* The columns of an Arrow stream into in->xs; the stream is consumed. */
static int arrow_columns(input *in, PyObject *cap)
{
    struct ArrowArrayStream *stream = PyCapsule_GetPointer(cap, "arrow_array_stream");
    if (!stream) return -1;
    if (!stream->release) {
        PyErr_SetString(PyExc_ValueError, "the Arrow stream was already consumed");
        return -1;
    }
    char msg[512];
    int rc = xs_from_arrow_stream(&in->xs, stream, &in->keep, msg, sizeof msg);
    /* the stream is consumed: release it now, as the PyCapsule protocol asks */
    stream->release(stream);
    stream->release = NULL;
    if (rc != 0) {
        raise_msg(IAF_ERR_INVALID, in->xs.name, msg);
        return -1;
    }
    if (in->xs.ncols == 0) {
        raise_msg(IAF_ERR_INVALID, in->xs.name, "the Arrow stream has no columns");
        return -1;
    }
    return 0;
}

/* Open one input (see above); threads for the workers of a source. -1 with
 * an exception set (input_clear frees what was made either way). */
static int input_open(PyObject *spec, int threads, input *in)
{
    memset(in, 0, sizeof *in);
    const char *kind;
    PyObject *a, *b = NULL, *c = NULL;
    if (!PyArg_ParseTuple(spec, "sO|OO", &kind, &a, &b, &c)) return -1;
    if (!strcmp(kind, "paths")) return strlist_from(a, &in->paths, "data");
    if (!PyUnicode_Check(a) || !(in->name = PyUnicode_AsUTF8AndSize(a, NULL))) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "an input's name is a str");
        return -1;
    }
    if (!strcmp(kind, "counts")) {
        char *p;
        if (!b || PyBytes_AsStringAndSize(b, &p, &in->ncounts) != 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "counts: (name, bytes)");
            return -1;
        }
        in->counts = p;
        return 0;
    }
    in->xs.name = in->name;
    if (!(in->hold.refs = PyList_New(0))) return -1;
    if (!strcmp(kind, "frame")) {
        Py_ssize_t nrows = b ? PyLong_AsSsize_t(b) : -1;
        if (nrows < 0 || !c) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "frame: (name, nrows, columns)");
            return -1;
        }
        if (frame_columns(in, nrows, c) != 0) return -1;
    } else if (!strcmp(kind, "arrow")) {
        if (!b || arrow_columns(in, b) != 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "arrow: (name, capsule)");
            return -1;
        }
    } else {
        PyErr_Format(PyExc_ValueError, "unknown input kind '%s'", kind);
        return -1;
    }
    if (xs_make_parts(&in->xs, PART_ROWS) != 0) {
        PyErr_NoMemory();
        return -1;
    }
    iaf_source_callbacks cb = {&in->xs, in->xs.nparts, xs_read_part, NULL};
    iaf_source_options so;
    memset(&so, 0, sizeof so);
    so.threads = threads;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_status st = iaf_source_open_callbacks(in->name, (const char *const *)in->xs.names,
                                              in->xs.ncols, &cb, &so, &in->src, &err);
    return check_status(st, &err, "read");
}

/* Take the source of an input over (the library frees it). */
static iaf_source *input_take(input *in)
{
    iaf_source *s = in->src;
    in->src = NULL;
    return s;
}

/* ----- counting */

/* count(input, by, where, weight, missing, normalize, threads, format, encoding, delimiter,
 *       interruptible) -> (names, categories, codes, values, n); see table_result */
static PyObject *py_count(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"input",    "by",        "where",         "weight",
                             "missing",  "normalize", "threads",       "format",
                             "encoding", "delimiter", "interruptible", NULL};
    PyObject *spec, *by_o, *where_o = Py_None, *weight_o = Py_None, *missing_o = Py_None,
                           *normalize_o = Py_None, *encoding_o = Py_None, *delim_o = Py_None;
    int threads = 0, format = 0, interruptible = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|OOOOiiOOp", kwlist, &spec, &by_o, &where_o,
                                     &weight_o, &missing_o, &normalize_o, &threads, &format,
                                     &encoding_o, &delim_o, &interruptible))
        return NULL;
    strlist by = {0}, missing = {0};
    const char *delim = NULL;
    iaf_count_options opt;
    memset(&opt, 0, sizeof opt);
    conv cv[] = {CONV_LIST("by", by_o, &by),
                 CONV_LIST("missing", missing_o, &missing),
                 CONV_STR("where", where_o, &opt.where),
                 CONV_STR("weight", weight_o, &opt.weight),
                 CONV_STR("normalize", normalize_o, &opt.normalize),
                 CONV_STR("encoding", encoding_o, &opt.source.encoding),
                 CONV_STR("delimiter", delim_o, &delim)};
    if (conv_run(cv, NCONV(cv)) != 0) return NULL;
    input in;
    iaf_counter *c = NULL;
    PyObject *res = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    if (input_open(spec, threads, &in) != 0) goto done;
    opt.where_name = "where";
    opt.missing = missing.v;
    opt.nmissing = missing.n;
    opt.source.threads = threads;
    opt.source.format = (iaf_format)format;
    opt.source.delimiter = delim ? delim[0] : 0;
    opt.cancel = cancel_cb;
    opt.progress_ctx = &interruptible;
    iaf_status st = in.src ? iaf_counter_open_source(input_take(&in), &opt, &c, &err)
                           : iaf_counter_open(in.paths.v, in.paths.n, &opt, &c, &err);
    if (st == IAF_OK) st = iaf_counter_add(c, by.v, by.n, NULL, &err);
    if (check_status(st, &err, "count") != 0) goto done;
    sigguard g;
    guard_begin(&g, interruptible);
    Py_BEGIN_ALLOW_THREADS st = iaf_counter_run(c, &err);
    Py_END_ALLOW_THREADS if (guard_end(&g) < 0) goto done;
    if (check_status(st, &err, "count") != 0) goto done;
    res = table_result(iaf_counter_table(c, 0));
done:
    iaf_counter_free(c);
    input_clear(&in);
    conv_clear(cv, NCONV(cv));
    return res;
}

/* ----- comparisons */

static iaf_status step_progress(void *ctx, size_t done, size_t total)
{
    (void)done;
    (void)total;
    return cancel_cb(ctx) ? IAF_STOP : IAF_OK;
}

/* The derivations of compare: recodes [(attr, [(from, to), ...]), ...] and
 * bins [(attr, [edge, ...]), ...] (checked in Python; the library checks
 * again). Borrowed strings, owned arrays. */
typedef struct derives {
    iaf_compare_derive d[16];
    size_t n;
    void *owned[48];
    size_t nowned;
} derives;

static void derives_clear(derives *dv)
{
    for (size_t i = 0; i < dv->nowned; i++)
        free(dv->owned[i]);
    memset(dv, 0, sizeof *dv);
}

static void *derives_alloc(derives *dv, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        PyErr_NoMemory();
        return NULL;
    }
    dv->owned[dv->nowned++] = p;
    return p;
}

static int derives_from(PyObject *recode, PyObject *bins, derives *dv)
{
    memset(dv, 0, sizeof *dv);
    PyObject *lists[2] = {recode, bins};
    for (int b = 0; b < 2; b++) {
        if (lists[b] == Py_None) continue;
        Py_ssize_t n = PySequence_Size(lists[b]);
        if (n < 0) return -1;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (dv->n == 16) {
                PyErr_SetString(PyExc_ValueError, "at most 16 recodes and bins");
                return -1;
            }
            PyObject *item = PySequence_GetItem(lists[b], i), *attr, *vals;
            if (!item) return -1;
            int ok = PyArg_ParseTuple(item, "OO", &attr, &vals);
            Py_DECREF(item); /* attr and vals stay alive in the caller's lists */
            if (!ok) return -1;
            iaf_compare_derive *d = &dv->d[dv->n];
            if (!(d->attr = PyUnicode_AsUTF8AndSize(attr, NULL))) return -1;
            Py_ssize_t k = PySequence_Size(vals);
            if (k < 0) return -1;
            if (!b) {
                const char **from = derives_alloc(dv, (size_t)k, sizeof *from);
                const char **to = from ? derives_alloc(dv, (size_t)k, sizeof *to) : NULL;
                if (!to) return -1;
                for (Py_ssize_t j = 0; j < k; j++) {
                    PyObject *pair = PySequence_GetItem(vals, j), *f, *t;
                    if (!pair) return -1;
                    ok = PyArg_ParseTuple(pair, "UU", &f, &t);
                    Py_DECREF(pair);
                    if (!ok || !(from[j] = PyUnicode_AsUTF8AndSize(f, NULL)) ||
                        !(to[j] = PyUnicode_AsUTF8AndSize(t, NULL)))
                        return -1;
                }
                d->from = from;
                d->to = to;
                d->nrecode = (size_t)k;
            } else {
                double *e = derives_alloc(dv, (size_t)k, sizeof *e);
                if (!e) return -1;
                for (Py_ssize_t j = 0; j < k; j++) {
                    PyObject *x = PySequence_GetItem(vals, j);
                    if (!x) return -1;
                    e[j] = PyFloat_AsDouble(x);
                    Py_DECREF(x);
                    if (PyErr_Occurred()) return -1;
                }
                d->edges = e;
                d->nedges = (size_t)k;
            }
            dv->n++;
        }
    }
    return 0;
}

/* Point one side of a comparison at its input. */
static void side_input(iaf_compare_side *sd, const input *in)
{
    sd->paths = in->paths.n ? in->paths.v : NULL;
    sd->npaths = in->paths.n;
    sd->src = in->src; /* borrowed by the comparison */
    sd->counts_csv = in->counts;
    sd->counts_csv_size = (size_t)in->ncounts;
    sd->counts_name = in->counts ? in->name : NULL;
}

/* compare(synthetic_input, reference_input, by, ...) -> `iaf compare --json` bytes */
static PyObject *py_compare(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"synthetic",
                             "reference",
                             "by",
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
                             "recode",
                             "bins",
                             "interruptible",
                             NULL};
    PyObject *sspec, *rspec, *by_o,
        *where_o = Py_None, *weight_o = Py_None, *rwhere_o = Py_None, *rweight_o = Py_None,
        *missing_o = Py_None, *normalize_o = Py_None, *encoding_o = Py_None, *seed_o = Py_None,
        *interval_o = Py_None, *recode_o = Py_None, *bins_o = Py_None;
    double syn_n = 0, ref_n = 0, th_tvd = 0, th_cond = 0, th_fp = 0, th_ret = 0;
    Py_ssize_t boot = 0;
    int threads = 0, syn_form = 0, ref_form = 0, interruptible = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOO|OOOOOOOOOddddddniiiOOp", kwlist, &sspec, &rspec,
                                     &by_o, &where_o, &weight_o, &rwhere_o, &rweight_o, &missing_o,
                                     &normalize_o, &encoding_o, &seed_o, &interval_o, &syn_n,
                                     &ref_n, &th_tvd, &th_cond, &th_fp, &th_ret, &boot, &threads,
                                     &syn_form, &ref_form, &recode_o, &bins_o, &interruptible))
        return NULL;
    strlist by = {0}, missing = {0};
    const char *interval = NULL;
    iaf_compare_options o;
    memset(&o, 0, sizeof o);
    conv cv[] = {CONV_LIST("by", by_o, &by),
                 CONV_LIST("missing", missing_o, &missing),
                 CONV_STR("where", where_o, &o.synthetic.where),
                 CONV_STR("weight", weight_o, &o.synthetic.weight),
                 CONV_STR("reference_where", rwhere_o, &o.reference.where),
                 CONV_STR("reference_weight", rweight_o, &o.reference.weight),
                 CONV_STR("normalize", normalize_o, &o.normalize),
                 CONV_STR("encoding", encoding_o, &o.synthetic.source.encoding),
                 CONV_STR("interval", interval_o, &interval)};
    if (conv_run(cv, NCONV(cv)) != 0) return NULL;
    input in[2];
    memset(in, 0, sizeof in);
    derives dv;
    memset(&dv, 0, sizeof dv);
    PyObject *res = NULL;
    iaf_comparison *c = NULL;
    iaf_buffer *buf = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_thresholds th = iaf_thresholds_default();
    if (input_open(sspec, threads, &in[0]) != 0 || input_open(rspec, threads, &in[1]) != 0 ||
        derives_from(recode_o, bins_o, &dv) != 0)
        goto done;
    o.by = by.v;
    o.nby = by.n;
    side_input(&o.synthetic, &in[0]);
    side_input(&o.reference, &in[1]);
    o.synthetic.form = (iaf_data_form)syn_form;
    o.reference.form = (iaf_data_form)ref_form;
    o.reference.source.encoding = o.synthetic.source.encoding;
    o.synthetic.n = syn_n;
    o.reference.n = ref_n;
    o.derive = dv.d;
    o.nderive = dv.n;
    o.missing = missing.v;
    o.nmissing = missing.n;
    o.bootstrap_b = boot > 0 ? (size_t)boot : 0;
    o.threads = threads;
    if (th_tvd > 0) th.tvd = th_tvd;
    if (th_cond > 0) th.cond_tvd = th_cond;
    if (th_fp > 0) th.footprint = th_fp;
    if (th_ret > 0) th.retention = th_ret;
    o.thresholds = &th;
    if (seed_of(seed_o, &o.seed, &o.seed_set) != 0) goto done;
    if (interval && iaf_interval_method_parse(interval, &o.interval) != 0) {
        PyErr_Format(PyExc_ValueError, "interval: 'calibrated' or 'basic', not '%s'", interval);
        goto done;
    }
    o.progress = step_progress;
    o.progress_ctx = &interruptible;
    if (!(buf = iaf_buffer_new())) {
        PyErr_NoMemory();
        goto done;
    }
    iaf_status st;
    sigguard g;
    guard_begin(&g, interruptible);
    Py_BEGIN_ALLOW_THREADS st = iaf_compare_run(&o, &c, &err);
    if (st == IAF_OK) st = iaf_comparison_write_json(c, buf, &err);
    Py_END_ALLOW_THREADS if (guard_end(&g) < 0) goto done;
    if (check_status(st, &err, "comparison") != 0) goto done;
    res = PyBytes_FromStringAndSize(iaf_buffer_data(buf), (Py_ssize_t)iaf_buffer_len(buf));
done:
    iaf_buffer_free(buf);
    iaf_comparison_free(c);
    input_clear(&in[0]);
    input_clear(&in[1]);
    derives_clear(&dv);
    conv_clear(cv, NCONV(cv));
    return res;
}

/* ----- the discovery scan */

/* scan(input, reference_input or None, columns, skip, weight, max_categories, where, null_b,
 *      seed, reference_form, reference_weight, reference_n, bootstrap, tau_ret, missing,
 *      normalize, card, threads, format, encoding, delimiter, interruptible)
 *   -> the `iaf scan --json` object (bytes) */
static PyObject *py_scan(PyObject *self, PyObject *args)
{
    PyObject *spec, *rspec, *columns_o, *skip_o, *weight_o, *where_o, *seed_o, *rweight_o,
        *missing_o, *normalize_o, *card_o, *encoding_o, *delim_o;
    Py_ssize_t maxcat, null_b, boot;
    int ref_form, threads, format, interruptible;
    double ref_n, tau;
    if (!PyArg_ParseTuple(args, "OOOOOnOnOiOdndOOOiiOOp", &spec, &rspec, &columns_o, &skip_o,
                          &weight_o, &maxcat, &where_o, &null_b, &seed_o, &ref_form, &rweight_o,
                          &ref_n, &boot, &tau, &missing_o, &normalize_o, &card_o, &threads, &format,
                          &encoding_o, &delim_o, &interruptible))
        return NULL;
    strlist cl = {0}, sl = {0}, ml = {0};
    const char *delim = NULL;
    iaf_scan_options o;
    memset(&o, 0, sizeof o);
    conv cv[] = {CONV_LIST("columns", columns_o, &cl),
                 CONV_LIST("skip", skip_o, &sl),
                 CONV_LIST("missing", missing_o, &ml),
                 CONV_STR("weight", weight_o, &o.weight),
                 CONV_STR("where", where_o, &o.where),
                 CONV_STR("reference_weight", rweight_o, &o.reference_weight),
                 CONV_STR("normalize", normalize_o, &o.normalize),
                 CONV_STR("card", card_o, &o.card),
                 CONV_STR("encoding", encoding_o, &o.source.encoding),
                 CONV_STR("delimiter", delim_o, &delim)};
    if (conv_run(cv, NCONV(cv)) != 0) return NULL;
    input in[2];
    memset(in, 0, sizeof in);
    iaf_scan_result *r = NULL;
    iaf_buffer *buf = NULL;
    PyObject *res = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    if (input_open(spec, threads, &in[0]) != 0 ||
        (rspec != Py_None && input_open(rspec, threads, &in[1]) != 0))
        goto done;
    o.source.format = (iaf_format)format;
    o.source.delimiter = delim ? delim[0] : 0;
    o.source.threads = threads;
    o.columns = cl.n ? cl.v : NULL;
    o.ncolumns = cl.n;
    o.skip = sl.v;
    o.nskip = sl.n;
    o.max_categories = maxcat > 0 ? (size_t)maxcat : 0;
    o.null_b = null_b > 0 ? (size_t)null_b : 0;
    if (seed_of(seed_o, &o.seed, &o.seed_set) != 0) goto done;
    o.reference_paths = in[1].paths.n ? in[1].paths.v : NULL;
    o.nreference_paths = in[1].paths.n;
    o.reference_form = (iaf_data_form)ref_form;
    o.reference_source.encoding = o.source.encoding; /* as the tool: --encoding is both's */
    o.reference_n = ref_n;
    o.bootstrap_b = boot > 0 ? (size_t)boot : 0;
    o.tau_ret = tau;
    o.missing = ml.v;
    o.nmissing = ml.n;
    o.threads = threads;
    o.progress = step_progress;
    o.progress_ctx = &interruptible;
    if (!(buf = iaf_buffer_new())) {
        PyErr_NoMemory();
        goto done;
    }
    iaf_source *ds = NULL, *rs = input_take(&in[1]);
    iaf_error oerr;
    iaf_error_clear(&oerr);
    iaf_status st = IAF_OK;
    if (in[0].src)
        ds = input_take(&in[0]);
    else if (rs && (st = iaf_source_open(in[0].paths.v, in[0].paths.n, &o.source, &ds, &oerr)) !=
                       IAF_OK) {
        /* files against an in-memory reference: the files as a source too */
        iaf_source_free(rs);
        check_status(st, &oerr, "scan");
        goto done;
    }
    sigguard g;
    guard_begin(&g, interruptible);
    Py_BEGIN_ALLOW_THREADS st = ds ? iaf_scan_run_sources(ds, rs, &o, &r, &err)
                                   : iaf_scan_run(in[0].paths.v, in[0].paths.n, &o, &r, &err);
    if (st == IAF_OK) st = iaf_scan_result_write_json(r, buf, &err);
    Py_END_ALLOW_THREADS if (guard_end(&g) < 0) goto done;
    if (check_status(st, &err, "scan") != 0) goto done;
    res = PyBytes_FromStringAndSize(iaf_buffer_data(buf), (Py_ssize_t)iaf_buffer_len(buf));
done:
    iaf_buffer_free(buf);
    iaf_scan_result_free(r);
    input_clear(&in[0]);
    input_clear(&in[1]);
    conv_clear(cv, NCONV(cv));
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
 *       command_line, interruptible, tables) -> report capsule; tables: None or
 *       [(id, csv_bytes, name)], count tables read instead of their files */
static PyObject *py_audit(PyObject *self, PyObject *args)
{
    const char *path, *cmd;
    PyObject *micro, *seed, *interval;
    int threads, no_boot, interruptible;
    Py_ssize_t boot;
    PyObject *tables;
    if (!PyArg_ParseTuple(args, "sOinOOpspO", &path, &micro, &threads, &boot, &seed, &interval,
                          &no_boot, &cmd, &interruptible, &tables))
        return NULL;
    strlist ml = {0};
    const char *m = NULL;
    conv cv[] = {CONV_LIST("microdata", micro, &ml), CONV_STR("interval", interval, &m)};
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
    if (seed_of(seed, &ao.seed, &ao.seed_set) != 0 || conv_run(cv, NCONV(cv)) != 0) return NULL;
    if (m && iaf_interval_method_parse(m, &ao.interval) != 0) {
        PyErr_Format(PyExc_ValueError, "interval: 'calibrated' or 'basic', not '%s'", m);
        goto done;
    }
    ao.interval_set = m != NULL;
    iaf_status st = iaf_spec_load(path, &spec, &err);
    if (st == IAF_OK && ml.n) st = iaf_spec_set_microdata(spec, ml.v, ml.n, &err);
    /* count tables held in memory: (id, csv bytes, name), borrowed from `tables` */
    Py_ssize_t nt = st == IAF_OK && tables != Py_None ? PySequence_Size(tables) : 0;
    for (Py_ssize_t i = 0; st == IAF_OK && i < nt; i++) {
        PyObject *t = PySequence_GetItem(tables, i);
        const char *id, *text, *name;
        Py_ssize_t n;
        int ok = t && PyArg_ParseTuple(t, "sy#s", &id, &text, &n, &name);
        Py_XDECREF(t); /* its items live in `tables` */
        if (!ok) goto done;
        st = iaf_spec_set_table(spec, id, text, (size_t)n, name, &err);
    }
    if (nt < 0 || check_status(st, &err, "audit") != 0) goto done;
    sigguard g;
    guard_begin(&g, interruptible);
    Py_BEGIN_ALLOW_THREADS st = iaf_audit_run(spec, &ao, &audit, &err);
    if (st == IAF_OK) {
        iaf_report_meta meta = {cmd, iaf_version()};
        st = iaf_report_from_audit(audit, &meta, &rep, &err);
    }
    Py_END_ALLOW_THREADS if (guard_end(&g) < 0) goto done;
    if (check_status(st, &err, "audit") != 0) goto done;
    res = wrap_report(rep);
    rep = NULL;
done:
    iaf_report_free(rep);
    iaf_audit_free(audit);
    iaf_spec_free(spec);
    conv_clear(cv, NCONV(cv));
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
    {"count", (PyCFunction)(void (*)(void))py_count, METH_VARARGS | METH_KEYWORDS,
     "count(input, by, where, weight, missing, normalize, threads, format, encoding, "
     "delimiter, interruptible) -> (names, categories, codes, values, n)"},
    {"compare", (PyCFunction)(void (*)(void))py_compare, METH_VARARGS | METH_KEYWORDS,
     "compare(synthetic_input, reference_input, by, ...) -> JSON bytes"},
    {"scan", py_scan, METH_VARARGS, "scan(input, reference_input, ...) -> JSON bytes"},
    {"audit", py_audit, METH_VARARGS,
     "audit(spec, microdata, threads, bootstrap, seed, interval, no_bootstrap, command_line, "
     "interruptible, tables)"},
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
