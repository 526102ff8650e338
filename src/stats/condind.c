/* stats/condind.c - see condind.h. */
#include "stats/condind.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stats/bootstrap.h"
#include "stats/rng.h"
#include "stats/specfun.h"
#include "util/util.h"

/* Rows expanded for the simulated null are capped; beyond it only the
 * analytic null is given. */
#define CI_MAX_ROWS 50000000ull

typedef struct ci_cell {
    size_t off, n; /* rows [off, off + n) of the label arrays */
    size_t ka, kb;
    size_t moff; /* margins: ra at m[moff], cb at m[moff + ka] */
} ci_cell;

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* numpy's default (linear) quantile of sorted v */
static double quantile(const double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n) return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

/* dep_tvd and mutual information (mi NULL: not computed) of one cell's rows (local labels al, bl),
 * counted in cnt (ka*kb zeros on entry and on exit). Only cells with rows
 * are visited: a zero cell contributes its expected count to sum |o - e|. */
static void cell_stats_m(const uint32_t *al, const uint32_t *bl, const ci_cell *cc,
                         const double *ra, const double *cb, double *cnt, double *dep, double *mi)
{
    double n = (double)cc->n, absdev = 0, esum = 0, info = 0;
    for (size_t i = 0; i < cc->n; i++)
        cnt[(size_t)al[i] * cc->kb + bl[i]] += 1;
    for (size_t i = 0; i < cc->n; i++) {
        size_t k = (size_t)al[i] * cc->kb + bl[i];
        double o = cnt[k];
        if (o == 0) continue;
        double e = ra[al[i]] * cb[bl[i]] / n;
        absdev += fabs(o - e);
        esum += e;
        if (mi) info += o * log(o * n / (ra[al[i]] * cb[bl[i]]));
        cnt[k] = 0;
    }
    *dep = (absdev + (n - esum)) / (2 * n);
    if (*dep < 0) *dep = 0;
    if (mi) *mi = info / n;
}

static void cell_stats(const uint32_t *al, const uint32_t *bl, const ci_cell *cc, const double *m,
                       double *cnt, double *dep, double *mi)
{
    cell_stats_m(al, bl, cc, m + cc->moff, m + cc->moff + cc->ka, cnt, dep, mi);
}

/* Inversion of a cumulative distribution cum (non-decreasing, cum[k-1] = 1)
 * with a guide table (Chen and Asau 1974): guide[j] is the first i with
 * cum[i] > j / k, less a little, so that it never passes the answer for any u
 * that k u rounds down to j. */
static void guide_init(const double *cum, size_t k, uint32_t *guide)
{
    size_t i = 0;
    for (size_t j = 0; j < k; j++) {
        double x = (double)j / (double)k - 1e-12;
        while (i < k - 1 && !(cum[i] > x))
            i++;
        guide[j] = (uint32_t)i;
    }
}

/* The first index i with u < cum[i] (k - 1 at most): a short forward search
 * from the guide, on average under two steps. */
static uint32_t inv_cdf_guided(const double *cum, const uint32_t *guide, size_t k, double u)
{
    size_t j = (size_t)(u * (double)k);
    size_t i = guide[j < k ? j : k - 1];
    while (i < k - 1 && !(u < cum[i]))
        i++;
    return (uint32_t)i;
}

/* dep_tvd of the comonotone (north-west corner) coupling of margins pa, pb:
 * the most dependent table with these margins in this order of categories. */
static double nw_dep(const double *pa, size_t ka, const double *pb, size_t kb)
{
    double absdev = 0, esum = 0;
    size_t a = 0, b = 0;
    double ra = pa[0], rb = pb[0];
    while (a < ka && b < kb) {
        double mass = ra < rb ? ra : rb, e = pa[a] * pb[b];
        absdev += fabs(mass - e);
        esum += e;
        ra -= mass, rb -= mass;
        if (ra <= 1e-15 && ++a < ka) ra = pa[a];
        if (rb <= 1e-15 && ++b < kb) rb = pb[b];
        if (a >= ka || b >= kb) break;
    }
    double d = (absdev + (1 - esum)) / 2;
    return d > 0 ? d : 0;
}

/* ---- Replicates over threads ----
 * Replicate r of a loop uses stream (seed, r) and writes only its own
 * results, so the loop is split into contiguous ranges, one per thread, each
 * with scratch of its own: the results are the same bits whatever the split. */
#define CI_MAX_THREADS 64
/* Scratch of extra threads is bounded: beyond it, fewer threads. */
#define CI_SCRATCH_MAX ((size_t)256 << 20) /* bytes */

typedef struct rep_job {
    const void *ctx;
    void (*rep)(const void *ctx, void *scratch, size_t r);
    void *scratch;
    size_t r0, r1;
} rep_job;

static void *rep_job_run(void *arg)
{
    rep_job *j = arg;
    for (size_t r = j->r0; r < j->r1; r++)
        j->rep(j->ctx, j->scratch, r);
    return NULL;
}

