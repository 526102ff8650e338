/* src/core/crosswalk.c - loading and applying crosswalk files (see crosswalk.h).
 *
 * The CSV table is kept alive inside the crosswalk: every `from`/`to` view points into it,
 * so loading copies nothing. Rows are grouped by `from` (exact rows) or by pattern text
 * (regex rows); each group's targets sit contiguously in one array (in file order), which
 * makes a lookup one hash probe plus a slice.
 */
#include "core/crosswalk.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "util/util.h"

#define WEIGHT_TOLERANCE 1e-9
#define MAX_GROUPS 10 /* \0..\9 */
/* What one pattern may cost (docs/expressions.md, "Regex rows"); each message names its
 * limit. The match limit counts pcre2_match's internal steps per label and pattern, the
 * depth limit its nested backtracking points, the heap limit the memory they use. */
#define MAX_PATTERN 1024
#define MAX_PATTERN_TEXT "1,024 bytes"
#define MAX_COMPILED (64 * 1024)
#define MAX_COMPILED_TEXT "64 KiB"
#define MATCH_LIMIT 1000000
#define MATCH_LIMIT_TEXT "1,000,000 steps"
#define DEPTH_LIMIT 100000
#define DEPTH_LIMIT_TEXT "100,000 nested backtracking points"
#define HEAP_LIMIT_KIB (32 * 1024)
#define HEAP_LIMIT_TEXT "32 MiB"

typedef struct cw_target {
    iaf_sv to;
    double weight;
    long long line;
    int has_backref;
} cw_target;

typedef struct cw_group {
    iaf_sv key;      /* from (exact) or pattern text (regex) */
    long long line;  /* first row of the group */
    size_t first, n; /* slice of iaf_crosswalk.targets */
    int dropped;     /* the single row has an empty `to` */
    pcre2_code *re;
} cw_group;

struct iaf_crosswalk {
    char *file;
    iaf_csv_table *table;
    size_t nrows;
    iaf_strmap exact_index; /* from -> index into exact */
    cw_group *exact;
    size_t nexact;
    iaf_strmap regex_index; /* pattern text -> index into regex */
    cw_group *regex;        /* in order of first appearance = precedence */
    size_t nregex;
    cw_target *targets;
    /* regex path: NUL-terminated copy of the label, substitution scratch, result cache */
    iaf_buf subject, scratch;
    iaf_strmap cache;
    /* PCRE2 state, created with the first regex row: allocations through iaf_malloc, the
     * limits above, one match block reused for every label. */
    pcre2_general_context *gctx;
    pcre2_compile_context *cctx;
    pcre2_match_context *mctx;
    pcre2_match_data *md;
    /* the first failure while mapping (a limit, out of memory); sticky, see
     * iaf_crosswalk_status */
    iaf_status map_status;
    iaf_error map_err;
};

void iaf_crosswalk_free(iaf_crosswalk *cw)
{
    if (!cw) return;
    for (size_t i = 0; i < cw->nregex; i++)
        pcre2_code_free(cw->regex[i].re);
    pcre2_match_data_free(cw->md);
    pcre2_match_context_free(cw->mctx);
    pcre2_compile_context_free(cw->cctx);
    pcre2_general_context_free(cw->gctx);
    iaf_free(cw->regex);
    iaf_free(cw->exact);
    iaf_free(cw->targets);
    iaf_strmap_free(&cw->exact_index);
    iaf_strmap_free(&cw->regex_index);
    iaf_strmap_free(&cw->cache);
    iaf_buf_free(&cw->subject);
    iaf_buf_free(&cw->scratch);
    iaf_csv_table_free(cw->table);
    iaf_free(cw->file);
    iaf_free(cw);
}

size_t iaf_crosswalk_nrows(const iaf_crosswalk *cw)
{
    return cw ? cw->nrows : 0;
}

const char *iaf_crosswalk_file(const iaf_crosswalk *cw)
{
    return cw ? cw->file : NULL;
}

static int sv_eq(iaf_sv a, const char *s)
{
    return iaf_sv_eq_str(a, s);
}

/* Backslash references in a `to` template: returns the highest group number used (-1 for
 * none); `\\` is a literal backslash, any other backslash is literal too. */
