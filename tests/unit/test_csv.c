/* Unit tests of the CSV tokenizer, the streaming CSV reader (iaf_csv_reader)
 * and the small-table API (src/io/csv.c, src/io/encoding.c).
 *
 * Oracles: tests/data/csv/stress_oracle_*.csv, written by
 * tests/oracles/csv_counts.py from pandas and Python's csv module (values as
 * hex bytes, so the comparison does not trust the reader under test);
 * iconv(1) for the CP949 copy; hand-computed positions for malformed input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "io/csv.h"
#include "io/encoding.h"
#include "io/file.h"
#include "io/reader.h"
#include "util/util.h"

/* ---- helpers ------------------------------------------------------------ */

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)sz + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)sz, f), (size_t)sz);
    fclose(f);
    b[sz] = 0;
    *n = (size_t)sz;
    return b;
}

static char *hex(const char *s, size_t n)
{
    if (!s) return strdup("null");
    char *h = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        sprintf(h + 2 * i, "%02x", (unsigned char)s[i]);
    h[2 * n] = 0;
    return h;
}

typedef struct cell {
    char *hex;
} cell;

/* What a scan delivered: rows of ncols hex-encoded cells, the line of each
 * row that started a batch (-1 elsewhere), and checks on batch numbering. */
typedef struct collect {
    size_t ncols;
    cell *cells;
    long long *line;
    size_t nrows, cap;
    long long first_row0; /* first_row of the first batch, -1 before any */
    size_t nbatches;
    const char *lo, *hi; /* the input text: to count zero-copy views */
    size_t zero_copy, copied;
} collect;

static iaf_status collect_emit(void *user, const iaf_batch *b, iaf_error *err)
{
    (void)err;
    collect *c = user;
    assert_int_equal(b->ncols, c->ncols);
    assert_true(b->nrows > 0);
    if (c->first_row0 < 0) c->first_row0 = b->first_row;
    /* batches of one part are contiguous */
    assert_int_equal(b->first_row, c->first_row0 + (long long)c->nrows);
    for (size_t r = 0; r < b->nrows; r++) {
        if (c->nrows == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 64;
            c->cells = realloc(c->cells, c->cap * c->ncols * sizeof *c->cells);
            c->line = realloc(c->line, c->cap * sizeof *c->line);
        }
        for (size_t k = 0; k < c->ncols; k++) {
            assert_int_equal(b->cols[k].kind, IAF_COL_STR);
            iaf_sv v = b->cols[k].str[r];
            c->cells[c->nrows * c->ncols + k].hex = hex(v.ptr, v.len);
            if (v.ptr && v.ptr >= c->lo && v.ptr < c->hi)
                c->zero_copy++;
            else
                c->copied++;
        }
        c->line[c->nrows] = r == 0 ? b->first_line : -1;
        c->nrows++;
    }
    c->nbatches++;
    return IAF_OK;
}

static void collect_init(collect *c, size_t ncols, const void *lo, size_t n)
{
    memset(c, 0, sizeof *c);
    c->ncols = ncols;
    c->first_row0 = -1;
    c->lo = lo;
    c->hi = lo ? (const char *)lo + n : NULL;
}

static void collect_free(collect *c)
{
    for (size_t i = 0; i < c->nrows * c->ncols; i++)
        free(c->cells[i].hex);
    free(c->cells);
    free(c->line);
    memset(c, 0, sizeof *c);
}

/* Append src's rows to dst (part concatenation). */
static void collect_append(collect *dst, collect *src)
{
    for (size_t r = 0; r < src->nrows; r++) {
        if (dst->nrows == dst->cap) {
            dst->cap = dst->cap ? 2 * dst->cap : 64;
            dst->cells = realloc(dst->cells, dst->cap * dst->ncols * sizeof *dst->cells);
            dst->line = realloc(dst->line, dst->cap * sizeof *dst->line);
        }
        for (size_t k = 0; k < dst->ncols; k++)
            dst->cells[dst->nrows * dst->ncols + k] = src->cells[r * src->ncols + k];
        dst->line[dst->nrows] = src->line[r];
        dst->nrows++;
    }
    dst->nbatches += src->nbatches;
    free(src->cells);
    free(src->line);
    memset(src, 0, sizeof *src);
}

typedef struct opened {
    iaf_file *f;
    void *rd;
    const iaf_reader_vtable *vt;
} opened;

static iaf_status open_mem(const iaf_reader_vtable *vt, const void *data, size_t n,
                           const char *name, const iaf_source_options *opt, opened *o,
                           iaf_error *err)
{
    o->vt = vt;
    o->rd = NULL;
    assert_int_equal(iaf_file_open_memory(data, n, name, &o->f, err), IAF_OK);
    iaf_status st = vt->open(o->f, opt, &o->rd, err);
    if (st != IAF_OK) {
        iaf_file_close(o->f);
        o->f = NULL;
    }
    return st;
}

static void close_opened(opened *o)
{
    if (o->rd) o->vt->close(o->rd);
    iaf_file_close(o->f);
}

