/* src/core/table.c - see include/iaf/table.h. */
#include "iaf/table.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/table_ids.h"
#include "util/checked.h"
#include "util/hugepage.h"
#include "util/util.h"

#define MAX_ATTRS 16

struct iaf_table {
    size_t nattrs;
    char **names;
    iaf_table_kind kind;
    iaf_strmap *cats; /* per attribute */
    /* cells */
    uint32_t *keys;
    double *value, *wsum2, *se;
    int64_t *n;
    uint8_t *state;
    uint64_t *hash;
    size_t ncells, cap;
    uint32_t *slots;
    size_t nslots;
    int finished;
    double n_obs, n_eff;
    int full_count;
};

iaf_table *iaf_table_new(size_t nattrs, const char *const *names, iaf_table_kind kind)
{
    if (nattrs == 0 || nattrs > MAX_ATTRS) return NULL;
    iaf_table *t = iaf_calloc(1, sizeof *t);
    if (!t) return NULL;
    t->nattrs = nattrs;
    t->kind = kind;
    t->n_obs = t->n_eff = NAN;
    t->names = iaf_calloc(nattrs, sizeof *t->names);
    t->cats = iaf_calloc(nattrs, sizeof *t->cats);
    if (!t->names || !t->cats) goto fail;
    for (size_t i = 0; i < nattrs; i++)
        if (!(t->names[i] = iaf_strdup(names[i]))) goto fail;
    return t;
fail:
    iaf_table_free(t);
    return NULL;
}

void iaf_table_free(iaf_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nattrs; i++) {
        if (t->names) iaf_free(t->names[i]);
        if (t->cats) iaf_strmap_free(&t->cats[i]);
    }
    iaf_free(t->names);
    iaf_free(t->cats);
    iaf_free(t->keys);
    iaf_free(t->value);
    iaf_free(t->wsum2);
    iaf_free(t->se);
    iaf_free(t->n);
    iaf_free(t->state);
    iaf_free(t->hash);
    iaf_free(t->slots);
    iaf_free(t);
}

static uint64_t key_hash(const uint32_t *k, size_t n)
{
    return iaf_hash(k, n * sizeof *k);
}

static int rehash(iaf_table *t, size_t nslots)
{
    uint32_t *s = iaf_calloc(nslots, sizeof *s);
    if (!s) return -1;
    iaf_advise_huge(s, nslots * sizeof *s);
    for (size_t i = 0; i < t->ncells; i++) {
        size_t j = t->hash[i] & (nslots - 1);
        while (s[j])
            j = (j + 1) & (nslots - 1);
        s[j] = (uint32_t)i + 1;
    }
    iaf_free(t->slots);
    t->slots = s;
    t->nslots = nslots;
    return 0;
}

static int64_t find_cell(const iaf_table *t, const uint32_t *k, uint64_t h)
{
    if (!t->nslots) return -1;
    size_t j = h & (t->nslots - 1);
    for (;;) {
        uint32_t v = t->slots[j];
        if (!v) return -1;
        size_t i = v - 1;
        if (t->hash[i] == h && memcmp(t->keys + i * t->nattrs, k, t->nattrs * sizeof *k) == 0)
            return (int64_t)i;
        j = (j + 1) & (t->nslots - 1);
    }
}

static int grow_to(iaf_table *t, size_t nc)
{
#define RE(ptr, sz)                                                                                \
    do {                                                                                           \
        void *q_ = iaf_realloc_array(ptr, nc, sz);                                                 \
        if (!q_) return -1;                                                                        \
        ptr = q_;                                                                                  \
    } while (0)
    RE(t->keys, t->nattrs * sizeof *t->keys);
    RE(t->value, sizeof *t->value);
    RE(t->wsum2, sizeof *t->wsum2);
    RE(t->se, sizeof *t->se);
    RE(t->n, sizeof *t->n);
    RE(t->state, sizeof *t->state);
    RE(t->hash, sizeof *t->hash);
#undef RE
    iaf_advise_huge(t->keys, nc * t->nattrs * sizeof *t->keys);
    iaf_advise_huge(t->hash, nc * sizeof *t->hash);
    t->cap = nc;
    return 0;
}

static int grow_cells(iaf_table *t)
{
    if (t->ncells < t->cap) return 0;
    return grow_to(t, t->cap ? t->cap * 2 : 64);
}

