/* src/cli/options.c - options shared by the commands that read data. */
#include "cli/options.h"

#include <stdlib.h>
#include <string.h>

#include "core/labels.h"

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

int cli_parse_normalize(const char *s, unsigned *out)
{
    *out = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        char name[16];
        if (n == 0 || n >= sizeof name) return -1;
        memcpy(name, s, n);
        name[n] = '\0';
        unsigned f = iaf_label_norm_flag(name);
        if (!f) return -1;
        *out |= f;
        s += n;
        if (*s == ',') s++;
    }
    return 0;
}
