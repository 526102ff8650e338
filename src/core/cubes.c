/* src/core/cubes.c - see iaf/cubes.h and cubes.h: count directories
 * (manifest.json and one CSV per cube), loading an engine's output (CSV or
 * Parquet, one file or a directory of part-* files), exact merges, and the
 * SQL texts of a plan in five dialects. What runs a spec (counting, a plan's
 * cube definitions, the audit from cubes) is src/api/cubes.c, over the audit. */
#include "core/cubes.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/file.h"
#include "util/checked.h"
#include "util/json.h"
#include "util/sha256.h"
#include "util/util.h"

#define MANIFEST "manifest.json"
#define SCHEMA "iaf-counts/1"
#define CUBE_FILE_CAP ((size_t)1 << 32)

/* ---------------------------------------------------------------- handle */

iaf_cubes *iaf_cubes_new(void)
{
    iaf_cubes *c = iaf_calloc(1, sizeof *c);
    if (c) c->rows = -1;
    return c;
}

void iaf_cubes_free(iaf_cubes *c)
{
    if (!c) return;
    iaf_rawcount_free(c->rc);
    iaf_free(c->weight);
    iaf_free(c->format);
    for (size_t i = 0; c->schema && i < c->nschema; i++)
        iaf_free(c->schema[i]);
    iaf_free(c->schema);
    for (size_t i = 0; i < c->ninputs; i++)
        iaf_free(c->in_path[i]);
    iaf_free(c->in_path);
    iaf_free(c->in_sha);
    iaf_free(c->origin);
    iaf_free(c->dialect);
    iaf_free(c->table);
    iaf_free(c->out_dir);
    iaf_free(c->dir);
    iaf_free(c);
}

int iaf_cubes_add_input(iaf_cubes *c, const char *path, const char *sha)
{
    size_t cap = c->incap;
    if (IAF_GROW(c->in_path, cap, c->ninputs + 1) != 0) return -1;
    cap = c->incap;
    if (IAF_GROW(c->in_sha, cap, c->ninputs + 1) != 0) return -1;
    c->incap = cap;
    if (!(c->in_path[c->ninputs] = iaf_strdup(path))) return -1;
    snprintf(c->in_sha[c->ninputs], sizeof c->in_sha[0], "%s", sha ? sha : "");
    c->ninputs++;
    return 0;
}

/* One line per fact, so that a changed fact always changes the digest. */
void iaf_cubes_set_fingerprint(iaf_cubes *c)
{
    iaf_sha256 h;
    iaf_sha256_init(&h);
    char line[64];
#define PUT(s) iaf_sha256_update(&h, (s), strlen(s) + 1)
    PUT(SCHEMA);
    PUT(c->spec_sha);
    PUT(c->weight ? c->weight : "");
    snprintf(line, sizeof line, "schema %zu", c->nschema);
    PUT(line);
    for (size_t i = 0; i < c->nschema; i++)
        PUT(c->schema[i]);
    const iaf_rawcount *rc = c->rc;
    snprintf(line, sizeof line, "cubes %zu", rc ? rc->ncubes : 0);
    PUT(line);
    for (size_t k = 0; rc && k < rc->ncubes; k++) {
        snprintf(line, sizeof line, "cube %zu", rc->cubes[k].ncols);
        PUT(line);
        for (size_t j = 0; j < rc->cubes[k].ncols; j++)
            PUT(rc->cols[rc->cubes[k].cols[j]]);
    }
#undef PUT
    unsigned char d[32];
    iaf_sha256_final(&h, d);
    for (int i = 0; i < 32; i++)
        snprintf(c->fingerprint + 2 * i, 3, "%02x", d[i]);
}

const char *iaf_cubes_fingerprint(const iaf_cubes *c)
{
    return c->fingerprint;
}

size_t iaf_cubes_ncubes(const iaf_cubes *c)
{
    return c->rc ? c->rc->ncubes : 0;
}

int64_t iaf_cubes_rows(const iaf_cubes *c)
{
    return c->rows;
}

size_t iaf_cubes_ninputs(const iaf_cubes *c)
{
    return c->ninputs;
}

const char *iaf_cubes_input_path(const iaf_cubes *c, size_t i)
{
    return i < c->ninputs ? c->in_path[i] : NULL;
}

/* --------------------------------------------------------------- builder */

/* Cells given as labels (NULL label: the null value), summed into a raw
 * count with sorted dictionaries and cells sorted by key: the layout a scan
 * gives, so that derivation sees the same cubes. */
typedef struct bcube {
    size_t ncols;
    size_t cols[IAF_MAX_CUBE_COLS];
    uint32_t *keys; /* local ids: 0 null, i + 1 the i-th interned label */
    int64_t *count;
    double *w, *w2;
    size_t n, cap;
} bcube;

typedef struct builder {
    size_t ncols;
    char **names; /* borrowed */
    iaf_strmap *maps;
    size_t ncubes;
    bcube *cubes;
} builder;

static void builder_free(builder *b)
{
    for (size_t c = 0; b->maps && c < b->ncols; c++)
        iaf_strmap_free(&b->maps[c]);
    iaf_free(b->maps);
    for (size_t k = 0; b->cubes && k < b->ncubes; k++) {
        iaf_free(b->cubes[k].keys);
        iaf_free(b->cubes[k].count);
        iaf_free(b->cubes[k].w);
        iaf_free(b->cubes[k].w2);
    }
    iaf_free(b->cubes);
    memset(b, 0, sizeof *b);
}

/* Columns and cube definitions from defs (a raw count, cells ignored). */
static int builder_init(builder *b, const iaf_rawcount *defs)
{
    memset(b, 0, sizeof *b);
    b->ncols = defs->ncols;
    b->names = defs->cols;
    b->ncubes = defs->ncubes;
    b->maps = iaf_calloc(b->ncols ? b->ncols : 1, sizeof *b->maps);
    b->cubes = iaf_calloc(b->ncubes ? b->ncubes : 1, sizeof *b->cubes);
    if (!b->maps || !b->cubes) return -1;
    for (size_t k = 0; k < b->ncubes; k++) {
        b->cubes[k].ncols = defs->cubes[k].ncols;
        memcpy(b->cubes[k].cols, defs->cubes[k].cols,
               defs->cubes[k].ncols * sizeof defs->cubes[k].cols[0]);
    }
    return 0;
}

