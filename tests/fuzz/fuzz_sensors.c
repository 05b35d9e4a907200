/* tl_sensor_load on the input as a sensors file. What it accepts must be usable as it stands:
 * ids that fit a CSV cell, positive finite noise, limits in order. */
#include <math.h>
#include <string.h>

#include "trilink/sensor.h"
#include "fuzz_util.h"

static struct tl_fuzz_file input;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    tl_fuzz_dir("sensors");
    tl_fuzz_file_open(&input, "sensors.yaml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tl_sensor_set set; /* 100 kB or so: not on the stack */
    struct tl_diag diag;
    int rc;

    tl_fuzz_file_set(&input, data, size);
    memset(&diag, 0, sizeof diag);
    set.n = -1;
    rc = tl_sensor_load(input.path, &set, &diag);
    if (rc != TL_OK) {
        TL_FUZZ_CHECK(rc < 0 && set.n == -1); /* unchanged on error */
        TL_FUZZ_CHECK(memchr(diag.message, '\0', sizeof diag.message) != NULL);
        return 0;
    }
    TL_FUZZ_CHECK(set.n >= 0 && set.n <= TL_MAX_SENSORS && set.epoch_ns >= 0);
    for (int i = 0; i < set.n; i++) {
        const struct tl_sensor *s = &set.s[i];
        TL_FUZZ_CHECK(tl_fuzz_csv_safe(s->id, sizeof s->id));
        TL_FUZZ_CHECK(tl_sensor_find(&set, s->id) == i);
        TL_FUZZ_CHECK(s->kind == TL_SENSOR_RADAR || s->kind == TL_SENSOR_IR);
        TL_FUZZ_CHECK(isfinite(s->site.lat_rad) && isfinite(s->site.lon_rad) &&
                      isfinite(s->site.h_m));
        TL_FUZZ_CHECK(s->sigma_az_rad > 0 && isfinite(s->sigma_az_rad) && s->sigma_el_rad > 0 &&
                      isfinite(s->sigma_el_rad));
        TL_FUZZ_CHECK(s->revisit_s > 0 && isfinite(s->revisit_s));
        TL_FUZZ_CHECK(s->pd >= 0 && s->pd <= 1 && s->latency_s >= 0 && isfinite(s->latency_s));
        TL_FUZZ_CHECK(s->false_alarms_per_scan >= 0 && isfinite(s->false_alarms_per_scan));
        if (s->kind == TL_SENSOR_RADAR)
            TL_FUZZ_CHECK(s->sigma_range_m > 0 && isfinite(s->sigma_range_m) &&
                          s->min_range_m < s->max_range_m && isfinite(s->max_range_m));
    }
    return 0;
}
