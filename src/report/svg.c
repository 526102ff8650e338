/* src/report/svg.c - see svg.h.
 *
 * Layout is computed here from estimated text widths, because a static
 * SVG cannot measure its own text; the estimates are generous so that
 * Hangul and kana labels (one em per character) never overlap the plot. */
#include "report/svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/rtext.h"
#include "util/util.h"

#define FS 11.0         /* label font size */
#define LABEL_MAX 230.0 /* longest label drawn in full; longer ones are cut with an ellipsis */
#define ELLIPSIS "\xE2\x80\xA6"
#define MINUS "\xE2\x88\x92"

/* Colours: synthetic in blue, reference in grey, regions in pale tints;
 * the heat map uses ColorBrewer's RdBu, which stays readable for the
 * common colour-vision deficiencies. */
#define C_SYN "#2b6cb0"
#define C_REF "#4a5568"
#define C_REF_LIGHT "#a0aec0"
#define C_AXIS "#4a5568"
#define C_GRID "#e2e8f0"

void iaf_svg_escape_n(iaf_buf *b, const char *s, size_t n)
{
    if (!s) return;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            /* HTML forbids most C0 controls; report.json may carry them */
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) rep = "\xEF\xBF\xBD";
        }
        if (rep) {
            iaf_rv_append(b, s + start, i - start);
            iaf_rv_puts(b, rep);
            start = i + 1;
        }
    }
    iaf_rv_append(b, s + start, n - start);
}

void iaf_svg_escape(iaf_buf *b, const char *s)
{
    if (s) iaf_svg_escape_n(b, s, strlen(s));
}

/* Decode one UTF-8 code point (input is valid UTF-8: jansson checked it). */
static unsigned utf8_next(const char **p)
{
    const unsigned char *s = (const unsigned char *)*p;
    unsigned c = s[0];
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n == 2)
        c &= 0x1F;
    else if (n == 3)
        c &= 0x0F;
    else if (n == 4)
        c &= 0x07;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            n = i;
            break;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *p += n;
    return c;
}

