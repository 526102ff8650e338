#include "io/file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/sysio.h"
#include "util/util.h"

struct iaf_file {
    char *name;
    int fd; /* -1 for memory inputs */
    uint64_t size;
    const unsigned char *data; /* memory input, or the mapping once made */
    int mapped;                /* data comes from mmap */
    pthread_once_t once;
    iaf_status map_status;
    int map_errno;
};

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = iaf_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static const char *kind_of(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

/* Open a regular file for reading. O_NONBLOCK keeps open() from waiting for
 * a FIFO's writer; the flag is cleared again (it means nothing for regular
 * files). */
static iaf_status open_regular(const char *path, int *fd_out, struct stat *st, iaf_error *err)
{
    *fd_out = -1;
    struct stat pre;
    if (stat(path, &pre) == 0 && !S_ISREG(pre.st_mode))
        return iaf_error_set(err, IAF_ERR_IO, path, 0, 0,
                             "is %s, not a regular file; iaf reads inputs from regular files",
                             kind_of(pre.st_mode));
    int fd = iaf_sys.open_fn(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
    if (fd < 0)
        return iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(fd, st) != 0) {
        int e = errno;
        iaf_sys.close_fn(fd);
        return iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot open: %s", strerror(e));
    }
    if (!S_ISREG(st->st_mode)) {
        iaf_sys.close_fn(fd);
        return iaf_error_set(err, IAF_ERR_IO, path, 0, 0,
                             "is %s, not a regular file; iaf reads inputs from regular files",
                             kind_of(st->st_mode));
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    *fd_out = fd;
    return IAF_OK;
}

FILE *iaf_file_fopen(const char *path, iaf_error *err)
{
    int fd;
    struct stat st;
    if (open_regular(path, &fd, &st, err) != IAF_OK) return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
        iaf_sys.close_fn(fd);
    }
    return f;
}

iaf_status iaf_file_open(const char *path, iaf_file **out, iaf_error *err)
{
    *out = NULL;
    int fd;
    struct stat st;
    iaf_status rc = open_regular(path, &fd, &st, err);
    if (rc != IAF_OK) return rc;
    iaf_file *f = iaf_calloc(1, sizeof *f);
    if (!f || !(f->name = dup_str(path))) {
        iaf_free(f);
        iaf_sys.close_fn(fd);
        return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    f->fd = fd;
    f->size = (uint64_t)st.st_size;
    f->once = (pthread_once_t)PTHREAD_ONCE_INIT;
    *out = f;
    return IAF_OK;
}

iaf_status iaf_file_open_memory(const void *data, size_t size, const char *name, iaf_file **out,
                                iaf_error *err)
{
    *out = NULL;
    iaf_file *f = iaf_calloc(1, sizeof *f);
    if (!f || !(f->name = dup_str(name ? name : "<memory>"))) {
        iaf_free(f);
        return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    f->fd = -1;
    f->size = size;
    f->data = data ? data : (const unsigned char *)"";
    f->once = (pthread_once_t)PTHREAD_ONCE_INIT;
    *out = f;
    return IAF_OK;
}

void iaf_file_close(iaf_file *f)
{
    if (!f) return;
    if (f->mapped && f->size > 0) munmap((void *)f->data, f->size);
    if (f->fd >= 0) iaf_sys.close_fn(f->fd);
    iaf_free(f->name);
    iaf_free(f);
}

const char *iaf_file_name(const iaf_file *f)
{
    return f->name;
}

uint64_t iaf_file_size(const iaf_file *f)
{
    return f->size;
}

iaf_status iaf_file_pread(iaf_file *f, void *buf, size_t n, uint64_t offset, iaf_error *err)
{
    if (offset > f->size || n > f->size - offset)
        return iaf_error_set_at(err, IAF_ERR_PARSE, f->name, (long long)offset, NULL,
                                "read of %zu bytes runs past the end of the file (%llu bytes)", n,
                                (unsigned long long)f->size);
    if (f->fd < 0) {
        memcpy(buf, f->data + offset, n);
        return IAF_OK;
    }
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t k = iaf_sys.pread_fn(f->fd, p, n, (off_t)offset);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0)
            return iaf_error_set_at(err, IAF_ERR_IO, f->name, (long long)offset, NULL,
                                    "read failed: %s", k < 0 ? strerror(errno) : "unexpected end");
        p += k;
        n -= (size_t)k;
        offset += (uint64_t)k;
    }
    return IAF_OK;
}

static __thread iaf_file *map_target;

static void do_map(void)
{
    iaf_file *f = map_target;
    if (f->size == 0) {
        f->data = (const unsigned char *)"";
        f->map_status = IAF_OK;
        return;
    }
    void *p = iaf_sys.mmap_fn(NULL, f->size, PROT_READ, MAP_PRIVATE, f->fd, 0);
    if (p == MAP_FAILED) {
        f->map_errno = errno;
        f->map_status = IAF_ERR_IO;
        return;
    }
    madvise(p, f->size, MADV_SEQUENTIAL);
    f->data = p;
    f->mapped = 1;
    f->map_status = IAF_OK;
}

iaf_status iaf_file_map(iaf_file *f, const unsigned char **data, iaf_error *err)
{
    *data = NULL;
    if (f->fd < 0) {
        *data = f->data;
        return IAF_OK;
    }
    /* pthread_once takes no argument; the target travels in a thread-local. */
    map_target = f;
    pthread_once(&f->once, do_map);
    if (f->map_status != IAF_OK)
        return iaf_error_set(err, IAF_ERR_IO, f->name, 0, 0, "cannot map file: %s",
                             strerror(f->map_errno));
    *data = f->data;
    return IAF_OK;
}

/* "8 MiB", "512 KiB" or "1000 bytes" */
static void cap_text(size_t cap, char *buf, size_t n)
{
    if (cap >= (1u << 20) && cap % (1u << 20) == 0)
        snprintf(buf, n, "%zu MiB", cap >> 20);
    else if (cap >= 1024 && cap % 1024 == 0)
        snprintf(buf, n, "%zu KiB", cap >> 10);
    else
        snprintf(buf, n, "%zu bytes", cap);
}

static iaf_status too_large(const char *name, size_t cap, const char *what, iaf_error *err)
{
    char t[64];
    cap_text(cap, t, sizeof t);
    return iaf_error_set(err, IAF_ERR_LIMIT, name, 0, 0, "larger than the limit of %s for %s", t,
                         what);
}

iaf_status iaf_fd_read_all(int fd, const char *name, size_t cap, const char *what, iaf_buf *out,
                           iaf_error *err)
{
    size_t start = out->len;
    for (;;) {
        /* read one byte past the cap so that a file of exactly cap bytes passes */
        size_t room = cap - (out->len - start) + 1;
        if (iaf_buf_reserve(out, IAF_MIN(room, (size_t)65536) + 1) != 0)
            return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
        ssize_t k = iaf_sys.read_fn(fd, out->data + out->len, IAF_MIN(room, (size_t)65536));
        if (k < 0 && errno == EINTR) continue;
        if (k < 0)
            return iaf_error_set(err, IAF_ERR_IO, name, 0, 0, "read failed: %s", strerror(errno));
        if (k == 0) break;
        out->len += (size_t)k;
        out->data[out->len] = '\0';
        if (out->len - start > cap) return too_large(name, cap, what, err);
    }
    return IAF_OK;
}

iaf_status iaf_file_read_all(const char *path, size_t cap, const char *what, iaf_buf *out,
                             iaf_error *err)
{
    int fd;
    struct stat st;
    iaf_status s = open_regular(path, &fd, &st, err);
    if (s != IAF_OK) return s;
    if ((uint64_t)st.st_size > cap)
        s = too_large(path, cap, what, err);
    else
        s = iaf_fd_read_all(fd, path, cap, what, out, err);
    iaf_sys.close_fn(fd);
    return s;
}
