#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/geo.h"
#include "trilink/sim.h"
#include "trilink/time.h"
#include "boost_yaml.h"
#include "sensor_yaml.h"
#include "sim_int.h"
#include "yamltree.h"

static const char *const TOP_KEYS[] = { "name",     "epoch",   "step_s",   "vehicles",
                                         "launches", "sensors", "mismatch", NULL };
static const char *const LAUNCH_KEYS[] = { "id",        "class",     "site",      "time_s",
                                           "time",      "target",    "azimuth_deg", "range_km",
                                           "apogee_km", "orbit_km",  "failure_s", NULL };
static const char *const SITE_KEYS[] = { "lat_deg", "lon_deg", "alt_m", NULL };
static const char *const TARGET_KEYS[] = { "lat_deg", "lon_deg", NULL };

void tl_scenario_destroy(struct tl_scenario *sc)
{
    free(sc);
}

static int read_latlon(const struct tl__ynode *m, const char *path, double *lat, double *lon,
                       struct tl_diag *diag)
{
    int rc;

    if ((rc = tl__yget_num(m, path, "lat_deg", 1, -90.0, 90.0, lat, diag)) != TL_OK ||
        (rc = tl__yget_num(m, path, "lon_deg", 1, -180.0, 360.0, lon, diag)) != TL_OK)
        return rc;
    *lat = tl_deg2rad(*lat);
    *lon = tl_deg2rad(remainder(*lon, 360.0));
    return TL_OK;
}

static int parse_vehicles(const struct tl__ynode *list, struct tl_vehicle_set *set,
                          struct tl_diag *diag)
{
    if (list->kind != TL__YSEQ)
        return tl__ydiag(diag, list->line, "vehicles", "expected a list of vehicle classes");
    for (size_t i = 0; i < list->n; i++) {
        const struct tl__ynode *n = list->item[i];
        struct tl_vehicle v;
        const struct tl_vehicle *base = NULL, *same;
        char path[64], name[TL_NAME_LEN], bname[TL_NAME_LEN];
        int rc;

        snprintf(path, sizeof path, "vehicles[%zu]", i);
        if (n->kind != TL__YMAP)
            return tl__ydiag(diag, n->line, path, "expected a map");
        if ((rc = tl__yget_str(n, path, "name", 1, name, sizeof name, diag)) != TL_OK)
            return rc;
        rc = tl__yget_str(n, path, "base", 0, bname, sizeof bname, diag);
        if (rc == TL_OK) {
            base = tl_boost_catalog_find(set, bname);
            if (base == NULL) {
                char field[80];
                snprintf(field, sizeof field, "%s.base", path);
                return tl__ydiag(diag, tl__ymap_key_line(n, "base"), field,
                                 "unknown vehicle class '%s'", bname);
            }
        } else if (rc != TL_ENOTFOUND) {
            return rc;
        }
        same = tl_boost_catalog_find(set, name);
        /* A class named like an existing one overrides it; "base" starts from another. */
        memset(&v, 0, sizeof v);
        if (base != NULL)
            v = *base;
        else if (same != NULL)
            v = *same;
        if ((rc = tl__boost_vehicle_from_yaml(n, path, base == NULL && same == NULL, &v, diag)) !=
            TL_OK)
            return rc;
        if (same != NULL) {
            *(struct tl_vehicle *)same = v;
        } else {
            if (set->n == TL_MAX_VEHICLES)
                return tl__ydiag(diag, n->line, path, "more than %d vehicle classes",
                                 TL_MAX_VEHICLES);
            set->v[set->n++] = v;
        }
    }
    return TL_OK;
}

/* failure_s (engines stop then: a failed flight falls), and orbit_km with azimuth_deg, the aim
 * of a launcher. Returns TL_OK when the launch aims at an orbit (its aim done), TL_ENOTFOUND
 * when it does not (the caller reads its aim), or an error. */
