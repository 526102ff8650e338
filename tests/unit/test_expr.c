/* Unit tests of the expression language (src/core/expr.c).
 *
 * Two kinds of oracle: hand-written expectations taken from the rules in
 * docs/expressions.md, and tests/data/expr/cases.jsonl, written by an independent Python
 * evaluator (gen_cases.py) that builds random trees, renders them with random surface
 * syntax and evaluates the trees itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/expr.h"

#define MISSING_VALUE ((const char *)0)

static iaf_expr *parse_ok(const char *text)
{
    iaf_error err;
    iaf_error_clear(&err);
    iaf_expr *e = NULL;
    iaf_status st = iaf_expr_parse(text, "test", &e, &err);
    if (st != IAF_OK) fail_msg("parse of [%s] failed: col %lld: %s", text, err.column, err.message);
    assert_non_null(e);
    return e;
}

/* Evaluate e with variables given as name, value pairs (value NULL = missing); a
 * variable not named is missing. */
static int eval_env(const iaf_expr *e, size_t npairs, const char *const *pairs)
{
    iaf_sv vals[32];
    size_t nv = iaf_expr_nvars(e);
    assert_true(nv <= 32);
    for (size_t i = 0; i < nv; i++) {
        vals[i] = (iaf_sv){NULL, 0};
        for (size_t k = 0; k < npairs; k++) {
            if (strcmp(pairs[2 * k], iaf_expr_var(e, i)) == 0 && pairs[2 * k + 1])
                vals[i] = (iaf_sv){pairs[2 * k + 1], strlen(pairs[2 * k + 1])};
        }
    }
    return iaf_expr_eval(e, vals);
}

#define EVAL(e, ...)                                                                               \
    eval_env((e), sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *) / 2,                \
             (const char *[]){__VA_ARGS__})

/* Parse and evaluate in one go, also checking that the canonical text evaluates the same. */
static int check(const char *text, size_t npairs, const char *const *pairs)
{
    iaf_expr *e = parse_ok(text);
    int r = eval_env(e, npairs, pairs);
    iaf_buf b = {0};
    assert_int_equal(iaf_expr_to_string(e, &b), 0);
    iaf_expr *e2 = parse_ok(b.data);
    if (eval_env(e2, npairs, pairs) != r)
        fail_msg("[%s] -> [%s] evaluates differently", text, b.data);
    iaf_buf_free(&b);
    iaf_expr_free(e2);
    iaf_expr_free(e);
    return r;
}

#define T(text, ...)                                                                               \
    check((text), sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *) / 2,                \
          (const char *[]){__VA_ARGS__})
#define T0(text) check((text), 0, NULL)

static void expect_canon(const char *text, const char *canon)
{
    iaf_expr *e = parse_ok(text);
    iaf_buf b = {0};
    assert_int_equal(iaf_expr_to_string(e, &b), 0);
    assert_string_equal(b.data, canon);
    iaf_buf_free(&b);
    iaf_expr_free(e);
}

static void expect_error(const char *text, iaf_status st, long long column, const char *needle)
{
    iaf_error err;
    iaf_error_clear(&err);
    iaf_expr *e = (iaf_expr *)1;
    iaf_status got = iaf_expr_parse(text, "audit.yaml:42", &e, &err);
    if (got != st || err.column != column)
        fail_msg("[%s]: expected status %d at column %lld, got %d at column %lld (%s)", text, st,
                 column, got, err.column, err.message);
    assert_null(e);
    assert_int_equal(err.status, st);
    assert_string_equal(err.file, "audit.yaml:42");
    char where[64];
    snprintf(where, sizeof where, "column %lld", column);
    assert_string_equal(err.where, where);
    if (needle && !strstr(err.message, needle))
        fail_msg("[%s]: message '%s' lacks '%s'", text, err.message, needle);
    char line[2048];
    iaf_error_format(&err, line, sizeof line);
    assert_non_null(strstr(line, where));
}

