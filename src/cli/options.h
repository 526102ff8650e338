/* src/cli/options.h - parsing of option values shared by commands. */
#ifndef IAF_CLI_OPTIONS_H
#define IAF_CLI_OPTIONS_H

#include "iaf/source.h"

int cli_parse_format(const char *s, iaf_format *out);
int cli_parse_encoding(const char *s, const char **out);
int cli_parse_delimiter(const char *s, char *out);
/* "trim,nfkc,casefold,numeric" -> IAF_NORM_* flags (core/labels.h); -1 on an unknown step. */
int cli_parse_normalize(const char *s, unsigned *out);

#endif
