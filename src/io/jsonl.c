/* src/io/jsonl.c - the streaming JSON Lines reader (iaf_jsonl_reader).
 *
 * One JSON object per line; blank lines are skipped, CRLF is accepted and a
 * UTF-8 byte-order mark at the start is dropped. A file whose first character
 * is '[' is read as a JSON array of objects instead ("array mode", as the
 * pandas `orient="records"` files and many dataset samples are): the same
 * rows, objects may span lines, still streamed through windows (one part);
 * errors are located at the line and column in the file. The scanner is hand-written
 * and never builds a tree: values of keys that are not projected are only
 * delimited (strings are scanned for their closing quote with a vector loop,
 * escapes are checked, nested containers are matched up to depth 64).
 *
 * How projected values are delivered (all as IAF_COL_STR):
 *   - a string: its decoded text (escapes resolved, \uXXXX and surrogate
 *     pairs to UTF-8); a view into the file when it had no escapes;
 *   - a number: its literal text exactly as written ("42", "1.5e3", "-0");
 *   - true / false: the text "true" / "false";
 *   - null, or a key absent from the object: null (ptr NULL);
 *   - an object or array: its raw JSON text, exactly as written.
 * A key repeated within one object: the last occurrence wins.
 * Column names (ncols/colname) are the keys of the first object, in order;
 * projection accepts any key.
 *
 * Files are read through windows (pread) of about 1 MiB that always hold
 * whole lines; a window moves or grows when the next line does not fit, and
 * the batch built so far is handed over first (its views point into it).
 *
 * Validation: the structure of every line is checked in full (grammar,
 * escapes, no raw control characters in strings, depth). The UTF-8 of
 * projected strings and of the keys that are looked up is checked; strings
 * that are skipped are not decoded, so invalid UTF-8 inside them (and in
 * keys when nothing is projected) goes unnoticed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/encoding.h"
#include "io/reader.h"
#include "util/util.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define JSONL_SSE2 1
#endif

typedef const unsigned char *cup;

#define JSONL_DEFAULT_BATCH 4096
#define JSONL_MAX_DEPTH 64
#define JSONL_KEY_CACHE 256
#define JSONL_MAX_PARTS 65536

/* Where in the text the scanner is; errors are reported from here. */
typedef struct jctx {
    cup ls; /* start of the current line */
    cup le; /* its end: the LF or the end of the text */
    long long line;
    const char *file;
    cup data;     /* start of the text in memory (a window of the input) */
    uint64_t off; /* input offset of data, for byte offsets in errors */
    iaf_scratch *sc;
    iaf_error *err;
    long long lscol; /* column of ls in its line (array mode), 0 = ls starts a line */
} jctx;

static iaf_status
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    jerr(const jctx *c, cup pos, const char *fmt, ...)
{
    if (!c->err) return IAF_ERR_PARSE;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* an object of a JSON array may span lines: count them up to pos */
    long long line = c->line, col = (c->lscol ? c->lscol : 1) + (long long)(pos - c->ls);
    for (cup q = c->ls; q < pos; q++)
        if (*q == '\n') {
            line++;
            col = (long long)(pos - q);
        }
    iaf_error_set(c->err, IAF_ERR_PARSE, c->file, line, col, "%s", msg);
    c->err->offset = (long long)(c->off + (uint64_t)(pos - c->data));
    return IAF_ERR_PARSE;
}

static iaf_status jnomem(const jctx *c)
{
    return iaf_error_set(c->err, IAF_ERR_NOMEM, c->file, c->line, 0, "out of memory");
}

/* JSON whitespace. A line of JSON Lines holds no LF, so skipping LF as well
 * only matters to the objects of a JSON array, which may span lines. */
static inline cup skip_ws(cup p, cup le)
{
    while (p < le && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

#ifdef JSONL_SSE2
static inline __m128i load16(cup p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

static inline __m128i str_hits(__m128i x)
{
    const __m128i vq = _mm_set1_epi8('"'), vb = _mm_set1_epi8('\\'), vc = _mm_set1_epi8(0x1F);
    __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, vc), x); /* x <= 0x1F */
    return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vb)), ctl);
}
#endif

/* First '"', '\\' or control byte in [p, e); e if none. */
static inline cup scan_str(cup p, cup e)
{
#ifdef JSONL_SSE2
    while (e - p >= 64) {
        __m128i a = str_hits(load16(p)), b = str_hits(load16(p + 16));
        __m128i c = str_hits(load16(p + 32)), d = str_hits(load16(p + 48));
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)))) {
            uint64_t m = (uint64_t)(unsigned)_mm_movemask_epi8(a) |
                         ((uint64_t)(unsigned)_mm_movemask_epi8(b) << 16) |
                         ((uint64_t)(unsigned)_mm_movemask_epi8(c) << 32) |
                         ((uint64_t)(unsigned)_mm_movemask_epi8(d) << 48);
            return p + __builtin_ctzll(m);
        }
        p += 64;
    }
    while (e - p >= 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(str_hits(load16(p)));
        if (m) return p + __builtin_ctz(m);
        p += 16;
    }
#endif
    while (p < e && *p != '"' && *p != '\\' && *p >= 0x20)
        p++;
    return p;
}

static inline int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static int hex4(cup p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0) return 0;
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return 1;
}

/* Scan the string whose opening quote is at p. On success [*cs, *ce) is the
 * raw content, *esc tells whether it holds escapes and *next is past the
 * closing quote. */
