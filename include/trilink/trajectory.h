/* Whole flights: a vehicle flown from its pad to impact, trajectory design (which loft and energy
 * reach a given range, target or apogee), and reconstruction of a flight from published figures.
 *
 * Launch guidance (the textbook gravity turn, e.g. Zarchan, "Tactical and Strategic Missile
 * Guidance", ch. on ballistic targets): vertical rise along the local normal; a pitch-over in
 * which the thrust turns toward the launch heading at the vehicle's pitch rate until the
 * velocity has tilted from vertical by the kick angle; then thrust along the air-relative
 * velocity until cut-off. The kick angle (the flight-path tilt that starts the gravity turn) is
 * the loft parameter: small = lofted, large = depressed. The energy parameter is either the payload mass at full burn (how analysts
 * reconstruct test flights) or the engine cut-off time with the nominal payload (how a missile
 * is fired at a target). At cut-off the reentry vehicle separates and coasts. */
#ifndef TRILINK_TRAJECTORY_H
#define TRILINK_TRAJECTORY_H

#include "trilink/api.h"
#include "trilink/boost.h"
#include "trilink/earth.h"
#include "trilink/geo.h"
#include "trilink/propagate.h"

/** How one launch is flown. Plain value. */
struct tl_launch {
    struct tl_lla site;   /**< pad position */
    double heading_rad;   /**< direction of the pitch-over, clockwise from north */
    double kick_rad;      /**< pitch-over angle from vertical; negative tilts away from heading */
    double payload_kg;    /**< payload carried */
    double cutoff_s;      /**< engine cut-off after ignition; >= total burn time means full burn */
};

/** What a flight did. Times are seconds after ignition. */
struct tl_flight_summary {
    double burnout_t_s;        /**< cut-off (RV separation) */
    double burnout_y[6];       /**< ECEF state at burnout */
    double burnout_h_m, burnout_speed_mps; /**< height and ECEF speed at burnout */
    double apogee_t_s, apogee_h_m;
    double reentry_t_s;        /**< through TL_REENTRY_H_M descending */
    double reentry_speed_mps;
    double impact_t_s;
    struct tl_lla impact;
    double impact_speed_mps;
    double range_m;            /**< geodesic distance launch -> impact */
    double bearing_rad;        /**< azimuth at the pad of the geodesic to the impact */
};

/**
 * Fly @p launch with vehicle @p v from ignition (t = 0) to impact.
 * @param[out] path receives the trajectory (may be NULL); on error it may hold a partial path.
 * @retval TL_OK       impacted; *sum filled.
 * @retval TL_EINVAL   bad arguments.
 * @retval TL_ENOSOL   the vehicle hit the ground under thrust (*sum written with apogee -inf), or
 *                     never came down (*sum written with impact NaN and apogee +inf if none).
 */
TL_API int tl_traj_fly(const struct tl_earth *e, const struct tl_vehicle *v,
                       const struct tl_launch *launch, struct tl_path *path,
                       struct tl_flight_summary *sum);

/**
 * Powered flight of @p launch only, from ignition to cut-off: *sum has the burnout fields set and
 * the later ones NaN. Cheap beside tl_traj_fly (no coast); the launch estimator's boost profiles.
 * @retval as tl_traj_fly (TL_ENOSOL: the vehicle came down under thrust).
 */
TL_API int tl_traj_boost(const struct tl_earth *e, const struct tl_vehicle *v,
                         const struct tl_launch *launch, struct tl_path *path,
                         struct tl_flight_summary *sum);

/** Which quantity sets the flight's energy during design. */
enum tl_energy_knob {
    TL_ENERGY_CUTOFF,  /**< nominal payload, engines cut off early as needed */
    TL_ENERGY_PAYLOAD, /**< full burn, payload mass varied */
};

/** A design request: reach @p range_m along @p bearing_rad (the azimuth from the pad to the
 * impact point), with apogee @p apogee_m, or on the minimum-energy trajectory when it is NaN. */
struct tl_design_req {
    struct tl_lla site;
    double bearing_rad;
    double range_m;
    double apogee_m;
    enum tl_energy_knob knob;
    double payload_min_kg, payload_max_kg; /**< TL_ENERGY_PAYLOAD bounds; 0 = defaults */
};

/** Why a design failed (set with TL_ENOSOL). */
enum tl_design_why {
    TL_DESIGN_OK,
    TL_DESIGN_TOO_FAR,   /**< not enough energy (range or apogee out of reach) */
    TL_DESIGN_TOO_NEAR,  /**< too much energy even at the knob's lowest setting */
};

/**
 * Find the launch (heading, kick, energy) that meets @p req, with nested robust root finders:
 * Brent on the energy for the apogee (or a golden-section maximum of range over the kick for the
 * minimum-energy case), Brent on the kick for the range, and a fixed-point iteration on the
 * heading so the impact lies on the requested bearing despite the Coriolis drift.
 * @param[out] launch, sum  the solution (unchanged on error).
 * @param[out] why  reason on TL_ENOSOL (may be NULL).
 * @retval TL_OK, TL_EINVAL, TL_ENOSOL (no trajectory of this vehicle meets the request).
 */
