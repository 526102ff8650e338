/* The Parquet reader (iaf_parquet_reader): footer at open, projection onto
 * flat leaf columns, and row-group scans that stream pages into batches.
 *
 * A scan of one row group reads each projected column chunk with one pread
 * and then walks its pages lazily: levels and dictionary indices are decoded
 * incrementally, batch by batch, so memory is the compressed chunks plus one
 * decompressed page per column, whatever the row count. Only the DELTA_*
 * encodings are decoded a page at a time, with a cap relative to page size.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/parquet/parquet.h"
#include "io/reader.h"
#include "util/suggest.h"
#include "util/util.h"

/* Caps on sizes read from the file, beyond "fits in the file". */
#define PAGE_CAP ((size_t)1 << 30) /* one decompressed page */

static atomic_uint_fast64_t next_dict_id = 1;

/* Buffers of one column kept between row groups: the column chunk and the
 * batch columns. Allocating them afresh for every row group and column cost
 * page faults and zeroing each time (a fifth of a pair count's reader time). */
typedef struct pq_colbuf {
    unsigned char *chunk;
    size_t chunk_cap;
    uint32_t *idx, *lv, *tmp;
    iaf_sv *str;
    int64_t *i64;
    double *f64;
    uint8_t *valid;
} pq_colbuf;

/* One scan's buffers: taken from the reader's pool by a row-group scan and
 * given back at its end, so each worker thread reuses one set. */
typedef struct pq_scratch {
    struct pq_scratch *next;
    pq_colbuf *cb;
    size_t ncb;
    void *zctx; /* decompression context (zstd) */
} pq_scratch;

typedef struct pq_reader {
    pthread_mutex_t pool_mu;
    pq_scratch *pool;
    iaf_file *f;
    const char *fname;
    iaf_pq_meta *m;
    size_t batch_rows;
    size_t *proj; /* leaf index per projected column */
    iaf_pq_conv *conv;
    size_t nproj;
    int64_t *rg_first_row;
} pq_reader;

/* ---- per-column scan state ---- */

enum { KIND_DICT = 1, KIND_PLAIN = 2 };

typedef struct pq_col {
    pq_reader *r;
    const iaf_pq_schema *s;
    const iaf_pq_chunk *ch;
    const iaf_pq_conv *cv;
    const char *name;
    int max_def;
    int type, type_length;
    size_t rg;
    unsigned char *chunk;
    size_t chunk_cap;           /* bytes allocated at chunk */
    pq_colbuf *cb;              /* where the buffers go back (NULL: freed) */
    void **zctx;                /* decompression context of the scan, or NULL */
    unsigned char **old_chunks; /* replaced by extend_chunk; the dictionary may point in */
    size_t nold, cap_old;
    size_t chunk_len;
    uint64_t chunk_off;
    size_t pos;  /* next page header within chunk */
    int page_no; /* pages seen, for messages */
    uint64_t page_hdr_off;
    int64_t rows_done; /* rows of the row group decoded so far */
    int64_t rg_rows;

    /* dictionary */
    int has_dict;
    unsigned char *dict_page;
    iaf_sv *dict_sv;
    int64_t *dict_i64;
    double *dict_f64;
    size_t ndict;
    uint64_t dict_id;
    iaf_arena dict_arena;

    /* current data page */
    int in_page;
    unsigned char *page_buf; /* decompressed page, owned (NULL when pointing into chunk) */
    int64_t page_left;       /* rows left in the page */
    int encoding;
    int kind;
    iaf_pq_rle def;
    int has_def;
    const unsigned char *vp, *vend; /* values section */
    iaf_pq_rle idx_dec;             /* dictionary indices / RLE booleans */
    int bool_bit;                   /* PLAIN booleans: next bit */
    size_t bss_n, bss_i;            /* BYTE_STREAM_SPLIT: values, next value */
    iaf_sv *delta_sv;               /* DELTA_LENGTH/DELTA_BYTE_ARRAY values */
    int64_t *delta_i64;             /* DELTA_BINARY_PACKED values */
    size_t delta_n, delta_i;
    unsigned char *delta_buf; /* DELTA_BYTE_ARRAY reconstructed bytes */
    unsigned char *lev_buf;   /* legacy BIT_PACKED levels re-encoded for c->def; page-lived */

    /* pages retired while their rows may still be in the batch */
    unsigned char **retired;
    size_t nretired, cap_retired;

    /* batch output */
    int bkind; /* kind of the rows in the batch buffers */
    size_t bn; /* rows in the batch buffers */
    uint32_t *idx;
    iaf_sv *str;
    int64_t *i64;
    double *f64;
    uint8_t *valid;
    int any_null;
    uint32_t *lv;  /* scratch: levels */
    uint32_t *tmp; /* scratch: dense indices */
    iaf_arena text;
    int text_used;
} pq_col;

static iaf_status col_err(pq_col *c, iaf_error *err, iaf_status st, uint64_t off, const char *fmt,
                          ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static iaf_status col_err(pq_col *c, iaf_error *err, iaf_status st, uint64_t off, const char *fmt,
                          ...)
{
    char where[256], msg[768];
    if (c->page_no > 0)
        snprintf(where, sizeof where, "row group %zu, column '%s', page %d", c->rg, c->name,
                 c->page_no - 1);
    else
        snprintf(where, sizeof where, "row group %zu, column '%s'", c->rg, c->name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return iaf_error_set_at(err, st, c->r->fname, (long long)off, where, "%s", msg);
}

static int bit_width(int v)
{
    int w = 0;
    while (v > 0) {
        w++;
        v >>= 1;
    }
    return w;
}

/* Keep a page's buffer alive until the batch is consumed; out of memory
 * leaves it where it is (col_free frees it) and returns -1. */
static int retire(pq_col *c, void **buf)
{
    if (!*buf) return 0;
    if (IAF_GROW(c->retired, c->cap_retired, c->nretired + 1)) return -1;
    c->retired[c->nretired++] = *buf;
    *buf = NULL;
    return 0;
}

static void free_retired(pq_col *c)
{
    for (size_t i = 0; i < c->nretired; i++)
        iaf_free(c->retired[i]);
    c->nretired = 0;
}

static int end_page(pq_col *c)
{
    /* the page's bytes may still be referenced by rows waiting in the batch */
    void *pb = c->page_buf, *db = c->delta_buf, *ds = c->delta_sv;
    int rc = retire(c, &pb) || retire(c, &db) || retire(c, &ds) ? -1 : 0;
    c->page_buf = pb;
    c->delta_buf = db;
    c->delta_sv = ds;
    if (rc) return -1;
    /* levels are decoded into c->lv before rows are emitted: nothing in the batch points here */
    iaf_free(c->lev_buf);
    c->lev_buf = NULL;
    iaf_free(c->delta_i64);
    c->delta_i64 = NULL;
    c->in_page = 0;
    return 0;
}

static void col_free(pq_col *c)
{
    /* nothing reads the page any more: free it without retiring (which allocates) */
    iaf_free(c->page_buf);
    iaf_free(c->delta_buf);
    iaf_free(c->delta_sv);
    iaf_free(c->lev_buf);
    iaf_free(c->delta_i64);
    c->page_buf = c->delta_buf = c->lev_buf = NULL;
    c->delta_sv = NULL;
    c->delta_i64 = NULL;
    free_retired(c);
    iaf_free(c->retired);
    pq_colbuf *cb = c->cb;
    if (cb) {
        /* back to the scan's scratch: the next row group reuses them */
#define GIVE_BACK(f)                                                                               \
    do {                                                                                           \
        if (c->f && !cb->f) {                                                                      \
            cb->f = c->f;                                                                          \
            c->f = NULL;                                                                           \
        }                                                                                          \
    } while (0)
        if (c->chunk && !cb->chunk) {
            cb->chunk = c->chunk;
            cb->chunk_cap = c->chunk_cap;
            c->chunk = NULL;
        }
        GIVE_BACK(idx);
        GIVE_BACK(str);
        GIVE_BACK(i64);
        GIVE_BACK(f64);
        GIVE_BACK(valid);
        GIVE_BACK(lv);
        GIVE_BACK(tmp);
#undef GIVE_BACK
    }
    iaf_free(c->chunk);
    for (size_t i = 0; i < c->nold; i++)
        iaf_free(c->old_chunks[i]);
    iaf_free(c->old_chunks);
    iaf_free(c->dict_page);
    iaf_free(c->dict_sv);
    iaf_free(c->dict_i64);
    iaf_free(c->dict_f64);
    iaf_arena_free(&c->dict_arena);
    iaf_free(c->idx);
    iaf_free(c->str);
    iaf_free(c->i64);
    iaf_free(c->f64);
    iaf_free(c->valid);
    iaf_free(c->lv);
    iaf_free(c->tmp);
    iaf_arena_free(&c->text);
}

static size_t type_width(int type, int type_length)
{
    switch (type) {
    case PQ_INT32:
    case PQ_FLOAT:
        return 4;
    case PQ_INT64:
    case PQ_DOUBLE:
        return 8;
    case PQ_INT96:
        return 12;
    case PQ_FLBA:
        return type_length > 0 ? (size_t)type_length : 0;
    default:
        return 0;
    }
}

static int32_t rd_le32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24);
}

