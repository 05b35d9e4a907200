#include <math.h>
#include <string.h>

#include "trilink/assess.h"
#include "assess_int.h"
#include "estim.h"

#define N_IPP 7 /* r, v, k */

const char *tl_class_name(enum tl_class c)
{
    static const char *const names[] = { "srbm", "mrbm", "irbm", "icbm" };

    return (unsigned)c < 4 ? names[c] : "unknown";
}

/* Apogee radius of the two-body orbit through (r, v) in the inertial frame (v_ecef + w x r). */
static double apogee_radius(const struct tl_earth *e, const double y[6])
{
    const double w = e->omega;
    const double v[3] = { y[3] - w * y[1], y[4] + w * y[0], y[5] };
    const double r = sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
    const double v2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    const double h[3] = { y[1] * v[2] - y[2] * v[1], y[2] * v[0] - y[0] * v[2],
                          y[0] * v[1] - y[1] * v[0] };
    const double h2 = h[0] * h[0] + h[1] * h[1] + h[2] * h[2];
    const double a = 1.0 / (2.0 / r - v2 / e->mu);
    const double ecc = sqrt(fmax(0.0, 1.0 - h2 / (e->mu * a)));

    return a > 0 ? a * (1.0 + ecc) : INFINITY;
}

int tl_assess_orbit(const struct tl_earth *e, const double y[6], struct tl_orbit *out)
{
    const double w = e->omega;
    const double v[3] = { y[3] - w * y[1], y[4] + w * y[0], y[5] };
    const double r = sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
    const double v2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    const double h[3] = { y[1] * v[2] - y[2] * v[1], y[2] * v[0] - y[0] * v[2],
                          y[0] * v[1] - y[1] * v[0] };
    const double hn = sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
    const double a = 1.0 / (2.0 / r - v2 / e->mu);
    const double ecc = sqrt(fmax(0.0, 1.0 - hn * hn / (e->mu * a)));
    const double re = e->shape.a;

    if (a > 0.0) {
        out->perigee_m = a * (1.0 - ecc) - re;
        out->apogee_m = a * (1.0 + ecc) - re;
    } else { /* hyperbolic: perigee h^2 / (mu (1 + e)), no apogee */
        const double eh = sqrt(1.0 + hn * hn * (v2 / e->mu - 2.0 / r) / e->mu);
        out->perigee_m = hn * hn / (e->mu * (1.0 + eh)) - re;
        out->apogee_m = INFINITY;
    }
    out->incl_rad = hn > 0.0 ? acos(fmax(-1.0, fmin(1.0, h[2] / hn))) : NAN;
    return out->perigee_m > TL_REENTRY_H_M;
}

/* Height above which drag no longer changes the orbit measurably (density < 2e-9 kg/m^3): the
 * two-body apogee of a state there is the flight's. */
#define DRAG_FREE_H_M 150000.0

/* The apogee a descending body has passed: flown back in time with its drag (the equations of
 * motion run backwards as well as forwards) until it is above DRAG_FREE_H_M, where the two-body
 * orbit gives the apogee, or until it climbs no more (an apogee inside the atmosphere, 5-s
 * samples: about g dt^2 / 8 = 30 m short at worst). */
static double apogee_behind(const struct tl_earth *e, double beta, double t_s, const double y0[6])
{
    const struct tl_ode_cfg cfg = { 1e-9, 1e-3, 0.0, 0.0 };
    const double dt = 5.0;
    double y[6], h = tl_geo_height(&e->shape, y0), best = h;

    memcpy(y, y0, sizeof y);
    for (int i = 0; i < 720 && h < DRAG_FREE_H_M; i++) {
        double back[6];
        if (tl_propagate_ballistic(e, beta, t_s - dt * i, y, t_s - dt * (i + 1), &cfg, back) !=
            TL_OK)
            break;
        memcpy(y, back, sizeof y);
        h = tl_geo_height(&e->shape, y);
        if (h <= best)
            return best; /* lower than a step later: the apogee is behind us */
        best = h;
    }
    return apogee_radius(e, y) - sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]) +
           tl_geo_height(&e->shape, y);
}