static int max_backref(iaf_sv to)
{
    int hi = -1;
    for (size_t i = 0; i + 1 < to.len; i++) {
        if (to.ptr[i] != '\\') continue;
        char c = to.ptr[i + 1];
        if (c >= '0' && c <= '9') hi = IAF_MAX(hi, c - '0');
        i++; /* skip the escaped byte, so "\\1" is a literal backslash and '1' */
    }
    return hi;
}

static iaf_status add_row_to_group(iaf_strmap *index, cw_group **groups, size_t *ngroups,
                                   size_t *cap, iaf_sv key, long long line, size_t *gid)
{
    int64_t id = iaf_strmap_intern(index, key.ptr, key.len);
    if (id < 0) return IAF_ERR_NOMEM;
    if ((size_t)id == *ngroups) {
        if (IAF_GROW(*groups, *cap, *ngroups + 1) != 0) return IAF_ERR_NOMEM;
        cw_group *g = &(*groups)[*ngroups];
        memset(g, 0, sizeof *g);
        g->key = key;
        g->line = line;
        (*ngroups)++;
    }
    (*groups)[id].n++;
    *gid = (size_t)id;
    return IAF_OK;
}

/* Checks shared by exact and regex groups: one empty `to` alone, distinct targets,
 * weights summing to 1. */
static iaf_status check_group(const iaf_crosswalk *cw, const cw_group *g, int regex, iaf_error *err)
{
    const char *what = regex ? "pattern" : "from";
    const cw_target *t = cw->targets + g->first;
    if (g->n > IAF_CROSSWALK_MAX_TARGETS)
        return iaf_error_set(err, IAF_ERR_LIMIT, cw->file, g->line, 0,
                             "%s '%.*s' has %zu rows; at most %d targets are allowed", what,
                             iaf_sv_shown(g->key), g->key.ptr, g->n, IAF_CROSSWALK_MAX_TARGETS);
    double sum = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (t[i].to.len == 0 && g->n > 1)
            return iaf_error_set(err, IAF_ERR_INVALID, cw->file, t[i].line, 0,
                                 "an empty `to` (explicitly unmapped) must be the only row of "
                                 "%s '%.*s' (first row on line %lld)",
                                 what, iaf_sv_shown(g->key), g->key.ptr, g->line);
        for (size_t j = 0; j < i; j++) {
            if (iaf_sv_cmp(t[i].to, t[j].to) == 0)
                return iaf_error_set(err, IAF_ERR_INVALID, cw->file, t[i].line, 0,
                                     "duplicate row %s '%.*s' -> '%.*s' (first on line %lld)", what,
                                     iaf_sv_shown(g->key), g->key.ptr, iaf_sv_shown(t[i].to),
                                     t[i].to.ptr, t[j].line);
        }
        sum += t[i].weight;
    }
    if (fabs(sum - 1.0) > WEIGHT_TOLERANCE)
        return iaf_error_set(err, IAF_ERR_INVALID, cw->file, g->line, 0,
                             "the weights of %s '%.*s' sum to %.12g, not 1 (%zu rows)", what,
                             iaf_sv_shown(g->key), g->key.ptr, sum, g->n);
    return IAF_OK;
}

static void *pcre_alloc(PCRE2_SIZE n, void *data)
{
    (void)data;
    return iaf_malloc(n);
}

static void pcre_free(void *p, void *data)
{
    (void)data;
    iaf_free(p);
}

