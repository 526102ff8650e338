/* src/report/html.c - report.html from report.json; see html.h.
 *
 * The page follows the issue's order: headline (one table per kind of
 * check, marginal before joint), one panel per check, provenance,
 * reproducibility. Large taxonomies are folded to the categories that
 * contribute most plus one "rest" row, so the page stays readable at
 * 2,000+ categories; cells.csv keeps every cell. */
#include "report/html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/html_int.h"
#include "report/rkinds.h"
#include "report/rview.h"
#include "report/svg.h"
#include "util/util.h"

/* s cut to at most max characters, with an ellipsis. Characters are
 * counted as written, entities at their full length (validators measure
 * the source text). */
static void title_text(hctx *c, const char *s, size_t max)
{
    size_t cost = 0, i = 0, cut = 0, total = 0;
    for (size_t k = 0; s[k]; k++) {
        unsigned char ch = (unsigned char)s[k];
        if ((ch & 0xC0) == 0x80) continue;
        total += ch == '&' ? 5 : ch == '<' || ch == '>' ? 4 : ch == '"' ? 6 : ch == '\'' ? 5 : 1;
    }
    if (total <= max) {
        iaf_svg_escape(c->out, s);
        return;
    }
    for (; s[i]; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch & 0xC0) == 0x80) continue;
        size_t w = ch == '&' ? 5 : ch == '<' || ch == '>' ? 4 : ch == '"' ? 6 : ch == '\'' ? 5 : 1;
        if (cost + w > max - 1) break;
        cost += w;
        cut = i + 1;
        while (s[cut] && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut++;
    }
    iaf_svg_escape_n(c->out, s, cut);
    P("\xE2\x80\xA6");
}

/* ------------------------------------------------------------ the cells */

typedef struct grid {
    size_t nx, ny;
    const char **xl, **yl; /* borrowed from the document */
    size_t capx, capy;
    double *s, *r, *lo, *hi; /* nx * ny; NAN where the report has no cell */
    const char **state;      /* NULL = compared */
    int has_y;
    iaf_strmap mx, my;
    char **owned; /* nx + ny: "code title" labels that replaced a code, or NULL */
} grid;

static void grid_free(grid *g)
{
    iaf_free(g->xl);
    iaf_free(g->yl);
    iaf_free(g->s);
    iaf_free(g->r);
    iaf_free(g->lo);
    iaf_free(g->hi);
    iaf_free((void *)g->state);
    for (size_t i = 0; g->owned && i < g->nx + g->ny; i++)
        iaf_free(g->owned[i]);
    iaf_free(g->owned);
    iaf_strmap_free(&g->mx);
    iaf_strmap_free(&g->my);
    memset(g, 0, sizeof *g);
}

static const char *cell_label(const json_t *cell, const char *key)
{
    const char *s = iaf_rv_str(cell, key);
    return s ? s : "(missing)";
}

static int intern(iaf_strmap *m, const char ***labels, size_t *cap, size_t *n, const char *s)
{
    size_t before = iaf_strmap_size(m);
    int64_t id = iaf_strmap_intern(m, s, strlen(s));
    if (id < 0) return -1;
    if (iaf_strmap_size(m) > before) {
        if (IAF_GROW(*labels, *cap, *n + 1) != 0) return -1;
        (*labels)[(*n)++] = s;
    }
    return 0;
}

/* The difference interval of a cell in pp, if the report has one. */
static int cell_interval(const json_t *cell, double *lo, double *hi)
{
    return iaf_rv_interval(cell, "diff_pp", lo, hi) || iaf_rv_interval(cell, "diff", lo, hi);
}

/* 0 ok, 1 nothing to show, -1 out of memory */
static int grid_build(grid *g, const json_t *cells)
{
    memset(g, 0, sizeof *g);
    size_t i;
    json_t *cell;
    if (!json_is_array(cells) || json_array_size(cells) == 0) return 1;
    json_array_foreach(cells, i, cell)
    {
        if (intern(&g->mx, &g->xl, &g->capx, &g->nx, cell_label(cell, "x")) != 0) return -1;
        if (json_object_get(cell, "y")) {
            g->has_y = 1;
            if (intern(&g->my, &g->yl, &g->capy, &g->ny, cell_label(cell, "y")) != 0) return -1;
        }
    }
    if (!g->has_y) {
        static const char *const one = "";
        g->ny = 1;
        g->yl = iaf_malloc(sizeof *g->yl);
        if (!g->yl) return -1;
        g->yl[0] = one;
    }
    if (g->nx > MAX_GRID / g->ny) return 1;
    size_t n = g->nx * g->ny;
    g->s = iaf_malloc(n * sizeof *g->s);
    g->r = iaf_malloc(n * sizeof *g->r);
    g->lo = iaf_malloc(n * sizeof *g->lo);
    g->hi = iaf_malloc(n * sizeof *g->hi);
    g->state = iaf_calloc(n, sizeof *g->state);
    if (!g->s || !g->r || !g->lo || !g->hi || !g->state) return -1;
    for (size_t k = 0; k < n; k++)
        g->s[k] = g->r[k] = g->lo[k] = g->hi[k] = NAN;
    json_array_foreach(cells, i, cell)
    {
        const char *xs = cell_label(cell, "x");
        size_t x = (size_t)iaf_strmap_find(&g->mx, xs, strlen(xs)), y = 0;
        if (g->has_y) {
            if (!json_object_get(cell, "y")) continue;
            const char *ys = cell_label(cell, "y");
            y = (size_t)iaf_strmap_find(&g->my, ys, strlen(ys));
        }
        size_t k = x * g->ny + y;
        g->s[k] = iaf_rv_numv(cell, "synthetic_share");
        g->r[k] = iaf_rv_numv(cell, "reference_share");
        const char *st = iaf_rv_str(cell, "state");
        g->state[k] = st && strcmp(st, "ok") != 0 ? st : NULL;
        double lo, hi;
        if (cell_interval(cell, &lo, &hi)) {
            g->lo[k] = lo;
            g->hi[k] = hi;
        }
    }
    return 0;
}

static int compared(const grid *g, size_t k)
{
    return !g->state[k] && isfinite(g->s[k]) && isfinite(g->r[k]);
}

/* Which categories to show: all when there are at most `limit`, else the
 * `keep` with the largest contribution (ties: first in report order), in
 * decreasing contribution, and a "rest" for the others. */
typedef struct fold {
    size_t n;     /* shown individually */
    size_t *idx;  /* their original indices, in display order */
    size_t nrest; /* folded into "rest" */
    long *pos;    /* original index -> display index (n = rest) */
    char *rest_label;
} fold;

static void fold_free(fold *f)
{
    iaf_free(f->idx);
    iaf_free(f->pos);
    iaf_free(f->rest_label);
    memset(f, 0, sizeof *f);
}

static int fold_choose(const double *contrib, size_t n, size_t limit, size_t keep, fold *f)
{
    memset(f, 0, sizeof *f);
    f->idx = iaf_malloc((n ? n : 1) * sizeof *f->idx);
    f->pos = iaf_malloc((n ? n : 1) * sizeof *f->pos);
    if (!f->idx || !f->pos) return -1;
    if (n <= limit) {
        for (size_t i = 0; i < n; i++)
            f->idx[i] = i, f->pos[i] = (long)i;
        f->n = n;
        return 0;
    }
    ranked *rk = iaf_malloc(n * sizeof *rk);
    if (!rk) return -1;
    for (size_t i = 0; i < n; i++)
        rk[i] = (ranked){isfinite(contrib[i]) ? contrib[i] : -1, i};
    qsort(rk, n, sizeof *rk, ranked_cmp);
    f->n = keep;
    f->nrest = n - keep;
    for (size_t i = 0; i < n; i++)
        f->pos[i] = (long)keep;
    for (size_t i = 0; i < keep; i++) {
        f->idx[i] = rk[i].i;
        f->pos[rk[i].i] = (long)i;
    }
    iaf_free(rk);
    iaf_buf lab = {0};
    iaf_rv_puts(&lab, "rest: ");
    iaf_rv_count(&lab, (double)f->nrest);
    iaf_rv_puts(&lab, " more categories");
    f->rest_label = lab.data;
    return lab.data ? 0 : -1;
}

/* Shares of the displayed (possibly folded) table; rows are x, or y when
 * transposed. Folded cells sum the compared cells they hold. */
typedef struct shown {
    size_t nr, nc;
    const char **rl, **cl;
    double *s, *r;
    const char **state;
} shown;

static void shown_free(shown *v)
{
    iaf_free(v->rl);
    iaf_free(v->cl);
    iaf_free(v->s);
    iaf_free(v->r);
    iaf_free((void *)v->state);
    memset(v, 0, sizeof *v);
}

static int shown_build(const grid *g, int transpose, const fold *fr, const fold *fc, shown *v)
{
    memset(v, 0, sizeof *v);
    v->nr = fr->n + (fr->nrest ? 1 : 0);
    v->nc = fc->n + (fc->nrest ? 1 : 0);
    v->rl = iaf_malloc(v->nr * sizeof *v->rl);
    v->cl = iaf_malloc(v->nc * sizeof *v->cl);
    v->s = iaf_calloc(v->nr * v->nc, sizeof *v->s);
    v->r = iaf_calloc(v->nr * v->nc, sizeof *v->r);
    v->state = iaf_calloc(v->nr * v->nc, sizeof *v->state);
    size_t *cnt = iaf_calloc(v->nr * v->nc, sizeof *cnt);
    if (!v->rl || !v->cl || !v->s || !v->r || !v->state || !cnt) {
        iaf_free(cnt);
        return -1;
    }
    const char **rows = transpose ? g->yl : g->xl, **cols = transpose ? g->xl : g->yl;
    for (size_t i = 0; i < fr->n; i++)
        v->rl[i] = rows[fr->idx[i]];
    if (fr->nrest) v->rl[fr->n] = fr->rest_label;
    for (size_t j = 0; j < fc->n; j++)
        v->cl[j] = cols[fc->idx[j]];
    if (fc->nrest) v->cl[fc->n] = fc->rest_label;
    for (size_t x = 0; x < g->nx; x++)
        for (size_t y = 0; y < g->ny; y++) {
            size_t k = x * g->ny + y;
            size_t i = (size_t)(transpose ? fr->pos[y] : fr->pos[x]);
            size_t j = (size_t)(transpose ? fc->pos[x] : fc->pos[y]);
            size_t d = i * v->nc + j;
            int single = (i < fr->n) && (j < fc->n);
            if (compared(g, k)) {
                v->s[d] += g->s[k];
                v->r[d] += g->r[k];
                cnt[d]++;
            } else if (single) {
                v->state[d] = g->state[k] ? g->state[k] : "absent";
            }
        }
    for (size_t d = 0; d < v->nr * v->nc; d++)
        if (!cnt[d]) {
            v->s[d] = v->r[d] = NAN;
            if (!v->state[d]) v->state[d] = "absent";
        }
    iaf_free(cnt);
    return 0;
}

/* ------------------------------------------------------------- the page */

