/* Unit tests of the Parquet reader: decoders against the examples of the
 * format spec (Encodings.md), value text against Python-computed values,
 * projection errors, and every bad file through the library. The full
 * value conformance suite is test_parquet_conformance.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/file.h"
#include "io/parquet/parquet.h"
#include "io/reader.h"

static void test_rle_bitpacked_spec_example(void **state)
{
    (void)state;
    /* Encodings.md: values 0..7 with bit width 3 pack to 10001000 11000110 11111010;
       header (1 group << 1) | 1 = 3 */
    const unsigned char in[] = {0x03, 0x88, 0xC6, 0xFA};
    uint32_t out[8];
    assert_int_equal(iaf_pq_rle_decode(in, sizeof in, 3, out, 8), 0);
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(out[i], i);
    /* resumable decoder, odd chunk sizes */
    iaf_pq_rle d;
    iaf_pq_rle_init(&d, in, sizeof in, 3);
    uint32_t a[3], b[5];
    assert_int_equal(iaf_pq_rle_next(&d, a, 3), 0);
    assert_int_equal(iaf_pq_rle_next(&d, b, 5), 0);
    assert_int_equal(a[2], 2);
    assert_int_equal(b[0], 3);
    assert_int_equal(b[4], 7);
    assert_int_equal(iaf_pq_rle_next(&d, b, 1), -1); /* data exhausted */
}

static void test_rle_runs(void **state)
{
    (void)state;
    /* RLE run of 300 x 5 (width 3: one value byte): header 300 << 1 = 600 = varint 0xD8 0x04 */
    const unsigned char in[] = {0xD8, 0x04, 0x05};
    uint32_t *out = malloc(300 * sizeof *out);
    assert_int_equal(iaf_pq_rle_decode(in, sizeof in, 3, out, 300), 0);
    for (int i = 0; i < 300; i++)
        assert_int_equal(out[i], 5);
    assert_int_equal(iaf_pq_rle_decode(in, sizeof in, 3, out, 301), -1);
    assert_int_equal(iaf_pq_rle_decode(in, 2, 3, out, 1), -1); /* truncated value */
    free(out);
}

/* iaf_pq_rle_skip_run: skips inside an RLE run of the value only, consumes
 * nothing else, and the decoder goes on with the right values after it. */
static void test_rle_skip_run(void **state)
{
    (void)state;
    /* width 1: an RLE run of 10 x 1 (header 20), then one bit-packed group of
       1,0,1,0,1,0,1,0 (header 3, byte 0x55), then an RLE run of 4 x 0 (header 8) */
    const unsigned char in[] = {20, 0x01, 0x03, 0x55, 8, 0x00};
    iaf_pq_rle d;
    uint32_t out[16];
    iaf_pq_rle_init(&d, in, sizeof in, 1);
    assert_int_equal(iaf_pq_rle_skip_run(&d, 0, 4), 0);  /* another value: nothing skipped */
    assert_int_equal(iaf_pq_rle_skip_run(&d, 1, 11), 0); /* longer than the run */
    assert_int_equal(iaf_pq_rle_skip_run(&d, 1, 4), 1);
    assert_int_equal(iaf_pq_rle_skip_run(&d, 1, 4), 1);
    assert_int_equal(iaf_pq_rle_next(&d, out, 3), 0); /* 2 left in the run, then bit-packed */
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 1);
    assert_int_equal(out[2], 1);
    assert_int_equal(iaf_pq_rle_skip_run(&d, 0, 1), 0); /* inside a bit-packed run: never */
    assert_int_equal(iaf_pq_rle_next(&d, out, 7), 0);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[6], 0);
    assert_int_equal(out[5], 1);
    assert_int_equal(iaf_pq_rle_skip_run(&d, 0, 4), 1); /* reads the last run's header */
    assert_int_equal(iaf_pq_rle_next(&d, out, 1), -1);  /* data exhausted */
    /* a cut header or value: 0, and the error is left to iaf_pq_rle_next */
    const unsigned char cut[] = {20};
    iaf_pq_rle_init(&d, cut, sizeof cut, 1);
    assert_int_equal(iaf_pq_rle_skip_run(&d, 1, 1), 0);
    assert_int_equal(iaf_pq_rle_next(&d, out, 1), -1);
}

static void test_bitpacked_msb(void **state)
{
    (void)state;
    /* Encodings.md BIT_PACKED example: 0..7 width 3 = 00000101 00111001 01110111 */
    const unsigned char in[] = {0x05, 0x39, 0x77};
    uint32_t out[8];
    assert_int_equal(iaf_pq_bitpacked_msb_decode(in, 3, 3, out, 8), 0);
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(out[i], i);
}