static int builder_cell(builder *b, size_t k, const iaf_sv *labels, int64_t n, double w, double w2)
{
    bcube *c = &b->cubes[k];
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        uint32_t *keys = iaf_realloc_array(c->keys, cap * (c->ncols ? c->ncols : 1), sizeof *keys);
        if (!keys) return -1;
        c->keys = keys;
        int64_t *cn = iaf_realloc_array(c->count, cap, sizeof *cn);
        if (!cn) return -1;
        c->count = cn;
        double *ws = iaf_realloc_array(c->w, cap, sizeof *ws);
        if (!ws) return -1;
        c->w = ws;
        double *ws2 = iaf_realloc_array(c->w2, cap, sizeof *ws2);
        if (!ws2) return -1;
        c->w2 = ws2;
        c->cap = cap;
    }
    for (size_t j = 0; j < c->ncols; j++) {
        uint32_t id = 0;
        if (labels[j].ptr) {
            int64_t v = iaf_strmap_intern(&b->maps[c->cols[j]], labels[j].ptr, labels[j].len);
            if (v < 0) return -1;
            id = (uint32_t)v + 1;
        }
        c->keys[c->n * c->ncols + j] = id;
    }
    c->count[c->n] = n;
    c->w[c->n] = w;
    c->w2[c->n] = w2;
    c->n++;
    return 0;
}

static _Thread_local const iaf_sv *b_labels;
static _Thread_local const uint32_t *b_keys;
static _Thread_local size_t b_nk;

static int b_cmp_label(const void *a, const void *b)
{
    return iaf_sv_cmp(b_labels[*(const uint32_t *)a], b_labels[*(const uint32_t *)b]);
}

static int b_cmp_cell(const void *a, const void *b)
{
    const uint32_t *x = b_keys + (size_t) * (const uint32_t *)a * b_nk,
                   *y = b_keys + (size_t) * (const uint32_t *)b * b_nk;
    for (size_t j = 0; j < b_nk; j++)
        if (x[j] != y[j]) return x[j] < y[j] ? -1 : 1;
    return 0;
}

/* 0, 1, ..., n - 1 sorted by cmp, which compares through b_labels or
 * b_keys (set by the caller); NULL when out of memory. */
static uint32_t *sorted_order(size_t n, int (*cmp)(const void *, const void *))
{
    uint32_t *order = iaf_calloc(n ? n : 1, sizeof *order);
    if (!order) return NULL;
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    qsort(order, n, sizeof *order, cmp);
    return order;
}

/* The raw count of b: names copied, weighted as given. what names the
 * counts in errors. Every cube must count the same rows. */
static iaf_status builder_finish(builder *b, int weighted, const char *what, iaf_rawcount **out,
                                 iaf_error *err)
{
    iaf_status st = IAF_OK;
    iaf_rawcount *rc = iaf_calloc(1, sizeof *rc);
    uint32_t **rank = iaf_calloc(b->ncols ? b->ncols : 1, sizeof *rank);
    uint32_t *order = NULL;
    if (!rc || !rank) goto oom;
    rc->ncols = b->ncols;
    rc->cols = iaf_calloc(b->ncols ? b->ncols : 1, sizeof *rc->cols);
    rc->nvalues = iaf_calloc(b->ncols ? b->ncols : 1, sizeof *rc->nvalues);
    rc->values = iaf_calloc(b->ncols ? b->ncols : 1, sizeof *rc->values);
    rc->cubes = iaf_calloc(b->ncubes ? b->ncubes : 1, sizeof *rc->cubes);
    if (!rc->cols || !rc->nvalues || !rc->values || !rc->cubes) goto oom;
    rc->ncubes = b->ncubes;
    rc->weighted = weighted;
    rc->nworkers = 1;
    for (size_t c = 0; c < b->ncols; c++) {
        if (!(rc->cols[c] = iaf_strdup(b->names[c]))) goto oom;
        size_t ng = iaf_strmap_size(&b->maps[c]);
        b_labels = b->maps[c].keys;
        order = sorted_order(ng, b_cmp_label);
        rank[c] = iaf_calloc(ng + 1, sizeof *rank[c]);
        rc->values[c] = iaf_calloc(ng + 1, sizeof **rc->values);
        if (!order || !rank[c] || !rc->values[c]) goto oom;
        for (size_t i = 0; i < ng; i++) {
            rank[c][order[i] + 1] = (uint32_t)i + 1;
            iaf_sv v = iaf_strmap_get(&b->maps[c], order[i]);
            char *copy = iaf_arena_strndup(&rc->arena, v.ptr ? v.ptr : "", v.len);
            if (!copy) goto oom;
            rc->values[c][i + 1] = (iaf_sv){copy, v.len};
        }
        rc->values[c][0] = (iaf_sv){NULL, 0};
        rc->nvalues[c] = ng + 1;
        iaf_free(order);
        order = NULL;
    }
    for (size_t k = 0; k < b->ncubes; k++) {
        bcube *c = &b->cubes[k];
        size_t nk = c->ncols;
        for (size_t i = 0; i < c->n; i++)
            for (size_t j = 0; j < nk; j++)
                c->keys[i * nk + j] = rank[c->cols[j]][c->keys[i * nk + j]];
        b_keys = c->keys;
        b_nk = nk;
        if (!(order = sorted_order(c->n, b_cmp_cell))) goto oom;
        iaf_rawcube *o = &rc->cubes[k];
        o->ncols = nk;
        memcpy(o->cols, c->cols, nk * sizeof c->cols[0]);
        o->keys = iaf_calloc(c->n * nk + 1, sizeof *o->keys);
        o->count = iaf_calloc(c->n ? c->n : 1, sizeof *o->count);
        o->wsum = iaf_calloc(c->n ? c->n : 1, sizeof *o->wsum);
        o->wsum2 = iaf_calloc(c->n ? c->n : 1, sizeof *o->wsum2);
        if (!o->keys || !o->count || !o->wsum || !o->wsum2) goto oom;
        size_t m = 0;
        int64_t rows = 0;
        double wt = 0, wt2 = 0;
        for (size_t i = 0; i < c->n; i++) {
            size_t p = order[i];
            const uint32_t *key = c->keys + p * nk;
            if (m && memcmp(o->keys + (m - 1) * nk, key, nk * sizeof *key) == 0) {
                if (iaf_add_i64(o->count[m - 1], c->count[p], &o->count[m - 1]) != 0) goto big;
                o->wsum[m - 1] += c->w[p];
                o->wsum2[m - 1] += c->w2[p];
            } else {
                memcpy(o->keys + m * nk, key, nk * sizeof *key);
                o->count[m] = c->count[p];
                o->wsum[m] = c->w[p];
                o->wsum2[m] = c->w2[p];
                m++;
            }
            if (iaf_add_i64(rows, c->count[p], &rows) != 0) goto big;
            wt += c->w[p];
            wt2 += c->w2[p];
        }
        o->ncells = m;
        iaf_free(order);
        order = NULL;
        if (k == 0) {
            rc->nrows = rows;
            rc->wtotal = wt;
            rc->wtotal2 = wt2;
        } else if (rows != rc->nrows) {
            st = iaf_error_set(err, IAF_ERR_PARSE, what, 0, 0,
                               "cube %zu counts %lld rows but cube 0 counts %lld: every cube "
                               "must count the same rows",
                               k, (long long)rows, (long long)rc->nrows);
            goto fail;
        }
    }
    goto done;
big:
    st = iaf_error_set(err, IAF_ERR_LIMIT, what, 0, 0, "a cell count overflows 64 bits");
    goto fail;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
fail:
    iaf_rawcount_free(rc);
    rc = NULL;
done:
    for (size_t c = 0; rank && c < b->ncols; c++)
        iaf_free(rank[c]);
    iaf_free(rank);
    iaf_free(order);
    *out = rc;
    return st;
}

