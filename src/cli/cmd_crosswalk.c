/* src/cli/cmd_crosswalk.c - `iaf crosswalk build`: match a dataset's category labels to an
 * official classification's titles and write the crosswalk file, the report of what did
 * not map, and a summary (docs/crosswalks.md). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <iaf/xwbuild.h>

#include "commands.h"
#include "options.h"
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

/* What `crosswalk build` is asked for. */
typedef struct build_args {
    iaf_xwbuild_options o;
    const char *match, *rules_path, *compose_path, *output, *report, *preamble_path;
    const char *targets, *ignore, *unreached;
    const char **excl, **exclre; /* owned arrays of borrowed strings */
    size_t nexcl, nexclre;
    int quiet;
} build_args;

/* The options into a (free a->excl and a->exclre whatever the result); 0 to go
 * on, -1 after --help, else the error's exit code. */
static int parse_build_args(int argc, char **argv, build_args *a)
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
    memset(a, 0, sizeof *a);
    iaf_xwbuild_options_init(&a->o);
    a->output = "-";
    size_t capexcl = 0, capexclre = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":l:m:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            a->o.level = optarg;
            break;
        case 'm':
            a->match = optarg;
            break;
        case O_RULES:
            a->rules_path = optarg;
            break;
        case O_COMPOSE:
            a->compose_path = optarg;
            break;
        case O_TO:
            if (strcmp(optarg, "code") && strcmp(optarg, "title")) {
                return cli_usage_error("crosswalk build", "--to takes code or title");
            }
            a->o.to_title = !strcmp(optarg, "title");
            break;
        case O_EXCL:
        case O_EXCLRE:
            if ((c == O_EXCL ? push(&a->excl, &a->nexcl, &capexcl, optarg)
                             : push(&a->exclre, &a->nexclre, &capexclre, optarg)) != 0) {
                return cli_oom();
            }
            break;
        case O_STRICT:
            a->o.strict = 1;
            break;
        case O_DROPEXCL:
            a->o.drop_excluded = 1;
            break;
        case O_TARGETS:
            a->targets = optarg;
            break;
        case O_IGNORE:
            a->ignore = optarg;
            break;
        case O_UNREACHED:
            a->unreached = optarg;
            break;
        case O_CODE:
            a->o.code_col = optarg;
            break;
        case O_TITLE:
            a->o.title_col = optarg;
            break;
        case O_LEVELCOL:
            a->o.level_col = optarg;
            break;
        case O_LEVELS:
            a->o.levels = optarg;
            break;
        case O_LABEL:
            a->o.label_col = optarg;
            break;
        case O_COUNT:
            a->o.count_col = optarg;
            break;
        case O_NOHEADER:
            a->o.no_header = 1;
            break;
        case 'o':
            a->output = optarg;
            break;
        case O_REPORT:
            a->report = optarg;
            break;
        case O_PREAMBLE:
            a->preamble_path = optarg;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            help();
            return -1;
        default:
            return cli_bad_option("crosswalk build", longopts, c, argv);
        }
    }
    return 0;
}

/* --match LIST into o's matchers; 0, -1 out of memory, else the usage error's code. */
static int parse_match(const char *match, char ***methods, iaf_xwbuild_options *o)
{
    int n = cli_split(match, methods);
    if (n < 0) return -1;
    o->match_exact = o->match_normalized = 0;
    for (int i = 0; i < n; i++) {
        const char *m = (*methods)[i];
        if (!strcmp(m, "exact"))
            o->match_exact = 1;
        else if (!strcmp(m, "normalized") || !strcmp(m, "normalised"))
            o->match_normalized = 1;
        else if (!strcmp(m, "words"))
            o->match_words = 1;
        else if (!strcmp(m, "head"))
            o->match_head = 1;
        else
            return cli_usage_error("crosswalk build",
                                   "--match takes exact, normalized, words and head, not '%s'", m);
    }
    return 0;
}

/* How to rebuild the file, for its preamble: a new string (iaf_free), NULL when out of memory. */
static char *build_command(const build_args *a, const char *values_path, const char *class_path)
{
    char *command = NULL;
    size_t command_len = 0;
    FILE *cmdf = open_memstream(&command, &command_len);
    if (!cmdf) return NULL;
    fprintf(cmdf, "iaf crosswalk build %s %s --level %s", values_path, class_path, a->o.level);
    if (a->match) fprintf(cmdf, " --match %s", a->match);
    if (a->ignore) fprintf(cmdf, " --ignore-words %s", a->ignore);
    if (a->rules_path) fprintf(cmdf, " --rules %s", a->rules_path);
    if (a->compose_path) fprintf(cmdf, " --compose %s", a->compose_path);
    if (a->o.to_title) fputs(" --to title", cmdf);
    for (size_t i = 0; i < a->nexcl; i++)
        fprintf(cmdf, " --exclude '%s'", a->excl[i]);
    for (size_t i = 0; i < a->nexclre; i++)
        fprintf(cmdf, " --exclude-regex '%s'", a->exclre[i]);
    if (a->o.drop_excluded) fputs(" --drop-excluded", cmdf);
    /* open_memstream's buffer is the C library's: handed over as iaf's own */
    char *copy = fclose(cmdf) == 0 ? iaf_strdup(command) : NULL;
    free(command); /* libc-owned */
    return copy;
}

static int cmd_build(int argc, char **argv)
{
    build_args args;
    int prc = parse_build_args(argc, argv, &args);
    if (prc) {
        iaf_free(args.excl);
        iaf_free(args.exclre);
        return prc < 0 ? EXIT_OK : prc;
    }
    iaf_xwbuild_options o = args.o;
    const char *match = args.match, *rules_path = args.rules_path,
               *compose_path = args.compose_path, *output = args.output, *report = args.report,
               *preamble_path = args.preamble_path, *targets = args.targets, *ignore = args.ignore,
               *unreached = args.unreached;
    const char **excl = args.excl, **exclre = args.exclre;
    size_t nexcl = args.nexcl, nexclre = args.nexclre;
    int quiet = args.quiet;
    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    char **methods = NULL, **ignore_list = NULL;
    char *command = NULL;
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
        int mrc = parse_match(match, &methods, &o);
        if (mrc) {
            if (mrc > 0) rc = mrc;
            goto done;
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
    if (!(command = build_command(&args, values_path, class_path))) goto oom;
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
