/* areas_eez: builds data/areas/eez.geojson from the land and coasts files (scripts/vendor-areas
 * runs it once; its output is committed, so no build or test needs it).
 *   areas_eez <land.geojson> <coasts.geojson> <nations, e.g. JP,KR,US> <eez.geojson> */
#include <stdio.h>
#include <time.h>

#include "trilink/areas.h"

int main(int argc, char **argv)
{
    struct tl_diag diag = { "", 0, "", "" };
    struct timespec t0, t1;
    char msg[768];
    int rc;

    if (argc != 5) {
        fprintf(stderr, "usage: %s land.geojson coasts.geojson JP,KR,US eez.geojson\n", argv[0]);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = tl_areas_eez_build(argv[1], argv[2], argv[3], argv[4], &diag);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != TL_OK) {
        tl_diag_format(&diag, msg, sizeof msg);
        fprintf(stderr, "%s: %s: %s\n", argv[0], tl_errname(rc), msg);
        return 1;
    }
    fprintf(stderr, "%s: %s written in %.1f s\n", argv[0], argv[4],
            (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    return 0;
}
