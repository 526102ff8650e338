/* src/util/util.h - small internal helpers shared by every module:
 * checked allocation, growable arrays, a bump arena and string interning.
 * Nothing here is public API.
 */
#ifndef IAF_UTIL_H
#define IAF_UTIL_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "iaf/alloc.h"
#include "iaf/source.h"
#include "iaf/status.h"

#define IAF_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define IAF_MIN(a, b) ((a) < (b) ? (a) : (b))
#define IAF_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Hard cap on any single allocation whose size comes from an input file.
 * Readers check sizes against the file size first; this is the backstop. */
#define IAF_ALLOC_CAP ((size_t)1 << 32)

/* Allocation helpers over the installed allocator (iaf/alloc.h): return
 * NULL on failure, overflow or a request over IAF_ALLOC_CAP (never abort);
 * a request for 0 bytes gets 1. Free everything with iaf_free. They are
 * the only way the library allocates: scripts/route-allocations.py rewrites
 * raw malloc/calloc/realloc/strdup/free calls to them, and its --check
 * (the CTest cli.alloc_lint) fails on any left outside this file. Memory
 * that another library owns is freed its own way on a line marked
 * libc-owned. */
void *iaf_malloc(size_t n);
void *iaf_calloc(size_t n, size_t size);
void *iaf_realloc(void *p, size_t n);
void *iaf_realloc_array(void *p, size_t n, size_t size);
/* iaf_strndup copies exactly n bytes (a view may hold NULs) and adds a NUL. */
char *iaf_strdup(const char *s);
char *iaf_strndup(const char *s, size_t n);

/* Point jansson at the allocator (once; harmless to jansson objects made
 * before, since the default allocator is the C library's) and clear this
 * thread's failure flag: call before a jansson parse. iaf_json_alloc_failed
 * then tells whether an allocation inside jansson failed, which jansson
 * itself reports as a syntax error. */
void iaf_json_prepare(void);
int iaf_json_alloc_failed(void);

/* Grow *p (an array of elem-sized items with capacity *cap) to hold at least
 * need items. Returns 0 on success, -1 when out of memory (p unchanged). */
int iaf_grow(void **p, size_t *cap, size_t need, size_t elem);
#define IAF_GROW(arr, cap, need) iaf_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* Growable byte buffer (always NUL-terminated when len > 0 or after any append). */
typedef struct iaf_buf {
    char *data;
    size_t len, cap;
} iaf_buf;
int iaf_buf_reserve(iaf_buf *b, size_t extra);
int iaf_buf_append(iaf_buf *b, const void *p, size_t n);
int iaf_buf_puts(iaf_buf *b, const char *s);
int iaf_buf_printf(iaf_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void iaf_buf_free(iaf_buf *b);

/* Bump arena for many small immutable strings. */
typedef struct iaf_arena_block iaf_arena_block;
typedef struct iaf_arena {
    iaf_arena_block *head;
    size_t used, size; /* of head */
} iaf_arena;
void *iaf_arena_alloc(iaf_arena *a, size_t n); /* 8-byte aligned; NULL on OOM */
char *iaf_arena_strndup(iaf_arena *a, const char *s, size_t n);
void iaf_arena_free(iaf_arena *a);

uint64_t iaf_hash(const void *p, size_t n);

/* String interning: byte strings -> dense ids 0..n-1 in insertion order.
 * Strings are copied into an internal arena; iaf_strmap_get returns a view
 * valid until iaf_strmap_free. */
typedef struct iaf_strmap {
    uint32_t *slots; /* id+1, 0 = empty */
    size_t nslots;
    iaf_sv *keys;
    uint64_t *hashes;
    size_t n, cap;
    iaf_arena arena;
} iaf_strmap;
/* Returns the id, inserting when absent; -1 on out of memory. */
int64_t iaf_strmap_intern(iaf_strmap *m, const char *s, size_t len);
/* Returns the id or -1 when absent. */
int64_t iaf_strmap_find(const iaf_strmap *m, const char *s, size_t len);
static inline size_t iaf_strmap_size(const iaf_strmap *m)
{
    return m->n;
}
static inline iaf_sv iaf_strmap_get(const iaf_strmap *m, size_t id)
{
    assert(id < m->n);
    return m->keys[id];
}
void iaf_strmap_free(iaf_strmap *m);

/* Byte-order comparison of two views (memcmp, then length). */
int iaf_sv_cmp(iaf_sv a, iaf_sv b);
static inline int iaf_sv_eq_str(iaf_sv a, const char *s)
{
    size_t n = strlen(s);
    return a.ptr && a.len == n && memcmp(a.ptr, s, n) == 0;
}
/* How much of a label a message quotes ("%.*s"): up to 60 bytes, cut on a
 * UTF-8 character boundary. */
int iaf_sv_shown(iaf_sv s);

/* Canonical text of numbers, used wherever a number becomes a category:
 * integers in decimal; doubles in the shortest form that round-trips
 * ("%.15g".."%.17g"), integral doubles without a decimal point. Returns
 * the length written (buf must hold 32 bytes). */
size_t iaf_fmt_i64(char *buf, int64_t v);
size_t iaf_fmt_f64(char *buf, double v);

/* Parse a whole view as a finite double (leading/trailing ASCII spaces
 * allowed; "1,234" is not a number). Returns 1 on success. */
int iaf_parse_double(iaf_sv s, double *out);

#endif
