/* src/cli/cmd_replicate.c - `iaf replicate`: one check template run over
 * several locale/generator bundles (METHOD.md section 10), summarised per
 * check x bundle with taxonomy sizes, n, metrics with intervals, noise
 * floors, floor-corrected values and verdicts. Flags are also counted per
 * comparable cell, because raw flag counts grow with the number of
 * categories; the summary never ranks bundles by raw counts.
 *
 * This file only runs the audits and writes replication.json; the Markdown
 * and the HTML page are rendered from that document by the library
 * (report/replication.h), so that `iaf report replication.json` gives the
 * same bytes later. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "report/replication.h"
#include "report/report.h"
#include "util/util.h"

#ifndef IAF_VERSION
#define IAF_VERSION "dev"
#endif

static void help(void)
{
    printf("Usage: iaf replicate BUNDLE.yaml... [options]\n\n"
           "Run the same checks (matched by check id) over several bundles - one audit spec\n"
           "per locale or generator - and write one comparison: replication.json,\n"
           "replication.md and replication.html in DIR, the summary on stdout. Per check and\n"
           "bundle: K of each attribute (reference categories), n, the key metric with its\n"
           "95%% interval, the noise floor, the floor-corrected value, the verdict; per\n"
           "bundle: flags, comparable cells and flags per comparable cell. replication.html\n"
           "(self-contained) adds a forest plot per check and the IAF signatures of the\n"
           "joint checks; `iaf report DIR/replication.json` renders it again.\n\n"
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
    const iaf_screen *screen; /* the screen that decided, or NULL */
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
        const iaf_screen *s = iaf_verdict_key_screen(&c->verdict);
        k->metric = s ? s->metric : (c->twod ? "cond_tvd_y_given_x" : "tvd");
        k->est = s ? s->estimate : (c->twod ? c->m.cond_tvd_y_given_x : c->m.tvd_joint);
        k->lo = s ? s->lo : NAN;
        k->hi = s ? s->hi : NAN;
        k->floor = s ? s->floor : NAN;
        k->screen = s;
    } else if (v->flat) {
        k->kx = 2;
        k->ky = v->flat->k;
        k->cells = 2 * v->flat->k;
        k->n = v->flat->s_total;
        k->metric = "flattening_pooled";
        k->est = v->flat->point.flattening_pooled;
        if (v->flat->verdict.nscreens) k->est = v->flat->verdict.screens[0].estimate;
        if (v->flat->has_boot) {
            k->lo = v->flat->boot.ci[IAF_FB_FLATTENING_POOLED].lo;
            k->hi = v->flat->boot.ci[IAF_FB_FLATTENING_POOLED].hi;
        }
        if (v->flat->verdict.nscreens) k->screen = &v->flat->verdict.screens[0];
    } else if (v->rule) {
        const iaf_rule_result *rr = v->rule;
        k->metric = rr->is_profile       ? "outside_window"
                    : rr->is_expectation ? "share"
                                         : "violation_share";
        k->est = rr->is_profile ? rr->outside : rr->is_expectation ? rr->estimate : rr->share;
        k->lo = rr->is_profile ? rr->outside_lo : rr->is_expectation ? rr->ci_lo : NAN;
        k->hi = rr->is_profile ? rr->outside_hi : rr->is_expectation ? rr->ci_hi : NAN;
        k->n = v->rule->is_expectation ? v->rule->given : v->rule->antecedent;
    }
}

static void screen_json(iaf_json *j, const iaf_screen *s)
{
    iaf_json_begin_object(j);
    iaf_screen_json_fields(s, j);
    iaf_json_kbool(j, "too_small", iaf_screen_too_small(s));
    iaf_json_end_object(j);
}

/* What the charts of replication.html need beyond the key numbers: every
 * screen of the first variant (one forest-plot facet per metric), the
 * signature of a joint comparison, the rule's outcome as a screen. */
