/* stats/rng.c - xoshiro256**, splitmix64 seeding, exact binomial and
 * multinomial sampling. */
#include "stats/rng.h"

#include <math.h>
#include <stdlib.h>

#include "stats/specfun.h"
#include "util/util.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void iaf_rng_seed(iaf_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    /* xoshiro's one forbidden state is all zeros; splitmix64 is a bijection
     * of a counter, so four consecutive outputs are never all zero. */
    r->has_spare = 0;
    r->spare = 0;
}

void iaf_rng_seed_stream(iaf_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t a = seed, b = stream ^ 0x6a09e667f3bcc909ULL;
    uint64_t mixed = splitmix64(&a) ^ (splitmix64(&b) * 0xd1342543de82ef95ULL);
    iaf_rng_seed(r, mixed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t iaf_rng_next(iaf_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double iaf_rng_uniform(iaf_rng *r)
{
    return (double)(iaf_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t iaf_rng_below(iaf_rng *r, uint64_t n)
{
    /* Rejection on the top of the 64-bit range keeps every residue equally
     * likely (at most one retry in two, far fewer for small n). */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = iaf_rng_next(r);
    } while (x >= limit);
    return x % n;
}

double iaf_rng_normal(iaf_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2 * iaf_rng_uniform(r) - 1;
        v = 2 * iaf_rng_uniform(r) - 1;
        s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = sqrt(-2 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

void iaf_rng_shuffle_u32(iaf_rng *r, uint32_t *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)iaf_rng_below(r, i);
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* Inversion from k = 0 for small means (n p < 30): on average n p + 1 cheap steps,
 * faster than BTRS there (whose squeeze accepts less often at small means). */
static uint64_t binom_inversion(iaf_rng *r, uint64_t n, double p)
{
    double q = 1 - p, ratio = p / q, f0 = exp((double)n * log1p(-p));
    for (;;) {
        double u = iaf_rng_uniform(r), f = f0;
        uint64_t k = 0;
        while (u >= f) {
            u -= f;
            if (k == n || f == 0) break; /* rounding left u beyond the mass: redraw */
            k++;
            f *= ratio * (double)(n - k + 1) / (double)k;
        }
        if (u < f) return k;
    }
}

/* Constants of Hoermann (1993), "The generation of binomial random
 * variates", algorithm BTRS, for n p >= 10 and p <= 1/2. */
static void btrs_constants(iaf_btrs *t, uint64_t n, double p)
{
    double dn = (double)n, q = 1 - p;
    t->n = dn;
    t->p = p;
    t->spq = sqrt(dn * p * q);
    t->b = 1.15 + 2.53 * t->spq;
    t->a = -0.0873 + 0.0248 * t->b + 0.01 * p;
    t->c = dn * p + 0.5;
    t->alpha = (2.83 + 5.1 / t->b) * t->spq;
    t->vr = 0.92 - 4.2 / t->b;
    t->m = floor((dn + 1) * p);
    t->logf_m = NAN;
}

void iaf_btrs_setup(iaf_btrs *t, uint64_t n, double p)
{
    btrs_constants(t, n, p);
    t->logf_m = iaf_binom_logpmf((uint64_t)t->m, n, p);
}

/* Candidate k for a given u, or -1 when it falls outside 0..n. */
static int64_t btrs_candidate(const iaf_btrs *t, double u, double us)
{
    if (us <= 0) return -1;
    double kf = floor((2 * t->a / us + t->b) * u + t->c);
    if (!(kf >= 0 && kf <= t->n)) return -1;
    return (int64_t)kf;
}

double iaf_btrs_bound(const iaf_btrs *t, double u, int64_t *k)
{
    double us = 0.5 - fabs(u);
    *k = btrs_candidate(t, u, us);
    if (*k < 0) return 0;
    double lf = iaf_binom_logpmf((uint64_t)*k, (uint64_t)t->n, t->p) - t->logf_m;
    return exp(lf) * (t->a / (us * us) + t->b) / t->alpha;
}

static uint64_t binom_btrs(iaf_rng *r, uint64_t n, double p)
{
    iaf_btrs t;
    /* The mode's pmf is needed only when the squeeze fails (~15% of draws),
     * so it is computed lazily: the setup is the cost that multinomial
     * sampling pays once per cell. */
    btrs_constants(&t, n, p);
    int have_fm = 0;
    for (;;) {
        double u = iaf_rng_uniform(r) - 0.5;
        double v = iaf_rng_uniform(r);
        double us = 0.5 - fabs(u);
        int64_t k = btrs_candidate(&t, u, us);
        if (k < 0) continue;
        if (us >= 0.07 && v <= t.vr) return (uint64_t)k;
        if (!have_fm) {
            t.logf_m = iaf_binom_logpmf((uint64_t)t.m, n, p);
            have_fm = 1;
        }
        double lv = log(v * t.alpha / (t.a / (us * us) + t.b));
        if (lv <= iaf_binom_logpmf((uint64_t)k, n, p) - t.logf_m) return (uint64_t)k;
    }
}

uint64_t iaf_rng_binomial(iaf_rng *r, uint64_t n, double p)
{
    if (n == 0 || !(p > 0)) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - iaf_rng_binomial(r, n, 1 - p); /* 1 - p is exact here */
    if ((double)n * p < 30) return binom_inversion(r, n, p);
    return binom_btrs(r, n, p);
}

iaf_status iaf_multinomial_init(iaf_multinomial *m, const double *p, size_t k, iaf_error *err)
{
    m->k = k;
    m->cond = NULL;
    m->last = 0;
    if (k == 0 || !p)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "empty probability vector");
    for (size_t i = 0; i < k; i++) {
        if (!(p[i] >= 0) || !isfinite(p[i]))
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "probability %zu is negative or not finite", i);
    }
    m->cond = iaf_malloc(k * sizeof *m->cond);
    if (!m->cond) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    /* Suffix sums with compensation, so the conditional probabilities of the
     * last cells are not polluted by rounding in the first ones. */
    double sum = 0, comp = 0;
    int any = 0;
    for (size_t i = k; i-- > 0;) {
        double y = p[i] - comp, t = sum + y;
        comp = (t - sum) - y;
        sum = t;
        m->cond[i] = p[i] > 0 ? p[i] / sum : 0;
        if (p[i] > 0 && !any) {
            m->last = i;
            any = 1;
        }
    }
    if (!any) {
        iaf_free(m->cond);
        m->cond = NULL;
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "probabilities sum to zero");
    }
    return IAF_OK;
}

void iaf_multinomial_sample(const iaf_multinomial *m, iaf_rng *r, uint64_t n, uint64_t *out)
{
    uint64_t left = n;
    for (size_t i = 0; i < m->k; i++) {
        uint64_t x = 0;
        if (left > 0 && m->cond[i] > 0)
            x = i == m->last ? left : iaf_rng_binomial(r, left, m->cond[i]);
        out[i] = x;
        left -= x;
    }
}

void iaf_multinomial_free(iaf_multinomial *m)
{
    if (!m) return;
    iaf_free(m->cond);
    m->cond = NULL;
}
