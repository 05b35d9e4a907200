/* The scenario's measurements as a real-time feed to the nations' nodes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/feed.h"
#include "trilink/sim.h"
#include "cli.h"

int cli_feed_items(const struct tl_meas *m, size_t n, double first_launch_s,
                   const struct tl_sensor_set *sensors, const struct tl_topology *t,
                   double quiet_margin_s, struct tl_feed_item **out, size_t *count, int64_t *t0_ns)
{
    struct tl_feed_item *items = calloc(n + 1, sizeof *items);
    int *real = calloc(n + 1, sizeof *real);
    size_t k = 0;

    if (items == NULL || real == NULL) {
        free(items);
        free(real);
        return cli_error("feed", TL_EXIT_FAIL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const struct tl_sensor *s = &sensors->s[m[i].sensor];
        struct tl_feed_item *it = &items[k];
        it->nation = tl_topology_index(t, s->nation);
        if (it->nation < 0)
            continue; /* a sensor of no coalition nation */
        if (m[i].arrival_s < first_launch_s - CLI_FEED_LEAD_S)
            continue; /* nothing but clutter before the launch: skip the wait */
        snprintf(it->m.nation, sizeof it->m.nation, "%s", s->nation);
        snprintf(it->m.sensor, sizeof it->m.sensor, "%s", s->id);
        it->m.t_ns = sensors->epoch_ns + (int64_t)llround(m[i].t_s * 1e9);
        it->m.arrival_ns = sensors->epoch_ns + (int64_t)llround(m[i].arrival_s * 1e9);
        it->m.range_m = m[i].range_m;
        it->m.az_rad = m[i].az_rad;
        it->m.el_rad = m[i].el_rad;
        it->m.rr_mps = m[i].rr_mps;
        real[k] = m[i].object >= 0;
        k++;
    }
    if (quiet_margin_s > 0)
        tl_feed_mark_quiet(items, real, k, quiet_margin_s);
    free(real);
    *t0_ns = sensors->epoch_ns + (int64_t)llround((first_launch_s - CLI_FEED_LEAD_S) * 1e9);
    *count = k;
    *out = items;
    return 0;
}

int cli_feed_meas(const struct tl_meas *m, size_t n, double first_launch_s,
                  const struct tl_sensor_set *sensors, const struct tl_topology *t, const char *pki,
                  double speed, double quiet_margin_s, volatile sig_atomic_t *stop, int64_t *t0_ns,
                  size_t *count, struct tl_feed_progress *progress)
{
    struct tl_feed_item *items = NULL;
    struct tl_diag diag = { 0 };
    int rc;

    if (cli_feed_items(m, n, first_launch_s, sensors, t, quiet_margin_s, &items, count, t0_ns) != 0)
        return TL_EXIT_FAIL;
    rc = tl_feed_run(t, pki, items, *count, *t0_ns, speed, stop, progress, &diag);
    free(items);
    if (rc != TL_OK)
        return cli_error("feed", TL_EXIT_FAIL, "%s", diag.message[0] ? diag.message : tl_strerror(rc));
    return 0;
}

int cli_feed(const struct tl_sim *sim, const struct tl_sensor_set *sensors,
             const struct tl_topology *t, const char *pki, double speed, double quiet_margin_s,
             uint64_t seed, volatile sig_atomic_t *stop, int64_t *t0_ns, size_t *count,
             struct tl_feed_progress *progress)
{
    struct tl_meas *m = NULL;
    size_t n = 0;
    double first_launch = INFINITY;
    int rc;

    if ((rc = tl_sim_measure(sim, sensors, seed, &m, &n)) != TL_OK)
        return cli_error("feed", TL_EXIT_FAIL, "measurements: %s", tl_strerror(rc));
    for (int i = 0; i < tl_sim_count(sim); i++)
        first_launch = fmin(first_launch, tl_sim_object(sim, i)->t_launch_s);
    rc = cli_feed_meas(m, n, first_launch, sensors, t, pki, speed, quiet_margin_s, stop, t0_ns,
                       count, progress);
    free(m);
    return rc;
}
