/* src/report/overview.c - the overview chart at the top of report.html:
 * every check as one mark on a threshold-normalised axis, with its interval
 * (or bounds) and its verdict colour, grouped by kind.
 *
 * Normalisation: a metric that fails above its threshold t is drawn at v / t,
 * so the threshold sits at 1 for every check; an expectation (a share that
 * should fall in [a, b]) at its distance from the middle of [a, b] in half
 * widths, so 1 is the edge of the expected interval; a hard rule at its
 * violating share over the tolerance; an age profile at the share outside
 * the window over its tolerance. A partially identified quantity (a lumped
 * remainder) is drawn as a band between its bounds, without a point. Values
 * beyond the axis are drawn at its edge, with the value in the row's title.
 *
 * The chart has no viewBox: the marks sit at percentages of its width and
 * the text keeps its size, so it is as legible at 420 px as at 1,400 px. */
#include <math.h>
#include <string.h>

#include "report/html_int.h"
#include "report/rkinds.h"

#define AX_LO (-0.5)
#define AX_HI 2.5
#define PLOT_X0 46.0 /* % of the width where the axis starts */
#define PLOT_X1 97.0
#define ROW_H 20
#define HEAD_H 22
#define LABEL_MAX 24 /* characters of a check id shown; the rest in the title */

typedef struct ov_mark {
    int ok;           /* something to draw */
    int bounds;       /* lo..hi are bounds (no point) */
    double x, lo, hi; /* normalised */
} ov_mark;

static double clampx(double v)
{
    return v < AX_LO ? AX_LO : v > AX_HI ? AX_HI : v;
}

static double pos(double v)
{
    return PLOT_X0 + (clampx(v) - AX_LO) / (AX_HI - AX_LO) * (PLOT_X1 - PLOT_X0);
}

static void mark_of(const iaf_rm_row *r, ov_mark *m)
{
    const iaf_rv_keynum *k = &r->key;
    const json_t *v0 = json_array_get(iaf_rv_arr(r->check, "variants"), 0);
    memset(m, 0, sizeof *m);
    m->lo = m->hi = NAN;
    if (!k->metric || !isfinite(k->est)) return;
    if (isfinite(k->exp_lo) && isfinite(k->exp_hi) && k->exp_hi > k->exp_lo) {
        double mid = (k->exp_lo + k->exp_hi) / 2, half = (k->exp_hi - k->exp_lo) / 2;
        m->x = fabs(k->est - mid) / half;
        if (isfinite(k->lo) && isfinite(k->hi)) {
            double a = fabs(k->lo - mid) / half, b = fabs(k->hi - mid) / half;
            m->lo = k->lo <= mid && mid <= k->hi ? 0 : fmin(a, b);
            m->hi = fmax(a, b);
        }
        m->ok = 1;
        return;
    }
    /* a rule's or an age profile's own tolerance (rkinds.h) */
    double tol = iaf_rk_of(r->kind)->tolerance(r, v0);
    if (!strcmp(k->metric, "violations")) {
        double share = isfinite(k->of) && k->of > 0 ? k->est / k->of : NAN;
        if (k->est == 0)
            m->x = 0;
        else if (isfinite(tol) && tol > 0 && isfinite(share))
            m->x = share / tol;
        else
            m->x = AX_HI;
        m->ok = 1;
        return;
    }
    double t = r->threshold;
    if (!strcmp(k->metric, "outside_window")) t = tol;
    if (!isfinite(t) || t <= 0) return;
    const json_t *lump = iaf_rv_obj(v0, "lump");
    double ls = iaf_rv_numv(lump, "lump_share");
    if (isfinite(ls) && ls > 0) {
        const char *lo_k = "cond_tvd_lower", *hi_k = "cond_tvd_upper";
        if (!strcmp(k->metric, "flattening_pooled"))
            lo_k = "flattening_pooled_lower", hi_k = "flattening_pooled_upper";
        double lo = iaf_rv_numv(lump, lo_k), hi = iaf_rv_numv(lump, hi_k);
        m->bounds = 1;
        m->lo = isfinite(lo) ? lo / t : AX_LO;
        m->hi = isfinite(hi) ? hi / t : AX_HI;
        m->x = m->lo;
        m->ok = 1;
        return;
    }
    m->x = k->est / t;
    if (isfinite(k->lo) && isfinite(k->hi)) m->lo = k->lo / t, m->hi = k->hi / t;
    m->ok = 1;
}

static const char *colour(const char *v)
{
    if (!v) return "#718096";
    if (!strcmp(v, "PASS")) return "#2f855a";
    if (!strcmp(v, "FLAG")) return "#c53030";
    return "#b7791f";
}

static void num(hctx *c, double v)
{
    PF("%.3g", v);
}

