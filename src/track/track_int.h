/* Internal to the track module: the parts the tracker is composed of, Stone-Soup-style, one file
 * each: predictor.c and updater.c (the filters), imm.c (the IMM over them), gate.c (gater and
 * hypothesis cost), associator.c (global nearest neighbour), initiate*.c (M of N and the
 * initiators), delete.c (deleter and coast policy) and tracker.c (the table, the input ordering
 * and the scan loop that calls the roles). */
#ifndef TL_TRACK_INT_H
#define TL_TRACK_INT_H

#include <math.h>

#include "trilink/track.h"
#include "mat.h"

/* ---- filters (updater.c) */

/* Predicted measurement of sensor s for state x (radar: range, az, el[, rr]; IR: az, el).
 * Returns the dimension. */
int tl__measure(const struct tl_sensor *s, const double *x, double *z);

/* Wraps angle differences in a measurement vector of sensor s: azimuth to (-pi, pi]. */
void tl__wrap_innovation(const struct tl_sensor *s, double *nu);

/* Measurement vector of z (its dimension as tl__measure) and noise variances. */
int tl__meas_vector(const struct tl_sensor *s, const struct tl_meas *z, double *zv, double *r);

/* ---- the track record */

/* The IMM's part of a track: one estimate per motion model (index j: model tl__imm_model(cfg,
 * j)), the mode probabilities, and their moment-matched combination at model[*].t_s. */
struct tl__imm {
    struct tl_gauss model[TL_N_MOTIONS];
    double mu[TL_N_MOTIONS];
    struct tl_gauss comb;
    double coast_s;    /* flight time since the boost model last held 5 % */
    int boost_retired; /* coasting for TL__IMM_BOOST_RETIRE_S: the motor is spent */
};

/* A missile's motor does not relight: once the boost model has been below 5 % for this long, it
 * leaves the IMM (probability 0, no floor), so a later aerodynamic manoeuvre is the manoeuvre
 * model's and not a "thrust" revived by the floor. Staging gaps last seconds, not this. */
#define TL__IMM_BOOST_RETIRE_S 30.0

/* Height above which the manoeuvre model is held at the probability floor (no air to lift). */
#define TL__IMM_MANEUVER_TOP_M 120000.0

/* Shape of the manoeuvre acceleration's noise at state x: the plane normal to the velocity. */
void tl__maneuver_plane(const double *x, double s[3][3]);

struct tl__track {
    int id;
    enum tl_track_status status;
    struct tl__imm est;
    int hits, chances; /* distinct validity times associated / seen (M of N) */
    double last_hit_t, last_chance_t, last_inflate_t;
    double miss_since_t; /* first miss where seen since the last hit (NaN: none) */
    int have_first;
    struct tl_gauss first;
    double first_boost;
    int dirty;            /* changed since its last report: reported at the end of this time */
    int reported;         /* reported at least once (its deletion is reported too) */
    double last_report_t; /* validity time of its last report (-inf: none) */
    double ground_t;      /* when its last update in reentry said it would land (inf: not) */
    int last_sensor_p1;   /* 1 + index of the sensor that last updated it (0: none yet) */
    struct tl_gauss start; /* its estimate at its first detection, and that sensor */
    int start_sensor;
};

/* Position standard deviation of an estimate (root of the trace of its position block). */
static inline double tl__pos_sigma(const struct tl_gauss *g)
{
    return sqrt(g->P[0][0] + g->P[1][1] + g->P[2][2]);
}

/* One scan: the detections of one sensor valid at one time. */
struct tl__scan {
    int si; /* index of the sensor in the tracker's set */
    const struct tl_sensor *s;
    double t;
    const struct tl_meas *z;
    int nz;
    const double (*zp)[3]; /* radar: ECEF position of each detection; IR: unused */
};

/* What became of a detection in its scan; only TL__DET_FREE ones may start tracks. */
enum tl__det_use {
    TL__DET_FREE = 0,
    TL__DET_ASSOCIATED = 1, /* updated a track */
    TL__DET_EXPLAINED = 2,  /* close to an established track: that missile, not a new one */
};

/* The registration floor of a reported estimate (updater.c): what sensor @p s's constant biases
 * (tl_sensor.bias_*) leave in the state however many reports are averaged, added where @p g's
 * covariance is below it along the sensor's line of sight (range bias) and across it (angle
 * biases: R sigma in position, a fraction of |v| sigma in velocity, the bias turning with the
 * geometry).
 * A consider term (Bar-Shalom, Li & Kirubarajan 2001, sec. 5.4 on unestimated parameters,
 * simplified to its steady state): the report's covariance only, never the filter's gain. */
