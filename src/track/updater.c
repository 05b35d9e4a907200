/* Updater: radar and infrared measurement models, EKF (Joseph form) and UKF updates. */
#include <math.h>
#include <string.h>

#include "estim.h"
#include "track_int.h"

int tl__measure(const struct tl_sensor *s, const double *x, double *z)
{
    struct tl_meas m;

    tl_sensor_ideal(s, x, &m);
    if (s->kind == TL_SENSOR_IR) {
        z[0] = m.az_rad;
        z[1] = m.el_rad;
        return 2;
    }
    z[0] = m.range_m;
    z[1] = m.az_rad;
    z[2] = m.el_rad;
    if (s->sigma_rr_mps > 0.0) {
        z[3] = m.rr_mps;
        return 4;
    }
    return 3;
}

void tl__wrap_innovation(const struct tl_sensor *s, double *nu)
{
    const int iaz = s->kind == TL_SENSOR_IR ? 0 : 1;

    nu[iaz] = remainder(nu[iaz], 2.0 * M_PI);
}

int tl__meas_vector(const struct tl_sensor *s, const struct tl_meas *z, double *zv, double *r)
{
    if (s->kind == TL_SENSOR_IR) {
        zv[0] = z->az_rad;
        zv[1] = z->el_rad;
        r[0] = s->sigma_az_rad * s->sigma_az_rad;
        r[1] = s->sigma_el_rad * s->sigma_el_rad;
        return 2;
    }
    zv[0] = z->range_m;
    zv[1] = z->az_rad;
    zv[2] = z->el_rad;
    r[0] = s->sigma_range_m * s->sigma_range_m;
    r[1] = s->sigma_az_rad * s->sigma_az_rad;
    r[2] = s->sigma_el_rad * s->sigma_el_rad;
    if (s->sigma_rr_mps > 0.0 && !isnan(z->rr_mps)) {
        zv[3] = z->rr_mps;
        r[3] = s->sigma_rr_mps * s->sigma_rr_mps;
        return 4;
    }
    return 3;
}

/* Jacobian of the measurement with respect to position and velocity, analytically in the
 * sensor's local east-north-up frame d = R (x - site), w = R v (R the ECEF-to-ENU rotation):
 * range d/|d|; azimuth atan2(e, n) -> (n, -e, 0)/h^2; elevation atan2(u, h) ->
 * (-e u, -n u, h^2)/(|d|^2 h), with h the horizontal distance; range rate d.w/|d| ->
 * (w - rr d/|d|)/|d| in position and d/|d| in velocity. The other states do not enter. */
static void meas_jacobian(const struct tl_sensor *s, const double *x, int m, double H[4][TL_NX])
{
    double site[3], R[3][3], d[3] = { 0, 0, 0 }, w[3] = { 0, 0, 0 }, gd[4][3], gw[4][3];
    double rho, h2, h, rr;
    int row = 0;

    (void)m;
    memset(H, 0, sizeof(double) * 4 * TL_NX);
    memset(gd, 0, sizeof gd);
    memset(gw, 0, sizeof gw);
    tl_geo_lla_to_ecef(&TL_WGS84, &s->site, site);
    tl_geo_enu_basis(s->site.lat_rad, s->site.lon_rad, R);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) {
            d[i] += R[i][k] * (x[k] - site[k]);
            w[i] += R[i][k] * x[3 + k];
        }
    h2 = d[0] * d[0] + d[1] * d[1];
    h = sqrt(h2);
    rho = sqrt(h2 + d[2] * d[2]);
    rr = (d[0] * w[0] + d[1] * w[1] + d[2] * w[2]) / rho;
    if (s->kind == TL_SENSOR_RADAR) {
        for (int k = 0; k < 3; k++)
            gd[0][k] = d[k] / rho;
        row = 1;
    }
    gd[row][0] = d[1] / h2; /* azimuth */
    gd[row][1] = -d[0] / h2;
    gd[row + 1][0] = -d[0] * d[2] / (rho * rho * h); /* elevation */
    gd[row + 1][1] = -d[1] * d[2] / (rho * rho * h);
    gd[row + 1][2] = h / (rho * rho);
    if (s->kind == TL_SENSOR_RADAR && s->sigma_rr_mps > 0.0)
        for (int k = 0; k < 3; k++) {
            gd[3][k] = (w[k] - rr * d[k] / rho) / rho;
            gw[3][k] = d[k] / rho;
        }
    /* Back to ECEF: d(.)/dx = d(.)/dd R. */
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 3; k++)
            for (int a = 0; a < 3; a++) {
                H[i][k] += gd[i][a] * R[a][k];
                H[i][3 + k] += gw[i][a] * R[a][k];
            }
}

static int finish_innovation(struct tl_innovation *inn, tl__mat sinv, double logdet)
{
    double d2 = 0.0;

    for (int i = 0; i < inn->m; i++)
        for (int j = 0; j < inn->m; j++)
            d2 += inn->nu[i] * sinv[i][j] * inn->nu[j];
    inn->d2 = d2;
    inn->loglik = -0.5 * (d2 + logdet + inn->m * log(2.0 * M_PI));
    return TL_OK;
}