static int insert_key(iaf_table *t, const uint32_t *k, int64_t *cell)
{
    uint64_t h = key_hash(k, t->nattrs);
    int64_t i = find_cell(t, k, h);
    if (i >= 0) {
        *cell = i;
        return 0;
    }
    if ((t->ncells + 1) * 2 > t->nslots && rehash(t, t->nslots ? t->nslots * 2 : 64) != 0)
        return -1;
    if (grow_cells(t) != 0) return -1;
    assert(t->ncells < t->cap && (t->ncells + 1) * 2 <= t->nslots);
    size_t c = t->ncells++;
    memcpy(t->keys + c * t->nattrs, k, t->nattrs * sizeof *k);
    t->value[c] = 0;
    t->wsum2[c] = 0;
    t->se[c] = NAN;
    t->n[c] = 0;
    t->state[c] = IAF_CELL_OK;
    t->hash[c] = h;
    size_t j = h & (t->nslots - 1);
    while (t->slots[j])
        j = (j + 1) & (t->nslots - 1);
    t->slots[j] = (uint32_t)c + 1;
    *cell = (int64_t)c;
    return 0;
}

iaf_status iaf_table_add_category(iaf_table *t, size_t attr, iaf_sv label, iaf_error *err)
{
    assert(attr < t->nattrs);
    if (iaf_strmap_intern(&t->cats[attr], label.ptr ? label.ptr : "", label.ptr ? label.len : 0) <
        0)
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    t->finished = 0;
    return IAF_OK;
}

iaf_status iaf_table_add(iaf_table *t, const iaf_sv *labels, double value, int64_t n, double wsum2,
                         double se, iaf_cell_state state, iaf_error *err)
{
    uint32_t k[MAX_ATTRS];
    for (size_t a = 0; a < t->nattrs; a++) {
        const char *p = labels[a].ptr ? labels[a].ptr : "";
        int64_t id = iaf_strmap_intern(&t->cats[a], p, labels[a].ptr ? labels[a].len : 0);
        if (id < 0) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        k[a] = (uint32_t)id;
    }
    return iaf_table_add_ids(t, k, value, n, wsum2, se, state, err);
}

int64_t iaf_table_category_id(iaf_table *t, size_t attr, iaf_sv label)
{
    t->finished = 0;
    return iaf_strmap_intern(&t->cats[attr], label.ptr ? label.ptr : "", label.ptr ? label.len : 0);
}

int iaf_table_reserve(iaf_table *t, size_t ncells)
{
    if (ncells > t->cap) {
        if (grow_to(t, ncells) != 0) return -1;
        /* a reservation is filled: its cells faulted in by the page range, not page by page */
        iaf_prefault(t->keys, ncells * t->nattrs * sizeof *t->keys);
        iaf_prefault(t->value, ncells * sizeof *t->value);
        iaf_prefault(t->wsum2, ncells * sizeof *t->wsum2);
        iaf_prefault(t->se, ncells * sizeof *t->se);
        iaf_prefault(t->n, ncells * sizeof *t->n);
        iaf_prefault(t->hash, ncells * sizeof *t->hash);
    }
    size_t ns = t->nslots ? t->nslots : 64;
    while (ns < (ncells + 1) * 2)
        ns *= 2;
    return ns != t->nslots ? rehash(t, ns) : 0;
}

iaf_status iaf_table_append_ids(iaf_table *t, const uint32_t *k, double value, int64_t n,
                                double wsum2, double se, iaf_error *err)
{
    if ((t->ncells + 1) * 2 > t->nslots && rehash(t, t->nslots ? t->nslots * 2 : 64) != 0)
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (grow_cells(t) != 0) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t c = t->ncells++;
    memcpy(t->keys + c * t->nattrs, k, t->nattrs * sizeof *k);
    t->value[c] = value;
    t->wsum2[c] = wsum2;
    t->se[c] = se;
    t->n[c] = n;
    t->state[c] = IAF_CELL_OK;
    t->hash[c] = key_hash(k, t->nattrs);
    t->finished = 0;
    /* not in the slots: no later add may look for this key (the caller's promise) */
    return IAF_OK;
}

iaf_status iaf_table_add_ids(iaf_table *t, const uint32_t *k, double value, int64_t n, double wsum2,
                             double se, iaf_cell_state state, iaf_error *err)
{
    int64_t c;
    if (insert_key(t, k, &c) != 0)
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    t->value[c] += value;
    if (n < 0 || t->n[c] < 0)
        t->n[c] = -1;
    else if (iaf_add_i64(t->n[c], n, &t->n[c]) != 0)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "a cell count overflows 64 bits");
    t->wsum2[c] += wsum2;
    if (!isnan(se)) t->se[c] = isnan(t->se[c]) ? se : sqrt(t->se[c] * t->se[c] + se * se);
    if (state != IAF_CELL_OK) t->state[c] = (uint8_t)state;
    t->finished = 0;
    return IAF_OK;
}

static _Thread_local const iaf_strmap *sort_map;
static int cmp_cat(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return iaf_sv_cmp(iaf_strmap_get(sort_map, x), iaf_strmap_get(sort_map, y));
}