static int64_t rd_le64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return (int64_t)v;
}

static double rd_f32(const unsigned char *p)
{
    uint32_t u = (uint32_t)rd_le32(p);
    float f;
    memcpy(&f, &u, 4);
    return (double)f;
}

static double rd_f64(const unsigned char *p)
{
    int64_t u = rd_le64(p);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* Value of one fixed-width plain value (or a FLBA view) for numeric presentation. */
static int64_t as_i64(const pq_col *c, const unsigned char *p)
{
    if (c->type == PQ_INT32)
        return c->cv->conv == PQ_CONV_UINT32 ? (int64_t)(uint32_t)rd_le32(p) : rd_le32(p);
    return rd_le64(p);
}

static double as_f64(const pq_col *c, const unsigned char *p)
{
    if (c->type == PQ_FLOAT) return rd_f32(p);
    if (c->type == PQ_DOUBLE) return rd_f64(p);
    return iaf_pq_half_to_double((uint16_t)(p[0] | p[1] << 8));
}

/* Text view of one value for STR presentation; renders into arena unless raw. */
static int as_sv(pq_col *c, iaf_arena *a, const unsigned char *p, size_t len, iaf_sv *out)
{
    if (c->cv->conv == PQ_CONV_RAW) {
        out->ptr = len ? (const char *)p : "";
        out->len = len;
        return 0;
    }
    if (c->cv->conv == PQ_CONV_NULL) {
        out->ptr = NULL;
        out->len = 0;
        return 0;
    }
    char tmpbuf[160];
    size_t need = iaf_pq_text_max(len);
    char *buf = iaf_arena_alloc(a, need);
    if (!buf) return -1;
    (void)tmpbuf;
    out->len = iaf_pq_render(c->cv, c->type, p, len, buf);
    out->ptr = buf;
    return 0;
}

/* ---- reading pages ---- */

typedef struct page_in {
    iaf_pq_page_header h;
    const unsigned char *data; /* page body as stored */
    size_t data_len;
} page_in;

/* Some writers (old parquet-mr) under-report total_compressed_size, so the
 * last page runs past the announced chunk end. Read further, up to the
 * footer, into a new buffer; the old one stays alive while batch rows may
 * point into it. Returns 0 when the chunk now holds at least want bytes. */
static int extend_chunk(pq_col *c, size_t want)
{
    uint64_t limit = c->r->m->footer_offset;
    if (want <= c->chunk_len) return 0;
    if (c->chunk_off >= limit) return -1;
    if (want > limit - c->chunk_off) want = (size_t)(limit - c->chunk_off);
    if (want <= c->chunk_len || want > IAF_ALLOC_CAP) return -1;
    unsigned char *nb = iaf_malloc(want);
    if (!nb) return -1;
    memcpy(nb, c->chunk, c->chunk_len);
    if (iaf_file_pread(c->r->f, nb + c->chunk_len, want - c->chunk_len, c->chunk_off + c->chunk_len,
                       NULL)) {
        iaf_free(nb);
        return -1;
    }
    if (IAF_GROW(c->old_chunks, c->cap_old, c->nold + 1)) {
        iaf_free(nb);
        return -1;
    }
    c->old_chunks[c->nold++] = c->chunk;
    c->chunk = nb;
    c->chunk_len = want;
    c->chunk_cap = want;
    return 0;
}

static iaf_status next_header(pq_col *c, page_in *pg, iaf_error *err)
{
    char msg[256];
    size_t used = 0;
    c->page_hdr_off = c->chunk_off + c->pos;
    c->page_no++;
    while (iaf_pq_page_header_parse(c->chunk + c->pos, c->chunk_len - c->pos, &pg->h, &used, msg,
                                    sizeof msg)) {
        /* a header cut by an under-reported chunk size: retry with more bytes */
        if (c->chunk_len - c->pos >= 4096 || extend_chunk(c, c->pos + 4096) != 0)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "%s", msg);
    }
    const iaf_pq_page_header *h = &pg->h;
    if (h->compressed_size < 0 || h->uncompressed_size < 0)
        return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                       "negative page size (compressed %d, uncompressed %d)", h->compressed_size,
                       h->uncompressed_size);
    if ((size_t)h->compressed_size > c->chunk_len - c->pos - used && c->rows_done < c->rg_rows)
        (void)extend_chunk(c, c->pos + used + (size_t)h->compressed_size);
    if ((size_t)h->compressed_size > c->chunk_len - c->pos - used)
        return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                       "page of %d bytes extends beyond the column chunk (%zu bytes left)",
                       h->compressed_size, c->chunk_len - c->pos - used);
    if ((size_t)h->uncompressed_size > PAGE_CAP)
        return col_err(c, err, IAF_ERR_LIMIT, c->page_hdr_off,
                       "page uncompressed size %d exceeds the cap", h->uncompressed_size);
    pg->data = c->chunk + c->pos + used;
    pg->data_len = (size_t)h->compressed_size;
    c->pos += used + (size_t)h->compressed_size;
    return IAF_OK;
}

/* Decompress (or borrow) len bytes of page body into a buffer of ulen. */
static iaf_status page_body(pq_col *c, const unsigned char *src, size_t len, size_t ulen,
                            int compressed, unsigned char **owned, const unsigned char **out,
                            iaf_error *err)
{
    *owned = NULL;
    if (!compressed || c->ch->codec == PQ_CODEC_UNCOMPRESSED) {
        if (len != ulen && !(compressed == 0 && len >= ulen))
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "uncompressed page: stored size %zu differs from uncompressed size %zu",
                           len, ulen);
        *out = src;
        return IAF_OK;
    }
    unsigned char *buf = iaf_malloc(ulen ? ulen : 1);
    if (!buf) return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
    if (ulen == 0 && len == 0) {
        *owned = buf;
        *out = buf;
        return IAF_OK;
    }
    char msg[256];
    iaf_status st =
        iaf_pq_decompress_ctx(c->zctx, c->ch->codec, src, len, buf, ulen, msg, sizeof msg);
    if (st) {
        iaf_free(buf);
        return col_err(c, err, st, c->page_hdr_off, "%s", msg);
    }
    *owned = buf;
    *out = buf;
    return IAF_OK;
}

