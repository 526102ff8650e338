/* src/io/counts.c - long and wide count tables, see counts.h. */
#include "io/counts.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/csv.h"
#include "io/file.h"
#include "util/checked.h"
#include "util/util.h"

static const char *const value_names[] = {"count", "share", "n", "value", "weight", "freq"};

static int is_meta(iaf_sv h)
{
    static const char *const meta[] = {"se", "moe", "state", "note", "notes", "source"};
    for (size_t i = 0; i < IAF_ARRAY_LEN(meta); i++)
        if (iaf_sv_eq_str(h, meta[i])) return 1;
    return 0;
}

static int find_col(const iaf_csv_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (iaf_sv_eq_str(t->header[i], name)) return (int)i;
    return -1;
}

static int value_col_index(const iaf_csv_table *t, const iaf_counts_options *o)
{
    if (o && o->value_col) return find_col(t, o->value_col);
    for (size_t i = 0; i < IAF_ARRAY_LEN(value_names); i++) {
        int k = find_col(t, value_names[i]);
        if (k >= 0) return k;
    }
    return -1;
}

/* Parse a value cell. Returns 1 number, 2 suppressed, 0 invalid. */
static int parse_value(iaf_sv s, double *v)
{
    size_t i = 0, j = s.len;
    while (i < j && isspace((unsigned char)s.ptr[i]))
        i++;
    while (j > i && isspace((unsigned char)s.ptr[j - 1]))
        j--;
    iaf_sv t = {s.ptr + i, j - i};
    if (t.len == 1 && t.ptr[0] == '-') {
        *v = 0;
        return 1;
    }
    if (iaf_sv_eq_str(t, "x") || iaf_sv_eq_str(t, "X") || iaf_sv_eq_str(t, "..") ||
        iaf_sv_eq_str(t, "...") || iaf_sv_eq_str(t, "\xE2\x80\xA6") || iaf_sv_eq_str(t, "NA") ||
        iaf_sv_eq_str(t, "N/A"))
        return 2;
    if (iaf_parse_double(t, v)) return 1;
    /* thousands separators: 1,234,567(.89) */
    char tmp[64];
    size_t n = 0, digits_since = 0;
    int seen_comma = 0, in_frac = 0;
    for (size_t k = 0; k < t.len; k++) {
        char c = t.ptr[k];
        if (n + 1 >= sizeof tmp) return 0;
        if (c == ',' && !in_frac) {
            if ((seen_comma && digits_since != 3) ||
                (!seen_comma && (digits_since == 0 || digits_since > 3)))
                return 0;
            seen_comma = 1;
            digits_since = 0;
            continue;
        }
        if (c == '.')
            in_frac = 1;
        else if (isdigit((unsigned char)c) && !in_frac)
            digits_since++;
        tmp[n++] = c;
    }
    if (!seen_comma || digits_since != 3) {
        if (!(seen_comma && in_frac)) return 0;
    }
    tmp[n] = '\0';
    return iaf_parse_double((iaf_sv){tmp, n}, v) ? 1 : 0;
}

static int dropped(const iaf_counts_options *o, iaf_sv label)
{
    for (size_t i = 0; o && i < o->ndrop; i++)
        if (iaf_sv_eq_str(label, o->drop_labels[i])) return 1;
    return 0;
}

static iaf_status bad_cell(const iaf_csv_table *t, size_t row, size_t col, const char *what,
                           iaf_error *err)
{
    iaf_sv v = iaf_csv_cell(t, row, col);
    return iaf_error_set(err, IAF_ERR_PARSE, t->file, t->line[row], 0,
                         "column %zu ('%.*s'): %s: '%.*s'", col + 1, (int)t->header[col].len,
                         t->header[col].ptr, what, (int)IAF_MIN(v.len, 60), v.ptr);
}

/* A cell's value times the scale must be a count iaf accepts (at most
 * IAF_MAX_COUNT), and so must the running total of the table: then no sum
 * of cells downstream can overflow or lose integers. *total accumulates. */
