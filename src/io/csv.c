/* src/io/csv.c - the CSV tokenizer, the streaming CSV reader (iaf_csv_reader)
 * and the small-table API of io/csv.h.
 *
 * The streaming reader reads a file through windows of about 1 MiB (pread,
 * not mmap: see encoding.h); a row cut by the end of a window is parsed
 * again once the window has moved or grown, and the batch built so far is
 * handed over first because its views point into the window. Decoded
 * (CP949) text and the small tables are whole in memory.
 *
 * Fields of columns that are not projected are only delimited, never
 * copied: a vector scan finds the next delimiter, quote, CR, LF or NUL in
 * unquoted text, and the next quote or NUL inside quoted text (counting the
 * LFs it passes, for line numbers). A field view points into the window
 * unless it held doubled quotes, in which case the unescaped text goes to
 * per-batch scratch memory.
 *
 * Big files are cut into parts read by separate workers. Part k reads the
 * rows that start in [B_k, B_k+1). In valid CSV, a position is inside a
 * quoted field exactly when an odd number of quotes precede it, so quote
 * parity plus LF counts over the earlier ranges tell a worker where its
 * first row starts, its line and its row index (see encoding.h). That
 * counting pass reads the text once more, which costs about as much as
 * parsing it (both are bound by copying from the page cache), so a part
 * read without error leaves the next part its start (a hand-off): a worker
 * that reads parts in order never counts.
 */
#include "io/csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "io/encoding.h"
#include "io/reader.h"
#include "util/suggest.h"
#include "util/util.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define CSV_SSE2 1
#endif

typedef const unsigned char *cup;

#define CSV_DEFAULT_BATCH 4096
#define CSV_MAX_PARTS 65536

/* ------------------------------------------------------------------------
 * Tokenizer
 * ------------------------------------------------------------------------ */

typedef struct csv_tok {
    cup data;     /* start of the text in memory (a window of the input) */
    uint64_t off; /* input offset of data, for byte offsets in errors */
    cup base;     /* where columns count from: after any BOM, or a line start */
    cup end;
    cup err_pos; /* how far the tokenizer had looked when it failed */
    const char *file;
    unsigned char delim;
    int comments;
    unsigned char special[256]; /* bytes that end an unquoted run */
} csv_tok;

static iaf_status tok_init(csv_tok *t, cup data, size_t n, const char *file, char delim,
                           int comments, iaf_error *err)
{
    if (delim == '"' || delim == '\n' || delim == '\r' || delim == '\0' ||
        (unsigned char)delim >= 0x80 || (comments && delim == '#'))
        return iaf_error_set(err, IAF_ERR_INVALID, file, 0, 0,
                             "invalid CSV delimiter (byte 0x%02x)", (unsigned char)delim);
    const char *wide = iaf_wide_encoding(data, n);
    if (wide)
        return iaf_error_set(err, IAF_ERR_PARSE, file, 0, 0,
                             "looks like %s, not UTF-8: " IAF_WIDE_ENCODING_HINT, wide, wide);
    t->data = data;
    t->off = 0;
    t->err_pos = NULL;
    t->base = data;
    t->end = data + n;
    if (n >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) t->base += 3;
    t->file = file;
    t->delim = (unsigned char)delim;
    t->comments = comments;
    memset(t->special, 0, sizeof t->special);
    t->special[(unsigned char)delim] = 1;
    t->special['"'] = 1;
    t->special['\n'] = 1;
    t->special['\r'] = 1;
    t->special[0] = 1;
    return IAF_OK;
}

static inline unsigned ctz64(uint64_t x)
{
    return (unsigned)__builtin_ctzll(x);
}

static inline unsigned popcount64(uint64_t x)
{
    return (unsigned)__builtin_popcountll(x);
}

#ifdef CSV_SSE2
static inline uint64_t mask4(__m128i a, __m128i b, __m128i c, __m128i d)
{
    return (uint64_t)(unsigned)_mm_movemask_epi8(a) |
           ((uint64_t)(unsigned)_mm_movemask_epi8(b) << 16) |
           ((uint64_t)(unsigned)_mm_movemask_epi8(c) << 32) |
           ((uint64_t)(unsigned)_mm_movemask_epi8(d) << 48);
}

static inline __m128i load16(cup p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

static inline __m128i plain_hits(__m128i x, __m128i vd)
{
    const __m128i vq = _mm_set1_epi8('"'), vn = _mm_set1_epi8('\n');
    const __m128i vr = _mm_set1_epi8('\r'), vz = _mm_setzero_si128();
    return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vd), _mm_cmpeq_epi8(x, vq)),
                        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vn), _mm_cmpeq_epi8(x, vr)),
                                     _mm_cmpeq_epi8(x, vz)));
}
#endif

/* First byte in [p, e) that is the delimiter, '"', LF, CR or NUL; e if none.
 * Categorical fields are short, so one 16-byte probe comes before the
 * unrolled loop meant for long text. */
static inline cup scan_plain(const csv_tok *t, cup p, cup e)
{
#ifdef CSV_SSE2
    const __m128i vd = _mm_set1_epi8((char)t->delim);
    if (e - p >= 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(plain_hits(load16(p), vd));
        if (m) return p + __builtin_ctz(m);
        p += 16;
        while (e - p >= 64) {
            __m128i a = plain_hits(load16(p), vd), b = plain_hits(load16(p + 16), vd);
            __m128i c = plain_hits(load16(p + 32), vd), d = plain_hits(load16(p + 48), vd);
            if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)))) {
                uint64_t mm = mask4(a, b, c, d);
                return p + ctz64(mm);
            }
            p += 64;
        }
        while (e - p >= 16) {
            m = (unsigned)_mm_movemask_epi8(plain_hits(load16(p), vd));
            if (m) return p + __builtin_ctz(m);
            p += 16;
        }
    }
#endif
    while (p < e && !t->special[*p])
        p++;
    return p;
}

