/* Page decompression through the Debian codec libraries.
 *
 * Every decoder writes into a buffer of exactly the size the page header
 * announces and must produce exactly that many bytes: a short or long result
 * means the header or the data is corrupt.
 */
#include <brotli/decode.h>
#include <lz4.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "io/parquet/parquet.h"

static iaf_status fail(char *msg, size_t msgsize, const char *fmt, const char *what)
{
    snprintf(msg, msgsize, fmt, what);
    return IAF_ERR_PARSE;
}

static iaf_status do_snappy(const unsigned char *src, size_t n, unsigned char *dst, size_t dn,
                            char *msg, size_t ms)
{
    size_t ulen = 0;
    if (snappy_uncompressed_length((const char *)src, n, &ulen) != SNAPPY_OK)
        return fail(msg, ms, "corrupt %s data (bad length header)", "snappy");
    if (ulen != dn) {
        snprintf(msg, ms, "snappy data decompresses to %zu bytes, page header says %zu", ulen, dn);
        return IAF_ERR_PARSE;
    }
    size_t out = dn;
    if (snappy_uncompress((const char *)src, n, (char *)dst, &out) != SNAPPY_OK || out != dn)
        return fail(msg, ms, "corrupt %s data", "snappy");
    return IAF_OK;
}

/* gzip or zlib streams, possibly several concatenated members. */
static iaf_status do_gzip(const unsigned char *src, size_t n, unsigned char *dst, size_t dn,
                          char *msg, size_t ms)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) return fail(msg, ms, "%s: cannot initialise", "gzip");
    size_t in_off = 0, out_off = 0;
    iaf_status st = IAF_OK;
    for (;;) {
        z.next_in = (Bytef *)(src + in_off);
        z.avail_in = (uInt)IAF_MIN(n - in_off, (size_t)UINT32_MAX);
        z.next_out = dst + out_off;
        z.avail_out = (uInt)IAF_MIN(dn - out_off, (size_t)UINT32_MAX);
        int rc = inflate(&z, Z_FINISH);
        in_off = (size_t)((const unsigned char *)z.next_in - src);
        out_off = (size_t)(z.next_out - dst);
        if (rc == Z_STREAM_END) {
            /* skip zero padding some writers leave after the last member */
            while (in_off < n && src[in_off] == 0)
                in_off++;
            if (in_off >= n || out_off >= dn) break;
            if (inflateReset(&z) != Z_OK) {
                st = fail(msg, ms, "corrupt %s data", "gzip");
                break;
            }
            continue;
        }
        if (rc == Z_BUF_ERROR && out_off == dn) {
            st = fail(msg, ms, "%s data decompresses to more bytes than the page header says",
                      "gzip");
            break;
        }
        if (rc != Z_OK || z.avail_in == 0) {
            st = fail(msg, ms, "corrupt or truncated %s data", "gzip");
            break;
        }
    }
    inflateEnd(&z);
    if (st == IAF_OK && out_off != dn) {
        snprintf(msg, ms, "gzip data decompresses to %zu bytes, page header says %zu", out_off, dn);
        st = IAF_ERR_PARSE;
    }
    return st;
}

static iaf_status do_zstd(void **zctx, const unsigned char *src, size_t n, unsigned char *dst,
                          size_t dn, char *msg, size_t ms)
{
    /* a context kept by the caller: ZSTD_decompress creates and frees one per page */
    if (zctx && !*zctx) *zctx = ZSTD_createDCtx();
    size_t r = zctx && *zctx ? ZSTD_decompressDCtx(*zctx, dst, dn, src, n)
                             : ZSTD_decompress(dst, dn, src, n);
    if (ZSTD_isError(r)) {
        snprintf(msg, ms, "corrupt zstd data: %s", ZSTD_getErrorName(r));
        return IAF_ERR_PARSE;
    }
    if (r != dn) {
        snprintf(msg, ms, "zstd data decompresses to %zu bytes, page header says %zu", r, dn);
        return IAF_ERR_PARSE;
    }
    return IAF_OK;
}

static iaf_status do_lz4_raw(const unsigned char *src, size_t n, unsigned char *dst, size_t dn,
                             char *msg, size_t ms)
{
    if (n > INT32_MAX || dn > INT32_MAX) return fail(msg, ms, "%s page too large", "lz4");
    int r = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)dn);
    if (r < 0) return fail(msg, ms, "corrupt %s data", "lz4");
    if ((size_t)r != dn) {
        snprintf(msg, ms, "lz4 data decompresses to %d bytes, page header says %zu", r, dn);
        return IAF_ERR_PARSE;
    }
    return IAF_OK;
}

