/* How Parquet values become engine values: the choice of batch kind for each
 * leaf type and the text of typed values (dates, timestamps, decimals, ...).
 * The rules are documented in docs/parquet.md; keep the two in step.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "io/parquet/parquet.h"
#include "util/util.h"

/* Decimal digits are computed by long division; longer unscaled values are
 * delivered as raw bytes (no writer produces them: precision tops out at 76). */
#define DECIMAL_MAX_BYTES 128

void iaf_pq_conv_for(const iaf_pq_schema *s, iaf_pq_conv *c)
{
    const iaf_pq_logical *lt = &s->logical;
    int ct = s->converted;
    memset(c, 0, sizeof *c);
    c->conv = PQ_CONV_RAW;
    c->pres = PQ_PRES_STR;
    int is_decimal = lt->kind == PQ_LT_DECIMAL || (lt->kind == PQ_LT_NONE && ct == PQ_CT_DECIMAL);
    c->scale = lt->kind == PQ_LT_DECIMAL ? lt->scale : s->scale;
    if (c->scale < 0 || c->scale > 1000) c->scale = 0;
    if (lt->kind == PQ_LT_UNKNOWN) {
        c->conv = PQ_CONV_NULL;
        c->pres = s->type == PQ_FLOAT || s->type == PQ_DOUBLE  ? PQ_PRES_F64
                  : s->type == PQ_INT32 || s->type == PQ_INT64 ? PQ_PRES_I64
                                                               : PQ_PRES_STR;
        return;
    }
    switch (s->type) {
    case PQ_BOOLEAN:
        c->conv = PQ_CONV_BOOL;
        return;
    case PQ_INT32:
    case PQ_INT64:
        if (is_decimal) {
            c->conv = PQ_CONV_DECIMAL;
            return;
        }
        if (lt->kind == PQ_LT_DATE || (lt->kind == PQ_LT_NONE && ct == PQ_CT_DATE)) {
            c->conv = PQ_CONV_DATE;
            return;
        }
        if (lt->kind == PQ_LT_TIME) {
            c->conv = PQ_CONV_TIME;
            c->unit = lt->unit ? lt->unit : (s->type == PQ_INT32 ? PQ_UNIT_MILLIS : PQ_UNIT_MICROS);
            return;
        }
        if (lt->kind == PQ_LT_NONE && (ct == PQ_CT_TIME_MILLIS || ct == PQ_CT_TIME_MICROS)) {
            c->conv = PQ_CONV_TIME;
            c->unit = ct == PQ_CT_TIME_MILLIS ? PQ_UNIT_MILLIS : PQ_UNIT_MICROS;
            return;
        }
        if (s->type == PQ_INT64 && lt->kind == PQ_LT_TIMESTAMP) {
            c->conv = PQ_CONV_TIMESTAMP;
            c->unit = lt->unit ? lt->unit : PQ_UNIT_MICROS;
            return;
        }
        if (s->type == PQ_INT64 && lt->kind == PQ_LT_NONE &&
            (ct == PQ_CT_TIMESTAMP_MILLIS || ct == PQ_CT_TIMESTAMP_MICROS)) {
            c->conv = PQ_CONV_TIMESTAMP;
            c->unit = ct == PQ_CT_TIMESTAMP_MILLIS ? PQ_UNIT_MILLIS : PQ_UNIT_MICROS;
            return;
        }
        {
            int is_unsigned = (lt->kind == PQ_LT_INTEGER && !lt->is_signed) ||
                              (lt->kind == PQ_LT_NONE && ct >= PQ_CT_UINT_8 && ct <= PQ_CT_UINT_64);
            if (is_unsigned && s->type == PQ_INT64) {
                c->conv = PQ_CONV_UINT64;
                return;
            }
            c->conv = is_unsigned ? PQ_CONV_UINT32 : PQ_CONV_INT;
            c->pres = PQ_PRES_I64;
            return;
        }
    case PQ_INT96:
        c->conv = PQ_CONV_INT96;
        return;
    case PQ_FLOAT:
    case PQ_DOUBLE:
        c->conv = PQ_CONV_FLOAT;
        c->pres = PQ_PRES_F64;
        return;
    case PQ_BYTE_ARRAY:
        if (is_decimal) c->conv = PQ_CONV_DECIMAL;
        return;
    case PQ_FLBA:
        if (is_decimal)
            c->conv = PQ_CONV_DECIMAL;
        else if (lt->kind == PQ_LT_FLOAT16 && s->type_length == 2) {
            c->conv = PQ_CONV_FLOAT16;
            c->pres = PQ_PRES_F64;
        } else if (lt->kind == PQ_LT_UUID && s->type_length == 16)
            c->conv = PQ_CONV_UUID;
        return;
    default:
        return;
    }
}

