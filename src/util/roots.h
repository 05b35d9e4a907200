/* Scalar root finding and maximisation shared by the integrator's event location and the
 * trajectory design solvers. Internal to libtrilink. */
#ifndef TL_UTIL_ROOTS_H
#define TL_UTIL_ROOTS_H

/** f(ctx, x, &fx): returns 0, or a negative TL_E* code that aborts the search and is returned. */
typedef int (*tl__scalar_fn)(void *ctx, double x, double *fx);

/**
 * Brent's method (R. P. Brent, "Algorithms for Minimization without Derivatives", 1973, ch. 4)
 * for f(x) = 0 on [a, b] with f(a) = fa and f(b) = fb of opposite signs (or zero).
 * Stops when the bracket is narrower than 2 * x_tol (plus rounding) or after @p max_iter.
 * @retval TL_OK (root in *x), TL_EINVAL (no sign change), or f's own error.
 */
int tl__brent_root(tl__scalar_fn f, void *ctx, double a, double b, double fa, double fb,
                   double x_tol, int max_iter, double *x);

/**
 * Maximum of a unimodal f on [a, b] by golden-section search (Kiefer 1953) to @p x_tol.
 * @retval TL_OK (*x_best, *f_best set) or f's own error.
 */
int tl__golden_max(tl__scalar_fn f, void *ctx, double a, double b, double x_tol, double *x_best,
                   double *f_best);

/** Chi-square distribution function for 1 to 6 degrees of freedom, in closed form
 * (Abramowitz & Stegun 26.4.4-26.4.5). */
double tl__chi2_cdf(int dof, double x);
/** Its quantile of probability @p p (a gate), by bisection on the distribution. */
double tl__chi2_quantile(int dof, double p);

#endif
