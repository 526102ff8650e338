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

#include "util/util.h"

/* Parse report.json text; a syntax error or a document that is not an
 * iaf-report/1 object becomes a located error. *out is owned by the caller
 * (json_decref). */
iaf_status iaf_rv_load(const char *text, size_t n, json_t **out, iaf_error *err);

const char *iaf_rv_str(const json_t *o, const char *key); /* NULL unless a string */
/* 1 and *out when o[key] is a finite number, else 0. */
int iaf_rv_num(const json_t *o, const char *key, double *out);
double iaf_rv_numv(const json_t *o, const char *key); /* NAN when absent */
json_t *iaf_rv_obj(const json_t *o, const char *key);  /* NULL unless an object */
json_t *iaf_rv_arr(const json_t *o, const char *key);  /* NULL unless an array */
int iaf_rv_bool(const json_t *o, const char *key, int *out);

/* An interval for the quantity `key` of o, in any of the shapes the
 * report uses: o.intervals[key] = {lo, hi}; o[key + "_lo"], o[key + "_hi"];
 * o[key] = {estimate|value, lo, hi} or [lo, hi]; o[key + "_interval"] =
 * {lo, hi} or [lo, hi]. Returns 1 when both ends are numbers. */
int iaf_rv_interval(const json_t *o, const char *key, double *lo, double *hi);

/* The estimate of key: a number at o[key], or o[key].estimate / .value. */
int iaf_rv_estimate(const json_t *o, const char *key, double *out);

/* Fixed-point text with `digits` decimals; never "-0.00"; "–" (en dash)
 * for NAN. */
void iaf_rv_fixed(iaf_buf *b, double v, int digits);
/* As iaf_rv_fixed with an explicit "+" for positive values. */
void iaf_rv_signed(iaf_buf *b, double v, int digits);
/* Counts: integral values with thousands separators ("1,000,000"), other
 * values with two decimals; "–" for NAN. */
void iaf_rv_count(iaf_buf *b, double v);
/* A share in [0, 1] as a percentage with two decimals ("12.34%"). */
void iaf_rv_pct(iaf_buf *b, double v);
/* A metric value: four decimals below 10, else two. */
void iaf_rv_metric(iaf_buf *b, double v);

/* Digits used for a metric by name: retention and footprint get three,
 * *_pp two, everything else four. */
int iaf_rv_metric_digits(const char *name);

#endif
