/* examples/c/count_pairs.c - count a dataset by two columns with libiaf.
 *
 *   count_pairs DATA COLUMN_A COLUMN_B
 *
 * DATA is a CSV, JSON Lines or Parquet file, a glob or a directory. Prints
 * one line per combination of values present - A, B and the number of rows,
 * separated by tabs, in byte order - then the total. A missing value (null
 * or empty) prints as an empty field. On an error, prints the located error
 * ("FILE:LINE:COL: message") and exits 1.
 *
 * Build:  cc count_pairs.c $(pkg-config --cflags --libs iaf) -o count_pairs
 *    or   find_package(iaf) and target_link_libraries(... iaf::iaf) in CMake.
 */
#include <inttypes.h>
#include <stdio.h>

#include <iaf/iaf.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s DATA COLUMN_A COLUMN_B   (libiaf %s)\n", argv[0], iaf_version());
        return 2;
    }
    const char *paths[] = {argv[1]};
    const char *by[] = {argv[2], argv[3]};
    iaf_table *t = NULL;
    iaf_error err;
    int rc = 1;
    if (iaf_count(paths, 1, by, 2, NULL, &t, &err) != IAF_OK) {
        char msg[2048];
        iaf_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "count_pairs: %s\n", msg);
        goto cleanup;
    }
    printf("%s\t%s\tcount\n", by[0], by[1]);
    int64_t total = 0;
    for (size_t i = 0; i < iaf_table_ncells(t); i++) {
        iaf_cell cell = iaf_table_cell(t, i);
        iaf_sv a = iaf_table_cat(t, 0, cell.cat[0]);
        iaf_sv b = iaf_table_cat(t, 1, cell.cat[1]);
        printf("%.*s\t%.*s\t%" PRId64 "\n", (int)a.len, a.ptr ? a.ptr : "", (int)b.len,
               b.ptr ? b.ptr : "", cell.n);
        total += cell.n;
    }
    printf("total\t\t%" PRId64 "\n", total);
    rc = 0;
cleanup:
    iaf_table_free(t);
    return rc;
}
