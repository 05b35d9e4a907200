/* Fusion: one common picture from a node's own national tracks and its partners'.
 *
 * Track-to-track: a national track (own or received) is time-aligned to a system track by
 * propagating the system estimate with the ballistic model, and associated when the 6-dof
 * chi-square test on position and velocity passes (Bar-Shalom, Willett & Tian, "Tracking and
 * Data Fusion", ch. 9). Estimates of different nations share unknown common process noise and,
 * through the relay, may share data, so they are fused by covariance intersection (Julier &
 * Uhlmann 1997): the fused covariance is consistent whatever the cross-correlation. The weight
 * minimises the major axis of the linearised impact ellipse (J P J^T, J the impact point's
 * sensitivity to the state, refreshed with each impact prediction), and before the first
 * prediction the determinant; either way the fused estimate is never worse by that measure than
 * the best input.
 *
 * Data incest: only national tracks are shared (never fused ones), and a contribution is keyed by
 * (origin nation, origin track number), so the same track arriving directly and through the relay
 * is one contribution, replaced by its newest sample, never counted twice.
 *
 * System track numbers are assigned once and never change or get reused: a contributing track
 * that drops leaves the system track to the others, and a new national track of the same missile
 * joins the existing system track through the gate.
 */
#ifndef TRILINK_FUSE_H
#define TRILINK_FUSE_H

#include <stdint.h>

#include "trilink/api.h"
#include "trilink/assess.h"
#include "trilink/earth.h"
#include "trilink/err.h"
#include "trilink/share.h"

#define TL_FUSE_MAX_CONTRIB 8

struct tl_fuse_cfg {
    struct tl_earth earth;
    double gate_prob;     /**< chi-square gate probability, 6 dof (0.9999) */
    double stale_s;       /**< a contribution older than the newest by more is not fused (20 s) */
    double drop_s;        /**< a system track ends this long after its predicted impact, or
                               after its last contribution left (60 s) */
    double assess_every_s;/**< fused impact prediction period per system track (2 s) */
    double assoc_pos_m;   /**< model-mismatch floor added to the association gate per position
                               axis (1,000 m): national trackers are not perfectly consistent
                               (reentry especially), and a missed association costs a duplicate
                               system track; closely spaced objects stay apart through the
                               one-track-per-nation rule */
    double assoc_vel_mps; /**< the same for velocity (100 m/s) */
};

TL_API struct tl_fuse_cfg tl_fuse_cfg_default(void);

/** What the time alignment needs beyond position and velocity: the flight phase, and the thrust
 * acceleration (boost) or drag coefficient (reentry) the originator estimated. */
struct tl_fuse_dyn {
    int phase;                 /**< enum tl_phase */
    double accel[3], accel_sigma;
    double drag_k, drag_k_sigma;
};

struct tl_fuse_contrib {
    char origin[TL_NATION_LEN];
    int32_t track_no;
    char relay[TL_NATION_LEN];
    int64_t t_ns;
    double x[6], p[TL_NP];
    struct tl_fuse_dyn dyn;
    int status;
    int have_assess;
    struct tl_msg_assess assess;
};

struct tl_fused {
    int32_t system_no;
    int64_t t_ns;            /**< validity of the fused state */
    double x[6], p[TL_NP];
    struct tl_fuse_dyn dyn;  /**< of the newest contribution */
    int n_contrib;
    struct tl_fuse_contrib c[TL_FUSE_MAX_CONTRIB];
    int has_impact;
    struct tl_impact_pred impact; /**< from the fused state; impact.t_s in seconds since 1970 */
    int64_t impact_at_ns;    /**< state time of the last fused impact prediction */
    int have_J;              /**< J below is known */
    double J[2][6];          /**< sensitivity of the impact point (east, north) to the state,
                                  refreshed with each impact prediction: CI's weight minimises
                                  the linearised impact ellipse's major axis */
    double fused_semi_major_m; /**< semi-major axis of the prediction from the fused state
                                    (impact holds a single nation's when that one is tighter) */
    int n_single;            /**< contributions fused into that prediction (when 2 or more) */
    double best_single_semi_major_m; /**< smallest 95 % semi-major axis among those
                                          contributions' own predictions, same time and method */
    int has_launch;          /**< best (smallest error) launch point among contributions */
    double launch_lat_rad, launch_lon_rad, launch_err_m;
    int64_t launch_ns;
    int64_t last_live_ns;    /**< newest contribution time */
    int ended;
    int32_t merged_into;     /**< non-zero: found to be the same object as that system track
                                  (an association missed at the start), and ended */
    int64_t restored_t_ns;   /**< restored and not seen since: time of the stored state (0: none) */
    double restored_y[6];    /**< and its ECEF position and velocity */
    int restored_phase;      /**< and its phase (enum tl_phase, 0 unknown) */
};

struct tl_fuse;

/** @p owner is this node's nation; system numbers start at @p first_no (a restarted node
 * continues after its stored numbers). */
TL_API int tl_fuse_create(const struct tl_fuse_cfg *cfg, const char *owner, int32_t first_no,
                          struct tl_fuse **out);
TL_API void tl_fuse_destroy(struct tl_fuse *f); /**< NULL allowed */

/**
 * Enters a national track sample (already checked). Tentative tracks are ignored; a deleted one
 * leaves its system track. A sample that joins no system track takes up a restored one not seen
 * since the restart that could have flown to it (tl_fuse_restore_last: stored in boost, within
 * 1,000 km plus 8 km/s of the time between; coasting, within 50 km plus 50 m/s of the time
 * between of its stored state flown on ballistically; the nearest of them), else starts one,
 * unless it is older than
 * drop_s by the clock (tl_fuse_clock, tl_fuse_expire: a partner's backlog). On return
 * *@p system_no is its system track (0: none) and *@p updated whether the fused estimate changed.
 */
