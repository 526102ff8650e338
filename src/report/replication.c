/* src/report/replication.c - replication.md and replication.html from
 * replication.json; see replication.h.
 *
 * The page shows what METHOD.md section 10 asks of a replication: per
 * bundle the flags per comparable cell (a bar chart in the order given,
 * never a ranking by raw counts), then per check id a forest plot with one
 * row per bundle so that the same check reads across locales and
 * generators at a glance. A bundle whose sample is too small for a screen
 * (its noise floor reaches the threshold) gets a note in place of a dot:
 * its estimate is noise, and a dot would invite a comparison. */
#include "report/replication.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rkinds.h"
#include "report/rview.h"
#include "report/svg.h"
#include "util/util.h"

#define P(s) iaf_rv_puts(c->out, (s))
#define PF(...) iaf_rv_printf(c->out, __VA_ARGS__)
#define DASH "\xE2\x80\x93"
#define TIMES " \xC3\x97 "
#define MIDDOT " \xC2\xB7 "
#define GEQ " \xE2\x89\xA5 "

/* ------------------------------------------------------------ the document */

static iaf_status load(const char *text, size_t n, json_t **out, iaf_error *err)
{
    return iaf_rv_load_schema(text, n, IAF_REPLICATION_SCHEMA, "an iaf replication", out, err);
}

int iaf_replication_is(const char *json, size_t n)
{
    json_t *doc = NULL;
    iaf_status st = load(json, n, &doc, NULL);
    if (st != IAF_OK) return st == IAF_ERR_NOMEM ? -1 : 0;
    json_decref(doc);
    return 1;
}

typedef struct rctx {
    iaf_buf *out;
    iaf_svg svg;
    const json_t *doc;
    json_t *bundles, *rows;
    const char **ids; /* check ids in order of first appearance */
    size_t nids;
    iaf_arena arena; /* texts made for the charts of one panel */
    int oom;         /* an arena copy failed */
} rctx;

/* 0 ok, -1 out of memory */
static int collect_ids(rctx *c)
{
    size_t i, cap = 0;
    json_t *r;
    json_array_foreach(c->rows, i, r)
    {
        const char *id = iaf_rv_str(r, "check");
        if (!id) continue;
        int seen = 0;
        for (size_t k = 0; k < c->nids && !seen; k++)
            seen = !strcmp(c->ids[k], id);
        if (seen) continue;
        if (IAF_GROW(c->ids, cap, c->nids + 1) != 0) return -1;
        c->ids[c->nids++] = id;
    }
    return 0;
}

/* The bundle's position in "bundles" (its number is that + 1), or -1. */
static long bundle_index(const rctx *c, const char *spec)
{
    size_t i;
    json_t *b;
    if (!spec) return -1;
    json_array_foreach(c->bundles, i, b)
    {
        const char *s = iaf_rv_str(b, "spec");
        if (s && !strcmp(s, spec)) return (long)i;
    }
    return -1;
}

static int verdict_rank(const char *v)
{
    if (!v) return 0;
    if (!strcmp(v, "PASS")) return 1;
    if (!strcmp(v, "INCONCLUSIVE")) return 2;
    if (!strcmp(v, "FLAG")) return 3;
    return 0;
}

static const char *rank_verdict(int r)
{
    static const char *const names[] = {NULL, "PASS", "INCONCLUSIVE", "FLAG"};
    return r >= 0 && r < 4 ? names[r] : NULL;
}

static int is_true(const json_t *o, const char *key)
{
    int v = 0;
    return iaf_rv_bool(o, key, &v) && v;
}

/* A metric's name in the charts: the report's labels, with the attribute
 * names of a conditional TVD, and the rule outcomes a replication adds. */
static void metric_label(iaf_buf *b, const char *m, const char *ax, const char *ay)
{
    if (m && !strcmp(m, "violation_share"))
        iaf_rv_puts(b, "violation share (of the rows meeting the rule's condition)");
    else if (m && !strcmp(m, "outside_window"))
        iaf_rv_puts(b, "share outside the age window");
    else if (m && !strcmp(m, "share"))
        iaf_rv_puts(b, "share (against the expected interval)");
    else
        iaf_rv_metric_name(b, m, ax, ay);
}

/* "flattening_pooled (exaggeration)" screens the same estimate as
 * "flattening_pooled" against another threshold: one facet for both. */
static size_t metric_base_len(const char *m)
{
    const char *p = strstr(m, " (");
    return p ? (size_t)(p - m) : strlen(m);
}

/* A number in its shortest exact form (thresholds: 0.1, not 0.1000). */
static void short_num(iaf_buf *b, double v)
{
    char t[40];
    if (!isfinite(v)) {
        iaf_rv_puts(b, DASH);
        return;
    }
    iaf_fmt_f64(t, v);
    iaf_rv_puts(b, t);
}

/* --------------------------------------------------------------- Markdown */

/* A table cell of text from a spec or data (titles, ids, labels): escaped
 * like every such string in Markdown output (iaf_rv_md_text). */
static void md_cell(iaf_buf *b, const char *s)
{
    if (!s) {
        iaf_rv_puts(b, "-");
        return;
    }
    iaf_rv_md_text(b, s);
}

static void md_num(iaf_buf *b, const char *fmt, double v)
{
    if (isnan(v))
        iaf_rv_puts(b, "-");
    else
        iaf_rv_printf(b, fmt, v);
}

static double floor_corrected(const json_t *r)
{
    double v;
    if (iaf_rv_num(r, "floor_corrected", &v)) return v;
    double e = iaf_rv_numv(r, "estimate"), f = iaf_rv_numv(r, "noise_floor");
    return isnan(f) ? NAN : e - f;
}

/* Bundles declaring a `family` (a locale series, a generator family): one row
 * per family in order of first appearance, flags per comparable cell pooled
 * over its bundles, and the spread of the bundles' own rates. Nothing when no
 * bundle declares one. */
