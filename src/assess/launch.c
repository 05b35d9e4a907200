/* Launch point and time (assess.h, tl_assess_launch).
 *
 * The catalogue's vehicles are flown to cut-off over the lofts and energies their guidance
 * allows (the boost profiles, sampled every second). A boosting state is met by each profile
 * where that profile passed the state's height; a state after burnout is run back along its
 * ballistic arc to each profile's burnout height. The profile's own time since ignition and
 * ground distance from the pad there finish the way back. Profiles are weighted by how well their
 * speed and flight-path angle match the state's there (the tracker's own thrust estimate, a
 * random walk that lags a real motor, is not flown back: 16 s of launch-time error on an IRBM
 * 58 s into its burn when it was); their
 * spread is the uncertainty the radar cannot resolve (a burn 15 % longer than the catalogue's is
 * 15 % of the burn time of launch-time error), and is added to the track's own, carried by sigma
 * points (Julier & Uhlmann 2004). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/assess.h"
#include "trilink/boost.h"
#include "trilink/trajectory.h"
#include "assess_int.h"
#include "estim.h"

/* ---- boost profiles --------------------------------------------------------------------- */

#define MAX_PROFILES 512

/* Samples of a boost, every PROFILE_STEP_S from ignition to cut-off: time, height, ECEF speed,
 * flight-path angle and ground distance from the pad. */
#define PROFILE_STEP_S 1.0
#define PROFILE_MAX_SAMPLES 400
enum { S_T, S_H, S_V, S_GAMMA, S_D, S_N };

/* A vehicle's state at cut-off, relative to its pad and ignition, and its boost. */
struct profile {
    double t_bo_s;      /* burn time flown */
    double h_bo_m;      /* burnout height */
    double v_bo_mps;    /* ECEF speed */
    double gamma_bo;    /* flight-path angle above the local horizontal, rad */
    double d_bo_m;      /* ground distance from the pad */
    int n;              /* samples of the boost */
    float samp[PROFILE_MAX_SAMPLES][S_N];
};

static struct profile *profiles; /* MAX_PROFILES, allocated once */
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
    struct tl_path *path = NULL;
    struct tl_lla bo;
    struct profile *p;
    double site[3];

    if (n_profiles == MAX_PROFILES || tl_path_create(&path) != TL_OK)
        return;
    if (tl_traj_boost(e, v, l, path, &s) != TL_OK || !(s.burnout_h_m > 1000.0)) {
        tl_path_destroy(path);
        return;
    }
    p = &profiles[n_profiles++];
    bo = tl_geo_ecef_to_lla(&e->shape, s.burnout_y);
    p->t_bo_s = s.burnout_t_s;
    p->h_bo_m = s.burnout_h_m;
    p->v_bo_mps = s.burnout_speed_mps;
    p->gamma_bo = flight_path_angle(e, s.burnout_y);
    tl_geo_inverse(&e->shape, l->site.lat_rad, l->site.lon_rad, bo.lat_rad, bo.lon_rad,
                   &p->d_bo_m, NULL, NULL);
    tl_geo_lla_to_ecef(&e->shape, &l->site, site);
    p->n = 0;
    for (double t = 0.0; t <= s.burnout_t_s && p->n < PROFILE_MAX_SAMPLES; t += PROFILE_STEP_S) {
        double y[6], d = 0.0;
        struct tl_lla at;
        if (tl_path_state(path, t, y) != TL_OK)
            break;
        at = tl_geo_ecef_to_lla(&e->shape, y);
        if (t > 0.0)
            tl_geo_inverse(&e->shape, l->site.lat_rad, l->site.lon_rad, at.lat_rad, at.lon_rad, &d,
                           NULL, NULL);
        p->samp[p->n][S_T] = (float)t;
        p->samp[p->n][S_H] = (float)(at.h_m - l->site.h_m);
        p->samp[p->n][S_V] = (float)sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5]);
        p->samp[p->n][S_GAMMA] = (float)flight_path_angle(e, y);
        p->samp[p->n][S_D] = (float)d;
        p->n++;
    }
    tl_path_destroy(path);
}

