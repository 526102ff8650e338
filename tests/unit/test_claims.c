/* Claims (src/audit/claims.c): each rule's answer from check verdicts, the
 * combination over a claim's checks (require all / any) and the reason text.
 * The expected answers follow the rules stated in claims.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "audit/claims.h"

static char *ids2[] = {"a", "b"};

static iaf_spec_claim claim(iaf_claim_expect e, const char *diag, int any, size_t n)
{
    iaf_spec_claim c = {0};
    c.id = "c";
    c.claim = "a claim";
    c.checks = ids2;
    c.nchecks = n;
    c.expect = e;
    c.diagnosis = (char *)diag;
    c.require_any = any;
    return c;
}

static iaf_claim_check check(const char *id, iaf_verdict v, const char *diag, const char *reason)
{
    iaf_claim_check k = {0};
    k.id = id;
    k.verdict = v;
    k.diagnosis = diag;
    k.reason = reason;
    k.nvariants = 1;
    k.variants[0].verdict = v;
    k.variants[0].std_verdict = IAF_VERDICT_NONE;
    return k;
}

static void names(void **state)
{
    (void)state;
    iaf_claim_expect e;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(iaf_claim_expect_parse(iaf_claim_expect_name((iaf_claim_expect)i), &e), 0);
        assert_int_equal(e, i);
    }
    assert_int_equal(iaf_claim_expect_parse("flags", &e), -1);
    assert_int_equal(iaf_claim_expect_parse(NULL, &e), -1);
    assert_string_equal(iaf_claim_outcome_name(IAF_CLAIM_UNDECIDABLE), "undecidable on these data");
    assert_null(iaf_claim_outcome_name((iaf_claim_outcome)3));
}

/* expect flag with a diagnosis: one check. */
static void flag_rule(void **state)
{
    (void)state;
    iaf_spec_claim c = claim(IAF_CLAIM_EXPECT_FLAG, "flattened", 0, 1);
    iaf_claim_result r;
    iaf_claim_check k = check("a", IAF_VERDICT_FLAG, "flattened", NULL);
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONFIRMED);
    assert_string_equal(r.reason, "a FLAG (flattened)");
    k = check("a", IAF_VERDICT_FLAG, "distorted", NULL);
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONTRADICTED);
    assert_string_equal(r.reason, "a FLAG (distorted), not flattened");
    k = check("a", IAF_VERDICT_PASS, "faithful", NULL);
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONTRADICTED);
    k = check("a", IAF_VERDICT_INCONCLUSIVE, "insufficient support (1 of 3 dominated)", NULL);
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_UNDECIDABLE);
    assert_string_equal(r.reason, "a INCONCLUSIVE (insufficient support (1 of 3 dominated))");
    /* the reason of an INCONCLUSIVE without a diagnosis is the check's reason */
    k = check("a", IAF_VERDICT_INCONCLUSIVE, NULL, "interval straddles 0.1");
    iaf_claim_decide(&c, &k, &r);
    assert_string_equal(r.reason, "a INCONCLUSIVE (interval straddles 0.1)");
    k = check("a", IAF_VERDICT_NONE, NULL, NULL);
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_UNDECIDABLE);
    assert_string_equal(r.reason, "a no verdict");
}

/* require all / any over two checks, and which checks the reason names. */
static void combination(void **state)
{
    (void)state;
    iaf_claim_result r;
    iaf_spec_claim all = claim(IAF_CLAIM_EXPECT_PASS, NULL, 0, 2);
    iaf_spec_claim any = claim(IAF_CLAIM_EXPECT_PASS, NULL, 1, 2);
    iaf_claim_check k[2] = {check("a", IAF_VERDICT_PASS, NULL, NULL),
                            check("b", IAF_VERDICT_INCONCLUSIVE, NULL, "r")};
    iaf_claim_decide(&all, k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_UNDECIDABLE);
    assert_string_equal(r.reason, "b INCONCLUSIVE (r)");
    iaf_claim_decide(&any, k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONFIRMED);
    assert_string_equal(r.reason, "a PASS");
    k[1] = check("b", IAF_VERDICT_FLAG, "mismatch", NULL);
    iaf_claim_decide(&all, k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONTRADICTED);
    assert_string_equal(r.reason, "b FLAG (mismatch)");
    iaf_claim_decide(&any, k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONFIRMED);
    k[0] = check("a", IAF_VERDICT_FLAG, NULL, NULL);
    iaf_claim_decide(&any, k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONTRADICTED);
    assert_string_equal(r.reason, "a FLAG; b FLAG (mismatch)");
    k[1] = check("b", IAF_VERDICT_PASS, NULL, NULL);
    k[0] = check("a", IAF_VERDICT_PASS, "aligned", NULL);
    iaf_claim_decide(&all, k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONFIRMED);
    assert_string_equal(r.reason, "a PASS (aligned); b PASS");
}