void tl__registration_floor(const struct tl_sensor *s, struct tl_gauss *g);
/* Its velocity part alone: the offset rate an angle bias leaves on an arc. */
void tl__registration_floor_velocity(const struct tl_sensor *s, struct tl_gauss *g);

/* ---- IMM (imm.c; Blom & Bar-Shalom 1988) */

/* Mode probabilities never fall below TL__IMM_MU_FLOOR, so a model can always win back (the
 * boost model must, when it has not yet learnt its thrust). But a model that improbable
 * predicts wildly over a long coast (the boost model's thrust is a random walk), so neither the
 * mixing (contributions under TL__IMM_MIX_MIN) nor the reported estimate (models under
 * TL__IMM_MIX_MIN) takes it in; nor does the gater. */
#define TL__IMM_MU_FLOOR 1e-3
#define TL__IMM_MIX_MIN 1e-2

/* Number of models in use: three with the IMM, one (ballistic) without. */
int tl__imm_models(const struct tl_tracker_cfg *cfg);
/* The motion model of model index j. */
enum tl_motion tl__imm_model(const struct tl_tracker_cfg *cfg, int j);

/* Every model starts from @p g, with mode probabilities @p mu (boost, ballistic, reentry, manoeuvre; the
 * ballistic model alone without the IMM). */
void tl__imm_init(const struct tl_tracker_cfg *cfg, const struct tl_gauss *g,
                  const double mu[TL_N_MOTIONS], struct tl__imm *est);

/* Moment-matched combination of the model estimates whose weight reaches TL__IMM_MIX_MIN. */
void tl__imm_combine(const struct tl_gauss *g, const double *mu, int nm, struct tl_gauss *out);

/* IMM interaction and prediction of @p prior to @p t_s (mixing, model-conditioned prediction,
 * predicted mode probabilities, combination). @p pred may alias @p prior.
 * @retval TL_OK; TL_EINVAL, TL_ENOTPD from tl_track_predict, with @p pred unchanged. */
int tl__imm_predict(const struct tl_tracker_cfg *cfg, const struct tl__imm *prior, double t_s,
                    struct tl__imm *pred);

/* Model-conditioned updates with @p z and mode probabilities from their likelihoods, in place.
 * @retval TL_OK; TL_ENOTPD when no model could be updated (@p est unchanged). */
int tl__imm_update(const struct tl_tracker_cfg *cfg, const struct tl_sensor *s,
                   const struct tl_meas *z, struct tl__imm *est);

/* Flight phase of the estimate (boost if the IMM says so, reentry when below TL_REENTRY_H_M and
 * descending, else midcourse); also its height above the ellipsoid (m) and climb rate (m/s),
 * each output NULL allowed. */
enum tl_phase tl__imm_phase(const struct tl_tracker_cfg *cfg, const struct tl__imm *est,
                            double *h_m, double *climb_mps);

/* ---- gater and hypothesis cost (gate.c; Stone Soup's Gater and Hypothesiser) */

/* Chi-square gates (Mahalanobis distance squared) for 2, 3 and 4 measured quantities. */
struct tl__gate {
    double d2[5];
};

/* Gates that a detection of the track passes with probability @p prob. */
void tl__gate_init(struct tl__gate *g, double prob);

/* A hypothesis: track @p track takes detection @p meas at cost @p cost (-2 ln of its score). */
struct tl__hyp {
    int track, meas;
    double cost;
};

/* A growing list of hypotheses (free h with free()). */
struct tl__hyps {
    struct tl__hyp *h;
    int n, cap;
};

/* Detection probability of sensor @p s as the costs use it (clamped to [0.05, 0.999]). */
double tl__gate_pd(const struct tl_sensor *s);

/* Cost of the missed-detection hypothesis, -2 ln(1 - Pd): every track has one. */
double tl__gate_miss_cost(double pd);

/* Gates track number @p i (@p status, estimate @p est predicted to the scan time) against every
 * detection of @p sc and appends the gated pairs to @p out, in detection order. Marks the
 * detections the track explains TL__DET_EXPLAINED in @p use.
 * @retval TL_OK, TL_ENOMEM (@p out and @p use hold part of the work: scratch to discard). */
int tl__gate_track(const struct tl__gate *g, const struct tl_tracker_cfg *cfg,
                   const struct tl__scan *sc, int i, enum tl_track_status status,
                   const struct tl__imm *est, unsigned char *use, struct tl__hyps *out);

/* ---- associator (associator.c; Stone Soup's DataAssociator) */

/* Chooses at most one detection per track and one track per detection among @p nh hypotheses
 * (grouped by track, in track order) over @p nz detections, each track also able to miss at
 * @p miss_cost. Writes the detection of each track that takes one to @p assign (the caller
 * fills it with -1). Changes nothing else.
 * @retval TL_OK, TL_ENOMEM (@p assign unchanged). */
