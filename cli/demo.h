/* trilink demo, shared by its files (private to the CLI): the options (cmd_demo.c), the nodes and
 * the terminal (demo_nodes.c), the faults (demo_faults.c) and the summary (demo_report.c). One run
 * per process: the exercise's state is one global, as the node reader threads, the fault thread
 * and the signal handler all need it. */
#ifndef TRILINK_CLI_DEMO_H
#define TRILINK_CLI_DEMO_H

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "trilink/feed.h"
#include "trilink/node.h"
#include "trilink/share.h"
#include <jansson.h>

/* ---- faults: a node killed and restarted, a node stopped, a malformed sample injected ------ */

#define MAX_FAULTS 4

enum fault_kind { FAULT_KILL, FAULT_STOP, FAULT_INJECT };

struct fault {
    enum fault_kind kind;
    int nation;
    double at_s;  /* scenario seconds after the first launch */
    double dur_s; /* wall seconds down (kill, stop) */
    /* results */
    int done;
    long rows_before, rows_after;
    int injected;
};

struct exercise {
    const char *dir, *daemon;
    int security, tty;
    struct tl_topology topo;
    double speed;
    int64_t launch_ns, end_ns; /* first launch and last impact, scenario UTC ns */
    struct tl_feed_progress progress;
    const double *plan_s;      /* wall seconds from the start at which each feed item leaves */
    size_t n_items;
    pthread_mutex_t mu;        /* pid[], the counts and the terminal */
    pid_t pid[3];
    int own[3], sys[3];        /* from the nodes' status lines */
    int n_faults;
    struct fault fault[MAX_FAULTS];
    int status_drawn;
    atomic_int ending;         /* the run is over: the fault thread may end */
};

/* The run (cmd_demo.c): set by SIGINT/SIGTERM; the exercise; the three nations, in topology
 * order. */
extern volatile sig_atomic_t stop_flag;
extern struct exercise x;
extern const char *const nations[3];

/* What the steps of the run share: the options, then what the setup made of them. */
struct demo_run {
    const char *scenario, *summary, *workdir;
    const char *sensors_path, *meas_path, *truth_path; /* a replay of recorded reports */
    double speed, base, seed;
    int security, mesh, skip_quiet, no_share, seed_given;
    char areas_dir[PATH_MAX];   /* the area data (the data folder's areas/) */
    char daemon[PATH_MAX + 16], scen_abs[PATH_MAX], dir[PATH_MAX], pki[PATH_MAX + 8];
    struct tl_scenario *sc;
    struct tl_sim *sim;
    struct tl_topology topo;
    struct tl_meas *meas;
    struct tl_feed_item *items;
    double *plan;
    size_t n_meas, n_items;
    int64_t t0;
};

static inline void sleep_s(double s)
{
    struct timespec ts;
    if (!(s > 0))
        return;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
}

/* demo_nodes.c: the terminal, the node processes and their configurations. */
/** The status line, in place on a terminal, else as a plain line. Caller holds x.mu. */
void demo_draw_status(void);
/** An event line (printf format) above the status line; takes x.mu. */
void demo_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Starts nation @p i's node (trilinkd --config DIR/NN.yaml); its output into DIR/NN.log, its
 * events printed. Returns the pid, or -1. */
pid_t demo_spawn(int i);
/** Writes DIR/NN.yaml for nation @p i of run @p r. Returns 0, or -1. */
int demo_write_node_cfg(const struct demo_run *r, int i);

/* demo_faults.c */
/** kind:NN:T or kind:NN:T:D, exactly, into @p f. Returns 0, or -1 for anything else. */
int demo_parse_fault(const char *text, struct fault *f);
/** Sorts x.fault by time: the schedule runs in time order, whatever order the options came in. */
void demo_sort_faults(void);
/** The fault schedule (pthread start routine): each fault at its scenario time, then waits for
 * the end of the run (a node it restarted is its child). */
void *demo_fault_thread(void *arg);

/* demo_report.c */
/** The summary per nation and per missile from the nodes' summaries and databases, printed and
 * (with --summary) written as JSON. Returns an exit status. */
int demo_report(const struct demo_run *r);

/* demo_replay.c */
/** A replay's input (--sensors, --measurements, --truth): the sensors (every one of KR, US or
 * JP), a stand-in scenario carrying them and their epoch (no launches), the reports, and the
 * truth as a simulation (r->sim; NULL without --truth). Returns 0, or an exit status. */
int demo_setup_replay(struct demo_run *r);

/* demo_warn.c */
/** The warnings of each nation scored against the truth: printed, and as "warnings" into each
 * nation's object of @p nations_json. Returns 0, or an exit status. */
int demo_warnings(const struct demo_run *r, json_t *nations_json);

#endif
