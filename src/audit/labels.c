/* src/audit/labels.c - classification files that title the codes of
 * attributes (`labels:`, docs/spec.md): read once per audit, written to
 * report.json beside the codes, which every report keeps (the titles of the
 * codes the report shows, not the whole classification). */
#include <string.h>

#include "audit/audit.h"
#include "io/csv.h"
#include "util/util.h"

static iaf_status load_one(const iaf_spec_labels *l, iaf_label_set *out, iaf_error *err)
{
    iaf_csv_table *t = NULL;
    iaf_status st = iaf_csv_table_read(l->file, NULL, &t, err);
    if (st != IAF_OK) return st;
    int cc = l->code ? iaf_csv_table_col(t, l->code) : 0;
    int tc = l->title ? iaf_csv_table_col(t, l->title) : 1;
    iaf_strmap seen;
    memset(&seen, 0, sizeof seen);
    if (cc < 0 || tc < 0 || (size_t)tc >= t->ncols || (size_t)cc >= t->ncols) {
        st = iaf_error_set(err, IAF_ERR_PARSE, l->file, 1, 1,
                           "labels: no column '%s' (the %s column)",
                           cc < 0 || (size_t)cc >= t->ncols ? (l->code ? l->code : "1")
                                                            : (l->title ? l->title : "2"),
                           cc < 0 || (size_t)cc >= t->ncols ? "code" : "title");
        goto done;
    }
    out->code = iaf_calloc(t->nrows + 1, sizeof *out->code);
    out->title = iaf_calloc(t->nrows + 1, sizeof *out->title);
    if (!out->code || !out->title) goto oom;
    for (size_t r = 0; r < t->nrows; r++) {
        iaf_sv c = iaf_csv_cell(t, r, (size_t)cc), ti = iaf_csv_cell(t, r, (size_t)tc);
        if (!c.len) continue;
        size_t before = iaf_strmap_size(&seen);
        int64_t id = iaf_strmap_intern(&seen, c.ptr, c.len);
        if (id < 0) goto oom;
        if (iaf_strmap_size(&seen) == before) {
            /* a code given twice (the KSCO-7 text lists 2722 under two titles): both
             * titles are shown, joined, so the ambiguity stays visible */
            char *prev = out->title[id];
            if (strlen(prev) == ti.len && !memcmp(prev, ti.ptr, ti.len)) continue;
            iaf_buf b = {0};
            if (iaf_buf_printf(&b, "%s / %.*s", prev, (int)ti.len, ti.ptr) != 0) goto oom;
            iaf_free(prev);
            out->title[id] = b.data;
            continue;
        }
        if (!(out->code[out->n] = iaf_strndup(c.ptr, c.len)) ||
            !(out->title[out->n] = iaf_strndup(ti.ptr, ti.len)))
            goto oom;
        out->n++;
    }
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_strmap_free(&seen);
    iaf_csv_table_free(t);
    return st;
}

iaf_status iaf_audit_labels(iaf_audit *a, iaf_error *err)
{
    const iaf_spec *s = a->spec;
    if (!s->nlabels) return IAF_OK;
    a->labels = iaf_calloc(s->nlabels, sizeof *a->labels);
    if (!a->labels) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    a->nlabels = s->nlabels;
    for (size_t i = 0; i < s->nlabels; i++) {
        a->labels[i].spec = &s->labels[i];
        iaf_status st = load_one(&s->labels[i], &a->labels[i], err);
        if (st != IAF_OK) return st;
    }
    return IAF_OK;
}

void iaf_labels_json(const iaf_audit *a, const iaf_strmap *shown, iaf_json *j)
{
    iaf_json_begin_array(j);
    for (size_t i = 0; i < a->nlabels; i++) {
        const iaf_label_set *l = &a->labels[i];
        iaf_json_begin_object(j);
        iaf_json_key(j, "attributes");
        iaf_json_begin_array(j);
        for (size_t k = 0; k < l->spec->nattributes; k++)
            iaf_json_str(j, l->spec->attributes[k]);
        iaf_json_end_array(j);
        iaf_json_kstr(j, "file", l->spec->file_as_written);
        iaf_json_key(j, "titles");
        iaf_json_begin_object(j);
        for (size_t k = 0; k < l->n; k++)
            if (!shown || iaf_strmap_find(shown, l->code[k], strlen(l->code[k])) >= 0)
                iaf_json_kstr(j, l->code[k], l->title[k]);
        iaf_json_end_object(j);
        iaf_json_end_object(j);
    }
    iaf_json_end_array(j);
}

void iaf_labels_free(iaf_audit *a)
{
    for (size_t i = 0; a->labels && i < a->nlabels; i++) {
        for (size_t k = 0; k < a->labels[i].n; k++)
            iaf_free(a->labels[i].code[k]), iaf_free(a->labels[i].title[k]);
        iaf_free(a->labels[i].code), iaf_free(a->labels[i].title);
    }
    iaf_free(a->labels);
    a->labels = NULL;
    a->nlabels = 0;
}
