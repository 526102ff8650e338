/* Calibration weights (include/iaf/calibrate.h): raking and bounded logit
 * calibration against R survey::calibrate on a real synthetic file (the MOSTLY AI
 * CRC submission calibrated to the real excerpt's SEX x INDP_CAT and age band x
 * education margins; tests/oracles/calibrate_crc.R wrote the targets and R's
 * weights to tests/data/calibrate/), raking against an independent iterative
 * proportional fitting, unrepairable categories, located non-convergence, and the
 * weight summary (Kish n_eff, type 7 quantiles). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iaf/calibrate.h"
#include "io/csv.h"

#define EXAMPLES IAF_SRC "/examples/us/"

static iaf_csv_table *read_table(const char *path, int comments)
{
    iaf_csv_options opt = {0};
    opt.comments = comments;
    iaf_csv_table *t = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_status st = iaf_csv_table_read(path, &opt, &t, &err);
    if (st != IAF_OK) fprintf(stderr, "%s: %s\n", path, err.message);
    assert_int_equal(st, IAF_OK);
    return t;
}

static const char *cell(const iaf_csv_table *t, size_t r, const char *col)
{
    int c = iaf_csv_table_col(t, col);
    assert_true(c >= 0);
    return iaf_csv_cell(t, r, (size_t)c).ptr;
}

static const char *age_band(const char *agep)
{
    if (strcmp(agep, "N") == 0 || agep[0] == 0) return NULL;
    double a = strtod(agep, NULL);
    if (a < 18) return NULL;
    if (a < 25) return "18-24";
    if (a < 35) return "25-34";
    if (a < 45) return "35-44";
    if (a < 65) return "45-64";
    return "65+";
}

/* The CRC case: per-row categories derived here from the synthetic file, targets and
 * R's weights per (sex_indp, age_edu) pattern from the oracle. */
