/* tests/faults/iaf_faults.c - fault injection over the whole tool.
 *
 *   iaf_faults oom|io [options] -- IAF-ARGUMENTS...
 *
 * Runs `iaf IAF-ARGUMENTS` (the very code of the tool: iaf_cli_main) once
 * cleanly to count the injection points, then once per point with one fault
 * injected, each run in a forked child so that every run starts from the
 * same state and the sanitizers check each run's exit (leaks included):
 *
 *   oom   the k-th allocation fails (through the public hook, iaf/alloc.h),
 *         for k = 1 .. the number of allocations of the clean run;
 *   io    the k-th call of one class of the file layer's system calls fails
 *         or comes back short (through src/util/sysio.h): --class read
 *         (pread and read: EIO), short-read (half the bytes), mmap (ENOMEM),
 *         open (EACCES), write, fsync, close, rename (with --errno EIO or
 *         ENOSPC; close and fsync only on outputs), short-write.
 *
 * A failing run must exit 1, say "out of memory" (oom) or the error and the
 * file's name (io) on stderr, print no sanitizer report, and leave the work
 * directory as it found it: every output given with --out (a file) or
 * --out-dir (a directory) is, on alternate runs, present with known content
 * (which must stay) or absent (and must not appear), and no other file may
 * appear. A short read or write must change nothing: exit 0 and the same
 * outputs as the clean run.
 *
 * Options: --work DIR (required; outputs live here), --out PATH, --out-dir
 * PATH, --first K, --last K, --stride S (run k = first, first+S, ...; the
 * CTest sweep samples with --budget N: every k up to N/2, then a stride; `make
 * faults` runs every k), --max-fail N (stop after
 * N bad runs), --label TEXT. Prints one summary line: LABEL MODE CLASS:
 * POINTS points, RUN run, BAD bad.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h" /* the tool, run in-process */
#include "iaf/alloc.h"
#include "iaf/sysio.h"

/* ---- the faults, as seen by the child ---------------------------------- */

enum { M_OOM, M_IO };
enum {
    C_READ,
    C_SHORT_READ,
    C_MMAP,
    C_OPEN,
    C_WRITE,
    C_SHORT_WRITE,
    C_FSYNC,
    C_CLOSE,
    C_RENAME,
    C_NCLASS
};
static const char *const class_names[C_NCLASS] = {
    "read", "short-read", "mmap", "open", "write", "short-write", "fsync", "close", "rename"};

static int mode, fclass = -1, ferrno = EIO;
static atomic_long counter;        /* calls of the faulted kind so far */
static long fail_at;               /* 0: count only */
static atomic_int hit;             /* the fault was injected */
static char hit_path[PATH_MAX];    /* the file the fault was about */
static char *fd_path[4096];        /* path of each open fd (libc memory: ours, not iaf's) */
static unsigned char fd_out[4096]; /* fd is an output (opened for writing) */

static int trace; /* IAF_FAULTS_TRACE=1: the stack of each fault on stderr */

static int fire(void)
{
    long k = atomic_fetch_add(&counter, 1) + 1;
    if (k != fail_at) return 0;
    atomic_store(&hit, 1);
    if (trace) {
        void *pcs[32];
        int n = backtrace(pcs, 32);
        fprintf(stderr, "iaf_faults: fault %ld at\n", k);
        backtrace_symbols_fd(pcs, n, 2);
    }
    return 1;
}

static void note_path(int fd)
{
    if (fd >= 0 && fd < 4096 && fd_path[fd]) snprintf(hit_path, sizeof hit_path, "%s", fd_path[fd]);
}

/* the allocator */
static void *f_malloc(size_t n, void *u)
{
    (void)u;
    return fire() ? NULL : malloc(n);
}
static void *f_calloc(size_t n, size_t s, void *u)
{
    (void)u;
    return fire() ? NULL : calloc(n, s);
}
static void *f_realloc(void *p, size_t n, void *u)
{
    (void)u;
    return fire() ? NULL : realloc(p, n);
}
static void f_free(void *p, void *u)
{
    (void)u;
    free(p);
}