static void test_precedence(void **state)
{
    (void)state;
    /* and binds tighter than or */
    assert_int_equal(T("a == 1 or a == 2 and b == 3", "a", "1", "b", "0"), 1);
    assert_int_equal(T("(a == 1 or a == 2) and b == 3", "a", "1", "b", "0"), 0);
    /* not binds tighter than and */
    assert_int_equal(T("not a == 1 and b == 1", "a", "2", "b", "1"), 1);
    assert_int_equal(T("not (a == 1 and b == 1)", "a", "1", "b", "2"), 1);
    assert_int_equal(T("not a == 1 and b == 1", "a", "1", "b", "2"), 0);
    assert_int_equal(T("!a == 1 || b == 1 && c == 1", "a", "1", "b", "1", "c", "0"), 0);
    assert_int_equal(T("! ! a == 1", "a", "1"), 1);
    /* => is lowest and right associative: (F => F) => F is false, F => (F => F) true */
    assert_int_equal(T("a == 1 => a == 1 => a == 1", "a", "0"), 1);
    assert_int_equal(T("a == 0 or a == 1 => b == 1", "a", "0", "b", "0"), 0);
    assert_int_equal(T("a == 0 or a == 1 => b == 1", "a", "5", "b", "0"), 1);
    assert_int_equal(T("a == 2 and b == 1 => c == 1 or c == 2", "a", "2", "b", "1", "c", "2"), 1);
    expect_canon("a == 1 or a == 2 and b == 3", "a == 1 or a == 2 and b == 3");
    expect_canon("(a == 1 or a == 2) and b == 3", "(a == 1 or a == 2) and b == 3");
    expect_canon("((a == 1)) and ((b == 2 and c == 3))", "a == 1 and b == 2 and c == 3");
    expect_canon("not (a = 1 && b = 2)", "not (a == 1 and b == 2)");
    expect_canon("!(!(a==1))", "not not a == 1");
    expect_canon("a==1=>b==2=>c==3", "a == 1 => b == 2 => c == 3");
}

static void test_operators(void **state)
{
    (void)state;
    assert_int_equal(T("x == 5", "x", "5"), 1);
    assert_int_equal(T("x = 5", "x", "5"), 1);
    assert_int_equal(T("x != 5", "x", "5"), 0);
    assert_int_equal(T("x < 5", "x", "4.9"), 1);
    assert_int_equal(T("x < 5", "x", "5"), 0);
    assert_int_equal(T("x <= 5", "x", "5"), 1);
    assert_int_equal(T("x > 5", "x", "5"), 0);
    assert_int_equal(T("x > 5", "x", "5.01"), 1);
    assert_int_equal(T("x >= 5", "x", "5"), 1);
    assert_int_equal(T("x >= 5", "x", "-5"), 0);
    assert_int_equal(T("5 > x", "x", "4"), 1);            /* literal on the left */
    assert_int_equal(T("x < y", "x", "9", "y", "10"), 1); /* numeric, not "9" > "10" */
    assert_int_equal(T("x == y", "x", "a", "y", "a"), 1);
    assert_int_equal(T("x in (\"a\", 'b', 3)", "x", "b"), 1);
    assert_int_equal(T("x in (\"a\", 'b', 3)", "x", "3.00"), 1);
    assert_int_equal(T("x in (\"a\", 'b', 3)", "x", "c"), 0);
    assert_int_equal(T("x not in (\"a\", 'b', 3)", "x", "c"), 1);
    assert_int_equal(T("x not in (\"a\", 'b', 3,)", "x", "a"), 0);
    assert_int_equal(T("x in 25..39", "x", "25"), 1);
    assert_int_equal(T("x in 25..39", "x", "39"), 1);
    assert_int_equal(T("x in 25..39", "x", "39.5"), 0);
    assert_int_equal(T("x in 25..39", "x", "24.999"), 0);
    assert_int_equal(T("x in -5..-1", "x", "-3"), 1);
    assert_int_equal(T("x in 1.5..2.5", "x", "2"), 1);
    assert_int_equal(T("x not in 25..39", "x", "40"), 1);
    assert_int_equal(T("x between 25 and 39", "x", "30"), 1);
    assert_int_equal(T("x between 25 and 39 and y == 1", "x", "30", "y", "1"), 1);
    assert_int_equal(T("x between 25 and 39", "x", "40"), 0);
    assert_int_equal(T("x not between 25 and 39", "x", "40"), 1);
    assert_int_equal(T("x BETWEEN 25 AND 39", "x", "25"), 1);
    assert_int_equal(T("x is missing", "x", MISSING_VALUE), 1);
    assert_int_equal(T("x is missing", "x", ""), 0);
    assert_int_equal(T("x is not missing", "x", ""), 1);
    assert_int_equal(T("x is null", "x", MISSING_VALUE), 1);
    assert_int_equal(T("x IS NOT NULL", "x", "1"), 1);
    assert_int_equal(T("x == 1 and y == 1", "x", "1", "y", "1"), 1);
    assert_int_equal(T("x == 1 && y == 1", "x", "1", "y", "2"), 0);
    assert_int_equal(T("x == 1 || y == 1", "x", "2", "y", "1"), 1);
    assert_int_equal(T("x == 1 OR y == 1", "x", "2", "y", "2"), 0);
    assert_int_equal(T("NOT x == 1", "x", "2"), 1);
    assert_int_equal(T0("true"), 1);
    assert_int_equal(T0("false"), 0);
    assert_int_equal(T0("not false and TRUE"), 1);
    assert_int_equal(T("flag == true", "flag", "true"), 1);
    assert_int_equal(T("flag == false", "flag", "true"), 0);
    assert_int_equal(T("true == flag", "flag", "true"), 1);
    assert_int_equal(T("x == -2.5e1", "x", "-25"), 1);
    assert_int_equal(T("x == +.5", "x", "0.5"), 1);
    assert_int_equal(T("x == 1E2", "x", "100"), 1);
    assert_int_equal(T("x == 'it\\'s'", "x", "it's"), 1);
    assert_int_equal(T("x == \"say \\\"hi\\\" \\\\o/\"", "x", "say \"hi\" \\o/"), 1);
    assert_int_equal(T("x == ''", "x", ""), 1);
    assert_int_equal(T("x\n==\t1\r\n", "x", "1"), 1);
}

