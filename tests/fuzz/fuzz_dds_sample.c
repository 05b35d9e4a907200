/* The checks every sample arriving from a partner passes before it is fused, stored or relayed
 * (tl_msg_track_check, tl_msg_assess_check, and tl_msg_system_check and tl_msg_warning_check,
 * which the bus itself applies), the canonical text the audit log digests, and the release a
 * relaying hub applies. The input's first byte selects the type: even, Track; odd, by
 * (byte >> 1) % 3, Assessment (0), SystemTrack (1) or Warning (2), so the seeds of the first
 * harness (Track and Assessment only) select what they did. The rest is the struct's bytes,
 * copied into a zeroed struct with its strings NUL-terminated, as the DDS deserializer delivers
 * bounded strings; for a Warning, the bytes after its struct are its CAP document (the struct's
 * own cap_xml pointer bytes are replaced by a pointer to them). */
#include <math.h>
#include <stdlib.h>
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
    char small[64], *big;
    const size_t need = tl_msg_canonical_size(k, msg), size = (size_t)cut % sizeof small;
    size_t n, m;

    /* the size said beforehand is the size the text takes */
    big = malloc(need);
    TL_FUZZ_CHECK(big != NULL);
    n = tl_msg_canonical(k, msg, big, need);
    TL_FUZZ_CHECK(n == need - 1 && strlen(big) == n);
    /* Truncation is snprintf's: the same prefix, always terminated. */
    m = tl_msg_canonical(k, msg, small, size);
    TL_FUZZ_CHECK(size == 0 ? m == 0 : (m == (n < size ? n : size - 1) && strlen(small) == m &&
                                        memcmp(small, big, m) == 0));
    free(big);
}

static void track(const uint8_t *data, size_t size)
{
    struct tl_msg_track m, out;
    char why[128];

    memset(&m, 0, sizeof m);
    memcpy(&m, data + 1, size - 1 < sizeof m ? size - 1 : sizeof m);
    m.origin[sizeof m.origin - 1] = '\0';
    m.relay[sizeof m.relay - 1] = '\0';
    m.sensors[sizeof m.sensors - 1] = '\0';
    canonical(TL_MSG_TRACK, &m, data[0] >> 1);
    if (tl_msg_track_check(&m, why, sizeof why) != TL_OK) {
        TL_FUZZ_CHECK(why[0] != '\0' && memchr(why, '\0', sizeof why) != NULL);
        return;
    }
    for (int i = 0; i < 3; i++)
        if (tl_release_track(&policy[i], &m, NULL, &out)) {
            tl_fuzz_check_released_track(&policy[i], &m, &out);
            canonical(TL_MSG_TRACK, &out, data[0] >> 1);
        }
}

static void assess(const uint8_t *data, size_t size)
{
    struct tl_msg_assess m, out;
    char why[128];

    memset(&m, 0, sizeof m);
    memcpy(&m, data + 1, size - 1 < sizeof m ? size - 1 : sizeof m);
    m.origin[sizeof m.origin - 1] = '\0';
    m.relay[sizeof m.relay - 1] = '\0';
    canonical(TL_MSG_ASSESSMENT, &m, data[0] >> 1);
    if (tl_msg_assess_check(&m, why, sizeof why) != TL_OK) {
        TL_FUZZ_CHECK(why[0] != '\0' && memchr(why, '\0', sizeof why) != NULL);
        return;
    }
    /* "Every number finite" (README, checks on received data): what passes is fused. */
    TL_FUZZ_CHECK(isfinite(m.impact_lat_rad) && isfinite(m.impact_lon_rad) &&
                  isfinite(m.semi_major_m) && isfinite(m.semi_minor_m));
    TL_FUZZ_CHECK(isfinite(m.major_az_rad) && isfinite(m.apogee_m));
    TL_FUZZ_CHECK(!m.has_launch || (isfinite(m.launch_lat_rad) && isfinite(m.launch_lon_rad) &&
                                    isfinite(m.launch_err_m)));
    for (int i = 0; i < 3; i++)
        if (tl_release_assess(&policy[i], &m, NULL, &out))
            TL_FUZZ_CHECK(tl_fuzz_same_msg(TL_MSG_ASSESSMENT, &out, &m));
}

/* What the bus lets through of a system track: the numbers the picture and the report use are
 * finite, the enumerations in range, the owner a nation code. */
