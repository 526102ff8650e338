/* src/cli/cmd_audit.c - `iaf audit SPEC.yaml`: run every check of a spec,
 * print the headline, write report.json and report.md atomically. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "iaf/audit.h"
#include "iaf/cubes.h"
#include "iaf/version.h"
#include "iaf/report.h"
#include "iaf/alloc.h"

static void help(void)
{
    printf("Usage: iaf audit SPEC.yaml [options]\n\n"
           "Run the checks of an audit spec (docs/spec.md) and write report.json\n"
           "(schema iaf-report/1, docs/report-schema.md), report.md, report.html and\n"
           "cells.csv (docs/report.md) into DIR.\n"
           "The headline table goes to stdout.\n\n"
           "Options:\n"
           "  -o, --output DIR     where to write the reports (default: iaf-report;\n"
           "                       with --counts-only: iaf-counts)\n"
           "  -m, --microdata PATH read the microdata from PATH (a file, glob or directory;\n"
           "                       repeatable) instead of the spec's dataset.microdata\n"
           "      --weights FILE   weight the microdata's rows by FILE (ID,weight or\n"
           "                       file,row,weight; CSV or Parquet, as iaf calibrate -o\n"
           "                       writes it) instead of the spec's weight column\n"
           "      --format LIST    which of json,md,html,csv to write (default: all)\n");
    cli_common_help(CLI_OPT_FAIL_ON, 23, NULL);
    cli_common_help(CLI_OPT_THREADS, 23, "(for microdata scans)");
    cli_common_help(CLI_OPT_BOOTSTRAP, 23, "(per check; default 1000)");
    cli_common_help(CLI_OPT_SEED, 23, NULL);
    cli_common_help(CLI_OPT_INTERVAL, 23, NULL);
    printf("      --no-bootstrap   point estimates only: no intervals, no verdicts\n"
           "      --counts-only    count the raw cubes only and write them into DIR (a\n"
           "                       count directory; docs/scale.md); no check is run\n"
           "      --counts DIR     audit from the count directory DIR (shards merged by\n"
           "                       `iaf merge`, or an engine's results of `iaf plan`)\n"
           "                       instead of scanning the microdata\n");
    cli_common_help(CLI_OPT_QUIET, 23, "(no headline)");
    cli_common_help(CLI_OPT_HELP, 23, NULL);
}

/* What the command line asks for. */
typedef struct audit_args {
    const char *outdir, *fail_on;
    int threads, quiet, formats; /* formats: bits json, md, html, csv */
    iaf_audit_options ao;
    const char *micro[64]; /* --microdata paths */
    size_t nmicro;
    int counts_only;
    const char *counts;  /* --counts DIR */
    const char *weights; /* --weights FILE */
} audit_args;

/* The options; 0 to go on, -1 after --help, else the usage error's exit code. */
static int parse_args(int argc, char **argv, audit_args *o)
{
    enum { OPT_REPORT_FORMAT = 0x2001 }; /* --format here is the reports' */
    static const struct option longopts[] = {{"no-bootstrap", no_argument, NULL, 'N'},
                                             {"format", required_argument, NULL, OPT_REPORT_FORMAT},
                                             {"microdata", required_argument, NULL, 'm'},
                                             {"counts-only", no_argument, NULL, 'C'},
                                             {"counts", required_argument, NULL, 'K'},
                                             {"weights", required_argument, NULL, 'W'},
                                             CLI_LONG_OUTPUT,
                                             CLI_LONG_FAIL_ON,
                                             CLI_LONG_THREADS,
                                             CLI_LONG_QUIET,
                                             CLI_LONG_BOOTSTRAP,
                                             CLI_LONG_SEED,
                                             CLI_LONG_INTERVAL,
                                             CLI_LONG_HELP,
                                             CLI_LONG_END};
    int c;
    cli_common co;
    cli_common_init(&co);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:m:t:qh", longopts, NULL)) != -1) {
        int crc = cli_common_option(&co, "audit", c, optarg);
        if (crc == 0) continue;
        if (crc > 0) return crc;
        switch (c) {
        case 'W':
            o->weights = optarg;
            break;
        case 'm':
            if (o->nmicro == sizeof o->micro / sizeof *o->micro)
                return cli_usage_error("audit", "at most 64 --microdata paths");
            o->micro[o->nmicro++] = optarg;
            break;
        case 'N':
            o->ao.no_bootstrap = 1;
            break;
        case 'C':
            o->counts_only = 1;
            break;
        case 'K':
            o->counts = optarg;
            break;
        case OPT_REPORT_FORMAT: {
            char **list = NULL;
            int n = cli_split(optarg, &list);
            if (n < 0) return cli_oom();
            o->formats = 0;
            for (int i = 0; i < n; i++) {
                static const char *const names[] = {"json", "md", "html", "csv"};
                int k = 0;
                while (k < 4 && strcmp(list[i], names[k]) != 0)
                    k++;
                o->formats |= k < 4 ? 1 << k : 16;
            }
            cli_free_list(list);
            if (n < 1 || o->formats >= 16)
                return cli_usage_error("audit", "--format takes a list of json, md, html, csv");
            break;
        }
        case 'h':
            help();
            return -1;
        default:
            return cli_bad_option("audit", longopts, c, argv);
        }
    }
    if (co.output) o->outdir = co.output;
    o->fail_on = co.fail_on;
    o->threads = co.threads;
    o->quiet = co.quiet;
    o->ao.bootstrap_b = co.bootstrap;
    o->ao.seed = co.seed;
    o->ao.seed_set = co.seed_set;
    o->ao.interval = (iaf_interval_method)co.interval;
    o->ao.interval_set = co.interval_set;
    return 0;
}

