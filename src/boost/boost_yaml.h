/* The boost layer's internal interface to other layers (not public API): vehicle definitions read
 * from a YAML tree, shared by the catalogue and by scenario files (src/sim, which may override a
 * class). Reachable as "boost_yaml.h" by the layers that link trilink_boost. */
#ifndef TL_BOOST_YAML_H
#define TL_BOOST_YAML_H

#include "trilink/boost.h"
#include "yamltree.h"

/**
 * Read a vehicle from map @p node into @p v. Fields present override what @p v holds (so a
 * scenario can start from a catalogue class); with @p complete every field must end up set.
 * Unknown keys are errors; "base" is accepted and ignored here (the caller resolves it).
 */
int tl__boost_vehicle_from_yaml(const struct tl__ynode *node, const char *path, int complete,
                                struct tl_vehicle *v, struct tl_diag *diag);

/** The compiled-in catalogue text (generated from data/vehicles.yaml). */
extern const char tl__vehicles_yaml[];
extern const unsigned long tl__vehicles_yaml_len;

#endif
