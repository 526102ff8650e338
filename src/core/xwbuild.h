/* src/core/xwbuild.h - building crosswalk files from an official classification
 * (`iaf crosswalk build`, docs/crosswalks.md).
 *
 * A dataset's category labels (VALUES) are matched to the titles of a hierarchical
 * classification whose codes nest by prefix (KSCO: 2 -> 23 -> 232 -> 2321 -> 23213):
 * exact title first, then the normalised title (iaf_xwb_normalize), then rule rows
 * (a crosswalk file, see core/crosswalk.h) for the labels no title matched. Each matched
 * code is rolled up to one level of the classification, optionally composed with a
 * further crosswalk keyed by code (KSCO -> KECO), and the result is written as a
 * crosswalk file with one exact row per label, plus a report of what did not map.
 *
 * Ownership: every object returned here is owned by the caller and freed by its _free
 * function (NULL is a no-op); the views inside a result borrow from the result itself and
 * stay valid until iaf_xwb_result_free. The classification and the crosswalks passed in
 * are only read, but the rule and compose crosswalks are used through their regex path,
 * so they must not be shared with another thread during iaf_xwb_build.
 */
#ifndef IAF_CORE_XWBUILD_H
#define IAF_CORE_XWBUILD_H

#include <stddef.h>

#include "core/crosswalk.h"
#include "iaf/source.h"
#include "iaf/status.h"
#include "util/util.h"

/* Levels a classification may have (KSCO has 5). */
#define IAF_XWB_MAX_LEVELS 16

/* ---- normalisation ------------------------------------------------------------------ */

/* Append the normalised form of s[0..n) to out: (1) the middle-dot variants U+00B7,
 * U+0387, U+2219, U+2027, U+22C5, U+318D, U+30FB, U+FF65 become U+00B7; (2) Unicode NFKC
 * (utf8proc, core/labels.h); (3) runs of ASCII whitespace (space, TAB, LF, VT, FF, CR)
 * become one space and the ends are trimmed; (4) ASCII letters are lower-cased. A label
 * that is not valid UTF-8 skips step 2 (docs/crosswalks.md). Returns 0, or -1 when out of
 * memory. */
int iaf_xwb_normalize(const char *s, size_t n, iaf_buf *out);

/* Append the word form of s[0..n) to out, for matching titles written as phrases
 * ("Carpenters", "Fast food and counter workers") against labels written as identifiers
 * ("carpenter", "fast_food_or_counter_worker"): iaf_xwb_normalize, then words = maximal runs
 * of ASCII letters and digits and of non-ASCII bytes (every other byte separates words);
 * words equal to one of ignore[0..nignore) (ASCII case-insensitive) are left out; every
 * ASCII word longer than 3 bytes loses a regular English plural ending: "ies" -> "y",
 * "sses"/"shes"/"ches"/"xes"/"zzes" -> without "es", else a final "s" unless the word ends
 * in "ss", "us" or "is". The words are joined by one space. Returns 0, or -1 when out of
 * memory. Irregular plurals ("midwives", "men") are not undone: they need a rule. */
int iaf_xwb_word_form(const char *s, size_t n, const char *const *ignore, size_t nignore,
                      iaf_buf *out);

/* ---- classification ----------------------------------------------------------------- */

typedef struct iaf_xwb_class iaf_xwb_class;

typedef struct iaf_xwb_class_options {
    const char *code_col;  /* NULL: "code", else the first column whose name contains "code" */
    const char *title_col; /* NULL: "title", else the first column whose name contains "title" */
    const char *level_col; /* NULL: "level" when present (and levels is NULL) */
    /* "major=1,sub_major=2,...": level names and their code lengths. When given, a code's
     * level is read from its length (and must agree with level_col if that was given
     * explicitly); when NULL, levels come from level_col and each level's code length is
     * inferred (all codes of a level must have one length). */
    const char *levels;
} iaf_xwb_class_options;

/* Read a classification CSV (lines starting with '#' are comments). Codes nest by
 * prefix: the ancestor of a code at a coarser level is its prefix of that level's
 * length. A code listed twice at the same level is kept (the first title is its title,
 * both titles match); at different levels it is an error. opt may be NULL. */
iaf_status iaf_xwb_class_load(const char *path, const iaf_xwb_class_options *opt,
                              iaf_xwb_class **out, iaf_error *err);
iaf_status iaf_xwb_class_load_memory(const void *data, size_t n, const char *name,
                                     const iaf_xwb_class_options *opt, iaf_xwb_class **out,
                                     iaf_error *err);
