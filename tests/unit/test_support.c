/* Support figures, lump bounds and their verdict paths (src/audit/support.c;
 * METHOD.md sections 3.5, 3.6, 9), and agreement across variants and between
 * raw and standardised checks (src/audit/verdict.c). Expected values are
 * worked by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audit/support.h"

static iaf_table *table2(const char *a, const char *b, const char *const (*cells)[2],
                         const double *v, size_t n)
{
    const char *names[2] = {a, b};
    iaf_table *t = iaf_table_new(b ? 2 : 1, names, IAF_TABLE_COUNTS);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++) {
        iaf_sv l[2] = {{cells[i][0], strlen(cells[i][0])},
                       {cells[i][1] ? cells[i][1] : "", cells[i][1] ? strlen(cells[i][1]) : 0}};
        assert_int_equal(iaf_table_add(t, l, v[i], (int64_t)v[i], 0, NAN, IAF_CELL_OK, NULL),
                         IAF_OK);
    }
    assert_int_equal(iaf_table_finish(t, NULL), IAF_OK);
    return t;
}

/* Reference r: a:u 30, a:v 10, b:u 20, b:v 40 (r_a = 0.4, r_b = 0.6). Named
 * synthetic: a:u 20, b:u 30, b:v 10; lump (기타) a 20, b 10.
 * Row a: N = 40, a_y = (0.5 - 0.75, 0 - 0.25): P = 0, l = 0.5 -> [0, 0.5].
 * Row b: N = 50, a_y = (0.6 - 1/3, 0.2 - 2/3): P = 4/15, l = 0.2 -> [4/15, 7/15].
 * cond_tvd in [0.6 * 4/15, 0.4 * 0.5 + 0.6 * 7/15] = [0.16, 0.48];
 * dep_tvd(r) = 0.2, so footprint in [0.8, 2.4]; lump share 30 / 90. */