void iaf_html_overview(hctx *c)
{
    const iaf_report_model *m = c->model;
    if (!m->nrows) return;
    size_t nkinds = 0;
    for (int k = 0; k < IAF_RM_NKINDS; k++)
        nkinds += m->tally[k].n > 0;
    double h = 34 + (double)nkinds * HEAD_H + (double)m->nrows * ROW_H + 6;
    P("<figure class=\"overview\" id=\"overview\">\n<svg class=\"overview\" role=\"img\" "
      "aria-labelledby=\"ov-t ov-d\" width=\"100%\" ");
    PF("height=\"%.0f\" font-size=\"12\">\n", h);
    P("<title id=\"ov-t\">Every check on one axis: its key number over its threshold</title>\n"
      "<desc id=\"ov-d\">One row per check, grouped by kind. A dot is the estimate, the line "
      "its 95% interval, a band without a dot the bounds of a partially identified quantity. "
      "The axis is the key number divided by its threshold, so 1 is the threshold of every "
      "check; for an expectation it is the distance from the middle of the expected interval "
      "in half widths, for a rule the violating share over the tolerance. Colours are the "
      "verdicts: green PASS, red FLAG, amber INCONCLUSIVE.</desc>\n");
    /* the axis: ticks and labels at the top, the threshold line through all rows */
    static const double ticks[] = {0, 0.5, 1, 1.5, 2};
    for (size_t i = 0; i < sizeof ticks / sizeof ticks[0]; i++) {
        double x = pos(ticks[i]);
        PF("<line x1=\"%.2f%%\" x2=\"%.2f%%\" y1=\"24\" y2=\"%.0f\" stroke=\"%s\" "
           "stroke-width=\"%s\"/>\n",
           x, x, h - 4, ticks[i] == 1 ? "#1a202c" : "#e2e8f0", ticks[i] == 1 ? "1.5" : "1");
        /* labels at 0, 1 and 2 only: they must not collide at 420 px */
        if (ticks[i] == 0.5 || ticks[i] == 1.5) continue;
        PF("<text x=\"%.2f%%\" y=\"16\" text-anchor=\"middle\" class=\"axis\">", x);
        if (ticks[i] == 1)
            P("threshold");
        else if (ticks[i] == 0)
            P("0");
        else
            PF("%g\xC3\x97", ticks[i]);
        P("</text>\n");
    }
    double y = 34;
    for (int k = 0; k < IAF_RM_NKINDS; k++) {
        const iaf_rm_tally *t = &m->tally[k];
        if (!t->n) continue;
        /* 11 px: the longest kind's tally fits a 420 px window */
        PF("<text x=\"0\" y=\"%.0f\" class=\"axis\" font-size=\"11\">%s: %zu PASS, %zu FLAG, %zu "
           "INCONCLUSIVE</text>\n",
           y + 12, iaf_rk_at(k)->title, t->pass, t->flag, t->inconclusive);
        y += HEAD_H;
        for (size_t i = 0; i < m->nrows; i++) {
            const iaf_rm_row *r = &m->rows[i];
            if (r->rank != k) continue;
            ov_mark mk;
            mark_of(r, &mk);
            double cy = y + ROW_H / 2.0;
            P("<g class=\"ovrow\" data-check=\"");
            txt(c, r->check_id);
            P("\" data-verdict=\"");
            txt(c, r->verdict ? r->verdict : "pending");
            P("\"><title>");
            txt(c, r->check_id);
            P(": ");
            txt(c, r->verdict ? r->verdict : "no verdict");
            if (mk.ok) {
                P(mk.bounds ? ", bounds " : ", at ");
                if (mk.bounds) {
                    num(c, mk.lo);
                    P(" to ");
                    num(c, mk.hi);
                } else
                    num(c, mk.x);
                P(" of the threshold");
            }
            P("</title>");
            /* the label: the check id, cut with an ellipsis, linked to its panel */
            size_t n = strlen(r->check_id);
            if (r->check) {
                P("<a href=\"#");
                iaf_rv_anchor(c->out, "check-", r->check_id);
                P("\">");
            }
            PF("<text x=\"8\" y=\"%.0f\">", cy + 4);
            if (n > LABEL_MAX) {
                iaf_svg_escape_n(c->out, r->check_id, LABEL_MAX - 1);
                P("\xE2\x80\xA6");
            } else
                txt(c, r->check_id);
            P("</text>");
            if (r->check) P("</a>");
            const char *col = colour(r->verdict);
            if (mk.ok && isfinite(mk.lo) && isfinite(mk.hi)) {
                double x1 = pos(fmin(mk.lo, mk.hi)), x2 = pos(fmax(mk.lo, mk.hi));
                if (mk.bounds)
                    PF("<rect x=\"%.2f%%\" y=\"%.0f\" width=\"%.2f%%\" height=\"8\" fill=\"%s\" "
                       "fill-opacity=\"0.35\" stroke=\"%s\"/>",
                       x1, cy - 4, fmax(x2 - x1, 0.3), col, col);
                else
                    PF("<line x1=\"%.2f%%\" x2=\"%.2f%%\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                       "stroke-width=\"2\"/>",
                       x1, x2, cy, cy, col);
            }
            if (mk.ok && !mk.bounds)
                PF("<circle cx=\"%.2f%%\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>", pos(mk.x), cy, col);
            if (!mk.ok)
                PF("<text x=\"%.2f%%\" y=\"%.0f\" class=\"note\">no number to place</text>",
                   PLOT_X0, cy + 4);
            P("</g>\n");
            y += ROW_H;
        }
    }
    P("</svg>\n<figcaption>Every check at a glance: the key number divided by its threshold "
      "(1 = the threshold; left of it passes), with the 95% interval, or the bounds where a "
      "lumped remainder leaves the number partially identified; green PASS, red FLAG, amber "
      "INCONCLUSIVE. Each label links to the check.</figcaption>\n</figure>\n");
}
