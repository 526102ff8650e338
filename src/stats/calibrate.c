/* stats/calibrate.c - calibration weights (include/iaf/calibrate.h): raking and
 * bounded logit calibration by Newton's method on the Lagrange multipliers, as
 * R survey's grake (Deville and Sarndal 1992), and the weight summary. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iaf/calibrate.h"
#include "util/util.h"

struct iaf_calib_result {
    size_t n, nmargins;
    int converged, iterations;
    double criterion;
    double *w, *g;
    size_t *offset;       /* per margin: first cell index; offset[nmargins] = cells */
    iaf_calib_cell *cell; /* every (margin, category) */
    double *mcrit;        /* per margin criterion */
    size_t unrepairable;
};

void iaf_calib_options_init(iaf_calib_options *opt)
{
    if (!opt) return;
    memset(opt, 0, sizeof *opt);
    opt->method = IAF_CALIB_RAKING;
    opt->lower = 0.5;
    opt->upper = 2.0;
    opt->epsilon = 1e-10;
    opt->max_iter = 100;
}

void iaf_calib_result_free(iaf_calib_result *res)
{
    if (!res) return;
    iaf_free(res->w);
    iaf_free(res->g);
    iaf_free(res->offset);
    iaf_free(res->cell);
    iaf_free(res->mcrit);
    iaf_free(res);
}

/* g = F(u) and F'(u) of the method, and its integral P(u) (P' = F): the dual objective
 * sum d_i P(x_i' lambda) - lambda' T is convex and its gradient is achieved - T, so a
 * Newton step on the calibration equations is a descent direction for it. */
static void calfun(const iaf_calib_options *o, double u, double *g, double *dg, double *P)
{
    if (o->method == IAF_CALIB_RAKING) {
        *g = exp(u);
        *dg = *g;
        *P = *g;
        return;
    }
    const double L = o->lower, U = o->upper;
    const double A = (U - L) / ((U - 1) * (1 - L));
    const double a = L * (U - 1), b = U * (1 - L), c = U - 1, f = 1 - L;
    const double bcaf = (U - 1) * (1 - L) * (U - L);
    const double au = A * u;
    /* P(u) = L u + (U - L) / A log(c + f e^{Au}) */
    if (au <= 0) {
        const double E = exp(au);
        *g = (a + b * E) / (c + f * E);
        *dg = A * E * bcaf / ((c + f * E) * (c + f * E));
        *P = L * u + (U - L) / A * log(c + f * E);
    } else { /* the same with numerator and denominator divided by E: no overflow */
        const double e = exp(-au);
        *g = (a * e + b) / (c * e + f);
        *dg = A * e * bcaf / ((c * e + f) * (c * e + f));
        *P = L * u + (U - L) / A * (au + log(c * e + f));
    }
}

typedef struct {
    size_t n, K, p;
    const double *d;
    const iaf_calib_margin *m;
    const iaf_calib_options *o;
    int32_t *col;   /* n * K: column of unit i in margin k, or -1 */
    double *lambda; /* p */
    double *u, *g, *dg;
    double *T;        /* p targets */
    double *achieved; /* p */
    double dual;      /* sum d_i P(u_i) - lambda' T */
    double dual_abs;  /* sum |d_i P(u_i)| + |lambda_j T_j|: the scale of its rounding */
} solver;

static void evaluate(solver *s)
{
    memset(s->achieved, 0, s->p * sizeof *s->achieved);
    double dual = 0, dual_abs = 0;
    for (size_t j = 0; j < s->p; j++) {
        dual -= s->lambda[j] * s->T[j];
        dual_abs += fabs(s->lambda[j] * s->T[j]);
    }
    for (size_t i = 0; i < s->n; i++) {
        double u = 0, P;
        const int32_t *ci = s->col + i * s->K;
        for (size_t k = 0; k < s->K; k++)
            if (ci[k] >= 0) u += s->lambda[ci[k]];
        s->u[i] = u;
        calfun(s->o, u, &s->g[i], &s->dg[i], &P);
        dual += s->d[i] * P;
        dual_abs += fabs(s->d[i] * P);
        const double w = s->d[i] * s->g[i];
        for (size_t k = 0; k < s->K; k++)
            if (ci[k] >= 0) s->achieved[ci[k]] += w;
    }
    s->dual = dual;
    s->dual_abs = dual_abs;
}