static void joint_bounds(void **state)
{
    (void)state;
    static const char *const rc[][2] = {{"a", "u"}, {"a", "v"}, {"b", "u"}, {"b", "v"}};
    static const double rv[] = {30, 10, 20, 40};
    static const char *const sc[][2] = {{"a", "u"}, {"b", "u"}, {"b", "v"}};
    static const double sv[] = {20, 30, 10};
    static const char *const lc[][2] = {{"a", "기타"}, {"b", "기타"}, {"b", "u"}};
    static const double lv[] = {20, 10, 30};
    iaf_table *R = table2("x", "y", rc, rv, 4), *S = table2("x", "y", sc, sv, 3);
    iaf_table *L = table2("x", "lump:y", lc, lv, 3);
    iaf_compare_input in = {S, R, "x", "y", 60, INFINITY, NULL, NULL};
    iaf_comparison *c = NULL;
    assert_int_equal(iaf_compare_tables(&in, &c, NULL), IAF_OK);
    const char *labels[] = {"기타"};
    iaf_lump_bounds b;
    assert_int_equal(iaf_lump_compare(c, L, labels, 1, &b, NULL), IAF_OK);
    assert_true(b.present && b.has_cond);
    assert_true(fabs(b.cond_lo - 0.16) < 1e-15);
    assert_true(fabs(b.cond_hi - 0.48) < 1e-15);
    assert_true(fabs(b.footprint_lo - 0.8) < 1e-14);
    assert_true(fabs(b.footprint_hi - 2.4) < 1e-14);
    assert_true(fabs(b.lump_share - 1.0 / 3) < 1e-15);
    assert_true(b.unreached_ref == 0);
    iaf_support s;
    iaf_support_compare(c, 100, &b, 0.5, &s);
    assert_true(s.support_ref == 1 && !s.insufficient);
    assert_true(fabs(s.support_syn - 0.9) < 1e-15); /* (60 + 30) / 100 */

    /* Verdict path: bounds [0.16, 0.48] straddle 0.10..: a cond_tvd screen at
     * 0.10 cannot PASS (upper above) but FLAGs once the lower bound clears it */
    iaf_check_verdict v;
    memset(&v, 0, sizeof v);
    v.nscreens = 1;
    v.screens[0] = (iaf_screen){"cond_tvd_y_given_x", 0.10, 1, 0.30, 0.28, 0.32, NAN, 0.01, 0, ""};
    iaf_screen_decide(&v.screens[0]);
    iaf_verdict_combine(&v);
    iaf_verdict_partial(&v, &b, 0);
    assert_int_equal(v.verdict, IAF_VERDICT_FLAG); /* 0.16 - 0.02 > 0.10 */
    assert_true(fabs(v.screens[0].lo - 0.14) < 1e-15 && fabs(v.screens[0].hi - 0.50) < 1e-15);
    v.screens[0] = (iaf_screen){"cond_tvd_y_given_x", 0.20, 1, 0.30, 0.28, 0.32, NAN, 0.01, 0, ""};
    iaf_verdict_partial(&v, &b, 0);
    assert_int_equal(v.verdict, IAF_VERDICT_INCONCLUSIVE);
    assert_string_equal(v.diagnosis, "partially identified: the lump holds 33.3% of the mass");
    v.screens[0] = (iaf_screen){"cond_tvd_y_given_x", 0.60, 1, 0.30, 0.28, 0.32, NAN, 0.01, 0, ""};
    iaf_verdict_partial(&v, &b, 0);
    assert_int_equal(v.verdict, IAF_VERDICT_PASS); /* 0.48 + 0.02 <= 0.60 */
    /* a screen without bounds cannot decide */
    v.nscreens = 2;
    v.screens[1] = (iaf_screen){"retention", 0.5, 0, 0.9, 0.8, 1.0, NAN, NAN, 0, ""};
    v.screens[0] = (iaf_screen){"cond_tvd_y_given_x", 0.60, 1, 0.30, 0.28, 0.32, NAN, 0.01, 0, ""};
    iaf_verdict_partial(&v, &b, 0);
    assert_int_equal(v.verdict, IAF_VERDICT_INCONCLUSIVE);
    /* support gate: below min_support nothing decides */
    s.insufficient = 1;
    snprintf(s.reason, sizeof s.reason, "insufficient support (40.0%% of the reference)");
    v.verdict = IAF_VERDICT_FLAG;
    iaf_verdict_support(&v, &s);
    assert_int_equal(v.verdict, IAF_VERDICT_INCONCLUSIVE);
    assert_string_equal(v.diagnosis, "insufficient support (40.0% of the reference)");
    iaf_comparison_free(c);
    iaf_table_free(R), iaf_table_free(S), iaf_table_free(L);
}

/* A row the synthetic side never reaches (neither named nor lump mass) is
 * outside the support: r_c = 0.5 here, so support_ref = 0.5 and
 * reference_share_unreached = 0.5; min_support 0.6 makes it insufficient. */
/* The same tables with the lumped attribute's category totals (lump_totals):
 * T_u = 55, T_v = 35, so the lump (30) holds at most U_u = 55 - 50 = 5 of u and
 * U_v = 35 - 10 = 25 of v, in any row.
 * Row a (N 40, lump 20, a_y = (-0.25, -0.25), P = 0): at most 5 of its lump in
 * u, so 15..20 in v: TVD from 0.125 (5 in u) to 0.25 (0 in u).
 * Row b (N 50, lump 10, a_y = (4/15, -7/15)): 0..5 in u: 4/15 .. 4/15 + 0.1.
 * cond_tvd in [0.4 * 0.125 + 0.6 * 4/15, 0.4 * 0.25 + 0.6 * 11/30] = [0.21, 0.32]
 * (sharp here: with both rows sharing U_u = 5 the exact range is the same),
 * footprint [1.05, 1.6]; without totals [0.16, 0.48]. */
