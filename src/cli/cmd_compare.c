/* src/cli/cmd_compare.c - `iaf compare`: one ad-hoc check of a synthetic
 * dataset against a reference on one or two attributes. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit/compare.h"
#include "audit/dataset.h"
#include "cli/commands.h"
#include "cli/options.h"

static void help(void)
{
    printf("Usage: iaf compare SYNTHETIC REFERENCE --by X[,Y] [options]\n\n"
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
           "      --na LIST               raw values meaning missing (default: ,NA,N)\n"
           "      --encoding ENC          text encoding of both inputs (utf-8, cp949, euc-kr)\n"
           "  -t, --threads N             worker threads (default: all cores)\n"
           "      --bootstrap B           B parametric bootstrap replicates (e.g. 1000): 95%%\n"
           "                              intervals and a PASS / FLAG / INCONCLUSIVE verdict\n"
           "      --seed S                bootstrap seed (default 20260611)\n"
           "      --threshold M=V         materiality threshold: tvd (0.05), cond_tvd_y_given_x\n"
           "                              (0.10), footprint (0.5), retention (0.5); repeatable\n"
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

static iaf_status load_side(side *sd, char **by, int nby, char **nas, int nna, iaf_error *err)
{
    iaf_status st = IAF_OK;
    iaf_attr *attrs[2] = {0};
    const char *cols[IAF_MAX_CUBE_COLS];
    size_t ncols = 0;
    if (sd->where && (st = iaf_expr_parse(sd->where, "--where", &sd->universe, err)) != IAF_OK)
        return st;
    for (int i = 0; i < nby; i++) {
        if (!(attrs[i] = iaf_attr_new_asis(by[i], by[i]))) goto oom;
        if (nas && iaf_attr_set_missing(attrs[i], (const char *const *)nas, (size_t)nna) != 0)
            goto oom;
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
    sd->opt.counts.attrs = (const char *const *)by;
    sd->opt.counts.nattrs = (size_t)nby;
    const char *paths[1] = {sd->path};
    if ((st = iaf_dataset_open(paths, 1, &sd->opt, &sd->ds, err)) != IAF_OK) goto done;
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
        if (!m->reference_dependent)
            printf("  (the reference shows no dependence: retention and footprint undefined)\n");
    }
    if (c->has_boot) {
        printf("\n95%% basic bootstrap intervals (B = %zu, seed %llu):\n", c->boot.b,
               (unsigned long long)c->boot_opt.seed);
        for (size_t i = 0; i < c->verdict.nscreens; i++) {
            const iaf_screen *sc = &c->verdict.screens[i];
            printf("  %-22s %9.6f [%9.6f, %9.6f]  threshold %.3g  %s\n", sc->metric, sc->estimate,
                   sc->lo, sc->hi, sc->threshold,
                   iaf_verdict_name(sc->verdict) ? iaf_verdict_name(sc->verdict) : "-");
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
                                             {"encoding", required_argument, NULL, 'E'},
                                             {"threads", required_argument, NULL, 't'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"bootstrap", required_argument, NULL, 'B'},
                                             {"seed", required_argument, NULL, 's'},
                                             {"threshold", required_argument, NULL, 'T'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    side syn, ref;
    memset(&syn, 0, sizeof syn);
    memset(&ref, 0, sizeof ref);
    const char *by = NULL, *na = NULL;
    double ref_n = NAN;
    int json = 0, c;
    size_t boot_b = 0;
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
        case 'n': {
            char *end;
            ref_n = strtod(optarg, &end);
            if (*end || !(ref_n > 0))
                return cli_usage_error("compare", "--reference-n takes a positive number");
            break;
        }
        case 'N':
            na = optarg;
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
        case 'B': {
            char *end;
            unsigned long long b = strtoull(optarg, &end, 10);
            if (*end || b < 50 || b > 1000000)
                return cli_usage_error("compare",
                                       "--bootstrap takes a number of replicates, 50 to 1000000");
            boot_b = (size_t)b;
            break;
        }
        case 's': {
            char *end;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*end || !*optarg)
                return cli_usage_error("compare", "--seed takes a non-negative integer");
            seed = (uint64_t)v;
            break;
        }
        case 'T': {
            const char *eq = strchr(optarg, '=');
            char *end;
            double v = eq ? strtod(eq + 1, &end) : NAN;
            if (!eq || *end || !(v >= 0))
                return cli_usage_error("compare", "--threshold takes metric=value");
            size_t n = (size_t)(eq - optarg);
            if (n == 3 && !strncmp(optarg, "tvd", n))
                th.tvd = v;
            else if (n == 18 && !strncmp(optarg, "cond_tvd_y_given_x", n))
                th.cond_tvd = v;
            else if (n == 9 && !strncmp(optarg, "footprint", n))
                th.footprint = v;
            else if (n == 9 && !strncmp(optarg, "retention", n))
                th.retention = v;
            else
                return cli_usage_error(
                    "compare",
                    "--threshold: metric is tvd, cond_tvd_y_given_x, footprint or retention");
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
    if (na && (nna = cli_split(na, &nas)) < 0) {
        rc = cli_oom();
        goto done;
    }
    if (load_side(&syn, bys, nby, nas, nna, &err) != IAF_OK ||
        load_side(&ref, bys, nby, nas, nna, &err) != IAF_OK) {
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
        fwrite(out.data, 1, out.len, stdout);
    } else {
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
