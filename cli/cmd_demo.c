/* trilink demo: the three-nation exercise. KR, US and JP nodes (trilinkd) as separate processes
 * on loopback with DDS Security, Korea and Japan linked only through the US hub, a scenario's
 * measurements replayed to each nation's node in real time, and a summary per nation. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "trilink/geo.h"
#include "trilink/node.h"
#include "trilink/pki.h"
#include "trilink/sim.h"
#include "trilink/store.h"
#include "cli.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink demo [--scenario FILE] [--speed X] [--summary FILE.json]\n"
            "                    [--workdir DIR] [--domain-base N] [--seed N] [--no-security]\n"
            "                    [--mesh] [--fault KIND:NATION:T[:D]]...\n"
            "\n"
            "The three-nation exercise: starts KR, US and JP nodes (trilinkd) as separate\n"
            "processes on loopback with DDS Security (a fresh test PKI), Korea and Japan linked\n"
            "only through the US hub (one DDS domain per bilateral link), and replays the\n"
            "scenario's measurements to each nation's node in real time times X: Korean radars to\n"
            "KR, Japanese radars to JP, the US radar in Japan and the US space infrared sensors to\n"
            "US. Each node prints its status every 2 s; at the end a summary per nation: time\n"
            "from launch to the first launch point and impact point in its picture, what it\n"
            "received from whom (and through the relay), end-to-end latency (measurement arrival\n"
            "at the owning node -> fused update at the partner), the fused impact point and its\n"
            "distance to the truth, and the fusion gain.\n"
            "\n"
            "  --scenario FILE  default scenarios/icbm-2023-07-12.yaml\n"
            "  --speed X        replay speed (default 10; 1 = real time)\n"
            "  --summary FILE   write the summary as JSON (one object per nation under 'nations')\n"
            "  --workdir DIR    PKI, node configurations, databases, logs (default out/demo)\n"
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
    double at_s;      /* scenario seconds after the first launch */
    double dur_s;     /* wall seconds down (kill, stop) */
    /* results */
    int done;
    long rows_before, rows_after;
    int injected;
};

struct exercise {
    const char *dir, *daemon;
    int security;
    struct tl_topology topo;
    double speed;
    int64_t launch_ns;     /* first launch, scenario UTC ns */
    int64_t t0_ns;         /* scenario time the feed pins to wall0 */
    _Atomic int64_t wall0; /* 0 until the feed starts */
    pthread_mutex_t mu;
    pid_t pid[3];
    int n_faults;
    struct fault fault[MAX_FAULTS];
};

static int parse_fault(const char *text, struct fault *f)
{
    char kind[16], nat[8];
    int n = 0;

    memset(f, 0, sizeof *f);
    if (sscanf(text, "%15[a-z]:%7[A-Z]:%lf%n", kind, nat, &f->at_s, &n) != 3)
        return -1;
    if (text[n] == ':' && sscanf(text + n + 1, "%lf", &f->dur_s) != 1)
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
        (f->kind != FAULT_INJECT && !(f->dur_s > 0)))
        return -1;
    return 0;
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

static pid_t spawn(const char *exe, const char *cfg);

/* A partner's node sends what no sound node sends: a state with NaN, one 100,000 km out, one
 * claiming another nation's origin. Its own certificate, its own partition: only the receiving
 * node's checks stand between these samples and the picture. */
