/* src/audit/spec.c - loading audit specs with libfyaml (see spec.h and
 * docs/spec.md). The loader is strict: unknown keys are errors (a typo must
 * not silently change an audit), and every error names the line. */
#include "audit/spec.h"
#include "audit/kinds.h"
#include "audit/spec_int.h"
#include "core/rowweights.h"

#include "io/file.h"
#include "stats/bootstrap.h"
#include "util/sha256.h"
#include "util/util.h"

#include <libfyaml.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/encoding.h"
#include "util/checked.h"

#include "io/file.h"
#include "util/util.h"
typedef iaf_spec_ctx ctx;

/* Index of id among the ids of a kind, or -1. */
int iaf_spec_find_id(const ctx *c, int kind, const char *id)
{
    return id ? (int)iaf_strmap_find(&c->ids[kind], id, strlen(id)) : -1;
}

static long node_line(struct fy_node *n)
{
    if (!n) return 0;
    if (fy_node_is_scalar(n)) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        return m ? m->line + 1 : 0;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p ? node_line(fy_node_pair_key(p)) : 0;
    }
    if (fy_node_is_sequence(n)) return node_line(fy_node_sequence_iterate(n, &it));
    return 0;
}

/* The 1-based column where node n starts (its first key for a mapping), 0 if unknown. */
static long node_col(struct fy_node *n)
{
    if (!n) return 0;
    if (fy_node_is_scalar(n)) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        return m ? m->column + 1 : 0;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p ? node_col(fy_node_pair_key(p)) : 0;
    }
    if (fy_node_is_sequence(n)) return node_col(fy_node_sequence_iterate(n, &it));
    return 0;
}

int iaf_spec_fail(ctx *c, struct fy_node *n, const char *fmt, const char *a, const char *b)
{
    if (c->st != IAF_OK) return -1;
    char msg[768];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    c->st = iaf_error_set(c->err, IAF_ERR_INVALID, c->file, node_line(n), node_col(n), "%s", msg);
    return -1;
}

/* An allocation failed: IAF_ERR_NOMEM, located at n, never a parse message (a failed
 * copy must not read as a value that is not there). */
int iaf_spec_nomem(ctx *c, struct fy_node *n)
{
    if (c->st != IAF_OK) return -1;
    c->st =
        iaf_error_set(c->err, IAF_ERR_NOMEM, c->file, node_line(n), node_col(n), "out of memory");
    return -1;
}

/* Parse the expression text of scalar n, a key of check id. An error is located in
 * the spec as FILE:LINE:COL, the column of the offending character when the scalar
 * is on one line (plain or quoted; escapes or wide characters before it may shift
 * the count), else of the scalar, and names the check. */
int iaf_spec_parse_expr(ctx *c, struct fy_node *n, const char *text, const char *id, iaf_expr **out)
{
    iaf_error e;
    iaf_error_clear(&e);
    if ((c->st = iaf_expr_parse(text, c->file, out, &e)) == IAF_OK) return 0;
    if (e.status == IAF_ERR_NOMEM) {
        if (c->err) *c->err = e;
        return -1;
    }
    long line = node_line(n), col = node_col(n);
    struct fy_token *t = n && fy_node_is_scalar(n) ? fy_node_get_scalar_token(n) : NULL;
    const struct fy_mark *m0 = t ? fy_token_start_mark(t) : NULL,
                         *m1 = t ? fy_token_end_mark(t) : NULL;
    enum fy_node_style st = n ? fy_node_get_style(n) : FYNS_ANY;
    if (col > 0 && e.column > 0 && m0 && m1 && m0->line == m1->line &&
        (st == FYNS_PLAIN || st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED))
        col += (long)e.column - 1; /* a quoted scalar's mark is past its quote */
    iaf_error_set(c->err, c->st, c->file, line, col, "check '%s': %s", id ? id : "?", e.message);
    return -1;
}

char *iaf_spec_scalar_dup(struct fy_node *n)
{
    size_t len;
    const char *s = fy_node_get_scalar(n, &len);
    return s ? iaf_strndup(s, len) : NULL;
}

/* Checks that map n has only keys from allowed. */
int iaf_spec_keys_only(ctx *c, struct fy_node *n, const char *what, const char *const *allowed)
{
    if (!fy_node_is_mapping(n)) return iaf_spec_fail(c, n, "%s must be a mapping", what, NULL);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        size_t len;
        const char *s = fy_node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
        if (!s) return iaf_spec_fail(c, k, "%s: keys must be plain names", what, NULL);
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strlen(*a) == len && !memcmp(*a, s, len);
        if (!ok) {
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)IAF_MIN(len, 100), s);
            return iaf_spec_fail(c, k, "%s: unknown key '%s'", what, key);
        }
    }
    return 0;
}

struct fy_node *iaf_spec_get(struct fy_node *map, const char *key)
{
    return map ? fy_node_mapping_lookup_by_string(map, key, FY_NT) : NULL;
}

/* A YAML null: `key:` with nothing, `null`, `~` (plain, not quoted). */
static int is_null(struct fy_node *n)
{
    if (!fy_node_is_scalar(n)) return 0;
    size_t len;
    const char *s = fy_node_get_scalar(n, &len);
    if (!s) return 1;
    if (fy_node_get_style(n) != FYNS_PLAIN) return 0;
    return len == 0 || (len == 1 && s[0] == '~') || (len == 4 && !memcmp(s, "null", 4)) ||
           (len == 4 && !memcmp(s, "Null", 4)) || (len == 4 && !memcmp(s, "NULL", 4));
}

/* Optional string; *out NULL when absent or null. */
int iaf_spec_get_str(ctx *c, struct fy_node *map, const char *key, char **out, int required,
                     const char *what)
{
    *out = NULL;
    struct fy_node *n = iaf_spec_get(map, key);
    if (!n || is_null(n)) {
        if (required) return iaf_spec_fail(c, map, "%s: '%s' is required", what, key);
        return 0;
    }
    if (!fy_node_is_scalar(n))
        return iaf_spec_fail(c, n, "%s: '%s' must be a text value", what, key);
    if (!(*out = iaf_spec_scalar_dup(n))) return iaf_spec_nomem(c, n);
    return 0;
}

int iaf_spec_get_num(ctx *c, struct fy_node *map, const char *key, double *out, const char *what)
{
    struct fy_node *n = iaf_spec_get(map, key);
    if (!n || is_null(n)) return 0;
    size_t len;
    const char *s = fy_node_is_scalar(n) ? fy_node_get_scalar(n, &len) : NULL;
    if (!s) return iaf_spec_fail(c, n, "%s: '%s' must be a number", what, key);
    if (len == 4 && !memcmp(s, "null", 4)) return 0;
    if (!iaf_parse_double((iaf_sv){s, len}, out))
        return iaf_spec_fail(c, n, "%s: '%s' must be a number", what, key);
    return 0;
}

int iaf_spec_get_bool(ctx *c, struct fy_node *map, const char *key, int *out, const char *what)
{
    struct fy_node *n = iaf_spec_get(map, key);
    if (!n || is_null(n)) return 0;
    const char *s = fy_node_is_scalar(n) ? fy_node_get_scalar0(n) : NULL;
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes")))
        *out = 1;
    else if (s && (!strcmp(s, "false") || !strcmp(s, "no")))
        *out = 0;
    else
        return iaf_spec_fail(c, n, "%s: '%s' must be true or false", what, key);
    return 0;
}

/* A scalar or a sequence of scalars -> string list. */
int iaf_spec_get_list(ctx *c, struct fy_node *map, const char *key, char ***out, size_t *n,
                      const char *what)
{
    *out = NULL;
    *n = 0;
    struct fy_node *v = iaf_spec_get(map, key);
    if (!v || is_null(v)) return 0;
    size_t cap = 0;
    if (fy_node_is_scalar(v)) {
        if (IAF_GROW(*out, cap, 1) != 0 || !((*out)[0] = iaf_spec_scalar_dup(v)))
            return iaf_spec_nomem(c, v);
        *n = 1;
        return 0;
    }
    if (!fy_node_is_sequence(v)) return iaf_spec_fail(c, v, "%s: '%s' must be a list", what, key);
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
        if (!fy_node_is_scalar(item))
            return iaf_spec_fail(c, item, "%s: '%s' items must be text", what, key);
        if (IAF_GROW(*out, cap, *n + 1) != 0 || !((*out)[*n] = iaf_spec_scalar_dup(item)))
            return iaf_spec_nomem(c, item);
        (*n)++;
    }
    return 0;
}

void iaf_spec_free_list(char **l, size_t n)
{
    if (!l) return;
    for (size_t i = 0; i < n; i++)
        iaf_free(l[i]);
    iaf_free(l);
}

static char *resolve(ctx *c, const char *p)
{
    if (!p) return NULL;
    if (p[0] == '/' || !c->base) return iaf_strdup(p);
    iaf_buf b = {0};
    if (iaf_buf_printf(&b, "%s/%s", c->base, p) != 0) return NULL;
    return b.data;
}

static int parse_form(ctx *c, struct fy_node *map, iaf_data_form *form, iaf_counts_form *cform,
                      const char *what)
{
    char *f = NULL;
    if (iaf_spec_get_str(c, map, "form", &f, 0, what)) return -1;
    *form = IAF_DATA_AUTO;
    *cform = IAF_COUNTS_AUTO;
    int rc = 0;
    if (!f || !strcmp(f, "auto")) {
    } else if (!strcmp(f, "microdata")) {
        *form = IAF_DATA_MICRODATA;
    } else if (!strcmp(f, "long")) {
        *form = IAF_DATA_COUNTS, *cform = IAF_COUNTS_LONG;
    } else if (!strcmp(f, "wide")) {
        *form = IAF_DATA_COUNTS, *cform = IAF_COUNTS_WIDE;
    } else if (!strcmp(f, "counts")) {
        *form = IAF_DATA_COUNTS;
    } else {
        rc = iaf_spec_fail(c, iaf_spec_get(map, "form"),
                           "%s: form must be auto, microdata, counts, long or wide%s", what, NULL);
    }
    iaf_free(f);
    return rc;
}

/* `normalize: [trim, nfkc, ...]` (or one name) -> IAF_NORM_* flags. */
static int get_normalize(ctx *c, struct fy_node *map, unsigned *out, const char *what)
{
    char **l = NULL;
    size_t n = 0;
    *out = 0;
    if (iaf_spec_get_list(c, map, "normalize", &l, &n, what)) return -1;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        unsigned f = iaf_label_norm_flag(l[i]);
        if (!f)
            rc = iaf_spec_fail(
                c, iaf_spec_get(map, "normalize"),
                "%s: normalize takes trim, nfc, nfkc, casefold and numeric (not '%s')", what, l[i]);
        *out |= f;
    }
    iaf_spec_free_list(l, n);
    return rc;
}

static const char *const source_keys[] = {
    "id",          "file",          "form",        "attributes",  "value",   "weight",
    "scale",       "drop",          "skip_lines",  "encoding",    "title",   "publisher",
    "table",       "year",          "universe",    "url",         "licence", "license",
    "caveat",      "notes",         "full_count",  "n_effective", "missing", "normalize",
    "sample_size", "design_effect", "uncertainty", NULL};

