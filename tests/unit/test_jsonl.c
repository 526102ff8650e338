/* Unit tests of the JSON Lines reader (src/io/jsonl.c).
 *
 * Oracles: tests/data/csv/stress_jsonl_oracle_*.csv, written by
 * tests/oracles/csv_counts.py from Python's json module (numbers kept as
 * literal text) and pandas; iconv(1) for the CP949 copy; hand-computed
 * positions for malformed input and hand-decoded escapes.
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

#define STRESS_JSONL IAF_TESTDATA "/jsonl/stress.jsonl"

static void project_names(opened *o, const oracle_cells *oc)
{
    iaf_error err;
    assert_int_equal(o->vt->project(o->rd, (const char *const *)oc->names, oc->ncols, &err),
                     IAF_OK);
}

static void test_stress_cells(void **state)
{
    (void)state;
    oracle_cells oc;
    load_oracle_cells(IAF_TESTDATA "/csv/stress_jsonl_oracle_cells.csv", &oc);
    size_t n;
    unsigned char *data = slurp(STRESS_JSONL, &n);
    /* window sizes: lines cut at every place, refills, growth past the window */
    const char *windows[] = {NULL, "1", "13", "200", "4096"};
    size_t batch_sizes[] = {1, 5, 4096, 2, 64};
    for (size_t bi = 0; bi < 5; bi++) {
        if (windows[bi])
            setenv("IAF_TEXT_WINDOW_BYTES", windows[bi], 1);
        else
            unsetenv("IAF_TEXT_WINDOW_BYTES");
        iaf_source_options opt = {0};
        opt.batch_rows = batch_sizes[bi];
        opened o;
        iaf_error err;
        assert_int_equal(open_mem(&iaf_jsonl_reader, data, n, "stress.jsonl", &opt, &o, &err),
                         IAF_OK);
        assert_int_equal(o.vt->nparts(o.rd), 1);
        assert_int_equal(o.vt->part_bytes(o.rd, 0), n);
        /* the first object's keys, in order; "extra" only appears later */
        size_t nk = o.vt->ncols(o.rd);
        assert_true(nk >= 8 && nk <= oc.ncols);
        for (size_t k = 0; k < nk; k++)
            assert_string_equal(o.vt->colname(o.rd, k), oc.names[k]);
        project_names(&o, &oc);
        collect c;
        assert_int_equal(read_all(&o, oc.ncols, 0, data, n, &c, &err), IAF_OK);
        compare_with_oracle(&c, &oc, 1);
        collect_free(&c);
        close_opened(&o);
    }
    unsetenv("IAF_TEXT_WINDOW_BYTES");
    free(data);
    free_oracle_cells(&oc);
}

static void test_stress_counts(void **state)
{
    (void)state;
    const char *names[] = {"province", "sex", "note", "age_group", "score", "flag", "sex"};
    const char *pairs[][2] = {{"sex", "age_group"}, {"province", "sex"}, {"age_group", "note"}};
    for (size_t pi = 0; pi < 3; pi++) {
        iaf_file *f;
        iaf_error err;
        assert_int_equal(iaf_file_open(STRESS_JSONL, &f, &err), IAF_OK);
        void *rd;
        assert_int_equal(iaf_jsonl_reader.open(f, NULL, &rd, &err), IAF_OK);
        assert_int_equal(iaf_jsonl_reader.project(rd, names, 7, &err), IAF_OK);
        counter c;
        memset(&c, 0, sizeof c);
        for (int k = 0; k < 7; k++) {
            if (strcmp(names[k], pairs[pi][0]) == 0) c.pair_a = k;
            if (strcmp(names[k], pairs[pi][1]) == 0) c.pair_b = k;
        }
        assert_int_equal(iaf_jsonl_reader.read_part(rd, 0, count_emit, &c, &err), IAF_OK);
        check_counts(&c, names, 7, IAF_TESTDATA "/csv/stress_jsonl_oracle_counts.csv",
                     IAF_TESTDATA "/csv/stress_jsonl_oracle_pairs.csv", pairs[pi][0], pairs[pi][1]);
        counter_free(&c);
        iaf_jsonl_reader.close(rd);
        iaf_file_close(f);
    }
}

