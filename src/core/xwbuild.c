/* src/core/xwbuild.c - crosswalk builder: title matching, roll-up by code prefix, rule
 * rows, composition, and the crosswalk / report / summary writers (see xwbuild.h).
 *
 * The classification keeps its CSV table alive, so codes and titles are views into it.
 * Titles are indexed twice (as written and normalised); each index maps a title to a
 * chain of rows in file order, so a title listed at several codes finds all of them.
 * A result copies every string it shows into its own arena: it outlives the
 * classification, the values and the crosswalks it was built from.
 */
#include "core/xwbuild.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "core/labels.h"
#include "io/csv.h"
#include "io/file.h"
#include "util/checked.h"
#include "util/util.h"

#define NONE SIZE_MAX

/* ======================================================================================
 * Normalisation
 * ====================================================================================== */

static int is_middle_dot(utf8proc_int32_t c)
{
    switch (c) {
    case 0x00B7: /* MIDDLE DOT */
    case 0x0387: /* GREEK ANO TELEIA (canonically U+00B7) */
    case 0x2027: /* HYPHENATION POINT */
    case 0x2219: /* BULLET OPERATOR, common in KSCO titles */
    case 0x22C5: /* DOT OPERATOR */
    case 0x318D: /* HANGUL LETTER ARAEA, typed as a dot on Korean keyboards */
    case 0x30FB: /* KATAKANA MIDDLE DOT */
    case 0xFF65: /* HALFWIDTH KATAKANA MIDDLE DOT */
        return 1;
    default:
        return 0;
    }
}

static int is_ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int iaf_xwb_normalize(const char *s, size_t n, iaf_buf *out)
{
    /* (1) middle dots; bytes that are not valid UTF-8 are copied as they are */
    iaf_buf dots = {0}, nf = {0};
    int rc = -1;
    if (iaf_buf_reserve(&dots, n + 1) != 0) goto done;
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &c);
        if (k > 0 && is_middle_dot(c)) {
            if (iaf_buf_append(&dots, "\xC2\xB7", 2) != 0) goto done;
        } else {
            size_t len = k > 0 ? (size_t)k : 1;
            if (iaf_buf_append(&dots, s + i, len) != 0) goto done;
        }
        i += k > 0 ? (size_t)k : 1;
    }
    /* (2) NFKC (utf8proc) */
    if (iaf_label_normalize(dots.data, dots.len, IAF_NORM_NFKC, &nf) != 0) goto done;
    /* (3) whitespace collapse and trim, (4) ASCII case fold */
    size_t start = out->len;
    int pending_space = 0;
    if (iaf_buf_reserve(out, nf.len + 1) != 0) goto done;
    for (size_t i = 0; i < nf.len; i++) {
        unsigned char c = (unsigned char)nf.data[i];
        if (is_ascii_space(c)) {
            pending_space = out->len > start;
            continue;
        }
        if (pending_space) out->data[out->len++] = ' ';
        pending_space = 0;
        out->data[out->len++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    out->data[out->len] = '\0';
    rc = 0;
done:
    iaf_buf_free(&dots);
    iaf_buf_free(&nf);
    return rc;
}

/* ======================================================================================
 * Word forms
 * ====================================================================================== */

static int ends_with(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(w + n - k, suf, k) == 0;
}

/* Length of the word w[0..n) without a regular English plural ending. */
static size_t singular_len(char *w, size_t n)
{
    if (n <= 3) return n;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] >= 0x80) return n;
    if (ends_with(w, n, "ies")) {
        w[n - 3] = 'y';
        return n - 2;
    }
    if (ends_with(w, n, "sses") || ends_with(w, n, "shes") || ends_with(w, n, "ches") ||
        ends_with(w, n, "xes") || ends_with(w, n, "zzes"))
        return n - 2;
    if (w[n - 1] == 's' && !ends_with(w, n, "ss") && !ends_with(w, n, "us") &&
        !ends_with(w, n, "is"))
        return n - 1;
    return n;
}

static int ignored(const char *w, size_t n, const char *const *ignore, size_t nignore)
{
    for (size_t i = 0; i < nignore; i++) {
        const char *g = ignore[i];
        size_t k = 0;
        while (k < n && g[k]) {
            unsigned char a = (unsigned char)w[k], b = (unsigned char)g[k];
            if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + ('a' - 'A'));
            if (a != b) break;
            k++;
        }
        if (k == n && !g[k]) return 1;
    }
    return 0;
}

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

