/* src/report/headline.c - the plain-text headline `iaf audit` prints, from
 * the report model (model.h): the spec's question and the answer sentences
 * (answer.c), then one row per check grouped by kind, then the claims.
 *
 * At most 100 display columns a line (East Asian wide characters count
 * two; a single word longer than the line is not cut). Each number is
 * printed once; a partially identified quantity is given as bounds, never
 * as a point with an interval; every tally counts INCONCLUSIVE. */
#include <math.h>
#include <string.h>

#include "report/model.h"
#include "report/rkinds.h"
#include "report/rview.h"

#define WIDTH 100

/* Display columns of a UTF-8 string: East Asian wide characters take two. */
static size_t display_width_n(const char *s, size_t len)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned cp;
        size_t n;
        if (*p < 0x80)
            cp = *p, n = 1;
        else if ((*p & 0xE0) == 0xC0)
            cp = *p & 0x1Fu, n = 2;
        else if ((*p & 0xF0) == 0xE0)
            cp = *p & 0x0Fu, n = 3;
        else
            cp = *p & 0x07u, n = 4;
        for (size_t k = 1; k < n && p + k < end; k++)
            cp = (cp << 6) | (p[k] & 0x3Fu);
        for (size_t k = 0; k < n && p < end; k++)
            p++;
        int wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                   (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                   (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                   (cp >= 0xFFE0 && cp <= 0xFFE6);
        w += wide ? 2 : 1;
    }
    return w;
}

static size_t display_width(const char *s)
{
    return s ? display_width_n(s, strlen(s)) : 0;
}

static void spaces(iaf_buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        iaf_rv_puts(b, " ");
}

/* Text wrapped at WIDTH columns on spaces: the first line starts at column
 * `col` (already written), the next ones are indented by `indent`. */
static void wrap(iaf_buf *b, const char *s, size_t col, size_t indent)
{
    const char *p = s;
    int first_word = 1;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        size_t n = strcspn(p, " ");
        size_t w = display_width_n(p, n);
        if (!first_word && col + 1 + w > WIDTH) {
            iaf_rv_puts(b, "\n");
            spaces(b, indent);
            col = indent;
        } else if (!first_word) {
            iaf_rv_puts(b, " ");
            col++;
        }
        iaf_rv_append(b, p, n);
        col += w;
        first_word = 0;
        p += n;
    }
    iaf_rv_puts(b, "\n");
}

static void num(iaf_buf *b, double v, int d)
{
    iaf_rv_fixed(b, v, d);
}

/* "%.3g" of a threshold: 0.05, 0.1, 0.5 */
static void thr(iaf_buf *b, double v)
{
    iaf_rv_printf(b, "%.3g", v);
}

static const char *short_metric(const char *m)
{
    if (!m) return "";
    if (!strcmp(m, "tvd")) return "TVD";
    if (!strcmp(m, "cond_tvd_y_given_x")) return "cond. TVD";
    if (!strcmp(m, "cond_tvd_x_given_y")) return "cond. TVD (x|y)";
    if (!strcmp(m, "flattening_pooled")) return "flattening";
    if (!strcmp(m, "segregation_retention")) return "segregation kept";
    return m;
}

/* The key number of a conditional independence check (rkinds.h). */
void iaf_rk_condind_headline_key(iaf_buf *b, const iaf_rm_row *r, const json_t *v0)
{
    const json_t *ci = iaf_rv_obj(v0, "conditional_independence");
    if (!ci) { /* no member to read: as for any other kind */
        iaf_rk_headline_key(b, r, v0);
        return;
    }
    /* "a _||_ b | c: cond. dep. 0.0227 vs null 0.0232 (q95 0.0276)" */
    const json_t *syn = iaf_rv_obj(ci, "synthetic");
    double dep = iaf_rv_numv(syn, "cdep_tvd"), null = iaf_rv_numv(syn, "null_mean"),
           q95 = iaf_rv_numv(syn, "null_q95");
    if (r->attributes) iaf_rv_printf(b, "%s: ", r->attributes);
    if (!isfinite(dep)) {
        iaf_rv_puts(b, "no conditional dependence measured");
        return;
    }
    iaf_rv_puts(b, "cond. dep. ");
    num(b, dep, 4);
    if (isfinite(null)) {
        iaf_rv_puts(b, " vs null ");
        num(b, null, 4);
        if (isfinite(q95)) {
            iaf_rv_puts(b, " (q95 ");
            num(b, q95, 4);
            iaf_rv_puts(b, ")");
        }
    }
}

