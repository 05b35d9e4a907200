#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/err.h"
#include "trilink/propagate.h"

/* Square of a radius (m) beyond which no point of WGS-84 is below 1,000 km. */
#define ATMOS_TOP_R2 ((6378137.0 + 1.0e6) * (6378137.0 + 1.0e6))

void tl_propagate_accel(const struct tl_earth *e, const double r[3], const double v[3],
                        double beta_kgpm2, const double extra_acc[3], double a[3])
{
    const double w = e->omega;
    double g[3];

    tl_earth_gravity(e, r, g);
    /* Rotating frame, w = (0, 0, omega): Coriolis -2 w x v and centrifugal -w x (w x r). */
    a[0] = g[0] + 2.0 * w * v[1] + w * w * r[0];
    a[1] = g[1] - 2.0 * w * v[0] + w * w * r[1];
    a[2] = g[2];
    if (extra_acc != NULL)
        for (int i = 0; i < 3; i++)
            a[i] += extra_acc[i];
    /* Skip the atmosphere cheaply where there is none (above 1,000 km; see tl_earth_atmosphere). */
    if (e->drag && beta_kgpm2 > 0.0 && isfinite(beta_kgpm2) &&
        r[0] * r[0] + r[1] * r[1] + r[2] * r[2] < ATMOS_TOP_R2) {
        const double h = tl_geo_height(&e->shape, r);
        if (h < 1.0e6) {
            const double rho = tl_earth_atmosphere(h).rho_kgpm3 * tl_earth_density_factor(e, h);
            const double sp = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            const double k = rho * sp / (2.0 * beta_kgpm2); /* drag = rho v^2 / (2 beta) */
            for (int i = 0; i < 3; i++)
                a[i] -= k * v[i];
        }
    }
}

double tl_propagate_climb_rate(const struct tl_earth *e, const double r[3], const double v[3])
{
    double n[3];

    tl_geo_height_normal(&e->shape, r, n);
    return n[0] * v[0] + n[1] * v[1] + n[2] * v[2];
}

/* ---------------------------------------------------------------- recorded paths */

struct tl_path_seg {
    double t0, h;
    double rc[5][6];
};

struct tl_path {
    struct tl_path_seg *seg;
    size_t n, cap;
};

int tl_path_create(struct tl_path **out)
{
    struct tl_path *p;

    if (out == NULL)
        return TL_EINVAL;
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return TL_ENOMEM;
    *out = p;
    return TL_OK;
}

void tl_path_destroy(struct tl_path *p)
{
    if (p == NULL)
        return;
    free(p->seg);
    free(p);
}

/* Room for one more segment: the new one, or NULL when out of memory. */
static struct tl_path_seg *new_segment(struct tl_path *p)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        struct tl_path_seg *ns = realloc(p->seg, cap * sizeof *ns);
        if (ns == NULL)
            return NULL;
        p->seg = ns;
        p->cap = cap;
    }
    return &p->seg[p->n++];
}

int tl_path_append(struct tl_path *p, const struct tl_ode *ode)
{
    struct tl_path_seg *s;

    if (p == NULL || ode == NULL || ode->n < 6 || !(ode->h_prev > 0))
        return TL_EINVAL;
    if ((s = new_segment(p)) == NULL)
        return TL_ENOMEM;
    s->t0 = ode->t_prev;
    s->h = ode->h_prev;
    for (int k = 0; k < 5; k++)
        memcpy(s->rc[k], ode->rc[k], sizeof s->rc[k]);
    return TL_OK;
}

void tl_path_span(const struct tl_path *p, double *t_begin, double *t_end)
{
    if (p == NULL || p->n == 0) {
        *t_begin = *t_end = NAN;
        return;
    }
    *t_begin = p->seg[0].t0;
    *t_end = p->seg[p->n - 1].t0 + p->seg[p->n - 1].h;
}

