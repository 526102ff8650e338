/* iaf inspect DATA... [--json] [--no-verify]: what a Parquet file holds
 * (schema, row groups, column chunks, statistics), and, unless told not to,
 * a full decode of every flat column so that a corrupt file exits 1; for one
 * CSV or JSON Lines file, its columns by position and, after reading every
 * row, each column's inferred type, null, empty and distinct counts and
 * min/max. DATA is a dataset as `iaf count` takes it (files, globs,
 * directories): each of its Parquet files in turn. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <iaf/inspect.h>
#include <iaf/source.h>

#include "commands.h"
#include "options.h"
#include "output.h"

static void usage(FILE *out)
{
    fputs("usage: iaf inspect DATA... [--json] [--no-verify]\n"
          "\n"
          "Show a Parquet file's writer, row count, schema tree (physical, logical and\n"
          "converted types, repetition), row groups and, per column chunk, its codec,\n"
          "encodings, compressed/uncompressed sizes, null count and min/max statistics.\n"
          "Then decode every flat column to check the data (skip with --no-verify).\n"
          "DATA is one Parquet file, or a dataset as `iaf count` takes it (several files,\n"
          "a glob, a directory searched recursively): then each Parquet file in turn,\n"
          "headed by `file: PATH` (with --json: a JSON array, one object per file).\n"
          "DATA may also be one CSV or JSON Lines file: its columns, each with its\n"
          "position #N (the name --by takes for a repeated name); then every row is\n"
          "read, and each column shows its inferred type (integer, number, boolean,\n"
          "string, empty), values, nulls, empty values, distinct values (exact up to\n"
          "10000, else \"> 10000\") and min/max (numeric for numbers, else by bytes).\n"
          "A malformed row is an error at its FILE:LINE:COL (--no-verify: the header only).\n"
          "\n"
          "  --json        machine-readable output on stdout\n"
          "  --no-verify   read the footer (CSV, JSON Lines: the columns) only\n"
          "  -h, --help    this help\n"
          "\n"
          "Exit status: 0 ok, 1 unreadable or corrupt file, 2 usage error.\n",
          out);
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
                                             {"no-verify", no_argument, NULL, 'n'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int as_json = 0, verify = 1, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j':
            as_json = 1;
            break;
        case 'n':
            verify = 0;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            return cli_bad_option("inspect", longopts, c, argv);
        }
    }
    if (argc - optind < 1)
        return cli_usage_error("inspect",
                               "expected a Parquet, CSV or JSON Lines file, or a dataset");
    /* one regular file: its inspection alone, as ever; else the dataset's files */
    struct stat sb;
    int single =
        argc - optind == 1 &&
        (stat(argv[optind], &sb) == 0 ? !S_ISDIR(sb.st_mode) : !strpbrk(argv[optind], "*?["));
    iaf_error err;
    iaf_error_clear(&err);
    iaf_source *src = NULL;
    iaf_buffer *out = NULL;
    int rc = EXIT_OK;
    size_t nfiles = 1;
    if (!single) {
        iaf_source_options so = {0};
        so.format = IAF_FORMAT_PARQUET;
        so.threads = 1;
        if (iaf_source_open((const char *const *)(argv + optind), (size_t)(argc - optind), &so,
                            &src, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto cleanup;
        }
        nfiles = iaf_source_nfiles(src);
    }
    if (!(out = iaf_buffer_new())) {
        rc = cli_oom();
        goto cleanup;
    }
    if (!as_json) cli_escape_stdout(); /* names and statistics come from the file */
    iaf_error werr;
    if (!single && as_json && cli_stdout_write("[\n", 2, &werr) != IAF_OK) goto werror;
    for (size_t i = 0; i < nfiles; i++) {
        const char *path = single ? argv[optind] : iaf_source_file(src, i);
        iaf_inspection *in = NULL;
        iaf_error ierr, oerr;
        iaf_error_clear(&ierr);
        if (iaf_inspect_open(path, &in, &ierr) != IAF_OK) {
            rc = cli_fail(&ierr);
            goto cleanup;
        }
        iaf_status vst = verify ? iaf_inspect_verify(in, NULL, &ierr) : IAF_OK;
        iaf_buffer_clear(out);
        iaf_status wst = as_json ? iaf_inspect_write_json(in, out, &oerr)
                                 : iaf_inspect_write_text(in, out, &oerr);
        iaf_inspect_free(in);
        if (wst != IAF_OK) {
            rc = cli_fail(&oerr);
            goto cleanup;
        }
        if (!single && i &&
            cli_stdout_write(as_json ? ",\n" : "\n", as_json ? 2 : 1, &werr) != IAF_OK)
            goto werror;
        if (!single && !as_json &&
            (cli_stdout_write("file: ", 6, &werr) != IAF_OK ||
             cli_stdout_write(path, strlen(path), &werr) != IAF_OK ||
             cli_stdout_write("\n", 1, &werr) != IAF_OK))
            goto werror;
        /* JSON objects end with a newline: the separator goes between them */
        size_t n = iaf_buffer_len(out);
        if (!single && as_json && n && iaf_buffer_data(out)[n - 1] == '\n') n--;
        if (cli_stdout_write(iaf_buffer_data(out), n, &werr) != IAF_OK) goto werror;
        if (vst != IAF_OK) { /* what was inspected went out before the verification's error */
            rc = cli_fail(&ierr);
            goto cleanup;
        }
    }
    if (!single && as_json && cli_stdout_write("\n]\n", 3, &werr) != IAF_OK) goto werror;
    goto cleanup;
werror:
    rc = cli_fail(&werr);
    goto cleanup;
cleanup:
    iaf_buffer_free(out);
    iaf_source_free(src);
    return rc;
}