/* Every cell of src into b (cubes by position). */
static int builder_add_rc(builder *b, const iaf_rawcount *src)
{
    iaf_sv lab[IAF_MAX_CUBE_COLS];
    for (size_t k = 0; k < src->ncubes; k++) {
        const iaf_rawcube *c = &src->cubes[k];
        for (size_t i = 0; i < c->ncells; i++) {
            for (size_t j = 0; j < c->ncols; j++)
                lab[j] = src->values[c->cols[j]][c->keys[i * c->ncols + j]];
            if (builder_cell(b, k, lab, c->count[i], c->wsum[i], c->wsum2[i]) != 0) return -1;
        }
    }
    return 0;
}

/* ----------------------------------------------------------------- merge */

iaf_status iaf_cubes_merge(iaf_cubes *into, const iaf_cubes *add, iaf_error *err)
{
    if (strcmp(into->fingerprint, add->fingerprint) != 0)
        return iaf_error_set(err, IAF_ERR_INVALID, add->dir, 0, 0,
                             "fingerprint %.12s... differs from %.12s... of %s: the counts were "
                             "made for another spec, other cube definitions or inputs of "
                             "another schema, and cannot be added up",
                             add->fingerprint, into->fingerprint,
                             into->dir ? into->dir : "the first");
    if (into->rows < 0 || add->rows < 0 || !into->rc || !add->rc)
        return iaf_error_set(err, IAF_ERR_INVALID, add->dir, 0, 0, "a plan holds no counts");
    builder b;
    iaf_rawcount *rc = NULL;
    iaf_status st;
    if (builder_init(&b, into->rc) != 0 || builder_add_rc(&b, into->rc) != 0 ||
        builder_add_rc(&b, add->rc) != 0) {
        builder_free(&b);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    st = builder_finish(&b, into->rc->weighted, add->dir, &rc, err);
    builder_free(&b);
    if (st != IAF_OK) return st;
    for (size_t i = 0; i < add->ninputs; i++)
        if (iaf_cubes_add_input(into, add->in_path[i], add->in_sha[i]) != 0) {
            iaf_rawcount_free(rc);
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
    iaf_rawcount_free(into->rc);
    into->rc = rc;
    into->rows = rc->nrows;
    into->nshards += add->nshards;
    char *o = iaf_strdup("merge");
    if (!o) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    iaf_free(into->origin);
    into->origin = o;
    return IAF_OK;
}

/* ------------------------------------------------------------- rendering */

static int csv_field(iaf_buf *b, iaf_sv v)
{
    if (!v.ptr) return 0; /* NULL: an unquoted empty field */
    int q = v.len == 0;
    for (size_t i = 0; i < v.len && !q; i++) {
        char ch = v.ptr[i];
        q = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
    }
    if (!q) return iaf_buf_append(b, v.ptr, v.len);
    if (iaf_buf_puts(b, "\"") != 0) return -1;
    for (size_t i = 0; i < v.len; i++)
        if ((v.ptr[i] == '"' && iaf_buf_puts(b, "\"") != 0) || iaf_buf_append(b, v.ptr + i, 1) != 0)
            return -1;
    return iaf_buf_puts(b, "\"");
}

static int render_cube_csv(const iaf_rawcount *rc, size_t k, iaf_buf *b)
{
    const iaf_rawcube *c = &rc->cubes[k];
    int rcode = 0;
    for (size_t j = 0; j < c->ncols; j++) {
        const char *n = rc->cols[c->cols[j]];
        rcode |= csv_field(b, (iaf_sv){n, strlen(n)});
        rcode |= iaf_buf_puts(b, ",");
    }
    rcode |= iaf_buf_puts(b, rc->weighted ? "iaf_n,iaf_w,iaf_w2\n" : "iaf_n\n");
    char num[48];
    for (size_t i = 0; i < c->ncells && !rcode; i++) {
        for (size_t j = 0; j < c->ncols; j++) {
            rcode |= csv_field(b, rc->values[c->cols[j]][c->keys[i * c->ncols + j]]);
            rcode |= iaf_buf_puts(b, ",");
        }
        iaf_fmt_i64(num, c->count[i]);
        rcode |= iaf_buf_puts(b, num);
        if (rc->weighted) {
            iaf_fmt_f64(num, c->wsum[i]);
            rcode |= iaf_buf_puts(b, ",") | iaf_buf_puts(b, num);
            iaf_fmt_f64(num, c->wsum2[i]);
            rcode |= iaf_buf_puts(b, ",") | iaf_buf_puts(b, num);
        }
        rcode |= iaf_buf_puts(b, "\n");
    }
    return rcode ? -1 : 0;
}

static void cube_stem(char *out, size_t n, size_t k)
{
    snprintf(out, n, "cube-%02zu", k);
}

static int is_plan(const iaf_cubes *c)
{
    return c->rows < 0;
}

size_t iaf_cubes_nfiles(const iaf_cubes *c)
{
    size_t k = c->rc ? c->rc->ncubes : 0;
    return 1 + k + (is_plan(c) ? 1 : 0);
}

const char *iaf_cubes_file_name(const iaf_cubes *c, size_t i)
{
    static _Thread_local char name[64];
    size_t k = c->rc ? c->rc->ncubes : 0;
    if (i == 0) return MANIFEST;
    if (i - 1 < k) {
        cube_stem(name, sizeof name, i - 1);
        strcat(name, is_plan(c) ? ".sql" : ".csv");
        return name;
    }
    if (is_plan(c) && i == k + 1) return "plan.sql";
    return NULL;
}

static int render_manifest(const iaf_cubes *c, iaf_buf *b)
{
    iaf_json j;
    iaf_json_init(&j, b, 1);
    iaf_json_begin_object(&j);
    iaf_json_kstr(&j, "schema", SCHEMA);
    iaf_json_kstr(&j, "fingerprint", c->fingerprint);
    iaf_json_kstr(&j, "spec_sha256", c->spec_sha);
    iaf_json_kstr(&j, "origin", c->origin);
    if (c->dialect) iaf_json_kstr(&j, "dialect", c->dialect);
    if (c->table) iaf_json_kstr(&j, "table", c->table);
    iaf_json_kstr(&j, "weight", c->weight);
    iaf_json_kstr(&j, "format", c->format);
    iaf_json_key(&j, "columns");
    iaf_json_begin_array(&j);
    for (size_t i = 0; i < c->nschema; i++)
        iaf_json_str(&j, c->schema[i]);
    iaf_json_end_array(&j);
    if (c->rows >= 0) {
        iaf_json_kint(&j, "rows", c->rows);
        iaf_json_kint(&j, "shards", (int64_t)c->nshards);
    }
    iaf_json_key(&j, "inputs");
    iaf_json_begin_array(&j);
    for (size_t i = 0; i < c->ninputs; i++) {
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "path", c->in_path[i]);
        iaf_json_kstr(&j, "sha256", c->in_sha[i]);
        iaf_json_end_object(&j);
    }
    iaf_json_end_array(&j);
    iaf_json_key(&j, "cubes");
    iaf_json_begin_array(&j);
    const iaf_rawcount *rc = c->rc;
    for (size_t k = 0; rc && k < rc->ncubes; k++) {
        char stem[32], file[48];
        cube_stem(stem, sizeof stem, k);
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "id", stem);
        if (is_plan(c)) {
            snprintf(file, sizeof file, "%s.sql", stem);
            iaf_json_kstr(&j, "sql", file);
            iaf_json_kstr(&j, "file", stem); /* the engine's: stem.csv, stem.parquet or stem/ */
        } else {
            snprintf(file, sizeof file, "%s.csv", stem);
            iaf_json_kstr(&j, "file", file);
        }
        iaf_json_key(&j, "columns");
        iaf_json_begin_array(&j);
        for (size_t q = 0; q < rc->cubes[k].ncols; q++)
            iaf_json_str(&j, rc->cols[rc->cubes[k].cols[q]]);
        iaf_json_end_array(&j);
        iaf_json_end_object(&j);
    }
    iaf_json_end_array(&j);
    iaf_json_end_object(&j);
    return j.failed || iaf_buf_puts(b, "\n") != 0 ? -1 : 0;
}

