/* iaf inspect FILE.parquet [--json] [--no-verify]: what a Parquet file holds
 * (schema, row groups, column chunks, statistics), and, unless told not to,
 * a full decode of every flat column so that a corrupt file exits 1. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iaf/inspect.h>

#include "commands.h"
#include "output.h"

static void usage(FILE *out)
{
    fputs("usage: iaf inspect FILE.parquet [--json] [--no-verify]\n"
          "\n"
          "Show a Parquet file's writer, row count, schema tree (physical, logical and\n"
          "converted types, repetition), row groups and, per column chunk, its codec,\n"
          "encodings, compressed/uncompressed sizes, null count and min/max statistics.\n"
          "Then decode every flat column to check the data (skip with --no-verify).\n"
          "\n"
          "  --json        machine-readable output on stdout\n"
          "  --no-verify   read the footer only\n"
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
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
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
            return cli_usage_error("inspect", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1) return cli_usage_error("inspect", "expected exactly one Parquet file");
    const char *path = argv[optind];
    iaf_error err;
    iaf_error_clear(&err);
    iaf_inspection *in = NULL;
    iaf_buffer *out = NULL;
    int rc = EXIT_OK;
    if (iaf_inspect_open(path, &in, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto cleanup;
    }
    iaf_status vst = verify ? iaf_inspect_verify(in, NULL, &err) : IAF_OK;
    iaf_error oerr;
    if (!(out = iaf_buffer_new())) {
        fprintf(stderr, "iaf: out of memory\n");
        rc = EXIT_DATA;
        goto cleanup;
    }
    if ((as_json ? iaf_inspect_write_json(in, out, &oerr)
                 : iaf_inspect_write_text(in, out, &oerr)) != IAF_OK) {
        rc = cli_fail(&oerr);
        goto cleanup;
    }
    if (!as_json) cli_escape_stdout(); /* names and statistics come from the file */
    iaf_error werr;                    /* flushed before a verification error goes to stderr */
    if (cli_stdout_write(iaf_buffer_data(out), iaf_buffer_len(out), &werr) != IAF_OK)
        rc = cli_fail(&werr);
    else if (vst != IAF_OK)
        rc = cli_fail(&err);
cleanup:
    iaf_buffer_free(out);
    iaf_inspect_free(in);
    return rc;
}
