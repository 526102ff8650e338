/* Unit tests of the report side's table of check kinds (report/rkinds.c):
 * an entry for every kind the audit's table knows (audit/kinds.c), in the
 * same order, each with every operation; ranks and lookups agree; a kind
 * this version does not know gets the fallback, and a report.json with
 * such a kind (the golden case html_audit_small with its flattening checks
 * renamed) renders in every format through it: an "Other checks" table
 * and summary, its checks' sections without the flattening panel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit/spec.h"
#include "iaf/report.h"
#include "report/rkinds.h"

static void check_ops(const iaf_rk_ops *o)
{
    assert_non_null(o->name);
    assert_non_null(o->title);
    assert_non_null(o->key);
    assert_non_null(o->panel);
    assert_non_null(o->headline_key);
    assert_non_null(o->headline_details);
    assert_non_null(o->answer_numbers);
    assert_non_null(o->reasons);
    assert_non_null(o->threshold_text);
    assert_non_null(o->tolerance);
    assert_true(o->answer == IAF_RK_ANSWER_GROUP || o->answer == IAF_RK_ANSWER_ROW);
}

static void every_audit_kind_has_an_entry(void **state)
{
    (void)state;
    assert_int_equal(IAF_RK_NKINDS, IAF_CHECK_NKINDS);
    for (int k = 0; k < IAF_CHECK_NKINDS; k++) {
        const char *name = iaf_check_kind_name((iaf_check_kind)k);
        assert_non_null(name);
        const iaf_rk_ops *o = iaf_rk_of(name);
        assert_ptr_not_equal(o, iaf_rk_at(IAF_RK_NKINDS));
        assert_string_equal(o->name, name);
        assert_int_equal(iaf_rk_rank(name), k); /* headline order is the audit's order */
        assert_ptr_equal(iaf_rk_at(k), o);
        check_ops(o);
    }
}

static void unknown_kinds_get_the_fallback(void **state)
{
    (void)state;
    const iaf_rk_ops *f = iaf_rk_at(IAF_RK_NKINDS);
    check_ops(f);
    assert_string_equal(f->name, "other");
    assert_string_equal(f->title, "Other checks");
    assert_int_equal(f->answer, IAF_RK_ANSWER_GROUP);
    assert_null(f->reasons[0]);
    assert_ptr_equal(iaf_rk_of("future_kind"), f);
    assert_ptr_equal(iaf_rk_of(NULL), f);
    assert_ptr_equal(iaf_rk_of(""), f);
    assert_ptr_equal(iaf_rk_of("Marginal"), f); /* names are exact */
    assert_int_equal(iaf_rk_rank("future_kind"), IAF_RK_NKINDS);
    assert_ptr_equal(iaf_rk_at(-1), f);
    assert_ptr_equal(iaf_rk_at(IAF_RK_NKINDS + 7), f);
    /* the fallback has no key number of its own */
    iaf_rv_keynum k = {0};
    assert_int_equal(f->key(NULL, &k), 1);
    assert_null(k.metric);
}

/* s with every `from` replaced by `to` (owned). */
static char *replace_all(const char *s, const char *from, const char *to, size_t *n)
{
    size_t lf = strlen(from), lt = strlen(to), cnt = 0;
    for (const char *p = strstr(s, from); p; p = strstr(p + lf, from))
        cnt++;
    assert_true(cnt > 0);
    char *out = malloc(strlen(s) + cnt * lt + 1), *o = out;
    assert_non_null(out);
    for (const char *p; (p = strstr(s, from)); s = p + lf) {
        memcpy(o, s, (size_t)(p - s));
        o += p - s;
        memcpy(o, to, lt);
        o += lt;
    }
    strcpy(o, s);
    *n = strlen(out);
    return out;
}

static char *render(const iaf_report *r, iaf_report_format f)
{
    char *out = NULL;
    size_t n = 0;
    iaf_error err;
    iaf_error_clear(&err);
    assert_int_equal(iaf_report_render(r, f, &out, &n, &err), IAF_OK);
    assert_non_null(out);
    assert_int_equal(strlen(out), n);
    return out;
}

static void an_unknown_kind_renders_through_the_fallback(void **state)
{
    (void)state;
    const char *src = getenv("IAF_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/html_audit_small/expected/out/report.json",
             src ? src : IAF_SRC);
    char *text = NULL;
    size_t n = 0;
    iaf_error err;
    iaf_error_clear(&err);
    assert_int_equal(iaf_report_read_file(path, &text, &n, &err), IAF_OK);
    /* as the report stands, its flattening checks have their panel */
    iaf_report *r = NULL;
    assert_int_equal(iaf_report_load(text, n, &r, &err), IAF_OK);
    char *html = render(r, IAF_REPORT_FORMAT_HTML);
    assert_non_null(strstr(html, "<h4>Flattening, "));
    assert_null(strstr(html, "data-kind=\"other\""));
    free(html);
    iaf_report_free(r);

    size_t m = 0;
    char *renamed = replace_all(text, "\"kind\": \"flattening\"", "\"kind\": \"future_kind\"", &m);
    free(text);
    assert_int_equal(iaf_report_load(renamed, m, &r, &err), IAF_OK);
    int found = 0;
    for (size_t i = 0; i < iaf_report_nrows(r); i++)
        found += !strcmp(iaf_report_row_kind(r, i), "future_kind");
    assert_true(found > 0);

    html = render(r, IAF_REPORT_FORMAT_HTML);
    assert_non_null(strstr(html, "<p class=\"summary\" data-kind=\"other\"><strong>Other checks"));
    assert_non_null(strstr(html, "id=\"headline-other\""));
    assert_non_null(strstr(html, "data-kind=\"future_kind\""));
    assert_null(strstr(html, "<h4>Flattening, ")); /* panels go by the kind, not the members */
    assert_null(strstr(html, "Flattening checks"));
    char *md = render(r, IAF_REPORT_FORMAT_MD);
    assert_non_null(strstr(md, "**Other checks** ("));
    assert_null(strstr(md, "Flattening checks"));
    char *cells = render(r, IAF_REPORT_FORMAT_CELLS);
    free(cells);
    free(md);
    free(html);
    iaf_report_free(r);
    free(renamed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_audit_kind_has_an_entry),
        cmocka_unit_test(unknown_kinds_get_the_fallback),
        cmocka_unit_test(an_unknown_kind_renders_through_the_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