static int finite_state(const solver *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (!isfinite(s->g[i]) || !isfinite(s->dg[i])) return 0;
    return 1;
}

static double criterion(const solver *s, size_t *arg)
{
    double worst = 0;
    if (arg) *arg = 0;
    for (size_t j = 0; j < s->p; j++) {
        const double c = fabs(s->T[j] - s->achieved[j]) / (1 + fabs(s->T[j]));
        if (!(c <= worst)) { /* NaN counts as worst */
            worst = c;
            if (arg) *arg = j;
        }
    }
    return worst;
}

/* Solve H x = r for a symmetric positive semi-definite H (p x p, overwritten) by
 * an LDL' factorisation that drops a pivot below 1e-10 of its diagonal (a column
 * in the span of earlier ones: x_j = 0). For a consistent singular system this is
 * a solution; x differs from the minimum-norm solution of survey's ginv only in
 * the null space of the design, where it changes no weight. */
static void solve_psd(double *H, size_t p, const double *r, double *x, double *diag0, char *drop)
{
    for (size_t j = 0; j < p; j++)
        diag0[j] = H[j * p + j];
    for (size_t j = 0; j < p; j++) {
        double dj = H[j * p + j];
        for (size_t k = 0; k < j; k++)
            if (!drop[k]) dj -= H[j * p + k] * H[j * p + k] * H[k * p + k];
        drop[j] = !(dj > 1e-10 * diag0[j]) || !(diag0[j] > 0);
        H[j * p + j] = drop[j] ? 0 : dj;
        if (drop[j]) continue;
        for (size_t i = j + 1; i < p; i++) {
            double v = H[i * p + j];
            for (size_t k = 0; k < j; k++)
                if (!drop[k]) v -= H[i * p + k] * H[j * p + k] * H[k * p + k];
            H[i * p + j] = v / dj; /* L[i][j] */
        }
    }
    /* forward: L y = r */
    for (size_t i = 0; i < p; i++) {
        double v = r[i];
        for (size_t k = 0; k < i; k++)
            if (!drop[k]) v -= H[i * p + k] * x[k];
        x[i] = drop[i] ? 0 : v;
    }
    for (size_t i = 0; i < p; i++)
        if (!drop[i]) x[i] /= H[i * p + i];
    /* backward: L' x = z */
    for (size_t i = p; i-- > 0;) {
        if (drop[i]) continue;
        double v = x[i];
        for (size_t k = i + 1; k < p; k++)
            if (!drop[k]) v -= H[k * p + i] * x[k];
        x[i] = v;
    }
}

static const char *margin_name(const iaf_calib_margin *m, size_t k, char *buf, size_t size)
{
    if (m[k].name) return m[k].name;
    snprintf(buf, size, "#%zu", k + 1);
    return buf;
}

static const char *category_label(const iaf_calib_margin *m, size_t c, char *buf, size_t size)
{
    if (m->labels && m->labels[c]) return m->labels[c];
    snprintf(buf, size, "#%zu", c + 1);
    return buf;
}

static iaf_status validate(size_t n, const double *design, const iaf_calib_margin *margins,
                           size_t nmargins, const iaf_calib_options *o, iaf_error *err)
{
    if (nmargins > 0 && !margins)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "calibration: no margins");
    if (o->method != IAF_CALIB_RAKING && o->method != IAF_CALIB_LOGIT)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "calibration: unknown method");
    if (o->method == IAF_CALIB_LOGIT && !(isfinite(o->lower) && isfinite(o->upper) &&
                                          o->lower >= 0 && o->lower < 1 && o->upper > 1))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "logit calibration needs finite bounds 0 <= L < 1 < U (got %g, %g)",
                             o->lower, o->upper);
    if (!(o->epsilon > 0) || o->max_iter < 1)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "calibration: epsilon must be > 0 and max_iter >= 1");
    if (design)
        for (size_t i = 0; i < n; i++)
            if (!(design[i] >= 0) || !isfinite(design[i]))
                return iaf_error_set(
                    err, IAF_ERR_INVALID, NULL, 0, 0,
                    "calibration: design weight of unit %zu is not finite and >= 0", i + 1);
    for (size_t k = 0; k < nmargins; k++) {
        char nb[32];
        const iaf_calib_margin *m = &margins[k];
        if (m->ncategories == 0 || m->ncategories > INT32_MAX || (n > 0 && !m->category) ||
            !m->target)
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "calibration: margin '%s' has no categories, units or targets",
                                 margin_name(margins, k, nb, sizeof nb));
        for (size_t c = 0; c < m->ncategories; c++)
            if (!(m->target[c] >= 0) || !isfinite(m->target[c]))
                return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                     "calibration: margin '%s': target %zu is not finite and >= 0",
                                     margin_name(margins, k, nb, sizeof nb), c + 1);
        for (size_t i = 0; i < n; i++)
            if (m->category[i] != IAF_CALIB_NONE &&
                (m->category[i] < 0 || (size_t)m->category[i] >= m->ncategories))
                return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                     "calibration: margin '%s': unit %zu has category %ld of %zu",
                                     margin_name(margins, k, nb, sizeof nb), i + 1,
                                     (long)m->category[i], m->ncategories);
    }
    return IAF_OK;
}

