/* Unit tests of the public compare, scan and system-call entry points through
 * <iaf/iaf.h> only: iaf_compare_run on files (support, coverage, recodes,
 * bins and their labels, no verdict without a bootstrap, a verdict and
 * intervals with one, the JSON's inputs), iaf_compare_run_tables, the
 * cancellation of both by a progress callback returning IAF_STOP (no error
 * filled, nothing returned), iaf_scan_run (the probe's skipped columns, the
 * ranking) and iaf_set_sysio.
 *
 * Expected values are counted by hand from the literal inputs below.
 */
#include <math.h>
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

/* synthetic rows: x a a a b c (missing); age for the bins */
static const char syn_csv[] = "x,age\n"
                              "a,10\n"
                              "a,20\n"
                              "a,30\n"
                              "b,40\n"
                              "c,70\n"
                              ",15\n";
/* the reference: a count table over x, a and b only */
static const char ref_csv[] = "x,count\n"
                              "a,50\n"
                              "b,50\n";
/* bands of age as the reference publishes them */
static const char band_csv[] = "age,count\n"
                               "0-17,1\n"
                               "18-64,2\n"
                               "65+,1\n";
/* for the scan: b copies a, c cycles independently of both, id is unique */
static char scan_csv[8192];

static char syn_path[64], ref_path[64], band_path[64], scan_path[64];

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

static int setup(void **st)
{
    int pid = (int)getpid();
    snprintf(syn_path, sizeof syn_path, "/tmp/iaf-test-cmp-syn-%d.csv", pid);
    snprintf(ref_path, sizeof ref_path, "/tmp/iaf-test-cmp-ref-%d.csv", pid);
    snprintf(band_path, sizeof band_path, "/tmp/iaf-test-cmp-band-%d.csv", pid);
    snprintf(scan_path, sizeof scan_path, "/tmp/iaf-test-cmp-scan-%d.csv", pid);
    size_t n = (size_t)snprintf(scan_csv, sizeof scan_csv, "id,a,b,c\n");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(scan_csv + n, sizeof scan_csv - n, "%d,a%d,b%d,c%d\n", i, i % 3,
                              i % 3, (i / 3) % 2);
    return write_file(syn_path, syn_csv) || write_file(ref_path, ref_csv) ||
           write_file(band_path, band_csv) || write_file(scan_path, scan_csv);
}

static int teardown(void **st)
{
    unlink(syn_path), unlink(ref_path), unlink(band_path), unlink(scan_path);
    return 0;
}

static const char *by_x[] = {"x"};
static const char *syn_paths[1], *ref_paths[1];

static void options(iaf_compare_options *o)
{
    memset(o, 0, sizeof *o);
    syn_paths[0] = syn_path;
    ref_paths[0] = ref_path;
    o->by = by_x;
    o->nby = 1;
    o->synthetic.paths = syn_paths;
    o->synthetic.npaths = 1;
    o->synthetic.form = IAF_DATA_MICRODATA;
    o->reference.paths = ref_paths;
    o->reference.npaths = 1;
    o->threads = 1;
}

