/* Unit tests of src/core/attr.c: mapping one raw value (as is, bins with
 * their closed last band, recodes keeping or dropping unlisted values,
 * missing values and declared tokens) and deriving attribute tables from a
 * raw count (the universe filter, coverage by raw value, missing rows, a
 * dataset's declared label rules). Expected values are counted by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/attr.h"
#include "core/expr.h"
#include "core/rawcount.h"
#include "util/util.h"

static iaf_sv sv(const char *s)
{
    return (iaf_sv){s, s ? strlen(s) : 0};
}

/* The one label raw maps to; NULL when it maps to none. */
static const char *map1(iaf_attr *a, const char *raw, iaf_map_result *why)
{
    static char out[128];
    iaf_sv labels[IAF_MAX_TARGETS];
    double w[IAF_MAX_TARGETS];
    size_t n = 0;
    char buf[64];
    *why = iaf_attr_map(a, sv(raw), labels, w, &n, buf);
    if (n == 0) return NULL;
    assert_int_equal(n, 1);
    assert_true(w[0] == 1);
    snprintf(out, sizeof out, "%.*s", (int)labels[0].len, labels[0].ptr);
    return out;
}

static void test_asis_and_missing(void **st)
{
    iaf_attr *a = iaf_attr_new_asis("sex", "gender");
    assert_string_equal(a->name, "sex");
    assert_string_equal(a->column, "gender");
    iaf_map_result why;
    assert_string_equal(map1(a, "F", &why), "F");
    assert_int_equal(why, IAF_MAP_OK);
    /* null and the empty string are the missing category */
    assert_string_equal(map1(a, NULL, &why), "");
    assert_int_equal(why, IAF_MAP_MISSING);
    assert_string_equal(map1(a, "", &why), "");
    assert_int_equal(why, IAF_MAP_MISSING);
    /* a declared token too, exactly as written */
    const char *tok[] = {"NA"};
    assert_int_equal(iaf_attr_set_missing(a, tok, 1), 0);
    assert_int_equal((map1(a, "NA", &why), why), IAF_MAP_MISSING);
    assert_int_equal((map1(a, "na", &why), why), IAF_MAP_OK);
    iaf_attr_free(a);
    iaf_attr_free(NULL);
}

static void test_bins(void **st)
{
    iaf_attr *a = iaf_attr_new_asis("age", "age");
    double edges[] = {0, 18, 65, 100};
    char *labels[] = {"0-17", "18-64", "65-99"};
    a->kind = IAF_ATTR_BIN;
    a->nbins = 3;
    a->edges = iaf_calloc(4, sizeof *a->edges);
    a->labels = iaf_calloc(3, sizeof *a->labels);
    for (int i = 0; i < 4; i++)
        a->edges[i] = edges[i];
    for (int i = 0; i < 3; i++)
        a->labels[i] = iaf_strdup(labels[i]);
    iaf_map_result why;
    assert_string_equal(map1(a, "0", &why), "0-17");
    assert_string_equal(map1(a, "17.99", &why), "0-17");
    assert_string_equal(map1(a, "18", &why), "18-64"); /* [18, 65) */
    assert_string_equal(map1(a, "64", &why), "18-64");
    assert_string_equal(map1(a, "65", &why), "65-99");
    /* the last band is half-open unless closed on purpose */
    assert_null(map1(a, "100", &why));
    assert_int_equal(why, IAF_MAP_UNMAPPED);
    a->right_closed_last = 1;
    assert_string_equal(map1(a, "100", &why), "65-99");
    assert_null(map1(a, "-1", &why));
    assert_int_equal(why, IAF_MAP_UNMAPPED);
    /* text that is no number finds no band; empty is missing */
    assert_null(map1(a, "old", &why));
    assert_int_equal(why, IAF_MAP_UNMAPPED);
    assert_int_equal((map1(a, "", &why), why), IAF_MAP_MISSING);
    iaf_attr_free(a);
}

static void test_recode(void **st)
{
    iaf_attr *a = iaf_attr_new_asis("sex", "sex");
    a->kind = IAF_ATTR_RECODE;
    a->nrecode = 2;
    a->from = iaf_calloc(2, sizeof *a->from);
    a->to = iaf_calloc(2, sizeof *a->to);
    a->from[0] = iaf_strdup("1"), a->to[0] = iaf_strdup("M");
    a->from[1] = iaf_strdup("2"), a->to[1] = iaf_strdup("F");
    assert_true(iaf_strmap_intern(&a->recode_index, "1", 1) == 0);
    assert_true(iaf_strmap_intern(&a->recode_index, "2", 1) == 1);
    iaf_map_result why;
    assert_string_equal(map1(a, "1", &why), "M");
    assert_string_equal(map1(a, "2", &why), "F");
    assert_string_equal(map1(a, "9", &why), "9"); /* as-is attributes keep the rest */
    a->keep_other = 0;
    assert_null(map1(a, "9", &why));
    assert_int_equal(why, IAF_MAP_UNMAPPED);
    /* a deep copy maps the same */
    iaf_attr *b = iaf_attr_copy(a, "sex2", NULL);
    assert_string_equal(b->name, "sex2");
    assert_string_equal(b->column, "sex");
    assert_string_equal(map1(b, "2", &why), "F");
    iaf_attr_free(a);
    iaf_attr_free(b);
}