/* SQL texts (below). */
static int render_sql(const iaf_cubes *c, size_t k, int script, iaf_buf *b);

iaf_status iaf_cubes_render(const iaf_cubes *c, size_t i, iaf_buf *b, iaf_error *err)
{
    size_t k = c->rc ? c->rc->ncubes : 0;
    int rcode = 0;
    if (i == 0) {
        rcode = render_manifest(c, b);
    } else if (i - 1 < k) {
        rcode = is_plan(c) ? render_sql(c, i - 1, 0, b) : render_cube_csv(c->rc, i - 1, b);
    } else if (is_plan(c) && i == k + 1) {
        for (size_t q = 0; q < k && !rcode; q++)
            rcode = render_sql(c, q, 1, b);
    } else {
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no file %zu", i);
    }

    if (rcode) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return IAF_OK;
}

/* ------------------------------------------------------------------- SQL */

typedef struct dialect {
    const char *name;
    char quote;        /* identifier quote */
    int id_backslash;  /* identifiers escape with a backslash (BigQuery), else doubling */
    int str_backslash; /* string literals escape with a backslash (BigQuery, Spark) */
    const char *text;  /* text type */
    const char *dbl;   /* double type */
    /* The script's statement for one cube (render_script): where the result
     * goes (its ending, and what goes before the path in the literal) and the
     * statement with %S for the cube's SELECT (clauses on lines), %L for the
     * same on one line, %P for the literal, %p for the path as is and %N for
     * the cube's stem. */
    const char *ext, *uri, *script;
} dialect;

static const dialect dialects[] = {
    {"duckdb", '"', 0, 0, "VARCHAR", "DOUBLE", ".parquet", "",
     "COPY (%S)\nTO %P (FORMAT parquet);\n"},
    /* psql's \copy is one line and writes on the client's side */
    {"postgres", '"', 0, 0, "TEXT", "DOUBLE PRECISION", ".csv", "",
     "\\copy (%L) TO %P WITH (FORMAT csv, HEADER true)\n"},
    {"spark", '`', 0, 1, "STRING", "DOUBLE", "", "",
     "INSERT OVERWRITE DIRECTORY %P USING parquet\n%S;\n"},
    /* the CLI writes each result (docs/scale.md) */
    {"trino", '"', 0, 0, "VARCHAR", "DOUBLE", ".csv", "", "-- %N -> %p\n%S;\n"},
    {"bigquery", '`', 1, 1, "STRING", "FLOAT64", "/part-*.parquet", "gs://BUCKET/",
     "EXPORT DATA OPTIONS (uri = %P, format = 'PARQUET', overwrite = true) AS\n%S;\n"},
};

static const char *const dialect_names[] = {"duckdb", "postgres", "spark",
                                            "trino",  "bigquery", NULL};

const char *const *iaf_cubes_dialects(void)
{
    return dialect_names;
}

static const dialect *dialect_of(const char *name)
{
    for (size_t i = 0; name && i < sizeof dialects / sizeof dialects[0]; i++)
        if (!strcmp(dialects[i].name, name)) return &dialects[i];
    return NULL;
}

const char *iaf_cubes_dialect(const char *name)
{
    const dialect *d = dialect_of(name);
    return d ? d->name : NULL;
}

static int sql_ident(iaf_buf *b, const dialect *d, const char *s)
{
    int r = iaf_buf_append(b, &d->quote, 1);
    for (; *s; s++) {
        if (*s == d->quote || (d->id_backslash && *s == '\\'))
            r |= iaf_buf_append(b, d->id_backslash ? "\\" : &d->quote, 1);
        r |= iaf_buf_append(b, s, 1);
    }
    return r | iaf_buf_append(b, &d->quote, 1);
}

static int sql_string(iaf_buf *b, const dialect *d, const char *s)
{
    int r = iaf_buf_puts(b, "'");
    for (; *s; s++) {
        if (*s == '\'' || (d->str_backslash && *s == '\\'))
            r |= iaf_buf_puts(b, d->str_backslash ? "\\" : "'");
        r |= iaf_buf_append(b, s, 1);
    }
    return r | iaf_buf_puts(b, "'");
}

/* A grouping column: as it is, or for text inputs (CSV: iaf reads every
 * field as text, an empty field as the empty string) cast to text with a
 * NULL (an engine's reading of an empty field) made the empty string. */
static int sql_col(iaf_buf *b, const iaf_cubes *c, const dialect *d, const char *col)
{
    int text = c->format && !strcmp(c->format, "csv");
    int r = 0;
    if (text) r |= iaf_buf_printf(b, "COALESCE(CAST(");
    r |= sql_ident(b, d, col);
    if (text) r |= iaf_buf_printf(b, " AS %s), '')", d->text);
    return r;
}

