/* trilink demo --sensors FILE --measurements FILE [--truth FILE]: recorded reports (from
 * another generator, or a real log converted to trilink track's CSV contract) replayed through
 * the three nodes instead of a simulated scenario, and scored against recorded truth. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/score.h"
#include "trilink/sim.h"
#include "cli.h"
#include "demo.h"

/* Every sensor must belong to one of the demo's nodes: a report of no node would be dropped
 * without a word. */
static int check_nations(const struct tl_sensor_set *s, const char *path)
{
    for (int i = 0; i < s->n; i++) {
        int known = 0;
        for (int k = 0; k < 3; k++)
            known |= strcmp(s->s[i].nation, nations[k]) == 0;
        if (!known)
            return cli_error("demo", TL_EXIT_USAGE,
                             "--sensors: %s: sensor '%s': nation '%s' is not KR, US or JP (the "
                             "demo's three nodes)",
                             path, s->s[i].id, s->s[i].nation);
    }
    return 0;
}

/* --truth: the rows read and validated (as trilink score reads them), grouped per object, made a
 * simulation. Returns 0, or an exit status. */
static int load_truth(struct demo_run *r)
{
    struct tl_score *objs = malloc(sizeof *objs);
    struct tl_truth_object to[TL_SCORE_MAX_OBJECTS];
    struct tl_truth_row *rows = NULL;
    double *t = NULL, (*y)[6] = NULL;
    struct tl_diag diag = { 0 };
    size_t n = 0, at = 0;
    int rc, status = 0;

    if (objs == NULL)
        return cli_error("demo", TL_EXIT_FAIL, "out of memory");
    if ((rc = tl_score_truth_read(r->truth_path, objs, &rows, &n, &diag)) != TL_OK) {
        free(objs);
        return rc == TL_ENOMEM ? cli_error("demo", TL_EXIT_FAIL, "out of memory")
                               : cli_diag("demo", &diag);
    }
    t = malloc((n + 1) * sizeof *t);
    y = malloc((n + 1) * sizeof *y);
    if (t == NULL || y == NULL) {
        status = cli_error("demo", TL_EXIT_FAIL, "out of memory");
        goto out;
    }
    for (int k = 0; k < objs->n_objects; k++) {
        const struct tl_score_object *o = &objs->obj[k];
        struct tl_truth_object *w = &to[k];
        memset(w, 0, sizeof *w);
        snprintf(w->id, sizeof w->id, "%s", o->id);
        w->launch_s = o->launch_s;
        w->burnout_s = o->burnout_s;
        w->reentry_s = o->reentry_s;
        w->impact_s = o->impact_s;
        w->apogee_m = o->apogee_km * 1000.0;
        w->launch.lat_rad = o->launch_lat_rad;
        w->launch.lon_rad = o->launch_lon_rad;
        w->impact.lat_rad = o->impact_lat_rad;
        w->impact.lon_rad = o->impact_lon_rad;
        w->t_s = t + at;
        w->y = (const double(*)[6])(y + at);
        for (size_t i = 0; i < n; i++)
            if (rows[i].object == k) {
                t[at] = rows[i].t_s;
                memcpy(y[at], rows[i].y, sizeof y[at]);
                at++;
            }
        w->n = (size_t)(t + at - w->t_s);
        if (w->n < 2) {
            status = cli_error("demo", TL_EXIT_USAGE,
                               "--truth: %s: object '%s' has %zu row%s; a flight needs two or "
                               "more",
                               r->truth_path, o->id, w->n, w->n == 1 ? "" : "s");
            goto out;
        }
    }
    if ((rc = tl_sim_from_truth(to, objs->n_objects, &r->sim)) != TL_OK)
        status = cli_error("demo", TL_EXIT_FAIL, "--truth: %s: %s", r->truth_path,
                           tl_strerror(rc));
out:
    free(t);
    free(y);
    free(rows);
    free(objs);
    return status;
}

int demo_setup_replay(struct demo_run *r)
{
    struct tl_diag diag = { 0 };
    const char *base = strrchr(r->meas_path, '/');
    int rc, status;

    if ((r->sc = calloc(1, sizeof *r->sc)) == NULL)
        return cli_error("demo", TL_EXIT_FAIL, "out of memory");
    if (tl_sensor_load(r->sensors_path, &r->sc->sensors, &diag) != TL_OK)
        return cli_diag("demo", &diag);
    if (r->sc->sensors.n == 0)
        return cli_error("demo", TL_EXIT_USAGE, "--sensors: '%s' declares no sensors",
                         r->sensors_path);
    if ((status = check_nations(&r->sc->sensors, r->sensors_path)) != 0)
        return status;
    if (realpath(r->sensors_path, r->scen_abs) == NULL)
        return cli_error("demo", TL_EXIT_USAGE, "--sensors: '%s': %s", r->sensors_path,
                         strerror(errno));
    r->sc->epoch_ns = r->sc->sensors.epoch_ns;
    snprintf(r->sc->name, sizeof r->sc->name, "replay of %.50s",
             base != NULL ? base + 1 : r->meas_path);
    if ((rc = tl_meas_read_csv(r->meas_path, &r->sc->sensors, &r->meas, &r->n_meas, &diag)) !=
        TL_OK)
        return rc == TL_ENOMEM ? cli_error("demo", TL_EXIT_FAIL, "out of memory")
                               : cli_diag("demo", &diag);
    /* Which reports are clutter is not recorded: all count as real (--skip-quiet then only
     * skips the wait before the first one). */
    for (size_t k = 0; k < r->n_meas; k++)
        r->meas[k].object = 0;
    return r->truth_path != NULL ? load_truth(r) : 0;
}
