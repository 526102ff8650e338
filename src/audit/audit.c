/* src/audit/audit.c - see audit.h. */
#include "audit/audit.h"
#include "core/rowweights.h"

#include <assert.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cubes.h"
#include "audit/kinds.h"
#include "util/sha256.h"
#include "util/util.h"

static iaf_status add_input_sha(iaf_audit *a, size_t *cap, const char *role, const char *path,
                                const char *sha, iaf_error *err)
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
    if (sha) {
        snprintf(f->sha256, sizeof f->sha256, "%s", sha);
    } else if (iaf_sha256_file(path, f->sha256) != 0) {
        iaf_status st =
            iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "read failed: %s", strerror(errno));
        iaf_free(f->role);
        iaf_free(f->path);
        return st;
    }
    a->ninputs++;
    return IAF_OK;
}

static iaf_status add_input(iaf_audit *a, size_t *cap, const char *role, const char *path,
                            iaf_error *err)
{
    return add_input_sha(a, cap, role, path, NULL, err);
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
    iaf_spec_source_options(s, threads, &o);
    /* wide tables are named by the spec's attributes, else by the check's */
    const char *names[2];
    if (!s->nattrs && k && o.counts.form == IAF_COUNTS_WIDE) {
        for (size_t i = 0; i < k->nattrs; i++)
            names[i] = is_ref ? k->ref_cols[i] : k->attrs[i]->column;
        o.counts.attrs = names;
        o.counts.nattrs = k->nattrs;
    }
    const char *paths[1] = {s->file};
    iaf_status st = s->mem ? iaf_dataset_open_counts_memory(s->mem, s->nmem, s->file, &o, out, err)
                           : iaf_dataset_open(paths, 1, &o, out, err);
    if (st != IAF_OK)
        iaf_error_prefix(err, "%s '%s': ", is_ref ? "reference" : "dataset table", s->id);
    return st;
}

static iaf_coverage_item *copy_items(const iaf_coverage_item *s, size_t n)
{
    iaf_coverage_item *t = iaf_calloc(n ? n : 1, sizeof *t);
    for (size_t k = 0; t && k < n; k++) {
        t[k] = s[k];
        t[k].raw = s[k].raw ? iaf_strdup(s[k].raw) : NULL;
    }
    return t;
}

/* An owned copy of d's coverage records (the reference side: side 1). */
static iaf_status copy_coverage_side(iaf_variant_result *r, const iaf_derived *d, int side)
{
    iaf_coverage *c = iaf_calloc(d->nattrs, sizeof *c);
    if (!c) return IAF_ERR_NOMEM;
    if (side) {
        r->ref_coverage = c;
        r->nref_coverage = d->nattrs;
    } else {
        r->coverage = c;
        r->ncoverage = d->nattrs;
    }
    for (size_t i = 0; i < d->nattrs; i++) {
        const iaf_coverage *s = &d->coverage[i];
        iaf_coverage *t = &c[i];
        *t = *s;
        t->attr = iaf_strdup(s->attr);
        t->items = copy_items(s->items, s->nitems);
        t->missing_items = copy_items(s->missing_items, s->nmissing_items);
        if (!t->attr || !t->items || !t->missing_items) return IAF_ERR_NOMEM;
    }
    return IAF_OK;
}

static iaf_status copy_coverage(iaf_variant_result *r, const iaf_derived *d)
{
    return copy_coverage_side(r, d, 0);
}

/* The reference side of attribute i of a check's variant. A count table's
 * columns are reference categories, read as they are (column ref_cols[i]).
 * Microdata is derived exactly as the synthetic side: the same attribute,
 * from the same column, or from reference_columns[i] when that names a
 * column; when it names a declared attribute, that attribute is used
 * instead (a reference in its own coding). The result is named like the
 * synthetic attribute. Owned by the caller. */
static iaf_attr *ref_attr(const iaf_spec *spec, const iaf_spec_check *k,
                          const iaf_spec_variant *var, size_t i, int micro)
{
    const iaf_attr *sa = var->attrs[i];
    const char *rc = k->ref_cols[i];
    if (!micro) return iaf_attr_new_asis(sa->name, rc);
    if (!strcmp(rc, k->attrs[i]->name)) return iaf_attr_copy(sa, NULL, NULL);
    for (size_t a = 0; a < spec->nattrs; a++)
        if (!strcmp(spec->attrs[a]->name, rc)) return iaf_attr_copy(spec->attrs[a], sa->name, NULL);
    return iaf_attr_copy(sa, NULL, rc);
}

/* The standard's column for the standardised attribute of a per-category
 * standard (flattening: the domain; joint: x): the reference's column. */
static const char *std_cat_col(const iaf_spec_check *k)
{
    return k->ref_cols[iaf_check_ops_of(k->kind)->standardised];
}

/* Request ids per (check, variant): synthetic, reference, standard. */
typedef struct req_ids {
    int syn, ref, std, tot; /* tot: the lump's category totals, -1 none */
} req_ids;

/* The columns the synthetic side of one variant needs: its kind's, then the universe's. */
static size_t variant_cols(const iaf_spec_check *k, const iaf_spec_variant *v, const char **cols)
{
    const char *acols[16];
    size_t na = iaf_check_ops_of(k->kind)->columns(k, v, acols);
    return needed_cols(acols, na, k->universe, k, cols);
}

static int table_has_se(const iaf_table *t)
{
    for (size_t i = 0; i < iaf_table_ncells(t); i++)
        if (!isnan(iaf_table_cell(t, i).se)) return 1;
    return 0;
}

/* The lump a variant carries: on the attribute of a marginal check, on the
 * second (y / domain) attribute of a joint or flattening check. */
static const iaf_spec_lump *lump_of(const iaf_spec *spec, const iaf_spec_check *k,
                                    const iaf_spec_variant *v)
{
    if (iaf_check_ops_of(k->kind)->sides != IAF_SIDES_COMPARED) return NULL;
    return iaf_spec_lump_of(spec, v->attrs[k->nattrs > 1 ? 1 : 0]);
}

/* A category that reads like an undeclared lump (METHOD.md section 3.5): in
 * the coverage (unmapped raw values) or among the derived categories. */
