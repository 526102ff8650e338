/* src/audit/kind_rule.c - the rule kind (METHOD.md section 6): a hard rule
 * A => B, an institutional expectation on a conditional share, or an age
 * profile against its window, evaluated by rulecheck.c on the table over
 * the rule's variables; its spec keys (rule, expect, profile, citation,
 * tolerance) and report.json members. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit/kinds.h"
#include "audit/spec_int.h"
#include "util/util.h"

iaf_status iaf_kind_rule_run(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err)
{
    const iaf_spec_check *k = in->k;
    const iaf_derived *dv = in->sdv;
    iaf_status st = IAF_OK;
    if (!(vr->rule = iaf_calloc(1, sizeof *vr->rule)))
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (st == IAF_OK)
        st = k->status ? iaf_profile_eval(dv->table, k->status, k->rule_attrs[0]->name,
                                          (const char *const *)k->window, k->nwindow,
                                          (const char *const *)k->expected_labels,
                                          k->expected_shares, k->expected_hi, k->nexpected,
                                          k->tolerance, k->max_tvd, vr->rule, err)
             : k->rule ? iaf_rule_eval(dv->table, k->rule, k->tolerance, vr->rule, err)
                       : iaf_expectation_eval(dv->table, k->share, k->given, k->expect_lo,
                                              k->expect_hi, vr->rule, err);
    if (st == IAF_OK) {
        vr->universe_mass = dv->universe_mass;
        vr->total_mass = dv->total_mass;
        vr->verdict = vr->rule->verdict;
        vr->diagnosis = vr->rule->verdict != IAF_VERDICT_FLAG ? NULL
                        : k->status ? "outside the institutional age window"
                        : k->rule   ? "rule violated"
                                    : "outside expectation";
    }
    return st;
}

/* `profile: {status, age, window, expected, max_tvd}`: an age profile against its
 * institutional window, and an expected profile of shares or [lo, hi] bounds. */