static void build_profiles(void)
{
    static struct tl_vehicle_set set;
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_diag d;

    if (tl_boost_catalog_default(&set, &d) != TL_OK)
        return; /* a broken compiled-in catalogue fails its own tests; no profiles here */
    if ((profiles = malloc(MAX_PROFILES * sizeof *profiles)) == NULL)
        return; /* no profiles: launches first seen after burnout get none (TL_ENOSOL) */
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

/* One profile's account of a launch: its time, its pad (ECEF), its misfit (chi-square), the
 * time since ignition and distance from the pad it put back, and the ground track's azimuth. */
struct cand {
    double t, p[3], d2, tau, dist, az;
};

/* A real motor is not the catalogue's: burn times and thrust +-15 % (uniform: a 9 % sigma) move
 * the time since ignition and the distance flown at a given state by as much. Each profile
 * carries that much of its own time and distance as uncertainty. */
#define VEHICLE_SPREAD 0.09

/* The pad @p dist_m back along the ground track of the state at @p r with velocity @p v. */
static void pad_behind(const struct tl_earth *e, const double r[3], const double v[3],
                       double dist_m, double out[3], double *az)
{
    const struct tl_lla at = tl_geo_ecef_to_lla(&e->shape, r);
    double enu[3][3], ve, vn;
    struct tl_lla pad;

    tl_geo_enu_basis(at.lat_rad, at.lon_rad, enu);
    ve = enu[0][0] * v[0] + enu[0][1] * v[1] + enu[0][2] * v[2];
    vn = enu[1][0] * v[0] + enu[1][1] * v[1] + enu[1][2] * v[2];
    *az = atan2(ve, vn);
    tl_geo_direct(&e->shape, at.lat_rad, at.lon_rad, *az + M_PI, dist_m, &pad.lat_rad,
                  &pad.lon_rad, NULL);
    pad.h_m = 0.0;
    tl_geo_lla_to_ecef(&e->shape, &pad, out);
}

/* The profiles' mixture: candidates weighted exp(-d2 / 2) (those within 6 sigma; the nearest
 * alone when none is), their mean time and ECEF pad, and (when @p t_var is not NULL) their
 * variance of time and east-north covariance about the mean, each candidate's VEHICLE_SPREAD
 * included (the distance along its ground track). Returns 0, or -1 for none. */
static int mixture(const struct tl_earth *e, const struct cand *c, int n, double *t_mean,
                   double p_mean[3], double *t_var, double c_en[2][2])
{
    double wsum = 0.0, tm = 0.0, pm[3] = { 0, 0, 0 }, best_d2 = INFINITY;
    int best = -1, used = 0;

    for (int i = 0; i < n; i++) {
        if (c[i].d2 < best_d2) {
            best_d2 = c[i].d2;
            best = i;
        }
        used += c[i].d2 < 36.0;
    }
    if (best < 0)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        const struct tl_lla ml = tl_geo_ecef_to_lla(&e->shape, pm);
        if (pass == 1) {
            if (t_var == NULL)
                break;
            *t_var = 0.0;
            memset(c_en, 0, 4 * sizeof c_en[0][0]);
        }
        for (int i = 0; i < n; i++) {
            const double w = used == 0 ? (i == best) : c[i].d2 < 36.0 ? exp(-0.5 * c[i].d2) : 0.0;
            double enu[3];
            if (w <= 0.0)
                continue;
            if (pass == 0) {
                wsum += w;
                tm += w * c[i].t;
                for (int k = 0; k < 3; k++)
                    pm[k] += w * c[i].p[k];
                continue;
            }
            tl_geo_ecef_to_enu(&e->shape, &ml, c[i].p, enu);
            {
                const double u[2] = { sin(c[i].az), cos(c[i].az) };
                const double dv = pow(VEHICLE_SPREAD * c[i].dist, 2);
                *t_var += w / wsum * ((c[i].t - tm) * (c[i].t - tm) +
                                      pow(VEHICLE_SPREAD * c[i].tau, 2));
                for (int r = 0; r < 2; r++)
                    for (int q = 0; q < 2; q++)
                        c_en[r][q] += w / wsum * (enu[r] * enu[q] + dv * u[r] * u[q]);
            }
        }
        if (pass == 0) {
            tm /= wsum;
            for (int k = 0; k < 3; k++)
                pm[k] /= wsum;
        }
    }
    *t_mean = tm;
    memcpy(p_mean, pm, sizeof pm);
    return 0;
}

/* A state after burnout: each profile's burnout met where the arc run back passes its burnout
 * height climbing, matched by speed and flight-path angle there. */
