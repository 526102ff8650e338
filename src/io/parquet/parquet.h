/* src/io/parquet/parquet.h - internals of the Parquet reader shared by its
 * files and by `iaf inspect`: the decoded footer (FileMetaData), page headers,
 * codecs, value decoders and the text rendering of typed values.
 *
 * Ownership: an iaf_pq_meta owns every string and array it points to (an arena
 * plus a copy of the footer bytes); statistics' min/max point into that copy.
 */
#ifndef IAF_IO_PARQUET_H
#define IAF_IO_PARQUET_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/status.h"
#include "io/file.h"
#include "util/util.h"

/* Physical types (parquet.thrift Type). */
enum {
    PQ_BOOLEAN = 0,
    PQ_INT32 = 1,
    PQ_INT64 = 2,
    PQ_INT96 = 3,
    PQ_FLOAT = 4,
    PQ_DOUBLE = 5,
    PQ_BYTE_ARRAY = 6,
    PQ_FLBA = 7
};

/* ConvertedType. */
enum {
    PQ_CT_UTF8 = 0,
    PQ_CT_MAP = 1,
    PQ_CT_MAP_KEY_VALUE = 2,
    PQ_CT_LIST = 3,
    PQ_CT_ENUM = 4,
    PQ_CT_DECIMAL = 5,
    PQ_CT_DATE = 6,
    PQ_CT_TIME_MILLIS = 7,
    PQ_CT_TIME_MICROS = 8,
    PQ_CT_TIMESTAMP_MILLIS = 9,
    PQ_CT_TIMESTAMP_MICROS = 10,
    PQ_CT_UINT_8 = 11,
    PQ_CT_UINT_16 = 12,
    PQ_CT_UINT_32 = 13,
    PQ_CT_UINT_64 = 14,
    PQ_CT_INT_8 = 15,
    PQ_CT_INT_16 = 16,
    PQ_CT_INT_32 = 17,
    PQ_CT_INT_64 = 18,
    PQ_CT_JSON = 19,
    PQ_CT_BSON = 20,
    PQ_CT_INTERVAL = 21
};

/* LogicalType union member ids. */
enum {
    PQ_LT_NONE = 0,
    PQ_LT_STRING = 1,
    PQ_LT_MAP = 2,
    PQ_LT_LIST = 3,
    PQ_LT_ENUM = 4,
    PQ_LT_DECIMAL = 5,
    PQ_LT_DATE = 6,
    PQ_LT_TIME = 7,
    PQ_LT_TIMESTAMP = 8,
    PQ_LT_INTEGER = 10,
    PQ_LT_UNKNOWN = 11,
    PQ_LT_JSON = 12,
    PQ_LT_BSON = 13,
    PQ_LT_UUID = 14,
    PQ_LT_FLOAT16 = 15,
    PQ_LT_VARIANT = 16,
    PQ_LT_GEOMETRY = 17,
    PQ_LT_GEOGRAPHY = 18
};

enum { PQ_UNIT_MILLIS = 1, PQ_UNIT_MICROS = 2, PQ_UNIT_NANOS = 3 };
enum { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 };

/* Encodings. */
enum {
    PQ_ENC_PLAIN = 0,
    PQ_ENC_PLAIN_DICTIONARY = 2,
    PQ_ENC_RLE = 3,
    PQ_ENC_BIT_PACKED = 4,
    PQ_ENC_DELTA_BINARY_PACKED = 5,
    PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    PQ_ENC_DELTA_BYTE_ARRAY = 7,
    PQ_ENC_RLE_DICTIONARY = 8,
    PQ_ENC_BYTE_STREAM_SPLIT = 9
};

/* Codecs. */
enum {
    PQ_CODEC_UNCOMPRESSED = 0,
    PQ_CODEC_SNAPPY = 1,
    PQ_CODEC_GZIP = 2,
    PQ_CODEC_LZO = 3,
    PQ_CODEC_BROTLI = 4,
    PQ_CODEC_LZ4 = 5,
    PQ_CODEC_ZSTD = 6,
    PQ_CODEC_LZ4_RAW = 7
};

/* Page types. */
enum { PQ_PAGE_DATA = 0, PQ_PAGE_INDEX = 1, PQ_PAGE_DICTIONARY = 2, PQ_PAGE_DATA_V2 = 3 };

typedef struct iaf_pq_logical {
    int kind;                 /* PQ_LT_*, PQ_LT_NONE when absent */
    int unit;                 /* TIME / TIMESTAMP */
    int adjusted;             /* isAdjustedToUTC */
    int bit_width, is_signed; /* INTEGER */
    int scale, precision;     /* DECIMAL */
} iaf_pq_logical;

