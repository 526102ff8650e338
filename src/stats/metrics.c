/* stats/metrics.c - the joint-check metrics of METHOD.md section 4 (formulas
 * and conventions in docs/method.md). */
#include "iaf/metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats/metrics_internal.h"
#include "stats/specfun.h"
#include "util/util.h"

#define TWO_PI 6.283185307179586476925286766559
#define LN2 0.693147180559945309417232121458

/* Neumaier's compensated sum: the tables reach millions of cells, and the
 * measures are sums of many small terms of one sign. */
typedef struct ksum {
    double s, c;
} ksum;

static inline void kadd(ksum *k, double x)
{
    double t = k->s + x;
    if (fabs(k->s) >= fabs(x))
        k->c += (k->s - t) + x;
    else
        k->c += (x - t) + k->s;
    k->s = t;
}

static inline double kval(const ksum *k)
{
    return k->s + k->c;
}

/* Sum of non-negative finite values, or -1 when one is negative / not finite. */
static double checked_total(const double *v, size_t n)
{
    ksum k = {0, 0};
    for (size_t i = 0; i < n; i++) {
        if (!(v[i] >= 0) || !isfinite(v[i])) return -1;
        kadd(&k, v[i]);
    }
    return kval(&k);
}

iaf_status iaf_jt_init(iaf_jt *t, size_t kx, size_t ky)
{
    t->kx = kx;
    t->ky = ky;
    t->v = NULL;
    t->inv = 0;
    if (ky <= IAF_JT_SMALL / 3 && kx <= IAF_JT_SMALL - 2 * ky) {
        t->mx = t->small;
        t->my = t->small + kx;
        t->comp = t->my + ky;
        memset(t->small, 0, (kx + 2 * ky) * sizeof *t->small);
        return IAF_OK;
    }
    t->mx = iaf_calloc(kx, sizeof *t->mx);
    t->my = iaf_calloc(ky, sizeof *t->my);
    t->comp = iaf_calloc(ky, sizeof *t->comp);
    if (!t->mx || !t->my || !t->comp) {
        iaf_jt_free(t);
        return IAF_ERR_NOMEM;
    }
    return IAF_OK;
}

void iaf_jt_free(iaf_jt *t)
{
    if (!t) return;
    if (t->mx != t->small) {
        iaf_free(t->mx);
        iaf_free(t->my);
        iaf_free(t->comp);
    }
    t->mx = t->my = t->comp = NULL;
}

int iaf_jt_set(iaf_jt *t, const double *v)
{
    size_t kx = t->kx, ky = t->ky;
    double total = checked_total(v, kx * ky);
    if (!(total > 0) || !isfinite(total)) return -1;
    t->v = v;
    t->inv = 1 / total;
    for (size_t y = 0; y < ky; y++)
        t->my[y] = t->comp[y] = 0;
    t->kx_pos = t->ky_pos = 0;
    for (size_t x = 0; x < kx; x++) {
        ksum row = {0, 0};
        const double *vr = v + x * ky;
        for (size_t y = 0; y < ky; y++) {
            double p = vr[y] * t->inv;
            kadd(&row, p);
            /* per-column Neumaier step */
            double s0 = t->my[y], s1 = s0 + p;
            if (fabs(s0) >= fabs(p))
                t->comp[y] += (s0 - s1) + p;
            else
                t->comp[y] += (p - s1) + s0;
            t->my[y] = s1;
        }
        t->mx[x] = kval(&row);
        if (t->mx[x] > 0) t->kx_pos++;
    }
    for (size_t y = 0; y < ky; y++) {
        t->my[y] += t->comp[y];
        if (t->my[y] > 0) t->ky_pos++;
    }
    return 0;
}

static double tvd_vec(const double *a, double ia, const double *b, double ib, size_t n)
{
    ksum k = {0, 0};
    for (size_t i = 0; i < n; i++)
        kadd(&k, fabs(a[i] * ia - b[i] * ib));
    return 0.5 * kval(&k);
}