static iaf_status scan_string(const jctx *c, cup p, cup *cs, cup *ce, int *esc, cup *next)
{
    cup open = p, le = c->le;
    p++;
    *cs = p;
    *esc = 0;
    for (;;) {
        cup q = scan_str(p, le);
        if (q >= le)
            return jerr(c, open,
                        "unterminated string (the quote opened here is never closed on this line)");
        if (*q == '"') {
            *ce = q;
            *next = q + 1;
            return IAF_OK;
        }
        if (*q == '\\') {
            *esc = 1;
            if (q + 1 >= le)
                return jerr(
                    c, open,
                    "unterminated string (the quote opened here is never closed on this line)");
            unsigned char e = q[1];
            if (e == 'u') {
                unsigned v;
                if (le - q < 6 || !hex4(q + 2, &v))
                    return jerr(c, q, "bad \\u escape: four hex digits must follow \\u");
                p = q + 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                       e == 'r' || e == 't') {
                p = q + 2;
            } else {
                return jerr(c, q, "bad escape '\\%c' in string", e >= 0x20 && e < 0x7F ? e : '?');
            }
            continue;
        }
        return jerr(c, q, "raw control character (byte 0x%02x) in string; it must be escaped", *q);
    }
}

static char *put_utf8(char *d, unsigned cp)
{
    if (cp < 0x80) {
        *d++ = (char)cp;
    } else if (cp < 0x800) {
        *d++ = (char)(0xC0 | cp >> 6);
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *d++ = (char)(0xE0 | cp >> 12);
        *d++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *d++ = (char)(0xF0 | cp >> 18);
        *d++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *d++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    }
    return d;
}

/* Decode the escapes of a scanned string (already known well-formed) into
 * scratch memory; surrogates must pair up. */
static iaf_status unescape(const jctx *c, cup s, cup e, iaf_sv *out)
{
    /* \uXXXX (6 bytes) becomes at most 3 bytes; a pair (12) at most 4. */
    char *d0 = iaf_scratch_alloc(c->sc, (size_t)(e - s) + 1);
    if (!d0) return jnomem(c);
    char *d = d0;
    while (s < e) {
        cup q = memchr(s, '\\', (size_t)(e - s));
        if (!q) q = e;
        memcpy(d, s, (size_t)(q - s));
        d += q - s;
        if (q >= e) break;
        unsigned char k = q[1];
        s = q + 2;
        switch (k) {
        case 'b':
            *d++ = '\b';
            break;
        case 'f':
            *d++ = '\f';
            break;
        case 'n':
            *d++ = '\n';
            break;
        case 'r':
            *d++ = '\r';
            break;
        case 't':
            *d++ = '\t';
            break;
        case 'u': {
            unsigned cp = 0;
            hex4(q + 2, &cp);
            s = q + 6;
            /* a NUL would end the label in C strings and corrupt a CSV */
            if (cp == 0)
                return jerr(c, q, "\\u0000 (a NUL character) in a value: labels cannot hold NUL");
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return jerr(c, q, "lone low surrogate \\u%04X in string", cp);
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (e - s < 6 || s[0] != '\\' || s[1] != 'u' || !hex4(s + 2, &lo) || lo < 0xDC00 ||
                    lo > 0xDFFF)
                    return jerr(c, q, "high surrogate \\u%04X not followed by a low surrogate", cp);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            }
            d = put_utf8(d, cp);
            break;
        }
        default:
            *d++ = (char)k;
            break; /* '"', '\\', '/' */
        }
    }
    *d = 0;
    out->ptr = d0;
    out->len = (size_t)(d - d0);
    return IAF_OK;
}

/* A string value or key, decoded and UTF-8 checked. */
static iaf_status read_string(const jctx *c, cup p, iaf_sv *out, cup *next)
{
    cup cs, ce;
    int esc;
    iaf_status st = scan_string(c, p, &cs, &ce, &esc, next);
    if (st != IAF_OK) return st;
    size_t ok = iaf_utf8_valid_prefix(cs, (size_t)(ce - cs));
    if (ok != (size_t)(ce - cs)) return jerr(c, cs + ok, "invalid UTF-8 in string");
    if (!esc) {
        out->ptr = (const char *)cs;
        out->len = (size_t)(ce - cs);
        return IAF_OK;
    }
    return unescape(c, cs, ce, out);
}

