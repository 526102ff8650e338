/* src/cli/cmd_report.c - `iaf report REPORT.json`: render a saved report
 * again (HTML, Markdown, cells.csv) without the inputs it came from; a
 * replication.json (schema iaf-replication/1) renders as replication.html
 * and replication.md. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "output.h"
#include "iaf/report.h"
#include "iaf/alloc.h"

static void help(void)
{
    printf("Usage: iaf report REPORT.json [options]\n\n"
           "Render a saved report.json (schema iaf-report/1) as report.html (one\n"
           "self-contained page), report.md (a section for dataset cards) or cells.csv\n"
           "(every compared cell). See docs/report.md. A replication.json written by\n"
           "`iaf replicate` (schema iaf-replication/1) renders as replication.html and\n"
           "replication.md instead (no csv).\n\n"
           "Options:\n"
           "      --format LIST    html, md, csv, or a comma list (default: html)\n"
           "  -o, --output FILE    where to write the one selected format; - = stdout\n"
           "                       (default: report.html, report.md or cells.csv in -d)\n"
           "  -d, --dir DIR        directory for the outputs (default: REPORT.json's)\n"
           "  -h, --help           this text\n");
}

enum { F_HTML = 1, F_MD = 2, F_CSV = 4 };

/* 0 ok, -1 a bad list, -2 out of memory */
static int parse_formats(const char *s, int *out)
{
    char **list = NULL;
    int n = cli_split(s, &list), f = 0;
    if (n < 0) return -2;
    if (n < 1) {
        cli_free_list(list);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (!strcmp(list[i], "html"))
            f |= F_HTML;
        else if (!strcmp(list[i], "md") || !strcmp(list[i], "markdown"))
            f |= F_MD;
        else if (!strcmp(list[i], "csv") || !strcmp(list[i], "cells"))
            f |= F_CSV;
        else {
            cli_free_list(list);
            return -1;
        }
    }
    cli_free_list(list);
    *out = f;
    return 0;
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'F'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"dir", required_argument, NULL, 'd'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *output = NULL, *dir = NULL;
    int formats = F_HTML, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:d:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'F':
            if ((c = parse_formats(optarg, &formats)) == -2) return cli_oom();
            if (c != 0) return cli_usage_error("report", "--format takes html, md, csv or a list");
            break;
        case 'o':
            output = optarg;
            break;
        case 'd':
            dir = optarg;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_bad_option("report", longopts, c, argv);
        }
    }
    if (argc - optind != 1) return cli_usage_error("report", "needs exactly one REPORT.json");
    int nformats = !!(formats & F_HTML) + !!(formats & F_MD) + !!(formats & F_CSV);
    if (output && nformats != 1)
        return cli_usage_error("report", "-o names one file: select one format, or use -d");
    const char *in = argv[optind];
    iaf_error err;
    iaf_error_clear(&err);
    char *json = NULL, *out = NULL, *path = NULL;
    size_t njson = 0, nout = 0;
    const char *dirpart = "./";
    int ndir = 2, rc = EXIT_DATA;
    iaf_report *report = NULL;
    cli_outset *outs = NULL;
    if (iaf_report_read_file(in, &json, &njson, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!dir) {
        /* next to the report, as `iaf audit` writes them */
        const char *slash = strrchr(in, '/');
        if (slash && strcmp(in, "-") != 0) {
            dirpart = in;
            ndir = (int)(slash - in + 1);
        }
    } else {
        if (dir[0] && cli_mkdir_p(dir, &err) != IAF_OK) { /* -d "": here */
            rc = cli_fail(&err);
            goto done;
        }
        dirpart = dir;
        ndir = (int)strlen(dir);
    }
    const char *sep = ndir && dirpart[ndir - 1] != '/' ? "/" : "";
    typedef struct {
        int flag;
        const char *file;
        iaf_report_format format;
    } output_kind;
    static const output_kind report_outs[] = {{F_HTML, "report.html", IAF_REPORT_FORMAT_HTML},
                                              {F_MD, "report.md", IAF_REPORT_FORMAT_MD},
                                              {F_CSV, "cells.csv", IAF_REPORT_FORMAT_CELLS}};
    static const output_kind repl_outs[] = {{F_HTML, "replication.html", IAF_REPORT_FORMAT_HTML},
                                            {F_MD, "replication.md", IAF_REPORT_FORMAT_MD}};
    int repl = iaf_replication_is(json, njson);
    if (repl < 0) { /* the document could not be parsed for want of memory */
        iaf_error_set(&err, IAF_ERR_NOMEM, strcmp(in, "-") ? in : "<stdin>", 0, 0,
                      "out of memory reading JSON");
        rc = cli_fail(&err);
        goto done;
    }
    const output_kind *kinds = repl ? repl_outs : report_outs;
    size_t nouts =
        repl ? sizeof repl_outs / sizeof repl_outs[0] : sizeof report_outs / sizeof report_outs[0];
    if (repl && (formats & F_CSV)) {
        rc = cli_usage_error("report", "a replication has no cells.csv: --format html or md");
        goto done;
    }
    /* a report is loaded once, by the one strict loader, for every format */
    if (!repl && iaf_report_load(json, njson, &report, &err) != IAF_OK) {
        if (!err.file[0]) snprintf(err.file, sizeof err.file, "%s", in);
        rc = cli_fail(&err);
        goto done;
    }
    /* every selected format rendered before any file is replaced; never
     * over the report itself */
    if (cli_input_add(in) != 0 || !(outs = cli_outset_new())) {
        iaf_error_set(&err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        rc = cli_fail(&err);
        goto done;
    }
    for (size_t i = 0; i < nouts; i++) {
        if (!(formats & kinds[i].flag)) continue;
        iaf_free(out);
        out = NULL;
        iaf_status st =
            repl ? iaf_replication_render_json(json, njson, kinds[i].format, &out, &nout, &err)
                 : iaf_report_render(report, kinds[i].format, &out, &nout, &err);
        if (st != IAF_OK) {
            if (!err.file[0]) snprintf(err.file, sizeof err.file, "%s", in);
            rc = cli_fail(&err);
            goto done;
        }
        iaf_free(path);
        size_t np = output ? strlen(output) + 1 : (size_t)ndir + 2 + strlen(kinds[i].file);
        if (!(path = iaf_malloc(np))) {
            iaf_error_set(&err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            rc = cli_fail(&err);
            goto done;
        }
        if (output)
            snprintf(path, np, "%s", output);
        else
            snprintf(path, np, "%.*s%s%s", ndir, dirpart, sep, kinds[i].file);
        if (cli_outset_add(outs, path, out, nout, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    if (cli_outset_commit(outs, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    rc = EXIT_OK;
done:
    cli_outset_free(outs);
    iaf_report_free(report);
    iaf_free(json);
    iaf_free(path);
    iaf_free(out);
    return rc;
}
