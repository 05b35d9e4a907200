/* Two-point initiation from radar (Blackman & Popoli, 3.3, logic-based initiation): a detection
 * no track took starts a track only with a kinematically consistent partner from the same radar's
 * previous scan; the others wait one scan for a partner. Clutter rarely pairs, so it does not
 * fill the table with tentative tracks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "track_int.h"

/* Fastest ballistic missile, m/s: bounds how far a partner detection can be. */
#define SEED_VMAX_MPS 8000.0

/* A radar's unused detections of its previous scan, waiting for a partner, with their positions
 * hashed in a grid of cells about as large as a missile travels between scans, so the partner
 * search is O(detections). */
struct seeds {
    double t;
    int n, cap, nbucket, cap_bucket;
    struct tl_meas *z;
    double (*p)[3];
    int *head, *next;
    double cell_m;
};

/* The initiator's state: the seeds of each sensor (radars only use theirs) and a scratch list of
 * the detections of the scan being processed that are left waiting. */
struct pair_state {
    int nsensors;
    struct seeds *seeds;
    struct tl_meas *left;
    double (*lp)[3];
    int cap_left;
};

static long seed_cell(double x, double cell)
{
    return (long)floor(x / cell);
}

static unsigned long seed_hash(long a, long b, long c)
{
    return (unsigned long)a * 73856093UL ^ (unsigned long)b * 19349663UL ^
           (unsigned long)c * 83492791UL;
}

/* Buckets of the hash for n waiting detections: at least 2n, a power of two, 64 or more. */
static int seed_buckets(int n)
{
    int nb = 64;

    while (nb < 2 * n)
        nb *= 2;
    return nb;
}

/* Grows @p sd so seeds_store() can hold @p n detections; contents unchanged. */
static int seeds_reserve(struct seeds *sd, int n)
{
    const int nb = seed_buckets(n);

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
    if (nb > sd->cap_bucket) {
        int *nh = realloc(sd->head, (size_t)nb * sizeof *nh);
        if (nh == NULL)
            return TL_ENOMEM;
        sd->head = nh;
        sd->cap_bucket = nb;
    }
    return TL_OK;
}

/* Replaces the waiting detections with @p n new ones (positions @p p) at time @p t, in cells of
 * @p cell_m. Needs seeds_reserve(sd, n). The bucket count never shrinks. */
static void seeds_store(struct seeds *sd, double t, const struct tl_meas *z, const double (*p)[3],
                        int n, double cell_m)
{
    if (sd->nbucket < 2 * n || sd->nbucket == 0)
        sd->nbucket = seed_buckets(n);
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
}

/* Score of waiting detection j as the partner of @p z (at @p p), lower is better: reachable at
 * up to SEED_VMAX_MPS, and with a range change that agrees with the two range rates (when the
 * radar measures them) within six sigmas plus what 100 m/s^2 can add. INFINITY if not. */
static double partner_score(const struct seeds *sd, int j, const struct tl_sensor *s,
                            const struct tl_meas *z, const double p[3], double dt, double reach)
{
    double d = 0.0;

    for (int k = 0; k < 3; k++)
        d += (sd->p[j][k] - p[k]) * (sd->p[j][k] - p[k]);
    if (sqrt(d) > reach)
        return INFINITY;
    if (!isnan(z->rr_mps) && !isnan(sd->z[j].rr_mps)) {
        const double resid =
            (z->range_m - sd->z[j].range_m) - 0.5 * (z->rr_mps + sd->z[j].rr_mps) * dt;
        const double tol = 6.0 * (1.5 * s->sigma_range_m + s->sigma_rr_mps * dt) + 50.0 * dt * dt;
        if (fabs(resid) > tol)
            return INFINITY;
        return fabs(resid) / tol;
    }
    return sqrt(d) / reach;
}

/* The waiting detection that best continues @p z (at @p p), or -1: the cells within reach are
 * searched in a fixed order, ties go to the first found. */
static int seeds_partner(const struct seeds *sd, const struct tl_sensor *s,
                         const struct tl_meas *z, const double p[3])
{
    const double dt = z->t_s - sd->t;
    const double cross = z->range_m * fmax(s->sigma_az_rad, s->sigma_el_rad);
    const double reach = SEED_VMAX_MPS * dt + 6.0 * (s->sigma_range_m + cross);
    const double c = sd->cell_m;
    double best = INFINITY;
    int best_j = -1;

    if (sd->n == 0 || !(dt > 0.0) || dt > 2.5 * s->revisit_s)
        return -1;
    for (long a = seed_cell(p[0] - reach, c); a <= seed_cell(p[0] + reach, c); a++)
        for (long b = seed_cell(p[1] - reach, c); b <= seed_cell(p[1] + reach, c); b++)
            for (long e = seed_cell(p[2] - reach, c); e <= seed_cell(p[2] + reach, c); e++) {
                const unsigned long h = seed_hash(a, b, e) & (unsigned long)(sd->nbucket - 1);
                for (int j = sd->head[h]; j >= 0; j = sd->next[j]) {
                    double score;
                    if (isinf(sd->z[j].t_s)) /* already seeded a track */
                        continue;
                    if (seed_cell(sd->p[j][0], c) != a || seed_cell(sd->p[j][1], c) != b ||
                        seed_cell(sd->p[j][2], c) != e)
                        continue; /* another cell in the same bucket */
                    score = partner_score(sd, j, s, z, p, dt, reach);
                    if (score < best) {
                        best = score;
                        best_j = j;
                    }
                }
            }
    return best_j;
}

/* A new tentative track from one radar detection: position from the measurement, velocity from
 * the range rate along the line of sight and a wide prior across it. */
