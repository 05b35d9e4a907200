/* Trajectory design and flight reconstruction by nested one-dimensional root finding. Every
 * function evaluation is a full flight (boost, coast, reentry), so what the solvers match is the
 * physics, not a formula. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trilink/err.h"
#include "trilink/trajectory.h"
#include "roots.h"

/* Values standing in for "infeasible" so that g(k) below stays monotone across the edges of the
 * feasible region and plain bracketing still works. Larger than any range on Earth. */
#define BIG_M 1.0e9
#define DEG (M_PI / 180.0)
#define KICK_MAX (80.0 * DEG)
#define HEADING_TOL_RAD 1e-7 /* 0.6 m at 6,000 km */

enum status { FEAS, TOO_LITTLE, TOO_MUCH };

struct design {
    const struct tl_earth *e;
    const struct tl_vehicle *v;
    const struct tl_design_req *req;
    struct tl_launch l; /* heading and site fixed during one inner solve */
    double p_lo, p_hi;  /* payload bounds (TL_ENERGY_PAYLOAD) */
    double t_min, t_full;
    /* Last inner solution, so the outer solver can read what the root flight did. */
    enum status st;
    struct tl_flight_summary sum;
    /* Previous solutions (NaN: none yet). Neighbouring solves differ little, so brackets are
     * grown around these first instead of spanning the whole domain. */
    double x_guess, k_guess;
};

static double wrap_pi(double a)
{
    return remainder(a, 2.0 * M_PI);
}

/* Energy parameter x in [0, 1], increasing with energy for either knob. */
static void set_energy(struct design *d, double x)
{
    if (d->req->knob == TL_ENERGY_PAYLOAD) {
        d->l.payload_kg = d->p_hi - x * (d->p_hi - d->p_lo);
        d->l.cutoff_s = d->t_full + 1.0;
    } else {
        d->l.payload_kg = d->v->payload_kg;
        d->l.cutoff_s = d->t_min + x * (d->t_full - d->t_min);
    }
}

static double along_range(const struct design *d, const struct tl_flight_summary *s)
{
    return s->range_m * cos(s->bearing_rad - d->req->bearing_rad);
}

/* Flies at the current kick with energy x. Orbit and fall-back are results, not errors. */
static int fly_x(struct design *d, double x, struct tl_flight_summary *s)
{
    int rc;

    set_energy(d, x);
    rc = tl_traj_fly(d->e, d->v, &d->l, NULL, s);
    return rc == TL_ENOSOL ? TL_OK : rc;
}

static int apogee_gap(void *ctx, double x, double *fx)
{
    struct design *d = ctx;
    struct tl_flight_summary s;
    int rc = fly_x(d, x, &s);

    if (rc != TL_OK)
        return rc;
    *fx = fmax(fmin(s.apogee_h_m, BIG_M), -BIG_M) - d->req->apogee_m;
    return TL_OK;
}

/* Grows a bracket of a root of the increasing function f around @p x0 inside [lo, hi]. On
 * success [*a, *b] holds a sign change. Otherwise returns TL_ENOSOL with *fa, *fb both the same
 * sign: positive means f > 0 down to lo, negative f < 0 up to hi. */
static int grow_bracket(tl__scalar_fn f, void *ctx, double x0, double delta, double lo, double hi,
                        double *a, double *b, double *fa, double *fb)
{
    int rc;

    *a = fmax(lo, x0 - delta);
    *b = fmin(hi, x0 + delta);
    if ((rc = f(ctx, *a, fa)) != TL_OK || (rc = f(ctx, *b, fb)) != TL_OK)
        return rc;
    for (;;) {
        if ((*fa > 0.0) != (*fb > 0.0) || *fa == 0.0 || *fb == 0.0)
            return TL_OK;
        delta *= 4.0;
        if (*fa > 0.0) { /* root lies lower */
            if (*a == lo)
                return TL_ENOSOL;
            *b = *a;
            *fb = *fa;
            *a = fmax(lo, *a - delta);
            if ((rc = f(ctx, *a, fa)) != TL_OK)
                return rc;
        } else {
            if (*b == hi)
                return TL_ENOSOL;
            *a = *b;
            *fa = *fb;
            *b = fmin(hi, *b + delta);
            if ((rc = f(ctx, *b, fb)) != TL_OK)
                return rc;
        }
    }
}

