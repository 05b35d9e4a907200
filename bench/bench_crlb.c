/* The tracker's position error beside the Cramer-Rao lower bound over a missile's coast (issue
 * 12, make bench): Monte Carlo runs of a scenario (optionally in a mismatched world), each
 * simulated, measured and tracked in process; the bound from the same runs' detections of the
 * missile.
 *
 * The bound. Between burnout and reentry (100 km) the missile is unpowered and above the
 * atmosphere: its motion is deterministic (gravity; drag below 1e-2 m/s^2 at 100 km), so the
 * Fisher information of the state accumulates with no process noise (Tichavsky, Muravchik &
 * Nehorai, IEEE TSP 46(5) 1998, eq. 21 with Q = 0; Bar-Shalom, Li & Kirubarajan, "Estimation
 * with Applications to Tracking and Navigation", sec. 2.7.2):
 *     J(t_k) = Phi^-T J(t_{k-1}) Phi^-1 + sum over the detections at t_k of H^T R^-1 H,
 * Phi the state transition of the true coast (numerical flow Jacobian of the gravity model about
 * the true state), H the Jacobian of the sensor's (range, azimuth, elevation, range rate) at the
 * true state and R its noise. It starts at zero at burnout: the information of the boost, flown
 * under thrust no model knows, is not counted, so early in the coast the filter (which kept what
 * it learnt in boost) may beat it. In a mismatched world each radar's constant range, azimuth and
 * elevation biases are nuisance parameters with their drawn distribution's prior (hybrid bound,
 * Van Trees & Bell, "Bayesian Bounds for Parameter Estimation", 2007, sec. 1.2.5): no number of
 * reports averages them away, so neither bound nor filter goes below what they leave.
 * Position bound: sqrt(trace) of the position block of J^-1, mapped to the report's time.
 *
 * The error: the tracker's confirmed or coasting reports of the missile (its tracks are those
 * whose first coast report lies within 20 km of it), |position - truth|. Per tenth of the coast
 * (time from burnout over the coast's length, so runs of different length line up) the RMS error
 * over runs and reports beside the RMS of the bound, and their ratio; then the last quarter.
 *
 * usage: trilink_bench_crlb SCENARIO [--sensors FILE] [--mismatch FILE] [--runs N] [--seed S]
 *                           [--label TEXT]
 * With CRLB_TRACE set, each scored report goes to stderr: run, track, time, coast fraction, error,
 * both bounds, the tracker's position sd, velocity error and bound, model probabilities, height,
 * the tracker's velocity sd (the figures behind BENCHMARKS.md's notes on the unobserved arcs).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/earth.h"
#include "trilink/propagate.h"
#include "trilink/sensor.h"
#include "trilink/sim.h"
#include "trilink/track.h"

#define NB 10                  /* tenths of the coast */
#define MAX_BIASED 8           /* radars whose biases are nuisance parameters */
#define MAX_N (6 + 3 * MAX_BIASED)
#define TRACK_CUTOFF_M 20e3

struct report {
    int id;
    double t_s, x[6], sd_m, sdv_mps; /* the tracker's own position and velocity sd, sqrt(trace) */
    double mp[TL_N_MOTIONS];
};

struct reports {
    size_t n, cap;
    struct report *r;
    int failed;
};

static void on_report(void *ctx, const struct tl_track_report *r)
{
    struct reports *rs = ctx;
    if (r->status != TL_TRACK_CONFIRMED && r->status != TL_TRACK_COASTING)
        return;
    if (rs->n == rs->cap) {
        const size_t nc = rs->cap ? 2 * rs->cap : 4096;
        struct report *nr = realloc(rs->r, nc * sizeof *nr);
        if (nr == NULL) {
            rs->failed = 1;
            return;
        }
        rs->r = nr;
        rs->cap = nc;
    }
    rs->r[rs->n].id = r->id;
    rs->r[rs->n].t_s = r->state.t_s;
    memcpy(rs->r[rs->n].x, r->state.x, sizeof rs->r[rs->n].x);
    memcpy(rs->r[rs->n].mp, r->model_prob, sizeof rs->r[rs->n].mp);
    rs->r[rs->n].sd_m = sqrt(r->state.P[0][0] + r->state.P[1][1] + r->state.P[2][2]);
    rs->r[rs->n].sdv_mps = sqrt(r->state.P[3][3] + r->state.P[4][4] + r->state.P[5][5]);
    rs->n++;
}

