/* Unit tests of the public entry points of src/api/ through <iaf/iaf.h> only:
 * buffers, terminal escaping, counting (one call and several tables in one
 * scan, with missing tokens, normalisation, a filter and a weight) and the
 * long CSV of a count table.
 *
 * Expected values are counted by hand from the literal input below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <iaf/iaf.h>

/* sex, age band, a weight; " F" and "NA" test normalisation and missing
 * tokens, the comma in "a,b" CSV quoting */
static const char people[] = "sex,band,w\n"
                             "F,young,1.5\n"
                             "M,young,2\n"
                             " F,old,0.25\n"
                             "NA,old,1\n"
                             ",young,1\n"
                             "M,\"a,b\",3\n";

static char path[64];

static int setup(void **st)
{
    snprintf(path, sizeof path, "/tmp/iaf-test-api-%d.csv", (int)getpid());
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(people, f);
    fclose(f);
    return 0;
}

static int teardown(void **st)
{
    unlink(path);
    return 0;
}

static void test_buffer(void **st)
{
    iaf_buffer *b = iaf_buffer_new();
    assert_non_null(b);
    assert_string_equal(iaf_buffer_data(b), "");
    assert_int_equal(iaf_buffer_len(b), 0);
    assert_int_equal(iaf_text_escape(NULL, "ab", 2, b), IAF_OK);
    assert_string_equal(iaf_buffer_data(b), "ab");
    iaf_buffer_clear(b);
    assert_string_equal(iaf_buffer_data(b), "");
    assert_int_equal(iaf_buffer_len(b), 0);
    iaf_buffer_free(b);
    iaf_buffer_free(NULL);
}

static void test_escape(void **st)
{
    iaf_buffer *b = iaf_buffer_new();
    /* ESC and DEL escaped, TAB and LF kept, C1 U+009B as \u009B */
    assert_int_equal(iaf_text_escape(NULL, "a\x1b[31m\t\x7f\n\xc2\x9b", 11, b), IAF_OK);
    assert_string_equal(iaf_buffer_data(b), "a\\x1b[31m\t\\x7f\n\\u009B");
    /* "가" (EA B0 80) cut between two calls stays one character */
    iaf_buffer_clear(b);
    iaf_text_escaper esc = {{0}, 0};
    assert_int_equal(iaf_text_escape(&esc, "x\xea\xb0", 3, b), IAF_OK);
    assert_string_equal(iaf_buffer_data(b), "x");
    assert_int_equal(iaf_text_escape(&esc, "\x80y", 2, b), IAF_OK);
    assert_string_equal(iaf_buffer_data(b), "x\xea\xb0\x80y");
    /* a sequence left unfinished is escaped at the end */
    assert_int_equal(iaf_text_escape(&esc, "\xea", 1, b), IAF_OK);
    assert_int_equal(iaf_text_escape_finish(&esc, b), IAF_OK);
    assert_string_equal(iaf_buffer_data(b), "x\xea\xb0\x80y\\xea");
    iaf_buffer_free(b);
}

static void test_normalize_check(void **st)
{
    iaf_error err;
    assert_int_equal(iaf_normalize_check(NULL, &err), IAF_OK);
    assert_int_equal(iaf_normalize_check("trim,nfkc,casefold", &err), IAF_OK);
    assert_int_equal(iaf_normalize_check("trim,fold", &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "trim,fold"));
    assert_int_equal(iaf_normalize_check("trim,", &err), IAF_ERR_INVALID);
    assert_int_equal(iaf_normalize_check("", &err), IAF_OK);
}

static const char *csv_of(const iaf_table *t, int weighted, iaf_buffer *b)
{
    iaf_error err;
    iaf_buffer_clear(b);
    assert_int_equal(iaf_table_write_counts_csv(t, weighted, b, &err), IAF_OK);
    return iaf_buffer_data(b);
}

