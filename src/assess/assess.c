#include <math.h>
#include <string.h>

#include "trilink/assess.h"
#include "assess_int.h"
#include "estim.h"

#define N_IPP 7 /* r, v, k */

const char *tl_class_name(enum tl_class c)
{
    static const char *const names[] = { "srbm", "mrbm", "irbm", "icbm" };

    return (unsigned)c < 4 ? names[c] : "unknown";
}

/* Apogee radius of the two-body orbit through (r, v) in the inertial frame (v_ecef + w x r). */
static double apogee_radius(const struct tl_earth *e, const double y[6])
{
    struct tl_orbit o;

    tl_assess_orbit(e, y, &o);
    return o.apogee_m + e->shape.a;
}

/* Below this height a descending state's apogee, flown back through the drag it has met, is no
 * better than the one found above it. */
#define APOGEE_KEEP_H_M 80000.0

double tl_assess_apogee_keep(const struct tl_earth *e, const struct tl_gauss *g,
                             double apogee_m, double *kept_m)
{
    if (tl_geo_height(&e->shape, g->x) >= APOGEE_KEEP_H_M && isfinite(apogee_m)) {
        *kept_m = apogee_m;
        return apogee_m;
    }
    return *kept_m > 0.0 ? *kept_m : apogee_m; /* a flight never above 80 km keeps nothing */
}

int tl_assess_orbit(const struct tl_earth *e, const double y[6], struct tl_orbit *out)
{
    const double w = e->omega;
    const double v[3] = { y[3] - w * y[1], y[4] + w * y[0], y[5] };
    const double r = sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
    const double v2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    const double h[3] = { y[1] * v[2] - y[2] * v[1], y[2] * v[0] - y[0] * v[2],
                          y[0] * v[1] - y[1] * v[0] };
    const double hn = sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
    const double a = 1.0 / (2.0 / r - v2 / e->mu);
    const double ecc = sqrt(fmax(0.0, 1.0 - hn * hn / (e->mu * a)));
    const double re = e->shape.a;

    if (a > 0.0) {
        out->perigee_m = a * (1.0 - ecc) - re;
        out->apogee_m = a * (1.0 + ecc) - re;
    } else { /* hyperbolic: perigee h^2 / (mu (1 + e)), no apogee */
        const double eh = sqrt(1.0 + hn * hn * (v2 / e->mu - 2.0 / r) / e->mu);
        out->perigee_m = hn * hn / (e->mu * (1.0 + eh)) - re;
        out->apogee_m = INFINITY;
    }
    out->incl_rad = hn > 0.0 ? acos(fmax(-1.0, fmin(1.0, h[2] / hn))) : NAN;
    return out->perigee_m > TL_REENTRY_H_M;
}

/* Height above which drag no longer changes the orbit measurably (density < 2e-9 kg/m^3): the
 * two-body apogee of a state there is the flight's. */
#define DRAG_FREE_H_M 150000.0

/* The apogee a descending body has passed: flown back in time with its drag (the equations of
 * motion run backwards as well as forwards) until it is above DRAG_FREE_H_M, where the two-body
 * orbit gives the apogee, or until it climbs no more (an apogee inside the atmosphere, 5-s
 * samples: about g dt^2 / 8 = 30 m short at worst). */
static double apogee_behind(const struct tl_earth *e, double beta, double t_s, const double y0[6])
{
    const struct tl_ode_cfg cfg = { 1e-9, 1e-3, 0.0, 0.0 };
    const double dt = 5.0;
    double y[6], h = tl_geo_height(&e->shape, y0), best = h;

    memcpy(y, y0, sizeof y);
    for (int i = 0; i < 720 && h < DRAG_FREE_H_M; i++) {
        double back[6];
        if (tl_propagate_ballistic(e, beta, t_s - dt * i, y, t_s - dt * (i + 1), &cfg, back) !=
            TL_OK)
            break;
        memcpy(y, back, sizeof y);
        h = tl_geo_height(&e->shape, y);
        if (h <= best)
            return best; /* lower than a step later: the apogee is behind us */
        best = h;
    }
    return apogee_radius(e, y) - sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]) +
           tl_geo_height(&e->shape, y);
}

