/* src/report/model.h - the report model between the engine and the
 * renderers of report.json (schema iaf-report/1, docs/report-schema.md).
 *
 * A model is made in one of two ways, and both end in the same loader:
 * from an audit result (iaf_report_model_from_audit writes report.json and
 * loads it), or from a saved report.json (iaf_report_model_load, for
 * `iaf report`). So the HTML, Markdown and cells.csv of an audit and of its
 * saved report.json are the same bytes by construction.
 *
 * The loader is strict about what the model types: the schema and its
 * version, and the shape of "headline" and "checks" (arrays of objects;
 * every row names its check and kind as strings, every check has a string
 * id, unique, and a string kind; a verdict is a string, an object with a
 * string "verdict", or null). A document that breaks one of these is
 * refused with an error that names the member (`checks[2].id: ...`).
 * Everything below a check (metrics, cells, variants) stays in the borrowed
 * JSON and is read by the panels of each kind.
 *
 * What the renderers need more than once is computed here, once: the rows
 * of the headline joined to their checks, each row's key number, and the
 * verdict tallies per kind.
 */
#ifndef IAF_REPORT_MODEL_H
#define IAF_REPORT_MODEL_H

#include <jansson.h>
#include <stddef.h>

#include "iaf/report.h"
#include "report/rkinds.h"
#include "report/rview.h"
#include "util/util.h"

#define IAF_REPORT_SCHEMA "iaf-report/1"
#define IAF_REPORT_SCHEMA_PREFIX "iaf-report/"
#define IAF_REPORT_VERSION 1

/* Kinds in headline order (the ranks of rkinds.h): marginal, joint,
 * flattening, rule, conditional_independence, anything else. */
#define IAF_RM_NKINDS (IAF_RK_NKINDS + 1)

/* Verdict tallies of a set of headline rows. */
typedef struct iaf_rm_tally {
    size_t n, pass, flag, inconclusive, pending; /* pending: no verdict */
} iaf_rm_tally;

/* One headline row joined to its check. Strings are borrowed from the
 * model's document. */
typedef struct iaf_rm_row {
    const char *check_id;                          /* never NULL */
    const char *kind;                              /* never NULL */
    int rank;                                      /* iaf_rk_rank(kind) */
    const char *attributes, *reference, *universe; /* NULL when absent */
    const char *verdict;                           /* NULL = pending */
    const char *diagnosis;
    const char *ax, *ay; /* the check's first two attribute names, or NULL */
    iaf_rv_keynum key;   /* the number the row leads with */
    /* what the key number rests on (NAN when the report does not say): the
     * share of the reference reached and n_eff of the check's first variant
     * (METHOD.md section 3.6), and the threshold of the key metric */
    double support_ref, n_eff, threshold;
    const json_t *json;  /* the headline row */
    const json_t *check; /* the checks[] entry with this id, or NULL */
} iaf_rm_row;

/* One answer sentence (answer.c): plain UTF-8 text that the renderers
 * escape for their format. */
typedef struct iaf_rm_answer {
    const char *check_id; /* the check it is about; NULL for a group of checks */
    const char *verdict;  /* that check's verdict (NULL: pending, or a group) */
    int rank;             /* kind rank of the check or group */
    int has_check;        /* the report has a checks[] entry (a panel to link) */
    char *text;           /* owned */
} iaf_rm_answer;

typedef struct iaf_report_model {
    json_t *doc;      /* owned */
    iaf_buf text;     /* the report.json text the model was loaded from (owned) */
    iaf_buf headline; /* the CLI headline, made from the audit; empty when loaded */
    int has_headline;
    int version;      /* of the schema: 1 */
    const char *name; /* the spec's name, or NULL */
    iaf_rm_row *rows; /* headline order */
    size_t nrows;
    const json_t **checks; /* the checks[] entries, in order (borrowed from doc) */
    size_t nchecks;
    iaf_strmap ids;                    /* check id -> index in checks */
    iaf_rm_tally tally[IAF_RM_NKINDS]; /* per kind rank */
    iaf_rm_tally total;
    /* The first screen: the spec's lead question (or NULL) and the answer
     * sentences, the lead's first, then one per joint or flattening check,
     * then one per group of marginal and rule checks (answer.c). The same
     * sentences open report.md, report.html and the CLI headline. */
    const char *question;
    iaf_rm_answer *answers;
    size_t nanswers;
} iaf_report_model;

/* Load report.json text (n bytes; the text is copied). Syntax errors carry
 * the line and column; wrong schemas, versions and shapes name the member.
 * *out is owned by the caller (iaf_report_model_free). */
iaf_status iaf_report_model_load(const char *text, size_t n, iaf_report_model **out,
                                 iaf_error *err);
void iaf_report_model_free(iaf_report_model *m); /* NULL is a no-op */

/* The checks[] entry with this id, or NULL. */
const json_t *iaf_report_model_check(const iaf_report_model *m, const char *id);

/* The answer sentences of a loaded model (m->answers); called by the
 * loader. iaf_rm_answers_free releases them. */
iaf_status iaf_rm_answers_build(iaf_report_model *m);
void iaf_rm_answers_free(iaf_report_model *m);

/* The plain-text headline `iaf audit` prints (headline.c): the question,
 * the answer sentences, one row per check by kind, the claims; lines of at
 * most 100 display columns. Appended to out. */
iaf_status iaf_rm_headline(const iaf_report_model *m, iaf_buf *out);

/* Count a verdict ("PASS", "FLAG", anything else inconclusive, NULL
 * pending) into t. */
void iaf_rm_tally_add(iaf_rm_tally *t, const char *verdict);

#endif
