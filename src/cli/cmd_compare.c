/* src/cli/cmd_compare.c - `iaf compare`: one ad-hoc check of a synthetic
 * dataset against a reference on one or two attributes. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit/compare.h"
#include "audit/dataset.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/options.h"
#include "util/checked.h"
#include "util/util.h"

static void help(void)
{
    printf(
        "Usage: iaf compare SYNTHETIC REFERENCE --by X[,Y] [options]\n\n"
        "Compare the synthetic joint (or marginal) distribution of X (and Y) with a\n"
        "reference. Each side is microdata (CSV, JSONL, Parquet; a glob or directory is\n"
        "one dataset) or a count table (long CSV with a count/share column, or a wide\n"
        "table: row categories in the first column, column categories in the header).\n"
        "The reference's categories define the comparable support; synthetic mass on\n"
        "other categories is reported as coverage, never silently dropped.\n\n"
        "Options:\n"
        "  -b, --by X[,Y]              the attributes (column names on both sides)\n"
        "  -w, --where EXPR            universe filter on the synthetic side\n"
        "      --reference-where EXPR  universe filter on the reference side\n"
        "      --weight COL            synthetic weight column\n"
        "      --reference-weight COL  reference weight column (e.g. PWGTP)\n"
        "      --synthetic-form F      auto (default), microdata or counts\n"
        "      --reference-form F      auto (default), microdata or counts\n"
        "      --reference-n N         effective sample size of a survey reference table\n"
        "                              (default for count tables: fixed, no sampling noise)\n"
        "      --recode X:A=B,C=D      recode column X before comparing (unlisted values\n"
        "                              kept); repeatable, one per attribute\n"
        "      --bin X:E0,E1,...,inf   bin a numeric column X into [E0,E1), [E1,E2), ...;\n"
        "                              labels 18-24 for whole-number edges, 65+ for the\n"
        "                              last band to inf, else [E0,E1); repeatable\n"
        "                              (recodes and bins apply to the synthetic side and\n"
        "                              to a microdata reference; a count-table reference\n"
        "                              is already in the compared categories)\n"
        "      --missing LIST          values that also mean missing on both sides, e.g.\n"
        "                              NA,N (default: none; null and the empty string\n"
        "                              always do); --na is an alias\n"
        "      --normalize STEPS       label normalisation on both sides: trim, nfc, nfkc,\n"
        "                              casefold, numeric (comma-separated; docs/spec.md)\n"
        "      --encoding ENC          text encoding of both inputs (utf-8, cp949, euc-kr)\n"
        "  -t, --threads N             worker threads (default: all cores)\n"
        "      --bootstrap B           B parametric bootstrap replicates (e.g. 1000): 95%%\n"
        "                              intervals and a PASS / FLAG / INCONCLUSIVE verdict\n"
        "      --seed S                bootstrap seed (default 20260611)\n"
        "      --interval M            calibrated (default: test inversion, METHOD.md 8) or\n"
        "                              basic (pivotal) bootstrap intervals\n"
        "      --threshold M=V         materiality threshold: tvd (0.05), cond_tvd_y_given_x\n"
        "                              (0.10), footprint_dep (0.5), retention (0.5); repeatable\n"
        "      --json                  one JSON object with every metric\n"
        "  -h, --help                  this text\n");
}

static int parse_form(const char *s, iaf_data_form *f)
{
    if (!strcmp(s, "auto"))
        *f = IAF_DATA_AUTO;
    else if (!strcmp(s, "microdata"))
        *f = IAF_DATA_MICRODATA;
    else if (!strcmp(s, "counts"))
        *f = IAF_DATA_COUNTS;
    else
        return -1;
    return 0;
}

typedef struct side {
    const char *path;
    iaf_dataset_options opt;
    const char *where;
    iaf_expr *universe;
    iaf_dataset *ds;
    iaf_derived *dv;
} side;

#define MAX_DEFS 16

/* --recode X:A=B,C=D and --bin X:E0,E1,...: how attribute X is derived. */
typedef struct attr_def {
    const char *arg;
    int bin;
} attr_def;

/* The name part of a definition ("X" of "X:..."); its length, 0 if malformed. */
static size_t def_name(const char *arg)
{
    const char *colon = strchr(arg, ':');
    return colon && colon > arg ? (size_t)(colon - arg) : 0;
}