static iaf_status check_value(const iaf_csv_table *t, size_t row, size_t col, double v,
                              double scale, double *total, iaf_error *err)
{
    double x = v * scale;
    if (!iaf_count_ok(x))
        return bad_cell(t, row, col,
                        scale != 1 ? "value times the scale is above " IAF_MAX_COUNT_TEXT
                                   : "value above " IAF_MAX_COUNT_TEXT,
                        err);
    *total += x;
    if (!(*total <= IAF_MAX_COUNT))
        return bad_cell(t, row, col, "the table's total passes " IAF_MAX_COUNT_TEXT " here", err);
    return IAF_OK;
}

static iaf_status read_long(const iaf_csv_table *t, const iaf_counts_options *o, int vcol,
                            iaf_table **out, iaf_error *err)
{
    int acols[16];
    const char *names[16];
    char *owned[16] = {0};
    size_t na = 0;
    iaf_status st = IAF_OK;
    iaf_table *tab = NULL;
    int secol = find_col(t, "se"), moecol = find_col(t, "moe"), stcol = find_col(t, "state");
    if (o && o->attrs && !o->long_all_columns) {
        if (o->nattrs > 16)
            return iaf_error_set(err, IAF_ERR_INVALID, t->file, 0, 0, "too many attributes");
        for (size_t i = 0; i < o->nattrs; i++) {
            acols[i] = find_col(t, o->attrs[i]);
            if (acols[i] < 0)
                return iaf_error_set(err, IAF_ERR_INVALID, t->file, 1, 0,
                                     "count table has no column '%s'", o->attrs[i]);
            names[i] = o->attrs[i];
        }
        na = o->nattrs;
    } else {
        for (size_t c = 0; c < t->ncols; c++) {
            if ((int)c == vcol || is_meta(t->header[c])) continue;
            if (na == 16) {
                st = iaf_error_set(err, IAF_ERR_INVALID, t->file, 1, 0,
                                   "too many attribute columns (at most 16)");
                goto done; /* frees the names taken so far */
            }
            if (!(owned[na] = iaf_strndup(t->header[c].ptr, t->header[c].len))) goto oom;
            names[na] = owned[na];
            acols[na++] = (int)c;
        }
        if (na == 0) {
            st = iaf_error_set(err, IAF_ERR_PARSE, t->file, 1, 0,
                               "count table has a value column but no attribute column");
            goto done;
        }
    }
    int shares = o && o->shares >= 0 ? o->shares : iaf_sv_eq_str(t->header[vcol], "share");
    if (!(tab = iaf_table_new(na, names, shares ? IAF_TABLE_SHARES : IAF_TABLE_COUNTS))) goto oom;
    double scale = o && o->scale > 0 ? o->scale : 1, total = 0;
    iaf_sv labels[16];
    for (size_t r = 0; r < t->nrows; r++) {
        int skip = 0;
        for (size_t i = 0; i < na; i++) {
            labels[i] = iaf_csv_cell(t, r, (size_t)acols[i]);
            if (dropped(o, labels[i])) skip = 1;
        }
        if (skip) continue;
        double v = 0, se = NAN;
        iaf_cell_state cs = IAF_CELL_OK;
        int pv = parse_value(iaf_csv_cell(t, r, (size_t)vcol), &v);
        if (pv == 0) {
            st = bad_cell(t, r, (size_t)vcol, "not a number", err);
            goto done;
        }
        if (pv == 2) cs = IAF_CELL_SUPPRESSED, v = 0;
        if (v < 0) {
            st = bad_cell(t, r, (size_t)vcol, "negative value", err);
            goto done;
        }
        if ((st = check_value(t, r, (size_t)vcol, v, scale, &total, err)) != IAF_OK) goto done;
        if (secol >= 0 || moecol >= 0) {
            int c = secol >= 0 ? secol : moecol;
            iaf_sv s = iaf_csv_cell(t, r, (size_t)c);
            if (s.len) {
                double x;
                if (parse_value(s, &x) != 1 || x < 0) {
                    st = bad_cell(t, r, (size_t)c, "not a non-negative number", err);
                    goto done;
                }
                if (!iaf_count_ok(x * scale)) {
                    st = bad_cell(t, r, (size_t)c, "above " IAF_MAX_COUNT_TEXT, err);
                    goto done;
                }
                se = (secol >= 0 ? x : x / 1.645) * scale;
            }
        }
        if (stcol >= 0) {
            iaf_sv s = iaf_csv_cell(t, r, (size_t)stcol);
            if (s.len == 0 || iaf_sv_eq_str(s, "ok")) {
            } else if (iaf_sv_eq_str(s, "suppressed")) {
                cs = IAF_CELL_SUPPRESSED;
            } else if (iaf_sv_eq_str(s, "structural_zero")) {
                cs = IAF_CELL_STRUCTURAL_ZERO;
            } else {
                st = bad_cell(t, r, (size_t)stcol,
                              "state must be ok, suppressed or structural_zero", err);
                goto done;
            }
        }
        int64_t n = -1;
        if (!shares && (iaf_count_to_i64(v * scale, &n) != 0 || fabs(v * scale - (double)n) > 1e-9))
            n = -1;
        if ((st = iaf_table_add(tab, labels, v * scale, n, 0, se, cs, err)) != IAF_OK) goto done;
    }
    st = iaf_table_finish(tab, err);
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, t->file, 0, 0, "out of memory");
done:
    for (size_t i = 0; i < 16; i++)
        iaf_free(owned[i]);
    if (st != IAF_OK) {
        iaf_table_free(tab);
        return st;
    }
    *out = tab;
    return IAF_OK;
}

