/* Track-to-track fusion into system tracks: association by a chi-square gate after time
 * alignment with each estimate's own motion model, covariance intersection, stable system
 * numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/fuse.h"
#include "trilink/geo.h"
#include "trilink/propagate.h"
#include "trilink/track.h"
#include "trilink/trajectory.h"
#include "mat.h"
#include "roots.h"

#define NS 1e-9
#define MAX_GAIN 400000 /* fusion-gain ratios kept (about a day of predictions) */

/* share.h states the wire's ranges without including the modules above it: they must agree. */
_Static_assert(TL_MSG_TRACK_STATUS_MAX == TL_TRACK_DELETED, "track status range on the wire");
_Static_assert(TL_MSG_PHASE_MAX == TL_PHASE_IMPACTED, "flight phase range on the wire");
_Static_assert(TL_MSG_CLASS_MAX == TL_CLASS_ICBM, "class range on the wire");
/* A 6x6 block travels in the top-left corner of the 10-state matrices (tl_gauss, tl__mat). */
_Static_assert(TL__MAT_MAX == TL_NX, "tl__mat and tl_gauss.P have the same rows");

struct tl_fuse {
    struct tl_fuse_cfg cfg;
    char owner[TL_NATION_LEN];
    int32_t next_no;
    double gate;
    struct tl_motion_noise noise;
    int n, cap;
    struct tl_fused *s;
    size_t n_gain, cap_gain;
    double *gain; /* fused / best single semi-major axis, one per fused impact prediction */
    int64_t now_ns; /* the newest clock of tl_fuse_clock or tl_fuse_expire (0: none yet) */
};

struct tl_fuse_cfg tl_fuse_cfg_default(void)
{
    struct tl_fuse_cfg c;
    c.earth = tl_earth_wgs84();
    c.gate_prob = 0.9999;
    c.stale_s = 20.0;
    c.drop_s = 60.0;
    c.assess_every_s = 2.0;
    c.assoc_pos_m = 1000.0;
    c.assoc_vel_mps = 100.0;
    return c;
}

void tl_p21_to_full(const double p[TL_NP], double P[6][6])
{
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            P[i][j] = p[tl_ut6(i, j)];
}

void tl_full_to_p21(double P[6][6], double p[TL_NP])
{
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++)
            p[tl_ut6(i, j)] = 0.5 * (P[i][j] + P[j][i]);
}

/* The 6x6 block into the top-left corner of a TL_NX x TL_NX matrix, and back. */
static void put6(double dst[][TL_NX], double src[6][6])
{
    for (int i = 0; i < 6; i++)
        memcpy(dst[i], src[i], sizeof src[i]);
}

static void get6(double dst[6][6], double src[][TL_NX])
{
    for (int i = 0; i < 6; i++)
        memcpy(dst[i], src[i], sizeof dst[i]);
}

int tl_fuse_create(const struct tl_fuse_cfg *cfg, const char *owner, int32_t first_no,
                   struct tl_fuse **out)
{
    struct tl_fuse *f;

    if (cfg == NULL || owner == NULL || out == NULL || first_no < 1 ||
        !(cfg->gate_prob > 0.5 && cfg->gate_prob < 1.0) || !(cfg->stale_s > 0) ||
        !(cfg->drop_s > 0) || !(cfg->assess_every_s >= 0) || !(cfg->assoc_pos_m >= 0) ||
        !(cfg->assoc_vel_mps >= 0))
        return TL_EINVAL;
    f = calloc(1, sizeof *f);
    if (f == NULL)
        return TL_ENOMEM;
    f->cfg = *cfg;
    snprintf(f->owner, sizeof f->owner, "%s", owner);
    f->next_no = first_no;
    f->gate = tl__chi2_quantile(6, cfg->gate_prob);
    f->noise = tl_motion_noise_default();
    *out = f;
    return TL_OK;
}

void tl_fuse_destroy(struct tl_fuse *f)
{
    if (f == NULL)
        return;
    free(f->s);
    free(f->gain);
    free(f);
}

int tl_fuse_count(const struct tl_fuse *f)
{
    return f->n;
}

const struct tl_fused *tl_fuse_get(const struct tl_fuse *f, int i)
{
    return i >= 0 && i < f->n ? &f->s[i] : NULL;
}

const struct tl_fused *tl_fuse_find(const struct tl_fuse *f, int32_t no)
{
    for (int i = 0; i < f->n; i++)
        if (f->s[i].system_no == no)
            return &f->s[i];
    return NULL;
}

size_t tl_fuse_gain(const struct tl_fuse *f, const double **ratios)
{
    *ratios = f->gain;
    return f->n_gain;
}

void tl_fuse_contributors(const struct tl_fused *s, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < s->n_contrib && len < size; i++) {
        int n = snprintf(buf + len, size - len, "%s%s:%d", i ? "," : "", s->c[i].origin,
                         (int)s->c[i].track_no);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}

/* ---- numerics ----------------------------------------------------------------------------- */

