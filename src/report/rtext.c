/* src/report/rtext.c - see rtext.h. */
#include "report/rtext.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local int oom;

void iaf_rv_oom_reset(void)
{
    oom = 0;
}

int iaf_rv_oom_failed(void)
{
    return oom;
}

void iaf_rv_puts(iaf_buf *b, const char *s)
{
    if (iaf_buf_puts(b, s) != 0) oom = 1;
}

void iaf_rv_append(iaf_buf *b, const void *p, size_t n)
{
    if (iaf_buf_append(b, p, n) != 0) oom = 1;
}

void iaf_rv_printf(iaf_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0 || iaf_buf_reserve(b, (size_t)k) != 0) {
        oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)k;
}

void iaf_rv_fixed(iaf_buf *b, double v, int digits)
{
    if (!isfinite(v)) {
        iaf_rv_puts(b, "\xE2\x80\x93");
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", digits, v);
    /* "-0.000" reads as a sign that is not there */
    const char *p = tmp;
    if (*p == '-') {
        int zero = 1;
        for (const char *q = p + 1; *q; q++)
            if (*q >= '1' && *q <= '9') zero = 0;
        if (zero) p++;
    }
    iaf_rv_puts(b, p);
}

void iaf_rv_signed(iaf_buf *b, double v, int digits)
{
    if (isfinite(v)) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*f", digits, v);
        int nonzero = 0;
        for (const char *q = tmp; *q; q++)
            if (*q >= '1' && *q <= '9') nonzero = 1;
        if (nonzero && v > 0) iaf_rv_puts(b, "+");
    }
    iaf_rv_fixed(b, v, digits);
}

void iaf_rv_count(iaf_buf *b, double v)
{
    if (!isfinite(v)) {
        iaf_rv_puts(b, "\xE2\x80\x93");
        return;
    }
    if (v != floor(v) || fabs(v) >= 1e18) {
        iaf_rv_fixed(b, v, 2);
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t n = strlen(digits);
    if (v < 0) iaf_rv_puts(b, "-");
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) iaf_rv_puts(b, ",");
        iaf_rv_append(b, digits + i, 1);
    }
}

void iaf_rv_pct(iaf_buf *b, double v)
{
    iaf_rv_fixed(b, isfinite(v) ? v * 100.0 : v, 2);
    if (isfinite(v)) iaf_rv_puts(b, "%");
}

void iaf_rv_estimate_text(iaf_buf *b, double v, double lo, double hi, int digits)
{
    iaf_rv_fixed(b, v, digits);
    if (isfinite(lo) && isfinite(hi)) {
        iaf_rv_puts(b, " ");
        iaf_rv_interval_text(b, lo, hi, digits);
    }
}

void iaf_rv_estimate_pct(iaf_buf *b, double v, double lo, double hi)
{
    iaf_rv_pct(b, v);
    if (isfinite(lo) && isfinite(hi)) {
        iaf_rv_puts(b, " [");
        iaf_rv_pct(b, lo);
        iaf_rv_puts(b, ", ");
        iaf_rv_pct(b, hi);
        iaf_rv_puts(b, "]");
    }
}

void iaf_rv_interval_text(iaf_buf *b, double lo, double hi, int digits)
{
    iaf_rv_puts(b, "[");
    iaf_rv_fixed(b, lo, digits);
    iaf_rv_puts(b, ", ");
    iaf_rv_fixed(b, hi, digits);
    iaf_rv_puts(b, "]");
}

void iaf_rv_md_table(iaf_buf *b, const char *const *cols, size_t n, const char *align)
{
    for (size_t i = 0; i < n; i++) {
        iaf_rv_puts(b, i ? " | " : "| ");
        iaf_rv_puts(b, cols[i]);
    }
    iaf_rv_puts(b, " |\n|");
    for (size_t i = 0; i < n; i++)
        iaf_rv_puts(b, align && align[i] == 'r' ? "---:|" : "---|");
    iaf_rv_puts(b, "\n");
}

void iaf_rv_md_row(iaf_buf *b)
{
    iaf_rv_puts(b, "| ");
}

void iaf_rv_md_next(iaf_buf *b)
{
    iaf_rv_puts(b, " | ");
}

void iaf_rv_md_row_end(iaf_buf *b)
{
    iaf_rv_puts(b, " |\n");
}
