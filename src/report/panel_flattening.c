/* src/report/panel_flattening.c - the panel of a flattening check in
 * report.html (html_int.h): the dominated categories, raw and
 * age-standardised, as dot plots and tables. Moved as is from html.c. */
#include "report/html_int.h"
#include "util/util.h"

/* The estimate and interval of `name` in o: o[name] as a number or as
 * {estimate, lo, hi}, with o[name + "_lo"/"_hi"] or o.intervals[name]. */
static void est_iv(const json_t *o, const char *name, double *est, double *lo, double *hi)
{
    *est = *lo = *hi = NAN;
    if (!iaf_rv_estimate(o, name, est)) *est = NAN;
    json_t *sub = iaf_rv_obj(o, name);
    if (sub && iaf_rv_num(sub, "lo", lo) && iaf_rv_num(sub, "hi", hi)) return;
    if (!iaf_rv_interval(o, name, lo, hi)) *lo = *hi = NAN;
}

/* Longer than 150 lines: the dot plot and the table share one pass over the rows.
 * One dot plot and table of the dominated categories. rows are the
 * categories (a "dominated" member, when present, selects them); fs_key
 * names the synthetic share to plot (f_s, or f_s_standardised); sum holds
 * f_perp and the aggregates of this variant of the measure. */
static void flat_block(hctx *c, const json_t *chk, const json_t *comp, const json_t *rows,
                       const char *fs_key, const json_t *sum, const char *which)
{
    size_t nall = rows ? json_array_size(rows) : 0, n = 0, i;
    json_t *row;
    double fperp = iaf_rv_numv(sum, "f_perp");
    double theta = iaf_rv_numv(chk, "theta");
    if (!isfinite(theta)) theta = iaf_rv_numv(sum, "theta");
    const char *focal = iaf_rv_str(chk, "focal");
    if (!focal) focal = iaf_rv_str(sum, "focal");
    const char *ax, *ay;
    iaf_rv_attr_names(comp, &ax, &ay);
    PF("<h4>Flattening, %s</h4>\n", which);
    const json_t **sel = iaf_malloc((nall ? nall : 1) * sizeof *sel);
    if (!sel) return;
    size_t nout = 0; /* dominated, but without synthetic mass: outside the common support */
    json_array_foreach(rows, i, row)
    {
        int dom;
        if (iaf_rv_bool(row, "dominated", &dom) && !dom) continue;
        double sf, so;
        if (iaf_rv_num(row, "synthetic_focal", &sf) && iaf_rv_num(row, "synthetic_other", &so) &&
            !(sf + so > 0)) {
            nout++;
            continue;
        }
        sel[n++] = row;
    }
    if (nout)
        PF("<p class=\"note\">%zu dominated categor%s hold%s no synthetic mass (the synthetic "
           "data never reach %s: outside the common support of the pooled measures) and %s not "
           "drawn; cells.csv lists every category.</p>\n",
           nout, nout == 1 ? "y" : "ies", nout == 1 ? "s" : "", nout == 1 ? "it" : "them",
           nout == 1 ? "is" : "are");
    /* many dominated categories: those that move most mass toward parity */
    size_t ndom = n;
    if (n > FLAT_LIMIT) {
        ranked *rk = iaf_malloc(n * sizeof *rk);
        const json_t **top = iaf_malloc(FLAT_KEEP * sizeof *top);
        if (!rk || !top) {
            iaf_free(rk);
            iaf_free(top);
            iaf_free(sel);
            return;
        }
        for (size_t k = 0; k < n; k++) {
            double fs = iaf_rv_numv(sel[k], fs_key), fr = iaf_rv_numv(sel[k], "f_r");
            double mass =
                iaf_rv_numv(sel[k], "reference_focal") + iaf_rv_numv(sel[k], "reference_other");
            double d = fabs(fs - fr) * (isfinite(mass) ? mass : 1);
            rk[k] = (ranked){isfinite(d) ? d : -1, k};
        }
        qsort(rk, n, sizeof *rk, ranked_cmp);
        for (size_t k = 0; k < FLAT_KEEP; k++)
            top[k] = sel[rk[k].i];
        memcpy(sel, top, FLAT_KEEP * sizeof *sel);
        n = FLAT_KEEP;
        iaf_free(rk);
        iaf_free(top);
    }
    if (ndom > n)
        PF("<p class=\"note\">%zu dominated categories hold synthetic mass; shown are the %zu "
           "whose difference weighs most (reference size times the difference of shares). All "
           "of them are in cells.csv.</p>\n",
           ndom, n);
    /* a category's title beside its code, when the spec names a classification file */
    char **titled = n ? iaf_calloc(n, sizeof *titled) : NULL;
    for (size_t k = 0; titled && k < n; k++)
        titled[k] = iaf_rv_code_title(c->doc, ay, row_label(sel[k]));
#define CAT_LABEL(k) (titled && titled[k] ? titled[k] : row_label(sel[k]))
    if (n) {
        const char **lab = iaf_malloc(n * sizeof *lab);
        double *fr = iaf_malloc(n * sizeof *fr), *fs = iaf_malloc(n * sizeof *fs);
        double *lo = iaf_malloc(n * sizeof *lo), *hi = iaf_malloc(n * sizeof *hi);
        int anyiv = 0;
        if (lab && fr && fs && lo && hi) {
            for (size_t k = 0; k < n; k++) {
                double e;
                lab[k] = CAT_LABEL(k);
                fr[k] = iaf_rv_numv(sel[k], "f_r");
                est_iv(sel[k], fs_key, &e, &lo[k], &hi[k]);
                fs[k] = e;
                anyiv |= isfinite(lo[k]);
            }
            iaf_buf title = {0}, desc = {0};
            iaf_rv_printf(&title, "Share of %s in the dominated categories, %s",
                          focal ? focal : "the minority group", which);
            iaf_rv_printf(&desc,
                          "For each of the %zu categories%s%s where the reference share of %s is "
                          "below the threshold: the reference share (hollow) and the synthetic "
                          "share (filled%s)",
                          n, ay ? " of " : "", ay ? ay : "", focal ? focal : "the minority group",
                          anyiv ? ", with its 95% interval" : "");
            if (isfinite(fperp)) {
                iaf_rv_puts(&desc, "; the dashed line is the share under independence (");
                iaf_rv_pct(&desc, fperp);
                iaf_rv_puts(&desc, ", the whole reference universe)");
            }
            iaf_rv_puts(&desc, ". Flattening moves the synthetic dots toward the line.");
            iaf_svg_dots d = {
                title.data,        desc.data,         ay,    "share",        n,    lab, fr, fs,
                anyiv ? lo : NULL, anyiv ? hi : NULL, fperp, "independence", theta};
            P("<figure class=\"flat\">\n");
            iaf_svg_dotplot(&c->svg, &d);
            figure_close(c, desc.data);
            iaf_buf_free(&title);
            iaf_buf_free(&desc);
        }
        iaf_free(lab);
        iaf_free(fr);
        iaf_free(fs);
        iaf_free(lo);
        iaf_free(hi);
        P("<table class=\"flatrows sortable\"><thead><tr><th scope=\"col\">");
        ltxt_or(c, ay, "category");
        P("</th><th scope=\"col\" class=\"num\">reference share</th>"
          "<th scope=\"col\" class=\"num\">synthetic share</th>"
          "<th scope=\"col\" class=\"num\">flattening</th></tr></thead>\n<tbody>\n");
        for (size_t k = 0; k < n; k++) {
            double e, l, h;
            P("<tr>");
            td_text(c, CAT_LABEL(k));
            td_pct(c, iaf_rv_numv(sel[k], "f_r"));
            est_iv(sel[k], fs_key, &e, &l, &h);
            td_pct(c, e);
            /* per-category flattening is of the raw shares */
            est_iv(sel[k], !strcmp(fs_key, "f_s") ? "flattening" : "flattening_standardised", &e,
                   &l, &h);
            td_num(c, e, 3);
            P("</tr>\n");
        }
        P("</tbody>\n</table>\n");
    } else {
        P("<p>No category is dominated in the reference: nothing to flatten.</p>\n");
    }
#undef CAT_LABEL
    for (size_t k = 0; titled && k < n; k++)
        iaf_free(titled[k]);
    iaf_free(titled);
    iaf_free(sel);
    static const char *const agg[][2] = {
        {"flattening_pooled", "pooled flattening (0 = as the reference, 1 = independence)"},
        {"flattening_mean", "reference-weighted mean flattening"},
        {"segregation_retention", "segregation retention (Duncan's D, synthetic / reference)"},
        {"duncan_s", "Duncan's D, synthetic"},
        {"duncan_r", "Duncan's D, reference"},
        {"f_s_pooled", "pooled synthetic share in the dominated categories"},
        {"f_r_pooled", "pooled reference share in the dominated categories"},
        {"f_perp", "share under independence (reference universe)"},
        {"f_perp_synthetic", "the synthetic universe's own share"},
    };
    int any = 0;
    for (size_t k = 0; k < sizeof agg / sizeof agg[0]; k++) {
        double e, l, h;
        est_iv(sum, agg[k][0], &e, &l, &h);
        if (!isfinite(e) && !strcmp(agg[k][0], "flattening_pooled"))
            est_iv(sum, "pooled", &e, &l, &h);
        if (!isfinite(e) && !strcmp(agg[k][0], "flattening_mean")) est_iv(sum, "mean", &e, &l, &h);
        if (!isfinite(e)) continue;
        if (!any++)
            P("<table class=\"flatagg\"><thead><tr><th scope=\"col\">measure</th>"
              "<th scope=\"col\" class=\"num\">estimate</th>"
              "<th scope=\"col\" class=\"num\">95% interval</th></tr></thead>\n<tbody>\n");
        P("<tr><th scope=\"row\">");
        txt(c, agg[k][1]);
        P("</th>");
        int pct = !strncmp(agg[k][0], "f_", 2);
        if (pct)
            td_pct(c, e);
        else
            td_num(c, e, 3);
        P("<td class=\"num\">");
        if (isfinite(l))
            iaf_rv_interval_text(c->out, l, h, 3);
        else
            P(DASH);
        P("</td></tr>\n");
    }
    if (any) P("</tbody>\n</table>\n");
}

