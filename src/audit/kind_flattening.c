/* src/audit/kind_flattening.c - the flattening kind (METHOD.md section 5):
 * flatcheck.c on the group x domain table, with optional direct
 * standardisation by a stratum; moved as is from iaf_audit_run. */
#include <stdio.h>
#include <string.h>

#include "audit/kinds.h"

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
