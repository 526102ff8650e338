/* src/core/rawcount.c - see rawcount.h. Per-worker dictionaries and cubes,
 * merged into sorted global ones after the scan. */
#include "core/rawcount.h"
#include "core/rowweights.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/checked.h"
#include "util/hugepage.h"
#include "util/parallel.h"
#include "util/util.h"

/* Unweighted counts of a cube whose columns have few distinct values go to a
 * dense array indexed by the tuple of local ids: one multiply-add and one
 * increment per row instead of hashing the tuple (the hash path was about half
 * of the CPU time of a pair of dictionary-encoded Parquet columns). The array
 * is flushed into the hash cells when a column's dictionary outgrows it and
 * after the scan. */
#define DENSE_MAX_CELLS ((size_t)1 << 17)

typedef struct dense_acc {
    uint32_t *n; /* rows per tuple; NULL = not in use */
    size_t ncells;
    size_t dim[IAF_MAX_CUBE_COLS]; /* ids 0..dim-1 per cube column */
    size_t stride[IAF_MAX_CUBE_COLS];
    uint64_t rows; /* rows since the last flush (uint32 overflow guard) */
    int off;       /* too many cells: hash path from now on */
} dense_acc;

/* Unweighted cubes too large for the dense array keep each cell's tuple of
 * local ids packed into one 64-bit word (column 0 in the high bits, each
 * column as wide as its dictionary needs): a row costs a shift-or per column,
 * one multiplicative hash and a probe that compares the words stored in the
 * slot array itself, so a lookup touches one cache line instead of the slot,
 * the cell's hash and the cell's key (three misses per row made hashing the
 * 7-column joint table the largest cost of the count). Widths grow with the
 * dictionaries (the cells are re-packed); a tuple wider than 62 bits and
 * weighted counts use the generic path. */
#define PACKED_MAX_BITS 62

typedef struct packed_acc {
    int on;                           /* cells live in key[] and count[] */
    unsigned bits[IAF_MAX_CUBE_COLS]; /* per cube column */
    uint64_t *key;                    /* per cell */
    uint64_t *skey;                   /* per slot: packed key + 1, 0 = empty */
    uint32_t *scell;                  /* per slot: cell index */
    size_t nslots;
    uint64_t *buf; /* a batch's packed keys */
    size_t buf_cap;
} packed_acc;

typedef struct cube_acc {
    size_t ncols;
    uint32_t *keys;
    int64_t *count;
    double *wsum, *wsum2;
    uint64_t *hash;
    size_t n, cap;
    uint32_t *slots; /* cell index + 1, 0 = empty */
    size_t nslots;
    dense_acc dense;
    packed_acc pk;
} cube_acc;

/* Numbers become categories through their canonical text; formatting and
 * interning every row cost more than the rest of the count (an int64 age
 * column: ~60 % of the CPU), so a small direct-mapped cache remembers the id
 * of recently seen values. A miss only costs the formatting it replaces. */
#define NUM_CACHE_SIZE 1024

typedef struct num_cache {
    uint64_t bits[NUM_CACHE_SIZE]; /* the int64 or the double's bit pattern */
    uint32_t id[NUM_CACHE_SIZE];   /* local id; 0 = empty slot */
} num_cache;

typedef struct col_state {
    iaf_strmap map;   /* local dictionary: local id = map id + 1 */
    uint64_t dict_id; /* cached translation of a reader dictionary */
    uint32_t *trans;
    size_t trans_cap;
    size_t ntrans;
    num_cache *nums; /* allocated on the first numeric batch */
} col_state;

typedef struct worker {
    col_state *cols;
    cube_acc *cubes;
    uint32_t *ids; /* ncols * batch rows */
    size_t ids_cap;
    double *w;
    size_t w_cap;
    int64_t nrows;
    double wtot, wtot2;
} worker;

typedef struct run_ctx {
    const iaf_rawcount_request *req;
    const iaf_scan_consumer *progress;
    worker *workers;
    int nworkers;
} run_ctx;

static uint64_t key_hash(const uint32_t *k, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= k[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    return h;
}

static int cube_rehash(cube_acc *c, size_t nslots)
{
    uint32_t *s = iaf_calloc(nslots, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < c->n; i++) {
        size_t j = c->hash[i] & (nslots - 1);
        while (s[j])
            j = (j + 1) & (nslots - 1);
        s[j] = (uint32_t)i + 1;
    }
    iaf_free(c->slots);
    c->slots = s;
    c->nslots = nslots;
    return 0;
}

/* Find or insert the cell of key k; returns its index or -1 on OOM. */
static int64_t cube_cell(cube_acc *c, const uint32_t *k)
{
    uint64_t h = key_hash(k, c->ncols);
    size_t nc = c->ncols;
    if (c->nslots) {
        size_t j = h & (c->nslots - 1);
        for (;;) {
            uint32_t v = c->slots[j];
            if (!v) break;
            size_t i = v - 1;
            if (c->hash[i] == h) {
                /* keys are a few words: a loop beats a call to memcmp */
                const uint32_t *ki = c->keys + i * nc;
                size_t m = 0;
                while (m < nc && ki[m] == k[m])
                    m++;
                if (m == nc) return (int64_t)i;
            }
            j = (j + 1) & (c->nslots - 1);
        }
    }
    if (c->n >= UINT32_MAX - 1) return -1;
    if ((c->n + 1) * 2 > c->nslots && cube_rehash(c, c->nslots ? c->nslots * 2 : 256) != 0)
        return -1;
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 64;
        uint32_t *keys = iaf_realloc_array(c->keys, ncap, nc * sizeof *keys);
        if (!keys) return -1;
        c->keys = keys;
        int64_t *cnt = iaf_realloc_array(c->count, ncap, sizeof *cnt);
        if (!cnt) return -1;
        c->count = cnt;
        double *ws = iaf_realloc_array(c->wsum, ncap, sizeof *ws);
        if (!ws) return -1;
        c->wsum = ws;
        double *ws2 = iaf_realloc_array(c->wsum2, ncap, sizeof *ws2);
        if (!ws2) return -1;
        c->wsum2 = ws2;
        uint64_t *hs = iaf_realloc_array(c->hash, ncap, sizeof *hs);
        if (!hs) return -1;
        c->hash = hs;
        c->cap = ncap;
    }
    size_t i = c->n++;
    memcpy(c->keys + i * nc, k, nc * sizeof *k);
    c->count[i] = 0;
    c->wsum[i] = c->wsum2[i] = 0;
    c->hash[i] = h;
    size_t j = h & (c->nslots - 1);
    while (c->slots[j])
        j = (j + 1) & (c->nslots - 1);
    c->slots[j] = (uint32_t)i + 1;
    return (int64_t)i;
}

/* Room for `need` cells, so that inserting them neither reallocates nor
 * rehashes. -1 on OOM. */
static int cube_reserve(cube_acc *c, size_t need)
{
    if (need > c->cap) {
        uint32_t *keys = iaf_realloc_array(c->keys, need, (c->ncols ? c->ncols : 1) * sizeof *keys);
        if (!keys) return -1;
        c->keys = keys;
        int64_t *cnt = iaf_realloc_array(c->count, need, sizeof *cnt);
        if (!cnt) return -1;
        c->count = cnt;
        double *ws = iaf_realloc_array(c->wsum, need, sizeof *ws);
        if (!ws) return -1;
        c->wsum = ws;
        double *ws2 = iaf_realloc_array(c->wsum2, need, sizeof *ws2);
        if (!ws2) return -1;
        c->wsum2 = ws2;
        uint64_t *hs = iaf_realloc_array(c->hash, need, sizeof *hs);
        if (!hs) return -1;
        c->hash = hs;
        c->cap = need;
    }
    size_t ns = c->nslots ? c->nslots : 256;
    while (ns < need * 2)
        ns *= 2;
    return ns != c->nslots || !c->slots ? cube_rehash(c, ns) : 0;
}

