/* Gater and hypothesis cost: which detections a track may take, at what cost, and which ones it
 * explains (so they start no track). */
#include <math.h>
#include <stdlib.h>

#include "track_int.h"
#include "roots.h"

/* A detection this close (Mahalanobis distance squared) to an established track starts no new
 * track even when it falls outside the gate: it is that missile seen through a manoeuvre (a
 * burnout between scans), not a new one. Separate missiles are thousands of sigmas apart. */
#define EXCLUDE_D2 1000.0
/* ... but only a track that knows where it is: a vague track would shadow a whole region. */
#define EXCLUDE_MAX_SIGMA_M 2000.0

void tl__gate_init(struct tl__gate *g, double prob)
{
    g->d2[0] = g->d2[1] = 0.0;
    for (int dof = 2; dof <= 4; dof++)
        g->d2[dof] = tl__chi2_quantile(dof, prob);
}

double tl__gate_pd(const struct tl_sensor *s)
{
    return fmin(fmax(s->pd, 0.05), 0.999);
}

double tl__gate_miss_cost(double pd)
{
    return -2.0 * log(1.0 - pd);
}

static int hyps_push(struct tl__hyps *out, int track, int meas, double cost)
{
    if (out->n == out->cap) {
        const int ncap = out->cap ? 2 * out->cap : 256;
        struct tl__hyp *nh = realloc(out->h, (size_t)ncap * sizeof *nh);
        if (nh == NULL)
            return TL_ENOMEM;
        out->h = nh;
        out->cap = ncap;
    }
    out->h[out->n].track = track;
    out->h[out->n].meas = meas;
    out->h[out->n].cost = cost;
    out->n++;
    return TL_OK;
}

/* Cheap pre-gate on position for radar: a pair this far apart cannot gate. */
static int far_apart(const struct tl_sensor *s, const struct tl_meas *z, const double zp[3],
                     const struct tl_gauss *comb)
{
    double dx = 0.0;

    for (int k = 0; k < 3; k++)
        dx += (zp[k] - comb->x[k]) * (zp[k] - comb->x[k]);
    return sqrt(dx) > 10.0 * tl__pos_sigma(comb) +
                          10.0 * (s->sigma_range_m +
                                  z->range_m * fmax(s->sigma_az_rad, s->sigma_el_rad));
}

/* Gates on each model's own prediction: right after burnout the boost model still dominates the
 * mixture while only the ballistic one fits the detections, and gating on the mixture would keep
 * the IMM from ever seeing that. The cost is the track score's (Blackman & Popoli, "Design and
 * Analysis of Modern Tracking Systems", 6.2): a gated pair costs -2 ln(Pd g / beta), with g the
 * mixture likelihood and beta the clutter density (a miss costs tl__gate_miss_cost), so a tight
 * track outbids a vague one for the same detection, whatever their gates. Returns 1 and the
 * cost when the pair gates; sets *explains when the detection is this track's missile. */
static int gate_pair(const struct tl__gate *g, const struct tl_tracker_cfg *cfg,
                     const struct tl_sensor *s, const struct tl_meas *z,
                     enum tl_track_status status, const struct tl__imm *est, double *cost,
                     int *explains)
{
    const int nm = tl__imm_models(cfg);
    double best_d2 = INFINITY, main_d2 = INFINITY, lik = 0.0, ll_ref = -INFINITY, ll[TL_N_MOTIONS];
    int m = 0;

    for (int k = 0; k < nm; k++) {
        struct tl_innovation inn;
        ll[k] = -INFINITY;
        /* A floored model is a spent hypothesis with a runaway covariance: it would gate
         * anything. */
        if (est->mu[k] <= 1.01 * TL__IMM_MU_FLOOR && nm > 1)
            continue;
        if (tl_track_innovation(cfg->filter, s, z, &est->model[k], &inn) != TL_OK)
            continue;
        m = inn.m;
        ll[k] = inn.loglik;
        ll_ref = fmax(ll_ref, ll[k]);
        best_d2 = fmin(best_d2, inn.d2);
        if (est->mu[k] >= TL__IMM_MIX_MIN)
            main_d2 = fmin(main_d2, inn.d2);
    }
    *explains = main_d2 < EXCLUDE_D2 && status != TL_TRACK_TENTATIVE &&
                tl__pos_sigma(&est->comb) < EXCLUDE_MAX_SIGMA_M;
    if (m == 0 || !(best_d2 < g->d2[m]))
        return 0;
    for (int k = 0; k < nm; k++)
        if (!isinf(ll[k]))
            lik += est->mu[k] * exp(ll[k] - ll_ref);
    *cost = -2.0 * (log(tl__gate_pd(s)) + ll_ref + log(fmax(lik, 1e-300)) -
                    log(tl_sensor_clutter_density(s, m)));
    return 1;
}

int tl__gate_track(const struct tl__gate *g, const struct tl_tracker_cfg *cfg,
                   const struct tl__scan *sc, int i, enum tl_track_status status,
                   const struct tl__imm *est, unsigned char *use, struct tl__hyps *out)
{
    const struct tl_sensor *s = sc->s;

    for (int j = 0; j < sc->nz; j++) {
        double cost = 0.0;
        int explains, gated;
        if (s->kind == TL_SENSOR_RADAR && far_apart(s, &sc->z[j], sc->zp[j], &est->comb))
            continue;
        gated = gate_pair(g, cfg, s, &sc->z[j], status, est, &cost, &explains);
        if (explains)
            use[j] = TL__DET_EXPLAINED;
        if (gated && hyps_push(out, i, j, cost) != TL_OK)
            return TL_ENOMEM;
    }
    return TL_OK;
}