TL_API int tl_traj_design(const struct tl_earth *e, const struct tl_vehicle *v,
                          const struct tl_design_req *req, struct tl_launch *launch,
                          struct tl_flight_summary *sum, enum tl_design_why *why);

/**
 * Greatest range of @p launch's vehicle, payload and cut-off over all kick angles, keeping its
 * heading: the "standard range" of the flight.
 * @param[out] best the launch that achieves it (may be NULL); @param[out] sum its flight.
 */
TL_API int tl_traj_max_range(const struct tl_earth *e, const struct tl_vehicle *v,
                             const struct tl_launch *launch, struct tl_launch *best,
                             struct tl_flight_summary *sum);

/**
 * Design with the vehicle's own range control: a liquid vehicle cuts its engines with the
 * nominal payload; a solid one burns out and the payload absorbs the energy (thrust termination
 * when even the heaviest payload is too much). With @p lighter_ok a payload down to a fifth of
 * nominal may make up missing energy. @p req's knob and payload bounds are ignored.
 * @param[out] knob  the knob that matched (may be NULL).
 * @retval as tl_traj_design.
 */
TL_API int tl_traj_design_vehicle(const struct tl_earth *e, const struct tl_vehicle *v,
                                  const struct tl_design_req *req, int lighter_ok,
                                  struct tl_launch *launch, struct tl_flight_summary *sum,
                                  enum tl_design_why *why, enum tl_energy_knob *knob);

/**
 * A launcher (@p v orbital) flown toward a circular orbit @p alt_m high from @p site toward
 * @p azimuth_rad: its last engine cut at circular speed, its kick the one whose orbit's perigee
 * and apogee come nearest @p alt_m (what a vehicle with this steering can reach: a gravity turn
 * and horizontal upper stages leave it somewhat elliptical).
 * @param[out] launch, sum  the solution; sum's impact is NaN (it stays up).
 * @retval TL_OK, TL_EINVAL (not an orbital vehicle, height outside 150-5,000 km), TL_ENOSOL (no
 *         kick reaches that orbit).
 */
TL_API int tl_traj_design_orbit(const struct tl_earth *e, const struct tl_vehicle *v,
                                const struct tl_lla *site, double azimuth_rad, double alt_m,
                                struct tl_launch *launch, struct tl_flight_summary *sum);

/** Flight phase of an object at one instant. */
enum tl_phase {
    TL_PHASE_PRELAUNCH, /**< before ignition */
    TL_PHASE_BOOST,     /**< under thrust */
    TL_PHASE_MIDCOURSE, /**< coasting above the reentry interface (or before apogee) */
    TL_PHASE_REENTRY,   /**< after apogee, below TL_REENTRY_H_M */
    TL_PHASE_IMPACTED,  /**< after impact */
};

/** "boost", "midcourse", "reentry", "prelaunch" or "impacted"; never NULL. */
TL_API const char *tl_phase_name(enum tl_phase phase);
/** The phase tl_phase_name names @p name, or -1 for none (NULL allowed). */
TL_API int tl_phase_from_name(const char *name);

/** Phase at @p t_s (seconds after ignition) of a flight summarised by @p sum. */
TL_API enum tl_phase tl_traj_phase(const struct tl_flight_summary *sum, double t_s);

/** A flight reconstructed from its published apogee and range. */
struct tl_analysis {
    char class_name[TL_NAME_LEN];
    enum tl_energy_knob knob;  /**< how the energy was matched */
    struct tl_launch launch;   /**< the solved launch */
    struct tl_flight_summary flight;
    double standard_range_m;   /**< greatest range of the same vehicle, payload and cut-off
                                    (the "standard" minimum-energy trajectory); +inf when
                                    flown flat it would reach orbit */
};

/**
 * Reconstruct a flight from @p apogee_m and @p range_m launched from @p site toward
 * @p bearing_rad. With @p class_name NULL the first class of @p set that reaches the flight with
 * its nominal payload is chosen: the range classes srbm, mrbm, irbm, icbm first, then their
 * variants (srbm-solid, ...), each in catalogue order (smallest first); the last class tried may
 * carry a lighter payload. A range class name (srbm, mrbm, irbm, icbm) tries that class and its
 * variants; any other name pins one class. On TL_ENOSOL @p diag also names a class that does
 * fly it, when one does. A liquid vehicle matches the energy by engine cut-off with its nominal
 * payload; a solid one burns out and the payload mass absorbs the energy (thrust termination if
 * even the heaviest payload is too much).
 * @retval TL_OK, TL_EINVAL, TL_ENOTFOUND (unknown class), TL_ENOSOL (unreachable), with
 *         @p diag's message saying why.
 */
TL_API int tl_traj_analyze(const struct tl_earth *e, const struct tl_vehicle_set *set,
                           const char *class_name, const struct tl_lla *site, double bearing_rad,
                           double apogee_m, double range_m, struct tl_analysis *out,
                           struct tl_diag *diag);

#endif
