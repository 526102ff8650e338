/* src/cli/cmd_scan.c - `iaf scan`: the discovery scan of METHOD.md section 11. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "output.h"
#include "options.h"
#include "iaf/buffer.h"
#include "iaf/count.h"
#include "iaf/scan.h"

static void help(void)
{
    printf("Usage: iaf scan DATA... [options]\n\n"
           "Rank every pair of categorical columns by its dependence in the synthetic data\n"
           "(dep_tvd, Cramer's V, NMI with the Miller-Madow bias; chi-square and G-test\n"
           "p-values) against a null of independence with both margins kept, simulated on\n"
           "the cells of each pair's table (tables with the observed row and column totals;\n"
           "weighted data: Multinomial(n_eff, p_x p_y)). Pairs whose dependence is within the\n"
           "null's 95th percentile are footprint candidates: places where a generator may\n"
           "have assumed independence. With --reference, a pair whose retention interval\n"
           "against the reference lies wholly below 1 - tau_ret (0.5) is a candidate too.\n"
           "DATA is microdata, or one long count table.\n\n"
           "Weight and identifier columns are skipped and listed: declared (--weight, --skip)\n"
           "or detected (a name like id, uuid, weight, *_id, *wgt*; near-unique values, over\n"
           "90%% distinct in the first rows; more than --max-categories values; one value).\n"
           "Warnings: small n for a pair's cells (Cochran: more than 20%% of the expected\n"
           "counts below 5, or one below 1) and columns holding a lumped category (기타,\n"
           "그 외, other, rest, ...): dependence measured with a lump understates the truth.\n\n"
           "Options:\n"
           "  -c, --columns A,B,...    columns to pair (default: every categorical column)\n"
           "      --skip A,B,...       columns never to pair (listed as skipped)\n"
           "      --weight COL         weight column: weighted counts, Kish n; never paired\n"
           "      --max-categories N   default 100\n");
    cli_common_help(CLI_OPT_WHERE, 27, NULL);
    printf("      --null B             null replicates per pair (default 200; alias\n"
           "                           --permutations)\n");
    cli_common_help(CLI_OPT_SEED, 27, NULL);
    printf("      --reference FILE     microdata or a long count table over the same columns\n"
           "      --reference-form F   auto (default), microdata or counts\n"
           "      --reference-weight COL  weight column of a microdata reference\n"
           "      --reference-n N      effective n of a count-table reference (default: fixed)\n");
    cli_common_help(CLI_OPT_BOOTSTRAP, 27, "(retention intervals; default 200)");
    printf("      --tau-ret T          retention criterion 1 - T (default 0.5)\n");
    cli_common_help(CLI_OPT_MISSING, 27, NULL);
    cli_common_help(CLI_OPT_NORMALIZE, 27, NULL);
    printf("      --card FILE          a dataset card: sentences stating independence or \"not\n"
           "                           modeled\" (English and Korean), quoted whole beside the\n"
           "                           pairs whose two columns they name (a regular\n"
           "                           file of at most 8 MiB)\n");
    cli_common_help(CLI_OPT_FORMAT, 27, NULL);
    cli_common_help(CLI_OPT_ENCODING, 27, "(of DATA and the reference)");
    cli_common_help(CLI_OPT_ENCODING_SYNTHETIC, 27, NULL);
    cli_common_help(CLI_OPT_ENCODING_REFERENCE, 27, NULL);
    cli_common_help(CLI_OPT_THREADS, 27, NULL);
    printf("      --json               one JSON object\n");
    cli_common_help(CLI_OPT_HELP, 27, NULL);
}

/* UTF-8 aware display width (a Hangul or CJK character counts two). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p < 0x80) {
            w++, p++;
        } else {
            int len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
            w += len == 3 ? 2 : 1;
            for (int i = 0; i < len && *p; i++)
                p++;
        }
    }
    return w;
}

/* The pair's name as printed: "x x y", and "*" when its n is small. */
static size_t pair_width(const iaf_scan_pair *q)
{
    return width(q->x) + 3 + width(q->y) + (q->small_n ? 1 : 0);
}

