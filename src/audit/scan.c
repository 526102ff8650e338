/* src/audit/scan.c - see scan.h. */
#include "audit/scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "iaf/metrics.h"
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

iaf_status iaf_scan_pair_eval(const iaf_table *t, size_t b, uint64_t seed, iaf_scan_pair *out,
                              iaf_error *err)
{
    memset(out, 0, sizeof *out);
    if (iaf_table_nattrs(t) != 2)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "a scan pair needs two attributes");
    out->x = iaf_strdup(iaf_table_attr(t, 0));
    out->y = iaf_strdup(iaf_table_attr(t, 1));
    if (!out->x || !out->y) return iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
    double *p = NULL, *q = NULL, *nd = NULL, *nv = NULL, *nn = NULL, *px = NULL;
    uint32_t *ylab = NULL;
    uint64_t *draw = NULL;
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
    /* chi2 = n * phi2 = n * V^2 * min(kx-1, ky-1) */
    double m = (double)(kx < ky ? kx : ky) - 1;
    double df = (double)(kx - 1) * (double)(ky - 1);
    out->chi2_p = df > 0 && !isnan(out->cramers_v)
                      ? iaf_chi2_sf(n * out->cramers_v * out->cramers_v * m, df)
                      : NAN;
    if (kx < 2 || ky < 2 || b == 0) {
        out->null_dep_tvd_p95 = out->null_cramers_v_p95 = out->null_nmi_p95 = NAN;
        out->candidate = 0;
        goto done;
    }
    q = iaf_calloc(kx * ky, sizeof *q);
    nd = iaf_calloc(b, sizeof *nd);
    nv = iaf_calloc(b, sizeof *nv);
    nn = iaf_calloc(b, sizeof *nn);
    if (!q || !nd || !nv || !nn) goto oom;
    /* counts must be whole for a permutation; weighted tables use the parametric null */
    int whole = n <= IAF_SCAN_PERMUTE_MAX;
    for (size_t i = 0; whole && i < kx * ky; i++)
        whole = p[i] == floor(p[i]);
    out->permutation = whole;
    iaf_rng rng;
    if (whole) {
        /* y labels in x order; shuffling them keeps both margins */
        size_t N = (size_t)n;
        ylab = iaf_calloc(N + 1, sizeof *ylab);
        size_t *xsize = iaf_calloc(kx, sizeof *xsize);
        if (!ylab || !xsize) {
            iaf_free(xsize);
            goto oom;
        }
        size_t at = 0;
        for (size_t x = 0; x < kx; x++)
            for (size_t y = 0; y < ky; y++)
                for (double c = 0; c < p[x * ky + y]; c++)
                    ylab[at++] = (uint32_t)y;
        for (size_t x = 0; x < kx; x++)
            for (size_t y = 0; y < ky; y++)
                xsize[x] += (size_t)p[x * ky + y];
        for (size_t r = 0; r < b; r++) {
            iaf_rng_seed_stream(&rng, seed, r);
            iaf_rng_shuffle_u32(&rng, ylab, N);
            memset(q, 0, kx * ky * sizeof *q);
            size_t i = 0;
            for (size_t x = 0; x < kx; x++)
                for (size_t c = 0; c < xsize[x]; c++)
                    q[x * ky + ylab[i++]] += 1;
            nd[r] = iaf_dep_tvd(q, kx, ky);
            nv[r] = iaf_cramers_v(q, kx, ky);
            nn[r] = iaf_nmi(q, kx, ky);
        }
        iaf_free(xsize);
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
        for (size_t r = 0; r < b; r++) {
            iaf_rng_seed_stream(&rng, seed, r);
            iaf_multinomial_sample(&mult, &rng, (uint64_t)llround(n), draw);
            for (size_t i = 0; i < kx * ky; i++)
                q[i] = (double)draw[i];
            nd[r] = iaf_dep_tvd(q, kx, ky);
            nv[r] = iaf_cramers_v(q, kx, ky);
            nn[r] = iaf_nmi(q, kx, ky);
        }
    }
    qsort(nd, b, sizeof *nd, cmp_double);
    qsort(nv, b, sizeof *nv, cmp_double);
    qsort(nn, b, sizeof *nn, cmp_double);
    /* p95 by the same rule as everywhere (type 7) */
    {
        double h = 0.95 * (double)(b - 1);
        size_t lo = (size_t)floor(h);
        double f = h - (double)lo;
        size_t hi = lo + 1 < b ? lo + 1 : lo;
        out->null_dep_tvd_p95 = nd[lo] + f * (nd[hi] - nd[lo]);
        out->null_cramers_v_p95 = nv[lo] + f * (nv[hi] - nv[lo]);
        out->null_nmi_p95 = nn[lo] + f * (nn[hi] - nn[lo]);
    }
    out->candidate = out->dep_tvd <= out->null_dep_tvd_p95;
    goto done;
oom:
    st = iaf_error_set(err, IAF_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    iaf_multinomial_free(&mult);
    iaf_free(p), iaf_free(q), iaf_free(nd), iaf_free(nv), iaf_free(nn), iaf_free(px),
        iaf_free(ylab), iaf_free(draw);
    return st;
}

void iaf_scan_pair_free(iaf_scan_pair *p)
{
    if (!p) return;
    iaf_free(p->x);
    iaf_free(p->y);
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
    iaf_json_knum(j, "miller_madow_bias", p->mm_bias);
    iaf_json_kstr(j, "null", p->permutation ? "permutation" : "parametric");
    iaf_json_kbool(j, "footprint_candidate", p->candidate);
    iaf_json_end_object(j);
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

size_t iaf_card_disclosures(const char *text, size_t n, char ***out)
{
    static const char *const keys[] = {
        "independen",          "not modeled", "not modelled", "not be modeled", "no interaction",
        "interaction effects", "독립",        "반영되지 않",  "교호작용",       "고려하지 않"};
    *out = NULL;
    size_t cnt = 0, cap = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        int end = i == n || text[i] == '\n' || text[i] == '.' || text[i] == '!' || text[i] == '?';
        /* the Korean full stop 。 ends a sentence too */
        if (!end && i + 2 < n && (unsigned char)text[i] == 0xE3 &&
            (unsigned char)text[i + 1] == 0x80 && (unsigned char)text[i + 2] == 0x82)
            end = 1;
        if (!end) continue;
        size_t a = start, b = i;
        while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '>' || text[a] == '*'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\r'))
            b--;
        int hit = 0;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0] && !hit; k++)
            hit = has(text + a, b - a, keys[k]);
        if (hit && b > a && IAF_GROW(*out, cap, cnt + 1) == 0) {
            char *s = iaf_strndup(text + a, b - a);
            if (s) (*out)[cnt++] = s;
        }
        start = i + 1;
    }
    return cnt;
}
