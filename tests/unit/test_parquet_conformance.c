/* test_parquet_conformance.c - every flat column of every file in tests/data/parquet/ must read
 * to the values of its committed oracle (hyparquet's JSON rows or a DuckDB export; format and
 * provenance in tests/data/parquet/MANIFEST.md), and files listed as unsupported must fail with
 * a message starting "unsupported: ".
 *
 * Each file is scanned twice through the public API: one worker with the default batch size,
 * then two workers with small odd-sized batches, so batch splitting, parallel row groups and
 * first_row bookkeeping are all checked against the same oracle. One cmocka test per file.
 *
 * Environment: IAF_PQ_FILTER=substring runs only the files whose path contains it;
 * IAF_PQ_MAXDIFF=n prints at most n differing values per column (default 5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <zlib.h>

#include "iaf/source.h"
#include "util/util.h"

#define PQ_DIR IAF_TESTDATA "/parquet"

typedef struct oracle_col {
    char *name;
    char kind[8]; /* "text", "i64", "f64" */
    int has_oracle;
    json_t *values; /* borrowed from the oracle's JSON array, NULL without oracle */
} oracle_col;

typedef struct entry {
    char *path;   /* relative to PQ_DIR */
    char *expect; /* "ok" or "unsupported" */
    char *arg;    /* oracle path or reason */
} entry;

/* Rendered values of one scan. */
typedef struct got_col {
    char **text; /* nrows entries, NULL = null */
    size_t *len;
    iaf_col_kind first_kind;
    int kind_seen;
    char kind_error[160];
} got_col;

typedef struct scan_ctx {
    pthread_mutex_t lock;
    size_t nrows, ncols;
    got_col *cols;
    unsigned char *filled;
    size_t delivered;
    char problem[512]; /* first structural problem (row twice, out of range, bad index) */
} scan_ctx;

static entry *g_entries;
static size_t g_nentries;
static size_t g_files_ok, g_files_failed, g_values_compared, g_values_wrong;

/* ---------------------------------------------------------------------------------------- */

static char *read_gz(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) break;
        if (cap - n < 1 << 15) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        int k = gzread(f, buf + n, (unsigned)(cap - n - 1));
        if (k < 0) {
            free(buf);
            buf = NULL;
            break;
        }
        if (k == 0) break;
        n += (size_t)k;
    }
    gzclose(f);
    if (buf) buf[n] = '\0';
    *len = n;
    return buf;
}

/* Strict UTF-8 (Unicode 15, table 3-7): no overlongs, surrogates or values past U+10FFFF,
 * the same acceptance as the oracle generator's TextDecoder("utf-8", {fatal: true}). */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return 0;
        }
        if (n - i < k + 1) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t j = 2; j <= k; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF) return 0;
        i += k + 1;
    }
    return 1;
}

/* Canonical text of a byte string: itself when valid UTF-8, else "0x" + lowercase hex. */
static char *bytes_text(const char *p, size_t n, size_t *outlen)
{
    if (valid_utf8((const unsigned char *)p, n)) {
        char *t = malloc(n + 1);
        if (!t) return NULL;
        if (n) memcpy(t, p, n);
        t[n] = '\0';
        *outlen = n;
        return t;
    }
    char *t = malloc(2 * n + 3);
    if (!t) return NULL;
    t[0] = '0';
    t[1] = 'x';
    for (size_t i = 0; i < n; i++)
        snprintf(t + 2 + 2 * i, 3, "%02x", (unsigned char)p[i]);
    *outlen = 2 * n + 2;
    return t;
}

static const char *kind_name(iaf_col_kind k)
{
    switch (k) {
    case IAF_COL_STR:
        return "STR";
    case IAF_COL_DICT:
        return "DICT";
    case IAF_COL_I64:
        return "I64";
    case IAF_COL_F64:
        return "F64";
    }
    return "?";
}

