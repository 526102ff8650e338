/* src/audit/kind_rule.c - the rule kind (METHOD.md section 6): a hard rule
 * A => B, an institutional expectation on a conditional share, or an age
 * profile against its window, evaluated by rulecheck.c on the table over
 * the rule's variables; moved as is from iaf_audit_run. */
#include <stdlib.h>

#include "audit/kinds.h"
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
