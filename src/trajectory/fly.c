#include <math.h>
#include <string.h>

#include "trilink/err.h"
#include "trilink/trajectory.h"

/* Coasting longer than this never returns: an orbit. Four hours is far beyond any ballistic
 * flight (the loftiest ICBM tests last under 90 minutes). */
#define T_MAX_FLIGHT_S 14400.0

/* Guidance phases of powered flight. */
enum phase { VERTICAL, PITCH, TURN };

struct boost_ctx {
    const struct tl_earth *e;
    const struct tl_vehicle *v;
    const struct tl_launch *l;
    double area_m2;
    double up[3];      /* local normal at the pad */
    double toward[3];  /* horizontal unit vector at the pad along the heading */
    enum phase phase;
    double t_pitch0;   /* start of the pitch-over */
    double pitch_rate; /* rad/s, signed like the kick */
};

static double norm3(const double a[3])
{
    return sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
}

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Tilt of the velocity from the pad's vertical toward the heading (rad, signed). */
static double velocity_tilt(const struct boost_ctx *c, const double v[3])
{
    return atan2(dot3(v, c->toward), dot3(v, c->up));
}

/* A launcher's upper stages: thrust in the plane of the flight, pitched above the local
 * horizontal just enough to null the climb rate by the time the horizontal speed is circular
 * (vertical-velocity nulling, the idea of the linear-tangent and powered-explicit laws reduced to
 * one line: a_up = -v_up / t_go + g - v_h^2 / r, t_go = (v_circ - v_h) / a_thrust). */
static void orbit_steering(const struct boost_ctx *c, const double r[3], const double v[3],
                           double a_thrust, double dir[3])
{
    const double w = c->e->omega, rn = norm3(r);
    const double vi[3] = { v[0] - w * r[1], v[1] + w * r[0], v[2] };
    double up[3], uh[3], v_up = 0.0, v_h, t_go, s_pitch;

    for (int i = 0; i < 3; i++) {
        up[i] = r[i] / rn;
        v_up += vi[i] * up[i];
    }
    for (int i = 0; i < 3; i++)
        uh[i] = vi[i] - v_up * up[i];
    v_h = norm3(uh);
    for (int i = 0; i < 3; i++)
        uh[i] = v_h > 0.0 ? uh[i] / v_h : 0.0;
    t_go = fmax(5.0, (sqrt(c->e->mu / rn) - v_h) / a_thrust);
    s_pitch = (-v_up / t_go + c->e->mu / (rn * rn) - v_h * v_h / rn) / a_thrust;
    s_pitch = fmax(-0.9, fmin(0.9, s_pitch));
    for (int i = 0; i < 3; i++)
        dir[i] = sqrt(1.0 - s_pitch * s_pitch) * uh[i] + s_pitch * up[i];
    /* back to the rotating frame: the direction is the same vector */
}

/* Powered flight: gravity, rotation, thrust along the guidance direction, drag with a
 * Mach-dependent coefficient on the whole stack. */
static int boost_rhs(void *ctx, double t, const double *y, double *dy)
{
    const struct boost_ctx *c = ctx;
    const double *r = y, *v = y + 3;
    const double h = tl_geo_height(&c->e->shape, r);
    const struct tl_atmos at = tl_earth_atmosphere(h);
    const double rho = at.rho_kgpm3 * tl_earth_density_factor(c->e, h);
    const struct tl_boost_state b = tl_boost_eval(c->v, c->l->payload_kg, c->l->cutoff_s, t, at.p_pa);
    const double sp = norm3(v);
    double dir[3], extra[3];

    if (c->phase == PITCH) {
        /* Thrust turns at a constant rate; the phase ends (an event) when the velocity has
         * turned by the kick angle. The thrust leads the velocity, so cap it short of 90 deg. */
        const double th = fmax(-1.5, fmin(1.5, c->pitch_rate * (t - c->t_pitch0)));
        for (int i = 0; i < 3; i++)
            dir[i] = cos(th) * c->up[i] + sin(th) * c->toward[i];
    } else if (c->phase == TURN && sp > 0.0 && c->v->orbital && t >= c->v->stage[0].burn_s &&
               b.thrust_n > 0.0) {
        orbit_steering(c, r, v, b.thrust_n / b.mass_kg, dir);
    } else if (c->phase == TURN && sp > 0.0) {
        for (int i = 0; i < 3; i++)
            dir[i] = v[i] / sp;
    } else {
        memcpy(dir, c->up, sizeof dir);
    }
    for (int i = 0; i < 3; i++)
        extra[i] = b.thrust_n / b.mass_kg * dir[i];
    if (c->e->drag && rho > 0.0 && sp > 0.0) {
        const double cd = tl_boost_drag_coefficient(sp / at.sound_mps);
        const double k = 0.5 * rho * sp * cd * c->area_m2 / b.mass_kg;
        for (int i = 0; i < 3; i++)
            extra[i] -= k * v[i];
    }
    dy[0] = v[0];
    dy[1] = v[1];
    dy[2] = v[2];
    tl_propagate_accel(c->e, r, v, 0.0, extra, dy + 3);
    return 0;
}

