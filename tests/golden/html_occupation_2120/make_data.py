"""Synthetic sex x occupation counts for 2,120 occupations (the size of a
detailed national occupation classification), for the large-taxonomy case of
the HTML report. Deterministic: Python's random.Random(seed) is the Mersenne
Twister and only random() is used, so every Python 3 writes the same bytes.

The reference is strongly segregated (most occupations are male- or
female-dominated); the synthetic data keeps the occupation marginal but pulls
every occupation's female share most of the way toward parity, which is what
an independence assumption between sex and occupation does.

Writes synthetic_sex_occupation.csv and reference_sex_occupation.csv in the
current directory (long form: occupation,sex,count)."""
import random

K = 2120
rng = random.Random(20260611)
WORDS = ["사무원", "판매원", "기술자", "조리사", "운전원", "간호사", "교사", "연구원", "관리자",
         "설계사", "정비원", "상담원", "배달원", "미용사", "경비원", "회계사", "요양보호사",
         "건설 노무자", "프로그래머", "농업인"]

ref_rows, syn_rows = [], []
for i in range(K):
    label = "%s %04d" % (WORDS[i % len(WORDS)], i + 1)
    # occupation size: a long tail, a few large occupations
    size = int(200 + 60000 * rng.random() ** 6)
    # female share: mostly segregated
    u = rng.random()
    f_ref = 0.02 + 0.18 * rng.random() if u < 0.45 else (0.8 + 0.18 * rng.random() if u < 0.7 else 0.3 + 0.4 * rng.random())
    # synthetic: 80% of the way to parity, plus sampling noise at 1/5 of the size
    f_syn = f_ref + 0.8 * (0.5 - f_ref) + 0.03 * (rng.random() - 0.5)
    syn_size = max(1, int(size / 5 * (0.9 + 0.2 * rng.random())))
    ref_f = int(round(size * f_ref))
    syn_f = int(round(syn_size * f_syn))
    ref_rows.append((label, "남자", size - ref_f))
    ref_rows.append((label, "여자", ref_f))
    syn_rows.append((label, "남자", syn_size - syn_f))
    syn_rows.append((label, "여자", syn_f))

for name, rows in (("reference_sex_occupation.csv", ref_rows), ("synthetic_sex_occupation.csv", syn_rows)):
    with open(name, "w", encoding="utf-8", newline="\n") as f:
        f.write("occupation,sex,count\n")
        for r in rows:
            f.write("%s,%s,%d\n" % r)
