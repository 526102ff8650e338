/* src/audit/spec.h - audit specs (YAML), documented in docs/spec.md.
 *
 * A spec names a dataset (microdata files and/or aggregate tables), the
 * card's disclosures, attributes derived from columns, crosswalks,
 * references with provenance, and checks. Loading resolves every path
 * relative to the spec's directory and every cross-reference (attribute,
 * crosswalk, reference, disclosure ids), so a loaded spec is consistent;
 * errors name the spec file and line.
 */
#ifndef IAF_AUDIT_SPEC_H
#define IAF_AUDIT_SPEC_H

#include "audit/claims.h"
#include "core/dataset.h"
#include "core/attr.h"
#include "stats/bootstrap.h"

#define IAF_SPEC_VERSION 1

typedef struct iaf_spec_source {
    char *id;
    char *file;            /* resolved path (may be a glob for microdata) */
    char *file_as_written; /* for reports */
    iaf_data_form form;
    iaf_counts_options counts; /* attrs, value column, scale, drops, ... */
    char **attrs;              /* storage behind counts.attrs */
    size_t nattrs;
    char **drops;
    size_t ndrops;
    char *value_col;
    char *encoding;
    char *weight;   /* microdata weight column */
    char **missing; /* declared missing tokens (besides null and "") */
    size_t nmissing;
    unsigned normalize; /* IAF_NORM_* label normalisation */
    /* provenance (references) */
    char *title, *publisher, *table, *year, *universe, *url, *licence, *caveat, *notes;
    int full_count;
    double n_effective; /* NAN when not given */
    /* reference uncertainty (METHOD.md section 9): a survey's sample size and
     * design effect (n_r = sample_size / design_effect), with a citation */
    double sample_size, design_effect; /* NAN when not given */
    char *uncertainty;                 /* citation for the figures above, or why exact */
    long line;
    /* a count table held in memory (iaf_spec_set_table), read instead of file: its CSV
     * text (borrowed) and its SHA-256 for the report's inputs */
    const void *mem;
    size_t nmem;
    char mem_sha[65];
} iaf_spec_source;

/* The options a source is read with (its form, count-table reading, weight column,
 * encoding, missing tokens and normalisation, borrowed from s) on `threads` threads. */
void iaf_spec_source_options(const iaf_spec_source *s, int threads, iaf_dataset_options *o);

typedef struct iaf_spec_disclosure {
    char *id, *quote, *file, *locator, *url;
    /* the assumption stated structurally (`independent: [A, B]`, `given:
     * [C, ...]`): names as in the spec's attributes; none when nindependent 0 */
    char **independent, **given;
    size_t nindependent, ngiven;
    long line;
} iaf_spec_disclosure;

typedef struct iaf_spec_threshold {
    char *metric;
    double value;
} iaf_spec_threshold;

typedef enum iaf_check_kind {
    IAF_CHECK_MARGINAL = 0,
    IAF_CHECK_JOINT,
    IAF_CHECK_FLATTENING,
    IAF_CHECK_RULE,
    IAF_CHECK_CONDIND /* conditional_independence */
} iaf_check_kind;

#define IAF_CHECK_NKINDS 5

#define IAF_MAX_VARIANTS 8

/* One way of mapping a check's attributes (crosswalk sensitivity): the same
 * check is run once per variant and the verdicts are compared. */
typedef struct iaf_spec_variant {
    char *name;
    iaf_attr *attrs[3]; /* borrowed; [2] = stratum of a flattening check or NULL */
} iaf_spec_variant;

typedef struct iaf_spec_check {
    char *id;
    char *title;
    iaf_check_kind kind;
    size_t nattrs;
    iaf_attr *attrs[2]; /* borrowed from the spec's attributes (the first variant's) */
    char *ref_cols[2];  /* reference column per attribute */
    size_t nvariants;   /* >= 1; variants[0] uses attrs */
    iaf_spec_variant variants[IAF_MAX_VARIANTS];
    /* flattening */
    char *focal;
    double theta;
    iaf_attr *stratum;         /* standardise by this attribute (synthetic side), or NULL */
    int standard_ref;          /* reference giving the standard population, -1 = the check's */
    int standard_per_category; /* the standard holds one stratum distribution per category
                                  of the standardised attribute (flattening: the domain;
                                  joint: x), in the reference's column for it */
    /* rule checks: a hard rule, or an expectation on a conditional share */
    char *rule_text, *share_text, *given_text, *citation;
    iaf_expr *rule, *share, *given;
    double expect_lo, expect_hi, tolerance;
    size_t nrule_attrs;
    iaf_attr *rule_attrs[16]; /* the expressions' variables as attributes (borrowed); for a
                                 conditional_independence check A, B, then the given ones */
    /* age profile: status expression, age attribute, window, expected profile */
    char *status_text, *profile_age;
    iaf_expr *status;
    char **window, **expected_labels;
    size_t nwindow, nexpected;
    double *expected_shares; /* a point share, or the lower bound of [lo, hi] */
    double *expected_hi;     /* the upper bound (= expected_shares for a point) */
    double max_tvd;          /* profile TVD threshold (`max_tvd:`), NAN when not given */
    int reference;           /* index into references */
    int synthetic;           /* index into dataset tables, -1 = microdata */
    int disclosure;          /* index, -1 = none (exploratory) */
    char *universe_text, *reference_universe_text;
    iaf_expr *universe, *reference_universe;
    iaf_spec_threshold *thresholds;
    size_t nthresholds;
    char *note;
    long line, col; /* where the check's mapping starts in the spec */
} iaf_spec_check;

