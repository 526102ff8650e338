/* src/cli/textout.c - standard output for a person: control bytes from data
 * escaped (iaf/text.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iaf/text.h>

#include "commands.h"

typedef struct tout {
    int fd;
    int closed;
    iaf_text_escaper st;
} tout;

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static ssize_t tout_write(void *cookie, const char *buf, size_t n)
{
    tout *t = cookie;
    iaf_buffer *b = iaf_buffer_new();
    int rc = b && iaf_text_escape(&t->st, buf, n, b) == IAF_OK ? 0 : -1;
    if (rc != 0) errno = ENOMEM;
    if (rc == 0 && iaf_buffer_len(b)) rc = write_all(t->fd, iaf_buffer_data(b), iaf_buffer_len(b));
    iaf_buffer_free(b);
    return rc == 0 ? (ssize_t)n : -1;
}

static int tout_close(void *cookie)
{
    tout *t = cookie;
    iaf_buffer *b = iaf_buffer_new();
    int rc = b && iaf_text_escape_finish(&t->st, b) == IAF_OK ? 0 : -1;
    if (rc != 0) errno = ENOMEM;
    if (rc == 0 && iaf_buffer_len(b)) rc = write_all(t->fd, iaf_buffer_data(b), iaf_buffer_len(b));
    iaf_buffer_free(b);
    t->closed = 1;
    return rc;
}

/* One escaped stdout per process; closed at exit unless the command closed
 * it first (so that a UTF-8 sequence cut at the very end is still written). */
static tout the_tout;
static FILE *the_file;

static void close_at_exit(void)
{
    if (the_file && !the_tout.closed) fclose(the_file);
}

int cli_escape_stdout(void)
{
    if (the_file) return 0;
    if (fflush(stdout) != 0) return -1;
    the_tout.fd = fileno(stdout);
    cookie_io_functions_t fns = {NULL, tout_write, NULL, tout_close};
    FILE *f = fopencookie(&the_tout, "w", fns);
    if (!f) return -1;
    the_file = f;
    atexit(close_at_exit);
    stdout = f;
    return 0;
}

void cli_puts_escaped(FILE *f, const char *s)
{
    iaf_buffer *b = iaf_buffer_new();
    if (b && iaf_text_escape(NULL, s, strlen(s), b) == IAF_OK)
        fputs(iaf_buffer_data(b), f);
    else
        fputs(s, f);
    iaf_buffer_free(b);
}