static void packed_free(packed_acc *pk)
{
    iaf_free(pk->key);
    iaf_free(pk->skey);
    iaf_free(pk->scell);
    iaf_free(pk->buf);
    pk->key = pk->skey = pk->buf = NULL;
    pk->scell = NULL;
    pk->nslots = pk->buf_cap = 0;
    pk->on = 0;
}

static void cube_free(cube_acc *c)
{
    packed_free(&c->pk);
    iaf_free(c->dense.n);
    iaf_free(c->keys);
    iaf_free(c->count);
    iaf_free(c->wsum);
    iaf_free(c->wsum2);
    iaf_free(c->hash);
    iaf_free(c->slots);
}

static inline uint64_t packed_hash(uint64_t k)
{
    k ^= k >> 31;
    k *= 0x9E3779B97F4A7C15ull;
    return k ^ (k >> 29);
}

static int packed_rehash(packed_acc *pk, size_t n, size_t nslots)
{
    uint64_t *sk = iaf_calloc(nslots, sizeof *sk);
    uint32_t *sc = iaf_malloc(nslots * sizeof *sc);
    if (!sk || !sc) {
        iaf_free(sk);
        iaf_free(sc);
        return -1;
    }
    iaf_advise_huge(sk, nslots * sizeof *sk);
    iaf_advise_huge(sc, nslots * sizeof *sc);
    for (size_t i = 0; i < n; i++) {
        size_t j = packed_hash(pk->key[i]) & (nslots - 1);
        while (sk[j])
            j = (j + 1) & (nslots - 1);
        sk[j] = pk->key[i] + 1;
        sc[j] = (uint32_t)i;
    }
    iaf_free(pk->skey);
    iaf_free(pk->scell);
    pk->skey = sk;
    pk->scell = sc;
    pk->nslots = nslots;
    return 0;
}

/* Find or insert the cell of packed key k; its index, or -1 on OOM. */
static inline int64_t packed_cell(cube_acc *c, uint64_t k)
{
    packed_acc *pk = &c->pk;
    size_t mask = pk->nslots - 1, j = packed_hash(k) & mask;
    for (;;) {
        uint64_t v = pk->skey[j];
        if (v == k + 1) return pk->scell[j];
        if (!v) break;
        j = (j + 1) & mask;
    }
    if (c->n >= UINT32_MAX - 1) return -1;
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 256;
        uint64_t *key = iaf_realloc_array(pk->key, ncap, sizeof *key);
        if (!key) return -1;
        pk->key = key;
        int64_t *cnt = iaf_realloc_array(c->count, ncap, sizeof *cnt);
        if (!cnt) return -1;
        c->count = cnt;
        iaf_advise_huge(key, ncap * sizeof *key);
        iaf_advise_huge(cnt, ncap * sizeof *cnt);
        c->cap = ncap;
    }
    size_t i = c->n++;
    pk->key[i] = k;
    c->count[i] = 0;
    if (c->n * 2 > pk->nslots) {
        /* fourfold while small: fewer re-insertions of a growing table */
        if (packed_rehash(pk, c->n, pk->nslots * (pk->nslots < ((size_t)1 << 20) ? 4 : 2)) != 0)
            return -1;
        return (int64_t)i;
    }
    pk->skey[j] = k + 1;
    pk->scell[j] = (uint32_t)i;
    return (int64_t)i;
}

static void packed_unpack(const packed_acc *pk, size_t ncols, uint64_t k, uint32_t *out)
{
    for (size_t j = ncols; j-- > 0;) {
        out[j] = (uint32_t)(k & (((uint64_t)1 << pk->bits[j]) - 1));
        k >>= pk->bits[j];
    }
}

/* Leave the packed form: cells to the generic arrays (keys, weights, hashes;
 * slots too when hashing goes on). -1 on OOM. */
static int packed_to_generic(cube_acc *c, int with_slots)
{
    packed_acc *pk = &c->pk;
    if (!pk->on) return 0;
    size_t n = c->n, cap = c->cap ? c->cap : 1, nc = c->ncols ? c->ncols : 1;
    c->keys = iaf_realloc_array(NULL, cap, nc * sizeof *c->keys);
    c->wsum = iaf_realloc_array(NULL, cap, sizeof *c->wsum);
    c->wsum2 = iaf_realloc_array(NULL, cap, sizeof *c->wsum2);
    c->hash = iaf_realloc_array(NULL, cap, sizeof *c->hash);
    if (!c->keys || !c->wsum || !c->wsum2 || !c->hash) return -1;
    for (size_t i = 0; i < n; i++) {
        packed_unpack(pk, c->ncols, pk->key[i], c->keys + i * c->ncols);
        c->wsum[i] = c->wsum2[i] = (double)c->count[i];
        c->hash[i] = key_hash(c->keys + i * c->ncols, c->ncols);
    }
    packed_free(pk);
    if (with_slots) {
        size_t ns = 256;
        while (ns < (n + 1) * 2)
            ns *= 2;
        if (cube_rehash(c, ns) != 0) return -1;
    }
    return 0;
}

/* Make every column's current dictionary fit its width, re-packing the cells
 * when one has grown; leaves the packed form when the tuple gets too wide.
 * -1 on OOM. */
static int packed_fit(cube_acc *c, const col_state *cols, const size_t *cube_cols)
{
    packed_acc *pk = &c->pk;
    if (!pk->on) return 0;
    int grow = pk->nslots == 0;
    for (size_t j = 0; j < c->ncols && !grow; j++)
        grow = (iaf_strmap_size(&cols[cube_cols[j]].map) >> pk->bits[j]) != 0;
    if (!grow) return 0;
    unsigned bits[IAF_MAX_CUBE_COLS], total = 0;
    for (size_t j = 0; j < c->ncols; j++) {
        /* ids 0..size; one spare bit so that a growing dictionary rarely re-packs */
        size_t need = iaf_strmap_size(&cols[cube_cols[j]].map) * 2 + 1;
        unsigned b = 0;
        while (b < 63 && (need >> b) != 0)
            b++;
        bits[j] = b;
        total += b;
    }
    if (total > PACKED_MAX_BITS) return packed_to_generic(c, 1);
    for (size_t i = 0; i < c->n; i++) {
        uint32_t k[IAF_MAX_CUBE_COLS];
        packed_unpack(pk, c->ncols, pk->key[i], k);
        uint64_t x = 0;
        for (size_t j = 0; j < c->ncols; j++)
            x = (x << bits[j]) | k[j];
        pk->key[i] = x;
    }
    memcpy(pk->bits, bits, sizeof bits);
    size_t ns = pk->nslots ? pk->nslots : 1024;
    while (ns < (c->n + 1) * 2)
        ns *= 2;
    return packed_rehash(pk, c->n, ns);
}

/* Count a batch's rows into the packed cells. -1 on OOM. */
static int packed_count(cube_acc *c, const size_t *cube_cols, const uint32_t *ids, size_t n)
{
    packed_acc *pk = &c->pk;
    if (IAF_GROW(pk->buf, pk->buf_cap, n) != 0) return -1;
    uint64_t *kb = pk->buf;
    const uint32_t *a = ids + cube_cols[0] * n;
    for (size_t i = 0; i < n; i++)
        kb[i] = a[i];
    for (size_t j = 1; j < c->ncols; j++) {
        const uint32_t *col = ids + cube_cols[j] * n;
        unsigned b = pk->bits[j];
        for (size_t i = 0; i < n; i++)
            kb[i] = (kb[i] << b) | col[i];
    }
    for (size_t i = 0; i < n; i++) {
        int64_t cell = packed_cell(c, kb[i]);
        if (cell < 0) return -1;
        c->count[cell]++;
    }
    return 0;
}

