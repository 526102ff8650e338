/* src/report/replicate.c - `iaf replicate` in the library (iaf/report.h):
 * one check template run over several locale/generator bundles (METHOD.md
 * section 10), summarised per check x bundle with taxonomy sizes, n,
 * metrics with intervals, noise floors, floor-corrected values and
 * verdicts, in replication.json (schema iaf-replication/1, fields in
 * docs/replication.md). Flags are also counted per comparable cell, because
 * raw flag counts grow with the number of categories; the summary never
 * ranks bundles by raw counts. replication.md and replication.html are
 * rendered from the document (replication.c), so that `iaf report
 * replication.json` gives the same bytes later. Moved from the CLI as is. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "iaf/report.h"
#include "report/replication.h"
#include "stats/bootstrap.h"
#include "util/json.h"
#include "util/util.h"

typedef struct bundle {
    const char *path;
    iaf_spec *spec;
    iaf_audit *audit;
    size_t flags, cells, decided;
} bundle;

/* The key numbers of one check result. */
typedef struct keyvals {
    const char *metric;
    double est, lo, hi, floor;
    size_t kx, ky, cells;
    double n;
    const iaf_screen *screen; /* the screen that decided, or NULL */
} keyvals;

static void key_of(const iaf_check_result *r, keyvals *k)
{
    memset(k, 0, sizeof *k);
    k->est = k->lo = k->hi = k->floor = k->n = NAN;
    if (!r->nvariants) return;
    const iaf_variant_result *v = &r->variants[0];
    if (v->cmp) {
        const iaf_comparison *c = v->cmp;
        k->kx = c->kx;
        k->ky = c->twod ? c->ky : 0;
        k->cells = c->kx * c->ky;
        k->n = c->n_s;
        const iaf_screen *s = iaf_verdict_key_screen(&c->verdict);
        k->metric = s ? s->metric : (c->twod ? "cond_tvd_y_given_x" : "tvd");
        k->est = s ? s->estimate : (c->twod ? c->m.cond_tvd_y_given_x : c->m.tvd_joint);
        k->lo = s ? s->lo : NAN;
        k->hi = s ? s->hi : NAN;
        k->floor = s ? s->floor : NAN;
        k->screen = s;
    } else if (v->flat) {
        k->kx = 2;
        k->ky = v->flat->k;
        k->cells = 2 * v->flat->k;
        k->n = v->flat->s_total;
        k->metric = "flattening_pooled";
        k->est = v->flat->point.flattening_pooled;
        if (v->flat->verdict.nscreens) k->est = v->flat->verdict.screens[0].estimate;
        if (v->flat->has_boot) {
            k->lo = v->flat->boot.ci[IAF_FB_FLATTENING_POOLED].lo;
            k->hi = v->flat->boot.ci[IAF_FB_FLATTENING_POOLED].hi;
        }
        if (v->flat->verdict.nscreens) {
            /* the screen's interval goes with its estimate (with a lump: the
             * bounds widened by the sampling half-widths, not the plug-in's) */
            k->screen = &v->flat->verdict.screens[0];
            k->lo = k->screen->lo;
            k->hi = k->screen->hi;
        }
    } else if (v->rule) {
        const iaf_rule_result *rr = v->rule;
        k->metric = rr->is_profile       ? "outside_window"
                    : rr->is_expectation ? "share"
                                         : "violation_share";
        k->est = rr->is_profile ? rr->outside : rr->is_expectation ? rr->estimate : rr->share;
        k->lo = rr->is_profile ? rr->outside_lo : rr->is_expectation ? rr->ci_lo : NAN;
        k->hi = rr->is_profile ? rr->outside_hi : rr->is_expectation ? rr->ci_hi : NAN;
        k->n = v->rule->is_expectation ? v->rule->given : v->rule->antecedent;
    }
}

static void screen_json(iaf_json *j, const iaf_screen *s)
{
    iaf_json_begin_object(j);
    iaf_screen_json_fields(s, j);
    iaf_json_kbool(j, "too_small", iaf_screen_too_small(s));
    iaf_json_end_object(j);
}

/* What the charts of replication.html need beyond the key numbers: every
 * screen of the first variant (one forest-plot facet per metric), the
 * signature of a joint comparison, the rule's outcome as a screen. */
