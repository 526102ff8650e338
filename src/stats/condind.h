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

typedef struct iaf_ci_cell {
    uint32_t c, a, b;
    uint64_t n;
} iaf_ci_cell;

typedef struct iaf_ci_options {
    uint64_t pool_below; /* categories of A or B with fewer rows are merged (0: none) */
    uint64_t min_cell_n; /* conditioning cells with fewer rows are not tested */
    size_t b;            /* null replicates (0: no simulated null) */
    uint64_t seed;
    double power_tau; /* power against a conditional dependence TVD of this size (0: none) */
    size_t power_b;   /* replicates of the alternative */
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
} iaf_ci_result;

/* cells: ncells cells with c < nc, a < na, b < nb (zero counts allowed). */
iaf_status iaf_ci_test(const iaf_ci_cell *cells, size_t ncells, uint32_t nc, uint32_t na,
                       uint32_t nb, const iaf_ci_options *opt, iaf_ci_result *out, iaf_error *err);

#endif
