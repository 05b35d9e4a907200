/* trilink demo: the three-nation exercise. KR, US and JP nodes (trilinkd) as separate processes
 * on loopback with DDS Security, Korea and Japan linked only through the US hub, a scenario's
 * measurements replayed to each nation's node in real time, and a summary per nation and per
 * missile. The nodes' output goes to their logs in the work directory; the demo prints their
 * events (one line each) and, on a terminal, a status line that updates in place.
 *
 * This file: the options, the setup (scenario, work directory, PKI, the feed's plan) and the run;
 * demo_nodes.c starts the nodes and relays their output, demo_faults.c runs the faults and
 * demo_report.c writes the summary. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trilink/feed.h"
#include "trilink/node.h"
#include "trilink/pki.h"
#include "trilink/sim.h"
#include "cli.h"
#include "demo.h"

#define DEFAULT_SCENARIO "icbm-2023-07-12.yaml"
/* --skip-quiet: clutter farther than this from every real report goes at full speed. It covers
 * the nodes' tracker lag (1 s), the assessment period (2 s) and a sensor's latency. */
#define QUIET_MARGIN_S 5.0

volatile sig_atomic_t stop_flag;
struct exercise x;
const char *const nations[3] = { "KR", "US", "JP" };

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink demo [--scenario FILE [--seed N] |\n"
            "                     --sensors FILE --measurements FILE [--truth FILE]]\n"
            "                    [--speed X] [--skip-quiet] [--summary FILE.json]\n"
            "                    [--workdir DIR] [--domain-base N] [--no-security]\n"
            "                    [--mesh] [--no-share] [--fault KIND:NATION:T[:D]]...\n"
            "\n"
            "The three-nation exercise: starts KR, US and JP nodes (trilinkd) as separate\n"
            "processes on loopback with DDS Security (a fresh test PKI), Korea and Japan linked\n"
            "only through the US hub (one DDS domain per bilateral link), and replays the\n"
            "scenario's measurements to each nation's node in real time times X: Korean radars to\n"
            "KR, Japanese radars to JP, the US radar in Japan and the US space infrared sensors to\n"
            "US. It prints the nodes' events, one line each (system track new, launch point,\n"
            "impact point, class, burnout, reentry, ended; own tracks confirmed and deleted; links\n"
            "up and lost) and, on a terminal, a status line updated in place (scenario time of\n"
            "total, speed, ETA, tracks per nation). At the end, a summary per nation (time from\n"
            "launch to the first launch point and impact point in its picture, what it received\n"
            "from whom and through the relay, end-to-end latency, fusion gain) and per missile\n"
            "(its system track at each nation, and the impact-point miss at the first prediction,\n"
            "at burnout + 60 s and at the last prediction before impact, with the 95 %% ellipse).\n"
            "Each node warns its own public (CAP 1.2, status Exercise: the demo is a drill) into\n"
            "DIR/NN-warnings/; each warning is printed as it is sent, and the summary scores them\n"
            "per nation and area against the truth: when the missile flew over (above 100 km) or\n"
            "fell in each area, the first alert after launch, the lead time, how it was closed.\n"
            "\n"
            "  --scenario FILE  a scenario with sensors (default " DEFAULT_SCENARIO ", from the\n"
            "                   data folder when not in the working folder: trilink-scenario(5))\n"
            "  --speed X        replay speed (default 10; 1 = real time)\n"
            "  --skip-quiet     replay at full speed while nothing but clutter arrives (more than\n"
            "                   5 s from any real report): the ICBM's hour of midcourse passes in\n"
            "                   seconds; nothing that changes a picture is sped up\n"
            "  --summary FILE   write the summary as JSON (under 'nations' and 'missiles')\n"
            "  --workdir DIR    PKI, node configurations, databases and the nodes' logs\n"
            "                   (KR.log, US.log, JP.log) (default out/demo)\n"
            "  --domain-base N  first DDS domain id (default 120)\n"
            "  --seed N         measurement noise seed (default 1)\n"
            "  --sensors FILE --measurements FILE\n"
            "                   replay recorded reports instead of simulating a scenario: the\n"
            "                   sensors (each with its nation, KR, US or JP) and their reports, in\n"
            "                   trilink track's formats, each report to its sensor's nation\n"
            "  --truth FILE     with a replay: the flights (trilink sim --truth's format) the\n"
            "                   summary scores against; per missile and nation it adds\n"
            "                   containment, the fraction of fused impact predictions from\n"
            "                   burnout + 30 s to impact whose 95 %% ellipse holds the true impact\n"
            "  --no-security    plain DDS (for the benchmark's baseline only)\n"
            "  --mesh           every pair linked directly (no relay)\n"
            "  --no-share       each nation alone on its own sensors (links up, nothing released):\n"
            "                   the warnings' lead times without sharing, to compare\n"
            "  --fault F        up to 4 faults, T scenario seconds after the first launch:\n"
            "                   kill:NN:T:D    SIGKILL nation NN's node, restart it D s later\n"
            "                   stop:NN:T:D    SIGSTOP it for D s (then SIGCONT)\n"
            "                   inject:NN:T    malformed samples sent with NN's identity\n");
}