int tl_path_append_hermite(struct tl_path *p, double t0, const double y0[6], double t1,
                           const double y1[6])
{
    struct tl_path_seg *s;
    const double h = t1 - t0;

    if (p == NULL || y0 == NULL || y1 == NULL || !(h > 0) ||
        (p->n > 0 && !(t0 >= p->seg[p->n - 1].t0 + p->seg[p->n - 1].h - 1e-9)))
        return TL_EINVAL;
    if ((s = new_segment(p)) == NULL)
        return TL_ENOMEM;
    s->t0 = t0;
    s->h = h;
    memset(s->rc, 0, sizeof s->rc);
    for (int i = 0; i < 3; i++) {
        /* p0 + th D + th (1 - th) [(1 - th) A - th B], A = h v0 - D, B = h v1 - D: in the
         * dense-output form, rc2 = A and rc3 = -(A + B). Velocity linear. */
        const double d = y1[i] - y0[i], a = h * y0[3 + i] - d, b = h * y1[3 + i] - d;
        s->rc[0][i] = y0[i];
        s->rc[1][i] = d;
        s->rc[2][i] = a;
        s->rc[3][i] = -(a + b);
        s->rc[0][3 + i] = y0[3 + i];
        s->rc[1][3 + i] = y1[3 + i] - y0[3 + i];
    }
    return TL_OK;
}

int tl_path_state(const struct tl_path *p, double t_s, double y[6])
{
    size_t lo = 0, hi;
    const struct tl_path_seg *s;
    double th, th1;

    if (p == NULL || y == NULL || p->n == 0)
        return TL_EINVAL;
    hi = p->n - 1;
    if (!(t_s >= p->seg[0].t0 && t_s <= p->seg[hi].t0 + p->seg[hi].h))
        return TL_ERANGE;
    while (lo < hi) { /* last segment starting at or before t_s */
        size_t mid = (lo + hi + 1) / 2;
        if (p->seg[mid].t0 <= t_s)
            lo = mid;
        else
            hi = mid - 1;
    }
    s = &p->seg[lo];
    th = (t_s - s->t0) / s->h;
    th1 = 1.0 - th;
    for (int i = 0; i < 6; i++)
        y[i] = s->rc[0][i] +
               th * (s->rc[1][i] + th1 * (s->rc[2][i] + th * (s->rc[3][i] + th1 * s->rc[4][i])));
    return TL_OK;
}

/* ---------------------------------------------------------------- coasting */

struct coast_ctx {
    const struct tl_earth *e;
    double beta;
    const struct tl_glide *glide; /* NULL: ballistic */
};

/* 0 below a, 1 above b, C1-smooth between (so the integrator sees a continuous force). */
static double smoothstep(double a, double b, double x)
{
    const double u = fmin(1.0, fmax(0.0, (x - a) / (b - a)));
    return u * u * (3.0 - 2.0 * u);
}

double tl_propagate_lift_axis(const struct tl_earth *e, const double r[3], const double v[3],
                              double up[3], double *gamma_rad)
{
    double n[3], nu = 0.0;
    const double h = tl_geo_height_normal(&e->shape, r, n);
    const double sp = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    const double climb = n[0] * v[0] + n[1] * v[1] + n[2] * v[2];

    up[0] = up[1] = up[2] = 0.0;
    *gamma_rad = 0.0;
    if (!(sp > 1.0))
        return h;
    *gamma_rad = asin(fmax(-1.0, fmin(1.0, climb / sp)));
    for (int i = 0; i < 3; i++) {
        up[i] = n[i] - climb / sp * v[i] / sp;
        nu += up[i] * up[i];
    }
    nu = sqrt(nu);
    for (int i = 0; i < 3; i++)
        up[i] = nu > 1e-9 ? up[i] / nu : 0.0;
    return h;
}

