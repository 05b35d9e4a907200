/* What threatens which area: the impact distribution sampled over the areas, and the ground
 * track of the flight above the overflight height swept by the same uncertainty. A boosting
 * missile is a fan of trajectories, one for each burn it can still fly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/assess.h"
#include "trilink/geo.h"
#include "trilink/propagate.h"
#include "trilink/trajectory.h"
#include "warn_int.h"

/* Mean Earth radius for the small displacements of the corridor (IUGG R1). */
#define R_MEAN_M 6371008.8
/* Without an ellipse (a fan member, or no assessment yet) the impact spread is taken as this
 * fraction of the ground distance still to fly, and never less than SIGMA_MIN_M (1 sigma). */
#define SIGMA_OF_RANGE 0.03
#define SIGMA_MIN_M 10000.0
/* Below this height a climbing missile may still be under thrust (the catalogue's burnouts are
 * at 50-250 km). */
#define BOOST_CEILING_M 150000.0

void tl__warn_track_free(struct tl__warn_track *g)
{
    free(g->t_s);
    free(g->lat_rad);
    free(g->lon_rad);
    free(g->along);
    memset(g, 0, sizeof *g);
}

static int track_push(struct tl__warn_track *g, double t_s, double lat, double lon)
{
    if (g->n == g->cap) {
        const int cap = g->cap ? 2 * g->cap : 256;
        double *a[4] = { g->t_s, g->lat_rad, g->lon_rad, g->along };
        for (int i = 0; i < 4; i++) {
            double *p = realloc(a[i], (size_t)cap * sizeof *p);
            if (p == NULL) {
                g->t_s = a[0], g->lat_rad = a[1], g->lon_rad = a[2], g->along = a[3];
                return TL_ENOMEM;
            }
            a[i] = p;
        }
        g->t_s = a[0], g->lat_rad = a[1], g->lon_rad = a[2], g->along = a[3];
        g->cap = cap;
    }
    g->t_s[g->n] = t_s;
    g->lat_rad[g->n] = lat;
    g->lon_rad[g->n] = lon;
    g->along[g->n] = 0.0;
    g->n++;
    return TL_OK;
}

static int record(const struct tl_warn *w, struct tl__warn_track *g, double t_s, const double y[6])
{
    const struct tl_lla p = tl_geo_ecef_to_lla(&w->earth.shape, y);
    if (p.h_m < w->cfg.rules.overflight_height_m)
        return TL_OK;
    return track_push(g, t_s, p.lat_rad, p.lon_rad);
}

/* Great-circle angle between two points (haversine; fractions of a track need no better). */
static double arc(double lat1, double lon1, double lat2, double lon2)
{
    const double s1 = sin(0.5 * (lat2 - lat1)), s2 = sin(0.5 * (lon2 - lon1));
    const double h = s1 * s1 + cos(lat1) * cos(lat2) * s2 * s2;
    return 2.0 * asin(sqrt(fmin(1.0, h)));
}

/* along[j]: the fraction of the ground distance from the estimate's sub-point to the impact (or
 * to the last sample) flown at sample j: how much of the impact's spread the path has there. */
static void finish_along(struct tl__warn_track *g, double lat0, double lon0)
{
    double cum = 0.0, plat = lat0, plon = lon0;
    for (int j = 0; j < g->n; j++) {
        cum += arc(plat, plon, g->lat_rad[j], g->lon_rad[j]);
        g->along[j] = cum;
        plat = g->lat_rad[j], plon = g->lon_rad[j];
    }
    if (g->has_impact)
        cum += arc(plat, plon, g->impact_lat_rad, g->impact_lon_rad);
    g->total_m = cum * R_MEAN_M;
    for (int j = 0; j < g->n; j++)
        g->along[j] = cum > 0.0 ? g->along[j] / cum : 1.0;
}

struct thrust_ctx {
    const struct tl_earth *e;
    const struct tl_vehicle *v;
    double t0_s, tau0_s, cutoff_s;
};

/* Thrust along the velocity (a gravity turn continued), the vehicle's acceleration F/m at its
 * time since ignition, vacuum impulse (the optimistic burn: more caution, not less). */
