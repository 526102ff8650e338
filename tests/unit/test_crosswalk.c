/* Unit tests of crosswalk files (src/core/crosswalk.c).
 *
 * The example files in tests/data/crosswalk/ are checked against expected.jsonl, written
 * by an independent Python implementation (oracle.py: csv + re). The rule checks (sums,
 * weights, duplicates, regex errors, precedence) use small in-memory files with the
 * expected line numbers counted by hand.
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

#include "core/crosswalk.h"
#include "util/util.h"

#define CW_DIR IAF_TESTDATA "/crosswalk/"

static iaf_crosswalk *load_mem(const char *text)
{
    iaf_error err;
    iaf_error_clear(&err);
    iaf_crosswalk *cw = NULL;
    iaf_status st = iaf_crosswalk_load_memory(text, strlen(text), "mem.csv", &cw, &err);
    if (st != IAF_OK) fail_msg("load failed: line %lld: %s", err.line, err.message);
    assert_non_null(cw);
    return cw;
}

static void expect_load_error(const char *text, iaf_status st, long long line, const char *needle)
{
    iaf_error err;
    iaf_error_clear(&err);
    iaf_crosswalk *cw = (iaf_crosswalk *)1;
    iaf_status got = iaf_crosswalk_load_memory(text, strlen(text), "bad.csv", &cw, &err);
    if (got != st || err.line != line)
        fail_msg("expected status %d at line %lld, got %d at line %lld: %s\n%s", st, line, got,
                 err.line, err.message, text);
    assert_null(cw);
    assert_string_equal(err.file, "bad.csv");
    if (needle && !strstr(err.message, needle))
        fail_msg("message '%s' lacks '%s'", err.message, needle);
}

/* Map label and compare with "to=weight" strings in order. */
static void expect_map(iaf_crosswalk *cw, const char *label, int want_dropped, size_t n, ...)
{
    iaf_sv t[IAF_CROSSWALK_MAX_TARGETS];
    double w[IAF_CROSSWALK_MAX_TARGETS];
    int dropped = -1;
    size_t k = iaf_crosswalk_map(cw, (iaf_sv){label, strlen(label)}, t, w,
                                 IAF_CROSSWALK_MAX_TARGETS, &dropped);
    if (k != n) fail_msg("'%s': %zu targets, expected %zu", label, k, n);
    assert_int_equal(dropped, want_dropped);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *to = va_arg(ap, const char *);
        double weight = va_arg(ap, double);
        if (t[i].len != strlen(to) || memcmp(t[i].ptr, to, t[i].len) != 0)
            fail_msg("'%s' target %zu: '%.*s', expected '%s'", label, i, (int)t[i].len, t[i].ptr,
                     to);
        assert_float_equal(w[i], weight, 1e-15);
    }
    va_end(ap);
}

static void test_many_to_one(void **state)
{
    (void)state;
    iaf_error err;
    iaf_crosswalk *cw = NULL;
    assert_int_equal(iaf_crosswalk_load(CW_DIR "education_kosis.csv", &cw, &err), IAF_OK);
    assert_int_equal(iaf_crosswalk_nrows(cw), 8);
    assert_string_equal(iaf_crosswalk_file(cw), CW_DIR "education_kosis.csv");
    expect_map(cw, "무학", 0, 1, "초등학교 이하", 1.0);
    expect_map(cw, "초등학교", 0, 1, "초등학교 이하", 1.0);
    expect_map(cw, "대학원(박사)", 0, 1, "대학원", 1.0);
    expect_map(cw, "대학원", 0, 0);
    expect_map(cw, "", 0, 0);
    int dropped = -1;
    assert_int_equal(iaf_crosswalk_map(cw, (iaf_sv){NULL, 0}, NULL, NULL, 0, &dropped), 0);
    assert_int_equal(dropped, 0);
    iaf_crosswalk_free(cw);
    iaf_crosswalk_free(NULL);

    assert_int_equal(iaf_crosswalk_load(CW_DIR "no-such-file.csv", &cw, &err), IAF_ERR_IO);
    assert_null(cw);
}

