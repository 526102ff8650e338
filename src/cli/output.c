/* src/cli/output.c - output sets, the input registry and the signal
 * handlers that keep interrupted runs from leaving temporaries behind.
 * The rules are in output.h; docs/reliability.md lists how each is tested. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "iaf/alloc.h"
#include "iaf/sysio.h"

/* ---- signals ----------------------------------------------------------
 * The handler may run on any thread at any moment, so everything it touches
 * is a lock-free atomic: a fixed table of temporary paths (a slot is filled
 * before the file is created and cleared after it is renamed or removed)
 * and a state word. State 0: running; 1: renaming a set into place (the
 * signal is only recorded, and raised again once the set is complete);
 * 2: the process is dying of a signal (the temporaries are being removed). */

#define MAX_TEMPS 256

static _Atomic(char *) temps[MAX_TEMPS];
static atomic_int sig_state;
static atomic_int sig_pending;

static void remove_temps(void)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        char *p = atomic_load(&temps[i]);
        if (p) unlink(p);
    }
}

static void die_of(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    /* Delivered when the handler returns (or at once outside a handler):
     * the process ends by the signal, so a shell sees 128 + sig. */
    raise(sig);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void on_signal(int sig)
{
    int saved = errno;
    atomic_store(&sig_pending, sig);
    int expect = 0;
    if (atomic_compare_exchange_strong(&sig_state, &expect, 2)) {
        remove_temps();
        die_of(sig);
    }
    /* committing: raised again when the set is complete; dying: another
     * thread is already at it */
    errno = saved;
}

void cli_signals_install(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old, sa;
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
            sigaddset(&sa.sa_mask, sigs[k]);
        sa.sa_flags = SA_RESTART;
        sigaction(sigs[i], &sa, NULL);
    }
}

static int temp_register(char *path)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        char *expect = NULL;
        if (atomic_compare_exchange_strong(&temps[i], &expect, path)) return i;
    }
    return -1;
}

static void temp_unregister(int slot)
{
    if (slot >= 0) atomic_store(&temps[slot], NULL);
}

/* Enter the renaming phase; if a signal is already killing the process,
 * wait for it. */
static void commit_begin(void)
{
    int expect = 0;
    while (!atomic_compare_exchange_strong(&sig_state, &expect, 1)) {
        if (expect == 2)
            for (;;)
                pause();
        expect = 0;
    }
}

static void commit_end(void)
{
    atomic_store(&sig_state, 0);
    int sig = atomic_load(&sig_pending);
    int expect = 0;
    if (sig && atomic_compare_exchange_strong(&sig_state, &expect, 2)) {
        remove_temps();
        die_of(sig);
    }
}

/* ---- inputs of this run --------------------------------------------- */

typedef struct input_id {
    dev_t dev;
    ino_t ino;
    char *name;
} input_id;

static input_id *inputs;
static size_t ninputs, inputs_cap;

int cli_input_add(const char *path)
{
    struct stat sb;
    if (!path || !strcmp(path, "-") || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
    for (size_t i = 0; i < ninputs; i++)
        if (inputs[i].dev == sb.st_dev && inputs[i].ino == sb.st_ino) return 0;
    if (CLI_GROW(inputs, inputs_cap, ninputs + 1) != 0) return -1;
    if (!(inputs[ninputs].name = iaf_strdup(path))) return -1;
    inputs[ninputs].dev = sb.st_dev;
    inputs[ninputs].ino = sb.st_ino;
    ninputs++;
    return 0;
}

static const char *input_named(const struct stat *sb)
{
    for (size_t i = 0; i < ninputs; i++)
        if (inputs[i].dev == sb->st_dev && inputs[i].ino == sb->st_ino) return inputs[i].name;
    return NULL;
}

/* ---- standard output ---------------------------------------------- */

static int stdout_reported;

iaf_status cli_stdout_write(const char *data, size_t n, iaf_error *err)
{
    errno = 0;
    if ((n && fwrite(data, 1, n, stdout) != n) || fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        stdout_reported = 1;
        return iaf_error_set(err, IAF_ERR_IO, "<stdout>", 0, 0, "write failed%s%s", e ? ": " : "",
                             e == ENOMEM ? "out of memory"
                             : e         ? strerror(e)
                                         : "");
    }
    return IAF_OK;
}

int cli_stdout_close(void)
{
    errno = 0;
    int bad = ferror(stdout);
    if (fflush(stdout) != 0) bad = 1;
    int e = errno;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!bad) return EXIT_OK;
    if (!stdout_reported)
        fprintf(stderr, "iaf: <stdout>: write failed%s%s\n", e ? ": " : "",
                e == ENOMEM ? "out of memory"
                : e         ? strerror(e)
                            : "");
    stdout_reported = 1;
    return EXIT_DATA;
}