static void project_all(opened *o, size_t *ncols)
{
    size_t n = o->vt->ncols(o->rd);
    const char **names = calloc(n + 1, sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = o->vt->colname(o->rd, i);
    iaf_error err;
    assert_int_equal(o->vt->project(o->rd, names, n, &err), IAF_OK);
    free(names);
    *ncols = n;
}

/* Read all parts in the given order (0 = forward, 1 = backward) and
 * concatenate them in file order. */
static iaf_status read_all(opened *o, size_t ncols, int backward, const void *lo, size_t n,
                           collect *out, iaf_error *err)
{
    size_t np = o->vt->nparts(o->rd);
    collect *parts = calloc(np, sizeof *parts);
    iaf_status st = IAF_OK;
    for (size_t i = 0; i < np && st == IAF_OK; i++) {
        size_t k = backward ? np - 1 - i : i;
        collect_init(&parts[k], ncols, lo, n);
        st = o->vt->read_part(o->rd, k, collect_emit, &parts[k], err);
    }
    collect_init(out, ncols, lo, n);
    long long rows = 0;
    for (size_t k = 0; k < np; k++) {
        if (st == IAF_OK && parts[k].nrows) assert_int_equal(parts[k].first_row0, rows);
        rows += (long long)parts[k].nrows;
        out->zero_copy += parts[k].zero_copy;
        out->copied += parts[k].copied;
        collect_append(out, &parts[k]);
    }
    free(parts);
    return st;
}

/* The oracle: row,line,column,value_hex (values hex, so naive splitting is
 * exact here). */
typedef struct oracle_cells {
    size_t nrows, ncols;
    char **names; /* ncols */
    char **hex;   /* nrows * ncols */
    long long *line;
} oracle_cells;

static void load_oracle_cells(const char *path, oracle_cells *oc)
{
    size_t n;
    char *text = (char *)slurp(path, &n);
    memset(oc, 0, sizeof *oc);
    size_t cap = 0, ncells = 0;
    char **hx = NULL;
    long long *lines = NULL;
    char *save = NULL;
    char *ln = strtok_r(text, "\n", &save); /* header */
    while ((ln = strtok_r(NULL, "\n", &save))) {
        long long row, line;
        char col[128];
        int used = 0;
        assert_int_equal(sscanf(ln, "%lld,%lld,%127[^,],%n", &row, &line, col, &used), 3);
        const char *h = ln + used; /* may be empty: the empty string */
        if (row == 0) {
            oc->names = realloc(oc->names, (oc->ncols + 1) * sizeof *oc->names);
            oc->names[oc->ncols++] = strdup(col);
        }
        if (ncells == cap) {
            cap = cap ? 2 * cap : 256;
            hx = realloc(hx, cap * sizeof *hx);
            lines = realloc(lines, cap * sizeof *lines);
        }
        hx[ncells] = strdup(h);
        lines[ncells] = line;
        ncells++;
    }
    oc->nrows = ncells / oc->ncols;
    assert_int_equal(oc->nrows * oc->ncols, ncells);
    oc->hex = hx;
    oc->line = malloc(oc->nrows * sizeof *oc->line);
    for (size_t r = 0; r < oc->nrows; r++)
        oc->line[r] = lines[r * oc->ncols];
    free(lines);
    free(text);
}

static void free_oracle_cells(oracle_cells *oc)
{
    for (size_t i = 0; i < oc->ncols; i++)
        free(oc->names[i]);
    for (size_t i = 0; i < oc->nrows * oc->ncols; i++)
        free(oc->hex[i]);
    free(oc->names);
    free(oc->hex);
    free(oc->line);
}

static void compare_with_oracle(const collect *c, const oracle_cells *oc, int check_lines)
{
    assert_int_equal(c->nrows, oc->nrows);
    assert_int_equal(c->ncols, oc->ncols);
    for (size_t r = 0; r < oc->nrows; r++) {
        for (size_t k = 0; k < oc->ncols; k++) {
            const char *got = c->cells[r * c->ncols + k].hex;
            const char *want = oc->hex[r * oc->ncols + k];
            if (strcmp(got, want) != 0)
                fail_msg("row %zu column %s: got %s want %s", r, oc->names[k], got, want);
        }
        if (check_lines && c->line[r] >= 0 && c->line[r] != oc->line[r])
            fail_msg("row %zu: line %lld, want %lld", r, c->line[r], oc->line[r]);
    }
}

#define STRESS_CSV IAF_TESTDATA "/csv/stress.csv"

/* ---- the stress file against the pandas oracle --------------------------- */

static void test_stress_cells(void **state)
{
    (void)state;
    oracle_cells oc;
    load_oracle_cells(IAF_TESTDATA "/csv/stress_oracle_cells.csv", &oc);
    size_t n;
    unsigned char *data = slurp(STRESS_CSV, &n);
    /* window sizes: rows cut at every place, refills, growth past the window */
    const char *windows[] = {NULL, "1", "13", "200", "4096"};
    size_t batch_sizes[] = {1, 3, 4096, 2, 64};
    for (size_t bi = 0; bi < 5; bi++) {
        if (windows[bi])
            setenv("IAF_TEXT_WINDOW_BYTES", windows[bi], 1);
        else
            unsetenv("IAF_TEXT_WINDOW_BYTES");
        iaf_source_options opt = {0};
        opt.batch_rows = batch_sizes[bi];
        opened o;
        iaf_error err;
        assert_int_equal(open_mem(&iaf_csv_reader, data, n, "stress.csv", &opt, &o, &err), IAF_OK);
        assert_int_equal(o.vt->nparts(o.rd), 1);
        assert_int_equal(o.vt->part_bytes(o.rd, 0), n);
        size_t ncols;
        project_all(&o, &ncols);
        assert_int_equal(ncols, oc.ncols);
        for (size_t k = 0; k < ncols; k++)
            assert_string_equal(o.vt->colname(o.rd, k), oc.names[k]);
        collect c;
        assert_int_equal(read_all(&o, ncols, 0, data, n, &c, &err), IAF_OK);
        compare_with_oracle(&c, &oc, 1);
        if (batch_sizes[bi] == 1) assert_int_equal(c.nbatches, oc.nrows);
        collect_free(&c);
        close_opened(&o);
    }
    unsetenv("IAF_TEXT_WINDOW_BYTES");
    free(data);
    free_oracle_cells(&oc);
}

/* Value counts of a projection in another order (with a column twice),
 * checked against pandas' value_counts and groupby sizes. */
typedef struct counter {
    iaf_strmap keys[8];
    long long *counts[8];
    size_t cap[8];
    iaf_strmap pairs;
    long long *pair_counts;
    size_t pair_cap;
    size_t ncols;
    int pair_a, pair_b;
} counter;

static void bump(iaf_strmap *m, long long **counts, size_t *cap, const char *s, size_t n)
{
    int64_t id = iaf_strmap_intern(m, s, n);
    assert_true(id >= 0);
    if ((size_t)id >= *cap) {
        size_t nc = (*cap ? *cap * 2 : 64);
        while (nc <= (size_t)id)
            nc *= 2;
        *counts = realloc(*counts, nc * sizeof **counts);
        memset(*counts + *cap, 0, (nc - *cap) * sizeof **counts);
        *cap = nc;
    }
    (*counts)[id]++;
}

static iaf_status count_emit(void *user, const iaf_batch *b, iaf_error *err)
{
    (void)err;
    counter *c = user;
    for (size_t r = 0; r < b->nrows; r++) {
        for (size_t k = 0; k < b->ncols; k++) {
            iaf_sv v = b->cols[k].str[r];
            char *h = hex(v.ptr, v.len);
            bump(&c->keys[k], &c->counts[k], &c->cap[k], h, strlen(h));
            free(h);
        }
        char *ha = hex(b->cols[c->pair_a].str[r].ptr, b->cols[c->pair_a].str[r].len);
        char *hb = hex(b->cols[c->pair_b].str[r].ptr, b->cols[c->pair_b].str[r].len);
        char key[4096];
        snprintf(key, sizeof key, "%s|%s", ha, hb);
        bump(&c->pairs, &c->pair_counts, &c->pair_cap, key, strlen(key));
        free(ha);
        free(hb);
    }
    return IAF_OK;
}

static long long lookup(const iaf_strmap *m, const long long *counts, const char *key)
{
    int64_t id = iaf_strmap_find(m, key, strlen(key));
    return id < 0 ? 0 : counts[id];
}

/* Checks counter against the oracle count and pair files; returns the
 * number of oracle entries checked. */
static void check_counts(const counter *c, const char *const *names, size_t nnames,
                         const char *counts_path, const char *pairs_path, const char *pa,
                         const char *pb)
{
    iaf_csv_table *t;
    iaf_error err;
    assert_int_equal(iaf_csv_table_read(counts_path, NULL, &t, &err), IAF_OK);
    int ccol = iaf_csv_table_col(t, "column"), chex = iaf_csv_table_col(t, "value_hex"),
        ccount = iaf_csv_table_col(t, "count");
    assert_true(ccol >= 0 && chex >= 0 && ccount >= 0);
    size_t checked = 0;
    long long total[8] = {0};
    for (size_t r = 0; r < t->nrows; r++) {
        const char *col = iaf_csv_cell(t, r, (size_t)ccol).ptr;
        for (size_t k = 0; k < nnames; k++) {
            if (strcmp(col, names[k]) != 0) continue;
            long long want = atoll(iaf_csv_cell(t, r, (size_t)ccount).ptr);
            long long got = lookup(&c->keys[k], c->counts[k], iaf_csv_cell(t, r, (size_t)chex).ptr);
            if (got != want)
                fail_msg("%s = %s: count %lld, want %lld", col,
                         iaf_csv_cell(t, r, (size_t)chex).ptr, got, want);
            total[k] += want;
            checked++;
        }
    }
    /* every value we saw is in the oracle: totals agree */
    for (size_t k = 0; k < nnames; k++) {
        long long sum = 0;
        for (size_t i = 0; i < iaf_strmap_size(&c->keys[k]); i++)
            sum += c->counts[k][i];
        assert_int_equal(sum, total[k]);
        assert_true(total[k] > 0);
    }
    assert_true(checked > 10);
    iaf_csv_table_free(t);

    assert_int_equal(iaf_csv_table_read(pairs_path, NULL, &t, &err), IAF_OK);
    int c1 = iaf_csv_table_col(t, "col1"), c2 = iaf_csv_table_col(t, "col2");
    int h1 = iaf_csv_table_col(t, "value1_hex"), h2 = iaf_csv_table_col(t, "value2_hex");
    ccount = iaf_csv_table_col(t, "count");
    long long ptotal = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        if (strcmp(iaf_csv_cell(t, r, (size_t)c1).ptr, pa) != 0 ||
            strcmp(iaf_csv_cell(t, r, (size_t)c2).ptr, pb) != 0)
            continue;
        char key[4096];
        snprintf(key, sizeof key, "%s|%s", iaf_csv_cell(t, r, (size_t)h1).ptr,
                 iaf_csv_cell(t, r, (size_t)h2).ptr);
        long long want = atoll(iaf_csv_cell(t, r, (size_t)ccount).ptr);
        assert_int_equal(lookup(&c->pairs, c->pair_counts, key), want);
        ptotal += want;
    }
    long long sum = 0;
    for (size_t i = 0; i < iaf_strmap_size(&c->pairs); i++)
        sum += c->pair_counts[i];
    assert_int_equal(sum, ptotal);
    iaf_csv_table_free(t);
}