void tl_propagate_lift(const struct tl_earth *e, const struct tl_glide *glide, double beta_kgpm2,
                       const double r[3], const double v[3], double a[3])
{
    double up[3], sp, h, gamma, rr, grav, rho, drag, lmax, lcmd, w;

    a[0] = a[1] = a[2] = 0.0;
    if (glide == NULL || !(glide->lift_to_drag > 0.0) || !(beta_kgpm2 > 0.0) || !e->drag)
        return;
    h = tl_propagate_lift_axis(e, r, v, up, &gamma);
    /* window 20-50 km, faded in and out over 4 km */
    w = smoothstep(TL_GLIDE_LOW_M, TL_GLIDE_LOW_M + 4000.0, h) *
        (1.0 - smoothstep(TL_GLIDE_HIGH_M - 4000.0, TL_GLIDE_HIGH_M, h));
    sp = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (w <= 0.0 || !(sp > 1.0))
        return;
    /* The guidance pulls up out of a shallow descent only (flight-path angle above -20 deg,
     * fully from -10 deg): a lofted warhead diving steeply is left on its ballistic path. */
    w *= smoothstep(-20.0 * M_PI / 180.0, -10.0 * M_PI / 180.0, gamma);
    if (w <= 0.0)
        return;
    rr = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    grav = e->mu / (rr * rr);
    rho = tl_earth_atmosphere(h).rho_kgpm3 * tl_earth_density_factor(e, h);
    drag = rho * sp * sp / (2.0 * beta_kgpm2);
    lmax = fmin(glide->lift_to_drag * drag, glide->max_accel_mps2);
    /* Hold level flight: d(gamma)/dt = (L - (g - v^2 / r) cos gamma) / v = -gamma / tau, tau 5 s
     * (point-mass flight in the vertical plane, e.g. Zarchan, "Tactical and Strategic Missile
     * Guidance", ch. on ballistic targets). */
    lcmd = sp * (-gamma / 5.0) + (grav - sp * sp / rr) * cos(gamma);
    lcmd = w * fmin(lmax, fmax(0.0, lcmd));
    if (!(lcmd > 0.0))
        return;
    for (int i = 0; i < 3; i++)
        a[i] = lcmd * up[i];
}

static int coast_rhs(void *ctx, double t, const double *y, double *dy)
{
    const struct coast_ctx *c = ctx;

    (void)t;
    dy[0] = y[3];
    dy[1] = y[4];
    dy[2] = y[5];
    if (c->glide != NULL) {
        double lift[3];
        tl_propagate_lift(c->e, c->glide, c->beta, y, y + 3, lift);
        tl_propagate_accel(c->e, y, y + 3, c->beta, lift, dy + 3);
    } else {
        tl_propagate_accel(c->e, y, y + 3, c->beta, NULL, dy + 3);
    }
    return 0;
}

static double ev_height(void *ctx, double t, const double *y)
{
    const struct coast_ctx *c = ctx;

    (void)t;
    return tl_geo_height(&c->e->shape, y);
}

static double ev_reentry(void *ctx, double t, const double *y)
{
    return ev_height(ctx, t, y) - TL_REENTRY_H_M;
}

static double ev_climb(void *ctx, double t, const double *y)
{
    const struct coast_ctx *c = ctx;

    (void)t;
    return tl_propagate_climb_rate(c->e, y, y + 3);
}

static void nan6(double y[6])
{
    for (int i = 0; i < 6; i++)
        y[i] = NAN;
}

int tl_propagate_coast(const struct tl_earth *e, double beta_kgpm2, double t0, const double y0[6],
                       double t_max_s, const struct tl_ode_cfg *cfg, struct tl_path *path,
                       struct tl_coast_result *res)
{
    return tl_propagate_glide(e, beta_kgpm2, NULL, t0, y0, t_max_s, cfg, path, res);
}

int tl_propagate_glide(const struct tl_earth *e, double beta_kgpm2, const struct tl_glide *glide,
                       double t0, const double y0[6], double t_max_s,
                       const struct tl_ode_cfg *cfg, struct tl_path *path,
                       struct tl_coast_result *res)
{
    struct coast_ctx c = { e, beta_kgpm2, glide };
    struct tl_coast_result r;
    struct tl_ode ode;
    double climb_prev, h_prev;
    int rc, past_apogee;