static void test_parts(void **state)
{
    (void)state;
    oracle_cells oc;
    load_oracle_cells(IAF_TESTDATA "/csv/stress_jsonl_oracle_cells.csv", &oc);
    size_t n;
    unsigned char *data = slurp(STRESS_JSONL, &n);
    const char *sizes[] = {"16", "77", "250", "1000", "9000", "45000"};
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
            assert_int_equal(open_mem(&iaf_jsonl_reader, data, n, "stress.jsonl", &opt, &o, &err),
                             IAF_OK);
            size_t np = o.vt->nparts(o.rd);
            assert_true(np > 1);
            uint64_t total = 0;
            for (size_t k = 0; k < np; k++)
                total += o.vt->part_bytes(o.rd, k);
            assert_true(total <= n && total + 3 >= n);
            project_names(&o, &oc);
            collect c;
            if (mode < 2) {
                assert_int_equal(read_all(&o, oc.ncols, mode, data, n, &c, &err), IAF_OK);
            } else {
                par_ctx p = {&o, calloc(np, sizeof(collect)), np,     oc.ncols,
                             0,  PTHREAD_MUTEX_INITIALIZER,   IAF_OK, data,
                             n};
                pthread_t th[2];
                for (int i = 0; i < 2; i++)
                    pthread_create(&th[i], NULL, par_worker, &p);
                for (int i = 0; i < 2; i++)
                    pthread_join(th[i], NULL);
                assert_int_equal(p.st, IAF_OK);
                collect_init(&c, oc.ncols, data, n);
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

/* With errors in several parts, every failing part reports the first one. */
static void test_parts_first_error(void **state)
{
    (void)state;
    iaf_buf b = {0};
    for (int i = 0; i < 300; i++) {
        if (i == 40 || i == 200 || i == 250)
            iaf_buf_printf(&b, "{\"a\": %d, \"b\": \"x\" y}\n", i);
        else
            iaf_buf_printf(&b, "{\"a\": %d, \"b\": \"x\"}\n", i);
    }
    setenv("IAF_TEXT_PART_BYTES", "500", 1);
    opened o;
    iaf_error err;
    assert_int_equal(open_mem(&iaf_jsonl_reader, b.data, b.len, "e.jsonl", NULL, &o, &err), IAF_OK);
    size_t np = o.vt->nparts(o.rd);
    assert_true(np > 8);
    const char *proj[] = {"a"};
    assert_int_equal(o.vt->project(o.rd, proj, 1, &err), IAF_OK);
    int nerr = 0;
    for (size_t i = 0; i < np; i++) {
        size_t k = np - 1 - i;
        collect c;
        collect_init(&c, 1, b.data, b.len);
        iaf_error_clear(&err);
        iaf_status st = o.vt->read_part(o.rd, k, collect_emit, &c, &err);
        if (st != IAF_OK) {
            nerr++;
            assert_int_equal(st, IAF_ERR_PARSE);
            assert_int_equal(err.line, 41);
            assert_int_equal(err.column, 20);
        }
        collect_free(&c);
    }
    assert_int_equal(nerr, 3);
    close_opened(&o);
    unsetenv("IAF_TEXT_PART_BYTES");
    iaf_buf_free(&b);
}

/* ---- value representation ------------------------------------------------- */

typedef struct want_row {
    const char *v[6]; /* NULL = null */
    size_t len[6];    /* 0 = strlen(v) */
} want_row;

static void test_values(void **state)
{
    (void)state;
    const char *text =
        "\xEF\xBB\xBF\n"
        "{\"s\": \"plain\", \"n\": -12.5e+3, \"b\": true, \"o\": {\"x\": [1, {\"y\": null}]}, "
        "\"s\": \"last wins\"}\r\n"
        "\n"
        "  "
        "{\"n\":0,\"b\":false,\"o\":[],\"e\":\"\\\"\\\\\\/"
        "\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE42\\u0001.\"}  \r\n"
        "{}\n"
        "{\"s\":null,\"n\":null,\"zz\":{\"deep\":\"skip me \\u1234\"},\"o\":\"str\"}";
    opened o;
    iaf_error err;
    assert_int_equal(open_mem(&iaf_jsonl_reader, text, strlen(text), "v.jsonl", NULL, &o, &err),
                     IAF_OK);
    /* first object's keys, each once, in order */
    assert_int_equal(o.vt->ncols(o.rd), 4);
    assert_string_equal(o.vt->colname(o.rd, 0), "s");
    assert_string_equal(o.vt->colname(o.rd, 3), "o");
    assert_null(o.vt->colname(o.rd, 4));
    const char *proj[] = {"s", "n", "b", "o", "e", "missing"};
    assert_int_equal(o.vt->project(o.rd, proj, 6, &err), IAF_OK);
    collect c;
    assert_int_equal(read_all(&o, 6, 0, text, strlen(text), &c, &err), IAF_OK);
    assert_int_equal(c.nrows, 4);
    static const char e_dec[] = "\"\\/\b\f\n\r\t\xC3\xA9\xF0\x9F\x99\x82\x01.";
    const want_row want[4] = {
        {{"last wins", "-12.5e+3", "true", "{\"x\": [1, {\"y\": null}]}", NULL, NULL}, {0}},
        {{NULL, "0", "false", "[]", e_dec, NULL}, {0, 0, 0, 0, sizeof e_dec - 1, 0}},
        {{NULL, NULL, NULL, NULL, NULL, NULL}, {0}},
        {{NULL, NULL, NULL, "str", NULL, NULL}, {0}},
    };
    for (size_t r = 0; r < 4; r++) {
        for (size_t k = 0; k < 6; k++) {
            const char *w = want[r].v[k];
            char *h = w ? hex(w, want[r].len[k] ? want[r].len[k] : strlen(w)) : strdup("null");
            if (strcmp(h, c.cells[r * 6 + k].hex) != 0)
                fail_msg("row %zu key %s: got %s want %s", r, proj[k], c.cells[r * 6 + k].hex, h);
            free(h);
        }
    }
    /* lines: BOM line is blank, the objects are on lines 2, 4, 5, 6 */
    collect_free(&c);
    iaf_source_options opt = {0};
    opt.batch_rows = 1;
    close_opened(&o);
    assert_int_equal(open_mem(&iaf_jsonl_reader, text, strlen(text), "v.jsonl", &opt, &o, &err),
                     IAF_OK);
    assert_int_equal(o.vt->project(o.rd, proj, 1, &err), IAF_OK);
    assert_int_equal(read_all(&o, 1, 0, text, strlen(text), &c, &err), IAF_OK);
    assert_int_equal(c.line[0], 2);
    assert_int_equal(c.line[1], 4);
    assert_int_equal(c.line[2], 5);
    assert_int_equal(c.line[3], 6);
    collect_free(&c);
    close_opened(&o);
}

/* \u escapes at the UTF-8 length boundaries and surrogate pairs at both
 * ends of the supplementary planes (expected bytes from RFC 3629). */
static void test_unicode_escapes(void **state)
{
    (void)state;
    static const struct {
        const char *esc, *utf8;
    } cases[] = {
        {"\\u007F", "\x7F"},
        {"\\u0080", "\xC2\x80"},
        {"\\u07FF", "\xDF\xBF"},
        {"\\u0800", "\xE0\xA0\x80"},
        {"\\uAC00", "\xEA\xB0\x80"},
        {"\\uffff", "\xEF\xBF\xBF"},
        {"\\uD800\\uDC00", "\xF0\x90\x80\x80"},
        {"\\uDBFF\\uDFFF", "\xF4\x8F\xBF\xBF"},
        {"\\ud83d\\ude42x", "\xF0\x9F\x99\x82x"},
        {"a\\/b\\\\c", "a/b\\c"},
    };
    iaf_buf b = {0};
    for (size_t i = 0; i < IAF_ARRAY_LEN(cases); i++)
        iaf_buf_printf(&b, "{\"v\":\"%s\"}\n", cases[i].esc);
    opened o;
    iaf_error err;
    assert_int_equal(open_mem(&iaf_jsonl_reader, b.data, b.len, "u.jsonl", NULL, &o, &err), IAF_OK);
    const char *proj[] = {"v"};
    assert_int_equal(o.vt->project(o.rd, proj, 1, &err), IAF_OK);
    collect c;
    assert_int_equal(read_all(&o, 1, 0, b.data, b.len, &c, &err), IAF_OK);
    assert_int_equal(c.nrows, IAF_ARRAY_LEN(cases));
    for (size_t i = 0; i < IAF_ARRAY_LEN(cases); i++) {
        char *h = hex(cases[i].utf8, strlen(cases[i].utf8));
        if (strcmp(h, c.cells[i].hex) != 0)
            fail_msg("%s: got %s want %s", cases[i].esc, c.cells[i].hex, h);
        free(h);
    }
    collect_free(&c);
    close_opened(&o);
    iaf_buf_free(&b);
}

/* Keys that change order or spelling between rows (the key cache must not
 * confuse them) and keys written with escapes. */
static void test_key_cache(void **state)
{
    (void)state;
    const char *text = "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}\n"
                       "{\"b\":\"4\",\"a\":\"5\",\"c\":\"6\"}\n"
                       "{\"ab\":\"x\",\"a\":\"7\"}\n"
                       "{\"\\u0061\":\"8\",\"\\u0062\":\"9\"}\n"
                       "{\"c\":\"10\",\"b\":\"11\",\"a\":\"12\",\"a\":\"13\"}\n";
    opened o;
    iaf_error err;
    assert_int_equal(open_mem(&iaf_jsonl_reader, text, strlen(text), "k.jsonl", NULL, &o, &err),
                     IAF_OK);
    const char *proj[] = {"a", "b"};
    assert_int_equal(o.vt->project(o.rd, proj, 2, &err), IAF_OK);
    collect c;
    assert_int_equal(read_all(&o, 2, 0, text, strlen(text), &c, &err), IAF_OK);
    const char *want[] = {"1", "2", "5", "4", "7", NULL, "8", "9", "13", "11"};
    assert_int_equal(c.nrows, 5);
    for (size_t i = 0; i < 10; i++) {
        char *h = want[i] ? hex(want[i], strlen(want[i])) : strdup("null");
        if (strcmp(h, c.cells[i].hex) != 0) fail_msg("cell %zu: %s vs %s", i, c.cells[i].hex, h);
        free(h);
    }
    collect_free(&c);
    close_opened(&o);
}

static void test_cp949(void **state)
{
    (void)state;
    size_t nu, nc;
    unsigned char *u = slurp(IAF_TESTDATA "/jsonl/korean_utf8.jsonl", &nu);
    unsigned char *k = slurp(IAF_TESTDATA "/jsonl/korean_cp949.jsonl", &nc);
    iaf_source_options ok = {0};
    ok.encoding = "EUC-KR";
    opened a, b;
    iaf_error err;
    assert_int_equal(open_mem(&iaf_jsonl_reader, u, nu, "u.jsonl", NULL, &a, &err), IAF_OK);
    assert_int_equal(open_mem(&iaf_jsonl_reader, k, nc, "k.jsonl", &ok, &b, &err), IAF_OK);
    size_t n1, n2;
    project_all(&a, &n1);
    project_all(&b, &n2);
    assert_int_equal(n1, 4);
    assert_int_equal(n2, 4);
    assert_string_equal(b.vt->colname(b.rd, 0), "시도");
    collect ca, cb;
    assert_int_equal(read_all(&a, n1, 0, u, nu, &ca, &err), IAF_OK);
    assert_int_equal(read_all(&b, n2, 0, NULL, 0, &cb, &err), IAF_OK);
    assert_int_equal(ca.nrows, 3);
    assert_int_equal(cb.nrows, 3);
    for (size_t i = 0; i < 12; i++)
        assert_string_equal(ca.cells[i].hex, cb.cells[i].hex);
    collect_free(&ca);
    collect_free(&cb);
    close_opened(&a);
    close_opened(&b);
    /* CP949 bytes read as UTF-8 are rejected */
    assert_int_equal(open_mem(&iaf_jsonl_reader, k, nc, "k.jsonl", NULL, &b, &err), IAF_ERR_PARSE);
    assert_non_null(strstr(err.message, "invalid UTF-8"));
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 3);
    free(u);
    free(k);
}

/* ---- malformed input ------------------------------------------------------ */

typedef struct bad_case {
    const char *name;
    const char *text;
    size_t len;
    iaf_status st;
    long long line, col;
    const char *msg;
} bad_case;

#define DEEP64 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
#define DEEP64C "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"

static const bad_case bad_cases[] = {
    /* a file starting with '[' is a JSON array: its elements must be objects */
    {"not an object", "[1,2]\n", 0, IAF_ERR_PARSE, 1, 2, "not a JSON object"},
    {"array: trailing comma", "[{\"a\":1},]", 0, IAF_ERR_PARSE, 1, 10,
     "a ',' before the closing ']'"},
    {"array: no comma", "[\n {\"a\":1}\n {\"a\":2}]", 0, IAF_ERR_PARSE, 3, 2,
     "expected ',' or ']' after an element"},
    {"array: trailing data", "[{\"a\":1}]\n\n x", 0, IAF_ERR_PARSE, 3, 2,
     "characters after the closing ']'"},
    {"array: not closed", "[{\"a\":1},\n  ", 0, IAF_ERR_PARSE, 2, 3, "no closing ']'"},
    {"array: object not closed", "[{\"a\":1},\n {\"a\":\n  2", 0, IAF_ERR_PARSE, 3, 4,
     "object not closed"},
    {"array: error inside a multi-line object", "[\n {\"a\":\n  \"x\",\n  \"b\": tru}\n]", 0,
     IAF_ERR_PARSE, 4, 8, "invalid literal"},
    {"array: raw LF in a string", "[{\"a\":1}, {\"a\":\"x\ny\"}]", 0, IAF_ERR_PARSE, 1, 18,
     "control character"},
    {"array: element not an object", "[{\"a\":1},\n \"x\"]", 0, IAF_ERR_PARSE, 2, 2,
     "not a JSON object"},
    {"array: empty", " \n [ \n ] \n", 0, IAF_ERR_PARSE, 2, 0, "empty JSON array"},
    {"not an object later", "{\"a\":1}\n  \"x\"\n", 0, IAF_ERR_PARSE, 2, 3, "not a JSON object"},
    {"unterminated string", "{\"a\":\"xy\n{\"a\":1}\n", 0, IAF_ERR_PARSE, 1, 6,
     "unterminated string"},
    {"unterminated key", "{\"a\":1}\n{\"ab", 0, IAF_ERR_PARSE, 2, 2, "unterminated string"},
    {"bad escape", "{\"a\":\"x\\qy\"}", 0, IAF_ERR_PARSE, 1, 8, "bad escape"},
    {"bad \\u escape", "{\"a\":\"\\u12g4\"}", 0, IAF_ERR_PARSE, 1, 7, "four hex digits"},
    {"bad escape in skipped value", "{\"a\":1}\n{\"a\":2,\"zz\":\"\\x\"}", 0, IAF_ERR_PARSE, 2, 14,
     "bad escape"},
    {"lone high surrogate", "{\"a\":\"\\ud800x\"}", 0, IAF_ERR_PARSE, 1, 7, "surrogate"},
    {"lone low surrogate", "{\"a\":\"ok \\uDC00\"}", 0, IAF_ERR_PARSE, 1, 10, "surrogate"},
    /* a NUL would end the label in C and corrupt a count CSV */
    {"NUL escape", "{\"a\":\"ok\"}\n{\"a\":\"M\\u0000X\"}", 0, IAF_ERR_PARSE, 2, 8,
     "labels cannot hold NUL"},
    {"invalid UTF-8", "{\"a\":\"ok\"}\r\n{\"a\":\"\xE2\x82\"}", 0, IAF_ERR_PARSE, 2, 7,
     "invalid UTF-8"},
    {"invalid UTF-8 in key", "{\"a\xFF\":1}", 0, IAF_ERR_PARSE, 1, 4, "invalid UTF-8"},
    {"trailing garbage", "{\"a\":1} x", 0, IAF_ERR_PARSE, 1, 9, "trailing characters"},
    {"two objects", "{\"a\":1}{\"a\":2}", 0, IAF_ERR_PARSE, 1, 8, "trailing characters"},
    {"truncated line", "{\"a\":1", 0, IAF_ERR_PARSE, 1, 7, "truncated line"},
    {"truncated after comma", "{\"a\":1}\n{\"a\":1,\r\n", 0, IAF_ERR_PARSE, 2, 9, "truncated line"},
    {"truncated nested", "{\"a\":1,\"b\":[1,{\"c\":2}\n", 0, IAF_ERR_PARSE, 1, 22,
     "truncated line"},
    {"missing value", "{\"a\":}", 0, IAF_ERR_PARSE, 1, 6, "unexpected character '}'"},
    {"missing colon", "{\"a\" 1}", 0, IAF_ERR_PARSE, 1, 6, "expected ':'"},
    {"unquoted key", "{a:1}", 0, IAF_ERR_PARSE, 1, 2, "expected a string key"},
    {"trailing comma", "{\"a\":1,}", 0, IAF_ERR_PARSE, 1, 8, "expected a string key"},
    {"leading zero", "{\"a\":01}", 0, IAF_ERR_PARSE, 1, 6, "leading zeros"},
    {"bare dot", "{\"a\":1.}", 0, IAF_ERR_PARSE, 1, 8, "decimal point"},
    {"bare minus", "{\"a\":-}", 0, IAF_ERR_PARSE, 1, 6, "invalid number"},
    {"bad exponent", "{\"a\":1e+}", 0, IAF_ERR_PARSE, 1, 9, "exponent"},
    {"bad literal", "{\"a\":1}\n\n{\"a\":tru}\n", 0, IAF_ERR_PARSE, 3, 6, "invalid literal"},
    {"control char", "{\"a\":\"x\ty\"}", 0, IAF_ERR_PARSE, 1, 8, "control character"},
    {"deep nesting", "{\"a\":" DEEP64 DEEP64C "}", 0, IAF_ERR_PARSE, 1, 69, "nesting deeper"},
    {"empty file", "", 0, IAF_ERR_PARSE, 1, 1, "empty file"},
    {"blank lines only", "\xEF\xBB\xBF \n\t\r\n", 0, IAF_ERR_PARSE, 3, 1, "empty file"},
    {"NUL byte", "{\"a\":1}\n{\"a\":\0}", 15, IAF_ERR_PARSE, 2, 6, "unexpected character"},
};

/* A JSON array of objects reads as the same rows as JSON Lines, whatever the
 * window size (objects spanning lines and windows, nested values, escapes,
 * several objects on one line), and each batch's first line is the line its
 * first object starts on. */
static void test_json_array(void **state)
{
    (void)state;
    static const char lines[] = "{\"a\":\"x\",\"b\":1}\n"
                                "{\"a\":\"y\\n\\u00e9\",\"b\":[1,{\"c\":\"]}\"}]}\n"
                                "{\"b\":null,\"a\":\"\xea\xb0\x80\"}\n"
                                "{\"a\":\"z\"}\n"
                                "{\"a\":\"w\",\"b\":true}\n";
    static const char array[] =
        "\xEF\xBB\xBF  \n[\n"
        "  {\"a\": \"x\", \"b\": 1},\n"
        "  {\n    \"a\": \"y\\n\\u00e9\",\n    \"b\": [1,{\"c\":\"]}\"}]\n  },\n"
        "  {\"b\": null,\r\n \"a\": \"\xea\xb0\x80\"},{\"a\":\"z\"} ,\n"
        "  {\"a\":\"w\",\"b\":true}\n]\n\n";
    static const long long want_line[] = {3, 4, 8, 9, 10};
    const char *windows[] = {NULL, "1", "2", "3", "7", "16"};
    const char *proj[] = {"a", "b"};
    for (size_t w = 0; w < IAF_ARRAY_LEN(windows); w++) {
        if (windows[w])
            setenv("IAF_TEXT_WINDOW_BYTES", windows[w], 1);
        else
            unsetenv("IAF_TEXT_WINDOW_BYTES");
        for (size_t batch = 1; batch <= 5; batch += 4) {
            opened o1, o2;
            iaf_error err;
            iaf_source_options opt = {0};
            opt.batch_rows = batch;
            assert_int_equal(
                open_mem(&iaf_jsonl_reader, lines, sizeof lines - 1, "l.jsonl", &opt, &o1, &err),
                IAF_OK);
            assert_int_equal(
                open_mem(&iaf_jsonl_reader, array, sizeof array - 1, "a.json", &opt, &o2, &err),
                IAF_OK);
            assert_int_equal(o2.vt->nparts(o2.rd), 1);
            assert_int_equal(o2.vt->ncols(o2.rd), 2);
            assert_string_equal(o2.vt->colname(o2.rd, 0), "a");
            assert_int_equal(o1.vt->project(o1.rd, proj, 2, &err), IAF_OK);
            assert_int_equal(o2.vt->project(o2.rd, proj, 2, &err), IAF_OK);
            collect c1, c2;
            assert_int_equal(read_all(&o1, 2, 0, lines, sizeof lines - 1, &c1, &err), IAF_OK);
            if (read_all(&o2, 2, 0, array, sizeof array - 1, &c2, &err) != IAF_OK)
                fail_msg("window %s: %lld:%lld: %s", windows[w] ? windows[w] : "default", err.line,
                         err.column, err.message);
            assert_int_equal(c2.nrows, 5);
            assert_int_equal(c1.nrows, c2.nrows);
            for (size_t i = 0; i < c1.nrows * 2; i++)
                if (strcmp(c1.cells[i].hex, c2.cells[i].hex) != 0)
                    fail_msg("window %s, cell %zu: %s in JSON Lines, %s in the array",
                             windows[w] ? windows[w] : "default", i, c1.cells[i].hex,
                             c2.cells[i].hex);
            for (size_t r = 0; r < c2.nrows; r++)
                if (c2.line[r] >= 0 && c2.line[r] != want_line[r])
                    fail_msg("window %s: row %zu starts a batch on line %lld, want %lld",
                             windows[w] ? windows[w] : "default", r, c2.line[r], want_line[r]);
            collect_free(&c1);
            collect_free(&c2);
            close_opened(&o1);
            close_opened(&o2);
        }
    }
    unsetenv("IAF_TEXT_WINDOW_BYTES");
}

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
        iaf_error err;
        iaf_error_clear(&err);
        opened o;
        iaf_status st = open_mem(&iaf_jsonl_reader, bc->text, n, "bad.jsonl", NULL, &o, &err);
        if (st == IAF_OK) {
            /* project every key seen in the file's first object, plus "a" */
            const char *proj[] = {"a", "b"};
            assert_int_equal(o.vt->project(o.rd, proj, 2, &err), IAF_OK);
            collect c;
            st = read_all(&o, 2, 0, bc->text, n, &c, &err);
            collect_free(&c);
            close_opened(&o);
        }
        if (st != bc->st || err.line != bc->line || err.column != bc->col ||
            !strstr(err.message, bc->msg))
            fail_msg("case '%s' (window %s): status %d line %lld col %lld: %s", bc->name,
                     win ? win : "default", st, err.line, err.column, err.message);
        assert_string_equal(err.file, "bad.jsonl");
    }
    unsetenv("IAF_TEXT_WINDOW_BYTES");
    /* exactly 64 levels are fine */
    const char *ok = "{\"a\":" DEEP64 ""
                     "}";
    (void)ok;
    iaf_buf b = {0};
    iaf_buf_puts(&b, "{\"a\":");
    for (int i = 0; i < 63; i++)
        iaf_buf_puts(&b, "[");
    for (int i = 0; i < 63; i++)
        iaf_buf_puts(&b, "]");
    iaf_buf_puts(&b, "}");
    opened o;
    iaf_error err;
    assert_int_equal(open_mem(&iaf_jsonl_reader, b.data, b.len, "d.jsonl", NULL, &o, &err), IAF_OK);
    const char *proj[] = {"a"};
    assert_int_equal(o.vt->project(o.rd, proj, 1, &err), IAF_OK);
    collect c;
    assert_int_equal(read_all(&o, 1, 0, b.data, b.len, &c, &err), IAF_OK);
    assert_int_equal(c.nrows, 1);
    collect_free(&c);
    close_opened(&o);
    iaf_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stress_cells),    cmocka_unit_test(test_stress_counts),
        cmocka_unit_test(test_parts),           cmocka_unit_test(test_parts_first_error),
        cmocka_unit_test(test_values),          cmocka_unit_test(test_key_cache),
        cmocka_unit_test(test_unicode_escapes), cmocka_unit_test(test_cp949),
        cmocka_unit_test(test_bad_inputs),      cmocka_unit_test(test_json_array),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