static iaf_status scan_number(const jctx *c, cup p, cup *next)
{
    cup s = p, le = c->le;
    if (p < le && *p == '-') p++;
    if (p >= le || *p < '0' || *p > '9') return jerr(c, s, "invalid number");
    if (*p == '0') {
        p++;
        if (p < le && *p >= '0' && *p <= '9')
            return jerr(c, s, "invalid number: leading zeros are not allowed");
    } else {
        while (p < le && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < le && *p == '.') {
        p++;
        if (p >= le || *p < '0' || *p > '9')
            return jerr(c, p, "invalid number: digits must follow the decimal point");
        while (p < le && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < le && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < le && (*p == '+' || *p == '-')) p++;
        if (p >= le || *p < '0' || *p > '9')
            return jerr(c, p, "invalid number: digits must follow the exponent");
        while (p < le && *p >= '0' && *p <= '9')
            p++;
    }
    *next = p;
    return IAF_OK;
}

static iaf_status scan_literal(const jctx *c, cup p, const char *lit, size_t n, cup *next)
{
    if ((size_t)(c->le - p) < n || memcmp(p, lit, n) != 0)
        return jerr(c, p, "invalid literal (expected '%s')", lit);
    *next = p + n;
    return IAF_OK;
}

/* Skip any value at p (not whitespace), depth = nesting of its container. */
static iaf_status skip_value(const jctx *c, cup p, int depth, cup *next)
{
    cup le = c->le;
    if (p >= le) return jerr(c, p, "truncated line: a value is missing");
    switch (*p) {
    case '"': {
        cup cs, ce;
        int esc;
        return scan_string(c, p, &cs, &ce, &esc, next);
    }
    case '{':
    case '[': {
        int obj = *p == '{';
        unsigned char close = obj ? '}' : ']';
        if (depth + 1 > JSONL_MAX_DEPTH)
            return jerr(c, p, "nesting deeper than %d levels", JSONL_MAX_DEPTH);
        p = skip_ws(p + 1, le);
        if (p < le && *p == close) {
            *next = p + 1;
            return IAF_OK;
        }
        for (;;) {
            iaf_status st;
            if (obj) {
                if (p >= le || *p != '"')
                    return p >= le ? jerr(c, p, "truncated line: object not closed")
                                   : jerr(c, p, "expected a string key");
                cup cs, ce;
                int esc;
                st = scan_string(c, p, &cs, &ce, &esc, &p);
                if (st != IAF_OK) return st;
                p = skip_ws(p, le);
                if (p >= le || *p != ':')
                    return p >= le ? jerr(c, p, "truncated line: object not closed")
                                   : jerr(c, p, "expected ':' after a key");
                p = skip_ws(p + 1, le);
            }
            st = skip_value(c, p, depth + 1, &p);
            if (st != IAF_OK) return st;
            p = skip_ws(p, le);
            if (p >= le)
                return jerr(c, p, "truncated line: %s not closed", obj ? "object" : "array");
            if (*p == close) {
                *next = p + 1;
                return IAF_OK;
            }
            if (*p != ',')
                return jerr(c, p, "expected ',' or '%c' in %s", close, obj ? "object" : "array");
            p = skip_ws(p + 1, le);
        }
    }
    case 't':
        return scan_literal(c, p, "true", 4, next);
    case 'f':
        return scan_literal(c, p, "false", 5, next);
    case 'n':
        return scan_literal(c, p, "null", 4, next);
    default:
        if (*p == '-' || (*p >= '0' && *p <= '9')) return scan_number(c, p, next);
        return jerr(c, p, "unexpected character '%c' where a value should start",
                    *p >= 0x20 && *p < 0x7F ? *p : '?');
    }
}

/* A projected value: see the file comment for the representation. */
static iaf_status read_value(const jctx *c, cup p, iaf_sv *out, cup *next)
{
    if (p < c->le && *p == '"') return read_string(c, p, out, next);
    if (p < c->le && *p == 'n') {
        out->ptr = NULL;
        out->len = 0;
        return scan_literal(c, p, "null", 4, next);
    }
    iaf_status st = skip_value(c, p, 1, next);
    if (st != IAF_OK) return st;
    out->ptr = (const char *)p;
    out->len = (size_t)(*next - p);
    return IAF_OK;
}

/* Remembers, per key position in an object, the key seen there last and its
 * slot: rows of one file nearly always list the same keys in the same order,
 * so a memcmp replaces a hash lookup. Keys are copied (the window moves);
 * longer keys are not cached. */
#define JSONL_KEY_CACHE_LEN 62
typedef struct key_cache {
    unsigned char len; /* 0 = empty (the empty key is never cached) */
    char key[JSONL_KEY_CACHE_LEN];
    int32_t slot;
} key_cache;

typedef struct jsonl_reader jsonl_reader;

/* Called for every key of a top-level object; returns the slot, or -1. */
typedef int32_t (*key_fn)(void *ctx, iaf_sv key, iaf_status *st);

/* Parse the object at p (p at '{'). Values of projected keys go to
 * vals[slot * stride]. When kf is set it is asked for every key's slot,
 * else slots come from the projection map through the cache. */
static iaf_status parse_object(const jctx *c, cup p, const iaf_strmap *proj, key_cache *kc,
                               iaf_sv *vals, size_t stride, key_fn kf, void *kctx)
{
    cup le = c->le;
    p = skip_ws(p + 1, le);
    if (p < le && *p == '}') {
        p++;
        goto after;
    }
    for (size_t ord = 0;; ord++) {
        if (p >= le) return jerr(c, p, "truncated line: object not closed");
        if (*p != '"') return jerr(c, p, "expected a string key");
        cup ks = p + 1, ke;
        int32_t slot = -1;
        {
            cup cs, ce;
            int esc;
            iaf_status st = scan_string(c, p, &cs, &ce, &esc, &p);
            if (st != IAF_OK) return st;
            ke = ce;
            size_t klen = (size_t)(ke - ks);
            if (kf || (proj && proj->n)) {
                if (!esc && !kf && ord < JSONL_KEY_CACHE && kc[ord].len == klen && klen &&
                    memcmp(kc[ord].key, ks, klen) == 0) {
                    slot = kc[ord].slot;
                } else {
                    iaf_sv k;
                    st = read_string(c, ks - 1, &k, &p);
                    if (st != IAF_OK) return st;
                    if (kf) {
                        slot = kf(kctx, k, &st);
                        if (st != IAF_OK) return st;
                    } else {
                        int64_t id = iaf_strmap_find(proj, k.ptr, k.len);
                        slot = id < 0 ? -1 : (int32_t)id;
                        if (!esc && ord < JSONL_KEY_CACHE && klen <= JSONL_KEY_CACHE_LEN) {
                            memcpy(kc[ord].key, ks, klen);
                            kc[ord].len = (unsigned char)klen;
                            kc[ord].slot = slot;
                        }
                    }
                }
            }
        }
        p = skip_ws(p, le);
        if (p >= le) return jerr(c, p, "truncated line: object not closed");
        if (*p != ':') return jerr(c, p, "expected ':' after a key");
        p = skip_ws(p + 1, le);
        iaf_status st;
        if (slot >= 0 && vals) {
            st = read_value(c, p, &vals[(size_t)slot * stride], &p);
        } else {
            st = skip_value(c, p, 1, &p);
        }
        if (st != IAF_OK) return st;
        p = skip_ws(p, le);
        if (p >= le) return jerr(c, p, "truncated line: object not closed");
        if (*p == '}') {
            p++;
            break;
        }
        if (*p != ',') return jerr(c, p, "expected ',' or '}' after a value");
        p = skip_ws(p + 1, le);
    }
after:
    p = skip_ws(p, le);
    if (p < le) return jerr(c, p, "trailing characters after the object (one object per line)");
    return IAF_OK;
}

/* Line [p, le): blank, or an object. Returns 1 when blank. */
static int line_blank(cup p, cup le)
{
    return skip_ws(p, le) >= le;
}

static iaf_status parse_line(const jctx *c, const iaf_strmap *proj, key_cache *kc, iaf_sv *vals,
                             size_t stride, key_fn kf, void *kctx)
{
    cup p = skip_ws(c->ls, c->le);
    if (p >= c->le || *p != '{')
        return jerr(c, p, "not a JSON object: each line must hold one object starting with '{'");
    return parse_object(c, p, proj, kc, vals, stride, kf, kctx);
}

/* ------------------------------------------------------------------------
 * Reader
 * ------------------------------------------------------------------------ */

struct jsonl_reader {
    iaf_file *f;
    const char *file;
    unsigned char *owned; /* decoded text when the input was not UTF-8 */
    iaf_text_in in;
    uint64_t base; /* offset after the byte-order mark */
    size_t batch_rows;
    iaf_strmap keys;  /* keys of the first object, in order */
    uint32_t *key_at; /* id in keys of the first object's n-th key (a key may repeat) */
    size_t nkey_at, cap_key_at;
    iaf_strmap proj; /* projected names -> slot */
    size_t nproj;
    size_t *proj_slot;
    size_t nparts;
    uint64_t *bound; /* part k reads the lines that start in [bound[k], bound[k+1]) */
    iaf_text_parts *tp;
    int array;           /* a JSON array of objects, not JSON Lines */
    uint64_t arr_start;  /* array mode: the offset after its '[' */
    long long arr_line;  /* the line of the '[' */
    uint64_t arr_lstart; /* the offset where that line starts */
};

static void jsonl_close(void *rd)
{
    jsonl_reader *r = rd;
    if (!r) return;
    iaf_free(r->owned);
    iaf_strmap_free(&r->keys);
    iaf_free(r->key_at);
    iaf_strmap_free(&r->proj);
    iaf_free(r->proj_slot);
    iaf_free(r->bound);
    iaf_text_parts_free(r->tp);
    iaf_free(r);
}

static int32_t collect_key(void *ctx, iaf_sv key, iaf_status *st)
{
    jsonl_reader *r = ctx;
    int64_t id = iaf_strmap_intern(&r->keys, key.ptr, key.len);
    *st = id < 0 || IAF_GROW(r->key_at, r->cap_key_at, r->nkey_at + 1) ? IAF_ERR_NOMEM : IAF_OK;
    if (*st == IAF_OK) r->key_at[r->nkey_at++] = (uint32_t)id;
    return -1;
}

static void jsonl_plan_parts(jsonl_reader *r)
{
    r->nparts = 1;
    uint64_t len = r->in.size - r->base;
    uint64_t chunk = iaf_text_part_bytes();
    if (len / 2 < chunk) return;
    uint64_t n = (len + chunk - 1) / chunk;
    if (n > JSONL_MAX_PARTS) {
        n = JSONL_MAX_PARTS;
        chunk = (len + n - 1) / n;
        n = (len + chunk - 1) / chunk;
    }
    uint64_t *b = iaf_calloc((size_t)n + 1, sizeof *b);
    iaf_text_parts *tp = iaf_text_parts_create((size_t)n);
    if (!b || !tp) {
        iaf_free(b);
        iaf_text_parts_free(tp);
        return;
    }
    for (uint64_t k = 0; k < n; k++)
        b[k] = r->base + k * chunk;
    b[n] = r->in.size;
    r->bound = b;
    r->tp = tp;
    r->nparts = (size_t)n;
}

/* The line starting at pos, when it is whole in the window. */
static int line_in_window(const iaf_text_win *w, uint64_t pos, cup *ls, cup *le)
{
    if (!w->p || pos < w->off || pos >= w->off + w->len) return 0;
    cup s = w->p + (pos - w->off), e = w->p + w->len;
    cup q = memchr(s, '\n', (size_t)(e - s));
    if (!q && !w->eof) return 0;
    *ls = s;
    *le = q ? q : e;
    return 1;
}

/* Move the window so that the line starting at *pos is whole in it. On
 * return [*ls, *le) is the line (without its LF). */
static iaf_status load_line(const jsonl_reader *r, iaf_text_win *w, uint64_t pos, cup *ls, cup *le,
                            iaf_error *err)
{
    size_t need = 0;
    for (;;) {
        if (pos < w->off || pos >= w->off + w->len || need) {
            iaf_status st = iaf_text_win_load(&r->in, w, pos, need, err);
            if (st != IAF_OK) return st;
        }
        cup s = w->p + (pos - w->off), e = w->p + w->len;
        cup q = memchr(s, '\n', (size_t)(e - s));
        if (q || w->eof) {
            *ls = s;
            *le = q ? q : e;
            return IAF_OK;
        }
        need = 2 * (size_t)(e - s) + 2;
    }
}

/* ------------------------------------------------------------------------
 * Array mode: `[ {...}, {...} ]`, objects possibly spanning lines
 * ------------------------------------------------------------------------ */

/* One past the bracket that closes the object opening at p, or NULL when
 * [p, e) ends first. Strings (escapes included) are stepped over; a bracket
 * of the wrong kind closes it too and is left to the parser to refuse. */
static cup value_end(cup p, cup e)
{
    size_t depth = 0;
    while (p < e) {
        unsigned char ch = *p;
        if (ch == '"') {
            for (p++;;) {
                p = scan_str(p, e);
                if (p >= e) return NULL;
                if (*p == '"') break;
                if (*p == '\\') {
                    if (e - p < 2) return NULL;
                    p += 2;
                } else {
                    p++; /* a control byte: the parser says so */
                }
            }
        } else if (ch == '{' || ch == '[') {
            depth++;
        } else if ((ch == '}' || ch == ']') && --depth == 0) {
            return p + 1;
        }
        p++;
    }
    return NULL;
}

/* Where the array scan is between elements. */
typedef struct arr_pos {
    uint64_t pos;    /* the next byte to look at */
    uint64_t lstart; /* the offset where the line of pos starts */
    long long line;  /* the line of pos */
    int after;       /* 0 after '[', 1 after an element, 2 after ',' */
} arr_pos;

/* Called before the window moves (the batch's views point into it). */
typedef iaf_status (*flush_fn)(void *ctx);

/* Make [pos, pos + need) (at least one byte) whole in the window, or as much
 * of it as the input holds. */
static iaf_status arr_load(const jsonl_reader *r, iaf_text_win *w, uint64_t pos, size_t need,
                           flush_fn flush, void *fctx, iaf_error *err)
{
    if (w->p && pos >= w->off && pos - w->off <= w->len &&
        (pos - w->off + (need ? need : 1) <= w->len || w->eof))
        return IAF_OK;
    iaf_status st = flush ? flush(fctx) : IAF_OK;
    return st == IAF_OK ? iaf_text_win_load(&r->in, w, pos, need, err) : st;
}

/* The next element: *got = 1 and [*ls, *le) its text, whole in the window
 * (a->line and *lscol: where it starts), or *got = 0 after the closing ']'
 * and the whitespace after it. */
static iaf_status arr_next(const jsonl_reader *r, iaf_text_win *w, arr_pos *a, cup *ls, cup *le,
                           long long *lscol, int *got, flush_fn flush, void *fctx, iaf_error *err)
{
    jctx c = {NULL, NULL, 0, r->file, NULL, 0, NULL, err, 0};
    iaf_status st;
    *got = 0;
    for (int closed = 0;;) {
        cup s = NULL, e = NULL;
        while (a->pos < r->in.size) {
            if ((st = arr_load(r, w, a->pos, 0, flush, fctx, err)) != IAF_OK) return st;
            s = w->p + (a->pos - w->off);
            e = w->p + w->len;
            while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
                if (*s == '\n') {
                    a->line++;
                    a->lstart = w->off + (uint64_t)(s - w->p) + 1;
                }
                s++;
            }
            a->pos = w->off + (uint64_t)(s - w->p);
            if (s < e || w->eof) break;
        }
        if (a->pos >= r->in.size) {
            if (closed) return IAF_OK;
            return iaf_error_set(err, IAF_ERR_PARSE, r->file, a->line,
                                 (long long)(a->pos - a->lstart) + 1,
                                 "truncated JSON array: no closing ']'");
        }
        c.ls = s;
        c.le = e;
        c.line = a->line;
        c.data = w->p;
        c.off = w->off;
        c.lscol = (long long)(a->pos - a->lstart) + 1;
        if (closed) return jerr(&c, s, "characters after the closing ']' of the JSON array");
        if (a->after == 1) {
            if (*s != ',' && *s != ']')
                return jerr(&c, s, "expected ',' or ']' after an element of the JSON array");
            closed = *s == ']';
            a->after = 2;
            a->pos++;
            continue;
        }
        if (*s == ']' && a->after == 0) {
            closed = 1;
            a->pos++;
            continue;
        }
        if (*s != '{')
            return jerr(&c, s,
                        *s == ']' ? "a ',' before the closing ']' of the JSON array"
                                  : "not a JSON object: each element of the array must be one");
        for (size_t need = 0;;) {
            if ((st = arr_load(r, w, a->pos, need, flush, fctx, err)) != IAF_OK) return st;
            s = w->p + (a->pos - w->off);
            e = w->p + w->len;
            cup ve = value_end(s, e);
            if (ve || w->eof) {
                *ls = s;
                *le = ve ? ve : e; /* unclosed: the parser says where */
                break;
            }
            need = 2 * (size_t)(e - s) + 2;
        }
        *lscol = (long long)(a->pos - a->lstart) + 1;
        *got = 1;
        return IAF_OK;
    }
}