void iaf_html_flattening_panel(hctx *c, const json_t *chk, const json_t *comp)
{
    const json_t *fl = iaf_rv_obj(comp, "flattening");
    if (!fl) return;
    const json_t *rows = rows_of(fl);
    flat_block(c, chk, comp, rows, "f_s", fl, "raw");
    const json_t *st = iaf_rv_obj(fl, "standardised");
    if (!st) st = iaf_rv_obj(fl, "standardized");
    if (st) {
        const json_t *srows = rows_of(st);
        const char *by = iaf_rv_str(st, "by");
        iaf_buf which = {0};
        iaf_rv_puts(&which, "standardised");
        if (by) iaf_rv_printf(&which, " by %s", by);
        flat_block(c, chk, comp, srows ? srows : rows, srows ? "f_s" : "f_s_standardised", st,
                   which.data);
        iaf_buf_free(&which);
        const json_t *sv = iaf_rv_verdict_obj(st);
        if (sv) {
            P("<p><strong>Standardised verdict:</strong> ");
            badge(c, iaf_rv_str(sv, "verdict"));
            P("</p>\n");
            iaf_html_screens_table(c, sv);
        }
    }
    const char *agree = st ? iaf_rv_str(st, "age_agreement") : NULL;
    int robust;
    if (!agree && iaf_rv_bool(fl, "age_robust", &robust))
        agree = robust ? "age-robust" : "age-sensitive";
    if (agree) {
        P("<p><strong>Raw against standardised:</strong> ");
        txt(c, agree);
        if (!strcmp(agree, "age-robust"))
            P(" (the two verdicts agree).");
        else if (!strcmp(agree, "age-sensitive"))
            P(" (the two verdicts differ).");
        P("</p>\n");
    }
    const char *note = iaf_rv_str(fl, "standardisation_note");
    if (note) {
        P("<p class=\"note\">");
        ltxt(c, note);
        P("</p>\n");
    }
}
