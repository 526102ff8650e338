/* src/cli/cmd_merge.c - `iaf merge DIR... -o DIR`: add up count directories
 * (shards of `iaf audit --counts-only`), refusing counts made for another
 * spec; and the writer of count directories and plans the commands share. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "options.h"
#include "output.h"
#include "iaf/alloc.h"
#include "iaf/buffer.h"
#include "iaf/cubes.h"

int cli_write_cubes(const iaf_cubes *c, const char *dir)
{
    iaf_error err;
    iaf_error_clear(&err);
    struct stat st;
    int made_dir = stat(dir, &st) != 0;
    if (cli_mkdir_p(dir, &err) != IAF_OK) return cli_fail(&err);
    int rc = EXIT_DATA;
    cli_outset *outs = cli_outset_new();
    iaf_buffer *b = iaf_buffer_new();
    char *path = NULL;
    if (!outs || !b) goto oom;
    for (size_t i = 0; i < iaf_cubes_nfiles(c); i++) {
        const char *name = iaf_cubes_file_name(c, i);
        iaf_free(path);
        if (!(path = cli_path_join(dir, name))) goto oom;
        iaf_buffer_clear(b);
        if (iaf_cubes_render_file(c, i, b, &err) != IAF_OK ||
            cli_outset_add(outs, path, iaf_buffer_data(b), iaf_buffer_len(b), &err) != IAF_OK) {
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
    rc = cli_oom();
done:
    iaf_free(path);
    iaf_buffer_free(b);
    cli_outset_free(outs);
    /* a directory made for this run and empty again goes too */
    if (made_dir && rc != EXIT_OK) rmdir(dir);
    return rc;
}

static void help(void)
{
    printf("Usage: iaf merge DIR... -o DIR\n\n"
           "Add up count directories (the shards of `iaf audit SPEC --counts-only -o DIR`)\n"
           "into one (docs/scale.md). Cell counts are summed exactly; directories whose\n"
           "fingerprints differ (another spec, other cubes, inputs of another schema) are\n"
           "refused. The merged directory lists the input files of every shard in order;\n"
           "run the audit on it with `iaf audit SPEC --counts DIR`.\n\n"
           "Options:\n"
           "  -o, --output DIR  the merged count directory (required)\n");
    cli_common_help(CLI_OPT_QUIET, 20, NULL);
    cli_common_help(CLI_OPT_HELP, 20, NULL);
}

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_LONG_OUTPUT, CLI_LONG_QUIET, CLI_LONG_HELP,
                                             CLI_LONG_END};
    int c;
    cli_common co;
    cli_common_init(&co);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
        int crc = cli_common_option(&co, "merge", c, optarg);
        if (crc == 0) continue;
        if (crc > 0) return crc;
        if (c == 'h') {
            help();
            return EXIT_OK;
        }
        return cli_bad_option("merge", longopts, c, argv);
    }
    const char *outdir = co.output;
    int quiet = co.quiet;
    if (!outdir) return cli_usage_error("merge", "needs -o DIR");
    if (argc - optind < 1) return cli_usage_error("merge", "needs at least one count directory");
    iaf_error err;
    iaf_error_clear(&err);
    iaf_cubes *acc = NULL;
    int rc = EXIT_DATA;
    for (int i = optind; i < argc; i++) {
        iaf_cubes *one = NULL;
        if (iaf_cubes_load(argv[i], &one, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        if (!acc) {
            acc = one;
            continue;
        }
        iaf_status st = iaf_cubes_merge(acc, one, &err);
        iaf_cubes_free(one);
        if (st != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    /* a merged manifest must not replace the files it was read from */
    for (int i = optind; i < argc; i++) {
        size_t n = strlen(argv[i]) + 16;
        char *p = iaf_malloc(n);
        if (!p) {
            rc = cli_oom();
            goto done;
        }
        snprintf(p, n, "%s/manifest.json", argv[i]);
        int bad = cli_input_add(p);
        iaf_free(p);
        if (bad) {
            rc = cli_oom();
            goto done;
        }
    }
    if ((rc = cli_write_cubes(acc, outdir)) != EXIT_OK) goto done;
    if (!quiet)
        printf("merged %d count directories: %lld rows in %zu cubes, fingerprint %.16s: %s\n",
               argc - optind, (long long)iaf_cubes_rows(acc), iaf_cubes_ncubes(acc),
               iaf_cubes_fingerprint(acc), outdir);
done:
    iaf_cubes_free(acc);
    return rc;
}
