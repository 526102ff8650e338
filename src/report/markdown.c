/* src/report/markdown.c - the Markdown section for dataset cards, from
 * report.json; see html.h. It carries the headline (one summary line per
 * kind, one table row per check with verdict, diagnosis and key number),
 * the references and the quoted disclosures, and links each check to its
 * panel in report.html. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/html.h"
#include "report/rkinds.h"
#include "report/rview.h"

/* Text from data or a spec: see iaf_rv_md_text. */
static void md_text(iaf_buf *b, const char *s)
{
    iaf_rv_md_text(b, s);
}

/* [id](report.html#check-id): inside link text every bracket is escaped, so
 * an id can neither close the link early nor nest another one. */
static void md_link_check(iaf_buf *b, const char *id)
{
    iaf_rv_puts(b, "[");
    iaf_rv_md_link_text(b, id ? id : "(unnamed)");
    iaf_rv_puts(b, "](report.html#");
    iaf_rv_anchor(b, "check-", id);
    iaf_rv_puts(b, ")");
}

/* The first screen: the spec's question and the answer sentences of the
 * model (answer.c), each linked to its check. */
static void md_answers(iaf_buf *b, const iaf_report_model *m)
{
    if (!m->nanswers) return;
    if (m->question) {
        iaf_rv_puts(b, "**Question:** ");
        md_text(b, m->question);
        iaf_rv_puts(b, "\n\n");
    }
    iaf_rv_puts(b, "### The answer\n\n");
    for (size_t i = 0; i < m->nanswers; i++) {
        const iaf_rm_answer *a = &m->answers[i];
        iaf_rv_puts(b, "- ");
        md_text(b, a->text);
        if (a->check_id && a->has_check) {
            iaf_rv_puts(b, " (");
            md_link_check(b, a->check_id);
            iaf_rv_puts(b, ")");
        }
        iaf_rv_puts(b, "\n");
    }
    iaf_rv_puts(b, "\n");
}

static void summary(iaf_buf *b, const iaf_report_model *m)
{
    int first = 1;
    for (int rank = 0; rank < IAF_RM_NKINDS; rank++) {
        const iaf_rm_tally *t = &m->tally[rank];
        size_t n = t->n, np = t->pass, nf = t->flag, ni = t->inconclusive, nw = t->pending;
        if (!n) continue;
        iaf_rv_printf(b, "%s**%s** (%zu):", first ? "" : " ", iaf_rk_at(rank)->title, n);
        first = 0;
        int any = 0;
        if (np) iaf_rv_printf(b, "%s %zu PASS", any++ ? "," : "", np);
        if (nf) iaf_rv_printf(b, "%s %zu FLAG", any++ ? "," : "", nf);
        if (ni) iaf_rv_printf(b, "%s %zu INCONCLUSIVE", any++ ? "," : "", ni);
        if (nw) iaf_rv_printf(b, "%s %zu without a verdict", any++ ? "," : "", nw);
        iaf_rv_puts(b, ".");
    }
    if (!first) iaf_rv_puts(b, "\n\n");
}

/* One line per screen (or rule outcome) that keeps a check from PASS, so
 * that the card says why, not only INCONCLUSIVE or FLAG. */
static void why_not_pass(iaf_buf *b, const json_t *doc)
{
    int any = 0;
    size_t i, j;
    json_t *c, *v;
    json_array_foreach(iaf_rv_arr(doc, "checks"), i, c)
    {
        const char *cv = iaf_rv_verdict(c, NULL), *id = iaf_rv_str(c, "id");
        if (!cv || !strcmp(cv, "PASS")) continue;
        const char *const *reasons = iaf_rk_of(iaf_rv_str(c, "kind"))->reasons;
        json_t *vs = iaf_rv_arr(c, "variants");
        size_t nv = vs ? json_array_size(vs) : 0;
        for (j = 0; j < (nv ? nv : 1); j++) {
            v = nv ? json_array_get(vs, j) : c;
            const char *vn = nv > 1 ? iaf_rv_str(v, "name") : NULL;
            for (size_t k = 0; reasons[k]; k++) {
                const json_t *r = iaf_rv_obj(v, reasons[k]);
                const char *why = iaf_rv_str(iaf_rv_obj(r, "result"), "reason");
                if (!why) why = iaf_rv_str(r, "reason");
                if (!why) continue;
                if (!any++) iaf_rv_puts(b, "\n### Why not PASS\n\n");
                iaf_rv_puts(b, "- ");
                md_text(b, id);
                iaf_rv_puts(b, ": ");
                md_text(b, why);
                iaf_rv_puts(b, "\n");
            }
            size_t s;
            json_t *sc;
            json_array_foreach(iaf_rv_arr(iaf_rv_verdict_obj(v), "screens"), s, sc)
            {
                const char *sv = iaf_rv_str(sc, "verdict");
                if (!sv || !strcmp(sv, "PASS")) continue;
                if (!any++) iaf_rv_puts(b, "\n### Why not PASS\n\n");
                iaf_rv_puts(b, "- ");
                md_text(b, id);
                if (vn) {
                    iaf_rv_puts(b, " (");
                    md_text(b, vn);
                    iaf_rv_puts(b, ")");
                }
                iaf_rv_puts(b, ", ");
                md_text(b, iaf_rv_str(sc, "metric"));
                iaf_rv_puts(b, ": ");
                md_text(b, sv);
                const char *why = iaf_rv_str(sc, "reason");
                if (why) {
                    iaf_rv_puts(b, ": ");
                    md_text(b, why);
                }
                iaf_rv_puts(b, "\n");
            }
        }
    }
}

