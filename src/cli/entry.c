/* src/cli/entry.c - main(): the tool is iaf_cli_main (main.c), started once
 * more with the C library's heap on transparent huge pages. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iaf/alloc.h>

#include "commands.h"

/* The allocator's policy for this process (the tool owns it; the library
 * leaves it alone): blocks under 1 MB come from the heap and up to 16 MB of
 * freed heap is kept rather than given back, so that the buffers of one row
 * group, table or output are reused by the next instead of being mapped
 * afresh and faulted in page by page; larger blocks are mapped and unmapped
 * as they come, so the peak memory of a large count hardly moves. */
#define MMAP_THRESHOLD 1048576
#define TRIM_THRESHOLD 16777216
#define STR_(x) #x
#define STR(x) STR_(x)

/* With it, glibc's heap on transparent huge pages (hugetlb=1: it advises
 * them on the memory it maps), grown 8 MB at a time so that the growth holds
 * whole 2 MB pages (32 MB cost the 7-column joint 45 MB more peak memory,
 * 8 MB 16 MB). */
#define HEAP_TUNABLES                                                                              \
    "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=8388608:glibc.malloc.mmap_threshold=" STR(        \
        MMAP_THRESHOLD) ":glibc.malloc.trim_threshold=" STR(TRIM_THRESHOLD)

/* On a virtual machine a fresh 4 KB page costs about 10 us to fault in, a
 * 2 MB page about 150 us: the four pairs of a 1M-row Parquet file faulted
 * 1,350 small pages (14 ms of their 57 ms of CPU), 200 with the heap on huge
 * pages. glibc reads its allocator's huge-page setting only from
 * GLIBC_TUNABLES at start, so the program starts itself again once with it
 * set (a few milliseconds), unless the variable already sets the
 * allocator's own (the user's choice, or this restart's), the kernel has
 * huge pages off, or the restart fails (the program then goes on as it
 * is). Sanitizer builds, which bring their own allocator, never restart. */
static void restart_on_huge_pages(char **argv)
{
#if defined(__linux__) && defined(__GLIBC__) && !defined(IAF_NO_RESTART)
    const char *was = getenv("GLIBC_TUNABLES");
    if (was && strstr(was, "glibc.malloc.")) return;
    char mode[128] = "";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f) return;
    size_t n = fread(mode, 1, sizeof mode - 1, f);
    fclose(f);
    mode[n] = '\0';
    if (!strstr(mode, "[madvise]") && !strstr(mode, "[always]")) return;
    char *saved = was ? iaf_strdup(was) : NULL;
    if (was && !saved) return;
    size_t len = (saved ? strlen(saved) + 1 : 0) + sizeof HEAP_TUNABLES;
    char *value = iaf_malloc(len);
    if (!value) {
        iaf_free(saved);
        return;
    }
    snprintf(value, len, "%s%s%s", saved ? saved : "", saved ? ":" : "", HEAP_TUNABLES);
    if (setenv("GLIBC_TUNABLES", value, 1) == 0) {
        execv("/proc/self/exe", argv);
        /* not restarted: the environment as it was */
        if (saved)
            setenv("GLIBC_TUNABLES", saved, 1);
        else
            unsetenv("GLIBC_TUNABLES");
    }
    iaf_free(value);
    iaf_free(saved);
#else
    (void)argv;
#endif
}

/* Without the restart, the same policy but huge pages, unless GLIBC_TUNABLES
 * sets the allocator's own (the user's choice). */
static void tune_malloc(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    const char *t = getenv("GLIBC_TUNABLES");
    if (t && strstr(t, "glibc.malloc.")) return;
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
#endif
}

int main(int argc, char **argv)
{
    restart_on_huge_pages(argv);
    tune_malloc();
    return iaf_cli_main(argc, argv);
}
