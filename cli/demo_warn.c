/* trilink demo: what each nation told its public, against what the missiles did. For each
 * nation, from its node's warnings.csv: every area of its own that a missile flew over (above
 * 100 km) or fell in, when the first alert for it went out after the launch, the lead time
 * before the missile got there, and how the warning was closed; areas missed, areas warned in
 * vain after burnout + 120 s, warnings left open, area-minutes warned in vain. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/earth.h"
#include "trilink/geo.h"
#include "trilink/sim.h"
#include "trilink/warn.h"
#include "cli.h"
#include "demo.h"

#define MAX_REACHED 256

/* @p s cut or padded to @p width columns, counting UTF-8 characters (not bytes: "Kyōto"). */
static void columns(const char *s, int width, char *out, size_t size)
{
    size_t o = 0;
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && cols < width;) {
        size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : 4;
        if (o + len + 1 > size)
            break;
        for (size_t k = 0; k < len && p[k] != '\0'; k++)
            out[o++] = (char)p[k];
        p += len;
        cols++;
    }
    while (cols++ < width && o + 1 < size)
        out[o++] = ' ';
    out[o] = '\0';
}

/* The areas of @p nation the simulated missiles reached (truth sampled every second). */
static int reached(const struct demo_run *r, const struct tl_areas *areas, const char *nation,
                   struct tl_warn_truth_area *out, int *n_out, double *settle_s)
{
    *n_out = 0;
    *settle_s = 0.0;
    for (int m = 0; m < tl_sim_count(r->sim); m++) {
        const struct tl_sim_object *o = tl_sim_object(r->sim, m);
        const double t0 = o->t_launch_s, t1 = o->t_launch_s + o->flight.impact_t_s;
        const size_t n = (size_t)ceil(t1 - t0) + 1;
        double *t = malloc(4 * n * sizeof *t), *lat = t + n, *lon = lat + n, *h = lon + n;
        int k = 0;
        if (t == NULL)
            return -1;
        for (size_t j = 0; j < n; j++) {
            double y[6];
            enum tl_phase ph;
            struct tl_lla p;
            t[j] = fmin(t0 + (double)j, t1);
            tl_sim_state(r->sim, m, t[j], y, &ph);
            p = tl_geo_ecef_to_lla(&TL_WGS84, y);
            lat[j] = p.lat_rad, lon[j] = p.lon_rad, h[j] = p.h_m;
        }
        tl_warn_truth_areas(areas, nation, 100e3, n, t, lat, lon, h, out + *n_out,
                            MAX_REACHED - *n_out, &k);
        *n_out += k;
        *settle_s = fmax(*settle_s, t0 + o->flight.burnout_t_s + 120.0);
        free(t);
    }
    return 0;
}

static json_t *num(double v)
{
    return isnan(v) ? json_null() : json_real(round(v * 10.0) / 10.0);
}

static json_t *nation_warnings(const struct demo_run *r, const struct tl_areas *areas, int i)
{
    const double launch_s = (double)(x.launch_ns - r->sc->epoch_ns) * 1e-9;
    struct tl_warn_truth_area ta[MAX_REACHED];
    struct tl_warn_row *rows = NULL;
    struct tl_warn_score s;
    struct tl_diag d = { 0 };
    char csv[PATH_MAX + 64];
    size_t n = 0;
    int n_ta = 0, n_msgs = 0;
    double settle_s;
    json_t *list, *out;

    snprintf(csv, sizeof csv, "%s/%s-warnings/warnings.csv", r->dir, nations[i]);
    if (tl_warn_rows_read(csv, r->sc->epoch_ns, &rows, &n, &d) != TL_OK ||
        reached(r, areas, nations[i], ta, &n_ta, &settle_s) != 0 ||
        tl_warn_score(areas, nations[i], ta, n_ta, rows, n, settle_s,
                      (double)(x.end_ns - r->sc->epoch_ns) * 1e-9 + 60.0, &s) != TL_OK) {
        free(rows);
        return json_null();
    }
    list = json_array();
    for (int k = 0; k < s.n; k++) {
        const struct tl_warn_area_score *a = &s.area[k];
        const struct tl_area_info *ar = tl_areas_get(areas, a->area);
        char name[80];
        columns(ar->name, 18, name, sizeof name);
        printf("%-3s %-6s %s %-11s %9.1f %9.1f %8.1f %8.1f  %s\n", nations[i], ar->code, name, a->needed ? (a->impact ? "impact" : "overflight") : "not reached",
               a->arrive_s - launch_s, a->first_alert_s - launch_s, a->lead_s,
               a->warned_s / 60.0, a->closed);
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:s}", "area", ar->code, "name", ar->name,
                            "reached", a->needed ? (a->impact ? "impact" : "overflight") : "no",
                            "reached_after_launch_s", num(a->arrive_s - launch_s),
                            "first_alert_after_launch_s", num(a->first_alert_s - launch_s),
                            "lead_s", num(a->lead_s), "warned_min", num(a->warned_s / 60.0),
                            "warned_after_settle_min", num(a->warned_after_s / 60.0),
                            "closed", a->closed));
    }
    for (size_t k = 0; k < n; k++) /* a message is a run of rows of one identifier */
        n_msgs += k == 0 || strcmp(rows[k].identifier, rows[k - 1].identifier) != 0;
    out = json_pack("{s:i,s:i,s:i,s:i,s:i,s:o,s:o,s:o}", "messages", n_msgs, "areas_reached",
                    s.needed, "missed", s.missed, "wrong_after_burnout_120s", s.wrong_after,
                    "left_open", s.open_chains, "unneeded_area_min", num(s.unneeded_area_min),
                    "first_alert_after_launch_s", num(s.first_alert_s - launch_s), "areas", list);
    tl_warn_score_free(&s);
    free(rows);
    return out;
}

int demo_warnings(const struct demo_run *r, json_t *nations_json)
{
    struct tl_areas *areas = NULL;
    struct tl_diag d = { 0 };

    if (r->sim == NULL) {
        printf("\n== warnings: not scored (a replay without --truth: nothing to score them "
               "against; they are in %s/NN-warnings/)\n", r->dir);
        return 0;
    }
    if (tl_areas_load(r->areas_dir, &areas, &d) != TL_OK)
        return cli_diag("demo", &d);
    printf("\n== warnings per nation and area (seconds after the first launch%s)\n",
           r->no_share ? "; each nation alone: --no-share" : "");
    printf("%-3s %-6s %-18s %-11s %9s %9s %8s %8s  %s\n", "", "area", "name", "reached by",
           "at", "1st alert", "lead", "warn min", "closed");
    for (int i = 0; i < 3; i++) {
        json_t *nj = json_object_get(nations_json, nations[i]);
        if (nj != NULL)
            json_object_set_new(nj, "warnings", nation_warnings(r, areas, i));
    }
    tl_areas_destroy(areas);
    return 0;
}
