/* src/core/xwbuild.c - crosswalk builder: title matching, roll-up by code prefix, rule
 * rows and composition (see xwbuild.h). Its inputs are loaded by xwclass.c, labels
 * normalised by xwnorm.c, and the result written by xwwrite.c (xwbuild_int.h holds what
 * they share).
 *
 * A result copies every string it shows into its own arena: it outlives the
 * classification, the values and the crosswalks it was built from.
 */
#include "core/xwbuild_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/labels.h"
#include "io/csv.h"
#include "util/util.h"

/* ======================================================================================
 * Building
 * ====================================================================================== */

static const char *const how_names[IAF_XWB_NHOW] = {"unmatched", "exact", "normalized", "words",
                                                    "head",      "rule",  "excluded"};

const char *iaf_xwb_how_name(iaf_xwb_how how)
{
    return (unsigned)how < IAF_XWB_NHOW ? how_names[how] : "?";
}

void iaf_xwb_options_init(iaf_xwb_options *o)
{
    memset(o, 0, sizeof *o);
    o->match_exact = 1;
    o->match_normalized = 1;
}

void iaf_xwb_result_free(iaf_xwb_result *r)
{
    if (!r) return;
    xw_result *x = (xw_result *)r;
    iaf_free(r->labels);
    iaf_arena_free(&x->arena);
    iaf_free(x);
}

/* A (to, weight) list being accumulated for one label. */
typedef struct pending {
    iaf_sv to[IAF_CROSSWALK_MAX_TARGETS];
    double w[IAF_CROSSWALK_MAX_TARGETS];
    size_t n;
} pending;

static int pending_add(pending *p, iaf_sv to, double w)
{
    for (size_t i = 0; i < p->n; i++)
        if (iaf_sv_cmp(p->to[i], to) == 0) {
            p->w[i] += w;
            return 0;
        }
    if (p->n == IAF_CROSSWALK_MAX_TARGETS) return -1;
    p->to[p->n] = to;
    p->w[p->n++] = w;
    return 0;
}

/* Word forms of the titles (or of their heads) -> rows; one row may sit under several
 * keys (a title has a head per comma), so the chains link entries, not rows. */
typedef struct word_index {
    iaf_strmap map;
    size_t *head;          /* key id -> first entry */
    size_t *row, *next;    /* entry -> row, next entry with the same key */
    size_t n, cap, capkey; /* entries; capacities */
} word_index;

static void word_index_free(word_index *w)
{
    iaf_strmap_free(&w->map);
    iaf_free(w->head);
    iaf_free(w->row);
    iaf_free(w->next);
}

static int word_index_add(word_index *w, const char *key, size_t len, size_t row)
{
    if (len == 0) return 0;
    int64_t id = iaf_strmap_intern(&w->map, key, len);
    if (id < 0) return -1;
    if ((size_t)id + 1 > w->capkey) {
        size_t old = w->capkey;
        if (IAF_GROW(w->head, w->capkey, (size_t)id + 1) != 0) return -1;
        for (size_t k = old; k < w->capkey; k++)
            w->head[k] = NONE;
    }
    size_t cap2 = w->cap;
    if (IAF_GROW(w->row, w->cap, w->n + 1) != 0 || IAF_GROW(w->next, cap2, w->n + 1) != 0)
        return -1;
    w->row[w->n] = row;
    w->next[w->n] = NONE;
    /* append at the end of the chain: rows stay in classification order */
    size_t *link = &w->head[id];
    while (*link != NONE)
        link = &w->next[*link];
    *link = w->n++;
    return 0;
}

/* The word forms of every title (into words) and of each title cut before each of its
 * commas (into heads). */
static int word_indexes(const iaf_xwb_class *c, const iaf_xwb_options *o, word_index *words,
                        word_index *heads)
{
    iaf_buf b = {0};
    int rc = 0;
    for (size_t r = 0; r < c->n && rc == 0; r++) {
        iaf_sv t = c->codes[r].title;
        b.len = 0;
        rc = iaf_xwb_word_form(t.ptr, t.len, o->ignore_words, o->nignore_words, &b);
        if (rc == 0 && o->match_words) rc = word_index_add(words, b.data, b.len, r);
        for (size_t i = 0; i < t.len && rc == 0 && o->match_head; i++) {
            if (t.ptr[i] != ',') continue;
            b.len = 0;
            rc = iaf_xwb_word_form(t.ptr, i, o->ignore_words, o->nignore_words, &b);
            if (rc == 0) rc = word_index_add(heads, b.data, b.len, r);
        }
    }
    iaf_buf_free(&b);
    return rc;
}

