/* Unit tests of the dataset layer (core/dataset.c): microdata scanned once for
 * several requests, each derived with or without a universe, a weight and
 * Kish's effective n, declared missing tokens; a count table read as a
 * dataset (its attributes as columns, no scan); which form AUTO picks; a
 * request for a column that is not there; the front door without files
 * (microdata and a count table held in memory) and the counts of one
 * dataset answering another's request over the same columns in another
 * order (cubes). Expected values are counted by hand from the literal
 * texts below. */
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

/* The cell of a two-attribute table at (a, b), -1 when there is none. */
static double cell2(const iaf_table *t, const char *a, const char *b)
{
    int64_t ia = iaf_table_find_cat(t, 0, (iaf_sv){a, strlen(a)});
    int64_t ib = iaf_table_find_cat(t, 1, (iaf_sv){b, strlen(b)});
    for (size_t i = 0; ia >= 0 && ib >= 0 && i < iaf_table_ncells(t); i++) {
        iaf_cell c = iaf_table_cell(t, i);
        if (c.cat[0] == (uint32_t)ia && c.cat[1] == (uint32_t)ib) return c.value;
    }
    return -1;
}

/* rows:  F young, M old, F old, F young, M young
 * sex:   F 3, M 2;  sex x band: F young 2, F old 1, M old 1, M young 1 */
static const char mem_micro[] = "sex,band\n"
                                "F,young\n"
                                "M,old\n"
                                "F,old\n"
                                "F,young\n"
                                "M,young\n";
/* sex: F 20 + 10, M 40; within sex == "M", band: young 40 */
static const char mem_counts[] = "band,sex,count\n"
                                 "young,F,20\n"
                                 "old,F,10\n"
                                 "young,M,40\n";

static void test_memory(void **st)
{
    iaf_error err;
    iaf_dataset_options opt;
    memset(&opt, 0, sizeof opt);
    opt.source.threads = 1;
    iaf_attr *sex = iaf_attr_new_asis("sex", "sex"), *band = iaf_attr_new_asis("band", "band");
    iaf_attr *at1[] = {sex}, *at2[] = {sex, band}, *atb[] = {band};
    iaf_derived *dv = NULL;

    /* microdata held in memory, two requests, one scan */
    iaf_source *src = NULL;
    assert_int_equal(
        iaf_source_open_memory(mem_micro, strlen(mem_micro), "rows.csv", &opt.source, &src, &err),
        IAF_OK);
    iaf_dataset *d = NULL;
    assert_int_equal(iaf_dataset_open_source(src, &opt, &d, &err), IAF_OK);
    assert_false(iaf_dataset_is_counts(d));
    const char *c1[] = {"sex"}, *c2[] = {"sex", "band"};
    int r1 = iaf_dataset_add_request(d, c1, 1, &err), r2 = iaf_dataset_add_request(d, c2, 2, &err);
    assert_true(r1 >= 0 && r2 >= 0);
    assert_int_equal(iaf_dataset_count(d, NULL, &err), IAF_OK);
    assert_int_equal(iaf_dataset_rows(d), 5);
    assert_int_equal(iaf_dataset_derive(d, r1, at1, 1, NULL, &dv, &err), IAF_OK);
    assert_true(cell1(dv->table, "F") == 3 && cell1(dv->table, "M") == 2);
    assert_int_equal(iaf_table_ncells(dv->table), 2);
    iaf_derived_free(dv);
    assert_int_equal(iaf_dataset_derive(d, r2, at2, 2, NULL, &dv, &err), IAF_OK);
    assert_true(cell2(dv->table, "F", "young") == 2 && cell2(dv->table, "F", "old") == 1);
    assert_true(cell2(dv->table, "M", "old") == 1 && cell2(dv->table, "M", "young") == 1);
    assert_int_equal(iaf_table_ncells(dv->table), 4);
    iaf_derived_free(dv);

    /* those counts answer a request over the same columns in the other
     * order, as counts made elsewhere would (iaf audit --counts) */
    iaf_rawcount *rc = iaf_dataset_take_rawcount(d);
    assert_non_null(rc);
    iaf_dataset *g = NULL;
    assert_int_equal(iaf_dataset_open_cubes(rc, &opt, &g, &err), IAF_OK);
    const char *c3[] = {"band", "sex"};
    int r3 = iaf_dataset_add_request(g, c3, 2, &err);
    assert_true(r3 >= 0);
    assert_int_equal(iaf_dataset_count(g, NULL, &err), IAF_OK);
    assert_int_equal(iaf_dataset_derive(g, r3, at2, 2, NULL, &dv, &err), IAF_OK);
    assert_true(cell2(dv->table, "F", "young") == 2 && cell2(dv->table, "F", "old") == 1);
    assert_true(cell2(dv->table, "M", "old") == 1 && cell2(dv->table, "M", "young") == 1);
    iaf_derived_free(dv);
    iaf_dataset_free(g);
    iaf_rawcount_free(rc);
    iaf_dataset_free(d);

    /* a count table held in memory, its name standing for the file */
    assert_int_equal(
        iaf_dataset_open_counts_memory(mem_counts, strlen(mem_counts), "ref.csv", &opt, &d, &err),
        IAF_OK);
    assert_true(iaf_dataset_is_counts(d));
    assert_string_equal(iaf_dataset_file(d, 0), "ref.csv");
    int r = iaf_dataset_add_request(d, c2, 2, &err);
    assert_true(r >= 0);
    assert_int_equal(iaf_dataset_count(d, NULL, &err), IAF_OK);
    assert_int_equal(iaf_dataset_derive(d, r, at1, 1, NULL, &dv, &err), IAF_OK);
    assert_true(cell1(dv->table, "F") == 30 && cell1(dv->table, "M") == 40);
    iaf_derived_free(dv);
    iaf_expr *u = NULL;
    assert_int_equal(iaf_expr_parse("sex == \"M\"", "where", &u, &err), IAF_OK);
    assert_int_equal(iaf_dataset_derive(d, r, atb, 1, u, &dv, &err), IAF_OK);
    assert_true(cell1(dv->table, "young") == 40 && cell1(dv->table, "old") < 0);
    iaf_derived_free(dv);
    iaf_expr_free(u);
    iaf_dataset_free(d);
    /* a count table that is not one: the error names it */
    static const char bad[] = "band,sex,count\nyoung,F,many\n";
    assert_int_not_equal(
        iaf_dataset_open_counts_memory(bad, strlen(bad), "bad.csv", &opt, &d, &err), IAF_OK);
    assert_null(d);
    assert_string_equal(err.file, "bad.csv");
    iaf_attr_free(sex);
    iaf_attr_free(band);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_microdata),
        cmocka_unit_test(test_count_table),
        cmocka_unit_test(test_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
