/* src/report/panel_rule.c - the panels of a rule check in report.html
 * (html_int.h): hard rules with examples of violating rows, institutional
 * expectations against their cited interval, age profiles against their
 * window. Moved as is from html.c. */
#include "report/html_int.h"
#include "report/model.h"
#include "report/rkinds.h"
#include "util/util.h"

/* Each of rule / expectation / age_profile may be one object or a list. */
static void for_each_obj(hctx *c, const json_t *chk, const char *key,
                         void (*fn)(hctx *, const json_t *, const json_t *))
{
    json_t *v = json_is_object(chk) ? json_object_get(chk, key) : NULL;
    if (json_is_object(v)) {
        fn(c, chk, v);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *o;
        json_array_foreach(v, i, o) if (json_is_object(o)) fn(c, chk, o);
    }
}

static void citation(hctx *c, const json_t *o)
{
    const char *cit = iaf_rv_str(o, "citation");
    if (!cit) return;
    P("<p class=\"note\">Source: ");
    ltxt(c, cit);
    P("</p>\n");
}

/* The condition and outcome lines shared by rules and expectations. */
static void rule_head(hctx *c, const json_t *o, const char *what)
{
    const char *e = iaf_rv_str(o, "expression");
    if (!e) e = iaf_rv_str(o, "description");
    const char *given = iaf_rv_str(o, "given");
    PF("<h4>%s</h4>\n", what);
    if (e) {
        P("<p><code>");
        ltxt(c, e);
        P("</code>");
        if (given) {
            P(" among rows with <code>");
            ltxt(c, given);
            P("</code>");
        }
        P("</p>\n");
    }
    citation(c, o);
}

static void rule_outcome(hctx *c, const json_t *o)
{
    const json_t *res = iaf_rv_obj(o, "result");
    const char *v = iaf_rv_str(o, "verdict"), *why = iaf_rv_str(o, "reason");
    if (!v) v = iaf_rv_str(res, "verdict");
    if (!why) why = iaf_rv_str(res, "reason");
    if (!v && !why) return;
    P("<p>");
    if (v) badge(c, v);
    if (why) {
        P(" ");
        ltxt(c, why);
    }
    P("</p>\n");
}