/* At the current kick, the energy that gives the requested apogee. Sets d->st and d->sum. */
static int solve_energy(struct design *d)
{
    double a, b, fa, fb, x;
    int rc;

    if (isnan(d->x_guess))
        rc = grow_bracket(apogee_gap, d, 0.5, 0.5, 0.0, 1.0, &a, &b, &fa, &fb);
    else
        rc = grow_bracket(apogee_gap, d, d->x_guess, 0.01, 0.0, 1.0, &a, &b, &fa, &fb);
    if (rc == TL_ENOSOL) {
        d->st = fa > 0.0 ? TOO_MUCH : TOO_LITTLE;
        return TL_OK;
    }
    if (rc != TL_OK)
        return rc;
    if ((rc = tl__brent_root(apogee_gap, d, a, b, fa, fb, 1e-11, 100, &x)) != TL_OK)
        return rc;
    if ((rc = fly_x(d, x, &d->sum)) != TL_OK)
        return rc;
    d->x_guess = x;
    /* An orbit through the requested apogee still has far too much energy for the range. */
    d->st = isnan(d->sum.impact_t_s) ? TOO_LITTLE : FEAS;
    return TL_OK;
}

/* Range gap at kick k with the apogee held: monotone increasing in k, with the infeasible
 * regions mapped to -BIG (too much energy: only at small kicks) and +BIG (too little). */
static int range_gap_apogee(void *ctx, double k, double *gk)
{
    struct design *d = ctx;
    int rc;

    d->l.kick_rad = k;
    if ((rc = solve_energy(d)) != TL_OK)
        return rc;
    if (d->st == TOO_MUCH)
        *gk = -BIG_M;
    else if (d->st == TOO_LITTLE)
        *gk = BIG_M;
    else
        *gk = along_range(d, &d->sum) - d->req->range_m;
    return TL_OK;
}

/* Flies the current launch (d->l) and gives its along-range; a flight that never comes down
 * counts as BIG_M (too far) and one that falls back under thrust as @p fell_back. */
static int fly_along(struct design *d, double fell_back, double *along)
{
    struct tl_flight_summary s;
    int rc = tl_traj_fly(d->e, d->v, &d->l, NULL, &s);

    if (rc == TL_ENOSOL)
        *along = isnan(s.impact_t_s) && s.apogee_h_m > 0 ? BIG_M : fell_back;
    else if (rc != TL_OK)
        return rc;
    else
        *along = along_range(d, &s);
    return TL_OK;
}

/* Along-range at kick k for the current energy, for the maximum-range search. */
static int range_at_kick(void *ctx, double k, double *rk)
{
    struct design *d = ctx;

    d->l.kick_rad = k;
    return fly_along(d, 0.0, rk);
}

/* The kicks tried, in order, when bracketing the range root. Dense near vertical, where lofted
 * trajectories live. */
static const double KICK_SCAN_DEG[] = { 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6,
                                        8, 11, 15, 20, 27, 35, 45, 55, 65, 80 };

/* Apogee-constrained solve at the current heading. */
static int kick_root(struct design *d, double a, double b, double ga, double gb, double sgn,
                     enum tl_design_why *why)
{
    double k_root, g;
    int rc;

    if ((rc = tl__brent_root(range_gap_apogee, d, a, b, ga, gb, 1e-11, 200, &k_root)) != TL_OK)
        return rc;
    if ((rc = range_gap_apogee(d, k_root, &g)) != TL_OK)
        return rc;
    if (d->st == FEAS && fabs(g) < 10.0) {
        d->k_guess = k_root;
        return TL_OK;
    }
    /* Converged onto an edge of the feasible region, not onto a root. */
    *why = (d->st == TOO_MUCH || (d->st == FEAS && g * sgn > 0.0)) ? TL_DESIGN_TOO_NEAR
                                                                  : TL_DESIGN_TOO_FAR;
    return TL_ENOSOL;
}