/* cond_tvd_y_given_x(s, r) = sum_x r_x 1/2 sum_y |s_{y|x} - r_{y|x}|
 *                          = 1/2 sum_{x: r_x > 0} sum_y |s_xy r_x / s_x - r_xy|,
 * with r_x itself for a row that the synthetic side leaves empty. */
static double cond_tvd_yx(const iaf_jt *s, const iaf_jt *r)
{
    ksum k = {0, 0}, empty = {0, 0};
    size_t ky = s->ky;
    for (size_t x = 0; x < s->kx; x++) {
        double rx = r->mx[x], sx = s->mx[x];
        if (!(rx > 0)) continue;
        if (!(sx > 0)) {
            kadd(&empty, rx);
            continue;
        }
        double f = rx / sx;
        const double *sv = s->v + x * ky, *rv = r->v + x * ky;
        for (size_t y = 0; y < ky; y++)
            kadd(&k, fabs(sv[y] * s->inv * f - rv[y] * r->inv));
    }
    return 0.5 * kval(&k) + kval(&empty);
}

/* The same with the roles of x and y swapped; one row-major pass with a
 * factor per column. ratio is workspace of ky doubles. */
static double cond_tvd_xy(const iaf_jt *s, const iaf_jt *r, double *ratio)
{
    ksum k = {0, 0}, empty = {0, 0};
    size_t ky = s->ky;
    for (size_t y = 0; y < ky; y++) {
        double ry = r->my[y], sy = s->my[y];
        ratio[y] = 0;
        if (!(ry > 0)) continue;
        if (!(sy > 0)) {
            kadd(&empty, ry);
            ratio[y] = NAN;
            continue;
        }
        ratio[y] = ry / sy;
    }
    for (size_t x = 0; x < s->kx; x++) {
        const double *sv = s->v + x * ky, *rv = r->v + x * ky;
        for (size_t y = 0; y < ky; y++) {
            double f = ratio[y];
            if (f > 0) kadd(&k, fabs(sv[y] * s->inv * f - rv[y] * r->inv));
        }
    }
    return 0.5 * kval(&k) + kval(&empty);
}

static double dep_tvd(const iaf_jt *p)
{
    ksum k = {0, 0};
    for (size_t x = 0; x < p->kx; x++) {
        const double *v = p->v + x * p->ky;
        double px = p->mx[x];
        for (size_t y = 0; y < p->ky; y++)
            kadd(&k, fabs(v[y] * p->inv - px * p->my[y]));
    }
    return 0.5 * kval(&k);
}

static double cramers_v(const iaf_jt *p)
{
    size_t kmin = IAF_MIN(p->kx_pos, p->ky_pos);
    if (kmin < 2) return NAN;
    ksum k = {0, 0};
    for (size_t x = 0; x < p->kx; x++) {
        double px = p->mx[x];
        if (!(px > 0)) continue;
        const double *v = p->v + x * p->ky;
        for (size_t y = 0; y < p->ky; y++) {
            double e = px * p->my[y];
            if (!(e > 0)) continue;
            double d = v[y] * p->inv - e;
            kadd(&k, d * d / e);
        }
    }
    double v = sqrt(fmax(kval(&k), 0) / (double)(kmin - 1));
    return fmin(v, 1);
}

static double entropy(const double *m, size_t n)
{
    ksum k = {0, 0};
    for (size_t i = 0; i < n; i++)
        if (m[i] > 0) kadd(&k, -m[i] * log(m[i]));
    return kval(&k);
}

/* Plug-in NMI = 2 I / (H(X) + H(Y)). I is summed as sum bd0(p_xy, p_x p_y)
 * (= sum p log(p/e) + e - p, the e - p terms summing to zero): every term is
 * non-negative and free of cancellation, so weak dependence keeps its digits. */