/* the file layer */
static void track(int fd, const char *path, int out)
{
    if (fd < 0 || fd >= 4096) return;
    free(fd_path[fd]);
    fd_path[fd] = strdup(path);
    fd_out[fd] = (unsigned char)out;
}

/* An output is opened for writing: a temporary of an output set (named
 * TARGET.tmp.XXXXXX; errors name the output, not its temporary) or a
 * device written through. */
static int f_open(const char *path, int flags, mode_t m)
{
    if (fclass == C_OPEN && fire()) {
        snprintf(hit_path, sizeof hit_path, "%s", path);
        char *dot = strstr(hit_path, ".tmp.");
        if (dot) *dot = '\0';
        errno = EACCES;
        return -1;
    }
    int fd = iaf_sysio_default()->open_fn(path, flags, m);
    int out = (flags & O_ACCMODE) != O_RDONLY;
    track(fd, path, out);
    if (out && fd >= 0 && fd < 4096) {
        char *dot = strstr(fd_path[fd], ".tmp.");
        if (dot) *dot = '\0';
    }
    return fd;
}

static ssize_t f_read(int fd, void *b, size_t n)
{
    if (fclass == C_READ && fire()) {
        note_path(fd);
        errno = ferrno;
        return -1;
    }
    if (fclass == C_SHORT_READ && n > 1 && fire()) n /= 2;
    return iaf_sysio_default()->read_fn(fd, b, n);
}

static ssize_t f_pread(int fd, void *b, size_t n, off_t off)
{
    if (fclass == C_READ && fire()) {
        note_path(fd);
        errno = ferrno;
        return -1;
    }
    if (fclass == C_SHORT_READ && n > 1 && fire()) n /= 2;
    return iaf_sysio_default()->pread_fn(fd, b, n, off);
}

static void *f_mmap(void *a, size_t n, int prot, int flags, int fd, off_t off)
{
    if (fclass == C_MMAP && fire()) {
        note_path(fd);
        errno = ENOMEM;
        return MAP_FAILED;
    }
    return iaf_sysio_default()->mmap_fn(a, n, prot, flags, fd, off);
}

static ssize_t f_write(int fd, const void *b, size_t n)
{
    if (fclass == C_WRITE && fire()) {
        note_path(fd);
        errno = ferrno;
        return -1;
    }
    if (fclass == C_SHORT_WRITE && n > 1 && fire()) n /= 2;
    return iaf_sysio_default()->write_fn(fd, b, n);
}

static int f_fsync(int fd)
{
    if (fclass == C_FSYNC && fd < 4096 && fd_out[fd] && fire()) {
        note_path(fd);
        errno = ferrno;
        return -1;
    }
    return iaf_sysio_default()->fsync_fn(fd);
}

static int f_close(int fd)
{
    int out = fd >= 0 && fd < 4096 && fd_out[fd];
    if (fclass == C_CLOSE && out && fire()) {
        note_path(fd);
        iaf_sysio_default()->close_fn(fd); /* the descriptor is gone either way, as in Linux */
        errno = ferrno;
        return -1;
    }
    return iaf_sysio_default()->close_fn(fd);
}

static int f_rename(const char *from, const char *to)
{
    if (fclass == C_RENAME && fire()) {
        snprintf(hit_path, sizeof hit_path, "%s", to);
        errno = ferrno;
        return -1;
    }
    return iaf_sysio_default()->rename_fn(from, to);
}

static int f_rename2(const char *from, const char *to, unsigned flags)
{
    if (fclass == C_RENAME && fire()) {
        snprintf(hit_path, sizeof hit_path, "%s", to);
        errno = ferrno;
        return -1;
    }
    return iaf_sysio_default()->rename2_fn(from, to, flags);
}

/* ---- the work directory's state ---------------------------------------- */

typedef struct entry {
    char *path;
    int dir;
    uint64_t hash, size;
} entry;
typedef struct tree {
    entry *v;
    size_t n, cap;
} tree;

static uint64_t file_hash(const char *path, uint64_t *size)
{
    uint64_t h = 1469598103934665603ULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    int c;
    while ((c = getc(f)) != EOF) {
        h = (h ^ (unsigned char)c) * 1099511628211ULL;
        (*size)++;
    }
    fclose(f);
    return h;
}

