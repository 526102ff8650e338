/* src/core/xwclass.c - the crosswalk builder's inputs (see xwbuild.h): the official
 * classification (codes, titles, levels by code length; titles indexed as written and
 * normalised) and the dataset's values with their mass.
 *
 * The classification keeps its CSV table alive, so codes and titles are views into it.
 * Titles are indexed twice (as written and normalised); each index maps a title to a
 * chain of rows in file order, so a title listed at several codes finds all of them.
 */
#include "core/xwbuild_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/file.h"
#include "util/checked.h"
#include "util/util.h"

/* ======================================================================================
 * Classification
 * ====================================================================================== */
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
                                     iaf_sv_shown(x->code), x->code.ptr, x->code.len);
            if (clevel >= 0) {
                iaf_sv nm = iaf_csv_cell(t, r, (size_t)clevel);
                if (!iaf_sv_eq_str(nm, c->level_name[l]))
                    return iaf_error_set(err, IAF_ERR_INVALID, c->file, x->line, 0,
                                         "code '%.*s' is at level '%.*s' but its length says "
                                         "'%s'",
                                         iaf_sv_shown(x->code), x->code.ptr, iaf_sv_shown(nm),
                                         nm.ptr, c->level_name[l]);
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
                                     c->codes[name_level[l]].line, x->code.len,
                                     iaf_sv_shown(x->code), x->code.ptr);
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
                                 iaf_sv_shown(x->code), x->code.ptr, first->line);
        if (iaf_buf_printf(&c->dups, "%s%.*s (lines %lld, %lld)", c->dups.len ? "; " : "",
                           iaf_sv_shown(x->code), x->code.ptr, first->line, x->line) != 0)
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
                                     "count '%.*s' is not a number >= 0", iaf_sv_shown(cs), cs.ptr);
            /* bounded like count tables, so that shares of the total exist */
            total += m;
            if (!iaf_count_ok(m) || !(total <= IAF_MAX_COUNT))
                return iaf_error_set(err, IAF_ERR_PARSE, t->file, t->line[r] - line_shift, 0,
                                     "count '%.*s': %s above " IAF_MAX_COUNT_TEXT, iaf_sv_shown(cs),
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
