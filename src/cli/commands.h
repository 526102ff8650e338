/* src/cli/commands.h - the subcommands of the iaf tool and their shared
 * helpers. Every cmd_* returns the process exit code: 0 ok, 1 data or I/O
 * error, 2 usage error, 3 a --fail-on condition met. */
#ifndef IAF_CLI_COMMANDS_H
#define IAF_CLI_COMMANDS_H

#include <stddef.h>
#include <stdio.h>

#include "iaf/status.h"

enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_FAIL_ON = 3 };

/* The whole tool (main.c): `iaf ARGS`, returning the exit status. main()
 * is only this (entry.c), so tests/faults can run the very same code with
 * a failing allocator or file layer installed. */
int iaf_cli_main(int argc, char **argv);

int cmd_count(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_crosswalk(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_replicate(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_card(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);

/* Write a count directory or a plan (iaf/cubes.h) into dir, every file
 * through one output set; returns the exit code. */
struct iaf_cubes;
int cli_write_cubes(const struct iaf_cubes *c, const char *dir);

/* Print "iaf: <located error>" to stderr; returns EXIT_DATA, or EXIT_USAGE
 * for a parse error located in an option's value (its file is "--where"). */
int cli_fail(const iaf_error *err);
/* Print "iaf: out of memory" to stderr; returns EXIT_DATA. */
int cli_oom(void);
/* Print "iaf COMMAND: message" and a hint to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Split "a,b,c" into a NULL-terminated array of new strings (commas inside
 * backquotes or double quotes are kept); returns count or -1. */
int cli_split(const char *s, char ***out);
void cli_free_list(char **list);
/* Write one output by the rules of cli/output.h (an output set of one file):
 * "-" means stdout. */
int cli_write_file(const char *path, const char *data, size_t n, iaf_error *err);
/* mkdir -p: dir and its missing parents (0755); IAF_OK, or IAF_ERR_IO in err
 * naming the directory that could not be made. */
iaf_status cli_mkdir_p(const char *dir, iaf_error *err);
/* *s += t (a NULL *s is empty); -1 when out of memory, *s unchanged. */
int cli_append(char **s, const char *t);
/* "dir/name" as a new string (iaf_free), NULL when out of memory. */
char *cli_path_join(const char *dir, const char *name);
/* The command as reports record it, "iaf NAME ARGV[1] ...", as a new string
 * (iaf_free), NULL when out of memory. */
char *cli_command_line(const char *name, int argc, char **argv);
/* From here on, standard output is text for a person: control bytes in
 * labels (ESC and the rest of C0 but LF and TAB, DEL, C1, invalid UTF-8)
 * are written as \xNN or \u00NN (util/textesc.h), so a label cannot drive
 * the terminal. Not for data outputs (CSV, JSON, Markdown, HTML), which keep
 * their bytes. Returns 0, or -1 leaving stdout as it was. */
int cli_escape_stdout(void);
/* fputs with the same escaping (messages that quote data). */
void cli_puts_escaped(FILE *f, const char *s);
/* The first n bytes of s as a new string (iaf_free), NULL when out of memory. */
char *cli_strndup(const char *s, size_t n);
/* Make *arr (elements of elem bytes, *cap of them) hold at least need,
 * doubling; 0, or -1 when out of memory (*arr unchanged). */
int cli_grow(void **arr, size_t *cap, size_t need, size_t elem);
#define CLI_GROW(arr, cap, need) cli_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

#endif
