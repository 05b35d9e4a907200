/* Powered flight: multi-stage vehicles, their thrust and mass over time, boost-phase drag, and
 * the catalogue of generic classes (data/vehicles.yaml, compiled in). */
#ifndef TRILINK_BOOST_H
#define TRILINK_BOOST_H

#include <stddef.h>

#include "trilink/api.h"
#include "trilink/err.h"

#define TL_MAX_STAGES 4
#define TL_MAX_VEHICLES 32
#define TL_NAME_LEN 32

/** One stage: constant mass flow over its burn, thrust varying with ambient pressure. */
struct tl_stage {
    double propellant_kg;
    double dry_kg;     /**< structure and engines, dropped when the stage burns out */
    double isp_sl_s;   /**< specific impulse at sea level */
    double isp_vac_s;  /**< specific impulse in vacuum */
    double burn_s;
};

/** Propellant of a vehicle: decides how its range is controlled. A liquid engine is shut down
 * by the guidance when the required velocity is reached; a solid motor burns to depletion. */
enum tl_propellant { TL_PROPELLANT_LIQUID, TL_PROPELLANT_SOLID };

/** A vehicle class. Plain value. */
struct tl_vehicle {
    char name[TL_NAME_LEN];
    char description[96];
    enum tl_propellant propellant;
    int n_stages;
    struct tl_stage stage[TL_MAX_STAGES];
    double payload_kg;      /**< reentry vehicle mass (nominal) */
    double diameter_m;      /**< body diameter, for boost-phase drag */
    double rv_beta_kgpm2;   /**< RV ballistic coefficient m / (Cd A) */
    double vertical_rise_s; /**< vertical flight before pitch-over */
    double pitch_rate_dps;  /**< rate the thrust turns at during the pitch-over, deg/s (an edge
                                 unit: it is guidance-program data read from YAML) */
    int orbital;            /**< a space launcher: after its first stage the thrust is held
                                 horizontal (in the plane of the flight), to build orbital speed */
    double stage_beta_kgpm2; /**< > 0: spent stages fall as objects of their own with this
                                  ballistic coefficient (a tumbling empty stage) */
    double glide_lift_to_drag; /**< > 0: the RV pulls up and glides in its terminal phase with
                                    lift up to this multiple of its drag (tl_propagate_lift) */
    double glide_max_g;        /**< limit of that lift, in g0 (an edge unit: YAML data) */
};

/** A set of vehicle classes (the catalogue plus a scenario's additions). Plain value. */
struct tl_vehicle_set {
    int n;
    struct tl_vehicle v[TL_MAX_VEHICLES];
};

/** Mass and thrust at one instant of powered flight. */
struct tl_boost_state {
    double mass_kg;
    double thrust_n; /**< 0 after cut-off */
    int stage;       /**< 0-based stage burning, -1 after cut-off */
};

/**
 * Load the built-in catalogue (data/vehicles.yaml).
 * @retval TL_OK, or TL_EPARSE with @p diag filled if the compiled-in file is broken (a build bug).
 */
TL_API int tl_boost_catalog_default(struct tl_vehicle_set *set, struct tl_diag *diag);

/** Class named @p name in @p set, or NULL. */
TL_API const struct tl_vehicle *tl_boost_catalog_find(const struct tl_vehicle_set *set,
                                                      const char *name);

/** Check a vehicle's fields (positive masses, Isp, burn times; 1..TL_MAX_STAGES stages).
 * @retval TL_OK or TL_ERANGE with @p diag naming the field. */
TL_API int tl_boost_validate(const struct tl_vehicle *v, struct tl_diag *diag);

/** Total burn time of all stages, s. */
TL_API double tl_boost_burn_time(const struct tl_vehicle *v);

/** Lift-off mass with payload @p payload_kg. */
TL_API double tl_boost_liftoff_mass(const struct tl_vehicle *v, double payload_kg);

/**
 * Mass and thrust at time @p t_s after ignition, carrying @p payload_kg, with the engines cut
 * off at @p cutoff_s (stages not yet ignited are never lit), at ambient pressure @p p_pa.
 * Thrust F = mdot g0 (Isp_vac - (Isp_vac - Isp_sl) p / p0) (Sutton & Biblarz, eq. 3-35 written
 * with the two specific impulses). After cut-off the mass is that of the payload alone.
 */
TL_API struct tl_boost_state tl_boost_eval(const struct tl_vehicle *v, double payload_kg,
                                           double cutoff_s, double t_s, double p_pa);

/** Zero-lift drag coefficient of a slender rocket body versus Mach number: a typical curve
 * (subsonic 0.20, transonic peak 0.50 at Mach 1.2, 0.20 hypersonic; cf. Sutton & Biblarz fig. 4-2
 * for the V-2). Linear between tabulated points. */
TL_API double tl_boost_drag_coefficient(double mach);

#endif