enum tl_class tl_assess_class(const struct tl_earth *e, const double y[6], double range_m,
                              double apogee_m, int *loft, double *standard_range_m)
{
    const double w = e->omega, R = 6371000.0;
    const double v[3] = { y[3] - w * y[1], y[4] + w * y[0], y[5] };
    const double r = sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
    const double nu = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) * r / e->mu;
    double std_range, phi, a_min, apo_min;
    enum tl_class c;

    std_range = nu >= 1.0 ? INFINITY : R * 2.0 * asin(fmin(1.0, nu / (2.0 - nu)));
    c = std_range < 1000e3 ? TL_CLASS_SRBM
        : std_range < 3000e3 ? TL_CLASS_MRBM
        : std_range < 5500e3 ? TL_CLASS_IRBM
                             : TL_CLASS_ICBM;
    /* Minimum-energy ellipse between two ground points phi apart: a = R (1 + sin(phi/2)) / 2,
     * its empty focus on the chord, so the apogee radius is a + R cos(phi/2) / 2. */
    phi = range_m / R;
    a_min = R * (1.0 + sin(phi / 2.0)) / 2.0;
    apo_min = a_min + R * cos(phi / 2.0) / 2.0 - R;
    if (loft != NULL)
        *loft = !(range_m > 0) ? 0 : apogee_m > 1.5 * apo_min ? 1 : apogee_m < 0.6 * apo_min ? -1 : 0;
    if (standard_range_m != NULL)
        *standard_range_m = std_range;
    return c;
}

/* Eigen-decomposition of a symmetric 2x2 east-north covariance into its 95 % ellipse: semi-axes
 * sqrt(5.991 lambda_i), major-axis azimuth clockwise from north in [0, pi). */
void tl__assess_ellipse(const double c[2][2], double *semi_major, double *semi_minor, double *az)
{
    const double tr = c[0][0] + c[1][1], det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
    const double disc = sqrt(fmax(0.0, tr * tr / 4.0 - det));
    const double l1 = tr / 2.0 + disc, l2 = fmax(0.0, tr / 2.0 - disc);
    double ve, vn;

    /* Eigenvector of l1 in (east, north). */
    if (fabs(c[0][1]) > 1e-12 * tr) {
        ve = l1 - c[1][1];
        vn = c[0][1];
    } else if (c[0][0] >= c[1][1]) {
        ve = 1.0;
        vn = 0.0;
    } else {
        ve = 0.0;
        vn = 1.0;
    }
    *semi_major = sqrt(TL_CHI2_2DOF_95 * l1);
    *semi_minor = sqrt(TL_CHI2_2DOF_95 * l2);
    *az = fmod(atan2(ve, vn) + 2.0 * M_PI, M_PI);
}

static void ellipse(const double c[2][2], struct tl_impact_pred *out)
{
    tl__assess_ellipse(c, &out->semi_major_m, &out->semi_minor_m, &out->major_az_rad);
}

/* Drag coefficient prior k = 1/beta by class, for a track that has not yet seen drag: reentry
 * vehicles' ballistic coefficients from open literature (Regan, "Re-Entry Vehicle Dynamics",
 * 1984): about 2,000-6,000 kg/m^2 for short-range warheads, 4,000-8,000 for intermediate ranges,
 * 6,000-15,000 for modern ICBM RVs. Mean and standard deviation of k over those spans. */
static void class_k_prior(enum tl_class c, double *k, double *sk)
{
    static const double BETA[4][2] = { { 2000, 6000 }, { 3000, 7000 }, { 4000, 8000 },
                                       { 6000, 15000 } };
    const double k_hi = 1.0 / BETA[c][0], k_lo = 1.0 / BETA[c][1];

    *k = 0.5 * (k_lo + k_hi);
    *sk = (k_hi - k_lo) / sqrt(12.0); /* uniform over the span */
}

