/* Coverage of calibrated intervals (METHOD.md section 8, "Required
 * coverage"): on three pairs of the NIST national2019 ACS excerpt of weak,
 * moderate and strong dependence (tests/data/stats/coverage_pairs.csv, from
 * tests/oracles/coverage_pairs.py), planted truths p = (1 - lambda) r +
 * lambda r_x r_y at lambda 0, 0.3, 0.7, with n_s = n_r = 5000: the observed
 * tables are a sample of p and a sample of r, and the 95% intervals of
 * footprint (true value lambda) and retention (1 - lambda) must cover the
 * truth at least 90% of the time (pooled over the pairs for each lambda and
 * metric; each pair at least 80%). Every interval must hold its own headline
 * estimate. Deterministic seeds; small B so it runs in seconds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats/bootstrap.h"
#include "stats/rng.h"

#define MAXC 256
#define NPAIR 3

typedef struct pair {
    char name[64];
    size_t kx, ky;
    double r[MAXC];
} pair;

static int load(pair *p)
{
    FILE *f = fopen(IAF_TESTDATA "/stats/coverage_pairs.csv", "r");
    if (!f) return -1;
    char line[256];
    int np = -1;
    if (!fgets(line, sizeof line, f)) return -1;
    while (fgets(line, sizeof line, f)) {
        char name[64];
        size_t x, y, kx, ky;
        double c;
        if (sscanf(line, "%63[^,],%zu,%zu,%zu,%zu,%lf", name, &x, &y, &kx, &ky, &c) != 6) continue;
        if (np < 0 || strcmp(p[np].name, name)) {
            if (++np >= NPAIR) break;
            snprintf(p[np].name, sizeof p[np].name, "%s", name);
            p[np].kx = kx;
            p[np].ky = ky;
        }
        p[np].r[x * ky + y] = c;
    }
    fclose(f);
    return np + 1;
}

static void draw(const iaf_multinomial *m, iaf_rng *rng, size_t k, uint64_t n, double *out)
{
    uint64_t c[MAXC];
    iaf_multinomial_sample(m, rng, n, c);
    for (size_t i = 0; i < k; i++)
        out[i] = (double)c[i];
}

static void test_coverage_planted(void **state)
{
    (void)state;
    static pair pairs[NPAIR];
    assert_int_equal(load(pairs), NPAIR);
    static const double lambdas[3] = {0, 0.3, 0.7};
    /* A sanitizer build runs the same code on 3 samples per cell (memory and UB checks, and
     * the estimate-inside-interval invariant); the coverage figures, which need the 20
     * samples, are asserted by the normal build: the statistics do not change with the build,
     * the time does (about 20x under ASan). */
#ifdef IAF_TEST_SANITIZED
    enum { REPS = 3, B = 100 };
    const int check_coverage = 0;
#else
    enum { REPS = 20, B = 100 };
    const int check_coverage = 1;
