/* trilink demo: the three-nation exercise. KR, US and JP nodes (trilinkd) as separate processes
 * on loopback with DDS Security, Korea and Japan linked only through the US hub, a scenario's
 * measurements replayed to each nation's node in real time, and a summary per nation and per
 * missile. The nodes' output goes to their logs in the work directory; the demo prints their
 * events (one line each) and, on a terminal, a status line that updates in place. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trilink/geo.h"
#include "trilink/node.h"
#include "trilink/pki.h"
#include "trilink/sim.h"
#include "trilink/store.h"
#include "cli.h"

#define DEFAULT_SCENARIO "icbm-2023-07-12.yaml"
/* --skip-quiet: clutter farther than this from every real report goes at full speed. It covers
 * the nodes' tracker lag (1 s), the assessment period (2 s) and a sensor's latency. */
#define QUIET_MARGIN_S 5.0
/* A system track row counts for a missile when it is this close to the missile's truth. */
#define ASSOC_M 20000.0

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink demo [--scenario FILE] [--speed X] [--skip-quiet] [--summary FILE.json]\n"
            "                    [--workdir DIR] [--domain-base N] [--seed N] [--no-security]\n"
            "                    [--mesh] [--fault KIND:NATION:T[:D]]...\n"
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
            "  --no-security    plain DDS (for the benchmark's baseline only)\n"
            "  --mesh           every pair linked directly (no relay)\n"
            "  --fault F        up to 4 faults, T scenario seconds after the first launch:\n"
            "                   kill:NN:T:D    SIGKILL nation NN's node, restart it D s later\n"
            "                   stop:NN:T:D    SIGSTOP it for D s (then SIGCONT)\n"
            "                   inject:NN:T    malformed samples sent with NN's identity\n");
}

static const char *const nations[3] = { "KR", "US", "JP" };

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

static struct exercise x;

/* kind:NN:T or kind:NN:T:D, exactly: anything after the fields is refused. */
static int parse_fault(const char *text, struct fault *f)
{
    char kind[16], nat[8];
    int n = 0, end3 = -1, end4 = -1;

    memset(f, 0, sizeof *f);
    /* the whole text, to its last character: "kill:KR:10:5:7:8" and "inject:KR:10junk" are not
     * faults (%n records where each form ended; it is not counted in the return) */
    if (sscanf(text, "%15[a-z]:%7[A-Z]:%lf%n:%lf%n", kind, nat, &f->at_s, &end3, &f->dur_s,
               &end4) >= 3)
        n = end4 > 0 && text[end4] == '\0' ? 4 : end3 > 0 && text[end3] == '\0' ? 3 : 0;
    if (n != 3 && n != 4)
        return -1;
    f->nation = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(nat, nations[i]) == 0)
            f->nation = i;
    if (strcmp(kind, "kill") == 0)
        f->kind = FAULT_KILL;
    else if (strcmp(kind, "stop") == 0)
        f->kind = FAULT_STOP;
    else if (strcmp(kind, "inject") == 0)
        f->kind = FAULT_INJECT;
    else
        return -1;
    if (f->nation < 0 || !(f->at_s >= 0) || !(f->dur_s >= 0) || f->dur_s > 600 ||
        (f->kind == FAULT_INJECT && n != 3) || (f->kind != FAULT_INJECT && !(f->dur_s > 0)))
        return -1;
    return 0;
}

static int by_time(const void *a, const void *b)
{
    const double ta = ((const struct fault *)a)->at_s, tb = ((const struct fault *)b)->at_s;
    return (ta > tb) - (ta < tb);
}

static void sleep_s(double s)
{
    struct timespec ts;
    if (!(s > 0))
        return;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
}

/* ---- the terminal: event lines, and a status line kept at the bottom ---------------------- */

