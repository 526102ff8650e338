/* stats/rng.c - xoshiro256**, splitmix64 seeding, exact binomial and
 * multinomial sampling. */
#include "stats/rng.h"

#include <float.h>
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
 * faster than BTRS there (whose squeeze accepts less often at small means).
 * ratio = p / (1 - p) and lq = log1p(-p) depend on p only, so a multinomial
 * computes them once per cell; the arithmetic is the same either way. The
 * step's factors (n - k + 1) and k are carried as doubles: exact below 2^53
 * (every count is, IAF_MAX_COUNT), so they round as the integers did. */
static uint64_t binom_inversion(iaf_rng *r, uint64_t n, double ratio, double lq)
{
    double f0 = exp((double)n * lq), dn = (double)n;
    for (;;) {
        double u = iaf_rng_uniform(r), f = f0, dk = 0, dnk = dn;
        uint64_t k = 0;
        while (u >= f) {
            u -= f;
            if (k == n || f == 0) break; /* rounding left u beyond the mass: redraw */
            k++;
            dk += 1;
            f *= ratio * dnk / dk; /* dnk = n - k + 1 */
            dnk -= 1;
        }
        if (u < f) return k;
    }
}

/* Constants of Hoermann (1993), "The generation of binomial random
 * variates", algorithm BTRS, for n p >= 10 and p <= 1/2. alpha is needed
 * only when the squeeze fails, and is left to btrs_alpha. */
static void btrs_constants(iaf_btrs *t, uint64_t n, double p)
{
    double dn = (double)n, q = 1 - p;
    t->n = dn;
    t->p = p;
    t->spq = sqrt(dn * p * q);
    t->b = 1.15 + 2.53 * t->spq;
    t->a = -0.0873 + 0.0248 * t->b + 0.01 * p;
    t->c = dn * p + 0.5;
    t->alpha = NAN;
    t->vr = 0.92 - 4.2 / t->b;
    t->m = floor((dn + 1) * p);
    t->logf_m = NAN;
}

static double btrs_alpha(const iaf_btrs *t)
{
    return (2.83 + 5.1 / t->b) * t->spq;
}

