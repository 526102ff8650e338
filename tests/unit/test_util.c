/* src/util: the number rule (iaf_fmt_f64, iaf_fmt_i64, iaf_parse_double), the
 * capped allocator, the buffer, the arena, string interning, byte order, and
 * the closest name (iaf_suggest). The expected texts of iaf_fmt_f64 are
 * Python's repr() of the same doubles (the shortest round-trip form), except
 * where the rule says otherwise: integral values without ".0", zero without a
 * sign, and 5e-324, which "%.15g" already round-trips (Python: "%.15g" %
 * 5e-324). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "util/json.h"
#include "util/suggest.h"
#include "util/util.h"

static void fmt(double v, const char *want)
{
    char buf[32];
    size_t n = iaf_fmt_f64(buf, v);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
    if (isfinite(v)) assert_true(strtod(buf, NULL) == v); /* round-trips */
}

static void test_fmt_f64(void **state)
{
    (void)state;
    fmt(0.1, "0.1");
    fmt(1.0, "1");
    fmt(100.0, "100");
    fmt(-2.5, "-2.5");
    fmt(1.0 / 3, "0.3333333333333333");
    fmt(2.0 / 3, "0.6666666666666666");
    fmt(0.1 + 0.2, "0.30000000000000004");
    fmt(1e21, "1e+21");
    fmt(1e-7, "1e-07");
    fmt(123456789012345678.0, "1.2345678901234568e+17");
    fmt(1.7976931348623157e308, "1.7976931348623157e+308");
    fmt(5e-324, "4.94065645841247e-324");
    fmt(-0.0, "0");
    fmt(9007199254740991.0, "9007199254740991");
    fmt(NAN, "NaN");
    fmt(INFINITY, "Infinity");
    fmt(-INFINITY, "-Infinity");
    char buf[32];
    assert_int_equal(iaf_fmt_i64(buf, INT64_MIN), 20);
    assert_string_equal(buf, "-9223372036854775808");
}

static int parse(const char *s, double *v)
{
    return iaf_parse_double((iaf_sv){s, strlen(s)}, v);
}

static void test_parse_double(void **state)
{
    (void)state;
    double v = 0;
    assert_true(parse(" 2.5\t", &v));
    assert_true(v == 2.5);
    assert_true(parse("-1e-3", &v));
    assert_true(v == -1e-3);
    assert_true(parse("12", &v));
    assert_true(v == 12);
    /* not numbers: thousands separators, words, hex, empty, trailing junk */
    static const char *const bad[] = {"1,234", "inf", "nan", "0x10", "", "  ", "1.5x", "e5", "--1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(parse(bad[i], &v));
    assert_false(iaf_parse_double((iaf_sv){NULL, 0}, &v));
}

static void test_alloc_caps(void **state)
{
    (void)state;
    assert_null(iaf_malloc(IAF_ALLOC_CAP + 1));
    assert_null(iaf_calloc(SIZE_MAX / 2, 4)); /* the product overflows */
    assert_null(iaf_realloc_array(NULL, SIZE_MAX / 8, 16));
    void *p = iaf_malloc(0); /* 0 bytes gets 1 */
    assert_non_null(p);
    iaf_free(p);
    int *a = NULL;
    size_t cap = 0;
    assert_int_equal(IAF_GROW(a, cap, 3), 0);
    assert_true(cap >= 3);
    a[2] = 7;
    assert_int_equal(IAF_GROW(a, cap, SIZE_MAX / 2), -1);
    assert_int_equal(a[2], 7); /* unchanged on failure */
    iaf_free(a);
    char *s = iaf_strndup("ab\0cd", 5); /* exactly n bytes, NULs kept */
    assert_memory_equal(s, "ab\0cd", 6);
    iaf_free(s);
    assert_null(iaf_strdup(NULL));
}

static void test_buf(void **state)
{
    (void)state;
    iaf_buf b = {0};
    assert_int_equal(iaf_buf_puts(&b, "n="), 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(iaf_buf_printf(&b, "%d,", i), 0);
    assert_int_equal(b.len, strlen(b.data));
    assert_int_equal(strncmp(b.data, "n=0,1,2,", 8), 0);
    assert_string_equal(b.data + b.len - 4, "999,");
    assert_int_equal(iaf_buf_append(&b, "x\0y", 3), 0);
    assert_int_equal(b.data[b.len], '\0');
    iaf_buf_free(&b);
    assert_null(b.data);
}

static void test_arena(void **state)
{
    (void)state;
    iaf_arena a = {0};
    char *prev = NULL;
    for (int i = 0; i < 5000; i++) {
        void *p = iaf_arena_alloc(&a, (size_t)(i % 13) + 1);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 8, 0);
        memset(p, 0xAB, (size_t)(i % 13) + 1);
    }
    prev = iaf_arena_strndup(&a, "hello world", 5);
    assert_string_equal(prev, "hello");
    char *big = iaf_arena_alloc(&a, 1 << 20); /* larger than a block */
    assert_non_null(big);
    big[(1 << 20) - 1] = 1;
    assert_string_equal(prev, "hello"); /* earlier strings stay */
    iaf_arena_free(&a);
}

static void test_strmap(void **state)
{
    (void)state;
    iaf_strmap m;
    memset(&m, 0, sizeof m);
    assert_int_equal(iaf_strmap_find(&m, "a", 1), -1);
    /* ids in insertion order; the same bytes, the same id */
    assert_int_equal(iaf_strmap_intern(&m, "서울", strlen("서울")), 0);
    assert_int_equal(iaf_strmap_intern(&m, "", 0), 1);
    assert_int_equal(iaf_strmap_intern(&m, "a\0b", 3), 2);
    assert_int_equal(iaf_strmap_intern(&m, "a", 1), 3); /* a prefix is another key */
    assert_int_equal(iaf_strmap_intern(&m, "서울", strlen("서울")), 0);
    assert_int_equal(iaf_strmap_find(&m, "a\0b", 3), 2);
    char key[32];
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(iaf_strmap_intern(&m, key, (size_t)n), 4 + i);
    }
    assert_int_equal(iaf_strmap_size(&m), 20004);
    for (int i = 0; i < 20000; i += 997) {
        int n = snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(iaf_strmap_find(&m, key, (size_t)n), 4 + i);
        iaf_sv v = iaf_strmap_get(&m, (size_t)(4 + i));
        assert_int_equal(v.len, (size_t)n);
        assert_memory_equal(v.ptr, key, (size_t)n);
    }
    iaf_sv first = iaf_strmap_get(&m, 0); /* views survive growth */
    assert_true(iaf_sv_eq_str(first, "서울"));
    iaf_strmap_free(&m);
}