static double cp_width(unsigned c, double fs)
{
    if (c >= 0x1100 && (c <= 0x115F || (c >= 0x2E80 && c <= 0xA4CF) ||
                        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                        (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                        (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD)))
        return fs;
    if (c == ' ' || c == '.' || c == ',' || c == ':' || c == ';' || c == 'i' || c == 'l' ||
        c == '|' || c == '(' || c == ')')
        return 0.32 * fs;
    if (c >= 'A' && c <= 'Z') return 0.68 * fs;
    return 0.58 * fs;
}

double iaf_svg_text_width(const char *s, double fs)
{
    double w = 0;
    if (!s) return 0;
    while (*s)
        w += cp_width(utf8_next(&s), fs);
    return w;
}

/* Bytes of s that fit in maxw including a trailing ellipsis; *cut = 1 when
 * s had to be shortened. */
static size_t fit_len(const char *s, double fs, double maxw, int *cut)
{
    *cut = 0;
    if (!s) return 0;
    if (iaf_svg_text_width(s, fs) <= maxw) return strlen(s);
    *cut = 1;
    double w = fs; /* the ellipsis */
    const char *p = s;
    while (*p) {
        const char *q = p;
        double cw = cp_width(utf8_next(&q), fs);
        if (w + cw > maxw) break;
        w += cw;
        p = q;
    }
    return (size_t)(p - s);
}

static double label_col_width(const char *const *labels, size_t n, double fs)
{
    double w = 0;
    for (size_t i = 0; i < n; i++)
        w = fmax(w, iaf_svg_text_width(labels[i], fs));
    return fmin(w, LABEL_MAX);
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void num(iaf_buf *b, double v)
{
    iaf_rv_fixed(b, v, 1);
}

/* <text> with a label cut to maxw; a cut label keeps its full text in a
 * <title> so that hovering shows it. attrs are extra attributes. */
static void label_text(iaf_buf *b, double x, double y, const char *anchor, const char *s,
                       double maxw, const char *attrs)
{
    int cut;
    size_t n = fit_len(s ? s : "", FS, maxw, &cut);
    iaf_rv_puts(b, "<text x=\"");
    num(b, x);
    iaf_rv_puts(b, "\" y=\"");
    num(b, y);
    iaf_rv_printf(b, "\" text-anchor=\"%s\"%s%s>", anchor, attrs ? " " : "", attrs ? attrs : "");
    if (cut) {
        iaf_rv_puts(b, "<title>");
        iaf_svg_escape(b, s);
        iaf_rv_puts(b, "</title>");
    }
    iaf_svg_escape_n(b, s ? s : "", n);
    if (cut) iaf_rv_puts(b, ELLIPSIS);
    iaf_rv_puts(b, "</text>\n");
}

static void text_at(iaf_buf *b, double x, double y, const char *anchor, const char *cls,
                    const char *s)
{
    iaf_rv_puts(b, "<text x=\"");
    num(b, x);
    iaf_rv_puts(b, "\" y=\"");
    num(b, y);
    iaf_rv_printf(b, "\" text-anchor=\"%s\"", anchor);
    if (cls) iaf_rv_printf(b, " class=\"%s\"", cls);
    iaf_rv_puts(b, ">");
    iaf_svg_escape(b, s);
    iaf_rv_puts(b, "</text>\n");
}

static void line(iaf_buf *b, double x1, double y1, double x2, double y2, const char *stroke,
                 const char *extra)
{
    iaf_rv_puts(b, "<line x1=\"");
    num(b, x1);
    iaf_rv_puts(b, "\" y1=\"");
    num(b, y1);
    iaf_rv_puts(b, "\" x2=\"");
    num(b, x2);
    iaf_rv_puts(b, "\" y2=\"");
    num(b, y2);
    iaf_rv_printf(b, "\" stroke=\"%s\"%s%s/>\n", stroke, extra ? " " : "", extra ? extra : "");
}

/* An open <rect ...> (the caller closes it with "/>" or adds a <title>). */
static void rect_open(iaf_buf *b, double x, double y, double w, double h, const char *fill)
{
    iaf_rv_puts(b, "<rect x=\"");
    num(b, x);
    iaf_rv_puts(b, "\" y=\"");
    num(b, y);
    iaf_rv_puts(b, "\" width=\"");
    num(b, fmax(w, 0));
    iaf_rv_puts(b, "\" height=\"");
    num(b, fmax(h, 0));
    iaf_rv_printf(b, "\" fill=\"%s\"", fill);
}

static void open_svg(iaf_svg *g, const char *cls, double w, double h, const char *title,
                     const char *desc)
{
    iaf_buf *b = g->out;
    unsigned id = ++g->seq;
    w = ceil(w);
    h = ceil(h);
    g->width = w;
    iaf_rv_printf(b,
                  "<svg class=\"chart %s\" role=\"img\" aria-labelledby=\"svg%u-t svg%u-d\" "
                  "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-size=\"%.0f\">\n",
                  cls, id, id, w, h, w, h, FS);
    iaf_rv_printf(b, "<title id=\"svg%u-t\">", id);
    iaf_svg_escape(b, title);
    iaf_rv_printf(b, "</title>\n<desc id=\"svg%u-d\">", id);
    iaf_svg_escape(b, desc);
    iaf_rv_puts(b, "</desc>\n");
}

static void close_svg(iaf_svg *g)
{
    iaf_rv_puts(g->out, "</svg>\n");
}

/* The smallest of 1, 2, 2.5, 5 x 10^k that is >= v (v > 0). */
static double nice_ceil(double v)
{
    if (!(v > 0) || !isfinite(v)) return 1;
    double e = pow(10, floor(log10(v)));
    double f = v / e;
    /* guard against log10 rounding (v exactly a power of ten) */
    if (f < 1) {
        e /= 10;
        f = v / e;
    }
    const double steps[] = {1, 2, 2.5, 5, 10};
    for (size_t i = 0; i < 5; i++)
        if (f <= steps[i] * (1 + 1e-12)) return steps[i] * e;
    return 10 * e;
}

static int tick_decimals(double step)
{
    if (!(step > 0) || !isfinite(step)) return 0;
    double dd = -floor(log10(step) + 1e-9);
    int d = dd < 0 ? 0 : dd > 6 ? 6 : (int)dd;
    /* 2.5 needs one more decimal than 2 */
    while (d < 6 && fabs(step * pow(10, d) - round(step * pow(10, d))) > 1e-6)
        d++;
    return d;
}

void iaf_svg_diverging(double t, char buf[8])
{
    /* RdBu, 11 classes, from -1 (dark blue: synthetic below reference) to
     * +1 (dark red: synthetic above). */
    static const unsigned char pal[11][3] = {
        {0x05, 0x30, 0x61}, {0x21, 0x66, 0xac}, {0x43, 0x93, 0xc3}, {0x92, 0xc5, 0xde},
        {0xd1, 0xe5, 0xf0}, {0xf7, 0xf7, 0xf7}, {0xfd, 0xdb, 0xc7}, {0xf4, 0xa5, 0x82},
        {0xd6, 0x60, 0x4d}, {0xb2, 0x18, 0x2b}, {0x67, 0x00, 0x1f}};
    if (!isfinite(t)) t = 0;
    t = fmax(-1, fmin(1, t));
    double pos = (t + 1) * 5; /* 0..10 */
    int i = (int)floor(pos);
    if (i >= 10) i = 9;
    double f = pos - i;
    int c[3];
    for (int k = 0; k < 3; k++)
        c[k] = (int)lround(pal[i][k] + f * (pal[i + 1][k] - pal[i][k]));
    snprintf(buf, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

static void pp_text(iaf_buf *b, double pp, int digits)
{
    if (!isfinite(pp)) {
        iaf_rv_fixed(b, pp, digits);
        return;
    }
    char t[64];
    snprintf(t, sizeof t, "%.*f", digits, fabs(pp));
    int zero = 1;
    for (const char *q = t; *q; q++)
        if (*q >= '1' && *q <= '9') zero = 0;
    /* what rounds to zero has no sign; a real minus sign reads better than
     * a hyphen in charts */
    if (!zero) iaf_rv_puts(b, pp < 0 ? MINUS : "+");
    iaf_rv_puts(b, t);
}

static void share_title(iaf_buf *b, double s, double r)
{
    iaf_rv_puts(b, "synthetic ");
    iaf_rv_pct(b, s);
    iaf_rv_puts(b, ", reference ");
    iaf_rv_pct(b, r);
    iaf_rv_puts(b, ", difference ");
    pp_text(b, (s - r) * 100, 2);
    iaf_rv_puts(b, " pp");
}

/* Legend of the diverging scale from -m to +m pp at (x, y). */
static void diverging_legend(iaf_buf *b, double x, double y, double m)
{
    const int steps = 11;
    const double w = 18;
    for (int i = 0; i < steps; i++) {
        char col[8];
        iaf_svg_diverging(-1 + 2.0 * i / (steps - 1), col);
        rect_open(b, x + i * w, y, w, 10, col);
        iaf_rv_puts(b, "/>\n");
    }
    iaf_buf lab = {0};
    pp_text(&lab, -m, tick_decimals(m));
    text_at(b, x, y + 22, "start", NULL, lab.data);
    lab.len = 0;
    pp_text(&lab, m, tick_decimals(m));
    iaf_rv_puts(&lab, " pp");
    text_at(b, x + steps * w, y + 22, "end", NULL, lab.data);
    text_at(b, x + steps * w / 2, y + 22, "middle", NULL, "0");
    iaf_buf_free(&lab);
    text_at(b, x, y + 36, "start", "note",
            "synthetic " MINUS " reference: blue = synthetic lower, red = higher");
}

void iaf_svg_heatmap(iaf_svg *g, const iaf_svg_heat *h)
{
    iaf_buf *b = g->out;
    const double ch = 20;
    double cw = h->ncols <= 6 ? 64 : h->ncols <= 12 ? 52 : 38;
    double rw = label_col_width(h->rows, h->nrows, FS);
    double colw = label_col_width(h->cols, h->ncols, FS);
    if (colw > 170) colw = 170;
    int rotate = colw > cw - 6;
    /* the row attribute's name sits above the row labels, in bold */
    double left = fmax(rw, iaf_svg_text_width(h->row_attr, FS) * 1.15 + FS) + 16;
    double top = 24 + (rotate ? colw * 0.7072 + 10 : FS + 10);
    double gw = cw * (double)h->ncols, gh = ch * (double)h->nrows;
    double W = fmax(left + gw + (rotate ? colw * 0.7072 : 0) + 16, left + 11 * 18 + 120);
    double H = top + gh + 62;

    double m = 0;
    size_t n = h->nrows * h->ncols;
    for (size_t i = 0; i < n; i++) {
        if ((h->rest_row && i / h->ncols == h->nrows - 1) ||
            (h->rest_col && i % h->ncols == h->ncols - 1))
            continue;
        if (!(h->state && h->state[i]) && isfinite(h->s[i]) && isfinite(h->r[i]))
            m = fmax(m, fabs(h->s[i] - h->r[i]) * 100);
    }
    m = nice_ceil(m > 0 ? m : 1);

    open_svg(g, "heatmap", W, H, h->title, h->desc);
    /* axis names: the column attribute across the top, the row attribute
     * above the row labels */
    iaf_buf t = {0};
    iaf_rv_puts(&t, h->col_attr ? h->col_attr : "");
    iaf_rv_puts(&t, " \xE2\x86\x92");
    text_at(b, left, 14, "start", "axis", t.data);
    t.len = 0;
    iaf_rv_puts(&t, h->row_attr ? h->row_attr : "");
    iaf_rv_puts(&t, " \xE2\x86\x93");
    text_at(b, left - 8, top - 6, "end", "axis", t.data);
    for (size_t j = 0; j < h->ncols; j++) {
        double cx = left + cw * (double)j + cw / 2;
        if (!rotate) {
            label_text(b, cx, top - 6, "middle", h->cols[j], cw - 4, NULL);
        } else {
            t.len = 0;
            iaf_rv_puts(&t, "transform=\"rotate(-45 ");
            num(&t, cx);
            iaf_rv_puts(&t, " ");
            num(&t, top - 6);
            iaf_rv_puts(&t, ")\"");
            label_text(b, cx, top - 6, "start", h->cols[j], colw, t.data);
        }
    }
    for (size_t i = 0; i < h->nrows; i++)
        label_text(b, left - 8, top + ch * (double)i + ch / 2 + 4, "end", h->rows[i], LABEL_MAX,
                   NULL);
    int digits = cw >= 52 ? 2 : 1;
    for (size_t i = 0; i < h->nrows; i++)
        for (size_t j = 0; j < h->ncols; j++) {
            size_t k = i * h->ncols + j;
            double x = left + cw * (double)j, y = top + ch * (double)i;
            int compared = !(h->state && h->state[k]) && isfinite(h->s[k]) && isfinite(h->r[k]);
            double pp = compared ? (h->s[k] - h->r[k]) * 100 : NAN;
            char col[8];
            if (compared)
                iaf_svg_diverging(pp / m, col);
            else
                snprintf(col, sizeof col, "#d9d9d9");
            rect_open(b, x, y, cw - 1, ch - 1, col);
            iaf_rv_puts(b, "><title>");
            iaf_svg_escape(b, h->rows[i]);
            iaf_rv_puts(b, " \xC3\x97 ");
            iaf_svg_escape(b, h->cols[j]);
            iaf_rv_puts(b, ": ");
            if (compared) {
                share_title(b, h->s[k], h->r[k]);
            } else {
                iaf_rv_puts(b, "not compared");
                if (h->state && h->state[k]) {
                    iaf_rv_puts(b, " (reference cell ");
                    iaf_svg_escape(b, h->state[k]);
                    iaf_rv_puts(b, ")");
                }
            }
            iaf_rv_puts(b, "</title></rect>\n");
            if (compared && cw >= 38) {
                t.len = 0;
                pp_text(&t, pp, digits);
                iaf_rv_puts(b, "<text x=\"");
                num(b, x + cw / 2);
                iaf_rv_puts(b, "\" y=\"");
                num(b, y + ch / 2 + 3.5);
                iaf_rv_printf(b,
                              "\" text-anchor=\"middle\" font-size=\"10\" fill=\"%s\" "
                              "aria-hidden=\"true\">",
                              fabs(pp / m) > 0.55 ? "#ffffff" : "#1a202c");
                iaf_rv_append(b, t.data, t.len);
                iaf_rv_puts(b, "</text>\n");
            }
        }
    diverging_legend(b, left, top + gh + 14, m);
    iaf_buf_free(&t);
    close_svg(g);
}

/* Ticks along a horizontal axis from x0 (value v0) to x1 (value v1). */
static void x_ticks(iaf_buf *b, double x0, double x1, double y, double v0, double v1, int nt,
                    double scale, const char *suffix, double grid_top)
{
    double step = (v1 - v0) / nt;
    int d = tick_decimals(step * scale);
    line(b, x0, y, x1, y, C_AXIS, NULL);
    for (int i = 0; i <= nt; i++) {
        double v = v0 + step * i;
        double x = x0 + (x1 - x0) * (v - v0) / (v1 - v0);
        if (grid_top < y) line(b, x, grid_top, x, y, C_GRID, NULL);
        line(b, x, y, x, y + 4, C_AXIS, NULL);
        iaf_buf t = {0};
        if (v * scale < 0) {
            iaf_rv_puts(&t, MINUS);
            iaf_rv_fixed(&t, -v * scale, d);
        } else {
            iaf_rv_fixed(&t, v * scale, d);
        }
        if (suffix) iaf_rv_puts(&t, suffix);
        text_at(b, x, y + 15, "middle", NULL, t.data);
        iaf_buf_free(&t);
    }
}

void iaf_svg_diffbars(iaf_svg *g, const iaf_svg_bars *p)
{
    iaf_buf *b = g->out;
    const double rh = 20, pw = 360;
    double left = label_col_width(p->labels, p->n, FS) + 16;
    double top = 26;
    double m = 0;
    for (size_t i = 0; i < p->n; i++) {
        double d = (p->s[i] - p->r[i]) * 100;
        if (p->last_is_rest && i == p->n - 1) continue;
        if (isfinite(d)) m = fmax(m, fabs(d));
        if (p->lo_pp && isfinite(p->lo_pp[i])) m = fmax(m, fabs(p->lo_pp[i]));
        if (p->hi_pp && isfinite(p->hi_pp[i])) m = fmax(m, fabs(p->hi_pp[i]));
    }
    m = nice_ceil(m > 0 ? m : 0.1);
    double W = left + pw + 84, H = top + rh * (double)p->n + 40;
    double x0 = left, xc = left + pw / 2, x1 = left + pw;
    open_svg(g, "diffbars", W, H, p->title, p->desc);
    text_at(b, x0, 14, "start", "axis", "synthetic " MINUS " reference share, percentage points");
    x_ticks(b, x0, x1, top + rh * (double)p->n + 4, -m, m, 4, 1, NULL, top - 4);
    for (size_t i = 0; i < p->n; i++) {
        double y = top + rh * (double)i;
        double d = (p->s[i] - p->r[i]) * 100;
        label_text(b, left - 8, y + rh / 2 + 4, "end", p->labels[i], LABEL_MAX, NULL);
        if (!isfinite(d)) continue;
        double xe = xc + clampd(d / m, -1, 1) * (pw / 2);
        char col[8];
        iaf_svg_diverging(d >= 0 ? 0.75 : -0.75, col);
        rect_open(b, fmin(xc, xe), y + 4, fabs(xe - xc), rh - 8, col);
        iaf_rv_puts(b, "><title>");
        iaf_svg_escape(b, p->labels[i]);
        iaf_rv_puts(b, ": ");
        share_title(b, p->s[i], p->r[i]);
        iaf_rv_puts(b, "</title></rect>\n");
        if (p->lo_pp && p->hi_pp && isfinite(p->lo_pp[i]) && isfinite(p->hi_pp[i])) {
            double a = xc + clampd(p->lo_pp[i] / m, -1, 1) * (pw / 2),
                   c = xc + clampd(p->hi_pp[i] / m, -1, 1) * (pw / 2);
            line(b, a, y + rh / 2, c, y + rh / 2, "#1a202c", NULL);
            line(b, a, y + 6, a, y + rh - 6, "#1a202c", NULL);
            line(b, c, y + 6, c, y + rh - 6, "#1a202c", NULL);
        }
        iaf_buf t = {0};
        pp_text(&t, d, 2);
        iaf_rv_puts(&t, " pp");
        text_at(b, x1 + 8, y + rh / 2 + 4, "start", NULL, t.data);
        iaf_buf_free(&t);
    }
    line(b, xc, top - 4, xc, top + rh * (double)p->n + 4, "#1a202c", NULL);
    close_svg(g);
}

void iaf_svg_pairs_chart(iaf_svg *g, const iaf_svg_pairs *p)
{
    iaf_buf *b = g->out;
    const double pw = 320, rh = p->b ? 22 : 18;
    double scale = p->unit ? 1 : 100; /* shares shown in % */
    double left = label_col_width(p->labels, p->n, FS) + 16;
    double top = 30;
    double m = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (p->last_is_rest && i == p->n - 1) continue;
        if (isfinite(p->a[i])) m = fmax(m, p->a[i] * scale);
        if (p->b && isfinite(p->b[i])) m = fmax(m, p->b[i] * scale);
    }
    m = nice_ceil(m > 0 ? m : 1);
    double W = left + pw + 90, H = top + rh * (double)p->n + 40;
    open_svg(g, "pairs", W, H, p->title, p->desc);
    /* legend */
    rect_open(b, left, 6, 10, 10, C_SYN);
    iaf_rv_puts(b, "/>\n");
    text_at(b, left + 14, 15, "start", NULL, p->a_name);
    if (p->b) {
        double x = left + 30 + iaf_svg_text_width(p->a_name, FS);
        rect_open(b, x, 6, 10, 10, C_REF_LIGHT);
        iaf_rv_puts(b, "/>\n");
        text_at(b, x + 14, 15, "start", NULL, p->b_name);
    }
    x_ticks(b, left, left + pw, top + rh * (double)p->n + 4, 0, m / scale, 5, scale,
            p->unit ? NULL : "%", top - 4);
    iaf_buf t = {0};
    for (size_t i = 0; i < p->n; i++) {
        double y = top + rh * (double)i;
        label_text(b, left - 8, y + rh / 2 + 4, "end", p->labels[i], LABEL_MAX, NULL);
        for (int k = 0; k < (p->b ? 2 : 1); k++) {
            double v = k ? p->b[i] : p->a[i];
            if (!isfinite(v)) continue;
            double bh = p->b ? 8 : 12, by = y + 3 + (double)k * (bh + 1);
            rect_open(b, left, by, fmin(v * scale / m, 1.0) * pw, bh, k ? C_REF_LIGHT : C_SYN);
            iaf_rv_puts(b, "><title>");
            iaf_svg_escape(b, p->labels[i]);
            iaf_rv_puts(b, ", ");
            iaf_svg_escape(b, k ? p->b_name : p->a_name);
            iaf_rv_puts(b, ": ");
            t.len = 0;
            if (p->unit) {
                iaf_rv_count(&t, v);
                iaf_rv_puts(&t, " ");
                iaf_rv_puts(&t, p->unit);
            } else {
                iaf_rv_pct(&t, v);
            }
            iaf_rv_append(b, t.data, t.len);
            iaf_rv_puts(b, "</title></rect>\n");
        }
        /* the values, so the chart reads without hovering */
        t.len = 0;
        if (p->unit) {
            iaf_rv_count(&t, p->a[i]);
        } else {
            iaf_rv_pct(&t, p->a[i]);
            if (p->b) {
                iaf_rv_puts(&t, " / ");
                iaf_rv_pct(&t, p->b[i]);
            }
        }
        text_at(b, left + pw + 6, y + rh / 2 + 4, "start", "note", t.data);
    }
    iaf_buf_free(&t);
    close_svg(g);
}

/* The signature's plot area; the single- and multi-point charts share it. */
#define SIG_LEFT 46.0
#define SIG_TOP 12.0
#define SIG_PW 300.0
#define SIG_PH 220.0
#define SX(v) (SIG_LEFT + clampd((v), 0, xmax) / xmax * SIG_PW)
#define SY(v) (SIG_TOP + SIG_PH - clampd((v), 0, ymax) / ymax * SIG_PH)

/* The axis range that shows v (and its interval end hi): at least lo_max,
 * in steps of 0.5, at most 5 (beyond that points are clipped). */
static double sig_range(double v, double hi, double lo_max)
{
    double m = fmax(v, isfinite(hi) ? hi : 0);
    return isfinite(m) && m > lo_max ? fmin(ceil(m * 1.1 * 2) / 2, 5) : lo_max;
}

/* Everything but the points: regions, reference lines, axes. */
static void sig_frame(iaf_svg *g, const char *title, const char *desc, double fthr, double rthr,
                      double xmax, double ymax, double extra_h)
{
    iaf_buf *b = g->out;
    double W = SIG_LEFT + SIG_PW + 16, H = SIG_TOP + SIG_PH + 40 + extra_h;
    open_svg(g, "signature", W, H, title, desc);
    struct {
        double x0, x1, y0, y1;
        const char *fill, *name;
    } reg[] = {
        {0, xmax, 1, ymax, "#fde2e2", "distorted"},
        {0, rthr, 0, 1, "#feebc8", "flattened"},
        {1.5, xmax, 0, 1, "#e9d8fd", "exaggerated"},
        {rthr, 1.5, 0, fthr, "#d4f0dc", "faithful"},
    };
    for (size_t i = 0; i < sizeof reg / sizeof reg[0]; i++) {
        if (reg[i].x1 <= reg[i].x0 || reg[i].y1 <= reg[i].y0) continue;
        rect_open(b, SX(reg[i].x0), SY(reg[i].y1), SX(reg[i].x1) - SX(reg[i].x0),
                  SY(reg[i].y0) - SY(reg[i].y1), reg[i].fill);
        iaf_rv_puts(b, "/>\n");
        text_at(b, (SX(reg[i].x0) + SX(reg[i].x1)) / 2, SY(reg[i].y1) + 14, "middle", "region",
                reg[i].name);
    }
    line(b, SX(1), SIG_TOP, SX(1), SIG_TOP + SIG_PH, C_AXIS, "stroke-dasharray=\"3 3\"");
    line(b, SIG_LEFT, SY(1), SIG_LEFT + SIG_PW, SY(1), C_AXIS, "stroke-dasharray=\"3 3\"");
    x_ticks(b, SIG_LEFT, SIG_LEFT + SIG_PW, SIG_TOP + SIG_PH, 0, xmax, (int)lround(xmax * 2), 1,
            NULL, SIG_TOP + SIG_PH);
    text_at(b, SIG_LEFT + SIG_PW / 2, SIG_TOP + SIG_PH + 32, "middle", "axis",
            "retention (dependence kept: 1 = all, 0 = none)");
    line(b, SIG_LEFT, SIG_TOP, SIG_LEFT, SIG_TOP + SIG_PH, C_AXIS, NULL);
    int nt = (int)lround(ymax * 2);
    for (int i = 0; i <= nt; i++) {
        double v = ymax * i / nt;
        line(b, SIG_LEFT - 4, SY(v), SIG_LEFT, SY(v), C_AXIS, NULL);
        iaf_buf t = {0};
        iaf_rv_fixed(&t, v, 1);
        text_at(b, SIG_LEFT - 6, SY(v) + 4, "end", NULL, t.data);
        iaf_buf_free(&t);
    }
    iaf_buf t = {0};
    iaf_rv_puts(&t, "transform=\"rotate(-90 12 ");
    num(&t, SIG_TOP + SIG_PH / 2);
    iaf_rv_puts(&t, ")\" class=\"axis\"");
    label_text(b, 12, SIG_TOP + SIG_PH / 2, "middle", "footprint_dep (1 = independence)", SIG_PH,
               t.data);
    iaf_buf_free(&t);
}

/* "retention 0.950 [0.900, 1.000], footprint_dep 0.120 [0.050, 0.200]" */
static void sig_point_text(iaf_buf *t, double ret, double rlo, double rhi, double fp, double flo,
                           double fhi)
{
    iaf_rv_puts(t, "retention ");
    iaf_rv_estimate_text(t, ret, rlo, rhi, 3);
    iaf_rv_puts(t, ", footprint_dep ");
    iaf_rv_estimate_text(t, fp, flo, fhi, 3);
}

void iaf_svg_signature(iaf_svg *g, const iaf_svg_sig *s)
{
    iaf_buf *b = g->out;
    double fthr = isfinite(s->fp_threshold) ? s->fp_threshold : 0.5;
    double rthr = isfinite(s->ret_threshold) ? s->ret_threshold : 0.5;
    double xmax = sig_range(s->retention, s->ret_hi, 2);
    double ymax = sig_range(s->footprint, s->fp_hi, 1.5);
    sig_frame(g, s->title, s->desc, fthr, rthr, xmax, ymax, 0);
    iaf_buf t = {0};
    if (isfinite(s->retention) && isfinite(s->footprint)) {
        double px = SX(s->retention), py = SY(s->footprint);
        if (isfinite(s->ret_lo) && isfinite(s->ret_hi))
            line(b, SX(s->ret_lo), py, SX(s->ret_hi), py, "#1a202c", "stroke-width=\"1.5\"");
        if (isfinite(s->fp_lo) && isfinite(s->fp_hi))
            line(b, px, SY(s->fp_lo), px, SY(s->fp_hi), "#1a202c", "stroke-width=\"1.5\"");
        iaf_rv_puts(b, "<circle cx=\"");
        num(b, px);
        iaf_rv_puts(b, "\" cy=\"");
        num(b, py);
        iaf_rv_puts(b, "\" r=\"5\" fill=\"" C_SYN "\" stroke=\"#ffffff\"><title>");
        sig_point_text(&t, s->retention, s->ret_lo, s->ret_hi, s->footprint, s->fp_lo, s->fp_hi);
        iaf_svg_escape(b, t.data);
        iaf_rv_puts(b, "</title></circle>\n");
        if (s->retention > xmax || s->footprint > ymax)
            text_at(b, px - 8, py + 16, "end", "note", "(off the scale: clipped)");
    }
    iaf_buf_free(&t);
    close_svg(g);
}

/* Marks coloured by verdict: the hues of report.html's badges, dark enough
 * for white text on them. */
static const char *verdict_fill(const char *v)
{
    if (!v) return "#718096";
    if (!strcmp(v, "PASS")) return "#2f855a";
    if (!strcmp(v, "FLAG")) return "#c53030";
    if (!strcmp(v, "INCONCLUSIVE")) return "#b7791f";
    return "#718096";
}

/* Text in the badge colours (contrast >= 4.5:1 on white). */
static const char *verdict_ink(const char *v)
{
    if (!v) return "#4a5568";
    if (!strcmp(v, "PASS")) return "#1e5631";
    if (!strcmp(v, "FLAG")) return "#8a1c1c";
    if (!strcmp(v, "INCONCLUSIVE")) return "#7a4d00";
    return "#4a5568";
}

/* Where a point's number goes: the first place around the point that
 * overlaps no other number and no other point. */
typedef struct box {
    double x0, y0, x1, y1;
} box;

static int box_hits(const box *a, const box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

void iaf_svg_signatures(iaf_svg *g, const iaf_svg_sigs *s)
{
    iaf_buf *b = g->out;
    double fthr = isfinite(s->fp_threshold) ? s->fp_threshold : 0.5;
    double rthr = isfinite(s->ret_threshold) ? s->ret_threshold : 0.5;
    /* One far point must not squeeze the others into a corner: the axes
     * stop at 3, and points beyond are drawn hollow at the edge. */
    double xmax = 2, ymax = 1.5;
    for (size_t i = 0; i < s->n; i++) {
        xmax = fmax(xmax, fmin(sig_range(s->pts[i].retention, s->pts[i].ret_hi, 2), 3));
        ymax = fmax(ymax, fmin(sig_range(s->pts[i].footprint, s->pts[i].fp_hi, 1.5), 3));
    }
    int clipped = 0;
    for (size_t i = 0; i < s->n; i++)
        clipped |= s->pts[i].retention > xmax || s->pts[i].footprint > ymax;
    sig_frame(g, s->title, s->desc, fthr, rthr, xmax, ymax, clipped ? 16 : 0);
    if (clipped)
        text_at(b, SIG_LEFT, SIG_TOP + SIG_PH + 50, "start", "note",
                "Hollow: off the scale, drawn at its edge (hover for the values).");
    iaf_buf t = {0};
    /* intervals first, so that no interval line crosses another point */
    for (size_t i = 0; i < s->n; i++) {
        const iaf_svg_sig_point *p = &s->pts[i];
        if (!isfinite(p->retention) || !isfinite(p->footprint)) continue;
        double px = SX(p->retention), py = SY(p->footprint);
        const char *col = verdict_fill(p->verdict);
        if (isfinite(p->ret_lo) && isfinite(p->ret_hi))
            line(b, SX(p->ret_lo), py, SX(p->ret_hi), py, col,
                 "stroke-width=\"1.5\" stroke-opacity=\"0.7\"");
        if (isfinite(p->fp_lo) && isfinite(p->fp_hi))
            line(b, px, SY(p->fp_lo), px, SY(p->fp_hi), col,
                 "stroke-width=\"1.5\" stroke-opacity=\"0.7\"");
    }
    box *placed = iaf_calloc(2 * s->n + 1, sizeof *placed);
    size_t np = 0;
    for (size_t i = 0; placed && i < s->n; i++) {
        const iaf_svg_sig_point *p = &s->pts[i];
        if (!isfinite(p->retention) || !isfinite(p->footprint)) continue;
        double px = SX(p->retention), py = SY(p->footprint);
        placed[np++] = (box){px - 5, py - 5, px + 5, py + 5};
    }
    for (size_t i = 0; i < s->n; i++) {
        const iaf_svg_sig_point *p = &s->pts[i];
        if (!isfinite(p->retention) || !isfinite(p->footprint)) continue;
        double px = SX(p->retention), py = SY(p->footprint);
        int off = p->retention > xmax || p->footprint > ymax;
        const char *col = verdict_fill(p->verdict);
        iaf_rv_puts(b, "<g class=\"mark\"");
        if (p->verdict) {
            iaf_rv_puts(b, " data-verdict=\"");
            iaf_svg_escape(b, p->verdict);
            iaf_rv_puts(b, "\"");
        }
        iaf_rv_puts(b, "><title>");
        t.len = 0;
        if (p->label) {
            iaf_rv_puts(&t, p->label);
            iaf_rv_puts(&t, ": ");
        }
        sig_point_text(&t, p->retention, p->ret_lo, p->ret_hi, p->footprint, p->fp_lo, p->fp_hi);
        if (p->verdict) {
            iaf_rv_puts(&t, "; ");
            iaf_rv_puts(&t, p->verdict);
        }
        if (off) iaf_rv_puts(&t, " (off the scale)");
        iaf_svg_escape(b, t.data);
        iaf_rv_puts(b, "</title><circle cx=\"");
        num(b, px);
        iaf_rv_puts(b, "\" cy=\"");
        num(b, py);
        if (off)
            iaf_rv_printf(b, "\" r=\"5\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                          col);
        else
            iaf_rv_printf(b, "\" r=\"5\" fill=\"%s\" stroke=\"#ffffff\"/>\n", col);
        if (p->mark) {
            static const struct {
                double dx, dy;
                const char *anchor;
            } cand[] = {{8, 4, "start"},  {-8, 4, "end"},  {0, -8, "middle"},  {0, 16, "middle"},
                        {8, -6, "start"}, {-8, -6, "end"}, {8, 14, "start"},   {-8, 14, "end"},
                        {14, 4, "start"}, {-14, 4, "end"}, {0, -18, "middle"}, {0, 26, "middle"}};
            double w = iaf_svg_text_width(p->mark, FS) + 2;
            size_t pick = 0;
            box bx = {0, 0, 0, 0};
            for (size_t k = 0; k < sizeof cand / sizeof cand[0]; k++) {
                double x = px + cand[k].dx, y = py + cand[k].dy;
                double x0 = cand[k].anchor[0] == 's'   ? x
                            : cand[k].anchor[0] == 'e' ? x - w
                                                       : x - w / 2;
                box c = {x0, y - 10, x0 + w, y + 1};
                int hit = 0;
                for (size_t q = 0; placed && q < np && !hit; q++)
                    hit = box_hits(&c, &placed[q]);
                if (!hit || k == 0) {
                    pick = k;
                    bx = c;
                }
                if (!hit) break;
            }
            if (placed) placed[np++] = bx;
            iaf_rv_puts(b, "<text x=\"");
            num(b, px + cand[pick].dx);
            iaf_rv_puts(b, "\" y=\"");
            num(b, py + cand[pick].dy);
            iaf_rv_printf(
                b,
                "\" text-anchor=\"%s\" font-weight=\"700\" fill=\"%s\" stroke=\"#ffffff\" "
                "stroke-width=\"3\" paint-order=\"stroke\" aria-hidden=\"true\">",
                cand[pick].anchor, verdict_ink(p->verdict));
            iaf_svg_escape(b, p->mark);
            iaf_rv_puts(b, "</text>\n");
        }
        iaf_rv_puts(b, "</g>\n");
    }
    iaf_free(placed);
    iaf_buf_free(&t);
    close_svg(g);
}
#undef SX
#undef SY

static void widen(double v, double *lo, double *hi)
{
    if (!isfinite(v)) return;
    *lo = fmin(*lo, v);
    *hi = fmax(*hi, v);
}

/* An axis from a0 to a1 in about five nice steps that shows [lo, hi]. */
static void forest_range(double lo, double hi, double *a0, double *a1, int *nt)
{
    if (!(hi > lo)) hi = lo + 1;
    double step = nice_ceil((hi - lo) / 5);
    *a0 = floor(lo / step + 1e-9) * step;
    *a1 = ceil(hi / step - 1e-9) * step;
    if (!(*a1 > *a0)) *a1 = *a0 + step;
    *nt = (int)lround((*a1 - *a0) / step);
    if (*nt < 1) *nt = 1;
}

/* Longer than 150 lines: the layout of the facets and rows is computed and drawn in one
 * pass; not split in this pass. */
void iaf_svg_forest(iaf_svg *g, const iaf_svg_forest_plot *f)
{
    iaf_buf *b = g->out;
    const double pw = 340, rh = 34, fs2 = 10, vw = 96;
    double lw = 0;
    for (size_t k = 0; k < f->nfacets; k++)
        for (size_t i = 0; i < f->facets[k].n; i++) {
            const iaf_svg_forest_row *r = &f->facets[k].rows[i];
            lw = fmax(lw, iaf_svg_text_width(r->label, FS));
            lw = fmax(lw, iaf_svg_text_width(r->sublabel, fs2));
        }
    double left = fmin(lw, LABEL_MAX) + 16;
    double H = 30;
    for (size_t k = 0; k < f->nfacets; k++)
        H += 46 + rh * (double)f->facets[k].n + 30;
    double W = left + pw + 12 + vw;
    /* the legend names only what the plot draws */
    int has_iv = 0, has_floor = 0, has_exp = 0, has_thr = 0;
    for (size_t k = 0; k < f->nfacets; k++) {
        const iaf_svg_forest_facet *fc = &f->facets[k];
        for (size_t j = 0; j < fc->nthr && j < 2; j++)
            has_thr |= isfinite(fc->thr[j]);
        for (size_t i = 0; i < fc->n; i++) {
            const iaf_svg_forest_row *r = &fc->rows[i];
            has_iv |= !r->note && isfinite(r->est) && isfinite(r->lo) && isfinite(r->hi);
            has_floor |= isfinite(r->floor);
            has_exp |= isfinite(r->exp_lo) && isfinite(r->exp_hi);
        }
    }
    open_svg(g, "forest", W, H, f->title, f->desc);
    double lx = left;
    iaf_rv_puts(b, "<circle cx=\"");
    num(b, lx + 5);
    iaf_rv_printf(b, "\" cy=\"10\" r=\"4.5\" fill=\"%s\"/>\n", verdict_fill("PASS"));
    text_at(b, lx + 13, 14, "start", NULL, "estimate");
    lx += 70;
    if (has_iv) {
        line(b, lx, 10, lx + 22, 10, "#1a202c", "stroke-width=\"2\"");
        text_at(b, lx + 26, 14, "start", NULL, "95% interval");
        lx += 106;
    }
    if (has_floor) {
        rect_open(b, lx, 4, 22, 12, "#e2e8f0");
        iaf_rv_puts(b, "/>\n");
        text_at(b, lx + 26, 14, "start", NULL, "up to the noise floor");
        lx += 154;
    }
    if (has_exp) {
        rect_open(b, lx, 4, 22, 12, "#d4f0dc");
        iaf_rv_puts(b, "/>\n");
        text_at(b, lx + 26, 14, "start", NULL, "expected");
        lx += 90;
    }
    if (has_thr) {
        line(b, lx, 3, lx, 17, "#c53030", "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"");
        text_at(b, lx + 4, 14, "start", NULL, "threshold");
    }
    double y0 = 30;
    iaf_buf t = {0};
    for (size_t k = 0; k < f->nfacets; k++) {
        const iaf_svg_forest_facet *fc = &f->facets[k];
        /* the scale: every estimate, interval end, floor, threshold and
         * expected interval of the facet */
        double lo = 0, hi = 0;
        for (size_t j = 0; j < fc->nthr && j < 2; j++)
            widen(fc->thr[j], &lo, &hi);
        for (size_t i = 0; i < fc->n; i++) {
            const iaf_svg_forest_row *r = &fc->rows[i];
            widen(r->floor, &lo, &hi);
            widen(r->exp_lo, &lo, &hi);
            widen(r->exp_hi, &lo, &hi);
            if (r->note) continue; /* no mark: its numbers do not set the scale */
            widen(r->est, &lo, &hi);
            widen(r->lo, &lo, &hi);
            widen(r->hi, &lo, &hi);
        }
        double a0, a1;
        int nt;
        forest_range(lo, hi, &a0, &a1, &nt);
#define FX(val) (left + (clampd((val), a0, a1) - a0) / (a1 - a0) * pw)
        iaf_rv_puts(b, "<g class=\"facet\" data-metric=\"");
        iaf_svg_escape(b, fc->metric ? fc->metric : "");
        iaf_rv_puts(b, "\">\n");
        text_at(b, left, y0 + 14, "start", "axis", fc->axis ? fc->axis : "");
        double top = y0 + 40, bottom = top + rh * (double)fc->n;
        for (size_t j = 0; j < fc->nthr && j < 2; j++) {
            if (!isfinite(fc->thr[j])) continue;
            double x = FX(fc->thr[j]);
            line(b, x, top - 6, x, bottom + 2, "#c53030",
                 "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"");
            t.len = 0;
            iaf_rv_puts(&t, "threshold ");
            char sh[40];
            iaf_fmt_f64(sh, fabs(fc->thr[j]));
            if (fc->thr[j] < 0) iaf_rv_puts(&t, MINUS);
            iaf_rv_puts(&t, sh);
            /* of two thresholds, the lower one's label runs left of its
             * line and the upper one's right; one label is centred unless
             * that would leave the plot */
            int side = 0; /* -1 end, 0 middle, 1 start */
            if (fc->nthr >= 2) side = fc->thr[j] > fc->thr[1 - j] ? 1 : -1;
            if (side == 0 && x + 50 > left + pw) side = -1;
            if (side == 0 && x - 50 < left) side = 1;
            text_at(b, x, top - 10,
                    side < 0   ? "end"
                    : side > 0 ? "start"
                               : "middle",
                    "note", t.data);
        }
        for (size_t i = 0; i < fc->n; i++) {
            const iaf_svg_forest_row *r = &fc->rows[i];
            double y = top + rh * (double)i, yc = y + rh / 2;
            iaf_rv_puts(b, "<g class=\"row\"");
            if (r->label) {
                iaf_rv_puts(b, " data-label=\"");
                iaf_svg_escape(b, r->label);
                iaf_rv_puts(b, "\"");
            }
            iaf_rv_puts(b, ">\n");
            label_text(b, left - 8, yc - 2, "end", r->label, LABEL_MAX, NULL);
            if (r->sublabel) {
                int cut;
                size_t nb = fit_len(r->sublabel, fs2, LABEL_MAX, &cut);
                iaf_rv_puts(b, "<text x=\"");
                num(b, left - 8);
                iaf_rv_puts(b, "\" y=\"");
                num(b, yc + 11);
                iaf_rv_puts(b, "\" text-anchor=\"end\" font-size=\"10\" class=\"note\">");
                iaf_svg_escape_n(b, r->sublabel, nb);
                if (cut) iaf_rv_puts(b, ELLIPSIS);
                iaf_rv_puts(b, "</text>\n");
            }
            line(b, left, yc, left + pw, yc, C_GRID, NULL);
            if (isfinite(r->exp_lo) && isfinite(r->exp_hi)) {
                rect_open(b, FX(r->exp_lo), yc - 9, FX(r->exp_hi) - FX(r->exp_lo), 18, "#d4f0dc");
                iaf_rv_puts(b, "><title>expected interval ");
                t.len = 0;
                iaf_rv_fixed(&t, r->exp_lo, fc->digits);
                iaf_rv_puts(&t, " to ");
                iaf_rv_fixed(&t, r->exp_hi, fc->digits);
                iaf_rv_append(b, t.data, t.len);
                iaf_rv_puts(b, "</title></rect>\n");
            }
            if (isfinite(r->floor)) {
                double x0 = FX(fmax(0, a0));
                rect_open(b, x0, yc - 7, FX(r->floor) - x0, 14, "#e2e8f0");
                iaf_rv_puts(b, "><title>noise floor ");
                t.len = 0;
                iaf_rv_fixed(&t, r->floor, fc->digits);
                iaf_rv_append(b, t.data, t.len);
                iaf_rv_puts(b, "</title></rect>\n");
                line(b, FX(r->floor), yc - 7, FX(r->floor), yc + 7, "#718096",
                     "stroke-width=\"1.5\"");
            }
            if (r->note) {
                /* no estimate drawn: at this sample size it would be noise */
                iaf_rv_puts(b, "<text x=\"");
                num(b, left + 6);
                iaf_rv_puts(b, "\" y=\"");
                num(b, yc + 4);
                iaf_rv_printf(b,
                              "\" text-anchor=\"start\" class=\"nomark\" fill=\"%s\" "
                              "font-style=\"italic\" stroke=\"#ffffff\" stroke-width=\"3\" "
                              "paint-order=\"stroke\">",
                              verdict_ink(r->verdict));
                if (r->tip) {
                    iaf_rv_puts(b, "<title>");
                    iaf_svg_escape(b, r->tip);
                    iaf_rv_puts(b, "</title>");
                }
                iaf_svg_escape(b, r->note);
                iaf_rv_puts(b, "</text>\n");
            } else if (isfinite(r->est)) {
                if (isfinite(r->lo) && isfinite(r->hi))
                    line(b, FX(r->lo), yc, FX(r->hi), yc, "#1a202c", "stroke-width=\"2\"");
                iaf_rv_puts(b, "<circle class=\"mark\" cx=\"");
                num(b, FX(r->est));
                iaf_rv_puts(b, "\" cy=\"");
                num(b, yc);
                iaf_rv_printf(b, "\" r=\"5\" fill=\"%s\" stroke=\"#ffffff\"",
                              verdict_fill(r->verdict));
                if (r->verdict) {
                    iaf_rv_puts(b, " data-verdict=\"");
                    iaf_svg_escape(b, r->verdict);
                    iaf_rv_puts(b, "\"");
                }
                iaf_rv_puts(b, "><title>");
                if (r->tip) {
                    iaf_svg_escape(b, r->tip);
                } else {
                    t.len = 0;
                    iaf_rv_fixed(&t, r->est, fc->digits);
                    if (isfinite(r->lo) && isfinite(r->hi)) {
                        iaf_rv_puts(&t, " ");
                        iaf_rv_interval_text(&t, r->lo, r->hi, fc->digits);
                    }
                    iaf_svg_escape(b, t.data);
                }
                iaf_rv_puts(b, "</title></circle>\n");
                if (r->est < a0 || r->est > a1)
                    text_at(b, FX(r->est), yc - 8, "middle", "note", "(clipped)");
            }
            if (r->vtext) {
                iaf_rv_puts(b, "<text x=\"");
                num(b, left + pw + 12);
                iaf_rv_puts(b, "\" y=\"");
                num(b, yc + 4);
                iaf_rv_printf(b, "\" text-anchor=\"start\" font-weight=\"700\" fill=\"%s\">",
                              verdict_ink(r->verdict));
                iaf_svg_escape(b, r->vtext);
                iaf_rv_puts(b, "</text>\n");
            }
            iaf_rv_puts(b, "</g>\n");
        }
        x_ticks(b, left, left + pw, bottom + 4, a0, a1, nt, 1, NULL, bottom + 4);
        if (a0 < 0 && a1 > 0) line(b, FX(0), top - 2, FX(0), bottom + 4, C_AXIS, NULL);
        iaf_rv_puts(b, "</g>\n");
#undef FX
        y0 = bottom + 30 + 6;
    }
    iaf_buf_free(&t);
    close_svg(g);
}

void iaf_svg_valuebars(iaf_svg *g, const iaf_svg_vbars *p)
{
    iaf_buf *b = g->out;
    const double pw = 300, rh = 22, top = 26;
    double left = label_col_width(p->labels, p->n, FS) + 16;
    double m = 0;
    for (size_t i = 0; i < p->n; i++)
        if (isfinite(p->v[i])) m = fmax(m, p->v[i]);
    m = nice_ceil(m > 0 ? m : 1);
    double W = left + pw + 90, H = top + rh * (double)p->n + 40;
    open_svg(g, "valuebars", W, H, p->title, p->desc);
    text_at(b, left, 14, "start", "axis", p->axis ? p->axis : "");
    x_ticks(b, left, left + pw, top + rh * (double)p->n + 4, 0, m, 4, 1, NULL, top - 4);
    iaf_buf t = {0};
    for (size_t i = 0; i < p->n; i++) {
        double y = top + rh * (double)i;
        label_text(b, left - 8, y + rh / 2 + 4, "end", p->labels[i], LABEL_MAX, NULL);
        t.len = 0;
        iaf_rv_fixed(&t, p->v[i], p->digits);
        if (isfinite(p->v[i])) {
            rect_open(b, left, y + 4, clampd(p->v[i] / m, 0, 1) * pw, rh - 8, C_SYN);
            iaf_rv_puts(b, "><title>");
            iaf_svg_escape(b, p->labels[i]);
            iaf_rv_puts(b, ": ");
            iaf_rv_append(b, t.data, t.len);
            iaf_rv_puts(b, "</title></rect>\n");
        }
        text_at(b, left + clampd(isfinite(p->v[i]) ? p->v[i] / m : 0, 0, 1) * pw + 6,
                y + rh / 2 + 4, "start", NULL, t.data);
    }
    iaf_buf_free(&t);
    close_svg(g);
}

void iaf_svg_dotplot(iaf_svg *g, const iaf_svg_dots *d)
{
    iaf_buf *b = g->out;
    const double pw = 380, rh = 20;
    double left = label_col_width(d->labels, d->n, FS) + 16, top = 54;
    double m = isfinite(d->line) ? d->line : 0;
    if (isfinite(d->theta)) m = fmax(m, d->theta);
    for (size_t i = 0; i < d->n; i++) {
        if (isfinite(d->ref[i])) m = fmax(m, d->ref[i]);
        if (isfinite(d->syn[i])) m = fmax(m, d->syn[i]);
        if (d->syn_hi && isfinite(d->syn_hi[i])) m = fmax(m, d->syn_hi[i]);
    }
    m = fmin(nice_ceil(m * 100 * 1.05) / 100, 1);
    double W = left + pw + 30, H = top + rh * (double)d->n + 40;
#define DX(v) (left + clampd((v), 0, m) / m * pw)
    open_svg(g, "dots", W, H, d->title, d->desc);
    /* legend */
    iaf_rv_printf(b,
                  "<circle cx=\"%.1f\" cy=\"10\" r=\"4\" fill=\"none\" stroke=\"" C_REF
                  "\" stroke-width=\"1.5\"/>\n",
                  left + 4);
    text_at(b, left + 12, 14, "start", NULL, "reference");
    iaf_rv_printf(b, "<circle cx=\"%.1f\" cy=\"10\" r=\"4\" fill=\"" C_SYN "\"/>\n", left + 84);
    text_at(b, left + 92, 14, "start", NULL, "synthetic (with 95% interval)");
    x_ticks(b, left, left + pw, top + rh * (double)d->n + 4, 0, m, 5, 100, "%", top - 6);
    if (isfinite(d->theta)) {
        line(b, DX(d->theta), top - 6, DX(d->theta), top + rh * (double)d->n + 4, C_AXIS,
             "stroke-dasharray=\"1 3\"");
        iaf_buf t = {0};
        iaf_rv_puts(&t, "\xCE\xB8 = ");
        iaf_rv_pct(&t, d->theta);
        text_at(b, DX(d->theta), top - 10, "middle", "note", t.data);
        /* the two line labels sit on two rows so that they never overlap */
        iaf_buf_free(&t);
    }
    if (isfinite(d->line)) {
        line(b, DX(d->line), top - 6, DX(d->line), top + rh * (double)d->n + 4, "#c53030",
             "stroke-dasharray=\"5 3\"");
        iaf_buf t = {0};
        iaf_rv_puts(&t, d->line_label ? d->line_label : "independence");
        iaf_rv_puts(&t, " ");
        iaf_rv_pct(&t, d->line);
        text_at(b, DX(d->line), top - 24, "middle", "note", t.data);
        iaf_buf_free(&t);
    }
    iaf_buf t = {0};
    for (size_t i = 0; i < d->n; i++) {
        double y = top + rh * (double)i + rh / 2;
        label_text(b, left - 8, y + 4, "end", d->labels[i], LABEL_MAX, NULL);
        line(b, left, y, left + pw, y, C_GRID, NULL);
        if (d->syn_lo && d->syn_hi && isfinite(d->syn_lo[i]) && isfinite(d->syn_hi[i]))
            line(b, DX(d->syn_lo[i]), y, DX(d->syn_hi[i]), y, C_SYN, "stroke-width=\"2\"");
        if (isfinite(d->ref[i])) {
            iaf_rv_puts(b, "<circle cx=\"");
            num(b, DX(d->ref[i]));
            iaf_rv_puts(b, "\" cy=\"");
            num(b, y);
            iaf_rv_puts(b, "\" r=\"4.5\" fill=\"none\" stroke=\"" C_REF
                           "\" stroke-width=\"1.5\"><title>");
            iaf_svg_escape(b, d->labels[i]);
            iaf_rv_puts(b, ", reference: ");
            t.len = 0;
            iaf_rv_pct(&t, d->ref[i]);
            iaf_rv_append(b, t.data, t.len);
            iaf_rv_puts(b, "</title></circle>\n");
        }
        if (isfinite(d->syn[i])) {
            iaf_rv_puts(b, "<circle cx=\"");
            num(b, DX(d->syn[i]));
            iaf_rv_puts(b, "\" cy=\"");
            num(b, y);
            iaf_rv_puts(b, "\" r=\"4\" fill=\"" C_SYN "\"><title>");
            iaf_svg_escape(b, d->labels[i]);
            iaf_rv_puts(b, ", synthetic: ");
            t.len = 0;
            iaf_rv_estimate_pct(&t, d->syn[i], d->syn_lo ? d->syn_lo[i] : NAN,
                                d->syn_hi ? d->syn_hi[i] : NAN);
            iaf_rv_append(b, t.data, t.len);
            iaf_rv_puts(b, "</title></circle>\n");
        }
    }
    iaf_buf_free(&t);
#undef DX
    close_svg(g);
}

/* Leading number of a bin label ("19-24" -> 19, "85+" -> 85). */
static int label_start(const char *s, double *out)
{
    if (!s) return 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

void iaf_svg_stepchart(iaf_svg *g, const iaf_svg_steps *s)
{
    iaf_buf *b = g->out;
    const double left = 50, top = 30, ph = 160;
    double bw = s->n > 40 ? 10 : s->n > 20 ? 18 : 34;
    double pw = bw * (double)s->n;
    double m = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (isfinite(s->a[i])) m = fmax(m, s->a[i]);
        if (s->b && isfinite(s->b[i])) m = fmax(m, s->b[i]);
    }
    m = nice_ceil(m * 100 > 0 ? m * 100 : 1) / 100;
    double W = fmax(left + pw + 20, 420), H = top + ph + 64;
#define SY(v) (top + ph - clampd((v), 0, m) / m * ph)
    open_svg(g, "steps", W, H, s->title, s->desc);
    rect_open(b, left, 6, 14, 3, C_SYN);
    iaf_rv_puts(b, "/>\n");
    text_at(b, left + 18, 12, "start", NULL, s->a_name);
    if (s->b) {
        double x = left + 34 + iaf_svg_text_width(s->a_name, FS);
        line(b, x, 8, x + 14, 8, C_REF, "stroke-width=\"2\" stroke-dasharray=\"4 2\"");
        text_at(b, x + 18, 12, "start", NULL, s->b_name);
    }
    if (s->in_window || (isfinite(s->win_lo) && isfinite(s->win_hi))) {
        /* shade the bins inside the window (given, or by their numeric start) */
        for (size_t i = 0; i < s->n; i++) {
            double v;
            int in = s->in_window
                         ? s->in_window[i]
                         : label_start(s->labels[i], &v) && v >= s->win_lo && v <= s->win_hi;
            if (in) {
                rect_open(b, left + bw * (double)i, top, bw, ph, "#e6fffa");
                iaf_rv_puts(b, "/>\n");
            }
        }
    }
    line(b, left, top + ph, left + pw, top + ph, C_AXIS, NULL);
    line(b, left, top, left, top + ph, C_AXIS, NULL);
    for (int i = 0; i <= 5; i++) {
        double v = m * i / 5;
        line(b, left - 4, SY(v), left, SY(v), C_AXIS, NULL);
        iaf_buf t = {0};
        iaf_rv_fixed(&t, v * 100, tick_decimals(m * 100 / 5));
        iaf_rv_puts(&t, "%");
        text_at(b, left - 6, SY(v) + 4, "end", NULL, t.data);
        iaf_buf_free(&t);
    }
    /* bin labels: all of them when they fit, else every k-th */
    size_t every = 1;
    double lw = label_col_width(s->labels, s->n, FS);
    while ((double)every * bw < lw * 0.7072 * 0.6 && every < s->n)
        every++;
    for (size_t i = 0; i < s->n; i += every) {
        iaf_buf t = {0};
        double cx = left + bw * (double)i + bw / 2;
        iaf_rv_puts(&t, "transform=\"rotate(-45 ");
        num(&t, cx);
        iaf_rv_puts(&t, " ");
        num(&t, top + ph + 12);
        iaf_rv_puts(&t, ")\"");
        label_text(b, cx, top + ph + 12, "end", s->labels[i], 60, t.data);
        iaf_buf_free(&t);
    }
    text_at(b, left + pw / 2, H - 4, "middle", "axis", s->xlabel ? s->xlabel : "");
    for (int k = 0; k < (s->b ? 2 : 1); k++) {
        const double *v = k ? s->b : s->a;
        iaf_rv_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
                      k ? C_REF : C_SYN, k ? " stroke-dasharray=\"4 2\"" : "");
        for (size_t i = 0; i < s->n; i++) {
            double y = SY(isfinite(v[i]) ? v[i] : 0);
            if (i) iaf_rv_puts(b, " ");
            num(b, left + bw * (double)i);
            iaf_rv_puts(b, ",");
            num(b, y);
            iaf_rv_puts(b, " ");
            num(b, left + bw * (double)(i + 1));
            iaf_rv_puts(b, ",");
            num(b, y);
        }
        iaf_rv_puts(b, "\"/>\n");
    }
    /* invisible hover targets with both values per bin */
    for (size_t i = 0; i < s->n; i++) {
        rect_open(b, left + bw * (double)i, top, bw, ph, "transparent");
        iaf_rv_puts(b, "><title>");
        iaf_svg_escape(b, s->labels[i]);
        iaf_rv_puts(b, ": ");
        iaf_svg_escape(b, s->a_name);
        iaf_rv_puts(b, " ");
        iaf_buf t = {0};
        iaf_rv_pct(&t, s->a[i]);
        if (s->b) {
            iaf_rv_puts(&t, ", ");
            iaf_rv_append(&t, s->b_name, strlen(s->b_name));
            iaf_rv_puts(&t, " ");
            iaf_rv_pct(&t, s->b[i]);
        }
        iaf_svg_escape(b, t.data);
        iaf_buf_free(&t);
        iaf_rv_puts(b, "</title></rect>\n");
    }
#undef SY
    close_svg(g);
}

void iaf_svg_expectation(iaf_svg *g, const iaf_svg_expect *e)
{
    iaf_buf *b = g->out;
    const double left = 20, pw = 420, y = 34;
    double lo = 0, hi = 0;
    const double v[] = {e->exp_lo, e->exp_hi, e->est, e->lo, e->hi};
    for (size_t i = 0; i < 5; i++)
        if (isfinite(v[i])) hi = fmax(hi, v[i]);
    hi = fmin(nice_ceil(hi * 100 * 1.1) / 100, 1);
    double W = left + pw + 30, H = 76;
#define EX(val) (left + clampd((val), lo, hi) / (hi - lo) * pw)
    open_svg(g, "expectation", W, H, e->title, e->desc);
    if (isfinite(e->exp_lo) && isfinite(e->exp_hi)) {
        rect_open(b, EX(e->exp_lo), y - 12, EX(e->exp_hi) - EX(e->exp_lo), 24, "#d4f0dc");
        iaf_rv_puts(b, "><title>expected interval ");
        iaf_buf t = {0};
        iaf_rv_pct(&t, e->exp_lo);
        iaf_rv_puts(&t, " to ");
        iaf_rv_pct(&t, e->exp_hi);
        iaf_rv_append(b, t.data, t.len);
        iaf_buf_free(&t);
        iaf_rv_puts(b, "</title></rect>\n");
        text_at(b, (EX(e->exp_lo) + EX(e->exp_hi)) / 2, y - 16, "middle", "note", "expected");
    }
    x_ticks(b, left, left + pw, y + 16, lo, hi, 5, 100, "%", y + 16);
    if (isfinite(e->est)) {
        if (isfinite(e->lo) && isfinite(e->hi))
            line(b, EX(e->lo), y, EX(e->hi), y, "#1a202c", "stroke-width=\"2\"");
        iaf_rv_puts(b, "<circle cx=\"");
        num(b, EX(e->est));
        iaf_rv_printf(b, "\" cy=\"%.1f\" r=\"5\" fill=\"" C_SYN "\"><title>", y);
        iaf_svg_escape(b, e->label ? e->label : "estimate");
        iaf_rv_puts(b, ": ");
        iaf_buf t = {0};
        iaf_rv_estimate_pct(&t, e->est, e->lo, e->hi);
        iaf_rv_append(b, t.data, t.len);
        iaf_buf_free(&t);
        iaf_rv_puts(b, "</title></circle>\n");
    }
#undef EX
    close_svg(g);
}
