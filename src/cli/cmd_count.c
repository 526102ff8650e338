/* src/cli/cmd_count.c - `iaf count`: rows (or weight) per combination of
 * column values, as a long CSV that `iaf compare` and `iaf audit` read back
 * and that merges across shards (sum the counts of equal keys). Several
 * --by options count several tables in one scan of the data. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit/dataset.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "report/csvout.h"

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

#define COUNT_MAX_TABLES 64

/* One --by: its columns, the columns read for it (with --where's), its
 * request in the dataset and its table. */
typedef struct count_table {
    char **bys;
    int nby;
    iaf_attr *attrs[16];
    const char *cols[IAF_MAX_CUBE_COLS];
    size_t ncols;
    int req;
    iaf_derived *dv;
} count_table;

/* Returns 0, or -1 when out of memory. */
static int format_table(iaf_buf *out, const count_table *ct, int weighted)
{
    int bad = 0;
    const iaf_table *t = ct->dv->table;
    for (int i = 0; i < ct->nby; i++) {
        if (i) bad |= iaf_buf_append(out, ",", 1);
        bad |= iaf_csv_put(out, ct->bys[i], strlen(ct->bys[i]));
    }
    bad |= iaf_buf_puts(out, ",count\n");
    for (size_t i = 0; i < iaf_table_ncells(t); i++) {
        iaf_cell cl = iaf_table_cell(t, i);
        for (int a = 0; a < ct->nby; a++) {
            if (a) bad |= iaf_buf_append(out, ",", 1);
            iaf_sv v = iaf_table_cat(t, (size_t)a, cl.cat[a]);
            bad |= iaf_csv_put(out, v.ptr, v.len);
        }
        char num[40];
        size_t n = weighted ? iaf_fmt_f64(num, cl.value) : iaf_fmt_i64(num, cl.n);
        bad |= iaf_buf_append(out, ",", 1);
        bad |= iaf_buf_append(out, num, n);
        bad |= iaf_buf_append(out, "\n", 1);
    }
    return bad ? -1 : 0;
}