static int parse_orbit_failure(const struct tl__ynode *n, const char *path,
                               const struct tl_scenario *sc, struct tl_launch_spec *ls,
                               struct tl_diag *diag)
{
    const struct tl__ynode *orb = tl__ymap_get(n, "orbit_km");
    const struct tl_vehicle *v = tl_boost_catalog_find(&sc->vehicles, ls->class_name);
    char sub[96];
    double x;
    int rc;

    ls->failure_s = NAN;
    rc = tl__yget_num(n, path, "failure_s", 0, 0.1, 3600.0, &ls->failure_s, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    if (orb == NULL)
        return TL_ENOTFOUND;
    snprintf(sub, sizeof sub, "%s.orbit_km", path);
    if (v == NULL || !v->orbital)
        return tl__ydiag(diag, orb->line, sub, "class '%s' is not a launcher (orbital: true)",
                         ls->class_name);
    if (tl__ymap_get(n, "target") != NULL || tl__ymap_get(n, "range_km") != NULL ||
        tl__ymap_get(n, "apogee_km") != NULL)
        return tl__ydiag(diag, orb->line, path,
                         "an orbit is aimed by orbit_km and azimuth_deg alone");
    if ((rc = tl__yget_num(n, path, "orbit_km", 1, 160.0, 4900.0, &x, diag)) != TL_OK)
        return rc;
    ls->orbit_m = x * 1000.0;
    if ((rc = tl__yget_num(n, path, "azimuth_deg", 1, 0.0, 360.0, &x, diag)) != TL_OK)
        return rc;
    ls->azimuth_rad = tl_deg2rad(x);
    ls->aim = TL_AIM_ORBIT;
    return TL_OK;
}

static int parse_launch(const struct tl__ynode *n, size_t idx, const struct tl_scenario *sc,
                        struct tl_launch_spec *ls, struct tl_diag *diag)
{
    const struct tl__ynode *site, *target, *tnode;
    char path[48], sub[64];
    double v;
    int rc, have_az, have_range;

