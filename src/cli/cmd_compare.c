/* src/cli/cmd_compare.c - `iaf compare`: one ad-hoc check of a synthetic
 * dataset against a reference on one or two attributes. */
#include <float.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "output.h"
#include "options.h"
#include "iaf/alloc.h"
#include "iaf/buffer.h"
#include "iaf/compare.h"
#include "iaf/count.h"

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
           "  -b, --by X[,Y]              the attributes (column names on both sides)\n");
    cli_common_help(CLI_OPT_WHERE, 30, "(on the synthetic side)");
    printf("      --reference-where EXPR  universe filter on the reference side\n"
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
           "                              is already in the compared categories)\n");
    cli_common_help(CLI_OPT_MISSING, 30, "(on both sides)");
    cli_common_help(CLI_OPT_NORMALIZE, 30, "(on both sides)");
    cli_common_help(CLI_OPT_ENCODING, 30, "(of both inputs)");
    cli_common_help(CLI_OPT_ENCODING_SYNTHETIC, 30, NULL);
    cli_common_help(CLI_OPT_ENCODING_REFERENCE, 30, NULL);
    cli_common_help(CLI_OPT_THREADS, 30, NULL);
    cli_common_help(CLI_OPT_BOOTSTRAP, 30,
                    "(e.g. 1000): 95% intervals and a PASS / FLAG /\n"
                    "INCONCLUSIVE verdict (default: none)");
    cli_common_help(CLI_OPT_SEED, 30, NULL);
    cli_common_help(CLI_OPT_INTERVAL, 30, NULL);
    printf(
        "      --threshold M=V         materiality threshold: tvd (0.05), cond_tvd_y_given_x\n"
        "                              (0.10), footprint_dep (0.5), retention (0.5); repeatable\n"
        "      --json                  one JSON object with every metric\n");
    cli_common_help(CLI_OPT_HELP, 30, NULL);
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

/* A definition's parsed parts (owned): the name, and the recode pairs or the edges. */
typedef struct parsed_def {
    char *attr;
    char **items; /* cli_split of the part after ':' */
    const char **from, **to;
    double *edges;
} parsed_def;

static void parsed_def_free(parsed_def *p)
{
    iaf_free(p->attr);
    cli_free_list(p->items);
    iaf_free(p->from);
    iaf_free(p->to);
    iaf_free(p->edges);
}

/* Parse def into p and out (borrowing p's storage): 0, -1 for out of memory,
 * or EXIT_USAGE with the message printed. */
static int parse_def(const attr_def *def, parsed_def *p, iaf_compare_derive *out)
{
    size_t nl = def_name(def->arg);
    const char *opt = def->bin ? "--bin" : "--recode";
    if (!(p->attr = iaf_malloc(nl + 1))) return -1;
    memcpy(p->attr, def->arg, nl);
    p->attr[nl] = '\0';
    int n = cli_split(def->arg + nl + 1, &p->items);
    if (n < 0) return -1;
    memset(out, 0, sizeof *out);
    out->attr = p->attr;
    if (n < 1) return cli_usage_error("compare", "%s %s: nothing after ':'", opt, p->attr);
    if (!def->bin) {
        p->from = iaf_calloc((size_t)n, sizeof *p->from);
        p->to = iaf_calloc((size_t)n, sizeof *p->to);
        if (!p->from || !p->to) return -1;
        for (int i = 0; i < n; i++) {
            char *eq = strchr(p->items[i], '=');
            if (!eq)
                return cli_usage_error("compare", "--recode %s: '%s' is not FROM=TO", p->attr,
                                       p->items[i]);
            *eq = '\0';
            p->from[i] = p->items[i];
            p->to[i] = eq + 1;
            for (int k = 0; k < i; k++)
                if (!strcmp(p->from[k], p->from[i]))
                    return cli_usage_error("compare", "--recode %s: '%s' is listed twice", p->attr,
                                           p->from[i]);
        }
        out->from = p->from;
        out->to = p->to;
        out->nrecode = (size_t)n;
        return 0;
    }
    if (n < 2) return cli_usage_error("compare", "--bin %s: give at least two edges", p->attr);
    if (!(p->edges = iaf_calloc((size_t)n, sizeof *p->edges))) return -1;
    for (int i = 0; i < n; i++) {
        const char *e = p->items[i];
        if (!strcmp(e, "inf") || !strcmp(e, "+inf"))
            p->edges[i] = INFINITY;
        else if (!strcmp(e, "-inf"))
            p->edges[i] = -INFINITY;
        else if (cli_parse_f64(e, -DBL_MAX, 0, DBL_MAX, &p->edges[i]) != 0)
            return cli_usage_error("compare", "--bin %s: edge '%s' is not a number", p->attr, e);
        if (i && !(p->edges[i] > p->edges[i - 1]))
            return cli_usage_error("compare", "--bin %s: edges must increase (at '%s')", p->attr,
                                   e);
    }
    out->edges = p->edges;
    out->nedges = (size_t)n;
    return 0;
}