static void system_track(const uint8_t *data, size_t size)
{
    struct tl_msg_system m;
    char why[160];

    memset(&m, 0, sizeof m);
    memcpy(&m, data + 1, size - 1 < sizeof m ? size - 1 : sizeof m);
    m.owner[sizeof m.owner - 1] = '\0';
    m.contributors[sizeof m.contributors - 1] = '\0';
    canonical(TL_MSG_SYSTEM_TRACK, &m, data[0] >> 1);
    if (tl_msg_system_check(&m, why, sizeof why) != TL_OK) {
        TL_FUZZ_CHECK(why[0] != '\0' && memchr(why, '\0', sizeof why) != NULL);
        return;
    }
    TL_FUZZ_CHECK(strlen(m.owner) >= 2 && m.system_no > 0 && m.t_ns > 0);
    for (int i = 0; i < 6; i++)
        TL_FUZZ_CHECK(isfinite(m.x[i]));
    for (int i = 0; i < TL_NP; i++)
        TL_FUZZ_CHECK(isfinite(m.p[i]));
    TL_FUZZ_CHECK(!m.has_impact || (isfinite(m.impact_lat_rad) && isfinite(m.impact_lon_rad) &&
                                    isfinite(m.semi_major_m) && isfinite(m.semi_minor_m) &&
                                    m.semi_minor_m <= m.semi_major_m));
    TL_FUZZ_CHECK(!m.has_launch || (isfinite(m.launch_lat_rad) && isfinite(m.launch_lon_rad) &&
                                    isfinite(m.launch_err_m) && m.launch_ns > 0));
    TL_FUZZ_CHECK(isnan(m.major_az_rad) || isfinite(m.major_az_rad));
    TL_FUZZ_CHECK(m.cls >= -1 && m.cls <= TL_MSG_CLASS_MAX && m.loft >= 0 &&
                  m.loft <= TL_MSG_LOFT_MAX && m.phase >= 0 && m.phase <= TL_MSG_PHASE_MAX);
    TL_FUZZ_CHECK(m.merged_into >= 0 && m.merged_into != m.system_no);
}

/* The areas of a warning that passed, read back independently of the check: every token
 * code:threat:probability with a known threat and a probability in [0, 1]. */
static void check_areas(const char *areas)
{
    char copy[TL_WARNING_AREAS_LEN], *save = NULL;

    memcpy(copy, areas, sizeof copy);
    for (char *tok = strtok_r(copy, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
        char *threat = strchr(tok, ':'), *prob = threat ? strchr(threat + 1, ':') : NULL;
        double p;
        TL_FUZZ_CHECK(prob != NULL && threat - tok >= 2);
        *prob++ = '\0';
        threat++;
        TL_FUZZ_CHECK(!strcmp(threat, "impact") || !strcmp(threat, "overflight") ||
                      !strcmp(threat, "none"));
        p = strtod(prob, NULL);
        TL_FUZZ_CHECK(p >= 0.0 && p <= 1.0);
    }
}

static void warning(const uint8_t *data, size_t size)
{
    static const struct tl_release_group onward = { .partition = "JP.US.KR", .forward = 1 };
    struct tl_msg_warning m, out;
    const size_t head = size - 1 < sizeof m ? size - 1 : sizeof m;
    const size_t doc_len = size - 1 - head;
    char why[256], *doc = malloc(doc_len + 1);

    TL_FUZZ_CHECK(doc != NULL);
    memset(&m, 0, sizeof m);
    memcpy(&m, data + 1, head);
    memcpy(doc, data + 1 + head, doc_len);
    doc[doc_len] = '\0';
    m.origin[sizeof m.origin - 1] = '\0';
    m.identifier[sizeof m.identifier - 1] = '\0';
    m.relay[sizeof m.relay - 1] = '\0';
    m.areas[sizeof m.areas - 1] = '\0';
    m.cap_xml = doc;
    canonical(TL_MSG_WARNING, &m, data[0] >> 1);
    if (tl_msg_warning_check(&m, why, sizeof why) != TL_OK) {
        TL_FUZZ_CHECK(why[0] != '\0' && memchr(why, '\0', sizeof why) != NULL);
        free(doc);
        return;
    }
    TL_FUZZ_CHECK(strlen(m.origin) >= 2 && m.identifier[0] != '\0' && m.system_no > 0);
    TL_FUZZ_CHECK(strpbrk(m.identifier, " ,<&|") == NULL);
    TL_FUZZ_CHECK(m.msg_type >= 0 && m.msg_type <= 2 && m.sent_ns > 0 && m.first_onset_ns >= 0);
    TL_FUZZ_CHECK(strncmp(doc, "<?xml", 5) == 0 &&
                  strstr(doc, "urn:oasis:names:tc:emergency:cap:1.2") != NULL);
    check_areas(m.areas);
    /* the hub's release: the same message, forward set, the document borrowed */
    TL_FUZZ_CHECK(tl_release_group_warning(&onward, &m, &out) == 1);
    TL_FUZZ_CHECK(out.forward == 1 && out.cap_xml == m.cap_xml);
    out.forward = m.forward;
    TL_FUZZ_CHECK(tl_msg_canonical_size(TL_MSG_WARNING, &out) ==
                  tl_msg_canonical_size(TL_MSG_WARNING, &m));
    canonical(TL_MSG_WARNING, &out, data[0] >> 1);
    free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if ((data[0] & 1) == 0)
        track(data, size);
    else if ((data[0] >> 1) % 3 == 0)
        assess(data, size);
    else if ((data[0] >> 1) % 3 == 1)
        system_track(data, size);
    else
        warning(data, size);
    return 0;
}