static void test_delta_spec_example(void **state)
{
    (void)state;
    /* Encodings.md example 1: 1,2,3,4,5 -> block 128, 4 miniblocks, 5 values,
       first 1 (zigzag 2), min delta 1 (zigzag 2), all widths 0 */
    const unsigned char in[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
    int64_t out[5];
    size_t used = 0;
    uint64_t n = 0;
    assert_int_equal(iaf_pq_delta_count(in, sizeof in, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(iaf_pq_delta_decode(in, sizeof in, out, 5, &used), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(out[i], i + 1);
    assert_int_equal(used, sizeof in);
    /* a bad block size is rejected */
    const unsigned char bad[] = {0x07, 0x04, 0x05, 0x02};
    assert_int_equal(iaf_pq_delta_count(bad, sizeof bad, &n), -1);
}

/* A page the format allows but a fixed values-per-byte bound refused (DuckDB
 * writes sequences so): 122,880 values in blocks of 128 whose miniblocks all
 * have bit width 0, 5 bytes a block. Short of one block, or announcing more
 * values than the blocks hold, the count is refused before any allocation. */
static void test_delta_width0_sequence(void **state)
{
    (void)state;
    enum { N = 122880, BLOCKS = (N - 1 + 127) / 128 };
    static unsigned char in[16 + BLOCKS * 5];
    size_t len = 0;
    in[len++] = 0x80; /* block size 128 */
    in[len++] = 0x01;
    in[len++] = 0x04; /* 4 miniblocks */
    in[len++] = 0x80; /* 122880 values */
    in[len++] = 0xC0;
    in[len++] = 0x07;
    in[len++] = 0x00; /* first value 0 */
    for (int b = 0; b < BLOCKS; b++) {
        in[len++] = 0x02; /* min delta 1 (zigzag) */
        for (int m = 0; m < 4; m++)
            in[len++] = 0; /* bit width 0 */
    }
    uint64_t n = 0;
    assert_int_equal(iaf_pq_delta_count(in, len, &n), 0);
    assert_int_equal(n, N);
    int64_t *out = malloc(N * sizeof *out);
    assert_non_null(out);
    size_t used = 0;
    assert_int_equal(iaf_pq_delta_decode(in, len, out, N, &used), 0);
    assert_int_equal(used, len);
    for (int i = 0; i < N; i++)
        assert_int_equal(out[i], i);
    free(out);
    /* one block short */
    assert_int_equal(iaf_pq_delta_count(in, len - 5, &n), -1);
    /* a hostile count: 2^40 values announced over four blocks */
    unsigned char big[16 + 5 * 4];
    size_t bl = 0;
    big[bl++] = 0x80;
    big[bl++] = 0x01;
    big[bl++] = 0x04;
    for (int i = 0; i < 5; i++) /* varint 2^40: five empty groups, then 0x20 << 35 */
        big[bl++] = 0x80;
    big[bl++] = 0x20;
    big[bl++] = 0x00;
    for (int b = 0; b < 4; b++) {
        big[bl++] = 0x02;
        for (int m = 0; m < 4; m++)
            big[bl++] = 0;
    }
    assert_int_equal(iaf_pq_delta_count(big, bl, &n), -1);
}

static void test_decimal_text(void **state)
{
    (void)state;
    char buf[2048];
    /* Python: (-123456789012345678901234567890).to_bytes(13, 'big', signed=True) */
    const unsigned char big[] = {0xfe, 0x71, 0x16, 0xf0, 0x09, 0x3c, 0x8c,
                                 0x1f, 0x11, 0xb1, 0xc0, 0xf5, 0x2e};
    size_t n = iaf_pq_decimal_text(big, sizeof big, 5, buf);
    buf[n] = 0;
    assert_string_equal(buf, "-1234567890123456789012345.67890");
    const unsigned char m1[] = {0xff, 0xff};
    n = iaf_pq_decimal_text(m1, 2, 2, buf);
    buf[n] = 0;
    assert_string_equal(buf, "-0.01");
    const unsigned char z[] = {0x00};
    n = iaf_pq_decimal_text(z, 1, 3, buf);
    buf[n] = 0;
    assert_string_equal(buf, "0.000");
    const unsigned char v[] = {0x01, 0xe2, 0x40}; /* 123456 */
    n = iaf_pq_decimal_text(v, 3, 0, buf);
    buf[n] = 0;
    assert_string_equal(buf, "123456");
}

static void test_date_timestamp_text(void **state)
{
    (void)state;
    iaf_pq_schema s;
    memset(&s, 0, sizeof s);
    s.type = PQ_INT32;
    s.converted = PQ_CT_DATE;
    s.logical.kind = PQ_LT_NONE;
    iaf_pq_conv c;
    iaf_pq_conv_for(&s, &c);
    assert_int_equal(c.conv, PQ_CONV_DATE);
    char buf[2048];
    /* Python: date(1970,1,1) + timedelta(days=19000) == 2022-01-08; -719162 -> 0001-01-01 */
    unsigned char d1[4] = {0x38, 0x4a, 0, 0}; /* 19000 */
    size_t n = iaf_pq_render(&c, PQ_INT32, d1, 4, buf);
    buf[n] = 0;
    assert_string_equal(buf, "2022-01-08");
    int32_t v = -719162;
    unsigned char d2[4];
    memcpy(d2, &v, 4);
    n = iaf_pq_render(&c, PQ_INT32, d2, 4, buf);
    buf[n] = 0;
    assert_string_equal(buf, "0001-01-01");
    /* TIMESTAMP(MICROS): 1234567890123456 us = 2009-02-13 23:31:30.123456 */
    s.type = PQ_INT64;
    s.converted = -1;
    s.logical.kind = PQ_LT_TIMESTAMP;
    s.logical.unit = PQ_UNIT_MICROS;
    iaf_pq_conv_for(&s, &c);
    int64_t t = 1234567890123456;
    unsigned char tb[8];
    memcpy(tb, &t, 8);
    n = iaf_pq_render(&c, PQ_INT64, tb, 8, buf);
    buf[n] = 0;
    assert_string_equal(buf, "2009-02-13 23:31:30.123456");
    t = -1000000; /* one second before the epoch */
    memcpy(tb, &t, 8);
    n = iaf_pq_render(&c, PQ_INT64, tb, 8, buf);
    buf[n] = 0;
    assert_string_equal(buf, "1969-12-31 23:59:59");
    /* float16 0x3c00 = 1.0, 0xc000 = -2.0, 0x0001 = 2^-24 */
    assert_true(iaf_pq_half_to_double(0x3c00) == 1.0);
    assert_true(iaf_pq_half_to_double(0xc000) == -2.0);
    assert_true(iaf_pq_half_to_double(0x0001) == 1.0 / 16777216.0);
}

/* ---- whole-file tests ---- */

typedef struct kinds {
    int dict_batches, str_batches, rows;
} kinds;

static iaf_status count_emit(void *user, const iaf_batch *b, iaf_error *err)
{
    (void)err;
    kinds *k = user;
    k->rows += (int)b->nrows;
    for (size_t j = 0; j < b->ncols; j++) {
        if (b->cols[j].kind == IAF_COL_DICT) {
            k->dict_batches++;
            for (size_t i = 0; i < b->nrows; i++)
                assert_true(b->cols[j].idx[i] == IAF_NULL_INDEX ||
                            b->cols[j].idx[i] < b->cols[j].ndict);
        }
        if (b->cols[j].kind == IAF_COL_STR) k->str_batches++;
    }
    return IAF_OK;
}

static iaf_status open_file(const char *path, size_t batch_rows, iaf_file **f, void **rd,
                            iaf_error *err)
{
    iaf_source_options opt = {0};
    opt.batch_rows = batch_rows;
    iaf_status st = iaf_file_open(path, f, err);
    if (st) return st;
    st = iaf_parquet_reader.open(*f, &opt, rd, err);
    if (st) {
        iaf_file_close(*f);
        *f = NULL;
    }
    return st;
}

static void test_projection_errors(void **state)
{
    (void)state;
    iaf_file *f;
    void *rd;
    iaf_error err;
    const char *path = IAF_TESTDATA "/parquet/hyparquet/datapage_v2.snappy.parquet";
    assert_int_equal(open_file(path, 0, &f, &rd, &err), IAF_OK);
    assert_int_equal(iaf_parquet_reader.ncols(rd), 5);
    const char *nested[] = {"e"};
    assert_int_equal(iaf_parquet_reader.project(rd, nested, 1, &err), IAF_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.message, "unsupported: column 'e' is nested"));
    const char *unknown[] = {"zz"};
    assert_int_equal(iaf_parquet_reader.project(rd, unknown, 1, &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "'a', 'b', 'c', 'd', 'e'"));
    const char *ok[] = {"d", "a"};
    assert_int_equal(iaf_parquet_reader.project(rd, ok, 2, &err), IAF_OK);
    kinds k = {0};
    for (size_t p = 0; p < iaf_parquet_reader.nparts(rd); p++)
        assert_int_equal(iaf_parquet_reader.read_part(rd, p, count_emit, &k, &err), IAF_OK);
    assert_int_equal(k.rows, 5);
    iaf_parquet_reader.close(rd);
    iaf_file_close(f);
}

static void test_dictionary_kind(void **state)
{
    (void)state;
    iaf_file *f;
    void *rd;
    iaf_error err;
    const char *path = IAF_TESTDATA "/parquet/parquet-testing/alltypes_dictionary.parquet";
    assert_int_equal(open_file(path, 1, &f, &rd, &err), IAF_OK);
    const char *cols[] = {"string_col"};
    assert_int_equal(iaf_parquet_reader.project(rd, cols, 1, &err), IAF_OK);
    kinds k = {0};
    for (size_t p = 0; p < iaf_parquet_reader.nparts(rd); p++)
        assert_int_equal(iaf_parquet_reader.read_part(rd, p, count_emit, &k, &err), IAF_OK);
    assert_int_equal(k.rows, 2);
    assert_int_equal(k.dict_batches, 2); /* batch_rows 1: two batches, both dictionary */
    iaf_parquet_reader.close(rd);
    iaf_file_close(f);
}

/* Every bad file: reading all flat columns fails with a located error or
 * succeeds, as tests/data/parquet/bad/expected.tsv says. */
static void test_bad_files(void **state)
{
    (void)state;
    FILE *fp = fopen(IAF_TESTDATA "/parquet/bad/expected.tsv", "r");
    assert_non_null(fp);
    char line[1024];
    int nfiles = 0;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = 0;
        int expect_error = strncmp(tab + 1, "error", 5) == 0;
        char path[2048];
        snprintf(path, sizeof path, "%s/parquet/bad/%s", IAF_TESTDATA, line);
        iaf_file *f = NULL;
        assert_int_equal(iaf_file_open(path, &f, NULL), IAF_OK);
        size_t ncols = 0;
        iaf_error err;
        iaf_error_clear(&err);
        iaf_status st = iaf_pq_verify(f, &ncols, &err);
        if (expect_error) {
            if (st == IAF_OK) fail_msg("%s: read without error", line);
            assert_true(err.offset >= 0);
            assert_non_null(strstr(err.file, line));
        } else if (st != IAF_OK) {
            char buf[2048];
            iaf_error_format(&err, buf, sizeof buf);
            fail_msg("%s: %s", line, buf);
        }
        iaf_file_close(f);
        nfiles++;
    }
    fclose(fp);
    assert_int_equal(nfiles, 12);
}

/* Truncating a good file anywhere must give an error, never a crash. */
static void test_truncations(void **state)
{
    (void)state;
    FILE *fp = fopen(IAF_TESTDATA "/parquet/parquet-testing/alltypes_plain.snappy.parquet", "rb");
    assert_non_null(fp);
    unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    for (size_t cut = 0; cut < n; cut += 7) {
        iaf_file *f;
        assert_int_equal(iaf_file_open_memory(buf, cut, "cut", &f, NULL), IAF_OK);
        size_t nc;
        assert_int_not_equal(iaf_pq_verify(f, &nc, NULL), IAF_OK);
        iaf_file_close(f);
    }
    /* flipping bytes of the page data: errors or values, never a crash */
    for (size_t i = 4; i + 8 < n; i += 13) {
        unsigned char save = buf[i];
        buf[i] ^= 0x5a;
        iaf_file *f;
        assert_int_equal(iaf_file_open_memory(buf, n, "flip", &f, NULL), IAF_OK);
        size_t nc;
        (void)iaf_pq_verify(f, &nc, NULL);
        iaf_file_close(f);
        buf[i] = save;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rle_bitpacked_spec_example),
        cmocka_unit_test(test_rle_runs),
        cmocka_unit_test(test_rle_skip_run),
        cmocka_unit_test(test_bitpacked_msb),
        cmocka_unit_test(test_delta_spec_example),
        cmocka_unit_test(test_delta_width0_sequence),
        cmocka_unit_test(test_decimal_text),
        cmocka_unit_test(test_date_timestamp_text),
        cmocka_unit_test(test_projection_errors),
        cmocka_unit_test(test_dictionary_kind),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
