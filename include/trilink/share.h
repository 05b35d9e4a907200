/* Sharing between national nodes: the messages, the coalition topology (who links to whom, on
 * which DDS domain and partition), the release policies that decide what leaves a node, and the
 * bus (Eclipse Cyclone DDS with DDS Security) that carries them.
 *
 * Only src/share/bus.c includes dds/dds.h; everything here is plain C. Messages mirror the IDL
 * types of idl/trilink.idl field for field (SI units, radians, UTC nanoseconds). */
#ifndef TRILINK_SHARE_H
#define TRILINK_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include "trilink/api.h"
#include "trilink/err.h"

#define TL_WIRE_VERSION 2 /**< 2: SystemTrack's impact, launch, class and end; the Clock topic */
#define TL_NATION_LEN 5   /**< "KR" plus room: the IDL's string<4> */
#define TL_MAX_NATIONS 4
#define TL_NP 21          /**< upper triangle of a 6x6 covariance */

/* Ranges of the enumerations the messages carry as plain ints. Their names live in the modules
 * above this one (enum tl_track_status in track.h, enum tl_phase in trajectory.h, enum tl_class in
 * assess.h), which share must not include; src/fuse/fuse.c asserts that the values agree. */
#define TL_MSG_TRACK_STATUS_MAX 3 /**< track status: 0 tentative .. 3 deleted */
#define TL_MSG_PHASE_MAX 4        /**< flight phase: 0 prelaunch (unknown) .. 4 impacted */
#define TL_MSG_CLASS_MAX 3        /**< class: 0 SRBM .. 3 ICBM (-1 unknown where allowed) */
#define TL_MSG_LOFT_MAX 2         /**< trajectory: 0 minimum energy, 1 lofted, 2 depressed */

/** The trajectory's loft as the wire carries it (Assessment.loft, SystemTrack.loft). */
enum tl_msg_loft { TL_LOFT_MINIMUM_ENERGY = 0, TL_LOFT_LOFTED = 1, TL_LOFT_DEPRESSED = 2 };

/** The wire loft of tl_assess_class's sign (> 0 lofted, < 0 depressed, 0 minimum energy). */
static inline int tl_msg_loft_of(int loft_sign)
{
    return loft_sign > 0 ? TL_LOFT_LOFTED : loft_sign < 0 ? TL_LOFT_DEPRESSED : TL_LOFT_MINIMUM_ENERGY;
}

/** "-lofted", "-depressed" or "" after a class name, for a wire loft. */
static inline const char *tl_msg_loft_suffix(int loft)
{
    return loft == TL_LOFT_LOFTED ? "-lofted" : loft == TL_LOFT_DEPRESSED ? "-depressed" : "";
}

/* ---- messages --------------------------------------------------------------------------- */

enum tl_msg_kind {
    TL_MSG_MEASUREMENT,
    TL_MSG_TRACK,
    TL_MSG_ASSESSMENT,
    TL_MSG_SYSTEM_TRACK,
    TL_MSG_STATUS,
    TL_MSG_CLOCK,
    TL_MSG_WARNING, /* last: the tables indexed by kind (topics, store fields) grow at the end */
    TL_N_MSG_KINDS,
};

/** Topic name of a message kind ("Track", ...). */
TL_API const char *tl_msg_topic(enum tl_msg_kind k);

struct tl_msg_meas {
    char nation[9];
    char sensor[33];
    int64_t t_ns, arrival_ns, sent_ns;
    double range_m, az_rad, el_rad, rr_mps;
};

struct tl_msg_track {
    char origin[TL_NATION_LEN];
    int32_t track_no;
    char relay[TL_NATION_LEN];
    int forward;
    int status;  /**< enum tl_track_status */
    int phase;   /**< enum tl_phase */
    int64_t t_ns, meas_ns, pub_ns;
    double x[6];
    double p[TL_NP];
    double accel[3], accel_sigma;   /**< thrust acceleration (boost): lets partners align in time */
    double drag_k, drag_k_sigma;    /**< drag coefficient (reentry) */
    char sensors[129];
    double sensor_ecef[3];
};