static iaf_status lump_hint(const iaf_spec *spec, const iaf_spec_check *k,
                            const iaf_spec_variant *v, const iaf_derived *d, iaf_variant_result *vr)
{
    for (size_t i = 0; i < k->nattrs && i < d->nattrs && !vr->lump_hint; i++) {
        const iaf_attr *a = v->attrs[i];
        if (iaf_spec_lump_of(spec, a)) continue;
        const char *hit = NULL;
        char buf[128];
        for (size_t c = 0; c < d->coverage[i].nitems && !hit; c++) {
            const char *raw = d->coverage[i].items[c].raw;
            if (raw && iaf_lump_like(raw, strlen(raw))) hit = raw;
        }
        for (size_t c = 0; !hit && c < iaf_table_ncats(d->table, i); c++) {
            iaf_sv l = iaf_table_cat(d->table, i, c);
            if (iaf_lump_like(l.ptr, l.len)) {
                snprintf(buf, sizeof buf, "%.*s", (int)IAF_MIN(l.len, sizeof buf - 1), l.ptr);
                hit = buf;
            }
        }
        if (!hit) continue;
        char msg[512];
        snprintf(msg, sizeof msg,
                 "category '%s' of column '%s' reads like a lumped remainder (\"everything "
                 "else\"): declare it with `lump:` on attribute '%s' so that the check reports "
                 "bounds instead of dropping or renormalising it",
                 hit, a->column, a->name);
        if (!(vr->lump_hint = iaf_strdup(msg))) return IAF_ERR_NOMEM;
    }
    return IAF_OK;
}

/* Lump bounds, support figures and the verdict paths they force, on a
 * decided variant (METHOD.md sections 3.5, 3.6, 9). */
static iaf_status support_and_lumps(const iaf_spec *spec, const iaf_spec_check *k,
                                    const iaf_spec_variant *var, iaf_dataset *sd, int cube,
                                    const iaf_derived *sdv, iaf_dataset *td, int tot_req,
                                    iaf_variant_result *vr, iaf_error *err)
{
    iaf_status st = IAF_OK;
    const iaf_spec_lump *lp = lump_of(spec, k, var);
    double min_support = iaf_spec_threshold_for(spec, k, "min_support");
    iaf_derived *ldv = NULL, *tdv = NULL;
    iaf_attr *raw = NULL;
    if (lp && k->nattrs > 1 && iaf_spec_lump_of(spec, var->attrs[0]))
        return iaf_error_set(err, IAF_ERR_INVALID, spec->path, k->line, 0,
                             "check '%s': a lump is supported on the second attribute only", k->id);
    if (lp) {
        /* the lumped column as is, beside the other attribute mapped */
        char name[300];
        snprintf(name, sizeof name, "lump:%s", lp->attr->name);
        if (!(raw = iaf_attr_new_asis(name, lp->attr->column))) goto oom;
        iaf_attr *la[2] = {var->attrs[0], raw};
        size_t nla = k->nattrs > 1 ? 2 : 1;
        if (nla == 1) la[0] = raw;
        if ((st = iaf_dataset_derive(sd, cube, la, nla, k->universe, &ldv, err)) != IAF_OK)
            goto done;
        if (td && tot_req >= 0) {
            if (k->universe) {
                st = iaf_error_set(err, IAF_ERR_INVALID, spec->path, k->line, 0,
                                   "check '%s': lump_totals give the whole dataset's marginal, "
                                   "which does not fit a check with a universe",
                                   k->id);
                goto done;
            }
            iaf_attr *ta = var->attrs[k->nattrs > 1 ? 1 : 0];
            if ((st = iaf_dataset_derive(td, tot_req, &ta, 1, NULL, &tdv, err)) != IAF_OK)
                goto done;
        }
        const char *const *labels = (const char *const *)lp->labels;
        if (vr->flat)
            st = iaf_lump_flat(vr->flat, k->focal, ldv->table, labels, lp->nlabels,
                               tdv ? tdv->table : NULL, &vr->lump, err);
        else if (vr->cmp)
            st = iaf_lump_compare_totals(vr->cmp, ldv->table, labels, lp->nlabels,
                                         tdv ? tdv->table : NULL, &vr->lump, err);
        if (st != IAF_OK) goto done;
    }
    if (vr->flat) {
        double n_s =
            iaf_dataset_weighted(sd) ? iaf_table_n_eff(sdv->table) : iaf_table_n_obs(sdv->table);
        iaf_support_flat(vr->flat, sdv->universe_mass, n_s, &vr->lump, min_support, &vr->support);
        iaf_verdict_partial(&vr->flat->verdict, &vr->lump, 1);
        iaf_verdict_support(&vr->flat->verdict, &vr->support);
        if (vr->flat->has_std) {
            /* the bounds are of the raw shares: standardised, nothing is bounded */
            iaf_lump_bounds unb = vr->lump;
            unb.flattening_pooled_lo = unb.flattening_pooled_hi = NAN;
            iaf_verdict_partial(&vr->flat->std_verdict, &unb, 1);
            if (vr->flat->std_verdict.diagnosis == unb.reason)
                vr->flat->std_verdict.diagnosis = vr->lump.reason; /* same text, lasting */
            iaf_verdict_support(&vr->flat->std_verdict, &vr->support);
        }
        vr->verdict = vr->flat->verdict.verdict;
        vr->diagnosis = vr->flat->verdict.diagnosis;
    } else if (vr->cmp) {
        if (iaf_support_compare(vr->cmp, sdv->universe_mass, &vr->lump, min_support,
                                &vr->support) != 0)
            goto oom;
        iaf_verdict_partial(&vr->cmp->verdict, &vr->lump, 0);
        iaf_verdict_support(&vr->cmp->verdict, &vr->support);
        if (vr->cmp_std) {
            iaf_lump_bounds unb = vr->lump;
            unb.has_cond = 0;
            iaf_verdict_partial(&vr->cmp_std->verdict, &unb, 0);
            if (vr->cmp_std->verdict.diagnosis == unb.reason)
                vr->cmp_std->verdict.diagnosis = vr->lump.reason; /* same text, lasting */
            iaf_verdict_support(&vr->cmp_std->verdict, &vr->support);
        }
        vr->verdict = vr->cmp->verdict.verdict;
        vr->diagnosis = vr->cmp->verdict.diagnosis;
    }
    vr->has_support = 1;
    if ((st = lump_hint(spec, k, var, sdv, vr)) != IAF_OK) goto oom;
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_derived_free(ldv);
    iaf_derived_free(tdv);
    iaf_attr_free(raw);
    return st;
}