int iaf_xwb_word_form(const char *s, size_t n, const char *const *ignore, size_t nignore,
                      iaf_buf *out)
{
    iaf_buf nb = {0};
    if (iaf_xwb_normalize(s, n, &nb) != 0) {
        iaf_buf_free(&nb);
        return -1;
    }
    size_t start = out->len;
    int rc = 0;
    for (size_t i = 0; i < nb.len && rc == 0;) {
        if (!is_word_byte((unsigned char)nb.data[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < nb.len && is_word_byte((unsigned char)nb.data[j]))
            j++;
        if (!ignored(nb.data + i, j - i, ignore, nignore)) {
            size_t len = singular_len(nb.data + i, j - i);
            if (out->len > start) rc = iaf_buf_puts(out, " ");
            if (rc == 0) rc = iaf_buf_append(out, nb.data + i, len);
        }
        i = j;
    }
    iaf_buf_free(&nb);
    return rc;
}

/* ======================================================================================
 * Classification
 * ====================================================================================== */

typedef struct xw_code {
    iaf_sv code, title;
    size_t level;
    long long line;
} xw_code;

typedef struct title_index {
    iaf_strmap map; /* title -> id */
    size_t *head;   /* id -> first row */
    size_t *next;   /* row -> next row with the same title */
} title_index;

struct iaf_xwb_class {
    char *file;
    iaf_csv_table *table;
    size_t n;
    xw_code *codes;
    size_t nlevels;
    char *level_name[IAF_XWB_MAX_LEVELS];
    size_t level_len[IAF_XWB_MAX_LEVELS];
    iaf_strmap code_index; /* distinct code -> id */
    size_t *code_row;      /* id -> first row with that code */
    title_index exact, norm;
    iaf_buf dups;
};

static void title_index_free(title_index *t)
{
    iaf_strmap_free(&t->map);
    iaf_free(t->head);
    iaf_free(t->next);
}

void iaf_xwb_class_free(iaf_xwb_class *c)
{
    if (!c) return;
    iaf_free(c->file);
    iaf_csv_table_free(c->table);
    iaf_free(c->codes);
    for (size_t i = 0; i < c->nlevels; i++)
        iaf_free(c->level_name[i]);
    iaf_strmap_free(&c->code_index);
    iaf_free(c->code_row);
    title_index_free(&c->exact);
    title_index_free(&c->norm);
    iaf_buf_free(&c->dups);
    iaf_free(c);
}

size_t iaf_xwb_class_ncodes(const iaf_xwb_class *c)
{
    return c ? c->n : 0;
}

size_t iaf_xwb_class_nlevels(const iaf_xwb_class *c)
{
    return c ? c->nlevels : 0;
}

const char *iaf_xwb_class_level_name(const iaf_xwb_class *c, size_t level)
{
    return c && level < c->nlevels ? c->level_name[level] : NULL;
}

size_t iaf_xwb_class_level_len(const iaf_xwb_class *c, size_t level)
{
    return c && level < c->nlevels ? c->level_len[level] : 0;
}

int iaf_xwb_class_level(const iaf_xwb_class *c, const char *name)
{
    if (!c || !name) return -1;
    for (size_t i = 0; i < c->nlevels; i++)
        if (!strcmp(c->level_name[i], name)) return (int)i;
    return -1;
}

const char *iaf_xwb_class_duplicates(const iaf_xwb_class *c)
{
    return c && c->dups.data ? c->dups.data : "";
}

/* Up to 60 bytes of a text for messages, cut on a character boundary. */
static int shown(iaf_sv s)
{
    size_t n = s.len;
    if (n > 60) {
        n = 60;
        while (n > 0 && ((unsigned char)s.ptr[n] & 0xC0) == 0x80)
            n--;
    }
    return (int)n;
}

/* Column by explicit name (must exist), else by default name, else the first column whose
 * name contains `part`. Returns the index or -1 (err filled). */
static int find_col(const iaf_csv_table *t, const char *given, const char *dflt, const char *part,
                    const char *what, iaf_error *err)
{
    if (given) {
        int i = iaf_csv_table_col(t, given);
        if (i < 0)
            iaf_error_set(err, IAF_ERR_INVALID, t->file, 1, 0, "no %s column '%s' in the header",
                          what, given);
        return i;
    }
    int i = iaf_csv_table_col(t, dflt);
    if (i >= 0 || !part) return i;
    for (size_t k = 0; k < t->ncols; k++)
        if (strstr(t->header[k].ptr, part)) return (int)k;
    iaf_error_set(err, IAF_ERR_INVALID, t->file, 1, 0,
                  "no %s column: name it (no column is called '%s' or contains '%s')", what, dflt,
                  part);
    return -1;
}

/* "major=1,sub_major=2": names and lengths, sorted by length into c. */
static iaf_status parse_levels(iaf_xwb_class *c, const char *spec, iaf_error *err)
{
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (!eq || eq == p)
            return iaf_error_set(err, IAF_ERR_INVALID, "--levels", 0, 0,
                                 "'%.*s': expected NAME=LENGTH", (int)len, p);
        char *stop;
        long v = strtol(eq + 1, &stop, 10); /* digits only: no sign or space */
        if (eq[1] < '0' || eq[1] > '9' || stop != p + len || v < 1 || v > 64)
            return iaf_error_set(err, IAF_ERR_INVALID, "--levels", 0, 0,
                                 "'%.*s': the code length must be 1..64", (int)len, p);
        if (c->nlevels == IAF_XWB_MAX_LEVELS)
            return iaf_error_set(err, IAF_ERR_LIMIT, "--levels", 0, 0, "more than %d levels",
                                 IAF_XWB_MAX_LEVELS);
        char *name = iaf_strndup(p, (size_t)(eq - p));
        if (!name) return iaf_error_set(err, IAF_ERR_NOMEM, "--levels", 0, 0, "out of memory");
        for (size_t i = 0; i < c->nlevels; i++)
            if (!strcmp(c->level_name[i], name) || c->level_len[i] == (size_t)v) {
                iaf_status st = iaf_error_set(err, IAF_ERR_INVALID, "--levels", 0, 0,
                                              "level '%s' repeats a name or a code length", name);
                iaf_free(name);
                return st;
            }
        c->level_name[c->nlevels] = name;
        c->level_len[c->nlevels++] = (size_t)v;
        p += len;
        if (*p == ',') p++;
    }
    if (c->nlevels == 0)
        return iaf_error_set(err, IAF_ERR_INVALID, "--levels", 0, 0, "no levels given");
    return IAF_OK;
}

static void sort_levels(iaf_xwb_class *c, size_t *perm)
{
    /* insertion sort of at most 16 levels by code length; perm[old] = new */
    size_t order[IAF_XWB_MAX_LEVELS];
    for (size_t i = 0; i < c->nlevels; i++)
        order[i] = i;
    for (size_t i = 1; i < c->nlevels; i++)
        for (size_t j = i; j > 0 && c->level_len[order[j - 1]] > c->level_len[order[j]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    char *names[IAF_XWB_MAX_LEVELS];
    size_t lens[IAF_XWB_MAX_LEVELS];
    for (size_t i = 0; i < c->nlevels; i++) {
        names[i] = c->level_name[order[i]];
        lens[i] = c->level_len[order[i]];
        perm[order[i]] = i;
    }
    memcpy(c->level_name, names, c->nlevels * sizeof *names);
    memcpy(c->level_len, lens, c->nlevels * sizeof *lens);
}

static iaf_status index_titles(iaf_xwb_class *c, title_index *ti, int normalized, iaf_error *err)
{
    ti->next = iaf_malloc((c->n + 1) * sizeof *ti->next);
    size_t cap = 0;
    iaf_buf nb = {0};
    if (!ti->next) goto oom;
    size_t *tail = NULL;
    size_t tcap = 0;
    for (size_t r = 0; r < c->n; r++) {
        iaf_sv key = c->codes[r].title;
        if (normalized) {
            nb.len = 0;
            if (iaf_xwb_normalize(key.ptr, key.len, &nb) != 0) goto oom_tail;
            key = (iaf_sv){nb.data ? nb.data : "", nb.len};
        }
        int64_t id = iaf_strmap_intern(&ti->map, key.ptr, key.len);
        if (id < 0) goto oom_tail;
        ti->next[r] = NONE;
        if ((size_t)id + 1 > cap) {
            size_t old = cap, old_t = tcap;
            if (IAF_GROW(ti->head, cap, (size_t)id + 1) != 0 ||
                IAF_GROW(tail, tcap, (size_t)id + 1) != 0)
                goto oom_tail;
            for (size_t k = old; k < cap; k++)
                ti->head[k] = NONE;
            for (size_t k = old_t; k < tcap; k++)
                tail[k] = NONE;
        }
        if (ti->head[id] == NONE)
            ti->head[id] = r;
        else
            ti->next[tail[id]] = r;
        tail[id] = r;
    }
    iaf_free(tail);
    iaf_buf_free(&nb);
    return IAF_OK;
oom_tail:
    iaf_free(tail);
oom:
    iaf_buf_free(&nb);
    return iaf_error_set(err, IAF_ERR_NOMEM, c->file, 0, 0, "out of memory");
}

static iaf_status class_from_table(iaf_xwb_class *c, const iaf_xwb_class_options *opt,
                                   iaf_error *err)
{
    const iaf_csv_table *t = c->table;
    iaf_xwb_class_options none;
    memset(&none, 0, sizeof none);
    if (!opt) opt = &none;
    int ccode = find_col(t, opt->code_col, "code", "code", "code", err);
    if (ccode < 0) return IAF_ERR_INVALID;
    int ctitle = find_col(t, opt->title_col, "title", "title", "title", err);
    if (ctitle < 0) return IAF_ERR_INVALID;
    int clevel = -1;
    if (opt->level_col) {
        clevel = find_col(t, opt->level_col, NULL, NULL, "level", err);
        if (clevel < 0) return IAF_ERR_INVALID;
    } else if (!opt->levels) {
        clevel = iaf_csv_table_col(t, "level");
        if (clevel < 0)
            return iaf_error_set(err, IAF_ERR_INVALID, c->file, 1, 0,
                                 "no level column: name it with --level-col or give the code "
                                 "lengths with --levels");
    }
    if (opt->levels) {
        iaf_status st = parse_levels(c, opt->levels, err);
        if (st != IAF_OK) return st;
    }
    c->n = t->nrows;
    if (c->n == 0) return iaf_error_set(err, IAF_ERR_INVALID, c->file, 0, 0, "no codes");
    c->codes = iaf_calloc(c->n, sizeof *c->codes);
    if (!c->codes) return iaf_error_set(err, IAF_ERR_NOMEM, c->file, 0, 0, "out of memory");
    /* level of each row: by code length (--levels) or by name (level column) */
    size_t name_level[IAF_XWB_MAX_LEVELS];
    for (size_t r = 0; r < c->n; r++) {
        xw_code *x = &c->codes[r];
        x->code = iaf_csv_cell(t, r, (size_t)ccode);
        x->title = iaf_csv_cell(t, r, (size_t)ctitle);
        x->line = t->line[r];
        if (x->code.len == 0 || x->title.len == 0)
            return iaf_error_set(err, IAF_ERR_INVALID, c->file, x->line, 0, "empty %s",
                                 x->code.len == 0 ? "code" : "title");
        if (opt->levels) {
            size_t l = 0;
            while (l < c->nlevels && c->level_len[l] != x->code.len)
                l++;
            if (l == c->nlevels)
                return iaf_error_set(err, IAF_ERR_INVALID, c->file, x->line, 0,
                                     "code '%.*s' has %zu characters, which no level in "
                                     "--levels has",
                                     shown(x->code), x->code.ptr, x->code.len);
            if (clevel >= 0) {
                iaf_sv nm = iaf_csv_cell(t, r, (size_t)clevel);
                if (!iaf_sv_eq_str(nm, c->level_name[l]))
                    return iaf_error_set(err, IAF_ERR_INVALID, c->file, x->line, 0,
                                         "code '%.*s' is at level '%.*s' but its length says "
                                         "'%s'",
                                         shown(x->code), x->code.ptr, shown(nm), nm.ptr,
                                         c->level_name[l]);
            }
            x->level = l;
        } else {
            iaf_sv nm = iaf_csv_cell(t, r, (size_t)clevel);
            if (nm.len == 0)
                return iaf_error_set(err, IAF_ERR_INVALID, c->file, x->line, 0, "empty level");
            size_t l = 0;
            while (l < c->nlevels && !iaf_sv_eq_str(nm, c->level_name[l]))
                l++;
            if (l == c->nlevels) {
                if (c->nlevels == IAF_XWB_MAX_LEVELS)
                    return iaf_error_set(err, IAF_ERR_LIMIT, c->file, x->line, 0,
                                         "more than %d levels", IAF_XWB_MAX_LEVELS);
                if (!(c->level_name[l] = iaf_strndup(nm.ptr, nm.len)))
                    return iaf_error_set(err, IAF_ERR_NOMEM, c->file, 0, 0, "out of memory");
                c->level_len[l] = x->code.len;
                name_level[l] = r;
                c->nlevels++;
            } else if (c->level_len[l] != x->code.len) {
                return iaf_error_set(err, IAF_ERR_INVALID, c->file, x->line, 0,
                                     "level '%s' has codes of %zu characters (line %lld) and "
                                     "of %zu ('%.*s'): codes must nest by prefix, or give "
                                     "--levels",
                                     c->level_name[l], c->level_len[l],
                                     c->codes[name_level[l]].line, x->code.len, shown(x->code),
                                     x->code.ptr);
            }
            x->level = l;
        }
    }
    if (!opt->levels)
        for (size_t a = 0; a < c->nlevels; a++)
            for (size_t b = a + 1; b < c->nlevels; b++)
                if (c->level_len[a] == c->level_len[b])
                    return iaf_error_set(err, IAF_ERR_INVALID, c->file, 0, 0,
                                         "levels '%s' and '%s' both have codes of %zu "
                                         "characters: codes must nest by prefix",
                                         c->level_name[a], c->level_name[b], c->level_len[a]);
    size_t perm[IAF_XWB_MAX_LEVELS];
    sort_levels(c, perm);
    for (size_t r = 0; r < c->n; r++)
        c->codes[r].level = perm[c->codes[r].level];

    /* code index; a code listed twice at one level is kept and reported */
    c->code_row = iaf_malloc((c->n + 1) * sizeof *c->code_row);
    if (!c->code_row) return iaf_error_set(err, IAF_ERR_NOMEM, c->file, 0, 0, "out of memory");
    for (size_t r = 0; r < c->n; r++) {
        const xw_code *x = &c->codes[r];
        size_t before = iaf_strmap_size(&c->code_index);
        int64_t id = iaf_strmap_intern(&c->code_index, x->code.ptr, x->code.len);
        if (id < 0) return iaf_error_set(err, IAF_ERR_NOMEM, c->file, 0, 0, "out of memory");
        if ((size_t)id == before) {
            c->code_row[id] = r;
            continue;
        }
        const xw_code *first = &c->codes[c->code_row[id]];
        if (first->level != x->level)
            return iaf_error_set(err, IAF_ERR_INVALID, c->file, x->line, 0,
                                 "code '%.*s' is listed at two levels (first on line %lld)",
                                 shown(x->code), x->code.ptr, first->line);
        if (iaf_buf_printf(&c->dups, "%s%.*s (lines %lld, %lld)", c->dups.len ? "; " : "",
                           shown(x->code), x->code.ptr, first->line, x->line) != 0)
            return iaf_error_set(err, IAF_ERR_NOMEM, c->file, 0, 0, "out of memory");
    }
    iaf_status st = index_titles(c, &c->exact, 0, err);
    if (st == IAF_OK) st = index_titles(c, &c->norm, 1, err);
    return st;
}

static iaf_status class_finish(iaf_xwb_class *c, iaf_status st, iaf_xwb_class **out)
{
    if (st != IAF_OK) {
        iaf_xwb_class_free(c);
        return st;
    }
    *out = c;
    return IAF_OK;
}

static iaf_xwb_class *class_new(const char *name)
{
    iaf_xwb_class *c = iaf_calloc(1, sizeof *c);
    if (c && !(c->file = iaf_strdup(name))) {
        iaf_free(c);
        c = NULL;
    }
    return c;
}

iaf_status iaf_xwb_class_load(const char *path, const iaf_xwb_class_options *opt,
                              iaf_xwb_class **out, iaf_error *err)
{
    *out = NULL;
    iaf_xwb_class *c = class_new(path);
    if (!c) return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    iaf_csv_options co;
    memset(&co, 0, sizeof co);
    co.comments = 1;
    iaf_status st = iaf_csv_table_read(path, &co, &c->table, err);
    if (st == IAF_OK) st = class_from_table(c, opt, err);
    return class_finish(c, st, out);
}

iaf_status iaf_xwb_class_load_memory(const void *data, size_t n, const char *name,
                                     const iaf_xwb_class_options *opt, iaf_xwb_class **out,
                                     iaf_error *err)
{
    *out = NULL;
    if (!name) name = "<memory>";
    iaf_xwb_class *c = class_new(name);
    if (!c) return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
    iaf_csv_options co;
    memset(&co, 0, sizeof co);
    co.comments = 1;
    iaf_status st = iaf_csv_table_read_memory(data, n, name, &co, &c->table, err);
    if (st == IAF_OK) st = class_from_table(c, opt, err);
    return class_finish(c, st, out);
}

/* ======================================================================================
 * Values
 * ====================================================================================== */

struct iaf_xwb_values {
    iaf_strmap labels; /* first appearance order */
    double *mass;
    size_t cap;
    int has_mass;
};

void iaf_xwb_values_free(iaf_xwb_values *v)
{
    if (!v) return;
    iaf_strmap_free(&v->labels);
    iaf_free(v->mass);
    iaf_free(v);
}

size_t iaf_xwb_values_count(const iaf_xwb_values *v)
{
    return v ? iaf_strmap_size(&v->labels) : 0;
}

static iaf_status values_from_table(iaf_xwb_values *v, const iaf_csv_table *t,
                                    const iaf_xwb_values_options *opt, long long line_shift,
                                    iaf_error *err)
{
    int ccount = -1, clabel = -1;
    if (opt->count_col) {
        ccount = iaf_csv_table_col(t, opt->count_col);
        if (ccount < 0)
            return iaf_error_set(err, IAF_ERR_INVALID, t->file, 1, 0,
                                 "no count column '%s' in the header", opt->count_col);
    } else if (!opt->no_header) {
        ccount = iaf_csv_table_col(t, "count");
    }
    if (opt->label_col) {
        clabel = iaf_csv_table_col(t, opt->label_col);
        if (clabel < 0)
            return iaf_error_set(err, IAF_ERR_INVALID, t->file, 1, 0,
                                 "no label column '%s' in the header", opt->label_col);
    } else {
        for (size_t k = 0; k < t->ncols && clabel < 0; k++)
            if ((int)k != ccount && !iaf_sv_eq_str(t->header[k], "share")) clabel = (int)k;
        if (clabel < 0)
            return iaf_error_set(err, IAF_ERR_INVALID, t->file, 1, 0,
                                 "no label column (every column is count or share)");
    }
    v->has_mass = ccount >= 0;
    double total = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        iaf_sv label = iaf_csv_cell(t, r, (size_t)clabel);
        double m = 0;
        if (ccount >= 0) {
            iaf_sv cs = iaf_csv_cell(t, r, (size_t)ccount);
            if (!iaf_parse_double(cs, &m) || !(m >= 0))
                return iaf_error_set(err, IAF_ERR_PARSE, t->file, t->line[r] - line_shift, 0,
                                     "count '%.*s' is not a number >= 0", shown(cs), cs.ptr);
            /* bounded like count tables, so that shares of the total exist */
            total += m;
            if (!iaf_count_ok(m) || !(total <= IAF_MAX_COUNT))
                return iaf_error_set(err, IAF_ERR_PARSE, t->file, t->line[r] - line_shift, 0,
                                     "count '%.*s': %s above " IAF_MAX_COUNT_TEXT, shown(cs),
                                     cs.ptr, iaf_count_ok(m) ? "the total passes" : "the count is");
        }
        size_t before = iaf_strmap_size(&v->labels);
        int64_t id = iaf_strmap_intern(&v->labels, label.ptr, label.len);
        if (id < 0) return iaf_error_set(err, IAF_ERR_NOMEM, t->file, 0, 0, "out of memory");
        if ((size_t)id == before) {
            if (IAF_GROW(v->mass, v->cap, before + 1) != 0)
                return iaf_error_set(err, IAF_ERR_NOMEM, t->file, 0, 0, "out of memory");
            v->mass[id] = 0;
        }
        v->mass[id] += m;
    }
    return IAF_OK;
}

static iaf_status values_load_bytes(const unsigned char *data, size_t n, const char *name,
                                    const iaf_xwb_values_options *opt, iaf_xwb_values **out,
                                    iaf_error *err)
{
    *out = NULL;
    iaf_xwb_values_options none;
    memset(&none, 0, sizeof none);
    if (!opt) opt = &none;
    iaf_xwb_values *v = iaf_calloc(1, sizeof *v);
    if (!v) return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
    iaf_csv_table *t = NULL;
    iaf_status st;
    long long shift = 0;
    if (opt->no_header) {
        /* A header line is made up so the CSV reader can be used; the byte-order mark
         * must go before it, and error lines shift back by one. */
        if (n >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) data += 3, n -= 3;
        iaf_buf b = {0};
        if (iaf_buf_puts(&b, "label\n") != 0 || iaf_buf_append(&b, data, n) != 0) {
            iaf_buf_free(&b);
            iaf_xwb_values_free(v);
            return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
        }
        st = iaf_csv_table_read_memory(b.data, b.len, name, NULL, &t, err);
        iaf_buf_free(&b);
        shift = 1;
        if (st != IAF_OK && err && err->line > 0) err->line--;
    } else {
        st = iaf_csv_table_read_memory(data, n, name, NULL, &t, err);
    }
    if (st == IAF_OK) st = values_from_table(v, t, opt, shift, err);
    iaf_csv_table_free(t);
    if (st != IAF_OK) {
        iaf_xwb_values_free(v);
        return st;
    }
    *out = v;
    return IAF_OK;
}

iaf_status iaf_xwb_values_load(const char *path, const iaf_xwb_values_options *opt,
                               iaf_xwb_values **out, iaf_error *err)
{
    *out = NULL;
    iaf_file *f = NULL;
    const unsigned char *data = NULL;
    iaf_status st = iaf_file_open(path, &f, err);
    if (st == IAF_OK && iaf_file_size(f) > 0) st = iaf_file_map(f, &data, err);
    if (st == IAF_OK)
        st = values_load_bytes(data ? data : (const unsigned char *)"", (size_t)iaf_file_size(f),
                               path, opt, out, err);
    iaf_file_close(f);
    return st;
}

iaf_status iaf_xwb_values_load_memory(const void *data, size_t n, const char *name,
                                      const iaf_xwb_values_options *opt, iaf_xwb_values **out,
                                      iaf_error *err)
{
    return values_load_bytes(data, n, name ? name : "<memory>", opt, out, err);
}

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

typedef struct xw_result {
    iaf_xwb_result pub; /* first: the public part */
    iaf_arena arena;
} xw_result;

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
                             shown(code), code.ptr, c->level_name[x->level], (int)len, code.ptr);
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
                                 shown(to), to.ptr, shown(label), label.ptr,
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
                             shown(to), to.ptr, shown(label), label.ptr, c->level_name[minlevel],
                             c->file);
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
                                 shown(code), code.ptr, shown(label), label.ptr);
    }
    if (dropped > 0 && q.n > 0)
        return iaf_error_set(x->err, IAF_ERR_INVALID, iaf_crosswalk_file(x->o->compose), 0, 0,
                             "label '%.*s': the compose file drops %.6g of its mass but maps the "
                             "rest; a crosswalk row cannot drop part of a label",
                             shown(label), label.ptr, dropped);
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
                                 shown(label), label.ptr, x->ncand, c->level_name[x->level]);
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
                             shown(k->code), k->code.ptr);
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

