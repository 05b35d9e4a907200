/* Dormand-Prince 5(4) with step-size control and dense output.
 * J. R. Dormand and P. J. Prince, "A family of embedded Runge-Kutta formulae", J. Comp. Appl.
 * Math. 6 (1980) 19-26; coefficients, error estimate and continuous extension as in Hairer,
 * Norsett and Wanner, "Solving Ordinary Differential Equations I", 2nd ed., sec. II.4-II.6
 * (their DOPRI5 code). */
#include <math.h>
#include <string.h>

#include "trilink/err.h"
#include "trilink/propagate.h"
#include "roots.h"

static const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
static const double A21 = 1.0 / 5;
static const double A31 = 3.0 / 40, A32 = 9.0 / 40;
static const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
static const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561,
                    A54 = -212.0 / 729;
static const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247,
                    A64 = 49.0 / 176, A65 = -5103.0 / 18656;
static const double A71 = 35.0 / 384, A73 = 500.0 / 1113, A74 = 125.0 / 192,
                    A75 = -2187.0 / 6784, A76 = 11.0 / 84;
/* Difference between the 5th- and 4th-order weights: the local error estimate. */
static const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920,
                    E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;
/* Continuous extension (Hairer's contd5 coefficients). */
static const double D1 = -12715105075.0 / 11282082432.0, D3 = 87487479700.0 / 32700410799.0,
                    D4 = -10690763975.0 / 1880347072.0, D5 = 701980252875.0 / 199316789632.0,
                    D6 = -1453857185.0 / 822651844.0, D7 = 69997945.0 / 29380423.0;

static int eval(struct tl_ode *o, double t, const double *y, double *dy)
{
    o->n_eval++;
    if (o->f(o->ctx, t, y, dy) != 0)
        return TL_ERANGE;
    for (int i = 0; i < o->n; i++)
        if (!isfinite(dy[i]))
            return TL_ERANGE;
    return TL_OK;
}

/* Hairer's initial step heuristic (HNW I, sec. II.4, "starting step size"). */
static double initial_step(struct tl_ode *o, double dir)
{
    double d0 = 0, d1 = 0, d2 = 0, h0, h1, y1[TL_ODE_MAXN] = { 0 }, f1[TL_ODE_MAXN];
    int n = o->n;

    for (int i = 0; i < n; i++) {
        double sk = o->cfg.atol + o->cfg.rtol * fabs(o->y[i]);
        d0 += (o->y[i] / sk) * (o->y[i] / sk);
        d1 += (o->k1[i] / sk) * (o->k1[i] / sk);
    }
    d0 = sqrt(d0 / n);
    d1 = sqrt(d1 / n);
    h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    h0 = fmin(h0, o->cfg.h_max);
    for (int i = 0; i < n; i++)
        y1[i] = o->y[i] + dir * h0 * o->k1[i];
    if (eval(o, o->t + dir * h0, y1, f1) != TL_OK)
        return h0;
    for (int i = 0; i < n; i++) {
        double sk = o->cfg.atol + o->cfg.rtol * fabs(o->y[i]);
        d2 += ((f1[i] - o->k1[i]) / sk) * ((f1[i] - o->k1[i]) / sk);
    }
    d2 = sqrt(d2 / n) / h0;
    h1 = fmax(d1, d2) <= 1e-15 ? fmax(1e-6, h0 * 1e-3) : pow(0.01 / fmax(d1, d2), 0.2);
    return fmin(fmin(100.0 * h0, h1), o->cfg.h_max);
}

int tl_ode_init(struct tl_ode *ode, int n, tl_ode_rhs f, void *ctx, const struct tl_ode_cfg *cfg,
                double t0, const double *y0)
{
    struct tl_ode o;

    if (ode == NULL || f == NULL || y0 == NULL || n < 1 || n > TL_ODE_MAXN || !isfinite(t0))
        return TL_EINVAL;
    for (int i = 0; i < n; i++)
        if (!isfinite(y0[i]))
            return TL_EINVAL;
    memset(&o, 0, sizeof o);
    o.n = n;
    o.f = f;
    o.ctx = ctx;
    if (cfg != NULL)
        o.cfg = *cfg;
    if (!(o.cfg.rtol > 0))
        o.cfg.rtol = 1e-10;
    if (!(o.cfg.atol > 0))
        o.cfg.atol = 1e-6;
    if (!(o.cfg.h_max > 0))
        o.cfg.h_max = 600.0;
    o.t = o.t_prev = t0;
    memcpy(o.y, y0, (size_t)n * sizeof *y0);
    if (eval(&o, t0, o.y, o.k1) != TL_OK)
        return TL_ERANGE;
    o.h = o.cfg.h_init > 0 ? o.cfg.h_init : 0.0; /* 0: estimate at the first step */
    *ode = o;
    return TL_OK;
}

