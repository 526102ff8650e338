/* src/api/inspect.c - iaf/inspect.h: what a Parquet file holds, as text or
 * JSON, over the Parquet reader's footer and verification (src/io/parquet);
 * for a CSV or JSON Lines file, its columns and, after a full read through
 * the dataset reader (src/io/source.c), each column's statistics. */
#include "iaf/inspect.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "iaf/source.h"
#include "io/file.h"
#include "io/parquet/parquet.h"
#include "util/util.h"

/* A text column's statistics: distinct values are counted exactly up to this many. */
#define TEXT_DISTINCT_CAP 10000

typedef struct text_col {
    long long nulls, empty;
    long long nint, nnum, nbool, nother; /* non-empty values by what they parse as */
    iaf_strmap distinct;
    int capped;       /* more than TEXT_DISTINCT_CAP distinct values */
    iaf_buf min, max; /* byte-wise, of the non-empty values */
    int has_text;
    double nmin, nmax; /* numeric, while every non-empty value is a number */
    iaf_buf nmin_text, nmax_text;
    int has_num;
} text_col;

typedef struct text_info {
    iaf_source *src;
    const char *format; /* "csv" or "jsonl" */
    size_t ncols;
    text_col *cols;
    long long nrows;
    int oom;
} text_info;

struct iaf_inspection {
    iaf_file *file;
    iaf_pq_meta *meta;
    int verified; /* 0 not asked, 1 every flat column decoded, -1 a column failed */
    size_t checked;
    text_info *text; /* a CSV or JSON Lines file (then file and meta are NULL) */
};

static const char *rep_name(int r)
{
    return r == PQ_REQUIRED   ? "required"
           : r == PQ_OPTIONAL ? "optional"
           : r == PQ_REPEATED ? "repeated"
                              : "";
}

static void logical_text(const iaf_pq_logical *lt, char *buf, size_t n)
{
    static const char *const units[] = {"", "MILLIS", "MICROS", "NANOS"};
    const char *u = lt->unit >= 0 && lt->unit <= 3 ? units[lt->unit] : "";
    switch (lt->kind) {
    case PQ_LT_NONE:
        buf[0] = '\0';
        break;
    case PQ_LT_STRING:
        snprintf(buf, n, "STRING");
        break;
    case PQ_LT_MAP:
        snprintf(buf, n, "MAP");
        break;
    case PQ_LT_LIST:
        snprintf(buf, n, "LIST");
        break;
    case PQ_LT_ENUM:
        snprintf(buf, n, "ENUM");
        break;
    case PQ_LT_DECIMAL:
        snprintf(buf, n, "DECIMAL(%d,%d)", lt->precision, lt->scale);
        break;
    case PQ_LT_DATE:
        snprintf(buf, n, "DATE");
        break;
    case PQ_LT_TIME:
        snprintf(buf, n, "TIME(%s,%s)", u, lt->adjusted ? "utc" : "local");
        break;
    case PQ_LT_TIMESTAMP:
        snprintf(buf, n, "TIMESTAMP(%s,%s)", u, lt->adjusted ? "utc" : "local");
        break;
    case PQ_LT_INTEGER:
        snprintf(buf, n, "INT(%d,%s)", lt->bit_width, lt->is_signed ? "signed" : "unsigned");
        break;
    case PQ_LT_UNKNOWN:
        snprintf(buf, n, "UNKNOWN");
        break;
    case PQ_LT_JSON:
        snprintf(buf, n, "JSON");
        break;
    case PQ_LT_BSON:
        snprintf(buf, n, "BSON");
        break;
    case PQ_LT_UUID:
        snprintf(buf, n, "UUID");
        break;
    case PQ_LT_FLOAT16:
        snprintf(buf, n, "FLOAT16");
        break;
    case PQ_LT_VARIANT:
        snprintf(buf, n, "VARIANT");
        break;
    case PQ_LT_GEOMETRY:
        snprintf(buf, n, "GEOMETRY");
        break;
    case PQ_LT_GEOGRAPHY:
        snprintf(buf, n, "GEOGRAPHY");
        break;
    default:
        snprintf(buf, n, "logical type %d", lt->kind);
    }
}

static const char *leaf_name(const iaf_pq_meta *m, size_t i)
{
    return i < m->nleaves ? m->leaves[i].dotted : "?";
}

static const iaf_pq_schema *leaf_schema(const iaf_pq_meta *m, size_t i)
{
    return i < m->nleaves ? &m->schema[m->leaves[i].schema_index] : NULL;
}

