/* src/report/report.c - see report.h. */
#include "report/report.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit/kinds.h"
#include "report/model.h"
#include "util/json.h"

static const char *ref_id(const iaf_spec *s, const iaf_spec_check *k)
{
    return k->reference >= 0 ? s->references[k->reference].id : NULL;
}

/* The main variant's comparison (marginal/joint) or NULL. */
static const iaf_comparison *cmp_of(const iaf_check_result *r)
{
    return r->nvariants ? r->variants[0].cmp : NULL;
}

static const iaf_check_verdict *cv_of(const iaf_check_result *r)
{
    if (!r->nvariants) return NULL;
    if (r->variants[0].cmp) return &r->variants[0].cmp->verdict;
    if (r->variants[0].flat) return &r->variants[0].flat->verdict;
    return NULL;
}

static const iaf_screen *variant_key_screen(const iaf_variant_result *v)
{
    return iaf_verdict_key_screen(v->cmp ? &v->cmp->verdict : v->flat ? &v->flat->verdict : NULL);
}

static const char *verdict_str(const iaf_check_result *r)
{
    return iaf_verdict_name(r->verdict);
}

static const iaf_screen *key_screen(const iaf_check_result *r)
{
    return iaf_verdict_key_screen(cv_of(r));
}

static void attrs_label(const iaf_spec_check *k, iaf_buf *b)
{
    iaf_check_ops_of(k->kind)->label(k, b);
}

static const char *derivation_name(iaf_attr_kind k)
{
    switch (k) {
    case IAF_ATTR_ASIS:
        return "as_is";
    case IAF_ATTR_BIN:
        return "bins";
    case IAF_ATTR_RECODE:
        return "recode";
    case IAF_ATTR_CROSSWALK:
        return "crosswalk";
    }
    return "as_is";
}

/* The answer of the spec's lead check (`lead:`), one sentence computed here
 * for the headline and report.json (report.md prints report.json's): verdict
 * and diagnosis, agreement across mappings and with standardisation, and the
 * deciding number with its interval. Empty without a lead. */
static void lead_answer(const iaf_audit *a, iaf_buf *out)
{
    const iaf_spec *s = a->spec;
    if (s->lead_check < 0 || (size_t)s->lead_check >= a->nresults) return;
    const iaf_check_result *r = &a->results[s->lead_check];
    const char *v = verdict_str(r);
    iaf_buf_printf(out, "%s", v ? v : "not screened");
    if (r->diagnosis) iaf_buf_printf(out, " (%s)", r->diagnosis);
    if (r->mapping) iaf_buf_printf(out, ", %s across %zu mappings", r->mapping, r->nvariants);
    if (r->nvariants && r->variants[0].age_agreement)
        iaf_buf_printf(out, ", %s", r->variants[0].age_agreement);
    const iaf_screen *ks = key_screen(r);
    if (ks && !isnan(ks->estimate))
        iaf_buf_printf(out, ": %s %.3f [%.3f, %.3f]", ks->metric, ks->estimate, ks->lo, ks->hi);
    iaf_buf_printf(out, " - %s", r->check->title ? r->check->title : r->check->id);
}

/* The headline number of a check: TVD of the marginal, or of the joint. */
static double key_tvd(const iaf_check_result *r)
{
    return cmp_of(r) ? cmp_of(r)->m.tvd_joint : NAN;
}