size_t iaf_pq_text_max(size_t len)
{
    /* decimals: 2.41 digits per byte, up to 1000 zeros of scale, sign and point */
    return len * 3 + 1100;
}

double iaf_pq_half_to_double(uint16_t h)
{
    int sign = h >> 15, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
    double v;
    if (exp == 0)
        v = ldexp((double)frac, -24);
    else if (exp == 31)
        v = frac ? NAN : INFINITY;
    else
        v = ldexp((double)(frac | 0x400), exp - 25);
    return sign ? -v : v;
}

size_t iaf_pq_decimal_text(const unsigned char *p, size_t len, int scale, char *buf)
{
    unsigned char mag[DECIMAL_MAX_BYTES];
    int neg = len > 0 && (p[0] & 0x80);
    /* strip redundant sign-extension bytes */
    size_t skip = 0;
    while (skip + 1 < len && p[skip] == (neg ? 0xff : 0x00) && ((p[skip + 1] & 0x80) != 0) == neg)
        skip++;
    p += skip;
    len -= skip;
    if (len > DECIMAL_MAX_BYTES) {
        memcpy(buf, p, len);
        return len;
    }
    memcpy(mag, p, len);
    if (neg) {
        /* two's complement negation: invert and add one */
        int carry = 1;
        for (size_t i = len; i-- > 0;) {
            int v = (unsigned char)~mag[i] + carry;
            mag[i] = (unsigned char)v;
            carry = v >> 8;
        }
    }
    /* repeated division by 10 of the big-endian magnitude */
    char digits[DECIMAL_MAX_BYTES * 3 + 4];
    size_t nd = 0, start = 0;
    while (start < len && mag[start] == 0)
        start++;
    while (start < len) {
        unsigned rem = 0;
        for (size_t i = start; i < len; i++) {
            unsigned cur = rem * 256 + mag[i];
            mag[i] = (unsigned char)(cur / 10);
            rem = cur % 10;
        }
        digits[nd++] = (char)('0' + rem);
        while (start < len && mag[start] == 0)
            start++;
    }
    size_t n = 0;
    int is_zero = nd == 0;
    if (neg && !is_zero) buf[n++] = '-';
    size_t sc = (size_t)scale;
    if (nd <= sc) {
        buf[n++] = '0';
        if (sc) {
            buf[n++] = '.';
            for (size_t i = nd; i < sc; i++)
                buf[n++] = '0';
            for (size_t i = nd; i-- > 0;)
                buf[n++] = digits[i];
        }
    } else {
        for (size_t i = nd; i-- > sc;)
            buf[n++] = digits[i];
        if (sc) {
            buf[n++] = '.';
            for (size_t i = sc; i-- > 0;)
                buf[n++] = digits[i];
        }
    }
    return n;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

/* a mod b in [0, b) for b > 0. Not a - floordiv(a, b) * b: near INT64_MIN
 * that product overflows (values are file data, any bit pattern). */
static int64_t floormod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/* Gregorian date from days since 1970-01-01 (era-based civil calendar
 * arithmetic; valid over the whole int64 day range used here). */
static void civil(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = floordiv(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (*m <= 2);
}

static size_t put_date(char *buf, int64_t days)
{
    int64_t y;
    int m, d;
    civil(days, &y, &m, &d);
    if (y < 0) return (size_t)sprintf(buf, "-%04lld-%02d-%02d", -(long long)y, m, d);
    return (size_t)sprintf(buf, "%04lld-%02d-%02d", (long long)y, m, d);
}

/* HH:MM:SS[.frac] of a non-negative offset within a day, in 10^-digits s. */
static size_t put_time(char *buf, int64_t ticks, int64_t per_sec, int digits)
{
    int64_t secs = ticks / per_sec, frac = ticks % per_sec;
    size_t n = (size_t)sprintf(buf, "%02lld:%02lld:%02lld", (long long)(secs / 3600),
                               (long long)(secs / 60 % 60), (long long)(secs % 60));
    if (frac) {
        char f[16];
        int k = sprintf(f, "%0*lld", digits, (long long)frac);
        while (k > 0 && f[k - 1] == '0')
            k--;
        buf[n++] = '.';
        memcpy(buf + n, f, (size_t)k);
        n += (size_t)k;
    }
    return n;
}

static int64_t unit_per_sec(int unit, int *digits)
{
    switch (unit) {
    case PQ_UNIT_MILLIS:
        *digits = 3;
        return 1000;
    case PQ_UNIT_NANOS:
        *digits = 9;
        return 1000000000;
    default:
        *digits = 6;
        return 1000000;
    }
}

static size_t put_timestamp(char *buf, int64_t v, int unit)
{
    int digits;
    int64_t per_sec = unit_per_sec(unit, &digits);
    int64_t per_day = per_sec * 86400;
    int64_t days = floordiv(v, per_day);
    int64_t rest = floormod(v, per_day);
    size_t n = put_date(buf, days);
    buf[n++] = ' ';
    return n + put_time(buf + n, rest, per_sec, digits);
}

static int32_t le32(const unsigned char *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (int32_t)v;
}

static int64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return (int64_t)v;
}

size_t iaf_pq_render(const iaf_pq_conv *c, int type, const unsigned char *p, size_t len, char *buf)
{
    switch (c->conv) {
    case PQ_CONV_BOOL:
        if (len && p[0]) {
            memcpy(buf, "true", 4);
            return 4;
        }
        memcpy(buf, "false", 5);
        return 5;
    case PQ_CONV_INT:
        if (type == PQ_INT32 && len >= 4) return iaf_fmt_i64(buf, le32(p));
        if (len >= 8) return iaf_fmt_i64(buf, le64(p));
        break;
    case PQ_CONV_UINT32:
        if (len >= 4) return iaf_fmt_i64(buf, (int64_t)(uint32_t)le32(p));
        break;
    case PQ_CONV_UINT64:
        if (len >= 8) return (size_t)sprintf(buf, "%llu", (unsigned long long)(uint64_t)le64(p));
        break;
    case PQ_CONV_DECIMAL:
        if (type == PQ_INT32 || type == PQ_INT64) {
            unsigned char be[8];
            size_t k = type == PQ_INT32 ? 4 : 8;
            if (len < k) break;
            for (size_t i = 0; i < k; i++)
                be[i] = p[k - 1 - i];
            return iaf_pq_decimal_text(be, k, c->scale, buf);
        }
        if (len == 0) return 0;
        return iaf_pq_decimal_text(p, len, c->scale, buf);
    case PQ_CONV_DATE:
        if (len >= 4) return put_date(buf, le32(p));
        break;
    case PQ_CONV_TIME: {
        int digits;
        int64_t per_sec = unit_per_sec(c->unit, &digits);
        int64_t v = type == PQ_INT32 && len >= 4 ? le32(p) : len >= 8 ? le64(p) : 0;
        int64_t per_day = per_sec * 86400;
        int64_t rest = floormod(v, per_day);
        return put_time(buf, rest, per_sec, digits);
    }
    case PQ_CONV_TIMESTAMP:
        if (len >= 8) return put_timestamp(buf, le64(p), c->unit);
        break;
    case PQ_CONV_INT96:
        if (len >= 12) {
            int64_t nanos = le64(p);
            int64_t jd = le32(p + 8);
            /* Spark's reading: microseconds since the epoch in wrapping 64-bit
               arithmetic (its writer relies on the wrap for years past 2262 or
               so), keeping the sub-microsecond nanoseconds */
            int64_t us_of_day = floordiv(nanos, 1000);
            int64_t sub_ns = floormod(nanos, 1000);
            uint64_t w = (uint64_t)(jd - 2440588) * UINT64_C(86400000000) + (uint64_t)us_of_day;
            int64_t micros = (int64_t)w;
            int64_t per_day = INT64_C(86400000000);
            int64_t days = floordiv(micros, per_day);
            nanos = floormod(micros, per_day) * 1000 + sub_ns;
            size_t n = put_date(buf, days);
            buf[n++] = ' ';
            return n + put_time(buf + n, nanos, 1000000000, 9);
        }
        break;
    case PQ_CONV_UUID:
        if (len == 16) {
            static const char hex[] = "0123456789abcdef";
            size_t n = 0;
            for (size_t i = 0; i < 16; i++) {
                if (i == 4 || i == 6 || i == 8 || i == 10) buf[n++] = '-';
                buf[n++] = hex[p[i] >> 4];
                buf[n++] = hex[p[i] & 15];
            }
            return n;
        }
        break;
    default:
        break;
    }
    if (len) memcpy(buf, p, len);
    return len;
}

static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            k = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            k = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= k) return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + j] & 0x3f);
        }
        if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += k + 1;
    }
    return 1;
}