static void mapping_rule(void **state)
{
    (void)state;
    iaf_spec_claim c = claim(IAF_CLAIM_EXPECT_MAPPING_DEPENDENT, NULL, 0, 1);
    iaf_claim_result r;
    iaf_claim_check k = check("a", IAF_VERDICT_FLAG, "flattened", NULL);
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_UNDECIDABLE);
    assert_string_equal(r.reason, "a has one mapping only");
    /* two variants, neither decides */
    k = check("a", IAF_VERDICT_INCONCLUSIVE, "insufficient support", NULL);
    k.nvariants = 2;
    k.mapping = "consistent";
    k.variants[1].verdict = IAF_VERDICT_INCONCLUSIVE;
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_UNDECIDABLE);
    assert_non_null(strstr(r.reason, "no mapping decides"));
    /* one flags, the other does not: mapping-dependent */
    k.variants[0].verdict = IAF_VERDICT_FLAG;
    k.mapping = "mapping-dependent";
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONFIRMED);
    assert_string_equal(r.reason, "a: mapping-dependent, 1 of 2 mappings decide");
    /* both flag alike: strict, the claim is contradicted */
    k.variants[1].verdict = IAF_VERDICT_FLAG;
    k.verdict = IAF_VERDICT_FLAG;
    k.diagnosis = "flattened";
    k.mapping = "strict";
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONTRADICTED);
    assert_string_equal(r.reason, "a: strict across 2 mappings, FLAG (flattened)");
}

static void age_rule(void **state)
{
    (void)state;
    iaf_spec_claim c = claim(IAF_CLAIM_EXPECT_AGE_ROBUST, NULL, 0, 1);
    iaf_claim_result r;
    iaf_claim_check k = check("a", IAF_VERDICT_FLAG, "flattened", NULL);
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_UNDECIDABLE);
    assert_string_equal(r.reason, "a: the check is not standardised by age");
    k.variants[0].std_note = "standardisation impossible: no age in the reference";
    iaf_claim_decide(&c, &k, &r);
    assert_string_equal(r.reason, "a: standardisation impossible: no age in the reference");
    k.variants[0].std_note = NULL;
    k.variants[0].std_verdict = IAF_VERDICT_FLAG;
    k.variants[0].age_agreement = "age-robust";
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONFIRMED);
    /* robust, but both sides undecided: not a confirmation */
    k.variants[0].verdict = k.variants[0].std_verdict = IAF_VERDICT_INCONCLUSIVE;
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_UNDECIDABLE);
    /* sensitive with both sides decided contradicts; with one undecided it cannot */
    k.variants[0].verdict = IAF_VERDICT_FLAG;
    k.variants[0].std_verdict = IAF_VERDICT_PASS;
    k.variants[0].age_agreement = "age-sensitive";
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONTRADICTED);
    k.variants[0].std_verdict = IAF_VERDICT_INCONCLUSIVE;
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_UNDECIDABLE);
    /* every variant must be robust */
    k.nvariants = 2;
    k.variants[0].std_verdict = IAF_VERDICT_FLAG;
    k.variants[0].age_agreement = "age-robust";
    k.variants[1].verdict = IAF_VERDICT_FLAG;
    k.variants[1].std_verdict = IAF_VERDICT_PASS;
    k.variants[1].age_agreement = "age-sensitive";
    iaf_claim_decide(&c, &k, &r);
    assert_int_equal(r.outcome, IAF_CLAIM_CONTRADICTED);
}

/* A reason longer than its buffer ends in "..." and stays terminated. */
static void long_reason(void **state)
{
    (void)state;
    char big[900];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    iaf_spec_claim c = claim(IAF_CLAIM_EXPECT_FLAG, NULL, 0, 2);
    iaf_claim_check k[2] = {check("a", IAF_VERDICT_INCONCLUSIVE, NULL, big),
                            check("b", IAF_VERDICT_INCONCLUSIVE, NULL, big)};
    iaf_claim_result r;
    iaf_claim_decide(&c, k, &r);
    size_t n = strlen(r.reason);
    assert_true(n == sizeof r.reason - 1);
    assert_string_equal(r.reason + n - 3, "...");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),        cmocka_unit_test(flag_rule), cmocka_unit_test(combination),
        cmocka_unit_test(mapping_rule), cmocka_unit_test(age_rule),  cmocka_unit_test(long_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