/* Decode PLAIN values of the dictionary page. */
static iaf_status load_dict(pq_col *c, page_in *pg, iaf_error *err)
{
    const iaf_pq_page_header *h = &pg->h;
    if (c->has_dict)
        return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "second dictionary page");
    if (c->rows_done > 0)
        return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "dictionary page after data pages");
    if (h->num_values < 0)
        return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                       "dictionary page has a negative number of values (%d)", h->num_values);
    if (h->encoding != PQ_ENC_PLAIN && h->encoding != PQ_ENC_PLAIN_DICTIONARY && h->encoding != -1)
        return col_err(c, err, IAF_ERR_UNSUPPORTED, c->page_hdr_off,
                       "unsupported: dictionary page encoding %s",
                       iaf_pq_encoding_name(h->encoding));
    const unsigned char *body;
    iaf_status st = page_body(c, pg->data, pg->data_len, (size_t)h->uncompressed_size, 1,
                              &c->dict_page, &body, err);
    if (st) return st;
    size_t len = (size_t)h->uncompressed_size, n = (size_t)h->num_values;
    size_t w = type_width(c->type, c->type_length);
    if (c->type == PQ_BOOLEAN) {
        if (n > len * 8)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "dictionary page holds fewer values than its header says (%zu)", n);
    } else if (c->type == PQ_BYTE_ARRAY) {
        if (n > len / 4)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "dictionary page holds fewer values than its header says (%zu)", n);
    } else if (w == 0 || n > len / w) {
        return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                       "dictionary page holds fewer values than its header says (%zu)", n);
    }
    c->has_dict = 1;
    c->ndict = n;
    c->dict_id = atomic_fetch_add(&next_dict_id, 1);
    int pres = c->cv->pres;
    if (pres == PQ_PRES_I64)
        c->dict_i64 = iaf_calloc(n ? n : 1, sizeof *c->dict_i64);
    else if (pres == PQ_PRES_F64)
        c->dict_f64 = iaf_calloc(n ? n : 1, sizeof *c->dict_f64);
    else
        c->dict_sv = iaf_calloc(n ? n : 1, sizeof *c->dict_sv);
    if (!c->dict_i64 && !c->dict_f64 && !c->dict_sv)
        return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p;
        size_t vl;
        unsigned char bval;
        if (c->type == PQ_BYTE_ARRAY) {
            if (len - off < 4) goto trunc;
            uint32_t l = (uint32_t)rd_le32(body + off);
            off += 4;
            if (l > len - off) goto trunc;
            p = body + off;
            vl = l;
            off += l;
        } else if (c->type == PQ_BOOLEAN) {
            bval = (body[i >> 3] >> (i & 7)) & 1;
            p = &bval;
            vl = 1;
        } else {
            p = body + i * w;
            vl = w;
        }
        if (pres == PQ_PRES_I64)
            c->dict_i64[i] = as_i64(c, p);
        else if (pres == PQ_PRES_F64)
            c->dict_f64[i] = as_f64(c, p);
        else if (as_sv(c, &c->dict_arena, p, vl, &c->dict_sv[i]))
            return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
        else if (!c->dict_sv[i].ptr)
            c->dict_sv[i].ptr = ""; /* dictionaries carry no nulls */
    }
    if (c->dict_page && c->cv->conv != PQ_CONV_RAW) {
        /* rendered text lives in dict_arena; the raw page is no longer needed */
        iaf_free(c->dict_page);
        c->dict_page = NULL;
    }
    return IAF_OK;
trunc:
    return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "truncated dictionary page");
}

static iaf_status start_values(pq_col *c, int encoding, size_t nvalues_max, iaf_error *err);

/* Set up decoding of a data page (v1 or v2). */
static iaf_status load_data(pq_col *c, page_in *pg, iaf_error *err)
{
    const iaf_pq_page_header *h = &pg->h;
    int v2 = h->type == PQ_PAGE_DATA_V2;
    if ((v2 && !h->has_v2) || (!v2 && !h->has_data))
        return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "data page without its header");
    if (h->num_values < 0)
        return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "negative number of values (%d)",
                       h->num_values);
    if (h->num_values > c->rg_rows - c->rows_done)
        return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                       "page has %d values but only %lld rows of the row group remain",
                       h->num_values, (long long)(c->rg_rows - c->rows_done));
    size_t nv = (size_t)h->num_values;
    size_t ulen = (size_t)h->uncompressed_size;
    const unsigned char *body;
    const unsigned char *lev = NULL;
    size_t lev_len = 0;
    iaf_status st;
    if (v2) {
        if (h->def_len < 0 || h->rep_len < 0 ||
            (size_t)h->def_len + (size_t)h->rep_len > pg->data_len ||
            (size_t)h->def_len + (size_t)h->rep_len > ulen)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "bad level lengths in v2 page (definition %d, repetition %d)",
                           h->def_len, h->rep_len);
        size_t ll = (size_t)h->def_len + (size_t)h->rep_len;
        lev = pg->data + h->rep_len;
        lev_len = (size_t)h->def_len;
        st = page_body(c, pg->data + ll, pg->data_len - ll, ulen - ll, h->is_compressed,
                       &c->page_buf, &body, err);
        if (st) return st;
        c->vp = body;
        c->vend = body + (ulen - ll);
        if (c->max_def > 0) {
            iaf_pq_rle_init(&c->def, lev, lev_len, bit_width(c->max_def));
            c->has_def = 1;
        } else {
            c->has_def = 0;
        }
    } else {
        st = page_body(c, pg->data, pg->data_len, ulen, 1, &c->page_buf, &body, err);
        if (st) return st;
        const unsigned char *p = body, *end = body + ulen;
        c->has_def = 0;
        if (c->max_def > 0) {
            int w = bit_width(c->max_def);
            if (h->def_encoding == PQ_ENC_BIT_PACKED) {
                size_t nb = (nv * (size_t)w + 7) / 8;
                if (nb > (size_t)(end - p))
                    return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                                   "truncated definition levels");
                /* decode the legacy MSB-first levels now into a fresh buffer */
                uint32_t *lv = iaf_calloc(nv ? nv : 1, sizeof *lv);
                if (!lv) return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
                iaf_pq_bitpacked_msb_decode(p, nb, w, lv, nv);
                /* re-encode as a single bit-packed stream is overkill: keep as
                   8-bit RLE input by building an RLE-free literal stream */
                size_t ngroups = (nv + 7) / 8;
                unsigned char *lit = iaf_malloc(10 + ngroups * 32 + 8);
                if (!lit) {
                    iaf_free(lv);
                    return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
                }
                /* header: bit-packed run of ngroups groups of width 32 */
                size_t k = 0;
                uint64_t hv = ((uint64_t)ngroups << 1) | 1;
                do {
                    unsigned char b = hv & 0x7f;
                    hv >>= 7;
                    lit[k++] = (unsigned char)(b | (hv ? 0x80 : 0));
                } while (hv);
                memset(lit + k, 0, ngroups * 32 + 8);
                for (size_t i = 0; i < nv; i++) {
                    uint32_t v = lv[i];
                    memcpy(lit + k + i * 4, &v, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
                    lit[k + i * 4] = v & 255;
                    lit[k + i * 4 + 1] = (v >> 8) & 255;
                    lit[k + i * 4 + 2] = (v >> 16) & 255;
                    lit[k + i * 4 + 3] = v >> 24;
#endif
                }
                iaf_free(lv);
                /* not retire(): the retired list is freed whenever the batch drains, which can
                   happen mid-page, while c->def still reads this buffer */
                iaf_free(c->lev_buf);
                c->lev_buf = lit;
                iaf_pq_rle_init(&c->def, lit, k + ngroups * 32, 32);
                p += nb;
            } else {
                if (end - p < 4)
                    return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                                   "truncated definition levels");
                uint32_t l = (uint32_t)rd_le32(p);
                p += 4;
                if (l > (size_t)(end - p))
                    return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                                   "definition levels length %u exceeds the page", l);
                iaf_pq_rle_init(&c->def, p, l, w);
                p += l;
            }
            c->has_def = 1;
        }
        c->vp = p;
        c->vend = end;
    }
    c->page_left = (int64_t)nv;
    c->encoding = h->encoding;
    c->in_page = 1;
    size_t nvalues_max = nv;
    if (v2 && c->max_def > 0 && h->num_nulls >= 0 && h->num_nulls <= h->num_values)
        nvalues_max = nv - (size_t)h->num_nulls;
    return start_values(c, h->encoding, nvalues_max, err);
}

