#!/usr/bin/python3
"""Logit (bounded) calibration of the NPK worked example: feasible within [L, U] or not?

The bounded calibration looks for factors g, one per unit (a combination of the columns the
targets read, its rows as mass d), with L < g < U, that meet every target: a linear
feasibility problem, sum over the units of a cell of d g = target, L <= g <= U. For the units
that `iaf calibrate --units` wrote, this script

  * solves it with scipy's HiGHS linear programming: is [L, U] feasible (closed bounds; the
    open logit bounds need a point strictly inside, so closed feasibility is necessary);
  * names the cell whose target most exceeds U times its mass (a cell needs a mean g of
    target / mass, so that ratio must lie in [L, U]: the per-cell necessary condition);
  * finds by linear programming the smallest U for the given L (minimise U over g and U);
  * and, given a units file of a converged logit run (LOGIT_UNITS, bounds L2, U2), solves the
    calibration independently (Newton's method with a trust region on the convex dual,
    scipy's trust-exact, then full Newton steps) and prints the largest difference of g from iaf's.

usage: calibrate_npk_bounds.py SRC UNITS.csv L U [LOGIT_UNITS.csv L2 U2]
Prints one JSON object.
"""
import csv
import json
import sys

import numpy as np
import pandas as pd
from scipy.optimize import linprog, minimize
from scipy.sparse import csr_matrix, hstack, vstack, eye
from scipy.special import expit

src, units, L, U = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
ref = src + '/examples/npk/data/reference/'
with open(src + '/examples/npk/crosswalks/npk_occupation_to_ksco7_major_B.csv') as f:
    xw = {r['from']: r['to'] for r in csv.DictReader(l for l in f if not l.startswith('#'))}


def load(path):
    u = pd.read_csv(path, dtype=str, keep_default_na=False)
    u['major'] = u.occupation.map(xw)
    assert u.major.notna().all()
    u['age_bin'] = pd.cut(u.age.astype(int), [19, 26, 36, 46, 56, 66, 76, 86, np.inf],
                          right=False, labels=['19-24', '25-34', '35-44', '45-54', '55-64',
                                               '65-74', '75-84', '85+']).astype(str)
    return u


def margin(u, d, keys, reftab, refkeys, rows):
    """Reached reference cells, each unit's cell or -1, the targets and the cells' mass."""
    r = pd.read_csv(reftab, dtype=str)
    r['count'] = r['count'].astype(float)
    r = r.groupby(refkeys)['count'].sum()
    key = list(zip(*[u[k] for k in keys]))
    mass = {}
    for i in np.nonzero(rows)[0]:
        mass[key[i]] = mass.get(key[i], 0.0) + d[i]
    reached = [k for k in r.index if k in mass and r[k] > 0]
    inside = sum(mass[k] for k in reached)
    rsum = sum(r[k] for k in reached)
    idx = {k: j for j, k in enumerate(reached)}
    cell = np.array([idx.get(k, -1) if rows[i] else -1 for i, k in enumerate(key)])
    return (reached, cell, np.array([r[k] / rsum * inside for k in reached]),
            np.array([mass[k] for k in reached]))


def system(path):
    """The constraint matrix (cells x units, entries d), targets, d, and the cells."""
    u = load(path)
    d = u['mass'].astype(float).values
    n = len(u)
    ms = [('sex_x_occupation',) + margin(u, d, ['major', 'sex'],
                                         ref + 'eaps_2025_sex_by_ksco_major.csv',
                                         ['ksco_major', 'sex'], (u.major != '').values),
          ('register_sex_province_age',) + margin(u, d, ['sex', 'province', 'age_bin'],
                                                  ref + 'mois_2025_province_sex_agebin_19plus.csv',
                                                  ['sex', 'province', 'age_bin'], np.ones(n, bool))]
    A = vstack([csr_matrix((d[c >= 0], (c[c >= 0], np.nonzero(c >= 0)[0])), shape=(len(cells), n))
                for _, cells, c, _, _ in ms]).tocsr()
    return u, d, A, np.concatenate([t for _, _, _, t, _ in ms]), ms


out = {}
u, d, A, b, ms = system(units)
n = len(d)
worst = None
for name, cells, cell, target, mass in ms:
    ratio = target / mass
    j = int(np.argmax(ratio))
    if worst is None or ratio[j] > worst[0]:
        worst = (float(ratio[j]), name, ' | '.join(cells[j]), float(target[j]), float(mass[j]))
out['largest_mean_g'] = {'ratio': worst[0], 'margin': worst[1], 'category': worst[2],
                         'target': worst[3], 'mass': worst[4]}
res = linprog(np.zeros(n), A_eq=A, b_eq=b, bounds=(L, U), method='highs')
out['feasible'] = bool(res.status == 0)
# the smallest U with g >= L: minimise U over (g, U) with g_i - U <= 0
c = np.zeros(n + 1)
c[-1] = 1
res = linprog(c, A_ub=hstack([eye(n), -np.ones((n, 1))]).tocsr(), b_ub=np.zeros(n),
              A_eq=hstack([A, csr_matrix((A.shape[0], 1))]).tocsr(), b_eq=b,
              bounds=[(L, None)] * n + [(None, None)], method='highs')
assert res.status == 0, res.message
out['smallest_upper'] = float(res.x[-1])

if len(sys.argv) > 5:
    u2, d2, A2, b2, _ = system(sys.argv[5])
    L2, U2 = float(sys.argv[6]), float(sys.argv[7])
    Ad = A2.multiply(1 / d2[None, :]).tocsr()  # indicators: X' of the units
    K = (U2 - L2) / ((U2 - 1) * (1 - L2))
    off = np.log(1 - L2) - np.log(U2 - 1)

    def parts(lam):
        x = Ad.T @ lam
        s = expit(K * x + off)
        P = L2 * x + (U2 - L2) / K * np.logaddexp(np.log(U2 - 1), np.log(1 - L2) + K * x)
        return x, s, P

    def f(lam):
        _, _, P = parts(lam)
        return d2 @ P - lam @ b2

    def grad(lam):
        _, s, _ = parts(lam)
        return Ad @ (d2 * (L2 + (U2 - L2) * s)) - b2

    def hess(lam):
        _, s, _ = parts(lam)
        h = d2 * (U2 - L2) * K * s * (1 - s)
        return (Ad @ csr_matrix((h, (np.arange(len(h)), np.arange(len(h))))) @ Ad.T).toarray()

    r = minimize(f, np.zeros(A2.shape[0]), jac=grad, hess=hess, method='trust-exact',
                 options={'gtol': 1e-9, 'maxiter': 1000})
    lam = r.x
    for _ in range(5):  # polish: full Newton steps near the solution (H is singular: pinv)
        lam = lam - np.linalg.pinv(hess(lam), rcond=1e-12) @ grad(lam)
    _, s, _ = parts(lam)
    g = L2 + (U2 - L2) * s
    crit = np.max(np.abs(A2 @ g - b2) / (1 + b2))
    out['dual'] = {'iterations': int(r.nit), 'criterion': float(crit),
                   'max_g_diff': float(np.max(np.abs(g - u2['g'].astype(float).values))),
                   'g_min': float(g.min()), 'g_max': float(g.max())}
print(json.dumps(out))
