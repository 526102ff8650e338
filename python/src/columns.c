/* columns.c - see columns.h. Runs on libiaf's worker threads without the
 * GIL: nothing here touches a Python object. */
#include "columns.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_ROWS 4096

void *xs_alloc(xsource *s, size_t n, size_t size)
{
    if (s->nowned == s->owned_cap) {
        size_t cap = s->owned_cap ? 2 * s->owned_cap : 16;
        void **o = realloc(s->owned, cap * sizeof *o);
        if (!o) return NULL;
        s->owned = o;
        s->owned_cap = cap;
    }
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p) s->owned[s->nowned++] = p;
    return p;
}

char *xs_strdup(xsource *s, const char *str)
{
    size_t n = strlen(str);
    char *p = xs_alloc(s, n + 1, 1);
    if (p) memcpy(p, str, n + 1);
    return p;
}

xchunk *xs_add_chunk(xsource *s)
{
    if (s->nchunks == s->chunk_cap) {
        size_t cap = s->chunk_cap ? 2 * s->chunk_cap : 8;
        xchunk *c = realloc(s->chunks, cap * sizeof *c);
        if (!c) return NULL;
        s->chunks = c;
        s->chunk_cap = cap;
    }
    xchunk *ch = &s->chunks[s->nchunks];
    memset(ch, 0, sizeof *ch);
    if (!(ch->cols = xs_alloc(s, s->ncols, sizeof *ch->cols))) return NULL;
    s->nchunks++;
    return ch;
}

int xs_make_parts(xsource *s, int64_t rows)
{
    size_t n = 0;
    for (size_t c = 0; c < s->nchunks; c++)
        n += s->chunks[c].nrows ? (size_t)((s->chunks[c].nrows + rows - 1) / rows) : 0;
    s->parts = xs_alloc(s, n, sizeof *s->parts);
    if (!s->parts) return -1;
    s->nparts = 0;
    for (size_t c = 0; c < s->nchunks; c++)
        for (int64_t lo = 0; lo < s->chunks[c].nrows; lo += rows) {
            int64_t hi = lo + rows < s->chunks[c].nrows ? lo + rows : s->chunks[c].nrows;
            s->parts[s->nparts++] = (xpart){c, lo, hi};
        }
    return 0;
}

void xs_clear(xsource *s)
{
    for (size_t i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->chunks);
    memset(s, 0, sizeof *s);
}

uint64_t xs_dict_id(void)
{
    static atomic_uint_fast64_t next = 1;
    return atomic_fetch_add(&next, 1);
}

static inline int bit(const uint8_t *bm, int64_t i)
{
    return (bm[i >> 3] >> (i & 7)) & 1;
}

/* Element i of an integer array of width w. */
static inline int64_t get_int(const void *p, int w, int uns, int64_t i, int *too_big)
{
    switch (w) {
    case 1:
        return uns ? (int64_t)((const uint8_t *)p)[i] : (int64_t)((const int8_t *)p)[i];
    case 2:
        return uns ? (int64_t)((const uint16_t *)p)[i] : (int64_t)((const int16_t *)p)[i];
    case 4:
        return uns ? (int64_t)((const uint32_t *)p)[i] : (int64_t)((const int32_t *)p)[i];
    default:
        if (uns) {
            uint64_t v = ((const uint64_t *)p)[i];
            if (v > INT64_MAX) *too_big = 1;
            return (int64_t)v;
        }
        return ((const int64_t *)p)[i];
    }
}

typedef struct scratch {
    iaf_sv *sv;
    int64_t *i64; /* also the uint32 indices and the doubles */
    uint8_t *valid;
} scratch;

static const iaf_sv bool_dict[2] = {{"false", 5}, {"true", 4}};
static const iaf_sv null_dict[1] = {{"", 0}};

