/* src/cli/cmd_plan.c - `iaf plan SPEC.yaml --sql DIALECT [--table T] [-o DIR]`:
 * the SQL that computes every raw cube of an audit on an engine, and the
 * manifest that `iaf audit SPEC --counts DIR` reads the engine's results
 * with (docs/scale.md). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "output.h"
#include "iaf/alloc.h"
#include "iaf/audit.h"
#include "iaf/buffer.h"
#include "iaf/cubes.h"

static void help(void)
{
    printf("Usage: iaf plan SPEC.yaml --sql DIALECT [--table T] [-o DIR]\n\n"
           "Write, for every raw cube the audit needs, the SQL that computes it\n"
           "(SELECT columns, count(*) ... GROUP BY columns) in DIALECT: duckdb, postgres,\n"
           "spark, trino or bigquery; plus manifest.json (the cubes, their columns and\n"
           "the file each result goes to) and plan.sql, a script that writes every\n"
           "result into DIR. Run it on the engine, then `iaf audit SPEC --counts DIR`\n"
           "(docs/scale.md). Without -o, plan.sql goes to stdout.\n\n"
           "Options:\n"
           "      --sql DIALECT   duckdb, postgres, spark, trino or bigquery (required)\n"
           "      --table T       the source table, written as given (default for duckdb:\n"
           "                      the spec's microdata files)\n"
           "  -m, --microdata PATH the microdata files instead of the spec's (repeatable)\n"
           "  -o, --output DIR    where the plan goes and the engine writes its results\n");
    cli_common_help(CLI_OPT_HELP, 22, NULL);
}

int cmd_plan(int argc, char **argv)
{
    static const struct option longopts[] = {{"sql", required_argument, NULL, 'S'},
                                             {"table", required_argument, NULL, 'T'},
                                             {"microdata", required_argument, NULL, 'm'},
                                             CLI_LONG_OUTPUT,
                                             CLI_LONG_HELP,
                                             CLI_LONG_END};
    const char *dialect = NULL, *table = NULL, *micro[64];
    size_t nmicro = 0;
    int c;
    cli_common co;
    cli_common_init(&co);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:m:h", longopts, NULL)) != -1) {
        int crc = cli_common_option(&co, "plan", c, optarg);
        if (crc == 0) continue;
        if (crc > 0) return crc;
        switch (c) {
        case 'S':
            dialect = optarg;
            break;
        case 'T':
            if (!*optarg) return cli_usage_error("plan", "--table needs a name");
            table = optarg;
            break;
        case 'm':
            if (nmicro == 64) return cli_usage_error("plan", "at most 64 --microdata paths");
            micro[nmicro++] = optarg;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_bad_option("plan", longopts, c, argv);
        }
    }
    const char *outdir = co.output;
    if (argc - optind != 1) return cli_usage_error("plan", "needs exactly one SPEC.yaml");
    if (!dialect) return cli_usage_error("plan", "needs --sql DIALECT");
    int known = 0;
    for (const char *const *d = iaf_cubes_dialects(); *d; d++)
        known |= !strcmp(*d, dialect);
    if (!known)
        return cli_usage_error("plan", "--sql takes duckdb, postgres, spark, trino or bigquery");
    if (!table && strcmp(dialect, "duckdb") != 0)
        return cli_usage_error("plan", "--sql %s needs --table", dialect);
    iaf_error err;
    iaf_error_clear(&err);
    iaf_spec *spec = NULL;
    iaf_cubes *plan = NULL;
    iaf_buffer *b = NULL;
    int rc = EXIT_DATA;
    if (iaf_spec_load(argv[optind], &spec, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (nmicro && iaf_spec_set_microdata(spec, micro, nmicro, &err) != IAF_OK) {
        rc = err.status == IAF_ERR_NOMEM ? cli_fail(&err)
                                         : cli_usage_error("plan", "--microdata: %s", err.message);
        goto done;
    }
    if (iaf_cubes_plan(spec, dialect, table, outdir, &plan, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (outdir) {
        rc = cli_write_cubes(plan, outdir);
        goto done;
    }
    if (!(b = iaf_buffer_new())) {
        rc = cli_oom();
        goto done;
    }
    size_t last = iaf_cubes_nfiles(plan) - 1; /* plan.sql */
    if (iaf_cubes_render_file(plan, last, b, &err) != IAF_OK ||
        cli_stdout_write(iaf_buffer_data(b), iaf_buffer_len(b), &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    rc = EXIT_OK;
done:
    iaf_buffer_free(b);
    iaf_cubes_free(plan);
    iaf_spec_free(spec);
    return rc;
}