/* First '"' or NUL in [p, e) (e if none), adding the LFs before it to *nl. */
static inline cup scan_quoted(cup p, cup e, long long *nl)
{
#ifdef CSV_SSE2
    const __m128i vq = _mm_set1_epi8('"'), vn = _mm_set1_epi8('\n'), vz = _mm_setzero_si128();
    while (e - p >= 64) {
        __m128i x0 = load16(p), x1 = load16(p + 16), x2 = load16(p + 32), x3 = load16(p + 48);
        __m128i s0 = _mm_or_si128(_mm_cmpeq_epi8(x0, vq), _mm_cmpeq_epi8(x0, vz));
        __m128i s1 = _mm_or_si128(_mm_cmpeq_epi8(x1, vq), _mm_cmpeq_epi8(x1, vz));
        __m128i s2 = _mm_or_si128(_mm_cmpeq_epi8(x2, vq), _mm_cmpeq_epi8(x2, vz));
        __m128i s3 = _mm_or_si128(_mm_cmpeq_epi8(x3, vq), _mm_cmpeq_epi8(x3, vz));
        __m128i n0 = _mm_cmpeq_epi8(x0, vn), n1 = _mm_cmpeq_epi8(x1, vn);
        __m128i n2 = _mm_cmpeq_epi8(x2, vn), n3 = _mm_cmpeq_epi8(x3, vn);
        __m128i any = _mm_or_si128(_mm_or_si128(_mm_or_si128(s0, s1), _mm_or_si128(s2, s3)),
                                   _mm_or_si128(_mm_or_si128(n0, n1), _mm_or_si128(n2, n3)));
        if (_mm_movemask_epi8(any)) {
            uint64_t ms = mask4(s0, s1, s2, s3), mn = mask4(n0, n1, n2, n3);
            if (ms) {
                mn &= (ms & (0 - ms)) - 1;
                if (mn) *nl += popcount64(mn);
                return p + ctz64(ms);
            }
            if (mn) *nl += popcount64(mn);
        }
        p += 64;
    }
    while (e - p >= 16) {
        __m128i x = load16(p);
        unsigned ms =
            (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vz)));
        unsigned mn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn));
        if (ms) {
            mn &= (ms & (0u - ms)) - 1;
            if (mn) *nl += __builtin_popcount(mn);
            return p + __builtin_ctz(ms);
        }
        if (mn) *nl += __builtin_popcount(mn);
        p += 16;
    }
#endif
    for (; p < e; p++) {
        if (*p == '"' || *p == 0) return p;
        if (*p == '\n') ++*nl;
    }
    return p;
}

static long long count_lf(cup p, cup e)
{
    long long n = 0;
    while (p < e) {
        cup q = memchr(p, '\n', (size_t)(e - p));
        if (!q) break;
        n++;
        p = q + 1;
    }
    return n;
}

/* Report a parse error at pos, given the line of an earlier position. */
static iaf_status
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    tok_error(csv_tok *t, iaf_error *err, cup from, long long from_line, cup pos, const char *fmt,
              ...)
{
    t->err_pos = pos;
    if (!err) return IAF_ERR_PARSE;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long long line = from_line + count_lf(from, pos);
    cup ls = t->base;
    if (pos > t->base) {
        cup q = memrchr(t->base, '\n', (size_t)(pos - t->base));
        if (q) ls = q + 1;
    }
    iaf_error_set(err, IAF_ERR_PARSE, t->file, line, (long long)(pos - ls) + 1, "%s", msg);
    err->offset = (long long)(t->off + (uint64_t)(pos - t->data));
    return IAF_ERR_PARSE;
}

/* Where one row's fields go. */
typedef struct row_out {
    iaf_sv *out; /* field of column c goes to out[slot[c] * stride]; NULL = nowhere */
    size_t stride;
    const int32_t *slot; /* per column, -1 = skip; NULL = column c to slot c */
    cup *pos;            /* optional: raw start of each field (header checks) */
    iaf_scratch *sc;     /* unescaped copies */
    int check_utf8;
} row_out;

static inline int is_line_end(cup p, cup e)
{
    return *p == '\n' || (*p == '\r' && p + 1 < e && p[1] == '\n');
}

static char *unescape_quotes(iaf_scratch *sc, cup s, size_t n, size_t *outlen)
{
    char *d = iaf_scratch_alloc(sc, n + 1);
    if (!d) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        d[k++] = (char)s[i];
        if (s[i] == '"') i++; /* the tokenizer guarantees quotes come in pairs here */
    }
    d[k] = 0;
    *outlen = k;
    return d;
}

/* Parse the row starting at *pp (which is not at a blank line nor at the
 * end). ncols == 0 counts fields without checking their number. On success
 * *pp is past the row's line end, *nfields holds the field count and
 * *nl_inside the LFs inside quoted fields. */
