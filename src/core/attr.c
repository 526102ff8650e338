/* src/core/attr.c - attribute mapping and derivation, see attr.h. */
#include "core/attr.h"
#include "core/table_ids.h"
#include "util/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

iaf_attr *iaf_attr_new_asis(const char *name, const char *column)
{
    iaf_attr *a = iaf_calloc(1, sizeof *a);
    if (!a) return NULL;
    a->kind = IAF_ATTR_ASIS;
    a->keep_other = 1;
    if (!(a->name = iaf_strdup(name)) || !(a->column = iaf_strdup(column))) {
        iaf_attr_free(a);
        return NULL;
    }
    return a;
}

static char **dup_list(char *const *l, size_t n)
{
    char **t = iaf_calloc(n ? n : 1, sizeof *t);
    if (!t) return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(t[i] = iaf_strdup(l[i]))) {
            while (i--)
                iaf_free(t[i]);
            iaf_free(t);
            return NULL;
        }
    return t;
}

iaf_attr *iaf_attr_copy(const iaf_attr *a, const char *name, const char *column)
{
    iaf_attr *c = iaf_attr_new_asis(name ? name : a->name, column ? column : a->column);
    if (!c) return NULL;
    c->kind = a->kind;
    c->keep_other = a->keep_other;
    c->right_closed_last = a->right_closed_last;
    c->crosswalk = a->crosswalk;
    c->drop_missing = a->drop_missing;
    c->normalize = a->normalize;
    if (a->nbins) {
        if (!(c->edges = iaf_calloc(a->nbins + 1, sizeof *c->edges)) ||
            !(c->labels = dup_list(a->labels, a->nbins)))
            goto fail;
        memcpy(c->edges, a->edges, (a->nbins + 1) * sizeof *c->edges);
        c->nbins = a->nbins;
    }
    if (a->nrecode) {
        if (!(c->from = dup_list(a->from, a->nrecode))) goto fail;
        c->nrecode = a->nrecode;
        if (!(c->to = dup_list(a->to, a->nrecode))) goto fail;
        for (size_t i = 0; i < a->nrecode; i++)
            if (iaf_strmap_intern(&c->recode_index, c->from[i], strlen(c->from[i])) < 0) goto fail;
    }
    if (iaf_attr_set_missing(c, (const char *const *)a->missing_tokens, a->nmissing) != 0)
        goto fail;
    return c;
fail:
    iaf_attr_free(c);
    return NULL;
}

void iaf_attr_free(iaf_attr *a)
{
    if (!a) return;
    iaf_free(a->name);
    iaf_free(a->column);
    iaf_free(a->edges);
    for (size_t i = 0; i < a->nbins && a->labels; i++)
        iaf_free(a->labels[i]);
    iaf_free(a->labels);
    for (size_t i = 0; i < a->nrecode; i++) {
        iaf_free(a->from ? a->from[i] : NULL);
        iaf_free(a->to ? a->to[i] : NULL);
    }
    iaf_free(a->from);
    iaf_free(a->to);
    iaf_strmap_free(&a->recode_index);
    for (size_t i = 0; i < a->nmissing; i++)
        iaf_free(a->missing_tokens[i]);
    iaf_free(a->missing_tokens);
    iaf_free(a);
}

int iaf_attr_set_missing(iaf_attr *a, const char *const *tokens, size_t n)
{
    char **t = iaf_calloc(n ? n : 1, sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < n; i++)
        if (!(t[i] = iaf_strdup(tokens[i]))) {
            while (i--)
                iaf_free(t[i]);
            iaf_free(t);
            return -1;
        }
    for (size_t i = 0; i < a->nmissing; i++)
        iaf_free(a->missing_tokens[i]);
    iaf_free(a->missing_tokens);
    a->missing_tokens = t;
    a->nmissing = n;
    return 0;
}

