/* Geodesics through PROJ's implementation of Karney (2013). PROJ works in degrees; trilink's
 * API is radians, so the conversion happens here and only here. */
#include <math.h>
#include <stddef.h>
#include <geodesic.h> /* PROJ's geodesic API (geod_init, geod_inverse, geod_direct), part of libproj */

#include "trilink/geo.h"

void tl_geo_inverse(const struct tl_ellipsoid *e, double lat1_rad, double lon1_rad,
                    double lat2_rad, double lon2_rad, double *s12_m, double *az1_rad,
                    double *az2_rad)
{
    struct geod_geodesic g;
    double s12, azi1, azi2;

    geod_init(&g, e->a, e->f);
    geod_inverse(&g, tl_rad2deg(lat1_rad), tl_rad2deg(lon1_rad), tl_rad2deg(lat2_rad),
                 tl_rad2deg(lon2_rad), &s12, &azi1, &azi2);
    if (s12_m != NULL)
        *s12_m = s12;
    if (az1_rad != NULL)
        *az1_rad = tl_deg2rad(azi1);
    if (az2_rad != NULL)
        *az2_rad = tl_deg2rad(azi2);
}

void tl_geo_direct(const struct tl_ellipsoid *e, double lat1_rad, double lon1_rad, double az1_rad,
                   double s12_m, double *lat2_rad, double *lon2_rad, double *az2_rad)
{
    struct geod_geodesic g;
    double lat2, lon2, azi2;

    geod_init(&g, e->a, e->f);
    geod_direct(&g, tl_rad2deg(lat1_rad), tl_rad2deg(lon1_rad), tl_rad2deg(az1_rad), s12_m, &lat2,
                &lon2, &azi2);
    if (lat2_rad != NULL)
        *lat2_rad = tl_deg2rad(lat2);
    if (lon2_rad != NULL)
        *lon2_rad = tl_deg2rad(lon2);
    if (az2_rad != NULL)
        *az2_rad = tl_deg2rad(azi2);
}