iaf_status iaf_calibrate(size_t n, const double *design, const iaf_calib_margin *margins,
                         size_t nmargins, const iaf_calib_options *opt, iaf_calib_result **out,
                         iaf_error *err)
{
    iaf_calib_options defaults;
    if (!out) return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "calibration: no result");
    *out = NULL;
    if (!opt) {
        iaf_calib_options_init(&defaults);
        opt = &defaults;
    }
    iaf_status st = validate(n, design, margins, nmargins, opt, err);
    if (st != IAF_OK) return st;

    iaf_calib_result *res = iaf_calloc(1, sizeof *res);
    solver s;
    memset(&s, 0, sizeof s);
    double *ones = NULL, *H = NULL, *misfit = NULL, *step = NULL, *diag0 = NULL, *lam0 = NULL;
    char *drop = NULL;
    int32_t *colof = NULL; /* per cell: its column or -1 */
    if (!res) goto nomem;
    res->n = n;
    res->nmargins = nmargins;
    res->offset = iaf_calloc(nmargins + 1, sizeof *res->offset);
    if (!res->offset) goto nomem;
    size_t cells = 0;
    for (size_t k = 0; k < nmargins; k++) {
        res->offset[k] = cells;
        if (margins[k].ncategories > SIZE_MAX / 2 - cells) goto nomem;
        cells += margins[k].ncategories;
    }
    res->offset[nmargins] = cells;
    res->cell = iaf_calloc(cells ? cells : 1, sizeof *res->cell);
    res->mcrit = iaf_calloc(nmargins ? nmargins : 1, sizeof *res->mcrit);
    res->w = iaf_calloc(n ? n : 1, sizeof *res->w);
    res->g = iaf_calloc(n ? n : 1, sizeof *res->g);
    colof = iaf_calloc(cells ? cells : 1, sizeof *colof);
    if (!design) {
        ones = iaf_malloc((n ? n : 1) * sizeof *ones);
        if (ones)
            for (size_t i = 0; i < n; i++)
                ones[i] = 1;
        design = ones;
    }
    if (!res->cell || !res->mcrit || !res->w || !res->g || !colof || !design) goto nomem;

    /* Before: design-weighted totals; states; columns of the constrained cells. */
    double *mass = iaf_calloc(cells ? cells : 1, sizeof *mass);
    if (!mass) goto nomem;
    for (size_t k = 0; k < nmargins; k++)
        for (size_t i = 0; i < n; i++)
            if (margins[k].category[i] >= 0)
                mass[res->offset[k] + (size_t)margins[k].category[i]] += design[i];
    size_t p = 0;
    for (size_t k = 0; k < nmargins; k++)
        for (size_t c = 0; c < margins[k].ncategories; c++) {
            const size_t j = res->offset[k] + c;
            iaf_calib_cell *cl = &res->cell[j];
            cl->target = margins[k].target[c];
            cl->before = mass[j];
            if (cl->target > 0 && !(mass[j] > 0))
                cl->state = IAF_CALIB_UNREACHABLE;
            else if (cl->target == 0 && mass[j] > 0)
                cl->state = IAF_CALIB_ZERO_TARGET;
            else
                cl->state = IAF_CALIB_OK;
            colof[j] = (cl->state == IAF_CALIB_OK && mass[j] > 0) ? (int32_t)p++ : -1;
            if (cl->state != IAF_CALIB_OK) res->unrepairable++;
        }
    iaf_free(mass);

    s.n = n;
    s.K = nmargins;
    s.p = p;
    s.d = design;
    s.m = margins;
    s.o = opt;
    if (nmargins && n > SIZE_MAX / sizeof(int32_t) / nmargins) goto nomem;
    s.col = iaf_malloc((n * nmargins > 0 ? n * nmargins : 1) * sizeof *s.col);
    s.lambda = iaf_calloc(p ? p : 1, sizeof *s.lambda);
    s.u = iaf_malloc((n ? n : 1) * sizeof *s.u);
    s.g = iaf_malloc((n ? n : 1) * sizeof *s.g);
    s.dg = iaf_malloc((n ? n : 1) * sizeof *s.dg);
    s.T = iaf_malloc((p ? p : 1) * sizeof *s.T);
    s.achieved = iaf_calloc(p ? p : 1, sizeof *s.achieved);
    if (p > 0 && p > SIZE_MAX / sizeof(double) / p) goto nomem;
    H = iaf_malloc((p > 0 ? p * p : 1) * sizeof *H);
    misfit = iaf_malloc((p ? p : 1) * sizeof *misfit);
    step = iaf_malloc((p ? p : 1) * sizeof *step);
    diag0 = iaf_malloc((p ? p : 1) * sizeof *diag0);
    lam0 = iaf_malloc((p ? p : 1) * sizeof *lam0);
    drop = iaf_malloc(p ? p : 1);
    if (!s.col || !s.lambda || !s.u || !s.g || !s.dg || !s.T || !s.achieved || !H || !misfit ||
        !step || !diag0 || !lam0 || !drop)
        goto nomem;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < nmargins; k++) {
            const int32_t c = margins[k].category[i];
            s.col[i * nmargins + k] = c >= 0 ? colof[res->offset[k] + (size_t)c] : -1;
        }
    for (size_t k = 0; k < nmargins; k++)
        for (size_t c = 0; c < margins[k].ncategories; c++)
            if (colof[res->offset[k] + c] >= 0)
                s.T[colof[res->offset[k] + c]] = margins[k].target[c];

    evaluate(&s);
    size_t worst_col = 0;
    double crit = criterion(&s, &worst_col);
    int iter = 0;
    while (!(crit < opt->epsilon) && iter < opt->max_iter) {
        iter++;
        /* H = X' diag(d F'(u)) X over the constrained columns */
        memset(H, 0, p * p * sizeof *H);
        for (size_t i = 0; i < n; i++) {
            const double h = design[i] * s.dg[i];
            if (h == 0) continue;
            const int32_t *ci = s.col + i * nmargins;
            for (size_t a = 0; a < nmargins; a++) {
                if (ci[a] < 0) continue;
                for (size_t b = 0; b < nmargins; b++)
                    if (ci[b] >= 0 && ci[b] <= ci[a]) H[(size_t)ci[a] * p + (size_t)ci[b]] += h;
            }
        }
        for (size_t a = 0; a < p; a++) /* mirror the lower triangle */
            for (size_t b = 0; b < a; b++)
                H[b * p + a] = H[a * p + b];
        for (size_t j = 0; j < p; j++)
            misfit[j] = s.T[j] - s.achieved[j];
        solve_psd(H, p, misfit, step, diag0, drop);
        memcpy(lam0, s.lambda, p * sizeof *lam0);
        /* Damped Newton: halve a step that leaves the domain (as survey's grake) or that
         * does not decrease the convex dual objective enough (Armijo). The full step of
         * grake alone can overshoot when bounded factors saturate (F' near 0 makes the
         * Hessian nearly singular), and then runs away on a feasible problem. Near the
         * solution the dual's decrease is below rounding: a step that improves the
         * criterion and leaves the dual within rounding is taken too. */
        const double dual0 = s.dual;
        const double scale = s.dual_abs;
        double slope = 0;
        for (size_t j = 0; j < p; j++)
            slope += misfit[j] * step[j]; /* -(gradient' step) >= 0 */
        double t = 1;
        double next = crit;
        int taken = 0;
        for (int half = 0; half < 60 && !taken; half++, t /= 2) {
            for (size_t j = 0; j < p; j++)
                s.lambda[j] = lam0[j] + t * step[j];
            evaluate(&s);
            if (!finite_state(&s)) continue;
            next = criterion(&s, &worst_col);
            taken = s.dual <= dual0 - 1e-4 * t * slope ||
                    (next < crit && s.dual <= dual0 + 1e3 * DBL_EPSILON * scale);
        }
        if (!taken) { /* no step helps: stop where we were */
            memcpy(s.lambda, lam0, p * sizeof *lam0);
            evaluate(&s);
            crit = criterion(&s, &worst_col);
            break;
        }
        crit = next;
    }

    res->iterations = iter;
    res->criterion = crit;
    res->converged = crit < opt->epsilon;
    for (size_t i = 0; i < n; i++) {
        res->g[i] = s.g[i];
        res->w[i] = design[i] * s.g[i];
    }
    for (size_t j = 0; j < cells; j++)
        res->cell[j].after = 0;
    for (size_t k = 0; k < nmargins; k++) {
        for (size_t i = 0; i < n; i++)
            if (margins[k].category[i] >= 0)
                res->cell[res->offset[k] + (size_t)margins[k].category[i]].after += res->w[i];
        double mc = 0;
        for (size_t c = 0; c < margins[k].ncategories; c++) {
            iaf_calib_cell *cl = &res->cell[res->offset[k] + c];
            cl->residual = cl->target - cl->after;
            if (colof[res->offset[k] + c] >= 0) {
                const double v = fabs(cl->residual) / (1 + cl->target);
                if (!(v <= mc)) mc = v;
            }
        }
        res->mcrit[k] = mc;
    }
    if (!res->converged) {
        size_t wk = 0, wc = 0;
        for (size_t k = 0; k < nmargins; k++)
            for (size_t c = 0; c < margins[k].ncategories; c++)
                if (colof[res->offset[k] + c] == (int32_t)worst_col) {
                    wk = k;
                    wc = c;
                }
        char nb[32], cb[32];
        const iaf_calib_cell *cl = &res->cell[res->offset[wk] + wc];
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                           "calibration did not converge after %d iterations: margin '%s', "
                           "category '%s': target %.17g, reached %.17g (criterion %g, epsilon %g)",
                           iter, margin_name(margins, wk, nb, sizeof nb),
                           category_label(&margins[wk], wc, cb, sizeof cb), cl->target, cl->after,
                           crit, opt->epsilon);
        /* bounds that one cell alone cannot meet: its target over its mass is the mean g
         * its units need, so it must lie inside [L, U] */
        double far = 1;
        size_t fk = 0, fc = 0;
        for (size_t k = 0; opt->method == IAF_CALIB_LOGIT && k < nmargins; k++)
            for (size_t c = 0; c < margins[k].ncategories; c++) {
                const iaf_calib_cell *x = &res->cell[res->offset[k] + c];
                if (colof[res->offset[k] + c] < 0 || !(x->before > 0)) continue;
                const double need = x->target / x->before;
                const double by = need > opt->upper   ? need / opt->upper
                                  : need < opt->lower ? (need > 0 ? opt->lower / need : INFINITY)
                                                      : 1;
                if (by > far) far = by, fk = k, fc = c;
            }
        if (far > 1) {
            const iaf_calib_cell *x = &res->cell[res->offset[fk] + fc];
            iaf_error_prefix(err,
                             "the bounds [%g, %g] cannot be met: margin '%s', category '%s' "
                             "needs a mean factor g of %.6g (target %.17g over a mass of "
                             "%.17g); ",
                             opt->lower, opt->upper, margin_name(margins, fk, nb, sizeof nb),
                             category_label(&margins[fk], fc, cb, sizeof cb), x->target / x->before,
                             x->target, x->before);
        }
    }
    *out = res;
    res = NULL;
    goto done;
