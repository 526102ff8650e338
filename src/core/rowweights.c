/* src/core/rowweights.c - see rowweights.h. */
#include "core/rowweights.h"

#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/labelfold.h"
#include "core/rawcount.h"
#include "core/table_ids.h"
#include "io/reader.h"
#include "util/checked.h"
#include "util/sha256.h"
#include "util/util.h"

typedef struct {
    double *w; /* per row - 1; NAN where the file gives none */
    size_t n;
} file_weights;

struct iaf_rowweights {
    char *path;
    char sha256[65]; /* of the bytes, when loaded from memory; "" for a file */
    char *id;        /* NULL: keyed by file and row */
    /* by id */
    iaf_strmap ids;
    double *w;
    atomic_uchar *used;
    size_t nw, wcap;
    /* by file and row */
    iaf_strmap files; /* names as written in the weights file */
    file_weights *fw;
    size_t fcap;
    iaf_strmap bound;  /* the bound source's file names */
    int32_t *bound_to; /* per bound name: index into files */
    size_t bcap;
    /* by cell (a count table's: iaf calibrate on dataset tables): key columns, the
     * cells' keys (labels joined by \x1f) and their factors g */
    char **keycols;
    size_t nkeycols;
    iaf_strmap cells;
    double *g;
    size_t ng, gcap;
};

void iaf_rowweights_free(iaf_rowweights *rw)
{
    if (!rw) return;
    iaf_free(rw->path);
    iaf_free(rw->id);
    iaf_strmap_free(&rw->ids);
    iaf_free(rw->w);
    iaf_free((void *)rw->used);
    for (size_t i = 0; i < iaf_strmap_size(&rw->files); i++)
        iaf_free(rw->fw[i].w);
    iaf_free(rw->fw);
    iaf_strmap_free(&rw->files);
    iaf_strmap_free(&rw->bound);
    iaf_free(rw->bound_to);
    for (size_t i = 0; i < rw->nkeycols; i++)
        iaf_free(rw->keycols[i]);
    iaf_free(rw->keycols);
    iaf_strmap_free(&rw->cells);
    iaf_free(rw->g);
    iaf_free(rw);
}

const char *iaf_rowweights_path(const iaf_rowweights *rw)
{
    return rw ? rw->path : NULL;
}

const char *iaf_rowweights_sha256(const iaf_rowweights *rw)
{
    return rw && rw->sha256[0] ? rw->sha256 : NULL;
}

const char *iaf_rowweights_id(const iaf_rowweights *rw)
{
    return rw ? rw->id : NULL;
}

static int number(const iaf_column *col, size_t i, double *out)
{
    switch (col->kind) {
    case IAF_COL_I64:
        if (col->valid && !col->valid[i]) return 0;
        *out = (double)col->i64[i];
        return 1;
    case IAF_COL_F64:
        if (col->valid && !col->valid[i]) return 0;
        *out = col->f64[i];
        return isfinite(*out);
    default: {
        char num[64];
        iaf_sv v = iaf_column_text(col, i, num);
        return v.ptr && iaf_parse_double(v, out);
    }
    }
}

typedef struct {
    iaf_rowweights *rw;
    int by_file, by_cell;
    iaf_buf key;
    /* by file and row: the entries, placed after the scan */
    uint32_t *efile;
    int64_t *erow;
    long long *eline;
    double *ew;
    size_t ne, c1, c2, c3, c4;
} load_ctx;

static iaf_status load_begin(void *ctx, int worker, void **state, iaf_error *err)
{
    (void)ctx, (void)worker, (void)err;
    *state = NULL;
    return IAF_OK;
}

#define SHOW(v) (int)((v).len > 200 ? 200 : (v).len), (v).ptr

/* Per-cell weights: the key columns' labels (null = the missing category "") and g. */
static iaf_status cell_batch(load_ctx *x, const iaf_batch *b, iaf_error *err)
{
    iaf_rowweights *rw = x->rw;
    const size_t nk = rw->nkeycols;
    for (size_t i = 0; i < b->nrows; i++) {
        const long long row = b->first_row + (long long)i + 1;
        double g = NAN;
        if (!number(&b->cols[nk], i, &g) || !(g > 0) || !iaf_count_ok(g))
            return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                 "data row %lld: the factor g is %s", row,
                                 isnan(g) ? "missing or not a number"
                                 : g <= 0 ? "not positive"
                                          : "above " IAF_MAX_COUNT_TEXT);
        x->key.len = 0;
        for (size_t j = 0; j < nk; j++) {
            char num[64];
            iaf_sv v = iaf_column_text(&b->cols[j], i, num);
            if ((v.ptr && iaf_buf_append(&x->key, v.ptr, v.len)) ||
                iaf_buf_append(&x->key, "\x1f", 1))
                return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        int64_t id = iaf_strmap_intern(&rw->cells, x->key.data, x->key.len);
        if (id < 0 || IAF_GROW(rw->g, rw->gcap, rw->ng + 1))
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        if ((size_t)id != rw->ng)
            return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                 "data row %lld: this cell has a weight already (an earlier row "
                                 "has the same values of every key column)",
                                 row);
        rw->g[rw->ng++] = g;
    }
    return IAF_OK;
}