static iaf_status read_wide(const iaf_csv_table *t, const iaf_counts_options *o, iaf_table **out,
                            iaf_error *err)
{
    char *n0 = NULL;
    const char *names[2];
    iaf_status st = IAF_OK;
    iaf_table *tab = NULL;
    if (t->ncols < 2)
        return iaf_error_set(
            err, IAF_ERR_PARSE, t->file, 1, 0,
            "a wide count table needs a label column and at least one value column");
    if (o && o->attrs && o->nattrs == 2) {
        names[0] = o->attrs[0];
        names[1] = o->attrs[1];
    } else if (o && o->attrs && o->nattrs == 1) {
        names[0] = o->attrs[0];
        names[1] = "column";
    } else {
        if (!(n0 = iaf_strndup(t->header[0].ptr, t->header[0].len))) goto oom;
        names[0] = n0[0] ? n0 : "row";
        names[1] = "column";
    }
    if (!(tab = iaf_table_new(2, names, o && o->shares == 1 ? IAF_TABLE_SHARES : IAF_TABLE_COUNTS)))
        goto oom;
    double scale = o && o->scale > 0 ? o->scale : 1, total = 0;
    for (size_t c = 1; c < t->ncols; c++)
        if (!dropped(o, t->header[c]) &&
            (st = iaf_table_add_category(tab, 1, t->header[c], err)) != IAF_OK)
            goto done;
    for (size_t r = 0; r < t->nrows; r++) {
        iaf_sv rl = iaf_csv_cell(t, r, 0);
        if (dropped(o, rl)) continue;
        if ((st = iaf_table_add_category(tab, 0, rl, err)) != IAF_OK) goto done;
        for (size_t c = 1; c < t->ncols; c++) {
            if (dropped(o, t->header[c])) continue;
            double v = 0;
            iaf_cell_state cs = IAF_CELL_OK;
            int pv = parse_value(iaf_csv_cell(t, r, c), &v);
            if (pv == 0) {
                st = bad_cell(t, r, c, "not a number", err);
                goto done;
            }
            if (pv == 2) cs = IAF_CELL_SUPPRESSED, v = 0;
            if (v < 0) {
                st = bad_cell(t, r, c, "negative value", err);
                goto done;
            }
            if ((st = check_value(t, r, c, v, scale, &total, err)) != IAF_OK) goto done;
            iaf_sv labels[2] = {rl, t->header[c]};
            int64_t n = -1;
            if (iaf_count_to_i64(v * scale, &n) != 0 || fabs(v * scale - (double)n) > 1e-9) n = -1;
            if ((st = iaf_table_add(tab, labels, v * scale, n, 0, NAN, cs, err)) != IAF_OK)
                goto done;
        }
    }
    st = iaf_table_finish(tab, err);
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, t->file, 0, 0, "out of memory");
done:
    iaf_free(n0);
    if (st != IAF_OK) {
        iaf_table_free(tab);
        return st;
    }
    *out = tab;
    return IAF_OK;
}