static void counter_free(counter *c)
{
    for (int k = 0; k < 8; k++) {
        iaf_strmap_free(&c->keys[k]);
        free(c->counts[k]);
    }
    iaf_strmap_free(&c->pairs);
    free(c->pair_counts);
}

static void test_stress_counts(void **state)
{
    (void)state;
    const char *names[] = {"province", "sex", "note", "age_group", "score", "sex", "id"};
    const char *pairs[][2] = {{"sex", "age_group"}, {"province", "sex"}, {"age_group", "note"}};
    for (size_t pi = 0; pi < 3; pi++) {
        iaf_file *f;
        iaf_error err;
        assert_int_equal(iaf_file_open(STRESS_CSV, &f, &err), IAF_OK);
        void *rd;
        assert_int_equal(iaf_csv_reader.open(f, NULL, &rd, &err), IAF_OK);
        assert_int_equal(iaf_csv_reader.project(rd, names, 7, &err), IAF_OK);
        counter c;
        memset(&c, 0, sizeof c);
        for (int k = 0; k < 7; k++) {
            if (strcmp(names[k], pairs[pi][0]) == 0) c.pair_a = k;
            if (strcmp(names[k], pairs[pi][1]) == 0) c.pair_b = k;
        }
        assert_int_equal(iaf_csv_reader.read_part(rd, 0, count_emit, &c, &err), IAF_OK);
        check_counts(&c, names, 7, IAF_TESTDATA "/csv/stress_oracle_counts.csv",
                     IAF_TESTDATA "/csv/stress_oracle_pairs.csv", pairs[pi][0], pairs[pi][1]);
        counter_free(&c);
        iaf_csv_reader.close(rd);
        iaf_file_close(f);
    }
}

/* ---- big files cut into parts ------------------------------------------- */

typedef struct par_ctx {
    opened *o;
    collect *parts;
    size_t np;
    size_t ncols;
    int next; /* atomic counter of parts handed out */
    pthread_mutex_t mu;
    iaf_status st;
    const void *lo;
    size_t n;
} par_ctx;

static void *par_worker(void *arg)
{
    par_ctx *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t k = (size_t)p->next++;
        pthread_mutex_unlock(&p->mu);
        if (k >= p->np) break;
        iaf_error err;
        collect_init(&p->parts[k], p->ncols, p->lo, p->n);
        iaf_status st = p->o->vt->read_part(p->o->rd, k, collect_emit, &p->parts[k], &err);
        if (st != IAF_OK) {
            pthread_mutex_lock(&p->mu);
            p->st = st;
            pthread_mutex_unlock(&p->mu);
        }
    }
    return NULL;
}

