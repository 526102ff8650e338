/* tests/unit/test_parquet_writer.c - the Parquet writer of the weights files
 * (src/io/parquet/writer.c) with a small layout: 5000 rows as 4 row groups of many data pages
 * each, read back exactly by iaf's own reader (every value, in order, and 4 row groups).
 * With IAF_PQW_OUT set to a directory, the file is also written there as writer.parquet
 * for tests/cli/parquet_writer.sh, which reads it with DuckDB and checks its statistics.
 * The values: row i has id "r<i>" followed by i % 7 copies of "é" (row 0: the empty
 * string), n = i * 7919 - 20000000 and x = i / 3.0 (x = -0.0 at row 0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/parquet/writer.h"
#include "iaf/source.h"
#include "io/reader.h"

#define NROWS 5000

static char *ids[NROWS];
static iaf_sv sv[NROWS];
static int64_t nv[NROWS];
static double xv[NROWS];

static void make_values(void)
{
    for (size_t i = 0; i < NROWS; i++) {
        char b[64];
        int n = i ? snprintf(b, sizeof b, "r%zu", i) : 0;
        for (size_t k = 0; i && k < i % 7; k++)
            n += snprintf(b + n, sizeof b - (size_t)n, "\xc3\xa9");
        b[n] = '\0';
        ids[i] = strdup(b);
        sv[i] = (iaf_sv){ids[i], (size_t)n};
        nv[i] = (int64_t)i * 7919 - 20000000;
        xv[i] = i ? (double)i / 3.0 : -0.0;
    }
}

typedef struct {
    size_t rows;
    int bad;
} readback;

static iaf_status begin(void *ctx, int worker, void **state, iaf_error *err)
{
    (void)ctx, (void)worker, (void)err;
    *state = NULL;
    return IAF_OK;
}

static iaf_status batch(void *ctx, void *state, const iaf_batch *b, iaf_error *err)
{
    (void)state, (void)err;
    readback *r = ctx;
    for (size_t j = 0; j < b->nrows; j++) {
        const size_t i = (size_t)b->first_row + j;
        char num[64];
        iaf_sv s = iaf_column_text(&b->cols[0], j, num);
        const size_t len = s.ptr ? s.len : 0;
        if (i >= NROWS || len != sv[i].len || (len && memcmp(s.ptr, sv[i].ptr, len)) ||
            b->cols[1].kind != IAF_COL_I64 || b->cols[1].i64[j] != nv[i] ||
            b->cols[2].kind != IAF_COL_F64 ||
            memcmp(&b->cols[2].f64[j], &xv[i], sizeof(double)) != 0)
            r->bad++;
    }
    r->rows += b->nrows;
    return IAF_OK;
}

static void test_pages_and_groups_read_back(void **state)
{
    (void)state;
    make_values();
    iaf_pqw_column cols[3] = {{"id", IAF_PQW_STRING, sv, NULL, NULL},
                              {"n", IAF_PQW_INT64, NULL, nv, NULL},
                              {"x", IAF_PQW_DOUBLE, NULL, NULL, xv}};
    iaf_pqw_layout lay = {1000, 1300}; /* about 125 values per page, 4 row groups */
    iaf_buf out = {0};
    iaf_error err;
    assert_int_equal(iaf_parquet_write_table_layout(&out, cols, 3, NROWS, &lay, &err), IAF_OK);
    const char *dir = getenv("IAF_PQW_OUT");
    char path[4096], tdir[] = "/tmp/iaf_pqw_XXXXXX";
    if (!dir) assert_non_null(dir = mkdtemp(tdir));
    snprintf(path, sizeof path, "%s/writer.parquet", dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(out.data, 1, out.len, fp), out.len);
    assert_int_equal(fclose(fp), 0);

    iaf_source *src = NULL;
    iaf_source_options so;
    memset(&so, 0, sizeof so);
    so.threads = 1;
    const char *paths[1] = {path};
    assert_int_equal(iaf_source_open(paths, 1, &so, &src, &err), IAF_OK);
    const char *proj[3] = {"id", "n", "x"};
    assert_int_equal(iaf_source_project(src, proj, 3, &err), IAF_OK);
    readback r = {0, 0};
    iaf_scan_consumer c = {&r, begin, batch, NULL};
    int nw = 0;
    assert_int_equal(iaf_source_scan(src, &c, &nw, &err), IAF_OK);
    assert_int_equal(r.rows, NROWS);
    assert_int_equal(r.bad, 0);
    iaf_source_free(src);
    if (!getenv("IAF_PQW_OUT")) {
        remove(path);
        rmdir(dir);
    }

    /* the default layout writes the same values in one group of one page per column */
    iaf_buf one = {0};
    assert_int_equal(iaf_parquet_write_table(&one, cols, 3, NROWS, &err), IAF_OK);
    assert_true(one.len < out.len);
    iaf_buf_free(&one);
    /* a value larger than the page size gets a page of its own; a bad layout is refused */
    iaf_pqw_layout tiny = {1, 1};
    iaf_buf t = {0};
    assert_int_equal(iaf_parquet_write_table_layout(&t, cols, 3, 10, &tiny, &err), IAF_OK);
    iaf_buf_free(&t);
    iaf_pqw_layout zero = {0, 1};
    assert_int_equal(iaf_parquet_write_table_layout(&t, cols, 3, 10, &zero, &err), IAF_ERR_INVALID);
    iaf_buf_free(&out);
    for (size_t i = 0; i < NROWS; i++)
        free(ids[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_pages_and_groups_read_back)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
