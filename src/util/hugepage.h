/* src/util/hugepage.h - ask for transparent huge pages under a large array.
 *
 * The hash tables and arrays of a high-cardinality count are tens of MB
 * touched at random: with 4 KB pages most probes miss the TLB and every first
 * touch is a page fault (on the 7-column joint table of 1M rows, huge pages
 * halved both the user and the system time). Where the kernel leaves huge
 * pages to madvise, this asks for them; elsewhere it does nothing. */
#ifndef IAF_UTIL_HUGEPAGE_H
#define IAF_UTIL_HUGEPAGE_H

#include <stddef.h>

/* Advise huge pages for the 2 MB-aligned part of [p, p + bytes) when bytes is
 * at least 4 MB. Best effort: errors are ignored, p may be NULL. */
void iaf_advise_huge(void *p, size_t bytes);

#endif
