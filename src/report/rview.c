/* src/report/rview.c - see rview.h. */
#include "report/rview.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "report/rkinds.h"
#include "report/svg.h"

#define DASH "\xE2\x80\x93"

iaf_status iaf_rv_load_schema(const char *text, size_t n, const char *schema_want, const char *what,
                              json_t **out, iaf_error *err)
{
    *out = NULL;
    json_error_t je;
    /* A report is a few MB at most; duplicates would mean a broken writer. */
    iaf_json_prepare();
    json_t *doc = json_loadb(text ? text : "", n, JSON_REJECT_DUPLICATES, &je);
    /* jansson reports most failed allocations with no text at all (a failed
     * array or object insert), and some as a syntax error: the allocator
     * hook notes them (iaf_json_alloc_failed) */
    if (iaf_json_alloc_failed() ||
        (!doc && (json_error_code(&je) == json_error_out_of_memory || !je.text[0]))) {
        /* even with a document: jansson may have dropped what it could not store */
        json_decref(doc);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory reading JSON");
    }
    if (!doc)
        return iaf_error_set(err, IAF_ERR_PARSE, NULL, je.line > 0 ? je.line : 0,
                             je.column > 0 ? je.column : 0, "invalid JSON: %s", je.text);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return iaf_error_set(err, IAF_ERR_PARSE, NULL, 0, 0,
                             "not %s: the document is not a JSON object", what);
    }
    const char *schema = iaf_rv_str(doc, "schema");
    if (!schema || strcmp(schema, schema_want) != 0) {
        iaf_status st = iaf_error_set(err, IAF_ERR_UNSUPPORTED, NULL, 0, 0,
                                      "not %s: schema is '%s', this iaf renders '%s'", what,
                                      schema ? schema : "(none)", schema_want);
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

const char *iaf_rv_title(const json_t *doc, const char *attr, const char *code)
{
    const json_t *sets = json_object_get(doc, "labels");
    size_t i, k;
    json_t *set, *a;
    if (!attr || !code || !json_is_array(sets)) return NULL;
    json_array_foreach(sets, i, set)
    {
        json_array_foreach(json_object_get(set, "attributes"), k, a)
        {
            if (json_is_string(a) && !strcmp(json_string_value(a), attr)) {
                const char *t = iaf_rv_str(json_object_get(set, "titles"), code);
                if (t && *t) return t;
            }
        }
    }
    return NULL;
}

char *iaf_rv_code_title(const json_t *doc, const char *attr, const char *code)
{
    const char *t = iaf_rv_title(doc, attr, code);
    if (!t) return NULL;
    size_t a = strlen(code), b = strlen(t);
    char *out = iaf_malloc(a + b + 2);
    if (!out) return NULL;
    memcpy(out, code, a);
    out[a] = ' ';
    memcpy(out + a + 1, t, b + 1);
    return out;
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

int iaf_rv_metric_digits(const char *name)
{
    if (!name) return 4;
    if (!strcmp(name, "retention") || !strncmp(name, "footprint", 9) ||
        !strncmp(name, "flattening", 10) || !strcmp(name, "segregation_retention"))
        return 3;
    size_t n = strlen(name);
    if (n > 3 && !strcmp(name + n - 3, "_pp")) return 2;
    return 4;
}

/* An id made of [A-Za-z0-9_.-]; when the source id had other characters
 * a hash keeps distinct ids distinct. */
void iaf_rv_anchor(iaf_buf *b, const char *prefix, const char *id)
{
    iaf_rv_puts(b, prefix);
    if (!id || !*id) {
        iaf_rv_puts(b, "unnamed");
        return;
    }
    int changed = 0;
    for (const char *p = id; *p; p++) {
        char ch = *p;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '_' || ch == '-' || ch == '.';
        if (!ok) changed = 1;
        iaf_rv_append(b, ok ? p : "_", 1);
    }
    if (changed) iaf_rv_printf(b, "-%08x", (unsigned)(iaf_hash(id, strlen(id)) & 0xffffffffu));
}

const char *iaf_rv_metric_label(const char *m)
{
    static const char *const names[][2] = {
        {"tvd", "TVD"},
        {"tvd_joint", "TVD (joint)"},
        {"tvd_x", "TVD of the first marginal"},
        {"tvd_y", "TVD of the second marginal"},
        {"cond_tvd_y_given_x", "conditional TVD"},
        {"cond_tvd_x_given_y", "conditional TVD, reversed"},
        {"max_cell_pp", "largest cell difference (pp)"},
        {"hellinger", "Hellinger distance"},
        {"js_distance", "Jensen-Shannon distance"},
        {"retention", "retention"},
        {"footprint", "footprint"},
        {"footprint_dep", "footprint of the dependence"},
        {"noise_floor", "noise floor of the TVD"},
        {"flattening_pooled", "pooled flattening"},
        {"flattening_mean", "mean flattening"},
        {"segregation_retention", "segregation retention"},
        {"violations", "violations"},
        {"share", "share"},
        {"outside_window", "outside the age window"},
    };
    if (!m) return "";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(m, names[i][0])) return names[i][1];
    return m;
}

/* "conditional TVD (sex | age_bin)" when the attribute names are known. */
void iaf_rv_metric_name(iaf_buf *b, const char *m, const char *ax, const char *ay)
{
    if (m && ax && ay && !strcmp(m, "cond_tvd_y_given_x")) {
        iaf_rv_printf(b, "conditional TVD (%s | %s)", ay, ax);
    } else if (m && ax && ay && !strcmp(m, "cond_tvd_x_given_y")) {
        iaf_rv_printf(b, "conditional TVD (%s | %s)", ax, ay);
    } else if (m && ax && !strcmp(m, "tvd_x")) {
        iaf_rv_printf(b, "TVD of %s", ax);
    } else if (m && ay && !strcmp(m, "tvd_y")) {
        iaf_rv_printf(b, "TVD of %s", ay);
    } else {
        iaf_rv_puts(b, iaf_rv_metric_label(m));
    }
}

const json_t *iaf_rv_find_by_id(const json_t *doc, const char *list, const char *id)
{
    json_t *a = iaf_rv_arr(doc, list);
    size_t i;
    json_t *k;
    if (!id) return NULL;
    json_array_foreach(a, i, k)
    {
        const char *kid = iaf_rv_str(k, "id");
        if (kid && !strcmp(kid, id)) return k;
    }
    return NULL;
}

/* The names of a check's first two attributes. */
void iaf_rv_attr_names(const json_t *chk, const char **ax, const char **ay)
{
    json_t *attrs = iaf_rv_arr(chk, "attributes");
    *ax = iaf_rv_str(json_array_get(attrs, 0), "name");
    *ay = iaf_rv_str(json_array_get(attrs, 1), "name");
}

/* The verdict of a check or variant: a string, or an object with a
 * "verdict" member (the contract's verdict object). */
const char *iaf_rv_verdict(const json_t *o, const json_t **vobj)
{
    json_t *v = json_is_object(o) ? json_object_get(o, "verdict") : NULL;
    if (vobj) *vobj = json_is_object(v) ? v : NULL;
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_object(v)) return iaf_rv_str(v, "verdict");
    return NULL;
}