/* Run rep(ctx, scratch[t], r) for r in [0, n) on up to nt threads; scratch[t]
 * is thread t's (scratch[0] the calling thread's). */
static void run_reps(const void *ctx, void (*rep)(const void *, void *, size_t), void **scratch,
                     size_t nt, size_t n)
{
    rep_job jobs[CI_MAX_THREADS];
    pthread_t tid[CI_MAX_THREADS];
    int started[CI_MAX_THREADS] = {0};
    if (nt > n) nt = n;
    if (nt < 1) nt = 1;
    for (size_t t = 0; t < nt; t++) {
        jobs[t] = (rep_job){ctx, rep, scratch[t], n * t / nt, n * (t + 1) / nt};
        if (t > 0) started[t] = pthread_create(&tid[t], NULL, rep_job_run, &jobs[t]) == 0;
    }
    rep_job_run(&jobs[0]);
    for (size_t t = 1; t < nt; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            rep_job_run(&jobs[t]); /* no thread available: run the range here */
    }
}

/* How many threads a loop whose threads need `per` bytes of scratch each may use. */
static size_t ci_threads(const iaf_ci_options *opt, size_t per)
{
    size_t nt = opt->threads > 1 ? opt->threads : 1;
    if (nt > CI_MAX_THREADS) nt = CI_MAX_THREADS;
    while (nt > 1 && per > CI_SCRATCH_MAX / (nt - 1))
        nt--;
    return nt;
}

typedef struct power_ctx {
    const iaf_ci_options *opt;
    const ci_cell *cc;
    size_t ntest, nalt, pb, nm_total;
    double n_tested;
    const double *fa, *lam;
    const uint32_t *guide; /* inv_cdf_guided's tables, laid out as fa */
    double *alt, *base;    /* results: alt[k * pb + r], base[r] */
} power_ctx;

typedef struct power_scratch {
    uint32_t *al, *bl, *xb, *ub;
    double *coin, *mr, *mb, *cnt;
} power_scratch;

static void power_scratch_free(power_scratch *w)
{
    if (!w) return;
    iaf_free(w->al), iaf_free(w->bl), iaf_free(w->xb), iaf_free(w->ub);
    iaf_free(w->coin), iaf_free(w->mr), iaf_free(w->mb), iaf_free(w->cnt);
    iaf_free(w);
}

static power_scratch *power_scratch_new(size_t nrows, size_t nm_total, size_t maxkk)
{
    power_scratch *w = iaf_calloc(1, sizeof *w);
    if (!w) return NULL;
    w->al = iaf_calloc(nrows + 1, sizeof *w->al);
    w->bl = iaf_calloc(nrows + 1, sizeof *w->bl);
    w->xb = iaf_calloc(nrows + 1, sizeof *w->xb);
    w->ub = iaf_calloc(nrows + 1, sizeof *w->ub);
    w->coin = iaf_calloc(nrows + 1, sizeof *w->coin);
    w->mr = iaf_calloc(nm_total + 1, sizeof *w->mr);
    w->mb = iaf_calloc(nm_total + 1, sizeof *w->mb);
    w->cnt = iaf_calloc(maxkk + 1, sizeof *w->cnt);
    if (!w->al || !w->bl || !w->xb || !w->ub || !w->coin || !w->mr || !w->mb || !w->cnt) {
        power_scratch_free(w);
        return NULL;
    }
    return w;
}