/* ---- output sets -------------------------------------------------- */

enum { K_STDOUT, K_DIRECT, K_ATOMIC };

/* "-", /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N name an open
 * descriptor: written through it (as a shell does), never reopened or
 * replaced (the link may lead to the very file a shell redirected to).
 * Returns the descriptor, or -1 for other paths. */
static int std_fd_of(const char *path)
{
    if (!strcmp(path, "-") || !strcmp(path, "/dev/stdout")) return 1;
    if (!strcmp(path, "/dev/stderr")) return 2;
    const char *p = !strncmp(path, "/dev/fd/", 8)          ? path + 8
                    : !strncmp(path, "/proc/self/fd/", 14) ? path + 14
                                                           : NULL;
    if (!p || !*p || strlen(p) > 6) return -1;
    long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (*p - '0');
    }
    return (int)v;
}
enum { C_STAGED, C_EXCHANGED, C_CREATED, C_REPLACED };

typedef struct out_item {
    char *name;   /* as given */
    char *target; /* the final path after following links */
    int kind;
    int fd;    /* K_STDOUT: the descriptor (1 = through stdio) */
    char *tmp; /* K_ATOMIC: the temporary, registered in slot */
    int slot;
    int tfd; /* K_ATOMIC: the temporary's descriptor + 1 until fsync'ed and closed (0: closed) */
    int existed;
    int done;   /* C_* while committing */
    char *data; /* K_STDOUT, K_DIRECT: a copy written at commit */
    size_t n;
    /* which file: its device and inode, or for a new file its directory's
     * and its name (base points into target) */
    dev_t dev;
    ino_t ino;
    const char *base;
} out_item;

struct cli_outset {
    out_item *items;
    size_t n, cap;
    size_t nopen; /* temporaries written but not yet fsync'ed and closed */
};

/* Temporaries a set keeps open, their write-back started, to fsync them at
 * commit one after the other: by then most of the data is on its way, and
 * the first fsync's journal commit carries the others' metadata. Beyond
 * this many, each is fsync'ed as it is written (descriptors are few). */
#define MAX_OPEN_TEMPS 16

cli_outset *cli_outset_new(void)
{
    return iaf_calloc(1, sizeof(cli_outset));
}

static void item_clear(out_item *it)
{
    if (it->tfd) iaf_get_sysio()->close_fn(it->tfd - 1);
    if (it->tmp) {
        unlink(it->tmp);
        temp_unregister(it->slot);
        iaf_free(it->tmp);
    }
    iaf_free(it->name);
    iaf_free(it->target);
    iaf_free(it->data);
    memset(it, 0, sizeof *it);
}

void cli_outset_free(cli_outset *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++)
        item_clear(&s->items[i]);
    iaf_free(s->items);
    iaf_free(s);
}

/* The first an bytes of a, then the string b, as a new string (iaf_free);
 * NULL when out of memory. */
static char *concat(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an > SIZE_MAX - bn - 1) return NULL;
    char *s = iaf_malloc(an + bn + 1);
    if (!s) return NULL;
    memcpy(s, a, an);
    memcpy(s + an, b, bn + 1);
    return s;
}

/* Follow symbolic links from path to the file finally named (which may not
 * exist: a new file, or the target of a dangling link). st holds its lstat
 * when *exists. */
