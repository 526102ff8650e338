/* src/cli/cmd_scan.c - `iaf scan`: the discovery scan of METHOD.md section 11. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/options.h"
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
           "      --max-categories N   default 100\n"
           "  -w, --where EXPR         universe filter\n"
           "      --null B             null replicates per pair (default 200; alias\n"
           "                           --permutations)\n"
           "      --seed S             default 20260611\n"
           "      --reference FILE     microdata or a long count table over the same columns\n"
           "      --reference-form F   auto (default), microdata or counts\n"
           "      --reference-weight COL  weight column of a microdata reference\n"
           "      --reference-n N      effective n of a count-table reference (default: fixed)\n"
           "      --bootstrap B        retention interval replicates (default 200)\n"
           "      --tau-ret T          retention criterion 1 - T (default 0.5)\n"
           "      --missing LIST       values that also mean missing (default: none)\n"
           "      --normalize STEPS    trim, nfc, nfkc, casefold, numeric (docs/spec.md)\n"
           "      --card FILE          a dataset card: sentences stating independence or \"not\n"
           "                           modeled\" (English and Korean), quoted whole beside the\n"
           "                           pairs whose two columns they name (a regular\n"
           "                           file of at most 8 MiB)\n"
           "  -f, --format FMT         auto, csv, jsonl, parquet\n"
           "      --encoding ENC       utf-8, cp949, euc-kr\n"
           "  -t, --threads N          worker threads (results do not depend on it)\n"
           "      --json               one JSON object\n"
           "  -h, --help               this text\n");
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

int cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {{"columns", required_argument, NULL, 'c'},
                                             {"max-categories", required_argument, NULL, 'M'},
                                             {"where", required_argument, NULL, 'w'},
                                             {"permutations", required_argument, NULL, 'B'},
                                             {"null", required_argument, NULL, 'B'},
                                             {"seed", required_argument, NULL, 's'},
                                             {"card", required_argument, NULL, 'C'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"encoding", required_argument, NULL, 'E'},
                                             {"threads", required_argument, NULL, 't'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"skip", required_argument, NULL, 'K'},
                                             {"weight", required_argument, NULL, 'W'},
                                             {"reference", required_argument, NULL, 'R'},
                                             {"reference-form", required_argument, NULL, 'F'},
                                             {"reference-weight", required_argument, NULL, 'X'},
                                             {"reference-n", required_argument, NULL, 'n'},
                                             {"bootstrap", required_argument, NULL, 'b'},
                                             {"tau-ret", required_argument, NULL, 'T'},
                                             {"missing", required_argument, NULL, 'N'},
                                             {"normalize", required_argument, NULL, 'Z'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *columns = NULL, *card = NULL, *skip = NULL, *refpath = NULL, *na = NULL;
    double ref_n = 0, tau_ret = IAF_SCAN_TAU_RET;
    int json = 0, c;
    iaf_scan_options o;
    memset(&o, 0, sizeof o);
    o.null_b = o.bootstrap_b = 200;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:w:f:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            columns = optarg;
            break;
        case 'M': {
            uint64_t v;
            if (cli_parse_u64(optarg, 2, 100000, &v) != 0)
                return cli_usage_error("scan", "--max-categories takes 2..100000");
            o.max_categories = (size_t)v;
            break;
        }
        case 'w':
            o.where = optarg;
            break;
        case 'B': {
            uint64_t v;
            if (cli_parse_u64(optarg, 20, 100000, &v) != 0)
                return cli_usage_error("scan", "--null takes 20..100000 replicates");
            o.null_b = (size_t)v;
            break;
        }
        case 'b': {
            uint64_t v;
            if (cli_parse_u64(optarg, 50, 100000, &v) != 0)
                return cli_usage_error("scan", "--bootstrap takes 50..100000 replicates");
            o.bootstrap_b = (size_t)v;
            break;
        }
        case 's':
            if (cli_parse_seed(optarg, &o.seed) != 0)
                return cli_usage_error("scan", "--seed takes an integer 0 to 2^64-1, not '%s'",
                                       optarg);
            o.seed_set = 1;
            break;
        case 'T':
            if (cli_parse_f64(optarg, 0, 1, 1, &tau_ret) != 0 || !(tau_ret < 1))
                return cli_usage_error("scan", "--tau-ret takes a number in (0, 1)");
            break;
        case 'n':
            if (cli_parse_f64(optarg, 0, 1, CLI_MAX_COUNT, &ref_n) != 0)
                return cli_usage_error("scan", "--reference-n takes a positive number up to 2^53");
            break;
        case 'C':
            card = optarg;
            break;
        case 'K':
            skip = optarg;
            break;
        case 'W':
            o.weight = optarg;
            break;
        case 'R':
            refpath = optarg;
            break;
        case 'X':
            o.reference_weight = optarg;
            break;
        case 'F':
            if (!strcmp(optarg, "auto"))
                o.reference_form = IAF_DATA_AUTO;
            else if (!strcmp(optarg, "microdata"))
                o.reference_form = IAF_DATA_MICRODATA;
            else if (!strcmp(optarg, "counts"))
                o.reference_form = IAF_DATA_COUNTS;
            else
                return cli_usage_error("scan", "form is auto, microdata or counts");
            break;
        case 'N':
            na = optarg;
            break;
        case 'Z':
            if (iaf_normalize_check(optarg, NULL) != IAF_OK)
                return cli_usage_error("scan", "--normalize takes trim, nfc, nfkc, casefold, "
                                               "numeric (comma-separated)");
            o.normalize = optarg;
            break;
        case 'f':
            if (cli_parse_format(optarg, &o.source.format) != 0)
                return cli_usage_error("scan", "unknown format '%s'", optarg);
            break;
        case 'E':
            if (cli_parse_encoding(optarg, &o.source.encoding) != 0)
                return cli_usage_error("scan", "unknown encoding '%s'", optarg);
            o.reference_source.encoding = o.source.encoding;
            break;
        case 't':
            if (cli_parse_threads(optarg, &o.threads) != 0)
                return cli_usage_error("scan", "--threads takes 1..64 or auto");
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("scan", "bad option");
        }
    }
    if (optind >= argc) return cli_usage_error("scan", "no input files");
    if (!refpath && (o.reference_weight || ref_n > 0 || o.reference_form != IAF_DATA_AUTO))
        return cli_usage_error("scan", "--reference-* options need --reference");
    o.tau_ret = tau_ret;
    o.reference_n = ref_n;
    o.card = card;
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
