/* trilink demo: the faults (--fault), a node killed and restarted, a node stopped, malformed
 * samples injected, each at its scenario time. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "trilink/pki.h"
#include "trilink/store.h"
#include "demo.h"

/* kind:NN:T or kind:NN:T:D, exactly: anything after the fields is refused. */
int demo_parse_fault(const char *text, struct fault *f)
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

void demo_sort_faults(void)
{
    qsort(x.fault, (size_t)x.n_faults, sizeof x.fault[0], by_time);
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
void *demo_fault_thread(void *arg)
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
            demo_say("fault: %s node is not running (its restart failed): fault not done",
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
            demo_say("fault: %s node killed (SIGKILL) at t+%.0f s with %ld rows committed; "
                     "restart in %.0f s",
                     nations[f->nation], f->at_s, f->rows_before, f->dur_s);
            nap(f->dur_s);
            pthread_mutex_lock(&x.mu);
            x.pid[f->nation] = demo_spawn(f->nation);
            pthread_mutex_unlock(&x.mu);
            sleep_s(2.0);
            tl_store_count(db, &f->rows_after);
            demo_say("fault: %s node restarted: %ld rows in its database (%ld before the kill)",
                     nations[f->nation], f->rows_after, f->rows_before);
            break;
        case FAULT_STOP:
            kill(p, SIGSTOP);
            demo_say("fault: %s node stopped (SIGSTOP) at t+%.0f s for %.0f s", nations[f->nation],
                     f->at_s, f->dur_s);
            nap(f->dur_s);
            kill(p, SIGCONT);
            demo_say("fault: %s node continued", nations[f->nation]);
            break;
        case FAULT_INJECT:
            f->injected = inject(f->nation);
            demo_say("fault: %d malformed samples injected with %s's identity at t+%.0f s",
                     f->injected, nations[f->nation], f->at_s);
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
