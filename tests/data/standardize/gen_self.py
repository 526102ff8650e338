"""Self-audit fixture for direct standardisation (tests/cli/standardize.sh): one table
of sex x occupation x age counts used as both the synthetic data and the reference.
Like with like (METHOD.md section 7): every standardised metric must be exactly 0.
Occupation E has no one aged 60+ (a stratum empty in one category), D no women aged 19-39.
Regenerate: python3 gen_self.py (deterministic, no randomness)."""
occ = {"A": 0.08, "B": 0.12, "C": 0.18, "D": 0.55, "E": 0.70, "F": 0.10}
ages = {"19-39": 1.3, "40-59": 1.0, "60+": 0.6}
size = {"A": 900, "B": 700, "C": 500, "D": 800, "E": 600, "F": 400}
with open("self_table.csv", "w") as f:
    f.write("sex,occupation,age,count\n")
    for o, p in occ.items():
        for a, m in ages.items():
            if o == "E" and a == "60+":
                continue
            n = size[o] * {"19-39": 3, "40-59": 4, "60+": 2}[a]
            w = 0 if (o == "D" and a == "19-39") else round(n * min(0.95, p * m))
            f.write(f"여자,{o},{a},{w}\n남자,{o},{a},{n - w}\n")

# the same counts without the age detail: a reference that cannot be standardised
import csv
tot = {}
for r in csv.DictReader(open("self_table.csv")):
    k = (r["sex"], r["occupation"])
    tot[k] = tot.get(k, 0) + int(r["count"])
with open("self_noage.csv", "w") as f:
    f.write("sex,occupation,count\n")
    for (s, o), n in tot.items():
        f.write(f"{s},{o},{n}\n")