/* EKF or UKF innovation; also returns the cross covariance Pxz (TL_NX x m) for the update. */
static int innovation(enum tl_filter_kind f, const struct tl_sensor *s, const struct tl_meas *z,
                      const struct tl_gauss *g, struct tl_innovation *inn, double pxz[TL_NX][4],
                      tl__mat sinv)
{
    double zv[4], r[4], zp[4], logdet;
    tl__mat S;
    int m = tl__meas_vector(s, z, zv, r);

    memset(inn, 0, sizeof *inn);
    memset(S, 0, sizeof S);
    inn->m = m;
    if (f == TL_FILTER_UKF) {
        struct tl__sigma sp;
        double Z[2 * TL_NX + 1][4];
        if (tl__sigma_points(TL_NX, g->x, (const double(*)[TL_NX])g->P, &sp) != 0)
            return TL_ENOTPD;
        memset(zp, 0, sizeof zp);
        for (int k = 0; k < 2 * TL_NX + 1; k++) {
            tl__measure(s, sp.x[k], Z[k]);
            if (k > 0) /* angles relative to the central point, so the mean does not wrap */
                Z[k][s->kind == TL_SENSOR_IR ? 0 : 1] =
                    Z[0][s->kind == TL_SENSOR_IR ? 0 : 1] +
                    remainder(Z[k][s->kind == TL_SENSOR_IR ? 0 : 1] -
                                  Z[0][s->kind == TL_SENSOR_IR ? 0 : 1],
                              2.0 * M_PI);
            for (int i = 0; i < m; i++)
                zp[i] += sp.wm[k] * Z[k][i];
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double c = i == j ? r[i] : 0.0;
                for (int k = 0; k < 2 * TL_NX + 1; k++)
                    c += sp.wc[k] * (Z[k][i] - zp[i]) * (Z[k][j] - zp[j]);
                S[i][j] = c;
            }
            for (int a = 0; a < TL_NX; a++) {
                double c = 0.0;
                for (int k = 0; k < 2 * TL_NX + 1; k++)
                    c += sp.wc[k] * (sp.x[k][a] - g->x[a]) * (Z[k][i] - zp[i]);
                pxz[a][i] = c;
            }
        }
    } else {
        double H[4][TL_NX];
        tl__measure(s, g->x, zp);
        meas_jacobian(s, g->x, m, H);
        for (int a = 0; a < TL_NX; a++)
            for (int i = 0; i < m; i++) {
                double c = 0.0;
                for (int b = 0; b < TL_NX; b++)
                    c += g->P[a][b] * H[i][b];
                pxz[a][i] = c;
            }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) {
                double c = i == j ? r[i] : 0.0;
                for (int a = 0; a < TL_NX; a++)
                    c += H[i][a] * pxz[a][j];
                S[i][j] = c;
            }
    }
    tl__mat_symmetrize(m, S);
    for (int i = 0; i < m; i++) {
        inn->nu[i] = zv[i] - zp[i];
        for (int j = 0; j < m; j++)
            inn->S[i][j] = S[i][j];
    }
    tl__wrap_innovation(s, inn->nu);
    if (tl__mat_spd_inverse(m, (const double(*)[TL__MAT_MAX])S, sinv, &logdet) != 0)
        return TL_ENOTPD;
    return finish_innovation(inn, sinv, logdet);
}

int tl_track_innovation(enum tl_filter_kind f, const struct tl_sensor *s, const struct tl_meas *z,
                        const struct tl_gauss *pred, struct tl_innovation *inn)
{
    double pxz[TL_NX][4];
    tl__mat sinv;

    if (s == NULL || z == NULL || pred == NULL || inn == NULL)
        return TL_EINVAL;
    return innovation(f, s, z, pred, inn, pxz, sinv);
}

