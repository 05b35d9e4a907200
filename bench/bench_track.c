/* Tracker benchmarks (make bench): throughput on the shipped salvo with clutter, on a large raid
 * (200 missiles, 6 radars at 1 Hz, 1,000 false alarms per scan), and memory over a long run of
 * clutter. Prints Markdown rows for BENCHMARKS.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trilink/sim.h"
#include "trilink/track.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Resident set size in MiB from /proc/self/status. */
static double rss_mib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = NAN;

    if (f == NULL)
        return NAN;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = atof(line + 6);
    fclose(f);
    return kb / 1024.0;
}

struct counter {
    long reports;
    int max_id;
};

static void on_report(void *ctx, const struct tl_track_report *r)
{
    struct counter *c = ctx;

    c->reports++;
    if (r->id > c->max_id)
        c->max_id = r->id;
}

/* Runs the tracker over @p m; returns wall seconds and fills stats. */
static double track_all(const struct tl_sensor_set *sensors, const struct tl_meas *m, size_t n,
                        struct tl_tracker_stats *st)
{
    struct tl_tracker_cfg cfg = tl_tracker_cfg_default();
    struct tl_tracker *tk;
    struct counter c = { 0, 0 };
    double t0;

    if (tl_tracker_create(&cfg, sensors, on_report, &c, &tk) != TL_OK)
        return NAN;
    t0 = now_s();
    for (size_t i = 0; i < n; i++)
        tl_tracker_add(tk, &m[i]);
    tl_tracker_flush(tk);
    t0 = now_s() - t0;
    tl_tracker_stats(tk, st);
    tl_tracker_destroy(tk);
    return t0;
}

static int salvo(const char *path)
{
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_scenario *sc;
    struct tl_sim *sim;
    struct tl_meas *m;
    struct tl_tracker_stats st;
    struct tl_diag d;
    size_t n;
    double wall, span;

    if (tl_scenario_load(path, &sc, &d) != TL_OK || tl_sim_run(sc, &e, &sim, &d) != TL_OK ||
        tl_sim_measure(sim, &sc->sensors, 1, &m, &n) != TL_OK) {
        fprintf(stderr, "bench: %s:%d: %s\n", path, d.line, d.message);
        return 1;
    }
    span = m[n - 1].t_s - m[0].t_s;
    wall = track_all(&sc->sensors, m, n, &st);
    printf("| trilink track, shipped salvo (8 missiles, 8 sensors, %zu measurements of which "
           "%.0f %% false alarms, %.0f s) | %.0f measurements/s, %.0fx real time |\n",
           n, 100.0 * (double)(n - (size_t)st.associated) / (double)n, span, (double)n / wall,
           span / wall);
    free(m);
    tl_sim_destroy(sim);
    tl_scenario_destroy(sc);
    return 0;
}

/* 200 missiles from 5 sites, one a second, toward the sea; 6 radars at 1 Hz with 1,000 false
 * alarms per scan: the first @p seconds of the raid. */
static int raid(double seconds)
{
    const struct tl_earth e = tl_earth_wgs84();
    static struct tl_scenario sc;
    struct tl_sim *sim;
    struct tl_meas *m;
    struct tl_tracker_stats st;
    struct tl_diag d;
    size_t n, keep = 0;
    double wall, t0;
    static const double sites[5][2] = {
        { 39.2, 125.7 }, { 39.7, 125.9 }, { 39.66, 124.7 }, { 39.9, 127.6 }, { 40.65, 126.35 }
    };
    static const double radars[6][3] = { { 36.0, 127.9, 900 }, { 37.6, 126.9, 800 },
                                         { 37.8, 130.2, 1000 }, { 38.0, 138.4, 2000 },
                                         { 31.8, 129.8, 2000 }, { 40.9, 140.3, 1800 } };

    memset(&sc, 0, sizeof sc);
    sc.epoch_ns = INT64_C(1689123540) * 1000000000;
    sc.step_s = 1.0;
    if (tl_boost_catalog_default(&sc.vehicles, NULL) != TL_OK)
        return 1;
    sc.n_launches = 200;
    for (int i = 0; i < 200; i++) {
        struct tl_launch_spec *l = &sc.launch[i];
        snprintf(l->id, sizeof l->id, "M%03d", i);
        snprintf(l->class_name, sizeof l->class_name, "%s", i % 4 == 3 ? "mrbm" : "srbm");
        l->site = (struct tl_lla){ tl_deg2rad(sites[i % 5][0]), tl_deg2rad(sites[i % 5][1]), 0 };
        l->time_s = (double)i; /* one a second */
        l->aim = TL_AIM_AZIMUTH;
        l->azimuth_rad = tl_deg2rad(80.0 + (i % 7) * 5.0);
        l->range_m = (i % 4 == 3 ? 600e3 : 200e3) + 10e3 * (i % 9);
        l->apogee_m = NAN;
    }
    sc.sensors.n = 6;
    for (int k = 0; k < 6; k++) {
        struct tl_sensor *s = &sc.sensors.s[k];
        memset(s, 0, sizeof *s);
        snprintf(s->id, sizeof s->id, "R%d", k + 1);
        s->kind = TL_SENSOR_RADAR;
        s->site = (struct tl_lla){ tl_deg2rad(radars[k][0]), tl_deg2rad(radars[k][1]), 100 };
        s->sigma_range_m = 25;
        s->sigma_az_rad = s->sigma_el_rad = tl_deg2rad(0.05);
        s->sigma_rr_mps = 1.0;
        s->min_el_rad = tl_deg2rad(0.5);
        s->max_range_m = radars[k][2] * 1000.0;
        s->revisit_s = 1.0;
        s->pd = 0.95;
        s->false_alarms_per_scan = 1000;
        s->latency_s = 0.3;
    }
    t0 = now_s();
    if (tl_sim_run(&sc, &e, &sim, &d) != TL_OK) {
        fprintf(stderr, "bench: raid: %s\n", d.message);
        return 1;
    }
    if (tl_sim_measure(sim, &sc.sensors, 1, &m, &n) != TL_OK)
        return 1;
    fprintf(stderr, "bench: raid simulated in %.1f s\n", now_s() - t0);
    while (keep < n && m[keep].t_s <= seconds)
        keep++;
    wall = track_all(&sc.sensors, m, keep, &st);
    printf("| trilink track, raid: 200 missiles launched one a second, 6 radars at 1 Hz, 1,000 "
           "false alarms per scan (first %.0f s: %zu measurements) | %.0f measurements/s, %.2fx "
           "real time; %ld tracks started, %ld confirmed |\n",
           seconds, keep, (double)keep / wall, seconds / wall, st.initiated, st.confirmed);
    free(m);
    tl_sim_destroy(sim);
    return 0;
}