/* ======================================================================================
 * Writers
 * ====================================================================================== */

static int put_num(iaf_buf *b, double v)
{
    char num[40];
    size_t n = iaf_fmt_f64(num, v);
    return iaf_buf_append(b, num, n);
}

static int put_note(iaf_buf *b, const iaf_xwb_label *L)
{
    iaf_buf note = {0};
    int rc = iaf_buf_puts(&note, iaf_xwb_how_name(L->how));
    for (size_t i = 0; i < L->ncodes && rc == 0; i++)
        rc = iaf_buf_printf(&note, " %.*s", (int)L->codes[i].len, L->codes[i].ptr);
    if (rc == 0 && L->ambiguous) rc = iaf_buf_puts(&note, " ambiguous");
    if (rc == 0 && L->dropped) rc = iaf_buf_puts(&note, " dropped");
    if (rc == 0 && L->how == IAF_XWB_EXCLUDED) rc = iaf_buf_puts(&note, ": outside the universe");
    if (rc == 0) rc = iaf_csv_write_field(b, note.data ? note.data : "", note.len);
    iaf_buf_free(&note);
    return rc;
}

iaf_status iaf_xwb_write_crosswalk(const iaf_xwb_result *r, const char *preamble, iaf_buf *out,
                                   iaf_error *err)
{
    if (preamble) {
        size_t n = strlen(preamble);
        for (size_t i = 0; i < n;) {
            const char *nl = memchr(preamble + i, '\n', n - i);
            size_t len = nl ? (size_t)(nl - preamble - i) : n - i;
            if (len > 0 && preamble[i] != '#')
                return iaf_error_set(err, IAF_ERR_INVALID, "--preamble", 0, 0,
                                     "every preamble line must start with '#': '%.*s'",
                                     (int)IAF_MIN(len, 60), preamble + i);
            i += len + 1;
        }
        if (iaf_buf_puts(out, preamble) != 0) goto oom;
        if (n > 0 && preamble[n - 1] != '\n' && iaf_buf_puts(out, "\n") != 0) goto oom;
    }
    if (iaf_buf_puts(out, "from,to,weight,match,note\n") != 0) goto oom;
    for (size_t i = 0; i < r->nlabels; i++) {
        const iaf_xwb_label *L = &r->labels[i];
        if (L->how == IAF_XWB_UNMATCHED) continue;
        if (L->how == IAF_XWB_EXCLUDED && !r->drop_excluded) continue;
        int empty = L->dropped || L->how == IAF_XWB_EXCLUDED;
        size_t rows = empty ? 1 : L->ntargets;
        for (size_t t = 0; t < rows; t++) {
            int rc = iaf_csv_write_field(out, L->label.ptr, L->label.len);
            rc = rc || iaf_buf_puts(out, ",");
            if (!empty) {
                rc = rc || iaf_csv_write_field(out, L->targets[t].to.ptr, L->targets[t].to.len);
                rc = rc || iaf_buf_puts(out, ",");
                rc = rc || put_num(out, L->targets[t].weight);
            } else {
                rc = rc || iaf_buf_puts(out, ",");
            }
            rc = rc || iaf_buf_puts(out, ",exact,");
            rc = rc || put_note(out, L);
            rc = rc || iaf_buf_puts(out, "\n");
            if (rc) goto oom;
        }
    }
    return IAF_OK;
oom:
    return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

static int cmp_sv(const void *a, const void *b)
{
    return iaf_sv_cmp(*(const iaf_sv *)a, *(const iaf_sv *)b);
}

iaf_status iaf_xwb_write_targets(const iaf_xwb_result *r, iaf_buf *out, iaf_error *err)
{
    iaf_strmap ids;
    memset(&ids, 0, sizeof ids);
    double *mass = NULL;
    size_t *labels = NULL, cap = 0, cap2 = 0;
    iaf_sv *order = NULL;
    int rc = 0;
    for (size_t i = 0; i < r->nlabels && rc == 0; i++) {
        const iaf_xwb_label *L = &r->labels[i];
        for (size_t t = 0; t < L->ntargets && rc == 0; t++) {
            size_t before = iaf_strmap_size(&ids);
            int64_t id = iaf_strmap_intern(&ids, L->targets[t].to.ptr, L->targets[t].to.len);
            if (id < 0 || IAF_GROW(mass, cap, before + 1) != 0 ||
                IAF_GROW(labels, cap2, before + 1) != 0) {
                rc = -1;
                break;
            }
            if ((size_t)id == before) mass[id] = 0, labels[id] = 0;
            mass[id] += L->mass * L->targets[t].weight;
            labels[id]++;
        }
    }
    size_t n = iaf_strmap_size(&ids);
    if (rc == 0 && !(order = iaf_malloc((n + 1) * sizeof *order))) rc = -1;
    if (rc == 0) {
        for (size_t i = 0; i < n; i++)
            order[i] = iaf_strmap_get(&ids, i);
        qsort(order, n, sizeof *order, cmp_sv);
        rc = iaf_buf_puts(out, "to,mass,labels\n");
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t id = (size_t)iaf_strmap_find(&ids, order[i].ptr, order[i].len);
        rc = iaf_csv_write_field(out, order[i].ptr, order[i].len);
        rc = rc || iaf_buf_puts(out, ",");
        if (r->has_mass) rc = rc || put_num(out, mass[id]);
        rc = rc || iaf_buf_printf(out, ",%zu\n", labels[id]);
    }
    iaf_free(order);
    iaf_free(mass);
    iaf_free(labels);
    iaf_strmap_free(&ids);
    if (rc) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return IAF_OK;
}

static int cmp_report(const void *a, const void *b)
{
    const iaf_xwb_label *x = *(const iaf_xwb_label *const *)a;
    const iaf_xwb_label *y = *(const iaf_xwb_label *const *)b;
    if (x->mass != y->mass) return x->mass > y->mass ? -1 : 1;
    return iaf_sv_cmp(x->label, y->label);
}

static const char *report_status(const iaf_xwb_label *L)
{
    if (L->how == IAF_XWB_UNMATCHED) return "unmatched";
    if (L->how == IAF_XWB_EXCLUDED) return "excluded";
    if (L->dropped) return "dropped";
    if (L->ambiguous) return "ambiguous";
    return NULL;
}

iaf_status iaf_xwb_write_report(const iaf_xwb_result *r, iaf_buf *out, iaf_error *err)
{
    const iaf_xwb_label **idx = iaf_malloc((r->nlabels + 1) * sizeof *idx);
    if (!idx) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < r->nlabels; i++)
        if (report_status(&r->labels[i])) idx[n++] = &r->labels[i];
    qsort(idx, n, sizeof *idx, cmp_report);
    int rc = iaf_buf_puts(out, "label,status,count,share,detail\n");
    iaf_buf d = {0};
    for (size_t k = 0; k < n && rc == 0; k++) {
        const iaf_xwb_label *L = idx[k];
        rc = iaf_csv_write_field(out, L->label.ptr, L->label.len);
        rc = rc || iaf_buf_printf(out, ",%s,", report_status(L));
        if (r->has_mass) {
            rc = rc || put_num(out, L->mass);
            rc = rc || iaf_buf_puts(out, ",");
            rc = rc || put_num(out, r->total_mass > 0 ? L->mass / r->total_mass : 0);
        } else {
            rc = rc || iaf_buf_puts(out, ",");
        }
        rc = rc || iaf_buf_puts(out, ",");
        d.len = 0;
        if (L->how == IAF_XWB_UNMATCHED) {
            rc = rc || iaf_buf_append(&d, L->hint.ptr ? L->hint.ptr : "", L->hint.len);
        } else if (L->how == IAF_XWB_EXCLUDED) {
            rc = rc || iaf_buf_puts(&d, "excluded from the universe");
        } else {
            rc = rc || iaf_buf_printf(&d, "%s", iaf_xwb_how_name(L->how));
            for (size_t i = 0; i < L->ncodes && !rc; i++)
                rc = iaf_buf_printf(&d, " %.*s", (int)L->codes[i].len, L->codes[i].ptr);
            if (L->dropped)
                rc = rc || iaf_buf_puts(&d, "; dropped by an empty `to`");
            else if (L->split)
                rc = rc || iaf_buf_printf(&d, "; split equally over %zu targets", L->ntargets);
            else if (L->ambiguous)
                rc = rc || iaf_buf_puts(&d, "; same target after roll-up");
        }
        rc = rc || iaf_csv_write_field(out, d.data ? d.data : "", d.len);
        rc = rc || iaf_buf_puts(out, "\n");
    }
    iaf_buf_free(&d);
    iaf_free(idx);
    if (rc) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return IAF_OK;
}