static int solve_apogee_range(struct design *d, enum tl_design_why *why)
{
    const int n = (int)(sizeof KICK_SCAN_DEG / sizeof KICK_SCAN_DEG[0]);
    double k_prev = 0.0, g_prev, g;
    double sgn;
    int rc;

    if (!isnan(d->k_guess)) { /* near the last heading's solution */
        double a, b, ga, gb;
        rc = grow_bracket(range_gap_apogee, d, d->k_guess, 0.2 * DEG, -KICK_MAX, KICK_MAX, &a,
                          &b, &ga, &gb);
        if (rc == TL_OK)
            return kick_root(d, a, b, ga, gb, 1.0, why);
        if (rc != TL_ENOSOL)
            return rc;
    }
    if ((rc = range_gap_apogee(d, 0.0, &g_prev)) != TL_OK)
        return rc;
    if (d->st == TOO_LITTLE) { /* not even straight up */
        *why = TL_DESIGN_TOO_FAR;
        return TL_ENOSOL;
    }
    sgn = g_prev < 0.0 ? 1.0 : -1.0; /* which way to tilt */
    for (int i = 0; i < n; i++) {
        double k = sgn * KICK_SCAN_DEG[i] * DEG;
        if ((rc = range_gap_apogee(d, k, &g)) != TL_OK)
            return rc;
        if ((g > 0.0) != (g_prev > 0.0) || g == 0.0)
            return sgn > 0 ? kick_root(d, k_prev, k, g_prev, g, sgn, why)
                           : kick_root(d, k, k_prev, g, g_prev, sgn, why);
        k_prev = k;
        g_prev = g;
    }
    *why = sgn > 0 ? TL_DESIGN_TOO_FAR : TL_DESIGN_TOO_NEAR;
    return TL_ENOSOL;
}

/* Along-range gap at energy x for the current kick (increasing in x). */
static int range_gap_energy(void *ctx, double x, double *gx)
{
    struct design *d = ctx;
    int rc;

    set_energy(d, x);
    if ((rc = fly_along(d, -BIG_M, gx)) != TL_OK)
        return rc;
    *gx -= d->req->range_m;
    return TL_OK;
}

/* Minimum-energy design at the current heading: the kick that maximises range at full energy,
 * then alternately the energy that reaches the range at that kick and the kick that maximises
 * range at that energy. Range is flat in the kick near its maximum (that is what minimum energy
 * means), so a few rounds settle both. */
static int solve_min_energy(struct design *d, enum tl_design_why *why)
{
    double k, r, a, b, fa, fb, x = 1.0;
    int rc;

    set_energy(d, 1.0);
    if ((rc = tl__golden_max(range_at_kick, d, 0.0, KICK_MAX, 1e-3, &k, &r)) != TL_OK)
        return rc;
    if (r < d->req->range_m) {
        *why = TL_DESIGN_TOO_FAR;
        return TL_ENOSOL;
    }
    for (int round = 0; round < 4; round++) {
        double k_prev = k;
        d->l.kick_rad = k;
        rc = grow_bracket(range_gap_energy, d, x, round == 0 ? 0.5 : 0.02, 0.0, 1.0, &a, &b, &fa,
                          &fb);
        if (rc == TL_ENOSOL) {
            *why = fa > 0.0 ? TL_DESIGN_TOO_NEAR : TL_DESIGN_TOO_FAR;
            return TL_ENOSOL;
        }
        if (rc != TL_OK ||
            (rc = tl__brent_root(range_gap_energy, d, a, b, fa, fb, 1e-10, 100, &x)) != TL_OK)
            return rc;
        set_energy(d, x);
        if ((rc = tl__golden_max(range_at_kick, d, fmax(0.0, k - 0.1), fmin(KICK_MAX, k + 0.1),
                                 2e-4, &k, &r)) != TL_OK)
            return rc;
        if (fabs(k - k_prev) < 2e-4)
            break;
    }
    d->l.kick_rad = k;
    d->x_guess = x;
    /* The energy for the range at the settled kick. */
    rc = grow_bracket(range_gap_energy, d, x, 0.01, 0.0, 1.0, &a, &b, &fa, &fb);
    if (rc == TL_ENOSOL) {
        *why = fa > 0.0 ? TL_DESIGN_TOO_NEAR : TL_DESIGN_TOO_FAR;
        return TL_ENOSOL;
    }
    if (rc != TL_OK ||
        (rc = tl__brent_root(range_gap_energy, d, a, b, fa, fb, 1e-11, 100, &x)) != TL_OK)
        return rc;
    set_energy(d, x);
    d->x_guess = x;
    if ((rc = tl_traj_fly(d->e, d->v, &d->l, NULL, &d->sum)) != TL_OK) {
        *why = TL_DESIGN_TOO_FAR;
        return TL_ENOSOL;
    }
    d->st = FEAS;
    return TL_OK;
}

