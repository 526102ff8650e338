/* src/report/svg.h - the inline SVG charts of report.html.
 *
 * Every chart is one <svg role="img"> with a <title> and a <desc> (named by
 * aria-labelledby), sized from its content, and deterministic: coordinates
 * and numbers are printed with fixed decimals, so the same data give the
 * same bytes. Text is escaped here; callers pass plain UTF-8. Charts draw
 * what they are given: choosing the categories (top-N plus "rest") is the
 * caller's job.
 */
#ifndef IAF_REPORT_SVG_H
#define IAF_REPORT_SVG_H

#include <stddef.h>

#include "util/util.h"

typedef struct iaf_svg {
    iaf_buf *out;
    unsigned seq; /* numbers the title/desc ids of the document's charts */
    double width; /* of the last chart, so that its caption can match it */
} iaf_svg;

/* Escape text for HTML/SVG content and attribute values (&, <, >, ", ');
 * C0 controls other than tab/newline become U+FFFD. */
void iaf_svg_escape(iaf_buf *b, const char *s);
void iaf_svg_escape_n(iaf_buf *b, const char *s, size_t n);

/* Estimated rendered width of s at font size fs (Hangul and CJK count as
 * one em, Latin as about 0.6 em); used for layout only. */
double iaf_svg_text_width(const char *s, double fs);

/* The diverging colour (blue below 0, white at 0, red above) of t in
 * [-1, 1], as "#rrggbb" into buf[8]. */
void iaf_svg_diverging(double t, char buf[8]);

/* Residual heat map: rows x columns, each cell coloured by synthetic minus
 * reference share (percentage points) on a scale centred on 0, with a
 * <title> giving both shares. NAN shares or a non-NULL state mark a cell
 * that was not compared (drawn hatched grey). */
typedef struct iaf_svg_heat {
    const char *title, *desc;
    const char *row_attr, *col_attr; /* axis names */
    size_t nrows, ncols;
    const char *const *rows, *const *cols;
    const double *s, *r;      /* nrows * ncols, row-major */
    const char *const *state; /* NULL, or per cell NULL = compared */
    int rest_row, rest_col;   /* the last row/column sums folded categories: it does not set
                                 the colour scale (its colour saturates, its text is exact) */
} iaf_svg_heat;
void iaf_svg_heatmap(iaf_svg *g, const iaf_svg_heat *h);

/* Diverging bars of synthetic minus reference share per category (one
 * attribute), with optional intervals of the difference in pp. */
typedef struct iaf_svg_bars {
    const char *title, *desc, *attr;
    size_t n;
    const char *const *labels;
    const double *s, *r;
    const double *lo_pp, *hi_pp; /* optional */
    int last_is_rest;            /* the last bar is "rest": drawn clipped to the scale */
} iaf_svg_bars;
void iaf_svg_diffbars(iaf_svg *g, const iaf_svg_bars *b);

/* Paired horizontal bars of two share profiles (e.g. P(y | x) synthetic and
 * reference); b may be NULL for single bars, and then values need not be
 * shares (unit names the quantity: NULL = shares shown in %). */
typedef struct iaf_svg_pairs {
    const char *title, *desc, *attr;
    const char *a_name, *b_name;
    size_t n;
    const char *const *labels;
    const double *a, *b;
    const char *unit;
    int last_is_rest; /* the last pair is "rest": drawn clipped to the scale */
} iaf_svg_pairs;
void iaf_svg_pairs_chart(iaf_svg *g, const iaf_svg_pairs *p);

/* The IAF signature: retention (x) and footprint (y) with their intervals,
 * over the faithful / flattened / distorted / exaggerated regions. NAN
 * interval ends are not drawn. */
typedef struct iaf_svg_sig {
    const char *title, *desc;
    double retention, ret_lo, ret_hi;
    double footprint, fp_lo, fp_hi;
    double fp_threshold;  /* faithful below (default 0.5) */
    double ret_threshold; /* flattened below (default 0.5) */
} iaf_svg_sig;
void iaf_svg_signature(iaf_svg *g, const iaf_svg_sig *s);

/* Dot plot: per category a reference dot, a synthetic dot with interval,
 * and one vertical line (the independence value). Values are shares. */