static void row_extra_json(iaf_json *j, const iaf_spec *spec, const iaf_check_result *r,
                           const keyvals *kv)
{
    const iaf_spec_check *k = r->check;
    const iaf_variant_result *v = r->nvariants ? &r->variants[0] : NULL;
    iaf_json_kstr(j, "title", k->title);
    iaf_json_key(j, "attributes");
    iaf_json_begin_array(j);
    for (size_t a = 0; a < k->nattrs && a < 2; a++)
        iaf_json_str(j, k->attrs[a] ? k->attrs[a]->name : NULL);
    iaf_json_end_array(j);
    iaf_json_kstr(j, "variant", v ? v->name : NULL);
    iaf_json_kint(j, "variants", (int64_t)r->nvariants);
    const iaf_screen *s = kv->screen;
    const iaf_rule_result *rr = v ? v->rule : NULL;
    double thr = s ? s->threshold : NAN;
    const char *fails = s ? (s->fails_above ? "above" : "below") : NULL;
    const char *reason = s ? s->reason : NULL;
    if (rr && !rr->is_expectation) {
        thr = rr->tolerance;
        fails = "above";
    }
    if (rr) reason = rr->reason;
    iaf_json_knum(j, "threshold", thr);
    iaf_json_kstr(j, "fails", fails);
    iaf_json_kstr(j, "reason", reason);
    iaf_json_kbool(j, "too_small", iaf_screen_too_small(s));
    iaf_json_key(j, "screens");
    iaf_json_begin_array(j);
    const iaf_check_verdict *cv = v && v->cmp    ? &v->cmp->verdict
                                  : v && v->flat ? &v->flat->verdict
                                                 : NULL;
    for (size_t i = 0; cv && i < cv->nscreens; i++)
        screen_json(j, &cv->screens[i]);
    if (rr) {
        /* the rule's outcome in the shape of a screen */
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "metric", kv->metric);
        iaf_json_knum(j, "threshold", rr->is_expectation ? NAN : rr->tolerance);
        iaf_json_kstr(j, "fails", rr->is_expectation ? NULL : "above");
        iaf_json_knum(j, "estimate", kv->est);
        iaf_json_knum(j, "lo", kv->lo);
        iaf_json_knum(j, "hi", kv->hi);
        iaf_json_knum(j, "floor", NAN);
        if (rr->is_expectation) {
            iaf_json_knum(j, "expected_lo", rr->expect_lo);
            iaf_json_knum(j, "expected_hi", rr->expect_hi);
        }
        iaf_json_kstr(j, "verdict", iaf_verdict_name(rr->verdict));
        iaf_json_kstr(j, "reason", rr->reason);
        iaf_json_kbool(j, "too_small", 0);
        iaf_json_end_object(j);
    }
    iaf_json_end_array(j);
    const iaf_comparison *c = v ? v->cmp : NULL;
    if (c && c->twod) {
        const iaf_boot_interval *ri = c->has_boot ? &c->boot.ci[IAF_JM_RETENTION] : NULL;
        const iaf_boot_interval *fi = c->has_boot ? &c->boot.ci[IAF_JM_FOOTPRINT] : NULL;
        const iaf_boot_interval *di = c->has_boot ? &c->boot.ci[IAF_JM_FOOTPRINT_DEP] : NULL;
        /* headline estimates (inside their intervals); the plug-ins beside them */
        iaf_json_knum(j, "retention", ri ? ri->bias_corrected : c->m.retention);
        iaf_json_knum(j, "retention_plug_in", c->m.retention);
        iaf_json_knum(j, "retention_lo", ri ? ri->lo : NAN);
        iaf_json_knum(j, "retention_hi", ri ? ri->hi : NAN);
        iaf_json_knum(j, "footprint", fi ? fi->bias_corrected : c->m.footprint);
        iaf_json_knum(j, "footprint_plug_in", c->m.footprint);
        iaf_json_knum(j, "footprint_lo", fi ? fi->lo : NAN);
        iaf_json_knum(j, "footprint_hi", fi ? fi->hi : NAN);
        iaf_json_knum(j, "footprint_dep", di ? di->bias_corrected : c->m.footprint_dep);
        iaf_json_knum(j, "footprint_dep_plug_in", c->m.footprint_dep);
        iaf_json_knum(j, "footprint_dep_lo", di ? di->lo : NAN);
        iaf_json_knum(j, "footprint_dep_hi", di ? di->hi : NAN);
        iaf_json_key(j, "signature_thresholds");
        iaf_json_begin_object(j);
        iaf_json_knum(j, "footprint", iaf_spec_threshold_for(spec, k, "footprint"));
        iaf_json_knum(j, "retention", iaf_spec_threshold_for(spec, k, "retention"));
        iaf_json_end_object(j);
    }
}