struct tl_msg_assess {
    char origin[TL_NATION_LEN];
    int32_t track_no;
    char relay[TL_NATION_LEN];
    int forward;
    int64_t t_ns, meas_ns, pub_ns;
    int has_launch;
    int64_t launch_ns;
    double launch_lat_rad, launch_lon_rad, launch_err_m;
    int64_t impact_ns;
    double impact_lat_rad, impact_lon_rad, semi_major_m, semi_minor_m, major_az_rad;
    double apogee_m;
    int cls, loft;
};

struct tl_msg_system {
    char owner[TL_NATION_LEN];
    int32_t system_no;
    int64_t t_ns;
    double x[6];
    double p[TL_NP];
    char contributors[97];
    int has_impact;
    double impact_lat_rad, impact_lon_rad, semi_major_m, semi_minor_m;
    int64_t impact_ns;        /**< predicted impact time, UTC ns (0: none) */
    double major_az_rad;      /**< azimuth of the ellipse's major axis (NaN: none) */
    int phase;                /**< enum tl_phase of the newest contribution (0 unknown) */
    int has_launch;
    int64_t launch_ns;
    double launch_lat_rad, launch_lon_rad, launch_err_m;
    int cls;                  /**< enum tl_class (0 SRBM..3 ICBM), -1 unknown */
    int loft;                 /**< 0 minimum energy, 1 lofted, 2 depressed */
    int ended;                /**< 1: the last sample of this system track (it is disposed) */
    int32_t merged_into;      /**< system number it was found to duplicate, 0 none */
};

struct tl_msg_status {
    char nation[TL_NATION_LEN];
    int64_t wall_ns, scenario_ns;
    int32_t tracks, system_tracks;
    int64_t audit_seq;
    unsigned char audit_head[32];
    int stopping;
};

/** The feed's scenario clock, on the national domain (partition = the nation code): scenario
 * time @p scenario_ns is wall time @p wall_ns, and runs @p speed times as fast. */
struct tl_msg_clock {
    char nation[TL_NATION_LEN];
    int64_t scenario_ns;      /**< UTC ns */
    int64_t wall_ns;          /**< UTC ns, the time base of tl_wall_ns() */
    double speed;             /**< scenario seconds per wall second, > 0 */
};

#define TL_WARNING_ID_LEN 81      /**< the IDL's string<80> */
#define TL_WARNING_AREAS_LEN 513  /**< the IDL's string<512> */
#define TL_WARNING_CAP_MAX 65536  /**< longest cap_xml the wire carries (string<65536>), bytes */
#define TL_WARNING_TAKE_MAX 16    /**< most warnings one tl_bus_take returns */

/** What the CAP message is (CAP 1.2 msgType). */
enum tl_msg_warning_type { TL_WARN_ALERT = 0, TL_WARN_UPDATE = 1, TL_WARN_CANCEL = 2 };

/**
 * A CAP 1.2 warning a nation's node issued to its own public (topic "Warning"; instance key
 * origin + identifier). Mirrors the IDL type but for its @c version (the bus's).
 *
 * The CAP document is a pointer, not an embedded string<65536>: arrays of warnings stay small
 * (under 700 bytes each) and struct copies cheap. Ownership of @c cap_xml:
 *  - to tl_bus_write, tl_msg_canonical and tl_msg_warning_check it is borrowed for the call;
 *  - a warning filled by tl_bus_take owns a malloc'd copy: free it with tl_msg_warning_free;
 *  - a struct copy (tl_release_group_warning's included) borrows the original's document, which
 *    must outlive it; never free both.
 */
struct tl_msg_warning {
    char origin[TL_NATION_LEN];           /**< the warning nation */
    char identifier[TL_WARNING_ID_LEN];   /**< the CAP identifier */
    char relay[TL_NATION_LEN];            /**< "" direct, else the hub that relayed it */
    int forward;                          /**< released for onward sharing (0 or 1) */
    int64_t sent_ns;                      /**< CAP sent, UTC ns */
    int64_t pub_ns;                       /**< wall clock at publication, UTC ns */
    int32_t system_no;                    /**< the system track it is about, > 0 */
    int msg_type;                         /**< enum tl_msg_warning_type */
    int all_clear;                        /**< 0 or 1 */
    int exercise;                         /**< 0 or 1 */
    /** "JP-02:overflight:0.97 JP:impact:0.40": code:threat:probability tokens, one space
     * between tokens; threat impact, overflight or none; probability in [0, 1]. May be "". */
    char areas[TL_WARNING_AREAS_LEN];
    int64_t first_onset_ns;               /**< earliest onset (impact or overflight), 0 none */
    const char *cap_xml;                  /**< the CAP 1.2 document (UTF-8); see above */
};