static iaf_status start_values(pq_col *c, int enc, size_t nvmax, iaf_error *err)
{
    size_t len = (size_t)(c->vend - c->vp);
    const int is_dict = enc == PQ_ENC_PLAIN_DICTIONARY || enc == PQ_ENC_RLE_DICTIONARY;
    c->kind = is_dict && c->cv->pres == PQ_PRES_STR ? KIND_DICT : KIND_PLAIN;
    if (c->cv->conv == PQ_CONV_NULL) c->kind = KIND_PLAIN;
    if (is_dict) {
        if (!c->has_dict)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "dictionary-encoded page without a dictionary page");
        if (len == 0) {
            /* all-null page: no bit width byte */
            iaf_pq_rle_init(&c->idx_dec, c->vp, 0, 0);
            return IAF_OK;
        }
        int w = c->vp[0];
        if (w > 32)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "dictionary index bit width %d is larger than 32", w);
        iaf_pq_rle_init(&c->idx_dec, c->vp + 1, len - 1, w);
        return IAF_OK;
    }
    switch (enc) {
    case PQ_ENC_PLAIN:
        c->bool_bit = 0;
        return IAF_OK;
    case PQ_ENC_RLE:
        if (c->type != PQ_BOOLEAN)
            return col_err(c, err, IAF_ERR_UNSUPPORTED, c->page_hdr_off,
                           "unsupported: RLE encoding for %s values", iaf_pq_type_name(c->type));
        if (len < 4)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "truncated RLE booleans");
        {
            uint32_t l = (uint32_t)rd_le32(c->vp);
            if (l > len - 4)
                return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                               "RLE boolean length %u exceeds the page", l);
            iaf_pq_rle_init(&c->idx_dec, c->vp + 4, l, 1);
        }
        return IAF_OK;
    case PQ_ENC_BYTE_STREAM_SPLIT: {
        size_t w = type_width(c->type, c->type_length);
        if (w == 0 || c->type == PQ_INT96)
            return col_err(c, err, IAF_ERR_UNSUPPORTED, c->page_hdr_off,
                           "unsupported: BYTE_STREAM_SPLIT for %s", iaf_pq_type_name(c->type));
        if (len % w != 0)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "BYTE_STREAM_SPLIT data of %zu bytes is not a multiple of %zu", len, w);
        c->bss_n = len / w;
        c->bss_i = 0;
        return IAF_OK;
    }
    case PQ_ENC_DELTA_BINARY_PACKED: {
        if (c->type != PQ_INT32 && c->type != PQ_INT64)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "DELTA_BINARY_PACKED for %s values", iaf_pq_type_name(c->type));
        uint64_t n;
        size_t used;
        if (iaf_pq_delta_count(c->vp, len, &n) || n > nvmax)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "bad DELTA_BINARY_PACKED header");
        c->delta_i64 = iaf_calloc(n ? (size_t)n : 1, sizeof *c->delta_i64);
        if (!c->delta_i64) return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
        if (iaf_pq_delta_decode(c->vp, len, c->delta_i64, (size_t)n, &used))
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "corrupt DELTA_BINARY_PACKED data");
        c->delta_n = (size_t)n;
        c->delta_i = 0;
        return IAF_OK;
    }
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
    case PQ_ENC_DELTA_BYTE_ARRAY: {
        if (c->type != PQ_BYTE_ARRAY && !(c->type == PQ_FLBA && enc == PQ_ENC_DELTA_BYTE_ARRAY))
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "%s for %s values",
                           iaf_pq_encoding_name(enc), iaf_pq_type_name(c->type));
        const unsigned char *p = c->vp, *end = c->vend;
        uint64_t n, n2 = 0;
        size_t used;
        int64_t *prefix = NULL, *lens = NULL;
        iaf_status st = IAF_OK;
        if (iaf_pq_delta_count(p, len, &n) || n > nvmax)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "bad %s header",
                           iaf_pq_encoding_name(enc));
        size_t nn = (size_t)n;
        if (enc == PQ_ENC_DELTA_BYTE_ARRAY) {
            prefix = iaf_calloc(nn ? nn : 1, sizeof *prefix);
            if (!prefix) return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
            if (iaf_pq_delta_decode(p, (size_t)(end - p), prefix, nn, &used)) {
                iaf_free(prefix);
                return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                               "corrupt DELTA_BYTE_ARRAY prefix lengths");
            }
            p += used;
            if (iaf_pq_delta_count(p, (size_t)(end - p), &n2) || n2 != n) {
                iaf_free(prefix);
                return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                               "DELTA_BYTE_ARRAY prefix and suffix counts differ");
            }
        }
        lens = iaf_calloc(nn ? nn : 1, sizeof *lens);
        c->delta_sv = iaf_calloc(nn ? nn : 1, sizeof *c->delta_sv);
        if (!lens || !c->delta_sv) {
            st = col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
            goto dl_done;
        }
        if (iaf_pq_delta_decode(p, (size_t)(end - p), lens, nn, &used)) {
            st = col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "corrupt %s lengths",
                         iaf_pq_encoding_name(enc));
            goto dl_done;
        }
        p += used;
        if (enc == PQ_ENC_DELTA_LENGTH_BYTE_ARRAY) {
            for (size_t i = 0; i < nn; i++) {
                if (lens[i] < 0 || (uint64_t)lens[i] > (uint64_t)(end - p)) {
                    st = col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                                 "DELTA_LENGTH_BYTE_ARRAY value %zu overruns the page", i);
                    goto dl_done;
                }
                c->delta_sv[i].ptr = lens[i] ? (const char *)p : "";
                c->delta_sv[i].len = (size_t)lens[i];
                p += lens[i];
            }
        } else {
            /* total output size, checked before allocating */
            uint64_t total = 0, prev = 0;
            for (size_t i = 0; i < nn; i++) {
                if (lens[i] < 0 || prefix[i] < 0 || (uint64_t)prefix[i] > prev) {
                    st = col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                                 "DELTA_BYTE_ARRAY value %zu has a bad prefix or suffix length", i);
                    goto dl_done;
                }
                prev = (uint64_t)prefix[i] + (uint64_t)lens[i];
                total += prev;
                if (prev > PAGE_CAP || total > PAGE_CAP) {
                    st = col_err(c, err, IAF_ERR_LIMIT, c->page_hdr_off,
                                 "DELTA_BYTE_ARRAY values exceed the size cap");
                    goto dl_done;
                }
            }
            c->delta_buf = iaf_malloc(total ? (size_t)total : 1);
            if (!c->delta_buf) {
                st = col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
                goto dl_done;
            }
            unsigned char *o = c->delta_buf;
            const unsigned char *last = NULL;
            for (size_t i = 0; i < nn; i++) {
                if ((uint64_t)lens[i] > (uint64_t)(end - p)) {
                    st = col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                                 "DELTA_BYTE_ARRAY value %zu overruns the page", i);
                    goto dl_done;
                }
                size_t pl = (size_t)prefix[i], sl = (size_t)lens[i];
                if (pl) memcpy(o, last, pl);
                if (sl) memcpy(o + pl, p, sl);
                p += sl;
                c->delta_sv[i].ptr = (pl + sl) ? (const char *)o : "";
                c->delta_sv[i].len = pl + sl;
                last = o;
                o += pl + sl;
            }
        }
        c->delta_n = nn;
        c->delta_i = 0;
    dl_done:
        iaf_free(prefix);
        iaf_free(lens);
        return st;
    }
    default:
        return col_err(c, err, IAF_ERR_UNSUPPORTED, c->page_hdr_off,
                       "unsupported: encoding %s (%d) for data pages", iaf_pq_encoding_name(enc),
                       enc);
    }
}

/* Move to a data page with rows left. Returns IAF_OK with c->in_page set, or
 * with in_page 0 when the chunk has no more rows. */
static iaf_status ensure_page(pq_col *c, iaf_error *err)
{
    while (!c->in_page || c->page_left == 0) {
        if (c->in_page && end_page(c) != 0)
            return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
        if (c->rows_done >= c->rg_rows) return IAF_OK;
        if (c->pos >= c->chunk_len)
            return col_err(c, err, IAF_ERR_PARSE, c->chunk_off + c->chunk_len,
                           "column chunk ends after %lld of %lld rows", (long long)c->rows_done,
                           (long long)c->rg_rows);
        page_in pg;
        iaf_status st = next_header(c, &pg, err);
        if (st) return st;
        switch (pg.h.type) {
        case PQ_PAGE_DICTIONARY:
            if (!pg.h.has_dict)
                return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                               "dictionary page without its header");
            st = load_dict(c, &pg, err);
            break;
        case PQ_PAGE_DATA:
        case PQ_PAGE_DATA_V2:
            st = load_data(c, &pg, err);
            break;
        default:
            break; /* index pages and unknown page types are skipped */
        }
        if (st) return st;
    }
    return IAF_OK;
}

