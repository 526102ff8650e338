/* src/audit/support.h - what a check reaches, lumped remainders, and the two
 * verdict paths they force (METHOD.md sections 3.5, 3.6 and 9).
 *
 * Support: every check reports the reference mass it reaches (support_ref,
 * a share of the reference's universe mass), the synthetic mass behind the
 * comparison (support_syn, a share of the synthetic universe mass) and
 * n_eff, the synthetic rows behind it; a flattening check also reports the
 * dominated categories it reaches (k of K) and their share of the
 * reference's dominated mass. Below `min_support` (or fewer than 3 dominated
 * categories) a check cannot PASS or FLAG.
 *
 * Lumps: a category that stands for "everything else" (`lump:` on an
 * attribute) makes every quantity partially identified. The bounds here are
 * Manski bounds over every allocation of the lump's mass, kept in its
 * cross-classification with the other attribute.
 *
 * The two verdict functions (iaf_verdict_partial, iaf_verdict_support) only
 * rewrite a decided iaf_check_verdict, so they compose with any diagnosis
 * function: decide first, then apply partial identification, then support.
 */
#ifndef IAF_AUDIT_SUPPORT_H
#define IAF_AUDIT_SUPPORT_H

#include "audit/compare.h"
#include "audit/flatcheck.h"

#define IAF_MIN_DOMINATED 3 /* fewer reached dominated categories cannot decide */

typedef struct iaf_support {
    double ref_mass;         /* reference universe mass (every cell state) */
    double ref_reached_mass; /* of it on comparable cells the synthetic side reaches */
    double support_ref;      /* their ratio */
    double syn_mass;         /* synthetic universe mass (before unmapped loss) */
    double syn_support_mass; /* synthetic mass on the comparable support (lump included) */
    double support_syn;      /* their ratio */
    double n_eff;            /* synthetic rows behind the comparison */
    int flattening;
    size_t dom_reached, dom_total; /* dominated categories reached, of all */
    double dom_share;              /* reference dominated mass in the reached ones */
    double min_support;
    int insufficient;
    char reason[200]; /* "insufficient support (...)" when insufficient */
} iaf_support;

typedef struct iaf_lump_bounds {
    int present;
    char **labels; /* the lump's raw labels (borrowed from the spec) */
    size_t nlabels;
    double lump_mass;  /* synthetic lump mass in the universe */
    double lump_share; /* of the synthetic mass the comparison uses (named + lump) */
    /* joint and marginal checks: the conditional distance (marginal: the TVD) */
    int has_cond;
    double cond_lo, cond_hi;           /* over the rows the synthetic reaches */
    double footprint_lo, footprint_hi; /* the same over cond_tvd(s_perp, r) */
    double unreached_ref;              /* reference share of rows the synthetic misses */
    /* flattening: the lump's focal and other mass, and category totals */
    double lump_focal, lump_other;
    int has_totals;
    double f_s_pooled_lo, f_s_pooled_hi;
    double flattening_pooled_lo, flattening_pooled_hi;
    size_t k;
    char *const *cat_labels; /* the domain categories (borrowed from the flat result) */
    double *f_s_lo, *f_s_hi; /* per domain category (NAN without totals) */
    double *total;           /* per domain category: N_y from the totals */
    char reason[200];        /* "partially identified: the lump holds x% of the mass" */
} iaf_lump_bounds;

/* 1 when a label reads like a lumped remainder (기타, 그 외, other, rest, etc):
 * the report suggests declaring it with `lump:`. */
int iaf_lump_like(const char *label, size_t len);

/* Support of a joint or marginal comparison. syn_mass: the synthetic universe
 * mass; lump: NULL or the check's lump bounds (its mass counts as reached
 * support, and a lump reaches every category of its attribute). Returns 0,
 * or -1 when out of memory (out then holds NaN). */
int iaf_support_compare(const iaf_comparison *c, double syn_mass, const iaf_lump_bounds *lump,
                        double min_support, iaf_support *out);
/* Support of a flattening check. */
void iaf_support_flat(const iaf_flat_result *f, double syn_mass, double n_s,
                      const iaf_lump_bounds *lump, double min_support, iaf_support *out);

/* Bounds of a joint (lump on y) or marginal (lump on x) comparison from the
 * lump table (attributes: x then the raw lumped column for a joint check;
 * the raw column alone for a marginal one). */
iaf_status iaf_lump_compare(const iaf_comparison *c, const iaf_table *lump,
                            const char *const *labels, size_t nlabels, iaf_lump_bounds *b,
                            iaf_error *err);
/* The same, tightened by the lumped attribute's category totals (totals:
 * NULL, or a one-attribute table of its full synthetic marginal on the
 * reference's categories, as `lump_totals:` gives): the lump holds at most
 * U_y = T_y - named mass of category y, in every row (a relaxation of the
 * allocation's column constraints, so the bounds stay valid). */
iaf_status iaf_lump_compare_totals(const iaf_comparison *c, const iaf_table *lump,
                                   const char *const *labels, size_t nlabels,
                                   const iaf_table *totals, iaf_lump_bounds *b, iaf_error *err);
/* Bounds of a flattening check: lump table over (group, raw domain column);
 * totals: NULL, or a one-attribute table of the domain's full synthetic
 * marginal on the reference's categories. */
iaf_status iaf_lump_flat(const iaf_flat_result *f, const char *focal, const iaf_table *lump,
                         const char *const *labels, size_t nlabels, const iaf_table *totals,
                         iaf_lump_bounds *b, iaf_error *err);
void iaf_lump_bounds_clear(iaf_lump_bounds *b);

/* Verdict path "partially identified": screens with bounds FLAG only on the
 * lower bound and PASS only on the upper one (each widened by the sampling
 * half-width of the plug-in interval); screens without bounds cannot
 * decide. Rewrites v (screens, verdict, diagnosis -> b->reason unless the
 * bounds decide). */
void iaf_verdict_partial(iaf_check_verdict *v, const iaf_lump_bounds *b, int flattening);
/* Verdict path "insufficient support": INCONCLUSIVE with s->reason. */
void iaf_verdict_support(iaf_check_verdict *v, const iaf_support *s);

void iaf_support_json(const iaf_support *s, iaf_json *j);
void iaf_lump_bounds_json(const iaf_lump_bounds *b, iaf_json *j);

#endif