nomem:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_calib_result_free(res);
    iaf_free(ones);
    iaf_free(colof);
    iaf_free(s.col);
    iaf_free(s.lambda);
    iaf_free(s.u);
    iaf_free(s.g);
    iaf_free(s.dg);
    iaf_free(s.T);
    iaf_free(s.achieved);
    iaf_free(H);
    iaf_free(misfit);
    iaf_free(step);
    iaf_free(diag0);
    iaf_free(lam0);
    iaf_free(drop);
    return st;
}

int iaf_calib_result_converged(const iaf_calib_result *res)
{
    return res ? res->converged : 0;
}
int iaf_calib_result_iterations(const iaf_calib_result *res)
{
    return res ? res->iterations : 0;
}
double iaf_calib_result_criterion(const iaf_calib_result *res)
{
    return res ? res->criterion : NAN;
}
size_t iaf_calib_result_n(const iaf_calib_result *res)
{
    return res ? res->n : 0;
}
const double *iaf_calib_result_weights(const iaf_calib_result *res)
{
    return res ? res->w : NULL;
}
const double *iaf_calib_result_g(const iaf_calib_result *res)
{
    return res ? res->g : NULL;
}
size_t iaf_calib_result_unrepairable(const iaf_calib_result *res)
{
    return res ? res->unrepairable : 0;
}

