/* Predictor: the four motion models, integrated with RK4, with EKF (linearised) and UKF
 * (sigma-point) covariance propagation. */
#include <math.h>
#include <string.h>

#include "estim.h"
#include "track_int.h"

struct tl_motion_noise tl_motion_noise_default(void)
{
    struct tl_motion_noise q;

    q.q_vel = 1.0;
    q.q_thrust = 4.0;
    q.q_k = 1e-8;
    q.tau_thrust = 2.0;
    /* A quasi-ballistic warhead's pull-up: lift held for a glide of a minute or more
     * (correlation 60 s; stationary sigma sqrt(q tau / 2) = 11 m/s^2, about 1.1 g). */
    q.tau_man = 60.0;
    q.q_man = 4.0;
    return q;
}

/* Above this height the atmosphere is negligible for the filter; ballistic steps may be long. */
#define HIGH_M 120000.0

/* Classical RK4 step of the mean. */
static void rk4(const struct tl_earth *e, enum tl_motion m, double tau, double *x, double h)
{
    double k1[TL_NX], k2[TL_NX], k3[TL_NX], k4[TL_NX], y[TL_NX];

    tl__motion_rate(e, m, tau, x, k1);
    for (int i = 0; i < TL_NX; i++)
        y[i] = x[i] + 0.5 * h * k1[i];
    tl__motion_rate(e, m, tau, y, k2);
    for (int i = 0; i < TL_NX; i++)
        y[i] = x[i] + 0.5 * h * k2[i];
    tl__motion_rate(e, m, tau, y, k3);
    for (int i = 0; i < TL_NX; i++)
        y[i] = x[i] + h * k3[i];
    tl__motion_rate(e, m, tau, y, k4);
    for (int i = 0; i < TL_NX; i++)
        x[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
}

/* Continuous-time Jacobian of tl__motion_rate (src/estim/motion.c). Gravity gradient of the point mass
 * (mu/r^3)(3 u u^T - I); the zonal terms change it by about 1e-3 and are left out. */
static void jacobian(const struct tl_earth *e, enum tl_motion m, double tau, const double *x,
                     tl__mat a)
{
    const double r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2], r = sqrt(r2);
    const double k = e->mu / (r2 * r), w = e->omega;

    memset(a, 0, sizeof(tl__mat));
    for (int i = 0; i < 3; i++) {
        a[i][3 + i] = 1.0;
        for (int j = 0; j < 3; j++)
            a[3 + i][j] = k * (3.0 * x[i] * x[j] / r2 - (i == j ? 1.0 : 0.0));
    }
    a[3][0] += w * w;
    a[4][1] += w * w;
    a[3][4] = 2.0 * w; /* Coriolis -2 w x v */
    a[4][3] = -2.0 * w;
    if (m == TL_MOTION_BOOST || m == TL_MOTION_MANEUVER)
        for (int i = 0; i < 3; i++)
            a[3 + i][6 + i] = 1.0;
    if (m != TL_MOTION_BOOST)
        for (int i = 6; i < 9; i++)
            a[i][i] = -1.0 / tau;
    if (m == TL_MOTION_REENTRY || m == TL_MOTION_MANEUVER) {
        const double h = tl_geo_height(&e->shape, x);
        const double rho = h < 1.0e6 ? tl_earth_atmosphere(h).rho_kgpm3 : 0.0;
        const double sp = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
        if (rho > 0.0 && sp > 0.0) {
            const double kk = fmax(x[9], 0.0);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++)
                    a[3 + i][3 + j] -= 0.5 * rho * kk * (x[3 + i] * x[3 + j] / sp + (i == j ? sp : 0.0));
                a[3 + i][9] = -0.5 * rho * sp * x[3 + i];
            }
        }
    }
}

/* Directions the manoeuvre acceleration may take: lift and side force are normal to the
 * velocity (drag along it is the k state's), so its noise lies in that plane, with a trace along
 * v to keep the block well conditioned. A thrust (boost) may point anywhere. */
void tl__maneuver_plane(const double *x, double s[3][3])
{
    const double sp2 = x[3] * x[3] + x[4] * x[4] + x[5] * x[5];

    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            s[i][j] = (i == j ? 1.0 : 0.0) -
                      (sp2 > 1.0 ? (1.0 - 1e-3) * x[3 + i] * x[3 + j] / sp2 : 0.0);
}