static int inv6(double A[6][6], double I[6][6], double *logdet)
{
    tl__mat a, inv;
    put6(a, A);
    if (tl__mat_spd_inverse(6, (const double(*)[TL__MAT_MAX])a, inv, logdet) != 0)
        return -1;
    get6(I, inv);
    return 0;
}

/* CI at weight w: P = (w Ia + (1-w) Ib)^-1, x = P (w Ia xa + (1-w) Ib xb); *logdet_p gets
 * log det P (NULL allowed). */
static int ci_at(double w, double Ia[6][6], double Ib[6][6], const double xa[6],
                 const double xb[6], double x[6], double P[6][6], double *logdet_p)
{
    double M[6][6], y[6], ld;

    for (int i = 0; i < 6; i++) {
        y[i] = 0;
        for (int j = 0; j < 6; j++) {
            M[i][j] = w * Ia[i][j] + (1 - w) * Ib[i][j];
            y[i] += w * Ia[i][j] * xa[j] + (1 - w) * Ib[i][j] * xb[j];
        }
    }
    if (inv6(M, P, &ld) != 0)
        return -1;
    if (logdet_p != NULL)
        *logdet_p = -ld;
    for (int i = 0; i < 6; i++) {
        x[i] = 0;
        for (int j = 0; j < 6; j++)
            x[i] += P[i][j] * y[j];
    }
    return 0;
}

static double logdet6(double P[6][6])
{
    double I[6][6], ld;
    return inv6(P, I, &ld) == 0 ? ld : INFINITY;
}

/* What CI minimises over its weight: a function of the fused covariance. */
typedef double (*ci_criterion)(double P[6][6], const void *ctx);

static double crit_logdet(double P[6][6], const void *ctx)
{
    (void)ctx;
    return logdet6(P);
}

/* Trace of the covariance of r + t_go v (J P J^T, J = [I, t_go I]): to first order the
 * displacement of the impact point t_go ahead. */
static double crit_toward(double P[6][6], const void *ctx)
{
    const double t_go = *(const double *)ctx;
    double tr = 0;
    for (int i = 0; i < 3; i++)
        tr += P[i][i] + 2.0 * t_go * P[i][i + 3] + t_go * t_go * P[i + 3][i + 3];
    return tr;
}

/* Largest eigenvalue of J P J^T, J (2 x 6) the sensitivity of the impact point (east, north) to
 * the state: the squared semi-major axis of the linearised impact ellipse, up to the chi-square
 * factor. */
static double crit_impact(double P[6][6], const void *ctx)
{
    const double *J = ctx; /* 2 x 6, row-major */
    double M[2][2];
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            double v = 0;
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++)
                    v += J[6 * a + i] * P[i][j] * J[6 * b + j];
            M[a][b] = v;
        }
    return 0.5 * (M[0][0] + M[1][1]) +
           sqrt(0.25 * (M[0][0] - M[1][1]) * (M[0][0] - M[1][1]) + M[0][1] * M[1][0]);
}

/* CI with the weight minimising @p crit by golden section; the end points (either input alone)
 * are checked, so the result is never worse by @p crit than the better input. */
static double ci_min(const double xa[6], double Pa[6][6], const double xb[6], double Pb[6][6],
                     ci_criterion crit, const void *ctx, double x[6], double P[6][6])
{
    double Ia[6][6], Ib[6][6], lo = 0.0, hi = 1.0, xt[6], Pt[6][6], w, best;
    const double g = 0.5 * (sqrt(5.0) - 1.0);
    const double ca = crit(Pa, ctx), cb = crit(Pb, ctx);

    if (inv6(Pa, Ia, NULL) != 0 || inv6(Pb, Ib, NULL) != 0)
        return NAN;
    /* log det is convex in w (Julier & Uhlmann 1997); the other criteria are unimodal in
     * practice, and the end points are checked below anyway */
    for (int it = 0; it < 40; it++) {
        const double m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
        double t1 = INFINITY, t2 = INFINITY;
        if (ci_at(m1, Ia, Ib, xa, xb, xt, Pt, NULL) == 0)
            t1 = crit(Pt, ctx);
        if (ci_at(m2, Ia, Ib, xa, xb, xt, Pt, NULL) == 0)
            t2 = crit(Pt, ctx);
        if (t1 < t2)
            hi = m2;
        else
            lo = m1;
    }
    w = 0.5 * (lo + hi);
    best = ci_at(w, Ia, Ib, xa, xb, xt, Pt, NULL) == 0 ? crit(Pt, ctx) : INFINITY;
    if (ca <= best && ca <= cb)
        w = 1.0;
    else if (cb <= best && cb < ca)
        w = 0.0;
    if (w == 1.0) {
        memcpy(x, xa, sizeof xt);
        memcpy(P, Pa, sizeof Pt);
    } else if (w == 0.0) {
        memcpy(x, xb, sizeof xt);
        memcpy(P, Pb, sizeof Pt);
    } else {
        memcpy(x, xt, sizeof xt);
        memcpy(P, Pt, sizeof Pt);
    }
    return w;
}

