/* src/io/parquet/writer.c - the small Parquet writer of writer.h.
 *
 * Layout (Apache Parquet format specification): "PAR1", then per row group and column
 * its data pages (each a PageHeader in the Thrift compact protocol with the page's
 * statistics, then the PLAIN values: REQUIRED columns have no definition or repetition
 * levels), then the FileMetaData (compact protocol: the schema, every column chunk's
 * offsets, sizes and statistics, the type-defined column orders), its length (4 bytes,
 * little-endian) and "PAR1". */
#include "io/parquet/writer.h"

#include <math.h>
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

/* Min and max of a run of values, as Parquet's Statistics (min_value, max_value: PLAIN
 * bytes; strings compared as unsigned bytes, numbers by value). Doubles with a NaN, and
 * strings longer than STAT_MAX_STR, get none. */
#define STAT_MAX_STR 256
typedef struct {
    int have, ok;
    iaf_sv smin, smax;
    int64_t imin, imax;
    double dmin, dmax;
} stats;

static int sv_cmp(iaf_sv a, iaf_sv b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

static void stats_add(stats *st, const iaf_pqw_column *col, size_t i)
{
    if (!st->have) st->ok = 1;
    if (col->type == IAF_PQW_STRING) {
        iaf_sv v = col->str[i];
        if (v.len > STAT_MAX_STR) st->ok = 0;
        if (!st->have || sv_cmp(v, st->smin) < 0) st->smin = v;
        if (!st->have || sv_cmp(v, st->smax) > 0) st->smax = v;
    } else if (col->type == IAF_PQW_INT64) {
        int64_t v = col->i64[i];
        if (!st->have || v < st->imin) st->imin = v;
        if (!st->have || v > st->imax) st->imax = v;
    } else {
        double v = col->f64[i];
        if (isnan(v)) st->ok = 0;
        if (!st->have || v < st->dmin) st->dmin = v;
        if (!st->have || v > st->dmax) st->dmax = v;
    }
    st->have = 1;
}

static void stats_merge(stats *into, const stats *page)
{
    if (!page->have) return;
    if (!into->have) {
        *into = *page;
        return;
    }
    into->ok &= page->ok;
    if (sv_cmp(page->smin, into->smin) < 0) into->smin = page->smin;
    if (sv_cmp(page->smax, into->smax) > 0) into->smax = page->smax;
    if (page->imin < into->imin) into->imin = page->imin;
    if (page->imax > into->imax) into->imax = page->imax;
    if (page->dmin < into->dmin) into->dmin = page->dmin;
    if (page->dmax > into->dmax) into->dmax = page->dmax;
}

/* Statistics struct (field id in the enclosing struct): null_count 0, min and max. For
 * doubles, -0.0 as the minimum and +0.0 as the maximum, as the format asks for zeros. */
static void f_stats(tw *t, int id, const stats *st, iaf_pqw_type type)
{
    if (!st->have || !st->ok) return;
    unsigned char lo[8], hi[8];
    const void *min, *max;
    size_t n = 8;
    if (type == IAF_PQW_STRING) {
        min = st->smin.len ? st->smin.ptr : "", max = st->smax.len ? st->smax.ptr : "";
    } else if (type == IAF_PQW_INT64) {
        le64(lo, (uint64_t)st->imin);
        le64(hi, (uint64_t)st->imax);
        min = lo, max = hi;
    } else {
        double a = st->dmin == 0 ? -0.0 : st->dmin, b = st->dmax == 0 ? 0.0 : st->dmax;
        uint64_t x, y;
        memcpy(&x, &a, 8);
        memcpy(&y, &b, 8);
        le64(lo, x);
        le64(hi, y);
        min = lo, max = hi;
    }
    f_struct(t, id);
    f_i64(t, 3, 0); /* null_count */
    field(t, 5, CT_BINARY);
    if (type == IAF_PQW_STRING)
        bin(t, max, st->smax.len);
    else
        bin(t, max, n);
    field(t, 6, CT_BINARY);
    if (type == IAF_PQW_STRING)
        bin(t, min, st->smin.len);
    else
        bin(t, min, n);
    struct_end(t);
}

/* One column chunk of a row group: its place in the file and its statistics. */
typedef struct {
    int64_t off, len, npages;
    stats st;
} chunk;

/* Append rows [r0, r1) of col as data pages of at most page_bytes of values each. */
static iaf_status write_chunk(tw *t, size_t start, const iaf_pqw_column *col, size_t r0, size_t r1,
                              size_t page_bytes, iaf_buf *vals, chunk *ch, iaf_error *err)
{
    memset(ch, 0, sizeof *ch);
    ch->off = (int64_t)(t->b->len - start);
    size_t i = r0;
    while (i < r1) {
        stats ps;
        memset(&ps, 0, sizeof ps);
        vals->len = 0;
        const size_t first = i;
        for (; i < r1; i++) {
            unsigned char x[8];
            size_t need = col->type == IAF_PQW_STRING ? 4 + col->str[i].len : 8;
            if (col->type == IAF_PQW_STRING && col->str[i].len > INT32_MAX - 4)
                return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                                     "parquet: a value of column '%s' is too long", col->name);
            if (i > first && vals->len + need > page_bytes) break; /* the next page */
            int bad;
            if (col->type == IAF_PQW_STRING) {
                le32(x, (uint32_t)col->str[i].len);
                bad = iaf_buf_append(vals, x, 4) ||
                      (col->str[i].len && iaf_buf_append(vals, col->str[i].ptr, col->str[i].len));
            } else {
                uint64_t v;
                if (col->type == IAF_PQW_INT64)
                    v = (uint64_t)col->i64[i];
                else
                    memcpy(&v, &col->f64[i], 8);
                le64(x, v);
                bad = iaf_buf_append(vals, x, 8);
            }
            if (bad) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            stats_add(&ps, col, i);
        }
        if (vals->len > INT32_MAX)
            return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                                 "parquet: a page of column '%s' needs more than 2 GiB", col->name);
        /* PageHeader */
        t->depth = 0;
        t->last[0] = 0;
        f_i32(t, 1, PQ_DATA_PAGE);
        f_i32(t, 2, (int32_t)vals->len);
        f_i32(t, 3, (int32_t)vals->len);
        f_struct(t, 5); /* DataPageHeader */
        f_i32(t, 1, (int32_t)(i - first));
        f_i32(t, 2, PQ_PLAIN);
        f_i32(t, 3, PQ_RLE);
        f_i32(t, 4, PQ_RLE);
        f_stats(t, 5, &ps, col->type);
        struct_end(t);
        struct_end(t);
        if (vals->len) put(t, vals->data, vals->len);
        if (t->bad) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        stats_merge(&ch->st, &ps);
        ch->npages++;
    }
    ch->len = (int64_t)(t->b->len - start) - ch->off;
    return IAF_OK;
}

