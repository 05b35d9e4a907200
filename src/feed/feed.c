/* The feed: a scenario's sensor reports published in real time (times a speed) to each nation's
 * node, on its national domain, with that nation's identity. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "trilink/feed.h"
#include "trilink/pki.h"

/* Reports in a quiet stretch leave at most this often: 20,000 a second, which three nodes on two
 * cores take without their feed writers blocking. */
#define QUIET_GAP_NS 50000

static void sleep_until(int64_t due_ns)
{
    const int64_t now = tl_wall_ns();

    if (due_ns > now) {
        struct timespec ts = { (time_t)((due_ns - now) / 1000000000LL),
                               (long)((due_ns - now) % 1000000000LL) };
        nanosleep(&ts, NULL);
    }
}

/* The security files a nation's identity needs, checked before Cyclone DDS is asked (which says
 * only "Error (-1)" when one is missing). */
static int check_pki(const char *dir, const char *nation, const struct tl_security *sec,
                     struct tl_diag *diag)
{
    const char *const files[] = { sec->identity_ca, sec->identity_cert, sec->private_key,
                                  sec->permissions_ca, sec->governance, sec->permissions };
    struct stat sb;

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (stat(files[i], &sb) != 0) {
            if (diag != NULL)
                snprintf(diag->message, sizeof diag->message,
                         "PKI '%s' lacks %s's '%s' (make one with trilink pki --out %s)",
                         dir, nation, files[i], dir);
            return TL_EIO;
        }
    return TL_OK;
}

int tl_feed_run(const struct tl_topology *t, const char *pki_dir, const struct tl_feed_item *items,
                size_t n, int64_t t0_ns, double speed, volatile sig_atomic_t *stop,
                struct tl_feed_progress *progress, struct tl_diag *diag)
{
    struct tl_bus_ctx *ctx = NULL;
    struct tl_bus *bus[TL_MAX_NATIONS] = { 0 };
    struct tl_bus_ep *w[TL_MAX_NATIONS] = { 0 }, *wc[TL_MAX_NATIONS] = { 0 };
    long dropped[TL_MAX_NATIONS] = { 0 };
    const int secure = pki_dir != NULL && pki_dir[0] != '\0';
    int rc = TL_OK;
    int64_t wall0, shift_ns = 0, last_sent = 0;

    if (t == NULL || (items == NULL && n > 0) || !(speed > 0))
        return TL_EINVAL;
    if ((rc = tl_bus_ctx_create(&ctx, diag)) != TL_OK)
        return rc;
    for (int i = 0; i < t->n && rc == TL_OK; i++) {
        struct tl_security sec;
        if (secure) {
            tl_pki_security(pki_dir, t->nation[i], &sec);
            if ((rc = check_pki(pki_dir, t->nation[i], &sec, diag)) != TL_OK)
                break;
        }
        rc = tl_bus_open(ctx, tl_topology_national_domain(t, i), secure ? &sec : NULL, "feed",
                         &bus[i], diag);
        if (rc == TL_OK)
            rc = tl_bus_writer(bus[i], TL_MSG_MEASUREMENT, t->nation[i], &w[i], diag);
        if (rc == TL_OK)
            rc = tl_bus_writer(bus[i], TL_MSG_CLOCK, t->nation[i], &wc[i], diag);
    }
    /* the clock is volatile: written once the node's reader is there too */
    for (int i = 0; i < t->n && rc == TL_OK; i++)
        if (tl_bus_wait_matched(w[i], 1, 60.0) != TL_OK ||
            tl_bus_wait_matched(wc[i], 1, 60.0) != TL_OK) {
            if (diag)
                snprintf(diag->message, sizeof diag->message,
                         "no node of %s listening on domain %d after 60 s", t->nation[i],
                         tl_topology_national_domain(t, i));
            rc = TL_ETIMEDOUT;
        }
    wall0 = tl_wall_ns() + 200000000LL;
    if (progress != NULL) {
        atomic_store(&progress->scen_ns, t0_ns);
        atomic_store(&progress->wall0_ns, wall0);
    }
    for (int i = 0; i < t->n && rc == TL_OK; i++) { /* pin every node's scenario clock */
        struct tl_msg_clock clk;
        memset(&clk, 0, sizeof clk);
        snprintf(clk.nation, sizeof clk.nation, "%s", t->nation[i]);
        clk.scenario_ns = t0_ns;
        clk.wall_ns = wall0;
        clk.speed = speed;
        tl_bus_write(wc[i], &clk);
    }
    sleep_until(wall0);
    for (size_t k = 0; k < n && rc == TL_OK && !(stop && *stop); k++) {
        struct tl_msg_meas m = items[k].m;
        const int64_t due =
            wall0 + (int64_t)((double)(items[k].m.arrival_ns - t0_ns) / speed) - shift_ns;
        if (items[k].quiet) {
            /* A quiet stretch (nothing but clutter, far from any real report) goes as fast as
             * the nodes take it (QUIET_GAP_NS apart: faster, and a reliable writer's 20 ms of
             * blocking runs out and reports are lost): the schedule of everything after it moves
             * earlier by the time saved. */
            const int64_t now = tl_wall_ns(), fast = last_sent + QUIET_GAP_NS;
            if (due > fast) {
                sleep_until(fast);
                shift_ns += due - (fast > now ? fast : now);
            } else {
                sleep_until(due);
            }
        } else {
            sleep_until(due);
        }
        m.sent_ns = last_sent = tl_wall_ns();
        /* a node that does not take its feed (stopped, restarting) loses those reports, as a
         * real sensor feed would; the others go on at their time */
        if (items[k].nation >= 0 && items[k].nation < t->n &&
            tl_bus_write(w[items[k].nation], &m) != TL_OK && dropped[items[k].nation]++ == 0)
            fprintf(stderr, "feed: %s's node is not taking its reports; dropping them\n",
                    t->nation[items[k].nation]);
        if (progress != NULL) {
            atomic_store(&progress->scen_ns, items[k].m.arrival_ns);
            atomic_store(&progress->skipped_ns, (int64_t)((double)shift_ns * speed));
            atomic_fetch_add(&progress->sent, 1);
        }
    }
    for (int i = 0; i < t->n; i++)
        if (dropped[i] > 0)
            fprintf(stderr, "feed: %ld reports to %s dropped\n", dropped[i], t->nation[i]);
    for (int i = 0; i < t->n; i++)
        tl_bus_close(bus[i]);
    tl_bus_ctx_destroy(ctx);
    return rc;
}

void tl_feed_mark_quiet(struct tl_feed_item *items, const int *real, size_t n, double margin_s)
{
    const int64_t margin_ns = (int64_t)(margin_s * 1e9);
    size_t prev = (size_t)-1; /* index of the last real report at or before k */
    size_t next = 0;          /* index of the first real report at or after k */

    for (size_t k = 0; k < n; k++) {
        if (real[k])
            prev = k;
        if (next < k)
            next = k;
        while (next < n && !real[next])
            next++;
        items[k].quiet =
            !real[k] &&
            (prev == (size_t)-1 || items[k].m.arrival_ns - items[prev].m.arrival_ns > margin_ns) &&
            (next == n || items[next].m.arrival_ns - items[k].m.arrival_ns > margin_ns);
    }
}