iaf_status iaf_calib_result_cell(const iaf_calib_result *res, size_t margin, size_t category,
                                 iaf_calib_cell *cell)
{
    if (!res || !cell || margin >= res->nmargins ||
        category >= res->offset[margin + 1] - res->offset[margin])
        return IAF_ERR_INVALID;
    *cell = res->cell[res->offset[margin] + category];
    return IAF_OK;
}

double iaf_calib_result_margin_criterion(const iaf_calib_result *res, size_t margin)
{
    if (!res || margin >= res->nmargins) return NAN;
    return res->mcrit[margin];
}

typedef struct {
    double w, m;
} wrow;

static int cmp_wrow(const void *a, const void *b)
{
    const double x = ((const wrow *)a)->w, y = ((const wrow *)b)->w;
    return (x > y) - (x < y);
}

/* Type 7 quantile of the rows: position h = (R - 1) q in the rows sorted by weight. */
static double quantile(const wrow *v, size_t n, double rows, double q)
{
    const double h = (rows - 1) * q;
    const double lo = floor(h);
    double x0 = v[n - 1].w, x1 = v[n - 1].w, cum = 0;
    int have0 = 0;
    for (size_t i = 0; i < n; i++) {
        cum += v[i].m; /* rows 0 .. cum - 1 carry v[i].w */
        if (!have0 && lo < cum) {
            x0 = v[i].w;
            have0 = 1;
        }
        if (have0 && lo + 1 < cum) {
            x1 = v[i].w;
            break;
        }
    }
    return x0 + (h - lo) * (x1 - x0);
}

