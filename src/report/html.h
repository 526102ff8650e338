/* src/report/html.h - the renderers of the report model (report/model.h):
 * report.html, the Markdown section for dataset cards, and cells.csv. The
 * model is loaded from report.json (schema iaf-report/1,
 * docs/report-schema.md) whether it comes from an audit or from a saved
 * file, so `iaf report` re-renders a saved report without the inputs and
 * with the same bytes; members below a check that are absent are skipped.
 * docs/report.md lists the fields each renderer reads.
 *
 * All three are deterministic (same document, same bytes: no timestamps,
 * fixed number formats) and append to out, which the caller owns. On
 * failure (out of memory) err says why and out may hold a partial
 * rendering.
 */
#ifndef IAF_REPORT_HTML_H
#define IAF_REPORT_HTML_H

#include <stddef.h>

#include "report/model.h"
#include "util/util.h"

/* One self-contained HTML5 page: inline CSS and SVG, no external resource,
 * readable without JavaScript (a few lines of it sort tables). */
iaf_status iaf_report_html(const iaf_report_model *m, iaf_buf *out, iaf_error *err);

/* The headline and per-check verdicts as a compact Markdown section for a
 * dataset card, linking to report.html (its anchors) and report.json. */
iaf_status iaf_report_md(const iaf_report_model *m, iaf_buf *out, iaf_error *err);

/* cells.csv: one row per compared cell of every check (and of every
 * crosswalk variant that carries its own cells) with both shares, the
 * difference and its interval when the report has one. */
iaf_status iaf_report_cells_csv(const iaf_report_model *m, iaf_buf *out, iaf_error *err);

#endif