static void test_numeric_vs_string(void **state)
{
    (void)state;
    assert_int_equal(T("x == 3", "x", "3.0"), 1);
    assert_int_equal(T("x == \"3\"", "x", "3.0"), 1); /* a quoted number is still a number */
    assert_int_equal(T("x == 3", "x", " 3 "), 1);     /* iaf_parse_double trims spaces */
    assert_int_equal(T("x == 100", "x", "1e2"), 1);
    assert_int_equal(T("x == 0", "x", "-0"), 1);
    assert_int_equal(T("x != 3", "x", "three"), 1);
    assert_int_equal(T("x == 3", "x", "3개"), 0);
    assert_int_equal(T("x == \"1,234\"", "x", "1,234"), 1); /* byte equality */
    assert_int_equal(T("x == 1234", "x", "1,234"), 0);      /* "1,234" is not a number */
    assert_int_equal(T("x == \"abc\"", "x", "ABC"), 0);     /* bytes, case sensitive */
    /* ordering needs two numbers; otherwise false, never a byte order */
    assert_int_equal(T("x < \"b\"", "x", "a"), 0);
    assert_int_equal(T("x >= \"a\"", "x", "a"), 0);
    assert_int_equal(T("x <= 3", "x", "abc"), 0);
    assert_int_equal(T("x > 3", "x", "abc"), 0);
    assert_int_equal(T("x < y", "x", "1", "y", "b"), 0);
    assert_int_equal(T("x in 0..10", "x", "five"), 0);
    assert_int_equal(T("x not in 0..10", "x", "five"), 1);
    assert_int_equal(T("x == 9007199254740993", "x", "9007199254740992"), 1); /* doubles */
    assert_int_equal(T("x == 0.1", "x", "0.10000000000000001"), 1);
}

