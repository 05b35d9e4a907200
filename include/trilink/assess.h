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
 * observed drag (its drag-coefficient spread still near the tracker's generic prior, or its k
 * not one a body can have) is given the RVs' drag prior, log-uniform over 1,000-20,000 kg/m^2
 * (Regan 1984, widened): the (r, v) sigma points fly at its geometric middle and five
 * Gauss-Legendre nodes in log k, flown from the mean state, add its shift and spread. A track
 * that has observed drag flies its own k, 20 % wider for the day's density ahead.
 * @retval TL_OK, TL_EINVAL, TL_ENOTPD, TL_ENOSOL (a sigma point does not come down).
 */
TL_API int tl_assess_impact(const struct tl_earth *e, const struct tl_gauss *g,
                            struct tl_impact_pred *out);

/** An estimated launch point. */
struct tl_launch_est {
    double t_s;               /**< launch time, seconds after the epoch */
    struct tl_lla point;
    double err_m;             /**< 1-sigma horizontal uncertainty, sqrt(sigma_e^2 + sigma_n^2) */
    double t_sigma_s;         /**< 1-sigma uncertainty of the launch time */
    double semi_major_m, semi_minor_m; /**< 95 % ellipse of the launch point */
    double major_az_rad;      /**< azimuth of its major axis, clockwise from north, [0, pi) */
    double cov_en[2][2];      /**< covariance of the launch point, east-north (m^2) */
    int from_boost;           /**< 1: traced back through boost; 0: from a state after burnout */
};

/**
 * Launch point and time from an estimate of a track, through the catalogue's boost profiles
 * (every vehicle flown over the lofts and energies its guidance allows). A boosting estimate
 * (@p boost_prob >= 0.5) meets each profile where it passed the estimate's height; one after
 * burnout is run back along its ballistic arc to each profile's burnout height. Each profile is
 * weighted by how well its speed and flight-path angle match there and finishes the way back
 * with its time since ignition and ground distance from the pad; their spread is part of the
 * uncertainty. Uncertainty by sigma points
 * of the estimate: the time's 1-sigma and the point's 95 % ellipse.
 * @retval TL_OK, TL_EINVAL, TL_ENOTPD, TL_ENOSOL (no boost profile fits the arc).
 */
TL_API int tl_assess_launch(const struct tl_earth *e, const struct tl_gauss *first,
                            double boost_prob, struct tl_launch_est *out);

/** A track's launch estimate as its reports come in. Plain value; zero it for a new track. */
struct tl_launch_keeper {
    int have;                 /**< est is set */
    double next_t_s;          /**< next refinement, track time */
    double first_t_s;         /**< time of the estimate the first launch came from */
    struct tl_launch_est est;
};

/**
 * Keeps @p k up to date with report @p r: the launch from the track's earliest estimate; then,
 * while it boosts, from states known to 1 km whenever they give a more certain time (every 8 s);
 * for a track first seen after burnout, re-derived from its current state while it coasts in
 * midcourse, kept when more certain (its arc is known better with every report; the boost it never saw stays what the
 * profiles allow) at track ages growing by half each time. The first detection bounds the
 * time: no launch after it, and, when a space infrared sensor of @p sensors (NULL: none known)
 * saw the plume near the ground, none more than its revisit before (a truncated normal).
 * @return 1 when k->est changed, else 0.
 */
TL_API int tl_assess_launch_keep(const struct tl_earth *e, const struct tl_sensor_set *sensors,
                                 struct tl_launch_keeper *k, const struct tl_track_report *r);

/**
 * The apogee to report for a track whose impact prediction gave @p apogee_m: that one while the
 * state is above 80 km, kept in *@p kept_m (0 for a new track); below, the kept one (or
 * @p apogee_m for a flight that was never above 80 km). Deep in reentry the apogee is a past event that the drag flown back through (with a
 * drag coefficient not yet or badly known) can only blur.
 */
TL_API double tl_assess_apogee_keep(const struct tl_earth *e, const struct tl_gauss *g,
                                    double apogee_m, double *kept_m);

/** The two-body orbit of a state (inertial velocity v_ecef + w x r): perigee and apogee as
 * heights above the equatorial radius, and the inclination. */
struct tl_orbit {
    double perigee_m, apogee_m; /**< apogee +inf for an escape */
    double incl_rad;            /**< [0, pi] */
};

/**
 * Orbit of ECEF state @p y (Bate, Mueller & White 2.4: a = 1 / (2/r - v^2/mu), e from the angular
 * momentum).
 * @return 1 when its perigee is above TL_REENTRY_H_M (it will not come down: a satellite or a
 *         stage in orbit), 0 otherwise (or on NaN input); @p out is written either way.
 */
TL_API int tl_assess_orbit(const struct tl_earth *e, const double y[6], struct tl_orbit *out);

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
