/* src/cli/options.c - options shared by the commands that read data. */
#include "cli/options.h"

#include <stdlib.h>
#include <string.h>

int cli_parse_format(const char *s, iaf_format *out)
{
    if (!strcmp(s, "auto"))
        *out = IAF_FORMAT_AUTO;
    else if (!strcmp(s, "csv"))
        *out = IAF_FORMAT_CSV;
    else if (!strcmp(s, "jsonl"))
        *out = IAF_FORMAT_JSONL;
    else if (!strcmp(s, "parquet"))
        *out = IAF_FORMAT_PARQUET;
    else
        return -1;
    return 0;
}

int cli_parse_encoding(const char *s, const char **out)
{
    static const char *const ok[] = {"utf-8", "utf8", "cp949", "euc-kr"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strcasecmp(s, ok[i])) {
            *out = ok[i];
            return 0;
        }
    return -1;
}

int cli_parse_delimiter(const char *s, char *out)
{
    if (!strcmp(s, "\\t") || !strcmp(s, "tab"))
        *out = '\t';
    else if (strlen(s) == 1)
        *out = s[0];
    else
        return -1;
    return 0;
}
