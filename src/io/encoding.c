#include "io/encoding.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

iaf_status iaf_text_encoding_parse(const char *name, iaf_text_encoding *enc, const char *file,
                                   iaf_error *err)
{
    static const char *const utf8[] = {"utf-8", "utf8"};
    static const char *const cp949[] = {"cp949", "euc-kr", "euckr", "uhc", "ms949"};
    *enc = IAF_ENC_UTF8;
    if (!name || !*name) return IAF_OK;
    for (size_t i = 0; i < IAF_ARRAY_LEN(utf8); i++)
        if (strcasecmp(name, utf8[i]) == 0) return IAF_OK;
    for (size_t i = 0; i < IAF_ARRAY_LEN(cp949); i++) {
        if (strcasecmp(name, cp949[i]) == 0) {
            *enc = IAF_ENC_CP949;
            return IAF_OK;
        }
    }
    return iaf_error_set(err, IAF_ERR_INVALID, file, 0, 0,
                         "unknown text encoding '%s' (known: utf-8, cp949, euc-kr)", name);
}

/* Table of the length of a UTF-8 sequence by its lead byte; 0 = invalid
 * lead (continuation bytes, C0/C1 overlong leads, F5..FF). */
static unsigned char utf8_len(unsigned char c)
{
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return 2;
    if (c < 0xF0) return 3;
    if (c < 0xF5) return 4;
    return 0;
}

size_t iaf_utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII runs are the common case in categorical values and keys. */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & UINT64_C(0x8080808080808080)) break;
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        unsigned k = utf8_len(c);
        if (k == 0 || n - i < k) return i;
        unsigned char c1 = s[i + 1];
        if ((c1 & 0xC0) != 0x80) return i;
        /* The second byte's range rules out overlongs, surrogates and
         * code points beyond U+10FFFF. */
        if (k == 3) {
            if (c == 0xE0 && c1 < 0xA0) return i;
            if (c == 0xED && c1 >= 0xA0) return i;
            if ((s[i + 2] & 0xC0) != 0x80) return i;
        } else if (k == 4) {
            if (c == 0xF0 && c1 < 0x90) return i;
            if (c == 0xF4 && c1 >= 0x90) return i;
            if ((s[i + 2] & 0xC0) != 0x80 || (s[i + 3] & 0xC0) != 0x80) return i;
        }
        i += k;
    }
    return n;
}

static void locate(const unsigned char *in, size_t off, long long *line, long long *col)
{
    long long l = 1;
    size_t start = 0;
    for (size_t i = 0; i < off; i++) {
        if (in[i] == '\n') {
            l++;
            start = i + 1;
        }
    }
    *line = l;
    *col = (long long)(off - start) + 1;
}

static iaf_status bad_input(const unsigned char *in, size_t off, const char *file, const char *what,
                            iaf_error *err)
{
    long long line, col;
    locate(in, off, &line, &col);
    iaf_status st =
        iaf_error_set(err, IAF_ERR_PARSE, file, line, col, "%s at byte offset %zu", what, off);
    if (err) err->offset = (long long)off;
    return st;
}

