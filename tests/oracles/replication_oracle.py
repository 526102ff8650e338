#!/usr/bin/python3
"""Independent oracle for the replication bundles (examples/us, examples/jp).

Everything is recomputed with pandas/numpy from the committed ORIGINAL files: the CRC
synthetic CSVs, the real excerpt, the Census API extracts (DATA + LEGEND, parsed here, not
the long tables that examples/us/prepare derives; the margins of error are the M columns),
the 2020 census files and the persona sample. Category correspondences are written out below
from the data dictionary and the table legends; no iaf code, crosswalk file or prepared table
is read.

Per check it writes the metrics of docs/method.md (TVD, its margins, conditional TVD, dependence
TVDs, retention, footprint, footprint_dep, the noise floors, support_ref, n) and a verdict with
its diagnosis, following METHOD.md version 2 (sections 4.1, 4.2, 8, 9) with its own parametric
bootstrap (B = 1000, numpy's generator):

* reference standard errors: an ACS cell's SE is its 90% margin of error / 1.645; cells that
  one category sums are added in quadrature; as a share, SE / the reference total on the
  support. They add se_k^2 to every cell's variance in the TVD noise floor and in the
  dependence floor (not in the conditional floor), and the bootstrap draws such a reference
  per cell from Normal(r_k, se_k^2), clipped at 0 and renormalised (a finite n_r is drawn
  multinomially instead; a full count without SEs stays fixed);
* footprint_dep: s raked by IPF (columns then rows, to 1e-14; replicates to 1e-9) to r's
  margins over the rows and columns where s has mass (empty ones stay 0 and count as mismatch),
  its conditional TVD over dep_tvd(r);
* calibrated intervals by test inversion, along the paths docs/method.md section 6.2 gives:
  s_d = r + d (s_hat - r) for the distances (cond_tvd, tvd_x, tvd_y, footprint_dep, tvd; rows
  and columns s_hat leaves empty are left out of r there), s_d = indep(s_hat) + d (s_hat -
  indep(s_hat)) for retention and segregation retention, r + d (s_hat - r) with d < 0 allowed
  for the flattening. At each d, B replicates S* ~ Multinomial(n_s, s_d) (the same seed at every
  d: common random numbers) against one set of reference replicates; an end is T(s_d) at the
  root of q_97.5(d) = t (lower) or q_2.5(d) = t (upper), found by doubling and bisection;
* screens (METHOD 9): joint checks screen cond_tvd_y_given_x (0.10) and footprint_dep (0.5, only
  when the reference shows dependence; its floor is the conditional floor over dep_tvd(r)); a
  distance screen whose floor reaches its threshold cannot PASS and FLAGs only when its whole
  interval clears both; otherwise FLAG when the whole interval is on the failing side and the
  plug-in exceeds its floor, PASS when it is all on the passing side, else INCONCLUSIVE.
  Flattening checks screen flattening_pooled above 0.5, the same interval below -0.5 and
  segregation retention below 0.5. support_ref (flattening: the dominated categories reached)
  below min_support 0.5 makes a check INCONCLUSIVE;
* the check's verdict is the worst screen's; only PASS and FLAG carry a diagnosis, the first of
  METHOD 4.2's rows that holds: no dependence in the reference, flattened (retention hi < 0.5),
  exaggerated (lo > 1.5), distorted (footprint_dep lo > 1), marginal error (FLAG, footprint_dep
  PASSes, tvd_x or tvd_y lo > 0.05), mismatch, weakened / strengthened within tolerance
  (retention interval below / above 1), faithful. A PASSing flattening check says which way it
  leans (flattening interval excluding 0, else segregation retention excluding 1).

Monte Carlo tolerance: our intervals cannot match iaf's bits (other random numbers). Each end
gets a tolerance (the *_tol columns; end_tol below derives it): how far the end moves when its
quantile is off by 0.5 replicate SDs, over 3 standard errors of the difference between two
B = 1000 quantile searches. The test compares iaf's ends with ours within it. `robust` = 0 marks
a borderline decision: moving the deciding ends by their tolerances (every combination) changes
the verdict or the diagnosis, or a floor comparison (exact numbers) is a tie. The test asserts
iaf's verdicts and diagnoses where robust = 1 and counts the rest.

Outputs: tests/data/replication/us_checks.csv, jp_checks.csv, us_coherence.csv, and with
--calibration jp_calibration.csv (how often the rules call faithful and grossly distorted
samples of the census PASS / INCONCLUSIVE / FLAG, by n; the committed file is from version 1's
basic intervals and was not re-run with the calibrated ones, which would take hours here).
Re-run: /usr/bin/python3 tests/oracles/replication_oracle.py (about 5 minutes)
"""
import json
import math
import os
import sys
from itertools import product

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
US = os.path.join(ROOT, "examples", "us", "data")
JP = os.path.join(ROOT, "examples", "jp", "data")
OUT = os.path.join(ROOT, "tests", "data", "replication")
B = 1000
SEED = 12345

# ---------------------------------------------------------------------------------------
# Category correspondences, from sdnist_data_dictionary.json and the ACS legends.

SEX = {"1": "M", "2": "F"}
# EDU code -> B15002 level names used by this oracle (grade bands merged where EDU or the
# table is coarser): 1 none, 2-3 nursery..8th, 4 9-12 no diploma, 5-6 HS incl. GED, 7 some
# college, 8 associate, 9 bachelor, 10 master, 11 professional, 12 doctorate.
EDU10 = {"1": "none", "2": "k8", "3": "k8", "4": "hs_no", "5": "hs", "6": "hs", "7": "college_some",
         "8": "assoc", "9": "ba", "10": "ma", "11": "prof", "12": "phd"}
B15002_LEVEL = {
    "No schooling completed": "none", "Nursery to 4th grade": "k8", "5th and 6th grade": "k8",
    "7th and 8th grade": "k8", "9th grade": "hs_no", "10th grade": "hs_no", "11th grade": "hs_no",
    "12th grade, no diploma": "hs_no", "High school graduate (includes equivalency)": "hs",
    "Some college, less than 1 year": "college_some",
    "Some college, 1 or more years, no degree": "college_some", "Associate's degree": "assoc",
    "Bachelor's degree": "ba", "Master's degree": "ma", "Professional school degree": "prof",
    "Doctorate degree": "phd"}