double tl_fuse_ci_toward(const double xa[6], double Pa[6][6], const double xb[6], double Pb[6][6],
                         double t_go, double x[6], double P[6][6])
{
    return t_go > 0 ? ci_min(xa, Pa, xb, Pb, crit_toward, &t_go, x, P)
                    : ci_min(xa, Pa, xb, Pb, crit_logdet, NULL, x, P);
}

double tl_fuse_ci(const double xa[6], double Pa[6][6], const double xb[6], double Pb[6][6],
                  double x[6], double P[6][6])
{
    return ci_min(xa, Pa, xb, Pb, crit_logdet, NULL, x, P);
}

/* Least thrust uncertainty an alignment assumes, (m/s^2)^2: 5 m/s^2 per axis. */
#define THRUST_SIGMA_MIN2 25.0

/* Propagates a 6-state estimate to t with the tracker's own motion model for its phase (EKF
 * prediction, with its process noise): the time alignment of track-to-track fusion. In boost the
 * thrust acceleration estimate of the originator drives it, in reentry its drag coefficient;
 * their uncertainties enter the covariance. */
static int align(const struct tl_fuse *f, const struct tl_fuse_dyn *d, const double x[6],
                 const double p[TL_NP], int64_t t_ns, int64_t to_ns, double xo[6], double Po[6][6])
{
    struct tl_gauss g, o;
    enum tl_motion m = TL_MOTION_BALLISTIC;

    tl_p21_to_full(p, Po);
    if (to_ns == t_ns) {
        memcpy(xo, x, 6 * sizeof x[0]);
        return 0;
    }
    memset(&g, 0, sizeof g);
    memcpy(g.x, x, 6 * sizeof x[0]);
    put6(g.P, Po);
    for (int i = 6; i < 9; i++)
        g.P[i][i] = 1e-2;
    g.P[9][9] = 1e-12;
    if (d != NULL && d->phase == TL_PHASE_BOOST) {
        m = TL_MOTION_BOOST;
        for (int i = 0; i < 3; i++) {
            g.x[6 + i] = d->accel[i];
            /* a thrust estimate is rough, and a stage may have ended */
            g.P[6 + i][6 + i] = fmax(d->accel_sigma * d->accel_sigma, THRUST_SIGMA_MIN2);
        }
    } else if (d != NULL && d->phase == TL_PHASE_REENTRY) {
        m = TL_MOTION_REENTRY;
        g.x[9] = d->drag_k;
        g.P[9][9] = fmax(d->drag_k_sigma * d->drag_k_sigma, 1e-10);
    }
    /* times relative to the older one keep the doubles exact */
    g.t_s = 0.0;
    if (tl_track_predict(&f->cfg.earth, TL_FILTER_EKF, m, &f->noise, &g,
                         (double)(to_ns - t_ns) * NS, &o) != TL_OK)
        return -1;
    memcpy(xo, o.x, 6 * sizeof xo[0]);
    get6(Po, o.P);
    return 0;
}

/* ---- system tracks ------------------------------------------------------------------------ */

static struct tl_fused *new_system(struct tl_fuse *f, int32_t no)
{
    struct tl_fused *s;

    if (f->n == f->cap) {
        int nc = f->cap ? 2 * f->cap : 16;
        struct tl_fused *ns = realloc(f->s, (size_t)nc * sizeof *ns);
        if (ns == NULL)
            return NULL;
        f->s = ns;
        f->cap = nc;
    }
    s = &f->s[f->n++];
    memset(s, 0, sizeof *s);
    s->system_no = no;
    if (no >= f->next_no)
        f->next_no = no + 1;
    return s;
}

static int find_contrib(const struct tl_fused *s, const char *origin, int32_t no)
{
    for (int i = 0; i < s->n_contrib; i++)
        if (s->c[i].track_no == no && strcmp(s->c[i].origin, origin) == 0)
            return i;
    return -1;
}

static void remove_contrib(struct tl_fused *s, int k)
{
    s->c[k] = s->c[s->n_contrib - 1];
    s->n_contrib--;
}

/* Impact prediction of a 6-state estimate valid at t_ns (the assess module's sigma-point
 * prediction with the class drag prior); ip->t_s in seconds since 1970. */
static int impact_of(const struct tl_fuse *f, const double x[6], double P[6][6], int64_t t_ns,
                     struct tl_impact_pred *ip)
{
    struct tl_gauss g;
    memset(&g, 0, sizeof g);
    memcpy(g.x, x, 6 * sizeof x[0]);
    put6(g.P, P);
    g.P[6][6] = g.P[7][7] = g.P[8][8] = 1e-6;
    g.P[9][9] = 1e-8;
    if (tl_assess_impact(&f->cfg.earth, &g, ip) != TL_OK)
        return -1;
    ip->t_s += (double)t_ns * NS;
    return 0;
}