static const char css[] = IAF_RV_CSS_BASE
    "h3{font-size:1.12rem;margin:0 0 .4rem}h4{font-size:.98rem;margin:1.2rem 0 .4rem}\n"
    "p{margin:.4rem "
    "0}.muted,.note{color:var(--muted)}small{font-weight:normal;color:var(--muted)}\n"
    "a{color:#2b6cb0}code,.mono{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,"
    "monospace;font-size:.88em}td.mono{word-break:break-all;min-width:12em}\n"
    "pre{white-space:pre-wrap;word-break:break-all;background:var(--bg-soft);padding:.5rem .7rem;"
    "border:1px solid var(--line)}\n"
    "nav.toc{font-size:.9rem;background:var(--bg-soft);border:1px solid var(--line);"
    "padding:.4rem .8rem;margin:1rem 0}nav.toc ol{margin:.2rem 0;padding-left:1.3rem;"
    "columns:2 18rem}\n"
    "table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem}caption{text-align:left;"
    "font-weight:600;padding:.2rem 0}\n"
    "th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;"
    "vertical-align:top}th{background:var(--bg-soft)}td.num,th.num{text-align:right;"
    "font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tfoot td{font-style:italic;color:var(--muted)}\n"
    "th button.sort{all:inherit;cursor:pointer;padding:0}th button.sort::after{content:\" \\2195\";"
    "color:#a0aec0}\n"
    "th[aria-sort=ascending] button.sort::after{content:\" \\2191\"}"
    "th[aria-sort=descending] button.sort::after{content:\" \\2193\"}\n"
    ".v{display:inline-block;white-space:nowrap;padding:0 "
    ".45rem;border-radius:.25rem;font-weight:700;"
    "font-size:.8rem;letter-spacing:.02em;border:1px solid}\n"
    ".v-pass{background:#e6f4ea;color:#1e5631;border-color:#9ccfab}"
    ".v-flag{background:#fde2e2;color:#8a1c1c;border-color:#f1a1a1}\n"
    ".v-inconclusive{background:#fff4d6;color:#7a4d00;border-color:#f0c36d}"
    ".v-pending,.v-other{background:#edf2f7;color:#4a5568;border-color:#cbd5e0}\n"
    "section.check{border-top:1px solid var(--line);padding-top:1rem;margin-top:1.6rem}\n"
    ".verdict{border-left:4px solid var(--line);background:var(--bg-soft);padding:.4rem .8rem;"
    "margin:.6rem 0}\n"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0;"
    "font-size:.92rem}dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}\n"
    "figure{margin:.6rem 0 1rem}figcaption{font-size:.85rem;color:var(--muted);max-width:60rem}\n"
    "svg.chart{display:block;max-width:100%;height:auto;overflow:visible}\n"
    "svg.chart text{fill:var(--fg)}svg.chart text.axis{font-weight:600}"
    "svg.chart text.note{fill:var(--muted)}svg.chart text.region{fill:var(--muted);"
    "font-style:italic}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:0 2.5rem;align-items:flex-start}"
    ".charts>figure{flex:0 1 auto;min-width:0}\n"
    "blockquote{margin:.4rem 0 .4rem 0;padding:.2rem .8rem;border-left:3px solid var(--line);"
    "color:#2d3748}\n"
    ".scroll{overflow-x:auto}\n"
    "@page{size:A4;margin:14mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:10pt}nav.toc{display:none}"
    "a{color:inherit;text-decoration:none}section.check{break-before:page;border-top:none}"
    "figure,svg.chart,tr,.verdict{break-inside:avoid}th button.sort::after{content:none}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}.scroll{overflow:visible}}\n";

/* Layout: the page as wide as the window up to a readable maximum, nothing
 * wider than the window (a wide table scrolls inside its own box), ids and
 * badges never broken, large sections folded (printed open). After the base
 * sheet, so that its narrow-screen rules win. */
static const char css_layout[] =
    /* nothing wider than the window: a wide table scrolls inside its own box */
    "main table{display:block;overflow-x:auto;max-width:100%}main p,.answers li{max-width:100ch}\n"
    "dd{min-width:0;overflow-wrap:anywhere}a.url{overflow-wrap:anywhere;word-break:break-all}\n"
    /* a flex item is as wide as its content unless allowed to shrink */
    ".charts>div{flex:0 1 auto;min-width:0;max-width:100%}\n"
    /* a check id longer than a narrow window wraps in its heading, nowhere else */
    "section.check>h3{overflow-wrap:anywhere}\n"
    "table.headline td:first-child{white-space:nowrap}.answers{padding-left:1.2rem}.answers "
    "li{margin:.35rem 0}a.more{white-space:nowrap}\n"
    "details.more{margin:.5rem 0}details.more>summary{cursor:pointer;color:#2b6cb0;"
    "font-weight:600;padding:.2rem 0}\n"
    "svg.overview{display:block;overflow:visible}svg.overview text{fill:var(--fg)}"
    "svg.overview text.axis{font-weight:600}svg.overview text.note{fill:var(--muted)}"
    "svg.overview a text{fill:#2b6cb0}figure.overview figcaption{max-width:none}\n"
    "@media (max-width:640px){body{padding:1rem .75rem 2rem;font-size:14px}"
    "dl.meta{grid-template-columns:minmax(0,1fr)}h3{font-size:1rem}}\n"
    "@media print{main table{display:table;overflow:visible}details.more>summary{display:none}"
    "details::details-content{content-visibility:visible;display:block}}\n";

/* Sorting only: the page is complete without it. Buttons are added here so
 * that a page without scripts has no dead controls. */
static const char js[] =
    "(function(){\n"
    "function key(r,i){var c=r.cells[i];if(!c)return '';var v=c.getAttribute('data-v');"
    "return v!==null&&v!==''?parseFloat(v):c.textContent;}\n"
    "document.querySelectorAll('table.sortable').forEach(function(t){\n"
    "var ths=t.querySelectorAll('thead th');\n"
    "ths.forEach(function(th,i){var b=document.createElement('button');b.type='button';"
    "b.className='sort';while(th.firstChild)b.appendChild(th.firstChild);th.appendChild(b);\n"
    "b.addEventListener('click',function(){var body=t.tBodies[0];"
    "var rows=Array.prototype.slice.call(body.rows);\n"
    "var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;\n"
    "ths.forEach(function(h){h.removeAttribute('aria-sort');});"
    "th.setAttribute('aria-sort',dir>0?'ascending':'descending');\n"
    "rows.sort(function(a,b){var x=key(a,i),y=key(b,i);"
    "if(typeof x==='number'&&typeof y==='number')return (x-y)*dir;"
    "if(typeof x==='number')return -1;if(typeof y==='number')return 1;"
    "return String(x).localeCompare(String(y))*dir;});\n"
    "rows.forEach(function(r){body.appendChild(r);});});});});\n"
    "window.addEventListener('beforeprint',function(){"
    "document.querySelectorAll('details').forEach(function(d){d.open=true;});});\n"
    "})();\n";

static void head_section(hctx *c)
{
    const json_t *doc = c->doc;
    const char *name = iaf_rv_str(doc, "name");
    const char *desc = iaf_rv_str(doc, "description");
    json_t *ds = iaf_rv_obj(doc, "dataset");
    P("<header>\n<p class=\"muted\">Independence-Assumption Footprint audit</p>\n<h1>");
    ltxt_or(c, name, "IAF audit");
    P("</h1>\n");
    if (desc) {
        P("<p>");
        ltxt(c, desc);
        P("</p>\n");
    }
    if (ds) {
        const char *t = iaf_rv_str(ds, "title"), *u = iaf_rv_str(ds, "url"),
                   *l = iaf_rv_str(ds, "licence");
        double rows;
        P("<p><strong>Dataset:</strong> ");
        ltxt_or(c, t, "(untitled)");
        if (u) {
            P(" &lt;");
            url_link(c, u);
            P("&gt;");
        }
        if (l) {
            P("; licence: ");
            ltxt(c, l);
        }
        if (iaf_rv_num(ds, "microdata_rows", &rows) && rows > 0) {
            P("; microdata rows: ");
            iaf_rv_count(c->out, rows);
        }
        P(".</p>\n");
    }
    P("</header>\n");
}

static void toc(hctx *c)
{
    json_t *checks = iaf_rv_arr(c->doc, "checks");
    size_t i;
    json_t *k;
    P("<nav class=\"toc\" aria-label=\"Contents\"><strong>Contents</strong>\n<ol>\n");
    if (c->model->nanswers) P("<li><a href=\"#answer\">The answer</a></li>\n");
    if (json_array_size(iaf_rv_arr(c->doc, "claims")))
        P("<li><a href=\"#claims\">Claims</a></li>\n");
    P("<li><a href=\"#headline\">Headline</a></li>\n");
    json_array_foreach(checks, i, k)
    {
        P("<li>");
        href(c, "check-", iaf_rv_str(k, "id"));
        const char *title = iaf_rv_str(k, "title");
        if (title) {
            P(" <small>");
            ltxt(c, title);
            P("</small>");
        }
        P("</li>\n");
    }
    P("<li><a href=\"#provenance\">Provenance</a></li>\n"
      "<li><a href=\"#reproducibility\">Reproducibility</a></li>\n</ol>\n</nav>\n");
}

/* The first screen: the spec's question and the model's answer sentences
 * (answer.c), each linked to its check. */
static void answer_section(hctx *c)
{
    const iaf_report_model *m = c->model;
    if (!m->nanswers) return;
    P("<section id=\"answer\">\n<h2>The answer</h2>\n");
    if (m->question) {
        P("<p class=\"question\"><strong>Question:</strong> ");
        ltxt(c, m->question);
        P("</p>\n");
    }
    P("<ul class=\"answers\">\n");
    for (size_t i = 0; i < m->nanswers; i++) {
        const iaf_rm_answer *a = &m->answers[i];
        P("<li class=\"answer\"");
        if (a->check_id) {
            P(" data-check=\"");
            txt(c, a->check_id);
            P("\"");
        }
        P(">");
        if (a->check_id) {
            badge(c, a->verdict);
            P(" ");
        }
        ltxt(c, a->text);
        if (a->check_id && a->has_check) {
            P(" <a class=\"more\" href=\"#");
            iaf_rv_anchor(c->out, "check-", a->check_id);
            P("\">details</a>");
        }
        P("</li>\n");
    }
    P("</ul>\n</section>\n");
}

/* The spec's claims (a paper's findings) with their answers on these data
 * (claims.c): report.json's "claims", near the top of the page. */
static void claims_section(hctx *c)
{
    const json_t *claims = iaf_rv_arr(c->doc, "claims");
    if (!claims || !json_array_size(claims)) return;
    P("<section id=\"claims\">\n<h2>Claims</h2>\n<div class=\"scroll\"><table class=\"claims\">"
      "\n<thead><tr><th scope=\"col\">claim</th><th scope=\"col\">answer on these data</th>"
      "<th scope=\"col\">reason</th><th scope=\"col\">checks</th></tr></thead>\n<tbody>\n");
    size_t i, j;
    json_t *cl, *id;
    json_array_foreach(claims, i, cl)
    {
        const char *outcome = iaf_rv_str(cl, "outcome"), *src = iaf_rv_str(cl, "source"),
                   *note = iaf_rv_str(cl, "note");
        P("<tr data-claim=\"");
        txt(c, iaf_rv_str(cl, "id") ? iaf_rv_str(cl, "id") : "");
        P("\"><td>");
        ltxt_or(c, iaf_rv_str(cl, "claim"), DASH);
        if (src) {
            P(" <small>(");
            ltxt(c, src);
            P(")</small>");
        }
        P("</td><td><strong class=\"outcome\">");
        ltxt_or(c, outcome, DASH);
        P("</strong></td><td>");
        ltxt_or(c, iaf_rv_str(cl, "reason"), DASH);
        if (note) {
            P("<br><small>");
            ltxt(c, note);
            P("</small>");
        }
        P("</td><td>");
        json_array_foreach(iaf_rv_arr(cl, "checks"), j, id)
        {
            if (!json_is_string(id)) continue;
            if (j) P(", ");
            href(c, "check-", json_string_value(id));
        }
        P("</td></tr>\n");
    }
    P("</tbody>\n</table></div>\n</section>\n");
}

/* One sentence per kind: how many checks, their verdicts, and the range of
 * the key number - the paper's point (marginals align, joints may not) is
 * read from these lines. */