static iaf_status load_batch(void *ctx, void *state, const iaf_batch *b, iaf_error *err)
{
    (void)state;
    load_ctx *x = ctx;
    iaf_rowweights *rw = x->rw;
    if (x->by_cell) return cell_batch(x, b, err);
    const iaf_column *wcol = &b->cols[x->by_file ? 2 : 1];
    for (size_t i = 0; i < b->nrows; i++) {
        const long long row = b->first_row + (long long)i + 1;
        double w = NAN;
        if (!number(wcol, i, &w) || !(w > 0) || !iaf_count_ok(w))
            return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                 "data row %lld: the weight is %s", row,
                                 isnan(w) ? "missing or not a number"
                                 : w <= 0 ? "not positive (every row needs a weight above 0)"
                                          : "above " IAF_MAX_COUNT_TEXT);
        char num[64];
        iaf_sv k = iaf_column_text(&b->cols[0], i, num);
        if (!k.ptr || k.len == 0)
            return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                 "data row %lld: the %s is empty", row, x->by_file ? "file" : "id");
        if (!x->by_file) {
            int64_t id = iaf_strmap_intern(&rw->ids, k.ptr, k.len);
            if (id < 0 || IAF_GROW(rw->w, rw->wcap, rw->nw + 1))
                return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            if ((size_t)id != rw->nw)
                return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                     "data row %lld: id '%.*s' has a weight already", row, SHOW(k));
            rw->w[rw->nw++] = w;
            continue;
        }
        double r;
        if (!number(&b->cols[1], i, &r) || r < 1 || r > 9007199254740992.0 || r != floor(r))
            return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                 "data row %lld: the row number is not a whole number from 1", row);
        int64_t f = iaf_strmap_intern(&rw->files, k.ptr, k.len);
        if (f < 0 || IAF_GROW(x->efile, x->c1, x->ne + 1) || IAF_GROW(x->erow, x->c2, x->ne + 1) ||
            IAF_GROW(x->eline, x->c3, x->ne + 1) || IAF_GROW(x->ew, x->c4, x->ne + 1))
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        x->efile[x->ne] = (uint32_t)f;
        x->erow[x->ne] = (int64_t)r;
        x->eline[x->ne] = row;
        x->ew[x->ne++] = w;
    }
    return IAF_OK;
}

/* The entries by file and row into one dense array per file. */
static iaf_status place(load_ctx *x, iaf_error *err)
{
    iaf_rowweights *rw = x->rw;
    size_t nf = iaf_strmap_size(&rw->files);
    size_t *count = iaf_calloc(nf + 1, sizeof *count);
    rw->fw = iaf_calloc(nf + 1, sizeof *rw->fw);
    if (!count || !rw->fw) {
        iaf_free(count);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t e = 0; e < x->ne; e++) {
        count[x->efile[e]]++;
        if ((size_t)x->erow[e] > rw->fw[x->efile[e]].n) rw->fw[x->efile[e]].n = (size_t)x->erow[e];
    }
    iaf_status st = IAF_OK;
    for (size_t f = 0; f < nf && st == IAF_OK; f++) {
        /* row numbers far beyond the file's weights are a mistake, not a sparse file */
        if (rw->fw[f].n > 4 * count[f] + 1024) {
            iaf_sv name = iaf_strmap_get(&rw->files, f);
            st = iaf_error_set(err, IAF_ERR_PARSE, rw->path, 0, 0,
                               "file '%.*s': row %zu is far beyond its %zu weights", SHOW(name),
                               rw->fw[f].n, count[f]);
            break;
        }
        if (!(rw->fw[f].w = iaf_malloc(rw->fw[f].n * sizeof *rw->fw[f].w + 1))) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        for (size_t i = 0; i < rw->fw[f].n; i++)
            rw->fw[f].w[i] = NAN;
    }
    for (size_t e = 0; e < x->ne && st == IAF_OK; e++) {
        double *slot = &rw->fw[x->efile[e]].w[x->erow[e] - 1];
        if (!isnan(*slot)) {
            iaf_sv name = iaf_strmap_get(&rw->files, x->efile[e]);
            st = iaf_error_set(err, IAF_ERR_PARSE, rw->path, 0, 0,
                               "data row %lld: file '%.*s' row %lld has a weight already",
                               x->eline[e], SHOW(name), (long long)x->erow[e]);
        }
        *slot = x->ew[e];
    }
    iaf_free(count);
    return st;
}

