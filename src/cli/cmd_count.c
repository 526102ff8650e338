/* src/cli/cmd_count.c - `iaf count`: rows (or weight) per combination of
 * column values, as a long CSV that `iaf compare` and `iaf audit` read back
 * and that merges across shards (sum the counts of equal keys). Several
 * --by options count several tables in one scan of the data. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
           "  -b, --by A[,B...]      columns to count by (1 to 16); repeatable (up to 64)\n"
           "  -w, --where EXPR       universe filter, e.g. 'age >= 25 and sex == \"여자\"'\n"
           "      --weight COL       sum this numeric column instead of counting rows\n"
           "      --weights FILE     sum the rows' weights from FILE (ID,weight or\n"
           "                         file,row,weight; CSV or Parquet, as iaf calibrate -o\n"
           "                         writes it) instead of counting rows\n"
           "      --missing LIST     values that also mean missing, e.g. NA,N (default: none;\n"
           "                         null and the empty string always do); --na is an alias\n"
           "      --normalize STEPS  label normalisation before counting: trim, nfc, nfkc,\n"
           "                         casefold, numeric (comma-separated; docs/spec.md)\n"
           "  -f, --format FMT       auto (default), csv, jsonl, parquet\n"
           "      --encoding ENC     text input encoding: utf-8 (default), cp949, euc-kr\n"
           "      --delimiter C      CSV delimiter (default ',', or tab for .tsv)\n"
           "  -t, --threads N        worker threads (default: all cores)\n"
           "  -o, --output FILE      write here (atomically) instead of stdout\n"
           "  -q, --quiet            no progress line (shown on a terminal after 1 s)\n"
           "  -h, --help             this text\n");
}

int cmd_count(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"by", required_argument, NULL, 'b'},
        {"where", required_argument, NULL, CLI_OPT_WHERE},
        {"weight", required_argument, NULL, 'W'},
        {"weights", required_argument, NULL, 'V'},
        {"na", required_argument, NULL, CLI_OPT_MISSING},
        {"missing", required_argument, NULL, CLI_OPT_MISSING},
        {"normalize", required_argument, NULL, CLI_OPT_NORMALIZE},
        {"format", required_argument, NULL, CLI_OPT_FORMAT},
        {"encoding", required_argument, NULL, CLI_OPT_ENCODING},
        {"delimiter", required_argument, NULL, CLI_OPT_DELIMITER},
        {"threads", required_argument, NULL, CLI_OPT_THREADS},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0}};
    const char *by[IAF_COUNT_MAX_TABLES], *outputs[IAF_COUNT_MAX_TABLES];
    int nbyopt = 0, nout = 0;
    cli_common co;
    cli_common_init(&co);
    iaf_count_options opt;
    memset(&opt, 0, sizeof opt);
    int c, quiet = 0;
    const char *weights = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "b:w:f:t:o:qh", longopts, NULL)) != -1) {
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
        case 'o':
            if (nout == IAF_COUNT_MAX_TABLES)
                return cli_usage_error("count", "at most %d --output options",
                                       IAF_COUNT_MAX_TABLES);
            outputs[nout++] = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("count", "bad option");
        }
    }
    if (optind >= argc) return cli_usage_error("count", "no input files");
    if (!nbyopt) return cli_usage_error("count", "--by is required");
    if (weights && opt.weight)
        return cli_usage_error("count", "--weight and --weights exclude each other");
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
    iaf_buffer *out = NULL;
    cli_progress *prog = NULL;
    cli_outset *outs = NULL;
    for (int k = 0; k < nbyopt; k++) {
        nbys[k] = cli_split(by[k], &bys[k]);
        if (nbys[k] < 0) {
            rc = cli_oom();
            goto done;
        }
        if (nbys[k] < 1 || nbys[k] > IAF_COUNT_MAX_COLUMNS) {
            rc = cli_usage_error("count", "--by takes 1 to %d columns", IAF_COUNT_MAX_COLUMNS);
            goto done;
        }
        const char *rep = cli_find_repeat(bys[k], (size_t)nbys[k]);
        if (rep == cli_repeat_nomem) {
            rc = cli_oom();
            goto done;
        }
        if (rep) {
            rc = cli_usage_error("count", "--by names '%s' more than once", rep);
            goto done;
        }
    }
    int nna = 0;
    if (co.missing && (nna = cli_split(co.missing, &nas)) < 0) goto oom;
    opt.missing = (const char *const *)nas;
    opt.nmissing = nas ? (size_t)nna : 0;
    cli_common_source(&co, &opt.source);
    opt.where = co.where;
    opt.where_name = "--where";
    opt.normalize = co.normalize;
    prog = cli_progress_new(quiet);
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
    if (!(outs = cli_outset_new()) || !(out = iaf_buffer_new())) goto oom;
    for (int k = 0; k < nbyopt; k++) {
        iaf_buffer_clear(out);
        if (iaf_table_write_counts_csv(iaf_counter_table(counter, (size_t)k),
                                       opt.weight != NULL || weights != NULL, out,
                                       &err) != IAF_OK ||
            cli_outset_add(outs, k < nout ? outputs[k] : "-", iaf_buffer_data(out),
                           iaf_buffer_len(out), &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
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
    iaf_buffer_free(out);
    iaf_counter_free(counter);
    for (int k = 0; k < nbyopt; k++)
        cli_free_list(bys[k]);
    cli_free_list(nas);
    return rc;
}