void iaf_xwb_class_free(iaf_xwb_class *c);

size_t iaf_xwb_class_ncodes(const iaf_xwb_class *c); /* rows, duplicates included */
size_t iaf_xwb_class_nlevels(const iaf_xwb_class *c);
/* Levels are numbered coarsest first. Name borrowed until iaf_xwb_class_free. */
const char *iaf_xwb_class_level_name(const iaf_xwb_class *c, size_t level);
size_t iaf_xwb_class_level_len(const iaf_xwb_class *c, size_t level);
/* Level number of a name, or -1. */
int iaf_xwb_class_level(const iaf_xwb_class *c, const char *name);
/* Codes listed more than once, as "CODE (lines A, B)" separated by "; " ("" if none);
 * borrowed until iaf_xwb_class_free. */
const char *iaf_xwb_class_duplicates(const iaf_xwb_class *c);

/* ---- values (the dataset's labels) -------------------------------------------------- */

typedef struct iaf_xwb_values iaf_xwb_values;

typedef struct iaf_xwb_values_options {
    const char *label_col; /* NULL: the first column that is not the count or share column */
    const char *count_col; /* NULL: "count" when present; otherwise the labels have no mass */
    int no_header;         /* nonzero: a one-column file without a header line */
} iaf_xwb_values_options;

/* Read the labels: a marginal (`<attr>,count[,share]`), a long count table (rows with
 * one label are summed), or a list of labels. Labels keep the order of first appearance;
 * counts must be finite and >= 0. opt may be NULL. */
iaf_status iaf_xwb_values_load(const char *path, const iaf_xwb_values_options *opt,
                               iaf_xwb_values **out, iaf_error *err);
iaf_status iaf_xwb_values_load_memory(const void *data, size_t n, const char *name,
                                      const iaf_xwb_values_options *opt, iaf_xwb_values **out,
                                      iaf_error *err);
void iaf_xwb_values_free(iaf_xwb_values *v);
size_t iaf_xwb_values_count(const iaf_xwb_values *v);

/* ---- building ----------------------------------------------------------------------- */

typedef enum iaf_xwb_how {
    IAF_XWB_UNMATCHED = 0, /* no title and no rule */
    IAF_XWB_EXACT,         /* a title, byte for byte */
    IAF_XWB_NORMALIZED,    /* a title after iaf_xwb_normalize on both sides */
    IAF_XWB_WORDS,         /* a title with the same word form (iaf_xwb_word_form) */
    IAF_XWB_HEAD,          /* a title's head: its word form up to one of its commas */
    IAF_XWB_RULE,          /* a row of the rules crosswalk */
    IAF_XWB_EXCLUDED,      /* named by an exclusion: outside the universe, not mapped */
    IAF_XWB_NHOW
} iaf_xwb_how;

/* Short name: "unmatched", "exact", "normalized", "words", "head", "rule", "excluded". */
const char *iaf_xwb_how_name(iaf_xwb_how how);

typedef struct iaf_xwb_options {
    int match_exact, match_normalized; /* which title matchers run (exact always first) */
    /* Word-form matchers, tried in this order after exact and normalised on the labels still
     * unmatched: `words` compares iaf_xwb_word_form of label and title; `head` compares the
     * label's word form with the word form of each title cut before one of its commas
     * ("Packers and packagers, hand" -> "packer packager"; "Architects, except landscape
     * and naval" -> "architect"), so that a title's trailing qualifier may be left out. */
    int match_words, match_head;
    const char *const *ignore_words; /* words both sides leave out (e.g. and, or, of) */
    size_t nignore_words;
    const char *level; /* roll-up level (a level name of the classification) */
    int to_title;      /* 1: `to` is the title of the rolled-up code */
    int strict;        /* 1: a title at codes that roll up apart is an error */
    /* Rule rows (borrowed, may be NULL), tried on labels no title matched. Each `to` is
     * resolved through the classification - a code, else an exact title, else a
     * normalised title - at the roll-up level or finer, then rolled up; an empty `to`
     * drops the label. A `to` that resolves to nothing is an error. With a compose file,
     * a `to` that is a code coarser than the roll-up level is allowed too (it goes to the
     * compose file as it is), and so is a title at a coarser level. */
    iaf_crosswalk *rules;
    /* Compose (borrowed, may be NULL): rolled-up codes are mapped through this crosswalk,
     * trying the code itself and then its ancestors, coarsest last; the first one with a
     * row wins. Weights multiply. A code with no row at any level is an error, and so is
     * a label only part of whose mass the compose file drops. */
    iaf_crosswalk *compose;
    /* Labels outside the universe (exact bytes) and patterns (POSIX ERE, whole label,
     * C.UTF-8): counted as excluded, never mapped. */
    const char *const *exclude;
    size_t nexclude;
    const char *const *exclude_regex;
    size_t nexclude_regex;
    /* 1: the crosswalk file lists the excluded labels too, as empty-`to` rows, so that it
     * drops them explicitly wherever it is applied (they stay "excluded" in the summary) */
    int drop_excluded;
} iaf_xwb_options;