/* Move the dense counts into hash cells and empty the array. -1 on OOM. */
static int dense_flush(cube_acc *c)
{
    dense_acc *d = &c->dense;
    uint32_t key[IAF_MAX_CUBE_COLS];
    for (size_t x = 0; x < d->ncells && d->rows; x++) {
        uint32_t v = d->n[x];
        if (!v) continue;
        size_t r = x;
        for (size_t j = 0; j < c->ncols; j++) {
            key[j] = (uint32_t)(r / d->stride[j]);
            r %= d->stride[j];
        }
        if (c->pk.on) {
            uint64_t k = 0;
            for (size_t j = 0; j < c->ncols; j++)
                k = (k << c->pk.bits[j]) | key[j];
            int64_t cell = packed_cell(c, k);
            if (cell < 0) return -1;
            c->count[cell] += v;
        } else {
            int64_t cell = cube_cell(c, key);
            if (cell < 0) return -1;
            c->count[cell] += v;
            c->wsum[cell] += v; /* unweighted: every row weighs 1 */
            c->wsum2[cell] += v;
        }
        d->n[x] = 0;
    }
    d->rows = 0;
    return 0;
}

/* The flush after the scan. When no cell was hashed yet (the dense array took
 * every row, the usual case for pairs), its non-zero tuples become the packed
 * cells directly: they are distinct, and the merge needs no slots, so nothing
 * is hashed (hashing them was about a tenth of the CPU time of four pairs from
 * one Parquet file, most of it page faults of the growing slot arrays).
 * Otherwise, dense_flush. -1 on OOM. */
static int dense_flush_final(cube_acc *c)
{
    dense_acc *d = &c->dense;
    if (!c->pk.on || c->n != 0 || !d->n) return dense_flush(c);
    size_t m = 0;
    for (size_t x = 0; x < d->ncells; x++)
        m += d->n[x] != 0;
    if (m == 0) return 0;
    uint64_t *key = iaf_realloc_array(c->pk.key, m, sizeof *key);
    if (!key) return -1;
    c->pk.key = key;
    int64_t *cnt = iaf_realloc_array(c->count, m, sizeof *cnt);
    if (!cnt) return -1;
    c->count = cnt;
    c->cap = m;
    /* written whole below: faulted in by the page range, not page by page */
    iaf_prefault(key, m * sizeof *key);
    iaf_prefault(cnt, m * sizeof *cnt);
    /* the slots would be stale; the merge does not read them */
    iaf_free(c->pk.skey);
    iaf_free(c->pk.scell);
    c->pk.skey = NULL;
    c->pk.scell = NULL;
    c->pk.nslots = 0;
    size_t i = 0;
    for (size_t x = 0; x < d->ncells; x++) {
        uint32_t v = d->n[x];
        if (!v) continue;
        size_t r = x;
        uint64_t k = 0;
        for (size_t j = 0; j < c->ncols; j++) {
            k = (k << c->pk.bits[j]) | (uint64_t)(r / d->stride[j]);
            r %= d->stride[j];
        }
        key[i] = k;
        cnt[i] = v;
        i++;
    }
    c->n = m;
    iaf_free(d->n);
    d->n = NULL;
    d->ncells = 0;
    d->rows = 0;
    return 0;
}

/* Count the batch into the dense array when the cube qualifies. Returns 1 if
 * counted, 0 if the caller must use the hash path, -1 on OOM. */
static int dense_count(cube_acc *c, const col_state *cols, const size_t *cube_cols,
                       const uint32_t *ids, size_t n)
{
    dense_acc *d = &c->dense;
    size_t kn = c->ncols;
    if (d->off || kn == 0) return 0;
    int fits = d->n != NULL && d->rows + n <= UINT32_MAX;
    for (size_t j = 0; j < kn && fits; j++)
        fits = iaf_strmap_size(&cols[cube_cols[j]].map) + 1 <= d->dim[j];
    if (!fits) {
        if (d->n && (packed_fit(c, cols, cube_cols) != 0 || dense_flush(c) != 0)) return -1;
        /* powers of two leave room for values still to come */
        size_t dim[IAF_MAX_CUBE_COLS], cells = 1;
        for (size_t j = 0; j < kn; j++) {
            size_t need = iaf_strmap_size(&cols[cube_cols[j]].map) + 1;
            dim[j] = 4;
            while (dim[j] < need)
                dim[j] *= 2;
            if (dim[j] > DENSE_MAX_CELLS || cells * dim[j] > DENSE_MAX_CELLS) {
                iaf_free(d->n);
                d->n = NULL;
                d->off = 1;
                return 0;
            }
            cells *= dim[j];
        }
        if (cells != d->ncells) {
            iaf_free(d->n);
            d->ncells = 0;
            if (!(d->n = iaf_calloc(cells, sizeof *d->n))) return -1;
            d->ncells = cells;
        }
        memcpy(d->dim, dim, kn * sizeof *dim);
        for (size_t j = kn; j-- > 0;)
            d->stride[j] = j + 1 < kn ? d->stride[j + 1] * dim[j + 1] : 1;
    }
    uint32_t *acc = d->n;
    if (kn == 2) {
        const uint32_t *a = ids + cube_cols[0] * n, *b = ids + cube_cols[1] * n;
        size_t s0 = d->stride[0];
        for (size_t i = 0; i < n; i++)
            acc[a[i] * s0 + b[i]]++;
    } else {
        for (size_t i = 0; i < n; i++) {
            size_t x = 0;
            for (size_t j = 0; j < kn; j++)
                x += ids[cube_cols[j] * n + i] * d->stride[j];
            acc[x]++;
        }
    }
    d->rows += n;
    return 1;
}

static iaf_status worker_begin(void *vctx, int id, void **state, iaf_error *err)
{
    run_ctx *ctx = vctx;
    worker *w = &ctx->workers[id];
    const iaf_rawcount_request *req = ctx->req;
    w->cols = iaf_calloc(req->ncols ? req->ncols : 1, sizeof *w->cols);
    w->cubes = iaf_calloc(req->ncubes ? req->ncubes : 1, sizeof *w->cubes);
    if (!w->cols || !w->cubes)
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < req->ncubes; i++) {
        w->cubes[i].ncols = req->cube_ncols[i];
        w->cubes[i].pk.on = !req->weight && !req->row_weights && req->cube_ncols[i] > 0;
    }
    if (id + 1 > ctx->nworkers) ctx->nworkers = id + 1;
    *state = w;
    return IAF_OK;
}

static int intern_local(col_state *cs, const char *p, size_t n, uint32_t *id)
{
    int64_t v = iaf_strmap_intern(&cs->map, p, n);
    if (v < 0) return -1;
    *id = (uint32_t)v + 1;
    return 0;
}