static void headline_summary(hctx *c, int rank)
{
    const iaf_rm_tally *t = &c->model->tally[rank];
    size_t n = t->n, npass = t->pass, nflag = t->flag, ninc = t->inconclusive, npend = t->pending;
    const char *diag_names[8];
    size_t diag_n[8], ndiag = 0;
    double kmin = INFINITY, kmax = -INFINITY;
    const char *kmax_check = NULL, *kmetric = NULL;
    iaf_rv_keynum kmax_k = {0};
    for (size_t i = 0; i < c->model->nrows; i++) {
        const iaf_rm_row *h = &c->model->rows[i];
        if (h->rank != rank) continue;
        const char *v = h->verdict;
        const char *d = h->diagnosis;
        if (d && v && strcmp(v, "PASS") != 0) {
            size_t k = 0;
            while (k < ndiag && strcmp(diag_names[k], d) != 0)
                k++;
            if (k == ndiag && ndiag < 8) {
                diag_names[ndiag] = d;
                diag_n[ndiag++] = 0;
            }
            if (k < ndiag) diag_n[k]++;
        }
        const iaf_rv_keynum kn = h->key;
        if (kn.metric && isfinite(kn.est)) {
            if (!kmetric) kmetric = kn.metric;
            if (!strcmp(kmetric, kn.metric)) {
                kmin = fmin(kmin, kn.est);
                if (kn.est > kmax) {
                    kmax = kn.est;
                    kmax_check = h->check_id;
                    kmax_k = kn;
                }
            }
        }
    }
    if (!n) return;
    PF("<p class=\"summary\" data-kind=\"%s\"><strong>%s</strong> (%zu): ", iaf_rk_at(rank)->name,
       iaf_rk_at(rank)->title, n);
    int any = 0;
    if (npass) PF("%s%zu PASS", any++ ? ", " : "", npass);
    if (nflag) PF("%s%zu FLAG", any++ ? ", " : "", nflag);
    if (ninc) PF("%s%zu INCONCLUSIVE", any++ ? ", " : "", ninc);
    if (npend) PF("%s%zu without a verdict", any++ ? ", " : "", npend);
    if (ndiag) {
        P(" (");
        for (size_t k = 0; k < ndiag; k++) {
            if (k) P(", ");
            PF("%zu ", diag_n[k]);
            txt(c, diag_names[k]);
        }
        P(")");
    }
    /* a range says something only for a distance shared by the group */
    if (kmetric && isfinite(kmax) &&
        (!strcmp(kmetric, "tvd") || !strncmp(kmetric, "cond_tvd", 8))) {
        int d = iaf_rv_metric_digits(kmetric);
        P(". ");
        P(!strcmp(kmetric, "tvd") ? "TVD" : "Conditional TVD");
        /* a range has no interval; the largest value gets its own */
        if (kmin < kmax) {
            P(" from ");
            iaf_rv_fixed(c->out, kmin, d);
            P(" to ");
            iaf_rv_fixed(c->out, kmax, d);
            if (kmax_check) {
                P(" (largest: ");
                href(c, "check-", kmax_check);
                if (isfinite(kmax_k.lo) && isfinite(kmax_k.hi)) {
                    P(", ");
                    iaf_rv_fixed(c->out, kmax, d);
                    P(" ");
                    iaf_rv_interval_text(c->out, kmax_k.lo, kmax_k.hi, d);
                }
                P(")");
            }
        } else {
            P(" ");
            iaf_rv_estimate_text(c->out, kmax, kmax_k.lo, kmax_k.hi, d);
        }
    }
    P(".</p>\n");
}

static void headline(hctx *c)
{
    const iaf_report_model *m = c->model;
    P("<section id=\"headline\">\n<h2>Headline</h2>\n");
    if (!m->nrows) {
        P("<p>The report has no checks.</p>\n</section>\n");
        return;
    }
    for (int rank = 0; rank < IAF_RM_NKINDS; rank++)
        headline_summary(c, rank);
    for (int rank = 0; rank < IAF_RM_NKINDS; rank++) {
        if (!m->tally[rank].n) continue;
        PF("<div class=\"scroll\"><table class=\"headline sortable\" id=\"headline-%s\">\n"
           "<caption>%s</caption>\n<thead><tr><th scope=\"col\">check</th>"
           "<th scope=\"col\">attributes</th><th scope=\"col\">reference</th>"
           "<th scope=\"col\">universe</th><th scope=\"col\">verdict</th>"
           "<th scope=\"col\">diagnosis</th><th scope=\"col\">key number [95%% interval]</th>"
           "<th scope=\"col\" class=\"num\">noise floor</th></tr></thead>\n<tbody>\n",
           iaf_rk_at(rank)->name, iaf_rk_at(rank)->title);
        for (size_t i = 0; i < m->nrows; i++) {
            const iaf_rm_row *h = &m->rows[i];
            if (h->rank != rank) continue;
            const char *id = h->check_id;
            const char *v = h->verdict;
            P("<tr class=\"hl\" data-check=\"");
            txt(c, id);
            P("\" data-verdict=\"");
            txt(c, v ? v : "pending");
            P("\"><td>");
            if (h->check)
                href(c, "check-", id);
            else
                ltxt_or(c, id, DASH);
            P("</td>");
            td_text(c, h->attributes);
            td_text(c, h->reference);
            td_text(c, h->universe ? h->universe : "all");
            P("<td>");
            badge(c, v);
            P("</td>");
            td_text(c, h->diagnosis);
            P("<td>");
            iaf_buf t = {0};
            iaf_rv_key_text(&t, &h->key, h->ax, h->ay);
            ltxt(c, t.data);
            iaf_buf_free(&t);
            P("</td>");
            td_num(c, h->key.floor, 4);
            P("</tr>\n");
        }
        P("</tbody>\n</table></div>\n");
    }
    P("<p class=\"note\">A verdict rests on the 95% interval of each screening metric against "
      "its threshold: <strong>FLAG</strong> when the whole interval is on the failing side (and "
      "a distance is above its noise floor), <strong>PASS</strong> when it is wholly on the "
      "passing side, <strong>INCONCLUSIVE</strong> otherwise. Shares are compared over the "
      "cells both sides can be compared on; differences are synthetic minus reference.</p>\n");
    P("</section>\n");
}

/* --------------------------------------------------------- check panels */

void iaf_html_screens_table(hctx *c, const json_t *vo)
{
    json_t *screens = vo ? iaf_rv_arr(vo, "screens") : NULL;
    if (!screens || !json_array_size(screens)) return;
    P("<table class=\"screens\"><caption>Screening metrics</caption>\n<thead><tr>"
      "<th scope=\"col\">metric</th><th scope=\"col\">threshold</th>"
      "<th scope=\"col\" class=\"num\">estimate</th><th scope=\"col\" class=\"num\">95% interval"
      "</th><th scope=\"col\" class=\"num\">noise floor</th><th scope=\"col\">verdict</th>"
      "<th scope=\"col\">reason</th></tr></thead>\n<tbody>\n");
    size_t i;
    json_t *s;
    json_array_foreach(screens, i, s)
    {
        const char *m = iaf_rv_str(s, "metric");
        int dg = iaf_rv_metric_digits(m);
        P("<tr>");
        td_text(c, m);
        P("<td>");
        const char *fails = iaf_rv_str(s, "fails");
        if (fails) {
            P("fails ");
            txt(c, fails);
            P(" ");
        }
        iaf_rv_fixed(c->out, iaf_rv_numv(s, "threshold"), dg);
        P("</td>");
        td_num(c, iaf_rv_numv(s, "estimate"), dg);
        P("<td class=\"num\">");
        double lo = iaf_rv_numv(s, "lo"), hi = iaf_rv_numv(s, "hi");
        if (isfinite(lo) && isfinite(hi))
            iaf_rv_interval_text(c->out, lo, hi, dg);
        else
            P(DASH);
        P("</td>");
        td_num(c, iaf_rv_numv(s, "floor"), dg);
        P("<td>");
        badge(c, iaf_rv_str(s, "verdict"));
        P("</td>");
        td_text(c, iaf_rv_str(s, "reason"));
        P("</tr>\n");
    }
    P("</tbody>\n</table>\n");
}

static const char *mapping_of(const json_t *chk)
{
    const char *m = iaf_rv_str(chk, "mapping_verdict");
    return m ? m : iaf_rv_str(chk, "mapping");
}

/* The verdict line of o (a check or one variant) and, when given, the
 * screening table of the comparison behind it. */
static void verdict_box(hctx *c, const json_t *o, const json_t *screens_of, int is_check)
{
    const char *v = iaf_rv_verdict(o, NULL);
    const json_t *vo = screens_of ? iaf_rv_verdict_obj(screens_of) : NULL;
    if (!v && vo) v = iaf_rv_str(vo, "verdict");
    P("<div class=\"verdict\"><p><strong>Verdict:</strong> ");
    badge(c, v);
    const char *d = iaf_rv_diagnosis(o);
    if (!d && vo) d = iaf_rv_str(vo, "diagnosis");
    if (d) {
        P(" <strong>diagnosis:</strong> ");
        txt(c, d);
    }
    const char *mp = is_check ? mapping_of(o) : NULL;
    if (mp) {
        P(" <strong>across crosswalk variants:</strong> ");
        txt(c, mp);
    }
    int refdep;
    if (vo && iaf_rv_bool(vo, "reference_dependent", &refdep) && !refdep)
        P(" <span class=\"note\">(the reference shows no dependence: footprint and retention "
          "do not screen)</span>");
    P("</p>\n");
    const char *note = iaf_rv_str(o, "verdict_note");
    if (!v && note) {
        P("<p class=\"note\">");
        ltxt(c, note);
        P("</p>\n");
    }
    iaf_html_screens_table(c, vo);
    P("</div>\n");
}

/* What a variant reaches and, with a lumped remainder, its bounds
 * (METHOD.md sections 3.5-3.6). */
static void support_box(hctx *c, const json_t *v)
{
    const json_t *s = iaf_rv_obj(v, "support"), *l = iaf_rv_obj(v, "lump");
    const char *hint = iaf_rv_str(v, "lump_hint");
    if (!s && !l && !hint) return;
    P("<p class=\"support\"><strong>Support:</strong> ");
    if (s) {
        PF("%.1f%% of the reference's mass reached, %.1f%% of the synthetic universe compared "
           "(n_eff ",
           100 * iaf_rv_numv(s, "support_ref"), 100 * iaf_rv_numv(s, "support_syn"));
        iaf_rv_fixed(c->out, iaf_rv_numv(s, "n_eff"), 0);
        P(")");
        double dt = iaf_rv_numv(s, "dominated_total");
        if (isfinite(dt))
            PF("; %.0f of %.0f dominated categories, %.1f%% of their reference mass",
               iaf_rv_numv(s, "dominated_reached"), dt,
               100 * iaf_rv_numv(s, "dominated_reference_share_reached"));
        PF("; minimum %.3g.", iaf_rv_numv(s, "min_support"));
    }
    if (l) {
        PF(" <strong>Lumped remainder:</strong> %.1f%% of the compared mass",
           100 * iaf_rv_numv(l, "lump_share"));
        double lo = iaf_rv_numv(l, "cond_tvd_lower"), hi = iaf_rv_numv(l, "cond_tvd_upper");
        double fl = iaf_rv_numv(l, "flattening_pooled_lower"),
               fh = iaf_rv_numv(l, "flattening_pooled_upper");
        if (isfinite(lo)) {
            P("; conditional TVD bounds ");
            iaf_rv_interval_text(c->out, lo, hi, 4);
            P(", footprint bounds ");
            iaf_rv_interval_text(c->out, iaf_rv_numv(l, "footprint_lower"),
                                 iaf_rv_numv(l, "footprint_upper"), 3);
        } else if (isfinite(fl)) {
            P("; pooled flattening bounds ");
            iaf_rv_interval_text(c->out, fl, fh, 3);
        } else {
            P("; unbounded without the categories' totals");
        }
        P(".");
    }
    if (hint) {
        P(" <span class=\"note\">");
        ltxt(c, hint);
        P("</span>");
    }
    P("</p>\n");
}