static void row_extra_json(iaf_json *j, const iaf_spec *spec, const iaf_check_result *r,
                           const keyvals *kv)
{
    const iaf_spec_check *k = r->check;
    const iaf_variant_result *v = r->nvariants ? &r->variants[0] : NULL;
    iaf_json_kstr(j, "title", k->title);
    iaf_json_key(j, "attributes");
    iaf_json_begin_array(j);
    for (size_t a = 0; a < k->nattrs && a < 2; a++)
        iaf_json_str(j, k->attrs[a] ? k->attrs[a]->name : NULL);
    iaf_json_end_array(j);
    iaf_json_kstr(j, "variant", v ? v->name : NULL);
    iaf_json_kint(j, "variants", (int64_t)r->nvariants);
    const iaf_screen *s = kv->screen;
    const iaf_rule_result *rr = v ? v->rule : NULL;
    double thr = s ? s->threshold : NAN;
    const char *fails = s ? (s->fails_above ? "above" : "below") : NULL;
    const char *reason = s ? s->reason : NULL;
    if (rr && !rr->is_expectation) {
        thr = rr->tolerance;
        fails = "above";
    }
    if (rr) reason = rr->reason;
    iaf_json_knum(j, "threshold", thr);
    iaf_json_kstr(j, "fails", fails);
    iaf_json_kstr(j, "reason", reason);
    iaf_json_kbool(j, "too_small", iaf_screen_too_small(s));
    iaf_json_key(j, "screens");
    iaf_json_begin_array(j);
    const iaf_check_verdict *cv = v && v->cmp    ? &v->cmp->verdict
                                  : v && v->flat ? &v->flat->verdict
                                                 : NULL;
    for (size_t i = 0; cv && i < cv->nscreens; i++)
        screen_json(j, &cv->screens[i]);
    if (rr) {
        /* the rule's outcome in the shape of a screen */
        iaf_json_begin_object(j);
        iaf_json_kstr(j, "metric", kv->metric);
        iaf_json_knum(j, "threshold", rr->is_expectation ? NAN : rr->tolerance);
        iaf_json_kstr(j, "fails", rr->is_expectation ? NULL : "above");
        iaf_json_knum(j, "estimate", kv->est);
        iaf_json_knum(j, "lo", kv->lo);
        iaf_json_knum(j, "hi", kv->hi);
        iaf_json_knum(j, "floor", NAN);
        if (rr->is_expectation) {
            iaf_json_knum(j, "expected_lo", rr->expect_lo);
            iaf_json_knum(j, "expected_hi", rr->expect_hi);
        }
        iaf_json_kstr(j, "verdict", iaf_verdict_name(rr->verdict));
        iaf_json_kstr(j, "reason", rr->reason);
        iaf_json_kbool(j, "too_small", 0);
        iaf_json_end_object(j);
    }
    iaf_json_end_array(j);
    const iaf_comparison *c = v ? v->cmp : NULL;
    if (c && c->twod) {
        const iaf_boot_interval *ri = c->has_boot ? &c->boot.ci[IAF_JM_RETENTION] : NULL;
        const iaf_boot_interval *fi = c->has_boot ? &c->boot.ci[IAF_JM_FOOTPRINT] : NULL;
        const iaf_boot_interval *di = c->has_boot ? &c->boot.ci[IAF_JM_FOOTPRINT_DEP] : NULL;
        /* headline estimates (inside their intervals); the plug-ins beside them */
        iaf_json_knum(j, "retention", ri ? ri->bias_corrected : c->m.retention);
        iaf_json_knum(j, "retention_plug_in", c->m.retention);
        iaf_json_knum(j, "retention_lo", ri ? ri->lo : NAN);
        iaf_json_knum(j, "retention_hi", ri ? ri->hi : NAN);
        iaf_json_knum(j, "footprint", fi ? fi->bias_corrected : c->m.footprint);
        iaf_json_knum(j, "footprint_plug_in", c->m.footprint);
        iaf_json_knum(j, "footprint_lo", fi ? fi->lo : NAN);
        iaf_json_knum(j, "footprint_hi", fi ? fi->hi : NAN);
        iaf_json_knum(j, "footprint_dep", di ? di->bias_corrected : c->m.footprint_dep);
        iaf_json_knum(j, "footprint_dep_plug_in", c->m.footprint_dep);
        iaf_json_knum(j, "footprint_dep_lo", di ? di->lo : NAN);
        iaf_json_knum(j, "footprint_dep_hi", di ? di->hi : NAN);
        iaf_json_key(j, "signature_thresholds");
        iaf_json_begin_object(j);
        iaf_json_knum(j, "footprint", iaf_spec_threshold_for(spec, k, "footprint"));
        iaf_json_knum(j, "retention", iaf_spec_threshold_for(spec, k, "retention"));
        iaf_json_end_object(j);
    }
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
        switch (c) {
        case 'o':
            outdir = optarg;
            break;
        case 'B':
            if (cli_parse_bootstrap(optarg, &ao.bootstrap_b) != 0)
                return cli_usage_error("replicate", "--bootstrap takes %d to %d", CLI_BOOT_MIN,
                                       CLI_BOOT_MAX);
            break;
        case 's':
            if (cli_parse_seed(optarg, &ao.seed) != 0)
                return cli_usage_error("replicate", "--seed takes an integer 0 to 2^64-1, not '%s'",
                                       optarg);
            ao.seed_set = 1;
            break;
        case 't':
            if (cli_parse_threads(optarg, &ao.threads) != 0)
                return cli_usage_error("replicate", "--threads takes 1..64 or auto");
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("replicate", "bad option");
        }
    }
    size_t nb = (size_t)(argc - optind);
    if (nb < 1) return cli_usage_error("replicate", "needs at least one bundle spec");
    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    bundle *bs = iaf_calloc(nb, sizeof *bs);
    iaf_buf json = {0}, md = {0}, html = {0}, path = {0}, cmd = {0};
    char **ids = NULL;
    size_t nids = 0, idcap = 0;
    cli_outset *outs = NULL;
    if (!bs) goto oom;
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
            for (size_t k = 0; k < nids; k++)
                seen |= !strcmp(ids[k], r->check->id);
            if (!seen) {
                if (IAF_GROW(ids, idcap, nids + 1) != 0) goto oom;
                ids[nids++] = r->check->id;
            }
        }
    }
    iaf_buf_puts(&cmd, "iaf replicate");
    for (int i = 1; i < argc; i++)
        iaf_buf_printf(&cmd, " %s", argv[i]);
    /* replication.json (docs/replication.md lists its fields) */
    iaf_json j;
    iaf_json_init(&j, &json, 1);
    iaf_json_begin_object(&j);
    iaf_json_kstr(&j, "schema", "iaf-replication/1");
    iaf_json_kstr(&j, "iaf_version", IAF_VERSION);
    iaf_json_kstr(&j, "command_line", cmd.data);
    iaf_json_kint(&j, "bootstrap_b",
                  (int64_t)(ao.bootstrap_b ? ao.bootstrap_b : IAF_BOOT_DEFAULT_B));
    uint64_t seed = ao.seed_set ? ao.seed : IAF_BOOT_DEFAULT_SEED;
    if (seed <= (uint64_t)INT64_MAX) {
        iaf_json_kint(&j, "seed", (int64_t)seed);
    } else {
        /* beyond a JSON integer that every reader keeps exactly */
        char sbuf[24];
        snprintf(sbuf, sizeof sbuf, "%llu", (unsigned long long)seed);
        iaf_json_kstr(&j, "seed", sbuf);
    }
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
        const char *sha = NULL;
        for (size_t i = 0; i < bs[b].audit->ninputs; i++)
            if (!strcmp(bs[b].audit->inputs[i].role, "spec")) sha = bs[b].audit->inputs[i].sha256;
        iaf_json_kstr(&j, "spec_sha256", sha);
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
                row_extra_json(&j, bs[b].spec, r, &kv);
                iaf_json_end_object(&j);
            }
    iaf_json_end_array(&j);
    iaf_json_end_object(&j);
    if (j.failed || iaf_buf_puts(&json, "\n") != 0 || !cmd.data) goto oom;

    /* the Markdown (also the stdout summary) and the page, from the document */
    if (iaf_replication_md(json.data, json.len, &md, &err) != IAF_OK ||
        iaf_replication_html(json.data, json.len, &html, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (cli_mkdir_p(outdir) != 0) {
        fprintf(stderr, "iaf: %s: cannot create directory: %s\n", outdir, strerror(errno));
        goto done;
    }
    /* the three files together (cli/output.h), never over an input of a bundle */
    for (size_t b = 0; b < nb; b++) {
        if (cli_input_add(bs[b].path) != 0) goto oom;
        for (size_t i = 0; i < bs[b].audit->ninputs; i++)
            if (cli_input_add(bs[b].audit->inputs[i].path) != 0) goto oom;
    }
    if (!(outs = cli_outset_new())) goto oom;
    static const char *const files[] = {"replication.json", "replication.md", "replication.html"};
    const iaf_buf *bufs[] = {&json, &md, &html};
    for (size_t f = 0; f < 3; f++) {
        path.len = 0;
        if (iaf_buf_printf(&path, "%s/%s", outdir, files[f]) < 0) goto oom;
        if (cli_outset_add(outs, path.data, bufs[f]->data, bufs[f]->len, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    if (cli_outset_commit(outs, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!quiet && (cli_escape_stdout(), cli_stdout_write(md.data, md.len, &err) != IAF_OK)) {
        rc = cli_fail(&err);
        goto done;
    }
    rc = EXIT_OK;
    goto done;
oom:
    fprintf(stderr, "iaf: out of memory\n");
    rc = EXIT_DATA;
done:
    cli_outset_free(outs);
    for (size_t b = 0; bs && b < nb; b++) {
        iaf_audit_free(bs[b].audit);
        iaf_spec_free(bs[b].spec);
    }
    iaf_free(bs);
    iaf_free(ids);
    iaf_buf_free(&json);
    iaf_buf_free(&md);
    iaf_buf_free(&html);
    iaf_buf_free(&path);
    iaf_buf_free(&cmd);
    return rc;
}