static _Thread_local const iaf_table *sort_table;
static int cmp_cells(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    size_t n = sort_table->nattrs;
    const uint32_t *ka = sort_table->keys + (size_t)x * n, *kb = sort_table->keys + (size_t)y * n;
    for (size_t i = 0; i < n; i++)
        if (ka[i] != kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
}

iaf_status iaf_table_finish(iaf_table *t, iaf_error *err)
{
    if (t->finished) return IAF_OK;
    iaf_status st = IAF_OK;
    uint32_t **rank = iaf_calloc(t->nattrs, sizeof *rank);
    uint32_t *perm = NULL;
    iaf_table *nt = NULL;
    if (!rank) goto oom;
    /* Rebuild category maps in sorted order; remember old id -> new id. */
    for (size_t a = 0; a < t->nattrs; a++) {
        size_t nc = iaf_strmap_size(&t->cats[a]);
        uint32_t *order = iaf_calloc(nc, sizeof *order);
        rank[a] = iaf_calloc(nc, sizeof *rank[a]);
        if (!order || !rank[a]) {
            iaf_free(order);
            goto oom;
        }
        for (size_t i = 0; i < nc; i++)
            order[i] = (uint32_t)i;
        sort_map = &t->cats[a];
        qsort(order, nc, sizeof *order, cmp_cat);
        iaf_strmap fresh;
        memset(&fresh, 0, sizeof fresh);
        for (size_t i = 0; i < nc; i++) {
            iaf_sv v = iaf_strmap_get(&t->cats[a], order[i]);
            if (iaf_strmap_intern(&fresh, v.ptr, v.len) < 0) {
                iaf_strmap_free(&fresh);
                iaf_free(order);
                goto oom;
            }
            rank[a][order[i]] = (uint32_t)i;
        }
        iaf_free(order);
        iaf_strmap_free(&t->cats[a]);
        t->cats[a] = fresh;
    }
    for (size_t c = 0; c < t->ncells; c++)
        for (size_t a = 0; a < t->nattrs; a++) {
            uint32_t *k = &t->keys[c * t->nattrs + a];
            *k = rank[a][*k];
        }
    perm = iaf_calloc(t->ncells, sizeof *perm);
    if (!perm) goto oom;
    for (size_t i = 0; i < t->ncells; i++)
        perm[i] = (uint32_t)i;
    sort_table = t;
    /* cells added in key order (a count's cube, as is) need no sort */
    int sorted = 1;
    for (size_t i = 1; i < t->ncells && sorted; i++)
        sorted = cmp_cells(&perm[i - 1], &perm[i]) < 0;
    if (!sorted) qsort(perm, t->ncells, sizeof *perm, cmp_cells);
    if (sorted) {
        /* in place: only the hashes follow the new category ids */
        for (size_t i = 0; i < t->ncells; i++)
            t->hash[i] = key_hash(t->keys + i * t->nattrs, t->nattrs);
        if (t->ncells && rehash(t, t->nslots) != 0) goto oom;
    } else {
        size_t n = t->ncells, na = t->nattrs;
        uint32_t *keys = iaf_calloc(n * na, sizeof *keys);
        double *value = iaf_calloc(n, sizeof *value), *wsum2 = iaf_calloc(n, sizeof *wsum2),
               *se = iaf_calloc(n, sizeof *se);
        int64_t *nn = iaf_calloc(n, sizeof *nn);
        uint8_t *state = iaf_calloc(n, 1);
        uint64_t *hash = iaf_calloc(n, sizeof *hash);
        if (!keys || !value || !wsum2 || !se || !nn || !state || !hash) {
            iaf_free(keys), iaf_free(value), iaf_free(wsum2), iaf_free(se), iaf_free(nn),
                iaf_free(state), iaf_free(hash);
            goto oom;
        }
        for (size_t i = 0; i < n; i++) {
            size_t p = perm[i];
            memcpy(keys + i * na, t->keys + p * na, na * sizeof *keys);
            value[i] = t->value[p];
            wsum2[i] = t->wsum2[p];
            se[i] = t->se[p];
            nn[i] = t->n[p];
            state[i] = t->state[p];
            hash[i] = key_hash(keys + i * na, na);
        }
        iaf_free(t->keys), iaf_free(t->value), iaf_free(t->wsum2), iaf_free(t->se), iaf_free(t->n),
            iaf_free(t->state), iaf_free(t->hash);
        t->keys = keys, t->value = value, t->wsum2 = wsum2, t->se = se, t->n = nn, t->state = state,
        t->hash = hash;
        t->cap = n;
        if (n && rehash(t, t->nslots) != 0) goto oom;
    }
    t->finished = 1;
    goto cleanup;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
cleanup:
    if (rank)
        for (size_t a = 0; a < t->nattrs; a++)
            iaf_free(rank[a]);
    iaf_free(rank);
    iaf_free(perm);
    iaf_table_free(nt);
    return st;
}

size_t iaf_table_nattrs(const iaf_table *t)
{
    return t->nattrs;
}

const char *iaf_table_attr(const iaf_table *t, size_t i)
{
    return t->names[i];
}

int iaf_table_attr_index(const iaf_table *t, const char *name)
{
    for (size_t i = 0; i < t->nattrs; i++)
        if (strcmp(t->names[i], name) == 0) return (int)i;
    return -1;
}

iaf_table_kind iaf_table_kind_of(const iaf_table *t)
{
    return t->kind;
}

size_t iaf_table_ncats(const iaf_table *t, size_t attr)
{
    return iaf_strmap_size(&t->cats[attr]);
}

iaf_sv iaf_table_cat(const iaf_table *t, size_t attr, size_t id)
{
    return iaf_strmap_get(&t->cats[attr], id);
}

int64_t iaf_table_find_cat(const iaf_table *t, size_t attr, iaf_sv label)
{
    return iaf_strmap_find(&t->cats[attr], label.ptr ? label.ptr : "", label.ptr ? label.len : 0);
}

size_t iaf_table_ncells(const iaf_table *t)
{
    return t->ncells;
}

iaf_cell iaf_table_cell(const iaf_table *t, size_t i)
{
    iaf_cell c;
    c.cat = t->keys + i * t->nattrs;
    c.value = t->value[i];
    c.n = t->n[i];
    c.wsum2 = t->wsum2[i];
    c.se = t->se[i];
    c.state = (iaf_cell_state)t->state[i];
    return c;
}

double iaf_table_total(const iaf_table *t)
{
    double s = 0, comp = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        if (t->state[i] != IAF_CELL_OK) continue;
        double y = t->value[i] - comp, u = s + y;
        comp = (u - s) - y;
        s = u;
    }
    return s;
}

