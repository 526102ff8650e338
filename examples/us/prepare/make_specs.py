#!/usr/bin/python3
"""Write the four generator specs of examples/us (and the excerpt's control) from one template.

The four CRC synthetic sets are audited with the same checks, so that a replication over
generators compares like with like: only the header (name, dataset, disclosure) differs.
tests/cli/replication_us.sh asserts that the committed specs are what this script writes.

Usage: make_specs.py [--out-root DIR]   (default: examples/us itself)
"""

import argparse
import os
import sys

US_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# spec file stem -> header fields. `quote` is the submitter's own description of the method
# (crc_labels.json, labels."privacy label detail"), verbatim, typos included.
GENERATORS = [
    {
        "stem": "synthpop_cart",
        "label": "R synthpop CART",
        "folder": "rsynthpop_cart",
        "csv": "cart_cf21_na2019.csv",
        "method": "CART (R synthpop syn(), maxfaclevels 300), not differentially private, "
                  "21 of the 24 columns (no DENSITY, PWGTP, WGTP); CRC team CRC, 2023-05-20",
        "quote": "Non-differentially private synthetic data.  Produced using a fully conditional "
                 "multilple imputation algorithm comprised of a sequence of decision trees trained "
                 "on the target data.  Each  feature value in a given record is synthesized one at "
                 "a time: the values of the preceding synthesized features are fed into the "
                 "decision tree trained to predict the current feature.  ",
    },
    {
        "stem": "sdv_ctgan",
        "label": "SDV CTGAN",
        "folder": "sdv_ctgan",
        "csv": "sdv_ctgan_epochs1000_SlokomManel_3.csv",
        "method": "CTGAN (SDV, 1000 epochs), not differentially private, all 24 columns; "
                  "CRC team CBS-NL, 2023-04-28",
        "quote": "No privacy guarantee used",
    },
    {
        "stem": "mostlyai",
        "label": "MOSTLY AI",
        "folder": "mostlyai",
        "csv": "mostlyai_sd_platform_PaulTiwald_1.csv",
        "method": "MOSTLY AI synthetic data platform (deep autoregressive networks), default "
                  "settings, not differentially private, all 24 columns; CRC team MOSTLY AI, "
                  "2023-03-10",
        "quote": "The MOSTLY AI Synthetic Data Platform generates synthetic data based original "
                 "input data. The usage of synthetic data minimizes privacy risks - such as "
                 "membership inference, re-identification, and attribute inference - while "
                 "maintaining the majority of statistical properties of the original data. The "
                 "privacy of the original data is protected by, first, applying basic outlier "
                 "protection mechanisms and, second, strong regularization of the generative "
                 "networks creating the synthetic data.",
    },
    {
        "stem": "private_gsd",
        "label": "Private-GSD (Genetic SD)",
        "folder": "genetic_sd_e10",
        "csv": "genetic_sd_e_10_simple_GiuseppeVietri_3.csv",
        "method": "Private-GSD / Genetic SD (genetic algorithm matching noisy low-order marginal "
                  "queries), epsilon 10, delta 1e-5, 21 of the 24 columns (no INDP, PWGTP, "
                  "WGTP); CRC team DataEvolution, 2023-04-18",
        "quote": "Our submission satisfies approximate differential privacy. To archive privacy "
                 "the mechanism utilizes the gaussian mechanism to access statistical properties "
                 "of the data.",
    },
]

HEADER = """\
# examples/us/{stem}.yaml - written by prepare/make_specs.py from one template shared by the
# four CRC generators (edit the template, not this file). What each block means and why the
# checks are set up this way: docs/replication.md. Format: docs/spec.md.
#   iaf audit examples/us/{stem}.yaml -o out/us-{stem}

iaf: 1
name: "USA - {label} synthetic national2019 vs the real excerpt and ACS 2018"
family: NIST CRC 2023 generators (one dataset, four synthesizers)
description: >-
  A synthetic version of the NIST ACS 2019 national excerpt (27,253 person records from 20
  PUMAs) made by {label} for the NIST Collaborative Research Cycle, audited against the real
  excerpt it was trained on (record for record, unweighted) and against the ACS 2018 national
  tables where the categories can be matched.

dataset:
  title: "NIST CRC 2023 deidentified national2019 - {label}"
  url: https://github.com/usnistgov/privacy_collaborative_research_cycle
  licence: research data of the NIST CRC (the excerpt is US-government ACS public-use data)
  microdata: [data/synthetic/{folder}/{csv}]
  format: csv
  missing: [N]                  # the excerpt's code for N/A in every column (data dictionary)
  weight: null                  # on purpose: the generator modelled the 27,253 records, not the
                                # population they represent (docs/replication.md, "Weighted or not")

disclosures:
  # The submitter's description of the method (crc_labels.json of the CRC archive).
  - id: method
    quote: "{quote}"
    file: data/synthetic/{folder}/crc_labels.json
    locator: labels."privacy label detail"
    url: https://github.com/usnistgov/privacy_collaborative_research_cycle
"""