/* End of the pitch-over: velocity tilt minus kick, positive once the velocity has turned far
 * enough (either sign of kick). */
static double ev_pitch_done(void *ctx, double t, const double *y)
{
    const struct boost_ctx *c = ctx;

    (void)t;
    return c->l->kick_rad >= 0.0 ? velocity_tilt(c, y + 3) - c->l->kick_rad
                                 : c->l->kick_rad - velocity_tilt(c, y + 3);
}

/* Integrate powered flight over [*t, t1], where no scheduled discontinuity lies inside. During
 * the pitch-over, stops early at its end (and switches to the gravity turn). Returns TL_ENOSOL
 * if the vehicle falls back to the ground. */
static int boost_leg(struct boost_ctx *c, double *t, double t1, double y[6], struct tl_path *path)
{
    struct tl_ode ode;
    double g_prev = 0.0;
    int rc;

    if (c->phase == PITCH) {
        g_prev = ev_pitch_done(c, *t, y);
        /* Coriolis can tilt the velocity during the vertical rise by more than a tiny kick:
         * that pitch-over is already complete. */
        if (g_prev >= 0.0)
            c->phase = TURN;
    }
    if ((rc = tl_ode_init(&ode, 6, boost_rhs, c, NULL, *t, y)) != TL_OK)
        return rc;
    while (ode.t < t1) {
        if ((rc = tl_ode_step(&ode, t1)) != TL_OK)
            return rc;
        if (c->phase == PITCH) {
            double g = ev_pitch_done(c, ode.t, ode.y), te;
            if (g >= 0.0) {
                if ((rc = tl_ode_locate(&ode, ev_pitch_done, c, ode.t_prev, g_prev, ode.t, g,
                                        TL_EVENT_TOL_S, &te)) != TL_OK)
                    return rc;
                /* Truncate the step at the event; the caller restarts from there. */
                tl_ode_dense(&ode, te, y);
                if (path != NULL) {
                    ode.h_prev = te - ode.t_prev;
                    if (ode.h_prev > 0.0 && (rc = tl_path_append(path, &ode)) != TL_OK)
                        return rc;
                }
                c->phase = TURN;
                *t = te;
                return TL_OK;
            }
            g_prev = g;
        }
        if (path != NULL && (rc = tl_path_append(path, &ode)) != TL_OK)
            return rc;
        /* Below the ellipsoid after lift-off: it came down under thrust. */
        if (ode.t > 2.0 && tl_geo_height(&c->e->shape, ode.y) < fmin(c->l->site.h_m, 0.0))
            return TL_ENOSOL;
    }
    memcpy(y, ode.y, 6 * sizeof *y);
    *t = t1;
    return TL_OK;
}

