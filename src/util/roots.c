#include <float.h>
#include <math.h>

#include "trilink/err.h"
#include "roots.h"

int tl__brent_root(tl__scalar_fn f, void *ctx, double a, double b, double fa, double fb,
                   double x_tol, int max_iter, double *x)
{
    double c, fc, d, e;
    int rc;

    if (fa == 0.0) {
        *x = a;
        return TL_OK;
    }
    if (fb == 0.0) {
        *x = b;
        return TL_OK;
    }
    if ((fa > 0) == (fb > 0) || isnan(fa) || isnan(fb))
        return TL_EINVAL;
    c = a;
    fc = fa;
    d = e = b - a;
    for (int it = 0; it < max_iter; it++) {
        double tol, m, p, q, r, s;

        if ((fb > 0) == (fc > 0)) {
            c = a;
            fc = fa;
            d = e = b - a;
        }
        if (fabs(fc) < fabs(fb)) { /* keep b the best estimate */
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        tol = 2.0 * DBL_EPSILON * fabs(b) + 0.5 * x_tol;
        m = 0.5 * (c - b);
        if (fabs(m) <= tol || fb == 0.0)
            break;
        if (fabs(e) >= tol && fabs(fa) > fabs(fb)) {
            s = fb / fa;
            if (a == c) { /* secant */
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else { /* inverse quadratic interpolation */
                q = fa / fc;
                r = fb / fc;
                p = s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0));
                q = (q - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if (p > 0)
                q = -q;
            else
                p = -p;
            if (2.0 * p < fmin(3.0 * m * q - fabs(tol * q), fabs(e * q))) {
                e = d;
                d = p / q;
            } else { /* interpolation not trusted: bisect */
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += fabs(d) > tol ? d : (m > 0 ? tol : -tol);
        if ((rc = f(ctx, b, &fb)) != 0)
            return rc;
    }
    *x = b;
    return TL_OK;
}

int tl__golden_max(tl__scalar_fn f, void *ctx, double a, double b, double x_tol, double *x_best,
                   double *f_best)
{
    const double invphi = 0.6180339887498949; /* (sqrt(5) - 1) / 2 */
    double c = b - invphi * (b - a), d = a + invphi * (b - a), fc, fd;
    int rc;

    if ((rc = f(ctx, c, &fc)) != 0 || (rc = f(ctx, d, &fd)) != 0)
        return rc;
    while (fabs(b - a) > x_tol) {
        if (fc > fd) { /* maximum in [a, d] */
            b = d;
            d = c;
            fd = fc;
            c = b - invphi * (b - a);
            if ((rc = f(ctx, c, &fc)) != 0)
                return rc;
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + invphi * (b - a);
            if ((rc = f(ctx, d, &fd)) != 0)
                return rc;
        }
    }
    if (fc > fd) {
        *x_best = c;
        *f_best = fc;
    } else {
        *x_best = d;
        *f_best = fd;
    }
    return TL_OK;
}

double tl__chi2_cdf(int dof, double x)
{
    const double h = 0.5 * x;
    double term = 1.0, sum = 0.0;

    if (!(x > 0))
        return 0.0;
    if (dof % 2 == 0) { /* Q = exp(-h) sum_{k < dof/2} h^k / k! */
        for (int k = 0; k < dof / 2; k++) {
            sum += term;
            term *= h / (k + 1);
        }
        return 1.0 - exp(-h) * sum;
    }
    /* odd: P = erf(sqrt h) - sqrt(2x/pi) exp(-h) sum_{k < (dof-1)/2} x^k / (1 3 ... (2k+1)) */
    for (int k = 0; k < (dof - 1) / 2; k++) {
        sum += term;
        term *= x / (2 * k + 3);
    }
    return erf(sqrt(h)) - sqrt(2.0 * x / M_PI) * exp(-h) * sum;
}

double tl__chi2_quantile(int dof, double p)
{
    double lo = 0.0, hi = 400.0;

    for (int it = 0; it < 100; it++) {
        const double mid = 0.5 * (lo + hi);
        if (tl__chi2_cdf(dof, mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}