static void rule_block(hctx *c, const json_t *chk, const json_t *r)
{
    (void)chk;
    rule_head(c, r, "Hard rule");
    P("<table class=\"rule\"><tbody>\n");
    static const char *const rows[][3] = {{"violations", "violating rows", "n"},
                                          {"antecedent", "rows meeting the condition", "n"},
                                          {"share", "share violating", "%"},
                                          {"tolerance", "tolerance", "%"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double v = iaf_rv_resnum(r, rows[i][0]);
        if (!isfinite(v)) continue;
        PF("<tr><th scope=\"row\">%s</th>", rows[i][1]);
        if (rows[i][2][0] == 'n')
            td_count(c, v);
        else
            td_pct(c, v);
        P("</tr>\n");
    }
    P("</tbody></table>\n");
    rule_outcome(c, r);
    json_t *ex = iaf_rv_arr(r, "examples");
    if (!ex) ex = iaf_rv_arr(iaf_rv_obj(r, "result"), "examples");
    if (ex && json_array_size(ex)) iaf_html_object_table(c, ex, "Examples of violating rows", 20);
}

static double pick(const json_t *o, const char *a, const char *b)
{
    double v = iaf_rv_resnum(o, a);
    return isfinite(v) || !b ? v : iaf_rv_resnum(o, b);
}

static void expectation_block(hctx *c, const json_t *chk, const json_t *x)
{
    (void)chk;
    rule_head(c, x, "Institutional expectation");
    const char *e = iaf_rv_str(x, "expression");
    iaf_svg_expect ex = {
        "Estimate against the expected interval", NULL, e, NAN, NAN, NAN, NAN, NAN};
    ex.exp_lo = pick(x, "expected_lo", NULL);
    ex.exp_hi = pick(x, "expected_hi", NULL);
    json_t *iv = json_is_object(x) ? json_object_get(x, "interval") : NULL;
    if (!isfinite(ex.exp_lo) && json_is_array(iv) && json_array_size(iv) == 2) {
        ex.exp_lo = json_number_value(json_array_get(iv, 0));
        ex.exp_hi = json_number_value(json_array_get(iv, 1));
    } else if (!isfinite(ex.exp_lo) && json_is_object(iv)) {
        ex.exp_lo = iaf_rv_numv(iv, "lo");
        ex.exp_hi = iaf_rv_numv(iv, "hi");
    }
    ex.est = pick(x, "estimate", NULL);
    ex.lo = pick(x, "ci_lo", "lo");
    ex.hi = pick(x, "ci_hi", "hi");
    double given = pick(x, "given", NULL), hits = pick(x, "hits", NULL);
    iaf_buf desc = {0};
    iaf_rv_puts(&desc, "Synthetic estimate ");
    iaf_rv_pct(&desc, ex.est);
    if (isfinite(hits) && isfinite(given)) {
        iaf_rv_puts(&desc, " (");
        iaf_rv_count(&desc, hits);
        iaf_rv_puts(&desc, " of ");
        iaf_rv_count(&desc, given);
        iaf_rv_puts(&desc, " rows)");
    }
    if (isfinite(ex.lo) && isfinite(ex.hi)) {
        iaf_rv_puts(&desc, ", 95% interval ");
        iaf_rv_pct(&desc, ex.lo);
        iaf_rv_puts(&desc, " to ");
        iaf_rv_pct(&desc, ex.hi);
    }
    iaf_rv_puts(&desc, ", against the expected interval ");
    iaf_rv_pct(&desc, ex.exp_lo);
    iaf_rv_puts(&desc, " to ");
    iaf_rv_pct(&desc, ex.exp_hi);
    iaf_rv_puts(&desc, ".");
    ex.desc = desc.data;
    P("<figure class=\"expect\">\n");
    iaf_svg_expectation(&c->svg, &ex);
    figure_close(c, desc.data);
    iaf_buf_free(&desc);
    rule_outcome(c, x);
}

/* An age profile: the age distribution of a status against the
 * institutional window (and an expected profile, when there is one). Both
 * the engine's shape (result.profile[] with category, share, expected,
 * in_window) and a flat one (bins[] with age, synthetic, institutional and
 * a numeric window) are read. */
static void age_profile_block(hctx *c, const json_t *chk, const json_t *a)
{
    (void)chk;
    const json_t *res = iaf_rv_obj(a, "result");
    const json_t *rows = iaf_rv_arr(res, "profile");
    int engine = rows != NULL;
    if (!rows) rows = iaf_rv_arr(a, "bins");
    if (!rows) rows = rows_of(a);
    const char *status = iaf_rv_str(a, "status");
    if (!status) status = iaf_rv_str(a, "expression");
    P("<h4>Age profile");
    if (status) {
        P(" of <code>");
        ltxt(c, status);
        P("</code>");
    }
    P("</h4>\n");
    const char *given = iaf_rv_str(a, "given");
    if (given) {
        P("<p>among rows with <code>");
        ltxt(c, given);
        P("</code></p>\n");
    }
    citation(c, a);
    size_t n = rows ? json_array_size(rows) : 0;
    double wlo = NAN, whi = NAN;
    json_t *w = json_is_object(a) ? json_object_get(a, "window") : NULL;
    if (json_is_array(w) && json_array_size(w) == 2) {
        wlo = json_number_value(json_array_get(w, 0));
        whi = json_number_value(json_array_get(w, 1));
    } else if (json_is_object(w)) {
        wlo = iaf_rv_numv(w, "lo");
        whi = iaf_rv_numv(w, "hi");
    }
    if (n) {
        const char **lab = iaf_malloc(n * sizeof *lab);
        double *sa = iaf_malloc(n * sizeof *sa), *sb = iaf_malloc(n * sizeof *sb);
        unsigned char *inw = iaf_calloc(n, 1);
        char(*nums)[32] = iaf_malloc(n * sizeof *nums);
        if (lab && sa && sb && inw && nums) {
            size_t i;
            json_t *row;
            int anyb = 0, anyw = 0;
            json_array_foreach(rows, i, row)
            {
                lab[i] = iaf_rv_str(row, "age");
                if (!lab[i]) lab[i] = iaf_rv_str(row, "bin");
                if (!lab[i]) {
                    double v;
                    if (iaf_rv_num(row, "age", &v)) {
                        iaf_fmt_f64(nums[i], v);
                        lab[i] = nums[i];
                    } else {
                        lab[i] = row_label(row);
                    }
                }
                sa[i] = engine ? iaf_rv_numv(row, "share") : iaf_rv_numv(row, "synthetic");
                sb[i] = engine ? iaf_rv_numv(row, "expected") : iaf_rv_numv(row, "institutional");
                if (!isfinite(sb[i]) && !engine) sb[i] = iaf_rv_numv(row, "reference");
                anyb |= isfinite(sb[i]);
                int in;
                if (iaf_rv_bool(row, "in_window", &in)) {
                    inw[i] = (unsigned char)in;
                    anyw = 1;
                }
            }
            iaf_buf desc = {0};
            iaf_rv_printf(&desc, "Age distribution of %s in the synthetic data%s over %zu age bins",
                          status ? status : "the status",
                          anyb ? " (solid) and the institutional profile (dashed)" : "", n);
            if (anyw) {
                iaf_rv_puts(&desc, "; the shaded bins are inside the institutional age window");
            } else if (isfinite(wlo)) {
                iaf_rv_puts(&desc, "; the shaded bins are the institutional window, ages ");
                iaf_rv_fixed(&desc, wlo, 0);
                iaf_rv_puts(&desc, " to ");
                iaf_rv_fixed(&desc, whi, 0);
            }
            iaf_rv_puts(&desc, ".");
            iaf_svg_steps s = {"Age profile",    desc.data, "age", "synthetic",
                               "institutional",  n,         lab,   sa,
                               anyb ? sb : NULL, wlo,       whi,   anyw ? inw : NULL};
            P("<figure class=\"ageprofile\">\n");
            iaf_svg_stepchart(&c->svg, &s);
            figure_close(c, desc.data);
            iaf_buf_free(&desc);
        }
        iaf_free(lab);
        iaf_free(sa);
        iaf_free(sb);
        iaf_free(inw);
        iaf_free(nums);
    }
    /* the aggregates, in either shape */
    struct {
        const char *label, *est, *lo, *hi;
        int pct;
    } agg[] = {{"share outside the window", "outside_window", "outside_lo", "outside_hi", 1},
               {"share outside the window", "outside_window_share", NULL, NULL, 1},
               {"tolerance", "tolerance", NULL, NULL, 1},
               {"TVD to the expected profile", "tvd_to_expected", NULL, NULL, 0},
               {"TVD between the profiles", "tvd", NULL, NULL, 0},
               {"rows with the status", "status_mass", NULL, NULL, 2}};
    int any = 0;
    for (size_t i = 0; i < sizeof agg / sizeof agg[0]; i++) {
        double e = iaf_rv_resnum(a, agg[i].est);
        if (!isfinite(e)) continue;
        double l = agg[i].lo ? iaf_rv_resnum(a, agg[i].lo) : NAN;
        double h = agg[i].hi ? iaf_rv_resnum(a, agg[i].hi) : NAN;
        if (!any++) P("<table class=\"ageagg\"><tbody>\n");
        P("<tr><th scope=\"row\">");
        txt(c, agg[i].label);
        P("</th>");
        if (agg[i].pct == 1)
            td_pct(c, e);
        else if (agg[i].pct == 2)
            td_count(c, e);
        else
            td_num(c, e, 4);
        P("<td class=\"num\">");
        if (isfinite(l) && isfinite(h)) {
            iaf_rv_pct(c->out, l);
            P(" to ");
            iaf_rv_pct(c->out, h);
        } else {
            P(DASH);
        }
        P("</td></tr>\n");
    }
    if (any) P("</tbody></table>\n");
    rule_outcome(c, a);
}

void iaf_html_rule_panels(hctx *c, const json_t *chk, const json_t *comp)
{
    const json_t *rsrc = comp;
    if (!json_object_get(comp, "rule") && !json_object_get(comp, "expectation") &&
        !json_object_get(comp, "age_profile"))
        rsrc = chk;
    for_each_obj(c, rsrc, "rule", rule_block);
    for_each_obj(c, rsrc, "expectation", expectation_block);
    for_each_obj(c, rsrc, "age_profile", age_profile_block);
}

/* The key number of a rule check (rkinds.h): the outcome of its first rule or
 * expectation, or of its age profile when it has neither. */
int iaf_rk_rule_key(const json_t *chk, iaf_rv_keynum *k)
{
    const json_t *v = json_array_get(iaf_rv_arr(chk, "variants"), 0);
    if (!v) v = chk;
    const json_t *r = iaf_rv_obj(v, "rule"), *e = iaf_rv_obj(v, "expectation"),
                 *a = iaf_rv_obj(v, "age_profile");
    if (a && !r && !e) {
        k->metric = "outside_window";
        k->est = iaf_rv_resnum(a, "outside_window");
        k->lo = iaf_rv_resnum(a, "outside_lo");
        k->hi = iaf_rv_resnum(a, "outside_hi");
    } else if (r) {
        k->metric = "violations";
        k->est = iaf_rv_resnum(r, "violations");
        k->of = iaf_rv_resnum(r, "antecedent");
    } else if (e) {
        k->metric = "share";
        k->est = iaf_rv_resnum(e, "estimate");
        k->lo = iaf_rv_resnum(e, "ci_lo");
        k->hi = iaf_rv_resnum(e, "ci_hi");
        k->exp_lo = iaf_rv_resnum(e, "expected_lo");
        k->exp_hi = iaf_rv_resnum(e, "expected_hi");
    }
    return 1;
}

/* The tolerance of a rule check's key number (rkinds.h): its rule's share
 * of violations, or its age profile's share outside the window. */
double iaf_rk_rule_tolerance(const iaf_rm_row *r, const json_t *v0)
{
    const char *m = r->key.metric;
    if (m && !strcmp(m, "violations"))
        return iaf_rv_numv(iaf_rv_obj(iaf_rv_obj(v0, "rule"), "result"), "tolerance");
    if (m && !strcmp(m, "outside_window"))
        return iaf_rv_numv(iaf_rv_obj(iaf_rv_obj(v0, "age_profile"), "result"), "tolerance");
    return NAN;
}
