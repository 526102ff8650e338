/* src/report/rview.c - see rview.h. */
#include "report/rview.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"

iaf_status iaf_rv_load(const char *text, size_t n, json_t **out, iaf_error *err)
{
    *out = NULL;
    json_error_t je;
    /* A report is a few MB at most; duplicates would mean a broken writer. */
    json_t *doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
    if (!doc)
        return iaf_error_set(err, IAF_ERR_PARSE, NULL, je.line > 0 ? je.line : 0,
                             je.column > 0 ? je.column : 0, "report.json: %s", je.text);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return iaf_error_set(err, IAF_ERR_PARSE, NULL, 0, 0,
                             "report.json: the document is not a JSON object");
    }
    const char *schema = iaf_rv_str(doc, "schema");
    if (!schema || strcmp(schema, IAF_REPORT_SCHEMA) != 0) {
        iaf_status st = iaf_error_set(err, IAF_ERR_UNSUPPORTED, NULL, 0, 0,
                                      "report.json: schema is '%s', this iaf renders '%s'",
                                      schema ? schema : "(none)", IAF_REPORT_SCHEMA);
        json_decref(doc);
        return st;
    }
    *out = doc;
    return IAF_OK;
}

const char *iaf_rv_str(const json_t *o, const char *key)
{
    json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int iaf_rv_num(const json_t *o, const char *key, double *out)
{
    json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    if (!json_is_number(v)) return 0;
    double d = json_number_value(v);
    if (!isfinite(d)) return 0;
    *out = d;
    return 1;
}

double iaf_rv_numv(const json_t *o, const char *key)
{
    double d;
    return iaf_rv_num(o, key, &d) ? d : NAN;
}

json_t *iaf_rv_obj(const json_t *o, const char *key)
{
    json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_object(v) ? v : NULL;
}

json_t *iaf_rv_arr(const json_t *o, const char *key)
{
    json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_array(v) ? v : NULL;
}

int iaf_rv_bool(const json_t *o, const char *key, int *out)
{
    json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    if (!json_is_boolean(v)) return 0;
    *out = json_is_true(v);
    return 1;
}

/* {lo, hi} or [lo, hi] */
static int pair_of(const json_t *v, double *lo, double *hi)
{
    if (json_is_object(v)) return iaf_rv_num(v, "lo", lo) && iaf_rv_num(v, "hi", hi);
    if (json_is_array(v) && json_array_size(v) == 2) {
        json_t *a = json_array_get(v, 0), *b = json_array_get(v, 1);
        if (!json_is_number(a) || !json_is_number(b)) return 0;
        *lo = json_number_value(a);
        *hi = json_number_value(b);
        return isfinite(*lo) && isfinite(*hi);
    }
    return 0;
}

int iaf_rv_interval(const json_t *o, const char *key, double *lo, double *hi)
{
    if (!json_is_object(o)) return 0;
    char k[128];
    json_t *iv = iaf_rv_obj(o, "intervals");
    if (iv && pair_of(json_object_get(iv, key), lo, hi)) return 1;
    snprintf(k, sizeof k, "%s_lo", key);
    if (iaf_rv_num(o, k, lo)) {
        snprintf(k, sizeof k, "%s_hi", key);
        if (iaf_rv_num(o, k, hi)) return 1;
    }
    if (pair_of(json_object_get(o, key), lo, hi)) return 1;
    snprintf(k, sizeof k, "%s_interval", key);
    return pair_of(json_object_get(o, k), lo, hi);
}

int iaf_rv_estimate(const json_t *o, const char *key, double *out)
{
    if (iaf_rv_num(o, key, out)) return 1;
    json_t *v = iaf_rv_obj(o, key);
    return v && (iaf_rv_num(v, "estimate", out) || iaf_rv_num(v, "value", out));
}

void iaf_rv_fixed(iaf_buf *b, double v, int digits)
{
    if (!isfinite(v)) {
        iaf_buf_puts(b, "\xE2\x80\x93");
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", digits, v);
    /* "-0.000" reads as a sign that is not there */
    const char *p = tmp;
    if (*p == '-') {
        int zero = 1;
        for (const char *q = p + 1; *q; q++)
            if (*q >= '1' && *q <= '9') zero = 0;
        if (zero) p++;
    }
    iaf_buf_puts(b, p);
}

void iaf_rv_signed(iaf_buf *b, double v, int digits)
{
    if (isfinite(v)) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*f", digits, v);
        int nonzero = 0;
        for (const char *q = tmp; *q; q++)
            if (*q >= '1' && *q <= '9') nonzero = 1;
        if (nonzero && v > 0) iaf_buf_puts(b, "+");
    }
    iaf_rv_fixed(b, v, digits);
}

void iaf_rv_count(iaf_buf *b, double v)
{
    if (!isfinite(v)) {
        iaf_buf_puts(b, "\xE2\x80\x93");
        return;
    }
    if (v != floor(v) || fabs(v) >= 1e18) {
        iaf_rv_fixed(b, v, 2);
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t n = strlen(digits);
    if (v < 0) iaf_buf_puts(b, "-");
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) iaf_buf_puts(b, ",");
        iaf_buf_append(b, digits + i, 1);
    }
}

void iaf_rv_pct(iaf_buf *b, double v)
{
    iaf_rv_fixed(b, isfinite(v) ? v * 100.0 : v, 2);
    if (isfinite(v)) iaf_buf_puts(b, "%");
}

int iaf_rv_metric_digits(const char *name)
{
    if (!name) return 4;
    if (!strcmp(name, "retention") || !strcmp(name, "footprint") ||
        !strncmp(name, "flattening", 10) || !strcmp(name, "segregation_retention"))
        return 3;
    size_t n = strlen(name);
    if (n > 3 && !strcmp(name + n - 3, "_pp")) return 2;
    return 4;
}

void iaf_rv_metric(iaf_buf *b, double v)
{
    iaf_rv_fixed(b, v, isfinite(v) && fabs(v) >= 10 ? 2 : 4);
}
