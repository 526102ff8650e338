/* tests/unit/test_labels.c - declared label normalisation (src/core/labels.c): the numeric
 * canonical form case by case, and every step combination against
 * tests/data/labels/normalize_cases.tsv, written by tests/oracles/labels_oracle.py from
 * Python's unicodedata, str.casefold and decimal (no iaf code). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/labels.h"

static void expect_numeric(const char *in, const char *want)
{
    char out[64];
    size_t n = iaf_label_numeric(in, strlen(in), out);
    if (!want) {
        if (n != 0) fail_msg("numeric('%s') = '%.*s', expected no number", in, (int)n, out);
        return;
    }
    out[n] = '\0';
    if (strcmp(out, want) != 0) fail_msg("numeric('%s') = '%s', expected '%s'", in, out, want);
}

static void test_numeric(void **state)
{
    (void)state;
    expect_numeric("1", "1");
    expect_numeric("1.0", "1");
    expect_numeric("01", "1");
    expect_numeric("+1", "1");
    expect_numeric("1.", "1");
    expect_numeric(".5", "0.5");
    expect_numeric("-.5", "-0.5");
    expect_numeric("-0", "0");
    expect_numeric("-0.00", "0");
    expect_numeric("1.50", "1.5");
    expect_numeric("100", "100");
    expect_numeric("0100.0100", "100.01");
    expect_numeric("000", "0");
    expect_numeric("12345678901234567890.000000000000000000001",
                   "12345678901234567890.000000000000000000001"); /* exact: no rounding */
    /* not exact decimal numbers: left as written */
    expect_numeric("", NULL);
    expect_numeric(".", NULL);
    expect_numeric("-", NULL);
    expect_numeric("1e3", NULL);
    expect_numeric("1,000", NULL);
    expect_numeric(" 1", NULL);
    expect_numeric("0x10", NULL);
    expect_numeric("NaN", NULL);
    expect_numeric("1.0a", NULL);
    expect_numeric("--1", NULL);
}

static void test_flags(void **state)
{
    (void)state;
    assert_int_equal(iaf_label_norm_flag("nfkc"), IAF_NORM_NFKC);
    assert_int_equal(iaf_label_norm_flag("NFKC"), 0);
    assert_int_equal(iaf_label_norm_flag("lower"), 0);
    assert_string_equal(iaf_label_norm_names(IAF_NORM_NUMERIC | IAF_NORM_TRIM | IAF_NORM_NFC),
                        "nfc, trim, numeric");
    assert_string_equal(iaf_label_norm_names(0), "");
}

static size_t unhex(const char *h, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned v;
        sscanf(h + i, "%2x", &v);
        out[k++] = (char)v;
    }
    out[k] = '\0';
    return k;
}

static void test_oracle(void **state)
{
    (void)state;
    FILE *f = fopen(IAF_TESTDATA "/labels/normalize_cases.tsv", "r");
    assert_non_null(f);
    char line[4096], in[1024], want[1024];
    size_t n = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        assert_non_null(t2);
        *t1 = '\0';
        unsigned flags = 0;
        for (char *s = strtok(line, ","); s; s = strtok(NULL, ","))
            flags |= iaf_label_norm_flag(s);
        assert_true(flags != 0);
        size_t nin = unhex(t1 + 1, (size_t)(t2 - t1 - 1), in);
        char *end = t2 + 1 + strcspn(t2 + 1, "\r\n");
        unhex(t2 + 1, (size_t)(end - t2 - 1), want);
        iaf_buf b = {0};
        assert_int_equal(iaf_label_normalize(in, nin, flags, &b), 0);
        const char *got = b.data ? b.data : "";
        if (strcmp(got, want) != 0 && bad++ < 20)
            print_error("[%s] '%s' -> '%s', oracle '%s'\n", iaf_label_norm_names(flags), in, got,
                        want);
        iaf_buf_free(&b);
        n++;
    }
    fclose(f);
    assert_true(n >= 500);
    assert_int_equal(bad, 0);
}

/* Invalid UTF-8 skips the Unicode steps; trim and numeric still see its ASCII. */
static void test_invalid_utf8(void **state)
{
    (void)state;
    iaf_buf b = {0};
    assert_int_equal(iaf_label_normalize(" A\xFF ", 4, IAF_NORM_NFKC | IAF_NORM_CASEFOLD, &b), 0);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.data, " A\xFF ", 4);
    b.len = 0;
    assert_int_equal(iaf_label_normalize(" A\xFF ", 4, IAF_NORM_TRIM | IAF_NORM_NFC, &b), 0);
    assert_int_equal(b.len, 2);
    assert_memory_equal(b.data, "A\xFF", 2);
    iaf_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numeric),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_oracle),
        cmocka_unit_test(test_invalid_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