static void test_parts(void **state)
{
    (void)state;
    oracle_cells oc;
    load_oracle_cells(IAF_TESTDATA "/csv/stress_oracle_cells.csv", &oc);
    size_t n;
    unsigned char *data = slurp(STRESS_CSV, &n);
    const char *sizes[] = {"16", "61", "97", "250", "1000", "4096", "23000"};
    for (size_t si = 0; si < IAF_ARRAY_LEN(sizes); si++) {
        setenv("IAF_TEXT_PART_BYTES", sizes[si], 1);
        if (si % 2)
            setenv("IAF_TEXT_WINDOW_BYTES", si == 1 ? "5" : "100", 1);
        else
            unsetenv("IAF_TEXT_WINDOW_BYTES");
        for (int mode = 0; mode < 3; mode++) {
            iaf_source_options opt = {0};
            opt.batch_rows = mode == 2 ? 1 : 7;
            opened o;
            iaf_error err;
            assert_int_equal(open_mem(&iaf_csv_reader, data, n, "stress.csv", &opt, &o, &err),
                             IAF_OK);
            size_t np = o.vt->nparts(o.rd);
            size_t chunk = (size_t)atoll(sizes[si]);
            assert_true(np > 1);
            assert_true(np >= (n - 200) / chunk);
            uint64_t total = 0;
            for (size_t k = 0; k < np; k++)
                total += o.vt->part_bytes(o.rd, k);
            assert_true(total <= n && total + 200 > n);
            size_t ncols;
            project_all(&o, &ncols);
            collect c;
            if (mode < 2) {
                assert_int_equal(read_all(&o, ncols, mode, data, n, &c, &err), IAF_OK);
            } else {
                /* two threads take parts in order, as the source's pool does */
                par_ctx p = {&o, calloc(np, sizeof(collect)), np,     ncols,
                             0,  PTHREAD_MUTEX_INITIALIZER,   IAF_OK, data,
                             n};
                pthread_t th[2];
                for (int i = 0; i < 2; i++)
                    pthread_create(&th[i], NULL, par_worker, &p);
                for (int i = 0; i < 2; i++)
                    pthread_join(th[i], NULL);
                assert_int_equal(p.st, IAF_OK);
                collect_init(&c, ncols, data, n);
                long long rows = 0;
                for (size_t k = 0; k < np; k++) {
                    if (p.parts[k].nrows) assert_int_equal(p.parts[k].first_row0, rows);
                    rows += (long long)p.parts[k].nrows;
                    collect_append(&c, &p.parts[k]);
                }
                free(p.parts);
            }
            compare_with_oracle(&c, &oc, 1);
            collect_free(&c);
            close_opened(&o);
        }
    }
    unsetenv("IAF_TEXT_PART_BYTES");
    unsetenv("IAF_TEXT_WINDOW_BYTES");
    free(data);
    free_oracle_cells(&oc);
}

/* An error in part 0 must be the one reported even when a later part is
 * read first and is itself misaligned by that error. */
static void test_parts_first_error(void **state)
{
    (void)state;
    iaf_buf b = {0};
    iaf_buf_puts(&b, "a,b\n");
    for (int i = 0; i < 200; i++)
        iaf_buf_printf(&b, "%d,\"x\"\"%d\n\"\n", i, i);
    /* line of row i: 2 + 2i; a stray quote in row 10 (line 22) flips the
     * quote parity of everything after it */
    size_t at = (size_t)(strstr(b.data, "\n10,") - b.data) + 1;
    memcpy(b.data + at, "1\"", 2);
    setenv("IAF_TEXT_PART_BYTES", "300", 1);
    opened o;
    iaf_error err;
    assert_int_equal(open_mem(&iaf_csv_reader, b.data, b.len, "q.csv", NULL, &o, &err), IAF_OK);
    size_t np = o.vt->nparts(o.rd);
    assert_true(np > 4);
    size_t ncols;
    project_all(&o, &ncols);
    int nerr = 0;
    for (size_t i = 0; i < np; i++) {
        size_t k = np - 1 - i;
        collect c;
        collect_init(&c, ncols, b.data, b.len);
        iaf_error_clear(&err);
        iaf_status st = o.vt->read_part(o.rd, k, collect_emit, &c, &err);
        if (st != IAF_OK) {
            nerr++;
            assert_int_equal(st, IAF_ERR_PARSE);
            assert_int_equal(err.line, 22);
            assert_int_equal(err.column, 2);
            assert_non_null(strstr(err.message, "quote inside an unquoted field"));
        }
        collect_free(&c);
    }
    assert_true(nerr >= 1);
    close_opened(&o);
    unsetenv("IAF_TEXT_PART_BYTES");
    iaf_buf_free(&b);
}

/* ---- malformed input ------------------------------------------------------ */

typedef struct bad_case {
    const char *name;
    const char *text;
    size_t len; /* 0 = strlen */
    const char *encoding;
    iaf_status st;
    long long line, col;
    const char *msg; /* substring of the message */
} bad_case;

