/* Internal to the track module: the parts the tracker is composed of. */
#ifndef TL_TRACK_INT_H
#define TL_TRACK_INT_H

#include "trilink/track.h"
#include "../util/mat.h"

/* Predicted measurement of sensor s for state x (radar: range, az, el[, rr]; IR: az, el).
 * Returns the dimension. */
int tl__measure(const struct tl_sensor *s, const double *x, double *z);

/* Wraps angle differences in a measurement vector of sensor s: azimuth to (-pi, pi]. */
void tl__wrap_innovation(const struct tl_sensor *s, double *nu);

/* Measurement vector of z (its dimension as tl__measure) and noise variances. */
int tl__meas_vector(const struct tl_sensor *s, const struct tl_meas *z, double *zv, double *r);

#endif
