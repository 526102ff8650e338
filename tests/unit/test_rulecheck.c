/* Age profiles of rule checks (src/audit/rulecheck.c, METHOD.md section 6):
 * the TVD to an institutional profile given as a point or as per-category
 * bounds, its simultaneous interval and its screen. Expected values come from
 * tests/oracles/profile_bounds.py (a scipy linear programme and numpy), stored
 * in tests/data/rulecheck/profile_bounds.csv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/rulecheck.h"

static double oracle(const char *kase, const char *quantity)
{
    FILE *f = fopen(IAF_TESTDATA "/rulecheck/profile_bounds.csv", "r");
    assert_non_null(f);
    char line[256], c[64], q[64];
    double v = NAN, x;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%63[^,],%63[^,],%lf", c, q, &x) == 3 && !strcmp(c, kase) &&
            !strcmp(q, quantity))
            v = x;
    fclose(f);
    assert_false(isnan(v));
    return v;
}

/* status x age: the status "x" over the given bands, plus a row of status "y"
 * that the profile must ignore */
static iaf_table *profile_table(const char *const *bands, const double *mass, size_t n)
{
    const char *names[2] = {"status", "age"};
    iaf_table *t = iaf_table_new(2, names, IAF_TABLE_COUNTS);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++) {
        iaf_sv l[2] = {{"x", 1}, {bands[i], strlen(bands[i])}};
        assert_int_equal(iaf_table_add(t, l, mass[i], (int64_t)mass[i], 0, NAN, IAF_CELL_OK, NULL),
                         IAF_OK);
    }
    iaf_sv l[2] = {{"y", 1}, {bands[0], strlen(bands[0])}};
    assert_int_equal(iaf_table_add(t, l, 1000, 1000, 0, NAN, IAF_CELL_OK, NULL), IAF_OK);
    assert_int_equal(iaf_table_finish(t, NULL), IAF_OK);
    return t;
}

static iaf_expr *status_x(void)
{
    iaf_expr *e = NULL;
    assert_int_equal(iaf_expr_parse("status == \"x\"", "test", &e, NULL), IAF_OK);
    return e;
}

static const char *const bands4[] = {"a1", "a2", "a3", "a4"};
static const double mass4[] = {10, 30, 40, 20};

static iaf_verdict run(const double *lo, const double *hi, double max_tvd, iaf_rule_result *r)
{
    iaf_table *t = profile_table(bands4, mass4, 4);
    iaf_expr *e = status_x();
    iaf_status st =
        iaf_profile_eval(t, e, "age", bands4, 4, bands4, lo, hi, 4, 0.1, max_tvd, r, NULL);
    assert_int_equal(st, IAF_OK);
    iaf_expr_free(e);
    iaf_table_free(t);
    return r->verdict;
}

/* Bounds: a1 in [0.5, 1], a2 [0, 0.5], a3 [0, 0.2], a4 [0, 0.1] against
 * (0.1, 0.3, 0.4, 0.2): deficit 0.4, excess 0.3, nearest TVD 0.4. */
static const double blo[] = {0.5, 0, 0, 0}, bhi[] = {1, 0.5, 0.2, 0.1};

static void bounds_tvd_and_screen(void **state)
{
    (void)state;
    iaf_rule_result r;
    double h = oracle("bounds", "halfwidth");
    assert_int_equal(run(blo, bhi, 0.1, &r), IAF_VERDICT_FLAG);
    assert_true(r.profile_bounds);
    assert_true(fabs(r.profile_tvd - oracle("bounds", "tvd")) < 1e-9);
    assert_true(fabs(r.profile_tvd_lo - (r.profile_tvd - h)) < 1e-12);
    assert_true(fabs(r.profile_tvd_hi - (r.profile_tvd + h)) < 1e-12);
    assert_true(isnan(r.profile_expected[0]));
    assert_true(r.profile_expected_lo[0] == 0.5 && r.profile_expected_hi[3] == 0.1);
    assert_non_null(strstr(r.reason, "TVD to the nearest institutional profile"));
    iaf_rule_result_free(&r);
    /* the interval [0.232, 0.568] straddles 0.3 */
    assert_int_equal(run(blo, bhi, 0.3, &r), IAF_VERDICT_INCONCLUSIVE);
    assert_non_null(strstr(r.reason, "straddles the threshold"));
    iaf_rule_result_free(&r);
    /* and lies below 0.6 */
    assert_int_equal(run(blo, bhi, 0.6, &r), IAF_VERDICT_PASS);
    iaf_rule_result_free(&r);
    /* without a threshold the TVD is reported, not screened (the window alone decides) */
    assert_int_equal(run(blo, bhi, NAN, &r), IAF_VERDICT_PASS);
    assert_null(strstr(r.reason, "TVD"));
    assert_true(fabs(r.profile_tvd - 0.4) < 1e-12);
    iaf_rule_result_free(&r);
}

/* A point profile is normalised and gives the ordinary TVD. */
static void point_profile(void **state)
{
    (void)state;
    static const double one[] = {1, 1, 1, 1};
    iaf_rule_result r;
    assert_int_equal(run(one, one, 0.5, &r), IAF_VERDICT_PASS);
    assert_false(r.profile_bounds);
    assert_true(fabs(r.profile_tvd - oracle("point", "tvd")) < 1e-9);
    assert_true(r.profile_expected[2] == 0.25);
    iaf_rule_result_free(&r);
}

/* Bounds no profile can meet are an error, not a number. */
static void infeasible_bounds(void **state)
{
    (void)state;
    static const double lo[] = {0.6, 0.6, 0, 0}, hi[] = {1, 1, 1, 1};
    iaf_table *t = profile_table(bands4, mass4, 4);
    iaf_expr *e = status_x();
    iaf_rule_result r;
    iaf_error err = {0};
    assert_int_equal(iaf_profile_eval(t, e, "age", bands4, 4, bands4, lo, hi, 4, 0, 0.1, &r, &err),
                     IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "no age profile fits"));
    iaf_rule_result_free(&r);
    iaf_expr_free(e);
    iaf_table_free(t);
}

/* NPK's active duty (현역) by age band against the audit's institutional bounds. */
static void npk_active_duty(void **state)
{
    (void)state;
    static const char *const b[] = {"19-24", "25-34", "35-44", "45-54",
                                    "55-64", "65-74", "75-84", "85+"};
    static const double m[] = {550, 1372, 1394, 1315, 651, 0, 0, 0};
    static const double lo[] = {0.449, 0, 0, 0, 0, 0, 0, 0};
    static const double hi[] = {1, 0.551, 0.401, 0.401, 0.02, 0, 0, 0};
    iaf_table *t = profile_table(b, m, 8);
    iaf_expr *e = status_x();
    iaf_rule_result r;
    assert_int_equal(iaf_profile_eval(t, e, "age", b, 4, b, lo, hi, 8, 0.02, 0.05, &r, NULL),
                     IAF_OK);
    assert_int_equal(r.verdict, IAF_VERDICT_FLAG);
    assert_true(fabs(r.profile_tvd - oracle("npk", "tvd")) < 1e-9);
    assert_true(fabs(r.profile_tvd_hi - r.profile_tvd - oracle("npk", "halfwidth")) < 1e-12);
    assert_true(fabs(r.outside - 651.0 / 5282) < 1e-15);
    iaf_rule_result_free(&r);
    iaf_expr_free(e);
    iaf_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bounds_tvd_and_screen),
        cmocka_unit_test(point_profile),
        cmocka_unit_test(infeasible_bounds),
        cmocka_unit_test(npk_active_duty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