/* Rows [r, r + n) of the chunk's column c as an iaf_column. */
static iaf_status fill(const xsource *s, const xchunk *ch, const xcol *c, const char *colname,
                       int64_t r, size_t n, iaf_column *out, scratch *sc, iaf_error *err)
{
    memset(out, 0, sizeof *out);
    int64_t o = c->off + r;
    int too_big = 0;
    switch (c->kind) {
    case XK_SV:
        out->kind = IAF_COL_STR;
        out->str = c->sv + r;
        return IAF_OK;
    case XK_CODES: {
        out->kind = IAF_COL_DICT;
        out->dict = c->dict;
        out->ndict = c->ndict;
        out->dict_id = c->dict_id;
        if (c->width == 4 && !c->bitmap && !c->validb) {
            /* int32 codes as they are: -1 (pandas' null) reads as IAF_NULL_INDEX */
            out->idx = (const uint32_t *)c->data + o;
            return IAF_OK;
        }
        uint32_t *idx = (uint32_t *)sc->i64;
        for (size_t i = 0; i < n; i++) {
            int64_t v = get_int(c->data, c->width, c->is_unsigned, o + (int64_t)i, &too_big);
            int null = v < 0 || (c->bitmap && !bit(c->bitmap, o + (int64_t)i)) ||
                       (c->validb && !c->validb[r + (int64_t)i]);
            /* an index out of range is reported by the counter, located by its row */
            idx[i] = null                       ? IAF_NULL_INDEX
                     : v >= (int64_t)UINT32_MAX ? UINT32_MAX - 1
                                                : (uint32_t)v;
        }
        out->idx = idx;
        return IAF_OK;
    }
    case XK_INT:
        out->kind = IAF_COL_I64;
        if (c->width == 8 && !c->is_unsigned && !c->bitmap) {
            out->i64 = (const int64_t *)c->data + o;
            out->valid = c->validb ? c->validb + r : NULL;
            return IAF_OK;
        }
        for (size_t i = 0; i < n; i++) {
            sc->i64[i] = get_int(c->data, c->width, c->is_unsigned, o + (int64_t)i, &too_big);
            sc->valid[i] = !(c->bitmap && !bit(c->bitmap, o + (int64_t)i)) &&
                           !(c->validb && !c->validb[r + (int64_t)i]);
        }
        if (too_big)
            return iaf_error_set(err, IAF_ERR_UNSUPPORTED, s->name, 0, 0,
                                 "column '%s': an unsigned 64-bit value above 2^63-1 (rows %lld "
                                 "to %lld)",
                                 colname, (long long)(ch->first_row + r + 1),
                                 (long long)(ch->first_row + r + (int64_t)n));
        out->i64 = sc->i64;
        out->valid = sc->valid;
        return IAF_OK;
    case XK_FLOAT: {
        double *f = (double *)sc->i64;
        for (size_t i = 0; i < n; i++) {
            double v = c->width == 4 ? (double)((const float *)c->data)[o + (int64_t)i]
                                     : ((const double *)c->data)[o + (int64_t)i];
            f[i] = v;
            sc->valid[i] = !isnan(v) && !(c->bitmap && !bit(c->bitmap, o + (int64_t)i)) &&
                           !(c->validb && !c->validb[r + (int64_t)i]);
        }
        out->kind = IAF_COL_F64;
        out->f64 = f;
        out->valid = sc->valid;
        return IAF_OK;
    }
    case XK_STR32:
    case XK_STR64:
        for (size_t i = 0; i < n; i++) {
            int64_t k = o + (int64_t)i;
            if (c->bitmap && !bit(c->bitmap, k)) {
                sc->sv[i] = (iaf_sv){NULL, 0};
                continue;
            }
            int64_t a, b;
            if (c->kind == XK_STR32) {
                a = ((const int32_t *)c->data)[k];
                b = ((const int32_t *)c->data)[k + 1];
            } else {
                a = ((const int64_t *)c->data)[k];
                b = ((const int64_t *)c->data)[k + 1];
            }
            if (b < a)
                return iaf_error_set(err, IAF_ERR_PARSE, s->name, 0, 0,
                                     "column '%s', row %lld: string offsets decrease", colname,
                                     (long long)(ch->first_row + r + (int64_t)i + 1));
            sc->sv[i] = (iaf_sv){c->chars ? c->chars + a : "", (size_t)(b - a)};
        }
        out->kind = IAF_COL_STR;
        out->str = sc->sv;
        return IAF_OK;
    case XK_BOOLBITS: {
        uint32_t *idx = (uint32_t *)sc->i64;
        for (size_t i = 0; i < n; i++) {
            int64_t k = o + (int64_t)i;
            idx[i] = c->bitmap && !bit(c->bitmap, k) ? IAF_NULL_INDEX
                                                     : (uint32_t)bit((const uint8_t *)c->data, k);
        }
        out->kind = IAF_COL_DICT;
        out->dict = bool_dict;
        out->ndict = 2;
        out->idx = idx;
        return IAF_OK;
    }
    case XK_NULL: {
        uint32_t *idx = (uint32_t *)sc->i64;
        for (size_t i = 0; i < n; i++)
            idx[i] = IAF_NULL_INDEX;
        out->kind = IAF_COL_DICT;
        out->dict = null_dict;
        out->ndict = 1;
        out->idx = idx;
        return IAF_OK;
    }
    case XK_BAD:
        break;
    }
    return iaf_error_set(err, IAF_ERR_UNSUPPORTED, s->name, 0, 0, "column '%s': %s", colname,
                         c->why[0] ? c->why : "a type iaf does not count");
}

iaf_status xs_read_part(void *ctx, size_t part, const size_t *proj, size_t nproj,
                        iaf_emit_batch_fn emit, void *emit_ctx, iaf_error *err)
{
    const xsource *s = ctx;
    const xpart *p = &s->parts[part];
    const xchunk *ch = &s->chunks[p->chunk];
    iaf_status st = IAF_OK;
    scratch *sc = calloc(nproj ? nproj : 1, sizeof *sc);
    iaf_column *cols = calloc(nproj ? nproj : 1, sizeof *cols);
    if (!sc || !cols) goto oom;
    for (size_t j = 0; j < nproj; j++) {
        sc[j].sv = malloc(BATCH_ROWS * sizeof *sc[j].sv);
        sc[j].i64 = malloc(BATCH_ROWS * sizeof *sc[j].i64);
        sc[j].valid = malloc(BATCH_ROWS);
        if (!sc[j].sv || !sc[j].i64 || !sc[j].valid) goto oom;
    }
    for (int64_t r = p->lo; r < p->hi && st == IAF_OK; r += BATCH_ROWS) {
        size_t n = (size_t)(p->hi - r < BATCH_ROWS ? p->hi - r : BATCH_ROWS);
        for (size_t j = 0; j < nproj && st == IAF_OK; j++)
            st = fill(s, ch, &ch->cols[proj[j]], s->names[proj[j]], r, n, &cols[j], &sc[j], err);
        if (st != IAF_OK) break;
        iaf_batch b = {n, nproj, cols, NULL, 0, (long long)(ch->first_row + r)};
        st = emit(emit_ctx, &b, err);
    }
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, s->name, 0, 0, "out of memory");
done:
    for (size_t j = 0; sc && j < nproj; j++) {
        free(sc[j].sv);
        free(sc[j].i64);
        free(sc[j].valid);
    }
    free(sc);
    free(cols);
    return st;
}
