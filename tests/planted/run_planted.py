#!/usr/bin/python3
"""Planted-truth driver: runs iaf on samples from gen_planted.py and checks verdicts,
footprints and interval coverage against the known truth (docs/validation.md).

  verdicts     one scenario at one n: every pair's verdict must be the truth's verdict, and
               the footprint of every flattened pair within 0.05 of its planted fraction
  small-n      several samples at a small n: INCONCLUSIVE is allowed, a wrong-way verdict
               (FLAG on a faithful pair, PASS on a flattened one) is not
  coverage     repeated samples: the basic intervals must cover the population value often
               enough
  study        rates over many samples, for the docs (not a test)
  truth-table  the population metrics of every pair and scenario (pair_truth.csv)

Each sample goes through `iaf compare --bootstrap B --json` once per pair (--via compare) or
through one `iaf audit` spec with a joint check per pair (--via audit); both give the same
metrics object.

The truth of a pair is its population metrics (gen_planted.truth: the flattened law against
the true joint, which is also the reference, read as a full count). The truth's verdict applies
the same thresholds to those population values: FLAG when some screening metric is on its
failing side, PASS when every one is on its passing side, and "boundary" when one sits exactly
on its threshold (footprint = 0.5 for f = 0.5) and none fails. A boundary pair has no verdict
assertion: a calibrated interval straddles the threshold about 95% of the time and lands on
either side otherwise, and either side is a defensible answer.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_planted  # noqa: E402

SCENARIOS = {
    # name: flattenings (gen_planted.py --flatten syntax)
    "indep": ["occupation=1:shuffle"],
    "partial": ["occupation=0.75:shuffle"],
    "half": ["major=0.5:mix"],
    "combo": ["occupation=1:shuffle", "major=0.5:mix"],
}
DEFAULT_THRESHOLDS = {"cond_tvd_y_given_x": 0.10, "footprint": 0.5}
EPS = 1e-9  # truths closer than this to a threshold count as on it


class Failure(Exception):
    pass


def parse_thresholds(texts):
    th = dict(DEFAULT_THRESHOLDS)
    for t in texts or []:
        k, _, v = t.partition("=")
        if k not in th:
            raise SystemExit(f"--threshold {t}: the joint screens are {', '.join(th)}")
        th[k] = float(v)
    return th


def truth_verdict(t, th):
    """FLAG / PASS / boundary from the population values (both screens fail above)."""
    states = []
    for metric, tau in th.items():
        v = t[metric]
        states.append("fail" if v > tau + EPS else "pass" if v < tau - EPS else "on")
    if "fail" in states:
        return "FLAG"
    if all(s == "pass" for s in states):
        return "PASS"
    return "boundary"


def run_compare(iaf, data, ref, x, y, b, seed, thresholds):
    cmd = [iaf, "compare", data, ref, "--by", f"{x},{y}", "--bootstrap", str(b), "--seed",
           str(seed), "--threads", "1", "--json"]
    for k, v in thresholds.items():
        cmd += ["--threshold", f"{k}={v!r}"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError as e:
        raise Failure(f"{' '.join(cmd)}: output is not JSON ({e})")


def run_audit(iaf, data, ref, pairs, b, seed, thresholds):
    """One `iaf audit` with a joint check per pair; returns each check's metrics object (the
    `iaf compare --json` object, docs/report-schema.md) in pair order."""
    base = os.path.splitext(data)[0]
    spec, out = base + ".yaml", base + ".out"
    q = json.dumps  # JSON strings are valid YAML scalars
    lines = ["iaf: 1", "name: planted truth", "dataset:", "  title: planted sample",
             f"  microdata: [{q(os.path.abspath(data))}]", "  format: csv", "references:",
             "  - id: truth", f"    file: {q(os.path.abspath(ref))}", "    form: long",
             "    value: share", "    full_count: true"]
    if thresholds:
        lines.append("thresholds:")
        lines.append("  joint: {" + ", ".join(f"{k}: {v!r}" for k, v in thresholds.items())
                     + "}")
    lines.append("checks:")
    for x, y in pairs:
        lines.append(f"  - {{id: {x}__{y}, kind: joint, attributes: [{x}, {y}], "
                     "reference: truth, disclosure: none}")
    with open(spec, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    cmd = [iaf, "audit", spec, "-o", out, "-q", "--format", "json", "--bootstrap", str(b),
           "--seed", str(seed), "--threads", "1"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    with open(os.path.join(out, "report.json"), encoding="utf-8") as fh:
        report = json.load(fh)
    shutil.rmtree(out)
    os.remove(spec)
    checks = {c["id"]: c for c in report["checks"]}
    res = []
    for x, y in pairs:
        c = checks.get(f"{x}__{y}")
        # The metrics sit in the check, or in its first (here only) crosswalk variant.
        m = c and (c.get("metrics") or (c.get("variants") or [{}])[0].get("metrics"))
        if not m:
            raise Failure(f"{spec}: no metrics for the check {x}__{y} in report.json")
        res.append(m)
    return res


def interval(res, metric):
    iv = (res.get("intervals") or {}).get(metric)
    if not iv or iv.get("lo") is None or iv.get("hi") is None:
        raise Failure(f"no interval for {metric} in the compare output")
    return iv["lo"], iv["hi"]


def evaluate(args, draws, pairs, thresholds):
    """Results for every draw [(data path, bootstrap seed)]: a list (per draw) of lists (per
    pair) of metrics objects. `--via compare` runs one process per pair, `--via audit` one
    per draw; args.jobs processes at a time."""
    ref = reference(args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        if args.via == "audit":
            futs = [ex.submit(run_audit, args.iaf, d, ref, pairs, args.B, s, thresholds)
                    for d, s in draws]
            return [f.result() for f in futs]
        futs = [[ex.submit(run_compare, args.iaf, d, ref, x, y, args.B, s, thresholds)
                 for x, y in pairs] for d, s in draws]
        return [[f.result() for f in row] for row in futs]


def make_data(args, n, seed, flats, path, reps=0):
    cmd = [sys.executable, os.path.join(HERE, "gen_planted.py"), "sample", "--n", str(n),
           "--seed", str(seed), "-o", path]
    for f in flats:
        cmd += ["--flatten", f]
    if reps:
        cmd += ["--reps", str(reps)]
    subprocess.run(cmd, check=True)


def reference(args):
    path = os.path.join(args.work, "true_joint.csv")
    if not os.path.exists(path):
        gen_planted.write_reference(gen_planted.Model(), path)
    return path


def fmt(v):
    return "-" if v is None else f"{v:.4f}"


def cmd_verdicts(args):
    model = gen_planted.Model()
    th = parse_thresholds(args.threshold)
    flats = SCENARIOS[args.scenario]
    truths = gen_planted.truth(model, gen_planted.parse_flatten(model, flats),
                               gen_planted.all_pairs(model))
    data = os.path.join(args.work, f"{args.scenario}_{args.n}_{args.seed}.csv")
    if not os.path.exists(data):  # a second threshold setting reuses the sample
        make_data(args, args.n, args.seed, flats, data)
    pairs = [(t["x"], t["y"]) for t in truths]
    results = evaluate(args, [(data, args.boot_seed)], pairs, th)[0]
    errors = []
    print(f"scenario {args.scenario} ({', '.join(flats)}), n = {args.n}, data seed {args.seed}, "
          f"B = {args.B}, thresholds {th}, via {args.via}")
    print(f"{'pair':34s} {'f':>5s} {'truth':>8s} {'verdict':>12s} {'diagnosis':>10s} "
          f"{'cond_tvd':>8s} {'[lo, hi]':>17s} {'footprint':>9s} {'[lo, hi]':>17s} "
          f"{'fp_bc':>7s}")
    for t, res in zip(truths, results):
        name = f"{t['x']} x {t['y']}"
        v = res.get("verdict") or {}
        got, diag = v.get("verdict"), v.get("diagnosis")
        want = truth_verdict(t, th)
        fp = res.get("footprint")
        try:
            flo, fhi = interval(res, "footprint")
            clo, chi = interval(res, "cond_tvd_y_given_x")
            fbc = res["intervals"]["footprint"].get("bias_corrected")
        except Failure as e:
            errors.append(f"{name}: {e}")
            continue
        print(f"{name:34s} {t['planted_fraction']:5.2f} {want:>8s} {str(got):>12s} "
              f"{str(diag):>10s} {fmt(res.get('cond_tvd_y_given_x')):>8s} "
              f"[{fmt(clo)}, {fmt(chi)}] {fmt(fp):>9s} [{fmt(flo)}, {fmt(fhi)}] {fmt(fbc):>7s}")
        if want in ("FLAG", "PASS") and got != want:
            errors.append(f"{name}: verdict {got}, the truth's is {want} "
                          f"(population cond_tvd {t['cond_tvd_y_given_x']:.4f}, "
                          f"footprint {t['footprint']:.4f})")
        # A faithful pair PASSes as "faithful", or, when its 95% retention interval happens
        # to exclude 1 (about 1 time in 20 by chance alone, METHOD.md section 4.2 row 7),
        # "weakened / strengthened within tolerance"; nothing else.
        if want == "PASS" and diag not in ("faithful", "weakened within tolerance",
                                           "strengthened within tolerance"):
            errors.append(f"{name}: diagnosis {diag} on a faithful pair")
        if t["planted_fraction"] >= 0.75 - EPS and diag != "flattened":
            errors.append(f"{name}: diagnosis {diag}, want flattened (retention "
                          f"{1 - t['planted_fraction']:.2f})")
        tol = args.footprint_tol if t["planted_fraction"] > 0 else args.faithful_footprint_tol
        if tol is not None and (fp is None or abs(fp - t["planted_fraction"]) > tol):
            errors.append(f"{name}: footprint {fp}, planted fraction "
                          f"{t['planted_fraction']} (tolerance {tol})")
    return errors


def describe(res):
    def est(m):
        lo, hi = interval(res, m)
        return f"{fmt(res.get(m))} [{fmt(lo)}, {fmt(hi)}]"
    return (f"footprint {est('footprint')}, cond_tvd {est('cond_tvd_y_given_x')}, "
            f"noise floor {fmt(res.get('cond_noise_floor'))}")


def chunks_of_draws(args, n, seed, reps, flats, prefix, size=20):
    """Yields lists of (path, i) for draws i = 0..reps-1 (data seed seed + i), made `size` at
    a time and deleted once the caller is done with them."""
    for c0 in range(0, reps, size):
        k = min(size, reps - c0)
        pattern = os.path.join(args.work, f"{prefix}_{c0:04d}_%03d.csv")
        make_data(args, n, seed + c0, flats, pattern, reps=k)
        chunk = [(pattern % j, c0 + j) for j in range(k)]
        yield chunk
        for path, _ in chunk:
            os.remove(path)


def cmd_small_n(args):
    """Several data seeds at a small n; only wrong-way verdicts fail."""
    model = gen_planted.Model()
    th = parse_thresholds(args.threshold)
    errors = []
    tally = {}
    for k, scen in enumerate(args.scenarios.split(",")):
        flats = SCENARIOS[scen]
        seed = args.seed + k * args.reps
        truths = gen_planted.truth(model, gen_planted.parse_flatten(model, flats),
                                   gen_planted.all_pairs(model))
        pairs = [(t["x"], t["y"]) for t in truths]
        for chunk in chunks_of_draws(args, args.n, seed, args.reps, flats, f"{scen}_{args.n}"):
            # Bootstrap seed per draw too, so draws are independent experiments.
            results = evaluate(args, [(p, args.boot_seed + i) for p, i in chunk], pairs, th)
            for (_, i), row in zip(chunk, results):
                for t, res in zip(truths, row):
                    name = f"{scen} data seed {seed + i} {t['x']} x {t['y']}"
                    want = truth_verdict(t, th)
                    got = (res.get("verdict") or {}).get("verdict")
                    key = (want, str(got))
                    tally[key] = tally.get(key, 0) + 1
                    if got not in ("PASS", "FLAG", "INCONCLUSIVE"):
                        errors.append(f"{name}: verdict {got!r}")
                    elif want == "PASS" and got == "FLAG":
                        errors.append(f"{name}: FLAG on a faithful pair ({describe(res)})")
                    elif want == "FLAG" and got == "PASS":
                        errors.append(f"{name}: PASS on a flattened pair")
    print(f"n = {args.n}, scenarios {args.scenarios}, {args.reps} data seeds each from "
          f"{args.seed}, B = {args.B}, thresholds {th}, via {args.via}")
    for (want, got), k in sorted(tally.items()):
        print(f"  truth {want:8s} -> verdict {got:12s} {k:5d}")
    return errors


COVERAGE_METRICS = ("tvd_joint", "cond_tvd_y_given_x", "footprint")


def cmd_coverage(args):
    model = gen_planted.Model()
    flats = SCENARIOS[args.scenario]
    truths = gen_planted.truth(model, gen_planted.parse_flatten(model, flats),
                               gen_planted.all_pairs(model))
    pairs = [(t["x"], t["y"]) for t in truths]
    hits = {(p, m): 0 for p in pairs for m in COVERAGE_METRICS}
    for chunk in chunks_of_draws(args, args.n, args.seed, args.reps, flats,
                                 f"cov_{args.scenario}_{args.n}"):
        # A bootstrap seed per draw, so the draws are independent experiments.
        results = evaluate(args, [(p, args.boot_seed + i) for p, i in chunk], pairs, {})
        for row in results:
            for t, p, res in zip(truths, pairs, row):
                for m in COVERAGE_METRICS:
                    lo, hi = interval(res, m)
                    hits[(p, m)] += lo <= t[m] <= hi
    errors = []
    print(f"coverage of the 95% intervals (the default, calibrated): scenario {args.scenario} "
          f"({', '.join(flats)}), n = {args.n}, {args.reps} draws (data seeds {args.seed}.."
          f"{args.seed + args.reps - 1}), B = {args.B}, via {args.via}")
    print(f"{'pair':34s} {'f':>5s} " + " ".join(f"{m:>20s}" for m in COVERAGE_METRICS))
    pooled = {m: 0 for m in COVERAGE_METRICS}
    nplanted = 0
    for t, p in zip(truths, pairs):
        cov = [hits[(p, m)] / args.reps for m in COVERAGE_METRICS]
        planted = t["planted_fraction"] > 0
        print(f"{p[0] + ' x ' + p[1]:34s} {t['planted_fraction']:5.2f} "
              + " ".join(f"{c:20.3f}" for c in cov)
              + ("" if planted else "   (truth 0: not asserted)"))
        if not planted:
            continue
        nplanted += 1
        for m in COVERAGE_METRICS:
            pooled[m] += hits[(p, m)]
        if args.min_pair_coverage is not None:
            for m, c in zip(COVERAGE_METRICS, cov):
                if c < args.min_pair_coverage:
                    errors.append(f"{p[0]} x {p[1]} {m}: coverage {c:.3f} < "
                                  f"{args.min_pair_coverage} (population value {t[m]:.5f})")
    if nplanted:
        cov = [pooled[m] / (nplanted * args.reps) for m in COVERAGE_METRICS]
        print(f"{'pooled over the planted pairs':34s} {'':5s} "
              + " ".join(f"{c:20.3f}" for c in cov))
        if args.min_coverage is not None:
            for m, c in zip(COVERAGE_METRICS, cov):
                if c < args.min_coverage:
                    errors.append(f"pooled {m}: coverage {c:.3f} < {args.min_coverage}")
    return errors


def cmd_study(args):
    """Not a test: rates over many samples for docs/validation.md. Per pair: iaf's verdicts at
    the given thresholds; how often the footprint's interval lies above each threshold in
    --taus (what a FLAG on the footprint screen needs), alone and when cond_tvd's interval
    also lies above its noise floor (a guard the verdict rule does not have); and the coverage
    of the basic and of the percentile intervals."""
    model = gen_planted.Model()
    th = parse_thresholds(args.threshold)
    taus = [float(t) for t in args.taus.split(",")]
    flats = SCENARIOS[args.scenario]
    truths = gen_planted.truth(model, gen_planted.parse_flatten(model, flats),
                               gen_planted.all_pairs(model))
    pairs = [(t["x"], t["y"]) for t in truths]
    acc = {p: {} for p in pairs}

    def bump(p, key):
        acc[p][key] = acc[p].get(key, 0) + 1

    for chunk in chunks_of_draws(args, args.n, args.seed, args.reps, flats,
                                 f"study_{args.scenario}_{args.n}"):
        results = evaluate(args, [(p, args.boot_seed + i) for p, i in chunk], pairs, th)
        for row in results:
            for t, p, res in zip(truths, pairs, row):
                bump(p, "verdict " + str((res.get("verdict") or {}).get("verdict")))
                flo, _ = interval(res, "footprint")
                clo, _ = interval(res, "cond_tvd_y_given_x")
                above_floor = clo > res["cond_noise_floor"]
                for tau in taus:
                    if flo > tau:
                        bump(p, f"fp_lo>{tau}")
                        if above_floor:
                            bump(p, f"fp_lo>{tau}&cond_lo>floor")
                for m in COVERAGE_METRICS:
                    iv = res["intervals"][m]
                    if iv["lo"] <= t[m] <= iv["hi"]:
                        bump(p, f"basic {m}")
                    if iv["percentile_lo"] <= t[m] <= iv["percentile_hi"]:
                        bump(p, f"pct {m}")
    print(f"study: scenario {args.scenario} ({', '.join(flats)}), n = {args.n}, {args.reps} "
          f"samples (data seeds {args.seed}.., bootstrap seeds {args.boot_seed} + i), "
          f"B = {args.B}, thresholds {th}, via {args.via}")
    for t, p in zip(truths, pairs):
        print(f"{p[0]} x {p[1]}  f = {t['planted_fraction']:.2f}  "
              f"dep_tvd(r) = {t['dep_tvd_reference']:.4f}  truth {truth_verdict(t, th)}")
        for key in sorted(acc[p]):
            print(f"    {key:42s} {acc[p][key]:6d}  {acc[p][key] / args.reps:.3f}")
    return []


TRUTH_COLUMNS = ("planted_fraction", "dep_tvd_reference", "tvd_joint", "cond_tvd_y_given_x",
                 "footprint", "retention")


def truth_table_io():
    """Population metrics of every pair in every scenario, as CSV text (pair_truth.csv)."""
    import io
    model = gen_planted.Model()
    out = io.StringIO()
    out.write("scenario,flattening,x,y," + ",".join(TRUTH_COLUMNS) + "\n")
    for scen, flats in SCENARIOS.items():
        for t in gen_planted.truth(model, gen_planted.parse_flatten(model, flats),
                                   gen_planted.all_pairs(model)):
            out.write(f"{scen},{' '.join(flats)},{t['x']},{t['y']},"
                      + ",".join(f"{t[k]:.17g}" for k in TRUTH_COLUMNS) + "\n")
    out.seek(0)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iaf", default=os.environ.get("IAF"), help="the iaf binary (env IAF)")
    ap.add_argument("--work", help="scratch directory (required but for truth-table)")
    ap.add_argument("--B", type=int, default=1000, help="bootstrap replicates")
    ap.add_argument("--boot-seed", type=int, default=20260611)
    ap.add_argument("--jobs", type=int, default=2, help="iaf processes at once")
    ap.add_argument("--via", choices=("compare", "audit"), default="compare",
                    help="iaf compare per pair, or one iaf audit per sample")
    ap.add_argument("--threshold", action="append", metavar="METRIC=VALUE")
    sub = ap.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("verdicts")
    v.add_argument("--scenario", choices=SCENARIOS, required=True)
    v.add_argument("--n", type=int, required=True)
    v.add_argument("--seed", type=int, required=True)
    v.add_argument("--footprint-tol", type=float, default=0.05,
                   help="|footprint - f| allowed on flattened pairs")
    v.add_argument("--faithful-footprint-tol", type=float, default=None,
                   help="footprint allowed on faithful pairs (default: not checked; the plug-in "
                   "is biased up by noise / dep_tvd(r))")
    s = sub.add_parser("small-n")
    s.add_argument("--scenarios", default=",".join(SCENARIOS))
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--seed", type=int, required=True)
    s.add_argument("--reps", type=int, required=True)
    c = sub.add_parser("coverage")
    c.add_argument("--scenario", choices=SCENARIOS, required=True)
    c.add_argument("--n", type=int, required=True)
    c.add_argument("--seed", type=int, required=True)
    c.add_argument("--reps", type=int, required=True)
    c.add_argument("--min-coverage", type=lambda v: None if v == "none" else float(v),
                   default=0.90,
                   help="required coverage pooled over the flattened pairs; 'none' = report only")
    c.add_argument("--min-pair-coverage", type=lambda v: None if v == "none" else float(v),
                   default=0.85,
                   help="required coverage of each flattened pair; 'none' = report only")
    st = sub.add_parser("study", help="rates over many samples (for the docs, not a test)")
    st.add_argument("--scenario", choices=SCENARIOS, required=True)
    st.add_argument("--n", type=int, required=True)
    st.add_argument("--seed", type=int, required=True)
    st.add_argument("--reps", type=int, required=True)
    st.add_argument("--taus", default="0.5,0.25", help="footprint thresholds to tabulate")
    sub.add_parser("truth-table", help="write pair_truth.csv to stdout")
    a = ap.parse_args(argv)
    if a.cmd == "truth-table":
        sys.stdout.write(truth_table_io().read())
        return 0
    if not a.iaf:
        raise SystemExit("no iaf binary: give --iaf or set IAF")
    if not a.work:
        raise SystemExit("--work is required")
    os.makedirs(a.work, exist_ok=True)
    try:
        errors = {"verdicts": cmd_verdicts, "small-n": cmd_small_n, "coverage": cmd_coverage,
                  "study": cmd_study}[a.cmd](a)
    except Failure as e:
        errors = [str(e)]
    for e in errors:
        print("FAIL: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