static iaf_status from_csv(iaf_csv_table *t, const iaf_counts_options *o, iaf_table **out,
                           iaf_error *err)
{
    int vcol = value_col_index(t, o);
    iaf_counts_form form = o ? o->form : IAF_COUNTS_AUTO;
    if (form == IAF_COUNTS_AUTO) form = vcol >= 0 ? IAF_COUNTS_LONG : IAF_COUNTS_WIDE;
    if (form == IAF_COUNTS_LONG) {
        if (vcol < 0)
            return iaf_error_set(err, IAF_ERR_PARSE, t->file, 1, 0,
                                 "long count table needs a value column (%s)",
                                 o && o->value_col ? o->value_col : "count, share, n or value");
        return read_long(t, o, vcol, out, err);
    }
    return read_wide(t, o, out, err);
}

static iaf_csv_options csv_opts(const iaf_counts_options *o)
{
    iaf_csv_options c;
    memset(&c, 0, sizeof c);
    if (o) {
        c.delimiter = o->delimiter;
        c.encoding = o->encoding;
        c.skip_lines = o->skip_lines;
    }
    return c;
}

iaf_status iaf_counts_read(const char *path, const iaf_counts_options *o, iaf_table **out,
                           iaf_error *err)
{
    *out = NULL;
    iaf_csv_options co = csv_opts(o);
    iaf_csv_table *t = NULL;
    iaf_status st = iaf_csv_table_read(path, &co, &t, err);
    if (st != IAF_OK) return st;
    st = from_csv(t, o, out, err);
    iaf_csv_table_free(t);
    return st;
}

iaf_status iaf_counts_read_memory(const void *data, size_t n, const char *name,
                                  const iaf_counts_options *o, iaf_table **out, iaf_error *err)
{
    *out = NULL;
    iaf_csv_options co = csv_opts(o);
    iaf_csv_table *t = NULL;
    iaf_status st = iaf_csv_table_read_memory(data, n, name, &co, &t, err);
    if (st != IAF_OK) return st;
    st = from_csv(t, o, out, err);
    iaf_csv_table_free(t);
    return st;
}

int iaf_counts_sniff(const char *path, const iaf_counts_options *o, iaf_error *err)
{
    iaf_csv_options co = csv_opts(o);
    iaf_csv_table *t = NULL;
    /* Only the head of the file: microdata may be gigabytes. */
    iaf_file *f = NULL;
    struct stat sb;
    /* not a file (a glob, a directory): the source layer says what it is */
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
    /* a file that cannot be opened now must not be taken for microdata */
    if (iaf_file_open(path, &f, err) != IAF_OK) return -1;
    size_t n = (size_t)IAF_MIN(iaf_file_size(f), 65536);
    int whole = n == iaf_file_size(f);
    char *head = iaf_malloc(n + 1);
    iaf_status rst = head ? iaf_file_pread(f, head, n, 0, err)
                          : iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    iaf_file_close(f);
    if (rst != IAF_OK) {
        iaf_free(head);
        return -1;
    }
    if (!whole) {
        while (n > 0 && head[n - 1] != '\n')
            n--;
    }
    iaf_status st = n ? iaf_csv_table_read_memory(head, n, path, &co, &t, NULL) : IAF_ERR_PARSE;
    if (st != IAF_OK) {
        iaf_free(head);
        if (st == IAF_ERR_NOMEM) iaf_error_set(err, st, path, 0, 0, "out of memory");
        return st == IAF_ERR_NOMEM ? -1 : 0;
    }
    int yes = 0;
    int vcol = value_col_index(t, o);
    if (vcol >= 0) {
        yes = 1;
        /* requested attributes must be columns of a long table */
        for (size_t i = 0; o && o->attrs && i < o->nattrs; i++)
            if (find_col(t, o->attrs[i]) < 0) yes = 0;
    } else if (t->nrows > 0 && t->ncols >= 2) {
        /* wide: every cell after the first column is a number */
        yes = 1;
        for (size_t r = 0; r < t->nrows && r < 50 && yes; r++)
            for (size_t c = 1; c < t->ncols && yes; c++) {
                double v;
                if (!parse_value(iaf_csv_cell(t, r, c), &v)) yes = 0;
            }
        for (size_t i = 0; yes && o && o->attrs && i < o->nattrs; i++)
            if (find_col(t, o->attrs[i]) >= 0 && i > 0) yes = 0;
    }
    iaf_csv_table_free(t);
    iaf_free(head);
    return yes;
}
