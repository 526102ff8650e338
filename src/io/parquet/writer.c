/* src/io/parquet/writer.c - the small Parquet writer of writer.h.
 *
 * Layout (Apache Parquet format specification): "PAR1", then per column one data page
 * (a PageHeader in the Thrift compact protocol, then the PLAIN values: REQUIRED
 * columns have no definition or repetition levels), then the FileMetaData (compact
 * protocol), its length (4 bytes, little-endian) and "PAR1". */
#include "io/parquet/writer.h"

#include <string.h>

#include "iaf/version.h"

/* Thrift compact protocol: the few element types this file writes. */
enum { CT_I32 = 5, CT_I64 = 6, CT_BINARY = 8, CT_LIST = 9, CT_STRUCT = 12 };
/* Parquet enums */
enum { PQ_INT64 = 2, PQ_DOUBLE = 5, PQ_BYTE_ARRAY = 6 };
enum { PQ_REQUIRED = 0, PQ_UTF8 = 0, PQ_PLAIN = 0, PQ_RLE = 3, PQ_DATA_PAGE = 0 };

typedef struct {
    iaf_buf *b;
    int last[16]; /* last field id per nesting level */
    int depth;
    int bad;
} tw;

static void put(tw *t, const void *p, size_t n)
{
    t->bad |= iaf_buf_append(t->b, p, n) != 0;
}

