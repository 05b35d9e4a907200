/* Internal to the sim layer: what the scenario reader and the simulation share about mismatch. */
#ifndef TL_SIM_INT_H
#define TL_SIM_INT_H

#include <stdint.h>

#include "trilink/sim.h"
#include "yamltree.h"

/* The `mismatch:` map @p n into *@p out (off when it sets nothing). */
int tl__mismatch_parse(const struct tl__ynode *n, struct tl_mismatch *out, struct tl_diag *diag);

/* One run's atmosphere: a deviation per knot, uniform within +-density_amp. */
void tl__mismatch_density(const struct tl_mismatch *m, struct tl_rng *r, double dev[TL_RHO_KNOTS]);

/* One launch's vehicle: stages within +-vehicle_frac, the RV's ballistic coefficient
 * log-uniform; fields the mismatch does not set are left as the class has them. */
void tl__mismatch_vehicle(const struct tl_mismatch *m, struct tl_rng *r, struct tl_vehicle *v);

/* Sensor @p s's biases (range m, azimuth and elevation rad; index @p sensor of its set) for a
 * run seeded @p seed. */
void tl__mismatch_bias(const struct tl_mismatch *m, uint64_t seed, const struct tl_sensor *s,
                       int sensor, double bias[3]);

#endif
