/* src/report/api.c - the public report API (iaf/report.h) over the report
 * model (model.h) and the renderers (html.h, replication.h). */
#include "iaf/report.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/file.h"
#include "report/html.h"
#include "report/model.h"
#include "report/replication.h"
#include "report/report.h"
#include "util/util.h"

/* The whole file in memory. A report is a few megabytes (25 MB for the largest taxonomies
 * seen); the cap bounds what a hostile file can make jansson allocate. */
#define REPORT_MAX_BYTES ((size_t)128 << 20)

iaf_status iaf_report_from_audit(const iaf_audit *a, const iaf_report_meta *meta, iaf_report **out,
                                 iaf_error *err)
{
    static const iaf_report_meta none = {NULL, NULL};
    return iaf_report_model_from_audit(a, meta ? meta : &none, out, err);
}

iaf_status iaf_report_load(const char *text, size_t n, iaf_report **out, iaf_error *err)
{
    return iaf_report_model_load(text, n, out, err);
}

void iaf_report_free(iaf_report *r)
{
    iaf_report_model_free(r);
}

iaf_status iaf_report_read_file(const char *path, char **text, size_t *n, iaf_error *err)
{
    iaf_buf b = {0};
    iaf_status st = !strcmp(path, "-")
                        ? iaf_fd_read_all(0, "<stdin>", REPORT_MAX_BYTES, "a report", &b, err)
                        : iaf_file_read_all(path, REPORT_MAX_BYTES, "a report", &b, err);
    *text = NULL;
    *n = 0;
    if (st != IAF_OK) {
        iaf_buf_free(&b);
        return st;
    }
    if (!b.data && iaf_buf_puts(&b, "") != 0)
        return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    *text = b.data;
    *n = b.len;
    return IAF_OK;
}

/* Hand the buffer over as a NUL-terminated string. */
static iaf_status take(iaf_buf *b, iaf_status st, char **out, size_t *n, iaf_error *err)
{
    if (st == IAF_OK && !b->data && iaf_buf_puts(b, "") != 0)
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (st != IAF_OK) {
        iaf_buf_free(b);
        return st;
    }
    *out = b->data;
    if (n) *n = b->len;
    return IAF_OK;
}

iaf_status iaf_report_render(const iaf_report *r, iaf_report_format f, char **out, size_t *n,
                             iaf_error *err)
{
    iaf_buf b = {0};
    iaf_status st = IAF_OK;
    *out = NULL;
    if (n) *n = 0;
    switch (f) {
    case IAF_REPORT_FORMAT_JSON:
        if (iaf_buf_append(&b, r->text.data ? r->text.data : "", r->text.len) != 0)
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        break;
    case IAF_REPORT_FORMAT_MD:
        st = iaf_report_md(r, &b, err);
        break;
    case IAF_REPORT_FORMAT_HTML:
        st = iaf_report_html(r, &b, err);
        break;
    case IAF_REPORT_FORMAT_CELLS:
        st = iaf_report_cells_csv(r, &b, err);
        break;
    case IAF_REPORT_FORMAT_HEADLINE:
        if (!r->has_headline)
            st = iaf_error_set(err, IAF_ERR_UNSUPPORTED, NULL, 0, 0,
                               "the headline is made from an audit, not from a saved report");
        else if (iaf_buf_append(&b, r->headline.data ? r->headline.data : "", r->headline.len))
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        break;
    default:
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "unknown report format %d", (int)f);
    }
    return take(&b, st, out, n, err);
}

iaf_status iaf_report_write(const iaf_report *r, iaf_report_format f, FILE *fp, iaf_error *err)
{
    char *text = NULL;
    size_t n = 0;
    iaf_status st = iaf_report_render(r, f, &text, &n, err);
    if (st == IAF_OK && fwrite(text, 1, n, fp) != n)
        st = iaf_error_set(err, IAF_ERR_IO, NULL, 0, 0, "cannot write the report");
    iaf_free(text);
    return st;
}

int iaf_report_version(const iaf_report *r)
{
    return r->version;
}

const char *iaf_report_name(const iaf_report *r)
{
    return r->name;
}

size_t iaf_report_nrows(const iaf_report *r)
{
    return r ? r->nrows : 0;
}

static const iaf_rm_row *row(const iaf_report *r, size_t i)
{
    assert(r && i < r->nrows);
    return &r->rows[i];
}

const char *iaf_report_row_check(const iaf_report *r, size_t i)
{
    return row(r, i)->check_id;
}

const char *iaf_report_row_kind(const iaf_report *r, size_t i)
{
    return row(r, i)->kind;
}

const char *iaf_report_row_verdict(const iaf_report *r, size_t i)
{
    return row(r, i)->verdict;
}

const char *iaf_report_row_diagnosis(const iaf_report *r, size_t i)
{
    return row(r, i)->diagnosis;
}

const char *iaf_report_row_key(const iaf_report *r, size_t i, double *est, double *lo, double *hi)
{
    const iaf_rv_keynum *k = &row(r, i)->key;
    if (est) *est = k->est;
    if (lo) *lo = k->lo;
    if (hi) *hi = k->hi;
    return k->metric;
}

void iaf_report_tally_of(const iaf_report *r, const char *kind, iaf_report_tally *out)
{
    iaf_rm_tally t = r->total;
    if (kind) {
        memset(&t, 0, sizeof t);
        for (size_t i = 0; i < r->nrows; i++)
            if (!strcmp(r->rows[i].kind, kind)) iaf_rm_tally_add(&t, r->rows[i].verdict);
    }
    out->n = t.n;
    out->pass = t.pass;
    out->flag = t.flag;
    out->inconclusive = t.inconclusive;
    out->pending = t.pending;
}

iaf_status iaf_replication_render_json(const char *text, size_t n, iaf_report_format f, char **out,
                                       size_t *outn, iaf_error *err)
{
    iaf_buf b = {0};
    iaf_status st;
    *out = NULL;
    if (outn) *outn = 0;
    if (f == IAF_REPORT_FORMAT_MD)
        st = iaf_replication_md(text, n, &b, err);
    else if (f == IAF_REPORT_FORMAT_HTML)
        st = iaf_replication_html(text, n, &b, err);
    else
        st = iaf_error_set(err, IAF_ERR_UNSUPPORTED, NULL, 0, 0,
                           "a replication renders as Markdown or HTML only");
    return take(&b, st, out, outn, err);
}