enum tl_class tl_assess_class(const struct tl_earth *e, const double y[6], double range_m,
                              double apogee_m, int *loft, double *standard_range_m)
{
    const double w = e->omega, R = 6371000.0;
    const double v[3] = { y[3] - w * y[1], y[4] + w * y[0], y[5] };
    const double r = sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
    const double nu = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) * r / e->mu;
    double std_range, phi, a_min, apo_min;
    enum tl_class c;

    std_range = nu >= 1.0 ? INFINITY : R * 2.0 * asin(fmin(1.0, nu / (2.0 - nu)));
    c = std_range < 1000e3 ? TL_CLASS_SRBM
        : std_range < 3000e3 ? TL_CLASS_MRBM
        : std_range < 5500e3 ? TL_CLASS_IRBM
                             : TL_CLASS_ICBM;
    /* Minimum-energy ellipse between two ground points phi apart: a = R (1 + sin(phi/2)) / 2,
     * its empty focus on the chord, so the apogee radius is a + R cos(phi/2) / 2. */
    phi = range_m / R;
    a_min = R * (1.0 + sin(phi / 2.0)) / 2.0;
    apo_min = a_min + R * cos(phi / 2.0) / 2.0 - R;
    if (loft != NULL)
        *loft = !(range_m > 0) ? 0 : apogee_m > 1.5 * apo_min ? 1 : apogee_m < 0.6 * apo_min ? -1 : 0;
    if (standard_range_m != NULL)
        *standard_range_m = std_range;
    return c;
}

/* Eigen-decomposition of a symmetric 2x2 east-north covariance into its 95 % ellipse: semi-axes
 * sqrt(5.991 lambda_i), major-axis azimuth clockwise from north in [0, pi). */
void tl__assess_ellipse(const double c[2][2], double *semi_major, double *semi_minor, double *az)
{
    const double tr = c[0][0] + c[1][1], det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
    const double disc = sqrt(fmax(0.0, tr * tr / 4.0 - det));
    const double l1 = tr / 2.0 + disc, l2 = fmax(0.0, tr / 2.0 - disc);
    double ve, vn;

    /* Eigenvector of l1 in (east, north). */
    if (fabs(c[0][1]) > 1e-12 * tr) {
        ve = l1 - c[1][1];
        vn = c[0][1];
    } else if (c[0][0] >= c[1][1]) {
        ve = 1.0;
        vn = 0.0;
    } else {
        ve = 0.0;
        vn = 1.0;
    }
    *semi_major = sqrt(TL_CHI2_2DOF_95 * l1);
    *semi_minor = sqrt(TL_CHI2_2DOF_95 * l2);
    *az = fmod(atan2(ve, vn) + 2.0 * M_PI, M_PI);
}

static void ellipse(const double c[2][2], struct tl_impact_pred *out)
{
    tl__assess_ellipse(c, &out->semi_major_m, &out->semi_minor_m, &out->major_az_rad);
}

/* The drag prior of a track that has not yet seen drag: reentry vehicles' ballistic coefficients
 * span 2,000-15,000 kg/m^2 in the open literature (Regan, "Re-Entry Vehicle Dynamics", 1984: low
 * for old blunt warheads, high for slender modern RVs), and a real RV's is unknown: log-uniform
 * over 1,000-20,000 kg/m^2 covers both ends with margin, whatever the class. The distribution of
 * k = 1/beta is then far from Gaussian (a factor 20 wide), so it is not given to the sigma
 * points: the (r, v) sigma points fly at the prior's geometric middle, and Gauss-Legendre nodes
 * in log k (uniform there), flown from the mean state, add the spread that drag gives. */
#define BETA_PRIOR_MIN 1000.0
#define BETA_PRIOR_MAX 20000.0
#define N_LOGK 5
static const double GL_NODE[N_LOGK] = { -0.9061798459386640, -0.5384693101056831, 0.0,
                                        0.5384693101056831, 0.9061798459386640 };
static const double GL_WEIGHT[N_LOGK] = { 0.2369268850561891, 0.4786286704993665,
                                          0.5688888888888889, 0.4786286704993665,
                                          0.2369268850561891 }; /* sum 2 */

/* The tracker's own prior on k (tracker.c): a track whose k spread is still above half of it
 * has not observed drag. */
#define TRACK_K_PRIOR_SIGMA 1e-4

/* Relative error of a drag coefficient the tracker has estimated, for the flight still ahead:
 * what it learnt is k rho_true / rho_1976 at the heights flown so far, and the day's density
 * departs from the standard by up to +-30 % differently at each height (seasons, latitude;
 * uniform +-30 % has a 17 % sigma, the difference of two such 24 %); 20 %. */
#define DENSITY_REL_SIGMA 0.2

static const struct tl_ode_cfg COAST_CFG = { 1e-8, 1e-3, 0.0, 0.0 };