static void fmt_duration(char *buf, size_t size, double s)
{
    if (!(s >= 0))
        snprintf(buf, size, "-");
    else if (s < 60)
        snprintf(buf, size, "%.0fs", s);
    else
        snprintf(buf, size, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
}

/* Scenario time reached of total, speed, ETA, tracks per nation. Caller holds x.mu. */
static void status_line(char *buf, size_t size)
{
    const int64_t w0 = atomic_load(&x.progress.wall0_ns);
    const int64_t scen = atomic_load(&x.progress.scen_ns);
    const long sent = atomic_load(&x.progress.sent);
    const double t = w0 ? (double)(scen - x.launch_ns) * 1e-9 : 0.0;
    const double total = (double)(x.end_ns - x.launch_ns) * 1e-9;
    double eta = NAN;
    char e[32];
    int len;

    if (w0 && x.n_items > 0) {
        const double elapsed = (double)(tl_wall_ns() - w0) * 1e-9;
        const size_t at = sent > 0 ? (size_t)sent - 1 : 0;
        /* the plan gives what is left of the schedule; a slow feed stretches it */
        eta = fmax(0.0, x.plan_s[x.n_items - 1] - fmax(x.plan_s[at], elapsed));
    }
    fmt_duration(e, sizeof e, eta);
    len = snprintf(buf, size, "t+%.0f/%.0f s (%.0f%%) x%g ETA %s |", t, total,
                   total > 0 ? 100.0 * fmin(1.0, fmax(0.0, t / total)) : 0.0, x.speed, e);
    for (int i = 0; i < 3 && len < (int)size; i++)
        len += snprintf(buf + len, size - (size_t)len, " %s own %d sys %d%s", nations[i], x.own[i],
                        x.sys[i], i < 2 ? "," : "");
}

/* Caller holds x.mu. */
static void draw_status(void)
{
    char line[256];

    status_line(line, sizeof line);
    if (x.tty) {
        printf("\r\033[K%s", line);
        x.status_drawn = 1;
    } else {
        printf("status: %s\n", line);
    }
    fflush(stdout);
}

/* An event line above the status line. Caller holds x.mu. */
static void print_event(const char *line)
{
    if (x.tty && x.status_drawn)
        printf("\r\033[K");
    printf("%s\n", line);
    x.status_drawn = 0;
    if (x.tty)
        draw_status();
    fflush(stdout);
}

/* ---- the nodes ------------------------------------------------------------------------------ */

struct reader {
    int nation, fd, log;
};

/* Reads one node's standard output until it ends: every line into its log; status lines give the
 * counts of the status line, the other lines are events and are printed. */
static void *reader_thread(void *arg)
{
    struct reader *r = arg;
    FILE *in = fdopen(r->fd, "r");
    char line[1024];

    while (in != NULL && fgets(line, sizeof line, in) != NULL) {
        const char *own = strstr(line, " own ");
        int o, s;
        if (write(r->log, line, strlen(line)) < 0) {
            /* the log is best effort: the events still print */
        }
        line[strcspn(line, "\n")] = '\0';
        pthread_mutex_lock(&x.mu);
        if (own != NULL && sscanf(own, " own %d sys %d", &o, &s) == 2) {
            x.own[r->nation] = o;
            x.sys[r->nation] = s;
        } else {
            print_event(line);
        }
        pthread_mutex_unlock(&x.mu);
    }
    if (in != NULL)
        fclose(in);
    close(r->log);
    free(r);
    return NULL;
}

/* Starts nation @p i's node: standard output through a reader thread into the log, standard
 * error straight into the log. Returns the pid, or -1. */
static pid_t spawn(int i)
{
    char cfg[PATH_MAX + 16], log[PATH_MAX + 16];
    int pfd[2], logfd, errfd = -1;
    pthread_t th;
    struct reader *r;
    pid_t p, parent;

    snprintf(cfg, sizeof cfg, "%s/%s.yaml", x.dir, nations[i]);
    snprintf(log, sizeof log, "%s/%s.log", x.dir, nations[i]);
    if ((logfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0)
        return -1;
    r = malloc(sizeof *r); /* before the fork: a failure after it would leave a child */
    if (r == NULL || (errfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0 ||
        pipe(pfd) != 0) {
        close(logfd);
        if (r != NULL && errfd >= 0)
            close(errfd);
        free(r);
        return -1;
    }
    parent = getpid();
    p = fork();
    if (p == 0) {
        /* the node ends with the demo, however the demo ends (killed, its pipe closed) */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(1); /* the demo died before prctl */
        dup2(pfd[1], 1);
        dup2(errfd, 2);
        close(pfd[0]);
        close(pfd[1]);
        close(errfd);
        close(logfd);
        execl(x.daemon, x.daemon, "--config", cfg, (char *)NULL);
        fprintf(stderr, "trilink demo: cannot run %s: %s\n", x.daemon, strerror(errno));
        _exit(127);
    }
    close(pfd[1]);
    close(errfd);
    if (p < 0) {
        close(pfd[0]);
        close(logfd);
        free(r);
        return -1;
    }
    r->nation = i;
    r->fd = pfd[0];
    r->log = logfd;
    if (pthread_create(&th, NULL, reader_thread, r) != 0) {
        close(pfd[0]);
        close(logfd);
        free(r);
        return p;
    }
    pthread_detach(th);
    return p;
}

/* A partner's node sends what no sound node sends: a state with NaN, one 100,000 km out, one
 * claiming another nation's origin. Its own certificate, its own partition: only the receiving
 * node's checks stand between these samples and the picture. */
static int inject(int nation)
{
    const int hub = x.topo.hub >= 0 ? x.topo.hub : (nation == 0 ? 1 : 0);
    const int to = nation == hub ? 0 : hub;
    struct tl_security sec;
    struct tl_bus_ctx *ctx = NULL; /* this thread's own: the feed's belongs to the main thread */
    struct tl_bus *bus = NULL;
    struct tl_bus_ep *w = NULL;
    struct tl_diag d = { 0 };
    char part[24], pki[PATH_MAX + 8];
    int sent = 0;

    snprintf(pki, sizeof pki, "%s/pki", x.dir);
    if (x.security)
        tl_pki_security(pki, nations[nation], &sec);
    tl_partition_name(part, sizeof part, nations[nation], nations[to], NULL);
    if (tl_bus_ctx_create(&ctx, &d) != TL_OK ||
        tl_bus_open(ctx, tl_topology_link_domain(&x.topo, nation, to), x.security ? &sec : NULL,
                    "inject", &bus, &d) != TL_OK ||
        tl_bus_writer(bus, TL_MSG_TRACK, part, &w, &d) != TL_OK ||
        tl_bus_wait_matched(w, 1, 20.0) != TL_OK) {
        fprintf(stderr, "trilink demo: inject: %s\n", d.message);
        tl_bus_close(bus);
        tl_bus_ctx_destroy(ctx);
        return 0;
    }
    for (int k = 0; k < 3; k++) {
        struct tl_msg_track m;
        memset(&m, 0, sizeof m);
        snprintf(m.origin, sizeof m.origin, "%s",
                 k == 2 ? nations[3 - nation - to] : nations[nation]);
        m.track_no = 900000 + k;
        m.status = 1;
        m.phase = 2;
        m.t_ns = tl_wall_ns();
        m.x[0] = k == 0 ? NAN : k == 1 ? 1.0e8 : 6.5e6;
        m.x[3] = 1000;
        for (int i = 0; i < 6; i++)
            m.p[tl_ut6(i, i)] = 100;
        sent += tl_bus_write(w, &m) == TL_OK;
    }
    sleep_s(1.0);
    tl_bus_close(bus);
    tl_bus_ctx_destroy(ctx);
    return sent;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&x.mu);
    print_event(line);
    pthread_mutex_unlock(&x.mu);
}

/* Sleeps @p s seconds, or less when the run ends meanwhile (a stopped node is continued, a killed
 * one restarted, at once then). */
static void nap(double s)
{
    const int64_t until = tl_wall_ns() + (int64_t)(s * 1e9);
    while (!stop_flag && !atomic_load(&x.ending) && tl_wall_ns() < until)
        sleep_s(0.05);
}

/* Each fault at its scenario time: the feed's own clock, so skipped quiet stretches do not
 * shift the schedule. */
static void *fault_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < x.n_faults && !stop_flag; i++) {
        struct fault *f = &x.fault[i];
        const int64_t due = x.launch_ns + (int64_t)llround(f->at_s * 1e9);
        char db[PATH_MAX + 16];
        pid_t p;

        while (!stop_flag && !atomic_load(&x.ending) &&
               (atomic_load(&x.progress.wall0_ns) == 0 || atomic_load(&x.progress.scen_ns) < due))
            sleep_s(0.01);
        if (stop_flag || atomic_load(&x.ending))
            break; /* the run ended first (a fault after the last report): not done */
        snprintf(db, sizeof db, "%s/%s.db", x.dir, nations[f->nation]);
        pthread_mutex_lock(&x.mu);
        p = x.pid[f->nation];
        pthread_mutex_unlock(&x.mu);
        if (p <= 0 && f->kind != FAULT_INJECT) {
            /* never kill(-1, ...): that is every process this user may signal */
            say("fault: %s node is not running (its restart failed): fault not done",
                nations[f->nation]);
            continue;
        }
        switch (f->kind) {
        case FAULT_KILL:
            tl_store_count(db, &f->rows_before); /* committed before the kill */
            kill(p, SIGKILL);
            waitpid(p, NULL, 0);
            pthread_mutex_lock(&x.mu);
            x.pid[f->nation] = 0; /* reaped: its number may be another process's soon */
            pthread_mutex_unlock(&x.mu);
            say("fault: %s node killed (SIGKILL) at t+%.0f s with %ld rows committed; restart in "
                "%.0f s",
                nations[f->nation], f->at_s, f->rows_before, f->dur_s);
            nap(f->dur_s);
            pthread_mutex_lock(&x.mu);
            x.pid[f->nation] = spawn(f->nation);
            pthread_mutex_unlock(&x.mu);
            sleep_s(2.0);
            tl_store_count(db, &f->rows_after);
            say("fault: %s node restarted: %ld rows in its database (%ld before the kill)",
                nations[f->nation], f->rows_after, f->rows_before);
            break;
        case FAULT_STOP:
            kill(p, SIGSTOP);
            say("fault: %s node stopped (SIGSTOP) at t+%.0f s for %.0f s", nations[f->nation],
                f->at_s, f->dur_s);
            nap(f->dur_s);
            kill(p, SIGCONT);
            say("fault: %s node continued", nations[f->nation]);
            break;
        case FAULT_INJECT:
            f->injected = inject(f->nation);
            say("fault: %d malformed samples injected with %s's identity at t+%.0f s", f->injected,
                nations[f->nation], f->at_s);
            break;
        }
        f->done = 1;
    }
    /* A node restarted here has this thread as its parent for PR_SET_PDEATHSIG: the thread
     * lives until the demo ends, or that node would be stopped with it. */
    while (!stop_flag && !atomic_load(&x.ending))
        sleep_s(0.1);
    return NULL;
}