static void families_md(json_t *bundles, iaf_buf *out)
{
    size_t i, j;
    json_t *o, *p;
    int any = 0;
    json_array_foreach(bundles, i, o) any |= iaf_rv_str(o, "family") != NULL;
    if (!any) return;
    static const char *const cols[] = {"family",
                                       "bundles",
                                       "flags",
                                       "comparable cells",
                                       "flags per comparable cell (pooled)",
                                       "range over its bundles"};
    iaf_rv_puts(out, "\n");
    iaf_rv_md_table(out, cols, 6, "lrrrrl");
    json_array_foreach(bundles, i, o)
    {
        const char *f = iaf_rv_str(o, "family");
        int seen = 0;
        for (j = 0; f && j < i; j++) {
            const char *g = iaf_rv_str(json_array_get(bundles, j), "family");
            seen |= g && !strcmp(f, g);
        }
        if (!f || seen) continue;
        double flags = 0, cells = 0, lo = INFINITY, hi = -INFINITY;
        size_t nb = 0;
        json_array_foreach(bundles, j, p)
        {
            const char *g = iaf_rv_str(p, "family");
            if (!g || strcmp(f, g)) continue;
            double r = iaf_rv_numv(p, "flags_per_comparable_cell");
            flags += iaf_rv_numv(p, "flags"), cells += iaf_rv_numv(p, "comparable_cells");
            lo = fmin(lo, r), hi = fmax(hi, r), nb++;
        }
        iaf_rv_md_row(out);
        md_cell(out, f);
        iaf_rv_md_next(out);
        md_num(out, "%.0f", (double)nb);
        iaf_rv_md_next(out);
        md_num(out, "%.0f", flags);
        iaf_rv_md_next(out);
        md_num(out, "%.0f", cells);
        iaf_rv_md_next(out);
        md_num(out, "%.5f", cells > 0 ? flags / cells : NAN);
        iaf_rv_md_next(out);
        md_num(out, "%.5f", lo);
        iaf_rv_puts(out, " - ");
        md_num(out, "%.5f", hi);
        iaf_rv_md_row_end(out);
    }
}

iaf_status iaf_replication_md(const char *json, size_t n, iaf_buf *out, iaf_error *err)
{
    json_t *doc = NULL;
    iaf_status st = load(json, n, &doc, err);
    if (st != IAF_OK) return st;
    iaf_rv_oom_reset();
    json_t *bundles = iaf_rv_arr(doc, "bundles"), *rows = iaf_rv_arr(doc, "rows");
    size_t i;
    json_t *o;
    static const char *const bcols[] = {"bundle", "dataset",          "checks",
                                        "flags",  "comparable cells", "flags per comparable cell"};
    static const char *const rcols[] = {"check", "bundle",           "K",
                                        "n",     "metric",           "estimate [95% interval]",
                                        "floor", "estimate - floor", "verdict"};
    iaf_rv_puts(out, "## IAF replication\n\n");
    iaf_rv_md_table(out, bcols, 6, "llrrrr");
    json_array_foreach(bundles, i, o)
    {
        iaf_rv_md_row(out);
        md_cell(out, iaf_rv_str(o, "spec"));
        iaf_rv_md_next(out);
        md_cell(out, iaf_rv_str(o, "dataset"));
        iaf_rv_md_next(out);
        md_num(out, "%.0f", iaf_rv_numv(o, "checks"));
        iaf_rv_md_next(out);
        md_num(out, "%.0f", iaf_rv_numv(o, "flags"));
        iaf_rv_md_next(out);
        md_num(out, "%.0f", iaf_rv_numv(o, "comparable_cells"));
        iaf_rv_md_next(out);
        md_num(out, "%.5f", iaf_rv_numv(o, "flags_per_comparable_cell"));
        iaf_rv_md_row_end(out);
    }
    families_md(bundles, out);
    iaf_rv_puts(out,
                "\nRaw flag counts grow with the number of categories (more cells that can fail, "
                "higher noise floors); compare bundles per comparable cell and by the "
                "floor-corrected metrics, not by raw counts.\n\n");
    iaf_rv_md_table(out, rcols, 9, "lllrllrrl");
    json_array_foreach(rows, i, o)
    {
        double kx = iaf_rv_numv(o, "k_x"), ky = iaf_rv_numv(o, "k_y");
        iaf_rv_md_row(out);
        md_cell(out, iaf_rv_str(o, "check"));
        iaf_rv_md_next(out);
        md_cell(out, iaf_rv_str(o, "bundle"));
        iaf_rv_md_next(out);
        md_num(out, "%.0f", kx);
        if (ky > 0) iaf_rv_printf(out, " x %.0f", ky);
        iaf_rv_md_next(out);
        md_num(out, "%.0f", iaf_rv_numv(o, "n_synthetic"));
        iaf_rv_md_next(out);
        md_cell(out, iaf_rv_str(o, "metric"));
        iaf_rv_md_next(out);
        md_num(out, "%.4f", iaf_rv_numv(o, "estimate"));
        iaf_rv_puts(out, " [");
        md_num(out, "%.4f", iaf_rv_numv(o, "lo"));
        iaf_rv_puts(out, ", ");
        md_num(out, "%.4f", iaf_rv_numv(o, "hi"));
        iaf_rv_puts(out, "]");
        iaf_rv_md_next(out);
        md_num(out, "%.4f", iaf_rv_numv(o, "noise_floor"));
        iaf_rv_md_next(out);
        md_num(out, "%.4f", floor_corrected(o));
        iaf_rv_md_next(out);
        const char *v = iaf_rv_str(o, "verdict"), *d = iaf_rv_str(o, "diagnosis");
        if (v)
            iaf_rv_md_text(out, v);
        else
            iaf_rv_puts(out, "not screened");
        if (d) {
            iaf_rv_puts(out, " (");
            md_cell(out, d);
            iaf_rv_puts(out, ")");
        } else if (is_true(o, "too_small")) {
            iaf_rv_puts(out, " (too small to decide)");
        }
        iaf_rv_md_row_end(out);
    }
    iaf_rv_puts(out, "\nCharts (a forest plot per check across the bundles): "
                     "[replication.html](replication.html); every number: "
                     "[replication.json](replication.json).\n");
    if (iaf_rv_oom_failed())
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory rendering Markdown");
    json_decref(doc);
    return st;
}

/* ------------------------------------------------------------------- text */

static void txt(rctx *c, const char *s)
{
    iaf_svg_escape(c->out, s);
}

static void ltxt(rctx *c, const char *s)
{
    iaf_rv_html_text(c->out, s ? s : DASH);
}

static void td_num(rctx *c, double v, const char *fmt)
{
    if (!isfinite(v)) {
        P("<td class=\"num\">" DASH "</td>");
        return;
    }
    P("<td class=\"num\">");
    PF(fmt, v);
    P("</td>");
}

static void td_count(rctx *c, double v)
{
    P("<td class=\"num\">");
    iaf_rv_count(c->out, v);
    P("</td>");
}

static void badge(rctx *c, const char *v)
{
    iaf_rv_html_badge(c->out, v, "not screened");
}

