/* trilink warn's parts (cmd_warn.c, warn_score.c). */
#ifndef TL_CLI_WARN_H
#define TL_CLI_WARN_H

#include <stdint.h>

#include "trilink/areas.h"

/** --truth: scores the warnings of @p out_dir against the flight of trilink sim --truth and
 * prints the score (JSON with @p json). Returns 0 or an exit status. */
int cli_warn_score(const char *truth_path, const char *out_dir, const struct tl_areas *areas,
                   const char *nation, int64_t epoch_ns, int json);

#endif
