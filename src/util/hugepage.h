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

/* Fault in the whole pages of [p, p + bytes) in one call (MADV_POPULATE_WRITE,
 * Linux 5.14) when bytes is at least 64 KB: for a fresh buffer about to be
 * written whole. A first touch costs one page fault per 4 KB page, about 10 us
 * each on a virtual machine, where populating costs 1-4 us a page. Pages
 * already there are left as they are. Best effort: errors are ignored (older
 * kernels), p may be NULL. */
void iaf_prefault(void *p, size_t bytes);

#endif
