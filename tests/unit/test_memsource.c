/* Unit tests of counting columns the caller holds (iaf_source_open_callbacks,
 * iaf_counter_open_source) and of cancelling a count, through <iaf/iaf.h>
 * only.
 *
 * The columns are test_api.c's people table (sex as text, band as a
 * dictionary, w as doubles with a null), cut into two parts; the expected
 * tables are the ones test_api.c counts by hand from the CSV text, so the
 * two paths into the counter must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <iaf/iaf.h>

#define NROWS 6

/* sex: F, M, " F", NA, "" (empty), M */
static const iaf_sv sex[NROWS] = {{"F", 1}, {"M", 1}, {" F", 2}, {"NA", 2}, {"", 0}, {"M", 1}};
/* band by dictionary: young, young, old, old, young, "a,b" */
static const iaf_sv band_dict[] = {{"old", 3}, {"young", 5}, {"a,b", 3}};
static const uint32_t band_idx[NROWS] = {1, 1, 0, 0, 1, 2};
static const double w[NROWS] = {1.5, 2, 0.25, 1, 1, 3};
/* an integer column with a null (row 2) */
static const int64_t code[NROWS] = {7, 7, -1, 12, 7, 12};
static const uint8_t code_valid[NROWS] = {1, 1, 0, 1, 1, 1};

static const char *const colnames[] = {"sex", "band", "w", "code"};

typedef struct feed {
    size_t parts;     /* rows are cut into this many parts */
    int fail_part;    /* -1, or a part whose read fails */
    int cancel_after; /* cancel(): non-zero once this many batches were asked about; -1 never */
    atomic_int asked; /* cancel() is asked from every worker */
} feed;

static iaf_status read_part(void *ctx, size_t part, const size_t *proj, size_t nproj,
                            iaf_emit_batch_fn emit, void *emit_ctx, iaf_error *err)
{
    feed *f = ctx;
    if ((int)part == f->fail_part)
        return iaf_error_set(err, IAF_ERR_PARSE, "frame", 0, 0, "part %zu is bad", part);
    size_t per = (NROWS + f->parts - 1) / f->parts;
    size_t lo = part * per, hi = lo + per > NROWS ? NROWS : lo + per;
    iaf_column cols[4];
    memset(cols, 0, sizeof cols);
    for (size_t j = 0; j < nproj; j++) {
        iaf_column *c = &cols[j];
        switch (proj[j]) {
        case 0:
            c->kind = IAF_COL_STR;
            c->str = sex + lo;
            break;
        case 1:
            c->kind = IAF_COL_DICT;
            c->dict = band_dict;
            c->ndict = 3;
            c->dict_id = 1;
            c->idx = band_idx + lo;
            break;
        case 2:
            c->kind = IAF_COL_F64;
            c->f64 = w + lo;
            break;
        default:
            c->kind = IAF_COL_I64;
            c->i64 = code + lo;
            c->valid = code_valid + lo;
            break;
        }
    }
    /* one row per batch: several batches per part */
    for (size_t r = lo; r < hi; r++) {
        iaf_column one[4];
        for (size_t j = 0; j < nproj; j++) {
            one[j] = cols[j];
            size_t k = r - lo;
            if (one[j].str) one[j].str += k;
            if (one[j].idx) one[j].idx += k;
            if (one[j].f64) one[j].f64 += k;
            if (one[j].i64) one[j].i64 += k;
            if (one[j].valid) one[j].valid += k;
        }
        iaf_batch b = {1, nproj, one, NULL, 0, (long long)r};
        iaf_status st = emit(emit_ctx, &b, err);
        if (st != IAF_OK) return st;
    }
    return IAF_OK;
}

static int cancel(void *ctx)
{
    feed *f = ctx;
    int n = atomic_fetch_add(&f->asked, 1);
    return f->cancel_after >= 0 && n >= f->cancel_after;
}

static const char *csv_of(const iaf_table *t, int weighted, iaf_buffer *b)
{
    iaf_buffer_clear(b);
    iaf_error err;
    assert_int_equal(iaf_table_write_counts_csv(t, weighted, b, &err), IAF_OK);
    return iaf_buffer_data(b);
}

/* Count one table over the fed columns; NULL when the count fails (err says why). */
static iaf_counter *count(feed *f, int threads, const char *const *by, size_t nby,
                          iaf_count_options *opt, iaf_status *st, iaf_error *err)
{
    iaf_source_callbacks cb = {f, f->parts, read_part, NULL};
    iaf_source_options so;
    memset(&so, 0, sizeof so);
    so.threads = threads;
    iaf_source *src = NULL;
    *st = iaf_source_open_callbacks("frame", colnames, 4, &cb, &so, &src, err);
    if (*st != IAF_OK) return NULL;
    assert_int_equal(iaf_source_format(src), IAF_FORMAT_MEMORY);
    assert_int_equal(iaf_source_ncols(src), 4);
    assert_string_equal(iaf_source_colname(src, 3), "code");
    iaf_counter *c = NULL;
    if ((*st = iaf_counter_open_source(src, opt, &c, err)) != IAF_OK) return NULL;
    if ((*st = iaf_counter_add(c, by, nby, NULL, err)) != IAF_OK ||
        (*st = iaf_counter_run(c, err)) != IAF_OK) {
        iaf_counter_free(c);
        return NULL;
    }
    return c;
}