static void test_weighted(void **state)
{
    (void)state;
    iaf_crosswalk *cw = load_mem("from,to,weight\n"
                                 "a,x,0.25\n"
                                 "b,y,1\n"
                                 "a,y,0.75\n"
                                 "c,x,1e-1\n"
                                 "c,y,0.2\n"
                                 "c,z,0.7\n");
    expect_map(cw, "a", 0, 2, "x", 0.25, "y", 0.75); /* rows need not be adjacent */
    expect_map(cw, "b", 0, 1, "y", 1.0);
    expect_map(cw, "c", 0, 3, "x", 0.1, "y", 0.2, "z", 0.7);
    /* a short targets array is filled, not overrun */
    iaf_sv t[2];
    double w[2];
    assert_int_equal(iaf_crosswalk_map(cw, (iaf_sv){"c", 1}, t, w, 2, NULL), 2);
    iaf_crosswalk_free(cw);

    /* the most targets one label may have, and one more */
    iaf_buf b = {0};
    iaf_buf_puts(&b, "from,to,weight\n");
    for (int i = 0; i < IAF_CROSSWALK_MAX_TARGETS; i++)
        iaf_buf_printf(&b, "a,t%d,0.015625\n", i);
    cw = load_mem(b.data);
    iaf_sv tt[IAF_CROSSWALK_MAX_TARGETS];
    assert_int_equal(
        iaf_crosswalk_map(cw, (iaf_sv){"a", 1}, tt, NULL, IAF_CROSSWALK_MAX_TARGETS, NULL),
        IAF_CROSSWALK_MAX_TARGETS);
    iaf_crosswalk_free(cw);
    iaf_buf_printf(&b, "a,t%d,0.015625\n", IAF_CROSSWALK_MAX_TARGETS);
    expect_load_error(b.data, IAF_ERR_LIMIT, 2, "at most 64");
    iaf_buf_free(&b);
}

static void test_bad_sums(void **state)
{
    (void)state;
    expect_load_error("from,to,weight\n"
                      "a,x,1\n"
                      "b,x,0.5\n"
                      "a,y,0.5\n"
                      "b,y,0.4\n",
                      IAF_ERR_INVALID, 2, "sum to 1.5"); /* first row of the first bad from */
    expect_load_error("# provenance\n"
                      "# more provenance\n"
                      "from,to,weight\n"
                      "a,x,1\n"
                      "b,x,0.5\n"
                      "b,y,0.4\n",
                      IAF_ERR_INVALID, 5, "'b' sum to 0.9");
    expect_load_error("from,to,weight\n"
                      "a,x,0.5\n"
                      "a,y,0.500000001\n",
                      IAF_ERR_INVALID, 2, "not 1");
    /* within the tolerance */
    iaf_crosswalk *cw = load_mem("from,to,weight\na,x,0.5\na,y,0.5000000001\n");
    iaf_crosswalk_free(cw);
    expect_load_error("from,to,weight,match\n"
                      "x,ok,1,\n"
                      "(a|b)c,A,0.6,regex\n"
                      "(a|b)c,B,0.6,regex\n",
                      IAF_ERR_INVALID, 3, "pattern '(a|b)c'");
}

static void test_bad_weights(void **state)
{
    (void)state;
    expect_load_error("from,to,weight\na,x,0\n", IAF_ERR_INVALID, 2, "outside (0, 1]");
    expect_load_error("from,to,weight\na,x,1\nb,x,-0.5\nb,y,1.5\n", IAF_ERR_INVALID, 3,
                      "weight -0.5");
    expect_load_error("from,to,weight\na,x,1.0000001\n", IAF_ERR_INVALID, 2, "outside");
    expect_load_error("from,to,weight\na,x,half\n", IAF_ERR_PARSE, 2, "not a number");
    expect_load_error("from,to,weight\na,x,nan\n", IAF_ERR_PARSE, 2, "not a number");
    expect_load_error("from,to,weight\na,x,\"1,0\"\n", IAF_ERR_PARSE, 2, "not a number");
}

