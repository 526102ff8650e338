/* src/cli/cmd_scan.c - `iaf scan`: the discovery scan of METHOD.md section 11. */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/dataset.h"
#include "audit/scan.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "io/file.h"
#include "cli/options.h"
#include "util/util.h"

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

/* Probe: distinct values per column in the first rows. */
typedef struct probe {
    size_t ncols;
    iaf_strmap *maps;
    long long rows, limit;
    pthread_mutex_t lock;
} probe;

static iaf_status probe_begin(void *ctx, int w, void **state, iaf_error *err)
{
    (void)w, (void)err;
    *state = ctx;
    return IAF_OK;
}

static iaf_status probe_batch(void *vctx, void *state, const iaf_batch *b, iaf_error *err)
{
    (void)state;
    probe *p = vctx;
    pthread_mutex_lock(&p->lock);
    for (size_t c = 0; c < b->ncols && c < p->ncols; c++) {
        const iaf_column *col = &b->cols[c];
        if (iaf_strmap_size(&p->maps[c]) > 5000) continue;
        for (size_t i = 0; i < b->nrows; i++) {
            char num[40];
            iaf_sv v = {NULL, 0};
            if (col->kind == IAF_COL_STR)
                v = col->str[i];
            else if (col->kind == IAF_COL_DICT && col->idx[i] < col->ndict)
                v = col->dict[col->idx[i]];
            else if (col->kind == IAF_COL_I64 && (!col->valid || col->valid[i]))
                v = (iaf_sv){num, iaf_fmt_i64(num, col->i64[i])};
            else if (col->kind == IAF_COL_F64 && (!col->valid || col->valid[i]))
                v = (iaf_sv){num, iaf_fmt_f64(num, col->f64[i])};
            if (v.ptr && iaf_strmap_intern(&p->maps[c], v.ptr, v.len) < 0) {
                pthread_mutex_unlock(&p->lock);
                return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
        }
    }
    p->rows += (long long)b->nrows;
    int stop = p->rows >= p->limit;
    pthread_mutex_unlock(&p->lock);
    return stop ? IAF_STOP : IAF_OK; /* enough rows seen */
}

static int cmp_pair(const void *a, const void *b)
{
    const iaf_scan_pair *x = a, *y = b;
    if (x->dep_tvd != y->dep_tvd) return x->dep_tvd > y->dep_tvd ? -1 : 1;
    int c = strcmp(x->x, y->x);
    return c ? c : strcmp(x->y, y->y);
}

/* A skipped column and why. */
typedef struct skipped {
    char *name;
    char why[96];
} skipped;

static int in_list(char **list, const char *name)
{
    for (size_t i = 0; list && list[i]; i++)
        if (!strcmp(list[i], name)) return 1;
    return 0;
}

/* Named like an identifier or a weight (case-insensitive); returns the reason or NULL. */
static const char *by_name(const char *name)
{
    char low[128];
    size_t n = strlen(name);
    if (n >= sizeof low) return NULL;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    static const char *const ids[] = {"id",    "uuid",   "guid", "index",
                                      "rowid", "row_id", "key",  "pk"};
    for (size_t i = 0; i < IAF_ARRAY_LEN(ids); i++)
        if (!strcmp(low, ids[i])) return "identifier (named like one)";
    if ((n > 3 && !strcmp(low + n - 3, "_id")) || (n > 4 && !strcmp(low + n - 4, "uuid")))
        return "identifier (named like one)";
    static const char *const ws[] = {"w", "wt", "pw", "perwt", "hhwt", "wgtp", "pwgtp"};
    for (size_t i = 0; i < IAF_ARRAY_LEN(ws); i++)
        if (!strcmp(low, ws[i])) return "weight (named like one)";
    if (strstr(low, "weight") || strstr(low, "wgt")) return "weight (named like one)";
    return NULL;
}

static int add_skip(skipped **sk, size_t *nsk, size_t *cap, const char *name, const char *fmt,
                    double a, double b)
{
    if (IAF_GROW(*sk, *cap, *nsk + 1) != 0) return -1;
    skipped *k = &(*sk)[*nsk];
    if (!(k->name = iaf_strdup(name))) return -1;
    snprintf(k->why, sizeof k->why, fmt, a, b);
    (*nsk)++;
    return 0;
}

/* Is col among the dataset's columns? */
static int has_col(const iaf_dataset *d, const char *col)
{
    for (size_t i = 0; i < iaf_dataset_ncols(d); i++)
        if (!strcmp(iaf_dataset_col(d, i), col)) return 1;
    return 0;
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

/* What the pair workers share. */
typedef struct scan_ctx {
    iaf_dataset *ds, *rds;
    const iaf_expr *universe;
    const char *const *cols;
    size_t ncols;
    const int *req, *rreq;
    iaf_scan_pair *pairs;
    size_t b;
    uint64_t seed;
    const iaf_boot_options *bo;
    double tau_ret, ref_n;
    int weighted, ref_weighted;
    size_t *pi, *pj; /* pair p = (cols[pi[p]], cols[pj[p]]) */
    iaf_error *errs; /* per pair */
    size_t next;     /* the next pair to take */
    pthread_mutex_t lock;
} scan_ctx;

static iaf_status scan_one(scan_ctx *c, size_t p, iaf_error *err)
{
    const char *x = c->cols[c->pi[p]], *y = c->cols[c->pj[p]];
    iaf_attr *at[2] = {iaf_attr_new_asis(x, x), iaf_attr_new_asis(y, y)};
    iaf_derived *dv = NULL, *rdv = NULL;
    iaf_status st = at[0] && at[1]
                        ? iaf_dataset_derive(c->ds, c->req[p], at, 2, c->universe, &dv, err)
                        : iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (st == IAF_OK) st = iaf_scan_pair_eval(dv->table, c->b, c->seed, &c->pairs[p], err);
    if (st == IAF_OK && c->rreq[p] >= 0)
        st = iaf_dataset_derive(c->rds, c->rreq[p], at, 2, NULL, &rdv, err);
    if (st == IAF_OK && rdv) {
        double n_s = c->weighted ? iaf_table_n_eff(dv->table) : iaf_table_n_obs(dv->table);
        double n_r =
            !iaf_dataset_is_counts(c->rds)
                ? (c->ref_weighted ? iaf_table_n_eff(rdv->table) : iaf_table_n_obs(rdv->table))
            : !isnan(c->ref_n) ? c->ref_n
                               : INFINITY;
        st = iaf_scan_pair_reference(&c->pairs[p], dv->table, rdv->table, n_s, n_r, c->bo,
                                     c->tau_ret, err);
    }
    iaf_derived_free(dv);
    iaf_derived_free(rdv);
    iaf_attr_free(at[0]);
    iaf_attr_free(at[1]);
    return st;
}

static void *scan_worker(void *arg)
{
    scan_ctx *c = arg;
    size_t npairs = c->ncols * (c->ncols - 1) / 2;
    for (;;) {
        pthread_mutex_lock(&c->lock);
        size_t p = c->next++;
        pthread_mutex_unlock(&c->lock);
        if (p >= npairs) break;
        iaf_error_clear(&c->errs[p]);
        iaf_status st = scan_one(c, p, &c->errs[p]);
        if (st != IAF_OK && c->errs[p].status == IAF_OK) c->errs[p].status = st;
    }
    return NULL;
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
    const char *columns = NULL, *where = NULL, *card = NULL, *skip = NULL, *refpath = NULL,
               *na = NULL;
    long maxcat = 100;
    size_t B = 200, boot_b = 200;
    uint64_t seed = 20260611u;
    double ref_n = NAN, tau_ret = IAF_SCAN_TAU_RET;
    int json = 0, c;
    iaf_dataset_options dopt, ropt;
    memset(&dopt, 0, sizeof dopt);
    memset(&ropt, 0, sizeof ropt);
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
            maxcat = (long)v;
            break;
        }
        case 'w':
            where = optarg;
            break;
        case 'B': {
            uint64_t v;
            if (cli_parse_u64(optarg, 20, 100000, &v) != 0)
                return cli_usage_error("scan", "--null takes 20..100000 replicates");
            B = (size_t)v;
            break;
        }
        case 'b': {
            uint64_t v;
            if (cli_parse_u64(optarg, 50, 100000, &v) != 0)
                return cli_usage_error("scan", "--bootstrap takes 50..100000 replicates");
            boot_b = (size_t)v;
            break;
        }
        case 's':
            if (cli_parse_seed(optarg, &seed) != 0)
                return cli_usage_error("scan", "--seed takes an integer 0 to 2^64-1, not '%s'",
                                       optarg);
            break;
        case 'T':
            if (cli_parse_f64(optarg, 0, 1, 1, &tau_ret) != 0 || !(tau_ret < 1))
                return cli_usage_error("scan", "--tau-ret takes a number in (0, 1)");
            break;
        case 'n':
            if (cli_parse_f64(optarg, 0, 1, 9007199254740992.0, &ref_n) != 0)
                return cli_usage_error("scan", "--reference-n takes a positive number up to 2^53");
            break;
        case 'C':
            card = optarg;
            break;
        case 'K':
            skip = optarg;
            break;
        case 'W':
            dopt.weight = optarg;
            break;
        case 'R':
            refpath = optarg;
            break;
        case 'X':
            ropt.weight = optarg;
            break;
        case 'F':
            if (!strcmp(optarg, "auto"))
                ropt.form = IAF_DATA_AUTO;
            else if (!strcmp(optarg, "microdata"))
                ropt.form = IAF_DATA_MICRODATA;
            else if (!strcmp(optarg, "counts"))
                ropt.form = IAF_DATA_COUNTS;
            else
                return cli_usage_error("scan", "form is auto, microdata or counts");
            break;
        case 'N':
            na = optarg;
            break;
        case 'Z':
            if (cli_parse_normalize(optarg, &dopt.labels.normalize) != 0)
                return cli_usage_error("scan", "--normalize takes trim, nfc, nfkc, casefold, "
                                               "numeric (comma-separated)");
            ropt.labels.normalize = dopt.labels.normalize;
            break;
        case 'f':
            if (cli_parse_format(optarg, &dopt.source.format) != 0)
                return cli_usage_error("scan", "unknown format '%s'", optarg);
            break;
        case 'E':
            if (cli_parse_encoding(optarg, &dopt.source.encoding) != 0)
                return cli_usage_error("scan", "unknown encoding '%s'", optarg);
            ropt.source.encoding = ropt.counts.encoding = dopt.counts.encoding =
                dopt.source.encoding;
            break;
        case 't':
            if (cli_parse_threads(optarg, &dopt.source.threads) != 0)
                return cli_usage_error("scan", "--threads takes 1..64 or auto");
            ropt.source.threads = dopt.source.threads;
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
    if (!refpath && (ropt.weight || !isnan(ref_n) || ropt.form != IAF_DATA_AUTO))
        return cli_usage_error("scan", "--reference-* options need --reference");
    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_dataset *ds = NULL, *rds = NULL;
    iaf_expr *universe = NULL;
    char **cols = NULL, **card_sent = NULL, **skips = NULL, **nas = NULL;
    size_t ncols = 0, ncard = 0, npairs = 0, nsk = 0, skcap = 0, nlump = 0;
    skipped *sk = NULL;
    iaf_scan_pair *pairs = NULL;
    int *req = NULL, *rreq = NULL, nna = 0;
    char **lumps = NULL; /* "COLUMN: label" */
    iaf_buf out = {0};
    probe pr;
    memset(&pr, 0, sizeof pr);
    pthread_mutex_init(&pr.lock, NULL);
    if (skip && cli_split(skip, &skips) < 0) goto done;
    if (na && (nna = cli_split(na, &nas)) < 0) goto done;
    dopt.labels.missing = ropt.labels.missing = (const char *const *)nas;
    dopt.labels.nmissing = ropt.labels.nmissing = nas ? (size_t)nna : 0;
    if (where && iaf_expr_parse(where, "--where", &universe, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    /* the card first: a bad card must not cost a scan */
    if (card && iaf_card_read(card, &card_sent, &ncard, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (iaf_dataset_open((const char *const *)(argv + optind), (size_t)(argc - optind), &dopt, &ds,
                         &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (columns) {
        int n = cli_split(columns, &cols);
        if (n < 0) {
            rc = cli_oom();
            goto done;
        }
        if (n < 2) {
            rc = cli_usage_error("scan", "--columns needs at least two columns");
            goto done;
        }
        ncols = (size_t)n;
        const char *rep = cli_find_repeat(cols, ncols);
        if (rep == cli_repeat_nomem) {
            rc = cli_oom();
            goto done;
        }
        if (rep) {
            rc = cli_usage_error("scan", "--columns names '%s' more than once", rep);
            goto done;
        }
        /* declared skips and the weight still leave the list */
        size_t k = 0;
        for (size_t i = 0; i < ncols; i++) {
            int w = dopt.weight && !strcmp(cols[i], dopt.weight);
            if (w || in_list(skips, cols[i])) {
                if (add_skip(&sk, &nsk, &skcap, cols[i],
                             w ? "weight (declared)" : "declared with --skip", 0, 0) != 0)
                    goto done;
                iaf_free(cols[i]);
            } else {
                cols[k++] = cols[i];
            }
        }
        cols[k] = NULL;
        ncols = k;
    } else if (iaf_dataset_is_counts(ds)) {
        ncols = 0;
        cols = iaf_calloc(iaf_dataset_ncols(ds) + 1, sizeof *cols);
        if (!cols) {
            rc = cli_oom();
            goto done;
        }
        for (size_t i = 0; i < iaf_dataset_ncols(ds); i++) {
            const char *name = iaf_dataset_col(ds, i);
            if (in_list(skips, name)) {
                if (add_skip(&sk, &nsk, &skcap, name, "declared with --skip", 0, 0) != 0) {
                    rc = cli_oom();
                    goto done;
                }
            } else if (!(cols[ncols++] = iaf_strdup(name))) {
                rc = cli_oom();
                goto done;
            }
        }
    } else {
        /* probe the first rows for categorical columns */
        const char *paths0[1] = {argv[optind]};
        iaf_source *src = NULL;
        iaf_source_options so = dopt.source;
        /* one worker: a Parquet unit is a whole row group of every column (with long
         * text, hundreds of MB decoded); a second worker only decoded another one
         * that the probe never needed */
        so.threads = 1;
        if (iaf_source_open(paths0, 1, &so, &src, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        pr.ncols = iaf_source_ncols(src);
        pr.limit = 20000;
        pr.maps = iaf_calloc(pr.ncols + 1, sizeof *pr.maps);
        const char **names = iaf_calloc(pr.ncols + 1, sizeof *names);
        for (size_t i = 0; names && i < pr.ncols; i++)
            names[i] = iaf_source_colname(src, i);
        iaf_scan_consumer pc = {&pr, probe_begin, probe_batch, NULL};
        iaf_status st = names && pr.maps
                            ? iaf_source_project(src, names, pr.ncols, &err)
                            : iaf_error_set(&err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        if (st == IAF_OK) st = iaf_source_scan(src, &pc, NULL, &err);
        if (st == IAF_STOP) st = IAF_OK;
        if (st == IAF_OK && !(cols = iaf_calloc(pr.ncols + 1, sizeof *cols)))
            st = iaf_error_set(&err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; st == IAF_OK && i < pr.ncols; i++) {
            size_t d = iaf_strmap_size(&pr.maps[i]);
            double rows = (double)pr.rows;
            const char *why = by_name(names[i]);
            int bad = 0;
            if (dopt.weight && !strcmp(names[i], dopt.weight))
                bad = add_skip(&sk, &nsk, &skcap, names[i], "weight (declared)", 0, 0);
            else if (in_list(skips, names[i]))
                bad = add_skip(&sk, &nsk, &skcap, names[i], "declared with --skip", 0, 0);
            else if (why)
                bad = add_skip(&sk, &nsk, &skcap, names[i], why, 0, 0);
            else if (rows >= 20 && (double)d > 0.9 * rows)
                bad = add_skip(&sk, &nsk, &skcap, names[i],
                               "identifier (near-unique: %.0f distinct in %.0f rows)", (double)d,
                               rows);
            else if (d < 2)
                bad = add_skip(&sk, &nsk, &skcap, names[i], "one value", 0, 0);
            else if (d > (size_t)maxcat)
                bad = add_skip(&sk, &nsk, &skcap, names[i],
                               d > 5000 ? "more than %.0f values (continuous or free text)"
                                        : "%.0f values, more than --max-categories",
                               d > 5000 ? 5000.0 : (double)d, 0);
            else if (!(cols[ncols++] = iaf_strdup(names[i])))
                bad = 1;
            if (bad) st = iaf_error_set(&err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        iaf_free(names);
        iaf_source_free(src);
        if (st != IAF_OK) {
            rc = cli_fail(&err); /* every failure above sets err, out of memory too */
            goto done;
        }
    }
    if (ncols < 2) {
        fprintf(stderr, "iaf: fewer than two categorical columns to pair (use --columns)\n");
        goto done;
    }
    if (refpath) {
        const char *rp[1] = {refpath};
        ropt.counts.long_all_columns = 1;
        if (iaf_dataset_open(rp, 1, &ropt, &rds, &err) != IAF_OK) {
            iaf_error_prefix(&err, "reference: ");
            rc = cli_fail(&err);
            goto done;
        }
    }
    npairs = ncols * (ncols - 1) / 2;
    pairs = iaf_calloc(npairs + 1, sizeof *pairs);
    req = iaf_calloc(npairs + 1, sizeof *req);
    rreq = iaf_calloc(npairs + 1, sizeof *rreq);
    if (!pairs || !req || !rreq) {
        rc = cli_oom();
        goto done;
    }
    for (size_t i = 0, p = 0; i < ncols; i++)
        for (size_t j = i + 1; j < ncols; j++, p++) {
            const char *rc2[IAF_MAX_CUBE_COLS];
            size_t n = 0;
            rc2[n++] = cols[i];
            rc2[n++] = cols[j];
            for (size_t v = 0; universe && v < iaf_expr_nvars(universe) && n < IAF_MAX_CUBE_COLS;
                 v++) {
                const char *name = iaf_expr_var(universe, v);
                if (strcmp(name, cols[i]) && strcmp(name, cols[j])) rc2[n++] = name;
            }
            if ((req[p] = iaf_dataset_add_request(ds, rc2, n, &err)) < 0) {
                rc = cli_fail(&err);
                goto done;
            }
            rreq[p] = -1;
            if (rds && has_col(rds, cols[i]) && has_col(rds, cols[j]) &&
                (rreq[p] = iaf_dataset_add_request(rds, rc2, 2, &err)) < 0) {
                rc = cli_fail(&err);
                goto done;
            }
        }
    if (iaf_dataset_count(ds, NULL, &err) != IAF_OK ||
        (rds && iaf_dataset_count(rds, NULL, &err) != IAF_OK)) {
        rc = cli_fail(&err);
        goto done;
    }
    iaf_boot_options bo = {0};
    bo.b = boot_b;
    bo.seed = seed;
    bo.threads = 1; /* the pairs run in parallel instead */
    scan_ctx sc = {ds,
                   rds,
                   universe,
                   (const char *const *)cols,
                   ncols,
                   req,
                   rreq,
                   pairs,
                   B,
                   seed,
                   &bo,
                   tau_ret,
                   ref_n,
                   dopt.weight != NULL,
                   ropt.weight != NULL,
                   NULL,
                   NULL,
                   NULL,
                   0,
                   PTHREAD_MUTEX_INITIALIZER};
    sc.pi = iaf_calloc(npairs + 1, sizeof *sc.pi);
    sc.pj = iaf_calloc(npairs + 1, sizeof *sc.pj);
    sc.errs = iaf_calloc(npairs + 1, sizeof *sc.errs);
    if (!sc.pi || !sc.pj || !sc.errs) {
        iaf_free(sc.pi), iaf_free(sc.pj), iaf_free(sc.errs);
        rc = cli_oom();
        goto done;
    }
    for (size_t i = 0, p = 0; i < ncols; i++)
        for (size_t j = i + 1; j < ncols; j++, p++)
            sc.pi[p] = i, sc.pj[p] = j, sc.errs[p].status = IAF_OK;
    /* one worker per thread (default: the processors online), each taking the next pair;
     * a pair's result depends only on its own table and seed, not on who computes it */
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = dopt.source.threads > 0 ? (size_t)dopt.source.threads
                      : nproc > 0             ? (size_t)nproc
                                              : 1;
    if (nthreads > npairs) nthreads = npairs;
    if (nthreads > 64) nthreads = 64;
    pthread_t tid[64];
    size_t started = 0;
    for (size_t t = 1; t < nthreads; t++)
        if (pthread_create(&tid[t], NULL, scan_worker, &sc) == 0) started++;
    scan_worker(&sc);
    for (size_t t = 1; t <= started; t++)
        pthread_join(tid[t], NULL);
    int failed = 0;
    for (size_t p = 0; p < npairs && !failed; p++)
        if (sc.errs[p].status != IAF_OK) {
            rc = cli_fail(&sc.errs[p]);
            failed = 1;
        }
    /* lumped categories: each column's labels, from one of its pairs */
    for (size_t ci = 0; ci < ncols && !failed; ci++) {
        size_t p = 0, a = 0;
        for (size_t q = 0; q < npairs; q++)
            if (sc.pi[q] == ci || sc.pj[q] == ci) {
                p = q, a = sc.pj[q] == ci;
                break;
            }
        iaf_attr *at[2] = {iaf_attr_new_asis(cols[sc.pi[p]], cols[sc.pi[p]]),
                           iaf_attr_new_asis(cols[sc.pj[p]], cols[sc.pj[p]])};
        iaf_derived *dv = NULL;
        if (!at[0] || !at[1] || iaf_dataset_derive(ds, req[p], at, 2, universe, &dv, &err)) {
            rc = at[0] && at[1] ? cli_fail(&err) : cli_oom();
            failed = 1;
        }
        for (size_t k = 0; dv && k < iaf_table_ncats(dv->table, a); k++) {
            iaf_sv l = iaf_table_cat(dv->table, a, k);
            if (!iaf_scan_is_lump_label(l.ptr, l.len)) continue;
            iaf_buf lb = {0};
            size_t cap = nlump;
            if (iaf_buf_printf(&lb, "%s: '%.*s'", cols[ci], (int)l.len, l.ptr) != 0 ||
                IAF_GROW(lumps, cap, nlump + 1) != 0) {
                iaf_buf_free(&lb);
                rc = cli_oom();
                failed = 1;
                break;
            }
            lumps[nlump++] = lb.data;
        }
        iaf_derived_free(dv);
        iaf_attr_free(at[0]);
        iaf_attr_free(at[1]);
    }
    iaf_free(sc.pi), iaf_free(sc.pj), iaf_free(sc.errs);
    pthread_mutex_destroy(&sc.lock);
    if (failed) goto done;
    qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    int64_t nrows = iaf_dataset_rows(ds);
    size_t nsmall = 0, ncand = 0;
    for (size_t p = 0; p < npairs; p++)
        nsmall += pairs[p].small_n, ncand += pairs[p].candidate || pairs[p].ref_candidate;
    if (json) {
        iaf_json j;
        iaf_json_init(&j, &out, 1);
        iaf_json_begin_object(&j);
        iaf_json_kint(&j, "rows", nrows);
        iaf_json_kstr(&j, "weight", dopt.weight);
        iaf_json_kint(&j, "null_replicates", (int64_t)B);
        iaf_json_kstr(&j, "null",
                      dopt.weight ? "independence, Multinomial(n_eff, p_x p_y) on cells"
                                  : "independence with both margins fixed, simulated on cells");
        iaf_json_kint(&j, "seed", (int64_t)seed);
        iaf_json_kstr(&j, "reference", refpath);
        if (refpath) {
            iaf_json_kint(&j, "bootstrap", (int64_t)boot_b);
            iaf_json_knum(&j, "tau_ret", tau_ret);
        }
        iaf_json_key(&j, "columns");
        iaf_json_begin_array(&j);
        for (size_t i = 0; i < ncols; i++)
            iaf_json_str(&j, cols[i]);
        iaf_json_end_array(&j);
        iaf_json_key(&j, "skipped");
        iaf_json_begin_array(&j);
        for (size_t i = 0; i < nsk; i++) {
            iaf_json_begin_object(&j);
            iaf_json_kstr(&j, "column", sk[i].name);
            iaf_json_kstr(&j, "why", sk[i].why);
            iaf_json_end_object(&j);
        }
        iaf_json_end_array(&j);
        iaf_json_key(&j, "lumped_categories");
        iaf_json_begin_array(&j);
        for (size_t i = 0; i < nlump; i++)
            iaf_json_str(&j, lumps[i]);
        iaf_json_end_array(&j);
        iaf_json_key(&j, "pairs");
        iaf_json_begin_array(&j);
        for (size_t p = 0; p < npairs; p++) {
            /* the pair object, then the card sentences naming both columns */
            iaf_scan_pair_json(&pairs[p], &j);
        }
        iaf_json_end_array(&j);
        iaf_json_key(&j, "card_disclosures");
        iaf_json_begin_array(&j);
        for (size_t i = 0; i < ncard; i++) {
            iaf_json_begin_object(&j);
            iaf_json_kstr(&j, "sentence", card_sent[i]);
            iaf_json_key(&j, "pairs");
            iaf_json_begin_array(&j);
            for (size_t p = 0; p < npairs; p++)
                if (iaf_card_names(card_sent[i], pairs[p].x) &&
                    iaf_card_names(card_sent[i], pairs[p].y)) {
                    iaf_json_begin_array(&j);
                    iaf_json_str(&j, pairs[p].x);
                    iaf_json_str(&j, pairs[p].y);
                    iaf_json_end_array(&j);
                }
            iaf_json_end_array(&j);
            iaf_json_end_object(&j);
        }
        iaf_json_end_array(&j);
        iaf_json_end_object(&j);
        if (j.failed || iaf_buf_puts(&out, "\n") != 0) {
            rc = cli_oom();
            goto done;
        }
        if (cli_stdout_write(out.data, out.len, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    } else {
        cli_escape_stdout(); /* column names, labels and card sentences are data */
        printf("scan: %lld rows%s; %zu columns paired (%zu pairs); null: %zu tables per pair "
               "%s\n",
               (long long)nrows, dopt.weight ? " (weighted)" : "", ncols, npairs, B,
               dopt.weight ? "from Multinomial(n_eff, p_x p_y), simulated on cells"
                           : "with both margins fixed, simulated on cells");
        if (refpath)
            printf("reference: %s (retention intervals, B = %zu; candidate below %.3g)\n", refpath,
                   boot_b, 1 - tau_ret);
        if (nsk) {
            printf("skipped:\n");
            size_t w = 0;
            for (size_t i = 0; i < nsk; i++)
                w = width(sk[i].name) > w ? width(sk[i].name) : w;
            for (size_t i = 0; i < nsk; i++)
                printf("  %s%*s  %s\n", sk[i].name, (int)(w - width(sk[i].name)), "", sk[i].why);
        }
        if (nsmall)
            printf("warning: small n in %zu of %zu pairs (marked *): expected counts under "
                   "independence below 5 in more than 20%% of the cells, or below 1\n",
                   nsmall, npairs);
        for (size_t i = 0; i < nlump; i++)
            printf("warning: lumped category %s: dependence with it understates the truth\n",
                   lumps[i]);
        printf("\n");
        size_t w = 4;
        for (size_t p = 0; p < npairs; p++) {
            size_t pw = width(pairs[p].x) + 3 + width(pairs[p].y) + (pairs[p].small_n ? 1 : 0);
            w = pw > w ? pw : w;
        }
        printf("%-*s %5s %5s %9s %9s %9s %9s %9s%s  %s\n", (int)w, "pair", "kx", "ky", "dep_tvd",
               "null p95", "V", "NMI", "MM bias", refpath ? "  retention [95%]      " : "", "");
        for (size_t p = 0; p < npairs; p++) {
            const iaf_scan_pair *q = &pairs[p];
            char name[512], ret[64] = "";
            snprintf(name, sizeof name, "%s x %s%s", q->x, q->y, q->small_n ? "*" : "");
            if (refpath) {
                if (!q->has_ref)
                    snprintf(ret, sizeof ret, "  %-22s", "(not in reference)");
                else if (!q->ref_dependent || isnan(q->retention))
                    snprintf(ret, sizeof ret, "  %-22s", "(no ref. dependence)");
                else
                    snprintf(ret, sizeof ret, "  %5.2f [%5.2f, %5.2f]  ", q->retention,
                             q->retention_lo, q->retention_hi);
            }
            const char *what = q->candidate && q->ref_candidate
                                   ? "footprint candidate (independent-looking; flattened vs "
                                     "reference)"
                               : q->candidate ? "footprint candidate (indistinguishable from "
                                                "independence)"
                               : q->ref_candidate
                                   ? "footprint candidate (flattened against the reference)"
                                   : "";
            printf("%s%*s %5zu %5zu %9.5f %9.5f %9.5f %9.5f %9.2g%s  %s\n", name,
                   (int)(w - width(name)), "", q->kx, q->ky, q->dep_tvd, q->null_dep_tvd_p95,
                   q->cramers_v, q->nmi, q->mm_bias, ret, what);
            for (size_t i = 0; i < ncard; i++)
                if (iaf_card_names(card_sent[i], q->x) && iaf_card_names(card_sent[i], q->y))
                    printf("%*s card: \"%s\"\n", 2, "", card_sent[i]);
        }
        printf("\n%zu footprint candidates of %zu pairs\n", ncand, npairs);
        if (ncard) {
            printf("\ncard sentences stating independence or no interaction:\n");
            for (size_t i = 0; i < ncard; i++)
                printf("  \"%s\"\n", card_sent[i]);
        }
    }
    rc = EXIT_OK;
done:
    iaf_buf_free(&out);
    for (size_t p = 0; pairs && p < npairs; p++)
        iaf_scan_pair_free(&pairs[p]);
    iaf_free(pairs);
    iaf_free(req);
    iaf_free(rreq);
    for (size_t i = 0; i < ncard; i++)
        iaf_free(card_sent[i]);
    iaf_free(card_sent);
    for (size_t i = 0; i < nsk; i++)
        iaf_free(sk[i].name);
    iaf_free(sk);
    for (size_t i = 0; i < nlump; i++)
        iaf_free(lumps[i]);
    iaf_free(lumps);
    for (size_t i = 0; pr.maps && i < pr.ncols; i++)
        iaf_strmap_free(&pr.maps[i]);
    iaf_free(pr.maps);
    pthread_mutex_destroy(&pr.lock);
    cli_free_list(cols);
    cli_free_list(skips);
    cli_free_list(nas);
    iaf_expr_free(universe);
    iaf_dataset_free(ds);
    iaf_dataset_free(rds);
    return rc;
}