/* Longer than 150 lines: one <dl> of a check's facts, each a few lines, in the order the
 * page shows them; splitting it would scatter that order. */
static void meta_list(hctx *c, const json_t *chk, const json_t *comp)
{
    P("<dl class=\"meta\">\n");
    json_t *attrs = iaf_rv_arr(chk, "attributes");
    size_t i;
    json_t *a;
    if (attrs && json_array_size(attrs)) {
        P("<dt>Attributes</dt><dd>");
        json_array_foreach(attrs, i, a)
        {
            if (i) P("; ");
            P("<strong>");
            ltxt_or(c, iaf_rv_str(a, "name"), "?");
            P("</strong>");
            const char *col = iaf_rv_str(a, "column"), *der = iaf_rv_str(a, "derivation"),
                       *rc = iaf_rv_str(a, "reference_column");
            if (col || der || rc) {
                P(" <small>(");
                int k = 0;
                if (col) {
                    P("column ");
                    ltxt(c, col);
                    k++;
                }
                if (der) {
                    P(k++ ? ", " : "");
                    txt(c, der);
                }
                if (rc) {
                    P(k++ ? ", " : "");
                    P("reference column ");
                    ltxt(c, rc);
                }
                P(")</small>");
            }
        }
        P("</dd>\n");
    }
    const char *ref = iaf_rv_str(chk, "reference");
    if (ref) {
        const json_t *r = iaf_rv_find_by_id(c->doc, "references", ref);
        P("<dt>Reference</dt><dd>");
        href(c, "ref-", ref);
        const char *pub = iaf_rv_str(r, "publisher"), *tab = iaf_rv_str(r, "table"),
                   *yr = iaf_rv_str(r, "year");
        if (pub || tab) {
            P(": ");
            ltxt_or(c, pub, "");
            if (pub && tab) P(", ");
            ltxt_or(c, tab, "");
        }
        if (yr) {
            P(" (");
            txt(c, yr);
            P(")");
        }
        P("</dd>\n");
    }
    P("<dt>Disclosure</dt><dd>");
    const char *disc = iaf_rv_str(chk, "disclosure");
    if (disc && strcmp(disc, "none") != 0)
        href(c, "disclosure-", disc);
    else
        P("none (exploratory: no statement of the card is tested)");
    P("</dd>\n<dt>Universe</dt><dd>synthetic: ");
    const char *u = iaf_rv_str(chk, "universe");
    if (u) {
        P("<code>");
        ltxt(c, u);
        P("</code>");
    } else {
        P("all rows");
    }
    const char *ru = iaf_rv_str(chk, "reference_universe");
    if (ru) {
        P("; reference: <code>");
        ltxt(c, ru);
        P("</code>");
    }
    P("</dd>\n");
    const char *src = iaf_rv_str(chk, "synthetic_source");
    double tot, inu;
    int has_tot = iaf_rv_num(comp, "synthetic_mass_total", &tot),
        has_inu = iaf_rv_num(comp, "synthetic_mass_in_universe", &inu);
    if (src || has_tot) {
        P("<dt>Synthetic data</dt><dd>");
        if (src) {
            P("<code>");
            ltxt(c, src);
            P("</code>");
        }
        if (has_inu) {
            P(src ? "; " : "");
            iaf_rv_count(c->out, inu);
            P(" in the universe");
            if (has_tot && tot != inu) {
                P(" of ");
                iaf_rv_count(c->out, tot);
            }
        }
        P("</dd>\n");
    }
    json_t *m = iaf_rv_obj(comp, "metrics");
    const char *basis = iaf_rv_str(chk, "reference_n_basis");
    if (m || basis) {
        double nr;
        P("<dt>Reference sample size</dt><dd>");
        if (iaf_rv_num(m, "n_reference", &nr))
            iaf_rv_count(c->out, nr);
        else
            P("fixed (treated as exact)");
        if (basis) {
            P(" <small>(");
            ltxt(c, basis);
            P(")</small>");
        }
        P("</dd>\n");
    }
    json_t *boot = iaf_rv_obj(m, "bootstrap");
    if (boot) {
        double bb, seed, lvl;
        P("<dt>Bootstrap</dt><dd>");
        if (iaf_rv_num(boot, "B", &bb)) PF("B = %.0f", bb);
        if (iaf_rv_num(boot, "seed", &seed)) PF(", seed %.0f", seed);
        if (iaf_rv_num(boot, "level", &lvl)) {
            P(", level ");
            iaf_rv_fixed(c->out, lvl, 2);
        }
        const char *mode = iaf_rv_str(boot, "reference_mode");
        if (mode) {
            P(", reference ");
            txt(c, mode);
        }
        P("</dd>\n");
    }
    const char *focal = iaf_rv_str(chk, "focal");
    double theta;
    if (focal || iaf_rv_num(chk, "theta", &theta)) {
        P("<dt>Minority group</dt><dd>");
        ltxt_or(c, focal, "not named");
        if (iaf_rv_num(chk, "theta", &theta)) {
            P("; dominated categories: its reference share below ");
            iaf_rv_pct(c->out, theta);
        }
        P("</dd>\n");
    }
    const char *note = iaf_rv_str(chk, "note");
    if (note) {
        P("<dt>Note</dt><dd>");
        ltxt(c, note);
        P("</dd>\n");
    }
    P("</dl>\n");
}

/* One metrics-table row; the interval and bias-corrected value come from
 * metrics.intervals[iname]. */
static void metric_row(hctx *c, const json_t *m, const char *label, double est, const char *iname,
                       int digits, double floor, const char *extra)
{
    json_t *iv = iname ? iaf_rv_obj(iaf_rv_obj(m, "intervals"), iname) : NULL;
    /* the headline is the interval's own estimate (inside it); the plug-in beside it */
    double head;
    if (!iaf_rv_num(iv, "estimate", &head)) head = est;
    P("<tr><th scope=\"row\">");
    ltxt(c, label);
    P("</th>");
    td_num(c, c->ivcols ? head : est, digits);
    if (c->ivcols) {
        P("<td class=\"num\">");
        double lo, hi;
        if (iname && iaf_rv_interval(m, iname, &lo, &hi))
            iaf_rv_interval_text(c->out, lo, hi, digits);
        else
            P(DASH);
        P("</td>");
        td_num(c, est, digits);
    }
    td_num(c, floor, digits);
    P("<td>");
    if (extra) ltxt(c, extra);
    P("</td></tr>\n");
}

static void metrics_table(hctx *c, const json_t *chk, int joint)
{
    json_t *m = iaf_rv_obj(chk, "metrics");
    if (!m) return;
    const char *ax, *ay;
    iaf_rv_attr_names(chk, &ax, &ay);
    c->ivcols = iaf_rv_obj(m, "intervals") != NULL;
    P("<div>\n<table class=\"metrics\"><caption>Metrics</caption>\n<thead><tr>"
      "<th scope=\"col\">metric</th><th scope=\"col\" class=\"num\">estimate</th>");
    if (c->ivcols)
        P("<th scope=\"col\" class=\"num\">95% interval</th>"
          "<th scope=\"col\" class=\"num\">plug-in</th>");
    P("<th scope=\"col\" class=\"num\">floor</th><th scope=\"col\">note</th>"
      "</tr></thead>\n<tbody>\n");
    iaf_buf lab = {0};
    double nf = iaf_rv_numv(m, "noise_floor");
    metric_row(c, m, joint ? "TVD (joint)" : "TVD", iaf_rv_numv(m, "tvd_joint"), "tvd_joint", 4, nf,
               NULL);
    if (joint) {
        static const char *const names[] = {"tvd_x", "tvd_y", "cond_tvd_y_given_x",
                                            "cond_tvd_x_given_y"};
        for (size_t i = 0; i < 4; i++) {
            lab.len = 0;
            iaf_rv_metric_name(&lab, names[i], ax, ay);
            double fl =
                !strcmp(names[i], "cond_tvd_y_given_x") ? iaf_rv_numv(m, "cond_noise_floor") : NAN;
            metric_row(c, m, lab.data, iaf_rv_numv(m, names[i]), names[i], 4, fl, NULL);
        }
    }
    json_t *mc = iaf_rv_obj(m, "max_cell_pp");
    if (mc) {
        lab.len = 0;
        json_t *cell = iaf_rv_arr(mc, "cell");
        size_t i;
        json_t *v;
        json_array_foreach(cell, i, v)
        {
            if (i) iaf_rv_puts(&lab, TIMES);
            iaf_rv_puts(&lab, json_is_string(v) ? json_string_value(v) : "(missing)");
        }
        metric_row(c, m, "largest cell (pp)", iaf_rv_numv(mc, "value"), "max_cell_pp", 2, NAN,
                   lab.len ? lab.data : NULL);
    }
    metric_row(c, m, "Hellinger", iaf_rv_numv(m, "hellinger"), "hellinger", 4, NAN, NULL);
    metric_row(c, m, "Jensen-Shannon", iaf_rv_numv(m, "js_distance"), "js_distance", 4, NAN, NULL);
    if (joint) {
        static const char *const dep[][3] = {
            {"dep_tvd", "dependence (dep_tvd)", "dep_tvd_"},
            {"cramers_v", "Cram\xC3\xA9r's V", "cramers_v_"},
            {"nmi", "NMI", "nmi_"},
        };
        for (size_t i = 0; i < 3; i++) {
            json_t *o = iaf_rv_obj(m, dep[i][0]);
            if (!o) continue;
            for (int side = 0; side < 2; side++) {
                const char *sname = side ? "reference" : "synthetic";
                char iname[64];
                snprintf(iname, sizeof iname, "%s%s", dep[i][2], sname);
                lab.len = 0;
                iaf_rv_printf(&lab, "%s, %s", dep[i][1], sname);
                const char *extra = NULL;
                char mm[96];
                double bias;
                if (!strcmp(dep[i][0], "nmi")) {
                    char bk[64];
                    snprintf(bk, sizeof bk, "miller_madow_bias_%s", sname);
                    if (iaf_rv_num(o, bk, &bias)) {
                        iaf_buf t = {0};
                        iaf_rv_puts(&t, "bias ");
                        iaf_rv_fixed(&t, bias, 6);
                        snprintf(mm, sizeof mm, "%s", t.data ? t.data : "");
                        iaf_buf_free(&t);
                        extra = mm;
                    }
                }
                metric_row(c, m, lab.data, iaf_rv_numv(o, sname), iname, 4, NAN, extra);
            }
        }
        double ret = iaf_rv_numv(m, "retention"), fp = iaf_rv_numv(m, "footprint");
        const char *undef = "undefined: no dependence in the reference";
        metric_row(c, m, "retention", ret, "retention", 3, NAN, isfinite(ret) ? NULL : undef);
        metric_row(c, m, "footprint", fp, "footprint", 3, NAN, isfinite(fp) ? NULL : undef);
        double fpd = iaf_rv_numv(m, "footprint_dep"), fpm = iaf_rv_numv(m, "footprint_marginal");
        if (json_object_get(m, "footprint_dep")) {
            metric_row(c, m, "footprint_dep", fpd, "footprint_dep", 3, NAN,
                       isfinite(fpd) ? "the footprint of the dependence alone (raked to the "
                                       "reference margins)"
                                     : undef);
            metric_row(c, m, "footprint_marginal", fpm, NULL, 3, NAN,
                       isfinite(fpm) ? "footprint - footprint_dep: what a marginal error explains"
                                     : undef);
        }
    }
    P("</tbody>\n</table>\n");
    double ns, nr;
    int hs = iaf_rv_num(m, "n_synthetic", &ns), hr = iaf_rv_num(m, "n_reference", &nr);
    if (hs || hr) {
        P("<p class=\"note\">Sample sizes: synthetic ");
        iaf_rv_count(c->out, hs ? ns : NAN);
        P(", reference ");
        if (hr)
            iaf_rv_count(c->out, nr);
        else
            P("fixed");
        P(".</p>\n");
    }
    P("</div>\n");
    iaf_buf_free(&lab);
}