/* Sensitivity of the impact point (east, north, m) to the state @p x, by central differences of
 * vacuum coasts (drag moves the point, hardly its sensitivity): 13 coasts. Returns 0 or -1. */
static int impact_jacobian(const struct tl_fuse *f, const double x[6], double J[2][6])
{
    const struct tl_ode_cfg cfg = { 1e-9, 1e-3, 0.0, 0.0 };
    struct tl_coast_result cr;
    struct tl_lla ref;
    double y[6];

    if (tl_propagate_coast(&f->cfg.earth, 1e7, 0.0, x, 14400.0, &cfg, NULL, &cr) != TL_OK)
        return -1;
    ref = tl_geo_ecef_to_lla(&f->cfg.earth.shape, cr.impact_y);
    ref.h_m = 0.0;
    for (int i = 0; i < 6; i++) {
        const double h = i < 3 ? 10.0 : 0.01; /* m, m/s */
        double enu[2][3];
        for (int sgn = 0; sgn < 2; sgn++) {
            memcpy(y, x, sizeof y);
            y[i] += sgn ? -h : h;
            if (tl_propagate_coast(&f->cfg.earth, 1e7, 0.0, y, 14400.0, &cfg, NULL, &cr) != TL_OK)
                return -1;
            tl_geo_ecef_to_enu(&f->cfg.earth.shape, &ref, cr.impact_y, enu[sgn]);
        }
        for (int a = 0; a < 2; a++)
            J[a][i] = (enu[0][a] - enu[1][a]) / (2.0 * h);
    }
    return 0;
}

static void record_gain(struct tl_fuse *f, double ratio)
{
    if (f->n_gain == f->cap_gain) {
        const size_t nc = f->cap_gain ? 2 * f->cap_gain : 1024;
        double *ng;
        if (nc > MAX_GAIN || (ng = realloc(f->gain, nc * sizeof *ng)) == NULL)
            return; /* the statistic stops growing; the fusion goes on */
        f->gain = ng;
        f->cap_gain = nc;
    }
    f->gain[f->n_gain++] = ratio;
}

/* Aligns an estimate (@p own its dynamics) from t_ns to the newer to_ns, where the newer side of
 * the comparison (not aligned; it knows the phase better) says @p newer (NULL: own alone).
 * - Early in boost a nation's IMM may still call a climbing missile ballistic (its thrust is small
 *   beside the radar's noise at long range): aligned tens of seconds forward without thrust, that
 *   estimate falls kilometres short of a partner's boost track of the same missile and fails the
 *   gate, and a late sample starts a duplicate system track. When the newer side is boosting, the
 *   older is aligned as boosting with the newer's thrust estimate, whose uncertainty (at least
 *   5 m/s^2 in align) covers what the thrust was at the older time.
 * - When the older side is boosting and the newer no longer is, the engines stopped at some
 *   unknown time tau in between. Aligned with thrust throughout, a partner's sample 43 s old
 *   overshot its missile by 55 km and started a second system track. It is aligned as coasting,
 *   then the thrust a acting until tau, uniform over the interval dt, is added: on average
 *   a dt^2/3 to the position and a dt/2 to the velocity, with covariances (a a^T + s_a^2 I) times
 *   dt^4/45, dt^3/24 (cross) and dt^2/12 (moments of tau ~ U(0, dt)).
 * The fused state is made the same way (fuse_contributions: a partner's sample 18 s old, aligned
 * as ballistic, pulled a boosting system track 5 km off). */
static int align_to(const struct tl_fuse *f, const struct tl_fuse_dyn *own,
                    const struct tl_fuse_dyn *newer, const double x[6], const double p[TL_NP],
                    int64_t t_ns, int64_t to_ns, double xo[6], double Po[6][6])
{
    struct tl_fuse_dyn d = *own;

    if (newer != NULL && own->phase != TL_PHASE_BOOST && newer->phase == TL_PHASE_BOOST) {
        d.phase = TL_PHASE_BOOST;
        memcpy(d.accel, newer->accel, sizeof d.accel);
        d.accel_sigma = newer->accel_sigma;
    } else if (newer != NULL && own->phase == TL_PHASE_BOOST && to_ns > t_ns &&
               (newer->phase == TL_PHASE_MIDCOURSE || newer->phase == TL_PHASE_REENTRY)) {
        const double dt = (double)(to_ns - t_ns) * NS;
        const double sa2 = fmax(own->accel_sigma * own->accel_sigma, THRUST_SIGMA_MIN2);
        const double cx = pow(dt, 4) / 45.0, cxv = pow(dt, 3) / 24.0, cv = dt * dt / 12.0;
        d.phase = TL_PHASE_MIDCOURSE;
        if (align(f, &d, x, p, t_ns, to_ns, xo, Po) != 0)
            return -1;
        for (int i = 0; i < 3; i++) {
            xo[i] += own->accel[i] * dt * dt / 3.0;
            xo[3 + i] += own->accel[i] * dt / 2.0;
            for (int k = 0; k < 3; k++) {
                const double m = own->accel[i] * own->accel[k] + (i == k ? sa2 : 0.0);
                Po[i][k] += m * cx;
                Po[3 + i][3 + k] += m * cv;
                Po[i][3 + k] += m * cxv;
                Po[3 + i][k] += m * cxv;
            }
        }
        return 0;
    }
    return align(f, &d, x, p, t_ns, to_ns, xo, Po);
}

