/* Unit tests of count tables in CSV (io/counts.c): the long form (summing
 * over an attribute not asked for, thousands separators, "-" as zero, the
 * suppressed markers, se and moe columns, a state column, shares by the
 * column's name, scale and dropped total rows), the wide form (row and column
 * categories), and errors located by line and column. Expected values are
 * read off the literal inputs below. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "io/counts.h"

static iaf_sv sv(const char *s)
{
    return (iaf_sv){s, strlen(s)};
}

/* The cell with these labels (attributes in order), or a cell with n == -2. */
static iaf_cell find(const iaf_table *t, const char *const *labels)
{
    size_t k = iaf_table_nattrs(t);
    int64_t id[4];
    iaf_cell none = {0};
    none.n = -2;
    for (size_t a = 0; a < k; a++)
        if ((id[a] = iaf_table_find_cat(t, a, sv(labels[a]))) < 0) return none;
    for (size_t i = 0; i < iaf_table_ncells(t); i++) {
        iaf_cell c = iaf_table_cell(t, i);
        int same = 1;
        for (size_t a = 0; a < k; a++)
            same &= c.cat[a] == (uint32_t)id[a];
        if (same) return c;
    }
    return none;
}

static iaf_table *read_text(const char *text, const iaf_counts_options *opt)
{
    iaf_table *t = NULL;
    iaf_error err;
    iaf_status st = iaf_counts_read_memory(text, strlen(text), "t.csv", opt, &t, &err);
    if (st != IAF_OK) print_message("%s\n", err.message);
    assert_int_equal(st, IAF_OK);
    return t;
}

static void test_long(void **st)
{
    static const char text[] = "sex,region,count,moe\n"
                               "F,north,\"1,200\",16.45\n"
                               "F,south,-,\n"
                               "M,north,x,\n"
                               "M,south,800,\n"
                               "F,north,300,\n";
    iaf_counts_options opt;
    memset(&opt, 0, sizeof opt);
    opt.shares = -1;
    iaf_table *t = read_text(text, &opt);
    assert_int_equal(iaf_table_nattrs(t), 2);
    assert_int_equal(iaf_table_kind_of(t), IAF_TABLE_COUNTS);
    const char *fn[] = {"F", "north"}, *fs[] = {"F", "south"}, *mn[] = {"M", "north"},
               *ms[] = {"M", "south"};
    iaf_cell c = find(t, fn);
    /* 1,200 + 300; the moe 16.45 is a 90% margin: se 10 */
    assert_true(c.value == 1500);
    assert_true(fabs(c.se - 10) < 1e-12);
    c = find(t, fs);
    assert_true(c.value == 0 && c.state == IAF_CELL_OK); /* "-" is zero */
    assert_int_equal(find(t, mn).state, IAF_CELL_SUPPRESSED);
    assert_true(find(t, ms).value == 800);
    assert_true(iaf_table_total(t) == 2300);
    iaf_table_free(t);
    /* asking for sex only sums over region */
    const char *by[] = {"sex"};
    opt.attrs = by;
    opt.nattrs = 1;
    t = read_text(text, &opt);
    assert_int_equal(iaf_table_nattrs(t), 1);
    const char *f[] = {"F"};
    assert_true(find(t, f).value == 1500);
    iaf_table_free(t);
}

static void test_shares_scale_drop(void **st)
{
    static const char text[] = "age,share,state\n"
                               "young,0.25,ok\n"
                               "old,0.75,ok\n"
                               "Total,1,ok\n"
                               "never,0,structural_zero\n";
    iaf_counts_options opt;
    memset(&opt, 0, sizeof opt);
    opt.shares = -1;
    const char *drop[] = {"Total"};
    opt.drop_labels = drop;
    opt.ndrop = 1;
    iaf_table *t = read_text(text, &opt);
    assert_int_equal(iaf_table_kind_of(t), IAF_TABLE_SHARES);
    assert_int_equal(iaf_table_find_cat(t, 0, sv("Total")), -1);
    const char *never[] = {"never"}, *old[] = {"old"};
    assert_int_equal(find(t, never).state, IAF_CELL_STRUCTURAL_ZERO);
    assert_true(find(t, old).value == 0.75);
    iaf_table_free(t);
    /* counts in thousands */
    static const char thousands[] = "age,count\nyoung,1.5\nold,2\n";
    memset(&opt, 0, sizeof opt);
    opt.shares = -1;
    opt.scale = 1000;
    t = read_text(thousands, &opt);
    const char *young[] = {"young"};
    assert_true(find(t, young).value == 1500 && iaf_table_total(t) == 3500);
    iaf_table_free(t);
}

static void test_wide(void **st)
{
    static const char text[] = "sex,north,south\n"
                               "F,10,20\n"
                               "M,\"1,000\",-\n";
    iaf_counts_options opt;
    memset(&opt, 0, sizeof opt);
    opt.form = IAF_COUNTS_WIDE;
    opt.shares = -1;
    const char *axes[] = {"sex", "region"};
    opt.attrs = axes;
    opt.nattrs = 2;
    iaf_table *t = read_text(text, &opt);
    assert_string_equal(iaf_table_attr(t, 0), "sex");
    assert_string_equal(iaf_table_attr(t, 1), "region");
    const char *fs[] = {"F", "south"}, *mn[] = {"M", "north"}, *ms[] = {"M", "south"};
    assert_true(find(t, fs).value == 20);
    assert_true(find(t, mn).value == 1000);
    assert_true(find(t, ms).value == 0);
    assert_true(iaf_table_total(t) == 1030);
    iaf_table_free(t);
}

static void test_errors(void **st)
{
    static const char text[] = "sex,count\nF,12\nM,twelve\n";
    iaf_counts_options opt;
    memset(&opt, 0, sizeof opt);
    opt.shares = -1;
    iaf_table *t = NULL;
    iaf_error err;
    assert_int_not_equal(iaf_counts_read_memory(text, strlen(text), "t.csv", &opt, &t, &err),
                         IAF_OK);
    assert_null(t);
    assert_string_equal(err.file, "t.csv");
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "twelve"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long),
        cmocka_unit_test(test_shares_scale_drop),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
