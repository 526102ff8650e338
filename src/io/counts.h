/* src/io/counts.h - count tables in CSV: long form and wide form.
 *
 * Long form: one column per attribute, then a value column (`count`,
 * `share`, `n`, `value`, `weight`, or one named by the caller), optional
 * `se` / `moe` (90% margin of error, se = moe / 1.645) and `state`
 * (ok | suppressed | structural_zero) columns. When the caller names the
 * attributes, other attribute columns are summed over.
 *
 * Wide form (pandas.crosstab, statistics offices): the first column holds
 * the categories of the first attribute, the header row the categories of
 * the second, cells are counts. The first header cell may be empty or the
 * first attribute's name.
 *
 * Value cells: numbers, optionally with thousands separators ("9,328,042");
 * "-" means zero (KOSIS convention); "x", "X", "..", "...", "…", "NA" and
 * "N/A" mean suppressed (not available). Anything else is an error naming file, line and column.
 */
#ifndef IAF_IO_COUNTS_H
#define IAF_IO_COUNTS_H

#include "iaf/table.h"

typedef enum iaf_counts_form {
    IAF_COUNTS_AUTO = 0, /* long if a value column is found, else wide */
    IAF_COUNTS_LONG,
    IAF_COUNTS_WIDE
} iaf_counts_form;

typedef struct iaf_counts_options {
    iaf_counts_form form;
    const char *const *attrs; /* attribute names: long form selects them (summing over the
                                 rest); wide form names rows then columns. NULL = auto */
    size_t nattrs;
    const char *value_col; /* long form value column; NULL = first of count, share, n, value */
    int shares;            /* -1 auto (by column name), 0 counts, 1 shares */
    const char *const *drop_labels; /* categories to drop (e.g. totals "계", "Total") */
    size_t ndrop;
    double scale;         /* multiply values (e.g. 1000 for "thousand persons"); 0 = 1 */
    size_t skip_lines;    /* title lines before the header */
    const char *encoding; /* NULL = UTF-8; "cp949" */
    char delimiter;
    int long_all_columns; /* long form: keep every attribute column even when attrs is set
                             (attrs then only name the axes of a wide table) */
} iaf_counts_options;

iaf_status iaf_counts_read(const char *path, const iaf_counts_options *opt, iaf_table **out,
                           iaf_error *err);
iaf_status iaf_counts_read_memory(const void *data, size_t n, const char *name,
                                  const iaf_counts_options *opt, iaf_table **out, iaf_error *err);

/* Does this file look like a count table (long with a value column, or
 * wide with numeric cells) rather than microdata? Reads the first lines.
 * 1 yes, 0 no (also when path is no regular file: the reader says what it
 * is), -1 no answer: it cannot be opened or read, or out of memory (err). */
int iaf_counts_sniff(const char *path, const iaf_counts_options *opt, iaf_error *err);

#endif
