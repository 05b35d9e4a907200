/* tl_scenario_load on the input as a scenario file. Beside it in the scratch directory lie two
 * valid sensors files a seed can name: sensors-trilateral.yaml (the shipped one, so the shipped
 * scenarios are seeds as they are) and s.yaml (two sensors: cheap). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/sim.h"
#include "fuzz_util.h"

static struct tl_fuzz_file input;

static const char small_sensors[] =
    "epoch: 2023-07-12T00:59:00Z\n"
    "sensors:\n"
    "  - {id: R1, nation: KR, kind: radar, lat_deg: 36, lon_deg: 127.9, sigma_range_m: 25,\n"
    "     sigma_azimuth_deg: 0.05, sigma_elevation_deg: 0.05, max_range_km: 900}\n"
    "  - {id: IR1, nation: US, kind: ir, lat_deg: 0, lon_deg: 140, alt_m: 35786000,\n"
    "     sigma_azimuth_deg: 0.005, sigma_elevation_deg: 0.005}\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct tl_fuzz_file f;
    size_t n;
    char *text = tl_fuzz_read_file(TL_SOURCE_DIR "/scenarios/sensors-trilateral.yaml", &n);

    (void)argc;
    (void)argv;
    tl_fuzz_dir("scenario");
    tl_fuzz_file_open(&f, "sensors-trilateral.yaml");
    tl_fuzz_file_set(&f, text, n);
    free(text);
    tl_fuzz_file_open(&f, "s.yaml");
    tl_fuzz_file_set(&f, small_sensors, sizeof small_sensors - 1);
    tl_fuzz_file_open(&input, "scenario.yaml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_scenario *sc = NULL;
    struct tl_diag diag;
    int rc;

    tl_fuzz_file_set(&input, data, size);
    memset(&diag, 0, sizeof diag);
    rc = tl_scenario_load(input.path, &sc, &diag);
    if (rc == TL_OK) {
        /* What the loader accepts, the simulation may rely on. */
        TL_FUZZ_CHECK(sc != NULL && sc->n_launches >= 1 && sc->n_launches <= TL_MAX_LAUNCHES);
        TL_FUZZ_CHECK(sc->epoch_ns >= 0 && isfinite(sc->step_s) && sc->step_s > 0);
        for (int i = 0; i < sc->sensors.n; i++)
            TL_FUZZ_CHECK(tl_fuzz_csv_safe(sc->sensors.s[i].id, sizeof sc->sensors.s[i].id));
        for (int i = 0; i < sc->n_launches; i++) {
            const struct tl_launch_spec *l = &sc->launch[i];
            TL_FUZZ_CHECK(tl_fuzz_csv_safe(l->id, sizeof l->id));
            TL_FUZZ_CHECK(isfinite(l->site.lat_rad) && isfinite(l->site.lon_rad) &&
                          isfinite(l->site.h_m) && isfinite(l->time_s) && l->time_s >= 0);
            TL_FUZZ_CHECK(isfinite(l->azimuth_rad) && isfinite(l->range_m) && l->range_m > 0);
        }
        tl_scenario_destroy(sc);
    } else {
        TL_FUZZ_CHECK(rc < 0 && sc == NULL);
        TL_FUZZ_CHECK(memchr(diag.message, '\0', sizeof diag.message) != NULL);
    }
    return 0;
}
