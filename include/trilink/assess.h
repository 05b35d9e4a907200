/* Assessment of a track: what the allies share. Launch point and time, impact point and time
 * with a 95 % ground ellipse, predicted apogee, class (SRBM ... ICBM) and loft. */
#ifndef TRILINK_ASSESS_H
#define TRILINK_ASSESS_H

#include "trilink/api.h"
#include "trilink/earth.h"
#include "trilink/err.h"
#include "trilink/track.h"

/** Chi-square 95 % quantile with 2 degrees of freedom: the ellipse scale. */
#define TL_CHI2_2DOF_95 5.991464547107979

/** A predicted impact with its 95 % ellipse on the ground. */
struct tl_impact_pred {
    double t_s;               /**< impact time, seconds after the epoch */
    struct tl_lla point;      /**< mean impact point (height 0) */
    double semi_major_m, semi_minor_m; /**< 95 % ellipse semi-axes */
    double major_az_rad;      /**< azimuth of the major axis, clockwise from north, [0, pi) */
    double cov_en[2][2];      /**< covariance of the impact point, east-north (m^2) */
    double apogee_m;          /**< predicted apogee height of the flight */
};

/**
 * Impact point prediction: the estimate's position, velocity and drag coefficient are spread
 * into 2n+1 sigma points (scaled unscented transform), each flown to the ground with the full
 * physics (J2-J4, rotation, US 1976 drag), and the impact points' mean and covariance give the
 * ellipse: semi-axes sqrt(5.991 lambda_i) of the 2x2 covariance in the local east-north plane.
 * During boost it is the instantaneous impact point (engines cut now). A track that has not yet
 * observed drag (its drag-coefficient spread still near the tracker's generic prior) is given
 * the drag prior of its class (reentry-vehicle ballistic coefficients from Regan 1984).
 * @retval TL_OK, TL_EINVAL, TL_ENOTPD, TL_ENOSOL (a sigma point does not come down).
 */
TL_API int tl_assess_impact(const struct tl_earth *e, const struct tl_gauss *g,
                            struct tl_impact_pred *out);

/** An estimated launch point. */
struct tl_launch_est {
    double t_s;               /**< launch time, seconds after the epoch */
    struct tl_lla point;
    double err_m;             /**< 1-sigma horizontal uncertainty, sqrt(sigma_e^2 + sigma_n^2) */
    int from_boost;           /**< 1: traced back through boost; 0: ballistic arc to the ground */
};

/**
 * Launch point and time from the earliest estimate of a track: traced back in time with the
 * estimated thrust acceleration held along the velocity (a gravity turn flown backwards) until
 * the speed falls to 30 m/s or the height to 0; when the track began after burnout
 * (@p boost_prob < 0.5), back along the ballistic arc to the ground, which puts the point
 * downrange of the true pad. Uncertainty by sigma points of the same estimate.
 * @retval TL_OK, TL_EINVAL, TL_ENOTPD.
 */
TL_API int tl_assess_launch(const struct tl_earth *e, const struct tl_gauss *first,
                            double boost_prob, struct tl_launch_est *out);

/** Class names by standard range (US DoD bins): srbm < 1,000 km <= mrbm < 3,000 km <= irbm <
 * 5,500 km <= icbm. */
enum tl_class { TL_CLASS_SRBM, TL_CLASS_MRBM, TL_CLASS_IRBM, TL_CLASS_ICBM };
TL_API const char *tl_class_name(enum tl_class c);

/**
 * Class of a missile from its energy: the range its current specific energy would give on a
 * minimum-energy trajectory (Bate, Mueller & White, "Fundamentals of Astrodynamics", 6.2:
 * sin(phi/2) = nu / (2 - nu), nu = v^2 r / mu, inertial speed), so a lofted ICBM test is an ICBM.
 * @p loft: +1 lofted (apogee above 1.5x the minimum-energy apogee for the range flown), -1
 * depressed (below 0.6x), 0 otherwise.
 */
TL_API enum tl_class tl_assess_class(const struct tl_earth *e, const double y[6],
                                     double range_m, double apogee_m, int *loft,
                                     double *standard_range_m);

#endif
