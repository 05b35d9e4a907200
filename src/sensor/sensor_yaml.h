/* The sensor layer's internal interface to other layers (not public API): the `sensors:` list
 * parser, shared by sensors files and scenarios (src/sim). Reachable as "sensor_yaml.h" by the
 * layers that link trilink_sensor. */
#ifndef TL_SENSOR_YAML_H
#define TL_SENSOR_YAML_H

#include "trilink/sensor.h"
#include "yamltree.h"

int tl__sensor_parse_list(const struct tl__ynode *list, struct tl_sensor_set *set,
                          struct tl_diag *diag);

#endif
