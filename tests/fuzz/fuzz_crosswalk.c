/* libFuzzer target: crosswalk files (src/core/crosswalk.c) through
 * iaf_crosswalk_load_memory.
 *
 * Every line of the input is also mapped as a label (plus a few fixed labels), and the
 * invariants of a loaded crosswalk are checked: no more targets than rows allow, weights in
 * (0, 1] summing to 1, views that stay readable, and a regex that exceeds a matching limit
 * reported as such (corpus: hostile_*.csv, patterns that exploded glibc's regex).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/crosswalk.h"

static void check_label(iaf_crosswalk *cw, const char *p, size_t n)
{
    iaf_sv t[IAF_CROSSWALK_MAX_TARGETS];
    double w[IAF_CROSSWALK_MAX_TARGETS];
    int dropped = -1;
    size_t k = iaf_crosswalk_map(cw, (iaf_sv){p, n}, t, w, IAF_CROSSWALK_MAX_TARGETS, &dropped);
    if (k > IAF_CROSSWALK_MAX_TARGETS || k > iaf_crosswalk_nrows(cw)) abort();
    if (dropped != 0 && dropped != 1) abort();
    if (k && dropped) abort();
    double sum = 0;
    volatile unsigned char sink = 0;
    for (size_t i = 0; i < k; i++) {
        if (!t[i].ptr || !(w[i] > 0 && w[i] <= 1)) abort();
        for (size_t j = 0; j < t[i].len; j++)
            sink ^= (unsigned char)t[i].ptr[j];
        sum += w[i];
    }
    (void)sink;
    if (k && fabs(sum - 1) > 1e-6) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iaf_error err;
    iaf_crosswalk *cw = NULL;
    if (iaf_crosswalk_load_memory(data, size, "fuzz.csv", &cw, &err) != IAF_OK) return 0;
    static const char *const fixed[] = {"", "a", "육군 병사", "35세", "x"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        check_label(cw, fixed[i], strlen(fixed[i]));
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        check_label(cw, p, n);
        /* the field before the first comma is usually a `from` */
        const char *comma = memchr(p, ',', n);
        if (comma) check_label(cw, p, (size_t)(comma - p));
        p += n + 1;
    }
    check_label(cw, NULL, 0);
    /* a failed match (a limit, out of memory) is sticky and maps nothing from then on */
    iaf_status st = iaf_crosswalk_status(cw, &err);
    if (st != IAF_OK && st != IAF_ERR_LIMIT && st != IAF_ERR_NOMEM) abort();
    iaf_crosswalk_free(cw);
    return 0;
}
