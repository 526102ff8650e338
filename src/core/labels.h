/* src/core/labels.h - declared label normalisation (METHOD.md section 3.7).
 *
 * Category labels are compared as text. A dataset, a reference or one
 * attribute may declare steps that make differently written labels equal:
 *
 *   trim      remove leading and trailing white space (Unicode White_Space)
 *   nfc       Unicode canonical composition (NFC)
 *   nfkc      Unicode compatibility composition (NFKC: full-width digits and
 *             letters, compatibility jamo, ligatures, ...); implies nfc
 *   casefold  Unicode full case folding
 *   numeric   a label that is an exact decimal number is written in one
 *             canonical form (see iaf_label_numeric)
 *
 * The Unicode steps use utf8proc. The steps run in a fixed order whatever
 * the order of the declaration: normal form and case folding together, then
 * trim, then numeric. A label that is not valid UTF-8 skips the Unicode
 * steps (trim and numeric still apply to its ASCII ends and digits).
 */
#ifndef IAF_CORE_LABELS_H
#define IAF_CORE_LABELS_H

#include <stddef.h>

#include "util/util.h"

enum {
    IAF_NORM_TRIM = 1u << 0,
    IAF_NORM_NFC = 1u << 1,
    IAF_NORM_NFKC = 1u << 2,
    IAF_NORM_CASEFOLD = 1u << 3,
    IAF_NORM_NUMERIC = 1u << 4
};

/* The flag of one step name ("trim", "nfc", "nfkc", "casefold", "numeric");
 * 0 when the name is unknown. */
unsigned iaf_label_norm_flag(const char *name);
/* "trim, nfkc, ..." for reports, in the fixed order; "" for 0. Static storage. */
const char *iaf_label_norm_names(unsigned flags);

/* Append the normalised form of s[0..n) to out (NUL-terminated). With flags 0
 * the label is copied. Returns 0, or -1 when out of memory. */
int iaf_label_normalize(const char *s, size_t n, unsigned flags, iaf_buf *out);

/* Numeric canonical form. When s[0..n) is an exact decimal number - an
 * optional sign, digits, optionally a point and digits (at least one digit
 * in all, no exponent, no separators, no white space) - write its canonical
 * form to out and return its length: no "+", leading zeros of the integer
 * part removed (one "0" kept), trailing zeros of the fraction removed and the
 * point with them, "-0" written "0", ".5" written "0.5". So "1.0", "01" and
 * "+1" become "1", "1.50" becomes "1.5", "-0.00" becomes "0". Otherwise
 * return 0 and leave out alone. out needs n + 2 bytes. */
size_t iaf_label_numeric(const char *s, size_t n, char *out);

#endif