static int whole(double x)
{
    return isfinite(x) && x == floor(x) && fabs(x) < 1e15;
}

/* Make a (as is) into the recode or bins of def; -1 with a message in msg. */
static int apply_def(iaf_attr *a, const attr_def *def, char *msg, size_t msz)
{
    char **items = NULL;
    int n = cli_split(def->arg + def_name(def->arg) + 1, &items), rc = -1;
    if (n < 1) goto done;
    if (!def->bin) {
        a->from = iaf_calloc((size_t)n, sizeof *a->from);
        a->to = iaf_calloc((size_t)n, sizeof *a->to);
        if (!a->from || !a->to) goto done;
        for (int i = 0; i < n; i++) {
            const char *eq = strchr(items[i], '=');
            if (!eq) {
                snprintf(msg, msz, "--recode %s: '%s' is not FROM=TO", a->name, items[i]);
                goto done;
            }
            a->from[a->nrecode] = iaf_strndup(items[i], (size_t)(eq - items[i]));
            a->to[a->nrecode] = iaf_strdup(eq + 1);
            if (!a->from[a->nrecode] || !a->to[a->nrecode]) goto done;
            a->nrecode++;
            size_t before = iaf_strmap_size(&a->recode_index);
            int64_t id = iaf_strmap_intern(&a->recode_index, a->from[i], strlen(a->from[i]));
            if (id < 0) goto done;
            if ((size_t)id < before) {
                snprintf(msg, msz, "--recode %s: '%s' is listed twice", a->name, a->from[i]);
                goto done;
            }
        }
        a->kind = IAF_ATTR_RECODE;
        rc = 0;
        goto done;
    }
    if (n < 2) {
        snprintf(msg, msz, "--bin %s: give at least two edges", a->name);
        goto done;
    }
    a->edges = iaf_calloc((size_t)n, sizeof *a->edges);
    a->labels = iaf_calloc((size_t)n, sizeof *a->labels);
    if (!a->edges || !a->labels) goto done;
    for (int i = 0; i < n; i++) {
        char *end;
        const char *e = items[i];
        if (!strcmp(e, "inf") || !strcmp(e, "+inf"))
            a->edges[i] = INFINITY;
        else if (!strcmp(e, "-inf"))
            a->edges[i] = -INFINITY;
        else if (!(a->edges[i] = strtod(e, &end), *e && !*end && isfinite(a->edges[i]))) {
            snprintf(msg, msz, "--bin %s: edge '%s' is not a number", a->name, e);
            goto done;
        }
        if (i && !(a->edges[i] > a->edges[i - 1])) {
            snprintf(msg, msz, "--bin %s: edges must increase (at '%s')", a->name, e);
            goto done;
        }
    }
    for (int i = 0; i + 1 < n; i++) {
        double lo = a->edges[i], hi = a->edges[i + 1];
        char l[96], x[40], y[40];
        iaf_fmt_f64(x, lo);
        iaf_fmt_f64(y, hi - 1);
        if (whole(lo) && isinf(hi))
            snprintf(l, sizeof l, "%s+", x);
        else if (whole(lo) && whole(hi))
            snprintf(l, sizeof l, "%s-%s", x, y);
        else {
            iaf_fmt_f64(y, hi);
            if (isinf(lo)) snprintf(x, sizeof x, "-inf");
            if (isinf(hi)) snprintf(y, sizeof y, "inf");
            snprintf(l, sizeof l, "[%s,%s)", x, y);
        }
        if (!(a->labels[i] = iaf_strdup(l))) goto done;
        a->nbins++;
    }
    a->kind = IAF_ATTR_BIN;
    rc = 0;
done:
    if (rc && !msg[0]) snprintf(msg, msz, "out of memory");
    cli_free_list(items);
    return rc;
}

