/* src/cli/options.h - parsing of option values shared by commands. */
#ifndef IAF_CLI_OPTIONS_H
#define IAF_CLI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/source.h"

int cli_parse_format(const char *s, iaf_format *out);
int cli_parse_encoding(const char *s, const char **out);
int cli_parse_delimiter(const char *s, char *out);
/* "trim,nfkc,casefold,numeric" -> IAF_NORM_* flags (core/labels.h); -1 on an unknown step. */
int cli_parse_normalize(const char *s, unsigned *out);

/* Numeric option values, one strict rule for every command: the whole text
 * must be the number (no spaces, no trailing junk, no empty text).
 * cli_parse_u64: plain decimal digits only (no sign: "-1" is not a seed),
 * no overflow, and lo <= value <= hi. cli_parse_f64: a finite decimal
 * number (no "inf", "nan" or hex; 1e999 overflows and is refused) with
 * lo <= value <= hi, or lo < value when lo_open. Both return 0, or -1 with
 * *out untouched. */
int cli_parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
int cli_parse_f64(const char *s, double lo, int lo_open, double hi, double *out);
/* A random seed: any unsigned 64-bit decimal, 0 to 18446744073709551615. */
int cli_parse_seed(const char *s, uint64_t *out);
/* Bootstrap replicates: 50 to 1000000. */
#define CLI_BOOT_MIN 50
#define CLI_BOOT_MAX 1000000
int cli_parse_bootstrap(const char *s, size_t *out);

/* The first name (in sort order) that list[0..n-1] holds more than once,
 * NULL when none does, or cli_repeat_nomem (compare the pointer) when out of
 * memory. Sorting, so n log n: a list repeating one column 2,000 times must
 * be refused at once, not scanned pair by pair. */
extern const char cli_repeat_nomem[];
const char *cli_find_repeat(char *const *list, size_t n);

#endif
