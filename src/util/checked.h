/* src/util/checked.h - checked arithmetic for counts and sizes that come
 * from input files. Every sum of counts and every conversion of a parsed
 * double to an integer count goes through these, so a hostile table gives an
 * error instead of a wrapped or undefined value. Nothing here is public API.
 */
#ifndef IAF_UTIL_CHECKED_H
#define IAF_UTIL_CHECKED_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* The largest count or sample size iaf accepts: 2^53, the largest integer
 * below which every integer is exact as a double. A larger "count" is not a
 * count of anything real (the world has 2^33 people), and above it counts
 * and sums would silently round. */
#define IAF_MAX_COUNT 9007199254740992.0
#define IAF_MAX_COUNT_TEXT "2^53 (9007199254740992)"

/* a + b into *out; returns 0, or -1 on overflow (*out unspecified). */
static inline int iaf_add_i64(int64_t a, int64_t b, int64_t *out)
{
    return __builtin_add_overflow(a, b, out) ? -1 : 0;
}
static inline int iaf_add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    return __builtin_add_overflow(a, b, out) ? -1 : 0;
}
static inline int iaf_add_size(size_t a, size_t b, size_t *out)
{
    return __builtin_add_overflow(a, b, out) ? -1 : 0;
}
static inline int iaf_mul_size(size_t a, size_t b, size_t *out)
{
    return __builtin_mul_overflow(a, b, out) ? -1 : 0;
}

/* v is a count iaf accepts: finite, >= 0 and <= IAF_MAX_COUNT. */
static inline int iaf_count_ok(double v)
{
    return v >= 0 && v <= IAF_MAX_COUNT;
}

/* Round v (a count iaf accepts, see iaf_count_ok) to the nearest int64;
 * returns 0, or -1 when v is out of that range (nothing converted). */
static inline int iaf_count_to_i64(double v, int64_t *out)
{
    if (!iaf_count_ok(v)) return -1;
    *out = (int64_t)floor(v + 0.5);
    return 0;
}

#endif