/* Residuals (m) of a design at unknowns u. Apogee designs: u = (heading, kick, energy) against
 * (apogee error, along-range error, cross-track error). Minimum-energy designs keep the kick
 * and use u = (heading, energy) against (along-range error, cross-track error). Non-zero
 * return: the flight did not impact. */
static int residuals(struct design *d, int n, const double *u, double *r,
                     struct tl_flight_summary *s)
{
    double along, cross;
    int rc;

    d->l.heading_rad = u[0];
    if (n == 3)
        d->l.kick_rad = u[1];
    set_energy(d, u[n - 1]);
    rc = tl_traj_fly(d->e, d->v, &d->l, NULL, s);
    if (rc != TL_OK)
        return rc;
    along = along_range(d, s) - d->req->range_m;
    cross = s->range_m * sin(wrap_pi(s->bearing_rad - d->req->bearing_rad));
    if (n == 3) {
        r[0] = s->apogee_h_m - d->req->apogee_m;
        r[1] = along;
        r[2] = cross;
    } else {
        r[0] = along;
        r[1] = cross;
    }
    return TL_OK;
}

/* Solves the n x n (n <= 3) system a x = b by Gaussian elimination with partial pivoting. */
static int solve_small(int n, double a[3][3], double b[3], double x[3])
{
    for (int c = 0; c < n; c++) {
        int p = c;
        for (int i = c + 1; i < n; i++)
            if (fabs(a[i][c]) > fabs(a[p][c]))
                p = i;
        if (!(fabs(a[p][c]) > 0.0))
            return TL_ENOSOL;
        if (p != c) {
            double t;
            for (int j = 0; j < n; j++) {
                t = a[c][j];
                a[c][j] = a[p][j];
                a[p][j] = t;
            }
            t = b[c];
            b[c] = b[p];
            b[p] = t;
        }
        for (int i = c + 1; i < n; i++) {
            double f = a[i][c] / a[c][c];
            for (int j = c; j < n; j++)
                a[i][j] -= f * a[c][j];
            b[i] -= f * b[c];
        }
    }
    for (int i = n - 1; i >= 0; i--) {
        double acc = b[i];
        for (int j = i + 1; j < n; j++)
            acc -= a[i][j] * x[j];
        x[i] = acc / a[i][i];
    }
    return TL_OK;
}

static double max_abs(int n, const double *r)
{
    double m = 0.0;

    for (int i = 0; i < n; i++)
        m = fmax(m, fabs(r[i]));
    return m;
}

/* Damped Newton on n unknowns (see residuals) from a nearby solution, with a forward-difference
 * Jacobian: each iteration costs n + 1 flights, where re-running the nested solves for a new
 * heading costs dozens. The energy (last unknown) stays in [0, 1]. Converged when every residual
 * is under half a metre. Returns TL_ENOCONV when it stalls; callers then fall back. */
