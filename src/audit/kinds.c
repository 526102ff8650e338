/* src/audit/kinds.c - the table of check kinds; see kinds.h. */
#include "audit/kinds.h"

static const iaf_check_ops kinds[] = {
    {IAF_CHECK_MARGINAL, iaf_kind_compare_run},      {IAF_CHECK_JOINT, iaf_kind_compare_run},
    {IAF_CHECK_FLATTENING, iaf_kind_flattening_run}, {IAF_CHECK_RULE, iaf_kind_rule_run},
    {IAF_CHECK_CONDIND, iaf_kind_condind_run},
};

const iaf_check_ops *iaf_check_ops_of(iaf_check_kind k)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].kind == k) return &kinds[i];
    return NULL;
}