/* The verdict, its diagnosis, or why a sample was too small. */
static void verdict_cell(rctx *c, const json_t *r)
{
    badge(c, iaf_rv_str(r, "verdict"));
    const char *d = iaf_rv_str(r, "diagnosis");
    if (d) {
        P(" ");
        ltxt(c, d);
    } else if (is_true(r, "too_small")) {
        P(" <em>too small to decide</em>");
    }
}

/* "3 · us/cart.yaml" - the bundle's number ties its rows, bars and
 * signature points together. */
static void bundle_label(iaf_buf *b, long idx, const char *spec)
{
    if (idx >= 0) iaf_rv_printf(b, "%ld" MIDDOT, idx + 1);
    iaf_rv_puts(b, spec ? spec : "(unnamed bundle)");
}

static const char *keep_n(rctx *c, const char *p, size_t n)
{
    const char *s = iaf_arena_strndup(&c->arena, p ? p : "", p ? n : 0);
    if (!s) c->oom = 1;
    return s ? s : "";
}

static const char *keep(rctx *c, const iaf_buf *b)
{
    return keep_n(c, b->data, b->len);
}

/* A caption as wide as the chart above it (classes w8..w32 in the CSS). */
static void figcaption(rctx *c)
{
    iaf_rv_html_figcaption(c->out, c->svg.width);
}

/* ------------------------------------------------------------------- page */

static const char css[] = IAF_RV_CSS_BASE
    "h3{font-size:1.12rem;margin:0 0 .4rem}\n"
    "p{margin:.4rem 0}.muted,.note{color:var(--muted)}small{font-weight:normal;"
    "color:var(--muted)}\n"
    "a{color:#2b6cb0}code{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,"
    "monospace;font-size:.88em}td.mono{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,"
    "Consolas,monospace;font-size:.8em;word-break:break-all;min-width:12em}\n"
    "nav.toc{font-size:.9rem;background:var(--bg-soft);border:1px solid var(--line);"
    "padding:.4rem .8rem;margin:1rem 0}nav.toc ol{margin:.2rem 0;padding-left:1.3rem;"
    "columns:2 18rem}\n"
    "table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem}caption{text-align:left;"
    "font-weight:600;padding:.2rem 0}\n"
    "th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;"
    "vertical-align:top}th{background:var(--bg-soft)}td.num,th.num{text-align:right;"
    "font-variant-numeric:tabular-nums}td.num{white-space:nowrap}td.wrap{overflow-wrap:anywhere}\n"
    "table.rows{font-size:.82rem}table.rows th.check{background:none;padding-top:.7rem;"
    "border-bottom:1px solid var(--fg)}table.rows code,table.bundles code{white-space:nowrap}\n"
    ".v{display:inline-block;padding:0 .45rem;border-radius:.25rem;font-weight:700;"
    "font-size:.8rem;letter-spacing:.02em;border:1px solid}\n"
    ".v-pass{background:#e6f4ea;color:#1e5631;border-color:#9ccfab}"
    ".v-flag{background:#fde2e2;color:#8a1c1c;border-color:#f1a1a1}\n"
    ".v-inconclusive{background:#fff4d6;color:#7a4d00;border-color:#f0c36d}"
    ".v-pending,.v-other{background:#edf2f7;color:#4a5568;border-color:#cbd5e0}\n"
    "section.check{border-top:1px solid var(--line);padding-top:1rem;margin-top:1.6rem}"
    "section.check>h3{overflow-wrap:anywhere}\n"
    "ul.bverdicts{list-style:none;padding:0;margin:.4rem 0;display:flex;flex-wrap:wrap;"
    "gap:.2rem 1.4rem;font-size:.9rem}\n"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0;"
    "font-size:.92rem}dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}\n"
    "figure{margin:.6rem 0 1rem}figcaption{font-size:.85rem;color:var(--muted);max-width:60rem}\n"
    "svg.chart{display:block;max-width:100%;height:auto;overflow:visible}\n"
    "svg.chart text{fill:var(--fg)}svg.chart text.axis{font-weight:600}"
    "svg.chart text.note{fill:var(--muted)}svg.chart text.region{fill:var(--muted);"
    "font-style:italic}svg.chart text.nomark{font-style:italic}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:0 2.5rem;align-items:flex-start}"
    ".charts>figure{flex:0 1 auto;min-width:0}\n"
    ".scroll{overflow-x:auto}\n"
    "@page{size:A4;margin:14mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:10pt}nav.toc{display:none}"
    "a{color:inherit;text-decoration:none}section.check{break-inside:avoid-page}"
    "figure,svg.chart,tr{break-inside:avoid}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}.scroll{overflow:visible}"
    "table.rows{font-size:7pt}table.rows code,table.bundles code,table.rows td{white-space:normal}"
    "table.rows td.metric{overflow-wrap:anywhere}"
    "td.mono{min-width:0}}\n";

static void header(rctx *c)
{
    size_t nb = json_array_size(c->bundles);
    P("<header>\n<p class=\"muted\">Independence-Assumption Footprint replication</p>\n"
      "<h1>IAF replication</h1>\n<p>");
    PF("The same checks, matched by check id, run over %zu bundle%s (one audit spec per "
       "locale or generator). ",
       nb, nb == 1 ? "" : "s");
    P("Bundles are compared check by check and per comparable cell, never ranked by raw flag "
      "counts: raw counts grow with the number of categories (more cells that can fail, higher "
      "noise floors).</p>\n</header>\n");
}

static void toc(rctx *c)
{
    P("<nav class=\"toc\" aria-label=\"Contents\"><strong>Contents</strong>\n<ol>\n"
      "<li><a href=\"#bundles\">Bundles</a></li>\n");
    for (size_t k = 0; k < c->nids; k++) {
        P("<li><a href=\"#");
        iaf_rv_anchor(c->out, "check-", c->ids[k]);
        P("\">");
        ltxt(c, c->ids[k]);
        P("</a></li>\n");
    }
    P("<li><a href=\"#table\">Checks by bundle</a></li>\n"
      "<li><a href=\"#reproducibility\">Reproducibility</a></li>\n</ol>\n</nav>\n");
}