/* The PCRE2 contexts, created once per crosswalk before its first pattern. */
static int pcre_setup(iaf_crosswalk *cw)
{
    if (cw->md) return 0;
    if (!cw->gctx && !(cw->gctx = pcre2_general_context_create(pcre_alloc, pcre_free, NULL)))
        return -1;
    if (!cw->cctx && !(cw->cctx = pcre2_compile_context_create(cw->gctx))) return -1;
    if (!cw->mctx && !(cw->mctx = pcre2_match_context_create(cw->gctx))) return -1;
    pcre2_set_max_pattern_length(cw->cctx, MAX_PATTERN);
    pcre2_set_match_limit(cw->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(cw->mctx, DEPTH_LIMIT);
    pcre2_set_heap_limit(cw->mctx, HEAP_LIMIT_KIB);
    return (cw->md = pcre2_match_data_create(MAX_GROUPS + 1, cw->gctx)) ? 0 : -1;
}

/* Patterns are matched against the whole label (PCRE2_ANCHORED | PCRE2_ENDANCHORED, so
 * `a|b` means the label a or the label b), see characters rather than bytes (UTF, with
 * Unicode classes), let `.` match any character and `$` only the very end, as POSIX
 * regexec did; a label that is not valid UTF-8 simply does not match. */
#define COMPILE_OPTIONS                                                                            \
    (PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF |        \
     PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C)

static iaf_status compile_group(iaf_crosswalk *cw, cw_group *g, iaf_error *err)
{
    if (g->key.len > MAX_PATTERN)
        return iaf_error_set(err, IAF_ERR_LIMIT, cw->file, g->line, 0,
                             "bad regex '%.*s': pattern longer than the limit of " MAX_PATTERN_TEXT,
                             iaf_sv_shown(g->key), g->key.ptr);
    if (memchr(g->key.ptr, '\0', g->key.len))
        return iaf_error_set(err, IAF_ERR_PARSE, cw->file, g->line, 0,
                             "bad regex '%.*s': NUL byte in a pattern", iaf_sv_shown(g->key),
                             g->key.ptr);
    if (pcre_setup(cw) != 0)
        return iaf_error_set(err, IAF_ERR_NOMEM, cw->file, g->line, 0, "out of memory");
    int code = 0;
    PCRE2_SIZE at = 0;
    g->re =
        pcre2_compile((PCRE2_SPTR)g->key.ptr, g->key.len, COMPILE_OPTIONS, &code, &at, cw->cctx);
    if (!g->re) {
        if (code == PCRE2_ERROR_NOMEMORY || code == PCRE2_ERROR_HEAP_FAILED)
            return iaf_error_set(err, IAF_ERR_NOMEM, cw->file, g->line, 0, "out of memory");
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(code, msg, sizeof msg) < 0) strcpy((char *)msg, "error");
        return iaf_error_set(err, IAF_ERR_PARSE, cw->file, g->line, 0,
                             "bad regex '%.*s': %s (at byte %zu of the pattern)",
                             iaf_sv_shown(g->key), g->key.ptr, (const char *)msg, (size_t)at + 1);
    }
    size_t size = 0;
    uint32_t ncap = 0;
    if (pcre2_pattern_info(g->re, PCRE2_INFO_SIZE, &size) != 0 ||
        pcre2_pattern_info(g->re, PCRE2_INFO_CAPTURECOUNT, &ncap) != 0)
        return iaf_error_set(err, IAF_ERR_PARSE, cw->file, g->line, 0, "bad regex '%.*s'",
                             iaf_sv_shown(g->key), g->key.ptr);
    if (size > MAX_COMPILED)
        return iaf_error_set(
            err, IAF_ERR_LIMIT, cw->file, g->line, 0,
            "bad regex '%.*s': compiles to %zu bytes, above the limit of " MAX_COMPILED_TEXT
            " (bounded repetitions multiply the size)",
            iaf_sv_shown(g->key), g->key.ptr, size);
    int user_groups = (int)ncap;
    for (size_t i = 0; i < g->n; i++) {
        cw_target *t = &cw->targets[g->first + i];
        int hi = max_backref(t->to);
        /* any backslash means the template must be expanded (`\\` too) */
        t->has_backref = t->to.len > 0 && memchr(t->to.ptr, '\\', t->to.len) != NULL;
        if (hi > user_groups)
            return iaf_error_set(err, IAF_ERR_PARSE, cw->file, t->line, 0,
                                 "`to` '%.*s' refers to group \\%d but pattern '%.*s' has %d",
                                 iaf_sv_shown(t->to), t->to.ptr, hi, iaf_sv_shown(g->key),
                                 g->key.ptr, user_groups);
    }
    return IAF_OK;
}

