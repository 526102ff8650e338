/* Unit tests of the count table (core/table.c, iaf/table.h): adding to a cell
 * sums values and n and adds standard errors in quadrature, a non-OK state
 * wins, finish sorts categories by byte order and cells by category ids, a
 * declared category exists without cells, totals leave out non-OK cells,
 * marginals sum over the attributes not named, and sample sizes are kept.
 * Expected values are counted by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <iaf/table.h>

static iaf_sv sv(const char *s)
{
    return (iaf_sv){s, strlen(s)};
}

static int label_is(const iaf_table *t, size_t attr, uint32_t id, const char *want)
{
    iaf_sv l = iaf_table_cat(t, attr, id);
    return l.len == strlen(want) && !memcmp(l.ptr, want, l.len);
}

static iaf_table *two_way(void)
{
    const char *names[] = {"sex", "region"};
    iaf_table *t = iaf_table_new(2, names, IAF_TABLE_COUNTS);
    assert_non_null(t);
    /* added out of order; "b" and "B", and "" (missing) test byte order */
    const char *rows[][2] = {{"M", "b"}, {"F", "B"}, {"F", "b"}, {"M", "b"}, {"", "B"}};
    const double v[] = {2, 3, 4, 5, 1}, se[] = {3, NAN, 1, 4, NAN};
    for (int i = 0; i < 5; i++) {
        iaf_sv l[2] = {sv(rows[i][0]), sv(rows[i][1])};
        assert_int_equal(iaf_table_add(t, l, v[i], 1, 0, se[i], IAF_CELL_OK, NULL), IAF_OK);
    }
    assert_int_equal(iaf_table_finish(t, NULL), IAF_OK);
    return t;
}

static void test_add_and_sort(void **st)
{
    iaf_table *t = two_way();
    assert_int_equal(iaf_table_nattrs(t), 2);
    assert_string_equal(iaf_table_attr(t, 1), "region");
    assert_int_equal(iaf_table_attr_index(t, "region"), 1);
    assert_int_equal(iaf_table_attr_index(t, "age"), -1);
    /* categories in byte order: "" < "F" < "M"; "B" < "b" */
    assert_int_equal(iaf_table_ncats(t, 0), 3);
    assert_true(label_is(t, 0, 0, "") && label_is(t, 0, 1, "F") && label_is(t, 0, 2, "M"));
    assert_true(label_is(t, 1, 0, "B") && label_is(t, 1, 1, "b"));
    assert_int_equal(iaf_table_find_cat(t, 0, sv("M")), 2);
    assert_int_equal(iaf_table_find_cat(t, 0, sv("X")), -1);
    /* cells sorted by ids: (""/B) (F/B) (F/b) (M/b); M/b summed: 2 + 5, n 2, se 5 */
    assert_int_equal(iaf_table_ncells(t), 4);
    const uint32_t want[4][2] = {{0, 0}, {1, 0}, {1, 1}, {2, 1}};
    const double val[] = {1, 3, 4, 7};
    for (size_t i = 0; i < 4; i++) {
        iaf_cell c = iaf_table_cell(t, i);
        assert_true(c.cat[0] == want[i][0] && c.cat[1] == want[i][1]);
        assert_true(c.value == val[i]);
    }
    iaf_cell mb = iaf_table_cell(t, 3);
    assert_int_equal(mb.n, 2);
    assert_true(fabs(mb.se - 5) < 1e-12); /* sqrt(3^2 + 4^2) */
    assert_true(iaf_table_total(t) == 15);
    assert_int_equal(iaf_table_total_n(t), 5);
    iaf_table_free(t);
    iaf_table_free(NULL);
}

static void test_states_and_categories(void **st)
{
    const char *names[] = {"x"};
    iaf_table *t = iaf_table_new(1, names, IAF_TABLE_SHARES);
    iaf_sv a = sv("a"), b = sv("b");
    assert_int_equal(iaf_table_add(t, &a, 0.5, -1, 0, NAN, IAF_CELL_OK, NULL), IAF_OK);
    assert_int_equal(iaf_table_add(t, &b, 0.25, -1, 0, NAN, IAF_CELL_OK, NULL), IAF_OK);
    /* a suppressed contribution makes the whole cell suppressed */
    assert_int_equal(iaf_table_add(t, &b, 0.25, -1, 0, NAN, IAF_CELL_SUPPRESSED, NULL), IAF_OK);
    /* a category with no cell at all */
    assert_int_equal(iaf_table_add_category(t, 0, sv("c"), NULL), IAF_OK);
    assert_int_equal(iaf_table_finish(t, NULL), IAF_OK);
    assert_int_equal(iaf_table_kind_of(t), IAF_TABLE_SHARES);
    assert_int_equal(iaf_table_ncats(t, 0), 3);
    assert_true(label_is(t, 0, 2, "c"));
    assert_int_equal(iaf_table_ncells(t), 2);
    assert_int_equal(iaf_table_cell(t, 1).state, IAF_CELL_SUPPRESSED);
    /* the total is that of the OK cells; n unknown */
    assert_true(iaf_table_total(t) == 0.5);
    assert_int_equal(iaf_table_total_n(t), -1);
    /* sample sizes are metadata, unknown until set */
    assert_true(isnan(iaf_table_n_obs(t)));
    iaf_table_set_n(t, 1000, 800, 1);
    assert_true(iaf_table_n_obs(t) == 1000 && iaf_table_n_eff(t) == 800);
    assert_int_equal(iaf_table_full_count(t), 1);
    iaf_table_free(t);
}

static void test_marginal(void **st)
{
    iaf_table *t = two_way();
    const char *keep[] = {"region"};
    iaf_table *m = NULL;
    assert_int_equal(iaf_table_marginal(t, keep, 1, &m, NULL), IAF_OK);
    assert_int_equal(iaf_table_nattrs(m), 1);
    assert_string_equal(iaf_table_attr(m, 0), "region");
    /* B: 3 + 1, b: 4 + 7 */
    assert_int_equal(iaf_table_ncells(m), 2);
    assert_true(label_is(m, 0, iaf_table_cell(m, 0).cat[0], "B"));
    assert_true(iaf_table_cell(m, 0).value == 4 && iaf_table_cell(m, 1).value == 11);
    assert_int_equal(iaf_table_cell(m, 1).n, 3);
    iaf_table_free(m);
    const char *none[] = {"age"};
    iaf_error err;
    assert_int_not_equal(iaf_table_marginal(t, none, 1, &m, &err), IAF_OK);
    iaf_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_sort),
        cmocka_unit_test(test_states_and_categories),
        cmocka_unit_test(test_marginal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