/* Past the element [ls, le): count its lines. */
static void arr_advance(arr_pos *a, const iaf_text_win *w, cup ls, cup le)
{
    for (cup q = ls; (q = memchr(q, '\n', (size_t)(le - q))) != NULL; q++) {
        a->line++;
        a->lstart = w->off + (uint64_t)(q + 1 - w->p);
    }
    a->pos = w->off + (uint64_t)(le - w->p);
    a->after = 1;
}

static iaf_status jsonl_open(iaf_file *f, const iaf_source_options *opt, void **rdp, iaf_error *err)
{
    *rdp = NULL;
    const char *file = iaf_file_name(f);
    jsonl_reader *r = iaf_calloc(1, sizeof *r);
    if (!r) return iaf_error_set(err, IAF_ERR_NOMEM, file, 0, 0, "out of memory");
    iaf_text_win w = {0};
    iaf_scratch sc = {0};
    r->f = f;
    r->file = file;
    r->batch_rows = opt && opt->batch_rows ? opt->batch_rows : JSONL_DEFAULT_BATCH;
    iaf_text_encoding enc;
    iaf_status st = iaf_text_encoding_parse(opt ? opt->encoding : NULL, &enc, file, err);
    if (st != IAF_OK) goto fail;
    r->in.f = f;
    r->in.size = iaf_file_size(f);
    if (enc != IAF_ENC_UTF8) {
        const unsigned char *data;
        size_t outlen;
        st = iaf_file_map(f, &data, err);
        if (st != IAF_OK) goto fail;
        st = iaf_to_utf8(opt->encoding, data, (size_t)r->in.size, &r->owned, &outlen, file, err);
        if (st != IAF_OK) goto fail;
        r->in.mem = r->owned;
        r->in.size = outlen;
    }
    st = iaf_text_win_load(&r->in, &w, 0, 3, err);
    if (st != IAF_OK) goto fail;
    const char *wide = iaf_wide_encoding(w.p, w.len);
    if (wide) {
        st = iaf_error_set(err, IAF_ERR_PARSE, file, 0, 0,
                           "looks like %s, not UTF-8: " IAF_WIDE_ENCODING_HINT, wide, wide);
        goto fail;
    }
    if (w.len >= 3 && w.p[0] == 0xEF && w.p[1] == 0xBB && w.p[2] == 0xBF) r->base = 3;

    /* A JSON array when the first character is '[' */
    arr_pos a = {r->base, r->base, 1, 0};
    while (a.pos < r->in.size) {
        if ((st = iaf_text_win_load(&r->in, &w, a.pos, 0, err)) != IAF_OK) goto fail;
        cup q = w.p + (a.pos - w.off), e = w.p + w.len;
        while (q < e && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')) {
            if (*q == '\n') {
                a.line++;
                a.lstart = w.off + (uint64_t)(q - w.p) + 1;
            }
            q++;
        }
        a.pos = w.off + (uint64_t)(q - w.p);
        if (q < e) {
            r->array = *q == '[';
            break;
        }
    }
    if (r->array) {
        r->arr_start = ++a.pos;
        r->arr_line = a.line;
        r->arr_lstart = a.lstart;
        cup ls, le;
        long long lscol;
        int got;
        if ((st = arr_next(r, &w, &a, &ls, &le, &lscol, &got, NULL, NULL, err)) != IAF_OK)
            goto fail;
        if (!got) {
            st = iaf_error_set(err, IAF_ERR_PARSE, file, r->arr_line, 0,
                               "empty JSON array: no JSON object");
            goto fail;
        }
        jctx c = {ls, le, a.line, file, w.p, w.off, &sc, err, lscol};
        st = parse_line(&c, NULL, NULL, NULL, 0, collect_key, r);
        if (st != IAF_OK) {
            if (st == IAF_ERR_NOMEM) iaf_error_set(err, st, file, c.line, 0, "out of memory");
            goto fail;
        }
        r->nparts = 1; /* one part: an element's start cannot be found mid-file */
        iaf_scratch_free(&sc);
        iaf_text_win_free(&w);
        *rdp = r;
        return IAF_OK;
    }

    /* The keys of the first object name the columns. */
    uint64_t pos = r->base;
    jctx c = {NULL, NULL, 1, file, NULL, 0, &sc, err, 0};
    for (;;) {
        if (pos >= r->in.size) {
            st = iaf_error_set(err, IAF_ERR_PARSE, file, c.line, 1, "empty file: no JSON object");
            goto fail;
        }
        st = load_line(r, &w, pos, &c.ls, &c.le, err);
        if (st != IAF_OK) goto fail;
        if (!line_blank(c.ls, c.le)) break;
        pos += (uint64_t)(c.le - c.ls) + 1;
        c.line++;
    }
    c.data = w.p;
    c.off = w.off;
    st = parse_line(&c, NULL, NULL, NULL, 0, collect_key, r);
    if (st != IAF_OK) {
        if (st == IAF_ERR_NOMEM) iaf_error_set(err, st, file, c.line, 0, "out of memory");
        goto fail;
    }
    iaf_scratch_free(&sc);
    iaf_text_win_free(&w);
    jsonl_plan_parts(r);
    *rdp = r;
    return IAF_OK;
fail:
    iaf_scratch_free(&sc);
    iaf_text_win_free(&w);
    jsonl_close(r);
    return st;
}