static iaf_status build(iaf_crosswalk *cw, iaf_error *err)
{
    iaf_csv_table *t = cw->table;
    iaf_status st = IAF_OK;
    size_t *gid = NULL, *fill_exact = NULL, *fill_regex = NULL;
    uint8_t *is_regex = NULL;
    double *weight = NULL;
    size_t cap_exact = 0, cap_regex = 0;

    int c_from = iaf_csv_table_col(t, "from"), c_to = iaf_csv_table_col(t, "to");
    int c_weight = iaf_csv_table_col(t, "weight"), c_match = iaf_csv_table_col(t, "match");
    if (c_from < 0 || c_to < 0)
        return iaf_error_set(err, IAF_ERR_PARSE, cw->file, 0, 0,
                             "a crosswalk needs the columns `from` and `to`");
    for (size_t c = 0; c < t->ncols; c++) {
        iaf_sv h = t->header[c];
        if (!sv_eq(h, "from") && !sv_eq(h, "to") && !sv_eq(h, "weight") && !sv_eq(h, "match") &&
            !sv_eq(h, "note"))
            return iaf_error_set(err, IAF_ERR_PARSE, cw->file, 0, 0,
                                 "unknown crosswalk column '%.*s' (allowed: from, to, weight, "
                                 "match, note)",
                                 iaf_sv_shown(h), h.ptr);
    }
    cw->nrows = t->nrows;
    gid = iaf_calloc(t->nrows, sizeof *gid);
    is_regex = iaf_calloc(t->nrows, sizeof *is_regex);
    weight = iaf_calloc(t->nrows, sizeof *weight);
    cw->targets = iaf_calloc(t->nrows, sizeof *cw->targets);
    if (!gid || !is_regex || !weight || !cw->targets) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, cw->file, 0, 0, "out of memory");
        goto cleanup;
    }

    /* pass 1: validate each row on its own and find its group */
    for (size_t r = 0; r < t->nrows; r++) {
        long long line = t->line[r];
        iaf_sv from = iaf_csv_cell(t, r, (size_t)c_from);
        iaf_sv match = c_match >= 0 ? iaf_csv_cell(t, r, (size_t)c_match) : (iaf_sv){"", 0};
        if (match.len == 0 || sv_eq(match, "exact")) {
            is_regex[r] = 0;
        } else if (sv_eq(match, "regex")) {
            is_regex[r] = 1;
        } else {
            st = iaf_error_set(err, IAF_ERR_PARSE, cw->file, line, 0,
                               "match must be 'exact' or 'regex', not '%.*s'", iaf_sv_shown(match),
                               match.ptr);
            goto cleanup;
        }
        if (from.len == 0) {
            st = iaf_error_set(err, IAF_ERR_PARSE, cw->file, line, 0, "empty `from`");
            goto cleanup;
        }
        weight[r] = 1;
        iaf_sv w = c_weight >= 0 ? iaf_csv_cell(t, r, (size_t)c_weight) : (iaf_sv){"", 0};
        if (w.len > 0) {
            if (!iaf_parse_double(w, &weight[r])) {
                st = iaf_error_set(err, IAF_ERR_PARSE, cw->file, line, 0,
                                   "weight '%.*s' is not a number", iaf_sv_shown(w), w.ptr);
                goto cleanup;
            }
            if (!(weight[r] > 0 && weight[r] <= 1)) {
                st = iaf_error_set(err, IAF_ERR_INVALID, cw->file, line, 0,
                                   "weight %.*s is outside (0, 1]", iaf_sv_shown(w), w.ptr);
                goto cleanup;
            }
        }
        if (is_regex[r])
            st = add_row_to_group(&cw->regex_index, &cw->regex, &cw->nregex, &cap_regex, from, line,
                                  &gid[r]);
        else
            st = add_row_to_group(&cw->exact_index, &cw->exact, &cw->nexact, &cap_exact, from, line,
                                  &gid[r]);
        if (st != IAF_OK) {
            st = iaf_error_set(err, st, cw->file, line, 0, "out of memory");
            goto cleanup;
        }
    }

    /* pass 2: lay the targets out group by group (exact groups first), in file order */
    fill_exact = iaf_calloc(cw->nexact, sizeof *fill_exact);
    fill_regex = iaf_calloc(cw->nregex, sizeof *fill_regex);
    if (!fill_exact || !fill_regex) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, cw->file, 0, 0, "out of memory");
        goto cleanup;
    }
    size_t at = 0;
    for (size_t g = 0; g < cw->nexact; g++) {
        cw->exact[g].first = at;
        at += cw->exact[g].n;
    }
    for (size_t g = 0; g < cw->nregex; g++) {
        cw->regex[g].first = at;
        at += cw->regex[g].n;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        cw_group *g = is_regex[r] ? &cw->regex[gid[r]] : &cw->exact[gid[r]];
        size_t *fill = is_regex[r] ? &fill_regex[gid[r]] : &fill_exact[gid[r]];
        cw_target *tg = &cw->targets[g->first + (*fill)++];
        tg->to = iaf_csv_cell(t, r, (size_t)c_to);
        tg->weight = weight[r];
        tg->line = t->line[r];
    }

    /* pass 3: group rules, reported in the order the groups first appear */
    for (size_t r = 0; r < t->nrows; r++) {
        cw_group *g = is_regex[r] ? &cw->regex[gid[r]] : &cw->exact[gid[r]];
        if (g->line != t->line[r]) continue; /* not the group's first row */
        st = check_group(cw, g, is_regex[r], err);
        if (st == IAF_OK && is_regex[r]) st = compile_group(cw, g, err);
        if (st != IAF_OK) goto cleanup;
        g->dropped = g->n == 1 && cw->targets[g->first].to.len == 0;
    }
