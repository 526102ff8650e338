/* iaf/alloc.h - the one allocator of the library.
 *
 * Every heap allocation iaf makes goes through the functions installed
 * here (the C library's by default), in the manner of jansson's
 * json_set_alloc_funcs and SQLite's SQLITE_CONFIG_MALLOC: a host language
 * can account for or cap iaf's memory, and tests fail the k-th allocation
 * to prove that every out-of-memory path is clean.
 *
 * iaf also points jansson at these functions (json_set_alloc_funcs), so
 * strings jansson returns inside iaf are freed with iaf_free, and PCRE2
 * (through a general context). Allocations made inside other libraries
 * are not hooked: libfyaml (the spec parser; its 0.7/0.8 API has no
 * allocator), glob, utf8proc, iconv, the Parquet codecs' internal state,
 * and the threads library (docs/reliability.md).
 */
#ifndef IAF_ALLOC_H
#define IAF_ALLOC_H

#include <stddef.h>

#include "iaf/defs.h"
#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The allocator. Each function gets the user pointer as its last argument.
 * malloc_fn and realloc_fn return NULL on failure; realloc_fn(NULL, n) must
 * allocate and free_fn(NULL) must do nothing, as in the C library. iaf never
 * asks for 0 bytes. calloc_fn may be NULL: iaf then calls malloc_fn and
 * clears the memory itself. The functions must be thread-safe: scans run
 * on worker threads. */
typedef struct iaf_alloc_funcs {
    void *(*malloc_fn)(size_t size, void *user);
    void *(*calloc_fn)(size_t count, size_t size, void *user); /* optional */
    void *(*realloc_fn)(void *ptr, size_t size, void *user);
    void (*free_fn)(void *ptr, void *user);
    void *user;
} iaf_alloc_funcs;

/* Install funcs (copied), or the C library's when funcs is NULL. Call it
 * before any other iaf function, while no iaf object or string is alive:
 * memory must be freed by the allocator that made it. Not thread-safe.
 * Returns IAF_ERR_INVALID when a required function is missing. */
IAF_API iaf_status iaf_set_alloc_funcs(const iaf_alloc_funcs *funcs);

/* The functions in use (the C library's through small adapters when none
 * were installed). */
IAF_API void iaf_get_alloc_funcs(iaf_alloc_funcs *out);

/* Free memory that iaf allocated and handed over; NULL is a no-op. */
IAF_API void iaf_free(void *ptr);

/* Allocate through the installed functions, as the library does: a request
 * above the library's cap fails (NULL), a request for 0 bytes gets 1 byte.
 * For programs that hand memory to iaf or want their own allocations to
 * follow the same hook (the iaf tool does both). Free with iaf_free. */
IAF_API void *iaf_malloc(size_t n);
IAF_API void *iaf_calloc(size_t n, size_t size);
IAF_API void *iaf_realloc(void *p, size_t n);
IAF_API char *iaf_strdup(const char *s);

#ifdef __cplusplus
}
#endif

#endif