static int kind_matches(const char *want, iaf_col_kind k)
{
    if (strcmp(want, "any") == 0) return 1; /* flat column without an oracle */
    if (strcmp(want, "text") == 0) return k == IAF_COL_STR || k == IAF_COL_DICT;
    if (strcmp(want, "i64") == 0) return k == IAF_COL_I64;
    if (strcmp(want, "f64") == 0) return k == IAF_COL_F64;
    return 0;
}

/* ---------------------------------------------------------------------------------------- */

static iaf_status on_begin(void *ctx, int worker, void **state, iaf_error *err)
{
    (void)worker;
    (void)err;
    *state = ctx;
    return IAF_OK;
}

static void note_problem(scan_ctx *c, const char *fmt, ...)
{
    if (c->problem[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->problem, sizeof c->problem, fmt, ap);
    va_end(ap);
}

static iaf_status on_batch(void *ctx, void *state, const iaf_batch *b, iaf_error *err)
{
    (void)state;
    scan_ctx *c = ctx;
    pthread_mutex_lock(&c->lock);
    iaf_status st = IAF_OK;
    if (b->ncols != c->ncols) {
        note_problem(c, "batch has %zu columns, %zu projected", b->ncols, c->ncols);
        goto done;
    }
    if (b->first_row < 0 || (size_t)b->first_row + b->nrows > c->nrows) {
        note_problem(c, "batch rows %lld..%lld outside the file's %zu rows", b->first_row,
                     b->first_row + (long long)b->nrows, c->nrows);
        goto done;
    }
    for (size_t j = 0; j < b->ncols; j++) {
        const iaf_column *col = &b->cols[j];
        got_col *g = &c->cols[j];
        if (!g->kind_seen) {
            g->kind_seen = 1;
            g->first_kind = col->kind;
        }
        for (size_t i = 0; i < b->nrows; i++) {
            size_t r = (size_t)b->first_row + i;
            char buf[40];
            const char *p = NULL;
            size_t n = 0;
            int isnull = 0;
            char *t = NULL;
            switch (col->kind) {
            case IAF_COL_STR:
                if (!col->str[i].ptr)
                    isnull = 1;
                else
                    p = col->str[i].ptr, n = col->str[i].len;
                break;
            case IAF_COL_DICT:
                if (col->idx[i] == IAF_NULL_INDEX) {
                    isnull = 1;
                } else if (col->idx[i] >= col->ndict) {
                    note_problem(c, "column %zu row %zu: dictionary index %u >= %zu", j, r,
                                 col->idx[i], col->ndict);
                    goto done;
                } else {
                    p = col->dict[col->idx[i]].ptr, n = col->dict[col->idx[i]].len;
                    if (!p) {
                        note_problem(c, "column %zu: NULL dictionary entry", j);
                        goto done;
                    }
                }
                break;
            case IAF_COL_I64:
                if (col->valid && !col->valid[i])
                    isnull = 1;
                else
                    n = iaf_fmt_i64(buf, col->i64[i]), p = buf;
                break;
            case IAF_COL_F64:
                if (col->valid && !col->valid[i])
                    isnull = 1;
                else
                    n = iaf_fmt_f64(buf, col->f64[i]), p = buf;
                break;
            default:
                note_problem(c, "column %zu: unknown batch kind %d", j, (int)col->kind);
                goto done;
            }
            if (col->kind != g->first_kind && !g->kind_error[0] &&
                !(col->kind == IAF_COL_STR && g->first_kind == IAF_COL_DICT) &&
                !(col->kind == IAF_COL_DICT && g->first_kind == IAF_COL_STR))
                snprintf(g->kind_error, sizeof g->kind_error, "kind changes from %s to %s",
                         kind_name(g->first_kind), kind_name(col->kind));
            if (j == 0) {
                if (c->filled[r]) {
                    note_problem(c, "row %zu delivered twice", r);
                    goto done;
                }
                c->filled[r] = 1;
                c->delivered++;
            }
            if (!isnull) {
                size_t tl = 0;
                if (col->kind == IAF_COL_STR || col->kind == IAF_COL_DICT) {
                    t = bytes_text(p, n, &tl);
                } else {
                    t = iaf_strndup(p, n);
                    tl = n;
                }
                if (!t) {
                    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
                    goto done;
                }
                free(g->text[r]);
                g->text[r] = t;
                g->len[r] = tl;
            }
        }
    }
done:
    pthread_mutex_unlock(&c->lock);
    return st;
}

static void free_scan(scan_ctx *c)
{
    for (size_t j = 0; c->cols && j < c->ncols; j++) {
        for (size_t r = 0; c->cols[j].text && r < c->nrows; r++)
            free(c->cols[j].text[r]);
        free(c->cols[j].text);
        free(c->cols[j].len);
    }
    free(c->cols);
    free(c->filled);
    pthread_mutex_destroy(&c->lock);
}

/* ---------------------------------------------------------------------------------------- */

static int max_diffs(void)
{
    const char *e = getenv("IAF_PQ_MAXDIFF");
    return e ? atoi(e) : 5;
}

static void show(char *out, size_t size, const char *s, size_t n)
{
    if (!s) {
        snprintf(out, size, "null");
        return;
    }
    size_t k = 0;
    out[k++] = '"';
    for (size_t i = 0; i < n && k + 8 < size; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            k += (size_t)snprintf(out + k, size - k, "\\%c", ch);
        else if (ch < 0x20)
            k += (size_t)snprintf(out + k, size - k, "\\x%02x", ch);
        else
            out[k++] = (char)ch;
    }
    if (n > 0 && k + 8 >= size) k += (size_t)snprintf(out + k, size - k, "...");
    snprintf(out + k, size - k, "\"");
}

/* One scan of `path` with the given options; compares with the oracle. Returns the number of
 * problems found (0 = all equal). */
static size_t scan_and_compare(const char *rel, const char *path, oracle_col *cols, size_t ncols,
                               size_t nrows, int threads, size_t batch_rows)
{
    size_t problems = 0;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_source_options opt = {
        .format = IAF_FORMAT_PARQUET, .threads = threads, .batch_rows = batch_rows};
    iaf_source *src = NULL;
    scan_ctx c;
    memset(&c, 0, sizeof c);
    pthread_mutex_init(&c.lock, NULL);
    const char **names = calloc(ncols ? ncols : 1, sizeof *names);
    char msg[1400];
    assert_non_null(names);
    for (size_t j = 0; j < ncols; j++)
        names[j] = cols[j].name;

    iaf_status st = iaf_source_open(&path, 1, &opt, &src, &err);
    if (st == IAF_OK) st = iaf_source_project(src, names, ncols, &err);
    if (st != IAF_OK) {
        iaf_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "  %s: threads=%d: cannot open/project: %s\n", rel, threads, msg);
        problems++;
        goto cleanup;
    }
    c.nrows = nrows;
    c.ncols = ncols;
    c.cols = calloc(ncols ? ncols : 1, sizeof *c.cols);
    c.filled = calloc(nrows ? nrows : 1, 1);
    assert_non_null(c.cols);
    assert_non_null(c.filled);
    for (size_t j = 0; j < ncols; j++) {
        c.cols[j].text = calloc(nrows ? nrows : 1, sizeof(char *));
        c.cols[j].len = calloc(nrows ? nrows : 1, sizeof(size_t));
        assert_non_null(c.cols[j].text);
        assert_non_null(c.cols[j].len);
    }
    iaf_scan_consumer cons = {.ctx = &c, .worker_begin = on_begin, .on_batch = on_batch};
    int nw = 0;
    st = iaf_source_scan(src, &cons, &nw, &err);
    if (st != IAF_OK) {
        iaf_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "  %s: threads=%d: scan failed: %s\n", rel, threads, msg);
        problems++;
        goto cleanup;
    }
    if (c.problem[0]) {
        fprintf(stderr, "  %s: threads=%d batch_rows=%zu: %s\n", rel, threads, batch_rows,
                c.problem);
        problems++;
        goto cleanup;
    }
    if (c.delivered != nrows) {
        fprintf(stderr, "  %s: threads=%d: %zu rows delivered, oracle has %zu\n", rel, threads,
                c.delivered, nrows);
        problems++;
    }
    int maxd = max_diffs();
    for (size_t j = 0; j < ncols; j++) {
        got_col *g = &c.cols[j];
        if (g->kind_seen && !kind_matches(cols[j].kind, g->first_kind)) {
            fprintf(stderr, "  %s: column '%s': delivered as %s, expected %s (docs/parquet.md)\n",
                    rel, cols[j].name, kind_name(g->first_kind), cols[j].kind);
            problems++;
        }
        if (g->kind_error[0]) {
            fprintf(stderr, "  %s: column '%s': %s\n", rel, cols[j].name, g->kind_error);
            problems++;
        }
        if (!cols[j].has_oracle) continue;
        size_t wrong = 0;
        for (size_t r = 0; r < nrows; r++) {
            json_t *v = json_array_get(cols[j].values, r);
            const char *want = json_is_string(v) ? json_string_value(v) : NULL;
            size_t wlen = json_is_string(v) ? json_string_length(v) : 0;
            const char *got = g->text[r];
            size_t glen = g->len[r];
            int eq =
                (!want && !got) || (want && got && wlen == glen && memcmp(want, got, wlen) == 0);
            g_values_compared++;
            if (eq) continue;
            g_values_wrong++;
            if ((int)wrong++ < maxd) {
                char a[200], b2[200];
                show(a, sizeof a, want, wlen);
                show(b2, sizeof b2, got, glen);
                fprintf(stderr, "  %s: column '%s' row %zu: expected %s, got %s\n", rel,
                        cols[j].name, r, a, b2);
            }
        }
        if (wrong) {
            fprintf(stderr, "  %s: column '%s': %zu of %zu values differ (threads=%d)\n", rel,
                    cols[j].name, wrong, nrows, threads);
            problems++;
        }
    }
