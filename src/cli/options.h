/* src/cli/options.h - parsing of option values shared by commands. */
#ifndef IAF_CLI_OPTIONS_H
#define IAF_CLI_OPTIONS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "iaf/source.h"

int cli_parse_format(const char *s, iaf_format *out);
int cli_parse_encoding(const char *s, const char **out);
int cli_parse_delimiter(const char *s, char *out);
/* Threads option value: "N" (1..64) or "auto" (0); returns 0 on success. */
int cli_parse_threads(const char *s, int *out);

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
    CLI_OPT_OUTPUT = 'o',
    CLI_OPT_QUIET = 'q',
    CLI_OPT_HELP = 'h',
    CLI_OPT_MISSING = 0x1001, /* --missing, alias --na */
    CLI_OPT_NORMALIZE,
    CLI_OPT_ENCODING,
    CLI_OPT_DELIMITER,
    CLI_OPT_SEED,
    CLI_OPT_BOOTSTRAP,
    /* commands that read two sides (compare, scan --reference): one side's
     * text encoding, over --encoding (KOSIS and MOIS files are CP949, the
     * datasets UTF-8) */
    CLI_OPT_ENCODING_SYNTHETIC,
    CLI_OPT_ENCODING_REFERENCE,
    CLI_OPT_INTERVAL, /* calibrated or basic */
    CLI_OPT_FAIL_ON   /* flag (any case) */
};

/* The getopt_long rows of the common options, one definition for every
 * command: `struct option longopts[] = {CLI_LONG_THREADS, ..., {"by", ...},
 * CLI_LONG_END};`. */
/* clang-format off */
#define CLI_LONG_WHERE {"where", required_argument, NULL, CLI_OPT_WHERE}
#define CLI_LONG_FORMAT {"format", required_argument, NULL, CLI_OPT_FORMAT}
#define CLI_LONG_THREADS {"threads", required_argument, NULL, CLI_OPT_THREADS}
#define CLI_LONG_OUTPUT {"output", required_argument, NULL, CLI_OPT_OUTPUT}
#define CLI_LONG_QUIET {"quiet", no_argument, NULL, CLI_OPT_QUIET}
#define CLI_LONG_HELP {"help", no_argument, NULL, CLI_OPT_HELP}
#define CLI_LONG_MISSING {"missing", required_argument, NULL, CLI_OPT_MISSING}, \
                         {"na", required_argument, NULL, CLI_OPT_MISSING}
#define CLI_LONG_NORMALIZE {"normalize", required_argument, NULL, CLI_OPT_NORMALIZE}
#define CLI_LONG_ENCODING {"encoding", required_argument, NULL, CLI_OPT_ENCODING}
#define CLI_LONG_ENCODING_SIDES \
    {"encoding-synthetic", required_argument, NULL, CLI_OPT_ENCODING_SYNTHETIC}, \
    {"encoding-reference", required_argument, NULL, CLI_OPT_ENCODING_REFERENCE}
#define CLI_LONG_DELIMITER {"delimiter", required_argument, NULL, CLI_OPT_DELIMITER}
#define CLI_LONG_SEED {"seed", required_argument, NULL, CLI_OPT_SEED}
#define CLI_LONG_BOOTSTRAP {"bootstrap", required_argument, NULL, CLI_OPT_BOOTSTRAP}
#define CLI_LONG_INTERVAL {"interval", required_argument, NULL, CLI_OPT_INTERVAL}
#define CLI_LONG_FAIL_ON {"fail-on", required_argument, NULL, CLI_OPT_FAIL_ON}
#define CLI_LONG_END {NULL, 0, NULL, 0}
/* clang-format on */

#define CLI_DEFAULT_SEED 20260611u
#define CLI_MAX_OUTPUTS 64 /* -o given more often is a usage error */

typedef struct cli_common {
    const char *where;     /* universe filter text, or NULL */
    const char *missing;   /* comma list as given (cli_split), or NULL */
    const char *normalize; /* steps as given, already checked, or NULL */
    iaf_format format;
    const char *encoding;                                /* canonical name, or NULL */
    const char *encoding_synthetic, *encoding_reference; /* per side, or NULL */
    char delimiter;                                      /* 0 = the reader's default */
    int threads;                                         /* 0 = every core */
    uint64_t seed;                                       /* CLI_DEFAULT_SEED unless given */
    size_t bootstrap;                                    /* 0 unless given */
    int seed_set, interval_set, quiet;
    int interval;                         /* an iaf_interval_method, when interval_set */
    const char *fail_on;                  /* as given ("flag", any case), or NULL */
    const char *output;                   /* the last -o, or NULL */
    const char *outputs[CLI_MAX_OUTPUTS]; /* every -o, in order */
    size_t noutputs;
} cli_common;

void cli_common_init(cli_common *co);
/* 0 when c is a common option and its value was stored, -1 when c is not a
 * common option (the command handles it), else the exit code of an error
 * already printed (EXIT_USAGE; EXIT_DATA when out of memory). A --where is
 * parsed here, so an expression that does not parse is a usage error. */
int cli_common_option(cli_common *co, const char *cmd, int c, const char *arg);
/* The help line of common option code (as every command prints it): the
 * option's name and value, padded to width, then its meaning; note, when not
 * NULL, is printed under it as the command's own remark (a default, what the
 * value applies to). */
void cli_common_help(int code, int width, const char *note);
/* The usage error of an option getopt_long did not take (it returned '?'
 * for an unknown option, ':' for a missing value when the command's short
 * options start with ':'): an unknown option with the closest name the command has ("did
 * you mean '--bootstrap'?"), or an option without its value. Returns
 * EXIT_USAGE. Commands set opterr = 0 so that getopt prints nothing. */
int cli_bad_option(const char *cmd, const struct option *longopts, int c, char **argv);
/* Copy format, encoding, delimiter and threads into a source's options. */
void cli_common_source(const cli_common *co, iaf_source_options *src);
/* The encoding of one side: --encoding-synthetic (reference = 0) or
 * --encoding-reference (1) when given, else --encoding; NULL for UTF-8. */
const char *cli_common_encoding(const cli_common *co, int reference);

/* The first name (in sort order) that list[0..n-1] holds more than once,
 * NULL when none does, or cli_repeat_nomem (compare the pointer) when out of
 * memory. Sorting, so n log n: a list repeating one column 2,000 times must
 * be refused at once, not scanned pair by pair. */
extern const char cli_repeat_nomem[];
const char *cli_find_repeat(char *const *list, size_t n);

#endif
