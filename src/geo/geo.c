#include <math.h>
#include <stddef.h>

#include "trilink/geo.h"

const struct tl_ellipsoid TL_WGS84 = {
    .a = 6378137.0,
    .f = 1.0 / 298.257223563,
    .b = 6378137.0 * (1.0 - 1.0 / 298.257223563),
    .e2 = (1.0 / 298.257223563) * (2.0 - 1.0 / 298.257223563),
    .ep2 = (1.0 / 298.257223563) * (2.0 - 1.0 / 298.257223563) /
           (1.0 - (1.0 / 298.257223563) * (2.0 - 1.0 / 298.257223563)),
};

struct tl_ellipsoid tl_geo_ellipsoid(double a_m, double f)
{
    struct tl_ellipsoid e;

    e.a = a_m;
    e.f = f;
    e.b = a_m * (1.0 - f);
    e.e2 = f * (2.0 - f);
    e.ep2 = e.e2 / (1.0 - e.e2);
    return e;
}

double tl_deg2rad(double deg)
{
    return deg * (M_PI / 180.0);
}

double tl_rad2deg(double rad)
{
    return rad * (180.0 / M_PI);
}

void tl_geo_lla_to_ecef(const struct tl_ellipsoid *e, const struct tl_lla *lla, double ecef[3])
{
    double sphi = sin(lla->lat_rad), cphi = cos(lla->lat_rad);
    double n = e->a / sqrt(1.0 - e->e2 * sphi * sphi); /* prime vertical radius of curvature */

    ecef[0] = (n + lla->h_m) * cphi * cos(lla->lon_rad);
    ecef[1] = (n + lla->h_m) * cphi * sin(lla->lon_rad);
    ecef[2] = (n * (1.0 - e->e2) + lla->h_m) * sphi;
}

/* Vermeille (2002), eqs. (1)-(12), up to the quantities every caller needs: k, and d and dz with
 * tan(latitude) = z / d and dz = sqrt(d^2 + z^2). No trigonometric function is called. */
static void vermeille(const struct tl_ellipsoid *e, const double r[3], double w, double *k,
                      double *d, double *dz)
{
    const double z = r[2], e2 = e->e2, e4 = e2 * e2, a2 = e->a * e->a;
    const double p = w * w / a2, q = (1.0 - e2) / a2 * z * z, rr = (p + q - e4) / 6.0;
    const double s = e4 * p * q / (4.0 * rr * rr * rr), t = cbrt(1.0 + s + sqrt(s * (2.0 + s)));
    const double u = rr * (1.0 + t + 1.0 / t), v = sqrt(u * u + e4 * q);
    /* Near the poles u + v - q cancels to about e4/2 and loses five digits, but it only enters
     * through the small correction ww (about 1e-7), so the height keeps sub-micrometre accuracy;
     * the GeographicLib comparison in tests/unit/test_geo.c checks this up to 40,000 km. */
    const double ww = e2 * (u + v - q) / (2.0 * v);

    *k = sqrt(u + v + ww * ww) - ww;
    *d = *k * w / (*k + e2);
    *dz = sqrt(*d * *d + z * z);
}

struct tl_lla tl_geo_ecef_to_lla(const struct tl_ellipsoid *e, const double ecef[3])
{
    const double w = hypot(ecef[0], ecef[1]);
    struct tl_lla out;
    double k, d, dz;

    out.lon_rad = w > 0.0 ? atan2(ecef[1], ecef[0]) : 0.0;
    if (e->e2 == 0.0) { /* sphere: geocentric is geodetic */
        out.lat_rad = atan2(ecef[2], w);
        out.h_m = hypot(w, ecef[2]) - e->a;
        return out;
    }
    vermeille(e, ecef, w, &k, &d, &dz);
    out.lat_rad = 2.0 * atan2(ecef[2], d + dz); /* half-angle form of atan2(z, d) */
    out.h_m = (k + e->e2 - 1.0) / k * dz;
    return out;
}

double tl_geo_height_normal(const struct tl_ellipsoid *e, const double ecef[3], double n[3])
{
    const double w = hypot(ecef[0], ecef[1]);
    double k, d, dz, h, cl, sl;

    if (e->e2 == 0.0) {
        dz = hypot(w, ecef[2]);
        d = w;
        h = dz - e->a;
    } else {
        vermeille(e, ecef, w, &k, &d, &dz);
        h = (k + e->e2 - 1.0) / k * dz;
    }
    if (n != NULL) {
        cl = dz > 0.0 ? d / dz : 0.0; /* cos and sin of the geodetic latitude */
        sl = dz > 0.0 ? ecef[2] / dz : 1.0;
        n[0] = w > 0.0 ? cl * ecef[0] / w : 0.0;
        n[1] = w > 0.0 ? cl * ecef[1] / w : 0.0;
        n[2] = sl;
    }
    return h;
}

double tl_geo_height(const struct tl_ellipsoid *e, const double ecef[3])
{
    return tl_geo_height_normal(e, ecef, NULL);
}

void tl_geo_enu_basis(double lat_rad, double lon_rad, double enu[3][3])
{
    double sl = sin(lat_rad), cl = cos(lat_rad), so = sin(lon_rad), co = cos(lon_rad);

    enu[0][0] = -so;
    enu[0][1] = co;
    enu[0][2] = 0.0;
    enu[1][0] = -sl * co;
    enu[1][1] = -sl * so;
    enu[1][2] = cl;
    enu[2][0] = cl * co;
    enu[2][1] = cl * so;
    enu[2][2] = sl;
}

void tl_geo_ecef_to_enu(const struct tl_ellipsoid *e, const struct tl_lla *site, const double p[3],
                        double enu[3])
{
    double o[3], d[3], m[3][3];

    tl_geo_lla_to_ecef(e, site, o);
    tl_geo_enu_basis(site->lat_rad, site->lon_rad, m);
    for (int i = 0; i < 3; i++)
        d[i] = p[i] - o[i];
    for (int i = 0; i < 3; i++)
        enu[i] = m[i][0] * d[0] + m[i][1] * d[1] + m[i][2] * d[2];
}

void tl_geo_enu_to_ecef(const struct tl_ellipsoid *e, const struct tl_lla *site,
                        const double enu[3], double p[3])
{
    double o[3], m[3][3];

    tl_geo_lla_to_ecef(e, site, o);
    tl_geo_enu_basis(site->lat_rad, site->lon_rad, m);
    for (int i = 0; i < 3; i++)
        p[i] = o[i] + m[0][i] * enu[0] + m[1][i] * enu[1] + m[2][i] * enu[2];
}

struct tl_rae tl_geo_rae(const struct tl_ellipsoid *e, const struct tl_lla *site, const double p[3])
{
    double enu[3], horiz;
    struct tl_rae out;

    tl_geo_ecef_to_enu(e, site, p, enu);
    horiz = hypot(enu[0], enu[1]);
    out.range_m = sqrt(horiz * horiz + enu[2] * enu[2]);
    out.az_rad = atan2(enu[0], enu[1]);
    if (out.az_rad < 0.0)
        out.az_rad += 2.0 * M_PI;
    out.el_rad = atan2(enu[2], horiz);
    return out;
}

void tl_geo_rae_to_ecef(const struct tl_ellipsoid *e, const struct tl_lla *site,
                        const struct tl_rae *rae, double p[3])
{
    double ce = cos(rae->el_rad);
    double enu[3] = { rae->range_m * ce * sin(rae->az_rad), rae->range_m * ce * cos(rae->az_rad),
                      rae->range_m * sin(rae->el_rad) };

    tl_geo_enu_to_ecef(e, site, enu, p);
}