static double row_contrib(const grid *g, size_t x)
{
    double t = 0;
    for (size_t y = 0; y < g->ny; y++) {
        size_t k = x * g->ny + y;
        if (compared(g, k)) t += fabs(g->s[k] - g->r[k]);
    }
    return t;
}

static double col_contrib(const grid *g, size_t y)
{
    double t = 0;
    for (size_t x = 0; x < g->nx; x++) {
        size_t k = x * g->ny + y;
        if (compared(g, k)) t += fabs(g->s[k] - g->r[k]);
    }
    return t;
}

/* the cell where |s - r| is largest, for the chart descriptions */
static void largest_cell(const grid *g, size_t *bx, size_t *by, double *bd)
{
    *bd = NAN;
    *bx = *by = 0;
    for (size_t x = 0; x < g->nx; x++)
        for (size_t y = 0; y < g->ny; y++) {
            size_t k = x * g->ny + y;
            if (!compared(g, k)) continue;
            double d = (g->s[k] - g->r[k]) * 100;
            if (!isfinite(*bd) || fabs(d) > fabs(*bd)) {
                *bd = d;
                *bx = x;
                *by = y;
            }
        }
}

static int heatmap_figure(hctx *c, const json_t *chk, const grid *g)
{
    const char *ax, *ay;
    iaf_rv_attr_names(chk, &ax, &ay);
    ax = ax ? ax : "first attribute";
    ay = ay ? ay : "second attribute";
    /* the longer taxonomy goes down the page, where it has room */
    int transpose = g->ny > g->nx && g->ny > COL_LIMIT;
    size_t nrow = transpose ? g->ny : g->nx, ncol = transpose ? g->nx : g->ny;
    double *rc = iaf_malloc(nrow * sizeof *rc), *cc = iaf_malloc(ncol * sizeof *cc);
    fold fr = {0}, fc = {0};
    shown v = {0};
    int rc_ = -1;
    if (!rc || !cc) goto done;
    for (size_t i = 0; i < nrow; i++)
        rc[i] = transpose ? col_contrib(g, i) : row_contrib(g, i);
    for (size_t j = 0; j < ncol; j++)
        cc[j] = transpose ? row_contrib(g, j) : col_contrib(g, j);
    if (fold_choose(rc, nrow, ROW_LIMIT, ROW_KEEP, &fr) != 0 ||
        fold_choose(cc, ncol, COL_LIMIT, COL_KEEP, &fc) != 0 ||
        shown_build(g, transpose, &fr, &fc, &v) != 0)
        goto done;
    const char *rattr = transpose ? ay : ax, *cattr = transpose ? ax : ay;
    iaf_buf title = {0}, desc = {0};
    iaf_rv_printf(&title, "Residual heat map: %s by %s", rattr, cattr);
    size_t bx, by;
    double bd;
    largest_cell(g, &bx, &by, &bd);
    iaf_rv_printf(&desc,
                  "Synthetic minus reference share, in percentage points, for each cell of %s "
                  "(%zu categories) by %s (%zu categories)",
                  ax, g->nx, ay, g->ny);
    if (fr.nrest || fc.nrest)
        iaf_rv_puts(&desc, "; the categories contributing most are shown, the others summed "
                           "into a rest row or column");
    if (isfinite(bd)) {
        iaf_rv_printf(&desc, ". Largest difference: %s" TIMES "%s, ", g->xl[bx], g->yl[by]);
        iaf_rv_signed(&desc, bd, 2);
        iaf_rv_puts(&desc, " pp");
    }
    iaf_rv_puts(&desc, ". Blue: synthetic share lower than the reference; red: higher.");
    iaf_svg_heat h = {title.data, desc.data, rattr, cattr,   v.nr,         v.nc,        v.rl,
                      v.cl,       v.s,       v.r,   v.state, fr.nrest > 0, fc.nrest > 0};
    P("<figure class=\"heat\">\n");
    iaf_svg_heatmap(&c->svg, &h);
    figcaption(c);
    txt(c, desc.data);
    if (fr.nrest || fc.nrest) P(" Every cell is in cells.csv.");
    P(" Hover a cell for both shares.</figcaption>\n</figure>\n");
    iaf_buf_free(&title);
    iaf_buf_free(&desc);
    rc_ = 0;
done:
    shown_free(&v);
    fold_free(&fr);
    fold_free(&fc);
    iaf_free(rc);
    iaf_free(cc);
    return rc_;
}

/* Marginal: one bar per category (folded when there are many). */
static int bars_figure(hctx *c, const json_t *chk, const grid *g)
{
    const char *ax, *ay;
    iaf_rv_attr_names(chk, &ax, &ay);
    ax = ax ? ax : "attribute";
    double *contrib = iaf_malloc(g->nx * sizeof *contrib);
    fold f = {0}, none = {0};
    shown v = {0};
    double *lo = NULL, *hi = NULL;
    int rc = -1;
    if (!contrib) goto done;
    for (size_t i = 0; i < g->nx; i++)
        contrib[i] = row_contrib(g, i);
    if (fold_choose(contrib, g->nx, ROW_LIMIT, ROW_KEEP, &f) != 0 ||
        fold_choose(contrib, 1, 1, 1, &none) != 0 || shown_build(g, 0, &f, &none, &v) != 0)
        goto done;
    lo = iaf_malloc(v.nr * sizeof *lo);
    hi = iaf_malloc(v.nr * sizeof *hi);
    if (!lo || !hi) goto done;
    int any = 0;
    for (size_t i = 0; i < v.nr; i++) {
        lo[i] = hi[i] = NAN;
        if (i < f.n) {
            lo[i] = g->lo[f.idx[i]];
            hi[i] = g->hi[f.idx[i]];
            any |= isfinite(lo[i]);
        }
    }
    iaf_buf title = {0}, desc = {0};
    iaf_rv_printf(&title, "Synthetic minus reference share by %s", ax);
    iaf_rv_printf(&desc, "One bar per category of %s (%zu categories", ax, g->nx);
    if (f.nrest) iaf_rv_printf(&desc, "; the %zu largest differences shown", f.n);
    iaf_rv_puts(&desc, "): the difference between the synthetic and the reference share in "
                       "percentage points; bars to the right mean the synthetic data has more.");
    iaf_svg_bars b = {title.data,      desc.data,       ax,         v.nr, v.rl, v.s, v.r,
                      any ? lo : NULL, any ? hi : NULL, f.nrest > 0};
    P("<figure class=\"bars\">\n");
    iaf_svg_diffbars(&c->svg, &b);
    figcaption(c);
    txt(c, desc.data);
    P("</figcaption>\n</figure>\n");
    iaf_buf_free(&title);
    iaf_buf_free(&desc);
    rc = 0;
done:
    iaf_free(lo);
    iaf_free(hi);
    shown_free(&v);
    fold_free(&f);
    fold_free(&none);
    iaf_free(contrib);
    return rc;
}

/* Rows of P(y | x) that contribute most to cond_tvd_y_given_x. Longer than 150
 * lines: the chart and its table share the folding of the rows and columns. */
static int profiles(hctx *c, const json_t *chk, const grid *g)
{
    const char *ax, *ay;
    iaf_rv_attr_names(chk, &ax, &ay);
    ax = ax ? ax : "first attribute";
    ay = ay ? ay : "second attribute";
    double *rx = iaf_calloc(g->nx, sizeof *rx), *sx = iaf_calloc(g->nx, sizeof *sx);
    double *con = iaf_malloc(g->nx * sizeof *con);
    ranked *rk = iaf_malloc(g->nx * sizeof *rk);
    double *a = iaf_malloc(g->ny * sizeof *a), *b = iaf_malloc(g->ny * sizeof *b);
    double *d = iaf_malloc(g->ny * sizeof *d);
    const char **lab = iaf_malloc((g->ny + 1) * sizeof *lab);
    double *fa = iaf_malloc((g->ny + 1) * sizeof *fa), *fb = iaf_malloc((g->ny + 1) * sizeof *fb);
    int rc = -1;
    if (!rx || !sx || !con || !rk || !a || !b || !d || !lab || !fa || !fb) goto done;
    double total = 0;
    for (size_t x = 0; x < g->nx; x++) {
        for (size_t y = 0; y < g->ny; y++) {
            size_t k = x * g->ny + y;
            if (!compared(g, k)) continue;
            rx[x] += g->r[k];
            sx[x] += g->s[k];
        }
        con[x] = 0;
        if (rx[x] <= 0) continue;
        if (sx[x] <= 0) {
            con[x] = rx[x]; /* a reference row the synthetic data never produces */
        } else {
            double t = 0;
            for (size_t y = 0; y < g->ny; y++) {
                size_t k = x * g->ny + y;
                if (compared(g, k)) t += fabs(g->s[k] / sx[x] - g->r[k] / rx[x]);
            }
            con[x] = rx[x] * 0.5 * t;
        }
        total += con[x];
    }
    for (size_t x = 0; x < g->nx; x++)
        rk[x] = (ranked){con[x], x};
    qsort(rk, g->nx, sizeof *rk, ranked_cmp);
    if (!(total > 0)) {
        P("<p class=\"note\">The conditional profiles of the two sides agree: no row contributes "
          "to the conditional mismatch.</p>\n");
        rc = 0;
        goto done;
    }
    P("<h4>Conditional profiles</h4>\n");
    iaf_buf t = {0};
    iaf_rv_printf(&t,
                  "The rows of %s that contribute most to the conditional TVD of %s given %s "
                  "(reference-weighted: a row contributes its reference share times the TVD "
                  "of its profile).",
                  ax, ay, ax);
    P("<p>");
    ltxt(c, t.data);
    P("</p>\n<table class=\"profiles sortable\"><thead><tr><th scope=\"col\">");
    ltxt(c, ax);
    P("</th><th scope=\"col\" class=\"num\">reference share</th>"
      "<th scope=\"col\" class=\"num\">synthetic share</th>"
      "<th scope=\"col\" class=\"num\">TVD of the profile</th>"
      "<th scope=\"col\" class=\"num\">contribution</th>"
      "<th scope=\"col\" class=\"num\">share of the total</th></tr></thead>\n<tbody>\n");
    size_t nt = g->nx < PROFILE_TABLE ? g->nx : PROFILE_TABLE;
    for (size_t i = 0; i < nt && rk[i].v > 0; i++) {
        size_t x = rk[i].i;
        P("<tr>");
        td_text(c, g->xl[x]);
        td_pct(c, rx[x]);
        td_pct(c, sx[x]);
        td_num(c, rx[x] > 0 ? con[x] / rx[x] : NAN, 4);
        td_num(c, con[x], 4);
        td_pct(c, con[x] / total);
        P("</tr>\n");
    }
    P("</tbody>\n");
    if (g->nx > nt) {
        double rest = 0;
        for (size_t i = nt; i < g->nx; i++)
            rest += rk[i].v;
        PF("<tfoot><tr><td colspan=\"4\">%zu other rows</td>", g->nx - nt);
        td_num(c, rest, 4);
        td_pct(c, rest / total);
        P("</tr></tfoot>\n");
    }
    P("</table>\n<div class=\"charts\">\n");
    size_t np = g->nx < PROFILES ? g->nx : PROFILES;
    for (size_t i = 0; i < np && rk[i].v > 0; i++) {
        size_t x = rk[i].i;
        for (size_t y = 0; y < g->ny; y++) {
            size_t k = x * g->ny + y;
            int ok = compared(g, k);
            a[y] = ok && sx[x] > 0 ? g->s[k] / sx[x] : NAN;
            b[y] = ok ? g->r[k] / rx[x] : NAN;
            d[y] = isfinite(a[y]) && isfinite(b[y]) ? fabs(a[y] - b[y]) : isfinite(b[y]) ? b[y] : 0;
        }
        fold f = {0};
        if (fold_choose(d, g->ny, PROFILE_LIMIT, PROFILE_KEEP, &f) != 0) {
            iaf_buf_free(&t);
            goto done;
        }
        size_t n = 0;
        for (size_t j = 0; j < f.n; j++) {
            lab[n] = g->yl[f.idx[j]];
            fa[n] = a[f.idx[j]];
            fb[n] = b[f.idx[j]];
            n++;
        }
        if (f.nrest) {
            double sa = 0, sb = 0;
            for (size_t y = 0; y < g->ny; y++)
                if ((size_t)f.pos[y] == f.n) {
                    if (isfinite(a[y])) sa += a[y];
                    if (isfinite(b[y])) sb += b[y];
                }
            lab[n] = f.rest_label;
            fa[n] = sa;
            fb[n] = sb;
            n++;
        }
        iaf_buf title = {0}, desc = {0};
        iaf_rv_printf(&title, "Profile of %s given %s = %s", ay, ax, g->xl[x]);
        iaf_rv_printf(&desc,
                      "Share of each category of %s among the rows with %s = %s, synthetic and "
                      "reference; this row contributes ",
                      ay, ax, g->xl[x]);
        iaf_rv_fixed(&desc, con[x], 4);
        iaf_rv_puts(&desc, " to the conditional TVD");
        if (f.nrest) iaf_rv_printf(&desc, " (the %zu largest differences shown)", f.n);
        iaf_rv_puts(&desc, ".");
        iaf_svg_pairs p = {title.data, desc.data, ay, "synthetic", "reference", n,
                           lab,        fa,        fb, NULL,        f.nrest > 0};
        P("<figure class=\"profile\">\n");
        iaf_svg_pairs_chart(&c->svg, &p);
        figure_close(c, title.data);
        iaf_buf_free(&title);
        iaf_buf_free(&desc);
        fold_free(&f);
    }
    P("</div>\n");
    iaf_buf_free(&t);
    rc = 0;
done:
    iaf_free(rx);
    iaf_free(sx);
    iaf_free(con);
    iaf_free(rk);
    iaf_free(a);
    iaf_free(b);
    iaf_free(d);
    iaf_free(lab);
    iaf_free(fa);
    iaf_free(fb);
    return rc;
}

