/* src/util/suggest.c - the closest name, for "did you mean 'occupation'?". */
#include "util/suggest.h"

#include <stdint.h>
#include <string.h>

enum { MAXLEN = 128 };

/* Decode s into at most MAXLEN code points (ASCII lower-cased); -1 when longer. A byte
 * that does not start a valid sequence counts as one character. */
static int decode(const char *s, uint32_t *out)
{
    const unsigned char *p = (const unsigned char *)s;
    int n = 0;
    while (*p) {
        if (n == MAXLEN) return -1;
        uint32_t c = *p;
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        for (int k = 1; k < len; k++)
            if ((p[k] & 0xC0) != 0x80) len = 1;
        if (len > 1) {
            c &= 0x3Fu >> (len - 1);
            for (int k = 1; k < len; k++)
                c = c << 6 | (p[k] & 0x3Fu);
        } else if (c >= 'A' && c <= 'Z') {
            c += 'a' - 'A';
        }
        out[n++] = c;
        p += len;
    }
    return n;
}

/* Levenshtein distance, one row at a time. */
static int distance(const uint32_t *a, int na, const uint32_t *b, int nb)
{
    int row[MAXLEN + 1];
    for (int j = 0; j <= nb; j++)
        row[j] = j;
    for (int i = 1; i <= na; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= nb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

const char *iaf_suggest(const char *name, const char *const *cands, size_t n)
{
    uint32_t a[MAXLEN], b[MAXLEN];
    int na = name ? decode(name, a) : -1;
    if (na <= 0) return NULL;
    int limit = na <= 5 ? 1 : na / 3;
    const char *best = NULL;
    int bestd = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i]) continue;
        if (!strcmp(cands[i], name)) return NULL;
        int nb = decode(cands[i], b);
        if (nb < 0 || (nb > na ? nb - na : na - nb) >= bestd) continue;
        int d = distance(a, na, b, nb);
        if (d < bestd && d < na) {
            bestd = d;
            best = cands[i];
        }
    }
    return best;
}