static size_t jsonl_ncols(void *rd)
{
    return iaf_strmap_size(&((jsonl_reader *)rd)->keys);
}

static const char *jsonl_colname(void *rd, size_t i)
{
    jsonl_reader *r = rd;
    return i < iaf_strmap_size(&r->keys) ? iaf_strmap_get(&r->keys, i).ptr : NULL;
}

/* The key that name stands for: itself, or for "#N" (when no key has that
 * very name) the first object's N-th key. A key that an object repeats
 * holds its last value, by name or by position alike. */
static void resolve_key(const jsonl_reader *r, const char *name, iaf_sv *key)
{
    size_t len = strlen(name);
    *key = (iaf_sv){name, len};
    if (iaf_strmap_find(&r->keys, name, len) >= 0) return;
    if (name[0] == '#' && name[1] >= '1' && name[1] <= '9') {
        size_t pos = 0;
        const char *p = name + 1;
        while (*p >= '0' && *p <= '9' && pos <= r->nkey_at)
            pos = pos * 10 + (size_t)(*p++ - '0');
        if (*p == 0 && pos >= 1 && pos <= r->nkey_at)
            *key = iaf_strmap_get(&r->keys, r->key_at[pos - 1]);
    }
}

static iaf_status jsonl_project(void *rd, const char *const *names, size_t n, iaf_error *err)
{
    jsonl_reader *r = rd;
    iaf_strmap m = {0};
    size_t *ps = iaf_malloc(n * sizeof *ps);
    if (!ps) return iaf_error_set(err, IAF_ERR_NOMEM, r->file, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        iaf_sv key;
        resolve_key(r, names[i], &key);
        int64_t id = iaf_strmap_intern(&m, key.ptr, key.len);
        if (id < 0) {
            iaf_free(ps);
            iaf_strmap_free(&m);
            return iaf_error_set(err, IAF_ERR_NOMEM, r->file, 0, 0, "out of memory");
        }
        ps[i] = (size_t)id;
    }
    iaf_strmap_free(&r->proj);
    iaf_free(r->proj_slot);
    r->proj = m;
    r->proj_slot = ps;
    r->nproj = n;
    return IAF_OK;
}