/* ---- small fixed-size numerics (tested by the bound's own checks below) --------------------- */

/* Gauss-Jordan inverse with partial pivoting of the n x n matrix a (row stride MAX_N); 0 on
 * success, -1 when singular to working precision. */
static int invert(int n, double a[][MAX_N], double inv[][MAX_N])
{
    double m[MAX_N][2 * MAX_N];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 2 * n; j++)
            m[i][j] = j < n ? a[i][j] : (j - n == i ? 1.0 : 0.0);
    for (int c = 0; c < n; c++) {
        int p = c;
        double big = fabs(m[c][c]);
        for (int r = c + 1; r < n; r++)
            if (fabs(m[r][c]) > big) {
                big = fabs(m[r][c]);
                p = r;
            }
        if (!(big > 1e-300))
            return -1;
        if (p != c)
            for (int j = 0; j < 2 * n; j++) {
                const double t = m[c][j];
                m[c][j] = m[p][j];
                m[p][j] = t;
            }
        {
            const double d = m[c][c];
            for (int j = 0; j < 2 * n; j++)
                m[c][j] /= d;
        }
        for (int r = 0; r < n; r++)
            if (r != c && m[r][c] != 0.0) {
                const double f = m[r][c];
                for (int j = 0; j < 2 * n; j++)
                    m[r][j] -= f * m[c][j];
            }
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            inv[i][j] = m[i][n + j];
    return 0;
}

/* Unpowered flight above the atmosphere, classical Runge-Kutta in steps of at most 1 s. */
static void coast(const struct tl_earth *e, const double y0[6], double dt, double y[6])
{
    const int steps = (int)fmax(1.0, ceil(fabs(dt) - 1e-9));
    const double h = dt / steps;
    memcpy(y, y0, 6 * sizeof y[0]);
    for (int s = 0; s < steps; s++) {
        double k[4][6], tmp[6];
        for (int st = 0; st < 4; st++) {
            const double c = st == 0 ? 0.0 : (st == 3 ? 1.0 : 0.5);
            for (int i = 0; i < 6; i++)
                tmp[i] = y[i] + (st == 0 ? 0.0 : c * h * k[st - 1][i]);
            memcpy(k[st], tmp + 3, 3 * sizeof tmp[0]);
            tl_propagate_accel(e, tmp, tmp + 3, 0.0, NULL, k[st] + 3);
        }
        for (int i = 0; i < 6; i++)
            y[i] += h / 6.0 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
    }
}

/* Flow Jacobian d y(t0 + dt) / d y(t0) at y0 by central differences. */
static void flow_jacobian(const struct tl_earth *e, const double y0[6], double dt, double F[6][6])
{
    for (int j = 0; j < 6; j++) {
        const double h = j < 3 ? 1.0 : 1e-3; /* m, m/s */
        double yp[6], ym[6], a[6], b[6];
        memcpy(yp, y0, sizeof yp);
        memcpy(ym, y0, sizeof ym);
        yp[j] += h;
        ym[j] -= h;
        coast(e, yp, dt, a);
        coast(e, ym, dt, b);
        for (int i = 0; i < 6; i++)
            F[i][j] = (a[i] - b[i]) / (2.0 * h);
    }
}

static double wrap_pi(double a)
{
    while (a > M_PI)
        a -= 2.0 * M_PI;
    while (a < -M_PI)
        a += 2.0 * M_PI;
    return a;
}