/* The key number of a row (rkinds.h): a point with its interval, or bounds
 * where a lumped remainder leaves the quantity partially identified. */
void iaf_rk_headline_key(iaf_buf *b, const iaf_rm_row *r, const json_t *v0)
{
    const iaf_rv_keynum *k = &r->key;
    const json_t *lump = iaf_rv_obj(v0, "lump");
    double ls = iaf_rv_numv(lump, "lump_share");
    int lumped = isfinite(ls) && ls > 0;
    if (!k->metric || !isfinite(k->est)) {
        iaf_rv_puts(b, "no key number");
        return;
    }
    if (!strcmp(k->metric, "violations")) {
        iaf_rv_violations_text(b, k);
        return;
    }
    int d = iaf_rv_metric_digits(k->metric);
    if (!strcmp(k->metric, "flattening_pooled")) d = 3;
    if (!strcmp(k->metric, "outside_window")) {
        iaf_rv_puts(b, "outside the age window ");
    } else {
        iaf_rv_puts(b, short_metric(k->metric));
        iaf_rv_puts(b, " ");
    }
    if (lumped) {
        double lo = iaf_rv_numv(lump, "cond_tvd_lower"), hi = iaf_rv_numv(lump, "cond_tvd_upper");
        if (!strcmp(k->metric, "flattening_pooled")) {
            lo = iaf_rv_numv(lump, "flattening_pooled_lower");
            hi = iaf_rv_numv(lump, "flattening_pooled_upper");
        }
        if (isfinite(lo) && isfinite(hi)) {
            iaf_rv_puts(b, "between ");
            num(b, lo, d);
            iaf_rv_puts(b, " and ");
            num(b, hi, d);
            iaf_rv_puts(b, " (bounds, lump ");
        } else
            iaf_rv_puts(b, "not bounded (lump ");
        iaf_rv_fixed(b, 100 * ls, 1);
        iaf_rv_puts(b, "%)");
    } else {
        iaf_rv_estimate_text(b, k->est, k->lo, k->hi, d);
    }
    if (isfinite(k->exp_lo) && isfinite(k->exp_hi)) {
        iaf_rv_puts(b, " vs expected [");
        thr(b, k->exp_lo);
        iaf_rv_puts(b, ", ");
        thr(b, k->exp_hi);
        iaf_rv_puts(b, "]");
    }
    if (isfinite(r->threshold)) {
        iaf_rv_puts(b, ", threshold ");
        thr(b, r->threshold);
    }
}

/* "PASS (weakened within tolerance)"; a diagnosis that has parentheses of
 * its own follows a colon instead, so that parentheses never nest. */
static void verdict_text(iaf_buf *b, const char *v, const char *diag)
{
    iaf_rv_puts(b, v ? v : "not screened");
    if (!diag) return;
    if (strchr(diag, '(')) {
        iaf_rv_puts(b, ": ");
        iaf_rv_puts(b, diag);
    } else {
        iaf_rv_puts(b, " (");
        iaf_rv_puts(b, diag);
        iaf_rv_puts(b, ")");
    }
}