static int parse_profile(iaf_spec_ctx *c, struct fy_node *pf, iaf_spec_check *k)
{
    static const char *const pkeys[] = {"status", "age", "window", "expected", "max_tvd", NULL};
    k->max_tvd = NAN;
    if (iaf_spec_keys_only(c, pf, "profile", pkeys) ||
        iaf_spec_get_num(c, pf, "max_tvd", &k->max_tvd, "profile") ||
        iaf_spec_get_str(c, pf, "status", &k->status_text, 1, "profile") ||
        iaf_spec_get_str(c, pf, "age", &k->profile_age, 1, "profile") ||
        iaf_spec_get_list(c, pf, "window", &k->window, &k->nwindow, "profile"))
        return -1;
    if (k->nwindow == 0)
        return iaf_spec_fail(c, pf, "check '%s': profile needs a window of categories%s", k->id,
                             NULL);
    if (!isnan(k->max_tvd) && !(k->max_tvd >= 0 && k->max_tvd <= 1))
        return iaf_spec_fail(c, iaf_spec_get(pf, "max_tvd"),
                             "check '%s': max_tvd is a TVD in [0, 1]%s", k->id, NULL);
    if (!isnan(k->max_tvd) && !iaf_spec_get(pf, "expected"))
        return iaf_spec_fail(c, iaf_spec_get(pf, "max_tvd"),
                             "check '%s': max_tvd needs an expected profile to measure against%s",
                             k->id, NULL);
    struct fy_node *en = iaf_spec_get(pf, "expected");
    if (en) {
        if (!fy_node_is_mapping(en))
            return iaf_spec_fail(c, en, "check '%s': expected maps categories to shares%s", k->id,
                                 NULL);
        size_t cnt = (size_t)fy_node_mapping_item_count(en);
        k->expected_labels = iaf_calloc(cnt + 1, sizeof *k->expected_labels);
        k->expected_shares = iaf_calloc(cnt + 1, sizeof *k->expected_shares);
        k->expected_hi = iaf_calloc(cnt + 1, sizeof *k->expected_hi);
        if (!k->expected_labels || !k->expected_shares || !k->expected_hi)
            return iaf_spec_nomem(c, en);
        void *it = NULL;
        struct fy_node_pair *pp;
        while ((pp = fy_node_mapping_iterate(en, &it)) != NULL) {
            struct fy_node *kk = fy_node_pair_key(pp), *vv = fy_node_pair_value(pp);
            /* a share, or [lo, hi] bounds on it */
            struct fy_node *bv[2] = {vv, vv};
            if (fy_node_is_sequence(vv) && fy_node_sequence_item_count(vv) == 2) {
                void *bi = NULL;
                bv[0] = fy_node_sequence_iterate(vv, &bi);
                bv[1] = fy_node_sequence_iterate(vv, &bi);
            }
            double x[2];
            int ok = 1;
            for (int b = 0; b < 2; b++) {
                size_t len;
                const char *sv = fy_node_is_scalar(bv[b]) ? fy_node_get_scalar(bv[b], &len) : NULL;
                ok = ok && sv && iaf_parse_double((iaf_sv){sv, len}, &x[b]) && x[b] >= 0;
            }
            int text = fy_node_is_scalar(kk);
            k->expected_labels[k->nexpected] = text ? iaf_spec_scalar_dup(kk) : NULL;
            if (text && !k->expected_labels[k->nexpected]) return iaf_spec_nomem(c, kk);
            if (!text || !ok || x[0] > x[1] || (bv[0] != vv && x[1] > 1)) {
                k->nexpected++;
                return iaf_spec_fail(c, vv,
                                     "check '%s': an expected share is a non-negative number or "
                                     "[lo, hi] with 0 <= lo <= hi <= 1%s",
                                     k->id, NULL);
            }
            k->expected_hi[k->nexpected] = x[1];
            k->expected_shares[k->nexpected++] = x[0];
        }
        /* bounds no profile can meet (a category not listed is expected at 0) */
        double slo = 0, shi = 0;
        int bounds = 0;
        for (size_t i = 0; i < k->nexpected; i++) {
            slo += k->expected_shares[i], shi += k->expected_hi[i];
            bounds |= k->expected_shares[i] != k->expected_hi[i];
        }
        if (bounds && (slo > 1 + 1e-12 || shi < 1 - 1e-12))
            return iaf_spec_fail(
                c, en,
                "check '%s': no profile fits the expected bounds (lower shares must "
                "sum to at most 1, upper shares to at least 1)%s",
                k->id, NULL);
    }
    if (iaf_spec_parse_expr(c, iaf_spec_get(pf, "status"), k->status_text, k->id, &k->status))
        return -1;
    return 0;
}

