#!/usr/bin/python3
"""Planted-truth generator for the validation of the audit method (docs/validation.md).

The true joint P over (sex, age_band, education, major, occupation) is the log-linear model of
model.json: committed two-way interaction terms, main effects fitted by iterative proportional
fitting so that the one-way marginals equal the committed targets exactly.

A *flattening* acts on one column c with a fraction f in [0, 1]:

  mix      every row, with probability f, gets a fresh value of c drawn from P's marginal of c,
           independently of everything else. The population law becomes
           Q = (1 - f) P + f P(everything but c) x P(c): P(c) is kept exactly, every pair that
           contains c is mixed toward independence by exactly f, and every pair without c keeps
           its law.
  shuffle  every row is selected with probability f and c is permuted among the selected rows
           (f = 1: the whole column is shuffled). The sample's own marginal of c is kept exactly;
           in expectation the law is the mix law above (up to O(1/n): a row may keep its value).

Several flattenings (of different columns) compose; the population law is computed by applying
the mix formula once per flattening, in order (the result does not depend on the order).

Sampling is inversion of the cumulative distribution with numpy's PCG64 generator seeded by the
given seed: the same seed and arguments give the same bytes.

Subcommands (run with --help):
  reference  the true joint as a long table (attributes + share), i.e. a full-count reference
  sample     microdata CSV (one file, or --reps files with seeds seed+0, seed+1, ...)
  truth      population metrics of chosen pairs of the flattened law against P (JSON)
  marginals  the fitted marginals and the pairwise dependence of P (a table for the docs)
"""
import argparse
import itertools
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.join(HERE, "model.json")


class Model:
    def __init__(self, path=DEFAULT_MODEL):
        with open(path, encoding="utf-8") as fh:
            spec = json.load(fh)
        self.names = [v["name"] for v in spec["variables"]]
        self.levels = [list(v["levels"]) for v in spec["variables"]]
        self.shape = tuple(len(lv) for lv in self.levels)
        d = len(self.names)
        logp = np.zeros(self.shape)
        for term in spec["interactions"]:
            a, b = (self.names.index(v) for v in term["vars"])
            lam = np.array(term["lambda"], dtype=float)
            if lam.shape != (self.shape[a], self.shape[b]):
                raise ValueError(f"interaction {term['vars']}: shape {lam.shape}")
            logp = logp + lam.reshape(self._axes_shape((a, b)))
        p = np.exp(logp - logp.max())
        p /= p.sum()
        targets = []
        for i, name in enumerate(self.names):
            t = np.array(spec["marginals"][name], dtype=float)
            if t.shape != (self.shape[i],) or abs(t.sum() - 1) > 1e-12 or (t <= 0).any():
                raise ValueError(f"marginal of {name}: must be {self.shape[i]} positive shares")
            targets.append(t / t.sum())
        # IPF: scaling one margin at a time is exactly a main-effect update of the log-linear
        # model, so the interaction terms (the dependence) are untouched.
        for _ in range(100000):
            worst = 0.0
            for i in range(d):
                cur = p.sum(axis=tuple(j for j in range(d) if j != i))
                worst = max(worst, float(np.abs(cur - targets[i]).max()))
                p = p * (targets[i] / cur).reshape(self._axes_shape((i,)))
            if worst < 1e-15:
                break
        else:
            raise RuntimeError("IPF did not converge")
        self.p = p / p.sum()
        self.targets = targets

    def _axes_shape(self, axes):
        return [self.shape[j] if j in axes else 1 for j in range(len(self.shape))]

    def index(self, name):
        try:
            return self.names.index(name)
        except ValueError:
            raise SystemExit(f"unknown column {name!r}; the columns are {', '.join(self.names)}")

    def marginal(self, p, axes):
        """Marginal table of p over the given axes (in that order)."""
        d = len(self.shape)
        m = p.sum(axis=tuple(j for j in range(d) if j not in axes))
        order = sorted(axes)
        return np.transpose(m, [order.index(a) for a in axes])

    def flattened_law(self, flats):
        """The population law after the flattenings [(column index, f, mode)]."""
        q = self.p.copy()
        d = len(self.shape)
        for c, f, _mode in flats:
            rest = q.sum(axis=c, keepdims=True)
            pc = self.marginal(self.p, (c,)).reshape(self._axes_shape((c,)))
            q = (1 - f) * q + f * rest * pc
        assert abs(q.sum() - 1) < 1e-12 and d == q.ndim
        return q


def parse_flatten(model, texts):
    """COLUMN=F[:mix|:shuffle] -> [(index, f, mode)]."""
    out = []
    for t in texts or []:
        col, _, rest = t.partition("=")
        fs, _, mode = rest.partition(":")
        mode = mode or "mix"
        f = float(fs)
        if not 0 <= f <= 1 or mode not in ("mix", "shuffle"):
            raise SystemExit(f"--flatten {t}: want COLUMN=F[:mix|:shuffle] with 0 <= F <= 1")
        c = model.index(col)
        if any(o[0] == c for o in out):
            raise SystemExit(f"--flatten: column {col} given twice")
        out.append((c, f, mode))
    return out


def draw(cdf, u):
    """Inversion: the first index whose cumulative probability exceeds u."""
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


def sample_codes(model, n, seed, flats):
    """n x d integer category codes drawn from P, then flattened."""
    rng = np.random.Generator(np.random.PCG64(seed))
    cdf = np.cumsum(model.p.ravel())
    cdf /= cdf[-1]
    cells = draw(cdf, rng.random(n))
    codes = np.stack(np.unravel_index(cells, model.shape), axis=1).astype(np.int64)
    for c, f, mode in flats:
        chosen = rng.random(n) < f if f < 1 else np.ones(n, dtype=bool)
        rows = np.flatnonzero(chosen)
        if mode == "mix":
            mc = np.cumsum(model.marginal(model.p, (c,)))
            mc /= mc[-1]
            codes[rows, c] = draw(mc, rng.random(rows.size))
        else:
            codes[rows, c] = codes[rng.permutation(rows), c]
    return codes


