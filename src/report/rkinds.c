/* src/report/rkinds.c - the table of the report side of the check kinds
 * (rkinds.h). */
#include "report/rkinds.h"

#include <math.h>
#include <string.h>

#include "report/model.h"

#include "report/html_int.h"

/* marginal: the TVD; joint: the conditional TVD of y given x */
static int marginal_key(const json_t *chk, iaf_rv_keynum *k)
{
    (void)chk;
    k->metric = "tvd";
    return 0;
}

static int joint_key(const json_t *chk, iaf_rv_keynum *k)
{
    (void)chk;
    k->metric = "cond_tvd_y_given_x";
    return 0;
}

/* none unless the headline row names one */
static int no_key(const json_t *chk, iaf_rv_keynum *k)
{
    (void)chk;
    (void)k;
    return 1;
}

/* a threshold, not a tolerance of its own */
static double no_tolerance(const iaf_rm_row *r, const json_t *v0)
{
    (void)r;
    (void)v0;
    return NAN;
}

/* nothing beyond what html.c draws for every comparison */
static void no_panel(hctx *c, const json_t *chk, const json_t *comp)
{
    (void)c;
    (void)chk;
    (void)comp;
}

/* how a group's common threshold is introduced (marginal: of the TVD) */
#define TVD " (threshold: TVD "
#define THR " (threshold "

static const char *const no_reasons[] = {NULL};
static const char *const rule_reasons[] = {"rule", "expectation", "age_profile", NULL};
static const char *const condind_reasons[] = {"conditional_independence", NULL};

/* In headline order. A new kind: its line here (and IAF_RK_NKINDS). The
 * members: name, title, key, panel, headline_key, headline_details, answer,
 * answer_numbers, tolerance, threshold_text, reasons, signature. */
static const iaf_rk_ops kinds[IAF_RK_NKINDS] = {
    {"marginal", "Marginal checks", marginal_key, no_panel, iaf_rk_headline_key,
     iaf_rk_headline_details, IAF_RK_ANSWER_GROUP, iaf_rk_group_answer, no_tolerance, TVD,
     no_reasons, 0},
    {"joint", "Joint checks", joint_key, no_panel, iaf_rk_headline_key, iaf_rk_headline_details,
     IAF_RK_ANSWER_ROW, iaf_rk_joint_answer, no_tolerance, THR, no_reasons, 1},
    {"flattening", "Flattening checks", no_key, iaf_html_flattening_panel, iaf_rk_headline_key,
     iaf_rk_headline_details, IAF_RK_ANSWER_ROW, iaf_rk_flattening_answer, no_tolerance, THR,
     no_reasons, 0},
    {"rule", "Rule checks", iaf_rk_rule_key, iaf_html_rule_panels, iaf_rk_headline_key,
     iaf_rk_headline_details, IAF_RK_ANSWER_GROUP, iaf_rk_group_answer, iaf_rk_rule_tolerance, THR,
     rule_reasons, 0},
    {"conditional_independence", "Conditional independence", no_key, iaf_html_condind_panel,
     iaf_rk_condind_headline_key, iaf_rk_condind_headline_details, IAF_RK_ANSWER_GROUP,
     iaf_rk_group_answer, no_tolerance, THR, condind_reasons, 0},
};

/* A kind this version does not know: rendered generically. */
static const iaf_rk_ops fallback = {"other",
                                    "Other checks",
                                    no_key,
                                    no_panel,
                                    iaf_rk_headline_key,
                                    iaf_rk_headline_details,
                                    IAF_RK_ANSWER_GROUP,
                                    iaf_rk_group_answer,
                                    no_tolerance,
                                    THR,
                                    no_reasons,
                                    0};

int iaf_rk_rank(const char *kind)
{
    for (int i = 0; i < IAF_RK_NKINDS; i++)
        if (kind && !strcmp(kind, kinds[i].name)) return i;
    return IAF_RK_NKINDS;
}

const iaf_rk_ops *iaf_rk_at(int rank)
{
    return rank >= 0 && rank < IAF_RK_NKINDS ? &kinds[rank] : &fallback;
}

const iaf_rk_ops *iaf_rk_of(const char *kind)
{
    return iaf_rk_at(iaf_rk_rank(kind));
}
