/* stats/specfun.h - special functions for the statistics layer, written from
 * the mathematics (no GSL / libRmath): log-gamma, regularised incomplete
 * gamma, chi-square and normal distributions, and the saddle-point pieces of
 * binomial probabilities used by the samplers.
 *
 * All functions are pure and thread-safe. Arguments outside the domain give
 * NAN. Accuracy target: 1e-12 relative against scipy on the committed grid
 * (tests/data/stats/specfun_grid.csv), in practice a few ulps for most
 * arguments.
 */
#ifndef IAF_STATS_SPECFUN_H
#define IAF_STATS_SPECFUN_H

#include <stdint.h>

/* log(1 + x) - x, accurate for small x; x > -1. */
double iaf_log1pmx(double x);

/* log Gamma(x) for x > 0 (+INFINITY at 0, NAN below). */
double iaf_lgamma(double x);

/* Stirling's error: log Gamma(n + 1) - [(n + 1/2) log n - n + log sqrt(2 pi)], n > 0. */
double iaf_stirlerr(double n);

/* Deviance term x log(x / m) + m - x, computed without cancellation near x == m.
 * x >= 0, m > 0. */
double iaf_bd0(double x, double m);

/* Regularised lower / upper incomplete gamma P(a, x), Q(a, x) = 1 - P(a, x),
 * a > 0, x >= 0; and their logarithms, which stay finite far into the tails
 * where P or Q underflow. */
double iaf_gamma_p(double a, double x);
double iaf_gamma_q(double a, double x);
double iaf_log_gamma_p(double a, double x);
double iaf_log_gamma_q(double a, double x);

/* Chi-square distribution with df > 0 degrees of freedom. */
double iaf_chi2_cdf(double x, double df);
double iaf_chi2_sf(double x, double df);
double iaf_chi2_logsf(double x, double df);

/* Standard normal distribution. */
double iaf_norm_pdf(double x);
double iaf_norm_cdf(double x);
double iaf_norm_sf(double x);
double iaf_norm_logcdf(double x);
double iaf_norm_ppf(double p); /* -INFINITY at 0, +INFINITY at 1 */

/* log P(X = k) for X ~ Binomial(n, p), 0 <= k <= n, 0 <= p <= 1 (Loader's
 * saddle-point form: accurate to a few ulps even for n in the billions). */
double iaf_binom_logpmf(uint64_t k, uint64_t n, double p);

#endif
