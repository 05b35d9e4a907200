/* The warn layer's interface to other layers (not public API): the rules map parser, shared by
 * rules files and the node configuration's `warn:` block. Reachable as "warn_yaml.h" by the
 * layers that link trilink_warn. */
#ifndef TL_WARN_YAML_H
#define TL_WARN_YAML_H

#include "trilink/warn.h"
#include "yamltree.h"

/* Reads the rule keys of map @p map (path @p path for messages) into @p r; keys absent keep
 * r's values; the result is checked (tl_warn_rules_check). */
int tl__warn_rules_parse(const struct tl__ynode *map, const char *path, struct tl_warn_rules *r,
                         struct tl_diag *diag);

#endif