static double nmi(const iaf_jt *p)
{
    double h = entropy(p->mx, p->kx) + entropy(p->my, p->ky);
    if (!(h > 0)) return NAN;
    ksum k = {0, 0};
    for (size_t x = 0; x < p->kx; x++) {
        double px = p->mx[x];
        if (!(px > 0)) continue;
        const double *v = p->v + x * p->ky;
        for (size_t y = 0; y < p->ky; y++) {
            double e = px * p->my[y];
            if (e > 0) kadd(&k, iaf_bd0(v[y] * p->inv, e));
        }
    }
    double r = 2 * fmax(kval(&k), 0) / h;
    return fmin(r, 1);
}

/* Jensen-Shannon divergence, natural log. Per cell, with m = (s+r)/2 and
 * d = (s-r)/(s+r): s log(s/m) + r log(r/m) = m f(d),
 * f(d) = (1+d) log(1+d) + (1-d) log(1-d). Near d = 0 f is evaluated as
 * 2 d atanh(d) + log1p(-d^2) (no cancellation of the two O(d) halves);
 * near |d| = 1 from A = 2s/(s+r), B = 2r/(s+r) directly (1 - d would lose
 * the digits of a tiny cell). */
static double js_divergence(const iaf_jt *s, const iaf_jt *r, size_t n)
{
    ksum k = {0, 0};
    for (size_t i = 0; i < n; i++) {
        double a = s->v[i] * s->inv, b = r->v[i] * r->inv, t = a + b;
        if (!(t > 0)) continue;
        double d = (a - b) / t, f;
        if (fabs(d) < 0.5) {
            f = 2 * d * atanh(d) + log1p(-d * d);
        } else {
            double A = 2 * a / t, B = 2 * b / t;
            f = (A > 0 ? A * log(A) : 0) + (B > 0 ? B * log(B) : 0);
        }
        kadd(&k, 0.5 * t * f);
    }
    return 0.5 * kval(&k);
}

/* Hellinger distance as sqrt(1/2 sum (sqrt s - sqrt r)^2), which equals
 * sqrt(1 - sum sqrt(s r)) for normalised tables but keeps its digits when
 * the tables are close. */
static double hellinger(const iaf_jt *s, const iaf_jt *r, size_t n)
{
    ksum k = {0, 0};
    for (size_t i = 0; i < n; i++) {
        double d = sqrt(s->v[i] * s->inv) - sqrt(r->v[i] * r->inv);
        kadd(&k, d * d);
    }
    return fmin(sqrt(0.5 * fmax(kval(&k), 0)), 1);
}

static double inv_n(double n)
{
    return isinf(n) ? 0 : 1 / n;
}

/* Noise floor of a TVD between two samples of p (normalised on the fly). */
static double noise_floor_scaled(const double *p, double inv, size_t k, double n_s, double n_r,
                                 const double *se)
{
    double f = inv_n(n_s) + inv_n(n_r);
    ksum acc = {0, 0};
    for (size_t i = 0; i < k; i++) {
        double q = p[i] * inv;
        double v = q * (1 - q) * f + (se ? se[i] * se[i] : 0);
        if (v > 0) kadd(&acc, sqrt(v / TWO_PI));
    }
    return kval(&acc);
}

/* Noise floor of dep_tvd(r) under independence (docs/method.md): with
 * r_xy = r_x r_y, sqrt(n) (p^_xy - p^_x p^_y) is asymptotically normal with
 * variance r_x r_y (1 - r_x)(1 - r_y), and E|Z| = sqrt(2 v / pi), so
 * E dep_tvd ~ sum_xy sqrt(v_xy / (2 pi)), v_xy = r_x r_y (1-r_x)(1-r_y) / n_r
 * (+ se_xy^2 when per-cell SEs are given). */
static double dep_floor(const iaf_jt *r, double n_r, const double *se)
{
    double f = inv_n(n_r);
    ksum acc = {0, 0};
    for (size_t x = 0; x < r->kx; x++) {
        double ax = r->mx[x] * (1 - r->mx[x]);
        for (size_t y = 0; y < r->ky; y++) {
            double v = ax * r->my[y] * (1 - r->my[y]) * f;
            if (se) v += se[x * r->ky + y] * se[x * r->ky + y];
            if (v > 0) kadd(&acc, sqrt(v / TWO_PI));
        }
    }
    return kval(&acc);
}