static iaf_status do_lz4_frame(const unsigned char *src, size_t n, unsigned char *dst, size_t dn,
                               char *msg, size_t ms)
{
    LZ4F_dctx *ctx = NULL;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION)))
        return fail(msg, ms, "%s: cannot initialise", "lz4 frame");
    size_t in_off = 0, out_off = 0;
    iaf_status st = IAF_OK;
    while (in_off < n) {
        size_t in_sz = n - in_off, out_sz = dn - out_off;
        size_t r = LZ4F_decompress(ctx, dst + out_off, &out_sz, src + in_off, &in_sz, NULL);
        if (LZ4F_isError(r)) {
            st = fail(msg, ms, "corrupt %s data", "lz4 frame");
            break;
        }
        in_off += in_sz;
        out_off += out_sz;
        if (r == 0) {
            if (in_off < n) continue; /* another frame follows */
            break;
        }
        if (in_sz == 0 && out_sz == 0) {
            st = fail(msg, ms, "truncated %s data", "lz4 frame");
            break;
        }
    }
    LZ4F_freeDecompressionContext(ctx);
    if (st == IAF_OK && out_off != dn) {
        snprintf(msg, ms, "lz4 frame decompresses to %zu bytes, page header says %zu", out_off, dn);
        st = IAF_ERR_PARSE;
    }
    return st;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop's LZ4 codec: blocks of [u32 BE decompressed size][u32 BE compressed
 * size][raw LZ4 block]. Older parquet-cpp wrote plain raw blocks under the
 * same codec id, so anything that does not parse as Hadoop framing is tried
 * as a raw block, then as an LZ4 frame. */
static int try_hadoop(const unsigned char *src, size_t n, unsigned char *dst, size_t dn)
{
    size_t in = 0, out = 0;
    while (in < n) {
        if (n - in < 8) return -1;
        uint32_t ulen = be32(src + in), clen = be32(src + in + 4);
        in += 8;
        if (clen > n - in || ulen > dn - out) return -1;
        /* a block may itself hold several inner blocks; Arrow writes one */
        int r =
            LZ4_decompress_safe((const char *)src + in, (char *)dst + out, (int)clen, (int)ulen);
        if (r < 0 || (uint32_t)r != ulen) return -1;
        in += clen;
        out += ulen;
    }
    return out == dn ? 0 : -1;
}

static iaf_status do_lz4_hadoop(const unsigned char *src, size_t n, unsigned char *dst, size_t dn,
                                char *msg, size_t ms)
{
    if (n > INT32_MAX || dn > INT32_MAX) return fail(msg, ms, "%s page too large", "lz4");
    if (try_hadoop(src, n, dst, dn) == 0) return IAF_OK;
    if (n >= 4 && src[0] == 0x04 && src[1] == 0x22 && src[2] == 0x4d && src[3] == 0x18)
        return do_lz4_frame(src, n, dst, dn, msg, ms);
    int r = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)dn);
    if (r >= 0 && (size_t)r == dn) return IAF_OK;
    return fail(msg, ms, "corrupt %s data (neither Hadoop framing, a raw block nor a frame)",
                "lz4");
}

static iaf_status do_brotli(const unsigned char *src, size_t n, unsigned char *dst, size_t dn,
                            char *msg, size_t ms)
{
    size_t out = dn;
    BrotliDecoderResult r = BrotliDecoderDecompress(n, src, &out, dst);
    if (r != BROTLI_DECODER_RESULT_SUCCESS) {
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT)
            return fail(msg, ms, "%s data decompresses to more bytes than the page header says",
                        "brotli");
        return fail(msg, ms, "corrupt %s data", "brotli");
    }
    if (out != dn) {
        snprintf(msg, ms, "brotli data decompresses to %zu bytes, page header says %zu", out, dn);
        return IAF_ERR_PARSE;
    }
    return IAF_OK;
}

iaf_status iaf_pq_decompress(int codec, const unsigned char *src, size_t src_len,
                             unsigned char *dst, size_t dst_len, char *msg, size_t msgsize)
{
    return iaf_pq_decompress_ctx(NULL, codec, src, src_len, dst, dst_len, msg, msgsize);
}

void iaf_pq_decompress_ctx_free(void *zctx)
{
    ZSTD_freeDCtx(zctx);
}

iaf_status iaf_pq_decompress_ctx(void **zctx, int codec, const unsigned char *src, size_t src_len,
                                 unsigned char *dst, size_t dst_len, char *msg, size_t msgsize)
{
    msg[0] = '\0';
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        if (src_len != dst_len) {
            snprintf(msg, msgsize,
                     "uncompressed page has compressed size %zu but uncompressed size %zu", src_len,
                     dst_len);
            return IAF_ERR_PARSE;
        }
        if (dst_len) memcpy(dst, src, dst_len);
        return IAF_OK;
    case PQ_CODEC_SNAPPY:
        return do_snappy(src, src_len, dst, dst_len, msg, msgsize);
    case PQ_CODEC_GZIP:
        return do_gzip(src, src_len, dst, dst_len, msg, msgsize);
    case PQ_CODEC_ZSTD:
        return do_zstd(zctx, src, src_len, dst, dst_len, msg, msgsize);
    case PQ_CODEC_LZ4:
        return do_lz4_hadoop(src, src_len, dst, dst_len, msg, msgsize);
    case PQ_CODEC_LZ4_RAW:
        return do_lz4_raw(src, src_len, dst, dst_len, msg, msgsize);
    case PQ_CODEC_BROTLI:
        return do_brotli(src, src_len, dst, dst_len, msg, msgsize);
    case PQ_CODEC_LZO:
        snprintf(msg, msgsize, "unsupported: codec LZO");
        return IAF_ERR_UNSUPPORTED;
    default:
        snprintf(msg, msgsize, "unsupported: codec %d", codec);
        return IAF_ERR_UNSUPPORTED;
    }
}