static void test_missing(void **state)
{
    (void)state;
    const char *const ops[] = {"==", "<", "<=", ">", ">="};
    char text[64];
    for (size_t i = 0; i < IAF_ARRAY_LEN(ops); i++) {
        snprintf(text, sizeof text, "x %s 1", ops[i]);
        assert_int_equal(T(text, "x", MISSING_VALUE), 0);
        snprintf(text, sizeof text, "x %s y", ops[i]);
        assert_int_equal(T(text, "x", MISSING_VALUE, "y", MISSING_VALUE), 0);
        assert_int_equal(T(text, "x", "1", "y", MISSING_VALUE), 0);
    }
    assert_int_equal(T("x != 1", "x", MISSING_VALUE), 1);
    assert_int_equal(T("x != y", "x", MISSING_VALUE, "y", MISSING_VALUE), 1);
    assert_int_equal(T("x == \"\"", "x", MISSING_VALUE), 0); /* empty is not missing */
    assert_int_equal(T("x == \"\"", "x", ""), 1);
    assert_int_equal(T("x in (\"\", 1)", "x", MISSING_VALUE), 0);
    assert_int_equal(T("x not in (\"\", 1)", "x", MISSING_VALUE), 1);
    assert_int_equal(T("x in 0..10", "x", MISSING_VALUE), 0);
    assert_int_equal(T("x between 0 and 10", "x", MISSING_VALUE), 0);
    assert_int_equal(T("x not between 0 and 10", "x", MISSING_VALUE), 1);
    assert_int_equal(T("not x == 1", "x", MISSING_VALUE), 1);
    assert_int_equal(T("x is missing or x > 3", "x", MISSING_VALUE), 1);
}

static void test_korean(void **state)
{
    (void)state;
    const char *rule = "military_status == \"현역\" and rank == \"병\" => sex == \"남자\" and "
                       "age <= 30";
    iaf_expr *e = parse_ok(rule);
    assert_int_equal(iaf_expr_nvars(e), 4);
    assert_string_equal(iaf_expr_var(e, 0), "military_status");
    assert_string_equal(iaf_expr_var(e, 1), "rank");
    assert_string_equal(iaf_expr_var(e, 2), "sex");
    assert_string_equal(iaf_expr_var(e, 3), "age");
    assert_null(iaf_expr_var(e, 4));
    assert_int_equal(EVAL(e, "military_status", "현역", "rank", "병", "sex", "여자", "age", "22"),
                     0);
    assert_int_equal(EVAL(e, "military_status", "현역", "rank", "병", "sex", "남자", "age", "22"),
                     1);
    assert_int_equal(EVAL(e, "military_status", "현역", "rank", "병", "sex", "남자", "age", "31"),
                     0);
    assert_int_equal(EVAL(e, "military_status", "비현역", "rank", "병", "sex", "여자", "age", "60"),
                     1);
    iaf_expr_free(e);

    assert_int_equal(T("성별 == \"여자\" and 연령 in 25..39", "성별", "여자", "연령", "30"), 1);
    assert_int_equal(T("성별 == '남자'", "성별", "여자"), 0);
    assert_int_equal(T("직업_대분류 in ('관리자', '전문가 및 관련 종사자')", "직업_대분류",
                       "전문가 및 관련 종사자"),
                     1);
    assert_int_equal(T("`최종 학력` == \"대학교(4년제)\"", "최종 학력", "대학교(4년제)"), 1);
    assert_int_equal(T("`1인가구` == 1", "1인가구", "1"), 1);
    assert_int_equal(T("rank.code == 3", "rank.code", "3"), 1);
    assert_int_equal(T("연령>=19&&연령<=24", "연령", "19"), 1); /* no spaces needed */
    expect_canon("성별='여자'", "성별 == \"여자\"");
    expect_canon("`최종 학력` == 1", "`최종 학력` == 1");
    expect_canon("`성별` == 1", "성별 == 1");
    expect_canon("`and` == 1 and `IN` == 2 and `In` == 3", "`and` == 1 and `IN` == 2 and In == 3");
}