static int launch_from_arc(const struct tl_earth *e, const struct arc *a, double *t_mean,
                           double p_mean[3], double *t_var, double c_en[2][2])
{
    static _Thread_local struct cand c[MAX_PROFILES];
    const int np = tl__assess_boost_profiles();
    double best_d2 = INFINITY;
    int n = 0;

    if (a->n < 2)
        return -1;
    for (int p = 0; p < np; p++) {
        const struct profile *pr = &profiles[p];
        double f, v, g, rr[3], vv[3];
        int i;
        /* The latest climbing sample at or below the burnout height (samples run back in time:
         * heights fall along the array on the ascending branch). */
        for (i = 0; i < a->n && a->h[i] > pr->h_bo_m; i++)
            ;
        if (i == 0 || i == a->n)
            continue; /* seen climbing below the burnout height, or the arc never gets that low */
        f = (a->h[i - 1] - pr->h_bo_m) / (a->h[i - 1] - a->h[i]);
        v = a->v[i - 1] + f * (a->v[i] - a->v[i - 1]);
        g = a->gamma[i - 1] + f * (a->gamma[i] - a->gamma[i - 1]);
        for (int k = 0; k < 3; k++) {
            rr[k] = a->r[i - 1][k] + f * (a->r[i][k] - a->r[i - 1][k]);
            vv[k] = a->vel[i - 1][k] + f * (a->vel[i][k] - a->vel[i - 1][k]);
        }
        c[n].d2 = pow((v - pr->v_bo_mps) / (SIGMA_V_FRACTION * pr->v_bo_mps), 2) +
                  pow((g - pr->gamma_bo) / SIGMA_GAMMA, 2);
        if (c[n].d2 >= 36.0 && c[n].d2 >= best_d2)
            continue; /* no weight, and not the nearest: no pad needed (the geodesic is the cost) */
        best_d2 = fmin(best_d2, c[n].d2);
        c[n].t = a->t[i - 1] + f * (a->t[i] - a->t[i - 1]) - pr->t_bo_s;
        c[n].tau = pr->t_bo_s;
        c[n].dist = pr->d_bo_m;
        pad_behind(e, rr, vv, pr->d_bo_m, c[n].p, &c[n].az);
        n++;
    }
    return mixture(e, c, n, t_mean, p_mean, t_var, c_en);
}

/* A boosting state's misfit widths: the tracker's speed lags a booster's (its thrust model is a
 * random walk: 8 % slow at 58 s into an IRBM's burn), so 10 % and 30 m/s; the flight-path angle
 * to 5 deg. */
#define BOOST_SIGMA_V_FRACTION 0.10
#define BOOST_SIGMA_V_MPS 30.0
#define BOOST_SIGMA_GAMMA (5.0 * M_PI / 180.0)

/* A boosting state: each profile at the moment it passed the state's height (boosts climb
 * throughout), matched by speed and flight-path angle then; its time since ignition and ground
 * distance from the pad there give the launch. */
static int launch_from_boost(const struct tl_earth *e, const double x[6], double t0,
                             double *t_mean, double p_mean[3], double *t_var, double c_en[2][2])
{
    static _Thread_local struct cand c[MAX_PROFILES];
    const int np = tl__assess_boost_profiles();
    const double h = fmax(0.0, tl_geo_height(&e->shape, x));
    const double v = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]), g = flight_path_angle(e, x);
    double best_d2 = INFINITY;
    int n = 0;

    for (int p = 0; p < np; p++) {
        const struct profile *pr = &profiles[p];
        const float(*sm)[S_N] = pr->samp;
        double f, vp, gp, tp, dp;
        int i;
        for (i = 1; i < pr->n && sm[i][S_H] < h; i++)
            ;
        if (i >= pr->n)
            continue; /* this profile burns out below the state */
        f = sm[i][S_H] > sm[i - 1][S_H] ? (h - sm[i - 1][S_H]) / (sm[i][S_H] - sm[i - 1][S_H]) : 0.0;
        f = fmax(0.0, fmin(1.0, f));
        tp = sm[i - 1][S_T] + f * (sm[i][S_T] - sm[i - 1][S_T]);
        vp = sm[i - 1][S_V] + f * (sm[i][S_V] - sm[i - 1][S_V]);
        gp = sm[i - 1][S_GAMMA] + f * (sm[i][S_GAMMA] - sm[i - 1][S_GAMMA]);
        dp = sm[i - 1][S_D] + f * (sm[i][S_D] - sm[i - 1][S_D]);
        c[n].d2 = pow((v - vp) / (BOOST_SIGMA_V_FRACTION * vp + BOOST_SIGMA_V_MPS), 2) +
                  pow((g - gp) / BOOST_SIGMA_GAMMA, 2);
        if (c[n].d2 >= 36.0 && c[n].d2 >= best_d2)
            continue; /* no weight, and not the nearest: no pad needed */
        best_d2 = fmin(best_d2, c[n].d2);
        c[n].t = t0 - tp;
        c[n].tau = tp;
        c[n].dist = dp;
        pad_behind(e, x, x + 3, dp, c[n].p, &c[n].az);
        n++;
    }
    return mixture(e, c, n, t_mean, p_mean, t_var, c_en);
}

