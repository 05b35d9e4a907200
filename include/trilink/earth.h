/* The Earth as the flight physics sees it: WGS-84 shape and rotation, zonal gravity (J2, J3, J4)
 * and the US Standard Atmosphere 1976.
 *
 * All vectors are ECEF (m, m/s, m/s^2). Pure numeric functions: non-finite input gives NaN. */
#ifndef TRILINK_EARTH_H
#define TRILINK_EARTH_H

#include "trilink/api.h"
#include "trilink/geo.h"

/** Physical model of the Earth used by the propagator. Plain value; copy and edit freely (the
 * Kepler tests set j2 = j3 = j4 = omega = 0 and drag off). */
struct tl_earth {
    struct tl_ellipsoid shape; /**< surface for heights and impact (WGS-84 by default) */
    double mu;                 /**< GM, m^3/s^2 */
    double r_ref;              /**< reference radius of the harmonics (m) */
    double j2, j3, j4;         /**< unnormalised zonal coefficients (dimensionless) */
    double omega;              /**< rotation rate about +z (rad/s) */
    int drag;                  /**< non-zero: atmosphere and drag on */
    /** The day's density against the standard's: relative deviations at TL_RHO_KNOT0_M,
     * + TL_RHO_KNOT_STEP_M, ... (all zero: the standard atmosphere, which trackers assume; a
     * simulation's world sets them, tl_earth_density_factor). */
    double rho_dev[7];
};

/** Knots of tl_earth.rho_dev: 20, 30, ... 80 km. */
#define TL_RHO_KNOTS 7
#define TL_RHO_KNOT0_M 20000.0
#define TL_RHO_KNOT_STEP_M 10000.0

/** WGS-84 shape, GM and rotation (NIMA TR8350.2), EGM96 zonal terms J2 = 1.08262668e-3,
 * J3 = -2.53265649e-6, J4 = -1.61962159e-6, drag on. */
TL_API struct tl_earth tl_earth_wgs84(void);

/** Gravitational acceleration (no centrifugal term) at ECEF @p r, with the zonal terms of @p e.
 * Vallado, "Fundamentals of Astrodynamics and Applications", 4th ed., eqs. 8-30 (J2..J4). */
TL_API void tl_earth_gravity(const struct tl_earth *e, const double r[3], double g[3]);

/** Gravitational potential U (J/kg, negative) at @p r; its gradient is tl_earth_gravity. */
TL_API double tl_earth_potential(const struct tl_earth *e, const double r[3]);

/** State of the atmosphere at one height. */
struct tl_atmos {
    double rho_kgpm3;   /**< density */
    double p_pa;        /**< pressure */
    double t_k;         /**< temperature */
    double sound_mps;   /**< speed of sound */
};

/**
 * US Standard Atmosphere 1976 at geometric height @p h_m: the seven-layer model exactly to
 * 86 km (geopotential height, hydrostatic layers), then a log-linear fit through the standard's
 * tabulated densities up to 1,000 km, and vacuum above. Below -5 km the -5 km values are held.
 */
TL_API struct tl_atmos tl_earth_atmosphere(double h_m);

/**
 * Density of @p e's atmosphere relative to the standard at height @p h_m: 1 + s(h), s the
 * C1 cubic Hermite curve (Catmull-Rom tangents) through rho_dev at the knots, tapering to 0 at
 * 10 km below the first and above the last. Exactly 1 when rho_dev is all zero.
 */
TL_API double tl_earth_density_factor(const struct tl_earth *e, double h_m);

/** Standard gravity used by the rocket equation and Isp, m/s^2 (exact by definition). */
#define TL_G0 9.80665

#endif
