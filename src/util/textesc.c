/* src/util/textesc.c - see textesc.h. */
#include "util/textesc.h"

#include <stdio.h>

/* Length of the UTF-8 sequence starting with lead byte c (0 if c cannot
 * start one), and whether its second byte is in range (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
static size_t seq_len(unsigned char c)
{
    return c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
}

static int second_ok(unsigned char c, unsigned char d)
{
    if ((d & 0xC0) != 0x80) return 0;
    if (c == 0xE0) return d >= 0xA0;
    if (c == 0xED) return d <= 0x9F;
    if (c == 0xF0) return d >= 0x90;
    if (c == 0xF4) return d <= 0x8F;
    return 1;
}

static int put_hex(iaf_buf *out, const char *fmt, unsigned v)
{
    char e[8];
    int k = snprintf(e, sizeof e, fmt, v);
    return iaf_buf_append(out, e, (size_t)k);
}

/* Escape p[0..n-1]; returns how many bytes were consumed (less than n only
 * when the tail is a valid but incomplete sequence and !final), or -1. */
static long esc(iaf_buf *out, const unsigned char *p, size_t n, int final)
{
    size_t i = 0, run = 0; /* run: plain bytes waiting to be copied */
    while (i < n) {
        unsigned char c = p[i];
        if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t') {
            i++;
            continue;
        }
        if (iaf_buf_append(out, (const char *)p + run, i - run) != 0) return -1;
        size_t len = seq_len(c), k = 1;
        while (k < len && i + k < n &&
               (k == 1 ? second_ok(c, p[i + 1]) : (p[i + k] & 0xC0) == 0x80))
            k++;
        if (len && k < len && i + k == n && !final) return (long)i; /* cut: wait for more */
        if (len && k == len) {
            if (c == 0xC2 && p[i + 1] <= 0x9F) {
                if (put_hex(out, "\\u%04X", p[i + 1]) != 0) return -1;
            } else if (iaf_buf_append(out, (const char *)p + i, len) != 0) {
                return -1;
            }
            i += len;
        } else {
            if (put_hex(out, "\\x%02x", c) != 0) return -1;
            i++;
        }
        run = i;
    }
    if (iaf_buf_append(out, (const char *)p + run, n - run) != 0) return -1;
    return (long)n;
}

int iaf_textesc_append(iaf_textesc *st, iaf_buf *out, const char *s, size_t n)
{
    if (!st) return esc(out, (const unsigned char *)s, n, 1) < 0 ? -1 : 0;
    size_t done = 0;
    /* complete a sequence left over from the last call, byte by byte */
    while (st->npend && done < n) {
        st->pend[st->npend++] = (unsigned char)s[done++];
        long k = esc(out, st->pend, st->npend, 0);
        if (k < 0) return -1;
        size_t left = st->npend - (size_t)k;
        memmove(st->pend, st->pend + k, left);
        st->npend = left;
    }
    if (done == n) return 0;
    long k = esc(out, (const unsigned char *)s + done, n - done, 0);
    if (k < 0) return -1;
    st->npend = n - done - (size_t)k;
    memcpy(st->pend, s + done + k, st->npend);
    return 0;
}

int iaf_textesc_finish(iaf_textesc *st, iaf_buf *out)
{
    if (!st || !st->npend) return 0;
    long k = esc(out, st->pend, st->npend, 1);
    st->npend = 0;
    return k < 0 ? -1 : 0;
}
