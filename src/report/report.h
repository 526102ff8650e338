/* src/report/report.h - audit reports: report.json (schema iaf-report/1,
 * docs/report-schema.md) and the headline table printed by the CLI. The
 * other outputs (report.md, report.html, cells.csv) are rendered from the
 * report model (model.h) by markdown.c, html.c and cells.c. All outputs are
 * deterministic: same inputs, same bytes (no timestamps, no hash order,
 * fixed number format). */
#ifndef IAF_REPORT_REPORT_H
#define IAF_REPORT_REPORT_H

#include "audit/audit.h"
#include "report/model.h"

/* iaf_report_meta: iaf/report.h */

int iaf_report_json(const iaf_audit *a, const iaf_report_meta *m, iaf_buf *out);
/* The report model of an audit: report.json written and loaded back by the
 * one loader (report/model.h), so that a saved report.json gives the same
 * model. *out is owned by the caller (iaf_report_model_free). */
iaf_status iaf_report_model_from_audit(const iaf_audit *a, const iaf_report_meta *m,
                                       iaf_report_model **out, iaf_error *err);

#endif