static void write_schema(tw *t, const iaf_pqw_column *cols, size_t ncols)
{
    f_list(t, 2, ncols + 1, CT_STRUCT);
    struct_begin(t); /* the root */
    f_str(t, 4, "schema");
    f_i32(t, 5, (int32_t)ncols);
    struct_end(t);
    for (size_t c = 0; c < ncols; c++) {
        struct_begin(t);
        f_i32(t, 1, pq_type(cols[c].type));
        f_i32(t, 3, PQ_REQUIRED);
        f_str(t, 4, cols[c].name);
        if (cols[c].type == IAF_PQW_STRING) {
            f_i32(t, 6, PQ_UTF8);
            f_struct(t, 10); /* LogicalType */
            f_struct(t, 1);  /* STRING: an empty struct */
            struct_end(t);
            struct_end(t);
        }
        struct_end(t);
    }
}

static void write_group(tw *t, const iaf_pqw_column *cols, size_t ncols, const chunk *ch,
                        size_t rows)
{
    struct_begin(t); /* RowGroup */
    f_list(t, 1, ncols, CT_STRUCT);
    int64_t total = 0;
    for (size_t c = 0; c < ncols; c++) {
        total += ch[c].len;
        struct_begin(t); /* ColumnChunk */
        f_i64(t, 2, ch[c].off);
        f_struct(t, 3); /* ColumnMetaData */
        f_i32(t, 1, pq_type(cols[c].type));
        f_list(t, 2, 2, CT_I32);
        zigzag(t, PQ_PLAIN);
        zigzag(t, PQ_RLE);
        f_list(t, 3, 1, CT_BINARY);
        bin(t, cols[c].name, strlen(cols[c].name));
        f_i32(t, 4, 0); /* UNCOMPRESSED */
        f_i64(t, 5, (int64_t)rows);
        f_i64(t, 6, ch[c].len);
        f_i64(t, 7, ch[c].len);
        f_i64(t, 9, ch[c].off);
        f_stats(t, 12, &ch[c].st, cols[c].type);
        struct_end(t);
        struct_end(t);
    }
    f_i64(t, 2, total);
    f_i64(t, 3, (int64_t)rows);
    f_i64(t, 5, ch[0].off); /* file_offset */
    f_i64(t, 6, total);     /* total_compressed_size */
    struct_end(t);
}

