/* src/cli/cmd_replicate.c - `iaf replicate`: one check template run over
 * several locale/generator bundles (METHOD.md section 10), summarised per
 * check x bundle with taxonomy sizes, n, metrics with intervals, noise
 * floors, floor-corrected values and verdicts. Flags are also counted per
 * comparable cell, because raw flag counts grow with the number of
 * categories; the summary never ranks bundles by raw counts.
 *
 * The library runs the bundles and writes replication.json (iaf_replicate,
 * src/report/replicate.c); the Markdown and the HTML page are rendered from
 * that document, so that `iaf report replication.json` gives the same bytes
 * later. This file parses the options and writes the three files. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "output.h"
#include "iaf/audit.h"
#include "iaf/version.h"
#include "iaf/report.h"
#include "iaf/alloc.h"

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
           "  -o, --output DIR     default: iaf-replication\n");
    cli_common_help(CLI_OPT_BOOTSTRAP, 23, "(per check; default 1000)");
    cli_common_help(CLI_OPT_SEED, 23, NULL);
    cli_common_help(CLI_OPT_THREADS, 23, NULL);
    cli_common_help(CLI_OPT_QUIET, 23, NULL);
    cli_common_help(CLI_OPT_HELP, 23, NULL);
}

int cmd_replicate(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_LONG_OUTPUT,  CLI_LONG_BOOTSTRAP, CLI_LONG_SEED,
                                             CLI_LONG_THREADS, CLI_LONG_QUIET,     CLI_LONG_HELP,
                                             CLI_LONG_END};
    int c;
    cli_common co;
    cli_common_init(&co);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:t:qh", longopts, NULL)) != -1) {
        int crc = cli_common_option(&co, "replicate", c, optarg);
        if (crc == 0) continue;
        if (crc > 0) return crc;
        if (c == 'h') {
            help();
            return EXIT_OK;
        }
        return cli_bad_option("replicate", longopts, c, argv);
    }
    const char *outdir = co.output ? co.output : "iaf-replication";
    int quiet = co.quiet;
    iaf_audit_options ao;
    memset(&ao, 0, sizeof ao);
    ao.bootstrap_b = co.bootstrap;
    ao.seed = co.seed;
    ao.seed_set = co.seed_set;
    ao.threads = co.threads;
    size_t nb = (size_t)(argc - optind);
    if (nb < 1) return cli_usage_error("replicate", "needs at least one bundle spec");
    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_replication *rep = NULL;
    char *cmd = NULL, *path = NULL, *text[3] = {NULL, NULL, NULL};
    size_t ntext[3] = {0, 0, 0};
    cli_outset *outs = NULL;
    if (!(cmd = cli_command_line("replicate", argc, argv))) goto oom;
    iaf_report_meta meta = {cmd, iaf_version()};
    if (iaf_replicate((const char *const *)(argv + optind), nb, &ao, &meta, &rep, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    /* the Markdown (also the stdout summary) and the page, from the document */
    static const iaf_report_format formats[] = {IAF_REPORT_FORMAT_JSON, IAF_REPORT_FORMAT_MD,
                                                IAF_REPORT_FORMAT_HTML};
    for (size_t f = 0; f < 3; f++)
        if (iaf_replication_render(rep, formats[f], &text[f], &ntext[f], &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    if (cli_mkdir_p(outdir, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    /* the three files together (cli/output.h), never over an input of a bundle */
    for (size_t i = 0; i < iaf_replication_ninputs(rep); i++)
        if (cli_input_add(iaf_replication_input_path(rep, i)) != 0) goto oom;
    if (!(outs = cli_outset_new())) goto oom;
    static const char *const files[] = {"replication.json", "replication.md", "replication.html"};
    for (size_t f = 0; f < 3; f++) {
        iaf_free(path);
        if (!(path = cli_path_join(outdir, files[f]))) goto oom;
        if (cli_outset_add(outs, path, text[f], ntext[f], &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    if (cli_outset_commit(outs, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!quiet && (cli_escape_stdout(), cli_stdout_write(text[1], ntext[1], &err) != IAF_OK)) {
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
    iaf_replication_free(rep);
    for (size_t f = 0; f < 3; f++)
        iaf_free(text[f]);
    iaf_free(path);
    iaf_free(cmd);
    return rc;
}