static void print_readable(const iaf_scan_result *r, const iaf_scan_options *o, const char *refpath)
{
    size_t npairs = iaf_scan_result_npairs(r), ncols = iaf_scan_result_ncolumns(r);
    size_t nsk = iaf_scan_result_nskipped(r), ncard = iaf_scan_result_ncard(r);
    int weighted = iaf_scan_result_weighted(r);
    size_t nsmall = 0, ncand = 0;
    for (size_t p = 0; p < npairs; p++) {
        const iaf_scan_pair *q = iaf_scan_result_pair(r, p);
        nsmall += q->small_n, ncand += q->candidate || q->ref_candidate;
    }
    printf("scan: %lld rows%s; %zu columns paired (%zu pairs); null: %zu tables per pair "
           "%s\n",
           (long long)iaf_scan_result_rows(r), weighted ? " (weighted)" : "", ncols, npairs,
           o->null_b,
           weighted ? "from Multinomial(n_eff, p_x p_y), simulated on cells"
                    : "with both margins fixed, simulated on cells");
    if (refpath)
        printf("reference: %s (retention intervals, B = %zu; candidate below %.3g)\n", refpath,
               o->bootstrap_b, 1 - o->tau_ret);
    if (nsk) {
        printf("skipped:\n");
        size_t w = 0;
        for (size_t i = 0; i < nsk; i++) {
            size_t k = width(iaf_scan_result_skipped(r, i, NULL));
            w = k > w ? k : w;
        }
        for (size_t i = 0; i < nsk; i++) {
            const char *why, *name = iaf_scan_result_skipped(r, i, &why);
            printf("  %s%*s  %s\n", name, (int)(w - width(name)), "", why);
        }
    }
    if (nsmall)
        printf("warning: small n in %zu of %zu pairs (marked *): expected counts under "
               "independence below 5 in more than 20%% of the cells, or below 1\n",
               nsmall, npairs);
    for (size_t i = 0; i < iaf_scan_result_nlumped(r); i++) {
        const char *label, *col = iaf_scan_result_lumped(r, i, &label);
        printf("warning: lumped category %s: '%s': dependence with it understates the truth\n", col,
               label);
    }
    printf("\n");
    /* the pair column as wide as its longest name (display width: a Hangul or CJK
     * character takes two), n as wide as its largest value */
    size_t w = 4, nw = 1;
    for (size_t p = 0; p < npairs; p++) {
        const iaf_scan_pair *q = iaf_scan_result_pair(r, p);
        char num[64];
        size_t pw = pair_width(q), k = (size_t)snprintf(num, sizeof num, "%.0f", q->n);
        w = pw > w ? pw : w;
        nw = k > nw ? k : nw;
    }
    printf("%-*s %*s %5s %5s %9s %9s %9s %9s %9s%s  %s\n", (int)w, "pair", (int)nw, "n", "kx", "ky",
           "dep_tvd", "null p95", "V", "NMI", "MM bias", refpath ? "  retention [95%]      " : "",
           "");
    for (size_t p = 0; p < npairs; p++) {
        const iaf_scan_pair *q = iaf_scan_result_pair(r, p);
        char ret[64] = "";
        if (refpath) {
            if (!q->has_ref)
                snprintf(ret, sizeof ret, "  %-22s", "(not in reference)");
            else if (!q->ref_dependent || isnan(q->retention))
                snprintf(ret, sizeof ret, "  %-22s", "(no ref. dependence)");
            else
                snprintf(ret, sizeof ret, "  %5.2f [%5.2f, %5.2f]  ", q->retention, q->retention_lo,
                         q->retention_hi);
        }
        const char *what = q->candidate && q->ref_candidate
                               ? "footprint candidate (independent-looking; flattened vs "
                                 "reference)"
                           : q->candidate ? "footprint candidate (indistinguishable from "
                                            "independence)"
                           : q->ref_candidate
                               ? "footprint candidate (flattened against the reference)"
                               : "";
        printf("%s x %s%s%*s %*.0f %5zu %5zu %9.5f %9.5f %9.5f %9.5f %9.2g%s  %s\n", q->x, q->y,
               q->small_n ? "*" : "", (int)(w - pair_width(q)), "", (int)nw, q->n, q->kx, q->ky,
               q->dep_tvd, q->null_dep_tvd_p95, q->cramers_v, q->nmi, q->mm_bias, ret, what);
        /* the card's sentences naming both columns, quoted whole, under the pair */
        for (size_t i = 0; i < ncard; i++)
            if (iaf_scan_result_card_names(r, i, p))
                printf("  card: \"%s\"\n", iaf_scan_result_card(r, i));
    }
    printf("\n%zu footprint candidates of %zu pairs\n", ncand, npairs);
    if (ncard) {
        printf("\ncard sentences stating independence or no interaction:\n");
        for (size_t i = 0; i < ncard; i++)
            printf("  \"%s\"\n", iaf_scan_result_card(r, i));
    }
}