void iaf_pqw_layout_default(iaf_pqw_layout *lay)
{
    lay->page_bytes = (size_t)1 << 20;
    lay->group_rows = (size_t)1 << 20;
}

iaf_status iaf_parquet_write_table(iaf_buf *out, const iaf_pqw_column *cols, size_t ncols,
                                   size_t nrows, iaf_error *err)
{
    iaf_pqw_layout lay;
    iaf_pqw_layout_default(&lay);
    return iaf_parquet_write_table_layout(out, cols, ncols, nrows, &lay, err);
}

iaf_status iaf_parquet_write_table_layout(iaf_buf *out, const iaf_pqw_column *cols, size_t ncols,
                                          size_t nrows, const iaf_pqw_layout *lay, iaf_error *err)
{
    if (!out || (ncols && !cols) || ncols == 0 || ncols > 4096 || !lay)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "parquet: no columns to write");
    if (lay->page_bytes < 1 || lay->page_bytes > INT32_MAX || lay->group_rows < 1 ||
        lay->group_rows > INT32_MAX)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "parquet: bad page or group size");
    const size_t ngroups = nrows ? (nrows - 1) / lay->group_rows + 1 : 1;
    if (ngroups > SIZE_MAX / ncols / sizeof(chunk) - 1)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "parquet: too many row groups");
    chunk *ch = iaf_calloc(ngroups * ncols, sizeof *ch);
    iaf_buf vals;
    memset(&vals, 0, sizeof vals);
    iaf_status st = IAF_OK;
    tw t;
    memset(&t, 0, sizeof t);
    t.b = out;
    const size_t start = out->len;
    if (!ch) goto oom;
    put(&t, "PAR1", 4);
    for (size_t gi = 0; gi < ngroups; gi++) {
        const size_t r0 = gi * lay->group_rows;
        const size_t r1 = r0 + lay->group_rows < nrows ? r0 + lay->group_rows : nrows;
        for (size_t c = 0; c < ncols; c++)
            if ((st = write_chunk(&t, start, &cols[c], r0, r1, lay->page_bytes, &vals,
                                  &ch[gi * ncols + c], err)) != IAF_OK)
                goto done;
    }
    if (t.bad) goto oom;
    /* FileMetaData */
    const size_t meta = out->len;
    t.depth = 0;
    t.last[0] = 0;
    f_i32(&t, 1, 1);
    write_schema(&t, cols, ncols);
    f_i64(&t, 3, (int64_t)nrows);
    f_list(&t, 4, ngroups, CT_STRUCT);
    for (size_t gi = 0; gi < ngroups; gi++) {
        const size_t r0 = gi * lay->group_rows;
        const size_t r1 = r0 + lay->group_rows < nrows ? r0 + lay->group_rows : nrows;
        write_group(&t, cols, ncols, &ch[gi * ncols], r1 - r0);
    }
    f_str(&t, 6, "iaf version " IAF_VERSION_STRING);
    f_list(&t, 7, ncols, CT_STRUCT); /* column_orders: TypeDefinedOrder for every column */
    for (size_t c = 0; c < ncols; c++) {
        struct_begin(&t); /* ColumnOrder (a union) */
        f_struct(&t, 1);  /* TYPE_ORDER: an empty struct */
        struct_end(&t);
        struct_end(&t);
    }
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
    iaf_free(ch);
    return st;
}