/* Values treated as missing, per check and side (first variant), only where there are any. */
static void missing_values(iaf_buf *b, const json_t *doc)
{
    int any = 0;
    size_t i;
    json_t *c;
    json_array_foreach(iaf_rv_arr(doc, "checks"), i, c)
    {
        json_t *vs = iaf_rv_arr(c, "variants");
        const json_t *v = vs && json_array_size(vs) ? json_array_get(vs, 0) : c;
        const json_t *sc = iaf_rv_arr(v, "synthetic_coverage"),
                     *rc = iaf_rv_arr(v, "reference_coverage");
        iaf_buf line = {0};
        int n = iaf_rv_missing_text(&line, sc, "synthetic", md_text, "`", "`");
        n += iaf_rv_missing_text(&line, rc, "reference", md_text, "`", "`");
        if (n) {
            if (!any++)
                iaf_rv_puts(b, "\n### Missing values\n\nValues treated as missing (null, empty, "
                               "and the tokens the spec declares), in the universe of each "
                               "check:\n\n");
            iaf_rv_puts(b, "- ");
            md_text(b, iaf_rv_str(c, "id"));
            iaf_rv_puts(b, ": ");
            iaf_rv_puts(b, line.data);
            iaf_rv_puts(b, "\n");
        }
        iaf_buf_free(&line);
    }
}

/* Checks whose crosswalk variants disagree: each variant's verdict,
 * diagnosis and key number (METHOD.md section 9). */
static void mapping_dependent(iaf_buf *b, const json_t *doc)
{
    int any = 0;
    size_t i, j;
    json_t *c, *v;
    json_array_foreach(iaf_rv_arr(doc, "checks"), i, c)
    {
        const char *m = iaf_rv_str(c, "mapping");
        if (!m || strcmp(m, "mapping-dependent")) continue;
        if (!any++) iaf_rv_puts(b, "\n### Mapping-dependent verdicts\n\n");
        json_array_foreach(iaf_rv_arr(iaf_rv_obj(c, "mapping_detail"), "variants"), j, v)
        {
            const char *vv = iaf_rv_str(v, "verdict"), *d = iaf_rv_str(v, "diagnosis");
            const char *km = iaf_rv_str(v, "key_metric");
            iaf_rv_puts(b, "- ");
            md_text(b, iaf_rv_str(c, "id"));
            iaf_rv_puts(b, ", variant ");
            md_text(b, iaf_rv_str(v, "name"));
            iaf_rv_puts(b, ": ");
            md_text(b, vv ? vv : "not screened");
            if (d) {
                iaf_rv_puts(b, " (");
                md_text(b, d);
                iaf_rv_puts(b, ")");
            }
            double e = iaf_rv_numv(v, "key_estimate");
            if (km && !isnan(e)) {
                char num[128];
                snprintf(num, sizeof num, "; %.4g [%.4g, %.4g]", e, iaf_rv_numv(v, "key_lo"),
                         iaf_rv_numv(v, "key_hi"));
                iaf_rv_puts(b, "; ");
                md_text(b, km);
                iaf_rv_puts(b, num + 1);
            }
            iaf_rv_puts(b, "\n");
        }
    }
}

/* The claims (report.json "claims"): one row per claim with its answer, the
 * reason, and the checks that decide it. */