const char *iaf_rv_diagnosis(const json_t *o)
{
    const json_t *v;
    const char *d = iaf_rv_str(o, "diagnosis");
    if (d) return d;
    iaf_rv_verdict(o, &v);
    return v ? iaf_rv_str(v, "diagnosis") : NULL;
}

double iaf_rv_resnum(const json_t *o, const char *key)
{
    double v;
    if (iaf_rv_num(o, key, &v)) return v;
    return iaf_rv_numv(iaf_rv_obj(o, "result"), key);
}

void iaf_rv_key(const json_t *h, const json_t *chk, iaf_rv_keynum *k)
{
    const char *kind = iaf_rv_str(h, "kind");
    json_t *m = iaf_rv_obj(chk, "metrics");
    if (!m) m = iaf_rv_obj(json_array_get(iaf_rv_arr(chk, "variants"), 0), "metrics");
    k->metric = iaf_rv_str(h, "key_metric");
    k->est = iaf_rv_numv(h, "key_estimate");
    k->lo = iaf_rv_numv(h, "key_lo");
    k->hi = iaf_rv_numv(h, "key_hi");
    k->floor = k->of = k->exp_lo = k->exp_hi = NAN;
    /* none in the row: the kind's own (rkinds.c) */
    if (!k->metric && (iaf_rk_of(kind)->key(chk, k) || !k->metric)) return;
    /* tvd is tvd_joint under another name (report-schema.md) */
    const char *mname = !strcmp(k->metric, "tvd") ? "tvd_joint" : k->metric;
    if (!isfinite(k->est)) {
        if (!iaf_rv_num(h, k->metric, &k->est) && !iaf_rv_estimate(m, mname, &k->est)) k->est = NAN;
    }
    if (!isfinite(k->lo) || !isfinite(k->hi)) {
        if (!iaf_rv_interval(m, mname, &k->lo, &k->hi)) k->lo = k->hi = NAN;
    }
    if (!strcmp(mname, "tvd_joint"))
        k->floor = iaf_rv_numv(h, "noise_floor");
    else if (!strncmp(mname, "cond_tvd", 8))
        k->floor = iaf_rv_numv(m, "cond_noise_floor");
}