static int write_node_cfg(const char *dir, int i, const char *scenario, int base, int security,
                          int mesh, double speed)
{
    char path[PATH_MAX + 32];
    FILE *f;
    const char *me = nations[i];

    snprintf(path, sizeof path, "%s/%s.yaml", dir, me);
    f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "# %s node of the trilink demo (written by trilink demo)\n", me);
    fprintf(f, "nation: %s\n", me);
    fprintf(f, "coalition: {nations: [KR, US, JP], %sdomain_base: %d}\n", mesh ? "" : "hub: US, ",
            base);
    fprintf(f, "sensors: %s\n", scenario);
    fprintf(f, "storage: %s/%s.db\n", dir, me);
    fprintf(f, "summary: %s/%s-summary.json\n", dir, me);
    if (security)
        fprintf(f, "security: {pki: %s/pki}\n", dir);
    else
        fprintf(f, "security: off\n");
    fprintf(f, "speed: %g\n", speed);
    fprintf(f, "partners:\n");
    for (int j = 0; j < 3; j++) {
        const int k = 3 - i - j; /* the third nation */
        if (j == i)
            continue;
        /* sensor identities and sites stay national; everything else is shared and may be
         * passed on to the third ally */
        fprintf(f, "  - nation: %s\n    release: [tracks, assessments]\n"
                   "    withhold: [sensor_ids, sensor_position]\n", nations[j]);
        if (!mesh && j == 1)
            fprintf(f, "    forward: [%s]\n", nations[k]);
    }
    if (!mesh && i == 1)
        fprintf(f, "relay: true\n");
    return fclose(f);
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

/* ---- per missile, from each nation's database ---------------------------------------------- */

/* One missile seen by one nation: its system track and the figures of the summary. */
struct seen {
    int32_t system_no;
    long votes;
    char nations[16]; /* every nation whose track contributed to it, in order of first sight */
    double first_lp_s, first_ipp_s, miss_first_m, miss_bo60_m, miss_last_m, semi_major_m,
        semi_minor_m;
};

static double miss_to(const struct tl_sim_object *o, double lat_deg, double lon_deg)
{
    double d = NAN;
    tl_geo_inverse(&TL_WGS84, tl_deg2rad(lat_deg), tl_deg2rad(lon_deg), o->flight.impact.lat_rad,
                   o->flight.impact.lon_rad, &d, NULL, NULL);
    return d;
}