static int is_missing(const iaf_attr *a, iaf_sv raw)
{
    if (!raw.ptr || raw.len == 0) return 1;
    for (size_t i = 0; i < a->nmissing; i++) {
        size_t n = strlen(a->missing_tokens[i]);
        if (raw.len == n && memcmp(raw.ptr, a->missing_tokens[i], n) == 0) return 1;
    }
    return 0;
}

/* Map a value that is not missing. v is the (normalised) value, raw the
 * value as written; recode is the index recode keys are looked up in. A
 * crosswalk is tried with v, then with raw when normalisation changed it. */
static iaf_map_result map_value(iaf_attr *a, iaf_sv v, iaf_sv raw, const iaf_strmap *recode,
                                const int64_t *recode_row, iaf_sv *labels, double *weights,
                                size_t *n)
{
    *n = 0;
    switch (a->kind) {
    case IAF_ATTR_ASIS:
        labels[0] = v;
        weights[0] = 1;
        *n = 1;
        return IAF_MAP_OK;
    case IAF_ATTR_BIN: {
        double x;
        if (!iaf_parse_double(v, &x)) return IAF_MAP_UNMAPPED;
        for (size_t i = 0; i < a->nbins; i++) {
            int last = i + 1 == a->nbins;
            if (x >= a->edges[i] &&
                (x < a->edges[i + 1] || (last && a->right_closed_last && x == a->edges[i + 1]))) {
                labels[0] = (iaf_sv){a->labels[i], strlen(a->labels[i])};
                weights[0] = 1;
                *n = 1;
                return IAF_MAP_OK;
            }
        }
        return IAF_MAP_UNMAPPED;
    }
    case IAF_ATTR_RECODE: {
        int64_t i = iaf_strmap_find(recode, v.ptr, v.len);
        if (i >= 0 && recode_row) i = recode_row[i];
        if (i >= 0) {
            labels[0] = (iaf_sv){a->to[i], strlen(a->to[i])};
        } else if (a->keep_other) {
            labels[0] = v;
        } else {
            return IAF_MAP_UNMAPPED;
        }
        weights[0] = 1;
        *n = 1;
        return IAF_MAP_OK;
    }
    case IAF_ATTR_CROSSWALK: {
        int dropped = 0;
        size_t k = iaf_crosswalk_map(a->crosswalk, v, labels, weights, IAF_MAX_TARGETS, &dropped);
        if (k == 0 && !dropped && (v.len != raw.len || memcmp(v.ptr, raw.ptr, v.len) != 0))
            k = iaf_crosswalk_map(a->crosswalk, raw, labels, weights, IAF_MAX_TARGETS, &dropped);
        if (k == 0) return dropped ? IAF_MAP_DROPPED : IAF_MAP_UNMAPPED;
        *n = k;
        return IAF_MAP_OK;
    }
    }
    return IAF_MAP_UNMAPPED;
}

iaf_map_result iaf_attr_map(iaf_attr *a, iaf_sv raw, iaf_sv *labels, double *weights, size_t *n,
                            char buf[64])
{
    (void)buf;
    *n = 0;
    if (is_missing(a, raw)) {
        labels[0] = (iaf_sv){"", 0};
        weights[0] = 1;
        *n = 1;
        return IAF_MAP_MISSING;
    }
    return map_value(a, raw, raw, &a->recode_index, NULL, labels, weights, n);
}

/* An attribute (or a raw universe column, a == NULL) prepared for one
 * derivation: every value of its column normalised once, and whether it is
 * missing. */
typedef struct prep {
    iaf_attr *a;
    const iaf_sv *raw; /* the column's values by id */
    size_t nvalues;
    unsigned flags;
    iaf_strmap store;  /* normalised values and tokens (stable views) */
    iaf_sv *val;       /* per id: the normalised value ({NULL, 0} = null or missing) */
    uint8_t *missing;  /* per id */
    iaf_strmap recode; /* normalised recode keys (flags != 0) */
    int64_t *recode_row;
} prep;