static void varint(tw *t, uint64_t v)
{
    unsigned char x[10];
    size_t n = 0;
    while (v >= 0x80) {
        x[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    x[n++] = (unsigned char)v;
    put(t, x, n);
}

static void zigzag(tw *t, int64_t v)
{
    varint(t, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void field(tw *t, int id, int type)
{
    int delta = id - t->last[t->depth];
    if (delta > 0 && delta <= 15) {
        unsigned char h = (unsigned char)(delta << 4 | type);
        put(t, &h, 1);
    } else {
        unsigned char h = (unsigned char)type;
        put(t, &h, 1);
        zigzag(t, id);
    }
    t->last[t->depth] = id;
}

static void f_i32(tw *t, int id, int32_t v)
{
    field(t, id, CT_I32);
    zigzag(t, v);
}

static void f_i64(tw *t, int id, int64_t v)
{
    field(t, id, CT_I64);
    zigzag(t, v);
}

static void bin(tw *t, const void *p, size_t n)
{
    varint(t, n);
    put(t, p, n);
}

static void f_str(tw *t, int id, const char *s)
{
    field(t, id, CT_BINARY);
    bin(t, s, strlen(s));
}

static void list_begin(tw *t, size_t n, int etype)
{
    if (n < 15) {
        unsigned char h = (unsigned char)(n << 4 | (size_t)etype);
        put(t, &h, 1);
    } else {
        unsigned char h = (unsigned char)(0xF0 | etype);
        put(t, &h, 1);
        varint(t, n);
    }
}

static void f_list(tw *t, int id, size_t n, int etype)
{
    field(t, id, CT_LIST);
    list_begin(t, n, etype);
}

static void struct_begin(tw *t)
{
    if (t->depth + 1 >= 16) {
        t->bad = 1;
        return;
    }
    t->last[++t->depth] = 0;
}

static void struct_end(tw *t)
{
    unsigned char stop = 0;
    put(t, &stop, 1);
    if (t->depth > 0) t->depth--;
}

static void f_struct(tw *t, int id)
{
    field(t, id, CT_STRUCT);
    struct_begin(t);
}

static void le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static int pq_type(iaf_pqw_type t)
{
    return t == IAF_PQW_STRING ? PQ_BYTE_ARRAY : t == IAF_PQW_INT64 ? PQ_INT64 : PQ_DOUBLE;
}

iaf_status iaf_parquet_write_table(iaf_buf *out, const iaf_pqw_column *cols, size_t ncols,
                                   size_t nrows, iaf_error *err)
{
    if (!out || (ncols && !cols) || ncols == 0 || ncols > 4096)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "parquet: no columns to write");
    if (nrows > INT32_MAX)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                             "parquet: %zu rows exceed one page's limit of %d", nrows, INT32_MAX);
    int64_t *page_off = iaf_calloc(ncols, sizeof *page_off);
    int64_t *chunk_len = iaf_calloc(ncols, sizeof *chunk_len);
    iaf_buf vals;
    memset(&vals, 0, sizeof vals);
    iaf_status st = IAF_OK;
    tw t;
    memset(&t, 0, sizeof t);
    t.b = out;
    const size_t start = out->len;
    if (!page_off || !chunk_len) goto oom;
    put(&t, "PAR1", 4);
    for (size_t c = 0; c < ncols; c++) {
        const iaf_pqw_column *col = &cols[c];
        vals.len = 0;
        int bad = 0;
        for (size_t i = 0; i < nrows && !bad; i++) {
            unsigned char x[8];
            if (col->type == IAF_PQW_STRING) {
                if (col->str[i].len > UINT32_MAX) {
                    st = iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                                       "parquet: a value of column '%s' is too long", col->name);
                    goto done;
                }
                le32(x, (uint32_t)col->str[i].len);
                bad |= iaf_buf_append(&vals, x, 4) ||
                       (col->str[i].len && iaf_buf_append(&vals, col->str[i].ptr, col->str[i].len));
            } else {
                uint64_t v;
                if (col->type == IAF_PQW_INT64)
                    v = (uint64_t)col->i64[i];
                else
                    memcpy(&v, &col->f64[i], 8);
                le64(x, v);
                bad |= iaf_buf_append(&vals, x, 8);
            }
        }
        if (bad) goto oom;
        if (vals.len > INT32_MAX) {
            st = iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                               "parquet: column '%s' needs more than 2 GiB in one page", col->name);
            goto done;
        }
        page_off[c] = (int64_t)(out->len - start);
        /* PageHeader */
        t.depth = 0;
        t.last[0] = 0;
        f_i32(&t, 1, PQ_DATA_PAGE);
        f_i32(&t, 2, (int32_t)vals.len);
        f_i32(&t, 3, (int32_t)vals.len);
        f_struct(&t, 5); /* DataPageHeader */
        f_i32(&t, 1, (int32_t)nrows);
        f_i32(&t, 2, PQ_PLAIN);
        f_i32(&t, 3, PQ_RLE);
        f_i32(&t, 4, PQ_RLE);
        struct_end(&t);
        struct_end(&t);
        if (vals.len) put(&t, vals.data, vals.len);
        chunk_len[c] = (int64_t)(out->len - start) - page_off[c];
        if (t.bad) goto oom;
    }
    /* FileMetaData */
    const size_t meta = out->len;
    t.depth = 0;
    t.last[0] = 0;
    f_i32(&t, 1, 1);
    f_list(&t, 2, ncols + 1, CT_STRUCT);
    struct_begin(&t); /* the root */
    f_str(&t, 4, "schema");
    f_i32(&t, 5, (int32_t)ncols);
    struct_end(&t);
    for (size_t c = 0; c < ncols; c++) {
        struct_begin(&t);
        f_i32(&t, 1, pq_type(cols[c].type));
        f_i32(&t, 3, PQ_REQUIRED);
        f_str(&t, 4, cols[c].name);
        if (cols[c].type == IAF_PQW_STRING) {
            f_i32(&t, 6, PQ_UTF8);
            f_struct(&t, 10); /* LogicalType */
            f_struct(&t, 1);  /* STRING: an empty struct */
            struct_end(&t);
            struct_end(&t);
        }
        struct_end(&t);
    }
    f_i64(&t, 3, (int64_t)nrows);
    f_list(&t, 4, 1, CT_STRUCT);
    struct_begin(&t); /* RowGroup */
    f_list(&t, 1, ncols, CT_STRUCT);
    int64_t total = 0;
    for (size_t c = 0; c < ncols; c++) {
        total += chunk_len[c];
        struct_begin(&t); /* ColumnChunk */
        f_i64(&t, 2, page_off[c]);
        f_struct(&t, 3); /* ColumnMetaData */
        f_i32(&t, 1, pq_type(cols[c].type));
        f_list(&t, 2, 2, CT_I32);
        zigzag(&t, PQ_PLAIN);
        zigzag(&t, PQ_RLE);
        f_list(&t, 3, 1, CT_BINARY);
        bin(&t, cols[c].name, strlen(cols[c].name));
        f_i32(&t, 4, 0); /* UNCOMPRESSED */
        f_i64(&t, 5, (int64_t)nrows);
        f_i64(&t, 6, chunk_len[c]);
        f_i64(&t, 7, chunk_len[c]);
        f_i64(&t, 9, page_off[c]);
        struct_end(&t);
        struct_end(&t);
    }
    f_i64(&t, 2, total);
    f_i64(&t, 3, (int64_t)nrows);
    struct_end(&t);
    f_str(&t, 6, "iaf version " IAF_VERSION_STRING);
    struct_end(&t);
    if (t.bad) goto oom;
    {
        unsigned char x[4];
        le32(x, (uint32_t)(out->len - meta));
        put(&t, x, 4);
        put(&t, "PAR1", 4);
    }
    if (t.bad) goto oom;
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    if (st != IAF_OK) out->len = start;
    iaf_free(vals.data);
    iaf_free(page_off);
    iaf_free(chunk_len);
    return st;
}
