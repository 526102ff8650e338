/* src/io/encoding.h - text decoding and small helpers shared by the CSV
 * and JSONL readers: conversion to UTF-8 through iconv, UTF-8 validation,
 * and a scratch allocator whose pointers stay put until it is reset.
 */
#ifndef IAF_IO_ENCODING_H
#define IAF_IO_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/status.h"
#include "io/file.h"

/* Which decoding an encoding option asks for. */
typedef enum iaf_text_encoding {
    IAF_ENC_UTF8 = 0, /* NULL, "utf-8", "utf8" (any case) */
    IAF_ENC_CP949     /* "cp949", "euc-kr", "euckr", "uhc" (any case): decoded as CP949,
                         a superset of EUC-KR, since files labelled EUC-KR are
                         routinely CP949 in practice */
} iaf_text_encoding;

/* Map an option string to an encoding; an unknown name is IAF_ERR_INVALID
 * naming it (file is used for the error location only). */
iaf_status iaf_text_encoding_parse(const char *name, iaf_text_encoding *enc, const char *file,
                                   iaf_error *err);

/* Convert n bytes of `encoding` text to UTF-8. On success *out is a
 * malloc'd buffer owned by the caller, *outlen bytes long and followed by
 * a NUL byte (not counted). An invalid or truncated sequence is
 * IAF_ERR_PARSE with its byte offset, line and column in the input. For a
 * UTF-8 encoding the input is copied after validation. */
iaf_status iaf_to_utf8(const char *encoding, const unsigned char *in, size_t n, unsigned char **out,
                       size_t *outlen, const char *file, iaf_error *err);

/* Length of the longest valid UTF-8 prefix of s[0..n): n when all is valid.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
size_t iaf_utf8_valid_prefix(const unsigned char *s, size_t n);

/* "UTF-16LE", "UTF-16BE", "UTF-32LE" or "UTF-32BE" when the head of a text
 * file (its first bytes) has that byte-order mark, or the NUL pattern of
 * ASCII text in that encoding; NULL otherwise. Readers say so instead of
 * reporting the first NUL byte. */
const char *iaf_wide_encoding(const unsigned char *head, size_t n);
#define IAF_WIDE_ENCODING_HINT "convert it to UTF-8 (e.g. iconv -f %s -t UTF-8)"

static inline int iaf_utf8_valid(const unsigned char *s, size_t n)
{
    return iaf_utf8_valid_prefix(s, n) == n;
}

/* Scratch memory for one batch: allocations stay valid until the next
 * reset or free, so views may point into it while more is allocated. */
typedef struct iaf_scratch_chunk iaf_scratch_chunk;
typedef struct iaf_scratch {
    iaf_scratch_chunk *head; /* current chunk; older ones follow */
    size_t used;             /* bytes used in head */
} iaf_scratch;

/* n bytes (no alignment guarantee); NULL when out of memory. */
char *iaf_scratch_alloc(iaf_scratch *s, size_t n);
/* Forget all allocations, keeping the largest chunk for reuse. */
void iaf_scratch_reset(iaf_scratch *s);
void iaf_scratch_free(iaf_scratch *s);

/* Coordination of the parts of one large text file scanned by several
 * workers. A file is cut at byte offsets into ranges; part k's first row is
 * the first row starting in its range, so a worker needs counts over all
 * earlier ranges (line ends, quote parity, rows) before it can number its
 * rows. Each range's counts are computed once by whichever worker needs
 * them first (a worker never waits for another: if a range is being
 * counted elsewhere it counts it too). Errors are made deterministic: a
 * worker that fails re-validates earlier parts (once each, memoised) and
 * reports the first error of the file. */
typedef struct iaf_text_stats {
    int failed;          /* the range could not be read (I/O error) */
    long long nl;        /* LF bytes in the range */
    long long rows_even; /* rows starting in the range if it starts outside quotes */
    long long rows_odd;  /* ... if it starts inside a quoted field (CSV only) */
    int flip;            /* odd number of '"' in the range (CSV only) */
} iaf_text_stats;

