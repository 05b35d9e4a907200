#include <math.h>
#include <string.h>

#include "trilink/sensor.h"

int tl_sensor_find(const struct tl_sensor_set *set, const char *id)
{
    if (set == NULL || id == NULL)
        return -1;
    for (int i = 0; i < set->n; i++)
        if (strcmp(set->s[i].id, id) == 0)
            return i;
    return -1;
}

void tl_sensor_ideal(const struct tl_sensor *s, const double y[6], struct tl_meas *out)
{
    double site[3], d[3], r;
    struct tl_rae rae = tl_geo_rae(&TL_WGS84, &s->site, y);

    tl_geo_lla_to_ecef(&TL_WGS84, &s->site, site);
    for (int i = 0; i < 3; i++)
        d[i] = y[i] - site[i];
    r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    out->az_rad = rae.az_rad;
    out->el_rad = rae.el_rad;
    out->range_m = s->kind == TL_SENSOR_RADAR ? rae.range_m : NAN;
    /* The sensor is fixed in ECEF, so the range rate is the ECEF velocity along the line. */
    out->rr_mps = s->kind == TL_SENSOR_RADAR && s->sigma_rr_mps > 0.0 && r > 0.0
                      ? (d[0] * y[3] + d[1] * y[4] + d[2] * y[5]) / r
                      : NAN;
}

int tl_geo_line_of_sight(const struct tl_ellipsoid *e, const double a[3], const double b[3],
                         double tol_m)
{
    /* Scale z by a/b so the ellipsoid becomes a sphere of radius a; straight lines stay
     * straight. The segment is clear when its closest approach to the centre, over the part
     * away from both ends, stays outside the sphere. */
    const double k = e->a / e->b;
    const double p[3] = { a[0], a[1], a[2] * k }, q[3] = { b[0], b[1], b[2] * k };
    const double d[3] = { q[0] - p[0], q[1] - p[1], q[2] - p[2] };
    const double len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    double t, lo, hi, c[3];

    if (!(len2 > 0.0))
        return 1;
    lo = fmin(0.5, tol_m / sqrt(len2));
    hi = 1.0 - lo;
    t = -(p[0] * d[0] + p[1] * d[1] + p[2] * d[2]) / len2;
    t = fmax(lo, fmin(hi, t));
    for (int i = 0; i < 3; i++)
        c[i] = p[i] + t * d[i];
    return c[0] * c[0] + c[1] * c[1] + c[2] * c[2] > e->a * e->a;
}

/* The measurement space false alarms are drawn in (tl_sensor_scan) and whose volume gives the
 * clutter density (tl_sensor_clutter_density): one definition for both. */
#define CLUTTER_EL_TOP_RAD (85.0 * M_PI / 180.0)
#define CLUTTER_RR_MAX_MPS 7000.0
#define CLUTTER_RANGE_TOP_M 4.0e7 /* for a sensor without a range limit */

/* Width of the azimuth coverage, clockwise from az_from (the whole circle without a sector). */
static double sector_span(const struct tl_sensor *s)
{
    return s->has_az_sector ? fmod(s->az_to_rad - s->az_from_rad + 4.0 * M_PI, 2.0 * M_PI)
                            : 2.0 * M_PI;
}

static double clutter_range_top(const struct tl_sensor *s)
{
    return isfinite(s->max_range_m) ? s->max_range_m : CLUTTER_RANGE_TOP_M;
}

static int in_sector(const struct tl_sensor *s, double az)
{
    if (!s->has_az_sector)
        return 1;
    return fmod(az - s->az_from_rad + 4.0 * M_PI, 2.0 * M_PI) <= sector_span(s);
}

double tl_sensor_clutter_density(const struct tl_sensor *s, int m)
{
    double v = sector_span(s) * (CLUTTER_EL_TOP_RAD - s->min_el_rad);

    if (m >= 3)
        v *= clutter_range_top(s) - s->min_range_m;
    if (m == 4)
        v *= 2.0 * CLUTTER_RR_MAX_MPS;
    return fmax(s->false_alarms_per_scan, 1e-3) / v;
}

int tl_sensor_sees(const struct tl_sensor *s, const double y[6], int boosting)
{
    double site[3];
    struct tl_rae rae;

    if (isnan(y[0]) || (s->kind == TL_SENSOR_IR && !boosting))
        return 0;
    rae = tl_geo_rae(&TL_WGS84, &s->site, y);
    if (rae.range_m < s->min_range_m || rae.range_m > s->max_range_m || rae.el_rad < s->min_el_rad ||
        !in_sector(s, rae.az_rad))
        return 0;
    tl_geo_lla_to_ecef(&TL_WGS84, &s->site, site);
    /* 50 m at the ends: a radar stands on the ground, a booster starts on it. */
    return tl_geo_line_of_sight(&TL_WGS84, site, y, 50.0);
}