iaf_status iaf_weight_summarize(size_t n, const double *w, const double *mult,
                                iaf_weight_summary *out, iaf_error *err)
{
    if (!out || (n > 0 && !w))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "weight summary: no weights");
    memset(out, 0, sizeof *out);
    wrow *v = iaf_malloc((n ? n : 1) * sizeof *v);
    if (!v) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t k = 0;
    double s1 = 0, s2 = 0, rows = 0, qrows = 0;
    for (size_t i = 0; i < n; i++) {
        const double m = mult ? mult[i] : 1;
        if (!isfinite(w[i]) || !(w[i] >= 0) || !isfinite(m) || !(m >= 0)) {
            iaf_free(v);
            return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                                 "weight summary: unit %zu has a weight or count that is not "
                                 "finite and >= 0",
                                 i + 1);
        }
        s1 += m * w[i];
        rows += m;
        s2 += m * w[i] * w[i];
        const double mr = mult ? floor(m + 0.5) : 1;
        if (mr > 0) {
            v[k].w = w[i];
            v[k].m = mr;
            qrows += mr;
            k++;
        }
    }
    out->rows = rows;
    out->sum_w = s1;
    out->n_eff = s2 > 0 ? s1 * s1 / s2 : 0;
    if (k == 0) {
        iaf_free(v);
        out->min = out->max = NAN;
        out->q01 = out->q05 = out->q25 = out->q50 = out->q75 = out->q95 = out->q99 = NAN;
        return IAF_OK;
    }
    qsort(v, k, sizeof *v, cmp_wrow);
    out->min = v[0].w;
    out->max = v[k - 1].w;
    out->q01 = quantile(v, k, qrows, 0.01);
    out->q05 = quantile(v, k, qrows, 0.05);
    out->q25 = quantile(v, k, qrows, 0.25);
    out->q50 = quantile(v, k, qrows, 0.50);
    out->q75 = quantile(v, k, qrows, 0.75);
    out->q95 = quantile(v, k, qrows, 0.95);
    out->q99 = quantile(v, k, qrows, 0.99);
    iaf_free(v);
    return IAF_OK;
}