EDU7 = {"1": "lt9", "2": "lt9", "3": "lt9", "4": "hs_no", "5": "hs", "6": "hs", "7": "college_some",
        "8": "assoc", "9": "ba", "10": "grad", "11": "grad", "12": "grad"}
B15001_LEVEL = {
    "Less than 9th grade": "lt9", "9th to 12th grade, no diploma": "hs_no",
    "High school graduate (includes equivalency)": "hs", "Some college, no degree": "college_some",
    "Associate's degree": "assoc", "Bachelor's degree": "ba", "Graduate or professional degree": "grad"}
B15001_AGE = {"18 to 24 years": "a18", "25 to 34 years": "a25", "35 to 44 years": "a35",
              "45 to 64 years": "a45", "65 years and over": "a65"}
MSP = {"1": "married_present", "2": "married_absent_other", "3": "widowed", "4": "divorced",
       "5": "separated", "6": "never"}
B12001_LEAF = {("Never married",): "never",
               ("Now married", "Married, spouse present"): "married_present",
               ("Now married", "Married, spouse absent", "Separated"): "separated",
               ("Now married", "Married, spouse absent", "Other"): "married_absent_other",
               ("Widowed",): "widowed", ("Divorced",): "divorced"}
AGE_GROUP_EDGES = [0, 18, 25, 35, 45, 55, 65, 75, 85]
ACS_SEX = {"Male": "M", "Female": "F"}


def age_band(a):          # B15001 groups
    return "a18" if a < 25 else "a25" if a < 35 else "a35" if a < 45 else "a45" if a < 65 else "a65"


def age_group(a):         # B01001 roll-up
    return "g%02d" % max(e for e in AGE_GROUP_EDGES if e <= a)


def b01001_group(label):  # "Under 5 years", "18 and 19 years", "85 years and over", "20 years"
    first = label.split()[0]
    lo = 0 if first == "Under" else int(first)
    return age_group(lo)


# ---------------------------------------------------------------------------------------
# Data