iaf_status iaf_xwb_write_unreached(const iaf_xwb_class *c, const iaf_xwb_result *r, iaf_buf *out,
                                   iaf_error *err)
{
    int level = iaf_xwb_class_level(c, r->level_name);
    if (level < 0)
        return iaf_error_set(err, IAF_ERR_INVALID, c->file, 0, 0,
                             "the result was not built from this classification");
    size_t len = c->level_len[level];
    iaf_strmap reached;
    memset(&reached, 0, sizeof reached);
    int rc = 0;
    for (size_t i = 0; i < r->nlabels && rc == 0; i++) {
        const iaf_xwb_label *L = &r->labels[i];
        if (L->dropped) continue;
        for (size_t k = 0; k < L->ncodes && rc == 0; k++)
            if (L->codes[k].len >= len && iaf_strmap_intern(&reached, L->codes[k].ptr, len) < 0)
                rc = -1;
    }
    if (rc == 0) rc = iaf_buf_puts(out, "code,title\n");
    for (size_t i = 0; i < c->n && rc == 0; i++) {
        const xw_code *x = &c->codes[i];
        if (x->level != (size_t)level ||
            c->code_row[iaf_strmap_find(&c->code_index, x->code.ptr, x->code.len)] != i)
            continue; /* other levels, and a code's repeated rows */
        if (iaf_strmap_find(&reached, x->code.ptr, x->code.len) >= 0) continue;
        rc = iaf_csv_write_field(out, x->code.ptr, x->code.len);
        rc = rc || iaf_buf_puts(out, ",");
        rc = rc || iaf_csv_write_field(out, x->title.ptr, x->title.len);
        rc = rc || iaf_buf_puts(out, "\n");
    }
    iaf_strmap_free(&reached);
    if (rc) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return IAF_OK;
}