/* One replicate of the power simulation (see power_of). */
static void power_rep(const void *ctxp, void *scratch, size_t r)
{
    const power_ctx *p = ctxp;
    power_scratch *w = scratch;
    const ci_cell *cc = p->cc;
    size_t ntest = p->ntest;
    uint32_t *al = w->al, *bl = w->bl, *xb = w->xb, *ub = w->ub;
    double *coin = w->coin, *mr = w->mr, *mb = w->mb, *cnt = w->cnt;
    iaf_rng rng;
    iaf_rng_seed_stream(&rng, p->opt->seed ^ 0x9e3779b97f4a7c15ull, r);
    for (size_t t = 0; t < ntest; t++) {
        const double *ca = p->fa + cc[t].moff, *cbm = ca + cc[t].ka;
        const uint32_t *ga = p->guide + cc[t].moff, *gb = ga + cc[t].ka;
        uint32_t *xa = al + cc[t].off, *yb = bl + cc[t].off, *uu = ub + cc[t].off;
        double *co = coin + cc[t].off, *ra = mr + cc[t].moff, *cb0 = mb + cc[t].moff;
        memset(ra, 0, cc[t].ka * sizeof *ra);
        memset(cb0, 0, cc[t].kb * sizeof *cb0);
        for (size_t i = 0; i < cc[t].n; i++) {
            double u = iaf_rng_uniform(&rng), c = iaf_rng_uniform(&rng), v = iaf_rng_uniform(&rng);
            xa[i] = inv_cdf_guided(ca, ga, cc[t].ka, u);
            uu[i] = inv_cdf_guided(cbm, gb, cc[t].kb, u);
            yb[i] = inv_cdf_guided(cbm, gb, cc[t].kb, v);
            co[i] = c;
            ra[xa[i]] += 1, cb0[yb[i]] += 1;
        }
    }
    double d1 = 0;
    for (size_t t = 0; t < ntest; t++) {
        double d, wt = (double)cc[t].n / p->n_tested;
        cell_stats_m(al + cc[t].off, bl + cc[t].off, &cc[t], mr + cc[t].moff, mb + cc[t].moff, cnt,
                     &d, NULL);
        d1 += wt * d;
    }
    p->base[r] = d1;
    for (size_t k = 0; k < p->nalt; k++) {
        double d0 = 0;
        for (size_t t = 0; t < ntest; t++) {
            const uint32_t *uu = ub + cc[t].off, *yb = bl + cc[t].off;
            const double *co = coin + cc[t].off, l = p->lam[k * ntest + t];
            uint32_t *x = xb + cc[t].off;
            double *cb = mr + cc[t].moff + cc[t].ka, d, wt = (double)cc[t].n / p->n_tested;
            memset(cb, 0, cc[t].kb * sizeof *cb);
            for (size_t i = 0; i < cc[t].n; i++) {
                x[i] = co[i] < l ? uu[i] : yb[i];
                cb[x[i]] += 1;
            }
            cell_stats_m(al + cc[t].off, x, &cc[t], mr + cc[t].moff, cb, cnt, &d, NULL);
            d0 += wt * d;
        }
        p->alt[k * p->pb + r] = d0;
    }
}

/* Power (docs/method.md 12a): rows drawn from (1 - lam_c) p_a p_b + lam_c NW(p_a, p_b) in every
 * tested cell, with the cell's observed margins and lam_c = delta / dep_tvd(NW) (at most 1), so
 * that the alternative's conditional dependence TVD is delta (less where lam_c is capped); the
 * alternative against the same draw with lam = 0 (common random numbers; both with random
 * margins, unlike the permutation null, which keeps the observed ones). One draw per replicate
 * serves the stated delta and every delta of the power curve: a row's A comes from u, its B from
 * u (coupled) or v (independent) by a coin against lam_c. Replicate r draws from stream
 * (seed ^ constant, r) with scratch of its thread's own (power_rep). */
static iaf_status power_of(const iaf_ci_options *opt, const ci_cell *cc, size_t ntest,
                           const double *m, size_t nm_total, size_t maxkk, iaf_ci_result *out,
                           iaf_error *err)
{
    size_t nalt =
        1 + (opt->npower_grid < IAF_CI_POWER_GRID_MAX ? opt->npower_grid : IAF_CI_POWER_GRID_MAX);
    size_t nrows = (size_t)out->n_tested, pb = opt->power_b;
    double *fa = iaf_calloc(nm_total + 1, sizeof *fa), *lam = iaf_calloc(nalt * ntest, sizeof *lam);
    uint32_t *guide = iaf_calloc(nm_total + 1, sizeof *guide);
    double *alt = iaf_calloc(nalt * pb, sizeof *alt), *base = iaf_calloc(pb, sizeof *base);
    double against[1 + IAF_CI_POWER_GRID_MAX] = {0};
    size_t nt = ci_threads(opt, 24 * nrows + 16 * nm_total + 8 * maxkk);
    power_scratch *scr[CI_MAX_THREADS] = {NULL};
    iaf_status st = IAF_OK;
    int ok = fa && lam && guide && alt && base;
    for (size_t t = 0; ok && t < nt; t++)
        ok = (scr[t] = power_scratch_new(nrows, nm_total, maxkk)) != NULL;
    if (!ok) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t t = 0; t < ntest; t++) {
        double *qa = fa + cc[t].moff, *qb = qa + cc[t].ka, nn = (double)cc[t].n;
        for (size_t x = 0; x < cc[t].ka + cc[t].kb; x++)
            qa[x] = m[cc[t].moff + x] / nn;
        double dmax = nw_dep(qa, cc[t].ka, qb, cc[t].kb);
        for (size_t k = 0; k < nalt; k++) {
            double delta = k == 0 ? opt->power_tau : opt->power_grid[k - 1];
            double l = dmax > 0 ? fmin(1, delta / dmax) : 0;
            lam[k * ntest + t] = l;
            against[k] += nn / out->n_tested * l * dmax;
        }
        for (size_t x = 1; x < cc[t].ka; x++) /* cumulative, for inversion */
            qa[x] += qa[x - 1];
        for (size_t y = 1; y < cc[t].kb; y++)
            qb[y] += qb[y - 1];
        qa[cc[t].ka - 1] = qb[cc[t].kb - 1] = 1;
        guide_init(qa, cc[t].ka, guide + cc[t].moff);
        guide_init(qb, cc[t].kb, guide + cc[t].moff + cc[t].ka);
    }
    {
        power_ctx pc = {opt,           cc, ntest, nalt,  pb,  nm_total,
                        out->n_tested, fa, lam,   guide, alt, base};
        run_reps(&pc, power_rep, (void **)scr, nt, pb);
    }
    qsort(base, pb, sizeof *base, cmp_double);
    double q = quantile(base, pb, 0.95);
    for (size_t k = 0; k < nalt; k++) {
        size_t hit = 0;
        for (size_t r = 0; r < pb; r++)
            hit += alt[k * pb + r] > q;
        double pw = (double)hit / (double)pb;
        if (k == 0) {
            out->power = pw;
            out->power_tau = against[0];
        } else {
            out->power_curve[k - 1] = pw;
            out->curve_against[k - 1] = against[k];
            out->curve_delta[k - 1] = opt->power_grid[k - 1];
        }
    }
    out->npower_curve = nalt - 1;
    out->power_b = pb;