iaf_status iaf_jm_ws_init(iaf_jm_ws *w, size_t kx, size_t ky)
{
    memset(w, 0, sizeof *w);
    w->skip = 0;
    w->ratio = iaf_calloc(ky, sizeof *w->ratio);
    w->raked = iaf_calloc(kx * ky, sizeof *w->raked);
    w->row = iaf_calloc(kx, sizeof *w->row);
    w->col = iaf_calloc(ky, sizeof *w->col);
    w->csum = iaf_calloc(ky, sizeof *w->csum);
    if (!w->ratio || !w->raked || !w->row || !w->col || !w->csum ||
        iaf_jt_init(&w->rk, kx, ky) != IAF_OK) {
        iaf_free(w->ratio), iaf_free(w->raked), iaf_free(w->row), iaf_free(w->col),
            iaf_free(w->csum);
        memset(w, 0, sizeof *w);
        return IAF_ERR_NOMEM;
    }
    return IAF_OK;
}

void iaf_jm_ws_free(iaf_jm_ws *w)
{
    if (!w) return;
    iaf_free(w->ratio), iaf_free(w->raked), iaf_free(w->row), iaf_free(w->col), iaf_free(w->csum);
    iaf_jt_free(&w->rk);
    memset(w, 0, sizeof *w);
}

void iaf_rake_jt(const iaf_jt *s, const double *row, const double *col, double tol, size_t max_iter,
                 double *csum, double *out, size_t *iterations, int *converged)
{
    size_t kx = s->kx, ky = s->ky;
    for (size_t i = 0; i < kx * ky; i++)
        out[i] = s->v[i] * s->inv;
    size_t it = 0;
    int ok = 0;
    for (;; it++) {
        /* Row sums: test convergence (after at least one column step), then scale. */
        double dev = 0;
        for (size_t x = 0; x < kx; x++) {
            ksum k = {0, 0};
            double *o = out + x * ky;
            for (size_t y = 0; y < ky; y++)
                kadd(&k, o[y]);
            double rs = kval(&k);
            if (rs > 0 || row[x] > 0) dev = fmax(dev, fabs(rs - row[x]));
            if (it < max_iter && rs > 0) {
                double f = row[x] / rs;
                for (size_t y = 0; y < ky; y++)
                    o[y] *= f;
            }
        }
        if (it > 0 && dev <= tol) {
            ok = 1;
            break;
        }
        if (it == max_iter) break;
        for (size_t y = 0; y < ky; y++)
            csum[y] = 0;
        for (size_t x = 0; x < kx; x++)
            for (size_t y = 0; y < ky; y++)
                csum[y] += out[x * ky + y];
        for (size_t y = 0; y < ky; y++)
            csum[y] = csum[y] > 0 ? col[y] / csum[y] : 0;
        for (size_t x = 0; x < kx; x++)
            for (size_t y = 0; y < ky; y++)
                out[x * ky + y] *= csum[y];
    }
    if (iterations) *iterations = it;
    if (converged) *converged = ok;
}

/* Raking targets: r's margins on the rows and columns where s has mass
 * (renormalised), so that they are consistent with s's zero pattern. */
static void rake_targets(const iaf_jt *s, const iaf_jt *r, double *row, double *col)
{
    size_t kx = s->kx, ky = s->ky;
    double t = 0;
    for (size_t y = 0; y < ky; y++)
        col[y] = 0;
    for (size_t x = 0; x < kx; x++) {
        row[x] = 0;
        if (!(s->mx[x] > 0)) continue;
        const double *rv = r->v + x * ky;
        for (size_t y = 0; y < ky; y++) {
            if (!(s->my[y] > 0)) continue;
            double p = rv[y] * r->inv;
            row[x] += p;
            col[y] += p;
        }
        t += row[x];
    }
    if (!(t > 0)) return;
    for (size_t x = 0; x < kx; x++)
        row[x] /= t;
    for (size_t y = 0; y < ky; y++)
        col[y] /= t;
}

