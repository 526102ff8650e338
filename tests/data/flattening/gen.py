"""Flattening fixtures (tests/cli/flattening.sh): regenerate with `python3 gen.py`.

reference.csv: 1,200,000 people over five occupations; A, B, E male-dominated (10%, 15%, 20%
women; three, so that the dominated-categories rule of METHOD.md section 9 can be met), C, D
female-majority (60%, 70%). reference_two.csv: the same without E (two dominated categories:
too few to decide). faithful.csv: a multinomial sample (n = 200,000) of the reference joint;
flattened.csv: a sample of the independence joint (every occupation with the overall female
share, occupation sizes kept): planted flattening 1.
"""
import numpy as np

occ = {"A": (30000, 270000), "B": (30000, 170000), "C": (150000, 100000),
       "D": (175000, 75000), "E": (40000, 160000)}


def write(path, cells):
    with open(path, "w") as f:
        f.write("sex,occupation,count\n")
        for (o, s), n in cells.items():
            f.write(f"{s},{o},{int(n)}\n")


def cells_of(table):
    return {(o, s): n for o, (w, m) in table.items() for s, n in (("여자", w), ("남자", m))}


write("reference.csv", cells_of(occ))
write("reference_two.csv", cells_of({k: v for k, v in occ.items() if k != "E"}))
rng = np.random.default_rng(7)
keys = list(cells_of(occ))
p = np.array([cells_of(occ)[k] for k in keys], float)
p /= p.sum()
write("faithful.csv", dict(zip(keys, rng.multinomial(200000, p))))
W = sum(w for w, m in occ.values())
T = sum(w + m for w, m in occ.values())
q = np.array([(occ[o][0] + occ[o][1]) / T * (W / T if s == "여자" else 1 - W / T) for o, s in keys])
write("flattened.csv", dict(zip(keys, rng.multinomial(200000, q))))