static void test_duplicates_and_columns(void **state)
{
    (void)state;
    expect_load_error("from,to,weight\n"
                      "a,x,0.5\n"
                      "b,x,1\n"
                      "a,x,0.5\n",
                      IAF_ERR_INVALID, 4, "first on line 2");
    expect_load_error("from,to,match\n"
                      "[0-9]+,n,regex\n"
                      "[0-9]+,n,regex\n",
                      IAF_ERR_INVALID, 3, "duplicate");
    expect_load_error("from,to\na,\na,x\n", IAF_ERR_INVALID, 2, "only row");
    expect_load_error("from,to,match\na,x,glob\n", IAF_ERR_PARSE, 2, "'exact' or 'regex'");
    expect_load_error("from,to\n,x\n", IAF_ERR_PARSE, 2, "empty `from`");
    expect_load_error("from,target\na,x\n", IAF_ERR_PARSE, 0, "`from` and `to`");
    expect_load_error("from,to,comment\na,x,y\n", IAF_ERR_PARSE, 0, "unknown crosswalk column");
    expect_load_error("from,to\na,x,y\n", IAF_ERR_PARSE, 2, NULL); /* CSV reader's error */
    /* the same label as an exact row and as a pattern is not a duplicate */
    iaf_crosswalk *cw = load_mem("from,to,match\na,x,exact\na,y,regex\n");
    expect_map(cw, "a", 0, 1, "x", 1.0);
    iaf_crosswalk_free(cw);
}

static void test_regex(void **state)
{
    (void)state;
    iaf_crosswalk *cw = load_mem("# rules\n"
                                 "from,to,weight,match,note\n"
                                 "([0-9]+)세,\\1,,regex,age with unit\n"
                                 "\"([^,]+), ([^,]+)\",\\2 \\1,,regex,swap\n"
                                 "x(y)?z,[\\1],,regex,optional group\n"
                                 "lit(.*),a\\\\1 \\q \\0,,regex,escapes\n"
                                 "(A|B)-(.*),\\1,0.25,regex,\n"
                                 "(A|B)-(.*),\\2,0.75,regex,\n");
    assert_int_equal(iaf_crosswalk_nrows(cw), 6);
    expect_map(cw, "35세", 0, 1, "35", 1.0);
    expect_map(cw, "35세 이상", 0, 0); /* anchored at both ends */
    expect_map(cw, "x35세", 0, 0);
    expect_map(cw, "Kim, Minji", 0, 1, "Minji Kim", 1.0);
    expect_map(cw, "xyz", 0, 1, "[y]", 1.0);
    expect_map(cw, "xz", 0, 1, "[]", 1.0); /* a group that did not take part is empty */
    expect_map(cw, "litX", 0, 1, "a\\1 \\q litX", 1.0);
    expect_map(cw, "A-hello", 0, 2, "A", 0.25, "hello", 0.75);
    expect_map(cw, "B-", 0, 2, "B", 0.25, "", 0.75);
    expect_map(cw, "C-hello", 0, 0);
    /* results are cached: the same label gives the same stable view */
    iaf_sv t1, t2;
    assert_int_equal(iaf_crosswalk_map(cw, (iaf_sv){"35세", strlen("35세")}, &t1, NULL, 1, NULL),
                     1);
    expect_map(cw, "12세", 0, 1, "12", 1.0);
    assert_int_equal(iaf_crosswalk_map(cw, (iaf_sv){"35세", strlen("35세")}, &t2, NULL, 1, NULL),
                     1);
    assert_ptr_equal(t1.ptr, t2.ptr);
    assert_int_equal(t1.len, 2);
    assert_memory_equal(t1.ptr, "35", 2);
    /* a label with a NUL byte cannot match a pattern */
    assert_int_equal(iaf_crosswalk_map(cw, (iaf_sv){"3\0세", 5}, &t1, NULL, 1, NULL), 0);
    iaf_crosswalk_free(cw);

    /* patterns see characters (C.UTF-8), not bytes */
    cw = load_mem("from,to,match\n[해공]군,bracket,regex\n.군,one char,regex\n"
                  "(..)(.),\\2\\1,regex\n");
    expect_map(cw, "공군", 0, 1, "bracket", 1.0);
    expect_map(cw, "육군", 0, 1, "one char", 1.0);
    expect_map(cw, "육 군", 0, 1, "군육 ", 1.0);
    expect_map(cw, "해병대", 0, 1, "대해병", 1.0);
    iaf_crosswalk_free(cw);
    /* ranges over non-ASCII characters are ranges of code points */
    cw = load_mem("from,to,match\n[가-힣]+,hangul,regex\nend$,dollar,regex\n"
                  "[[:alpha:]]+,alpha,regex\na.b,dot,regex\n");
    expect_map(cw, "공군", 0, 1, "hangul", 1.0);
    expect_map(cw, "Aé", 0, 1, "alpha", 1.0);
    expect_map(cw, "a\nb", 0, 1, "dot", 1.0); /* `.` matches a newline, as in POSIX */
    expect_map(cw, "end", 0, 1, "dollar", 1.0);
    expect_map(cw, "end\n", 0, 0); /* `$` is the very end only */
    /* a label that is not valid UTF-8 does not match (and is no error) */
    expect_map(cw, "\xff\xfe", 0, 0);
    iaf_error err;
    assert_int_equal(iaf_crosswalk_status(cw, &err), IAF_OK);
    iaf_crosswalk_free(cw);

    expect_load_error("from,to,match\na,x,exact\n(ab,x,regex\n", IAF_ERR_PARSE, 3, "bad regex");
    expect_load_error("from,to,match\n\"a{2,1}\",x,regex\n", IAF_ERR_PARSE, 2, "bad regex");
    expect_load_error("from,to,match\n(a)(b),\\3,regex\n", IAF_ERR_PARSE, 2, "group \\3");
    expect_load_error("from,to,match\nab,\\1,regex\n", IAF_ERR_PARSE, 2, "has 0");
    expect_load_error("from,to,match\n(?<x>a,x,regex\n", IAF_ERR_PARSE, 2, "at byte");
    cw = load_mem("from,to,match\n\"[0-9]{2,3}\\{x\",\\0,regex\n");
    expect_map(cw, "123{x", 0, 1, "123{x", 1.0);
    expect_map(cw, "1{x", 0, 0);
    iaf_crosswalk_free(cw);
    /* a back-reference inside a pattern is bounded by the limits like anything else */
    cw = load_mem("from,to,match\n(a+)-\\1,\\1,regex\n");
    expect_map(cw, "aa-aa", 0, 1, "aa", 1.0);
    expect_map(cw, "aa-a", 0, 0);
    iaf_crosswalk_free(cw);
}

