/* Unit tests of the table of check kinds (audit/kinds.c): one line per
 * iaf_check_kind, in enum order, each with every operation; every kind the
 * spec loader accepts loads from a spec that uses it (and only such kinds);
 * a kind's keys are refused on checks of other kinds; its default
 * thresholds are the ones METHOD.md section 9 gives and a spec may set
 * each of them; every kind's report.json members of a variant are a
 * well-formed run of members holding "age_agreement" once. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "audit/kinds.h"
#include "audit/spec.h"

/* One check of each kind, on a dataset and references that are never opened. */
static const char *const check_of_kind[IAF_CHECK_NKINDS] = {
    [IAF_CHECK_MARGINAL] = "    attributes: [sex]\n"
                           "    reference: r\n",
    [IAF_CHECK_JOINT] = "    attributes: [sex, occupation]\n"
                        "    reference: r\n"
                        "    standardize: {by: age}\n",
    [IAF_CHECK_FLATTENING] = "    attributes: [sex, occupation]\n"
                             "    reference: r\n"
                             "    focal: F\n",
    [IAF_CHECK_RULE] = "    rule: 'occupation == \"mgr\" => age != \"19-29\"'\n"
                       "    citation: a made-up rule\n",
    [IAF_CHECK_CONDIND] = "    independent: [sex, occupation]\n"
                          "    given: [age]\n",
};

/* A spec with one check of kind `kind` whose keys are `body`. */
static iaf_status load(const char *kind, const char *body, iaf_spec **s, iaf_error *err)
{
    char text[2048];
    snprintf(text, sizeof text,
             "iaf: 1\n"
             "name: kinds\n"
             "dataset: {title: personas, microdata: [p.csv]}\n"
             "references:\n"
             "  - {id: r, file: r.csv, full_count: true}\n"
             "checks:\n"
             "  - id: c\n"
             "    kind: %s\n"
             "%s",
             kind, body);
    *s = NULL;
    iaf_error_clear(err);
    return iaf_spec_load_memory(text, strlen(text), "k.yaml", NULL, s, err);
}

static void test_table(void **state)
{
    (void)state;
    size_t n = 0;
    const iaf_check_ops *t = iaf_check_ops_table(&n);
    assert_int_equal(n, IAF_CHECK_NKINDS);
    for (size_t i = 0; i < n; i++) {
        /* the enum and the table have the same entries, in the same order */
        assert_int_equal(t[i].kind, (iaf_check_kind)i);
        assert_ptr_equal(iaf_check_ops_of((iaf_check_kind)i), &t[i]);
        assert_non_null(t[i].name);
        assert_string_equal(iaf_check_kind_name((iaf_check_kind)i), t[i].name);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(t[i].name, t[j].name);
        assert_non_null(t[i].keys);
        assert_non_null(t[i].defaults);
        assert_non_null(t[i].parse);
        assert_non_null(t[i].columns);
        assert_non_null(t[i].run);
        assert_non_null(t[i].label);
        assert_non_null(t[i].json_check);
        assert_non_null(t[i].json_variant);
        assert_true(t[i].sides == IAF_SIDES_COMPARED || t[i].sides == IAF_SIDES_SYNTHETIC ||
                    t[i].sides == IAF_SIDES_VARIABLES);
    }
    assert_null(iaf_check_ops_of((iaf_check_kind)IAF_CHECK_NKINDS));
    assert_string_equal(iaf_check_kind_name((iaf_check_kind)IAF_CHECK_NKINDS), "unknown");
}

/* Every kind of the table loads, with its operations' results in the check; a name
 * that is not in the table is refused with the table's names. */
