/* src/audit/kinds.c - the table of check kinds, and the operations several
 * kinds share; see kinds.h. */
#include "audit/kinds.h"

#include <string.h>

static const char *const marginal_keys[] = {NULL};
static const char *const joint_keys[] = {"standardize", NULL};
static const char *const flattening_keys[] = {"focal", "theta", "standardize", NULL};
static const char *const rule_keys[] = {"rule", "expect", "profile", "citation", "tolerance", NULL};
static const char *const condind_keys[] = {"independent", "given", NULL};

/* METHOD.md section 9; docs/method.md 5.3 for min_standard_coverage (the standard's
 * weight the data reach), "Conditional independence" for the last kind */
static const iaf_kind_default marginal_defaults[] = {
    {"tvd", 0.05}, {"min_support", 0.5}, {"min_standard_coverage", 0.8}, {NULL, 0}};
static const iaf_kind_default joint_defaults[] = {{"cond_tvd_y_given_x", 0.10},
                                                  {"footprint", 0.5},
                                                  {"footprint_dep", 0.5},
                                                  {"retention", 0.5},
                                                  {"min_support", 0.5},
                                                  {"min_standard_coverage", 0.8},
                                                  {NULL, 0}};
static const iaf_kind_default flattening_defaults[] = {{"flattening_pooled", 0.5},
                                                       {"segregation_retention", 0.5},
                                                       {"min_support", 0.5},
                                                       {"min_standard_coverage", 0.8},
                                                       {NULL, 0}};
static const iaf_kind_default rule_defaults[] = {{NULL, 0}};
static const iaf_kind_default condind_defaults[] = {
    {"cdep_excess", 0.02}, {"min_cell_n", 10}, {"pool_below", 10}, {"min_support", 0.5}, {NULL, 0}};

/* In the order of iaf_check_kind (spec.h): one entry per kind. */
static const iaf_check_ops kinds[] = {
    {.kind = IAF_CHECK_MARGINAL,
     .name = "marginal",
     .keys = marginal_keys,
     .defaults = marginal_defaults,
     .screens = {"tvd", NULL, NULL},
     .sides = IAF_SIDES_COMPARED,
     .standardised = 0,
     .parse = iaf_kind_compare_parse,
     .columns = iaf_kind_compared_columns,
     .run = iaf_kind_compare_run,
     .label = iaf_kind_attributes_label,
     .json_check = iaf_kind_no_json_check,
     .json_variant = iaf_kind_compare_json_variant},
    {.kind = IAF_CHECK_JOINT,
     .name = "joint",
     .keys = joint_keys,
     .defaults = joint_defaults,
     .screens = {"cond_tvd_y_given_x", "footprint_dep", "retention"},
     .sides = IAF_SIDES_COMPARED,
     .standardised = 0,
     .parse = iaf_kind_compare_parse,
     .columns = iaf_kind_compared_columns,
     .run = iaf_kind_compare_run,
     .label = iaf_kind_attributes_label,
     .json_check = iaf_kind_no_json_check,
     .json_variant = iaf_kind_compare_json_variant},
    {.kind = IAF_CHECK_FLATTENING,
     .name = "flattening",
     .keys = flattening_keys,
     .defaults = flattening_defaults,
     .screens = {"flattening_pooled", "segregation_retention", NULL},
     .sides = IAF_SIDES_COMPARED,
     .standardised = 1,
     .parse = iaf_kind_flattening_parse,
     .columns = iaf_kind_compared_columns,
     .run = iaf_kind_flattening_run,
     .label = iaf_kind_attributes_label,
     .json_check = iaf_kind_flattening_json_check,
     .json_variant = iaf_kind_flattening_json_variant},
    {.kind = IAF_CHECK_RULE,
     .name = "rule",
     .keys = rule_keys,
     .defaults = rule_defaults,
     .screens = {"violations", NULL, NULL},
     .sides = IAF_SIDES_SYNTHETIC,
     .parse = iaf_kind_rule_parse,
     .columns = iaf_kind_variables_columns,
     .run = iaf_kind_rule_run,
     .label = iaf_kind_rule_label,
     .json_check = iaf_kind_no_json_check,
     .json_variant = iaf_kind_rule_json_variant},
    {.kind = IAF_CHECK_CONDIND,
     .name = "conditional_independence",
     .keys = condind_keys,
     .defaults = condind_defaults,
     .screens = {"cdep_excess", "min_cell_n", "pool_below"},
     .sides = IAF_SIDES_VARIABLES,
     .parse = iaf_kind_condind_parse,
     .columns = iaf_kind_variables_columns,
     .run = iaf_kind_condind_run,
     .label = iaf_kind_condind_label,
     .json_check = iaf_kind_condind_json_check,
     .json_variant = iaf_kind_condind_json_variant},
};

_Static_assert(sizeof kinds / sizeof kinds[0] == IAF_CHECK_NKINDS,
               "one line in the table of kinds per iaf_check_kind");

const iaf_check_ops *iaf_check_ops_of(iaf_check_kind k)
{
    /* the table is in enum order; the test of kinds (tests/unit/test_kinds.c) holds it so */
    return (unsigned)k < IAF_CHECK_NKINDS && kinds[k].kind == k ? &kinds[k] : NULL;
}

const iaf_check_ops *iaf_check_ops_table(size_t *n)
{
    *n = sizeof kinds / sizeof kinds[0];
    return kinds;
}

size_t iaf_kind_compared_columns(const iaf_spec_check *k, const iaf_spec_variant *v,
                                 const char **cols)
{
    size_t n = 0;
    for (size_t i = 0; i < k->nattrs; i++)
        cols[n++] = v->attrs[i]->column;
    if (v->attrs[2]) cols[n++] = v->attrs[2]->column;
    return n;
}

size_t iaf_kind_variables_columns(const iaf_spec_check *k, const iaf_spec_variant *v,
                                  const char **cols)
{
    (void)v;
    for (size_t i = 0; i < k->nrule_attrs; i++)
        cols[i] = k->rule_attrs[i]->column;
    return k->nrule_attrs;
}

void iaf_kind_attributes_label(const iaf_spec_check *k, iaf_buf *b)
{
    for (size_t i = 0; i < k->nattrs; i++) {
        if (i) iaf_buf_puts(b, " x ");
        iaf_buf_puts(b, k->attrs[i]->name);
    }
}

void iaf_kind_no_json_check(const iaf_spec_check *k, iaf_kind_json_slot slot, iaf_json *j)
{
    (void)k, (void)slot, (void)j;
}