cleanup:
    iaf_source_free(src);
    free(names);
    free_scan(&c);
    return problems;
}

/* Every top-level name must be offered; a nested one must refuse projection as unsupported. */
static size_t check_columns(const char *rel, const char *path, oracle_col *cols, size_t ncols,
                            json_t *nested)
{
    size_t problems = 0;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_source_options opt = {.format = IAF_FORMAT_PARQUET, .threads = 1};
    iaf_source *src = NULL;
    char msg[1400];
    if (iaf_source_open(&path, 1, &opt, &src, &err) != IAF_OK) {
        iaf_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "  %s: cannot open: %s\n", rel, msg);
        return 1;
    }
    size_t want = ncols + json_array_size(nested);
    if (iaf_source_ncols(src) != want) {
        fprintf(stderr, "  %s: %zu columns offered, the schema has %zu top-level fields\n", rel,
                iaf_source_ncols(src), want);
        problems++;
    }
    for (size_t j = 0; j < ncols; j++) {
        int found = 0;
        for (size_t k = 0; k < iaf_source_ncols(src); k++)
            found |= strcmp(iaf_source_colname(src, k), cols[j].name) == 0;
        if (!found) {
            fprintf(stderr, "  %s: flat column '%s' is not offered\n", rel, cols[j].name);
            problems++;
        }
    }
    if (json_array_size(nested) > 0) {
        const char *nm = json_string_value(json_array_get(nested, 0));
        iaf_status st = iaf_source_project(src, &nm, 1, &err);
        if (st != IAF_ERR_UNSUPPORTED || strncmp(err.message, "unsupported: ", 13) != 0) {
            fprintf(stderr,
                    "  %s: projecting nested column '%s' gave status %s, message '%s'; expected "
                    "unsupported: ...\n",
                    rel, nm, iaf_status_name(st), st == IAF_OK ? "" : err.message);
            problems++;
        }
    }
    iaf_source_free(src);
    return problems;
}