static void test_compare_files(void **st)
{
    iaf_compare_options o;
    options(&o);
    iaf_comparison *c = NULL;
    iaf_error err;
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_OK);
    assert_int_equal(iaf_comparison_nattrs(c), 1);
    assert_string_equal(iaf_comparison_attr(c, 0), "x");
    assert_int_equal(iaf_comparison_nfiles(c, IAF_SIDE_SYNTHETIC), 1);
    assert_string_equal(iaf_comparison_file(c, IAF_SIDE_REFERENCE, 0), ref_path);
    /* the reference's categories are the support */
    assert_int_equal(iaf_comparison_ncats(c, 0), 2);
    assert_string_equal(iaf_comparison_cat(c, 0, 0), "a");
    assert_string_equal(iaf_comparison_cat(c, 0, 1), "b");
    const double *s = iaf_comparison_masses(c, IAF_SIDE_SYNTHETIC);
    assert_true(s[0] == 3 && s[1] == 1);
    /* 3/4, 1/4 against 1/2, 1/2 */
    assert_true(fabs(iaf_comparison_metrics(c)->tvd_joint - 0.25) < 1e-15);
    iaf_compare_coverage cov = iaf_comparison_coverage(c);
    assert_true(cov.synthetic_total == 6 && cov.synthetic_on_support == 4);
    assert_true(cov.synthetic_off_support == 2 && cov.reference_total == 100);
    /* c and the missing category, one row each, largest first then by label */
    assert_int_equal(iaf_comparison_noff(c), 2);
    iaf_compare_offsupport off0 = iaf_comparison_off(c, 0), off1 = iaf_comparison_off(c, 1);
    assert_true(off0.mass == 1 && off1.mass == 1 && off0.x_off && off1.x_off);
    assert_null(off0.y);
    assert_true((!strcmp(off0.x, "") && !strcmp(off1.x, "c")) ||
                (!strcmp(off0.x, "c") && !strcmp(off1.x, "")));
    /* sample sizes: the rows; a count-table reference is fixed */
    assert_true(iaf_comparison_n(c, IAF_SIDE_SYNTHETIC) == 6);
    assert_true(isinf(iaf_comparison_n(c, IAF_SIDE_REFERENCE)));
    /* no bootstrap: no verdict, and why */
    assert_null(iaf_comparison_verdict(c));
    assert_non_null(iaf_comparison_no_verdict(c));
    assert_non_null(strstr(iaf_comparison_no_verdict(c), "bootstrap"));
    assert_int_equal(iaf_comparison_nscreens(c), 0);
    iaf_compare_interval ci;
    assert_int_equal(iaf_comparison_interval(c, IAF_JM_TVD_JOINT, &ci, &err), IAF_ERR_INVALID);
    /* the JSON names what was compared */
    iaf_buffer *b = iaf_buffer_new();
    assert_int_equal(iaf_comparison_write_json(c, b, &err), IAF_OK);
    assert_non_null(strstr(iaf_buffer_data(b), "\"by\": [\n    \"x\"\n  ]"));
    assert_non_null(strstr(iaf_buffer_data(b), "\"form\": \"microdata\""));
    assert_non_null(strstr(iaf_buffer_data(b), "\"no_verdict\""));
    iaf_buffer_free(b);
    iaf_comparison_free(c);
    iaf_comparison_free(NULL);
}

static void test_compare_recode_bins(void **st)
{
    iaf_compare_options o;
    options(&o);
    /* c -> b: a 3, b 2 on the support; only the missing row stays off it */
    const char *from[] = {"c"}, *to[] = {"b"};
    iaf_compare_derive d = {"x", from, to, 1, NULL, 0};
    o.derive = &d;
    o.nderive = 1;
    iaf_comparison *c = NULL;
    iaf_error err;
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_OK);
    assert_true(fabs(iaf_comparison_metrics(c)->tvd_joint - 0.1) < 1e-15);
    assert_int_equal(iaf_comparison_noff(c), 1);
    assert_string_equal(iaf_comparison_off(c, 0).x, "");
    iaf_comparison_free(c);
    /* bins 0, 18, 65, inf: labels 0-17, 18-64, 65+; ages 10 15 | 20 30 40 | 70 */
    static const char *by_age[] = {"age"};
    const double edges[] = {0, 18, 65, INFINITY};
    iaf_compare_derive bins = {"age", NULL, NULL, 0, edges, 4};
    const char *bp[1] = {band_path};
    o.by = by_age;
    o.derive = &bins;
    o.reference.paths = bp;
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_OK);
    assert_int_equal(iaf_comparison_ncats(c, 0), 3);
    assert_string_equal(iaf_comparison_cat(c, 0, 0), "0-17");
    assert_string_equal(iaf_comparison_cat(c, 0, 1), "18-64");
    assert_string_equal(iaf_comparison_cat(c, 0, 2), "65+");
    const double *s = iaf_comparison_masses(c, IAF_SIDE_SYNTHETIC);
    assert_true(s[0] == 2 && s[1] == 3 && s[2] == 1);
    /* 2/6 3/6 1/6 against 1/4 2/4 1/4 */
    assert_true(fabs(iaf_comparison_metrics(c)->tvd_joint - 1.0 / 12) < 1e-15);
    iaf_comparison_free(c);
    /* bad options are named, nothing is returned */
    const double down[] = {0, 18, 10};
    bins.edges = down;
    bins.nedges = 3;
    c = (iaf_comparison *)&err; /* must be reset */
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_ERR_INVALID);
    assert_null(c);
    assert_non_null(strstr(err.message, "increase"));
    o.nderive = 0;
    o.nby = 3;
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_ERR_INVALID);
}

