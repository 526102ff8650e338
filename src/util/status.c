#include "iaf/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *iaf_status_name(iaf_status st)
{
    switch (st) {
    case IAF_OK:
        return "ok";
    case IAF_STOP:
        return "stop";
    case IAF_ERR_IO:
        return "io";
    case IAF_ERR_PARSE:
        return "parse";
    case IAF_ERR_UNSUPPORTED:
        return "unsupported";
    case IAF_ERR_NOMEM:
        return "nomem";
    case IAF_ERR_INVALID:
        return "invalid";
    case IAF_ERR_LIMIT:
        return "limit";
    }
    return "unknown";
}

void iaf_error_clear(iaf_error *err)
{
    if (!err) return;
    memset(err, 0, sizeof *err);
    err->offset = -1;
}

static void set_common(iaf_error *err, iaf_status st, const char *file)
{
    iaf_error_clear(err);
    err->status = st;
    if (file) snprintf(err->file, sizeof err->file, "%s", file);
}

iaf_status iaf_error_set(iaf_error *err, iaf_status st, const char *file, long long line,
                         long long column, const char *fmt, ...)
{
    if (!err) return st;
    set_common(err, st, file);
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

iaf_status iaf_error_set_at(iaf_error *err, iaf_status st, const char *file, long long offset,
                            const char *where, const char *fmt, ...)
{
    if (!err) return st;
    set_common(err, st, file);
    err->offset = offset;
    if (where) snprintf(err->where, sizeof err->where, "%s", where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

iaf_status iaf_error_prefix(iaf_error *err, const char *fmt, ...)
{
    if (!err) return IAF_OK;
    char pre[512], old[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    memcpy(old, err->message, sizeof old);
    /* truncation is fine here: messages are one line for people */
    size_t np = strlen(pre);
    if (np >= sizeof err->message) np = sizeof err->message - 1;
    memcpy(err->message, pre, np);
    size_t room = sizeof err->message - 1 - np, no = strlen(old);
    if (no > room) no = room;
    memcpy(err->message + np, old, no);
    err->message[np + no] = '\0';
    return err->status;
}

void iaf_error_format(const iaf_error *err, char *buf, size_t size)
{
    if (!buf || size == 0) return;
    buf[0] = '\0';
    if (!err) return;
    size_t n = 0;
#define APPEND(...)                                                                                \
    do {                                                                                           \
        if (n < size) {                                                                            \
            int k_ = snprintf(buf + n, size - n, __VA_ARGS__);                                     \
            if (k_ > 0) n += (size_t)k_;                                                           \
        }                                                                                          \
    } while (0)
    if (err->file[0]) {
        APPEND("%s", err->file);
        if (err->line > 0) APPEND(":%lld", err->line);
        if (err->line > 0 && err->column > 0) APPEND(":%lld", err->column);
        APPEND(": ");
    }
    if (err->where[0]) APPEND("%s: ", err->where);
    if (err->offset >= 0) APPEND("byte offset %lld: ", err->offset);
    APPEND("%s", err->message[0] ? err->message : iaf_status_name(err->status));
#undef APPEND
}