/* Patterns whose cost explodes with a backtracking or automaton engine: refused at load
 * (length, compiled size) or stopped by a matching limit named in the error. */
static void test_regex_limits(void **state)
{
    (void)state;
    char big[1100];
    memset(big, 'a', sizeof big);
    memcpy(big, "from,to,match\n", 14);
    memcpy(big + sizeof big - 9, ",x,regex\n", 9);
    big[sizeof big - 1] = '\0';
    expect_load_error(big, IAF_ERR_LIMIT, 2, "1,024 bytes");
    expect_load_error("from,to,match\n\"(a*){9999}\",x,regex\n", IAF_ERR_PARSE, 2, "too large");
    expect_load_error("from,to,match\na{99999999999},x,regex\n", IAF_ERR_PARSE, 2, "bad regex");

    /* catastrophic backtracking on a 2,000-character label: stopped by the match limit */
    iaf_crosswalk *cw = load_mem("from,to,match\nzz,exact,\n\"(a{1,100}){1,100}\",x,regex\n");
    char label[2002];
    memset(label, 'a', 2000);
    label[2000] = '!';
    label[2001] = '\0';
    iaf_sv t[IAF_CROSSWALK_MAX_TARGETS];
    assert_int_equal(
        iaf_crosswalk_map(cw, (iaf_sv){label, 2001}, t, NULL, IAF_CROSSWALK_MAX_TARGETS, NULL), 0);
    iaf_error err;
    iaf_error_clear(&err);
    assert_int_equal(iaf_crosswalk_status(cw, &err), IAF_ERR_LIMIT);
    assert_string_equal(err.file, "mem.csv");
    assert_int_equal(err.line, 3);
    if (!strstr(err.message, "match limit (1,000,000 steps)") || !strstr(err.message, "aaaa"))
        fail_msg("message: %s", err.message);
    /* sticky: later labels report nothing, exact rows still answer */
    assert_int_equal(iaf_crosswalk_map(cw, (iaf_sv){"ab", 2}, t, NULL, 1, NULL), 0);
    assert_int_equal(iaf_crosswalk_map(cw, (iaf_sv){"zz", 2}, t, NULL, 1, NULL), 1);
    assert_int_equal(iaf_crosswalk_status(cw, &err), IAF_ERR_LIMIT);
    iaf_crosswalk_free(cw);

    /* a fresh crosswalk matches the short label fine */
    cw = load_mem("from,to,match\n\"(a{1,100}){1,100}\",x,regex\n");
    expect_map(cw, "aaaa", 0, 1, "x", 1.0);
    assert_int_equal(iaf_crosswalk_status(cw, NULL), IAF_OK);
    iaf_crosswalk_free(cw);
}

