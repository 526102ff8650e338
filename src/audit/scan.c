/* src/audit/scan.c - see scan.h. */
#include "audit/scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "iaf/metrics.h"
#include "io/file.h"
#include "stats/bootstrap.h"
#include "stats/rng.h"
#include "stats/specfun.h"
#include "util/util.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Dense kx*ky counts over the categories with positive mass. */
static iaf_status dense(const iaf_table *t, double **out, size_t *kx, size_t *ky, iaf_error *err)
{
    size_t nx = iaf_table_ncats(t, 0), ny = iaf_table_ncats(t, 1);
    double *full = iaf_calloc(nx * ny + 1, sizeof *full), *rx = iaf_calloc(nx + 1, sizeof *rx),
           *cy = iaf_calloc(ny + 1, sizeof *cy);
    size_t *mx = iaf_calloc(nx + 1, sizeof *mx), *my = iaf_calloc(ny + 1, sizeof *my);
    iaf_status st = IAF_OK;
    if (!full || !rx || !cy || !mx || !my) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < iaf_table_ncells(t); i++) {
        iaf_cell c = iaf_table_cell(t, i);
        if (c.state != IAF_CELL_OK) continue;
        full[c.cat[0] * ny + c.cat[1]] += c.value;
        rx[c.cat[0]] += c.value;
        cy[c.cat[1]] += c.value;
    }
    size_t a = 0, b = 0;
    for (size_t x = 0; x < nx; x++)
        mx[x] = rx[x] > 0 ? a++ : SIZE_MAX;
    for (size_t y = 0; y < ny; y++)
        my[y] = cy[y] > 0 ? b++ : SIZE_MAX;
    double *d = iaf_calloc(a * b + 1, sizeof *d);
    if (!d) {
        st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t x = 0; x < nx; x++)
        for (size_t y = 0; y < ny; y++)
            if (mx[x] != SIZE_MAX && my[y] != SIZE_MAX) d[mx[x] * b + my[y]] = full[x * ny + y];
    *out = d;
    *kx = a;
    *ky = b;
done:
    iaf_free(full), iaf_free(rx), iaf_free(cy), iaf_free(mx), iaf_free(my);
    return st;
}

/* log k! for k <= n from a table (NULL: lgamma). */
typedef struct logfact {
    const double *t;
    uint64_t n;
} logfact;

static double lfact(const logfact *lf, double k)
{
    return lf->t && k <= (double)lf->n ? lf->t[(uint64_t)k] : iaf_lgamma(k + 1);
}

/* log C(n, k) */
static double lchoose(const logfact *lf, double n, double k)
{
    return lfact(lf, n) - lfact(lf, k) - lfact(lf, n - k);
}

/* Hypergeometric: successes among `draws` taken without replacement from N items of which K
 * are successes. Inversion that starts at the mode and walks outward, alternating sides: the
 * unit interval is cut into the support's probabilities in a fixed order, so the draw is
 * exact, and it takes about one standard deviation of steps. */
static uint64_t hyper(iaf_rng *r, const logfact *lf, uint64_t N, uint64_t K, uint64_t draws)
{
    if (draws == 0 || K == 0) return 0;
    if (K == N) return draws;
    if (draws == N) return K;
    uint64_t lo = draws + K > N ? draws + K - N : 0, hi = draws < K ? draws : K;
    if (lo == hi) return lo;
    double dN = (double)N, dK = (double)K, dn = (double)draws;
    uint64_t m = (uint64_t)floor((dn + 1) * (dK + 1) / (dN + 2));
    if (m < lo) m = lo;
    if (m > hi) m = hi;
    double pm = exp(lchoose(lf, dK, (double)m) + lchoose(lf, dN - dK, dn - (double)m) -
                    lchoose(lf, dN, dn));
    double u = iaf_rng_uniform(r);
    if (u < pm) return m;
    u -= pm;
    uint64_t up = m, down = m;
    double pu = pm, pd = pm;
    for (;;) {
        int moved = 0;
        if (up < hi) {
            double k = (double)up;
            pu *= (dK - k) * (dn - k) / ((k + 1) * (dN - dK - dn + k + 1));
            up++;
            moved = 1;
            if (u < pu) return up;
            u -= pu;
        }
        if (down > lo) {
            double k = (double)down;
            pd *= k * (dN - dK - dn + k) / ((dK - k + 1) * (dn - k + 1));
            down--;
            moved = 1;
            if (u < pd) return down;
            u -= pd;
        }
        if (!moved) return m; /* rounding left a sliver of [0, 1): the mode takes it */
    }
}