cleanup:
    iaf_free(gid);
    iaf_free(is_regex);
    iaf_free(weight);
    iaf_free(fill_exact);
    iaf_free(fill_regex);
    return st;
}

static iaf_status finish_load(iaf_crosswalk *cw, iaf_csv_table *table, iaf_crosswalk **out,
                              iaf_error *err)
{
    cw->table = table;
    iaf_status st = build(cw, err);
    if (st != IAF_OK) {
        iaf_crosswalk_free(cw);
        return st;
    }
    *out = cw;
    return IAF_OK;
}

static iaf_crosswalk *new_crosswalk(const char *name)
{
    iaf_crosswalk *cw = iaf_calloc(1, sizeof *cw);
    if (!cw) return NULL;
    cw->file = iaf_strdup(name);
    if (!cw->file) {
        iaf_free(cw);
        return NULL;
    }
    return cw;
}

static const iaf_csv_options CSV_OPTIONS = {.delimiter = ',', .comments = 1};

iaf_status iaf_crosswalk_load(const char *path, iaf_crosswalk **out, iaf_error *err)
{
    if (out) *out = NULL;
    if (!path || !out)
        return iaf_error_set(err, IAF_ERR_INVALID, path, 0, 0, "no crosswalk file given");
    iaf_csv_table *table = NULL;
    iaf_status st = iaf_csv_table_read(path, &CSV_OPTIONS, &table, err);
    if (st != IAF_OK) return st;
    iaf_crosswalk *cw = new_crosswalk(path);
    if (!cw) {
        iaf_csv_table_free(table);
        return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    return finish_load(cw, table, out, err);
}

iaf_status iaf_crosswalk_load_memory(const void *data, size_t n, const char *name,
                                     iaf_crosswalk **out, iaf_error *err)
{
    if (out) *out = NULL;
    if (!name) name = "<memory>";
    if ((!data && n) || !out)
        return iaf_error_set(err, IAF_ERR_INVALID, name, 0, 0, "no crosswalk data given");
    iaf_csv_table *table = NULL;
    iaf_status st = iaf_csv_table_read_memory(data ? data : "", n, name, &CSV_OPTIONS, &table, err);
    if (st != IAF_OK) return st;
    iaf_crosswalk *cw = new_crosswalk(name);
    if (!cw) {
        iaf_csv_table_free(table);
        return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    return finish_load(cw, table, out, err);
}

/* Expand a `to` template with the groups of the last match into cw->scratch; returns the
 * cached (stable) view, or a view with ptr NULL when out of memory. */
static iaf_sv substitute(iaf_crosswalk *cw, iaf_sv to, const PCRE2_SIZE *ov, uint32_t nov)
{
    iaf_buf *b = &cw->scratch;
    const char *subj = cw->subject.data;
    b->len = 0;
    for (size_t i = 0; i < to.len; i++) {
        int ok;
        if (to.ptr[i] == '\\' && i + 1 < to.len) {
            char c = to.ptr[++i];
            if (c >= '0' && c <= '9') {
                /* group k is pair k of the match; \0 is the label; a group that took no part
                 * (or beyond the pairs filled) is empty */
                uint32_t k = (uint32_t)(c - '0');
                ok = k >= nov || ov[2 * k] == PCRE2_UNSET ||
                     iaf_buf_append(b, subj + ov[2 * k], ov[2 * k + 1] - ov[2 * k]) == 0;
            } else {
                ok = c == '\\' ? iaf_buf_append(b, "\\", 1) == 0
                               : iaf_buf_append(b, to.ptr + i - 1, 2) == 0;
            }
        } else {
            ok = iaf_buf_append(b, to.ptr + i, 1) == 0;
        }
        if (!ok) return (iaf_sv){NULL, 0};
    }
    int64_t id = iaf_strmap_intern(&cw->cache, b->len ? b->data : "", b->len);
    if (id < 0) return (iaf_sv){NULL, 0};
    return iaf_strmap_get(&cw->cache, (size_t)id);
}

static size_t emit(const iaf_crosswalk *cw, const cw_group *g, iaf_sv *targets, double *weights,
                   size_t max, int *dropped)
{
    if (g->dropped) {
        if (dropped) *dropped = 1;
        return 0;
    }
    size_t k = IAF_MIN(g->n, max);
    for (size_t i = 0; i < k; i++) {
        targets[i] = cw->targets[g->first + i].to;
        if (weights) weights[i] = cw->targets[g->first + i].weight;
    }
    return k;
}

size_t iaf_crosswalk_map(iaf_crosswalk *cw, iaf_sv label, iaf_sv *targets, double *weights,
                         size_t max, int *dropped)
{
    if (dropped) *dropped = 0;
    if (!cw || !label.ptr) return 0;
    int64_t id = iaf_strmap_find(&cw->exact_index, label.ptr, label.len);
    if (id >= 0) return emit(cw, &cw->exact[id], targets, weights, max, dropped);
    if (cw->nregex == 0 || memchr(label.ptr, '\0', label.len)) return 0;

    if (cw->map_status != IAF_OK) return 0; /* a limit was hit: see iaf_crosswalk_status */

    cw->subject.len = 0;
    if (iaf_buf_append(&cw->subject, label.ptr, label.len) != 0) goto oom;
    const cw_group *hit = NULL;
    for (size_t g = 0; g < cw->nregex && !hit; g++) {
        int rc = pcre2_match(cw->regex[g].re, (PCRE2_SPTR)cw->subject.data, label.len, 0, 0, cw->md,
                             cw->mctx);
        if (rc >= 0) {
            hit = &cw->regex[g];
        } else if (rc != PCRE2_ERROR_NOMATCH) {
            const char *limit =
                rc == PCRE2_ERROR_MATCHLIMIT   ? "the match limit (" MATCH_LIMIT_TEXT ")"
                : rc == PCRE2_ERROR_DEPTHLIMIT ? "the depth limit (" DEPTH_LIMIT_TEXT ")"
                : rc == PCRE2_ERROR_HEAPLIMIT  ? "the heap limit (" HEAP_LIMIT_TEXT ")"
                                               : NULL;
            if (rc == PCRE2_ERROR_NOMEMORY) goto oom;
            PCRE2_UCHAR msg[256];
            if (!limit && pcre2_get_error_message(rc, msg, sizeof msg) < 0)
                strcpy((char *)msg, "error");
            cw->map_status =
                iaf_error_set(&cw->map_err, IAF_ERR_LIMIT, cw->file, cw->regex[g].line, 0,
                              "regex '%.*s' %s%s on label '%.*s' (%zu bytes)",
                              iaf_sv_shown(cw->regex[g].key), cw->regex[g].key.ptr,
                              limit ? "exceeded " : "failed: ", limit ? limit : (const char *)msg,
                              iaf_sv_shown(label), label.ptr, label.len);
            return 0;
        }
    }
    if (!hit) return 0;
    if (hit->dropped) {
        if (dropped) *dropped = 1;
        return 0;
    }
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(cw->md);
    uint32_t nov = pcre2_get_ovector_count(cw->md);
    size_t k = IAF_MIN(hit->n, max);
    for (size_t i = 0; i < k; i++) {
        const cw_target *t = &cw->targets[hit->first + i];
        iaf_sv to = t->has_backref ? substitute(cw, t->to, ov, nov) : t->to;
        if (!to.ptr) goto oom; /* report the failure rather than half a split */
        targets[i] = to;
        if (weights) weights[i] = t->weight;
    }
    return k;
oom:
    cw->map_status = iaf_error_set(&cw->map_err, IAF_ERR_NOMEM, cw->file, 0, 0, "out of memory");
    return 0;
}

iaf_status iaf_crosswalk_status(const iaf_crosswalk *cw, iaf_error *err)
{
    if (!cw || cw->map_status == IAF_OK) return IAF_OK;
    if (err) *err = cw->map_err;
    return cw->map_status;
}
