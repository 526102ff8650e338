/* src/audit/scan.h - the discovery scan (METHOD.md section 11): every pair of
 * categorical attributes, its strength of dependence in the synthetic data
 * and a null distribution under independence, ranked, with the pairs that
 * cannot be told apart from independence marked as footprint candidates.
 *
 * The null keeps both margins: for tables over at most IAF_SCAN_PERMUTE_MAX
 * rows it is the permutation null (one attribute's values shuffled against
 * the other's, recounted); above that, where permuting every row would cost
 * too much and the two coincide to first order, the parametric null
 * Multinomial(n, p_x p_y) is used. The report says which.
 */
#ifndef IAF_AUDIT_SCAN_H
#define IAF_AUDIT_SCAN_H

#include <stdint.h>

#include "iaf/table.h"
#include "report/json.h"

#define IAF_SCAN_PERMUTE_MAX 200000

typedef struct iaf_scan_pair {
    char *x, *y;
    size_t kx, ky; /* categories with positive mass */
    double n;
    double dep_tvd, cramers_v, nmi, mm_bias;
    double chi2_p; /* asymptotic p-value of the chi-square test of independence */
    double null_dep_tvd_p95, null_cramers_v_p95, null_nmi_p95;
    int permutation; /* 1: permutation null; 0: parametric */
    int candidate;   /* dependence indistinguishable from the null */
} iaf_scan_pair;

/* Scan one two-way table of counts (attributes 0 and 1). */
iaf_status iaf_scan_pair_eval(const iaf_table *t, size_t b, uint64_t seed, iaf_scan_pair *out,
                              iaf_error *err);
void iaf_scan_pair_free(iaf_scan_pair *p);
void iaf_scan_pair_json(const iaf_scan_pair *p, iaf_json *j);

/* Sentences of a dataset card that state independence or "not modeled"
 * (English and Korean keywords). On success *out is an owned array of *count
 * owned strings (NULL when none); IAF_ERR_NOMEM leaves nothing. */
iaf_status iaf_card_disclosures(const char *text, size_t n, char ***out, size_t *count);

/* Largest dataset card `iaf scan --card` reads (a card is a README of a few KiB). */
#define IAF_CARD_MAX_BYTES ((size_t)8 << 20)

/* Read the card at path (a regular file of at most IAF_CARD_MAX_BYTES, else an error
 * naming the limit) and extract its sentences as iaf_card_disclosures does. */
iaf_status iaf_card_read(const char *path, char ***out, size_t *count, iaf_error *err);

#endif
