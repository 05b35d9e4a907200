/* Launch point and time (assess.h, tl_assess_launch).
 *
 * Two cases. A track that began in boost is flown backwards with its estimated thrust held along
 * the velocity (a gravity turn run in reverse) until the speed is nearly zero: the pad. A track
 * that began after burnout carries no trace of the boost, so the boost is supplied: the
 * catalogue's vehicles are flown to cut-off over the lofts and energies their guidance allows
 * (the boost profiles), the track's ballistic arc is run back to each profile's burnout height,
 * and the profile's own time and ground distance from the pad finish the way back. Profiles are
 * weighted by how well their burnout speed and flight-path angle match the arc's there; their
 * spread is the uncertainty the radar cannot resolve (a burn 15 % longer than the catalogue's is
 * 15 % of the burn time of launch-time error), and is added to the track's own, carried by sigma
 * points (Julier & Uhlmann 2004). */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "trilink/assess.h"
#include "trilink/boost.h"
#include "trilink/trajectory.h"
#include "assess_int.h"
#include "estim.h"

/* ---- boost profiles --------------------------------------------------------------------- */

#define MAX_PROFILES 512

/* A vehicle's state at cut-off, relative to its pad and ignition. */
struct profile {
    double t_bo_s;      /* burn time flown */
    double h_bo_m;      /* burnout height */
    double v_bo_mps;    /* ECEF speed */
    double gamma_bo;    /* flight-path angle above the local horizontal, rad */
    double d_bo_m;      /* ground distance from the pad */
};

static struct profile profiles[MAX_PROFILES];
static int n_profiles;
static pthread_once_t profiles_once = PTHREAD_ONCE_INIT;

/* Kicks (loft: small lofted, large depressed) and energies each vehicle is flown with. The
 * designer's kicks run from 0.05 to 80 deg; a missile fired at a target cuts its engines at
 * 55-100 % of the burn (liquid) or burns out with a payload 0.6-1.6 times nominal (solid). */
static const double KICK_DEG[] = { 0.1, 0.3, 0.7, 1.5, 3.0, 6.0, 10.0, 16.0, 25.0, 40.0 };
static const double CUT_FRACTION[] = { 0.55, 0.7, 0.85, 1.0 };
static const double PAYLOAD_FACTOR[] = { 0.6, 1.0, 1.6 };

static double flight_path_angle(const struct tl_earth *e, const double y[6])
{
    const double sp = sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5]);

    return sp > 0.0 ? asin(fmax(-1.0, fmin(1.0, tl_propagate_climb_rate(e, y, y + 3) / sp)))
                    : M_PI / 2.0;
}

static void add_profile(const struct tl_earth *e, const struct tl_vehicle *v,
                        const struct tl_launch *l)
{
    struct tl_flight_summary s;
    struct tl_lla bo;
    struct profile *p;

    if (n_profiles == MAX_PROFILES || tl_traj_boost(e, v, l, NULL, &s) != TL_OK ||
        !(s.burnout_h_m > 1000.0))
        return;
    p = &profiles[n_profiles++];
    bo = tl_geo_ecef_to_lla(&e->shape, s.burnout_y);
    p->t_bo_s = s.burnout_t_s;
    p->h_bo_m = s.burnout_h_m;
    p->v_bo_mps = s.burnout_speed_mps;
    p->gamma_bo = flight_path_angle(e, s.burnout_y);
    tl_geo_inverse(&e->shape, l->site.lat_rad, l->site.lon_rad, bo.lat_rad, bo.lon_rad,
                   &p->d_bo_m, NULL, NULL);
}

