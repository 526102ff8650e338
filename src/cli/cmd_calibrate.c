/* src/cli/cmd_calibrate.c - `iaf calibrate SPEC.yaml --to CHECKS -o weights.{csv,parquet}`:
 * calibration weights that make the spec's synthetic microdata match the references
 * of the selected checks at once (include/iaf/calibrate.h): every row's weight keyed by
 * an id column or by file and row, the weights by combination (--units), and the
 * convergence report, the unrepairable cells and the effective-n cost on standard output. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "output.h"
#include "iaf/alloc.h"
#include "iaf/audit.h"
#include "iaf/buffer.h"
#include "iaf/calibrate.h"
#include "iaf/report.h"
#include "iaf/version.h"

static void help(void)
{
    printf("Usage: iaf calibrate SPEC.yaml [--to ID,...] [options]\n\n"
           "Calibration weights (Deville and Sarndal 1992; R survey::calibrate) that make the\n"
           "spec's synthetic microdata match the references of the named marginal and joint\n"
           "checks at once. Writes every row's weight (its own weight, 1 when unweighted,\n"
           "times the factor g of its combination of the columns those checks read), keyed by\n"
           "--id or by file and row, and prints the convergence report, the cells calibration\n"
           "cannot repair, the weight distribution and Kish's effective n. The spec's\n"
           "calibrate: block may name the targets (also margins of any arity) and settings;\n"
           "the options override it (docs/calibration.md).\n\n"
           "Options:\n"
           "      --to LIST          check ids (marginal, joint) and margin ids of the spec's\n"
           "                         calibrate: block to calibrate to (default: the block's)\n"
           "      --method M         raking (default) or logit\n"
           "      --bounds L,U       logit bounds on g, 0 <= L < 1 < U (default 0.5,2)\n"
           "      --epsilon E        convergence: max |residual| / (1 + target) < E (1e-10)\n"
           "      --max-iter N       Newton iterations (default 100)\n"
           "      --min-neff F       warn when effective n / rows < F (0 < F <= 1)\n"
           "  -o, --output FILE      every row's weight: ID,weight or file,row,weight (for a\n"
           "                         count table: each cell's key, count, g, calibrated_count);\n"
           "                         Parquet when FILE ends in .parquet, else CSV (default\n"
           "                         weights.csv; - = stdout)\n"
           "      --id COL           key the rows by this column (unique per row), e.g. uuid\n"
           "      --units FILE       also the weights by combination: the columns, rows, mass, g\n"
           "  -m, --microdata PATH   read the microdata from PATH (a file, glob or directory;\n"
           "                         repeatable) instead of the spec's dataset.microdata\n"
           "      --audit            also audit the spec before and after weighting: every\n"
           "                         check's verdict and key number, side by side\n"
           "      --bootstrap B      bootstrap replicates of that audit (default 1000)\n"
           "      --seed S           its bootstrap seed (default 20260611)\n"
           "  -t, --threads N|auto   worker threads (default: all cores)\n"
           "  -h, --help             this text\n");
}

/* The key number of a report row as text ("-" when none). */
static void key_text(const iaf_report *r, size_t i, char *out, size_t n, const char **name)
{
    double est = NAN, lo = NAN, hi = NAN;
    *name = iaf_report_row_key(r, i, &est, &lo, &hi);
    /* four decimals, and no "-0.0000" for a value that rounds to zero */
    est = round(est * 1e4) / 1e4 + 0.0, lo = round(lo * 1e4) / 1e4 + 0.0,
    hi = round(hi * 1e4) / 1e4 + 0.0;
    if (!*name || isnan(est))
        snprintf(out, n, "-");
    else if (!isnan(lo) && !isnan(hi))
        snprintf(out, n, "%.4f [%.4f, %.4f]", est, lo, hi);
    else
        snprintf(out, n, "%.4f", est);
}

/* --audit: the spec audited as it is and with the weights just computed (from memory,
 * before anything is written), every check's verdict and key number side by side. */