int tl_track_update(enum tl_filter_kind f, const struct tl_sensor *s, const struct tl_meas *z,
                    const struct tl_gauss *pred, struct tl_gauss *post, struct tl_innovation *inn_out)
{
    struct tl_innovation inn;
    struct tl_gauss g;
    double pxz[TL_NX][4], K[TL_NX][4];
    tl__mat sinv, l;
    int rc, m;

    if (s == NULL || z == NULL || pred == NULL || post == NULL)
        return TL_EINVAL;
    if ((rc = innovation(f, s, z, pred, &inn, pxz, sinv)) != TL_OK)
        return rc;
    m = inn.m;
    g = *pred;
    for (int a = 0; a < TL_NX; a++)
        for (int i = 0; i < m; i++) {
            double c = 0.0;
            for (int j = 0; j < m; j++)
                c += pxz[a][j] * sinv[j][i];
            K[a][i] = c;
        }
    for (int a = 0; a < TL_NX; a++)
        for (int i = 0; i < m; i++)
            g.x[a] += K[a][i] * inn.nu[i];
    /* P - K S K^T, which equals the Joseph form (I - KH) P (I - KH)^T + K R K^T when K is the
     * optimal gain; written with Pxz = P H^T it is P - K Pxz^T - Pxz K^T + K S K^T, the
     * symmetric Joseph expansion, which keeps the round-off symmetric and bounded for both the
     * EKF and the UKF. */
    for (int a = 0; a < TL_NX; a++)
        for (int b = 0; b < TL_NX; b++) {
            double c = pred->P[a][b];
            for (int i = 0; i < m; i++) {
                double ks = 0.0;
                for (int j = 0; j < m; j++)
                    ks += K[a][j] * inn.S[j][i];
                c += -K[a][i] * pxz[b][i] - pxz[a][i] * K[b][i] + ks * K[b][i];
            }
            g.P[a][b] = c;
        }
    tl__mat_symmetrize(TL_NX, g.P);
    if (tl__mat_cholesky(TL_NX, (const double(*)[TL__MAT_MAX])g.P, l) != 0)
        return TL_ENOTPD;
    *post = g;
    if (inn_out != NULL)
        *inn_out = inn;
    return TL_OK;
}

/* Raises the variance of the block at @p off (position 0, velocity 3) along unit @p u to at
 * least @p floor_var by adding (floor_var - u' P u) u u'. */
static void raise_along(struct tl_gauss *g, int off, const double u[3], double floor_var)
{
    double v = 0.0;

    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            v += u[i] * g->P[off + i][off + j] * u[j];
    if (!(v < floor_var))
        return;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            g->P[off + i][off + j] += (floor_var - v) * u[i] * u[j];
}

/* Velocity error an angle bias leaves, as a fraction of speed x bias. Differentiating the bias's
 * position offset R b u_perp gives |v| b, but a ballistic fit absorbs most of a slowly turning
 * offset as position: measured on 50 mismatched IRBM runs (biases drawn with the stated
 * registration sigma), 0.15 brings the impact's cross-track z to a Gaussian's (95th percentile
 * 1.88 against 1.96; 2.59 with no velocity term, 0.50 with the full |v| b). */
#define REGISTRATION_VEL_FRACTION 0.15

/* The floor on the velocity always, on the position when @p position is set. */
static void registration_floor(const struct tl_sensor *s, struct tl_gauss *g, int position)
{
    double site[3], d[3], up[3], enu[3][3], ua[3], ue[3], r, hz, sp;

    if (s == NULL || (s->bias_range_m <= 0.0 && s->bias_az_rad <= 0.0 && s->bias_el_rad <= 0.0))
        return;
    tl_geo_lla_to_ecef(&TL_WGS84, &s->site, site);
    for (int i = 0; i < 3; i++)
        d[i] = g->x[i] - site[i];
    r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    if (!(r > 1.0))
        return;
    tl_geo_enu_basis(s->site.lat_rad, s->site.lon_rad, enu);
    memcpy(up, enu[2], sizeof up);
    for (int i = 0; i < 3; i++)
        d[i] /= r;
    /* Across the line of sight: horizontal (azimuth) = up x los, normalised; elevation =
     * los x horizontal. */
    ua[0] = up[1] * d[2] - up[2] * d[1];
    ua[1] = up[2] * d[0] - up[0] * d[2];
    ua[2] = up[0] * d[1] - up[1] * d[0];
    hz = sqrt(ua[0] * ua[0] + ua[1] * ua[1] + ua[2] * ua[2]); /* cos(elevation) */
    if (!(hz > 1e-6))
        return; /* straight overhead: azimuth is undefined */
    for (int i = 0; i < 3; i++)
        ua[i] /= hz;
    ue[0] = d[1] * ua[2] - d[2] * ua[1];
    ue[1] = d[2] * ua[0] - d[0] * ua[2];
    ue[2] = d[0] * ua[1] - d[1] * ua[0];
    sp = sqrt(g->x[3] * g->x[3] + g->x[4] * g->x[4] + g->x[5] * g->x[5]);
    if (position) {
        if (s->kind == TL_SENSOR_RADAR)
            raise_along(g, 0, d, s->bias_range_m * s->bias_range_m);
        raise_along(g, 0, ua, pow(r * hz * s->bias_az_rad, 2));
        raise_along(g, 0, ue, pow(r * s->bias_el_rad, 2));
    }
    raise_along(g, 3, ua, pow(REGISTRATION_VEL_FRACTION * sp * s->bias_az_rad, 2));
    raise_along(g, 3, ue, pow(REGISTRATION_VEL_FRACTION * sp * s->bias_el_rad, 2));
}

void tl__registration_floor(const struct tl_sensor *s, struct tl_gauss *g)
{
    registration_floor(s, g, 1);
}

void tl__registration_floor_velocity(const struct tl_sensor *s, struct tl_gauss *g)
{
    registration_floor(s, g, 0);
}
