/* Unit test of stopping an audit on request (iaf_audit_options.cancel),
 * through <iaf/iaf.h> only, on the small microdata audit of the golden case
 * html_audit_small: stopped during the microdata scan, between checks, or
 * never (then the same checks as an audit without the callback). Also a
 * reference table held in memory (iaf_spec_set_table): the checks of its
 * file, its name among the inputs, its errors located under that name.
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

/* The text of the golden case's file `name` (malloc'd), its size in *n. */
static char *golden_file(const char *name, size_t *n)
{
    const char *src = getenv("IAF_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/html_audit_small/%s", src ? src : IAF_SRC, name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("%s: cannot open", path);
    char *buf = calloc(1, 1 << 20);
    assert_non_null(buf);
    *n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    return buf;
}

static void test_table_in_memory(void **state)
{
    iaf_spec *spec = load();
    iaf_audit_options o;
    memset(&o, 0, sizeof o);
    o.bootstrap_b = 50;
    o.threads = 2;
    iaf_audit *plain = NULL, *a = NULL;
    iaf_error err;
    assert_int_equal(iaf_audit_run(spec, &o, &plain, &err), IAF_OK);
    size_t n;
    char *text = golden_file("ref_sex.csv", &n);
    assert_int_equal(iaf_spec_set_table(spec, "ref_sex", text, n, "<ref_sex in memory>", &err),
                     IAF_OK);
    assert_int_equal(iaf_audit_run(spec, &o, &a, &err), IAF_OK);
    assert_int_equal(iaf_audit_nchecks(a), iaf_audit_nchecks(plain));
    for (size_t i = 0; i < iaf_audit_nchecks(a); i++) {
        const char *v = iaf_audit_check_verdict(a, i), *w = iaf_audit_check_verdict(plain, i);
        assert_true((v == NULL) == (w == NULL));
        if (v) assert_string_equal(v, w);
    }
    int named = 0;
    for (size_t i = 0; i < iaf_audit_ninputs(a); i++)
        named += !strcmp(iaf_audit_input_path(a, i), "<ref_sex in memory>");
    assert_int_equal(named, 1);
    iaf_audit_free(a);
    /* a malformed table: located in the table, under its name */
    static const char bad[] = "sex,count\nF,10\nM,ten\n";
    assert_int_equal(iaf_spec_set_table(spec, "ref_sex", bad, strlen(bad), NULL, &err), IAF_OK);
    a = NULL;
    assert_int_equal(iaf_audit_run(spec, &o, &a, &err), IAF_ERR_PARSE);
    assert_null(a);
    assert_string_equal(err.file, "<ref_sex in memory>");
    assert_int_equal(err.line, 3);
    /* no such table */
    assert_int_equal(iaf_spec_set_table(spec, "nope", bad, strlen(bad), NULL, &err),
                     IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "'nope'"));
    iaf_audit_free(plain);
    iaf_spec_free(spec);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cancel),
                                       cmocka_unit_test(test_table_in_memory)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