int tl_ode_step(struct tl_ode *o, double t_stop)
{
    const int n = o->n;
    const double dir = t_stop >= o->t ? 1.0 : -1.0;
    double k2[TL_ODE_MAXN], k3[TL_ODE_MAXN], k4[TL_ODE_MAXN], k5[TL_ODE_MAXN], k6[TL_ODE_MAXN],
        k7[TL_ODE_MAXN], ys[TL_ODE_MAXN], y5[TL_ODE_MAXN];
    double span = fabs(t_stop - o->t);

    if (!(span > 0))
        return TL_EINVAL;
    if (o->h == 0.0)
        o->h = initial_step(o, dir);
    for (;;) {
        double h = fmin(fabs(o->h), span), err = 0.0, fac;
        int last = 0, rc;

        /* Land exactly on t_stop instead of leaving a sliver for the next step. */
        if (h >= span * (1.0 - 1e-12)) {
            h = span;
            last = 1;
        }
        if (h < 1e-12)
            return TL_ENOCONV;
        h *= dir;
        for (int i = 0; i < n; i++)
            ys[i] = o->y[i] + h * A21 * o->k1[i];
        if ((rc = eval(o, o->t + C2 * h, ys, k2)) != TL_OK)
            return rc;
        for (int i = 0; i < n; i++)
            ys[i] = o->y[i] + h * (A31 * o->k1[i] + A32 * k2[i]);
        if ((rc = eval(o, o->t + C3 * h, ys, k3)) != TL_OK)
            return rc;
        for (int i = 0; i < n; i++)
            ys[i] = o->y[i] + h * (A41 * o->k1[i] + A42 * k2[i] + A43 * k3[i]);
        if ((rc = eval(o, o->t + C4 * h, ys, k4)) != TL_OK)
            return rc;
        for (int i = 0; i < n; i++)
            ys[i] = o->y[i] + h * (A51 * o->k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
        if ((rc = eval(o, o->t + C5 * h, ys, k5)) != TL_OK)
            return rc;
        for (int i = 0; i < n; i++)
            ys[i] = o->y[i] +
                    h * (A61 * o->k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
        if ((rc = eval(o, o->t + h, ys, k6)) != TL_OK)
            return rc;
        for (int i = 0; i < n; i++)
            y5[i] = o->y[i] +
                    h * (A71 * o->k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
        if ((rc = eval(o, o->t + h, y5, k7)) != TL_OK)
            return rc;
        for (int i = 0; i < n; i++) {
            double sk = o->cfg.atol + o->cfg.rtol * fmax(fabs(o->y[i]), fabs(y5[i]));
            double ei = h * (E1 * o->k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] +
                             E7 * k7[i]) /
                        sk;
            err += ei * ei;
        }
        err = sqrt(err / n);
        /* Classic controller: the error scales as h^5. Safety 0.9, growth limited to [0.2, 5]. */
        fac = err > 0 ? 0.9 * pow(err, -0.2) : 5.0;
        fac = fmin(5.0, fmax(0.2, fac));
        if (err <= 1.0) {
            for (int i = 0; i < n; i++) {
                double dy = y5[i] - o->y[i], bspl = h * o->k1[i] - dy;
                o->rc[0][i] = o->y[i];
                o->rc[1][i] = dy;
                o->rc[2][i] = bspl;
                o->rc[3][i] = dy - h * k7[i] - bspl;
                o->rc[4][i] = h * (D1 * o->k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] +
                                   D6 * k6[i] + D7 * k7[i]);
            }
            o->t_prev = o->t;
            o->h_prev = h;
            o->t = last ? t_stop : o->t + h;
            memcpy(o->y, y5, (size_t)n * sizeof *y5);
            memcpy(o->k1, k7, (size_t)n * sizeof *k7); /* first same as last */
            o->h = fmin(fabs(h) * fac, o->cfg.h_max);
            o->n_accept++;
            return TL_OK;
        }
        o->n_reject++;
        o->h = fabs(h) * fmin(1.0, fac);
    }
}

void tl_ode_dense(const struct tl_ode *o, double t, double *y)
{
    const double th = o->h_prev != 0.0 ? (t - o->t_prev) / o->h_prev : 0.0, th1 = 1.0 - th;

    for (int i = 0; i < o->n; i++)
        y[i] = o->rc[0][i] +
               th * (o->rc[1][i] +
                     th1 * (o->rc[2][i] + th * (o->rc[3][i] + th1 * o->rc[4][i])));
}

struct locate_ctx {
    const struct tl_ode *ode;
    tl_ode_event g;
    void *gctx;
};

static int locate_eval(void *ctx, double t, double *gt)
{
    const struct locate_ctx *lc = ctx;
    double y[TL_ODE_MAXN];

    tl_ode_dense(lc->ode, t, y);
    *gt = lc->g(lc->gctx, t, y);
    return TL_OK;
}

int tl_ode_locate(const struct tl_ode *o, tl_ode_event g, void *gctx, double t_a, double g_a,
                  double t_b, double g_b, double t_tol, double *t_event)
{
    /* Brent's method on the dense output: no new right-hand-side evaluations are needed. */
    struct locate_ctx lc = { o, g, gctx };
    const double lo = fmin(o->t_prev, o->t), hi = fmax(o->t_prev, o->t);

    if (!(t_a >= lo && t_a <= hi && t_b >= lo && t_b <= hi))
        return TL_EINVAL;
    return tl__brent_root(locate_eval, &lc, t_a, t_b, g_a, g_b, t_tol, 200, t_event);
}