/* Reads the fused picture of @p db (table system_tracks, README "The node database"), gives each
 * system track to the missile its rows were nearest (within ASSOC_M, by vote), and for each
 * missile takes the system track with most votes. @p out has tl_sim_count(sim) entries. */
static int per_missile(const char *db, const struct tl_sim *sim, int64_t epoch_ns,
                       struct seen *out)
{
    enum { MAXSYS = 512 };
    static long votes[MAXSYS][64];
    static int32_t nos[MAXSYS];
    const int nm = tl_sim_count(sim) < 64 ? tl_sim_count(sim) : 64;
    int nsys = 0, rc = 0;
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    static const char *const q =
        "SELECT system_no, t_ns, scen_ns, x_m, y_m, z_m, launch_ns, impact_lat_deg,"
        " impact_lon_deg, semi_major_m, semi_minor_m, contributors FROM system_tracks"
        " WHERE status <> 'deleted' ORDER BY id";

    memset(votes, 0, sizeof votes);
    for (int i = 0; i < nm; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].first_lp_s = out[i].first_ipp_s = out[i].miss_first_m = out[i].miss_bo60_m =
            out[i].miss_last_m = out[i].semi_major_m = out[i].semi_minor_m = NAN;
    }
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h, q, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "trilink demo: %s: %s\n", db, sqlite3_errmsg(h));
        sqlite3_close(h);
        return -1;
    }
    /* pass 1: votes */
    while (sqlite3_step(s) == SQLITE_ROW) {
        const int32_t no = (int32_t)sqlite3_column_int64(s, 0);
        const double t_s = (double)(sqlite3_column_int64(s, 1) - epoch_ns) * 1e-9;
        const double p[3] = { sqlite3_column_double(s, 3), sqlite3_column_double(s, 4),
                              sqlite3_column_double(s, 5) };
        int k = -1, best = -1;
        double bd = ASSOC_M;
        for (int i = 0; i < nsys; i++)
            if (nos[i] == no)
                k = i;
        if (k < 0 && nsys < MAXSYS) {
            k = nsys++;
            nos[k] = no;
        }
        for (int m = 0; m < nm && k >= 0; m++) {
            double y[6], d;
            if (tl_sim_state(sim, m, t_s, y, NULL) != TL_OK)
                continue;
            d = sqrt((y[0] - p[0]) * (y[0] - p[0]) + (y[1] - p[1]) * (y[1] - p[1]) +
                     (y[2] - p[2]) * (y[2] - p[2]));
            if (d < bd) {
                bd = d;
                best = m;
            }
        }
        if (best >= 0)
            votes[k][best]++;
    }
    for (int m = 0; m < nm; m++)
        for (int k = 0; k < nsys; k++) {
            int owner = 0; /* the missile this system track voted for most */
            for (int j = 1; j < nm; j++)
                if (votes[k][j] > votes[k][owner])
                    owner = j;
            if (owner == m && votes[k][m] > out[m].votes) {
                out[m].votes = votes[k][m];
                out[m].system_no = nos[k];
            }
        }
    /* pass 2: the figures of each missile's system track */
    sqlite3_reset(s);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const int32_t no = (int32_t)sqlite3_column_int64(s, 0);
        const int64_t t_ns = sqlite3_column_int64(s, 1);
        const int64_t at_ns = sqlite3_column_int64(s, 2) > 0 ? sqlite3_column_int64(s, 2) : t_ns;
        for (int m = 0; m < nm; m++) {
            const struct tl_sim_object *o = tl_sim_object(sim, m);
            const int64_t launch_ns = epoch_ns + (int64_t)llround(o->t_launch_s * 1e9);
            const int64_t impact_ns = launch_ns + (int64_t)llround(o->flight.impact_t_s * 1e9);
            const int64_t bo60_ns =
                launch_ns + (int64_t)llround((o->flight.burnout_t_s + 60.0) * 1e9);
            struct seen *w = &out[m];
            double miss;
            if (w->votes == 0 || w->system_no != no)
                continue;
            {
                /* "KR:3,US:1": the nations */
                const char *c = (const char *)sqlite3_column_text(s, 11);
                while (c != NULL && *c != '\0') {
                    const size_t len = strcspn(c, ":,"), item = strcspn(c, ",");
                    char code[8];
                    if (len > 0 && len < sizeof code) {
                        memcpy(code, c, len);
                        code[len] = '\0';
                        if (strstr(w->nations, code) == NULL &&
                            strlen(w->nations) + len + 2 < sizeof w->nations)
                            snprintf(w->nations + strlen(w->nations),
                                     sizeof w->nations - strlen(w->nations), "%s%s",
                                     w->nations[0] ? "," : "", code);
                    }
                    c += item + (c[item] == ',');
                }
            }
            if (sqlite3_column_type(s, 6) != SQLITE_NULL && isnan(w->first_lp_s))
                w->first_lp_s = (double)(at_ns - launch_ns) * 1e-9;
            if (sqlite3_column_type(s, 7) == SQLITE_NULL)
                continue;
            miss = miss_to(o, sqlite3_column_double(s, 7), sqlite3_column_double(s, 8));
            if (isnan(w->first_ipp_s)) {
                w->first_ipp_s = (double)(at_ns - launch_ns) * 1e-9;
                w->miss_first_m = miss;
            }
            if (t_ns <= bo60_ns)
                w->miss_bo60_m = miss;
            if (t_ns < impact_ns) { /* the last prediction made before the impact */
                w->miss_last_m = miss;
                w->semi_major_m = sqlite3_column_double(s, 9);
                w->semi_minor_m = sqlite3_column_double(s, 10);
            }
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    return rc;
}

static json_t *num_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

/* "840 m" or "12.3 km": a 40 m miss must not print as 0.0 km. */
static void dist(char *buf, size_t size, double m)
{
    if (isnan(m))
        snprintf(buf, size, "-");
    else if (m < 10e3)
        snprintf(buf, size, "%.0f m", m);
    else
        snprintf(buf, size, "%.1f km", m / 1e3);
}

