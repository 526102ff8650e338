/* Unit test of stopping an audit on request (iaf_audit_options.cancel),
 * through <iaf/iaf.h> only, on the small microdata audit of the golden case
 * html_audit_small: stopped during the microdata scan, between checks, or
 * never (then the same checks as an audit without the callback).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <iaf/iaf.h>

typedef struct asker {
    atomic_int asked;
    int stop_at; /* answer non-zero from this question on; -1 never */
} asker;

static int cancel(void *ctx)
{
    asker *a = ctx;
    int n = atomic_fetch_add(&a->asked, 1);
    return a->stop_at >= 0 && n >= a->stop_at;
}

static iaf_spec *load(void)
{
    const char *src = getenv("IAF_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/html_audit_small/audit.yaml", src ? src : IAF_SRC);
    iaf_spec *spec = NULL;
    iaf_error err;
    if (iaf_spec_load(path, &spec, &err) != IAF_OK) fail_msg("%s: %s", path, err.message);
    return spec;
}

static void test_cancel(void **state)
{
    iaf_spec *spec = load();
    iaf_audit_options o;
    memset(&o, 0, sizeof o);
    o.bootstrap_b = 50;
    o.threads = 2;
    iaf_audit *plain = NULL;
    iaf_error err;
    assert_int_equal(iaf_audit_run(spec, &o, &plain, &err), IAF_OK);
    size_t nchecks = iaf_audit_nchecks(plain);
    assert_true(nchecks >= 2);

    o.cancel = cancel;
    /* never: the same checks and verdicts; asked at least once per check */
    asker never = {0, -1};
    o.cancel_ctx = &never;
    iaf_audit *a = NULL;
    assert_int_equal(iaf_audit_run(spec, &o, &a, &err), IAF_OK);
    assert_int_equal(iaf_audit_nchecks(a), nchecks);
    for (size_t i = 0; i < nchecks; i++) {
        const char *v = iaf_audit_check_verdict(a, i), *w = iaf_audit_check_verdict(plain, i);
        assert_true((v == NULL) == (w == NULL));
        if (v) assert_string_equal(v, w);
    }
    int total = atomic_load(&never.asked);
    assert_true(total > (int)nchecks); /* the scan's batches, then each check */
    iaf_audit_free(a);

    /* at the first question (the scan), at the last (the last check), and between */
    int at[] = {0, total / 2, total - 1};
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        asker stop = {0, at[k]};
        o.cancel_ctx = &stop;
        a = (iaf_audit *)&stop; /* must come back NULL */
        iaf_error_clear(&err);
        assert_int_equal(iaf_audit_run(spec, &o, &a, &err), IAF_STOP);
        assert_null(a);
        assert_int_equal(err.status, IAF_OK);
        assert_int_equal(err.message[0], '\0');
    }
    iaf_audit_free(plain);
    iaf_spec_free(spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cancel)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