static iaf_status parse_row(csv_tok *t, cup *pp, long long row_line, size_t ncols, const row_out *o,
                            size_t *nfields, long long *nl_inside, iaf_error *err)
{
    cup p = *pp;
    cup e = t->end;
    cup row_start = p;
    const unsigned char d = t->delim;
    long long nl = 0;
    size_t col = 0;
    cup extra_at = NULL; /* first field beyond ncols */
    for (;;) {
        cup fs, raw = p;
        size_t flen;
        int esc = 0;
        if (p < e && *p == '"') {
            p++;
            fs = p;
            for (;;) {
                cup q = scan_quoted(p, e, &nl);
                if (q >= e) {
                    iaf_status st = tok_error(t, err, row_start, row_line, raw,
                                              "unterminated quoted field (the quote opened "
                                              "here is never closed)");
                    t->err_pos = e; /* found by reaching the end */
                    return st;
                }
                if (*q == 0) return tok_error(t, err, row_start, row_line, q, "NUL byte in text");
                if (q + 1 < e && q[1] == '"') {
                    esc = 1;
                    p = q + 2;
                    continue;
                }
                flen = (size_t)(q - fs);
                p = q + 1;
                break;
            }
            if (p < e && *p != d && !is_line_end(p, e))
                return tok_error(t, err, row_start, row_line, p,
                                 "unexpected character after the closing quote of a field");
        } else {
            fs = p;
            cup q = scan_plain(t, p, e);
            if (q < e && *q != d && *q != '\n') {
                if (*q == '"')
                    return tok_error(t, err, row_start, row_line, q,
                                     "quote inside an unquoted field (quote the whole field "
                                     "and double the quote)");
                if (*q == 0) return tok_error(t, err, row_start, row_line, q, "NUL byte in text");
                if (!(q + 1 < e && q[1] == '\n'))
                    return tok_error(t, err, row_start, row_line, q,
                                     "carriage return not followed by a line feed outside "
                                     "quotes");
            }
            flen = (size_t)(q - fs);
            p = q;
        }
        if (ncols && col >= ncols) {
            if (!extra_at) extra_at = raw;
        } else if (o) {
            int32_t s = o->slot ? o->slot[col] : (int32_t)col;
            if (o->pos) o->pos[col] = raw;
            if (s >= 0) {
                if (o->check_utf8) {
                    size_t ok = iaf_utf8_valid_prefix(fs, flen);
                    if (ok != flen) {
                        /* a CP949 / EUC-KR double byte (KOSIS and MOIS downloads):
                         * lead 0x81-0xFE, trail 0x41-0xFE */
                        const unsigned char *u = (const unsigned char *)fs + ok;
                        int cp949 = ok + 1 < flen && u[0] >= 0x81 && u[0] <= 0xFE && u[1] >= 0x41 &&
                                    u[1] <= 0xFE;
                        iaf_status st = tok_error(
                            t, err, row_start, row_line, fs + ok, "invalid UTF-8 in field %zu%s",
                            col + 1,
                            cp949 ? " (it reads as CP949/EUC-KR, as KOSIS and MOIS files are: give "
                                    "the file's encoding, --encoding cp949 or `encoding: cp949` "
                                    "in a spec)"
                                  : "");
                        t->err_pos = fs + flen; /* a sequence cut by the end is no error */
                        return st;
                    }
                }
                iaf_sv v;
                if (esc) {
                    v.ptr = unescape_quotes(o->sc, fs, flen, &v.len);
                    if (!v.ptr)
                        return iaf_error_set(err, IAF_ERR_NOMEM, t->file, row_line, 0,
                                             "out of memory");
                } else {
                    v.ptr = (const char *)fs;
                    v.len = flen;
                }
                if (o->out) o->out[(size_t)s * o->stride] = v;
            }
        }
        col++;
        if (p >= e) break;
        if (*p == d) {
            p++;
            continue;
        }
        /* a line end: LF or CRLF (checked above) */
        cup le = p;
        p += *p == '\r' ? 2 : 1;
        if (ncols && col < ncols)
            return tok_error(t, err, row_start, row_line, le,
                             "row has %zu field%s, the header has %zu", col, col == 1 ? "" : "s",
                             ncols);
        break;
    }
    if (ncols && col < ncols)
        return tok_error(t, err, row_start, row_line, e, "row has %zu field%s, the header has %zu",
                         col, col == 1 ? "" : "s", ncols);
    if (extra_at) {
        iaf_status st = tok_error(t, err, row_start, row_line, extra_at,
                                  "row has %zu fields, the header has %zu", col, ncols);
        t->err_pos = p; /* the count needs the whole row */
        return st;
    }
    *pp = p;
    *nfields = col;
    *nl_inside = nl;
    return IAF_OK;
}

/* Skip blank lines (and comment lines when enabled) at *pp. */
static void skip_blank(const csv_tok *t, cup *pp, long long *line)
{
    cup p = *pp, e = t->end;
    while (p < e) {
        if (*p == '\n') {
            p++;
        } else if (*p == '\r' && p + 1 < e && p[1] == '\n') {
            p += 2;
        } else if (t->comments && *p == '#') {
            cup q = memchr(p, '\n', (size_t)(e - p));
            p = q ? q + 1 : e;
            if (!q) break;
        } else {
            break;
        }
        ++*line;
    }
    *pp = p;
}

/* Header names: parsed at *pp, checked (non-empty, distinct, UTF-8). On
 * success names[] are NUL-terminated copies in the arena. */
typedef struct csv_header {
    size_t ncols;
    char **names;
    size_t *lens;
    iaf_strmap map; /* the distinct names */
} csv_header;

#define CSV_AMBIGUOUS ((size_t)-1)

/* The column called name: "#N" is the N-th column (from 1) unless a column
 * has that very name; any other name must be unique. h->ncols when absent,
 * CSV_AMBIGUOUS when several columns have the name. *first and *second get
 * the positions (from 1) of the first two columns with the name. */
static size_t find_column(const csv_header *h, const char *name, size_t *first, size_t *second,
                          size_t *count)
{
    size_t len = strlen(name);
    *first = *second = *count = 0;
    if (iaf_strmap_find(&h->map, name, len) >= 0) {
        for (size_t c = 0; c < h->ncols; c++)
            if (h->lens[c] == len && memcmp(h->names[c], name, len) == 0) {
                if (!*first)
                    *first = c + 1;
                else if (!*second)
                    *second = c + 1;
                ++*count;
            }
        return *count > 1 ? CSV_AMBIGUOUS : *first - 1;
    }
    if (name[0] == '#' && name[1] >= '1' && name[1] <= '9') {
        size_t pos = 0;
        const char *p = name + 1;
        while (*p >= '0' && *p <= '9' && pos <= h->ncols)
            pos = pos * 10 + (size_t)(*p++ - '0');
        if (*p == 0 && pos >= 1 && pos <= h->ncols) return pos - 1;
    }
    return h->ncols;
}

static void header_free(csv_header *h)
{
    iaf_free(h->names);
    iaf_free(h->lens);
    iaf_strmap_free(&h->map);
    memset(h, 0, sizeof *h);
}

