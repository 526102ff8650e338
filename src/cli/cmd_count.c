/* src/cli/cmd_count.c - `iaf count`: rows (or weight) per combination of
 * column values, as a long CSV that `iaf compare` and `iaf audit` read back
 * and that merges across shards (sum the counts of equal keys). Several
 * --by options count several tables in one scan of the data. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iaf/alloc.h>
#include <iaf/count.h>

#include "commands.h"
#include "options.h"
#include "output.h"
#include "progress.h"

static void help(void)
{
    printf("Usage: iaf count DATA... --by A[,B...] [options]\n"
           "       iaf count DATA... --by A[,B...] -o FILE --by C[,D...] -o FILE2 ...\n\n"
           "Count rows of microdata (CSV, JSONL, Parquet; several files or a glob are one\n"
           "dataset) by the values of one or more columns. Output: a long CSV with the\n"
           "columns A,B,...,count; categories sorted by byte order; missing values (null,\n"
           "the empty string, and the tokens given to --missing) form one category written\n"
           "as an empty field. Several --by\n"
           "options count several tables in one scan; then give one -o per --by (the\n"
           "first -o receives the first --by's table, and so on).\n\n"
           "Options:\n"
           "  -b, --by A[,B...]      columns to count by (1 to 16); repeatable (up to 64)\n");
    cli_common_help(CLI_OPT_WHERE, 25, NULL);
    printf("      --weight COL       sum this numeric column instead of counting rows\n"
           "      --weights FILE     sum the rows' weights from FILE (ID,weight or\n"
           "                         file,row,weight; CSV or Parquet, as iaf calibrate -o\n"
           "                         writes it) instead of counting rows\n");
    cli_common_help(CLI_OPT_MISSING, 25, NULL);
    cli_common_help(CLI_OPT_NORMALIZE, 25, "(applied before counting)");
    cli_common_help(CLI_OPT_FORMAT, 25, NULL);
    cli_common_help(CLI_OPT_ENCODING, 25, NULL);
    cli_common_help(CLI_OPT_DELIMITER, 25, NULL);
    cli_common_help(CLI_OPT_THREADS, 25, NULL);
    printf("  -o, --output FILE      write here (atomically) instead of stdout\n");
    cli_common_help(CLI_OPT_QUIET, 25, "(the progress line shows on a terminal after 1 s)");
    cli_common_help(CLI_OPT_HELP, 25, NULL);
}

/* Splits each --by's comma list into bys[k] (nbys[k] columns): EXIT_OK, or the
 * exit code of a usage error or of running out of memory. */
static int split_bys(const char *const *by, int nbyopt, char **bys[], int nbys[])
{
    for (int k = 0; k < nbyopt; k++) {
        nbys[k] = cli_split(by[k], &bys[k]);
        if (nbys[k] < 0) return cli_oom();
        if (nbys[k] < 1 || nbys[k] > IAF_COUNT_MAX_COLUMNS)
            return cli_usage_error("count", "--by takes 1 to %d columns", IAF_COUNT_MAX_COLUMNS);
        const char *rep = cli_find_repeat(bys[k], (size_t)nbys[k]);
        if (rep == cli_repeat_nomem) return cli_oom();
        if (rep) return cli_usage_error("count", "--by names '%s' more than once", rep);
    }
    return EXIT_OK;
}

/* Tables of at most this many cells in all are formatted side by side (their
 * texts are then all in memory at once); larger ones one after the other,
 * into one buffer. */
#define FORMAT_TOGETHER_CELLS ((size_t)1 << 20)

/* Every table's CSV text added to outs (the i-th --output receives the
 * i-th table; stdout without one): EXIT_OK, or the exit code of a failure,
 * reported. */
static int add_outputs(const iaf_counter *counter, int weighted, int ntab, const cli_common *co,
                       cli_outset *outs)
{
    iaf_error err;
    iaf_error_clear(&err);
    int nout = (int)co->noutputs, rc = EXIT_OK;
    size_t cells = 0;
    for (int k = 0; k < ntab; k++)
        cells += iaf_table_ncells(iaf_counter_table(counter, (size_t)k));
    if (ntab > 1 && co->threads != 1 && cells <= FORMAT_TOGETHER_CELLS) {
        /* formatted side by side by the library, then handed over one by one */
        iaf_buffer *bufs[IAF_COUNT_MAX_TABLES] = {NULL};
        for (int k = 0; k < ntab; k++)
            if (!(bufs[k] = iaf_buffer_new())) rc = -1;
        if (rc != EXIT_OK)
            rc = cli_oom();
        else if (iaf_counter_write_counts_csv(counter, weighted, bufs, (size_t)ntab, &err) !=
                 IAF_OK)
            rc = cli_fail(&err);
        for (int k = 0; k < ntab; k++) {
            if (rc == EXIT_OK &&
                cli_outset_add(outs, k < nout ? co->outputs[k] : "-", iaf_buffer_data(bufs[k]),
                               iaf_buffer_len(bufs[k]), &err) != IAF_OK)
                rc = cli_fail(&err);
            iaf_buffer_free(bufs[k]); /* copied to its temporary */
        }
        return rc;
    }
    iaf_buffer *out = iaf_buffer_new();
    if (!out) return cli_oom();
    for (int k = 0; k < ntab && rc == EXIT_OK; k++) {
        iaf_buffer_clear(out);
        if (iaf_table_write_counts_csv(iaf_counter_table(counter, (size_t)k), weighted, out,
                                       &err) != IAF_OK ||
            cli_outset_add(outs, k < nout ? co->outputs[k] : "-", iaf_buffer_data(out),
                           iaf_buffer_len(out), &err) != IAF_OK)
            rc = cli_fail(&err);
    }
    iaf_buffer_free(out);
    return rc;
}

