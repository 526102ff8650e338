/* src/report/html_int.h - what the files of report.html share: the
 * rendering context, the layout limits and the small text helpers (static
 * inline, one copy per file), and the panels of the check kinds that have
 * their own file (panel_flattening.c, panel_rule.c, panel_condind.c),
 * which html.c draws through the table of kinds (rkinds.h). Internal to
 * src/report. */
#ifndef IAF_REPORT_HTML_INT_H
#define IAF_REPORT_HTML_INT_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/rview.h"
#include "report/svg.h"

#define P(s) iaf_rv_puts(c->out, (s))
#define PF(...) iaf_rv_printf(c->out, __VA_ARGS__)
#define DASH "\xE2\x80\x93"
#define TIMES " \xC3\x97 "

enum {
    ROW_LIMIT = 40, /* heat-map rows shown in full up to this many categories */
    ROW_KEEP = 30,  /* beyond it: this many by contribution, then "rest" */
    COL_LIMIT = 24,
    COL_KEEP = 16,
    PROFILES = 3, /* conditional profiles drawn per joint check */
    PROFILE_TABLE = 10,
    PROFILE_LIMIT = 20,
    PROFILE_KEEP = 15,
    TOP_CELLS = 10,  /* largest differences listed per check */
    FLAT_LIMIT = 40, /* dominated categories shown in full up to this many */
    FLAT_KEEP = 30,
    MARGINAL_TABLE = 40,
    MAX_GRID = 4000000 /* cells; beyond this no heat map is drawn */
};

typedef struct hctx {
    iaf_buf *out;
    iaf_svg svg;
    const json_t *doc;
    const iaf_report_model *model;
    int ivcols; /* the metrics table being written has interval columns */
} hctx;

/* ---------------------------------------------------------------- text */

/* A caption as wide as the chart above it (at least 20em), so that charts
 * side by side keep their own columns. */
static inline void figcaption(hctx *c)
{
    iaf_rv_html_figcaption(c->out, c->svg.width);
}

static inline void txt(hctx *c, const char *s)
{
    iaf_svg_escape(c->out, s);
}

static inline void ltxt(hctx *c, const char *s)
{
    iaf_rv_html_text(c->out, s);
}

/* The end of a chart's figure: its caption (text from data, language-tagged), as wide
 * as the chart, and the closing tags. */
static inline void figure_close(hctx *c, const char *caption)
{
    figcaption(c);
    ltxt(c, caption);
    iaf_rv_puts(c->out, "</figcaption>\n</figure>\n");
}

/* Text or an en dash for NULL. */
static inline void ltxt_or(hctx *c, const char *s, const char *none)
{
    if (s)
        ltxt(c, s);
    else
        P(none);
}

static inline void href(hctx *c, const char *prefix, const char *id)
{
    P("<a href=\"#");
    iaf_rv_anchor(c->out, prefix, id);
    P("\">");
    ltxt(c, id);
    P("</a>");
}

/* External links are plain anchors: nothing is fetched when the page is
 * opened, and the address stays visible when printed. */
static inline void url_link(hctx *c, const char *url)
{
    if (!url) return;
    int web = !strncmp(url, "https://", 8) || !strncmp(url, "http://", 7);
    if (web) {
        P("<a class=\"url\" href=\"");
        txt(c, url);
        P("\" rel=\"noreferrer\">");
    }
    txt(c, url);
    if (web) P("</a>");
}

/* <td class="num" data-v="raw">formatted</td>; data-v lets the table sort by
 * the number rather than its text. Opens the cell and returns 1, or writes
 * a dash cell for a missing number and returns 0. */
static inline int td_open(hctx *c, double v)
{
    if (!isfinite(v)) {
        P("<td class=\"num\">" DASH "</td>");
        return 0;
    }
    char raw[40];
    iaf_fmt_f64(raw, v);
    PF("<td class=\"num\" data-v=\"%s\">", raw);
    return 1;
}

static inline void td_num(hctx *c, double v, int digits)
{
    if (!td_open(c, v)) return;
    iaf_rv_fixed(c->out, v, digits);
    P("</td>");
}

static inline void td_pct(hctx *c, double v)
{
    if (!td_open(c, v)) return;
    iaf_rv_pct(c->out, v);
    P("</td>");
}

static inline void td_pp(hctx *c, double v)
{
    if (!td_open(c, v)) return;
    iaf_rv_signed(c->out, v, 2);
    P("</td>");
}

static inline void td_count(hctx *c, double v)
{
    if (!td_open(c, v)) return;
    iaf_rv_count(c->out, v);
    P("</td>");
}

static inline void td_text(hctx *c, const char *s)
{
    P("<td>");
    ltxt_or(c, s, DASH);
    P("</td>");
}

/* -------------------------------------------------------- metric names */

/* --------------------------------------------------------- the document */

static inline void badge(hctx *c, const char *v)
{
    iaf_rv_html_badge(c->out, v, "pending");
}

/* Flattening toward parity: the dominated categories, raw and
 * age-standardised. The member names follow the contract; alternatives
 * are accepted so that the page survives small schema changes. */
static inline const json_t *rows_of(const json_t *o)
{
    const json_t *r = iaf_rv_arr(o, "categories");
    if (!r) r = iaf_rv_arr(o, "rows");
    if (!r) r = iaf_rv_arr(o, "dominated");
    return r;
}

static inline const char *row_label(const json_t *row)
{
    const char *s = iaf_rv_str(row, "category");
    if (!s) s = iaf_rv_str(row, "y");
    if (!s) s = iaf_rv_str(row, "label");
    if (!s) s = iaf_rv_str(row, "value");
    return s ? s : "(missing)";
}

/* Ranking by value, largest first, ties by index (deterministic). */
typedef struct ranked {
    double v;
    size_t i;
} ranked;

static inline int ranked_cmp(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v) return x->v > y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* In html.c: the table of a verdict's screens; a table of JSON objects
 * (at most limit rows, columns in first-seen order). */
void iaf_html_screens_table(hctx *c, const json_t *vo);
/* The overview chart at the top of the page (overview.c). */
void iaf_html_overview(hctx *c);
void iaf_html_object_table(hctx *c, const json_t *arr, const char *caption, size_t limit);

/* The panels of the kinds (rkinds.c's table; chk: the check, comp: the
 * check itself or one of its variants); each draws nothing when comp lacks
 * its members. */
void iaf_html_flattening_panel(hctx *c, const json_t *chk, const json_t *comp);
void iaf_html_rule_panels(hctx *c, const json_t *chk, const json_t *comp);
void iaf_html_condind_panel(hctx *c, const json_t *chk, const json_t *comp);

#endif