/** Frees the document of a warning filled by tl_bus_take and sets @c cap_xml to NULL; NULL
 * allowed (as @p m, and as its document). Only for warnings that own their document. */
TL_API void tl_msg_warning_free(struct tl_msg_warning *m);

/**
 * Canonical text of a message: every field, in IDL order, numbers with 17 significant digits,
 * separated by '|'. What the audit log digests and the storage keeps; independent of struct
 * padding and byte order. Returns the length (truncated to @p size - 1 like snprintf). A
 * Warning's text holds its whole CAP document (NULL prints as ""): size its buffer with
 * tl_msg_canonical_size.
 */
TL_API size_t tl_msg_canonical(enum tl_msg_kind k, const void *msg, char *buf, size_t size);
/** Buffer size the whole canonical text of @p msg needs: its length plus 1 (formats it once). */
TL_API size_t tl_msg_canonical_size(enum tl_msg_kind k, const void *msg);

/** Index of (i, j), i <= j, in the upper triangle of a 6x6 matrix stored row by row. */
static inline int tl_ut6(int i, int j)
{
    if (i > j) {
        int t = i;
        i = j;
        j = t;
    }
    return i * 6 - i * (i - 1) / 2 + (j - i);
}

/**
 * Checks a track received from a partner: version handled by the bus; here every number finite,
 * position between 6,000 and 50,000 km from the Earth's centre, speed below 12 km/s, covariance
 * with positive diagonal, known status and phase, nation codes of upper-case letters. Returns
 * TL_OK or TL_ERANGE with @p why (may be NULL) naming the field and value.
 */
TL_API int tl_msg_track_check(const struct tl_msg_track *m, char *why, size_t why_size);
/** The same for an assessment: latitudes in [-pi/2, pi/2], ellipse axes >= 0 and finite, ... */
TL_API int tl_msg_assess_check(const struct tl_msg_assess *m, char *why, size_t why_size);
/**
 * The same for a system track: owner a nation code, positive number, finite state and
 * covariance; when present the impact (latitude, longitude, axes, time >= 0, azimuth finite or
 * NaN for none) and the launch point; phase, class (-1 allowed), loft and the flags in range;
 * merged_into >= 0 and not its own number. The bus drops a received system track that fails it.
 */
TL_API int tl_msg_system_check(const struct tl_msg_system *m, char *why, size_t why_size);
/**
 * The same for a warning: origin (and relay, when set) nation codes of 2-4 upper-case letters;
 * identifier non-empty, without space, comma, '<' or '&' (CAP 1.2 section 3.2.1), '|' (the
 * canonical text's separator) or control characters; sent_ns > 0; system_no > 0; msg_type 0..2;
 * forward, all_clear and exercise 0 or 1; first_onset_ns >= 0; areas as struct tl_msg_warning
 * says (codes of 2-15 upper-case letters, digits or '-', starting with two letters); cap_xml
 * non-NULL, at most TL_WARNING_CAP_MAX bytes, starting with "<?xml" and containing the CAP 1.2
 * namespace "urn:oasis:names:tc:emergency:cap:1.2". The bus drops a received warning that fails
 * it (logged). Returns TL_OK or TL_ERANGE with @p why (may be NULL) naming the field and value.
 */
TL_API int tl_msg_warning_check(const struct tl_msg_warning *m, char *why, size_t why_size);

/* ---- topology ---------------------------------------------------------------------------- */