int64_t iaf_table_total_n(const iaf_table *t)
{
    int64_t s = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        if (t->n[i] < 0 || iaf_add_i64(s, t->n[i], &s) != 0) return -1;
    }
    return s;
}

void iaf_table_set_cell(iaf_table *t, size_t i, double value, int64_t n, double wsum2)
{
    if (i >= t->ncells) return;
    t->value[i] = value;
    t->n[i] = n;
    t->wsum2[i] = wsum2;
}

void iaf_table_set_n(iaf_table *t, double n_obs, double n_eff, int full_count)
{
    t->n_obs = n_obs;
    t->n_eff = n_eff;
    t->full_count = full_count;
}

double iaf_table_n_obs(const iaf_table *t)
{
    return t->n_obs;
}

double iaf_table_n_eff(const iaf_table *t)
{
    return t->n_eff;
}

int iaf_table_full_count(const iaf_table *t)
{
    return t->full_count;
}

iaf_status iaf_table_marginal(const iaf_table *t, const char *const *names, size_t n,
                              iaf_table **out, iaf_error *err)
{
    *out = NULL;
    size_t idx[MAX_ATTRS];
    if (n == 0 || n > MAX_ATTRS)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "bad marginal request");
    for (size_t i = 0; i < n; i++) {
        int k = iaf_table_attr_index(t, names[i]);
        if (k < 0)
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "table has no attribute '%s'",
                                 names[i]);
        idx[i] = (size_t)k;
    }
    iaf_table *m = iaf_table_new(n, names, t->kind);
    if (!m) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    iaf_status st = IAF_OK;
    for (size_t i = 0; i < n && st == IAF_OK; i++)
        for (size_t c = 0; c < iaf_table_ncats(t, idx[i]) && st == IAF_OK; c++)
            st = iaf_table_add_category(m, i, iaf_table_cat(t, idx[i], c), err);
    iaf_sv labels[MAX_ATTRS];
    for (size_t c = 0; c < t->ncells && st == IAF_OK; c++) {
        for (size_t i = 0; i < n; i++)
            labels[i] = iaf_table_cat(t, idx[i], t->keys[c * t->nattrs + idx[i]]);
        st = iaf_table_add(m, labels, t->value[c], t->n[c], t->wsum2[c], t->se[c],
                           (iaf_cell_state)t->state[c], err);
    }
    if (st == IAF_OK) st = iaf_table_finish(m, err);
    if (st != IAF_OK) {
        iaf_table_free(m);
        return st;
    }
    iaf_table_set_n(m, t->n_obs, t->n_eff, t->full_count);
    *out = m;
    return IAF_OK;
}
