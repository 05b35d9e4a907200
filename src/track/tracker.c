/* The multi-target tracker: per scan, predict (IMM), gate, associate (GNN), update, manage.
 * Composed of the predictor, updater and associator; this file holds the track life cycle. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "track_int.h"
#include "roots.h"

/* Mode probabilities never fall below MU_FLOOR, so a model can always win back (the boost
 * model must, when it has not yet learnt its thrust). But a model that improbable predicts
 * wildly over a long coast (the boost model's thrust is a random walk), so neither the mixing
 * (contributions under MIX_MIN) nor the reported estimate (models under MIX_MIN) takes it in. */
#define MU_FLOOR 1e-3
#define MIX_MIN 1e-2
/* A detection this close (Mahalanobis distance squared) to an established track starts no new
 * track even when it falls outside the gate: it is that missile seen through a manoeuvre (a
 * burnout between scans), not a new one. Separate missiles are thousands of sigmas apart. */
#define EXCLUDE_D2 1000.0
/* ... but only a track that knows where it is: a vague track would shadow a whole region. */
#define EXCLUDE_MAX_SIGMA_M 2000.0
/* Velocity standard deviation added to a confirmed track each time it is missed where seen. */
#define MISS_INFLATE_MPS 20.0
/* Costs standing in for "impossible" in the assignment: large but finite. */
#define NO_PAIR 1e12
/* Seconds past its predicted landing after which a track in reentry that no sensor updates is
 * deleted (the descent rate near the ground is lower than at the last update, as drag grows). */
#define LANDED_AFTER_S 20.0

struct trk {
    int id;
    enum tl_track_status status;
    struct tl_gauss model[TL_N_MOTIONS];
    double mu[TL_N_MOTIONS];
    struct tl_gauss comb;      /* combined estimate at model[*].t_s */
    int hits, chances;      /* distinct validity times associated / seen (M of N) */
    double last_hit_t, last_chance_t, last_inflate_t;
    double miss_since_t; /* first miss where seen since the last hit (NaN: none) */
    int have_first;
    struct tl_gauss first;
    double first_boost;
    int dirty;            /* changed since its last report: reported at the end of this time */
    int reported;         /* reported at least once (its deletion is reported too) */
    double last_report_t; /* validity time of its last report (-inf: none) */
    double ground_t;      /* when its last update in reentry said it would land (inf: not) */
};

struct tl_tracker {
    struct tl_tracker_cfg cfg;
    const struct tl_sensor_set *sensors;
    tl_track_sink sink;
    void *ctx;
    struct trk *t;
    int n, cap, next_id;
    struct tl_meas *buf; /* reorder buffer (validity order within the lag) */
    size_t nbuf, capbuf;
    double buf_max_t;    /* latest validity time seen */
    double done_t;       /* validity time of the last processed scan */
    struct tl_meas ir[64]; /* recent infrared detections no track took, for stereo */
    struct seeds *seeds;   /* per sensor: last scan's radar detections no track took */
    int nir;
    double gate[5];        /* chi-square gate for 2, 3 and 4 measured quantities */
    struct tl_tracker_stats st;
};

/* A radar's unused detections of its previous scan, waiting for a partner (two-point initiation),
 * with their positions hashed in a grid of cells about as large as a missile travels between
 * scans, so the partner search is O(detections). */
struct seeds {
    double t;
    int n, cap, nbucket;
    struct tl_meas *z;
    double (*p)[3];
    int *head, *next;
    double cell_m;
};

struct tl_tracker_cfg tl_tracker_cfg_default(void)
{
    struct tl_tracker_cfg c;

    memset(&c, 0, sizeof c);
    c.earth = tl_earth_wgs84();
    c.filter = TL_FILTER_EKF;
    c.imm = 1;
    c.noise = tl_motion_noise_default();
    c.gate_prob = 0.9999;
    c.confirm_m = 4;
    c.confirm_n = 6;
    c.delete_after_s = 12.0;
    c.max_pos_sigma_m = 200e3;
    c.lag_s = 5.0;
    c.init_vel_sigma_mps = 4000.0;
    return c;
}

const char *tl_track_status_name(enum tl_track_status s)
{
    switch (s) {
    case TL_TRACK_TENTATIVE:
        return "tentative";
    case TL_TRACK_CONFIRMED:
        return "confirmed";
    case TL_TRACK_COASTING:
        return "coasting";
    case TL_TRACK_DELETED:
        return "deleted";
    }
    return "unknown";
}

int tl_tracker_create(const struct tl_tracker_cfg *cfg, const struct tl_sensor_set *sensors,
                      tl_track_sink sink, void *ctx, struct tl_tracker **out)
{
    struct tl_tracker *tk;

    if (cfg == NULL || sensors == NULL || out == NULL || cfg->confirm_m < 1 ||
        cfg->confirm_n < cfg->confirm_m || !(cfg->delete_after_s > 0.0) || !(cfg->lag_s >= 0.0) ||
        !(cfg->gate_prob > 0.5 && cfg->gate_prob < 1.0 - 1e-12))
        return TL_EINVAL;
    tk = calloc(1, sizeof *tk);
    if (tk == NULL)
        return TL_ENOMEM;
    tk->cfg = *cfg;
    tk->sensors = sensors; /* retained */
    tk->sink = sink;
    tk->ctx = ctx;
    tk->next_id = 1;
    tk->done_t = -INFINITY;
    tk->buf_max_t = -INFINITY;
    for (int dof = 2; dof <= 4; dof++)
        tk->gate[dof] = tl__chi2_quantile(dof, cfg->gate_prob);
    tk->seeds = calloc((size_t)sensors->n + 1, sizeof *tk->seeds);
    if (tk->seeds == NULL) {
        free(tk);
        return TL_ENOMEM;
    }
    *out = tk;
    return TL_OK;
}

void tl_tracker_destroy(struct tl_tracker *tk)
{
    if (tk == NULL)
        return;
    for (int i = 0; tk->seeds != NULL && i < tk->sensors->n; i++) {
        free(tk->seeds[i].z);
        free(tk->seeds[i].p);
        free(tk->seeds[i].head);
        free(tk->seeds[i].next);
    }
    free(tk->seeds);
    free(tk->t);
    free(tk->buf);
    free(tk);
}