static void source_json(iaf_json *j, const iaf_spec_source *s)
{
    iaf_json_begin_object(j);
    iaf_json_kstr(j, "id", s->id);
    iaf_json_kstr(j, "file", s->file_as_written);
    iaf_json_kstr(j, "title", s->title);
    iaf_json_kstr(j, "publisher", s->publisher);
    iaf_json_kstr(j, "table", s->table);
    iaf_json_kstr(j, "year", s->year);
    iaf_json_kstr(j, "universe", s->universe);
    iaf_json_kstr(j, "url", s->url);
    iaf_json_kstr(j, "licence", s->licence);
    iaf_json_kstr(j, "caveat", s->caveat);
    iaf_json_kstr(j, "notes", s->notes);
    iaf_json_kbool(j, "full_count", s->full_count);
    iaf_json_knum(j, "n_effective", s->n_effective);
    iaf_json_knum(j, "sample_size", s->sample_size);
    iaf_json_knum(j, "design_effect", s->design_effect);
    iaf_json_kstr(j, "uncertainty", s->uncertainty);
    iaf_json_end_object(j);
}

static void coverage_json(iaf_json *j, const iaf_coverage *cov, size_t ncov)
{
    iaf_json_begin_array(j);
    for (size_t i = 0; i < ncov; i++) {
        const iaf_coverage *c = &cov[i];
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "attribute", c->attr);
        iaf_json_knum(j, "mapped", c->mapped);
        iaf_json_knum(j, "unmapped", c->unmapped);
        iaf_json_knum(j, "dropped", c->dropped);
        iaf_json_knum(j, "missing", c->missing);
        iaf_json_key(j, "unmapped_values");
        iaf_json_begin_array(j);
        for (size_t k = 0; k < c->nitems && k < 100; k++) {
            iaf_json_begin_object(j);
            iaf_json_kstr(j, "value", c->items[k].raw);
            iaf_json_knum(j, "mass", c->items[k].mass);
            iaf_json_kstr(j, "why",
                          c->items[k].why == IAF_MAP_DROPPED   ? "dropped"
                          : c->items[k].why == IAF_MAP_MISSING ? "missing"
                                                               : "unmapped");
            iaf_json_end_object(j);
        }
        iaf_json_end_array(j);
        iaf_json_kint(j, "unmapped_values_total", (int64_t)c->nitems);
        /* values treated as missing (METHOD.md section 3.7), as written; null is null */
        iaf_json_kint(j, "missing_rows", c->missing_n);
        iaf_json_key(j, "missing_values");
        iaf_json_begin_array(j);
        for (size_t k = 0; k < c->nmissing_items && k < 100; k++) {
            iaf_json_begin_object(j);
            iaf_json_kstr(j, "value", c->missing_items[k].raw);
            iaf_json_kint(j, "rows", c->missing_items[k].n);
            iaf_json_knum(j, "mass", c->missing_items[k].mass);
            iaf_json_end_object(j);
        }
        iaf_json_end_array(j);
        iaf_json_end_object(j);
    }
    iaf_json_end_array(j);
}

/* The headline rows: one per check with its key number. */
static void headline_json(iaf_json *j, const iaf_audit *a)
{
    const iaf_spec *s = a->spec;
    iaf_json_key(j, "headline");
    iaf_json_begin_array(j);
    for (size_t i = 0; i < a->nresults; i++) {
        const iaf_check_result *r = &a->results[i];
        const iaf_spec_check *k = r->check;
        iaf_buf lab = {0};
        attrs_label(k, &lab);
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "check", k->id);
        iaf_json_kstr(j, "kind", iaf_check_kind_name(k->kind));
        iaf_json_kstr(j, "attributes", lab.data);
        iaf_json_kstr(j, "reference", ref_id(s, k));
        iaf_json_kstr(j, "universe", k->universe_text);
        iaf_json_knum(j, "tvd", key_tvd(r));
        const iaf_comparison *cm = cmp_of(r);
        iaf_json_knum(j, "noise_floor", cm ? cm->m.noise_floor : NAN);
        iaf_json_knum(j, "cond_tvd_y_given_x", cm ? cm->m.cond_tvd_y_given_x : NAN);
        iaf_json_knum(j, "footprint", cm ? cm->m.footprint : NAN);
        iaf_json_knum(j, "footprint_dep", cm ? cm->m.footprint_dep : NAN);
        iaf_json_knum(j, "footprint_marginal", cm ? cm->m.footprint_marginal : NAN);
        iaf_json_knum(j, "retention", cm ? cm->m.retention : NAN);
        iaf_json_kstr(j, "verdict", verdict_str(r));
        iaf_json_kstr(j, "diagnosis", r->diagnosis);
        iaf_json_kstr(j, "mapping", r->mapping);
        const iaf_screen *ks = key_screen(r);
        iaf_json_kstr(j, "key_metric", ks ? ks->metric : NULL);
        iaf_json_knum(j, "key_estimate", ks ? ks->estimate : NAN);
        iaf_json_knum(j, "key_lo", ks ? ks->lo : NAN);
        iaf_json_knum(j, "key_hi", ks ? ks->hi : NAN);
        iaf_json_end_object(j);
        iaf_buf_free(&lab);
    }
    iaf_json_end_array(j);
}