static void crc_case(iaf_calib_method method)
{
    iaf_csv_table *syn =
        read_table(EXAMPLES "data/synthetic/mostlyai/mostlyai_sd_platform_PaulTiwald_1.csv", 0);
    iaf_csv_table *xw = read_table(EXAMPLES "crosswalks/edu_to_b15001.csv", 1);
    iaf_csv_table *tg = read_table(IAF_TESTDATA "/calibrate/crc_targets.csv", 0);
    iaf_csv_table *rw = read_table(IAF_TESTDATA "/calibrate/crc_weights.csv", 0);
    const size_t n = syn->nrows;
    assert_int_equal(n, 27253);

    /* margins from the targets file: sex_indp first, then age_edu */
    const char *names[2] = {"sex_indp", "age_edu"};
    size_t ncat[2] = {0, 0}, first[2] = {0, 0};
    double *target[2];
    const char **labels[2];
    for (int k = 0; k < 2; k++) {
        target[k] = calloc(tg->nrows, sizeof(double));
        labels[k] = calloc(tg->nrows, sizeof(char *));
        for (size_t r = 0; r < tg->nrows; r++)
            if (strcmp(cell(tg, r, "margin"), names[k]) == 0) {
                if (ncat[k] == 0) first[k] = r;
                labels[k][ncat[k]] = cell(tg, r, "category");
                target[k][ncat[k]++] = strtod(cell(tg, r, "target"), NULL);
            }
        assert_true(ncat[k] > 0);
    }
    (void)first;
    int32_t *cat[2] = {calloc(n, sizeof(int32_t)), calloc(n, sizeof(int32_t))};
    char key[512];
    char(*keys)[2][512] = calloc(n, sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        snprintf(keys[i][0], 512, "%s|%s", cell(syn, i, "SEX"), cell(syn, i, "INDP_CAT"));
        const char *ab = age_band(cell(syn, i, "AGEP"));
        const char *edu = NULL;
        for (size_t r = 0; r < xw->nrows; r++)
            if (strcmp(cell(xw, r, "from"), cell(syn, i, "EDU")) == 0) edu = cell(xw, r, "to");
        keys[i][1][0] = 0;
        if (ab && edu) snprintf(keys[i][1], 512, "%s|%s", ab, edu);
        for (int k = 0; k < 2; k++) {
            cat[k][i] = IAF_CALIB_NONE;
            for (size_t c = 0; c < ncat[k]; c++)
                if (strcmp(labels[k][c], keys[i][k]) == 0) cat[k][i] = (int32_t)c;
        }
    }
    iaf_calib_margin m[2];
    for (int k = 0; k < 2; k++)
        m[k] = (iaf_calib_margin){names[k], ncat[k], cat[k], target[k], labels[k]};
    iaf_calib_options opt;
    iaf_calib_options_init(&opt);
    opt.method = method;
    opt.lower = 0.4;
    opt.upper = 2.5;
    opt.epsilon = 1e-12;
    iaf_calib_result *res = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    iaf_status st = iaf_calibrate(n, NULL, m, 2, &opt, &res, &err);
    if (st != IAF_OK) fprintf(stderr, "%s\n", err.message);
    assert_int_equal(st, IAF_OK);
    assert_true(iaf_calib_result_converged(res));
    assert_true(iaf_calib_result_criterion(res) < 1e-12);
    assert_true(iaf_calib_result_iterations(res) >= 2 && iaf_calib_result_iterations(res) < 50);
    assert_int_equal(iaf_calib_result_unrepairable(res), 0);
    const double *g = iaf_calib_result_g(res);
    const double *w = iaf_calib_result_weights(res);
    const char *col = method == IAF_CALIB_RAKING ? "raking" : "logit";
    size_t checked = 0;
    double maxdiff = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(g[i] == w[i]);
        if (method == IAF_CALIB_LOGIT) assert_true(g[i] > 0.4 && g[i] < 2.5);
        for (size_t r = 0; r < rw->nrows; r++) {
            if (strcmp(cell(rw, r, "sex_indp"), keys[i][0]) != 0 ||
                strcmp(cell(rw, r, "age_edu"), keys[i][1]) != 0)
                continue;
            double d = fabs(g[i] - strtod(cell(rw, r, col), NULL));
            if (d > maxdiff) maxdiff = d;
            checked++;
            break;
        }
    }
    assert_int_equal(checked, n); /* every row has R's weight */
    if (maxdiff > 0) fprintf(stderr, "%s: max |iaf - R| = %g\n", col, maxdiff);
    assert_true(maxdiff <= 1e-9);
    /* every target is met, and the report holds before/after per category */
    for (int k = 0; k < 2; k++)
        for (size_t c = 0; c < ncat[k]; c++) {
            iaf_calib_cell cl;
            assert_int_equal(iaf_calib_result_cell(res, (size_t)k, c, &cl), IAF_OK);
            assert_int_equal(cl.state, IAF_CALIB_OK);
            assert_true(fabs(cl.after - cl.target) <= 1e-12 * (1 + cl.target));
            assert_true(fabs(cl.residual) <= 1e-12 * (1 + cl.target));
            assert_true(cl.before > 0);
        }
    assert_int_equal(iaf_calib_result_cell(res, 2, 0, NULL), IAF_ERR_INVALID);
    (void)key;
    iaf_calib_result_free(res);
    for (int k = 0; k < 2; k++) {
        free(target[k]);
        free(labels[k]);
        free(cat[k]);
    }
    free(keys);
    iaf_csv_table_free(syn);
    iaf_csv_table_free(xw);
    iaf_csv_table_free(tg);
    iaf_csv_table_free(rw);
}

static void test_crc_raking_matches_r(void **state)
{
    (void)state;
    crc_case(IAF_CALIB_RAKING);
}

static void test_crc_logit_matches_r(void **state)
{
    (void)state;
    crc_case(IAF_CALIB_LOGIT);
}

/* A 3 x 4 table of cells (design weight = count) raked to both margins, against
 * classical iterative proportional fitting written out here, and a third
 * overlapping margin (a joint of the row with a coarsening of the column) makes
 * the Hessian singular-free but the fit non-separable. */
