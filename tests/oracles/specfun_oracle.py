#!/usr/bin/python3
"""Reference values for src/stats/specfun.c.

Writes tests/data/stats/specfun_grid.csv: one row per (function, argument
pair) with the scipy value and a 40-digit mpmath value. The C test
(tests/unit/test_specfun.c) must match scipy to 1e-12 relative and mpmath
likewise; log-space functions (whose plain form underflows) are checked
against mpmath only, since scipy has no log form of them.

Run with Debian's python: /usr/bin/python3 tests/oracles/specfun_oracle.py
"""
import os
import sys

import mpmath as mp
import numpy as np
from scipy import special, stats

mp.mp.dps = 40
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "stats",
                   "specfun_grid.csv")

rows = []


def add(func, a, b, sp, ref):
    rows.append((func, float(a), float(b), float(sp), float(ref)))


def mp_gammainc_pq(a, x):
    # mpmath's series for one side may refuse to converge far in the other
    # side's tail; there the complement at 40 digits is exact enough.
    a, x = mp.mpf(a), mp.mpf(x)
    try:
        p = mp.gammainc(a, 0, x, regularized=True)
    except mp.libmp.NoConvergence:
        p = None
    try:
        q = mp.gammainc(a, x, mp.inf, regularized=True)
    except mp.libmp.NoConvergence:
        q = None
    if p is None and q is None:
        raise RuntimeError("mpmath failed for a=%r x=%r" % (a, x))
    if p is None:
        p = 1 - q
    if q is None:
        q = 1 - p
    return p, q


# log-gamma: around the zeros at 1 and 2, tiny and huge arguments.
lg_x = [1e-300, 1e-100, 1e-10, 1e-5, 0.01, 0.1, 0.3, 0.49, 0.5, 0.51, 0.9, 0.99, 1 - 1e-9, 1.0,
        1 + 2**-40, 1 + 1e-9, 1.01, 1.2, 1.4616321449683622, 1.5, 1.51, 1.9, 2 - 1e-10, 2.0,
        2 + 1e-8, 2.2, 2.49, 2.5, 2.51, 3.0, 4.5, 7.25, 9.99, 10.0, 10.5, 15.0, 33.3, 100.0,
        1e3, 12345.678, 1e5, 1e10, 1e15, 1e100, 1e300]
for x in lg_x:
    add("lgamma", x, 0, special.gammaln(x), mp.loggamma(mp.mpf(x)))

# Regularised incomplete gamma on a grid of shapes and of x relative to a.
a_list = [1e-10, 1e-3, 0.1, 0.5, 0.9, 1.0, 1.5, 2.0, 5.0, 9.5, 10.0, 10.5, 20.0, 50.0, 100.0,
          1e3, 1e4, 1e5, 1e6]
for a in a_list:
    xs = {a * f for f in (1e-3, 0.1, 0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 2.0, 5.0, 10.0)}
    xs |= {1e-300, 1e-10, 0.1, 1.0, 1.49, 1.5, 10.0, 100.0, 700.0, 1000.0}
    if a >= 10:
        xs |= {a + k * np.sqrt(a) for k in (-5, -2, -1, -0.5, 0.5, 1, 2, 5, 10)}
    for x in sorted(xs):
        if x <= 0:
            continue
        p, q = mp_gammainc_pq(a, x)
        if p > mp.mpf("1e-300"):
            add("gamma_p", a, x, special.gammainc(a, x), p)
        if q > mp.mpf("1e-300"):
            add("gamma_q", a, x, special.gammaincc(a, x), q)
        # log forms: reference from mpmath only (scipy would underflow).
        # (the log of the side near 1 comes from the other side: 40 digits
        # of 1 - 1e-60 would round it to 0).
        if p > 0:
            add("log_gamma_p", a, x, np.nan, mp.log(p) if p < 0.5 else mp.log1p(-q))
        if q > 0:
            add("log_gamma_q", a, x, np.nan, mp.log(q) if q < 0.5 else mp.log1p(-p))