static iaf_status load_side(side *sd, char **by, int nby, const attr_def *defs, size_t ndefs,
                            int is_ref, iaf_error *err)
{
    iaf_status st = IAF_OK;
    iaf_attr *attrs[2] = {0};
    const char *cols[IAF_MAX_CUBE_COLS];
    size_t ncols = 0;
    if (sd->where && (st = iaf_expr_parse(sd->where, "--where", &sd->universe, err)) != IAF_OK)
        return st;
    sd->opt.counts.attrs = (const char *const *)by;
    sd->opt.counts.nattrs = (size_t)nby;
    const char *paths[1] = {sd->path};
    if ((st = iaf_dataset_open(paths, 1, &sd->opt, &sd->ds, err)) != IAF_OK) goto done;
    /* a count-table reference is in the compared categories already */
    int derive = !is_ref || !iaf_dataset_is_counts(sd->ds);
    for (int i = 0; i < nby; i++) {
        if (!(attrs[i] = iaf_attr_new_asis(by[i], by[i]))) goto oom;
        for (size_t d = 0; derive && d < ndefs; d++) {
            char msg[512] = "";
            if (def_name(defs[d].arg) == strlen(by[i]) &&
                !strncmp(defs[d].arg, by[i], strlen(by[i])) &&
                apply_def(attrs[i], &defs[d], msg, sizeof msg) != 0) {
                st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "%s", msg);
                goto done;
            }
        }
        cols[ncols++] = by[i];
    }
    if (sd->universe)
        for (size_t v = 0; v < iaf_expr_nvars(sd->universe) && ncols < IAF_MAX_CUBE_COLS; v++) {
            const char *name = iaf_expr_var(sd->universe, v);
            int dup = 0;
            for (size_t k = 0; k < ncols; k++)
                dup |= !strcmp(cols[k], name);
            if (!dup) cols[ncols++] = name;
        }
    int rq = iaf_dataset_add_request(sd->ds, cols, ncols, err);
    if (rq < 0) {
        st = (iaf_status)rq;
        goto done;
    }
    if ((st = iaf_dataset_count(sd->ds, NULL, err)) != IAF_OK) goto done;
    st = iaf_dataset_derive(sd->ds, rq, attrs, (size_t)nby, sd->universe, &sd->dv, err);
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_attr_free(attrs[0]);
    iaf_attr_free(attrs[1]);
    if (st != IAF_OK && err && err->file[0] == '\0') iaf_error_prefix(err, "%s: ", sd->path);
    return st;
}

static void print_num(const char *name, double v, const char *note)
{
    if (isnan(v))
        printf("  %-22s %12s  %s\n", name, "-", note);
    else
        printf("  %-22s %12.6f  %s\n", name, v, note);
}