static int inject(struct exercise *x, int nation)
{
    const int hub = x->topo.hub >= 0 ? x->topo.hub : (nation == 0 ? 1 : 0);
    const int to = nation == hub ? 0 : hub;
    struct tl_security sec;
    struct tl_bus *bus = NULL;
    struct tl_bus_ep *w = NULL;
    struct tl_diag d = { 0 };
    char part[24], pki[PATH_MAX + 8];
    int sent = 0;

    snprintf(pki, sizeof pki, "%s/pki", x->dir);
    if (x->security)
        tl_pki_security(pki, nations[nation], &sec);
    tl_partition_name(part, sizeof part, nations[nation], nations[to], NULL);
    if (tl_bus_open(tl_topology_link_domain(&x->topo, nation, to), x->security ? &sec : NULL,
                    "inject", &bus, &d) != TL_OK ||
        tl_bus_writer(bus, TL_MSG_TRACK, part, &w, &d) != TL_OK ||
        tl_bus_wait_matched(w, 1, 20.0) != TL_OK) {
        fprintf(stderr, "trilink demo: inject: %s\n", d.message);
        tl_bus_close(bus);
        return 0;
    }
    for (int k = 0; k < 3; k++) {
        struct tl_msg_track m;
        memset(&m, 0, sizeof m);
        snprintf(m.origin, sizeof m.origin, "%s", k == 2 ? nations[3 - nation - to] : nations[nation]);
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
    return sent;
}

static void *fault_thread(void *arg)
{
    struct exercise *x = arg;
    int64_t w0;

    while ((w0 = atomic_load(&x->wall0)) == 0 && !stop_flag)
        sleep_s(0.05);
    for (int i = 0; i < x->n_faults && !stop_flag; i++) {
        struct fault *f = &x->fault[i];
        const double due_s = (double)(w0 - tl_wall_ns()) * 1e-9 +
                             ((double)(x->launch_ns - x->t0_ns) * 1e-9 + f->at_s) / x->speed;
        char db[PATH_MAX + 16], cfg[PATH_MAX + 16];
        pid_t p;

        sleep_s(due_s);
        if (stop_flag)
            break;
        snprintf(db, sizeof db, "%s/%s.db", x->dir, nations[f->nation]);
        snprintf(cfg, sizeof cfg, "%s/%s.yaml", x->dir, nations[f->nation]);
        pthread_mutex_lock(&x->mu);
        p = x->pid[f->nation];
        pthread_mutex_unlock(&x->mu);
        switch (f->kind) {
        case FAULT_KILL:
            tl_store_count(db, &f->rows_before); /* committed before the kill */
            kill(p, SIGKILL);
            waitpid(p, NULL, 0);
            printf("fault: %s node killed (SIGKILL) at t+%.0f s with %ld rows committed; restart in %.0f s\n",
                   nations[f->nation], f->at_s, f->rows_before, f->dur_s);
            fflush(stdout);
            sleep_s(f->dur_s);
            pthread_mutex_lock(&x->mu);
            x->pid[f->nation] = spawn(x->daemon, cfg);
            pthread_mutex_unlock(&x->mu);
            sleep_s(2.0);
            tl_store_count(db, &f->rows_after);
            printf("fault: %s node restarted: %ld rows in its database (%ld before the kill)\n",
                   nations[f->nation], f->rows_after, f->rows_before);
            break;
        case FAULT_STOP:
            kill(p, SIGSTOP);
            printf("fault: %s node stopped (SIGSTOP) at t+%.0f s for %.0f s\n", nations[f->nation],
                   f->at_s, f->dur_s);
            fflush(stdout);
            sleep_s(f->dur_s);
            kill(p, SIGCONT);
            printf("fault: %s node continued\n", nations[f->nation]);
            break;
        case FAULT_INJECT:
            f->injected = inject(x, f->nation);
            printf("fault: %d malformed samples injected with %s's identity at t+%.0f s\n",
                   f->injected, nations[f->nation], f->at_s);
            break;
        }
        fflush(stdout);
        f->done = 1;
    }
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

static pid_t spawn(const char *exe, const char *cfg)
{
    pid_t p = fork();
    if (p == 0) {
        execl(exe, exe, "--config", cfg, (char *)NULL);
        fprintf(stderr, "trilink demo: cannot run %s: %s\n", exe, strerror(errno));
        _exit(127);
    }
    return p;
}

static double secs_after(json_t *o, const char *key, int64_t launch_ns)
{
    json_t *v = json_object_get(o, key);
    long long ns = json_is_integer(v) ? (long long)json_integer_value(v) : 0;
    return ns > 0 ? (double)(ns - launch_ns) * 1e-9 : NAN;
}

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        { "scenario", required_argument, NULL, 's' }, { "speed", required_argument, NULL, 'x' },
        { "summary", required_argument, NULL, 'o' },  { "workdir", required_argument, NULL, 'w' },
        { "domain-base", required_argument, NULL, 'd' }, { "seed", required_argument, NULL, 'e' },
        { "no-security", no_argument, NULL, 'n' },    { "mesh", no_argument, NULL, 'm' },
        { "fault", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
    };
    const char *scenario = "scenarios/icbm-2023-07-12.yaml", *summary = NULL,
               *workdir = "out/demo";
    double speed = 10, base = 120, seed = 1;
    int security = 1, mesh = 0, c, status = TL_EXIT_OK;
    char exe[PATH_MAX], daemon[PATH_MAX + 16], scen_abs[PATH_MAX], dir[PATH_MAX], path[PATH_MAX + 64];
    struct tl_scenario *sc = NULL;
    struct tl_sim *sim = NULL;
    struct tl_earth earth = tl_earth_wgs84();
    struct tl_diag diag = { 0 };
    struct tl_topology topo;
    static struct exercise x;
    pthread_t fth;
    int fth_started = 0;
    int64_t t0 = 0, wall0 = 0;
    size_t count = 0;
    json_t *out_json = NULL, *jn;
    struct sigaction sa;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': scenario = optarg; break;
        case 'x':
            if (cli_number("demo", "--speed", optarg, 0.1, 1000, &speed))
                return TL_EXIT_USAGE;
            break;
        case 'o': summary = optarg; break;
        case 'w': workdir = optarg; break;
        case 'd':
            if (cli_number("demo", "--domain-base", optarg, 0, 220, &base))
                return TL_EXIT_USAGE;
            break;
        case 'e':
            if (cli_number("demo", "--seed", optarg, 0, 1e15, &seed))
                return TL_EXIT_USAGE;
            break;
        case 'n': security = 0; break;
        case 'm': mesh = 1; break;
        case 'f':
            if (x.n_faults == MAX_FAULTS || parse_fault(optarg, &x.fault[x.n_faults]) != 0)
                return cli_error("demo", TL_EXIT_USAGE,
                                 "--fault: '%s' is not kill:NN:T:D, stop:NN:T:D or inject:NN:T "
                                 "(NN one of KR, US, JP; at most %d)", optarg, MAX_FAULTS);
            x.n_faults++;
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (optind != argc)
        return cli_error("demo", TL_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
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
    if (realpath(scenario, scen_abs) == NULL)
        return cli_error("demo", TL_EXIT_USAGE, "--scenario: '%s': %s", scenario, strerror(errno));
    if ((status = tl_scenario_load(scen_abs, &sc, &diag)) != TL_OK)
        return cli_diag("demo", &diag);
    status = TL_EXIT_OK;
    if (sc->sensors.n == 0) {
        status = cli_error("demo", TL_EXIT_USAGE, "--scenario: '%s' declares no sensors", scenario);
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
    for (int i = 0; i < 3; i++) { /* a fresh exercise: no databases of an earlier run */
        snprintf(path, sizeof path, "%s/%s.db", dir, nations[i]);
        unlink(path);
        snprintf(path, sizeof path, "%s/%s.db-wal", dir, nations[i]);
        unlink(path);
        snprintf(path, sizeof path, "%s/%s.db-shm", dir, nations[i]);
        unlink(path);
        snprintf(path, sizeof path, "%s/%s-summary.json", dir, nations[i]);
        unlink(path);
    }
    tl_topology_make("KR,US,JP", mesh ? "" : "US", (int)base, &topo, &diag);
    snprintf(path, sizeof path, "%s/pki", dir);
    if (security && tl_pki_create(&topo, path, &diag) != TL_OK) {
        status = cli_error("demo", TL_EXIT_FAIL, "pki: %s", diag.message);
        goto out;
    }
    printf("trilink demo: %s, %d launch(es), speed x%g, %s, %s\n",
           sc->name[0] ? sc->name : scenario, tl_sim_count(sim), speed,
           security ? "DDS Security on (test PKI in workdir/pki)" : "security OFF",
           mesh ? "full mesh" : "KR <-> US <-> JP (no KR-JP link)");
    fflush(stdout);
    for (int i = 0; i < 3; i++) {
        if (write_node_cfg(dir, i, scen_abs, (int)base, security, mesh, speed) != 0) {
            status = cli_error("demo", TL_EXIT_FAIL, "cannot write node configuration in %s", dir);
            goto stop;
        }
        snprintf(path, sizeof path, "%s/%s.yaml", dir, nations[i]);
        x.pid[i] = spawn(daemon, path);
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    x.dir = dir;
    x.daemon = daemon;
    x.security = security;
    x.topo = topo;
    x.speed = speed;
    {
        double first = INFINITY;
        for (int i = 0; i < tl_sim_count(sim); i++)
            first = fmin(first, tl_sim_object(sim, i)->t_launch_s);
        x.launch_ns = sc->epoch_ns + (int64_t)llround(first * 1e9);
        x.t0_ns = sc->epoch_ns + (int64_t)llround((first - 10.0) * 1e9); /* as cli_feed pins it */
    }
    pthread_mutex_init(&x.mu, NULL);
    if (x.n_faults > 0 && pthread_create(&fth, NULL, fault_thread, &x) == 0)
        fth_started = 1;
    status = cli_feed(sim, &sc->sensors, &topo, security ? (snprintf(path, sizeof path, "%s/pki", dir), path) : "",
                      speed, (uint64_t)seed, &stop_flag, &t0, &wall0, &count, &x.wall0);
    if (status == 0 && !stop_flag)
        sleep(3); /* the last reports travel and fuse */
stop:
    if (fth_started) {
        if (status != 0)
            stop_flag = 1;
        pthread_join(fth, NULL);
    }
    for (int i = 0; i < 3; i++)
        if (x.pid[i] > 0)
            kill(x.pid[i], SIGTERM);
    for (int i = 0; i < 3; i++) {
        int ws = 0;
        if (x.pid[i] > 0 && waitpid(x.pid[i], &ws, 0) == x.pid[i] && !(WIFEXITED(ws) && WEXITSTATUS(ws) == 0)) {
            fprintf(stderr, "trilink demo: node %s ended with status %d\n", nations[i],
                    WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
            status = TL_EXIT_FAIL;
        }
    }
    if (status != TL_EXIT_OK)
        goto out;
    /* the summary */
    {
        const struct tl_sim_object *o = tl_sim_object(sim, 0);
        const int64_t launch_ns = sc->epoch_ns + (int64_t)llround(o->t_launch_s * 1e9);
        double ipp[3][2];
        int have[3] = { 0, 0, 0 };

        out_json = json_object();
        jn = json_object();
        json_object_set_new(out_json, "scenario", json_string(sc->name[0] ? sc->name : scenario));
        json_object_set_new(out_json, "speed", json_real(speed));
        json_object_set_new(out_json, "security", json_boolean(security));
        json_object_set_new(out_json, "topology", json_string(mesh ? "mesh" : "relay via US"));
        json_object_set_new(out_json, "measurements", json_integer((json_int_t)count));
        json_object_set_new(out_json, "truth",
                            json_pack("{s:f,s:f,s:f}", "impact_lat_deg",
                                      tl_rad2deg(o->flight.impact.lat_rad), "impact_lon_deg",
                                      tl_rad2deg(o->flight.impact.lon_rad), "launch_to_impact_s",
                                      o->flight.impact_t_s));
        printf("\n== summary (times in scenario seconds after launch; truth impact %.3f, %.3f)\n",
               tl_rad2deg(o->flight.impact.lat_rad), tl_rad2deg(o->flight.impact.lon_rad));
        printf("%-3s %8s %10s %10s %-22s %-22s %-26s %s\n", "", "systrk", "1st LP s", "1st IPP s",
               "received", "relayed", "latency ms med/p99/max", "IPP (miss to truth)");
        for (int i = 0; i < 3; i++) {
            json_error_t err;
            json_t *s, *r, *lat, *imp, *nj;
            char rx[64] = "", rl[64] = "", lt[64] = "-", ip[96] = "-";
            snprintf(path, sizeof path, "%s/%s-summary.json", dir, nations[i]);
            s = json_load_file(path, 0, &err);
            if (s == NULL) {
                status = cli_error("demo", TL_EXIT_FAIL, "%s: %s", path, err.text);
                goto out;
            }
            nj = json_object();
            json_object_set(nj, "system_tracks", json_object_get(s, "system_tracks"));
            json_object_set_new(nj, "first_launch_point_s",
                                isnan(secs_after(s, "first_launch_point_ns", launch_ns))
                                    ? json_null()
                                    : json_real(secs_after(s, "first_launch_point_ns", launch_ns)));
            json_object_set_new(nj, "first_impact_point_s",
                                isnan(secs_after(s, "first_impact_point_ns", launch_ns))
                                    ? json_null()
                                    : json_real(secs_after(s, "first_impact_point_ns", launch_ns)));
            r = json_object_get(s, "received");
            json_object_set(nj, "received", r);
            json_object_set(nj, "relayed", json_object_get(s, "relayed"));
            {
                /* scenario seconds after launch of the last sample received through the relay */
                json_t *lr = json_object(), *v;
                const char *k;
                json_object_foreach(json_object_get(s, "last_relayed_ns"), k, v) {
                    const long long ns = (long long)json_integer_value(v);
                    json_object_set_new(lr, k, ns > 0 ? json_real((double)(ns - launch_ns) * 1e-9)
                                                      : json_null());
                }
                json_object_set_new(nj, "last_relayed_s", lr);
            }
            lat = json_object_get(s, "latency_ms");
            json_object_set(nj, "latency_ms", lat);
            imp = json_object_get(s, "impact");
            json_object_set(nj, "impact", imp);
            json_object_set(nj, "fusion_gain", json_object_get(s, "fusion_gain"));
            json_object_set(nj, "system_track", json_object_get(s, "system_track"));
            json_object_set(nj, "rejected", json_object_get(s, "rejected"));
            json_object_set(nj, "storage", json_object_get(s, "storage"));
            json_object_set(nj, "share_latency_ms", json_object_get(s, "share_latency_ms"));
            json_object_set(nj, "system_numbers", json_object_get(s, "system_numbers"));
            {
                int64_t na = 0, badseq = 0;
                char why[300] = "", db[PATH_MAX + 16];
                snprintf(db, sizeof db, "%s/%s.db", dir, nations[i]);
                const int ok = tl_audit_verify(db, &na, &badseq, why, sizeof why) == TL_OK;
                json_object_set_new(nj, "audit", json_pack("{s:I,s:b}", "entries", (json_int_t)na,
                                                           "intact", ok));
                if (!ok)
                    fprintf(stderr, "trilink demo: audit of %s: %s\n", nations[i], why);
            }
            {
                const char *k;
                json_t *v;
                size_t len = 0;
                json_object_foreach(r, k, v) {
                    len += (size_t)snprintf(rx + len, sizeof rx - len, "%s%s %lld", len ? ", " : "",
                                            k, (long long)json_integer_value(v));
                    if (len >= sizeof rx)
                        break;
                }
                len = 0;
                json_object_foreach(json_object_get(s, "relayed"), k, v) {
                    len += (size_t)snprintf(rl + len, sizeof rl - len, "%s%s %lld", len ? ", " : "",
                                            k, (long long)json_integer_value(v));
                    if (len >= sizeof rl)
                        break;
                }
            }
            if (json_is_object(lat))
                snprintf(lt, sizeof lt, "%.1f / %.1f / %.1f",
                         json_real_value(json_object_get(lat, "median")),
                         json_real_value(json_object_get(lat, "p99")),
                         json_real_value(json_object_get(lat, "max")));
            if (json_is_object(imp)) {
                double la = json_real_value(json_object_get(imp, "lat_deg"));
                double lo = json_real_value(json_object_get(imp, "lon_deg")), miss = NAN;
                tl_geo_inverse(&TL_WGS84, tl_deg2rad(la), tl_deg2rad(lo), o->flight.impact.lat_rad,
                               o->flight.impact.lon_rad, &miss, NULL, NULL);
                ipp[i][0] = la;
                ipp[i][1] = lo;
                have[i] = 1;
                json_object_set_new(nj, "impact_miss_m", json_real(miss));
                snprintf(ip, sizeof ip, "%.3f,%.3f %.1fx%.1f km (%.2f km)", la, lo,
                         json_real_value(json_object_get(imp, "semi_major_m")) / 1e3,
                         json_real_value(json_object_get(imp, "semi_minor_m")) / 1e3, miss / 1e3);
            }
            printf("%-3s %8lld %10.1f %10.1f %-22s %-22s %-26s %s\n", nations[i],
                   (long long)json_integer_value(json_object_get(s, "system_tracks")),
                   secs_after(s, "first_launch_point_ns", launch_ns),
                   secs_after(s, "first_impact_point_ns", launch_ns), rx, rl[0] ? rl : "-", lt, ip);
            json_object_set_new(jn, nations[i], nj);
            json_decref(s);
        }
        json_object_set_new(out_json, "nations", jn);
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
            double d01, d12, d02;
            tl_geo_inverse(&TL_WGS84, tl_deg2rad(ipp[0][0]), tl_deg2rad(ipp[0][1]),
                           tl_deg2rad(ipp[1][0]), tl_deg2rad(ipp[1][1]), &d01, NULL, NULL);
            tl_geo_inverse(&TL_WGS84, tl_deg2rad(ipp[1][0]), tl_deg2rad(ipp[1][1]),
                           tl_deg2rad(ipp[2][0]), tl_deg2rad(ipp[2][1]), &d12, NULL, NULL);
            tl_geo_inverse(&TL_WGS84, tl_deg2rad(ipp[0][0]), tl_deg2rad(ipp[0][1]),
                           tl_deg2rad(ipp[2][0]), tl_deg2rad(ipp[2][1]), &d02, NULL, NULL);
            printf("common picture: fused impact points agree within %.2f km across KR, US, JP\n",
                   fmax(d01, fmax(d12, d02)) / 1e3);
            json_object_set_new(out_json, "max_ipp_disagreement_m",
                                json_real(fmax(d01, fmax(d12, d02))));
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
    if (x.n_faults > 0)
        pthread_mutex_destroy(&x.mu);
    tl_sim_destroy(sim);
    tl_scenario_destroy(sc);
    return status;
}
