/* The IMM (Blom & Bar-Shalom 1988; Bar-Shalom, Li & Kirubarajan, "Estimation with Applications
 * to Tracking and Navigation", sec. 11.6.6) over the boost, ballistic, reentry and manoeuvre
 * models: mixing, model-conditioned prediction and update, mode probabilities, combination. */
#include <math.h>
#include <string.h>

#include "track_int.h"

/* Mode transition probabilities over dt (Markov chain with switching rates): boost ends
 * (1/100 s) into ballistic or, for a burnout inside the atmosphere, straight into drag-dominated
 * flight, and never restarts; ballistic and reentry exchange slowly (1/200 s) — in vacuum they
 * are the same model, in the air the likelihoods decide. A pull-up starts from drag-dominated
 * flight (1/200 s) and lasts a minute or more (ends at 1/60 s); from midcourse it is rarer
 * (1/2,000 s). */
static void mode_transition(double dt, double pi[TL_N_MOTIONS][TL_N_MOTIONS])
{
    const double stay_boost = exp(-fabs(dt) / 100.0), x = 1.0 - exp(-fabs(dt) / 200.0);
    const double x_mid = 1.0 - exp(-fabs(dt) / 2000.0), end_man = 1.0 - exp(-fabs(dt) / 60.0);

    memset(pi, 0, sizeof(double) * TL_N_MOTIONS * TL_N_MOTIONS);
    pi[TL_MOTION_BOOST][TL_MOTION_BOOST] = stay_boost;
    pi[TL_MOTION_BOOST][TL_MOTION_BALLISTIC] = 0.5 * (1.0 - stay_boost);
    pi[TL_MOTION_BOOST][TL_MOTION_REENTRY] = 0.5 * (1.0 - stay_boost);
    pi[TL_MOTION_BALLISTIC][TL_MOTION_BALLISTIC] = 1.0 - x - x_mid;
    pi[TL_MOTION_BALLISTIC][TL_MOTION_REENTRY] = x;
    pi[TL_MOTION_BALLISTIC][TL_MOTION_MANEUVER] = x_mid;
    pi[TL_MOTION_REENTRY][TL_MOTION_REENTRY] = 1.0 - 2.0 * x;
    pi[TL_MOTION_REENTRY][TL_MOTION_BALLISTIC] = x;
    pi[TL_MOTION_REENTRY][TL_MOTION_MANEUVER] = x;
    pi[TL_MOTION_MANEUVER][TL_MOTION_MANEUVER] = 1.0 - end_man;
    pi[TL_MOTION_MANEUVER][TL_MOTION_REENTRY] = 0.8 * end_man;
    pi[TL_MOTION_MANEUVER][TL_MOTION_BALLISTIC] = 0.2 * end_man;
}

void tl__imm_combine(const struct tl_gauss *g, const double *mu, int nm, struct tl_gauss *out)
{
    double w[TL_N_MOTIONS], sum = 0.0;
    int best = 0;

    for (int j = 0; j < nm; j++) {
        w[j] = mu[j] >= TL__IMM_MIX_MIN ? mu[j] : 0.0;
        sum += w[j];
        if (mu[j] > mu[best])
            best = j;
    }
    if (!(sum > 0.0)) { /* cannot happen with a floor, but be safe */
        *out = g[best];
        return;
    }
    memset(out, 0, sizeof *out);
    out->t_s = g[0].t_s;
    for (int j = 0; j < nm; j++)
        for (int a = 0; a < TL_NX; a++)
            out->x[a] += w[j] / sum * g[j].x[a];
    for (int j = 0; j < nm; j++) {
        if (w[j] == 0.0)
            continue;
        for (int a = 0; a < TL_NX; a++)
            for (int b = 0; b < TL_NX; b++)
                out->P[a][b] += w[j] / sum * (g[j].P[a][b] + (g[j].x[a] - out->x[a]) *
                                                                 (g[j].x[b] - out->x[b]));
    }
}

/* Renormalises mode probabilities with the floor (a retired boost model stays at 0). */
static void floor_mu(double *mu, int nm, int boost_retired)
{
    double sum = 0.0;

    if (boost_retired)
        mu[TL_MOTION_BOOST] = 0.0;
    for (int j = 0; j < nm; j++)
        sum += mu[j];
    for (int j = 0; j < nm; j++)
        mu[j] = boost_retired && j == TL_MOTION_BOOST
                    ? 0.0
                    : fmax(mu[j] / sum, nm > 1 ? TL__IMM_MU_FLOOR : 0.0);
    sum = 0.0;
    for (int j = 0; j < nm; j++)
        sum += mu[j];
    for (int j = 0; j < nm; j++)
        mu[j] /= sum;
}

