/* src/core/expr.h - the predicate language of universe filters and hard rules.
 *
 * One small language serves `--where`, `universe:` in audit specs and rule checks
 * (`military_status == "현역" and rank == "병" => sex == "남자" and age <= 30`). The
 * grammar and the comparison semantics are documented in docs/expressions.md.
 *
 * Values are text (iaf_sv); a view whose ptr is NULL is a missing value. Numbers are not a
 * separate type: a comparison is numeric when both sides parse as finite numbers
 * (iaf_parse_double), byte-wise otherwise.
 *
 * Ownership: iaf_expr_parse gives the caller an owned handle (iaf_expr_free). Every
 * pointer the other functions return (variable names, sub-expressions of an implication)
 * is borrowed and stays valid until the owning handle is freed. A parsed expression is
 * immutable, so one handle may be evaluated from several threads at once.
 */
#ifndef IAF_CORE_EXPR_H
#define IAF_CORE_EXPR_H

#include <stddef.h>

#include "iaf/source.h"
#include "iaf/status.h"
#include "util/util.h"

typedef struct iaf_expr iaf_expr;

/* Nesting limit (parentheses, `not`, chained `=>`); deeper input is IAF_ERR_LIMIT. */
#define IAF_EXPR_MAX_DEPTH 100

/* Parse text (NUL-terminated). origin names the source in errors ("--where",
 * "audit.yaml:42"): err->file is origin, err->column the 1-based byte offset of the
 * offending token in text (also written as "column N" into err->where, because line is 0).
 * Failures: IAF_ERR_PARSE (syntax), IAF_ERR_LIMIT (nesting deeper than
 * IAF_EXPR_MAX_DEPTH), IAF_ERR_NOMEM. On failure *out is NULL. */
iaf_status iaf_expr_parse(const char *text, const char *origin, iaf_expr **out, iaf_error *err);

/* Free an owned expression; NULL, and a borrowed sub-expression, are no-ops. */
void iaf_expr_free(iaf_expr *e);

/* Distinct variables (column or attribute names) in first-use order. A sub-expression of
 * an implication reports the variables of the whole rule, so one values array serves
 * both parts. */
size_t iaf_expr_nvars(const iaf_expr *e);
const char *iaf_expr_var(const iaf_expr *e, size_t i); /* borrowed, NUL-terminated */

/* values[i] is the value of variable i (ptr NULL = missing); values may be NULL when
 * nvars is 0. Returns 1 (true) or 0. Never allocates. */
int iaf_expr_eval(const iaf_expr *e, const iaf_sv *values);

/* For a rule "A => B": returns 1 and sets the borrowed sub-expressions (same variable
 * indexing as e; either pointer may be NULL). `A => B => C` is `A => (B => C)`, so the
 * consequent may itself be an implication. Otherwise returns 0. */
int iaf_expr_implication(const iaf_expr *e, const iaf_expr **antecedent,
                         const iaf_expr **consequent);

/* Append the canonical text of e to b: keywords in lower case, `==` for `=`, `and`/`or`/
 * `not` for `&&`/`||`/`!`, numbers in iaf_fmt_f64 form, strings in double quotes, names
 * bare when the grammar allows it and backquoted otherwise, parentheses only where
 * precedence needs them. Parsing the result gives an expression that evaluates the same.
 * Returns 0, or -1 when out of memory. */
int iaf_expr_to_string(const iaf_expr *e, iaf_buf *b);

#endif