static char *stat_text(const iaf_pq_meta *m, size_t leaf, iaf_sv v)
{
    iaf_buf b = {0};
    const iaf_pq_schema *s = leaf_schema(m, leaf);
    if (!s || iaf_pq_render_stat(s, v, &b) != 0) {
        iaf_buf_free(&b);
        return NULL;
    }
    if (!b.data) iaf_buf_puts(&b, "");
    return b.data;
}

static int print_text(const iaf_pq_meta *m, iaf_buf *o)
{
    char lt[64];
    int rc = 0;
    rc |= iaf_buf_printf(o, "created_by: %s\n", m->created_by ? m->created_by : "(none)");
    rc |= iaf_buf_printf(o, "version: %d\nnum_rows: %lld\nrow_groups: %zu\n", m->version,
                         (long long)m->num_rows, m->nrgs);
    rc |= iaf_buf_puts(o, "schema:\n");
    for (size_t i = 0; i < m->nschema; i++) {
        const iaf_pq_schema *s = &m->schema[i];
        rc |= iaf_buf_printf(o, "%*s%s", 2 + 2 * m->depth[i], "", i == 0 ? "(root)" : s->name);
        if (s->num_children > 0 || s->type < 0)
            rc |= iaf_buf_printf(o, ": group");
        else {
            rc |= iaf_buf_printf(o, ": %s", iaf_pq_type_name(s->type));
            if (s->type == PQ_FLBA) rc |= iaf_buf_printf(o, "(%d)", s->type_length);
        }
        if (i > 0 && s->repetition >= 0) rc |= iaf_buf_printf(o, " %s", rep_name(s->repetition));
        logical_text(&s->logical, lt, sizeof lt);
        if (lt[0]) rc |= iaf_buf_printf(o, " logical=%s", lt);
        if (s->converted >= 0) {
            rc |= iaf_buf_printf(o, " converted=%s", iaf_pq_converted_name(s->converted));
            if (s->converted == PQ_CT_DECIMAL)
                rc |= iaf_buf_printf(o, "(%d,%d)", s->precision, s->scale);
        }
        rc |= iaf_buf_puts(o, "\n");
    }
    for (size_t r = 0; r < m->nrgs; r++) {
        const iaf_pq_rowgroup *rg = &m->rgs[r];
        rc |= iaf_buf_printf(o, "row group %zu: %lld rows, %lld bytes", r, (long long)rg->num_rows,
                             (long long)rg->total_byte_size);
        if (rg->has_total_compressed)
            rc |= iaf_buf_printf(o, " (%lld compressed)", (long long)rg->total_compressed);
        rc |= iaf_buf_puts(o, "\n");
        for (size_t c = 0; c < rg->ncols; c++) {
            const iaf_pq_chunk *ch = &rg->cols[c];
            rc |= iaf_buf_printf(o, "  %s: ", leaf_name(m, c));
            if (!ch->has_meta) {
                rc |= iaf_buf_puts(o, ch->encrypted ? "(encrypted)\n" : "(no metadata)\n");
                continue;
            }
            rc |= iaf_buf_printf(o, "%s [", iaf_pq_codec_name(ch->codec));
            for (size_t e = 0; e < ch->nencodings; e++)
                rc |=
                    iaf_buf_printf(o, "%s%s", e ? "," : "", iaf_pq_encoding_name(ch->encodings[e]));
            rc |=
                iaf_buf_printf(o, "] %lld values, %lld/%lld bytes at %lld",
                               (long long)ch->num_values, (long long)ch->total_compressed,
                               (long long)ch->total_uncompressed, (long long)ch->data_page_offset);
            if (ch->has_dict_offset)
                rc |= iaf_buf_printf(o, " (dictionary at %lld)",
                                     (long long)ch->dictionary_page_offset);
            const iaf_pq_stats *st = &ch->stats;
            if (st->has_null_count)
                rc |= iaf_buf_printf(o, ", nulls %lld", (long long)st->null_count);
            if (st->has_min) {
                char *t = stat_text(m, c, st->min);
                rc |= iaf_buf_printf(o, ", min %s", t ? t : "?");
                iaf_free(t);
            }
            if (st->has_max) {
                char *t = stat_text(m, c, st->max);
                rc |= iaf_buf_printf(o, ", max %s", t ? t : "?");
                iaf_free(t);
            }
            rc |= iaf_buf_puts(o, "\n");
        }
    }
    return rc;
}

static json_t *jstr(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : (s ? json_string("(not UTF-8)") : json_null());
}