/* Discrete process noise over dt (white-noise acceleration; for the boost and manoeuvre models
 * also an integrated random-walk acceleration: Bar-Shalom, Li & Kirubarajan, "Estimation with
 * Applications to Tracking and Navigation", sec. 6.3, here with a spatial shape S). */
static void process_noise(enum tl_motion m, const struct tl_motion_noise *q, double dt, int in_air,
                          const double *x, tl__mat Q)
{
    const double t = fabs(dt), t2 = t * t, t3 = t2 * t;
    /* Model error: thrust wobble in boost, unmodelled drag and lift in the air; above the
     * atmosphere the ballistic and reentry models are the same exact physics. */
    const int aero = (m == TL_MOTION_REENTRY || m == TL_MOTION_MANEUVER) && in_air;
    const double qv = m == TL_MOTION_BOOST || aero ? q->q_vel : 1e-5 * q->q_vel;

    memset(Q, 0, sizeof(tl__mat));
    for (int i = 0; i < 3; i++) {
        Q[i][i] = qv * t3 / 3.0;
        Q[i][3 + i] = Q[3 + i][i] = qv * t2 / 2.0;
        Q[3 + i][3 + i] = qv * t;
    }
    if (m == TL_MOTION_BOOST || (m == TL_MOTION_MANEUVER && in_air)) {
        /* integrated random walk (for the manoeuvre, the Singer process over steps much
         * shorter than its correlation time) */
        const double qa = m == TL_MOTION_BOOST ? q->q_thrust : q->q_man;
        double s[3][3];
        if (m == TL_MOTION_BOOST)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    s[i][j] = i == j ? 1.0 : 0.0;
        else
            tl__maneuver_plane(x, s);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                const double c = qa * s[i][j];
                Q[i][j] += c * t3 * t2 / 20.0;
                Q[i][3 + j] += c * t2 * t2 / 8.0;
                Q[3 + i][j] += c * t2 * t2 / 8.0;
                Q[3 + i][3 + j] += c * t3 / 3.0;
                Q[i][6 + j] = Q[6 + j][i] = c * t3 / 6.0;
                Q[3 + i][6 + j] = Q[6 + j][3 + i] = c * t2 / 2.0;
                Q[6 + i][6 + j] = c * t;
            }
    } else {
        for (int i = 0; i < 3; i++)
            Q[6 + i][6 + i] = 1e-6 * t; /* keeps the unused acceleration states well conditioned */
    }
    /* k belongs to the reentry vehicle and changes only as the flow around it does: it
     * wanders in the air, not through an hour of vacuum where nothing observes it. */
    Q[9][9] = (aero ? q->q_k : 1e-6 * q->q_k) * t;
}

/* Integration step for model m at state x: short near the ground and under thrust, where the
 * dynamics change fast, long in the vacuum of midcourse. */
static double max_step(const struct tl_earth *e, enum tl_motion m, const double *x)
{
    if (m == TL_MOTION_BOOST || tl_geo_height(&e->shape, x) < HIGH_M)
        return 1.0;
    return 10.0;
}

/* Decay time of a in model m. */
static double model_tau(enum tl_motion m, const struct tl_motion_noise *q)
{
    return m == TL_MOTION_MANEUVER ? q->tau_man : q->tau_thrust;
}

static int predict_ekf(const struct tl_earth *e, enum tl_motion m, const struct tl_motion_noise *q,
                       struct tl_gauss *g, double t_s)
{
    const double dir = t_s >= g->t_s ? 1.0 : -1.0, tau = model_tau(m, q);

    while (g->t_s != t_s) {
        double h = fmin(max_step(e, m, g->x), fabs(t_s - g->t_s)) * dir;
        tl__mat a, f, a2, Q;

        if (fabs(t_s - (g->t_s + h)) < 1e-9)
            h = t_s - g->t_s;
        jacobian(e, m, tau, g->x, a);
        /* F = I + A h + (A h)^2 / 2: second order in the step, ample for steps of 1-10 s. */
        tl__mat_mul(TL_NX, TL_NX, TL_NX, (const double(*)[TL__MAT_MAX])a,
                    (const double(*)[TL__MAT_MAX])a, a2);
        for (int i = 0; i < TL_NX; i++)
            for (int j = 0; j < TL_NX; j++)
                f[i][j] = (i == j ? 1.0 : 0.0) + a[i][j] * h + 0.5 * a2[i][j] * h * h;
        process_noise(m, q, h, tl_geo_height(&e->shape, g->x) < HIGH_M, g->x, Q);
        rk4(e, m, tau, g->x, h);
        tl__mat_sandwich(TL_NX, (const double(*)[TL__MAT_MAX])f, g->P,
                         (const double(*)[TL__MAT_MAX])Q);
        g->t_s += h;
        if (fabs(g->t_s - t_s) < 1e-9)
            g->t_s = t_s;
    }
    return TL_OK;
}