static void test_raking_equals_ipf(void **state)
{
    (void)state;
    enum { R = 3, C = 4, N = R * C };
    const double count[N] = {10, 4, 7, 1, 3, 9, 2, 6, 5, 5, 8, 2};
    const double rowt[R] = {30, 20, 40}, colt[C] = {25, 15, 35, 15};
    int32_t rc[N], cc[N];
    for (int i = 0; i < N; i++) {
        rc[i] = i / C;
        cc[i] = i % C;
    }
    iaf_calib_margin m[2] = {{"row", R, rc, rowt, NULL}, {"col", C, cc, colt, NULL}};
    iaf_calib_result *res = NULL;
    iaf_error err;
    assert_int_equal(iaf_calibrate(N, count, m, 2, NULL, &res, &err), IAF_OK);
    double ipf[N];
    memcpy(ipf, count, sizeof ipf);
    for (int it = 0; it < 2000; it++) {
        for (int r = 0; r < R; r++) {
            double s = 0;
            for (int c = 0; c < C; c++)
                s += ipf[r * C + c];
            for (int c = 0; c < C; c++)
                ipf[r * C + c] *= rowt[r] / s;
        }
        for (int c = 0; c < C; c++) {
            double s = 0;
            for (int r = 0; r < R; r++)
                s += ipf[r * C + c];
            for (int r = 0; r < R; r++)
                ipf[r * C + c] *= colt[c] / s;
        }
    }
    const double *w = iaf_calib_result_weights(res);
    const double *g = iaf_calib_result_g(res);
    for (int i = 0; i < N; i++) {
        assert_true(fabs(w[i] - ipf[i]) < 1e-9);
        assert_true(fabs(g[i] * count[i] - w[i]) < 1e-12);
    }
    /* odds ratios of the design are kept by raking */
    double or_in = count[0] * count[5] / (count[1] * count[4]);
    double or_out = w[0] * w[5] / (w[1] * w[4]);
    assert_true(fabs(or_in - or_out) < 1e-9);
    iaf_calib_cell cl;
    assert_int_equal(iaf_calib_result_cell(res, 0, 1, &cl), IAF_OK);
    assert_true(cl.before == 3 + 9 + 2 + 6);
    assert_true(fabs(cl.after - 20) < 1e-9);
    assert_true(iaf_calib_result_margin_criterion(res, 1) < 1e-10);
    iaf_calib_result_free(res);
}

/* A reference category the data never reach is reported, not forced; nor is a
 * zero-target category the data reach. The rest is calibrated. */
static void test_unrepairable(void **state)
{
    (void)state;
    /* 6 units, margin "sex" (0, 1) and margin "occ" with 4 categories: category 2 has a
     * target but no unit, category 3 has units but a zero target. */
    const int32_t sex[6] = {0, 0, 0, 1, 1, 1};
    const int32_t occ[6] = {0, 1, 3, 0, 1, 1};
    const double tsex[2] = {3, 3};
    const double tocc[4] = {2, 3, 5, 0};
    const char *ol[4] = {"a", "b", "never reached", "not in reference"};
    iaf_calib_margin m[2] = {{"sex", 2, sex, tsex, NULL}, {"occ", 4, occ, tocc, ol}};
    iaf_calib_result *res = NULL;
    iaf_error err;
    assert_int_equal(iaf_calibrate(6, NULL, m, 2, NULL, &res, &err), IAF_OK);
    assert_int_equal(iaf_calib_result_unrepairable(res), 2);
    iaf_calib_cell cl;
    iaf_calib_result_cell(res, 1, 2, &cl);
    assert_int_equal(cl.state, IAF_CALIB_UNREACHABLE);
    assert_true(cl.before == 0 && cl.after == 0 && cl.residual == 5);
    iaf_calib_result_cell(res, 1, 3, &cl);
    assert_int_equal(cl.state, IAF_CALIB_ZERO_TARGET);
    assert_true(cl.after > 0); /* the unit keeps a positive weight */
    iaf_calib_result_cell(res, 1, 0, &cl);
    assert_int_equal(cl.state, IAF_CALIB_OK);
    assert_true(fabs(cl.after - 2) < 1e-9);
    iaf_calib_result_cell(res, 0, 0, &cl);
    assert_true(fabs(cl.after - 3) < 1e-9);
    iaf_calib_result_free(res);
}

/* Bounds that cannot reach the targets: a located error and a result to report. */
/* Logit with a cell that needs a mean factor close to the upper bound (4.5 of 5, and 4.9)
 * across two crossed margins: the damped Newton iteration converges, every factor stays
 * inside the bounds, each margin is met and the factor is one per combination of cells. */