static iaf_status resolve(const char *path, char **out, struct stat *st, int *exists, int *magic,
                          int *fdno, iaf_error *err)
{
    *magic = 0;
    char *cur = iaf_strdup(path);
    *out = NULL;
    *exists = 0;
    if (!cur) return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    for (int hops = 0;; hops++) {
        if ((*fdno = std_fd_of(cur)) >= 0) break; /* a link to /dev/stdout and the like */
        if (lstat(cur, st) != 0) {
            if (errno == ENOENT) break;
            iaf_status rc =
                iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot write: %s", strerror(errno));
            iaf_free(cur);
            return rc;
        }
        if (!S_ISLNK(st->st_mode)) {
            *exists = 1;
            break;
        }
        if (!strncmp(cur, "/proc/", 6)) {
            /* a magic link (/proc/PID/fd/N): what it names may have no path */
            if (stat(cur, st) != 0) {
                iaf_status rc =
                    iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot write: %s", strerror(errno));
                iaf_free(cur);
                return rc;
            }
            *exists = 1;
            *magic = 1;
            break;
        }
        if (hops == 40) {
            iaf_free(cur);
            return iaf_error_set(err, IAF_ERR_IO, path, 0, 0,
                                 "cannot write: too many levels of symbolic links");
        }
        size_t cap = (size_t)st->st_size + 2 > 256 ? (size_t)st->st_size + 2 : 256;
        char *link = iaf_malloc(cap);
        ssize_t k = link ? readlink(cur, link, cap - 1) : -1;
        if (k < 0 || (size_t)k >= cap - 1) {
            int e = link ? (k < 0 ? errno : ENAMETOOLONG) : ENOMEM;
            iaf_free(link);
            iaf_free(cur);
            return iaf_error_set(err, e == ENOMEM ? IAF_ERR_NOMEM : IAF_ERR_IO, path, 0, 0,
                                 "cannot follow the symbolic link: %s", strerror(e));
        }
        link[k] = '\0';
        /* a relative link is read from the link's own directory */
        const char *slash = strrchr(cur, '/');
        char *next = concat(cur, link[0] != '/' && slash ? (size_t)(slash - cur + 1) : 0, link);
        iaf_free(link);
        iaf_free(cur);
        if (!next) return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
        cur = next;
    }
    *out = cur;
    return IAF_OK;
}

static void identify(out_item *it, const struct stat *sb)
{
    it->base = NULL;
    if (it->existed) {
        /* devices and FIFOs may be named twice (-o /dev/null -o /dev/null) */
        it->dev = S_ISREG(sb->st_mode) ? sb->st_dev : 0;
        it->ino = S_ISREG(sb->st_mode) ? sb->st_ino : 0;
        return;
    }
    const char *slash = strrchr(it->target, '/');
    it->base = slash ? slash + 1 : it->target;
    /* on the stack: a failed allocation here would hide a repeated output */
    char dir[4096] = ".";
    int ok = 1;
    if (slash) {
        size_t n = slash == it->target ? 1 : (size_t)(slash - it->target);
        if (n < sizeof dir) {
            memcpy(dir, it->target, n);
            dir[n] = '\0';
        } else {
            ok = 0; /* longer than PATH_MAX: cannot be created anyway */
        }
    }
    struct stat db;
    if (ok && stat(dir, &db) == 0) {
        it->dev = db.st_dev;
        it->ino = db.st_ino;
    } else {
        it->base = NULL; /* unknown: reported when the temporary is made */
        it->dev = 0;
        it->ino = 0;
    }
}

static int same_file(const out_item *a, const out_item *b)
{
    if (a->existed != b->existed || (a->existed && !a->ino)) return 0;
    if (!a->existed && (!a->base || !b->base || strcmp(a->base, b->base) != 0)) return 0;
    return a->dev == b->dev && a->ino == b->ino;
}

static char *copy_bytes(const char *data, size_t n)
{
    char *d = iaf_malloc(n ? n : 1);
    if (d && n) memcpy(d, data, n);
    return d;
}