/* The state of one run, shared by its phases. */
typedef struct run_state {
    const iaf_spec *spec;
    const iaf_audit_options *opt;
    int threads;
    iaf_audit *a;
    size_t icap;
    iaf_dataset *micro;
    iaf_dataset **tables, **refs;
    int *syn_tab; /* per check: the dataset table of its synthetic side, -1 microdata */
    req_ids *rq;  /* per check and variant */
    iaf_run_mode mode;
    const iaf_cubes *cubes_in; /* IAF_RUN_CUBES */
} run_state;

/* `iaf audit --weights` on a spec without microdata: a count table weighted by cell
 * (core/rowweights.h), counted as weighted data (Kish's n). The table is the dataset's own,
 * read just now and not yet counted. */
static iaf_status weight_table(const iaf_spec *spec, size_t i, iaf_dataset *d, iaf_error *err)
{
    const iaf_spec_source *t = &spec->tables[i];
    if (!spec->row_weights || spec->nmicrodata) return IAF_OK;
    if (!iaf_dataset_is_counts(d))
        return iaf_error_set(err, IAF_ERR_INVALID, t->file, 0, 0,
                             "dataset table '%s' is not a count table", t->id);
    iaf_status st = iaf_rowweights_weight_table(spec->row_weights, iaf_dataset_table_mut(d),
                                                t->file, t->normalize,
                                                (const char *const *)t->missing, t->nmissing, err);
    if (st != IAF_OK) return iaf_error_prefix(err, "dataset table '%s': ", t->id);
    iaf_dataset_set_row_weights(d, spec->row_weights);
    return IAF_OK;
}

/* Every input opened once; the spec and crosswalks fingerprinted. */
static iaf_status open_inputs(run_state *s, iaf_error *err)
{
    const iaf_spec *spec = s->spec;
    iaf_audit *a = s->a;
    size_t ncheck = spec->nchecks;
    int threads = s->threads;
    iaf_status st = IAF_OK;
    if ((st = add_input(a, &s->icap, "spec", spec->path, err)) != IAF_OK) return st;
    for (size_t i = 0; i < spec->ncrosswalks; i++) {
        char role[300];
        snprintf(role, sizeof role, "crosswalk:%s", spec->crosswalks[i].id);
        if ((st = add_input(a, &s->icap, role, spec->crosswalks[i].file, err)) != IAF_OK) return st;
    }
    for (size_t i = 0; i < spec->nlabels; i++) { /* classification files titling codes */
        char role[300];
        snprintf(role, sizeof role, "labels:%s",
                 spec->labels[i].nattributes ? spec->labels[i].attributes[0] : "");
        if ((st = add_input(a, &s->icap, role, spec->labels[i].file, err)) != IAF_OK) return st;
    }
    if (spec->nmicrodata) {
        iaf_dataset_options mo = spec->micro_opt;
        mo.source.threads = threads;
        if (s->opt) {
            mo.cancel = s->opt->cancel;
            mo.cancel_ctx = s->opt->cancel_ctx;
        }
        if (s->mode == IAF_RUN_CUBES) {
            st = iaf_dataset_open_cubes(s->cubes_in->rc, &mo, &s->micro, err);
        } else {
            st = iaf_dataset_open((const char *const *)spec->microdata, spec->nmicrodata, &mo,
                                  &s->micro, err);
            /* a plan for a warehouse table needs no local rows */
            if (st != IAF_OK && s->mode == IAF_RUN_PLAN && st != IAF_ERR_NOMEM) {
                if (err) iaf_error_clear(err);
                st = iaf_dataset_open_cubes(NULL, &mo, &s->micro, err);
            }
        }
        if (st != IAF_OK) return st;
    } else if (s->mode != IAF_RUN_AUDIT) {
        return iaf_error_set(err, IAF_ERR_INVALID, spec->path, 0, 0,
                             "the spec reads no microdata (dataset.microdata): there is "
                             "nothing to count elsewhere");
    }
    for (size_t i = 0; i < spec->ntables; i++) {
        if ((st = open_source(&spec->tables[i], NULL, 0, &s->tables[i], threads, err)) != IAF_OK)
            return st;
        if ((st = weight_table(spec, i, s->tables[i], err)) != IAF_OK) return st;
    }
    for (size_t i = 0; i < spec->nreferences; i++) {
        /* a wide reference is named by its first check's reference columns */
        const iaf_spec_check *k0 = NULL;
        for (size_t c = 0; c < ncheck && !k0; c++)
            if (spec->checks[c].reference == (int)i) k0 = &spec->checks[c];
        if ((st = open_source(&spec->references[i], k0, 1, &s->refs[i], threads, err)) != IAF_OK)
            return st;
    }

    return IAF_OK;
}

/* An input's error found while a check's requests are registered (a column it
 * lacks) is located at the check in the spec, naming the input once:
 * "SPEC:LINE:COL: check 'id', reference 'r': FILE: no column 'x'; did you mean...". */
static iaf_status at_check(const iaf_spec *spec, const iaf_spec_check *k, const char *role,
                           const char *role_id, iaf_error *err)
{
    if (!err) return IAF_ERR_INVALID;
    if (err->status == IAF_ERR_NOMEM) return err->status;
    iaf_error e = *err;
    char r[300] = "";
    if (role) snprintf(r, sizeof r, ", %s '%s'", role, role_id);
    return iaf_error_set(err, e.status, spec->path, k->line, k->col, "check '%s'%s: %s%s%s", k->id,
                         r, e.file, e.file[0] ? ": " : "", e.message);
}

/* The reference side of a conditional_independence check's attribute i: a
 * count table's column named like the attribute, or on microdata the same
 * derivation as the synthetic side. Owned by the caller. */
static iaf_attr *condind_ref_attr(const iaf_spec_check *k, size_t i, int micro)
{
    const iaf_attr *a = k->rule_attrs[i];
    return micro ? iaf_attr_copy(a, NULL, NULL) : iaf_attr_new_asis(a->name, a->name);
}

