/* util/parallel.c - a parallel for over tasks (parallel.h). */
#include "util/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define PAR_MAX_THREADS 64

typedef struct par_for {
    void (*fn)(void *arg, size_t task);
    void *arg;
    size_t ntasks;
    atomic_size_t next;
} par_for;

static void *par_for_main(void *vp)
{
    par_for *pf = vp;
    for (;;) {
        size_t t = atomic_fetch_add(&pf->next, 1);
        if (t >= pf->ntasks) break;
        pf->fn(pf->arg, t);
    }
    return NULL;
}

void iaf_par_for(int nthreads, size_t ntasks, void (*fn)(void *arg, size_t task), void *arg)
{
    par_for pf;
    pf.fn = fn;
    pf.arg = arg;
    pf.ntasks = ntasks;
    atomic_init(&pf.next, 0);
    long want = nthreads > 0 ? nthreads : sysconf(_SC_NPROCESSORS_ONLN);
    if (want > PAR_MAX_THREADS) want = PAR_MAX_THREADS;
    pthread_t th[PAR_MAX_THREADS];
    int nt = 0;
    while (nt + 1 < want && (size_t)nt + 1 < ntasks &&
           pthread_create(&th[nt], NULL, par_for_main, &pf) == 0)
        nt++;
    par_for_main(&pf);
    for (int i = 0; i < nt; i++)
        pthread_join(th[i], NULL);
}
