/* src/audit/claims.c - see claims.h. */
#include "audit/claims.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "util/util.h"

static const char *const expect_names[] = {"flag", "pass", "mapping-dependent", "age-robust"};

const char *iaf_claim_expect_name(iaf_claim_expect e)
{
    return (unsigned)e < sizeof expect_names / sizeof expect_names[0] ? expect_names[e] : NULL;
}

int iaf_claim_expect_parse(const char *s, iaf_claim_expect *out)
{
    for (size_t i = 0; s && i < sizeof expect_names / sizeof expect_names[0]; i++)
        if (!strcmp(s, expect_names[i])) {
            *out = (iaf_claim_expect)i;
            return 0;
        }
    return -1;
}

const char *iaf_claim_outcome_name(iaf_claim_outcome o)
{
    static const char *const n[] = {"confirmed", "contradicted", "undecidable on these data"};
    return (unsigned)o < 3 ? n[o] : NULL;
}

static int decided(iaf_verdict v)
{
    return v == IAF_VERDICT_PASS || v == IAF_VERDICT_FLAG;
}

static int same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* "PASS (faithful)", "INCONCLUSIVE: reason", "no verdict" */
static void verdict_text(char *buf, size_t n, iaf_verdict v, const char *diag, const char *reason)
{
    const char *name = iaf_verdict_name(v);
    if (!name)
        snprintf(buf, n, "no verdict");
    else if (v == IAF_VERDICT_INCONCLUSIVE)
        snprintf(buf, n, "INCONCLUSIVE (%s)", diag ? diag : reason ? reason : "undecided");
    else if (diag)
        snprintf(buf, n, "%s (%s)", name, diag);
    else
        snprintf(buf, n, "%s", name);
}

/* One check's outcome for the claim, with its detail. */
static iaf_claim_outcome one(const iaf_spec_claim *c, const iaf_claim_check *k, char *d, size_t n)
{
    char vt[600];
    verdict_text(vt, sizeof vt, k->verdict, k->diagnosis, k->reason);
    switch (c->expect) {
    case IAF_CLAIM_EXPECT_FLAG:
    case IAF_CLAIM_EXPECT_PASS: {
        iaf_verdict want = c->expect == IAF_CLAIM_EXPECT_FLAG ? IAF_VERDICT_FLAG : IAF_VERDICT_PASS;
        snprintf(d, n, "%s %s", k->id, vt);
        if (!decided(k->verdict)) return IAF_CLAIM_UNDECIDABLE;
        if (k->verdict != want) return IAF_CLAIM_CONTRADICTED;
        if (want == IAF_VERDICT_FLAG && c->diagnosis && !same(c->diagnosis, k->diagnosis)) {
            snprintf(d, n, "%s %s, not %s", k->id, vt, c->diagnosis);
            return IAF_CLAIM_CONTRADICTED;
        }
        return IAF_CLAIM_CONFIRMED;
    }
    case IAF_CLAIM_EXPECT_MAPPING_DEPENDENT: {
        size_t nd = 0;
        for (size_t v = 0; v < k->nvariants && v < IAF_CLAIM_MAX_VARIANTS; v++)
            nd += decided(k->variants[v].verdict) != 0;
        if (k->nvariants < 2) {
            snprintf(d, n, "%s has one mapping only", k->id);
            return IAF_CLAIM_UNDECIDABLE;
        }
        if (nd == 0) {
            snprintf(d, n, "%s: no mapping decides, %s", k->id, vt);
            return IAF_CLAIM_UNDECIDABLE;
        }
        if (same(k->mapping, "mapping-dependent")) {
            snprintf(d, n, "%s: mapping-dependent, %zu of %zu mappings decide", k->id, nd,
                     k->nvariants);
            return IAF_CLAIM_CONFIRMED;
        }
        snprintf(d, n, "%s: %s across %zu mappings, %s", k->id, k->mapping ? k->mapping : "?",
                 k->nvariants, vt);
        return nd == k->nvariants ? IAF_CLAIM_CONTRADICTED : IAF_CLAIM_UNDECIDABLE;
    }
    case IAF_CLAIM_EXPECT_AGE_ROBUST: {
        int all_robust = k->nvariants > 0, sensitive = 0;
        const char *why = NULL;
        for (size_t v = 0; v < k->nvariants && v < IAF_CLAIM_MAX_VARIANTS; v++) {
            const char *ag = k->variants[v].age_agreement;
            iaf_verdict raw = k->variants[v].verdict, sv = k->variants[v].std_verdict;
            if (sv == IAF_VERDICT_NONE && !why)
                why = k->variants[v].std_note ? k->variants[v].std_note
                                              : "the check is not standardised by age";
            if (!(same(ag, "age-robust") && decided(raw))) all_robust = 0;
            if (same(ag, "age-sensitive") && decided(raw) && decided(sv)) sensitive = 1;
        }
        if (sensitive) {
            snprintf(d, n, "%s: age-sensitive (raw and age-standardised verdicts differ)", k->id);
            return IAF_CLAIM_CONTRADICTED;
        }
        if (all_robust) {
            snprintf(d, n, "%s: age-robust, %s raw and age-standardised", k->id, vt);
            return IAF_CLAIM_CONFIRMED;
        }
        if (why)
            snprintf(d, n, "%s: %s", k->id, why);
        else
            snprintf(d, n, "%s: a side is undecided, raw %s", k->id, vt);
        return IAF_CLAIM_UNDECIDABLE;
    }
    }
    snprintf(d, n, "%s: unknown rule", k->id);
    return IAF_CLAIM_UNDECIDABLE;
}

