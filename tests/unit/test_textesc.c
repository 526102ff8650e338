/* Escaping of control bytes in text for a terminal (util/textesc.h): every
 * C0 byte but LF and TAB, DEL, C1 and invalid UTF-8 escaped; valid UTF-8
 * (Hangul, kana, emoji) kept; the same result however the text is cut into
 * writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/textesc.h"

static void check(const char *in, size_t n, const char *want)
{
    iaf_buf b = {0};
    assert_int_equal(iaf_textesc_append(NULL, &b, in, n), 0);
    assert_string_equal(b.data ? b.data : "", want);
    /* every split into two writes, and byte by byte, gives the same text */
    for (size_t cut = 0; cut <= n; cut++) {
        iaf_buf c = {0};
        iaf_textesc st = {{0}, 0};
        assert_int_equal(iaf_textesc_append(&st, &c, in, cut), 0);
        assert_int_equal(iaf_textesc_append(&st, &c, in + cut, n - cut), 0);
        assert_int_equal(iaf_textesc_finish(&st, &c), 0);
        assert_string_equal(c.data ? c.data : "", want);
        iaf_buf_free(&c);
    }
    iaf_buf d = {0};
    iaf_textesc st = {{0}, 0};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(iaf_textesc_append(&st, &d, in + i, 1), 0);
    assert_int_equal(iaf_textesc_finish(&st, &d), 0);
    assert_string_equal(d.data ? d.data : "", want);
    iaf_buf_free(&d);
    iaf_buf_free(&b);
}

#define CHECK(lit, want) check(lit, sizeof lit - 1, want)

static void test_controls(void **state)
{
    (void)state;
    CHECK("plain text, tab\tand\nnewline", "plain text, tab\tand\nnewline");
    CHECK("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
    CHECK("\x1b]0;title\x07", "\\x1b]0;title\\x07");
    CHECK("cr\rbs\b del\x7f nul", "cr\\x0dbs\\x08 del\\x7f nul");
    CHECK("a\0b", "a\\x00b");
    /* C1 as UTF-8 (U+009B is CSI for some terminals) and as a raw byte */
    CHECK("M\xc2\x9bx \x9b", "M\\u009Bx \\x9b");
    CHECK("\xc2\xa0nbsp", "\xc2\xa0nbsp");
}

static void test_utf8(void **state)
{
    (void)state;
    CHECK("남자 여자 日本語 \xf0\x9f\x98\x80", "남자 여자 日本語 \xf0\x9f\x98\x80");
    /* invalid: overlong, surrogate, above U+10FFFF, stray continuation, cut */
    CHECK("\xc0\xaf", "\\xc0\\xaf");
    CHECK("\xed\xa0\x80", "\\xed\\xa0\\x80");
    CHECK("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
    CHECK("\x80x", "\\x80x");
    CHECK("end\xe6\x97", "end\\xe6\\x97");
    CHECK("\xe6\x97x", "\\xe6\\x97x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
