/* Design of a flight to orbit (trajectory.h, tl_traj_design_orbit): a launcher's last engine is
 * cut when its speed is circular where it is, and its kick (how steep the upper stages climb) is
 * chosen so that the orbit then reached is closest to the circular one asked for. A bisection
 * (the cut-off) inside a scan and golden-section search (the kick), each evaluation a flight of
 * the boost (tl_traj_boost). */
#include <math.h>
#include <string.h>

#include "trilink/trajectory.h"

#define DEG (M_PI / 180.0)
#define KICK_LO (0.2 * DEG)
#define KICK_HI (60.0 * DEG)
#define BISECTIONS 40
#define GOLDEN_STEPS 30

/* Inertial speed at burnout minus the circular speed at its radius (> 0: orbital speed). */
static double speed_margin(const struct tl_earth *e, const struct tl_flight_summary *s)
{
    const double *y = s->burnout_y, w = e->omega;
    const double v[3] = { y[3] - w * y[1], y[4] + w * y[0], y[5] };
    const double r = sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);

    return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) - sqrt(e->mu / r);
}

/* At the kick of @p l, the cut-off that gives circular speed: bisection between the end of the
 * first stage and the full burn. Returns 0 with *s the boost cut there, or -1 when even the full
 * burn is short of it. */
static int cut_for_orbit(const struct tl_earth *e, const struct tl_vehicle *v,
                         struct tl_launch *l, struct tl_flight_summary *s)
{
    double lo = v->stage[0].burn_s, hi = tl_boost_burn_time(v);

    l->cutoff_s = hi;
    if (tl_traj_boost(e, v, l, NULL, s) != TL_OK || speed_margin(e, s) < 0.0)
        return -1;
    for (int i = 0; i < BISECTIONS; i++) {
        l->cutoff_s = 0.5 * (lo + hi);
        if (tl_traj_boost(e, v, l, NULL, s) == TL_OK && speed_margin(e, s) >= 0.0)
            hi = l->cutoff_s;
        else
            lo = l->cutoff_s;
    }
    l->cutoff_s = hi;
    return tl_traj_boost(e, v, l, NULL, s) == TL_OK ? 0 : -1;
}

/* How far the orbit reached at kick @p k (cut at circular speed) is from the circular one
 * @p alt_m high: root-sum-square of its perigee's and apogee's height errors (m); +inf when the
 * kick reaches no orbital speed. */
static double orbit_miss(const struct tl_earth *e, const struct tl_vehicle *v, struct tl_launch *l,
                         double k, double alt_m)
{
    struct tl_flight_summary s;
    const double w = e->omega;
    double r, vv[3], h[3], v2, a, hn, ecc;
    const double *y;

    l->kick_rad = k;
    if (cut_for_orbit(e, v, l, &s) != 0)
        return INFINITY;
    y = s.burnout_y;
    vv[0] = y[3] - w * y[1];
    vv[1] = y[4] + w * y[0];
    vv[2] = y[5];
    r = sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
    v2 = vv[0] * vv[0] + vv[1] * vv[1] + vv[2] * vv[2];
    h[0] = y[1] * vv[2] - y[2] * vv[1];
    h[1] = y[2] * vv[0] - y[0] * vv[2];
    h[2] = y[0] * vv[1] - y[1] * vv[0];
    hn = sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
    a = 1.0 / (2.0 / r - v2 / e->mu);
    if (!(a > 0.0))
        return INFINITY;
    ecc = sqrt(fmax(0.0, 1.0 - hn * hn / (e->mu * a)));
    return hypot(a * (1.0 - ecc) - e->shape.a - alt_m, a * (1.0 + ecc) - e->shape.a - alt_m);
}

int tl_traj_design_orbit(const struct tl_earth *e, const struct tl_vehicle *v,
                         const struct tl_lla *site, double azimuth_rad, double alt_m,
                         struct tl_launch *launch, struct tl_flight_summary *sum)
{
    struct tl_launch l;
    struct tl_flight_summary s;
    double best = INFINITY, k_best = NAN, lo, hi;
    int rc;

    if (e == NULL || v == NULL || site == NULL || launch == NULL || sum == NULL ||
        !v->orbital || v->n_stages < 2 || !(alt_m > 150e3 && alt_m < 5e6))
        return TL_EINVAL;
    memset(&l, 0, sizeof l);
    l.site = *site;
    l.heading_rad = azimuth_rad;
    l.payload_kg = v->payload_kg;
    /* The kick decides how steep the upper stages climb, so where the orbit's perigee and apogee
     * fall: a scan, then golden-section search about the best (the miss is unimodal there). */
    for (double k = KICK_LO; k <= KICK_HI; k *= 1.25) {
        const double m = orbit_miss(e, v, &l, k, alt_m);
        if (m < best) {
            best = m;
            k_best = k;
        }
    }
    if (!isfinite(best))
        return TL_ENOSOL;
    lo = k_best / 1.25;
    hi = k_best * 1.25;
    for (int i = 0; i < GOLDEN_STEPS; i++) {
        const double g = 0.381966011250105, a = lo + g * (hi - lo), b = hi - g * (hi - lo);
        if (orbit_miss(e, v, &l, a, alt_m) < orbit_miss(e, v, &l, b, alt_m))
            hi = b;
        else
            lo = a;
    }
    if (!isfinite(orbit_miss(e, v, &l, 0.5 * (lo + hi), alt_m)))
        return TL_ENOSOL;
    rc = tl_traj_fly(e, v, &l, NULL, &s);
    if (rc != TL_ENOSOL || !isnan(s.impact_t_s))
        return rc == TL_OK ? TL_ENOSOL : rc; /* it came down: no orbit */
    *launch = l;
    *sum = s;
    return TL_OK;
}