static iaf_status translate_column(col_state *cs, const iaf_column *col, size_t nrows,
                                   uint32_t *out, const iaf_batch *b, iaf_error *err)
{
    char num[40];
    switch (col->kind) {
    case IAF_COL_STR: {
        /* consecutive equal values are common in sorted or grouped files */
        const char *lp = NULL;
        size_t ll = 0;
        uint32_t lid = 0;
        int have = 0;
        for (size_t i = 0; i < nrows; i++) {
            iaf_sv v = col->str[i];
            if (!v.ptr) {
                out[i] = 0;
                continue;
            }
            if (have && v.len == ll && (ll == 0 || memcmp(v.ptr, lp, ll) == 0)) {
                out[i] = lid;
                continue;
            }
            if (intern_local(cs, v.ptr, v.len, &lid) != 0) goto oom;
            lp = v.ptr;
            ll = v.len;
            have = 1;
            out[i] = lid;
        }
        return IAF_OK;
    }
    case IAF_COL_DICT: {
        if (col->dict_id == 0 || col->dict_id != cs->dict_id || cs->ntrans != col->ndict) {
            if (IAF_GROW(cs->trans, cs->trans_cap, col->ndict) != 0) goto oom;
            for (size_t d = 0; d < col->ndict; d++)
                if (intern_local(cs, col->dict[d].ptr ? col->dict[d].ptr : "", col->dict[d].len,
                                 &cs->trans[d]) != 0)
                    goto oom;
            cs->ntrans = col->ndict;
            cs->dict_id = col->dict_id;
        }
        for (size_t i = 0; i < nrows; i++) {
            uint32_t x = col->idx[i];
            if (x == IAF_NULL_INDEX) {
                out[i] = 0;
            } else if (x < cs->ntrans) {
                out[i] = cs->trans[x];
            } else {
                return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                     "row %lld: dictionary index %u out of range (%zu entries)",
                                     b->first_row + (long long)i + 1, x, cs->ntrans);
            }
        }
        return IAF_OK;
    }
    case IAF_COL_I64:
    case IAF_COL_F64: {
        int is_int = col->kind == IAF_COL_I64;
        if (!cs->nums && !(cs->nums = iaf_calloc(1, sizeof *cs->nums))) goto oom;
        num_cache *nc = cs->nums;
        for (size_t i = 0; i < nrows; i++) {
            if (col->valid && !col->valid[i]) {
                out[i] = 0;
                continue;
            }
            uint64_t bits;
            if (is_int)
                bits = (uint64_t)col->i64[i];
            else
                memcpy(&bits, &col->f64[i], sizeof bits);
            /* Fibonacci hashing spreads small integers and doubles' high bits alike */
            size_t slot = (size_t)(((bits ^ (bits >> 32)) * 0x9E3779B97F4A7C15ull) >> 54);
            if (nc->id[slot] && nc->bits[slot] == bits) {
                out[i] = nc->id[slot];
                continue;
            }
            size_t n = is_int ? iaf_fmt_i64(num, col->i64[i]) : iaf_fmt_f64(num, col->f64[i]);
            uint32_t lid;
            if (intern_local(cs, num, n, &lid) != 0) goto oom;
            nc->bits[slot] = bits;
            nc->id[slot] = lid;
            out[i] = lid;
        }
        return IAF_OK;
    }
    }
    return iaf_error_set(err, IAF_ERR_INVALID, b->file, 0, 0, "unknown column kind");
oom:
    return iaf_error_set(err, IAF_ERR_NOMEM, b->file, 0, 0, "out of memory");
}

static iaf_status read_weights(const iaf_column *col, size_t nrows, double *w, const iaf_batch *b,
                               const char *name, iaf_error *err)
{
    for (size_t i = 0; i < nrows; i++) {
        double v = NAN;
        int ok = 0;
        switch (col->kind) {
        case IAF_COL_STR:
            ok = iaf_parse_double(col->str[i], &v);
            break;
        case IAF_COL_DICT:
            if (col->idx[i] < col->ndict) ok = iaf_parse_double(col->dict[col->idx[i]], &v);
            break;
        case IAF_COL_I64:
            ok = !col->valid || col->valid[i];
            v = (double)col->i64[i];
            break;
        case IAF_COL_F64:
            ok = (!col->valid || col->valid[i]) && isfinite(col->f64[i]);
            v = col->f64[i];
            break;
        }
        /* at most 2^53: then squares and sums of weights stay finite */
        if (!ok || !iaf_count_ok(v)) {
            long long row = b->first_row + (long long)i + 1;
            return iaf_error_set(err, IAF_ERR_PARSE, b->file, 0, 0,
                                 "data row %lld: weight column '%s' is %s", row, name,
                                 !ok     ? "missing or not a number"
                                 : v < 0 ? "negative"
                                         : "above " IAF_MAX_COUNT_TEXT);
        }
        w[i] = v;
    }
    return IAF_OK;
}

static iaf_status on_batch(void *vctx, void *state, const iaf_batch *b, iaf_error *err)
{
    run_ctx *ctx = vctx;
    worker *w = state;
    const iaf_rawcount_request *req = ctx->req;
    size_t n = b->nrows, nc = req->ncols;
    if (req->cancel && req->cancel(req->cancel_ctx)) return IAF_STOP;
    if (n == 0) return IAF_OK;
    if (IAF_GROW(w->ids, w->ids_cap, (nc ? nc : 1) * n) != 0)
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    iaf_status st;
    for (size_t c = 0; c < nc; c++)
        if ((st = translate_column(&w->cols[c], &b->cols[c], n, w->ids + c * n, b, err)) != IAF_OK)
            return st;
    const double *wt = NULL;
    if (req->weight || req->row_weights) {
        if (IAF_GROW(w->w, w->w_cap, n) != 0)
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        st = req->weight
                 ? read_weights(&b->cols[nc], n, w->w, b, req->weight, err)
                 : iaf_rowweights_fill(req->row_weights, b,
                                       iaf_rowweights_id(req->row_weights) ? &b->cols[nc] : NULL,
                                       w->w, err);
        if (st != IAF_OK) return st;
        wt = w->w;
    }
    uint32_t key[IAF_MAX_CUBE_COLS];
    for (size_t k = 0; k < req->ncubes; k++) {
        cube_acc *c = &w->cubes[k];
        const size_t *cols = req->cube_cols[k];
        size_t kn = req->cube_ncols[k];
        if (!wt) {
            int dn = dense_count(c, w->cols, cols, w->ids, n);
            if (dn < 0) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            if (dn) continue;
            if (packed_fit(c, w->cols, cols) != 0)
                return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            if (c->pk.on) {
                if (packed_count(c, cols, w->ids, n) != 0)
                    return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
                continue;
            }
        } else if (c->pk.on && packed_to_generic(c, 1) != 0) {
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < kn; j++)
                key[j] = w->ids[cols[j] * n + i];
            int64_t cell = cube_cell(c, key);
            if (cell < 0) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            c->count[cell]++;
            double x = wt ? wt[i] : 1.0;
            c->wsum[cell] += x;
            c->wsum2[cell] += x * x;
        }
    }
    w->nrows += (int64_t)n;
    if (!wt) {
        w->wtot += (double)n;
        w->wtot2 += (double)n;
    } else {
        for (size_t i = 0; i < n; i++) {
            w->wtot += wt[i];
            w->wtot2 += wt[i] * wt[i];
        }
    }
    return IAF_OK;
}

static void progress_cb(void *vctx, uint64_t done, uint64_t total, uint64_t rows)
{
    run_ctx *ctx = vctx;
    if (ctx->progress && ctx->progress->progress)
        ctx->progress->progress(ctx->progress->ctx, done, total, rows);
}

typedef struct sort_ctx {
    const iaf_sv *labels;
} sort_ctx;

static _Thread_local const iaf_sv *sort_labels;

static int cmp_label_idx(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return iaf_sv_cmp(sort_labels[x], sort_labels[y]);
}

static _Thread_local const uint32_t *sort_keys;
static _Thread_local size_t sort_nk;