static iaf_status load(const char *path, const void *data, size_t size, iaf_rowweights **out,
                       iaf_error *err)
{
    *out = NULL;
    iaf_rowweights *rw = iaf_calloc(1, sizeof *rw);
    iaf_source *src = NULL;
    load_ctx x;
    memset(&x, 0, sizeof x);
    iaf_status st;
    if (!rw || !(rw->path = iaf_strdup(path))) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    iaf_source_options so;
    memset(&so, 0, sizeof so);
    so.threads = 1; /* rows in file order: errors name the first bad one */
    if (data) {
        iaf_sha256 h;
        unsigned char d[32];
        iaf_sha256_init(&h);
        iaf_sha256_update(&h, data, size);
        iaf_sha256_final(&h, d);
        for (int i = 0; i < 32; i++)
            snprintf(rw->sha256 + 2 * i, 3, "%02x", d[i]);
    }
    if ((st = data ? iaf_source_open_memory(data, size, path, &so, &src, err)
                   : iaf_source_open(&path, 1, &so, &src, err)) != IAF_OK)
        goto done;
    const size_t nc = iaf_source_ncols(src);
    int has_file = 0, has_row = 0, has_w = 0, has_cw = 0, has_g = 0, has_cnt = 0, has_cc = 0;
    for (size_t c = 0; c < nc; c++) {
        const char *n = iaf_source_colname(src, c);
        has_file |= !strcmp(n, "file");
        has_row |= !strcmp(n, "row");
        has_w |= !strcmp(n, "weight");
        has_cw |= !strcmp(n, "calibrated_weight");
        has_g |= !strcmp(n, "g");
        has_cnt |= !strcmp(n, "count");
        has_cc |= !strcmp(n, "calibrated_count");
    }
    const char *proj[IAF_MAX_CUBE_COLS + 1];
    if (has_g && has_cnt && has_cc && nc >= 4 && nc <= IAF_MAX_CUBE_COLS + 3) {
        /* a count table's weights: the key columns, count, g, calibrated_count */
        x.by_cell = 1;
        if (!(rw->keycols = iaf_calloc(nc, sizeof *rw->keycols))) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        for (size_t c = 0; c < nc; c++) {
            const char *n = iaf_source_colname(src, c);
            if (!strcmp(n, "g") || !strcmp(n, "count") || !strcmp(n, "calibrated_count")) continue;
            if (!(rw->keycols[rw->nkeycols] = iaf_strdup(n))) {
                st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
                goto done;
            }
            proj[rw->nkeycols] = rw->keycols[rw->nkeycols];
            rw->nkeycols++;
        }
        proj[rw->nkeycols] = "g";
    } else if (nc == 3 && has_file && has_row && has_w) {
        x.by_file = 1;
        proj[0] = "file", proj[1] = "row", proj[2] = "weight";
    } else if (nc == 2 && (has_w || has_cw)) {
        const char *wname = has_cw ? "calibrated_weight" : "weight";
        const char *a = iaf_source_colname(src, 0), *b = iaf_source_colname(src, 1);
        proj[0] = !strcmp(a, wname) ? b : a;
        proj[1] = wname;
        if (!(rw->id = iaf_strdup(proj[0]))) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
    } else {
        st = iaf_error_set(err, IAF_ERR_PARSE, path, 1, 0,
                           "a weights file has the columns ID,weight (ID: the data's id column), "
                           "file,row,weight, or a count table's key columns with count, g and "
                           "calibrated_count, as iaf calibrate writes them");
        goto done;
    }
    if ((st = iaf_source_project(src, proj,
                                 x.by_cell   ? rw->nkeycols + 1
                                 : x.by_file ? 3
                                             : 2,
                                 err)) != IAF_OK)
        goto done;
    x.rw = rw;
    iaf_scan_consumer c = {&x, load_begin, load_batch, NULL};
    int nw = 0;
    if ((st = iaf_source_scan(src, &c, &nw, err)) != IAF_OK) goto done;
    if (x.by_cell) {
        /* nothing to place */
    } else if (x.by_file) {
        if ((st = place(&x, err)) != IAF_OK) goto done;
    } else if (!(rw->used = iaf_calloc(rw->nw + 1, sizeof *rw->used))) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if ((x.by_cell ? rw->ng : x.by_file ? x.ne : rw->nw) == 0) {
        st = iaf_error_set(err, IAF_ERR_PARSE, path, 0, 0, "the weights file has no rows");
        goto done;
    }
    *out = rw;
    rw = NULL;
done:
    iaf_buf_free(&x.key);
    iaf_free(x.efile);
    iaf_free(x.erow);
    iaf_free(x.eline);
    iaf_free(x.ew);
    iaf_source_free(src);
    iaf_rowweights_free(rw);
    return st;
}