typedef struct iaf_pq_schema {
    const char *name;
    int type;        /* physical type, -1 for a group */
    int type_length; /* FIXED_LEN_BYTE_ARRAY width, -1 when absent */
    int repetition;  /* PQ_REQUIRED.., -1 when absent */
    int num_children;
    int converted;        /* PQ_CT_*, -1 when absent */
    int scale, precision; /* -1 when absent */
    iaf_pq_logical logical;
} iaf_pq_schema;

typedef struct iaf_pq_stats {
    int has_min, has_max, has_null_count, has_distinct;
    iaf_sv min, max; /* min_value/max_value, else the legacy min/max */
    int legacy;      /* min/max came from the deprecated fields */
    int64_t null_count, distinct_count;
} iaf_pq_stats;

typedef struct iaf_pq_chunk {
    int has_meta;
    const char *file_path; /* NULL unless the chunk lives in another file */
    int type;
    int *encodings;
    size_t nencodings;
    const char **path;
    size_t npath;
    int codec;
    int64_t num_values, total_uncompressed, total_compressed;
    int64_t data_page_offset, index_page_offset, dictionary_page_offset;
    int has_dict_offset, has_index_offset;
    iaf_pq_stats stats;
    int encrypted;
} iaf_pq_chunk;

typedef struct iaf_pq_rowgroup {
    iaf_pq_chunk *cols;
    size_t ncols;
    int64_t total_byte_size, num_rows, total_compressed;
    int has_total_compressed;
} iaf_pq_rowgroup;

typedef struct iaf_pq_kv {
    const char *key, *value; /* value NULL when absent */
} iaf_pq_kv;

/* A leaf (primitive) column of the schema tree. */
typedef struct iaf_pq_leaf {
    size_t schema_index;
    int top; /* index of its top-level field */
    int max_def, max_rep;
    char *dotted; /* "a.b.c" */
} iaf_pq_leaf;

typedef struct iaf_pq_meta {
    int version;
    iaf_pq_schema *schema;
    size_t nschema;
    int64_t num_rows;
    iaf_pq_rowgroup *rgs;
    size_t nrgs;
    const char *created_by;
    int encrypted; /* plaintext footer of an encrypted file */
    iaf_pq_kv *kv;
    size_t nkv;
    /* derived */
    iaf_pq_leaf *leaves;
    size_t nleaves;
    size_t *top; /* schema index of each top-level field */
    size_t ntop;
    int *depth; /* per schema element, for printing */
    unsigned char *footer;
    size_t footer_len;
    uint64_t footer_offset;
    iaf_arena arena;
} iaf_pq_meta;

/* Read and decode the footer of f. */
iaf_status iaf_pq_meta_read(iaf_file *f, iaf_pq_meta **out, iaf_error *err);
/* Decode a footer held in memory (footer_offset is its place in the file, for errors). */
iaf_status iaf_pq_meta_parse(const unsigned char *buf, size_t len, uint64_t footer_offset,
                             const char *fname, iaf_pq_meta **out, iaf_error *err);
void iaf_pq_meta_free(iaf_pq_meta *m);

typedef struct iaf_pq_page_header {
    int type;
    int32_t uncompressed_size, compressed_size;
    /* data page v1/v2, dictionary page */
    int32_t num_values;
    int encoding;
    int def_encoding, rep_encoding; /* v1 */
    int32_t num_nulls, num_rows;    /* v2 */
    int32_t def_len, rep_len;       /* v2 */
    int is_compressed;              /* v2, default 1 */
    int has_data, has_dict, has_v2;
} iaf_pq_page_header;

/* Decode a page header at buf; *used receives its length. Returns 0, or -1
 * with a message in msg. */
int iaf_pq_page_header_parse(const unsigned char *buf, size_t len, iaf_pq_page_header *h,
                             size_t *used, char *msg, size_t msgsize);

/* Decompress src into exactly dst_len bytes. Returns IAF_OK, or a status with
 * a message in msg ("unsupported: codec LZO", "corrupt snappy data"). */
iaf_status iaf_pq_decompress(int codec, const unsigned char *src, size_t src_len,
                             unsigned char *dst, size_t dst_len, char *msg, size_t msgsize);
/* The same with a decompression context kept in *zctx between calls (NULL at
 * first; created when a codec needs one; freed with iaf_pq_decompress_ctx_free). */
iaf_status iaf_pq_decompress_ctx(void **zctx, int codec, const unsigned char *src, size_t src_len,
                                 unsigned char *dst, size_t dst_len, char *msg, size_t msgsize);