void tl_tracker_stats(const struct tl_tracker *tk, struct tl_tracker_stats *st)
{
    if (tk != NULL && st != NULL)
        *st = tk->st;
}

/* ---------------------------------------------------------------- IMM */

/* Mode transition probabilities over dt (Markov chain with switching rates): boost ends
 * (1/100 s) into ballistic or, for a burnout inside the atmosphere, straight into drag-dominated
 * flight, and never restarts; ballistic and reentry exchange slowly (1/200 s) — in vacuum they
 * are the same model, in the air the likelihoods decide. */
static void transition(double dt, double pi[TL_N_MOTIONS][TL_N_MOTIONS])
{
    const double stay_boost = exp(-fabs(dt) / 100.0), x = 1.0 - exp(-fabs(dt) / 200.0);

    memset(pi, 0, sizeof(double) * TL_N_MOTIONS * TL_N_MOTIONS);
    pi[TL_MOTION_BOOST][TL_MOTION_BOOST] = stay_boost;
    pi[TL_MOTION_BOOST][TL_MOTION_BALLISTIC] = 0.5 * (1.0 - stay_boost);
    pi[TL_MOTION_BOOST][TL_MOTION_REENTRY] = 0.5 * (1.0 - stay_boost);
    pi[TL_MOTION_BALLISTIC][TL_MOTION_BALLISTIC] = 1.0 - x;
    pi[TL_MOTION_BALLISTIC][TL_MOTION_REENTRY] = x;
    pi[TL_MOTION_REENTRY][TL_MOTION_REENTRY] = 1.0 - x;
    pi[TL_MOTION_REENTRY][TL_MOTION_BALLISTIC] = x;
}

