/* src/audit/kinds.h - the check kinds behind one table of operations.
 *
 * A kind is a file of its own with its operations, and an entry in the
 * table of kinds.c:
 *
 *   marginal, joint  kind_compare.c     harmonised comparison (compare.c), and for a
 *                                       joint check with `standardize` the standardised one
 *   flattening       kind_flattening.c  flattening check (flatcheck.c), optional standardisation
 *   rule             kind_rule.c        hard rules, expectations, age profiles (rulecheck.c)
 *   conditional_independence
 *                    kind_condind.c     A independent of B given C (stats/condind.c)
 *
 * The operations: `parse` reads the kind's own spec keys (spec.c reads the
 * keys every check has, then hands the check's mapping over; the YAML
 * helpers are in spec_int.h, what the kinds that compare attributes with a
 * reference share in spec_compared.c); `columns` names the columns its
 * synthetic side is counted over; `run`, once audit.c has opened the
 * inputs, counted (microdata in one scan) and derived each side's table,
 * fills the variant's result; `label`, `json_check` and `json_variant`
 * write its report.json members, from which the report model and every
 * renderer read. Its report side (key number, report.html panel, headline
 * and answer text) is a src/report/panel_*.c plus a line in the table of
 * src/report/rkinds.c, which tests/unit/test_report_kinds.c checks has an
 * entry for every kind here.
 *
 * A new kind: its enum value (spec.h), its file, its functions declared
 * below, and an entry in kinds.c's table (tests/unit/test_kinds.c checks
 * that every kind has every operation), and its report side as above.
 * How audit.c derives its sides is its `sides`, one of the three shapes
 * below; a kind of a new shape would need a fourth in audit.c.
 */
#ifndef IAF_AUDIT_KINDS_H
#define IAF_AUDIT_KINDS_H

#include "audit/audit.h"
#include "core/dataset.h"
#include "stats/bootstrap.h"
#include "util/json.h"
#include "util/util.h"

struct fy_node;
struct iaf_spec_ctx;
struct iaf_spec_check_keys;

/* What a kind's run gets: one variant of one check with both sides
 * derived. Rule checks have no reference side (rdv, stdv NULL; n_r NAN); a
 * conditional_independence check has one only when it names a reference. */
typedef struct iaf_kind_input {
    const iaf_spec *spec;
    const iaf_spec_check *k;
    const iaf_spec_variant *var;
    const iaf_derived *sdv;      /* synthetic side */
    const iaf_derived *rdv;      /* reference side */
    const iaf_derived *stdv;     /* the standard population of `standardize`, or NULL */
    double n_s, n_r;             /* sample sizes (n_r infinite: a fixed reference) */
    const iaf_boot_options *bop; /* NULL: no bootstrap, no verdicts */
} iaf_kind_input;

/* How audit.c counts and derives a kind's sides. */
typedef enum iaf_kind_sides {
    /* the check's attributes (and stratum) on both sides, once per variant, with
     * support, lump bounds and coverage (marginal, joint, flattening) */
    IAF_SIDES_COMPARED,
    /* the variables of its expressions, synthetic side only (rule) */
    IAF_SIDES_SYNTHETIC,
    /* its variables (rule_attrs), and the same on the reference when it names one
     * (conditional_independence) */
    IAF_SIDES_VARIABLES
} iaf_kind_sides;

/* A default threshold of a kind (METHOD.md section 9). */
typedef struct iaf_kind_default {
    const char *metric;
    double value;
} iaf_kind_default;

/* Where json_check's members go in a check's report.json object. */
typedef enum iaf_kind_json_slot {
    IAF_KIND_JSON_SUBJECT, /* after "attributes": what the check is about */
    IAF_KIND_JSON_PARAMS   /* after "note": its parameters */
} iaf_kind_json_slot;