static iaf_status write_all(int fd, const char *data, size_t n, const char *name, iaf_error *err)
{
    size_t off = 0;
    while (off < n) {
        size_t chunk = n - off > (1u << 30) ? (1u << 30) : n - off;
        ssize_t k = iaf_get_sysio()->write_fn(fd, data + off, chunk);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            int e = k < 0 ? errno : EIO;
            return iaf_error_set(err, IAF_ERR_IO, name, 0, 0, "write failed: %s", strerror(e));
        }
        off += (size_t)k;
    }
    return IAF_OK;
}

static mode_t new_file_mode(void)
{
    static mode_t mode = 01000; /* not yet known */
    if (mode == 01000) {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    return mode;
}

/* A fresh temporary next to target, registered for the signal handler
 * before it exists. */
static iaf_status make_temp(out_item *it, int *fd, iaf_error *err)
{
    static unsigned counter;
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 16);
    for (int attempt = 0; attempt < 100; attempt++) {
        x += 0x9E3779B97F4A7C15ull * (uint64_t)(++counter);
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        char suffix[12] = ".tmp.";
        for (int i = 0; i < 6; i++, z /= 62)
            suffix[5 + i] = abc[z % 62];
        suffix[11] = '\0';
        char *tmp = concat(it->target, strlen(it->target), suffix);
        if (!tmp) return iaf_error_set(err, IAF_ERR_NOMEM, it->name, 0, 0, "out of memory");
        int slot = temp_register(tmp);
        if (slot < 0) {
            iaf_free(tmp);
            return iaf_error_set(err, IAF_ERR_LIMIT, it->name, 0, 0,
                                 "more than %d outputs in one run", MAX_TEMPS);
        }
        int f = iaf_get_sysio()->open_fn(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                                         0600);
        if (f >= 0) {
            it->tmp = tmp;
            it->slot = slot;
            *fd = f;
            return IAF_OK;
        }
        int e = errno;
        temp_unregister(slot);
        iaf_free(tmp);
        if (e != EEXIST)
            return strcmp(it->name, it->target)
                       ? iaf_error_set(err, IAF_ERR_IO, it->name, 0, 0,
                                       "cannot write the link's target %s: %s", it->target,
                                       strerror(e))
                       : iaf_error_set(err, IAF_ERR_IO, it->name, 0, 0, "cannot write: %s",
                                       strerror(e));
    }
    return iaf_error_set(err, IAF_ERR_IO, it->name, 0, 0, "cannot create a temporary file");
}

/* The temporary of it, written (st: how that went), fsync'ed and closed. */
static iaf_status finish_temp(out_item *it, int fd, iaf_status st, iaf_error *err)
{
    if (st == IAF_OK && iaf_get_sysio()->fsync_fn(fd) != 0)
        st = iaf_error_set(err, IAF_ERR_IO, it->name, 0, 0, "write failed: %s", strerror(errno));
    if (iaf_get_sysio()->close_fn(fd) != 0 && st == IAF_OK)
        st = iaf_error_set(err, IAF_ERR_IO, it->name, 0, 0, "write failed: %s", strerror(errno));
    return st;
}

/* it, the set's next item, is written through at commit (kind K_STDOUT or
 * K_DIRECT) from a copy of the bytes, which the set now holds. */
static iaf_status add_through(cli_outset *s, out_item *it, int kind, const char *data, size_t n,
                              iaf_error *err)
{
    it->kind = kind;
    if (!(it->data = copy_bytes(data, n)))
        return iaf_error_set(err, IAF_ERR_NOMEM, it->name, 0, 0, "out of memory");
    it->n = n;
    s->n++;
    return IAF_OK;
}