/* A kx*ky table with row totals rt and column totals ct (sum n), drawn uniformly among the
 * arrangements of n labelled rows: row by row, each row's counts are a multivariate
 * hypergeometric draw from the columns' remaining totals (sequential hypergeometrics). */
static void table_fixed_margins(iaf_rng *r, const logfact *lf, const uint64_t *rt,
                                const uint64_t *ct, size_t kx, size_t ky, uint64_t n,
                                uint64_t *colrem, double *q)
{
    memcpy(colrem, ct, ky * sizeof *colrem);
    uint64_t left = n;
    for (size_t x = 0; x < kx; x++) {
        uint64_t need = rt[x], tail = left;
        for (size_t y = 0; y < ky; y++) {
            uint64_t c = colrem[y];
            uint64_t k =
                x + 1 == kx || y + 1 == ky ? (x + 1 == kx ? c : need) : hyper(r, lf, tail, c, need);
            tail -= c;
            need -= k;
            colrem[y] -= k;
            q[x * ky + y] = (double)k;
        }
        left -= rt[x];
    }
}

/* dep_tvd, Cramer's V and NMI of a count table q (n, margins rx, cy with logs lrx, lcy
 * and entropies hx + hy given: under fixed margins they are the same in every replicate),
 * in one pass over the cells; the same definitions as iaf_dep_tvd, iaf_cramers_v, iaf_nmi. */
static void null_stats(const double *q, size_t kx, size_t ky, double n, const double *rx,
                       const double *cy, const double *lrx, const double *lcy, double hxy,
                       double *dep, double *v, double *nmi)
{
    double d = 0, chi = 0, mi = 0, ln = log(n);
    for (size_t x = 0; x < kx; x++)
        for (size_t y = 0; y < ky; y++) {
            double o = q[x * ky + y], e = rx[x] * cy[y] / n;
            d += fabs(o - e);
            chi += (o - e) * (o - e) / e;
            if (o > 0) mi += o * (log(o) + ln - lrx[x] - lcy[y]);
        }
    double m = (double)(kx < ky ? kx : ky) - 1;
    *dep = 0.5 * d / n;
    *v = sqrt(chi / (n * m));
    *nmi = hxy > 0 ? 2 * (mi / n) / hxy : NAN;
}

/* Margins, their logs and H(X) + H(Y) of a count table. */
static void margins(const double *q, size_t kx, size_t ky, double *rx, double *cy, double *lrx,
                    double *lcy, double *n, double *hxy)
{
    double t = 0, h = 0;
    for (size_t x = 0; x < kx; x++)
        rx[x] = 0;
    for (size_t y = 0; y < ky; y++)
        cy[y] = 0;
    for (size_t x = 0; x < kx; x++)
        for (size_t y = 0; y < ky; y++)
            rx[x] += q[x * ky + y], cy[y] += q[x * ky + y], t += q[x * ky + y];
    for (size_t x = 0; x < kx; x++) {
        lrx[x] = rx[x] > 0 ? log(rx[x]) : 0;
        if (rx[x] > 0) h -= rx[x] / t * log(rx[x] / t);
    }
    for (size_t y = 0; y < ky; y++) {
        lcy[y] = cy[y] > 0 ? log(cy[y]) : 0;
        if (cy[y] > 0) h -= cy[y] / t * log(cy[y] / t);
    }
    *n = t;
    *hxy = h;
}

/* The mutual information of table p in *mi; -1 when out of memory. */
static int mutual_information(const double *p, size_t kx, size_t ky, double *mi_out)
{
    double n = 0, mi = 0;
    double *rx = iaf_calloc(kx, sizeof *rx), *cy = iaf_calloc(ky, sizeof *cy);
    if (!rx || !cy) {
        iaf_free(rx), iaf_free(cy);
        return -1;
    }
    for (size_t x = 0; x < kx; x++)
        for (size_t y = 0; y < ky; y++)
            rx[x] += p[x * ky + y], cy[y] += p[x * ky + y], n += p[x * ky + y];
    for (size_t x = 0; x < kx; x++)
        for (size_t y = 0; y < ky; y++) {
            double v = p[x * ky + y];
            if (v > 0) mi += v / n * log(v * n / (rx[x] * cy[y]));
        }
    iaf_free(rx), iaf_free(cy);
    *mi_out = mi;
    return 0;
}

