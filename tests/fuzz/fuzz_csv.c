/* libFuzzer target for the CSV tokenizer: the streaming reader (whole file
 * as one part and one window, and cut into tiny parts read through tiny
 * windows) and the small-table API.
 *
 * Besides memory errors it checks that the three agree: same success, same
 * cells (hashed), same rows, and on failure the same error position. The
 * parts run forward, so the first failing part must report the file's
 * first error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setenv */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/encoding.h"
#include "io/reader.h"

typedef struct outcome {
    iaf_status st;
    iaf_error err;
    uint64_t hash;
    uint64_t rows;
    uint64_t next_row;
} outcome;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return h;
}

static iaf_status on_batch(void *user, const iaf_batch *b, iaf_error *err)
{
    (void)err;
    outcome *o = user;
    if (b->first_row != (long long)o->next_row || b->nrows == 0 || b->first_line < 1)
        __builtin_trap();
    for (size_t r = 0; r < b->nrows; r++) {
        for (size_t k = 0; k < b->ncols; k++) {
            iaf_sv v = b->cols[k].str[r];
            if (!v.ptr || !iaf_utf8_valid((const unsigned char *)v.ptr, v.len)) __builtin_trap();
            o->hash = mix(o->hash, &v.len, sizeof v.len);
            o->hash = mix(o->hash, v.ptr, v.len);
        }
        o->hash = mix(o->hash, "\n", 1);
    }
    o->rows += b->nrows;
    o->next_row += b->nrows;
    return IAF_OK;
}

/* part_bytes / window: NULL = the defaults (one part, one window). */
static void run_reader(const uint8_t *data, size_t size, const char *part_bytes, const char *window,
                       const char *encoding, outcome *o)
{
    memset(o, 0, sizeof *o);
    o->hash = 0xcbf29ce484222325ULL;
    if (part_bytes)
        setenv("IAF_TEXT_PART_BYTES", part_bytes, 1);
    else
        unsetenv("IAF_TEXT_PART_BYTES");
    if (window)
        setenv("IAF_TEXT_WINDOW_BYTES", window, 1);
    else
        unsetenv("IAF_TEXT_WINDOW_BYTES");
    iaf_file *f;
    if (iaf_file_open_memory(data, size, "fuzz.csv", &f, &o->err) != IAF_OK) __builtin_trap();
    iaf_source_options opt = {0};
    opt.batch_rows = 3;
    opt.encoding = encoding;
    void *rd = NULL;
    o->st = iaf_csv_reader.open(f, &opt, &rd, &o->err);
    if (o->st == IAF_OK) {
        size_t n = iaf_csv_reader.ncols(rd);
        const char **names = calloc(n + 1, sizeof *names);
        for (size_t i = 0; i < n; i++)
            names[i] = iaf_csv_reader.colname(rd, i);
        o->st = iaf_csv_reader.project(rd, names, n, &o->err);
        free(names);
        size_t np = iaf_csv_reader.nparts(rd);
        for (size_t k = 0; k < np && o->st == IAF_OK; k++)
            o->st = iaf_csv_reader.read_part(rd, k, on_batch, o, &o->err);
        iaf_csv_reader.close(rd);
    }
    iaf_file_close(f);
    unsetenv("IAF_TEXT_PART_BYTES");
    unsetenv("IAF_TEXT_WINDOW_BYTES");
}

static void run_table(const uint8_t *data, size_t size, const iaf_csv_options *opt, outcome *o)
{
    memset(o, 0, sizeof *o);
    o->hash = 0xcbf29ce484222325ULL;
    iaf_csv_table *t = NULL;
    o->st = iaf_csv_table_read_memory(data, size, "fuzz.csv", opt, &t, &o->err);
    if (o->st != IAF_OK) {
        if (t) __builtin_trap();
        return;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        if (r && t->line[r] <= t->line[r - 1]) __builtin_trap();
        for (size_t c = 0; c < t->ncols; c++) {
            iaf_sv v = iaf_csv_cell(t, r, c);
            if (!v.ptr || v.ptr[v.len] != '\0') __builtin_trap();
            o->hash = mix(o->hash, &v.len, sizeof v.len);
            o->hash = mix(o->hash, v.ptr, v.len);
        }
        o->hash = mix(o->hash, "\n", 1);
    }
    o->rows = t->nrows;
    iaf_csv_table_free(t);
}

static void same(const outcome *a, const outcome *b)
{
    if (a->st != b->st) __builtin_trap();
    if (a->st == IAF_OK) {
        if (a->hash != b->hash || a->rows != b->rows) __builtin_trap();
    } else if (a->st == IAF_ERR_PARSE) {
        if (a->err.line != b->err.line || a->err.column != b->err.column ||
            strcmp(a->err.message, b->err.message) != 0)
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    outcome whole, parts, table;
    run_reader(data, size, NULL, NULL, NULL, &whole);
    run_reader(data, size, "3", "4", NULL, &parts);
    run_table(data, size, NULL, &table);
    same(&whole, &parts);
    /* a header that repeats a name: the table API refuses it, the reader opens it and
     * projecting the repeated name is ambiguous (or a later header error comes first) */
    if (table.st == IAF_ERR_PARSE && strstr(table.err.message, "duplicate column name")) {
        if (whole.st != IAF_ERR_INVALID && whole.st != IAF_ERR_PARSE) __builtin_trap();
        if (whole.st == IAF_ERR_INVALID && !strstr(whole.err.message, "is ambiguous"))
            __builtin_trap();
    } else {
        same(&whole, &table);
    }
    /* other options: only memory safety is checked */
    iaf_csv_options opt = {0};
    opt.comments = 1;
    opt.skip_lines = 1;
    opt.delimiter = ';';
    run_table(data, size, &opt, &table);
    if (size & 1) run_reader(data, size, NULL, NULL, "cp949", &whole);
    iaf_buf b = {0};
    if (iaf_csv_write_field(&b, (const char *)data, size) != 0) __builtin_trap();
    iaf_buf_free(&b);
    return 0;
}