/* Jacobian of the sensor's (range, azimuth, elevation, range rate) at y; rows a sensor does not
 * measure are zero. */
static void meas_jacobian(const struct tl_sensor *s, const double y[6], double H[4][6])
{
    for (int j = 0; j < 6; j++) {
        const double h = j < 3 ? 1.0 : 1e-3;
        double yp[6], ym[6];
        struct tl_meas a, b;
        memcpy(yp, y, sizeof yp);
        memcpy(ym, y, sizeof ym);
        yp[j] += h;
        ym[j] -= h;
        tl_sensor_ideal(s, yp, &a);
        tl_sensor_ideal(s, ym, &b);
        H[0][j] = isnan(a.range_m) ? 0.0 : (a.range_m - b.range_m) / (2.0 * h);
        H[1][j] = wrap_pi(a.az_rad - b.az_rad) / (2.0 * h);
        H[2][j] = (a.el_rad - b.el_rad) / (2.0 * h);
        H[3][j] = isnan(a.rr_mps) ? 0.0 : (a.rr_mps - b.rr_mps) / (2.0 * h);
    }
}

/* ---- one run ---------------------------------------------------------------------------------- */

/* Sums per tenth of the coast; bound 0 with the biases known (zero), 1 with them unknown. */
struct bins {
    double e2[NB], b2[2][NB];
    long n[NB];
    double e2_last, b2_last[2]; /* last quarter */
    long n_last;
    double e2_all, b2_all[2];
    long n_all;
    long runs, runs_without_track, tracks;
};

struct bound_at {
    double t_s, pos_m, vel_mps;
};

static int by_time(const void *a, const void *b)
{
    const struct tl_meas *x = a, *y = b;
    return x->t_s < y->t_s ? -1 : x->t_s > y->t_s ? 1 : x->sensor - y->sensor;
}

/* The bound at every distinct detection time of object 0 in [t_bo, t_re]; returns the count
 * written to out (owned), or -1. bias_sd: per sensor, the prior sd of its (range, az, el) biases
 * (all zero: no nuisance parameters). */
