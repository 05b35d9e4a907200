/* OASIS Common Alerting Protocol 1.2 messages for a missile warning: the message model the warn
 * stage fills, and its XML (libxml2's xmlTextWriter). One `info` block per language (English and
 * the nation's own: ja-JP for JP, ko-KR for KR; en-US only for US) and per group of areas that
 * share urgency, severity, certainty and response. Text is written for the public in the plain
 * style of J-Alert and the Korean emergency alerts. */
#ifndef TRILINK_CAP_H
#define TRILINK_CAP_H

#include <stddef.h>
#include <stdint.h>

#include "trilink/api.h"
#include "trilink/err.h"

#define TL_CAP_MAX_AREAS 64
#define TL_CAP_MAX_REFS 128
#define TL_CAP_MAX_OUTLINE 64 /* lat,lon pairs of an area's outline */

enum tl_cap_type { TL_CAP_ALERT = 0, TL_CAP_UPDATE = 1, TL_CAP_CANCEL = 2 };
/** What an area is warned of; NONE: the area is released (no longer threatened). */
enum tl_cap_threat { TL_CAP_IMPACT = 0, TL_CAP_OVERFLIGHT = 1, TL_CAP_NONE = 2 };

/** A message this one follows (CAP `references`: sender,identifier,sent). */
struct tl_cap_ref {
    char sender[64];
    char identifier[96];
    int64_t sent_ns;   /**< UTC ns; written with the message's own UTC offset */
};

struct tl_cap_area {
    char code[16];         /**< ISO 3166-2 for land, ISO alpha-2 for an EEZ */
    int is_eez;            /**< geocode valueName "EEZ" (else "ISO3166-2") */
    char name[64];         /**< English */
    char name_local[128];  /**< in the nation's language, UTF-8 ("" none: the English is used) */
    enum tl_cap_threat threat;
    double probability;    /**< of the threat, 0..1 */
    int64_t onset_ns;      /**< predicted impact, or overflight entry, UTC ns (0 unknown) */
    const char *urgency;   /**< CAP tokens: "Immediate", "Expected", ... "Past" */
    const char *severity;  /**< "Extreme", "Severe", ... "Minor" */
    const char *certainty; /**< "Observed", "Likely", "Possible", "Unlikely" */
    int n_outline;         /**< pairs in outline_deg, >= 4 and closed; 0: use the circle */
    double outline_deg[2 * TL_CAP_MAX_OUTLINE]; /**< lat, lon pairs (degrees) */
    double circle_lat_deg, circle_lon_deg, circle_radius_km;
};

/** One CAP message about one missile (one system track). */
struct tl_cap_msg {
    char nation[4];        /**< the warning nation: "JP", "KR", "US" (sets the second language) */
    char sender[64];       /**< e.g. "trilink@jp.example" */
    char sender_name[96];  /**< e.g. "trilink Japan node" */
    char identifier[96];
    int64_t sent_ns;       /**< UTC ns, written to the second */
    int utc_offset_min;    /**< offset the times are written in (+540 for JST/KST) */
    int exercise;          /**< 1: status Exercise (never Actual) */
    enum tl_cap_type type;
    int all_clear;         /**< an Update whose every info has responseType AllClear */
    int n_refs;
    struct tl_cap_ref refs[TL_CAP_MAX_REFS];
    int32_t system_no;     /**< the fused system track number */
    /* what is known of the missile (for headline and description) */
    int has_launch;
    int64_t launch_ns;
    double launch_lat_deg, launch_lon_deg, launch_err_m;
    char launch_area[64];        /**< English name of the launch area ("" unknown): "Jagang" */
    char launch_area_local[128]; /**< in the nation's language */
    char launch_state[4];        /**< ISO alpha-2 of the launching state ("KP"), "" unknown */
    char cls[16];          /**< "srbm" ... "icbm", "" unknown */
    int loft;              /**< 0 minimum energy, 1 lofted, 2 depressed */
    double apogee_km;      /**< NaN unknown */
    double heading_deg;    /**< of the ground track, NaN unknown */
    int powered;           /**< still in boost: class, apogee and impact are not told */
    int has_impact;
    int64_t impact_ns;
    double impact_lat_deg, impact_lon_deg, semi_major_m, semi_minor_m, major_az_deg;
    char impact_where[160];       /**< English: "inside Japan's EEZ, about 250 km west of Aomori" */
    char impact_where_local[256]; /**< the same in the nation's language */
    int fallen;            /**< all clear: 1 it fell (where: impact_*), 0 it passed */
    char cancel_reason[128];       /**< Cancel: why the warning is withdrawn (English) */
    char cancel_reason_local[256];
    int64_t expires_ns;
    int n_areas;
    struct tl_cap_area areas[TL_CAP_MAX_AREAS];
};

/** @p utc_ns written as CAP's dateTime with the offset: "2022-10-04T07:27:00+09:00" (rounded
 * down to the second; @p out of at least 26 bytes). @retval TL_OK, TL_EINVAL. */
TL_API int tl_cap_time(int64_t utc_ns, int utc_offset_min, char *out, size_t out_size);

/**
 * The message as a CAP 1.2 XML document (UTF-8). Checks the message first (identifier and sender
 * without spaces, commas or '<' '&'; a Cancel or Update with references; areas with a code and
 * CAP tokens; finite coordinates) and refuses a bad one with TL_EINVAL naming the field.
 * @p *xml is malloc'd, to be freed by the caller. @retval TL_OK, TL_EINVAL, TL_ENOMEM.
 */
TL_API int tl_cap_xml(const struct tl_cap_msg *m, char **xml, size_t *len, struct tl_diag *diag);

/** tl_cap_xml written to @p path atomically (a temporary file renamed). @retval TL_OK,
 * TL_EINVAL, TL_EIO, TL_ENOMEM. */
TL_API int tl_cap_write(const struct tl_cap_msg *m, const char *path, struct tl_diag *diag);

#endif
