/* Scenarios: launches read from a YAML file, designed and flown to give the truth that sensors
 * (and later the trackers) see. Deterministic: the same file always gives the same truth. */
#ifndef TRILINK_SIM_H
#define TRILINK_SIM_H

#include <stdint.h>

#include "trilink/api.h"
#include "trilink/boost.h"
#include "trilink/err.h"
#include "trilink/sensor.h"
#include "trilink/trajectory.h"

#define TL_MAX_LAUNCHES 256

/** How a launch is aimed. */
enum tl_aim {
    TL_AIM_TARGET,    /**< a target point; minimum energy unless an apogee is given */
    TL_AIM_AZIMUTH,   /**< azimuth and range; minimum energy unless an apogee is given */
    TL_AIM_ORBIT,     /**< a launcher: azimuth and the height of a circular orbit */
};

/** One launch of a scenario, as written in the file (SI units, radians). */
struct tl_launch_spec {
    char id[TL_NAME_LEN];
    char class_name[TL_NAME_LEN];
    struct tl_lla site;
    double time_s;            /**< ignition, seconds after the scenario epoch */
    enum tl_aim aim;
    double target_lat_rad, target_lon_rad; /**< TL_AIM_TARGET */
    double azimuth_rad;       /**< TL_AIM_AZIMUTH: bearing of the impact from the site */
    double range_m;           /**< TL_AIM_AZIMUTH */
    double apogee_m;          /**< NaN: minimum-energy trajectory */
    double orbit_m;           /**< TL_AIM_ORBIT: orbit height */
    double failure_s;         /**< engines stop this long after ignition (a failure); NaN: none */
    int line;                 /**< line of the launch in the file, for messages */
};

/**
 * How the simulated world differs from what the tracker assumes (the tracker knows only the
 * catalogue's classes and the US 1976 atmosphere), each drawn once per run from the distribution
 * stated here. A zero field leaves that part of the world matched. Plain value.
 */
struct tl_mismatch {
    int on;                    /**< any of the below is set */
    uint64_t seed;             /**< draws; 0: the run's measurement seed */
    double beta_min_kgpm2, beta_max_kgpm2; /**< RV ballistic coefficient, log-uniform */
    double density_amp;        /**< atmosphere density within +-amp of the standard (knots
                                    20-80 km, uniform each, a smooth curve between) */
    double vehicle_frac;       /**< per stage: burn time, thrust and dry mass each uniform
                                    within +-frac of the class */
    double bias_sigmas;        /**< per sensor: range, azimuth and elevation biases drawn with
                                    this many times the registration sigma the sensor states
                                    (uniform within +-sqrt(3) f sigma) */
};

/**
 * Read a mismatch file (`mismatch:` with the keys of a scenario's block, README "Model mismatch").
 * Errors name file, line and field.
 * @retval TL_OK, TL_EIO, TL_EPARSE.
 */
TL_API int tl_mismatch_load(const char *path, struct tl_mismatch *out, struct tl_diag *diag);

/** A scenario file, parsed and validated. */
struct tl_scenario {
    char file[256];
    char name[64];
    int64_t epoch_ns;         /**< scenario time zero, ns since 1970 UTC */
    double step_s;            /**< truth output step */
    struct tl_vehicle_set vehicles; /**< catalogue plus the file's own classes */
    int n_launches;
    struct tl_launch_spec launch[TL_MAX_LAUNCHES];
    struct tl_sensor_set sensors;   /**< the scenario's own sensors (may be none) */
    struct tl_mismatch mismatch;    /**< the scenario's `mismatch:` block (off without one) */
};

/**
 * Read and validate a scenario file: unknown keys, out-of-range values (latitude 95, negative
 * range), unknown classes and missing aims are errors naming file, line and field in @p diag.
 * @param[out] out  returns owned (free with tl_scenario_destroy).
 * @retval TL_OK, TL_EINVAL, TL_EIO (cannot read), TL_EPARSE (invalid), TL_ENOMEM.
 */
TL_API int tl_scenario_load(const char *path, struct tl_scenario **out, struct tl_diag *diag);
TL_API void tl_scenario_destroy(struct tl_scenario *sc); /**< NULL allowed */