#endif
    const double n = 5000;
    int cov[3][2] = {{0}}, tot[3] = {0}, cov_basic[3][2] = {{0}};
    iaf_rng rng;
    iaf_rng_seed(&rng, 20261205);
    for (int pi = 0; pi < NPAIR; pi++) {
        pair *P = &pairs[pi];
        size_t k = P->kx * P->ky;
        double r[MAXC], rx[64] = {0}, ry[64] = {0}, t = 0;
        for (size_t i = 0; i < k; i++)
            t += P->r[i];
        for (size_t x = 0; x < P->kx; x++)
            for (size_t y = 0; y < P->ky; y++) {
                r[x * P->ky + y] = P->r[x * P->ky + y] / t;
                rx[x] += r[x * P->ky + y];
                ry[y] += r[x * P->ky + y];
            }
        iaf_multinomial mr;
        assert_int_equal(iaf_multinomial_init(&mr, r, k, NULL), IAF_OK);
        for (int li = 0; li < 3; li++) {
            double lam = lambdas[li], p[MAXC];
            for (size_t x = 0; x < P->kx; x++)
                for (size_t y = 0; y < P->ky; y++)
                    p[x * P->ky + y] = (1 - lam) * r[x * P->ky + y] + lam * rx[x] * ry[y];
            iaf_multinomial ms;
            assert_int_equal(iaf_multinomial_init(&ms, p, k, NULL), IAF_OK);
            int c[2] = {0, 0}, cb[2] = {0, 0};
            for (int rep = 0; rep < REPS; rep++) {
                double s_obs[MAXC], r_obs[MAXC];
                draw(&ms, &rng, k, (uint64_t)n, s_obs);
                draw(&mr, &rng, k, (uint64_t)n, r_obs);
                iaf_joint_input in = {P->kx, P->ky, s_obs, r_obs, n, n, NULL};
                iaf_boot_options o = {B,    (uint64_t)(1000 * pi + 100 * li + rep),
                                      0.95, NULL,
                                      2,    IAF_INTERVAL_CALIBRATED};
                iaf_joint_boot jb, bb;
                assert_int_equal(iaf_joint_bootstrap(&in, &o, &jb, NULL), IAF_OK);
                o.interval = IAF_INTERVAL_BASIC;
                assert_int_equal(iaf_joint_bootstrap(&in, &o, &bb, NULL), IAF_OK);
                /* the headline estimate lies inside its own interval, always */
                for (int id = 0; id < IAF_JM_COUNT; id++) {
                    const iaf_boot_interval *ci = &jb.ci[id];
                    if (isnan(ci->lo)) continue;
                    assert_true(ci->lo <= ci->bias_corrected && ci->bias_corrected <= ci->hi);
                    ci = &bb.ci[id];
                    assert_true(ci->lo <= ci->bias_corrected && ci->bias_corrected <= ci->hi);
                }
                const iaf_boot_interval *f = &jb.ci[IAF_JM_FOOTPRINT],
                                        *rt = &jb.ci[IAF_JM_RETENTION];
                c[0] += f->lo <= lam && lam <= f->hi;
                c[1] += rt->lo <= 1 - lam && 1 - lam <= rt->hi;
                f = &bb.ci[IAF_JM_FOOTPRINT], rt = &bb.ci[IAF_JM_RETENTION];
                cb[0] += f->lo <= lam && lam <= f->hi;
                cb[1] += rt->lo <= 1 - lam && 1 - lam <= rt->hi;
            }
            print_message("%-24s lambda %.1f: footprint %2d/%d (basic %2d), retention %2d/%d "
                          "(basic %2d)\n",
                          P->name, lam, c[0], REPS, cb[0], c[1], REPS, cb[1]);
            for (int m = 0; m < 2; m++) {
                if (check_coverage) assert_true(c[m] >= 0.8 * REPS);
                cov[li][m] += c[m];
                cov_basic[li][m] += cb[m];
            }
            tot[li] += REPS;
            iaf_multinomial_free(&ms);
        }
        iaf_multinomial_free(&mr);
    }
    for (int li = 0; li < 3; li++) {
        print_message("lambda %.1f pooled: footprint %.3f (basic %.3f), retention %.3f (basic "
                      "%.3f)\n",
                      lambdas[li], cov[li][0] / (double)tot[li], cov_basic[li][0] / (double)tot[li],
                      cov[li][1] / (double)tot[li], cov_basic[li][1] / (double)tot[li]);
        if (check_coverage) {
            assert_true(cov[li][0] >= 0.9 * tot[li]);
            assert_true(cov[li][1] >= 0.9 * tot[li]);
        }
    }
}

/* A faithful synthetic set (a second sample of the reference) is covered at
 * the boundary: the lower bounds of the distances reach 0, and the headline
 * estimate is 0 when the observed value is below the noise median. */
static void test_faithful_boundary(void **state)
{
    (void)state;
    /* s: a sample of r's shares at n = 1000 (tvd 0.021, about its noise floor) */
    double r[6] = {300, 100, 50, 80, 250, 220}, s[6] = {290, 112, 58, 74, 262, 204};
    iaf_joint_input in = {2, 3, s, r, 1000, 1000, NULL};
    iaf_boot_options o = {300, 7, 0.95, NULL, 1, IAF_INTERVAL_CALIBRATED};
    iaf_joint_boot jb;
    assert_int_equal(iaf_joint_bootstrap(&in, &o, &jb, NULL), IAF_OK);
    const iaf_boot_interval *t = &jb.ci[IAF_JM_TVD_JOINT];
    print_message("tvd %.4f: calibrated %.4f [%.4f, %.4f], %zu evaluations\n", t->estimate,
                  t->bias_corrected, t->lo, t->hi, jb.evaluations);
    assert_true(t->lo == 0 && t->lo <= t->bias_corrected && t->bias_corrected < t->estimate &&
                t->bias_corrected <= t->hi && t->hi > 0);
    assert_true(jb.method == IAF_INTERVAL_CALIBRATED && t->calibrated);
    /* Thread counts change no bit. */
    iaf_joint_boot j2;
    o.threads = 3;
    assert_int_equal(iaf_joint_bootstrap(&in, &o, &j2, NULL), IAF_OK);
    assert_memory_equal(jb.ci, j2.ci, sizeof jb.ci);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faithful_boundary),
        cmocka_unit_test(test_coverage_planted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
