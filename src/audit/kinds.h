/* src/audit/kinds.h - the check kinds behind one table of operations.
 *
 * audit.c opens the inputs, registers every request, counts (microdata in
 * one scan) and derives each side's table; what a kind then does with the
 * derived tables is its `run` operation, in a file of its own:
 *
 *   marginal, joint  kind_compare.c     harmonised comparison (compare.c), and for a
 *                                       joint check with `standardize` the standardised one
 *   flattening       kind_flattening.c  flattening check (flatcheck.c), optional standardisation
 *   rule             kind_rule.c        hard rules, expectations, age profiles (rulecheck.c)
 *   conditional_independence
 *                    kind_condind.c     A independent of B given C (stats/condind.c)
 *
 * A new kind is a new file with its run function plus a line in the table
 * of kinds.c, and its report.html panel a new src/report/panel_*.c plus a
 * line in html.c's table of kind panels. Its spec keys (spec.c) and its
 * report.json members (report.c) are not behind a table yet.
 */
#ifndef IAF_AUDIT_KINDS_H
#define IAF_AUDIT_KINDS_H

#include "audit/audit.h"
#include "core/dataset.h"
#include "stats/bootstrap.h"

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

typedef struct iaf_check_ops {
    iaf_check_kind kind;
    /* Fill vr (its cmp / flat / rule result, verdict, diagnosis, notes);
     * errors are prefixed with the check by the caller. */
    iaf_status (*run)(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err);
} iaf_check_ops;

/* The operations of kind k (never NULL for a kind the spec loader accepts). */
const iaf_check_ops *iaf_check_ops_of(iaf_check_kind k);

iaf_status iaf_kind_compare_run(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err);
iaf_status iaf_kind_flattening_run(const iaf_kind_input *in, iaf_variant_result *vr,
                                   iaf_error *err);
iaf_status iaf_kind_rule_run(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err);
iaf_status iaf_kind_condind_run(const iaf_kind_input *in, iaf_variant_result *vr, iaf_error *err);

#endif