static json_t *to_json(const iaf_pq_meta *m)
{
    char lt[64];
    json_t *root = json_object();
    json_object_set_new(root, "created_by", jstr(m->created_by));
    json_object_set_new(root, "version", json_integer(m->version));
    json_object_set_new(root, "num_rows", json_integer(m->num_rows));
    json_t *schema = json_array();
    for (size_t i = 0; i < m->nschema; i++) {
        const iaf_pq_schema *s = &m->schema[i];
        json_t *e = json_object();
        json_object_set_new(e, "name", jstr(s->name));
        json_object_set_new(e, "depth", json_integer(m->depth[i]));
        int group = s->num_children > 0 || s->type < 0;
        json_object_set_new(e, "type", json_string(group ? "group" : iaf_pq_type_name(s->type)));
        if (s->type == PQ_FLBA) json_object_set_new(e, "type_length", json_integer(s->type_length));
        if (s->repetition >= 0 && i > 0)
            json_object_set_new(e, "repetition", json_string(rep_name(s->repetition)));
        if (group) json_object_set_new(e, "num_children", json_integer(s->num_children));
        logical_text(&s->logical, lt, sizeof lt);
        if (lt[0]) json_object_set_new(e, "logical_type", json_string(lt));
        if (s->converted >= 0)
            json_object_set_new(e, "converted_type",
                                json_string(iaf_pq_converted_name(s->converted)));
        if (s->converted == PQ_CT_DECIMAL) {
            json_object_set_new(e, "precision", json_integer(s->precision));
            json_object_set_new(e, "scale", json_integer(s->scale));
        }
        json_array_append_new(schema, e);
    }
    json_object_set_new(root, "schema", schema);
    json_t *rgs = json_array();
    for (size_t r = 0; r < m->nrgs; r++) {
        const iaf_pq_rowgroup *rg = &m->rgs[r];
        json_t *jr = json_object();
        json_object_set_new(jr, "num_rows", json_integer(rg->num_rows));
        json_object_set_new(jr, "total_byte_size", json_integer(rg->total_byte_size));
        if (rg->has_total_compressed)
            json_object_set_new(jr, "total_compressed_size", json_integer(rg->total_compressed));
        json_t *cols = json_array();
        for (size_t c = 0; c < rg->ncols; c++) {
            const iaf_pq_chunk *ch = &rg->cols[c];
            json_t *jc = json_object();
            json_object_set_new(jc, "column", jstr(leaf_name(m, c)));
            if (!ch->has_meta) {
                json_object_set_new(jc, "encrypted", json_boolean(ch->encrypted));
                json_array_append_new(cols, jc);
                continue;
            }
            json_object_set_new(jc, "codec", json_string(iaf_pq_codec_name(ch->codec)));
            json_t *enc = json_array();
            for (size_t e = 0; e < ch->nencodings; e++)
                json_array_append_new(enc, json_string(iaf_pq_encoding_name(ch->encodings[e])));
            json_object_set_new(jc, "encodings", enc);
            json_object_set_new(jc, "num_values", json_integer(ch->num_values));
            json_object_set_new(jc, "compressed_size", json_integer(ch->total_compressed));
            json_object_set_new(jc, "uncompressed_size", json_integer(ch->total_uncompressed));
            json_object_set_new(jc, "data_page_offset", json_integer(ch->data_page_offset));
            if (ch->has_dict_offset)
                json_object_set_new(jc, "dictionary_page_offset",
                                    json_integer(ch->dictionary_page_offset));
            const iaf_pq_stats *st = &ch->stats;
            if (st->has_null_count)
                json_object_set_new(jc, "null_count", json_integer(st->null_count));
            if (st->has_distinct)
                json_object_set_new(jc, "distinct_count", json_integer(st->distinct_count));
            if (st->has_min) {
                char *t = stat_text(m, c, st->min);
                json_object_set_new(jc, "min", jstr(t));
                iaf_free(t);
            }
            if (st->has_max) {
                char *t = stat_text(m, c, st->max);
                json_object_set_new(jc, "max", jstr(t));
                iaf_free(t);
            }
            json_array_append_new(cols, jc);
        }
        json_object_set_new(jr, "columns", cols);
        json_array_append_new(rgs, jr);
    }
    json_object_set_new(root, "row_groups", rgs);
    return root;
}

/* ---- CSV and JSON Lines ---------------------------------------------------- */