iaf_status iaf_to_utf8(const char *encoding, const unsigned char *in, size_t n, unsigned char **out,
                       size_t *outlen, const char *file, iaf_error *err)
{
    *out = NULL;
    *outlen = 0;
    iaf_text_encoding enc;
    iaf_status st = iaf_text_encoding_parse(encoding, &enc, file, err);
    if (st != IAF_OK) return st;

    if (enc == IAF_ENC_UTF8) {
        size_t ok = iaf_utf8_valid_prefix(in, n);
        if (ok != n) return bad_input(in, ok, file, "invalid UTF-8", err);
        if (n > IAF_ALLOC_CAP)
            return iaf_error_set(err, IAF_ERR_LIMIT, file, 0, 0, "input too large");
        unsigned char *b = iaf_malloc(n + 1);
        if (!b) return iaf_error_set(err, IAF_ERR_NOMEM, file, 0, 0, "out of memory");
        if (n) memcpy(b, in, n);
        b[n] = 0;
        *out = b;
        *outlen = n;
        return IAF_OK;
    }

    /* CP949 maps one byte to one byte and two bytes to at most three, so
     * 1.5x is enough; growing on E2BIG covers anything unexpected. */
    if (n > IAF_ALLOC_CAP / 2)
        return iaf_error_set(err, IAF_ERR_LIMIT, file, 0, 0, "input too large");
    iconv_t cd = iconv_open("UTF-8", "CP949");
    if (cd == (iconv_t)-1)
        return iaf_error_set(err, IAF_ERR_UNSUPPORTED, file, 0, 0,
                             "iconv cannot convert CP949 to UTF-8 on this system");
    size_t cap = n + n / 2 + 16;
    unsigned char *buf = iaf_malloc(cap);
    if (!buf) {
        iconv_close(cd);
        return iaf_error_set(err, IAF_ERR_NOMEM, file, 0, 0, "out of memory");
    }
    char *ip = (char *)(uintptr_t)in;
    size_t ileft = n;
    size_t used = 0;
    st = IAF_OK;
    while (ileft > 0) {
        char *op = (char *)buf + used;
        size_t oleft = cap - used - 1; /* keep room for the NUL */
        size_t r = iconv(cd, &ip, &ileft, &op, &oleft);
        used = (size_t)(op - (char *)buf);
        if (r != (size_t)-1) break;
        size_t off = (size_t)((const unsigned char *)ip - in);
        if (errno == E2BIG) {
            size_t ncap = cap * 2;
            unsigned char *nb = ncap > IAF_ALLOC_CAP ? NULL : iaf_realloc(buf, ncap);
            if (!nb) {
                st = iaf_error_set(err, IAF_ERR_NOMEM, file, 0, 0, "out of memory");
                break;
            }
            buf = nb;
            cap = ncap;
        } else if (errno == EINVAL) {
            st = bad_input(in, off, file, "truncated CP949 sequence at end of input", err);
            break;
        } else {
            st = bad_input(in, off, file, "invalid CP949 byte sequence", err);
            break;
        }
    }
    iconv_close(cd);
    if (st != IAF_OK) {
        iaf_free(buf);
        return st;
    }
    /* CP949 has no code for NUL other than the byte itself; the readers
     * reject NUL later with a position. The output of iconv is valid UTF-8. */
    buf[used] = 0;
    *out = buf;
    *outlen = used;
    return IAF_OK;
}

struct iaf_scratch_chunk {
    iaf_scratch_chunk *next;
    size_t size;
    char data[];
};

char *iaf_scratch_alloc(iaf_scratch *s, size_t n)
{
    if (s->head && s->head->size - s->used >= n) {
        char *p = s->head->data + s->used;
        s->used += n;
        return p;
    }
    size_t sz = s->head ? s->head->size * 2 : 64 * 1024;
    if (sz > ((size_t)16 << 20)) sz = (size_t)16 << 20;
    if (sz < n) sz = n;
    if (sz > SIZE_MAX - sizeof(iaf_scratch_chunk)) return NULL;
    iaf_scratch_chunk *c = iaf_malloc(sizeof *c + sz);
    if (!c) return NULL;
    c->size = sz;
    c->next = s->head;
    s->head = c;
    s->used = n;
    return c->data;
}

void iaf_scratch_reset(iaf_scratch *s)
{
    iaf_scratch_chunk *keep = NULL;
    iaf_scratch_chunk *c = s->head;
    while (c) {
        iaf_scratch_chunk *next = c->next;
        if (!keep || c->size > keep->size) {
            iaf_free(keep);
            keep = c;
        } else {
            iaf_free(c);
        }
        c = next;
    }
    if (keep) keep->next = NULL;
    s->head = keep;
    s->used = 0;
}