static iaf_status bad_values(pq_col *c, iaf_error *err, const char *what)
{
    return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off, "%s", what);
}

/* Decode nn dense values of the current page into output rows given by the
 * levels (lv[i] == max_def means present). out_base is the batch row of lv[0]. */
static iaf_status decode_values(pq_col *c, size_t k, size_t nn, size_t out_base, iaf_error *err)
{
    /* levels were decoded only when some value may be missing */
    const uint32_t *lv = c->has_def && nn != k ? c->lv : NULL;
    const uint32_t maxd = (uint32_t)c->max_def;
    if (c->cv->conv == PQ_CONV_NULL) {
        /* UNKNOWN (null) logical type: every value is null whatever is stored */
        for (size_t i = 0; i < k; i++) {
            size_t row = out_base + i;
            if (c->valid) c->valid[row] = 0;
            if (c->i64) c->i64[row] = 0;
            if (c->f64) c->f64[row] = 0;
            if (c->str) c->str[row] = (iaf_sv){NULL, 0};
        }
        c->any_null = 1;
        return IAF_OK;
    }
    if (c->kind == KIND_DICT) {
        uint32_t *dst = c->idx + out_base;
        uint32_t *dense = nn == k ? dst : c->tmp;
        if (nn && iaf_pq_rle_next(&c->idx_dec, dense, nn))
            return bad_values(c, err, "truncated or corrupt dictionary indices");
        /* four independent maxima: one chain of compares was a tenth of the scan */
        uint32_t m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        size_t q = 0;
        for (; q + 4 <= nn; q += 4) {
            m0 = dense[q] > m0 ? dense[q] : m0;
            m1 = dense[q + 1] > m1 ? dense[q + 1] : m1;
            m2 = dense[q + 2] > m2 ? dense[q + 2] : m2;
            m3 = dense[q + 3] > m3 ? dense[q + 3] : m3;
        }
        for (; q < nn; q++)
            m0 = dense[q] > m0 ? dense[q] : m0;
        m0 = m1 > m0 ? m1 : m0;
        m2 = m3 > m2 ? m3 : m2;
        uint32_t mx = m2 > m0 ? m2 : m0;
        if (nn && mx >= c->ndict)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "dictionary index %u out of range (dictionary has %zu entries)", mx,
                           c->ndict);
        if (nn != k) {
            size_t j = 0;
            for (size_t i = 0; i < k; i++)
                dst[i] = lv[i] == maxd ? dense[j++] : IAF_NULL_INDEX;
        }
        return IAF_OK;
    }
    int pres = c->cv->pres;
    const int is_dict =
        c->encoding == PQ_ENC_PLAIN_DICTIONARY || c->encoding == PQ_ENC_RLE_DICTIONARY;
    size_t w = type_width(c->type, c->type_length);
    for (size_t i = 0, j = 0; i < k; i++) {
        size_t row = out_base + i;
        if (lv && lv[i] != maxd) {
            if (pres == PQ_PRES_I64) {
                c->i64[row] = 0;
                c->valid[row] = 0;
            } else if (pres == PQ_PRES_F64) {
                c->f64[row] = 0;
                c->valid[row] = 0;
            } else {
                c->str[row].ptr = NULL;
                c->str[row].len = 0;
            }
            c->any_null = 1;
            continue;
        }
        j++;
        if (c->valid) c->valid[row] = 1;
        if (is_dict) {
            uint32_t ix;
            if (iaf_pq_rle_next(&c->idx_dec, &ix, 1))
                return bad_values(c, err, "truncated or corrupt dictionary indices");
            if (ix >= c->ndict)
                return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                               "dictionary index %u out of range (dictionary has %zu entries)", ix,
                               c->ndict);
            if (pres == PQ_PRES_I64)
                c->i64[row] = c->dict_i64[ix];
            else
                c->f64[row] = c->dict_f64[ix];
            continue;
        }
        const unsigned char *p = NULL;
        size_t vl = w;
        unsigned char scratch[64];
        unsigned char bval;
        iaf_sv sv = {NULL, 0};
        int have_sv = 0;
        switch (c->encoding) {
        case PQ_ENC_PLAIN:
            if (c->type == PQ_BOOLEAN) {
                size_t byte = (size_t)c->bool_bit >> 3;
                if (byte >= (size_t)(c->vend - c->vp))
                    return bad_values(c, err, "truncated boolean values");
                bval = (c->vp[byte] >> (c->bool_bit & 7)) & 1;
                c->bool_bit++;
                if (c->bool_bit == 8) {
                    c->vp++;
                    c->bool_bit = 0;
                }
                p = &bval;
                vl = 1;
            } else if (c->type == PQ_BYTE_ARRAY) {
                if (c->vend - c->vp < 4) return bad_values(c, err, "truncated BYTE_ARRAY value");
                uint32_t l = (uint32_t)rd_le32(c->vp);
                if (l > (size_t)(c->vend - c->vp) - 4)
                    return bad_values(c, err, "BYTE_ARRAY value overruns the page");
                p = c->vp + 4;
                vl = l;
                c->vp += 4 + (size_t)l;
            } else {
                if (w == 0 || (size_t)(c->vend - c->vp) < w)
                    return bad_values(c, err, "truncated values");
                p = c->vp;
                c->vp += w;
            }
            break;
        case PQ_ENC_RLE: {
            uint32_t b;
            if (iaf_pq_rle_next(&c->idx_dec, &b, 1))
                return bad_values(c, err, "truncated RLE booleans");
            bval = b ? 1 : 0;
            p = &bval;
            vl = 1;
            break;
        }
        case PQ_ENC_BYTE_STREAM_SPLIT: {
            if (c->bss_i >= c->bss_n) return bad_values(c, err, "too few BYTE_STREAM_SPLIT values");
            unsigned char *sb = w <= sizeof scratch ? scratch : NULL;
            if (!sb) {
                sb = iaf_arena_alloc(&c->text, w);
                if (!sb) return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
            }
            for (size_t b = 0; b < w; b++)
                sb[b] = c->vp[b * c->bss_n + c->bss_i];
            c->bss_i++;
            p = sb;
            break;
        }
        case PQ_ENC_DELTA_BINARY_PACKED: {
            if (c->delta_i >= c->delta_n) return bad_values(c, err, "too few DELTA values");
            int64_t v = c->delta_i64[c->delta_i++];
            for (int b = 0; b < 8; b++)
                scratch[b] = (unsigned char)((uint64_t)v >> (8 * b));
            p = scratch;
            break;
        }
        default: /* DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY */
            if (c->delta_i >= c->delta_n) return bad_values(c, err, "too few DELTA values");
            sv = c->delta_sv[c->delta_i++];
            have_sv = 1;
            p = (const unsigned char *)sv.ptr;
            vl = sv.len;
            if (c->type == PQ_FLBA && vl != w)
                return bad_values(c, err, "FIXED_LEN_BYTE_ARRAY value of the wrong length");
            break;
        }
        (void)have_sv;
        if (pres == PQ_PRES_I64) {
            c->i64[row] = as_i64(c, p);
        } else if (pres == PQ_PRES_F64) {
            c->f64[row] = as_f64(c, p);
        } else {
            if (c->cv->conv == PQ_CONV_RAW && (p == scratch || p == &bval)) {
                /* bytes copied out of the page must outlive this call */
                unsigned char *cp = iaf_arena_alloc(&c->text, vl ? vl : 1);
                if (!cp) return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
                memcpy(cp, p, vl);
                p = cp;
            }
            if (as_sv(c, &c->text, p, vl, &c->str[row]))
                return col_err(c, err, IAF_ERR_NOMEM, c->page_hdr_off, "out of memory");
            if (c->cv->conv == PQ_CONV_NULL) c->any_null = 1;
        }
        (void)j;
    }
    return IAF_OK;
}