done:
    for (size_t t = 0; t < nt; t++)
        power_scratch_free(scr[t]);
    iaf_free(fa), iaf_free(lam), iaf_free(guide), iaf_free(alt), iaf_free(base);
    return st;
}

void iaf_ci_layout_clear(iaf_ci_layout *l)
{
    if (!l) return;
    iaf_free(l->off), iaf_free(l->ka), iaf_free(l->kb), iaf_free(l->counts);
    memset(l, 0, sizeof *l);
}

double iaf_ci_layout_cdep(const iaf_ci_layout *l, const double *x)
{
    double tot = 0, dep = 0;
    for (size_t i = 0; i < l->off[l->nblocks]; i++)
        tot += x[i];
    if (!(tot > 0)) return NAN;
    for (size_t t = 0; t < l->nblocks; t++) {
        const double *p = x + l->off[t];
        size_t ka = l->ka[t], kb = l->kb[t];
        double n = 0, ra[64], cbs[64], *rap = ra, *cbp = cbs, *heap = NULL;
        if (ka > 64 || kb > 64) {
            if (!(heap = iaf_calloc(ka + kb, sizeof *heap))) return NAN;
            rap = heap, cbp = heap + ka;
        }
        for (size_t b = 0; b < kb; b++)
            cbp[b] = 0;
        for (size_t a = 0; a < ka; a++) {
            rap[a] = 0;
            for (size_t b = 0; b < kb; b++)
                rap[a] += p[a * kb + b], cbp[b] += p[a * kb + b];
            n += rap[a];
        }
        if (n > 0) {
            double dev = 0;
            for (size_t a = 0; a < ka; a++)
                for (size_t b = 0; b < kb; b++)
                    dev += fabs(p[a * kb + b] - rap[a] * cbp[b] / n);
            dep += dev / 2; /* n times the block's dep_tvd, so the weight n / tot follows */
        }
        iaf_free(heap);
    }
    return dep / tot;
}

void iaf_ci_layout_indep(const iaf_ci_layout *l, const double *x, double *out)
{
    for (size_t t = 0; t < l->nblocks; t++) {
        const double *p = x + l->off[t];
        double *o = out + l->off[t];
        size_t ka = l->ka[t], kb = l->kb[t];
        double n = 0;
        for (size_t i = 0; i < ka * kb; i++)
            n += p[i];
        for (size_t a = 0; a < ka; a++) {
            double ra = 0;
            for (size_t b = 0; b < kb; b++)
                ra += p[a * kb + b];
            for (size_t b = 0; b < kb; b++) {
                double cb = 0;
                for (size_t q = 0; q < ka; q++)
                    cb += p[q * kb + b];
                o[a * kb + b] = n > 0 ? ra * cb / n : 0;
            }
        }
    }
}

/* The tested cells' rows (local labels al, bl) as dense blocks into l. */
static int layout_fill(iaf_ci_layout *l, const ci_cell *cc, size_t ntest, const uint32_t *al,
                       const uint32_t *bl)
{
    memset(l, 0, sizeof *l);
    l->off = iaf_calloc(ntest + 1, sizeof *l->off);
    l->ka = iaf_calloc(ntest + 1, sizeof *l->ka);
    l->kb = iaf_calloc(ntest + 1, sizeof *l->kb);
    if (!l->off || !l->ka || !l->kb) return -1;
    for (size_t t = 0; t < ntest; t++) {
        l->ka[t] = cc[t].ka, l->kb[t] = cc[t].kb;
        l->off[t + 1] = l->off[t] + cc[t].ka * cc[t].kb;
    }
    l->nblocks = ntest;
    if (!(l->counts = iaf_calloc(l->off[ntest] + 1, sizeof *l->counts))) return -1;
    for (size_t t = 0; t < ntest; t++)
        for (size_t i = 0; i < cc[t].n; i++)
            l->counts[l->off[t] + (size_t)al[cc[t].off + i] * cc[t].kb + bl[cc[t].off + i]] += 1;
    return 0;
}