/* What a conditional independence check rests on (rkinds.h). */
void iaf_rk_condind_headline_details(iaf_buf *b, const iaf_rm_row *r, const json_t *v0)
{
    const char *sep = "";
    const json_t *ci = iaf_rv_obj(v0, "conditional_independence");
    if (!ci) { /* no member to read: as for any other kind */
        iaf_rk_headline_details(b, r, v0);
        return;
    }
    /* what the conditional test rests on: the share of rows in tested cells,
     * and the retention of the reference's conditional dependence */
    double sup = iaf_rv_numv(iaf_rv_obj(ci, "synthetic"), "support");
    double ret = iaf_rv_numv(ci, "retention");
    if (isfinite(sup)) {
        iaf_rv_puts(b, "support ");
        iaf_rv_fixed(b, 100 * sup, 1);
        iaf_rv_puts(b, "% of rows in tested cells");
        sep = "; ";
    }
    const json_t *ri = iaf_rv_obj(ci, "retention_interval");
    if (ri && isfinite(iaf_rv_numv(ri, "lo"))) {
        /* the headline estimate with its interval, as for every other key number */
        iaf_rv_printf(b, "%sretention of the reference's conditional dependence ", sep);
        num(b, iaf_rv_numv(ri, "estimate"), 3);
        iaf_rv_puts(b, " [");
        num(b, iaf_rv_numv(ri, "lo"), 3);
        iaf_rv_puts(b, ", ");
        num(b, iaf_rv_numv(ri, "hi"), 3);
        iaf_rv_puts(b, "]");
    } else if (isfinite(ret)) {
        iaf_rv_printf(b, "%sretention of the reference's conditional dependence ", sep);
        num(b, ret, 3);
    }
}

/* What the verdict of a row rests on and how it holds up (rkinds.h):
 * support, mappings, age standardisation, the universe, a profile's TVD.
 * Empty when nothing. */
void iaf_rk_headline_details(iaf_buf *b, const iaf_rm_row *r, const json_t *v0)
{
    const char *sep = "";
    const json_t *sup = iaf_rv_obj(v0, "support");
    /* an "insufficient support (...)" diagnosis has given the support already */
    int said = r->diagnosis && !strncmp(r->diagnosis, "insufficient support", 20);
    if (!said && (isfinite(r->support_ref) || isfinite(r->n_eff))) {
        if (isfinite(r->support_ref)) {
            iaf_rv_puts(b, "support ");
            iaf_rv_fixed(b, 100 * r->support_ref, 1);
            iaf_rv_puts(b, "%");
            sep = ", ";
        }
        if (isfinite(r->n_eff)) {
            iaf_rv_printf(b, "%sn_eff ", sep);
            iaf_rv_count(b, r->n_eff);
        }
        double dr = iaf_rv_numv(sup, "dominated_reached"), dt = iaf_rv_numv(sup, "dominated_total");
        if (isfinite(dr) && isfinite(dt)) iaf_rv_printf(b, ", %.0f of %.0f dominated", dr, dt);
        sep = "; ";
    } else if (said && isfinite(r->n_eff)) {
        iaf_rv_puts(b, "n_eff ");
        iaf_rv_count(b, r->n_eff);
        sep = "; ";
    }
    if (isfinite(r->key.floor)) {
        iaf_rv_printf(b, "%snoise floor ", sep);
        num(b, r->key.floor, iaf_rv_metric_digits(r->key.metric));
        sep = "; ";
    }
    const json_t *ap = iaf_rv_obj(v0, "age_profile");
    double ptvd = iaf_rv_resnum(ap, "tvd_to_expected"), pmax = iaf_rv_resnum(ap, "max_tvd");
    if (isfinite(ptvd) && isfinite(pmax)) {
        double lo = iaf_rv_resnum(ap, "tvd_lo"), hi = iaf_rv_resnum(ap, "tvd_hi");
        iaf_rv_printf(b, "%sTVD to the institutional profile ", sep);
        iaf_rv_estimate_text(b, ptvd, lo, hi, 4);
        iaf_rv_puts(b, ", max ");
        thr(b, pmax);
        sep = "; ";
    }
    double tol = iaf_rv_resnum(ap, "tolerance");
    if (isfinite(tol)) {
        iaf_rv_printf(b, "%stolerance outside the window ", sep);
        thr(b, tol);
        sep = "; ";
    }
    const char *mapping = iaf_rv_str(r->check, "mapping");
    size_t nv = json_array_size(iaf_rv_arr(r->check, "variants"));
    if (mapping && nv > 1) {
        iaf_rv_printf(b, "%s%s across %zu mappings", sep, mapping, nv);
        sep = "; ";
    }
    const char *age = iaf_rv_str(v0, "age_agreement");
    if (age) {
        iaf_rv_printf(b, "%s%s", sep, age);
        sep = "; ";
    }
    if (r->universe) iaf_rv_printf(b, "%suniverse: %s", sep, r->universe);
}

