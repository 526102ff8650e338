/* src/report/panel_condind.c - the panel of a conditional_independence check
 * in report.html (html_int.h): the card's sentence first, with the
 * statement it was read as, then what the data show under it (the finding
 * and its reason), the statistics of each side against their null, and how
 * much of the conditioning space was tested (pooled categories, cells left
 * out). */
#include <string.h>

#include "report/html_int.h"

static const json_t *disclosure_of(hctx *c, const json_t *chk)
{
    const char *id = iaf_rv_str(chk, "disclosure");
    const json_t *ds = iaf_rv_arr(c->doc, "disclosures");
    size_t i;
    json_t *d;
    if (!id || !ds) return NULL;
    json_array_foreach(ds, i, d)
    {
        const char *did = iaf_rv_str(d, "id");
        if (did && !strcmp(did, id)) return d;
    }
    return NULL;
}

static void names(hctx *c, const json_t *arr, const char *sep)
{
    size_t i;
    json_t *v;
    if (!json_is_array(arr)) return;
    json_array_foreach(arr, i, v)
    {
        if (i) P(sep);
        P("<code>");
        ltxt(c, json_is_string(v) ? json_string_value(v) : "?");
        P("</code>");
    }
}

static void stat_rows(hctx *c, const json_t *s, const json_t *r)
{
    static const char *const rows[][3] = {
        {"cdep_tvd", "conditional dependence TVD", "4"},
        {"null_mean", "its mean under conditional independence", "4"},
        {"null_q95", "its 95th percentile under conditional independence", "4"},
        {"cdep_excess", "excess over the null mean", "4"},
        {"p_sim", "p (simulated null)", "3"},
        {"cmi", "conditional mutual information (nats)", "5"},
        {"cmi_miller_madow", "the same, Miller-Madow corrected", "5"},
        {"p_analytic", "p (chi-square, G = 2n CMI)", "3"},
        {"support", "rows in tested cells", "%"},
        {"cells_tested", "conditioning cells tested", "n"},
        {"cells_sparse", "cells left out: too few rows", "n"},
        {"cells_one_category", "cells left out: one category of A or B", "n"},
        {"pooled_a", "sparse categories of A pooled", "n"},
        {"pooled_b", "sparse categories of B pooled", "n"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        PF("<tr><th scope=\"row\">%s</th>", rows[i][1]);
        const json_t *side[2] = {s, r};
        for (int k = 0; k < (r ? 2 : 1); k++) {
            double v = iaf_rv_numv(side[k], rows[i][0]);
            if (!isfinite(v))
                P("<td>-</td>");
            else if (rows[i][2][0] == '%')
                PF("<td>%.1f%%</td>", 100 * v);
            else if (rows[i][2][0] == 'n')
                PF("<td>%.0f</td>", v);
            else
                PF("<td>%.*f</td>", rows[i][2][0] - '0', v);
        }
        P("</tr>\n");
    }
}

/* The power curve of the synthetic side: the share of simulated data sets with a
 * conditional dependence of each size that would have stood out of the null. */
static void power_curve(hctx *c, const json_t *s)
{
    const json_t *pc = iaf_rv_arr(s, "power_curve");
    size_t i;
    json_t *p;
    if (!json_array_size(pc)) return;
    P("<p class=\"note\">Power (the chance that a conditional dependence TVD of this size "
      "would stand out of the null at these cell sizes): ");
    json_array_foreach(pc, i, p)
    {
        if (i) P(", ");
        PF("%.3g: %.0f%%", iaf_rv_numv(p, "delta"), 100 * iaf_rv_numv(p, "power"));
    }
    double mdd = iaf_rv_numv(s, "min_detectable");
    if (isfinite(mdd))
        PF(". The smallest of these seen at least 80%% of the time: %.3g.</p>\n", mdd);
    else
        P(". None of these is seen 80% of the time.</p>\n");
}

void iaf_html_condind_panel(hctx *c, const json_t *chk, const json_t *comp)
{
    const json_t *ci = iaf_rv_obj(comp, "conditional_independence");
    if (!ci) return;
    const json_t *d = disclosure_of(c, chk);
    P("<div class=\"condind\">\n<h4>What the card says</h4>\n");
    if (d) {
        P("<blockquote>");
        ltxt_or(c, iaf_rv_str(d, "quote"), "");
        P("</blockquote>\n<p class=\"note\">");
        ltxt_or(c, iaf_rv_str(d, "file"), "");
        P(", ");
        ltxt_or(c, iaf_rv_str(d, "locator"), "");
        P("</p>\n");
    } else {
        P("<p class=\"note\">No disclosure: an exploratory check.</p>\n");
    }
    P("<p>Read as: ");
    names(c, iaf_rv_arr(chk, "independent"), " is independent of ");
    if (json_array_size(iaf_rv_arr(chk, "given"))) {
        P(" given ");
        names(c, iaf_rv_arr(chk, "given"), ", ");
    }
    P(".</p>\n<h4>What the data show</h4>\n<p>");
    const char *f = iaf_rv_str(ci, "finding"), *why = iaf_rv_str(ci, "reason");
    badge(c, iaf_rv_str(chk, "verdict"));
    if (f) {
        P(" <strong>");
        ltxt(c, f);
        P("</strong>");
    }
    if (why) {
        P(": ");
        ltxt(c, why);
    }
    const json_t *ri = iaf_rv_obj(ci, "retention_interval");
    double ret = iaf_rv_numv(ci, "retention");
    if (ri && isfinite(iaf_rv_numv(ri, "lo")))
        PF(" Retention of the reference's conditional dependence: %.3f [%.3f, %.3f] (95%%, %s; "
           "plug-in %.3f).",
           iaf_rv_numv(ri, "estimate"), iaf_rv_numv(ri, "lo"), iaf_rv_numv(ri, "hi"),
           iaf_rv_str(ri, "method") ? iaf_rv_str(ri, "method") : "bootstrap", ret);
    else if (isfinite(ret))
        PF(" Retention of the reference's conditional dependence: %.3f (no interval).", ret);
    P("</p>\n");
    power_curve(c, iaf_rv_obj(ci, "synthetic"));
    const json_t *s = iaf_rv_obj(ci, "synthetic"), *r = iaf_rv_obj(ci, "reference");
    P("<table class=\"condind\"><thead><tr><td></td><th scope=\"col\">synthetic</th>");
    if (r) P("<th scope=\"col\">reference</th>");
    P("</tr></thead><tbody>\n");
    stat_rows(c, s, r);
    P("</tbody></table>\n</div>\n");
}
