#!/usr/bin/python3
"""Self-checks of the planted-truth generator (tests/cli/planted_generator.sh).

The verdict and coverage tests trust gen_planted.py twice: its samples must come from the law
it claims, and its population metrics must be that law's. This checks both, independently of
iaf:

 1. the fitted joint has the committed marginals, is positive and sums to 1, and the written
    reference table reads back (pandas) as the same numbers;
 2. sampling is deterministic in the seed (same bytes) and changes with it;
 3. samples read back from the CSV (pandas) fit their law: chi-square goodness of fit of every
    pair table and of the full table (cells pooled to expected counts >= 5), p > 1e-3, for the
    true joint, a mix flattening and a partial shuffle;
 4. flattening leaves the other columns' values untouched row by row, and a shuffle keeps the
    sample's marginal of its column exactly;
 5. the population metrics obey the identities of the mixture (docs/validation.md): for a pair
    mixed toward independence by f, cond_tvd = tvd_joint = f dep_tvd(r), footprint = f,
    retention = 1 - f; untouched pairs are 0 (and retention 1);
 6. the committed tests/data/planted/pair_truth.csv is what the generator computes now.
"""
import filecmp
import itertools
import os
import sys
import tempfile

import numpy as np
import pandas as pd
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_planted as g  # noqa: E402
import run_planted  # noqa: E402

PAIR_TRUTH = os.path.join(HERE, "..", "data", "planted", "pair_truth.csv")
errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


def table_from_csv(model, df, axes):
    names = [model.names[a] for a in axes]
    counts = df.groupby(names).size()
    t = np.zeros([model.shape[a] for a in axes])
    for key, c in counts.items():
        key = key if isinstance(key, tuple) else (key,)
        t[tuple(model.levels[a].index(k) for a, k in zip(axes, key))] = c
    return t


def gof(observed, expected_p, what):
    o = observed.ravel()
    e = expected_p.ravel() * o.sum()
    order = np.argsort(e)
    # Pool the smallest expected cells together until every pooled cell expects >= 5.
    obs, exp, acc_o, acc_e = [], [], 0.0, 0.0
    for i in order:
        acc_o += o[i]
        acc_e += e[i]
        if acc_e >= 5:
            obs.append(acc_o)
            exp.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_e > 0:
        obs[-1] += acc_o
        exp[-1] += acc_e
    p = stats.chisquare(obs, exp).pvalue
    check(p > 1e-3, f"{what}: chi-square goodness of fit p = {p:.2e}")
    return p


