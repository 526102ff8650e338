/* src/cli/cmd_audit.c - `iaf audit SPEC.yaml`: run every check of a spec,
 * print the headline, write report.json and report.md atomically. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "report/html.h"
#include "report/report.h"

#ifndef IAF_VERSION
#define IAF_VERSION "dev"
#endif

static void help(void)
{
    printf("Usage: iaf audit SPEC.yaml [options]\n\n"
           "Run the checks of an audit spec (docs/spec.md) and write report.json\n"
           "(schema iaf-report/1, docs/report-schema.md), report.md, report.html and\n"
           "cells.csv (docs/report.md) into DIR.\n"
           "The headline table goes to stdout.\n\n"
           "Options:\n"
           "  -o, --output DIR     where to write the reports (default: iaf-report)\n"
           "      --format LIST    which of json,md,html,csv to write (default: all)\n"
           "      --fail-on WHAT   exit 3 when a check's verdict is WHAT (flag); for CI\n"
           "  -t, --threads N      worker threads for microdata scans (default: all cores)\n"
           "      --bootstrap B    bootstrap replicates per check (default 1000)\n"
           "      --seed S         bootstrap seed (default 20260611); same seed, same bytes\n"
           "      --interval M     calibrated (default) or basic bootstrap intervals\n"
           "      --no-bootstrap   point estimates only: no intervals, no verdicts\n"
           "  -q, --quiet          no headline, no progress line\n"
           "  -h, --help           this text\n");
}

int cmd_audit(int argc, char **argv)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"fail-on", required_argument, NULL, 'F'},
                                             {"threads", required_argument, NULL, 't'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"bootstrap", required_argument, NULL, 'B'},
                                             {"seed", required_argument, NULL, 's'},
                                             {"interval", required_argument, NULL, 'I'},
                                             {"no-bootstrap", no_argument, NULL, 'N'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *outdir = "iaf-report", *fail_on = NULL;
    int threads = 0, quiet = 0, c, formats = 15; /* json, md, html, csv */
    iaf_audit_options ao;
    memset(&ao, 0, sizeof ao);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            outdir = optarg;
            break;
        case 'F':
            if (strcmp(optarg, "flag") != 0)
                return cli_usage_error("audit", "--fail-on takes 'flag'");
            fail_on = optarg;
            break;
        case 't':
            if (cli_parse_threads(optarg, &threads) != 0)
                return cli_usage_error("audit", "--threads takes 1..64 or auto");
            break;
        case 'q':
            quiet = 1;
            break;
        case 'B':
            if (cli_parse_bootstrap(optarg, &ao.bootstrap_b) != 0)
                return cli_usage_error("audit", "--bootstrap takes %d to %d replicates",
                                       CLI_BOOT_MIN, CLI_BOOT_MAX);
            break;
        case 's':
            if (cli_parse_seed(optarg, &ao.seed) != 0)
                return cli_usage_error("audit", "--seed takes an integer 0 to 2^64-1, not '%s'",
                                       optarg);
            ao.seed_set = 1;
            break;
        case 'I':
            if (iaf_interval_method_parse(optarg, &ao.interval) != 0)
                return cli_usage_error("audit", "--interval takes calibrated or basic");
            ao.interval_set = 1;
            break;
        case 'N':
            ao.no_bootstrap = 1;
            break;
        case 'f': {
            char **list = NULL;
            int n = cli_split(optarg, &list);
            if (n < 0) return cli_oom();
            formats = 0;
            for (int i = 0; i < n; i++) {
                static const char *const names[] = {"json", "md", "html", "csv"};
                int k = 0;
                while (k < 4 && strcmp(list[i], names[k]) != 0)
                    k++;
                formats |= k < 4 ? 1 << k : 16;
            }
            cli_free_list(list);
            if (n < 1 || formats >= 16)
                return cli_usage_error("audit", "--format takes a list of json, md, html, csv");
            break;
        }
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("audit", "bad option");
        }
    }
    if (argc - optind != 1) return cli_usage_error("audit", "needs exactly one SPEC.yaml");
    iaf_error err;
    iaf_error_clear(&err);
    iaf_spec *spec = NULL;
    iaf_audit *audit = NULL;
    iaf_buf json = {0}, md = {0}, head = {0}, cmd = {0}, path = {0}, written = {0};
    int rc = EXIT_DATA, made_dir = 0;
    cli_outset *outs = NULL;
    cli_progress *prog = cli_progress_new(quiet);
    if (iaf_spec_load(argv[optind], &spec, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    ao.threads = threads;
    ao.progress = cli_progress_consumer(prog);
    iaf_status ast = iaf_audit_run(spec, &ao, &audit, &err);
    cli_progress_done(prog);
    if (ast != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    iaf_buf_puts(&cmd, "iaf audit");
    for (int i = 1; i < argc; i++)
        iaf_buf_printf(&cmd, " %s", argv[i]);
    iaf_report_meta meta = {cmd.data, IAF_VERSION};
    if (iaf_report_json(audit, &meta, &json) != 0 || iaf_report_headline(audit, &head) != 0) {
        fprintf(stderr, "iaf: out of memory while writing the report\n");
        goto done;
    }
    struct stat dst;
    made_dir = stat(outdir, &dst) != 0;
    if (cli_mkdir_p(outdir) != 0) {
        fprintf(stderr, "iaf: %s: cannot create directory: %s\n", outdir, strerror(errno));
        goto done;
    }
    /* The other formats are rendered from report.json itself (report/html.h),
     * so that `iaf report` gives the same bytes from a saved report. Every
     * file is written to a temporary first and all are renamed together
     * (cli/output.h): a failure leaves the previous reports as they were. No
     * report may replace an input of the audit. */
    if (cli_input_add(argv[optind]) != 0) goto oom;
    for (size_t i = 0; i < audit->ninputs; i++)
        if (cli_input_add(audit->inputs[i].path) != 0) goto oom;
    if (!(outs = cli_outset_new())) goto oom;
    static const struct {
        const char *file;
        iaf_status (*render)(const char *, size_t, iaf_buf *, iaf_error *);
    } kinds[] = {{"report.json", NULL},
                 {"report.md", iaf_report_md},
                 {"report.html", iaf_report_html},
                 {"cells.csv", iaf_report_cells_csv}};
    for (int k = 0; k < 4; k++) {
        if (!(formats & (1 << k))) continue;
        md.len = 0;
        if (kinds[k].render && kinds[k].render(json.data, json.len, &md, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        const iaf_buf *data = kinds[k].render ? &md : &json;
        path.len = 0;
        if (iaf_buf_printf(&path, "%s/%s", outdir, kinds[k].file) != 0) goto oom;
        if (cli_outset_add(outs, path.data, data->data, data->len, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        if (iaf_buf_printf(&written, "%s%s", written.len ? ", " : "", path.data) != 0) goto oom;
    }
    if (cli_outset_commit(outs, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!quiet) {
        cli_escape_stdout(); /* check ids, labels and titles are data */
        fwrite(head.data, 1, head.len, stdout);
        printf("\nreports: %s\n", written.data ? written.data : "(none)");
    }
    rc = EXIT_OK;
    if (fail_on) {
        size_t flagged = 0;
        for (size_t i = 0; i < audit->nresults; i++)
            if (audit->results[i].verdict == IAF_VERDICT_FLAG) flagged++;
        if (flagged) {
            fprintf(stderr, "iaf: %zu check(s) FLAG (--fail-on flag)\n", flagged);
            rc = EXIT_FAIL_ON;
        }
    }
    goto done;
oom:
    fprintf(stderr, "iaf: out of memory\n");
    rc = EXIT_DATA;
done:
    cli_outset_free(outs);
    /* a directory made for this run and empty again goes too */
    if (made_dir && rc != EXIT_OK && rc != EXIT_FAIL_ON) rmdir(outdir);
    iaf_buf_free(&json);
    iaf_buf_free(&md);
    iaf_buf_free(&head);
    iaf_buf_free(&cmd);
    iaf_buf_free(&path);
    iaf_buf_free(&written);
    cli_progress_free(prog);
    iaf_audit_free(audit);
    iaf_spec_free(spec);
    return rc;
}
