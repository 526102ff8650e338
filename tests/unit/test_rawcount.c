/* Unit tests of the counting engine (src/core/rawcount.c) on generated CSV held in memory.
 *
 * The engine counts small cubes in a dense array that is flushed into hash cells when a column's
 * dictionary outgrows it, and gives up the dense array for cubes whose value product becomes too
 * large. The data here makes every one of those transitions happen mid-scan (a column whose set of
 * values keeps growing, tiny batches, two workers), and the expected counts come from the
 * generator's own formula, counted in plain arrays: no code of the engine is involved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rawcount.h"
#include "util/util.h"

#define NROWS 60000
#define NG 5000 /* distinct values of g at most */
#define NH 3    /* h: "x0".."x2" or an empty field */
#define NK 40   /* k: "k0".."k39" */

/* Row i: g grows (only values below 1 + i / 8 can occur yet), h cycles with a null-like empty
 * field every 11th row, k is pseudo-random. */
static int gen_g(int i)
{
    int lim = 1 + i / 8;
    if (lim > NG) lim = NG;
    return (int)(((unsigned)i * 7919u) % (unsigned)lim);
}
static int gen_h(int i)
{
    return i % 11 == 0 ? NH : (i / 3) % NH; /* NH = the empty field */
}
static int gen_k(int i)
{
    return (int)(((unsigned)i * 2654435761u >> 7) % NK);
}

static char *make_csv(size_t *len)
{
    iaf_buf b = {0};
    iaf_buf_puts(&b, "g,h,k\n");
    for (int i = 0; i < NROWS; i++) {
        int h = gen_h(i);
        if (h == NH)
            iaf_buf_printf(&b, "v%d,,k%d\n", gen_g(i), gen_k(i));
        else
            iaf_buf_printf(&b, "v%d,x%d,k%d\n", gen_g(i), h, gen_k(i));
    }
    *len = b.len;
    return b.data;
}

/* value text -> generator index: "v12" -> 12, "x1" -> 1, "" -> NH, "k3" -> 3 */
static int parse_val(iaf_sv v, int empty_index)
{
    if (!v.ptr || v.len == 0) return empty_index;
    char tmp[32];
    assert_true(v.len < sizeof tmp);
    memcpy(tmp, v.ptr, v.len);
    tmp[v.len] = '\0';
    return atoi(tmp + 1);
}

typedef struct expect {
    int64_t *n; /* dense expected counts */
    size_t dims[3];
    int ncols;
    int cols[3]; /* 0 = g, 1 = h, 2 = k */
} expect;

static int gen_col(int col, int i)
{
    return col == 0 ? gen_g(i) : col == 1 ? gen_h(i) : gen_k(i);
}

static size_t col_card(int col)
{
    return col == 0 ? NG : col == 1 ? NH + 1 : NK;
}

static void expect_build(expect *e, int ncols, const int *cols)
{
    size_t cells = 1;
    e->ncols = ncols;
    for (int j = 0; j < ncols; j++) {
        e->cols[j] = cols[j];
        e->dims[j] = col_card(cols[j]);
        cells *= e->dims[j];
    }
    e->n = calloc(cells, sizeof *e->n);
    assert_non_null(e->n);
    for (int i = 0; i < NROWS; i++) {
        size_t x = 0;
        for (int j = 0; j < ncols; j++)
            x = x * e->dims[j] + (size_t)gen_col(cols[j], i);
        e->n[x]++;
    }
}