    if (e == NULL || y0 == NULL || res == NULL || !(t_max_s > t0))
        return TL_EINVAL;
    memset(&r, 0, sizeof r);
    r.apogee_t_s = r.reentry_t_s = r.impact_t_s = r.apogee_h_m = NAN;
    nan6(r.apogee_y);
    nan6(r.reentry_y);
    nan6(r.impact_y);
    if ((rc = tl_ode_init(&ode, 6, coast_rhs, &c, cfg, t0, y0)) != TL_OK)
        return rc;
    climb_prev = ev_climb(&c, t0, y0);
    h_prev = ev_height(&c, t0, y0);
    past_apogee = climb_prev <= 0.0;
    if (past_apogee) { /* already descending: the start is the highest point */
        r.apogee_t_s = t0;
        r.apogee_h_m = h_prev;
        memcpy(r.apogee_y, y0, sizeof r.apogee_y);
        if (h_prev <= TL_REENTRY_H_M) {
            r.reentry_t_s = t0;
            memcpy(r.reentry_y, y0, sizeof r.reentry_y);
        }
    }
    while (ode.t < t_max_s) {
        double climb, h;

        if ((rc = tl_ode_step(&ode, t_max_s)) != TL_OK)
            return rc;
        if (path != NULL && (rc = tl_path_append(path, &ode)) != TL_OK)
            return rc;
        climb = ev_climb(&c, ode.t, ode.y);
        h = ev_height(&c, ode.t, ode.y);
        if (!past_apogee && climb <= 0.0) {
            double ta;
            if ((rc = tl_ode_locate(&ode, ev_climb, &c, ode.t_prev, climb_prev, ode.t, climb,
                                    TL_EVENT_TOL_S, &ta)) != TL_OK)
                return rc;
            r.apogee_t_s = ta;
            tl_ode_dense(&ode, ta, r.apogee_y);
            r.apogee_h_m = tl_geo_height(&e->shape, r.apogee_y);
            past_apogee = 1;
            if (r.apogee_h_m <= TL_REENTRY_H_M) {
                r.reentry_t_s = ta;
                memcpy(r.reentry_y, r.apogee_y, sizeof r.reentry_y);
            }
        }
        if (past_apogee && isnan(r.reentry_t_s) && h <= TL_REENTRY_H_M) {
            /* Search from the apogee when it lies in this step: before it the body was still
             * climbing, perhaps through the same height. */
            const double ta = fmax(ode.t_prev, r.apogee_t_s);
            const double ga = ta > ode.t_prev ? r.apogee_h_m - TL_REENTRY_H_M
                                              : h_prev - TL_REENTRY_H_M;
            double tr;
            if ((rc = tl_ode_locate(&ode, ev_reentry, &c, ta, ga, ode.t, h - TL_REENTRY_H_M,
                                    TL_EVENT_TOL_S, &tr)) != TL_OK)
                return rc;
            r.reentry_t_s = tr;
            tl_ode_dense(&ode, tr, r.reentry_y);
        }
        if (h <= 0.0 && h_prev > 0.0) {
            double ti;
            if ((rc = tl_ode_locate(&ode, ev_height, &c, ode.t_prev, h_prev, ode.t, h,
                                    TL_EVENT_TOL_S, &ti)) != TL_OK)
                return rc;
            r.impact_t_s = ti;
            tl_ode_dense(&ode, ti, r.impact_y);
            r.steps = ode.n_accept;
            *res = r;
            return TL_OK;
        }
        climb_prev = climb;
        h_prev = h;
    }
    r.steps = ode.n_accept;
    *res = r; /* the apogee may still be meaningful to a caller searching for one */
    return TL_ENOSOL;
}

int tl_propagate_ballistic(const struct tl_earth *e, double beta_kgpm2, double t0,
                           const double y0[6], double t1, const struct tl_ode_cfg *cfg,
                           double y1[6])
{
    struct coast_ctx c = { e, beta_kgpm2, NULL };
    struct tl_ode ode;
    int rc;

    if (e == NULL || y0 == NULL || y1 == NULL || !isfinite(t1))
        return TL_EINVAL;
    if (t1 == t0) {
        memcpy(y1, y0, 6 * sizeof *y0);
        return TL_OK;
    }
    if ((rc = tl_ode_init(&ode, 6, coast_rhs, &c, cfg, t0, y0)) != TL_OK)
        return rc;
    while (ode.t != t1)
        if ((rc = tl_ode_step(&ode, t1)) != TL_OK)
            return rc;
    memcpy(y1, ode.y, 6 * sizeof *y1);
    return TL_OK;
}