void iaf_rv_violations_text(iaf_buf *b, const iaf_rv_keynum *k)
{
    iaf_rv_puts(b, "violations ");
    iaf_rv_count(b, k->est);
    if (isfinite(k->of)) {
        iaf_rv_puts(b, " of ");
        iaf_rv_count(b, k->of);
    }
}

int iaf_rv_missing_text(iaf_buf *b, const json_t *cov, const char *side,
                        void (*text)(iaf_buf *, const char *), const char *open, const char *close)
{
    size_t i, k;
    json_t *a, *it;
    int n = 0;
    json_array_foreach(cov, i, a)
    {
        double rows = iaf_rv_numv(a, "missing_rows");
        if (!(rows > 0)) continue;
        if (b->len) iaf_rv_puts(b, "; ");
        if (!n) {
            iaf_rv_puts(b, side);
            iaf_rv_puts(b, " ");
        }
        text(b, iaf_rv_str(a, "attribute"));
        iaf_rv_puts(b, " ");
        iaf_rv_count(b, rows);
        iaf_rv_puts(b, " rows (");
        json_array_foreach(iaf_rv_arr(a, "missing_values"), k, it)
        {
            const char *v = iaf_rv_str(it, "value");
            if (k) iaf_rv_puts(b, ", ");
            if (k == 5) {
                iaf_rv_puts(b, "...");
                break;
            }
            if (!v || !v[0]) {
                iaf_rv_puts(b, v ? "empty" : "null");
            } else {
                iaf_rv_puts(b, open);
                text(b, v);
                iaf_rv_puts(b, close);
            }
            iaf_rv_puts(b, " ");
            iaf_rv_count(b, iaf_rv_numv(it, "rows"));
        }
        iaf_rv_puts(b, ")");
        n++;
    }
    return n;
}

void iaf_rv_key_text(iaf_buf *b, const iaf_rv_keynum *k, const char *ax, const char *ay)
{
    if (!k->metric || !isfinite(k->est)) {
        iaf_rv_puts(b, DASH);
        return;
    }
    if (!strcmp(k->metric, "violations")) {
        iaf_rv_violations_text(b, k);
        return;
    }
    int d = iaf_rv_metric_digits(k->metric);
    iaf_rv_metric_name(b, k->metric, ax, ay);
    iaf_rv_puts(b, " ");
    iaf_rv_estimate_text(b, k->est, k->lo, k->hi, d);
    if (isfinite(k->exp_lo) && isfinite(k->exp_hi)) {
        iaf_rv_puts(b, ", expected ");
        iaf_rv_interval_text(b, k->exp_lo, k->exp_hi, d);
    }
}

