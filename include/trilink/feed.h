/* The feed: a scenario's sensor reports published in real time (times a speed) to each nation's
 * node, on its national domain, with that nation's identity, and the feed's scenario clock on the
 * Clock topic. It drives the nodes of an exercise (trilink demo, trilink sim --realtime). */
#ifndef TRILINK_FEED_H
#define TRILINK_FEED_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "trilink/api.h"
#include "trilink/err.h"
#include "trilink/share.h"

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