static long bound_series(const struct tl_sim *sim, const struct tl_sensor_set *sensors,
                         const struct tl_meas *m, size_t n, double t_bo, double t_re,
                         const double (*bias_sd)[3], struct bound_at **out)
{
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_meas *d = malloc((n ? n : 1) * sizeof *d);
    struct bound_at *b = malloc((n ? n : 1) * sizeof *b);
    int slot[TL_MAX_SENSORS], nb = 0, dim;
    static double J[MAX_N][MAX_N], C[MAX_N][MAX_N];
    size_t nd = 0;
    long nout = 0;
    double t_prev = NAN, y_prev[6];

    if (d == NULL || b == NULL) {
        free(d);
        free(b);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (m[i].object == 0 && m[i].t_s >= t_bo && m[i].t_s <= t_re &&
            sensors->s[m[i].sensor].kind == TL_SENSOR_RADAR)
            d[nd++] = m[i];
    qsort(d, nd, sizeof *d, by_time);
    for (int k = 0; k < sensors->n; k++)
        slot[k] = -1;
    for (size_t i = 0; i < nd; i++) {
        const int k = d[i].sensor;
        if (slot[k] < 0 && bias_sd[k][0] + bias_sd[k][1] + bias_sd[k][2] > 0 && nb < MAX_BIASED)
            slot[k] = nb++;
    }
    dim = 6 + 3 * nb;
    memset(J, 0, sizeof J);
    for (int k = 0; k < sensors->n; k++)
        if (slot[k] >= 0)
            for (int q = 0; q < 3; q++)
                J[6 + 3 * slot[k] + q][6 + 3 * slot[k] + q] = 1.0 / (bias_sd[k][q] * bias_sd[k][q]);
    for (size_t i = 0; i < nd;) {
        const double t = d[i].t_s;
        double y[6];
        enum tl_phase ph;
        if (tl_sim_state(sim, 0, t, y, &ph) != TL_OK) {
            i++;
            continue;
        }
        if (!isnan(t_prev)) { /* J <- Phi^-T J Phi^-1 on the state block, J_xb <- Phi^-T J_xb */
            double F[6][6], A[MAX_N][MAX_N], Fi[MAX_N][MAX_N], T[MAX_N][MAX_N];
            flow_jacobian(&e, y_prev, t - t_prev, F);
            for (int r = 0; r < 6; r++)
                for (int c = 0; c < 6; c++)
                    A[r][c] = F[r][c];
            if (invert(6, A, Fi) != 0)
                break;
            for (int r = 0; r < dim; r++) /* T = J * blockdiag(Fi, I) */
                for (int c = 0; c < dim; c++) {
                    double s = 0;
                    if (c < 6)
                        for (int q = 0; q < 6; q++)
                            s += J[r][q] * Fi[q][c];
                    else
                        s = J[r][c];
                    T[r][c] = s;
                }
            for (int r = 0; r < dim; r++) /* J = blockdiag(Fi, I)^T * T */
                for (int c = 0; c < dim; c++) {
                    double s = 0;
                    if (r < 6)
                        for (int q = 0; q < 6; q++)
                            s += Fi[q][r] * T[q][c];
                    else
                        s = T[r][c];
                    J[r][c] = s;
                }
        }
        for (; i < nd && d[i].t_s == t; i++) {
            const struct tl_sensor *s = &sensors->s[d[i].sensor];
            const double sd[4] = { s->sigma_range_m, s->sigma_az_rad, s->sigma_el_rad,
                                   s->sigma_rr_mps };
            double H[4][6], G[4][MAX_N];
            meas_jacobian(s, y, H);
            memset(G, 0, sizeof G);
            for (int q = 0; q < 4; q++) {
                memcpy(G[q], H[q], sizeof H[q]);
                if (q < 3 && slot[d[i].sensor] >= 0)
                    G[q][6 + 3 * slot[d[i].sensor] + q] = 1.0;
            }
            for (int q = 0; q < 4; q++) {
                const double w = sd[q] > 0 && !(q == 3 && s->sigma_rr_mps <= 0) ? 1.0 / (sd[q] * sd[q]) : 0.0;
                if (w == 0.0)
                    continue;
                for (int r = 0; r < dim; r++)
                    for (int c = 0; c < dim; c++)
                        J[r][c] += G[q][r] * w * G[q][c];
            }
        }
        t_prev = t;
        memcpy(y_prev, y, sizeof y_prev);
        if (invert(dim, J, C) == 0 && C[0][0] > 0 && C[1][1] > 0 && C[2][2] > 0 &&
            C[0][0] + C[1][1] + C[2][2] < 1e12) {
            b[nout].t_s = t;
            b[nout].pos_m = sqrt(C[0][0] + C[1][1] + C[2][2]);
            b[nout].vel_mps = sqrt(C[3][3] + C[4][4] + C[5][5]);
            nout++;
        }
    }
    free(d);
    *out = b;
    return nout;
}

/* The bound at the last detection time at or before t; NULL when none yet. */
static const struct bound_at *bound_before(const struct bound_at *b, long n, double t)
{
    long lo = 0, hi = n - 1;
    if (n == 0 || b[0].t_s > t)
        return NULL;
    while (lo < hi) {
        const long mid = (lo + hi + 1) / 2;
        if (b[mid].t_s <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return &b[lo];
}

static int one_run(const struct tl_scenario *sc, uint64_t seed, struct bins *acc)
{
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_scenario *run = malloc(sizeof *run);
    struct tl_sim *sim = NULL;
    struct tl_meas *m = NULL;
    struct tl_tracker *tk = NULL;
    struct tl_tracker_cfg cfg = tl_tracker_cfg_default();
    struct reports rs = { 0, 0, NULL, 0 };
    struct bound_at *bb[2] = { NULL, NULL };
    struct tl_diag dg;
    double bias_sd[2][TL_MAX_SENSORS][3];
    const struct tl_sim_object *o;
    size_t n = 0;
    long nbnd[2];
    int ids[64], n_ids = 0, rc = 1, seen_ids[256], n_seen = 0, trace;
    double t_bo, t_re;

    if (run == NULL)
        return 1;
    *run = *sc;
    if (run->mismatch.on)
        run->mismatch.seed = seed;
    memset(&dg, 0, sizeof dg);
    if (tl_sim_run(run, &e, &sim, &dg) != TL_OK ||
        tl_sim_measure(sim, &run->sensors, seed, &m, &n) != TL_OK) {
        fprintf(stderr, "bench_crlb: run %llu: %s\n", (unsigned long long)seed, dg.message);
        goto out;
    }
    o = tl_sim_object(sim, 0);
    t_bo = o->t_launch_s + o->flight.burnout_t_s;
    t_re = o->t_launch_s + o->flight.reentry_t_s;
    memset(bias_sd, 0, sizeof bias_sd);
    for (int k = 0; k < run->sensors.n; k++) {
        const struct tl_sensor *s = &run->sensors.s[k];
        /* A mismatched draw is uniform within +-sqrt(3) f sigma: its sd is f sigma. A matched
         * world has none, but the tracker is told of them (the sensor's registration sigma):
         * bound 1 is then the one for the world the tracker assumes. */
        const double f = run->mismatch.on && run->mismatch.bias_sigmas > 0 ? run->mismatch.bias_sigmas
                                                                          : 1.0;
        bias_sd[1][k][0] = s->kind == TL_SENSOR_RADAR ? f * s->bias_range_m : 0.0;
        bias_sd[1][k][1] = f * s->bias_az_rad;
        bias_sd[1][k][2] = f * s->bias_el_rad;
    }
    if (tl_tracker_create(&cfg, &run->sensors, on_report, &rs, &tk) != TL_OK)
        goto out;
    for (size_t i = 0; i < n; i++)
        while (tl_tracker_add(tk, &m[i]) == TL_ENOMEM)
            tl_tracker_flush(tk);
    tl_tracker_flush(tk);
    if (rs.failed)
        goto out;
    for (int v = 0; v < 2; v++)
        if ((nbnd[v] = bound_series(sim, &run->sensors, m, n, t_bo, t_re,
                                    (const double(*)[3])bias_sd[v], &bb[v])) < 0)
            goto out;
    acc->runs++;
    trace = getenv("CRLB_TRACE") != NULL;
    for (size_t i = 0; i < rs.n; i++) {
        const struct report *r = &rs.r[i];
        double y[6], e2 = 0;
        enum tl_phase ph;
        int mine = 0, seen = 0;
        const struct bound_at *at[2];
        double b2[2];
        if (r->t_s < t_bo || r->t_s > t_re || tl_sim_state(sim, 0, r->t_s, y, &ph) != TL_OK)
            continue;
        for (int k = 0; k < 3; k++)
            e2 += (r->x[k] - y[k]) * (r->x[k] - y[k]);
        for (int k = 0; k < n_ids; k++)
            mine |= ids[k] == r->id;
        for (int k = 0; k < n_seen; k++)
            seen |= seen_ids[k] == r->id;
        if (!seen && n_seen < 256) { /* a track's first coast report decides whose it is */
            seen_ids[n_seen++] = r->id;
            if (sqrt(e2) < TRACK_CUTOFF_M && n_ids < 64) {
                ids[n_ids++] = r->id;
                mine = 1;
            }
        }
        if (!mine || (at[0] = bound_before(bb[0], nbnd[0], r->t_s)) == NULL ||
            (at[1] = bound_before(bb[1], nbnd[1], r->t_s)) == NULL)
            continue;
        for (int v = 0; v < 2; v++)
            b2[v] = at[v]->pos_m * at[v]->pos_m;
        {
            const double u = (r->t_s - t_bo) / (t_re - t_bo);
            const int k = u >= 1.0 ? NB - 1 : (int)(u * NB);
            if (trace)
                fprintf(stderr,
                        "trace %llu %d %.1f %.4f %.1f %.1f %.1f %.1f ev %.4f bv %.4f "
                        "mp %.3f %.3f %.3f %.3f h %.0f sdv %.4f\n",
                        (unsigned long long)seed, r->id, r->t_s, u, sqrt(e2), sqrt(b2[0]),
                        sqrt(b2[1]), r->sd_m,
                        sqrt(pow(r->x[3] - y[3], 2) + pow(r->x[4] - y[4], 2) +
                             pow(r->x[5] - y[5], 2)),
                        at[1]->vel_mps, r->mp[0], r->mp[1], r->mp[2], r->mp[3],
                        sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]) - 6371e3, r->sdv_mps);
            acc->e2[k] += e2;
            acc->n[k]++;
            acc->e2_all += e2;
            acc->n_all++;
            if (u >= 0.75) {
                acc->e2_last += e2;
                acc->n_last++;
            }
            for (int v = 0; v < 2; v++) {
                acc->b2[v][k] += b2[v];
                acc->b2_all[v] += b2[v];
                if (u >= 0.75)
                    acc->b2_last[v] += b2[v];
            }
        }
    }
    if (n_ids == 0)
        acc->runs_without_track++;
    acc->tracks += n_ids;
    rc = 0;
out:
    free(bb[0]);
    free(bb[1]);
    free(rs.r);
    tl_tracker_destroy(tk);
    free(m);
    tl_sim_destroy(sim);
    free(run);
    return rc;
}

/* The bound's own checks: a 6x6 inverse and the flow Jacobian against a finite difference of a
 * longer step (the group property Phi(2h) = Phi(h) Phi(h) about the flown path). */
static int self_check(void)
{
    const struct tl_earth e = tl_earth_wgs84();
    const double y0[6] = { -3.0e6, 4.5e6, 4.0e6, 2000.0, 3000.0, -1000.0 };
    double F1[6][6], F2[6][6], F[6][6], y1[6], worst = 0;
    double A[MAX_N][MAX_N], Ai[MAX_N][MAX_N];
    flow_jacobian(&e, y0, 30.0, F1);
    coast(&e, y0, 30.0, y1);
    flow_jacobian(&e, y1, 30.0, F2);
    flow_jacobian(&e, y0, 60.0, F);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            double s = 0;
            for (int q = 0; q < 6; q++)
                s += F2[i][q] * F1[q][j];
            worst = fmax(worst, fabs(s - F[i][j]) / (1.0 + fabs(F[i][j])));
            A[i][j] = F[i][j];
        }
    if (!(worst < 1e-5)) {
        fprintf(stderr, "bench_crlb: flow Jacobian fails Phi(60) = Phi(30) Phi(30) by %g\n", worst);
        return 1;
    }
    if (invert(6, A, Ai) != 0)
        return 1;
    worst = 0;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            double s = 0;
            for (int q = 0; q < 6; q++)
                s += A[i][q] * Ai[q][j];
            worst = fmax(worst, fabs(s - (i == j)));
        }
    if (!(worst < 1e-8)) {
        fprintf(stderr, "bench_crlb: inverse off identity by %g\n", worst);
        return 1;
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: trilink_bench_crlb SCENARIO [--sensors FILE] [--mismatch FILE] [--runs N] "
               "[--seed S] [--label TEXT]\n");
}

