/* Unit tests of the public compare, scan and system-call entry points through
 * <iaf/iaf.h> only: iaf_compare_run on files (support, coverage, recodes,
 * bins and their labels, no verdict without a bootstrap, a verdict and
 * intervals with one, the JSON's inputs), iaf_compare_run_tables, the
 * cancellation of both by a progress callback returning IAF_STOP (no error
 * filled, nothing returned), iaf_scan_run (the probe's skipped columns, the
 * ranking), iaf_scan_run_sources and the compare sides held in memory (a
 * source, a count table's text: the numbers of the same files) and
 * iaf_set_sysio.
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

/* The scan's rows as columns the caller holds: id as integers, a b c as text
 * (a as a dictionary), in parts of 70 rows, each emitted in batches of 32. */
typedef struct scan_cols {
    int64_t id[300];
    char text[3][300][8];
    iaf_sv sv[3][300];
    iaf_sv adict[3];
    uint32_t aidx[300];
    char adict_text[3][4];
} scan_cols;

static iaf_status scan_read_part(void *ctx, size_t part, const size_t *proj, size_t nproj,
                                 iaf_emit_batch_fn emit, void *emit_ctx, iaf_error *err)
{
    scan_cols *sc = ctx;
    size_t lo = part * 70, hi = lo + 70 < 300 ? lo + 70 : 300;
    for (size_t b = lo; b < hi; b += 32) {
        size_t n = hi - b < 32 ? hi - b : 32;
        iaf_column cols[4];
        memset(cols, 0, sizeof cols);
        for (size_t j = 0; j < nproj; j++) {
            if (proj[j] == 0) {
                cols[j].kind = IAF_COL_I64;
                cols[j].i64 = sc->id + b;
            } else if (proj[j] == 1) {
                cols[j].kind = IAF_COL_DICT;
                cols[j].dict = sc->adict;
                cols[j].ndict = 3;
                cols[j].idx = sc->aidx + b;
            } else {
                cols[j].kind = IAF_COL_STR;
                cols[j].str = sc->sv[proj[j] - 1] + b;
            }
        }
        iaf_batch batch = {n, nproj, cols, NULL, 0, (long long)b};
        iaf_status st = emit(emit_ctx, &batch, err);
        if (st != IAF_OK) return st;
    }
    return IAF_OK;
}

static iaf_source *scan_source(scan_cols *sc, const char *name)
{
    static const char *names[] = {"id", "a", "b", "c"};
    for (int i = 0; i < 3; i++)
        snprintf(sc->adict_text[i], sizeof sc->adict_text[i], "a%d", i),
            sc->adict[i] = (iaf_sv){sc->adict_text[i], 2};
    for (int i = 0; i < 300; i++) {
        sc->id[i] = i;
        sc->aidx[i] = (uint32_t)(i % 3);
        int v[3] = {i % 3, i % 3, (i / 3) % 2};
        for (int k = 0; k < 3; k++) {
            int len = snprintf(sc->text[k][i], sizeof sc->text[k][i], "%c%d", 'a' + k, v[k]);
            sc->sv[k][i] = (iaf_sv){sc->text[k][i], (size_t)len};
        }
    }
    iaf_source_callbacks cb = {sc, 5, scan_read_part, NULL};
    iaf_source_options so;
    memset(&so, 0, sizeof so);
    so.threads = 3;
    iaf_source *src = NULL;
    assert_int_equal(iaf_source_open_callbacks(name, names, 4, &cb, &so, &src, NULL), IAF_OK);
    return src;
}

/* The `iaf scan --json` text of the scan that returned st and *rp (freed). */
static char *scan_json(iaf_status st, iaf_scan_result **rp)
{
    assert_int_equal(st, IAF_OK);
    iaf_scan_result *r = *rp;
    *rp = NULL;
    iaf_buffer *b = iaf_buffer_new();
    assert_int_equal(iaf_scan_result_write_json(r, b, NULL), IAF_OK);
    char *s = strdup(iaf_buffer_data(b));
    iaf_buffer_free(b);
    iaf_scan_result_free(r);
    return s;
}