iaf_status cli_outset_add(cli_outset *s, const char *path, const char *data, size_t n,
                          iaf_error *err)
{
    if (!data) data = "";
    if (CLI_GROW(s->items, s->cap, s->n + 1) != 0)
        return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    out_item *it = &s->items[s->n];
    memset(it, 0, sizeof *it);
    it->slot = -1;
    iaf_status st = IAF_OK;
    if (!(it->name = iaf_strdup(path))) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
        goto fail;
    }
    struct stat sb;
    int magic = 0, fdno = -1;
    if ((st = resolve(path, &it->target, &sb, &it->existed, &magic, &fdno, err)) != IAF_OK)
        goto fail;
    if (fdno >= 0) {
        iaf_free(it->target);
        it->target = NULL;
        it->fd = fdno;
        if ((st = add_through(s, it, K_STDOUT, data, n, err)) != IAF_OK) goto fail;
        return IAF_OK;
    }
    identify(it, &sb);
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i].kind != K_STDOUT && same_file(&s->items[i], it)) {
            st = iaf_error_set(err, IAF_ERR_INVALID, path, 0, 0,
                               "is also the output %s of this run", s->items[i].name);
            goto fail;
        }
    if (it->existed) {
        const char *in = input_named(&sb);
        if (in) {
            st = iaf_error_set(err, IAF_ERR_INVALID, path, 0, 0,
                               "is the input %s of this run; refusing to write over it", in);
            goto fail;
        }
        if (S_ISDIR(sb.st_mode)) {
            st = iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "is a directory");
            goto fail;
        }
        if (S_ISBLK(sb.st_mode)) {
            st = iaf_error_set(err, IAF_ERR_IO, path, 0, 0,
                               "is a block device; refusing to write to it");
            goto fail;
        }
        if (!S_ISREG(sb.st_mode) || magic) {
            /* a character device, FIFO or socket (or a descriptor of another
             * process): written through at commit */
            if ((st = add_through(s, it, K_DIRECT, data, n, err)) != IAF_OK) goto fail;
            return IAF_OK;
        }
    }
    it->kind = K_ATOMIC;
    int fd = -1;
    if ((st = make_temp(it, &fd, err)) != IAF_OK) goto fail;
    s->n++; /* from here on, cli_outset_free removes the temporary */
    if (it->existed) {
        /* keep owner (where allowed) and permission bits; chown first, as it
         * clears set-id bits */
        if (sb.st_uid != geteuid() || sb.st_gid != getegid())
            if (fchown(fd, sb.st_uid, sb.st_gid) != 0) { /* not ours to give: keep ours */
            }
    }
    mode_t mode = it->existed ? (sb.st_mode & 07777) : new_file_mode();
    st = write_all(fd, data, n, path, err);
    if (st == IAF_OK && fchmod(fd, mode) != 0)
        st = iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot set permissions: %s",
                           strerror(errno));
    if (st == IAF_OK && s->nopen < MAX_OPEN_TEMPS) {
        /* fsync'ed at commit; the write-back starts now, behind the next output's work */
        sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
        it->tfd = fd + 1;
        s->nopen++;
        return IAF_OK;
    }
    return finish_temp(it, fd, st, err);
fail:
    item_clear(it);
    return st;
}