typedef struct build_ctx {
    const iaf_xwb_class *c;
    const iaf_xwb_options *o;
    size_t level; /* roll-up level */
    word_index words, heads;
    iaf_buf nbuf; /* normalised label */
    size_t *cand; /* candidate rows */
    size_t ncand, capcand;
    struct cand_key *keys; /* most_specific's scratch */
    uint8_t *drop;
    size_t capkeys, capdrop;
    iaf_arena *arena;
    iaf_error *err;
} build_ctx;

/* Rows whose title (as written or normalised) is key, at the roll-up level or finer,
 * appended to ctx->cand; *coarser gets a row at a coarser level (or NONE). */
static int collect_titles(build_ctx *x, const title_index *ti, iaf_sv key, size_t minlevel,
                          size_t *coarser)
{
    int64_t id = iaf_strmap_find(&ti->map, key.ptr ? key.ptr : "", key.len);
    if (id < 0) return 0;
    for (size_t r = ti->head[id]; r != NONE; r = ti->next[r]) {
        if (x->c->codes[r].level < minlevel) {
            if (coarser && *coarser == NONE) *coarser = r;
            continue;
        }
        if (IAF_GROW(x->cand, x->capcand, x->ncand + 1) != 0) return -1;
        x->cand[x->ncand++] = r;
    }
    return 0;
}

/* Like collect_titles, through a word index. */
static int collect_words(build_ctx *x, const word_index *w, iaf_sv key, size_t *coarser)
{
    if (key.len == 0) return 0;
    int64_t id = iaf_strmap_find(&w->map, key.ptr, key.len);
    if (id < 0) return 0;
    for (size_t e = w->head[id]; e != NONE; e = w->next[e]) {
        size_t r = w->row[e];
        if (x->c->codes[r].level < x->level) {
            if (coarser && *coarser == NONE) *coarser = r;
            continue;
        }
        if (IAF_GROW(x->cand, x->capcand, x->ncand + 1) != 0) return -1;
        x->cand[x->ncand++] = r;
    }
    return 0;
}

typedef struct cand_key {
    iaf_sv code;
    size_t pos; /* position in cand */
} cand_key;