static void prep_free(prep *p)
{
    iaf_strmap_free(&p->store);
    iaf_strmap_free(&p->recode);
    iaf_free(p->val);
    iaf_free(p->missing);
    iaf_free(p->recode_row);
}

static int normalized(prep *p, iaf_buf *b, const char *s, size_t n, iaf_sv *out)
{
    b->len = 0;
    if (iaf_label_normalize(s, n, p->flags, b) != 0) return -1;
    int64_t id = iaf_strmap_intern(&p->store, b->data ? b->data : "", b->len);
    if (id < 0) return -1;
    *out = iaf_strmap_get(&p->store, (size_t)id);
    return 0;
}

static int prep_init(prep *p, iaf_attr *a, const iaf_rawcount *rc, size_t col,
                     const iaf_label_rules *rules)
{
    memset(p, 0, sizeof *p);
    p->a = a;
    p->raw = rc->values[col];
    p->nvalues = rc->nvalues[col];
    p->flags = (a ? a->normalize : 0) | (rules ? rules->normalize : 0);
    iaf_strmap tokens = {0};
    iaf_buf b = {0};
    int rc_ = -1;
    p->val = iaf_calloc(p->nvalues + 1, sizeof *p->val);
    p->missing = iaf_calloc(p->nvalues + 1, 1);
    if (!p->val || !p->missing) goto done;
    /* declared tokens, normalised like the values */
    size_t na = a ? a->nmissing : 0, nr = rules ? rules->nmissing : 0;
    for (size_t i = 0; i < na + nr; i++) {
        const char *t = i < na ? a->missing_tokens[i] : rules->missing[i - na];
        iaf_sv v;
        if (normalized(p, &b, t, strlen(t), &v) != 0 ||
            iaf_strmap_intern(&tokens, v.ptr, v.len) < 0)
            goto done;
    }
    for (size_t id = 0; id < p->nvalues; id++) {
        iaf_sv r = p->raw[id], v = r;
        if (!r.ptr) {
            p->missing[id] = 1;
            continue;
        }
        if (p->flags && normalized(p, &b, r.ptr, r.len, &v) != 0) goto done;
        /* "" is missing for an attribute; a raw universe column keeps it */
        if ((a && v.len == 0) || iaf_strmap_find(&tokens, v.ptr, v.len) >= 0) {
            p->missing[id] = 1;
            continue;
        }
        p->val[id] = v;
    }
    if (a && a->kind == IAF_ATTR_RECODE && p->flags) {
        p->recode_row = iaf_calloc(a->nrecode + 1, sizeof *p->recode_row);
        if (!p->recode_row) goto done;
        for (size_t i = 0; i < a->nrecode; i++) {
            iaf_sv v;
            if (normalized(p, &b, a->from[i], strlen(a->from[i]), &v) != 0) goto done;
            size_t before = iaf_strmap_size(&p->recode);
            int64_t k = iaf_strmap_intern(&p->recode, v.ptr, v.len);
            if (k < 0) goto done;
            /* two keys that normalise alike: the first listed wins */
            if ((size_t)k >= before) p->recode_row[k] = (int64_t)i;
        }
    }
    rc_ = 0;
done:
    iaf_strmap_free(&tokens);
    iaf_buf_free(&b);
    return rc_;
}

/* Map value id of p's column. */
static iaf_map_result prep_map(const prep *p, uint32_t id, iaf_sv *labels, double *weights,
                               size_t *n)
{
    if (p->missing[id]) {
        labels[0] = (iaf_sv){"", 0};
        weights[0] = 1;
        *n = 1;
        return IAF_MAP_MISSING;
    }
    const iaf_strmap *rx = p->recode_row ? &p->recode : &p->a->recode_index;
    return map_value(p->a, p->val[id], p->raw[id], rx, p->recode_row, labels, weights, n);
}

