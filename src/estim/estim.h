/* Internal to libtrilink: estimation primitives shared by the layers that estimate (track: the
 * filters; assess: the launch and impact point uncertainty). Below both; depends on the public
 * physics only. */
#ifndef TL_ESTIM_H
#define TL_ESTIM_H

#include "trilink/earth.h"
#include "trilink/track.h" /* TL_NX and enum tl_motion: the state and models being estimated */

/* Scaled unscented transform (Julier & Uhlmann 2004; Wan & van der Merwe 2000): alpha 1,
 * beta 2, kappa 0. With alpha = 1 the sigma points sit at +-sqrt(n) standard deviations. */
#define TL__UT_ALPHA 1.0
#define TL__UT_BETA 2.0
#define TL__UT_KAPPA 0.0

/* Sigma points of a Gaussian of dimension n (<= TL_NX): 2n + 1 points and their weights. */
struct tl__sigma {
    int n;
    double x[2 * TL_NX + 1][TL_NX];
    double wm[2 * TL_NX + 1], wc[2 * TL_NX + 1];
};

/* Builds the sigma points of (x, P) restricted to the first n components. Returns 0 or -1 when
 * P is not positive definite (then @p s is unchanged). */
int tl__sigma_points(int n, const double *x, const double P[TL_NX][TL_NX], struct tl__sigma *s);

/* Derivative dx of the state x (the TL_NX components of include/trilink/track.h) under motion
 * model m: gravity and rotation as the propagate module, plus the thrust x[6..8] (boost) or the
 * drag rho |v| v k / 2 (reentry); the thrust decays with time constant tau (s) outside boost. */
void tl__motion_rate(const struct tl_earth *e, enum tl_motion m, double tau, const double *x,
                     double *dx);

#endif
