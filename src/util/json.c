#include "util/json.h"

#include <math.h>
#include <stdio.h>

void iaf_json_init(iaf_json *j, iaf_buf *out, int pretty)
{
    memset(j, 0, sizeof *j);
    j->out = out;
    j->pretty = pretty;
    j->first[0] = 1;
}

/* After a failed append the document is lost: stop growing the buffer, or
 * every later value retries a large allocation that fails again (minutes
 * near a memory limit, for a report with many cells). */
static void put(iaf_json *j, const char *s, size_t n)
{
    if (!j->failed && iaf_buf_append(j->out, s, n) != 0) j->failed = 1;
}

static void indent(iaf_json *j)
{
    if (!j->pretty) return;
    put(j, "\n", 1);
    for (int i = 0; i < j->depth; i++)
        put(j, "  ", 2);
}

/* Separator and indentation before a value (or a key). */
static void before_value(iaf_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (!j->first[j->depth]) put(j, ",", 1);
    j->first[j->depth] = 0;
    if (j->depth > 0) indent(j);
}

static void open(iaf_json *j, char c)
{
    before_value(j);
    put(j, &c, 1);
    if (j->depth < 63) j->depth++;
    j->first[j->depth] = 1;
}

static void close_(iaf_json *j, char c)
{
    int empty = j->first[j->depth];
    if (j->depth > 0) j->depth--;
    if (!empty) indent(j);
    put(j, &c, 1);
}

void iaf_json_init_value(iaf_json *j, iaf_buf *out, const iaf_json *parent)
{
    iaf_json_init(j, out, parent->pretty);
    j->depth = parent->depth;
    j->after_key = 1;
}

void iaf_json_raw(iaf_json *j, const char *text, size_t n)
{
    before_value(j);
    put(j, text, n);
}

void iaf_json_begin_object(iaf_json *j)
{
    open(j, '{');
}
void iaf_json_end_object(iaf_json *j)
{
    close_(j, '}');
}
void iaf_json_begin_array(iaf_json *j)
{
    open(j, '[');
}
void iaf_json_end_array(iaf_json *j)
{
    close_(j, ']');
}

int iaf_json_quote(iaf_buf *b, const char *s, size_t n)
{
    int rc = iaf_buf_append(b, "\"", 1);
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n && rc == 0) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            rc = iaf_buf_append(b, e, 2);
            i++;
        } else if (c < 0x20) {
            char e[8];
            switch (c) {
            case '\n':
                rc = iaf_buf_append(b, "\\n", 2);
                break;
            case '\r':
                rc = iaf_buf_append(b, "\\r", 2);
                break;
            case '\t':
                rc = iaf_buf_append(b, "\\t", 2);
                break;
            default:
                snprintf(e, sizeof e, "\\u%04x", c);
                rc = iaf_buf_append(b, e, 6);
            }
            i++;
        } else if (c == 0x7F) {
            rc = iaf_buf_append(b, "\\u007f", 6); /* DEL: same text, nothing for a terminal */
            i++;
        } else if (c < 0x80) {
            rc = iaf_buf_append(b, s + i, 1);
            i++;
        } else if (c == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
            char e[8]; /* C1 controls (U+0080..U+009F): escaped like C0 */
            snprintf(e, sizeof e, "\\u%04x", p[i + 1]);
            rc = iaf_buf_append(b, e, 6);
            i += 2;
        } else {
            /* validate one UTF-8 sequence */
            size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
            int ok = len > 0 && i + len <= n;
            for (size_t k = 1; ok && k < len; k++)
                ok = (p[i + k] & 0xC0) == 0x80;
            if (ok && len == 3) {
                unsigned cp = ((c & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6);
                ok = cp >= 0x800 && !(cp >= 0xD800 && cp <= 0xDFFF);
            }
            if (ok && len == 4) {
                unsigned cp = ((c & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12);
                ok = cp >= 0x10000 && cp <= 0x10FFFF;
            }
            if (ok) {
                rc = iaf_buf_append(b, s + i, len);
                i += len;
            } else {
                rc = iaf_buf_append(b, "\xEF\xBF\xBD", 3);
                i++;
            }
        }
    }
    if (rc == 0) rc = iaf_buf_append(b, "\"", 1);
    return rc;
}

void iaf_json_key(iaf_json *j, const char *key)
{
    before_value(j);
    if (j->on_string) j->on_string(j->on_string_ctx, key, strlen(key));
    if (!j->failed && iaf_json_quote(j->out, key, strlen(key)) != 0) j->failed = 1;
    put(j, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
    j->after_key = 1;
}

void iaf_json_strn(iaf_json *j, const char *s, size_t n)
{
    before_value(j);
    if (!s) {
        put(j, "null", 4);
        return;
    }
    if (j->on_string) j->on_string(j->on_string_ctx, s, n);
    if (!j->failed && iaf_json_quote(j->out, s, n) != 0) j->failed = 1;
}

void iaf_json_str(iaf_json *j, const char *s)
{
    iaf_json_strn(j, s, s ? strlen(s) : 0);
}

void iaf_json_num(iaf_json *j, double v)
{
    before_value(j);
    if (!isfinite(v)) {
        put(j, "null", 4);
        return;
    }
    char b[40];
    size_t n = iaf_fmt_f64(b, v);
    put(j, b, n);
}

void iaf_json_int(iaf_json *j, int64_t v)
{
    before_value(j);
    char b[32];
    size_t n = iaf_fmt_i64(b, v);
    put(j, b, n);
}

void iaf_json_bool(iaf_json *j, int v)
{
    before_value(j);
    put(j, v ? "true" : "false", v ? 4 : 5);
}

void iaf_json_null(iaf_json *j)
{
    before_value(j);
    put(j, "null", 4);
}

void iaf_json_kstr(iaf_json *j, const char *key, const char *s)
{
    iaf_json_key(j, key);
    iaf_json_str(j, s);
}
void iaf_json_knum(iaf_json *j, const char *key, double v)
{
    iaf_json_key(j, key);
    iaf_json_num(j, v);
}
void iaf_json_kint(iaf_json *j, const char *key, int64_t v)
{
    iaf_json_key(j, key);
    iaf_json_int(j, v);
}
void iaf_json_kbool(iaf_json *j, const char *key, int v)
{
    iaf_json_key(j, key);
    iaf_json_bool(j, v);
}