static void claims(iaf_buf *b, const json_t *doc)
{
    json_t *cl = iaf_rv_arr(doc, "claims"), *c, *k;
    size_t i, j;
    if (!cl || !json_array_size(cl)) return;
    static const char *const cols[] = {"claim", "answer", "reason", "checks"};
    iaf_rv_puts(b, "### Claims\n\n");
    iaf_rv_md_table(b, cols, 4, NULL);
    json_array_foreach(cl, i, c)
    {
        iaf_rv_md_row(b);
        md_text(b, iaf_rv_str(c, "claim"));
        const char *src = iaf_rv_str(c, "source");
        if (src) {
            iaf_rv_puts(b, " (");
            md_text(b, src);
            iaf_rv_puts(b, ")");
        }
        iaf_rv_md_next(b);
        iaf_rv_puts(b, "**");
        md_text(b, iaf_rv_str(c, "outcome"));
        iaf_rv_puts(b, "**");
        iaf_rv_md_next(b);
        md_text(b, iaf_rv_str(c, "reason"));
        const char *note = iaf_rv_str(c, "note");
        if (note) {
            iaf_rv_puts(b, " Note: ");
            md_text(b, note);
        }
        iaf_rv_md_next(b);
        json_array_foreach(iaf_rv_arr(c, "checks"), j, k)
        {
            if (j) iaf_rv_puts(b, ", ");
            md_link_check(b, json_string_value(k));
        }
        iaf_rv_md_row_end(b);
    }
    iaf_rv_puts(b, "\n");
}

/* The headline: a summary line per kind, one table row per check, why each
 * non-PASS is not a PASS, mapping-dependent verdicts, missing values. */
static void md_headline(iaf_buf *b, const iaf_report_model *m)
{
    const json_t *doc = m->doc;
    int pending = 0;
    if (m->nrows) {
        summary(b, m);
        claims(b, doc);
        static const char *const cols[] = {
            "check",     "kind",    "attributes", "reference",
            "universe",  "verdict", "diagnosis",  "key number [95% interval]",
            "threshold", "support", "n_eff"};
        iaf_rv_md_table(b, cols, 11, NULL);
        size_t i;
        for (i = 0; i < m->nrows; i++) {
            const iaf_rm_row *h = &m->rows[i];
            const char *id = h->check_id;
            const char *v = h->verdict, *d = h->diagnosis;
            const char *u = h->universe;
            pending |= !v;
            iaf_rv_md_row(b);
            md_link_check(b, id);
            iaf_rv_md_next(b);
            md_text(b, h->kind);
            iaf_rv_md_next(b);
            md_text(b, h->attributes);
            iaf_rv_md_next(b);
            md_text(b, h->reference);
            iaf_rv_md_next(b);
            md_text(b, u ? u : "all");
            iaf_rv_md_next(b);
            if (v) {
                iaf_rv_puts(b, "**");
                md_text(b, v);
                iaf_rv_puts(b, "**");
            } else {
                iaf_rv_puts(b, "pending");
            }
            iaf_rv_md_next(b);
            md_text(b, d);
            iaf_rv_md_next(b);
            iaf_buf t = {0};
            iaf_rv_key_text(&t, &h->key, h->ax, h->ay);
            md_text(b, t.data);
            iaf_buf_free(&t);
            /* what the number rests on: a verdict on 184,164 rows of a million says so */
            iaf_rv_md_next(b);
            iaf_rv_fixed(b, h->threshold, iaf_rv_metric_digits(h->key.metric));
            iaf_rv_md_next(b);
            iaf_rv_pct(b, h->support_ref);
            iaf_rv_md_next(b);
            iaf_rv_count(b, isfinite(h->n_eff) ? round(h->n_eff) : NAN);
            iaf_rv_md_row_end(b);
        }
        why_not_pass(b, doc);
        mapping_dependent(b, doc);
        iaf_rv_puts(b, "\nFLAG: the whole 95% interval of a screening metric is on the failing "
                       "side of its threshold; PASS: wholly on the passing side; INCONCLUSIVE: "
                       "otherwise.");
        if (pending) {
            const char *note = NULL;
            json_t *checks = iaf_rv_arr(doc, "checks");
            json_t *k;
            json_array_foreach(checks, i, k) if (!note) note = iaf_rv_str(k, "verdict_note");
            iaf_rv_puts(b, " Checks marked pending have no verdict");
            if (note) {
                iaf_rv_puts(b, ": ");
                md_text(b, note);
            }
            iaf_rv_puts(b, ".");
        }
        iaf_rv_puts(b, "\n");
        missing_values(b, doc);
    } else {
        iaf_rv_puts(b, "The report has no checks.\n");
    }
}