static void bundles_section(rctx *c)
{
    size_t nb = json_array_size(c->bundles), i;
    json_t *b;
    P("<section id=\"bundles\">\n<h2>Bundles</h2>\n<div class=\"scroll\"><table "
      "class=\"bundles\">\n"
      "<thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">spec</th>"
      "<th scope=\"col\">dataset</th><th scope=\"col\" class=\"num\">checks</th>"
      "<th scope=\"col\" class=\"num\">flags</th><th scope=\"col\" class=\"num\">comparable "
      "cells</th><th scope=\"col\" class=\"num\">flags per comparable cell</th></tr></thead>\n"
      "<tbody>\n");
    json_array_foreach(c->bundles, i, b)
    {
        PF("<tr class=\"bundle\"><td class=\"num\">%zu</td><td><code>", i + 1);
        ltxt(c, iaf_rv_str(b, "spec"));
        P("</code></td><td class=\"wrap\">");
        ltxt(c, iaf_rv_str(b, "dataset"));
        P("</td>");
        td_count(c, iaf_rv_numv(b, "checks"));
        td_count(c, iaf_rv_numv(b, "flags"));
        td_count(c, iaf_rv_numv(b, "comparable_cells"));
        td_num(c, iaf_rv_numv(b, "flags_per_comparable_cell"), "%.5f");
        P("</tr>\n");
    }
    P("</tbody>\n</table></div>\n");
    if (!nb) {
        P("<p>No bundles.</p>\n</section>\n");
        return;
    }
    const char **labels = iaf_calloc(nb, sizeof *labels);
    double *v = iaf_calloc(nb, sizeof *v);
    iaf_buf t = {0}, desc = {0};
    if (!labels || !v) {
        c->oom = 1;
        iaf_free(labels);
        iaf_free(v);
        P("</section>\n");
        return;
    }
    iaf_rv_puts(&desc, "Flags per comparable cell of each bundle, in the order the bundles were "
                       "given: ");
    json_array_foreach(c->bundles, i, b)
    {
        t.len = 0;
        bundle_label(&t, (long)i, iaf_rv_str(b, "spec"));
        labels[i] = keep(c, &t);
        v[i] = iaf_rv_numv(b, "flags_per_comparable_cell");
        if (i) iaf_rv_puts(&desc, "; ");
        iaf_rv_puts(&desc, labels[i]);
        iaf_rv_puts(&desc, " ");
        iaf_rv_fixed(&desc, v[i], 5);
        iaf_rv_printf(&desc, " (%.0f flags, %.0f comparable cells)", iaf_rv_numv(b, "flags"),
                      iaf_rv_numv(b, "comparable_cells"));
    }
    iaf_rv_puts(&desc, ".");
    iaf_svg_vbars vb = {"Flags per comparable cell, by bundle",
                        desc.data,
                        "flags per comparable cell",
                        nb,
                        labels,
                        v,
                        5};
    P("<figure class=\"fpc\">\n");
    iaf_svg_valuebars(&c->svg, &vb);
    figcaption(c);
    P("Flags per comparable cell (flags / cells that the bundle's checks compare), in the order "
      "the bundles were given: a rough rate, not a ranking. Compare bundles check by check "
      "below, by the floor-corrected metrics.</figcaption>\n</figure>\n</section>\n");
    iaf_free(labels);
    iaf_free(v);
    iaf_buf_free(&t);
    iaf_buf_free(&desc);
}

/* ------------------------------------------------------------ check panels */

/* One bundle's row in one facet. */
typedef struct frow {
    const json_t *row;
    int present; /* the bundle screened this metric */
    double est, lo, hi, floor, elo, ehi, thr;
    int vrank, small;
    const char *reason; /* of the worst screen */
} frow;

typedef struct facet {
    const char *metric; /* the first screen's full name */
    size_t baselen;
    frow *rows; /* one per row of the check */
    double thr[2];
    size_t nthr;
    int thr_differ; /* the bundles' thresholds differ beyond two values */
} facet;

static void add_threshold(facet *f, double t)
{
    if (!isfinite(t)) return;
    for (size_t i = 0; i < f->nthr; i++)
        if (f->thr[i] == t) return;
    if (f->nthr < 2)
        f->thr[f->nthr++] = t;
    else
        f->thr_differ = 1;
}

/* A row's screens: its "screens", or the key numbers as one screen (a
 * replication.json written before the charts existed). */
static void screens_of(const json_t *r, json_t **arr, int *single)
{
    *arr = iaf_rv_arr(r, "screens");
    *single = !*arr || !json_array_size(*arr);
}

static double snum(const json_t *s, int single, const char *key, const char *row_key)
{
    return iaf_rv_numv(s, single ? row_key : key);
}

/* Facets of a check: one per screened metric (by base name), each with one
 * entry per row. Returns the number of facets, or (size_t)-1 when out of
 * memory. */
static size_t build_facets(const json_t *const *rows, size_t nr, facet **out)
{
    facet *fs = NULL;
    size_t nf = 0, cap = 0;
    for (size_t i = 0; i < nr; i++) {
        json_t *arr;
        int single;
        screens_of(rows[i], &arr, &single);
        size_t ns = single ? 1 : json_array_size(arr);
        for (size_t k = 0; k < ns; k++) {
            const json_t *s = single ? rows[i] : json_array_get(arr, k);
            const char *m = iaf_rv_str(s, "metric");
            if (!m) continue;
            size_t bl = metric_base_len(m);
            size_t f = 0;
            while (f < nf && !(fs[f].baselen == bl && !strncmp(fs[f].metric, m, bl)))
                f++;
            if (f == nf) {
                if (IAF_GROW(fs, cap, nf + 1) != 0) goto oom;
                memset(&fs[nf], 0, sizeof fs[nf]);
                fs[nf].metric = m;
                fs[nf].baselen = bl;
                fs[nf].rows = iaf_calloc(nr, sizeof(frow));
                if (!fs[nf].rows) goto oom;
                nf++;
            }
            frow *fr = &fs[f].rows[i];
            const char *v = iaf_rv_str(s, "verdict");
            int vr = verdict_rank(v);
            int small = is_true(s, "too_small");
            double thr = snum(s, single, "threshold", "threshold");
            add_threshold(&fs[f], thr);
            if (!fr->present) {
                fr->present = 1;
                fr->row = rows[i];
                fr->est = snum(s, single, "estimate", "estimate");
                fr->lo = snum(s, single, "lo", "lo");
                fr->hi = snum(s, single, "hi", "hi");
                fr->floor = snum(s, single, "floor", "noise_floor");
                fr->elo = iaf_rv_numv(s, "expected_lo");
                fr->ehi = iaf_rv_numv(s, "expected_hi");
                fr->thr = thr;
                fr->vrank = vr;
                fr->small = small;
                fr->reason = iaf_rv_str(s, "reason");
            } else {
                /* the same estimate against another threshold: the worse
                 * verdict shows */
                if (vr > fr->vrank) {
                    fr->vrank = vr;
                    fr->reason = iaf_rv_str(s, "reason");
                }
                fr->small |= small;
            }
        }
    }
    for (size_t f = 0; f < nf; f++)
        for (size_t i = 0; i < nr; i++) {
            frow *fr = &fs[f].rows[i];
            if (!fr->present) fr->row = rows[i];
            /* a screen that FLAGs in spite of its floor decided: it is drawn */
            if (fr->vrank == 3) fr->small = 0;
        }
    *out = fs;
    return nf;
oom:
    for (size_t f = 0; f < nf; f++)
        iaf_free(fs[f].rows);
    iaf_free(fs);
    *out = NULL;
    return (size_t)-1;
}

