/* Stereo initiation from infrared: a booster seen before any radar has it. An infrared detection
 * no track took is paired with one of another infrared sensor at the same instant; the two lines
 * of sight place it. Angles alone do not place a track. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "track_int.h"

#define N_WAITING 64

/* Recent infrared detections no track took, of every infrared sensor, waiting for a partner. */
struct stereo_state {
    struct tl_meas ir[N_WAITING];
    int nir;
};

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
static int stereo_position(const struct tl_sensor *s1, const struct tl_meas *z1,
                           const struct tl_sensor *s2, const struct tl_meas *z2, double max_miss_m,
                           double p[3])
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

/* Starts a tentative track at stereo position @p p (standard deviation @p sigma_m) at the time
 * of @p z, unless it is not at a booster's height or a track is already near. */
static void start_at(struct tl_tracker *tk, const struct tl_meas *z, const double p[3],
                     double sigma_m)
{
    static const double mu[TL_N_MOTIONS] = { 0.9, 0.09, 0.005, 0.005 }; /* IR sees boosters only */
    struct tl_gauss g;
    const double sv = tk->cfg.init_vel_sigma_mps;
    const double h = tl_geo_height(&tk->cfg.earth.shape, p);

    if (h < -1000.0 || h > 1.5e6)
        return; /* not a booster's height */
    for (int i = 0; i < tk->n; i++) {
        const struct tl_gauss *c = &tk->t[i].est.comb;
        double d = 0.0;
        if (tk->t[i].status == TL_TRACK_DELETED)
            continue;
        for (int k = 0; k < 3; k++)
            d += (c->x[k] - p[k]) * (c->x[k] - p[k]);
        if (sqrt(d) < 5.0 * sigma_m + 3.0 * tl__pos_sigma(c))
            return;
    }
    memset(&g, 0, sizeof g);
    g.t_s = z->t_s;
    for (int i = 0; i < 3; i++) {
        g.x[i] = p[i];
        g.P[i][i] = sigma_m * sigma_m;
        g.P[3 + i][3 + i] = sv * sv;
        g.P[6 + i][6 + i] = 30.0 * 30.0;
    }
    g.x[9] = 1e-4;
    g.P[9][9] = 1e-4 * 1e-4;
    tl__initiate_enter(tk, &g, mu, z->sensor);
}

/* Pairs infrared detection @p z of sensor @p si with a waiting one of another infrared sensor at
 * the same instant (each waiting one pairs once), or leaves it waiting for the next sensor's
 * scan. */
static void pair_or_wait(struct stereo_state *st, struct tl_tracker *tk, int si,
                         const struct tl_meas *z)
{
    const struct tl_sensor *s = &tk->sensors->s[si];
    int w = 0;

    /* Forget what is older than a second. */
    for (int i = 0; i < st->nir; i++)
        if (z->t_s - st->ir[i].t_s <= 1.0)
            st->ir[w++] = st->ir[i];
    st->nir = w;
    for (int i = 0; i < st->nir; i++) {
        const struct tl_meas *o = &st->ir[i];
        const struct tl_sensor *so = &tk->sensors->s[o->sensor];
        double p[3];
        /* Lines of sight from 36,000 km with 0.005 deg of noise miss each other by a few km:
         * accept up to five times the larger angular error at the distance. */
        const double tol = 5.0 * 4.0e7 * fmax(fmax(s->sigma_az_rad, s->sigma_el_rad),
                                              fmax(so->sigma_az_rad, so->sigma_el_rad));
        if (o->sensor == si || fabs(o->t_s - z->t_s) > 0.05)
            continue;
        if (stereo_position(s, z, so, o, tol, p) == 0) {
            st->ir[i] = st->ir[--st->nir];
            start_at(tk, z, p, tol / 5.0);
            return;
        }
    }
    if (st->nir < N_WAITING)
        st->ir[st->nir++] = *z;
}

static int stereo_create(const struct tl_sensor_set *sensors, void **state)
{
    (void)sensors;
    *state = calloc(1, sizeof(struct stereo_state));
    return *state != NULL ? TL_OK : TL_ENOMEM;
}

static void stereo_destroy(void *state)
{
    free(state);
}

/* Each track started uses up a waiting detection: at most nir of them. */
static int stereo_reserve(void *state, struct tl_tracker *tk, const struct tl__scan *sc)
{
    const struct stereo_state *st = state;

    return tl__initiate_reserve(tk, sc->nz < st->nir ? sc->nz : st->nir);
}

static void stereo_start(void *state, struct tl_tracker *tk, const struct tl__scan *sc,
                         const unsigned char *use)
{
    for (int j = 0; j < sc->nz; j++)
        if (use[j] == TL__DET_FREE)
            pair_or_wait(state, tk, sc->si, &sc->z[j]);
}

const struct tl__initiator_ops tl__initiate_stereo = {
    .name = "infrared stereo",
    .create = stereo_create,
    .destroy = stereo_destroy,
    .reserve = stereo_reserve,
    .start = stereo_start,
};
