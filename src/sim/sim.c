#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/propagate.h"
#include "trilink/sim.h"
#include "sim_int.h"

struct sim_entry {
    struct tl_sim_object obj;
    struct tl_path *path;
};

struct tl_sim {
    int n;
    double end_s;
    struct sim_entry *e;
    struct tl_mismatch mismatch; /* the world's draws (off: matched) */
    double rho_dev[TL_RHO_KNOTS];
};

/* Draws of a mismatched vehicle tried before a launch that cannot reach its aim is an error. */
#define VEHICLE_DRAWS 20
/* An object in orbit is watched this long after its insertion (the region's sensors have lost
 * it by then), so the scenario ends. */
#define ORBIT_WATCH_S 900.0

void tl_sim_destroy(struct tl_sim *sim)
{
    if (sim == NULL)
        return;
    for (int i = 0; i < sim->n; i++)
        tl_path_destroy(sim->e[i].path);
    free(sim->e);
    free(sim);
}

static int fail(struct tl_diag *diag, const struct tl_launch_spec *ls, const char *fmt,
                const char *detail)
{
    if (diag != NULL) {
        diag->line = ls->line;
        snprintf(diag->field, sizeof diag->field, "launch '%s'", ls->id);
        snprintf(diag->message, sizeof diag->message, fmt, ls->class_name, detail);
    }
    return TL_ENOSOL;
}

/* Designs launch @p ls with vehicle @p v0 (a mismatched draw of it when the mismatch changes
 * vehicles) and flies it, recording the path. */
static int fly_launch(const struct tl_launch_spec *ls, const struct tl_vehicle *v0,
                      const struct tl_earth *e, const struct tl_mismatch *mm, struct tl_rng *rng,
                      struct sim_entry *en, struct tl_diag *diag)
{
    struct tl_design_req req;
    enum tl_design_why why = TL_DESIGN_OK;
    int rc = TL_ENOSOL;

    memset(&req, 0, sizeof req);
    req.site = ls->site;
    req.bearing_rad = ls->azimuth_rad;
    req.range_m = ls->range_m;
    req.apogee_m = ls->apogee_m;
    for (int draw = 0; draw < (mm->on ? VEHICLE_DRAWS : 1) && rc != TL_OK; draw++) {
        en->obj.vehicle = *v0;
        if (mm->on)
            tl__mismatch_vehicle(mm, rng, &en->obj.vehicle);
        if (ls->aim == TL_AIM_ORBIT) {
            rc = tl_traj_design_orbit(e, &en->obj.vehicle, &ls->site, ls->azimuth_rad,
                                      ls->orbit_m, &en->obj.launch, &en->obj.flight);
            why = TL_DESIGN_TOO_FAR;
            en->obj.knob = TL_ENERGY_CUTOFF;
        } else {
            rc = tl_traj_design_vehicle(e, &en->obj.vehicle, &req, 1, &en->obj.launch,
                                        &en->obj.flight, &why, &en->obj.knob);
        }
    }
    if (rc != TL_OK)
        return fail(diag, ls, "no trajectory of class %s reaches the aim point (%s)",
                    why == TL_DESIGN_TOO_NEAR ? "too much energy for so short a flight"
                    : why == TL_DESIGN_TOO_FAR ? "out of reach: not enough energy"
                                               : tl_strerror(rc));
    if (isfinite(ls->failure_s)) /* the engines stop: the flight falls where that leaves it */
        en->obj.launch.cutoff_s = fmin(en->obj.launch.cutoff_s, ls->failure_s);
    /* Fly the solution once more, recording the path for sampling. */
    if ((rc = tl_path_create(&en->path)) != TL_OK)
        return rc;
    rc = tl_traj_fly(e, &en->obj.vehicle, &en->obj.launch, en->path, &en->obj.flight);
    if (rc == TL_ENOSOL && isnan(en->obj.flight.impact_t_s) &&
        en->obj.flight.apogee_h_m > 0.0)
        return TL_OK; /* in orbit: it stays up (impact NaN) */
    return rc;
}