static double mm_bias(size_t kx, size_t ky, double n)
{
    if (isinf(n)) return 0;
    if (kx == 0 || ky == 0) return 0;
    return (double)(kx - 1) * (double)(ky - 1) / (2 * n);
}

void iaf_joint_metrics_fill(const iaf_jt *s, const iaf_jt *r, double n_s, double n_r,
                            const double *r_se, int replicate, iaf_jm_ws *ws,
                            iaf_joint_metrics *out)
{
    double *ratio = ws->ratio;
    size_t kx = s->kx, ky = s->ky, n = kx * ky;
    int one_d = ky == 1;
    /* what a replicate may skip (ws->skip, IAF_FILL_*): never a point estimate */
    unsigned skip = replicate ? ws->skip : 0;

    out->tvd_joint = tvd_vec(s->v, s->inv, r->v, r->inv, n);
    if (skip & IAF_FILL_NO_DIST) {
        out->max_cell_pp = out->hellinger = out->js_distance = NAN;
    } else {
        double best = -1;
        size_t bi = 0;
        for (size_t i = 0; i < n; i++) {
            double d = fabs(s->v[i] * s->inv - r->v[i] * r->inv);
            if (d > best) {
                best = d;
                bi = i;
            }
        }
        out->max_cell_pp = best * 100;
        out->max_cell_x = bi / ky;
        out->max_cell_y = bi % ky;
        out->hellinger = hellinger(s, r, n);
        out->js_distance = fmin(sqrt(fmax(js_divergence(s, r, n), 0)), sqrt(LN2));
    }

    if (!replicate) {
        out->noise_floor = noise_floor_scaled(r->v, r->inv, n, n_s, n_r, r_se);
        size_t kpos = 0;
        for (size_t i = 0; i < n; i++)
            kpos += r->v[i] > 0;
        out->noise_floor_bound = 0.5 * sqrt((double)kpos * (inv_n(n_s) + inv_n(n_r)));
    }

    if (one_d) {
        out->tvd_x = out->tvd_joint;
        out->tvd_y = 0;
        out->cond_tvd_y_given_x = out->cond_tvd_x_given_y = NAN;
        out->dep_tvd_s = out->dep_tvd_r = NAN;
        out->cramers_v_s = out->cramers_v_r = NAN;
        out->nmi_s = out->nmi_r = NAN;
        out->retention = out->footprint = NAN;
        out->footprint_dep = out->footprint_marginal = NAN;
        out->raking_converged = 0;
        out->raking_iterations = 0;
        if (!replicate) {
            out->nmi_bias_s = out->nmi_bias_r = NAN;
            out->dep_floor_r = NAN;
            out->reference_dependent = 0;
        }
        return;
    }

    out->tvd_x = tvd_vec(s->mx, 1, r->mx, 1, kx);
    out->tvd_y = tvd_vec(s->my, 1, r->my, 1, ky);
    out->cond_tvd_y_given_x = cond_tvd_yx(s, r);
    out->cond_tvd_x_given_y = skip & IAF_FILL_NO_DIST ? NAN : cond_tvd_xy(s, r, ratio);
    out->dep_tvd_s = dep_tvd(s);
    out->dep_tvd_r = dep_tvd(r);
    if (skip & IAF_FILL_NO_DEP) {
        out->cramers_v_s = out->cramers_v_r = out->nmi_s = out->nmi_r = NAN;
    } else {
        out->cramers_v_s = cramers_v(s);
        out->cramers_v_r = cramers_v(r);
        out->nmi_s = nmi(s);
        out->nmi_r = nmi(r);
    }
    if (!replicate) {
        out->nmi_bias_s = mm_bias(s->kx_pos, s->ky_pos, n_s);
        out->nmi_bias_r = mm_bias(r->kx_pos, r->ky_pos, n_r);
        out->dep_floor_r = dep_floor(r, n_r, r_se);
        out->reference_dependent = out->dep_tvd_r > fmax(out->dep_floor_r, IAF_DEP_EPS);
    }
    /* cond_tvd(s_perp, r) with s_perp = r_x r_y is exactly dep_tvd(r): row x
     * contributes r_x 1/2 sum_y |r_y - r_xy / r_x| = 1/2 sum_y |r_x r_y - r_xy|.
     * A replicate keeps the point estimate's decision and only needs a
     * non-zero denominator. */
    int ratios = replicate ? out->dep_tvd_r > IAF_DEP_EPS : out->reference_dependent;
    if (ratios) {
        out->retention = out->dep_tvd_s / out->dep_tvd_r;
        out->footprint = out->cond_tvd_y_given_x / out->dep_tvd_r;
        /* footprint_dep (section 4.1): the same ratio for s raked to r's margins */
        if (skip & IAF_FILL_NO_RAKE) {
            out->footprint_dep = out->footprint_marginal = NAN;
            return;
        }
        rake_targets(s, r, ws->row, ws->col);
        iaf_rake_jt(s, ws->row, ws->col, replicate ? IAF_RAKE_REP_TOL : IAF_RAKE_TOL,
                    replicate ? IAF_RAKE_REP_ITER : IAF_RAKE_MAX_ITER, ws->csum, ws->raked,
                    &out->raking_iterations, &out->raking_converged);
        if (iaf_jt_set(&ws->rk, ws->raked) == 0) {
            out->footprint_dep = cond_tvd_yx(&ws->rk, r) / out->dep_tvd_r;
        } else {
            /* nothing to rake onto: no row and column that both sides fill */
            out->footprint_dep = NAN;
        }
        out->footprint_marginal = out->footprint - out->footprint_dep;
    } else {
        out->retention = out->footprint = NAN;
        out->footprint_dep = out->footprint_marginal = NAN;
        out->raking_converged = 0;
        out->raking_iterations = 0;
    }
}