/* The tracker's own prior on k (tracker.c): a track whose k spread is still above half of it
 * has not observed drag. */
#define TRACK_K_PRIOR_SIGMA 1e-4

int tl_assess_impact(const struct tl_earth *e, const struct tl_gauss *g, struct tl_impact_pred *out)
{
    struct tl__sigma s;
    double imp[2 * N_IPP + 1][3], mean[3] = { 0, 0, 0 }, apo = NAN;
    struct tl_impact_pred r;
    struct tl_lla mp;
    int rc;

    if (e == NULL || g == NULL || out == NULL)
        return TL_EINVAL;
    {
        /* Sigma points over (r, v, k): copy k into the seventh slot. */
        double x7[TL_NX], P7[TL_NX][TL_NX];
        memset(P7, 0, sizeof P7);
        for (int i = 0; i < 6; i++) {
            x7[i] = g->x[i];
            for (int j = 0; j < 6; j++)
                P7[i][j] = g->P[i][j];
            P7[i][6] = P7[6][i] = g->P[i][9];
        }
        x7[6] = g->x[9];
        P7[6][6] = g->P[9][9];
        if (sqrt(g->P[9][9]) > 0.5 * TRACK_K_PRIOR_SIGMA) {
            double k, sk;
            class_k_prior(tl_assess_class(e, g->x, 0.0, 0.0, NULL, NULL), &k, &sk);
            x7[6] = k;
            for (int i = 0; i < 6; i++)
                P7[i][6] = P7[6][i] = 0.0;
            P7[6][6] = sk * sk;
        }
        if (tl__sigma_points(N_IPP, x7, (const double(*)[TL_NX])P7, &s) != 0)
            return TL_ENOTPD;
    }
    for (int k = 0; k < 2 * N_IPP + 1; k++) {
        struct tl_coast_result cr;
        /* k = Cd A / m; a tiny or negative k is a vacuum-like body. */
        const double beta = s.x[k][6] > 1e-7 ? 1.0 / s.x[k][6] : 1e7;
        const struct tl_ode_cfg cfg = { 1e-8, 1e-3, 0.0, 0.0 };
        rc = tl_propagate_coast(e, beta, g->t_s, s.x[k], g->t_s + 14400.0, &cfg, NULL, &cr);
        if (rc != TL_OK)
            return rc == TL_ENOSOL ? TL_ENOSOL : rc;
        if (k == 0) {
            r.t_s = cr.impact_t_s;
            /* The forward coast finds the apogee still ahead; one already passed is found behind
             * the state (issue 9: the two-body apogee of a state that drag has slowed fell from
             * 6,643 to 5,169 km over the last seconds of an ICBM's reentry). */
            apo = isnan(cr.apogee_t_s) || cr.apogee_t_s <= g->t_s + 1e-6
                      ? apogee_behind(e, beta, g->t_s, s.x[0])
                      : cr.apogee_h_m;
        }
        memcpy(imp[k], cr.impact_y, sizeof imp[k]);
        for (int i = 0; i < 3; i++)
            mean[i] += s.wm[k] * cr.impact_y[i];
    }
    mp = tl_geo_ecef_to_lla(&e->shape, mean);
    mp.h_m = 0.0;
    memset(r.cov_en, 0, sizeof r.cov_en);
    for (int k = 0; k < 2 * N_IPP + 1; k++) {
        double enu[3];
        tl_geo_ecef_to_enu(&e->shape, &mp, imp[k], enu);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                r.cov_en[a][b] += s.wc[k] * enu[a] * enu[b];
    }
    r.point = mp;
    r.apogee_m = apo;
    ellipse((const double(*)[2])r.cov_en, &r);
    *out = r;
    return TL_OK;
}