/* Fused estimate at the newest contribution's time from every live contribution. */
static void fuse_contributions(struct tl_fuse *f, struct tl_fused *s)
{
    int64_t newest = 0;
    int have = 0, na = 0, due;
    double x[6], P[6][6];
    double xa[TL_FUSE_MAX_CONTRIB][6], Pa[TL_FUSE_MAX_CONTRIB][6][6];
    const struct tl_fuse_dyn *ref = NULL; /* the newest contribution's: it knows the phase best */

    for (int i = 0; i < s->n_contrib; i++)
        if (s->c[i].t_ns > 0 && (s->c[i].t_ns > newest ||
                                 (s->c[i].t_ns == newest && s->c[i].dyn.phase == TL_PHASE_BOOST))) {
            newest = s->c[i].t_ns;
            ref = &s->c[i].dyn;
        }
    if (newest == 0)
        return;
    for (int i = 0; i < s->n_contrib && na < TL_FUSE_MAX_CONTRIB; i++) {
        const struct tl_fuse_contrib *c = &s->c[i];
        if (c->t_ns <= 0 || (double)(newest - c->t_ns) * NS > f->cfg.stale_s)
            continue;
        if (align_to(f, &c->dyn, ref, c->x, c->p, c->t_ns, newest, xa[na], Pa[na]) == 0)
            na++;
    }
    /* Weigh toward the allies' question, where it lands: with two or more estimates, CI
     * minimises the linearised impact ellipse's major axis; the sensitivity is refreshed with
     * every impact prediction. */
    due = !s->has_impact || (double)(newest - s->impact_at_ns) * NS >= f->cfg.assess_every_s;
    if (na >= 2 && (due || !s->have_J))
        s->have_J = impact_jacobian(f, xa[0], s->J) == 0;
    for (int i = 0; i < na; i++) {
        double xf[6], Pf[6][6], w;
        if (!have) {
            memcpy(x, xa[i], sizeof x);
            memcpy(P, Pa[i], sizeof P);
            have = 1;
            continue;
        }
        w = s->have_J ? ci_min(x, P, xa[i], Pa[i], crit_impact, &s->J[0][0], xf, Pf)
                      : ci_min(x, P, xa[i], Pa[i], crit_logdet, NULL, xf, Pf);
        if (!isnan(w)) {
            memcpy(x, xf, sizeof x);
            memcpy(P, Pf, sizeof P);
        }
    }
    if (!have)
        return;
    memcpy(s->x, x, sizeof x);
    tl_full_to_p21(P, s->p);
    s->t_ns = newest;
    for (int i = 0; i < s->n_contrib; i++)
        if (s->c[i].t_ns == newest)
            s->dyn = s->c[i].dyn;
    s->last_live_ns = newest;
    /* launch point: the most precise one any contributor assessed */
    for (int i = 0; i < s->n_contrib; i++) {
        const struct tl_msg_assess *a = &s->c[i].assess;
        if (s->c[i].have_assess && a->has_launch &&
            (!s->has_launch || a->launch_err_m < s->launch_err_m)) {
            s->has_launch = 1;
            s->launch_lat_rad = a->launch_lat_rad;
            s->launch_lon_rad = a->launch_lon_rad;
            s->launch_err_m = a->launch_err_m;
            s->launch_ns = a->launch_ns;
        }
    }
    /* fused impact prediction, at most every assess_every_s of state time; with it, the best
     * single nation's from the same data at the same time by the same method (fusion gain) */
    if (due) {
        struct tl_impact_pred ip;
        if (impact_of(f, x, P, s->t_ns, &ip) == 0) {
            s->impact = ip;
            s->fused_semi_major_m = ip.semi_major_m;
            s->has_impact = 1;
            s->impact_at_ns = s->t_ns;
            s->n_single = 0;
            s->best_single_semi_major_m = INFINITY;
            for (int k = 0; na > 1 && k < na; k++) {
                struct tl_impact_pred one;
                if (impact_of(f, xa[k], Pa[k], s->t_ns, &one) == 0) {
                    s->n_single++;
                    if (one.semi_major_m < s->best_single_semi_major_m) {
                        s->best_single_semi_major_m = one.semi_major_m;
                        /* every input is consistent, so is the most precise of them: when one
                         * nation's own prediction is tighter than the fused one, it is the
                         * picture's */
                        if (one.semi_major_m < s->fused_semi_major_m)
                            s->impact = one;
                    }
                }
            }
            if (s->n_single >= 2 && s->best_single_semi_major_m > 0)
                record_gain(f, s->fused_semi_major_m / s->best_single_semi_major_m);
        }
    }
}