# The real excerpt itself, run through the same template: the identity "generator". Its checks
# against the excerpt must come out exactly 0 (a control for the pipeline), and its distances to
# the ACS tables are the yardstick for the generators' (the excerpt is not a national sample).
IDENTITY_HEADER = """\
# examples/us/excerpt_rows.yaml - written by prepare/make_specs.py from the template shared with
# the four CRC generators (edit the template, not this file): the real excerpt, record for
# record (unweighted), as if it were a fifth synthetic set. See docs/replication.md.
#   iaf audit examples/us/excerpt_rows.yaml -o out/us-excerpt-rows

iaf: 1
name: "USA - the real national2019 excerpt, unweighted records, through the generator template"
family: NIST CRC 2023 control (the real excerpt)
description: >-
  The control row of the US replication. Against the excerpt itself every distance is 0; against
  the ACS 2018 national tables the distances measure how far 20 diverse PUMAs (2019) are from
  the nation (2018), which is what a faithful generator of the excerpt should also show.

dataset:
  title: "NIST ACS 2019 Diverse Communities Data Excerpt national2019 (real records)"
  url: https://github.com/usnistgov/SDNist
  licence: "US-government public-use data; SDNist licence in data/excerpt/SDNIST_LICENSE.txt"
  microdata: [data/excerpt/national2019.csv]
  format: csv
  missing: [N]                  # the excerpt's code for N/A in every column (data dictionary)
  weight: null                  # the same basis as the synthetic sets (excerpt.yaml is weighted)

disclosures:
  - id: method
    quote: >-
      They focus on a small set of challenging survey features and geographical regions
      (Public Use Micodata Areas).
    file: data/excerpt/SDNIST_BENCHMARKDATA_README.md
    locator: section "ACS Data Excerpts", first paragraph
    url: https://github.com/usnistgov/SDNist
"""