static double secs_after(json_t *o, const char *key, int64_t launch_ns)
{
    json_t *v = json_object_get(o, key);
    long long ns = json_is_integer(v) ? (long long)json_integer_value(v) : 0;
    return ns > 0 ? (double)(ns - launch_ns) * 1e-9 : NAN;
}

/* The per-nation part of the summary, from the node's own summary file and its database. */
static json_t *nation_summary(int i, json_t *s, int64_t launch_ns)
{
    json_t *nj = json_object(), *lr = json_object(), *v;
    const char *k;
    int64_t na = 0, badseq = 0;
    char why[300] = "", db[PATH_MAX + 16];
    int ok;

    json_object_set(nj, "system_tracks", json_object_get(s, "system_tracks"));
    json_object_set_new(nj, "first_launch_point_s",
                        num_or_null(secs_after(s, "first_launch_point_ns", launch_ns)));
    json_object_set_new(nj, "first_impact_point_s",
                        num_or_null(secs_after(s, "first_impact_point_ns", launch_ns)));
    json_object_set(nj, "received", json_object_get(s, "received"));
    json_object_set(nj, "relayed", json_object_get(s, "relayed"));
    /* scenario seconds after launch of the last sample received through the relay */
    json_object_foreach(json_object_get(s, "last_relayed_ns"), k, v) {
        const long long ns = (long long)json_integer_value(v);
        json_object_set_new(lr, k, ns > 0 ? json_real((double)(ns - launch_ns) * 1e-9)
                                          : json_null());
    }
    json_object_set_new(nj, "last_relayed_s", lr);
    static const char *const copied[] = { "latency_ms", "impact", "fusion_gain", "system_track",
                                          "rejected", "storage", "share_latency_ms",
                                          "system_numbers" };
    for (size_t c = 0; c < sizeof copied / sizeof copied[0]; c++)
        json_object_set(nj, copied[c], json_object_get(s, copied[c]));
    snprintf(db, sizeof db, "%s/%s.db", x.dir, nations[i]);
    ok = tl_audit_verify(db, &na, &badseq, why, sizeof why) == TL_OK;
    json_object_set_new(nj, "audit",
                        json_pack("{s:I,s:b}", "entries", (json_int_t)na, "intact", ok));
    if (!ok)
        fprintf(stderr, "trilink demo: audit of %s: %s\n", nations[i], why);
    return nj;
}

