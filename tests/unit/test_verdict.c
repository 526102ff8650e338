/* Unit tests for src/audit/verdict.c: one crafted case per row of the
 * diagnosis table of METHOD.md section 4.2 (in its order: a case meeting
 * several rows must get the first), the flattening and marginal labels, and
 * the screen rule that compares the noise floor with the plug-in value. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/verdict.h"

/* A faithful joint check: PASS, retention [0.9, 1.1], footprint_dep [0, 0.2],
 * margins aligned. Each test changes what its row needs. */
static iaf_diag_facts faithful(void)
{
    iaf_diag_facts f = iaf_diag_facts_init(IAF_DIAG_JOINT);
    f.verdict = IAF_VERDICT_PASS;
    f.reference_dependent = 1;
    f.ret_lo = 0.9;
    f.ret_hi = 1.1;
    f.fpd_lo = 0;
    f.fpd_hi = 0.2;
    f.fpd_verdict = IAF_VERDICT_PASS;
    f.tvd_x_lo = 0.001;
    f.tvd_y_lo = 0.002;
    return f;
}

static void test_row1_no_dependence(void **state)
{
    (void)state;
    iaf_diag_facts f = faithful();
    f.reference_dependent = 0;
    f.ret_lo = f.ret_hi = f.fpd_lo = f.fpd_hi = NAN;
    assert_string_equal(iaf_diagnose(&f), "reference shows no dependence");
    /* before every other row, even a flag */
    f.verdict = IAF_VERDICT_FLAG;
    f.ret_lo = 0.1, f.ret_hi = 0.2;
    assert_string_equal(iaf_diagnose(&f), "reference shows no dependence");
    /* an undecided check carries no diagnosis */
    f.verdict = IAF_VERDICT_INCONCLUSIVE;
    assert_null(iaf_diagnose(&f));
}

static void test_row2_flattened(void **state)
{
    (void)state;
    iaf_diag_facts f = faithful();
    f.verdict = IAF_VERDICT_FLAG;
    f.ret_lo = 0.12, f.ret_hi = 0.24; /* MWEM+PGM SEX x EDU: retention 0.18 */
    f.fpd_lo = 1.2, f.fpd_hi = 1.6;   /* distorted too: flattened comes first */
    f.fpd_verdict = IAF_VERDICT_FLAG;
    assert_string_equal(iaf_diagnose(&f), "flattened");
    /* the whole interval must lie below 1 - tau_ret */
    f.ret_hi = 0.5;
    assert_string_equal(iaf_diagnose(&f), "distorted");
    f.tau_ret = 0.4;
    f.ret_hi = 0.59;
    assert_string_equal(iaf_diagnose(&f), "flattened");
    /* a PASS can be flattened too (the rows hold on intervals, not on the verdict) */
    f.verdict = IAF_VERDICT_PASS;
    assert_string_equal(iaf_diagnose(&f), "flattened");
    /* an INCONCLUSIVE one is not */
    f.verdict = IAF_VERDICT_INCONCLUSIVE;
    assert_null(iaf_diagnose(&f));
}

static void test_row3_exaggerated(void **state)
{
    (void)state;
    iaf_diag_facts f = faithful();
    f.verdict = IAF_VERDICT_FLAG;
    f.ret_lo = 1.6, f.ret_hi = 2.0;
    f.fpd_lo = 1.1, f.fpd_hi = 1.5;
    assert_string_equal(iaf_diagnose(&f), "exaggerated");
    f.ret_lo = 1.5; /* not wholly above 1.5 */
    assert_string_equal(iaf_diagnose(&f), "distorted");
}

static void test_row4_distorted(void **state)
{
    (void)state;
    iaf_diag_facts f = faithful();
    f.verdict = IAF_VERDICT_FLAG;
    f.ret_lo = 0.8, f.ret_hi = 1.2;
    f.fpd_lo = 1.05, f.fpd_hi = 1.4;
    f.fpd_verdict = IAF_VERDICT_FLAG;
    f.tvd_y_lo = 0.2; /* a marginal error as well: distorted comes first */
    assert_string_equal(iaf_diagnose(&f), "distorted");
    f.fpd_lo = 1.0; /* "wholly above 1" is strict */
    assert_string_equal(iaf_diagnose(&f), "mismatch");
}

static void test_row5_marginal_error(void **state)
{
    (void)state;
    /* k-anonymity SEX x EDU: footprint 2.15 of which 2.14 is the EDU margin,
     * retention 1.07: the joint is wrong because a margin is. */
    iaf_diag_facts f = faithful();
    f.verdict = IAF_VERDICT_FLAG;
    f.ret_lo = 0.95, f.ret_hi = 1.2;
    f.fpd_lo = 0, f.fpd_hi = 0.08;
    f.fpd_verdict = IAF_VERDICT_PASS;
    f.tvd_y_lo = 0.11;
    assert_string_equal(iaf_diagnose(&f), "marginal error");
    f.tvd_y_lo = 0.04, f.tvd_x_lo = 0.06;
    assert_string_equal(iaf_diagnose(&f), "marginal error");
    /* the margin's lower bound must clear the marginal threshold */
    f.tvd_x_lo = 0.05;
    assert_string_equal(iaf_diagnose(&f), "mismatch");
    /* and footprint_dep must pass (not merely be inconclusive) */
    f.tvd_x_lo = 0.3;
    f.fpd_verdict = IAF_VERDICT_INCONCLUSIVE;
    assert_string_equal(iaf_diagnose(&f), "mismatch");
}

