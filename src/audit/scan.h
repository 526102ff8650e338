/* src/audit/scan.h - the discovery scan (METHOD.md section 11): every pair of
 * categorical attributes, its strength of dependence in the synthetic data
 * and a null distribution under independence, ranked, with the pairs that
 * cannot be told apart from independence marked as footprint candidates.
 *
 * The null keeps both margins and is simulated on cells, never by permuting
 * rows: a table with the observed row and column totals is drawn by
 * sequential hypergeometric sampling (Patefield 1981), which is exactly the
 * distribution the permutation null gives, at a cost of one pass over the
 * cells per replicate whatever n is. A weighted table (non-whole counts)
 * uses the parametric null Multinomial(n_eff, p_x p_y) with Kish's n. The
 * chi-square and G-test p-values are the asymptotic ones.
 *
 * With a reference table over the same pair, a pair is also a candidate when
 * its retention interval lies wholly below 1 - tau_ret.
 */
#ifndef IAF_AUDIT_SCAN_H
#define IAF_AUDIT_SCAN_H

#include <stdint.h>

#include "audit/compare.h"
#include "iaf/scan.h"
#include "iaf/table.h"
#include "util/json.h"

/* IAF_SCAN_TAU_RET and iaf_scan_pair are public (iaf/scan.h). */

/* Scan one two-way table of counts (attributes 0 and 1): b null replicates
 * (0: none) from seed. The result does not depend on the thread count. */
iaf_status iaf_scan_pair_eval(const iaf_table *t, size_t b, uint64_t seed, iaf_scan_pair *out,
                              iaf_error *err);
/* Add the reference criterion: compare p's synthetic table syn with ref (same
 * attribute names) and keep the retention interval (boot: B and seed). */
iaf_status iaf_scan_pair_reference(iaf_scan_pair *p, const iaf_table *syn, const iaf_table *ref,
                                   double n_s, double n_r, const iaf_boot_options *boot,
                                   double tau_ret, iaf_error *err);
void iaf_scan_pair_free(iaf_scan_pair *p);
void iaf_scan_pair_json(const iaf_scan_pair *p, iaf_json *j);

/* 1 when a category label reads like a lumped remainder ("기타", "그 외",
 * "other", "rest", "etc.", "misc", ...; METHOD.md section 3.5). */
int iaf_scan_is_lump_label(const char *s, size_t n);

/* Sentences of a dataset card that state independence or "not modeled"
 * (English and Korean keywords). On success *out is an owned array of *count
 * owned strings (NULL when none); IAF_ERR_NOMEM leaves nothing. */
iaf_status iaf_card_disclosures(const char *text, size_t n, char ***out, size_t *count);

/* Largest dataset card `iaf scan --card` reads (a card is a README of a few KiB). */
#define IAF_CARD_MAX_BYTES ((size_t)8 << 20)

/* Read the card at path (a regular file of at most IAF_CARD_MAX_BYTES, else an error
 * naming the limit) and extract its sentences as iaf_card_disclosures does. */
iaf_status iaf_card_read(const char *path, char ***out, size_t *count, iaf_error *err);
/* 1 when sentence names column `name` (case-insensitive, as a whole word). */
int iaf_card_names(const char *sentence, const char *name);

#endif
