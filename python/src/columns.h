/* Columns held in Python memory (a pandas DataFrame's arrays, Arrow record
 * batches) presented to libiaf as a source of column batches
 * (iaf_source_open_callbacks). Rows are converted batch by batch into
 * small per-call buffers, or handed over as they are where libiaf reads
 * the layout directly (int32 dictionary codes, int64 values, prepared
 * string views), so a column is never copied whole.
 */
#ifndef IAF_PY_COLUMNS_H
#define IAF_PY_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

#include <iaf/iaf.h>

typedef enum xkind {
    XK_SV = 0,   /* sv[row]: prepared views, ptr NULL for null */
    XK_CODES,    /* dict[code]: integer codes of `width` bytes; negative or invalid = null */
    XK_INT,      /* integers of `width` bytes (is_unsigned) */
    XK_FLOAT,    /* IEEE floats of `width` bytes (4 or 8); NaN = null */
    XK_STR32,    /* Arrow utf8 / binary: int32 offsets, chars */
    XK_STR64,    /* Arrow large_utf8 / large_binary: int64 offsets, chars */
    XK_BOOLBITS, /* Arrow boolean: one bit per value */
    XK_NULL,     /* every value null */
    XK_BAD       /* a type iaf does not count: `why` says which */
} xkind;

typedef struct xcol {
    xkind kind;
    const void *data;      /* values, codes or offsets */
    int width;             /* bytes per value: XK_CODES, XK_INT, XK_FLOAT */
    int is_unsigned;       /* XK_CODES, XK_INT */
    const uint8_t *bitmap; /* Arrow validity bitmap (bit per element), or NULL */
    const uint8_t *validb; /* a byte per row, 0 = null (pandas masks), or NULL */
    int64_t off;           /* Arrow offset: index of the chunk's row 0 in data and bitmap */
    const char *chars;     /* XK_STR32 / XK_STR64 */
    const iaf_sv *sv;      /* XK_SV */
    const iaf_sv *dict;    /* XK_CODES */
    size_t ndict;
    uint64_t dict_id;
    char why[160]; /* XK_BAD */
} xcol;

typedef struct xchunk {
    int64_t nrows;
    int64_t first_row; /* of the whole dataset */
    xcol *cols;        /* ncols */
} xchunk;

typedef struct xpart {
    size_t chunk;
    int64_t lo, hi;
} xpart;

typedef struct xsource {
    const char *name; /* in errors: "<DataFrame>", "<Arrow stream>" */
    size_t ncols;
    char **names;
    xchunk *chunks; /* xs_add_chunk */
    size_t nchunks, chunk_cap;
    xpart *parts;
    size_t nparts;
    /* memory to free with the source */
    void **owned;
    size_t nowned, owned_cap;
} xsource;

/* Allocation helpers: calloc'd memory recorded in s->owned; NULL when out
 * of memory. */
void *xs_alloc(xsource *s, size_t n, size_t size);
char *xs_strdup(xsource *s, const char *str);
/* One more chunk (zeroed, its cols allocated), or NULL when out of memory. */
xchunk *xs_add_chunk(xsource *s);
/* Cut the chunks into parts of at most `rows` rows. -1 when out of memory. */
int xs_make_parts(xsource *s, int64_t rows);
/* Free what the source owns (not the struct). */
void xs_clear(xsource *s);
/* A fresh dictionary id (unique in the process). */
uint64_t xs_dict_id(void);

/* The read_part callback of iaf_source_callbacks over an xsource. */
iaf_status xs_read_part(void *ctx, size_t part, const size_t *proj, size_t nproj,
                        iaf_emit_batch_fn emit, void *emit_ctx, iaf_error *err);

#endif
