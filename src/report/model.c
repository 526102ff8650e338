/* src/report/model.c - see model.h. */
#include "report/model.h"
#include "util/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* A shape error: the member is named by its path in the document. */
static iaf_status shape_error(iaf_error *err, const char *path, const char *want, const json_t *v)
{
    return iaf_error_set(err, IAF_ERR_PARSE, NULL, 0, 0, "%s: expected %s, found %s", path, want,
                         v ? type_name(v) : "nothing");
}

/* o[key] must be absent, null or a string. */
static iaf_status opt_string(const json_t *o, const char *key, const char *path, iaf_error *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v) || json_is_string(v)) return IAF_OK;
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return shape_error(err, p, "a string", v);
}

/* o[key] must be a string. */
static iaf_status req_string(const json_t *o, const char *key, const char *path, iaf_error *err)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v)) return IAF_OK;
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    return shape_error(err, p, "a string", v);
}

/* A verdict is a string, an object whose "verdict" is a string or null, or
 * null / absent (not screened). */
static iaf_status verdict_shape(const json_t *o, const char *path, iaf_error *err)
{
    json_t *v = json_object_get(o, "verdict");
    if (!v || json_is_null(v) || json_is_string(v)) return IAF_OK;
    char p[160];
    snprintf(p, sizeof p, "%s.verdict", path);
    if (!json_is_object(v)) return shape_error(err, p, "a string or an object", v);
    return opt_string(v, "verdict", p, err);
}

static iaf_status schema_version(const json_t *doc, int *version, iaf_error *err)
{
    json_t *s = json_object_get(doc, "schema");
    if (!json_is_string(s))
        return iaf_error_set(err, IAF_ERR_UNSUPPORTED, NULL, 0, 0,
                             "not an iaf report: schema is '(none)', this iaf renders '%s'",
                             IAF_REPORT_SCHEMA);
    const char *t = json_string_value(s);
    size_t np = strlen(IAF_REPORT_SCHEMA_PREFIX);
    if (strncmp(t, IAF_REPORT_SCHEMA_PREFIX, np) != 0)
        return iaf_error_set(err, IAF_ERR_UNSUPPORTED, NULL, 0, 0,
                             "not an iaf report: schema is '%s', this iaf renders '%s'", t,
                             IAF_REPORT_SCHEMA);
    char *end = NULL;
    long v = strtol(t + np, &end, 10);
    if (end == t + np || *end || v != IAF_REPORT_VERSION)
        return iaf_error_set(err, IAF_ERR_UNSUPPORTED, NULL, 0, 0,
                             "unsupported report version: schema is '%s', this iaf renders '%s'", t,
                             IAF_REPORT_SCHEMA);
    *version = (int)v;
    return IAF_OK;
}

static iaf_status check_shapes(const json_t *checks, iaf_strmap *ids, iaf_error *err)
{
    size_t i, j;
    json_t *k, *a;
    json_array_foreach(checks, i, k)
    {
        char p[64];
        snprintf(p, sizeof p, "checks[%zu]", i);
        if (!json_is_object(k)) return shape_error(err, p, "an object", k);
        iaf_status st;
        if ((st = req_string(k, "id", p, err)) != IAF_OK) return st;
        if ((st = req_string(k, "kind", p, err)) != IAF_OK) return st;
        if ((st = verdict_shape(k, p, err)) != IAF_OK) return st;
        if ((st = opt_string(k, "diagnosis", p, err)) != IAF_OK) return st;
        json_t *attrs = json_object_get(k, "attributes");
        if (attrs && !json_is_null(attrs) && !json_is_array(attrs)) {
            char q[160];
            snprintf(q, sizeof q, "%s.attributes", p);
            return shape_error(err, q, "an array", attrs);
        }
        json_array_foreach(attrs, j, a)
        {
            char q[160];
            snprintf(q, sizeof q, "%s.attributes[%zu]", p, j);
            if (!json_is_object(a)) return shape_error(err, q, "an object", a);
            if ((st = opt_string(a, "name", q, err)) != IAF_OK) return st;
        }
        const char *id = json_string_value(json_object_get(k, "id"));
        int64_t e = iaf_strmap_intern(ids, id, strlen(id));
        if (e < 0)
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory reading a report");
        if ((size_t)e != i)
            return iaf_error_set(err, IAF_ERR_PARSE, NULL, 0, 0,
                                 "%s.id: '%s' is also the id of checks[%lld]", p, id, (long long)e);
    }
    return IAF_OK;
}

static iaf_status row_shapes(const json_t *hl, iaf_error *err)
{
    size_t i;
    json_t *h;
    json_array_foreach(hl, i, h)
    {
        char p[64];
        snprintf(p, sizeof p, "headline[%zu]", i);
        if (!json_is_object(h)) return shape_error(err, p, "an object", h);
        iaf_status st;
        static const char *const opt[] = {"attributes", "reference", "universe", "diagnosis",
                                          "key_metric"};
        if ((st = req_string(h, "check", p, err)) != IAF_OK) return st;
        if ((st = req_string(h, "kind", p, err)) != IAF_OK) return st;
        if ((st = verdict_shape(h, p, err)) != IAF_OK) return st;
        for (size_t k = 0; k < sizeof opt / sizeof opt[0]; k++)
            if ((st = opt_string(h, opt[k], p, err)) != IAF_OK) return st;
    }
    return IAF_OK;
}

/* "headline" and "checks" are optional (a report of no checks), but when
 * present they are arrays. */
static iaf_status list_of(const json_t *doc, const char *key, json_t **out, iaf_error *err)
{
    json_t *v = json_object_get(doc, key);
    *out = NULL;
    if (!v || json_is_null(v)) return IAF_OK;
    if (!json_is_array(v)) return shape_error(err, key, "an array", v);
    *out = v;
    return IAF_OK;
}