struct feed_job {
    const char *pki;
    const struct tl_feed_item *items;
    size_t n;
    int64_t t0_ns;
    int rc;
    struct tl_diag diag;
    atomic_int done;
};

static void *feed_thread(void *arg)
{
    struct feed_job *j = arg;
    j->rc = tl_feed_run(&x.topo, j->pki, j->items, j->n, j->t0_ns, x.speed, &stop_flag,
                        &x.progress, &j->diag);
    atomic_store(&j->done, 1);
    return NULL;
}

/* ---- the options --------------------------------------------------------------------------- */

/* Fills @p r from the command line (faults into x.fault). Returns -1 to go on, else the exit
 * status to end with (0 after --help). */
static int parse_args(int argc, char **argv, struct demo_run *r)
{
    static const struct option opts[] = {
        { "scenario", required_argument, NULL, 's' }, { "speed", required_argument, NULL, 'x' },
        { "summary", required_argument, NULL, 'o' },  { "workdir", required_argument, NULL, 'w' },
        { "domain-base", required_argument, NULL, 'd' }, { "seed", required_argument, NULL, 'e' },
        { "no-security", no_argument, NULL, 'n' },    { "mesh", no_argument, NULL, 'm' },
        { "fault", required_argument, NULL, 'f' },    { "skip-quiet", no_argument, NULL, 'q' },
        { "no-share", no_argument, NULL, 'N' },
        { "sensors", required_argument, NULL, 'S' }, { "measurements", required_argument, NULL, 'M' },
        { "truth", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
    };
    int c;

    r->scenario = NULL;
    r->summary = NULL;
    r->workdir = "out/demo";
    r->speed = 10;
    r->base = 120;
    r->seed = 1;
    r->security = 1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 's': r->scenario = optarg; break;
        case 'x':
            if (cli_number("demo", "--speed", optarg, 0.1, 1000, &r->speed))
                return TL_EXIT_USAGE;
            break;
        case 'o': r->summary = optarg; break;
        case 'w': r->workdir = optarg; break;
        case 'd':
            if (cli_integer("demo", "--domain-base", optarg, 0, 220, &r->base))
                return TL_EXIT_USAGE;
            break;
        case 'e':
            if (cli_integer("demo", "--seed", optarg, 0, 1e15, &r->seed))
                return TL_EXIT_USAGE;
            r->seed_given = 1;
            break;
        case 'S': r->sensors_path = optarg; break;
        case 'M': r->meas_path = optarg; break;
        case 'T': r->truth_path = optarg; break;
        case 'n': r->security = 0; break;
        case 'm': r->mesh = 1; break;
        case 'N': r->no_share = 1; break;
        case 'q': r->skip_quiet = 1; break;
        case 'f':
            if (x.n_faults == MAX_FAULTS || demo_parse_fault(optarg, &x.fault[x.n_faults]) != 0)
                return cli_error("demo", TL_EXIT_USAGE,
                                 "--fault: '%s' is not kill:NN:T:D, stop:NN:T:D or inject:NN:T "
                                 "(NN one of KR, US, JP; at most %d)", optarg, MAX_FAULTS);
            x.n_faults++;
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: return cli_bad_option("demo", c, argv);
        }
    }
    if (optind != argc)
        return cli_error("demo", TL_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (r->meas_path == NULL) {
        if (r->sensors_path != NULL || r->truth_path != NULL)
            return cli_error("demo", TL_EXIT_USAGE,
                             "--%s goes with --measurements FILE (a replay)",
                             r->sensors_path != NULL ? "sensors" : "truth");
        if (r->scenario == NULL)
            r->scenario = DEFAULT_SCENARIO;
    } else if (r->scenario != NULL || r->seed_given || r->sensors_path == NULL) {
        return cli_error("demo", TL_EXIT_USAGE,
                         r->sensors_path == NULL
                             ? "--measurements FILE needs --sensors FILE (their sensors)"
                             : "--measurements replays recorded reports: no --scenario or --seed");
    }
    return -1;
}