/* ---- the estimate ---------------------------------------------------------------------- */

/* Sigma points over position and velocity (and thrust, in boost): 2n + 1 launches. */
int tl_assess_launch(const struct tl_earth *e, const struct tl_gauss *first, double boost_prob,
                     struct tl_launch_est *out)
{
    static _Thread_local struct arc arc;
    const int boost = boost_prob >= 0.5, n = 6;
    struct tl__sigma s;
    double pts[2 * 6 + 1][3], ts[2 * 6 + 1], mean[3] = { 0, 0, 0 }, tm = 0.0, tv = 0.0;
    double c[2][2] = { { 0 } }, within_t = 0.0, within_c[2][2] = { { 0 } };
    struct tl_launch_est r;

    if (e == NULL || first == NULL || out == NULL)
        return TL_EINVAL;
    if (tl__sigma_points(n, first->x, (const double(*)[TL_NX])first->P, &s) != 0)
        return TL_ENOTPD;
    for (int k = 0; k < 2 * n + 1; k++) {
        int rc;
        if (boost) {
            rc = launch_from_boost(e, s.x[k], first->t_s, &ts[k], pts[k],
                                   k == 0 ? &within_t : NULL, within_c);
        } else {
            arc_back(e, s.x[k], first->t_s, &arc);
            rc = launch_from_arc(e, &arc, &ts[k], pts[k], k == 0 ? &within_t : NULL, within_c);
        }
        if (rc != 0)
            return TL_ENOSOL;
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
        k->next_t_s = g->t_s + (k->est.from_boost ? 4.0 : 10.0);
        return 1;
    }
    if (!k->est.from_boost && r->phase == TL_PHASE_BOOST &&
        r->model_prob[TL_MOTION_BOOST] >= 0.5 &&
        sqrt(g->P[0][0] + g->P[1][1] + g->P[2][2]) <= 1000.0 &&
        tl_assess_launch(e, g, 1.0, &est) == TL_OK) {
        /* Taken for a coasting object at first, it is still under power: an arc run back from
         * a boosting state puts the launch far too early (30 s for 60 on a lofted ICBM first
         * seen in its second stage), so the boost's estimate replaces it, however certain. */
        bound_by_detection(e, sensors, r, &est);
        k->est = est;
        k->next_t_s = g->t_s + 8.0;
        return 1;
    }
    if (g->t_s < k->next_t_s)
        return 0;
    if (k->est.from_boost) {
        /* Still in boost: a state the tracker knows well (a radar has ranged it; angles alone
         * leave the height open) gives a launch as good as the profiles allow. */
        if (r->phase != TL_PHASE_BOOST || sqrt(g->P[0][0] + g->P[1][1] + g->P[2][2]) > 1000.0)
            return 0;
        k->next_t_s = g->t_s + 8.0;
    } else {
        /* Coasting: the arc is known better with every report. */
        if (r->phase != TL_PHASE_MIDCOURSE)
            return 0;
        k->next_t_s = g->t_s + fmax(20.0, 0.5 * (g->t_s - k->first_t_s));
    }
    if (tl_assess_launch(e, g, k->est.from_boost ? 1.0 : 0.0, &est) != TL_OK)
        return 0;
    bound_by_detection(e, sensors, r, &est);
    /* The more certain launch time is kept: an arc run back from midcourse past a second
     * stage's burn fits more profile families than the first state did. */
    if (est.t_sigma_s >= k->est.t_sigma_s)
        return 0;
    k->est = est;
    return 1;
}
