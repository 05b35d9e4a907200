/* The checks every sample arriving from a partner passes before it is fused, stored or relayed
 * (tl_msg_track_check, tl_msg_assess_check), the canonical text the audit log digests, and the
 * release a relaying hub applies. The input's first byte selects the type (even: Track, odd:
 * Assessment); the rest is the struct's bytes, copied into a zeroed struct with its strings
 * NUL-terminated, as the DDS deserializer delivers bounded strings. */
#include <math.h>
#include <string.h>

#include "trilink/share.h"
#include "fuzz_util.h"

/* Coarsening floors up to the configuration's maxima (1e6 m, 1e4 m/s), and a withholding one. */
static const struct tl_release_policy policy[3] = {
    { .partner = "US", .kinds = 3, .coarsen_pos_m = 1000.0, .coarsen_vel_mps = 10.0 },
    { .partner = "JP", .kinds = 3, .coarsen_pos_m = 1e6, .coarsen_vel_mps = 1e4 },
    { .partner = "US", .kinds = 3, .withhold_sensors = 1, .withhold_sensor_position = 1 },
};

static void canonical(enum tl_msg_kind k, const void *msg, unsigned char cut)
{
    char big[8192], small[64];
    size_t n = tl_msg_canonical(k, msg, big, sizeof big), m;
    const size_t size = (size_t)cut % sizeof small;

    TL_FUZZ_CHECK(n < sizeof big && strlen(big) == n);
    /* Truncation is snprintf's: the same prefix, always terminated. */
    m = tl_msg_canonical(k, msg, small, size);
    TL_FUZZ_CHECK(size == 0 ? m == 0 : (m == (n < size ? n : size - 1) && strlen(small) == m &&
                                        memcmp(small, big, m) == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[128];

    if (size < 1)
        return 0;
    if ((data[0] & 1) == 0) {
        struct tl_msg_track m, out;
        memset(&m, 0, sizeof m);
        memcpy(&m, data + 1, size - 1 < sizeof m ? size - 1 : sizeof m);
        m.origin[sizeof m.origin - 1] = '\0';
        m.relay[sizeof m.relay - 1] = '\0';
        m.sensors[sizeof m.sensors - 1] = '\0';
        canonical(TL_MSG_TRACK, &m, data[0] >> 1);
        if (tl_msg_track_check(&m, why, sizeof why) != TL_OK) {
            TL_FUZZ_CHECK(why[0] != '\0' && memchr(why, '\0', sizeof why) != NULL);
            return 0;
        }
        for (int i = 0; i < 3; i++)
            if (tl_release_track(&policy[i], &m, NULL, &out)) {
                tl_fuzz_check_released_track(&policy[i], &m, &out);
                canonical(TL_MSG_TRACK, &out, data[0] >> 1);
            }
    } else {
        struct tl_msg_assess m, out;
        memset(&m, 0, sizeof m);
        memcpy(&m, data + 1, size - 1 < sizeof m ? size - 1 : sizeof m);
        m.origin[sizeof m.origin - 1] = '\0';
        m.relay[sizeof m.relay - 1] = '\0';
        canonical(TL_MSG_ASSESSMENT, &m, data[0] >> 1);
        if (tl_msg_assess_check(&m, why, sizeof why) != TL_OK) {
            TL_FUZZ_CHECK(why[0] != '\0' && memchr(why, '\0', sizeof why) != NULL);
            return 0;
        }
        /* "Every number finite" (README, checks on received data): what passes is fused. */
        TL_FUZZ_CHECK(isfinite(m.impact_lat_rad) && isfinite(m.impact_lon_rad) &&
                      isfinite(m.semi_major_m) && isfinite(m.semi_minor_m));
        TL_FUZZ_CHECK(isfinite(m.major_az_rad) && isfinite(m.apogee_m));
        TL_FUZZ_CHECK(!m.has_launch || (isfinite(m.launch_lat_rad) &&
                                        isfinite(m.launch_lon_rad) && isfinite(m.launch_err_m)));
        for (int i = 0; i < 3; i++)
            if (tl_release_assess(&policy[i], &m, NULL, &out))
                TL_FUZZ_CHECK(tl_fuzz_same_msg(TL_MSG_ASSESSMENT, &out, &m));
    }
    return 0;
}