static int newton_polish(struct design *d, int n, double *u)
{
    static const double STEP_H = 1e-5, STEP_K = 1e-6, STEP_X = 1e-6; /* rad, rad, energy */
    double r[3], norm;
    struct tl_flight_summary s;

    if (residuals(d, n, u, r, &s) != TL_OK)
        return TL_ENOCONV;
    norm = max_abs(n, r);
    for (int it = 0; it < 12; it++) {
        double jac[3][3], rhs[3], du[3], lambda = 1.0;

        if (norm < 0.5) {
            d->sum = s;
            d->st = FEAS;
            return TL_OK;
        }
        for (int j = 0; j < n; j++) {
            double uj[3] = { u[0], u[1], n == 3 ? u[2] : 0.0 }, rj[3];
            struct tl_flight_summary sj;
            double h = j == 0 ? STEP_H : (j == n - 1 ? STEP_X : STEP_K);
            if (j == n - 1 && u[j] + h > 1.0) /* step inwards at the top of the energy range */
                h = -h;
            uj[j] += h;
            if (residuals(d, n, uj, rj, &sj) != TL_OK)
                return TL_ENOCONV;
            for (int i = 0; i < n; i++)
                jac[i][j] = (rj[i] - r[i]) / h;
        }
        for (int i = 0; i < n; i++)
            rhs[i] = -r[i];
        if (solve_small(n, jac, rhs, du) != TL_OK)
            return TL_ENOCONV;
        for (;;) { /* halve the step until the residual shrinks */
            double un[3], rn[3], nn;
            for (int j = 0; j < n; j++)
                un[j] = u[j] + lambda * du[j];
            un[0] = wrap_pi(un[0]);
            un[n - 1] = fmin(1.0, fmax(0.0, un[n - 1]));
            if (residuals(d, n, un, rn, &s) == TL_OK && (nn = max_abs(n, rn)) < norm) {
                memcpy(u, un, (size_t)n * sizeof *u);
                memcpy(r, rn, sizeof r);
                norm = nn;
                break;
            }
            lambda *= 0.5;
            if (lambda < 1.0 / 32.0)
                return TL_ENOCONV;
        }
    }
    return TL_ENOCONV;
}

int tl_traj_design(const struct tl_earth *e, const struct tl_vehicle *v,
                   const struct tl_design_req *req, struct tl_launch *launch,
                   struct tl_flight_summary *sum, enum tl_design_why *why)
{
    struct design d;
    enum tl_design_why w = TL_DESIGN_OK;
    const struct tl_stage *s1;
    double f_sl;
    int rc = TL_OK;

    if (why != NULL)
        *why = TL_DESIGN_OK;
    if (e == NULL || v == NULL || req == NULL || launch == NULL || sum == NULL ||
        !(req->range_m > 0) || !isfinite(req->bearing_rad) ||
        !(isnan(req->apogee_m) || req->apogee_m > 0) || tl_boost_validate(v, NULL) != TL_OK)
        return TL_EINVAL;
    memset(&d, 0, sizeof d);
    d.e = e;
    d.v = v;
    d.req = req;
    d.l.site = req->site;
    d.l.payload_kg = v->payload_kg;
    d.t_full = tl_boost_burn_time(v);
    /* Shortest cut-off: a few seconds into the pitch-over. */
    d.t_min = fmin(v->vertical_rise_s + 5.0, 0.5 * d.t_full);
    /* Payload bounds: the heaviest that still lifts off with thrust/weight 1.2 (a real
     * vehicle's minimum), at most 5x nominal; the lightest a fifth of nominal. */
    s1 = &v->stage[0];
    f_sl = s1->propellant_kg / s1->burn_s * TL_G0 * s1->isp_sl_s;
    d.p_hi = fmin(5.0 * v->payload_kg,
                  f_sl / (1.2 * TL_G0) - (tl_boost_liftoff_mass(v, 0.0)));
    d.p_lo = 0.2 * v->payload_kg;
    if (req->payload_max_kg > 0)
        d.p_hi = fmin(d.p_hi, req->payload_max_kg);
    if (req->payload_min_kg > 0)
        d.p_lo = req->payload_min_kg;
    if (req->knob == TL_ENERGY_PAYLOAD && !(d.p_hi > d.p_lo)) {
        if (why != NULL)
            *why = TL_DESIGN_TOO_FAR;
        return TL_ENOSOL;
    }
    d.x_guess = d.k_guess = NAN;
    d.l.heading_rad = req->bearing_rad;
    /* Coriolis bends the ground track, so re-aim until the impact lies on the requested bearing.
     * The bearing's response to the heading is near one for flat trajectories but far from it
     * for lofted ones (a large fixed westward drift plus a small kick-driven displacement), so a
     * secant iteration on err(heading), with steps limited to 30 degrees. */
    {
        double h_prev = NAN, e_prev = NAN;
        for (int it = 0; it < 30; it++) {
            double err, step;

            rc = isnan(req->apogee_m) ? solve_min_energy(&d, &w) : solve_apogee_range(&d, &w);
            if (rc != TL_OK)
                break;
            err = wrap_pi(req->bearing_rad - d.sum.bearing_rad);
            if (it == 0 && fabs(err) >= HEADING_TOL_RAD) {
                struct design saved = d;
                const int n = isnan(req->apogee_m) ? 2 : 3;
                double u[3] = { d.l.heading_rad, n == 3 ? d.l.kick_rad : d.x_guess, d.x_guess };
                if (newton_polish(&d, n, u) == TL_OK) {
                    *launch = d.l;
                    *sum = d.sum;
                    return TL_OK;
                }
                d = saved; /* fall back to re-aiming with nested solves */
            }
            if (fabs(err) < HEADING_TOL_RAD) {
                *launch = d.l;
                *sum = d.sum;
                return TL_OK;
            }
            step = err; /* first step: assume a one-to-one response */
            if (!isnan(e_prev) && err != e_prev) {
                double slope = (err - e_prev) / wrap_pi(d.l.heading_rad - h_prev);
                if (slope < 0.0) /* the expected sign: more heading, less error */
                    step = -err / slope;
            }
            step = fmax(-30.0 * DEG, fmin(30.0 * DEG, step));
            h_prev = d.l.heading_rad;
            e_prev = err;
            d.l.heading_rad = wrap_pi(d.l.heading_rad + step);
        }
    }
    if (rc == TL_OK)
        rc = TL_ENOCONV;
    if (why != NULL)
        *why = w;
    return rc;
}

