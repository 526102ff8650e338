/* src/cli/cmd_crosswalk.c - `iaf crosswalk build`: match a dataset's category labels to an
 * official classification's titles and write the crosswalk file, the report of what did
 * not map, and a summary (docs/crosswalks.md). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <iaf/xwbuild.h>

#include "commands.h"
#include "output.h"
#include "iaf/alloc.h"

static void help(void)
{
    printf("Usage: iaf crosswalk build VALUES CLASSIFICATION --level LEVEL [options]\n\n"
           "Match the category labels in VALUES (a marginal `label,count[,share]`, a long count\n"
           "table, or a list of labels) to the titles of CLASSIFICATION (a CSV with code, title\n"
           "and level columns; codes nest by prefix), roll the matched codes up to LEVEL, and\n"
           "write a crosswalk file (from,to,weight,match,note) with one row per mapped label.\n"
           "Titles are matched exactly, then normalised (NFKC for Korean text, the middle-dot\n"
           "variants, spaces, ASCII case; see docs/crosswalks.md); rule rows apply to the rest.\n"
           "A title listed at several codes splits the label equally over them.\n\n"
           "Options:\n"
           "  -l, --level NAME        required: the level to roll up to (e.g. major,\n"
           "                          sub_major)\n"
           "  -m, --match LIST        title matchers: exact,normalized (default both), and\n"
           "                          words (same words, plurals and case aside), head (a\n"
           "                          title's words up to one of its commas), tried in order\n"
           "      --ignore-words LIST words the words/head matchers leave out (e.g. and,or,of)\n"
           "      --rules FILE        rule rows (crosswalk format, regex rows allowed) for labels\n"
           "                          no title matched; each `to` is a code or a title\n"
           "      --compose FILE      map the rolled-up codes through this crosswalk (the code,\n"
           "                          else its nearest ancestor listed there)\n"
           "      --to code|title     what `to` holds without --compose (default code)\n"
           "      --exclude LABEL     a label outside the universe (repeatable)\n"
           "      --exclude-regex RE  labels matching RE (POSIX ERE, whole label) likewise\n"
           "      --drop-excluded     list the excluded labels in the crosswalk with an empty\n"
           "                          `to`, so that it drops them explicitly\n"
           "      --strict            a title at codes that roll up apart is an error\n"
           "      --code-col C, --title-col C, --level-col C\n"
           "                          CLASSIFICATION columns (default: code/title/level, or the\n"
           "                          first column whose name contains code/title)\n"
           "      --levels SPEC       level names and code lengths, e.g.\n"
           "                          major=1,sub_major=2,minor=3,unit=4,detailed=5\n"
           "      --label-col C       VALUES label column (default: the first non-count column)\n"
           "      --count-col C       VALUES count column (default: count, when present)\n"
           "      --no-header         VALUES is a bare list, one label per line\n"
           "  -o, --output FILE       the crosswalk (default stdout)\n"
           "      --report FILE       unmatched, excluded, dropped and ambiguous labels with\n"
           "                          their mass, largest first\n"
           "      --targets FILE      mass and label count per target (`to,mass,labels`)\n"
           "      --unreached FILE    the codes at LEVEL that no label reached (`code,title`)\n"
           "      --preamble FILE     '#' comment lines to put at the top of the crosswalk\n"
           "  -q, --quiet             no summary on stderr\n"
           "  -h, --help              this text\n");
}

/* A --preamble file: a few comment lines, capped like every small input read whole. */
static int push(const char ***list, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        const char **p = iaf_realloc(*list, nc * sizeof *p);
        if (!p) return -1;
        *list = p;
        *cap = nc;
    }
    (*list)[(*n)++] = s;
    return 0;
}