/* The permutation null: replicate r shuffles B's labels within every tested
 * cell with stream (seed, r), from the observed order each time. */
typedef struct perm_ctx {
    uint64_t seed;
    const ci_cell *cc;
    size_t ntest, nrows;
    double n_tested;
    const uint32_t *al, *bl;
    const double *m;
    double *nd, *nm; /* results: replicate r's dep_tvd and mutual information */
} perm_ctx;

typedef struct perm_scratch {
    uint32_t *bp;
    double *cnt;
} perm_scratch;

static void perm_scratch_free(perm_scratch *w)
{
    if (!w) return;
    iaf_free(w->bp), iaf_free(w->cnt), iaf_free(w);
}

static perm_scratch *perm_scratch_new(size_t nrows, size_t maxkk)
{
    perm_scratch *w = iaf_calloc(1, sizeof *w);
    if (!w) return NULL;
    w->bp = iaf_calloc(nrows + 1, sizeof *w->bp);
    w->cnt = iaf_calloc(maxkk + 1, sizeof *w->cnt);
    if (!w->bp || !w->cnt) {
        perm_scratch_free(w);
        return NULL;
    }
    return w;
}

static void perm_rep(const void *ctxp, void *scratch, size_t r)
{
    const perm_ctx *p = ctxp;
    perm_scratch *w = scratch;
    iaf_rng rng;
    iaf_rng_seed_stream(&rng, p->seed, r);
    memcpy(w->bp, p->bl, p->nrows * sizeof *w->bp);
    double d0 = 0, i0 = 0;
    for (size_t t = 0; t < p->ntest; t++) {
        const ci_cell *c = &p->cc[t];
        double d, i;
        iaf_rng_shuffle_u32(&rng, w->bp + c->off, c->n);
        cell_stats(p->al + c->off, w->bp + c->off, c, p->m, w->cnt, &d, &i);
        double wt = (double)c->n / p->n_tested;
        d0 += wt * d;
        i0 += wt * i;
    }
    p->nd[r] = d0;
    p->nm[r] = i0;
}