static void tree_add(tree *t, const char *path, int dir, uint64_t hash, uint64_t size)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        if (!t->v) abort();
    }
    t->v[t->n++] = (entry){strdup(path), dir, hash, size};
}

static void tree_scan(tree *t, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char p[PATH_MAX];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            tree_add(t, p, 1, 0, 0);
            tree_scan(t, p);
        } else {
            uint64_t size;
            uint64_t h = file_hash(p, &size);
            tree_add(t, p, 0, h, size);
        }
    }
    closedir(d);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->path, ((const entry *)b)->path);
}

static void tree_free(tree *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].path);
    free(t->v);
    memset(t, 0, sizeof *t);
}

static void tree_take(tree *t, const char *dir)
{
    tree_free(t);
    tree_scan(t, dir);
    qsort(t->v, t->n, sizeof *t->v, cmp_entry);
}

/* Describe the first difference into msg; 0 when equal. */
static int tree_diff(const tree *a, const tree *b, char *msg, size_t cap)
{
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i].path, b->v[j].path);
        if (c < 0) {
            snprintf(msg, cap, "%s disappeared", a->v[i].path);
            return 1;
        }
        if (c > 0) {
            snprintf(msg, cap, "%s appeared", b->v[j].path);
            return 1;
        }
        if (a->v[i].dir != b->v[j].dir || a->v[i].hash != b->v[j].hash ||
            a->v[i].size != b->v[j].size) {
            snprintf(msg, cap, "%s changed", a->v[i].path);
            return 1;
        }
        i++;
        j++;
    }
    return 0;
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        char p[PATH_MAX];
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            rm_rf(p);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void write_sentinel(const char *path, long k)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "iaf_faults: cannot create %s: %s\n", path, strerror(errno));
        exit(2);
    }
    fprintf(f, "sentinel %ld: a failed run must leave this file as it is\n", k);
    fclose(f);
}

/* ---- one run ------------------------------------------------------------ */

typedef struct result {
    int status; /* waitpid status */
    long count; /* injection points seen */
    int hit;
    char path[PATH_MAX];
    char *err; /* stderr text */
} result;

static void run(char **argv, int argc, long k, result *r)
{
    char errfile[] = "/tmp/iaf_faults.XXXXXX";
    int efd = mkstemp(errfile);
    int pfd[2];
    if (efd < 0 || pipe(pfd) != 0) {
        perror("iaf_faults");
        exit(2);
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("iaf_faults: fork");
        exit(2);
    }
    if (pid == 0) {
        close(pfd[0]);
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 1);
        dup2(efd, 2);
        close(nul);
        close(efd);
        fail_at = k;
        if (mode == M_OOM) {
            iaf_alloc_funcs af = {f_malloc, f_calloc, f_realloc, f_free, NULL};
            iaf_set_alloc_funcs(&af);
        } else {
            iaf_sysio io = {f_open,  f_read,  f_pread,  f_mmap,   f_write,
                            f_fsync, f_close, f_rename, f_rename2};
            iaf_set_sysio(&io);
        }
        char **args = calloc((size_t)argc + 2, sizeof *args);
        args[0] = "iaf";
        for (int i = 0; i < argc; i++)
            args[i + 1] = argv[i];
        int rc = iaf_cli_main(argc + 1, args);
        free(args);
        fflush(stdout);
        char msg[PATH_MAX + 64];
        int n = snprintf(msg, sizeof msg, "%ld %d %s", (long)atomic_load(&counter),
                         atomic_load(&hit), hit_path);
        if (write(pfd[1], msg, (size_t)n + 1) < 0) rc = 99;
        close(pfd[1]);
        for (int fd = 0; fd < 4096; fd++)
            free(fd_path[fd]);
        exit(rc); /* exit, not _exit: LeakSanitizer checks here */
    }
    close(pfd[1]);
    char msg[PATH_MAX + 64] = "";
    size_t got = 0;
    ssize_t m;
    while (got < sizeof msg - 1 && (m = read(pfd[0], msg + got, sizeof msg - 1 - got)) > 0)
        got += (size_t)m;
    msg[got] = '\0';
    close(pfd[0]);
    waitpid(pid, &r->status, 0);
    r->count = -1;
    r->hit = 0;
    r->path[0] = '\0';
    if (got) {
        char *end;
        r->count = strtol(msg, &end, 10);
        r->hit = (int)strtol(end, &end, 10);
        if (*end == ' ') snprintf(r->path, sizeof r->path, "%s", end + 1);
    }
    free(r->err);
    struct stat st;
    fstat(efd, &st);
    r->err = calloc((size_t)st.st_size + 1, 1);
    if (pread(efd, r->err, (size_t)st.st_size, 0) < 0) r->err[0] = '\0';
    close(efd);
    unlink(errfile);
}

