/* areas benchmark (make bench): tl_areas_count_inside on 1000 points near Japan, the load time
 * of data/areas. Best of several repetitions (CLOCK_MONOTONIC), as bench.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "trilink/areas.h"
#include "trilink/geo.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    enum { N = 1000 };
    const char *dir = argc > 1 ? argv[1] : TL_AREAS_DIR;
    static double lat[N], lon[N];
    struct tl_areas *a;
    struct tl_diag diag;
    double t0 = now_s(), load_s, best = INFINITY;
    unsigned seed = 11;
    int *hits, rc, sum = 0;

    if ((rc = tl_areas_load(dir, &a, &diag)) != TL_OK) {
        fprintf(stderr, "bench_areas: %s: %s %s\n", tl_errname(rc), diag.field, diag.message);
        return 1;
    }
    load_s = now_s() - t0;
    /* A falling missile's impact cloud: 1000 points within about 300 km of 40.5 N 139.5 E
     * (between Aomori and the Hwasong-15 fall point of 2017-11-29), land and sea. */
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        lat[i] = tl_deg2rad(38.0 + 5.0 * (double)(seed >> 8 & 0xffff) / 65536.0);
        seed = seed * 1103515245u + 12345u;
        lon[i] = tl_deg2rad(137.0 + 5.0 * (double)(seed >> 8 & 0xffff) / 65536.0);
    }
    hits = calloc((size_t)tl_areas_count(a), sizeof *hits);
    for (int rep = 0; rep < 20 && hits != NULL; rep++) {
        double t = now_s();
        tl_areas_count_inside(a, N, lat, lon, hits);
        best = fmin(best, now_s() - t);
    }
    for (int i = 0; hits != NULL && i < tl_areas_count(a); i++)
        sum += hits[i];
    printf("| areas: load data/areas (%d areas) | %.0f ms |\n", tl_areas_count(a), 1e3 * load_s);
    printf("| areas: count_inside 1000 points near Japan | %.0f us |\n", 1e6 * best);
    fprintf(stderr, "bench_areas: %d hits in 20 runs\n", sum);
    free(hits);
    tl_areas_destroy(a);
    return 0;
}