static void print_readable(const iaf_comparison *c, char **by, int nby, const side *s,
                           const side *r)
{
    const iaf_joint_metrics *m = &c->m;
    printf("check      %s%s%s\n", by[0], nby > 1 ? " x " : "", nby > 1 ? by[1] : "");
    printf("synthetic  %s  (n = %.0f%s)\n", s->path, c->n_s, s->where ? ", universe applied" : "");
    if (isfinite(c->n_r))
        printf("reference  %s  (n = %.0f)\n", r->path, c->n_r);
    else
        printf("reference  %s  (fixed: no sampling noise assumed)\n", r->path);
    printf("support    %zu x %zu cells; synthetic mass off support %.4f%%\n\n", c->kx, c->ky,
           c->s_total > 0 ? 100 * c->s_off / c->s_total : 0.0);
    print_num("tvd_joint", m->tvd_joint, "share of mass that must move");
    print_num("noise_floor", m->noise_floor, "expected tvd between two samples of the reference");
    print_num("tvd_x", m->tvd_x, "");
    if (nby > 1) {
        print_num("tvd_y", m->tvd_y, "");
        print_num("cond_tvd_y_given_x", m->cond_tvd_y_given_x, "conditional mismatch");
        print_num("cond_tvd_x_given_y", m->cond_tvd_x_given_y, "");
    }
    printf("  %-22s %12.6f  at %s%s%s\n", "max_cell_pp", m->max_cell_pp, c->xl[m->max_cell_x],
           nby > 1 ? " / " : "", nby > 1 ? c->yl[m->max_cell_y] : "");
    print_num("hellinger", m->hellinger, "");
    print_num("js_distance", m->js_distance, "");
    if (nby > 1) {
        print_num("dep_tvd synthetic", m->dep_tvd_s, "");
        print_num("dep_tvd reference", m->dep_tvd_r, "");
        print_num("cramers_v synthetic", m->cramers_v_s, "");
        print_num("cramers_v reference", m->cramers_v_r, "");
        print_num("nmi synthetic", m->nmi_s, "");
        print_num("nmi reference", m->nmi_r, "");
        print_num("retention", m->retention, "1 = dependence kept, 0 = flattened");
        print_num("footprint", m->footprint, "1 = as wrong as independence");
        print_num("footprint_dep", m->footprint_dep, "the same for the dependence alone");
        print_num("footprint_marginal", m->footprint_marginal, "what a marginal error explains");
        if (!m->reference_dependent)
            printf("  (the reference shows no dependence: retention and footprint undefined)\n");
    }
    if (c->has_boot) {
        printf("\n95%% %s bootstrap intervals (B = %zu, seed %llu; estimate [interval], "
               "plug-in):\n",
               iaf_interval_method_name(c->boot.method), c->boot.b,
               (unsigned long long)c->boot_opt.seed);
        for (size_t i = 0; i < c->verdict.nscreens; i++) {
            const iaf_screen *sc = &c->verdict.screens[i];
            printf("  %-22s %9.6f [%9.6f, %9.6f]  plug-in %9.6f  threshold %.3g  %s\n", sc->metric,
                   sc->estimate, sc->lo, sc->hi, sc->plug_in, sc->threshold,
                   iaf_verdict_name(sc->verdict) ? iaf_verdict_name(sc->verdict) : "-");
        }
        if (c->twod && c->m.reference_dependent) {
            static const iaf_joint_metric_id shown[] = {IAF_JM_FOOTPRINT, IAF_JM_RETENTION};
            for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
                const iaf_boot_interval *ci = &c->boot.ci[shown[i]];
                printf("  %-22s %9.6f [%9.6f, %9.6f]  plug-in %9.6f  (names the diagnosis)\n",
                       iaf_joint_metric_name(shown[i]), ci->bias_corrected, ci->lo, ci->hi,
                       ci->estimate);
            }
        }
        printf("verdict    %s%s%s\n",
               iaf_verdict_name(c->verdict.verdict) ? iaf_verdict_name(c->verdict.verdict) : "-",
               c->verdict.diagnosis ? " - " : "", c->verdict.diagnosis ? c->verdict.diagnosis : "");
    }
    if (c->noff) {
        printf("\nsynthetic categories absent from the reference (largest first):\n");
        for (size_t i = 0; i < c->noff && i < 10; i++)
            printf("  %-40s %.4f%%\n", c->off[i].x_off || nby < 2 ? c->off[i].x : c->off[i].y,
                   100 * c->off[i].mass / c->s_total);
    }
}

