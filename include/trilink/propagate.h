/* Numerical propagation: an adaptive Dormand-Prince 5(4) integrator with dense output, the
 * equations of motion of a body in ECEF, and ballistic coasting to impact with events.
 *
 * Frame choice: trilink integrates in ECEF (rotating with the Earth) with the Coriolis and
 * centrifugal terms, a = g(r) - 2 w x v - w x (w x r) + thrust/m - rho |v| v / (2 beta).
 * The atmosphere co-rotates, so v is already the air-relative velocity that drag and the
 * gravity-turn guidance need; sensors, truth files and tracks are ECEF; and the zonal gravity
 * field is fixed in this frame. With omega = 0 the same equations are inertial, which is how the
 * closed-form Kepler tests run. */
#ifndef TRILINK_PROPAGATE_H
#define TRILINK_PROPAGATE_H

#include <stddef.h>

#include "trilink/api.h"
#include "trilink/earth.h"
#include "trilink/err.h"

/* ---------------------------------------------------------------- integrator */

#define TL_ODE_MAXN 8 /**< largest state the integrator holds (fixed size: no allocation) */

/** Right-hand side dy/dt = f(t, y). Returns 0, or non-zero to abort the integration. */
typedef int (*tl_ode_rhs)(void *ctx, double t, const double *y, double *dydt);
/** Event function: an event happens where it changes sign. */
typedef double (*tl_ode_event)(void *ctx, double t, const double *y);

/** Tolerances and step bounds; zero fields take the defaults noted. */
struct tl_ode_cfg {
    double rtol;   /**< relative tolerance (default 1e-10) */
    double atol;   /**< absolute tolerance, state units (default 1e-6) */
    double h_init; /**< first step, s (default: estimated, Hairer's initial step rule) */
    double h_max;  /**< largest step, s (default 600) */
};

/** Dormand-Prince 5(4) state: a plain value the caller owns (no allocation). After each
 * tl_ode_step the dense output covers [t_prev, t]. */
struct tl_ode {
    int n;
    tl_ode_rhs f;
    void *ctx;
    struct tl_ode_cfg cfg;
    double t, h;                       /**< current time and the next step to try */
    double y[TL_ODE_MAXN];             /**< state at t */
    double k1[TL_ODE_MAXN];            /**< f(t, y), reused as the first stage (FSAL) */
    double t_prev, h_prev;             /**< last accepted step */
    double rc[5][TL_ODE_MAXN];         /**< dense-output coefficients of the last step */
    long n_eval, n_accept, n_reject;   /**< work counters */
};

/**
 * Start an integration at (t0, y0). The ODE retains @p ctx (the caller keeps it alive).
 * @retval TL_OK      ready.
 * @retval TL_EINVAL  NULL pointer, n outside 1..TL_ODE_MAXN, or non-finite start.
 * @retval TL_ERANGE  f aborted at the start point.
 */
TL_API int tl_ode_init(struct tl_ode *ode, int n, tl_ode_rhs f, void *ctx,
                       const struct tl_ode_cfg *cfg, double t0, const double *y0);

/**
 * Take one accepted step, never past @p t_stop (> ode->t). Rejected trial steps are retried
 * inside. On return the dense output covers [t_prev, t].
 * @retval TL_OK       stepped.
 * @retval TL_ERANGE   f aborted or produced a non-finite value.
 * @retval TL_ENOCONV  the step size underflowed (more than 1e-12 s) without meeting tolerance.
 */
TL_API int tl_ode_step(struct tl_ode *ode, double t_stop);

/** Dense output at @p t in [t_prev, t] (Hairer, Norsett & Wanner, Solving ODEs I, sec. II.6,
 * the 4th-order continuous extension of DOPRI5). */
TL_API void tl_ode_dense(const struct tl_ode *ode, double t, double *y);

/**
 * Locate a sign change of @p g in [t_a, t_b], a part of the last step, by Brent's method on
 * the dense output, to @p t_tol seconds. @p g_a and @p g_b are g at t_a and t_b (opposite signs
 * or zero).
 * @retval TL_OK      *t_event set.
 * @retval TL_EINVAL  no sign change, or the interval is not inside the last step.
 */
TL_API int tl_ode_locate(const struct tl_ode *ode, tl_ode_event g, void *gctx, double t_a,
                         double g_a, double t_b, double g_b, double t_tol, double *t_event);

/* ---------------------------------------------------------------- equations of motion */

/**
 * Acceleration (m/s^2) in ECEF of a body at @p r with ECEF velocity @p v (see the frame note
 * above). @p beta_kgpm2 is the ballistic coefficient m/(Cd A); 0 or infinite means no drag.
 * @p extra_acc (m/s^2, ECEF; NULL for none) is added as is: thrust, or drag the caller models
 * itself (the boost phase, whose drag coefficient varies with Mach number).
 */
TL_API void tl_propagate_accel(const struct tl_earth *e, const double r[3], const double v[3],
                               double beta_kgpm2, const double extra_acc[3], double a[3]);

/** Rate of change of geodetic height, n . v, where n is the ellipsoid normal at @p r (the
 * gradient of the height function). Positive while climbing. */
TL_API double tl_propagate_climb_rate(const struct tl_earth *e, const double r[3],
                                      const double v[3]);

