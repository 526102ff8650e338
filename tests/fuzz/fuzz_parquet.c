/* libFuzzer target over the whole Parquet reader: footer (Thrift), schema
 * tree, projection, page headers, every codec and decoder, plus the
 * statistics rendering used by `iaf inspect`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "io/file.h"
#include "io/parquet/parquet.h"
#include "io/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static iaf_status sink(void *user, const iaf_batch *b, iaf_error *err)
{
    (void)err;
    /* touch every value so that dangling views show up under ASan */
    size_t *acc = user;
    for (size_t j = 0; j < b->ncols; j++) {
        const iaf_column *c = &b->cols[j];
        for (size_t i = 0; i < b->nrows; i++) {
            switch (c->kind) {
            case IAF_COL_STR:
                if (c->str[i].ptr && c->str[i].len) *acc += (unsigned char)c->str[i].ptr[0];
                break;
            case IAF_COL_DICT:
                if (c->idx[i] != IAF_NULL_INDEX) {
                    iaf_sv s = c->dict[c->idx[i]];
                    if (s.len) *acc += (unsigned char)s.ptr[s.len - 1];
                }
                break;
            case IAF_COL_I64:
                *acc += (size_t)c->i64[i] + (c->valid ? c->valid[i] : 1);
                break;
            case IAF_COL_F64:
                *acc += (size_t)(c->f64[i] == c->f64[i]) + (c->valid ? c->valid[i] : 1);
                break;
            }
        }
    }
    return IAF_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iaf_file *f = NULL;
    if (iaf_file_open_memory(data, size, "fuzz.parquet", &f, NULL)) return 0;
    iaf_source_options opt = {0};
    opt.batch_rows = 61; /* small and odd: batch and page boundaries disagree */
    void *rd = NULL;
    if (iaf_parquet_reader.open(f, &opt, &rd, NULL) == IAF_OK) {
        size_t n = iaf_parquet_reader.ncols(rd), k = 0;
        const char **names = calloc(n + 1, sizeof *names);
        for (size_t i = 0; names && i < n; i++) {
            const char *nm = iaf_parquet_reader.colname(rd, i);
            if (iaf_parquet_reader.project(rd, &nm, 1, NULL) == IAF_OK) names[k++] = nm;
        }
        size_t acc = 0;
        if (names && iaf_parquet_reader.project(rd, names, k, NULL) == IAF_OK) {
            for (size_t p = 0; p < iaf_parquet_reader.nparts(rd); p++)
                if (iaf_parquet_reader.read_part(rd, p, sink, &acc, NULL) != IAF_OK) break;
        }
        free(names);
        iaf_parquet_reader.close(rd);
    }
    iaf_pq_meta *m = NULL;
    if (iaf_pq_meta_read(f, &m, NULL) == IAF_OK) {
        for (size_t r = 0; r < m->nrgs; r++)
            for (size_t c = 0; c < m->rgs[r].ncols && c < m->nleaves; c++) {
                const iaf_pq_stats *st = &m->rgs[r].cols[c].stats;
                const iaf_pq_schema *s = &m->schema[m->leaves[c].schema_index];
                iaf_buf b = {0};
                if (st->has_min) iaf_pq_render_stat(s, st->min, &b);
                if (st->has_max) iaf_pq_render_stat(s, st->max, &b);
                iaf_buf_free(&b);
            }
        iaf_pq_meta_free(m);
    }
    iaf_file_close(f);
    return 0;
}
