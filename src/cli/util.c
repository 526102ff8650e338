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
    char *p = iaf_strdup(dir);
    if (!p) return -1;
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                iaf_free(p);
                return -1;
            }
            *s = '/';
        }
    int rc = mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
    iaf_free(p);
    return rc;
}