void iaf_scratch_free(iaf_scratch *s)
{
    iaf_scratch_chunk *c = s->head;
    while (c) {
        iaf_scratch_chunk *next = c->next;
        iaf_free(c);
        c = next;
    }
    s->head = NULL;
    s->used = 0;
}

enum { STATS_NONE = 0, STATS_BUSY = 1, STATS_READY = 2 };

typedef struct text_part {
    atomic_int stats_state;
    iaf_text_stats stats;
    atomic_int prefix_state;
    iaf_text_stats prefix; /* combined counts of the ranges before this part */
    atomic_int outcome;
    iaf_error error;       /* valid when outcome == 2; written under mu */
    atomic_int hand_state; /* STATS_*: the start of this part, left by the part before */
    uint64_t hand_pos;
    long long hand_line, hand_row;
} text_part;

struct iaf_text_parts {
    size_t n;
    pthread_mutex_t mu;
    text_part *p;
};

iaf_text_parts *iaf_text_parts_create(size_t nparts)
{
    iaf_text_parts *tp = iaf_calloc(1, sizeof *tp);
    if (!tp) return NULL;
    tp->p = iaf_calloc(nparts, sizeof *tp->p);
    if (!tp->p) {
        iaf_free(tp);
        return NULL;
    }
    tp->n = nparts;
    for (size_t i = 0; i < nparts; i++) {
        atomic_init(&tp->p[i].stats_state, STATS_NONE);
        atomic_init(&tp->p[i].prefix_state, STATS_NONE);
        atomic_init(&tp->p[i].outcome, 0);
        atomic_init(&tp->p[i].hand_state, STATS_NONE);
    }
    pthread_mutex_init(&tp->mu, NULL);
    return tp;
}

void iaf_text_parts_free(iaf_text_parts *tp)
{
    if (!tp) return;
    pthread_mutex_destroy(&tp->mu);
    iaf_free(tp->p);
    iaf_free(tp);
}

void iaf_text_parts_hand_over(iaf_text_parts *tp, size_t part, uint64_t pos, long long line,
                              long long row)
{
    if (part >= tp->n) return;
    text_part *p = &tp->p[part];
    int expect = STATS_NONE;
    if (!atomic_compare_exchange_strong(&p->hand_state, &expect, STATS_BUSY)) return;
    p->hand_pos = pos;
    p->hand_line = line;
    p->hand_row = row;
    atomic_store_explicit(&p->hand_state, STATS_READY, memory_order_release);
}

int iaf_text_parts_handed(iaf_text_parts *tp, size_t part, uint64_t *pos, long long *line,
                          long long *row)
{
    if (part >= tp->n) return 0;
    text_part *p = &tp->p[part];
    if (atomic_load_explicit(&p->hand_state, memory_order_acquire) != STATS_READY) return 0;
    *pos = p->hand_pos;
    *line = p->hand_line;
    *row = p->hand_row;
    return 1;
}

void iaf_text_parts_stats(iaf_text_parts *tp, size_t j, iaf_text_stats_fn fn, void *ctx,
                          iaf_text_stats *out)
{
    text_part *tpj = &tp->p[j];
    if (atomic_load_explicit(&tpj->stats_state, memory_order_acquire) == STATS_READY) {
        *out = tpj->stats;
        return;
    }
    int expect = STATS_NONE;
    if (atomic_compare_exchange_strong(&tpj->stats_state, &expect, STATS_BUSY)) {
        fn(ctx, j, &tpj->stats);
        *out = tpj->stats;
        atomic_store_explicit(&tpj->stats_state, STATS_READY, memory_order_release);
        return;
    }
    if (expect == STATS_READY) {
        atomic_thread_fence(memory_order_acquire);
        *out = tpj->stats;
        return;
    }
    /* Someone else is counting this range: counting it again is cheaper
     * than a wait that could deadlock a pool with fewer workers than parts. */
    fn(ctx, j, out);
}

