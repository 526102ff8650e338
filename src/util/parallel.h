/* util/parallel.h - a parallel for over tasks. */
#ifndef IAF_UTIL_PARALLEL_H
#define IAF_UTIL_PARALLEL_H

#include <stddef.h>

/* Run fn(arg, t) for t = 0..ntasks-1 on up to nthreads threads (the caller's
 * among them; 0 or less: every core), each thread taking the next task.
 * Tasks must write disjoint memory: the result then does not depend on which
 * thread ran which task. A thread that cannot be started leaves its tasks to
 * the others. */
void iaf_par_for(int nthreads, size_t ntasks, void (*fn)(void *arg, size_t task), void *arg);

#endif
