#include <math.h>

#include "trilink/earth.h"

struct tl_earth tl_earth_wgs84(void)
{
    struct tl_earth e;

    e.shape = TL_WGS84;
    e.mu = 3.986004418e14;  /* WGS-84 GM including the atmosphere */
    e.r_ref = 6378137.0;
    e.j2 = 1.08262668e-3;   /* EGM96: J_n = -sqrt(2n+1) * C_n0 (normalised) */
    e.j3 = -2.53265649e-6;
    e.j4 = -1.61962159e-6;
    e.omega = 7.292115e-5;  /* WGS-84 rotation rate, rad/s */
    e.drag = 1;
    for (int i = 0; i < TL_RHO_KNOTS; i++)
        e.rho_dev[i] = 0.0;
    return e;
}

double tl_earth_density_factor(const struct tl_earth *e, double h_m)
{
    /* Knot values with a zero added at each end (10 and 90 km). */
    double y[TL_RHO_KNOTS + 2], u, m0, m1, t, t2, t3;
    int any = 0, k;

    for (int i = 0; i < TL_RHO_KNOTS; i++)
        any |= e->rho_dev[i] != 0.0;
    if (!any)
        return 1.0;
    u = (h_m - (TL_RHO_KNOT0_M - TL_RHO_KNOT_STEP_M)) / TL_RHO_KNOT_STEP_M;
    if (!(u > 0.0 && u < (double)(TL_RHO_KNOTS + 1)))
        return 1.0;
    y[0] = y[TL_RHO_KNOTS + 1] = 0.0;
    for (int i = 0; i < TL_RHO_KNOTS; i++)
        y[i + 1] = e->rho_dev[i];
    k = (int)u; /* between nodes k and k + 1 of y */
    t = u - k;
    /* Catmull-Rom tangents (y[j+1] - y[j-1]) / 2, zero at the two end nodes. */
    m0 = k == 0 ? 0.0 : 0.5 * (y[k + 1] - y[k - 1]);
    m1 = k + 1 == TL_RHO_KNOTS + 1 ? 0.0 : 0.5 * (y[k + 2] - y[k]);
    t2 = t * t;
    t3 = t2 * t;
    return 1.0 + (2 * t3 - 3 * t2 + 1) * y[k] + (t3 - 2 * t2 + t) * m0 +
           (-2 * t3 + 3 * t2) * y[k + 1] + (t3 - t2) * m1;
}

void tl_earth_gravity(const struct tl_earth *e, const double r[3], double g[3])
{
    const double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2], rn = sqrt(r2);
    const double u[3] = { r[0] / rn, r[1] / rn, r[2] / rn }; /* unit radius vector */
    const double s = u[2], q = e->r_ref / rn;                 /* s = sin(geocentric latitude) */
    /* Legendre P_n(s) and their derivatives for n = 2, 3, 4. */
    const double pn[3] = { 0.5 * (3.0 * s * s - 1.0), 0.5 * (5.0 * s * s * s - 3.0 * s),
                           0.125 * (35.0 * s * s * s * s - 30.0 * s * s + 3.0) };
    const double dpn[3] = { 3.0 * s, 0.5 * (15.0 * s * s - 3.0), 0.5 * (35.0 * s * s * s - 15.0 * s) };
    const double jn[3] = { e->j2, e->j3, e->j4 };
    double radial = -1.0, axial = 0.0, qn = q;

    /* U = -mu/r [1 - sum J_n (R/r)^n P_n(s)]. Differentiating a zonal term mu J_n R^n P_n(s)/r^(n+1)
     * with grad s = (z_hat - s u)/r gives
     *   g_n = -(mu/r^2) J_n (R/r)^n [P_n'(s) (z_hat - s u) - (n+1) P_n(s) u],
     * which for n = 2 is Vallado's eq. 8-30. Collect the u and z_hat parts. */
    for (int i = 0; i < 3; i++) {
        const int n = i + 2;
        qn *= q; /* (R/r)^n */
        if (jn[i] == 0.0)
            continue;
        radial += jn[i] * qn * (dpn[i] * s + (n + 1) * pn[i]);
        axial -= jn[i] * qn * dpn[i];
    }
    for (int i = 0; i < 3; i++)
        g[i] = e->mu / r2 * (radial * u[i] + (i == 2 ? axial : 0.0));
}

double tl_earth_potential(const struct tl_earth *e, const double r[3])
{
    const double rn = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    const double s = r[2] / rn, re_r = e->r_ref / rn;
    /* Legendre polynomials P2, P3, P4 of sin(geocentric latitude). */
    const double p2 = 0.5 * (3.0 * s * s - 1.0);
    const double p3 = 0.5 * (5.0 * s * s * s - 3.0 * s);
    const double p4 = 0.125 * (35.0 * s * s * s * s - 30.0 * s * s + 3.0);

    return -e->mu / rn *
           (1.0 - e->j2 * re_r * re_r * p2 - e->j3 * re_r * re_r * re_r * p3 -
            e->j4 * re_r * re_r * re_r * re_r * p4);
}