/**
 * The coalition: its nations, and either a hub through which every other pair is relayed (the
 * KR-US-JP arrangement) or a full mesh. Every bilateral link is a DDS domain of its own whose
 * only members are the two nations' nodes, so "no direct link" holds on the wire: a nation's
 * permissions do not even let it join a domain it has no link in. Each nation also has a
 * national domain for its own sensor feed and fused picture.
 *
 * Domain ids: national domain of nation i = base + i; link (i, j), i < j, = base + n + k where k
 * numbers the pairs in order (0,1), (0,2), ..., (1,2), ...
 */
struct tl_topology {
    int n;
    char nation[TL_MAX_NATIONS][TL_NATION_LEN];
    int hub;          /**< index of the hub, or -1 for a full mesh */
    int domain_base;
};

/** Builds a topology from "KR,US,JP"; @p hub is a nation code or NULL/"" for a full mesh. */
TL_API int tl_topology_make(const char *nations, const char *hub, int domain_base,
                            struct tl_topology *t, struct tl_diag *diag);
TL_API int tl_topology_index(const struct tl_topology *t, const char *nation); /**< -1 if absent */
/** Whether nations i and j have a direct link. */
TL_API int tl_topology_linked(const struct tl_topology *t, int i, int j);
TL_API int tl_topology_national_domain(const struct tl_topology *t, int i);
/** Domain of the link between i and j, or -1 when they have none. */
TL_API int tl_topology_link_domain(const struct tl_topology *t, int i, int j);

/**
 * Partition name of a release group: the route of the data, origin first. "KR.US" is what Korea
 * releases to the US alone; "KR.US.JP" what Korea releases to the US for onward sharing with
 * Japan (written by KR on the KR-US link, and by the US hub on the US-JP link). Empty @p third
 * for a bilateral group.
 */
TL_API void tl_partition_name(char *buf, size_t size, const char *origin, const char *next,
                              const char *third);

/* ---- release policies ------------------------------------------------------------------- */

#define TL_MAX_AREAS 8
#define TL_MAX_AREA_POINTS 64

/** A polygon on the ellipsoid, vertices in order (radians). */
struct tl_area {
    char name[32];
    int n;
    double lat_rad[TL_MAX_AREA_POINTS], lon_rad[TL_MAX_AREA_POINTS];
};

/** Whether (lat, lon) lies inside @p a (even-odd rule on the lat/lon plane, the longitude
 * difference taken in (-pi, pi] from the first vertex, so areas may straddle the antimeridian). */
TL_API int tl_area_contains(const struct tl_area *a, double lat_rad, double lon_rad);

enum { TL_RELEASE_TRACKS = 1, TL_RELEASE_ASSESSMENTS = 2 };

/** What one nation releases to one partner. Enforced where data leaves the node. */
struct tl_release_policy {
    char partner[TL_NATION_LEN];
    unsigned kinds;              /**< TL_RELEASE_* bits */
    int withhold_sensors;        /**< blank the contributing sensor ids */
    int withhold_sensor_position;/**< zero the sensor position */
    double coarsen_pos_m;        /**< position sigma raised to at least this per axis (0: none) */
    double coarsen_vel_mps;      /**< velocity sigma raised to at least this per axis (0: none) */
    int n_areas;                 /**< 0: everywhere; else launch or impact point inside one */
    struct tl_area area[TL_MAX_AREAS];
    int n_forward;               /**< third nations the partner may forward to */
    char forward[TL_MAX_NATIONS][TL_NATION_LEN];
};

/** Where an object comes from and goes: for the area filter. NaN latitude: unknown. */
struct tl_release_where {
    double launch_lat_rad, launch_lon_rad;
    double impact_lat_rad, impact_lon_rad;
};

/** Whether @p p lets its partner forward to @p third. */
TL_API int tl_release_may_forward(const struct tl_release_policy *p, const char *third);

/**
 * Applies @p p to a track: returns 1 and writes the released copy into @p out (which may be @p in),
 * or 0 when nothing may be released (kind not released, outside every area, or where unknown
 * while areas are set). Coarsening inflates the covariance: each position (velocity) variance is
 * raised to the floor and the correlations kept, so the result stays positive definite.
 */
TL_API int tl_release_track(const struct tl_release_policy *p, const struct tl_msg_track *in,
                            const struct tl_release_where *where, struct tl_msg_track *out);