/* What the command line asks for. */
typedef struct scan_args {
    iaf_scan_options o;
    cli_common co;
    const char *columns, *card, *skip, *refpath;
    double ref_n, tau_ret;
    int json;
} scan_args;

/* The options into a; 0 to go on, -1 after --help, else the usage error's exit code. */
static int parse_args(int argc, char **argv, scan_args *a)
{
    static const struct option longopts[] = {{"columns", required_argument, NULL, 'c'},
                                             {"max-categories", required_argument, NULL, 'M'},
                                             {"permutations", required_argument, NULL, 'B'},
                                             {"null", required_argument, NULL, 'B'},
                                             {"card", required_argument, NULL, 'C'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"skip", required_argument, NULL, 'K'},
                                             {"weight", required_argument, NULL, 'W'},
                                             {"reference", required_argument, NULL, 'R'},
                                             {"reference-form", required_argument, NULL, 'F'},
                                             {"reference-weight", required_argument, NULL, 'X'},
                                             {"reference-n", required_argument, NULL, 'n'},
                                             {"tau-ret", required_argument, NULL, 'T'},
                                             CLI_LONG_WHERE,
                                             CLI_LONG_SEED,
                                             CLI_LONG_FORMAT,
                                             CLI_LONG_ENCODING,
                                             CLI_LONG_ENCODING_SIDES,
                                             CLI_LONG_THREADS,
                                             CLI_LONG_BOOTSTRAP,
                                             CLI_LONG_MISSING,
                                             CLI_LONG_NORMALIZE,
                                             CLI_LONG_HELP,
                                             CLI_LONG_END};
    memset(a, 0, sizeof *a);
    a->o.null_b = 200;
    a->tau_ret = IAF_SCAN_TAU_RET;
    cli_common_init(&a->co);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:w:f:t:h", longopts, NULL)) != -1) {
        int crc = cli_common_option(&a->co, "scan", c, optarg);
        if (crc == 0) continue;
        if (crc > 0) return crc;
        switch (c) {
        case 'c':
            a->columns = optarg;
            break;
        case 'M': {
            uint64_t v;
            if (cli_parse_u64(optarg, 2, 100000, &v) != 0)
                return cli_usage_error("scan", "--max-categories takes 2..100000");
            a->o.max_categories = (size_t)v;
            break;
        }
        case 'B': {
            uint64_t v;
            if (cli_parse_u64(optarg, 20, 100000, &v) != 0)
                return cli_usage_error("scan", "--null takes 20..100000 replicates");
            a->o.null_b = (size_t)v;
            break;
        }
        case 'T':
            if (cli_parse_f64(optarg, 0, 1, 1, &a->tau_ret) != 0 || !(a->tau_ret < 1))
                return cli_usage_error("scan", "--tau-ret takes a number in (0, 1)");
            break;
        case 'n':
            if (cli_parse_f64(optarg, 0, 1, CLI_MAX_COUNT, &a->ref_n) != 0)
                return cli_usage_error("scan", "--reference-n takes a positive number up to 2^53");
            break;
        case 'C':
            a->card = optarg;
            break;
        case 'K':
            a->skip = optarg;
            break;
        case 'W':
            a->o.weight = optarg;
            break;
        case 'R':
            a->refpath = optarg;
            break;
        case 'X':
            a->o.reference_weight = optarg;
            break;
        case 'F':
            if (!strcmp(optarg, "auto"))
                a->o.reference_form = IAF_DATA_AUTO;
            else if (!strcmp(optarg, "microdata"))
                a->o.reference_form = IAF_DATA_MICRODATA;
            else if (!strcmp(optarg, "counts"))
                a->o.reference_form = IAF_DATA_COUNTS;
            else
                return cli_usage_error("scan", "form is auto, microdata or counts");
            break;
        case 'j':
            a->json = 1;
            break;
        case 'h':
            help();
            return -1;
        default:
            return cli_bad_option("scan", longopts, c, argv);
        }
    }
    a->o.where = a->co.where;
    a->o.seed = a->co.seed;
    a->o.seed_set = a->co.seed_set;
    a->o.bootstrap_b = a->co.bootstrap ? a->co.bootstrap : 200;
    a->o.normalize = a->co.normalize;
    a->o.threads = a->co.threads;
    a->o.source.format = a->co.format;
    /* the data and the reference each in its own encoding */
    a->o.source.encoding = cli_common_encoding(&a->co, 0);
    a->o.reference_source.encoding = cli_common_encoding(&a->co, 1);
    if (optind >= argc) return cli_usage_error("scan", "no input files");
    if (!a->refpath &&
        (a->o.reference_weight || a->ref_n > 0 || a->o.reference_form != IAF_DATA_AUTO))
        return cli_usage_error("scan", "--reference-* options need --reference");
    a->o.tau_ret = a->tau_ret;
    a->o.reference_n = a->ref_n;
    a->o.card = a->card;
    return 0;
}

