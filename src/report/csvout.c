#include "report/csvout.h"

int iaf_csv_put(iaf_buf *b, const char *s, size_t n)
{
    if (!s || n == 0) return 0;
    int quote = s[0] == ' ' || s[n - 1] == ' ';
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) return iaf_buf_append(b, s, n);
    if (iaf_buf_append(b, "\"", 1) != 0) return -1;
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') {
            if (iaf_buf_append(b, s + start, i + 1 - start) != 0) return -1;
            if (iaf_buf_append(b, "\"", 1) != 0) return -1;
            start = i + 1;
        }
    if (iaf_buf_append(b, s + start, n - start) != 0) return -1;
    return iaf_buf_append(b, "\"", 1);
}