static void row(iaf_buf *out, const iaf_rm_row *r, size_t w1)
{
    const json_t *v0 = json_array_get(iaf_rv_arr(r->check, "variants"), 0);
    iaf_buf key = {0}, ver = {0}, det = {0};
    const iaf_rk_ops *ops = iaf_rk_of(r->kind);
    ops->headline_key(&key, r, v0);
    verdict_text(&ver, r->verdict, r->diagnosis);
    ops->headline_details(&det, r, v0);
    size_t kw = display_width(key.data), vw = display_width(ver.data);
    size_t idw = display_width(r->check_id), cw = idw < w1 ? w1 : idw;
    iaf_rv_puts(out, "  ");
    iaf_rv_puts(out, r->check_id);
    size_t col;
    if (2 + cw + 2 + kw <= WIDTH) {
        spaces(out, cw - idw + 2);
        col = 2 + cw + 2;
    } else {
        iaf_rv_puts(out, "\n      ");
        col = 6;
    }
    iaf_rv_puts(out, key.data ? key.data : "");
    col += kw;
    if (col + 2 + vw <= WIDTH) {
        iaf_rv_puts(out, "  ");
        iaf_rv_puts(out, ver.data ? ver.data : "");
        iaf_rv_puts(out, "\n");
    } else {
        iaf_rv_puts(out, "\n      ");
        wrap(out, ver.data ? ver.data : "", 6, 8);
    }
    if (det.len) {
        iaf_rv_puts(out, "      ");
        wrap(out, det.data, 6, 8);
    }
    /* a mapping-dependent verdict lists what each variant says */
    const char *mapping = iaf_rv_str(r->check, "mapping");
    if (mapping && !strcmp(mapping, "mapping-dependent")) {
        size_t i;
        json_t *v;
        json_array_foreach(iaf_rv_arr(iaf_rv_obj(r->check, "mapping_detail"), "variants"), i, v)
        {
            iaf_buf t = {0};
            const char *vn = iaf_rv_str(v, "name");
            iaf_rv_printf(&t, "variant %s: ", vn ? vn : "?");
            verdict_text(&t, iaf_rv_str(v, "verdict"), iaf_rv_str(v, "diagnosis"));
            double e = iaf_rv_numv(v, "key_estimate"), lo = iaf_rv_numv(v, "key_lo"),
                   hi = iaf_rv_numv(v, "key_hi");
            const char *km = iaf_rv_str(v, "key_metric");
            if (km && isfinite(e)) {
                iaf_rv_printf(&t, "; %s ", short_metric(km));
                iaf_rv_estimate_text(&t, e, lo, hi, 3);
            }
            iaf_rv_puts(out, "      ");
            wrap(out, t.data ? t.data : "", 6, 8);
            iaf_buf_free(&t);
        }
    }
    iaf_buf_free(&key);
    iaf_buf_free(&ver);
    iaf_buf_free(&det);
}

/* A claim's reason as claims.c words it, with "VERDICT (diagnosis (detail))"
 * unnested to "VERDICT: diagnosis (detail)". */
