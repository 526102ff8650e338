/* src/audit/audit.c - see audit.h. */
#include "audit/audit.h"

#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"
#include "util/util.h"

static iaf_status add_input(iaf_audit *a, size_t *cap, const char *role, const char *path,
                            iaf_error *err)
{
    for (size_t i = 0; i < a->ninputs; i++)
        if (!strcmp(a->inputs[i].path, path) && !strcmp(a->inputs[i].role, role)) return IAF_OK;
    if (IAF_GROW(a->inputs, *cap, a->ninputs + 1) != 0)
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    iaf_input_file *f = &a->inputs[a->ninputs];
    memset(f, 0, sizeof *f);
    if (!(f->role = iaf_strdup(role)) || !(f->path = iaf_strdup(path))) {
        iaf_free(f->role);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* a report must not fingerprint what it could not read */
    if (iaf_sha256_file(path, f->sha256) != 0) {
        iaf_status st =
            iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "read failed: %s", strerror(errno));
        iaf_free(f->role);
        iaf_free(f->path);
        return st;
    }
    a->ninputs++;
    return IAF_OK;
}

/* Columns a side of a check needs: its attribute columns, then universe variables. */
static size_t needed_cols(const char *const *acols, size_t na, const iaf_expr *u,
                          const iaf_spec_check *k, const char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < na; i++)
        out[n++] = acols[i];
    for (size_t v = 0; u && v < iaf_expr_nvars(u) && n < IAF_MAX_CUBE_COLS; v++) {
        const char *name = iaf_expr_var(u, v);
        /* an attribute name stands for its column */
        for (size_t i = 0; i < k->nattrs; i++)
            if (!strcmp(k->attrs[i]->name, name)) name = k->attrs[i]->column;
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            dup |= !strcmp(out[j], name);
        if (!dup) out[n++] = name;
    }
    return n;
}

static int table_has(const iaf_dataset *d, const char *const *cols, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (size_t c = 0; c < iaf_dataset_ncols(d) && !found; c++)
            found = !strcmp(iaf_dataset_col(d, c), cols[i]);
        if (!found) return 0;
    }
    return 1;
}

static iaf_status open_source(const iaf_spec_source *s, const iaf_spec_check *k, int is_ref,
                              iaf_dataset **out, int threads, iaf_error *err)
{
    iaf_dataset_options o;
    memset(&o, 0, sizeof o);
    o.form = s->form;
    o.counts = s->counts;
    o.weight = s->weight;
    o.source.threads = threads;
    o.source.encoding = s->encoding;
    /* wide tables are named by the spec's attributes, else by the check's */
    const char *names[2];
    if (!s->nattrs && k && o.counts.form == IAF_COUNTS_WIDE) {
        for (size_t i = 0; i < k->nattrs; i++)
            names[i] = is_ref ? k->ref_cols[i] : k->attrs[i]->column;
        o.counts.attrs = names;
        o.counts.nattrs = k->nattrs;
    }
    const char *paths[1] = {s->file};
    iaf_status st = iaf_dataset_open(paths, 1, &o, out, err);
    if (st != IAF_OK)
        iaf_error_prefix(err, "%s '%s': ", is_ref ? "reference" : "dataset table", s->id);
    return st;
}

static iaf_status copy_coverage(iaf_variant_result *r, const iaf_derived *d)
{
    r->ncoverage = d->nattrs;
    r->coverage = iaf_calloc(d->nattrs, sizeof *r->coverage);
    if (!r->coverage) return IAF_ERR_NOMEM;
    for (size_t i = 0; i < d->nattrs; i++) {
        const iaf_coverage *s = &d->coverage[i];
        iaf_coverage *t = &r->coverage[i];
        *t = *s;
        t->attr = iaf_strdup(s->attr);
        t->items = iaf_calloc(s->nitems ? s->nitems : 1, sizeof *t->items);
        if (!t->attr || !t->items) return IAF_ERR_NOMEM;
        for (size_t k = 0; k < s->nitems; k++) {
            t->items[k] = s->items[k];
            t->items[k].raw = s->items[k].raw ? iaf_strdup(s->items[k].raw) : NULL;
        }
    }
    return IAF_OK;
}

static iaf_status copy_coverage(iaf_variant_result *r, const iaf_derived *d);

/* Request ids per (check, variant): synthetic, reference, standard. */
typedef struct req_ids {
    int syn, ref, std;
} req_ids;

