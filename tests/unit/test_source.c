/* Unit tests of the dataset front door through the public API only
 * (<iaf/iaf.h>): opening, columns, the streaming scan and how a consumer ends
 * it - with IAF_STOP (no error) or with a failure it did not describe (a
 * located error naming the callback, never "ok"). The version functions agree
 * with the version macros.
 *
 * Expected values are counted by hand from the literal inputs below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include <iaf/iaf.h>

static const char csv10[] = "a,b\n1,x\n2,y\n3,x\n4,y\n5,x\n6,y\n7,x\n8,y\n9,x\n10,y\n";

typedef struct probe {
    pthread_mutex_t lock;
    size_t batches, rows;
    iaf_status on_batch_returns; /* from the first batch on */
    int fail_begin;
} probe;

static iaf_status begin(void *ctx, int worker, void **state, iaf_error *err)
{
    probe *p = ctx;
    *state = NULL;
    return p->fail_begin ? IAF_ERR_INVALID : IAF_OK;
}

static iaf_status on_batch(void *ctx, void *state, const iaf_batch *b, iaf_error *err)
{
    probe *p = ctx;
    pthread_mutex_lock(&p->lock);
    p->batches++;
    p->rows += b->nrows;
    pthread_mutex_unlock(&p->lock);
    return p->on_batch_returns; /* never fills err */
}

static iaf_source *open10(size_t batch_rows)
{
    iaf_source_options opt;
    memset(&opt, 0, sizeof opt);
    opt.batch_rows = batch_rows;
    opt.threads = 1;
    iaf_source *src = NULL;
    iaf_error err;
    assert_int_equal(iaf_source_open_memory(csv10, sizeof csv10 - 1, "ten.csv", &opt, &src, &err),
                     IAF_OK);
    return src;
}

static void test_columns(void **st)
{
    iaf_source *src = open10(0);
    assert_int_equal(iaf_source_format(src), IAF_FORMAT_CSV);
    assert_int_equal(iaf_source_ncols(src), 2);
    assert_string_equal(iaf_source_colname(src, 0), "a");
    assert_string_equal(iaf_source_colname(src, 1), "b");
    assert_int_equal(iaf_source_nfiles(src), 1);
    const char *bad[] = {"c"};
    iaf_error err;
    assert_int_not_equal(iaf_source_project(src, bad, 1, &err), IAF_OK);
    assert_non_null(strstr(err.message, "c"));
    iaf_source_free(src);
    iaf_source_free(NULL); /* a no-op */
}

static void test_scan_counts_rows(void **st)
{
    iaf_source *src = open10(3);
    const char *cols[] = {"b"};
    iaf_error err;
    assert_int_equal(iaf_source_project(src, cols, 1, &err), IAF_OK);
    probe p = {PTHREAD_MUTEX_INITIALIZER, 0, 0, IAF_OK, 0};
    iaf_scan_consumer c = {&p, begin, on_batch, NULL};
    int nw = 0;
    assert_int_equal(iaf_source_scan(src, &c, &nw, &err), IAF_OK);
    assert_int_equal(p.rows, 10);
    assert_int_equal(p.batches, 4); /* 3 + 3 + 3 + 1 */
    assert_int_equal(nw, 1);
    iaf_source_free(src);
}

static void test_stop_is_not_an_error(void **st)
{
    iaf_source *src = open10(3);
    const char *cols[] = {"a"};
    iaf_error err;
    assert_int_equal(iaf_source_project(src, cols, 1, &err), IAF_OK);
    probe p = {PTHREAD_MUTEX_INITIALIZER, 0, 0, IAF_STOP, 0};
    iaf_scan_consumer c = {&p, begin, on_batch, NULL};
    assert_int_equal(iaf_source_scan(src, &c, NULL, &err), IAF_STOP);
    assert_int_equal(p.batches, 1); /* nothing after the batch that said stop */
    assert_int_equal(err.status, IAF_OK);
    assert_string_equal(err.message, "");
    assert_string_equal(iaf_status_name(IAF_STOP), "stop");
    iaf_source_free(src);
}

static void test_silent_failure_is_located(void **st)
{
    iaf_source *src = open10(4);
    const char *cols[] = {"a", "b"};
    iaf_error err;
    assert_int_equal(iaf_source_project(src, cols, 2, &err), IAF_OK);
    probe p = {PTHREAD_MUTEX_INITIALIZER, 0, 0, IAF_ERR_INVALID, 0};
    iaf_scan_consumer c = {&p, begin, on_batch, NULL};
    assert_int_equal(iaf_source_scan(src, &c, NULL, &err), IAF_ERR_INVALID);
    assert_int_equal(err.status, IAF_ERR_INVALID);
    char buf[2048];
    iaf_error_format(&err, buf, sizeof buf);
    /* the file, the first line of the batch (the header is line 1), the callback */
    assert_string_equal(buf, "ten.csv:2: the scan's on_batch callback failed (invalid) without "
                             "saying why");

    p.fail_begin = 1;
    p.on_batch_returns = IAF_OK;
    assert_int_equal(iaf_source_scan(src, &c, NULL, &err), IAF_ERR_INVALID);
    iaf_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf,
                        "the scan's worker_begin callback failed (invalid) without saying why");
    iaf_source_free(src);
}

static void test_open_errors(void **st)
{
    const char *paths[] = {"/nonexistent/iaf-test-*.csv"};
    iaf_source *src = (iaf_source *)1;
    iaf_error err;
    assert_int_equal(iaf_source_open(paths, 1, NULL, &src, &err), IAF_ERR_IO);
    assert_string_equal(err.file, paths[0]);
    assert_string_equal(err.message, "pattern matches no file");
}

static void test_version(void **st)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", IAF_VERSION_MAJOR, IAF_VERSION_MINOR,
             IAF_VERSION_PATCH);
    assert_string_equal(iaf_version(), want);
    assert_string_equal(IAF_VERSION_STRING, want);
    assert_int_equal(iaf_version_number(), IAF_VERSION_NUMBER);
    assert_int_equal(IAF_VERSION_NUMBER,
                     IAF_VERSION_MAJOR * 10000 + IAF_VERSION_MINOR * 100 + IAF_VERSION_PATCH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_scan_counts_rows),
        cmocka_unit_test(test_stop_is_not_an_error),
        cmocka_unit_test(test_silent_failure_is_located),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