static int sql_from(iaf_buf *b, const iaf_cubes *c, const dialect *d)
{
    if (c->table) return iaf_buf_puts(b, c->table);
    /* DuckDB without a table: the spec's files */
    int r = 0;
    const char *fmt = c->format ? c->format : "parquet";
    r |= iaf_buf_printf(b, "%s([",
                        !strcmp(fmt, "csv")     ? "read_csv"
                        : !strcmp(fmt, "jsonl") ? "read_json"
                                                : "read_parquet");
    for (size_t i = 0; i < c->ninputs; i++) {
        if (i) r |= iaf_buf_puts(b, ", ");
        r |= sql_string(b, d, c->in_path[i]);
    }
    r |= iaf_buf_puts(b, "]");
    if (!strcmp(fmt, "csv")) r |= iaf_buf_puts(b, ", header = true, all_varchar = true");
    if (!strcmp(fmt, "jsonl")) r |= iaf_buf_puts(b, ", format = 'newline_delimited'");
    return r | iaf_buf_puts(b, ")");
}

/* The SELECT of cube k; sep between its clauses ("\n" or " "). */
static int sql_select(iaf_buf *b, const iaf_cubes *c, const dialect *d, size_t k, const char *sep)
{
    const iaf_rawcube *cube = &c->rc->cubes[k];
    int r = iaf_buf_puts(b, "SELECT ");
    for (size_t j = 0; j < cube->ncols; j++) {
        const char *col = c->rc->cols[cube->cols[j]];
        r |= sql_col(b, c, d, col);
        r |= iaf_buf_puts(b, " AS ");
        r |= sql_ident(b, d, col);
        r |= iaf_buf_puts(b, ", ");
    }
    r |= iaf_buf_puts(b, "count(*) AS iaf_n");
    if (c->weight) {
        r |= iaf_buf_puts(b, ", sum(CAST(");
        r |= sql_ident(b, d, c->weight);
        r |= iaf_buf_printf(b, " AS %s)) AS iaf_w, sum(CAST(", d->dbl);
        r |= sql_ident(b, d, c->weight);
        r |= iaf_buf_printf(b, " AS %s) * CAST(", d->dbl);
        r |= sql_ident(b, d, c->weight);
        r |= iaf_buf_printf(b, " AS %s)) AS iaf_w2", d->dbl);
    }
    r |= iaf_buf_printf(b, "%sFROM ", sep);
    r |= sql_from(b, c, d);
    r |= iaf_buf_printf(b, "%sGROUP BY ", sep);
    for (size_t j = 0; j < cube->ncols; j++) {
        if (j) r |= iaf_buf_puts(b, ", ");
        r |= sql_col(b, c, d, c->rc->cols[cube->cols[j]]);
    }
    return r;
}

/* The output path of cube k as the script names it. */
static int out_path(iaf_buf *b, const iaf_cubes *c, size_t k, const char *ext)
{
    char stem[32];
    cube_stem(stem, sizeof stem, k);
    const char *dir = c->out_dir ? c->out_dir : "";
    size_t n = strlen(dir);
    return iaf_buf_printf(b, "%s%s%s%s", dir, n && dir[n - 1] != '/' ? "/" : "", stem, ext);
}

/* The statement of cube k in c's script, from its dialect's template. */
static int render_script(const iaf_cubes *c, const dialect *d, size_t k, iaf_buf *b)
{
    char stem[32];
    cube_stem(stem, sizeof stem, k);
    iaf_buf path = {0}, uri = {0};
    int r = out_path(&path, c, k, d->ext);
    r |= iaf_buf_printf(&uri, "%s%s", d->uri, path.data ? path.data : "");
    for (const char *t = d->script; *t && !r; t++) {
        if (*t != '%') {
            r |= iaf_buf_append(b, t, 1);
            continue;
        }
        switch (*++t) {
        case 'S':
        case 'L':
            r |= sql_select(b, c, d, k, *t == 'S' ? "\n" : " ");
            break;
        case 'P':
            r |= sql_string(b, d, uri.data ? uri.data : "");
            break;
        case 'p':
            r |= iaf_buf_puts(b, path.data ? path.data : "");
            break;
        default: /* 'N' */
            r |= iaf_buf_puts(b, stem);
        }
    }
    iaf_buf_free(&path);
    iaf_buf_free(&uri);
    return r;
}

static int render_sql(const iaf_cubes *c, size_t k, int script, iaf_buf *b)
{
    const dialect *d = dialect_of(c->dialect);
    if (!d) return -1;
    if (script) return render_script(c, d, k, b);
    char stem[32];
    cube_stem(stem, sizeof stem, k);
    int r = 0;
    const iaf_rawcube *cube = &c->rc->cubes[k];
    r |= iaf_buf_printf(b, "-- %s: the raw cube over", stem);
    for (size_t j = 0; j < cube->ncols; j++) {
        /* a line end in a column's name must not end the comment */
        r |= iaf_buf_puts(b, " ");
        for (const char *p = c->rc->cols[cube->cols[j]]; *p; p++)
            r |= iaf_buf_append(b, (unsigned char)*p < 0x20 ? "?" : p, 1);
        if (j + 1 < cube->ncols) r |= iaf_buf_puts(b, ",");
    }
    r |= iaf_buf_printf(b, " (iaf plan, %s, fingerprint %.16s)\n", d->name, c->fingerprint);
    r |= sql_select(b, c, d, k, "\n");
    return r | iaf_buf_puts(b, ";\n");
}

/* ------------------------------------------------------------------ load */

static char *path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), n = strlen(name);
    char *p = iaf_malloc(a + n + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    size_t k = a;
    if (a && dir[a - 1] != '/') p[k++] = '/';
    memcpy(p + k, name, n + 1);
    return p;
}

/* CSV with NULL as an unquoted empty field: every record of the file,
 * header first, handed to fn. */
typedef int (*record_fn)(void *ctx, const iaf_sv *f, size_t n, long long line, iaf_error *err);

