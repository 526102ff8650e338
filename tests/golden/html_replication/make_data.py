"""Inputs of the html_replication golden case: three bundles of persona rows
(Korean labels) audited with the same checks against the same made-up
reference tables, for `iaf replicate`:

  gen_a.csv  2,000 rows close to the reference (a faithful generator)
  gen_b.csv  2,000 rows with occupation drawn independently of sex (flattened)
             and a few managers under 30 (breaks the rule check)
  tiny.csv      30 rows: too few for any distance check to decide

Every count is computed, nothing is drawn at random, so the files are the same
on every machine and Python version. Run from this directory."""

SEX = ["남자", "여자"]
AGE = ["19-29", "30-49", "50+"]
OCC = ["관리자", "전문가", "사무 종사자", "장치 조작원"]
OCC_SHARE = {"관리자": 0.15, "전문가": 0.35, "사무 종사자": 0.30, "장치 조작원": 0.20}
FEMALE = {"관리자": 0.3, "전문가": 0.55, "사무 종사자": 0.65, "장치 조작원": 0.2}
AGE_SHARE = {"19-29": 0.2, "30-49": 0.4, "50+": 0.4}


def largest_remainder(weights, n):
    """Integer counts summing to n, proportional to weights (ties by order)."""
    total = sum(w for _, w in weights)
    raw = [(k, w * n / total) for k, w in weights]
    counts = {k: int(v) for k, v in raw}
    left = n - sum(counts.values())
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - int(raw[i][1])), i))
    for i in order[:left]:
        counts[raw[i][0]] += 1
    return counts


def rows_for(n, female, shift=0.0, young_managers=0):
    """Rows (sex, age, occupation) with the joint sex x occupation of
    `female` (female share per occupation) and ages spread evenly; `shift`
    moves that much occupation mass from 전문가 to 장치 조작원."""
    occ = dict(OCC_SHARE)
    occ["전문가"] -= shift
    occ["장치 조작원"] += shift
    cells = []
    for o in OCC:
        cells.append(((o, "여자"), occ[o] * female[o]))
        cells.append(((o, "남자"), occ[o] * (1 - female[o])))
    counts = largest_remainder(cells, n)
    rows = []
    for (o, s), k in counts.items():
        ages = largest_remainder(list(AGE_SHARE.items()), k)
        if o == "관리자":
            # managers are 30 or older (the rule check), unless told otherwise
            moved = ages["19-29"]
            ages["19-29"] = 0
            ages["30-49"] += moved
        for a in AGE:
            rows += [(s, a, o)] * ages[a]
    # interleave so that the file does not look sorted
    rows = rows[0::3] + rows[1::3] + rows[2::3]
    for i in range(young_managers):
        j = next(k for k, r in enumerate(rows) if r[2] == "관리자" and r[1] == "30-49")
        rows[j] = (rows[j][0], "19-29", "관리자")
    return rows


def write(name, rows):
    with open(name, "w", encoding="utf-8", newline="\n") as f:
        f.write("id,sex,age_band,occupation\n")
        for i, (s, a, o) in enumerate(rows):
            f.write("%d,%s,%s,%s\n" % (i + 1, s, a, o))


write("gen_a.csv", rows_for(2000, FEMALE, shift=0.01))
write("gen_b.csv", rows_for(2000, {o: 0.5 for o in OCC}, young_managers=12))
write("tiny.csv", rows_for(30, FEMALE))

with open("ref_sex.csv", "w", encoding="utf-8", newline="\n") as f:
    # the sex margin of the joint table below
    f_share = sum(OCC_SHARE[o] * FEMALE[o] for o in OCC)
    f.write("sex,share\n남자,%.4f\n여자,%.4f\n" % (1 - f_share, f_share))

with open("ref_sex_occupation.csv", "w", encoding="utf-8", newline="\n") as f:
    f.write("occupation,sex,count\n")
    for o in OCC:
        n = OCC_SHARE[o] * 2000000
        f.write("%s,여자,%d\n" % (o, round(n * FEMALE[o])))
        f.write("%s,남자,%d\n" % (o, round(n * (1 - FEMALE[o]))))