/* --counts-only: the raw cubes of this run into a count directory. */
static int counts_only(const audit_args *o, const char *spec_path)
{
    iaf_error err;
    iaf_error_clear(&err);
    iaf_spec *spec = NULL;
    iaf_cubes *cubes = NULL;
    int rc = EXIT_DATA;
    const char *outdir = o->outdir;
    cli_progress *prog = cli_progress_new(o->quiet);
    if (iaf_spec_load(spec_path, &spec, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (o->nmicro && iaf_spec_set_microdata(spec, o->micro, o->nmicro, &err) != IAF_OK) {
        rc = err.status == IAF_ERR_NOMEM ? cli_fail(&err)
                                         : cli_usage_error("audit", "--microdata: %s", err.message);
        goto done;
    }
    iaf_audit_options ao = o->ao;
    ao.threads = o->threads;
    ao.progress = cli_progress_consumer(prog);
    iaf_status st = iaf_cubes_count(spec, &ao, &cubes, &err);
    cli_progress_done(prog);
    if (st != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (cli_input_add(spec_path) != 0) goto oom;
    for (size_t i = 0; i < iaf_cubes_ninputs(cubes); i++)
        if (cli_input_add(iaf_cubes_input_path(cubes, i)) != 0) goto oom;
    if ((rc = cli_write_cubes(cubes, outdir)) != EXIT_OK) goto done;
    if (!o->quiet)
        printf("counted %lld rows into %zu cubes, fingerprint %.16s: %s\n",
               (long long)iaf_cubes_rows(cubes), iaf_cubes_ncubes(cubes),
               iaf_cubes_fingerprint(cubes), outdir);
    goto done;
oom:
    rc = cli_oom();
done:
    cli_progress_free(prog);
    iaf_cubes_free(cubes);
    iaf_spec_free(spec);
    return rc;
}

/* The options that exclude each other, and the one SPEC.yaml (nargs operands). */
static int check_combination(const audit_args *o, int nargs)
{
    if (nargs != 1) return cli_usage_error("audit", "needs exactly one SPEC.yaml");
    if (o->counts_only && o->counts)
        return cli_usage_error("audit", "--counts-only and --counts exclude each other");
    if (o->counts && o->nmicro)
        return cli_usage_error("audit", "--counts reads no microdata: drop --microdata");
    if (o->weights && (o->counts || o->counts_only))
        return cli_usage_error("audit", "--weights weights rows as they are scanned: not with "
                                        "--counts or --counts-only");
    return EXIT_OK;
}

/* The checks whose verdict is FLAG (--fail-on flag). */
static size_t count_flags(const iaf_audit *audit)
{
    size_t flagged = 0;
    for (size_t i = 0; i < iaf_audit_nchecks(audit); i++) {
        const char *v = iaf_audit_check_verdict(audit, i);
        flagged += v && !strcmp(v, "FLAG");
    }
    return flagged;
}

int cmd_audit(int argc, char **argv)
{
    audit_args o;
    memset(&o, 0, sizeof o);
    o.formats = 15;
    int prc = parse_args(argc, argv, &o);
    if (prc) return prc < 0 ? EXIT_OK : prc;
    if (!o.outdir) o.outdir = o.counts_only ? "iaf-counts" : "iaf-report";
    const char *outdir = o.outdir, *fail_on = o.fail_on;
    int threads = o.threads, quiet = o.quiet, formats = o.formats;
    iaf_audit_options ao = o.ao;
    if ((prc = check_combination(&o, argc - optind)) != EXIT_OK) return prc;
    if (o.counts_only) return counts_only(&o, argv[optind]);
    iaf_error err;
    iaf_error_clear(&err);
    iaf_spec *spec = NULL;
    iaf_audit *audit = NULL;
    iaf_report *report = NULL;
    char *text = NULL, *head = NULL, *path = NULL, *cmd = NULL, *names = NULL;
    size_t ntext = 0;
    int rc = EXIT_DATA, made_dir = 0;
    cli_outset *outs = NULL;
    cli_progress *prog = cli_progress_new(quiet);
    if (iaf_spec_load(argv[optind], &spec, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (o.nmicro && iaf_spec_set_microdata(spec, o.micro, o.nmicro, &err) != IAF_OK) {
        rc = err.status == IAF_ERR_NOMEM ? cli_fail(&err)
                                         : cli_usage_error("audit", "--microdata: %s", err.message);
        goto done;
    }
    if (o.weights && iaf_spec_set_weights(spec, o.weights, &err) != IAF_OK) {
        rc = err.status == IAF_ERR_INVALID && !err.file[0]
                 ? cli_usage_error("audit", "--weights: %s", err.message)
                 : cli_fail(&err);
        goto done;
    }
    ao.threads = threads;
    ao.progress = cli_progress_consumer(prog);
    iaf_status ast;
    if (o.counts) {
        iaf_cubes *cubes = NULL;
        ast = iaf_cubes_load(o.counts, &cubes, &err);
        if (ast == IAF_OK) ast = iaf_audit_run_cubes(spec, &ao, cubes, &audit, &err);
        iaf_cubes_free(cubes);
    } else {
        ast = iaf_audit_run(spec, &ao, &audit, &err);
    }
    cli_progress_done(prog);
    if (ast != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!(cmd = cli_command_line("audit", argc, argv))) goto oom;
    iaf_report_meta meta = {cmd, iaf_version()};
    if (iaf_report_from_audit(audit, &meta, &report, &err) != IAF_OK ||
        iaf_report_render(report, IAF_REPORT_FORMAT_HEADLINE, &head, NULL, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    struct stat dst;
    made_dir = stat(outdir, &dst) != 0;
    if (cli_mkdir_p(outdir, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    /* Every format is rendered from the report model, which is report.json
     * loaded back, so that `iaf report` gives the same bytes from a saved
     * report. Every
     * file is written to a temporary first and all are renamed together
     * (cli/output.h): a failure leaves the previous reports as they were. No
     * report may replace an input of the audit. */
    if (cli_input_add(argv[optind]) != 0) goto oom;
    for (size_t i = 0; i < iaf_audit_ninputs(audit); i++)
        if (cli_input_add(iaf_audit_input_path(audit, i)) != 0) goto oom;
    if (!(outs = cli_outset_new())) goto oom;
    static const struct {
        const char *file;
        iaf_report_format format;
    } kinds[] = {{"report.json", IAF_REPORT_FORMAT_JSON},
                 {"report.md", IAF_REPORT_FORMAT_MD},
                 {"report.html", IAF_REPORT_FORMAT_HTML},
                 {"cells.csv", IAF_REPORT_FORMAT_CELLS}};
    for (int k = 0; k < 4; k++) {
        if (!(formats & (1 << k))) continue;
        iaf_free(text);
        text = NULL;
        if (iaf_report_render(report, kinds[k].format, &text, &ntext, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        iaf_free(path);
        if (!(path = cli_path_join(outdir, kinds[k].file))) goto oom;
        if (cli_outset_add(outs, path, text, ntext, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        if ((names && cli_append(&names, ", ") != 0) || cli_append(&names, kinds[k].file) != 0)
            goto oom;
    }
    if (cli_outset_commit(outs, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!quiet) {
        cli_escape_stdout(); /* check ids, labels and titles are data */
        fputs(head, stdout);
        printf("\nreports in %s: %s\n", outdir, names ? names : "(none)");
    }
    rc = EXIT_OK;
    if (fail_on) {
        size_t flagged = count_flags(audit);
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
    iaf_report_free(report);
    /* a directory made for this run and empty again goes too */
    if (made_dir && rc != EXIT_OK && rc != EXIT_FAIL_ON) rmdir(outdir);
    iaf_free(text);
    iaf_free(head);
    iaf_free(cmd);
    iaf_free(path);
    iaf_free(names);
    cli_progress_free(prog);
    iaf_audit_free(audit);
    iaf_spec_free(spec);
    return rc;
}
