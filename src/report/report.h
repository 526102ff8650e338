/* src/report/report.h - audit reports: report.json (schema iaf-report/1,
 * docs/report-schema.md) and the headline table printed by the CLI. The
 * other outputs (report.md, report.html, cells.csv) are rendered from the
 * report.json text by markdown.c, html.c and cells.c. All outputs are
 * deterministic: same inputs, same bytes (no timestamps, no hash order,
 * fixed number format). */
#ifndef IAF_REPORT_REPORT_H
#define IAF_REPORT_REPORT_H

#include "audit/audit.h"

#define IAF_REPORT_SCHEMA "iaf-report/1"

typedef struct iaf_report_meta {
    const char *command_line; /* as invoked, for reproducibility */
    const char *version;
} iaf_report_meta;

int iaf_report_json(const iaf_audit *a, const iaf_report_meta *m, iaf_buf *out);
/* Plain-text headline: one line per check (attribute, reference, universe,
 * TVD, noise floor, verdict). */
int iaf_report_headline(const iaf_audit *a, iaf_buf *out);

#endif