# Chi-square, including the far tail named in the brief.
for x, df in [(1000, 10), (1, 1), (0.5, 1), (3.84, 1), (10, 3), (100, 50), (2e6 + 3000, 2e6),
              (1e-5, 2), (50, 2), (1400, 2), (60, 4), (0.1, 30)]:
    p, q = mp_gammainc_pq(df / 2, x / 2)
    add("chi2_sf", x, df, stats.chi2.sf(x, df), q)
    add("chi2_cdf", x, df, stats.chi2.cdf(x, df), p)
    add("chi2_logsf", x, df, stats.chi2.logsf(x, df), mp.log(q) if q < 0.5 else mp.log1p(-p))
for x, df in [(2000, 10), (5000, 3)]:  # sf underflows: log form only
    p, q = mp_gammainc_pq(df / 2, x / 2)
    add("chi2_logsf", x, df, np.nan, mp.log(q))


def mp_ncdf(x):
    return mp.ncdf(mp.mpf(x))


for x in [-37.5, -37, -30, -20, -10, -5, -3, -1.5, -1, -0.5, -1e-3, -1e-12, 0, 1e-12, 0.3, 1, 2.5,
          5, 8.2]:
    add("norm_cdf", x, 0, stats.norm.cdf(x), mp_ncdf(x))
for x in [-60, -40, -37.5, -37, -20, -5, -1, 0, 2, 10]:
    ref = mp.log(mp_ncdf(x)) if x <= 0 else mp.log1p(-mp_ncdf(-x))
    add("norm_logcdf", x, 0, stats.norm.logcdf(x) if x > -37 else np.nan, ref)

for p in [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.01, 0.074, 0.075, 0.076, 0.1, 0.3,
          0.5 - 1e-10, 0.5 + 2**-40, 0.7, 0.9, 0.924, 0.925, 0.926, 0.975, 0.99, 1 - 1e-10,
          1 - 2**-53]:
    ref = mp.sqrt(2) * mp.erfinv(2 * mp.mpf(p) - 1)
    add("norm_ppf", p, 0, stats.norm.ppf(p), ref)


def mp_binom_logpmf(k, n, p):
    k, n, p = mp.mpf(k), mp.mpf(n), mp.mpf(p)
    return (mp.loggamma(n + 1) - mp.loggamma(k + 1) - mp.loggamma(n - k + 1) + k * mp.log(p)
            + (n - k) * mp.log1p(-p))


for k, n, p in [(0, 10, 0.3), (3, 10, 0.3), (10, 10, 0.3), (5, 20, 0.5), (500, 1000, 0.5),
                (1, 1000000, 1e-6), (500, 1000000, 5e-4), (480, 1000000, 5e-4),
                (700, 1000000, 5e-4), (300000, 1000000, 0.3), (299000, 1000000, 0.3),
                (0, 1000000, 5e-4), (50, 10**9, 5e-8), (4, 7, 0.999), (123456789, 10**9, 0.123),
                (5, 30, 0.01)]:
    add("binom_logpmf", k, n, stats.binom.logpmf(k, n, p), mp_binom_logpmf(k, n, p))
    rows[-1] = rows[-1] + (p,)

with open(OUT, "w") as f:
    f.write("func,a,b,scipy,mpmath,c\n")
    for r in rows:
        c = r[5] if len(r) > 5 else 0.0
        f.write("%s,%r,%r,%r,%r,%r\n" % (r[0], r[1], r[2], r[3], r[4], c))

# Sanity: scipy and mpmath agree wherever both exist (the C test holds both).
bad = 0
for r in rows:
    sp, ref = r[3], r[4]
    if np.isnan(sp) or ref == 0:
        continue
    if abs(sp - ref) > 1e-12 * abs(ref):
        bad += 1
        print("scipy/mpmath disagree:", r, abs(sp - ref) / abs(ref), file=sys.stderr)
print("%d rows written to %s (%d scipy/mpmath disagreements)" % (len(rows), OUT, bad))
