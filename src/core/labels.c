/* src/core/labels.c - see labels.h. */
#include "core/labels.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static const struct {
    const char *name;
    unsigned flag;
} steps[] = {{"nfc", IAF_NORM_NFC},
             {"nfkc", IAF_NORM_NFKC},
             {"casefold", IAF_NORM_CASEFOLD},
             {"trim", IAF_NORM_TRIM},
             {"numeric", IAF_NORM_NUMERIC}};

unsigned iaf_label_norm_flag(const char *name)
{
    for (size_t i = 0; i < IAF_ARRAY_LEN(steps); i++)
        if (!strcmp(steps[i].name, name)) return steps[i].flag;
    return 0;
}

const char *iaf_label_norm_names(unsigned flags)
{
    static _Thread_local char buf[64];
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < IAF_ARRAY_LEN(steps); i++)
        if (flags & steps[i].flag) {
            size_t n = strlen(steps[i].name);
            if (k) buf[k++] = ',', buf[k++] = ' ';
            memcpy(buf + k, steps[i].name, n);
            k += n;
            buf[k] = '\0';
        }
    return buf;
}

size_t iaf_label_numeric(const char *s, size_t n, char *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    size_t ib = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    size_t ie = i, fb = i, fe = i;
    if (i < n && s[i] == '.') {
        fb = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        fe = i;
    }
    if (i != n || (ie == ib && fe == fb)) return 0;
    while (ib < ie && s[ib] == '0') /* leading zeros */
        ib++;
    while (fe > fb && s[fe - 1] == '0') /* trailing zeros of the fraction */
        fe--;
    size_t k = 0;
    if (neg && (ie > ib || fe > fb)) out[k++] = '-';
    if (ie == ib) out[k++] = '0';
    memcpy(out + k, s + ib, ie - ib);
    k += ie - ib;
    if (fe > fb) {
        out[k++] = '.';
        memcpy(out + k, s + fb, fe - fb);
        k += fe - fb;
    }
    return k;
}

/* Unicode White_Space (PropList.txt). */
static int is_white(utf8proc_int32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

/* The byte range of s[0..n) without white space at its ends. Invalid UTF-8
 * stops the trimming at that byte. */
static void trim_range(const char *s, size_t n, size_t *a, size_t *b)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0 || !is_white(c)) break;
        i += (size_t)k;
    }
    size_t j = n;
    while (j > i) {
        /* step back to the start of the last character */
        size_t p = j - 1;
        while (p > i && (u[p] & 0xC0) == 0x80 && j - p < 4)
            p--;
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(u + p, (utf8proc_ssize_t)(j - p), &c);
        if (k != (utf8proc_ssize_t)(j - p) || !is_white(c)) break;
        j = p;
    }
    *a = i;
    *b = j;
}

int iaf_label_normalize(const char *s, size_t n, unsigned flags, iaf_buf *out)
{
    utf8proc_uint8_t *mapped = NULL;
    const char *p = s;
    size_t len = n;
    int rc = -1;
    if (flags & (IAF_NORM_NFC | IAF_NORM_NFKC | IAF_NORM_CASEFOLD)) {
        int opt = UTF8PROC_STABLE;
        if (flags & (IAF_NORM_NFC | IAF_NORM_NFKC)) opt |= UTF8PROC_COMPOSE;
        if (flags & IAF_NORM_NFKC) opt |= UTF8PROC_COMPAT;
        if (flags & IAF_NORM_CASEFOLD) opt |= UTF8PROC_CASEFOLD;
        if (n > IAF_ALLOC_CAP / 32) return -1;
        utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &mapped,
                                          (utf8proc_option_t)opt);
        if (k >= 0) {
            p = (const char *)mapped;
            len = (size_t)k;
        } else if (k == UTF8PROC_ERROR_NOMEM || k == UTF8PROC_ERROR_OVERFLOW) {
            return -1;
        } /* else not valid UTF-8: the label stays as written */
    }
    size_t a = 0, b = len;
    if (flags & IAF_NORM_TRIM) trim_range(p, len, &a, &b);
    if (iaf_buf_reserve(out, b - a + 3) != 0) goto done;
    size_t k =
        (flags & IAF_NORM_NUMERIC) ? iaf_label_numeric(p + a, b - a, out->data + out->len) : 0;
    if (k == 0) {
        memcpy(out->data + out->len, p + a, b - a);
        k = b - a;
    }
    out->len += k;
    out->data[out->len] = '\0';
    rc = 0;
done:
    free(mapped); /* libc-owned: utf8proc_map allocates with malloc */
    return rc;
}
