/* src/cli/cmd_replicate.c - `iaf replicate`: one check template run over
 * several locale/generator bundles (METHOD.md section 10), summarised per
 * check x bundle with taxonomy sizes, n, metrics with intervals, noise
 * floors, floor-corrected values and verdicts. Flags are also counted per
 * comparable cell, because raw flag counts grow with the number of
 * categories; the summary never ranks bundles by raw counts. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "cli/commands.h"
#include "report/report.h"

#ifndef IAF_VERSION
#define IAF_VERSION "dev"
#endif

static void help(void)
{
    printf("Usage: iaf replicate BUNDLE.yaml... [options]\n\n"
           "Run the same checks (matched by check id) over several bundles - one audit spec\n"
           "per locale or generator - and write one comparison: replication.json and\n"
           "replication.md in DIR, the summary on stdout. Per check and bundle: K of each\n"
           "attribute (reference categories), n, the key metric with its 95%% interval, the\n"
           "noise floor, the floor-corrected value, the verdict; per bundle: flags, comparable\n"
           "cells and flags per comparable cell. replication.html holds the same tables,\n"
           "self-contained.\n\n"
           "Options:\n"
           "  -o, --output DIR     default: iaf-replication\n"
           "      --bootstrap B    replicates per check (default 1000)\n"
           "      --seed S         default 20260611\n"
           "  -t, --threads N      worker threads\n"
           "  -q, --quiet          no summary on stdout\n"
           "  -h, --help           this text\n");
}

typedef struct bundle {
    const char *path;
    iaf_spec *spec;
    iaf_audit *audit;
    size_t flags, cells, decided;
} bundle;

/* The key numbers of one check result. */
typedef struct keyvals {
    const char *metric;
    double est, lo, hi, floor;
    size_t kx, ky, cells;
    double n;
} keyvals;

static void key_of(const iaf_check_result *r, keyvals *k)
{
    memset(k, 0, sizeof *k);
    k->est = k->lo = k->hi = k->floor = k->n = NAN;
    if (!r->nvariants) return;
    const iaf_variant_result *v = &r->variants[0];
    if (v->cmp) {
        const iaf_comparison *c = v->cmp;
        k->kx = c->kx;
        k->ky = c->twod ? c->ky : 0;
        k->cells = c->kx * c->ky;
        k->n = c->n_s;
        const iaf_check_verdict *cv = &c->verdict;
        /* the screen that decided the verdict: the worst, first on ties */
        const iaf_screen *s = cv->nscreens ? &cv->screens[0] : NULL;
        for (size_t i = 1; i < cv->nscreens; i++)
            if (cv->screens[i].verdict != IAF_VERDICT_NONE &&
                (s->verdict == IAF_VERDICT_NONE || cv->screens[i].verdict > s->verdict))
                s = &cv->screens[i];
        k->metric = s ? s->metric : (c->twod ? "cond_tvd_y_given_x" : "tvd");
        k->est = s ? s->estimate : (c->twod ? c->m.cond_tvd_y_given_x : c->m.tvd_joint);
        k->lo = s ? s->lo : NAN;
        k->hi = s ? s->hi : NAN;
        k->floor = s ? s->floor : NAN;
    } else if (v->flat) {
        k->kx = 2;
        k->ky = v->flat->k;
        k->cells = 2 * v->flat->k;
        k->n = v->flat->s_total;
        k->metric = "flattening_pooled";
        k->est = v->flat->point.flattening_pooled;
        if (v->flat->has_boot) {
            k->lo = v->flat->boot.ci[IAF_FB_FLATTENING_POOLED].lo;
            k->hi = v->flat->boot.ci[IAF_FB_FLATTENING_POOLED].hi;
        }
    } else if (v->rule) {
        const iaf_rule_result *rr = v->rule;
        k->metric = rr->is_profile ? "outside_window" : rr->is_expectation ? "share" : "violation_share";
        k->est = rr->is_profile ? rr->outside : rr->is_expectation ? rr->estimate : rr->share;
        k->lo = rr->is_profile ? rr->outside_lo : rr->is_expectation ? rr->ci_lo : NAN;
        k->hi = rr->is_profile ? rr->outside_hi : rr->is_expectation ? rr->ci_hi : NAN;
        k->n = v->rule->is_expectation ? v->rule->given : v->rule->antecedent;
    }
}

