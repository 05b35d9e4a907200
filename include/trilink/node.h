/* A national node (trilinkd): its own sensors' feed in, tracking and assessment, release to each
 * partner, the relay at the hub, fusion of everything into one common picture, storage and audit.
 * Also the feed: a scenario's measurements published in real time to each nation's node. */
#ifndef TRILINK_NODE_H
#define TRILINK_NODE_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "trilink/api.h"
#include "trilink/err.h"
#include "trilink/sensor.h"
#include "trilink/share.h"

struct tl_node_cfg {
    char file[256];
    char nation[TL_NATION_LEN];
    struct tl_topology topo;
    struct tl_sensor_set sensors; /**< this nation's sensors only */
    char storage[512];
    char summary[512];            /**< "" none: JSON written at shutdown */
    int security;                 /**< 0 only when the file says `security: off` */
    char pki[512];
    struct tl_security sec;
    int n_partners;
    struct tl_release_policy partner[TL_MAX_NATIONS];
    int relay;                    /**< hub: republish what partners released for forwarding */
    double lag_s;                 /**< tracker lag (1 s) */
    double status_every_s;        /**< printed status period, wall seconds (2; 0: never) */
    int64_t wall0_ns;             /**< wall time of scenario time 0 at the feed's speed (for the
                                       printed scenario clock; 0: unknown) */
    double speed;
};

/** Reads and validates a node's YAML configuration: errors name the file, line and field. */
TL_API int tl_node_cfg_load(const char *path, struct tl_node_cfg *cfg, struct tl_diag *diag);

/** Runs the node until *@p stop becomes non-zero (SIGINT/SIGTERM), then shuts down cleanly:
 * last status with `stopping`, storage committed, summary written. */
TL_API int tl_node_run(const struct tl_node_cfg *cfg, volatile sig_atomic_t *stop,
                       struct tl_diag *diag);

/** One report for the feed: which nation's node gets it. */
struct tl_feed_item {
    int nation;          /**< index in the topology */
    int quiet;           /**< in a quiet stretch: sent at once (see tl_feed_mark_quiet) */
    struct tl_msg_meas m;
};

/** How far a running feed has come, for another thread (a status line, a fault schedule). */
struct tl_feed_progress {
    _Atomic int64_t wall0_ns;   /**< wall time of scenario time t0 (0 until the feed starts) */
    _Atomic int64_t scen_ns;    /**< arrival time of the last report sent, scenario UTC ns */
    _Atomic int64_t skipped_ns; /**< scenario time passed at full speed so far (quiet stretches) */
    _Atomic long sent;          /**< reports sent */
};

/**
 * Publishes @p n reports (in arrival order) to each nation's node over its national domain, in
 * real time times @p speed: report i leaves at wall0 + (arrival_i - t0) / speed, except that a
 * report marked quiet leaves at once and moves the schedule of all later ones earlier by the time
 * saved. Waits up to 60 s for every nation's node to listen first. Security material from
 * @p pki_dir ("" for none; its files are checked first, naming a missing one). @p progress (may
 * be NULL) is updated as it goes.
 * @retval TL_OK, TL_EINVAL, TL_EIO (PKI or bus refused: @p diag says why), TL_ETIMEDOUT.
 */
TL_API int tl_feed_run(const struct tl_topology *t, const char *pki_dir,
                       const struct tl_feed_item *items, size_t n, int64_t t0_ns, double speed,
                       volatile sig_atomic_t *stop, struct tl_feed_progress *progress,
                       struct tl_diag *diag);

/**
 * Marks the quiet stretches of a feed (--skip-quiet): a report is quiet when it is not a real
 * object's (@p real[i] == 0: clutter) and no real object's report arrives within @p margin_s
 * before or after it. Nothing that changes the picture is sped up, provided the margin covers the
 * tracker's lag and the assessment period. @p items in arrival order.
 */
TL_API void tl_feed_mark_quiet(struct tl_feed_item *items, const int *real, size_t n,
                               double margin_s);

#endif