static int before_after(iaf_spec *spec, const iaf_audit_options *ao, const char *output,
                        const iaf_buffer *weights)
{
    iaf_error err;
    iaf_error_clear(&err);
    iaf_audit *a0 = NULL, *a1 = NULL;
    iaf_report *r0 = NULL, *r1 = NULL;
    int rc = EXIT_DATA;
    iaf_report_meta meta = {"iaf calibrate --audit", iaf_version()};
    if (iaf_audit_run(spec, ao, &a0, &err) != IAF_OK ||
        iaf_report_from_audit(a0, &meta, &r0, &err) != IAF_OK ||
        iaf_spec_set_weights_memory(spec, iaf_buffer_data(weights), iaf_buffer_len(weights), output,
                                    &err) != IAF_OK ||
        iaf_audit_run(spec, ao, &a1, &err) != IAF_OK ||
        iaf_report_from_audit(a1, &meta, &r1, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    printf("audit before -> after weighting (every check; the weighted sample sizes are Kish's "
           "effective n):\n");
    for (size_t i = 0; i < iaf_report_nrows(r0); i++) {
        const char *id = iaf_report_row_check(r0, i);
        size_t j = 0;
        while (j < iaf_report_nrows(r1) && strcmp(iaf_report_row_check(r1, j), id))
            j++;
        if (j == iaf_report_nrows(r1)) continue;
        char k0[96], k1[96];
        const char *n0, *n1;
        key_text(r0, i, k0, sizeof k0, &n0);
        key_text(r1, j, k1, sizeof k1, &n1);
        const char *v0 = iaf_report_row_verdict(r0, i), *v1 = iaf_report_row_verdict(r1, j);
        printf("  %s (%s) %s: %s %s -> %s %s%s\n", id, iaf_report_row_kind(r0, i), n0 ? n0 : "key",
               k0, v0 ? v0 : "no verdict", k1, v1 ? v1 : "no verdict",
               v0 && v1 && strcmp(v0, v1) ? "  CHANGED" : "");
    }
    rc = EXIT_OK;
done:
    iaf_report_free(r0);
    iaf_report_free(r1);
    iaf_audit_free(a0);
    iaf_audit_free(a1);
    return rc;
}

/* The command line of `iaf calibrate`. */
typedef struct calib_args {
    const char *to, *output, *units, *id;
    double min_neff;
    int threads, given; /* given: which of the calibrate: block's settings the options override */
    iaf_calib_options cli;
    int audit;
    iaf_audit_options ao;
    const char *micro[64];
    size_t nmicro;
} calib_args;
enum { G_METHOD = 1, G_BOUNDS = 2, G_EPS = 4, G_ITER = 8, G_NEFF = 16 };

/* Parses the options into a: 0, -1 after --help, else the usage error's exit code. */
static int parse_args(int argc, char **argv, calib_args *a)
{
    static const struct option longopts[] = {{"to", required_argument, NULL, 'T'},
                                             {"method", required_argument, NULL, 'M'},
                                             {"bounds", required_argument, NULL, 'B'},
                                             {"epsilon", required_argument, NULL, 'E'},
                                             {"max-iter", required_argument, NULL, 'I'},
                                             {"min-neff", required_argument, NULL, 'N'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"threads", required_argument, NULL, 't'},
                                             {"units", required_argument, NULL, 'U'},
                                             {"id", required_argument, NULL, 'D'},
                                             {"microdata", required_argument, NULL, 'm'},
                                             {"audit", no_argument, NULL, 'A'},
                                             {"bootstrap", required_argument, NULL, 'b'},
                                             {"seed", required_argument, NULL, 's'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:m:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'T':
            a->to = optarg;
            break;
        case 'M':
            if (!strcmp(optarg, "raking"))
                a->cli.method = IAF_CALIB_RAKING;
            else if (!strcmp(optarg, "logit"))
                a->cli.method = IAF_CALIB_LOGIT;
            else
                return cli_usage_error("calibrate", "--method: expected raking or logit, got '%s'",
                                       optarg);
            a->given |= G_METHOD;
            break;
        case 'B': {
            const char *comma = strchr(optarg, ',');
            char lo[64];
            if (!comma || (size_t)(comma - optarg) >= sizeof lo)
                return cli_usage_error("calibrate", "--bounds: expected L,U, got '%s'", optarg);
            memcpy(lo, optarg, (size_t)(comma - optarg));
            lo[comma - optarg] = '\0';
            if (cli_parse_f64(lo, 0, 0, 1, &a->cli.lower) != 0 ||
                cli_parse_f64(comma + 1, 1, 1, 1e300, &a->cli.upper) != 0 || !(a->cli.lower < 1))
                return cli_usage_error("calibrate", "--bounds: expected 0 <= L < 1 < U, got '%s'",
                                       optarg);
            a->given |= G_BOUNDS;
            break;
        }
        case 'E':
            if (cli_parse_f64(optarg, 0, 1, 1, &a->cli.epsilon) != 0)
                return cli_usage_error("calibrate", "--epsilon: expected a number in (0, 1]");
            a->given |= G_EPS;
            break;
        case 'I': {
            uint64_t v;
            if (cli_parse_u64(optarg, 1, 100000, &v) != 0)
                return cli_usage_error("calibrate", "--max-iter: expected 1 to 100000");
            a->cli.max_iter = (int)v;
            a->given |= G_ITER;
            break;
        }
        case 'N':
            if (cli_parse_f64(optarg, 0, 1, 1, &a->min_neff) != 0)
                return cli_usage_error("calibrate", "--min-neff: expected a fraction in (0, 1]");
            a->given |= G_NEFF;
            break;
        case 'o':
            a->output = optarg;
            break;
        case 'U':
            a->units = optarg;
            break;
        case 'A':
            a->audit = 1;
            break;
        case 'b':
            if (cli_parse_bootstrap(optarg, &a->ao.bootstrap_b) != 0)
                return cli_usage_error("calibrate", "--bootstrap takes %d to %d replicates",
                                       CLI_BOOT_MIN, CLI_BOOT_MAX);
            break;
        case 's':
            if (cli_parse_seed(optarg, &a->ao.seed) != 0)
                return cli_usage_error("calibrate", "--seed takes an integer 0 to 2^64-1, not '%s'",
                                       optarg);
            a->ao.seed_set = 1;
            break;
        case 'm':
            if (a->nmicro == sizeof a->micro / sizeof *a->micro)
                return cli_usage_error("calibrate", "at most 64 --microdata paths");
            a->micro[a->nmicro++] = optarg;
            break;
        case 'D':
            if (!*optarg) return cli_usage_error("calibrate", "--id: expected a column name");
            a->id = optarg;
            break;
        case 't':
            if (cli_parse_threads(optarg, &a->threads) != 0)
                return cli_usage_error("calibrate", "--threads: expected a number or auto");
            break;
        case 'h':
            help();
            return -1;
        default:
            return cli_bad_option("calibrate", longopts, c, argv);
        }
    }
    return 0;
}

int cmd_calibrate(int argc, char **argv)
{
    calib_args args;
    memset(&args, 0, sizeof args);
    args.output = "weights.csv";
    iaf_calib_spec_options so;
    memset(&so, 0, sizeof so);
    iaf_calib_options_init(&so.calib);
    args.cli = so.calib;
    int prc = parse_args(argc, argv, &args);
    if (prc) return prc < 0 ? EXIT_OK : prc;
    const char *to = args.to, *output = args.output, *units = args.units, *id = args.id;
    double min_neff = args.min_neff;
    int threads = args.threads, given = args.given, audit = args.audit;
    iaf_calib_options cli = args.cli;
    iaf_audit_options ao = args.ao;
    const char *const *micro = args.micro;
    size_t nmicro = args.nmicro;
    if (optind + 1 != argc) return cli_usage_error("calibrate", "expected one SPEC.yaml");
    if (!audit && (ao.bootstrap_b || ao.seed_set))
        return cli_usage_error("calibrate", "--bootstrap and --seed belong to --audit");
    char **checks = NULL;
    int n = to ? cli_split(to, &checks) : 0;
    if (n < 0) return cli_oom();
    if (to && n == 0) {
        cli_free_list(checks);
        return cli_usage_error("calibrate", "--to: name the checks to calibrate to");
    }
    so.checks = (const char *const *)checks;
    so.nchecks = (size_t)n;
    so.threads = threads;

    iaf_error err;
    iaf_error_clear(&err);
    iaf_spec *spec = NULL;
    iaf_calib_run *run = NULL;
    iaf_buffer *weights = NULL, *report = NULL, *perunit = NULL;
    cli_outset *outs = NULL;
    int rc = EXIT_DATA, low = 0;
    if (iaf_spec_load(argv[optind], &spec, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (nmicro && iaf_spec_set_microdata(spec, micro, nmicro, &err) != IAF_OK) {
        rc = err.status == IAF_ERR_NOMEM
                 ? cli_fail(&err)
                 : cli_usage_error("calibrate", "--microdata: %s", err.message);
        goto done;
    }
    /* the spec's calibrate: block, then the options given here */
    const double neff_cli = min_neff;
    const char *id_spec = NULL;
    iaf_calibrate_spec_defaults(spec, &so, &min_neff, &id_spec);
    if (given & G_METHOD) so.calib.method = cli.method;
    if (given & G_BOUNDS) so.calib.lower = cli.lower, so.calib.upper = cli.upper;
    if (given & G_EPS) so.calib.epsilon = cli.epsilon;
    if (given & G_ITER) so.calib.max_iter = cli.max_iter;
    if (given & G_NEFF) min_neff = neff_cli;
    if (!id) id = id_spec;
    if (iaf_calibrate_spec_validate(spec, &so, &err) != IAF_OK) {
        rc = err.status == IAF_ERR_NOMEM ? cli_fail(&err)
                                         : cli_usage_error("calibrate", "--to: %s", err.message);
        goto done;
    }
    iaf_status st = iaf_calibrate_spec(spec, &so, &run, &err);
    iaf_error cerr = err;
    if (!(report = iaf_buffer_new())) goto oom;
    if (run) {
        iaf_error rerr;
        if (iaf_calib_run_write_report(run, min_neff, report, &low, &rerr) != IAF_OK) {
            rc = cli_fail(&rerr);
            goto done;
        }
        cli_escape_stdout(); /* labels are data */
        fwrite(iaf_buffer_data(report), 1, iaf_buffer_len(report), stdout);
    }
    if (st != IAF_OK) {
        rc = cli_fail(&cerr);
        goto done;
    }
    if (low)
        fprintf(stderr, "iaf calibrate: warning: the effective n is below %g of the rows\n",
                min_neff);
    const size_t olen = strlen(output);
    const iaf_calib_format format =
        olen >= 8 && !strcmp(output + olen - 8, ".parquet") ? IAF_CALIB_PARQUET : IAF_CALIB_CSV;
    if (!(weights = iaf_buffer_new())) goto oom;
    if (iaf_calib_run_write_row_weights(run, spec, id, format, weights, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (units) {
        if (!(perunit = iaf_buffer_new())) goto oom;
        if (iaf_calib_run_write_weights(run, perunit, &err) != IAF_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    if (audit) {
        ao.threads = threads;
        if ((rc = before_after(spec, &ao, output, weights)) != EXIT_OK) goto done;
        rc = EXIT_DATA;
    }
    if (cli_input_add(argv[optind]) != 0) goto oom;
    for (size_t i = 0; i < iaf_calib_run_ninputs(run); i++)
        if (cli_input_add(iaf_calib_run_input(run, i)) != 0) goto oom;
    if (!(outs = cli_outset_new())) goto oom;
    if (cli_outset_add(outs, output, iaf_buffer_data(weights), iaf_buffer_len(weights), &err) !=
            IAF_OK ||
        (units && cli_outset_add(outs, units, iaf_buffer_data(perunit), iaf_buffer_len(perunit),
                                 &err) != IAF_OK) ||
        cli_outset_commit(outs, &err) != IAF_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    rc = EXIT_OK;
    goto done;
oom:
    rc = cli_oom();
done:
    cli_outset_free(outs);
    iaf_buffer_free(weights);
    iaf_buffer_free(report);
    iaf_buffer_free(perunit);
    iaf_calib_run_free(run);
    iaf_spec_free(spec);
    cli_free_list(checks);
    return rc;
}