/* The expected counts under independence and Cochran's rule: the smallest, the share
 * below 5, and small_n when more than 20% are below 5 or one is below 1. */
static void cochran(const double *p, size_t kx, size_t ky, double n, double n_eff,
                    iaf_scan_pair *out)
{
    out->expected_min = NAN;
    if (kx > 0 && ky > 0 && n > 0) {
        double below = 0, emin = INFINITY;
        for (size_t x = 0; x < kx; x++) {
            double rx = 0;
            for (size_t y = 0; y < ky; y++)
                rx += p[x * ky + y];
            for (size_t y = 0; y < ky; y++) {
                double cy = 0;
                for (size_t x2 = 0; x2 < kx; x2++)
                    cy += p[x2 * ky + y];
                double e = n_eff * (rx / n) * (cy / n);
                emin = e < emin ? e : emin;
                below += e < 5;
            }
        }
        out->expected_min = emin;
        out->expected_below5 = below / (double)(kx * ky);
        out->small_n = out->expected_below5 > 0.2 || emin < 1;
    }
}

iaf_status iaf_scan_pair_eval(const iaf_table *t, size_t b, uint64_t seed, iaf_scan_pair *out,
                              iaf_error *err)
{
    memset(out, 0, sizeof *out);
    if (iaf_table_nattrs(t) != 2)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "a scan pair needs two attributes");
    out->x = iaf_strdup(iaf_table_attr(t, 0));
    out->y = iaf_strdup(iaf_table_attr(t, 1));
    if (!out->x || !out->y) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    out->retention = out->retention_lo = out->retention_hi = out->dep_tvd_ref = NAN;
    double *p = NULL, *q = NULL, *nd = NULL, *nv = NULL, *nn = NULL, *px = NULL, *lft = NULL,
           *mg = NULL;
    uint64_t *rt = NULL, *ct = NULL, *colrem = NULL, *draw = NULL;
    iaf_multinomial mult;
    memset(&mult, 0, sizeof mult);
    size_t kx = 0, ky = 0;
    iaf_status st = dense(t, &p, &kx, &ky, err);
    if (st != IAF_OK) goto done;
    out->kx = kx;
    out->ky = ky;
    double n = 0;
    for (size_t i = 0; i < kx * ky; i++)
        n += p[i];
    out->n = n;
    out->dep_tvd = iaf_dep_tvd(p, kx, ky);
    out->cramers_v = iaf_cramers_v(p, kx, ky);
    out->nmi = iaf_nmi(p, kx, ky);
    out->mm_bias = kx > 0 && ky > 0 && n > 0 ? (double)(kx - 1) * (double)(ky - 1) / (2 * n) : NAN;
    /* chi2 = n * phi2 = n * V^2 * min(kx-1, ky-1); G = 2 n MI */
    double m = (double)(kx < ky ? kx : ky) - 1;
    double df = (double)(kx - 1) * (double)(ky - 1);
    int whole = 1;
    for (size_t i = 0; whole && i < kx * ky; i++)
        whole = p[i] == floor(p[i]) && p[i] < 9e15;
    /* a weighted table: its Kish effective n stands for the number of rows */
    double n_eff = whole ? n : iaf_table_n_eff(t) > 0 ? iaf_table_n_eff(t) : n;
    out->chi2_p = df > 0 && !isnan(out->cramers_v)
                      ? iaf_chi2_sf(n_eff * out->cramers_v * out->cramers_v * m, df)
                      : NAN;
    out->g_p = NAN;
    if (df > 0) {
        double mi;
        if (mutual_information(p, kx, ky, &mi) != 0) {
            st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        out->g_p = iaf_chi2_sf(2 * n_eff * mi, df);
    }
    cochran(p, kx, ky, n, n_eff, out);
    out->conditional = whole;
    if (kx < 2 || ky < 2 || b == 0) {
        out->null_dep_tvd_p95 = out->null_cramers_v_p95 = out->null_nmi_p95 = NAN;
        out->candidate = 0;
        goto done;
    }
    q = iaf_calloc(kx * ky, sizeof *q);
    nd = iaf_calloc(b, sizeof *nd);
    nv = iaf_calloc(b, sizeof *nv);
    nn = iaf_calloc(b, sizeof *nn);
    rt = iaf_calloc(kx, sizeof *rt);
    ct = iaf_calloc(ky, sizeof *ct);
    colrem = iaf_calloc(ky, sizeof *colrem);
    mg = iaf_calloc(2 * (kx + ky), sizeof *mg);
    if (!q || !nd || !nv || !nn || !rt || !ct || !colrem || !mg) goto oom;
    double *mrx = mg, *mcy = mg + kx, *lrx = mg + kx + ky, *lcy = mg + 2 * kx + ky;
    for (size_t x = 0; x < kx; x++)
        for (size_t y = 0; y < ky; y++)
            rt[x] += (uint64_t)p[x * ky + y], ct[y] += (uint64_t)p[x * ky + y];
    iaf_rng rng;
    if (whole) {
        /* log k! by cumulative sums, for every count the pair can hold (up to 50M rows) */
        logfact lf = {NULL, 0};
        if (n <= 5e7 && !(lft = iaf_malloc(((size_t)n + 1) * sizeof *lft)) && n < (1 << 21))
            goto oom; /* a small table refused: memory is exhausted (a large one falls back) */
        if (lft) {
            lft[0] = 0;
            for (size_t k = 1; k <= (size_t)n; k++)
                lft[k] = lft[k - 1] + log((double)k);
            lf.t = lft;
            lf.n = (uint64_t)n;
        }
        double tn, hxy;
        margins(p, kx, ky, mrx, mcy, lrx, lcy, &tn, &hxy);
        for (size_t r = 0; r < b; r++) {
            iaf_rng_seed_stream(&rng, seed, r);
            table_fixed_margins(&rng, &lf, rt, ct, kx, ky, (uint64_t)n, colrem, q);
            null_stats(q, kx, ky, tn, mrx, mcy, lrx, lcy, hxy, &nd[r], &nv[r], &nn[r]);
        }
    } else {
        px = iaf_calloc(kx * ky, sizeof *px);
        draw = iaf_calloc(kx * ky, sizeof *draw);
        if (!px || !draw) goto oom;
        double *rx = iaf_calloc(kx, sizeof *rx), *cy = iaf_calloc(ky, sizeof *cy);
        if (!rx || !cy) {
            iaf_free(rx), iaf_free(cy);
            goto oom;
        }
        for (size_t x = 0; x < kx; x++)
            for (size_t y = 0; y < ky; y++)
                rx[x] += p[x * ky + y], cy[y] += p[x * ky + y];
        for (size_t x = 0; x < kx; x++)
            for (size_t y = 0; y < ky; y++)
                px[x * ky + y] = rx[x] / n * cy[y] / n;
        iaf_free(rx), iaf_free(cy);
        if ((st = iaf_multinomial_init(&mult, px, kx * ky, err)) != IAF_OK) goto done;
        uint64_t size = (uint64_t)llround(n_eff < 1 ? 1 : n_eff);
        for (size_t r = 0; r < b; r++) {
            iaf_rng_seed_stream(&rng, seed, r);
            iaf_multinomial_sample(&mult, &rng, size, draw);
            for (size_t i = 0; i < kx * ky; i++)
                q[i] = (double)draw[i];
            /* a drawn table may leave a category empty: the general functions handle it */
            nd[r] = iaf_dep_tvd(q, kx, ky);
            nv[r] = iaf_cramers_v(q, kx, ky);
            nn[r] = iaf_nmi(q, kx, ky);
        }
    }
    qsort(nd, b, sizeof *nd, cmp_double);
    qsort(nv, b, sizeof *nv, cmp_double);
    qsort(nn, b, sizeof *nn, cmp_double);
    out->null_dep_tvd_p95 = iaf_quantile_sorted(nd, b, 0.95);
    out->null_cramers_v_p95 = iaf_quantile_sorted(nv, b, 0.95);
    out->null_nmi_p95 = iaf_quantile_sorted(nn, b, 0.95);
    out->candidate = out->dep_tvd <= out->null_dep_tvd_p95;
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_multinomial_free(&mult);
    iaf_free(p), iaf_free(q), iaf_free(nd), iaf_free(nv), iaf_free(nn), iaf_free(px),
        iaf_free(draw);
    iaf_free(rt), iaf_free(ct), iaf_free(colrem), iaf_free(lft), iaf_free(mg);
    return st;
}