int tl_traj_max_range(const struct tl_earth *e, const struct tl_vehicle *v,
                      const struct tl_launch *launch, struct tl_launch *best,
                      struct tl_flight_summary *sum)
{
    struct tl_design_req req;
    struct design d;
    double k, r;
    int rc;

    if (e == NULL || v == NULL || launch == NULL || sum == NULL)
        return TL_EINVAL;
    memset(&req, 0, sizeof req);
    memset(&d, 0, sizeof d);
    req.bearing_rad = launch->heading_rad;
    d.e = e;
    d.v = v;
    d.req = &req;
    d.l = *launch;
    if ((rc = tl__golden_max(range_at_kick, &d, 0.0, KICK_MAX, 1e-5, &k, &r)) != TL_OK)
        return rc;
    d.l.kick_rad = k;
    if ((rc = tl_traj_fly(e, v, &d.l, NULL, sum)) != TL_OK)
        return rc;
    if (best != NULL)
        *best = d.l;
    return TL_OK;
}

int tl_traj_design_vehicle(const struct tl_earth *e, const struct tl_vehicle *v,
                           const struct tl_design_req *req_in, int lighter_ok,
                           struct tl_launch *launch, struct tl_flight_summary *sum,
                           enum tl_design_why *why, enum tl_energy_knob *knob)
{
    struct tl_design_req req;
    enum tl_design_why w = TL_DESIGN_OK;
    int rc;