static void test_implication(void **state)
{
    (void)state;
    iaf_expr *e = parse_ok("a == 1 and b == 2 => c == 3 => d is missing");
    const iaf_expr *ante = NULL, *cons = NULL, *a2 = NULL, *c2 = NULL;
    assert_int_equal(iaf_expr_implication(e, &ante, &cons), 1);
    assert_non_null(ante);
    assert_non_null(cons);
    assert_int_equal(iaf_expr_nvars(ante), 4);
    assert_int_equal(iaf_expr_nvars(cons), 4);
    assert_string_equal(iaf_expr_var(cons, 2), "c");
    assert_int_equal(iaf_expr_implication(ante, NULL, NULL), 0);
    assert_int_equal(iaf_expr_implication(cons, &a2, &c2), 1);
    assert_int_equal(iaf_expr_implication(c2, NULL, NULL), 0);

    iaf_sv v[4] = {{"1", 1}, {"2", 1}, {"3", 1}, {"x", 1}};
    assert_int_equal(iaf_expr_eval(ante, v), 1);
    assert_int_equal(iaf_expr_eval(cons, v), 0);
    assert_int_equal(iaf_expr_eval(a2, v), 1);
    assert_int_equal(iaf_expr_eval(c2, v), 0);
    assert_int_equal(iaf_expr_eval(e, v), 0);
    v[3].ptr = NULL;
    assert_int_equal(iaf_expr_eval(e, v), 1);
    v[0].ptr = "0";
    v[3].ptr = "x";
    assert_int_equal(iaf_expr_eval(ante, v), 0);
    assert_int_equal(iaf_expr_eval(e, v), 1);

    iaf_buf b = {0};
    assert_int_equal(iaf_expr_to_string(ante, &b), 0);
    assert_string_equal(b.data, "a == 1 and b == 2");
    b.len = 0;
    assert_int_equal(iaf_expr_to_string(cons, &b), 0);
    assert_string_equal(b.data, "c == 3 => d is missing");
    iaf_buf_free(&b);
    iaf_expr_free((iaf_expr *)ante); /* borrowed views: a no-op */
    iaf_expr_free(e);
    iaf_expr_free(NULL);

    e = parse_ok("a == 1 and (b == 2 or c == 3)");
    assert_int_equal(iaf_expr_implication(e, &ante, &cons), 0);
    iaf_expr_free(e);
}