TL_API int tl_fuse_track(struct tl_fuse *f, const struct tl_msg_track *m, int32_t *system_no,
                         int *updated);
/** The scenario clock now (UTC ns), which only moves forward: samples older than drop_s by it
 * start no system track. tl_fuse_expire sets it too. NULL allowed. */
TL_API void tl_fuse_clock(struct tl_fuse *f, int64_t now_ns);
/** Enters an assessment: kept with its contribution, for the launch point. */
TL_API int tl_fuse_assess(struct tl_fuse *f, const struct tl_msg_assess *a);
/**
 * Binds contributions to a system number before any data (restart: numbers stay stable), creating
 * the system track if need be. @p contributors is tl_fuse_contributors' text ("KR:3,US:1"; NULL or
 * "" binds none); entries beyond TL_FUSE_MAX_CONTRIB are not read. May add a system track: see
 * tl_fuse_get about pointers.
 * @retval TL_OK
 * @retval TL_EINVAL  @p f NULL or @p system_no < 1.
 * @retval TL_EPARSE  an entry is not NATION:NUMBER; the fusion is unchanged.
 * @retval TL_ENOMEM  no room for a new system track; the fusion is unchanged.
 */
TL_API int tl_fuse_restore(struct tl_fuse *f, int32_t system_no, const char *contributors);
/**
 * Where restored system track @p system_no last was: its stored state's time, ECEF position and
 * velocity @p y and phase (enum tl_phase; 0 unknown). Its restored contributions may never come
 * again (the restarted node's own tracks are numbered anew; a partner's track may not have joined
 * yet): a sample that joins no live system track then takes up the restored track that could have
 * flown to it, instead of starting a new number (see tl_fuse_track).
 * @retval TL_OK, TL_EINVAL (@p f or @p y NULL, no such system track, a non-finite state).
 */
TL_API int tl_fuse_restore_last(struct tl_fuse *f, int32_t system_no, int64_t t_ns,
                                const double y[6], int phase);
/**
 * Maintenance, every half second or so: ends the system tracks whose predicted impact (or last
 * contribution) is drop_s before @p now_ns (scenario time, UTC ns), and merges two live system
 * tracks that pass the gate at a common time and hold no live track of the same nation (a missed
 * association: the younger joins the older, whose number stays). Numbers are never reused.
 * Returns the number of merges.
 */
TL_API int tl_fuse_expire(struct tl_fuse *f, int64_t now_ns);

/**
 * Removes the ended system tracks (tl_fuse_expire ended them: impact passed, or merged into
 * another), once the caller has announced their ends. Numbers are never reused: the next new
 * system track still gets the number after the highest ever given. Invalidates the pointers of
 * tl_fuse_get and tl_fuse_find, and the indices of tl_fuse_get.
 * @return the number removed (>= 0), or TL_EINVAL for a NULL @p f.
 */
TL_API int tl_fuse_compact(struct tl_fuse *f);

TL_API int tl_fuse_count(const struct tl_fuse *f);
/**
 * The @p i th system track (0 <= i < tl_fuse_count), or NULL. The pointer (and that of
 * tl_fuse_find) points into the fusion's array: valid until the next call that adds or removes
 * system tracks (tl_fuse_track, tl_fuse_restore, tl_fuse_compact) or tl_fuse_destroy.
 */
TL_API const struct tl_fused *tl_fuse_get(const struct tl_fuse *f, int i);
/** The system track numbered @p system_no, or NULL; valid as tl_fuse_get's. */
TL_API const struct tl_fused *tl_fuse_find(const struct tl_fuse *f, int32_t system_no);
/**
 * The fusion gain, one ratio per fused impact prediction made from two or more nations' tracks:
 * the fused 95 % semi-major axis over the smallest of those nations' own predictions from the
 * same data, time and method (below 1: fusion helped). Returns the count; *@p ratios is valid
 * until the next call into @p f.
 */
TL_API size_t tl_fuse_gain(const struct tl_fuse *f, const double **ratios);
/** "KR:3,US:1" for @p s. */
TL_API void tl_fuse_contributors(const struct tl_fused *s, char *buf, size_t size);

/**
 * Covariance intersection of (xa, Pa) and (xb, Pb), 6-dimensional, P as full matrices: the weight
 * w in [0, 1] minimising det of (w Pa^-1 + (1-w) Pb^-1)^-1 (the volume of the fused uncertainty),
 * by golden section; the end points (either input alone) included, so the fused determinant is
 * never larger than the better input's. Returns the weight, or NaN when a covariance is not
 * positive definite.
 */
TL_API double tl_fuse_ci(const double xa[6], double Pa[6][6], const double xb[6],
                         double Pb[6][6], double x[6], double P[6][6]);

/**
 * The same, minimising instead (for @p t_go_s > 0) the trace of the covariance of r + t_go v: to
 * first order the displacement of the impact point @p t_go_s seconds ahead (a cheap stand-in
 * for the impact sensitivity the fusion itself uses).
 */
TL_API double tl_fuse_ci_toward(const double xa[6], double Pa[6][6], const double xb[6],
                                double Pb[6][6], double t_go_s, double x[6], double P[6][6]);

/** Conversions between the shared upper triangle and a full matrix. */
TL_API void tl_p21_to_full(const double p[TL_NP], double P[6][6]);
TL_API void tl_full_to_p21(double P[6][6], double p[TL_NP]);

#endif
