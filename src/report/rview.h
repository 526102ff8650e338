/* src/report/rview.h - reading a parsed report.json (schema iaf-report/1)
 * for the renderers that work from the document (html.c, markdown.c,
 * cells.c), and the fixed number formats they share.
 *
 * Every accessor tolerates absent keys, nulls and wrong types: the report
 * grows with the method, and a renderer skips what it does not find rather
 * than failing. Returned pointers are borrowed from the json_t document and
 * stay valid until it is released.
 */
#ifndef IAF_REPORT_RVIEW_H
#define IAF_REPORT_RVIEW_H

#include <jansson.h>

#include "report/rtext.h"
#include "util/util.h"

/* Parse a JSON document whose "schema" is `schema`; what names it in the
 * errors ("an iaf replication"). A syntax error or another schema becomes
 * a located error. *out is owned by the caller (json_decref). Reports
 * (iaf-report/1) are loaded by the report model (model.h). */
iaf_status iaf_rv_load_schema(const char *text, size_t n, const char *schema, const char *what,
                              json_t **out, iaf_error *err);

const char *iaf_rv_str(const json_t *o, const char *key); /* NULL unless a string */
/* The title of category `code` of attribute `attr` from report.json's "labels" (a
 * classification file named by the spec), or NULL: borrowed from doc. */
const char *iaf_rv_title(const json_t *doc, const char *attr, const char *code);
/* "code title" (owned, iaf_free) when the category has a title, else NULL. */
char *iaf_rv_code_title(const json_t *doc, const char *attr, const char *code);
/* 1 and *out when o[key] is a finite number, else 0. */
int iaf_rv_num(const json_t *o, const char *key, double *out);
double iaf_rv_numv(const json_t *o, const char *key); /* NAN when absent */
json_t *iaf_rv_obj(const json_t *o, const char *key); /* NULL unless an object */
json_t *iaf_rv_arr(const json_t *o, const char *key); /* NULL unless an array */
int iaf_rv_bool(const json_t *o, const char *key, int *out);

/* An interval for the quantity `key` of o, in any of the shapes the
 * report uses: o.intervals[key] = {lo, hi}; o[key + "_lo"], o[key + "_hi"];
 * o[key] = {estimate|value, lo, hi} or [lo, hi]; o[key + "_interval"] =
 * {lo, hi} or [lo, hi]. Returns 1 when both ends are numbers. */
int iaf_rv_interval(const json_t *o, const char *key, double *lo, double *hi);

/* The estimate of key: a number at o[key], or o[key].estimate / .value. */
int iaf_rv_estimate(const json_t *o, const char *key, double *out);

/* Digits used for a metric by name: retention and footprint get three,
 * *_pp two, everything else four. */
int iaf_rv_metric_digits(const char *name);

/* ----- the document: lookups shared by the HTML and Markdown renderers */

/* o[key], or o.result[key] (rule checks keep their outcome in "result"). */
double iaf_rv_resnum(const json_t *o, const char *key);

/* The reference, disclosure... with this id in doc[list] (checks: the
 * report model, model.h). */
const json_t *iaf_rv_find_by_id(const json_t *doc, const char *list, const char *id);
/* The names of a check's first two attributes (NULL when absent). */
void iaf_rv_attr_names(const json_t *chk, const char **ax, const char **ay);
/* The verdict of a check, headline row or variant: a string member, or the
 * "verdict" of a verdict object (returned in *vobj when vobj is given). */
const char *iaf_rv_verdict(const json_t *o, const json_t **vobj);
const char *iaf_rv_diagnosis(const json_t *o);

/* The number a headline row leads with: key_metric/key_estimate/key_lo/
 * key_hi when the report has them, else the kind's key (rkinds.h): its
 * first screening metric (tvd for marginal, cond_tvd_y_given_x for joint)
 * with the interval from the check's metrics.intervals; floor is the
 * metric's noise floor. Rule checks give "violations" (of the rows meeting
 * the rule's condition) or "share" (an expectation: estimate, interval and
 * expected interval). */
typedef struct iaf_rv_keynum {
    const char *metric;
    double est, lo, hi, floor;
    double of;             /* violations: of this many rows meeting the condition */
    double exp_lo, exp_hi; /* share: the expected interval */
} iaf_rv_keynum;
void iaf_rv_key(const json_t *h, const json_t *chk, iaf_rv_keynum *k);
/* "conditional TVD (sex | age_bin) 0.0123 [0.0100, 0.0150]" or an en dash. */
void iaf_rv_key_text(iaf_buf *b, const iaf_rv_keynum *k, const char *ax, const char *ay);
/* A "violations" key number: "violations 12 of 3,400" ("of" when known). */
void iaf_rv_violations_text(iaf_buf *b, const iaf_rv_keynum *k);
/* One side's values treated as missing (METHOD.md section 3.7), for every
 * attribute of the coverage array cov that has some: "synthetic EDU 1,234
 * rows (N 1,200, empty 34)", "; " before each when b already holds text, at
 * most five values an attribute. text writes an attribute or a value as the
 * format needs it (NULL: nothing), a value between open and close. Returns
 * the number of attributes written. */
