/* src/util/suggest.h - "did you mean ...?" for a name that is not there:
 * iaf_suggest, public in iaf/text.h (the CLI suggests option names with it). */
#ifndef IAF_UTIL_SUGGEST_H
#define IAF_UTIL_SUGGEST_H

#include "iaf/text.h"

#endif