/* One variant of a check: its comparison, flattening or rule result,
 * verdict, support, lump bounds and coverage. */
static void variant_json(iaf_json *j, const iaf_check_result *r, size_t v)
{
    const iaf_spec_check *k = r->check;
    const iaf_variant_result *vr = &r->variants[v];
    iaf_json_begin_object(j);
    iaf_json_kstr(j, "name", vr->name);
    iaf_json_key(j, "attributes");
    iaf_json_begin_array(j);
    for (size_t t = 0; t < k->nattrs; t++) {
        const iaf_attr *at = k->variants[v].attrs[t];
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "name", at->name);
        iaf_json_kstr(j, "column", at->column);
        iaf_json_kstr(j, "derivation", derivation_name(at->kind));
        iaf_json_kstr(j, "reference_column", k->ref_cols[t]);
        iaf_json_end_object(j);
    }
    iaf_json_end_array(j);
    iaf_json_knum(j, "synthetic_mass_total", vr->total_mass);
    iaf_json_knum(j, "synthetic_mass_in_universe", vr->universe_mass);
    iaf_json_kstr(j, "verdict", iaf_verdict_name(vr->verdict));
    iaf_json_kstr(j, "diagnosis", vr->diagnosis);
    if (vr->has_support) {
        iaf_json_key(j, "support");
        iaf_support_json(&vr->support, j);
        iaf_json_key(j, "lump");
        iaf_lump_bounds_json(&vr->lump, j);
    }
    iaf_json_kstr(j, "lump_hint", vr->lump_hint);
    /* the kind's result (kinds.h) */
    iaf_check_ops_of(k->kind)->json_variant(k, vr, j);
    iaf_json_key(j, "synthetic_coverage");
    coverage_json(j, vr->coverage, vr->ncoverage);
    if (vr->nref_coverage) {
        iaf_json_key(j, "reference_coverage");
        coverage_json(j, vr->ref_coverage, vr->nref_coverage);
    }
    iaf_json_end_object(j);
}

/* One check: what it compares, its reference's uncertainty, thresholds,
 * verdicts across variants, then each variant. */