/* ---- the sweep ---------------------------------------------------------- */

#define MAXOUT 16
static const char *outs[MAXOUT], *outdirs[MAXOUT];
static int nouts, noutdirs;
static char *dirfiles[MAXOUT][16];
static int ndirfiles[MAXOUT];

/* present = 1: every output exists with sentinel content; 0: none exists */
static void set_outputs(int present, long k)
{
    for (int i = 0; i < nouts; i++) {
        rm_rf(outs[i]);
        if (present) write_sentinel(outs[i], k);
    }
    for (int i = 0; i < noutdirs; i++) {
        rm_rf(outdirs[i]);
        if (!present) continue;
        mkdir(outdirs[i], 0755);
        char p[PATH_MAX];
        for (int j = 0; j < ndirfiles[i]; j++) {
            snprintf(p, sizeof p, "%s/%s", outdirs[i], dirfiles[i][j]);
            write_sentinel(p, k);
        }
    }
}

static int exit_code(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void tail(const char *s)
{
    size_t n = strlen(s);
    size_t keep = trace ? 6000 : 1500;
    const char *p = n > keep ? s + n - keep : s;
    fprintf(stderr, "    stderr: %s%s", p, n && s[n - 1] == '\n' ? "" : "\n");
}

int main(int argc, char **argv)
{
    const char *work = NULL, *label = "run";
    trace = getenv("IAF_FAULTS_TRACE") && !strcmp(getenv("IAF_FAULTS_TRACE"), "1");
    long first = 1, last = LONG_MAX, stride = 1, max_fail = 5, budget = 0;
    int i = 1;
    if (argc < 2) goto usage;
    if (!strcmp(argv[1], "oom"))
        mode = M_OOM;
    else if (!strcmp(argv[1], "io"))
        mode = M_IO;
    else
        goto usage;
    for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) goto usage;
        i++;
        if (!strcmp(o, "--work"))
            work = v;
        else if (!strcmp(o, "--out") && nouts < MAXOUT)
            outs[nouts++] = v;
        else if (!strcmp(o, "--out-dir") && noutdirs < MAXOUT)
            outdirs[noutdirs++] = v;
        else if (!strcmp(o, "--first"))
            first = atol(v);
        else if (!strcmp(o, "--last"))
            last = atol(v);
        else if (!strcmp(o, "--stride"))
            stride = atol(v);
        else if (!strcmp(o, "--budget"))
            budget = atol(v);
        else if (!strcmp(o, "--max-fail"))
            max_fail = atol(v);
        else if (!strcmp(o, "--label"))
            label = v;
        else if (!strcmp(o, "--class")) {
            for (int c = 0; c < C_NCLASS; c++)
                if (!strcmp(v, class_names[c])) fclass = c;
            if (fclass < 0) goto usage;
        } else if (!strcmp(o, "--errno")) {
            if (!strcmp(v, "EIO"))
                ferrno = EIO;
            else if (!strcmp(v, "ENOSPC"))
                ferrno = ENOSPC;
            else
                goto usage;
        } else
            goto usage;
    }
    if (i >= argc || !work || first < 1 || stride < 1 || (mode == M_IO && fclass < 0)) goto usage;
    char **iargs = argv + i + 1;
    int niargs = argc - i - 1;
    int benign = mode == M_IO && (fclass == C_SHORT_READ || fclass == C_SHORT_WRITE);
    const char *what = mode == M_OOM ? "oom" : class_names[fclass];
    const char *ename = mode == M_OOM || benign ? ""
                        : fclass == C_MMAP      ? "ENOMEM"
                        : fclass == C_OPEN      ? "EACCES"
                        : ferrno == ENOSPC      ? "ENOSPC"
                                                : "EIO";
    const char *expect = mode == M_OOM      ? "out of memory"
                         : fclass == C_MMAP ? strerror(ENOMEM)
                         : fclass == C_OPEN ? strerror(EACCES)
                                            : strerror(ferrno);

    /* the clean run, outputs absent: counts the points, gives the outputs */
    result r = {0};
    set_outputs(0, 0);
    tree before = {0}, after = {0}, clean = {0};
    tree_take(&before, work);
    run(iargs, niargs, 0, &r);
    if (exit_code(r.status) != 0 || r.count < 0) {
        fprintf(stderr, "%s %s %s: the clean run exited %d\n", label, what, ename,
                exit_code(r.status));
        tail(r.err);
        return 1;
    }
    long points = r.count;
    for (int d = 0; d < noutdirs; d++) {
        DIR *dd = opendir(outdirs[d]);
        struct dirent *e;
        while (dd && (e = readdir(dd)))
            if (e->d_name[0] != '.' && ndirfiles[d] < 16)
                dirfiles[d][ndirfiles[d]++] = strdup(e->d_name);
        if (dd) closedir(dd);
    }
    tree_take(&clean, work);

    long nrun = 0, bad = 0, unreached = 0;
    char diff[PATH_MAX + 64];
    /* --budget N: at most about N runs: every point up to N/2, then a
     * deterministic stride over the rest */
    long bstride = 1;
    if (budget > 1 && points > budget)
        bstride = (points - budget / 2 + budget / 2 - 1) / (budget / 2);
    for (long k = first; k <= points && k <= last && bad<max_fail; k += budget> 1 &&
                                 points > budget && k >= budget / 2
                             ? bstride
                             : stride) {
        int present = benign ? 0 : (int)(k & 1);
        set_outputs(present, k);
        tree_take(&before, work);
        run(iargs, niargs, k, &r);
        tree_take(&after, work);
        nrun++;
        int code = exit_code(r.status);
        const char *why = NULL;
        if (!r.hit) {
            /* the run took another path than the clean one: a point count
             * that depends on more than the input is itself a finding */
            why = "the fault was never reached (nondeterministic run?)";
            unreached++;
        } else if (strstr(r.err, "Sanitizer") || strstr(r.err, "runtime error"))
            why = "sanitizer report";
        else if (benign) {
            if (code != 0)
                why = "a short read or write is not an error, but the run failed";
            else if (tree_diff(&clean, &after, diff, sizeof diff))
                why = diff;
        } else if (code != 1)
            why = "exit status is not 1";
        else if (!strstr(r.err, expect))
            why = "stderr does not say what failed";
        else if (mode == M_IO && r.path[0] && !strstr(r.err, r.path))
            why = "stderr does not name the file";
        else if (tree_diff(&before, &after, diff, sizeof diff))
            why = diff;
        if (why) {
            bad++;
            fprintf(stderr, "%s %s %s: k=%ld (outputs %s): %s; exit %d%s%s\n", label, what, ename,
                    k, present ? "present" : "absent", why, code, r.path[0] ? "; fault on " : "",
                    r.path);
            tail(r.err);
        }
    }
    printf("%s %s%s%s: %ld points, %ld run, %ld bad%s\n", label, what, *ename ? " " : "", ename,
           points, nrun, bad, unreached ? " (some unreached)" : "");
    set_outputs(0, 0);
    tree_free(&before);
    tree_free(&after);
    tree_free(&clean);
    free(r.err);
    return bad ? 1 : 0;
usage:
    fprintf(stderr, "usage: iaf_faults oom|io --work DIR [--out FILE] [--out-dir DIR] "
                    "[--class C] [--errno EIO|ENOSPC] [--first K] [--last K] [--stride S] "
                    "[--max-fail N] [--label L] -- IAF-ARGS...\n");
    return 2;
}