int main(int argc, char **argv)
{
    struct tl_scenario *sc = NULL;
    struct tl_diag d;
    struct bins acc;
    const char *sensors = NULL, *mismatch = NULL, *label = NULL;
    long runs = 10, seed = 1;
    double worst[2] = { 0, 0 };

    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (int i = 2; i < argc; i++) {
        char *end = NULL;
        if (i + 1 >= argc) {
            fprintf(stderr, "bench_crlb: %s needs a value\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--sensors") == 0)
            sensors = argv[++i];
        else if (strcmp(argv[i], "--mismatch") == 0)
            mismatch = argv[++i];
        else if (strcmp(argv[i], "--label") == 0)
            label = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 || strcmp(argv[i], "--seed") == 0) {
            const int is_runs = argv[i][2] == 'r';
            const long v = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || v < 1 || v > 100000) {
                fprintf(stderr, "bench_crlb: %s: '%s' is not a whole number in 1..100000\n",
                        is_runs ? "--runs" : "--seed", argv[i]);
                return 2;
            }
            if (is_runs)
                runs = v;
            else
                seed = v;
        } else {
            fprintf(stderr, "bench_crlb: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (self_check() != 0)
        return 1;
    memset(&d, 0, sizeof d);
    if (tl_scenario_load(argv[1], &sc, &d) != TL_OK ||
        (sensors != NULL && tl_sensor_load(sensors, &sc->sensors, &d) != TL_OK) ||
        (mismatch != NULL && tl_mismatch_load(mismatch, &sc->mismatch, &d) != TL_OK)) {
        fprintf(stderr, "bench_crlb: %s:%d: %s\n", d.file[0] ? d.file : argv[1], d.line, d.message);
        tl_scenario_destroy(sc);
        return 1;
    }
    memset(&acc, 0, sizeof acc);
    for (long k = 0; k < runs; k++)
        if (one_run(sc, (uint64_t)(seed + k), &acc) != 0) {
            tl_scenario_destroy(sc);
            return 1;
        }
    printf("%s, %s world: %ld runs, %.2f tracks of the missile in its coast per run (%ld runs "
           "without one)\n",
           label ? label : sc->name, sc->mismatch.on ? "mismatched" : "matched", acc.runs,
           acc.runs ? (double)acc.tracks / (double)acc.runs : 0.0, acc.runs_without_track);
    printf("| coast | reports | RMS error (m) | bound, biases known (m) | ratio | bound, biases "
           "unknown (m) | ratio |\n|---|---|---|---|---|---|---|\n");
    for (int k = 0; k < NB; k++) {
        double e, b0, b1;
        if (acc.n[k] == 0) {
            printf("| %d-%d %% | 0 | - | - | - | - | - |\n", 10 * k, 10 * k + 10);
            continue;
        }
        e = sqrt(acc.e2[k] / (double)acc.n[k]);
        b0 = sqrt(acc.b2[0][k] / (double)acc.n[k]);
        b1 = sqrt(acc.b2[1][k] / (double)acc.n[k]);
        worst[0] = fmax(worst[0], e / b0);
        worst[1] = fmax(worst[1], e / b1);
        printf("| %d-%d %% | %ld | %.0f | %.0f | %.2f | %.0f | %.2f |\n", 10 * k, 10 * k + 10,
               acc.n[k], e, b0, e / b0, b1, e / b1);
    }
    if (acc.n_all == 0)
        printf("crlb %s: no report of the missile in its coast\n", label ? label : sc->name);
    for (int v = 0; v < 2 && acc.n_all > 0; v++) {
        char last[32] = "-";
        if (acc.n_last > 0)
            snprintf(last, sizeof last, "%.2f", sqrt(acc.e2_last / acc.b2_last[v]));
        printf("crlb %s %s, biases %s: error / bound worst tenth %.2f, last quarter %s, whole coast "
               "%.2f\n",
               label ? label : sc->name, sc->mismatch.on ? "mismatched" : "matched",
               v ? "unknown" : "known", worst[v], last, sqrt(acc.e2_all / acc.b2_all[v]));
    }
    tl_scenario_destroy(sc);
    return 0;
}
