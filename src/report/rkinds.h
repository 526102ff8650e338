/* src/report/rkinds.h - the report side of the check kinds, one table.
 *
 * Every renderer that does something for one kind only (the key number a
 * headline row leads with, the report.html panel, the headline's text,
 * the answer sentence, report.md's "Why not PASS") looks the check's
 * "kind" up here rather than comparing names. A new kind's report side is
 * its panel (src/report/panel_*.c) and a line in rkinds.c's table; the
 * audit side is src/audit/kinds.h. A kind this version does not know (a
 * report.json from a newer one) gets the fallback entry "other": no key
 * number unless its headline row names one, no panel of its own, the
 * generic headline text, a sentence in the "Other checks" group.
 *
 * The rank of a kind is its place in the table, the order of the headline
 * tables and summaries; the fallback's is IAF_RK_NKINDS. Internal to
 * src/report. */
#ifndef IAF_REPORT_RKINDS_H
#define IAF_REPORT_RKINDS_H

#include <jansson.h>

#include "report/rview.h"
#include "util/util.h"

struct hctx;
struct iaf_rm_row;

/* The kinds of the table; the fallback comes after them. */
#define IAF_RK_NKINDS 5

/* How the answer (answer.c) speaks of a kind's checks. */
typedef enum iaf_rk_answer {
    IAF_RK_ANSWER_GROUP, /* one sentence for all its checks, naming those not passing */
    IAF_RK_ANSWER_ROW    /* a sentence per check, in headline order after the lead's */
} iaf_rk_answer;

typedef struct iaf_rk_ops {
    const char *name;  /* report.json's "kind"; "other" for the fallback */
    const char *title; /* of its headline table: "Marginal checks" */
    /* The key number of a check whose headline row names none (h's key_*
     * members win): either sets k->metric and returns 0, and the estimate
     * and interval are looked up in the check's metrics, or fills k itself
     * and returns 1 (k->metric stays NULL when there is none). */
    int (*key)(const json_t *chk, iaf_rv_keynum *k);
    /* Its report.html panel, drawn in a comparison's details after the
     * charts every comparison has (html.c) and before its tables; comp is
     * the check or one of its variants. */
    void (*panel)(struct hctx *c, const json_t *chk, const json_t *comp);
    /* The CLI headline's key number and what it rests on (headline.c);
     * v0 is the check's first variant. */
    void (*headline_key)(iaf_buf *b, const struct iaf_rm_row *r, const json_t *v0);
    void (*headline_details)(iaf_buf *b, const struct iaf_rm_row *r, const json_t *v0);
    iaf_rk_answer answer;
    /* The numbers of the answer about one check: after "what: " in a sentence
     * of its own (IAF_RK_ANSWER_ROW), or after its id and verdict in its
     * group's list of checks not passing (IAF_RK_ANSWER_GROUP). */
    void (*answer_numbers)(iaf_buf *b, const struct iaf_rm_row *r, const json_t *v0);
    /* The tolerance the overview chart (overview.c) reads a key number
     * against when the kind has its own rather than a threshold, or NAN. */
    double (*tolerance)(const struct iaf_rm_row *r, const json_t *v0);
    /* What opens a threshold common to its group in the answer, before the
     * number: " (threshold: TVD " when the metric goes without saying. */
    const char *threshold_text;
    /* The members of a comparison whose "reason" says why it did not pass
     * (report.md's "Why not PASS"); NULL-terminated, possibly empty. */
    const char *const *reasons;
    /* report.html draws the association signature and conditional profiles of
     * every comparison of the kind, not only where its metrics call for them */
    int signature;
} iaf_rk_ops;

/* The entry of kind (the fallback for NULL or an unknown name); never NULL. */
const iaf_rk_ops *iaf_rk_of(const char *kind);
/* The entry of rank 0..IAF_RK_NKINDS (the fallback at IAF_RK_NKINDS and
 * beyond); never NULL. */
const iaf_rk_ops *iaf_rk_at(int rank);
/* The rank of kind: its place in the table, IAF_RK_NKINDS when unknown. */
int iaf_rk_rank(const char *kind);

/* The operations of the kinds, where the table finds them. */
/* panel_rule.c: a rule check's first rule, expectation or age profile */
int iaf_rk_rule_key(const json_t *chk, iaf_rv_keynum *k);
/* panel_rule.c: the tolerance of a rule's violations or of an age profile's
 * share outside its window */
double iaf_rk_rule_tolerance(const struct iaf_rm_row *r, const json_t *v0);
/* headline.c: the generic text, and that of conditional independence */
void iaf_rk_headline_key(iaf_buf *b, const struct iaf_rm_row *r, const json_t *v0);
void iaf_rk_headline_details(iaf_buf *b, const struct iaf_rm_row *r, const json_t *v0);
void iaf_rk_condind_headline_key(iaf_buf *b, const struct iaf_rm_row *r, const json_t *v0);
void iaf_rk_condind_headline_details(iaf_buf *b, const struct iaf_rm_row *r, const json_t *v0);
/* answer.c: the numbers of a joint or flattening check, and a check's key
 * number in its group's list */
void iaf_rk_joint_answer(iaf_buf *b, const struct iaf_rm_row *r, const json_t *v0);
void iaf_rk_flattening_answer(iaf_buf *b, const struct iaf_rm_row *r, const json_t *v0);
void iaf_rk_group_answer(iaf_buf *b, const struct iaf_rm_row *r, const json_t *v0);

#endif