static size_t jsonl_nparts(void *rd)
{
    return ((jsonl_reader *)rd)->nparts;
}

static uint64_t jsonl_part_bytes(void *rd, size_t part)
{
    jsonl_reader *r = rd;
    if (r->nparts == 1) return iaf_file_size(r->f);
    return r->bound[part + 1] - r->bound[part];
}

/* Is the line starting at offset pos blank (or absent)? */
static int blank_at(const jsonl_reader *r, iaf_text_win *w, uint64_t pos, int *failed)
{
    for (;;) {
        if (pos >= r->in.size) return 1;
        if (pos < w->off || pos >= w->off + w->len) {
            if (iaf_text_win_load(&r->in, w, pos, 0, NULL) != IAF_OK) {
                *failed = 1;
                return 1;
            }
        }
        cup s = w->p + (pos - w->off), e = w->p + w->len, t = s;
        while (t < e && (*t == ' ' || *t == '\t' || *t == '\r'))
            t++;
        if (t < e) return *t == '\n';
        pos += (uint64_t)(t - s);
    }
}

/* Range j: LFs in [bound[j] - 1, bound[j+1] - 1) (from base for j == 0);
 * a row starts after each LF that is followed by a non-blank line, plus the
 * first line of the file. */
static void jsonl_range_stats(void *ctx, size_t j, iaf_text_stats *st)
{
    const jsonl_reader *r = ctx;
    uint64_t off = j ? r->bound[j] - 1 : r->base, end = r->bound[j + 1] - 1;
    iaf_text_win w = {0}, look = {0};
    long long nl = 0, rows = 0;
    int failed = 0;
    if (j == 0 && !blank_at(r, &look, r->base, &failed)) rows++;
    while (off < end && !failed) {
        if (iaf_text_win_load(&r->in, &w, off, 0, NULL) != IAF_OK) {
            failed = 1;
            break;
        }
        cup p = w.p, b = w.p + (size_t)IAF_MIN((uint64_t)w.len, end - off);
        while (p < b) {
            cup q = memchr(p, '\n', (size_t)(b - p));
            if (!q) break;
            nl++;
            uint64_t s = w.off + (uint64_t)(q + 1 - w.p);
            /* most lines start with '{': no need to look further */
            if (q + 1 < w.p + w.len ? q[1] == '{' : 0)
                rows++;
            else if (!blank_at(r, &look, s, &failed))
                rows++;
            p = q + 1;
        }
        off = w.off + (uint64_t)(b - w.p);
    }
    iaf_text_win_free(&w);
    iaf_text_win_free(&look);
    memset(st, 0, sizeof *st);
    st->failed = failed;
    st->nl = nl;
    st->rows_even = rows;
}