int tl__associate(const struct tl__hyp *h, int nh, int nz, double miss_cost, int *assign);

/* ---- the tracker (tracker.c) */

struct tl__initiator_ops;

struct tl_tracker {
    struct tl_tracker_cfg cfg;
    const struct tl_sensor_set *sensors;
    tl_track_sink sink;
    void *ctx;
    struct tl__track *t;
    int n, cap, next_id;
    struct tl_meas *buf; /* reorder buffer (validity order within the lag) */
    size_t nbuf, capbuf;
    double buf_max_t; /* latest validity time seen */
    double done_t;    /* validity time of the last processed scan */
    double resume_t;  /* after a failure: the scans due up to here are still to process (-inf:
                         none) */
    struct tl__gate gate;
    /* The initiator of each sensor kind (enum tl_sensor_kind) and its state. */
    const struct tl__initiator_ops *init_ops[2];
    void *init_state[2];
    struct tl_tracker_stats st;
};

/* ---- initiation (initiate.c, initiate_pair.c, initiate_stereo.c; Stone Soup's Initiator) */

/* An initiator: starts tentative tracks from the detections of a scan that no track took. The
 * tracker picks one per sensor kind; replacing an initiator is replacing its file. */
struct tl__initiator_ops {
    const char *name;
    /* Creates the state for a tracker of @p sensors (retained). TL_OK or TL_ENOMEM. */
    int (*create)(const struct tl_sensor_set *sensors, void **state);
    void (*destroy)(void *state); /* NULL allowed */
    /* Grows the state's buffers and the track table (tl__initiate_reserve) so that start()
     * cannot fail on scan @p sc; changes nothing else. TL_OK or TL_ENOMEM. */
    int (*reserve)(void *state, struct tl_tracker *tk, const struct tl__scan *sc);
    /* Starts tracks from the detections of @p sc marked TL__DET_FREE in @p use. */
    void (*start)(void *state, struct tl_tracker *tk, const struct tl__scan *sc,
                  const unsigned char *use);
};

/* Two-point initiation from radar detections of consecutive scans (initiate_pair.c). */
extern const struct tl__initiator_ops tl__initiate_pair;
/* Stereo initiation from two infrared sensors' lines of sight (initiate_stereo.c). */
extern const struct tl__initiator_ops tl__initiate_stereo;

/* Grows the track table so @p extra tracks can be entered without failing. TL_OK or TL_ENOMEM
 * (the table unchanged). */
int tl__initiate_reserve(struct tl_tracker *tk, int extra);

/* Enters a new tentative track with estimate @p g and initial mode probabilities @p mu
 * (tl__imm_init), its first association at g->t_s, by sensor @p sensor (its index); counts it
 * initiated. Needs the room reserved (tl__initiate_reserve). Returns the track, valid until the
 * table next grows. */
struct tl__track *tl__initiate_enter(struct tl_tracker *tk, const struct tl_gauss *g,
                                     const double mu[TL_N_MOTIONS], int sensor);

/* M of N (initiate.c): confirmation counts distinct times, so several sensors seeing the track
 * at one instant are one chance (and, when associated, one hit). */
void tl__mofn_count(struct tl__track *tr, double t, int hit);
/* Confirms a tentative track that has its M hits (then its first estimate is kept for the
 * launch point); counts it confirmed. */
void tl__mofn_confirm(const struct tl_tracker_cfg *cfg, struct tl__track *tr,
                      struct tl_tracker_stats *st);
/* 1 when tentative track @p tr can no longer reach M hits in N chances. */
int tl__mofn_failed(const struct tl_tracker_cfg *cfg, const struct tl__track *tr);

/* ---- deleter and coast policy (delete.c; Stone Soup's Deleter) */

/* 1 when the track, predicted to @p t as @p pred, is lost: position uncertainty over the limit,
 * or come down (below_ground in delete.c). */
int tl__delete_lost(const struct tl_tracker_cfg *cfg, const struct tl__track *tr,
                    const struct tl__imm *pred, double t);

/* After an update: the miss episode is over, a coasting track is confirmed again, and the
 * landing time is recomputed. */
void tl__delete_updated(const struct tl_tracker_cfg *cfg, struct tl__track *tr);

/* A confirmed or coasting track missed at @p t where a sensor should have seen it: it coasts,
 * its covariance opened once per episode (above the atmosphere after boost: raised to the
 * registration floor of @p last, the sensor that updated it last; NULL allowed). Returns 1 when
 * it has been missed too long. */
int tl__delete_missed(const struct tl_tracker_cfg *cfg, struct tl__track *tr, double t,
                      const struct tl_sensor *last);

#endif
