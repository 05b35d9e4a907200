/* A national node (trilinkd): its own sensors' feed in, tracking and assessment, release to each
 * partner, the relay at the hub, fusion of everything into one common picture, storage and audit.
 * The feed that drives it in an exercise is trilink/feed.h. */
#ifndef TRILINK_NODE_H
#define TRILINK_NODE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "trilink/api.h"
#include "trilink/err.h"
#include "trilink/sensor.h"
#include "trilink/share.h"
#include "trilink/warn.h"

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
    /** The `warn:` block: the nation's public warnings (enabled only when the block is there). */
    struct tl_node_warn_cfg {
        int enabled;
        char out[512];            /**< folder of the CAP files and warnings.csv */
        char areas[512];          /**< the area data (land.geojson, eez.geojson) */
        int exercise;             /**< every message has status Exercise */
        struct tl_warn_rules rules;
    } warn;
};

/** Reads and validates a node's YAML configuration: errors name the file, line and field. */
TL_API int tl_node_cfg_load(const char *path, struct tl_node_cfg *cfg, struct tl_diag *diag);

/** Runs the node until *@p stop becomes non-zero (SIGINT/SIGTERM), then shuts down cleanly:
 * last status with `stopping`, storage committed, summary written. */
TL_API int tl_node_run(const struct tl_node_cfg *cfg, volatile sig_atomic_t *stop,
                       struct tl_diag *diag);

#endif