static void free_facets(facet *fs, size_t nf)
{
    for (size_t f = 0; f < nf; f++)
        iaf_free(fs[f].rows);
    iaf_free(fs);
}

static void attr_names(const json_t *r, const char **ax, const char **ay)
{
    json_t *a = iaf_rv_arr(r, "attributes");
    json_t *x = json_array_get(a, 0), *y = json_array_get(a, 1);
    *ax = json_is_string(x) ? json_string_value(x) : NULL;
    *ay = json_is_string(y) ? json_string_value(y) : NULL;
}

static void sublabel(iaf_buf *t, const json_t *r)
{
    double kx = iaf_rv_numv(r, "k_x"), ky = iaf_rv_numv(r, "k_y"),
           n = iaf_rv_numv(r, "n_synthetic");
    if (kx > 0) {
        iaf_rv_printf(t, "K %.0f", kx);
        if (ky > 0) iaf_rv_printf(t, TIMES "%.0f", ky);
        iaf_rv_puts(t, MIDDOT);
    }
    iaf_rv_puts(t, "n ");
    iaf_rv_count(t, n);
}

/* 0 ok, -1 out of memory. Longer than 150 lines: the facets and their rows are built
 * in one pass over the bundles; not split in this pass. */
static int forest_figure(rctx *c, const char *id, const json_t *const *rows, size_t nr)
{
    facet *fs = NULL;
    size_t nf = build_facets(rows, nr, &fs);
    if (nf == (size_t)-1) return -1;
    if (nf == 0) {
        P("<p class=\"note\">No screened metric: nothing to plot.</p>\n");
        return 0;
    }
    const char *ax, *ay;
    attr_names(rows[0], &ax, &ay);
    iaf_svg_forest_facet *ff = iaf_calloc(nf, sizeof *ff);
    iaf_svg_forest_row *fr = iaf_calloc(nf * nr, sizeof *fr);
    iaf_buf t = {0}, desc = {0};
    int rc = 0, any_small = 0, any_differ = 0;
    if (!ff || !fr) {
        rc = -1;
        goto done;
    }
    iaf_rv_puts(&desc, "Forest plot of ");
    iaf_rv_puts(&desc, id);
    iaf_rv_printf(&desc, " over %zu bundle%s", nr, nr == 1 ? "" : "s");
    for (size_t f = 0; f < nf; f++) {
        facet *fc = &fs[f];
        int digits = iaf_rv_metric_digits(fc->metric);
        t.len = 0;
        char base[128];
        snprintf(base, sizeof base, "%.*s", (int)(fc->baselen < 127 ? fc->baselen : 127),
                 fc->metric);
        metric_label(&t, base, ax, ay);
        const char *axis = keep(c, &t);
        ff[f] =
            (iaf_svg_forest_facet){keep_n(c, base, strlen(base)), axis,  nr, fr + f * nr, fc->nthr,
                                   {fc->thr[0], fc->thr[1]},      digits};
        any_differ |= fc->thr_differ;
        iaf_rv_puts(&desc, ". ");
        iaf_rv_puts(&desc, axis);
        if (fc->nthr) {
            iaf_rv_puts(&desc, fc->nthr > 1 ? ", thresholds " : ", threshold ");
            for (size_t j = 0; j < fc->nthr; j++) {
                if (j) iaf_rv_puts(&desc, " and ");
                short_num(&desc, fc->thr[j]);
            }
        }
        iaf_rv_puts(&desc, ":");
        for (size_t i = 0; i < nr; i++) {
            const frow *x = &fc->rows[i];
            iaf_svg_forest_row *o = &fr[f * nr + i];
            const char *spec = iaf_rv_str(x->row, "bundle");
            t.len = 0;
            bundle_label(&t, bundle_index(c, spec), spec);
            o->label = keep(c, &t);
            t.len = 0;
            sublabel(&t, x->row);
            o->sublabel = keep(c, &t);
            o->est = o->lo = o->hi = o->floor = o->exp_lo = o->exp_hi = NAN;
            iaf_rv_puts(&desc, i ? "; " : " ");
            iaf_rv_puts(&desc, o->label);
            iaf_rv_puts(&desc, " ");
            if (!x->present) {
                o->note = "not screened in this bundle";
                o->tip = o->note;
                iaf_rv_puts(&desc, "not screened");
                continue;
            }
            o->floor = x->floor;
            o->exp_lo = x->elo;
            o->exp_hi = x->ehi;
            o->verdict = rank_verdict(x->vrank);
            o->vtext = o->verdict ? o->verdict : "not screened";
            /* the hover text: every number and the reason */
            t.len = 0;
            iaf_rv_puts(&t, o->label);
            iaf_rv_puts(&t, ": ");
            iaf_rv_puts(&t, axis);
            iaf_rv_puts(&t, " ");
            iaf_rv_fixed(&t, x->est, digits);
            if (isfinite(x->lo) && isfinite(x->hi)) {
                iaf_rv_puts(&t, " ");
                iaf_rv_interval_text(&t, x->lo, x->hi, digits);
            }
            if (isfinite(x->floor)) {
                iaf_rv_puts(&t, ", noise floor ");
                iaf_rv_fixed(&t, x->floor, digits);
            }
            if (isfinite(x->elo) && isfinite(x->ehi)) {
                iaf_rv_puts(&t, ", expected ");
                iaf_rv_interval_text(&t, x->elo, x->ehi, digits);
            }
            if (isfinite(x->thr)) {
                iaf_rv_puts(&t, ", threshold ");
                short_num(&t, x->thr);
            }
            iaf_rv_printf(&t, "; %s", o->vtext);
            if (x->reason) {
                iaf_rv_puts(&t, ": ");
                iaf_rv_puts(&t, x->reason);
            }
            o->tip = keep(c, &t);
            /* the same numbers in the description, shorter */
            if (x->small) {
                any_small = 1;
                t.len = 0;
                iaf_rv_puts(&t, "too small to decide: floor ");
                iaf_rv_fixed(&t, x->floor, 3);
                if (isfinite(x->thr)) {
                    iaf_rv_puts(&t, GEQ "threshold ");
                    short_num(&t, x->thr);
                }
                o->note = keep(c, &t);
                iaf_rv_puts(&desc, o->note);
                iaf_rv_puts(&desc, " (no estimate drawn)");
                continue;
            }
            o->est = x->est;
            o->lo = x->lo;
            o->hi = x->hi;
            iaf_rv_fixed(&desc, x->est, digits);
            if (isfinite(x->lo) && isfinite(x->hi)) {
                iaf_rv_puts(&desc, " ");
                iaf_rv_interval_text(&desc, x->lo, x->hi, digits);
            }
            if (isfinite(x->floor)) {
                iaf_rv_puts(&desc, ", floor ");
                iaf_rv_fixed(&desc, x->floor, digits);
            }
            iaf_rv_puts(&desc, ", ");
            iaf_rv_puts(&desc, o->vtext);
        }
    }
    iaf_rv_puts(&desc, ".");
    t.len = 0;
    iaf_rv_puts(&t, "Forest plot: ");
    iaf_rv_puts(&t, id);
    iaf_rv_puts(&t, " across bundles");
    iaf_svg_forest_plot fp = {t.data, desc.data, nf, ff};
    P("<figure class=\"forest\">\n");
    iaf_svg_forest(&c->svg, &fp);
    figcaption(c);
    P("By bundle: ");
    for (size_t f = 0; f < nf; f++) {
        if (f) P(f + 1 == nf ? " and " : ", ");
        txt(c, ff[f].axis);
    }
    P(". Dot and word: that metric's screen verdict.");
    if (any_small)
        P(" No dot where the noise floor reaches the threshold: that sample is too small for its "
          "estimate to decide anything.");
    if (any_differ)
        P(" The bundles' thresholds differ; the chart shows two of them (each row's own is in its "
          "hover text).");
    P("</figcaption>\n</figure>\n");
done:
    iaf_free(ff);
    iaf_free(fr);
    free_facets(fs, nf);
    iaf_buf_free(&t);
    iaf_buf_free(&desc);
    return rc;
}