static int thrust_rhs(void *c, double t, const double *y, double *dy)
{
    const struct thrust_ctx *k = c;
    const double tau = k->tau0_s + (t - k->t0_s);
    const struct tl_boost_state b = tl_boost_eval(k->v, k->v->payload_kg, k->cutoff_s, tau, 0.0);
    const double vn = sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5]);
    double acc[3] = { 0.0, 0.0, 0.0 };

    if (b.thrust_n > 0.0 && b.mass_kg > 0.0 && vn > 1.0)
        for (int i = 0; i < 3; i++)
            acc[i] = b.thrust_n / b.mass_kg * y[3 + i] / vn;
    for (int i = 0; i < 3; i++)
        dy[i] = y[3 + i];
    tl_propagate_accel(k->e, y, y + 3, 0.0, acc, dy + 3);
    return 0;
}

/* The powered part of a fan member, sampled on the ground-track grid; *down set when it hits
 * the ground under thrust (a member of the fan that is no flight at all). */
static int fly_thrust(struct tl_warn *w, struct thrust_ctx *k, double t1, const double y0[6],
                      struct tl__warn_track *g, double y1[6], int *down)
{
    /* a ground track to tens of metres is plenty: loose tolerances (rtol 1e-6, atol 1 m) */
    const struct tl_ode_cfg cfg = { 1e-6, 1.0, 0.0, TL__WARN_STEP_S };
    struct tl_ode ode;
    double next = k->t0_s + TL__WARN_STEP_S, y[6];
    int rc = tl_ode_init(&ode, 6, thrust_rhs, k, &cfg, k->t0_s, y0);

    *down = 0;
    while (rc == TL_OK && ode.t < t1) {
        rc = tl_ode_step(&ode, t1);
        for (; rc == TL_OK && next <= ode.t; next += TL__WARN_STEP_S) {
            tl_ode_dense(&ode, next, y);
            rc = record(w, g, next, y);
        }
        if (rc == TL_OK && tl_geo_height(&w->earth.shape, ode.y) < 0.0) {
            *down = 1;
            break;
        }
    }
    memcpy(y1, ode.y, sizeof ode.y[0] * 6);
    return rc;
}

/* The coast to the ground, sampled on the grid; no impact within the horizon (an orbit) leaves
 * has_impact 0. */
static int fly_coast(struct tl_warn *w, double beta, double t0, const double y0[6],
                     struct tl__warn_track *g)
{
    const struct tl_ode_cfg cfg = { 1e-6, 1.0, 0.0, 0.0 };
    struct tl_coast_result res;
    struct tl_path *path = NULL;
    double tb, te, y[6];
    int rc = tl_path_create(&path);

    if (rc != TL_OK)
        return rc;
    rc = tl_propagate_coast(&w->earth, beta, t0, y0, t0 + TL__WARN_MAX_FLIGHT_S, &cfg, path, &res);
    if (rc == TL_OK || rc == TL_ENOSOL) {
        const int ok = rc == TL_OK;
        tl_path_span(path, &tb, &te);
        rc = TL_OK;
        for (double t = t0; rc == TL_OK && t < te; t += TL__WARN_STEP_S)
            if (tl_path_state(path, t, y) == TL_OK)
                rc = record(w, g, t, y);
        if (ok) {
            const struct tl_lla p = tl_geo_ecef_to_lla(&w->earth.shape, res.impact_y);
            g->has_impact = 1;
            g->impact_t_s = res.impact_t_s;
            g->impact_lat_rad = p.lat_rad;
            g->impact_lon_rad = p.lon_rad;
        }
    }
    tl_path_destroy(path);
    return rc;
}

static struct tl__warn_track *new_member(struct tl_warn *w)
{
    struct tl__warn_track *g = &w->member[w->n_members++];
    g->n = 0;
    g->has_impact = 0;
    g->total_m = 0.0;
    return g;
}

/* Fan members: for each class that could still be burning at time since launch tau, the
 * engines cut after each fraction of its remaining burn. */