static void test_count_one_call(void **st)
{
    const char *paths[] = {path};
    const char *by[] = {"sex"};
    iaf_table *t = NULL;
    iaf_error err;
    iaf_buffer *b = iaf_buffer_new();
    assert_int_equal(iaf_count(paths, 1, by, 1, NULL, &t, &err), IAF_OK);
    /* as written: "" (1), " F" (1), F (1), M (2), NA (1), in byte order */
    assert_string_equal(csv_of(t, 0, b), "sex,count\n,1\n\" F\",1\nF,1\nM,2\nNA,1\n");
    iaf_table_free(t);

    /* NA missing, trimmed: "" 2, F 2, M 2 */
    const char *na[] = {"NA"};
    iaf_count_options opt;
    memset(&opt, 0, sizeof opt);
    opt.missing = na;
    opt.nmissing = 1;
    opt.normalize = "trim";
    assert_int_equal(iaf_count(paths, 1, by, 1, &opt, &t, &err), IAF_OK);
    assert_string_equal(csv_of(t, 0, b), "sex,count\n,2\nF,2\nM,2\n");
    assert_int_equal(iaf_table_ncells(t), 3);
    iaf_table_free(t);

    /* weighted, filtered to band == "young": F 1.5, M 2, "" 1 */
    opt.weight = "w";
    opt.where = "band == \"young\"";
    assert_int_equal(iaf_count(paths, 1, by, 1, &opt, &t, &err), IAF_OK);
    assert_string_equal(csv_of(t, 1, b), "sex,count\n,1\nF,1.5\nM,2\n");
    iaf_table_free(t);

    /* a filter with a syntax error is located in its own text */
    opt.where = "band == (";
    opt.where_name = "--where";
    assert_int_not_equal(iaf_count(paths, 1, by, 1, &opt, &t, &err), IAF_OK);
    assert_null(t);
    assert_string_equal(err.file, "--where");
    iaf_buffer_free(b);
}

static void test_counter_tables(void **st)
{
    const char *paths[] = {path};
    const char *by1[] = {"sex", "band"}, *by2[] = {"band"}, *twice[] = {"sex", "sex"};
    iaf_counter *c = NULL;
    iaf_error err;
    iaf_buffer *b = iaf_buffer_new();
    assert_int_equal(iaf_counter_open(paths, 1, NULL, &c, &err), IAF_OK);
    size_t i1 = 9, i2 = 9;
    assert_int_equal(iaf_counter_add(c, by1, 2, &i1, &err), IAF_OK);
    assert_int_equal(iaf_counter_add(c, by2, 1, &i2, &err), IAF_OK);
    assert_int_equal(iaf_counter_add(c, twice, 2, NULL, &err), IAF_ERR_INVALID);
    assert_int_equal(i1, 0);
    assert_int_equal(i2, 1);
    assert_null(iaf_counter_table(c, 0)); /* not run yet */
    iaf_buffer *none[1] = {b};
    assert_int_equal(iaf_counter_write_counts_csv(c, 0, none, 1, &err), IAF_ERR_INVALID);
    assert_int_equal(iaf_counter_run(c, &err), IAF_OK);
    assert_string_equal(csv_of(iaf_counter_table(c, i2), 0, b),
                        "band,count\n\"a,b\",1\nold,2\nyoung,3\n");
    assert_string_equal(csv_of(iaf_counter_table(c, i1), 0, b),
                        "sex,band,count\n,young,1\n\" F\",old,1\nF,young,1\nM,\"a,b\",1\n"
                        "M,young,1\nNA,old,1\n");
    assert_null(iaf_counter_table(c, 2));
    /* both texts at once (side by side on the counter's threads), each as alone */
    iaf_buffer *two[2] = {iaf_buffer_new(), iaf_buffer_new()};
    assert_int_equal(iaf_counter_write_counts_csv(c, 0, two, 2, &err), IAF_OK);
    assert_string_equal(iaf_buffer_data(two[0]), csv_of(iaf_counter_table(c, i1), 0, b));
    assert_string_equal(iaf_buffer_data(two[1]), csv_of(iaf_counter_table(c, i2), 0, b));
    assert_int_equal(iaf_counter_write_counts_csv(c, 0, two, 3, &err), IAF_ERR_INVALID);
    iaf_buffer_free(two[0]);
    iaf_buffer_free(two[1]);
    assert_int_equal(iaf_counter_nfiles(c), 1);
    assert_string_equal(iaf_counter_file(c, 0), path);
    assert_int_equal(iaf_counter_run(c, &err), IAF_ERR_INVALID); /* once only */
    iaf_counter_free(c);
    iaf_counter_free(NULL);
    iaf_buffer_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffer),          cmocka_unit_test(test_escape),
        cmocka_unit_test(test_normalize_check), cmocka_unit_test(test_count_one_call),
        cmocka_unit_test(test_counter_tables),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