/* Moment-matched combination of the model estimates whose weight reaches MIX_MIN. */
static void combine(const struct tl_gauss *g, const double *mu, int nm, struct tl_gauss *out)
{
    double w[TL_N_MOTIONS], sum = 0.0;
    int best = 0;

    for (int j = 0; j < nm; j++) {
        w[j] = mu[j] >= MIX_MIN ? mu[j] : 0.0;
        sum += w[j];
        if (mu[j] > mu[best])
            best = j;
    }
    if (!(sum > 0.0)) { /* cannot happen with three models and a floor, but be safe */
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

/* Renormalises mode probabilities with the floor. */
static void floor_mu(double *mu, int nm)
{
    double sum = 0.0;

    for (int j = 0; j < nm; j++)
        sum += mu[j];
    for (int j = 0; j < nm; j++)
        mu[j] = fmax(mu[j] / sum, nm > 1 ? MU_FLOOR : 0.0);
    sum = 0.0;
    for (int j = 0; j < nm; j++)
        sum += mu[j];
    for (int j = 0; j < nm; j++)
        mu[j] /= sum;
}

static int n_models(const struct tl_tracker *tk)
{
    return tk->cfg.imm ? TL_N_MOTIONS : 1;
}

/* The model indices in use: all three with the IMM, ballistic alone without. */
static enum tl_motion model_of(const struct tl_tracker *tk, int j)
{
    return tk->cfg.imm ? (enum tl_motion)j : TL_MOTION_BALLISTIC;
}

/* IMM interaction and prediction to t (Bar-Shalom, Li & Kirubarajan, sec. 11.6.6): mixes the
 * model estimates with the transition over the elapsed time, predicts each, and leaves the
 * predicted mode probabilities in mu. Commits the prediction to the track. */
static int imm_predict(const struct tl_tracker *tk, struct trk *tr, double t)
{
    const int nm = n_models(tk);
    double pi[TL_N_MOTIONS][TL_N_MOTIONS], cbar[TL_N_MOTIONS] = { 0 };
    struct tl_gauss mixed[TL_N_MOTIONS];
    const double dt = t - tr->model[0].t_s;
    int rc;

    if (dt == 0.0)
        return TL_OK;
    if (nm == 1) {
        rc = tl_track_predict(&tk->cfg.earth, tk->cfg.filter, TL_MOTION_BALLISTIC, &tk->cfg.noise,
                              &tr->model[0], t, &tr->model[0]);
        if (rc == TL_OK)
            tr->comb = tr->model[0];
        return rc;
    }
    transition(dt, pi);
    for (int j = 0; j < nm; j++)
        for (int i = 0; i < nm; i++)
            cbar[j] += pi[i][j] * tr->mu[i];
    for (int j = 0; j < nm; j++) {
        double w[TL_N_MOTIONS];
        for (int i = 0; i < nm; i++)
            w[i] = cbar[j] > 0.0 ? pi[i][j] * tr->mu[i] / cbar[j] : (i == j);
        /* combine() leaves out mixing weights under MIX_MIN (see above); the model's own
         * estimate always takes part. */
        if (w[j] < MIX_MIN)
            w[j] = MIX_MIN;
        combine(tr->model, w, nm, &mixed[j]);
    }
    for (int j = 0; j < nm; j++) {
        rc = tl_track_predict(&tk->cfg.earth, tk->cfg.filter, model_of(tk, j), &tk->cfg.noise,
                              &mixed[j], t, &tr->model[j]);
        if (rc != TL_OK)
            return rc;
        tr->mu[j] = cbar[j];
    }
    floor_mu(tr->mu, nm);
    combine(tr->model, tr->mu, nm, &tr->comb);
    return TL_OK;
}

/* Model-conditioned updates and mode probabilities from the innovation likelihoods. */
static int imm_update(const struct tl_tracker *tk, struct trk *tr, const struct tl_sensor *s,
                      const struct tl_meas *z)
{
    const int nm = n_models(tk);
    double ll[TL_N_MOTIONS], best = -INFINITY;
    struct tl_gauss post[TL_N_MOTIONS];
    int ok = 0;

    for (int j = 0; j < nm; j++) {
        struct tl_innovation inn;
        ll[j] = -INFINITY;
        post[j] = tr->model[j];
        if (tr->mu[j] <= 0.0)
            continue;
        if (tl_track_update(tk->cfg.filter, s, z, &tr->model[j], &post[j], &inn) == TL_OK) {
            ll[j] = inn.loglik;
            best = fmax(best, ll[j]);
            ok = 1;
        }
    }
    if (!ok)
        return TL_ENOTPD;
    for (int j = 0; j < nm; j++) {
        tr->model[j] = post[j];
        tr->mu[j] = isinf(ll[j]) ? 0.0 : tr->mu[j] * exp(ll[j] - best);
    }
    floor_mu(tr->mu, nm); /* normalises too */
    combine(tr->model, tr->mu, nm, &tr->comb);
    return TL_OK;
}

/* ---------------------------------------------------------------- track life cycle */

static double pos_sigma(const struct tl_gauss *g)
{
    return sqrt(g->P[0][0] + g->P[1][1] + g->P[2][2]);
}

/* Height of the combined estimate above the ellipsoid and its rate of change (n . v). */
static void height_climb(const struct tl_tracker *tk, const struct trk *tr, double *h,
                         double *climb)
{
    double n[3];

    *h = tl_geo_height_normal(&tk->cfg.earth.shape, tr->comb.x, n);
    *climb = n[0] * tr->comb.x[3] + n[1] * tr->comb.x[4] + n[2] * tr->comb.x[5];
}

static enum tl_phase phase_from(const struct tl_tracker *tk, const struct trk *tr, double h,
                                double climb)
{
    if (tk->cfg.imm && tr->mu[TL_MOTION_BOOST] > 0.5)
        return TL_PHASE_BOOST;
    if (h < TL_REENTRY_H_M && climb < 0)
        return TL_PHASE_REENTRY;
    return TL_PHASE_MIDCOURSE;
}

static enum tl_phase phase_of(const struct tl_tracker *tk, const struct trk *tr)
{
    double h, climb;

    height_climb(tk, tr, &h, &climb);
    return phase_from(tk, tr, h, climb);
}

/* A track that has come down: 20 km below the ground, or more than LANDED_AFTER_S past the
 * time its last update in reentry said it would reach the ground. Not a test of its predicted
 * height alone: coasting after the impact, the boost model's random-walk thrust grows the
 * covariance faster than the mean sinks, and a landed missile's track lived on for a minute and
 * more, until a new missile's detections passed its grown gate (issue 9: a salvo track revived
 * 76 s after its impact, in another missile's boost); and a booster's first infrared estimate
 * may lie a few kilometres below the pad. */
static int below_ground(const struct tl_tracker *tk, const struct trk *tr, double t)
{
    return tl_geo_height(&tk->cfg.earth.shape, tr->comb.x) < -20000.0 ||
           t > tr->ground_t + LANDED_AFTER_S;
}

/* After an update: when the track reaches the ground at its current descent rate, if it is in
 * reentry (infinity otherwise). */
static void note_ground_time(const struct tl_tracker *tk, struct trk *tr)
{
    double h, climb;

    height_climb(tk, tr, &h, &climb);
    tr->ground_t = phase_from(tk, tr, h, climb) == TL_PHASE_REENTRY /* so climb < 0 */
                       ? tr->comb.t_s + fmax(h, 0.0) / -climb
                       : INFINITY;
}

/* M of N counts distinct times: several sensors seeing the track at one instant are one chance
 * (and, when associated, one hit). */
static void count_chance(struct trk *tr, double t, int hit)
{
    if (hit && t > tr->last_hit_t) {
        tr->hits++;
        tr->last_hit_t = t;
    }
    if (t > tr->last_chance_t) {
        tr->chances++;
        tr->last_chance_t = t;
    }
}

/* A track's report goes out once per validity time, after every scan valid at that time has
 * been processed (several sensors seeing it at one instant give one row, not one each): changes
 * only mark it, and emit_reports() sends them. */
static void report(struct tl_tracker *tk, struct trk *tr)
{
    struct tl_track_report r;

    tr->dirty = 0;
    if (tk->sink == NULL || (tr->status == TL_TRACK_TENTATIVE && tr->hits < 2))
        return;
    memset(&r, 0, sizeof r);
    r.id = tr->id;
    r.status = tr->status;
    r.phase = phase_of(tk, tr);
    for (int j = 0; j < n_models(tk); j++)
        r.model_prob[model_of(tk, j)] = tr->mu[j];
    r.state = tr->comb;
    r.first = tr->have_first ? &tr->first : NULL;
    r.first_phase_boost = tr->first_boost;
    tr->reported = 1;
    tr->last_report_t = tr->comb.t_s;
    tk->sink(tk->ctx, &r);
}

/* The reports of the time just processed, then the deleted tracks leave the table. A track whose
 * state is not newer than its last report (a late report retrodicted it) waits for its next time,
 * unless it was deleted. */
static void emit_reports(struct tl_tracker *tk)
{
    int w = 0;

    for (int i = 0; i < tk->n; i++) {
        struct trk *tr = &tk->t[i];
        if (tr->dirty && (tr->comb.t_s > tr->last_report_t || tr->status == TL_TRACK_DELETED))
            report(tk, tr);
    }
    /* Removes deleted tracks (their final report is out): memory stays bounded by the live
     * tracks however long the run. */
    for (int i = 0; i < tk->n; i++)
        if (tk->t[i].status != TL_TRACK_DELETED)
            tk->t[w++] = tk->t[i];
    tk->n = w;
}

static void kill(struct tl_tracker *tk, struct trk *tr)
{
    if (tr->status == TL_TRACK_DELETED)
        return;
    tr->status = TL_TRACK_DELETED;
    tk->st.deleted++;
    tr->dirty = tr->reported; /* a track nobody was told of ends silently */
}

/* Enters @p tr (its combined state set) into the table as a new tentative track with its first
 * association at @p t: every model starts from that state, with initial mode probabilities
 * @p mu (boost, ballistic, reentry; the ballistic model alone without the IMM). */
static int add_tentative(struct tl_tracker *tk, struct trk *tr, double t, const double mu[3])
{
    for (int j = 0; j < TL_N_MOTIONS; j++) {
        tr->model[j] = tr->comb;
        tr->mu[j] = tk->cfg.imm ? mu[j] : (j == 0 ? 1.0 : 0.0);
    }
    tr->status = TL_TRACK_TENTATIVE;
    tr->dirty = tr->reported = 0;
    tr->last_report_t = -INFINITY;
    tr->ground_t = INFINITY;
    tr->hits = tr->chances = 1;
    tr->last_hit_t = tr->last_chance_t = t;
    tr->miss_since_t = NAN;
    if (tk->n == tk->cap) {
        int nc = tk->cap ? 2 * tk->cap : 64;
        struct trk *nt = realloc(tk->t, (size_t)nc * sizeof *nt);
        if (nt == NULL)
            return TL_ENOMEM;
        tk->t = nt;
        tk->cap = nc;
    }
    tr->id = tk->next_id++;
    tk->t[tk->n++] = *tr;
    tk->st.initiated++;
    return TL_OK;
}

/* A new tentative track from one radar detection: position from the measurement, velocity from
 * the range rate along the line of sight and a wide prior across it. */
static int initiate(struct tl_tracker *tk, const struct tl_sensor *s, const struct tl_meas *z)
{
    struct trk tr;
    struct tl_rae rae = { z->range_m, z->az_rad, z->el_rad };
    double p[3], site[3], u[3], rng;
    const double sv = tk->cfg.init_vel_sigma_mps;

    if (s->kind != TL_SENSOR_RADAR)
        return TL_OK; /* angles alone do not place a track */
    memset(&tr, 0, sizeof tr);
    tl_geo_rae_to_ecef(&TL_WGS84, &s->site, &rae, p);
    tl_geo_lla_to_ecef(&TL_WGS84, &s->site, site);
    rng = 0.0;
    for (int i = 0; i < 3; i++) {
        u[i] = p[i] - site[i];
        rng += u[i] * u[i];
    }
    rng = sqrt(rng);
    for (int i = 0; i < 3; i++)
        u[i] /= rng;
    {
        struct tl_gauss *g = &tr.comb;
        /* Position uncertainty: range along the line of sight, angles across it. */
        const double sr = s->sigma_range_m, sc = rng * fmax(s->sigma_az_rad, s->sigma_el_rad);
        const double rr = isnan(z->rr_mps) ? 0.0 : z->rr_mps;
        const double srr = isnan(z->rr_mps) ? sv : 3.0 * s->sigma_rr_mps;
        g->t_s = z->t_s;
        for (int i = 0; i < 3; i++) {
            g->x[i] = p[i];
            g->x[3 + i] = rr * u[i];
            for (int j = 0; j < 3; j++) {
                const double uu = u[i] * u[j], id = i == j ? 1.0 : 0.0;
                g->P[i][j] = sc * sc * (id - uu) + sr * sr * uu;
                g->P[3 + i][3 + j] = sv * sv * (id - uu) + srr * srr * uu;
            }
            g->P[6 + i][6 + i] = 30.0 * 30.0; /* thrust: up to about 6 g */
        }
        g->x[9] = 1e-4;                    /* beta about 10,000 kg/m^2 */
        g->P[9][9] = 1e-4 * 1e-4;
    }
    return add_tentative(tk, &tr, z->t_s, (const double[3]){ 0.5, 0.4, 0.1 });
}

/* Fastest ballistic missile, m/s: bounds how far a partner detection can be. */
#define SEED_VMAX_MPS 8000.0

static long seed_cell(double x, double cell)
{
    return (long)floor(x / cell);
}

static unsigned long seed_hash(long a, long b, long c)
{
    return (unsigned long)a * 73856093UL ^ (unsigned long)b * 19349663UL ^
           (unsigned long)c * 83492791UL;
}

/* Replaces sensor @p si's waiting detections with @p n new ones (positions @p p) at time @p t. */
static int seeds_store(struct seeds *sd, double t, const struct tl_meas *z, const double (*p)[3],
                       int n, double cell_m)
{
    if (n > sd->cap) {
        struct tl_meas *nz = realloc(sd->z, (size_t)n * sizeof *nz);
        double(*np)[3] = nz != NULL ? realloc(sd->p, (size_t)n * sizeof *np) : NULL;
        int *nn = np != NULL ? realloc(sd->next, (size_t)n * sizeof *nn) : NULL;
        if (nz != NULL)
            sd->z = nz;
        if (np != NULL)
            sd->p = np;
        if (nn == NULL)
            return TL_ENOMEM;
        sd->next = nn;
        sd->cap = n;
    }
    if (sd->nbucket < 2 * n || sd->head == NULL) {
        int nb = 64;
        int *nh;
        while (nb < 2 * n)
            nb *= 2;
        nh = realloc(sd->head, (size_t)nb * sizeof *nh);
        if (nh == NULL)
            return TL_ENOMEM;
        sd->head = nh;
        sd->nbucket = nb;
    }
    for (int b = 0; b < sd->nbucket; b++)
        sd->head[b] = -1;
    sd->t = t;
    sd->n = n;
    sd->cell_m = cell_m;
    for (int j = 0; j < n; j++) {
        unsigned long h;
        sd->z[j] = z[j];
        memcpy(sd->p[j], p[j], sizeof sd->p[j]);
        h = seed_hash(seed_cell(p[j][0], cell_m), seed_cell(p[j][1], cell_m),
                      seed_cell(p[j][2], cell_m)) &
            (unsigned long)(sd->nbucket - 1);
        sd->next[j] = sd->head[h];
        sd->head[h] = j;
    }
    return TL_OK;
}

/* The waiting detection of the same radar's previous scan that best continues @p z (at @p p):
 * reachable at up to SEED_VMAX_MPS, and with a range change that agrees with the two range rates
 * (when the radar measures them) within six sigmas plus what 100 m/s^2 can add. -1 for none. */
static int seeds_partner(const struct seeds *sd, const struct tl_sensor *s,
                         const struct tl_meas *z, const double p[3])
{
    const double dt = z->t_s - sd->t;
    const double cross = z->range_m * fmax(s->sigma_az_rad, s->sigma_el_rad);
    const double reach = SEED_VMAX_MPS * dt + 6.0 * (s->sigma_range_m + cross);
    double best = INFINITY;
    int best_j = -1;

    if (sd->n == 0 || !(dt > 0.0) || dt > 2.5 * s->revisit_s)
        return -1;
    for (long a = seed_cell(p[0] - reach, sd->cell_m); a <= seed_cell(p[0] + reach, sd->cell_m); a++)
        for (long b = seed_cell(p[1] - reach, sd->cell_m); b <= seed_cell(p[1] + reach, sd->cell_m);
             b++)
            for (long c = seed_cell(p[2] - reach, sd->cell_m);
                 c <= seed_cell(p[2] + reach, sd->cell_m); c++) {
                const unsigned long h =
                    seed_hash(a, b, c) & (unsigned long)(sd->nbucket - 1);
                for (int j = sd->head[h]; j >= 0; j = sd->next[j]) {
                    double d = 0.0, score;
                    if (isinf(sd->z[j].t_s)) /* already seeded a track */
                        continue;
                    for (int k = 0; k < 3; k++)
                        d += (sd->p[j][k] - p[k]) * (sd->p[j][k] - p[k]);
                    if (seed_cell(sd->p[j][0], sd->cell_m) != a ||
                        seed_cell(sd->p[j][1], sd->cell_m) != b ||
                        seed_cell(sd->p[j][2], sd->cell_m) != c || sqrt(d) > reach)
                        continue;
                    score = sqrt(d) / reach;
                    if (!isnan(z->rr_mps) && !isnan(sd->z[j].rr_mps)) {
                        const double resid = (z->range_m - sd->z[j].range_m) -
                                             0.5 * (z->rr_mps + sd->z[j].rr_mps) * dt;
                        const double tol = 6.0 * (1.5 * s->sigma_range_m +
                                                  s->sigma_rr_mps * dt) +
                                           50.0 * dt * dt;
                        if (fabs(resid) > tol)
                            continue;
                        score = fabs(resid) / tol;
                    }
                    if (score < best) {
                        best = score;
                        best_j = j;
                    }
                }
            }
    return best_j;
}

/* Unit line-of-sight vector (ECEF) of an angles measurement from sensor @p s, and its origin. */
static void line_of_sight(const struct tl_sensor *s, const struct tl_meas *z, double o[3],
                          double u[3])
{
    const struct tl_rae rae = { 1.0, z->az_rad, z->el_rad };
    double p[3];

    tl_geo_lla_to_ecef(&TL_WGS84, &s->site, o);
    tl_geo_rae_to_ecef(&TL_WGS84, &s->site, &rae, p);
    for (int i = 0; i < 3; i++)
        u[i] = p[i] - o[i];
}

/* Stereo position from two infrared sensors' lines of sight at the same instant: the midpoint
 * of their closest approach, if they pass within @p max_miss_m of each other. Returns 0 or -1. */
static int stereo(const struct tl_sensor *s1, const struct tl_meas *z1, const struct tl_sensor *s2,
                  const struct tl_meas *z2, double max_miss_m, double p[3])
{
    double o1[3], u1[3], o2[3], u2[3], w[3], a, b, c, d, e, den, t1, t2, miss = 0.0;

    line_of_sight(s1, z1, o1, u1);
    line_of_sight(s2, z2, o2, u2);
    for (int i = 0; i < 3; i++)
        w[i] = o1[i] - o2[i];
    a = u1[0] * u1[0] + u1[1] * u1[1] + u1[2] * u1[2];
    b = u1[0] * u2[0] + u1[1] * u2[1] + u1[2] * u2[2];
    c = u2[0] * u2[0] + u2[1] * u2[1] + u2[2] * u2[2];
    d = u1[0] * w[0] + u1[1] * w[1] + u1[2] * w[2];
    e = u2[0] * w[0] + u2[1] * w[1] + u2[2] * w[2];
    den = a * c - b * b;
    if (!(den > 1e-12 * a * c)) /* parallel lines: no baseline */
        return -1;
    t1 = (b * e - c * d) / den;
    t2 = (a * e - b * d) / den;
    if (t1 <= 0.0 || t2 <= 0.0)
        return -1;
    for (int i = 0; i < 3; i++) {
        const double q1 = o1[i] + t1 * u1[i], q2 = o2[i] + t2 * u2[i];
        p[i] = 0.5 * (q1 + q2);
        miss += (q1 - q2) * (q1 - q2);
    }
    return sqrt(miss) <= max_miss_m ? 0 : -1;
}

/* Starts a tentative track at a stereo position from two infrared sensors (a booster seen
 * before any radar has it), unless a track is already near. */
static int initiate_stereo(struct tl_tracker *tk, const struct tl_meas *z, const double p[3],
                           double sigma_m)
{
    struct trk tr;
    const double sv = tk->cfg.init_vel_sigma_mps;
    const double h = tl_geo_height(&tk->cfg.earth.shape, p);

    if (h < -1000.0 || h > 1.5e6)
        return TL_OK; /* not a booster's height */
    for (int i = 0; i < tk->n; i++) {
        double d = 0.0;
        if (tk->t[i].status == TL_TRACK_DELETED)
            continue;
        for (int k = 0; k < 3; k++)
            d += (tk->t[i].comb.x[k] - p[k]) * (tk->t[i].comb.x[k] - p[k]);
        if (sqrt(d) < 5.0 * sigma_m + 3.0 * pos_sigma(&tk->t[i].comb))
            return TL_OK;
    }
    memset(&tr, 0, sizeof tr);
    tr.comb.t_s = z->t_s;
    for (int i = 0; i < 3; i++) {
        tr.comb.x[i] = p[i];
        tr.comb.P[i][i] = sigma_m * sigma_m;
        tr.comb.P[3 + i][3 + i] = sv * sv;
        tr.comb.P[6 + i][6 + i] = 30.0 * 30.0;
    }
    tr.comb.x[9] = 1e-4;
    tr.comb.P[9][9] = 1e-4 * 1e-4;
    /* Infrared sees only boosters. */
    return add_tentative(tk, &tr, z->t_s, (const double[3]){ 0.9, 0.09, 0.01 });
}

/* Pairs an infrared detection no track took with a stored one of another infrared sensor at
 * the same instant (stereo), or stores it for the next sensor's scan. */
static int infrared_seed(struct tl_tracker *tk, int si, const struct tl_meas *z)
{
    const struct tl_sensor *s = &tk->sensors->s[si];
    int w = 0;

    /* Forget what is older than a second. */
    for (int i = 0; i < tk->nir; i++)
        if (z->t_s - tk->ir[i].t_s <= 1.0)
            tk->ir[w++] = tk->ir[i];
    tk->nir = w;
    for (int i = 0; i < tk->nir; i++) {
        const struct tl_meas *o = &tk->ir[i];
        const struct tl_sensor *so = &tk->sensors->s[o->sensor];
        double p[3];
        /* Lines of sight from 36,000 km with 0.005 deg of noise miss each other by a few km:
         * accept up to five times the larger angular error at the distance. */
        const double tol = 5.0 * 4.0e7 * fmax(fmax(s->sigma_az_rad, s->sigma_el_rad),
                                              fmax(so->sigma_az_rad, so->sigma_el_rad));
        if (o->sensor == si || fabs(o->t_s - z->t_s) > 0.05)
            continue;
        if (stereo(s, z, so, o, tol, p) == 0) {
            tk->ir[i] = tk->ir[--tk->nir];
            return initiate_stereo(tk, z, p, tol / 5.0);
        }
    }
    if (tk->nir < (int)(sizeof tk->ir / sizeof tk->ir[0]))
        tk->ir[tk->nir++] = *z;
    return TL_OK;
}

/* A gated track-detection pair and its cost. */
struct pair {
    int track, meas;
    double cost;
};

/* Global nearest neighbour over the gated pairs (grouped by track, in order): the optimal
 * assignment of a compact matrix whose rows are the tracks that gate something and whose
 * columns are the detections they gate plus one miss column per track (cost @p miss_cost);
 * tracks that gate nothing simply miss. Writes the detection of each track (or -1) to
 * @p assign, which the caller has filled with -1. */
static int assign_pairs(const struct pair *pairs, int npairs, int nz, double miss_cost, int *assign)
{
    int *rows = NULL, *cols = NULL, *col_of = NULL, *a = NULL, nr = 0, nc = 0, rc = TL_OK;
    double *cost = NULL;

    if (npairs == 0)
        return TL_OK;
    rows = malloc((size_t)npairs * sizeof *rows);
    cols = malloc((size_t)npairs * sizeof *cols);
    col_of = malloc(((size_t)nz + 1) * sizeof *col_of);
    if (rows == NULL || cols == NULL || col_of == NULL) {
        rc = TL_ENOMEM;
        goto out;
    }
    for (int j = 0; j < nz; j++)
        col_of[j] = -1;
    for (int q = 0; q < npairs; q++) {
        if (nr == 0 || rows[nr - 1] != pairs[q].track)
            rows[nr++] = pairs[q].track;
        if (col_of[pairs[q].meas] < 0) {
            col_of[pairs[q].meas] = nc;
            cols[nc++] = pairs[q].meas;
        }
    }
    {
        const int width = nc + nr;
        cost = malloc((size_t)nr * (size_t)width * sizeof *cost);
        a = malloc((size_t)nr * sizeof *a);
        if (cost == NULL || a == NULL) {
            rc = TL_ENOMEM;
            goto out;
        }
        for (long q = 0; q < (long)nr * width; q++)
            cost[q] = NO_PAIR;
        for (int q = 0, r = -1; q < npairs; q++) {
            if (r < 0 || rows[r] != pairs[q].track)
                r++;
            cost[(size_t)r * (size_t)width + (size_t)col_of[pairs[q].meas]] = pairs[q].cost;
        }
        for (int r = 0; r < nr; r++)
            cost[(size_t)r * (size_t)width + (size_t)(nc + r)] = miss_cost;
        if ((rc = tl_assign(nr, width, cost, a, NULL)) != TL_OK)
            goto out;
        for (int r = 0; r < nr; r++)
            if (a[r] < nc && cost[(size_t)r * (size_t)width + (size_t)a[r]] < NO_PAIR)
                assign[rows[r]] = cols[a[r]];
    }
out:
    free(rows);
    free(cols);
    free(col_of);
    free(cost);
    free(a);
    return rc;
}

/* Processes one scan: the detections of sensor si valid at time t. */
static int process_scan(struct tl_tracker *tk, int si, double t, const struct tl_meas *z, int nz)
{
    const struct tl_sensor *s = &tk->sensors->s[si];
    const int nt = tk->n;
    const double pd = fmin(fmax(s->pd, 0.05), 0.999);
    double(*zp)[3] = NULL;
    int *assign = NULL, *used = NULL, rc = TL_OK, npairs = 0, cap_pairs = 0;
    struct pair *pairs = NULL;

    tk->st.scans++;
    /* Predict every live track to the scan time; drop the ones that hit the ground or lost
     * themselves. Not on a late scan (a retrodiction to before the last processed time): its
     * deletion would be reported at a time before the track's last row; the next scan in order
     * sees the same and deletes it then. */
    for (int i = 0; i < nt; i++) {
        struct trk *tr = &tk->t[i];
        int rc_p;
        if (tr->status == TL_TRACK_DELETED)
            continue;
        rc_p = imm_predict(tk, tr, t);
        if (rc_p != TL_OK ||
            (t >= tk->done_t &&
             (pos_sigma(&tr->comb) > tk->cfg.max_pos_sigma_m || below_ground(tk, tr, t))))
            kill(tk, tr);
    }
    assign = malloc(((size_t)nt + 1) * sizeof *assign); /* detection of each track, -1 none */
    used = calloc((size_t)nz + 1, sizeof *used);
    zp = malloc(((size_t)nz + 1) * sizeof *zp);
    if (assign == NULL || used == NULL || zp == NULL) {
        rc = TL_ENOMEM;
        goto done;
    }
    /* Detection positions once per scan, for the cheap pre-gate. */
    for (int j = 0; s->kind == TL_SENSOR_RADAR && j < nz; j++) {
        const struct tl_rae rae = { z[j].range_m, z[j].az_rad, z[j].el_rad };
        tl_geo_rae_to_ecef(&TL_WGS84, &s->site, &rae, zp[j]);
    }
    /* Cost matrix from track scores (Blackman & Popoli, "Design and Analysis of Modern
     * Tracking Systems", 6.2): a gated pair costs -2 ln(Pd g / beta), with g the mixture
     * likelihood and beta the clutter density; a miss costs -2 ln(1 - Pd). A tight track thus
     * outbids a vague one for the same detection, whatever their gates. */
    for (int i = 0; i < nt; i++) {
        struct trk *tr = &tk->t[i];
        assign[i] = -1;
        if (tr->status == TL_TRACK_DELETED)
            continue;
        for (int j = 0; j < nz; j++) {
            struct tl_innovation inn;
            double dx = 0.0;
            /* Cheap pre-gate on position for radar: skip pairs far apart. */
            if (s->kind == TL_SENSOR_RADAR) {
                for (int k = 0; k < 3; k++)
                    dx += (zp[j][k] - tr->comb.x[k]) * (zp[j][k] - tr->comb.x[k]);
                if (sqrt(dx) > 10.0 * pos_sigma(&tr->comb) +
                                   10.0 * (s->sigma_range_m +
                                           z[j].range_m * fmax(s->sigma_az_rad, s->sigma_el_rad)))
                    continue;
            }
            /* Gate on each model's own prediction: right after burnout the boost model still
             * dominates the mixture while only the ballistic one fits the detections, and
             * gating on the mixture would keep the IMM from ever seeing that. */
            {
                double best_d2 = INFINITY, main_d2 = INFINITY, lik = 0.0, ll_ref = -INFINITY,
                       ll[TL_N_MOTIONS];
                int m = 0;
                for (int k = 0; k < n_models(tk); k++) {
                    ll[k] = -INFINITY;
                    /* A floored model is a spent hypothesis with a runaway covariance: it would
                     * gate anything. */
                    if (tr->mu[k] <= 1.01 * MU_FLOOR && n_models(tk) > 1)
                        continue;
                    if (tl_track_innovation(tk->cfg.filter, s, &z[j], &tr->model[k], &inn) != TL_OK)
                        continue;
                    m = inn.m;
                    ll[k] = inn.loglik;
                    ll_ref = fmax(ll_ref, ll[k]);
                    best_d2 = fmin(best_d2, inn.d2);
                    if (tr->mu[k] >= MIX_MIN)
                        main_d2 = fmin(main_d2, inn.d2);
                }
                if (main_d2 < EXCLUDE_D2 && tr->status != TL_TRACK_TENTATIVE &&
                    pos_sigma(&tr->comb) < EXCLUDE_MAX_SIGMA_M)
                    used[j] = 2; /* explained by this track: never a seed */
                if (m == 0 || !(best_d2 < tk->gate[m]))
                    continue;
                for (int k = 0; k < n_models(tk); k++)
                    if (!isinf(ll[k]))
                        lik += tr->mu[k] * exp(ll[k] - ll_ref);
                if (npairs == cap_pairs) {
                    const int ncap = cap_pairs ? 2 * cap_pairs : 256;
                    struct pair *np = realloc(pairs, (size_t)ncap * sizeof *np);
                    if (np == NULL) {
                        rc = TL_ENOMEM;
                        goto done;
                    }
                    pairs = np;
                    cap_pairs = ncap;
                }
                pairs[npairs].track = i;
                pairs[npairs].meas = j;
                pairs[npairs].cost = -2.0 * (log(pd) + ll_ref + log(fmax(lik, 1e-300)) -
                                             log(tl_sensor_clutter_density(s, m)));
                npairs++;
            }
        }
    }
    if ((rc = assign_pairs(pairs, npairs, nz, -2.0 * log(1.0 - pd), assign)) != TL_OK)
        goto done;
    for (int i = 0; i < nt; i++) {
        struct trk *tr = &tk->t[i];
        const int j = assign[i];
        int seen;
        if (tr->status == TL_TRACK_DELETED)
            continue;
        if (j >= 0) {
            if (imm_update(tk, tr, s, &z[j]) != TL_OK) {
                tk->st.rejected++;
                continue;
            }
            used[j] = 1;
            tk->st.associated++;
            note_ground_time(tk, tr);
            tr->miss_since_t = NAN;
            count_chance(tr, t, 1);
            if (tr->status == TL_TRACK_TENTATIVE && tr->hits >= tk->cfg.confirm_m) {
                tr->status = TL_TRACK_CONFIRMED;
                tk->st.confirmed++;
                tr->have_first = 1;
                tr->first = tr->comb;
                tr->first_boost = tk->cfg.imm ? tr->mu[TL_MOTION_BOOST] : 0.0;
            } else if (tr->status == TL_TRACK_COASTING) {
                tr->status = TL_TRACK_CONFIRMED;
            }
            tr->dirty = 1;
            continue;
        }
        /* Not updated. A miss only counts where this sensor should have seen the track. */
        seen = tl_sensor_sees(s, tr->comb.x, tk->cfg.imm && tr->mu[TL_MOTION_BOOST] > 0.5);
        if (!seen)
            continue;
        count_chance(tr, t, 0);
        if (tr->status == TL_TRACK_TENTATIVE) {
            if (tr->chances - tr->hits > tk->cfg.confirm_n - tk->cfg.confirm_m)
                kill(tk, tr);
        } else {
            /* Missed where seen: perhaps a manoeuvre the models did not foresee (a burnout
             * between two scans leaves every model off by the thrust of a fraction of a
             * second). Once no sensor at all has associated for 1.5 s (an ordinary miss at
             * Pd < 1 is covered by the other sensors), open the velocity uncertainty so the next
             * detections can gate (Bar-Shalom et al., sec. 11.2, covariance inflation on a
             * miss) — once per episode (and again after 30 s): a track leaving coverage must
             * not grow with every sensor that still expects it. */
            if ((tr->last_inflate_t < tr->last_hit_t || t - tr->last_inflate_t > 30.0) &&
                t - tr->last_hit_t > 1.5) {
                /* Position too, in proportion to the time since the last update: after an
                 * hour's coast out of every sensor's view a small velocity bias has grown into
                 * kilometres; after a burnout between scans it is nothing. */
                const double pos_m = 0.5 * (t - tr->last_hit_t);
                tr->last_inflate_t = t;
                for (int k = 0; k < TL_N_MOTIONS; k++)
                    for (int a = 0; a < 3; a++) {
                        tr->model[k].P[a][a] += pos_m * pos_m;
                        tr->model[k].P[3 + a][3 + a] += MISS_INFLATE_MPS * MISS_INFLATE_MPS;
                    }
                combine(tr->model, tr->mu, n_models(tk), &tr->comb);
            }
            if (tr->status != TL_TRACK_COASTING)
                tr->dirty = 1; /* confirmed -> coasting is news; staying coasting is not */
            tr->status = TL_TRACK_COASTING;
            /* The time missed while a sensor should have seen it, not the time since the last
             * update: an hour's coast out of every sensor's view is no evidence of loss. */
            if (isnan(tr->miss_since_t))
                tr->miss_since_t = t;
            if (t - tr->miss_since_t > tk->cfg.delete_after_s)
                kill(tk, tr);
        }
    }
    if (s->kind == TL_SENSOR_RADAR) {
        /* Two-point initiation (Blackman & Popoli, 3.3, logic-based initiation): a detection no
         * track took starts a track only with a kinematically consistent partner from this
         * radar's previous scan; the others wait one scan for a partner. Clutter rarely pairs,
         * so it no longer fills the table with tentative tracks. */
        struct seeds *sd = &tk->seeds[si];
        struct tl_meas *left = malloc(((size_t)nz + 1) * sizeof *left);
        double(*lp)[3] = malloc(((size_t)nz + 1) * sizeof *lp);
        int nleft = 0;
        if (left == NULL || lp == NULL) {
            free(left);
            free(lp);
            rc = TL_ENOMEM;
            goto done;
        }
        for (int j = 0; j < nz && rc == TL_OK; j++) {
            int pj;
            if (used[j] == 1 || used[j] == 2)
                continue;
            pj = seeds_partner(sd, s, &z[j], zp[j]);
            if (pj < 0) {
                left[nleft] = z[j];
                memcpy(lp[nleft++], zp[j], sizeof lp[0]);
                continue;
            }
            /* Start from the earlier detection, then take the later one as its second
             * association. */
            if ((rc = initiate(tk, s, &sd->z[pj])) == TL_OK) {
                struct trk *tr = &tk->t[tk->n - 1];
                if (imm_predict(tk, tr, t) == TL_OK && imm_update(tk, tr, s, &z[j]) == TL_OK) {
                    count_chance(tr, t, 1);
                } else {
                    tr->status = TL_TRACK_DELETED; /* the pair was not consistent after all */
                }
            }
            sd->z[pj].t_s = -INFINITY; /* a detection seeds one track at most */
        }
        if (rc == TL_OK)
            rc = seeds_store(sd, t, left, (const double(*)[3])lp, nleft,
                             fmax(1000.0, SEED_VMAX_MPS * s->revisit_s));
        free(left);
        free(lp);
        if (rc != TL_OK)
            goto done;
    } else {
        for (int j = 0; j < nz; j++) {
            if (used[j] == 1 || used[j] == 2)
                continue;
            if ((rc = infrared_seed(tk, si, &z[j])) != TL_OK)
                goto done;
        }
    }
done:
    free(pairs);
    free(assign);
    free(used);
    free(zp);
    return rc;
}

/* ---------------------------------------------------------------- input ordering */

static int by_validity(const void *a, const void *b)
{
    const struct tl_meas *x = a, *y = b;

    if (x->t_s != y->t_s)
        return x->t_s < y->t_s ? -1 : 1;
    return (x->sensor > y->sensor) - (x->sensor < y->sensor);
}

/* Processes buffered measurements (kept in validity order) valid at or before @p upto, scan by
 * scan (a scan = one sensor, one validity time). */
static int release(struct tl_tracker *tk, double upto)
{
    size_t k = 0;
    int rc = TL_OK;

    while (k < tk->nbuf && tk->buf[k].t_s <= upto) {
        size_t e = k + 1;
        while (e < tk->nbuf && tk->buf[e].t_s == tk->buf[k].t_s &&
               tk->buf[e].sensor == tk->buf[k].sensor)
            e++;
        if ((rc = process_scan(tk, tk->buf[k].sensor, tk->buf[k].t_s, &tk->buf[k], (int)(e - k))) !=
            TL_OK)
            return rc;
        tk->done_t = tk->buf[k].t_s;
        k = e;
        /* every scan valid at this time is done: one report per changed track */
        if (k == tk->nbuf || tk->buf[k].t_s != tk->done_t)
            emit_reports(tk);
    }
    if (k > 0) {
        memmove(tk->buf, tk->buf + k, (tk->nbuf - k) * sizeof *tk->buf);
        tk->nbuf -= k;
    }
    return TL_OK;
}

int tl_tracker_add(struct tl_tracker *tk, const struct tl_meas *m)
{
    if (tk == NULL || m == NULL || m->sensor < 0 || m->sensor >= tk->sensors->n || !isfinite(m->t_s))
        return TL_EINVAL;
    tk->st.measurements++;
    if (m->t_s < tk->done_t) {
        /* Older than what is already processed: the lag was too short for it. It is not
         * dropped: the tracks are retrodicted to its time and updated (an approximation that
         * ignores the process noise between the two times). */
        int rc;
        tk->st.late_beyond_lag++;
        rc = process_scan(tk, m->sensor, m->t_s, m, 1);
        emit_reports(tk);
        return rc;
    }
    if (m->t_s < tk->buf_max_t)
        tk->st.late_in_window++;
    tk->buf_max_t = fmax(tk->buf_max_t, m->t_s);
    if (tk->nbuf == tk->capbuf) {
        size_t nc = tk->capbuf ? 2 * tk->capbuf : 1024;
        struct tl_meas *nb = realloc(tk->buf, nc * sizeof *nb);
        if (nb == NULL)
            return TL_ENOMEM;
        tk->buf = nb;
        tk->capbuf = nc;
    }
    {
        /* Keep the buffer in validity order by insertion from the end: reports arrive nearly in
         * order, so this is O(1) for almost every one. */
        size_t i = tk->nbuf++;
        while (i > 0 && by_validity(&tk->buf[i - 1], m) > 0) {
            tk->buf[i] = tk->buf[i - 1];
            i--;
        }
        tk->buf[i] = *m;
    }
    /* Everything valid before (arrival - lag) can no longer be overtaken by a report that
     * arrives later within the lag: process it. Scans at the same time need all their
     * detections, so only strictly older times are released. */
    return release(tk, m->arrival_s - tk->cfg.lag_s - 1e-9);
}

int tl_tracker_flush(struct tl_tracker *tk)
{
    if (tk == NULL)
        return TL_EINVAL;
    return release(tk, INFINITY);
}