static void check_cube(const iaf_rawcount *rc, size_t cube, expect *e)
{
    const iaf_rawcube *cb = &rc->cubes[cube];
    assert_int_equal(cb->ncols, (size_t)e->ncols);
    size_t cells = 1, nonzero = 0;
    for (int j = 0; j < e->ncols; j++)
        cells *= e->dims[j];
    for (size_t x = 0; x < cells; x++)
        nonzero += e->n[x] != 0;
    assert_int_equal(cb->ncells, nonzero);
    int64_t total = 0;
    for (size_t c = 0; c < cb->ncells; c++) {
        size_t x = 0;
        for (int j = 0; j < e->ncols; j++) {
            size_t col = cb->cols[j];
            uint32_t id = cb->keys[c * cb->ncols + (size_t)j];
            assert_true(id < rc->nvalues[col]);
            int v = parse_val(rc->values[col][id], NH);
            assert_true(v >= 0 && (size_t)v < e->dims[j]);
            x = x * e->dims[j] + (size_t)v;
        }
        if (cb->count[c] != e->n[x])
            fail_msg("cube %zu cell %zu: count %lld, expected %lld", cube, c,
                     (long long)cb->count[c], (long long)e->n[x]);
        assert_true(cb->wsum[c] == (double)e->n[x]);
        assert_true(cb->wsum2[c] == (double)e->n[x]);
        e->n[x] = -1; /* each expected cell matched once */
        total += cb->count[c];
    }
    assert_int_equal(total, NROWS);
    /* cells sorted by key: output order must not depend on threads */
    for (size_t c = 1; c < cb->ncells; c++)
        assert_true(memcmp(cb->keys + (c - 1) * cb->ncols, cb->keys + c * cb->ncols,
                           cb->ncols * sizeof *cb->keys) != 0);
    free(e->n);
}

static void run_cubes(int threads, size_t batch_rows)
{
    size_t len;
    char *csv = make_csv(&len);
    iaf_source_options opt;
    memset(&opt, 0, sizeof opt);
    opt.format = IAF_FORMAT_CSV;
    opt.threads = threads;
    opt.batch_rows = batch_rows;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_source *src = NULL;
    assert_int_equal(iaf_source_open_memory(csv, len, "gen.csv", &opt, &src, &err), IAF_OK);

    static const char *const cols[] = {"g", "h", "k"};
    /* {g,h}: dense, regrown as g's dictionary grows; {g,k}: dense first, then too many cells
     * (g x k > the dense limit) and hashed; {h,k,g}: three columns; {h}: one column */
    static const size_t c_gh[] = {0, 1}, c_gk[] = {0, 2}, c_hkg[] = {1, 2, 0}, c_h[] = {1};
    const size_t *const cube_cols[] = {c_gh, c_gk, c_hkg, c_h};
    const size_t cube_ncols[] = {2, 2, 3, 1};
    iaf_rawcount_request req = {cols, 3, cube_cols, cube_ncols, 4, NULL, NULL, NULL, NULL};
    iaf_rawcount *rc = NULL;
    iaf_status st = iaf_rawcount_run(src, &req, NULL, &rc, &err);
    if (st != IAF_OK) fail_msg("rawcount: %s", err.message);
    assert_int_equal(rc->nrows, NROWS);
    assert_true(rc->wtotal == NROWS && rc->wtotal2 == NROWS);

    static const int e_gh[] = {0, 1}, e_gk[] = {0, 2}, e_hkg[] = {1, 2, 0}, e_h[] = {1};
    expect e;
    expect_build(&e, 2, e_gh);
    check_cube(rc, 0, &e);
    expect_build(&e, 2, e_gk);
    check_cube(rc, 1, &e);
    expect_build(&e, 3, e_hkg);
    check_cube(rc, 2, &e);
    expect_build(&e, 1, e_h);
    check_cube(rc, 3, &e);

    iaf_rawcount_free(rc);
    iaf_source_free(src);
    free(csv);
}

static void test_one_worker_small_batches(void **state)
{
    (void)state;
    run_cubes(1, 97);
}

static void test_two_workers(void **state)
{
    (void)state;
    run_cubes(2, 500);
}

static void test_default_batches(void **state)
{
    (void)state;
    run_cubes(0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_worker_small_batches),
        cmocka_unit_test(test_two_workers),
        cmocka_unit_test(test_default_batches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