static struct tl_fuse_dyn dyn_of(const struct tl_msg_track *m)
{
    struct tl_fuse_dyn d;
    d.phase = m->phase;
    memcpy(d.accel, m->accel, sizeof d.accel);
    d.accel_sigma = m->accel_sigma;
    d.drag_k = m->drag_k;
    d.drag_k_sigma = m->drag_k_sigma;
    return d;
}

/* Squared Mahalanobis distance between system track @p s and an estimate (x, p, its dynamics d,
 * valid at t_ns: a national track, or another system track), with the model-mismatch floors. */
static double gate_d2(struct tl_fuse *f, const struct tl_fused *s, const double x[6],
                      const double p[TL_NP], const struct tl_fuse_dyn *d, int64_t t_ns)
{
    double xs[6], Ps[6][6], xm[6], Pm[6][6], S[6][6], Si[6][6], nu[6], d2 = 0;

    if (s->t_ns <= 0)
        return INFINITY;
    /* align the older of the two to the newer: prediction runs forward only */
    if (t_ns >= s->t_ns) {
        if (align_to(f, &s->dyn, d, s->x, s->p, s->t_ns, t_ns, xs, Ps) != 0)
            return INFINITY;
        memcpy(xm, x, sizeof xm);
        tl_p21_to_full(p, Pm);
    } else {
        if (align_to(f, d, &s->dyn, x, p, t_ns, s->t_ns, xm, Pm) != 0)
            return INFINITY;
        memcpy(xs, s->x, sizeof xs);
        tl_p21_to_full(s->p, Ps);
    }
    for (int i = 0; i < 6; i++) {
        nu[i] = xm[i] - xs[i];
        for (int j = 0; j < 6; j++)
            S[i][j] = Ps[i][j] + Pm[i][j];
        S[i][i] += i < 3 ? f->cfg.assoc_pos_m * f->cfg.assoc_pos_m
                         : f->cfg.assoc_vel_mps * f->cfg.assoc_vel_mps;
    }
    if (inv6(S, Si, NULL) != 0)
        return INFINITY;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            d2 += nu[i] * Si[i][j] * nu[j];
    return d2;
}

/* Whether s already holds another track of @p origin updated within the last 5 s: two live
 * tracks of one nation are two objects to that nation, so they are not merged here. A silent
 * one (a track broken and restarted, or a node restarted with new numbers) may be succeeded. */
static int has_other_of(const struct tl_fused *s, const char *origin, int32_t no, int64_t t_ns)
{
    for (int i = 0; i < s->n_contrib; i++)
        if (strcmp(s->c[i].origin, origin) == 0 && s->c[i].track_no != no && s->c[i].t_ns > 0 &&
            (double)(t_ns - s->c[i].t_ns) * NS < 5.0)
            return 1;
    return 0;
}

/* How far a restored system track's object can be from where its stored state puts it at the
 * sample's time. Stored under power, anywhere a missile can fly: below 8 km/s over the time
 * between, plus 1,000 km for a boost estimate's error. Stored coasting, it is flown on
 * ballistically: 50 km plus a 50 m/s velocity error over the time between (a new missile from
 * the same site, launched while the node was down, is not taken for the old one in midcourse). */
#define RESTORED_BOOST_REACH_M 1.0e6
#define RESTORED_BOOST_REACH_MPS 8.0e3
#define RESTORED_COAST_REACH_M 5.0e4
#define RESTORED_COAST_REACH_MPS 50.0

/* Distance from sample @p m to where restored track @p s would be then, over its reach (<= 1:
 * it could have flown there); INFINITY when it cannot be said. */
static double restored_reach(const struct tl_fuse *f, const struct tl_fused *s,
                             const struct tl_msg_track *m)
{
    const double dt_s = (double)(m->t_ns - s->restored_t_ns) * NS;
    const int powered = s->restored_phase == TL_PHASE_BOOST || s->restored_phase == 0;
    double at[6], d = 0;

    if (powered) {
        memcpy(at, s->restored_y, sizeof at);
    } else {
        const struct tl_ode_cfg cfg = { 1e-9, 1e-3, 0.0, 0.0 };
        if (tl_propagate_ballistic(&f->cfg.earth, 1e7, 0.0, s->restored_y, dt_s, &cfg, at) !=
            TL_OK)
            return INFINITY;
    }
    for (int k = 0; k < 3; k++)
        d += (m->x[k] - at[k]) * (m->x[k] - at[k]);
    return powered ? sqrt(d) / (RESTORED_BOOST_REACH_M + RESTORED_BOOST_REACH_MPS * fabs(dt_s))
                   : sqrt(d) / (RESTORED_COAST_REACH_M + RESTORED_COAST_REACH_MPS * fabs(dt_s));
}