/* A glide seen (issue 12): the IMM's manoeuvre model holds an aerodynamic acceleration a, and its
 * component up the local vertical, normal to the velocity, is lift. Seen: at least 2 m/s^2 and
 * twice its own sigma, inside or just above the glide window. How long the warhead keeps gliding
 * is unknown, so the prediction spreads over the lift it can still pull: Gauss-Legendre nodes in
 * L/D over [0, GLIDE_LD_MAX] (0: it dives now; the top: half again the catalogue's
 * quasi-ballistic class, data/vehicles.yaml srbm-solid's 3, for a warhead in no catalogue; with
 * 3.0 the 95 % ellipse held a mismatched glider's impact in 54 % of the assessments after the
 * pull-up was seen, with 4.5 in 78 %), at most GLIDE_MAX_G, flown from the mean state with the
 * guidance of tl_propagate_lift. */
#define GLIDE_LD_MAX 4.5
#define GLIDE_MAX_G 3.0
#define N_GLIDE 3
static const double GL3_NODE[N_GLIDE] = { -0.7745966692414834, 0.0, 0.7745966692414834 };
static const double GL3_WEIGHT[N_GLIDE] = { 5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0 }; /* sum 2 */

static int glide_seen(const struct tl_earth *e, const struct tl_gauss *g)
{
    double up[3], gamma, a_up = 0.0, var = 0.0;
    const double h = tl_propagate_lift_axis(e, g->x, g->x + 3, up, &gamma);

    if (!(h < TL_GLIDE_HIGH_M + 10000.0 && h > 0.5 * TL_GLIDE_LOW_M))
        return 0;
    for (int i = 0; i < 3; i++)
        a_up += up[i] * g->x[6 + i];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            var += up[i] * g->P[6 + i][6 + j] * up[j];
    return a_up > 2.0 && a_up > 2.0 * sqrt(fmax(var, 0.0));
}

/* Coasts @p y from @p t_s to the ground with drag coefficient @p k (a tiny or negative k is a
 * vacuum-like body). */
static int coast_k(const struct tl_earth *e, double k, double t_s, const double y[6],
                   struct tl_coast_result *cr)
{
    const double beta = k > 1e-7 ? 1.0 / k : 1e7;
    return tl_propagate_coast(e, beta, t_s, y, t_s + 14400.0, &COAST_CFG, NULL, cr);
}