static iaf_status condind_ref_request(const iaf_spec *spec, const iaf_spec_check *k,
                                      iaf_dataset *rd, req_ids *r, iaf_error *err)
{
    const char *cols[IAF_MAX_CUBE_COLS];
    iaf_attr *ra[16] = {0};
    int rmicro = !iaf_dataset_is_counts(rd);
    size_t n = 0;
    iaf_status st = IAF_OK;
    for (size_t i = 0; i < k->nrule_attrs; i++) {
        if (!(ra[i] = condind_ref_attr(k, i, rmicro))) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            dup |= !strcmp(cols[j], ra[i]->column);
        if (!dup && n < IAF_MAX_CUBE_COLS) cols[n++] = ra[i]->column;
    }
    for (size_t u = 0; k->reference_universe && u < iaf_expr_nvars(k->reference_universe); u++) {
        const char *name = iaf_expr_var(k->reference_universe, u);
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            dup |= !strcmp(cols[j], name);
        if (!dup && n < IAF_MAX_CUBE_COLS) cols[n++] = name;
    }
    r->tot = -1;
    if ((r->ref = iaf_dataset_add_request(rd, cols, n, err)) < 0)
        st = iaf_error_prefix(err, "check '%s', reference '%s': ", k->id,
                              spec->references[k->reference].id);
done:
    for (size_t i = 0; i < k->nrule_attrs; i++)
        iaf_attr_free(ra[i]);
    return st;
}

static iaf_status register_requests(run_state *s, iaf_error *err)
{
    const iaf_spec *spec = s->spec;
    size_t ncheck = spec->nchecks;
    iaf_dataset *micro = s->micro, **tables = s->tables, **refs = s->refs;
    int *syn_tab = s->syn_tab;
    req_ids *rq = s->rq;
    iaf_status st = IAF_OK;
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
                return st;
            }
        }
        iaf_dataset *d = syn_tab[c] >= 0 ? tables[syn_tab[c]] : micro;
        iaf_dataset *rd = k->reference >= 0 ? refs[k->reference] : NULL;
        for (size_t v = 0; v < k->nvariants; v++) {
            req_ids *r = &rq[c * IAF_MAX_VARIANTS + v];
            size_t n = variant_cols(k, &k->variants[v], cols);
            if (iaf_dataset_check_columns(d, cols, n, err) != IAF_OK)
                return at_check(spec, k, NULL, NULL, err);
            if ((r->syn = iaf_dataset_add_request(d, cols, n, err)) < 0) {
                st = iaf_error_prefix(err, "check '%s': ", k->id);
                return st;
            }
            r->ref = r->std = -1;
            iaf_kind_sides sides = iaf_check_ops_of(k->kind)->sides;
            if (sides == IAF_SIDES_SYNTHETIC) continue;
            if (sides == IAF_SIDES_VARIABLES) {
                if (rd && (st = condind_ref_request(spec, k, rd, r, err)) != IAF_OK) return st;
                continue;
            }
            n = 0;
            int rmicro = !iaf_dataset_is_counts(rd);
            iaf_attr *ra[3] = {0};
            for (size_t i = 0; i < k->nattrs; i++) {
                if (!(ra[i] = ref_attr(spec, k, &k->variants[v], i, rmicro))) {
                    for (size_t j = 0; j < i; j++)
                        iaf_attr_free(ra[j]);
                    goto oom;
                }
                cols[n++] = ra[i]->column;
            }
            const char *scol = k->stratum ? (rmicro ? k->stratum->column : k->stratum->name) : NULL;
            if (k->stratum && table_has(rd, &scol, 1)) cols[n++] = scol;
            for (size_t u = 0; k->reference_universe && u < iaf_expr_nvars(k->reference_universe);
                 u++) {
                /* an attribute's name stands for its column on microdata */
                const char *name = iaf_expr_var(k->reference_universe, u);
                for (size_t i = 0; rmicro && name && i < k->nattrs; i++)
                    if (!strcmp(ra[i]->name, name)) name = NULL; /* its column is requested */
                int dup = 0;
                for (size_t j = 0; name && j < n; j++)
                    dup |= !strcmp(cols[j], name);
                if (name && !dup && n < IAF_MAX_CUBE_COLS) cols[n++] = name;
            }
            st = iaf_dataset_check_columns(rd, cols, n, err);
            r->ref = st == IAF_OK ? iaf_dataset_add_request(rd, cols, n, err) : -1;
            for (size_t i = 0; i < k->nattrs; i++)
                iaf_attr_free(ra[i]);
            if (r->ref < 0)
                return at_check(spec, k, "reference", spec->references[k->reference].id, err);
            r->std = r->tot = -1;
            const iaf_spec_lump *lp = lump_of(spec, k, &k->variants[v]);
            if (lp && lp->totals >= 0) {
                const char *tc = lp->attr->column;
                if ((r->tot = iaf_dataset_add_request(tables[lp->totals], &tc, 1, err)) < 0)
                    return at_check(spec, k, "lump totals", spec->tables[lp->totals].id, err);
            }
            if (k->stratum && k->standard_ref >= 0) {
                /* per category: the standardised attribute's reference column too */
                const char *sc[2] = {k->stratum->name, std_cat_col(k)};
                if ((r->std = iaf_dataset_add_request(refs[k->standard_ref], sc,
                                                      k->standard_per_category ? 2 : 1, err)) < 0)
                    return at_check(spec, k, "standard", spec->references[k->standard_ref].id, err);
            }
        }
    }
    return IAF_OK;
oom:
    return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