typedef struct iaf_svg_dots {
    const char *title, *desc, *attr, *axis;
    size_t n;
    const char *const *labels;
    const double *ref, *syn, *syn_lo, *syn_hi; /* syn_lo/hi optional */
    double line;                               /* NAN = none */
    const char *line_label;
    double theta; /* NAN = none: the dominance threshold, dotted */
} iaf_svg_dots;
void iaf_svg_dotplot(iaf_svg *g, const iaf_svg_dots *d);

/* Step chart of two distributions over ordered bins (an age profile),
 * with an optional shaded window [win_lo, win_hi] in the bins' numeric
 * starts (labels such as "19-24" start at 19). */
typedef struct iaf_svg_steps {
    const char *title, *desc, *xlabel;
    const char *a_name, *b_name;
    size_t n;
    const char *const *labels;
    const double *a, *b;            /* b optional */
    double win_lo, win_hi;          /* NAN = no window */
    const unsigned char *in_window; /* or per bin: 1 = inside the window (shaded) */
} iaf_svg_steps;
void iaf_svg_stepchart(iaf_svg *g, const iaf_svg_steps *s);

/* One estimate with its interval against an expected interval. */
typedef struct iaf_svg_expect {
    const char *title, *desc, *label;
    double exp_lo, exp_hi, est, lo, hi;
} iaf_svg_expect;
void iaf_svg_expectation(iaf_svg *g, const iaf_svg_expect *e);

/* ----- charts of a replication (several bundles side by side) */

/* The IAF signature of one check in several bundles: one point per bundle,
 * coloured by its verdict and marked with a short text (the bundle's
 * number), over the same regions as iaf_svg_signature. Points with NAN
 * retention or footprint are left out (the caller says why). */
typedef struct iaf_svg_sig_point {
    const char *label;   /* the bundle, in the point's <title> */
    const char *mark;    /* drawn inside the point ("1", "2", ...); may be NULL */
    const char *verdict; /* PASS / FLAG / INCONCLUSIVE, else grey */
    double retention, ret_lo, ret_hi;
    double footprint, fp_lo, fp_hi;
} iaf_svg_sig_point;
typedef struct iaf_svg_sigs {
    const char *title, *desc;
    size_t n;
    const iaf_svg_sig_point *pts;
    double fp_threshold, ret_threshold; /* NAN = 0.5 */
} iaf_svg_sigs;
void iaf_svg_signatures(iaf_svg *g, const iaf_svg_sigs *s);

/* Forest plot: one facet per metric, one row per bundle with the estimate
 * (a dot coloured by verdict) and its interval, the noise floor (a grey band
 * from 0 up to it), an optional expected interval (green), and the facet's
 * thresholds as dashed vertical lines. A row with a note gets no dot and no
 * interval, only the note: the sample was too small for the estimate to
 * mean anything, and a dot would suggest otherwise. Each row is a
 * <g class="row">, each facet a <g class="facet" data-metric="...">. */
typedef struct iaf_svg_forest_row {
    const char *label;    /* the bundle */
    const char *sublabel; /* smaller, under it (K and n) */
    double est, lo, hi;   /* NAN ends: no interval */
    double floor;         /* NAN = none */
    double exp_lo, exp_hi;
    const char *verdict; /* the dot's colour */
    const char *vtext;   /* right of the plot, in the verdict's colour; may be NULL */
    const char *note;    /* non-NULL: no dot, this text instead */
    const char *tip;     /* hover text of the dot or note; NULL = the numbers */
} iaf_svg_forest_row;
typedef struct iaf_svg_forest_facet {
    const char *metric; /* key, in data-metric */
    const char *axis;   /* heading of the facet */
    size_t n;
    const iaf_svg_forest_row *rows;
    size_t nthr; /* 0..2 */
    double thr[2];
    int digits; /* of the numbers printed */
} iaf_svg_forest_facet;
typedef struct iaf_svg_forest_plot {
    const char *title, *desc;
    size_t nfacets;
    const iaf_svg_forest_facet *facets;
} iaf_svg_forest_plot;
void iaf_svg_forest(iaf_svg *g, const iaf_svg_forest_plot *f);

/* Horizontal bars of non-negative values with the value printed beside
 * each (digits decimals); NAN draws no bar and an en dash. */
typedef struct iaf_svg_vbars {
    const char *title, *desc, *axis;
    size_t n;
    const char *const *labels;
    const double *v;
    int digits;
} iaf_svg_vbars;
void iaf_svg_valuebars(iaf_svg *g, const iaf_svg_vbars *p);

#endif