    if (req_in == NULL || v == NULL)
        return TL_EINVAL;
    req = *req_in;
    req.payload_max_kg = 0.0;
    req.payload_min_kg = v->payload_kg;
    if (v->propellant == TL_PROPELLANT_LIQUID) {
        req.knob = TL_ENERGY_CUTOFF;
        rc = tl_traj_design(e, v, &req, launch, sum, &w);
        if (rc == TL_ENOSOL && w == TL_DESIGN_TOO_FAR && lighter_ok) {
            req.knob = TL_ENERGY_PAYLOAD;
            req.payload_min_kg = 0.2 * v->payload_kg;
            req.payload_max_kg = v->payload_kg;
            rc = tl_traj_design(e, v, &req, launch, sum, &w);
        }
    } else {
        req.knob = TL_ENERGY_PAYLOAD;
        if (lighter_ok)
            req.payload_min_kg = 0.2 * v->payload_kg;
        rc = tl_traj_design(e, v, &req, launch, sum, &w);
        if (rc == TL_ENOSOL && w == TL_DESIGN_TOO_NEAR) {
            /* Even the heaviest payload is too much energy: terminate thrust early instead. */
            req.knob = TL_ENERGY_CUTOFF;
            rc = tl_traj_design(e, v, &req, launch, sum, &w);
        }
    }
    if (why != NULL)
        *why = w;
    if (rc == TL_OK && knob != NULL)
        *knob = req.knob;
    return rc;
}

const char *tl_phase_name(enum tl_phase phase)
{
    switch (phase) {
    case TL_PHASE_PRELAUNCH:
        return "prelaunch";
    case TL_PHASE_BOOST:
        return "boost";
    case TL_PHASE_MIDCOURSE:
        return "midcourse";
    case TL_PHASE_REENTRY:
        return "reentry";
    case TL_PHASE_IMPACTED:
        return "impacted";
    }
    return "unknown";
}

int tl_phase_from_name(const char *name)
{
    for (int p = TL_PHASE_PRELAUNCH; name != NULL && p <= TL_PHASE_IMPACTED; p++)
        if (strcmp(name, tl_phase_name((enum tl_phase)p)) == 0)
            return p;
    return -1;
}

enum tl_phase tl_traj_phase(const struct tl_flight_summary *sum, double t_s)
{
    if (t_s < 0.0)
        return TL_PHASE_PRELAUNCH;
    if (t_s < sum->burnout_t_s)
        return TL_PHASE_BOOST;
    if (t_s > sum->impact_t_s)
        return TL_PHASE_IMPACTED;
    if (t_s >= sum->reentry_t_s)
        return TL_PHASE_REENTRY;
    return TL_PHASE_MIDCOURSE;
}

/* The range classes --class names as families: each stands for its liquid class and its
 * variants ("srbm" for srbm and srbm-solid). */
static int is_range_family(const char *name)
{
    static const char *const fam[] = { "srbm", "mrbm", "irbm", "icbm" };
    for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++)
        if (strcmp(name, fam[i]) == 0)
            return 1;
    return 0;
}

static int in_family(const char *family, const char *name)
{
    const size_t n = strlen(family);
    return strncmp(name, family, n) == 0 && (name[n] == '\0' || name[n] == '-');
}

/* The smallest class that flies the request: first the liquid range classes in catalogue order
 * (srbm, mrbm, irbm, icbm: the classes the published flights were analysed with), then their
 * variants; only the very last class tried may carry a lighter payload. */
static int analyze_any(const struct tl_earth *e, const struct tl_vehicle_set *set,
                       const struct tl_design_req *req, struct tl_analysis *a,
                       enum tl_design_why *why)
{
    int order[TL_MAX_VEHICLES], n = 0, rc = TL_ENOSOL, stop = 0;
    enum tl_design_why w = TL_DESIGN_OK, first_why = TL_DESIGN_OK;

    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < set->n; i++)
            if (!set->v[i].orbital && (is_range_family(set->v[i].name) == (pass == 0)))
                order[n++] = i;
    for (int j = 0; j < n; j++) {
        const struct tl_vehicle *v = &set->v[order[j]];
        const int base = is_range_family(v->name);
        if (base && stop)
            continue; /* a base class had too much energy: smaller bases no longer matter */
        rc = tl_traj_design_vehicle(e, v, req, j == n - 1, &a->launch, &a->flight, &w, &a->knob);
        if (j == 0)
            first_why = w;
        if (rc == TL_OK) {
            snprintf(a->class_name, sizeof a->class_name, "%s", v->name);
            break;
        }
        if (base && (rc != TL_ENOSOL || w != TL_DESIGN_TOO_FAR))
            stop = 1;
    }
    *why = rc == TL_OK ? TL_DESIGN_OK : (first_why == TL_DESIGN_TOO_NEAR ? first_why : w);
    return rc;
}