int iaf_rv_missing_text(iaf_buf *b, const json_t *cov, const char *side,
                        void (*text)(iaf_buf *, const char *), const char *open, const char *close);

const char *iaf_rv_metric_label(const char *m);
void iaf_rv_metric_name(iaf_buf *b, const char *m, const char *ax, const char *ay);
/* An HTML id from prefix + id: [A-Za-z0-9_.-] kept, anything else
 * replaced, plus a hash of the original when something was replaced. */
void iaf_rv_anchor(iaf_buf *b, const char *prefix, const char *id);

/* The verdict object of a comparison: its "verdict" when that is an object
 * (the contract), else "verdict_detail", else the one inside its metrics. */
const json_t *iaf_rv_verdict_obj(const json_t *o);

/* HTML pieces shared by the report and replication pages. */
/* "ja" or "ko" when s holds kana or Hangul, else NULL: :lang() then picks
 * the right CJK font (Han characters differ between the typefaces). */
const char *iaf_rv_lang(const char *s);
/* s escaped, inside <span lang="..."> when it is Korean or Japanese. */
void iaf_rv_html_text(iaf_buf *b, const char *s);
/* <span class="v v-pass">PASS</span>; none is written for a NULL verdict. */
void iaf_rv_html_badge(iaf_buf *b, const char *verdict, const char *none);
/* The head of both pages' style sheets: colours, the font stacks that cover
 * Korean and Japanese (with :lang(ja) preferring Japanese glyphs), h1, h2. */
#define IAF_RV_CSS_BASE                                                                            \
    ":root{--fg:#1a202c;--muted:#4a5568;--line:#cbd5e0;--bg-soft:#f7fafc}\n"                       \
    "html{-webkit-text-size-adjust:100%}\n"                                                        \
    "body{margin:0 auto;max-width:1320px;padding:1.5rem 1.25rem 3rem;color:var(--fg);"             \
    "background:#fff;line-height:1.45;font-size:15px;"                                             \
    "font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"            \
    "\"Noto Sans\",\"Noto Sans CJK KR\",\"Noto Sans KR\",\"Apple SD Gothic Neo\",\"Malgun "        \
    "Gothic\","                                                                                    \
    "\"Noto Sans CJK JP\",\"Hiragino Sans\",\"Yu Gothic\",Meiryo,sans-serif}\n"                    \
    ":lang(ja){font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\","             \
    "\"Noto Sans CJK JP\",\"Noto Sans JP\",\"Hiragino Sans\",\"Yu Gothic\",Meiryo,"                \
    "\"Noto Sans CJK KR\",sans-serif}\n"                                                           \
    "h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.3rem;margin:2.2rem 0 .6rem;"              \
    "border-bottom:2px solid var(--line);padding-bottom:.2rem}\n"

/* <figcaption> as wide as a chart of this width (CSS classes w8..w32, in
 * steps of 40 px: the pages have no inline styles). */
void iaf_rv_html_figcaption(iaf_buf *b, double chart_width);

/* Markdown (CommonMark and GitHub's extensions) of text from data or a spec,
 * for inline use in a paragraph, list item, quote or table cell: nothing in
 * it can open raw HTML, an autolink, a link, an image or a link reference
 * definition, emphasis, code, strikethrough, an entity, a table cell, a line
 * break or a block (heading, list, quote) at its start. Escaped with a
 * backslash: \ ` * < > & | ~, a leading '#', a leading '+' or '-' before a
 * space; '_' unless its run is between two letters or digits (sex_age stays);
 * ']' before '(', '[' or ':'.
 * Line ends become spaces and other control bytes U+FFFD. NULL writes
 * nothing. */
void iaf_rv_md_text(iaf_buf *b, const char *s);
/* The same for the text of a link [TEXT](...) the caller writes: every
 * bracket is escaped too, so the text can neither close the link early nor
 * hold another one. */
void iaf_rv_md_link_text(iaf_buf *b, const char *s);
/* A URL from a spec: an autolink <URL> when it is http:// or https:// and
 * holds no space, control byte, '<' or '>'; any other text is written with
 * iaf_rv_md_text, so that "javascript:..." never becomes a link. */
void iaf_rv_md_url(iaf_buf *b, const char *url);

#endif
