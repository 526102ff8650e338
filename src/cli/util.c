/* src/cli/util.c - helpers shared by the subcommands. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "util/sysio.h"
#include "util/util.h"

int cli_fail(const iaf_error *err)
{
    char buf[2048];
    iaf_error_format(err, buf, sizeof buf);
    fprintf(stderr, "iaf: %s\n", buf);
    return EXIT_DATA;
}

int cli_oom(void)
{
    fprintf(stderr, "iaf: out of memory\n");
    return EXIT_DATA;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "iaf %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see `iaf %s --help`)\n", cmd);
    return EXIT_USAGE;
}

int cli_split(const char *s, char ***out)
{
    *out = NULL;
    size_t n = 0, cap = 0;
    char **v = NULL;
    const char *p = s;
    for (;;) {
        const char *start = p;
        char q = 0;
        while (*p && (q || *p != ',')) {
            if (!q && (*p == '`' || *p == '"'))
                q = *p;
            else if (q && *p == q)
                q = 0;
            p++;
        }
        size_t len = (size_t)(p - start);
        /* strip one pair of surrounding backquotes/quotes */
        if (len >= 2 && (start[0] == '`' || start[0] == '"') && start[len - 1] == start[0]) {
            start++;
            len -= 2;
        }
        if (IAF_GROW(v, cap, n + 2) != 0) goto oom;
        if (!(v[n] = iaf_strndup(start, len))) goto oom;
        n++;
        if (!*p) break;
        p++;
    }
    v[n] = NULL;
    *out = v;
    return (int)n;
oom:
    if (v) {
        v[n] = NULL;
        cli_free_list(v);
    }
    return -1;
}

void cli_free_list(char **list)
{
    if (!list) return;
    for (char **p = list; *p; p++)
        iaf_free(*p);
    iaf_free(list);
}

int cli_write_file(const char *path, const char *data, size_t n, iaf_error *err)
{
    if (!strcmp(path, "-")) {
        if (fwrite(data, 1, n, stdout) != n || fflush(stdout) != 0)
            return iaf_error_set(err, IAF_ERR_IO, "<stdout>", 0, 0, "write failed");
        return 0;
    }
    iaf_buf tmp = {0};
    if (iaf_buf_printf(&tmp, "%s.tmp.XXXXXX", path) != 0)
        return iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    int fd = iaf_sys.mkstemp_fn(tmp.data);
    if (fd < 0) {
        iaf_status st =
            iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot create: %s", strerror(errno));
        iaf_buf_free(&tmp);
        return st;
    }
    size_t off = 0;
    int e = 0; /* the first failure's errno */
    while (off < n) {
        ssize_t k = iaf_sys.write_fn(fd, data + off, n - off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            e = k < 0 ? errno : EIO;
            break;
        }
        off += (size_t)k;
    }
    if (!e && iaf_sys.fsync_fn(fd) != 0) e = errno;
    if (iaf_sys.close_fn(fd) != 0 && !e) e = errno;
    if (!e && iaf_sys.rename_fn(tmp.data, path) != 0) e = errno;
    if (e) {
        unlink(tmp.data);
        iaf_buf_free(&tmp);
        return iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    chmod(path, 0644);
    iaf_buf_free(&tmp);
    return 0;
}

/* One output of cli_write_files: its temporary file and, when the path
 * existed, a hard link to the old content for a rollback. */
typedef struct staged {
    iaf_buf tmp, old;
    int has_tmp, has_old, renamed;
} staged;

int cli_write_files(size_t n, const char *const *paths, const iaf_buf *const *data, iaf_error *err)
{
    staged *s = iaf_calloc(n, sizeof *s);
    if (!s) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    iaf_status st = IAF_OK;
    size_t i;
    /* 1. every content into a temporary file beside its output, synced */
    for (i = 0; i < n && st == IAF_OK; i++) {
        const char *path = paths[i];
        if (iaf_buf_printf(&s[i].tmp, "%s.tmp.XXXXXX", path) != 0 ||
            iaf_buf_printf(&s[i].old, "%s.old.XXXXXX", path) != 0) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        int fd = iaf_sys.mkstemp_fn(s[i].tmp.data);
        if (fd < 0) {
            st = iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot create: %s", strerror(errno));
            break;
        }
        s[i].has_tmp = 1;
        const char *p = data[i]->data ? data[i]->data : "";
        size_t len = data[i]->len, off = 0;
        int e = 0;
        while (off < len) {
            ssize_t k = iaf_sys.write_fn(fd, p + off, len - off);
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) {
                e = k < 0 ? errno : EIO;
                break;
            }
            off += (size_t)k;
        }
        if (!e && iaf_sys.fsync_fn(fd) != 0) e = errno;
        if (iaf_sys.close_fn(fd) != 0 && !e) e = errno;
        if (!e) fchmodat(AT_FDCWD, s[i].tmp.data, 0644, 0);
        if (e) st = iaf_error_set(err, IAF_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    /* 2. keep the old contents reachable, then rename every file into place */
    for (i = 0; i < n && st == IAF_OK; i++) {
        /* a unique name for the link: mkstemp reserves it, link needs it free */
        int fd = mkstemp(s[i].old.data);
        if (fd >= 0) {
            close(fd);
            unlink(s[i].old.data);
            s[i].has_old = link(paths[i], s[i].old.data) == 0;
        }
    }
    for (i = 0; i < n && st == IAF_OK; i++) {
        if (iaf_sys.rename_fn(s[i].tmp.data, paths[i]) != 0) {
            st =
                iaf_error_set(err, IAF_ERR_IO, paths[i], 0, 0, "cannot write: %s", strerror(errno));
            break;
        }
        s[i].has_tmp = 0;
        s[i].renamed = 1;
    }
    /* 3. on failure put back what was renamed; then drop temporaries and links */
    for (i = 0; i < n; i++) {
        if (st != IAF_OK && s[i].renamed) {
            if (s[i].has_old && rename(s[i].old.data, paths[i]) == 0)
                s[i].has_old = 0;
            else if (!s[i].has_old)
                unlink(paths[i]);
        }
        if (s[i].has_tmp) unlink(s[i].tmp.data);
        if (s[i].has_old) unlink(s[i].old.data);
        iaf_buf_free(&s[i].tmp);
        iaf_buf_free(&s[i].old);
    }
    iaf_free(s);
    return st;
}

int cli_parse_threads(const char *s, int *out)
{
    if (!strcmp(s, "auto")) {
        *out = 0;
        return 0;
    }
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || v > 64) return -1;
    *out = (int)v;
    return 0;
}

int cli_mkdir_p(const char *dir)
{
    char p[4096]; /* no allocation: nothing here can run out of memory */
    size_t n = strlen(dir);
    if (n >= sizeof p) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(p, dir, n + 1);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) return -1;
            *s = '/';
        }
    return mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
}