static int cmp_cell(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const uint32_t *ka = sort_keys + (size_t)x * sort_nk, *kb = sort_keys + (size_t)y * sort_nk;
    for (size_t i = 0; i < sort_nk; i++)
        if (ka[i] != kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
}

/* One cell of a worker on its way into the merged cube. */
typedef struct merge_rec {
    uint64_t key; /* global ids packed, column 0 in the high bits: sorts like the key */
    uint32_t worker, cell;
} merge_rec;

/* Stable LSD radix sort of n records by key, 8 bits a pass, skipping the
 * passes whose byte is the same in every key. Returns the sorted array (a or
 * tmp). */
static merge_rec *radix_sort(merge_rec *a, merge_rec *tmp, size_t n, unsigned bits)
{
    size_t cnt[256];
    for (unsigned shift = 0; shift < bits; shift += 8) {
        memset(cnt, 0, sizeof cnt);
        for (size_t i = 0; i < n; i++)
            cnt[(a[i].key >> shift) & 255]++;
        if (n == 0 || cnt[(a[0].key >> shift) & 255] == n) continue;
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            size_t c = cnt[b];
            cnt[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[cnt[(a[i].key >> shift) & 255]++] = a[i];
        merge_rec *t = a;
        a = tmp;
        tmp = t;
    }
    return a;
}

/* Top bits of the packed key that choose a merge partition. */
#define MERGE_PART_BITS 8
/* A cube of fewer worker cells is merged on one thread, in one partition. */
#define MERGE_ONE_THREAD ((size_t)1 << 16)

/* One cube's sort merge, shared by the threads that run its phases. */
typedef struct merge_job {
    run_ctx *ctx;
    size_t k, nc;
    uint32_t *const *remap;
    unsigned gbits[IAF_MAX_CUBE_COLS];
    unsigned total, pbits; /* key bits; partition bits (the top ones) */
    size_t nparts;
    merge_rec *a, *tmp;
    size_t *woff;        /* nworkers + 1: first record of each worker */
    size_t *hist;        /* nworkers x nparts: records per worker and partition, then their slots */
    size_t *poff;        /* nparts + 1: first record of each partition */
    size_t *pdist;       /* distinct keys per partition, then the first output cell */
    unsigned char *in_a; /* per partition: sorted records are in a (else in tmp) */
    unsigned char *overflow;
    iaf_rawcube *out;
} merge_job;

static size_t merge_part(const merge_job *j, uint64_t key)
{
    return j->pbits ? (size_t)(key >> (j->total - j->pbits)) : 0;
}

/* Phase 1, one task per worker: its cells as records with global ids, and a
 * histogram of their partitions. */
static void merge_build(void *vj, size_t wi)
{
    merge_job *j = vj;
    const iaf_rawcount_request *req = j->ctx->req;
    cube_acc *c = &j->ctx->workers[wi].cubes[j->k];
    size_t nc = j->nc, r = j->woff[wi];
    size_t *h = j->hist + wi * j->nparts;
    const uint32_t *rm[IAF_MAX_CUBE_COLS];
    for (size_t q = 0; q < nc; q++)
        rm[q] = j->remap[wi * req->ncols + req->cube_cols[j->k][q]];
    for (size_t i = 0; i < c->n; i++, r++) {
        uint32_t lk[IAF_MAX_CUBE_COLS];
        const uint32_t *key = lk;
        if (c->pk.on)
            packed_unpack(&c->pk, nc, c->pk.key[i], lk);
        else
            key = c->keys + i * nc;
        uint64_t x = 0;
        for (size_t q = 0; q < nc; q++)
            x = (x << j->gbits[q]) | rm[q][key[q]];
        j->a[r].key = x;
        j->a[r].worker = (uint32_t)wi;
        j->a[r].cell = (uint32_t)i;
        h[merge_part(j, x)]++;
    }
    /* the packed keys are no longer needed: give their memory back early */
    if (c->pk.on) {
        iaf_free(c->pk.key);
        c->pk.key = NULL;
        iaf_free(c->pk.skey);
        c->pk.skey = NULL;
        iaf_free(c->pk.scell);
        c->pk.scell = NULL;
    }
}

/* Phase 2, one task per worker: its records to their partitions' slots in
 * tmp (partition-major, worker order within: a stable partitioning). */
static void merge_scatter(void *vj, size_t wi)
{
    merge_job *j = vj;
    size_t *slot = j->hist + wi * j->nparts;
    for (size_t r = j->woff[wi]; r < j->woff[wi + 1]; r++)
        j->tmp[slot[merge_part(j, j->a[r].key)]++] = j->a[r];
}

/* Phase 3, one task per partition: sort its records by the remaining bits
 * (stable) and count the distinct keys. */
static void merge_sort_part(void *vj, size_t p)
{
    merge_job *j = vj;
    size_t lo = j->poff[p], n = j->poff[p + 1] - lo;
    merge_rec *s = radix_sort(j->tmp + lo, j->a + lo, n, j->total - j->pbits);
    j->in_a[p] = s == j->a + lo;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += i == 0 || s[i].key != s[i - 1].key;
    j->pdist[p] = m;
}

/* Phase 4, one task per partition: its cells, equal keys summed in worker
 * order, from output cell pdist[p] on. */
static void merge_emit(void *vj, size_t p)
{
    merge_job *j = vj;
    size_t lo = j->poff[p], n = j->poff[p + 1] - lo, nc = j->nc;
    const merge_rec *s = (j->in_a[p] ? j->a : j->tmp) + lo;
    iaf_rawcube *out = j->out;
    size_t o = j->pdist[p] - 1;
    for (size_t i = 0; i < n; i++) {
        const cube_acc *c = &j->ctx->workers[s[i].worker].cubes[j->k];
        size_t ci = s[i].cell;
        int64_t cnt = c->count[ci];
        double ws = c->pk.on ? (double)cnt : c->wsum[ci],
               ws2 = c->pk.on ? (double)cnt : c->wsum2[ci];
        if (i == 0 || s[i].key != s[i - 1].key) {
            o++;
            uint64_t x = s[i].key;
            for (size_t q = nc; q-- > 0;) {
                /* ids are 32-bit: every width is below 64 */
                out->keys[o * nc + q] = (uint32_t)(x & (((uint64_t)1 << j->gbits[q]) - 1));
                x >>= j->gbits[q];
            }
            out->count[o] = cnt;
            out->wsum[o] = ws;
            out->wsum2[o] = ws2;
        } else {
            if (iaf_add_i64(out->count[o], cnt, &out->count[o]) != 0) {
                j->overflow[p] = 1;
                return;
            }
            out->wsum[o] += ws;
            out->wsum2[o] += ws2;
        }
    }
}

/* The merge of cube k when its global ids fit one 64-bit word: every worker
 * cell packed with global ids, partitioned by the top bits of its key,
 * each partition radix-sorted, equal keys summed in worker order. No hashing,
 * and the output comes sorted. The phases run on the scan's threads (each
 * task writes its own records, partitions and cells), and the result is the
 * same for any number of threads: partitions depend on the keys only. 1 =
 * done, 0 = too wide (the caller merges by hashing), -1 = OOM, -2 = a count
 * overflows. */
static int merge_sorted(run_ctx *ctx, iaf_rawcount *rc, size_t k, uint32_t *const *remap)
{
    const iaf_rawcount_request *req = ctx->req;
    merge_job j;
    memset(&j, 0, sizeof j);
    j.ctx = ctx;
    j.k = k;
    j.nc = req->cube_ncols[k];
    j.remap = remap;
    for (size_t q = 0; q < j.nc; q++) {
        size_t maxid = rc->nvalues[req->cube_cols[k][q]] - 1;
        unsigned b = 0;
        while ((maxid >> b) != 0)
            b++;
        j.gbits[q] = b;
        j.total += b;
    }
    if (j.nc == 0 || j.total > 64) return 0;
    size_t nw = (size_t)ctx->nworkers, n = 0;
    j.woff = iaf_calloc(nw + 1, sizeof *j.woff);
    if (!j.woff) return -1;
    for (size_t wi = 0; wi < nw; wi++) {
        j.woff[wi] = n;
        n += ctx->workers[wi].cubes[k].n;
    }
    j.woff[nw] = n;
    /* small cubes: one partition, no threads */
    int nthreads = n >= MERGE_ONE_THREAD ? ctx->nworkers : 1;
    j.pbits = n >= MERGE_ONE_THREAD ? IAF_MIN(j.total, MERGE_PART_BITS) : 0;
    j.nparts = (size_t)1 << j.pbits;
    /* not zeroed: every record is written before it is read (clearing 2 x 16 bytes per
     * cell was a tenth of the joint table's CPU time, page faults included) */
    j.a = iaf_realloc_array(NULL, n ? n : 1, sizeof *j.a);
    j.tmp = iaf_realloc_array(NULL, n ? n : 1, sizeof *j.tmp);
    j.hist = iaf_calloc((nw ? nw : 1) * j.nparts, sizeof *j.hist);
    j.poff = iaf_calloc(j.nparts + 1, sizeof *j.poff);
    j.pdist = iaf_calloc(j.nparts + 1, sizeof *j.pdist);
    j.in_a = iaf_calloc(j.nparts, 1);
    j.overflow = iaf_calloc(j.nparts, 1);
    iaf_rawcube *out = &rc->cubes[k];
    j.out = out;
    int ret = -1;
    if (!j.a || !j.tmp || !j.hist || !j.poff || !j.pdist || !j.in_a || !j.overflow) goto done;
    iaf_advise_huge(j.a, n * sizeof *j.a);
    iaf_advise_huge(j.tmp, n * sizeof *j.tmp);
    /* both written whole: faulted in by the page range, not page by page */
    iaf_prefault(j.a, n * sizeof *j.a);
    iaf_prefault(j.tmp, n * sizeof *j.tmp);
    iaf_par_for(nthreads, nw, merge_build, &j);
    /* each worker's slots: partition-major, then worker order */
    size_t at = 0;
    for (size_t p = 0; p < j.nparts; p++) {
        j.poff[p] = at;
        for (size_t wi = 0; wi < nw; wi++) {
            size_t h = j.hist[wi * j.nparts + p];
            j.hist[wi * j.nparts + p] = at;
            at += h;
        }
    }
    j.poff[j.nparts] = at;
    iaf_par_for(nthreads, nw, merge_scatter, &j);
    iaf_par_for(nthreads, j.nparts, merge_sort_part, &j);
    size_t m = 0;
    for (size_t p = 0; p < j.nparts; p++) {
        size_t d = j.pdist[p];
        j.pdist[p] = m;
        m += d;
    }
    out->ncols = j.nc;
    memcpy(out->cols, req->cube_cols[k], j.nc * sizeof *out->cols);
    out->keys = iaf_realloc_array(NULL, m ? m : 1, j.nc * sizeof *out->keys);
    out->count = iaf_realloc_array(NULL, m ? m : 1, sizeof *out->count);
    out->wsum = iaf_realloc_array(NULL, m ? m : 1, sizeof *out->wsum);
    out->wsum2 = iaf_realloc_array(NULL, m ? m : 1, sizeof *out->wsum2);
    if (!out->keys || !out->count || !out->wsum || !out->wsum2) goto done;
    iaf_advise_huge(out->keys, m * j.nc * sizeof *out->keys);
    iaf_prefault(out->keys, m * j.nc * sizeof *out->keys);
    iaf_prefault(out->count, m * sizeof *out->count);
    iaf_prefault(out->wsum, m * sizeof *out->wsum);
    iaf_prefault(out->wsum2, m * sizeof *out->wsum2);
    iaf_par_for(nthreads, j.nparts, merge_emit, &j);
    ret = 1;
    for (size_t p = 0; p < j.nparts; p++)
        if (j.overflow[p]) ret = -2;
    if (ret == 1) out->ncells = m;
done:
    iaf_free(j.a);
    iaf_free(j.tmp);
    iaf_free(j.woff);
    iaf_free(j.hist);
    iaf_free(j.poff);
    iaf_free(j.pdist);
    iaf_free(j.in_a);
    iaf_free(j.overflow);
    return ret;
}

/* The cubes' sort merges as tasks of iaf_par_for: small cubes (one thread
 * each, see merge_sorted) side by side, one cube per task. */
typedef struct cubes_job {
    run_ctx *ctx;
    iaf_rawcount *rc;
    uint32_t *const *remap;
    int *done; /* per cube: merge_sorted's result */
} cubes_job;

static void merge_cube_task(void *vj, size_t k)
{
    cubes_job *j = vj;
    j->done[k] = merge_sorted(j->ctx, j->rc, k, j->remap);
}

/* Merge worker dictionaries into one sorted global dictionary per column and
 * the worker cubes into one sorted cube each. */
static iaf_status merge(run_ctx *ctx, iaf_rawcount *rc, iaf_error *err)
{
    const iaf_rawcount_request *req = ctx->req;
    iaf_status st = IAF_OK;
    uint32_t **remap =
        iaf_calloc((size_t)ctx->nworkers * (req->ncols ? req->ncols : 1), sizeof *remap);
    iaf_strmap global;
    memset(&global, 0, sizeof global);
    uint32_t *order = NULL, *rank = NULL;
    int *dones = NULL;
    if (!remap) goto oom;
    for (size_t c = 0; c < req->ncols; c++) {
        memset(&global, 0, sizeof global);
        for (int wi = 0; wi < ctx->nworkers; wi++) {
            iaf_strmap *m = &ctx->workers[wi].cols[c].map;
            uint32_t *rm = iaf_calloc(iaf_strmap_size(m) + 1, sizeof *rm);
            if (!rm) goto oom;
            remap[(size_t)wi * req->ncols + c] = rm;
            for (size_t i = 0; i < iaf_strmap_size(m); i++) {
                iaf_sv v = iaf_strmap_get(m, i);
                int64_t g = iaf_strmap_intern(&global, v.ptr, v.len);
                if (g < 0) goto oom;
                rm[i + 1] = (uint32_t)g;
            }
        }
        size_t ng = iaf_strmap_size(&global);
        order = iaf_calloc(ng + 1, sizeof *order);
        rank = iaf_calloc(ng + 1, sizeof *rank);
        rc->values[c] = iaf_calloc(ng + 1, sizeof **rc->values);
        if (!order || !rank || !rc->values[c]) goto oom;
        for (size_t i = 0; i < ng; i++)
            order[i] = (uint32_t)i;
        sort_labels = global.keys;
        qsort(order, ng, sizeof *order, cmp_label_idx);
        for (size_t i = 0; i < ng; i++) {
            rank[order[i]] = (uint32_t)i + 1;
            iaf_sv v = iaf_strmap_get(&global, order[i]);
            char *copy = iaf_arena_strndup(&rc->arena, v.ptr, v.len);
            if (!copy) goto oom;
            rc->values[c][i + 1] = (iaf_sv){copy, v.len};
        }
        rc->values[c][0] = (iaf_sv){NULL, 0};
        rc->nvalues[c] = ng + 1;
        for (int wi = 0; wi < ctx->nworkers; wi++) {
            uint32_t *rm = remap[(size_t)wi * req->ncols + c];
            size_t nl = iaf_strmap_size(&ctx->workers[wi].cols[c].map);
            for (size_t i = 1; i <= nl; i++)
                rm[i] = rank[rm[i]];
        }
        iaf_free(order);
        iaf_free(rank);
        order = rank = NULL;
        iaf_strmap_free(&global);
    }
    /* the cubes small enough to be merged on one thread each run side by side
     * (the four pairs' tail was serial on an idle core); the others in turn */
    dones = iaf_calloc(req->ncubes ? req->ncubes : 1, sizeof *dones);
    if (!dones) goto oom;
    int side = 1;
    for (size_t k = 0; k < req->ncubes && side; k++) {
        size_t n = 0;
        for (int wi = 0; wi < ctx->nworkers; wi++)
            n += ctx->workers[wi].cubes[k].n;
        side = n < MERGE_ONE_THREAD;
    }
    cubes_job cj = {ctx, rc, remap, dones};
    if (side)
        iaf_par_for(ctx->nworkers, req->ncubes, merge_cube_task, &cj);
    else
        for (size_t k = 0; k < req->ncubes; k++)
            merge_cube_task(&cj, k);
    for (size_t k = 0; k < req->ncubes; k++) {
        int done = dones[k];
        if (done == -1) goto oom;
        if (done == -2) {
            st = iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "a cell count overflows 64 bits");
            goto cleanup;
        }
        if (done == 1) continue;
        for (int wi = 0; wi < ctx->nworkers; wi++)
            if (packed_to_generic(&ctx->workers[wi].cubes[k], 0) != 0) goto oom;
        cube_acc g;
        memset(&g, 0, sizeof g);
        g.ncols = req->cube_ncols[k];
        uint32_t key[IAF_MAX_CUBE_COLS];
        /* Start from the largest worker's cells: remapping ids is a bijection per
         * column, so they stay distinct and only need new hashes; then merge in
         * the others without growing (large cubes spent most of the merge
         * re-inserting and reallocating). */
        int base = 0;
        size_t total = 0;
        for (int wi = 0; wi < ctx->nworkers; wi++) {
            total += ctx->workers[wi].cubes[k].n;
            if (ctx->workers[wi].cubes[k].n > ctx->workers[base].cubes[k].n) base = wi;
        }
        if (ctx->nworkers > 0) {
            cube_acc *b = &ctx->workers[base].cubes[k];
            g = *b;
            memset(b, 0, sizeof *b);
            b->ncols = g.ncols;
            for (size_t i = 0; i < g.n; i++) {
                uint32_t *ki = g.keys + i * g.ncols;
                for (size_t j = 0; j < g.ncols; j++)
                    ki[j] = remap[(size_t)base * req->ncols + req->cube_cols[k][j]][ki[j]];
                g.hash[i] = key_hash(ki, g.ncols);
            }
            iaf_free(g.slots);
            g.slots = NULL;
            g.nslots = 0;
            if (cube_reserve(&g, total) != 0) {
                cube_free(&g);
                goto oom;
            }
        }
        for (int wi = 0; wi < ctx->nworkers; wi++) {
            if (wi == base) continue;
            cube_acc *c = &ctx->workers[wi].cubes[k];
            for (size_t i = 0; i < c->n; i++) {
                for (size_t j = 0; j < g.ncols; j++) {
                    size_t col = req->cube_cols[k][j];
                    key[j] = remap[(size_t)wi * req->ncols + col][c->keys[i * g.ncols + j]];
                }
                int64_t cell = cube_cell(&g, key);
                if (cell < 0) {
                    cube_free(&g);
                    goto oom;
                }
                if (iaf_add_i64(g.count[cell], c->count[i], &g.count[cell]) != 0) {
                    cube_free(&g);
                    st = iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                                       "a cell count overflows 64 bits");
                    goto cleanup;
                }
                g.wsum[cell] += c->wsum[i];
                g.wsum2[cell] += c->wsum2[i];
            }
        }
        /* sort cells by key so that output order never depends on threads */
        iaf_rawcube *out = &rc->cubes[k];
        out->ncols = g.ncols;
        memcpy(out->cols, req->cube_cols[k], g.ncols * sizeof *out->cols);
        out->ncells = g.n;
        uint32_t *perm = iaf_calloc(g.n, sizeof *perm);
        out->keys = iaf_calloc(g.n * (g.ncols ? g.ncols : 1), sizeof *out->keys);
        out->count = iaf_calloc(g.n, sizeof *out->count);
        out->wsum = iaf_calloc(g.n, sizeof *out->wsum);
        out->wsum2 = iaf_calloc(g.n, sizeof *out->wsum2);
        if (!perm || !out->keys || !out->count || !out->wsum || !out->wsum2) {
            iaf_free(perm);
            cube_free(&g);
            goto oom;
        }
        for (size_t i = 0; i < g.n; i++)
            perm[i] = (uint32_t)i;
        sort_keys = g.keys;
        sort_nk = g.ncols;
        if (g.ncols) qsort(perm, g.n, sizeof *perm, cmp_cell);
        for (size_t i = 0; i < g.n; i++) {
            size_t p = perm[i];
            memcpy(out->keys + i * g.ncols, g.keys + p * g.ncols, g.ncols * sizeof *g.keys);
            out->count[i] = g.count[p];
            out->wsum[i] = g.wsum[p];
            out->wsum2[i] = g.wsum2[p];
        }
        iaf_free(perm);
        cube_free(&g);
    }
    for (int wi = 0; wi < ctx->nworkers; wi++) {
        rc->nrows += ctx->workers[wi].nrows;
        rc->wtotal += ctx->workers[wi].wtot;
        rc->wtotal2 += ctx->workers[wi].wtot2;
    }
    goto cleanup;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
cleanup:
    if (remap)
        for (size_t i = 0; i < (size_t)ctx->nworkers * req->ncols; i++)
            iaf_free(remap[i]);
    iaf_free(remap);
    iaf_free(dones);
    iaf_free(order);
    iaf_free(rank);
    iaf_strmap_free(&global);
    return st;
}