/* The headline of metric `name`: its interval's estimate when there is one,
 * else the plug-in value. 0 when neither is a number. */
static int headline_num(const json_t *m, const char *name, double *v)
{
    json_t *iv = iaf_rv_obj(iaf_rv_obj(m, "intervals"), name);
    return iaf_rv_num(iv, "estimate", v) || iaf_rv_num(m, name, v);
}

static void signature_figure(hctx *c, const json_t *chk, const json_t *comp)
{
    json_t *m = iaf_rv_obj(comp, "metrics");
    json_t *th = iaf_rv_obj(chk, "thresholds");
    double ret, fp;
    /* the IAF signature is (retention, footprint_dep); reports written before
     * footprint_dep existed show the footprint */
    const char *fname = json_object_get(m, "footprint_dep") ? "footprint_dep" : "footprint";
    if (!headline_num(m, "retention", &ret) || !headline_num(m, fname, &fp)) {
        P("<p class=\"note\">No IAF signature: retention and footprint are undefined because "
          "the reference shows no dependence between the attributes above its noise.</p>\n");
        return;
    }
    iaf_svg_sig s = {NULL, NULL, ret, NAN, NAN, fp, NAN, NAN, NAN, NAN};
    if (!iaf_rv_interval(m, "retention", &s.ret_lo, &s.ret_hi)) s.ret_lo = s.ret_hi = NAN;
    if (!iaf_rv_interval(m, fname, &s.fp_lo, &s.fp_hi)) s.fp_lo = s.fp_hi = NAN;
    if (!iaf_rv_num(th, fname, &s.fp_threshold) && !iaf_rv_num(th, "footprint", &s.fp_threshold))
        s.fp_threshold = 0.5;
    if (!iaf_rv_num(th, "retention", &s.ret_threshold)) s.ret_threshold = 0.5;
    iaf_buf desc = {0};
    iaf_rv_puts(&desc, "Retention ");
    iaf_rv_fixed(&desc, ret, 3);
    if (isfinite(s.ret_lo)) {
        iaf_rv_puts(&desc, " ");
        iaf_rv_interval_text(&desc, s.ret_lo, s.ret_hi, 3);
    }
    iaf_rv_printf(&desc, " and %s ", fname);
    iaf_rv_fixed(&desc, fp, 3);
    if (isfinite(s.fp_lo)) {
        iaf_rv_puts(&desc, " ");
        iaf_rv_interval_text(&desc, s.fp_lo, s.fp_hi, 3);
    }
    iaf_rv_printf(&desc, " on the regions of the IAF signature: faithful (%s below ", fname);
    iaf_rv_fixed(&desc, s.fp_threshold, 2);
    iaf_rv_puts(&desc, ", retention near 1), flattened (retention below ");
    iaf_rv_fixed(&desc, s.ret_threshold, 2);
    iaf_rv_printf(&desc, "), distorted (%s above 1), exaggerated (retention above 1.5).", fname);
    s.title = strcmp(fname, "footprint_dep") ? "IAF signature: retention and footprint"
                                             : "IAF signature: retention and footprint_dep";
    s.desc = desc.data;
    P("<figure class=\"sig\">\n");
    iaf_svg_signature(&c->svg, &s);
    figcaption(c);
    txt(c, desc.data);
    P("</figcaption>\n</figure>\n");
    iaf_buf_free(&desc);
}

typedef struct cellref {
    double ad;
    size_t k;
} cellref;

static int cellref_cmp(const void *pa, const void *pb)
{
    const cellref *x = pa, *y = pb;
    if (x->ad != y->ad) return x->ad > y->ad ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* The cells that differ most (all of them for a short marginal). */
static int cells_table(hctx *c, const json_t *chk, const grid *g)
{
    const char *ax, *ay;
    iaf_rv_attr_names(chk, &ax, &ay);
    size_t n = g->nx * g->ny, nc = 0, any_iv = 0;
    cellref *cr = iaf_malloc((n ? n : 1) * sizeof *cr);
    if (!cr) return -1;
    for (size_t k = 0; k < n; k++)
        if (compared(g, k)) {
            cr[nc++] = (cellref){fabs(g->s[k] - g->r[k]), k};
            any_iv |= isfinite(g->lo[k]);
        }
    int all = !g->has_y && nc <= MARGINAL_TABLE;
    size_t shown_n = all ? nc : nc < TOP_CELLS ? nc : TOP_CELLS;
    if (!all) qsort(cr, nc, sizeof *cr, cellref_cmp);
    P("<div>\n");
    if (all)
        P("<table class=\"cells sortable\"><caption>Shares by category</caption>\n");
    else
        PF("<table class=\"cells sortable\"><caption>The %zu largest differences of %zu cells"
           "</caption>\n",
           shown_n, nc);
    P("<thead><tr><th scope=\"col\">");
    ltxt_or(c, ax, "x");
    P("</th>");
    if (g->has_y) {
        P("<th scope=\"col\">");
        ltxt_or(c, ay, "y");
        P("</th>");
    }
    P("<th scope=\"col\" class=\"num\">synthetic</th><th scope=\"col\" class=\"num\">reference"
      "</th><th scope=\"col\" class=\"num\">difference (pp)</th>");
    if (any_iv) P("<th scope=\"col\" class=\"num\">95% interval (pp)</th>");
    P("</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < shown_n; i++) {
        size_t k = cr[i].k, x = k / g->ny, y = k % g->ny;
        P("<tr>");
        td_text(c, g->xl[x]);
        if (g->has_y) td_text(c, g->yl[y]);
        td_pct(c, g->s[k]);
        td_pct(c, g->r[k]);
        td_pp(c, (g->s[k] - g->r[k]) * 100);
        if (any_iv) {
            P("<td class=\"num\">");
            if (isfinite(g->lo[k]))
                iaf_rv_interval_text(c->out, g->lo[k], g->hi[k], 2);
            else
                P(DASH);
            P("</td>");
        }
        P("</tr>\n");
    }
    P("</tbody>\n</table>\n");
    size_t nstate = 0;
    for (size_t k = 0; k < n; k++)
        nstate += g->state[k] != NULL;
    if (nstate)
        PF("<p class=\"note\">%zu cell%s not compared (suppressed or structural-zero reference "
           "cells); see the coverage below.</p>\n",
           nstate, nstate == 1 ? " was" : "s were");
    P("</div>\n");
    iaf_free(cr);
    return 0;
}

/* A list of objects as a table whose columns are the union of their keys
 * in first-seen order (rule examples have the dataset's own columns). */
void iaf_html_object_table(hctx *c, const json_t *arr, const char *caption, size_t limit)
{
    const char *keys[32];
    size_t nk = 0, i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        const char *k;
        json_t *v;
        if (!json_is_object(o)) continue;
        json_object_foreach((json_t *)o, k, v)
        {
            size_t j = 0;
            while (j < nk && strcmp(keys[j], k) != 0)
                j++;
            if (j == nk && nk < 32) keys[nk++] = k;
        }
    }
    if (!nk) return;
    P("<div class=\"scroll\"><table class=\"objects\">");
    if (caption) {
        P("<caption>");
        txt(c, caption);
        P("</caption>");
    }
    P("\n<thead><tr>");
    for (size_t j = 0; j < nk; j++) {
        P("<th scope=\"col\">");
        ltxt(c, keys[j]);
        P("</th>");
    }
    P("</tr></thead>\n<tbody>\n");
    json_array_foreach(arr, i, o)
    {
        if (i >= limit) break;
        P("<tr>");
        for (size_t j = 0; j < nk; j++) {
            json_t *v = json_is_object(o) ? json_object_get(o, keys[j]) : NULL;
            if (json_is_string(v))
                td_text(c, json_string_value(v));
            else if (json_is_integer(v))
                td_count(c, (double)json_integer_value(v));
            else if (json_is_number(v))
                td_num(c, json_number_value(v), 4);
            else if (json_is_true(v))
                P("<td>true</td>");
            else if (json_is_false(v))
                P("<td>false</td>");
            else
                P("<td>" DASH "</td>");
        }
        P("</tr>\n");
    }
    P("</tbody>\n</table></div>\n");
    if (json_array_size(arr) > limit)
        PF("<p class=\"note\">%zu more rows in report.json.</p>\n", json_array_size(arr) - limit);
}

static const json_t *screen_named(const json_t *vo, const char *metric)
{
    json_t *screens = iaf_rv_arr(vo, "screens");
    size_t i;
    json_t *sc;
    json_array_foreach(screens, i, sc)
    {
        const char *m = iaf_rv_str(sc, "metric");
        if (m && !strcmp(m, metric)) return sc;
    }
    return NULL;
}

/* One row per crosswalk variant: its verdict and each screening metric
 * with its interval, so a mapping-dependent verdict shows where it flips. */