/* Fill the batch buffers of column c up to `want` rows, staying within one
 * kind. Returns the rows now in the buffers via c->bn. */
static iaf_status fill(pq_col *c, size_t want, iaf_error *err)
{
    while (c->bn < want) {
        iaf_status st = ensure_page(c, err);
        if (st) return st;
        if (!c->in_page) break;
        if (c->bn > 0 && c->kind != c->bkind) break;
        c->bkind = c->kind;
        size_t k = (size_t)IAF_MIN((int64_t)(want - c->bn), c->page_left);
        size_t nn = k;
        if (c->has_def && !iaf_pq_rle_skip_run(&c->def, (uint32_t)c->max_def, k)) {
            if (iaf_pq_rle_next(&c->def, c->lv, k))
                return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                               "truncated or corrupt definition levels");
            nn = 0;
            const uint32_t maxd = (uint32_t)c->max_def;
            uint32_t bad = 0;
            for (size_t i = 0; i < k; i++) {
                nn += c->lv[i] == maxd;
                bad |= c->lv[i] > maxd;
            }
            if (bad)
                return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                               "definition level above the maximum %d", c->max_def);
            if (nn != k) c->any_null = 1;
        }
        st = decode_values(c, k, nn, c->bn, err);
        if (st) return st;
        c->bn += k;
        c->page_left -= (int64_t)k;
        c->rows_done += (int64_t)k;
    }
    return IAF_OK;
}

/* Drop the first n rows of the batch buffers (they were emitted). */
static void consume(pq_col *c, size_t n)
{
    size_t rest = c->bn - n;
    if (rest) {
        if (c->idx) memmove(c->idx, c->idx + n, rest * sizeof *c->idx);
        if (c->str) memmove(c->str, c->str + n, rest * sizeof *c->str);
        if (c->i64) memmove(c->i64, c->i64 + n, rest * sizeof *c->i64);
        if (c->f64) memmove(c->f64, c->f64 + n, rest * sizeof *c->f64);
        if (c->valid) memmove(c->valid, c->valid + n, rest);
    }
    c->bn = rest;
    if (rest == 0) {
        free_retired(c);
        if (c->text_used) {
            iaf_arena_free(&c->text);
            c->text_used = 0;
        }
        c->any_null = 0;
    }
}

static iaf_status col_open(pq_reader *r, size_t rg, size_t j, pq_col *c, pq_scratch *sc,
                           iaf_error *err)
{
    const iaf_pq_meta *m = r->m;
    const iaf_pq_leaf *lf = &m->leaves[r->proj[j]];
    memset(c, 0, sizeof *c);
    c->cb = sc && j < sc->ncb ? &sc->cb[j] : NULL;
    c->zctx = sc ? &sc->zctx : NULL;
    c->r = r;
    c->rg = rg;
    c->s = &m->schema[lf->schema_index];
    c->ch = &m->rgs[rg].cols[r->proj[j]];
    c->cv = &r->conv[j];
    c->name = lf->dotted;
    c->max_def = lf->max_def;
    c->type = c->s->type;
    c->type_length = c->s->type_length;
    c->rg_rows = m->rgs[rg].num_rows;
    const iaf_pq_chunk *ch = c->ch;
    uint64_t fsize = iaf_file_size(r->f);
    if (ch->encrypted || m->encrypted)
        return col_err(c, err, IAF_ERR_UNSUPPORTED, 0, "unsupported: encrypted column");
    if (!ch->has_meta) return col_err(c, err, IAF_ERR_PARSE, 0, "column chunk has no metadata");
    if (ch->file_path && ch->file_path[0])
        return col_err(c, err, IAF_ERR_UNSUPPORTED, 0,
                       "unsupported: column chunk stored in another file ('%s')", ch->file_path);
    if (ch->type != c->type)
        return col_err(c, err, IAF_ERR_PARSE, 0,
                       "column chunk type %s differs from the schema type %s",
                       iaf_pq_type_name(ch->type), iaf_pq_type_name(c->type));
    if (c->type == PQ_FLBA && c->type_length <= 0)
        return col_err(c, err, IAF_ERR_PARSE, 0, "FIXED_LEN_BYTE_ARRAY without a positive length");
    if (c->type == PQ_FLBA && c->type_length > (1 << 24))
        return col_err(c, err, IAF_ERR_LIMIT, 0, "FIXED_LEN_BYTE_ARRAY length %d exceeds the cap",
                       c->type_length);
    int64_t start = ch->data_page_offset;
    if (ch->has_dict_offset && ch->dictionary_page_offset > 0 && ch->dictionary_page_offset < start)
        start = ch->dictionary_page_offset;
    int64_t len = ch->total_compressed;
    if (start < 0 || len < 0 || (uint64_t)start > fsize || (uint64_t)len > fsize - (uint64_t)start)
        return col_err(c, err, IAF_ERR_PARSE, start < 0 ? 0 : (uint64_t)start,
                       "column chunk range (offset %lld, %lld bytes) lies outside the file "
                       "(%llu bytes)",
                       (long long)start, (long long)len, (unsigned long long)fsize);
    if ((uint64_t)len > IAF_ALLOC_CAP)
        return col_err(c, err, IAF_ERR_LIMIT, (uint64_t)start, "column chunk exceeds the size cap");
    c->chunk_off = (uint64_t)start;
    c->chunk_len = (size_t)len;
    pq_colbuf *cb = c->cb;
    if (cb && cb->chunk && cb->chunk_cap >= c->chunk_len) {
        c->chunk = cb->chunk;
        c->chunk_cap = cb->chunk_cap;
        cb->chunk = NULL;
    } else {
        if (cb) {
            iaf_free(cb->chunk);
            cb->chunk = NULL;
        }
        /* some room for the next row group's chunk, which is rarely smaller */
        size_t cap = c->chunk_len + c->chunk_len / 8;
        if (cap > IAF_ALLOC_CAP || !cb) cap = c->chunk_len;
        c->chunk = iaf_malloc(cap ? cap : 1);
        c->chunk_cap = cap;
    }
    size_t br = r->batch_rows;
    int pres = c->cv->pres;
    /* batch buffers kept from an earlier row group, or fresh ones (each row is
     * written before it is read) */
#define TAKE(f)                                                                                    \
    do {                                                                                           \
        if (cb && cb->f) {                                                                         \
            c->f = cb->f;                                                                          \
            cb->f = NULL;                                                                          \
        } else {                                                                                   \
            c->f = iaf_calloc(br, sizeof *c->f);                                                   \
        }                                                                                          \
    } while (0)
    if (pres == PQ_PRES_I64)
        TAKE(i64);
    else if (pres == PQ_PRES_F64)
        TAKE(f64);
    else {
        TAKE(str);
        TAKE(idx);
    }
    if (pres != PQ_PRES_STR && (c->max_def > 0 || c->cv->conv == PQ_CONV_NULL)) TAKE(valid);
    TAKE(lv);
    TAKE(tmp);
#undef TAKE
    if (!c->chunk || !c->lv || !c->tmp || (pres == PQ_PRES_I64 && !c->i64) ||
        (pres == PQ_PRES_F64 && !c->f64) || (pres == PQ_PRES_STR && (!c->str || !c->idx)) ||
        ((c->max_def > 0 || c->cv->conv == PQ_CONV_NULL) && pres != PQ_PRES_STR && !c->valid))
        return col_err(c, err, IAF_ERR_NOMEM, (uint64_t)start, "out of memory");
    return iaf_file_pread(r->f, c->chunk, c->chunk_len, c->chunk_off, err);
}

/* After the last row: any further data page with values is an error. */
static iaf_status check_tail(pq_col *c, iaf_error *err)
{
    if (c->in_page && c->page_left > 0)
        return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                       "page holds more values than the row group has rows");
    while (c->pos < c->chunk_len) {
        page_in pg;
        iaf_status st = next_header(c, &pg, err);
        if (st) return st;
        if ((pg.h.type == PQ_PAGE_DATA || pg.h.type == PQ_PAGE_DATA_V2) && pg.h.num_values > 0)
            return col_err(c, err, IAF_ERR_PARSE, c->page_hdr_off,
                           "column chunk has more values than the row group's %lld rows",
                           (long long)c->rg_rows);
    }
    return IAF_OK;
}