static void test_precedence(void **state)
{
    (void)state;
    iaf_crosswalk *cw = load_mem("from,to,match\n"
                                 "(.*) 병사,regex-1,regex\n"
                                 "육군 (.*),regex-2,regex\n"
                                 "육군 병사,exact,\n"
                                 "(.*),rest,regex\n");
    expect_map(cw, "육군 병사", 0, 1, "exact", 1.0);   /* exact before any regex */
    expect_map(cw, "해군 병사", 0, 1, "regex-1", 1.0); /* first pattern in file order */
    expect_map(cw, "육군 장교", 0, 1, "regex-2", 1.0);
    expect_map(cw, "something", 0, 1, "rest", 1.0);
    iaf_crosswalk_free(cw);
}

static void test_empty_to(void **state)
{
    (void)state;
    iaf_error err;
    iaf_crosswalk *cw = NULL;
    assert_int_equal(iaf_crosswalk_load(CW_DIR "military_rank.csv", &cw, &err), IAF_OK);
    assert_int_equal(iaf_crosswalk_nrows(cw), 3);
    expect_map(cw, "군무원", 1, 0);        /* exact, explicitly unmapped */
    expect_map(cw, "공군 사관생도", 1, 0); /* regex, explicitly unmapped */
    expect_map(cw, "민간인", 0, 0);        /* no row at all */
    expect_map(cw, "해병대 장교", 0, 1, "장교", 1.0);
    iaf_crosswalk_free(cw);
}

/* The example files against the Python oracle. */
static void test_oracle(void **state)
{
    (void)state;
    FILE *f = fopen(CW_DIR "expected.jsonl", "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0, ncases = 0;
    ssize_t len;
    iaf_crosswalk *cw = NULL;
    char current[256] = "";
    while ((len = getline(&line, &cap, f)) > 0) {
        json_error_t jerr;
        json_t *j = json_loadb(line, (size_t)len, 0, &jerr);
        assert_non_null(j);
        const char *file = json_string_value(json_object_get(j, "file"));
        if (strcmp(file, current) != 0) {
            iaf_crosswalk_free(cw);
            char path[512];
            snprintf(path, sizeof path, CW_DIR "%s", file);
            iaf_error err;
            if (iaf_crosswalk_load(path, &cw, &err) != IAF_OK)
                fail_msg("%s: line %lld: %s", path, err.line, err.message);
            snprintf(current, sizeof current, "%s", file);
        }
        json_t *label = json_object_get(j, "label");
        json_t *targets = json_object_get(j, "targets");
        iaf_sv t[IAF_CROSSWALK_MAX_TARGETS];
        double w[IAF_CROSSWALK_MAX_TARGETS];
        int dropped = -1;
        size_t k =
            iaf_crosswalk_map(cw, (iaf_sv){json_string_value(label), json_string_length(label)}, t,
                              w, IAF_CROSSWALK_MAX_TARGETS, &dropped);
        if (k != json_array_size(targets))
            fail_msg("%s '%s': %zu targets, oracle %zu", file, json_string_value(label), k,
                     json_array_size(targets));
        assert_int_equal(dropped, json_integer_value(json_object_get(j, "dropped")));
        for (size_t i = 0; i < k; i++) {
            json_t *pair = json_array_get(targets, i);
            json_t *to = json_array_get(pair, 0);
            if (t[i].len != json_string_length(to) ||
                memcmp(t[i].ptr, json_string_value(to), t[i].len))
                fail_msg("%s '%s': target '%.*s', oracle '%s'", file, json_string_value(label),
                         (int)t[i].len, t[i].ptr, json_string_value(to));
            assert_float_equal(w[i], json_real_value(json_array_get(pair, 1)), 1e-15);
        }
        json_decref(j);
        ncases++;
    }
    assert_int_equal(ncases, 60);
    iaf_crosswalk_free(cw);
    free(line);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_to_one),
        cmocka_unit_test(test_weighted),
        cmocka_unit_test(test_bad_sums),
        cmocka_unit_test(test_bad_weights),
        cmocka_unit_test(test_duplicates_and_columns),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_regex_limits),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_empty_to),
        cmocka_unit_test(test_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
