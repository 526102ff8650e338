/* The audit and the report model through the public API (iaf/audit.h,
 * iaf/report.h): an audit's model equals the model loaded back from its
 * report.json, row by row and in every rendering; the audit's own verdicts
 * agree with the model's rows and tallies; the strict loader refuses other
 * schema versions and wrong shapes with the place named. The audit is the
 * golden case tests/golden/html_audit_small (one check of each kind). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iaf/audit.h"
#include "iaf/report.h"

typedef struct fixture {
    iaf_spec *spec;
    iaf_audit *audit;
    iaf_report *model;
} fixture;

static int setup(void **state)
{
    static fixture f;
    const char *src = getenv("IAF_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/html_audit_small/audit.yaml", src ? src : ".");
    iaf_error err;
    iaf_error_clear(&err);
    if (iaf_spec_load(path, &f.spec, &err) != IAF_OK) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        return -1;
    }
    iaf_audit_options o;
    memset(&o, 0, sizeof o);
    o.bootstrap_b = 200;
    o.threads = 2;
    if (iaf_audit_run(f.spec, &o, &f.audit, &err) != IAF_OK) {
        fprintf(stderr, "audit: %s\n", err.message);
        return -1;
    }
    iaf_report_meta meta = {"iaf audit audit.yaml", "test"};
    if (iaf_report_from_audit(f.audit, &meta, &f.model, &err) != IAF_OK) {
        fprintf(stderr, "model: %s\n", err.message);
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    iaf_report_free(f->model);
    iaf_audit_free(f->audit);
    iaf_spec_free(f->spec);
    return 0;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static int same_num(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* The model made from the audit and the one loaded from its report.json. */
static void audit_model_equals_loaded_model(void **state)
{
    fixture *f = *state;
    char *json = NULL;
    size_t n = 0;
    iaf_error err;
    assert_int_equal(iaf_report_render(f->model, IAF_REPORT_FORMAT_JSON, &json, &n, &err), IAF_OK);
    iaf_report *back = NULL;
    assert_int_equal(iaf_report_load(json, n, &back, &err), IAF_OK);
    assert_int_equal(iaf_report_version(back), 1);
    assert_true(same_str(iaf_report_name(f->model), iaf_report_name(back)));
    assert_string_equal(iaf_report_name(back),
                        "Small persona audit <with \"markup\" & Korean 라벨>");
    size_t rows = iaf_report_nrows(f->model);
    assert_int_equal(rows, iaf_report_nrows(back));
    assert_true(rows >= 4);
    for (size_t i = 0; i < rows; i++) {
        assert_string_equal(iaf_report_row_check(f->model, i), iaf_report_row_check(back, i));
        assert_string_equal(iaf_report_row_kind(f->model, i), iaf_report_row_kind(back, i));
        assert_true(same_str(iaf_report_row_verdict(f->model, i), iaf_report_row_verdict(back, i)));
        assert_true(
            same_str(iaf_report_row_diagnosis(f->model, i), iaf_report_row_diagnosis(back, i)));
        double e1, l1, h1, e2, l2, h2;
        const char *k1 = iaf_report_row_key(f->model, i, &e1, &l1, &h1);
        const char *k2 = iaf_report_row_key(back, i, &e2, &l2, &h2);
        assert_true(same_str(k1, k2));
        assert_true(same_num(e1, e2) && same_num(l1, l2) && same_num(h1, h2));
    }
    /* every rendering, byte for byte */
    static const iaf_report_format fmts[] = {IAF_REPORT_FORMAT_JSON, IAF_REPORT_FORMAT_MD,
                                             IAF_REPORT_FORMAT_HTML, IAF_REPORT_FORMAT_CELLS};
    for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++) {
        char *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        assert_int_equal(iaf_report_render(f->model, fmts[k], &a, &na, &err), IAF_OK);
        assert_int_equal(iaf_report_render(back, fmts[k], &b, &nb, &err), IAF_OK);
        assert_true(na > 0);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
        free(a);
        free(b);
    }
    /* the headline belongs to a model made from an audit */
    char *h = NULL;
    assert_int_equal(iaf_report_render(f->model, IAF_REPORT_FORMAT_HEADLINE, &h, &n, &err), IAF_OK);
    assert_non_null(strstr(h, "The answer\n"));
    free(h);
    assert_int_equal(iaf_report_render(back, IAF_REPORT_FORMAT_HEADLINE, &h, &n, &err),
                     IAF_ERR_UNSUPPORTED);
    assert_null(h);
    iaf_report_free(back);
    free(json);
}