static void test_scan_sources(void **st)
{
    const char *paths[1] = {scan_path};
    iaf_scan_options o;
    memset(&o, 0, sizeof o);
    o.null_b = 50;
    o.threads = 2;
    iaf_scan_result *r = NULL;
    iaf_error err;
    char *want = scan_json(iaf_scan_run(paths, 1, &o, &r, &err), &r);
    /* the file as a source, and the same rows held in memory: the same JSON */
    iaf_source *src = NULL;
    assert_int_equal(iaf_source_open(paths, 1, NULL, &src, &err), IAF_OK);
    char *got = scan_json(iaf_scan_run_sources(src, NULL, &o, &r, &err), &r);
    assert_string_equal(got, want);
    free(got);
    scan_cols *sc = calloc(2, sizeof *sc);
    assert_non_null(sc);
    got = scan_json(iaf_scan_run_sources(scan_source(&sc[0], "cols"), NULL, &o, &r, &err), &r);
    assert_string_equal(got, want);
    free(got);
    free(want);
    /* against a reference: the file, or the rows in memory (named by the source) */
    o.reference_paths = paths;
    o.nreference_paths = 1;
    o.bootstrap_b = 50;
    want = scan_json(iaf_scan_run(paths, 1, &o, &r, &err), &r);
    got = scan_json(iaf_scan_run_sources(scan_source(&sc[0], "cols"), NULL, &o, &r, &err), &r);
    assert_string_equal(got, want);
    free(got);
    o.reference_paths = NULL;
    o.nreference_paths = 0;
    got = scan_json(
        iaf_scan_run_sources(scan_source(&sc[0], "cols"), scan_source(&sc[1], "ref"), &o, &r, &err),
        &r);
    char *at = strstr(want, scan_path);
    assert_non_null(at);
    memmove(at + 3, at + strlen(scan_path), strlen(at + strlen(scan_path)) + 1);
    memcpy(at, "ref", 3);
    assert_string_equal(got, want);
    free(got);
    free(want);
    /* errors: the sources are freed all the same (the sanitizer build checks) */
    assert_int_equal(iaf_scan_run_sources(NULL, scan_source(&sc[1], "ref"), &o, &r, &err),
                     IAF_ERR_INVALID);
    assert_null(r);
    o.reference_paths = paths;
    o.nreference_paths = 1;
    assert_int_equal(
        iaf_scan_run_sources(scan_source(&sc[0], "cols"), scan_source(&sc[1], "ref"), &o, &r, &err),
        IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "give one"));
    o.reference_paths = NULL;
    o.nreference_paths = 0;
    o.reference_form = IAF_DATA_COUNTS;
    assert_int_equal(
        iaf_scan_run_sources(scan_source(&sc[0], "cols"), scan_source(&sc[1], "ref"), &o, &r, &err),
        IAF_ERR_INVALID);
    o.reference_form = IAF_DATA_AUTO;
    const char *cols[] = {"a", "nope"};
    o.columns = cols;
    o.ncolumns = 2;
    assert_int_equal(iaf_scan_run_sources(scan_source(&sc[0], "cols"), NULL, &o, &r, &err),
                     IAF_ERR_INVALID);
    assert_string_equal(err.file, "cols");
    assert_null(r);
    free(sc);
}

/* A compare side from a source the caller keeps, or from a count table's CSV
 * text in memory: the numbers of the same data read from files. */
static void test_compare_memory_sides(void **st)
{
    iaf_compare_options o;
    options(&o);
    iaf_comparison *c = NULL;
    iaf_error err;
    iaf_buffer *want = iaf_buffer_new(), *got = iaf_buffer_new();
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_OK);
    assert_int_equal(iaf_comparison_write_json(c, want, &err), IAF_OK);
    iaf_comparison_free(c);
    iaf_source *src = NULL;
    const char *sp[1] = {syn_path};
    assert_int_equal(iaf_source_open(sp, 1, NULL, &src, &err), IAF_OK);
    o.synthetic.paths = NULL;
    o.synthetic.npaths = 0;
    o.synthetic.src = src;
    o.reference.paths = NULL;
    o.reference.npaths = 0;
    o.reference.form = IAF_DATA_AUTO;
    o.reference.counts_csv = ref_csv;
    o.reference.counts_csv_size = strlen(ref_csv);
    o.reference.counts_name = ref_path;
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_OK);
    assert_int_equal(iaf_comparison_write_json(c, got, &err), IAF_OK);
    assert_string_equal(iaf_buffer_data(got), iaf_buffer_data(want));
    assert_true(isinf(iaf_comparison_n(c, IAF_SIDE_REFERENCE))); /* a count table: fixed */
    iaf_comparison_free(c);
    /* the source is the caller's: it can be read again, with a recode */
    const char *from[] = {"c"}, *to[] = {"b"};
    iaf_compare_derive d = {"x", from, to, 1, NULL, 0};
    o.derive = &d;
    o.nderive = 1;
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_OK);
    assert_true(iaf_comparison_masses(c, IAF_SIDE_SYNTHETIC)[1] == 2);
    iaf_comparison_free(c);
    /* one input per side; a source is microdata, a count table in memory is not */
    o.reference.paths = ref_paths;
    o.reference.npaths = 1;
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "give one of"));
    o.reference.paths = NULL;
    o.reference.npaths = 0;
    o.reference.form = IAF_DATA_MICRODATA;
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_ERR_INVALID);
    o.reference.form = IAF_DATA_AUTO;
    o.synthetic.form = IAF_DATA_COUNTS;
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_ERR_INVALID);
    o.synthetic.form = IAF_DATA_MICRODATA;
    /* a malformed table in memory is located under its name */
    static const char bad[] = "x,count\na,50\nb,lots\n";
    o.reference.counts_csv = bad;
    o.reference.counts_csv_size = strlen(bad);
    o.reference.counts_name = "<table>";
    assert_int_equal(iaf_compare_run(&o, &c, &err), IAF_ERR_PARSE);
    assert_string_equal(err.file, "<table>");
    assert_int_equal(err.line, 3);
    assert_null(c);
    iaf_source_free(src);
    iaf_buffer_free(want);
    iaf_buffer_free(got);
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
        cmocka_unit_test(test_scan_sources),
        cmocka_unit_test(test_compare_memory_sides),
        cmocka_unit_test(test_sysio),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
