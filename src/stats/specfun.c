/* stats/specfun.c - special functions written from their series, continued
 * fractions and asymptotic expansions (see docs/method.md, "Special
 * functions", for the formulas and the region each one is used in).
 */
#include "stats/specfun.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#define LOG_SQRT_2PI 0x1.d67f1c864beb5p-1 /* log(sqrt(2 pi)) */
#define LOG_2PI 0x1.d67f1c864beb5p+0      /* log(2 pi) */
#define INV_SQRT_2PI 0x1.9884533d43651p-2 /* 1 / sqrt(2 pi) */
#define EULER_GAMMA 0x1.2788cfc6fb619p-1

/* Iteration caps: far above what any argument needs (a series or continued
 * fraction near a = x needs O(sqrt(a)) terms), so hitting one means NAN. */
#define MAX_ITER 50000000L

double iaf_log1pmx(double x)
{
    if (isnan(x) || x < -1) return NAN;
    if (x == -1) return -INFINITY;
    if (fabs(x) >= 0.5) return log1p(x) - x;
    /* log(1+x) = 2 atanh(r) with r = x / (2 + x); 2r - x = -x r exactly, so
     * log(1+x) - x = -x r + 2 r (r^2/3 + r^4/5 + ...), free of cancellation. */
    double r = x / (2 + x), r2 = r * r;
    double s = 0, pw = r2;
    for (int j = 1; j < 60; j++) {
        double t = pw / (2 * j + 1);
        s += t;
        if (t <= s * DBL_EPSILON * 0.25) break;
        pw *= r2;
    }
    return -x * r + 2 * r * s;
}

/* zeta(k) - 1 for k = 2..40 (to double precision; computed with mpmath). */
static const double zeta_m1[] = {
    0x1.4a34cc4a60fa6p-1,  0x1.9dd002780310ap-3,  0x1.51322ac7d8483p-4,  0x1.2e831d94f99b7p-5,
    0x1.1c26130249124p-6,  0x1.1196d0a679c47p-7,  0x1.0b36af86396e9p-8,  0x1.073e7b02d6ae0p-9,
    0x1.04b8ce96ee5f8p-10, 0x1.0318df2459954p-11, 0x1.020a5b2cd3042p-12, 0x1.01593a1177bd6p-13,
    0x1.00e4af2b4e156p-14, 0x1.0097bcbf11bedp-15, 0x1.0064cdeb22f0fp-16, 0x1.0043073686681p-17,
    0x1.002c9953744ccp-18, 0x1.001db08f9ba4ap-19, 0x1.0013c594466eap-20, 0x1.000d2bab28121p-21,
    0x1.0008c66cec77dp-22, 0x1.0005d8f13858cp-23, 0x1.0003e59ffde12p-24, 0x1.000298ea55633p-25,
    0x1.0001bb316ccdap-26, 0x1.0001276b90845p-27, 0x1.0000c4ed05ae3p-28, 0x1.0000834601a87p-29,
    0x1.00005782aaebep-30, 0x1.00003a56719b9p-31, 0x1.000026e3f644fp-32, 0x1.000019ed24201p-33,
    0x1.00001148ad653p-34, 0x1.00000b85be414p-35, 0x1.000007ae797ffp-36, 0x1.0000051ef8ffap-37,
    0x1.00000369f9ff9p-38, 0x1.00000246a5ffbp-39, 0x1.000001846e551p-40,
};

/* sum_{k>=2} (-1)^k (zeta(k) - 1) z^k / k for |z| <= 0.5; the coefficients
 * fall like 2^-k, so the terms fall like 4^-k. */
static double zeta_series(double z)
{
    double s = 0, pw = z * z;
    for (size_t i = 0; i < sizeof zeta_m1 / sizeof zeta_m1[0]; i++) {
        unsigned k = (unsigned)i + 2;
        double t = zeta_m1[i] * pw / k;
        s += (k & 1) ? -t : t;
        if (fabs(t) <= fabs(s) * DBL_EPSILON * 0.25) break;
        pw *= z;
    }
    return s;
}

/* log Gamma(1 + z) = -log(1+z) + (1 - gamma) z + zeta_series(z)
 *                  = -log1pmx(z) - gamma z + zeta_series(z), |z| <= 0.5. */
static double lgamma_near1(double z)
{
    return -iaf_log1pmx(z) - EULER_GAMMA * z + zeta_series(z);
}

