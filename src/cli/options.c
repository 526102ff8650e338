/* src/cli/options.c - options shared by the commands that read data. */
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <iaf/audit.h>
#include <iaf/count.h>
#include <iaf/text.h>

#include "commands.h"
#include "iaf/alloc.h"

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

int cli_parse_threads(const char *s, int *out)
{
    if (!strcmp(s, "auto")) {
        *out = 0;
        return 0;
    }
    uint64_t v;
    if (cli_parse_u64(s, 1, 64, &v) != 0) return -1;
    *out = (int)v;
    return 0;
}

int cli_parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (!s || !*s) return -1;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v)) return -1;
    }
    if (v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int cli_parse_f64(const char *s, double lo, int lo_open, double hi, double *out)
{
    if (!s || !*s || strlen(s) > 64) return -1;
    /* digits, sign, point and exponent only: strtod would also take "inf",
     * "nan", hex floats and leading spaces */
    for (const char *p = s; *p; p++)
        if (!strchr("0123456789+-.eE", *p)) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || end == s || !isfinite(v)) return -1;
    if (errno == ERANGE && v != 0) return -1;
    if (v > hi || v < lo || (lo_open && v == lo)) return -1;
    *out = v;
    return 0;
}

int cli_parse_seed(const char *s, uint64_t *out)
{
    return cli_parse_u64(s, 0, UINT64_MAX, out);
}

