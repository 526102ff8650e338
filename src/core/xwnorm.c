/* src/core/xwnorm.c - the crosswalk builder's normalisation (see xwbuild.h): labels and
 * titles normalised for matching, and their word forms (singulars, ignored words). */
#include "core/xwbuild_int.h"

#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "core/labels.h"
#include "util/util.h"

/* ======================================================================================
 * Normalisation
 * ====================================================================================== */

static int is_middle_dot(utf8proc_int32_t c)
{
    switch (c) {
    case 0x00B7: /* MIDDLE DOT */
    case 0x0387: /* GREEK ANO TELEIA (canonically U+00B7) */
    case 0x2027: /* HYPHENATION POINT */
    case 0x2219: /* BULLET OPERATOR, common in KSCO titles */
    case 0x22C5: /* DOT OPERATOR */
    case 0x318D: /* HANGUL LETTER ARAEA, typed as a dot on Korean keyboards */
    case 0x30FB: /* KATAKANA MIDDLE DOT */
    case 0xFF65: /* HALFWIDTH KATAKANA MIDDLE DOT */
        return 1;
    default:
        return 0;
    }
}

static int is_ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int iaf_xwb_normalize(const char *s, size_t n, iaf_buf *out)
{
    /* (1) middle dots; bytes that are not valid UTF-8 are copied as they are */
    iaf_buf dots = {0}, nf = {0};
    int rc = -1;
    if (iaf_buf_reserve(&dots, n + 1) != 0) goto done;
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &c);
        if (k > 0 && is_middle_dot(c)) {
            if (iaf_buf_append(&dots, "\xC2\xB7", 2) != 0) goto done;
        } else {
            size_t len = k > 0 ? (size_t)k : 1;
            if (iaf_buf_append(&dots, s + i, len) != 0) goto done;
        }
        i += k > 0 ? (size_t)k : 1;
    }
    /* (2) NFKC (utf8proc) */
    if (iaf_label_normalize(dots.data, dots.len, IAF_NORM_NFKC, &nf) != 0) goto done;
    /* (3) whitespace collapse and trim, (4) ASCII case fold */
    size_t start = out->len;
    int pending_space = 0;
    if (iaf_buf_reserve(out, nf.len + 1) != 0) goto done;
    for (size_t i = 0; i < nf.len; i++) {
        unsigned char c = (unsigned char)nf.data[i];
        if (is_ascii_space(c)) {
            pending_space = out->len > start;
            continue;
        }
        if (pending_space) out->data[out->len++] = ' ';
        pending_space = 0;
        out->data[out->len++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    out->data[out->len] = '\0';
    rc = 0;
done:
    iaf_buf_free(&dots);
    iaf_buf_free(&nf);
    return rc;
}

/* ======================================================================================
 * Word forms
 * ====================================================================================== */

static int ends_with(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(w + n - k, suf, k) == 0;
}

/* Length of the word w[0..n) without a regular English plural ending. */
static size_t singular_len(char *w, size_t n)
{
    if (n <= 3) return n;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] >= 0x80) return n;
    if (ends_with(w, n, "ies")) {
        w[n - 3] = 'y';
        return n - 2;
    }
    if (ends_with(w, n, "sses") || ends_with(w, n, "shes") || ends_with(w, n, "ches") ||
        ends_with(w, n, "xes") || ends_with(w, n, "zzes"))
        return n - 2;
    if (w[n - 1] == 's' && !ends_with(w, n, "ss") && !ends_with(w, n, "us") &&
        !ends_with(w, n, "is"))
        return n - 1;
    return n;
}

static int ignored(const char *w, size_t n, const char *const *ignore, size_t nignore)
{
    for (size_t i = 0; i < nignore; i++) {
        const char *g = ignore[i];
        size_t k = 0;
        while (k < n && g[k]) {
            unsigned char a = (unsigned char)w[k], b = (unsigned char)g[k];
            if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + ('a' - 'A'));
            if (a != b) break;
            k++;
        }
        if (k == n && !g[k]) return 1;
    }
    return 0;
}

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

int iaf_xwb_word_form(const char *s, size_t n, const char *const *ignore, size_t nignore,
                      iaf_buf *out)
{
    iaf_buf nb = {0};
    if (iaf_xwb_normalize(s, n, &nb) != 0) {
        iaf_buf_free(&nb);
        return -1;
    }
    size_t start = out->len;
    int rc = 0;
    for (size_t i = 0; i < nb.len && rc == 0;) {
        if (!is_word_byte((unsigned char)nb.data[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < nb.len && is_word_byte((unsigned char)nb.data[j]))
            j++;
        if (!ignored(nb.data + i, j - i, ignore, nignore)) {
            size_t len = singular_len(nb.data + i, j - i);
            if (out->len > start) rc = iaf_buf_puts(out, " ");
            if (rc == 0) rc = iaf_buf_append(out, nb.data + i, len);
        }
        i = j;
    }
    iaf_buf_free(&nb);
    return rc;
}