void iaf_rm_tally_add(iaf_rm_tally *t, const char *verdict)
{
    t->n++;
    if (!verdict)
        t->pending++;
    else if (!strcmp(verdict, "PASS"))
        t->pass++;
    else if (!strcmp(verdict, "FLAG"))
        t->flag++;
    else
        t->inconclusive++;
}

const json_t *iaf_report_model_check(const iaf_report_model *m, const char *id)
{
    if (!m || !id) return NULL;
    int64_t i = iaf_strmap_find(&m->ids, id, strlen(id));
    return i < 0 ? NULL : m->checks[i];
}

/* Support, n_eff and the key metric's threshold of a row (see model.h). */
static void row_basis(iaf_rm_row *r)
{
    const json_t *vs = iaf_rv_arr(r->check, "variants");
    const json_t *sup = iaf_rv_obj(json_array_get(vs, 0), "support");
    if (!sup) sup = iaf_rv_obj(r->check, "support");
    r->support_ref = iaf_rv_numv(sup, "support_ref");
    r->n_eff = iaf_rv_numv(sup, "n_eff");
    r->threshold =
        r->key.metric ? iaf_rv_numv(iaf_rv_obj(r->check, "thresholds"), r->key.metric) : NAN;
}

static iaf_status build(iaf_report_model *m, iaf_error *err)
{
    json_t *hl, *checks;
    iaf_status st;
    if ((st = schema_version(m->doc, &m->version, err)) != IAF_OK) return st;
    if ((st = opt_string(m->doc, "name", "report", err)) != IAF_OK) return st;
    if ((st = list_of(m->doc, "headline", &hl, err)) != IAF_OK) return st;
    if ((st = list_of(m->doc, "checks", &checks, err)) != IAF_OK) return st;
    if ((st = row_shapes(hl, err)) != IAF_OK) return st;
    if ((st = check_shapes(checks, &m->ids, err)) != IAF_OK) return st;
    m->name = iaf_rv_str(m->doc, "name");
    m->nchecks = checks ? json_array_size(checks) : 0;
    m->nrows = hl ? json_array_size(hl) : 0;
    if ((m->nchecks && !(m->checks = iaf_calloc(m->nchecks, sizeof *m->checks))) ||
        (m->nrows && !(m->rows = iaf_calloc(m->nrows, sizeof *m->rows))))
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory reading a report");
    for (size_t i = 0; i < m->nchecks; i++)
        m->checks[i] = json_array_get(checks, i);
    for (size_t i = 0; i < m->nrows; i++) {
        const json_t *h = json_array_get(hl, i);
        iaf_rm_row *r = &m->rows[i];
        r->json = h;
        r->check_id = iaf_rv_str(h, "check");
        r->kind = iaf_rv_str(h, "kind");
        r->rank = iaf_rk_rank(r->kind);
        r->attributes = iaf_rv_str(h, "attributes");
        r->reference = iaf_rv_str(h, "reference");
        r->universe = iaf_rv_str(h, "universe");
        r->verdict = iaf_rv_verdict(h, NULL);
        r->diagnosis = iaf_rv_diagnosis(h);
        r->check = iaf_report_model_check(m, r->check_id);
        iaf_rv_attr_names(r->check, &r->ax, &r->ay);
        iaf_rv_key(h, r->check, &r->key);
        row_basis(r);
        iaf_rm_tally_add(&m->tally[r->rank], r->verdict);
        iaf_rm_tally_add(&m->total, r->verdict);
    }
    if (iaf_rm_answers_build(m) != IAF_OK)
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory reading a report");
    return IAF_OK;
}

iaf_status iaf_report_model_load(const char *text, size_t n, iaf_report_model **out, iaf_error *err)
{
    *out = NULL;
    iaf_report_model *m = iaf_calloc(1, sizeof *m);
    if (!m || iaf_buf_append(&m->text, text ? text : "", n) != 0) {
        iaf_free(m);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory reading a report");
    }
    json_error_t je;
    /* A report is a few MB at most; duplicates would mean a broken writer. */
    iaf_json_prepare();
    m->doc = json_loadb(m->text.data ? m->text.data : "", n, JSON_REJECT_DUPLICATES, &je);
    iaf_status st = IAF_OK;
    /* jansson reports most failed allocations with no text at all (a failed
     * array or object insert), and some as a syntax error: the allocator
     * hook notes them (iaf_json_alloc_failed); even with a document, jansson
     * may have dropped what it could not store */
    if (iaf_json_alloc_failed() ||
        (!m->doc && (json_error_code(&je) == json_error_out_of_memory || !je.text[0])))
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory reading JSON");
    else if (!m->doc)
        st = iaf_error_set(err, IAF_ERR_PARSE, NULL, je.line > 0 ? je.line : 0,
                           je.column > 0 ? je.column : 0, "invalid JSON: %s", je.text);
    else if (!json_is_object(m->doc))
        st = iaf_error_set(err, IAF_ERR_PARSE, NULL, 0, 0,
                           "not an iaf report: the document is not a JSON object");
    else
        st = build(m, err);
    if (st != IAF_OK) {
        iaf_report_model_free(m);
        return st;
    }
    *out = m;
    return IAF_OK;
}

void iaf_report_model_free(iaf_report_model *m)
{
    if (!m) return;
    json_decref(m->doc);
    iaf_buf_free(&m->text);
    iaf_buf_free(&m->headline);
    iaf_strmap_free(&m->ids);
    iaf_rm_answers_free(m);
    iaf_free(m->rows);
    iaf_free(m->checks);
    iaf_free(m);
}