static void counts(char *buf, size_t size, json_t *o)
{
    const char *k;
    json_t *v;
    size_t len = 0;

    buf[0] = '\0';
    json_object_foreach(o, k, v) {
        len += (size_t)snprintf(buf + len, size - len, "%s%s %lld", len ? ", " : "", k,
                                (long long)json_integer_value(v));
        if (len >= size)
            break;
    }
    if (buf[0] == '\0')
        snprintf(buf, size, "-");
}

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        { "scenario", required_argument, NULL, 's' }, { "speed", required_argument, NULL, 'x' },
        { "summary", required_argument, NULL, 'o' },  { "workdir", required_argument, NULL, 'w' },
        { "domain-base", required_argument, NULL, 'd' }, { "seed", required_argument, NULL, 'e' },
        { "no-security", no_argument, NULL, 'n' },    { "mesh", no_argument, NULL, 'm' },
        { "fault", required_argument, NULL, 'f' },    { "skip-quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
    };
    const char *scenario = DEFAULT_SCENARIO, *summary = NULL, *workdir = "out/demo";
    double speed = 10, base = 120, seed = 1;
    int security = 1, mesh = 0, skip_quiet = 0, c, status = TL_EXIT_OK;
    char exe[PATH_MAX], daemon[PATH_MAX + 16], scen_abs[PATH_MAX], found[PATH_MAX + 256],
        dir[PATH_MAX], path[PATH_MAX + 64], pki[PATH_MAX + 8];
    struct tl_scenario *sc = NULL;
    struct tl_sim *sim = NULL;
    struct tl_earth earth = tl_earth_wgs84();
    struct tl_diag diag = { 0 };
    struct tl_topology topo;
    struct tl_meas *meas = NULL;
    struct tl_feed_item *items = NULL;
    double *plan = NULL;
    size_t n_meas = 0, n_items = 0;
    int64_t t0 = 0;
    pthread_t fth, feed_th;
    int fth_started = 0;
    struct feed_job job;
    json_t *out_json = NULL, *jn, *jm;
    struct sigaction sa;
    struct seen(*seen)[64] = NULL;
    int main_no[3] = { 0, 0, 0 };

    memset(&x, 0, sizeof x);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 's': scenario = optarg; break;
        case 'x':
            if (cli_number("demo", "--speed", optarg, 0.1, 1000, &speed))
                return TL_EXIT_USAGE;
            break;
        case 'o': summary = optarg; break;
        case 'w': workdir = optarg; break;
        case 'd':
            if (cli_integer("demo", "--domain-base", optarg, 0, 220, &base))
                return TL_EXIT_USAGE;
            break;
        case 'e':
            if (cli_integer("demo", "--seed", optarg, 0, 1e15, &seed))
                return TL_EXIT_USAGE;
            break;
        case 'n': security = 0; break;
        case 'm': mesh = 1; break;
        case 'q': skip_quiet = 1; break;
        case 'f':
            if (x.n_faults == MAX_FAULTS || parse_fault(optarg, &x.fault[x.n_faults]) != 0)
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
    /* the schedule runs in time order, whatever order the options came in */
    qsort(x.fault, (size_t)x.n_faults, sizeof x.fault[0], by_time);
    /* trilinkd lives beside this binary */
    {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        char *slash;
        if (n <= 0)
            return cli_error("demo", TL_EXIT_FAIL, "cannot find my own executable");
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        *slash = '\0';
        snprintf(daemon, sizeof daemon, "%s/trilinkd", exe);
        if (access(daemon, X_OK) != 0)
            return cli_error("demo", TL_EXIT_FAIL, "'%s' not found (build it: make)", daemon);
    }
    if (cli_data_file(scenario, found, sizeof found) != 0)
        return cli_error("demo", TL_EXIT_USAGE, "--scenario: %s", found);
    if (realpath(found, scen_abs) == NULL)
        return cli_error("demo", TL_EXIT_USAGE, "--scenario: '%s': %s", found, strerror(errno));
    if ((status = tl_scenario_load(scen_abs, &sc, &diag)) != TL_OK)
        return cli_diag("demo", &diag);
    status = TL_EXIT_OK;
    if (sc->sensors.n == 0) {
        status = cli_error("demo", TL_EXIT_USAGE, "--scenario: '%s' declares no sensors", scen_abs);
        goto out;
    }
    if (tl_sim_run(sc, &earth, &sim, &diag) != TL_OK) {
        status = cli_diag("demo", &diag);
        goto out;
    }
    snprintf(path, sizeof path, "mkdir -p '%s'", workdir);
    if (strchr(workdir, '\'') != NULL || system(path) != 0 || realpath(workdir, dir) == NULL) {
        status = cli_error("demo", TL_EXIT_FAIL, "--workdir: cannot create '%s'", workdir);
        goto out;
    }
    if (summary != NULL) { /* refused now, not after the run */
        FILE *f = fopen(summary, "a");
        struct stat sb;
        if (f == NULL || (stat(summary, &sb) == 0 && S_ISDIR(sb.st_mode))) {
            status = cli_error("demo", TL_EXIT_USAGE, "--summary: cannot write '%s': %s", summary,
                               f == NULL ? strerror(errno) : "is a directory");
            if (f != NULL)
                fclose(f);
            goto out;
        }
        fclose(f);
    }
    for (int i = 0; i < 3; i++) { /* a fresh exercise: no databases or logs of an earlier run */
        static const char *const ext[] = { ".db", ".db-wal", ".db-shm", "-summary.json", ".log" };
        for (size_t e = 0; e < sizeof ext / sizeof ext[0]; e++) {
            snprintf(path, sizeof path, "%s/%s%s", dir, nations[i], ext[e]);
            unlink(path);
        }
    }
    tl_topology_make("KR,US,JP", mesh ? "" : "US", (int)base, &topo, &diag);
    snprintf(pki, sizeof pki, "%s/pki", dir);
    if (security && tl_pki_create(&topo, pki, &diag) != TL_OK) {
        status = cli_error("demo", TL_EXIT_FAIL, "pki: %s", diag.message);
        goto out;
    }
    /* the feed, planned: the wall time each report leaves, quiet stretches at full speed */
    {
        double first = INFINITY, last = -INFINITY, wall = 0.0;
        if (tl_sim_measure(sim, &sc->sensors, (uint64_t)seed, &meas, &n_meas) != TL_OK) {
            status = cli_error("demo", TL_EXIT_FAIL, "measurements: out of memory");
            goto out;
        }
        for (int i = 0; i < tl_sim_count(sim); i++) {
            const struct tl_sim_object *o = tl_sim_object(sim, i);
            first = fmin(first, o->t_launch_s);
            last = fmax(last, o->t_launch_s + o->flight.impact_t_s);
        }
        x.launch_ns = sc->epoch_ns + (int64_t)llround(first * 1e9);
        x.end_ns = sc->epoch_ns + (int64_t)llround(last * 1e9);
        if ((status = cli_feed_items(meas, n_meas, first, &sc->sensors, &topo,
                                     skip_quiet ? QUIET_MARGIN_S : 0.0, &items, &n_items, &t0)) != 0)
            goto out;
        plan = calloc(n_items + 1, sizeof *plan);
        if (plan == NULL) {
            status = cli_error("demo", TL_EXIT_FAIL, "out of memory");
            goto out;
        }
        for (size_t k = 0; k < n_items; k++) {
            if (k > 0 && !items[k].quiet)
                wall += (double)(items[k].m.arrival_ns - items[k - 1].m.arrival_ns) * 1e-9 / speed;
            plan[k] = wall;
        }
        x.plan_s = plan;
        x.n_items = n_items;
        printf("trilink demo: %s, %d launch%s, speed x%g%s, %s, %s\n",
               sc->name[0] ? sc->name : scen_abs, tl_sim_count(sim),
               tl_sim_count(sim) == 1 ? "" : "es", speed,
               skip_quiet ? " (quiet stretches at full speed)" : "",
               security ? "DDS Security on" : "security OFF",
               mesh ? "full mesh" : "KR <-> US <-> JP (no KR-JP link)");
        printf("  %.0f s of scenario in about %.0f s; work directory %s (PKI in %s/pki, node logs "
               "%s/KR.log, US.log, JP.log)\n",
               (double)(x.end_ns - x.launch_ns) * 1e-9 + 10.0, n_items ? plan[n_items - 1] : 0.0,
               dir, dir, dir);
        fflush(stdout);
    }
    x.dir = dir;
    x.daemon = daemon;
    x.security = security;
    x.topo = topo;
    x.speed = speed;
    x.tty = isatty(1);
    pthread_mutex_init(&x.mu, NULL);
    /* a clean stop (nodes told, summary written) on SIGINT/SIGTERM from here on; a closed
     * output pipe (| head) fails the writes instead of killing the demo with its nodes */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < 3; i++) {
        if (write_node_cfg(dir, i, scen_abs, (int)base, security, mesh, speed) != 0) {
            status = cli_error("demo", TL_EXIT_FAIL, "cannot write node configuration in %s", dir);
            goto stop;
        }
        x.pid[i] = spawn(i);
    }
    if (x.n_faults > 0 && pthread_create(&fth, NULL, fault_thread, NULL) == 0)
        fth_started = 1;
    memset(&job, 0, sizeof job);
    job.pki = security ? pki : "";
    job.items = items;
    job.n = n_items;
    job.t0_ns = t0;
    if (pthread_create(&feed_th, NULL, feed_thread, &job) != 0) {
        status = cli_error("demo", TL_EXIT_FAIL, "cannot start the feed");
        goto stop;
    }
    {
        /* the status line: in place on a terminal, a plain line every 15 s otherwise */
        int64_t next_plain = tl_wall_ns() + 15000000000LL;
        while (!atomic_load(&job.done)) {
            sleep_s(0.25);
            pthread_mutex_lock(&x.mu);
            if (x.tty || tl_wall_ns() >= next_plain) {
                draw_status();
                next_plain = tl_wall_ns() + 15000000000LL;
            }
            pthread_mutex_unlock(&x.mu);
        }
        pthread_join(feed_th, NULL);
    }
    if (job.rc != TL_OK)
        status = cli_error("demo", TL_EXIT_FAIL, "feed: %s",
                           job.diag.message[0] ? job.diag.message : tl_strerror(job.rc));
    if (status == 0 && !stop_flag)
        sleep_s(3.0); /* the last reports travel and fuse */
