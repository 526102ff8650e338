/* src/core/xwwrite.c - the crosswalk builder's outputs (see xwbuild.h): the crosswalk
 * with its preamble, the targets, the report of every label, the unreached codes and the
 * summary. */
#include "core/xwbuild_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "util/util.h"

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