int tl_assess_impact(const struct tl_earth *e, const struct tl_gauss *g, struct tl_impact_pred *out)
{
    struct tl__sigma s;
    double imp[2 * N_IPP + 1][3], mean[3] = { 0, 0, 0 }, apo = NAN, k_fly = 0.0, t_shift = 0.0;
    double q_imp[N_LOGK * N_GLIDE][3], q_w[N_LOGK * N_GLIDE];
    struct tl_impact_pred r;
    struct tl_lla mp;
    int rc, n, drag_seen, gliding, nq = 0;

    if (e == NULL || g == NULL || out == NULL)
        return TL_EINVAL;
    /* Seen: known to half the tracker's prior spread, and a coefficient a body can have (an
     * IMM's combined k can wander negative while its reentry model is not the likely one). */
    drag_seen = sqrt(g->P[9][9]) < 0.5 * TRACK_K_PRIOR_SIGMA && g->x[9] > 0.5 / BETA_PRIOR_MAX &&
                g->x[9] < 2.0 / BETA_PRIOR_MIN;
    {
        /* Sigma points over (r, v), and k in the seventh slot once drag is seen. */
        double x7[TL_NX], P7[TL_NX][TL_NX];
        memset(P7, 0, sizeof P7);
        for (int i = 0; i < 6; i++) {
            x7[i] = g->x[i];
            for (int j = 0; j < 6; j++)
                P7[i][j] = g->P[i][j];
            P7[i][6] = P7[6][i] = g->P[i][9];
        }
        x7[6] = g->x[9];
        P7[6][6] = g->P[9][9] + pow(DENSITY_REL_SIGMA * fmax(g->x[9], 0.0), 2);
        n = drag_seen ? N_IPP : 6;
        k_fly = 1.0 / sqrt(BETA_PRIOR_MIN * BETA_PRIOR_MAX);
        if (tl__sigma_points(n, x7, (const double(*)[TL_NX])P7, &s) != 0)
            return TL_ENOTPD;
    }
    for (int k = 0; k < 2 * n + 1; k++) {
        struct tl_coast_result cr;
        const double kk = drag_seen ? s.x[k][6] : k_fly;
        if ((rc = coast_k(e, kk, g->t_s, s.x[k], &cr)) != TL_OK)
            return rc;
        if (k == 0) {
            r.t_s = cr.impact_t_s;
            /* The forward coast finds the apogee still ahead; one already passed is found behind
             * the state (issue 9: the two-body apogee of a state that drag has slowed fell from
             * 6,643 to 5,169 km over the last seconds of an ICBM's reentry). */
            /* Flown back, the drag is the one the track has met (its own k, however
             * uncertain), not the prior of the flight ahead. */
            apo = isnan(cr.apogee_t_s) || cr.apogee_t_s <= g->t_s + 1e-6
                      ? apogee_behind(e, g->x[9] > 1e-7 ? 1.0 / g->x[9] : 1e7, g->t_s, s.x[0])
                      : cr.apogee_h_m;
        }
        memcpy(imp[k], cr.impact_y, sizeof imp[k]);
        for (int i = 0; i < 3; i++)
            mean[i] += s.wm[k] * cr.impact_y[i];
    }
    /* The nodes of what the state does not hold, flown from the mean state: the drag prior's (in
     * log k) until drag is seen, and the glide's (in L/D) while a glide is seen, their product
     * when both. Their shifts from the mean state's own impact move the mean and add their
     * spread, independent of the state's. */
    gliding = glide_seen(e, g);
    if (!drag_seen || gliding) {
        const double lo = log(1.0 / BETA_PRIOR_MAX), hi = log(1.0 / BETA_PRIOR_MIN);
        const int nk = drag_seen ? 1 : N_LOGK, ng = gliding ? N_GLIDE : 1;
        for (int j = 0; j < nk; j++)
            for (int l = 0; l < ng; l++) {
                struct tl_coast_result cr;
                const double kk = drag_seen ? s.x[0][6]
                                            : exp(0.5 * (lo + hi) + 0.5 * (hi - lo) * GL_NODE[j]);
                const double w = (drag_seen ? 1.0 : 0.5 * GL_WEIGHT[j]) *
                                 (gliding ? 0.5 * GL3_WEIGHT[l] : 1.0);
                const struct tl_glide gl = { 0.5 * GLIDE_LD_MAX * (1.0 + GL3_NODE[l]),
                                             GLIDE_MAX_G * TL_G0 };
                const double beta = kk > 1e-7 ? 1.0 / kk : 1e7;
                if ((rc = tl_propagate_glide(e, beta, gliding ? &gl : NULL, g->t_s, s.x[0],
                                             g->t_s + 14400.0, &COAST_CFG, NULL, &cr)) != TL_OK)
                    return rc;
                memcpy(q_imp[nq], cr.impact_y, sizeof q_imp[nq]);
                q_w[nq] = w;
                for (int i = 0; i < 3; i++)
                    mean[i] += w * (q_imp[nq][i] - imp[0][i]);
                t_shift += w * (cr.impact_t_s - r.t_s);
                nq++;
            }
    }
    mp = tl_geo_ecef_to_lla(&e->shape, mean);
    mp.h_m = 0.0;
    memset(r.cov_en, 0, sizeof r.cov_en);
    for (int k = 0; k < 2 * n + 1; k++) {
        double enu[3];
        tl_geo_ecef_to_enu(&e->shape, &mp, imp[k], enu);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                r.cov_en[a][b] += s.wc[k] * enu[a] * enu[b];
    }
    if (nq > 0) {
        /* Covariance of the nodes' independent shift, added to that of the state's spread. */
        double d[N_LOGK * N_GLIDE][2], dm[2] = { 0, 0 }, e0[3];
        tl_geo_ecef_to_enu(&e->shape, &mp, imp[0], e0);
        for (int j = 0; j < nq; j++) {
            double ej[3];
            tl_geo_ecef_to_enu(&e->shape, &mp, q_imp[j], ej);
            for (int a = 0; a < 2; a++) {
                d[j][a] = ej[a] - e0[a];
                dm[a] += q_w[j] * d[j][a];
            }
        }
        for (int j = 0; j < nq; j++)
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    r.cov_en[a][b] += q_w[j] * (d[j][a] - dm[a]) * (d[j][b] - dm[b]);
        r.t_s += t_shift;
    }
    r.point = mp;
    /* An apogee the coast could not place (a flight back that found none): the two-body one. */
    r.apogee_m = isfinite(apo) ? apo
                               : apogee_radius(e, g->x) -
                                     sqrt(g->x[0] * g->x[0] + g->x[1] * g->x[1] +
                                          g->x[2] * g->x[2]) +
                                     tl_geo_height(&e->shape, g->x);
    ellipse((const double(*)[2])r.cov_en, &r);
    *out = r;
    return TL_OK;
}