static int parse_source(ctx *c, struct fy_node *n, iaf_spec_source *s, const char *what)
{
    if (iaf_spec_keys_only(c, n, what, source_keys)) return -1;
    s->line = node_line(n);
    s->n_effective = s->sample_size = s->design_effect = NAN;
    char *file = NULL;
    if (iaf_spec_get_str(c, n, "id", &s->id, 1, what) ||
        iaf_spec_get_str(c, n, "file", &file, 1, what)) {
        iaf_free(file);
        return -1;
    }
    s->file_as_written = file;
    if (!(s->file = resolve(c, file))) return iaf_spec_nomem(c, n);
    iaf_counts_form cf;
    if (parse_form(c, n, &s->form, &cf, what)) return -1;
    s->counts.form = cf;
    s->counts.shares = -1;
    double scale = 0, skip = 0;
    if (iaf_spec_get_list(c, n, "attributes", &s->attrs, &s->nattrs, what) ||
        iaf_spec_get_str(c, n, "value", &s->value_col, 0, what) ||
        iaf_spec_get_str(c, n, "weight", &s->weight, 0, what) ||
        iaf_spec_get_num(c, n, "scale", &scale, what) ||
        iaf_spec_get_list(c, n, "drop", &s->drops, &s->ndrops, what) ||
        iaf_spec_get_num(c, n, "skip_lines", &skip, what) ||
        iaf_spec_get_str(c, n, "encoding", &s->encoding, 0, what) ||
        iaf_spec_get_str(c, n, "title", &s->title, 0, what) ||
        iaf_spec_get_str(c, n, "publisher", &s->publisher, 0, what) ||
        iaf_spec_get_str(c, n, "table", &s->table, 0, what) ||
        iaf_spec_get_str(c, n, "year", &s->year, 0, what) ||
        iaf_spec_get_str(c, n, "universe", &s->universe, 0, what) ||
        iaf_spec_get_str(c, n, "url", &s->url, 0, what) ||
        iaf_spec_get_str(c, n, "licence", &s->licence, 0, what) ||
        iaf_spec_get_str(c, n, "caveat", &s->caveat, 0, what) ||
        iaf_spec_get_str(c, n, "notes", &s->notes, 0, what) ||
        iaf_spec_get_bool(c, n, "full_count", &s->full_count, what) ||
        iaf_spec_get_num(c, n, "n_effective", &s->n_effective, what) ||
        iaf_spec_get_list(c, n, "missing", &s->missing, &s->nmissing, what) ||
        get_normalize(c, n, &s->normalize, what) ||
        iaf_spec_get_num(c, n, "sample_size", &s->sample_size, what) ||
        iaf_spec_get_num(c, n, "design_effect", &s->design_effect, what) ||
        iaf_spec_get_str(c, n, "uncertainty", &s->uncertainty, 0, what))
        return -1;
    if (!isnan(s->sample_size) && !(s->sample_size > 0))
        return iaf_spec_fail(c, iaf_spec_get(n, "sample_size"),
                             "%s '%s': sample_size must be positive", what, s->id);
    if (!isnan(s->design_effect) && !(s->design_effect > 0))
        return iaf_spec_fail(c, iaf_spec_get(n, "design_effect"),
                             "%s '%s': design_effect must be positive", what, s->id);
    if (!isnan(s->design_effect) && isnan(s->sample_size))
        return iaf_spec_fail(c, iaf_spec_get(n, "design_effect"),
                             "%s '%s': design_effect needs sample_size", what, s->id);
    if ((!isnan(s->sample_size) || !isnan(s->n_effective)) && s->full_count)
        return iaf_spec_fail(c, n, "%s '%s': a full count has no sample size", what, s->id);
    if (!isnan(s->sample_size) && !s->uncertainty)
        return iaf_spec_fail(c, iaf_spec_get(n, "sample_size"),
                             "%s '%s': sample_size needs its citation in 'uncertainty'", what,
                             s->id);
    if (!s->licence && iaf_spec_get_str(c, n, "license", &s->licence, 0, what)) return -1;
    if (s->nattrs > 16) return iaf_spec_fail(c, n, "%s: at most 16 attributes%s", what, NULL);
    if (scale < 0 || skip < 0 || skip > 1000)
        return iaf_spec_fail(c, n, "%s: bad scale or skip_lines%s", what, NULL);
    if (!isnan(s->n_effective) && !(s->n_effective > 0 && s->n_effective <= IAF_MAX_COUNT))
        return iaf_spec_fail(c, iaf_spec_get(n, "n_effective"),
                             "%s: n_effective must be above 0 and at most %s", what,
                             IAF_MAX_COUNT_TEXT);
    s->counts.attrs = (const char *const *)s->attrs;
    s->counts.nattrs = s->nattrs;
    s->counts.value_col = s->value_col;
    s->counts.drop_labels = (const char *const *)s->drops;
    s->counts.ndrop = s->ndrops;
    s->counts.scale = scale;
    s->counts.skip_lines = (size_t)skip;
    s->counts.encoding = s->encoding;
    if (s->value_col && !strcmp(s->value_col, "share")) s->counts.shares = 1;
    return 0;
}

static void free_source(iaf_spec_source *s)
{
    iaf_free(s->id), iaf_free(s->file), iaf_free(s->file_as_written), iaf_free(s->value_col),
        iaf_free(s->encoding);
    iaf_free(s->weight), iaf_free(s->title), iaf_free(s->publisher), iaf_free(s->table),
        iaf_free(s->year);
    iaf_free(s->universe), iaf_free(s->url), iaf_free(s->licence), iaf_free(s->caveat),
        iaf_free(s->notes);
    iaf_free(s->uncertainty);
    iaf_spec_free_list(s->attrs, s->nattrs);
    iaf_spec_free_list(s->drops, s->ndrops);
    iaf_spec_free_list(s->missing, s->nmissing);
}

static const char *const attr_keys[] = {
    "name",         "column",      "bins",      "recode", "keep_other",  "crosswalk", "missing",
    "drop_missing", "description", "normalize", "lump",   "lump_totals", NULL};

static int parse_bins(ctx *c, struct fy_node *b, iaf_attr *a)
{
    static const char *const keys[] = {"edges", "labels", "right_closed_last", NULL};
    if (iaf_spec_keys_only(c, b, "bins", keys)) return -1;
    char **edges = NULL, **labels = NULL;
    size_t ne = 0, nl = 0;
    int rc = -1;
    if (iaf_spec_get_list(c, b, "edges", &edges, &ne, "bins") ||
        iaf_spec_get_list(c, b, "labels", &labels, &nl, "bins"))
        goto done;
    if (ne < 2 || nl != ne - 1) {
        iaf_spec_fail(c, b, "bins: need n+1 edges for n labels%s%s", NULL, NULL);
        goto done;
    }
    a->edges = iaf_calloc(ne, sizeof *a->edges);
    if (!a->edges) {
        iaf_spec_nomem(c, b);
        goto done;
    }
    for (size_t i = 0; i < ne; i++) {
        if (!strcmp(edges[i], "inf") || !strcmp(edges[i], ".inf"))
            a->edges[i] = INFINITY;
        else if (!strcmp(edges[i], "-inf") || !strcmp(edges[i], "-.inf"))
            a->edges[i] = -INFINITY;
        else if (!iaf_parse_double((iaf_sv){edges[i], strlen(edges[i])}, &a->edges[i])) {
            iaf_spec_fail(c, b, "bins: edge '%s' is not a number%s", edges[i], NULL);
            goto done;
        }
        if (i && !(a->edges[i] > a->edges[i - 1])) {
            iaf_spec_fail(c, b, "bins: edges must increase (at '%s')%s", edges[i], NULL);
            goto done;
        }
    }
    a->nbins = nl;
    a->labels = labels;
    labels = NULL;
    a->kind = IAF_ATTR_BIN;
    if (iaf_spec_get_bool(c, b, "right_closed_last", &a->right_closed_last, "bins")) goto done;
    rc = 0;
done:
    iaf_spec_free_list(edges, ne);
    iaf_spec_free_list(labels, nl);
    return rc;
}

static int parse_recode(ctx *c, struct fy_node *r, iaf_attr *a)
{
    if (!fy_node_is_mapping(r))
        return iaf_spec_fail(c, r, "recode must be a mapping from value to value%s%s", NULL, NULL);
    size_t n = (size_t)fy_node_mapping_item_count(r);
    a->from = iaf_calloc(n ? n : 1, sizeof *a->from);
    a->to = iaf_calloc(n ? n : 1, sizeof *a->to);
    if (!a->from || !a->to) return iaf_spec_nomem(c, r);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(r, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        if (!fy_node_is_scalar(k) || !fy_node_is_scalar(v))
            return iaf_spec_fail(c, k, "recode: keys and values must be text%s%s", NULL, NULL);
        size_t i = a->nrecode++; /* counted first: the attribute frees what was copied */
        a->from[i] = iaf_spec_scalar_dup(k);
        a->to[i] = iaf_spec_scalar_dup(v);
        if (!a->from[i] || !a->to[i]) return iaf_spec_nomem(c, k);
        int64_t before = (int64_t)iaf_strmap_size(&a->recode_index);
        int64_t id = iaf_strmap_intern(&a->recode_index, a->from[i], strlen(a->from[i]));
        if (id < 0) return iaf_spec_nomem(c, k);
        if (id < before)
            return iaf_spec_fail(c, k, "recode: '%s' is listed twice%s", a->from[i], NULL);
    }
    a->kind = IAF_ATTR_RECODE;
    return 0;
}

static int parse_attr(ctx *c, iaf_spec *s, struct fy_node *n, iaf_attr **out)
{
    *out = NULL;
    if (iaf_spec_keys_only(c, n, "attribute", attr_keys)) return -1;
    char *name = NULL, *column = NULL, *cw = NULL;
    int rc = -1;
    iaf_attr *a = NULL;
    if (iaf_spec_get_str(c, n, "name", &name, 1, "attribute") ||
        iaf_spec_get_str(c, n, "column", &column, 0, "attribute") ||
        iaf_spec_get_str(c, n, "crosswalk", &cw, 0, "attribute"))
        goto done;
    if (!(a = iaf_attr_new_asis(name, column ? column : name))) goto done;
    int kinds =
        (iaf_spec_get(n, "bins") != NULL) + (iaf_spec_get(n, "recode") != NULL) + (cw != NULL);
    if (kinds > 1) {
        iaf_spec_fail(c, n, "attribute '%s': choose one of bins, recode, crosswalk%s", name, NULL);
        goto done;
    }
    if (iaf_spec_get(n, "bins") && parse_bins(c, iaf_spec_get(n, "bins"), a)) goto done;
    if (iaf_spec_get(n, "recode") && parse_recode(c, iaf_spec_get(n, "recode"), a)) goto done;
    if (iaf_spec_get_bool(c, n, "keep_other", &a->keep_other, "attribute") ||
        iaf_spec_get_bool(c, n, "drop_missing", &a->drop_missing, "attribute") ||
        get_normalize(c, n, &a->normalize, "attribute"))
        goto done;
    if (cw) {
        int i = iaf_spec_find_id(c, ID_CROSSWALK, cw);
        if (i < 0) {
            iaf_spec_fail(c, iaf_spec_get(n, "crosswalk"),
                          "attribute '%s': no crosswalk with id '%s'", name, cw);
            goto done;
        }
        a->kind = IAF_ATTR_CROSSWALK;
        a->crosswalk = s->crosswalks[i].cw;
    }
    if (iaf_spec_get(n, "missing")) {
        char **m = NULL;
        size_t nm = 0;
        if (iaf_spec_get_list(c, n, "missing", &m, &nm, "attribute")) goto done;
        int bad = iaf_attr_set_missing(a, (const char *const *)m, nm);
        iaf_spec_free_list(m, nm);
        if (bad) goto done;
    }
    *out = a;
    a = NULL;
    rc = 0;
done:
    if (rc && c->st == IAF_OK) iaf_spec_nomem(c, n);
    iaf_attr_free(a);
    iaf_free(name);
    iaf_free(column);
    iaf_free(cw);
    return rc;
}

