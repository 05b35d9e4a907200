/* Shared by the trilink subcommands. Exit codes: 0 success, 1 failure while running (I/O),
 * 2 bad input (usage, invalid file or value, infeasible request). */
#ifndef TRILINK_CLI_H
#define TRILINK_CLI_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trilink/err.h"

#define TL_EXIT_OK 0
#define TL_EXIT_FAIL 1
#define TL_EXIT_USAGE 2

int cmd_sim(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_track(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_pki(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_demo(int argc, char **argv);

/** Prints "trilink <cmd>: <message>" to stderr; returns @p code. */
int cli_error(const char *cmd, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/** Prints the diagnostic as one line "trilink <cmd>: file:line: field: message"; returns 2. */
int cli_diag(const char *cmd, const struct tl_diag *diag);
/** Strict number parse of option @p name; on failure prints an error naming option and value. */
int cli_number(const char *cmd, const char *name, const char *text, double lo, double hi,
               double *out);
/** Closes @p f and reports a write error naming @p path; returns 0 or TL_EXIT_FAIL. */
int cli_close(const char *cmd, FILE *f, const char *path);

struct tl_sim;
struct tl_sensor_set;
struct tl_topology;
/** Publishes the measurements of @p sim (seeded by @p seed) to each nation's node in real time
 * times @p speed (see tl_feed_run); *@p t0_ns and *@p wall0_ns get the pinned clock. */
struct tl_meas;
/** The same for measurements already at hand (a file replay), in arrival order; reports before
 * @p first_launch_s - 10 s are skipped. */
int cli_feed_meas(const struct tl_meas *m, size_t n, double first_launch_s,
                  const struct tl_sensor_set *sensors, const struct tl_topology *t, const char *pki,
                  double speed, volatile sig_atomic_t *stop, int64_t *t0_ns, int64_t *wall0_ns,
                  size_t *count, _Atomic int64_t *wall0_shared);
int cli_feed(const struct tl_sim *sim, const struct tl_sensor_set *sensors,
             const struct tl_topology *t, const char *pki, double speed, uint64_t seed,
             volatile sig_atomic_t *stop, int64_t *t0_ns, int64_t *wall0_ns, size_t *count,
             _Atomic int64_t *wall0_shared);

#endif