static void test_ok_file(const entry *e)
{
    char path[2048], opath[2048];
    snprintf(path, sizeof path, "%s/%s", PQ_DIR, e->path);
    snprintf(opath, sizeof opath, "%s/%s", PQ_DIR, e->arg);
    size_t len = 0;
    char *text = read_gz(opath, &len);
    if (!text) fail_msg("%s: cannot read oracle %s", e->path, opath);

    /* JSON Lines: header, then one line per column */
    json_t **lines = NULL;
    size_t nlines = 0, cap = 0;
    char *p = text, *end = text + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 0) {
            json_error_t jerr;
            json_t *j = json_loadb(p, n, JSON_ALLOW_NUL, &jerr);
            if (!j) fail_msg("%s: oracle line %zu: %s", e->arg, nlines + 1, jerr.text);
            assert_int_equal(IAF_GROW(lines, cap, nlines + 1), 0);
            lines[nlines++] = j;
        }
        p += n + 1;
    }
    free(text);
    assert_true(nlines >= 1);
    json_t *hdr = lines[0];
    size_t nrows = (size_t)json_integer_value(json_object_get(hdr, "rows"));
    json_t *jcols = json_object_get(hdr, "columns");
    json_t *noor = json_object_get(hdr, "no_oracle");
    size_t nor = json_array_size(jcols), nno = json_array_size(noor);
    size_t ncols = nor + nno;
    assert_int_equal(nlines, 1 + nor);
    oracle_col *cols = calloc(ncols ? ncols : 1, sizeof *cols);
    assert_non_null(cols);
    for (size_t j = 0; j < nor; j++) {
        json_t *c = json_array_get(jcols, j);
        cols[j].name = (char *)json_string_value(json_object_get(c, "name"));
        snprintf(cols[j].kind, sizeof cols[j].kind, "%s",
                 json_string_value(json_object_get(c, "kind")));
        cols[j].has_oracle = 1;
        json_t *line = lines[1 + j];
        assert_string_equal(json_string_value(json_object_get(line, "column")), cols[j].name);
        cols[j].values = json_object_get(line, "values");
        assert_int_equal(json_array_size(cols[j].values), nrows);
    }
    /* flat columns without an oracle are still read (no error, right kind, every row) */
    for (size_t j = 0; j < nno; j++) {
        json_t *c = json_array_get(noor, j);
        cols[nor + j].name = (char *)json_string_value(json_object_get(c, "name"));
        snprintf(cols[nor + j].kind, sizeof cols[nor + j].kind, "any");
    }

    size_t problems = check_columns(e->path, path, cols, ncols, json_object_get(hdr, "nested"));
    if (ncols > 0) {
        problems += scan_and_compare(e->path, path, cols, ncols, nrows, 1, 0);
        problems += scan_and_compare(e->path, path, cols, ncols, nrows, 2, 333);
    }
    for (size_t i = 0; i < nlines; i++)
        json_decref(lines[i]);
    free(lines);
    free(cols);
    if (problems) {
        g_files_failed++;
        fail_msg("%s: %zu problem(s), see above", e->path, problems);
    }
    g_files_ok++;
}

