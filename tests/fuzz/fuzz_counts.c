/* libFuzzer target: the count-table reader (long and wide forms), and the
 * comparison of what it reads against itself. */
#include <stddef.h>
#include <stdint.h>

#include "audit/compare.h"
#include "io/counts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const iaf_counts_form forms[] = {IAF_COUNTS_AUTO, IAF_COUNTS_LONG, IAF_COUNTS_WIDE};
    for (size_t f = 0; f < 3; f++) {
        iaf_counts_options o = {0};
        o.form = forms[f];
        o.shares = -1;
        iaf_table *t = NULL;
        iaf_error err;
        if (iaf_counts_read_memory(data, size, "fuzz.csv", &o, &t, &err) != IAF_OK) continue;
        if (iaf_table_nattrs(t) <= 2) {
            const char *x = iaf_table_attr(t, 0);
            const char *y = iaf_table_nattrs(t) == 2 ? iaf_table_attr(t, 1) : NULL;
            iaf_comparison *c = NULL;
            iaf_compare_input in = {t, t, x, y, 100, 1e300, NULL, NULL};
            if (iaf_compare_tables(&in, &c, &err) == IAF_OK) iaf_comparison_free(c);
        }
        iaf_table_free(t);
    }
    return 0;
}