static void combine(iaf_text_stats *acc, const iaf_text_stats *r)
{
    acc->failed |= r->failed;
    acc->nl += r->nl;
    acc->rows_even += acc->flip ? r->rows_odd : r->rows_even;
    acc->flip ^= r->flip;
}

void iaf_text_parts_prefix(iaf_text_parts *tp, size_t k, iaf_text_stats_fn fn, void *ctx,
                           iaf_text_stats *out)
{
    iaf_text_stats acc = {0, 0, 0, 0, 0};
    size_t j = k;
    /* the nearest part before k whose prefix is known */
    while (j > 0 &&
           atomic_load_explicit(&tp->p[j].prefix_state, memory_order_acquire) != STATS_READY)
        j--;
    if (j > 0) acc = tp->p[j].prefix;
    for (; j < k; j++) {
        iaf_text_stats r;
        iaf_text_parts_stats(tp, j, fn, ctx, &r);
        combine(&acc, &r);
        int expect = STATS_NONE;
        if (atomic_compare_exchange_strong(&tp->p[j + 1].prefix_state, &expect, STATS_BUSY)) {
            tp->p[j + 1].prefix = acc;
            atomic_store_explicit(&tp->p[j + 1].prefix_state, STATS_READY, memory_order_release);
        }
    }
    *out = acc;
}

int iaf_text_parts_outcome(iaf_text_parts *tp, size_t part, iaf_error *err)
{
    int o = atomic_load_explicit(&tp->p[part].outcome, memory_order_acquire);
    if (o == 2 && err) {
        pthread_mutex_lock(&tp->mu);
        *err = tp->p[part].error;
        pthread_mutex_unlock(&tp->mu);
    }
    return o;
}

void iaf_text_parts_set_clean(iaf_text_parts *tp, size_t part)
{
    int expect = 0;
    atomic_compare_exchange_strong(&tp->p[part].outcome, &expect, 1);
}

void iaf_text_parts_set_failed(iaf_text_parts *tp, size_t part, const iaf_error *err)
{
    pthread_mutex_lock(&tp->mu);
    if (atomic_load(&tp->p[part].outcome) != 2) {
        if (err)
            tp->p[part].error = *err;
        else
            memset(&tp->p[part].error, 0, sizeof tp->p[part].error);
        atomic_store_explicit(&tp->p[part].outcome, 2, memory_order_release);
    }
    pthread_mutex_unlock(&tp->mu);
}

size_t iaf_text_part_bytes(void)
{
    const char *s = getenv("IAF_TEXT_PART_BYTES");
    if (s && *s) {
        char *endp;
        unsigned long long v = strtoull(s, &endp, 10);
        if (*endp == '\0' && v >= 1) return (size_t)v;
    }
    return (size_t)32 << 20;
}

size_t iaf_text_window_bytes(void)
{
    const char *s = getenv("IAF_TEXT_WINDOW_BYTES");
    if (s && *s) {
        char *endp;
        unsigned long long v = strtoull(s, &endp, 10);
        if (*endp == '\0' && v >= 1) return (size_t)v;
    }
    return (size_t)1 << 20;
}

/* The read-ahead: two buffers of room + step bytes; the window lives in one (its bytes kept from
 * the window before copied into the room in front), the thread fills the other. */
enum { AHEAD_IDLE, AHEAD_ASKED, AHEAD_DONE };

struct iaf_text_ahead {
    const iaf_text_in *in;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int state, stop, ok;
    size_t room, step;
    unsigned char *buf[2];
    int cur;          /* the buffer the window is in, or -1 (then the window is in w->buf) */
    uint64_t ask_off; /* the read asked of the thread: ask_len bytes at ask_off into buf[!cur] */
    size_t ask_len;
};