int iaf_pq_render_stat(const iaf_pq_schema *s, iaf_sv v, iaf_buf *out)
{
    iaf_pq_conv c;
    iaf_pq_conv_for(s, &c);
    const unsigned char *p = (const unsigned char *)v.ptr;
    size_t len = v.len;
    char num[64];
    if (c.pres == PQ_PRES_I64) {
        if (s->type == PQ_INT32 && len == 4) {
            int32_t x = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                                  (uint32_t)p[3] << 24);
            int64_t y = c.conv == PQ_CONV_UINT32 ? (int64_t)(uint32_t)x : x;
            iaf_fmt_i64(num, y);
            return iaf_buf_puts(out, num);
        }
        if (s->type == PQ_INT64 && len == 8) {
            uint64_t x = 0;
            for (int i = 7; i >= 0; i--)
                x = (x << 8) | p[i];
            iaf_fmt_i64(num, (int64_t)x);
            return iaf_buf_puts(out, num);
        }
        return iaf_buf_puts(out, "(invalid)");
    }
    if (c.pres == PQ_PRES_F64) {
        double d;
        if (s->type == PQ_FLOAT && len == 4) {
            float f;
            uint32_t u =
                (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
            memcpy(&f, &u, 4);
            d = f;
        } else if (s->type == PQ_DOUBLE && len == 8) {
            uint64_t u = 0;
            for (int i = 7; i >= 0; i--)
                u = (u << 8) | p[i];
            memcpy(&d, &u, 8);
        } else if (len == 2) {
            d = iaf_pq_half_to_double((uint16_t)(p[0] | p[1] << 8));
        } else {
            return iaf_buf_puts(out, "(invalid)");
        }
        iaf_fmt_f64(num, d);
        return iaf_buf_puts(out, num);
    }
    size_t want = 0;
    switch (c.conv) {
    case PQ_CONV_BOOL:
        want = 1;
        break;
    case PQ_CONV_UINT64:
    case PQ_CONV_TIMESTAMP:
        want = 8;
        break;
    case PQ_CONV_DATE:
        want = 4;
        break;
    case PQ_CONV_INT96:
        want = 12;
        break;
    case PQ_CONV_TIME:
    case PQ_CONV_DECIMAL:
        if (s->type == PQ_INT32) want = 4;
        if (s->type == PQ_INT64) want = 8;
        break;
    default:
        break;
    }
    if (want && len != want) return iaf_buf_puts(out, "(invalid)");
    if (c.conv == PQ_CONV_NULL) return iaf_buf_puts(out, "null");
    char *buf = iaf_malloc(iaf_pq_text_max(len));
    if (!buf) return -1;
    size_t n = iaf_pq_render(&c, s->type, p, len, buf);
    int rc;
    if (utf8_valid((const unsigned char *)buf, n)) {
        rc = iaf_buf_append(out, buf, n);
    } else {
        rc = iaf_buf_puts(out, "0x");
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = iaf_buf_printf(out, "%02x", (unsigned char)buf[i]);
    }
    iaf_free(buf);
    return rc;
}