stop:
    if (fth_started) {
        if (status != 0)
            stop_flag = 1;
        atomic_store(&x.ending, 1);
        pthread_join(fth, NULL);
    }
    for (int i = 0; i < 3; i++)
        if (x.pid[i] > 0)
            kill(x.pid[i], SIGTERM);
    for (int i = 0; i < 3; i++) {
        int ws = 0;
        if (x.pid[i] > 0 && waitpid(x.pid[i], &ws, 0) == x.pid[i] &&
            !(WIFEXITED(ws) && WEXITSTATUS(ws) == 0)) {
            fprintf(stderr, "trilink demo: node %s ended with status %d (see %s/%s.log)\n",
                    nations[i], WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws), dir,
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
    if (status != TL_EXIT_OK)
        goto out;
    /* the summary */
    {
        const int nm = tl_sim_count(sim) < 64 ? tl_sim_count(sim) : 64;
        double ipp[3][2];
        int have[3] = { 0, 0, 0 };
        json_t *truth = json_object();

        seen = calloc(3, sizeof *seen);
        out_json = json_object();
        jn = json_object();
        jm = json_object();
        if (seen == NULL) {
            status = cli_error("demo", TL_EXIT_FAIL, "out of memory");
            goto out;
        }
        json_object_set_new(out_json, "scenario", json_string(sc->name[0] ? sc->name : scen_abs));
        json_object_set_new(out_json, "speed", json_real(speed));
        json_object_set_new(out_json, "skip_quiet", json_boolean(skip_quiet));
        json_object_set_new(out_json, "security", json_boolean(security));
        json_object_set_new(out_json, "topology", json_string(mesh ? "mesh" : "relay via US"));
        json_object_set_new(out_json, "measurements", json_integer((json_int_t)n_items));
        for (int m = 0; m < nm; m++) {
            const struct tl_sim_object *o = tl_sim_object(sim, m);
            json_object_set_new(truth, o->id,
                                json_pack("{s:f,s:f,s:f,s:f,s:f}", "launch_s", o->t_launch_s,
                                          "impact_lat_deg", tl_rad2deg(o->flight.impact.lat_rad),
                                          "impact_lon_deg", tl_rad2deg(o->flight.impact.lon_rad),
                                          "launch_to_impact_s", o->flight.impact_t_s,
                                          "burnout_s", o->flight.burnout_t_s));
        }
        json_object_set_new(out_json, "truth", truth);
        printf("\n== summary per nation (times in seconds after the first launch)\n");
        printf("%-3s %6s %8s %9s %-22s %-22s %-22s %s\n", "", "systrk", "1st LP", "1st IPP",
               "received", "relayed", "latency ms med/p99/max", "main system track");
        for (int i = 0; i < 3; i++) {
            json_error_t err;
            json_t *s, *nj, *lat, *st;
            char rx[64], rl[64], lt[64] = "-", db[PATH_MAX + 16];
            snprintf(path, sizeof path, "%s/%s-summary.json", dir, nations[i]);
            s = json_load_file(path, 0, &err);
            if (s == NULL) {
                status = cli_error("demo", TL_EXIT_FAIL, "%s: %s", path, err.text);
                goto out;
            }
            nj = nation_summary(i, s, x.launch_ns);
            snprintf(db, sizeof db, "%s/%s.db", dir, nations[i]);
            per_missile(db, sim, sc->epoch_ns, seen[i]);
            st = json_object_get(s, "system_track");
            main_no[i] = json_is_object(st) ? (int)json_integer_value(json_object_get(st, "number"))
                                            : 0;
            counts(rx, sizeof rx, json_object_get(s, "received"));
            counts(rl, sizeof rl, json_object_get(s, "relayed"));
            lat = json_object_get(s, "latency_ms");
            if (json_is_object(lat))
                snprintf(lt, sizeof lt, "%.1f / %.1f / %.1f",
                         json_real_value(json_object_get(lat, "median")),
                         json_real_value(json_object_get(lat, "p99")),
                         json_real_value(json_object_get(lat, "max")));
            /* the main system track's impact point against its own missile's truth */
            for (int m = 0; m < nm; m++)
                if (main_no[i] != 0 && seen[i][m].system_no == main_no[i]) {
                    json_object_set_new(nj, "impact_miss_m", num_or_null(seen[i][m].miss_last_m));
                    json_object_set_new(nj, "impact_miss_missile",
                                        json_string(tl_sim_object(sim, m)->id));
                }
            {
                json_t *imp = json_object_get(s, "impact");
                if (json_is_object(imp)) {
                    ipp[i][0] = json_real_value(json_object_get(imp, "lat_deg"));
                    ipp[i][1] = json_real_value(json_object_get(imp, "lon_deg"));
                    have[i] = 1;
                }
            }
            printf("%-3s %6lld %8.1f %9.1f %-22s %-22s %-22s #%d\n", nations[i],
                   (long long)json_integer_value(json_object_get(s, "system_tracks")),
                   secs_after(s, "first_launch_point_ns", x.launch_ns),
                   secs_after(s, "first_impact_point_ns", x.launch_ns), rx, rl, lt, main_no[i]);
            json_object_set_new(jn, nations[i], nj);
            json_decref(s);
        }
        json_object_set_new(out_json, "nations", jn);
        printf("\n== summary per missile (seconds after its launch; impact-point miss against the "
               "truth)\n");
        printf("%-10s %-3s %6s %8s %9s %11s %11s %11s  %s\n", "missile", "", "systrk", "1st LP",
               "1st IPP", "miss first", "burnout+60", "miss last", "95% ellipse (last)");
        for (int m = 0; m < nm; m++) {
            json_t *one = json_object();
            for (int i = 0; i < 3; i++) {
                const struct seen *w = &seen[i][m];
                char a[24], b[24], d3[24], e1[24], e2[24];
                json_object_set_new(
                    one, nations[i],
                    json_pack("{s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "system_track",
                              w->votes ? json_integer(w->system_no) : json_null(),
                              "contributors", w->nations,
                              "first_launch_point_s", num_or_null(w->first_lp_s),
                              "first_impact_point_s", num_or_null(w->first_ipp_s),
                              "miss_first_m", num_or_null(w->miss_first_m),
                              "miss_burnout_plus_60_m", num_or_null(w->miss_bo60_m),
                              "miss_last_m", num_or_null(w->miss_last_m), "semi_major_m",
                              num_or_null(w->semi_major_m), "semi_minor_m",
                              num_or_null(w->semi_minor_m)));
                dist(a, sizeof a, w->miss_first_m);
                dist(b, sizeof b, w->miss_bo60_m);
                dist(d3, sizeof d3, w->miss_last_m);
                dist(e1, sizeof e1, w->semi_major_m);
                dist(e2, sizeof e2, w->semi_minor_m);
                printf("%-10s %-3s %6s %8.1f %9.1f %11s %11s %11s  %s x %s\n",
                       i == 0 ? tl_sim_object(sim, m)->id : "", nations[i],
                       w->votes ? (snprintf(path, sizeof path, "#%d", (int)w->system_no), path)
                                : "-",
                       w->first_lp_s, w->first_ipp_s, a, b, d3, e1, e2);
            }
            json_object_set_new(jm, tl_sim_object(sim, m)->id, one);
        }
        json_object_set_new(out_json, "missiles", jm);
        if (x.n_faults > 0) {
            static const char *const kinds[] = { "kill", "stop", "inject" };
            json_t *fa = json_array();
            for (int i = 0; i < x.n_faults; i++) {
                const struct fault *f = &x.fault[i];
                json_t *o2 = json_pack("{s:s,s:s,s:f,s:f,s:b}", "kind", kinds[f->kind], "nation",
                                       nations[f->nation], "at_s", f->at_s, "duration_s", f->dur_s,
                                       "done", f->done);
                if (f->kind == FAULT_KILL) {
                    json_object_set_new(o2, "rows_committed_before", json_integer(f->rows_before));
                    json_object_set_new(o2, "rows_after_restart", json_integer(f->rows_after));
                }
                if (f->kind == FAULT_INJECT)
                    json_object_set_new(o2, "injected", json_integer(f->injected));
                json_array_append_new(fa, o2);
            }
            json_object_set_new(out_json, "faults", fa);
        }
        if (have[0] && have[1] && have[2]) {
            double d01, d12, d02, worst;
            char w[24];
            tl_geo_inverse(&TL_WGS84, tl_deg2rad(ipp[0][0]), tl_deg2rad(ipp[0][1]),
                           tl_deg2rad(ipp[1][0]), tl_deg2rad(ipp[1][1]), &d01, NULL, NULL);
            tl_geo_inverse(&TL_WGS84, tl_deg2rad(ipp[1][0]), tl_deg2rad(ipp[1][1]),
                           tl_deg2rad(ipp[2][0]), tl_deg2rad(ipp[2][1]), &d12, NULL, NULL);
            tl_geo_inverse(&TL_WGS84, tl_deg2rad(ipp[0][0]), tl_deg2rad(ipp[0][1]),
                           tl_deg2rad(ipp[2][0]), tl_deg2rad(ipp[2][1]), &d02, NULL, NULL);
            worst = fmax(d01, fmax(d12, d02));
            dist(w, sizeof w, worst);
            if (main_no[0] == main_no[1] && main_no[1] == main_no[2])
                printf("common picture: the main system track's impact points agree within %s "
                       "across KR, US, JP\n", w);
            json_object_set_new(out_json, "max_ipp_disagreement_m", json_real(worst));
        }
        if (summary != NULL && json_dump_file(out_json, summary, JSON_INDENT(2)) != 0) {
            status = cli_error("demo", TL_EXIT_FAIL, "--summary: cannot write '%s'", summary);
            goto out;
        }
        if (summary != NULL)
            printf("summary -> %s\n", summary);
    }
out:
    json_decref(out_json);
    if (x.dir != NULL)
        pthread_mutex_destroy(&x.mu);
    free(seen);
    free(plan);
    free(items);
    free(meas);
    tl_sim_destroy(sim);
    tl_scenario_destroy(sc);
    return status;
}