/* The spent stages of entry @p parent (its vehicle's stage_beta_kgpm2 > 0): each stage that
 * separated before cut-off falls as an object of its own, "ID-S1" ..., from where it was let go,
 * into entries from @p at on. Returns the number added, or a negative TL_E* code. */
static int add_spent_stages(struct tl_sim *sim, int parent, int at, const struct tl_earth *e)
{
    const struct sim_entry *p = &sim->e[parent];
    const struct tl_vehicle *v = &p->obj.vehicle;
    double t_sep = 0.0;
    int added = 0, rc;

    for (int k = 0; v->stage_beta_kgpm2 > 0.0 && k + 1 < v->n_stages; k++) {
        struct sim_entry *en = &sim->e[at + added];
        struct tl_flight_summary *f = &en->obj.flight;
        struct tl_coast_result cr;
        double y[6];
        t_sep += v->stage[k].burn_s;
        if (t_sep >= p->obj.launch.cutoff_s || tl_path_state(p->path, t_sep, y) != TL_OK)
            break;
        memset(en, 0, sizeof *en);
        if ((rc = tl_path_create(&en->path)) != TL_OK)
            return -rc;
        sim->n = at + added + 1;
        rc = tl_propagate_coast(e, v->stage_beta_kgpm2, 0.0, y, 14400.0, NULL, en->path, &cr);
        if (rc != TL_OK)
            return rc == TL_ENOSOL ? added : -rc; /* a stage that stays up is no debris */
        snprintf(en->obj.id, sizeof en->obj.id, "%.20s-S%c", p->obj.id, (char)('1' + k));
        snprintf(en->obj.class_name, sizeof en->obj.class_name, "%.20s-stage", p->obj.class_name);
        en->obj.t_launch_s = p->obj.t_launch_s + t_sep;
        en->obj.vehicle = *v;
        en->obj.launch.site = tl_geo_ecef_to_lla(&e->shape, y);
        memcpy(f->burnout_y, y, sizeof f->burnout_y);
        f->burnout_h_m = en->obj.launch.site.h_m;
        f->burnout_speed_mps = sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5]);
        f->apogee_t_s = isnan(cr.apogee_t_s) ? 0.0 : cr.apogee_t_s;
        f->apogee_h_m = isnan(cr.apogee_t_s) ? f->burnout_h_m : cr.apogee_h_m;
        f->reentry_t_s = cr.reentry_t_s;
        f->reentry_speed_mps = sqrt(cr.reentry_y[3] * cr.reentry_y[3] +
                                    cr.reentry_y[4] * cr.reentry_y[4] +
                                    cr.reentry_y[5] * cr.reentry_y[5]);
        f->impact_t_s = cr.impact_t_s;
        f->impact = tl_geo_ecef_to_lla(&e->shape, cr.impact_y);
        f->impact_speed_mps = sqrt(cr.impact_y[3] * cr.impact_y[3] +
                                   cr.impact_y[4] * cr.impact_y[4] +
                                   cr.impact_y[5] * cr.impact_y[5]);
        tl_geo_inverse(&e->shape, p->obj.launch.site.lat_rad, p->obj.launch.site.lon_rad,
                       f->impact.lat_rad, f->impact.lon_rad, &f->range_m, &f->bearing_rad, NULL);
        sim->end_s = fmax(sim->end_s, en->obj.t_launch_s + f->impact_t_s);
        added++;
    }
    return added;
}

int tl_sim_run(const struct tl_scenario *sc, const struct tl_earth *e, struct tl_sim **out,
               struct tl_diag *diag)
{
    struct tl_sim *sim;
    struct tl_earth world;
    struct tl_rng rng;
    int rc = TL_OK;

