/* src/api/inspect.c - iaf/inspect.h: what a Parquet file holds, as text or
 * JSON, over the Parquet reader's footer and verification (src/io/parquet). */
#include "iaf/inspect.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "io/file.h"
#include "io/parquet/parquet.h"
#include "util/util.h"

struct iaf_inspection {
    iaf_file *file;
    iaf_pq_meta *meta;
    int verified; /* 0 not asked, 1 every flat column decoded, -1 a column failed */
    size_t checked;
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

iaf_status iaf_inspect_open(const char *path, iaf_inspection **out, iaf_error *err)
{
    *out = NULL;
    iaf_inspection *in = iaf_calloc(1, sizeof *in);
    if (!in) return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
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
    iaf_status st = iaf_pq_verify(in->file, &in->checked, err);
    in->verified = st == IAF_OK ? 1 : -1;
    if (checked) *checked = in->checked;
    return st;
}

iaf_status iaf_inspect_write_text(const iaf_inspection *in, iaf_buffer *out, iaf_error *err)
{
    iaf_buf *b = iaf_buffer_raw(out);
    int rc = print_text(in->meta, b);
    if (in->verified == 1)
        rc |= iaf_buf_printf(b, "verified: %zu flat columns decoded\n", in->checked);
    return rc ? iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory") : IAF_OK;
}

iaf_status iaf_inspect_write_json(const iaf_inspection *in, iaf_buffer *out, iaf_error *err)
{
    json_t *j = to_json(in->meta);
    if (j && in->verified)
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
    iaf_pq_meta_free(in->meta);
    iaf_file_close(in->file);
    iaf_free(in);
}
