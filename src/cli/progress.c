/* src/cli/progress.c - see progress.h. */
#include "progress.h"
#include "iaf/alloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct cli_progress {
    iaf_scan_consumer cons;
    pthread_mutex_t lock;
    struct timespec start;
    double delay, last;
    int drawn;
};

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void with_commas(char *buf, size_t n, uint64_t v)
{
    char d[32];
    int len = snprintf(d, sizeof d, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = d[i];
    }
    buf[o] = '\0';
}

static void bytes_text(char *buf, size_t n, double b)
{
    static const char *const unit[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    int u = 0;
    while (b >= 1000 && u < 5) {
        b /= 1000;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%.0f B", b);
    else
        snprintf(buf, n, "%.*f %s", b < 10 ? 2 : b < 100 ? 1 : 0, b, unit[u]);
}

void cli_progress_format(char *buf, size_t n, uint64_t bytes, uint64_t total, uint64_t rows,
                         double seconds)
{
    char r[40], b[24], t[24], rate[24];
    with_commas(r, sizeof r, rows);
    bytes_text(b, sizeof b, (double)bytes);
    double bps = seconds > 0 ? (double)bytes / seconds : 0;
    bytes_text(rate, sizeof rate, bps);
    if (total > 0 && bytes <= total) {
        bytes_text(t, sizeof t, (double)total);
        int pct = (int)((double)bytes * 100.0 / (double)total);
        if (bps > 0) {
            unsigned long eta = (unsigned long)((double)(total - bytes) / bps + 0.5);
            if (eta >= 3600)
                snprintf(buf, n, "iaf: %s rows, %s of %s (%d%%), %s/s, ETA %lu:%02lu:%02lu", r, b,
                         t, pct, rate, eta / 3600, eta / 60 % 60, eta % 60);
            else
                snprintf(buf, n, "iaf: %s rows, %s of %s (%d%%), %s/s, ETA %lu:%02lu", r, b, t, pct,
                         rate, eta / 60, eta % 60);
        } else {
            snprintf(buf, n, "iaf: %s rows, %s of %s (%d%%)", r, b, t, pct);
        }
    } else {
        snprintf(buf, n, "iaf: %s rows, %s, %s/s", r, b, rate);
    }
}

/* Called from any scan worker. */
static void on_progress(void *ctx, uint64_t done, uint64_t total, uint64_t rows)
{
    cli_progress *p = ctx;
    pthread_mutex_lock(&p->lock);
    double s = since(&p->start);
    if (s >= p->delay && (!p->drawn || s - p->last >= 0.25)) {
        char line[200];
        cli_progress_format(line, sizeof line, done, total, rows, s);
        /* \r and "erase to end of line": the line shrinks as well as grows */
        fprintf(stderr, "\r%s\033[K", line);
        fflush(stderr);
        p->drawn = 1;
        p->last = s;
    }
    pthread_mutex_unlock(&p->lock);
}

cli_progress *cli_progress_new(int quiet)
{
    if (quiet || !isatty(STDERR_FILENO)) return NULL;
    cli_progress *p = iaf_calloc(1, sizeof *p);
    if (!p) return NULL; /* progress is optional: the scan runs without it */
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        iaf_free(p);
        return NULL;
    }
    p->delay = 1.0;
    const char *d = getenv("IAF_PROGRESS_DELAY");
    if (d && *d) {
        char *end;
        double v = strtod(d, &end);
        if (!*end && v >= 0) p->delay = v;
    }
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->cons.ctx = p;
    p->cons.progress = on_progress;
    return p;
}

const iaf_scan_consumer *cli_progress_consumer(cli_progress *p)
{
    return p ? &p->cons : NULL;
}

void cli_progress_done(cli_progress *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->drawn = 0;
    }
    /* a later scan in the same run starts its own clock */
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    pthread_mutex_unlock(&p->lock);
}

void cli_progress_free(cli_progress *p)
{
    if (!p) return;
    cli_progress_done(p);
    pthread_mutex_destroy(&p->lock);
    iaf_free(p);
}