/* ---- the setup ----------------------------------------------------------------------------- */

/* trilinkd lives beside this binary. Returns 0, or an exit status. */
static int find_daemon(char *daemon, size_t size)
{
    char exe[PATH_MAX], *slash;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (n <= 0)
        return cli_error("demo", TL_EXIT_FAIL, "cannot find my own executable");
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    *slash = '\0';
    snprintf(daemon, size, "%s/trilinkd", exe);
    if (access(daemon, X_OK) != 0)
        return cli_error("demo", TL_EXIT_FAIL, "'%s' not found (build it: make)", daemon);
    return 0;
}

/* The scenario flown. Returns 0, or an exit status. */
static int setup_scenario(struct demo_run *r)
{
    char found[PATH_MAX + 256];
    struct tl_earth earth = tl_earth_wgs84();
    struct tl_diag diag = { 0 };

    if (cli_data_file(r->scenario, found, sizeof found) != 0)
        return cli_error("demo", TL_EXIT_USAGE, "--scenario: %s", found);
    if (realpath(found, r->scen_abs) == NULL)
        return cli_error("demo", TL_EXIT_USAGE, "--scenario: '%s': %s", found, strerror(errno));
    if (tl_scenario_load(r->scen_abs, &r->sc, &diag) != TL_OK)
        return cli_diag("demo", &diag);
    if (r->sc->sensors.n == 0)
        return cli_error("demo", TL_EXIT_USAGE, "--scenario: '%s' declares no sensors",
                         r->scen_abs);
    if (tl_sim_run(r->sc, &earth, &r->sim, &diag) != TL_OK)
        return cli_diag("demo", &diag);
    return 0;
}

/* The input, a scenario or a replay; the work directory made and emptied of an earlier run;
 * --summary checked; the topology and the PKI. Returns 0, or an exit status. */
static int setup(struct demo_run *r)
{
    char found[PATH_MAX + 256], path[PATH_MAX + 64];
    struct tl_diag diag = { 0 };
    const int input = r->meas_path != NULL ? demo_setup_replay(r) : setup_scenario(r);

    if (input != 0)
        return input;
    if (cli_data_path("areas", found, sizeof found) != 0)
        return cli_error("demo", TL_EXIT_USAGE, "areas: %s", found);
    if (realpath(found, r->areas_dir) == NULL)
        return cli_error("demo", TL_EXIT_USAGE, "areas: '%s': %s", found, strerror(errno));
    snprintf(path, sizeof path, "mkdir -p '%s'", r->workdir);
    if (strchr(r->workdir, '\'') != NULL || system(path) != 0 ||
        realpath(r->workdir, r->dir) == NULL)
        return cli_error("demo", TL_EXIT_FAIL, "--workdir: cannot create '%s'", r->workdir);
    if (r->summary != NULL) { /* refused now, not after the run */
        FILE *f = fopen(r->summary, "a");
        struct stat sb;
        if (f == NULL || (stat(r->summary, &sb) == 0 && S_ISDIR(sb.st_mode))) {
            const int status =
                cli_error("demo", TL_EXIT_USAGE, "--summary: cannot write '%s': %s", r->summary,
                          f == NULL ? strerror(errno) : "is a directory");
            if (f != NULL)
                fclose(f);
            return status;
        }
        fclose(f);
    }
    for (int i = 0; i < 3; i++) { /* a fresh exercise: no databases or logs of an earlier run */
        static const char *const ext[] = { ".db", ".db-wal", ".db-shm", "-summary.json", ".log" };
        snprintf(path, sizeof path, "rm -rf '%s/%s-warnings'", r->dir, nations[i]);
        if (system(path) != 0)
            return cli_error("demo", TL_EXIT_FAIL, "--workdir: cannot empty '%s'", path);
        for (size_t e = 0; e < sizeof ext / sizeof ext[0]; e++) {
            snprintf(path, sizeof path, "%s/%s%s", r->dir, nations[i], ext[e]);
            unlink(path);
        }
    }
    tl_topology_make("KR,US,JP", r->mesh ? "" : "US", (int)r->base, &r->topo, &diag);
    snprintf(r->pki, sizeof r->pki, "%s/pki", r->dir);
    if (r->security && tl_pki_create(&r->topo, r->pki, &diag) != TL_OK)
        return cli_error("demo", TL_EXIT_FAIL, "pki: %s", diag.message);
    return 0;
}

