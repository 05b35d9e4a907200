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
int cmd_store(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_warn(int argc, char **argv);

/** Prints "trilink <cmd>: <message>" to stderr; returns @p code. */
int cli_error(const char *cmd, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/** Prints the diagnostic as one line "trilink <cmd>: file:line: field: message"; returns 2. */
int cli_diag(const char *cmd, const struct tl_diag *diag);
/** Strict number parse of option @p name; on failure prints an error naming option and value. */
int cli_number(const char *cmd, const char *name, const char *text, double lo, double hi,
               double *out);
/** The same for a whole number (one message for a bad value, never two). */
int cli_integer(const char *cmd, const char *name, const char *text, double lo, double hi,
                double *out);
/** The message for getopt_long's ':' (an option without its value; the option string must start
 * with ':') or '?' (an unknown option); returns 2. */
int cli_bad_option(const char *cmd, int c, char **argv);
/** Closes @p f and reports a write error naming @p path; returns 0 or TL_EXIT_FAIL. */
int cli_close(const char *cmd, FILE *f, const char *path);

/* The CSV contract of trilink track --tracks and --assessments (cli_csv.c), shared with trilink
 * store export so that both write the same text. Unknown numbers (NaN) are empty cells. */
struct tl_store_assess_row;
void cli_csv_track_header(FILE *f);
/** One tracks row; latitude, longitude and height are computed from @p x (ECEF m, m/s). */
void cli_csv_track_row(FILE *f, double t_s, int track, const char *status, const double x[6],
                       const char *phase, double pos_sigma_m);
void cli_csv_assess_header(FILE *f);
void cli_csv_assess_row(FILE *f, const struct tl_store_assess_row *a);

/** The folder of the data shipped with trilink (scenarios/, vehicles.yaml), absolute: the
 * directory $TRILINK_DATA when set; else share/trilink found relative to the running program
 * (installed: BINDIR/../share/trilink; build tree: BUILD/share/trilink, a copy the build makes).
 * NULL when there is none, or $TRILINK_DATA is set but is not a directory (cli_data_file says
 * why). Resolved at the first call; the result stays valid for the life of the process. */
const char *cli_data_dir(void);
/** Finds a scenario or sensors file: @p name itself when it exists (relative to the working
 * folder; copied as given, so messages keep the user's spelling), else, when @p name has no '/'
 * or is "scenarios/NAME", the file DATA/scenarios/NAME of cli_data_dir(), as an absolute path.
 * @return 0 with the path in @p out; -1 with @p out holding the message for the user, naming
 *         every path tried ("x.yaml: no such file (tried x.yaml and /usr/share/trilink/...)"),
 *         to print with cli_error(cmd, TL_EXIT_USAGE, "%s", out). */
int cli_data_file(const char *name, char *out, size_t size);
/** @p rel inside the data directory ("areas", "warn-rules.yaml") into @p out; 0, or -1 with
 * the reason in @p out. */
int cli_data_path(const char *rel, char *out, size_t size);
/** Prints the reference of the scenario and sensors file formats (trilink help scenario, and
 * the manual page trilink-scenario(5)); returns TL_EXIT_OK or TL_EXIT_FAIL. */
int cli_help_scenario(FILE *out);

/** How long before the first launch the feed starts (its clock, t0, is pinned there); earlier
 * reports are clutter only and are skipped rather than waited through. The few seconds of clutter
 * kept let the nodes' clocks and trackers run before the first real report; a replay of a file
 * passes its first report's time + this lead, so it starts at that report. The demo counts the
 * lead in the scenario time it announces. A margin, not a tuned value. */
#define CLI_FEED_LEAD_S 10.0

struct tl_sim;
struct tl_sensor_set;
struct tl_topology;
struct tl_meas;
struct tl_feed_progress;
/** Publishes measurements already at hand (a file replay, or a simulation's) to each nation's
 * node in real time times @p speed (tl_feed_run), in arrival order; reports before
 * @p first_launch_s - CLI_FEED_LEAD_S are skipped. With @p quiet_margin_s > 0, clutter farther than that
 * from any real object's report goes at full speed (tl_feed_mark_quiet; needs the truth, so only
 * simulated measurements). *@p t0_ns gets the scenario time the clock is pinned to. */
int cli_feed_meas(const struct tl_meas *m, size_t n, double first_launch_s,
                  const struct tl_sensor_set *sensors, const struct tl_topology *t, const char *pki,
                  double speed, double quiet_margin_s, volatile sig_atomic_t *stop, int64_t *t0_ns,
                  size_t *count, struct tl_feed_progress *progress);
/** The feed items of cli_feed_meas (owned array in *@p out, free()), for a caller that runs
 * tl_feed_run itself. */
struct tl_feed_item;
int cli_feed_items(const struct tl_meas *m, size_t n, double first_launch_s,
                   const struct tl_sensor_set *sensors, const struct tl_topology *t,
                   double quiet_margin_s, struct tl_feed_item **out, size_t *count, int64_t *t0_ns);
/** The same for the measurements of @p sim, seeded by @p seed. */
int cli_feed(const struct tl_sim *sim, const struct tl_sensor_set *sensors,
             const struct tl_topology *t, const char *pki, double speed, double quiet_margin_s,
             uint64_t seed, volatile sig_atomic_t *stop, int64_t *t0_ns, size_t *count,
             struct tl_feed_progress *progress);

#endif
