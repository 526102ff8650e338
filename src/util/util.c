#include "util/util.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
/* xxHash compiled in (header-only): the library needs no libxxhash symbols, so
 * a static link cannot meet libfyaml.a's own copy of the older XXH64 ones */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "iaf/alloc.h"

/* The one allocator (iaf/alloc.h). These adapters are the only calls of
 * the C library's allocator in the library; everything else goes through
 * iaf_malloc and friends, which scripts/route-allocations.py --check
 * enforces. */
static void *libc_malloc(size_t n, void *user)
{
    (void)user;
    return malloc(n);
}

static void *libc_calloc(size_t n, size_t size, void *user)
{
    (void)user;
    return calloc(n, size);
}

static void *libc_realloc(void *p, size_t n, void *user)
{
    (void)user;
    return realloc(p, n);
}

static void libc_free(void *p, void *user)
{
    (void)user;
    free(p);
}

static const iaf_alloc_funcs libc_funcs = {libc_malloc, libc_calloc, libc_realloc, libc_free, NULL};
static iaf_alloc_funcs alloc_funcs = {libc_malloc, libc_calloc, libc_realloc, libc_free, NULL};

/* jansson's hooks take no user pointer: they go through ours. jansson
 * reports a failed allocation inside its parser as a syntax error, so the
 * hook remembers it (per thread) for iaf_json_alloc_failed. */
static _Thread_local int json_alloc_failed;

static void *json_malloc_hook(size_t n)
{
    void *p = iaf_malloc(n);
    if (!p) json_alloc_failed = 1;
    return p;
}

static void json_free_hook(void *p)
{
    iaf_free(p);
}

static pthread_once_t json_once = PTHREAD_ONCE_INIT;

static void json_install(void)
{
    json_set_alloc_funcs(json_malloc_hook, json_free_hook);
}

void iaf_json_prepare(void)
{
    pthread_once(&json_once, json_install);
    json_alloc_failed = 0;
}

int iaf_json_alloc_failed(void)
{
    return json_alloc_failed;
}

iaf_status iaf_set_alloc_funcs(const iaf_alloc_funcs *funcs)
{
    if (funcs && (!funcs->malloc_fn || !funcs->realloc_fn || !funcs->free_fn))
        return IAF_ERR_INVALID;
    alloc_funcs = funcs ? *funcs : libc_funcs;
    json_install();
    return IAF_OK;
}

void iaf_get_alloc_funcs(iaf_alloc_funcs *out)
{
    *out = alloc_funcs;
}

void *iaf_malloc(size_t n)
{
    if (n > IAF_ALLOC_CAP) return NULL;
    return alloc_funcs.malloc_fn(n ? n : 1, alloc_funcs.user);
}

void *iaf_calloc(size_t n, size_t size)
{
    if (!n) n = 1;
    if (!size) size = 1;
    if (n > IAF_ALLOC_CAP / size) return NULL;
    if (alloc_funcs.calloc_fn) return alloc_funcs.calloc_fn(n, size, alloc_funcs.user);
    void *p = alloc_funcs.malloc_fn(n * size, alloc_funcs.user);
    if (p) memset(p, 0, n * size);
    return p;
}

void *iaf_realloc(void *p, size_t n)
{
    if (n > IAF_ALLOC_CAP) return NULL;
    return alloc_funcs.realloc_fn(p, n ? n : 1, alloc_funcs.user);
}

void *iaf_realloc_array(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    return iaf_realloc(p, n * size);
}

void iaf_free(void *p)
{
    if (p) alloc_funcs.free_fn(p, alloc_funcs.user);
}

char *iaf_strdup(const char *s)
{
    return s ? iaf_strndup(s, strlen(s)) : NULL;
}

char *iaf_strndup(const char *s, size_t n)
{
    /* n bytes exactly (views may hold NULs), unlike the C library's */
    if (n == SIZE_MAX) return NULL;
    char *d = iaf_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

int iaf_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    assert(elem > 0 && (*p != NULL || *cap == 0));
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2) return -1;
        nc *= 2;
    }
    void *q = iaf_realloc_array(*p, nc, elem);
    if (!q) return -1;
    *p = q;
    *cap = nc;
    return 0;
}

int iaf_buf_reserve(iaf_buf *b, size_t extra)
{
    assert(b->data ? b->len < b->cap : b->len == 0 && b->cap == 0);
    if (extra > SIZE_MAX - b->len - 1) return -1;
    return iaf_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1);
}

int iaf_buf_append(iaf_buf *b, const void *p, size_t n)
{
    if (iaf_buf_reserve(b, n) != 0) return -1;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int iaf_buf_puts(iaf_buf *b, const char *s)
{
    return iaf_buf_append(b, s, strlen(s));
}

int iaf_buf_printf(iaf_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0 || iaf_buf_reserve(b, (size_t)k) != 0) return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)k;
    return 0;
}