/* A restored system track not seen since the restart, for a sample that joins no live one: the
 * restarted node's own tracks have new numbers and the partners' tracks it held may not have
 * joined before it went down, so its restored contributions may never come again; without this
 * its missile came back under a new number. Of those whose stored state could have flown to the
 * sample, the nearest in its reach (one with no stored state is left to its contributions). */
static struct tl_fused *take_up_restored(struct tl_fuse *f, const struct tl_msg_track *m)
{
    struct tl_fused *best = NULL;
    double best_u = 1.0;

    for (int i = 0; i < f->n; i++) {
        struct tl_fused *s = &f->s[i];
        double u;
        if (s->ended || s->t_ns != 0 || s->restored_t_ns == 0 ||
            s->n_contrib == TL_FUSE_MAX_CONTRIB || has_other_of(s, m->origin, m->track_no, m->t_ns))
            continue;
        u = restored_reach(f, s, m);
        if (u <= best_u) {
            best_u = u;
            best = s;
        }
    }
    if (best != NULL)
        best->restored_t_ns = 0;
    return best;
}

int tl_fuse_track(struct tl_fuse *f, const struct tl_msg_track *m, int32_t *system_no,
                  int *updated)
{
    struct tl_fused *s = NULL;
    int k = -1;

    *system_no = 0;
    *updated = 0;
    if (f == NULL || m == NULL)
        return TL_EINVAL;
    for (int i = 0; i < f->n && s == NULL; i++)
        if ((k = find_contrib(&f->s[i], m->origin, m->track_no)) >= 0)
            s = &f->s[i];
    if (m->status == TL_TRACK_DELETED || m->status == TL_TRACK_TENTATIVE) {
        if (s != NULL && m->status == TL_TRACK_DELETED) {
            remove_contrib(s, k);
            *system_no = s->system_no;
        }
        return TL_OK;
    }
    if (s == NULL) { /* associate with the nearest system track inside the gate */
        const struct tl_fuse_dyn md = dyn_of(m);
        double best = f->gate;
        for (int i = 0; i < f->n; i++) {
            double d2;
            if (f->s[i].ended || f->s[i].n_contrib == TL_FUSE_MAX_CONTRIB ||
                has_other_of(&f->s[i], m->origin, m->track_no, m->t_ns))
                continue;
            d2 = gate_d2(f, &f->s[i], m->x, m->p, &md, m->t_ns);
            if (d2 < best) {
                best = d2;
                s = &f->s[i];
            }
        }
        /* A sample older than drop_s starts nothing: a system track with nothing newer would
         * end at once, and one made from a partner's backlog (a node that lagged, a link that
         * stalled) after the missile's own track ended is a duplicate of a missile that fell. */
        if (s == NULL && f->now_ns > 0 && (double)(f->now_ns - m->t_ns) * NS > f->cfg.drop_s)
            return TL_OK;
        if (s == NULL)
            s = take_up_restored(f, m);
        if (s == NULL && (s = new_system(f, f->next_no)) == NULL)
            return TL_ENOMEM;
        k = s->n_contrib++;
        memset(&s->c[k], 0, sizeof s->c[k]);
        snprintf(s->c[k].origin, sizeof s->c[k].origin, "%s", m->origin);
        s->c[k].track_no = m->track_no;
    }
    if (m->t_ns < s->c[k].t_ns)
        return TL_OK; /* older than what we hold (a relayed copy overtaken by the direct one) */
    s->ended = 0;
    snprintf(s->c[k].relay, sizeof s->c[k].relay, "%s", m->relay);
    s->c[k].t_ns = m->t_ns;
    s->c[k].status = m->status;
    s->c[k].dyn = dyn_of(m);
    memcpy(s->c[k].x, m->x, sizeof m->x);
    memcpy(s->c[k].p, m->p, sizeof m->p);
    fuse_contributions(f, s);
    *system_no = s->system_no;
    *updated = 1;
    return TL_OK;
}

int tl_fuse_assess(struct tl_fuse *f, const struct tl_msg_assess *a)
{
    if (f == NULL || a == NULL)
        return TL_EINVAL;
    for (int i = 0; i < f->n; i++) {
        int k = find_contrib(&f->s[i], a->origin, a->track_no);
        if (k >= 0) {
            f->s[i].c[k].assess = *a;
            f->s[i].c[k].have_assess = 1;
            return TL_OK;
        }
    }
    return TL_ENOTFOUND;
}