void iaf_claim_decide(const iaf_spec_claim *c, const iaf_claim_check *checks, iaf_claim_result *out)
{
    memset(out, 0, sizeof *out);
    out->claim = c;
    size_t cnt[3] = {0};
    iaf_claim_outcome o[64];
    enum { DETAIL = 1024 };
    size_t nk = c->nchecks < 64 ? c->nchecks : 64;
    char *detail = nk ? iaf_malloc(nk * DETAIL) : NULL;
    if (!detail) {
        out->outcome = IAF_CLAIM_UNDECIDABLE;
        snprintf(out->reason, sizeof out->reason,
                 nk ? "out of memory" : "no check decides this claim");
        return;
    }
    for (size_t i = 0; i < nk; i++)
        cnt[o[i] = one(c, &checks[i], detail + i * DETAIL, DETAIL)]++;
    if (!c->require_any)
        out->outcome = cnt[IAF_CLAIM_CONFIRMED] == nk ? IAF_CLAIM_CONFIRMED
                       : cnt[IAF_CLAIM_CONTRADICTED]  ? IAF_CLAIM_CONTRADICTED
                                                      : IAF_CLAIM_UNDECIDABLE;
    else
        out->outcome = cnt[IAF_CLAIM_CONFIRMED]            ? IAF_CLAIM_CONFIRMED
                       : cnt[IAF_CLAIM_CONTRADICTED] == nk ? IAF_CLAIM_CONTRADICTED
                                                           : IAF_CLAIM_UNDECIDABLE;
    /* the reason lists the checks that carry the outcome */
    size_t len = 0;
    for (size_t i = 0; i < nk && len < sizeof out->reason - 1; i++) {
        if (o[i] != out->outcome) continue;
        int w = snprintf(out->reason + len, sizeof out->reason - len, "%s%s", len ? "; " : "",
                         detail + i * DETAIL);
        if (w < 0) break;
        len += (size_t)w;
    }
    if (len >= sizeof out->reason - 1) memcpy(out->reason + sizeof out->reason - 4, "...", 4);
    iaf_free(detail);
}

/* The reason behind a check's verdict: the INCONCLUSIVE reason (support,
 * partial identification) where it is the diagnosis, else the rule's, else
 * the deciding screen's. */