/* The audit's own results agree with the model's rows and tallies. */
static void audit_agrees_with_model(void **state)
{
    fixture *f = *state;
    size_t nc = iaf_audit_nchecks(f->audit);
    assert_int_equal(nc, iaf_report_nrows(f->model));
    iaf_report_tally want = {0};
    for (size_t i = 0; i < nc; i++) {
        assert_string_equal(iaf_audit_check_id(f->audit, i), iaf_report_row_check(f->model, i));
        assert_string_equal(iaf_audit_check_kind(f->audit, i), iaf_report_row_kind(f->model, i));
        const char *v = iaf_audit_check_verdict(f->audit, i);
        assert_true(same_str(v, iaf_report_row_verdict(f->model, i)));
        want.n++;
        if (!v)
            want.pending++;
        else if (!strcmp(v, "PASS"))
            want.pass++;
        else if (!strcmp(v, "FLAG"))
            want.flag++;
        else
            want.inconclusive++;
    }
    iaf_report_tally t;
    iaf_report_tally_of(f->model, NULL, &t);
    assert_int_equal(t.n, want.n);
    assert_int_equal(t.pass, want.pass);
    assert_int_equal(t.flag, want.flag);
    assert_int_equal(t.inconclusive, want.inconclusive);
    assert_int_equal(t.pending, want.pending);
    /* per kind: the kinds partition the rows */
    static const char *const kinds[] = {"marginal", "joint", "flattening", "rule"};
    size_t sum = 0;
    for (size_t k = 0; k < 4; k++) {
        iaf_report_tally_of(f->model, kinds[k], &t);
        assert_true(t.n >= 1); /* the case has each kind */
        assert_int_equal(t.n, t.pass + t.flag + t.inconclusive + t.pending);
        sum += t.n;
    }
    assert_int_equal(sum, nc);
    /* inputs: the spec first, then the data it read */
    assert_true(iaf_audit_ninputs(f->audit) >= 5);
    assert_non_null(strstr(iaf_audit_input_path(f->audit, 0), "audit.yaml"));
}

typedef struct bad_case {
    const char *json;
    iaf_status status;
    const char *message; /* a substring of the error */
    long long line;      /* 0: not checked */
} bad_case;

static void loader_refuses(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"{\"schema\": \"iaf-report/2\"}", IAF_ERR_UNSUPPORTED,
         "unsupported report version: schema is 'iaf-report/2', this iaf renders 'iaf-report/1'",
         0},
        {"{\"schema\": \"iaf-report/1x\"}", IAF_ERR_UNSUPPORTED, "unsupported report version", 0},
        {"{\"schema\": \"iaf-report/\"}", IAF_ERR_UNSUPPORTED, "unsupported report version", 0},
        {"{\"schema\": \"iaf-replication/1\"}", IAF_ERR_UNSUPPORTED,
         "not an iaf report: schema is 'iaf-replication/1'", 0},
        {"{\"name\": \"x\"}", IAF_ERR_UNSUPPORTED, "schema is '(none)'", 0},
        {"{\"schema\": 1}", IAF_ERR_UNSUPPORTED, "schema is '(none)'", 0},
        {"[1, 2]", IAF_ERR_PARSE, "the document is not a JSON object", 0},
        {"{\"schema\": \"iaf-report/1\",\n \"name\": }", IAF_ERR_PARSE, "invalid JSON", 2},
        {"{\"schema\": \"iaf-report/1\", \"name\": 3}", IAF_ERR_PARSE,
         "report.name: expected a string, found a number", 0},
        {"{\"schema\": \"iaf-report/1\", \"headline\": {}}", IAF_ERR_PARSE,
         "headline: expected an array, found an object", 0},
        {"{\"schema\": \"iaf-report/1\", \"headline\": [{\"check\": \"a\", \"kind\": "
         "\"joint\"}, 5]}",
         IAF_ERR_PARSE, "headline[1]: expected an object, found a number", 0},
        {"{\"schema\": \"iaf-report/1\", \"headline\": [{\"check\": \"a\"}]}", IAF_ERR_PARSE,
         "headline[0].kind: expected a string, found nothing", 0},
        {"{\"schema\": \"iaf-report/1\", \"headline\": [{\"check\": \"a\", \"kind\": \"joint\", "
         "\"verdict\": {\"verdict\": true}}]}",
         IAF_ERR_PARSE, "headline[0].verdict.verdict: expected a string, found a boolean", 0},
        {"{\"schema\": \"iaf-report/1\", \"headline\": [{\"check\": \"a\", \"kind\": \"joint\", "
         "\"universe\": []}]}",
         IAF_ERR_PARSE, "headline[0].universe: expected a string, found an array", 0},
        {"{\"schema\": \"iaf-report/1\", \"checks\": \"x\"}", IAF_ERR_PARSE,
         "checks: expected an array, found a string", 0},
        {"{\"schema\": \"iaf-report/1\", \"checks\": [{\"id\": \"a\", \"kind\": \"joint\"}, "
         "{\"id\": 7}]}",
         IAF_ERR_PARSE, "checks[1].id: expected a string, found a number", 0},
        {"{\"schema\": \"iaf-report/1\", \"checks\": [{\"id\": \"a\", \"kind\": \"joint\", "
         "\"attributes\": [{\"name\": 1}]}]}",
         IAF_ERR_PARSE, "checks[0].attributes[0].name: expected a string, found a number", 0},
        {"{\"schema\": \"iaf-report/1\", \"checks\": [{\"id\": \"a\", \"kind\": \"joint\"}, "
         "{\"id\": \"a\", \"kind\": \"rule\"}]}",
         IAF_ERR_PARSE, "checks[1].id: 'a' is also the id of checks[0]", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        iaf_error err;
        iaf_error_clear(&err);
        iaf_report *r = (iaf_report *)&err; /* must be reset to NULL */
        iaf_status st = iaf_report_load(cases[i].json, strlen(cases[i].json), &r, &err);
        if (st != cases[i].status || !strstr(err.message, cases[i].message))
            fail_msg("case %zu: status %d, message '%s' (want %d, '%s')", i, (int)st, err.message,
                     (int)cases[i].status, cases[i].message);
        assert_null(r);
        if (cases[i].line) assert_int_equal(err.line, cases[i].line);
    }
}