static void test_loader_accepts_the_table(void **state)
{
    (void)state;
    iaf_error err;
    for (int i = 0; i < IAF_CHECK_NKINDS; i++) {
        const iaf_check_ops *o = iaf_check_ops_of((iaf_check_kind)i);
        iaf_spec *s = NULL;
        iaf_status st = load(o->name, check_of_kind[i], &s, &err);
        if (st != IAF_OK) fail_msg("kind %s: %s", o->name, err.message);
        assert_int_equal(s->nchecks, 1);
        assert_int_equal(s->checks[0].kind, (iaf_check_kind)i);
        assert_int_equal(s->checks[0].nvariants, 1);
        /* the columns its synthetic side is counted over: at least one, all named */
        const char *cols[16] = {0};
        size_t nc = o->columns(&s->checks[0], &s->checks[0].variants[0], cols);
        assert_true(nc >= 1 && nc <= 16);
        for (size_t c = 0; c < nc; c++)
            assert_non_null(cols[c]);
        iaf_buf lab = {0};
        o->label(&s->checks[0], &lab);
        assert_true(lab.len > 0);
        iaf_buf_free(&lab);
        iaf_spec_free(s);
    }
    iaf_spec *s = NULL;
    assert_int_not_equal(load("marginals", check_of_kind[0], &s, &err), IAF_OK);
    assert_null(s);
    assert_non_null(strstr(err.message, "kind must be "));
    assert_non_null(strstr(err.message, "(got 'marginals')"));
    for (int i = 0; i < IAF_CHECK_NKINDS; i++)
        assert_non_null(strstr(err.message, iaf_check_kind_name((iaf_check_kind)i)));
    assert_int_equal(err.line, 8);
}

/* Each kind's own keys are refused on a check of any kind that does not take them. */
static void test_keys_of_other_kinds(void **state)
{
    (void)state;
    iaf_error err;
    for (int i = 0; i < IAF_CHECK_NKINDS; i++) {
        const iaf_check_ops *o = iaf_check_ops_of((iaf_check_kind)i);
        for (int j = 0; j < IAF_CHECK_NKINDS; j++) {
            const iaf_check_ops *other = iaf_check_ops_of((iaf_check_kind)j);
            for (const char *const *q = other->keys; *q; q++) {
                int shared = 0;
                for (const char *const *p = o->keys; *p; p++)
                    shared |= !strcmp(*p, *q);
                if (shared) continue;
                char body[1024];
                snprintf(body, sizeof body, "%s    %s: x\n", check_of_kind[i], *q);
                iaf_spec *s = NULL;
                if (load(o->name, body, &s, &err) == IAF_OK)
                    fail_msg("a %s check took '%s'", o->name, *q);
                assert_null(s);
                assert_int_equal(err.status, IAF_ERR_INVALID);
                assert_string_equal(err.file, "k.yaml");
                assert_true(err.line >= 7);
                assert_non_null(strstr(err.message, "check 'c': "));
            }
        }
    }
    /* in the words the loader has always used where it had them */
    iaf_spec *s = NULL;
    char body[512];
    snprintf(body, sizeof body, "%s    theta: 0.3\n", check_of_kind[IAF_CHECK_MARGINAL]);
    assert_int_not_equal(load("marginal", body, &s, &err), IAF_OK);
    assert_string_equal(err.message, "check 'c': focal and theta belong to flattening checks");
    assert_int_equal(err.line, 7);
    assert_int_equal(err.column, 5);
    /* and by name where it had none */
    snprintf(body, sizeof body, "%s    focal: F\n", check_of_kind[IAF_CHECK_RULE]);
    assert_int_not_equal(load("rule", body, &s, &err), IAF_OK);
    assert_string_equal(err.message,
                        "check 'c': 'focal' is a key of flattening checks, not of rule checks");
    assert_int_equal(err.line, 11);
    assert_int_equal(err.column, 5);
}

/* The defaults of METHOD.md section 9 (and docs/method.md for the last kind) through
 * iaf_spec_threshold_for, and every metric a kind defaults or lists is one a spec may set. */