void iaf_buf_free(iaf_buf *b)
{
    iaf_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

struct iaf_arena_block {
    iaf_arena_block *next;
    max_align_t align_;
    unsigned char data[];
};

void *iaf_arena_alloc(iaf_arena *a, size_t n)
{
    assert(a->used <= a->size && (a->head != NULL || a->size == 0));
    if (n > SIZE_MAX - 7) return NULL;
    n = (n + 7) & ~(size_t)7;
    if (!a->head || a->size - a->used < n) {
        size_t sz = a->size ? a->size * 2 : 64 * 1024;
        if (sz > 16u << 20) sz = 16u << 20;
        if (sz < n) sz = n;
        if (sz > SIZE_MAX - sizeof(iaf_arena_block)) return NULL;
        iaf_arena_block *blk = iaf_malloc(sizeof *blk + sz);
        if (!blk) return NULL;
        blk->next = a->head;
        a->head = blk;
        a->size = sz;
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += n;
    return p;
}

char *iaf_arena_strndup(iaf_arena *a, const char *s, size_t n)
{
    char *d = iaf_arena_alloc(a, n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void iaf_arena_free(iaf_arena *a)
{
    iaf_arena_block *b = a->head;
    while (b) {
        iaf_arena_block *n = b->next;
        iaf_free(b);
        b = n;
    }
    a->head = NULL;
    a->used = a->size = 0;
}

uint64_t iaf_hash(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}

static int strmap_rehash(iaf_strmap *m, size_t nslots)
{
    assert(nslots && (nslots & (nslots - 1)) == 0 && m->n < nslots);
    uint32_t *s = iaf_calloc(nslots, sizeof *s);
    if (!s) return -1;
    for (size_t id = 0; id < m->n; id++) {
        size_t i = m->hashes[id] & (nslots - 1);
        while (s[i])
            i = (i + 1) & (nslots - 1);
        s[i] = (uint32_t)id + 1;
    }
    iaf_free(m->slots);
    m->slots = s;
    m->nslots = nslots;
    return 0;
}

int64_t iaf_strmap_find(const iaf_strmap *m, const char *s, size_t len)
{
    if (!m->nslots) return -1;
    uint64_t h = iaf_hash(s, len);
    size_t i = h & (m->nslots - 1);
    for (;;) {
        uint32_t v = m->slots[i];
        if (!v) return -1;
        size_t id = v - 1;
        if (m->hashes[id] == h && m->keys[id].len == len &&
            (len == 0 || memcmp(m->keys[id].ptr, s, len) == 0))
            return (int64_t)id;
        i = (i + 1) & (m->nslots - 1);
    }
}

int64_t iaf_strmap_intern(iaf_strmap *m, const char *s, size_t len)
{
    uint64_t h = iaf_hash(s, len);
    if (m->nslots) {
        size_t i = h & (m->nslots - 1);
        for (;;) {
            uint32_t v = m->slots[i];
            if (!v) break;
            size_t id = v - 1;
            if (m->hashes[id] == h && m->keys[id].len == len &&
                (len == 0 || memcmp(m->keys[id].ptr, s, len) == 0))
                return (int64_t)id;
            i = (i + 1) & (m->nslots - 1);
        }
    }
    if (m->n >= UINT32_MAX - 1) return -1;
    if ((m->n + 1) * 2 > m->nslots && strmap_rehash(m, m->nslots ? m->nslots * 2 : 64) != 0)
        return -1;
    if (m->n == m->cap) {
        size_t c1 = m->cap, c2 = m->cap;
        if (IAF_GROW(m->keys, c1, m->n + 1) != 0 || IAF_GROW(m->hashes, c2, m->n + 1) != 0)
            return -1;
        m->cap = IAF_MIN(c1, c2);
    }
    char *copy = iaf_arena_strndup(&m->arena, s, len);
    if (!copy) return -1;
    size_t id = m->n++;
    assert(m->n <= m->cap && m->n * 2 <= m->nslots);
    m->keys[id] = (iaf_sv){copy, len};
    m->hashes[id] = h;
    size_t i = h & (m->nslots - 1);
    while (m->slots[i])
        i = (i + 1) & (m->nslots - 1);
    m->slots[i] = (uint32_t)id + 1;
    return (int64_t)id;
}

void iaf_strmap_free(iaf_strmap *m)
{
    iaf_free(m->slots);
    iaf_free(m->keys);
    iaf_free(m->hashes);
    iaf_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

int iaf_sv_cmp(iaf_sv a, iaf_sv b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c) return c;
    return a.len < b.len ? -1 : a.len > b.len;
}

int iaf_sv_shown(iaf_sv s)
{
    size_t n = s.len;
    if (n > 60) {
        n = 60;
        while (n > 0 && ((unsigned char)s.ptr[n] & 0xC0) == 0x80)
            n--;
    }
    return (int)n;
}

size_t iaf_fmt_i64(char *buf, int64_t v)
{
    int k = snprintf(buf, 32, "%lld", (long long)v);
    return (size_t)k;
}

size_t iaf_fmt_f64(char *buf, double v)
{
    if (isnan(v)) return (size_t)snprintf(buf, 32, "NaN");
    if (isinf(v)) return (size_t)snprintf(buf, 32, v > 0 ? "Infinity" : "-Infinity");
    if (v == 0) return (size_t)snprintf(buf, 32, "0");
    if (fabs(v) < 9007199254740992.0 && v == floor(v)) return (size_t)snprintf(buf, 32, "%.0f", v);
    for (int prec = 15; prec <= 17; prec++) {
        int k = snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return (size_t)k;
    }
    return (size_t)snprintf(buf, 32, "%.17g", v);
}

int iaf_parse_double(iaf_sv s, double *out)
{
    if (!s.ptr) return 0;
    size_t i = 0, j = s.len;
    while (i < j && (s.ptr[i] == ' ' || s.ptr[i] == '\t'))
        i++;
    while (j > i && (s.ptr[j - 1] == ' ' || s.ptr[j - 1] == '\t'))
        j--;
    if (i == j || j - i > 64) return 0;
    char tmp[72];
    memcpy(tmp, s.ptr + i, j - i);
    tmp[j - i] = '\0';
    /* reject hex floats, "inf", "nan": statistics-office tables never mean them */
    for (size_t k = 0; k < j - i; k++) {
        char c = tmp[k];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return 0;
    }
    char *end;
    double v = strtod(tmp, &end);
    if (*end != '\0' || !isfinite(v)) return 0;
    *out = v;
    return 1;
}
