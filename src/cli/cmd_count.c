/* src/cli/cmd_count.c - `iaf count`: rows (or weight) per combination of
 * column values, as a long CSV that `iaf compare` and `iaf audit` read back
 * and that merges across shards (sum the counts of equal keys). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit/dataset.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "report/csvout.h"

static void help(void)
{
    printf("Usage: iaf count DATA... --by A[,B...] [options]\n\n"
           "Count rows of microdata (CSV, JSONL, Parquet; several files or a glob are one\n"
           "dataset) by the values of one or more columns. Output: a long CSV with the\n"
           "columns A,B,...,count; categories sorted by byte order; missing values (null,\n"
           "empty, NA, N) form one category written as an empty field.\n\n"
           "Options:\n"
           "  -b, --by A[,B...]      columns to count by (1 to 16)\n"
           "  -w, --where EXPR       universe filter, e.g. 'age >= 25 and sex == \"여자\"'\n"
           "      --weight COL       sum this numeric column instead of counting rows\n"
           "      --na LIST          raw values meaning missing (default: ,NA,N); '' = only\n"
           "                         null and empty\n"
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
        {"by", required_argument, NULL, 'b'},      {"where", required_argument, NULL, 'w'},
        {"weight", required_argument, NULL, 'W'},  {"na", required_argument, NULL, 'N'},
        {"format", required_argument, NULL, 'f'},  {"encoding", required_argument, NULL, 'E'},
        {"delimiter", required_argument, NULL, 'D'}, {"threads", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},  {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0}};
    const char *by = NULL, *where = NULL, *output = "-", *na = NULL;
    iaf_dataset_options dopt;
    memset(&dopt, 0, sizeof dopt);
    dopt.form = IAF_DATA_MICRODATA;
    int c, quiet = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "b:w:f:t:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'b': by = optarg; break;
        case 'w': where = optarg; break;
        case 'W': dopt.weight = optarg; break;
        case 'N': na = optarg; break;
        case 'f':
            if (cli_parse_format(optarg, &dopt.source.format) != 0)
                return cli_usage_error("count", "unknown format '%s'", optarg);
            break;
        case 'E':
            if (cli_parse_encoding(optarg, &dopt.source.encoding) != 0)
                return cli_usage_error("count", "unknown encoding '%s'", optarg);
            break;
        case 'D':
            if (cli_parse_delimiter(optarg, &dopt.source.delimiter) != 0)
                return cli_usage_error("count", "bad delimiter '%s'", optarg);
            break;
        case 't':
            if (cli_parse_threads(optarg, &dopt.source.threads) != 0)
                return cli_usage_error("count", "--threads takes 1..64 or auto");
            break;
        case 'o': output = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage_error("count", "bad option");
        }
    }
    if (optind >= argc) return cli_usage_error("count", "no input files");
    if (!by) return cli_usage_error("count", "--by is required");

    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    char **bys = NULL, **nas = NULL;
    int nby = cli_split(by, &bys), nna = 0;
    iaf_expr *universe = NULL;
    iaf_dataset *ds = NULL;
    iaf_derived *dv = NULL;
    iaf_attr *attrs[16] = {0};
    const char *cols[IAF_MAX_CUBE_COLS];
    size_t ncols = 0;
    iaf_buf out = {0};
    cli_progress *prog = NULL;
    if (nby < 1 || nby > 16) {
        rc = cli_usage_error("count", "--by takes 1 to 16 columns");
        goto done;
    }
    if (na && (nna = cli_split(na, &nas)) < 0) goto done;
    if (where && iaf_expr_parse(where, "--where", &universe, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    for (int i = 0; i < nby; i++) {
        if (!(attrs[i] = iaf_attr_new_asis(bys[i], bys[i]))) goto done;
        if (nas && iaf_attr_set_missing(attrs[i], (const char *const *)nas, (size_t)nna) != 0)
            goto done;
        cols[ncols++] = bys[i];
    }
    if (universe)
        for (size_t v = 0; v < iaf_expr_nvars(universe); v++) {
            const char *name = iaf_expr_var(universe, v);
            int dup = 0;
            for (size_t k = 0; k < ncols; k++) dup |= !strcmp(cols[k], name);
            if (dup) continue;
            if (ncols == IAF_MAX_CUBE_COLS) {
                rc = cli_usage_error("count", "too many columns in --by and --where");
                goto done;
            }
            cols[ncols++] = name;
        }
    prog = cli_progress_new(quiet);
    if (iaf_dataset_open((const char *const *)(argv + optind), (size_t)(argc - optind), &dopt, &ds,
                         &err) != IAF_OK ||
        iaf_dataset_add_request(ds, cols, ncols, &err) < 0 ||
        iaf_dataset_count(ds, cli_progress_consumer(prog), &err) != IAF_OK ||
        iaf_dataset_derive(ds, 0, attrs, (size_t)nby, universe, &dv, &err) != IAF_OK) {
        cli_progress_done(prog);
        rc = cli_fail(&err);
        goto done;
    }
    cli_progress_done(prog); /* erased before any output */
    {
        const iaf_table *t = dv->table;
        for (int i = 0; i < nby; i++) {
            if (i) iaf_buf_append(&out, ",", 1);
            iaf_csv_put(&out, bys[i], strlen(bys[i]));
        }
        iaf_buf_puts(&out, ",count\n");
        for (size_t i = 0; i < iaf_table_ncells(t); i++) {
            iaf_cell cl = iaf_table_cell(t, i);
            for (int a = 0; a < nby; a++) {
                if (a) iaf_buf_append(&out, ",", 1);
                iaf_sv v = iaf_table_cat(t, (size_t)a, cl.cat[a]);
                iaf_csv_put(&out, v.ptr, v.len);
            }
            char num[40];
            size_t n = dopt.weight ? iaf_fmt_f64(num, cl.value) : iaf_fmt_i64(num, cl.n);
            iaf_buf_append(&out, ",", 1);
            iaf_buf_append(&out, num, n);
            iaf_buf_append(&out, "\n", 1);
        }
    }
    if (cli_write_file(output, out.data ? out.data : "", out.len, &err) != 0) {
        rc = cli_fail(&err);
        goto done;
    }
    rc = EXIT_OK;
done:
    cli_progress_free(prog);
    iaf_buf_free(&out);
    for (int i = 0; i < 16; i++) iaf_attr_free(attrs[i]);
    iaf_derived_free(dv);
    iaf_dataset_free(ds);
    iaf_expr_free(universe);
    cli_free_list(bys);
    cli_free_list(nas);
    return rc;
}
