/* Direct standardisation against R's survey::svystandardize
 * (tests/oracles/standardize.R -> tests/data/stats/standardize_*.csv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iaf/metrics.h"

#define MAXCAT 16

typedef struct cats {
    char name[MAXCAT][32];
    size_t n;
} cats;

static size_t cat_id(cats *c, const char *s)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->name[i], s)) return i;
    assert_true(c->n < MAXCAT);
    snprintf(c->name[c->n], sizeof c->name[0], "%.*s", (int)sizeof c->name[0] - 1, s);
    return c->n++;
}

static FILE *open_data(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/stats/%s", IAF_TESTDATA, name);
    FILE *f = fopen(path, "r");
    if (!f) fprintf(stderr, "cannot open %s\n", path);
    return f;
}

static int split(char *line, char **fld, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    char *p = line;
    while (n < max) {
        fld[n++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static void test_against_survey(void **state)
{
    (void)state;
    cats occ = {0}, age = {0};
    double w[MAXCAT] = {0};
    char line[256], *f[8];

    /* The standard weights fix the order of the age bands. */
    FILE *fw = open_data("standardize_weights.csv");
    assert_non_null(fw);
    assert_non_null(fgets(line, sizeof line, fw));
    while (fgets(line, sizeof line, fw)) {
        if (split(line, f, 8) < 2) continue;
        w[cat_id(&age, f[0])] = strtod(f[1], NULL);
    }
    fclose(fw);
    assert_int_equal(age.n, 4);

    /* Aggregate the microdata: weighted and unweighted numerators and denominators. */
    double num[2][MAXCAT * MAXCAT] = {{0}}, den[2][MAXCAT * MAXCAT] = {{0}};
    FILE *fd = open_data("standardize_data.csv");
    assert_non_null(fd);
    assert_non_null(fgets(line, sizeof line, fd));
    int rows = 0;
    while (fgets(line, sizeof line, fd)) {
        if (split(line, f, 8) < 4) continue;
        size_t y = cat_id(&occ, f[0]);
        size_t before = age.n, a = cat_id(&age, f[1]);
        assert_int_equal(age.n, before); /* every band has a standard weight */
        double fem = strtod(f[2], NULL), wt = strtod(f[3], NULL);
        num[0][y * MAXCAT + a] += wt * fem;
        den[0][y * MAXCAT + a] += wt;
        num[1][y * MAXCAT + a] += fem;
        den[1][y * MAXCAT + a] += 1;
        rows++;
    }
    fclose(fd);
    assert_true(rows > 500);

    double ds[2][MAXCAT], cov[2][MAXCAT];
    for (int d = 0; d < 2; d++) {
        /* pack to ky x ka */
        double pn[MAXCAT * MAXCAT], pd[MAXCAT * MAXCAT];
        for (size_t y = 0; y < occ.n; y++)
            for (size_t a = 0; a < age.n; a++) {
                pn[y * age.n + a] = num[d][y * MAXCAT + a];
                pd[y * age.n + a] = den[d][y * MAXCAT + a];
            }
        iaf_error err;
        assert_int_equal(iaf_direct_standardize(occ.n, age.n, pn, pd, w, ds[d], cov[d], &err),
                         IAF_OK);
    }

    FILE *fo = open_data("standardize_oracle.csv");
    assert_non_null(fo);
    assert_non_null(fgets(line, sizeof line, fo));
    int compared = 0, fails = 0;
    while (fgets(line, sizeof line, fo)) {
        if (split(line, f, 8) < 3) continue;
        int d = !strcmp(f[0], "weighted") ? 0 : 1;
        size_t before = occ.n, y = cat_id(&occ, f[1]);
        assert_int_equal(occ.n, before);
        double want = strtod(f[2], NULL);
        compared++;
        if (!(fabs(ds[d][y] - want) <= 1e-9 * fabs(want))) {
            fails++;
            print_message("%s %s: DS %.17g, survey %.17g\n", f[0], f[1], ds[d][y], want);
        }
    }
    fclose(fo);
    assert_int_equal(compared, 10);
    assert_int_equal(fails, 0);

    /* Occupation E has no one in the last band: its weight (1600 of 10000)
     * is missing from the coverage; the other occupations are complete. */
    size_t e = cat_id(&occ, "E");
    assert_true(fabs(cov[0][e] - 0.84) < 1e-15);
    assert_true(fabs(cov[0][cat_id(&occ, "A")] - 1) < 1e-15);
}

/* A hand-checkable example: two bands with rates 0.2 and 0.6, weights 3:1. */
static void test_by_hand(void **state)
{
    (void)state;
    double num[4] = {2, 6, 0, 0}, den[4] = {10, 10, 0, 5}, w[2] = {3, 1}, ds[2], cov[2];
    assert_int_equal(iaf_direct_standardize(2, 2, num, den, w, ds, cov, NULL), IAF_OK);
    assert_true(fabs(ds[0] - (0.75 * 0.2 + 0.25 * 0.6)) < 1e-15);
    assert_true(cov[0] == 1);
    /* Row 2: only band 2 has people (rate 0): DS = 0 on a coverage of 1/4. */
    assert_true(ds[1] == 0 && fabs(cov[1] - 0.25) < 1e-15);
    /* No band with a rate: undefined. */
    double den2[4] = {10, 10, 0, 0};
    assert_int_equal(iaf_direct_standardize(2, 2, num, den2, w, ds, NULL, NULL), IAF_OK);
    assert_true(isnan(ds[1]));
    /* A band of zero standard weight does not count as missing. */
    double w0[2] = {1, 0};
    double den3[4] = {10, 0, 5, 5};
    assert_int_equal(iaf_direct_standardize(2, 2, num, den3, w0, ds, cov, NULL), IAF_OK);
    assert_true(fabs(ds[0] - 0.2) < 1e-15 && cov[0] == 1);
}

static void test_invalid(void **state)
{
    (void)state;
    double num[2] = {1, 2}, den[2] = {3, 4}, w[2] = {1, 1}, ds[1];
    double neg[2] = {-1, 1}, zero[2] = {0, 0}, nan2[2] = {NAN, 1};
    iaf_error err;
    assert_int_equal(iaf_direct_standardize(1, 2, num, den, w, ds, NULL, &err), IAF_OK);
    assert_int_equal(iaf_direct_standardize(0, 2, num, den, w, ds, NULL, &err), IAF_ERR_INVALID);
    assert_int_equal(iaf_direct_standardize(1, 2, neg, den, w, ds, NULL, &err), IAF_ERR_INVALID);
    assert_int_equal(iaf_direct_standardize(1, 2, num, nan2, w, ds, NULL, &err), IAF_ERR_INVALID);
    assert_int_equal(iaf_direct_standardize(1, 2, num, den, zero, ds, NULL, &err), IAF_ERR_INVALID);
    assert_non_null(strstr(err.message, "weights"));
    assert_int_equal(iaf_direct_standardize(1, 2, num, den, NULL, ds, NULL, &err), IAF_ERR_INVALID);
    assert_int_equal(iaf_direct_standardize(SIZE_MAX / 2, 4, num, den, w, ds, NULL, &err),
                     IAF_ERR_LIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_survey),
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
