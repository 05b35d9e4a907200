/* Internal to the node module: a node is a list of stages and a loop that dispatches to them
 * (libuv's handles in spirit). The loop waits, lets each stage poll its readers, dispatches what a
 * stage produces to every stage that wants it, ticks them and stops them; it does no stage's work.
 * Adding a stage: CONTRIBUTING.md, "How to add a stage". */
#ifndef TL_NODE_STAGE_INT_H
#define TL_NODE_STAGE_INT_H

#include <signal.h>
#include <stdint.h>

#include "trilink/err.h"
#include "trilink/fuse.h"
#include "trilink/node.h"
#include "trilink/share.h"
#include "trilink/store.h"
#include "node_int.h"
#include "yamltree.h" /* src/util */

#define TL__NODE_MAX_STAGES 16
#define TL__NODE_MAX_LAT 400000  /* latency samples kept per kind (3.2 MB each) */

/* A partner's track or assessment that passed the provenance and field checks. */
struct tl__inbound {
    enum tl_msg_kind kind;        /* TL_MSG_TRACK or TL_MSG_ASSESSMENT */
    const void *msg;              /* struct tl_msg_track / tl_msg_assess */
    const char *peer;             /* nation it came from on the link */
    const char *partition;
    int origin;                   /* topology index of the originator */
    int third;                    /* hub only: the nation it was released onward to, else -1 */
};

/* A system track of the common picture changed (or ended: msg->ended). */
struct tl__system_update {
    const struct tl_fused *sys;
    const struct tl_msg_system *msg;
    const struct tl_store_system_extra *extra;
};

/* The node's figures, kept by the stages that see them, read by the summary and the status. */
struct tl__node_stats {
    long received[TL_MAX_NATIONS], relayed_in[TL_MAX_NATIONS]; /* by originator */
    int64_t last_relayed_ns[TL_MAX_NATIONS];                   /* scenario clock, last relayed receipt */
    long relayed_out, sent, rejected;
    long meas, meas_rejected;
    int own_tracks;                                            /* own tracks confirmed so far */
    int32_t own_track_base;                                    /* own track numbers before a restart */
    int routes_out, partitions_in;                             /* partitions written and read */
    double *lat_ms, *share_ms;                                 /* TL__NODE_MAX_LAT each */
    long n_lat, n_share;
};

struct tl__node;

/* One stage. Every hook may be NULL. A stage's state is `size` bytes, zeroed by the node. */
struct tl__stage_ops {
    const char *name;
    size_t size;
    /* Top-level configuration keys this stage owns (NULL-terminated; NULL: none), and their
     * parser: fills @p cfg from @p root, errors name the field (tl__ydiag). */
    const char *const *keys;
    int (*configure)(const struct tl__ynode *root, const char *file, struct tl_node_cfg *cfg,
                     struct tl_diag *diag);
    /* Start, in list order; a failure stops the start and destroys the started ones. */
    int (*start)(void *self, struct tl__node *n, struct tl_diag *diag);
    /* After every wake: take what the stage's readers hold and dispatch it. */
    void (*poll)(void *self);
    /* An own track update (any status but tentative) and its release region (NULL: none yet). */
    void (*own_track)(void *self, const struct tl_msg_track *m, const struct tl_release_where *w);
    void (*own_assess)(void *self, const struct tl_msg_assess *a, const struct tl_release_where *w);
    void (*inbound)(void *self, const struct tl__inbound *in);
    void (*system)(void *self, const struct tl__system_update *u);
    /* Every loop turn (about every 50 ms): the stage keeps its own timers. */
    void (*tick)(void *self, int64_t wall_ns);
    /* The loop ended (in list order): flush, say goodbye. A failure is the node's exit status. */
    int (*stop)(void *self, struct tl_diag *diag);
    /* Release everything, in reverse list order (also after a failed start). */
    void (*destroy)(void *self);
};

/* What every stage may use: the configuration, the scenario clock, the event log, and the shared
 * services the first stages set up (the store, the national bus, the picture). */
struct tl__node {
    const struct tl_node_cfg *cfg;
    int me;                                /* topology index */
    /* scenario clock: scenario time clk_scen_ns pinned to wall time clk_wall_ns by the feed */
    int64_t clk_scen_ns, clk_wall_ns;
    double clk_speed;
    struct tl__events ev;
    struct tl__node_stats stats;
    struct tl_store *st;                   /* storage stage */
    struct tl_bus_ctx *bus_ctx;            /* domain stage: the node's buses and their wait */
    struct tl_bus *nat;                    /* domain stage: the national domain */
    struct tl_bus_link {
        int partner;                       /* topology index */
        struct tl_bus *bus;
    } links[TL_MAX_NATIONS];               /* links stage: one bus per linked partner */
    int n_links;
    const struct tl_fuse *picture;         /* fusion stage: the common picture (read only) */
    /* fusion stage: of the system tracks that ended and left the picture (tl_fuse_compact), how
     * many, and the one tl__picture_main would still pick (ended tracks no longer change) */
    long n_ended;
    int have_best_ended;
    struct tl_fused best_ended;
    /* Waits for data up to @p timeout_s (the domain stage sets it; default: sleep). */
    void (*wait)(struct tl__node *n, double timeout_s);
    void *wait_ctx;
    int n_stages;
    struct tl__stage_slot {
        const struct tl__stage_ops *ops;
        void *self;
        int started;
    } stage[TL__NODE_MAX_STAGES];
};

/* The stages of a national node, in order (stages.c). */
extern const struct tl__stage_ops *const tl__node_stages[];
extern const int tl__node_n_stages;

/* Sets up @p n with @p ops (allocating each stage's state): TL_ENOMEM, TL_ERANGE. */
int tl__node_init(struct tl__node *n, const struct tl_node_cfg *cfg,
                  const struct tl__stage_ops *const *ops, int n_ops);
/* Starts the stages, runs until *@p stop, stops them; the first failure is returned. */
int tl__node_loop(struct tl__node *n, volatile sig_atomic_t *stop, struct tl_diag *diag);
/* Destroys the started stages (reverse order) and frees what tl__node_init allocated. */
void tl__node_fini(struct tl__node *n);

/* Dispatch to every stage with the hook, in list order (synchronous; a hook may dispatch). */
void tl__node_own_track(struct tl__node *n, const struct tl_msg_track *m,
                        const struct tl_release_where *w);
void tl__node_own_assess(struct tl__node *n, const struct tl_msg_assess *a,
                         const struct tl_release_where *w);
void tl__node_inbound(struct tl__node *n, const struct tl__inbound *in);
void tl__node_system(struct tl__node *n, const struct tl__system_update *u);

/* @p value, a path from configuration file @p cfg_path, resolved against the file's folder (a
 * relative path names a file beside the configuration, not in the starter's working folder). */
void tl__node_cfg_resolve(const char *cfg_path, char *value, size_t size);

/* The scenario clock now (0 until the feed has pinned it). */
int64_t tl__node_scen_now(const struct tl__node *n);

/* A system track of the picture: it has an estimate and was not merged into another. */
int tl__picture_holds(const struct tl_fused *s);
/* Whether @p a is preferred to @p b as the picture's main system track: more contributors,
 * then newer. */
int tl__picture_prefer(const struct tl_fused *a, const struct tl_fused *b);
/* The system track the status and summary describe, among the picture's and the ended ones:
 * most contributors, then newest. NULL: none. */
const struct tl_fused *tl__picture_main(const struct tl__node *n);

#endif
