/* tl_meas_read_csv on the input as a measurement CSV, against the sensors of the shipped
 * scenarios/sensors-trilateral.yaml (loaded once). What it accepts is what the tracker gets, so
 * every number must be finite and within the documented ranges. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/sensor.h"
#include "fuzz_util.h"

static struct tl_fuzz_file input;
static struct tl_sensor_set sensors;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct tl_diag diag;

    (void)argc;
    (void)argv;
    tl_fuzz_dir("meas_csv");
    tl_fuzz_file_open(&input, "meas.csv");
    if (tl_sensor_load(TL_SOURCE_DIR "/scenarios/sensors-trilateral.yaml", &sensors, &diag) !=
        TL_OK)
        abort(); /* the shipped file is valid: a broken build, not a finding */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_meas *m = NULL;
    size_t n = 12345;
    struct tl_diag diag;
    int rc;

    tl_fuzz_file_set(&input, data, size);
    memset(&diag, 0, sizeof diag);
    rc = tl_meas_read_csv(input.path, &sensors, &m, &n, &diag);
    if (rc != TL_OK) {
        TL_FUZZ_CHECK(rc < 0 && m == NULL && n == 12345); /* nothing returned on error */
        TL_FUZZ_CHECK(diag.line >= 0 && memchr(diag.message, '\0', sizeof diag.message) != NULL);
        return 0;
    }
    TL_FUZZ_CHECK(n == 0 || m != NULL);
    /* The reader refuses binary data ("a NUL byte"): a row cut short at a NUL, the rest of its
     * line dropped, must not pass for a measurement. */
    TL_FUZZ_CHECK(memchr(data, '\0', size) == NULL);
    for (size_t i = 0; i < n; i++) {
        const struct tl_sensor *s;
        TL_FUZZ_CHECK(m[i].sensor >= 0 && m[i].sensor < sensors.n);
        s = &sensors.s[m[i].sensor];
        TL_FUZZ_CHECK(isfinite(m[i].t_s) && m[i].t_s >= 0 && isfinite(m[i].arrival_s) &&
                      m[i].arrival_s >= m[i].t_s);
        TL_FUZZ_CHECK(isfinite(m[i].az_rad) && m[i].az_rad >= 0 && m[i].az_rad <= 2 * M_PI);
        TL_FUZZ_CHECK(isfinite(m[i].el_rad) && fabs(m[i].el_rad) <= M_PI / 2);
        if (s->kind == TL_SENSOR_RADAR) {
            /* A slant range beyond 1e9 m (2.5 times the Moon's distance) is no radar's: 1e308
             * was accepted, and its square overflows in the tracker's geometry. */
            TL_FUZZ_CHECK(isfinite(m[i].range_m) && m[i].range_m > 0 && m[i].range_m <= 1e9);
            TL_FUZZ_CHECK(s->sigma_rr_mps > 0 ? isfinite(m[i].rr_mps) : isnan(m[i].rr_mps));
        } else {
            TL_FUZZ_CHECK(isnan(m[i].range_m) && isnan(m[i].rr_mps));
        }
    }
    free(m);
    return 0;
}
