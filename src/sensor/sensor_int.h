/* Internal to libtrilink: the `sensors:` list parser, shared by sensors files and scenarios. */
#ifndef TL_SENSOR_INT_H
#define TL_SENSOR_INT_H

#include "trilink/sensor.h"
#include "../util/yamltree.h"

int tl__sensor_parse_list(const struct tl__ynode *list, struct tl_sensor_set *set,
                          struct tl_diag *diag);

#endif