static void unnest(iaf_buf *b, const char *s)
{
    static const char *const words[] = {"PASS (", "FLAG (", "INCONCLUSIVE ("};
    const char *p = s;
    while (*p) {
        size_t wl = 0;
        for (size_t k = 0; k < 3 && !wl; k++)
            if (!strncmp(p, words[k], strlen(words[k]))) wl = strlen(words[k]);
        if (!wl) {
            iaf_rv_append(b, p++, 1);
            continue;
        }
        /* the matching parenthesis, and whether another opens inside */
        const char *q = p + wl;
        int depth = 1, nested = 0;
        while (*q && depth) {
            if (*q == '(') depth++, nested = 1;
            if (*q == ')') depth--;
            if (depth) q++;
        }
        if (!*q || !nested) {
            iaf_rv_append(b, p, wl);
            p += wl;
            continue;
        }
        iaf_rv_append(b, p, wl - 2);
        iaf_rv_puts(b, ": ");
        iaf_rv_append(b, p + wl, (size_t)(q - (p + wl)));
        p = q + 1;
    }
}

static void claims(iaf_buf *out, const json_t *doc)
{
    const json_t *cl = iaf_rv_arr(doc, "claims");
    if (!cl || !json_array_size(cl)) return;
    iaf_rv_puts(out, "\nClaims (one answer each, from the checks named in the spec)\n");
    size_t i, w = 0;
    json_t *c;
    json_array_foreach(cl, i, c)
    {
        size_t d = display_width(iaf_rv_str(c, "id"));
        if (d > w && d <= 34) w = d;
    }
    json_array_foreach(cl, i, c)
    {
        iaf_buf t = {0};
        const char *id = iaf_rv_str(c, "id"), *outcome = iaf_rv_str(c, "outcome"),
                   *reason = iaf_rv_str(c, "reason");
        iaf_rv_printf(&t, "%s:", outcome ? outcome : "no answer");
        if (reason) {
            iaf_rv_puts(&t, " ");
            unnest(&t, reason);
        }
        iaf_rv_puts(out, "  ");
        iaf_rv_puts(out, id ? id : "");
        size_t d = display_width(id);
        spaces(out, (d < w ? w - d : 0) + 2);
        wrap(out, t.data ? t.data : "", 2 + (d < w ? w : d) + 2, 6);
        iaf_buf_free(&t);
    }
}

iaf_status iaf_rm_headline(const iaf_report_model *m, iaf_buf *out)
{
    iaf_rv_oom_reset();
    if (m->question) {
        iaf_rv_puts(out, "Question: ");
        wrap(out, m->question, 10, 2);
        iaf_rv_puts(out, "\n");
    }
    if (m->nanswers) {
        iaf_rv_puts(out, "The answer\n");
        for (size_t i = 0; i < m->nanswers; i++) {
            iaf_rv_puts(out, "- ");
            wrap(out, m->answers[i].text, 2, 2);
        }
        iaf_rv_puts(out, "\n");
    }
    size_t w1 = 0;
    for (size_t i = 0; i < m->nrows; i++) {
        size_t w = display_width(m->rows[i].check_id);
        if (w > w1 && w <= 34) w1 = w;
    }
    int first = 1;
    for (int rank = 0; rank < IAF_RM_NKINDS; rank++) {
        const iaf_rm_tally *t = &m->tally[rank];
        if (!t->n) continue;
        if (!first) iaf_rv_puts(out, "\n");
        first = 0;
        iaf_rv_printf(out, "%s: %zu of %zu PASS, %zu FLAG, %zu INCONCLUSIVE",
                      iaf_rk_at(rank)->title, t->pass, t->n, t->flag, t->inconclusive);
        if (t->pending) iaf_rv_printf(out, ", %zu without a verdict", t->pending);
        iaf_rv_puts(out, "\n");
        for (size_t i = 0; i < m->nrows; i++)
            if (m->rows[i].rank == rank) row(out, &m->rows[i], w1);
    }
    claims(out, m->doc);
    return iaf_rv_oom_failed() ? IAF_ERR_NOMEM : IAF_OK;
}
