/* trilink demo: the terminal (event lines and a status line kept at the bottom), the node
 * processes with the threads that relay their output, and their configurations. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "demo.h"

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
void demo_draw_status(void)
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
        demo_draw_status();
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
pid_t demo_spawn(int i)
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

void demo_say(const char *fmt, ...)
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

int demo_write_node_cfg(const struct demo_run *r, int i)
{
    char path[PATH_MAX + 32];
    FILE *f;
    const char *me = nations[i], *dir = r->dir;
    const int mesh = r->mesh;

    snprintf(path, sizeof path, "%s/%s.yaml", dir, me);
    f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "# %s node of the trilink demo (written by trilink demo)\n", me);
    fprintf(f, "nation: %s\n", me);
    fprintf(f, "coalition: {nations: [KR, US, JP], %sdomain_base: %d}\n", mesh ? "" : "hub: US, ",
            (int)r->base);
    fprintf(f, "sensors: %s\n", r->scen_abs);
    fprintf(f, "storage: %s/%s.db\n", dir, me);
    fprintf(f, "summary: %s/%s-summary.json\n", dir, me);
    if (r->security)
        fprintf(f, "security: {pki: %s/pki}\n", dir);
    else
        fprintf(f, "security: off\n");
    fprintf(f, "speed: %g\n", r->speed);
    /* the demo is a drill: its warnings say Exercise */
    fprintf(f, "warn: {out: %s/%s-warnings, areas: %s, exercise: true}\n", dir, me, r->areas_dir);
    fprintf(f, "partners:\n");
    for (int j = 0; j < 3; j++) {
        const int k = 3 - i - j; /* the third nation */
        if (j == i)
            continue;
        /* sensor identities and sites stay national; everything else is shared and may be
         * passed on to the third ally */
        fprintf(f, "  - nation: %s\n    release: [%s]\n"
                   "    withhold: [sensor_ids, sensor_position]\n", nations[j],
                r->no_share ? "" : "tracks, assessments");
        if (!mesh && !r->no_share && j == 1)
            fprintf(f, "    forward: [%s]\n", nations[k]);
    }
    if (!mesh && !r->no_share && i == 1)
        fprintf(f, "relay: true\n");
    return fclose(f);
}