static iaf_status parse_header(csv_tok *t, cup *pp, long long *line, iaf_arena *arena,
                               csv_header *h, int allow_dup, iaf_error *err)
{
    memset(h, 0, sizeof *h);
    skip_blank(t, pp, line);
    if (*pp >= t->end) {
        t->err_pos = t->end;
        return iaf_error_set(err, IAF_ERR_PARSE, t->file, *line, 1, "empty file: no header row");
    }
    cup p = *pp;
    size_t n = 0;
    long long nl = 0;
    /* First count the fields, with every check of the second pass so that
     * the first error in the text is the one reported. */
    iaf_scratch sc = {0};
    row_out count = {NULL, 1, NULL, NULL, &sc, 1};
    iaf_status st = parse_row(t, &p, *line, 0, &count, &n, &nl, err);
    if (st != IAF_OK) {
        iaf_scratch_free(&sc);
        return st;
    }
    if (n > (size_t)INT32_MAX) {
        iaf_scratch_free(&sc);
        return iaf_error_set(err, IAF_ERR_LIMIT, t->file, *line, 1, "too many columns");
    }
    iaf_sv *names = iaf_calloc(n, sizeof *names);
    cup *pos = iaf_calloc(n, sizeof *pos);
    h->names = iaf_calloc(n, sizeof *h->names);
    h->lens = iaf_calloc(n, sizeof *h->lens);
    if (!names || !pos || !h->names || !h->lens) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, t->file, *line, 0, "out of memory");
        goto cleanup;
    }
    row_out o = {names, 1, NULL, pos, &sc, 1};
    p = *pp;
    st = parse_row(t, &p, *line, n, &o, &n, &nl, err);
    if (st != IAF_OK) goto cleanup;
    /* Errors below need the whole header row: they are found at its end. */
    for (size_t c = 0; c < n; c++) {
        if (names[c].len == 0) {
            st = tok_error(t, err, *pp, *line, pos[c], "empty column name (column %zu)", c + 1);
            goto cleanup;
        }
        /* the reader allows a repeated name (such files exist; naming it is then
         * ambiguous and the columns are addressed by position, #N); a count table
         * or crosswalk does not */
        int64_t before = (int64_t)iaf_strmap_size(&h->map);
        int64_t id = iaf_strmap_intern(&h->map, names[c].ptr, names[c].len);
        if (id < 0) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, t->file, *line, 0, "out of memory");
            goto cleanup;
        }
        if (id < before && !allow_dup) {
            st = tok_error(t, err, *pp, *line, pos[c],
                           "duplicate column name '%.*s' (columns %lld and %zu)",
                           (int)IAF_MIN(names[c].len, 200), names[c].ptr, (long long)id + 1, c + 1);
            goto cleanup;
        }
        h->names[c] = iaf_arena_strndup(arena, names[c].ptr, names[c].len);
        h->lens[c] = names[c].len;
        if (!h->names[c]) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, t->file, *line, 0, "out of memory");
            goto cleanup;
        }
    }
    h->ncols = n;
    *pp = p;
    *line += 1 + nl;
cleanup:
    if (st == IAF_ERR_PARSE && t->err_pos && t->err_pos < p) t->err_pos = p;
    iaf_free(names);
    iaf_free(pos);
    iaf_scratch_free(&sc);
    if (st != IAF_OK) header_free(h);
    return st;
}

static char default_delim(const char *file, char opt_delim)
{
    if (opt_delim) return opt_delim;
    size_t n = file ? strlen(file) : 0;
    if (n >= 4 && strcasecmp(file + n - 4, ".tsv") == 0) return '\t';
    return ',';
}

/* ------------------------------------------------------------------------
 * Streaming reader
 * ------------------------------------------------------------------------ */

typedef struct csv_reader {
    iaf_file *f;
    const char *file;
    unsigned char *owned; /* decoded text when the input was not UTF-8 */
    iaf_text_in in;
    csv_tok tok; /* the dialect; data, base and end are set per window */
    size_t bom;  /* bytes of byte-order mark at offset 0 */
    iaf_arena arena;
    csv_header hdr;
    uint64_t data_start; /* offset of the first byte after the header's line end */
    long long data_line;
    size_t batch_rows;
    int read_ahead; /* one part: read the next window while parsing this one */
    /* projection */
    size_t nproj, nuniq;
    int32_t *slot;     /* ncols: slot or -1 */
    size_t *proj_slot; /* nproj */
    /* parts: part k reads the rows that start in [bound[k], bound[k+1]) */
    size_t nparts;
    uint64_t *bound; /* nparts + 1 */
    iaf_text_parts *tp;
} csv_reader;

static void csv_close(void *rd)
{
    csv_reader *r = rd;
    if (!r) return;
    iaf_free(r->owned);
    iaf_arena_free(&r->arena);
    header_free(&r->hdr);
    iaf_free(r->slot);
    iaf_free(r->proj_slot);
    iaf_free(r->bound);
    iaf_text_parts_free(r->tp);
    iaf_free(r);
}

static void tok_window(const csv_reader *r, csv_tok *t, const iaf_text_win *w)
{
    *t = r->tok;
    t->data = w->p;
    t->off = w->off;
    t->end = w->p + w->len;
    t->base = w->p + (w->off < r->bom ? r->bom - w->off : 0);
}

/* A parse in a window that stops short of the end of the input is only
 * trusted when the tokenizer did not reach the window's end (it looks one
 * byte ahead); otherwise the window must grow and the row be parsed again. */
static int needs_more(const csv_tok *t, const iaf_text_win *w, iaf_status st, cup p)
{
    if (w->eof) return 0;
    if (st == IAF_OK) return p >= t->end;
    if (st == IAF_ERR_PARSE) return t->err_pos + 1 >= t->end;
    return 0;
}

/* Is cutting a file into parts worth it with this many workers? A part
 * after the first needs the counting pass over the text before it, and read
 * from a file that pass costs about as much as parsing (both copy the text
 * out of the page cache; measured on the 4.45 GB benchmark CSV, 2 cores:
 * 1.9 s CPU and wall with one part per file, 3.6 s CPU and 1.8 s wall in
 * parts with 2 workers). So two workers gain nothing on one file, and
 * several files still go to several workers whole. Decoded text in memory
 * is counted without copying: parts pay off there. Tests that set
 * IAF_TEXT_PART_BYTES always get parts. */