static void test_same_tables_as_the_file(void **state)
{
    iaf_buffer *b = iaf_buffer_new();
    for (int threads = 1; threads <= 3; threads++) {
        feed f = {2, -1, -1, 0};
        iaf_error err;
        iaf_status st;
        const char *by[] = {"sex"};
        iaf_counter *c = count(&f, threads, by, 1, NULL, &st, &err);
        if (!c) fail_msg("%s", err.message);
        assert_string_equal(csv_of(iaf_counter_table(c, 0), 0, b),
                            "sex,count\n,1\n\" F\",1\nF,1\nM,2\nNA,1\n");
        assert_int_equal(iaf_counter_nfiles(c), 1);
        assert_string_equal(iaf_counter_file(c, 0), "frame");
        iaf_counter_free(c);

        /* NA missing, trimmed; then weighted and filtered on the dictionary column */
        const char *na[] = {"NA"};
        iaf_count_options opt;
        memset(&opt, 0, sizeof opt);
        opt.missing = na;
        opt.nmissing = 1;
        opt.normalize = "trim";
        c = count(&f, threads, by, 1, &opt, &st, &err);
        if (!c) fail_msg("%s", err.message);
        assert_string_equal(csv_of(iaf_counter_table(c, 0), 0, b), "sex,count\n,2\nF,2\nM,2\n");
        iaf_counter_free(c);
        opt.weight = "w";
        opt.where = "band == \"young\"";
        c = count(&f, threads, by, 1, &opt, &st, &err);
        if (!c) fail_msg("%s", err.message);
        assert_string_equal(csv_of(iaf_counter_table(c, 0), 1, b), "sex,count\n,1\nF,1.5\nM,2\n");
        iaf_counter_free(c);

        /* integers become their decimal text, a null is the missing category */
        const char *by2[] = {"code", "band"};
        c = count(&f, threads, by2, 2, NULL, &st, &err);
        if (!c) fail_msg("%s", err.message);
        assert_string_equal(csv_of(iaf_counter_table(c, 0), 0, b),
                            "code,band,count\n,old,1\n12,\"a,b\",1\n12,old,1\n7,young,3\n");
        iaf_counter_free(c);
    }
    iaf_buffer_free(b);
}

static void test_errors(void **state)
{
    feed f = {3, 1, -1, 0};
    iaf_error err;
    iaf_status st;
    const char *by[] = {"sex"};
    /* a failing part: its error, whatever the thread count */
    for (int threads = 1; threads <= 3; threads++) {
        assert_null(count(&f, threads, by, 1, NULL, &st, &err));
        assert_int_equal(st, IAF_ERR_PARSE);
        assert_string_equal(err.message, "part 1 is bad");
    }
    /* an unknown column names the columns there are */
    f.fail_part = -1;
    const char *nope[] = {"age"};
    assert_null(count(&f, 1, nope, 1, NULL, &st, &err));
    assert_int_equal(st, IAF_ERR_INVALID);
    assert_string_equal(err.file, "frame");
    assert_non_null(strstr(err.message, "no column 'age'"));
    assert_non_null(strstr(err.message, "'code'"));
    /* a weight that is missing in a row is located by its row */
    iaf_count_options opt;
    memset(&opt, 0, sizeof opt);
    opt.weight = "code";
    assert_null(count(&f, 1, by, 1, &opt, &st, &err));
    assert_int_equal(st, IAF_ERR_PARSE);
    assert_non_null(strstr(err.message, "data row 3"));
    /* bad arguments */
    iaf_source *src = NULL;
    iaf_source_callbacks cb = {&f, 1, read_part, NULL};
    const char *twice[] = {"a", "a"};
    assert_int_equal(iaf_source_open_callbacks(NULL, twice, 2, &cb, NULL, &src, &err),
                     IAF_ERR_INVALID);
    assert_null(src);
    cb.read_part = NULL;
    assert_int_equal(iaf_source_open_callbacks(NULL, colnames, 4, &cb, NULL, &src, &err),
                     IAF_ERR_INVALID);
    assert_string_equal(err.file, "<memory>");
}

static void test_cancel(void **state)
{
    const char *by[] = {"sex"};
    iaf_error err;
    iaf_status st;
    iaf_count_options opt;
    memset(&opt, 0, sizeof opt);
    opt.cancel = cancel;
    for (int threads = 1; threads <= 2; threads++) {
        /* cancelled at the third batch: the scan stops, no tables, no error */
        feed f = {2, -1, 2, 0};
        opt.progress_ctx = &f;
        iaf_counter *c = count(&f, threads, by, 1, &opt, &st, &err);
        assert_null(c);
        assert_int_equal(st, IAF_STOP);
        assert_int_equal(err.status, IAF_OK);
        /* never cancelled: the whole table */
        feed g = {2, -1, -1, 0};
        opt.progress_ctx = &g;
        c = count(&g, threads, by, 1, &opt, &st, &err);
        assert_non_null(c);
        assert_int_equal(iaf_table_total_n(iaf_counter_table(c, 0)), NROWS);
        assert_int_equal(atomic_load(&g.asked), NROWS);
        iaf_counter_free(c);
    }
    /* the one-call form over files stops the same way */
    char path[64];
    snprintf(path, sizeof path, "/tmp/iaf-test-memsource-%d.csv", (int)getpid());
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("sex\nF\nM\n", fp);
    fclose(fp);
    feed f = {1, -1, 0, 0};
    opt.progress_ctx = &f;
    const char *paths[] = {path};
    iaf_table *t = NULL;
    assert_int_equal(iaf_count(paths, 1, by, 1, &opt, &t, &err), IAF_STOP);
    assert_null(t);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_tables_as_the_file),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