/* A Unix-domain socket cannot be open()ed: connect to it as a stream. */
static int connect_socket(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path));
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (const struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static iaf_status write_direct(out_item *it, iaf_error *err)
{
    struct stat sb;
    int sock = stat(it->target, &sb) == 0 && S_ISSOCK(sb.st_mode);
    int fd = sock ? connect_socket(it->target)
                  : iaf_get_sysio()->open_fn(it->target, O_WRONLY | O_NOCTTY | O_CLOEXEC, 0);
    if (fd < 0)
        return iaf_error_set(err, IAF_ERR_IO, it->name, 0, 0, "cannot open: %s", strerror(errno));
    iaf_status st = write_all(fd, it->data, it->n, it->name, err);
    if (iaf_get_sysio()->close_fn(fd) != 0 && st == IAF_OK && errno != EINTR)
        st = iaf_error_set(err, IAF_ERR_IO, it->name, 0, 0, "write failed: %s", strerror(errno));
    return st;
}

/* The length of target's directory part ("" and "/" count as such). */
static size_t dir_len(const char *target)
{
    const char *slash = strrchr(target, '/');
    return slash ? (slash == target ? 1 : (size_t)(slash - target)) : 0;
}

/* Whether targets a and b lie in the same directory, by name. */
static int same_dir(const char *a, const char *b)
{
    size_t n = dir_len(a);
    return n == dir_len(b) && memcmp(a, b, n) == 0;
}

/* Best effort, and without allocating: the set is already in place. */
static void sync_dir_of(const char *target)
{
    const char *slash = strrchr(target, '/');
    char dir[4096] = ".";
    if (slash) {
        size_t n = slash == target ? 1 : (size_t)(slash - target);
        if (n >= sizeof dir) return;
        memcpy(dir, target, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd); /* durability of the rename; a failure here changes nothing */
        close(fd);
    }
}

iaf_status cli_outset_commit(cli_outset *s, iaf_error *err)
{
    iaf_status st = IAF_OK;
    /* the temporaries still open: durable before anything is written or renamed */
    for (size_t i = 0; i < s->n; i++) {
        out_item *it = &s->items[i];
        if (!it->tfd) continue;
        int fd = it->tfd - 1;
        it->tfd = 0;
        s->nopen--;
        iaf_status fs = finish_temp(it, fd, st, err);
        if (st == IAF_OK) st = fs;
    }
    /* standard output and devices first: a failure there leaves the files */
    for (size_t i = 0; i < s->n && st == IAF_OK; i++) {
        out_item *it = &s->items[i];
        if (it->kind == K_STDOUT && it->fd == 1)
            st = cli_stdout_write(it->data, it->n, err);
        else if (it->kind == K_STDOUT)
            st = write_all(it->fd, it->data, it->n, it->name, err);
        else if (it->kind == K_DIRECT)
            st = write_direct(it, err);
    }
    if (st != IAF_OK) return st;
    commit_begin();
    size_t i = 0;
    for (; i < s->n; i++) {
        out_item *it = &s->items[i];
        if (it->kind != K_ATOMIC) continue;
        if (it->existed) {
            /* swap, so that the old file stays at the temporary's name
             * until every file of the set is in place */
            if (iaf_get_sysio()->rename2_fn(it->tmp, it->target, RENAME_EXCHANGE) == 0) {
                it->done = C_EXCHANGED;
                continue;
            }
            if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) break;
            if (iaf_get_sysio()->rename_fn(it->tmp, it->target) != 0) break;
            it->done = C_REPLACED; /* cannot be undone */
        } else {
            if (iaf_get_sysio()->rename2_fn(it->tmp, it->target, RENAME_NOREPLACE) == 0 ||
                ((errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) &&
                 iaf_get_sysio()->rename_fn(it->tmp, it->target) == 0)) {
                it->done = C_CREATED;
                continue;
            }
            break;
        }
    }
    if (i < s->n) {
        int e = errno;
        out_item *bad = &s->items[i];
        int lost = 0;
        for (size_t j = 0; j < i; j++) {
            out_item *it = &s->items[j];
            if (it->done == C_EXCHANGED)
                lost |= iaf_get_sysio()->rename2_fn(it->tmp, it->target, RENAME_EXCHANGE) != 0;
            else if (it->done == C_CREATED)
                lost |= unlink(it->target) != 0;
            else if (it->done == C_REPLACED)
                lost = 1;
            it->done = C_STAGED;
        }
        st = iaf_error_set(err, IAF_ERR_IO, bad->name, 0, 0, "cannot write: %s%s", strerror(e),
                           lost ? " (some other outputs of this run were already replaced)" : "");
    } else {
        for (size_t j = 0; j < s->n; j++) {
            out_item *it = &s->items[j];
            if (it->kind != K_ATOMIC) continue;
            if (it->done == C_EXCHANGED) unlink(it->tmp); /* now the old file */
            temp_unregister(it->slot);
            iaf_free(it->tmp);
            it->tmp = NULL;
            /* one fsync per directory: several tables usually share one */
            int synced = 0;
            for (size_t k = 0; k < j && !synced; k++)
                synced = s->items[k].kind == K_ATOMIC && same_dir(s->items[k].target, it->target);
            if (!synced) sync_dir_of(it->target);
        }
    }
    commit_end();
    return st;
}

int cli_write_file(const char *path, const char *data, size_t n, iaf_error *err)
{
    cli_outset *s = cli_outset_new();
    if (!s) return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    iaf_status st = cli_outset_add(s, path, data, n, err);
    if (st == IAF_OK) st = cli_outset_commit(s, err);
    cli_outset_free(s);
    return st;
}