static void test_thresholds(void **state)
{
    (void)state;
    static const struct {
        iaf_check_kind kind;
        const char *metric;
        double value; /* NAN: not a screen of the kind */
    } want[] = {
        {IAF_CHECK_MARGINAL, "tvd", 0.05},
        {IAF_CHECK_MARGINAL, "retention", NAN},
        {IAF_CHECK_JOINT, "cond_tvd_y_given_x", 0.10},
        {IAF_CHECK_JOINT, "footprint_dep", 0.5},
        {IAF_CHECK_JOINT, "retention", 0.5},
        {IAF_CHECK_JOINT, "min_standard_coverage", 0.8},
        {IAF_CHECK_FLATTENING, "flattening_pooled", 0.5},
        {IAF_CHECK_FLATTENING, "segregation_retention", 0.5},
        {IAF_CHECK_FLATTENING, "min_support", 0.5},
        {IAF_CHECK_RULE, "min_support", NAN},
        {IAF_CHECK_RULE, "violations", NAN},
        {IAF_CHECK_CONDIND, "cdep_excess", 0.02},
        {IAF_CHECK_CONDIND, "min_cell_n", 10},
        {IAF_CHECK_CONDIND, "pool_below", 10},
        {IAF_CHECK_CONDIND, "min_standard_coverage", NAN},
    };
    iaf_error err;
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        const iaf_check_ops *o = iaf_check_ops_of(want[w].kind);
        iaf_spec *s = NULL;
        assert_int_equal(load(o->name, check_of_kind[want[w].kind], &s, &err), IAF_OK);
        double got = iaf_spec_threshold_for(s, &s->checks[0], want[w].metric);
        if (isnan(want[w].value))
            assert_true(isnan(got));
        else
            assert_true(got == want[w].value);
        iaf_spec_free(s);
    }
    for (int i = 0; i < IAF_CHECK_NKINDS; i++) {
        const iaf_check_ops *o = iaf_check_ops_of((iaf_check_kind)i);
        const char *metrics[16];
        size_t n = 0;
        for (const iaf_kind_default *d = o->defaults; d->metric && n < 12; d++)
            metrics[n++] = d->metric;
        for (int t = 0; t < 3; t++)
            if (o->screens[t]) metrics[n++] = o->screens[t];
        for (size_t m = 0; m < n; m++) {
            char body[1024];
            snprintf(body, sizeof body, "%s    thresholds: {%s: 0.125}\n", check_of_kind[i],
                     metrics[m]);
            iaf_spec *s = NULL;
            if (load(o->name, body, &s, &err) != IAF_OK)
                fail_msg("kind %s, threshold %s: %s", o->name, metrics[m], err.message);
            assert_true(iaf_spec_threshold_for(s, &s->checks[0], metrics[m]) == 0.125);
            iaf_spec_free(s);
        }
    }
}

/* A variant's members of every kind, written into an object, parse as JSON with
 * "age_agreement" once; a check's members at either slot too. */
static void test_json_members(void **state)
{
    (void)state;
    iaf_error err;
    for (int i = 0; i < IAF_CHECK_NKINDS; i++) {
        const iaf_check_ops *o = iaf_check_ops_of((iaf_check_kind)i);
        iaf_spec *s = NULL;
        assert_int_equal(load(o->name, check_of_kind[i], &s, &err), IAF_OK);
        iaf_variant_result vr;
        memset(&vr, 0, sizeof vr);
        vr.age_agreement = "age-robust";
        iaf_buf b = {0};
        iaf_json j;
        iaf_json_init(&j, &b, 0);
        iaf_json_begin_object(&j);
        o->json_check(&s->checks[0], IAF_KIND_JSON_SUBJECT, &j);
        o->json_check(&s->checks[0], IAF_KIND_JSON_PARAMS, &j);
        iaf_json_key(&j, "variant");
        iaf_json_begin_object(&j);
        o->json_variant(&s->checks[0], &vr, &j);
        iaf_json_end_object(&j);
        iaf_json_end_object(&j);
        json_error_t je;
        json_t *doc = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
        if (!doc) fail_msg("kind %s: %s in %.*s", o->name, je.text, (int)b.len, b.data);
        json_t *v = json_object_get(doc, "variant");
        assert_string_equal(json_string_value(json_object_get(v, "age_agreement")), "age-robust");
        const char *needle = "\"age_agreement\"";
        size_t count = 0;
        for (const char *p = b.data; (p = strstr(p, needle)) != NULL; p++)
            count++;
        /* a joint check with `standardize` also states it inside "standardised" */
        assert_int_equal(count, i == IAF_CHECK_JOINT ? 2 : 1);
        json_decref(doc);
        iaf_buf_free(&b);
        iaf_spec_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_loader_accepts_the_table),
        cmocka_unit_test(test_keys_of_other_kinds),
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_json_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