/* The flush of one worker's cubes after the scan, a task of iaf_par_for. */
typedef struct flush_job {
    run_ctx *ctx;
    unsigned char *failed; /* per worker: out of memory */
} flush_job;

static void flush_worker(void *vj, size_t wi)
{
    flush_job *j = vj;
    const iaf_rawcount_request *req = j->ctx->req;
    worker *w = &j->ctx->workers[wi];
    for (size_t k = 0; k < req->ncubes && !j->failed[wi]; k++) {
        cube_acc *c = &w->cubes[k];
        if (c->dense.n &&
            (packed_fit(c, w->cols, req->cube_cols[k]) != 0 || dense_flush_final(c) != 0))
            j->failed[wi] = 1;
    }
}

iaf_status iaf_rawcount_run(iaf_source *src, const iaf_rawcount_request *req,
                            const iaf_scan_consumer *progress, iaf_rawcount **out, iaf_error *err)
{
    *out = NULL;
    iaf_status st = IAF_OK;
    run_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.req = req;
    ctx.progress = progress;
    const char **proj = NULL;
    iaf_rawcount *rc = iaf_calloc(1, sizeof *rc);
    if (!rc) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < req->ncubes; k++) {
        if (req->cube_ncols[k] > IAF_MAX_CUBE_COLS) {
            st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                               "a count over %zu columns exceeds the limit of %d",
                               req->cube_ncols[k], IAF_MAX_CUBE_COLS);
            goto done;
        }
        for (size_t j = 0; j < req->cube_ncols[k]; j++)
            if (req->cube_cols[k][j] >= req->ncols) {
                st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "bad cube column index");
                goto done;
            }
    }
    rc->ncols = req->ncols;
    rc->ncubes = req->ncubes;
    rc->weighted = req->weight != NULL || req->row_weights != NULL;
    rc->cols = iaf_calloc(req->ncols ? req->ncols : 1, sizeof *rc->cols);
    rc->nvalues = iaf_calloc(req->ncols ? req->ncols : 1, sizeof *rc->nvalues);
    rc->values = iaf_calloc(req->ncols ? req->ncols : 1, sizeof *rc->values);
    rc->cubes = iaf_calloc(req->ncubes ? req->ncubes : 1, sizeof *rc->cubes);
    proj = iaf_calloc(req->ncols + 1, sizeof *proj);
    if (!rc->cols || !rc->nvalues || !rc->values || !rc->cubes || !proj) goto oom;
    for (size_t c = 0; c < req->ncols; c++) {
        if (!(rc->cols[c] = iaf_strdup(req->cols[c]))) goto oom;
        proj[c] = req->cols[c];
    }
    const char *extra = req->weight        ? req->weight
                        : req->row_weights ? iaf_rowweights_id(req->row_weights)
                                           : NULL;
    if (extra) proj[req->ncols] = extra;
    if ((st = iaf_source_project(src, proj, req->ncols + (extra ? 1 : 0), err)) != IAF_OK)
        goto done;
    if (req->row_weights && (st = iaf_rowweights_bind(req->row_weights, src, err)) != IAF_OK)
        goto done;
    ctx.workers = iaf_calloc(64, sizeof *ctx.workers);
    if (!ctx.workers) goto oom;
    iaf_scan_consumer cons = {&ctx, worker_begin, on_batch, progress ? progress_cb : NULL};
    int nw = 0;
    st = iaf_source_scan(src, &cons, &nw, err);
    rc->nworkers = nw;
    if (st == IAF_OK) {
        /* each worker's cubes flushed on a thread of its own */
        unsigned char failed[64] = {0};
        flush_job fj = {&ctx, failed};
        iaf_par_for(ctx.nworkers, (size_t)ctx.nworkers, flush_worker, &fj);
        for (int wi = 0; wi < ctx.nworkers && st == IAF_OK; wi++)
            if (failed[wi]) st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (st == IAF_OK) st = merge(&ctx, rc, err);
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    if (ctx.workers) {
        for (int wi = 0; wi < 64; wi++) {
            worker *w = &ctx.workers[wi];
            if (w->cols)
                for (size_t c = 0; c < req->ncols; c++) {
                    iaf_strmap_free(&w->cols[c].map);
                    iaf_free(w->cols[c].trans);
                    iaf_free(w->cols[c].nums);
                }
            if (w->cubes)
                for (size_t k = 0; k < req->ncubes; k++)
                    cube_free(&w->cubes[k]);
            iaf_free(w->cols);
            iaf_free(w->cubes);
            iaf_free(w->ids);
            iaf_free(w->w);
        }
        iaf_free(ctx.workers);
    }
    iaf_free(proj);
    if (st != IAF_OK) {
        iaf_rawcount_free(rc);
        return st;
    }
    *out = rc;
    return IAF_OK;
}