static void *ahead_main(void *arg)
{
    iaf_text_ahead *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (a->state != AHEAD_ASKED && !a->stop)
            pthread_cond_wait(&a->cv, &a->mu);
        if (a->stop) break;
        unsigned char *dst = a->buf[a->cur == 0 ? 1 : 0] + a->room;
        uint64_t off = a->ask_off;
        size_t n = a->ask_len;
        pthread_mutex_unlock(&a->mu);
        int ok = iaf_file_pread(a->in->f, dst, n, off, NULL) == IAF_OK;
        pthread_mutex_lock(&a->mu);
        a->ok = ok;
        a->state = AHEAD_DONE;
        pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* Wait for the read in flight, if any, and leave the thread idle: 1 when a read was asked and
 * succeeded. The state is read and reset under the lock, as the thread reads it. */
static int ahead_wait(iaf_text_ahead *a)
{
    pthread_mutex_lock(&a->mu);
    while (a->state == AHEAD_ASKED)
        pthread_cond_wait(&a->cv, &a->mu);
    int done = a->state == AHEAD_DONE && a->ok;
    a->state = AHEAD_IDLE;
    pthread_mutex_unlock(&a->mu);
    return done;
}

/* Ask for the window after w (into the buffer the window is not in). */
static void ahead_ask(iaf_text_ahead *a, const iaf_text_win *w)
{
    uint64_t off = w->off + w->len;
    if (w->eof || off >= a->in->size) return;
    pthread_mutex_lock(&a->mu);
    a->ask_off = off;
    a->ask_len = (size_t)IAF_MIN((uint64_t)a->step, a->in->size - off);
    a->state = AHEAD_ASKED;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

void iaf_text_win_read_ahead(const iaf_text_in *in, iaf_text_win *w)
{
    if (in->mem || w->ahead) return;
    iaf_text_ahead *a = iaf_calloc(1, sizeof *a);
    if (!a) return;
    a->in = in;
    /* a few windows per read: fewer hand-overs between the two threads */
    size_t wb = iaf_text_window_bytes();
    a->step = wb <= SIZE_MAX / 16 ? 4 * wb : wb;
    a->room = a->step;
    a->cur = -1;
    a->state = AHEAD_IDLE;
    if (a->step > (SIZE_MAX - 64) / 2 || !(a->buf[0] = iaf_malloc(a->room + a->step)) ||
        !(a->buf[1] = iaf_malloc(a->room + a->step))) {
        iaf_free(a->buf[0]);
        iaf_free(a);
        return;
    }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    if (pthread_create(&a->thread, NULL, ahead_main, a) != 0) {
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
        iaf_free(a->buf[0]);
        iaf_free(a->buf[1]);
        iaf_free(a);
        return;
    }
    w->ahead = a;
    if (w->len) ahead_ask(a, w);
}

static void ahead_free(iaf_text_ahead *a)
{
    pthread_mutex_lock(&a->mu);
    a->stop = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    iaf_free(a->buf[0]);
    iaf_free(a->buf[1]);
    iaf_free(a);
}

/* The window at from from the read ahead, when it asked for the bytes right after those kept;
 * 0 when the window must be read in place. */
static int ahead_take(iaf_text_ahead *a, iaf_text_win *w, uint64_t from, size_t want)
{
    if (!ahead_wait(a)) return 0;
    size_t keep = 0;
    if (w->len && from >= w->off && from < w->off + w->len) keep = (size_t)(w->off + w->len - from);
    if (from + keep != a->ask_off || keep > a->room || want > keep + a->ask_len) return 0;
    int next = a->cur == 0 ? 1 : 0;
    unsigned char *dst = a->buf[next] + a->room - keep;
    if (keep) memcpy(dst, w->p + (from - w->off), keep);
    a->cur = next;
    w->p = dst;
    w->len = keep + a->ask_len;
    w->off = from;
    w->eof = from + w->len == a->in->size;
    return 1;
}

static iaf_status win_read(const iaf_text_in *in, iaf_text_win *w, uint64_t from, size_t want,
                           iaf_error *err)
{
    uint64_t avail = in->size - from;
    size_t keep = 0;
    if (w->len && from >= w->off && from < w->off + w->len) {
        keep = (size_t)(w->off + w->len - from);
        if (keep > want) want = keep;
    }
    if (want > w->cap || !w->buf) {
        size_t ncap = IAF_MAX(want, w->cap * 2);
        if (ncap > avail) ncap = (size_t)avail;
        if (ncap < want || ncap == 0) ncap = IAF_MAX(want, 1);
        if (ncap > IAF_ALLOC_CAP)
            return iaf_error_set(err, IAF_ERR_LIMIT, iaf_file_name(in->f), 0, 0,
                                 "a row longer than %zu bytes", (size_t)IAF_ALLOC_CAP);
        if (keep && w->p != w->buf) {
            /* the kept bytes are in a read-ahead buffer: a fresh buffer, then copy */
            unsigned char *nb = iaf_malloc(ncap);
            if (!nb)
                return iaf_error_set(err, IAF_ERR_NOMEM, iaf_file_name(in->f), 0, 0,
                                     "out of memory");
            iaf_free(w->buf);
            w->buf = nb;
        } else {
            unsigned char *nb = iaf_realloc(w->buf, ncap);
            if (!nb)
                return iaf_error_set(err, IAF_ERR_NOMEM, iaf_file_name(in->f), 0, 0,
                                     "out of memory");
            if (keep) w->p = nb + (w->p - w->buf);
            w->buf = nb;
        }
        w->cap = ncap;
    }
    if (keep) memmove(w->buf, w->p + (from - w->off), keep);
    w->p = w->buf;
    w->len = keep;
    w->off = from;
    w->eof = 0;
    if (want > keep) {
        iaf_status st = iaf_file_pread(in->f, w->buf + keep, want - keep, from + keep, err);
        if (st != IAF_OK) return st;
    }
    w->len = want;
    w->eof = from + want == in->size;
    return IAF_OK;
}

iaf_status iaf_text_win_load(const iaf_text_in *in, iaf_text_win *w, uint64_t from, size_t need,
                             iaf_error *err)
{
    if (from > in->size) from = in->size;
    if (in->mem) {
        w->p = in->mem + from;
        w->len = (size_t)(in->size - from);
        w->off = from;
        w->eof = 1;
        return IAF_OK;
    }
    uint64_t avail = in->size - from;
    size_t want = IAF_MAX(need, iaf_text_window_bytes());
    if (want > avail) want = (size_t)avail;
    iaf_text_ahead *a = w->ahead;
    if (a && ahead_take(a, w, from, want)) {
        ahead_ask(a, w);
        return IAF_OK;
    }
    iaf_status st = win_read(in, w, from, want, err);
    if (a) {
        a->cur = -1;
        if (st == IAF_OK) ahead_ask(a, w);
    }
    return st;
}

void iaf_text_win_free(iaf_text_win *w)
{
    if (w->ahead) ahead_free(w->ahead);
    iaf_free(w->buf);
    memset(w, 0, sizeof *w);
}

const char *iaf_wide_encoding(const unsigned char *p, size_t n)
{
    if (n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) return "UTF-32BE";
    if (n >= 4 && p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) return "UTF-32LE";
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) return "UTF-16LE";
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) return "UTF-16BE";
    if (n < 4) return NULL;
    if (p[0] && !p[1] && !p[2] && !p[3]) return "UTF-32LE";
    if (!p[0] && !p[1] && !p[2] && p[3]) return "UTF-32BE";
    if (p[0] && !p[1] && p[2] && !p[3]) return "UTF-16LE";
    if (!p[0] && p[1] && !p[2] && p[3]) return "UTF-16BE";
    return NULL;
}
