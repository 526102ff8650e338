/* iaf/audit.h - running an audit spec (docs/spec.md).
 *
 * A spec is loaded once (iaf_spec_load) and run (iaf_audit_run): every
 * input is read once, microdata in a single scan for all checks. The
 * result is an opaque iaf_audit; render it through the report model of
 * iaf/report.h, or read its verdicts with the accessors below.
 *
 * Ownership: objects returned through `out` parameters are owned by the
 * caller and released with their _free function (which accepts NULL).
 * Strings returned by accessors are borrowed from the object and stay
 * valid until it is freed. An audit borrows its spec: free the audit
 * first.
 */
#ifndef IAF_AUDIT_H
#define IAF_AUDIT_H

#include "iaf/defs.h"

#include <stddef.h>
#include <stdint.h>

#include "iaf/source.h"
#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iaf_spec iaf_spec;
typedef struct iaf_audit iaf_audit;

/* Load and validate a spec (YAML); errors carry the spec's line and column.
 * Paths in the spec are relative to the spec's directory. */
IAF_API iaf_status iaf_spec_load(const char *path, iaf_spec **out, iaf_error *err);
IAF_API void iaf_spec_free(iaf_spec *s);
/* Replace the spec's dataset.microdata with `paths` (files, globs or
 * directories, relative to the working directory), so one spec runs on a
 * download wherever it lies. IAF_ERR_INVALID when the spec reads no
 * microdata (its checks are on count tables). */
IAF_API iaf_status iaf_spec_set_microdata(iaf_spec *s, const char *const *paths, size_t n,
                                          iaf_error *err);
/* Weight the spec's microdata by a weights file (CSV, JSONL or Parquet) as `iaf calibrate
 * -o` writes it: `ID,weight` joined on the data's column ID, or `file,row,weight` joined
 * on each data file's row numbers (1-based; a file is matched by its name as written,
 * else its resolved path, else a unique base name). The weights replace the spec's
 * weight column; every count of the audit is then weighted and its sample size is
 * Kish's effective n (docs/method.md). A weight that is missing, not a number or not
 * positive, and a key given twice, are errors located in the weights file; a data row
 * without a weight, or whose id another row shares, fails the scan located at that row.
 * A spec without microdata takes a count table's per-cell weights instead (key columns,
 * count, g, calibrated_count, as iaf calibrate writes them for `dataset: tables`): every
 * dataset table's cell count c becomes c g (Kish's n of the cell stays c); a table without
 * a key column, or a cell without a weight, is an error naming the table. Per-row weights
 * for a spec without microdata, and per-cell weights for one with, are IAF_ERR_INVALID. */
IAF_API iaf_status iaf_spec_set_weights(iaf_spec *s, const char *path, iaf_error *err);
/* The same from a weights file's size bytes in memory (read during the call only); name
 * (ending in .csv or .parquet) stands for the file in errors and in the report. */
IAF_API iaf_status iaf_spec_set_weights_memory(iaf_spec *s, const void *data, size_t size,
                                               const char *name, iaf_error *err);

/* Read the count table of reference or dataset table `id` from csv (size
 * bytes: the text of the CSV file it stands for, long or wide, read with the
 * spec's options for it) instead of its file. csv is borrowed and must
 * outlive the audits run on s. name (copied; NULL: the spec's file) stands
 * for the file in errors and in the report's inputs, whose SHA-256 is that
 * of csv. IAF_ERR_INVALID when the spec has no such table, or when it is a
 * microdata reference. */
IAF_API iaf_status iaf_spec_set_table(iaf_spec *s, const char *id, const void *csv, size_t size,
                                      const char *name, iaf_error *err);

/* Which bootstrap interval the checks report (docs/method.md, "Calibrated
 * intervals"). */
typedef enum iaf_interval_method {
    IAF_INTERVAL_CALIBRATED = 0, /* default: test inversion along a path of candidate truths */
    IAF_INTERVAL_BASIC = 1       /* the basic (pivotal) interval of the ordinary bootstrap */
} iaf_interval_method;

/* "calibrated" / "basic"; NULL when out of range. */
IAF_API const char *iaf_interval_method_name(iaf_interval_method m);
/* Parse "calibrated" / "basic"; -1 otherwise. */
IAF_API int iaf_interval_method_parse(const char *s, iaf_interval_method *out);

/* Zero-initialise, then set what differs from the defaults. */
typedef struct iaf_audit_options {
    const iaf_scan_consumer *progress; /* may be NULL: only its progress member is used */
    int threads;                       /* 0 = all cores */
    size_t bootstrap_b;                /* 0 = 1000 replicates */
    uint64_t seed;                     /* used when seed_set; else 20260611 */
    int seed_set;
    int no_bootstrap;             /* 1: point estimates only, no verdicts */
    iaf_interval_method interval; /* used when interval_set; else the spec's `interval:` */
    int interval_set;
    /* Optional: asked before every batch of the microdata scan (from its worker
     * threads: thread-safe and quick) and before every check, with cancel_ctx.
     * A non-zero answer stops the audit: iaf_audit_run returns IAF_STOP, with
     * no audit and no error. For a host that must stop on an interrupt. */
    int (*cancel)(void *ctx);
    void *cancel_ctx;
} iaf_audit_options;

/* Run every check of spec. opt may be NULL (defaults). */
IAF_API iaf_status iaf_audit_run(const iaf_spec *spec, const iaf_audit_options *opt,
                                 iaf_audit **out, iaf_error *err);
IAF_API void iaf_audit_free(iaf_audit *a);

/* The checks in spec order: id, kind ("marginal", "joint", "flattening",
 * "rule") and verdict across variants ("PASS", "FLAG", "INCONCLUSIVE"; NULL
 * when the check was not screened). i < iaf_audit_nchecks(a). */
IAF_API size_t iaf_audit_nchecks(const iaf_audit *a);
IAF_API const char *iaf_audit_check_id(const iaf_audit *a, size_t i);
IAF_API const char *iaf_audit_check_kind(const iaf_audit *a, size_t i);
IAF_API const char *iaf_audit_check_verdict(const iaf_audit *a, size_t i);

/* The files the audit read (spec, microdata, tables, references,
 * crosswalks), as the spec names them after glob expansion. */
IAF_API size_t iaf_audit_ninputs(const iaf_audit *a);
IAF_API const char *iaf_audit_input_path(const iaf_audit *a, size_t i);

#ifdef __cplusplus
}
#endif

#endif