const json_t *iaf_rv_verdict_obj(const json_t *o)
{
    const json_t *v;
    iaf_rv_verdict(o, &v);
    if (!v) v = iaf_rv_obj(o, "verdict_detail");
    if (!v) v = iaf_rv_obj(iaf_rv_obj(o, "metrics"), "verdict");
    return v;
}

const char *iaf_rv_lang(const char *s)
{
    int ko = 0;
    if (!s) return NULL;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp = *p;
        int n = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
        if (n == 3 && p[1] && p[2])
            cp = ((cp & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
            (cp >= 0xFF66 && cp <= 0xFF9F))
            return "ja";
        if ((cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp <= 0x11FF) ||
            (cp >= 0x3130 && cp <= 0x318F))
            ko = 1;
        for (int i = 0; i < n && *p; i++)
            p++;
    }
    return ko ? "ko" : NULL;
}

void iaf_rv_html_text(iaf_buf *b, const char *s)
{
    const char *l = iaf_rv_lang(s);
    if (l) iaf_rv_printf(b, "<span lang=\"%s\">", l);
    iaf_svg_escape(b, s);
    if (l) iaf_rv_puts(b, "</span>");
}

void iaf_rv_html_badge(iaf_buf *b, const char *v, const char *none)
{
    const char *cls = !v                           ? "pending"
                      : !strcmp(v, "PASS")         ? "pass"
                      : !strcmp(v, "FLAG")         ? "flag"
                      : !strcmp(v, "INCONCLUSIVE") ? "inconclusive"
                                                   : "other";
    iaf_rv_printf(b, "<span class=\"v v-%s\">", cls);
    iaf_svg_escape(b, v ? v : none);
    iaf_rv_puts(b, "</span>");
}

void iaf_rv_html_figcaption(iaf_buf *b, double w)
{
    int step = w > 0 && w < 1e6 ? (int)ceil(w / 40) : 8;
    iaf_rv_printf(b, "<figcaption class=\"w%d\">", step < 8 ? 8 : step > 32 ? 32 : step);
}

static int md_word(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch >= 0x80;
}

static void md_escape(iaf_buf *b, const char *s, int link_text)
{
    if (!s) return;
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        int esc = 0;
        if (ch == '\n' || ch == '\r' || ch == '\t') {
            iaf_rv_puts(b, " ");
            continue;
        }
        if (ch < 0x20 || ch == 0x7f) {
            iaf_rv_puts(b, "\xEF\xBF\xBD"); /* U+FFFD */
            continue;
        }
        if (strchr("\\`*<>&|~", ch))
            esc = 1;
        else if (p == s && (ch == '#' || ((ch == '+' || ch == '-') && (p[1] == ' ' || !p[1]))))
            esc = 1; /* a heading or list item where the text starts a line */
        else if (ch == '_') {
            /* a run of '_' inside a word opens no emphasis (CommonMark's
             * flanking rules), so sex__census stays as it is */
            const char *a = p, *z = p;
            while (a > s && a[-1] == '_')
                a--;
            while (z[1] == '_')
                z++;
            esc = !(a > s && md_word((unsigned char)a[-1]) && md_word((unsigned char)z[1]));
        } else if (ch == ']' && (p[1] == '(' || p[1] == '[' || p[1] == ':'))
            esc = 1; /* inline link, full reference, link reference definition */
        else if (link_text && (ch == '[' || ch == ']'))
            esc = 1;
        if (esc) iaf_rv_puts(b, "\\");
        iaf_rv_append(b, p, 1);
    }
}

void iaf_rv_md_text(iaf_buf *b, const char *s)
{
    md_escape(b, s, 0);
}

void iaf_rv_md_link_text(iaf_buf *b, const char *s)
{
    md_escape(b, s, 1);
}

void iaf_rv_md_url(iaf_buf *b, const char *url)
{
    if (!url) return;
    int ok = !strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8);
    for (const unsigned char *p = (const unsigned char *)url; ok && *p; p++)
        if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>') ok = 0;
    if (!ok) {
        iaf_rv_md_text(b, url);
        return;
    }
    iaf_rv_puts(b, "<");
    iaf_rv_puts(b, url);
    iaf_rv_puts(b, ">");
}
