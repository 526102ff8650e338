#!/usr/bin/python3
"""Builds the text material of bench/gen_npk.c from the 120 genuine Nemotron-Personas-Korea rows
(../shared/data/nemotron-personas-korea/hooni0918_sample/place_scrap_personas_v3.json, CC BY 4.0
NVIDIA): word frequencies of the free-text columns, the phrases of the two list columns, the
persons' names and the byte-length range of every text column.

    /usr/bin/python3 bench/data-src/extract_vocab.py [SAMPLE_JSON]

Writes npk_words.tsv, npk_phrases.txt, npk_names.txt and npk_text_lengths.tsv next to itself.
"""
import ast
import collections
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    HERE, "../../../shared/data/nemotron-personas-korea/hooni0918_sample/place_scrap_personas_v3.json")
TEXT = ["professional_persona", "sports_persona", "arts_persona", "travel_persona",
        "culinary_persona", "family_persona", "persona", "cultural_background",
        "skills_and_expertise", "hobbies_and_interests", "career_goals_and_ambitions"]
LISTS = ["skills_and_expertise_list", "hobbies_and_interests_list"]

rows = json.load(open(SAMPLE, encoding="utf-8"))
words = collections.Counter()
names = collections.Counter()
for r in rows:
    name = r["persona"].split(" ", 1)[0]
    names[name] += 1
    for c in TEXT:
        toks = r[c].split()
        # the person's name opens most persona texts: the generator puts a name there itself
        if toks and toks[0] == name:
            toks = toks[2:] if len(toks) > 1 and toks[1] == "씨는" else toks[1:]
        words.update(t for t in toks if t)
phrases = collections.Counter()
for r in rows:
    for c in LISTS:
        for p in ast.literal_eval(r[c]):
            phrases[p.replace("'", "").replace("\n", " ").strip()] += 1

with open(os.path.join(HERE, "npk_words.tsv"), "w", encoding="utf-8") as f:
    for w, n in sorted(words.items(), key=lambda x: (-x[1], x[0])):
        f.write(f"{n}\t{w}\n")
with open(os.path.join(HERE, "npk_phrases.txt"), "w", encoding="utf-8") as f:
    for p in sorted(phrases):
        if p:
            f.write(p + "\n")
with open(os.path.join(HERE, "npk_names.txt"), "w", encoding="utf-8") as f:
    for n in sorted(names):
        f.write(n + "\n")
with open(os.path.join(HERE, "npk_text_lengths.tsv"), "w", encoding="utf-8") as f:
    f.write("column\tmin_bytes\tmedian_bytes\tmax_bytes\n")
    for c in TEXT + LISTS:
        ls = [len(r[c].encode("utf-8")) for r in rows]
        f.write(f"{c}\t{min(ls)}\t{int(statistics.median(ls))}\t{max(ls)}\n")
print(f"{len(words)} words, {len(phrases)} phrases, {len(names)} names from {len(rows)} rows")