static const char *check_reason(const iaf_check_result *r)
{
    if (r->verdict == IAF_VERDICT_INCONCLUSIVE && r->diagnosis) return r->diagnosis;
    const iaf_variant_result *v = r->nvariants ? &r->variants[0] : NULL;
    if (!v) return NULL;
    if (v->rule) return v->rule->reason;
    const iaf_check_verdict *cv = v->flat ? &v->flat->verdict : v->cmp ? &v->cmp->verdict : NULL;
    const iaf_screen *s = cv ? iaf_verdict_key_screen(cv) : NULL;
    return s && s->reason[0] ? s->reason : NULL;
}

static void summarise(const iaf_check_result *r, iaf_claim_check *k)
{
    memset(k, 0, sizeof *k);
    k->id = r->check->id;
    k->verdict = r->verdict;
    k->diagnosis = r->diagnosis;
    k->reason = check_reason(r);
    k->mapping = r->mapping;
    k->nvariants = r->nvariants < IAF_CLAIM_MAX_VARIANTS ? r->nvariants : IAF_CLAIM_MAX_VARIANTS;
    for (size_t v = 0; v < k->nvariants; v++) {
        const iaf_variant_result *vr = &r->variants[v];
        k->variants[v].verdict = vr->verdict;
        k->variants[v].std_verdict = vr->flat && vr->flat->has_std ? vr->flat->std_verdict.verdict
                                     : vr->cmp_std                 ? vr->cmp_std->verdict.verdict
                                                                   : IAF_VERDICT_NONE;
        k->variants[v].age_agreement = vr->age_agreement;
        k->variants[v].std_note = vr->std_note;
    }
}

iaf_status iaf_audit_claims(iaf_audit *a, iaf_error *err)
{
    const iaf_spec *s = a->spec;
    if (!s->nclaims) return IAF_OK;
    a->claims = iaf_calloc(s->nclaims, sizeof *a->claims);
    iaf_claim_check *ks = iaf_calloc(64, sizeof *ks);
    if (!a->claims || !ks) {
        iaf_free(ks);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < s->nclaims; i++) {
        const iaf_spec_claim *c = &s->claims[i];
        for (size_t j = 0; j < c->nchecks && j < 64; j++)
            summarise(&a->results[c->check_idx[j]], &ks[j]);
        iaf_claim_decide(c, ks, &a->claims[i]);
    }
    a->nclaims = s->nclaims;
    iaf_free(ks);
    return IAF_OK;
}

void iaf_claims_json(const iaf_audit *a, iaf_json *j)
{
    iaf_json_begin_array(j);
    for (size_t i = 0; i < a->nclaims; i++) {
        const iaf_claim_result *r = &a->claims[i];
        const iaf_spec_claim *c = r->claim;
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "id", c->id);
        iaf_json_kstr(j, "claim", c->claim);
        iaf_json_kstr(j, "source", c->source);
        iaf_json_key(j, "checks");
        iaf_json_begin_array(j);
        for (size_t k = 0; k < c->nchecks; k++)
            iaf_json_str(j, c->checks[k]);
        iaf_json_end_array(j);
        iaf_json_kstr(j, "expect", iaf_claim_expect_name(c->expect));
        iaf_json_kstr(j, "diagnosis", c->diagnosis);
        iaf_json_kstr(j, "require", c->require_any ? "any" : "all");
        iaf_json_kstr(j, "outcome", iaf_claim_outcome_name(r->outcome));
        iaf_json_kstr(j, "reason", r->reason);
        iaf_json_kstr(j, "note", c->note);
        iaf_json_end_object(j);
    }
    iaf_json_end_array(j);
}

void iaf_claims_headline(const iaf_audit *a, iaf_buf *out)
{
    if (!a->nclaims) return;
    size_t w = 0;
    for (size_t i = 0; i < a->nclaims; i++) {
        size_t l = strlen(a->claims[i].claim->id);
        w = l > w ? l : w;
    }
    iaf_buf_puts(out, "\nClaims (one answer each, from the checks named in the spec)\n");
    for (size_t i = 0; i < a->nclaims; i++) {
        const iaf_claim_result *r = &a->claims[i];
        iaf_buf_printf(out, "  %-*s  %s: %s\n", (int)w, r->claim->id,
                       iaf_claim_outcome_name(r->outcome), r->reason);
    }
}