    snprintf(path, sizeof path, "launches[%zu]", idx);
    if ((rc = tl__ycheck_map(n, path, LAUNCH_KEYS, diag)) != TL_OK)
        return rc;
    memset(ls, 0, sizeof *ls);
    ls->line = n->line;
    ls->apogee_m = NAN;
    if ((rc = tl__yget_id(n, path, "id", 1, ls->id, sizeof ls->id, diag)) != TL_OK ||
        (rc = tl__yget_str(n, path, "class", 1, ls->class_name, sizeof ls->class_name, diag)) !=
            TL_OK)
        return rc;
    if (tl_boost_catalog_find(&sc->vehicles, ls->class_name) == NULL) {
        snprintf(sub, sizeof sub, "%s.class", path);
        return tl__ydiag(diag, tl__ymap_key_line(n, "class"), sub,
                         "unknown vehicle class '%s' (known: srbm, srbm-solid, mrbm, mrbm-solid, "
                         "irbm, icbm, icbm-solid, slv, or one defined under vehicles)",
                         ls->class_name);
    }
    for (size_t j = 0; j < idx; j++)
        if (strcmp(sc->launch[j].id, ls->id) == 0) {
            snprintf(sub, sizeof sub, "%s.id", path);
            return tl__ydiag(diag, tl__ymap_key_line(n, "id"), sub, "duplicate id '%s'", ls->id);
        }
    site = tl__ymap_get(n, "site");
    snprintf(sub, sizeof sub, "%s.site", path);
    if (site == NULL)
        return tl__ydiag(diag, n->line, sub, "required key missing");
    if ((rc = tl__ycheck_map(site, sub, SITE_KEYS, diag)) != TL_OK ||
        (rc = read_latlon(site, sub, &ls->site.lat_rad, &ls->site.lon_rad, diag)) != TL_OK)
        return rc;
    ls->site.h_m = 0.0;
    rc = tl__yget_num(site, sub, "alt_m", 0, -500.0, 9000.0, &ls->site.h_m, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    /* Ignition time: seconds after the epoch, or an ISO-8601 instant. */
    tnode = tl__ymap_get(n, "time");
    if (tnode != NULL && tl__ymap_get(n, "time_s") != NULL)
        return tl__ydiag(diag, tnode->line, path, "give time or time_s, not both");
    if (tnode != NULL) {
        int64_t t_ns;
        snprintf(sub, sizeof sub, "%s.time", path);
        if (tnode->kind != TL__YSCALAR || tl_time_parse_iso8601(tnode->scalar, &t_ns) != TL_OK)
            return tl__ydiag(diag, tnode->line, sub, "'%s' is not an ISO-8601 UTC time",
                             tnode->kind == TL__YSCALAR ? tnode->scalar : "");
        if (t_ns < sc->epoch_ns)
            return tl__ydiag(diag, tnode->line, sub, "'%s' is before the scenario epoch",
                             tnode->scalar);
        ls->time_s = tl_time_to_s(t_ns - sc->epoch_ns);
    } else {
        rc = tl__yget_num(n, path, "time_s", 0, 0.0, 864000.0, &ls->time_s, diag);
        if (rc != TL_OK && rc != TL_ENOTFOUND)
            return rc;
    }
    if ((rc = parse_orbit_failure(n, path, sc, ls, diag)) != TL_ENOTFOUND)
        return rc;
    /* Aim: a target, or azimuth and range; an apogee lofts or depresses either. */
    rc = tl__yget_num(n, path, "apogee_km", 0, 1.0, 50000.0, &v, diag);
    if (rc == TL_OK)
        ls->apogee_m = v * 1000.0;
    else if (rc != TL_ENOTFOUND)
        return rc;
    target = tl__ymap_get(n, "target");
    have_az = tl__ymap_get(n, "azimuth_deg") != NULL;
    have_range = tl__ymap_get(n, "range_km") != NULL;
    if (target != NULL) {
        if (have_az || have_range)
            return tl__ydiag(diag, target->line, path,
                             "give a target or azimuth_deg and range_km, not both");
        snprintf(sub, sizeof sub, "%s.target", path);
        if ((rc = tl__ycheck_map(target, sub, TARGET_KEYS, diag)) != TL_OK ||
            (rc = read_latlon(target, sub, &ls->target_lat_rad, &ls->target_lon_rad, diag)) !=
                TL_OK)
            return rc;
        ls->aim = TL_AIM_TARGET;
        tl_geo_inverse(&TL_WGS84, ls->site.lat_rad, ls->site.lon_rad, ls->target_lat_rad,
                       ls->target_lon_rad, &ls->range_m, &ls->azimuth_rad, NULL);
        if (ls->range_m < 1000.0)
            return tl__ydiag(diag, target->line, sub, "target is %.0f m from the site",
                             ls->range_m);
        return TL_OK;
    }
    if (!have_az || !have_range)
        return tl__ydiag(diag, n->line, path,
                         "needs a target, or azimuth_deg and range_km (and optionally apogee_km)");
    if ((rc = tl__yget_num(n, path, "azimuth_deg", 1, 0.0, 360.0, &v, diag)) != TL_OK)
        return rc;
    ls->azimuth_rad = tl_deg2rad(v);
    if ((rc = tl__yget_num(n, path, "range_km", 1, 1.0, 20000.0, &v, diag)) != TL_OK)
        return rc;
    ls->range_m = v * 1000.0;
    ls->aim = TL_AIM_AZIMUTH;
    return TL_OK;
}

int tl_scenario_load(const char *path, struct tl_scenario **out, struct tl_diag *diag)
{
    struct tl__ynode *root = NULL;
    const struct tl__ynode *n;
    struct tl_scenario *sc;
    int rc;

    if (path == NULL || out == NULL)
        return TL_EINVAL;
    if ((rc = tl__yaml_load(path, &root, diag)) != TL_OK)
        return rc;
    sc = calloc(1, sizeof *sc);
    if (sc == NULL) {
        tl__yaml_free(root);
        return TL_ENOMEM;
    }
    snprintf(sc->file, sizeof sc->file, "%s", path);
    sc->step_s = 1.0;
    if ((rc = tl__ycheck_map(root, "", TOP_KEYS, diag)) != TL_OK)
        goto fail;
    rc = tl__yget_str(root, "", "name", 0, sc->name, sizeof sc->name, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        goto fail;
    n = tl__ymap_get(root, "epoch");
    if (n == NULL) {
        rc = tl__ydiag(diag, root->line, "epoch", "required key missing");
        goto fail;
    }
    if (n->kind != TL__YSCALAR || tl_time_parse_iso8601(n->scalar, &sc->epoch_ns) != TL_OK) {
        rc = tl__ydiag(diag, n->line, "epoch",
                       "'%s' is not an ISO-8601 UTC time like 2023-07-12T00:59:00Z",
                       n->kind == TL__YSCALAR ? n->scalar : "");
        goto fail;
    }
    rc = tl__yget_num(root, "", "step_s", 0, 0.001, 3600.0, &sc->step_s, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        goto fail;
    if ((rc = tl_boost_catalog_default(&sc->vehicles, diag)) != TL_OK)
        goto fail;
    n = tl__ymap_get(root, "vehicles");
    if (n != NULL && (rc = parse_vehicles(n, &sc->vehicles, diag)) != TL_OK)
        goto fail;
    n = tl__ymap_get(root, "sensors");
    if (n != NULL && n->kind == TL__YSCALAR) {
        /* A sensors file, relative to the scenario's directory (not the working directory: a
         * scenario copied elsewhere with its sensors file keeps working). */
        char spath[1024];
        const char *slash = strrchr(path, '/');
        struct tl_diag sd;
        memset(&sd, 0, sizeof sd);
        if (n->scalar[0] == '/' || slash == NULL)
            snprintf(spath, sizeof spath, "%s", n->scalar);
        else
            snprintf(spath, sizeof spath, "%.*s/%s", (int)(slash - path), path, n->scalar);
        if ((rc = tl_sensor_load(spath, &sc->sensors, &sd)) != TL_OK) {
            if (rc == TL_EIO)
                /* the file itself is missing: point at the line that names it */
                rc = tl__ydiag(diag, n->line, "sensors", "%s (resolved against the scenario's "
                               "folder)", sd.message);
            else if (diag != NULL)
                *diag = sd; /* the error is in the sensors file: name that file */
            goto fail;
        }
    } else if (n != NULL && (rc = tl__sensor_parse_list(n, &sc->sensors, diag)) != TL_OK) {
        goto fail;
    }
    sc->sensors.epoch_ns = sc->epoch_ns;
    n = tl__ymap_get(root, "mismatch");
    if (n != NULL && (rc = tl__mismatch_parse(n, &sc->mismatch, diag)) != TL_OK)
        goto fail;
    n = tl__ymap_get(root, "launches");
    if (n == NULL || n->kind != TL__YSEQ || n->n == 0 || n->n > TL_MAX_LAUNCHES) {
        rc = tl__ydiag(diag, n != NULL ? n->line : root->line, "launches",
                       "expected a list of 1 to %d launches", TL_MAX_LAUNCHES);
        goto fail;
    }
    for (size_t i = 0; i < n->n; i++) {
        if ((rc = parse_launch(n->item[i], i, sc, &sc->launch[i], diag)) != TL_OK)
            goto fail;
        sc->n_launches++;
    }
    tl__yaml_free(root);
    *out = sc;
    return TL_OK;
fail:
    if (rc == TL_OK)
        rc = TL_EPARSE;
    tl__yaml_free(root);
    free(sc);
    return rc;
}