iaf_status iaf_scan_pair_reference(iaf_scan_pair *p, const iaf_table *syn, const iaf_table *ref,
                                   double n_s, double n_r, const iaf_boot_options *boot,
                                   double tau_ret, iaf_error *err)
{
    iaf_comparison *c = NULL;
    iaf_compare_input in = {syn, ref, p->x, p->y, n_s, n_r, boot, NULL};
    iaf_status st = iaf_compare_tables(&in, &c, err);
    if (st != IAF_OK) return st;
    p->has_ref = 1;
    p->dep_tvd_ref = c->m.dep_tvd_r;
    p->ref_dependent = c->m.reference_dependent;
    p->retention = c->m.retention;
    if (c->has_boot) {
        p->retention_lo = c->boot.ci[IAF_JM_RETENTION].lo;
        p->retention_hi = c->boot.ci[IAF_JM_RETENTION].hi;
    }
    if (!p->ref_dependent)
        p->ref_note = iaf_strdup("the reference shows no dependence");
    else if (isnan(p->retention_hi))
        p->ref_note = iaf_strdup("no retention interval");
    p->ref_candidate = p->ref_dependent && p->retention_hi < 1 - tau_ret;
    iaf_comparison_free(c);
    return IAF_OK;
}

void iaf_scan_pair_free(iaf_scan_pair *p)
{
    if (!p) return;
    iaf_free((void *)p->x); /* const in the public struct: read-only to callers */
    iaf_free((void *)p->y);
    iaf_free((void *)p->ref_note);
}

