/* iaf/version.h - the library's version.
 *
 * The macros give the version of the headers a program was compiled with;
 * iaf_version() and iaf_version_number() the version of the library it runs
 * with (they differ when a program built against one release loads another
 * libiaf.so). The macros below are the one place the version is written:
 * the build reads them (CMakeLists.txt), and `iaf --version` prints
 * iaf_version().
 */
#ifndef IAF_VERSION_H
#define IAF_VERSION_H

#include "iaf/defs.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IAF_VERSION_MAJOR 0
#define IAF_VERSION_MINOR 1
#define IAF_VERSION_PATCH 0

#define IAF_VERSION_STR_(x) #x
#define IAF_VERSION_STR(x) IAF_VERSION_STR_(x)
/* "0.1.0" */
#define IAF_VERSION_STRING                                                                         \
    IAF_VERSION_STR(IAF_VERSION_MAJOR)                                                             \
    "." IAF_VERSION_STR(IAF_VERSION_MINOR) "." IAF_VERSION_STR(IAF_VERSION_PATCH)
/* MAJOR * 10000 + MINOR * 100 + PATCH, for comparisons: 0.1.0 is 100 */
#define IAF_VERSION_NUMBER (IAF_VERSION_MAJOR * 10000 + IAF_VERSION_MINOR * 100 + IAF_VERSION_PATCH)

/* The running library's version: a static string ("0.1.0"), never NULL. */
IAF_API const char *iaf_version(void);
/* The running library's IAF_VERSION_NUMBER. */
IAF_API unsigned iaf_version_number(void);

#ifdef __cplusplus
}
#endif
#endif