/* Accumulates unmapped mass by raw value for one attribute. */
typedef struct cov_acc {
    iaf_strmap raws;
    double *mass;
    int64_t *n;
    uint8_t *why;
    size_t cap;
    double null_mass;
    int64_t null_n;
    uint8_t null_why;
} cov_acc;

static int cov_add(cov_acc *c, iaf_sv raw, double mass, int64_t n, iaf_map_result why)
{
    if (!raw.ptr) {
        c->null_mass += mass;
        c->null_n += n;
        c->null_why = (uint8_t)why;
        return 0;
    }
    int64_t id = iaf_strmap_intern(&c->raws, raw.ptr, raw.len);
    if (id < 0) return -1;
    if ((size_t)id >= c->cap) {
        size_t c1 = c->cap, c2 = c->cap, c3 = c->cap;
        if (IAF_GROW(c->mass, c1, (size_t)id + 1) || IAF_GROW(c->n, c2, (size_t)id + 1) ||
            IAF_GROW(c->why, c3, (size_t)id + 1))
            return -1;
        for (size_t i = c->cap; i < c1; i++)
            c->mass[i] = 0, c->n[i] = 0, c->why[i] = 0;
        c->cap = c1;
    }
    c->mass[id] += mass;
    c->n[id] += n;
    c->why[id] = (uint8_t)why;
    return 0;
}

static int cmp_cov(const void *a, const void *b)
{
    const iaf_coverage_item *x = a, *y = b;
    if (x->mass != y->mass) return x->mass > y->mass ? -1 : 1;
    if (!x->raw || !y->raw) return x->raw ? -1 : y->raw ? 1 : 0;
    return strcmp(x->raw, y->raw);
}

static int cov_finish(cov_acc *c, iaf_coverage *out)
{
    size_t n = iaf_strmap_size(&c->raws) + (c->null_n > 0 || c->null_mass > 0);
    out->items = iaf_calloc(n ? n : 1, sizeof *out->items);
    if (!out->items) return -1;
    size_t k = 0;
    for (size_t i = 0; i < iaf_strmap_size(&c->raws); i++) {
        iaf_sv v = iaf_strmap_get(&c->raws, i);
        if (!(out->items[k].raw = iaf_strndup(v.ptr, v.len))) return -1;
        out->items[k].mass = c->mass[i];
        out->items[k].n = c->n[i];
        out->items[k].why = (iaf_map_result)c->why[i];
        k++;
    }
    if (k < n) {
        out->items[k].raw = NULL;
        out->items[k].mass = c->null_mass;
        out->items[k].n = c->null_n;
        out->items[k].why = (iaf_map_result)c->null_why;
        k++;
    }
    out->nitems = k;
    qsort(out->items, k, sizeof *out->items, cmp_cov);
    return 0;
}

static void cov_free(cov_acc *c)
{
    iaf_strmap_free(&c->raws);
    iaf_free(c->mass);
    iaf_free(c->n);
    iaf_free(c->why);
}

static int find_cube_col(const iaf_rawcount *rc, const iaf_rawcube *cube, const char *name)
{
    for (size_t j = 0; j < cube->ncols; j++)
        if (strcmp(rc->cols[cube->cols[j]], name) == 0) return (int)j;
    return -1;
}

