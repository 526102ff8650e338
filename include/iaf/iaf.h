/* iaf/iaf.h - the whole public interface of libiaf in one include.
 *
 * Conventions every header follows:
 * - Names: functions and types iaf_*, macros IAF_*; objects are opaque
 *   handles made by iaf_<thing>_open/_new and released by iaf_<thing>_free,
 *   which accepts NULL. A function named _clear empties a caller-owned struct
 *   (its members) without freeing the struct itself.
 * - Errors: fallible functions return an iaf_status (IAF_OK == 0, failures
 *   negative) and fill an optional iaf_error * with what and where
 *   (iaf/status.h). The library never prints.
 * - Ownership: a pointer a function returns is borrowed from its handle and
 *   valid until that handle is freed, unless the declaration says "owned".
 * - Link: `pkg-config --cflags --libs iaf` (add --static for libiaf.a), or
 *   find_package(iaf) and target iaf::iaf (iaf::iaf_static) in CMake.
 */
#ifndef IAF_IAF_H
#define IAF_IAF_H

#include "iaf/defs.h"
#include "iaf/version.h"
#include "iaf/status.h"
#include "iaf/alloc.h"
#include "iaf/source.h"
#include "iaf/table.h"
#include "iaf/metrics.h"
#include "iaf/buffer.h"
#include "iaf/count.h"
#include "iaf/inspect.h"
#include "iaf/text.h"
#include "iaf/xwbuild.h"
#include "iaf/audit.h"
#include "iaf/report.h"
#include "iaf/compare.h"
#include "iaf/scan.h"

#endif
