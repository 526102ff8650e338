/* src/audit/spec_compared.c - the spec keys of the kinds that compare a
 * check's attributes with a reference (marginal, joint, flattening): the
 * attributes, their reference columns, variants (crosswalk sensitivity),
 * the reference, and `standardize`; see spec_int.h. */
#include <string.h>

#include "audit/spec_int.h"

static const struct refusal {
    unsigned group;
    const char *keys[5];
    const char *words;
} refusals[] = {
    {IAF_REFUSE_CONDIND,
     {"independent", "given", NULL},
     "independent and given belong to conditional_independence checks"},
    {IAF_REFUSE_RULE,
     {"rule", "expect", "citation", "tolerance", NULL},
     "rule, expect, citation and tolerance belong to rule checks"},
    {IAF_REFUSE_FLATTENING,
     {"focal", "theta", NULL},
     "focal and theta belong to flattening checks"},
    {IAF_REFUSE_STANDARDIZE,
     {"standardize", NULL},
     "standardize belongs to joint and flattening checks"},
};

int iaf_spec_refuse_keys(iaf_spec_ctx *c, struct fy_node *n, const iaf_spec_check *k,
                         unsigned groups)
{
    for (size_t r = 0; r < sizeof refusals / sizeof refusals[0]; r++)
        for (const char *const *q = refusals[r].keys; (groups & refusals[r].group) && *q; q++)
            if (iaf_spec_get(n, *q))
                return iaf_spec_fail(c, n, "check '%s': %s", k->id, refusals[r].words);
    return 0;
}

int iaf_spec_parse_standardize(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k)
{
    struct fy_node *sn = iaf_spec_get(n, "standardize");
    if (!sn) return 0;
    static const char *const skeys[] = {"by", "standard", "per_category", NULL};
    char *by = NULL, *std = NULL;
    if (iaf_spec_keys_only(c, sn, "standardize", skeys) ||
        iaf_spec_get_str(c, sn, "by", &by, 1, "standardize") ||
        iaf_spec_get_str(c, sn, "standard", &std, 0, "standardize") ||
        iaf_spec_get_bool(c, sn, "per_category", &k->standard_per_category, "standardize")) {
        iaf_free(by), iaf_free(std);
        return -1;
    }
    k->stratum = iaf_spec_attr_or_column(c, s, sn, by);
    if (std) {
        k->standard_ref = iaf_spec_find_id(c, ID_REFERENCE, std);
        if (k->standard_ref < 0)
            iaf_spec_fail(c, sn, "standardize: no reference with id '%s'%s", std, NULL);
    }
    iaf_free(by), iaf_free(std);
    if (!k->stratum || k->standard_ref < -1 || c->st != IAF_OK) return -1;
    if (k->standard_per_category && k->standard_ref < 0)
        /* the reference's own strata are already per category */
        return iaf_spec_fail(c, sn, "standardize: per_category needs a standard reference%s%s",
                             NULL, NULL);
    return 0;
}

/* variants: [{name: A, attributes: [sex, occ_a]}, ...]; the first is the main one */
static int parse_variants(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *vn, iaf_spec_check *k,
                          size_t na)
{
    if (!fy_node_is_sequence(vn) || fy_node_sequence_item_count(vn) < 1 ||
        fy_node_sequence_item_count(vn) > IAF_MAX_VARIANTS)
        return iaf_spec_fail(c, vn, "check '%s': variants must be a list of 1 to 8 variants%s",
                             k->id, NULL);
    k->nvariants = 0;
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(vn, &it)) != NULL) {
        static const char *const vkeys[] = {"name", "attributes", NULL};
        iaf_spec_variant *v = &k->variants[k->nvariants++];
        char **va = NULL;
        size_t nva = 0;
        if (iaf_spec_keys_only(c, item, "variant", vkeys) ||
            iaf_spec_get_str(c, item, "name", &v->name, 1, "variant") ||
            iaf_spec_get_list(c, item, "attributes", &va, &nva, "variant")) {
            iaf_spec_free_list(va, nva);
            return -1;
        }
        if (nva != na) {
            iaf_spec_free_list(va, nva);
            return iaf_spec_fail(
                c, item, "variant '%s': give as many attributes as the check has%s", v->name, NULL);
        }
        for (size_t i = 0; i < nva; i++)
            if (!(v->attrs[i] = iaf_spec_attr_or_column(c, s, item, va[i]))) {
                iaf_spec_free_list(va, nva);
                return -1;
            }
        v->attrs[2] = k->stratum;
        iaf_spec_free_list(va, nva);
    }
    for (size_t i = 0; i < na; i++)
        k->attrs[i] = k->variants[0].attrs[i];
    return 0;
}

int iaf_spec_parse_compared(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k,
                            const iaf_spec_check_keys *g, size_t want)
{
    char **attrs = g->attrs, **first = NULL;
    size_t na = g->na, nfirst = 0;
    int rc = -1;
    struct fy_node *vn = iaf_spec_get(n, "variants");
    if (na == 0 && vn && fy_node_is_sequence(vn)) {
        /* with variants, the first variant's attributes are the check's */
        void *it0 = NULL;
        struct fy_node *v0 = fy_node_sequence_iterate(vn, &it0);
        if (v0 && fy_node_is_mapping(v0) &&
            iaf_spec_get_list(c, v0, "attributes", &first, &nfirst, "variant"))
            goto done;
        attrs = first, na = nfirst;
    }
    if (na != want) {
        iaf_spec_fail(c, n, "check '%s': a %s check takes exactly the attributes it compares",
                      k->id, g->kind);
        goto done;
    }
    if (g->nrc && g->nrc != na) {
        iaf_spec_fail(c, iaf_spec_get(n, "reference_columns"),
                      "check '%s': one reference column per attribute%s", k->id, NULL);
        goto done;
    }
    k->nattrs = na;
    for (size_t i = 0; i < na; i++) {
        if (!(k->attrs[i] = iaf_spec_attr_or_column(c, s, n, attrs[i]))) goto done;
        if (!(k->ref_cols[i] = iaf_strdup(g->nrc ? g->rcols[i] : attrs[i]))) {
            iaf_spec_nomem(c, n);
            goto done;
        }
    }
    k->nvariants = 1;
    k->variants[0].attrs[0] = k->attrs[0];
    k->variants[0].attrs[1] = na > 1 ? k->attrs[1] : NULL;
    k->variants[0].attrs[2] = k->stratum;
    if (vn && parse_variants(c, s, vn, k, na)) goto done;
    if (!g->ref) {
        iaf_spec_fail(c, n, "check '%s': 'reference' is required%s", k->id, NULL);
        goto done;
    }
    k->reference = iaf_spec_find_id(c, ID_REFERENCE, g->ref);
    if (k->reference < 0) {
        iaf_spec_fail(c, iaf_spec_get(n, "reference"), "check '%s': no reference with id '%s'",
                      k->id, g->ref);
        goto done;
    }
    rc = 0;
done:
    iaf_spec_free_list(first, nfirst);
    return rc;
}
