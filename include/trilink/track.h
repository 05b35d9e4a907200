/* Tracking ballistic missiles from raw measurements.
 *
 * State in ECEF: x = [r (m), v (m/s), a (thrust acceleration, m/s^2), k (drag per unit mass
 * coefficient 1/beta = Cd A / m, m^2/kg)], TL_NX = 10 components. Four motion models share it
 * (Li & Jilkov, "Survey of maneuvering target tracking", parts II and V, for the ballistic-target
 * models):
 *  - boost:     gravity and rotation (as the physics module) plus a thrust acceleration a that
 *               wanders as a random walk (unknown, slowly varying magnitude and direction);
 *  - ballistic: gravity and rotation only; a decays to zero;
 *  - reentry:   gravity, rotation and drag rho |v| v k / 2 with k estimated (a random walk);
 *  - manoeuvre: reentry plus an aerodynamic acceleration a (lift of a warhead that pulls up and
 *               glides) as a first-order Gauss-Markov process (Singer 1970; Li & Jilkov part I,
 *               sec. 4.2), only in the air.
 * An IMM (Blom & Bar-Shalom 1988) mixes them so one track follows a missile from first
 * detection through burnout to impact. Filters: EKF (Joseph-form update) and UKF (scaled
 * unscented transform). The tracker is composed Stone-Soup-style of small parts: predictor,
 * updater, gater, associator (global nearest neighbour by optimal assignment), initiator (M of N)
 * and deleter (misses counted only where a sensor should have seen the track). Gating uses each
 * IMM model's own prediction, so the model that fits after burnout gets its update. */
#ifndef TRILINK_TRACK_H
#define TRILINK_TRACK_H

#include <stddef.h>

#include "trilink/api.h"
#include "trilink/earth.h"
#include "trilink/err.h"
#include "trilink/sensor.h"
#include "trilink/trajectory.h"

#define TL_NX 10

/** Gaussian track state. Plain value: copy freely, no destructor. */
struct tl_gauss {
    double t_s;              /**< validity time, seconds after the epoch */
    double x[TL_NX];         /**< see the header comment */
    double P[TL_NX][TL_NX];  /**< covariance of x; symmetric positive definite */
};

enum tl_filter_kind { TL_FILTER_EKF, TL_FILTER_UKF };

enum tl_motion {
    TL_MOTION_BOOST,
    TL_MOTION_BALLISTIC,
    TL_MOTION_REENTRY,
    TL_MOTION_MANEUVER,
    TL_N_MOTIONS,
};

/** Process noise of the motion models (power spectral densities). */
struct tl_motion_noise {
    double q_vel;      /**< velocity white noise, m^2/s^3 (model error in every model) */
    double q_thrust;   /**< thrust-acceleration random walk, m^2/s^5 (boost) */
    double q_k;        /**< drag-coefficient random walk, (m^2/kg)^2/s (reentry) */
    double tau_thrust; /**< decay time of a in the ballistic and reentry models, s */
    double q_man;      /**< manoeuvre-acceleration noise, m^2/s^5: 2 sigma^2 / tau_man (Singer) */
    double tau_man;    /**< correlation time of the manoeuvre acceleration, s */
};

/** Defaults: q_vel 1, q_thrust 4, q_k 1e-8, tau_thrust 2 s, q_man 4, tau_man 60 s. */
TL_API struct tl_motion_noise tl_motion_noise_default(void);

/**
 * Predict @p prior to @p t_s with motion model @p m (earlier times allowed: retrodiction).
 * The mean is integrated with classical Runge-Kutta in steps of at most 1 s (10 s above
 * 100 km in the ballistic model); the EKF covariance uses the linearised dynamics over each
 * step, the UKF propagates 2n+1 sigma points.
 * @param[out] pred  may alias @p prior.
 * @retval TL_OK, TL_EINVAL, TL_ENOTPD (covariance lost positive definiteness, or the state left the
 *         physics: beyond 10^6 km or 100 km/s; pred unchanged).
 */
TL_API int tl_track_predict(const struct tl_earth *e, enum tl_filter_kind f, enum tl_motion m,
                            const struct tl_motion_noise *q, const struct tl_gauss *prior,
                            double t_s, struct tl_gauss *pred);

/** Innovation of a measurement against a predicted state (at the measurement's time). */
struct tl_innovation {
    int m;                    /**< measurement dimension: 4 radar with range rate, 3 radar, 2 IR */
    double nu[4];             /**< measured minus predicted (azimuth wrapped to (-pi, pi]) */
    double S[4][4];           /**< innovation covariance */
    double d2;                /**< Mahalanobis distance squared nu^T S^-1 nu */
    double loglik;            /**< log N(nu; 0, S) */
};

/**
 * Innovation of @p z (sensor @p s) against @p pred; nothing is updated.
 * @retval TL_OK, TL_EINVAL, TL_ENOTPD (S not positive definite).
 */
TL_API int tl_track_innovation(enum tl_filter_kind f, const struct tl_sensor *s,
                               const struct tl_meas *z, const struct tl_gauss *pred,
                               struct tl_innovation *inn);

/**
 * Measurement update of @p pred with @p z (Joseph form for the EKF, so the covariance stays
 * symmetric positive definite; range rate used when present).
 * @param[out] post   may alias @p pred; @param[out] inn may be NULL.
 * @retval TL_OK, TL_EINVAL, TL_ENOTPD.
 */
