/* src/audit/audit.h - running an audit spec and the results it produces.
 *
 * iaf_audit_run loads every input once: microdata is scanned a single time
 * for all checks (one raw cube per distinct column set), each aggregate
 * table and reference is read once. Results keep everything a report
 * needs; report.c turns them into report.json and report.md.
 */
#ifndef IAF_AUDIT_AUDIT_H
#define IAF_AUDIT_AUDIT_H

#include "audit/claims.h"
#include "iaf/audit.h"
#include "iaf/cubes.h"

#include "audit/compare.h"
#include "audit/condcheck.h"
#include "audit/flatcheck.h"
#include "audit/rulecheck.h"
#include "audit/spec.h"
#include "audit/support.h"

/* One variant of a check (a check without variants has exactly one). */
typedef struct iaf_variant_result {
    const char *name;          /* borrowed; NULL when the check has no variants */
    iaf_comparison *cmp;       /* marginal and joint checks */
    iaf_flat_result *flat;     /* flattening checks */
    iaf_rule_result *rule;     /* rule checks */
    iaf_ci_check *ci;          /* conditional_independence checks */
    iaf_comparison *cmp_std;   /* joint checks with `standardize`: the standardised comparison */
    const char *age_agreement; /* "age-robust" / "age-sensitive" (joint or flattening) */
    char *std_note;            /* why no standardisation was possible */
    const char *std_compare;   /* static: what the standardised side is compared with */
    iaf_coverage *coverage;    /* per attribute, synthetic side (owned copy) */
    size_t ncoverage;
    iaf_coverage *ref_coverage; /* per attribute, reference side (owned copy; missing counts) */
    size_t nref_coverage;
    double universe_mass, total_mass;
    iaf_verdict verdict; /* IAF_VERDICT_NONE without intervals */
    const char *diagnosis;
    /* METHOD.md sections 3.5-3.6: support figures and lump bounds */
    int has_support;
    iaf_support support;
    iaf_lump_bounds lump;
    char *lump_hint; /* a category that reads like an undeclared lump, or NULL */
} iaf_variant_result;

typedef struct iaf_check_result {
    const iaf_spec_check *check;
    size_t nvariants;
    iaf_variant_result *variants;
    const char *synthetic_source; /* file the synthetic counts came from (borrowed) */
    int reference_fixed;          /* n_r infinite */
    char *n_r_basis;              /* how n_r was chosen, for the report */
    /* across variants (METHOD.md section 9): the common verdict, or
     * INCONCLUSIVE when they disagree; mapping is "strict" (every variant
     * flags), "mapping-dependent" or "consistent", NULL for one variant */
    iaf_verdict verdict;
    const char *diagnosis;
    const char *mapping;
} iaf_check_result;

typedef struct iaf_input_file {
    char *role; /* "spec", "microdata", "table:<id>", "reference:<id>", "crosswalk:<id>" */
    char *path;
    char sha256[65];
} iaf_input_file;

/* The titles of one `labels:` file (labels.c): code[i] is titled title[i]. */
typedef struct iaf_label_set {
    const iaf_spec_labels *spec; /* borrowed */
    size_t n;
    char **code, **title;
} iaf_label_set;

typedef struct iaf_audit {
    const iaf_spec *spec;
    iaf_check_result *results;
    size_t nresults;
    iaf_input_file *inputs;
    size_t ninputs;
    int64_t microdata_rows;
    iaf_claim_result *claims; /* one per spec claim, in spec order (claims.c) */
    size_t nclaims;
    /* counts made elsewhere (iaf_audit_run_cubes): where they came from */
    int from_cubes;
    char *prov_dir, *prov_origin, *prov_dialect, *prov_table;
    char prov_fingerprint[65];
    size_t prov_shards;
    int prov_spec_same;    /* counted for this very spec file (same SHA-256) */
    iaf_label_set *labels; /* one per spec `labels:` entry (labels.c) */
    size_t nlabels;
} iaf_audit;

/* iaf_audit_options, iaf_audit_run, iaf_audit_free and the accessors: iaf/audit.h */

/* Which part of an audit run to do. */
typedef enum iaf_run_mode {
    IAF_RUN_AUDIT = 0, /* count, derive, decide */
    IAF_RUN_COUNT,     /* count the microdata only: *cubes_out */
    IAF_RUN_PLAN,      /* register the requests only: *cubes_out without cells */
    IAF_RUN_CUBES      /* audit from cubes_in instead of rows */
} iaf_run_mode;

/* iaf_audit_run in one of those modes (iaf/cubes.h's entry points, src/api/cubes.c). */
iaf_status iaf_audit_run_mode(const iaf_spec *spec, const iaf_audit_options *opt, iaf_run_mode mode,
                              const iaf_cubes *cubes_in, iaf_audit **out, iaf_cubes **cubes_out,
                              iaf_error *err);

/* Answer the spec's claims from the check results (src/audit/claims.c). */
iaf_status iaf_audit_claims(iaf_audit *a, iaf_error *err);
/* The claims as a report.json array, and as the headline's closing section
 * (one line per claim; nothing without claims). */
void iaf_claims_json(const iaf_audit *a, iaf_json *j);
void iaf_claims_headline(const iaf_audit *a, iaf_buf *out);

/* Read the spec's `labels:` files (src/audit/labels.c): a located error for
 * a file that cannot be read or a missing column; a code given twice with
 * two titles keeps both, joined by " / ". */
iaf_status iaf_audit_labels(iaf_audit *a, iaf_error *err);
/* report.json's "labels": one object per file (attributes, file, titles), with
 * the titles of the codes in shown only (NULL: every title of the file). */
void iaf_labels_json(const iaf_audit *a, const iaf_strmap *shown, iaf_json *j);
void iaf_labels_free(iaf_audit *a);

#endif