static int is_integer_text(iaf_sv v)
{
    size_t i = v.ptr[0] == '-' || v.ptr[0] == '+';
    if (i == v.len || v.len - i > 18) return 0;
    for (; i < v.len; i++)
        if (v.ptr[i] < '0' || v.ptr[i] > '9') return 0;
    return 1;
}

static int set_buf(iaf_buf *b, iaf_sv v)
{
    b->len = 0;
    return iaf_buf_append(b, v.ptr, v.len) != 0;
}

static int bytes_cmp(iaf_sv a, const iaf_buf *b)
{
    size_t n = a.len < b->len ? a.len : b->len;
    int c = n ? memcmp(a.ptr, b->data, n) : 0;
    return c ? c : (a.len > b->len) - (a.len < b->len);
}

static int text_value(text_col *c, iaf_sv v)
{
    int rc = 0;
    if (!v.ptr) {
        c->nulls++;
        return 0;
    }
    if (!v.len) {
        c->empty++;
        return 0;
    }
    double d;
    if (is_integer_text(v))
        c->nint++;
    else if (iaf_parse_double(v, &d) && (v.ptr[0] != ' ' && v.ptr[v.len - 1] != ' '))
        c->nnum++;
    else if ((v.len == 4 && !memcmp(v.ptr, "true", 4)) ||
             (v.len == 5 && !memcmp(v.ptr, "false", 5)))
        c->nbool++;
    else
        c->nother++;
    if (!c->nother && !c->nbool && iaf_parse_double(v, &d)) {
        if (!c->has_num || d < c->nmin) {
            rc |= set_buf(&c->nmin_text, v);
            c->nmin = d;
        }
        if (!c->has_num || d > c->nmax) {
            rc |= set_buf(&c->nmax_text, v);
            c->nmax = d;
        }
        c->has_num = 1;
    }
    if (!c->has_text || bytes_cmp(v, &c->min) < 0) rc |= set_buf(&c->min, v);
    if (!c->has_text || bytes_cmp(v, &c->max) > 0) rc |= set_buf(&c->max, v);
    c->has_text = 1;
    if (!c->capped && iaf_strmap_find(&c->distinct, v.ptr, v.len) < 0) {
        if (iaf_strmap_size(&c->distinct) >= TEXT_DISTINCT_CAP) {
            c->capped = 1;
            iaf_strmap_free(&c->distinct);
            memset(&c->distinct, 0, sizeof c->distinct);
        } else if (iaf_strmap_intern(&c->distinct, v.ptr, v.len) < 0) {
            rc = 1;
        }
    }
    return rc;
}

static iaf_status text_worker(void *ctx, int worker, void **state, iaf_error *err)
{
    (void)ctx;
    (void)worker;
    (void)err;
    *state = NULL;
    return IAF_OK;
}

static iaf_status text_batch(void *ctx, void *state, const iaf_batch *b, iaf_error *err)
{
    (void)state;
    text_info *t = ctx;
    for (size_t k = 0; k < b->ncols && k < t->ncols; k++) {
        const iaf_column *col = &b->cols[k];
        if (col->kind != IAF_COL_STR)
            return iaf_error_set(err, IAF_ERR_UNSUPPORTED, b->file, 0, 0, "unexpected column kind");
        for (size_t r = 0; r < b->nrows; r++)
            if (text_value(&t->cols[k], col->str[r]) != 0)
                return iaf_error_set(err, IAF_ERR_NOMEM, b->file, 0, 0, "out of memory");
    }
    t->nrows += (long long)b->nrows;
    return IAF_OK;
}

static const char *text_type(const text_col *c)
{
    if (c->nother || (c->nbool && (c->nint || c->nnum))) return "string";
    if (c->nbool) return "boolean";
    if (c->nnum) return "number";
    if (c->nint) return "integer";
    return "empty";
}

static void text_free(text_info *t)
{
    if (!t) return;
    for (size_t i = 0; t->cols && i < t->ncols; i++) {
        text_col *c = &t->cols[i];
        iaf_strmap_free(&c->distinct);
        iaf_buf_free(&c->min);
        iaf_buf_free(&c->max);
        iaf_buf_free(&c->nmin_text);
        iaf_buf_free(&c->nmax_text);
    }
    iaf_free(t->cols);
    iaf_source_free(t->src);
    iaf_free(t);
}

