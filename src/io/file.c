#include "io/file.h"
#include "util/sysio.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

iaf_status iaf_file_open(const char *path, iaf_file **out, iaf_error *err)
{
    *out = NULL;
    int fd = iaf_sys.open_fn(path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0)
        return iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        iaf_sys.close_fn(fd);
        return iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "not a regular file%s%s",
                             S_ISDIR(st.st_mode) ? " (a directory)" : "", e ? "" : "");
    }
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

iaf_status iaf_file_read_all(const char *path, size_t cap, const char *what, iaf_buf *out,
                             iaf_error *err)
{
    int fd = iaf_sys.open_fn(path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0)
        return iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    iaf_status st = IAF_OK;
    size_t start = out->len;
    for (;;) {
        if (iaf_buf_reserve(out, 65536) != 0) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        ssize_t k = iaf_sys.read_fn(fd, out->data + out->len, 65536);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            st = iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "read failed: %s", strerror(errno));
            break;
        }
        if (k == 0) break;
        out->len += (size_t)k;
        out->data[out->len] = '\0';
        if (out->len - start > cap) {
            st = iaf_error_set(err, IAF_ERR_LIMIT, path, 0, 0, "%s larger than %zu MiB", what,
                               cap >> 20);
            break;
        }
    }
    iaf_sys.close_fn(fd);
    return st;
}