/* ---------------------------------------------------------------- random numbers */

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(struct tl_rng *r)
{
    const uint64_t result = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;

    r->s[2] ^= r->s[0];
    r->s[3] ^= r->s[1];
    r->s[1] ^= r->s[2];
    r->s[0] ^= r->s[3];
    r->s[2] ^= t;
    r->s[3] = rotl(r->s[3], 45);
    return result;
}

void tl_rng_seed(struct tl_rng *r, uint64_t seed)
{
    /* splitmix64 expands the seed, as the xoshiro authors recommend. */
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        r->s[i] = z ^ (z >> 31);
    }
}

double tl_rng_uniform(struct tl_rng *r)
{
    return (double)(next_u64(r) >> 11) * 0x1.0p-53;
}

double tl_rng_normal(struct tl_rng *r)
{
    double u, v, s;

    do {
        u = 2.0 * tl_rng_uniform(r) - 1.0;
        v = 2.0 * tl_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s); /* the second variate is dropped: simpler state */
}

int tl_rng_poisson(struct tl_rng *r, double mean)
{
    double p = 1.0, limit;
    int k = 0;

    if (!(mean > 0.0))
        return 0;
    if (mean > 30.0) /* normal approximation: Knuth's loop would take about mean steps */
        return (int)fmax(0.0, floor(mean + sqrt(mean) * tl_rng_normal(r) + 0.5));
    limit = exp(-mean);
    do {
        k++;
        p *= tl_rng_uniform(r);
    } while (p > limit);
    return k - 1;
}

/* ---------------------------------------------------------------- scans */

static int push(struct tl_meas *out, size_t cap, size_t *n, const struct tl_meas *m)
{
    if (*n >= cap)
        return TL_ERANGE;
    out[(*n)++] = *m;
    return TL_OK;
}

int tl_sensor_scan(const struct tl_sensor *s, int sensor_index, double t_s, const double (*ys)[6],
                   const int *boosting, int n, struct tl_rng *rng, struct tl_meas *out, size_t cap,
                   size_t *n_out)
{
    const int has_rr = s->kind == TL_SENSOR_RADAR && s->sigma_rr_mps > 0.0;
    int nfa;

    for (int i = 0; i < n; i++) {
        struct tl_meas m;
        if (!tl_sensor_sees(s, ys[i], boosting[i]) || tl_rng_uniform(rng) >= s->pd)
            continue;
        tl_sensor_ideal(s, ys[i], &m);
        m.t_s = t_s;
        m.arrival_s = t_s + s->latency_s;
        m.sensor = sensor_index;
        m.object = i;
        if (s->kind == TL_SENSOR_RADAR)
            m.range_m += s->sigma_range_m * tl_rng_normal(rng);
        m.az_rad = fmod(m.az_rad + s->sigma_az_rad * tl_rng_normal(rng) + 2.0 * M_PI, 2.0 * M_PI);
        m.el_rad += s->sigma_el_rad * tl_rng_normal(rng);
        if (has_rr)
            m.rr_mps += s->sigma_rr_mps * tl_rng_normal(rng);
        if (push(out, cap, n_out, &m) != TL_OK)
            return TL_ERANGE;
    }
    /* False alarms: a Poisson count, uniform in the measurement space of the coverage. */
    nfa = tl_rng_poisson(rng, s->false_alarms_per_scan);
    for (int k = 0; k < nfa; k++) {
        const double span = sector_span(s), r_top = clutter_range_top(s);
        struct tl_meas m;
        m.t_s = t_s;
        m.arrival_s = t_s + s->latency_s;
        m.sensor = sensor_index;
        m.object = -1;
        m.range_m = s->kind == TL_SENSOR_RADAR
                        ? s->min_range_m + (r_top - s->min_range_m) * tl_rng_uniform(rng)
                        : NAN;
        m.az_rad = fmod((s->has_az_sector ? s->az_from_rad : 0.0) + span * tl_rng_uniform(rng),
                        2.0 * M_PI);
        m.el_rad = s->min_el_rad + (CLUTTER_EL_TOP_RAD - s->min_el_rad) * tl_rng_uniform(rng);
        m.rr_mps = has_rr ? CLUTTER_RR_MAX_MPS * (2.0 * tl_rng_uniform(rng) - 1.0) : NAN;
        if (push(out, cap, n_out, &m) != TL_OK)
            return TL_ERANGE;
    }
    return TL_OK;
}