/* ---------------------------------------------------------------- recorded paths */

/** A recorded trajectory: the dense output of every accepted step, so the state can be read at
 * any time in [t_begin, t_end]. Service object: tl_path_create / tl_path_destroy. */
struct tl_path;

TL_API int tl_path_create(struct tl_path **out);
TL_API void tl_path_destroy(struct tl_path *p); /**< NULL allowed */
/** Append the last step of @p ode (6-state position/velocity); steps must be appended in order. */
TL_API int tl_path_append(struct tl_path *p, const struct tl_ode *ode);
/** Append a segment from recorded states (a truth file's rows): position by the cubic Hermite
 * curve through (t0, y0) and (t1, y1) with their velocities, velocity linear between them.
 * @retval TL_OK, TL_EINVAL (t1 <= t0, or t0 before the end of the last segment), TL_ENOMEM. */
TL_API int tl_path_append_hermite(struct tl_path *p, double t0, const double y0[6], double t1,
                                  const double y1[6]);
/** Time span recorded; both NaN when empty. */
TL_API void tl_path_span(const struct tl_path *p, double *t_begin, double *t_end);
/** State (r, v) at @p t_s. @retval TL_ERANGE outside the recorded span (y unchanged). */
TL_API int tl_path_state(const struct tl_path *p, double t_s, double y[6]);

/* ---------------------------------------------------------------- ballistic coast */

/** Events of a coast to impact. Times are NaN when the event did not occur. */
struct tl_coast_result {
    double apogee_t_s;     /**< time of greatest height (dh/dt = 0, descending after) */
    double apogee_h_m;
    double apogee_y[6];
    double reentry_t_s;    /**< first time below TL_REENTRY_H_M after apogee (or apogee itself
                                when the apogee is lower than that) */
    double reentry_y[6];
    double impact_t_s;     /**< height 0 on the ellipsoid */
    double impact_y[6];
    long steps;            /**< accepted integrator steps */
};

/** Height of the reentry interface, m: the conventional 100 km (Karman line). */
#define TL_REENTRY_H_M 100000.0
/** Event times are located to this tolerance, s (the requirement is 1 ms). */
#define TL_EVENT_TOL_S 1e-6

/**
 * Coast a body (no thrust) from (t0, y0) until it reaches height 0, locating apogee, reentry and
 * impact. @p path (may be NULL) receives every step. Stops with TL_ENOSOL if no impact happens
 * before @p t_max_s (an orbit, or an escape); *res is then still written, with impact NaN and the
 * apogee NaN too unless one was passed.
 * @retval TL_OK, TL_EINVAL, TL_ENOSOL, TL_ENOCONV, TL_ENOMEM (path growth).
 */
TL_API int tl_propagate_coast(const struct tl_earth *e, double beta_kgpm2, double t0,
                              const double y0[6], double t_max_s, const struct tl_ode_cfg *cfg,
                              struct tl_path *path, struct tl_coast_result *res);

/** Aerodynamic lift of a quasi-ballistic warhead that pulls up and glides (KN-23/Iskander-like
 * terminal manoeuvre). Plain value. */
struct tl_glide {
    double lift_to_drag;   /**< largest lift the body trims to, as a multiple of its drag; 0: none */
    double max_accel_mps2; /**< structural/guidance limit on the lift acceleration */
};

/** Altitude window of the glide, m: the lift fades in above 20 km and out below 50 km. */
#define TL_GLIDE_LOW_M 20000.0
#define TL_GLIDE_HIGH_M 50000.0

/** The direction lift acts in at (r, v): the local vertical (ellipsoid normal) without its
 * component along v, as a unit vector (zero when v is vertical or under 1 m/s); the flight-path
 * angle in @p gamma_rad. Returns the height above the ellipsoid, m. */
TL_API double tl_propagate_lift_axis(const struct tl_earth *e, const double r[3], const double v[3],
                                     double up[3], double *gamma_rad);

/**
 * Lift acceleration (ECEF, rotating frame) of a gliding body at (r, v): normal to v in the
 * vertical plane, commanded to level a shallow descent (flight-path angle above -20 deg) inside
 * the glide window, at most min(L/D x drag, max_accel). Zero for @p glide NULL or L/D 0.
 */
TL_API void tl_propagate_lift(const struct tl_earth *e, const struct tl_glide *glide,
                              double beta_kgpm2, const double r[3], const double v[3],
                              double a[3]);

/** tl_propagate_coast with the lift of @p glide (NULL: ballistic, the same as the coast). */
TL_API int tl_propagate_glide(const struct tl_earth *e, double beta_kgpm2,
                              const struct tl_glide *glide, double t0, const double y0[6],
                              double t_max_s, const struct tl_ode_cfg *cfg, struct tl_path *path,
                              struct tl_coast_result *res);

/**
 * Propagate a coasting body from (t0, y0) to time @p t1 (earlier or later), no events.
 * @retval TL_OK, TL_EINVAL, TL_ENOCONV.
 */
TL_API int tl_propagate_ballistic(const struct tl_earth *e, double beta_kgpm2, double t0,
                                  const double y0[6], double t1, const struct tl_ode_cfg *cfg,
                                  double y1[6]);

#endif
