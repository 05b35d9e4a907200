/* Sensor declarations in YAML: a sensors file, or the `sensors:` list of a scenario. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trilink/sensor.h"
#include "trilink/time.h"
#include "sensor_yaml.h"

static const char *const SENSOR_KEYS[] = {
    "id",
    "nation",
    "kind",
    "lat_deg",
    "lon_deg",
    "alt_m",
    "sigma_range_m",
    "sigma_azimuth_deg",
    "sigma_elevation_deg",
    "sigma_range_rate_mps",
    "min_elevation_deg",
    "min_range_km",
    "max_range_km",
    "azimuth_limits_deg",
    "revisit_s",
    "detection_probability",
    "false_alarms_per_scan",
    "latency_s",
    "bias_range_m",
    "bias_azimuth_deg",
    "bias_elevation_deg",
    NULL,
};

/* Keys a radar has and an angles-only sensor must not. */
static const char *const RADAR_ONLY[] = { "sigma_range_m", "sigma_range_rate_mps", "max_range_km",
                                          "min_range_km", "min_elevation_deg", "bias_range_m",
                                          NULL };

static int opt(const struct tl__ynode *m, const char *path, const char *key, double lo, double hi,
               double *out, struct tl_diag *diag)
{
    int rc = tl__yget_num(m, path, key, 0, lo, hi, out, diag);

    return rc == TL_ENOTFOUND ? TL_OK : rc;
}

/* Registration (bias) uncertainty of a sensor that states none, as a fraction of its noise:
 * alignment and survey errors of a registered sensor, a third of its noise or so. */
#define REGISTRATION_FRACTION 0.3

/* The registration 1-sigma of @p s: the file's, else REGISTRATION_FRACTION of the noise. */
static int parse_registration(const struct tl__ynode *n, const char *path, struct tl_sensor *s,
                              struct tl_diag *diag)
{
    double az = tl_rad2deg(REGISTRATION_FRACTION * s->sigma_az_rad);
    double el = tl_rad2deg(REGISTRATION_FRACTION * s->sigma_el_rad);
    int rc;

    s->bias_range_m = REGISTRATION_FRACTION * s->sigma_range_m;
    if ((rc = opt(n, path, "bias_range_m", 0, 1e5, &s->bias_range_m, diag)) != TL_OK ||
        (rc = opt(n, path, "bias_azimuth_deg", 0, 10, &az, diag)) != TL_OK ||
        (rc = opt(n, path, "bias_elevation_deg", 0, 10, &el, diag)) != TL_OK)
        return rc;
    s->bias_az_rad = tl_deg2rad(az);
    s->bias_el_rad = tl_deg2rad(el);
    return TL_OK;
}

static int parse_azimuth_limits(const struct tl__ynode *lim, const char *path, struct tl_sensor *s,
                                struct tl_diag *diag)
{
    char field[96];
    double a[2];

    snprintf(field, sizeof field, "%s.azimuth_limits_deg", path);
    if (lim->kind != TL__YSEQ || lim->n != 2)
        return tl__ydiag(diag, lim->line, field, "expected [from, to] in degrees");
    for (int i = 0; i < 2; i++)
        if (lim->item[i]->kind != TL__YSCALAR || tl__parse_num(lim->item[i]->scalar, &a[i]) != 0 ||
            a[i] < 0.0 || a[i] > 360.0)
            return tl__ydiag(diag, lim->line, field, "'%s' is not an angle in [0, 360]",
                             lim->item[i]->kind == TL__YSCALAR ? lim->item[i]->scalar : "");
    s->has_az_sector = 1;
    s->az_from_rad = tl_deg2rad(a[0]);
    s->az_to_rad = tl_deg2rad(a[1]);
    return TL_OK;
}

static int parse_radar(const struct tl__ynode *n, const char *path, struct tl_sensor *s,
                       struct tl_diag *diag)
{
    double v;
    int rc;

