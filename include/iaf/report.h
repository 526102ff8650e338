/* iaf/report.h - the report model of an audit and its renderers.
 *
 * A report is made from an audit result (iaf_report_from_audit) or from a
 * saved report.json (iaf_report_load, schema iaf-report/1,
 * docs/report-schema.md). Both go through one strict loader, so an audit
 * and its saved report.json render to the same bytes. The loader refuses
 * another schema version, and members of the wrong shape, with an error
 * that names the member ("checks[2].id: expected a string, found a
 * number"); JSON syntax errors carry the line and column.
 *
 * Renderers write report.json, report.md (a section for dataset cards),
 * report.html (one self-contained page) and cells.csv (every compared
 * cell) deterministically: same report, same bytes.
 *
 * Ownership: a report owns everything it needs (it does not borrow the
 * audit it was made from); free it with iaf_report_free (NULL is a no-op).
 * Strings returned by accessors are borrowed from the report and stay valid
 * until it is freed. Text returned by iaf_report_render is owned by the
 * caller and released with free().
 */
#ifndef IAF_REPORT_H
#define IAF_REPORT_H

#include "iaf/defs.h"

#include <stddef.h>
#include <stdio.h>

#include "iaf/audit.h"
#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iaf_report_model iaf_report;

/* Written into report.json's reproducibility section. */
typedef struct iaf_report_meta {
    const char *command_line; /* as invoked */
    const char *version;      /* of the program that ran the audit */
} iaf_report_meta;

IAF_API iaf_status iaf_report_from_audit(const iaf_audit *a, const iaf_report_meta *meta,
                                         iaf_report **out, iaf_error *err);
/* text: n bytes of report.json (copied). */
IAF_API iaf_status iaf_report_load(const char *text, size_t n, iaf_report **out, iaf_error *err);
IAF_API void iaf_report_free(iaf_report *r);

/* Read a saved report (report.json or replication.json) whole; "-" reads
 * standard input. At most 128 MB. *text (NUL-terminated, *n bytes without
 * the NUL) is owned by the caller: free(). */
IAF_API iaf_status iaf_report_read_file(const char *path, char **text, size_t *n, iaf_error *err);

typedef enum iaf_report_format {
    IAF_REPORT_FORMAT_JSON = 0, /* report.json */
    IAF_REPORT_FORMAT_MD,       /* report.md */
    IAF_REPORT_FORMAT_HTML,     /* report.html */
    IAF_REPORT_FORMAT_CELLS,    /* cells.csv */
    IAF_REPORT_FORMAT_HEADLINE  /* the plain-text headline the CLI prints; only for a report
                                   made from an audit (IAF_ERR_UNSUPPORTED otherwise) */
} iaf_report_format;

/* Render into a new buffer: *out (NUL-terminated, *n bytes without the NUL)
 * is owned by the caller (free()). On failure *out is NULL. */
IAF_API iaf_status iaf_report_render(const iaf_report *r, iaf_report_format f, char **out,
                                     size_t *n, iaf_error *err);
/* Render to a stream; an error writing it is IAF_ERR_IO. */
IAF_API iaf_status iaf_report_write(const iaf_report *r, iaf_report_format f, FILE *fp,
                                    iaf_error *err);

/* ----- what the report holds */

IAF_API int iaf_report_version(const iaf_report *r);      /* of the schema: 1 */
IAF_API const char *iaf_report_name(const iaf_report *r); /* the spec's name, or NULL */

/* The headline rows, in report order. i < iaf_report_nrows(r). */
IAF_API size_t iaf_report_nrows(const iaf_report *r);
IAF_API const char *iaf_report_row_check(const iaf_report *r, size_t i);   /* the check's id */
IAF_API const char *iaf_report_row_kind(const iaf_report *r, size_t i);    /* "marginal", ... */
IAF_API const char *iaf_report_row_verdict(const iaf_report *r, size_t i); /* NULL: no verdict */
IAF_API const char *iaf_report_row_diagnosis(const iaf_report *r, size_t i);
/* The number the row leads with (the deciding screen's metric, or the
 * kind's first screening metric): its name (NULL when none), estimate and
 * 95% interval (NAN when absent). */
IAF_API const char *iaf_report_row_key(const iaf_report *r, size_t i, double *est, double *lo,
                                       double *hi);

/* Verdict tallies over the rows of one kind (NULL = every row). */
typedef struct iaf_report_tally {
    size_t n, pass, flag, inconclusive, pending;
} iaf_report_tally;
IAF_API void iaf_report_tally_of(const iaf_report *r, const char *kind, iaf_report_tally *out);

/* ----- a replication: the same checks over several bundles, one audit
 * spec per locale or generator (METHOD.md section 10; replication.json is
 * schema iaf-replication/1, docs/replication.md) */

typedef struct iaf_replication iaf_replication;

/* Load and run each bundle spec (paths[0..n-1]) with opt (NULL: defaults);
 * meta's command line and version go into replication.json. The error of a
 * bundle that fails names its spec. */
IAF_API iaf_status iaf_replicate(const char *const *paths, size_t n, const iaf_audit_options *opt,
                                 const iaf_report_meta *meta, iaf_replication **out,
                                 iaf_error *err);
IAF_API void iaf_replication_free(iaf_replication *r);

/* The files the bundles read: each bundle's spec, then the files its audit
 * read. */
IAF_API size_t iaf_replication_ninputs(const iaf_replication *r);
IAF_API const char *iaf_replication_input_path(const iaf_replication *r, size_t i);

/* replication.json (IAF_REPORT_FORMAT_JSON), replication.md (_MD, also the
 * summary `iaf replicate` prints) or replication.html (_HTML), as
 * iaf_report_render. */
IAF_API iaf_status iaf_replication_render(const iaf_replication *r, iaf_report_format f, char **out,
                                          size_t *n, iaf_error *err);

/* 1 when text is a JSON object whose "schema" is iaf-replication/1. */
IAF_API int iaf_replication_is(const char *text, size_t n);
/* Render replication.md or replication.html from a saved replication.json
 * (text, n bytes). */
IAF_API iaf_status iaf_replication_render_json(const char *text, size_t n, iaf_report_format f,
                                               char **out, size_t *outn, iaf_error *err);

#ifdef __cplusplus
}
#endif

#endif