static void test_row6_mismatch(void **state)
{
    (void)state;
    iaf_diag_facts f = faithful();
    f.verdict = IAF_VERDICT_FLAG;
    f.fpd_lo = 0.6, f.fpd_hi = 0.9;
    f.fpd_verdict = IAF_VERDICT_FLAG;
    assert_string_equal(iaf_diagnose(&f), "mismatch");
}

static void test_row7_within_tolerance(void **state)
{
    (void)state;
    /* PRAM: retention 0.74 [0.71, 0.76], a PASS that is not faithful */
    iaf_diag_facts f = faithful();
    f.ret_lo = 0.71, f.ret_hi = 0.76;
    assert_string_equal(iaf_diagnose(&f), "weakened within tolerance");
    f.ret_lo = 1.05, f.ret_hi = 1.3;
    assert_string_equal(iaf_diagnose(&f), "strengthened within tolerance");
    /* an INCONCLUSIVE check gets no within-tolerance label */
    f.verdict = IAF_VERDICT_INCONCLUSIVE;
    assert_null(iaf_diagnose(&f));
}

static void test_row8_faithful(void **state)
{
    (void)state;
    iaf_diag_facts f = faithful();
    assert_string_equal(iaf_diagnose(&f), "faithful");
    f.ret_hi = 1.0; /* an interval touching 1 does not exclude it */
    assert_string_equal(iaf_diagnose(&f), "faithful");
    /* an undefined retention interval cannot name a row */
    f.ret_lo = f.ret_hi = NAN;
    assert_string_equal(iaf_diagnose(&f), "faithful");
    f.verdict = IAF_VERDICT_NONE;
    assert_null(iaf_diagnose(&f));
}

static void test_undecidable_first(void **state)
{
    (void)state;
    iaf_diag_facts f = faithful();
    f.verdict = IAF_VERDICT_INCONCLUSIVE;
    f.ret_lo = 0.1, f.ret_hi = 0.2;
    f.undecidable = "insufficient support";
    assert_string_equal(iaf_diagnose(&f), "insufficient support");
}

static void test_marginal_and_flattening(void **state)
{
    (void)state;
    iaf_diag_facts m = iaf_diag_facts_init(IAF_DIAG_MARGINAL);
    m.verdict = IAF_VERDICT_PASS;
    assert_string_equal(iaf_diagnose(&m), "aligned");
    m.verdict = IAF_VERDICT_FLAG;
    assert_string_equal(iaf_diagnose(&m), "misaligned");
    m.verdict = IAF_VERDICT_INCONCLUSIVE;
    assert_null(iaf_diagnose(&m));

    iaf_diag_facts f = iaf_diag_facts_init(IAF_DIAG_FLATTENING);
    f.verdict = IAF_VERDICT_FLAG;
    f.flat_verdict = IAF_VERDICT_FLAG;
    assert_string_equal(iaf_diagnose(&f), "flattened");
    f.flat_verdict = IAF_VERDICT_PASS;
    f.exag_verdict = IAF_VERDICT_FLAG;
    assert_string_equal(iaf_diagnose(&f), "exaggerated");
    f.exag_verdict = IAF_VERDICT_PASS;
    assert_string_equal(iaf_diagnose(&f), "segregation lost");
    f.verdict = IAF_VERDICT_PASS;
    f.flat_lo = 0.27, f.flat_hi = 0.31;
    assert_string_equal(iaf_diagnose(&f), "flattened within tolerance");
    f.flat_lo = -0.3, f.flat_hi = -0.1;
    assert_string_equal(iaf_diagnose(&f), "segregation exaggerated within tolerance");
    f.flat_lo = -0.1, f.flat_hi = 0.1;
    f.ret_lo = 0.8, f.ret_hi = 0.9;
    assert_string_equal(iaf_diagnose(&f), "weakened within tolerance");
    f.ret_lo = 0.9, f.ret_hi = 1.1;
    assert_string_equal(iaf_diagnose(&f), "faithful");
}

/* A FLAG needs the plug-in value (not the bias-corrected headline) above the
 * noise floor. */
static void test_screen_plug_in_floor(void **state)
{
    (void)state;
    iaf_screen s = {"cond_tvd_y_given_x", 0.1, 1, 0.15, 0.12, 0.2, 0.16, 0.05, 0, ""};
    iaf_screen_decide(&s);
    assert_int_equal(s.verdict, IAF_VERDICT_FLAG);
    s.plug_in = 0.04; /* below the floor 0.05: not a flag */
    iaf_screen_decide(&s);
    assert_int_equal(s.verdict, IAF_VERDICT_INCONCLUSIVE);
    s.plug_in = NAN; /* no plug-in given: the estimate is used */
    iaf_screen_decide(&s);
    assert_int_equal(s.verdict, IAF_VERDICT_FLAG);
    s.lo = 0.01, s.hi = 0.09;
    iaf_screen_decide(&s);
    assert_int_equal(s.verdict, IAF_VERDICT_PASS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row1_no_dependence),
        cmocka_unit_test(test_row2_flattened),
        cmocka_unit_test(test_row3_exaggerated),
        cmocka_unit_test(test_row4_distorted),
        cmocka_unit_test(test_row5_marginal_error),
        cmocka_unit_test(test_row6_mismatch),
        cmocka_unit_test(test_row7_within_tolerance),
        cmocka_unit_test(test_row8_faithful),
        cmocka_unit_test(test_undecidable_first),
        cmocka_unit_test(test_marginal_and_flattening),
        cmocka_unit_test(test_screen_plug_in_floor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