static void test_compare_bootstrap(void **st)
{
    iaf_compare_options o;
    options(&o);
    o.bootstrap_b = 50;
    o.seed = 7;
    o.seed_set = 1;
    o.interval = IAF_INTERVAL_BASIC;
    iaf_comparison *c = NULL;
    iaf_error err;
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_OK);
    assert_int_equal(iaf_comparison_bootstrap_b(c), 50);
    assert_true(iaf_comparison_seed(c) == 7);
    assert_int_equal(iaf_comparison_interval_method(c), IAF_INTERVAL_BASIC);
    const char *v = iaf_comparison_verdict(c);
    assert_non_null(v);
    assert_true(!strcmp(v, "PASS") || !strcmp(v, "FLAG") || !strcmp(v, "INCONCLUSIVE"));
    assert_null(iaf_comparison_no_verdict(c));
    assert_true(iaf_comparison_nscreens(c) >= 1);
    iaf_compare_screen sc = iaf_comparison_screen(c, 0);
    assert_string_equal(sc.metric, "tvd");
    assert_true(sc.threshold == 0.05 && sc.lo <= sc.estimate && sc.estimate <= sc.hi);
    iaf_compare_interval ci;
    assert_int_equal(iaf_comparison_interval(c, IAF_JM_TVD_JOINT, &ci, &err), IAF_OK);
    assert_true(ci.lo <= ci.estimate && ci.estimate <= ci.hi && ci.plug_in == 0.25);
    assert_int_equal(iaf_comparison_interval(c, IAF_JM_COUNT, &ci, &err), IAF_ERR_INVALID);
    iaf_comparison_free(c);
}

static iaf_status stop_at(void *ctx, size_t done, size_t total)
{
    size_t *calls = ctx;
    ++*calls;
    assert_true(done >= 1 && done <= total);
    return done >= 1 ? IAF_STOP : IAF_OK;
}

static void test_compare_tables_and_cancel(void **st)
{
    /* 2 x 2: synthetic 30 10 / 10 50, reference 25 25 / 25 25 (shares) */
    const char *names[] = {"x", "y"};
    iaf_table *s = iaf_table_new(2, names, IAF_TABLE_COUNTS);
    iaf_table *r = iaf_table_new(2, names, IAF_TABLE_SHARES);
    const char *lx[] = {"p", "p", "q", "q"}, *ly[] = {"u", "v", "u", "v"};
    const double sv[] = {30, 10, 10, 50};
    for (int i = 0; i < 4; i++) {
        iaf_sv l[2] = {{lx[i], 1}, {ly[i], 1}};
        assert_int_equal(iaf_table_add(s, l, sv[i], (int64_t)sv[i], 0, NAN, IAF_CELL_OK, NULL),
                         IAF_OK);
        assert_int_equal(iaf_table_add(r, l, 25, -1, 0, NAN, IAF_CELL_OK, NULL), IAF_OK);
    }
    assert_int_equal(iaf_table_finish(s, NULL), IAF_OK);
    assert_int_equal(iaf_table_finish(r, NULL), IAF_OK);
    iaf_compare_options o;
    memset(&o, 0, sizeof o);
    o.by = names;
    o.nby = 2;
    o.synthetic.n = 100;
    iaf_comparison *c = NULL;
    iaf_error err;
    assert_int_equal(iaf_compare_run_tables(s, r, &o, &c, &err), IAF_OK);
    /* |.3-.25| + |.1-.25| + |.1-.25| + |.5-.25| = .6, halved */
    assert_true(fabs(iaf_comparison_metrics(c)->tvd_joint - 0.3) < 1e-15);
    assert_int_equal(iaf_comparison_nattrs(c), 2);
    assert_int_equal(iaf_comparison_nfiles(c, IAF_SIDE_SYNTHETIC), 0);
    assert_true(iaf_comparison_n(c, IAF_SIDE_SYNTHETIC) == 100);
    iaf_comparison_free(c);
    /* cancelled after the first step: IAF_STOP, no error, nothing returned */
    size_t calls = 0;
    o.progress = stop_at;
    o.progress_ctx = &calls;
    c = NULL;
    iaf_error_set(&err, IAF_ERR_IO, NULL, 0, 0, "stale");
    assert_int_equal(iaf_compare_run_tables(s, r, &o, &c, &err), IAF_STOP);
    assert_null(c);
    assert_int_equal(err.status, IAF_OK);
    assert_int_equal(calls, 1);
    iaf_compare_options f;
    options(&f);
    f.progress = stop_at;
    f.progress_ctx = &calls;
    calls = 0;
    assert_int_equal(iaf_compare_run(&f, &c, &err), IAF_STOP);
    assert_null(c);
    assert_int_equal(err.status, IAF_OK);
    assert_int_equal(calls, 1);
    iaf_table_free(s);
    iaf_table_free(r);
}