static const bad_case bad_cases[] = {
    {"unterminated quote", "a,b\n1,\"xy\nz\n", 0, NULL, IAF_ERR_PARSE, 2, 3, "unterminated"},
    {"quote in unquoted field", "a,b\n1,x\"y\n", 0, NULL, IAF_ERR_PARSE, 2, 4, "quote inside"},
    {"garbage after closing quote", "a,b\n1,\"x\"y\n", 0, NULL, IAF_ERR_PARSE, 2, 6,
     "after the closing quote"},
    {"too many fields", "a,b\n1,2\n1,2,3\n", 0, NULL, IAF_ERR_PARSE, 3, 5,
     "3 fields, the header has 2"},
    {"too few fields", "a,b,c\r\n1,2\r\n", 0, NULL, IAF_ERR_PARSE, 2, 4,
     "2 fields, the header has 3"},
    {"too few at EOF", "a,b,c\n1,2", 0, NULL, IAF_ERR_PARSE, 2, 4, "2 fields"},
    {"empty header name", "a,,c\n", 0, NULL, IAF_ERR_PARSE, 1, 3, "empty column name"},
    {"empty quoted header name", "a,\"\"\n", 0, NULL, IAF_ERR_PARSE, 1, 3, "empty column name"},
    {"empty file", "", 0, NULL, IAF_ERR_PARSE, 1, 1, "empty file"},
    {"BOM and blank lines only", "\xEF\xBB\xBF\r\n\n", 0, NULL, IAF_ERR_PARSE, 3, 1, "empty file"},
    {"invalid UTF-8", "a,b\n1,ok\n2,x\xC3(\n", 0, NULL, IAF_ERR_PARSE, 3, 4, "invalid UTF-8"},
    {"invalid UTF-8 in header", "a,\xED\xA0\x80\n", 0, NULL, IAF_ERR_PARSE, 1, 3, "invalid UTF-8"},
    {"NUL byte", "a,b\n1,x\0y\n", 10, NULL, IAF_ERR_PARSE, 2, 4, "NUL"},
    {"NUL in quotes", "a,b\n1,\"x\n\0\"\n", 12, NULL, IAF_ERR_PARSE, 3, 1, "NUL"},
    {"bare CR", "a,b\r1,2\n", 0, NULL, IAF_ERR_PARSE, 1, 4, "carriage return"},
    {"error after quoted newlines", "a,b\n\"x\ny\",1,2\n", 0, NULL, IAF_ERR_PARSE, 3, 6,
     "3 fields"},
    {"BOM then bad quote",
     "\xEF\xBB\xBF"
     "a,b\n1,x\"\n",
     0, NULL, IAF_ERR_PARSE, 2, 4, "quote"},
    {"bad CP949", "a,b\n1,\xFF\xFF\n", 0, "cp949", IAF_ERR_PARSE, 2, 3, "CP949"},
    {"truncated CP949", "a,b\n1,\xB0", 0, "euc-kr", IAF_ERR_PARSE, 2, 3, "truncated"},
    {"unknown encoding", "a\n1\n", 0, "latin-9", IAF_ERR_INVALID, 0, 0, "unknown text encoding"},
};

static void test_bad_inputs(void **state)
{
    (void)state;
    /* the same error whatever the window size */
    const char *windows[] = {NULL, "1", "2", "3", "5", "8"};
    for (size_t i = 0; i < IAF_ARRAY_LEN(bad_cases) * IAF_ARRAY_LEN(windows); i++) {
        const bad_case *bc = &bad_cases[i % IAF_ARRAY_LEN(bad_cases)];
        const char *win = windows[i / IAF_ARRAY_LEN(bad_cases)];
        if (win)
            setenv("IAF_TEXT_WINDOW_BYTES", win, 1);
        else
            unsetenv("IAF_TEXT_WINDOW_BYTES");
        size_t n = bc->len ? bc->len : strlen(bc->text);
        iaf_source_options opt = {0};
        opt.encoding = bc->encoding;
        iaf_error err;
        iaf_error_clear(&err);
        /* the streaming reader */
        opened o;
        iaf_status st = open_mem(&iaf_csv_reader, bc->text, n, "bad.csv", &opt, &o, &err);
        if (st == IAF_OK) {
            size_t ncols;
            project_all(&o, &ncols);
            collect c;
            st = read_all(&o, ncols, 0, bc->text, n, &c, &err);
            collect_free(&c);
            close_opened(&o);
        }
        if (st != bc->st || err.line != bc->line || err.column != bc->col ||
            !strstr(err.message, bc->msg))
            fail_msg("case '%s' (reader, window %s): status %d line %lld col %lld: %s", bc->name,
                     win ? win : "default", st, err.line, err.column, err.message);
        if (bc->st == IAF_ERR_PARSE) assert_string_equal(err.file, "bad.csv");
        /* the table API: same dialect, same error */
        iaf_csv_options topt = {0};
        topt.encoding = bc->encoding;
        iaf_csv_table *t = NULL;
        iaf_error_clear(&err);
        st = iaf_csv_table_read_memory(bc->text, n, "bad.csv", &topt, &t, &err);
        assert_null(t);
        if (st != bc->st || err.line != bc->line || err.column != bc->col ||
            !strstr(err.message, bc->msg))
            fail_msg("case '%s' (table): status %d line %lld col %lld: %s", bc->name, st, err.line,
                     err.column, err.message);
    }
    unsetenv("IAF_TEXT_WINDOW_BYTES");
}

/* A header that repeats a name: the reader opens it; the name is ambiguous
 * (an error naming both positions and suggesting #N) and #N reads a column. */
static void test_duplicate_header(void **state)
{
    (void)state;
    const char *text = "a,b,a\n1,2,3\n";
    opened o;
    iaf_error err;
    assert_int_equal(open_mem(&iaf_csv_reader, text, strlen(text), "dup.csv", NULL, &o, &err),
                     IAF_OK);
    assert_int_equal(o.vt->ncols(o.rd), 3);
    assert_string_equal(o.vt->colname(o.rd, 2), "a");
    const char *by_name[] = {"a"};
    assert_int_equal(o.vt->project(o.rd, by_name, 1, &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "column name 'a' is ambiguous: 2 columns have it (1, 3); "
                                        "name one by its position, e.g. #3"));
    const char *by_pos[] = {"#3", "b", "#1"};
    assert_int_equal(o.vt->project(o.rd, by_pos, 3, &err), IAF_OK);
    collect c;
    assert_int_equal(read_all(&o, 3, 0, text, strlen(text), &c, &err), IAF_OK);
    assert_int_equal(c.nrows, 1);
    assert_string_equal(c.cells[0].hex, "33"); /* hex of "3" */
    assert_string_equal(c.cells[1].hex, "32");
    assert_string_equal(c.cells[2].hex, "31");
    collect_free(&c);
    const char *beyond[] = {"#4"};
    assert_int_equal(o.vt->project(o.rd, beyond, 1, &err), IAF_ERR_INVALID);
    close_opened(&o);
    /* a count table or crosswalk (the table API) still refuses it */
    iaf_csv_table *t = NULL;
    iaf_csv_options topt = {0};
    assert_int_equal(iaf_csv_table_read_memory(text, strlen(text), "dup.csv", &topt, &t, &err),
                     IAF_ERR_PARSE);
    assert_null(t);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 5);
    assert_non_null(strstr(err.message, "duplicate column name 'a' (columns 1 and 3)"));
}

/* The byte offset of an encoding error counts input bytes. */
static void test_cp949_error_offset(void **state)
{
    (void)state;
    const char *text = "a,b\n\xB0\xA1,\xFF\n";
    unsigned char *out;
    size_t outlen;
    iaf_error err;
    assert_int_equal(iaf_to_utf8("CP949", (const unsigned char *)text, strlen(text), &out, &outlen,
                                 "k.csv", &err),
                     IAF_ERR_PARSE);
    assert_int_equal(err.offset, 7);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 4);
}