def main():
    model = g.Model()
    d = len(model.names)
    # 1. the model
    for i, name in enumerate(model.names):
        got = model.marginal(model.p, (i,))
        check(np.abs(got - model.targets[i]).max() < 1e-12, f"marginal of {name}: {got}")
    check((model.p > 0).all() and abs(model.p.sum() - 1) < 1e-14, "joint not positive/normalised")
    with tempfile.TemporaryDirectory() as tmp:
        ref = os.path.join(tmp, "ref.csv")
        g.write_reference(model, ref)
        df = pd.read_csv(ref, dtype={n: str for n in model.names}, keep_default_na=False,
                         float_precision="round_trip")
        check(list(df.columns) == model.names + ["share"], "reference header")
        check(len(df) == model.p.size, "reference rows")
        back = np.zeros(model.shape)
        for row in df.itertuples(index=False):
            back[tuple(model.levels[i].index(row[i]) for i in range(d))] = row[d]
        check(np.array_equal(back, model.p), "reference shares do not read back exactly")

        # 2. determinism
        a, b, c = (os.path.join(tmp, x) for x in ("a.csv", "b.csv", "c.csv"))
        flat = g.parse_flatten(model, ["occupation=0.6:shuffle", "major=0.3:mix"])
        g.write_sample(model, g.sample_codes(model, 5000, 11, flat), a)
        g.write_sample(model, g.sample_codes(model, 5000, 11, flat), b)
        g.write_sample(model, g.sample_codes(model, 5000, 12, flat), c)
        check(filecmp.cmp(a, b, shallow=False), "same seed, different samples")
        check(not filecmp.cmp(a, c, shallow=False), "different seeds, same sample")

        # 3. goodness of fit, read back from the CSV
        n = 200000
        cases = [("true joint", [], 21), ("major=0.5:mix", ["major=0.5:mix"], 22),
                 ("occupation=0.75:shuffle", ["occupation=0.75:shuffle"], 23)]
        codes_of = {}
        for label, fl, seed in cases:
            flats = g.parse_flatten(model, fl)
            codes = g.sample_codes(model, n, seed, flats)
            codes_of[label] = codes
            path = os.path.join(tmp, "gof.csv")
            g.write_sample(model, codes, path)
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
            law = model.flattened_law(flats)
            full = table_from_csv(model, df, tuple(range(d)))
            check(full.sum() == n, f"{label}: {full.sum()} rows read back")
            ps = [gof(full, law, f"{label}: full table")]
            for x, y in itertools.combinations(range(d), 2):
                ps.append(gof(table_from_csv(model, df, (x, y)), model.marginal(law, (x, y)),
                              f"{label}: {model.names[x]} x {model.names[y]}"))
            print(f"{label}: n = {n}, goodness-of-fit p-values from {min(ps):.3f} to "
                  f"{max(ps):.3f} (full table and 10 pairs)")

        # 4. flattening touches only its column; a shuffle keeps that column's counts
        base = g.sample_codes(model, n, 22, [])
        mixed = codes_of["major=0.5:mix"]
        j = model.index("major")
        others = [i for i in range(d) if i != j]
        check(np.array_equal(base[:, others], mixed[:, others]), "mix changed other columns")
        changed = float(np.mean(base[:, j] != mixed[:, j]))
        pm = model.marginal(model.p, (j,))
        # A redrawn row keeps its value with probability sum_k P(major=k)^2.
        want = 0.5 * (1 - float((pm * pm).sum()))
        check(abs(changed - want) < 4 * np.sqrt(want * (1 - want) / n),
              f"mix changed {changed:.4f} of the rows, want about {want:.4f}")
        base = g.sample_codes(model, n, 23, [])
        shuf = codes_of["occupation=0.75:shuffle"]
        j = model.index("occupation")
        others = [i for i in range(d) if i != j]
        check(np.array_equal(base[:, others], shuf[:, others]), "shuffle changed other columns")
        check(np.array_equal(np.bincount(base[:, j], minlength=model.shape[j]),
                             np.bincount(shuf[:, j], minlength=model.shape[j])),
              "shuffle changed the column's counts")

    # 5. identities of the mixture
    for scen, fl in run_planted.SCENARIOS.items():
        for t in g.truth(model, g.parse_flatten(model, fl), g.all_pairs(model)):
            f, name = t["planted_fraction"], f"{scen}: {t['x']} x {t['y']}"
            dep = t["dep_tvd_reference"]
            for key, want in (("cond_tvd_y_given_x", f * dep), ("cond_tvd_x_given_y", f * dep),
                              ("tvd_joint", f * dep), ("footprint", f), ("retention", 1 - f),
                              ("tvd_x", 0.0), ("tvd_y", 0.0)):
                check(abs(t[key] - want) < 1e-12, f"{name}: {key} {t[key]!r}, want {want!r}")
    # ... and the same identities hold before truth() rounds rounding noise to 0.
    q = model.flattened_law(g.parse_flatten(model, run_planted.SCENARIOS["combo"]))
    raw = g.pair_truth(model.marginal(q, (0, 1)), model.marginal(model.p, (0, 1)))
    check(raw["tvd_joint"] < 1e-14 and abs(raw["retention"] - 1) < 1e-13, "combo: sex x age")

    # 6. the committed truth table
    committed = pd.read_csv(PAIR_TRUTH, float_precision="round_trip")
    now = pd.read_csv(run_planted.truth_table_io(), float_precision="round_trip")
    check(list(committed.columns) == list(now.columns) and len(committed) == len(now),
          "pair_truth.csv: columns or rows differ")
    if not errors:
        for col in committed.columns:
            if committed[col].dtype.kind == "f":
                check(np.allclose(committed[col], now[col], rtol=1e-12, atol=1e-15),
                      f"pair_truth.csv: column {col} differs")
            else:
                check((committed[col] == now[col]).all(), f"pair_truth.csv: column {col}")

    for e in errors:
        print("FAIL: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