iaf_status iaf_joint_input_check(const iaf_joint_input *in, iaf_error *err)
{
    if (!in || !in->s || !in->r || in->kx == 0 || in->ky == 0)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "empty joint table");
    if (in->kx > SIZE_MAX / in->ky || in->kx * in->ky > IAF_ALLOC_CAP / sizeof(double))
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0,
                             "joint table of %zu x %zu cells is too large", in->kx, in->ky);
    if (!(in->n_s > 0) || !(in->n_r > 0))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "sample sizes must be positive (n_s = %g, n_r = %g)", in->n_s,
                             in->n_r);
    size_t n = in->kx * in->ky;
    double ts = checked_total(in->s, n), tr = checked_total(in->r, n);
    if (ts < 0 || tr < 0)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "%s table has a negative or non-finite cell",
                             ts < 0 ? "synthetic" : "reference");
    if (!(ts > 0) || !(tr > 0) || !isfinite(ts) || !isfinite(tr))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "%s table has a zero total",
                             !(ts > 0) ? "synthetic" : "reference");
    if (in->r_se && checked_total(in->r_se, n) < 0)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "reference standard errors must be finite and >= 0");
    return IAF_OK;
}

iaf_status iaf_joint_metrics_compute(const iaf_joint_input *in, iaf_joint_metrics *out,
                                     iaf_error *err)
{
    iaf_status st = iaf_joint_input_check(in, err);
    if (st != IAF_OK) return st;
    iaf_jt s, r;
    iaf_jm_ws ws;
    st = iaf_jt_init(&s, in->kx, in->ky);
    if (st == IAF_OK) {
        st = iaf_jt_init(&r, in->kx, in->ky);
        if (st != IAF_OK) iaf_jt_free(&s);
    }
    if (st != IAF_OK) return iaf_error_set(err, st, NULL, 0, 0, "out of memory");
    if (iaf_jm_ws_init(&ws, in->kx, in->ky) != IAF_OK) {
        iaf_jt_free(&s);
        iaf_jt_free(&r);
        return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (iaf_jt_set(&s, in->s) != 0 || iaf_jt_set(&r, in->r) != 0) {
        /* checked above; only a total that overflows to infinity lands here */
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "table total is not finite");
        goto cleanup;
    }
    iaf_joint_metrics_fill(&s, &r, in->n_s, in->n_r, in->r_se, 0, &ws, out);
cleanup:
    iaf_jm_ws_free(&ws);
    iaf_jt_free(&s);
    iaf_jt_free(&r);
    return st;
}