static void check_json(iaf_json *j, const iaf_audit *a, const iaf_check_result *r)
{
    const iaf_spec *s = a->spec;
    const iaf_spec_check *k = r->check;
    iaf_json_begin_object(j);
    iaf_json_kstr(j, "id", k->id);
    iaf_json_kstr(j, "title", k->title);
    iaf_json_kstr(j, "kind", iaf_check_kind_name(k->kind));
    iaf_json_key(j, "attributes");
    iaf_json_begin_array(j);
    for (size_t t = 0; t < k->nattrs; t++) {
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "name", k->attrs[t]->name);
        iaf_json_kstr(j, "column", k->attrs[t]->column);
        iaf_json_kstr(j, "derivation", derivation_name(k->attrs[t]->kind));
        iaf_json_kstr(j, "reference_column", k->ref_cols[t]);
        iaf_json_end_object(j);
    }
    iaf_json_end_array(j);
    const iaf_check_ops *ops = iaf_check_ops_of(k->kind);
    ops->json_check(k, IAF_KIND_JSON_SUBJECT, j);
    iaf_json_kstr(j, "reference", ref_id(s, k));
    iaf_json_kstr(j, "disclosure", k->disclosure >= 0 ? s->disclosures[k->disclosure].id : NULL);
    iaf_json_kstr(j, "universe", k->universe_text);
    iaf_json_kstr(j, "reference_universe", k->reference_universe_text);
    iaf_json_kstr(j, "synthetic_source", r->synthetic_source);
    iaf_json_kstr(j, "reference_n_basis", r->n_r_basis);
    if (k->reference >= 0) {
        const iaf_spec_source *rs = &s->references[k->reference];
        iaf_json_key(j, "reference_uncertainty");
        iaf_json_begin_object(j);
        iaf_json_kbool(j, "treated_as_exact", r->reference_fixed);
        iaf_json_kstr(j, "basis", r->n_r_basis);
        iaf_json_knum(j, "sample_size", rs->sample_size);
        iaf_json_knum(j, "design_effect", rs->design_effect);
        iaf_json_knum(j, "n_effective",
                      !isnan(rs->n_effective) ? rs->n_effective
                      : !isnan(rs->sample_size)
                          ? rs->sample_size / (isnan(rs->design_effect) ? 1 : rs->design_effect)
                          : NAN);
        iaf_json_kstr(j, "citation", rs->uncertainty);
        iaf_json_end_object(j);
    }
    iaf_json_kstr(j, "note", k->note);
    ops->json_check(k, IAF_KIND_JSON_PARAMS, j);
    iaf_json_key(j, "thresholds");
    iaf_json_begin_object(j);
    for (int t = 0; t < 3; t++) {
        const char *mname = ops->screens[t];
        if (mname) iaf_json_knum(j, mname, iaf_spec_threshold_for(s, k, mname));
    }
    iaf_json_end_object(j);
    iaf_json_kstr(j, "verdict", verdict_str(r));
    iaf_json_kstr(j, "diagnosis", r->diagnosis);
    iaf_json_kstr(j, "mapping", r->mapping);
    if (r->nvariants > 1) {
        /* each variant's verdict, diagnosis and key number, and their spread */
        iaf_json_key(j, "mapping_detail");
        iaf_json_begin_object(j);
        double lo = INFINITY, hi = -INFINITY;
        const char *metric = NULL;
        iaf_json_key(j, "variants");
        iaf_json_begin_array(j);
        for (size_t v = 0; v < r->nvariants; v++) {
            const iaf_variant_result *vr = &r->variants[v];
            const iaf_screen *ks = variant_key_screen(vr);
            iaf_json_begin_object(j);
            iaf_json_kstr(j, "name", vr->name);
            iaf_json_kstr(j, "verdict", iaf_verdict_name(vr->verdict));
            iaf_json_kstr(j, "diagnosis", vr->diagnosis);
            iaf_json_kstr(j, "key_metric", ks ? ks->metric : NULL);
            iaf_json_knum(j, "key_estimate", ks ? ks->estimate : NAN);
            iaf_json_knum(j, "key_lo", ks ? ks->lo : NAN);
            iaf_json_knum(j, "key_hi", ks ? ks->hi : NAN);
            iaf_json_end_object(j);
            if (ks && (!metric || !strcmp(metric, ks->metric)) && !isnan(ks->estimate)) {
                metric = ks->metric;
                lo = fmin(lo, ks->estimate);
                hi = fmax(hi, ks->estimate);
            }
        }
        iaf_json_end_array(j);
        iaf_json_kstr(j, "spread_metric", metric);
        iaf_json_knum(j, "spread_min", metric ? lo : NAN);
        iaf_json_knum(j, "spread_max", metric ? hi : NAN);
        iaf_json_end_object(j);
    }
    iaf_json_key(j, "variants");
    iaf_json_begin_array(j);
    for (size_t v = 0; v < r->nvariants; v++)
        variant_json(j, r, v);
    iaf_json_end_array(j);
    iaf_json_end_object(j);
}