static void test_sv_cmp(void **state)
{
    (void)state;
    iaf_sv a = {"ab", 2}, b = {"abc", 3}, c = {"b", 1}, h = {"\xea\xb0\x80", 3} /* 가 */;
    assert_true(iaf_sv_cmp(a, b) < 0); /* a prefix first */
    assert_true(iaf_sv_cmp(b, a) > 0);
    assert_true(iaf_sv_cmp(b, c) < 0);
    assert_true(iaf_sv_cmp(c, h) < 0); /* bytes, unsigned: UTF-8 after ASCII */
    assert_int_equal(iaf_sv_cmp(a, a), 0);
}

/* What a message quotes of a label: all of a short one; 60 bytes of a long
 * one, less where the 60th byte would cut a character ("a" and 30 Hangul
 * syllables of 3 bytes: the 20th syllable ends at byte 61, so 58). */
static void test_sv_shown(void **state)
{
    (void)state;
    char s[128] = "a";
    for (int i = 0; i < 30; i++)
        strcat(s, "\xEA\xB0\x80");
    assert_int_equal(iaf_sv_shown((iaf_sv){s, 1}), 1);
    assert_int_equal(iaf_sv_shown((iaf_sv){s, 61}), 58);
    assert_int_equal(iaf_sv_shown((iaf_sv){s, strlen(s)}), 58);
    char ascii[80];
    memset(ascii, 'x', sizeof ascii);
    assert_int_equal(iaf_sv_shown((iaf_sv){ascii, 60}), 60);
    assert_int_equal(iaf_sv_shown((iaf_sv){ascii, 80}), 60);
}

static void test_suggest(void **state)
{
    (void)state;
    const char *cols[] = {"age", "sex", "occupation", "직업", "province"};
    size_t n = sizeof cols / sizeof cols[0];
    assert_string_equal(iaf_suggest("ocupation", cols, n), "occupation");
    assert_string_equal(iaf_suggest("Occupaton", cols, n), "occupation"); /* case, one edit */
    assert_string_equal(iaf_suggest("sx", cols, n), "sex");
    assert_string_equal(iaf_suggest("직엄", cols, n), "직업"); /* by characters, not bytes */
    assert_null(iaf_suggest("sex", cols, n));                  /* itself a candidate */
    assert_null(iaf_suggest("income", cols, n));               /* nothing close */
    assert_null(iaf_suggest("ab", cols, n));                   /* every character wrong */
    assert_null(iaf_suggest("", cols, n));
    const char *tie[] = {"bat", "cat"};
    assert_string_equal(iaf_suggest("at", tie, 2), "bat"); /* ties: the first */
}

/* A value written aside (iaf_json_init_value) and spliced in (iaf_json_raw)
 * gives the same bytes as writing it in place, pretty or compact, first
 * member or not. */
static void json_doc(int pretty, int aside, iaf_buf *out)
{
    iaf_json j;
    iaf_json_init(&j, out, pretty);
    iaf_json_begin_object(&j);
    iaf_json_kstr(&j, "name", "x");
    iaf_json_key(&j, "checks");
    iaf_buf side = {0};
    iaf_json v;
    iaf_json *w = &j;
    if (aside) {
        iaf_json_init_value(&v, &side, &j);
        w = &v;
    }
    iaf_json_begin_array(w);
    iaf_json_begin_object(w);
    iaf_json_kint(w, "n", 3);
    iaf_json_key(w, "e");
    iaf_json_begin_array(w);
    iaf_json_end_array(w);
    iaf_json_end_object(w);
    iaf_json_num(w, 0.5);
    iaf_json_end_array(w);
    if (aside) iaf_json_raw(&j, side.data, side.len);
    iaf_buf_free(&side);
    iaf_json_kbool(&j, "last", 1);
    iaf_json_end_object(&j);
    assert_false(j.failed);
}

static void test_json_value_aside(void **state)
{
    (void)state;
    for (int pretty = 0; pretty < 2; pretty++) {
        iaf_buf a = {0}, b = {0};
        json_doc(pretty, 0, &a);
        json_doc(pretty, 1, &b);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.data, b.data, a.len);
        iaf_buf_free(&a);
        iaf_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_f64),    cmocka_unit_test(test_parse_double),
        cmocka_unit_test(test_alloc_caps), cmocka_unit_test(test_buf),
        cmocka_unit_test(test_arena),      cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_sv_cmp),     cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_sv_shown),   cmocka_unit_test(test_json_value_aside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