/* Hands the batch built so far to the consumer (array mode). */
typedef struct arr_flush {
    iaf_batch *b;
    iaf_emit_fn emit;
    void *user;
    iaf_error *err;
    iaf_scratch *sc;
    int *emit_failed;
} arr_flush;

static iaf_status arr_flush_batch(void *ctx)
{
    arr_flush *f = ctx;
    if (!f->b->nrows) return IAF_OK;
    if (f->emit) {
        iaf_status st = f->emit(f->user, f->b, f->err);
        if (st != IAF_OK) {
            *f->emit_failed = 1;
            return st;
        }
    }
    iaf_scratch_reset(f->sc);
    f->b->first_row += (long long)f->b->nrows;
    f->b->nrows = 0;
    return IAF_OK;
}

/* The rows of a JSON array, in one pass through windows. */
static iaf_status run_array(jsonl_reader *r, iaf_emit_fn emit, void *user, iaf_error *err,
                            int *emit_failed, iaf_sv *colbuf, iaf_column *cols, key_cache *kc,
                            iaf_scratch *sc, iaf_text_win *w)
{
    size_t br = r->batch_rows, nuniq = iaf_strmap_size(&r->proj);
    arr_pos a = {r->arr_start, r->arr_lstart, r->arr_line, 0};
    iaf_batch b = {0, r->nproj, cols, r->file, 0, 0};
    arr_flush fl = {&b, emit, user, err, sc, emit_failed};
    jctx c = {NULL, NULL, 0, r->file, NULL, 0, sc, err, 0};
    for (;;) {
        cup ls, le;
        long long lscol;
        int got;
        iaf_status st = arr_next(r, w, &a, &ls, &le, &lscol, &got, arr_flush_batch, &fl, err);
        if (st != IAF_OK) return st;
        if (!got) break;
        /* the element stays where it is in the window: the batch can go first */
        if (b.nrows == br && (st = arr_flush_batch(&fl)) != IAF_OK) return st;
        c.ls = ls;
        c.le = le;
        c.line = a.line;
        c.lscol = lscol;
        c.data = w->p;
        c.off = w->off;
        if (b.nrows == 0) b.first_line = a.line;
        iaf_sv *vals = colbuf + b.nrows;
        for (size_t s = 0; s < nuniq; s++)
            vals[s * br] = (iaf_sv){NULL, 0};
        if ((st = parse_line(&c, &r->proj, kc, vals, br, NULL, NULL)) != IAF_OK) return st;
        b.nrows++;
        arr_advance(&a, w, ls, le);
    }
    return arr_flush_batch(&fl);
}