static int cmp_cand_key(const void *a, const void *b)
{
    const cand_key *x = a, *y = b;
    int c = iaf_sv_cmp(x->code, y->code);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Keep the most specific candidates: a code whose descendant is also a candidate (a unit
 * and its only detailed code often share a title) and repeats of one code go. Sorted by
 * code, a code's repeats and then its descendants follow it directly, so this is
 * O(k log k) for k candidates (a title shared by many codes must not cost k^2). Returns -1
 * when out of memory. */
static int most_specific(build_ctx *x, size_t from)
{
    const xw_code *codes = x->c->codes;
    size_t k = x->ncand - from;
    if (k < 2) return 0;
    if (IAF_GROW(x->keys, x->capkeys, k) != 0 || IAF_GROW(x->drop, x->capdrop, k) != 0) return -1;
    for (size_t i = 0; i < k; i++) {
        x->keys[i] = (cand_key){codes[x->cand[from + i]].code, i};
        x->drop[i] = 0;
    }
    qsort(x->keys, k, sizeof *x->keys, cmp_cand_key);
    for (size_t i = 0; i < k; i++) {
        iaf_sv a = x->keys[i].code;
        if (i > 0 && iaf_sv_cmp(x->keys[i - 1].code, a) == 0) {
            x->drop[x->keys[i].pos] = 1; /* a repeat: the first in candidate order stays */
            continue;
        }
        size_t j = i + 1;
        while (j < k && iaf_sv_cmp(x->keys[j].code, a) == 0)
            j++;
        if (j < k) {
            iaf_sv b = x->keys[j].code;
            if (b.len > a.len && memcmp(a.ptr, b.ptr, a.len) == 0) x->drop[x->keys[i].pos] = 1;
        }
    }
    size_t out = from;
    for (size_t i = 0; i < k; i++)
        if (!x->drop[i]) x->cand[out++] = x->cand[from + i];
    x->ncand = out;
    return 0;
}

/* The code of row r rolled up to the roll-up level, as a row of that level. */
static iaf_status roll_up(build_ctx *x, size_t r, size_t *out)
{
    const iaf_xwb_class *c = x->c;
    iaf_sv code = c->codes[r].code;
    size_t len = c->level_len[x->level];
    if (code.len < len) { /* a coarser rule target, allowed only with a compose file */
        *out = r;
        return IAF_OK;
    }
    int64_t id = iaf_strmap_find(&c->code_index, code.ptr, len);
    if (id < 0)
        return iaf_error_set(x->err, IAF_ERR_INVALID, c->file, c->codes[r].line, 0,
                             "code '%.*s' has no ancestor at level '%s' (no code '%.*s')",
                             iaf_sv_shown(code), code.ptr, c->level_name[x->level], (int)len,
                             code.ptr);
    *out = c->code_row[id];
    return IAF_OK;
}

/* Add the candidates cand[from..] with weight w split equally, rolled up, to p. Returns
 * the number of distinct rolled-up codes. */
static iaf_status add_candidates(build_ctx *x, size_t from, double w, pending *p, size_t *distinct)
{
    size_t k = x->ncand - from;
    size_t seen[IAF_CROSSWALK_MAX_TARGETS];
    size_t nseen = 0;
    for (size_t i = from; i < x->ncand; i++) {
        size_t up = 0;
        iaf_status st = roll_up(x, x->cand[i], &up);
        if (st != IAF_OK) return st;
        const xw_code *u = &x->c->codes[up];
        iaf_sv to = x->o->to_title && !x->o->compose ? u->title : u->code;
        size_t s = 0;
        while (s < nseen && seen[s] != up)
            s++;
        if (s == nseen && nseen < IAF_CROSSWALK_MAX_TARGETS) seen[nseen++] = up;
        if (pending_add(p, to, w / (double)k) != 0)
            return iaf_error_set(x->err, IAF_ERR_LIMIT, x->c->file, 0, 0,
                                 "a label maps to more than %d targets", IAF_CROSSWALK_MAX_TARGETS);
    }
    if (distinct) *distinct = nseen;
    return IAF_OK;
}

/* Resolve a rule target through the classification into candidates appended at cand[..]. */
static iaf_status resolve_rule_target(build_ctx *x, iaf_sv label, iaf_sv to, const char *rules)
{
    const iaf_xwb_class *c = x->c;
    int64_t id = iaf_strmap_find(&c->code_index, to.ptr, to.len);
    if (id >= 0) {
        size_t r = c->code_row[id];
        /* with a compose file a coarser code is fine: it is looked up there as it is */
        if (c->codes[r].level < x->level && !x->o->compose)
            return iaf_error_set(x->err, IAF_ERR_INVALID, rules, 0, 0,
                                 "the rule target '%.*s' (label '%.*s') is a code at level '%s', "
                                 "coarser than the roll-up level '%s'",
                                 iaf_sv_shown(to), to.ptr, iaf_sv_shown(label), label.ptr,
                                 c->level_name[c->codes[r].level], c->level_name[x->level]);
        if (IAF_GROW(x->cand, x->capcand, x->ncand + 1) != 0) goto oom;
        x->cand[x->ncand++] = r;
        return IAF_OK;
    }
    size_t from = x->ncand, minlevel = x->o->compose ? 0 : x->level;
    if (collect_titles(x, &c->exact, to, minlevel, NULL) != 0) goto oom;
    if (x->ncand == from) {
        x->nbuf.len = 0;
        if (iaf_xwb_normalize(to.ptr, to.len, &x->nbuf) != 0) goto oom;
        if (collect_titles(x, &c->norm, (iaf_sv){x->nbuf.data, x->nbuf.len}, minlevel, NULL) != 0)
            goto oom;
    }
    if (x->ncand == from)
        return iaf_error_set(x->err, IAF_ERR_INVALID, rules, 0, 0,
                             "the rule target '%.*s' (label '%.*s') is neither a code nor a "
                             "title at level '%s' or finer in %s",
                             iaf_sv_shown(to), to.ptr, iaf_sv_shown(label), label.ptr,
                             c->level_name[minlevel], c->file);
    if (most_specific(x, from) != 0) goto oom;
    return IAF_OK;
oom:
    return iaf_error_set(x->err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

/* Map the rolled-up codes in p through the compose crosswalk (code, then ancestors). */
static iaf_status compose(build_ctx *x, iaf_sv label, pending *p, int *all_dropped)
{
    const iaf_xwb_class *c = x->c;
    pending q;
    q.n = 0;
    double dropped = 0;
    for (size_t i = 0; i < p->n; i++) {
        iaf_sv code = p->to[i];
        int done = 0;
        for (size_t l = x->level + 1; l-- > 0 && !done;) {
            if (c->level_len[l] > code.len) continue;
            iaf_sv key = {code.ptr, c->level_len[l]};
            iaf_sv t[IAF_CROSSWALK_MAX_TARGETS];
            double w[IAF_CROSSWALK_MAX_TARGETS];
            int dr = 0;
            size_t k = iaf_crosswalk_map(x->o->compose, key, t, w, IAF_CROSSWALK_MAX_TARGETS, &dr);
            iaf_status mst = iaf_crosswalk_status(x->o->compose, x->err);
            if (mst != IAF_OK) return mst;
            if (dr) {
                dropped += p->w[i];
                done = 1;
            } else if (k > 0) {
                for (size_t j = 0; j < k; j++) {
                    char *s = iaf_arena_strndup(x->arena, t[j].ptr, t[j].len);
                    if (!s)
                        return iaf_error_set(x->err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
                    if (pending_add(&q, (iaf_sv){s, t[j].len}, p->w[i] * w[j]) != 0)
                        return iaf_error_set(
                            x->err, IAF_ERR_LIMIT, iaf_crosswalk_file(x->o->compose), 0, 0,
                            "a label maps to more than %d targets", IAF_CROSSWALK_MAX_TARGETS);
                }
                done = 1;
            }
        }
        if (!done)
            return iaf_error_set(x->err, IAF_ERR_INVALID, iaf_crosswalk_file(x->o->compose), 0, 0,
                                 "no row for code '%.*s' or any of its ancestors (label '%.*s')",
                                 iaf_sv_shown(code), code.ptr, iaf_sv_shown(label), label.ptr);
    }
    if (dropped > 0 && q.n > 0)
        return iaf_error_set(x->err, IAF_ERR_INVALID, iaf_crosswalk_file(x->o->compose), 0, 0,
                             "label '%.*s': the compose file drops %.6g of its mass but maps the "
                             "rest; a crosswalk row cannot drop part of a label",
                             iaf_sv_shown(label), label.ptr, dropped);
    *all_dropped = dropped > 0;
    *p = q;
    return IAF_OK;
}

static int cmp_target(const void *a, const void *b)
{
    return iaf_sv_cmp(((const iaf_xwb_target *)a)->to, ((const iaf_xwb_target *)b)->to);
}

static char *arena_sv(iaf_arena *a, iaf_sv s)
{
    return iaf_arena_strndup(a, s.ptr ? s.ptr : "", s.len);
}

/* The regex exclusions as an in-memory crosswalk: the crosswalk module already matches
 * whole labels and bounds what a pattern may cost. */
static iaf_status exclusion_crosswalk(const iaf_xwb_options *o, iaf_crosswalk **out, iaf_error *err)
{
    *out = NULL;
    if (o->nexclude_regex == 0) return IAF_OK;
    iaf_buf b = {0};
    int rc = iaf_buf_puts(&b, "from,to,match\n");
    for (size_t i = 0; i < o->nexclude_regex && rc == 0; i++) {
        rc = iaf_csv_write_field(&b, o->exclude_regex[i], strlen(o->exclude_regex[i]));
        if (rc == 0) rc = iaf_buf_puts(&b, ",x,regex\n");
    }
    if (rc != 0) {
        iaf_buf_free(&b);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    iaf_status st = iaf_crosswalk_load_memory(b.data, b.len, "--exclude-regex", out, err);
    iaf_buf_free(&b);
    return st;
}

/* An error of the exclusion crosswalk names a line of its generated text, whose line 1 is
 * the header: say which --exclude-regex it was instead. */
static iaf_status exclusion_error(iaf_error *err)
{
    if (!err) return IAF_ERR_INVALID;
    if (err->line >= 2) {
        long long k = err->line - 1;
        err->line = 0;
        iaf_error_prefix(err, "pattern %lld: ", k);
    }
    return err->status;
}

static iaf_status build_label(build_ctx *x, iaf_xwb_label *L, const iaf_strmap *excl,
                              iaf_crosswalk *excl_re)
{
    const iaf_xwb_class *c = x->c;
    const iaf_xwb_options *o = x->o;
    iaf_sv label = L->label;
    pending p;
    p.n = 0;
    x->ncand = 0;
    size_t distinct = 0;
    iaf_status st = IAF_OK;

    int excluded = iaf_strmap_find(excl, label.ptr, label.len) >= 0;
    if (!excluded && excl_re) {
        iaf_sv t1;
        excluded = iaf_crosswalk_map(excl_re, label, &t1, NULL, 1, NULL) > 0;
        if ((st = iaf_crosswalk_status(excl_re, x->err)) != IAF_OK) return exclusion_error(x->err);
    }
    if (excluded) {
        L->how = IAF_XWB_EXCLUDED;
        return IAF_OK;
    }
    size_t coarser = NONE;
    if (o->match_exact) {
        if (collect_titles(x, &c->exact, label, x->level, &coarser) != 0) goto oom;
        if (x->ncand) L->how = IAF_XWB_EXACT;
    }
    if (!x->ncand && o->match_normalized) {
        x->nbuf.len = 0;
        if (iaf_xwb_normalize(label.ptr, label.len, &x->nbuf) != 0) goto oom;
        if (collect_titles(x, &c->norm, (iaf_sv){x->nbuf.data ? x->nbuf.data : "", x->nbuf.len},
                           x->level, &coarser) != 0)
            goto oom;
        if (x->ncand) L->how = IAF_XWB_NORMALIZED;
    }
    if (!x->ncand && (o->match_words || o->match_head)) {
        x->nbuf.len = 0;
        if (iaf_xwb_word_form(label.ptr, label.len, o->ignore_words, o->nignore_words, &x->nbuf) !=
            0)
            goto oom;
        iaf_sv key = {x->nbuf.data ? x->nbuf.data : "", x->nbuf.len};
        if (o->match_words) {
            if (collect_words(x, &x->words, key, &coarser) != 0) goto oom;
            if (x->ncand) L->how = IAF_XWB_WORDS;
        }
        if (!x->ncand && o->match_head) {
            if (collect_words(x, &x->heads, key, &coarser) != 0) goto oom;
            if (x->ncand) L->how = IAF_XWB_HEAD;
        }
    }
    if (x->ncand) {
        if (most_specific(x, 0) != 0) goto oom;
        L->ambiguous = x->ncand > 1;
        if ((st = add_candidates(x, 0, 1.0, &p, &distinct)) != IAF_OK) return st;
        L->split = distinct > 1;
        if (L->split && o->strict)
            return iaf_error_set(x->err, IAF_ERR_INVALID, c->file, c->codes[x->cand[0]].line, 0,
                                 "--strict: the title '%.*s' is at %zu codes that roll up to "
                                 "different '%s' groups",
                                 iaf_sv_shown(label), label.ptr, x->ncand, c->level_name[x->level]);
    } else if (o->rules) {
        iaf_sv t[IAF_CROSSWALK_MAX_TARGETS];
        double w[IAF_CROSSWALK_MAX_TARGETS];
        int dr = 0;
        size_t k = iaf_crosswalk_map(o->rules, label, t, w, IAF_CROSSWALK_MAX_TARGETS, &dr);
        if ((st = iaf_crosswalk_status(o->rules, x->err)) != IAF_OK) return st;
        if (dr) {
            L->how = IAF_XWB_RULE;
            L->dropped = 1;
        } else if (k > 0) {
            L->how = IAF_XWB_RULE;
            /* copy the targets: the rule cache may move when the next target resolves */
            char *tc[IAF_CROSSWALK_MAX_TARGETS];
            for (size_t i = 0; i < k; i++)
                if (!(tc[i] = arena_sv(x->arena, t[i]))) goto oom;
            for (size_t i = 0; i < k; i++) {
                size_t from = x->ncand;
                iaf_sv to = {tc[i], t[i].len};
                if ((st = resolve_rule_target(x, label, to, iaf_crosswalk_file(o->rules))) !=
                    IAF_OK)
                    return st;
                if (x->ncand - from > 1) L->ambiguous = 1;
                size_t d = 0;
                if ((st = add_candidates(x, from, w[i], &p, &d)) != IAF_OK) return st;
                if (d > 1) L->split = 1;
            }
        }
    }
    if (!x->ncand && !L->dropped) {
        L->how = IAF_XWB_UNMATCHED;
        if (coarser != NONE) {
            const xw_code *k = &c->codes[coarser];
            char tmp[400];
            int n = snprintf(tmp, sizeof tmp, "title of %s %.*s", c->level_name[k->level],
                             iaf_sv_shown(k->code), k->code.ptr);
            if (!(L->hint.ptr = iaf_arena_strndup(x->arena, tmp, (size_t)n))) goto oom;
            L->hint.len = (size_t)n;
        }
        return IAF_OK;
    }
    /* matched codes, for the note */
    if (x->ncand) {
        L->codes = iaf_arena_alloc(x->arena, x->ncand * sizeof *L->codes);
        if (!L->codes) goto oom;
        for (size_t i = 0; i < x->ncand; i++) {
            iaf_sv code = c->codes[x->cand[i]].code;
            if (!(L->codes[i].ptr = arena_sv(x->arena, code))) goto oom;
            L->codes[i].len = code.len;
        }
        L->ncodes = x->ncand;
    }
    if (L->dropped) return IAF_OK;
    if (o->compose) {
        int all_dropped = 0;
        if ((st = compose(x, label, &p, &all_dropped)) != IAF_OK) return st;
        if (all_dropped) {
            L->dropped = 1;
            return IAF_OK;
        }
    }
    L->targets = iaf_arena_alloc(x->arena, p.n * sizeof *L->targets);
    if (!L->targets) goto oom;
    for (size_t i = 0; i < p.n; i++) {
        if (!(L->targets[i].to.ptr = arena_sv(x->arena, p.to[i]))) goto oom;
        L->targets[i].to.len = p.to[i].len;
        L->targets[i].weight = p.w[i];
    }
    L->ntargets = p.n;
    qsort(L->targets, p.n, sizeof *L->targets, cmp_target);
    return IAF_OK;
oom:
    return iaf_error_set(x->err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

iaf_status iaf_xwb_build(const iaf_xwb_class *c, const iaf_xwb_values *v, const iaf_xwb_options *o,
                         iaf_xwb_result **out, iaf_error *err)
{
    *out = NULL;
    if (!o->level) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no roll-up level given");
    int level = iaf_xwb_class_level(c, o->level);
    if (level < 0) {
        char names[512] = "";
        size_t used = 0;
        for (size_t i = 0; i < c->nlevels && used < sizeof names - 1; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                     c->level_name[i]);
        return iaf_error_set(err, IAF_ERR_INVALID, c->file, 0, 0,
                             "no level '%s' in the classification (levels: %s)", o->level, names);
    }
    if (!o->match_exact && !o->match_normalized && !o->match_words && !o->match_head && !o->rules)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no matching method selected");
    xw_result *res = iaf_calloc(1, sizeof *res);
    if (!res) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    iaf_xwb_result *r = &res->pub;
    iaf_strmap excl;
    memset(&excl, 0, sizeof excl);
    iaf_crosswalk *excl_re = NULL;
    build_ctx x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.o = o;
    x.level = (size_t)level;
    x.arena = &res->arena;
    x.err = err;
    iaf_status st = IAF_OK;
    for (size_t i = 0; i < o->nexclude; i++)
        if (iaf_strmap_intern(&excl, o->exclude[i], strlen(o->exclude[i])) < 0) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
    if ((st = exclusion_crosswalk(o, &excl_re, err)) != IAF_OK) {
        exclusion_error(err);
        goto done;
    }
    if ((o->match_words || o->match_head) && word_indexes(c, o, &x.words, &x.heads) != 0) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    r->level_name = c->level_name[level];
    r->drop_excluded = o->drop_excluded;
    r->word_matchers = o->match_words || o->match_head;
    r->has_mass = v->has_mass;
    r->nlabels = iaf_xwb_values_count(v);
    r->labels = iaf_calloc(r->nlabels ? r->nlabels : 1, sizeof *r->labels);
    if (!r->labels) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < r->nlabels; i++) {
        iaf_xwb_label *L = &r->labels[i];
        iaf_sv s = iaf_strmap_get(&v->labels, i);
        if (!(L->label.ptr = arena_sv(&res->arena, s))) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        L->label.len = s.len;
        L->mass = v->mass[i];
        if ((st = build_label(&x, L, &excl, excl_re)) != IAF_OK) goto done;
        r->total_mass += L->mass;
        r->n[L->how]++;
        r->mass[L->how] += L->mass;
        if (L->dropped) {
            r->n_dropped++;
            r->mass_dropped += L->mass;
        } else if (L->ntargets) {
            r->mass_mapped += L->mass;
        }
        if (L->ambiguous) {
            r->n_ambiguous++;
            r->mass_ambiguous += L->mass;
        }
        if (L->split) r->n_split++;
    }
done:
    iaf_strmap_free(&excl);
    iaf_crosswalk_free(excl_re);
    iaf_buf_free(&x.nbuf);
    word_index_free(&x.words);
    word_index_free(&x.heads);
    iaf_free(x.cand);
    iaf_free(x.keys);
    iaf_free(x.drop);
    if (st != IAF_OK) {
        iaf_xwb_result_free(r);
        return st;
    }
    *out = r;
    return IAF_OK;
}