int cmd_compare(int argc, char **argv)
{
    static const struct option longopts[] = {{"by", required_argument, NULL, 'b'},
                                             {"where", required_argument, NULL, 'w'},
                                             {"reference-where", required_argument, NULL, 'R'},
                                             {"weight", required_argument, NULL, 'W'},
                                             {"reference-weight", required_argument, NULL, 'X'},
                                             {"synthetic-form", required_argument, NULL, 'S'},
                                             {"reference-form", required_argument, NULL, 'F'},
                                             {"reference-n", required_argument, NULL, 'n'},
                                             {"na", required_argument, NULL, 'N'},
                                             {"missing", required_argument, NULL, 'N'},
                                             {"normalize", required_argument, NULL, 'Z'},
                                             {"recode", required_argument, NULL, 'r'},
                                             {"bin", required_argument, NULL, 'i'},
                                             {"encoding", required_argument, NULL, 'E'},
                                             {"threads", required_argument, NULL, 't'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"bootstrap", required_argument, NULL, 'B'},
                                             {"seed", required_argument, NULL, 's'},
                                             {"interval", required_argument, NULL, 'I'},
                                             {"threshold", required_argument, NULL, 'T'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    side syn, ref;
    memset(&syn, 0, sizeof syn);
    memset(&ref, 0, sizeof ref);
    const char *by = NULL, *na = NULL;
    attr_def defs[MAX_DEFS];
    size_t ndefs = 0;
    double ref_n = NAN;
    int json = 0, c;
    size_t boot_b = 0;
    iaf_interval_method interval = IAF_INTERVAL_CALIBRATED;
    uint64_t seed = IAF_BOOT_DEFAULT_SEED;
    iaf_thresholds th = iaf_thresholds_default();
    optind = 1;
    while ((c = getopt_long(argc, argv, "b:w:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'b':
            by = optarg;
            break;
        case 'w':
            syn.where = optarg;
            break;
        case 'R':
            ref.where = optarg;
            break;
        case 'W':
            syn.opt.weight = optarg;
            break;
        case 'X':
            ref.opt.weight = optarg;
            break;
        case 'S':
            if (parse_form(optarg, &syn.opt.form) != 0)
                return cli_usage_error("compare", "form is auto, microdata or counts");
            break;
        case 'F':
            if (parse_form(optarg, &ref.opt.form) != 0)
                return cli_usage_error("compare", "form is auto, microdata or counts");
            break;
        case 'n':
            if (cli_parse_f64(optarg, 0, 1, IAF_MAX_COUNT, &ref_n) != 0)
                return cli_usage_error("compare",
                                       "--reference-n takes a sample size above 0 and at most "
                                       "%s, not '%s'",
                                       IAF_MAX_COUNT_TEXT, optarg);
            break;
        case 'N':
            na = optarg;
            break;
        case 'Z':
            if (cli_parse_normalize(optarg, &syn.opt.labels.normalize) != 0)
                return cli_usage_error("compare", "--normalize takes trim, nfc, nfkc, casefold, "
                                                  "numeric (comma-separated)");
            ref.opt.labels.normalize = syn.opt.labels.normalize;
            break;
        case 'r':
        case 'i':
            if (ndefs == MAX_DEFS)
                return cli_usage_error("compare", "at most %d --recode and --bin", MAX_DEFS);
            if (!def_name(optarg) || !optarg[def_name(optarg) + 1])
                return cli_usage_error("compare", "--%s takes COLUMN:%s",
                                       c == 'r' ? "recode" : "bin",
                                       c == 'r' ? "FROM=TO,..." : "EDGE,EDGE,...");
            defs[ndefs].arg = optarg;
            defs[ndefs++].bin = c == 'i';
            break;
        case 'E':
            if (cli_parse_encoding(optarg, &syn.opt.source.encoding) != 0)
                return cli_usage_error("compare", "unknown encoding '%s'", optarg);
            ref.opt.source.encoding = syn.opt.source.encoding;
            syn.opt.counts.encoding = ref.opt.counts.encoding = syn.opt.source.encoding;
            break;
        case 't':
            if (cli_parse_threads(optarg, &syn.opt.source.threads) != 0)
                return cli_usage_error("compare", "--threads takes 1..64 or auto");
            ref.opt.source.threads = syn.opt.source.threads;
            break;
        case 'j':
            json = 1;
            break;
        case 'B':
            if (cli_parse_bootstrap(optarg, &boot_b) != 0)
                return cli_usage_error("compare",
                                       "--bootstrap takes a number of replicates, %d to %d",
                                       CLI_BOOT_MIN, CLI_BOOT_MAX);
            break;
        case 'I':
            if (iaf_interval_method_parse(optarg, &interval) != 0)
                return cli_usage_error("compare", "--interval takes calibrated or basic");
            break;
        case 's':
            if (cli_parse_seed(optarg, &seed) != 0)
                return cli_usage_error("compare", "--seed takes an integer 0 to 2^64-1, not '%s'",
                                       optarg);
            break;
        case 'T': {
            const char *eq = strchr(optarg, '=');
            if (!eq) return cli_usage_error("compare", "--threshold takes metric=value");
            size_t n = (size_t)(eq - optarg);
            double *slot = NULL, hi = 1;
            if (n == 3 && !strncmp(optarg, "tvd", n))
                slot = &th.tvd;
            else if (n == 18 && !strncmp(optarg, "cond_tvd_y_given_x", n))
                slot = &th.cond_tvd;
            else if (n == 9 && !strncmp(optarg, "footprint", n))
                slot = &th.footprint, hi = 1e6;
            else if (n == 9 && !strncmp(optarg, "retention", n))
                slot = &th.retention, hi = 1e6;
            else
                return cli_usage_error(
                    "compare",
                    "--threshold: metric is tvd, cond_tvd_y_given_x, footprint or retention");
            if (cli_parse_f64(eq + 1, 0, 0, hi, slot) != 0)
                return cli_usage_error("compare",
                                       "--threshold %.*s takes a number 0 to %g, not '%s'", (int)n,
                                       optarg, hi, eq + 1);
            break;
        }
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("compare", "bad option");
        }
    }
    if (argc - optind != 2) return cli_usage_error("compare", "needs SYNTHETIC and REFERENCE");
    if (!by) return cli_usage_error("compare", "--by is required");
    syn.path = argv[optind];
    ref.path = argv[optind + 1];

    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    char **bys = NULL, **nas = NULL;
    int nby = cli_split(by, &bys), nna = 0;
    iaf_comparison *cmp = NULL;
    iaf_buf out = {0};
    if (nby < 0) {
        rc = cli_oom();
        goto done;
    }
    if (nby < 1 || nby > 2) {
        rc = cli_usage_error("compare", "--by takes one or two attributes");
        goto done;
    }
    for (size_t d = 0; d < ndefs; d++) {
        int named = 0;
        for (int i = 0; i < nby; i++)
            named |= def_name(defs[d].arg) == strlen(bys[i]) &&
                     !strncmp(defs[d].arg, bys[i], strlen(bys[i]));
        for (size_t e = 0; e < d; e++)
            if (def_name(defs[e].arg) == def_name(defs[d].arg) &&
                !strncmp(defs[e].arg, defs[d].arg, def_name(defs[d].arg))) {
                rc = cli_usage_error("compare", "one --recode or --bin per attribute");
                goto done;
            }
        if (!named) {
            rc = cli_usage_error("compare", "--%s %.*s: not an attribute of --by",
                                 defs[d].bin ? "bin" : "recode", (int)def_name(defs[d].arg),
                                 defs[d].arg);
            goto done;
        }
    }
    const char *rep_by = cli_find_repeat(bys, (size_t)nby);
    if (rep_by == cli_repeat_nomem) {
        rc = cli_oom();
        goto done;
    }
    if (rep_by) {
        rc = cli_usage_error("compare", "--by names '%s' twice", rep_by);
        goto done;
    }
    if (na && (nna = cli_split(na, &nas)) < 0) {
        rc = cli_oom();
        goto done;
    }
    syn.opt.labels.missing = ref.opt.labels.missing = (const char *const *)nas;
    syn.opt.labels.nmissing = ref.opt.labels.nmissing = nas ? (size_t)nna : 0;
    if (load_side(&syn, bys, nby, defs, ndefs, 0, &err) != IAF_OK ||
        load_side(&ref, bys, nby, defs, ndefs, 1, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    {
        const iaf_table *st = syn.dv->table, *rt = ref.dv->table;
        double n_s = syn.opt.weight ? iaf_table_n_eff(st) : iaf_table_n_obs(st);
        double n_r;
        if (!isnan(ref_n))
            n_r = ref_n;
        else if (iaf_dataset_is_counts(ref.ds))
            n_r = INFINITY;
        else
            n_r = ref.opt.weight ? iaf_table_n_eff(rt) : iaf_table_n_obs(rt);
        iaf_boot_options bo = {0};
        bo.b = boot_b;
        bo.seed = seed;
        bo.interval = interval;
        bo.threads = (unsigned)(syn.opt.source.threads > 0 ? syn.opt.source.threads : 2);
        iaf_compare_input in = {
            st, rt, bys[0], nby > 1 ? bys[1] : NULL, n_s, n_r, boot_b ? &bo : NULL, &th};
        if (iaf_compare_tables(&in, &cmp, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    if (json) {
        iaf_json j;
        iaf_json_init(&j, &out, 1);
        iaf_comparison_json(cmp, &j);
        if (j.failed || iaf_buf_puts(&out, "\n") != 0) {
            rc = cli_oom();
            goto done;
        }
        if (cli_stdout_write(out.data, out.len, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    } else {
        cli_escape_stdout(); /* labels are data: no control byte to the terminal */
        print_readable(cmp, bys, nby, &syn, &ref);
    }
    rc = EXIT_OK;
done:
    iaf_buf_free(&out);
    iaf_comparison_free(cmp);
    iaf_derived_free(syn.dv);
    iaf_derived_free(ref.dv);
    iaf_dataset_free(syn.ds);
    iaf_dataset_free(ref.ds);
    iaf_expr_free(syn.universe);
    iaf_expr_free(ref.universe);
    cli_free_list(bys);
    cli_free_list(nas);
    return rc;
}
