/* Sensors: ground and sea radars and space infrared sensors, their coverage, and the noisy,
 * late and sometimes false measurements they report. Everything is deterministic from a seed. */
#ifndef TRILINK_SENSOR_H
#define TRILINK_SENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "trilink/api.h"
#include "trilink/err.h"
#include "trilink/geo.h"

#define TL_MAX_SENSORS 64
#define TL_SENSOR_ID_LEN 32

enum tl_sensor_kind {
    TL_SENSOR_RADAR, /**< range, azimuth, elevation and optionally range rate */
    TL_SENSOR_IR,    /**< angles only; sees boosting missiles only (the hot plume) */
};

/** One sensor. Plain value; angles in radians, lengths in metres, times in seconds. */
struct tl_sensor {
    char id[TL_SENSOR_ID_LEN];
    char nation[8];
    enum tl_sensor_kind kind;
    struct tl_lla site;
    double sigma_range_m;      /**< radar only */
    double sigma_az_rad, sigma_el_rad;
    double sigma_rr_mps;       /**< 0: no range rate reported */
    double min_el_rad;         /**< lowest elevation seen (radar; IR: -pi/2) */
    double min_range_m, max_range_m;
    int has_az_sector;         /**< non-zero: azimuth limited to [az_from, az_to] clockwise */
    double az_from_rad, az_to_rad;
    double revisit_s;          /**< time between scans */
    double pd;                 /**< probability of detection per scan */
    double false_alarms_per_scan; /**< Poisson mean, uniform in the coverage */
    double latency_s;          /**< reporting delay: arrival = validity + latency */
    /** Registration: 1-sigma of the sensor's constant biases (survey and alignment), which its
     * noise does not average away; file keys bias_range_m, bias_azimuth_deg,
     * bias_elevation_deg, by default 0.3 of the noise sigmas. */
    double bias_range_m, bias_az_rad, bias_el_rad;
};

/** The sensors of a scenario or sensors file. */
struct tl_sensor_set {
    int64_t epoch_ns; /**< time zero of measurement times */
    int n;
    struct tl_sensor s[TL_MAX_SENSORS];
};

/**
 * Load a sensors file (`epoch:` and `sensors:`, see README). Errors name file, line and field.
 * @retval TL_OK, TL_EINVAL, TL_EIO, TL_EPARSE.
 */
TL_API int tl_sensor_load(const char *path, struct tl_sensor_set *set, struct tl_diag *diag);

/** Index of the sensor named @p id in @p set, or -1. */
TL_API int tl_sensor_find(const struct tl_sensor_set *set, const char *id);

/** A measurement as reported. Quantities a sensor does not measure are NaN. */
struct tl_meas {
    double t_s;        /**< validity time, seconds after the epoch */
    double arrival_s;  /**< when it reaches the tracker */
    int sensor;        /**< index in the sensor set */
    double range_m, az_rad, el_rad, rr_mps;
    int object;        /**< simulation only: truth object index, -1 for a false alarm */
};

/**
 * Noise-free measurement of a body at ECEF state @p y by sensor @p s: range, azimuth
 * (clockwise from north, [0, 2pi)), elevation in the sensor's local frame and range rate.
 * @p out fields the sensor does not measure are NaN. Pure function.
 */
TL_API void tl_sensor_ideal(const struct tl_sensor *s, const double y[6], struct tl_meas *out);

/**
 * Whether sensor @p s can see a body at @p y: range and elevation limits, azimuth sector, and a
 * line of sight clear of the ellipsoid. @p boosting says whether the body is under thrust (IR
 * sensors see nothing else). Returns 1 or 0.
 */
TL_API int tl_sensor_sees(const struct tl_sensor *s, const double y[6], int boosting);

/**
 * Density of the false alarms tl_sensor_scan draws, per unit of measurement space: azimuth x
 * elevation (rad^2) for an angles-only sensor, times range (m) for a radar (@p m = 3), times
 * range rate (m/s) when it reports one (@p m = 4). A floor of 1e-3 false alarms per scan keeps it
 * positive for a sensor that declares none (a tracker's score needs a finite value).
 */
TL_API double tl_sensor_clutter_density(const struct tl_sensor *s, int m);

/** Whether the straight segment from @p a to @p b (ECEF) passes clear of the ellipsoid @p e,
 * ignoring a margin of @p tol_m at both ends (a sensor on the ground touches the surface). */
TL_API int tl_geo_line_of_sight(const struct tl_ellipsoid *e, const double a[3], const double b[3],
                                double tol_m);

/** Deterministic pseudo-random numbers (xoshiro256**, Blackman & Vigna 2018). Plain value. */
struct tl_rng {
    uint64_t s[4];
};
TL_API void tl_rng_seed(struct tl_rng *r, uint64_t seed);
TL_API double tl_rng_uniform(struct tl_rng *r); /**< [0, 1) */
TL_API double tl_rng_normal(struct tl_rng *r);  /**< standard normal (Marsaglia polar method) */
TL_API int tl_rng_poisson(struct tl_rng *r, double mean); /**< Knuth's method; mean <= 500 */

/**
 * One scan of sensor @p s at validity time @p t_s: each visible body detected with probability pd
 * and Gaussian noise added, then a Poisson number of false alarms drawn uniformly in the coverage
 * (range, azimuth sector, elevation up to 85 deg; range rate within +-7 km/s), as in Bar-Shalom,
 * Willett & Tian, "Tracking and Data Fusion", sec. 3.2 (clutter uniform in measurement space).
 * @param ys, boosting  states and boost flags of @p n bodies (entries with NaN position are absent).
 * @param out, cap, n_out  measurements appended to out[*n_out], at most cap in all.
 * @retval TL_OK, or TL_ERANGE when @p cap is too small (those that fit are written).
 */
TL_API int tl_sensor_scan(const struct tl_sensor *s, int sensor_index, double t_s,
                          const double (*ys)[6], const int *boosting, int n, struct tl_rng *rng,
                          struct tl_meas *out, size_t cap, size_t *n_out);

/**
 * Write measurements as the public CSV format
 * `time_s,sensor,range_m,azimuth_deg,elevation_deg,range_rate_mps` (time_s = validity time since
 * the epoch; cells a sensor does not measure are empty), in the order given.
 * @retval TL_OK, TL_EIO (cannot create or write; @p diag says why).
 */
TL_API int tl_meas_write_csv(const char *path, const struct tl_sensor_set *sensors,
                             const struct tl_meas *m, size_t n, struct tl_diag *diag);

/**
 * Read a measurement CSV. Every row is validated: the header, the column count, a known sensor
 * id, finite numbers in range (elevation within [-90, 90] deg, azimuth within [0, 360], range
 * positive), and the quantities the sensor measures present and those it does not absent. An
 * error names the file, line and column and nothing is returned.
 * Arrival times are validity plus the sensor's latency.
 * @param[out] out  owned array (free()) of *n measurements, in file order.
 * @retval TL_OK, TL_EINVAL, TL_EIO, TL_EPARSE, TL_ENOMEM.
 */
TL_API int tl_meas_read_csv(const char *path, const struct tl_sensor_set *sensors,
                            struct tl_meas **out, size_t *n, struct tl_diag *diag);

#endif
