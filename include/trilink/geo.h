/* Geodesy on an ellipsoid of revolution (WGS-84 by default).
 *
 * Angles are radians, lengths metres. ECEF is the Earth-centred, Earth-fixed frame of the
 * ellipsoid. Pure numeric functions: they never fail; non-finite input gives NaN output. */
#ifndef TRILINK_GEO_H
#define TRILINK_GEO_H

#include "trilink/api.h"

/** An ellipsoid of revolution. Build with tl_geo_ellipsoid() so the derived fields agree. */
struct tl_ellipsoid {
    double a;   /**< equatorial radius (m) */
    double f;   /**< flattening; 0 for a sphere */
    double b;   /**< polar radius (m), a(1 - f) */
    double e2;  /**< first eccentricity squared, f(2 - f) */
    double ep2; /**< second eccentricity squared, e2 / (1 - e2) */
};

/** WGS-84: a = 6378137 m, 1/f = 298.257223563 (NIMA TR8350.2, table 3.1). */
TL_API extern const struct tl_ellipsoid TL_WGS84;

/** Geodetic position: latitude, longitude (rad, east positive), height above the ellipsoid (m). */
struct tl_lla {
    double lat_rad;
    double lon_rad;
    double h_m;
};

/** Range, azimuth (clockwise from true north, [0, 2pi)) and elevation above the ellipsoidal
 * horizon (rad) of a point seen from a site. */
struct tl_rae {
    double range_m;
    double az_rad;
    double el_rad;
};

/** Ellipsoid from equatorial radius @p a_m and flattening @p f (0 <= f < 1). */
TL_API struct tl_ellipsoid tl_geo_ellipsoid(double a_m, double f);

/** Geodetic to ECEF (closed form). */
TL_API void tl_geo_lla_to_ecef(const struct tl_ellipsoid *e, const struct tl_lla *lla,
                               double ecef[3]);

/**
 * ECEF to geodetic, exact closed form (H. Vermeille, "Direct transformation from geocentric
 * coordinates to geodetic coordinates", J. Geodesy 76 (2002) 451-454, with the sign-robust
 * evaluation of his 2004 note). Valid for every point farther than about 43 km from the
 * Earth's centre (outside the evolute of the meridian ellipse), so for any height above -6,300 km.
 * Longitude in (-pi, pi]; at the poles the longitude is 0.
 */
TL_API struct tl_lla tl_geo_ecef_to_lla(const struct tl_ellipsoid *e, const double ecef[3]);

/** Geodetic height (m) of an ECEF point (the h of tl_geo_ecef_to_lla), without trigonometry. */
TL_API double tl_geo_height(const struct tl_ellipsoid *e, const double ecef[3]);

/** Geodetic height (m) of @p ecef and, in @p n (NULL allowed), the unit ellipsoid normal through
 * it (the local "up", which is also the gradient of the height). No trigonometry: the hot path
 * of the propagator calls this at every step. */
TL_API double tl_geo_height_normal(const struct tl_ellipsoid *e, const double ecef[3], double n[3]);

/** Rows of the ECEF -> local East-North-Up rotation at geodetic @p lat_rad, @p lon_rad:
 * enu[0] = east, enu[1] = north, enu[2] = up (ellipsoid normal), each a unit ECEF vector. */
TL_API void tl_geo_enu_basis(double lat_rad, double lon_rad, double enu[3][3]);

/** ECEF point @p p to ENU coordinates (m) relative to @p site. */
TL_API void tl_geo_ecef_to_enu(const struct tl_ellipsoid *e, const struct tl_lla *site,
                               const double p[3], double enu[3]);

/** ENU coordinates (m) relative to @p site back to an ECEF point. */
TL_API void tl_geo_enu_to_ecef(const struct tl_ellipsoid *e, const struct tl_lla *site,
                               const double enu[3], double p[3]);

/** Range, azimuth and elevation of ECEF point @p p seen from @p site. At zero range the angles
 * are 0. */
TL_API struct tl_rae tl_geo_rae(const struct tl_ellipsoid *e, const struct tl_lla *site,
                                const double p[3]);

/** Inverse of tl_geo_rae: the ECEF point at @p rae from @p site. */
TL_API void tl_geo_rae_to_ecef(const struct tl_ellipsoid *e, const struct tl_lla *site,
                               const struct tl_rae *rae, double p[3]);

/**
 * Geodesic inverse problem on @p e through PROJ's geod_inverse (C. F. F. Karney, "Algorithms for
 * geodesics", J. Geodesy 87 (2013) 43-55), accurate to about 15 nm.
 * @param[out] s12_m  distance (m); NULL skips it.
 * @param[out] az1_rad, az2_rad  forward azimuths at the two points, clockwise from north, in
 *             (-pi, pi]; NULL skips them.
 */
TL_API void tl_geo_inverse(const struct tl_ellipsoid *e, double lat1_rad, double lon1_rad,
                           double lat2_rad, double lon2_rad, double *s12_m, double *az1_rad,
                           double *az2_rad);

/** Geodesic direct problem (PROJ geod_direct): the point at distance @p s12_m along azimuth
 * @p az1_rad from (lat1, lon1). NULL outputs are skipped. */
TL_API void tl_geo_direct(const struct tl_ellipsoid *e, double lat1_rad, double lon1_rad,
                          double az1_rad, double s12_m, double *lat2_rad, double *lon2_rad,
                          double *az2_rad);

/** Degrees to radians and back. */
TL_API double tl_deg2rad(double deg);
TL_API double tl_rad2deg(double rad);

#endif