/* Open a CSV or JSON Lines file: its columns now, their statistics on verify. */
static iaf_status text_open(const char *path, text_info **out, iaf_error *err)
{
    *out = NULL;
    text_info *t = iaf_calloc(1, sizeof *t);
    if (!t) return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    iaf_source_options so = {0};
    so.threads = 1; /* one pass in file order */
    iaf_status st = iaf_source_open(&path, 1, &so, &t->src, err);
    if (st == IAF_OK) {
        iaf_format f = iaf_source_format(t->src);
        t->format = f == IAF_FORMAT_CSV ? "csv" : f == IAF_FORMAT_JSONL ? "jsonl" : NULL;
        if (!t->format)
            st = iaf_error_set(err, IAF_ERR_INVALID, path, 0, 0,
                               "not a Parquet, CSV or JSON Lines file");
    }
    if (st == IAF_OK) {
        t->ncols = iaf_source_ncols(t->src);
        t->cols = iaf_calloc(t->ncols ? t->ncols : 1, sizeof *t->cols);
        if (!t->cols) st = iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    if (st != IAF_OK) {
        text_free(t);
        return st;
    }
    *out = t;
    return IAF_OK;
}

/* Read every row: each column by its position, so a repeated name is read too. */
static iaf_status text_verify(text_info *t, iaf_error *err)
{
    char **names = iaf_calloc(t->ncols ? t->ncols : 1, sizeof *names);
    iaf_status st = names ? IAF_OK : iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; st == IAF_OK && i < t->ncols; i++) {
        char pos[32];
        snprintf(pos, sizeof pos, "#%zu", i + 1);
        /* a column really called "#N" wins over the position: name it then */
        const char *nm = iaf_source_colname(t->src, i);
        int literal = 0;
        for (size_t j = 0; j < t->ncols && !literal; j++)
            literal = strcmp(iaf_source_colname(t->src, j), pos) == 0;
        names[i] = iaf_strdup(literal ? nm : pos);
        if (!names[i]) st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (st == IAF_OK) st = iaf_source_project(t->src, (const char *const *)names, t->ncols, err);
    if (st == IAF_OK) {
        iaf_scan_consumer c = {0};
        c.ctx = t;
        c.worker_begin = text_worker;
        c.on_batch = text_batch;
        int nw = 0;
        st = iaf_source_scan(t->src, &c, &nw, err);
    }
    for (size_t i = 0; names && i < t->ncols; i++)
        iaf_free(names[i]);
    iaf_free(names);
    return st;
}

static int print_text_cols(const text_info *t, int stats, iaf_buf *o)
{
    int rc = 0;
    rc |= iaf_buf_printf(o, "format: %s\n", t->format);
    if (stats) rc |= iaf_buf_printf(o, "num_rows: %lld\n", t->nrows);
    rc |= iaf_buf_printf(o, "columns: %zu\nschema:\n", t->ncols);
    for (size_t i = 0; i < t->ncols; i++) {
        rc |= iaf_buf_printf(o, "  #%zu %s", i + 1, iaf_source_colname(t->src, i));
        if (stats) rc |= iaf_buf_printf(o, ": %s", text_type(&t->cols[i]));
        rc |= iaf_buf_puts(o, "\n");
    }
    if (!stats) return rc;
    rc |= iaf_buf_puts(o, "column statistics:\n");
    for (size_t i = 0; i < t->ncols; i++) {
        const text_col *c = &t->cols[i];
        rc |= iaf_buf_printf(o, "  #%zu %s: %lld values, nulls %lld, empty %lld, ", i + 1,
                             iaf_source_colname(t->src, i), t->nrows, c->nulls, c->empty);
        if (c->capped)
            rc |= iaf_buf_printf(o, "distinct > %d", TEXT_DISTINCT_CAP);
        else
            rc |= iaf_buf_printf(o, "distinct %zu", iaf_strmap_size(&c->distinct));
        int num = c->has_num && !c->nother && !c->nbool;
        if (c->has_text) {
            const iaf_buf *mn = num ? &c->nmin_text : &c->min, *mx = num ? &c->nmax_text : &c->max;
            rc |= iaf_buf_printf(o, ", min %s, max %s", mn->data, mx->data);
        }
        rc |= iaf_buf_puts(o, "\n");
    }
    return rc;
}

static json_t *text_json(const text_info *t, int stats)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string(t->format));
    if (stats) json_object_set_new(root, "num_rows", json_integer(t->nrows));
    json_t *cols = json_array();
    for (size_t i = 0; i < t->ncols; i++) {
        const text_col *c = &t->cols[i];
        json_t *e = json_object();
        json_object_set_new(e, "position", json_integer((json_int_t)i + 1));
        json_object_set_new(e, "name", jstr(iaf_source_colname(t->src, i)));
        if (stats) {
            json_object_set_new(e, "type", json_string(text_type(c)));
            json_object_set_new(e, "num_values", json_integer(t->nrows));
            json_object_set_new(e, "null_count", json_integer(c->nulls));
            json_object_set_new(e, "empty_count", json_integer(c->empty));
            json_object_set_new(
                e, "distinct_count",
                c->capped ? json_null() : json_integer((json_int_t)iaf_strmap_size(&c->distinct)));
            if (c->capped)
                json_object_set_new(e, "distinct_count_over", json_integer(TEXT_DISTINCT_CAP));
            int num = c->has_num && !c->nother && !c->nbool;
            if (c->has_text) {
                json_object_set_new(e, "min", jstr(num ? c->nmin_text.data : c->min.data));
                json_object_set_new(e, "max", jstr(num ? c->nmax_text.data : c->max.data));
            }
        }
        json_array_append_new(cols, e);
    }
    json_object_set_new(root, "columns", cols);
    return root;
}