def read_str(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def acs(table):
    """Leaf cells of an ACS table: [(label path tuple, estimate, 90% margin of error)]."""
    leg = pd.read_csv(os.path.join(US, "acs2018", "acs1_2018_%s_LEGEND.csv" % table))
    leg = leg[leg.VARIABLE.str.endswith("E") & (leg.GROUP == table)]
    data = pd.read_csv(os.path.join(US, "acs2018", "acs1_2018_%s_DATA.csv" % table))
    assert len(data) == 1
    rows = []
    for var, label in zip(leg.VARIABLE, leg.LABEL):
        parts = tuple(label.split("!!")[2:])
        moe = float(data[var[:-1] + "M"].iloc[0])
        rows.append((parts, float(data[var].iloc[0]), moe))
    return rows


def acs_ref(table):
    """({(x, y): count}, {(x, y): variance of the count}) for the four ACS checks, from the
    raw leaves; a leaf's SE is its 90% MOE / 1.645, and leaves summed into one category add
    their variances."""
    ref, var = {}, {}
    def add(k, v, moe):
        assert moe >= 0, (table, k, moe)   # only the B01001 total carries -555555555
        ref[k] = ref.get(k, 0.0) + v
        var[k] = var.get(k, 0.0) + (moe / 1.645) ** 2
    for parts, est, moe in acs(table):
        if table == "B15002" and len(parts) == 2:
            add((ACS_SEX[parts[0]], B15002_LEVEL[parts[1]]), est, moe)
        elif table == "B15001" and len(parts) == 3:
            add((B15001_AGE[parts[1]], B15001_LEVEL[parts[2]]), est, moe)
        elif table == "B12001" and tuple(parts[1:]) in B12001_LEAF:
            add((ACS_SEX[parts[0]], B12001_LEAF[tuple(parts[1:])]), est, moe)
        elif table == "B01001" and len(parts) == 2:
            add((ACS_SEX[parts[0]], b01001_group(parts[1])), est, moe)
    return ref, var


# ---------------------------------------------------------------------------------------
# Metrics (docs/method.md), on the reference's support

class Aligned:
    def __init__(self, syn, ref, n_s, n_r, oned=False, ref_var=None):
        """syn/ref: {(x, y): mass} (y = "" for 1-D); ref_var: {(x, y): variance of the
        reference count} or None. The reference's x and y labels define the support;
        synthetic mass elsewhere is dropped before normalising."""
        xs = sorted({k[0] for k in ref})
        ys = sorted({k[1] for k in ref})
        self.s = np.array([[syn.get((x, y), 0.0) for y in ys] for x in xs], dtype=float)
        self.r = np.array([[ref.get((x, y), 0.0) for y in ys] for x in xs], dtype=float)
        self.rse = None
        if ref_var is not None:   # SEs of the shares: of the counts over the support's total
            v = np.array([[ref_var.get((x, y), 0.0) for y in ys] for x in xs], dtype=float)
            self.rse = np.sqrt(v) / self.r.sum()
        self.s /= self.s.sum()
        self.r /= self.r.sum()
        self.n_s, self.n_r, self.oned = n_s, n_r, oned


def tvd(s, r):
    return 0.5 * np.abs(s - r).sum(axis=(-2, -1))


def cond_tvd(s, r):
    sx = s.sum(-1, keepdims=True)
    rx = r.sum(-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        sc = np.where(sx > 0, s / np.where(sx > 0, sx, 1), 0)
        rc = r / np.where(rx > 0, rx, 1)
    row = np.where(sx[..., 0] > 0, 0.5 * np.abs(sc - rc).sum(-1), 1.0)
    return (rx[..., 0] * row).sum(-1)


def dep_tvd(p):
    px = p.sum(-1, keepdims=True)
    py = p.sum(-2, keepdims=True)
    return 0.5 * np.abs(p - px * py).sum(axis=(-2, -1))


def inv(n):
    return 0.0 if math.isinf(n) else 1.0 / n


def floors(a):
    """(TVD floor, conditional floor, dependence floor): sums of sqrt(v / (2 pi)) with the
    two-sample variance of each cell; reference SEs add se^2 to the TVD and dependence floors."""
    se2 = 0.0 if a.rse is None else a.rse.ravel() ** 2
    r = a.r.ravel()
    v = r * (1 - r) * (inv(a.n_s) + inv(a.n_r)) + se2
    floor = np.sqrt(v / (2 * math.pi)).sum()
    rx = a.r.sum(1)
    cond = 0.0
    for i, px in enumerate(rx):
        if px > 0:
            p = a.r[i] / px
            cond += px * np.sqrt(p * (1 - p) * (inv(a.n_s * px) + inv(a.n_r * px)) / (2 * math.pi)).sum()
    ry = a.r.sum(0)
    vd = np.outer(rx * (1 - rx), ry * (1 - ry)).ravel() * inv(a.n_r) + se2
    dep_floor = np.sqrt(vd / (2 * math.pi)).sum()
    return floor, cond, dep_floor


def metrics(a):
    m = {"n_s": a.n_s, "n_r": a.n_r, "tvd": tvd(a.s, a.r), "reference_se": int(a.rse is not None)}
    m["noise_floor"], cond_floor, dep_floor = floors(a)
    if a.oned:
        return m
    m["cond_noise_floor"] = cond_floor
    m["cond_tvd"] = cond_tvd(a.s, a.r)
    m["tvd_x"], m["tvd_y"] = marg_tvd(a.s, a.r, -1), marg_tvd(a.s, a.r, -2)
    # support_ref: the reference's mass on the cells whose row and column the synthetic side
    # reaches (docs/method.md section 9.1)
    reached = np.outer(a.s.sum(1) > 0, a.s.sum(0) > 0)
    m["support_ref"] = float(a.r[reached].sum())
    m["dep_tvd_s"], m["dep_tvd_r"] = dep_tvd(a.s), dep_tvd(a.r)
    m["reference_dependent"] = int(m["dep_tvd_r"] > max(dep_floor, 1e-12))
    if m["reference_dependent"]:
        m["retention"] = m["dep_tvd_s"] / m["dep_tvd_r"]
        m["footprint"] = m["cond_tvd"] / m["dep_tvd_r"]
        m["footprint_dep"] = fp_dep(a.s, a.r)
        # footprint = cond_tvd / dep_tvd(r): the conditional floor on the footprint's scale
        m["footprint_floor"] = cond_floor / m["dep_tvd_r"]
    return m


# ---------------------------------------------------------------------------------------
# Raking (METHOD.md section 4.1; docs/method.md section 2.1), own numpy IPF

def rake(s, r, tol=1e-14, sweeps=10000):
    """s raked to r's margins by IPF, columns then rows; s: (..., X, Y). Rows and columns that
    s leaves empty stay 0, and the targets are r's margins over the rows and columns where s
    has mass, renormalised."""
    s = np.array(s, dtype=float)
    rows = s.sum(-1) > 0
    cols = s.sum(-2) > 0
    rx = np.where(rows, r.sum(-1), 0.0)
    ry = np.where(cols, r.sum(-2), 0.0)
    rx = rx / rx.sum(-1, keepdims=True)
    ry = ry / ry.sum(-1, keepdims=True)
    for _ in range(sweeps):
        cs = s.sum(-2, keepdims=True)
        s = s * np.where(cs > 0, ry[..., None, :] / np.where(cs > 0, cs, 1), 0)
        rs = s.sum(-1, keepdims=True)
        if np.all(np.abs(rs[..., 0] - rx) <= tol):
            break
        s = s * np.where(rs > 0, rx[..., :, None] / np.where(rs > 0, rs, 1), 0)
    return s


def fp_dep(s, r):
    """footprint_dep = cond_tvd(s raked to r's margins, r) / dep_tvd(r)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return cond_tvd(rake(s, r, tol=1e-9, sweeps=200) if s.ndim == 3 else rake(s, r), r) / dep_tvd(r)


def marg_tvd(s, r, axis):
    return 0.5 * np.abs(s.sum(axis) - r.sum(axis)).sum(-1)


# ---------------------------------------------------------------------------------------
# Verdicts: parametric bootstrap, calibrated intervals by test inversion (METHOD.md 8-9)

TH = {"tvd": 0.05, "cond_tvd": 0.10, "footprint_dep": 0.5, "retention": 0.5,
      "flattening": 0.5, "segregation": 0.5, "min_support": 0.5}
RANK = {"PASS": 0, "INCONCLUSIVE": 1, "FLAG": 2}


def draw(p, n, rng):
    return rng.multinomial(int(round(n)), p.ravel(), size=B).reshape((B,) + p.shape).astype(float)


def draw_normal(p, se, rng):
    """Per cell Normal(p, se^2), clipped at 0, renormalised; all-zero draws are redrawn."""
    out = np.empty((B,) + p.shape)
    todo = np.arange(B)
    while len(todo):
        x = np.maximum(p + se * rng.standard_normal((len(todo),) + p.shape), 0.0)
        ok = x.sum(axis=(1, 2)) > 0
        out[todo[ok]] = x[ok]
        todo = todo[~ok]
    return out / out.sum(axis=(1, 2), keepdims=True)


def reference_mode(a):
    return "multinomial" if not math.isinf(a.n_r) else "normal" if a.rse is not None else "fixed"


class Path:
    """Candidate truths s_d = s0 + d (s_hat - s0), clipped at 0 and renormalised; at each d, B
    replicates S* ~ Multinomial(n_s, s_d) (common random numbers: the same seed at every d)
    against fixed reference replicates R*. stats(S*, R*) -> {metric: array}; cached per d."""

    def __init__(self, s0, s_hat, n_s, R, seed, stats):
        self.s0, self.s_hat, self.n_s, self.R, self.seed, self.stats = s0, s_hat, n_s, R, seed, stats
        self.cache = {}
        self.tol = {}

    def at(self, d):
        p = np.maximum(self.s0 + d * (self.s_hat - self.s0), 0.0)
        return p / p.sum()

    def sim(self, d):
        if d not in self.cache:
            S = draw(self.at(d), self.n_s, np.random.default_rng(self.seed))
            S /= S.sum(axis=tuple(range(1, S.ndim)), keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                self.cache[d] = self.stats(S, self.R)
        return self.cache[d]

    def q(self, d, metric, p):
        x = self.sim(d)[metric]
        x = x[np.isfinite(x)]
        return np.quantile(x, p) if 2 * len(x) >= B else np.nan


def root(f, sign=1.0, signed=False):
    """The d where f crosses 0, f increasing along sign * d: d >= 0 (0 when f(0) >= 0), or
    any d for a signed metric (flattening: d < 0 allowed); brackets by doubling to 64, then 24
    bisection steps; None when no crossing."""
    if not f(0.0) < 0:
        if not signed:
            return 0.0
        hi, lo = 0.0, -1.0
        while not f(sign * lo) < 0:
            hi, lo = lo, 2 * lo
            if lo < -64:
                return None
        for _ in range(18):
            mid = 0.5 * (lo + hi)
            if f(sign * mid) < 0:
                lo = mid
            else:
                hi = mid
        return sign * 0.5 * (lo + hi)
    lo, hi = 0.0, 1.0
    while f(sign * hi) < 0:
        lo, hi = hi, 2 * hi
        if hi > 64:
            return None
    for _ in range(18):
        mid = 0.5 * (lo + hi)
        if f(sign * mid) < 0:
            lo = mid
        else:
            hi = mid
    return sign * 0.5 * (lo + hi)


def calibrated(path, metric, t, T, sign=1.0, signed=False):
    """95% interval of the metric: every T(s_d) whose simulated central range contains t.
    T(s_d) is taken to increase along sign * d. Ends: T at the d where q_97.5 = t (lower) and
    where q_2.5 = t (upper); (None, None) without an interval."""
    if not np.isfinite(t):
        return None, None
    if np.array_equal(path.s_hat, path.s0):      # a degenerate path: s_hat is its own start
        path.tol[metric] = 1e-12                   # (rounding only)
        return T(path.s0), T(path.s0)
    d_lo = root(lambda d: path.q(d, metric, 0.975) - t, sign, signed)
    d_hi = root(lambda d: path.q(d, metric, 0.025) - t, sign, signed)
    if d_lo is None or d_hi is None:
        return None, None
    lo, hi = T(path.at(d_lo)), T(path.at(d_hi))
    path.tol[metric] = max(end_tol(path, metric, t, T, d_lo, 0.975, sign, signed),
                           end_tol(path, metric, t, T, d_hi, 0.025, sign, signed))
    return min(lo, hi), max(lo, hi)


def end_tol(path, metric, t, T, d, p, sign, signed):
    """Monte Carlo tolerance of an interval end T(s_d), d the root of q_p(d) = t. The quantile
    q_p of B draws has standard error sqrt(p (1 - p) / B) / density(q_p), for a roughly normal
    replicate distribution with SD sigma at p = 0.025 or 0.975: 0.085 sigma at B = 1000. iaf's
    end (B = 1000, its own RNG; its root search stops once the quantile changes by less than 5%
    of the central range across the bracket, then interpolates: up to ~0.1 sigma) and ours
    (B = 1000, numpy, bisection) differ in q by two independent errors plus that slack:
    3 standard errors of the difference, 3 sqrt(2) 0.085 sigma, plus 0.1 sigma, is 0.46 sigma;
    we take 0.5 sigma (sigma: the replicates' SD at the root). The tolerance of the end is how
    far it moves when the quantile is off by that much either way: T at the roots of
    q_p(d) = t -+ 0.5 sigma. Near the faithful end of the path, where the replicates' noise
    hides the signal, a small error in q moves the end a lot, and the tolerance says so; an end
    pinned at the path's start (q_p(0) above t by more than 0.5 sigma) is exact."""
    x = path.sim(d)[metric]
    half = 0.5 * float(np.std(x[np.isfinite(x)]))
    e = T(path.at(d))
    out = 0.0
    for shift in (-half, half):
        dd = root(lambda z: path.q(z, metric, p) - (t + shift), sign, signed)
        if dd is None:
            return math.inf
        out = max(out, abs(T(path.at(dd)) - e))
    return out


def screen(est, lo, hi, th, floor=None, above=True):
    """One screen (docs/method.md section 9): a distance whose floor reaches its threshold
    cannot PASS and FLAGs only when its whole interval lies above both; FLAG needs the whole
    interval on the failing side and, for a distance, the plug-in above its floor; PASS the
    whole interval on the passing side; else INCONCLUSIVE."""
    if lo is None or hi is None or not np.isfinite(est):
        return None
    if floor is not None and above and floor >= th:
        return "FLAG" if lo > th and lo > floor and est > floor else "INCONCLUSIVE"
    fail = lo > th if above else hi < th
    passing = hi <= th if above else lo >= th
    if fail:
        return "INCONCLUSIVE" if floor is not None and not est > floor else "FLAG"
    return "PASS" if passing else "INCONCLUSIVE"


def worst(vs):
    vs = [v for v in vs if v is not None]
    return max(vs, key=RANK.get) if vs else None


def perturbations(bounds):
    """Every way of moving each named bound by -margin or +margin: bounds is
    {name: (value, margin)}; yields {name: moved value} (None stays None)."""
    names = list(bounds)
    for signs in product((-1, 1), repeat=len(names)):
        yield {k: None if bounds[k][0] is None else bounds[k][0] + sg * bounds[k][1]
               for k, sg in zip(names, signs)}


def joint_decision(m, b):
    """(verdict, diagnosis) of a joint or marginal check from its interval bounds b: screens
    of METHOD 9, diagnoses in the order of METHOD 4.2; only PASS and FLAG carry one."""
    if "cond_tvd" not in m:
        v = screen(m["tvd"], b["lo"], b["hi"], TH["tvd"], m["noise_floor"])
        return v, {"PASS": "aligned", "FLAG": "misaligned"}.get(v)
    c = screen(m["cond_tvd"], b["lo"], b["hi"], TH["cond_tvd"], m["cond_noise_floor"])
    dep = m["reference_dependent"]
    f = screen(m["footprint_dep"], b["fd_lo"], b["fd_hi"], TH["footprint_dep"],
               m["footprint_floor"]) if dep else None
    v = worst([c, f])
    if m["support_ref"] < TH["min_support"]:
        return "INCONCLUSIVE", "insufficient support"
    if v not in ("PASS", "FLAG"):
        return v, None
    if not dep:
        return v, "reference shows no dependence"
    tr = TH["retention"]
    if b["rt_hi"] is not None and b["rt_hi"] < 1 - tr:
        return v, "flattened"
    if b["rt_lo"] is not None and b["rt_lo"] > 1 + tr:
        return v, "exaggerated"
    if b["fd_lo"] is not None and b["fd_lo"] > 1:
        return v, "distorted"
    if v == "FLAG":
        if f == "PASS" and ((b["tx_lo"] is not None and b["tx_lo"] > TH["tvd"]) or
                            (b["ty_lo"] is not None and b["ty_lo"] > TH["tvd"])):
            return v, "marginal error"
        return v, "mismatch"
    if b["rt_hi"] is not None and b["rt_hi"] < 1:
        return v, "weakened within tolerance"
    if b["rt_lo"] is not None and b["rt_lo"] > 1:
        return v, "strengthened within tolerance"
    return v, "faithful"


def floor_ties(m):
    """1 when an exact comparison (floor vs threshold, estimate vs floor) is too close to call."""
    pairs = []
    if "cond_tvd" not in m:
        pairs += [(m["noise_floor"], TH["tvd"]), (m["tvd"], m["noise_floor"])]
    else:
        pairs += [(m["cond_noise_floor"], TH["cond_tvd"]), (m["cond_tvd"], m["cond_noise_floor"])]
        if m["reference_dependent"]:
            pairs += [(m["footprint_floor"], TH["footprint_dep"]),
                      (m["footprint_dep"], m["footprint_floor"])]
    return any(abs(x - y) <= 1e-7 * max(1.0, abs(y)) for x, y in pairs)


def reference_draws(a, rng):
    mode = reference_mode(a)
    if mode == "multinomial":
        R = draw(a.r, a.n_r, rng)
        return R / R.sum(axis=(1, 2), keepdims=True)
    if mode == "normal":
        return draw_normal(a.r, a.rse, rng)
    return np.broadcast_to(a.r, (B,) + a.r.shape)


def verdict(a, m, rng):
    seed = int(rng.integers(2**63))
    R = reference_draws(a, np.random.default_rng(seed + 1))
    out = {"reference_mode": reference_mode(a)}
    b, tol = {}, {}
    # distances: the path from r (rows and columns s_hat leaves empty left out of it)
    s0 = a.r.copy()
    s0[a.s.sum(1) == 0, :] = 0
    s0[:, a.s.sum(0) == 0] = 0
    s0 /= s0.sum()
    if a.oned:
        P = Path(s0, a.s, a.n_s, R, seed, lambda S, Rb: {"tvd": tvd(S, Rb)})
        b["lo"], b["hi"] = calibrated(P, "tvd", m["tvd"], lambda p: tvd(p, a.r))
        tol["lo"] = tol["hi"] = P.tol.get("tvd", 0.0)
        margins = {"lo": TH["tvd"], "hi": TH["tvd"]}
    else:
        dep = m["reference_dependent"]
        def stats(S, Rb):
            o = {"cond_tvd": cond_tvd(S, Rb), "tx": marg_tvd(S, Rb, -1), "ty": marg_tvd(S, Rb, -2)}
            if dep:
                o["fd"] = fp_dep(S, Rb)
            return o
        P = Path(s0, a.s, a.n_s, R, seed, stats)
        b["lo"], b["hi"] = calibrated(P, "cond_tvd", m["cond_tvd"], lambda p: cond_tvd(p, a.r))
        tol["lo"] = tol["hi"] = P.tol.get("cond_tvd", 0.0)
        margins = {"lo": TH["cond_tvd"], "hi": TH["cond_tvd"]}
        b["tx_lo"], _ = calibrated(P, "tx", m["tvd_x"], lambda p: marg_tvd(p, a.r, -1))
        b["ty_lo"], _ = calibrated(P, "ty", m["tvd_y"], lambda p: marg_tvd(p, a.r, -2))
        tol["tx_lo"] = P.tol.get("tx", 0.0)
        tol["ty_lo"] = P.tol.get("ty", 0.0)
        margins.update(tx_lo=TH["tvd"], ty_lo=TH["tvd"])
        b["fd_lo"] = b["fd_hi"] = b["rt_lo"] = b["rt_hi"] = None
        if dep:
            b["fd_lo"], b["fd_hi"] = calibrated(P, "fd", m["footprint_dep"], lambda p: fp_dep(p, a.r))
            tol["fd_lo"] = tol["fd_hi"] = P.tol.get("fd", 0.0)
            # retention: the path from s_hat's own independence table (linear in d)
            indep = np.outer(a.s.sum(1), a.s.sum(0))
            def rstats(S, Rb):
                dr = dep_tvd(Rb)
                return {"rt": np.where(dr > 0, dep_tvd(S) / np.where(dr > 0, dr, 1), np.nan)}
            Q = Path(indep, a.s, a.n_s, R, seed, rstats)
            b["rt_lo"], b["rt_hi"] = calibrated(Q, "rt", m["retention"], lambda p: dep_tvd(p) / m["dep_tvd_r"])
            tol["rt_lo"] = tol["rt_hi"] = Q.tol.get("rt", 0.0)
            # the footprint_dep bounds also decide "distorted" (> 1), retention's "flattened"
            # (< 0.5), "exaggerated" (> 1.5) and "weakened/strengthened" (excluding 1)
            margins.update(fd_lo=1.0, fd_hi=TH["footprint_dep"], rt_lo=1.0, rt_hi=1.0)
            out["footprint_dep_lo"], out["footprint_dep_hi"] = b["fd_lo"], b["fd_hi"]
            out["retention_lo"], out["retention_hi"] = b["rt_lo"], b["rt_hi"]
            out["footprint_dep_tol"], out["retention_tol"] = tol["fd_lo"], tol["rt_lo"]
    out["verdict"], out["diagnosis"] = joint_decision(m, b)
    out["robust"] = int(not floor_ties(m) and len({joint_decision(m, pb) for pb in perturbations(
        {k: (b[k], tol[k]) for k in margins})}) == 1)
    out["key_lo"], out["key_hi"], out["key_tol"] = b["lo"], b["hi"], tol["lo"]
    return out


# ---------------------------------------------------------------------------------------
# Flattening toward parity (METHOD.md section 5, docs/method.md section 4)

def flat_arrays(sc, rc, focal):
    """(2, k) arrays [focal, other] over the reference's domain categories."""
    ys = sorted({k[1] for k in rc})
    def arr(c):
        a = np.zeros((2, len(ys)))
        for (g, y), v in c.items():
            if y in ys:
                a[0 if g == focal else 1, ys.index(y)] += v
        return a
    return arr(sc), arr(rc)


def flat_eval(S, R, dom):
    """flattening_pooled and segregation_retention; S, R: (..., 2, k); dom: bool mask (k)."""
    f_perp = R[..., 0, :].sum(-1) / R.sum((-2, -1))
    fs = S[..., 0, dom].sum(-1) / S[..., :, dom].sum((-2, -1))
    fr = R[..., 0, dom].sum(-1) / R[..., :, dom].sum((-2, -1))
    flat = (fs - fr) / (f_perp - fr)
    def duncan(A):
        F = A[..., 0, :].sum(-1, keepdims=True)
        O = A[..., 1, :].sum(-1, keepdims=True)
        return 0.5 * np.abs(A[..., 1, :] / O - A[..., 0, :] / F).sum(-1)
    return flat, duncan(S) / duncan(R), fs, fr, f_perp, duncan(S), duncan(R)


def flat_decision(flat, b):
    th_f, th_s = TH["flattening"], TH["segregation"]
    a = screen(flat, b["f_lo"], b["f_hi"], th_f)                       # flattened
    e = screen(flat, b["f_lo"], b["f_hi"], -th_f, above=False)         # exaggerated
    c = screen(b["ret"], b["r_lo"], b["r_hi"], th_s, above=False)      # segregation lost
    v = worst([a, e, c])
    if not b["support_ok"]:
        return "INCONCLUSIVE", "insufficient support"
    if v == "PASS":   # which way it leans (docs/method.md section 9)
        return v, ("flattened within tolerance" if b["f_lo"] > 0 else
                   "segregation exaggerated within tolerance" if b["f_hi"] < 0 else
                   "weakened within tolerance" if b["r_hi"] < 1 else
                   "strengthened within tolerance" if b["r_lo"] > 1 else "faithful")
    if v == "FLAG":
        return v, "flattened" if a == "FLAG" else "exaggerated" if e == "FLAG" else "segregation lost"
    return v, None


def flattening(sc, n_s, rc, n_r, rng, focal, theta=0.25):
    S, R = flat_arrays(sc, rc, focal)
    dom = R[0] / R.sum(0) < theta
    flat, ret, fs, fr, f_perp, ds, dr = flat_eval(S, R, dom)
    m = dict(n_s=n_s, n_r=n_r, f_perp=f_perp, n_dominated=int(dom.sum()), f_s_pooled=fs,
             f_r_pooled=fr, flattening_pooled=flat, duncan_s=ds, duncan_r=dr,
             segregation_retention=ret)
    s, r = S / S.sum(), R / R.sum()
    reached = (S.sum(0) > 0) & (R.sum(0) > 0)
    m["dominated_reached"] = int((dom & reached).sum())
    support_ok = (m["dominated_reached"] >= 3 and
                  R[:, dom & reached].sum() >= TH["min_support"] * R[:, dom].sum())
    seed = int(rng.integers(2**63))
    Rb = draw(r, n_r, np.random.default_rng(seed + 1))
    def stats(Sb, Rr):
        f, t = flat_eval(Sb, Rr, dom)[:2]
        return {"flat": f, "ret": t}
    P = Path(r, s, n_s, Rb, seed, stats)           # flattening: from r, d < 0 allowed
    sign = 1.0 if flat >= 0 else -1.0
    b = {"ret": ret, "support_ok": support_ok}
    b["f_lo"], b["f_hi"] = calibrated(P, "flat", flat, lambda p: flat_eval(p, R, dom)[0], sign, True)
    indep = np.outer(s.sum(1), s.sum(0))           # segregation retention: from s_hat's own
    Q = Path(indep, s, n_s, Rb, seed, stats)       # group-independence table (D_s linear)
    b["r_lo"], b["r_hi"] = calibrated(Q, "ret", ret, lambda p: flat_eval(p, R, dom)[1])
    tf, tr = P.tol.get("flat", 0.0), Q.tol.get("ret", 0.0)
    m["verdict"], m["diagnosis"] = flat_decision(flat, b)
    # the screens compare the flattening ends with +-0.5, the lean with 0 and retention's with
    # 0.5 and 1: every move of the ends by the Monte Carlo tolerance must keep the decision
    pert = {"f_lo": (b["f_lo"], tf), "f_hi": (b["f_hi"], tf), "r_lo": (b["r_lo"], tr),
            "r_hi": (b["r_hi"], tr)}
    outcomes = {flat_decision(flat, dict(pb, ret=ret, support_ok=support_ok))
                for pb in perturbations(pert)}
    m["robust"] = int(len(outcomes) == 1)
    m["key_lo"], m["key_hi"], m["key_tol"] = b["f_lo"], b["f_hi"], tf
    m["retention_lo"], m["retention_hi"], m["retention_tol"] = b["r_lo"], b["r_hi"], tr
    return m


# ---------------------------------------------------------------------------------------
# US checks

GEN = {
    "synthpop_cart": "synthetic/rsynthpop_cart/cart_cf21_na2019.csv",
    "sdv_ctgan": "synthetic/sdv_ctgan/sdv_ctgan_epochs1000_SlokomManel_3.csv",
    "mostlyai": "synthetic/mostlyai/mostlyai_sd_platform_PaulTiwald_1.csv",
    "private_gsd": "synthetic/genetic_sd_e10/genetic_sd_e_10_simple_GiuseppeVietri_3.csv",
    "excerpt_rows": "excerpt/national2019.csv",
}


def counts(df, fx, fy, where=None, weight=None):
    """{(x, y): mass} over rows where `where` holds and both maps give a value (a map
    returning None = unmapped: the row is left out of the table)."""
    d = df if where is None else df[where(df)]
    xs = [fx(r) for r in d.itertuples(index=False)]
    ys = [fy(r) for r in d.itertuples(index=False)]
    w = d[weight].astype(float).values if weight else np.ones(len(d))
    out = {}
    n = wsum = w2 = 0.0
    for x, y, wt in zip(xs, ys, w):
        if x is None or y is None:
            continue
        out[(x, y)] = out.get((x, y), 0.0) + wt
        n += 1
        wsum += wt
        w2 += wt * wt
    return out, (wsum * wsum / w2 if weight else n)


def age(r):
    return int(r.AGEP)


def us_checks(df, weight=None):
    """The template's checks on one dataset: {check: (syn counts, n_s, ref kind)}."""
    res = {}
    adult = lambda d: d.AGEP.astype(int) >= 18
    res["sex_x_edu__excerpt"] = counts(df, lambda r: r.SEX, lambda r: r.EDU, weight=weight)
    res["sex_x_indp__excerpt"] = counts(df, lambda r: r.SEX, lambda r: r.INDP_CAT, weight=weight)
    res["sex_x_indp_workers__excerpt"] = counts(df, lambda r: r.SEX, lambda r: r.INDP_CAT,
                                                lambda d: d.INDP_CAT != "N", weight=weight)
    res["female_share_in_male_dominated__excerpt"] = res["sex_x_indp_workers__excerpt"]
    res["edu_x_indp__excerpt"] = counts(df, lambda r: r.EDU, lambda r: r.INDP_CAT, weight=weight)
    # N (missing) stays in the synthetic table as its own label; it is off the ACS support.
    edu7 = lambda r: EDU7.get(r.EDU, "missing")
    edu10 = lambda r: EDU10.get(r.EDU, "missing")
    res["age_x_edu__excerpt"] = counts(df, lambda r: age_band(age(r)), edu7, adult, weight)
    res["sex_x_edu__acs"] = counts(df, lambda r: SEX.get(r.SEX), edu10,
                                   lambda d: d.AGEP.astype(int) >= 25, weight)
    res["age_x_edu__acs"] = res["age_x_edu__excerpt"]
    res["sex_x_marital__acs"] = counts(df, lambda r: SEX.get(r.SEX), lambda r: MSP.get(r.MSP, "missing"),
                                       lambda d: d.AGEP.astype(int) >= 15, weight)
    res["sex_x_age__acs"] = counts(df, lambda r: SEX.get(r.SEX), lambda r: age_group(age(r)), weight=weight)
    return res


def run_us(rng):
    real = read_str(os.path.join(US, "excerpt", "national2019.csv"))
    ref_rows = us_checks(real)
    # check -> (reference counts, n_r, variances of the reference counts or None)
    refs = {k: ref_rows[k] + (None,) for k in (
        "sex_x_edu__excerpt", "sex_x_indp__excerpt", "sex_x_indp_workers__excerpt",
        "edu_x_indp__excerpt", "age_x_edu__excerpt")}
    refs["female_share_in_male_dominated__excerpt"] = refs["sex_x_indp_workers__excerpt"]
    for check, table in (("sex_x_edu__acs", "B15002"), ("age_x_edu__acs", "B15001"),
                         ("sex_x_marital__acs", "B12001"), ("sex_x_age__acs", "B01001")):
        ref, var = acs_ref(table)
        refs[check] = (ref, math.inf, var)     # a full-size survey table: n_r infinite, SEs
    rows = []
    for spec, path in GEN.items():
        syn = us_checks(read_str(os.path.join(US, path)))
        for check, (rc, n_r, rv) in refs.items():
            sc, n_s = syn[check]
            if check.startswith("female_share"):
                rows.append(dict(spec=spec, check=check, **flattening(sc, n_s, rc, n_r, rng, "2")))
                continue
            a = Aligned(sc, rc, n_s, n_r, ref_var=rv)
            m = metrics(a)
            m.update(verdict(a, m, rng))
            rows.append(dict(spec=spec, check=check, **m))
    # the weighted excerpt (examples/us/excerpt.yaml): metrics only
    wt = us_checks(real, weight="PWGTP")
    for check in ("sex_x_edu__acs", "age_x_edu__acs", "sex_x_marital__acs", "sex_x_age__acs"):
        rc, n_r, rv = refs[check]
        sc, n_s = wt[check]
        rows.append(dict(spec="excerpt", check=check, **metrics(Aligned(sc, rc, n_s, n_r, ref_var=rv))))
    for check, base in (("sex_x_edu__weighting", "sex_x_edu__excerpt"),
                        ("sex_x_indp__weighting", "sex_x_indp__excerpt"),
                        ("edu_x_indp__weighting", "edu_x_indp__excerpt")):
        rc, n_r, _ = refs[base]
        sc, n_s = wt[base]
        rows.append(dict(spec="excerpt", check=check, **metrics(Aligned(sc, rc, n_s, n_r))))
    return rows


def coherence():
    """Structural consistency of the N codes (data dictionary): rows that break them."""
    rows = []
    for spec, path in GEN.items():
        d = read_str(os.path.join(US, path))
        a = d.AGEP.astype(int)
        rows.append(dict(
            spec=spec, rows=len(d),
            age3plus=int((a >= 3).sum()), age_under3=int((a < 3).sum()),
            age15plus=int((a >= 15).sum()), age_under15=int((a < 15).sum()),
            age_under16=int((a < 16).sum()),
            edu_missing_age3plus=int(((d.EDU == "N") & (a >= 3)).sum()),
            edu_given_age_under3=int(((d.EDU != "N") & (a < 3)).sum()),
            msp_missing_age15plus=int(((d.MSP == "N") & (a >= 15)).sum()),
            msp_given_age_under15=int(((d.MSP != "N") & (a < 15)).sum()),
            indp_given_age_under16=int(((d.INDP_CAT != "N") & (a < 16)).sum())))
    return rows


# ---------------------------------------------------------------------------------------
# Japan

AGE5 = ["20~24歳", "25~29歳", "30~34歳", "35~39歳", "40~44歳", "45~49歳", "50~54歳", "55~59歳",
        "60~64歳", "65~69歳", "70~74歳", "75~79歳", "80~84歳", "85~89歳", "90~94歳", "95~99歳",
        "100歳以上"]


def age5(a):
    return AGE5[min((a - 20) // 5, 16)]


def decade(label):        # census 5-year band -> the persona data's decade label
    lo = int(label.replace("歳以上", "").split("~")[0])
    return "20代以下" if lo < 30 else "80歳以上" if lo >= 80 else "%d代" % (lo // 10 * 10)


def run_jp(rng):
    s50 = read_str(os.path.join(JP, "personas", "sample_50.csv"))
    s50["a"] = s50.age.astype(int)
    pyr = read_str(os.path.join(JP, "census", "pyramid_total.csv"))
    pyr = pyr[(pyr.year == "2020") & ~pyr.age.isin(["0~4歳", "5~9歳", "10~14歳", "15~19歳"])]
    pyr = pyr.assign(v=pyr.value.astype(float))
    sexmap = {"男": "男性", "女": "女性"}
    ref_sa = pyr.groupby(["sex", "age"]).v.sum().to_dict()
    ref_sd = pyr.assign(d=pyr.age.map(decade)).groupby(["sex", "d"]).v.sum().to_dict()
    ref_sex = {(k, ""): v for k, v in pyr.groupby("sex").v.sum().items()}
    ref_dec = {(k, ""): v for k, v in pyr.assign(d=pyr.age.map(decade)).groupby("d").v.sum().items()}
    pref = read_str(os.path.join(JP, "census", "total_prefecture.csv"))
    pref = pref[pref["時間軸(調査年)"] == "2020年"]
    ref_pref = {(p, ""): float(v) for p, v in zip(pref["地域_時系列"], pref.value)}

    def tab(keys):
        out = {}
        for k in keys:
            out[k] = out.get(k, 0.0) + 1
        return out

    s = s50
    syn = {
        "sex_x_age5__census": (tab(zip(s.sex.map(sexmap), s.a.map(age5))), ref_sa, False),
        "sex_x_decade__census": (tab(zip(s.sex.map(sexmap), s.age_band)), ref_sd, False),
        "sex__census": (tab((x, "") for x in s.sex.map(sexmap)), ref_sex, True),
        "prefecture__census": (tab((x, "") for x in s.prefecture), ref_pref, True),
    }
    summ = json.load(open(os.path.join(JP, "personas", "distribution_3000.json"), encoding="utf-8"))
    syn["sex__census__n3000"] = ({(sexmap[k], ""): round(v * 30) for k, v in summ["性別%"].items()}, ref_sex, True)
    syn["age_band__census__n3000"] = ({(k, ""): round(v * 30) for k, v in summ["年代%"].items()}, ref_dec, True)
    rows = []
    for check, (sc, rc, oned) in syn.items():
        n_s = sum(sc.values())
        a = Aligned(sc, rc, n_s, math.inf, oned)
        m = metrics(a)
        m.update(verdict(a, m, rng))
        rows.append(dict(spec="jp", check=check, **m))
    return rows


def calibration(rng, sims=200):
    """How often the verdict rules call samples of size n PASS / INCONCLUSIVE / FLAG, for
    samples drawn from the census itself ("faithful") and from a grossly wrong distribution
    ("distorted": men only for the sex checks; only the five most populous prefectures):
    what the Japan verdicts are worth at n = 50, and from which n on they decide."""
    global B
    b0, B = B, 500
    pyr = read_str(os.path.join(JP, "census", "pyramid_total.csv"))
    pyr = pyr[(pyr.year == "2020") & ~pyr.age.isin(["0~4歳", "5~9歳", "10~14歳", "15~19歳"])]
    ref_sa = {(s, a): float(v) for s, a, v in zip(pyr.sex, pyr.age, pyr.value)}
    ref_sex = {(s, ""): float(v) for s, v in pyr.assign(v=pyr.value.astype(float)).groupby("sex").v.sum().items()}
    pref = read_str(os.path.join(JP, "census", "total_prefecture.csv"))
    pref = pref[pref["時間軸(調査年)"] == "2020年"]
    ref_pref = {(p, ""): float(v) for p, v in zip(pref["地域_時系列"], pref.value)}
    top5 = set(sorted(ref_pref, key=ref_pref.get)[-5:])
    wrong = {"sex_x_age5__census": lambda k: k[0] == "男性", "sex__census": lambda k: k[0] == "男性",
             "prefecture__census": lambda k: k in top5}
    rows = []
    for check, ref, oned in (("sex_x_age5__census", ref_sa, False), ("sex__census", ref_sex, True),
                             ("prefecture__census", ref_pref, True)):
        keys = sorted(ref)
        p = np.array([ref[k] for k in keys])
        p /= p.sum()
        q = np.array([p[i] if wrong[check](k) else 0.0 for i, k in enumerate(keys)])
        q /= q.sum()
        for gen, dist, ns in (("faithful", p, (50, 500, 3000, 20000)), ("distorted", q, (50, 500))):
            for n in ns:
                tally = {"PASS": 0, "INCONCLUSIVE": 0, "FLAG": 0}
                for _ in range(sims):
                    c = rng.multinomial(n, dist)
                    a = Aligned({k: float(x) for k, x in zip(keys, c) if x}, ref, n, math.inf, oned)
                    m = metrics(a)
                    tally[verdict(a, m, rng)["verdict"]] += 1
                rows.append(dict(check=check, generator=gen, n=n, simulations=sims,
                                 floor=m["noise_floor"] if oned else m["cond_noise_floor"],
                                 footprint_floor=m.get("footprint_floor", ""),
                                 tvd_true=0.5 * np.abs(dist - p).sum(), **tally))
    B = b0
    return rows


COLS = ["spec", "check", "n_s", "n_r", "reference_se", "reference_mode", "support_ref", "tvd",
        "noise_floor", "tvd_x", "tvd_y", "cond_tvd", "cond_noise_floor", "dep_tvd_s", "dep_tvd_r",
        "reference_dependent", "retention", "footprint", "footprint_dep", "footprint_floor",
        "verdict", "diagnosis", "robust", "key_lo", "key_hi", "key_tol", "footprint_dep_lo",
        "footprint_dep_hi", "footprint_dep_tol", "retention_lo", "retention_hi", "retention_tol",
        "dominated_reached",
        "f_perp", "n_dominated", "f_s_pooled", "f_r_pooled", "flattening_pooled", "duncan_s",
        "duncan_r", "segregation_retention"]


def write(name, rows, cols):
    df = pd.DataFrame(rows)
    df = df[[c for c in cols if c in df.columns]]
    path = os.path.join(OUT, name)
    os.makedirs(OUT, exist_ok=True)
    df.to_csv(path, index=False, float_format="%.17g", na_rep="")
    return df


def main():
    rng = np.random.default_rng(SEED)
    us = write("us_checks.csv", run_us(rng), COLS)
    jp = write("jp_checks.csv", run_jp(rng), COLS)
    coh = write("us_coherence.csv", coherence(), list(coherence()[0].keys()))
    if "--calibration" in sys.argv:
        cal = write("jp_calibration.csv", calibration(np.random.default_rng(SEED + 1)),
                    ["check", "generator", "n", "simulations", "tvd_true", "floor",
                     "footprint_floor", "PASS", "INCONCLUSIVE", "FLAG"])
        print(cal)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(us[["spec", "check", "tvd", "noise_floor", "cond_tvd", "retention", "footprint", "verdict", "diagnosis", "robust"]])
        print(jp[["spec", "check", "n_s", "tvd", "noise_floor", "verdict", "robust"]])
        print(coh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