typedef struct iaf_text_parts iaf_text_parts;
typedef void (*iaf_text_stats_fn)(void *ctx, size_t range, iaf_text_stats *out);

iaf_text_parts *iaf_text_parts_create(size_t nparts);
void iaf_text_parts_free(iaf_text_parts *tp);
/* Counts of range j, computed with fn(ctx, j, ..) unless already known. */
void iaf_text_parts_stats(iaf_text_parts *tp, size_t j, iaf_text_stats_fn fn, void *ctx,
                          iaf_text_stats *out);
/* Counts over all ranges before part k combined: nl = LFs, rows_even =
 * rows, flip = quote parity at the start of range k. Sums are cached, so
 * asking for parts in order costs one range each. */
void iaf_text_parts_prefix(iaf_text_parts *tp, size_t k, iaf_text_stats_fn fn, void *ctx,
                           iaf_text_stats *out);
/* Hand-off: a part read to its end knows where the next part starts (its
 * first row's byte offset, line number and row index), which spares that
 * part the counting pass over everything before it - a pass that costs as
 * much as parsing. The first hand-over of a part wins; handed returns 1 and
 * the start once one has been made. */
void iaf_text_parts_hand_over(iaf_text_parts *tp, size_t part, uint64_t pos, long long line,
                              long long row);
int iaf_text_parts_handed(iaf_text_parts *tp, size_t part, uint64_t *pos, long long *line,
                          long long *row);
/* Part outcome memo: 0 unknown, 1 read without error, 2 failed (error kept). */
int iaf_text_parts_outcome(iaf_text_parts *tp, size_t part, iaf_error *err);
void iaf_text_parts_set_clean(iaf_text_parts *tp, size_t part);
void iaf_text_parts_set_failed(iaf_text_parts *tp, size_t part, const iaf_error *err);

/* The input of a text reader: decoded text in memory, or a file read in
 * windows with pread (on virtual machines, faulting in a large mapping page
 * by page costs several times more than copying into a small buffer that
 * stays in cache). */
typedef struct iaf_text_in {
    iaf_file *f;              /* read through windows when mem is NULL */
    const unsigned char *mem; /* whole text */
    uint64_t size;
} iaf_text_in;

/* A window [off, off + len) of the input. For memory input it is the
 * whole rest of the text; for files, a private buffer. */
typedef struct iaf_text_ahead iaf_text_ahead;
typedef struct iaf_text_win {
    unsigned char *buf;
    size_t cap;
    const unsigned char *p; /* first byte of the window */
    size_t len;
    uint64_t off;
    int eof;               /* the window reaches the end of the input */
    iaf_text_ahead *ahead; /* the read-ahead thread, or NULL */
} iaf_text_win;

/* Move the window to start at `from` holding at least `need` bytes (fewer
 * only at the end of the input) and, for files, about the configured window
 * size. Bytes already in the window are kept, not read again. */
iaf_status iaf_text_win_load(const iaf_text_in *in, iaf_text_win *w, uint64_t from, size_t need,
                             iaf_error *err);
void iaf_text_win_free(iaf_text_win *w);

/* For one pass from the start to the end of a file: read each next window in a
 * thread of its own while the caller works on the current one, so that copying
 * the text out of the page cache overlaps parsing. The windows, and so every
 * result, are the same as without it. Best effort: without a thread or memory,
 * or for memory input, windows are read in place as before; a read that fails
 * ahead is made again in place, where its error is reported. Stopped by
 * iaf_text_win_free. */
void iaf_text_win_read_ahead(const iaf_text_in *in, iaf_text_win *w);

/* Bytes per window: IAF_TEXT_WINDOW_BYTES from the environment when set
 * (tests use tiny values), else 1 MiB. */
size_t iaf_text_window_bytes(void);

/* Bytes per part for big text files: IAF_TEXT_PART_BYTES from the
 * environment when set (tests use small values), else 32 MiB. */
size_t iaf_text_part_bytes(void);

#endif