/* Parquet by its magic number or its name; anything else is read as text. */
static int looks_parquet(const char *path)
{
    size_t n = strlen(path);
    if ((n >= 8 && !strcmp(path + n - 8, ".parquet")) || (n >= 3 && !strcmp(path + n - 3, ".pq")))
        return 1;
    FILE *f = fopen(path, "rb");
    if (!f) return 1; /* the Parquet path reports why it cannot be opened, as before */
    char m[4] = {0};
    size_t k = fread(m, 1, 4, f);
    fclose(f);
    return k == 4 && memcmp(m, "PAR1", 4) == 0;
}

iaf_status iaf_inspect_open(const char *path, iaf_inspection **out, iaf_error *err)
{
    *out = NULL;
    iaf_inspection *in = iaf_calloc(1, sizeof *in);
    if (!in) return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    if (!looks_parquet(path)) {
        iaf_status st = text_open(path, &in->text, err);
        if (st != IAF_OK) {
            iaf_inspect_free(in);
            return st;
        }
        *out = in;
        return IAF_OK;
    }
    iaf_status st = iaf_file_open(path, &in->file, err);
    if (st == IAF_OK) st = iaf_pq_meta_read(in->file, &in->meta, err);
    if (st != IAF_OK) {
        iaf_inspect_free(in);
        return st;
    }
    *out = in;
    return IAF_OK;
}

iaf_status iaf_inspect_verify(iaf_inspection *in, size_t *checked, iaf_error *err)
{
    in->checked = 0;
    iaf_status st =
        in->text ? text_verify(in->text, err) : iaf_pq_verify(in->file, &in->checked, err);
    in->verified = st == IAF_OK ? 1 : -1;
    if (checked) *checked = in->checked;
    return st;
}

iaf_status iaf_inspect_write_text(const iaf_inspection *in, iaf_buffer *out, iaf_error *err)
{
    iaf_buf *b = iaf_buffer_raw(out);
    if (in->text) {
        int rc = print_text_cols(in->text, in->verified == 1, b);
        if (in->verified == 1)
            rc |= iaf_buf_printf(b, "verified: %lld rows read\n", in->text->nrows);
        return rc ? iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory") : IAF_OK;
    }
    int rc = print_text(in->meta, b);
    if (in->verified == 1)
        rc |= iaf_buf_printf(b, "verified: %zu flat columns decoded\n", in->checked);
    return rc ? iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory") : IAF_OK;
}

iaf_status iaf_inspect_write_json(const iaf_inspection *in, iaf_buffer *out, iaf_error *err)
{
    json_t *j = in->text ? text_json(in->text, in->verified == 1) : to_json(in->meta);
    if (j && in->verified && in->text)
        json_object_set_new(j, "verified_rows",
                            in->verified == 1 ? json_integer(in->text->nrows) : json_null());
    else if (j && in->verified)
        json_object_set_new(j, "verified_flat_columns",
                            in->verified == 1 ? json_integer((json_int_t)in->checked)
                                              : json_null());
    char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    iaf_buf *b = iaf_buffer_raw(out);
    int rc = !s || iaf_buf_puts(b, s) != 0 || iaf_buf_puts(b, "\n") != 0;
    iaf_free(s);
    return rc ? iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory") : IAF_OK;
}

void iaf_inspect_free(iaf_inspection *in)
{
    if (!in) return;
    text_free(in->text);
    iaf_pq_meta_free(in->meta);
    iaf_file_close(in->file);
    iaf_free(in);
}