static int mkdir_p(const char *dir)
{
    char *p = strdup(dir);
    if (!p) return -1;
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    int rc = mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

/* HTML text: & < > " escaped. */
static void esc(iaf_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': iaf_buf_puts(b, "&amp;"); break;
        case '<': iaf_buf_puts(b, "&lt;"); break;
        case '>': iaf_buf_puts(b, "&gt;"); break;
        case '"': iaf_buf_puts(b, "&quot;"); break;
        default: iaf_buf_append(b, s, 1);
        }
    }
}

static void num(iaf_buf *b, const char *f, double v)
{
    if (isnan(v)) iaf_buf_puts(b, "-");
    else iaf_buf_printf(b, f, v);
}

int cmd_replicate(int argc, char **argv)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"bootstrap", required_argument, NULL, 'B'},
                                             {"seed", required_argument, NULL, 's'},
                                             {"threads", required_argument, NULL, 't'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *outdir = "iaf-replication";
    int quiet = 0, c;
    iaf_audit_options ao;
    memset(&ao, 0, sizeof ao);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:t:qh", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'o': outdir = optarg; break;
        case 'B': {
            unsigned long long b = strtoull(optarg, &end, 10);
            if (*end || b < 50 || b > 1000000) return cli_usage_error("replicate", "--bootstrap takes 50 to 1000000");
            ao.bootstrap_b = (size_t)b;
            break;
        }
        case 's': {
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*end || !*optarg) return cli_usage_error("replicate", "--seed takes a non-negative integer");
            ao.seed = v;
            ao.seed_set = 1;
            break;
        }
        case 't':
            if (cli_parse_threads(optarg, &ao.threads) != 0)
                return cli_usage_error("replicate", "--threads takes 1..64 or auto");
            break;
        case 'q': quiet = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage_error("replicate", "bad option");
        }
    }
    size_t nb = (size_t)(argc - optind);
    if (nb < 1) return cli_usage_error("replicate", "needs at least one bundle spec");
    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    bundle *bs = calloc(nb, sizeof *bs);
    iaf_buf json = {0}, md = {0}, path = {0};
    char **ids = NULL;
    size_t nids = 0, idcap = 0;
    if (!bs) goto done;
    for (size_t b = 0; b < nb; b++) {
        bs[b].path = argv[optind + (int)b];
        if (iaf_spec_load(bs[b].path, &bs[b].spec, &err) != IAF_OK ||
            iaf_audit_run(bs[b].spec, &ao, &bs[b].audit, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        for (size_t i = 0; i < bs[b].audit->nresults; i++) {
            const iaf_check_result *r = &bs[b].audit->results[i];
            keyvals kv;
            key_of(r, &kv);
            bs[b].cells += kv.cells;
            if (r->verdict == IAF_VERDICT_FLAG) bs[b].flags++;
            if (r->verdict == IAF_VERDICT_FLAG || r->verdict == IAF_VERDICT_PASS) bs[b].decided++;
            int seen = 0;
            for (size_t k = 0; k < nids; k++) seen |= !strcmp(ids[k], r->check->id);
            if (!seen) {
                if (IAF_GROW(ids, idcap, nids + 1) != 0) goto done;
                ids[nids++] = r->check->id;
            }
        }
    }
    /* replication.json */
    iaf_json j;
    iaf_json_init(&j, &json, 1);
    iaf_json_begin_object(&j);
    iaf_json_kstr(&j, "schema", "iaf-replication/1");
    iaf_json_kstr(&j, "iaf_version", IAF_VERSION);
    iaf_json_key(&j, "bundles");
    iaf_json_begin_array(&j);
    for (size_t b = 0; b < nb; b++) {
        iaf_json_begin_object(&j);
        iaf_json_kstr(&j, "spec", bs[b].path);
        iaf_json_kstr(&j, "name", bs[b].spec->name);
        iaf_json_kstr(&j, "dataset", bs[b].spec->dataset_title);
        iaf_json_kint(&j, "checks", (int64_t)bs[b].audit->nresults);
        iaf_json_kint(&j, "flags", (int64_t)bs[b].flags);
        iaf_json_kint(&j, "comparable_cells", (int64_t)bs[b].cells);
        iaf_json_knum(&j, "flags_per_comparable_cell",
                      bs[b].cells ? (double)bs[b].flags / (double)bs[b].cells : NAN);
        iaf_json_end_object(&j);
    }
    iaf_json_end_array(&j);
    iaf_json_key(&j, "rows");
    iaf_json_begin_array(&j);
    for (size_t k = 0; k < nids; k++)
        for (size_t b = 0; b < nb; b++)
            for (size_t i = 0; i < bs[b].audit->nresults; i++) {
                const iaf_check_result *r = &bs[b].audit->results[i];
                if (strcmp(r->check->id, ids[k])) continue;
                keyvals kv;
                key_of(r, &kv);
                iaf_json_begin_object(&j);
                iaf_json_kstr(&j, "check", ids[k]);
                iaf_json_kstr(&j, "kind", iaf_check_kind_name(r->check->kind));
                iaf_json_kstr(&j, "bundle", bs[b].path);
                iaf_json_kint(&j, "k_x", (int64_t)kv.kx);
                iaf_json_kint(&j, "k_y", (int64_t)kv.ky);
                iaf_json_kint(&j, "comparable_cells", (int64_t)kv.cells);
                iaf_json_knum(&j, "n_synthetic", kv.n);
                iaf_json_kstr(&j, "metric", kv.metric);
                iaf_json_knum(&j, "estimate", kv.est);
                iaf_json_knum(&j, "lo", kv.lo);
                iaf_json_knum(&j, "hi", kv.hi);
                iaf_json_knum(&j, "noise_floor", kv.floor);
                iaf_json_knum(&j, "floor_corrected", isnan(kv.floor) ? NAN : kv.est - kv.floor);
                iaf_json_kstr(&j, "verdict", iaf_verdict_name(r->verdict));
                iaf_json_kstr(&j, "diagnosis", r->diagnosis);
                iaf_json_end_object(&j);
            }
    iaf_json_end_array(&j);
    iaf_json_end_object(&j);
    iaf_buf_puts(&json, "\n");

    /* replication.md (also the stdout summary) */
    iaf_buf_puts(&md, "## IAF replication\n\n| bundle | dataset | checks | flags | comparable cells | "
                      "flags per comparable cell |\n|---|---|---:|---:|---:|---:|\n");
    for (size_t b = 0; b < nb; b++) {
        iaf_buf_printf(&md, "| %s | %s | %zu | %zu | %zu | ", bs[b].path, bs[b].spec->dataset_title,
                       bs[b].audit->nresults, bs[b].flags, bs[b].cells);
        num(&md, "%.5f", bs[b].cells ? (double)bs[b].flags / (double)bs[b].cells : NAN);
        iaf_buf_puts(&md, " |\n");
    }
    iaf_buf_puts(&md, "\nRaw flag counts grow with the number of categories (more cells that can fail, "
                      "higher noise floors); compare bundles per comparable cell and by the "
                      "floor-corrected metrics, not by raw counts.\n\n"
                      "| check | bundle | K | n | metric | estimate [95% interval] | floor | "
                      "estimate - floor | verdict |\n|---|---|---|---:|---|---|---:|---:|---|\n");
    for (size_t k = 0; k < nids; k++)
        for (size_t b = 0; b < nb; b++)
            for (size_t i = 0; i < bs[b].audit->nresults; i++) {
                const iaf_check_result *r = &bs[b].audit->results[i];
                if (strcmp(r->check->id, ids[k])) continue;
                keyvals kv;
                key_of(r, &kv);
                iaf_buf_printf(&md, "| %s | %s | %zu%s", ids[k], bs[b].path, kv.kx, kv.ky ? " x " : "");
                if (kv.ky) iaf_buf_printf(&md, "%zu", kv.ky);
                iaf_buf_puts(&md, " | ");
                num(&md, "%.0f", kv.n);
                iaf_buf_printf(&md, " | %s | ", kv.metric ? kv.metric : "-");
                num(&md, "%.4f", kv.est);
                iaf_buf_puts(&md, " [");
                num(&md, "%.4f", kv.lo);
                iaf_buf_puts(&md, ", ");
                num(&md, "%.4f", kv.hi);
                iaf_buf_puts(&md, "] | ");
                num(&md, "%.4f", kv.floor);
                iaf_buf_puts(&md, " | ");
                num(&md, "%.4f", isnan(kv.floor) ? NAN : kv.est - kv.floor);
                iaf_buf_printf(&md, " | %s%s%s%s |\n",
                               iaf_verdict_name(r->verdict) ? iaf_verdict_name(r->verdict) : "not screened",
                               r->diagnosis ? " (" : "", r->diagnosis ? r->diagnosis : "",
                               r->diagnosis ? ")" : "");
            }
    /* replication.html: the same two tables, self-contained (no script, no network) */
    iaf_buf html = {0};
    iaf_buf_puts(&html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<title>IAF replication</title>\n<style>\n"
                        "body{font-family:system-ui,\"Noto Sans CJK KR\",\"Noto Sans CJK JP\",sans-serif;"
                        "margin:2rem;color:#1a1a1a}table{border-collapse:collapse;margin:1rem 0}"
                        "th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}"
                        "td.n{text-align:right;font-variant-numeric:tabular-nums}"
                        ".FLAG{color:#a40000;font-weight:600}.PASS{color:#1b6e20}"
                        ".INCONCLUSIVE{color:#6b5900}@media print{body{margin:0}}\n"
                        "</style>\n</head>\n<body>\n<h1>IAF replication</h1>\n"
                        "<p>Raw flag counts grow with the number of categories; compare bundles per "
                        "comparable cell and by floor-corrected metrics, not by raw counts.</p>\n"
                        "<table>\n<caption>Bundles</caption>\n<thead><tr><th scope=\"col\">bundle</th>"
                        "<th scope=\"col\">dataset</th><th scope=\"col\">checks</th><th scope=\"col\">"
                        "flags</th><th scope=\"col\">comparable cells</th><th scope=\"col\">flags per "
                        "comparable cell</th></tr></thead>\n<tbody>\n");
    for (size_t b = 0; b < nb; b++) {
        iaf_buf_puts(&html, "<tr><td>");
        esc(&html, bs[b].path);
        iaf_buf_puts(&html, "</td><td>");
        esc(&html, bs[b].spec->dataset_title);
        iaf_buf_printf(&html, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">",
                       bs[b].audit->nresults, bs[b].flags, bs[b].cells);
        num(&html, "%.5f", bs[b].cells ? (double)bs[b].flags / (double)bs[b].cells : NAN);
        iaf_buf_puts(&html, "</td></tr>\n");
    }
    iaf_buf_puts(&html, "</tbody>\n</table>\n<table>\n<caption>Checks by bundle</caption>\n<thead><tr>"
                        "<th scope=\"col\">check</th><th scope=\"col\">bundle</th><th scope=\"col\">K</th>"
                        "<th scope=\"col\">n</th><th scope=\"col\">metric</th><th scope=\"col\">estimate "
                        "[95% interval]</th><th scope=\"col\">floor</th><th scope=\"col\">estimate - "
                        "floor</th><th scope=\"col\">verdict</th></tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < nids; k++)
        for (size_t b = 0; b < nb; b++)
            for (size_t i = 0; i < bs[b].audit->nresults; i++) {
                const iaf_check_result *r = &bs[b].audit->results[i];
                if (strcmp(r->check->id, ids[k])) continue;
                keyvals kv;
                key_of(r, &kv);
                iaf_buf_puts(&html, "<tr><td>");
                esc(&html, ids[k]);
                iaf_buf_puts(&html, "</td><td>");
                esc(&html, bs[b].path);
                iaf_buf_printf(&html, "</td><td>%zu", kv.kx);
                if (kv.ky) iaf_buf_printf(&html, " &times; %zu", kv.ky);
                iaf_buf_puts(&html, "</td><td class=\"n\">");
                num(&html, "%.0f", kv.n);
                iaf_buf_puts(&html, "</td><td>");
                esc(&html, kv.metric ? kv.metric : "-");
                iaf_buf_puts(&html, "</td><td class=\"n\">");
                num(&html, "%.4f", kv.est);
                iaf_buf_puts(&html, " [");
                num(&html, "%.4f", kv.lo);
                iaf_buf_puts(&html, ", ");
                num(&html, "%.4f", kv.hi);
                iaf_buf_puts(&html, "]</td><td class=\"n\">");
                num(&html, "%.4f", kv.floor);
                iaf_buf_puts(&html, "</td><td class=\"n\">");
                num(&html, "%.4f", isnan(kv.floor) ? NAN : kv.est - kv.floor);
                const char *vn = iaf_verdict_name(r->verdict);
                iaf_buf_printf(&html, "</td><td class=\"%s\">%s", vn ? vn : "none", vn ? vn : "not screened");
                if (r->diagnosis) {
                    iaf_buf_puts(&html, " (");
                    esc(&html, r->diagnosis);
                    iaf_buf_puts(&html, ")");
                }
                iaf_buf_puts(&html, "</td></tr>\n");
            }
    iaf_buf_printf(&html, "</tbody>\n</table>\n<p>iaf %s; schema of replication.json: "
                          "iaf-replication/1.</p>\n</body>\n</html>\n", IAF_VERSION);
    if (mkdir_p(outdir) != 0) {
        fprintf(stderr, "iaf: %s: cannot create directory: %s\n", outdir, strerror(errno));
        iaf_buf_free(&html);
        goto done;
    }
    iaf_buf_printf(&path, "%s/replication.json", outdir);
    if (cli_write_file(path.data, json.data, json.len, &err) != 0) {
        iaf_buf_free(&html);
        rc = cli_fail(&err);
        goto done;
    }
    path.len = 0;
    iaf_buf_printf(&path, "%s/replication.md", outdir);
    if (cli_write_file(path.data, md.data, md.len, &err) != 0) {
        iaf_buf_free(&html);
        rc = cli_fail(&err);
        goto done;
    }
    path.len = 0;
    iaf_buf_printf(&path, "%s/replication.html", outdir);
    if (cli_write_file(path.data, html.data, html.len, &err) != 0) {
        iaf_buf_free(&html);
        rc = cli_fail(&err);
        goto done;
    }
    iaf_buf_free(&html);
    if (!quiet) fwrite(md.data, 1, md.len, stdout);
    rc = EXIT_OK;
done:
    for (size_t b = 0; bs && b < nb; b++) {
        iaf_audit_free(bs[b].audit);
        iaf_spec_free(bs[b].spec);
    }
    free(bs);
    free(ids);
    iaf_buf_free(&json);
    iaf_buf_free(&md);
    iaf_buf_free(&path);
    return rc;
}