/* ----- portable paths: report.json names no directory of the machine that
 * wrote it (docs/report-schema.md, "reproducibility") */

/* The directory of the spec, resolved (realpath), into dir; 0 when it cannot
 * be resolved. */
static int spec_dir(const char *spec, char dir[PATH_MAX])
{
    char d[PATH_MAX];
    const char *slash = strrchr(spec, '/');
    size_t n = slash ? (size_t)(slash - spec) : 0;
    if (slash && n == 0) n = 1; /* "/x.yaml" */
    if (n >= sizeof d) return 0;
    if (slash)
        memcpy(d, spec, n), d[n] = 0;
    else
        strcpy(d, ".");
    return realpath(d, dir) != NULL;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s && s[1] ? s + 1 : p;
}

/* An input's path relative to the spec's directory (both resolved); when
 * that cannot be worked out, a relative path as given and an absolute one
 * by its file name. */
static void portable_path(const char *sdir, const char *path, iaf_buf *out)
{
    char rp[PATH_MAX];
    if (!sdir || !realpath(path, rp)) {
        iaf_buf_puts(out, path[0] == '/' ? base_name(path) : path);
        return;
    }
    /* common leading components */
    size_t i = 0, last = 0;
    while (sdir[i] && sdir[i] == rp[i]) {
        if (sdir[i] == '/') last = i;
        i++;
    }
    if (!sdir[i] && (rp[i] == '/' || !rp[i]))
        last = i;
    else if (!strcmp(sdir, "/"))
        last = 0;
    /* one ".." per component of sdir after the common part */
    for (const char *p = sdir + last; *p; p++)
        if (*p == '/' && p[1]) iaf_buf_puts(out, "../");
    const char *rest = rp + last;
    while (*rest == '/')
        rest++;
    iaf_buf_puts(out, rest);
}

/* The command line with every absolute path (a word, or the value after
 * '=') made relative to the spec's directory when it lies below it, else cut
 * to its last component. Only the text is used, so the result does not
 * depend on which files exist. */
static void portable_command(const char *sdir, const char *spec, const char *cmd, iaf_buf *out)
{
    char given[PATH_MAX] = "";
    const char *slash = strrchr(spec, '/');
    if (spec[0] == '/' && slash && (size_t)(slash - spec) < sizeof given)
        memcpy(given, spec, (size_t)(slash - spec)), given[slash - spec] = 0;
    const char *p = cmd;
    while (*p) {
        size_t sp = strspn(p, " ");
        iaf_buf_append(out, p, sp);
        p += sp;
        size_t n = strcspn(p, " ");
        const char *eq = memchr(p, '=', n);
        const char *path = p[0] == '/' ? p : eq && eq[1] == '/' ? eq + 1 : NULL;
        if (!path) {
            iaf_buf_append(out, p, n);
            p += n;
            continue;
        }
        iaf_buf_append(out, p, (size_t)(path - p));
        size_t pn = (size_t)(p + n - path);
        const char *dirs[2] = {given[0] ? given : NULL, sdir};
        int done = 0;
        for (int k = 0; k < 2 && !done; k++) {
            size_t dl = dirs[k] ? strlen(dirs[k]) : 0;
            if (dl > 1 && pn > dl + 1 && !strncmp(path, dirs[k], dl) && path[dl] == '/') {
                iaf_buf_append(out, path + dl + 1, pn - dl - 1);
                done = 1;
            }
        }
        if (!done) {
            const char *b = path;
            for (const char *q = path; q < path + pn; q++)
                if (*q == '/' && q + 1 < path + pn) b = q + 1;
            iaf_buf_append(out, b, (size_t)(path + pn - b));
        }
        p += n;
    }
}