static const char *base(const char *p, size_t *len)
{
    const char *s = p + *len;
    while (s > p && s[-1] != '/')
        s--;
    *len -= (size_t)(s - p);
    return s;
}

/* The weights file's file that names the same data file as `name`, or -1. */
static int64_t match_file(const iaf_rowweights *rw, const char *name)
{
    int64_t f = iaf_strmap_find(&rw->files, name, strlen(name));
    if (f >= 0) return f;
    char want[PATH_MAX], got[PATH_MAX];
    const size_t nf = iaf_strmap_size(&rw->files);
    if (realpath(name, want))
        for (size_t i = 0; i < nf; i++) {
            iaf_sv v = iaf_strmap_get(&rw->files, i);
            if (v.len >= sizeof got) continue;
            char tmp[PATH_MAX];
            memcpy(tmp, v.ptr, v.len);
            tmp[v.len] = '\0';
            if (realpath(tmp, got) && !strcmp(got, want)) return (int64_t)i;
        }
    size_t bl = strlen(name);
    const char *b = base(name, &bl);
    int64_t hit = -1;
    for (size_t i = 0; i < nf; i++) {
        iaf_sv v = iaf_strmap_get(&rw->files, i);
        size_t l = v.len;
        const char *vb = base(v.ptr, &l);
        if (l == bl && !memcmp(vb, b, bl)) {
            if (hit >= 0) return -1; /* two files of that name: no guess */
            hit = (int64_t)i;
        }
    }
    return hit;
}

iaf_status iaf_rowweights_bind(iaf_rowweights *rw, const iaf_source *src, iaf_error *err)
{
    if (!rw->id) {
        iaf_strmap_free(&rw->bound);
        memset(&rw->bound, 0, sizeof rw->bound);
        for (size_t i = 0; i < iaf_source_nfiles(src); i++) {
            const char *name = iaf_source_file(src, i);
            int64_t f = match_file(rw, name);
            if (f < 0)
                return iaf_error_set(err, IAF_ERR_PARSE, rw->path, 0, 0,
                                     "no weights for the data file '%s' (the file column names "
                                     "other files)",
                                     name);
            int64_t k = iaf_strmap_intern(&rw->bound, name, strlen(name));
            if (k < 0 || IAF_GROW(rw->bound_to, rw->bcap, (size_t)k + 1))
                return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            rw->bound_to[k] = (int32_t)f;
        }
    } else {
        for (size_t i = 0; i < rw->nw; i++)
            atomic_store_explicit(&rw->used[i], 0, memory_order_relaxed);
    }
    return IAF_OK;
}

iaf_status iaf_rowweights_fill(iaf_rowweights *rw, const iaf_batch *b, const iaf_column *idcol,
                               double *w, iaf_error *err)
{
    if (!rw->id) {
        int64_t k = iaf_strmap_find(&rw->bound, b->file, strlen(b->file));
        if (k < 0)
            return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                 "no weights for this file in %s", rw->path);
        const file_weights *fw = &rw->fw[rw->bound_to[k]];
        for (size_t i = 0; i < b->nrows; i++) {
            const long long row = b->first_row + (long long)i + 1;
            if ((size_t)row > fw->n || isnan(fw->w[row - 1]))
                return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                     "data row %lld has no weight in %s", row, rw->path);
            w[i] = fw->w[row - 1];
        }
        return IAF_OK;
    }
    for (size_t i = 0; i < b->nrows; i++) {
        const long long row = b->first_row + (long long)i + 1;
        char num[64];
        iaf_sv v = iaf_column_text(idcol, i, num);
        int64_t id = v.ptr ? iaf_strmap_find(&rw->ids, v.ptr, v.len) : -1;
        if (id < 0 && !v.ptr)
            return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                 "data row %lld: %s is empty, so it has no weight in %s", row,
                                 rw->id, rw->path);
        if (id < 0)
            return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                 "data row %lld: %s '%.*s' has no weight in %s", row, rw->id,
                                 SHOW(v), rw->path);
        if (atomic_exchange_explicit(&rw->used[id], 1, memory_order_relaxed))
            return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                 "data row %lld: %s '%.*s' is shared with another row, so "
                                 "its weight in %s is ambiguous",
                                 row, rw->id, SHOW(v), rw->path);
        w[i] = rw->w[id];
    }
    return IAF_OK;
}

