/* trilink benchmarks (make bench): throughput of the hot numerical paths, wall time of the
 * analysis. Prints a Markdown block for BENCHMARKS.md. Timing uses CLOCK_MONOTONIC; each figure is
 * the best of several repetitions, so a busy second core disturbs it less. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "trilink/boost.h"
#include "trilink/earth.h"
#include "trilink/geo.h"
#include "trilink/trajectory.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void cpu_model(char *buf, size_t size)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];

    snprintf(buf, size, "unknown CPU");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "model name", 10) == 0) {
            char *p = strchr(line, ':');
            if (p != NULL) {
                snprintf(buf, size, "%s", p + 2);
                buf[strcspn(buf, "\n")] = '\0';
            }
            break;
        }
    fclose(f);
}

/* Conversions per second, geodetic -> ECEF -> geodetic, over points spread from -1 km to
 * 40,000 km. The checksum keeps the compiler from removing the work. */
static double bench_geo(double *checksum)
{
    enum { N = 1000000 };
    double best = 0.0;

    for (int rep = 0; rep < 5; rep++) {
        double t0 = now_s(), sum = 0.0;
        for (int i = 0; i < N; i++) {
            struct tl_lla p = { -1.5 + 3.0 * (i % 1000) / 1000.0, -3.1 + 6.2 * (i % 997) / 997.0,
                                -1000.0 + 4.0e7 * (i % 991) / 991.0 };
            double x[3];
            tl_geo_lla_to_ecef(&TL_WGS84, &p, x);
            sum += tl_geo_ecef_to_lla(&TL_WGS84, x).h_m;
        }
        best = fmax(best, 2.0 * N / (now_s() - t0)); /* two conversions per point */
        *checksum += sum;
    }
    return best;
}

static double bench_propagation(const struct tl_earth *e, const struct tl_vehicle *v,
                                double *flight_s)
{
    struct tl_launch l = { { tl_deg2rad(39.03), tl_deg2rad(125.68), 30.0 }, tl_deg2rad(90.0),
                           tl_deg2rad(20.0), v->payload_kg, 1e9 };
    struct tl_flight_summary s;
    double best = 0.0;

    for (int rep = 0; rep < 3; rep++) {
        double t0 = now_s();
        int n = 0;
        while (now_s() - t0 < 1.0) {
            if (tl_traj_fly(e, v, &l, NULL, &s) != TL_OK)
                return NAN;
            n++;
        }
        best = fmax(best, n / (now_s() - t0));
    }
    *flight_s = s.impact_t_s;
    return best;
}

int main(void)
{
    static const struct {
        const char *name;
        double apogee_km, range_km;
    } FLIGHTS[] = {
        { "Hwasong-15 2017-11-29", 4475.0, 950.0 },
        { "Hwasong-12 2017-09-15", 800.0, 3700.0 },
        { "Hwasong-18 2023-07-12", 6648.4, 1001.2 },
    };
    struct tl_earth e = tl_earth_wgs84();
    struct tl_vehicle_set set;
    struct utsname un;
    char cpu[128];
    double checksum = 0.0, flight_s = 0.0, geo, prop;

    if (tl_boost_catalog_default(&set, NULL) != TL_OK)
        return 1;
    cpu_model(cpu, sizeof cpu);
    uname(&un);
    printf("## make bench (bench/bench.c)\n\n");
    printf("Machine: %s, %s %s %s\n\n", cpu, un.sysname, un.release, un.machine);
    geo = bench_geo(&checksum);
    printf("| figure | value |\n|---|---|\n");
    printf("| geodetic<->ECEF conversions per second (Vermeille closed form, both ways) | %.3g |\n",
           geo);
    prop = bench_propagation(&e, tl_boost_catalog_find(&set, "icbm"), &flight_s);
    printf("| full ICBM flights (liquid icbm, launch to impact, %.0f s of flight) per second | %.0f |\n",
           flight_s, prop);
    for (size_t i = 0; i < sizeof FLIGHTS / sizeof FLIGHTS[0]; i++) {
        struct tl_lla site = { tl_deg2rad(39.03), tl_deg2rad(125.68), 0.0 };
        struct tl_analysis a;
        double t0 = now_s();
        int rc = tl_traj_analyze(&e, &set, NULL, &site, tl_deg2rad(90.0),
                                 FLIGHTS[i].apogee_km * 1000.0, FLIGHTS[i].range_km * 1000.0, &a,
                                 NULL);
        printf("| trilink analyze wall time, %s (%.1f km / %.1f km) | %s %.3f s |\n",
               FLIGHTS[i].name, FLIGHTS[i].apogee_km, FLIGHTS[i].range_km,
               rc == TL_OK ? "" : "FAILED", now_s() - t0);
    }
    printf("\n(checksum %.6g)\n", checksum);
    return 0;
}