static void variants_table(hctx *c, const json_t *chk, const json_t *vs)
{
    const char *metrics[8];
    size_t nm = 0, i;
    json_t *v;
    json_array_foreach(vs, i, v)
    {
        json_t *screens = iaf_rv_arr(iaf_rv_verdict_obj(v), "screens");
        size_t k;
        json_t *sc;
        json_array_foreach(screens, k, sc)
        {
            const char *m = iaf_rv_str(sc, "metric");
            size_t j = 0;
            if (!m) continue;
            while (j < nm && strcmp(metrics[j], m) != 0)
                j++;
            if (j == nm && nm < 8) metrics[nm++] = m;
        }
    }
    P("<h4>Crosswalk variants</h4>\n");
    const char *mv = mapping_of(chk);
    if (mv) {
        P("<p>Across the variants the verdict is <strong>");
        txt(c, mv);
        P("</strong>");
        if (!strcmp(mv, "strict"))
            P(": every variant flags, with the same diagnosis.");
        else if (!strcmp(mv, "consistent"))
            P(": every variant gives the same verdict and diagnosis.");
        else if (!strcmp(mv, "mapping-dependent"))
            P(": the verdict depends on how the categories are mapped.");
        P("</p>\n");
    }
    P("<div class=\"scroll\"><table class=\"variants sortable\"><thead><tr>"
      "<th scope=\"col\">variant</th><th scope=\"col\">verdict</th>"
      "<th scope=\"col\">diagnosis</th>");
    for (size_t j = 0; j < nm; j++) {
        P("<th scope=\"col\" class=\"num\">");
        txt(c, iaf_rv_metric_label(metrics[j]));
        P(" [95% interval]</th>");
    }
    P("<th scope=\"col\" class=\"num\">synthetic mass in universe</th></tr></thead>\n<tbody>\n");
    json_array_foreach(vs, i, v)
    {
        const json_t *vo = iaf_rv_verdict_obj(v);
        const char *verdict = iaf_rv_verdict(v, NULL);
        const char *diag = iaf_rv_diagnosis(v);
        P("<tr>");
        iaf_buf name = {0};
        const char *nm_ = iaf_rv_str(v, "name");
        if (nm_)
            iaf_rv_puts(&name, nm_);
        else
            iaf_rv_printf(&name, "variant %zu", i + 1);
        td_text(c, name.data);
        iaf_buf_free(&name);
        P("<td>");
        badge(c, verdict ? verdict : iaf_rv_str(vo, "verdict"));
        P("</td>");
        td_text(c, diag ? diag : iaf_rv_str(vo, "diagnosis"));
        for (size_t j = 0; j < nm; j++) {
            const json_t *sc = screen_named(vo, metrics[j]);
            double e = iaf_rv_numv(sc, "estimate"), lo = iaf_rv_numv(sc, "lo"),
                   hi = iaf_rv_numv(sc, "hi");
            int dg = iaf_rv_metric_digits(metrics[j]);
            if (!isfinite(e)) {
                P("<td class=\"num\">" DASH "</td>");
                continue;
            }
            char raw[40];
            iaf_fmt_f64(raw, e);
            PF("<td class=\"num\" data-v=\"%s\">", raw);
            iaf_rv_fixed(c->out, e, dg);
            if (isfinite(lo) && isfinite(hi)) {
                P(" ");
                iaf_rv_interval_text(c->out, lo, hi, dg);
            }
            P("</td>");
        }
        td_count(c, iaf_rv_numv(v, "synthetic_mass_in_universe"));
        P("</tr>\n");
    }
    P("</tbody>\n</table></div>\n");
}

/* An attribute or a value as it is (the paragraph escapes the whole text). */
static void raw_text(iaf_buf *b, const char *s)
{
    if (s) iaf_rv_puts(b, s);
}

static void coverage_panel(hctx *c, const json_t *comp)
{
    json_t *cov = iaf_rv_arr(comp, "synthetic_coverage");
    json_t *mc = iaf_rv_obj(iaf_rv_obj(comp, "metrics"), "coverage");
    if ((!cov || !json_array_size(cov)) && !mc) return;
    P("<h4>Coverage</h4>\n");
    if (cov && json_array_size(cov)) {
        P("<table class=\"coverage\"><thead><tr><th scope=\"col\">attribute</th>"
          "<th scope=\"col\" class=\"num\">mapped</th><th scope=\"col\" class=\"num\">unmapped"
          "</th><th scope=\"col\" class=\"num\">dropped</th><th scope=\"col\" class=\"num\">"
          "missing</th><th scope=\"col\" class=\"num\">unmapped share</th></tr></thead>\n"
          "<tbody>\n");
        size_t i;
        json_t *a;
        json_array_foreach(cov, i, a)
        {
            double m = iaf_rv_numv(a, "mapped"), u = iaf_rv_numv(a, "unmapped"),
                   d = iaf_rv_numv(a, "dropped"), x = iaf_rv_numv(a, "missing");
            double tot = (isfinite(m) ? m : 0) + (isfinite(u) ? u : 0) + (isfinite(d) ? d : 0) +
                         (isfinite(x) ? x : 0);
            P("<tr>");
            td_text(c, iaf_rv_str(a, "attribute"));
            td_count(c, m);
            td_count(c, u);
            td_count(c, d);
            td_count(c, x);
            td_pct(c, tot > 0 && isfinite(u) ? u / tot : NAN);
            P("</tr>\n");
        }
        P("</tbody>\n</table>\n");
        iaf_buf mt = {0};
        /* values between curly quotes */
        if (iaf_rv_missing_text(&mt, cov, "synthetic", raw_text, "\xE2\x80\x9C", "\xE2\x80\x9D") +
            iaf_rv_missing_text(&mt, iaf_rv_arr(comp, "reference_coverage"), "reference", raw_text,
                                "\xE2\x80\x9C", "\xE2\x80\x9D")) {
            P("<p class=\"missing\">Values treated as missing: ");
            ltxt(c, mt.data);
            P(".</p>\n");
        }
        iaf_buf_free(&mt);
        json_array_foreach(cov, i, a)
        {
            json_t *uv = iaf_rv_arr(a, "unmapped_values");
            size_t n = uv ? json_array_size(uv) : 0;
            if (!n) continue;
            size_t shown_n = n < 15 ? n : 15;
            const char **lab = iaf_malloc(shown_n * sizeof *lab);
            double *mass = iaf_malloc(shown_n * sizeof *mass);
            if (lab && mass) {
                for (size_t k = 0; k < shown_n; k++) {
                    json_t *it = json_array_get(uv, k);
                    lab[k] = iaf_rv_str(it, "value");
                    if (!lab[k]) lab[k] = "(missing)";
                    mass[k] = iaf_rv_numv(it, "mass");
                }
                const char *an = iaf_rv_str(a, "attribute");
                iaf_buf title = {0}, desc = {0};
                iaf_rv_printf(&title, "Synthetic mass not mapped to the reference: %s",
                              an ? an : "");
                double total = iaf_rv_numv(a, "unmapped_values_total");
                iaf_rv_printf(&desc,
                              "Rows (or weight) of each synthetic value of %s that maps to no "
                              "reference category, largest first; %zu shown",
                              an ? an : "", shown_n);
                if (isfinite(total)) {
                    iaf_rv_puts(&desc, " of ");
                    iaf_rv_count(&desc, total);
                }
                iaf_rv_puts(&desc, ".");
                iaf_svg_pairs p = {title.data, desc.data, an,   "unmapped mass", NULL, shown_n,
                                   lab,        mass,      NULL, "rows",          0};
                P("<figure class=\"unmapped\">\n");
                iaf_svg_pairs_chart(&c->svg, &p);
                figure_close(c, desc.data);
                iaf_buf_free(&title);
                iaf_buf_free(&desc);
            }
            iaf_free(lab);
            iaf_free(mass);
        }
    }
    if (mc) {
        double on = iaf_rv_numv(mc, "synthetic_on_support"),
               tot = iaf_rv_numv(mc, "synthetic_total"),
               sup = iaf_rv_numv(mc, "synthetic_on_suppressed"),
               sz = iaf_rv_numv(mc, "synthetic_on_structural_zero"),
               off = iaf_rv_numv(mc, "synthetic_off_support"),
               rs = iaf_rv_numv(mc, "reference_suppressed");
        P("<p>Comparable support: ");
        iaf_rv_count(c->out, on);
        P(" of ");
        iaf_rv_count(c->out, tot);
        P(" synthetic rows");
        if (tot > 0 && isfinite(on)) {
            P(" (");
            iaf_rv_pct(c->out, on / tot);
            P(")");
        }
        if (off > 0) {
            P("; off the reference's support ");
            iaf_rv_count(c->out, off);
        }
        if (sup > 0) {
            P("; in suppressed reference cells ");
            iaf_rv_count(c->out, sup);
        }
        if (sz > 0) {
            P("; in structural-zero cells ");
            iaf_rv_count(c->out, sz);
            P(" (a rule violation, not a distance)");
        }
        if (rs > 0) {
            P("; reference mass suppressed ");
            iaf_rv_count(c->out, rs);
        }
        P(".</p>\n");
        json_t *os = iaf_rv_arr(mc, "off_support");
        if (os && json_array_size(os))
            iaf_html_object_table(c, os, "Synthetic mass off the support", 20);
    }
}

/* Categories with a title in the spec's classification files show "code title"
 * (after the cells are placed: the grid's keys stay the codes). */
static int grid_titles(grid *g, const json_t *doc, const json_t *comp)
{
    const char *ax, *ay;
    iaf_rv_attr_names(comp, &ax, &ay);
    if (!json_array_size(json_object_get(doc, "labels"))) return 0;
    if (!(g->owned = iaf_calloc(g->nx + g->ny + 1, sizeof *g->owned))) return -1;
    for (size_t i = 0; i < g->nx; i++)
        if ((g->owned[i] = iaf_rv_code_title(doc, ax, g->xl[i]))) g->xl[i] = g->owned[i];
    for (size_t i = 0; g->has_y && i < g->ny; i++)
        if ((g->owned[g->nx + i] = iaf_rv_code_title(doc, ay, g->yl[i])))
            g->yl[i] = g->owned[g->nx + i];
    return 0;
}

/* Everything computed for one comparison: the check itself, or one of its
 * crosswalk variants. */
static int comparison_body(hctx *c, const json_t *chk, const json_t *comp)
{
    const iaf_rk_ops *ops = iaf_rk_of(iaf_rv_str(chk, "kind"));
    json_t *m = iaf_rv_obj(comp, "metrics");
    int joint = ops->signature;
    grid g;
    int gs = grid_build(&g, iaf_rv_arr(m, "cells")), rc = 0;
    if (gs == 0 && grid_titles(&g, c->doc, comp) != 0) gs = -1;
    if (gs < 0) goto fail;
    double cond;
    int has_sig = joint || (g.has_y && iaf_rv_num(m, "retention", &cond));
    if (gs == 0 && g.has_y) {
        P("<div class=\"charts\">\n");
        rc |= heatmap_figure(c, comp, &g);
        if (has_sig) signature_figure(c, chk, comp);
        P("</div>\n");
        if (joint || iaf_rv_num(m, "cond_tvd_y_given_x", &cond)) rc |= profiles(c, comp, &g);
    } else if (gs == 0) {
        rc |= bars_figure(c, comp, &g);
    } else if (joint) {
        signature_figure(c, chk, comp);
    }
    if (rc) goto fail;
    /* the kind's own panel (rkinds.c's table) */
    ops->panel(c, chk, comp);
    /* the two tables side by side when the page is wide enough */
    P("<div class=\"charts\">\n");
    metrics_table(c, comp, g.has_y || joint);
    if (gs == 0 && cells_table(c, comp, &g) != 0) goto fail;
    P("</div>\n");
    coverage_panel(c, comp);
    grid_free(&g);
    return 0;
fail:
    grid_free(&g);
    return -1;
}