static iaf_status read_csv(const char *path, record_fn fn, void *ctx, iaf_error *err)
{
    iaf_buf text = {0}, field = {0};
    iaf_status st = iaf_file_read_all(path, CUBE_FILE_CAP, "a count file", &text, err);
    if (st != IAF_OK) {
        iaf_buf_free(&text); /* what was read before the failure */
        return st;
    }
    const char *p = text.data ? text.data : "", *end = p + text.len;
    if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    /* fields point into one arena per record: offsets into `field` */
    size_t offs[2 * 64], nf = 0;
    int nulls[64];
    iaf_sv f[64];
    long long line = 1, rec_line = 1;
    while (p < end && st == IAF_OK) {
        nf = 0;
        field.len = 0;
        rec_line = line;
        for (;;) {
            if (nf == 64) {
                st = iaf_error_set(err, IAF_ERR_PARSE, path, rec_line, 0,
                                   "more than 64 fields in a record");
                goto done;
            }
            size_t start = field.len;
            int quoted = 0;
            if (p < end && *p == '"') {
                quoted = 1;
                p++;
                for (;;) {
                    if (p >= end) {
                        st = iaf_error_set(err, IAF_ERR_PARSE, path, rec_line, 0,
                                           "a quoted field does not end");
                        goto done;
                    }
                    if (*p == '"') {
                        if (p + 1 < end && p[1] == '"') {
                            if (iaf_buf_append(&field, "\"", 1) != 0) goto oom;
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    if (*p == '\n') line++;
                    if (iaf_buf_append(&field, p, 1) != 0) goto oom;
                    p++;
                }
            } else {
                const char *q = p;
                while (q < end && *q != ',' && *q != '\n' && *q != '\r')
                    q++;
                if (q > p && iaf_buf_append(&field, p, (size_t)(q - p)) != 0) goto oom;
                p = q;
            }
            offs[2 * nf] = start;
            offs[2 * nf + 1] = field.len - start;
            nulls[nf] = !quoted && field.len == start;
            nf++;
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            if (p < end && *p == '\r') p++;
            if (p < end && *p == '\n') p++;
            line++;
            break;
        }
        if (nf == 1 && nulls[0]) continue; /* an empty line */
        for (size_t i = 0; i < nf; i++)
            f[i] = nulls[i] ? (iaf_sv){NULL, 0}
                            : (iaf_sv){field.data ? field.data + offs[2 * i] : "", offs[2 * i + 1]};
        if (fn(ctx, f, nf, rec_line, err) != 0) st = err ? err->status : IAF_ERR_PARSE;
    }
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_buf_free(&text);
    iaf_buf_free(&field);
    return st;
}

/* Reading one cube's rows (CSV or Parquet) into the builder. */
typedef struct cube_reader {
    builder *b;
    size_t k;
    const iaf_rawcount *defs;
    int weighted;
    const char *file; /* for errors */
    int header_seen;
} cube_reader;

static int parse_i64(iaf_sv s, int64_t *out)
{
    if (!s.ptr || s.len == 0 || s.len > 20) return -1;
    char tmp[24];
    memcpy(tmp, s.ptr, s.len);
    tmp[s.len] = 0;
    char *e;
    long long v = strtoll(tmp, &e, 10);
    if (*e || v < 0) {
        /* an engine may write counts as doubles ("12.0") */
        double d;
        if (iaf_parse_double(s, &d) && iaf_count_ok(d) && d == (double)(int64_t)d) {
            *out = (int64_t)d;
            return 0;
        }
        return -1;
    }
    *out = v;
    return 0;
}

static int cube_row(cube_reader *r, const iaf_sv *f, size_t n, long long line, iaf_error *err)
{
    const iaf_rawcube *c = &r->defs->cubes[r->k];
    size_t want = c->ncols + (r->weighted ? 3 : 1);
    if (n != want) {
        iaf_error_set(err, IAF_ERR_PARSE, r->file, line, 0,
                      "%zu fields, expected %zu (the cube's %zu columns, then iaf_n%s)", n, want,
                      c->ncols, r->weighted ? ", iaf_w, iaf_w2" : "");
        return -1;
    }
    int64_t cnt;
    double w = 0, w2 = 0;
    if (parse_i64(f[c->ncols], &cnt) != 0) {
        iaf_error_set(err, IAF_ERR_PARSE, r->file, line, 0, "iaf_n '%.*s' is not a count",
                      (int)(f[c->ncols].len > 40 ? 40 : f[c->ncols].len),
                      f[c->ncols].ptr ? f[c->ncols].ptr : "");
        return -1;
    }
    if (r->weighted) {
        if (!f[c->ncols + 1].ptr || !f[c->ncols + 2].ptr ||
            !iaf_parse_double(f[c->ncols + 1], &w) || !iaf_parse_double(f[c->ncols + 2], &w2) ||
            !iaf_count_ok(w) || !iaf_count_ok(w2)) {
            iaf_error_set(err, IAF_ERR_PARSE, r->file, line, 0,
                          "iaf_w and iaf_w2 must be sums of weights (non-negative numbers)");
            return -1;
        }
    } else {
        w = w2 = (double)cnt;
    }
    if (builder_cell(r->b, r->k, f, cnt, w, w2) != 0) {
        iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    return 0;
}

static int csv_record(void *ctx, const iaf_sv *f, size_t n, long long line, iaf_error *err)
{
    cube_reader *r = ctx;
    if (!r->header_seen) {
        /* the header names the cube's columns, then the counts */
        const iaf_rawcube *c = &r->defs->cubes[r->k];
        for (size_t j = 0; j < c->ncols && j < n; j++) {
            const char *want = r->defs->cols[c->cols[j]];
            if (!f[j].ptr || f[j].len != strlen(want) || memcmp(f[j].ptr, want, f[j].len) != 0) {
                iaf_error_set(err, IAF_ERR_PARSE, r->file, line, 0,
                              "column %zu is '%.*s', expected '%s' (the manifest's order)", j + 1,
                              (int)(f[j].ptr ? (f[j].len > 60 ? 60 : f[j].len) : 0),
                              f[j].ptr ? f[j].ptr : "", want);
                return -1;
            }
        }
        r->header_seen = 1;
        return 0;
    }
    return cube_row(r, f, n, line, err);
}

/* Parquet through the ordinary reader: labels as a scan makes them. */
typedef struct pq_state {
    cube_reader *r;
} pq_state;

static iaf_status pq_begin(void *ctx, int worker, void **state, iaf_error *err)
{
    (void)worker;
    (void)err;
    *state = ctx;
    return IAF_OK;
}

static iaf_status pq_batch(void *ctx, void *state, const iaf_batch *bt, iaf_error *err)
{
    (void)state;
    cube_reader *r = ctx;
    char num[64][40];
    iaf_sv f[64];
    for (size_t i = 0; i < bt->nrows; i++) {
        for (size_t c = 0; c < bt->ncols; c++) {
            const iaf_column *col = &bt->cols[c];
            switch (col->kind) {
            case IAF_COL_STR:
                f[c] = col->str[i];
                break;
            case IAF_COL_DICT:
                f[c] = col->idx[i] == IAF_NULL_INDEX || col->idx[i] >= col->ndict
                           ? (iaf_sv){NULL, 0}
                           : col->dict[col->idx[i]];
                if (f[c].ptr == NULL && col->idx[i] != IAF_NULL_INDEX) f[c] = (iaf_sv){"", 0};
                break;
            case IAF_COL_I64:
            case IAF_COL_F64:
                if (col->valid && !col->valid[i]) {
                    f[c] = (iaf_sv){NULL, 0};
                } else {
                    size_t n = col->kind == IAF_COL_I64 ? iaf_fmt_i64(num[c], col->i64[i])
                                                        : iaf_fmt_f64(num[c], col->f64[i]);
                    f[c] = (iaf_sv){num[c], n};
                }
                break;
            }
        }
        if (cube_row(r, f, bt->ncols, bt->first_row + (long long)i + 2, err) != 0)
            return err ? err->status : IAF_ERR_PARSE;
    }
    return IAF_OK;
}

static iaf_status read_parquet(char **files, size_t n, cube_reader *r, iaf_error *err)
{
    iaf_source_options so;
    memset(&so, 0, sizeof so);
    so.format = IAF_FORMAT_PARQUET;
    so.threads = 1;
    iaf_source *src = NULL;
    iaf_status st = iaf_source_open((const char *const *)files, n, &so, &src, err);
    if (st != IAF_OK) return st;
    const iaf_rawcube *c = &r->defs->cubes[r->k];
    const char *names[IAF_MAX_CUBE_COLS + 3];
    size_t nn = 0;
    for (size_t j = 0; j < c->ncols; j++)
        names[nn++] = r->defs->cols[c->cols[j]];
    names[nn++] = "iaf_n";
    if (r->weighted) names[nn++] = "iaf_w", names[nn++] = "iaf_w2";
    if ((st = iaf_source_project(src, names, nn, err)) == IAF_OK) {
        iaf_scan_consumer cons = {r, pq_begin, pq_batch, NULL};
        st = iaf_source_scan(src, &cons, NULL, err);
    }
    iaf_source_free(src);
    return st;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *t)
{
    size_t a = strlen(s), b = strlen(t);
    return a >= b && !strcmp(s + a - b, t);
}

/* The files of one cube: `file` itself, file.parquet, file.csv, or the
 * directory `file` (the part-* files an engine writes, or every *.parquet /
 * *.csv not hidden). *parquet tells the format. */
static iaf_status cube_files(const char *dir, const char *file, char ***out, size_t *nout,
                             int *parquet, iaf_error *err)
{
    *out = NULL;
    *nout = 0;
    char *base = path_join(dir, file);
    if (!base) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    struct stat sb;
    static const char *const exts[] = {"", ".parquet", ".csv"};
    for (int e = 0; e < 3; e++) {
        size_t n = strlen(base) + strlen(exts[e]) + 1;
        char *p = iaf_malloc(n);
        if (!p) {
            iaf_free(base);
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        snprintf(p, n, "%s%s", base, exts[e]);
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
            *out = iaf_calloc(1, sizeof **out);
            if (!*out) {
                iaf_free(p);
                iaf_free(base);
                return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
            (*out)[0] = p;
            *nout = 1;
            *parquet = ends_with(p, ".parquet");
            iaf_free(base);
            return IAF_OK;
        }
        iaf_free(p);
    }
    iaf_status st = IAF_OK;
    DIR *dh = stat(base, &sb) == 0 && S_ISDIR(sb.st_mode) ? opendir(base) : NULL;
    if (!dh) {
        if (ends_with(file, ".csv") || ends_with(file, ".parquet"))
            st = iaf_error_set(err, IAF_ERR_IO, base, 0, 0, "the cube's counts are missing");
        else
            st = iaf_error_set(err, IAF_ERR_IO, base, 0, 0,
                               "the cube's counts are missing (a file %s, %s.parquet or %s.csv, "
                               "or a directory of part files)",
                               file, file, file);
        iaf_free(base);
        return st;
    }
    char **list = NULL;
    size_t n = 0, cap = 0;
    int npq = 0, ncsv = 0;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        const char *nm = de->d_name;
        if (nm[0] == '.' || nm[0] == '_') continue; /* .crc, _SUCCESS, _committed */
        int pq = ends_with(nm, ".parquet"), cs = ends_with(nm, ".csv");
        if (!pq && !cs) continue;
        if (IAF_GROW(list, cap, n + 1) != 0 || !(list[n] = path_join(base, nm))) goto oom;
        n++;
        npq += pq;
        ncsv += cs;
    }
    closedir(dh);
    dh = NULL;
    if (n == 0 || (npq && ncsv)) {
        st = iaf_error_set(err, IAF_ERR_IO, base, 0, 0,
                           n ? "both .parquet and .csv part files: which is the result?"
                             : "no .parquet or .csv part files");
        goto fail;
    }
    qsort(list, n, sizeof *list, name_cmp);
    *out = list;
    *nout = n;
    *parquet = npq > 0;
    iaf_free(base);
    return IAF_OK;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (dh) closedir(dh);
fail:
    for (size_t i = 0; i < n; i++)
        iaf_free(list[i]);
    iaf_free(list);
    iaf_free(base);
    return st;
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int dupstr(char **dst, const char *s)
{
    if (!s) return 0;
    return (*dst = iaf_strdup(s)) ? 0 : -1;
}

/* The manifest's cube definitions as a raw count without cells. */
/* What defs_from_manifest had made when it fails: the caller gets nothing. */
static void defs_fail(iaf_rawcount *rc, char ***files, size_t ncubes)
{
    iaf_rawcount_free(rc);
    for (size_t k = 0; *files && k < ncubes; k++)
        iaf_free((*files)[k]);
    iaf_free(*files);
    *files = NULL;
}

static iaf_status defs_from_manifest(json_t *cubes, const char *mpath, iaf_rawcount **out,
                                     char ***files, iaf_error *err)
{
    iaf_rawcount *rc = iaf_calloc(1, sizeof *rc);
    size_t ncubes = json_array_size(cubes), colcap = 0;
    *files = iaf_calloc(ncubes ? ncubes : 1, sizeof **files);
    if (!rc || !*files) goto oom;
    if (!(rc->cubes = iaf_calloc(ncubes ? ncubes : 1, sizeof *rc->cubes))) goto oom;
    rc->ncubes = ncubes;
    for (size_t k = 0; k < ncubes; k++) {
        json_t *cb = json_array_get(cubes, k), *cols = json_object_get(cb, "columns");
        const char *file = jstr(cb, "file");
        size_t nc = json_array_size(cols);
        if (!file || !json_is_array(cols) || nc == 0 || nc > IAF_MAX_CUBE_COLS ||
            strchr(file, '/')) {
            defs_fail(rc, files, ncubes);
            return iaf_error_set(err, IAF_ERR_PARSE, mpath, 0, 0,
                                 "cubes[%zu]: needs a file (a name in this directory) and 1 to %d "
                                 "columns",
                                 k, IAF_MAX_CUBE_COLS);
        }
        if (!((*files)[k] = iaf_strdup(file))) goto oom;
        rc->cubes[k].ncols = nc;
        for (size_t j = 0; j < nc; j++) {
            const char *name = json_string_value(json_array_get(cols, j));
            if (!name) {
                defs_fail(rc, files, ncubes);
                return iaf_error_set(err, IAF_ERR_PARSE, mpath, 0, 0,
                                     "cubes[%zu].columns[%zu]: expected a string", k, j);
            }
            size_t c = 0;
            while (c < rc->ncols && strcmp(rc->cols[c], name) != 0)
                c++;
            if (c == rc->ncols) {
                if (IAF_GROW(rc->cols, colcap, rc->ncols + 1) != 0) goto oom;
                if (!(rc->cols[rc->ncols] = iaf_strdup(name))) goto oom;
                rc->ncols++;
            }
            rc->cubes[k].cols[j] = c;
        }
    }
    rc->nvalues = iaf_calloc(rc->ncols ? rc->ncols : 1, sizeof *rc->nvalues);
    rc->values = iaf_calloc(rc->ncols ? rc->ncols : 1, sizeof *rc->values);
    if (!rc->nvalues || !rc->values) goto oom;
    *out = rc;
    return IAF_OK;
oom:
    defs_fail(rc, files, ncubes);
    return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

iaf_status iaf_cubes_load(const char *dir, iaf_cubes **out, iaf_error *err)
{
    *out = NULL;
    iaf_status st = IAF_OK;
    iaf_cubes *c = iaf_cubes_new();
    char *mpath = path_join(dir, MANIFEST), **files = NULL;
    iaf_buf text = {0};
    json_t *doc = NULL;
    iaf_rawcount *defs = NULL;
    builder b;
    memset(&b, 0, sizeof b);
    if (!c || !mpath) goto oom;
    if ((st = iaf_file_read_all(mpath, (size_t)1 << 26, "a count manifest", &text, err)) != IAF_OK)
        goto fail;
    json_error_t je;
    iaf_json_prepare();
    doc = json_loadb(text.data ? text.data : "", text.len, JSON_REJECT_DUPLICATES, &je);
    /* jansson reports some failed allocations as syntax errors (report/model.c) */
    if (iaf_json_alloc_failed() ||
        (!doc && (json_error_code(&je) == json_error_out_of_memory || !je.text[0])))
        goto oom;
    if (!doc || !json_is_object(doc)) {
        st = iaf_error_set(err, IAF_ERR_PARSE, mpath, doc ? 1 : je.line, doc ? 1 : je.column, "%s",
                           doc ? "expected an object" : je.text);
        goto fail;
    }
    const char *schema = jstr(doc, "schema"), *fp = jstr(doc, "fingerprint"),
               *spec_sha = jstr(doc, "spec_sha256");
    json_t *cubes = json_object_get(doc, "cubes"), *cols = json_object_get(doc, "columns"),
           *inputs = json_object_get(doc, "inputs"), *rows = json_object_get(doc, "rows"),
           *shards = json_object_get(doc, "shards");
    if (!schema || strcmp(schema, SCHEMA) != 0) {
        st = iaf_error_set(err, IAF_ERR_PARSE, mpath, 0, 0, "schema: expected \"%s\"", SCHEMA);
        goto fail;
    }
    if (!fp || strlen(fp) != 64 || !spec_sha || strlen(spec_sha) != 64 || !json_is_array(cubes) ||
        !json_is_array(cols) || !json_is_array(inputs)) {
        st = iaf_error_set(err, IAF_ERR_PARSE, mpath, 0, 0,
                           "needs fingerprint, spec_sha256, columns, inputs and cubes");
        goto fail;
    }
    memcpy(c->spec_sha, spec_sha, 65);
    if (dupstr(&c->dir, dir) || dupstr(&c->weight, jstr(doc, "weight")) ||
        dupstr(&c->format, jstr(doc, "format")) || dupstr(&c->origin, jstr(doc, "origin")) ||
        dupstr(&c->dialect, jstr(doc, "dialect")) || dupstr(&c->table, jstr(doc, "table")))
        goto oom;
    if (!(c->schema = iaf_calloc(json_array_size(cols) + 1, sizeof *c->schema))) goto oom;
    c->nschema = json_array_size(cols);
    for (size_t i = 0; i < c->nschema; i++) {
        const char *s = json_string_value(json_array_get(cols, i));
        if (!s) {
            st = iaf_error_set(err, IAF_ERR_PARSE, mpath, 0, 0, "columns[%zu]: expected a string",
                               i);
            goto fail;
        }
        if (!(c->schema[i] = iaf_strdup(s))) goto oom;
    }
    for (size_t i = 0; i < json_array_size(inputs); i++) {
        json_t *in = json_array_get(inputs, i);
        const char *p = jstr(in, "path"), *h = jstr(in, "sha256");
        if (!p || !h || strlen(h) != 64) {
            st = iaf_error_set(err, IAF_ERR_PARSE, mpath, 0, 0,
                               "inputs[%zu]: needs path and sha256", i);
            goto fail;
        }
        if (iaf_cubes_add_input(c, p, h) != 0) goto oom;
    }
    if ((st = defs_from_manifest(cubes, mpath, &defs, &files, err)) != IAF_OK) goto fail;
    c->rc = defs;
    iaf_cubes_set_fingerprint(c);
    c->rc = NULL;
    if (strcmp(c->fingerprint, fp) != 0) {
        st = iaf_error_set(err, IAF_ERR_PARSE, mpath, 0, 0,
                           "the fingerprint does not match the manifest's contents (edited?)");
        goto fail;
    }
    /* the counts: iaf's own files, or an engine's output of a plan */
    if (builder_init(&b, defs) != 0) goto oom;
    for (size_t k = 0; k < defs->ncubes; k++) {
        char **list = NULL;
        size_t n = 0;
        int pq = 0;
        if ((st = cube_files(dir, files[k], &list, &n, &pq, err)) != IAF_OK) goto fail;
        cube_reader r = {&b, k, defs, c->weight != NULL, NULL, 0};
        if (pq) {
            st = read_parquet(list, n, &r, err);
        } else {
            for (size_t i = 0; i < n && st == IAF_OK; i++) {
                r.file = list[i];
                r.header_seen = 0;
                st = read_csv(list[i], csv_record, &r, err);
            }
        }
        for (size_t i = 0; i < n; i++)
            iaf_free(list[i]);
        iaf_free(list);
        if (st != IAF_OK) goto fail;
    }
    if ((st = builder_finish(&b, c->weight != NULL, mpath, &c->rc, err)) != IAF_OK) goto fail;
    memcpy(c->fingerprint, fp, 65);
    c->rows = c->rc->nrows;
    if (json_is_integer(rows) && json_integer_value(rows) != c->rows) {
        st = iaf_error_set(err, IAF_ERR_PARSE, mpath, 0, 0,
                           "the manifest counts %lld rows, the cubes %lld: a file is missing or "
                           "was changed",
                           (long long)json_integer_value(rows), (long long)c->rows);
        goto fail;
    }
    c->nshards = json_is_integer(shards) && json_integer_value(shards) > 0
                     ? (size_t)json_integer_value(shards)
                     : 1;
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
fail:
    iaf_cubes_free(c);
    c = NULL;
done:
    builder_free(&b);
    if (files)
        for (size_t k = 0; defs && k < defs->ncubes; k++)
            iaf_free(files[k]);
    iaf_free(files);
    iaf_rawcount_free(defs);
    if (doc) json_decref(doc);
    iaf_buf_free(&text);
    iaf_free(mpath);
    *out = c;
    return st;
}