/** One flown object of a simulation. */
struct tl_sim_object {
    char id[TL_NAME_LEN];
    char class_name[TL_NAME_LEN];
    double t_launch_s;               /**< seconds after the epoch */
    struct tl_launch launch;         /**< solved launch parameters */
    enum tl_energy_knob knob;
    struct tl_flight_summary flight; /**< times relative to ignition */
    struct tl_vehicle vehicle;       /**< as flown: the class, or its mismatched draw */
};

/** A run scenario: every launch designed and flown, with its recorded trajectory. */
struct tl_sim;

/**
 * Design and fly every launch of @p sc. A launch no trajectory of its class can fly (a target
 * out of reach) fails the run with @p diag naming the launch's line and field. With
 * sc->mismatch on, the world is drawn first (seed sc->mismatch.seed): the atmosphere once, then
 * per launch its vehicle (redrawn up to 20 times while the draw cannot reach the aim) and its
 * RV's ballistic coefficient; the sensors' biases are drawn by tl_sim_measure.
 * @param[out] out returns owned (free with tl_sim_destroy).
 * @retval TL_OK, TL_EINVAL, TL_ENOSOL (unreachable launch), TL_ENOMEM.
 */
TL_API int tl_sim_run(const struct tl_scenario *sc, const struct tl_earth *e, struct tl_sim **out,
                      struct tl_diag *diag);
TL_API void tl_sim_destroy(struct tl_sim *sim); /**< NULL allowed */

TL_API int tl_sim_count(const struct tl_sim *sim);
/** Object @p i (0-based); valid until tl_sim_destroy. NULL when out of range. */
TL_API const struct tl_sim_object *tl_sim_object(const struct tl_sim *sim, int i);
/** One object of a recorded truth (a `trilink sim --truth` file read back), for
 * tl_sim_from_truth. Times are seconds after the epoch; NaN: not known. */
struct tl_truth_object {
    char id[TL_NAME_LEN];
    double launch_s, burnout_s, reentry_s, impact_s, apogee_m;
    struct tl_lla launch, impact; /**< the pad and the impact point */
    size_t n;                     /**< its rows, in time order: */
    const double *t_s;
    const double (*y)[6];         /**< ECEF states */
};

/**
 * A simulation made of recorded truth instead of flown launches (trilink demo's replay of reports
 * from elsewhere): each object's state between rows by the cubic Hermite curve through them, and
 * from its last row to its impact time along its velocity. tl_sim_measure works on it too.
 * @retval TL_OK, TL_EINVAL (no object, fewer than 2 rows, times not increasing, launch or impact
 *         time unknown), TL_ENOMEM.
 */
TL_API int tl_sim_from_truth(const struct tl_truth_object *objs, int n, struct tl_sim **out);

/** The atmosphere the run flew through (tl_earth.rho_dev; all zero when matched). */
TL_API void tl_sim_density_dev(const struct tl_sim *sim, double dev[TL_RHO_KNOTS]);

/** The biases tl_sim_measure adds to the reports of sensor @p s, index @p i of its set (range m,
 * azimuth and elevation rad; zero when matched). */
TL_API void tl_sim_sensor_bias(const struct tl_sim *sim, const struct tl_sensor *s, int i,
                               double bias[3]);

/** Time (s after epoch) at which the last object impacts. */
TL_API double tl_sim_end_s(const struct tl_sim *sim);

/**
 * ECEF state of object @p i at @p t_s (seconds after the epoch) and its phase. Before launch
 * and after impact the phase says so and @p y is left unchanged.
 * @retval TL_OK, TL_EINVAL (no such object), TL_ERANGE (outside its flight).
 */
TL_API int tl_sim_state(const struct tl_sim *sim, int i, double t_s, double y[6],
                        enum tl_phase *phase);

/** Seconds the sensors go on scanning after the last impact (only false alarms then). */
#define TL_SIM_AFTER_IMPACT_S 30.0

/**
 * Every scan of every sensor in @p sensors over the simulation (scans at multiples of each
 * sensor's revisit period from time 0 to TL_SIM_AFTER_IMPACT_S after the last impact), seeded by
 * @p seed, sorted in arrival
 * order (validity time plus latency; ties by validity time, then sensor).
 * @param[out] out  returns an owned array (free()) of *n measurements.
 * @retval TL_OK, TL_EINVAL, TL_ENOMEM.
 */
TL_API int tl_sim_measure(const struct tl_sim *sim, const struct tl_sensor_set *sensors,
                          uint64_t seed, struct tl_meas **out, size_t *n);

#endif