iaf_status iaf_derive(const iaf_rawcount *rc, size_t cube_i, iaf_attr *const *attrs, size_t nattrs,
                      const iaf_expr *universe, const iaf_label_rules *rules, iaf_derived **out,
                      iaf_error *err)
{
    *out = NULL;
    iaf_status st = IAF_OK;
    const iaf_rawcube *cube = &rc->cubes[cube_i];
    int acol[16], vsrc[64], vattr[64]; /* vattr: index into attrs, -1 = a raw column */
    size_t nvars = universe ? iaf_expr_nvars(universe) : 0;
    cov_acc *cov = NULL, *mcov = NULL;
    uint8_t *one1[16] = {0};
    uint32_t *cat1[16] = {0};
    double *w1[16] = {0};
    iaf_sv *lab1[16] = {0};
    prep ap[16], vp[64]; /* per attribute; per raw universe column */
    size_t nap = 0, nvp = 0;
    iaf_derived *d = NULL;
    if (nattrs == 0 || nattrs > 16)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "a check needs 1 to 16 attributes");
    if (nvars > 64)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "universe uses too many variables");
    for (size_t i = 0; i < nattrs; i++) {
        acol[i] = find_cube_col(rc, cube, attrs[i]->column);
        if (acol[i] < 0)
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "internal: column '%s' of attribute '%s' was not counted",
                                 attrs[i]->column, attrs[i]->name);
    }
    /* Universe variables: an attribute's name means its mapped label (single
     * target only); otherwise the raw column. */
    for (size_t v = 0; v < nvars; v++) {
        const char *name = iaf_expr_var(universe, v);
        vattr[v] = -1;
        for (size_t i = 0; i < nattrs; i++)
            if (strcmp(attrs[i]->name, name) == 0) vattr[v] = (int)i;
        const char *col = vattr[v] >= 0 ? attrs[vattr[v]]->column : name;
        vsrc[v] = find_cube_col(rc, cube, col);
        if (vsrc[v] < 0)
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "universe refers to '%s', which is neither an attribute of the "
                                 "check nor a column of the data",
                                 name);
    }
    const char *names[16];
    for (size_t i = 0; i < nattrs; i++)
        names[i] = attrs[i]->name;
    d = iaf_calloc(1, sizeof *d);
    cov = iaf_calloc(nattrs, sizeof *cov);
    mcov = iaf_calloc(nattrs, sizeof *mcov);
    if (!d || !cov || !mcov) goto oom;
    for (; nap < nattrs; nap++)
        if (prep_init(&ap[nap], attrs[nap], rc, cube->cols[acol[nap]], rules) != 0) {
            nap++;
            goto oom;
        }
    for (; nvp < nvars; nvp++)
        if (vattr[nvp] < 0 && prep_init(&vp[nvp], NULL, rc, cube->cols[vsrc[nvp]], rules) != 0) {
            nvp++;
            goto oom;
        }
    d->nattrs = nattrs;
    d->table = iaf_table_new(nattrs, names, IAF_TABLE_COUNTS);
    d->coverage = iaf_calloc(nattrs, sizeof *d->coverage);
    if (!d->table || !d->coverage) goto oom;
    for (size_t i = 0; i < nattrs; i++)
        if (!(d->coverage[i].attr = iaf_strdup(attrs[i]->name))) goto oom;

    /* Each distinct raw value is mapped once: a value with one target remembers
     * its table category id and weight (one1 = 1), so that a cell of such values
     * goes to the table by ids, with no label interned per cell (the 7-column
     * joint table has about 600k cells of 7 labels each). one1 = 2: map per cell. */
    /* every cube column is one attribute's: no other column (a universe's) to sum over */
    int asis = nattrs == cube->ncols;
    for (size_t i = 0; i < nattrs; i++)
        for (size_t j = 0; j < i; j++)
            asis &= acol[i] != acol[j];
    for (size_t i = 0; i < nattrs; i++) {
        size_t nv = rc->nvalues[cube->cols[acol[i]]];
        one1[i] = iaf_calloc(nv ? nv : 1, 1);
        cat1[i] = iaf_calloc(nv ? nv : 1, sizeof *cat1[i]);
        w1[i] = iaf_calloc(nv ? nv : 1, sizeof *w1[i]);
        lab1[i] = iaf_calloc(nv ? nv : 1, sizeof *lab1[i]);
        if (!one1[i] || !cat1[i] || !w1[i] || !lab1[i]) goto oom;
        asis &= attrs[i]->kind == IAF_ATTR_ASIS;
    }
    /* as is, a cube's cells stay distinct: room for all of them at once; without
     * normalisation a value's label is the value itself, so two cells of mapped
     * values never meet in the table and are appended without a lookup */
    if (asis && iaf_table_reserve(d->table, cube->ncells) != 0) goto oom;
    int inj = asis;
    for (size_t i = 0; i < nattrs; i++)
        inj &= ap[i].flags == 0;
    iaf_sv tl[16][IAF_MAX_TARGETS];
    double tw[16][IAF_MAX_TARGETS];
    size_t tn[16];
    uint32_t cid[16];
    iaf_sv vals[64];
    double mapped_n = 0, mapped_mass = 0, mapped_w2 = 0;
    for (size_t c = 0; c < cube->ncells; c++) {
        const uint32_t *key = cube->keys + c * cube->ncols;
        double mass = cube->wsum[c], w2 = cube->wsum2[c];
        int64_t cnt = cube->count[c];
        d->total_mass += mass;
        d->total_n += cnt;
        if (universe) {
            for (size_t v = 0; v < nvars; v++) {
                uint32_t id = key[vsrc[v]];
                if (vattr[v] >= 0) {
                    iaf_sv l[IAF_MAX_TARGETS];
                    double w[IAF_MAX_TARGETS];
                    size_t k;
                    iaf_map_result r = prep_map(&ap[vattr[v]], id, l, w, &k);
                    vals[v] = r == IAF_MAP_OK && k == 1 ? l[0] : (iaf_sv){NULL, 0};
                } else {
                    vals[v] = vp[v].missing[id] ? (iaf_sv){NULL, 0} : vp[v].val[id];
                }
            }
            if (!iaf_expr_eval(universe, vals)) continue;
        }
        d->universe_mass += mass;
        d->universe_n += cnt;
        d->universe_wsum2 += w2;
        int lost = 0, by_id = 1;
        double wid = 1;
        for (size_t i = 0; i < nattrs; i++) {
            uint32_t id = key[acol[i]];
            if (!one1[i][id]) {
                iaf_map_result r1 = prep_map(&ap[i], id, tl[i], tw[i], &tn[i]);
                one1[i][id] = 2;
                if (r1 == IAF_MAP_OK && tn[i] == 1) {
                    int64_t k = iaf_table_category_id(d->table, i, tl[i][0]);
                    if (k < 0) goto oom;
                    one1[i][id] = 1;
                    cat1[i][id] = (uint32_t)k;
                    w1[i][id] = tw[i][0];
                    lab1[i][id] = tl[i][0];
                }
            }
            if (one1[i][id] == 1) {
                cid[i] = cat1[i][id];
                wid *= w1[i][id];
                tl[i][0] = lab1[i][id];
                tw[i][0] = w1[i][id];
                tn[i] = 1;
                continue;
            }
            by_id = 0;
            iaf_sv raw = rc->values[cube->cols[acol[i]]][id];
            iaf_map_result r = prep_map(&ap[i], id, tl[i], tw[i], &tn[i]);
            if (r == IAF_MAP_MISSING) {
                d->coverage[i].missing += mass;
                d->coverage[i].missing_n += cnt;
                if (cov_add(&mcov[i], raw, mass, cnt, r) != 0) goto oom;
                if (attrs[i]->drop_missing) {
                    lost = 1;
                    if (cov_add(&cov[i], raw, mass, cnt, r) != 0) goto oom;
                }
            } else if (r != IAF_MAP_OK) {
                lost = 1;
                if (r == IAF_MAP_DROPPED)
                    d->coverage[i].dropped += mass;
                else
                    d->coverage[i].unmapped += mass;
                if (cov_add(&cov[i], raw, mass, cnt, r) != 0) goto oom;
            }
        }
        if (lost) continue;
        for (size_t i = 0; i < nattrs; i++)
            d->coverage[i].mapped += mass;
        /* cartesian product of the targets of every attribute */
        size_t idx[16] = {0};
        if (by_id) {
            /* one target each: the same cell as the loop below would add */
            double se = cube->var ? sqrt(cube->var[c]) * wid : NAN;
            if (inj)
                st = iaf_table_append_ids(d->table, cid, mass * wid, wid == 1.0 ? cnt : -1,
                                          w2 * wid * wid, se, err);
            else
                st = iaf_table_add_ids(d->table, cid, mass * wid, wid == 1.0 ? cnt : -1,
                                       w2 * wid * wid, se, IAF_CELL_OK, err);
            if (st != IAF_OK) goto done;
        }
        while (!by_id) {
            iaf_sv labels[16];
            double w = 1;
            for (size_t i = 0; i < nattrs; i++) {
                labels[i] = tl[i][idx[i]];
                w *= tw[i][idx[i]];
            }
            int whole = w == 1.0;
            double se = cube->var ? sqrt(cube->var[c]) * w : NAN;
            if ((st = iaf_table_add(d->table, labels, mass * w, whole ? cnt : -1, w2 * w * w, se,
                                    IAF_CELL_OK, err)) != IAF_OK)
                goto done;
            size_t i = 0;
            while (i < nattrs && ++idx[i] == tn[i])
                idx[i++] = 0;
            if (i == nattrs) break;
        }
        mapped_n += (double)cnt;
        mapped_mass += mass;
        mapped_w2 += w2;
    }
    /* a crosswalk whose pattern hit a limit mapped nothing from then on: fail */
    for (size_t i = 0; i < nattrs; i++)
        if (attrs[i]->kind == IAF_ATTR_CROSSWALK &&
            (st = iaf_crosswalk_status(attrs[i]->crosswalk, err)) != IAF_OK)
            goto done;
    /* (a universe variable that names an attribute is one of attrs: checked above) */
    for (size_t i = 0; i < nattrs; i++) {
        if (cov_finish(&cov[i], &d->coverage[i]) != 0) goto oom;
        iaf_coverage m = {0};
        int bad = cov_finish(&mcov[i], &m);
        d->coverage[i].missing_items = m.items;
        d->coverage[i].nmissing_items = m.nitems;
        if (bad) goto oom;
    }
    if ((st = iaf_table_finish(d->table, err)) != IAF_OK) goto done;
    iaf_table_set_n(d->table, mapped_n, mapped_w2 > 0 ? mapped_mass * mapped_mass / mapped_w2 : 0,
                    0);
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    if (cov)
        for (size_t i = 0; i < nattrs; i++)
            cov_free(&cov[i]);
    if (mcov)
        for (size_t i = 0; i < nattrs; i++)
            cov_free(&mcov[i]);
    iaf_free(cov);
    iaf_free(mcov);
    for (size_t i = 0; i < 16; i++) {
        iaf_free(one1[i]);
        iaf_free(cat1[i]);
        iaf_free(w1[i]);
        iaf_free(lab1[i]);
    }
    for (size_t i = 0; i < nap; i++)
        prep_free(&ap[i]);
    for (size_t v = 0; v < nvp; v++)
        if (vattr[v] < 0) prep_free(&vp[v]);
    if (st != IAF_OK) {
        iaf_derived_free(d);
        return st;
    }
    *out = d;
    return IAF_OK;
}

void iaf_derived_free(iaf_derived *d)
{
    if (!d) return;
    iaf_table_free(d->table);
    if (d->coverage)
        for (size_t i = 0; i < d->nattrs; i++)
            iaf_coverage_clear(&d->coverage[i]);
    iaf_free(d->coverage);
    iaf_free(d);
}

void iaf_coverage_clear(iaf_coverage *c)
{
    if (!c) return;
    iaf_free(c->attr);
    for (size_t k = 0; k < c->nitems; k++)
        iaf_free(c->items[k].raw);
    iaf_free(c->items);
    for (size_t k = 0; k < c->nmissing_items; k++)
        iaf_free(c->missing_items[k].raw);
    iaf_free(c->missing_items);
    memset(c, 0, sizeof *c);
}
