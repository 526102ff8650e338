/* src/report/replication.h - the renderers of a replication: replication.md
 * and replication.html from the replication.json document (schema
 * iaf-replication/1, written by `iaf replicate`; fields in
 * docs/replication.md), as html.h renders report.json. Working from the
 * document lets `iaf report replication.json` render a saved replication
 * again without its bundles; fields that are absent are skipped.
 *
 * Both are deterministic (same document, same bytes) and append to out,
 * which the caller owns. On failure (not an iaf-replication/1 document, or
 * out of memory) err says why and out may hold a partial rendering.
 */
#ifndef IAF_REPORT_REPLICATION_H
#define IAF_REPORT_REPLICATION_H

#include <stddef.h>

#include "iaf/defs.h"
#include "util/util.h"

#define IAF_REPLICATION_SCHEMA "iaf-replication/1"

/* 1 when text is a JSON object whose "schema" is iaf-replication/1, 0 when
 * not, -1 when out of memory (no answer). */
IAF_API int iaf_replication_is(const char *json, size_t n);

/* One self-contained HTML5 page (inline CSS and SVG, no script, nothing
 * fetched): the bundles with their flags per comparable cell, one panel
 * per check id with a forest plot over the bundles (and the IAF signatures
 * of a joint check), the table of every check x bundle, reproducibility. */
iaf_status iaf_replication_html(const char *json, size_t n, iaf_buf *out, iaf_error *err);

/* The bundle table and the check x bundle table as Markdown (also the
 * summary `iaf replicate` prints). */
iaf_status iaf_replication_md(const char *json, size_t n, iaf_buf *out, iaf_error *err);

#endif