static void test_canonical(void **state)
{
    (void)state;
    expect_canon("x=1", "x == 1");
    expect_canon("x == 1.50", "x == 1.5");
    expect_canon("x == +3e0", "x == 3");
    expect_canon("x == -0.5e-7", "x == -5e-08");
    expect_canon("x == 'a\"b\\\\c'", "x == \"a\\\"b\\\\c\"");
    expect_canon("x between 25 and 39", "x in 25..39");
    expect_canon("x not between -1 and 1", "x not in -1..1");
    expect_canon("x IN ('a',2,TRUE,)", "x in (\"a\", 2, true)");
    expect_canon("x is null", "x is missing");
    expect_canon("x IS NOT NULL", "x is not missing");
    expect_canon("a==1 || b==2 && !(c==3 || d==4)", "a == 1 or b == 2 and not (c == 3 or d == 4)");
    expect_canon("not (a == 1)", "not a == 1");
    expect_canon("TRUE", "true");
    expect_canon("`weird name` != `back\\`tick\\\\`", "`weird name` != `back\\`tick\\\\`");
    expect_canon("`null` == 1 and x is null", "null == 1 and x is missing");
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("", IAF_ERR_PARSE, 1, "empty expression");
    expect_error("   \n ", IAF_ERR_PARSE, 1, "empty expression");
    expect_error("x == \"abc", IAF_ERR_PARSE, 6, "unterminated string");
    expect_error("x == 'abc\\'", IAF_ERR_PARSE, 6, "unterminated string");
    expect_error("`abc == 1", IAF_ERR_PARSE, 1, "unterminated backquoted name");
    expect_error("x == \"a\\qb\"", IAF_ERR_PARSE, 8, "unknown escape");
    expect_error("x == 1 and", IAF_ERR_PARSE, 11, "end of expression");
    expect_error("x == 1 y == 2", IAF_ERR_PARSE, 8, "'y'");
    expect_error("== 3", IAF_ERR_PARSE, 1, "missing column name");
    expect_error("a == 1 and in (1)", IAF_ERR_PARSE, 12, "missing column name");
    expect_error("x", IAF_ERR_PARSE, 2, "expected a comparison");
    expect_error("성별 and x == 1", IAF_ERR_PARSE, 8, "after '성별', found 'and'");
    expect_error("x ==", IAF_ERR_PARSE, 5, "expected a value or column name after '=='");
    expect_error("x == )", IAF_ERR_PARSE, 6, "expected a value");
    expect_error("(x == 1", IAF_ERR_PARSE, 8, "expected ')'");
    expect_error("x == 1)", IAF_ERR_PARSE, 7, "unmatched ')'");
    expect_error("()", IAF_ERR_PARSE, 2, "unexpected");
    expect_error("x in ()", IAF_ERR_PARSE, 6, "empty list");
    expect_error("x in (1, 2", IAF_ERR_PARSE, 6, "missing ')'");
    expect_error("x in (1 2)", IAF_ERR_PARSE, 9, "expected ',' or ')'");
    expect_error("x in (a, 2)", IAF_ERR_PARSE, 7, "not column names");
    expect_error("x in 5", IAF_ERR_PARSE, 7, "expected '..'");
    expect_error("x in 39..25", IAF_ERR_PARSE, 6, "empty range");
    expect_error("x in 'a'..'b'", IAF_ERR_PARSE, 6, "expected '(' or a range");
    expect_error("x between 1 or 2", IAF_ERR_PARSE, 13, "expected 'and'");
    expect_error("x between 1 and y", IAF_ERR_PARSE, 17, "expected a number");
    expect_error("x is", IAF_ERR_PARSE, 5, "expected 'missing'");
    expect_error("x is empty", IAF_ERR_PARSE, 6, "expected 'missing'");
    expect_error("x not == 1", IAF_ERR_PARSE, 7, "expected 'in' or 'between'");
    expect_error("\"sex\" == \"남자\"", IAF_ERR_PARSE, 1, "two constants");
    expect_error("3 in (1, 2)", IAF_ERR_PARSE, 1, "needs a column name");
    expect_error("(a == 1 => b == 2)", IAF_ERR_PARSE, 9, "top level");
    expect_error("a == 1 and (b == 1 => c == 1)", IAF_ERR_PARSE, 20, "top level");
    expect_error("not (a == 1 => b == 1)", IAF_ERR_PARSE, 13, "top level");
    expect_error("a == 1 =>", IAF_ERR_PARSE, 10, "end of expression");
    expect_error("x == 1 & y == 2", IAF_ERR_PARSE, 8, "'&&'");
    expect_error("x == 1 | y == 2", IAF_ERR_PARSE, 8, "'||'");
    expect_error("x == 3개", IAF_ERR_PARSE, 6, "malformed number");
    expect_error("x == 1.2.3", IAF_ERR_PARSE, 6, "malformed number");
    expect_error("x == 1e400", IAF_ERR_PARSE, 6, "out of range");
    expect_error("x == 1 - 2", IAF_ERR_PARSE, 8, "no arithmetic");
    expect_error("x == 1 ; y", IAF_ERR_PARSE, 8, "unexpected character ';'");
    expect_error("x == 1 \x01", IAF_ERR_PARSE, 8, "control character");
    expect_error("`` == 1", IAF_ERR_PARSE, 1, "empty backquoted name");
    expect_error("ab\xff == 1", IAF_ERR_PARSE, 3, "invalid UTF-8");
    expect_error("a\xed\xa0\x80 == 1", IAF_ERR_PARSE, 2, "invalid UTF-8"); /* surrogate */
    expect_error("missing == 1", IAF_ERR_PARSE, 1, "unexpected 'missing'");
    expect_error("x = = 1", IAF_ERR_PARSE, 5, "expected a value");

    /* nesting: 100 levels are fine, the 101st is refused where it opens */
    char deep[512];
    size_t n = 0;
    for (int i = 0; i < 100; i++)
        deep[n++] = '(';
    memcpy(deep + n, "x==1", 4);
    n += 4;
    for (int i = 0; i < 100; i++)
        deep[n++] = ')';
    deep[n] = '\0';
    assert_int_equal(T(deep, "x", "1"), 1);
    n = 0;
    for (int i = 0; i < 101; i++)
        deep[n++] = '(';
    memcpy(deep + n, "x==1", 4);
    n += 4;
    for (int i = 0; i < 101; i++)
        deep[n++] = ')';
    deep[n] = '\0';
    expect_error(deep, IAF_ERR_LIMIT, 101, "deeper than 100");
    n = 0;
    for (int i = 0; i < 101; i++) {
        memcpy(deep + n, "not ", 4);
        n += 4;
    }
    memcpy(deep + n, "x==1", 5);
    expect_error(deep, IAF_ERR_LIMIT, 401, "deeper");
    /* a long flat chain is not nesting */
    iaf_buf b = {0};
    for (int i = 0; i < 5000; i++)
        assert_int_equal(iaf_buf_puts(&b, i ? " or x == 1" : "x == 2"), 0);
    iaf_expr *e = parse_ok(b.data);
    assert_int_equal(EVAL(e, "x", "1"), 1);
    iaf_expr_free(e);
    iaf_buf_free(&b);

    /* no error struct: still a status */
    e = NULL;
    assert_int_equal(iaf_expr_parse("x ==", "o", &e, NULL), IAF_ERR_PARSE);
    assert_null(e);
}

