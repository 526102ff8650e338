/* src/report/csvout.h - writing CSV fields (RFC 4180 quoting, only when needed). */
#ifndef IAF_REPORT_CSVOUT_H
#define IAF_REPORT_CSVOUT_H

#include "util/util.h"

/* Append one field: quoted when it holds a comma, quote, CR, LF, or leading
 * or trailing space; NULL writes an empty field. Returns 0 or -1 (OOM). */
int iaf_csv_put(iaf_buf *b, const char *s, size_t n);

#endif
