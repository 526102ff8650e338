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
/* The largest count, weight or sample size the library accepts (2^53, the
 * last integer a double holds exactly). */
#define CLI_MAX_COUNT 9007199254740992.0
#define CLI_MAX_COUNT_TEXT "2^53 (9007199254740992)"
/* Bootstrap replicates: 50 to 1000000. */
#define CLI_BOOT_MIN 50
#define CLI_BOOT_MAX 1000000
int cli_parse_bootstrap(const char *s, size_t *out);

/* ---- The options several commands share, parsed by one function ----------
 * A command lists the ones it takes in its getopt_long table with these
 * codes (short letters where the command has them), and hands every code
 * getopt returns to cli_common_option first. The value rules and the usage
 * messages are then the same in every command. */
enum {
    CLI_OPT_WHERE = 'w',
    CLI_OPT_FORMAT = 'f',
    CLI_OPT_THREADS = 't',
    CLI_OPT_MISSING = 0x1001, /* --missing, alias --na */
    CLI_OPT_NORMALIZE,
    CLI_OPT_ENCODING,
    CLI_OPT_DELIMITER,
    CLI_OPT_SEED,
    CLI_OPT_BOOTSTRAP
};

#define CLI_DEFAULT_SEED 20260611u

typedef struct cli_common {
    const char *where;     /* universe filter text, or NULL */
    const char *missing;   /* comma list as given (cli_split), or NULL */
    const char *normalize; /* steps as given, already checked, or NULL */
    iaf_format format;
    const char *encoding; /* canonical name, or NULL */
    char delimiter;       /* 0 = the reader's default */
    int threads;          /* 0 = every core */
    uint64_t seed;        /* CLI_DEFAULT_SEED unless given */
    size_t bootstrap;     /* 0 unless given */
} cli_common;

void cli_common_init(cli_common *co);
/* 0 when c is a common option and its value was stored, -1 when c is not a
 * common option (the command handles it), else the exit code of a usage
 * error already printed (EXIT_USAGE). */
int cli_common_option(cli_common *co, const char *cmd, int c, const char *arg);
/* Copy format, encoding, delimiter and threads into a source's options. */
void cli_common_source(const cli_common *co, iaf_source_options *src);

/* The first name (in sort order) that list[0..n-1] holds more than once,
 * NULL when none does, or cli_repeat_nomem (compare the pointer) when out of
 * memory. Sorting, so n log n: a list repeating one column 2,000 times must
 * be refused at once, not scanned pair by pair. */
extern const char cli_repeat_nomem[];
const char *cli_find_repeat(char *const *list, size_t n);

#endif
