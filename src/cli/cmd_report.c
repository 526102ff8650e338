/* src/cli/cmd_report.c - `iaf report REPORT.json`: render a saved report
 * again (HTML, Markdown, cells.csv) without the inputs it came from; a
 * replication.json (schema iaf-replication/1) renders as replication.html
 * and replication.md. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "io/file.h"
#include "report/html.h"
#include "report/replication.h"

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

/* The whole file in memory. A report is a few megabytes (25 MB for the largest taxonomies
 * seen); the cap bounds what a hostile file can make jansson allocate. */
#define REPORT_MAX_BYTES ((size_t)128 << 20)

static int read_all(const char *path, iaf_buf *b, iaf_error *err)
{
    if (!strcmp(path, "-"))
        return iaf_fd_read_all(0, "<stdin>", REPORT_MAX_BYTES, "a report", b, err) != IAF_OK;
    return iaf_file_read_all(path, REPORT_MAX_BYTES, "a report", b, err) != IAF_OK;
}

/* mkdir -p: every missing component of dir */
static int make_dirs(const char *dir, iaf_error *err)
{
    iaf_buf p = {0};
    int rc = 0;
    if (iaf_buf_puts(&p, dir) != 0)
        return iaf_error_set(err, IAF_ERR_NOMEM, dir, 0, 0, "out of memory");
    for (size_t i = 1; i <= p.len && !rc; i++) {
        if (i < p.len && p.data[i] != '/') continue;
        char keep = p.data[i];
        p.data[i] = '\0';
        if (mkdir(p.data, 0755) != 0 && errno != EEXIST)
            rc = iaf_error_set(err, IAF_ERR_IO, p.data, 0, 0, "cannot create directory: %s",
                               strerror(errno));
        p.data[i] = keep;
    }
    iaf_buf_free(&p);
    return rc;
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
    while ((c = getopt_long(argc, argv, "o:d:h", longopts, NULL)) != -1) {
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
            return cli_usage_error("report", "bad option");
        }
    }
    if (argc - optind != 1) return cli_usage_error("report", "needs exactly one REPORT.json");
    int nformats = !!(formats & F_HTML) + !!(formats & F_MD) + !!(formats & F_CSV);
    if (output && nformats != 1)
        return cli_usage_error("report", "-o names one file: select one format, or use -d");
    const char *in = argv[optind];
    iaf_error err;
    iaf_error_clear(&err);
    iaf_buf json = {0}, dirbuf = {0}, path = {0}, out = {0};
    int rc = EXIT_DATA;
    cli_outset *outs = NULL;
    if (read_all(in, &json, &err) != 0) {
        rc = cli_fail(&err);
        goto done;
    }
    int dbad = 0;
    if (!dir) {
        /* next to the report, as `iaf audit` writes them */
        const char *slash = strrchr(in, '/');
        if (slash && strcmp(in, "-") != 0)
            dbad |= iaf_buf_append(&dirbuf, in, (size_t)(slash - in + 1));
        else
            dbad |= iaf_buf_puts(&dirbuf, "./");
    } else {
        if (make_dirs(dir, &err) != 0) {
            rc = cli_fail(&err);
            goto done;
        }
        dbad |= iaf_buf_puts(&dirbuf, dir);
        if (dirbuf.len && dirbuf.data[dirbuf.len - 1] != '/') dbad |= iaf_buf_puts(&dirbuf, "/");
    }
    typedef struct {
        int flag;
        const char *file;
        iaf_status (*render)(const char *, size_t, iaf_buf *, iaf_error *);
    } output_kind;
    static const output_kind report_outs[] = {{F_HTML, "report.html", iaf_report_html},
                                              {F_MD, "report.md", iaf_report_md},
                                              {F_CSV, "cells.csv", iaf_report_cells_csv}};
    static const output_kind repl_outs[] = {{F_HTML, "replication.html", iaf_replication_html},
                                            {F_MD, "replication.md", iaf_replication_md}};
    int repl = iaf_replication_is(json.data, json.len);
    if (repl < 0) { /* the document could not be parsed for want of memory */
        iaf_error_set(&err, IAF_ERR_NOMEM, strcmp(in, "-") ? in : "<stdin>", 0, 0,
                      "out of memory reading JSON");
        rc = cli_fail(&err);
        goto done;
    }
    if (dbad) {
        rc = cli_oom();
        goto done;
    }
    const output_kind *kinds = repl ? repl_outs : report_outs;
    size_t nouts =
        repl ? sizeof repl_outs / sizeof repl_outs[0] : sizeof report_outs / sizeof report_outs[0];
    if (repl && (formats & F_CSV)) {
        rc = cli_usage_error("report", "a replication has no cells.csv: --format html or md");
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
        out.len = 0;
        if (kinds[i].render(json.data ? json.data : "", json.len, &out, &err) != IAF_OK) {
            if (!err.file[0]) snprintf(err.file, sizeof err.file, "%s", in);
            rc = cli_fail(&err);
            goto done;
        }
        path.len = 0;
        if (output ? iaf_buf_puts(&path, output) != 0
                   : iaf_buf_printf(&path, "%s%s", dirbuf.data, kinds[i].file) != 0) {
            rc = cli_oom();
            goto done;
        }
        if (cli_outset_add(outs, path.data, out.data, out.len, &err) != IAF_OK) {
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
    iaf_buf_free(&json);
    iaf_buf_free(&dirbuf);
    iaf_buf_free(&path);
    iaf_buf_free(&out);
    return rc;
}
