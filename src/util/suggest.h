/* src/util/suggest.h - "did you mean ...?" for a name that is not there. */
#ifndef IAF_UTIL_SUGGEST_H
#define IAF_UTIL_SUGGEST_H

#include <stddef.h>

/* The candidate closest to name by edit distance over characters (UTF-8
 * code points; ASCII case ignored), when it is close enough to be a likely
 * typo: at most one edit for names up to 5 characters, else a third of the
 * name's length. Ties go to the earliest candidate. NULL when none is close,
 * when name is itself a candidate, or for names longer than 128 characters.
 * Borrowed from cands. Allocates nothing. */
const char *iaf_suggest(const char *name, const char *const *cands, size_t n);

#endif