/* `lump:` and `lump_totals:` of an attribute (METHOD.md section 3.5). */
static int parse_lump(ctx *c, iaf_spec *s, struct fy_node *n, const iaf_attr *a)
{
    char **labels = NULL, *totals = NULL;
    size_t nl = 0;
    if (iaf_spec_get_list(c, n, "lump", &labels, &nl, "attribute") ||
        iaf_spec_get_str(c, n, "lump_totals", &totals, 0, "attribute"))
        goto fail;
    if (!labels && !totals) return 0;
    if (!nl) {
        iaf_spec_fail(c, n, "attribute '%s': lump_totals needs a 'lump' list%s", a->name, NULL);
        goto fail;
    }
    int t = -1;
    if (totals) {
        t = iaf_spec_find_id(c, ID_TABLE, totals);
        if (t < 0) {
            iaf_spec_fail(c, iaf_spec_get(n, "lump_totals"),
                          "attribute '%s': no dataset table with id '%s'", a->name, totals);
            goto fail;
        }
    }
    iaf_spec_lump *l = iaf_realloc(s->lumps, (s->nlumps + 1) * sizeof *l);
    if (!l) {
        iaf_spec_nomem(c, n);
        goto fail;
    }
    s->lumps = l;
    l = &s->lumps[s->nlumps++];
    l->attr = a;
    l->labels = labels;
    l->nlabels = nl;
    l->totals = t;
    iaf_free(totals);
    return 0;
fail:
    iaf_spec_free_list(labels, nl);
    iaf_free(totals);
    return -1;
}

const iaf_spec_lump *iaf_spec_lump_of(const iaf_spec *s, const iaf_attr *a)
{
    for (size_t i = 0; s && a && i < s->nlumps; i++)
        if (s->lumps[i].attr == a) return &s->lumps[i];
    return NULL;
}

/* Appends attribute a (owned by the spec from then on); -1 when out of memory (a is freed)
 * or when the name is taken (*dup set, a not added). */
static int add_attr(ctx *c, iaf_spec *s, iaf_attr *a, int *dup)
{
    *dup = 0;
    size_t before = iaf_strmap_size(&c->ids[ID_ATTR]);
    int64_t id = iaf_strmap_intern(&c->ids[ID_ATTR], a->name, strlen(a->name));
    if (id >= 0 && (size_t)id < before) {
        *dup = 1;
        return -1;
    }
    if (id < 0 || IAF_GROW(s->attrs, c->attr_cap, s->nattrs + 1) != 0) {
        iaf_attr_free(a);
        return -1;
    }
    s->attrs[s->nattrs++] = a;
    return 0;
}

static int has_name(const char *const *list, const char *s, size_t len)
{
    for (; list && *list; list++)
        if (strlen(*list) == len && !memcmp(*list, s, len)) return 1;
    return 0;
}

/* The metrics a threshold may name: the comparison's (METHOD.md sections 4, 5), and every
 * kind's defaults and listed screens (kinds.h); NULL-terminated. */
static void threshold_metrics(const char **out, size_t cap)
{
    static const char *const metrics[] = {
        "tvd",       "tvd_joint",     "cond_tvd_y_given_x", "cond_tvd_x_given_y",
        "footprint", "footprint_dep", "retention",          "max_cell_pp",
        "hellinger", "js_distance",   "min_support",        "min_standard_coverage",
        NULL};
    size_t n = 0;
    out[0] = NULL;
    for (const char *const *m = metrics; *m && n + 1 < cap; m++)
        out[n++] = *m, out[n] = NULL;
    for (int i = 0; i < IAF_CHECK_NKINDS; i++) {
        const iaf_check_ops *o = iaf_check_ops_of((iaf_check_kind)i);
        for (const iaf_kind_default *d = o->defaults; d->metric; d++)
            if (!has_name(out, d->metric, strlen(d->metric)) && n + 1 < cap)
                out[n++] = d->metric, out[n] = NULL;
        for (int t = 0; t < 3; t++)
            if (o->screens[t] && !has_name(out, o->screens[t], strlen(o->screens[t])) &&
                n + 1 < cap)
                out[n++] = o->screens[t], out[n] = NULL;
    }
}

static int parse_thresholds(ctx *c, struct fy_node *n, iaf_spec_threshold **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!n) return 0;
    if (!fy_node_is_mapping(n))
        return iaf_spec_fail(c, n, "thresholds must map metric names to numbers%s%s", NULL, NULL);
    const char *metrics[64];
    threshold_metrics(metrics, sizeof metrics / sizeof metrics[0]);
    if (iaf_spec_keys_only(c, n, "thresholds", metrics)) return -1;
    size_t cnt = (size_t)fy_node_mapping_item_count(n);
    *out = iaf_calloc(cnt ? cnt : 1, sizeof **out);
    if (!*out) return iaf_spec_nomem(c, n);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        iaf_spec_threshold *t = &(*out)[*nout];
        /* check_keys made every key a scalar: NULL is a failed copy */
        if (!(t->metric = iaf_spec_scalar_dup(fy_node_pair_key(p))))
            return iaf_spec_nomem(c, fy_node_pair_key(p));
        (*nout)++;
        struct fy_node *v = fy_node_pair_value(p);
        size_t len;
        const char *sv = fy_node_is_scalar(v) ? fy_node_get_scalar(v, &len) : NULL;
        if (!sv || !iaf_parse_double((iaf_sv){sv, len}, &t->value))
            return iaf_spec_fail(c, v, "thresholds: '%s' must be a number%s", t->metric, NULL);
    }
    return 0;
}

/* An attribute by name; an undeclared name is the column of that name, as is. */
iaf_attr *iaf_spec_attr_or_column(ctx *c, iaf_spec *s, struct fy_node *n, const char *name)
{
    int ai = iaf_spec_find_id(c, ID_ATTR, name);
    if (ai >= 0) return s->attrs[ai];
    iaf_attr *a = iaf_attr_new_asis(name, name);
    int dup;
    if (!a || add_attr(c, s, a, &dup) != 0) {
        iaf_spec_nomem(c, n);
        return NULL;
    }
    return a;
}

/* The keys every check has; each kind adds its own (kinds.h). */
static const char *const check_generic_keys[] = {"id",         "title",      "kind",
                                                 "attributes", "reference",  "reference_columns",
                                                 "synthetic",  "universe",   "reference_universe",
                                                 "disclosure", "thresholds", "note",
                                                 "variants",   NULL};

/* Every key a check may have (NULL-terminated): the generic ones, then every kind's. */
static void all_check_keys(const char **out, size_t cap)
{
    size_t n = 0;
    out[0] = NULL;
    for (const char *const *g = check_generic_keys; *g && n + 1 < cap; g++)
        out[n++] = *g, out[n] = NULL;
    for (int i = 0; i < IAF_CHECK_NKINDS; i++)
        for (const char *const *q = iaf_check_ops_of((iaf_check_kind)i)->keys; q && *q; q++)
            if (!has_name(out, *q, strlen(*q)) && n + 1 < cap) out[n++] = *q, out[n] = NULL;
}

static int parse_kind(const char *k, iaf_check_kind *out)
{
    for (int i = 0; i < IAF_CHECK_NKINDS; i++)
        if (!strcmp(k, iaf_check_ops_of((iaf_check_kind)i)->name)) {
            *out = (iaf_check_kind)i;
            return 0;
        }
    return -1;
}

/* A key of another kind that this kind does not take: the kinds refuse the keys they
 * know of with their own words first; this catches the rest. */
static int foreign_key(ctx *c, struct fy_node *n, const iaf_spec_check *k)
{
    const iaf_check_ops *own = iaf_check_ops_of(k->kind);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        size_t len;
        const char *key = fy_node_get_scalar(fy_node_pair_key(p), &len);
        if (!key || has_name(check_generic_keys, key, len) || has_name(own->keys, key, len))
            continue;
        for (int i = 0; i < IAF_CHECK_NKINDS; i++) {
            const iaf_check_ops *o = iaf_check_ops_of((iaf_check_kind)i);
            if (!has_name(o->keys, key, len)) continue;
            char msg[400];
            snprintf(msg, sizeof msg, "check '%s': '%.*s' is a key of %s checks, not of %s checks",
                     k->id, (int)IAF_MIN(len, 100), key, o->name, own->name);
            return iaf_spec_fail(c, fy_node_pair_key(p), "%s%s", msg, NULL);
        }
    }
    return 0;
}

