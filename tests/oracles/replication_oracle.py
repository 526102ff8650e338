#!/usr/bin/python3
"""Independent oracle for the replication bundles (examples/us, examples/jp).

Everything is recomputed with pandas/numpy from the committed ORIGINAL files: the CRC
synthetic CSVs, the real excerpt, the Census API extracts (DATA + LEGEND, parsed here, not
the long tables that examples/us/prepare derives; the margins of error are the M columns),
the 2020 census files and the persona sample. Category correspondences are written out below
from the data dictionary and the table legends; no iaf code, crosswalk file or prepared table
is read.

Per check it writes the metrics of docs/method.md (TVD, conditional TVD, dependence TVDs,
retention, footprint, the noise floors, n) and a verdict with its diagnosis from its own
parametric bootstrap (METHOD.md sections 8-9, B = 2000, numpy's generator):

* reference standard errors: an ACS cell's SE is its 90% margin of error / 1.645; cells that
  one category sums are added in quadrature; as a share, SE / the reference total on the
  support. They add se_k^2 to every cell's variance in the TVD noise floor and in the
  dependence floor (not in the conditional floor), and the bootstrap draws such a reference
  per cell from Normal(r_k, se_k^2), clipped at 0 and renormalised (a finite n_r is drawn
  multinomially instead; a full count without SEs stays fixed);
* screens (basic intervals): a distance screen (tvd, cond_tvd, footprint) whose noise floor
  reaches its threshold is INCONCLUSIVE whatever its interval; otherwise FLAG when the whole
  interval is on the failing side and the estimate exceeds its floor, PASS when it is all on
  the passing side, else INCONCLUSIVE. The footprint's floor is the conditional floor over
  dep_tvd(r). Flattening checks screen flattening_pooled above 0.5, the same interval below
  -0.5 (exaggerated segregation) and segregation retention below 0.5;
* the check's verdict is the worst screen's; the diagnosis follows docs/method.md (a PASSing
  flattening check says which way it leans when its flattening interval excludes 0).

`robust` = 1 when every combination of the deciding interval bounds moved by 15% of what they
are compared with (the threshold; 1 and 1.5 for the diagnosis bounds; a quarter of the
interval's half-width for the flattening bounds' comparison with 0) gives the same verdict and
diagnosis, and the floor comparisons (exact numbers, asserted to 1e-9) are not ties: a
different bootstrap (iaf's own RNG and B) must then reach the same verdict. The test asserts
iaf's verdicts and diagnoses where robust = 1.

Outputs: tests/data/replication/us_checks.csv, jp_checks.csv, us_coherence.csv, and with
--calibration jp_calibration.csv (how often the rules call faithful and grossly distorted
samples of the census PASS / INCONCLUSIVE / FLAG, by n).
Re-run: /usr/bin/python3 tests/oracles/replication_oracle.py --calibration
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
B = 2000
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
    m["dep_tvd_s"], m["dep_tvd_r"] = dep_tvd(a.s), dep_tvd(a.r)
    m["reference_dependent"] = int(m["dep_tvd_r"] > max(dep_floor, 1e-12))
    if m["reference_dependent"]:
        m["retention"] = m["dep_tvd_s"] / m["dep_tvd_r"]
        m["footprint"] = m["cond_tvd"] / m["dep_tvd_r"]
        # footprint = cond_tvd / dep_tvd(r): the conditional floor on the footprint's scale
        m["footprint_floor"] = cond_floor / m["dep_tvd_r"]
    return m


# ---------------------------------------------------------------------------------------
# Verdicts: parametric bootstrap, basic intervals (METHOD.md sections 8-9)

TH = {"tvd": 0.05, "cond_tvd": 0.10, "footprint": 0.5, "retention": 0.5,
      "flattening": 0.5, "segregation": 0.5}
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


def basic(t, reps, hi_clip=None, lo_clip=0.0):
    """Basic bootstrap interval (type-7 quantiles), clipped to the metric's range; None
    when fewer than half the replicates are finite."""
    n = len(reps)
    reps = reps[np.isfinite(reps)]
    if 2 * len(reps) < n or not np.isfinite(t):
        return None, None
    q_lo, q_hi = np.quantile(reps, [0.025, 0.975])
    lo, hi = 2 * t - q_hi, 2 * t - q_lo
    if lo_clip is not None:
        lo, hi = max(lo, lo_clip), max(hi, lo_clip)
    if hi_clip is not None:
        lo, hi = min(lo, hi_clip), min(hi, hi_clip)
    return lo, hi


def screen(est, lo, hi, th, floor=None, above=True):
    """One screen (METHOD.md section 9 as docs/method.md states it for iaf): None when there
    is no interval; a distance whose floor reaches the threshold cannot PASS (too small a
    sample to decide) and FLAGs only when its whole interval lies above the floor as well; FLAG needs the whole interval on the failing side and, for a
    distance, the estimate above its floor; PASS the whole interval on the passing side."""
    if lo is None or hi is None or not np.isfinite(est):
        return None
    if floor is not None and above and floor >= th:
        # too small to PASS; still FLAG when the whole interval clears the floor too
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
    """(verdict, diagnosis) of a joint or marginal check from its bounds b."""
    if "cond_tvd" not in m:
        v = screen(m["tvd"], b["lo"], b["hi"], TH["tvd"], m["noise_floor"])
        return v, {"PASS": "aligned", "FLAG": "misaligned"}.get(v)
    vs = [screen(m["cond_tvd"], b["lo"], b["hi"], TH["cond_tvd"], m["cond_noise_floor"])]
    dep = m["reference_dependent"]
    if dep:
        vs.append(screen(m["footprint"], b["fp_lo"], b["fp_hi"], TH["footprint"], m["footprint_floor"]))
    v = worst(vs)
    if v == "PASS":
        return v, "faithful"
    if v != "FLAG":
        return v, None
    if dep and b["fp_lo"] is not None and b["fp_lo"] > 1:
        return v, "distorted"
    if dep and b["rt_hi"] is not None and b["rt_hi"] < TH["retention"]:
        return v, "flattened"
    if dep and b["rt_lo"] is not None and b["rt_lo"] > 1.5:
        return v, "exaggerated"
    return v, "mismatch"


def floor_ties(m):
    """1 when an exact comparison (floor vs threshold, estimate vs floor) is too close to call."""
    pairs = []
    if "cond_tvd" not in m:
        pairs += [(m["noise_floor"], TH["tvd"]), (m["tvd"], m["noise_floor"])]
    else:
        pairs += [(m["cond_noise_floor"], TH["cond_tvd"]), (m["cond_tvd"], m["cond_noise_floor"])]
        if m["reference_dependent"]:
            pairs += [(m["footprint_floor"], TH["footprint"]), (m["footprint"], m["footprint_floor"])]
    return any(abs(x - y) <= 1e-7 * max(1.0, abs(y)) for x, y in pairs)


def verdict(a, m, rng):
    S = draw(a.s, a.n_s, rng)
    S /= S.sum(axis=(1, 2), keepdims=True)
    mode = reference_mode(a)
    if mode == "multinomial":
        R = draw(a.r, a.n_r, rng)
        R /= R.sum(axis=(1, 2), keepdims=True)
    elif mode == "normal":
        R = draw_normal(a.r, a.rse, rng)
    else:
        R = np.broadcast_to(a.r, S.shape)
    out = {"reference_mode": mode}
    b = {}
    if a.oned:
        b["lo"], b["hi"] = basic(m["tvd"], tvd(S, R), 1.0)
        margins = {"lo": TH["tvd"], "hi": TH["tvd"]}
    else:
        b["lo"], b["hi"] = basic(m["cond_tvd"], cond_tvd(S, R), 1.0)
        margins = {"lo": TH["cond_tvd"], "hi": TH["cond_tvd"]}
        b["fp_lo"] = b["fp_hi"] = b["rt_lo"] = b["rt_hi"] = None
        if m["reference_dependent"]:
            with np.errstate(invalid="ignore", divide="ignore"):
                dr = dep_tvd(R)
                ok = dr > 1e-12
                fp = np.where(ok, cond_tvd(S, R) / np.where(ok, dr, 1), np.nan)
                rt = np.where(ok, dep_tvd(S) / np.where(ok, dr, 1), np.nan)
            b["fp_lo"], b["fp_hi"] = basic(m["footprint"], fp, None)
            b["rt_lo"], b["rt_hi"] = basic(m["retention"], rt, None)
            # the footprint's lower bound also decides "distorted" (> 1), retention's bounds
            # "flattened" (< 0.5) and "exaggerated" (> 1.5)
            margins.update(fp_lo=1.0, fp_hi=TH["footprint"], rt_lo=1.5, rt_hi=TH["retention"])
            out["footprint_lo"], out["footprint_hi"] = b["fp_lo"], b["fp_hi"]
            out["retention_lo"], out["retention_hi"] = b["rt_lo"], b["rt_hi"]
    out["verdict"], out["diagnosis"] = joint_decision(m, b)
    outcomes = {joint_decision(m, pb) for pb in
                perturbations({k: (b[k], 0.15 * margins[k]) for k in margins})}
    out["robust"] = int(len(outcomes) == 1 and not floor_ties(m))
    out["key_lo"], out["key_hi"] = b["lo"], b["hi"]
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
    if v == "PASS":   # within tolerance; which way it leans when the interval excludes 0
        return v, ("faithful (flattened within tolerance)" if b["f_lo"] > 0 else
                   "faithful (segregation exaggerated within tolerance)" if b["f_hi"] < 0 else
                   "faithful")
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
    Sb = draw(S / S.sum(), n_s, rng)
    Rb = draw(R / R.sum(), n_r, rng)
    with np.errstate(invalid="ignore", divide="ignore"):
        fb, rb = flat_eval(Sb, Rb, dom)[:2]
    b = {"ret": ret}
    b["f_lo"], b["f_hi"] = basic(flat, fb, None, None)
    b["r_lo"], b["r_hi"] = basic(ret, rb, None)
    m["verdict"], m["diagnosis"] = flat_decision(flat, b)
    margin = {"f_lo": TH["flattening"], "f_hi": TH["flattening"], "r_lo": TH["segregation"],
              "r_hi": TH["segregation"]}
    outcomes = {flat_decision(flat, dict(pb, ret=ret))[0] for pb in
                perturbations({k: (b[k], 0.15 * margin[k]) for k in margin})}
    # the lean of a PASS compares the flattening bounds with 0: robust when neither is within
    # a quarter of the interval's half-width of it (Monte Carlo error of a bound: ~5%)
    lean_ok = min(abs(b["f_lo"]), abs(b["f_hi"])) > 0.125 * (b["f_hi"] - b["f_lo"])
    m["robust"] = int(len(outcomes) == 1 and (m["verdict"] != "PASS" or lean_ok))
    m["key_lo"], m["key_hi"] = b["f_lo"], b["f_hi"]
    m["retention_lo"], m["retention_hi"] = b["r_lo"], b["r_hi"]
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


COLS = ["spec", "check", "n_s", "n_r", "reference_se", "reference_mode", "tvd", "noise_floor",
        "cond_tvd", "cond_noise_floor", "dep_tvd_s", "dep_tvd_r", "reference_dependent", "retention",
        "footprint", "footprint_floor", "verdict", "diagnosis", "robust", "key_lo", "key_hi", "footprint_lo", "footprint_hi", "retention_lo", "retention_hi",
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