static struct tl__track *start_from_detection(struct tl_tracker *tk, const struct tl_sensor *s,
                                              const struct tl_meas *z)
{
    static const double mu[TL_N_MOTIONS] = { 0.5, 0.39, 0.1, 0.01 };
    struct tl_gauss g;
    const struct tl_rae rae = { z->range_m, z->az_rad, z->el_rad };
    double p[3], site[3], u[3], rng = 0.0;
    const double sv = tk->cfg.init_vel_sigma_mps;
    /* Position uncertainty: range along the line of sight, angles across it. */
    const double sr = s->sigma_range_m;
    const double rr = isnan(z->rr_mps) ? 0.0 : z->rr_mps;
    const double srr = isnan(z->rr_mps) ? sv : 3.0 * s->sigma_rr_mps;
    double sc;

    memset(&g, 0, sizeof g);
    tl_geo_rae_to_ecef(&TL_WGS84, &s->site, &rae, p);
    tl_geo_lla_to_ecef(&TL_WGS84, &s->site, site);
    for (int i = 0; i < 3; i++) {
        u[i] = p[i] - site[i];
        rng += u[i] * u[i];
    }
    rng = sqrt(rng);
    for (int i = 0; i < 3; i++)
        u[i] /= rng;
    sc = rng * fmax(s->sigma_az_rad, s->sigma_el_rad);
    g.t_s = z->t_s;
    for (int i = 0; i < 3; i++) {
        g.x[i] = p[i];
        g.x[3 + i] = rr * u[i];
        for (int j = 0; j < 3; j++) {
            const double uu = u[i] * u[j], id = i == j ? 1.0 : 0.0;
            g.P[i][j] = sc * sc * (id - uu) + sr * sr * uu;
            g.P[3 + i][3 + j] = sv * sv * (id - uu) + srr * srr * uu;
        }
        g.P[6 + i][6 + i] = 30.0 * 30.0; /* thrust: up to about 6 g */
    }
    g.x[9] = 1e-4; /* beta about 10,000 kg/m^2 */
    g.P[9][9] = 1e-4 * 1e-4;
    return tl__initiate_enter(tk, &g, mu, z->sensor);
}

static int pair_create(const struct tl_sensor_set *sensors, void **state)
{
    struct pair_state *ps = calloc(1, sizeof *ps);

    if (ps == NULL)
        return TL_ENOMEM;
    ps->nsensors = sensors->n;
    ps->seeds = calloc((size_t)sensors->n + 1, sizeof *ps->seeds);
    if (ps->seeds == NULL) {
        free(ps);
        return TL_ENOMEM;
    }
    *state = ps;
    return TL_OK;
}

static void pair_destroy(void *state)
{
    struct pair_state *ps = state;

    if (ps == NULL)
        return;
    for (int i = 0; i < ps->nsensors; i++) {
        free(ps->seeds[i].z);
        free(ps->seeds[i].p);
        free(ps->seeds[i].head);
        free(ps->seeds[i].next);
    }
    free(ps->seeds);
    free(ps->left);
    free(ps->lp);
    free(ps);
}

/* Room for every detection of the scan to wait, and for one track per waiting partner. */
static int pair_reserve(void *state, struct tl_tracker *tk, const struct tl__scan *sc)
{
    struct pair_state *ps = state;
    struct seeds *sd = &ps->seeds[sc->si];
    int rc;

    if (sc->nz > ps->cap_left) {
        struct tl_meas *nl = realloc(ps->left, (size_t)sc->nz * sizeof *nl);
        double(*np)[3] = nl != NULL ? realloc(ps->lp, (size_t)sc->nz * sizeof *np) : NULL;
        if (nl != NULL)
            ps->left = nl;
        if (np == NULL)
            return TL_ENOMEM;
        ps->lp = np;
        ps->cap_left = sc->nz;
    }
    if ((rc = seeds_reserve(sd, sc->nz)) != TL_OK)
        return rc;
    return tl__initiate_reserve(tk, sc->nz < sd->n ? sc->nz : sd->n);
}

/* Starts from the earlier detection of each pair, then takes the later one as its second
 * association; the unpaired detections replace the radar's waiting ones. */
static void pair_start(void *state, struct tl_tracker *tk, const struct tl__scan *sc,
                       const unsigned char *use)
{
    struct pair_state *ps = state;
    struct seeds *sd = &ps->seeds[sc->si];
    const struct tl_sensor *s = sc->s;
    int nleft = 0;

    for (int j = 0; j < sc->nz; j++) {
        struct tl__track *tr;
        int pj;
        if (use[j] != TL__DET_FREE)
            continue;
        pj = seeds_partner(sd, s, &sc->z[j], sc->zp[j]);
        if (pj < 0) {
            ps->left[nleft] = sc->z[j];
            memcpy(ps->lp[nleft++], sc->zp[j], sizeof ps->lp[0]);
            continue;
        }
        tr = start_from_detection(tk, s, &sd->z[pj]);
        if (tl__imm_predict(&tk->cfg, &tr->est, sc->t, &tr->est) == TL_OK &&
            tl__imm_update(&tk->cfg, s, &sc->z[j], &tr->est) == TL_OK)
            tl__mofn_count(tr, sc->t, 1);
        else
            tr->status = TL_TRACK_DELETED; /* the pair was not consistent after all */
        sd->z[pj].t_s = -INFINITY;         /* a detection seeds one track at most */
    }
    seeds_store(sd, sc->t, ps->left, (const double(*)[3])ps->lp, nleft,
                fmax(1000.0, SEED_VMAX_MPS * s->revisit_s));
}

const struct tl__initiator_ops tl__initiate_pair = {
    .name = "radar two-point",
    .create = pair_create,
    .destroy = pair_destroy,
    .reserve = pair_reserve,
    .start = pair_start,
};