    if (sc == NULL || e == NULL || out == NULL)
        return TL_EINVAL;
    if (diag != NULL)
        snprintf(diag->file, sizeof diag->file, "%s", sc->file);
    sim = calloc(1, sizeof *sim);
    if (sim == NULL)
        return TL_ENOMEM;
    /* room for every launch and its spent stages */
    sim->e = calloc((size_t)sc->n_launches * TL_MAX_STAGES, sizeof *sim->e);
    if (sim->e == NULL) {
        free(sim);
        return TL_ENOMEM;
    }
    /* The world: the caller's Earth, with the run's atmosphere when mismatched. */
    world = *e;
    sim->mismatch = sc->mismatch;
    tl_rng_seed(&rng, sc->mismatch.seed);
    if (sc->mismatch.on) {
        tl__mismatch_density(&sc->mismatch, &rng, world.rho_dev);
        memcpy(sim->rho_dev, world.rho_dev, sizeof sim->rho_dev);
    }
    for (int i = 0, at = 0; i < sc->n_launches; i++) {
        const struct tl_launch_spec *ls = &sc->launch[i];
        struct sim_entry *en = &sim->e[at];
        const struct tl_flight_summary *f = &en->obj.flight;
        int extra;
        sim->n = at + 1;
        if ((rc = fly_launch(ls, tl_boost_catalog_find(&sc->vehicles, ls->class_name), &world,
                             &sc->mismatch, &rng, en, diag)) != TL_OK)
            goto out;
        snprintf(en->obj.id, sizeof en->obj.id, "%s", ls->id);
        snprintf(en->obj.class_name, sizeof en->obj.class_name, "%s", ls->class_name);
        en->obj.t_launch_s = ls->time_s;
        sim->end_s = fmax(sim->end_s, ls->time_s + (isnan(f->impact_t_s)
                                                        ? f->burnout_t_s + ORBIT_WATCH_S
                                                        : f->impact_t_s));
        if ((extra = add_spent_stages(sim, at, at + 1, &world)) < 0) {
            rc = -extra;
            goto out;
        }
        at += 1 + extra;
        sim->n = at;
    }
    *out = sim;
    return TL_OK;
out:
    tl_sim_destroy(sim);
    return rc;
}

/* Object @p o of recorded truth into entry @p en: its path relative to its launch and its flight
 * summary. */
static int entry_from_truth(const struct tl_truth_object *o, struct sim_entry *en)
{
    struct tl_flight_summary *f = &en->obj.flight;
    const double t0 = o->launch_s;
    double last[6], best_h = -INFINITY;
    int rc;

    if (o->n < 2 || !isfinite(t0) || !isfinite(o->impact_s))
        return TL_EINVAL;
    if ((rc = tl_path_create(&en->path)) != TL_OK)
        return rc;
    for (size_t k = 1; k < o->n; k++)
        if ((rc = tl_path_append_hermite(en->path, o->t_s[k - 1] - t0, o->y[k - 1],
                                         o->t_s[k] - t0, o->y[k])) != TL_OK)
            return rc;
    memcpy(last, o->y[o->n - 1], sizeof last);
    if (o->impact_s > o->t_s[o->n - 1]) { /* carried down along its velocity, as scored */
        double end[6];
        const double dt = o->impact_s - o->t_s[o->n - 1];
        memcpy(end, last, sizeof end);
        for (int i = 0; i < 3; i++)
            end[i] += last[3 + i] * dt;
        if ((rc = tl_path_append_hermite(en->path, o->t_s[o->n - 1] - t0, last,
                                         o->impact_s - t0, end)) != TL_OK)
            return rc;
    }
    snprintf(en->obj.id, sizeof en->obj.id, "%s", o->id);
    en->obj.t_launch_s = t0;
    en->obj.launch.site = o->launch;
    memset(f, 0, sizeof *f);
    f->burnout_t_s = isfinite(o->burnout_s) ? o->burnout_s - t0 : 0.0;
    tl_path_state(en->path, fmax(0.0, fmin(f->burnout_t_s, o->impact_s - t0)), f->burnout_y);
    f->burnout_h_m = tl_geo_height(&TL_WGS84, f->burnout_y);
    f->burnout_speed_mps = sqrt(f->burnout_y[3] * f->burnout_y[3] +
                                f->burnout_y[4] * f->burnout_y[4] +
                                f->burnout_y[5] * f->burnout_y[5]);
    for (size_t k = 0; k < o->n; k++) {
        const double h = tl_geo_height(&TL_WGS84, o->y[k]);
        if (h > best_h) {
            best_h = h;
            f->apogee_t_s = o->t_s[k] - t0;
        }
    }
    f->apogee_h_m = isfinite(o->apogee_m) ? o->apogee_m : best_h;
    f->impact_t_s = o->impact_s - t0;
    f->reentry_t_s = isfinite(o->reentry_s) ? o->reentry_s - t0 : f->impact_t_s;
    f->impact = o->impact;
    f->impact.h_m = 0.0;
    tl_geo_inverse(&TL_WGS84, o->launch.lat_rad, o->launch.lon_rad, o->impact.lat_rad,
                   o->impact.lon_rad, &f->range_m, &f->bearing_rad, NULL);
    return TL_OK;
}