iaf_status iaf_ci_test(const iaf_ci_cell *cells, size_t ncells, uint32_t nc, uint32_t na,
                       uint32_t nb, const iaf_ci_options *opt, iaf_ci_result *out, iaf_error *err)
{
    memset(out, 0, sizeof *out);
    out->null_mean = out->null_q95 = out->null_sd = out->p_sim = NAN;
    out->cmi_null_mean = out->cmi_null_q95 = out->cmi_p_sim = NAN;
    out->excess = out->band = out->p_analytic = NAN;
    out->power = out->power_tau = NAN;
    out->cmi = out->cmi_mm = out->mm_bias = out->cdep_tvd = out->g = NAN;
    iaf_status st = IAF_OK;
    double *atot = iaf_calloc((size_t)na + 1, sizeof *atot),
           *btot = iaf_calloc((size_t)nb + 1, sizeof *btot);
    uint32_t *amap = iaf_calloc((size_t)na + 1, sizeof *amap),
             *bmap = iaf_calloc((size_t)nb + 1, sizeof *bmap);
    size_t *cstart = iaf_calloc((size_t)nc + 2, sizeof *cstart);
    size_t *order = iaf_calloc(ncells + 1, sizeof *order);
    double *ctot = iaf_calloc((size_t)nc + 1, sizeof *ctot);
    uint32_t *aloc = iaf_calloc((size_t)na + 2, sizeof *aloc),
             *bloc = iaf_calloc((size_t)nb + 2, sizeof *bloc);
    ci_cell *cc = iaf_calloc((size_t)nc + 1, sizeof *cc);
    uint32_t *al = NULL, *bl = NULL;
    double *m = NULL, *cnt = NULL, *nd = NULL, *nm = NULL;
    perm_scratch *pscr[CI_MAX_THREADS] = {NULL};
    size_t nt = 0;
    if (!atot || !btot || !amap || !bmap || !cstart || !order || !ctot || !aloc || !bloc || !cc)
        goto oom;
    for (size_t i = 0; i < ncells; i++)
        if (cells[i].c >= nc || cells[i].a >= na || cells[i].b >= nb) {
            st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                               "conditional independence: category id out of range");
            goto done;
        }
    for (size_t i = 0; i < ncells; i++) {
        atot[cells[i].a] += (double)cells[i].n;
        btot[cells[i].b] += (double)cells[i].n;
        ctot[cells[i].c] += (double)cells[i].n;
        out->n += (double)cells[i].n;
    }
    /* pooling: sparse categories merged into id na (nb) when there are two or more */
    size_t pa = 0, pb = 0;
    for (uint32_t a = 0; a < na; a++) {
        out->ka += atot[a] > 0;
        pa += atot[a] > 0 && atot[a] < (double)opt->pool_below;
    }
    for (uint32_t b = 0; b < nb; b++) {
        out->kb += btot[b] > 0;
        pb += btot[b] > 0 && btot[b] < (double)opt->pool_below;
    }
    for (uint32_t a = 0; a < na; a++) {
        int pool = pa >= 2 && atot[a] > 0 && atot[a] < (double)opt->pool_below;
        amap[a] = pool ? na : a;
        if (pool) out->n_a_pooled += atot[a];
    }
    for (uint32_t b = 0; b < nb; b++) {
        int pool = pb >= 2 && btot[b] > 0 && btot[b] < (double)opt->pool_below;
        bmap[b] = pool ? nb : b;
        if (pool) out->n_b_pooled += btot[b];
    }
    out->ka_pooled = pa >= 2 ? pa : 0;
    out->kb_pooled = pb >= 2 ? pb : 0;
    /* cells grouped by conditioning cell (counting sort, stable) */
    for (size_t i = 0; i < ncells; i++)
        cstart[cells[i].c + 1]++;
    for (uint32_t c = 0; c < nc; c++)
        cstart[c + 1] += cstart[c];
    {
        size_t *fill = iaf_calloc((size_t)nc + 1, sizeof *fill);
        if (!fill) goto oom;
        memcpy(fill, cstart, (size_t)nc * sizeof *fill);
        for (size_t i = 0; i < ncells; i++)
            order[fill[cells[i].c]++] = i;
        iaf_free(fill);
    }
    /* which cells are tested; their rows and local margins */
    size_t nrows = 0, nm_total = 0, ntest = 0, maxkk = 1;
    for (uint32_t c = 0; c < nc; c++) {
        if (ctot[c] <= 0) continue;
        out->ncells++;
        size_t ka = 0, kb = 0;
        for (size_t j = cstart[c]; j < cstart[c + 1]; j++) {
            const iaf_ci_cell *x = &cells[order[j]];
            if (!x->n) continue;
            uint32_t a = amap[x->a], b = bmap[x->b];
            if (!aloc[a]) aloc[a] = (uint32_t)++ka;
            if (!bloc[b]) bloc[b] = (uint32_t)++kb;
        }
        for (size_t j = cstart[c]; j < cstart[c + 1]; j++)
            aloc[amap[cells[order[j]].a]] = 0, bloc[bmap[cells[order[j]].b]] = 0;
        if (ctot[c] < (double)opt->min_cell_n) {
            out->ncells_sparse++;
            out->n_sparse += ctot[c];
            continue;
        }
        if (ka < 2 || kb < 2) {
            out->ncells_single++;
            out->n_single += ctot[c];
            continue;
        }
        ci_cell *t = &cc[ntest++];
        t->n = (size_t)ctot[c];
        t->off = nrows;
        t->ka = ka, t->kb = kb;
        t->moff = nm_total;
        nrows += t->n;
        nm_total += ka + kb;
        if (ka * kb > maxkk) maxkk = ka * kb;
    }
    out->ncells_tested = ntest;
    out->n_tested = (double)nrows;
    out->support = out->n > 0 ? out->n_tested / out->n : 0;
    if (ntest == 0) goto done;
    int simulate = opt->b > 0 && nrows <= CI_MAX_ROWS;
    al = iaf_calloc(nrows + 1, sizeof *al);
    bl = iaf_calloc(nrows + 1, sizeof *bl);
    m = iaf_calloc(nm_total + 1, sizeof *m);
    cnt = iaf_calloc(maxkk + 1, sizeof *cnt);
    if (!al || !bl || !m || !cnt) goto oom;
    /* expand the rows of the tested cells, in the same order as above */
    {
        size_t ti = 0;
        for (uint32_t c = 0; c < nc && ti < ntest; c++) {
            if (ctot[c] <= 0 || ctot[c] < (double)opt->min_cell_n) continue;
            size_t ka = 0, kb = 0;
            for (size_t j = cstart[c]; j < cstart[c + 1]; j++) {
                const iaf_ci_cell *x = &cells[order[j]];
                if (!x->n) continue;
                uint32_t a = amap[x->a], b = bmap[x->b];
                if (!aloc[a]) aloc[a] = (uint32_t)++ka;
                if (!bloc[b]) bloc[b] = (uint32_t)++kb;
            }
            if (ka < 2 || kb < 2) {
                for (size_t j = cstart[c]; j < cstart[c + 1]; j++)
                    aloc[amap[cells[order[j]].a]] = 0, bloc[bmap[cells[order[j]].b]] = 0;
                continue;
            }
            ci_cell *t = &cc[ti++];
            size_t r = t->off;
            for (size_t j = cstart[c]; j < cstart[c + 1]; j++) {
                const iaf_ci_cell *x = &cells[order[j]];
                uint32_t la = aloc[amap[x->a]] - 1, lb = bloc[bmap[x->b]] - 1;
                m[t->moff + la] += (double)x->n;
                m[t->moff + t->ka + lb] += (double)x->n;
                for (uint64_t q = 0; q < x->n; q++, r++)
                    al[r] = la, bl[r] = lb;
            }
            for (size_t j = cstart[c]; j < cstart[c + 1]; j++)
                aloc[amap[cells[order[j]].a]] = 0, bloc[bmap[cells[order[j]].b]] = 0;
        }
    }
    if (opt->layout && layout_fill(opt->layout, cc, ntest, al, bl) != 0) goto oom;
    /* observed statistics, Miller-Madow, the analytic null */
    double dep = 0, mi = 0, df = 0, bias = 0, big = 0, all = 0;
    for (size_t t = 0; t < ntest; t++) {
        double d, i;
        cell_stats(al + cc[t].off, bl + cc[t].off, &cc[t], m, cnt, &d, &i);
        double w = (double)cc[t].n / out->n_tested;
        dep += w * d;
        mi += w * i;
        double dft = (double)(cc[t].ka - 1) * (double)(cc[t].kb - 1);
        df += dft;
        const double *ra = m + cc[t].moff, *cb = ra + cc[t].ka;
        for (size_t x = 0; x < cc[t].ka; x++)
            for (size_t y = 0; y < cc[t].kb; y++)
                big += ra[x] * cb[y] / (double)cc[t].n >= 5;
        all += (double)cc[t].ka * (double)cc[t].kb;
    }
    bias = df / (2 * out->n_tested);
    out->cdep_tvd = dep;
    out->cmi = mi;
    out->mm_bias = bias;
    out->cmi_mm = mi - bias;
    out->g = 2 * out->n_tested * mi;
    out->df = df;
    out->p_analytic = iaf_chi2_sf(out->g, df);
    out->cochran_ok = big >= 0.8 * all;
    if (!simulate) goto done;
    nd = iaf_calloc(opt->b, sizeof *nd);
    nm = iaf_calloc(opt->b, sizeof *nm);
    if (!nd || !nm) goto oom;
    {
        perm_ctx pc = {opt->seed, cc, ntest, nrows, out->n_tested, al, bl, m, nd, nm};
        nt = ci_threads(opt, 4 * nrows + 8 * maxkk);
        for (size_t t = 0; t < nt; t++)
            if (!(pscr[t] = perm_scratch_new(nrows, maxkk))) goto oom;
        run_reps(&pc, perm_rep, (void **)pscr, nt, opt->b);
    }
    size_t ge = 0, gem = 0;
    for (size_t r = 0; r < opt->b; r++) {
        /* ties (a few tables are possible in small cells) count against the data */
        ge += nd[r] >= dep - 1e-12;
        gem += nm[r] >= mi - 1e-12;
    }
    double s = 0, ss = 0;
    for (size_t r = 0; r < opt->b; r++)
        s += nd[r];
    out->null_mean = s / (double)opt->b;
    for (size_t r = 0; r < opt->b; r++)
        ss += (nd[r] - out->null_mean) * (nd[r] - out->null_mean);
    out->null_sd = opt->b > 1 ? sqrt(ss / (double)(opt->b - 1)) : 0;
    s = 0;
    for (size_t r = 0; r < opt->b; r++)
        s += nm[r];
    out->cmi_null_mean = s / (double)opt->b;
    qsort(nd, opt->b, sizeof *nd, cmp_double);
    qsort(nm, opt->b, sizeof *nm, cmp_double);
    out->null_q95 = quantile(nd, opt->b, 0.95);
    out->cmi_null_q95 = quantile(nm, opt->b, 0.95);
    out->p_sim = (double)(ge + 1) / (double)(opt->b + 1);
    out->cmi_p_sim = (double)(gem + 1) / (double)(opt->b + 1);
    out->b = opt->b;
    out->excess = dep - out->null_mean;
    out->band = out->null_q95 - out->null_mean;
    if (opt->power_tau > 0 && opt->power_b > 0)
        if ((st = power_of(opt, cc, ntest, m, nm_total, maxkk, out, err)) != IAF_OK) goto done;
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_free(atot), iaf_free(btot), iaf_free(amap), iaf_free(bmap), iaf_free(cstart);
    iaf_free(order), iaf_free(ctot), iaf_free(aloc), iaf_free(bloc), iaf_free(cc);
    for (size_t t = 0; t < nt; t++)
        perm_scratch_free(pscr[t]);
    iaf_free(al), iaf_free(bl), iaf_free(m), iaf_free(cnt), iaf_free(nd);
    iaf_free(nm);
    return st;
}