static int predict_ukf(const struct tl_earth *e, enum tl_motion m, const struct tl_motion_noise *q,
                       struct tl_gauss *g, double t_s)
{
    struct tl__sigma s;
    const double dt = t_s - g->t_s;
    tl__mat Q;
    double mean[TL_NX];

    if (tl__sigma_points(TL_NX, g->x, (const double(*)[TL_NX])g->P, &s) != 0)
        return TL_ENOTPD;
    for (int k = 0; k < 2 * TL_NX + 1; k++) {
        double t = g->t_s;
        while (t != t_s) {
            double h = fmin(max_step(e, m, s.x[k]), fabs(t_s - t)) * (dt >= 0 ? 1.0 : -1.0);
            rk4(e, m, model_tau(m, q), s.x[k], h);
            t = fabs(t_s - (t + h)) < 1e-9 ? t_s : t + h;
        }
    }
    memset(mean, 0, sizeof mean);
    for (int k = 0; k < 2 * TL_NX + 1; k++)
        for (int i = 0; i < TL_NX; i++)
            mean[i] += s.wm[k] * s.x[k][i];
    process_noise(m, q, dt, tl_geo_height(&e->shape, g->x) < HIGH_M, g->x, Q);
    for (int i = 0; i < TL_NX; i++)
        for (int j = 0; j < TL_NX; j++) {
            double c = Q[i][j];
            for (int k = 0; k < 2 * TL_NX + 1; k++)
                c += s.wc[k] * (s.x[k][i] - mean[i]) * (s.x[k][j] - mean[j]);
            g->P[i][j] = c;
        }
    tl__mat_symmetrize(TL_NX, g->P);
    memcpy(g->x, mean, sizeof mean);
    g->t_s = t_s;
    return TL_OK;
}

int tl_track_predict(const struct tl_earth *e, enum tl_filter_kind f, enum tl_motion m,
                     const struct tl_motion_noise *q, const struct tl_gauss *prior, double t_s,
                     struct tl_gauss *pred)
{
    struct tl_gauss g;
    tl__mat l;
    int rc;

    if (e == NULL || q == NULL || prior == NULL || pred == NULL || !isfinite(t_s) ||
        (unsigned)m >= TL_N_MOTIONS)
        return TL_EINVAL;
    g = *prior;
    if (t_s == g.t_s) {
        *pred = g;
        return TL_OK;
    }
    /* Lift needs air: above the atmosphere the manoeuvre model is the ballistic one. */
    if (m == TL_MOTION_MANEUVER && tl_geo_height(&e->shape, g.x) >= TL__IMM_MANEUVER_TOP_M)
        m = TL_MOTION_BALLISTIC;
    rc = f == TL_FILTER_UKF ? predict_ukf(e, m, q, &g, t_s) : predict_ekf(e, m, q, &g, t_s);
    if (rc != TL_OK)
        return rc;
    for (int i = 0; i < TL_NX; i++)
        if (!isfinite(g.x[i]))
            return TL_ENOTPD;
    /* A prediction that left the physics (a diverged drag, a stiff step) is refused as a lost
     * covariance is, not passed on: 10^6 km from the Earth's centre or 100 km/s. */
    if (g.x[0] * g.x[0] + g.x[1] * g.x[1] + g.x[2] * g.x[2] > 1e18 ||
        g.x[3] * g.x[3] + g.x[4] * g.x[4] + g.x[5] * g.x[5] > 1e10)
        return TL_ENOTPD;
    if (tl__mat_cholesky(TL_NX, (const double(*)[TL__MAT_MAX])g.P, l) != 0)
        return TL_ENOTPD;
    *pred = g;
    return TL_OK;
}