static int parts_pay_off(const csv_reader *r, const iaf_source_options *opt)
{
    if (r->in.mem || getenv("IAF_TEXT_PART_BYTES")) return 1;
    long nt = opt && opt->threads > 0 ? opt->threads : sysconf(_SC_NPROCESSORS_ONLN);
    return nt >= 3;
}

/* Reading a file in one part, a second thread copying the next window out of the page cache
 * while this one parses overlaps the two (on the 4.45 GB benchmark CSV the copy is about a third
 * of the reader's time): when more than one thread is allowed and the file spans several
 * windows. */
static int read_ahead_pays_off(const csv_reader *r, const iaf_source_options *opt)
{
    if (r->in.mem) return 0;
    long nt = opt && opt->threads > 0 ? opt->threads : sysconf(_SC_NPROCESSORS_ONLN);
    return nt >= 2 && r->in.size / 4 >= iaf_text_window_bytes();
}

static void plan_parts(csv_reader *r, int header_has_lf)
{
    r->nparts = 1;
    uint64_t len = r->in.size - r->data_start;
    uint64_t chunk = iaf_text_part_bytes();
    /* Part boundaries count from the header's line end. */
    if (!header_has_lf || len / 2 < chunk) return;
    uint64_t n = (len + chunk - 1) / chunk;
    if (n > CSV_MAX_PARTS) {
        n = CSV_MAX_PARTS;
        chunk = (len + n - 1) / n;
        n = (len + chunk - 1) / chunk;
    }
    uint64_t *b = iaf_calloc((size_t)n + 1, sizeof *b);
    iaf_text_parts *tp = iaf_text_parts_create((size_t)n);
    if (!b || !tp) {
        /* Without memory for the plan, one part still reads correctly. */
        iaf_free(b);
        iaf_text_parts_free(tp);
        return;
    }
    for (uint64_t k = 0; k < n; k++)
        b[k] = r->data_start + k * chunk;
    b[n] = r->in.size;
    r->bound = b;
    r->tp = tp;
    r->nparts = (size_t)n;
}

static iaf_status csv_open(iaf_file *f, const iaf_source_options *opt, void **rdp, iaf_error *err)
{
    *rdp = NULL;
    const char *file = iaf_file_name(f);
    csv_reader *r = iaf_calloc(1, sizeof *r);
    if (!r) return iaf_error_set(err, IAF_ERR_NOMEM, file, 0, 0, "out of memory");
    iaf_text_win w = {0};
    r->f = f;
    r->file = file;
    r->batch_rows = opt && opt->batch_rows ? opt->batch_rows : CSV_DEFAULT_BATCH;
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
    st =
        tok_init(&r->tok, (cup) "", 0, file, default_delim(file, opt ? opt->delimiter : 0), 0, err);
    if (st != IAF_OK) goto fail;
    size_t need = 0;
    for (;;) {
        st = iaf_text_win_load(&r->in, &w, 0, need, err);
        if (st != IAF_OK) goto fail;
        const char *wide = iaf_wide_encoding(w.p, w.len);
        if (wide) {
            st = iaf_error_set(err, IAF_ERR_PARSE, file, 0, 0,
                               "looks like %s, not UTF-8: " IAF_WIDE_ENCODING_HINT, wide, wide);
            goto fail;
        }
        r->bom = w.len >= 3 && w.p[0] == 0xEF && w.p[1] == 0xBB && w.p[2] == 0xBF ? 3 : 0;
        csv_tok t;
        tok_window(r, &t, &w);
        cup p = t.base;
        long long line = 1;
        st = parse_header(&t, &p, &line, &r->arena, &r->hdr, 1, err);
        if (needs_more(&t, &w, st, p)) {
            header_free(&r->hdr);
            need = 2 * w.len + 2;
            continue;
        }
        if (st != IAF_OK) goto fail;
        r->data_start = w.off + (uint64_t)(p - w.p);
        r->data_line = line;
        r->nparts = 1;
        if (parts_pay_off(r, opt)) plan_parts(r, p > t.base && p[-1] == '\n');
        r->read_ahead = r->nparts == 1 && read_ahead_pays_off(r, opt);
        break;
    }
    iaf_text_win_free(&w);
    r->slot = iaf_malloc(r->hdr.ncols * sizeof *r->slot);
    if (!r->slot) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, file, 0, 0, "out of memory");
        goto fail;
    }
    for (size_t c = 0; c < r->hdr.ncols; c++)
        r->slot[c] = -1;
    *rdp = r;
    return IAF_OK;
fail:
    iaf_text_win_free(&w);
    csv_close(r);
    return st;
}

static size_t csv_ncols(void *rd)
{
    return ((csv_reader *)rd)->hdr.ncols;
}

static const char *csv_colname(void *rd, size_t i)
{
    csv_reader *r = rd;
    return i < r->hdr.ncols ? r->hdr.names[i] : NULL;
}

