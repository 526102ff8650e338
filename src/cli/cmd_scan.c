/* src/cli/cmd_scan.c - `iaf scan`: the discovery scan of METHOD.md section 11. */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "audit/dataset.h"
#include "audit/scan.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/util.h"

static void help(void)
{
    printf("Usage: iaf scan DATA... [options]\n\n"
           "Rank every pair of categorical columns by its dependence in the synthetic data\n"
           "(dep_tvd, Cramer's V, NMI with the Miller-Madow bias) against a null of\n"
           "independence with both margins kept (permutation null up to %d rows, the\n"
           "parametric Multinomial(n, p_x p_y) null above). Pairs whose dependence is within\n"
           "the null's 95th percentile are footprint candidates: places where a generator may\n"
           "have assumed independence. DATA is microdata, or one long count table.\n\n"
           "Options:\n"
           "  -c, --columns A,B,...    columns to pair (default: every column with at most\n"
           "                           --max-categories values in the first 20,000 rows)\n"
           "      --max-categories N   default 100\n"
           "  -w, --where EXPR         universe filter\n"
           "      --permutations B     null replicates (default 200)\n"
           "      --seed S             default 20260611\n"
           "      --card FILE          a dataset card: sentences stating independence or \"not\n"
           "                           modeled\" (English and Korean) are listed beside the pairs\n"
           "  -f, --format FMT         auto, csv, jsonl, parquet\n"
           "      --encoding ENC       utf-8, cp949, euc-kr\n"
           "  -t, --threads N          worker threads\n"
           "      --json               one JSON object\n"
           "  -h, --help               this text\n",
           IAF_SCAN_PERMUTE_MAX);
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
    /* enough rows seen: stop the scan (the caller treats this as success) */
    return stop ? iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "probe done") : IAF_OK;
}

static int cmp_pair(const void *a, const void *b)
{
    const iaf_scan_pair *x = a, *y = b;
    if (x->dep_tvd != y->dep_tvd) return x->dep_tvd > y->dep_tvd ? -1 : 1;
    int c = strcmp(x->x, y->x);
    return c ? c : strcmp(x->y, y->y);
}

int cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"columns", required_argument, NULL, 'c'}, {"max-categories", required_argument, NULL, 'M'},
        {"where", required_argument, NULL, 'w'},   {"permutations", required_argument, NULL, 'B'},
        {"seed", required_argument, NULL, 's'},    {"card", required_argument, NULL, 'C'},
        {"format", required_argument, NULL, 'f'},  {"encoding", required_argument, NULL, 'E'},
        {"threads", required_argument, NULL, 't'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *columns = NULL, *where = NULL, *card = NULL;
    long maxcat = 100;
    size_t B = 200;
    uint64_t seed = 20260611u;
    int json = 0, c;
    iaf_dataset_options dopt;
    memset(&dopt, 0, sizeof dopt);
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:w:f:t:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'c':
            columns = optarg;
            break;
        case 'M':
            maxcat = strtol(optarg, &end, 10);
            if (*end || maxcat < 2 || maxcat > 100000)
                return cli_usage_error("scan", "--max-categories takes 2..100000");
            break;
        case 'w':
            where = optarg;
            break;
        case 'B': {
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*end || v < 20 || v > 100000)
                return cli_usage_error("scan", "--permutations takes 20..100000");
            B = (size_t)v;
            break;
        }
        case 's': {
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*end || !*optarg)
                return cli_usage_error("scan", "--seed takes a non-negative integer");
            seed = v;
            break;
        }
        case 'C':
            card = optarg;
            break;
        case 'f':
            if (cli_parse_format(optarg, &dopt.source.format) != 0)
                return cli_usage_error("scan", "unknown format '%s'", optarg);
            break;
        case 'E':
            if (cli_parse_encoding(optarg, &dopt.source.encoding) != 0)
                return cli_usage_error("scan", "unknown encoding '%s'", optarg);
            break;
        case 't':
            if (cli_parse_threads(optarg, &dopt.source.threads) != 0)
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
    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_dataset *ds = NULL;
    iaf_expr *universe = NULL;
    char **cols = NULL, **card_sent = NULL;
    size_t ncols = 0, ncard = 0, npairs = 0;
    iaf_scan_pair *pairs = NULL;
    int *req = NULL;
    iaf_buf out = {0};
    probe pr;
    memset(&pr, 0, sizeof pr);
    pthread_mutex_init(&pr.lock, NULL);
    if (where && iaf_expr_parse(where, "--where", &universe, &err) != IAF_OK) {
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
    } else if (iaf_dataset_is_counts(ds)) {
        ncols = iaf_dataset_ncols(ds);
        cols = iaf_calloc(ncols + 1, sizeof *cols);
        for (size_t i = 0; cols && i < ncols; i++)
            if (!(cols[i] = iaf_strdup(iaf_dataset_col(ds, i)))) {
                rc = cli_oom();
                goto done;
            }
        if (!cols) {
            rc = cli_oom();
            goto done;
        }
    } else {
        /* probe the first rows for categorical columns */
        const char *paths0[1] = {argv[optind]};
        iaf_source *src = NULL;
        iaf_source_options so = dopt.source;
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
        if (st == IAF_ERR_LIMIT && pr.rows >= pr.limit) st = IAF_OK;
        if (st == IAF_OK && !(cols = iaf_calloc(pr.ncols + 1, sizeof *cols)))
            st = iaf_error_set(&err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; st == IAF_OK && i < pr.ncols; i++) {
            size_t d = iaf_strmap_size(&pr.maps[i]);
            /* categorical: few values, and not an identifier */
            if (d >= 2 && d <= (size_t)maxcat && (double)d < 0.5 * (double)pr.rows + 2 &&
                !(cols[ncols++] = iaf_strdup(names[i])))
                st = iaf_error_set(&err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        iaf_free(names);
        iaf_source_free(src);
        if (st != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        if (ncols < 2) {
            fprintf(stderr, "iaf: fewer than two categorical columns found (use --columns)\n");
            goto done;
        }
    }
    npairs = ncols * (ncols - 1) / 2;
    pairs = iaf_calloc(npairs + 1, sizeof *pairs);
    req = iaf_calloc(npairs + 1, sizeof *req);
    if (!pairs || !req) {
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
        }
    if (iaf_dataset_count(ds, NULL, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    for (size_t i = 0, p = 0; i < ncols; i++)
        for (size_t j = i + 1; j < ncols; j++, p++) {
            iaf_attr *at[2] = {iaf_attr_new_asis(cols[i], cols[i]),
                               iaf_attr_new_asis(cols[j], cols[j])};
            iaf_derived *dv = NULL;
            iaf_status st = at[0] && at[1]
                                ? iaf_dataset_derive(ds, req[p], at, 2, universe, &dv, &err)
                                : iaf_error_set(&err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            if (st == IAF_OK) st = iaf_scan_pair_eval(dv->table, B, seed, &pairs[p], &err);
            iaf_derived_free(dv);
            iaf_attr_free(at[0]);
            iaf_attr_free(at[1]);
            if (st != IAF_OK) {
                rc = cli_fail(&err);
                goto done;
            }
        }
    qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    if (card) {
        FILE *f = fopen(card, "rb");
        if (!f) {
            fprintf(stderr, "iaf: %s: cannot open card\n", card);
            goto done;
        }
        iaf_buf cb = {0};
        char chunk[65536];
        size_t k;
        while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
            iaf_buf_append(&cb, chunk, k);
        fclose(f);
        ncard = iaf_card_disclosures(cb.data ? cb.data : "", cb.len, &card_sent);
        iaf_buf_free(&cb);
    }
    if (json) {
        iaf_json j;
        iaf_json_init(&j, &out, 1);
        iaf_json_begin_object(&j);
        iaf_json_kint(&j, "permutations", (int64_t)B);
        iaf_json_kint(&j, "seed", (int64_t)seed);
        iaf_json_key(&j, "pairs");
        iaf_json_begin_array(&j);
        for (size_t p = 0; p < npairs; p++)
            iaf_scan_pair_json(&pairs[p], &j);
        iaf_json_end_array(&j);
        iaf_json_key(&j, "card_disclosures");
        iaf_json_begin_array(&j);
        for (size_t i = 0; i < ncard; i++)
            iaf_json_str(&j, card_sent[i]);
        iaf_json_end_array(&j);
        iaf_json_end_object(&j);
        if (j.failed || iaf_buf_puts(&out, "\n") != 0) {
            rc = cli_oom();
            goto done;
        }
        fwrite(out.data, 1, out.len, stdout);
    } else {
        printf("%-40s %5s %5s %9s %9s %9s %9s %9s  %s\n", "pair", "kx", "ky", "dep_tvd", "null p95",
               "V", "NMI", "MM bias", "");
        for (size_t p = 0; p < npairs; p++) {
            char name[256];
            snprintf(name, sizeof name, "%s x %s", pairs[p].x, pairs[p].y);
            printf("%-40s %5zu %5zu %9.5f %9.5f %9.5f %9.5f %9.2g  %s\n", name, pairs[p].kx,
                   pairs[p].ky, pairs[p].dep_tvd, pairs[p].null_dep_tvd_p95, pairs[p].cramers_v,
                   pairs[p].nmi, pairs[p].mm_bias,
                   pairs[p].candidate ? "footprint candidate (indistinguishable from independence)"
                                      : "");
        }
        if (ncard) {
            printf("\ncard sentences stating independence or no interaction:\n");
            for (size_t i = 0; i < ncard; i++)
                printf("  - %s\n", card_sent[i]);
        }
    }
    rc = EXIT_OK;
done:
    iaf_buf_free(&out);
    for (size_t p = 0; pairs && p < npairs; p++)
        iaf_scan_pair_free(&pairs[p]);
    iaf_free(pairs);
    iaf_free(req);
    for (size_t i = 0; i < ncard; i++)
        iaf_free(card_sent[i]);
    iaf_free(card_sent);
    for (size_t i = 0; pr.maps && i < pr.ncols; i++)
        iaf_strmap_free(&pr.maps[i]);
    iaf_free(pr.maps);
    pthread_mutex_destroy(&pr.lock);
    cli_free_list(cols);
    iaf_expr_free(universe);
    iaf_dataset_free(ds);
    return rc;
}