/* The feed, planned: the wall time each report leaves, quiet stretches at full speed. Returns 0,
 * or an exit status. */
static int plan_feed(struct demo_run *r)
{
    double first = INFINITY, last = -INFINITY, wall = 0.0;
    int status;

    if (r->meas_path == NULL &&
        tl_sim_measure(r->sim, &r->sc->sensors, (uint64_t)r->seed, &r->meas, &r->n_meas) != TL_OK)
        return cli_error("demo", TL_EXIT_FAIL, "measurements: out of memory");
    for (int i = 0; i < tl_sim_count(r->sim); i++) {
        const struct tl_sim_object *o = tl_sim_object(r->sim, i);
        first = fmin(first, o->t_launch_s);
        last = fmax(last, o->t_launch_s + o->flight.impact_t_s);
    }
    for (size_t k = 0; r->sim == NULL && k < r->n_meas; k++) { /* a replay without its truth */
        first = fmin(first, r->meas[k].t_s);
        last = fmax(last, r->meas[k].t_s);
    }
    if (r->n_meas == 0)
        return cli_error("demo", TL_EXIT_USAGE, "--measurements: '%s' has no reports",
                         r->meas_path);
    x.launch_ns = r->sc->epoch_ns + (int64_t)llround(first * 1e9);
    x.end_ns = r->sc->epoch_ns + (int64_t)llround(last * 1e9);
    if ((status = cli_feed_items(r->meas, r->n_meas, first, &r->sc->sensors, &r->topo,
                                 r->skip_quiet ? QUIET_MARGIN_S : 0.0, &r->items, &r->n_items,
                                 &r->t0)) != 0)
        return status;
    r->plan = calloc(r->n_items + 1, sizeof *r->plan);
    if (r->plan == NULL)
        return cli_error("demo", TL_EXIT_FAIL, "out of memory");
    for (size_t k = 0; k < r->n_items; k++) {
        if (k > 0 && !r->items[k].quiet)
            wall += (double)(r->items[k].m.arrival_ns - r->items[k - 1].m.arrival_ns) * 1e-9 /
                    r->speed;
        r->plan[k] = wall;
    }
    x.plan_s = r->plan;
    x.n_items = r->n_items;
    printf("trilink demo: %s, %d %s%s, speed x%g%s, %s, %s\n",
           r->sc->name[0] ? r->sc->name : r->scen_abs, tl_sim_count(r->sim),
           r->meas_path != NULL ? "missile" : "launch",
           tl_sim_count(r->sim) == 1 ? "" : r->meas_path != NULL ? "s in the truth" : "es",
           r->speed,
           r->skip_quiet ? " (quiet stretches at full speed)" : "",
           r->security ? "DDS Security on" : "security OFF",
           r->mesh ? "full mesh" : "KR <-> US <-> JP (no KR-JP link)");
    /* the feed starts CLI_FEED_LEAD_S before the first launch (cli_feed_items) */
    printf("  %.0f s of scenario in about %.0f s; work directory %s (PKI in %s/pki, node logs "
           "%s/KR.log, US.log, JP.log)\n",
           (double)(x.end_ns - x.launch_ns) * 1e-9 + CLI_FEED_LEAD_S,
           r->n_items ? r->plan[r->n_items - 1] : 0.0, r->dir, r->dir, r->dir);
    fflush(stdout);
    return 0;
}

/* ---- the run ------------------------------------------------------------------------------- */

/* Each node's configuration written and the node started. Returns 0, or an exit status. */
static int start_nodes(const struct demo_run *r)
{
    for (int i = 0; i < 3; i++) {
        if (demo_write_node_cfg(r, i) != 0)
            return cli_error("demo", TL_EXIT_FAIL, "cannot write node configuration in %s",
                             r->dir);
        x.pid[i] = demo_spawn(i);
    }
    return 0;
}

/* The feed in its own thread, the status line here until it ends. Returns 0, or an exit
 * status. */
