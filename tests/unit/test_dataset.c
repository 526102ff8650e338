/* Unit tests of the dataset layer (core/dataset.c): microdata scanned once for
 * several requests, each derived with or without a universe, a weight and
 * Kish's effective n, declared missing tokens; a count table read as a
 * dataset (its attributes as columns, no scan); which form AUTO picks; a
 * request for a column that is not there. Expected values are counted by hand
 * from the literal files below. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/dataset.h"
#include "core/expr.h"

static const char micro[] = "sex,band,w\n"
                            "F,young,1\n"
                            "F,old,3\n"
                            "M,young,2\n"
                            "NA,old,1\n"
                            "M,old,1\n";
static const char counts[] = "sex,band,count\n"
                             "F,young,10\n"
                             "M,young,30\n";

static char mpath[64], cpath[64];

static int setup(void **st)
{
    snprintf(mpath, sizeof mpath, "/tmp/iaf-test-ds-m-%d.csv", (int)getpid());
    snprintf(cpath, sizeof cpath, "/tmp/iaf-test-ds-c-%d.csv", (int)getpid());
    FILE *f = fopen(mpath, "w"), *g = fopen(cpath, "w");
    if (!f || !g) return -1;
    fputs(micro, f);
    fputs(counts, g);
    return fclose(f) | fclose(g);
}

static int teardown(void **st)
{
    unlink(mpath), unlink(cpath);
    return 0;
}

static double cell1(const iaf_table *t, const char *label)
{
    int64_t id = iaf_table_find_cat(t, 0, (iaf_sv){label, strlen(label)});
    for (size_t i = 0; id >= 0 && i < iaf_table_ncells(t); i++)
        if (iaf_table_cell(t, i).cat[0] == (uint32_t)id) return iaf_table_cell(t, i).value;
    return -1;
}

static void test_microdata(void **st)
{
    const char *paths[] = {mpath}, *tok[] = {"NA"};
    iaf_dataset_options opt;
    memset(&opt, 0, sizeof opt);
    opt.weight = "w";
    opt.labels.missing = tok;
    opt.labels.nmissing = 1;
    opt.source.threads = 1;
    iaf_dataset *d = NULL;
    iaf_error err;
    assert_int_equal(iaf_dataset_open(paths, 1, &opt, &d, &err), IAF_OK);
    assert_false(iaf_dataset_is_counts(d)); /* AUTO: no value column */
    assert_int_equal(iaf_dataset_ncols(d), 3);
    assert_string_equal(iaf_dataset_col(d, 1), "band");
    assert_int_equal(iaf_source_nfiles_of(d), 1);
    assert_string_equal(iaf_dataset_file(d, 0), mpath);
    /* two requests, one scan */
    const char *c1[] = {"sex"}, *c2[] = {"sex", "band"}, *bad[] = {"age"};
    int r1 = iaf_dataset_add_request(d, c1, 1, &err);
    int r2 = iaf_dataset_add_request(d, c2, 2, &err);
    assert_true(r1 >= 0 && r2 >= 0 && r1 != r2);
    assert_int_equal(iaf_dataset_count(d, NULL, &err), IAF_OK);
    assert_int_equal(iaf_dataset_rows(d), 5);
    assert_int_equal(iaf_dataset_weighted(d), 1);
    iaf_attr *sex = iaf_attr_new_asis("sex", "sex");
    iaf_attr *at[] = {sex};
    iaf_derived *dv = NULL;
    assert_int_equal(iaf_dataset_derive(d, r1, at, 1, NULL, &dv, &err), IAF_OK);
    /* weighted: F 1 + 3, M 2 + 1, NA is missing: the "" category, 1 */
    assert_true(cell1(dv->table, "F") == 4 && cell1(dv->table, "M") == 3);
    assert_true(cell1(dv->table, "") == 1 && cell1(dv->table, "NA") < 0);
    /* Kish: (sum w)^2 / sum w^2 = 64 / 16 */
    assert_true(fabs(iaf_table_n_eff(dv->table) - 4) < 1e-12);
    assert_true(iaf_table_n_obs(dv->table) == 5);
    iaf_derived_free(dv);
    /* the universe band == "old" from the second request */
    iaf_expr *u = NULL;
    assert_int_equal(iaf_expr_parse("band == \"old\"", "where", &u, &err), IAF_OK);
    assert_int_equal(iaf_dataset_derive(d, r2, at, 1, u, &dv, &err), IAF_OK);
    assert_true(cell1(dv->table, "F") == 3 && cell1(dv->table, "M") == 1);
    assert_true(dv->universe_n == 3 && dv->universe_mass == 5);
    iaf_derived_free(dv);
    iaf_expr_free(u);
    iaf_attr_free(sex);
    iaf_dataset_free(d);
    iaf_dataset_free(NULL);
    /* a column the data lack: the request is taken, the scan names the column */
    assert_int_equal(iaf_dataset_open(paths, 1, &opt, &d, &err), IAF_OK);
    int r = iaf_dataset_add_request(d, bad, 1, &err);
    iaf_status rc = r < 0 ? (iaf_status)r : iaf_dataset_count(d, NULL, &err);
    assert_int_not_equal(rc, IAF_OK);
    assert_non_null(strstr(err.message, "age"));
    iaf_dataset_free(d);
}

static void test_count_table(void **st)
{
    const char *paths[] = {cpath};
    iaf_dataset_options opt;
    memset(&opt, 0, sizeof opt);
    iaf_dataset *d = NULL;
    iaf_error err;
    assert_int_equal(iaf_dataset_open(paths, 1, &opt, &d, &err), IAF_OK);
    assert_true(iaf_dataset_is_counts(d)); /* AUTO: a count column */
    assert_int_equal(iaf_dataset_ncols(d), 2);
    assert_non_null(iaf_dataset_table(d));
    const char *c[] = {"sex", "band"};
    int r = iaf_dataset_add_request(d, c, 2, &err);
    assert_true(r >= 0);
    assert_int_equal(iaf_dataset_count(d, NULL, &err), IAF_OK);
    iaf_attr *sex = iaf_attr_new_asis("sex", "sex");
    iaf_attr *at[] = {sex};
    iaf_derived *dv = NULL;
    assert_int_equal(iaf_dataset_derive(d, r, at, 1, NULL, &dv, &err), IAF_OK);
    assert_true(cell1(dv->table, "F") == 10 && cell1(dv->table, "M") == 30);
    iaf_derived_free(dv);
    iaf_attr_free(sex);
    iaf_dataset_free(d);
    /* the same file forced to be microdata: three columns, two rows */
    opt.form = IAF_DATA_MICRODATA;
    assert_int_equal(iaf_dataset_open(paths, 1, &opt, &d, &err), IAF_OK);
    assert_false(iaf_dataset_is_counts(d));
    assert_int_equal(iaf_dataset_ncols(d), 3);
    iaf_dataset_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_microdata),
        cmocka_unit_test(test_count_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
