/* iaf/defs.h - the annotations every public declaration carries.
 *
 * IAF_API marks a function as part of the library's interface. The library
 * is compiled with -fvisibility=hidden, so a function without IAF_API is not
 * exported from libiaf.so whatever its linkage; tests/exports/libiaf.sym
 * lists what the shared library exports, and a test compares the two.
 * The attribute is harmless in a static link.
 */
#ifndef IAF_DEFS_H
#define IAF_DEFS_H

#if defined(__GNUC__) && __GNUC__ >= 4
#define IAF_API __attribute__((visibility("default")))
#else
#define IAF_API
#endif

/* printf-style argument checking: IAF_PRINTF(format index, first vararg index). */
#if defined(__GNUC__)
#define IAF_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#define IAF_PRINTF(fmt, first)
#endif

#endif