static void test_scan(void **st)
{
    const char *paths[1] = {scan_path};
    iaf_scan_options o;
    memset(&o, 0, sizeof o);
    o.null_b = 50;
    o.threads = 2;
    iaf_scan_result *r = NULL;
    iaf_error err;
    assert_int_equal(iaf_scan_run(paths, 1, &o, &r, &err), IAF_OK);
    assert_true(iaf_scan_result_rows(r) == 300);
    assert_int_equal(iaf_scan_result_weighted(r), 0);
    /* id is skipped (named like an identifier), a b c are paired */
    assert_int_equal(iaf_scan_result_nskipped(r), 1);
    const char *why = NULL;
    assert_string_equal(iaf_scan_result_skipped(r, 0, &why), "id");
    assert_non_null(strstr(why, "identifier"));
    assert_int_equal(iaf_scan_result_ncolumns(r), 3);
    assert_string_equal(iaf_scan_result_column(r, 0), "a");
    assert_int_equal(iaf_scan_result_npairs(r), 3);
    /* b copies a: the strongest pair, dep_tvd = 1 - 1/3 (three equal categories), no
     * candidate; c is balanced within every a, so a x c and b x c show no dependence */
    const iaf_scan_pair *p = iaf_scan_result_pair(r, 0);
    assert_string_equal(p->x, "a");
    assert_string_equal(p->y, "b");
    assert_true(fabs(p->dep_tvd - 2.0 / 3) < 1e-12 && p->n == 300 && p->kx == 3 && p->ky == 3);
    assert_false(p->candidate);
    for (size_t i = 1; i < 3; i++) {
        const iaf_scan_pair *q = iaf_scan_result_pair(r, i);
        assert_string_equal(q->y, "c");
        assert_true(fabs(q->dep_tvd) < 1e-12 && q->candidate);
    }
    assert_null(iaf_scan_result_pair(r, 3));
    assert_int_equal(iaf_scan_result_ncard(r), 0);
    iaf_buffer *b = iaf_buffer_new();
    assert_int_equal(iaf_scan_result_write_json(r, b, &err), IAF_OK);
    assert_non_null(strstr(iaf_buffer_data(b), "\"rows\": 300"));
    iaf_buffer_free(b);
    iaf_scan_result_free(r);
    iaf_scan_result_free(NULL);
    /* cancelled after the first pair */
    size_t calls = 0;
    o.progress = stop_at;
    o.progress_ctx = &calls;
    o.threads = 1;
    r = NULL;
    assert_int_equal(iaf_scan_run(paths, 1, &o, &r, &err), IAF_STOP);
    assert_null(r);
    assert_int_equal(err.status, IAF_OK);
    assert_int_equal(calls, 1);
    /* options named as wrong */
    const char *one[] = {"a"}, *twice[] = {"a", "b", "a"};
    memset(&o, 0, sizeof o);
    o.columns = one;
    o.ncolumns = 1;
    assert_int_equal(iaf_scan_run(paths, 1, &o, &r, &err), IAF_ERR_INVALID);
    o.columns = twice;
    o.ncolumns = 3;
    assert_int_equal(iaf_scan_run(paths, 1, &o, &r, &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "'a'"));
    assert_null(r);
}

static int opens;
static int count_open(const char *path, int flags, mode_t mode)
{
    opens++;
    return iaf_sysio_default()->open_fn(path, flags, mode);
}

static void test_sysio(void **st)
{
    assert_ptr_equal(iaf_get_sysio()->read_fn, iaf_sysio_default()->read_fn);
    iaf_sysio io = *iaf_sysio_default();
    io.open_fn = count_open;
    iaf_set_sysio(&io);
    assert_ptr_equal(iaf_get_sysio()->open_fn, count_open);
    const char *paths[1] = {syn_path}, *by[1] = {"x"};
    iaf_table *t = NULL;
    assert_int_equal(iaf_count(paths, 1, by, 1, NULL, &t, NULL), IAF_OK);
    assert_true(opens >= 1);
    iaf_table_free(t);
    iaf_set_sysio(NULL);
    assert_ptr_equal(iaf_get_sysio()->open_fn, iaf_sysio_default()->open_fn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_files),
        cmocka_unit_test(test_compare_recode_bins),
        cmocka_unit_test(test_compare_bootstrap),
        cmocka_unit_test(test_compare_tables_and_cancel),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_sysio),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