TL_API int tl_release_assess(const struct tl_release_policy *p, const struct tl_msg_assess *in,
                             const struct tl_release_where *where, struct tl_msg_assess *out);

/** One release group a nation writes its own data to: the partition on the link to @p next,
 * the policies that apply (the next hop's, then the third nation's for onward sharing) and
 * whether the samples carry forward = true. */
struct tl_release_group {
    char partition[24];
    int next;                              /**< topology index of the linked partner */
    const struct tl_release_policy *pol[2];/**< pol[1] NULL for a bilateral group */
    int forward;
};

/**
 * The release groups of nation @p me: for each linked partner with a policy, the bilateral group
 * "ME.P"; and when that partner is the hub and its policy lets it forward to a third nation that
 * has a policy of its own here, the onward group "ME.HUB.THIRD". Returns the count (<= @p max).
 */
TL_API int tl_release_groups(const struct tl_topology *t, int me,
                             const struct tl_release_policy *policies, int n_policies,
                             struct tl_release_group *out, int max);

/** Applies a group's policies to a track: 1 and the copy to publish, or 0 (nothing). */
TL_API int tl_release_group_track(const struct tl_release_group *g, const struct tl_msg_track *in,
                                  const struct tl_release_where *where, struct tl_msg_track *out);
TL_API int tl_release_group_assess(const struct tl_release_group *g,
                                   const struct tl_msg_assess *in,
                                   const struct tl_release_where *where,
                                   struct tl_msg_assess *out);

/**
 * The release groups of nation @p me for its warnings, which are public information and so need
 * no policy: every linked partner P gets the bilateral group "ME.P"; when P is the hub, every
 * third nation T the onward group "ME.HUB.T" (forward = 1), which the hub relays as it relays
 * assessments. Partitions are those the permissions grant (tl_pki_permissions_xml). Returns the
 * count (<= @p max).
 */
TL_API int tl_release_warning_groups(const struct tl_topology *t, int me,
                                     struct tl_release_group *out, int max);
/**
 * Applies a group to a warning (from tl_release_warning_groups or tl_release_groups; a warning is
 * never withheld, coarsened or filtered by area, so the group's policies are not consulted):
 * writes the copy to publish into @p out (which may be @p in; it borrows @p in's cap_xml) with
 * forward set from the group, and returns 1; 0 when an argument is NULL.
 */
TL_API int tl_release_group_warning(const struct tl_release_group *g,
                                    const struct tl_msg_warning *in, struct tl_msg_warning *out);

/* ---- the bus (Cyclone DDS) --------------------------------------------------------------- */

/** DDS Security material of one participant: file paths (the bus adds the "file:" prefix). All
 * empty: security off (tests of the plain bus and the benchmark's baseline only). */
struct tl_security {
    char identity_ca[512], identity_cert[512], private_key[512], trusted_ca_dir[512];
    char permissions_ca[512], governance[512], permissions[512];
};

/*
 * Threads. A context (struct tl_bus_ctx) owns the waitset its buses' readers are attached to:
 * one per thread that waits (a node, a feed, a fault injector). A context, its buses and their
 * endpoints are used by one thread at a time; different contexts may be used from different
 * threads at once (Cyclone DDS is thread-safe across entities, and the bus keeps no state outside
 * its objects). Two contexts should not open buses in the same domain: the first participant of a
 * domain in a process fixes the domain's configuration, and its bus deletes the domain when it
 * closes (within one context, the ownership passes to the context's next bus in that domain).
 * tl_wall_ns() may be called from any thread.
 */
struct tl_bus_ctx; /* the waitset of one waiting thread, and the buses opened in it */
struct tl_bus;     /* one DDS participant in one domain */
struct tl_bus_ep;  /* one reader or writer */

/** Status of a reader: how many writers it matches and how many are alive (liveliness). */
struct tl_bus_health {
    int matched, alive, not_alive_events, deadline_missed;
};

/**
 * Creates a context: an empty waitset. Returns owned (free with tl_bus_ctx_destroy).
 * @retval TL_OK, TL_EINVAL (@p out NULL), TL_ENOMEM, TL_EIO (Cyclone DDS refused the waitset;
 * its return code in @p diag)
 */