/* A category label as a person reads it: the missing category is "(missing)". */
static const char *shown(const char *label)
{
    return label && label[0] ? label : "(missing)";
}

static void print_num(const char *name, double v, const char *note)
{
    if (isnan(v))
        printf("  %-22s %12s  %s\n", name, "-", note);
    else
        printf("  %-22s %12.6f  %s\n", name, v, note);
}

static void print_side(const char *what, const iaf_comparison *c, iaf_compare_side_id side,
                       const char *path, const char *where)
{
    double n = iaf_comparison_n(c, side);
    size_t nf = iaf_comparison_nfiles(c, side);
    char files[64] = "";
    if (nf > 1) snprintf(files, sizeof files, "%zu files, ", nf);
    if (isfinite(n))
        printf("%-10s %s  (%sn = %.0f%s)\n", what, path, files, n,
               where ? ", universe applied" : "");
    else
        printf("%-10s %s  (%sfixed: no sampling noise assumed%s)\n", what, path, files,
               where ? ", universe applied" : "");
}

static void print_readable(const iaf_comparison *c, const iaf_compare_options *o)
{
    const iaf_joint_metrics *m = iaf_comparison_metrics(c);
    int two = iaf_comparison_nattrs(c) > 1;
    iaf_compare_coverage cov = iaf_comparison_coverage(c);
    printf("check      %s%s%s\n", o->by[0], two ? " x " : "", two ? o->by[1] : "");
    print_side("synthetic", c, IAF_SIDE_SYNTHETIC, o->synthetic.paths[0], o->synthetic.where);
    print_side("reference", c, IAF_SIDE_REFERENCE, o->reference.paths[0], o->reference.where);
    printf("support    %zu x %zu cells; synthetic mass off support %.4f%%\n\n",
           iaf_comparison_ncats(c, 0), iaf_comparison_ncats(c, 1),
           cov.synthetic_total > 0 ? 100 * cov.synthetic_off_support / cov.synthetic_total : 0.0);
    print_num("tvd_joint", m->tvd_joint, "share of mass that must move");
    print_num("noise_floor", m->noise_floor, "expected tvd between two samples of the reference");
    print_num("tvd_x", m->tvd_x, "");
    if (two) {
        print_num("tvd_y", m->tvd_y, "");
        print_num("cond_tvd_y_given_x", m->cond_tvd_y_given_x, "conditional mismatch");
        print_num("cond_tvd_x_given_y", m->cond_tvd_x_given_y, "");
    }
    printf("  %-22s %12.6f  at %s%s%s\n", "max_cell_pp", m->max_cell_pp,
           shown(iaf_comparison_cat(c, 0, m->max_cell_x)), two ? " / " : "",
           two ? shown(iaf_comparison_cat(c, 1, m->max_cell_y)) : "");
    print_num("hellinger", m->hellinger, "");
    print_num("js_distance", m->js_distance, "");
    if (two) {
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
    if (iaf_comparison_bootstrap_b(c)) {
        printf("\n95%% %s bootstrap intervals (B = %zu, seed %llu; estimate [interval], "
               "plug-in):\n",
               iaf_interval_method_name(iaf_comparison_interval_method(c)),
               iaf_comparison_bootstrap_b(c), (unsigned long long)iaf_comparison_seed(c));
        for (size_t i = 0; i < iaf_comparison_nscreens(c); i++) {
            iaf_compare_screen sc = iaf_comparison_screen(c, i);
            printf("  %-22s %9.6f [%9.6f, %9.6f]  plug-in %9.6f  threshold %.3g  %s\n", sc.metric,
                   sc.estimate, sc.lo, sc.hi, sc.plug_in, sc.threshold,
                   sc.verdict ? sc.verdict : "-");
        }
        if (two && m->reference_dependent) {
            static const iaf_joint_metric_id diag[] = {IAF_JM_FOOTPRINT, IAF_JM_RETENTION};
            for (size_t i = 0; i < sizeof diag / sizeof diag[0]; i++) {
                iaf_compare_interval ci;
                if (iaf_comparison_interval(c, diag[i], &ci, NULL) != IAF_OK) continue;
                printf("  %-22s %9.6f [%9.6f, %9.6f]  plug-in %9.6f  (names the diagnosis)\n",
                       iaf_joint_metric_name(diag[i]), ci.estimate, ci.lo, ci.hi, ci.plug_in);
            }
        }
    }
    const char *verdict = iaf_comparison_verdict(c), *diag = iaf_comparison_diagnosis(c);
    if (verdict)
        printf("verdict    %s%s%s\n", verdict, diag ? " - " : "", diag ? diag : "");
    else
        printf("%sverdict    none: %s%s\n", iaf_comparison_bootstrap_b(c) ? "" : "\n",
               iaf_comparison_no_verdict(c),
               iaf_comparison_bootstrap_b(c) ? "" : "\n           (--bootstrap 1000 gives them)");
    if (iaf_comparison_noff(c)) {
        printf("\nsynthetic categories absent from the reference (largest first):\n");
        for (size_t i = 0; i < iaf_comparison_noff(c) && i < 10; i++) {
            iaf_compare_offsupport off = iaf_comparison_off(c, i);
            printf("  %-40s %.4f%%\n", shown(off.x_off || !two ? off.x : off.y),
                   100 * off.mass / cov.synthetic_total);
        }
    }
}

/* --threshold M=V into th: 0, or the usage error's exit code. */
static int parse_threshold(const char *arg, iaf_thresholds *th)
{
    const char *eq = strchr(arg, '=');
    if (!eq) return cli_usage_error("compare", "--threshold takes metric=value");
    size_t n = (size_t)(eq - arg);
    double *slot = NULL, hi = 1;
    if (n == 3 && !strncmp(arg, "tvd", n))
        slot = &th->tvd;
    else if (n == 18 && !strncmp(arg, "cond_tvd_y_given_x", n))
        slot = &th->cond_tvd;
    else if (n == 9 && !strncmp(arg, "footprint", n))
        slot = &th->footprint, hi = 1e6;
    else if (n == 9 && !strncmp(arg, "retention", n))
        slot = &th->retention, hi = 1e6;
    else
        return cli_usage_error(
            "compare", "--threshold: metric is tvd, cond_tvd_y_given_x, footprint or retention");
    if (cli_parse_f64(eq + 1, 0, 0, hi, slot) != 0)
        return cli_usage_error("compare", "--threshold %.*s takes a number 0 to %g, not '%s'",
                               (int)n, arg, hi, eq + 1);
    return 0;
}

/* What the command line asks for. */
typedef struct compare_args {
    iaf_compare_options o;
    cli_common co;
    const char *by;
    attr_def defs[MAX_DEFS];
    size_t ndefs;
    double ref_n;
    int json;
    iaf_thresholds th;
} compare_args;

/* The options into a (the paths stay argv's); 0 to go on, -1 after --help,
 * else the usage error's exit code. */
static int parse_args(int argc, char **argv, compare_args *a)
{
    static const struct option longopts[] = {{"by", required_argument, NULL, 'b'},
                                             {"reference-where", required_argument, NULL, 'R'},
                                             {"weight", required_argument, NULL, 'W'},
                                             {"reference-weight", required_argument, NULL, 'X'},
                                             {"synthetic-form", required_argument, NULL, 'S'},
                                             {"reference-form", required_argument, NULL, 'F'},
                                             {"reference-n", required_argument, NULL, 'n'},
                                             {"recode", required_argument, NULL, 'r'},
                                             {"bin", required_argument, NULL, 'i'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"threshold", required_argument, NULL, 'T'},
                                             CLI_LONG_WHERE,
                                             CLI_LONG_MISSING,
                                             CLI_LONG_NORMALIZE,
                                             CLI_LONG_ENCODING,
                                             CLI_LONG_ENCODING_SIDES,
                                             CLI_LONG_THREADS,
                                             CLI_LONG_BOOTSTRAP,
                                             CLI_LONG_SEED,
                                             CLI_LONG_INTERVAL,
                                             CLI_LONG_HELP,
                                             CLI_LONG_END};
    memset(a, 0, sizeof *a);
    a->th = iaf_thresholds_default();
    cli_common_init(&a->co);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":b:w:t:h", longopts, NULL)) != -1) {
        int crc = cli_common_option(&a->co, "compare", c, optarg);
        if (crc == 0) continue;
        if (crc > 0) return crc;
        switch (c) {
        case 'b':
            a->by = optarg;
            break;
        case 'R':
            a->o.reference.where = optarg;
            break;
        case 'W':
            a->o.synthetic.weight = optarg;
            break;
        case 'X':
            a->o.reference.weight = optarg;
            break;
        case 'S':
            if (parse_form(optarg, &a->o.synthetic.form) != 0)
                return cli_usage_error("compare", "form is auto, microdata or counts");
            break;
        case 'F':
            if (parse_form(optarg, &a->o.reference.form) != 0)
                return cli_usage_error("compare", "form is auto, microdata or counts");
            break;
        case 'n':
            if (cli_parse_f64(optarg, 0, 1, CLI_MAX_COUNT, &a->ref_n) != 0)
                return cli_usage_error("compare",
                                       "--reference-n takes a sample size above 0 and at most "
                                       "%s, not '%s'",
                                       CLI_MAX_COUNT_TEXT, optarg);
            break;
        case 'r':
        case 'i':
            if (a->ndefs == MAX_DEFS)
                return cli_usage_error("compare", "at most %d --recode and --bin", MAX_DEFS);
            if (!def_name(optarg) || !optarg[def_name(optarg) + 1])
                return cli_usage_error("compare", "--%s takes COLUMN:%s",
                                       c == 'r' ? "recode" : "bin",
                                       c == 'r' ? "FROM=TO,..." : "EDGE,EDGE,...");
            a->defs[a->ndefs].arg = optarg;
            a->defs[a->ndefs++].bin = c == 'i';
            break;
        case 'j':
            a->json = 1;
            break;
        case 'T': {
            int trc = parse_threshold(optarg, &a->th);
            if (trc) return trc;
            break;
        }
        case 'h':
            help();
            return -1;
        default:
            return cli_bad_option("compare", longopts, c, argv);
        }
    }
    a->o.synthetic.where = a->co.where;
    /* each side in its own encoding (a CP949 reference table beside UTF-8 microdata) */
    a->o.synthetic.source.encoding = cli_common_encoding(&a->co, 0);
    a->o.reference.source.encoding = cli_common_encoding(&a->co, 1);
    a->o.threads = a->co.threads;
    a->o.bootstrap_b = a->co.bootstrap;
    a->o.seed = a->co.seed;
    a->o.seed_set = a->co.seed_set;
    if (a->co.interval_set) a->o.interval = (iaf_interval_method)a->co.interval;
    a->o.reference.n = a->ref_n;
    a->o.normalize = a->co.normalize;
    if (argc - optind != 2) return cli_usage_error("compare", "needs SYNTHETIC and REFERENCE");
    if (!a->by) return cli_usage_error("compare", "--by is required");
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    compare_args args;
    int prc = parse_args(argc, argv, &args);
    if (prc) return prc < 0 ? EXIT_OK : prc;
    iaf_compare_options o = args.o;
    const char *by = args.by, *na = args.co.missing;
    const attr_def *defs = args.defs;
    size_t ndefs = args.ndefs;
    int json = args.json;
    const char *syn_path[1] = {argv[optind]}, *ref_path[1] = {argv[optind + 1]};
    o.synthetic.paths = syn_path;
    o.reference.paths = ref_path;
    o.synthetic.npaths = o.reference.npaths = 1;
    o.thresholds = &args.th;

    int rc = EXIT_DATA;
    iaf_error err;
    iaf_error_clear(&err);
    char **bys = NULL, **nas = NULL;
    int nby = cli_split(by, &bys), nna = 0;
    iaf_comparison *cmp = NULL;
    iaf_buffer *out = NULL;
    parsed_def pd[MAX_DEFS];
    iaf_compare_derive derive[MAX_DEFS];
    memset(pd, 0, sizeof pd);
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
        int r = parse_def(&defs[d], &pd[d], &derive[d]);
        if (r != 0) {
            rc = r < 0 ? cli_oom() : r;
            goto done;
        }
    }
    o.derive = derive;
    o.nderive = ndefs;
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
    o.by = (const char *const *)bys;
    o.nby = (size_t)nby;
    o.missing = (const char *const *)nas;
    o.nmissing = nas ? (size_t)nna : 0;
    if (iaf_compare_run(&o, &cmp, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (json) {
        if (!(out = iaf_buffer_new())) {
            rc = cli_oom();
            goto done;
        }
        if (iaf_comparison_write_json(cmp, out, &err) != IAF_OK ||
            cli_stdout_write(iaf_buffer_data(out), iaf_buffer_len(out), &err) != IAF_OK ||
            cli_stdout_write("\n", 1, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    } else {
        cli_escape_stdout(); /* labels are data: no control byte to the terminal */
        print_readable(cmp, &o);
    }
    rc = EXIT_OK;
done:
    iaf_buffer_free(out);
    iaf_comparison_free(cmp);
    for (size_t d = 0; d < ndefs; d++)
        parsed_def_free(&pd[d]);
    cli_free_list(bys);
    cli_free_list(nas);
    return rc;
}