int tl_sim_from_truth(const struct tl_truth_object *objs, int n, struct tl_sim **out)
{
    struct tl_sim *sim;
    int rc;

    if (objs == NULL || out == NULL || n < 1)
        return TL_EINVAL;
    if ((sim = calloc(1, sizeof *sim)) == NULL ||
        (sim->e = calloc((size_t)n, sizeof *sim->e)) == NULL) {
        free(sim);
        return TL_ENOMEM;
    }
    for (int i = 0; i < n; i++) {
        sim->n = i + 1;
        if ((rc = entry_from_truth(&objs[i], &sim->e[i])) != TL_OK) {
            tl_sim_destroy(sim);
            return rc;
        }
        sim->end_s = fmax(sim->end_s, objs[i].impact_s);
    }
    *out = sim;
    return TL_OK;
}

void tl_sim_density_dev(const struct tl_sim *sim, double dev[TL_RHO_KNOTS])
{
    for (int i = 0; i < TL_RHO_KNOTS; i++)
        dev[i] = sim != NULL ? sim->rho_dev[i] : 0.0;
}

void tl_sim_sensor_bias(const struct tl_sim *sim, const struct tl_sensor *s, int i,
                        double bias[3])
{
    bias[0] = bias[1] = bias[2] = 0.0;
    if (sim != NULL && s != NULL && sim->mismatch.bias_sigmas > 0.0)
        tl__mismatch_bias(&sim->mismatch, sim->mismatch.seed, s, i, bias);
}

int tl_sim_count(const struct tl_sim *sim)
{
    return sim != NULL ? sim->n : 0;
}

const struct tl_sim_object *tl_sim_object(const struct tl_sim *sim, int i)
{
    if (sim == NULL || i < 0 || i >= sim->n)
        return NULL;
    return &sim->e[i].obj;
}

double tl_sim_end_s(const struct tl_sim *sim)
{
    return sim != NULL ? sim->end_s : NAN;
}

int tl_sim_state(const struct tl_sim *sim, int i, double t_s, double y[6], enum tl_phase *phase)
{
    const struct sim_entry *en;
    double tf;
    enum tl_phase ph;

    if (sim == NULL || i < 0 || i >= sim->n || y == NULL)
        return TL_EINVAL;
    en = &sim->e[i];
    tf = t_s - en->obj.t_launch_s;
    ph = tl_traj_phase(&en->obj.flight, tf);
    if (phase != NULL)
        *phase = ph;
    if (ph == TL_PHASE_PRELAUNCH || ph == TL_PHASE_IMPACTED)
        return TL_ERANGE;
    return tl_path_state(en->path, tf, y);
}

static int by_arrival(const void *a, const void *b)
{
    const struct tl_meas *x = a, *y = b;

    if (x->arrival_s != y->arrival_s)
        return x->arrival_s < y->arrival_s ? -1 : 1;
    if (x->t_s != y->t_s)
        return x->t_s < y->t_s ? -1 : 1;
    return (x->sensor > y->sensor) - (x->sensor < y->sensor);
}

/* Room for @p need more measurements after the @p n in *@p m. */
static int room(struct tl_meas **m, size_t *cap, size_t n, size_t need)
{
    if (*cap - n < need) {
        const size_t nc = 2 * *cap + need + 1024;
        struct tl_meas *nm = realloc(*m, nc * sizeof *nm);
        if (nm == NULL)
            return TL_ENOMEM;
        *m = nm;
        *cap = nc;
    }
    return TL_OK;
}