/* ---- encodings ------------------------------------------------------------- */

static void test_cp949(void **state)
{
    (void)state;
    size_t nu, nc;
    unsigned char *u = slurp(IAF_TESTDATA "/csv/korean_utf8.csv", &nu);
    unsigned char *k = slurp(IAF_TESTDATA "/csv/korean_cp949.csv", &nc);
    assert_true(nc < nu); /* two bytes per Hangul syllable instead of three */
    const char *encs[] = {"cp949", "CP949", "euc-kr", "EUC-KR"};
    for (size_t e = 0; e < 4; e++) {
        iaf_source_options ou = {0}, ok = {0};
        ok.encoding = encs[e];
        opened a, b;
        iaf_error err;
        assert_int_equal(open_mem(&iaf_csv_reader, u, nu, "u.csv", &ou, &a, &err), IAF_OK);
        assert_int_equal(open_mem(&iaf_csv_reader, k, nc, "k.csv", &ok, &b, &err), IAF_OK);
        size_t n1, n2;
        project_all(&a, &n1);
        project_all(&b, &n2);
        assert_int_equal(n1, n2);
        for (size_t i = 0; i < n1; i++)
            assert_string_equal(a.vt->colname(a.rd, i), b.vt->colname(b.rd, i));
        collect ca, cb;
        assert_int_equal(read_all(&a, n1, 0, u, nu, &ca, &err), IAF_OK);
        assert_int_equal(read_all(&b, n2, 0, NULL, 0, &cb, &err), IAF_OK);
        assert_int_equal(ca.nrows, cb.nrows);
        assert_true(ca.nrows >= 10);
        for (size_t i = 0; i < ca.nrows * n1; i++)
            assert_string_equal(ca.cells[i].hex, cb.cells[i].hex);
        collect_free(&ca);
        collect_free(&cb);
        close_opened(&a);
        close_opened(&b);
        /* and through the table API */
        iaf_csv_options to = {0};
        to.encoding = encs[e];
        iaf_csv_table *t1, *t2;
        assert_int_equal(iaf_csv_table_read(IAF_TESTDATA "/csv/korean_utf8.csv", NULL, &t1, &err),
                         IAF_OK);
        assert_int_equal(iaf_csv_table_read(IAF_TESTDATA "/csv/korean_cp949.csv", &to, &t2, &err),
                         IAF_OK);
        assert_int_equal(t1->nrows, t2->nrows);
        for (size_t r = 0; r < t1->nrows; r++)
            for (size_t c = 0; c < t1->ncols; c++)
                assert_string_equal(iaf_csv_cell(t1, r, c).ptr, iaf_csv_cell(t2, r, c).ptr);
        iaf_csv_table_free(t1);
        iaf_csv_table_free(t2);
    }
    /* read as UTF-8, the CP949 bytes are rejected with a position */
    iaf_csv_table *t;
    iaf_error err;
    assert_int_equal(iaf_csv_table_read(IAF_TESTDATA "/csv/korean_cp949.csv", NULL, &t, &err),
                     IAF_ERR_PARSE);
    assert_non_null(strstr(err.message, "invalid UTF-8"));
    assert_int_equal(err.line, 1);
    free(u);
    free(k);
}

static void test_utf8_validator(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t valid;
    } cases[] = {
        {"plain ascii text that is long enough", 36},
        {"\xEA\xB0\x80", 3},     /* U+AC00 */
        {"\xF0\x9F\x99\x82", 4}, /* U+1F642 */
        {"ab\xC0\xAF", 2},       /* overlong '/' */
        {"\xE0\x80\xAF", 0},     /* overlong */
        {"\xED\xA0\x80", 0},     /* surrogate */
        {"\xF4\x90\x80\x80", 0}, /* > U+10FFFF */
        {"\xF5\x80\x80\x80", 0}, /* invalid lead */
        {"x\x80", 1},            /* stray continuation */
        {"xyz\xEA\xB0", 3},      /* truncated */
        {"12345678\xEA\xB0\x80\xFF", 11},
        {"\xEF\xBF\xBF", 3},     /* U+FFFF is a valid scalar */
        {"\xF4\x8F\xBF\xBF", 4}, /* U+10FFFF */
    };
    for (size_t i = 0; i < IAF_ARRAY_LEN(cases); i++) {
        size_t got = iaf_utf8_valid_prefix((const unsigned char *)cases[i].s, strlen(cases[i].s));
        if (got != cases[i].valid) fail_msg("case %zu: %zu, want %zu", i, got, cases[i].valid);
    }
}

/* ---- the small-table API --------------------------------------------------- */