/* A check: the generic keys here, the kind's own keys by its parse (kinds.h). */
static int parse_check(ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k)
{
    const char *allowed[96];
    all_check_keys(allowed, sizeof allowed / sizeof allowed[0]);
    if (iaf_spec_keys_only(c, n, "check", allowed)) return -1;
    k->line = node_line(n);
    k->col = node_col(n);
    k->reference = k->synthetic = k->disclosure = -1;
    char *kind = NULL, *ref = NULL, *disc = NULL, *syn = NULL, **attrs = NULL, **rcols = NULL;
    size_t na = 0, nrc = 0;
    int rc = -1;
    if (iaf_spec_get_str(c, n, "id", &k->id, 1, "check") ||
        iaf_spec_get_str(c, n, "title", &k->title, 0, "check") ||
        iaf_spec_get_str(c, n, "kind", &kind, 1, "check") ||
        iaf_spec_get_list(c, n, "attributes", &attrs, &na, "check") ||
        iaf_spec_get_str(c, n, "reference", &ref, 0, "check") ||
        iaf_spec_get_list(c, n, "reference_columns", &rcols, &nrc, "check") ||
        iaf_spec_get_str(c, n, "synthetic", &syn, 0, "check") ||
        iaf_spec_get_str(c, n, "disclosure", &disc, 0, "check") ||
        iaf_spec_get_str(c, n, "universe", &k->universe_text, 0, "check") ||
        iaf_spec_get_str(c, n, "reference_universe", &k->reference_universe_text, 0, "check") ||
        iaf_spec_get_str(c, n, "note", &k->note, 0, "check") ||
        parse_thresholds(c, iaf_spec_get(n, "thresholds"), &k->thresholds, &k->nthresholds))
        goto done;
    if (parse_kind(kind, &k->kind)) {
        /* "marginal, joint, flattening, rule or conditional_independence" */
        iaf_buf names = {0};
        for (int i = 0; i < IAF_CHECK_NKINDS; i++)
            iaf_buf_printf(&names, "%s%s",
                           i == 0                     ? ""
                           : i + 1 < IAF_CHECK_NKINDS ? ", "
                                                      : " or ",
                           iaf_check_ops_of((iaf_check_kind)i)->name);
        char msg[700];
        snprintf(msg, sizeof msg, "check '%s': kind must be %s (got '%s')", k->id,
                 names.data ? names.data : "", kind);
        iaf_buf_free(&names);
        iaf_spec_fail(c, iaf_spec_get(n, "kind"), "%s%s", msg, NULL);
        goto done;
    }
    iaf_spec_check_keys g = {kind, ref, disc, attrs, rcols, na, nrc};
    if (iaf_check_ops_of(k->kind)->parse(c, s, n, k, &g) || foreign_key(c, n, k)) goto done;
    if (syn && (k->synthetic = iaf_spec_find_id(c, ID_TABLE, syn)) < 0) {
        iaf_spec_fail(c, iaf_spec_get(n, "synthetic"), "check '%s': no dataset table with id '%s'",
                      k->id, syn);
        goto done;
    }
    if (disc && strcmp(disc, "none") != 0) {
        k->disclosure = iaf_spec_find_id(c, ID_DISCLOSURE, disc);
        if (k->disclosure < 0) {
            iaf_spec_fail(c, iaf_spec_get(n, "disclosure"),
                          "check '%s': no disclosure with id '%s'", k->id, disc);
            goto done;
        }
    }
    if (k->universe_text &&
        iaf_spec_parse_expr(c, iaf_spec_get(n, "universe"), k->universe_text, k->id, &k->universe))
        goto done;
    if (k->reference_universe_text &&
        iaf_spec_parse_expr(c, iaf_spec_get(n, "reference_universe"), k->reference_universe_text,
                            k->id, &k->reference_universe))
        goto done;
    rc = 0;
done:
    if (c->st != IAF_OK) rc = -1;
    iaf_free(kind), iaf_free(ref), iaf_free(disc), iaf_free(syn);
    iaf_spec_free_list(attrs, na);
    iaf_spec_free_list(rcols, nrc);
    return rc;
}
/* Iterate a top-level list section. */
#define FOR_ITEMS(root, key, item)                                                                 \
    for (void *it_##item = NULL, *sec_##item = iaf_spec_get(root, key); sec_##item;                \
         sec_##item = NULL)                                                                        \
        for (struct fy_node * item;                                                                \
             (item = fy_node_sequence_iterate((struct fy_node *)sec_##item, &it_##item)) != NULL;)

static int need_seq(ctx *c, struct fy_node *root, const char *key)
{
    struct fy_node *n = iaf_spec_get(root, key);
    if (n && !fy_node_is_sequence(n))
        return iaf_spec_fail(c, n, "'%s' must be a list%s", key, NULL);
    return 0;
}

/* `labels:` - classification files that title the codes of attributes:
 *   labels:
 *     - {attributes: [occupation_major_A], file: ksco.csv, code: ksco7_code, title: title_ko} */
static int parse_labels(ctx *c, struct fy_node *root, iaf_spec *s)
{
    size_t cap = 0;
    if (need_seq(c, root, "labels")) return -1;
    FOR_ITEMS(root, "labels", n)
    {
        static const char *const keys[] = {"attributes", "file", "code", "title", NULL};
        if (IAF_GROW(s->labels, cap, s->nlabels + 1) != 0)
            return iaf_spec_fail(c, n, "out of memory%s%s", NULL, NULL);
        iaf_spec_labels *l = &s->labels[s->nlabels++];
        memset(l, 0, sizeof *l);
        l->line = node_line(n);
        if (iaf_spec_keys_only(c, n, "labels", keys) ||
            iaf_spec_get_list(c, n, "attributes", &l->attributes, &l->nattributes, "labels") ||
            iaf_spec_get_str(c, n, "file", &l->file_as_written, 1, "labels") ||
            iaf_spec_get_str(c, n, "code", &l->code, 0, "labels") ||
            iaf_spec_get_str(c, n, "title", &l->title, 0, "labels"))
            return -1;
        if (!l->nattributes)
            return iaf_spec_fail(
                c, n, "labels: 'attributes' names the attributes the file titles%s%s", NULL, NULL);
        if (!(l->file = resolve(c, l->file_as_written)))
            return iaf_spec_fail(c, n, "out of memory%s%s", NULL, NULL);
    }
    return 0;
}

static const char *const top_keys[] = {
    "iaf",        "name",       "description", "dataset",    "disclosures", "crosswalks",
    "attributes", "references", "checks",      "thresholds", "interval",    "claims",
    "family",     "lead",       "calibrate",   "labels",     NULL};
static const char *const dataset_keys[] = {"title",     "url",     "licence",   "license",
                                           "microdata", "format",  "weight",    "encoding",
                                           "tables",    "missing", "normalize", NULL};

/* Registers the id of the item just appended to the array of its kind. */
static int check_unique(ctx *c, struct fy_node *n, const char *what, int kind, const char *id)
{
    /* a missing id (only possible while fuzzing) keeps its place with a key no name has */
    const char *key = id ? id : "";
    size_t len = id ? strlen(id) : 1;
    size_t before = iaf_strmap_size(&c->ids[kind]);
    int64_t i = iaf_strmap_intern(&c->ids[kind], key, len);
    if (i < 0) return iaf_spec_nomem(c, n);
    if ((size_t)i < before) return iaf_spec_fail(c, n, "duplicate %s id '%s'", what, id);
    return 0;
}

/* `claims:` (claims.h): each claim names the checks that decide it and a rule. */
static int parse_claims(ctx *c, iaf_spec *s, struct fy_node *root)
{
    static const char *const keys[] = {"id",     "claim",   "source",    "note", "checks",
                                       "expect", "require", "diagnosis", NULL};
    if (need_seq(c, root, "claims")) return -1;
    size_t cap = 0;
    iaf_strmap seen = {0};
    int rc = 0;
    FOR_ITEMS(root, "claims", n)
    {
        if (IAF_GROW(s->claims, cap, s->nclaims + 1) != 0) {
            rc = iaf_spec_nomem(c, n);
            break;
        }
        iaf_spec_claim *k = &s->claims[s->nclaims++];
        memset(k, 0, sizeof *k);
        k->line = node_line(n);
        char *expect = NULL, *require = NULL;
        if (iaf_spec_keys_only(c, n, "claim", keys) ||
            iaf_spec_get_str(c, n, "id", &k->id, 1, "claim") ||
            iaf_spec_get_str(c, n, "claim", &k->claim, 1, "claim") ||
            iaf_spec_get_str(c, n, "source", &k->source, 0, "claim") ||
            iaf_spec_get_str(c, n, "note", &k->note, 0, "claim") ||
            iaf_spec_get_list(c, n, "checks", &k->checks, &k->nchecks, "claim") ||
            iaf_spec_get_str(c, n, "expect", &expect, 1, "claim") ||
            iaf_spec_get_str(c, n, "require", &require, 0, "claim") ||
            iaf_spec_get_str(c, n, "diagnosis", &k->diagnosis, 0, "claim"))
            rc = -1;
        else if (iaf_claim_expect_parse(expect, &k->expect))
            rc = iaf_spec_fail(
                c, iaf_spec_get(n, "expect"),
                "claim '%s': expect is flag, pass, mapping-dependent or age-robust (got "
                "'%s')",
                k->id, expect);
        else if (require && strcmp(require, "all") && strcmp(require, "any"))
            rc = iaf_spec_fail(c, iaf_spec_get(n, "require"),
                               "claim '%s': require is all or any (got '%s')", k->id, require);
        else if (k->diagnosis && k->expect != IAF_CLAIM_EXPECT_FLAG)
            rc = iaf_spec_fail(c, iaf_spec_get(n, "diagnosis"),
                               "claim '%s': a diagnosis goes with expect: flag%s", k->id, NULL);
        else if (k->nchecks == 0 || k->nchecks > 64)
            rc = iaf_spec_fail(c, n, "claim '%s': name 1 to 64 checks that decide it%s", k->id,
                               NULL);
        k->require_any = require && !strcmp(require, "any");
        iaf_free(expect), iaf_free(require);
        if (rc) break;
        size_t before = iaf_strmap_size(&seen);
        int64_t id = iaf_strmap_intern(&seen, k->id, strlen(k->id));
        if (id < 0 || (size_t)id < before) {
            rc = id < 0 ? iaf_spec_nomem(c, n)
                        : iaf_spec_fail(c, n, "duplicate claim id '%s'%s", k->id, NULL);
            break;
        }
        if (!(k->check_idx = iaf_calloc(k->nchecks, sizeof *k->check_idx))) {
            rc = iaf_spec_nomem(c, n);
            break;
        }
        for (size_t i = 0; i < k->nchecks && !rc; i++)
            if ((k->check_idx[i] = iaf_spec_find_id(c, ID_CHECK, k->checks[i])) < 0)
                rc = iaf_spec_fail(c, iaf_spec_get(n, "checks"),
                                   "claim '%s': no check with id '%s'", k->id, k->checks[i]);
        if (rc) break;
    }
    iaf_strmap_free(&seen);
    return rc;
}

/* One margin of the `calibrate:` block (docs/calibration.md), appended to cb->margins;
 * 0, or non-zero with the error set at the margin's node. */
static int parse_calib_margin(ctx *c, iaf_spec *s, iaf_spec_calibrate *cb, struct fy_node *n)
{
    static const char *const mkeys[] = {
        "id",       "reference",          "attributes", "reference_columns",
        "universe", "reference_universe", NULL};
    iaf_spec_calib_margin *m = &cb->margins[cb->nmargins++];
    memset(m, 0, sizeof *m);
    m->line = node_line(n);
    m->reference = -1;
    char *ref = NULL, **attrs = NULL, **rcols = NULL;
    size_t na = 0, nrc = 0;
    int bad = iaf_spec_keys_only(c, n, "calibration margin", mkeys) ||
              iaf_spec_get_str(c, n, "id", &m->id, 1, "calibration margin") ||
              iaf_spec_get_str(c, n, "reference", &ref, 1, "calibration margin") ||
              iaf_spec_get_list(c, n, "attributes", &attrs, &na, "calibration margin") ||
              iaf_spec_get_list(c, n, "reference_columns", &rcols, &nrc, "calibration margin") ||
              iaf_spec_get_str(c, n, "universe", &m->universe_text, 0, "calibration margin") ||
              iaf_spec_get_str(c, n, "reference_universe", &m->reference_universe_text, 0,
                               "calibration margin");
    if (!bad && (m->reference = iaf_spec_find_id(c, ID_REFERENCE, ref)) < 0)
        bad = iaf_spec_fail(c, iaf_spec_get(n, "reference"),
                            "calibration margin '%s': no reference with id '%s'", m->id, ref);
    if (!bad && (na < 1 || na > IAF_SPEC_CALIB_MAX_ATTRS))
        bad = iaf_spec_fail(c, n, "calibration margin '%s': 1 to 8 attributes%s", m->id, NULL);
    if (!bad && nrc && nrc != na)
        bad = iaf_spec_fail(c, iaf_spec_get(n, "reference_columns"),
                            "calibration margin '%s': one reference column per attribute%s", m->id,
                            NULL);
    if (!bad && iaf_spec_find_id(c, ID_CHECK, m->id) >= 0)
        bad = iaf_spec_fail(c, n, "calibration margin '%s': a check has that id%s", m->id, NULL);
    for (size_t j = 0; !bad && j + 1 < cb->nmargins; j++)
        if (!strcmp(cb->margins[j].id, m->id))
            bad = iaf_spec_fail(c, n, "duplicate calibration margin id '%s'%s", m->id, NULL);
    for (size_t i = 0; !bad && i < na; i++) {
        for (size_t j = 0; j < i && !bad; j++)
            if (!strcmp(attrs[i], attrs[j]))
                bad = iaf_spec_fail(c, iaf_spec_get(n, "attributes"),
                                    "calibration margin '%s': attribute '%s' named twice", m->id,
                                    attrs[i]);
        if (!bad && !(m->attrs[i] = iaf_spec_attr_or_column(c, s, n, attrs[i]))) bad = -1;
        if (!bad && !(m->ref_cols[i] = iaf_strdup(nrc ? rcols[i] : attrs[i])))
            bad = iaf_spec_fail(c, n, "out of memory%s%s", NULL, NULL);
        if (!bad) m->nattrs = i + 1;
    }
    if (!bad && m->universe_text &&
        iaf_spec_parse_expr(c, iaf_spec_get(n, "universe"), m->universe_text, m->id, &m->universe))
        bad = -1;
    if (!bad && m->reference_universe_text &&
        iaf_spec_parse_expr(c, iaf_spec_get(n, "reference_universe"), m->reference_universe_text,
                            m->id, &m->reference_universe))
        bad = -1;
    iaf_free(ref);
    iaf_spec_free_list(attrs, na);
    iaf_spec_free_list(rcols, nrc);
    return bad;
}

/* `calibrate:` (docs/calibration.md): the targets of `iaf calibrate` (check ids, and
 * margins of any arity over a reference's table), method, bounds, min_neff, id column. */
static int parse_calibrate(ctx *c, iaf_spec *s, struct fy_node *root)
{
    static const char *const keys[] = {"to",       "method", "bounds",  "epsilon", "max_iter",
                                       "min_neff", "id",     "margins", NULL};
    struct fy_node *cn = iaf_spec_get(root, "calibrate");
    iaf_spec_calibrate *cb = &s->calibrate;
    cb->method = -1;
    cb->lower = cb->upper = cb->epsilon = cb->min_neff = NAN;
    if (!cn) return 0;
    cb->present = 1;
    cb->line = node_line(cn);
    char *method = NULL, **bounds = NULL;
    size_t nb = 0;
    double maxit = NAN;
    int rc = -1;
    if (iaf_spec_keys_only(c, cn, "calibrate", keys) ||
        iaf_spec_get_list(c, cn, "to", &cb->to, &cb->nto, "calibrate") ||
        iaf_spec_get_str(c, cn, "method", &method, 0, "calibrate") ||
        iaf_spec_get_list(c, cn, "bounds", &bounds, &nb, "calibrate") ||
        iaf_spec_get_num(c, cn, "epsilon", &cb->epsilon, "calibrate") ||
        iaf_spec_get_num(c, cn, "max_iter", &maxit, "calibrate") ||
        iaf_spec_get_num(c, cn, "min_neff", &cb->min_neff, "calibrate") ||
        iaf_spec_get_str(c, cn, "id", &cb->id, 0, "calibrate"))
        goto done;
    if (method && !strcmp(method, "raking"))
        cb->method = 0;
    else if (method && !strcmp(method, "logit"))
        cb->method = 1;
    else if (method) {
        iaf_spec_fail(c, iaf_spec_get(cn, "method"),
                      "calibrate: method is raking or logit (got '%s')%s", method, NULL);
        goto done;
    }
    if (nb) {
        if (nb != 2 || !iaf_parse_double((iaf_sv){bounds[0], strlen(bounds[0])}, &cb->lower) ||
            !iaf_parse_double((iaf_sv){bounds[1], strlen(bounds[1])}, &cb->upper) ||
            !(cb->lower >= 0 && cb->lower < 1 && cb->upper > 1 && isfinite(cb->upper))) {
            iaf_spec_fail(c, iaf_spec_get(cn, "bounds"),
                          "calibrate: bounds are [L, U] with 0 <= L < 1 < U%s%s", NULL, NULL);
            goto done;
        }
    }
    if (!isnan(cb->epsilon) && !(cb->epsilon > 0 && cb->epsilon <= 1)) {
        iaf_spec_fail(c, iaf_spec_get(cn, "epsilon"), "calibrate: epsilon is in (0, 1]%s%s", NULL,
                      NULL);
        goto done;
    }
    if (!isnan(maxit)) {
        if (!(maxit >= 1 && maxit <= 100000 && maxit == floor(maxit))) {
            iaf_spec_fail(c, iaf_spec_get(cn, "max_iter"),
                          "calibrate: max_iter is a whole number from 1 to 100000%s%s", NULL, NULL);
            goto done;
        }
        cb->max_iter = (int)maxit;
    }
    if (!isnan(cb->min_neff) && !(cb->min_neff > 0 && cb->min_neff <= 1)) {
        iaf_spec_fail(c, iaf_spec_get(cn, "min_neff"),
                      "calibrate: min_neff is a fraction in (0, 1]%s%s", NULL, NULL);
        goto done;
    }
    struct fy_node *ms = iaf_spec_get(cn, "margins");
    if (ms && !fy_node_is_sequence(ms)) {
        iaf_spec_fail(c, ms, "calibrate: 'margins' must be a list%s%s", NULL, NULL);
        goto done;
    }
    size_t cap = 0;
    void *it = NULL;
    struct fy_node *n;
    while (ms && (n = fy_node_sequence_iterate(ms, &it)) != NULL) {
        if (IAF_GROW(cb->margins, cap, cb->nmargins + 1) != 0) {
            iaf_spec_fail(c, n, "out of memory%s%s", NULL, NULL);
            goto done;
        }
        if (parse_calib_margin(c, s, cb, n)) goto done;
    }
    for (size_t i = 0; i < cb->nto; i++) {
        int found = iaf_spec_find_id(c, ID_CHECK, cb->to[i]) >= 0;
        for (size_t j = 0; !found && j < cb->nmargins; j++)
            found = !strcmp(cb->margins[j].id, cb->to[i]);
        if (!found) {
            iaf_spec_fail(c, iaf_spec_get(cn, "to"), "calibrate: no check or margin with id '%s'%s",
                          cb->to[i], NULL);
            goto done;
        }
    }
    if (!cb->nto && !cb->nmargins) {
        iaf_spec_fail(c, cn, "calibrate: name the targets (to: check ids) or give margins%s%s",
                      NULL, NULL);
        goto done;
    }
    rc = 0;
done:
    iaf_free(method);
    iaf_spec_free_list(bounds, nb);
    return rc;
}

/* Longer than 150 lines: the top-level sections in the order docs/spec.md documents
 * them, each a short loop over its list; splitting them would scatter that order. */
static int load_root(ctx *c, iaf_spec *s, struct fy_node *root)
{
    if (!root || iaf_spec_keys_only(c, root, "spec", top_keys))
        return iaf_spec_fail(c, root, "the spec must be a mapping%s%s", NULL, NULL);
    double ver = 0;
    if (iaf_spec_get_num(c, root, "iaf", &ver, "spec")) return -1;
    if (ver != IAF_SPEC_VERSION)
        return iaf_spec_fail(c, iaf_spec_get(root, "iaf") ? iaf_spec_get(root, "iaf") : root,
                             "spec must start with 'iaf: 1' (the spec format version)%s%s", NULL,
                             NULL);
    s->version = (int)ver;
    if (iaf_spec_get_str(c, root, "name", &s->name, 1, "spec") ||
        iaf_spec_get_str(c, root, "description", &s->description, 0, "spec") ||
        iaf_spec_get_str(c, root, "family", &s->family, 0, "spec"))
        return -1;
    {
        /* interval: calibrated (default) | basic (METHOD.md section 8) */
        char *iv = NULL;
        if (iaf_spec_get_str(c, root, "interval", &iv, 0, "spec")) return -1;
        int bad = iv && iaf_interval_method_parse(iv, &s->interval) != 0;
        iaf_free(iv);
        if (bad)
            return iaf_spec_fail(c, iaf_spec_get(root, "interval"),
                                 "interval must be calibrated or basic%s%s", NULL, NULL);
    }
    struct fy_node *ds = iaf_spec_get(root, "dataset");
    if (!ds) return iaf_spec_fail(c, root, "'dataset' is required%s%s", NULL, NULL);
    if (iaf_spec_keys_only(c, ds, "dataset", dataset_keys)) return -1;
    char **micro = NULL;
    size_t nmicro = 0;
    char *fmt = NULL;
    if (iaf_spec_get_str(c, ds, "title", &s->dataset_title, 1, "dataset") ||
        iaf_spec_get_str(c, ds, "url", &s->dataset_url, 0, "dataset") ||
        iaf_spec_get_str(c, ds, "licence", &s->dataset_licence, 0, "dataset") ||
        iaf_spec_get_list(c, ds, "microdata", &micro, &nmicro, "dataset") ||
        iaf_spec_get_str(c, ds, "weight", &s->micro_weight, 0, "dataset") ||
        iaf_spec_get_str(c, ds, "encoding", &s->micro_encoding, 0, "dataset") ||
        iaf_spec_get_str(c, ds, "format", &fmt, 0, "dataset") ||
        iaf_spec_get_list(c, ds, "missing", &s->micro_missing, &s->nmicro_missing, "dataset") ||
        get_normalize(c, ds, &s->micro_opt.labels.normalize, "dataset")) {
        iaf_spec_free_list(micro, nmicro);
        iaf_free(fmt);
        return -1;
    }
    if (!s->dataset_licence &&
        iaf_spec_get_str(c, ds, "license", &s->dataset_licence, 0, "dataset"))
        return -1;
    s->microdata = iaf_calloc(nmicro ? nmicro : 1, sizeof *s->microdata);
    int lost = !s->microdata;
    for (size_t i = 0; s->microdata && i < nmicro; i++)
        lost |= !(s->microdata[i] = resolve(c, micro[i]));
    s->nmicrodata = s->microdata ? nmicro : 0;
    iaf_spec_free_list(micro, nmicro);
    if (lost) {
        iaf_free(fmt);
        return iaf_spec_nomem(c, ds);
    }
    s->micro_opt.form = IAF_DATA_MICRODATA;
    s->micro_opt.weight = s->micro_weight;
    s->micro_opt.source.encoding = s->micro_encoding;
    s->micro_opt.labels.missing = (const char *const *)s->micro_missing;
    s->micro_opt.labels.nmissing = s->nmicro_missing;
    if (fmt) {
        iaf_format f = IAF_FORMAT_AUTO;
        if (!strcmp(fmt, "csv"))
            f = IAF_FORMAT_CSV;
        else if (!strcmp(fmt, "jsonl"))
            f = IAF_FORMAT_JSONL;
        else if (!strcmp(fmt, "parquet"))
            f = IAF_FORMAT_PARQUET;
        else if (strcmp(fmt, "auto") != 0) {
            iaf_free(fmt);
            return iaf_spec_fail(c, iaf_spec_get(ds, "format"),
                                 "dataset: format must be auto, csv, jsonl or parquet%s%s", NULL,
                                 NULL);
        }
        s->micro_opt.source.format = f;
        iaf_free(fmt);
    }
    if (need_seq(c, ds, "tables") || need_seq(c, root, "disclosures") ||
        need_seq(c, root, "crosswalks") || need_seq(c, root, "attributes") ||
        need_seq(c, root, "references") || need_seq(c, root, "checks"))
        return -1;
    size_t cap;
    cap = 0;
    FOR_ITEMS(ds, "tables", n)
    {
        if (IAF_GROW(s->tables, cap, s->ntables + 1) != 0) return iaf_spec_nomem(c, n);
        iaf_spec_source *t = &s->tables[s->ntables++];
        memset(t, 0, sizeof *t);
        if (parse_source(c, n, t, "dataset table") || check_unique(c, n, "table", ID_TABLE, t->id))
            return -1;
        /* the dataset's label rules hold for its tables too */
        t->normalize |= s->micro_opt.labels.normalize;
        for (size_t i = 0; i < s->nmicro_missing; i++) {
            size_t mc = t->nmissing;
            if (IAF_GROW(t->missing, mc, t->nmissing + 1) != 0 ||
                !(t->missing[t->nmissing] = iaf_strdup(s->micro_missing[i])))
                return iaf_spec_nomem(c, n);
            t->nmissing++;
        }
    }
    if (s->nmicrodata == 0 && s->ntables == 0)
        return iaf_spec_fail(c, ds, "dataset: give 'microdata' files or aggregate 'tables'%s%s",
                             NULL, NULL);
    cap = 0;
    FOR_ITEMS(root, "disclosures", n)
    {
        static const char *const keys[] = {"id",  "quote",       "file",  "locator",
                                           "url", "independent", "given", NULL};
        if (IAF_GROW(s->disclosures, cap, s->ndisclosures + 1) != 0) return iaf_spec_nomem(c, n);
        iaf_spec_disclosure *d = &s->disclosures[s->ndisclosures++];
        memset(d, 0, sizeof *d);
        d->line = node_line(n);
        if (iaf_spec_keys_only(c, n, "disclosure", keys) ||
            iaf_spec_get_str(c, n, "id", &d->id, 1, "disclosure") ||
            iaf_spec_get_str(c, n, "quote", &d->quote, 1, "disclosure") ||
            iaf_spec_get_str(c, n, "file", &d->file, 1, "disclosure") ||
            iaf_spec_get_str(c, n, "locator", &d->locator, 1, "disclosure") ||
            iaf_spec_get_str(c, n, "url", &d->url, 0, "disclosure") ||
            iaf_spec_get_list(c, n, "independent", &d->independent, &d->nindependent,
                              "disclosure") ||
            iaf_spec_get_list(c, n, "given", &d->given, &d->ngiven, "disclosure") ||
            check_unique(c, n, "disclosure", ID_DISCLOSURE, d->id))
            return -1;
        if (d->ngiven && !d->nindependent)
            return iaf_spec_fail(
                c, iaf_spec_get(n, "given"),
                "disclosure '%s': 'given' needs the attributes stated 'independent'%s", d->id,
                NULL);
        if (d->nindependent == 1)
            return iaf_spec_fail(c, iaf_spec_get(n, "independent"),
                                 "disclosure '%s': 'independent' names two or more attributes%s",
                                 d->id, NULL);
    }
    if (parse_labels(c, root, s)) return -1;
    cap = 0;
    FOR_ITEMS(root, "crosswalks", n)
    {
        static const char *const keys[] = {"id", "file", "note", NULL};
        if (IAF_GROW(s->crosswalks, cap, s->ncrosswalks + 1) != 0) return iaf_spec_nomem(c, n);
        iaf_spec_crosswalk *w = &s->crosswalks[s->ncrosswalks++];
        memset(w, 0, sizeof *w);
        w->line = node_line(n);
        if (iaf_spec_keys_only(c, n, "crosswalk", keys) ||
            iaf_spec_get_str(c, n, "id", &w->id, 1, "crosswalk") ||
            iaf_spec_get_str(c, n, "file", &w->file_as_written, 1, "crosswalk") ||
            iaf_spec_get_str(c, n, "note", &w->note, 0, "crosswalk") ||
            check_unique(c, n, "crosswalk", ID_CROSSWALK, w->id))
            return -1;
        if (!(w->file = resolve(c, w->file_as_written))) return iaf_spec_nomem(c, n);
        if (c->base && (c->st = iaf_crosswalk_load(w->file, &w->cw, c->err)) != IAF_OK) return -1;
    }
    cap = 0;
    FOR_ITEMS(root, "attributes", n)
    {
        iaf_attr *a;
        if (parse_attr(c, s, n, &a)) return -1;
        if (a->kind == IAF_ATTR_CROSSWALK && !a->crosswalk)
            a->kind = IAF_ATTR_ASIS; /* fuzzing: no files */
        int dup;
        if (add_attr(c, s, a, &dup) != 0) {
            if (!dup) return iaf_spec_nomem(c, n);
            iaf_spec_fail(c, n, "duplicate attribute '%s'%s", a->name, NULL);
            iaf_attr_free(a);
            return -1;
        }
        if (parse_lump(c, s, n, a)) return -1;
    }
    cap = 0;
    FOR_ITEMS(root, "references", n)
    {
        if (IAF_GROW(s->references, cap, s->nreferences + 1) != 0) return iaf_spec_nomem(c, n);
        iaf_spec_source *r = &s->references[s->nreferences++];
        memset(r, 0, sizeof *r);
        if (parse_source(c, n, r, "reference") ||
            check_unique(c, n, "reference", ID_REFERENCE, r->id))
            return -1;
    }
    struct fy_node *th = iaf_spec_get(root, "thresholds");
    if (th) {
        const char *kinds[IAF_CHECK_NKINDS + 1];
        for (int k = 0; k < IAF_CHECK_NKINDS; k++)
            kinds[k] = iaf_check_ops_of((iaf_check_kind)k)->name;
        kinds[IAF_CHECK_NKINDS] = NULL;
        if (iaf_spec_keys_only(c, th, "thresholds", kinds)) return -1;
        for (int k = 0; k < IAF_CHECK_NKINDS; k++)
            if (parse_thresholds(c, iaf_spec_get(th, kinds[k]), &s->defaults[k], &s->ndefaults[k]))
                return -1;
    }
    cap = 0;
    /* attributes may grow while checks are parsed (undeclared = as-is) */
    size_t acap = s->nattrs;
    (void)acap;
    FOR_ITEMS(root, "checks", n)
    {
        if (IAF_GROW(s->checks, cap, s->nchecks + 1) != 0) return iaf_spec_nomem(c, n);
        iaf_spec_check *k = &s->checks[s->nchecks++];
        memset(k, 0, sizeof *k);
        if (parse_check(c, s, n, k) || check_unique(c, n, "check", ID_CHECK, k->id)) return -1;
        /* standardisation the declared reference columns cannot give (METHOD.md
         * section 7): an error now, not a silent skip later */
        if (k->stratum && k->standard_ref < 0 && k->reference >= 0 &&
            s->references[k->reference].nattrs > 0) {
            const iaf_spec_source *r = &s->references[k->reference];
            int has = 0;
            for (size_t i = 0; i < r->nattrs; i++)
                has |= !strcmp(r->attrs[i], k->stratum->name);
            if (!has)
                return iaf_spec_fail(
                    c, iaf_spec_get(n, "standardize"),
                    "check '%s': standardize by '%s', but the reference has no such "
                    "column and no standard is given",
                    k->id, k->stratum->name);
        }
    }
    if (s->nchecks == 0) return iaf_spec_fail(c, root, "the spec has no checks%s%s", NULL, NULL);
    /* lead: {question: ..., check: ID}: the audit's question and the check
     * whose verdict answers it; reports open with it */
    s->lead_check = -1;
    struct fy_node *ld = iaf_spec_get(root, "lead");
    if (ld) {
        static const char *const lkeys[] = {"question", "check", NULL};
        char *lc = NULL;
        if (iaf_spec_keys_only(c, ld, "lead", lkeys) ||
            iaf_spec_get_str(c, ld, "question", &s->lead_question, 1, "lead") ||
            iaf_spec_get_str(c, ld, "check", &lc, 1, "lead")) {
            iaf_free(lc);
            return -1;
        }
        for (size_t i = 0; i < s->nchecks; i++)
            if (!strcmp(s->checks[i].id, lc)) s->lead_check = (int)i;
        int bad = s->lead_check < 0;
        if (bad) iaf_spec_fail(c, ld, "lead: no check with id '%s'%s", lc, NULL);
        iaf_free(lc);
        if (bad) return -1;
    }
    if (parse_claims(c, s, root)) return -1;
    return parse_calibrate(c, s, root);
}

static void diag_out(struct fy_diag *d, void *user, const char *buf, size_t len)
{
    (void)d;
    ctx *c = user;
    if (c->diag[0]) return; /* keep the first message */
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
        len--;
    snprintf(c->diag, sizeof c->diag, "%.*s", (int)IAF_MIN(len, sizeof c->diag - 1), buf);
}

/* What aliases may expand a spec to (docs/spec.md, "YAML"): a few kilobytes of YAML must
 * not become gigabytes ("billion laughs"). */
#define MAX_EXPANDED_NODES 1000000
#define MAX_EXPANDED_NODES_TEXT "1,000,000 nodes"
#define MAX_EXPANDED_BYTES (64u << 20)
#define MAX_EXPANDED_BYTES_TEXT "64 MiB of text"
#define MAX_ALIAS_DEPTH 1000
#define MAX_ALIAS_DEPTH_TEXT "1,000 levels"

/* The size of the document once its aliases are expanded, computed before libfyaml expands
 * them: each anchored node is measured once (keyed by its address), so this is linear in
 * the unexpanded document. Also refuses undefined and recursive aliases and merge keys. */
typedef struct expand {
    ctx *c;
    iaf_strmap seen; /* anchored nodes measured or being measured */
    uint64_t *nodes, *bytes;
    uint8_t *done;
    size_t cap;
    int aliases;
} expand;

static int measure(expand *x, struct fy_node *n, int depth, uint64_t *nodes, uint64_t *bytes)
{
    *nodes = 0, *bytes = 0;
    if (!n) return 0;
    if (depth > MAX_ALIAS_DEPTH)
        return iaf_spec_fail(x->c, n, "aliases nest deeper than " MAX_ALIAS_DEPTH_TEXT "%s%s", NULL,
                             NULL);
    if (fy_node_is_alias(n)) {
        x->aliases = 1;
        size_t len;
        const char *name = fy_node_get_scalar(n, &len);
        char shown[128];
        snprintf(shown, sizeof shown, "%.*s", (int)IAF_MIN(len, 100), name ? name : "");
        struct fy_node *t = fy_node_dereference(n);
        if (!t) return iaf_spec_fail(x->c, n, "undefined alias '*%s'%s", shown, NULL);
        return measure(x, t, depth + 1, nodes, bytes);
    }
    int64_t id = -1;
    if (fy_node_get_anchor(n)) {
        size_t before = iaf_strmap_size(&x->seen);
        id = iaf_strmap_intern(&x->seen, (const char *)&n, sizeof n);
        if (id < 0) return iaf_spec_nomem(x->c, n);
        if ((size_t)id < before) {
            if (!x->done[id])
                return iaf_spec_fail(x->c, n, "an alias refers to the node that contains it%s%s",
                                     NULL, NULL);
            *nodes = x->nodes[id], *bytes = x->bytes[id];
            return 0;
        }
        size_t c1 = x->cap, c2 = x->cap, c3 = x->cap;
        if (IAF_GROW(x->nodes, c1, (size_t)id + 1) || IAF_GROW(x->bytes, c2, (size_t)id + 1) ||
            IAF_GROW(x->done, c3, (size_t)id + 1))
            return iaf_spec_nomem(x->c, n);
        x->cap = IAF_MIN(c1, IAF_MIN(c2, c3));
        x->done[id] = 0;
    }
    uint64_t nn = 1, nb = 0;
    if (fy_node_is_scalar(n)) {
        size_t len = 0;
        fy_node_get_scalar(n, &len);
        nb = len;
    } else {
        void *it = NULL;
        struct fy_node *kids[2];
        struct fy_node_pair *p = NULL;
        for (;;) {
            size_t nk = 0;
            if (fy_node_is_mapping(n)) {
                if (!(p = fy_node_mapping_iterate(n, &it))) break;
                kids[nk++] = fy_node_pair_key(p);
                kids[nk++] = fy_node_pair_value(p);
                size_t len;
                const char *k = fy_node_is_scalar(kids[0]) && !fy_node_is_alias(kids[0])
                                    ? fy_node_get_scalar(kids[0], &len)
                                    : NULL;
                if (k && len == 2 && !memcmp(k, "<<", 2))
                    return iaf_spec_fail(
                        x->c, kids[0],
                        "merge keys ('<<') are not supported in specs (YAML 1.2 has none): "
                        "write the keys out%s%s",
                        NULL, NULL);
            } else {
                if (!(kids[0] = fy_node_sequence_iterate(n, &it))) break;
                nk = 1;
            }
            for (size_t i = 0; i < nk; i++) {
                uint64_t kn, kb;
                if (measure(x, kids[i], depth + 1, &kn, &kb)) return -1;
                nn += kn, nb += kb;
                if (nn > MAX_EXPANDED_NODES || nb > MAX_EXPANDED_BYTES) break;
            }
            if (nn > MAX_EXPANDED_NODES || nb > MAX_EXPANDED_BYTES) break;
        }
    }
    if (nn > MAX_EXPANDED_NODES)
        return iaf_spec_fail(
            x->c, n,
            "the spec expands (with its aliases) to more than " MAX_EXPANDED_NODES_TEXT "%s%s",
            NULL, NULL);
    if (nb > MAX_EXPANDED_BYTES)
        return iaf_spec_fail(
            x->c, n,
            "the spec expands (with its aliases) to more than " MAX_EXPANDED_BYTES_TEXT "%s%s",
            NULL, NULL);
    if (id >= 0) x->nodes[id] = nn, x->bytes[id] = nb, x->done[id] = 1;
    *nodes = nn, *bytes = nb;
    return 0;
}

/* Duplicate keys, found with one hash set per mapping (libfyaml's own check compares every
 * pair of keys). keys/lines are scratch reused across mappings. */
typedef struct dupcheck {
    ctx *c;
    struct fy_node **first; /* key node by id in the current mapping */
    size_t cap;
} dupcheck;

static int check_dups(dupcheck *d, struct fy_node *n, int depth)
{
    if (!n || fy_node_is_scalar(n)) return 0;
    if (depth > MAX_ALIAS_DEPTH)
        return iaf_spec_fail(d->c, n, "the spec nests deeper than " MAX_ALIAS_DEPTH_TEXT "%s%s",
                             NULL, NULL);
    void *it = NULL;
    if (fy_node_is_sequence(n)) {
        struct fy_node *e;
        while ((e = fy_node_sequence_iterate(n, &it)) != NULL)
            if (check_dups(d, e, depth + 1)) return -1;
        return 0;
    }
    iaf_strmap keys;
    memset(&keys, 0, sizeof keys);
    struct fy_node_pair *p;
    int rc = 0;
    while (rc == 0 && (p = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        size_t len;
        const char *text = fy_node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
        if (!text) continue; /* complex keys are refused where keys are read */
        size_t before = iaf_strmap_size(&keys);
        int64_t id = iaf_strmap_intern(&keys, text, len);
        if (id < 0 || ((size_t)id == before && IAF_GROW(d->first, d->cap, before + 1) != 0)) {
            rc = iaf_spec_nomem(d->c, k);
        } else if ((size_t)id < before) {
            char shown[128], first[32];
            snprintf(shown, sizeof shown, "%.*s", (int)IAF_MIN(len, 100), text);
            snprintf(first, sizeof first, "%ld", node_line(d->first[id]));
            rc = iaf_spec_fail(d->c, k, "duplicate key '%s' (first on line %s)", shown, first);
        } else {
            d->first[id] = k;
        }
    }
    iaf_strmap_free(&keys);
    it = NULL;
    while (rc == 0 && (p = fy_node_mapping_iterate(n, &it)) != NULL)
        if (check_dups(d, fy_node_pair_key(p), depth + 1) ||
            check_dups(d, fy_node_pair_value(p), depth + 1))
            rc = -1;
    return rc;
}

/* Line of the start of the second document: its first node, else the last marker line. */
static long second_doc_line(struct fy_document *doc, const char *data, size_t n)
{
    long line = node_line(fy_document_root(doc));
    if (line > 0) return line;
    long at = 1;
    for (size_t i = 0; i < n; i++) {
        if ((i == 0 || data[i - 1] == '\n') && n - i >= 3 && !memcmp(data + i, "---", 3)) line = at;
        if (data[i] == '\n') at++;
    }
    return line;
}

static iaf_status load(const char *data, size_t n, const char *name, const char *base,
                       iaf_spec **out, iaf_error *err)
{
    *out = NULL;
    ctx c;
    memset(&c, 0, sizeof c);
    c.file = name, c.base = base, c.err = err, c.st = IAF_OK;
    struct fy_parser *fyp = NULL;
    struct fy_document *doc = NULL;
    iaf_spec *s = iaf_calloc(1, sizeof *s);
    if (!s) return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
    /* an empty spec (blank lines and comments only) is said so, not left to
     * libfyaml's "fy_parse_load_document() failed" */
    size_t blank = 0;
    while (blank < n && data[blank]) {
        if (data[blank] == '#')
            while (blank < n && data[blank] && data[blank] != '\n')
                blank++;
        else if (strchr(" \t\r\n", data[blank]))
            blank++;
        else
            break;
    }
    if (blank == n) {
        iaf_spec_free(s);
        return iaf_error_set(err, IAF_ERR_PARSE, name, 0, 0, "empty spec");
    }
    const char *wide = iaf_wide_encoding((const unsigned char *)data, n);
    if (wide) {
        iaf_spec_free(s);
        return iaf_error_set(err, IAF_ERR_PARSE, name, 0, 0,
                             "looks like %s, not UTF-8: " IAF_WIDE_ENCODING_HINT, wide, wide);
    }
    /* Specs never need YAML directives, and libfyaml 0.7 can loop forever on
     * malformed ones ("%" at a line start): refuse them before parsing. Also
     * refuse NUL bytes, which YAML does not allow in a document. */
    for (size_t i = 0, line = 1; i < n; i++) {
        if (data[i] == '\0') {
            iaf_spec_free(s);
            return iaf_error_set(err, IAF_ERR_PARSE, name, (long long)line, 0,
                                 "invalid YAML: NUL byte");
        }
        /* a line starts after LF, CR, NEL, LS, PS or a byte-order mark */
        const unsigned char *u = (const unsigned char *)data;
        int at_line_start = i == 0 || u[i - 1] == '\n' || u[i - 1] == '\r' ||
                            (i >= 2 && u[i - 2] == 0xC2 && u[i - 1] == 0x85) ||
                            (i >= 3 && u[i - 3] == 0xE2 && u[i - 2] == 0x80 &&
                             (u[i - 1] == 0xA8 || u[i - 1] == 0xA9)) ||
                            (i >= 3 && u[i - 3] == 0xEF && u[i - 2] == 0xBB && u[i - 1] == 0xBF);
        if (data[i] == '%' && at_line_start) {
            iaf_spec_free(s);
            return iaf_error_set(err, IAF_ERR_PARSE, name, (long long)line, 1,
                                 "YAML directives ('%%...') are not supported in specs");
        }
        if (data[i] == '\n') line++;
    }
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = diag_out;
    dcfg.user = &c;
    dcfg.colorize = false;
    dcfg.show_source = false;
    dcfg.show_position = true;
    dcfg.show_type = false;
    dcfg.show_module = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    /* Duplicate keys are checked below in linear time; anchors are resolved only after their
     * expansion has been measured. */
    struct fy_parse_cfg pcfg = {
        NULL, FYPCF_QUIET | FYPCF_DISABLE_RECYCLING | FYPCF_ALLOW_DUPLICATE_KEYS, NULL, diag};
    fyp = diag ? fy_parser_create(&pcfg) : NULL;
    if (!fyp || fy_parser_set_string(fyp, data, n) != 0) {
        c.st = iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
        goto done;
    }
    doc = fy_parse_load_document(fyp);
    if (doc && !c.diag[0]) {
        struct fy_document *more = fy_parse_load_document(fyp);
        if (more) {
            long line = second_doc_line(more, data, n);
            fy_parse_document_destroy(fyp, more);
            c.st =
                iaf_error_set(err, IAF_ERR_PARSE, name, line, 0, "a spec holds one YAML document");
            goto done;
        }
    }
    if (c.diag[0]) {
        /* libfyaml writes "<input>:LINE:COL: error: TEXT"; keep LINE, COL and TEXT */
        long line = 0, col = 0;
        const char *text = c.diag;
        const char *p = strstr(c.diag, ">:");
        p = p ? p + 2 : c.diag;
        int used = 0;
        if (sscanf(p, "%ld:%ld: %n", &line, &col, &used) >= 2 && used > 0) {
            text = p + used;
            if (!strncmp(text, "error: ", 7)) text += 7;
        }
        c.st = iaf_error_set(err, IAF_ERR_PARSE, name, line, col, "invalid YAML%s%s",
                             text[0] ? ": " : "", text);
        goto done;
    }
    struct fy_node *root = doc ? fy_document_root(doc) : NULL;
    if (root) {
        expand x;
        memset(&x, 0, sizeof x);
        x.c = &c;
        uint64_t nodes, bytes;
        int bad = measure(&x, root, 0, &nodes, &bytes);
        iaf_strmap_free(&x.seen);
        iaf_free(x.nodes), iaf_free(x.bytes), iaf_free(x.done);
        if (bad) goto done;
        if (x.aliases) {
            if (fy_document_resolve(doc) != 0) {
                c.st = iaf_error_set(err, IAF_ERR_PARSE, name, 0, 0, "invalid YAML: %s",
                                     c.diag[0] ? c.diag : "cannot resolve the aliases");
                goto done;
            }
            root = fy_document_root(doc);
        }
        dupcheck d = {&c, NULL, 0};
        bad = check_dups(&d, root, 0);
        iaf_free(d.first);
        if (bad) goto done;
    }
    if (!(s->path = iaf_strdup(name)) || !(s->dir = iaf_strdup(base ? base : "."))) {
        c.st = iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
        goto done;
    }
    if (load_root(&c, s, root) != 0 && c.st == IAF_OK)
        c.st = iaf_error_set(err, IAF_ERR_INVALID, name, 0, 0, "invalid spec");
done:
    if (doc) fy_parse_document_destroy(fyp, doc);
    fy_parser_destroy(fyp);
    fy_diag_destroy(diag);
    for (int k = 0; k < ID_KINDS; k++)
        iaf_strmap_free(&c.ids[k]);
    if (c.st != IAF_OK) {
        iaf_spec_free(s);
        return c.st;
    }
    *out = s;
    return IAF_OK;
}

void iaf_spec_source_options(const iaf_spec_source *s, int threads, iaf_dataset_options *o)
{
    memset(o, 0, sizeof *o);
    o->form = s->form;
    o->counts = s->counts;
    o->weight = s->weight;
    o->source.threads = threads;
    o->source.encoding = s->encoding;
    o->labels.missing = (const char *const *)s->missing;
    o->labels.nmissing = s->nmissing;
    o->labels.normalize = s->normalize;
}

iaf_status iaf_spec_load(const char *path, iaf_spec **out, iaf_error *err)
{
    *out = NULL;
    iaf_buf b = {0};
    /* through the file layer (util/sysio.h): a regular file only, so a FIFO
     * cannot block */
    iaf_status rst = iaf_file_read_all(path, 64u << 20, "a spec", &b, err);
    if (rst != IAF_OK) {
        iaf_buf_free(&b);
        return rst == IAF_ERR_LIMIT
                   ? iaf_error_set(err, IAF_ERR_LIMIT, path, 0, 0, "spec larger than 64 MiB")
                   : rst;
    }
    char *dup = iaf_strdup(path);
    if (!dup) {
        iaf_buf_free(&b);
        return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    const char *dir = dirname(dup);
    iaf_status st = load(b.data ? b.data : "", b.len, path, dir, out, err);
    iaf_free(dup);
    iaf_buf_free(&b);
    return st;
}

iaf_status iaf_spec_load_memory(const char *data, size_t n, const char *name, const char *base_dir,
                                iaf_spec **out, iaf_error *err)
{
    return load(data, n, name ? name : "<spec>", base_dir, out, err);
}

void iaf_spec_free(iaf_spec *s)
{
    if (!s) return;
    iaf_free(s->path), iaf_free(s->dir), iaf_free(s->name), iaf_free(s->description),
        iaf_free(s->family);
    iaf_free(s->lead_question);
    iaf_free(s->dataset_title), iaf_free(s->dataset_url), iaf_free(s->dataset_licence);
    iaf_spec_free_list(s->microdata, s->nmicrodata);
    iaf_rowweights_free(s->row_weights);
    iaf_spec_free_list(s->calibrate.to, s->calibrate.nto);
    iaf_free(s->calibrate.id);
    for (size_t i = 0; i < s->calibrate.nmargins; i++) {
        iaf_spec_calib_margin *m = &s->calibrate.margins[i];
        iaf_free(m->id), iaf_free(m->universe_text), iaf_free(m->reference_universe_text);
        for (size_t j = 0; j < m->nattrs; j++)
            iaf_free(m->ref_cols[j]);
        iaf_expr_free(m->universe);
        iaf_expr_free(m->reference_universe);
    }
    iaf_free(s->calibrate.margins);
    iaf_free(s->micro_weight), iaf_free(s->micro_encoding);
    iaf_spec_free_list(s->micro_missing, s->nmicro_missing);
    for (size_t i = 0; i < s->ntables; i++)
        free_source(&s->tables[i]);
    iaf_free(s->tables);
    for (size_t i = 0; i < s->ndisclosures; i++) {
        iaf_spec_disclosure *d = &s->disclosures[i];
        iaf_free(d->id), iaf_free(d->quote), iaf_free(d->file), iaf_free(d->locator),
            iaf_free(d->url);
        iaf_spec_free_list(d->independent, d->nindependent);
        iaf_spec_free_list(d->given, d->ngiven);
    }
    iaf_free(s->disclosures);
    for (size_t i = 0; i < s->nattrs; i++)
        iaf_attr_free(s->attrs[i]);
    iaf_free(s->attrs);
    for (size_t i = 0; i < s->ncrosswalks; i++) {
        iaf_spec_crosswalk *w = &s->crosswalks[i];
        iaf_free(w->id), iaf_free(w->file), iaf_free(w->file_as_written), iaf_free(w->note);
        iaf_crosswalk_free(w->cw);
    }
    iaf_free(s->crosswalks);
    for (size_t i = 0; i < s->nlabels; i++) {
        iaf_spec_labels *l = &s->labels[i];
        iaf_spec_free_list(l->attributes, l->nattributes);
        iaf_free(l->file_as_written), iaf_free(l->file), iaf_free(l->code), iaf_free(l->title);
    }
    iaf_free(s->labels);
    for (size_t i = 0; i < s->nreferences; i++)
        free_source(&s->references[i]);
    iaf_free(s->references);
    for (size_t i = 0; i < s->nchecks; i++) {
        iaf_spec_check *k = &s->checks[i];
        iaf_free(k->id), iaf_free(k->title), iaf_free(k->universe_text),
            iaf_free(k->reference_universe_text);
        iaf_free(k->note), iaf_free(k->ref_cols[0]), iaf_free(k->ref_cols[1]), iaf_free(k->focal);
        iaf_free(k->rule_text), iaf_free(k->share_text), iaf_free(k->given_text),
            iaf_free(k->citation);
        iaf_expr_free(k->rule), iaf_expr_free(k->share), iaf_expr_free(k->given);
        iaf_free(k->status_text), iaf_free(k->profile_age);
        iaf_expr_free(k->status);
        for (size_t w = 0; w < k->nwindow; w++)
            iaf_free(k->window[w]);
        iaf_free(k->window);
        for (size_t w = 0; w < k->nexpected; w++)
            iaf_free(k->expected_labels[w]);
        iaf_free(k->expected_labels), iaf_free(k->expected_shares), iaf_free(k->expected_hi);
        for (size_t v = 0; v < k->nvariants; v++)
            iaf_free(k->variants[v].name);
        iaf_expr_free(k->universe);
        iaf_expr_free(k->reference_universe);
        for (size_t t = 0; t < k->nthresholds; t++)
            iaf_free(k->thresholds[t].metric);
        iaf_free(k->thresholds);
    }
    iaf_free(s->checks);
    for (size_t i = 0; i < s->nclaims; i++) {
        iaf_spec_claim *k = &s->claims[i];
        iaf_free(k->id), iaf_free(k->claim), iaf_free(k->source), iaf_free(k->note),
            iaf_free(k->diagnosis);
        iaf_spec_free_list(k->checks, k->nchecks);
        iaf_free(k->check_idx);
    }
    iaf_free(s->claims);
    for (int k = 0; k < IAF_CHECK_NKINDS; k++) {
        for (size_t t = 0; t < s->ndefaults[k]; t++)
            iaf_free(s->defaults[k][t].metric);
        iaf_free(s->defaults[k]);
    }
    for (size_t i = 0; i < s->nlumps; i++)
        iaf_spec_free_list(s->lumps[i].labels, s->lumps[i].nlabels);
    iaf_free(s->lumps);
    iaf_free(s);
}

const char *iaf_check_kind_name(iaf_check_kind k)
{
    const iaf_check_ops *o = iaf_check_ops_of(k);
    return o ? o->name : "unknown";
}

double iaf_spec_threshold_for(const iaf_spec *s, const iaf_spec_check *c, const char *metric)
{
    for (size_t i = 0; i < c->nthresholds; i++)
        if (!strcmp(c->thresholds[i].metric, metric)) return c->thresholds[i].value;
    for (size_t i = 0; i < s->ndefaults[c->kind]; i++)
        if (!strcmp(s->defaults[c->kind][i].metric, metric)) return s->defaults[c->kind][i].value;
    /* the kind's defaults (METHOD.md section 9) */
    const iaf_check_ops *o = iaf_check_ops_of(c->kind);
    for (const iaf_kind_default *d = o ? o->defaults : NULL; d && d->metric; d++)
        if (!strcmp(d->metric, metric)) return d->value;
    return NAN;
}

iaf_status iaf_spec_set_table(iaf_spec *s, const char *id, const void *csv, size_t size,
                              const char *name, iaf_error *err)
{
    iaf_spec_source *src = NULL;
    for (size_t i = 0; id && i < s->nreferences && !src; i++)
        if (!strcmp(s->references[i].id, id)) src = &s->references[i];
    for (size_t i = 0; id && i < s->ntables && !src; i++)
        if (!strcmp(s->tables[i].id, id)) src = &s->tables[i];
    if (!src)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "the spec has no reference or dataset table '%s'", id ? id : "");
    if (src->form == IAF_DATA_MICRODATA)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "reference '%s' is microdata, not a count table", id);
    if (!csv && size) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no table text");
    if (name) {
        char *f = iaf_strdup(name), *w = iaf_strdup(name);
        if (!f || !w) {
            iaf_free(f), iaf_free(w);
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        iaf_free(src->file), iaf_free(src->file_as_written);
        src->file = f;
        src->file_as_written = w;
    }
    src->mem = csv ? csv : "";
    src->nmem = size;
    iaf_sha256 h;
    unsigned char d[32];
    iaf_sha256_init(&h);
    iaf_sha256_update(&h, src->mem, size);
    iaf_sha256_final(&h, d);
    for (int i = 0; i < 32; i++)
        snprintf(src->mem_sha + 2 * i, 3, "%02x", d[i]);
    return IAF_OK;
}

iaf_status iaf_spec_set_microdata(iaf_spec *s, const char *const *paths, size_t n, iaf_error *err)
{
    if (s->nmicrodata == 0)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "the spec reads no microdata (its checks are on count tables)");
    if (n == 0) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "no microdata path given");
    char **list = iaf_calloc(n, sizeof *list);
    if (!list) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (!(list[i] = iaf_strdup(paths[i]))) {
            while (i--)
                iaf_free(list[i]);
            iaf_free(list);
            return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
    for (size_t i = 0; i < s->nmicrodata; i++)
        iaf_free(s->microdata[i]);
    iaf_free(s->microdata);
    s->microdata = list;
    s->nmicrodata = n;
    return IAF_OK;
}