static iaf_status run_part(jsonl_reader *r, size_t part, iaf_emit_fn emit, void *user,
                           iaf_error *err, int *emit_failed)
{
    size_t br = r->batch_rows;
    size_t nuniq = iaf_strmap_size(&r->proj);
    iaf_status st = IAF_OK;
    *emit_failed = 0;
    if (nuniq && br > SIZE_MAX / sizeof(iaf_sv) / nuniq)
        return iaf_error_set(err, IAF_ERR_LIMIT, r->file, 0, 0, "batch too large");
    iaf_scratch sc = {0};
    iaf_text_win w = {0};
    iaf_sv *colbuf = iaf_malloc(nuniq * br * sizeof *colbuf);
    iaf_column *cols = iaf_calloc(r->nproj, sizeof *cols);
    key_cache *kc = iaf_calloc(JSONL_KEY_CACHE, sizeof *kc);
    if (!colbuf || !cols || !kc) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, r->file, 0, 0, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < r->nproj; i++) {
        cols[i].kind = IAF_COL_STR;
        cols[i].str = colbuf + r->proj_slot[i] * br;
    }
    if (r->array) {
        st = run_array(r, emit, user, err, emit_failed, colbuf, cols, kc, &sc, &w);
        goto cleanup;
    }
    uint64_t pos = r->base, size = r->in.size;
    long long line = 1, row = 0;
    if (part > 0 && !iaf_text_parts_handed(r->tp, part, &pos, &line, &row)) {
        iaf_text_stats pre;
        iaf_text_parts_prefix(r->tp, part, jsonl_range_stats, r, &pre);
        if (pre.failed) {
            st = iaf_error_set(err, IAF_ERR_IO, r->file, 0, 0, "read failed while planning parts");
            goto cleanup;
        }
        line += pre.nl + 1;
        row = pre.rows_even;
        /* the first line start after bound[part] - 1 */
        pos = size;
        for (uint64_t off = r->bound[part] - 1; off < size;) {
            st = iaf_text_win_load(&r->in, &w, off, 0, err);
            if (st != IAF_OK) goto cleanup;
            cup q = memchr(w.p, '\n', w.len);
            if (q) {
                pos = w.off + (uint64_t)(q + 1 - w.p);
                break;
            }
            off = w.off + w.len;
        }
    }
    uint64_t limit = part + 1 < r->nparts ? r->bound[part + 1] : size;
    jctx c = {NULL, NULL, line, r->file, NULL, 0, &sc, err, 0};
    iaf_batch b = {0, r->nproj, cols, r->file, 0, row};
    for (;;) {
        int done = pos >= size || pos >= limit;
        cup ls = NULL, le = NULL;
        int have = !done && line_in_window(&w, pos, &ls, &le);
        /* The batch's views point into the window: hand them over before
         * the window moves. */
        if (b.nrows && (b.nrows == br || done || !have)) {
            if (emit) {
                st = emit(user, &b, err);
                if (st != IAF_OK) {
                    *emit_failed = 1;
                    goto cleanup;
                }
            }
            iaf_scratch_reset(&sc);
            b.first_row += (long long)b.nrows;
            b.nrows = 0;
        }
        if (done) break;
        if (!have) {
            st = load_line(r, &w, pos, &ls, &le, err);
            if (st != IAF_OK) goto cleanup;
        }
        pos += (uint64_t)(le - ls) + 1;
        if (line_blank(ls, le)) {
            c.line++;
            continue;
        }
        c.ls = ls;
        c.le = le;
        c.data = w.p;
        c.off = w.off;
        if (b.nrows == 0) b.first_line = c.line;
        iaf_sv *vals = colbuf + b.nrows;
        for (size_t s = 0; s < nuniq; s++)
            vals[s * br] = (iaf_sv){NULL, 0};
        st = parse_line(&c, &r->proj, kc, vals, br, NULL, NULL);
        if (st != IAF_OK) goto cleanup;
        b.nrows++;
        c.line++;
    }
    /* pos is the first line at or after the limit, as the counting pass would find it */
    if (part + 1 < r->nparts) iaf_text_parts_hand_over(r->tp, part + 1, pos, c.line, b.first_row);
cleanup:
    iaf_free(colbuf);
    iaf_free(cols);
    iaf_free(kc);
    iaf_scratch_free(&sc);
    iaf_text_win_free(&w);
    return st;
}

static iaf_status jsonl_read_part(void *rd, size_t part, iaf_emit_fn emit, void *user,
                                  iaf_error *err)
{
    jsonl_reader *r = rd;
    if (part >= r->nparts)
        return iaf_error_set(err, IAF_ERR_INVALID, r->file, 0, 0, "no part %zu", part);
    iaf_error mine;
    iaf_error_clear(&mine);
    int emit_failed;
    iaf_status st = run_part(r, part, emit, user, &mine, &emit_failed);
    if (st == IAF_OK) {
        if (r->tp) iaf_text_parts_set_clean(r->tp, part);
        return IAF_OK;
    }
    if (r->tp && !emit_failed) {
        /* Report the file's first error whichever worker meets it. */
        for (size_t j = 0; j < part; j++) {
            iaf_error e2;
            iaf_error_clear(&e2);
            int o = iaf_text_parts_outcome(r->tp, j, &e2);
            if (o == 1) continue;
            if (o == 0) {
                int ef;
                if (run_part(r, j, NULL, NULL, &e2, &ef) == IAF_OK) {
                    iaf_text_parts_set_clean(r->tp, j);
                    continue;
                }
                iaf_text_parts_set_failed(r->tp, j, &e2);
            }
            mine = e2;
            st = e2.status;
            break;
        }
        iaf_text_parts_set_failed(r->tp, part, &mine);
    }
    if (err) *err = mine;
    return st;
}

const iaf_reader_vtable iaf_jsonl_reader = {
    "jsonl",      jsonl_open,       jsonl_ncols,     jsonl_colname, jsonl_project,
    jsonl_nparts, jsonl_part_bytes, jsonl_read_part, jsonl_close,
};