static int parse_rule(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k)
{
    if (iaf_spec_get_str(c, n, "rule", &k->rule_text, 0, "rule check") ||
        iaf_spec_get_str(c, n, "citation", &k->citation, 1, "rule check") ||
        iaf_spec_get_num(c, n, "tolerance", &k->tolerance, "rule check"))
        return -1;
    struct fy_node *ex = iaf_spec_get(n, "expect"), *pf = iaf_spec_get(n, "profile");
    if ((k->rule_text != NULL) + (ex != NULL) + (pf != NULL) != 1)
        return iaf_spec_fail(c, n,
                             "check '%s': a rule check has one of 'rule', 'expect' or 'profile'%s",
                             k->id, NULL);
    if (k->tolerance < 0 || k->tolerance > 1)
        return iaf_spec_fail(c, iaf_spec_get(n, "tolerance"),
                             "check '%s': tolerance is a share in [0, 1]%s", k->id, NULL);
    if (pf) {
        if (parse_profile(c, pf, k)) return -1;
    } else if (k->rule_text) {
        if (iaf_spec_parse_expr(c, iaf_spec_get(n, "rule"), k->rule_text, k->id, &k->rule))
            return -1;
        const iaf_expr *a, *b;
        if (!iaf_expr_implication(k->rule, &a, &b))
            return iaf_spec_fail(c, iaf_spec_get(n, "rule"),
                                 "check '%s': a rule is an implication 'A => B'%s", k->id, NULL);
    } else {
        static const char *const ekeys[] = {"share", "given", "interval", NULL};
        char **iv = NULL;
        size_t niv = 0;
        if (iaf_spec_keys_only(c, ex, "expect", ekeys) ||
            iaf_spec_get_str(c, ex, "share", &k->share_text, 1, "expect") ||
            iaf_spec_get_str(c, ex, "given", &k->given_text, 0, "expect") ||
            iaf_spec_get_list(c, ex, "interval", &iv, &niv, "expect")) {
            iaf_spec_free_list(iv, niv);
            return -1;
        }
        int ok = niv == 2 && iaf_parse_double((iaf_sv){iv[0], strlen(iv[0])}, &k->expect_lo) &&
                 iaf_parse_double((iaf_sv){iv[1], strlen(iv[1])}, &k->expect_hi) &&
                 k->expect_lo >= 0 && k->expect_lo <= k->expect_hi && k->expect_hi <= 1;
        iaf_spec_free_list(iv, niv);
        if (!ok)
            return iaf_spec_fail(c, iaf_spec_get(ex, "interval"),
                                 "check '%s': interval is [lo, hi] within [0, 1]%s", k->id, NULL);
        if (iaf_spec_parse_expr(c, iaf_spec_get(ex, "share"), k->share_text, k->id, &k->share))
            return -1;
        if (k->given_text &&
            iaf_spec_parse_expr(c, iaf_spec_get(ex, "given"), k->given_text, k->id, &k->given))
            return -1;
    }
    /* the variables become the attributes of the check */
    const iaf_expr *es[4] = {k->rule, k->share, k->given, k->status};
    if (k->profile_age) {
        if (!(k->rule_attrs[0] = iaf_spec_attr_or_column(c, s, n, k->profile_age))) return -1;
        k->nrule_attrs = 1;
    }
    for (int e = 0; e < 4; e++)
        for (size_t v = 0; es[e] && v < iaf_expr_nvars(es[e]); v++) {
            const char *name = iaf_expr_var(es[e], v);
            int dup = 0;
            for (size_t i = 0; i < k->nrule_attrs; i++)
                dup |= !strcmp(k->rule_attrs[i]->name, name);
            if (dup) continue;
            if (k->nrule_attrs == 16)
                return iaf_spec_fail(c, n, "check '%s': more than 16 variables%s", k->id, NULL);
            if (!(k->rule_attrs[k->nrule_attrs] = iaf_spec_attr_or_column(c, s, n, name)))
                return -1;
            k->nrule_attrs++;
        }
    return 0;
}

int iaf_kind_rule_parse(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k,
                        const iaf_spec_check_keys *g)
{
    if (iaf_spec_refuse_keys(c, n, k, IAF_REFUSE_CONDIND)) return -1;
    if (g->na || g->ref || iaf_spec_get(n, "variants"))
        return iaf_spec_fail(
            c, n, "check '%s': a rule check takes its variables from the rule, and no reference%s",
            k->id, NULL);
    if (parse_rule(c, s, n, k)) return -1;
    k->nvariants = 1;
    return 0;
}

void iaf_kind_rule_label(const iaf_spec_check *k, iaf_buf *b)
{
    iaf_buf_puts(b, k->status_text ? "age profile: " : k->rule_text ? "rule: " : "expect: ");
    iaf_buf_puts(b, k->status_text ? k->status_text : k->rule_text ? k->rule_text : k->share_text);
}

/* The rule, expectation or age profile as written, and its result. */
void iaf_kind_rule_json_variant(const iaf_spec_check *k, const iaf_variant_result *vr, iaf_json *j)
{
    iaf_json_kstr(j, "age_agreement", vr->age_agreement);
    if (!vr->rule) return;
    iaf_json_key(j, vr->rule->is_profile       ? "age_profile"
                    : vr->rule->is_expectation ? "expectation"
                                               : "rule");
    iaf_json_begin_object(j);
    iaf_json_kstr(j, "expression",
                  k->status_text ? k->status_text
                  : k->rule_text ? k->rule_text
                                 : k->share_text);
    if (k->profile_age) iaf_json_kstr(j, "age", k->profile_age);
    iaf_json_kstr(j, "given", k->given_text);
    iaf_json_kstr(j, "citation", k->citation);
    iaf_json_key(j, "result");
    iaf_rule_result_json(vr->rule, j);
    iaf_json_end_object(j);
}
