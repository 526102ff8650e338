/* stats/condind.h - conditional independence of A and B given C on a count
 * table (docs/method.md, "Conditional independence").
 *
 * The table comes as cells (c, a, b, count): c the conditioning cell (one
 * combination of the given attributes), a and b category ids. Statistics over
 * the tested conditioning cells, each weighted by its share w_c of their rows:
 *
 *   cmi       sum_c w_c I_c(A;B), plug-in, natural logs
 *   cmi_mm    cmi minus the Miller-Madow bias sum_c (ka_c-1)(kb_c-1) / (2 n)
 *   cdep_tvd  sum_c w_c dep_tvd(p_ab|c)
 *
 * Null: A and B independent within every cell with the cell's observed
 * margins kept (an exact conditional permutation test: B's labels shuffled
 * among the cell's rows), B replicates, replicate r drawn from its own
 * stream of the seed, so the result does not depend on how it is run.
 * Sparse categories of A or B (fewer than pool_below rows in the whole
 * table) are merged into one category per attribute: a function of A is
 * independent of B given C whenever A is, so merging keeps the null true and
 * costs power only. Conditioning cells are never merged (merging strata can
 * create or hide dependence: Simpson); a cell with fewer than min_cell_n
 * rows, or with one category of A or of B only (no dependence can show
 * there), is left out of the test and its rows are reported.
 *
 * Power: in sparse tables the plug-in statistic is far from its population
 * value (under the null and under an alternative alike), so "within the
 * null" says nothing unless a dependence that matters would have left it.
 * The alternative keeps every cell's observed margins and mixes in their
 * comonotone coupling: (1 - lam) p_a p_b + lam NW(p_a, p_b), whose dep_tvd
 * is lam dep_tvd(NW), with lam chosen per cell to give power_tau. */
#ifndef IAF_STATS_CONDIND_H
#define IAF_STATS_CONDIND_H

#include <stddef.h>
#include <stdint.h>

#include "iaf/status.h"
#include "stats/bootstrap.h"

typedef struct iaf_ci_cell {
    uint32_t c, a, b;
    uint64_t n;
} iaf_ci_cell;

/* The tested cells of one side as dense blocks, for the retention bootstrap
 * (docs/method.md 12a): block t holds the ka[t] x kb[t] table (categories
 * present in the cell, after pooling; row-major) of one tested
 * conditioning cell, at counts[off[t] .. off[t + 1]). Owned; cleared by
 * iaf_ci_layout_clear. */
typedef struct iaf_ci_layout {
    size_t nblocks;
    size_t *off; /* nblocks + 1 */
    size_t *ka, *kb;
    double *counts; /* off[nblocks] cells */
} iaf_ci_layout;

void iaf_ci_layout_clear(iaf_ci_layout *l);

/* cdep_tvd (sum over blocks of their share of the total times dep_tvd) of a
 * table x laid out as l (counts or shares); NAN when x is empty. */
double iaf_ci_layout_cdep(const iaf_ci_layout *l, const double *x);

/* The table with x's block totals and within-block margins and no
 * conditional dependence (each block the product of its margins), into
 * out. Along x0 + d (x - x0), cdep_tvd is d cdep_tvd(x) exactly. */
void iaf_ci_layout_indep(const iaf_ci_layout *l, const double *x, double *out);

#define IAF_CI_POWER_GRID_MAX 8

typedef struct iaf_ci_options {
    uint64_t pool_below; /* categories of A or B with fewer rows are merged (0: none) */
    uint64_t min_cell_n; /* conditioning cells with fewer rows are not tested */
    size_t b;            /* null replicates (0: no simulated null) */
    uint64_t seed;
    double power_tau; /* power against a conditional dependence TVD of this size (0: none) */
    size_t power_b;   /* replicates of the alternative */
    /* the power curve: power against each of these dependences too (at
     * most IAF_CI_POWER_GRID_MAX), from the same draws */
    const double *power_grid;
    size_t npower_grid;
    iaf_ci_layout *layout; /* optional, filled with the tested cells (caller clears) */
    unsigned threads;      /* threads for the null's and the power's replicates (0 or 1: the
                              calling thread); the results are the same bits whatever the number */
} iaf_ci_options;

