/* Integer stream decoders: the RLE / bit-packed hybrid (levels, booleans and
 * dictionary indices), legacy BIT_PACKED levels and DELTA_BINARY_PACKED.
 *
 * The hybrid decoder is the hot loop of a dictionary-encoded scan, so its
 * bit-packed runs are unpacked 8 values at a time by a routine instantiated
 * for each constant width (the compiler turns the shifts into immediates).
 */
#include <string.h>

#include "io/parquet/parquet.h"

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

static uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* Unpack ngroups groups of 8 values of width w (LSB first). The input must
 * have 8 readable bytes past the last group (callers pad when needed). */
static ALWAYS_INLINE void unpack_groups(const unsigned char *p, uint32_t *out, size_t ngroups,
                                        const int w)
{
    const uint64_t mask = w == 32 ? 0xffffffffu : (((uint64_t)1 << w) - 1);
    for (size_t g = 0; g < ngroups; g++) {
        for (int j = 0; j < 8; j++) {
            const int bit = j * w;
            out[j] = (uint32_t)((load64(p + (bit >> 3)) >> (bit & 7)) & mask);
        }
        p += w;
        out += 8;
    }
}

#define CASE(W)                                                                                    \
    case W:                                                                                        \
        unpack_groups(p, out, ngroups, W);                                                         \
        break;

static void unpack_dispatch(const unsigned char *p, uint32_t *out, size_t ngroups, int w)
{
    switch (w) {
        CASE(1)
        CASE(2)
        CASE(3)
        CASE(4)
        CASE(5)
        CASE(6)
        CASE(7)
        CASE(8)
        CASE(9)
        CASE(10)
        CASE(11)
        CASE(12)
        CASE(13)
        CASE(14)
        CASE(15)
        CASE(16)
        CASE(17)
        CASE(18)
        CASE(19)
        CASE(20)
        CASE(21)
        CASE(22)
        CASE(23)
        CASE(24)
    default:
        for (size_t g = 0; g < ngroups; g++) {
            for (int j = 0; j < 8; j++) {
                int bit = j * w;
                uint64_t v = load64(p + (bit >> 3)) >> (bit & 7);
                out[8 * g + (size_t)j] = (uint32_t)(v & (w == 32 ? 0xffffffffu : ((1u << w) - 1)));
            }
            p += w;
        }
    }
}
#undef CASE

static int read_uvarint(const unsigned char **pp, const unsigned char *end, uint64_t *out)
{
    const unsigned char *p = *pp;
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end) return -1;
        unsigned char b = *p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *pp = p;
            *out = v;
            return 0;
        }
    }
    return -1;
}

int iaf_pq_rle_decode(const unsigned char *p, size_t len, int width, uint32_t *out, size_t n)
{
    if (width < 0 || width > 32) return -1;
    const unsigned char *end = p + len;
    size_t done = 0;
    const int vbytes = (width + 7) / 8;
    while (done < n) {
        uint64_t h;
        if (read_uvarint(&p, end, &h) != 0) return -1;
        if (h & 1) {
            uint64_t ngroups = h >> 1;
            if (ngroups == 0) continue;
            if (ngroups > ((uint64_t)1 << 40)) return -1;
            uint64_t nvals = ngroups * 8;
            size_t want = (size_t)IAF_MIN(nvals, (uint64_t)(n - done));
            size_t run_bytes = (size_t)(ngroups * (uint64_t)width);
            size_t avail = (size_t)(end - p);
            /* writers sometimes cut the final run short after the last real value */
            size_t need_bytes = (want * (size_t)width + 7) / 8;
            if (need_bytes > avail) return -1;
            if (width == 0) {
                memset(out + done, 0, want * sizeof *out);
            } else {
                size_t full = want / 8;
                /* groups whose 8-byte window stays inside the buffer decode in place */
                size_t fast = 0;
                if (avail >= 8 + (size_t)width) fast = (avail - 8) / (size_t)width;
                if (fast > full) fast = full;
                unpack_dispatch(p, out + done, fast, width);
                for (size_t g = fast; g * 8 < want; g++) {
                    unsigned char tmp[48];
                    uint32_t vals[8];
                    size_t off = g * (size_t)width;
                    size_t k = IAF_MIN((size_t)width, avail - IAF_MIN(avail, off));
                    memset(tmp, 0, sizeof tmp);
                    if (k) memcpy(tmp, p + off, k);
                    unpack_dispatch(tmp, vals, 1, width);
                    size_t m = IAF_MIN((size_t)8, want - g * 8);
                    memcpy(out + done + g * 8, vals, m * sizeof *vals);
                }
            }
            done += want;
            p += IAF_MIN(run_bytes, avail);
        } else {
            uint64_t count = h >> 1;
            if ((size_t)(end - p) < (size_t)vbytes) return -1;
            uint32_t v = 0;
            for (int i = 0; i < vbytes; i++)
                v |= (uint32_t)p[i] << (8 * i);
            p += vbytes;
            size_t m = (size_t)IAF_MIN(count, (uint64_t)(n - done));
            if (v == 0) {
                memset(out + done, 0, m * sizeof *out);
            } else {
                uint32_t *o = out + done;
                for (size_t i = 0; i < m; i++)
                    o[i] = v;
            }
            done += m;
        }
    }
    return 0;
}

