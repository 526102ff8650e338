/* src/audit/spec_int.h - the spec loader's YAML helpers, for the check kinds' parsers.
 *
 * spec.c reads the keys every check has (id, title, kind, attributes,
 * reference, reference_columns, synthetic, universe, reference_universe,
 * disclosure, thresholds, note, variants) and hands the check's mapping to
 * its kind's `parse` (kinds.h), which reads the kind's own keys with the
 * helpers below. spec_compared.c holds what the kinds that compare a check's
 * attributes with a reference share. Every helper returns 0, or -1 with the
 * error set at FILE:LINE:COL of the node (the first error wins). Internal to
 * src/audit.
 */
#ifndef IAF_AUDIT_SPEC_INT_H
#define IAF_AUDIT_SPEC_INT_H

#include <libfyaml.h>

#include "audit/spec.h"
#include "util/util.h"

/* The ids of each kind, interned in the order of their arrays in iaf_spec, so that an id's
 * index is its position: duplicates and references by id cost one hash probe each, not a
 * scan (a spec with many checks must not load in quadratic time). */
enum { ID_TABLE, ID_DISCLOSURE, ID_CROSSWALK, ID_REFERENCE, ID_CHECK, ID_ATTR, ID_KINDS };

typedef struct iaf_spec_ctx {
    const char *file;
    const char *base; /* NULL: do not touch the file system */
    iaf_error *err;
    iaf_status st;
    char diag[512];
    iaf_strmap ids[ID_KINDS];
    size_t attr_cap;
} iaf_spec_ctx;

/* The generic keys of a check as spec.c read them, for its kind's parse (borrowed). */
typedef struct iaf_spec_check_keys {
    const char *kind;      /* as written */
    const char *ref;       /* `reference:`, NULL when absent */
    const char *disc;      /* `disclosure:`, NULL when absent */
    char **attrs, **rcols; /* `attributes:`, `reference_columns:` */
    size_t na, nrc;
} iaf_spec_check_keys;

/* An error at n: fmt takes two %s (a, b; NULL prints nothing). */
int iaf_spec_fail(iaf_spec_ctx *c, struct fy_node *n, const char *fmt, const char *a,
                  const char *b);
int iaf_spec_nomem(iaf_spec_ctx *c, struct fy_node *n);
/* The value of key in mapping map, or NULL. */
struct fy_node *iaf_spec_get(struct fy_node *map, const char *key);
/* Map n has only keys from allowed (NULL-terminated); what names it in the error. */
int iaf_spec_keys_only(iaf_spec_ctx *c, struct fy_node *n, const char *what,
                       const char *const *allowed);
/* Optional (or required) text, number, true/false, text list: absent or null, text and
 * lists are NULL (empty), numbers and true/false keep the value *out had. */
int iaf_spec_get_str(iaf_spec_ctx *c, struct fy_node *map, const char *key, char **out,
                     int required, const char *what);
int iaf_spec_get_num(iaf_spec_ctx *c, struct fy_node *map, const char *key, double *out,
                     const char *what);
int iaf_spec_get_bool(iaf_spec_ctx *c, struct fy_node *map, const char *key, int *out,
                      const char *what);
int iaf_spec_get_list(iaf_spec_ctx *c, struct fy_node *map, const char *key, char ***out, size_t *n,
                      const char *what);
void iaf_spec_free_list(char **l, size_t n);
/* An owned copy of scalar n, NULL when out of memory. */
char *iaf_spec_scalar_dup(struct fy_node *n);
/* Parses text, the value of scalar n in check id; errors located at the character. */
int iaf_spec_parse_expr(iaf_spec_ctx *c, struct fy_node *n, const char *text, const char *id,
                        iaf_expr **out);
/* Index of id among the ids of a kind (ID_*), or -1. */
int iaf_spec_find_id(const iaf_spec_ctx *c, int kind, const char *id);
/* An attribute by name; an undeclared name is the column of that name, as is (added to
 * the spec). NULL: out of memory, error set at n. */
iaf_attr *iaf_spec_attr_or_column(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n,
                                  const char *name);

/* spec_compared.c - the kinds that compare the check's attributes with a reference
 * (marginal, joint, flattening): */
/* Other kinds' keys a kind refuses before its own parse, in the words the loader has always
 * used for them (spec.c refuses any other kind's key, by name, after the kind's parse). */
enum {
    IAF_REFUSE_CONDIND = 1,     /* independent, given */
    IAF_REFUSE_RULE = 2,        /* rule, expect, citation, tolerance */
    IAF_REFUSE_FLATTENING = 4,  /* focal, theta */
    IAF_REFUSE_STANDARDIZE = 8, /* standardize */
};
/* Fails with "check 'ID': <the group's words>" at n when check n has a key of one of the
 * groups (a mask of IAF_REFUSE_*), tried in the order above. */
int iaf_spec_refuse_keys(iaf_spec_ctx *c, struct fy_node *n, const iaf_spec_check *k,
                         unsigned groups);
/* `standardize: {by, standard, per_category}` (METHOD.md section 7), when given. */
int iaf_spec_parse_standardize(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k);
/* The check's attributes (want of them, or its first variant's), reference columns,
 * variants and its required reference. */
int iaf_spec_parse_compared(iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k,
                            const iaf_spec_check_keys *g, size_t want);

#endif
