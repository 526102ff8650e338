/* src/cli/main.c - `iaf <command> [options]`, dispatched from one table
 * that also prints the usage (samtools-style). */
#include <stdio.h>
#include <string.h>

#include <iaf/version.h>

#include "commands.h"
#include "output.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"count", cmd_count, "count rows by attributes (long CSV out)"},
    {"compare", cmd_compare, "one ad-hoc check: synthetic vs reference, every metric"},
    {"audit", cmd_audit, "run an audit spec (YAML): report.json, .md, .html, cells.csv"},
    {"inspect", cmd_inspect, "show a Parquet file's schema, row groups and statistics"},
    {"report", cmd_report, "render a saved report.json as HTML, Markdown or cells.csv"},
    {"crosswalk", cmd_crosswalk, "build a crosswalk file from an official classification"},
    {"scan", cmd_scan, "discovery: rank column pairs by dependence, flag independence"},
    {"replicate", cmd_replicate, "run the same checks over several bundles, one summary"},
    {"plan", cmd_plan, "the SQL that counts an audit's cubes on an engine (duckdb, ...)"},
    {"merge", cmd_merge, "add up count directories (shards of audit --counts-only)"},
    {"card", cmd_card, "propose a card's independence statements and a draft spec"},
    {"calibrate", cmd_calibrate, "calibration weights to the references of chosen checks"},
};

static void usage(FILE *f)
{
    fprintf(f, "iaf %s - Independence-Assumption Footprint audits of synthetic persona data\n\n",
            iaf_version());
    fprintf(f, "Usage: iaf <command> [options]\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "  %-10s %s\n", "help", "this text, or `iaf help COMMAND`");
    fprintf(f, "  %-10s %s\n", "version", "print the version");
    fprintf(f, "\nExit status: 0 ok, 1 data or I/O error, 2 usage error, 3 --fail-on met.\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
        if (argc > 2) {
            if (!strcmp(argv[2], "version") || !strcmp(argv[2], "help")) {
                printf(!strcmp(argv[2], "version")
                           ? "Usage: iaf version (or iaf --version)\n\nPrint the version of iaf.\n"
                           : "Usage: iaf help [COMMAND]\n\nList the commands, or show a "
                             "command's options.\n");
                return EXIT_OK;
            }
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (!strcmp(argv[2], commands[i].name)) {
                    char *args[] = {argv[2], "--help", NULL};
                    return commands[i].fn(2, args);
                }
            fprintf(stderr, "iaf: no command '%s'\n", argv[2]);
            return EXIT_USAGE;
        }
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(name, "version") || !strcmp(name, "--version")) {
        printf("iaf %s\n", iaf_version());
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "iaf: no command '%s' (see `iaf help`)\n", name);
    return EXIT_USAGE;
}

/* Every command's standard output is checked once at the end: a full disk
 * or a closed pipe is an error, also for --help. main() is only this
 * (entry.c), so tests/faults runs the very same code. */
int iaf_cli_main(int argc, char **argv)
{
    cli_signals_install();
    int rc = run(argc, argv);
    if (cli_stdout_close() != EXIT_OK && (rc == EXIT_OK || rc == EXIT_FAIL_ON)) rc = EXIT_DATA;
    return rc;
}
