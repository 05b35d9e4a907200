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
    struct tl_msg_meas m;
};

/**
 * Publishes @p n reports (in arrival order) to each nation's node over its national domain, in
 * real time times @p speed: report i leaves at wall0 + (arrival_i - arrival_0) / speed. Waits up
 * to 60 s for every nation's node to listen first. Security material from @p pki_dir ("" for
 * none). *@p wall0_ns gets the wall time of scenario time @p t0_ns; so does *@p wall0_shared
 * (may be NULL), as soon as it is fixed, for another thread (a fault schedule) to read.
 */
TL_API int tl_feed_run(const struct tl_topology *t, const char *pki_dir,
                       const struct tl_feed_item *items, size_t n, int64_t t0_ns, double speed,
                       volatile sig_atomic_t *stop, int64_t *wall0_ns,
                       _Atomic int64_t *wall0_shared, struct tl_diag *diag);

#endif