static void colbuf_free(pq_colbuf *b)
{
    iaf_free(b->chunk);
    iaf_free(b->idx);
    iaf_free(b->lv);
    iaf_free(b->tmp);
    iaf_free(b->str);
    iaf_free(b->i64);
    iaf_free(b->f64);
    iaf_free(b->valid);
    memset(b, 0, sizeof *b);
}

static void scratch_free(pq_scratch *sc)
{
    for (size_t j = 0; j < sc->ncb; j++)
        colbuf_free(&sc->cb[j]);
    iaf_free(sc->cb);
    iaf_pq_decompress_ctx_free(sc->zctx);
    iaf_free(sc);
}

/* A scratch for a scan of np columns from the pool, or a new one; NULL when
 * memory is short (the scan then allocates as it goes). */
static pq_scratch *scratch_take(pq_reader *r, size_t np)
{
    pthread_mutex_lock(&r->pool_mu);
    pq_scratch *sc = r->pool;
    if (sc) r->pool = sc->next;
    pthread_mutex_unlock(&r->pool_mu);
    if (!sc && !(sc = iaf_calloc(1, sizeof *sc))) return NULL;
    sc->next = NULL;
    if (sc->ncb < np) {
        pq_colbuf *cb = iaf_calloc(np, sizeof *cb);
        if (!cb) {
            scratch_free(sc);
            return NULL;
        }
        /* a different projection: buffers kept for column j may not fit the new column j */
        for (size_t j = 0; j < sc->ncb; j++)
            colbuf_free(&sc->cb[j]);
        iaf_free(sc->cb);
        sc->cb = cb;
        sc->ncb = np;
    }
    return sc;
}

static void scratch_give(pq_reader *r, pq_scratch *sc)
{
    if (!sc) return;
    pthread_mutex_lock(&r->pool_mu);
    sc->next = r->pool;
    r->pool = sc;
    pthread_mutex_unlock(&r->pool_mu);
}

static iaf_status pq_read_part(void *rdv, size_t part, iaf_emit_fn emit, void *user, iaf_error *err)
{
    pq_reader *r = rdv;
    const iaf_pq_meta *m = r->m;
    if (part >= m->nrgs)
        return iaf_error_set_at(err, IAF_ERR_INVALID, r->fname, -1, "", "no row group %zu", part);
    int64_t nrows = m->rgs[part].num_rows;
    size_t np = r->nproj;
    if (nrows == 0) return IAF_OK; /* writers leave empty row groups without pages */
    pq_col *cols = iaf_calloc(np ? np : 1, sizeof *cols);
    iaf_column *bc = iaf_calloc(np ? np : 1, sizeof *bc);
    iaf_status st = IAF_OK;
    size_t opened = 0;
    int64_t row = 0;
    pq_scratch *sc = scratch_take(r, np);
    if (!cols || !bc) {
        st = iaf_error_set_at(err, IAF_ERR_NOMEM, r->fname, -1, "", "out of memory");
        goto cleanup;
    }
    for (size_t j = 0; j < np; j++) {
        opened = j + 1;
        st = col_open(r, part, j, &cols[j], sc, err);
        if (st) goto cleanup;
    }
    while (row < nrows) {
        size_t want = (size_t)IAF_MIN((int64_t)r->batch_rows, nrows - row);
        size_t n = want;
        for (size_t j = 0; j < np; j++) {
            pq_col *c = &cols[j];
            /* columns that already hold n rows (carried) need no more */
            if (c->bn < n) {
                st = fill(c, n, err);
                if (st) goto cleanup;
            }
            if (c->bn == 0) {
                st = col_err(c, err, IAF_ERR_PARSE, c->chunk_off + c->pos,
                             "column chunk ends after %lld of %lld rows", (long long)c->rows_done,
                             (long long)nrows);
                goto cleanup;
            }
            if (c->bn < n) n = c->bn;
        }
        for (size_t j = 0; j < np; j++) {
            pq_col *c = &cols[j];
            iaf_column *o = &bc[j];
            memset(o, 0, sizeof *o);
            int pres = c->cv->pres;
            if (pres == PQ_PRES_I64) {
                o->kind = IAF_COL_I64;
                o->i64 = c->i64;
                o->valid = c->any_null ? c->valid : NULL;
            } else if (pres == PQ_PRES_F64) {
                o->kind = IAF_COL_F64;
                o->f64 = c->f64;
                o->valid = c->any_null ? c->valid : NULL;
            } else if (c->bkind == KIND_DICT) {
                o->kind = IAF_COL_DICT;
                o->dict = c->dict_sv;
                o->ndict = c->ndict;
                o->dict_id = c->dict_id;
                o->idx = c->idx;
            } else {
                o->kind = IAF_COL_STR;
                o->str = c->str;
            }
        }
        iaf_batch b;
        b.nrows = n;
        b.ncols = np;
        b.cols = bc;
        b.file = r->fname;
        b.first_line = 0;
        b.first_row = r->rg_first_row[part] + row;
        st = emit(user, &b, err);
        if (st) goto cleanup;
        for (size_t j = 0; j < np; j++) {
            cols[j].text_used = 1;
            consume(&cols[j], n);
        }
        row += (int64_t)n;
    }
    for (size_t j = 0; j < np; j++) {
        st = check_tail(&cols[j], err);
        if (st) goto cleanup;
    }
cleanup:
    if (cols)
        for (size_t j = 0; j < opened; j++)
            col_free(&cols[j]);
    scratch_give(r, sc);
    iaf_free(cols);
    iaf_free(bc);
    return st;
}

/* ---- open / schema / projection ---- */

static iaf_status pq_open(iaf_file *f, const iaf_source_options *opt, void **out, iaf_error *err)
{
    *out = NULL;
    pq_reader *r = iaf_calloc(1, sizeof *r);
    if (!r) return iaf_error_set_at(err, IAF_ERR_NOMEM, iaf_file_name(f), -1, "", "out of memory");
    r->f = f;
    r->fname = iaf_file_name(f);
    pthread_mutex_init(&r->pool_mu, NULL);
    r->batch_rows = opt && opt->batch_rows ? opt->batch_rows : 4096;
    if (r->batch_rows > ((size_t)1 << 24)) r->batch_rows = (size_t)1 << 24;
    iaf_status st = iaf_pq_meta_read(f, &r->m, err);
    if (st) {
        pthread_mutex_destroy(&r->pool_mu);
        iaf_free(r);
        return st;
    }
    r->rg_first_row = iaf_calloc(r->m->nrgs ? r->m->nrgs : 1, sizeof *r->rg_first_row);
    if (!r->rg_first_row) {
        iaf_pq_meta_free(r->m);
        pthread_mutex_destroy(&r->pool_mu);
        iaf_free(r);
        return iaf_error_set_at(err, IAF_ERR_NOMEM, iaf_file_name(f), -1, "", "out of memory");
    }
    int64_t acc = 0;
    for (size_t i = 0; i < r->m->nrgs; i++) {
        r->rg_first_row[i] = acc;
        if (r->m->rgs[i].num_rows > INT64_MAX - acc) {
            char where[64];
            snprintf(where, sizeof where, "row group %zu", i);
            iaf_error_set_at(err, IAF_ERR_PARSE, r->fname, (long long)r->m->footer_offset, where,
                             "row counts overflow");
            iaf_free(r->rg_first_row);
            iaf_pq_meta_free(r->m);
            pthread_mutex_destroy(&r->pool_mu);
            iaf_free(r);
            return IAF_ERR_PARSE;
        }
        acc += r->m->rgs[i].num_rows;
    }
    *out = r;
    return IAF_OK;
}

static size_t pq_ncols(void *rdv)
{
    return ((pq_reader *)rdv)->m->ntop;
}

static const char *pq_colname(void *rdv, size_t i)
{
    const pq_reader *r = rdv;
    return i < r->m->ntop ? r->m->schema[r->m->top[i]].name : NULL;
}