int cmd_count(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"by", required_argument, NULL, 'b'},        {"where", required_argument, NULL, 'w'},
        {"weight", required_argument, NULL, 'W'},    {"na", required_argument, NULL, 'N'},
        {"missing", required_argument, NULL, 'N'},   {"normalize", required_argument, NULL, 'Z'},
        {"format", required_argument, NULL, 'f'},    {"encoding", required_argument, NULL, 'E'},
        {"delimiter", required_argument, NULL, 'D'}, {"threads", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},    {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'},           {NULL, 0, NULL, 0}};
    const char *by[COUNT_MAX_TABLES], *outputs[COUNT_MAX_TABLES], *where = NULL, *na = NULL;
    int nbyopt = 0, nout = 0;
    iaf_dataset_options dopt;
    memset(&dopt, 0, sizeof dopt);
    dopt.form = IAF_DATA_MICRODATA;
    int c, quiet = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "b:w:f:t:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'b':
            if (nbyopt == COUNT_MAX_TABLES)
                return cli_usage_error("count", "at most %d --by options", COUNT_MAX_TABLES);
            by[nbyopt++] = optarg;
            break;
        case 'w':
            where = optarg;
            break;
        case 'W':
            dopt.weight = optarg;
            break;
        case 'N':
            na = optarg;
            break;
        case 'Z':
            if (cli_parse_normalize(optarg, &dopt.labels.normalize) != 0)
                return cli_usage_error("count", "--normalize takes trim, nfc, nfkc, casefold, "
                                                "numeric (comma-separated)");
            break;
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
        case 'o':
            if (nout == COUNT_MAX_TABLES)
                return cli_usage_error("count", "at most %d --output options", COUNT_MAX_TABLES);
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
    if (nbyopt > 1 ? nout != nbyopt : nout > 1)
        return cli_usage_error("count", "give one --output per --by (the i-th --output receives "
                                        "the i-th --by's table)");

    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    char **nas = NULL;
    int nna = 0;
    iaf_expr *universe = NULL;
    iaf_dataset *ds = NULL;
    count_table tabs[COUNT_MAX_TABLES];
    memset(tabs, 0, sizeof tabs);
    iaf_buf out = {0};
    cli_progress *prog = NULL;
    cli_outset *outs = NULL;
    for (int k = 0; k < nbyopt; k++) {
        tabs[k].nby = cli_split(by[k], &tabs[k].bys);
        if (tabs[k].nby < 0) {
            rc = cli_oom();
            goto done;
        }
        if (tabs[k].nby < 1 || tabs[k].nby > 16) {
            rc = cli_usage_error("count", "--by takes 1 to 16 columns");
            goto done;
        }
        const char *rep = cli_find_repeat(tabs[k].bys, (size_t)tabs[k].nby);
        if (rep == cli_repeat_nomem) {
            rc = cli_oom();
            goto done;
        }
        if (rep) {
            rc = cli_usage_error("count", "--by names '%s' more than once", rep);
            goto done;
        }
    }
    if (na && (nna = cli_split(na, &nas)) < 0) {
        rc = cli_oom();
        goto done;
    }
    dopt.labels.missing = (const char *const *)nas;
    dopt.labels.nmissing = nas ? (size_t)nna : 0;
    if (where && iaf_expr_parse(where, "--where", &universe, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    for (int k = 0; k < nbyopt; k++) {
        count_table *ct = &tabs[k];
        for (int i = 0; i < ct->nby; i++) {
            if (!(ct->attrs[i] = iaf_attr_new_asis(ct->bys[i], ct->bys[i]))) {
                rc = cli_oom();
                goto done;
            }
            ct->cols[ct->ncols++] = ct->bys[i];
        }
        if (universe)
            for (size_t v = 0; v < iaf_expr_nvars(universe); v++) {
                const char *name = iaf_expr_var(universe, v);
                int dup = 0;
                for (size_t j = 0; j < ct->ncols; j++)
                    dup |= !strcmp(ct->cols[j], name);
                if (dup) continue;
                if (ct->ncols == IAF_MAX_CUBE_COLS) {
                    rc = cli_usage_error("count", "too many columns in --by and --where");
                    goto done;
                }
                ct->cols[ct->ncols++] = name;
            }
    }
    prog = cli_progress_new(quiet);
    int ok = iaf_dataset_open((const char *const *)(argv + optind), (size_t)(argc - optind), &dopt,
                              &ds, &err) == IAF_OK;
    for (int k = 0; k < nbyopt && ok; k++)
        ok = (tabs[k].req = iaf_dataset_add_request(ds, tabs[k].cols, tabs[k].ncols, &err)) >= 0;
    ok = ok && iaf_dataset_count(ds, cli_progress_consumer(prog), &err) == IAF_OK;
    for (int k = 0; k < nbyopt && ok; k++)
        ok = iaf_dataset_derive(ds, tabs[k].req, tabs[k].attrs, (size_t)tabs[k].nby, universe,
                                &tabs[k].dv, &err) == IAF_OK;
    cli_progress_done(prog); /* erased before any output */
    if (!ok) {
        rc = cli_fail(&err);
        goto done;
    }
    /* every table complete before any file is replaced; never over an input */
    for (size_t i = 0; i < iaf_source_nfiles_of(ds); i++)
        if (cli_input_add(iaf_dataset_file(ds, i)) != 0) goto oom;
    if (!(outs = cli_outset_new())) goto oom;
    for (int k = 0; k < nbyopt; k++) {
        out.len = 0;
        if (format_table(&out, &tabs[k], dopt.weight != NULL) != 0) goto oom;
        if (cli_outset_add(outs, k < nout ? outputs[k] : "-", out.data, out.len, &err) != IAF_OK) {
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
    iaf_buf_free(&out);
    for (int k = 0; k < nbyopt; k++) {
        for (int i = 0; i < 16; i++)
            iaf_attr_free(tabs[k].attrs[i]);
        iaf_derived_free(tabs[k].dv);
        cli_free_list(tabs[k].bys);
    }
    iaf_dataset_free(ds);
    iaf_expr_free(universe);
    cli_free_list(nas);
    return rc;
}