/* Defaults: exact and normalised matching, nothing else set. */
void iaf_xwb_options_init(iaf_xwb_options *o);

typedef struct iaf_xwb_target {
    iaf_sv to;
    double weight;
} iaf_xwb_target;

typedef struct iaf_xwb_label {
    iaf_sv label;
    double mass; /* count (0 when the values have no counts) */
    iaf_xwb_how how;
    int dropped;             /* a rule or the compose file sent it to an empty `to` */
    int ambiguous;           /* its title is at several codes (most specific kept) */
    int split;               /* ... and those codes roll up to different targets */
    size_t ntargets;         /* 0 when unmatched, excluded or dropped */
    iaf_xwb_target *targets; /* sorted by `to` (byte order), weights sum to 1 */
    size_t ncodes;           /* the matched classification codes, before roll-up */
    iaf_sv *codes;           /* in classification order */
    iaf_sv hint;             /* unmatched: "title of <level> <code>" when a coarser title
                                matched; otherwise empty */
} iaf_xwb_label;

typedef struct iaf_xwb_result {
    size_t nlabels;
    iaf_xwb_label *labels; /* in the order of the values */
    int has_mass;
    double total_mass;
    size_t n[IAF_XWB_NHOW]; /* labels by how (dropped ones included in their how) */
    double mass[IAF_XWB_NHOW];
    size_t n_dropped, n_ambiguous, n_split;
    double mass_dropped, mass_ambiguous;
    double mass_mapped;     /* every matcher and rule, minus dropped */
    const char *level_name; /* borrowed from the classification */
    int drop_excluded;      /* copied from the options */
    int word_matchers;      /* the words or head matcher ran (the summary lists them) */
    /* private storage follows */
} iaf_xwb_result;

iaf_status iaf_xwb_build(const iaf_xwb_class *c, const iaf_xwb_values *v, const iaf_xwb_options *o,
                         iaf_xwb_result **out, iaf_error *err);
void iaf_xwb_result_free(iaf_xwb_result *r);

/* The crosswalk file: preamble (copied verbatim; may be NULL; each of its lines must start
 * with '#', else IAF_ERR_INVALID), the header `from,to,weight,match,note`, then one row per
 * mapped target and one empty-`to` row per dropped label (and per excluded label with
 * drop_excluded), in the order of the values.
 * `note` says how the row matched and at which codes ("exact 23213", "normalized 23213",
 * "rule A0200", "... ambiguous" when the title is at several codes). Appends to out. */
iaf_status iaf_xwb_write_crosswalk(const iaf_xwb_result *r, const char *preamble, iaf_buf *out,
                                   iaf_error *err);

/* Mass per target: `to,mass,labels` (weights applied; labels counts every label with a
 * share in the target), in byte order of `to`; mass is empty when the values have no
 * counts. Appends to out. */
iaf_status iaf_xwb_write_targets(const iaf_xwb_result *r, iaf_buf *out, iaf_error *err);

/* The report: `label,status,count,share,detail`, one row per label that is unmatched,
 * excluded, dropped or ambiguous, largest mass first (then byte order); count and share
 * are empty when the values have no counts. Appends to out. */
iaf_status iaf_xwb_write_report(const iaf_xwb_result *r, iaf_buf *out, iaf_error *err);

/* The classification's codes at the roll-up level that no label reached (no matched code
 * rolls up to them): `code,title`, in classification order - what the reference has that
 * the dataset's labels never name. c must be the classification r was built from. Appends
 * to out. */
iaf_status iaf_xwb_write_unreached(const iaf_xwb_class *c, const iaf_xwb_result *r, iaf_buf *out,
                                   iaf_error *err);

/* A few lines of plain text: labels and mass by how they matched, and the mapped share
 * of all mass and of the mass outside the exclusions. Appends to out. */
iaf_status iaf_xwb_write_summary(const iaf_xwb_result *r, iaf_buf *out, iaf_error *err);

#endif