static iaf_status csv_project(void *rd, const char *const *names, size_t n, iaf_error *err)
{
    csv_reader *r = rd;
    size_t *ps = iaf_malloc(n * sizeof *ps);
    int32_t *slot = iaf_malloc(r->hdr.ncols * sizeof *slot);
    if (!ps || !slot) {
        iaf_free(ps);
        iaf_free(slot);
        return iaf_error_set(err, IAF_ERR_NOMEM, r->file, 0, 0, "out of memory");
    }
    for (size_t c = 0; c < r->hdr.ncols; c++)
        slot[c] = -1;
    size_t nuniq = 0;
    for (size_t i = 0; i < n; i++) {
        size_t first, second, count;
        size_t c = find_column(&r->hdr, names[i], &first, &second, &count);
        if (c == CSV_AMBIGUOUS) {
            iaf_free(ps);
            iaf_free(slot);
            return iaf_error_set(err, IAF_ERR_INVALID, r->file, 0, 0,
                                 "column name '%s' is ambiguous: %zu columns have it (%zu, "
                                 "%zu%s); name one by its position, e.g. #%zu",
                                 names[i], count, first, second, count > 2 ? ", ..." : "", second);
        }
        if (c == r->hdr.ncols) {
            iaf_buf b = {0};
            for (size_t k = 0; k < r->hdr.ncols && b.len < 600; k++)
                iaf_buf_printf(&b, "%s'%s'", k ? ", " : "", r->hdr.names[k]);
            if (b.len >= 600) iaf_buf_puts(&b, ", ...");
            const char *near =
                iaf_suggest(names[i], (const char *const *)r->hdr.names, r->hdr.ncols);
            iaf_status st = iaf_error_set(err, IAF_ERR_INVALID, r->file, 0, 0,
                                          "no column '%s'%s%s%s (its columns: %s)", names[i],
                                          near ? "; did you mean '" : "", near ? near : "",
                                          near ? "'?" : "", b.data ? b.data : "");
            iaf_buf_free(&b);
            iaf_free(ps);
            iaf_free(slot);
            return st;
        }
        if (slot[c] < 0) slot[c] = (int32_t)nuniq++;
        ps[i] = (size_t)slot[c];
    }
    iaf_free(r->proj_slot);
    iaf_free(r->slot);
    r->proj_slot = ps;
    r->slot = slot;
    r->nproj = n;
    r->nuniq = nuniq;
    return IAF_OK;
}

static size_t csv_nparts(void *rd)
{
    return ((csv_reader *)rd)->nparts;
}

static uint64_t csv_part_bytes(void *rd, size_t part)
{
    csv_reader *r = rd;
    if (r->nparts == 1) return iaf_file_size(r->f);
    return r->bound[part + 1] - r->bound[part];
}

/* Counts over [p, b) of one window; s and e bound the lookahead. */
static void stats_block(cup p, cup b, cup e, unsigned *parity, iaf_text_stats *st)
{
    long long nl = 0, rows_any = 0, rows_even = 0;
    unsigned par = *parity;
#ifdef CSV_SSE2
    const __m128i vq = _mm_set1_epi8('"'), vn = _mm_set1_epi8('\n');
    while (b - p >= 64) {
        __m128i x0 = load16(p), x1 = load16(p + 16), x2 = load16(p + 32), x3 = load16(p + 48);
        uint64_t mq = mask4(_mm_cmpeq_epi8(x0, vq), _mm_cmpeq_epi8(x1, vq), _mm_cmpeq_epi8(x2, vq),
                            _mm_cmpeq_epi8(x3, vq));
        uint64_t mn = mask4(_mm_cmpeq_epi8(x0, vn), _mm_cmpeq_epi8(x1, vn), _mm_cmpeq_epi8(x2, vn),
                            _mm_cmpeq_epi8(x3, vn));
        /* bit i of in: parity of the quotes at or before byte i */
        uint64_t in = mq;
        in ^= in << 1;
        in ^= in << 2;
        in ^= in << 4;
        in ^= in << 8;
        in ^= in << 16;
        in ^= in << 32;
        if (par) in = ~in;
        while (mn) {
            unsigned i = ctz64(mn);
            mn &= mn - 1;
            cup s = p + i + 1;
            nl++;
            if (s < e && !is_line_end(s, e)) {
                rows_any++;
                if (!((in >> i) & 1)) rows_even++;
            }
        }
        par = (unsigned)(in >> 63) & 1;
        p += 64;
    }
#endif
    for (; p < b; p++) {
        if (*p == '"') {
            par ^= 1;
        } else if (*p == '\n') {
            cup s = p + 1;
            nl++;
            if (s < e && !is_line_end(s, e)) {
                rows_any++;
                if (!par) rows_even++;
            }
        }
    }
    *parity = par;
    st->nl += nl;
    st->rows_even += rows_even;
    st->rows_odd += rows_any - rows_even;
}

/* Range j of the count plan: [bound[j] - 1, bound[j+1] - 1). A row starts
 * right after each LF outside quotes that is not followed by a blank line. */
static void csv_range_stats(void *ctx, size_t j, iaf_text_stats *st)
{
    const csv_reader *r = ctx;
    uint64_t off = r->bound[j] - 1, end = r->bound[j + 1] - 1;
    size_t step = iaf_text_window_bytes();
    iaf_text_win w = {0};
    unsigned parity = 0;
    memset(st, 0, sizeof *st);
    while (off < end) {
        size_t n = (size_t)IAF_MIN((uint64_t)step, end - off);
        /* two more bytes: the blank-line test looks past an LF */
        if (iaf_text_win_load(&r->in, &w, off, n + 2, NULL) != IAF_OK) {
            st->failed = 1;
            break;
        }
        stats_block(w.p, w.p + n, w.p + w.len, &parity, st);
        off += n;
    }
    iaf_text_win_free(&w);
    st->flip = (int)parity;
}

/* Start of part k >= 1: from the state at bound[k] - 1, the first byte
 * after the first LF outside quotes; its line and row index. */
static iaf_status part_start(csv_reader *r, size_t k, uint64_t *pos, long long *line,
                             long long *row, iaf_error *err)
{
    if (iaf_text_parts_handed(r->tp, k, pos, line, row)) return IAF_OK;
    iaf_text_stats pre;
    iaf_text_parts_prefix(r->tp, k, csv_range_stats, r, &pre);
    if (pre.failed)
        return iaf_error_set(err, IAF_ERR_IO, r->file, 0, 0, "read failed while planning parts");
    int inq = pre.flip;
    long long ln = r->data_line - 1 + pre.nl;
    uint64_t off = r->bound[k] - 1;
    iaf_text_win w = {0};
    iaf_status st = IAF_OK;
    *pos = r->in.size;
    while (off < r->in.size) {
        st = iaf_text_win_load(&r->in, &w, off, 0, err);
        if (st != IAF_OK) break;
        cup p = w.p, e = w.p + w.len, found = NULL;
        while (p < e && !found) {
            if (inq) {
                cup q = memchr(p, '"', (size_t)(e - p));
                ln += count_lf(p, q ? q : e);
                if (!q) break;
                p = q + 1;
                inq = 0;
            } else {
                cup q = p;
                while (q < e && *q != '"' && *q != '\n')
                    q++;
                if (q >= e) break;
                p = q + 1;
                if (*q == '\n') {
                    ln++;
                    found = q;
                } else {
                    inq = 1;
                }
            }
        }
        if (found) {
            *pos = w.off + (uint64_t)(found + 1 - w.p);
            break;
        }
        off = w.off + w.len;
    }
    iaf_text_win_free(&w);
    *line = ln;
    *row = pre.rows_even;
    return st;
}

