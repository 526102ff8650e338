/* Unit tests of spec loading (audit/spec.c) from memory, with no file opened:
 * the checks in order with their kinds, attributes, references and lines, the
 * dataset's microdata paths resolved against the spec's directory, the
 * thresholds a check falls back to, and errors located at the spec's line. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "audit/spec.h"

static const char spec_text[] = "iaf: 1\n"                                    /* 1 */
                                "name: tiny\n"                                /* 2 */
                                "dataset:\n"                                  /* 3 */
                                "  title: personas\n"                         /* 4 */
                                "  microdata: [tiny.csv]\n"                   /* 5 */
                                "references:\n"                               /* 6 */
                                "  - id: ref_sex\n"                           /* 7 */
                                "    file: ref_sex.csv\n"                     /* 8 */
                                "    full_count: true\n"                      /* 9 */
                                "  - id: ref_sex_occ\n"                       /* 10 */
                                "    file: ref_sex_occupation.csv\n"          /* 11 */
                                "    full_count: true\n"                      /* 12 */
                                "checks:\n"                                   /* 13 */
                                "  - id: sex_marginal\n"                      /* 14 */
                                "    kind: marginal\n"                        /* 15 */
                                "    attributes: [sex]\n"                     /* 16 */
                                "    reference: ref_sex\n"                    /* 17 */
                                "    disclosure: none\n"                      /* 18 */
                                "  - id: sex_x_occupation\n"                  /* 19 */
                                "    kind: joint\n"                           /* 20 */
                                "    attributes: [sex, occupation]\n"         /* 21 */
                                "    reference: ref_sex_occ\n"                /* 22 */
                                "    disclosure: none\n"                      /* 23 */
                                "    thresholds: {cond_tvd_y_given_x: 0.2}\n" /* 24 */
                                "  - id: no_young_managers\n"                 /* 25 */
                                "    kind: rule\n"                            /* 26 */
                                "    rule: 'occupation == \"mgr\" => age != \"19-29\"'\n"
                                "    citation: a made-up rule\n";

static iaf_spec *load(const char *text, iaf_error *err)
{
    iaf_spec *s = NULL;
    iaf_status st = iaf_spec_load_memory(text, strlen(text), "s.yaml", "/base", &s, err);
    if (st != IAF_OK) assert_null(s);
    return s;
}

/* spec_text with the line `line` (1-based) replaced by `with` */
static char *edit(int line, const char *with)
{
    static char out[4096];
    const char *p = spec_text;
    size_t n = 0;
    for (int l = 1; *p; l++) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p + 1) : strlen(p);
        if (l == line)
            n += (size_t)snprintf(out + n, sizeof out - n, "%s\n", with);
        else {
            memcpy(out + n, p, len);
            n += len;
        }
        p += len;
    }
    out[n] = '\0';
    return out;
}

static void test_load(void **st)
{
    iaf_error err;
    iaf_spec *s = load(spec_text, &err);
    assert_non_null(s);
    assert_int_equal(s->version, 1);
    assert_string_equal(s->name, "tiny");
    assert_int_equal(s->nmicrodata, 1);
    assert_string_equal(s->microdata[0], "/base/tiny.csv");
    assert_int_equal(s->nreferences, 2);
    assert_int_equal(s->nchecks, 3);
    const iaf_spec_check *c = s->checks;
    assert_string_equal(c[0].id, "sex_marginal");
    assert_int_equal(c[0].kind, IAF_CHECK_MARGINAL);
    assert_int_equal(c[0].nattrs, 1);
    assert_string_equal(c[0].attrs[0]->name, "sex");
    assert_int_equal(c[0].reference, 0);
    assert_int_equal(c[0].line, 14);
    assert_int_equal(c[1].kind, IAF_CHECK_JOINT);
    assert_int_equal(c[1].nattrs, 2);
    assert_string_equal(c[1].attrs[1]->name, "occupation");
    assert_int_equal(c[1].reference, 1);
    assert_int_equal(c[1].line, 19);
    assert_int_equal(c[1].synthetic, -1); /* microdata */
    /* thresholds: the check's own, else the defaults of METHOD.md section 9 */
    assert_true(iaf_spec_threshold_for(s, &c[1], "cond_tvd_y_given_x") == 0.2);
    assert_true(iaf_spec_threshold_for(s, &c[0], "tvd") == 0.05);
    assert_int_equal(c[2].kind, IAF_CHECK_RULE);
    assert_non_null(c[2].rule);
    assert_string_equal(c[2].citation, "a made-up rule");
    assert_string_equal(iaf_check_kind_name(c[1].kind), "joint");
    iaf_spec_free(s);
    iaf_spec_free(NULL);
}

static void test_errors(void **st)
{
    iaf_error err;
    /* an unknown check kind, at its line */
    assert_null(load(edit(20, "    kind: jiont"), &err));
    assert_int_equal(err.line, 20);
    assert_non_null(strstr(err.message, "jiont"));
    /* a reference that is not declared, at the check's reference line */
    assert_null(load(edit(22, "    reference: ref_nope"), &err));
    assert_int_equal(err.line, 22);
    assert_non_null(strstr(err.message, "ref_nope"));
    /* the same check id twice */
    assert_null(load(edit(19, "  - id: sex_marginal"), &err));
    assert_int_equal(err.line, 19);
    assert_non_null(strstr(err.message, "sex_marginal"));
    /* a version this library does not read */
    assert_null(load(edit(1, "iaf: 9"), &err));
    assert_int_equal(err.line, 1);
    /* a rule that does not parse */
    assert_null(load(edit(27, "    rule: 'occupation =='"), &err));
    assert_true(err.status == IAF_ERR_PARSE || err.status == IAF_ERR_INVALID);
    /* YAML that is not a spec */
    assert_null(load("- a\n- b\n", &err));
    assert_int_not_equal(err.status, IAF_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