void iaf_pq_decompress_ctx_free(void *zctx);
const char *iaf_pq_codec_name(int codec);
const char *iaf_pq_encoding_name(int enc);
const char *iaf_pq_type_name(int type);
const char *iaf_pq_converted_name(int ct);

/* ---- value decoders (encodings.c). All return 0 on success, -1 on bad data. */

/* Resumable RLE / bit-packed hybrid decoder (width 0..32, no length prefix). */
typedef struct iaf_pq_rle {
    const unsigned char *p, *end;
    int width;
    uint64_t rle_left; /* values left in the current RLE run */
    uint32_t rle_val;
    uint64_t bp_left; /* values left in the current bit-packed run */
    uint32_t grp[8];  /* the current bit-packed group, unpacked */
    int grp_pos;      /* next value in grp; 8 = none buffered */
} iaf_pq_rle;
void iaf_pq_rle_init(iaf_pq_rle *d, const unsigned char *p, size_t len, int width);
/* Decode the next n values into out; -1 when the data ends first or is bad. */
int iaf_pq_rle_next(iaf_pq_rle *d, uint32_t *out, size_t n);

/* When the next n values are all v in one run (RLE), skip them and return 1;
 * otherwise return 0 with nothing consumed but, perhaps, the next run's header
 * (iaf_pq_rle_next continues from there). Definition levels of a column
 * without nulls are such a run: no level is decoded per row. */
int iaf_pq_rle_skip_run(iaf_pq_rle *d, uint32_t v, size_t n);

/* One-shot form: decodes exactly n values. */
int iaf_pq_rle_decode(const unsigned char *p, size_t len, int width, uint32_t *out, size_t n);
/* Legacy BIT_PACKED levels (MSB first). */
int iaf_pq_bitpacked_msb_decode(const unsigned char *p, size_t len, int width, uint32_t *out,
                                size_t n);
/* DELTA_BINARY_PACKED: decode up to n values (exactly n required); *used gets the bytes consumed.
 */
int iaf_pq_delta_decode(const unsigned char *p, size_t len, int64_t *out, size_t n, size_t *used);
/* Number of values announced in a DELTA_BINARY_PACKED header; -1 unless the
 * block headers and bit widths that follow can hold that many values. */
int iaf_pq_delta_count(const unsigned char *p, size_t len, uint64_t *count);

/* ---- text rendering of typed values (values.c) */

/* How a leaf column is presented. */
enum { PQ_PRES_STR, PQ_PRES_I64, PQ_PRES_F64 };
enum {
    PQ_CONV_RAW, /* bytes as they are */
    PQ_CONV_BOOL,
    PQ_CONV_INT,     /* signed integer (I64) */
    PQ_CONV_UINT32,  /* I64 */
    PQ_CONV_UINT64,  /* text */
    PQ_CONV_DECIMAL, /* text */
    PQ_CONV_DATE,
    PQ_CONV_TIME, /* with unit */
    PQ_CONV_TIMESTAMP,
    PQ_CONV_INT96,
    PQ_CONV_FLOAT,   /* F64 */
    PQ_CONV_FLOAT16, /* F64 */
    PQ_CONV_UUID,
    PQ_CONV_NULL /* UNKNOWN logical type: all null */
};

typedef struct iaf_pq_conv {
    int conv;
    int pres;
    int unit;  /* PQ_UNIT_* for TIME / TIMESTAMP */
    int scale; /* DECIMAL */
} iaf_pq_conv;

void iaf_pq_conv_for(const iaf_pq_schema *s, iaf_pq_conv *c);

/* Render one plain-encoded value of physical type `type` (bytes p, len) as
 * text per the conversion. buf must hold at least iaf_pq_text_max(len) bytes.
 * Returns the text length. */
size_t iaf_pq_render(const iaf_pq_conv *c, int type, const unsigned char *p, size_t len, char *buf);
size_t iaf_pq_text_max(size_t len);
/* Decimal text of a big-endian two's complement integer with `scale` digits
 * after the point. */
size_t iaf_pq_decimal_text(const unsigned char *p, size_t len, int scale, char *buf);
double iaf_pq_half_to_double(uint16_t h);
/* Append the text of a statistics value (plain-encoded bytes) of column s;
 * bytes that are not UTF-8 become "0x" + hex. Returns 0, -1 on OOM. */
int iaf_pq_render_stat(const iaf_pq_schema *s, iaf_sv v, iaf_buf *out);

/* Decode every flat leaf column of every row group (for `iaf inspect`'s
 * verification). Returns the first error. */
iaf_status iaf_pq_verify(iaf_file *f, size_t *ncols_checked, iaf_error *err);

#endif
