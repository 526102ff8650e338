/* src/audit/kind_compare.c - the marginal and joint kinds: the harmonised
 * comparison of compare.c with the spec's thresholds, and for a joint check
 * with `standardize` the standardised comparison beside it (METHOD.md
 * section 7); their spec keys and report.json members. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audit/kinds.h"
#include "audit/spec_int.h"

/* 1 when check k sets its own threshold for metric. */
static int has_threshold(const iaf_spec_check *k, const char *metric)
{
    for (size_t q = 0; q < k->nthresholds; q++)
        if (!strcmp(k->thresholds[q].metric, metric)) return 1;
    return 0;
}

/* The parameter is kin: the moved code calls its comparison input `in`. */
iaf_status iaf_kind_compare_run(const iaf_kind_input *kin, iaf_variant_result *vr, iaf_error *err)
{
    const iaf_spec *spec = kin->spec;
    const iaf_spec_check *k = kin->k;
    const iaf_spec_variant *var = kin->var;
    const iaf_derived *sdv = kin->sdv, *rdv = kin->rdv, *stdv = kin->stdv;
    double n_s = kin->n_s, n_r = kin->n_r;
    const iaf_boot_options *bop = kin->bop;
    iaf_status st = IAF_OK;
    iaf_thresholds th = iaf_thresholds_default();
    double x;
    if (!isnan(x = iaf_spec_threshold_for(spec, k, "tvd"))) th.tvd = x;
    if (!isnan(x = iaf_spec_threshold_for(spec, k, "cond_tvd_y_given_x"))) th.cond_tvd = x;
    /* footprint_dep screens; a threshold written for "footprint"
     * (specs before METHOD.md version 2) applies to it */
    if (!isnan(x = iaf_spec_threshold_for(spec, k, "footprint"))) th.footprint = x;
    for (size_t q = 0; q < spec->ndefaults[k->kind]; q++)
        if (!strcmp(spec->defaults[k->kind][q].metric, "footprint_dep") &&
            !has_threshold(k, "footprint"))
            th.footprint = spec->defaults[k->kind][q].value;
    for (size_t q = 0; q < k->nthresholds; q++)
        if (!strcmp(k->thresholds[q].metric, "footprint_dep"))
            th.footprint = k->thresholds[q].value;
    if (!isnan(x = iaf_spec_threshold_for(spec, k, "retention"))) th.retention = x;
    iaf_compare_input in = {sdv->table,
                            rdv->table,
                            var->attrs[0]->name,
                            k->nattrs > 1 ? var->attrs[1]->name : NULL,
                            n_s,
                            n_r,
                            bop,
                            &th};
    st = iaf_compare_tables(&in, &vr->cmp, err);
    if (st == IAF_OK) {
        vr->verdict = vr->cmp->verdict.verdict;
        vr->diagnosis = vr->cmp->verdict.diagnosis;
    }
    if (st == IAF_OK && k->kind == IAF_CHECK_JOINT && k->stratum) {
        /* standard: a given reference, else the reference's own strata */
        const iaf_table *stdt = stdv ? stdv->table : rdv->table;
        char note[256] = "";
        iaf_table *sj = NULL, *rj = NULL;
        iaf_std_coverage *scov = NULL;
        st = iaf_standardize_joint_cov(
            sdv->table, rdv->table, var->attrs[0]->name, var->attrs[1]->name, k->stratum->name,
            stdt, k->stratum->name, stdv && k->standard_per_category ? var->attrs[0]->name : NULL,
            &sj, &rj, &scov, note, sizeof note, err);
        if (st == IAF_OK && sj) {
            /* like with like: both sides standardised with the same
             * weights, or (no age detail in the reference) the raw
             * reference, said so in the report */
            iaf_compare_input si = in;
            si.syn = sj;
            if (rj) si.ref = rj;
            vr->std_compare = rj ? "both sides standardised with the same weights"
                                 : "the reference has no stratum detail: the "
                                   "standardised synthetic table is compared with "
                                   "the raw reference";
            st = iaf_compare_tables(&si, &vr->cmp_std, err);
            if (st == IAF_OK) {
                st = iaf_std_coverage_gate(vr->cmp_std, scov,
                                           iaf_spec_threshold_for(spec, k, "min_standard_coverage"),
                                           err);
                scov = NULL; /* owned by cmp_std now */
            }
        } else if (st == IAF_OK) {
            /* asked for and impossible: a visible INCONCLUSIVE */
            char msg[320];
            snprintf(msg, sizeof msg, "standardisation impossible: %s", note);
            if (!(vr->std_note = iaf_strdup(msg)))
                st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            else if (vr->cmp->verdict.verdict != IAF_VERDICT_NONE) {
                vr->cmp->verdict.verdict = IAF_VERDICT_INCONCLUSIVE;
                vr->cmp->verdict.diagnosis = vr->std_note;
                vr->verdict = IAF_VERDICT_INCONCLUSIVE;
                vr->diagnosis = vr->std_note;
            }
        }
        iaf_std_coverage_free(scov);
        iaf_table_free(sj);
        iaf_table_free(rj);
    }
    return st;
}

int iaf_kind_compare_parse(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k,
                           const iaf_spec_check_keys *g)
{
    if (iaf_spec_refuse_keys(c, n, k, IAF_REFUSE_CONDIND | IAF_REFUSE_RULE)) return -1;
    k->theta = 0.25;
    k->standard_ref = -1;
    if (k->kind == IAF_CHECK_JOINT && iaf_spec_parse_standardize(c, s, n, k)) return -1;
    if (iaf_spec_refuse_keys(c, n, k,
                             IAF_REFUSE_FLATTENING |
                                 (k->kind == IAF_CHECK_MARGINAL ? IAF_REFUSE_STANDARDIZE : 0)))
        return -1;
    return iaf_spec_parse_compared(c, s, n, k, g, k->kind == IAF_CHECK_MARGINAL ? 1 : 2);
}

/* The comparison's metrics, the standardised comparison of a joint check with
 * `standardize`, and the agreement of the two. */
void iaf_kind_compare_json_variant(const iaf_spec_check *k, const iaf_variant_result *vr,
                                   iaf_json *j)
{
    if (vr->cmp) {
        iaf_json_key(j, "metrics");
        iaf_comparison_json(vr->cmp, j);
        iaf_json_knum(j, "tvd_minus_floor", vr->cmp->m.tvd_joint - vr->cmp->m.noise_floor);
    }
    if (k->kind == IAF_CHECK_JOINT && k->stratum) {
        iaf_json_key(j, "standardised");
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "by", k->stratum->name);
        iaf_json_kstr(j, "verdict",
                      vr->cmp_std ? iaf_verdict_name(vr->cmp_std->verdict.verdict) : NULL);
        iaf_json_kstr(j, "age_agreement", vr->age_agreement);
        iaf_json_kstr(j, "note", vr->std_note);
        iaf_json_kstr(j, "compared_with", vr->std_compare);
        iaf_json_key(j, "metrics");
        if (vr->cmp_std)
            iaf_comparison_json(vr->cmp_std, j);
        else
            iaf_json_null(j);
        iaf_json_end_object(j);
    }
    iaf_json_kstr(j, "age_agreement", vr->age_agreement);
}
