/* src/audit/kind_flattening.c - the flattening kind (METHOD.md section 5):
 * flatcheck.c on the group x domain table, with optional direct
 * standardisation by a stratum; its spec keys (focal, theta, standardize)
 * and report.json members. */
#include <stdio.h>
#include <string.h>

#include "audit/kinds.h"
#include "audit/spec_int.h"

iaf_status iaf_kind_flattening_run(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err)
{
    const iaf_spec *spec = in->spec;
    const iaf_spec_check *k = in->k;
    const iaf_spec_variant *var = in->var;
    const iaf_derived *sdv = in->sdv, *rdv = in->rdv, *stdv = in->stdv;
    double n_s = in->n_s, n_r = in->n_r;
    const iaf_boot_options *bop = in->bop;
    iaf_status st = IAF_OK;
    iaf_flat_check_input fi;
    memset(&fi, 0, sizeof fi);
    fi.syn = sdv->table;
    fi.ref = rdv->table;
    fi.group = var->attrs[0]->name;
    fi.domain = var->attrs[1]->name;
    fi.focal = k->focal;
    fi.theta = k->theta;
    fi.n_s = n_s;
    fi.n_r = n_r;
    fi.boot = bop;
    fi.th_flattening = iaf_spec_threshold_for(spec, k, "flattening_pooled");
    fi.th_segregation = iaf_spec_threshold_for(spec, k, "segregation_retention");
    fi.stratum = k->stratum ? k->stratum->name : NULL;
    fi.standard = stdv ? stdv->table : NULL;
    fi.standard_by = stdv && k->standard_per_category ? var->attrs[1]->name : NULL;
    fi.min_coverage = iaf_spec_threshold_for(spec, k, "min_standard_coverage");
    st = iaf_flat_check(&fi, &vr->flat, err);
    if (st == IAF_OK && k->stratum && !vr->flat->has_std) {
        /* asked for and impossible: a visible INCONCLUSIVE */
        char msg[320];
        snprintf(msg, sizeof msg, "standardisation impossible: %s",
                 vr->flat->std_note ? vr->flat->std_note : "no detail");
        if (!(vr->std_note = iaf_strdup(msg)))
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        else if (vr->flat->verdict.verdict != IAF_VERDICT_NONE) {
            vr->flat->verdict.verdict = IAF_VERDICT_INCONCLUSIVE;
            vr->flat->verdict.diagnosis = vr->std_note;
        }
    }
    if (st == IAF_OK) {
        vr->verdict = vr->flat->verdict.verdict;
        vr->diagnosis = vr->flat->verdict.diagnosis;
        vr->age_agreement = vr->flat->age_agreement;
    }
    return st;
}

int iaf_kind_flattening_parse(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k,
                              const iaf_spec_check_keys *g)
{
    if (iaf_spec_refuse_keys(c, n, k, IAF_REFUSE_CONDIND | IAF_REFUSE_RULE)) return -1;
    k->theta = 0.25;
    k->standard_ref = -1;
    if (iaf_spec_get_str(c, n, "focal", &k->focal, 1, "flattening check") ||
        iaf_spec_get_num(c, n, "theta", &k->theta, "flattening check"))
        return -1;
    if (!(k->theta > 0 && k->theta < 1))
        return iaf_spec_fail(c, iaf_spec_get(n, "theta"),
                             "check '%s': theta must be between 0 and 1%s", k->id, NULL);
    if (iaf_spec_parse_standardize(c, s, n, k)) return -1;
    return iaf_spec_parse_compared(c, s, n, k, g, 2);
}

void iaf_kind_flattening_json_check(const iaf_spec_check *k, iaf_kind_json_slot slot, iaf_json *j)
{
    if (slot != IAF_KIND_JSON_PARAMS) return;
    iaf_json_kstr(j, "focal", k->focal);
    iaf_json_knum(j, "theta", k->theta);
}

void iaf_kind_flattening_json_variant(const iaf_spec_check *k, const iaf_variant_result *vr,
                                      iaf_json *j)
{
    (void)k;
    iaf_json_kstr(j, "age_agreement", vr->age_agreement);
    if (vr->flat) {
        iaf_json_key(j, "flattening");
        iaf_flat_result_json(vr->flat, j);
        iaf_json_key(j, "verdict_detail");
        iaf_verdict_json(&vr->flat->verdict, j);
    }
}