static int fly_fan(struct tl_warn *w, const struct tl_warn_obs *o, double tau, double beta)
{
    for (int c = 0; c < w->vehicles.n; c++) {
        const struct tl_vehicle *v = &w->vehicles.v[c];
        const double burn = tl_boost_burn_time(v);
        if (!(burn > tau))
            continue;
        for (int f = 1; f <= TL__WARN_FAN_FRACTIONS; f++) {
            struct thrust_ctx k = { &w->earth, v, o->t_s, tau, 0.0 };
            struct tl__warn_track *g = new_member(w);
            double y1[6];
            int down, rc;
            k.cutoff_s = tau + (burn - tau) * f / TL__WARN_FAN_FRACTIONS;
            rc = fly_thrust(w, &k, o->t_s + (k.cutoff_s - tau), o->x, g, y1, &down);
            if (rc == TL_OK && !down)
                rc = fly_coast(w, beta, o->t_s + (k.cutoff_s - tau), y1, g);
            if (rc != TL_OK)
                w->n_members--; /* a member that cannot be flown is left out, not fatal */
        }
    }
    return TL_OK;
}

/* A filter's phase is a guess early on (the shipped IRBM's track says midcourse 18 s after its
 * launch): a missile still low and climbing while some class could still be burning is treated
 * as boosting. */
static int possibly_boosting(const struct tl_warn *w, const struct tl_warn_obs *o, double tau,
                             double h_m)
{
    double longest = 0.0;
    for (int c = 0; c < w->vehicles.n; c++)
        longest = fmax(longest, tl_boost_burn_time(&w->vehicles.v[c]));
    return tau < longest && h_m < BOOST_CEILING_M &&
           tl_propagate_climb_rate(&w->earth, o->x, o->x + 3) > 0.0;
}

static int fly_members(struct tl_warn *w, const struct tl_warn_obs *o, double first_seen_s)
{
    const struct tl_vehicle *v =
        o->cls >= 0 ? tl_boost_catalog_find(&w->vehicles, tl_class_name((enum tl_class)o->cls))
                    : NULL;
    const double beta = v != NULL ? v->rv_beta_kgpm2 : 5000.0;
    const struct tl_lla sub = tl_geo_ecef_to_lla(&w->earth.shape, o->x);
    int rc;

    w->n_members = 0;
    rc = fly_coast(w, beta, o->t_s, o->x, new_member(w));
    if (rc != TL_OK)
        return rc;
    /* Time since launch: from the launch estimate, else at least the time seen (the smaller,
     * the more burn is left: the cautious side). */
    const double tau = fmax(0.0, o->has_launch ? o->t_s - o->launch_t_s : o->t_s - first_seen_s);
    w->fanned = o->phase == TL_PHASE_BOOST || possibly_boosting(w, o, tau, sub.h_m);
    if (w->fanned)
        rc = fly_fan(w, o, tau, beta);
    for (int m = 0; m < w->n_members; m++)
        finish_along(&w->member[m], sub.lat_rad, sub.lon_rad);
    return rc;
}

/* The 1-sigma axes of the impact spread of member m, east-north unit vectors included. */
static void spread(const struct tl_warn *w, const struct tl_warn_obs *o, int m, double *sa,
                   double *sb, double *az)
{
    const struct tl__warn_track *g = &w->member[m];
    if (o->has_impact && (m == 0 || o->semi_major_m > SIGMA_OF_RANGE * g->total_m)) {
        *sa = o->semi_major_m / sqrt(TL_CHI2_2DOF_95);
        *sb = o->semi_minor_m / sqrt(TL_CHI2_2DOF_95);
        *az = o->major_az_rad;
    } else {
        *sa = *sb = fmax(SIGMA_MIN_M, SIGMA_OF_RANGE * g->total_m);
        *az = 0.0;
    }
}

static void offset(const double *z, double sa, double sb, double az, double *de, double *dn)
{
    *de = z[0] * sa * sin(az) + z[1] * sb * cos(az);
    *dn = z[0] * sa * cos(az) - z[1] * sb * sin(az);
}

/* p_imp: the fraction of the impact samples in each area. Member 0 (the ballistic estimate)
 * falls where the assessment says; fan members where their own flights end. */