static int run_feed(const struct demo_run *r)
{
    struct feed_job job;
    pthread_t feed_th;
    int status = TL_EXIT_OK;
    /* the status line: in place on a terminal, a plain line every 15 s otherwise */
    int64_t next_plain;

    memset(&job, 0, sizeof job);
    job.pki = r->security ? r->pki : "";
    job.items = r->items;
    job.n = r->n_items;
    job.t0_ns = r->t0;
    if (pthread_create(&feed_th, NULL, feed_thread, &job) != 0)
        return cli_error("demo", TL_EXIT_FAIL, "cannot start the feed");
    next_plain = tl_wall_ns() + 15000000000LL;
    while (!atomic_load(&job.done)) {
        sleep_s(0.25);
        pthread_mutex_lock(&x.mu);
        if (x.tty || tl_wall_ns() >= next_plain) {
            demo_draw_status();
            next_plain = tl_wall_ns() + 15000000000LL;
        }
        pthread_mutex_unlock(&x.mu);
    }
    pthread_join(feed_th, NULL);
    if (job.rc != TL_OK)
        status = cli_error("demo", TL_EXIT_FAIL, "feed: %s",
                           job.diag.message[0] ? job.diag.message : tl_strerror(job.rc));
    if (status == 0 && !stop_flag)
        sleep_s(3.0); /* the last reports travel and fuse */
    return status;
}

/* The fault thread ended (told to stop at once after a failure), the nodes told to stop and
 * waited for: a node that did not end cleanly fails the run. Returns @p status or
 * TL_EXIT_FAIL. */
static int stop_nodes(const struct demo_run *r, int status, const pthread_t *fth)
{
    if (fth != NULL) {
        if (status != 0)
            stop_flag = 1;
        atomic_store(&x.ending, 1);
        pthread_join(*fth, NULL);
    }
    for (int i = 0; i < 3; i++)
        if (x.pid[i] > 0)
            kill(x.pid[i], SIGTERM);
    for (int i = 0; i < 3; i++) {
        int ws = 0;
        if (x.pid[i] > 0 && waitpid(x.pid[i], &ws, 0) == x.pid[i] &&
            !(WIFEXITED(ws) && WEXITSTATUS(ws) == 0)) {
            fprintf(stderr, "trilink demo: node %s ended with status %d (see %s/%s.log)\n",
                    nations[i], WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws), r->dir,
                    nations[i]);
            status = TL_EXIT_FAIL;
        }
    }
    sleep_s(0.2); /* the readers print the nodes' last lines */
    pthread_mutex_lock(&x.mu);
    if (x.tty && x.status_drawn)
        printf("\n");
    x.status_drawn = 0;
    x.tty = 0;
    pthread_mutex_unlock(&x.mu);
    return status;
}

/* The nodes started, the faults scheduled, the feed run, the nodes stopped. Returns 0, or an
 * exit status. */
static int run(const struct demo_run *r)
{
    struct sigaction sa;
    pthread_t fth;
    int fth_started = 0, status;

    x.dir = r->dir;
    x.daemon = r->daemon;
    x.security = r->security;
    x.topo = r->topo;
    x.speed = r->speed;
    x.tty = isatty(1);
    pthread_mutex_init(&x.mu, NULL);
    /* a clean stop (nodes told, summary written) on SIGINT/SIGTERM from here on; a closed
     * output pipe (| head) fails the writes instead of killing the demo with its nodes */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if ((status = start_nodes(r)) == 0) {
        if (x.n_faults > 0 && pthread_create(&fth, NULL, demo_fault_thread, NULL) == 0)
            fth_started = 1;
        status = run_feed(r);
    }
    return stop_nodes(r, status, fth_started ? &fth : NULL);
}

int cmd_demo(int argc, char **argv)
{
    struct demo_run r;
    int status;

    memset(&x, 0, sizeof x);
    memset(&r, 0, sizeof r);
    if ((status = parse_args(argc, argv, &r)) >= 0)
        return status;
    demo_sort_faults();
    if ((status = find_daemon(r.daemon, sizeof r.daemon)) != 0)
        return status;
    if ((status = setup(&r)) == 0 && (status = plan_feed(&r)) == 0 && (status = run(&r)) == 0)
        status = demo_report(&r);
    if (x.dir != NULL)
        pthread_mutex_destroy(&x.mu);
    free(r.plan);
    free(r.items);
    free(r.meas);
    tl_sim_destroy(r.sim);
    tl_scenario_destroy(r.sc); /* a scenario read, or a replay's stand-in (demo_replay.c) */
    return status;
}