def write_sample(model, codes, path):
    # One line per cell of the full table, picked by the row's cell index: fast and exact.
    lines = np.array(
        [",".join(cell) + "\n" for cell in itertools.product(*model.levels)], dtype=object)
    cells = np.ravel_multi_index(tuple(codes.T), model.shape)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(model.names) + "\n")
        fh.write("".join(lines[cells]))
    os.replace(tmp, path)


def write_reference(model, path):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(model.names) + ",share\n")
        for cell, share in zip(itertools.product(*model.levels), model.p.ravel()):
            fh.write(",".join(cell) + "," + repr(float(share)) + "\n")
    os.replace(tmp, path)


# --- population metrics, written from the definitions in METHOD.md section 4 ---------------

def dep_tvd(p):
    return 0.5 * np.abs(p - np.outer(p.sum(1), p.sum(0))).sum()


def cond_tvd_y_given_x(s, r):
    s = s / s.sum()
    r = r / r.sum()
    total = 0.0
    for x in range(r.shape[0]):
        rx, sx = r[x].sum(), s[x].sum()
        if rx <= 0:
            continue
        if sx <= 0:
            total += rx
        else:
            total += rx * 0.5 * np.abs(s[x] / sx - r[x] / rx).sum()
    return total


def pair_truth(s, r):
    s = s / s.sum()
    r = r / r.sum()
    indep = np.outer(r.sum(1), r.sum(0))
    dep_r = dep_tvd(r)
    return {
        "tvd_joint": 0.5 * np.abs(s - r).sum(),
        "tvd_x": 0.5 * np.abs(s.sum(1) - r.sum(1)).sum(),
        "tvd_y": 0.5 * np.abs(s.sum(0) - r.sum(0)).sum(),
        "cond_tvd_y_given_x": cond_tvd_y_given_x(s, r),
        "cond_tvd_x_given_y": cond_tvd_y_given_x(s.T, r.T),
        "dep_tvd_synthetic": dep_tvd(s),
        "dep_tvd_reference": dep_r,
        "retention": dep_tvd(s) / dep_r,
        # Literally cond_tvd(s, r) / cond_tvd(s_perp, r), s_perp = r_x r_y.
        "footprint": cond_tvd_y_given_x(s, r) / cond_tvd_y_given_x(indep, r),
    }


def all_pairs(model):
    return [(model.names[a], model.names[b])
            for a, b in itertools.combinations(range(len(model.names)), 2)]


def truth(model, flats, pairs):
    q = model.flattened_law(flats)
    out = []
    for x, y in pairs:
        a, b = model.index(x), model.index(y)
        t = pair_truth(model.marginal(q, (a, b)), model.marginal(model.p, (a, b)))
        flat = [f for c, f, _ in flats if c in (a, b)]
        # Fraction of the pair's law that is mixed toward independence.
        t["planted_fraction"] = 1 - float(np.prod([1 - f for f in flat])) if flat else 0.0
        for k in ("tvd_joint", "tvd_x", "tvd_y", "cond_tvd_y_given_x", "cond_tvd_x_given_y",
                  "footprint"):
            # The 5-D computation leaves ~1e-17 where the value is 0 exactly (an untouched
            # pair, a kept marginal); write those as 0.
            if abs(t[k]) < 1e-12:
                t[k] = 0.0
        out.append({"x": x, "y": y, **{k: float(v) for k, v in t.items()}})
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("reference", help="the true joint as a long share table")
    r.add_argument("-o", "--output", required=True)
    s = sub.add_parser("sample", help="microdata CSV")
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--seed", type=int, required=True)
    s.add_argument("--flatten", action="append", metavar="COL=F[:mix|:shuffle]")
    s.add_argument("--reps", type=int, default=0,
                   help="write this many files; OUTPUT holds one %%d for the replicate number")
    s.add_argument("-o", "--output", required=True)
    t = sub.add_parser("truth", help="population metrics of pairs (JSON)")
    t.add_argument("--flatten", action="append", metavar="COL=F[:mix|:shuffle]")
    t.add_argument("--pair", action="append", metavar="X,Y", help="default: every pair")
    sub.add_parser("marginals", help="fitted marginals and pairwise dependence of P")
    a = ap.parse_args(argv)
    model = Model(a.model)
    if a.cmd == "reference":
        write_reference(model, a.output)
    elif a.cmd == "sample":
        flats = parse_flatten(model, a.flatten)
        if a.n < 1:
            raise SystemExit("--n must be positive")
        if a.reps:
            for i in range(a.reps):
                write_sample(model, sample_codes(model, a.n, a.seed + i, flats), a.output % i)
        else:
            write_sample(model, sample_codes(model, a.n, a.seed, flats), a.output)
    elif a.cmd == "truth":
        flats = parse_flatten(model, a.flatten)
        pairs = [tuple(p.split(",")) for p in a.pair] if a.pair else all_pairs(model)
        json.dump(truth(model, flats, pairs), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        for name, t in zip(model.names, model.targets):
            got = model.marginal(model.p, (model.index(name),))
            print(name, " ".join(f"{v:.4f}" for v in got), f"(max |fit - target| "
                  f"{np.abs(got - t).max():.1e})")
        for x, y in all_pairs(model):
            pt = model.marginal(model.p, (model.index(x), model.index(y)))
            print(f"{x} x {y}: dep_tvd {dep_tvd(pt):.4f}, cells {pt.size}, "
                  f"smallest cell {pt.min():.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
