/* src/report/cells.c - cells.csv from report.json; see html.h.
 *
 * Columns: check, kind, variant (empty for the check's own comparison),
 * x_attribute, x, y_attribute, y (empty for one-attribute checks), state,
 * synthetic_share, reference_share, diff_pp, diff_pp_lo, diff_pp_hi.
 * Numbers are written in the shortest form that reads back to the same
 * double, so pandas or DuckDB see exactly the values of report.json;
 * undefined values and missing categories are empty fields. */
#include <math.h>
#include <string.h>

#include "report/csvout.h"
#include "report/html.h"
#include "report/rview.h"

static void field(iaf_buf *b, const char *s, int *oom)
{
    if (iaf_csv_put(b, s, s ? strlen(s) : 0) != 0) *oom = 1;
}

static void num_field(iaf_buf *b, double v)
{
    if (!isfinite(v)) return;
    char t[40];
    size_t n = iaf_fmt_f64(t, v);
    iaf_rv_append(b, t, n);
}

static void cells_rows(iaf_buf *b, const json_t *chk, const json_t *comp, const char *variant,
                       const json_t *cells, int *oom)
{
    const char *ax, *ay;
    iaf_rv_attr_names(comp, &ax, &ay);
    if (!ax) iaf_rv_attr_names(chk, &ax, &ay);
    size_t i;
    json_t *cell;
    json_array_foreach(cells, i, cell)
    {
        int has_y = json_object_get(cell, "y") != NULL;
        field(b, iaf_rv_str(chk, "id"), oom);
        iaf_rv_puts(b, ",");
        field(b, iaf_rv_str(chk, "kind"), oom);
        iaf_rv_puts(b, ",");
        field(b, variant, oom);
        iaf_rv_puts(b, ",");
        field(b, ax, oom);
        iaf_rv_puts(b, ",");
        field(b, iaf_rv_str(cell, "x"), oom);
        iaf_rv_puts(b, ",");
        field(b, has_y ? ay : NULL, oom);
        iaf_rv_puts(b, ",");
        field(b, iaf_rv_str(cell, "y"), oom);
        iaf_rv_puts(b, ",");
        field(b, iaf_rv_str(cell, "state"), oom);
        iaf_rv_puts(b, ",");
        double s = iaf_rv_numv(cell, "synthetic_share"), r = iaf_rv_numv(cell, "reference_share");
        double d, lo, hi;
        if (!iaf_rv_num(cell, "diff_pp", &d)) d = (s - r) * 100;
        if (!iaf_rv_interval(cell, "diff_pp", &lo, &hi) && !iaf_rv_interval(cell, "diff", &lo, &hi))
            lo = hi = NAN;
        num_field(b, s);
        iaf_rv_puts(b, ",");
        num_field(b, r);
        iaf_rv_puts(b, ",");
        num_field(b, d);
        iaf_rv_puts(b, ",");
        num_field(b, lo);
        iaf_rv_puts(b, ",");
        num_field(b, hi);
        iaf_rv_puts(b, "\n");
    }
}

/* A flattening check compares, per category of the domain (the second
 * attribute), the focal group's share within the category: x is the
 * category, y the focal group, the shares are f_s and f_r, and the state
 * says whether the reference makes the category dominated. */
static void flat_rows(iaf_buf *b, const json_t *chk, const json_t *comp, const char *variant,
                      const json_t *fl, int *oom)
{
    const char *ag, *ad;
    iaf_rv_attr_names(comp, &ag, &ad);
    if (!ag) iaf_rv_attr_names(chk, &ag, &ad);
    const char *focal = iaf_rv_str(chk, "focal");
    json_t *rows = iaf_rv_arr(fl, "categories");
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        int dom, has = iaf_rv_bool(row, "dominated", &dom);
        double fs = iaf_rv_numv(row, "f_s"), fr = iaf_rv_numv(row, "f_r");
        field(b, iaf_rv_str(chk, "id"), oom);
        iaf_rv_puts(b, ",");
        field(b, iaf_rv_str(chk, "kind"), oom);
        iaf_rv_puts(b, ",");
        field(b, variant, oom);
        iaf_rv_puts(b, ",");
        field(b, ad, oom);
        iaf_rv_puts(b, ",");
        field(b, iaf_rv_str(row, "category"), oom);
        iaf_rv_puts(b, ",");
        field(b, ag, oom);
        iaf_rv_puts(b, ",");
        field(b, focal, oom);
        iaf_rv_puts(b, ",");
        field(b, has ? (dom ? "dominated" : "not_dominated") : NULL, oom);
        iaf_rv_puts(b, ",");
        num_field(b, fs);
        iaf_rv_puts(b, ",");
        num_field(b, fr);
        iaf_rv_puts(b, ",");
        num_field(b, (fs - fr) * 100);
        iaf_rv_puts(b, ",,\n");
    }
}

iaf_status iaf_report_cells_csv(const iaf_report_model *m, iaf_buf *out, iaf_error *err)
{
    iaf_status st = IAF_OK;
    iaf_rv_oom_reset();
    int oom = 0;
    iaf_rv_puts(out, "check,kind,variant,x_attribute,x,y_attribute,y,state,synthetic_share,"
                     "reference_share,diff_pp,diff_pp_lo,diff_pp_hi\n");
    for (size_t i = 0; i < m->nchecks; i++) {
        const json_t *chk = m->checks[i];
        json_t *cells = iaf_rv_arr(iaf_rv_obj(chk, "metrics"), "cells");
        if (cells) cells_rows(out, chk, chk, NULL, cells, &oom);
        /* variants that carry their own comparison */
        json_t *vs = iaf_rv_arr(chk, "variants");
        size_t nv = vs ? json_array_size(vs) : 0, j;
        json_t *v;
        json_array_foreach(vs, j, v)
        {
            json_t *vc = iaf_rv_arr(v, "cells");
            if (!vc) vc = iaf_rv_arr(iaf_rv_obj(v, "metrics"), "cells");
            /* one unnamed variant is the check itself */
            const char *name = iaf_rv_str(v, "name");
            if (!name && nv > 1) name = "";
            if (vc) cells_rows(out, chk, v, name, vc, &oom);
            json_t *fl = iaf_rv_obj(v, "flattening");
            if (fl) flat_rows(out, chk, v, name, fl, &oom);
        }
        json_t *fl = iaf_rv_obj(chk, "flattening");
        if (fl) flat_rows(out, chk, chk, NULL, fl, &oom);
    }
    if (oom || iaf_rv_oom_failed())
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory writing cells.csv");
    return st;
}