static void test_logit_near_the_bound(void **state)
{
    (void)state;
    const double need[2] = {4.5, 4.9};
    for (int k = 0; k < 2; k++) {
        int32_t a[100], b[100];
        for (int i = 0; i < 100; i++) {
            a[i] = i < 10 ? 0 : 1;
            b[i] = i % 2;
        }
        const double ta[2] = {10 * need[k], 100 - 10 * need[k]}, tb[2] = {60, 40};
        iaf_calib_margin m[2] = {{"a", 2, a, ta, NULL}, {"b", 2, b, tb, NULL}};
        iaf_calib_options opt;
        iaf_calib_options_init(&opt);
        opt.method = IAF_CALIB_LOGIT;
        opt.lower = 0.2;
        opt.upper = 5;
        opt.epsilon = 1e-12;
        iaf_calib_result *res = NULL;
        iaf_error err;
        iaf_error_clear(&err);
        assert_int_equal(iaf_calibrate(100, NULL, m, 2, &opt, &res, &err), IAF_OK);
        const double *g = iaf_calib_result_g(res);
        double sa[2] = {0, 0}, sb[2] = {0, 0};
        for (int i = 0; i < 100; i++) {
            assert_true(g[i] > 0.2 && g[i] < 5);
            assert_true(fabs(g[i] - g[i % 2 + (i < 10 ? 0 : 10)]) < 1e-12);
            sa[a[i]] += g[i];
            sb[b[i]] += g[i];
        }
        for (int c = 0; c < 2; c++) {
            assert_true(fabs(sa[c] - ta[c]) < 1e-9 * (1 + ta[c]));
            assert_true(fabs(sb[c] - tb[c]) < 1e-9 * (1 + tb[c]));
        }
        iaf_calib_result_free(res);
    }
}

static void test_nonconvergence_located(void **state)
{
    (void)state;
    const int32_t sex[4] = {0, 0, 0, 1};
    const double t[2] = {2, 2}; /* one unit must carry weight 2, beyond U = 1.5 */
    const char *lab[2] = {"male", "female"};
    iaf_calib_margin m = {"sex_margin", 2, sex, t, lab};
    iaf_calib_options opt;
    iaf_calib_options_init(&opt);
    opt.method = IAF_CALIB_LOGIT;
    opt.lower = 0.5;
    opt.upper = 1.5;
    opt.max_iter = 30;
    iaf_calib_result *res = NULL;
    iaf_error err;
    iaf_error_clear(&err);
    assert_int_equal(iaf_calibrate(4, NULL, &m, 1, &opt, &res, &err), IAF_ERR_INVALID);
    assert_non_null(res);
    assert_false(iaf_calib_result_converged(res));
    assert_int_equal(iaf_calib_result_iterations(res), 30);
    assert_non_null(strstr(err.message, "did not converge"));
    assert_non_null(strstr(err.message, "sex_margin"));
    assert_non_null(strstr(err.message, "female"));
    /* the cell that no factor inside the bounds can fill is named: 2 over 1 unit */
    assert_non_null(strstr(err.message, "the bounds [0.5, 1.5] cannot be met: margin "
                                        "'sex_margin', category 'female' needs a mean factor g "
                                        "of 2 (target 2 over a mass of 1)"));
    const double *g = iaf_calib_result_g(res);
    for (int i = 0; i < 4; i++)
        assert_true(g[i] >= 0.5 && g[i] <= 1.5); /* saturated at a bound */
    iaf_calib_result_free(res);
    /* raking reaches it (no bounds) */
    opt.method = IAF_CALIB_RAKING;
    assert_int_equal(iaf_calibrate(4, NULL, &m, 1, &opt, &res, &err), IAF_OK);
    assert_true(fabs(iaf_calib_result_g(res)[3] - 2) < 1e-9);
    iaf_calib_result_free(res);
    /* two margins with different totals over the same units cannot both hold */
    const int32_t all[4] = {0, 0, 0, 0};
    const double t5[1] = {5};
    iaf_calib_margin two[2] = {{"sex_margin", 2, sex, t, lab}, {"total", 1, all, t5, NULL}};
    assert_int_equal(iaf_calibrate(4, NULL, two, 2, NULL, &res, &err), IAF_ERR_INVALID);
    assert_non_null(res);
    assert_false(iaf_calib_result_converged(res));
    iaf_calib_result_free(res);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    const int32_t c[2] = {0, 5};
    const double t[2] = {1, 1};
    iaf_calib_margin m = {"m", 2, c, t, NULL};
    iaf_calib_result *res = (iaf_calib_result *)&m;
    iaf_error err;
    assert_int_equal(iaf_calibrate(2, NULL, &m, 1, NULL, &res, &err), IAF_ERR_INVALID);
    assert_null(res);
    assert_non_null(strstr(err.message, "unit 2"));
    const int32_t ok[2] = {0, 1};
    const double bad[2] = {1, NAN};
    iaf_calib_margin m2 = {"m", 2, ok, bad, NULL};
    assert_int_equal(iaf_calibrate(2, NULL, &m2, 1, NULL, &res, &err), IAF_ERR_INVALID);
    iaf_calib_margin m3 = {"m", 2, ok, t, NULL};
    const double dneg[2] = {1, -1};
    assert_int_equal(iaf_calibrate(2, dneg, &m3, 1, NULL, &res, &err), IAF_ERR_INVALID);
    iaf_calib_options opt;
    iaf_calib_options_init(&opt);
    opt.method = IAF_CALIB_LOGIT;
    opt.lower = 1.2;
    assert_int_equal(iaf_calibrate(2, NULL, &m3, 1, &opt, &res, &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "bounds"));
    opt.lower = 0;
    opt.upper = INFINITY;
    assert_int_equal(iaf_calibrate(2, NULL, &m3, 1, &opt, &res, &err), IAF_ERR_INVALID);
    assert_int_equal(iaf_calibrate(2, NULL, &m3, 1, NULL, NULL, &err), IAF_ERR_INVALID);
}