/* log Gamma(2 + z) = log(1+z) + log Gamma(1+z) = (1 - gamma) z + zeta_series(z). */
static double lgamma_near2(double z)
{
    return (1 - EULER_GAMMA) * z + zeta_series(z);
}

/* Stirling's series sum_k B_2k / (2k (2k-1) x^(2k-1)), for x >= 10. */
static double stirling_series(double x)
{
    static const double c[] = {1.0 / 12,    -1.0 / 360,       1.0 / 1260,
                               -1.0 / 1680, 1.0 / 1188,       -691.0 / 360360,
                               1.0 / 156,   -3617.0 / 122400, 43867.0 / 244188};
    double ix2 = 1 / (x * x), pw = 1 / x, s = 0;
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        double t = c[k] * pw;
        s += t;
        if (fabs(t) <= fabs(s) * DBL_EPSILON * 0.25) break;
        pw *= ix2;
    }
    return s;
}

/* log Gamma(1 + z) for -0.5 <= z <= 1.5, with full relative accuracy near
 * the zeros at z = 0 and z = 1. */
static double lgamma1p(double z)
{
    if (z <= 0.5) return lgamma_near1(z);
    return lgamma_near2(z - 1);
}

double iaf_lgamma(double x)
{
    if (isnan(x) || x < 0) return NAN;
    if (x == 0 || isinf(x)) return INFINITY;
    if (x < 0.5) return lgamma_near1(x) - log(x);
    if (x < 1.5) return lgamma_near1(x - 1);
    if (x <= 2.5) return lgamma_near2(x - 2);
    if (x < 10) {
        /* Recur down into [1.5, 2.5]: every factor is >= 1.5, so the sum of
         * two logs of modest size loses nothing. */
        double prod = 1;
        while (x > 2.5) {
            x -= 1;
            prod *= x;
        }
        return log(prod) + lgamma_near2(x - 2);
    }
    return (x - 0.5) * log(x) - x + LOG_SQRT_2PI + stirling_series(x);
}

/* stirlerr(n) for n = 1..15 (computed with mpmath). */
static const double stirlerr_int[] = {
    0x1.4c071bcda0a5bp-4, 0x1.52a9b923ea649p-5, 0x1.c579a268d80b3p-6, 0x1.54a2662fd78a9p-6,
    0x1.10b4e513fcbedp-6, 0x1.c6b167bebdf36p-7, 0x1.85d4d612e4a86p-7, 0x1.552805e7b3076p-7,
    0x1.2f4871b12ab64p-7, 0x1.10f9d4c0743a7p-7, 0x1.f0593088014f8p-8, 0x1.c7018733aa9c6p-8,
    0x1.a40514700f36cp-8, 0x1.86076c002d4a7p-8, 0x1.6c08f6f194a10p-8,
};

double iaf_stirlerr(double n)
{
    if (isnan(n) || n <= 0) return NAN;
    if (n <= 15 && n == floor(n)) return stirlerr_int[(int)n - 1];
    if (n >= 10) return stirling_series(n);
    return iaf_lgamma(n + 1) - (n + 0.5) * log(n) + n - LOG_SQRT_2PI;
}

double iaf_bd0(double x, double m)
{
    if (isnan(x) || isnan(m) || x < 0 || m <= 0) return NAN;
    if (x == 0) return m;
    if (fabs(x - m) < 0.1 * (x + m)) {
        /* With v = (x-m)/(x+m): x log(x/m) = 2x atanh(v) and m - x = -v (x+m),
         * so bd0 = v (x - m) + 2x (v^3/3 + v^5/5 + ...). */
        double v = (x - m) / (x + m), v2 = v * v;
        double s = (x - m) * v, ej = 2 * x * v;
        for (int j = 1; j < 1000; j++) {
            ej *= v2;
            double s1 = s + ej / (2 * j + 1);
            if (s1 == s) break;
            s = s1;
        }
        return s;
    }
    return x * log(x / m) + m - x;
}

/* log(x^a e^-x / Gamma(a)), the common factor of the series and the continued
 * fraction. For a >= 10 it is assembled from Stirling's series so that the
 * large terms a log x, x and log Gamma(a) never meet: the result is
 * a log1pmx((x-a)/a) + log(a / (2 pi)) / 2 - stirling_series(a). */