static void test_table_basic(void **state)
{
    (void)state;
    const char *text = "KOSIS export title line\r\n"
                       "unit: persons, \"2025\"\n"
                       "\n"
                       "# a comment\n"
                       "region,\"sex\",count\r\n"
                       "서울,남자,\"1,234\"\n"
                       "# another comment\n"
                       "\n"
                       "\"부산 \"\"광역\"\"\",여자,\"\"\n"
                       "\"multi\nline\",,7";
    iaf_csv_options opt = {0};
    opt.skip_lines = 2;
    opt.comments = 1;
    iaf_csv_table *t;
    iaf_error err;
    assert_int_equal(iaf_csv_table_read_memory(text, strlen(text), "k.csv", &opt, &t, &err),
                     IAF_OK);
    assert_int_equal(t->ncols, 3);
    assert_int_equal(t->nrows, 3);
    assert_string_equal(t->file, "k.csv");
    assert_string_equal(t->header[1].ptr, "sex");
    assert_int_equal(iaf_csv_table_col(t, "count"), 2);
    assert_int_equal(iaf_csv_table_col(t, "coun"), -1);
    assert_string_equal(iaf_csv_cell(t, 0, 0).ptr, "서울");
    assert_string_equal(iaf_csv_cell(t, 0, 2).ptr, "1,234");
    assert_string_equal(iaf_csv_cell(t, 1, 0).ptr, "부산 \"광역\"");
    assert_int_equal(iaf_csv_cell(t, 1, 0).len, strlen("부산 \"광역\""));
    assert_non_null(iaf_csv_cell(t, 1, 2).ptr);
    assert_int_equal(iaf_csv_cell(t, 1, 2).len, 0);
    assert_string_equal(iaf_csv_cell(t, 2, 0).ptr, "multi\nline");
    assert_int_equal(iaf_csv_cell(t, 2, 1).len, 0);
    assert_string_equal(iaf_csv_cell(t, 2, 1).ptr, "");
    assert_string_equal(iaf_csv_cell(t, 2, 2).ptr, "7");
    assert_int_equal(t->line[0], 6);
    assert_int_equal(t->line[1], 9);
    assert_int_equal(t->line[2], 10);
    iaf_csv_table_free(t);
    iaf_csv_table_free(NULL);

    /* without the comments option, '#' lines are data */
    const char *t2 = "a,b\n#x,1\n";
    assert_int_equal(iaf_csv_table_read_memory(t2, strlen(t2), "c.csv", NULL, &t, &err), IAF_OK);
    assert_int_equal(t->nrows, 1);
    assert_string_equal(iaf_csv_cell(t, 0, 0).ptr, "#x");
    iaf_csv_table_free(t);

    /* delimiters: option, and tab by file name */
    const char *t3 = "a;b\n1;\"x;y\"\n";
    opt = (iaf_csv_options){0};
    opt.delimiter = ';';
    assert_int_equal(iaf_csv_table_read_memory(t3, strlen(t3), "s.csv", &opt, &t, &err), IAF_OK);
    assert_string_equal(iaf_csv_cell(t, 0, 1).ptr, "x;y");
    iaf_csv_table_free(t);
    const char *t4 = "a\tb\n1,2\t3\n";
    assert_int_equal(iaf_csv_table_read_memory(t4, strlen(t4), "x.TSV", NULL, &t, &err), IAF_OK);
    assert_string_equal(iaf_csv_cell(t, 0, 0).ptr, "1,2");
    assert_string_equal(iaf_csv_cell(t, 0, 1).ptr, "3");
    iaf_csv_table_free(t);
    opt.delimiter = '"';
    assert_int_equal(iaf_csv_table_read_memory(t4, strlen(t4), "x", &opt, &t, &err),
                     IAF_ERR_INVALID);

    /* header only: no rows; a trailing delimiter makes an empty last field */
    assert_int_equal(iaf_csv_table_read_memory("a,b", 3, "h.csv", NULL, &t, &err), IAF_OK);
    assert_int_equal(t->nrows, 0);
    iaf_csv_table_free(t);
    assert_int_equal(iaf_csv_table_read_memory("a,b\n1,\n\n\n", 9, "h.csv", NULL, &t, &err),
                     IAF_OK);
    assert_int_equal(t->nrows, 1);
    assert_int_equal(iaf_csv_cell(t, 0, 1).len, 0);
    iaf_csv_table_free(t);

    /* a missing file is an IO error naming it */
    assert_int_equal(iaf_csv_table_read(IAF_TESTDATA "/csv/no_such.csv", NULL, &t, &err),
                     IAF_ERR_IO);
    assert_non_null(strstr(err.file, "no_such.csv"));
}

static void test_write_field(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},         {"", ""},
        {"a,b", "\"a,b\""},         {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"\"", "\"\"\"\""},         {"line\nbreak", "\"line\nbreak\""},
        {"cr\r", "\"cr\r\""},       {" lead", "\" lead\""},
        {"trail\t", "\"trail\t\""}, {"in side", "in side"},
        {"한국어", "한국어"},
    };
    iaf_buf b = {0};
    for (size_t i = 0; i < IAF_ARRAY_LEN(cases); i++) {
        b.len = 0;
        assert_int_equal(iaf_csv_write_field(&b, cases[i].in, strlen(cases[i].in)), 0);
        assert_int_equal(b.len, strlen(cases[i].out));
        assert_memory_equal(b.data ? b.data : "", cases[i].out, b.len);
    }
    /* a written row reads back as the same fields */
    b.len = 0;
    iaf_buf_puts(&b, "c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10\n");
    for (size_t i = 0; i < IAF_ARRAY_LEN(cases); i++) {
        if (i) iaf_buf_puts(&b, ",");
        iaf_csv_write_field(&b, cases[i].in, strlen(cases[i].in));
    }
    iaf_csv_table *t;
    iaf_error err;
    assert_int_equal(iaf_csv_table_read_memory(b.data, b.len, "w.csv", NULL, &t, &err), IAF_OK);
    assert_int_equal(t->nrows, 1);
    for (size_t i = 0; i < IAF_ARRAY_LEN(cases); i++)
        assert_string_equal(iaf_csv_cell(t, 0, i).ptr, cases[i].in);
    iaf_csv_table_free(t);
    iaf_buf_free(&b);
}

/* ---- the streaming reader's interface ------------------------------------- */

static iaf_status stop_emit(void *user, const iaf_batch *b, iaf_error *err)
{
    int *calls = user;
    ++*calls;
    (void)b;
    return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "consumer says stop");
}

static void test_reader_interface(void **state)
{
    (void)state;
    const char *text = "id,sex,age\n1,M,30\n2,F,41\n";
    opened o;
    iaf_error err;
    assert_int_equal(open_mem(&iaf_csv_reader, text, strlen(text), "x.csv", NULL, &o, &err),
                     IAF_OK);
    assert_string_equal(iaf_csv_reader.name, "csv");
    assert_int_equal(o.vt->ncols(o.rd), 3);
    assert_string_equal(o.vt->colname(o.rd, 2), "age");
    assert_null(o.vt->colname(o.rd, 3));
    const char *bad[] = {"sex", "gender"};
    assert_int_equal(o.vt->project(o.rd, bad, 2, &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "'gender'"));
    assert_non_null(strstr(err.message, "'id', 'sex', 'age'"));
    /* no projection: rows are still counted */
    collect c;
    assert_int_equal(read_all(&o, 0, 0, text, strlen(text), &c, &err), IAF_OK);
    assert_int_equal(c.nrows, 2);
    collect_free(&c);
    const char *proj[] = {"age", "id", "age"};
    assert_int_equal(o.vt->project(o.rd, proj, 3, &err), IAF_OK);
    assert_int_equal(read_all(&o, 3, 0, text, strlen(text), &c, &err), IAF_OK);
    assert_string_equal(c.cells[0].hex, "3330");
    assert_string_equal(c.cells[1].hex, "31");
    assert_string_equal(c.cells[2].hex, "3330");
    assert_string_equal(c.cells[5].hex, "3431");
    collect_free(&c);
    /* the consumer's error stops the scan and comes back unchanged */
    int calls = 0;
    assert_int_equal(o.vt->read_part(o.rd, 0, stop_emit, &calls, &err), IAF_ERR_INVALID);
    assert_int_equal(calls, 1);
    assert_string_equal(err.message, "consumer says stop");
    close_opened(&o);
}