int tl_fuse_restore(struct tl_fuse *f, int32_t system_no, const char *contributors)
{
    struct tl_fused *s;
    struct tl_fuse_contrib add[TL_FUSE_MAX_CONTRIB];
    const char *p = contributors;
    int have, n_add = 0;

    if (f == NULL || system_no < 1)
        return TL_EINVAL;
    s = (struct tl_fused *)tl_fuse_find(f, system_no);
    have = s != NULL ? s->n_contrib : 0;
    /* Parse first, then change: a bad entry leaves the fusion as it was. Entries past the
     * capacity are not read (a full system track takes no more). */
    while (p != NULL && *p && have + n_add < TL_FUSE_MAX_CONTRIB) {
        char origin[TL_NATION_LEN];
        int no, used, dup;
        if (sscanf(p, "%4[A-Z]:%d%n", origin, &no, &used) != 2)
            return TL_EPARSE;
        dup = s != NULL && find_contrib(s, origin, no) >= 0;
        for (int i = 0; i < n_add && !dup; i++)
            dup = add[i].track_no == no && strcmp(add[i].origin, origin) == 0;
        if (!dup) {
            memset(&add[n_add], 0, sizeof add[n_add]);
            snprintf(add[n_add].origin, sizeof add[n_add].origin, "%s", origin);
            add[n_add++].track_no = no;
        }
        p += used;
        if (*p == ',')
            p++;
    }
    if (s == NULL && (s = new_system(f, system_no)) == NULL)
        return TL_ENOMEM;
    memcpy(&s->c[s->n_contrib], add, (size_t)n_add * sizeof add[0]);
    s->n_contrib += n_add;
    return TL_OK;
}

int tl_fuse_restore_last(struct tl_fuse *f, int32_t system_no, int64_t t_ns, const double y[6],
                         int phase)
{
    struct tl_fused *s;

    if (f == NULL || y == NULL || (s = (struct tl_fused *)tl_fuse_find(f, system_no)) == NULL)
        return TL_EINVAL;
    for (int k = 0; k < 6; k++)
        if (!isfinite(y[k]))
            return TL_EINVAL;
    s->restored_t_ns = t_ns;
    memcpy(s->restored_y, y, sizeof s->restored_y);
    s->restored_phase = phase;
    return TL_OK;
}

int tl_fuse_compact(struct tl_fuse *f)
{
    int kept = 0;

    if (f == NULL)
        return TL_EINVAL;
    /* in place, in order: the survivors keep their relative order (and their numbers) */
    for (int i = 0; i < f->n; i++)
        if (!f->s[i].ended) {
            if (kept != i)
                f->s[kept] = f->s[i];
            kept++;
        }
    {
        const int removed = f->n - kept;
        f->n = kept;
        return removed;
    }
}

/* Whether two system tracks hold live tracks of one nation (then they are two objects). */
static int share_a_nation(const struct tl_fused *a, const struct tl_fused *b)
{
    for (int i = 0; i < a->n_contrib; i++)
        for (int j = 0; j < b->n_contrib; j++)
            if (strcmp(a->c[i].origin, b->c[j].origin) == 0 && a->c[i].t_ns > 0 &&
                b->c[j].t_ns > 0 && llabs(a->c[i].t_ns - b->c[j].t_ns) < 5000000000LL)
                return 1;
    return 0;
}

/* b's fused estimate through the gate of tl_fuse_track against a. */
static int same_object(struct tl_fuse *f, const struct tl_fused *a, const struct tl_fused *b)
{
    return gate_d2(f, a, b->x, b->p, &b->dyn, b->t_ns) < f->gate;
}

void tl_fuse_clock(struct tl_fuse *f, int64_t now_ns)
{
    if (f != NULL && now_ns > f->now_ns)
        f->now_ns = now_ns;
}

int tl_fuse_expire(struct tl_fuse *f, int64_t now_ns)
{
    int merges = 0;

    tl_fuse_clock(f, now_ns);
    /* A ballistic missile may go unseen for most of its flight (the midcourse between the
     * launch-area and the impact-area radars): a system track ends when its predicted impact
     * is drop_s past, or when no contribution is left and none came for drop_s. */
    for (int i = 0; i < f->n; i++) {
        struct tl_fused *s = &f->s[i];
        const double since = (double)(now_ns - s->last_live_ns) * NS;
        if (s->ended || s->last_live_ns == 0)
            continue;
        if ((s->has_impact && s->impact.t_s > 0 && (double)now_ns * NS > s->impact.t_s + f->cfg.drop_s) ||
            (s->n_contrib == 0 && since > f->cfg.drop_s))
            s->ended = 1;
    }
    for (int i = 0; i < f->n; i++) {
        struct tl_fused *a = &f->s[i];
        if (a->ended || a->t_ns == 0)
            continue;
        for (int j = i + 1; j < f->n; j++) {
            struct tl_fused *b = &f->s[j];
            if (b->ended || b->t_ns == 0 || share_a_nation(a, b) ||
                a->n_contrib + b->n_contrib > TL_FUSE_MAX_CONTRIB || !same_object(f, a, b))
                continue;
            /* the older number (created first, so lower) stays */
            memcpy(&a->c[a->n_contrib], b->c, (size_t)b->n_contrib * sizeof b->c[0]);
            a->n_contrib += b->n_contrib;
            b->n_contrib = 0;
            b->ended = 1;
            b->merged_into = a->system_no;
            fuse_contributions(f, a);
            merges++;
        }
    }
    return merges;
}