/* The columns the synthetic side of one variant needs. */
static size_t variant_cols(const iaf_spec_check *k, const iaf_spec_variant *v, const char **cols)
{
    const char *acols[16];
    size_t na = 0;
    if (k->kind == IAF_CHECK_RULE) {
        for (size_t i = 0; i < k->nrule_attrs; i++)
            acols[na++] = k->rule_attrs[i]->column;
        return needed_cols(acols, na, k->universe, k, cols);
    }
    for (size_t i = 0; i < k->nattrs; i++)
        acols[na++] = v->attrs[i]->column;
    if (v->attrs[2]) acols[na++] = v->attrs[2]->column;
    return needed_cols(acols, na, k->universe, k, cols);
}

iaf_status iaf_audit_run(const iaf_spec *spec, const iaf_audit_options *opt, iaf_audit **out,
                         iaf_error *err)
{
    *out = NULL;
    iaf_status st = IAF_OK;
    int threads = opt ? opt->threads : 0;
    size_t ncheck = spec->nchecks, icap = 0;
    iaf_audit *a = iaf_calloc(1, sizeof *a);
    iaf_dataset *micro = NULL;
    iaf_dataset **tables = iaf_calloc(spec->ntables + 1, sizeof *tables);
    iaf_dataset **refs = iaf_calloc(spec->nreferences + 1, sizeof *refs);
    int *syn_tab = iaf_calloc(ncheck + 1, sizeof *syn_tab);
    req_ids *rq = iaf_calloc(ncheck * IAF_MAX_VARIANTS + 1, sizeof *rq);
    if (!a || !tables || !refs || !syn_tab || !rq) goto oom;
    a->spec = spec;
    a->results = iaf_calloc(ncheck, sizeof *a->results);
    if (!a->results) goto oom;
    a->nresults = ncheck;

    if ((st = add_input(a, &icap, "spec", spec->path, err)) != IAF_OK) goto done;
    for (size_t i = 0; i < spec->ncrosswalks; i++) {
        char role[300];
        snprintf(role, sizeof role, "crosswalk:%s", spec->crosswalks[i].id);
        if ((st = add_input(a, &icap, role, spec->crosswalks[i].file, err)) != IAF_OK) goto done;
    }
    if (spec->nmicrodata) {
        iaf_dataset_options mo = spec->micro_opt;
        mo.source.threads = threads;
        if ((st = iaf_dataset_open((const char *const *)spec->microdata, spec->nmicrodata, &mo,
                                   &micro, err)) != IAF_OK)
            goto done;
    }
    for (size_t i = 0; i < spec->ntables; i++)
        if ((st = open_source(&spec->tables[i], NULL, 0, &tables[i], threads, err)) != IAF_OK)
            goto done;
    for (size_t i = 0; i < spec->nreferences; i++) {
        /* a wide reference is named by its first check's reference columns */
        const iaf_spec_check *k0 = NULL;
        for (size_t c = 0; c < ncheck && !k0; c++)
            if (spec->checks[c].reference == (int)i) k0 = &spec->checks[c];
        if ((st = open_source(&spec->references[i], k0, 1, &refs[i], threads, err)) != IAF_OK)
            goto done;
    }

    /* Register every request before counting, so microdata is scanned once. */
    for (size_t c = 0; c < ncheck; c++) {
        const iaf_spec_check *k = &spec->checks[c];
        const char *cols[IAF_MAX_CUBE_COLS];
        syn_tab[c] = k->synthetic;
        if (syn_tab[c] < 0 && !micro) {
            size_t n = variant_cols(k, &k->variants[0], cols);
            for (size_t t = 0; t < spec->ntables && syn_tab[c] < 0; t++)
                if (table_has(tables[t], cols, n)) syn_tab[c] = (int)t;
            if (syn_tab[c] < 0) {
                st = iaf_error_set(err, IAF_ERR_INVALID, spec->path, k->line, 0,
                                   "check '%s': no dataset table has the columns it needs", k->id);
                goto done;
            }
        }
        iaf_dataset *d = syn_tab[c] >= 0 ? tables[syn_tab[c]] : micro;
        iaf_dataset *rd = k->reference >= 0 ? refs[k->reference] : NULL;
        for (size_t v = 0; v < k->nvariants; v++) {
            req_ids *r = &rq[c * IAF_MAX_VARIANTS + v];
            size_t n = variant_cols(k, &k->variants[v], cols);
            if ((r->syn = iaf_dataset_add_request(d, cols, n, err)) < 0) {
                st = iaf_error_prefix(err, "check '%s': ", k->id);
                goto done;
            }
            r->ref = r->std = -1;
            if (k->kind == IAF_CHECK_RULE) continue;
            n = 0;
            for (size_t i = 0; i < k->nattrs; i++)
                cols[n++] = k->ref_cols[i];
            if (k->stratum && k->standard_ref < 0 &&
                table_has(rd, (const char *const *)&k->stratum->name, 1))
                cols[n++] = k->stratum->name;
            for (size_t u = 0; k->reference_universe && u < iaf_expr_nvars(k->reference_universe);
                 u++)
                if (n < IAF_MAX_CUBE_COLS) cols[n++] = iaf_expr_var(k->reference_universe, u);
            if ((r->ref = iaf_dataset_add_request(rd, cols, n, err)) < 0) {
                st = iaf_error_prefix(err, "check '%s', reference '%s': ", k->id,
                                      spec->references[k->reference].id);
                goto done;
            }
            r->std = -1;
            if (k->stratum && k->standard_ref >= 0) {
                const char *sc = k->stratum->name;
                if ((r->std = iaf_dataset_add_request(refs[k->standard_ref], &sc, 1, err)) < 0) {
                    st = iaf_error_prefix(err, "check '%s', standard '%s': ", k->id,
                                          spec->references[k->standard_ref].id);
                    goto done;
                }
            }
        }
    }
    if (micro) {
        if ((st = iaf_dataset_count(micro, opt ? opt->progress : NULL, err)) != IAF_OK) goto done;
        a->microdata_rows = iaf_dataset_rows(micro);
        for (size_t i = 0; i < iaf_source_nfiles_of(micro); i++)
            if ((st = add_input(a, &icap, "microdata", iaf_dataset_file(micro, i), err)) != IAF_OK)
                goto done;
    }
    for (size_t i = 0; i < spec->ntables; i++) {
        char role[300];
        snprintf(role, sizeof role, "table:%s", spec->tables[i].id);
        if ((st = iaf_dataset_count(tables[i], NULL, err)) != IAF_OK) goto done;
        if ((st = add_input(a, &icap, role, spec->tables[i].file, err)) != IAF_OK) goto done;
    }
    for (size_t i = 0; i < spec->nreferences; i++) {
        char role[300];
        snprintf(role, sizeof role, "reference:%s", spec->references[i].id);
        if ((st = iaf_dataset_count(refs[i], NULL, err)) != IAF_OK) goto done;
        for (size_t f = 0; f < iaf_source_nfiles_of(refs[i]); f++)
            if ((st = add_input(a, &icap, role, iaf_dataset_file(refs[i], f), err)) != IAF_OK)
                goto done;
    }

    for (size_t c = 0; c < ncheck; c++) {
        const iaf_spec_check *k = &spec->checks[c];
        iaf_check_result *r = &a->results[c];
        r->check = k;
        r->variants = iaf_calloc(k->nvariants, sizeof *r->variants);
        if (!r->variants) goto oom;
        r->nvariants = k->nvariants;
        iaf_dataset *sd = syn_tab[c] >= 0 ? tables[syn_tab[c]] : micro;
        r->synthetic_source =
            syn_tab[c] >= 0 ? spec->tables[syn_tab[c]].file_as_written : "microdata";
        if (k->kind == IAF_CHECK_RULE) {
            iaf_variant_result *vr = &r->variants[0];
            iaf_derived *dv = NULL;
            st = iaf_dataset_derive(sd, rq[c * IAF_MAX_VARIANTS].syn,
                                    (iaf_attr *const *)k->rule_attrs, k->nrule_attrs, k->universe,
                                    &dv, err);
            if (st == IAF_OK && !(vr->rule = iaf_calloc(1, sizeof *vr->rule)))
                st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            if (st == IAF_OK)
                st = k->status ? iaf_profile_eval(dv->table, k->status, k->rule_attrs[0]->name,
                                                  (const char *const *)k->window, k->nwindow,
                                                  (const char *const *)k->expected_labels,
                                                  k->expected_shares, k->nexpected, k->tolerance,
                                                  vr->rule, err)
                     : k->rule ? iaf_rule_eval(dv->table, k->rule, k->tolerance, vr->rule, err)
                               : iaf_expectation_eval(dv->table, k->share, k->given, k->expect_lo,
                                                      k->expect_hi, vr->rule, err);
            if (st == IAF_OK) {
                vr->universe_mass = dv->universe_mass;
                vr->total_mass = dv->total_mass;
                vr->verdict = r->verdict = vr->rule->verdict;
                r->diagnosis = vr->diagnosis = vr->rule->verdict != IAF_VERDICT_FLAG ? NULL
                                               : k->status ? "outside the institutional age window"
                                               : k->rule   ? "rule violated"
                                                           : "outside expectation";
                if (copy_coverage(vr, dv) != IAF_OK)
                    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
            iaf_derived_free(dv);
            if (st != IAF_OK) {
                iaf_error_prefix(err, "check '%s': ", k->id);
                goto done;
            }
            continue;
        }
        const iaf_spec_source *rs = &spec->references[k->reference];
        iaf_dataset *rd = refs[k->reference];
        iaf_verdict vv[IAF_MAX_VARIANTS];
        for (size_t v = 0; v < k->nvariants && st == IAF_OK; v++) {
            const iaf_spec_variant *var = &k->variants[v];
            const req_ids *ids = &rq[c * IAF_MAX_VARIANTS + v];
            iaf_variant_result *vr = &r->variants[v];
            vr->name = var->name;
            iaf_derived *sdv = NULL, *rdv = NULL, *stdv = NULL;
            iaf_attr *rattrs[3] = {0};
            size_t nsa = k->nattrs + (var->attrs[2] ? 1 : 0);
            iaf_attr *sattrs[3] = {var->attrs[0], var->attrs[1], var->attrs[2]};
            if (k->nattrs == 1) sattrs[1] = var->attrs[2];
            st = iaf_dataset_derive(sd, ids->syn, sattrs, nsa, k->universe, &sdv, err);
            size_t nra = k->nattrs;
            for (size_t i = 0; st == IAF_OK && i < k->nattrs; i++)
                if (!(rattrs[i] = iaf_attr_new_asis(var->attrs[i]->name, k->ref_cols[i])))
                    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            if (st == IAF_OK && k->stratum && k->standard_ref < 0 &&
                table_has(rd, (const char *const *)&k->stratum->name, 1)) {
                if (!(rattrs[nra] = iaf_attr_new_asis(k->stratum->name, k->stratum->name)))
                    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
                nra++;
            }
            if (st == IAF_OK)
                st =
                    iaf_dataset_derive(rd, ids->ref, rattrs, nra, k->reference_universe, &rdv, err);
            if (st == IAF_OK && ids->std >= 0) {
                iaf_attr *sa = iaf_attr_new_asis(k->stratum->name, k->stratum->name);
                if (!sa) st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
                if (st == IAF_OK)
                    st = iaf_dataset_derive(refs[k->standard_ref], ids->std, &sa, 1, NULL, &stdv,
                                            err);
                iaf_attr_free(sa);
            }
            if (st == IAF_OK) {
                double n_s = iaf_dataset_weighted(sd) ? iaf_table_n_eff(sdv->table)
                                                      : iaf_table_n_obs(sdv->table);
                double n_r;
                const char *basis;
                if (!iaf_dataset_is_counts(rd)) {
                    n_r = iaf_dataset_weighted(rd) ? iaf_table_n_eff(rdv->table)
                                                   : iaf_table_n_obs(rdv->table);
                    basis =
                        iaf_dataset_weighted(rd) ? "microdata, Kish effective n" : "microdata rows";
                } else if (rs->full_count) {
                    n_r = INFINITY;
                    basis = "full count (census or register): fixed";
                } else if (!isnan(rs->n_effective)) {
                    n_r = rs->n_effective;
                    basis = "effective n given by the spec";
                } else {
                    n_r = INFINITY;
                    basis = "no sample size given: treated as fixed";
                }
                if (v == 0) {
                    r->n_r_basis = iaf_strdup(basis);
                    r->reference_fixed = isinf(n_r);
                }
                vr->universe_mass = sdv->universe_mass;
                vr->total_mass = sdv->total_mass;
                iaf_boot_options bo = {0};
                bo.b = opt && opt->bootstrap_b ? opt->bootstrap_b : IAF_BOOT_DEFAULT_B;
                bo.seed = opt && opt->seed_set ? opt->seed : IAF_BOOT_DEFAULT_SEED;
                bo.threads = (unsigned)(threads > 0 ? threads : 2);
                const iaf_boot_options *bop = opt && opt->no_bootstrap ? NULL : &bo;
                if (k->kind == IAF_CHECK_FLATTENING) {
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
                    st = iaf_flat_check(&fi, &vr->flat, err);
                    if (st == IAF_OK) {
                        vr->verdict = vr->flat->verdict.verdict;
                        vr->diagnosis = vr->flat->verdict.diagnosis;
                        vr->age_agreement = vr->flat->age_agreement;
                    }
                } else {
                    iaf_thresholds th = iaf_thresholds_default();
                    double x;
                    if (!isnan(x = iaf_spec_threshold_for(spec, k, "tvd"))) th.tvd = x;
                    if (!isnan(x = iaf_spec_threshold_for(spec, k, "cond_tvd_y_given_x")))
                        th.cond_tvd = x;
                    if (!isnan(x = iaf_spec_threshold_for(spec, k, "footprint"))) th.footprint = x;
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
                        iaf_table *sj = NULL;
                        st = iaf_standardize_joint(sdv->table, var->attrs[0]->name,
                                                   var->attrs[1]->name, k->stratum->name, stdt,
                                                   k->stratum->name, &sj, note, sizeof note, err);
                        if (st == IAF_OK && sj) {
                            iaf_compare_input si = in;
                            si.syn = sj;
                            st = iaf_compare_tables(&si, &vr->cmp_std, err);
                            if (st == IAF_OK)
                                vr->age_agreement = vr->cmp_std->verdict.verdict == vr->verdict
                                                        ? "age-robust"
                                                        : "age-sensitive";
                        } else if (st == IAF_OK && !(vr->std_note = iaf_strdup(note))) {
                            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
                        }
                        iaf_table_free(sj);
                    }
                }
                if (st == IAF_OK && copy_coverage(vr, sdv) != IAF_OK)
                    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
                vv[v] = vr->verdict;
            }
            if (st != IAF_OK && err && !strstr(err->message, k->id))
                iaf_error_prefix(err, "check '%s'%s%s: ", k->id, var->name ? ", variant " : "",
                                 var->name ? var->name : "");
            iaf_derived_free(sdv);
            iaf_derived_free(rdv);
            iaf_derived_free(stdv);
            for (int i = 0; i < 3; i++)
                iaf_attr_free(rattrs[i]);
        }
        if (st != IAF_OK) goto done;
        /* across variants: the common verdict, or INCONCLUSIVE when they disagree */
        r->verdict = vv[0];
        r->diagnosis = r->variants[0].diagnosis;
        if (k->nvariants > 1) {
            r->mapping = iaf_variant_agreement(vv, k->nvariants);
            if (r->mapping && !strcmp(r->mapping, "mapping-dependent")) {
                r->verdict = IAF_VERDICT_INCONCLUSIVE;
                r->diagnosis = "mapping-dependent";
            }
        }
    }
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_dataset_free(micro);
    for (size_t i = 0; tables && i < spec->ntables; i++)
        iaf_dataset_free(tables[i]);
    for (size_t i = 0; refs && i < spec->nreferences; i++)
        iaf_dataset_free(refs[i]);
    iaf_free(tables), iaf_free(refs), iaf_free(syn_tab), iaf_free(rq);
    if (st != IAF_OK) {
        iaf_audit_free(a);
        return st;
    }
    *out = a;
    return IAF_OK;
}