static int cmd_build(int argc, char **argv)
{
    enum {
        O_RULES = 256,
        O_COMPOSE,
        O_TO,
        O_EXCL,
        O_EXCLRE,
        O_STRICT,
        O_CODE,
        O_TITLE,
        O_LEVELCOL,
        O_LEVELS,
        O_LABEL,
        O_COUNT,
        O_NOHEADER,
        O_REPORT,
        O_PREAMBLE,
        O_DROPEXCL,
        O_TARGETS,
        O_IGNORE,
        O_UNREACHED
    };
    static const struct option longopts[] = {{"level", required_argument, NULL, 'l'},
                                             {"match", required_argument, NULL, 'm'},
                                             {"rules", required_argument, NULL, O_RULES},
                                             {"compose", required_argument, NULL, O_COMPOSE},
                                             {"to", required_argument, NULL, O_TO},
                                             {"exclude", required_argument, NULL, O_EXCL},
                                             {"exclude-regex", required_argument, NULL, O_EXCLRE},
                                             {"strict", no_argument, NULL, O_STRICT},
                                             {"drop-excluded", no_argument, NULL, O_DROPEXCL},
                                             {"targets", required_argument, NULL, O_TARGETS},
                                             {"ignore-words", required_argument, NULL, O_IGNORE},
                                             {"unreached", required_argument, NULL, O_UNREACHED},
                                             {"code-col", required_argument, NULL, O_CODE},
                                             {"title-col", required_argument, NULL, O_TITLE},
                                             {"level-col", required_argument, NULL, O_LEVELCOL},
                                             {"levels", required_argument, NULL, O_LEVELS},
                                             {"label-col", required_argument, NULL, O_LABEL},
                                             {"count-col", required_argument, NULL, O_COUNT},
                                             {"no-header", no_argument, NULL, O_NOHEADER},
                                             {"output", required_argument, NULL, 'o'},
                                             {"report", required_argument, NULL, O_REPORT},
                                             {"preamble", required_argument, NULL, O_PREAMBLE},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    iaf_xwbuild_options o;
    iaf_xwbuild_options_init(&o);
    const char *match = NULL, *rules_path = NULL, *compose_path = NULL, *output = "-";
    const char *report = NULL, *preamble_path = NULL, *targets = NULL, *ignore = NULL;
    const char *unreached = NULL;
    const char **excl = NULL, **exclre = NULL;
    size_t nexcl = 0, capexcl = 0, nexclre = 0, capexclre = 0;
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:m:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            o.level = optarg;
            break;
        case 'm':
            match = optarg;
            break;
        case O_RULES:
            rules_path = optarg;
            break;
        case O_COMPOSE:
            compose_path = optarg;
            break;
        case O_TO:
            if (strcmp(optarg, "code") && strcmp(optarg, "title")) {
                iaf_free(excl);
                iaf_free(exclre);
                return cli_usage_error("crosswalk build", "--to takes code or title");
            }
            o.to_title = !strcmp(optarg, "title");
            break;
        case O_EXCL:
        case O_EXCLRE:
            if ((c == O_EXCL ? push(&excl, &nexcl, &capexcl, optarg)
                             : push(&exclre, &nexclre, &capexclre, optarg)) != 0) {
                iaf_free(excl);
                iaf_free(exclre);
                return cli_oom();
            }
            break;
        case O_STRICT:
            o.strict = 1;
            break;
        case O_DROPEXCL:
            o.drop_excluded = 1;
            break;
        case O_TARGETS:
            targets = optarg;
            break;
        case O_IGNORE:
            ignore = optarg;
            break;
        case O_UNREACHED:
            unreached = optarg;
            break;
        case O_CODE:
            o.code_col = optarg;
            break;
        case O_TITLE:
            o.title_col = optarg;
            break;
        case O_LEVELCOL:
            o.level_col = optarg;
            break;
        case O_LEVELS:
            o.levels = optarg;
            break;
        case O_LABEL:
            o.label_col = optarg;
            break;
        case O_COUNT:
            o.count_col = optarg;
            break;
        case O_NOHEADER:
            o.no_header = 1;
            break;
        case 'o':
            output = optarg;
            break;
        case O_REPORT:
            report = optarg;
            break;
        case O_PREAMBLE:
            preamble_path = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            iaf_free(excl);
            iaf_free(exclre);
            help();
            return EXIT_OK;
        default:
            iaf_free(excl);
            iaf_free(exclre);
            return cli_usage_error("crosswalk build", "bad option");
        }
    }
    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    char **methods = NULL, **ignore_list = NULL;
    char *command = NULL;
    size_t command_len = 0;
    FILE *cmdf = NULL;
    iaf_xwbuild *xb = NULL;
    iaf_buffer *cw = iaf_buffer_new(), *rep = iaf_buffer_new(), *sum = iaf_buffer_new();
    iaf_buffer *tgt = iaf_buffer_new(), *unr = iaf_buffer_new();
    cli_outset *outs = NULL;
    if (!cw || !rep || !sum || !tgt || !unr) {
        fprintf(stderr, "iaf: out of memory\n");
        goto done;
    }
    if (argc - optind != 2) {
        rc = cli_usage_error("crosswalk build", "expected VALUES and CLASSIFICATION");
        goto done;
    }
    if (!o.level) {
        rc = cli_usage_error("crosswalk build", "--level is required");
        goto done;
    }
    if (match) {
        int n = cli_split(match, &methods);
        if (n < 0) goto done;
        o.match_exact = o.match_normalized = 0;
        for (int i = 0; i < n; i++) {
            if (!strcmp(methods[i], "exact"))
                o.match_exact = 1;
            else if (!strcmp(methods[i], "normalized") || !strcmp(methods[i], "normalised"))
                o.match_normalized = 1;
            else if (!strcmp(methods[i], "words"))
                o.match_words = 1;
            else if (!strcmp(methods[i], "head"))
                o.match_head = 1;
            else {
                rc = cli_usage_error("crosswalk build",
                                     "--match takes exact, normalized, words and head, not '%s'",
                                     methods[i]);
                goto done;
            }
        }
    }
    if (ignore) {
        int n = cli_split(ignore, &ignore_list);
        if (n < 0) goto done;
        o.ignore_words = (const char *const *)ignore_list;
        o.nignore_words = (size_t)n;
    }
    o.exclude = excl;
    o.nexclude = nexcl;
    o.exclude_regex = exclre;
    o.nexclude_regex = nexclre;
    o.rules_path = rules_path;
    o.compose_path = compose_path;
    o.preamble_path = preamble_path;
    const char *values_path = argv[optind], *class_path = argv[optind + 1];
    /* how to rebuild the file, written into its preamble */
    if (!(cmdf = open_memstream(&command, &command_len))) goto oom;
    fprintf(cmdf, "iaf crosswalk build %s %s --level %s", values_path, class_path, o.level);
    if (match) fprintf(cmdf, " --match %s", match);
    if (ignore) fprintf(cmdf, " --ignore-words %s", ignore);
    if (rules_path) fprintf(cmdf, " --rules %s", rules_path);
    if (compose_path) fprintf(cmdf, " --compose %s", compose_path);
    if (o.to_title) fputs(" --to title", cmdf);
    for (size_t i = 0; i < nexcl; i++)
        fprintf(cmdf, " --exclude '%s'", excl[i]);
    for (size_t i = 0; i < nexclre; i++)
        fprintf(cmdf, " --exclude-regex '%s'", exclre[i]);
    if (o.drop_excluded) fputs(" --drop-excluded", cmdf);
    if (fclose(cmdf) != 0) {
        cmdf = NULL;
        goto oom;
    }
    cmdf = NULL;
    o.command = command;
    if (iaf_xwbuild_run(values_path, class_path, &o, &xb, &err) != IAF_OK ||
        iaf_xwbuild_write(xb, IAF_XWBUILD_CROSSWALK, cw, &err) != IAF_OK ||
        iaf_xwbuild_write(xb, IAF_XWBUILD_SUMMARY, sum, &err) != IAF_OK ||
        (report && iaf_xwbuild_write(xb, IAF_XWBUILD_REPORT, rep, &err) != IAF_OK) ||
        (targets && iaf_xwbuild_write(xb, IAF_XWBUILD_TARGETS, tgt, &err) != IAF_OK) ||
        (unreached && iaf_xwbuild_write(xb, IAF_XWBUILD_UNREACHED, unr, &err) != IAF_OK)) {
        rc = cli_fail(&err);
        goto done;
    }
    /* the outputs together, never over an input of this build */
    const char *ins[] = {values_path, class_path, rules_path, compose_path, preamble_path};
    for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++)
        if (cli_input_add(ins[i]) != 0) goto oom;
    if (!(outs = cli_outset_new()) ||
        cli_outset_add(outs, output, iaf_buffer_data(cw), iaf_buffer_len(cw), &err) != 0 ||
        (report &&
         cli_outset_add(outs, report, iaf_buffer_data(rep), iaf_buffer_len(rep), &err) != 0) ||
        (targets &&
         cli_outset_add(outs, targets, iaf_buffer_data(tgt), iaf_buffer_len(tgt), &err) != 0) ||
        (unreached &&
         cli_outset_add(outs, unreached, iaf_buffer_data(unr), iaf_buffer_len(unr), &err) != 0) ||
        cli_outset_commit(outs, &err) != 0) {
        if (!outs) iaf_error_set(&err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        rc = cli_fail(&err);
        goto done;
    }
    if (!quiet) {
        const char *dups = iaf_xwbuild_duplicates(xb);
        if (*dups)
            fprintf(stderr, "iaf crosswalk: note: codes listed twice in %s: %s\n", class_path,
                    dups);
        cli_puts_escaped(stderr, iaf_buffer_data(sum)); /* it quotes labels */
    }
    rc = EXIT_OK;
    goto done;
oom:
    iaf_error_set(&err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    rc = cli_fail(&err);
done:
    if (cmdf) fclose(cmdf);
    iaf_free(command);
    cli_outset_free(outs);
    cli_free_list(methods);
    cli_free_list(ignore_list);
    iaf_free(excl);
    iaf_free(exclre);
    iaf_buffer_free(cw);
    iaf_buffer_free(rep);
    iaf_buffer_free(sum);
    iaf_buffer_free(tgt);
    iaf_buffer_free(unr);
    iaf_xwbuild_free(xb);
    return rc;
}

int cmd_crosswalk(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "build")) return cmd_build(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        help();
        return EXIT_OK;
    }
    if (argc >= 2 && argv[1][0] == '-')
        return cli_usage_error("crosswalk", "unknown option '%s': expected the subcommand `build`",
                               argv[1]);
    return cli_usage_error("crosswalk", "expected the subcommand `build`");
}