int tl__imm_models(const struct tl_tracker_cfg *cfg)
{
    return cfg->imm ? TL_N_MOTIONS : 1;
}

enum tl_motion tl__imm_model(const struct tl_tracker_cfg *cfg, int j)
{
    return cfg->imm ? (enum tl_motion)j : TL_MOTION_BALLISTIC;
}

void tl__imm_init(const struct tl_tracker_cfg *cfg, const struct tl_gauss *g,
                  const double mu[TL_N_MOTIONS], struct tl__imm *est)
{
    for (int j = 0; j < TL_N_MOTIONS; j++) {
        est->model[j] = *g;
        est->mu[j] = cfg->imm ? mu[j] : (j == 0 ? 1.0 : 0.0);
    }
    est->comb = *g;
    est->coast_s = 0.0;
    est->boost_retired = 0;
}

/* Whether model m estimates the drag coefficient k (x[9]); the others carry it unobserved. */
static int estimates_drag(enum tl_motion m)
{
    return m == TL_MOTION_REENTRY || m == TL_MOTION_MANEUVER;
}

/* Model i's estimate as it enters model j's mixture. States model i does not estimate carry no
 * knowledge into model j (state augmentation at mixing: Li & Jilkov, part V, sec. 3):
 * - the lift acceleration of the manoeuvre model (a means thrust or a decaying residue in the
 *   others): the Singer process's stationary prior N(0, q tau / 2) in the plane normal to v;
 * - the drag coefficient of the reentry and manoeuvre models: model j's own k, uncorrelated.
 *   The ballistic and boost models' k is never observed: mixed in with the ballistic model's
 *   weight (0.99 in a reentry the IMM misread), an MRBM's k of 0.05 m^2/kg (beta 20 kg/m^2, a
 *   prior never updated) made the reentry model's drag 20,000 m/s^2 at 20 km and its
 *   prediction 10^12 m (run 38 of bench/calibration/mrbm-lofted.yaml). */
static void mixing_source(const struct tl_tracker_cfg *cfg, const struct tl__imm *prior, int i,
                          int j, struct tl_gauss *src)
{
    const enum tl_motion mi = tl__imm_model(cfg, i), mj = tl__imm_model(cfg, j);

    *src = prior->model[i];
    if (i == j)
        return;
    if (mj == TL_MOTION_MANEUVER) {
        const double var = 0.5 * cfg->noise.q_man * cfg->noise.tau_man;
        double sh[3][3];
        tl__maneuver_plane(src->x, sh);
        for (int a = 6; a < 9; a++) {
            src->x[a] = 0.0;
            for (int b = 0; b < TL_NX; b++)
                src->P[a][b] = src->P[b][a] = 0.0;
        }
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                src->P[6 + a][6 + b] = var * sh[a][b];
    }
    if (estimates_drag(mj) && !estimates_drag(mi)) {
        for (int b = 0; b < TL_NX; b++)
            src->P[9][b] = src->P[b][9] = 0.0;
        src->x[9] = prior->model[j].x[9];
        src->P[9][9] = prior->model[j].P[9][9];
    }
}

/* Mixes the model estimates with the transition over the elapsed time, predicts each, and leaves
 * the predicted mode probabilities in mu. Works on a copy, so a failed model prediction leaves
 * @p pred as it was. */
int tl__imm_predict(const struct tl_tracker_cfg *cfg, const struct tl__imm *prior, double t_s,
                    struct tl__imm *pred)
{
    const int nm = tl__imm_models(cfg);
    double pi[TL_N_MOTIONS][TL_N_MOTIONS], cbar[TL_N_MOTIONS] = { 0 };
    struct tl_gauss mixed[TL_N_MOTIONS];
    struct tl__imm next;
    const double dt = t_s - prior->model[0].t_s;
    int rc;