static void test_unsupported_file(const entry *e)
{
    char path[2048], msg[1400];
    snprintf(path, sizeof path, "%s/%s", PQ_DIR, e->path);
    iaf_error err;
    iaf_error_clear(&err);
    iaf_source_options opt = {.format = IAF_FORMAT_PARQUET, .threads = 1};
    iaf_source *src = NULL;
    const char *pathp = path;
    iaf_status st = iaf_source_open(&pathp, 1, &opt, &src, &err);
    if (st == IAF_OK) {
        /* Project every column that can be projected on its own (nested ones cannot, and that
         * refusal is not the failure looked for here), then scan them. */
        size_t n = iaf_source_ncols(src), k = 0;
        const char **names = calloc(n ? n : 1, sizeof *names);
        assert_non_null(names);
        for (size_t i = 0; i < n && st == IAF_OK; i++) {
            const char *nm = iaf_source_colname(src, i);
            iaf_status pst = iaf_source_project(src, &nm, 1, &err);
            if (pst == IAF_OK)
                names[k++] = nm;
            else if (!strstr(err.message, "is nested"))
                st = pst;
        }
        if (st == IAF_OK && k == 0) {
            free(names);
            iaf_source_free(src);
            g_files_failed++;
            fail_msg("%s: no column can be projected; expected \"unsupported: ...\" (%s)", e->path,
                     e->arg);
        }
        if (st == IAF_OK) st = iaf_source_project(src, names, k, &err);
        free(names);
    }
    if (st == IAF_OK) {
        scan_ctx c;
        memset(&c, 0, sizeof c);
        pthread_mutex_init(&c.lock, NULL);
        c.ncols = SIZE_MAX; /* rows are not collected: only the failure matters */
        iaf_scan_consumer cons = {.ctx = &c, .worker_begin = on_begin, .on_batch = on_batch};
        st = iaf_source_scan(src, &cons, NULL, &err);
        c.ncols = 0;
        free_scan(&c);
    }
    iaf_source_free(src);
    if (st == IAF_OK) {
        g_files_failed++;
        fail_msg("%s: read without error; expected \"unsupported: ...\" (%s)", e->path, e->arg);
    }
    iaf_error_format(&err, msg, sizeof msg);
    if (strncmp(err.message, "unsupported: ", 13) != 0) {
        g_files_failed++;
        fail_msg("%s: failed with \"%s\"; expected a message starting \"unsupported: \" (%s)",
                 e->path, msg, e->arg);
    }
    g_files_ok++;
}