int cli_parse_bootstrap(const char *s, size_t *out)
{
    uint64_t v;
    if (cli_parse_u64(s, CLI_BOOT_MIN, CLI_BOOT_MAX, &v) != 0) return -1;
    *out = (size_t)v;
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char cli_repeat_nomem[] = "";

const char *cli_find_repeat(char *const *list, size_t n)
{
    if (n < 2) return NULL;
    const char **v = iaf_malloc(n * sizeof *v);
    if (!v) return cli_repeat_nomem;
    memcpy(v, list, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_name);
    const char *rep = NULL;
    for (size_t i = 1; i < n && !rep; i++)
        if (!strcmp(v[i - 1], v[i])) rep = v[i];
    iaf_free(v);
    return rep;
}

void cli_common_init(cli_common *co)
{
    memset(co, 0, sizeof *co);
    co->format = IAF_FORMAT_AUTO;
    co->seed = CLI_DEFAULT_SEED;
}

int cli_common_option(cli_common *co, const char *cmd, int c, const char *arg)
{
    switch (c) {
    case CLI_OPT_WHERE: {
        /* an expression given on the command line that does not parse is a
         * usage error, found before any data is opened */
        iaf_error err;
        if (iaf_where_check(arg, "--where", &err) != IAF_OK) {
            if (err.status == IAF_ERR_NOMEM) return cli_fail(&err);
            char buf[1400];
            iaf_error_format(&err, buf, sizeof buf);
            return cli_usage_error(cmd, "%s", buf);
        }
        co->where = arg;
        return 0;
    }
    case CLI_OPT_MISSING:
        co->missing = arg;
        return 0;
    case CLI_OPT_NORMALIZE:
        if (iaf_normalize_check(arg, NULL) != IAF_OK)
            return cli_usage_error(cmd, "--normalize takes trim, nfc, nfkc, casefold, numeric "
                                        "(comma-separated)");
        co->normalize = arg;
        return 0;
    case CLI_OPT_FORMAT:
        if (cli_parse_format(arg, &co->format) != 0)
            return cli_usage_error(cmd, "unknown format '%s'", arg);
        return 0;
    case CLI_OPT_ENCODING:
        if (cli_parse_encoding(arg, &co->encoding) != 0)
            return cli_usage_error(cmd, "unknown encoding '%s'", arg);
        return 0;
    case CLI_OPT_ENCODING_SYNTHETIC:
    case CLI_OPT_ENCODING_REFERENCE:
        if (cli_parse_encoding(arg, c == CLI_OPT_ENCODING_SYNTHETIC ? &co->encoding_synthetic
                                                                    : &co->encoding_reference) != 0)
            return cli_usage_error(cmd,
                                   "--encoding-%s: unknown encoding '%s' (utf-8, cp949, "
                                   "euc-kr)",
                                   c == CLI_OPT_ENCODING_SYNTHETIC ? "synthetic" : "reference",
                                   arg);
        return 0;
    case CLI_OPT_DELIMITER:
        if (cli_parse_delimiter(arg, &co->delimiter) != 0)
            return cli_usage_error(cmd, "bad delimiter '%s'", arg);
        return 0;
    case CLI_OPT_THREADS:
        if (cli_parse_threads(arg, &co->threads) != 0)
            return cli_usage_error(cmd, "--threads takes 1..64 or auto");
        return 0;
    case CLI_OPT_SEED:
        if (cli_parse_seed(arg, &co->seed) != 0)
            return cli_usage_error(cmd, "--seed takes an integer 0 to 2^64-1, not '%s'", arg);
        co->seed_set = 1;
        return 0;
    case CLI_OPT_BOOTSTRAP:
        if (cli_parse_bootstrap(arg, &co->bootstrap) != 0)
            return cli_usage_error(cmd, "--bootstrap takes a number of replicates, %d to %d",
                                   CLI_BOOT_MIN, CLI_BOOT_MAX);
        return 0;
    case CLI_OPT_INTERVAL: {
        iaf_interval_method m;
        if (iaf_interval_method_parse(arg, &m) != 0)
            return cli_usage_error(cmd, "--interval takes calibrated or basic, not '%s'", arg);
        co->interval = (int)m;
        co->interval_set = 1;
        return 0;
    }
    case CLI_OPT_FAIL_ON:
        if (strcasecmp(arg, "flag") != 0)
            return cli_usage_error(cmd, "--fail-on takes 'flag' (any case), not '%s'", arg);
        co->fail_on = arg;
        return 0;
    case CLI_OPT_OUTPUT:
        if (co->noutputs == CLI_MAX_OUTPUTS)
            return cli_usage_error(cmd, "at most %d --output options", CLI_MAX_OUTPUTS);
        co->outputs[co->noutputs++] = co->output = arg;
        return 0;
    case CLI_OPT_QUIET:
        co->quiet = 1;
        return 0;
    default:
        return -1;
    }
}

const char *cli_common_encoding(const cli_common *co, int reference)
{
    const char *side = reference ? co->encoding_reference : co->encoding_synthetic;
    return side ? side : co->encoding;
}

void cli_common_source(const cli_common *co, iaf_source_options *src)
{
    src->format = co->format;
    src->encoding = co->encoding;
    src->delimiter = co->delimiter;
    src->threads = co->threads;
}

/* The help lines of the common options: name and value, then the meaning
 * (lines of at most 48 columns, so that a command may start them at column 31). */
static const struct {
    int code;
    const char *name, *meaning;
} help_rows[] = {
    {CLI_OPT_WHERE, "-w, --where EXPR",
     "universe filter, e.g. 'age >= 25 and sex == \"F\"'\n(docs/expressions.md)"},
    {CLI_OPT_FORMAT, "-f, --format FMT", "input format: auto (default), csv, jsonl, parquet"},
    {CLI_OPT_THREADS, "-t, --threads N",
     "worker threads, 1 to 64 or auto (default: all\ncores; results do not depend on it)"},
    {CLI_OPT_QUIET, "-q, --quiet", "no progress line, no summary on stdout"},
    {CLI_OPT_HELP, "-h, --help", "this text"},
    {CLI_OPT_MISSING, "    --missing LIST",
     "values that also mean missing, e.g. NA,N (default:\nnone; null and the empty string "
     "always do);\n--na is an alias"},
    {CLI_OPT_NORMALIZE, "    --normalize STEPS",
     "label normalisation: trim, nfc, nfkc, casefold,\nnumeric (comma-separated; docs/spec.md)"},
    {CLI_OPT_ENCODING, "    --encoding ENC",
     "text input encoding: utf-8 (default), cp949,\neuc-kr"},
    {CLI_OPT_ENCODING_SYNTHETIC, "    --encoding-synthetic ENC",
     "the synthetic input's encoding, over --encoding"},
    {CLI_OPT_ENCODING_REFERENCE, "    --encoding-reference ENC",
     "the reference's encoding, over --encoding\n(KOSIS and MOIS tables are cp949)"},
    {CLI_OPT_DELIMITER, "    --delimiter C", "CSV delimiter (default ',', or tab for .tsv)"},
    {CLI_OPT_SEED, "    --seed S",
     "random seed, 0 to 2^64-1 (default 20260611);\nsame seed, same bytes"},
    {CLI_OPT_BOOTSTRAP, "    --bootstrap B", "bootstrap replicates, 50 to 1000000"},
    {CLI_OPT_INTERVAL, "    --interval M",
     "calibrated (default: test inversion, METHOD.md 8)\nor basic (pivotal) bootstrap intervals"},
    {CLI_OPT_FAIL_ON, "    --fail-on WHAT",
     "exit 3 when a check's verdict is WHAT (flag, any\ncase); for CI"},
};

/* Prints text (lines separated by '\n'), every line but the first indented to
 * width; *col is the column the first line starts at, and is left at the end
 * of the last line (no newline written after it). */
static void help_text(const char *text, int width, int *col)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        printf("%.*s", len, p);
        *col += len;
        p += len;
        if (*p == '\n') {
            p++;
            printf("\n%*s", width, "");
            *col = width;
        }
    }
}