/* The read-ahead windows (encoding.c): a walk like a parser's (keep a tail,
 * sometimes ask for more than a window, sometimes jump back inside the window)
 * sees exactly the bytes of the input at every step, with and without the
 * read-ahead thread, for windows of 1 byte to larger than the input. */
static void test_read_ahead_windows(void **state)
{
    (void)state;
    size_t n = 5000;
    unsigned char *src = malloc(n);
    assert_non_null(src);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        src[i] = (unsigned char)x;
    }
    iaf_file *f;
    iaf_error err;
    assert_int_equal(iaf_file_open_memory(src, n, "mem", &f, &err), IAF_OK);
    const char *windows[] = {"1", "3", "64", "1000", "9000"};
    for (size_t wi = 0; wi < IAF_ARRAY_LEN(windows); wi++) {
        setenv("IAF_TEXT_WINDOW_BYTES", windows[wi], 1);
        for (int ahead = 0; ahead < 2; ahead++) {
            iaf_text_in in = {f, NULL, n};
            iaf_text_win w = {0};
            if (ahead) iaf_text_win_read_ahead(&in, &w);
            assert_int_equal(ahead, w.ahead != NULL);
            uint64_t pos = 0;
            size_t need = 0, steps = 0;
            uint64_t y = 7;
            for (;;) {
                assert_int_equal(iaf_text_win_load(&in, &w, pos, need, &err), IAF_OK);
                steps++;
                assert_true(w.off == pos);
                assert_true(w.len >= IAF_MIN(need, n - pos));
                assert_true(w.eof == (pos + w.len == n));
                if (w.len && memcmp(w.p, src + pos, w.len) != 0)
                    fail_msg("window %s, read-ahead %d: bytes at %llu differ", windows[wi], ahead,
                             (unsigned long long)pos);
                if (pos == n) break;
                y = y * 6364136223846793005ull + 1442695040888963407ull;
                unsigned r = (unsigned)(y >> 33);
                if (r % 7 == 0) {
                    need = w.len + 1 + r % 50; /* a row longer than the window */
                    continue;
                }
                need = 0;
                /* advance, leaving a tail (a cut row) or nothing */
                size_t adv = w.len > 1 ? 1 + r % w.len : w.len;
                if (r % 5 == 0 && adv > 1) adv /= 2; /* back inside the window */
                pos += adv;
            }
            assert_true(steps > 1 || n <= 9000);
            iaf_text_win_free(&w);
        }
    }
    unsetenv("IAF_TEXT_WINDOW_BYTES");
    iaf_file_close(f);
    free(src);
}

/* The stress file and every malformed input read the same in one thread and
 * with the read-ahead (two threads allowed): the same cells, rows, lines and
 * the same located error. */
static void test_read_ahead_same(void **state)
{
    (void)state;
    size_t n;
    unsigned char *data = slurp(STRESS_CSV, &n);
    const char *windows[] = {"1", "7", "200"};
    for (size_t wi = 0; wi < IAF_ARRAY_LEN(windows); wi++) {
        setenv("IAF_TEXT_WINDOW_BYTES", windows[wi], 1);
        collect c[2];
        for (int t = 0; t < 2; t++) {
            iaf_source_options opt = {0};
            opt.threads = t ? 2 : 1;
            opened o;
            iaf_error err;
            assert_int_equal(open_mem(&iaf_csv_reader, data, n, "stress.csv", &opt, &o, &err),
                             IAF_OK);
            size_t ncols;
            project_all(&o, &ncols);
            assert_int_equal(read_all(&o, ncols, 0, data, n, &c[t], &err), IAF_OK);
            close_opened(&o);
        }
        assert_int_equal(c[0].nrows, c[1].nrows);
        assert_true(c[0].nrows > 0);
        for (size_t i = 0; i < c[0].nrows * c[0].ncols; i++)
            assert_string_equal(c[0].cells[i].hex, c[1].cells[i].hex);
        /* a batch records its first row's line; batches end where windows do */
        for (size_t r = 0; r < c[0].nrows; r++)
            if (c[0].line[r] >= 0 && c[1].line[r] >= 0)
                assert_int_equal(c[0].line[r], c[1].line[r]);
        collect_free(&c[0]);
        collect_free(&c[1]);
        for (size_t i = 0; i < IAF_ARRAY_LEN(bad_cases); i++) {
            const bad_case *bc = &bad_cases[i];
            size_t bn = bc->len ? bc->len : strlen(bc->text);
            iaf_error e[2];
            iaf_status st[2];
            for (int t = 0; t < 2; t++) {
                iaf_source_options opt = {0};
                opt.encoding = bc->encoding;
                opt.threads = t ? 2 : 1;
                iaf_error_clear(&e[t]);
                opened o;
                st[t] = open_mem(&iaf_csv_reader, bc->text, bn, "bad.csv", &opt, &o, &e[t]);
                if (st[t] == IAF_OK) {
                    size_t ncols;
                    project_all(&o, &ncols);
                    collect cc;
                    st[t] = read_all(&o, ncols, 0, bc->text, bn, &cc, &e[t]);
                    collect_free(&cc);
                    close_opened(&o);
                }
            }
            if (st[0] != st[1] || e[0].line != e[1].line || e[0].column != e[1].column ||
                strcmp(e[0].message, e[1].message) != 0)
                fail_msg("case '%s', window %s: %lld:%lld %s vs %lld:%lld %s", bc->name,
                         windows[wi], e[0].line, e[0].column, e[0].message, e[1].line, e[1].column,
                         e[1].message);
        }
    }
    unsetenv("IAF_TEXT_WINDOW_BYTES");
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stress_cells),
        cmocka_unit_test(test_stress_counts),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_parts_first_error),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_duplicate_header),
        cmocka_unit_test(test_cp949_error_offset),
        cmocka_unit_test(test_cp949),
        cmocka_unit_test(test_utf8_validator),
        cmocka_unit_test(test_table_basic),
        cmocka_unit_test(test_write_field),
        cmocka_unit_test(test_reader_interface),
        cmocka_unit_test(test_read_ahead_windows),
        cmocka_unit_test(test_read_ahead_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