typedef struct iaf_check_ops {
    iaf_check_kind kind;
    const char *name;                 /* the spec's `kind:`, report.json's "kind" */
    const char *const *keys;          /* its own check keys (NULL-terminated) */
    const iaf_kind_default *defaults; /* its thresholds' defaults, ended by a NULL metric */
    const char *screens[3];           /* the metrics report.json lists the thresholds of */
    iaf_kind_sides sides;
    /* the attribute a per-category `standardize` standard is given for (joint: x,
     * flattening: the domain); unused by kinds without `standardize` */
    size_t standardised;
    /* Reads the kind's keys of check mapping n into k (the generic ones are
     * in g); 0, or -1 with the error set at the spec's FILE:LINE:COL. */
    int (*parse)(struct iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k,
                 const struct iaf_spec_check_keys *g);
    /* The columns the synthetic side of variant v is counted over, before the
     * universe's variables (at most 16, borrowed from the spec); their number. */
    size_t (*columns)(const iaf_spec_check *k, const iaf_spec_variant *v, const char **cols);
    /* Fill vr (its cmp / flat / rule / ci result, verdict, diagnosis, notes);
     * errors are prefixed with the check by the caller. */
    iaf_status (*run)(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err);
    /* The headline's "attributes": what the check is about, in a few words. */
    void (*label)(const iaf_spec_check *k, iaf_buf *b);
    /* Its members of the check's report.json object at slot (often none). */
    void (*json_check)(const iaf_spec_check *k, iaf_kind_json_slot slot, iaf_json *j);
    /* Its members of a variant's object, between "lump_hint" and "synthetic_coverage":
     * its result, with "age_agreement" where its report.json schema puts it. */
    void (*json_variant)(const iaf_spec_check *k, const iaf_variant_result *vr, iaf_json *j);
} iaf_check_ops;

/* The operations of kind k (never NULL for a kind the spec loader accepts). */
const iaf_check_ops *iaf_check_ops_of(iaf_check_kind k);
/* The table itself, for tests: its n entries. */
const iaf_check_ops *iaf_check_ops_table(size_t *n);

/* kinds.c: operations several kinds share */
/* the columns of the variant's attributes and stratum (IAF_SIDES_COMPARED) */
size_t iaf_kind_compared_columns(const iaf_spec_check *k, const iaf_spec_variant *v,
                                 const char **cols);
/* the columns of the check's variables, rule_attrs (the other sides) */
size_t iaf_kind_variables_columns(const iaf_spec_check *k, const iaf_spec_variant *v,
                                  const char **cols);
/* the check's attributes, "a x b" */
void iaf_kind_attributes_label(const iaf_spec_check *k, iaf_buf *b);
/* no members */
void iaf_kind_no_json_check(const iaf_spec_check *k, iaf_kind_json_slot slot, iaf_json *j);

/* kind_compare.c: marginal and joint */
int iaf_kind_compare_parse(struct iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n,
                           iaf_spec_check *k, const struct iaf_spec_check_keys *g);
iaf_status iaf_kind_compare_run(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err);
void iaf_kind_compare_json_variant(const iaf_spec_check *k, const iaf_variant_result *vr,
                                   iaf_json *j);

/* kind_flattening.c */
int iaf_kind_flattening_parse(struct iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n,
                              iaf_spec_check *k, const struct iaf_spec_check_keys *g);
iaf_status iaf_kind_flattening_run(const iaf_kind_input *in, iaf_variant_result *vr,
                                   iaf_error *err);
void iaf_kind_flattening_json_check(const iaf_spec_check *k, iaf_kind_json_slot slot, iaf_json *j);
void iaf_kind_flattening_json_variant(const iaf_spec_check *k, const iaf_variant_result *vr,
                                      iaf_json *j);

/* kind_rule.c */
int iaf_kind_rule_parse(struct iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n, iaf_spec_check *k,
                        const struct iaf_spec_check_keys *g);
iaf_status iaf_kind_rule_run(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err);
void iaf_kind_rule_label(const iaf_spec_check *k, iaf_buf *b);
void iaf_kind_rule_json_variant(const iaf_spec_check *k, const iaf_variant_result *vr, iaf_json *j);

/* kind_condind.c */
int iaf_kind_condind_parse(struct iaf_spec_ctx *c, iaf_spec *s, struct fy_node *n,
                           iaf_spec_check *k, const struct iaf_spec_check_keys *g);
iaf_status iaf_kind_condind_run(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err);
void iaf_kind_condind_label(const iaf_spec_check *k, iaf_buf *b);
void iaf_kind_condind_json_check(const iaf_spec_check *k, iaf_kind_json_slot slot, iaf_json *j);
void iaf_kind_condind_json_variant(const iaf_spec_check *k, const iaf_variant_result *vr,
                                   iaf_json *j);

#endif