int tl_traj_boost(const struct tl_earth *e, const struct tl_vehicle *v,
                  const struct tl_launch *l, struct tl_path *path, struct tl_flight_summary *sum)
{
    struct boost_ctx c;
    struct tl_flight_summary s;
    double enu[3][3], y[6], breaks[TL_MAX_STAGES + 2], t_cut, t = 0.0;
    const double sh = sin(l->heading_rad), ch = cos(l->heading_rad);
    int nb = 0, rc;

    if (e == NULL || v == NULL || l == NULL || sum == NULL || !(l->payload_kg > 0) ||
        !(l->cutoff_s > 0) || !isfinite(l->kick_rad) || !isfinite(l->heading_rad))
        return TL_EINVAL;
    memset(&c, 0, sizeof c);
    c.e = e;
    c.v = v;
    c.l = l;
    c.area_m2 = 0.25 * M_PI * v->diameter_m * v->diameter_m;
    tl_geo_enu_basis(l->site.lat_rad, l->site.lon_rad, enu);
    for (int i = 0; i < 3; i++) {
        c.up[i] = enu[2][i];
        c.toward[i] = sh * enu[0][i] + ch * enu[1][i];
    }
    t_cut = fmin(l->cutoff_s, tl_boost_burn_time(v));
    c.t_pitch0 = fmin(v->vertical_rise_s, t_cut);
    c.pitch_rate = copysign(tl_deg2rad(v->pitch_rate_dps), l->kick_rad);
    c.phase = VERTICAL;
    /* The right-hand side jumps at these times; integrate each piece separately so the error
     * control never straddles a discontinuity. */
    breaks[nb++] = c.t_pitch0;
    for (int i = 0; i < v->n_stages; i++) {
        t += v->stage[i].burn_s;
        breaks[nb++] = fmin(t, t_cut);
    }
    breaks[nb++] = t_cut;
    tl_geo_lla_to_ecef(&e->shape, &l->site, y);
    y[3] = y[4] = y[5] = 0.0;
    t = 0.0;
    memset(&s, 0, sizeof s);
    for (int i = 0; i < nb; i++) {
        while (t < breaks[i]) {
            if ((rc = boost_leg(&c, &t, breaks[i], y, path)) != TL_OK) {
                if (rc == TL_ENOSOL) { /* fell back under thrust: it reached no height at all */
                    s.apogee_h_m = -INFINITY;
                    s.apogee_t_s = s.impact_t_s = NAN;
                    *sum = s;
                }
                return rc;
            }
        }
        if (c.phase == VERTICAL && t >= c.t_pitch0)
            c.phase = l->kick_rad == 0.0 ? TURN : PITCH;
    }
    s.burnout_t_s = t_cut;
    memcpy(s.burnout_y, y, sizeof y);
    s.burnout_h_m = tl_geo_height(&e->shape, y);
    s.burnout_speed_mps = norm3(y + 3);
    s.apogee_t_s = s.apogee_h_m = s.reentry_t_s = s.reentry_speed_mps = s.impact_t_s = NAN;
    s.impact_speed_mps = s.range_m = s.bearing_rad = NAN;
    s.impact.lat_rad = s.impact.lon_rad = s.impact.h_m = NAN;
    *sum = s;
    return TL_OK;
}

int tl_traj_fly(const struct tl_earth *e, const struct tl_vehicle *v,
                const struct tl_launch *l, struct tl_path *path, struct tl_flight_summary *sum)
{
    struct tl_coast_result cr;
    struct tl_flight_summary s;
    double y[6], t_cut;
    int rc;

    if ((rc = tl_traj_boost(e, v, l, path, &s)) != TL_OK) {
        if (rc == TL_ENOSOL)
            *sum = s;
        return rc;
    }
    t_cut = s.burnout_t_s;
    memcpy(y, s.burnout_y, sizeof y);
    {
        const struct tl_glide glide = { v->glide_lift_to_drag, v->glide_max_g * TL_G0 };
        rc = tl_propagate_glide(e, v->rv_beta_kgpm2, v->glide_lift_to_drag > 0 ? &glide : NULL,
                                t_cut, y, T_MAX_FLIGHT_S, NULL, path, &cr);
    }
    s.apogee_t_s = cr.apogee_t_s;
    s.apogee_h_m = cr.apogee_h_m;
    if (rc == TL_ENOSOL) { /* an orbit or an escape; the apogee (if any) still guides solvers */
        if (isnan(s.apogee_h_m))
            s.apogee_h_m = INFINITY;
        s.impact_t_s = NAN;
        *sum = s;
        return TL_ENOSOL;
    }
    if (rc != TL_OK)
        return rc;
    s.reentry_t_s = cr.reentry_t_s;
    s.reentry_speed_mps = norm3(cr.reentry_y + 3);
    s.impact_t_s = cr.impact_t_s;
    s.impact = tl_geo_ecef_to_lla(&e->shape, cr.impact_y);
    s.impact_speed_mps = norm3(cr.impact_y + 3);
    tl_geo_inverse(&e->shape, l->site.lat_rad, l->site.lon_rad, s.impact.lat_rad,
                   s.impact.lon_rad, &s.range_m, &s.bearing_rad, NULL);
    *sum = s;
    return TL_OK;
}