static iaf_status count_inputs(run_state *s, iaf_error *err)
{
    const iaf_spec *spec = s->spec;
    const iaf_audit_options *opt = s->opt;
    iaf_audit *a = s->a;
    iaf_dataset *micro = s->micro, **tables = s->tables, **refs = s->refs;
    iaf_status st = IAF_OK;
    if (micro && s->mode == IAF_RUN_CUBES) {
        /* the files the counts were made from, as their manifest fingerprints them */
        if ((st = iaf_dataset_count(micro, NULL, err)) != IAF_OK) return st;
        a->microdata_rows = iaf_dataset_rows(micro);
        const iaf_cubes *in = s->cubes_in;
        for (size_t i = 0; i < in->ninputs; i++)
            if ((st = add_input_sha(a, &s->icap, "microdata", in->in_path[i], in->in_sha[i],
                                    err)) != IAF_OK)
                return st;
    } else if (micro) {
        if (s->mode != IAF_RUN_PLAN &&
            (st = iaf_dataset_count(micro, opt ? opt->progress : NULL, err)) != IAF_OK)
            return st;
        a->microdata_rows = iaf_dataset_rows(micro);
        for (size_t i = 0; i < iaf_source_nfiles_of(micro); i++)
            if ((st = add_input(a, &s->icap, "microdata", iaf_dataset_file(micro, i), err)) !=
                IAF_OK)
                return st;
        if (spec->row_weights &&
            (st = add_input_sha(a, &s->icap, "weights", iaf_rowweights_path(spec->row_weights),
                                iaf_rowweights_sha256(spec->row_weights), err)) != IAF_OK)
            return st;
    }
    for (size_t i = 0; i < spec->ntables; i++) {
        char role[300];
        snprintf(role, sizeof role, "table:%s", spec->tables[i].id);
        if ((st = iaf_dataset_count(tables[i], NULL, err)) != IAF_OK) return st;
        if ((st = add_input_sha(a, &s->icap, role, spec->tables[i].file,
                                spec->tables[i].mem ? spec->tables[i].mem_sha : NULL, err)) !=
            IAF_OK)
            return st;
    }
    if (spec->row_weights && !spec->nmicrodata && spec->ntables &&
        (st = add_input_sha(a, &s->icap, "weights", iaf_rowweights_path(spec->row_weights),
                            iaf_rowweights_sha256(spec->row_weights), err)) != IAF_OK)
        return st;
    for (size_t i = 0; i < spec->nreferences; i++) {
        char role[300];
        snprintf(role, sizeof role, "reference:%s", spec->references[i].id);
        if ((st = iaf_dataset_count(refs[i], NULL, err)) != IAF_OK) return st;
        for (size_t f = 0; f < iaf_source_nfiles_of(refs[i]); f++)
            if ((st = add_input_sha(a, &s->icap, role, iaf_dataset_file(refs[i], f),
                                    spec->references[i].mem ? spec->references[i].mem_sha : NULL,
                                    err)) != IAF_OK)
                return st;
    }
    return IAF_OK;
}

/* n_r of a reference and how it was chosen, for the report. */
static void reference_n(const iaf_spec_source *rs, const iaf_dataset *rd, const iaf_derived *rdv,
                        double *n_r_out, const char **basis_out)
{
    double n_r;
    const char *basis;
    if (!iaf_dataset_is_counts(rd)) {
        n_r = iaf_dataset_weighted(rd) ? iaf_table_n_eff(rdv->table) : iaf_table_n_obs(rdv->table);
        basis = iaf_dataset_weighted(rd) ? "microdata, Kish effective n" : "microdata rows";
    } else if (rs->full_count) {
        n_r = INFINITY;
        basis = "full count (census or register): exact";
    } else if (!isnan(rs->n_effective)) {
        n_r = rs->n_effective;
        basis = "survey: effective n given by the spec";
    } else if (!isnan(rs->sample_size)) {
        double deff = isnan(rs->design_effect) ? 1 : rs->design_effect;
        n_r = rs->sample_size / deff;
        basis = isnan(rs->design_effect) ? "survey: sample size given by the spec (design effect 1)"
                                         : "survey: sample size / design effect given by the spec";
    } else if (table_has_se(rdv->table)) {
        n_r = INFINITY;
        basis = "survey: per-cell standard errors (normal resampling)";
    } else if (rs->uncertainty) {
        n_r = INFINITY;
        basis = "treated as exact, for the reason the spec gives";
    } else {
        n_r = INFINITY;
        basis = "no sample size, design effect or standard error given: treated "
                "as exact (no reason given)";
    }
    *n_r_out = n_r;
    *basis_out = basis;
}

