/* iaf/status.h - status codes and located errors.
 *
 * Every fallible function returns an iaf_status (IAF_OK == 0, failures are
 * negative) and, when given a non-NULL iaf_error *, fills it with what went
 * wrong and where: the file, a line/column for text inputs, a byte offset
 * and a free-form "where" (row group, column, page) for binary inputs.
 * The library never prints; callers format errors with iaf_error_format().
 */
#ifndef IAF_STATUS_H
#define IAF_STATUS_H

#include <stddef.h>

#include "iaf/defs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum iaf_status {
    IAF_STOP = 1, /* not a failure: a callback returns it to end a scan early, and the
                     scan then returns it too, with no error filled */
    IAF_OK = 0,
    IAF_ERR_IO = -1,          /* a file could not be opened, read or written */
    IAF_ERR_PARSE = -2,       /* malformed input: the error says file and place */
    IAF_ERR_UNSUPPORTED = -3, /* valid input using a feature iaf does not read */
    IAF_ERR_NOMEM = -4,       /* out of memory */
    IAF_ERR_INVALID = -5,     /* semantically invalid spec, argument or data */
    IAF_ERR_LIMIT = -6        /* a size in the input exceeds a safety cap */
} iaf_status;

typedef struct iaf_error {
    iaf_status status;
    char file[1024];    /* input file, "" when not about a file */
    long long line;     /* 1-based line, 0 when not applicable */
    long long column;   /* 1-based column (bytes), 0 when not applicable */
    long long offset;   /* byte offset in the file, -1 when not applicable */
    char where[256];    /* extra place: "row group 2, column 'sex', page 3" */
    char message[1024]; /* what went wrong, one sentence, no trailing newline */
} iaf_error;

/* Short stable name of a status: "ok", "stop", "io", "parse", ... */
IAF_API const char *iaf_status_name(iaf_status st);

/* Reset an error to "no error". Accepts NULL. */
IAF_API void iaf_error_clear(iaf_error *err);

/* Fill err (if non-NULL) and return st. file may be NULL; line/column 0 and
 * offset -1 mean "not applicable". The message is printf-formatted. */
IAF_API iaf_status iaf_error_set(iaf_error *err, iaf_status st, const char *file, long long line,
                                 long long column, const char *fmt, ...) IAF_PRINTF(6, 7);

/* Like iaf_error_set for binary inputs: a byte offset and a "where" text. */
IAF_API iaf_status iaf_error_set_at(iaf_error *err, iaf_status st, const char *file,
                                    long long offset, const char *where, const char *fmt, ...)
    IAF_PRINTF(6, 7);

/* Prefix the message with context ("reading reference 'eaps': ") keeping
 * the location. Returns err->status. */
IAF_API iaf_status iaf_error_prefix(iaf_error *err, const char *fmt, ...) IAF_PRINTF(2, 3);

/* Human-readable one-line form: "FILE:LINE:COL: MESSAGE" or
 * "FILE: WHERE, byte OFFSET: MESSAGE". Always NUL-terminates buf. */
IAF_API void iaf_error_format(const iaf_error *err, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
