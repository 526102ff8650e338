"""The CRC calibration example's categories, as the oracles of the calibration tests
recompute them (tests/cli/calibrate.sh, calibrate_tables.sh): the spec examples/us/mostlyai.yaml
bins AGEP into the B15001 age bands and maps EDU to B15001's education through
examples/us/crosswalks/edu_to_b15001.csv."""
import csv


def edu_crosswalk(src):
    """EDU code -> B15001 education, from the crosswalk file (comment lines skipped)."""
    xw = {}
    with open(src + '/examples/us/crosswalks/edu_to_b15001.csv') as f:
        for r in csv.DictReader(l for l in f if not l.startswith('#')):
            xw[r['from']] = r['to']
    return xw


def age_band(a):
    """AGEP (text) -> its B15001 band; None when empty or under 18 (outside the universe)."""
    if a == '':
        return None
    a = float(a)
    if a < 18:
        return None
    for e, l in ((25, '18-24'), (35, '25-34'), (45, '35-44'), (65, '45-64')):
        if a < e:
            return l
    return '65+'