static int impact_probability(struct tl_warn *w, const struct tl_warn_obs *o)
{
    const int total = w->cfg.rules.impact_samples;
    const int per = total / w->n_members;
    int n = 0, used = 0;

    memset(w->hits, 0, (size_t)w->n_areas * sizeof *w->hits);
    for (int m = 0; m < w->n_members; m++) {
        const struct tl__warn_track *g = &w->member[m];
        const int k_n = m == w->n_members - 1 ? total - used : per;
        double lat0, lon0, sa, sb, az;
        used += k_n;
        if (m == 0 && o->has_impact)
            lat0 = o->impact_lat_rad, lon0 = o->impact_lon_rad;
        else if (g->has_impact)
            lat0 = g->impact_lat_rad, lon0 = g->impact_lon_rad;
        else
            continue; /* no impact within the horizon: its share falls nowhere */
        spread(w, o, m, &sa, &sb, &az);
        for (int k = 0; k < k_n; k++, n++) {
            const double *z = &w->z[2 * ((used - k_n + k) % TL__WARN_MAX_SAMPLES)];
            double de, dn;
            offset(z, sa, sb, az, &de, &dn);
            tl_geo_direct(&w->earth.shape, lat0, lon0, atan2(de, dn), hypot(de, dn), &w->lat[n],
                          &w->lon[n], NULL);
        }
    }
    if (n > 0) {
        const int rc = tl_areas_count_inside(w->cfg.areas, n, w->lat, w->lon, w->hits);
        if (rc != TL_OK)
            return rc;
    }
    for (int i = 0; i < w->n_areas; i++)
        w->p_imp[i] = (double)w->hits[i] / total;
    return TL_OK;
}

/* The time the nominal track of each member is first over each area. */
static void overflight_times(struct tl_warn *w)
{
    int idx[16];
    for (int m = 0; m < w->n_members; m++) {
        const struct tl__warn_track *g = &w->member[m];
        for (int j = 0; j < g->n; j++) {
            const int k = tl_areas_at(w->cfg.areas, g->lat_rad[j], g->lon_rad[j], idx, 16);
            for (int q = 0; q < k && q < 16; q++)
                if (isnan(w->t_ovf[idx[q]]) || g->t_s[j] < w->t_ovf[idx[q]])
                    w->t_ovf[idx[q]] = g->t_s[j];
        }
    }
}

/* An area only a perturbed track crosses: the time the nominal track passes nearest to it. */
static double nearest_pass(const struct tl_warn *w, int area)
{
    const struct tl_area_info *a = tl_areas_get(w->cfg.areas, area);
    double best = INFINITY, t = NAN;
    for (int m = 0; m < w->n_members; m++) {
        const struct tl__warn_track *g = &w->member[m];
        for (int j = 0; j < g->n; j++) {
            const double d = arc(a->lat_c_rad, a->lon_c_rad, g->lat_rad[j], g->lon_rad[j]);
            if (d < best)
                best = d, t = g->t_s[j];
        }
    }
    return t;
}

/* p_ovf: the fraction of corridor tracks (each member's ground track displaced by a sample of
 * the impact spread, in proportion to the distance flown) that cross each area. */
static int overflight_probability(struct tl_warn *w, const struct tl_warn_obs *o)
{
    /* the fan's members share the corridor budget (at least 4 tracks each): the fan itself is
     * the larger spread */
    const int K = w->n_members > 1 ? (w->cfg.rules.corridor_samples / w->n_members > 4
                                          ? w->cfg.rules.corridor_samples / w->n_members
                                          : 4)
                                   : w->cfg.rules.corridor_samples;
    int runs = 0;

    memset(w->hits, 0, (size_t)w->n_areas * sizeof *w->hits);
    for (int m = 0; m < w->n_members; m++) {
        const struct tl__warn_track *g = &w->member[m];
        double sa, sb, az;
        spread(w, o, m, &sa, &sb, &az);
        for (int k = 0; k < K; k++, runs++) {
            double de, dn;
            int n = g->n;
            offset(&w->z[2 * ((TL__WARN_MAX_SAMPLES - 1 - k) % TL__WARN_MAX_SAMPLES)], sa, sb, az,
                   &de, &dn);
            for (int j = 0; j < n; j++) {
                w->lat[j] = g->lat_rad[j] + g->along[j] * dn / R_MEAN_M;
                w->lon[j] = g->lon_rad[j] +
                            g->along[j] * de / (R_MEAN_M * fmax(0.01, cos(g->lat_rad[j])));
            }
            if (n == 0)
                continue;
            if (n == 1)
                w->lat[1] = w->lat[0], w->lon[1] = w->lon[0], n = 2;
            memset(w->hit_line, 0, (size_t)w->n_areas);
            const int rc = tl_areas_line_hits(w->cfg.areas, n, w->lat, w->lon, w->hit_line);
            if (rc != TL_OK)
                return rc;
            for (int i = 0; i < w->n_areas; i++)
                w->hits[i] += w->hit_line[i];
        }
    }
    for (int i = 0; i < w->n_areas; i++) {
        w->p_ovf[i] = runs > 0 ? (double)w->hits[i] / runs : 0.0;
        w->t_ovf[i] = NAN;
    }
    overflight_times(w);
    for (int i = 0; i < w->n_areas; i++)
        if (w->p_ovf[i] > 0.0 && isnan(w->t_ovf[i]))
            w->t_ovf[i] = nearest_pass(w, i);
    return TL_OK;
}