/* Memory over a long run: @p hours of clutter (6 radars, @p fa false alarms per scan), fed scan
 * by scan so the input itself takes no memory; RSS sampled through the run. */
static int soak(double hours, double fa)
{
    struct tl_sensor_set sensors;
    struct tl_tracker_cfg cfg = tl_tracker_cfg_default();
    struct tl_tracker *tk;
    struct tl_rng rng;
    struct counter c = { 0, 0 };
    struct tl_meas buf[4096];
    double rss[5] = { NAN, NAN, NAN, NAN, NAN }, t0 = now_s();
    const double marks[5] = { 0.1 * hours, 0.25 * hours, 0.5 * hours, 0.75 * hours, hours };
    long total = 0;
    int mi = 0;

    memset(&sensors, 0, sizeof sensors);
    sensors.n = 6;
    for (int k = 0; k < 6; k++) {
        struct tl_sensor *s = &sensors.s[k];
        snprintf(s->id, sizeof s->id, "R%d", k + 1);
        s->kind = TL_SENSOR_RADAR;
        s->site = (struct tl_lla){ tl_deg2rad(35.0 + k), tl_deg2rad(127.0 + 2 * k), 100 };
        s->sigma_range_m = 25;
        s->sigma_az_rad = s->sigma_el_rad = tl_deg2rad(0.05);
        s->sigma_rr_mps = 1.0;
        s->min_el_rad = tl_deg2rad(0.5);
        s->max_range_m = 900e3;
        s->revisit_s = 1.0;
        s->pd = 0.95;
        s->false_alarms_per_scan = fa;
        s->latency_s = 0.3;
    }
    tl_rng_seed(&rng, 7);
    if (tl_tracker_create(&cfg, &sensors, on_report, &c, &tk) != TL_OK)
        return 1;
    for (long sec = 0; sec < (long)(hours * 3600.0); sec++) {
        for (int k = 0; k < 6; k++) {
            size_t n = 0;
            const double none[1][6] = { { NAN, 0, 0, 0, 0, 0 } };
            const int boost[1] = { 0 };
            tl_sensor_scan(&sensors.s[k], k, (double)sec, none, boost, 1, &rng, buf, 4096, &n);
            for (size_t i = 0; i < n; i++)
                tl_tracker_add(tk, &buf[i]);
            total += (long)n;
        }
        if (mi < 5 && (double)(sec + 1) >= marks[mi] * 3600.0)
            rss[mi++] = rss_mib();
    }
    tl_tracker_flush(tk);
    tl_tracker_destroy(tk);
    printf("| memory over %.0f h of clutter (6 radars, %.0f false alarms per scan, %ld "
           "measurements, %.0f s wall) | RSS %.1f / %.1f / %.1f / %.1f / %.1f MiB at 10 / 25 / 50 / "
           "75 / 100 %% of the run |\n",
           hours, fa, total, now_s() - t0, rss[0], rss[1], rss[2], rss[3], rss[4]);
    return 0;
}

int main(int argc, char **argv)
{
    const char *scenario = argc > 1 ? argv[1] : "scenarios/srbm-salvo-2022-06-05.yaml";
    int rc = salvo(scenario);

    rc |= raid(argc > 2 ? atof(argv[2]) : 3.0);
    rc |= soak(argc > 3 ? atof(argv[3]) : 2.0, argc > 4 ? atof(argv[4]) : 5.0);
    return rc;
}