void iaf_audit_free(iaf_audit *a)
{
    if (!a) return;
    for (size_t i = 0; a->results && i < a->nresults; i++) {
        iaf_check_result *r = &a->results[i];
        for (size_t v = 0; r->variants && v < r->nvariants; v++) {
            iaf_variant_result *vr = &r->variants[v];
            iaf_comparison_free(vr->cmp);
            iaf_flat_result_free(vr->flat);
            iaf_rule_result_free(vr->rule);
            iaf_free(vr->rule);
            iaf_comparison_free(vr->cmp_std);
            iaf_free(vr->std_note);
            for (size_t k = 0; k < vr->ncoverage; k++) {
                iaf_free(vr->coverage[k].attr);
                for (size_t j = 0; j < vr->coverage[k].nitems; j++)
                    iaf_free(vr->coverage[k].items[j].raw);
                iaf_free(vr->coverage[k].items);
            }
            iaf_free(vr->coverage);
        }
        iaf_free(r->variants);
        iaf_free(r->n_r_basis);
    }
    iaf_free(a->results);
    for (size_t i = 0; i < a->ninputs; i++) {
        iaf_free(a->inputs[i].role);
        iaf_free(a->inputs[i].path);
    }
    iaf_free(a->inputs);
    iaf_free(a);
}