TL_API int tl_track_update(enum tl_filter_kind f, const struct tl_sensor *s,
                           const struct tl_meas *z, const struct tl_gauss *pred,
                           struct tl_gauss *post, struct tl_innovation *inn);

/**
 * Optimal assignment (Hungarian algorithm, Kuhn 1955 / Munkres 1957, in the O(n^3) form of
 * Jonker & Volgenant's shortest augmenting paths): minimise the sum of cost[i][j] over a
 * one-to-one matching of all rows, rows <= cols. @p cost is row-major, @p n_rows x @p n_cols.
 * @param[out] row_to_col  column of each row.
 * @retval TL_OK, TL_EINVAL (rows > cols, non-finite cost), TL_ENOMEM.
 */
TL_API int tl_assign(int n_rows, int n_cols, const double *cost, int *row_to_col, double *total);

enum tl_track_status {
    TL_TRACK_TENTATIVE,
    TL_TRACK_CONFIRMED,
    TL_TRACK_COASTING, /**< confirmed, but not updated at the last chance it had */
    TL_TRACK_DELETED,
};

/** "tentative", "confirmed", "coasting" or "deleted"; never NULL. */
TL_API const char *tl_track_status_name(enum tl_track_status s);

/** Tracker configuration; tl_tracker_cfg_default() fills sensible values. */
struct tl_tracker_cfg {
    struct tl_earth earth;
    enum tl_filter_kind filter;
    int imm;                   /**< non-zero: IMM of the four models; zero: ballistic only */
    struct tl_motion_noise noise;
    double gate_prob;          /**< probability that a detection of the track falls inside its
                                    chi-square gate, in (0.5, 1) (0.9999) */
    int confirm_m, confirm_n;  /**< confirm after associations at m distinct times among the
                                    first n times a sensor should have seen it (4, 6) */
    double delete_after_s;     /**< delete a confirmed track missed this long while a sensor
                                    should have seen it (12 s); out of every sensor's coverage it
                                    coasts on, however long */
    double max_pos_sigma_m;    /**< delete when the position uncertainty exceeds this (200 km) */
    double lag_s;              /**< late reports up to this lag are processed in validity order (5 s) */
    double init_vel_sigma_mps; /**< prior velocity uncertainty of a new track (4,000 m/s) */
};

TL_API struct tl_tracker_cfg tl_tracker_cfg_default(void);

/** One track report, given after every update (and once when a track is deleted). */
struct tl_track_report {
    int id;                        /**< track number, from 1 */
    enum tl_track_status status;
    enum tl_phase phase;           /**< most probable IMM model: boost, midcourse, reentry */
    double model_prob[TL_N_MOTIONS];
    struct tl_gauss state;         /**< combined estimate */
    const struct tl_gauss *first;  /**< earliest confirmed-quality estimate (for the launch
                                        point); valid during the callback only */
    double first_phase_boost;      /**< boost probability of that earliest estimate */
    const struct tl_gauss *start;  /**< the estimate the track began with, at its first
                                        detection (valid during the callback only) */
    int start_sensor;              /**< index of the sensor of that first detection */
};

typedef void (*tl_track_sink)(void *ctx, const struct tl_track_report *r);

/** Counters of what the tracker did with its input. */
struct tl_tracker_stats {
    long measurements, scans, associated, initiated, confirmed, deleted;
    long late_in_window;   /**< arrived after a later-valid report, processed in order */
    long late_beyond_lag;  /**< older than the last processed time: processed by retrodiction */
    long rejected;         /**< could not be used (covariance failure); counted, never silent */
};

struct tl_tracker;

/**
 * Create a tracker for measurements of @p sensors (retained: keep it alive until destroy).
 * Reports go to @p sink with @p ctx.
 * @retval TL_OK, TL_EINVAL, TL_ENOMEM.
 */
TL_API int tl_tracker_create(const struct tl_tracker_cfg *cfg, const struct tl_sensor_set *sensors,
                             tl_track_sink sink, void *ctx, struct tl_tracker **out);
TL_API void tl_tracker_destroy(struct tl_tracker *tk); /**< NULL allowed */

/**
 * Give one measurement, in arrival order. It is processed once nothing older can still arrive
 * within the lag.
 * @retval TL_OK      success.
 * @retval TL_EINVAL  NULL argument, unknown sensor or non-finite time; the tracker unchanged.
 * @retval TL_ENOMEM  a scan could not be processed: the scans before it are processed and
 *                    reported, it and the later ones stay buffered, unchanged, and the next
 *                    tl_tracker_add() or tl_tracker_flush() processes them first. The measurement
 *                    was taken if tl_tracker_stats() counts it in measurements (do not give it
 *                    again), else not (give it again): a caller that does so gets the reports of
 *                    a run without the failure.
 */
TL_API int tl_tracker_add(struct tl_tracker *tk, const struct tl_meas *m);
/**
 * Process everything still buffered (end of input).
 * @retval TL_OK, TL_EINVAL (NULL).
 * @retval TL_ENOMEM  as for tl_tracker_add(): call again.
 */
TL_API int tl_tracker_flush(struct tl_tracker *tk);
TL_API void tl_tracker_stats(const struct tl_tracker *tk, struct tl_tracker_stats *st);

#endif