int iaf_pq_bitpacked_msb_decode(const unsigned char *p, size_t len, int width, uint32_t *out,
                                size_t n)
{
    if (width < 0 || width > 32) return -1;
    if ((uint64_t)n * (uint64_t)width > (uint64_t)len * 8) return -1;
    uint64_t bit = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = 0;
        for (int b = 0; b < width; b++, bit++) {
            unsigned byte = p[bit >> 3];
            v = (v << 1) | ((byte >> (7 - (bit & 7))) & 1u);
        }
        out[i] = v;
    }
    return 0;
}

/* Reads the DELTA_BINARY_PACKED header. */
typedef struct delta_hdr {
    uint64_t block, mini, total;
    int64_t first;
} delta_hdr;

static int delta_header(const unsigned char **pp, const unsigned char *end, delta_hdr *h)
{
    uint64_t first;
    if (read_uvarint(pp, end, &h->block) || read_uvarint(pp, end, &h->mini) ||
        read_uvarint(pp, end, &h->total) || read_uvarint(pp, end, &first))
        return -1;
    h->first = (int64_t)(first >> 1) ^ -(int64_t)(first & 1);
    if (h->block == 0 || h->block % 128 != 0 || h->block > (1u << 20)) return -1;
    if (h->mini == 0 || h->block % h->mini != 0 || (h->block / h->mini) % 32 != 0) return -1;
    return 0;
}

/* The announced count is believed only as far as the blocks after the header
 * can hold it: every block of B values costs at least its min-delta varint and
 * its M bit widths (1 + M bytes, bit width 0), more for wider miniblocks. A
 * fixed ratio of values to page bytes refused real pages (a DuckDB sequence:
 * 122,880 values, every width 0, in 577 bytes); walking the block headers
 * accepts every page the format allows and refuses counts the bytes cannot
 * carry, before anything is allocated for them. */
int iaf_pq_delta_count(const unsigned char *p, size_t len, uint64_t *count)
{
    const unsigned char *end = p + len;
    delta_hdr h;
    if (delta_header(&p, end, &h)) return -1;
    uint64_t per_mini = h.block / h.mini, have = h.total ? 1 : 0;
    while (have < h.total) {
        uint64_t zz;
        if (read_uvarint(&p, end, &zz) || (uint64_t)(end - p) < h.mini) return -1;
        const unsigned char *widths = p;
        p += h.mini;
        for (uint64_t mi = 0; mi < h.mini && have < h.total; mi++) {
            if (widths[mi] > 64) return -1;
            uint64_t m = IAF_MIN(per_mini, h.total - have);
            uint64_t need = (m * widths[mi] + 7) / 8; /* bytes of the values used */
            if (need > (uint64_t)(end - p)) return -1;
            /* the decoder skips a whole miniblock, or what is left of the page */
            p += (size_t)IAF_MIN(per_mini * widths[mi] / 8, (uint64_t)(end - p));
            have += m;
        }
    }
    *count = h.total;
    return 0;
}

int iaf_pq_delta_decode(const unsigned char *p, size_t len, int64_t *out, size_t n, size_t *used)
{
    const unsigned char *start = p, *end = p + len;
    delta_hdr h;
    if (delta_header(&p, end, &h)) return -1;
    if (h.total != n) return -1;
    if (n == 0) {
        *used = (size_t)(p - start);
        return 0;
    }
    uint64_t per_mini = h.block / h.mini;
    uint64_t last = (uint64_t)h.first;
    out[0] = h.first;
    size_t count = 1;
    while (count < n) {
        uint64_t zz;
        if (read_uvarint(&p, end, &zz)) return -1;
        uint64_t min_delta = (zz >> 1) ^ (uint64_t) - (int64_t)(zz & 1);
        if ((uint64_t)(end - p) < h.mini) return -1;
        const unsigned char *widths = p;
        p += h.mini;
        for (uint64_t mi = 0; mi < h.mini && count < n; mi++) {
            int w = widths[mi];
            if (w > 64) return -1;
            uint64_t bytes = per_mini * (uint64_t)w / 8;
            size_t m = (size_t)IAF_MIN(per_mini, (uint64_t)(n - count));
            if ((uint64_t)m * (uint64_t)w > (uint64_t)(end - p) * 8) return -1;
            uint64_t bit = 0;
            for (size_t i = 0; i < m; i++) {
                uint64_t v = 0;
                if (w) {
                    /* gather w bits starting at bit, LSB first */
                    int got = 0;
                    while (got < w) {
                        uint64_t byte = p[bit >> 3];
                        int off = (int)(bit & 7);
                        int take = IAF_MIN(8 - off, w - got);
                        v |= ((byte >> off) & ((1u << take) - 1)) << got;
                        got += take;
                        bit += (uint64_t)take;
                    }
                }
                last = last + min_delta + v;
                out[count++] = (int64_t)last;
            }
            p += (size_t)IAF_MIN(bytes, (uint64_t)(end - p));
        }
    }
    *used = (size_t)(p - start);
    return 0;
}