static void run_entry(void **state)
{
    const entry *e = *state;
    if (strcmp(e->expect, "ok") == 0)
        test_ok_file(e);
    else
        test_unsupported_file(e);
}

static int summary(void **state)
{
    (void)state;
    fprintf(stderr,
            "parquet conformance: %zu files as expected, %zu failed; %zu values compared, %zu "
            "differ\n",
            g_files_ok, g_files_failed, g_values_compared, g_values_wrong);
    return 0;
}

static void load_list(void)
{
    size_t len = 0;
    char *text = read_gz(PQ_DIR "/conformance.tsv", &len);
    if (!text) {
        fprintf(stderr, "cannot read %s\n", PQ_DIR "/conformance.tsv");
        exit(1);
    }
    const char *filter = getenv("IAF_PQ_FILTER");
    size_t cap = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0') continue;
        char *f1 = line, *f2 = strchr(f1, '\t');
        if (!f2) continue;
        *f2++ = '\0';
        char *f3 = strchr(f2, '\t');
        if (!f3) continue;
        *f3++ = '\0';
        if (filter && !strstr(f1, filter)) continue;
        if (IAF_GROW(g_entries, cap, g_nentries + 1) != 0) exit(1);
        g_entries[g_nentries++] = (entry){iaf_strdup(f1), iaf_strdup(f2), iaf_strdup(f3)};
    }
    free(text);
}

int main(void)
{
    load_list();
    struct CMUnitTest *tests = calloc(g_nentries ? g_nentries : 1, sizeof *tests);
    if (!tests) return 1;
    for (size_t i = 0; i < g_nentries; i++) {
        tests[i].name = g_entries[i].path;
        tests[i].test_func = run_entry;
        tests[i].initial_state = &g_entries[i];
    }
    int rc = _cmocka_run_group_tests("parquet_conformance", tests, g_nentries, NULL, summary);
    for (size_t i = 0; i < g_nentries; i++) {
        free(g_entries[i].path);
        free(g_entries[i].expect);
        free(g_entries[i].arg);
    }
    free(g_entries);
    free(tests);
    return rc;
}