static iaf_status run_part(csv_reader *r, size_t part, iaf_emit_fn emit, void *user, iaf_error *err,
                           int *emit_failed)
{
    size_t br = r->batch_rows;
    iaf_sv *colbuf = NULL;
    iaf_column *cols = NULL;
    iaf_scratch sc = {0};
    iaf_text_win w = {0};
    iaf_status st = IAF_OK;
    *emit_failed = 0;
    if (r->nuniq && br > SIZE_MAX / sizeof(iaf_sv) / r->nuniq)
        return iaf_error_set(err, IAF_ERR_LIMIT, r->file, 0, 0, "batch too large");
    colbuf = iaf_malloc(r->nuniq * br * sizeof *colbuf);
    cols = iaf_calloc(r->nproj, sizeof *cols);
    if (!colbuf || !cols) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, r->file, 0, 0, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < r->nproj; i++) {
        cols[i].kind = IAF_COL_STR;
        cols[i].str = colbuf + r->proj_slot[i] * br;
    }
    uint64_t pos = 0, size = r->in.size;
    long long line = 0, row = 0;
    if (part == 0) {
        pos = r->data_start;
        line = r->data_line;
        row = 0;
    } else {
        st = part_start(r, part, &pos, &line, &row, err);
        if (st != IAF_OK) goto cleanup;
    }
    uint64_t limit = part + 1 < r->nparts ? r->bound[part + 1] : size;
    const size_t ncols = r->hdr.ncols;
    row_out o = {colbuf, br, r->slot, NULL, &sc, 1};
    iaf_batch b = {0, r->nproj, cols, r->file, 0, row};
    csv_tok t;
    if (r->read_ahead) iaf_text_win_read_ahead(&r->in, &w);
    st = iaf_text_win_load(&r->in, &w, pos, 0, err);
    if (st != IAF_OK) goto cleanup;
    tok_window(r, &t, &w);
    size_t need = 0;
    for (;;) {
        cup p = w.p + (pos - w.off);
        skip_blank(&t, &p, &line);
        pos = w.off + (uint64_t)(p - w.p);
        int done = pos >= size || pos >= limit;
        int refill = !done && !w.eof && (p >= t.end || need);
        /* Views point into the window: hand them over before it moves. */
        if (b.nrows && (b.nrows == br || done || refill)) {
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
        if (refill) {
            st = iaf_text_win_load(&r->in, &w, pos, need, err);
            if (st != IAF_OK) goto cleanup;
            tok_window(r, &t, &w);
            need = 0;
            continue;
        }
        if (b.nrows == 0) b.first_line = line;
        o.out = colbuf + b.nrows;
        size_t nf;
        long long nl;
        cup q = p;
        st = parse_row(&t, &q, line, ncols, &o, &nf, &nl, err);
        if (needs_more(&t, &w, st, q)) {
            need = 2 * (size_t)(t.end - p) + 2;
            continue;
        }
        if (st != IAF_OK) goto cleanup;
        pos = w.off + (uint64_t)(q - w.p);
        line += 1 + nl;
        b.nrows++;
    }
    /* pos is the first row at or after the limit, as part_start would find it */
    if (part + 1 < r->nparts) iaf_text_parts_hand_over(r->tp, part + 1, pos, line, b.first_row);
cleanup:
    iaf_free(colbuf);
    iaf_free(cols);
    iaf_scratch_free(&sc);
    iaf_text_win_free(&w);
    return st;
}

static iaf_status csv_read_part(void *rd, size_t part, iaf_emit_fn emit, void *user, iaf_error *err)
{
    csv_reader *r = rd;
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
        /* Report the file's first error, whichever worker meets it: an
         * earlier part may hold an error that also misplaced this part's
         * start. Each earlier part is checked at most once. */
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

const iaf_reader_vtable iaf_csv_reader = {
    "csv",      csv_open,       csv_ncols,     csv_colname, csv_project,
    csv_nparts, csv_part_bytes, csv_read_part, csv_close,
};

/* ------------------------------------------------------------------------
 * Small tables
 * ------------------------------------------------------------------------ */

typedef struct csv_table_impl {
    iaf_csv_table pub;
    unsigned char *data; /* owned copy of the text; fields point here, NUL-terminated */
    size_t len;
    char *file;
    iaf_scratch sc;  /* unescaped fields */
    iaf_arena arena; /* header names */
} csv_table_impl;

void iaf_csv_table_free(iaf_csv_table *t)
{
    if (!t) return;
    csv_table_impl *ti = (csv_table_impl *)t;
    iaf_free(ti->data);
    iaf_free(ti->file);
    iaf_free(t->header);
    iaf_free(t->cells);
    iaf_free(t->line);
    iaf_scratch_free(&ti->sc);
    iaf_arena_free(&ti->arena);
    iaf_free(ti);
}

int iaf_csv_table_col(const iaf_csv_table *t, const char *name)
{
    size_t n = strlen(name);
    for (size_t c = 0; c < t->ncols; c++)
        if (t->header[c].len == n && memcmp(t->header[c].ptr, name, n) == 0) return (int)c;
    return -1;
}

/* Fields are views into the owned copy; the byte after each (delimiter,
 * closing quote or line end, no longer needed) becomes a NUL. Unescaped
 * fields live in scratch memory and are terminated already. */
static void terminate_views(csv_table_impl *ti, size_t n, const iaf_sv *v)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)v[i].ptr;
        if (p >= ti->data && p <= ti->data + ti->len) ti->data[p - ti->data + v[i].len] = 0;
    }
}

