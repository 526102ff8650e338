/* stats/standardize.c - direct standardisation (METHOD.md section 7). */
#include <math.h>
#include <stdint.h>

#include "iaf/metrics.h"

static int valid(const double *v, size_t n)
{
    if (!v) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(v[i] >= 0) || !isfinite(v[i])) return 0;
    return 1;
}

iaf_status iaf_direct_standardize(size_t ky, size_t ka, const double *num, const double *den,
                                  const double *w, double *ds, double *coverage, iaf_error *err)
{
    if (ky == 0 || ka == 0 || !ds)
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "empty standardisation table");
    if (ky > SIZE_MAX / ka)
        return iaf_error_set(err, IAF_ERR_LIMIT, NULL, 0, 0, "standardisation table too large");
    if (!valid(num, ky * ka) || !valid(den, ky * ka))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "standardisation counts must be finite and >= 0");
    if (!valid(w, ka))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0,
                             "standard weights must be finite and >= 0");
    double W = 0;
    for (size_t a = 0; a < ka; a++)
        W += w[a];
    if (!(W > 0) || !isfinite(W))
        return iaf_error_set(err, IAF_ERR_INVALID, NULL, 0, 0, "standard weights sum to zero");
    for (size_t y = 0; y < ky; y++) {
        double acc = 0, avail = 0;
        for (size_t a = 0; a < ka; a++) {
            double d = den[y * ka + a];
            if (!(d > 0) || !(w[a] > 0)) continue;
            double wa = w[a] / W;
            acc += wa * (num[y * ka + a] / d);
            avail += wa;
        }
        ds[y] = avail > 0 ? acc / avail : NAN;
        if (coverage) coverage[y] = avail;
    }
    return IAF_OK;
}
