/* stats/rng.h - seeded random numbers for the bootstrap and permutation
 * tests: xoshiro256** (Blackman & Vigna) seeded through splitmix64, exact
 * binomial and multinomial sampling, normal variates and shuffles.
 *
 * The integer stream is bit-for-bit the same on every platform for a given
 * seed. Derived variates (binomial, normal) also use exp/log/sqrt from libm,
 * so they are reproducible wherever libm rounds those the same way (glibc on
 * any architecture does). Nothing here is thread-safe per generator; give
 * each thread (or each replicate) its own stream with iaf_rng_seed_stream.
 */
#ifndef IAF_STATS_RNG_H
#define IAF_STATS_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/status.h"

typedef struct iaf_rng {
    uint64_t s[4];
    double spare; /* second polar-method normal, valid when has_spare */
    int has_spare;
} iaf_rng;

void iaf_rng_seed(iaf_rng *r, uint64_t seed);
/* An independent stream per (seed, stream) pair, e.g. one per bootstrap
 * replicate, so results do not depend on the order replicates are run in. */
void iaf_rng_seed_stream(iaf_rng *r, uint64_t seed, uint64_t stream);

uint64_t iaf_rng_next(iaf_rng *r);
double iaf_rng_uniform(iaf_rng *r);             /* [0, 1), 53 random bits */
uint64_t iaf_rng_below(iaf_rng *r, uint64_t n); /* uniform on [0, n), unbiased; n > 0 */
double iaf_rng_normal(iaf_rng *r);              /* standard normal (Marsaglia's polar method) */
void iaf_rng_shuffle_u32(iaf_rng *r, uint32_t *a, size_t n); /* Fisher-Yates */

/* Binomial(n, p), exact in distribution: inversion from 0 when
 * n min(p, 1-p) < 30, else Hoermann's BTRS (transformed rejection with
 * squeeze), whose acceptance test uses the exact pmf ratio. */
uint64_t iaf_rng_binomial(iaf_rng *r, uint64_t n, double p);

/* Multinomial(n, p) by sequential conditional binomials. Prepare once per
 * probability vector (the conditional probabilities p_i / sum_{j>=i} p_j are
 * computed with exact suffix sums), then sample many times. */
/* A cell's binomial, prepared: what depends on its conditional probability
 * alone (the draw is iaf_rng_binomial's, the same numbers). */
typedef struct iaf_binom_cell {
    double p;     /* min(cond, 1 - cond), the probability drawn with */
    double ratio; /* p / (1 - p), inversion's step */
    double lq;    /* log1p(-p), inversion's start */
    double lpq;   /* log(p / (1 - p)), BTRS's bracket of its acceptance test */
    int flip;     /* 1/2 < cond < 1: n - Binomial(n, 1 - cond) */
    int all;      /* cond >= 1: n */
} iaf_binom_cell;

typedef struct iaf_multinomial {
    size_t k;
    double *cond;         /* owned */
    iaf_binom_cell *cell; /* owned, k */
    size_t last;          /* index of the last cell with p > 0 */
} iaf_multinomial;
/* p: k weights >= 0 (normalised here), finite, sum > 0. */
iaf_status iaf_multinomial_init(iaf_multinomial *m, const double *p, size_t k, iaf_error *err);
void iaf_multinomial_sample(const iaf_multinomial *m, iaf_rng *r, uint64_t n, uint64_t *out);
void iaf_multinomial_free(iaf_multinomial *m); /* accepts NULL */

/* BTRS internals, exposed for the test that verifies numerically that the
 * hat dominates the pmf and the squeeze lies below it (the conditions that
 * make the sampler exact). */
typedef struct iaf_btrs {
    double n, p, spq, a, b, c, alpha, vr, m, logf_m;
} iaf_btrs;
void iaf_btrs_setup(iaf_btrs *t, uint64_t n, double p); /* p <= 0.5, n p >= 10 */
/* For u in (-0.5, 0.5): the candidate k (or -1 when outside 0..n) and the
 * acceptance bound R = f(k)/f(m) * (a/us^2 + b) / alpha, us = 0.5 - |u|. */
double iaf_btrs_bound(const iaf_btrs *t, double u, int64_t *k);
/* Stirling's approximation of log f(k) - log f(m) for Binomial(n, p), 1 <= k, m <= n - 1,
 * lpq = log(p / (1 - p)), hm = (m + 1/2) log m + (n - m + 1/2) log(n - m); *margin
 * bounds its distance from iaf_binom_logpmf(k) - iaf_binom_logpmf(m) as computed
 * (remainders and rounding of both), so BTRS decides from it where the two agree. */
double iaf_btrs_logratio_approx(double n, double lpq, double m, double hm, double k,
                                double *margin);

#endif