    if (dt == 0.0) {
        if (pred != prior)
            *pred = *prior;
        return TL_OK;
    }
    if (nm == 1) {
        next = *prior;
        rc = tl_track_predict(&cfg->earth, cfg->filter, TL_MOTION_BALLISTIC, &cfg->noise,
                              &prior->model[0], t_s, &next.model[0]);
        if (rc != TL_OK)
            return rc;
        next.comb = next.model[0];
        *pred = next;
        return TL_OK;
    }
    mode_transition(dt, pi);
    for (int j = 0; j < nm; j++)
        for (int i = 0; i < nm; i++)
            cbar[j] += pi[i][j] * prior->mu[i];
    for (int j = 0; j < nm; j++) {
        double w[TL_N_MOTIONS];
        for (int i = 0; i < nm; i++)
            w[i] = cbar[j] > 0.0 ? pi[i][j] * prior->mu[i] / cbar[j] : (i == j);
        /* tl__imm_combine() leaves out mixing weights under TL__IMM_MIX_MIN (see
         * track_int.h); the model's own estimate always takes part. */
        if (w[j] < TL__IMM_MIX_MIN)
            w[j] = TL__IMM_MIX_MIN;
        {
            struct tl_gauss src[TL_N_MOTIONS];
            for (int i = 0; i < nm; i++)
                mixing_source(cfg, prior, i, j, &src[i]);
            tl__imm_combine(src, w, nm, &mixed[j]);
        }
    }
    /* nm == TL_N_MOTIONS here: every field of next is written below. */
    for (int j = 0; j < nm; j++) {
        rc = tl_track_predict(&cfg->earth, cfg->filter, tl__imm_model(cfg, j), &cfg->noise,
                              &mixed[j], t_s, &next.model[j]);
        if (rc != TL_OK)
            return rc;
        next.mu[j] = cbar[j];
    }
    /* Above the atmosphere the manoeuvre model is the ballistic one (no lift without air): it
     * is held at the floor there, so the IMM of an exo-atmospheric coast is the three-model one
     * and the manoeuvre model does not dilute the ballistic one's probability. */
    if (nm > TL_MOTION_MANEUVER &&
        tl_geo_height(&cfg->earth.shape, prior->comb.x) >= TL__IMM_MANEUVER_TOP_M)
        next.mu[TL_MOTION_MANEUVER] = 0.0;
    next.coast_s = prior->mu[TL_MOTION_BOOST] < 0.05 ? prior->coast_s + fmax(dt, 0.0) : 0.0;
    next.boost_retired = prior->boost_retired || next.coast_s > TL__IMM_BOOST_RETIRE_S;
    floor_mu(next.mu, nm, next.boost_retired);
    tl__imm_combine(next.model, next.mu, nm, &next.comb);
    *pred = next;
    return TL_OK;
}

int tl__imm_update(const struct tl_tracker_cfg *cfg, const struct tl_sensor *s,
                   const struct tl_meas *z, struct tl__imm *est)
{
    const int nm = tl__imm_models(cfg);
    double ll[TL_N_MOTIONS], best = -INFINITY;
    struct tl_gauss post[TL_N_MOTIONS];
    int ok = 0;

    for (int j = 0; j < nm; j++) {
        struct tl_innovation inn;
        ll[j] = -INFINITY;
        post[j] = est->model[j];
        if (est->mu[j] <= 0.0)
            continue;
        if (tl_track_update(cfg->filter, s, z, &est->model[j], &post[j], &inn) == TL_OK) {
            ll[j] = inn.loglik;
            best = fmax(best, ll[j]);
            ok = 1;
        }
    }
    if (!ok)
        return TL_ENOTPD;
    for (int j = 0; j < nm; j++) {
        est->model[j] = post[j];
        est->mu[j] = isinf(ll[j]) ? 0.0 : est->mu[j] * exp(ll[j] - best);
    }
    floor_mu(est->mu, nm, est->boost_retired); /* normalises too */
    tl__imm_combine(est->model, est->mu, nm, &est->comb);
    return TL_OK;
}

/* Height from the normal's foot, climb along the normal (n . v): one geodetic conversion. */
enum tl_phase tl__imm_phase(const struct tl_tracker_cfg *cfg, const struct tl__imm *est,
                            double *h_m, double *climb_mps)
{
    double n[3];
    const double h = tl_geo_height_normal(&cfg->earth.shape, est->comb.x, n);
    const double climb = n[0] * est->comb.x[3] + n[1] * est->comb.x[4] + n[2] * est->comb.x[5];

    if (h_m != NULL)
        *h_m = h;
    if (climb_mps != NULL)
        *climb_mps = climb;
    if (cfg->imm && est->mu[TL_MOTION_BOOST] > 0.5)
        return TL_PHASE_BOOST;
    if (h < TL_REENTRY_H_M && climb < 0)
        return TL_PHASE_REENTRY;
    return TL_PHASE_MIDCOURSE;
}