/* The IAF signatures of a joint check, one point per bundle; too-small
 * samples are named instead of drawn. 0 ok, -1 out of memory. */
static int signature_figure(rctx *c, const char *id, const json_t *const *rows, size_t nr)
{
    iaf_svg_sig_point *pts = iaf_calloc(nr, sizeof *pts);
    iaf_buf t = {0}, desc = {0}, left = {0};
    size_t np = 0;
    double fthr = NAN, rthr = NAN;
    if (!pts) return -1;
    for (size_t i = 0; i < nr; i++) {
        const json_t *r = rows[i];
        double ret, fp;
        long bi = bundle_index(c, iaf_rv_str(r, "bundle"));
        t.len = 0;
        bundle_label(&t, bi, iaf_rv_str(r, "bundle"));
        const char *label = keep(c, &t);
        json_t *st = iaf_rv_obj(r, "signature_thresholds");
        if (isnan(fthr)) fthr = iaf_rv_numv(st, "footprint");
        if (isnan(rthr)) rthr = iaf_rv_numv(st, "retention");
        int small = is_true(r, "too_small");
        json_t *scr = iaf_rv_arr(r, "screens");
        size_t k;
        json_t *s;
        json_array_foreach(scr, k, s) small |= is_true(s, "too_small");
        /* the signature is (retention, footprint_dep); older files have footprint only */
        const char *fk = json_object_get(r, "footprint_dep") ? "footprint_dep" : "footprint";
        if (!iaf_rv_num(r, "retention", &ret) || !iaf_rv_num(r, fk, &fp) || small) {
            if (left.len) iaf_rv_puts(&left, "; ");
            iaf_rv_puts(&left, label);
            iaf_rv_puts(&left,
                        small ? " (too small to decide)" : " (no dependence in the reference)");
            continue;
        }
        iaf_svg_sig_point *p = &pts[np++];
        p->label = label;
        t.len = 0;
        if (bi >= 0) iaf_rv_printf(&t, "%ld", bi + 1);
        p->mark = bi >= 0 ? keep(c, &t) : NULL;
        p->verdict = iaf_rv_str(r, "verdict");
        p->retention = ret;
        p->footprint = fp;
        p->ret_lo = iaf_rv_numv(r, "retention_lo");
        p->ret_hi = iaf_rv_numv(r, "retention_hi");
        p->fp_lo = iaf_rv_numv(r, strcmp(fk, "footprint") ? "footprint_dep_lo" : "footprint_lo");
        p->fp_hi = iaf_rv_numv(r, strcmp(fk, "footprint") ? "footprint_dep_hi" : "footprint_hi");
    }
    if (!np) {
        P("<p class=\"note\">No IAF signature drawn: ");
        txt(c, left.data ? left.data : "no bundle has retention and footprint");
        P(".</p>\n");
        goto done;
    }
    if (isnan(fthr)) fthr = 0.5;
    if (isnan(rthr)) rthr = 0.5;
    iaf_rv_puts(&desc, "IAF signatures of ");
    iaf_rv_puts(&desc, id);
    iaf_rv_puts(&desc, ", one point per bundle (numbered as in the bundle table, coloured by the "
                       "check's verdict) over the regions faithful (footprint below ");
    short_num(&desc, fthr);
    iaf_rv_puts(&desc, "), flattened (retention below ");
    short_num(&desc, rthr);
    iaf_rv_puts(&desc, "), distorted (footprint above 1) and exaggerated (retention above 1.5):");
    for (size_t i = 0; i < np; i++) {
        iaf_rv_puts(&desc, i ? "; " : " ");
        iaf_rv_puts(&desc, pts[i].label);
        iaf_rv_puts(&desc, " retention ");
        iaf_rv_fixed(&desc, pts[i].retention, 3);
        iaf_rv_puts(&desc, ", footprint ");
        iaf_rv_fixed(&desc, pts[i].footprint, 3);
        iaf_rv_puts(&desc, ", ");
        iaf_rv_puts(&desc, pts[i].verdict ? pts[i].verdict : "not screened");
    }
    iaf_rv_puts(&desc, ".");
    iaf_svg_sigs sg = {
        "IAF signatures by bundle: retention and footprint", desc.data, np, pts, fthr, rthr};
    P("<figure class=\"sig\">\n");
    iaf_svg_signatures(&c->svg, &sg);
    figcaption(c);
    P("IAF signature of each bundle (the number is the bundle's; colour = the check's verdict), "
      "with 95% intervals: retention (dependence kept) across, footprint (conditional error "
      "relative to independence) up.");
    if (left.len) {
        P(" Not drawn: ");
        txt(c, left.data);
        P(".");
    }
    P("</figcaption>\n</figure>\n");
done:
    iaf_free(pts);
    iaf_buf_free(&t);
    iaf_buf_free(&desc);
    iaf_buf_free(&left);
    return 0;
}