iaf_status iaf_report_md(const iaf_report_model *m, iaf_buf *out, iaf_error *err)
{
    const json_t *doc = m->doc;
    iaf_status st = IAF_OK;
    iaf_rv_oom_reset();
    iaf_buf *b = out;
    const char *name = m->name;
    iaf_rv_puts(b, "## IAF audit: ");
    md_text(b, name ? name : "report");
    iaf_rv_puts(b, "\n\n");
    json_t *ds = iaf_rv_obj(doc, "dataset");
    const char *title = iaf_rv_str(ds, "title"), *url = iaf_rv_str(ds, "url");
    if (title || url) {
        iaf_rv_puts(b, "Dataset: ");
        md_text(b, title ? title : "(untitled)");
        if (url) {
            iaf_rv_puts(b, " (");
            iaf_rv_md_url(b, url);
            iaf_rv_puts(b, ")");
        }
        iaf_rv_puts(b, ". ");
    }
    iaf_rv_puts(b, "Full report: [report.html](report.html); data: [report.json](report.json), "
                   "[cells.csv](cells.csv).\n\n");
    md_answers(b, m);

    md_headline(b, m);

    json_t *refs = iaf_rv_arr(doc, "references");
    if (refs && json_array_size(refs)) {
        iaf_rv_puts(b, "\n### References\n\n");
        size_t i;
        json_t *r;
        json_array_foreach(refs, i, r)
        {
            const char *pub = iaf_rv_str(r, "publisher"), *tab = iaf_rv_str(r, "table"),
                       *yr = iaf_rv_str(r, "year"), *uni = iaf_rv_str(r, "universe"),
                       *u = iaf_rv_str(r, "url"), *lic = iaf_rv_str(r, "licence");
            iaf_rv_puts(b, "- **");
            md_text(b, iaf_rv_str(r, "id"));
            iaf_rv_puts(b, "**: ");
            md_text(b, pub ? pub : "publisher not given");
            if (tab) {
                iaf_rv_puts(b, ", ");
                md_text(b, tab);
            }
            if (yr) {
                iaf_rv_puts(b, " (");
                md_text(b, yr);
                iaf_rv_puts(b, ")");
            }
            if (uni) {
                iaf_rv_puts(b, "; universe: ");
                md_text(b, uni);
            }
            if (u) {
                iaf_rv_puts(b, "; ");
                iaf_rv_md_url(b, u);
            }
            if (lic) {
                iaf_rv_puts(b, "; licence: ");
                md_text(b, lic);
            }
            iaf_rv_puts(b, ".");
            const char *cav = iaf_rv_str(r, "caveat");
            if (cav) {
                iaf_rv_puts(b, " Caveat: ");
                md_text(b, cav);
            }
            /* METHOD.md section 9: which references were resampled, which
             * treated as exact, and why */
            const char *unc = iaf_rv_str(r, "uncertainty");
            double ss = iaf_rv_numv(r, "sample_size"), de = iaf_rv_numv(r, "design_effect");
            double ne = iaf_rv_numv(r, "n_effective");
            json_t *fc = json_object_get(r, "full_count");
            if (!isnan(ss) || !isnan(ne)) {
                char num[160];
                if (!isnan(ss))
                    snprintf(num, sizeof num, " Sampling: n = %.0f / design effect %g = %.0f.", ss,
                             isnan(de) ? 1 : de, ss / (isnan(de) ? 1 : de));
                else
                    snprintf(num, sizeof num, " Sampling: effective n = %.0f.", ne);
                iaf_rv_puts(b, num);
            } else {
                iaf_rv_puts(b, json_is_true(fc) ? " Treated as exact (full count)."
                                                : " Treated as exact unless the table carries "
                                                  "standard errors or margins of error.");
            }
            if (unc) {
                iaf_rv_puts(b, " Basis: ");
                md_text(b, unc);
            }
            iaf_rv_puts(b, "\n");
        }
    }
    json_t *dis = iaf_rv_arr(doc, "disclosures");
    if (dis && json_array_size(dis)) {
        iaf_rv_puts(b, "\n### Disclosures quoted from the dataset card\n\n");
        size_t i;
        json_t *d;
        json_array_foreach(dis, i, d)
        {
            const char *file = iaf_rv_str(d, "file"), *loc = iaf_rv_str(d, "locator");
            iaf_rv_puts(b, "> ");
            md_text(b, iaf_rv_str(d, "quote"));
            iaf_rv_puts(b, "\n>\n> (");
            md_text(b, file ? file : "source not given");
            if (loc) {
                iaf_rv_puts(b, ", ");
                md_text(b, loc);
            }
            iaf_rv_puts(b, ")\n\n");
        }
    } else {
        iaf_rv_puts(b, "\n");
    }
    const char *ver = iaf_rv_str(iaf_rv_obj(doc, "reproducibility"), "iaf_version");
    iaf_rv_puts(b, "_Generated by iaf ");
    md_text(b, ver ? ver : "");
    iaf_rv_puts(b, " from report.json (schema iaf-report/1); every input is fingerprinted "
                   "(SHA-256) there._\n");
    if (iaf_rv_oom_failed())
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory rendering Markdown");
    return st;
}
