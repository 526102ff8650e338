/* libFuzzer target for the JSONL reader: the whole file as one part and one
 * window, and cut into tiny parts read forward through tiny windows. Both must agree on success, on
 * the values (hashed) and, on failure, on the error position. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setenv */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/encoding.h"
#include "io/reader.h"

typedef struct outcome {
    iaf_status st;
    iaf_error err;
    uint64_t hash;
    uint64_t rows;
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
    if (b->first_row != (long long)o->rows || b->nrows == 0 || b->first_line < 1) __builtin_trap();
    for (size_t r = 0; r < b->nrows; r++) {
        for (size_t k = 0; k < b->ncols; k++) {
            iaf_sv v = b->cols[k].str[r];
            if (v.ptr) {
                o->hash = mix(o->hash, &v.len, sizeof v.len);
                o->hash = mix(o->hash, v.ptr, v.len);
            } else {
                o->hash = mix(o->hash, "N", 1);
            }
        }
        o->hash = mix(o->hash, "\n", 1);
    }
    o->rows += b->nrows;
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
    if (iaf_file_open_memory(data, size, "fuzz.jsonl", &f, &o->err) != IAF_OK) __builtin_trap();
    iaf_source_options opt = {0};
    opt.batch_rows = 2;
    opt.encoding = encoding;
    void *rd = NULL;
    o->st = iaf_jsonl_reader.open(f, &opt, &rd, &o->err);
    if (o->st == IAF_OK) {
        size_t n = iaf_jsonl_reader.ncols(rd);
        const char **names = calloc(n + 3, sizeof *names);
        for (size_t i = 0; i < n; i++)
            names[i] = iaf_jsonl_reader.colname(rd, i);
        names[n] = "a";
        names[n + 1] = "b";
        o->st = iaf_jsonl_reader.project(rd, names, n + 2, &o->err);
        free(names);
        size_t np = iaf_jsonl_reader.nparts(rd);
        for (size_t k = 0; k < np && o->st == IAF_OK; k++)
            o->st = iaf_jsonl_reader.read_part(rd, k, on_batch, o, &o->err);
        iaf_jsonl_reader.close(rd);
    }
    iaf_file_close(f);
    unsetenv("IAF_TEXT_PART_BYTES");
    unsetenv("IAF_TEXT_WINDOW_BYTES");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    outcome whole, parts;
    run_reader(data, size, NULL, NULL, NULL, &whole);
    run_reader(data, size, "3", "4", NULL, &parts);
    if (whole.st != parts.st) __builtin_trap();
    if (whole.st == IAF_OK && (whole.hash != parts.hash || whole.rows != parts.rows))
        __builtin_trap();
    if (whole.st == IAF_ERR_PARSE &&
        (whole.err.line != parts.err.line || whole.err.column != parts.err.column ||
         strcmp(whole.err.message, parts.err.message) != 0))
        __builtin_trap();
    if (size & 1) run_reader(data, size, NULL, NULL, "cp949", &whole);
    return 0;
}