static void build_profiles(void)
{
    static struct tl_vehicle_set set;
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_diag d;

    if (tl_boost_catalog_default(&set, &d) != TL_OK)
        return; /* a broken compiled-in catalogue fails its own tests; no profiles here */
    for (int i = 0; i < set.n; i++) {
        const struct tl_vehicle *v = &set.v[i];
        const double burn = tl_boost_burn_time(v);
        for (size_t k = 0; k < sizeof KICK_DEG / sizeof KICK_DEG[0]; k++) {
            /* A mid-latitude pad, flown east: the burnout state relative to the pad barely
             * depends on where it is (Coriolis over a few minutes of boost). */
            struct tl_launch l = { { 40.0 * M_PI / 180.0, 127.0 * M_PI / 180.0, 0.0 },
                                   M_PI / 2.0, KICK_DEG[k] * M_PI / 180.0, v->payload_kg, burn };
            if (v->propellant == TL_PROPELLANT_LIQUID) {
                for (size_t c = 0; c < sizeof CUT_FRACTION / sizeof CUT_FRACTION[0]; c++) {
                    l.cutoff_s = CUT_FRACTION[c] * burn;
                    add_profile(&e, v, &l);
                }
            } else {
                for (size_t c = 0; c < sizeof PAYLOAD_FACTOR / sizeof PAYLOAD_FACTOR[0]; c++) {
                    l.payload_kg = PAYLOAD_FACTOR[c] * v->payload_kg;
                    add_profile(&e, v, &l);
                }
            }
        }
    }
}

int tl__assess_boost_profiles(void)
{
    pthread_once(&profiles_once, build_profiles);
    return n_profiles;
}

/* ---- the ballistic arc, backwards ------------------------------------------------------- */

#define ARC_MAX 4096

/* Samples of the arc's ascending branch, latest first (as traced). */
struct arc {
    int n;
    double t[ARC_MAX], h[ARC_MAX], v[ARC_MAX], gamma[ARC_MAX];
    double r[ARC_MAX][3];
    double vel[ARC_MAX][3];
};

/* Runs the state back in time without thrust or drag (the arc above the atmosphere, and a
 * burnout at 30-100 km is above most of it) until it reaches the ground, recording the points
 * where it was climbing. RK4, 0.5 s steps below 150 km, 5 s to 400 km and 10 s above (the arc is smooth there). */