static void joint_bounds_totals(void **state)
{
    (void)state;
    static const char *const rc[][2] = {{"a", "u"}, {"a", "v"}, {"b", "u"}, {"b", "v"}};
    static const double rv[] = {30, 10, 20, 40};
    static const char *const sc[][2] = {{"a", "u"}, {"b", "u"}, {"b", "v"}};
    static const double sv[] = {20, 30, 10};
    static const char *const lc[][2] = {{"a", "기타"}, {"b", "기타"}, {"b", "u"}};
    static const double lv[] = {20, 10, 30};
    static const char *const tc[][2] = {{"u", NULL}, {"v", NULL}};
    static const double tv[] = {55, 35};
    iaf_table *R = table2("x", "y", rc, rv, 4), *S = table2("x", "y", sc, sv, 3);
    iaf_table *L = table2("x", "lump:y", lc, lv, 3), *T = table2("y", NULL, tc, tv, 2);
    iaf_compare_input in = {S, R, "x", "y", 60, INFINITY, NULL, NULL};
    iaf_comparison *c = NULL;
    assert_int_equal(iaf_compare_tables(&in, &c, NULL), IAF_OK);
    const char *labels[] = {"기타"};
    iaf_lump_bounds b;
    assert_int_equal(iaf_lump_compare_totals(c, L, labels, 1, T, &b, NULL), IAF_OK);
    assert_true(b.present && b.has_cond && b.has_totals);
    assert_true(fabs(b.cond_lo - 0.21) < 1e-15);
    assert_true(fabs(b.cond_hi - 0.32) < 1e-15);
    assert_true(fabs(b.footprint_lo - 1.05) < 1e-14);
    assert_true(fabs(b.footprint_hi - 1.6) < 1e-14);
    iaf_lump_bounds_clear(&b);
    /* totals that cannot hold the lump (U_u + U_v = 0 + 5 < 30): ignored */
    static const double tbad[] = {50, 15};
    iaf_table *T2 = table2("y", NULL, tc, tbad, 2);
    assert_int_equal(iaf_lump_compare_totals(c, L, labels, 1, T2, &b, NULL), IAF_OK);
    assert_true(!b.has_totals);
    assert_true(fabs(b.cond_lo - 0.16) < 1e-15 && fabs(b.cond_hi - 0.48) < 1e-15);
    iaf_lump_bounds_clear(&b);
    iaf_comparison_free(c);
    iaf_table_free(R), iaf_table_free(S), iaf_table_free(L), iaf_table_free(T);
    iaf_table_free(T2);
}

static void unreached_row(void **state)
{
    (void)state;
    static const char *const rc[][2] = {{"a", "u"}, {"a", "v"}, {"c", "u"}, {"c", "v"}};
    static const double rv[] = {25, 25, 10, 40};
    static const char *const sc[][2] = {{"a", "u"}};
    static const double sv[] = {10};
    static const char *const lc[][2] = {{"a", "기타"}};
    static const double lv[] = {10};
    iaf_table *R = table2("x", "y", rc, rv, 4), *S = table2("x", "y", sc, sv, 1);
    iaf_table *L = table2("x", "lump:y", lc, lv, 1);
    iaf_compare_input in = {S, R, "x", "y", 10, INFINITY, NULL, NULL};
    iaf_comparison *c = NULL;
    assert_int_equal(iaf_compare_tables(&in, &c, NULL), IAF_OK);
    const char *labels[] = {"기타"};
    iaf_lump_bounds b;
    assert_int_equal(iaf_lump_compare(c, L, labels, 1, &b, NULL), IAF_OK);
    /* row a: N = 20, a_y = (0.5 - 0.5, 0 - 0.5): P = 0, l = 0.5 -> [0, 0.5] * r_a 0.5 */
    assert_true(b.cond_lo == 0 && fabs(b.cond_hi - 0.25) < 1e-15);
    assert_true(fabs(b.unreached_ref - 0.5) < 1e-15);
    iaf_support s;
    iaf_support_compare(c, 20, &b, 0.6, &s);
    assert_true(fabs(s.support_ref - 0.5) < 1e-15 && s.insufficient);
    assert_string_equal(s.reason, "insufficient support (50.0% of the reference)");
    iaf_comparison_free(c);
    iaf_table_free(R), iaf_table_free(S), iaf_table_free(L);
}