void iaf_rawcount_free(iaf_rawcount *rc)
{
    if (!rc) return;
    for (size_t c = 0; c < rc->ncols; c++) {
        iaf_free(rc->cols ? rc->cols[c] : NULL);
        iaf_free(rc->values ? rc->values[c] : NULL);
    }
    for (size_t k = 0; k < rc->ncubes && rc->cubes; k++) {
        iaf_free(rc->cubes[k].keys);
        iaf_free(rc->cubes[k].count);
        iaf_free(rc->cubes[k].wsum);
        iaf_free(rc->cubes[k].wsum2);
        iaf_free(rc->cubes[k].var);
    }
    iaf_free(rc->cols);
    iaf_free(rc->values);
    iaf_free(rc->nvalues);
    iaf_free(rc->cubes);
    iaf_arena_free(&rc->arena);
    iaf_free(rc);
}

iaf_status iaf_rawcount_from_table(const iaf_table *t, iaf_rawcount **out, iaf_error *err)
{
    *out = NULL;
    size_t na = iaf_table_nattrs(t);
    if (na > IAF_MAX_CUBE_COLS)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "too many attributes");
    iaf_rawcount *rc = iaf_calloc(1, sizeof *rc);
    if (!rc) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    rc->ncols = na;
    rc->ncubes = 1;
    rc->cols = iaf_calloc(na, sizeof *rc->cols);
    rc->nvalues = iaf_calloc(na, sizeof *rc->nvalues);
    rc->values = iaf_calloc(na, sizeof *rc->values);
    rc->cubes = iaf_calloc(1, sizeof *rc->cubes);
    if (!rc->cols || !rc->nvalues || !rc->values || !rc->cubes) goto oom;
    for (size_t a = 0; a < na; a++) {
        if (!(rc->cols[a] = iaf_strdup(iaf_table_attr(t, a)))) goto oom;
        size_t nc = iaf_table_ncats(t, a);
        rc->values[a] = iaf_calloc(nc + 1, sizeof **rc->values);
        if (!rc->values[a]) goto oom;
        rc->values[a][0] = (iaf_sv){NULL, 0};
        for (size_t i = 0; i < nc; i++)
            rc->values[a][i + 1] = iaf_table_cat(t, a, i);
        rc->nvalues[a] = nc + 1;
    }
    iaf_rawcube *cb = &rc->cubes[0];
    size_t n = iaf_table_ncells(t);
    cb->ncols = na;
    for (size_t a = 0; a < na; a++)
        cb->cols[a] = a;
    cb->ncells = 0;
    cb->keys = iaf_calloc(n * na, sizeof *cb->keys);
    cb->count = iaf_calloc(n, sizeof *cb->count);
    cb->wsum = iaf_calloc(n, sizeof *cb->wsum);
    cb->wsum2 = iaf_calloc(n, sizeof *cb->wsum2);
    if (!cb->keys || !cb->count || !cb->wsum || !cb->wsum2) goto oom;
    /* standard errors of reference cells travel with the counts */
    for (size_t i = 0; i < n && !cb->var; i++)
        if (!isnan(iaf_table_cell(t, i).se) && !(cb->var = iaf_calloc(n, sizeof *cb->var)))
            goto oom;
    for (size_t i = 0; i < n; i++) {
        iaf_cell c = iaf_table_cell(t, i);
        if (c.state != IAF_CELL_OK) continue; /* excluded cells carry no usable mass */
        size_t k = cb->ncells++;
        for (size_t a = 0; a < na; a++)
            cb->keys[k * na + a] = c.cat[a] + 1;
        cb->count[k] = c.n >= 0 ? c.n : (int64_t)llround(c.value);
        cb->wsum[k] = c.value;
        cb->wsum2[k] = c.wsum2 > 0 ? c.wsum2 : c.value;
        if (cb->var) cb->var[k] = isnan(c.se) ? 0 : c.se * c.se;
        /* the readers bound a table's total; this is the backstop */
        if (iaf_add_i64(rc->nrows, cb->count[k], &rc->nrows) != 0) {
            iaf_rawcount_free(rc);
            return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                                 "the count table's total overflows 64 bits");
        }
        rc->wtotal += c.value;
    }
    *out = rc;
    return IAF_OK;
oom:
    iaf_rawcount_free(rc);
    return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
}