/* What the loader accepts: a report of no checks, verdict objects, nulls
 * where a string is optional, unknown members, a row whose check is absent. */
static void loader_accepts(void **state)
{
    (void)state;
    const char *doc =
        "{\"schema\": \"iaf-report/1\", \"future\": [1], \"headline\": ["
        "{\"check\": \"a\", \"kind\": \"joint\", \"verdict\": {\"verdict\": \"FLAG\", "
        "\"diagnosis\": \"distorted\"}, \"universe\": null},"
        "{\"check\": \"b\", \"kind\": \"marginal\", \"verdict\": \"PASS\"},"
        "{\"check\": \"c\", \"kind\": \"novel\"}],"
        "\"checks\": [{\"id\": \"a\", \"kind\": \"joint\", \"attributes\": null}]}";
    iaf_error err;
    iaf_report *r = NULL;
    assert_int_equal(iaf_report_load(doc, strlen(doc), &r, &err), IAF_OK);
    assert_int_equal(iaf_report_nrows(r), 3);
    assert_string_equal(iaf_report_row_verdict(r, 0), "FLAG");
    assert_string_equal(iaf_report_row_diagnosis(r, 0), "distorted");
    assert_null(iaf_report_row_verdict(r, 2));
    iaf_report_tally t;
    iaf_report_tally_of(r, NULL, &t);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.flag, 1);
    assert_int_equal(t.pass, 1);
    assert_int_equal(t.pending, 1);
    iaf_report_tally_of(r, "novel", &t);
    assert_int_equal(t.n, 1);
    char *html = NULL;
    size_t n = 0;
    assert_int_equal(iaf_report_render(r, IAF_REPORT_FORMAT_HTML, &html, &n, &err), IAF_OK);
    assert_non_null(strstr(html, "data-check=\"c\""));
    free(html);
    iaf_report_free(r);
    const char *min = "{\"schema\": \"iaf-report/1\"}";
    assert_int_equal(iaf_report_load(min, strlen(min), &r, &err), IAF_OK);
    assert_int_equal(iaf_report_nrows(r), 0);
    iaf_report_free(r);
    iaf_report_free(NULL);
}

int main(void)
{
    const struct CMUnitTest audit_tests[] = {
        cmocka_unit_test(audit_model_equals_loaded_model),
        cmocka_unit_test(audit_agrees_with_model),
    };
    const struct CMUnitTest loader_tests[] = {
        cmocka_unit_test(loader_refuses),
        cmocka_unit_test(loader_accepts),
    };
    int rc = cmocka_run_group_tests_name("loader", loader_tests, NULL, NULL);
    rc += cmocka_run_group_tests_name("audit", audit_tests, setup, teardown);
    return rc;
}