/* The strings of the checks' members of report.json (keys and values): the
 * categories the report shows, whose titles its "labels" carries. */
typedef struct shown_strings {
    iaf_strmap *map;
    int nomem;
} shown_strings;

static void note_string(void *ctx, const char *s, size_t n)
{
    shown_strings *sh = ctx;
    if (!sh->nomem && iaf_strmap_intern(sh->map, s, n) < 0) sh->nomem = 1;
}

int iaf_report_json(const iaf_audit *a, const iaf_report_meta *m, iaf_buf *out)
{
    const iaf_spec *s = a->spec;
    iaf_json j;
    iaf_json_init(&j, out, 1);
    iaf_json_begin_object(&j);
    iaf_json_kstr(&j, "schema", IAF_REPORT_SCHEMA);
    iaf_json_kstr(&j, "name", s->name);
    iaf_json_kstr(&j, "description", s->description);
    iaf_json_key(&j, "dataset");
    iaf_json_begin_object(&j);
    iaf_json_kstr(&j, "title", s->dataset_title);
    iaf_json_kstr(&j, "url", s->dataset_url);
    iaf_json_kstr(&j, "licence", s->dataset_licence);
    iaf_json_kint(&j, "microdata_rows", a->microdata_rows);
    iaf_json_key(&j, "tables");
    iaf_json_begin_array(&j);
    for (size_t i = 0; i < s->ntables; i++)
        source_json(&j, &s->tables[i]);
    iaf_json_end_array(&j);
    iaf_json_end_object(&j);

    if (s->lead_check >= 0) {
        iaf_buf ans = {0};
        lead_answer(a, &ans);
        iaf_json_key(&j, "lead");
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "question", s->lead_question);
        iaf_json_kstr(&j, "check", s->checks[s->lead_check].id);
        iaf_json_kstr(&j, "answer", ans.data);
        iaf_json_end_object(&j);
        iaf_buf_free(&ans);
    }
    headline_json(&j, a);
    if (a->nclaims) {
        iaf_json_key(&j, "claims");
        iaf_claims_json(a, &j);
    }
    /* The checks are written first, aside, noting every string they show: the
     * labels (before them in the document) list only the codes shown. */
    iaf_buf checks = {0};
    iaf_strmap shown;
    memset(&shown, 0, sizeof shown);
    shown_strings sh = {&shown, 0};
    iaf_json jc;
    iaf_json_init_value(&jc, &checks, &j);
    if (a->nlabels) {
        jc.on_string = note_string;
        jc.on_string_ctx = &sh;
    }
    iaf_json_begin_array(&jc);
    for (size_t i = 0; i < a->nresults; i++)
        check_json(&jc, a, &a->results[i]);
    iaf_json_end_array(&jc);
    if (jc.failed || sh.nomem) j.failed = 1;
    if (a->nlabels) {
        iaf_json_key(&j, "labels");
        iaf_labels_json(a, &shown, &j);
    }
    iaf_strmap_free(&shown);
    iaf_json_key(&j, "checks");
    iaf_json_raw(&j, checks.data ? checks.data : "[]", checks.data ? checks.len : 2);
    iaf_buf_free(&checks);

    iaf_json_key(&j, "references");
    iaf_json_begin_array(&j);
    for (size_t i = 0; i < s->nreferences; i++)
        source_json(&j, &s->references[i]);
    iaf_json_end_array(&j);
    iaf_json_key(&j, "disclosures");
    iaf_json_begin_array(&j);
    for (size_t i = 0; i < s->ndisclosures; i++) {
        const iaf_spec_disclosure *d = &s->disclosures[i];
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "id", d->id);
        iaf_json_kstr(&j, "quote", d->quote);
        iaf_json_kstr(&j, "file", d->file);
        iaf_json_kstr(&j, "locator", d->locator);
        iaf_json_kstr(&j, "url", d->url);
        if (d->nindependent) {
            iaf_json_key(&j, "independent");
            iaf_json_begin_array(&j);
            for (size_t t = 0; t < d->nindependent; t++)
                iaf_json_str(&j, d->independent[t]);
            iaf_json_end_array(&j);
            iaf_json_key(&j, "given");
            iaf_json_begin_array(&j);
            for (size_t t = 0; t < d->ngiven; t++)
                iaf_json_str(&j, d->given[t]);
            iaf_json_end_array(&j);
        }
        iaf_json_end_object(&j);
    }
    iaf_json_end_array(&j);
    iaf_json_key(&j, "crosswalks");
    iaf_json_begin_array(&j);
    for (size_t i = 0; i < s->ncrosswalks; i++) {
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "id", s->crosswalks[i].id);
        iaf_json_kstr(&j, "file", s->crosswalks[i].file_as_written);
        iaf_json_kstr(&j, "note", s->crosswalks[i].note);
        iaf_json_end_object(&j);
    }
    iaf_json_end_array(&j);
    iaf_json_key(&j, "reproducibility");
    iaf_json_begin_object(&j);
    iaf_json_kstr(&j, "iaf_version", m ? m->version : NULL);
    char sdir_buf[PATH_MAX];
    const char *sdir = s->path && spec_dir(s->path, sdir_buf) ? sdir_buf : NULL;
    iaf_buf pb = {0};
    if (m && m->command_line) portable_command(sdir, s->path ? s->path : "", m->command_line, &pb);
    iaf_json_kstr(&j, "command_line", m && m->command_line ? (pb.data ? pb.data : "") : NULL);
    iaf_json_key(&j, "inputs");
    iaf_json_begin_array(&j);
    for (size_t i = 0; i < a->ninputs; i++) {
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "role", a->inputs[i].role);
        pb.len = 0;
        portable_path(sdir, a->inputs[i].path, &pb);
        iaf_json_kstr(&j, "path", pb.data ? pb.data : "");
        iaf_json_kstr(&j, "sha256", a->inputs[i].sha256);
        iaf_json_end_object(&j);
    }
    iaf_json_end_array(&j);
    iaf_buf_free(&pb);
    iaf_json_end_object(&j);
    if (a->from_cubes) {
        /* counts made elsewhere (docs/scale.md): everything above is as a scan gives it */
        iaf_json_key(&j, "provenance");
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "counts", a->prov_dir);
        iaf_json_kstr(&j, "origin", a->prov_origin);
        iaf_json_kstr(&j, "fingerprint", a->prov_fingerprint);
        iaf_json_kint(&j, "shards", (int64_t)a->prov_shards);
        if (a->prov_dialect) iaf_json_kstr(&j, "dialect", a->prov_dialect);
        if (a->prov_table) iaf_json_kstr(&j, "table", a->prov_table);
        iaf_json_kbool(&j, "same_spec", a->prov_spec_same);
        iaf_json_end_object(&j);
    }
    iaf_json_end_object(&j);
    iaf_buf_puts(out, "\n");
    return j.failed ? -1 : 0;
}

iaf_status iaf_report_model_from_audit(const iaf_audit *a, const iaf_report_meta *m,
                                       iaf_report_model **out, iaf_error *err)
{
    iaf_buf json = {0};
    *out = NULL;
    if (iaf_report_json(a, m, &json) != 0) {
        iaf_buf_free(&json);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory writing the report");
    }
    iaf_status st = iaf_report_model_load(json.data, json.len, out, err);
    iaf_buf_free(&json);
    if (st == IAF_OK) {
        if (iaf_rm_headline(*out, &(*out)->headline) != IAF_OK) {
            iaf_report_model_free(*out);
            *out = NULL;
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        (*out)->has_headline = 1;
    }
    return st;
}