int tl_traj_analyze(const struct tl_earth *e, const struct tl_vehicle_set *set,
                    const char *class_name, const struct tl_lla *site, double bearing_rad,
                    double apogee_m, double range_m, struct tl_analysis *out,
                    struct tl_diag *diag)
{
    struct tl_design_req req;
    struct tl_analysis a;
    struct tl_flight_summary std;
    enum tl_design_why why = TL_DESIGN_OK;
    int rc = TL_ENOSOL;

    if (e == NULL || set == NULL || site == NULL || out == NULL || !(apogee_m > 0) ||
        !(range_m > 0) || !isfinite(bearing_rad))
        return TL_EINVAL;
    memset(&req, 0, sizeof req);
    memset(&a, 0, sizeof a);
    req.site = *site;
    req.bearing_rad = bearing_rad;
    req.range_m = range_m;
    req.apogee_m = apogee_m;
    if (class_name != NULL && !is_range_family(class_name)) { /* one class, pinned */
        const struct tl_vehicle *v = tl_boost_catalog_find(set, class_name);
        if (v == NULL) {
            if (diag != NULL)
                snprintf(diag->message, sizeof diag->message, "unknown class '%s'", class_name);
            return TL_ENOTFOUND;
        }
        rc = tl_traj_design_vehicle(e, v, &req, 1, &a.launch, &a.flight, &why, &a.knob);
        if (rc == TL_OK)
            snprintf(a.class_name, sizeof a.class_name, "%s", v->name);
    } else if (class_name != NULL) { /* a range class: its liquid and solid variants */
        int found = 0;
        /* a variant that flies it with its nominal payload first, then a lighter payload */
        for (int lighter = 0; lighter < 2 && rc != TL_OK; lighter++)
            for (int i = 0; i < set->n && rc != TL_OK; i++) {
                if (set->v[i].orbital || !in_family(class_name, set->v[i].name))
                    continue;
                found = 1;
                rc = tl_traj_design_vehicle(e, &set->v[i], &req, lighter, &a.launch, &a.flight,
                                            &why, &a.knob);
                if (rc == TL_OK)
                    snprintf(a.class_name, sizeof a.class_name, "%s", set->v[i].name);
            }
        if (!found) {
            if (diag != NULL)
                snprintf(diag->message, sizeof diag->message, "no class of the '%s' family",
                         class_name);
            return TL_ENOTFOUND;
        }
    } else {
        rc = analyze_any(e, set, &req, &a, &why);
    }
    if (rc != TL_OK) {
        if (diag != NULL) {
            struct tl_analysis near;
            enum tl_design_why w2;
            char alt[TL_NAME_LEN + 48] = "";
            /* name the class that does fly it, so the analyst knows where to look */
            if (class_name != NULL && rc == TL_ENOSOL &&
                analyze_any(e, set, &req, &near, &w2) == TL_OK)
                snprintf(alt, sizeof alt, "; class %s flies it", near.class_name);
            snprintf(diag->message, sizeof diag->message,
                     "no trajectory %s reaches apogee %.1f km with range %.1f km (%s)%s",
                     class_name == NULL            ? "of any class"
                     : is_range_family(class_name) ? "of this range class"
                                                   : "of this class",
                     apogee_m / 1000.0, range_m / 1000.0,
                     why == TL_DESIGN_TOO_NEAR ? "too much energy for so short a flight"
                     : why == TL_DESIGN_TOO_FAR ? "not enough energy"
                                                : tl_strerror(rc),
                     alt);
        }
        return rc;
    }
    rc = tl_traj_max_range(e, tl_boost_catalog_find(set, a.class_name), &a.launch, NULL, &std);
    if (rc == TL_ENOSOL) { /* flown flat, the same vehicle would not come down */
        a.standard_range_m = INFINITY;
    } else if (rc != TL_OK) {
        if (diag != NULL)
            snprintf(diag->message, sizeof diag->message, "standard range: %s", tl_strerror(rc));
        return rc;
    } else {
        a.standard_range_m = std.range_m;
    }
    *out = a;
    return TL_OK;
}