iaf_status iaf_rowweights_load(const char *path, iaf_rowweights **out, iaf_error *err)
{
    return load(path, NULL, 0, out, err);
}

iaf_status iaf_rowweights_load_memory(const void *data, size_t size, const char *name,
                                      iaf_rowweights **out, iaf_error *err)
{
    if (!data) {
        *out = NULL;
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no weights given");
    }
    return load(name, data, size, out, err);
}

int iaf_rowweights_by_cell(const iaf_rowweights *rw)
{
    return rw && rw->nkeycols > 0;
}

iaf_status iaf_rowweights_weight_table(const iaf_rowweights *rw, iaf_table *t, const char *path,
                                       unsigned normalize, const char *const *missing,
                                       size_t nmissing, iaf_error *err)
{
    if (!iaf_rowweights_by_cell(rw))
        return iaf_error_set(err, IAF_ERR_INVALID, rw ? rw->path : NULL, 0, 0,
                             "per-row weights (ID,weight or file,row,weight) weight microdata "
                             "rows; the count table %s takes the per-cell weights that iaf "
                             "calibrate writes for a count table",
                             path);
    int idx[IAF_MAX_CUBE_COLS];
    for (size_t j = 0; j < rw->nkeycols; j++)
        if ((idx[j] = iaf_table_attr_index(t, rw->keycols[j])) < 0)
            return iaf_error_set(err, IAF_ERR_INVALID, path, 0, 0,
                                 "the count table has no column '%s' of the per-cell weights in "
                                 "%s; they weight tables that hold every column they are keyed by",
                                 rw->keycols[j], rw->path);
    iaf_label_fold fold;
    if (iaf_label_fold_init(&fold, normalize, missing, nmissing))
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    iaf_buf key = {0}, show = {0};
    iaf_status st = IAF_OK;
    for (size_t i = 0; i < iaf_table_ncells(t) && st == IAF_OK; i++) {
        iaf_cell c = iaf_table_cell(t, i);
        if (c.state != IAF_CELL_OK) continue;
        key.len = 0;
        int bad = 0;
        for (size_t j = 0; j < rw->nkeycols; j++) {
            iaf_sv v;
            bad |=
                iaf_label_fold_apply(&fold, iaf_table_cat(t, (size_t)idx[j], c.cat[idx[j]]), &v) ||
                iaf_buf_append(&key, v.ptr, v.len) || iaf_buf_append(&key, "\x1f", 1);
        }
        if (bad) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        int64_t k = iaf_strmap_find(&rw->cells, key.data, key.len);
        if (k < 0) {
            show.len = 0;
            for (size_t j = 0; j < rw->nkeycols; j++) {
                iaf_sv v = iaf_table_cat(t, (size_t)idx[j], c.cat[idx[j]]);
                iaf_buf_printf(&show, "%s%s=%.*s", j ? ", " : "", rw->keycols[j],
                               (int)(v.len > 100 ? 100 : v.len), v.ptr ? v.ptr : "");
            }
            st = iaf_error_set(err, IAF_ERR_PARSE, path, 0, 0, "the cell (%s) has no weight in %s",
                               show.data ? show.data : "", rw->path);
            break;
        }
        const double g = rw->g[k];
        const int64_t n = c.n >= 0 ? c.n : (int64_t)llround(c.value);
        const double w2 = c.wsum2 > 0 ? c.wsum2 : c.value;
        iaf_table_set_cell(t, i, c.value * g, n, w2 * g * g);
    }
    iaf_buf_free(&key);
    iaf_buf_free(&show);
    iaf_label_fold_free(&fold);
    return st;
}