void iaf_scan_pair_json(const iaf_scan_pair *p, iaf_json *j)
{
    iaf_json_begin_object(j);
    iaf_json_kstr(j, "x", p->x);
    iaf_json_kstr(j, "y", p->y);
    iaf_json_kint(j, "kx", (int64_t)p->kx);
    iaf_json_kint(j, "ky", (int64_t)p->ky);
    iaf_json_knum(j, "n", p->n);
    iaf_json_knum(j, "dep_tvd", p->dep_tvd);
    iaf_json_knum(j, "null_dep_tvd_p95", p->null_dep_tvd_p95);
    iaf_json_knum(j, "cramers_v", p->cramers_v);
    iaf_json_knum(j, "null_cramers_v_p95", p->null_cramers_v_p95);
    iaf_json_knum(j, "chi2_p", p->chi2_p);
    iaf_json_knum(j, "nmi", p->nmi);
    iaf_json_knum(j, "null_nmi_p95", p->null_nmi_p95);
    iaf_json_knum(j, "g_test_p", p->g_p);
    iaf_json_knum(j, "miller_madow_bias", p->mm_bias);
    iaf_json_kstr(j, "null", p->conditional ? "margins fixed (cells)" : "parametric");
    iaf_json_knum(j, "expected_min", p->expected_min);
    iaf_json_knum(j, "expected_below_5", p->expected_below5);
    iaf_json_kbool(j, "small_n", p->small_n);
    if (p->has_ref) {
        iaf_json_key(j, "reference");
        iaf_json_begin_object(j);
        iaf_json_knum(j, "dep_tvd", p->dep_tvd_ref);
        iaf_json_knum(j, "retention", p->retention);
        iaf_json_key(j, "retention_interval");
        iaf_json_begin_array(j);
        iaf_json_num(j, p->retention_lo);
        iaf_json_num(j, p->retention_hi);
        iaf_json_end_array(j);
        iaf_json_kbool(j, "retention_candidate", p->ref_candidate);
        iaf_json_kstr(j, "note", p->ref_note);
        iaf_json_end_object(j);
    }
    iaf_json_kbool(j, "footprint_candidate", p->candidate || p->ref_candidate);
    iaf_json_end_object(j);
}