int tl__warn_evaluate(struct tl_warn *w, const struct tl_warn_obs *o, double first_seen_s)
{
    int rc = fly_members(w, o, first_seen_s);
    if (rc == TL_OK)
        rc = impact_probability(w, o);
    if (rc == TL_OK)
        rc = overflight_probability(w, o);
    return rc;
}

static int bad(struct tl_diag *diag, const char *field, double v, const char *why)
{
    return tl__warn_diag(diag, TL_EINVAL, field, "%g: %s", v, why);
}

int tl__warn_obs_check(const struct tl_warn_obs *o, struct tl_diag *diag)
{
    static const char *const xn[6] = { "x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps" };
    double r = 0.0, v = 0.0;
    if (o->system_no <= 0)
        return bad(diag, "system_no", o->system_no, "not a system track number");
    if (!isfinite(o->t_s))
        return bad(diag, "t_s", o->t_s, "not a time");
    for (int i = 0; i < 6; i++) {
        if (!isfinite(o->x[i]))
            return bad(diag, xn[i], o->x[i], "not finite");
        if (i < 3)
            r += o->x[i] * o->x[i];
        else
            v += o->x[i] * o->x[i];
    }
    if (sqrt(r) < 6.0e6 || sqrt(r) > 5.0e7)
        return bad(diag, "position", sqrt(r), "m from the Earth's centre: not a missile's");
    if (sqrt(v) > 12000.0)
        return bad(diag, "velocity", sqrt(v), "m/s: faster than any ballistic missile");
    if (o->phase < 0 || o->phase > TL_PHASE_IMPACTED)
        return bad(diag, "phase", o->phase, "unknown phase");
    if (o->cls < -1 || o->cls > TL_CLASS_ICBM)
        return bad(diag, "class", o->cls, "unknown class");
    if (o->has_impact) {
        const double *f[] = { &o->impact_t_s,  &o->impact_lat_rad, &o->impact_lon_rad,
                              &o->semi_major_m, &o->semi_minor_m,   &o->major_az_rad };
        static const char *const fn[] = { "impact_time_s",       "impact_lat",
                                          "impact_lon",          "impact_semi_major_m",
                                          "impact_semi_minor_m", "impact_major_azimuth" };
        for (int i = 0; i < 6; i++)
            if (!isfinite(*f[i]))
                return bad(diag, fn[i], *f[i], "not finite");
        if (fabs(o->impact_lat_rad) > 0.5 * M_PI + 1e-12)
            return bad(diag, "impact_lat", tl_rad2deg(o->impact_lat_rad), "degrees: not a latitude");
        if (!(o->semi_minor_m > 0.0) || !(o->semi_major_m >= o->semi_minor_m))
            return bad(diag, "impact_semi_minor_m", o->semi_minor_m,
                       "the impact covariance is not positive definite (axes must satisfy "
                       "major >= minor > 0)");
    }
    if (o->has_launch && (!isfinite(o->launch_t_s) || !isfinite(o->launch_lat_rad) ||
                          !isfinite(o->launch_lon_rad)))
        return bad(diag, "launch", o->launch_t_s, "launch point or time not finite");
    return TL_OK;
}