TL_API int tl_bus_ctx_create(struct tl_bus_ctx **out, struct tl_diag *diag);
/** Destroys @p ctx after its buses are closed (one still open is closed here); NULL allowed. */
TL_API void tl_bus_ctx_destroy(struct tl_bus_ctx *ctx);

/**
 * Opens a participant in @p domain on loopback (interface lo, no multicast, peer 127.0.0.1),
 * with @p sec (NULL or all empty: no security), in context @p ctx (retained: it must outlive the
 * bus): the readers of the bus are attached to the context's waitset. @p log_name prefixes the
 * bus's own log lines (security denials, rejected samples) on stderr.
 * @retval TL_OK, TL_EINVAL (@p ctx or @p out NULL, domain outside 0..232), TL_ENOMEM,
 * TL_EACCESS (participant refused by DDS Security), TL_EIO (participant refused: bad certificate,
 * permissions or governance; the Cyclone return code is in @p diag)
 */
TL_API int tl_bus_open(struct tl_bus_ctx *ctx, int domain, const struct tl_security *sec,
                       const char *log_name, struct tl_bus **out, struct tl_diag *diag);
TL_API void tl_bus_close(struct tl_bus *bus); /**< closes its endpoints too; NULL allowed */

/**
 * A writer of @p kind on @p partition. QoS (why, in bus.c): reliable, keep-last 1 per instance,
 * transient-local (warnings too: a late joiner gets every CAP message still held); the status
 * writer adds liveliness and deadline; the measurement feed is keep-all and volatile, the clock
 * keep-last 1 and volatile.
 * @retval TL_OK, TL_EACCESS (denied by DDS Security permissions; logged), TL_EIO
 */
TL_API int tl_bus_writer(struct tl_bus *bus, enum tl_msg_kind kind, const char *partition,
                         struct tl_bus_ep **out, struct tl_diag *diag);
/** A reader of @p kind on @p partition (same QoS). */
TL_API int tl_bus_reader(struct tl_bus *bus, enum tl_msg_kind kind, const char *partition,
                         struct tl_bus_ep **out, struct tl_diag *diag);
/** Writes one message (the struct matching the endpoint's kind). A warning's cap_xml is borrowed
 * for the call; NULL gives TL_EINVAL, one longer than TL_WARNING_CAP_MAX TL_ERANGE (nothing
 * written: the wire would truncate it). */
TL_API int tl_bus_write(struct tl_bus_ep *w, const void *msg);
/** Writes and disposes the instance (a track that ended): late joiners no longer get it. */
TL_API int tl_bus_write_dispose(struct tl_bus_ep *w, const void *msg);
/**
 * Takes up to @p max messages into @p msgs (an array of the endpoint's struct). Samples of another
 * wire version are dropped and counted in *@p bad_version (may be NULL); so are system tracks that
 * fail tl_msg_system_check and warnings that fail tl_msg_warning_check (logged). Returns the
 * number taken or a negative TL_E* code.
 *
 * Warnings: at most TL_WARNING_TAKE_MAX per call (each takes a 66 kB wire sample); each one
 * returned owns a malloc'd copy of its cap_xml, which the caller frees with tl_msg_warning_free
 * (a warning whose copy cannot be allocated is dropped and logged).
 */
TL_API int tl_bus_take(struct tl_bus_ep *r, void *msgs, int max, long *bad_version);
/**
 * Blocks up to @p timeout_s for data on any reader of any bus opened in @p ctx (returns at once if
 * one has data; readers of other contexts do not wake it).
 * @retval TL_OK (data, or the timeout passed), TL_EINVAL (@p ctx NULL), TL_EIO
 */
TL_API int tl_bus_wait(struct tl_bus_ctx *ctx, double timeout_s);
TL_API int tl_bus_health(struct tl_bus_ep *ep, struct tl_bus_health *h);
/** Blocks until the writer has matched at least @p n readers, or @p timeout_s passes. */
TL_API int tl_bus_wait_matched(struct tl_bus_ep *ep, int n, double timeout_s);
/** Wall clock, UTC nanoseconds (the time base of meas_ns and sent_ns). */
TL_API int64_t tl_wall_ns(void);

#endif