static double log_prefix(double a, double x)
{
    if (a < 10) return a * log(x) - x - iaf_lgamma(a);
    double t = (x - a) / a, core;
    if (fabs(t) < 0.5) {
        core = a * iaf_log1pmx(t);
    } else {
        double q = x / a;
        double lq = (q > DBL_MIN * 16 && q < DBL_MAX / 16) ? log(q) : log(x) - log(a);
        core = a * lq - (x - a);
    }
    return core + 0.5 * (log(a) - LOG_2PI) - stirling_series(a);
}

/* log Gamma(1 + a) for a > 0, accurate also when a is tiny. */
static double lgamma1p_any(double a)
{
    return a <= 1.5 ? lgamma1p(a) : iaf_lgamma(a + 1);
}

/* log P(a, x) from the power series x^a e^-x / Gamma(a+1) * sum_n x^n / (a+1)...(a+n). */
static double log_p_series(double a, double x)
{
    double sum = 1, term = 1;
    long n;
    for (n = 1; n < MAX_ITER; n++) {
        term *= x / (a + n);
        sum += term;
        if (term <= sum * DBL_EPSILON * 0.25) break;
    }
    if (n >= MAX_ITER) return NAN;
    double lpre = a < 10 ? a * log(x) - x - lgamma1p_any(a) : log_prefix(a, x) - log(a);
    return lpre + log(sum);
}

/* log Q(a, x) from Legendre's continued fraction
 * Gamma(a, x) = x^a e^-x / (x+1-a - 1(1-a) / (x+3-a - 2(2-a) / (x+5-a - ...))),
 * evaluated by the modified Lentz method. Used for x >= a + 1 (or x >= 1.5
 * when a < 1), where it converges quickly. */
static double log_q_cf(double a, double x)
{
    const double tiny = DBL_MIN * 1e10;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    long i;
    for (i = 1; i < MAX_ITER; i++) {
        double an = -(double)i * ((double)i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) <= DBL_EPSILON) break;
    }
    if (i >= MAX_ITER) return NAN;
    return log_prefix(a, x) + log(h);
}

/* Q(a, x) for a < 1 and x < 1.5, where 1 - P would cancel (Q ~ a E1(x) as
 * a -> 0). From gamma(a, x) = x^a [1/a + S], S = sum_{n>=1} (-x)^n / (n! (a+n)):
 *   Q = -expm1(a log x - log Gamma(1+a)) - x^a / Gamma(1+a) * a S. */
static double q_small_a(double a, double x)
{
    double la = a * log(x) - lgamma1p(a);
    double s = 0, t = 1;
    for (int n = 1; n < 1000; n++) {
        t *= -x / n;
        double u = t / (a + n);
        s += u;
        if (fabs(u) <= fabs(s) * DBL_EPSILON * 0.25) break;
    }
    return -expm1(la) - exp(la) * a * s;
}

/* Both log P and log Q, each computed by the method that keeps it accurate. */
static void gamma_log_pq(double a, double x, double *lp, double *lq)
{
    if (isnan(a) || isnan(x) || a <= 0 || x < 0) {
        *lp = *lq = NAN;
    } else if (x == 0 || isinf(a)) {
        *lp = -INFINITY;
        *lq = 0;
    } else if (isinf(x)) {
        *lp = 0;
        *lq = -INFINITY;
    } else if (a < 1 && x < 1.5) {
        /* Both sides are computed directly; the log of the larger one comes
         * from the smaller one, since log(1 - tiny) needs the tiny part. */
        double lps = log_p_series(a, x), q = q_small_a(a, x);
        if (q < 0.5) {
            *lq = log(q);
            *lp = log1p(-q);
        } else {
            *lp = lps;
            *lq = log1p(-exp(lps));
        }
    } else if (x < a + 1) {
        /* Here Q >= 0.13 (its minimum, e^-2, is at a = 1), so 1 - P is safe. */
        *lp = log_p_series(a, x);
        *lq = log1p(-exp(*lp));
    } else {
        /* Here P >= 0.5 or so, so 1 - Q is safe. */
        *lq = log_q_cf(a, x);
        *lp = log1p(-exp(*lq));
    }
}

double iaf_log_gamma_p(double a, double x)
{
    double lp, lq;
    gamma_log_pq(a, x, &lp, &lq);
    return lp;
}

double iaf_log_gamma_q(double a, double x)
{
    double lp, lq;
    gamma_log_pq(a, x, &lp, &lq);
    return lq;
}

double iaf_gamma_p(double a, double x)
{
    return exp(iaf_log_gamma_p(a, x));
}

double iaf_gamma_q(double a, double x)
{
    return exp(iaf_log_gamma_q(a, x));
}