#define PQ_AMBIGUOUS ((size_t)-1)

/* The top-level column called name: "#N" is the N-th column (from 1), any
 * other name must be unique. m->ntop when absent, PQ_AMBIGUOUS when several
 * columns have the name (a file may: nothing in the format forbids it, and
 * taking the first silently counted the wrong column). */
static size_t pq_find_top(const iaf_pq_meta *m, const char *name)
{
    if (name[0] == '#' && name[1] >= '1' && name[1] <= '9') {
        size_t pos = 0;
        const char *p = name + 1;
        while (*p >= '0' && *p <= '9' && pos <= m->ntop)
            pos = pos * 10 + (size_t)(*p++ - '0');
        /* a real column called "#3" still wins over the position */
        size_t found = m->ntop;
        for (size_t t = 0; t < m->ntop && found == m->ntop; t++)
            if (strcmp(m->schema[m->top[t]].name, name) == 0) found = t;
        if (found < m->ntop) return found;
        return *p == 0 && pos >= 1 && pos <= m->ntop ? pos - 1 : m->ntop;
    }
    size_t found = m->ntop;
    for (size_t t = 0; t < m->ntop; t++)
        if (strcmp(m->schema[m->top[t]].name, name) == 0) {
            if (found < m->ntop) return PQ_AMBIGUOUS;
            found = t;
        }
    return found;
}

static iaf_status pq_project(void *rdv, const char *const *names, size_t n, iaf_error *err)
{
    pq_reader *r = rdv;
    const iaf_pq_meta *m = r->m;
    size_t *proj = iaf_calloc(n ? n : 1, sizeof *proj);
    iaf_pq_conv *conv = iaf_calloc(n ? n : 1, sizeof *conv);
    if (!proj || !conv) {
        iaf_free(proj);
        iaf_free(conv);
        return iaf_error_set_at(err, IAF_ERR_NOMEM, r->fname, -1, "", "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        const char *name = names[k];
        size_t t = pq_find_top(m, name);
        iaf_status st = IAF_OK;
        if (t == PQ_AMBIGUOUS) {
            size_t first = 0, second = 0, count = 0;
            for (size_t u = 0; u < m->ntop; u++)
                if (strcmp(m->schema[m->top[u]].name, name) == 0) {
                    count++;
                    if (!first)
                        first = u + 1;
                    else if (!second)
                        second = u + 1;
                }
            iaf_free(proj);
            iaf_free(conv);
            return iaf_error_set_at(err, IAF_ERR_INVALID, r->fname, -1, "",
                                    "column name '%s' is ambiguous: %zu columns have it (%zu, "
                                    "%zu%s); name one by its position, e.g. #%zu",
                                    name, count, first, second, count > 2 ? ", ..." : "", second);
        }
        if (t < m->ntop) {
            const iaf_pq_schema *s = &m->schema[m->top[t]];
            size_t li;
            for (li = 0; li < m->nleaves; li++)
                if (m->leaves[li].schema_index == m->top[t]) break;
            if (s->num_children > 0 || s->type < 0 || li == m->nleaves) {
                st = iaf_error_set_at(
                    err, IAF_ERR_UNSUPPORTED, r->fname, -1, "",
                    "unsupported: column '%s' is nested (a %s); only flat "
                    "columns can be read",
                    name,
                    s->converted == PQ_CT_LIST || s->logical.kind == PQ_LT_LIST ? "list"
                    : s->converted == PQ_CT_MAP || s->logical.kind == PQ_LT_MAP ? "map"
                                                                                : "group");
            } else if (s->repetition == PQ_REPEATED) {
                st = iaf_error_set_at(err, IAF_ERR_UNSUPPORTED, r->fname, -1, "",
                                      "unsupported: column '%s' is nested (a repeated field); "
                                      "only flat columns can be read",
                                      name);
            } else {
                proj[k] = li;
                iaf_pq_conv_for(s, &conv[k]);
            }
        } else {
            size_t li;
            for (li = 0; li < m->nleaves; li++)
                if (strcmp(m->leaves[li].dotted, name) == 0) break;
            if (li < m->nleaves) {
                st = iaf_error_set_at(err, IAF_ERR_UNSUPPORTED, r->fname, -1, "",
                                      "unsupported: column '%s' is nested (inside a group); only "
                                      "flat columns can be read",
                                      name);
            } else {
                iaf_buf b = {0};
                const char *near = NULL;
                for (size_t i = 0; i < m->ntop; i++) {
                    const char *cand = m->schema[m->top[i]].name;
                    iaf_buf_printf(&b, "%s'%s'", i ? ", " : "", cand);
                    /* one candidate at a time: no list to allocate */
                    const char *best = near;
                    const char *two[2] = {near, cand};
                    near = iaf_suggest(name, best ? two : two + 1, best ? 2 : 1);
                    if (!near) near = best;
                }
                st = iaf_error_set_at(err, IAF_ERR_INVALID, r->fname, -1, "",
                                      "unknown column '%s'%s%s%s (the file has %s)", name,
                                      near ? "; did you mean '" : "", near ? near : "",
                                      near ? "'?" : "", b.data ? b.data : "no columns");
                iaf_buf_free(&b);
            }
        }
        if (st) {
            iaf_free(proj);
            iaf_free(conv);
            return st;
        }
    }
    iaf_free(r->proj);
    iaf_free(r->conv);
    r->proj = proj;
    r->conv = conv;
    r->nproj = n;
    return IAF_OK;
}

static size_t pq_nparts(void *rdv)
{
    return ((pq_reader *)rdv)->m->nrgs;
}

static uint64_t pq_part_bytes(void *rdv, size_t part)
{
    const pq_reader *r = rdv;
    if (part >= r->m->nrgs) return 0;
    uint64_t total = 0;
    for (size_t j = 0; j < r->nproj; j++) {
        int64_t c = r->m->rgs[part].cols[r->proj[j]].total_compressed;
        if (c > 0) total += (uint64_t)c;
    }
    return total;
}

static void pq_close(void *rdv)
{
    pq_reader *r = rdv;
    if (!r) return;
    while (r->pool) {
        pq_scratch *sc = r->pool;
        r->pool = sc->next;
        scratch_free(sc);
    }
    pthread_mutex_destroy(&r->pool_mu);
    iaf_pq_meta_free(r->m);
    iaf_free(r->proj);
    iaf_free(r->conv);
    iaf_free(r->rg_first_row);
    iaf_free(r);
}

const iaf_reader_vtable iaf_parquet_reader = {
    "parquet", pq_open,       pq_ncols,     pq_colname, pq_project,
    pq_nparts, pq_part_bytes, pq_read_part, pq_close,
};

static iaf_status verify_emit(void *user, const iaf_batch *b, iaf_error *err)
{
    (void)user;
    (void)b;
    (void)err;
    return IAF_OK;
}

iaf_status iaf_pq_verify(iaf_file *f, size_t *ncols_checked, iaf_error *err)
{
    void *rdv = NULL;
    iaf_source_options opt = {0};
    *ncols_checked = 0;
    iaf_status st = pq_open(f, &opt, &rdv, err);
    if (st) return st;
    pq_reader *r = rdv;
    const iaf_pq_meta *m = r->m;
    const char **names = iaf_calloc(m->ntop ? m->ntop : 1, sizeof *names);
    size_t n = 0;
    if (!names) {
        pq_close(r);
        return iaf_error_set_at(err, IAF_ERR_NOMEM, iaf_file_name(f), -1, "", "out of memory");
    }
    for (size_t i = 0; i < m->ntop; i++) {
        const char *nm = m->schema[m->top[i]].name;
        if (pq_project(r, &nm, 1, NULL) == IAF_OK) names[n++] = nm;
    }
    st = pq_project(r, names, n, err);
    for (size_t p = 0; st == IAF_OK && p < m->nrgs; p++)
        st = pq_read_part(r, p, verify_emit, NULL, err);
    if (st == IAF_OK) *ncols_checked = n;
    iaf_free(names);
    pq_close(r);
    return st;
}