typedef struct iaf_ci_result {
    double n;             /* rows in the table */
    double n_tested;      /* rows in the tested cells */
    double support;       /* n_tested / n */
    size_t ncells;        /* non-empty conditioning cells */
    size_t ncells_tested; /* tested cells */
    size_t ncells_sparse; /* left out: fewer than min_cell_n rows */
    size_t ncells_single; /* left out: one category of A or of B only */
    double n_sparse;      /* their rows */
    double n_single;      /* their rows */
    size_t ka, kb;        /* categories of A and B with rows (before pooling) */
    size_t ka_pooled;     /* categories of A merged into one (0 or >= 2) */
    size_t kb_pooled;     /* the same for B */
    double n_a_pooled;    /* rows in A's merged categories */
    double n_b_pooled;    /* rows in B's merged categories */
    double cmi, cmi_mm, mm_bias, cdep_tvd;
    double g, df, p_analytic; /* G = 2 n cmi, df = sum_c (ka_c-1)(kb_c-1), chi-square p */
    int cochran_ok;           /* expected counts >= 5 in 80% of the tested cells' cells */
    /* the simulated null (NAN without replicates) */
    size_t b;
    double null_mean, null_q95, null_sd, p_sim;    /* of cdep_tvd */
    double cmi_null_mean, cmi_null_q95, cmi_p_sim; /* of cmi */
    double excess;                                 /* cdep_tvd - null_mean */
    double band;                                   /* null_q95 - null_mean */
    /* power: the share of draws from an alternative with the observed margins and
     * conditional dependence TVD power_tau (each cell mixed with the comonotone coupling
     * of its margins) whose statistic exceeds null_q95 (NAN when not asked) */
    double power, power_tau;
    size_t power_b;
    /* the power curve: power_curve[j] against options.power_grid[j], whose
     * achieved conditional dependence TVD is curve_against[j] (smaller where
     * a cell's comonotone coupling is weaker than asked) */
    size_t npower_curve;
    double power_curve[IAF_CI_POWER_GRID_MAX], curve_against[IAF_CI_POWER_GRID_MAX],
        curve_delta[IAF_CI_POWER_GRID_MAX];
} iaf_ci_result;

/* cells: ncells cells with c < nc, a < na, b < nb (zero counts allowed). */
iaf_status iaf_ci_test(const iaf_ci_cell *cells, size_t ncells, uint32_t nc, uint32_t na,
                       uint32_t nb, const iaf_ci_options *opt, iaf_ci_result *out, iaf_error *err);

/* The interval of the retention excess(syn) / excess(ref) (docs/method.md 12a), from the
 * two sides' results and layouts (iaf_ci_test with options.layout). The reference's
 * conditional dependence first: with a finite n_r (its rows behind the tested cells) it is
 * resampled, r* ~ Multinomial(n_r, r), and calibrated along the path from its
 * conditional-independence table to r_hat (*ref_cdep: plug-in, interval, and the corrected
 * estimate e cdep(r_hat)); with n_r infinite it is exact. Then the retention: s* ~
 * Multinomial(n_s, s_d) along s_d = s_0 + d (s_hat - s_0) from s_hat's
 * conditional-independence table, r* from the reference at its corrected dependence, the
 * statistic excess(s*) / excess(r*) with the observed null means, the truth
 * cdep(s_d) / cdep(r) (*ret; NAN fields when the reference's corrected dependence is 0).
 * The intervals are those of bop->interval (calibrated by default; basic: the ordinary
 * bootstrap, the reference drawn from r_hat). */
iaf_status iaf_ci_retention(const iaf_ci_result *syn, const iaf_ci_layout *ls,
                            const iaf_ci_result *ref, const iaf_ci_layout *lr, double n_r,
                            const iaf_boot_options *bop, iaf_boot_interval *ret,
                            iaf_boot_interval *ref_cdep, size_t *evaluations, iaf_error *err);

#endif