static iaf_status run_rule(run_state *s, size_t c, iaf_error *err)
{
    const iaf_spec_check *k = &s->spec->checks[c];
    iaf_check_result *r = &s->a->results[c];
    iaf_dataset *sd = s->syn_tab[c] >= 0 ? s->tables[s->syn_tab[c]] : s->micro;
    iaf_variant_result *vr = &r->variants[0];
    iaf_derived *dv = NULL;
    iaf_status st =
        iaf_dataset_derive(sd, s->rq[c * IAF_MAX_VARIANTS].syn, (iaf_attr *const *)k->rule_attrs,
                           k->nrule_attrs, k->universe, &dv, err);
    iaf_kind_input in = {s->spec, k, &k->variants[0], dv, NULL, NULL, NAN, NAN, NULL};
    if (st == IAF_OK) st = iaf_check_ops_of(k->kind)->run(&in, vr, err);
    if (st == IAF_OK) {
        r->verdict = vr->verdict;
        r->diagnosis = vr->diagnosis;
        if (copy_coverage(vr, dv) != IAF_OK)
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    iaf_derived_free(dv);
    if (st != IAF_OK) iaf_error_prefix(err, "check '%s': ", k->id);
    return st;
}

/* A conditional_independence check: the synthetic table over (A, B, given),
 * and the reference's over the same attributes when the check names one. */
static iaf_status run_condind(run_state *s, size_t c, iaf_error *err)
{
    const iaf_spec_check *k = &s->spec->checks[c];
    iaf_check_result *r = &s->a->results[c];
    iaf_dataset *sd = s->syn_tab[c] >= 0 ? s->tables[s->syn_tab[c]] : s->micro;
    const req_ids *ids = &s->rq[c * IAF_MAX_VARIANTS];
    iaf_variant_result *vr = &r->variants[0];
    iaf_derived *dv = NULL, *rdv = NULL;
    iaf_attr *ra[16] = {0};
    iaf_status st = iaf_dataset_derive(sd, ids->syn, (iaf_attr *const *)k->rule_attrs,
                                       k->nrule_attrs, k->universe, &dv, err);
    if (st == IAF_OK && k->reference >= 0) {
        iaf_dataset *rd = s->refs[k->reference];
        int rmicro = !iaf_dataset_is_counts(rd);
        for (size_t i = 0; st == IAF_OK && i < k->nrule_attrs; i++)
            if (!(ra[i] = condind_ref_attr(k, i, rmicro)))
                st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        if (st == IAF_OK)
            st = iaf_dataset_derive(rd, ids->ref, ra, k->nrule_attrs, k->reference_universe, &rdv,
                                    err);
    }
    /* the reference's sampling error as for the other kinds (its n_r from the manifest);
     * its retention interval resamples it */
    double n_r = NAN;
    if (st == IAF_OK && rdv) {
        const char *basis;
        reference_n(&s->spec->references[k->reference], s->refs[k->reference], rdv, &n_r, &basis);
        r->reference_fixed = isinf(n_r);
        if (!(r->n_r_basis = iaf_strdup(basis)))
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    iaf_boot_options bo = {0};
    bo.b = s->opt && s->opt->bootstrap_b ? s->opt->bootstrap_b : IAF_BOOT_DEFAULT_B;
    bo.seed = s->opt && s->opt->seed_set ? s->opt->seed : IAF_BOOT_DEFAULT_SEED;
    bo.interval = s->opt && s->opt->interval_set ? s->opt->interval : s->spec->interval;
    bo.threads = (unsigned)(s->threads > 0 ? s->threads : 2);
    const iaf_boot_options *bop = s->opt && s->opt->no_bootstrap ? NULL : &bo;
    iaf_kind_input in = {s->spec, k, &k->variants[0], dv, rdv, NULL, NAN, n_r, bop};
    if (st == IAF_OK) st = iaf_check_ops_of(k->kind)->run(&in, vr, err);
    if (st == IAF_OK) {
        r->verdict = vr->verdict;
        r->diagnosis = vr->diagnosis;
        if (copy_coverage(vr, dv) != IAF_OK || (rdv && copy_coverage_side(vr, rdv, 1) != IAF_OK))
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    iaf_derived_free(dv);
    iaf_derived_free(rdv);
    for (size_t i = 0; i < k->nrule_attrs; i++)
        iaf_attr_free(ra[i]);
    if (st != IAF_OK && err && !strstr(err->message, k->id))
        iaf_error_prefix(err, "check '%s': ", k->id);
    return st;
}

/* One variant of a marginal, joint or flattening check: derive both sides,
 * run the kind, then support, lump bounds, agreement and coverage. */
static iaf_status run_variant(run_state *s, size_t c, size_t v, iaf_verdict *vv, iaf_error *err)
{
    const iaf_spec *spec = s->spec;
    const iaf_audit_options *opt = s->opt;
    int threads = s->threads;
    const iaf_spec_check *k = &spec->checks[c];
    iaf_check_result *r = &s->a->results[c];
    iaf_dataset **tables = s->tables, **refs = s->refs;
    iaf_dataset *sd = s->syn_tab[c] >= 0 ? tables[s->syn_tab[c]] : s->micro;
    const iaf_spec_source *rs = &spec->references[k->reference];
    iaf_dataset *rd = refs[k->reference];
    const req_ids *rq = s->rq;
    iaf_status st = IAF_OK;
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
    int rmicro = !iaf_dataset_is_counts(rd);
    for (size_t i = 0; st == IAF_OK && i < k->nattrs; i++)
        if (!(rattrs[i] = ref_attr(spec, k, var, i, rmicro)))
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    const char *scol = k->stratum ? (rmicro ? k->stratum->column : k->stratum->name) : NULL;
    if (st == IAF_OK && k->stratum && table_has(rd, &scol, 1)) {
        rattrs[nra] = rmicro ? iaf_attr_copy(k->stratum, NULL, NULL)
                             : iaf_attr_new_asis(k->stratum->name, k->stratum->name);
        if (!rattrs[nra]) st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        nra++;
    }
    if (st == IAF_OK)
        st = iaf_dataset_derive(rd, ids->ref, rattrs, nra, k->reference_universe, &rdv, err);
    if (st == IAF_OK && ids->std >= 0) {
        /* per category: (stratum, the standardised attribute named as on the
         * synthetic side) */
        size_t ci = iaf_check_ops_of(k->kind)->standardised;
        iaf_attr *sa[2] = {iaf_attr_new_asis(k->stratum->name, k->stratum->name),
                           k->standard_per_category
                               ? iaf_attr_new_asis(var->attrs[ci]->name, std_cat_col(k))
                               : NULL};
        size_t nsa2 = k->standard_per_category ? 2 : 1;
        if (!sa[0] || (nsa2 == 2 && !sa[1]))
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        if (st == IAF_OK)
            st = iaf_dataset_derive(refs[k->standard_ref], ids->std, sa, nsa2, NULL, &stdv, err);
        iaf_attr_free(sa[0]);
        iaf_attr_free(sa[1]);
    }
    if (st == IAF_OK) {
        double n_s =
            iaf_dataset_weighted(sd) ? iaf_table_n_eff(sdv->table) : iaf_table_n_obs(sdv->table);
        double n_r;
        const char *basis;
        reference_n(rs, rd, rdv, &n_r, &basis);
        if (v == 0) {
            r->n_r_basis = iaf_strdup(basis);
            r->reference_fixed = isinf(n_r);
        }
        vr->universe_mass = sdv->universe_mass;
        vr->total_mass = sdv->total_mass;
        iaf_boot_options bo = {0};
        bo.b = opt && opt->bootstrap_b ? opt->bootstrap_b : IAF_BOOT_DEFAULT_B;
        bo.seed = opt && opt->seed_set ? opt->seed : IAF_BOOT_DEFAULT_SEED;
        bo.interval = opt && opt->interval_set ? opt->interval : spec->interval;
        bo.threads = (unsigned)(threads > 0 ? threads : 2);
        const iaf_boot_options *bop = opt && opt->no_bootstrap ? NULL : &bo;
        iaf_kind_input in = {spec, k, var, sdv, rdv, stdv, n_s, n_r, bop};
        st = iaf_check_ops_of(k->kind)->run(&in, vr, err);
        if (st == IAF_OK) {
            const iaf_spec_lump *lp = lump_of(spec, k, var);
            st = support_and_lumps(spec, k, var, sd, ids->syn, sdv,
                                   lp && lp->totals >= 0 ? tables[lp->totals] : NULL, ids->tot, vr,
                                   err);
        }
        if (st == IAF_OK && vr->flat && vr->flat->has_std)
            vr->age_agreement = vr->flat->age_agreement =
                vr->flat->std_coverage_note
                    ? "age-undecided" /* too little of the standard reached */
                    : iaf_age_agreement(vr->flat->verdict.verdict, vr->flat->verdict.diagnosis,
                                        vr->flat->std_verdict.verdict,
                                        vr->flat->std_verdict.diagnosis);
        if (st == IAF_OK && vr->cmp && vr->cmp_std && vr->cmp_std->std_cov &&
            vr->cmp_std->std_cov->note)
            vr->age_agreement = "age-undecided"; /* too little of the standard reached */
        else if (st == IAF_OK && vr->cmp && vr->cmp_std)
            vr->age_agreement =
                iaf_age_agreement(vr->cmp->verdict.verdict, vr->cmp->verdict.diagnosis,
                                  vr->cmp_std->verdict.verdict, vr->cmp_std->verdict.diagnosis);
        if (st == IAF_OK &&
            (copy_coverage(vr, sdv) != IAF_OK || copy_coverage_side(vr, rdv, 1) != IAF_OK))
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        *vv = vr->verdict;
    }
    if (st != IAF_OK && err && !strstr(err->message, k->id))
        iaf_error_prefix(err, "check '%s'%s%s: ", k->id, var->name ? ", variant " : "",
                         var->name ? var->name : "");
    iaf_derived_free(sdv);
    iaf_derived_free(rdv);
    iaf_derived_free(stdv);
    for (int i = 0; i < 3; i++)
        iaf_attr_free(rattrs[i]);
    return st;
}

static iaf_status run_check(run_state *s, size_t c, iaf_error *err)
{
    const iaf_spec *spec = s->spec;
    const iaf_spec_check *k = &spec->checks[c];
    iaf_check_result *r = &s->a->results[c];
    iaf_status st = IAF_OK;
    r->check = k;
    r->variants = iaf_calloc(k->nvariants, sizeof *r->variants);
    if (!r->variants) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    r->nvariants = k->nvariants;
    r->synthetic_source =
        s->syn_tab[c] >= 0 ? spec->tables[s->syn_tab[c]].file_as_written : "microdata";
    iaf_kind_sides sides = iaf_check_ops_of(k->kind)->sides;
    if (sides == IAF_SIDES_SYNTHETIC) return run_rule(s, c, err);
    if (sides == IAF_SIDES_VARIABLES) return run_condind(s, c, err);
    iaf_verdict vv[IAF_MAX_VARIANTS];
    for (size_t v = 0; v < k->nvariants && st == IAF_OK; v++)
        st = run_variant(s, c, v, &vv[v], err);
    if (st != IAF_OK) return st;
    /* across variants (METHOD.md section 9): consistent only when verdict
     * and diagnosis agree; otherwise mapping-dependent (INCONCLUSIVE) */
    r->verdict = vv[0];
    r->diagnosis = r->variants[0].diagnosis;
    if (k->nvariants > 1) {
        const char *dd[IAF_MAX_VARIANTS];
        for (size_t v = 0; v < k->nvariants; v++)
            dd[v] = r->variants[v].diagnosis;
        r->mapping = iaf_variant_agreement_diag(vv, dd, k->nvariants);
        if (r->mapping && !strcmp(r->mapping, "mapping-dependent")) {
            r->verdict = IAF_VERDICT_INCONCLUSIVE;
            r->diagnosis = "mapping-dependent";
        }
    }
    return IAF_OK;
}

/* Where the counts of an audit from cubes came from, for the report; the
 * cubes must be of the spec's weight. */
static iaf_status provenance(run_state *s, iaf_error *err)
{
    const iaf_cubes *c = s->cubes_in;
    iaf_audit *a = s->a;
    const char *w = s->spec->micro_weight;
    if (s->spec->row_weights)
        return iaf_error_set(err, IAF_ERR_INVALID, c->dir, 0, 0,
                             "counts made elsewhere cannot take per-row weights from a file");
    if ((w == NULL) != (c->weight == NULL) || (w && strcmp(w, c->weight) != 0))
        return iaf_error_set(err, IAF_ERR_INVALID, c->dir, 0, 0,
                             "the counts are %s%s%s but the spec's microdata is %s%s%s",
                             c->weight ? "weighted by '" : "unweighted", c->weight ? c->weight : "",
                             c->weight ? "'" : "", w ? "weighted by '" : "unweighted", w ? w : "",
                             w ? "'" : "");
    a->from_cubes = 1;
    memcpy(a->prov_fingerprint, c->fingerprint, sizeof a->prov_fingerprint);
    a->prov_shards = c->nshards;
    a->prov_spec_same = a->ninputs > 0 && !strcmp(a->inputs[0].sha256, c->spec_sha);
    if ((c->dir && !(a->prov_dir = iaf_strdup(c->dir))) ||
        (c->origin && !(a->prov_origin = iaf_strdup(c->origin))) ||
        (c->dialect && !(a->prov_dialect = iaf_strdup(c->dialect))) ||
        (c->table && !(a->prov_table = iaf_strdup(c->table))))
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return IAF_OK;
}

static const char *format_name(iaf_format f)
{
    switch (f) {
    case IAF_FORMAT_CSV:
        return "csv";
    case IAF_FORMAT_JSONL:
        return "jsonl";
    case IAF_FORMAT_PARQUET:
        return "parquet";
    default:
        return NULL;
    }
}

/* The microdata's cubes (counted, or their definitions for a plan), the
 * inputs they came from and the fingerprint. */
static iaf_status make_cubes(run_state *s, iaf_cubes **out, iaf_error *err)
{
    if (s->spec->row_weights)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "per-row weights from a file do not go into count directories or "
                             "plans; weight the rows in a column instead");
    iaf_cubes *c = iaf_cubes_new();
    iaf_status st = IAF_OK;
    if (!c) goto oom;
    if (s->mode == IAF_RUN_COUNT) {
        c->rc = iaf_dataset_take_rawcount(s->micro);
        c->rows = c->rc ? c->rc->nrows : 0;
        c->nshards = 1;
        if (!(c->origin = iaf_strdup("scan"))) goto oom;
    } else {
        if ((st = iaf_dataset_defs(s->micro, &c->rc, err)) != IAF_OK) goto fail;
        c->rows = -1;
        if (!(c->origin = iaf_strdup("plan"))) goto oom;
    }
    if (!c->rc) goto oom;
    if (s->spec->micro_weight && !(c->weight = iaf_strdup(s->spec->micro_weight))) goto oom;
    iaf_source *src = iaf_dataset_source(s->micro);
    if (src) {
        const char *fn = format_name(iaf_source_format(src));
        if (fn && !(c->format = iaf_strdup(fn))) goto oom;
        if (!(c->schema = iaf_calloc(iaf_source_ncols(src) + 1, sizeof *c->schema))) goto oom;
        c->nschema = iaf_source_ncols(src);
        for (size_t i = 0; i < c->nschema; i++)
            if (!(c->schema[i] = iaf_strdup(iaf_source_colname(src, i)))) goto oom;
    }
    for (size_t i = 0; i < s->a->ninputs; i++) {
        const iaf_input_file *f = &s->a->inputs[i];
        if (!strcmp(f->role, "spec")) memcpy(c->spec_sha, f->sha256, sizeof c->spec_sha);
        if (!strcmp(f->role, "microdata") && iaf_cubes_add_input(c, f->path, f->sha256) != 0)
            goto oom;
    }
    iaf_cubes_set_fingerprint(c);
    *out = c;
    return IAF_OK;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
fail:
    iaf_cubes_free(c);
    return st;
}

iaf_status iaf_audit_run(const iaf_spec *spec, const iaf_audit_options *opt, iaf_audit **out,
                         iaf_error *err)
{
    return iaf_audit_run_mode(spec, opt, IAF_RUN_AUDIT, NULL, out, NULL, err);
}

iaf_status iaf_audit_run_mode(const iaf_spec *spec, const iaf_audit_options *opt, iaf_run_mode mode,
                              const iaf_cubes *cubes_in, iaf_audit **out, iaf_cubes **cubes_out,
                              iaf_error *err)
{
    if (out) *out = NULL;
    if (cubes_out) *cubes_out = NULL;
    iaf_status st = IAF_OK;
    size_t ncheck = spec->nchecks;
    run_state s;
    memset(&s, 0, sizeof s);
    s.spec = spec;
    s.opt = opt;
    s.mode = mode;
    s.cubes_in = cubes_in;
    s.threads = opt ? opt->threads : 0;
    iaf_audit *a = s.a = iaf_calloc(1, sizeof *a);
    s.tables = iaf_calloc(spec->ntables + 1, sizeof *s.tables);
    s.refs = iaf_calloc(spec->nreferences + 1, sizeof *s.refs);
    s.syn_tab = iaf_calloc(ncheck + 1, sizeof *s.syn_tab);
    s.rq = iaf_calloc(ncheck * IAF_MAX_VARIANTS + 1, sizeof *s.rq);
    if (!a || !s.tables || !s.refs || !s.syn_tab || !s.rq) goto oom;
    a->spec = spec;
    a->results = iaf_calloc(ncheck, sizeof *a->results);
    if (!a->results) goto oom;
    a->nresults = ncheck;
    if ((st = open_inputs(&s, err)) != IAF_OK) goto done;
    /* Register every request before counting, so microdata is scanned once. */
    if ((st = register_requests(&s, err)) != IAF_OK) goto done;
    if ((st = count_inputs(&s, err)) != IAF_OK) goto done;
    if (mode == IAF_RUN_COUNT || mode == IAF_RUN_PLAN) {
        st = make_cubes(&s, cubes_out, err);
        goto done;
    }
    if (mode == IAF_RUN_CUBES && (st = provenance(&s, err)) != IAF_OK) goto done;
    for (size_t c = 0; c < ncheck && st == IAF_OK; c++)
        st = opt && opt->cancel && opt->cancel(opt->cancel_ctx) ? IAF_STOP : run_check(&s, c, err);
    if (st == IAF_OK) st = iaf_audit_claims(a, err); /* the spec's claims, from the verdicts */
    if (st == IAF_OK) st = iaf_audit_labels(a, err); /* titles of coded categories */
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_dataset_free(s.micro);
    for (size_t i = 0; s.tables && i < spec->ntables; i++)
        iaf_dataset_free(s.tables[i]);
    for (size_t i = 0; s.refs && i < spec->nreferences; i++)
        iaf_dataset_free(s.refs[i]);
    iaf_free(s.tables), iaf_free(s.refs), iaf_free(s.syn_tab), iaf_free(s.rq);
    if (st != IAF_OK || !out) {
        iaf_audit_free(a);
        return st;
    }
    *out = a;
    return IAF_OK;
}

void iaf_audit_free(iaf_audit *a)
{
    if (!a) return;
    iaf_labels_free(a);
    for (size_t i = 0; a->results && i < a->nresults; i++) {
        iaf_check_result *r = &a->results[i];
        for (size_t v = 0; r->variants && v < r->nvariants; v++) {
            iaf_variant_result *vr = &r->variants[v];
            iaf_comparison_free(vr->cmp);
            iaf_flat_result_free(vr->flat);
            iaf_rule_result_free(vr->rule);
            iaf_free(vr->rule);
            iaf_ci_check_free(vr->ci);
            iaf_comparison_free(vr->cmp_std);
            iaf_free(vr->std_note);
            for (size_t k = 0; k < vr->ncoverage; k++)
                iaf_coverage_clear(&vr->coverage[k]);
            iaf_free(vr->coverage);
            for (size_t k = 0; k < vr->nref_coverage; k++)
                iaf_coverage_clear(&vr->ref_coverage[k]);
            iaf_free(vr->ref_coverage);
            iaf_lump_bounds_clear(&vr->lump);
            iaf_free(vr->lump_hint);
        }
        iaf_free(r->variants);
        iaf_free(r->n_r_basis);
    }
    iaf_free(a->results);
    iaf_free(a->claims);
    iaf_free(a->prov_dir);
    iaf_free(a->prov_origin);
    iaf_free(a->prov_dialect);
    iaf_free(a->prov_table);
    for (size_t i = 0; i < a->ninputs; i++) {
        iaf_free(a->inputs[i].role);
        iaf_free(a->inputs[i].path);
    }
    iaf_free(a->inputs);
    iaf_free(a);
}

size_t iaf_audit_nchecks(const iaf_audit *a)
{
    return a ? a->nresults : 0;
}

const char *iaf_audit_check_id(const iaf_audit *a, size_t i)
{
    assert(a && i < a->nresults);
    return a->results[i].check->id;
}

const char *iaf_audit_check_kind(const iaf_audit *a, size_t i)
{
    assert(a && i < a->nresults);
    return iaf_check_kind_name(a->results[i].check->kind);
}

const char *iaf_audit_check_verdict(const iaf_audit *a, size_t i)
{
    assert(a && i < a->nresults);
    return iaf_verdict_name(a->results[i].verdict);
}

size_t iaf_audit_ninputs(const iaf_audit *a)
{
    return a ? a->ninputs : 0;
}

const char *iaf_audit_input_path(const iaf_audit *a, size_t i)
{
    assert(a && i < a->ninputs);
    return a->inputs[i].path;
}