double iaf_chi2_cdf(double x, double df)
{
    if (isnan(x) || isnan(df) || df <= 0) return NAN;
    if (x <= 0) return 0;
    return iaf_gamma_p(df / 2, x / 2);
}

double iaf_chi2_sf(double x, double df)
{
    if (isnan(x) || isnan(df) || df <= 0) return NAN;
    if (x <= 0) return 1;
    return iaf_gamma_q(df / 2, x / 2);
}

double iaf_chi2_logsf(double x, double df)
{
    if (isnan(x) || isnan(df) || df <= 0) return NAN;
    if (x <= 0) return 0;
    return iaf_log_gamma_q(df / 2, x / 2);
}

double iaf_norm_pdf(double x)
{
    return INV_SQRT_2PI * exp(-0.5 * x * x);
}

double iaf_norm_cdf(double x)
{
    if (isnan(x)) return NAN;
    double z = x * M_SQRT1_2;
    if (fabs(z) < M_SQRT1_2) return 0.5 + 0.5 * erf(z);
    return 0.5 * erfc(-z);
}

double iaf_norm_sf(double x)
{
    return iaf_norm_cdf(-x);
}

/* Laplace's continued fraction for the Mills ratio, t large:
 * (1 - Phi(t)) / phi(t) = 1 / (t + 1 / (t + 2 / (t + 3 / (t + ...)))). */
static double mills_ratio_cf(double t)
{
    double f = t;
    for (int k = 80; k >= 1; k--)
        f = t + k / f;
    return 1 / f;
}

double iaf_norm_logcdf(double x)
{
    if (isnan(x)) return NAN;
    if (x > 0) return log1p(-iaf_norm_cdf(-x));
    if (x > -37) return log(iaf_norm_cdf(x));
    return -0.5 * x * x - LOG_SQRT_2PI + log(mills_ratio_cf(-x));
}

/* Lower-tail quantile for 0 < p <= 0.075: Newton on log Phi(x) = log p.
 * log Phi is concave and increasing, so the iteration converges monotonically
 * after its first step. */
static double ppf_tail(double p)
{
    double lp = log(p);
    double x = -sqrt(-2 * lp);
    for (int i = 0; i < 2; i++)
        x = -sqrt(fmax(-2 * lp - 2 * log(-x) - LOG_2PI, 1.0));
    for (int i = 0; i < 100; i++) {
        double lc = iaf_norm_logcdf(x);
        /* d log Phi / dx = phi / Phi = exp(log phi - log Phi). */
        double g = exp(-0.5 * x * x - LOG_SQRT_2PI - lc);
        double dx = (lc - lp) / g;
        x -= dx;
        if (fabs(dx) <= 1e-16 * fabs(x)) break;
    }
    return x;
}

double iaf_norm_ppf(double p)
{
    if (isnan(p) || p < 0 || p > 1) return NAN;
    if (p == 0) return -INFINITY;
    if (p == 1) return INFINITY;
    double q = p - 0.5; /* exact */
    if (fabs(q) <= 0.425) {
        /* Solve erf(x / sqrt 2) / 2 = q: both sides are accurate near 0, which
         * Phi(x) = p is not. Newton from the linearisation. */
        if (q == 0) return 0;
        double x = q / INV_SQRT_2PI;
        for (int i = 0; i < 100; i++) {
            double dx = (0.5 * erf(x * M_SQRT1_2) - q) / iaf_norm_pdf(x);
            x -= dx;
            if (fabs(dx) <= 1e-16 * fabs(x)) break;
        }
        return x;
    }
    if (q < 0) return ppf_tail(p);
    return -ppf_tail(1 - p); /* 1 - p is exact for p >= 0.5 */
}

double iaf_binom_logpmf(uint64_t k, uint64_t n, double p)
{
    if (isnan(p) || p < 0 || p > 1) return NAN;
    if (k > n) return -INFINITY;
    if (p == 0) return k == 0 ? 0 : -INFINITY;
    if (p == 1) return k == n ? 0 : -INFINITY;
    double q = 1 - p, dn = (double)n, dk = (double)k;
    if (k == 0) return dn * log1p(-p);
    if (k == n) return dn * log(p);
    double dm = dn - dk;
    double lc = iaf_stirlerr(dn) - iaf_stirlerr(dk) - iaf_stirlerr(dm) - iaf_bd0(dk, dn * p) -
                iaf_bd0(dm, dn * q);
    return lc - 0.5 * (LOG_2PI + log(dk) + log(dm / dn));
}