/* Takes ownership of data (n bytes plus one spare byte at data[n]). */
static iaf_status table_parse(unsigned char *data, size_t n, const char *name,
                              const iaf_csv_options *opt, iaf_csv_table **out, iaf_error *err)
{
    *out = NULL;
    iaf_status st;
    csv_header h = {0};
    csv_table_impl *ti = iaf_calloc(1, sizeof *ti);
    if (!ti) {
        iaf_free(data);
        return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    ti->data = data;
    ti->len = n;
    ti->file = iaf_strdup(name);
    if (!ti->file) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
        goto fail;
    }
    ti->pub.file = ti->file;
    csv_tok t;
    st = tok_init(&t, data, n, ti->file, default_delim(name, opt ? opt->delimiter : 0),
                  opt ? opt->comments : 0, err);
    if (st != IAF_OK) goto fail;
    cup p = t.base;
    long long line = 1;
    for (size_t k = 0; opt && k < opt->skip_lines && p < t.end; k++) {
        cup q = memchr(p, '\n', (size_t)(t.end - p));
        p = q ? q + 1 : t.end;
        line++;
    }
    st = parse_header(&t, &p, &line, &ti->arena, &h, 0, err);
    if (st != IAF_OK) goto fail;
    size_t nc = h.ncols;
    ti->pub.ncols = nc;
    ti->pub.header = iaf_malloc(nc * sizeof *ti->pub.header);
    if (!ti->pub.header) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
        goto fail;
    }
    for (size_t c = 0; c < nc; c++) {
        ti->pub.header[c].ptr = h.names[c];
        ti->pub.header[c].len = h.lens[c];
    }
    size_t line_cap = 0, cell_cap = 0, nrows = 0;
    row_out o = {NULL, 1, NULL, NULL, &ti->sc, 1};
    for (;;) {
        skip_blank(&t, &p, &line);
        if (p >= t.end) break;
        if (nc && nrows + 1 > IAF_CSV_TABLE_MAX_CELLS / nc) {
            st = iaf_error_set(err, IAF_ERR_LIMIT, name, line, 0,
                               "more than the limit of 67,108,864 cells for a table read whole");
            goto fail;
        }
        if (IAF_GROW(ti->pub.line, line_cap, nrows + 1) != 0 ||
            IAF_GROW(ti->pub.cells, cell_cap, (nrows + 1) * nc) != 0) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, name, line, 0, "out of memory");
            goto fail;
        }
        o.out = ti->pub.cells + nrows * nc;
        size_t nf;
        long long nl;
        st = parse_row(&t, &p, line, nc, &o, &nf, &nl, err);
        if (st != IAF_OK) goto fail;
        ti->pub.line[nrows] = line;
        line += 1 + nl;
        nrows++;
        ti->pub.nrows = nrows;
    }
    /* Only now: error positions above are found by looking back for LFs. */
    terminate_views(ti, nrows * nc, ti->pub.cells);
    header_free(&h);
    *out = &ti->pub;
    return IAF_OK;
fail:
    header_free(&h);
    iaf_csv_table_free(&ti->pub);
    return st;
}

static iaf_status table_too_large(const char *name, iaf_error *err)
{
    return iaf_error_set(err, IAF_ERR_LIMIT, name, 0, 0,
                         "larger than the limit of 1024 MiB for a table read whole (count "
                         "tables, crosswalks, classifications)");
}

static iaf_status table_from_bytes(const unsigned char *in, size_t n, const char *name,
                                   const iaf_csv_options *opt, iaf_csv_table **out, iaf_error *err)
{
    iaf_text_encoding enc;
    iaf_status st = iaf_text_encoding_parse(opt ? opt->encoding : NULL, &enc, name, err);
    if (st != IAF_OK) return st;
    if (n > IAF_CSV_TABLE_MAX_BYTES) return table_too_large(name, err);
    unsigned char *data;
    size_t len;
    if (enc != IAF_ENC_UTF8) {
        st = iaf_to_utf8(opt->encoding, in, n, &data, &len, name, err);
        if (st != IAF_OK) return st;
    } else {
        data = iaf_malloc(n + 1);
        if (!data) return iaf_error_set(err, IAF_ERR_NOMEM, name, 0, 0, "out of memory");
        if (n) memcpy(data, in, n);
        data[n] = 0;
        len = n;
    }
    return table_parse(data, len, name, opt, out, err);
}

iaf_status iaf_csv_table_read_memory(const void *data, size_t n, const char *name,
                                     const iaf_csv_options *opt, iaf_csv_table **out,
                                     iaf_error *err)
{
    *out = NULL;
    return table_from_bytes(data ? data : (const void *)"", data ? n : 0, name ? name : "<memory>",
                            opt, out, err);
}

iaf_status iaf_csv_table_read(const char *path, const iaf_csv_options *opt, iaf_csv_table **out,
                              iaf_error *err)
{
    *out = NULL;
    iaf_file *f;
    iaf_status st = iaf_file_open(path, &f, err);
    if (st != IAF_OK) return st;
    const unsigned char *data;
    if (iaf_file_size(f) > IAF_CSV_TABLE_MAX_BYTES)
        st = table_too_large(path, err); /* before mapping it */
    else
        st = iaf_file_map(f, &data, err);
    if (st == IAF_OK) st = table_from_bytes(data, (size_t)iaf_file_size(f), path, opt, out, err);
    iaf_file_close(f);
    return st;
}

int iaf_csv_write_field(iaf_buf *b, const char *s, size_t n)
{
    int quote = 0;
    if (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')) quote = 1;
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') quote = 1;
    if (!quote) return n ? iaf_buf_append(b, s, n) : 0;
    if (iaf_buf_reserve(b, n + 2) != 0) return -1;
    if (iaf_buf_append(b, "\"", 1) != 0) return -1;
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            if (iaf_buf_append(b, s + from, i + 1 - from) != 0) return -1;
            from = i;
        }
    }
    if (iaf_buf_append(b, s + from, n - from) != 0) return -1;
    return iaf_buf_append(b, "\"", 1);
}