static int check_panel(rctx *c, const char *id)
{
    size_t nrows = json_array_size(c->rows), nr = 0, i;
    const json_t **rows = iaf_calloc(nrows ? nrows : 1, sizeof *rows);
    json_t *r;
    if (!rows) return -1;
    json_array_foreach(c->rows, i, r)
    {
        const char *k = iaf_rv_str(r, "check");
        if (k && !strcmp(k, id)) rows[nr++] = r;
    }
    if (!nr) {
        iaf_free(rows);
        return 0;
    }
    const json_t *first = rows[0];
    const char *kind = iaf_rv_str(first, "kind"), *title = iaf_rv_str(first, "title");
    const char *ax, *ay;
    attr_names(first, &ax, &ay);
    P("<section class=\"check\" id=\"");
    iaf_rv_anchor(c->out, "check-", id);
    P("\" data-check=\"");
    txt(c, id);
    PF("\" data-bundles=\"%zu\">\n<h3>", nr);
    ltxt(c, id);
    P(" <small>");
    txt(c, kind ? kind : "");
    P(" check</small></h3>\n");
    if (title) {
        P("<p>");
        ltxt(c, title);
        P("</p>\n");
    }
    size_t nb = json_array_size(c->bundles);
    P("<p class=\"note\">");
    if (ax) {
        ltxt(c, ax);
        if (ay) {
            P(TIMES);
            ltxt(c, ay);
        }
        P("; ");
    }
    PF("in %zu of %zu bundle%s", nr, nb, nb == 1 ? "" : "s");
    if (nr < nb) {
        /* bundles without this check id */
        P(" (not in ");
        int first_missing = 1;
        json_t *b;
        json_array_foreach(c->bundles, i, b)
        {
            const char *spec = iaf_rv_str(b, "spec");
            int has = 0;
            for (size_t k = 0; k < nr && !has; k++) {
                const char *s = iaf_rv_str(rows[k], "bundle");
                has = s && spec && !strcmp(s, spec);
            }
            if (has) continue;
            if (!first_missing) P(", ");
            first_missing = 0;
            P("<code>");
            ltxt(c, spec);
            P("</code>");
        }
        P(")");
    }
    P(".</p>\n<ul class=\"bverdicts\">\n");
    for (size_t k = 0; k < nr; k++) {
        iaf_buf t = {0};
        bundle_label(&t, bundle_index(c, iaf_rv_str(rows[k], "bundle")),
                     iaf_rv_str(rows[k], "bundle"));
        P("<li>");
        ltxt(c, t.data);
        P(": ");
        verdict_cell(c, rows[k]);
        P("</li>\n");
        iaf_buf_free(&t);
    }
    P("</ul>\n<div class=\"charts\">\n");
    int rc = forest_figure(c, id, rows, nr);
    if (!rc && iaf_rk_of(kind)->signature) rc = signature_figure(c, id, rows, nr);
    P("</div>\n</section>\n");
    iaf_free(rows);
    iaf_arena_free(&c->arena);
    return rc;
}

/* The check x bundle table, as replication.md has it. */
static void rows_table(rctx *c)
{
    size_t i;
    json_t *r;
    const char *prev = NULL;
    P("<section id=\"table\">\n<h2>Checks by bundle</h2>\n<div class=\"scroll\"><table "
      "class=\"rows\">\n"
      "<thead><tr><th scope=\"col\">bundle</th><th scope=\"col\" class=\"num\">K</th>"
      "<th scope=\"col\" class=\"num\">n</th><th scope=\"col\">metric</th><th scope=\"col\" "
      "class=\"num\">estimate [95% interval]</th><th scope=\"col\" class=\"num\">floor</th>"
      "<th scope=\"col\" class=\"num\">estimate "
      "\xE2\x88\x92"
      " floor</th><th scope=\"col\" "
      "class=\"num\">threshold</th><th scope=\"col\">verdict</th></tr></thead>\n");
    json_array_foreach(c->rows, i, r)
    {
        const char *id = iaf_rv_str(r, "check"), *spec = iaf_rv_str(r, "bundle");
        int same = i > 0 && ((!prev && !id) || (prev && id && !strcmp(prev, id)));
        prev = id;
        if (!same) {
            /* one row group per check, headed by its name */
            if (i) P("</tbody>\n");
            P("<tbody>\n<tr><th scope=\"rowgroup\" colspan=\"9\" class=\"check\">");
            if (id) {
                P("<a href=\"#");
                iaf_rv_anchor(c->out, "check-", id);
                P("\">");
                ltxt(c, id);
                P("</a>");
            } else {
                P(DASH);
            }
            P("</th></tr>\n");
        }
        P("<tr class=\"row\">");
        long bi = bundle_index(c, spec);
        P("<td><code>");
        if (bi >= 0) PF("%ld" MIDDOT, bi + 1);
        ltxt(c, spec);
        P("</code></td><td class=\"num\">");
        double kx = iaf_rv_numv(r, "k_x"), ky = iaf_rv_numv(r, "k_y");
        if (kx > 0) {
            PF("%.0f", kx);
            if (ky > 0) PF(TIMES "%.0f", ky);
        } else {
            P(DASH);
        }
        P("</td>");
        td_count(c, iaf_rv_numv(r, "n_synthetic"));
        P("<td class=\"metric\">");
        const char *m = iaf_rv_str(r, "metric");
        txt(c, m ? m : DASH);
        P("</td><td class=\"num\">");
        iaf_rv_fixed(c->out, iaf_rv_numv(r, "estimate"), 4);
        double lo = iaf_rv_numv(r, "lo"), hi = iaf_rv_numv(r, "hi");
        if (isfinite(lo) && isfinite(hi)) {
            P(" ");
            iaf_rv_interval_text(c->out, lo, hi, 4);
        }
        P("</td>");
        td_num(c, iaf_rv_numv(r, "noise_floor"), "%.4f");
        double fc = floor_corrected(r);
        if (isfinite(fc)) {
            P("<td class=\"num\">");
            iaf_rv_signed(c->out, fc, 4);
            P("</td>");
        } else {
            P("<td class=\"num\">" DASH "</td>");
        }
        P("<td class=\"num\">");
        short_num(c->out, iaf_rv_numv(r, "threshold"));
        P("</td><td>");
        verdict_cell(c, r);
        P("</td></tr>\n");
    }
    if (json_array_size(c->rows)) P("</tbody>\n");
    P("</table></div>\n<p class=\"note\">K: reference categories of each attribute; "
      "n: synthetic records in the universe (for a rule, the rows meeting its condition). The "
      "metric is the one that decided the verdict (the worst screen; the first on ties). "
      "estimate "
      "\xE2\x88\x92"
      " floor is the floor-corrected value: above 0, more than "
      "sampling alone explains.</p>\n</section>\n");
}