static void interval_nan(iaf_boot_interval *i)
{
    memset(i, 0, sizeof *i);
    i->estimate = i->lo = i->hi = i->pct_lo = i->pct_hi = NAN;
    i->bias_corrected = i->boot_mean = i->boot_se = NAN;
}

/* ---- The retention interval (docs/method.md 12a) ----
 * Two models for the shared bootstrap engine (stats/bootstrap.c): the
 * reference's conditional dependence on its own (the path from its
 * conditional-independence table to its observed one), which gives its
 * bias-corrected dependence; then the retention, the synthetic side on its
 * path with the reference held at that corrected dependence. */

typedef struct ret_ctx {
    const iaf_ci_layout *ls, *lr;
    double m_s, m_r; /* the null means: the excess of a replicate is cdep - m */
} ret_ctx;

static void ref_eval(const void *ctx, void *ws, const double *s, const double *r, double *vals)
{
    (void)ws, (void)r;
    vals[0] = iaf_ci_layout_cdep(((const ret_ctx *)ctx)->lr, s);
}

/* the estimator: excess(s) / excess(r), each with its observed null mean */
static void ret_eval(const void *ctx, void *ws, const double *s, const double *r, double *vals)
{
    const ret_ctx *c = ctx;
    (void)ws;
    double es = iaf_ci_layout_cdep(c->ls, s) - c->m_s, er = iaf_ci_layout_cdep(c->lr, r) - c->m_r;
    vals[0] = er > 0 ? es / er : NAN;
}