/* ---- single measures ---- */

double iaf_tvd(const double *p, const double *q, size_t n)
{
    if (!p || !q || n == 0) return NAN;
    double tp = checked_total(p, n), tq = checked_total(q, n);
    if (!(tp > 0) || !(tq > 0) || !isfinite(tp) || !isfinite(tq)) return NAN;
    return tvd_vec(p, 1 / tp, q, 1 / tq, n);
}

typedef double (*jt_measure)(const iaf_jt *);

static double one_table(const double *p, size_t kx, size_t ky, jt_measure f)
{
    if (!p || kx == 0 || ky == 0 || kx > SIZE_MAX / ky) return NAN;
    iaf_jt t;
    if (iaf_jt_init(&t, kx, ky) != IAF_OK) return NAN;
    double v = iaf_jt_set(&t, p) == 0 ? f(&t) : NAN;
    iaf_jt_free(&t);
    return v;
}

double iaf_dep_tvd(const double *p, size_t kx, size_t ky)
{
    return one_table(p, kx, ky, dep_tvd);
}

double iaf_cramers_v(const double *p, size_t kx, size_t ky)
{
    return one_table(p, kx, ky, cramers_v);
}

double iaf_nmi(const double *p, size_t kx, size_t ky)
{
    return one_table(p, kx, ky, nmi);
}

double iaf_cond_tvd(const double *s, const double *r, size_t kx, size_t ky)
{
    if (!s || !r || kx == 0 || ky == 0 || kx > SIZE_MAX / ky) return NAN;
    iaf_jt a, b;
    if (iaf_jt_init(&a, kx, ky) != IAF_OK) return NAN;
    if (iaf_jt_init(&b, kx, ky) != IAF_OK) {
        iaf_jt_free(&a);
        return NAN;
    }
    double v = NAN;
    if (iaf_jt_set(&a, s) == 0 && iaf_jt_set(&b, r) == 0) v = cond_tvd_yx(&a, &b);
    iaf_jt_free(&a);
    iaf_jt_free(&b);
    return v;
}

double iaf_tvd_noise_floor(const double *p, size_t k, double n_s, double n_r, const double *se)
{
    if (!p || k == 0 || !(n_s > 0) || !(n_r > 0)) return NAN;
    double t = checked_total(p, k);
    if (!(t > 0) || !isfinite(t)) return NAN;
    if (se && checked_total(se, k) < 0) return NAN;
    return noise_floor_scaled(p, 1 / t, k, n_s, n_r, se);
}

/* ---- iteration helpers ---- */

static const char *const metric_names[IAF_JM_COUNT] = {
    "tvd_joint",
    "tvd_x",
    "tvd_y",
    "cond_tvd_y_given_x",
    "cond_tvd_x_given_y",
    "max_cell_pp",
    "hellinger",
    "js_distance",
    "dep_tvd_s",
    "dep_tvd_r",
    "cramers_v_s",
    "cramers_v_r",
    "nmi_s",
    "nmi_r",
    "retention",
    "footprint",
    "footprint_dep",
};

const char *iaf_joint_metric_name(iaf_joint_metric_id id)
{
    return (unsigned)id < IAF_JM_COUNT ? metric_names[id] : NULL;
}