static void reproducibility(rctx *c)
{
    const json_t *doc = c->doc;
    P("<section id=\"reproducibility\">\n<h2>Reproducibility</h2>\n<dl class=\"meta\">\n"
      "<dt>iaf version</dt><dd>");
    ltxt(c, iaf_rv_str(doc, "iaf_version"));
    P("</dd>\n<dt>Command line</dt><dd><code>");
    const char *cmd = iaf_rv_str(doc, "command_line");
    ltxt(c, cmd ? cmd : "unknown");
    P("</code></dd>\n<dt>Bootstrap</dt><dd>");
    json_t *seed = json_object_get(doc, "seed");
    double bb;
    if (iaf_rv_num(doc, "bootstrap_b", &bb)) {
        P("B = ");
        iaf_rv_count(c->out, bb);
    } else {
        P("B unknown");
    }
    P(", seed ");
    if (json_is_integer(seed))
        PF("%lld", (long long)json_integer_value(seed));
    else if (json_is_string(seed))
        txt(c, json_string_value(seed));
    else
        P("unknown");
    P(", 95% basic intervals</dd>\n<dt>Schema</dt><dd><code>" IAF_REPLICATION_SCHEMA
      "</code> (replication.json next to this page)</dd>\n</dl>\n");
    size_t i;
    json_t *b;
    P("<div class=\"scroll\"><table class=\"specs\"><caption>Bundle specs</caption>\n<thead><tr>"
      "<th scope=\"col\" class=\"num\">#</th><th scope=\"col\">spec</th><th scope=\"col\">name"
      "</th><th scope=\"col\">SHA-256 of the spec</th></tr></thead>\n<tbody>\n");
    json_array_foreach(c->bundles, i, b)
    {
        PF("<tr><td class=\"num\">%zu</td><td><code>", i + 1);
        ltxt(c, iaf_rv_str(b, "spec"));
        P("</code></td><td>");
        ltxt(c, iaf_rv_str(b, "name"));
        P("</td><td class=\"mono\">");
        const char *sha = iaf_rv_str(b, "spec_sha256");
        txt(c, sha ? sha : DASH);
        P("</td></tr>\n");
    }
    P("</tbody>\n</table></div>\n<p class=\"note\">Each bundle's own <code>iaf audit</code> "
      "report (every input's SHA-256, thresholds, provenance) is the place for the details of "
      "one bundle.</p>\n</section>\n");
}

iaf_status iaf_replication_html(const char *json, size_t n, iaf_buf *out, iaf_error *err)
{
    json_t *doc = NULL;
    iaf_status st = load(json, n, &doc, err);
    if (st != IAF_OK) return st;
    iaf_rv_oom_reset();
    rctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.out = out;
    ctx.svg.out = out;
    ctx.doc = doc;
    ctx.bundles = iaf_rv_arr(doc, "bundles");
    ctx.rows = iaf_rv_arr(doc, "rows");
    rctx *c = &ctx;
    /* absent lists render as empty ones */
    json_t *empty = json_array();
    if (!empty) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory rendering HTML");
        goto done;
    }
    if (!ctx.bundles) ctx.bundles = empty;
    if (!ctx.rows) ctx.rows = empty;
    if (collect_ids(c) != 0) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory rendering HTML");
        goto done;
    }
    size_t nb = json_array_size(ctx.bundles);
    P("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"iaf\">\n");
    PF("<title>IAF replication: %zu bundle%s, %zu check%s</title>\n<style>\n", nb,
       nb == 1 ? "" : "s", c->nids, c->nids == 1 ? "" : "s");
    P(css);
    for (int w = 8; w <= 32; w++)
        PF(".w%d{max-width:%dpx}", w, w * 40);
    P("\n</style>\n</head>\n<body>\n");
    header(c);
    toc(c);
    P("<main>\n");
    bundles_section(c);
    P("<section id=\"checks\">\n<h2>Checks</h2>\n<p>One panel per check id, one row per bundle "
      "that ran it. The <strong>forest plot</strong> has a block per screened metric: the "
      "estimate (dot) with its 95% basic bootstrap interval (line; a basic interval need not "
      "contain the estimate, METHOD.md section 6.2), grey up to the noise floor (what sampling "
      "alone produces: an estimate inside it is indistinguishable from a second sample of the "
      "reference) and the threshold (dashed red). Dot and word give that metric's screen verdict; "
      "the check's verdict, listed above the plot, is the worst of its screens. A bundle whose "
      "noise floor reaches the threshold gets a note instead of a dot: its sample is too small to "
      "decide, and a dot would invite a comparison it cannot support. Joint checks add the "
      "<strong>IAF signature</strong> of every bundle (numbered as in the bundle table).</p>\n");
    if (!c->nids) P("<p>No checks.</p>\n");
    for (size_t k = 0; k < c->nids; k++)
        if (check_panel(c, c->ids[k]) != 0) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory rendering HTML");
            goto done;
        }
    P("</section>\n");
    rows_table(c);
    reproducibility(c);
    P("</main>\n<footer><p class=\"note\">Rendered by iaf ");
    txt(c, iaf_rv_str(doc, "iaf_version") ? iaf_rv_str(doc, "iaf_version") : "");
    P(" from replication.json (schema " IAF_REPLICATION_SCHEMA "). The page is self-contained: "
      "no script, nothing fetched.</p></footer>\n</body>\n</html>\n");
    if (iaf_rv_oom_failed() || c->oom)
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory rendering HTML");
done:
    iaf_arena_free(&ctx.arena);
    iaf_free(ctx.ids);
    json_decref(empty);
    json_decref(doc);
    return st;
}
