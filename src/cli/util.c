/* src/cli/util.c - helpers shared by the subcommands. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "iaf/alloc.h"

int cli_fail(const iaf_error *err)
{
    char buf[2048];
    iaf_error_format(err, buf, sizeof buf);
    /* messages quote labels and cells: no control byte reaches the terminal */
    fputs("iaf: ", stderr);
    cli_puts_escaped(stderr, buf);
    fputs("\n", stderr);
    /* an option's value that does not parse ("--where:1:6: ...", a bad
     * --exclude-regex) is about the command line, not the data: a usage
     * error wherever it is found */
    if (err && !strncmp(err->file, "--", 2) && err->status == IAF_ERR_PARSE) return EXIT_USAGE;
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
    char buf[2048];
    fprintf(stderr, "iaf %s: ", cmd);
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cli_puts_escaped(stderr, buf); /* option values are quoted back */
    fprintf(stderr, "\n(see `iaf %s --help`)\n", cmd);
    return EXIT_USAGE;
}

char *cli_strndup(const char *s, size_t n)
{
    char *d = iaf_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

int cli_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2) return -1;
        nc *= 2;
    }
    if (nc > SIZE_MAX / elem) return -1;
    void *q = iaf_realloc(*arr, nc * elem);
    if (!q) return -1;
    *arr = q;
    *cap = nc;
    return 0;
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
        if (CLI_GROW(v, cap, n + 2) != 0) goto oom;
        if (!(v[n] = cli_strndup(start, len))) goto oom;
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

iaf_status cli_mkdir_p(const char *dir, iaf_error *err)
{
    char p[4096]; /* no allocation: nothing here can run out of memory */
    size_t n = strlen(dir);
    if (!n || n >= sizeof p)
        return iaf_error_set(err, IAF_ERR_IO, NULL, 0, 0, "cannot create directory '%.64s': %s",
                             dir, strerror(n ? ENAMETOOLONG : ENOENT));
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (i < n && p[i] != '/') continue;
        char keep = p[i];
        p[i] = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            return iaf_error_set(err, IAF_ERR_IO, p, 0, 0, "cannot create directory: %s",
                                 strerror(errno));
        p[i] = keep;
    }
    return IAF_OK;
}

int cli_append(char **s, const char *t)
{
    size_t n = *s ? strlen(*s) : 0, k = strlen(t);
    char *r = iaf_realloc(*s, n + k + 1);
    if (!r) return -1;
    memcpy(r + n, t, k + 1);
    *s = r;
    return 0;
}

char *cli_path_join(const char *dir, const char *name)
{
    char *p = NULL;
    if (cli_append(&p, dir) != 0 || cli_append(&p, "/") != 0 || cli_append(&p, name) != 0) {
        iaf_free(p);
        return NULL;
    }
    return p;
}

char *cli_command_line(const char *name, int argc, char **argv)
{
    char *s = NULL;
    if (cli_append(&s, "iaf ") != 0 || cli_append(&s, name) != 0) goto oom;
    for (int i = 1; i < argc; i++)
        if (cli_append(&s, " ") != 0 || cli_append(&s, argv[i]) != 0) goto oom;
    return s;
oom:
    iaf_free(s);
    return NULL;
}