int cmd_scan(int argc, char **argv)
{
    scan_args args;
    int prc = parse_args(argc, argv, &args);
    if (prc) return prc < 0 ? EXIT_OK : prc;
    iaf_scan_options o = args.o;
    const char *columns = args.columns, *skip = args.skip, *refpath = args.refpath;
    const char *na = args.co.missing;
    int json = args.json;
    const char *refpaths[1] = {refpath};
    if (refpath) o.reference_paths = refpaths, o.nreference_paths = 1;
    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    char **cols = NULL, **skips = NULL, **nas = NULL;
    iaf_scan_result *res = NULL;
    iaf_buffer *out = NULL;
    int n;
    if (skip) {
        if ((n = cli_split(skip, &skips)) < 0) goto oom;
        o.skip = (const char *const *)skips;
        o.nskip = (size_t)n;
    }
    if (na) {
        if ((n = cli_split(na, &nas)) < 0) goto oom;
        o.missing = (const char *const *)nas;
        o.nmissing = (size_t)n;
    }
    if (columns) {
        if ((n = cli_split(columns, &cols)) < 0) goto oom;
        if (n < 2) {
            rc = cli_usage_error("scan", "--columns needs at least two columns");
            goto done;
        }
        const char *rep = cli_find_repeat(cols, (size_t)n);
        if (rep == cli_repeat_nomem) goto oom;
        if (rep) {
            rc = cli_usage_error("scan", "--columns names '%s' more than once", rep);
            goto done;
        }
        o.columns = (const char *const *)cols;
        o.ncolumns = (size_t)n;
    }
    if (iaf_scan_run((const char *const *)(argv + optind), (size_t)(argc - optind), &o, &res,
                     &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (json) {
        if (!(out = iaf_buffer_new())) goto oom;
        if (iaf_scan_result_write_json(res, out, &err) != IAF_OK ||
            cli_stdout_write(iaf_buffer_data(out), iaf_buffer_len(out), &err) != IAF_OK ||
            cli_stdout_write("\n", 1, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    } else {
        cli_escape_stdout(); /* column names, labels and card sentences are data */
        print_readable(res, &o, refpath);
    }
    rc = EXIT_OK;
    goto done;
oom:
    rc = cli_oom();
done:
    iaf_buffer_free(out);
    iaf_scan_result_free(res);
    cli_free_list(cols);
    cli_free_list(skips);
    cli_free_list(nas);
    return rc;
}