typedef struct iaf_spec_crosswalk {
    char *id, *file, *file_as_written, *note;
    iaf_crosswalk *cw;
    long line;
} iaf_spec_crosswalk;

/* A lumped remainder declared on an attribute (`lump:`, METHOD.md section
 * 3.5): raw values of the attribute's column that stand for "everything
 * else". totals is the dataset table holding the column's full marginal
 * (`lump_totals:`), which bounds shares within categories; -1 without. */
typedef struct iaf_spec_lump {
    const iaf_attr *attr; /* borrowed */
    char **labels;
    size_t nlabels;
    int totals;
} iaf_spec_lump;

/* `calibrate:` (docs/calibration.md): a margin of any arity, the reference's table over
 * its attributes (a three-way sex x province x age band is one margin). */
typedef struct iaf_spec_calib_margin {
    char *id;
    long line;
    int reference;      /* index into references */
    size_t nattrs;      /* 1 .. IAF_SPEC_CALIB_MAX_ATTRS */
    iaf_attr *attrs[8]; /* synthetic attributes (borrowed from the spec's) */
    char *ref_cols[8];  /* the reference's column per attribute */
    iaf_expr *universe; /* on the synthetic rows, or NULL */
    iaf_expr *reference_universe;
    char *universe_text, *reference_universe_text;
} iaf_spec_calib_margin;
#define IAF_SPEC_CALIB_MAX_ATTRS 8

typedef struct iaf_spec_calibrate {
    int present;
    long line;
    char **to; /* check ids and margin ids; NULL: every margin */
    size_t nto;
    int method;                             /* -1 unset, else iaf_calib_method */
    double lower, upper, epsilon, min_neff; /* NAN when unset */
    int max_iter;                           /* 0 when unset */
    char *id;                               /* the rows' id column, or NULL */
    iaf_spec_calib_margin *margins;
    size_t nmargins;
} iaf_spec_calibrate;
/* A classification file that titles the codes of attributes (`labels:`):
 * reports show "code title" wherever a category of one of these attributes
 * is shown; cells.csv and report.json keep the codes. */
typedef struct iaf_spec_labels {
    char **attributes; /* attribute (or column) names */
    size_t nattributes;
    char *file_as_written;
    char *file;  /* resolved */
    char *code;  /* the code column, NULL: the first */
    char *title; /* the title column, NULL: the second */
    long line;
} iaf_spec_labels;

typedef struct iaf_spec {
    char *path; /* the spec file */
    char *dir;  /* its directory, for relative paths */
    int version;
    char *name, *description;
    char *family; /* replication: the bundle family (a locale series, a generator family) or NULL */
    char *lead_question; /* lead: the audit's question, or NULL */
    int lead_check;      /* lead: index of the check whose verdict answers it, -1 = none */
    /* dataset */
    char *dataset_title, *dataset_url, *dataset_licence;
    char **microdata; /* resolved paths/globs */
    size_t nmicrodata;
    iaf_dataset_options micro_opt;
    char *micro_weight, *micro_encoding;
    char **micro_missing; /* dataset-level missing tokens (micro_opt.labels points here) */
    size_t nmicro_missing;
    iaf_spec_source *tables; /* synthetic aggregates */
    size_t ntables;
    iaf_spec_disclosure *disclosures;
    size_t ndisclosures;
    iaf_attr **attrs;
    size_t nattrs;
    iaf_spec_crosswalk *crosswalks;
    size_t ncrosswalks;
    iaf_spec_source *references;
    size_t nreferences;
    iaf_spec_check *checks;
    size_t nchecks;
    iaf_spec_threshold *defaults[IAF_CHECK_NKINDS]; /* per check kind */
    size_t ndefaults[IAF_CHECK_NKINDS];
    iaf_spec_lump *lumps;
    size_t nlumps;
    iaf_interval_method interval; /* `interval:` (calibrated, the default, or basic) */
    iaf_spec_claim *claims;       /* `claims:` (claims.h), in spec order */
    size_t nclaims;
    struct iaf_rowweights *row_weights; /* iaf_spec_set_weights (owned; micro_opt borrows it) */
    iaf_spec_calibrate calibrate;       /* `calibrate:` */
    iaf_spec_labels *labels;            /* `labels:`, in spec order */
    size_t nlabels;
} iaf_spec;

iaf_status iaf_spec_load(const char *path, iaf_spec **out, iaf_error *err);
/* Load from memory; base_dir resolves relative paths (fuzzing: no files
 * are opened when base_dir is NULL: crosswalk files are then not loaded). */
iaf_status iaf_spec_load_memory(const char *data, size_t n, const char *name, const char *base_dir,
                                iaf_spec **out, iaf_error *err);
void iaf_spec_free(iaf_spec *s);

const char *iaf_check_kind_name(iaf_check_kind k);
/* The threshold for metric in check c (check's own, else the kind's default
 * from the spec, else the built-in default of METHOD.md section 9); NAN when
 * the metric does not screen this kind. */
double iaf_spec_threshold_for(const iaf_spec *s, const iaf_spec_check *c, const char *metric);

/* The lump declared on attribute a, or NULL. */
const iaf_spec_lump *iaf_spec_lump_of(const iaf_spec *s, const iaf_attr *a);

#endif