static int summary_line(iaf_buf *b, const iaf_xwb_result *r, const char *name, size_t n, double m)
{
    if (iaf_buf_printf(b, "  %-11s %7zu labels", name, n) != 0) return -1;
    if (r->has_mass) {
        char num[40];
        iaf_fmt_f64(num, m);
        if (iaf_buf_printf(b, "  mass %s (%.4f%%)", num,
                           r->total_mass > 0 ? 100.0 * m / r->total_mass : 0.0) != 0)
            return -1;
    }
    return iaf_buf_puts(b, "\n");
}

iaf_status iaf_xwb_write_summary(const iaf_xwb_result *r, iaf_buf *out, iaf_error *err)
{
    char num[40], num2[40], num3[40];
    int rc = 0;
    iaf_fmt_f64(num, r->total_mass);
    rc = iaf_buf_printf(out, "crosswalk to level %s: %zu labels%s%s\n", r->level_name, r->nlabels,
                        r->has_mass ? ", total mass " : "", r->has_mass ? num : "");
    static const iaf_xwb_how order[] = {IAF_XWB_EXACT,    IAF_XWB_NORMALIZED, IAF_XWB_WORDS,
                                        IAF_XWB_HEAD,     IAF_XWB_RULE,       IAF_XWB_EXCLUDED,
                                        IAF_XWB_UNMATCHED};
    for (size_t i = 0; i < IAF_ARRAY_LEN(order) && rc == 0; i++)
        if (r->word_matchers || (order[i] != IAF_XWB_WORDS && order[i] != IAF_XWB_HEAD))
            rc =
                summary_line(out, r, iaf_xwb_how_name(order[i]), r->n[order[i]], r->mass[order[i]]);
    if (rc == 0) rc = summary_line(out, r, "dropped", r->n_dropped, r->mass_dropped);
    if (rc == 0)
        rc = iaf_buf_printf(out,
                            "  (dropped: matched, then sent to an empty `to` by a rule or the "
                            "compose file)\n  ambiguous   %7zu labels (title at several codes), "
                            "%zu split across targets\n",
                            r->n_ambiguous, r->n_split);
    if (rc == 0 && r->has_mass) {
        double outside = r->total_mass - r->mass[IAF_XWB_EXCLUDED];
        iaf_fmt_f64(num, r->mass_mapped);
        iaf_fmt_f64(num2, outside);
        iaf_fmt_f64(num3, r->total_mass);
        rc = iaf_buf_printf(out, "mapped mass %s = %.4f%% of all %s", num,
                            r->total_mass > 0 ? 100.0 * r->mass_mapped / r->total_mass : 0.0, num3);
        if (rc == 0)
            rc = iaf_buf_printf(out, "; %.4f%% of the %s outside the exclusions\n",
                                outside > 0 ? 100.0 * r->mass_mapped / outside : 0.0, num2);
    } else if (rc == 0) {
        rc = iaf_buf_printf(out, "mapped labels: %zu of %zu\n",
                            r->n[IAF_XWB_EXACT] + r->n[IAF_XWB_NORMALIZED] + r->n[IAF_XWB_WORDS] +
                                r->n[IAF_XWB_HEAD] + r->n[IAF_XWB_RULE] - r->n_dropped,
                            r->nlabels);
    }
    if (rc) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return IAF_OK;
}