/* the estimand at a candidate truth: cdep(s) / cdep(r) of the populations */
static void ret_truth(const void *ctx, void *ws, const double *s, const double *r, double *vals)
{
    const ret_ctx *c = ctx;
    (void)ws;
    double dr = iaf_ci_layout_cdep(c->lr, r);
    vals[0] = dr > 0 ? iaf_ci_layout_cdep(c->ls, s) / dr : NAN;
}

iaf_status iaf_ci_retention(const iaf_ci_result *syn, const iaf_ci_layout *ls,
                            const iaf_ci_result *ref, const iaf_ci_layout *lr, double n_r,
                            const iaf_boot_options *bop, iaf_boot_interval *ret,
                            iaf_boot_interval *ref_cdep, size_t *evaluations, iaf_error *err)
{
    size_t ks = ls->off[ls->nblocks], kr = lr->off[lr->nblocks];
    double *start = iaf_calloc(ks + kr + 1, sizeof *start),
           *rtrue = iaf_calloc(kr + 1, sizeof *rtrue);
    iaf_status st = IAF_OK;
    double t = ref->excess > 0 ? syn->excess / ref->excess : NAN;
    interval_nan(ret);
    interval_nan(ref_cdep);
    if (evaluations) *evaluations = 0;
    if (!start || !rtrue) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    ret_ctx ctx = {ls, lr, syn->null_mean, ref->null_mean};
    double lo = 0, hi = 1, inf = INFINITY, one = 1;
    /* the reference: fixed (a census), or resampled with its n_r, and then its truth is
     * where the calibration puts it (the plug-in is biased upwards in sparse cells) */
    double cd_r = iaf_ci_layout_cdep(lr, lr->counts);
    iaf_ci_layout_indep(lr, lr->counts, rtrue);
    double e = 1;
    if (isfinite(n_r)) {
        iaf_boot_model rm = {1, kr, 1, &ctx, NULL, NULL, 0, ref_eval, NULL};
        st = iaf_boot_path_interval(&rm, lr->counts, rtrue, n_r, &one, INFINITY, bop, &cd_r, &lo,
                                    &hi, ref_cdep, evaluations, err);
        if (st != IAF_OK) goto done;
        e = cd_r > 0 ? ref_cdep->bias_corrected / cd_r : NAN;
        /* the basic interval is the ordinary bootstrap: from the observed reference */
        if (bop && bop->interval != IAF_INTERVAL_CALIBRATED && e > 0) e = 1;
    } else {
        ref_cdep->estimate = ref_cdep->lo = ref_cdep->hi = ref_cdep->bias_corrected = cd_r;
    }
    if (!(e > 0)) goto done; /* no dependence left in the reference: no interval */
    /* r_true = r0 + e (r_hat - r0), in shares */
    double tot = 0;
    for (size_t i = 0; i < kr; i++)
        tot += lr->counts[i];
    for (size_t i = 0; i < kr; i++) {
        double v = rtrue[i] + e * (lr->counts[i] - rtrue[i]);
        rtrue[i] = v > 0 ? v / tot : 0;
    }
    iaf_ci_layout_indep(ls, ls->counts, start);
    size_t ev = 0;
    iaf_boot_model sm = {1, ks, kr, &ctx, NULL, NULL, 0, ret_eval, ret_truth};
    st = iaf_boot_path_interval(&sm, ls->counts, start, syn->n_tested, rtrue,
                                isfinite(n_r) ? n_r : INFINITY, bop, &t, &lo, &inf, ret, &ev, err);
    if (evaluations) *evaluations += ev;
done:
    iaf_free(start), iaf_free(rtrue);
    return st;
}