static void arc_back(const struct tl_earth *e, const double *x0, double t0, struct arc *a)
{
    double x[TL_NX], t = t0;

    memcpy(x, x0, sizeof x);
    for (int i = 6; i < TL_NX; i++)
        x[i] = 0.0;
    a->n = 0;
    for (int step = 0; step < 20000 && a->n < ARC_MAX; step++) {
        const double ht = tl_geo_height(&e->shape, x);
        double k1[TL_NX], k2[TL_NX], k3[TL_NX], k4[TL_NX], y[TL_NX], h;
        if (!(ht > 0.0))
            return;
        if (tl_propagate_climb_rate(e, x, x + 3) > 0.0) {
            const int n = a->n++;
            a->t[n] = t;
            a->h[n] = ht;
            a->v[n] = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
            a->gamma[n] = flight_path_angle(e, x);
            memcpy(a->r[n], x, sizeof a->r[n]);
            memcpy(a->vel[n], x + 3, sizeof a->vel[n]);
        }
        h = ht > 400e3 ? -10.0 : ht > 150e3 ? -5.0 : -0.5;
        tl__motion_rate(e, TL_MOTION_BALLISTIC, 1e9, x, k1);
        for (int i = 0; i < TL_NX; i++)
            y[i] = x[i] + 0.5 * h * k1[i];
        tl__motion_rate(e, TL_MOTION_BALLISTIC, 1e9, y, k2);
        for (int i = 0; i < TL_NX; i++)
            y[i] = x[i] + 0.5 * h * k2[i];
        tl__motion_rate(e, TL_MOTION_BALLISTIC, 1e9, y, k3);
        for (int i = 0; i < TL_NX; i++)
            y[i] = x[i] + h * k3[i];
        tl__motion_rate(e, TL_MOTION_BALLISTIC, 1e9, y, k4);
        for (int i = 0; i < 6; i++)
            x[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        t += h;
    }
}

/* Profile likelihood widths: the burnout speed to 5 % and the flight-path angle to 4 deg, about
 * what the +-15 % spread of real motors about the catalogue's moves them. */
#define SIGMA_V_FRACTION 0.05
#define SIGMA_GAMMA (4.0 * M_PI / 180.0)

/* One sigma point's launch, the profile mixture: mean time and ECEF point, and (for the caller's
 * centre point) the mixture's own variance of time and east-north covariance about the mean.
 * Returns 0, or -1 when no profile fits the arc. */
static int launch_from_arc(const struct tl_earth *e, const struct arc *a, double *t_mean,
                           double p_mean[3], double *t_var, double c_en[2][2])
{
    const int np = tl__assess_boost_profiles();
    double wsum = 0.0, tm = 0.0, pm[3] = { 0, 0, 0 }, best_d2 = INFINITY;
    static _Thread_local double wt[MAX_PROFILES], tl_[MAX_PROFILES], pt[MAX_PROFILES][3];
    int used = 0, best = -1;

    if (a->n < 2)
        return -1;
    for (int p = 0; p < np; p++) {
        const struct profile *pr = &profiles[p];
        double f, v, g, d2, lat, lon, az, rr[3], vv[3], enu_v[3];
        struct tl_lla at, pad;
        int i;
        wt[p] = 0.0;
        /* The latest climbing sample at or below the burnout height (samples run back in time:
         * heights fall along the array on the ascending branch). */
        for (i = 0; i < a->n && a->h[i] > pr->h_bo_m; i++)
            ;
        if (i == 0 || i == a->n)
            continue; /* seen climbing below the burnout height, or the arc never gets that low */
        f = (a->h[i - 1] - pr->h_bo_m) / (a->h[i - 1] - a->h[i]);
        v = a->v[i - 1] + f * (a->v[i] - a->v[i - 1]);
        g = a->gamma[i - 1] + f * (a->gamma[i] - a->gamma[i - 1]);
        d2 = pow((v - pr->v_bo_mps) / (SIGMA_V_FRACTION * pr->v_bo_mps), 2) +
             pow((g - pr->gamma_bo) / SIGMA_GAMMA, 2);
        for (int k = 0; k < 3; k++) {
            rr[k] = a->r[i - 1][k] + f * (a->r[i][k] - a->r[i - 1][k]);
            vv[k] = a->vel[i - 1][k] + f * (a->vel[i][k] - a->vel[i - 1][k]);
        }
        at = tl_geo_ecef_to_lla(&e->shape, rr);
        {
            double enu[3][3];
            tl_geo_enu_basis(at.lat_rad, at.lon_rad, enu);
            for (int k = 0; k < 3; k++)
                enu_v[k] = enu[k][0] * vv[0] + enu[k][1] * vv[1] + enu[k][2] * vv[2];
        }
        az = atan2(enu_v[0], enu_v[1]);
        /* Back along the ground track by the profile's burnout distance. */
        tl_geo_direct(&e->shape, at.lat_rad, at.lon_rad, az + M_PI, pr->d_bo_m, &lat, &lon, NULL);
        pad.lat_rad = lat;
        pad.lon_rad = lon;
        pad.h_m = 0.0;
        tl_geo_lla_to_ecef(&e->shape, &pad, pt[p]);
        tl_[p] = a->t[i - 1] + f * (a->t[i] - a->t[i - 1]) - pr->t_bo_s;
        if (d2 < best_d2) {
            best_d2 = d2;
            best = p;
        }
        if (d2 < 36.0) {
            wt[p] = exp(-0.5 * d2);
            used++;
        }
    }
    if (best < 0)
        return -1;
    if (used == 0) /* nothing near: the nearest profile alone */
        wt[best] = 1.0;
    for (int p = 0; p < np; p++)
        if (wt[p] > 0.0) {
            wsum += wt[p];
            tm += wt[p] * tl_[p];
            for (int k = 0; k < 3; k++)
                pm[k] += wt[p] * pt[p][k];
        }
    tm /= wsum;
    for (int k = 0; k < 3; k++)
        pm[k] /= wsum;
    *t_mean = tm;
    memcpy(p_mean, pm, sizeof pm);
    if (t_var != NULL) {
        const struct tl_lla ml = tl_geo_ecef_to_lla(&e->shape, pm);
        *t_var = 0.0;
        memset(c_en, 0, 4 * sizeof c_en[0][0]);
        for (int p = 0; p < np; p++) {
            double enu[3];
            if (wt[p] <= 0.0)
                continue;
            tl_geo_ecef_to_enu(&e->shape, &ml, pt[p], enu);
            *t_var += wt[p] / wsum * (tl_[p] - tm) * (tl_[p] - tm);
            for (int r = 0; r < 2; r++)
                for (int c = 0; c < 2; c++)
                    c_en[r][c] += wt[p] / wsum * enu[r] * enu[c];
        }
    }
    return 0;
}

/* ---- a boosting track, flown backwards ------------------------------------------------- */

/* Effective exhaust speed Isp g0 of the rocket equation, m/s: about 250 s of Isp (Sutton &
 * Biblarz: storable liquids 230-320 s, composite solids 240-300 s). */
#define EXHAUST_MPS 2500.0
/* Net acceleration off the pad is at least this, m/s^2 (thrust-to-weight above 1.2). */
#define MIN_LIFTOFF_ACC 2.0

/* Backward flight from a boosting state: thrust along the velocity whose magnitude falls as the
 * mass grows back (a = F / m, m - m_now = mdot (t_now - t), mdot / m_now = a_now / c: Tsiolkovsky
 * at constant mass flow), until the speed drops below 30 m/s or the height below 0; the last
 * 30 m/s of the vertical rise at the net acceleration then (thrust less gravity). */
static void trace_back_boost(const struct tl_earth *e, const double *x0, double t0,
                             double *t_out, double y_out[3])
{
    double x[TL_NX], t = t0;
    const double a0 = sqrt(x0[6] * x0[6] + x0[7] * x0[7] + x0[8] * x0[8]);
    double prev[TL_NX], tprev = t, sp = sqrt(x0[3] * x0[3] + x0[4] * x0[4] + x0[5] * x0[5]);

    memcpy(x, x0, sizeof x);
    for (int step = 0; step < 20000 && sp >= 30.0; step++) {
        const double h = -0.25;
        double k1[TL_NX], k2[TL_NX], k3[TL_NX], k4[TL_NX], y[TL_NX], ht;
        /* RK4 with the thrust re-aimed along the velocity at each stage. */
        double *ks[4] = { k1, k2, k3, k4 };
        memcpy(prev, x, sizeof x);
        tprev = t;
        for (int st = 0; st < 4; st++) {
            const double *src = st == 0 ? x : y;
            const double ts = t + (st == 0 ? 0.0 : st < 3 ? 0.5 * h : h);
            const double amag = a0 / (1.0 + a0 * (t0 - ts) / EXHAUST_MPS);
            double v = sqrt(src[3] * src[3] + src[4] * src[4] + src[5] * src[5]);
            double tmp[TL_NX];
            memcpy(tmp, src, sizeof tmp);
            for (int i = 0; i < 3; i++)
                tmp[6 + i] = v > 0 ? amag * src[3 + i] / v : 0.0;
            tl__motion_rate(e, TL_MOTION_BOOST, 1e9, tmp, ks[st]);
            for (int i = 6; i < TL_NX; i++)
                ks[st][i] = 0.0;
            if (st < 3) {
                const double f = st < 2 ? 0.5 : 1.0;
                for (int i = 0; i < TL_NX; i++)
                    y[i] = x[i] + f * h * ks[st][i];
            }
        }
        for (int i = 0; i < TL_NX; i++)
            x[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        t += h;
        sp = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
        ht = tl_geo_height(&e->shape, x);
        if (ht <= 0.0) { /* the ground before the pad's speed: interpolate to it */
            const double hp = tl_geo_height(&e->shape, prev);
            const double f = fmax(0.0, fmin(1.0, hp / (hp - ht)));
            *t_out = tprev + f * (t - tprev);
            for (int i = 0; i < 3; i++)
                y_out[i] = prev[i] + f * (x[i] - prev[i]);
            return;
        }
    }
    {
        const double amag = a0 / (1.0 + a0 * (t0 - t) / EXHAUST_MPS);
        *t_out = t - sp / fmax(MIN_LIFTOFF_ACC, amag - TL_G0);
    }
    memcpy(y_out, x, 3 * sizeof *x);
}

/* Model error of the boost flown back, as a fraction of the time and distance flown. */
#define BOOST_MODEL_FRACTION 0.1

/* ---- the estimate ---------------------------------------------------------------------- */

/* Sigma points over position and velocity (and thrust, in boost): 2n + 1 launches. */
int tl_assess_launch(const struct tl_earth *e, const struct tl_gauss *first, double boost_prob,
                     struct tl_launch_est *out)
{
    static _Thread_local struct arc arc;
    const int boost = boost_prob >= 0.5, n = boost ? 9 : 6;
    struct tl__sigma s;
    double pts[2 * 9 + 1][3], ts[2 * 9 + 1], mean[3] = { 0, 0, 0 }, tm = 0.0, tv = 0.0;
    double c[2][2] = { { 0 } }, within_t = 0.0, within_c[2][2] = { { 0 } };
    struct tl_launch_est r;

    if (e == NULL || first == NULL || out == NULL)
        return TL_EINVAL;
    if (tl__sigma_points(n, first->x, (const double(*)[TL_NX])first->P, &s) != 0)
        return TL_ENOTPD;
    for (int k = 0; k < 2 * n + 1; k++) {
        double x[TL_NX];
        memcpy(x, s.x[k], sizeof x);
        if (!boost) {
            arc_back(e, x, first->t_s, &arc);
            if (launch_from_arc(e, &arc, &ts[k], pts[k], k == 0 ? &within_t : NULL,
                                within_c) != 0)
                return TL_ENOSOL;
        } else {
            x[9] = first->x[9];
            trace_back_boost(e, x, first->t_s, &ts[k], pts[k]);
            if (k == 0) {
                /* The thrust law flown back is a model: a tenth of the way back in time and
                 * of the ground covered (a motor whose thrust rose or fell 20 % over the burn). */
                const struct tl_lla pad = tl_geo_ecef_to_lla(&e->shape, pts[0]);
                double enu[3];
                tl_geo_ecef_to_enu(&e->shape, &pad, first->x, enu);
                within_t = pow(BOOST_MODEL_FRACTION * (first->t_s - ts[0]), 2);
                within_c[0][0] = within_c[1][1] =
                    0.5 * pow(BOOST_MODEL_FRACTION * hypot(enu[0], enu[1]), 2);
            }
        }
        for (int i = 0; i < 3; i++)
            mean[i] += s.wm[k] * pts[k][i];
        tm += s.wm[k] * ts[k];
    }
    r.point = tl_geo_ecef_to_lla(&e->shape, mean);
    for (int k = 0; k < 2 * n + 1; k++) {
        double enu[3];
        tl_geo_ecef_to_enu(&e->shape, &r.point, pts[k], enu);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                c[a][b] += s.wc[k] * enu[a] * enu[b];
        tv += s.wc[k] * (ts[k] - tm) * (ts[k] - tm);
    }
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            r.cov_en[a][b] = c[a][b] + within_c[a][b];
    r.point.h_m = 0.0;
    r.t_s = tm;
    r.t_sigma_s = sqrt(fmax(0.0, tv + within_t));
    r.err_m = sqrt(fmax(0.0, r.cov_en[0][0] + r.cov_en[1][1]));
    tl__assess_ellipse((const double(*)[2])r.cov_en, &r.semi_major_m, &r.semi_minor_m,
                       &r.major_az_rad);
    r.from_boost = boost;
    *out = r;
    return TL_OK;
}

/* A space infrared sensor that reports a plume at its first scan near the ground saw it within a
 * revisit of ignition (the plume is brightest at lift-off); "near": the start's height, less two
 * sigmas of its position, below this. */
#define NEAR_PAD_H_M 1000.0

/* Standard normal density and distribution. */
static double npdf(double z)
{
    return exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
}

static double ncdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* The launch time N(t, sigma) known to lie in [lo, hi] (either bound infinite): the truncated
 * normal's mean and sigma (Johnson, Kotz & Balakrishnan, "Continuous Univariate Distributions"
 * 1, 10.1); uniform over the interval when the estimate is far outside it. */
static void truncate_time(double lo, double hi, double *t, double *sigma)
{
    const double s = fmax(*sigma, 1e-6);
    const double a = (lo - *t) / s, b = (hi - *t) / s;
    const double pa = isinf(a) ? 0.0 : npdf(a), pb = isinf(b) ? 0.0 : npdf(b);
    const double z = ncdf(b) - ncdf(a);
    double m, v;

    if (!(lo < hi))
        return;
    if (z < 1e-9) {
        if (isinf(lo) || isinf(hi)) { /* beyond a one-sided bound: at it, as uncertain */
            *t = isinf(lo) ? hi : lo;
            return;
        }
        *t = 0.5 * (lo + hi);
        *sigma = (hi - lo) / sqrt(12.0);
        return;
    }
    m = (pa - pb) / z;
    v = 1.0 + ((isinf(a) ? 0.0 : a * pa) - (isinf(b) ? 0.0 : b * pb)) / z - m * m;
    *t += s * m;
    *sigma = s * sqrt(fmax(v, 0.0));
}

/* What the first detection says: no launch after it, and one within a revisit before it when a
 * space infrared sensor saw the plume near the ground. */
static void bound_by_detection(const struct tl_earth *e, const struct tl_sensor_set *sensors,
                               const struct tl_track_report *r, struct tl_launch_est *est)
{
    const struct tl_gauss *g = r->start;
    double lo = -INFINITY;

    if (g == NULL)
        return;
    if (sensors != NULL && r->start_sensor >= 0 && r->start_sensor < sensors->n &&
        sensors->s[r->start_sensor].kind == TL_SENSOR_IR &&
        tl_geo_height(&e->shape, g->x) - 2.0 * sqrt(g->P[0][0] + g->P[1][1] + g->P[2][2]) <
            NEAR_PAD_H_M)
        lo = g->t_s - sensors->s[r->start_sensor].revisit_s;
    truncate_time(lo, g->t_s, &est->t_s, &est->t_sigma_s);
}

int tl_assess_launch_keep(const struct tl_earth *e, const struct tl_sensor_set *sensors,
                          struct tl_launch_keeper *k, const struct tl_track_report *r)
{
    struct tl_launch_est est;
    const struct tl_gauss *g = &r->state;

    if (e == NULL || k == NULL || r == NULL)
        return 0;
    if (!k->have) {
        if (r->first == NULL ||
            tl_assess_launch(e, r->first, r->first_phase_boost, &k->est) != TL_OK)
            return 0;
        bound_by_detection(e, sensors, r, &k->est);
        k->have = 1;
        k->first_t_s = r->first->t_s;
        k->next_t_s = g->t_s + 10.0;
        return 1;
    }
    if (g->t_s < k->next_t_s)
        return 0;
    if (k->est.from_boost)
        return 0; /* traced through the boost it saw: final */
    if (r->phase != TL_PHASE_MIDCOURSE)
        return 0;
    k->next_t_s = g->t_s + fmax(10.0, 0.25 * (g->t_s - k->first_t_s));
    if (tl_assess_launch(e, g, 0.0, &est) != TL_OK)
        return 0;
    bound_by_detection(e, sensors, r, &est);
    k->est = est;
    return 1;
}