int iaf_scan_is_lump_label(const char *s, size_t n)
{
    static const char *const exact[] = {"other", "others", "rest",   "the rest",      "etc",
                                        "etc.",  "misc",   "misc.",  "miscellaneous", "기타",
                                        "그 외", "그외",   "나머지", "기타 직업"};
    static const char *const contains[] = {
        "기타", "그 외", "(other", "other ", " other", "n.e.c.", "not elsewhere classified"};
    while (n && (s[0] == ' ' || s[0] == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char low[256];
    if (n == 0 || n >= sizeof low) return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    low[n] = '\0';
    for (size_t i = 0; i < IAF_ARRAY_LEN(exact); i++)
        if (!strcmp(low, exact[i])) return 1;
    for (size_t i = 0; i < IAF_ARRAY_LEN(contains); i++)
        if (strstr(low, contains[i])) return 1;
    return 0;
}

static int has(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m) {
            char a = s[i + k], b = needle[k];
            if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
            if (a != b) break;
            k++;
        }
        if (k == m) return 1;
    }
    return 0;
}

iaf_status iaf_card_disclosures(const char *text, size_t n, char ***out, size_t *count)
{
    static const char *const keys[] = {
        "independen",          "not modeled", "not modelled", "not be modeled", "no interaction",
        "interaction effects", "독립",        "반영되지 않",  "교호작용",       "고려하지 않"};
    *out = NULL;
    *count = 0;
    char **list = NULL;
    size_t cnt = 0, cap = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        /* a sentence ends at a line end, or at . ! ? followed by white space or the end (so
         * "e.g." inside a word and "1.5" do not cut it); the Korean full stop 。 ends one too */
        size_t stop = i; /* one past the sentence's last byte */
        int end = i == n || text[i] == '\n';
        if (!end && (text[i] == '.' || text[i] == '!' || text[i] == '?') &&
            (i + 1 == n || text[i + 1] == ' ' || text[i + 1] == '\n' || text[i + 1] == '\r' ||
             text[i + 1] == '\t'))
            end = 1, stop = i + 1;
        if (!end && i + 2 < n && (unsigned char)text[i] == 0xE3 &&
            (unsigned char)text[i + 1] == 0x80 && (unsigned char)text[i + 2] == 0x82)
            end = 1, stop = i + 3;
        if (!end) continue;
        size_t a = start, b = stop;
        while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '>' || text[a] == '*' ||
                         text[a] == '-' || text[a] == '#'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\r'))
            b--;
        int hit = 0;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0] && !hit; k++)
            hit = has(text + a, b - a, keys[k]);
        if (hit && b > a) {
            char *s = IAF_GROW(list, cap, cnt + 1) == 0 ? iaf_strndup(text + a, b - a) : NULL;
            if (!s) {
                for (size_t j = 0; j < cnt; j++)
                    iaf_free(list[j]);
                iaf_free(list);
                return IAF_ERR_NOMEM;
            }
            list[cnt++] = s;
        }
        if (stop > i) {
            start = stop;
            i = stop - 1;
        } else {
            start = i + 1;
        }
    }
    *out = list;
    *count = cnt;
    return IAF_OK;
}

iaf_status iaf_card_read(const char *path, char ***out, size_t *count, iaf_error *err)
{
    *out = NULL;
    *count = 0;
    iaf_buf b = {0};
    iaf_status st = iaf_file_read_all(path, IAF_CARD_MAX_BYTES, "a dataset card", &b, err);
    if (st == IAF_OK && iaf_card_disclosures(b.data ? b.data : "", b.len, out, count) != IAF_OK)
        st = iaf_error_set(err, IAF_ERR_NOMEM, path, 0, 0, "out of memory");
    iaf_buf_free(&b);
    return st;
}

static int word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

int iaf_card_names(const char *sentence, const char *name)
{
    size_t n = strlen(sentence), m = strlen(name);
    if (!m) return 0;
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m) {
            char a = sentence[i + k], b = name[k];
            if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
            if (a != b) break;
            k++;
        }
        if (k == m &&
            (i == 0 || !word_char((unsigned char)sentence[i - 1]) ||
             !word_char((unsigned char)name[0])) &&
            (i + m == n || !word_char((unsigned char)sentence[i + m]) ||
             !word_char((unsigned char)name[m - 1])))
            return 1;
    }
    return 0;
}