struct iaf_replication {
    bundle *bs;
    size_t nb;
    iaf_buf json;  /* replication.json */
    char **inputs; /* borrowed paths: each bundle's spec, then the files its audit read */
    size_t ninputs;
};

void iaf_replication_free(iaf_replication *r)
{
    if (!r) return;
    for (size_t b = 0; r->bs && b < r->nb; b++) {
        iaf_audit_free(r->bs[b].audit);
        iaf_spec_free(r->bs[b].spec);
    }
    iaf_free(r->bs);
    iaf_free(r->inputs);
    iaf_buf_free(&r->json);
    iaf_free(r);
}

/* Written as one function so that the moved code stays as it was in the
 * CLI: run every bundle, gather the check ids in first-seen order, then
 * write the document; longer than 150 lines for that reason. */
iaf_status iaf_replicate(const char *const *paths, size_t nb, const iaf_audit_options *optp,
                         const iaf_report_meta *meta, iaf_replication **out, iaf_error *err)
{
    iaf_audit_options opt;
    if (optp)
        opt = *optp;
    else
        memset(&opt, 0, sizeof opt);
    *out = NULL;
    iaf_status st = IAF_ERR_NOMEM;
    iaf_replication *rep = iaf_calloc(1, sizeof *rep);
    bundle *bs = iaf_calloc(nb ? nb : 1, sizeof *bs);
    char **ids = NULL;
    size_t nids = 0, idcap = 0;
    if (!rep || !bs) {
        iaf_free(rep);
        iaf_free(bs);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    rep->bs = bs;
    rep->nb = nb;
    for (size_t b = 0; b < nb; b++) {
        bs[b].path = paths[b];
        if ((st = iaf_spec_load(bs[b].path, &bs[b].spec, err)) != IAF_OK ||
            (st = iaf_audit_run(bs[b].spec, &opt, &bs[b].audit, err)) != IAF_OK) {
            goto done;
        }
        for (size_t i = 0; i < bs[b].audit->nresults; i++) {
            const iaf_check_result *r = &bs[b].audit->results[i];
            keyvals kv;
            key_of(r, &kv);
            bs[b].cells += kv.cells;
            if (r->verdict == IAF_VERDICT_FLAG) bs[b].flags++;
            if (r->verdict == IAF_VERDICT_FLAG || r->verdict == IAF_VERDICT_PASS) bs[b].decided++;
            int seen = 0;
            for (size_t k = 0; k < nids; k++)
                seen |= !strcmp(ids[k], r->check->id);
            if (!seen) {
                if (IAF_GROW(ids, idcap, nids + 1) != 0) goto oom;
                ids[nids++] = r->check->id;
            }
        }
    }
    /* replication.json (docs/replication.md lists its fields) */
    iaf_json j;
    iaf_json_init(&j, &rep->json, 1);
    iaf_json_begin_object(&j);
    iaf_json_kstr(&j, "schema", "iaf-replication/1");
    iaf_json_kstr(&j, "iaf_version", meta && meta->version ? meta->version : "dev");
    iaf_json_kstr(&j, "command_line", meta ? meta->command_line : NULL);
    iaf_json_kint(&j, "bootstrap_b",
                  (int64_t)(opt.bootstrap_b ? opt.bootstrap_b : IAF_BOOT_DEFAULT_B));
    uint64_t seed = opt.seed_set ? opt.seed : IAF_BOOT_DEFAULT_SEED;
    if (seed <= (uint64_t)INT64_MAX) {
        iaf_json_kint(&j, "seed", (int64_t)seed);
    } else {
        /* beyond a JSON integer that every reader keeps exactly */
        char sbuf[24];
        snprintf(sbuf, sizeof sbuf, "%llu", (unsigned long long)seed);
        iaf_json_kstr(&j, "seed", sbuf);
    }
    iaf_json_key(&j, "bundles");
    iaf_json_begin_array(&j);
    for (size_t b = 0; b < nb; b++) {
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "spec", bs[b].path);
        iaf_json_kstr(&j, "name", bs[b].spec->name);
        iaf_json_kstr(&j, "dataset", bs[b].spec->dataset_title);
        if (bs[b].spec->family) iaf_json_kstr(&j, "family", bs[b].spec->family);
        iaf_json_kint(&j, "checks", (int64_t)bs[b].audit->nresults);
        iaf_json_kint(&j, "flags", (int64_t)bs[b].flags);
        iaf_json_kint(&j, "comparable_cells", (int64_t)bs[b].cells);
        iaf_json_knum(&j, "flags_per_comparable_cell",
                      bs[b].cells ? (double)bs[b].flags / (double)bs[b].cells : NAN);
        const char *sha = NULL;
        for (size_t i = 0; i < bs[b].audit->ninputs; i++)
            if (!strcmp(bs[b].audit->inputs[i].role, "spec")) sha = bs[b].audit->inputs[i].sha256;
        iaf_json_kstr(&j, "spec_sha256", sha);
        iaf_json_end_object(&j);
    }
    iaf_json_end_array(&j);
    iaf_json_key(&j, "rows");
    iaf_json_begin_array(&j);
    for (size_t k = 0; k < nids; k++)
        for (size_t b = 0; b < nb; b++)
            for (size_t i = 0; i < bs[b].audit->nresults; i++) {
                const iaf_check_result *r = &bs[b].audit->results[i];
                if (strcmp(r->check->id, ids[k])) continue;
                keyvals kv;
                key_of(r, &kv);
                iaf_json_begin_object(&j);
                iaf_json_kstr(&j, "check", ids[k]);
                iaf_json_kstr(&j, "kind", iaf_check_kind_name(r->check->kind));
                iaf_json_kstr(&j, "bundle", bs[b].path);
                iaf_json_kint(&j, "k_x", (int64_t)kv.kx);
                iaf_json_kint(&j, "k_y", (int64_t)kv.ky);
                iaf_json_kint(&j, "comparable_cells", (int64_t)kv.cells);
                iaf_json_knum(&j, "n_synthetic", kv.n);
                iaf_json_kstr(&j, "metric", kv.metric);
                iaf_json_knum(&j, "estimate", kv.est);
                iaf_json_knum(&j, "lo", kv.lo);
                iaf_json_knum(&j, "hi", kv.hi);
                iaf_json_knum(&j, "noise_floor", kv.floor);
                iaf_json_knum(&j, "floor_corrected", isnan(kv.floor) ? NAN : kv.est - kv.floor);
                iaf_json_kstr(&j, "verdict", iaf_verdict_name(r->verdict));
                iaf_json_kstr(&j, "diagnosis", r->diagnosis);
                row_extra_json(&j, bs[b].spec, r, &kv);
                iaf_json_end_object(&j);
            }
    iaf_json_end_array(&j);
    iaf_json_end_object(&j);
    if (j.failed || iaf_buf_puts(&rep->json, "\n") != 0) goto oom;
    size_t icap = 0;
    for (size_t b = 0; b < nb; b++) {
        if (IAF_GROW(rep->inputs, icap, rep->ninputs + 1 + bs[b].audit->ninputs) != 0) goto oom;
        rep->inputs[rep->ninputs++] = (char *)bs[b].path;
        for (size_t i = 0; i < bs[b].audit->ninputs; i++)
            rep->inputs[rep->ninputs++] = bs[b].audit->inputs[i].path;
    }
    iaf_free(ids);
    *out = rep;
    return IAF_OK;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_free(ids);
    iaf_replication_free(rep);
    return st;
}

size_t iaf_replication_ninputs(const iaf_replication *r)
{
    return r ? r->ninputs : 0;
}

const char *iaf_replication_input_path(const iaf_replication *r, size_t i)
{
    return i < r->ninputs ? r->inputs[i] : NULL;
}

iaf_status iaf_replication_render(const iaf_replication *r, iaf_report_format f, char **out,
                                  size_t *n, iaf_error *err)
{
    if (f == IAF_REPORT_FORMAT_JSON) {
        *out = iaf_malloc(r->json.len + 1);
        if (!*out) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        memcpy(*out, r->json.data, r->json.len);
        (*out)[r->json.len] = '\0';
        if (n) *n = r->json.len;
        return IAF_OK;
    }
    return iaf_replication_render_json(r->json.data, r->json.len, f, out, n, err);
}