    s->revisit_s = 1.0;
    if ((rc = tl__yget_num(n, path, "sigma_range_m", 1, 1e-3, 1e5, &s->sigma_range_m, diag)) !=
            TL_OK ||
        (rc = tl__yget_num(n, path, "max_range_km", 1, 1, 1e5, &v, diag)) != TL_OK)
        return rc;
    s->max_range_m = v * 1000.0;
    v = 0.0;
    if ((rc = opt(n, path, "min_elevation_deg", -5, 89, &v, diag)) != TL_OK)
        return rc;
    s->min_el_rad = tl_deg2rad(v);
    v = 0.0;
    if ((rc = opt(n, path, "min_range_km", 0, 1e5, &v, diag)) != TL_OK)
        return rc;
    s->min_range_m = v * 1000.0;
    if ((rc = opt(n, path, "sigma_range_rate_mps", 1e-4, 1e3, &s->sigma_rr_mps, diag)) != TL_OK)
        return rc;
    if (s->min_range_m >= s->max_range_m)
        return tl__ydiag(diag, n->line, path, "min_range_km is not below max_range_km");
    return TL_OK;
}

static int parse_sensor(const struct tl__ynode *n, const char *path, struct tl_sensor *s,
                        struct tl_diag *diag)
{
    const struct tl__ynode *lim;
    char kind[16], field[96];
    double v;
    int rc;