/* Kish n_eff and type 7 quantiles; a unit with multiplicity m is m rows. Values from
 * numpy: np.quantile(w, q) (linear, R type 7) and sum(w)**2 / sum(w**2). */
static void test_weight_summary(void **state)
{
    (void)state;
    const double w[5] = {0.5, 2, 1, 1, 3};
    iaf_weight_summary s;
    iaf_error err;
    assert_int_equal(iaf_weight_summarize(5, w, NULL, &s, &err), IAF_OK);
    assert_true(s.rows == 5 && s.sum_w == 7.5);
    assert_true(fabs(s.n_eff - 56.25 / 15.25) < 1e-12); /* 3.6885245901639343 */
    assert_true(s.min == 0.5 && s.max == 3);
    assert_true(fabs(s.q25 - 1.0) < 1e-12 && fabs(s.q50 - 1.0) < 1e-12);
    assert_true(fabs(s.q75 - 2.0) < 1e-12);
    assert_true(fabs(s.q05 - 0.6) < 1e-12); /* np.quantile(w, 0.05) */
    assert_true(fabs(s.q99 - 2.96) < 1e-12);
    /* the same rows as units with multiplicities */
    const double w2[4] = {0.5, 1, 2, 3}, m2[4] = {1, 2, 1, 1};
    iaf_weight_summary s2;
    assert_int_equal(iaf_weight_summarize(4, w2, m2, &s2, &err), IAF_OK);
    assert_true(s2.rows == 5 && s2.sum_w == 7.5 && fabs(s2.n_eff - s.n_eff) < 1e-12);
    assert_true(s2.q05 == s.q05 && s2.q25 == s.q25 && s2.q50 == s.q50 && s2.q75 == s.q75 &&
                s2.q99 == s.q99 && s2.min == s.min && s2.max == s.max);
    /* equal weights: n_eff = n */
    const double e[3] = {2, 2, 2};
    assert_int_equal(iaf_weight_summarize(3, e, NULL, &s, &err), IAF_OK);
    assert_true(fabs(s.n_eff - 3) < 1e-12);
    const double bad[1] = {-1};
    assert_int_equal(iaf_weight_summarize(1, bad, NULL, &s, &err), IAF_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc_raking_matches_r),   cmocka_unit_test(test_crc_logit_matches_r),
        cmocka_unit_test(test_raking_equals_ipf),      cmocka_unit_test(test_unrepairable),
        cmocka_unit_test(test_nonconvergence_located), cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_weight_summary),         cmocka_unit_test(test_logit_near_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