/* Every case of the independent Python oracle, through the text and its canonical form. */
static void test_oracle(void **state)
{
    (void)state;
    json_error_t jerr;
    FILE *f = fopen(IAF_TESTDATA "/expr/cases.jsonl", "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    json_t *vars = NULL;
    size_t ncases = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        json_t *j = json_loadb(line, (size_t)len, 0, &jerr);
        assert_non_null(j);
        if (!vars) {
            vars = json_incref(json_object_get(j, "vars"));
            json_decref(j);
            continue;
        }
        const char *text = json_string_value(json_object_get(j, "expr"));
        const char *expect = json_string_value(json_object_get(j, "expect"));
        json_t *envs = json_object_get(j, "envs");
        iaf_expr *e = parse_ok(text);
        iaf_buf b = {0};
        assert_int_equal(iaf_expr_to_string(e, &b), 0);
        iaf_expr *e2 = parse_ok(b.data);
        iaf_buf b2 = {0};
        assert_int_equal(iaf_expr_to_string(e2, &b2), 0);
        assert_string_equal(b.data, b2.data); /* canonical text is a fixed point */
        const iaf_expr *ante = NULL, *cons = NULL;
        int is_rule = iaf_expr_implication(e, &ante, &cons);
        assert_int_equal(is_rule, json_is_true(json_object_get(j, "implication")));
        for (size_t k = 0; k < json_array_size(envs); k++) {
            json_t *env = json_array_get(envs, k);
            iaf_sv vals[16], vals2[16];
            for (int pass = 0; pass < 2; pass++) {
                const iaf_expr *x = pass ? e2 : e;
                iaf_sv *out = pass ? vals2 : vals;
                for (size_t i = 0; i < iaf_expr_nvars(x); i++) {
                    out[i] = (iaf_sv){NULL, 0};
                    for (size_t v = 0; v < json_array_size(vars); v++) {
                        if (strcmp(json_string_value(json_array_get(vars, v)),
                                   iaf_expr_var(x, i)) == 0) {
                            json_t *val = json_array_get(env, v);
                            if (json_is_string(val))
                                out[i] = (iaf_sv){json_string_value(val), json_string_length(val)};
                        }
                    }
                }
            }
            int want = expect[k] == '1';
            int got = iaf_expr_eval(e, vals);
            if (got != want)
                fail_msg("case %zu env %zu: [%s] gave %d, oracle %d", ncases, k, text, got, want);
            if (iaf_expr_eval(e2, vals2) != want)
                fail_msg("case %zu env %zu: canonical [%s] differs", ncases, k, b.data);
            if (is_rule)
                assert_int_equal(got, !iaf_expr_eval(ante, vals) || iaf_expr_eval(cons, vals));
        }
        iaf_buf_free(&b);
        iaf_buf_free(&b2);
        iaf_expr_free(e2);
        iaf_expr_free(e);
        json_decref(j);
        ncases++;
    }
    assert_int_equal(ncases, 300);
    free(line);
    json_decref(vars);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_numeric_vs_string),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_korean),
        cmocka_unit_test(test_implication),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