int cmd_count(int argc, char **argv)
{
    static const struct option longopts[] = {{"by", required_argument, NULL, 'b'},
                                             {"weight", required_argument, NULL, 'W'},
                                             {"weights", required_argument, NULL, 'V'},
                                             CLI_LONG_WHERE,
                                             CLI_LONG_MISSING,
                                             CLI_LONG_NORMALIZE,
                                             CLI_LONG_FORMAT,
                                             CLI_LONG_ENCODING,
                                             CLI_LONG_DELIMITER,
                                             CLI_LONG_THREADS,
                                             CLI_LONG_OUTPUT,
                                             CLI_LONG_QUIET,
                                             CLI_LONG_HELP,
                                             CLI_LONG_END};
    const char *by[IAF_COUNT_MAX_TABLES];
    int nbyopt = 0;
    cli_common co;
    cli_common_init(&co);
    iaf_count_options opt;
    memset(&opt, 0, sizeof opt);
    int c;
    const char *weights = NULL;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":b:w:f:t:o:qh", longopts, NULL)) != -1) {
        int rc = cli_common_option(&co, "count", c, optarg);
        if (rc == 0) continue;
        if (rc > 0) return rc;
        switch (c) {
        case 'b':
            if (nbyopt == IAF_COUNT_MAX_TABLES)
                return cli_usage_error("count", "at most %d --by options", IAF_COUNT_MAX_TABLES);
            by[nbyopt++] = optarg;
            break;
        case 'W':
            opt.weight = optarg;
            break;
        case 'V':
            weights = optarg;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_bad_option("count", longopts, c, argv);
        }
    }
    if (optind >= argc) return cli_usage_error("count", "no input files");
    if (!nbyopt) return cli_usage_error("count", "--by is required");
    if (weights && opt.weight)
        return cli_usage_error("count", "--weight and --weights exclude each other");
    int nout = (int)co.noutputs;
    if (nbyopt > 1 ? nout != nbyopt : nout > 1)
        return cli_usage_error("count", "give one --output per --by (the i-th --output receives "
                                        "the i-th --by's table)");

    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    char **bys[IAF_COUNT_MAX_TABLES] = {NULL};
    int nbys[IAF_COUNT_MAX_TABLES] = {0};
    char **nas = NULL;
    iaf_counter *counter = NULL;
    cli_progress *prog = NULL;
    cli_outset *outs = NULL;
    if ((rc = split_bys(by, nbyopt, bys, nbys)) != EXIT_OK) goto done;
    rc = EXIT_DATA;
    int nna = 0;
    if (co.missing && (nna = cli_split(co.missing, &nas)) < 0) goto oom;
    opt.missing = (const char *const *)nas;
    opt.nmissing = nas ? (size_t)nna : 0;
    cli_common_source(&co, &opt.source);
    opt.where = co.where;
    opt.where_name = "--where";
    opt.normalize = co.normalize;
    prog = cli_progress_new(co.quiet);
    const iaf_scan_consumer *pc = cli_progress_consumer(prog);
    if (pc) {
        opt.progress = pc->progress;
        opt.progress_ctx = pc->ctx;
    }
    if (iaf_counter_open((const char *const *)(argv + optind), (size_t)(argc - optind), &opt,
                         &counter, &err) != IAF_OK) {
        cli_progress_done(prog);
        rc = cli_fail(&err);
        goto done;
    }
    if (weights && iaf_counter_set_weights(counter, weights, &err) != IAF_OK) {
        cli_progress_done(prog);
        rc = cli_fail(&err);
        goto done;
    }
    for (int k = 0; k < nbyopt; k++)
        if (iaf_counter_add(counter, (const char *const *)bys[k], (size_t)nbys[k], NULL, &err) !=
            IAF_OK) {
            /* too many columns with the filter's: the arguments' fault */
            rc = err.status == IAF_ERR_INVALID ? cli_usage_error("count", "%s", err.message)
                                               : cli_fail(&err);
            goto done;
        }
    iaf_status st = iaf_counter_run(counter, &err);
    cli_progress_done(prog); /* erased before any output */
    if (st != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    /* every table complete before any file is replaced; never over an input */
    for (size_t i = 0; i < iaf_counter_nfiles(counter); i++)
        if (cli_input_add(iaf_counter_file(counter, i)) != 0) goto oom;
    if (weights && cli_input_add(weights) != 0) goto oom;
    if (!(outs = cli_outset_new())) goto oom;
    rc = add_outputs(counter, opt.weight != NULL || weights != NULL, nbyopt, &co, outs);
    if (rc != EXIT_OK) goto done;
    rc = EXIT_DATA;
    if (cli_outset_commit(outs, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    rc = EXIT_OK;
    goto done;
oom:
    fprintf(stderr, "iaf: out of memory\n");
done:
    cli_outset_free(outs);
    cli_progress_free(prog);
    iaf_counter_free(counter);
    for (int k = 0; k < nbyopt; k++)
        cli_free_list(bys[k]);
    cli_free_list(nas);
    return rc;
}