void cli_common_help(int code, int width, const char *note)
{
    for (size_t i = 0; i < sizeof help_rows / sizeof help_rows[0]; i++) {
        if (help_rows[i].code != code) continue;
        int col = printf("  %s", help_rows[i].name);
        if (col + 1 > width) {
            printf("\n%*s", width, "");
        } else {
            printf("%*s", width - col, "");
        }
        col = width;
        help_text(help_rows[i].meaning, width, &col);
        if (note) {
            /* the command's remark: on the same line when its first line fits */
            size_t first = strcspn(note, "\n");
            if (col + 1 + (int)first <= 80) {
                printf(" ");
                col++;
            } else {
                printf("\n%*s", width, "");
                col = width;
            }
            help_text(note, width, &col);
        }
        printf("\n");
        return;
    }
}

int cli_bad_option(const char *cmd, const struct option *longopts, int c, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (c == ':') {
        if (!strncmp(arg, "--", 2)) return cli_usage_error(cmd, "%s needs a value", arg);
        return cli_usage_error(cmd, "-%c needs a value", optopt);
    }
    if (optopt && optopt < 0x80 && strncmp(arg, "--", 2) != 0)
        return cli_usage_error(cmd, "unknown option '-%c'", optopt);
    if (strncmp(arg, "--", 2) != 0) return cli_usage_error(cmd, "unknown option '%s'", arg);
    const char *name = arg + 2;
    size_t n = strcspn(name, "=");
    const char *names[128];
    size_t nn = 0;
    for (const struct option *o = longopts; o && o->name && nn < 128; o++) {
        names[nn++] = o->name;
        /* getopt_long refuses a value given to an option that takes none */
        if (strlen(o->name) == n && !strncmp(o->name, name, n))
            return cli_usage_error(cmd, "--%s takes no value", o->name);
    }
    char typed[130];
    snprintf(typed, sizeof typed, "%.*s", (int)(n < 129 ? n : 129), name);
    const char *best = iaf_suggest(typed, names, nn);
    if (best)
        return cli_usage_error(cmd, "unknown option '--%.*s' (did you mean '--%s'?)", (int)n, name,
                               best);
    return cli_usage_error(cmd, "unknown option '--%.*s'", (int)n, name);
}