/* One-dimensional (marginal) check with a lump: s_named = (30, 10) of N = 60
 * (lump 20) against r = (0.25, 0.75): a = (0.25, -7/12), TVD in [0.25, 0.25 +
 * 1/3]. */
static void marginal_bounds(void **state)
{
    (void)state;
    static const char *const rc[][2] = {{"p", NULL}, {"q", NULL}};
    static const double rv[] = {25, 75};
    static const char *const sc[][2] = {{"p", NULL}, {"q", NULL}};
    static const double sv[] = {30, 10};
    static const char *const lc[][2] = {{"p", NULL}, {"q", NULL}, {"other", NULL}};
    static const double lv[] = {30, 10, 20};
    iaf_table *R = table2("x", NULL, rc, rv, 2), *S = table2("x", NULL, sc, sv, 2);
    iaf_table *L = table2("lump:x", NULL, lc, lv, 3);
    iaf_compare_input in = {S, R, "x", NULL, 40, INFINITY, NULL, NULL};
    iaf_comparison *c = NULL;
    assert_int_equal(iaf_compare_tables(&in, &c, NULL), IAF_OK);
    const char *labels[] = {"other"};
    iaf_lump_bounds b;
    assert_int_equal(iaf_lump_compare(c, L, labels, 1, &b, NULL), IAF_OK);
    assert_true(fabs(b.cond_lo - 0.25) < 1e-15 && fabs(b.cond_hi - (0.25 + 1.0 / 3)) < 1e-15);
    assert_true(fabs(b.lump_share - 1.0 / 3) < 1e-15);
    iaf_comparison_free(c);
    iaf_table_free(R), iaf_table_free(S), iaf_table_free(L);
}

static void lump_names(void **state)
{
    (void)state;
    assert_true(iaf_lump_like("기타", strlen("기타")));
    assert_true(iaf_lump_like(" Other ", 7));
    assert_true(iaf_lump_like("그 외", strlen("그 외")));
    assert_true(iaf_lump_like("REST", 4));
    assert_false(
        iaf_lump_like("그 외 일반 영업원", strlen("그 외 일반 영업원"))); /* a real title */
    assert_false(iaf_lump_like("others-only", 11));
}

static void agreement(void **state)
{
    (void)state;
    iaf_verdict f2[2] = {IAF_VERDICT_FLAG, IAF_VERDICT_FLAG};
    const char *same[2] = {"flattened", "flattened"}, *diff[2] = {"flattened", "distorted"};
    assert_string_equal(iaf_variant_agreement_diag(f2, same, 2), "strict");
    /* retention 0.97 vs 1.66: the same FLAG with different diagnoses */
    assert_string_equal(iaf_variant_agreement_diag(f2, diff, 2), "mapping-dependent");
    iaf_verdict p2[2] = {IAF_VERDICT_PASS, IAF_VERDICT_PASS};
    const char *pd[2] = {"faithful", "weakened within tolerance"};
    assert_string_equal(iaf_variant_agreement_diag(p2, pd, 2), "mapping-dependent");
    const char *pf[2] = {"faithful", "faithful"};
    assert_string_equal(iaf_variant_agreement_diag(p2, pf, 2), "consistent");
    iaf_verdict i2[2] = {IAF_VERDICT_INCONCLUSIVE, IAF_VERDICT_INCONCLUSIVE};
    const char *is[2] = {"insufficient support (24.1% of the reference)",
                         "insufficient support (25.3% of the reference)"};
    assert_string_equal(iaf_variant_agreement_diag(i2, is, 2), "consistent");
    assert_string_equal(
        iaf_age_agreement(IAF_VERDICT_PASS, "faithful", IAF_VERDICT_PASS, "faithful"),
        "age-robust");
    assert_string_equal(
        iaf_age_agreement(IAF_VERDICT_FLAG, "flattened", IAF_VERDICT_FLAG, "mismatch"),
        "age-sensitive");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(joint_bounds),  cmocka_unit_test(joint_bounds_totals),
        cmocka_unit_test(unreached_row), cmocka_unit_test(marginal_bounds),
        cmocka_unit_test(lump_names),    cmocka_unit_test(agreement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