void iaf_btrs_setup(iaf_btrs *t, uint64_t n, double p)
{
    btrs_constants(t, n, p);
    t->alpha = btrs_alpha(t);
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

/* (x + 1/2) log x, the part of log x! that Stirling's formula leaves after
 * the terms that cancel in a ratio of binomial probabilities. */
static double stirling_h(double x)
{
    return (x + 0.5) * log(x);
}

double iaf_btrs_logratio_approx(double n, double lpq, double m, double hm, double k, double *margin)
{
    /* log f(k) - log f(m) = H(m) + H(n-m) - H(k) - H(n-k) + (k - m) log(p/q)
     *                       + s(m) + s(n-m) - s(k) - s(n-k),
     * H(x) = (x + 1/2) log x and s the Stirling remainder (stirlerr), which
     * Robbins (1955) bounds: 1/(12x+1) < s(x) < 1/(12x) for x >= 1, so
     * s(x) = 1/(12x) - e with 0 < e < 1/(144 x^2). hm = H(m) + H(n-m). */
    double hk = stirling_h(k), hnk = stirling_h(n - k);
    double sm = 1 / (12 * m) + 1 / (12 * (n - m)), sk = 1 / (12 * k) + 1 / (12 * (n - k));
    double big = hm - (hk + hnk), lin = (k - m) * lpq;
    double d = big + lin + (sm - sk);
    /* The Stirling remainders' error, then rounding: each term above is within a few
     * ulps of its value, and the sums add an ulp of their running magnitude each; 256
     * ulps of the sum of magnitudes covers both with room to spare. The value this
     * approximates, iaf_binom_logpmf(k) - iaf_binom_logpmf(m), has rounding errors
     * of its own, a few hundred ulps of |d| + 100 at most (its bd0 terms are at most
     * |d| plus the log terms, and bd0's direct branch cancels by up to 1/0.017). */
    double rob = 1 / (144 * m * m) + 1 / (144 * (n - m) * (n - m)) + 1 / (144 * k * k) +
                 1 / (144 * (n - k) * (n - k));
    double mag = fabs(hm) + fabs(hk) + fabs(hnk) + fabs(k - m) * (fabs(lpq) + 1) + sm + sk;
    *margin = rob + 256 * DBL_EPSILON * mag + 4096 * DBL_EPSILON * (fabs(d) + 100);
    return d;
}

/* BTRS. lpq = log(p / (1 - p)), or NAN to compute it here when needed.
 *
 * Where the squeeze fails, the exact test is lv <= log f(k) - log f(m) with
 * both pmfs from iaf_binom_logpmf (Loader's saddle-point form: three
 * stirlerr and two bd0 series each). Its decision is reproduced first from
 * Stirling's formula with Robbins' bounds on the remainders
 * (iaf_btrs_logratio_approx: two logs), which brackets that value within a
 * margin far wider than any rounding; only a draw whose lv falls inside the
 * bracket (rare: it is narrow) pays for the two pmfs. The decisions, and so
 * every variate, are those of the plain test. */
static uint64_t binom_btrs(iaf_rng *r, uint64_t n, double p, double lpq)
{
    iaf_btrs t;
    /* The mode's pmf is needed only when the squeeze fails (~15% of draws),
     * so it is computed lazily: the setup is the cost that multinomial
     * sampling pays once per cell. */
    btrs_constants(&t, n, p);
    int have_fm = 0, have_hm = 0;
    double hm = 0;
    for (;;) {
        double u = iaf_rng_uniform(r) - 0.5;
        double v = iaf_rng_uniform(r);
        double us = 0.5 - fabs(u);
        int64_t k = btrs_candidate(&t, u, us);
        if (k < 0) continue;
        if (us >= 0.07 && v <= t.vr) return (uint64_t)k;
        if (!have_hm) {
            t.alpha = btrs_alpha(&t);
            if (isnan(lpq)) lpq = log(p / (1 - p));
            hm = stirling_h(t.m) + stirling_h(t.n - t.m);
            have_hm = 1;
        }
        double lv = log(v * t.alpha / (t.a / (us * us) + t.b));
        if (k > 0 && (uint64_t)k < n) {
            double margin;
            double d = iaf_btrs_logratio_approx(t.n, lpq, t.m, hm, (double)k, &margin);
            if (lv <= d - margin) return (uint64_t)k;
            if (lv > d + margin) continue;
        }
        if (!have_fm) {
            t.logf_m = iaf_binom_logpmf((uint64_t)t.m, n, p);
            have_fm = 1;
        }
        if (lv <= iaf_binom_logpmf((uint64_t)k, n, p) - t.logf_m) return (uint64_t)k;
    }
}

uint64_t iaf_rng_binomial(iaf_rng *r, uint64_t n, double p)
{
    if (n == 0 || !(p > 0)) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - iaf_rng_binomial(r, n, 1 - p); /* 1 - p is exact here */
    if ((double)n * p < 30) return binom_inversion(r, n, p / (1 - p), log1p(-p));
    return binom_btrs(r, n, p, NAN);
}

/* One cell of a multinomial: iaf_rng_binomial(r, n, cond) with what depends
 * on cond alone computed once. */
static void cell_init(iaf_binom_cell *c, double cond)
{
    c->flip = cond > 0.5 && cond < 1;
    c->all = cond >= 1;
    double p = c->flip ? 1 - cond : cond;
    c->p = p;
    c->ratio = p / (1 - p);
    c->lq = log1p(-p);
    c->lpq = p > 0 && p < 1 ? log(p / (1 - p)) : NAN;
}

static uint64_t cell_sample(const iaf_binom_cell *c, iaf_rng *r, uint64_t n)
{
    if (n == 0 || !(c->p > 0)) return 0;
    if (c->all) return n;
    uint64_t x = (double)n * c->p < 30 ? binom_inversion(r, n, c->ratio, c->lq)
                                       : binom_btrs(r, n, c->p, c->lpq);
    return c->flip ? n - x : x;
}

iaf_status iaf_multinomial_init(iaf_multinomial *m, const double *p, size_t k, iaf_error *err)
{
    m->k = k;
    m->cond = NULL;
    m->cell = NULL;
    m->last = 0;
    if (k == 0 || !p)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "empty probability vector");
    for (size_t i = 0; i < k; i++) {
        if (!(p[i] >= 0) || !isfinite(p[i]))
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "probability %zu is negative or not finite", i);
    }
    m->cond = iaf_malloc(k * sizeof *m->cond);
    m->cell = iaf_malloc(k * sizeof *m->cell);
    if (!m->cond || !m->cell) {
        iaf_multinomial_free(m);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* Suffix sums with compensation, so the conditional probabilities of the
     * last cells are not polluted by rounding in the first ones. */
    double sum = 0, comp = 0;
    int any = 0;
    for (size_t i = k; i-- > 0;) {
        double y = p[i] - comp, t = sum + y;
        comp = (t - sum) - y;
        sum = t;
        m->cond[i] = p[i] > 0 ? p[i] / sum : 0;
        cell_init(&m->cell[i], m->cond[i]);
        if (p[i] > 0 && !any) {
            m->last = i;
            any = 1;
        }
    }
    if (!any) {
        iaf_multinomial_free(m);
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "probabilities sum to zero");
    }
    return IAF_OK;
}

void iaf_multinomial_sample(const iaf_multinomial *m, iaf_rng *r, uint64_t n, uint64_t *out)
{
    uint64_t left = n;
    for (size_t i = 0; i < m->k; i++) {
        uint64_t x = 0;
        if (left > 0 && m->cond[i] > 0) x = i == m->last ? left : cell_sample(&m->cell[i], r, left);
        out[i] = x;
        left -= x;
    }
}

void iaf_multinomial_free(iaf_multinomial *m)
{
    if (!m) return;
    iaf_free(m->cond);
    iaf_free(m->cell);
    m->cond = NULL;
    m->cell = NULL;
}
