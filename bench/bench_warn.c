/* The alert chain's own cost: an estimate in -> the threats evaluated -> the message decided
 * and on disk (CAP file and warnings.csv row). Feeds the shipped IRBM's true states, once a
 * second from 20 s after launch to the impact, as estimates with a 95 % ellipse shrinking from
 * 50 km to 1 km, and times each tl_warn_observe: during boost (the fan of remaining burns), in
 * ballistic flight, and the calls that wrote a message.
 * usage: trilink_bench_warn SCENARIO AREAS_DIR OUT_DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trilink/earth.h"
#include "trilink/geo.h"
#include "trilink/sim.h"
#include "trilink/trajectory.h"
#include "trilink/warn.h"

static struct tl_warn_out *out;
static int wrote;

static int sink(void *ctx, const struct tl_cap_msg *m)
{
    (void)ctx;
    wrote = 1;
    return tl_warn_out_write(out, m, NULL, 0, NULL) == TL_OK ? 0 : -1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void line(const char *what, double *v, int n)
{
    if (n == 0) {
        printf("warn chain %-34s: no samples\n", what);
        return;
    }
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("warn chain %-34s: %4d calls, median %7.2f ms, p99 %7.2f ms, max %7.2f ms\n", what, n,
           v[n / 2], v[(int)(0.99 * (n - 1))], v[n - 1]);
}

int main(int argc, char **argv)
{
    struct tl_scenario *sc = NULL;
    struct tl_sim *sim = NULL;
    struct tl_areas *areas = NULL;
    struct tl_warn *w = NULL;
    struct tl_warn_cfg c;
    struct tl_diag d = { 0 };
    struct tl_earth e = tl_earth_wgs84();
    static double boost[4096], ball[4096], msg[4096];
    int nb = 0, nl = 0, nm = 0;

    if (argc != 4) {
        fprintf(stderr, "usage: %s SCENARIO AREAS_DIR OUT_DIR\n", argv[0]);
        return 2;
    }
    if (tl_scenario_load(argv[1], &sc, &d) || tl_sim_run(sc, &e, &sim, &d) ||
        tl_areas_load(argv[2], &areas, &d) || tl_warn_out_open(argv[3], sc->epoch_ns, &out, &d)) {
        fprintf(stderr, "bench_warn: %s: %s\n", d.field, d.message);
        return 1;
    }
    memset(&c, 0, sizeof c);
    snprintf(c.nation, sizeof c.nation, "JP");
    c.epoch_ns = sc->epoch_ns;
    c.utc_offset_min = 540;
    snprintf(c.sender, sizeof c.sender, "trilink@bench");
    snprintf(c.sender_name, sizeof c.sender_name, "bench");
    c.rules = tl_warn_rules_default();
    c.areas = areas;
    if (tl_warn_create(&c, sink, NULL, &w, &d) != TL_OK)
        return 1;
    {
        const struct tl_sim_object *o = tl_sim_object(sim, 0);
        const double t0 = o->t_launch_s, t1 = t0 + o->flight.impact_t_s;
        for (double t = t0 + 20.0; t < t1 - 1.0 && nb + nl < 4096; t += 1.0) {
            struct tl_warn_obs ob;
            enum tl_phase ph;
            double ms;
            memset(&ob, 0, sizeof ob);
            ob.system_no = 1;
            ob.t_s = t;
            tl_sim_state(sim, 0, t, ob.x, &ph);
            ob.phase = (int)ph;
            ob.has_impact = ph != TL_PHASE_BOOST;
            ob.impact_t_s = t1;
            ob.impact_lat_rad = o->flight.impact.lat_rad;
            ob.impact_lon_rad = o->flight.impact.lon_rad;
            ob.semi_major_m = fmax(1000.0, 50000.0 * (1.0 - (t - t0) / (t1 - t0)));
            ob.semi_minor_m = 0.3 * ob.semi_major_m;
            ob.major_az_rad = 1.9;
            ob.has_launch = 1;
            ob.launch_t_s = t0;
            ob.launch_lat_rad = o->launch.site.lat_rad;
            ob.launch_lon_rad = o->launch.site.lon_rad;
            ob.cls = 2;
            ob.apogee_m = o->flight.apogee_h_m;
            wrote = 0;
            ms = now_ms();
            tl_warn_observe(w, &ob, t, &d);
            ms = now_ms() - ms;
            if (ph == TL_PHASE_BOOST)
                boost[nb++] = ms;
            else
                ball[nl++] = ms;
            if (wrote)
                msg[nm++] = ms;
        }
        tl_warn_finish(w, t1 + 60.0);
    }
    printf("command: trilink_bench_warn %s (JP, one estimate a second)\n", argv[1]);
    line("estimate -> decision, boost (fan)", boost, nb);
    line("estimate -> decision, ballistic", ball, nl);
    line("estimate -> CAP message on disk", msg, nm);
    tl_warn_destroy(w);
    tl_warn_out_close(out, NULL);
    tl_areas_destroy(areas);
    tl_sim_destroy(sim);
    tl_scenario_destroy(sc);
    return 0;
}