static int check_panel(hctx *c, const json_t *chk)
{
    const char *id = iaf_rv_str(chk, "id"), *kind = iaf_rv_str(chk, "kind");
    const char *title = iaf_rv_str(chk, "title");
    P("<section class=\"check\" id=\"");
    iaf_rv_anchor(c->out, "check-", id);
    P("\" data-kind=\"");
    txt(c, kind ? kind : "");
    P("\">\n<h3>");
    ltxt_or(c, id, "(unnamed check)");
    P(" <small>");
    txt(c, kind ? kind : "");
    P(" check</small></h3>\n");
    if (title) {
        P("<p>");
        ltxt(c, title);
        P("</p>\n");
    }
    /* the comparisons: every crosswalk variant, or the check itself */
    json_t *vs = iaf_rv_arr(chk, "variants");
    size_t nv = vs ? json_array_size(vs) : 0;
    const json_t *first = nv ? json_array_get(vs, 0) : chk;
    verdict_box(c, chk, nv == 1 ? first : nv ? NULL : chk, 1);
    if (nv == 1) support_box(c, first);
    /* the rest folded: the verdict and its support stay in view, the tall part
     * (metrics, charts, cells) opens on demand */
    P("<details class=\"more\"><summary>Details: what was compared, metrics, charts and "
      "cells</summary>\n");
    meta_list(c, chk, first);
    if (nv > 1) variants_table(c, chk, vs);
    if (nv <= 1) {
        if (comparison_body(c, chk, first) != 0) return -1;
    } else {
        size_t i;
        json_t *v;
        json_array_foreach(vs, i, v)
        {
            const char *name = iaf_rv_str(v, "name");
            P("<section class=\"variant\">\n<h4 class=\"variant\">Variant: ");
            if (name)
                ltxt(c, name);
            else
                PF("%zu", i + 1);
            P("</h4>\n");
            verdict_box(c, v, v, 0);
            support_box(c, v);
            if (comparison_body(c, chk, v) != 0) return -1;
            P("</section>\n");
        }
    }
    P("</details>\n</section>\n");
    return 0;
}

/* ----------------------------------------------- provenance, reproduce */

static void source_item(hctx *c, const json_t *r, const char *prefix)
{
    const char *id = iaf_rv_str(r, "id");
    P("<div class=\"source\" id=\"");
    iaf_rv_anchor(c->out, prefix, id);
    P("\">\n<h4>");
    ltxt_or(c, id, "(unnamed)");
    const char *title = iaf_rv_str(r, "title");
    if (title) {
        P(" <small>");
        ltxt(c, title);
        P("</small>");
    }
    P("</h4>\n<dl class=\"meta\">\n");
    static const char *const fields[][2] = {
        {"publisher", "Publisher"},
        {"table", "Table"},
        {"year", "Year"},
        {"universe", "Universe"},
        {"licence", "Licence"},
        {"file", "File"},
        {"caveat", "Caveat (the source's words)"},
        {"notes", "Notes"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = iaf_rv_str(r, fields[i][0]);
        if (!v) continue;
        PF("<dt>%s</dt><dd>", fields[i][1]);
        if (!strcmp(fields[i][0], "file")) P("<code>");
        ltxt(c, v);
        if (!strcmp(fields[i][0], "file")) P("</code>");
        P("</dd>\n");
    }
    const char *url = iaf_rv_str(r, "url");
    if (url) {
        P("<dt>URL</dt><dd>");
        url_link(c, url);
        P("</dd>\n");
    }
    int full;
    double ne;
    if (iaf_rv_bool(r, "full_count", &full) || iaf_rv_num(r, "n_effective", &ne)) {
        P("<dt>Sampling</dt><dd>");
        if (iaf_rv_bool(r, "full_count", &full) && full)
            P("full count (no sampling error)");
        else if (iaf_rv_num(r, "n_effective", &ne)) {
            P("effective sample size ");
            iaf_rv_count(c->out, ne);
        } else {
            P("sample; no sample size given");
        }
        P("</dd>\n");
    }
    P("</dl>\n</div>\n");
}

static void provenance(hctx *c)
{
    P("<section id=\"provenance\">\n<h2>Provenance</h2>\n<details class=\"more\"><summary>"
      "References, dataset tables, disclosures and crosswalks</summary>\n");
    json_t *refs = iaf_rv_arr(c->doc, "references");
    size_t i;
    json_t *r;
    P("<h3>References</h3>\n");
    if (!refs || !json_array_size(refs)) P("<p>None.</p>\n");
    json_array_foreach(refs, i, r) source_item(c, r, "ref-");
    json_t *tabs = iaf_rv_arr(iaf_rv_obj(c->doc, "dataset"), "tables");
    if (tabs && json_array_size(tabs)) {
        P("<h3>Synthetic count tables</h3>\n<table class=\"tables\"><thead><tr>"
          "<th scope=\"col\">id</th><th scope=\"col\">file</th></tr></thead>\n<tbody>\n");
        json_array_foreach(tabs, i, r)
        {
            P("<tr>");
            td_text(c, iaf_rv_str(r, "id"));
            P("<td><code>");
            ltxt_or(c, iaf_rv_str(r, "file"), DASH);
            P("</code></td></tr>\n");
        }
        P("</tbody>\n</table>\n");
    }
    json_t *ds = iaf_rv_arr(c->doc, "disclosures");
    P("<h3>Disclosures quoted from the dataset card</h3>\n");
    if (!ds || !json_array_size(ds)) P("<p>None: every check is exploratory.</p>\n");
    json_array_foreach(ds, i, r)
    {
        const char *id = iaf_rv_str(r, "id");
        P("<div class=\"disclosure\" id=\"");
        iaf_rv_anchor(c->out, "disclosure-", id);
        P("\">\n<h4>");
        ltxt_or(c, id, "(unnamed)");
        P("</h4>\n<blockquote>");
        ltxt_or(c, iaf_rv_str(r, "quote"), "");
        P("</blockquote>\n<p class=\"note\">");
        ltxt_or(c, iaf_rv_str(r, "file"), "");
        const char *loc = iaf_rv_str(r, "locator");
        if (loc) {
            P(", ");
            ltxt(c, loc);
        }
        const char *u = iaf_rv_str(r, "url");
        if (u) {
            P("; ");
            url_link(c, u);
        }
        P("</p>\n</div>\n");
    }
    json_t *xw = iaf_rv_arr(c->doc, "crosswalks");
    if (xw && json_array_size(xw)) {
        P("<h3>Crosswalks</h3>\n<table class=\"crosswalks\"><thead><tr><th scope=\"col\">id</th>"
          "<th scope=\"col\">file</th><th scope=\"col\">note</th></tr></thead>\n<tbody>\n");
        json_array_foreach(xw, i, r)
        {
            P("<tr>");
            td_text(c, iaf_rv_str(r, "id"));
            P("<td><code>");
            ltxt_or(c, iaf_rv_str(r, "file"), DASH);
            P("</code></td>");
            td_text(c, iaf_rv_str(r, "note"));
            P("</tr>\n");
        }
        P("</tbody>\n</table>\n");
    }
    P("</details>\n</section>\n");
}

static void reproducibility(hctx *c)
{
    json_t *rp = iaf_rv_obj(c->doc, "reproducibility");
    P("<section id=\"reproducibility\">\n<h2>Reproducibility</h2>\n<dl class=\"meta\">\n");
    const char *ver = iaf_rv_str(rp, "iaf_version"), *cmd = iaf_rv_str(rp, "command_line");
    P("<dt>iaf version</dt><dd>");
    ltxt_or(c, ver, "unknown");
    P("</dd>\n<dt>Command line</dt><dd><code>");
    ltxt_or(c, cmd, "unknown");
    P("</code></dd>\n");
    /* bootstrap settings: one line per distinct setting across checks */
    json_t *checks = iaf_rv_arr(c->doc, "checks");
    size_t i;
    json_t *k;
    iaf_buf seen = {0};
    json_array_foreach(checks, i, k)
    {
        json_t *b = iaf_rv_obj(iaf_rv_obj(k, "metrics"), "bootstrap");
        if (!b) continue;
        iaf_buf line = {0};
        double bb = iaf_rv_numv(b, "B"), seed = iaf_rv_numv(b, "seed"),
               lvl = iaf_rv_numv(b, "level");
        iaf_rv_puts(&line, "B = ");
        iaf_rv_count(&line, bb);
        iaf_rv_puts(&line, ", seed ");
        iaf_rv_fixed(&line, seed, 0);
        iaf_rv_puts(&line, ", level ");
        iaf_rv_fixed(&line, lvl, 2);
        iaf_rv_puts(&line, "\n");
        if (line.data && (!seen.data || !strstr(seen.data, line.data))) {
            iaf_rv_append(&seen, line.data, line.len);
            P("<dt>Bootstrap</dt><dd>");
            iaf_rv_append(c->out, line.data, line.len - 1);
            P("</dd>\n");
        }
        iaf_buf_free(&line);
    }
    iaf_buf_free(&seen);
    P("</dl>\n");
    json_t *inputs = iaf_rv_arr(rp, "inputs");
    if (inputs && json_array_size(inputs)) {
        P("<div class=\"scroll\"><table class=\"inputs\"><caption>Inputs (SHA-256)</caption>\n"
          "<thead><tr>"
          "<th scope=\"col\">role</th><th scope=\"col\">path</th><th scope=\"col\">SHA-256</th>"
          "</tr></thead>\n<tbody>\n");
        json_t *in;
        json_array_foreach(inputs, i, in)
        {
            P("<tr>");
            td_text(c, iaf_rv_str(in, "role"));
            P("<td><code>");
            ltxt_or(c, iaf_rv_str(in, "path"), DASH);
            P("</code></td><td class=\"mono\">");
            txt(c, iaf_rv_str(in, "sha256") ? iaf_rv_str(in, "sha256") : DASH);
            P("</td></tr>\n");
        }
        P("</tbody>\n</table></div>\n");
    }
    int any = 0;
    json_array_foreach(checks, i, k)
    {
        json_t *th = iaf_rv_obj(k, "thresholds");
        if (!th || !json_object_size(th)) continue;
        if (!any++)
            P("<table class=\"thresholds\"><caption>Thresholds</caption>\n<thead><tr>"
              "<th scope=\"col\">check</th><th scope=\"col\">screening metrics</th></tr>"
              "</thead>\n<tbody>\n");
        P("<tr>");
        td_text(c, iaf_rv_str(k, "id"));
        P("<td>");
        const char *key;
        json_t *v;
        int first = 1;
        json_object_foreach(th, key, v)
        {
            if (!first) P(", ");
            first = 0;
            txt(c, key);
            P(" = ");
            if (json_is_number(v))
                iaf_rv_fixed(c->out, json_number_value(v), 2);
            else
                P(DASH);
        }
        P("</td></tr>\n");
    }
    if (any) P("</tbody>\n</table>\n");
    P("</section>\n");
}

iaf_status iaf_report_html(const iaf_report_model *m, iaf_buf *out, iaf_error *err)
{
    const json_t *doc = m->doc;
    iaf_status st = IAF_OK;
    iaf_rv_oom_reset();
    hctx ctx = {out, {out, 0, 0}, doc, m, 0};
    hctx *c = &ctx;
    const char *name = m->name;
    P("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"iaf\">\n<title>IAF audit: ");
    title_text(c, name ? name : "report", 70 - 11);
    P("</title>\n<style>\n");
    P(css);
    P(css_layout);
    for (int w = 8; w <= 32; w++)
        PF(".w%d{max-width:%dpx}", w, w * 40);
    P("\n");
    P("</style>\n</head>\n<body>\n");
    head_section(c);
    P("<main>\n");
    answer_section(c);
    iaf_html_overview(c);
    claims_section(c);
    toc(c);
    headline(c);
    if (m->nchecks) P("<h2 id=\"checks\">Checks</h2>\n");
    for (size_t i = 0; i < m->nchecks; i++) {
        if (check_panel(c, m->checks[i]) != 0) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory rendering HTML");
            goto done;
        }
    }
    provenance(c);
    reproducibility(c);
    P("</main>\n<footer><p class=\"note\">Rendered by iaf ");
    const char *ver = iaf_rv_str(iaf_rv_obj(doc, "reproducibility"), "iaf_version");
    txt(c, ver ? ver : "");
    P(" from report.json (schema iaf-report/1). The page is self-contained; cells.csv next to "
      "it has every compared cell.</p></footer>\n<script>\n");
    P(js);
    P("</script>\n</body>\n</html>\n");
    if (iaf_rv_oom_failed())
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory rendering HTML");
done:
    return st;
}
