/* Internal to the assess layer: what its two files share. */
#ifndef TL_ASSESS_INT_H
#define TL_ASSESS_INT_H

/* The 95 % ellipse of a symmetric 2x2 east-north covariance (m^2): semi-axes
 * sqrt(5.991 lambda_i) and the major axis' azimuth, clockwise from north in [0, pi). */
void tl__assess_ellipse(const double c[2][2], double *semi_major, double *semi_minor, double *az);

/* The catalogue's boost profiles, built once (thread-safe): their number. */
int tl__assess_boost_profiles(void);

#endif
