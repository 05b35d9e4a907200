/* Internal to the track module: the parts the tracker is composed of. */
#ifndef TL_TRACK_INT_H
#define TL_TRACK_INT_H

#include "trilink/track.h"
#include "mat.h"

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
 * P is not positive definite. */
int tl__sigma_points(int n, const double *x, const double P[TL_NX][TL_NX], struct tl__sigma *s);

/* Derivative of the state under motion model m (the physics of the propagate module). */
void tl__motion_rate(const struct tl_earth *e, enum tl_motion m, double tau, const double *x,
                     double *dx);

/* Predicted measurement of sensor s for state x (radar: range, az, el[, rr]; IR: az, el).
 * Returns the dimension. */
int tl__measure(const struct tl_sensor *s, const double *x, double *z);

/* Wraps angle differences in a measurement vector of sensor s: azimuth to (-pi, pi]. */
void tl__wrap_innovation(const struct tl_sensor *s, double *nu);

/* Measurement vector of z (its dimension as tl__measure) and noise variances. */
int tl__meas_vector(const struct tl_sensor *s, const struct tl_meas *z, double *zv, double *r);

#endif
