/* src/util/version.c - the version the library was built as (iaf/version.h). */
#include "iaf/version.h"

const char *iaf_version(void)
{
    return IAF_VERSION_STRING;
}

unsigned iaf_version_number(void)
{
    return IAF_VERSION_NUMBER;
}
