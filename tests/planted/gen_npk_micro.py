#!/usr/bin/python3
"""Planted NPK-shaped microdata: the 26 columns of nvidia/Nemotron-Personas-Korea as Parquet
shards laid out like the Hugging Face download (DIR/data/train-0000K-of-0000M.parquet), with the
real marginals and all 2,120 real occupation titles, and a sex x occupation x age joint planted
from the EAPS 2025 reference with a known flattening lambda (docs/validation.md, "Planted NPK
microdata").

The planted world (the truth T, shared by every variant):
  * the employed are the rows whose title maps to a KSCO-7 major group 1-9 (crosswalk A); the
    title marginal is NPK's real one (무직, the 981 job-seeker labels and the 12 military rank
    labels included, with their real counts);
  * age band a (LALFS bands 15~29 (= 19-29 here), 30~39, 40~49, 50~59, 60+): among the employed of
    every major group y the truth's age distribution is the standard w = the LALFS 2024 H1
    employed age distribution (`lalfs_2024h1_employed_by_age_band.csv`);
  * women's share f_T(y|a): for a group that EAPS shows male-dominated (f_r(y) < 0.25: groups
    1, 7, 8), f_T(y|a) = f_r(y) + delta_y (1[a = 15~29] - w_0): more women among the young,
    with sum_a w_a f_T(y|a) = f_r(y) exactly, so the truth reproduces EAPS's sex x major table;
    delta_y is set so that the age-confounded variant's raw flattening is APPARENT (0.7). Other
    groups: f_T(y|a) = f_r(y) at every age.
Because P_T(a|y) = w, directly standardising with w compares like with like even though EAPS has
no age detail (METHOD.md section 7: DS_s(y) is compared with the raw f_r(y)).

The synthetic data S of each variant:
  faithful         S = T;
  robust, mild     f_S(y|a) = f_T(y|a) + lambda (f_perp - f_T(y|a)) for every male-dominated
                   group at every age (lambda 0.7 and 0.3; f_perp = EAPS's female share of all
                   employed, the METHOD.md section 5 definition of flattening); age as in T;
  age-confounded   f_S(y|a) = f_T(y|a) (no flattening within any age band), but the employed of
                   the male-dominated groups are TILT (0.55) aged 15~29 (the rest as w): the raw
                   female share rises by APPARENT (f_perp - f_r(y)) while every age-specific
                   share is the truth's.
Then flattening(y) = lambda exactly in the population, raw and standardised (robust, mild,
faithful); age-confounded: raw 0.7, standardised 0.

Other columns: sex of the non-employed is drawn so that the sex marginal is NPK's; active-duty
rows (the 12 rank labels) draw sex and age band from NPK's military_breakdown.csv; the age of
the non-employed fills NPK's age marginal (year by year) left by the employed and the military;
education, bachelors_field (해당없음 exactly below a 4-year degree), marital status, family type,
housing type and district (province = its prefix) are drawn independently from their marginals;
text columns are short placeholders (the audit reads none of them), uuid 32 hex digits.

Usage:
  gen_npk_micro.py --variant robust --rows 100000 --seed 1 --shards 2 --out DIR
                   [--truth FILE.json] [--sidecar FILE.csv]
Sampling uses numpy's PCG64 seeded by --seed (and the variant): the same arguments give the same
bytes. --sidecar writes the audited columns as CSV for the independent oracle.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import parquet_min  # noqa: E402

SRC = os.path.join(REPO, "bench", "data-src")
NPK = os.path.join(REPO, "examples", "npk")

VARIANTS = {"faithful": 0.0, "mild": 0.3, "robust": 0.7, "age-confounded": 0.0}
APPARENT = 0.7
TILT = 0.55
BANDS = ["15~29세", "30~39세", "40~49세", "50~59세", "60세 이상"]
BAND_EDGES = [19, 30, 40, 50, 60, 200]
THETA = 0.25

COLUMNS = [
    "uuid", "professional_persona", "sports_persona", "arts_persona", "travel_persona",
    "culinary_persona", "family_persona", "persona", "cultural_background",
    "skills_and_expertise", "skills_and_expertise_list", "hobbies_and_interests",
    "hobbies_and_interests_list", "career_goals_and_ambitions", "sex", "age", "marital_status",
    "military_status", "family_type", "housing_type", "education_level", "bachelors_field",
    "occupation", "district", "province", "country",
]


def read_marginal(name):
    labels, counts = [], []
    with open(os.path.join(SRC, f"marginal_{name}.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            labels.append(row[name])
            counts.append(int(row["count"]))
    return labels, np.array(counts, dtype=float)


def read_csv_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def eaps():
    cnt = {}
    for r in read_csv_rows(os.path.join(NPK, "data/reference/eaps_2025_sex_by_ksco_major.csv")):
        cnt.setdefault(r["ksco_major"], {})[r["sex"]] = float(r["count"])
    return cnt


def lalfs_major():
    cnt = {}
    path = os.path.join(NPK, "data/reference/original/lalfs_employed_by_sex_industry_occupation_major.csv")
    for r in read_csv_rows(path):
        if (r["period"] == "2025.2/2" and r["industry_code_ksic10"] == "ALL" and r["sex"] != "계"
                and r["ksco_major_code"] != "T"):
            cnt.setdefault(r["ksco_major_code"], {})[r["sex"]] = float(r["value"]) * 1000
    return cnt


def standard_w():
    rows = read_csv_rows(os.path.join(NPK, "data/reference/lalfs_2024h1_employed_by_age_band.csv"))
    d = {r["age_band"]: float(r["count"]) for r in rows}
    w = np.array([d[b] for b in BANDS])
    return w / w.sum()


def shares(cnt):
    groups = [str(g) for g in range(1, 10)]
    f = np.array([cnt[g]["여자"] / (cnt[g]["여자"] + cnt[g]["남자"]) for g in groups])
    tot = np.array([cnt[g]["여자"] + cnt[g]["남자"] for g in groups])
    fperp = sum(cnt[g]["여자"] for g in groups) / tot.sum()
    return groups, f, tot, fperp


class World:
    """The planted law: per major group y (1-9) and band a, P_S(a|y) and f_S(y|a)."""

    def __init__(self, variant):
        self.variant = variant
        self.lam = VARIANTS[variant]
        self.groups, self.f_r, self.ref_tot, self.f_perp = shares(eaps())
        self.w = standard_w()
        self.dominated = self.f_r < THETA
        z = (np.arange(len(BANDS)) == 0).astype(float) - self.w[0]
        self.delta = np.where(self.dominated, APPARENT * (self.f_perp - self.f_r) / (TILT - self.w[0]), 0.0)
        self.f_T = self.f_r[:, None] + self.delta[:, None] * z[None, :]
        assert (self.f_T > 0).all() and (self.f_T < 1).all()
        assert np.allclose(self.f_T @ self.w, self.f_r)
        self.p_age = np.tile(self.w, (9, 1))
        self.f_S = self.f_T.copy()
        if variant in ("robust", "mild"):
            d = self.dominated
            self.f_S[d] = self.f_T[d] + self.lam * (self.f_perp - self.f_T[d])
        if variant == "age-confounded":
            tilted = np.concatenate([[TILT], (1 - TILT) * self.w[1:] / self.w[1:].sum()])
            self.p_age[self.dominated] = tilted

    def population(self, n_s_groups, ref_cnt=None):
        """Population values of the flattening measures against a sex x major reference (EAPS by
        default), for synthetic group sizes n_s_groups (the law's expected employed per group)."""
        if ref_cnt is None:
            f_r, ref_tot, f_perp = self.f_r, self.ref_tot, self.f_perp
        else:
            _, f_r, ref_tot, f_perp = shares(ref_cnt)
        dom = f_r < THETA
        raw = (self.p_age * self.f_S).sum(axis=1)
        ds = self.f_S @ self.w
        out = {"f_perp": f_perp, "dominated": [g for g, d in zip(self.groups, dom) if d]}
        for name, fs in (("raw", raw), ("standardised", ds)):
            flat = (fs - f_r) / (f_perp - f_r)
            fsp = (n_s_groups[dom] * fs[dom]).sum() / n_s_groups[dom].sum()
            frp = (ref_tot[dom] * f_r[dom]).sum() / ref_tot[dom].sum()
            out[name] = {
                "f_s": dict(zip(self.groups, fs.tolist())),
                "flattening": dict(zip(self.groups, flat.tolist())),
                "flattening_pooled": (fsp - frp) / (f_perp - frp),
                "flattening_mean": float((ref_tot[dom] * flat[dom]).sum() / ref_tot[dom].sum()),
            }
        return out


def sample_labels(rng, labels, weights, n):
    p = weights / weights.sum()
    return rng.choice(len(labels), size=n, p=p)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shards", type=int, default=1)
    ap.add_argument("--row-group", type=int, default=50000)
    ap.add_argument("--out", required=True, help="directory; the shards go to OUT/data/")
    ap.add_argument("--truth", help="write the planted law and its population metrics (JSON)")
    ap.add_argument("--sidecar", help="write sex, age, occupation, education, field as CSV")
    ap.add_argument("--csv", help="write the same rows as one CSV: uuid, age and every "
                    "categorical column (no placeholder text), for SQL engines (docs/scale.md)")
    a = ap.parse_args(argv)
    n = a.rows
    if n < 1 or a.shards < 1 or a.row_group < 1:
        ap.error("rows, shards and row-group must be positive")
    world = World(a.variant)
    variant_no = sorted(VARIANTS).index(a.variant)
    rng = np.random.Generator(np.random.PCG64([a.seed, variant_no]))
    text_rng = np.random.Generator(np.random.PCG64([a.seed, variant_no, 1]))

    # occupation titles and their KSCO-7 major group (crosswalk A)
    occ_labels, occ_counts = read_marginal("occupation")
    xw = {r["from"]: r["to"] for r in read_csv_rows(
        os.path.join(NPK, "crosswalks/npk_occupation_to_ksco7_major_A.csv"))}
    major = np.array([xw.get(lbl, "") for lbl in occ_labels])
    if any(lbl not in xw for lbl in occ_labels):
        raise SystemExit("a title is missing from the crosswalk")
    occ = sample_labels(rng, occ_labels, occ_counts, n)
    gidx = np.full(len(occ_labels), -1)
    for i, m in enumerate(major):
        if m in world.groups:
            gidx[i] = world.groups.index(m)
    row_g = gidx[occ]
    employed = row_g >= 0
    mil_rank = {}
    for i, lbl in enumerate(occ_labels):
        if major[i] == "A":
            mil_rank[i] = lbl.split(" ")[1].replace("병사", "병사")
    military = np.isin(occ, list(mil_rank))

    age_labels, age_counts = read_marginal("age")
    ages = np.array([int(x) for x in age_labels])
    p_age = age_counts / age_counts.sum()
    band_of_age = np.searchsorted(BAND_EDGES, ages, side="right") - 1
    p_age_in_band = np.zeros((len(BANDS), len(ages)))
    for b in range(len(BANDS)):
        m = band_of_age == b
        p_age_in_band[b, m] = p_age[m] / p_age[m].sum()

    age = np.zeros(n, dtype=np.int64)
    band = np.full(n, -1)
    # employed: band from P_S(a|y), year within band from the age marginal
    for g in range(9):
        idx = np.flatnonzero(row_g == g)
        band[idx] = rng.choice(len(BANDS), size=len(idx), p=world.p_age[g])
    for b in range(len(BANDS)):
        idx = np.flatnonzero(band == b)
        age[idx] = ages[rng.choice(len(ages), size=len(idx), p=p_age_in_band[b])]
    # sex of the employed: f_S(y|a)
    female = np.zeros(n, dtype=bool)
    fe = world.f_S[row_g[employed], band[employed]]
    female[employed] = rng.random(employed.sum()) < fe

    # active duty: rank x sex x age band from NPK's military_breakdown.csv (real age ranges)
    mb = read_csv_rows(os.path.join(NPK, "data/npk/military_breakdown.csv"))
    ranges = {r["age_bin"]: (int(r["age_min"]), int(r["age_max"]) if r["age_max"] else 99)
              for r in read_csv_rows(os.path.join(NPK, "data/npk/age_bin_definition.csv"))}
    for rank in ("병사", "부사관", "장교"):
        cells = [r for r in mb if r["rank"] == rank]
        wts = np.array([float(r["n"]) for r in cells])
        idx = np.flatnonzero(military & np.isin(occ, [i for i, k in mil_rank.items() if k == rank]))
        pick = rng.choice(len(cells), size=len(idx), p=wts / wts.sum())
        for c, r in enumerate(cells):
            sel = idx[pick == c]
            lo, hi = ranges[r["age_bin"]]
            m = (ages >= lo) & (ages <= hi)
            age[sel] = ages[m][rng.choice(m.sum(), size=len(sel), p=p_age[m] / p_age[m].sum())]
            female[sel] = r["sex"] == "여자"

    # the rest (무직, job seekers): the age marginal left over, year by year
    rest = ~employed & ~military
    used = np.bincount(age[~rest] - ages[0], minlength=len(ages)).astype(float)
    left = np.clip(p_age * n - used, 0, None)
    idx = np.flatnonzero(rest)
    age[idx] = ages[rng.choice(len(ages), size=len(idx), p=left / left.sum())]
    sex_labels, sex_counts = read_marginal("sex")
    p_f = sex_counts[sex_labels.index("여자")] / sex_counts.sum()
    need = p_f * n - female.sum()
    female[idx] = rng.random(len(idx)) < np.clip(need / max(len(idx), 1), 0, 1)

    # independent columns
    cols = {}
    for name in ("marital_status", "family_type", "housing_type", "district"):
        lab, cnt = read_marginal(name)
        cols[name] = (lab, sample_labels(rng, lab, cnt, n).astype(np.uint32))
    dl = cols["district"][0]
    prov_labels = sorted({d.split("-")[0] for d in dl})
    prov_of = np.array([prov_labels.index(d.split("-")[0]) for d in dl], dtype=np.uint32)
    cols["province"] = (prov_labels, prov_of[cols["district"][1]])
    edl, edc = read_marginal("education_level")
    edu = sample_labels(rng, edl, edc, n)
    cols["education_level"] = (edl, edu.astype(np.uint32))
    bfl, bfc = read_marginal("bachelors_field")
    none = bfl.index("해당없음")
    grad = np.isin(edu, [edl.index("4년제 대학교"), edl.index("대학원")])
    fields = np.full(n, none)
    wf = bfc.copy()
    wf[none] = 0
    fields[grad] = rng.choice(len(bfl), size=grad.sum(), p=wf / wf.sum())
    cols["bachelors_field"] = (bfl, fields.astype(np.uint32))
    cols["sex"] = (["남자", "여자"], female.astype(np.uint32))
    cols["military_status"] = (["비현역", "현역"], military.astype(np.uint32))
    cols["occupation"] = (occ_labels, occ.astype(np.uint32))
    cols["country"] = (["대한민국"], np.zeros(n, dtype=np.uint32))

    categorical = [c for c in COLUMNS if c in cols]
    # placeholder text (never audited): a small pool per column, uuid from its own stream
    with open(os.path.join(SRC, "npk_names.txt"), encoding="utf-8") as fh:
        names = [x.strip() for x in fh if x.strip()]
    with open(os.path.join(SRC, "npk_phrases.txt"), encoding="utf-8") as fh:
        phrases = [x.strip() for x in fh if x.strip()]
    for c in COLUMNS:
        if c in cols or c in ("uuid", "age"):
            continue
        pool = []
        for _ in range(64):
            nm = names[text_rng.integers(len(names))]
            ph = [phrases[text_rng.integers(len(phrases))] for _ in range(3)]
            if c.endswith("_list"):
                pool.append("[" + ", ".join(f"'{p}'" for p in ph) + "]")
            elif c.endswith("persona"):
                pool.append(f"{nm} 씨는 " + ", ".join(ph) + "에 관심이 많다.")
            else:
                pool.append(", ".join(ph))
        cols[c] = (pool, text_rng.integers(len(pool), size=n).astype(np.uint32))
    hexd = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    raw = text_rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    uuid = np.empty((n, 32), dtype=np.uint8)
    uuid[:, 0::2] = hexd[raw >> 4]
    uuid[:, 1::2] = hexd[raw & 15]

    ddir = os.path.join(a.out, "data")
    os.makedirs(ddir, exist_ok=True)
    bounds = np.linspace(0, n, a.shards + 1).round().astype(int)
    for k in range(a.shards):
        s, e = bounds[k], bounds[k + 1]
        spec = []
        for c in COLUMNS:
            if c == "uuid":
                spec.append((c, "plain", uuid[s:e]))
            elif c == "age":
                spec.append((c, "int64", age[s:e]))
            else:
                lab, codes = cols[c]
                spec.append((c, "dict", (lab, codes[s:e])))
        path = os.path.join(ddir, f"train-{k:05d}-of-{a.shards:05d}.parquet")
        parquet_min.write(path + ".tmp", spec, e - s, a.row_group)
        os.replace(path + ".tmp", path)

    if a.csv:
        with open(a.csv, "w", encoding="utf-8", newline="") as fh:
            wr = csv.writer(fh, lineterminator="\n")
            wr.writerow(["uuid", "age"] + categorical)
            labs = [(cols[c][0], cols[c][1]) for c in categorical]
            for i in range(n):
                wr.writerow([uuid[i].tobytes().decode(), int(age[i])] +
                            [lab[codes[i]] for lab, codes in labs])
    if a.sidecar:
        with open(a.sidecar, "w", encoding="utf-8", newline="") as fh:
            wr = csv.writer(fh, lineterminator="\n")
            wr.writerow(["sex", "age", "occupation", "education_level", "bachelors_field",
                         "military_status"])
            for i in range(n):
                wr.writerow(["여자" if female[i] else "남자", int(age[i]), occ_labels[occ[i]],
                             edl[edu[i]], bfl[fields[i]], "현역" if military[i] else "비현역"])
    if a.truth:
        # the law's expected employed per group: the title marginal summed per group
        ng = np.array([occ_counts[gidx == g].sum() for g in range(9)])
        truth = {
            "variant": a.variant, "lambda": world.lam, "rows": n, "seed": a.seed,
            "apparent": APPARENT, "tilt": TILT, "bands": BANDS, "standard_w": world.w.tolist(),
            "f_r_eaps": dict(zip(world.groups, world.f_r.tolist())),
            "delta": dict(zip(world.groups, world.delta.tolist())),
            "f_T": {g: world.f_T[i].tolist() for i, g in enumerate(world.groups)},
            "f_S": {g: world.f_S[i].tolist() for i, g in enumerate(world.groups)},
            "p_age": {g: world.p_age[i].tolist() for i, g in enumerate(world.groups)},
            "eaps": world.population(ng),
            "lalfs": world.population(ng, lalfs_major()),
        }
        with open(a.truth, "w", encoding="utf-8") as fh:
            json.dump(truth, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