int tl_sim_measure(const struct tl_sim *sim, const struct tl_sensor_set *sensors, uint64_t seed,
                   struct tl_meas **out, size_t *n_out)
{
    struct tl_meas *m = NULL;
    double(*ys)[6] = NULL;
    int *boosting = NULL, rc = TL_OK;
    size_t n = 0, cap = 0;
    struct tl_rng rng;

    if (sim == NULL || sensors == NULL || out == NULL || n_out == NULL)
        return TL_EINVAL;
    ys = calloc((size_t)sim->n + 1, sizeof *ys);
    boosting = calloc((size_t)sim->n + 1, sizeof *boosting);
    if (ys == NULL || boosting == NULL) {
        rc = TL_ENOMEM;
        goto done;
    }
    tl_rng_seed(&rng, seed);
    for (int si = 0; si < sensors->n; si++) {
        const struct tl_sensor *s = &sensors->s[si];
        for (long k = 0; (double)k * s->revisit_s <= sim->end_s; k++) {
            const double t = (double)k * s->revisit_s;
            /* Room for every object plus a generous number of false alarms. */
            const size_t need = (size_t)sim->n + 16 + (size_t)(8.0 * s->false_alarms_per_scan);
            for (int i = 0; i < sim->n; i++) {
                enum tl_phase ph;
                if (tl_sim_state(sim, i, t, ys[i], &ph) != TL_OK)
                    ys[i][0] = NAN;
                boosting[i] = ph == TL_PHASE_BOOST;
            }
            if ((rc = room(&m, &cap, n, need)) != TL_OK)
                goto done;
            rc = tl_sensor_scan(s, si, t, (const double(*)[6])ys, boosting, sim->n, &rng, m, cap,
                                &n);
            if (rc != TL_OK)
                goto done;
        }
    }
    /* The sensors keep scanning for TL_SIM_AFTER_IMPACT_S after the last impact, so a tracker
     * sees the missiles gone and ends their tracks. Drawn after every regular scan, so the
     * measurements up to the last impact are the same as without this tail. */
    for (int si = 0; si < sensors->n; si++) {
        const struct tl_sensor *s = &sensors->s[si];
        const size_t need = 16 + (size_t)(8.0 * s->false_alarms_per_scan);
        long k = (long)floor(sim->end_s / s->revisit_s);
        while ((double)k * s->revisit_s <= sim->end_s) /* the first scan the loop above did not */
            k++;
        for (; (double)k * s->revisit_s <= sim->end_s + TL_SIM_AFTER_IMPACT_S; k++) {
            if ((rc = room(&m, &cap, n, need)) != TL_OK)
                goto done;
            rc = tl_sensor_scan(s, si, (double)k * s->revisit_s, NULL, NULL, 0, &rng, m, cap, &n);
            if (rc != TL_OK)
                goto done;
        }
    }
    /* A sensor's bias is on everything it reports, false alarms too. */
    if (sim->mismatch.bias_sigmas > 0.0) {
        double (*bias)[3] = calloc((size_t)sensors->n + 1, sizeof *bias);
        if (bias == NULL) {
            rc = TL_ENOMEM;
            goto done;
        }
        for (int si = 0; si < sensors->n; si++)
            tl_sim_sensor_bias(sim, &sensors->s[si], si, bias[si]);
        for (size_t k = 0; k < n; k++) {
            const double *b = bias[m[k].sensor];
            if (!isnan(m[k].range_m) && m[k].range_m + b[0] > 0.0)
                m[k].range_m += b[0]; /* (clutter at the very start of the beam stays put) */
            m[k].az_rad = fmod(m[k].az_rad + b[1] + 2.0 * M_PI, 2.0 * M_PI);
            m[k].el_rad = fmax(-M_PI / 2.0, fmin(M_PI / 2.0, m[k].el_rad + b[2]));
        }
        free(bias);
    }
    if (n > 0)
        qsort(m, n, sizeof *m, by_arrival);
    *out = m;
    *n_out = n;
    m = NULL;
done:
    free(m);
    free(ys);
    free(boosting);
    return rc;
}
