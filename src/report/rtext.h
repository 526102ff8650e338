/* src/report/rtext.h - the text primitives every renderer and chart shares:
 * appending with a sticky out-of-memory flag and the fixed number formats.
 * They sit below both rview.h (the report document) and svg.h (charts), so
 * neither of those needs the other for them. */
#ifndef IAF_REPORT_RTEXT_H
#define IAF_REPORT_RTEXT_H

#include "util/util.h"

/* Appending with a sticky failure flag. The renderers append thousands of
 * small pieces; checking each would bury the layout, so a failed append (out
 * of memory) is remembered for the calling thread and checked once at the
 * end of a render. */
void iaf_rv_oom_reset(void);
int iaf_rv_oom_failed(void);
void iaf_rv_puts(iaf_buf *b, const char *s);
void iaf_rv_append(iaf_buf *b, const void *p, size_t n);
void iaf_rv_printf(iaf_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

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

/* "[lo, hi]" with `digits` decimals (en dashes for NAN ends). */
void iaf_rv_interval_text(iaf_buf *b, double lo, double hi, int digits);
/* An estimate with `digits` decimals, then " [lo, hi]" when both ends are
 * finite; iaf_rv_estimate_pct: the same as percentages. */
void iaf_rv_estimate_text(iaf_buf *b, double v, double lo, double hi, int digits);
void iaf_rv_estimate_pct(iaf_buf *b, double v, double lo, double hi);

/* The one Markdown table writer (report.md, replication.md): the header row of n
 * columns and its alignment row, align NULL (every column left) or one letter per
 * column, 'l' or 'r' (numbers); then each row as iaf_rv_md_row (its start), the
 * cells' text separated by iaf_rv_md_next, and iaf_rv_md_row_end. */
void iaf_rv_md_table(iaf_buf *b, const char *const *cols, size_t n, const char *align);
void iaf_rv_md_row(iaf_buf *b);
void iaf_rv_md_next(iaf_buf *b);
void iaf_rv_md_row_end(iaf_buf *b);

#endif