double iaf_joint_metric_value(const iaf_joint_metrics *m, iaf_joint_metric_id id)
{
    switch (id) {
    case IAF_JM_TVD_JOINT:
        return m->tvd_joint;
    case IAF_JM_TVD_X:
        return m->tvd_x;
    case IAF_JM_TVD_Y:
        return m->tvd_y;
    case IAF_JM_COND_TVD_Y_GIVEN_X:
        return m->cond_tvd_y_given_x;
    case IAF_JM_COND_TVD_X_GIVEN_Y:
        return m->cond_tvd_x_given_y;
    case IAF_JM_MAX_CELL_PP:
        return m->max_cell_pp;
    case IAF_JM_HELLINGER:
        return m->hellinger;
    case IAF_JM_JS_DISTANCE:
        return m->js_distance;
    case IAF_JM_DEP_TVD_S:
        return m->dep_tvd_s;
    case IAF_JM_DEP_TVD_R:
        return m->dep_tvd_r;
    case IAF_JM_CRAMERS_V_S:
        return m->cramers_v_s;
    case IAF_JM_CRAMERS_V_R:
        return m->cramers_v_r;
    case IAF_JM_NMI_S:
        return m->nmi_s;
    case IAF_JM_NMI_R:
        return m->nmi_r;
    case IAF_JM_RETENTION:
        return m->retention;
    case IAF_JM_FOOTPRINT:
        return m->footprint;
    case IAF_JM_FOOTPRINT_DEP:
        return m->footprint_dep;
    case IAF_JM_COUNT:
        break;
    }
    return NAN;
}

void iaf_joint_metric_range(iaf_joint_metric_id id, double *lo, double *hi)
{
    *lo = 0;
    switch (id) {
    case IAF_JM_MAX_CELL_PP:
        *hi = 100;
        break;
    case IAF_JM_JS_DISTANCE:
        *hi = sqrt(LN2);
        break;
    case IAF_JM_RETENTION:
    case IAF_JM_FOOTPRINT:
    case IAF_JM_FOOTPRINT_DEP:
        *hi = INFINITY;
        break;
    default:
        *hi = 1;
        break;
    }
}

iaf_status iaf_rake(size_t kx, size_t ky, const double *s, const double *row, const double *col,
                    double tol, size_t max_iter, double *out, size_t *iterations, int *converged,
                    iaf_error *err)
{
    if (!s || !row || !col || !out || kx == 0 || ky == 0 || kx > SIZE_MAX / ky ||
        kx * ky > IAF_ALLOC_CAP / sizeof(double))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "empty or too large table");
    double tr = checked_total(row, kx), tc = checked_total(col, ky);
    if (!(tr > 0) || !(tc > 0) || !isfinite(tr) || !isfinite(tc))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "raking targets need non-negative cells and a positive total");
    iaf_jt t;
    iaf_status st = iaf_jt_init(&t, kx, ky);
    if (st != IAF_OK) return iaf_error_set(err, st, NULL, 0, 0, "out of memory");
    double *rw = iaf_malloc(kx * sizeof *rw), *cl = iaf_malloc(ky * sizeof *cl);
    double *cs = iaf_malloc(ky * sizeof *cs);
    if (!rw || !cl || !cs) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto cleanup;
    }
    if (iaf_jt_set(&t, s) != 0) {
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                           "table to rake has a negative or non-finite cell or a zero total");
        goto cleanup;
    }
    /* rows and columns that s leaves empty cannot be raked: drop their
     * targets and renormalise the rest */
    double a = 0, b = 0;
    for (size_t x = 0; x < kx; x++)
        a += rw[x] = t.mx[x] > 0 ? row[x] : 0;
    for (size_t y = 0; y < ky; y++)
        b += cl[y] = t.my[y] > 0 ? col[y] : 0;
    if (!(a > 0) || !(b > 0)) {
        st = iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                           "the targets put no mass where the table has mass");
        goto cleanup;
    }
    for (size_t x = 0; x < kx; x++)
        rw[x] /= a;
    for (size_t y = 0; y < ky; y++)
        cl[y] /= b;
    iaf_rake_jt(&t, rw, cl, tol, max_iter, cs, out, iterations, converged);
cleanup:
    iaf_free(rw), iaf_free(cl), iaf_free(cs);
    iaf_jt_free(&t);
    return st;
}