    memset(s, 0, sizeof *s);
    if ((rc = tl__ycheck_map(n, path, SENSOR_KEYS, diag)) != TL_OK ||
        (rc = tl__yget_id(n, path, "id", 1, s->id, sizeof s->id, diag)) != TL_OK ||
        (rc = tl__yget_str(n, path, "kind", 1, kind, sizeof kind, diag)) != TL_OK)
        return rc;
    rc = tl__yget_str(n, path, "nation", 0, s->nation, sizeof s->nation, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    for (const char *p = s->nation; *p != '\0'; p++)
        if (*p < 'A' || *p > 'Z' || strlen(s->nation) > 4) {
            snprintf(field, sizeof field, "%s.nation", path);
            return tl__ydiag(diag, tl__ymap_key_line(n, "nation"), field,
                             "'%s' is not a nation code (2 to 4 capital letters, e.g. KR)",
                             s->nation);
        }
    snprintf(field, sizeof field, "%s.kind", path);
    if (strcmp(kind, "radar") == 0)
        s->kind = TL_SENSOR_RADAR;
    else if (strcmp(kind, "ir") == 0)
        s->kind = TL_SENSOR_IR;
    else
        return tl__ydiag(diag, tl__ymap_key_line(n, "kind"), field, "'%s' is not radar or ir",
                         kind);
    if ((rc = tl__yget_num(n, path, "lat_deg", 1, -90, 90, &v, diag)) != TL_OK)
        return rc;
    s->site.lat_rad = tl_deg2rad(v);
    if ((rc = tl__yget_num(n, path, "lon_deg", 1, -180, 360, &v, diag)) != TL_OK)
        return rc;
    s->site.lon_rad = tl_deg2rad(remainder(v, 360.0));
    if ((rc = opt(n, path, "alt_m", -500, 1e8, &s->site.h_m, diag)) != TL_OK)
        return rc;
    if ((rc = tl__yget_num(n, path, "sigma_azimuth_deg", 1, 1e-7, 10, &v, diag)) != TL_OK)
        return rc;
    s->sigma_az_rad = tl_deg2rad(v);
    if ((rc = tl__yget_num(n, path, "sigma_elevation_deg", 1, 1e-7, 10, &v, diag)) != TL_OK)
        return rc;
    s->sigma_el_rad = tl_deg2rad(v);
    s->pd = 1.0;
    s->max_range_m = INFINITY;
    if (s->kind == TL_SENSOR_RADAR) {
        if ((rc = parse_radar(n, path, s, diag)) != TL_OK)
            return rc;
    } else {
        s->revisit_s = 2.0;
        s->min_el_rad = -M_PI / 2.0;
        for (const char *const *k = RADAR_ONLY; *k != NULL; k++)
            if (tl__ymap_get(n, *k) != NULL) {
                snprintf(field, sizeof field, "%s.%s", path, *k);
                return tl__ydiag(diag, tl__ymap_key_line(n, *k), field,
                                 "an ir sensor measures angles only");
            }
    }
    if ((rc = opt(n, path, "revisit_s", 0.01, 3600, &s->revisit_s, diag)) != TL_OK ||
        (rc = opt(n, path, "detection_probability", 0, 1, &s->pd, diag)) != TL_OK ||
        (rc = opt(n, path, "false_alarms_per_scan", 0, 100000, &s->false_alarms_per_scan, diag)) !=
            TL_OK ||
        (rc = opt(n, path, "latency_s", 0, 600, &s->latency_s, diag)) != TL_OK ||
        (rc = parse_registration(n, path, s, diag)) != TL_OK)
        return rc;
    if (s->kind == TL_SENSOR_IR && (s->revisit_s < 1.0 || s->revisit_s > 10.0)) {
        snprintf(field, sizeof field, "%s.revisit_s", path);
        return tl__ydiag(diag, tl__ymap_key_line(n, "revisit_s"), field,
                         "an ir sensor revisits every 1 to 10 s, not %g", s->revisit_s);
    }
    lim = tl__ymap_get(n, "azimuth_limits_deg");
    if (lim != NULL)
        return parse_azimuth_limits(lim, path, s, diag);
    return TL_OK;
}

int tl__sensor_parse_list(const struct tl__ynode *list, struct tl_sensor_set *set,
                          struct tl_diag *diag)
{
    if (list->kind != TL__YSEQ || list->n > TL_MAX_SENSORS)
        return tl__ydiag(diag, list->line, "sensors", "expected a list of at most %d sensors",
                         TL_MAX_SENSORS);
    set->n = 0;
    for (size_t i = 0; i < list->n; i++) {
        char path[48];
        int rc;

        snprintf(path, sizeof path, "sensors[%zu]", i);
        if ((rc = parse_sensor(list->item[i], path, &set->s[i], diag)) != TL_OK)
            return rc;
        if (tl_sensor_find(set, set->s[i].id) >= 0) {
            char f[64];
            snprintf(f, sizeof f, "%s.id", path);
            return tl__ydiag(diag, list->item[i]->line, f, "duplicate sensor id '%s'",
                             set->s[i].id);
        }
        set->n++;
    }
    return TL_OK;
}

int tl_sensor_load(const char *path, struct tl_sensor_set *set, struct tl_diag *diag)
{
    static const char *const TOP[] = { "epoch", "sensors", NULL };
    struct tl__ynode *root = NULL;
    const struct tl__ynode *n;
    struct tl_sensor_set out;
    int rc;

    if (path == NULL || set == NULL)
        return TL_EINVAL;
    if ((rc = tl__yaml_load(path, &root, diag)) != TL_OK)
        return rc;
    memset(&out, 0, sizeof out);
    if ((rc = tl__ycheck_map(root, "", TOP, diag)) != TL_OK)
        goto done;
    n = tl__ymap_get(root, "epoch");
    if (n == NULL || n->kind != TL__YSCALAR ||
        tl_time_parse_iso8601(n->scalar, &out.epoch_ns) != TL_OK) {
        rc = tl__ydiag(diag, n != NULL ? n->line : root->line, "epoch",
                       "required: an ISO-8601 UTC time like 2023-07-12T00:59:00Z");
        goto done;
    }
    n = tl__ymap_get(root, "sensors");
    if (n == NULL) {
        rc = tl__ydiag(diag, root->line, "sensors", "required key missing");
        goto done;
    }
    if ((rc = tl__sensor_parse_list(n, &out, diag)) == TL_OK)
        *set = out;
done:
    tl__yaml_free(root);
    return rc;
}