void iaf_pq_rle_init(iaf_pq_rle *d, const unsigned char *p, size_t len, int width)
{
    memset(d, 0, sizeof *d);
    d->p = p;
    d->end = p + len;
    d->width = width;
    d->grp_pos = 8;
}

/* Unpack the group at d->p (possibly cut short by the end of data) into d->grp. */
static void load_group(iaf_pq_rle *d)
{
    size_t avail = (size_t)(d->end - d->p);
    size_t w = (size_t)d->width;
    if (avail >= w + 8) {
        unpack_dispatch(d->p, d->grp, 1, d->width);
    } else {
        unsigned char tmp[48];
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, d->p, IAF_MIN(avail, w));
        unpack_dispatch(tmp, d->grp, 1, d->width);
    }
    d->p += IAF_MIN(avail, w);
    d->grp_pos = 0;
}

int iaf_pq_rle_skip_run(iaf_pq_rle *d, uint32_t v, size_t n)
{
    const int w = d->width;
    if (w < 0 || w > 32 || d->bp_left) return 0;
    if (!d->rle_left) {
        /* read the next run's header; a bad one is left for iaf_pq_rle_next to report */
        const unsigned char *p = d->p;
        uint64_t h;
        if (p >= d->end || read_uvarint(&p, d->end, &h) != 0 || (h & 1)) return 0;
        int vbytes = (w + 7) / 8;
        if ((size_t)(d->end - p) < (size_t)vbytes) return 0;
        uint32_t x = 0;
        for (int i = 0; i < vbytes; i++)
            x |= (uint32_t)p[i] << (8 * i);
        d->p = p + vbytes;
        d->rle_val = x;
        d->rle_left = h >> 1;
    }
    if (d->rle_val != v || d->rle_left < n) return 0;
    d->rle_left -= n;
    return 1;
}

int iaf_pq_rle_next(iaf_pq_rle *d, uint32_t *out, size_t n)
{
    const int w = d->width;
    if (w < 0 || w > 32) return -1;
    while (n > 0) {
        if (d->rle_left) {
            size_t m = (size_t)IAF_MIN(d->rle_left, (uint64_t)n);
            uint32_t v = d->rle_val;
            for (size_t i = 0; i < m; i++)
                out[i] = v;
            out += m;
            n -= m;
            d->rle_left -= m;
            continue;
        }
        if (d->bp_left) {
            if (d->grp_pos < 8) {
                size_t m = IAF_MIN((size_t)(8 - d->grp_pos), n);
                m = (size_t)IAF_MIN((uint64_t)m, d->bp_left);
                memcpy(out, d->grp + d->grp_pos, m * sizeof *out);
                d->grp_pos += (int)m;
                d->bp_left -= m;
                out += m;
                n -= m;
                continue;
            }
            /* whole groups straight into out while their bytes are in bounds */
            size_t groups = (size_t)IAF_MIN(d->bp_left / 8, (uint64_t)(n / 8));
            size_t avail = (size_t)(d->end - d->p);
            if (w == 0) {
                memset(out, 0, groups * 8 * sizeof *out);
            } else {
                size_t fit = avail >= (size_t)w + 8 ? (avail - 8) / (size_t)w : 0;
                if (groups > fit) groups = fit;
                if (groups) unpack_dispatch(d->p, out, groups, w);
                d->p += groups * (size_t)w;
            }
            if (groups) {
                out += groups * 8;
                n -= groups * 8;
                d->bp_left -= groups * 8;
                continue;
            }
            if (w && d->p >= d->end) return -1;
            if (w == 0) {
                memset(d->grp, 0, sizeof d->grp);
                d->grp_pos = 0;
            } else {
                load_group(d);
            }
            /* the run's last group may hold padding values beyond bp_left */
            if (d->bp_left < 8) d->grp_pos = 0;
            continue;
        }
        uint64_t h;
        if (read_uvarint(&d->p, d->end, &h) != 0) return -1;
        if (h & 1) {
            if ((h >> 1) > ((uint64_t)1 << 40)) return -1;
            d->bp_left = (h >> 1) * 8;
            d->grp_pos = 8;
        } else {
            int vbytes = (w + 7) / 8;
            if ((size_t)(d->end - d->p) < (size_t)vbytes) return -1;
            uint32_t v = 0;
            for (int i = 0; i < vbytes; i++)
                v |= (uint32_t)d->p[i] << (8 * i);
            d->p += vbytes;
            d->rle_val = v;
            d->rle_left = h >> 1;
        }
    }
    return 0;
}