BODY = """
crosswalks:
  # EDU and MSP codes (data/excerpt/sdnist_data_dictionary.json) -> ACS table categories;
  # each file states the correspondence line by line.
  - {id: edu_b15002, file: crosswalks/edu_to_b15002.csv, note: "EDU -> B15002 (10 categories, 25+)"}
  - {id: edu_b15001, file: crosswalks/edu_to_b15001.csv, note: "EDU -> B15001 (7 categories, 18+)"}
  - {id: msp_b12001, file: crosswalks/msp_to_b12001.csv, note: "MSP -> B12001 leaves, one-to-one"}

attributes:
  # Checks against the real excerpt use the raw columns SEX, EDU and INDP_CAT as they are
  # (declared here only to state the missing-value decision): the reference is the excerpt
  # itself, read as is, so both sides must carry the same codes. The literal N of the excerpt
  # means N/A in every column (data/excerpt/sdnist_data_dictionary.json), so the dataset and the
  # excerpt reference declare `missing: [N]` (the engine's default is null and "" only). It is
  # KEPT as a category of its own (drop_missing: false, the default) because it is structural,
  # not item non-response: EDU N = under 3 years old, INDP_CAT N = under 16 or not worked in the
  # last 5 years. Reproducing who is N is part of reproducing the data.
  - name: SEX
    column: SEX
  - name: EDU
    column: EDU
    drop_missing: false
  - name: INDP_CAT
    column: INDP_CAT
    drop_missing: false
  # Attributes for the ACS tables: labels in the ACS wording.
  - name: sex
    column: SEX
    recode: {"1": Male, "2": Female}
    keep_other: false
  - name: edu10
    column: EDU
    crosswalk: edu_b15002
  - name: edu7
    column: EDU
    crosswalk: edu_b15001
  - name: marital
    column: MSP
    crosswalk: msp_b12001
  - name: age_band                    # B15001's age groups (18+)
    column: AGEP
    bins: {edges: [18, 25, 35, 45, 65, .inf], labels: ["18-24", "25-34", "35-44", "45-64", "65+"]}
  - name: age_group                   # groups that B01001's cells nest in exactly
    column: AGEP
    bins:
      edges: [0, 18, 25, 35, 45, 55, 65, 75, 85, .inf]
      labels: ["0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84", "85+"]

references:
  - id: excerpt
    file: data/excerpt/national2019.csv
    form: microdata
    weight: null                          # records, not the population estimate: n = 27,253
    missing: [N]                          # N/A, as in the dataset
    publisher: "US Census Bureau (ACS 2019 PUMS), selected by NIST (SDNist Diverse Communities Data Excerpts)"
    table: "national2019: 27,253 person records from 20 PUMAs"
    year: "2019"
    universe: "all persons (household and group-quarters population) of 20 selected PUMAs"
    url: https://github.com/usnistgov/SDNist
    licence: "US-government public-use data; SDNist licence in data/excerpt/SDNIST_LICENSE.txt"
    notes: >-
      The training data of every CRC generator. Read unweighted: n is the record count. The
      20 PUMAs were chosen for diversity, so the excerpt is not a sample of the nation.
  - id: excerpt_age_education
    file: data/reference/excerpt_rows_age_education.csv
    publisher: "derived by prepare/make_references.py from data/excerpt/national2019.csv"
    table: "excerpt records aged 18+ by age band x education (B15001 categories), unweighted"
    year: "2019"
    universe: "excerpt records with AGEP >= 18"
    notes: >-
      The engine reads a reference as is, so the binned age of the excerpt is pre-counted
      with the same bins and crosswalk as the synthetic side. n is the record count.
    n_effective: 22062
    uncertainty: >-
      the 22,062 unweighted excerpt records aged 18+ (prepare/make_references.py): a sample of
      the excerpt's population, so n = the record count (METHOD.md section 8)
  - id: acs_b15002
    file: data/reference/acs2018_b15002_sex_education.csv
    publisher: "US Census Bureau, American Community Survey"
    table: "B15002 Sex by educational attainment for the population 25 years and over (ACS 1-year, United States)"
    year: "2018"
    universe: "population 25 years and over, United States"
    url: https://api.census.gov/data/2018/acs/acs1
    licence: "public domain (US Census Bureau)"
    notes: >-
      One row per published cell with its 90% margin of error (`moe`): the engine takes
      se = moe / 1.645 per cell, adds the variances of the cells a category sums, and carries
      them into the noise floor and the bootstrap (each replicate draws the table from
      Normal(count, se^2) per cell). ACS sampling error (about 3 million person records a
      year) is small next to n = 27,253: it moves the noise floor by about half a percent.
      National 2018 against the excerpt's 20 PUMAs in 2019: the real excerpt's own distance
      to this table is the yardstick (examples/us/excerpt_rows.yaml).
    uncertainty: >-
      a survey: the per-cell 90% margins of error published with the table (US Census Bureau,
      ACS 2018 1-year detailed tables, the *_M columns of the Census API extract; se = moe /
      1.645); resampled per cell as Normal(count, se^2)
  - id: acs_b15001
    file: data/reference/acs2018_b15001_sex_age_education.csv
    publisher: "US Census Bureau, American Community Survey"
    table: "B15001 Sex by age by educational attainment for the population 18 years and over (ACS 1-year, United States)"
    year: "2018"
    universe: "population 18 years and over, United States"
    url: https://api.census.gov/data/2018/acs/acs1
    licence: "public domain (US Census Bureau)"
    notes: "Summed over sex for the age band x education check (margins of error: see acs_b15002)."
    uncertainty: "a survey: per-cell 90% margins of error as acs_b15002 (se = moe / 1.645)"
  - id: acs_b12001
    file: data/reference/acs2018_b12001_sex_marital.csv
    publisher: "US Census Bureau, American Community Survey"
    table: "B12001 Sex by marital status for the population 15 years and over (ACS 1-year, United States)"
    year: "2018"
    universe: "population 15 years and over, United States"
    url: https://api.census.gov/data/2018/acs/acs1
    licence: "public domain (US Census Bureau)"
    notes: "Leaf cells only (the Now married subtotals are dropped); margins of error as acs_b15002."
    uncertainty: "a survey: per-cell 90% margins of error as acs_b15002 (se = moe / 1.645)"
  - id: acs_b01001
    file: data/reference/acs2018_b01001_sex_age.csv
    publisher: "US Census Bureau, American Community Survey"
    table: "B01001 Sex by age (ACS 1-year, United States)"
    year: "2018"
    universe: "total population, United States"
    url: https://api.census.gov/data/2018/acs/acs1
    licence: "public domain (US Census Bureau)"
    notes: "Age cells rolled up to nine groups; margins of error as acs_b15002 (the national total is controlled and has none, but it is not a cell here)."
    uncertainty: "a survey: per-cell 90% margins of error as acs_b15002 (se = moe / 1.645)"

thresholds:                               # METHOD.md section 9 defaults, stated explicitly
  marginal: {tvd: 0.05}
  joint: {cond_tvd_y_given_x: 0.10, footprint: 0.5}

checks:
  # 1. Against the real excerpt, record for record: does the generator reproduce its data?
  - id: sex_x_edu__excerpt
    kind: joint
    attributes: [SEX, EDU]
    reference: excerpt
    disclosure: method
  - id: sex_x_indp__excerpt
    kind: joint
    attributes: [SEX, INDP_CAT]
    reference: excerpt
    disclosure: method
  - id: sex_x_indp_workers__excerpt
    title: SEX x INDP_CAT among persons with an industry
    kind: joint
    attributes: [SEX, INDP_CAT]
    universe: INDP_CAT is not missing
    reference: excerpt
    reference_universe: INDP_CAT is not missing
    disclosure: method
    note: >-
      The same joint with INDP_CAT N left out of both universes: the industry mix by sex of
      those who have one, separated from who works at all.
  - id: female_share_in_male_dominated__excerpt
    title: Women in the industries the excerpt shows as male-dominated (METHOD.md section 5)
    kind: flattening
    attributes: [SEX, INDP_CAT]
    focal: "2"                        # SEX 2 = Female
    theta: 0.25
    universe: INDP_CAT is not missing
    reference: excerpt
    reference_universe: INDP_CAT is not missing
    disclosure: method
    note: >-
      Among persons with an industry. No age standardisation: the excerpt is read as is and
      has no age band column (see docs/replication.md).
  - id: edu_x_indp__excerpt
    kind: joint
    attributes: [EDU, INDP_CAT]
    reference: excerpt
    disclosure: method
  - id: age_x_edu__excerpt
    kind: joint
    attributes: [age_band, edu7]
    universe: AGEP >= 18
    reference: excerpt_age_education
    reference_columns: [age_band, education]
    disclosure: method

  # 2. Against the ACS 2018 national tables: the same questions a Nemotron-style audit asks.
  #    No ACS industry table is in the data we have (C24030 would be needed), so SEX x INDP_CAT
  #    and EDU x INDP_CAT are compared with the excerpt only.
  - id: sex_x_edu__acs
    kind: joint
    attributes: [sex, edu10]
    universe: AGEP >= 25
    reference: acs_b15002
    reference_columns: [sex, education]
    disclosure: none
  - id: age_x_edu__acs
    kind: joint
    attributes: [age_band, edu7]
    universe: AGEP >= 18
    reference: acs_b15001
    reference_columns: [age_band, education]
    disclosure: none
  - id: sex_x_marital__acs
    kind: joint
    attributes: [sex, marital]
    universe: AGEP >= 15
    reference: acs_b12001
    disclosure: none
  - id: sex_x_age__acs
    kind: joint
    attributes: [sex, age_group]
    reference: acs_b01001
    disclosure: none

  # 3. The data's own structural rules (sdnist_data_dictionary.json defines N by age). No
  #    tolerance: the real excerpt breaks none of them. N reads as missing (the dataset's
  #    `missing: [N]` applies to every variable of a rule), hence `is missing`, never == "N".
  - id: edu_na_at_3plus
    kind: rule
    rule: AGEP >= 3 => EDU is not missing
    citation: 'data/excerpt/sdnist_data_dictionary.json, EDU: "N": "N/A (less than 3 years old)"'
  - id: edu_given_under_3
    kind: rule
    rule: AGEP < 3 => EDU is missing
    citation: 'data/excerpt/sdnist_data_dictionary.json, EDU: "N": "N/A (less than 3 years old)"'
  - id: msp_na_at_15plus
    kind: rule
    rule: AGEP >= 15 => MSP is not missing
    citation: 'data/excerpt/sdnist_data_dictionary.json, MSP: "N": "N/A (age less than 15 years)"'
  - id: msp_given_under_15
    kind: rule
    rule: AGEP < 15 => MSP is missing
    citation: 'data/excerpt/sdnist_data_dictionary.json, MSP: "N": "N/A (age less than 15 years)"'
  - id: industry_under_16
    kind: rule
    rule: AGEP < 16 => INDP_CAT is missing
    citation: 'data/excerpt/sdnist_data_dictionary.json, INDP_CAT: "N": "N/A (less than 16 years old, or last worked more than 5 years ago, or never worked)"'
"""


def spec_text(g):
    return HEADER.format(**g) + BODY


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-root", default=US_DIR)
    a = ap.parse_args()
    for g in GENERATORS:
        path = os.path.join(a.out_root, g["stem"] + ".yaml")
        os.makedirs(a.out_root, exist_ok=True)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(spec_text(g))
        os.replace(path + ".tmp", path)
    path = os.path.join(a.out_root, "excerpt_rows.yaml")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(IDENTITY_HEADER + BODY)
    os.replace(path + ".tmp", path)
    print("wrote %d specs" % (len(GENERATORS) + 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