/* rows (sex, age band): F young, F young, M old, "" young, X young, M young (w 2) */
static iaf_table *raw_table; /* the raw count's labels are the table's: freed after it */

static iaf_rawcount *rawcount(void)
{
    iaf_table *t = NULL;
    const char *names[] = {"sex", "band"};
    t = iaf_table_new(2, names, IAF_TABLE_COUNTS);
    const char *rows[][2] = {{"F", "young"}, {"F", "young"}, {"M", "old"},
                             {"", "young"},  {"X", "young"}, {"M", "young"}};
    const double w[] = {1, 1, 1, 1, 1, 2};
    for (int i = 0; i < 6; i++) {
        iaf_sv l[2] = {sv(rows[i][0]), sv(rows[i][1])};
        assert_int_equal(iaf_table_add(t, l, w[i], 1, w[i] * w[i], NAN, IAF_CELL_OK, NULL), IAF_OK);
    }
    assert_int_equal(iaf_table_finish(t, NULL), IAF_OK);
    iaf_rawcount *rc = NULL;
    assert_int_equal(iaf_rawcount_from_table(t, &rc, NULL), IAF_OK);
    raw_table = t;
    return rc;
}

static double cell(const iaf_table *t, const char *label)
{
    int64_t id = iaf_table_find_cat(t, 0, sv(label));
    if (id < 0) return -1;
    for (size_t i = 0; i < iaf_table_ncells(t); i++) {
        iaf_cell c = iaf_table_cell(t, i);
        if (c.cat[0] == (uint32_t)id) return c.value;
    }
    return 0;
}

static void test_derive(void **st)
{
    iaf_rawcount *rc = rawcount();
    /* sex recoded F->F, M->M, others unmapped, in the universe band == 'young' */
    iaf_attr *a = iaf_attr_new_asis("sex", "sex");
    a->kind = IAF_ATTR_RECODE;
    a->keep_other = 0;
    a->nrecode = 2;
    a->from = iaf_calloc(2, sizeof *a->from);
    a->to = iaf_calloc(2, sizeof *a->to);
    a->from[0] = iaf_strdup("F"), a->to[0] = iaf_strdup("F");
    a->from[1] = iaf_strdup("M"), a->to[1] = iaf_strdup("M");
    iaf_strmap_intern(&a->recode_index, "F", 1);
    iaf_strmap_intern(&a->recode_index, "M", 1);
    iaf_expr *u = NULL;
    assert_int_equal(iaf_expr_parse("band == 'young'", "where", &u, NULL), IAF_OK);
    iaf_derived *d = NULL;
    iaf_attr *attrs[] = {a};
    assert_int_equal(iaf_derive(rc, 0, attrs, 1, u, NULL, &d, NULL), IAF_OK);
    /* young rows: F F "" X M(2): mass 6, rows 5 */
    assert_true(d->universe_mass == 6 && d->universe_n == 5);
    assert_true(d->total_mass == 7 && d->total_n == 6);
    assert_true(cell(d->table, "F") == 2 && cell(d->table, "M") == 2);
    assert_true(cell(d->table, "X") < 0);
    /* coverage: X unmapped (mass 1); "" missing (mass 1, one row), which forms the
     * missing category and so counts as mapped too */
    assert_true(cell(d->table, "") == 1);
    const iaf_coverage *c = &d->coverage[0];
    assert_true(c->mapped == 5 && c->unmapped == 1 && c->missing == 1);
    assert_int_equal(c->nitems, 1);
    assert_string_equal(c->items[0].raw, "X");
    assert_int_equal(c->items[0].why, IAF_MAP_UNMAPPED);
    assert_int_equal(c->missing_n, 1);
    iaf_derived_free(d);
    /* declared label rules of the dataset: "X" means missing there */
    const char *tok[] = {"X"};
    iaf_label_rules rules = {tok, 1, 0};
    assert_int_equal(iaf_derive(rc, 0, attrs, 1, u, &rules, &d, NULL), IAF_OK);
    assert_true(d->coverage[0].unmapped == 0 && d->coverage[0].missing == 2);
    assert_true(d->coverage[0].mapped == 6 && cell(d->table, "") == 2);
    assert_int_equal(d->coverage[0].missing_n, 2);
    iaf_derived_free(d);
    iaf_expr_free(u);
    iaf_attr_free(a);
    iaf_rawcount_free(rc);
    iaf_table_free(raw_table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_asis_and_missing),
        cmocka_unit_test(test_bins),
        cmocka_unit_test(test_recode),
        cmocka_unit_test(test_derive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
