/* Sharing benchmark (make bench): KR, US (the hub) and JP as three processes on loopback, with and
 * without DDS Security. KR publishes national tracks through its release groups; the US checks,
 * audits, stores and fuses them and relays the onward group to JP, which does the same.
 *  - latency: 100 track updates per second for 10 s; publication at KR -> fused update at the US
 *    (one hop) and at JP (through the relay): median, p99, max;
 *  - throughput: KR publishes as fast as it can, 200 tracks, for 5 s; tracks per second the US
 *    takes, checks, audits, stores and fuses.
 * usage: trilink_bench_share [--no-security-only] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trilink/fuse.h"
#include "trilink/pki.h"
#include "trilink/share.h"
#include "trilink/store.h"

#define MAXLAT 20000

struct result {
    long n_hop, n_relay, n_through;
    double hop[MAXLAT], relay[MAXLAT];
    double through_per_s;
};

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static struct tl_msg_track track(int no, int64_t t_ns)
{
    struct tl_msg_track m;
    const double t = (double)(t_ns % 1000000000000LL) * 1e-9;
    memset(&m, 0, sizeof m);
    strcpy(m.origin, "KR");
    m.track_no = no;
    m.status = 1;
    m.phase = 2;
    m.t_ns = t_ns;
    m.pub_ns = t_ns;
    /* 200 objects 50 km apart on a ring 700 km up, moving at 4 km/s */
    m.x[0] = 7.07e6 * cos(no * 0.007);
    m.x[1] = 7.07e6 * sin(no * 0.007);
    m.x[2] = 4000.0 * fmod(t, 100.0);
    m.x[5] = 4000.0;
    for (int i = 0; i < 6; i++)
        m.p[tl_ut6(i, i)] = i < 3 ? 1e4 : 25.0;
    strcpy(m.sensors, "KR-R1");
    return m;
}

static void sec_of(const char *pki, const char *nation, struct tl_security *s, struct tl_security **p)
{
    if (pki == NULL) {
        *p = NULL;
        return;
    }
    tl_pki_security(pki, nation, s);
    *p = s;
}

static int kr(const struct tl_topology *t, const char *pki, int flood, double secs)
{
    struct tl_security s, *sp;
    struct tl_bus_ctx *ctx;
    struct tl_bus *b;
    struct tl_release_policy pol[2];
    struct tl_release_group g[4];
    struct tl_bus_ep *w[4];
    int ng;
    int64_t end;
    long k = 0;

    memset(pol, 0, sizeof pol);
    strcpy(pol[0].partner, "US");
    pol[0].kinds = pol[1].kinds = TL_RELEASE_TRACKS;
    pol[0].withhold_sensors = 1;
    strcpy(pol[0].forward[0], "JP");
    pol[0].n_forward = 1;
    strcpy(pol[1].partner, "JP");
    sec_of(pki, "KR", &s, &sp);
    if (tl_bus_ctx_create(&ctx, NULL) != TL_OK ||
        tl_bus_open(ctx, tl_topology_link_domain(t, 0, 1), sp, "KR", &b, NULL) != TL_OK)
        return 1;
    ng = tl_release_groups(t, 0, pol, 2, g, 4);
    for (int i = 0; i < ng; i++)
        if (tl_bus_writer(b, TL_MSG_TRACK, g[i].partition, &w[i], NULL) != TL_OK ||
            (g[i].forward && tl_bus_wait_matched(w[i], 1, 30.0) != TL_OK))
            return 2;
    sleep(1); /* the hub's relay path matches too */
    end = tl_wall_ns() + (int64_t)(secs * 1e9);
    while (tl_wall_ns() < end) {
        const int64_t now = tl_wall_ns();
        struct tl_msg_track m = track(1 + (int)(k % 200), now), out;
        for (int i = 0; i < ng; i++)
            if (tl_release_group_track(&g[i], &m, NULL, &out))
                tl_bus_write(w[i], &out);
        k++;
        if (!flood)
            usleep(10000);
    }
    sleep(2);
    tl_bus_close(b);
    tl_bus_ctx_destroy(ctx);
    return 0;
}

/* US (relay = 1) or JP: take, check, audit, store, fuse; record latency or throughput. */
static int node(const struct tl_topology *t, const char *pki, int me, double secs, int fd,
                const char *dir)
{
    struct tl_security s, *sp;
    struct tl_bus_ctx *ctx;
    struct tl_bus *in_bus, *out_bus = NULL;
    struct tl_bus_ep *r, *relay_w = NULL;
    struct tl_fuse *fu;
    struct tl_fuse_cfg fc = tl_fuse_cfg_default();
    struct tl_store *st;
    static struct result res;
    static struct tl_msg_track buf[256];
    char db[256];
    const int relay = me == 1;
    const int64_t start = tl_wall_ns();
    int64_t first = 0, last = 0;

    fc.assess_every_s = 1e9; /* the impact prediction is the tracker benchmark's, not this one */
    memset(&res, 0, sizeof res);
    sec_of(pki, t->nation[me], &s, &sp);
    snprintf(db, sizeof db, "%s/%s.db", dir, t->nation[me]);
    if (tl_store_open(db, &st, NULL) != TL_OK || tl_fuse_create(&fc, t->nation[me], 1, &fu) != TL_OK)
        return 1;
    if (tl_bus_ctx_create(&ctx, NULL) != TL_OK ||
        tl_bus_open(ctx, tl_topology_link_domain(t, me == 1 ? 0 : 1, me == 1 ? 1 : 2), sp,
                    t->nation[me], &in_bus, NULL) != TL_OK ||
        tl_bus_reader(in_bus, TL_MSG_TRACK, "KR.US.JP", &r, NULL) != TL_OK)
        return 2;
    if (relay && (tl_bus_open(ctx, tl_topology_link_domain(t, 1, 2), sp, "US", &out_bus, NULL) !=
                      TL_OK ||
                  tl_bus_writer(out_bus, TL_MSG_TRACK, "KR.US.JP", &relay_w, NULL) != TL_OK))
        return 3;
    while (tl_wall_ns() - start < (int64_t)((secs + 40.0) * 1e9)) {
        int n;
        tl_bus_wait(ctx, 0.05);
        while ((n = tl_bus_take(r, buf, 256, NULL)) > 0) {
            const int64_t now0 = tl_wall_ns();
            if (first == 0)
                first = now0;
            for (int i = 0; i < n; i++) {
                struct tl_msg_track *m = &buf[i];
                int32_t no;
                int upd;
                if (tl_msg_track_check(m, NULL, 0) != TL_OK)
                    continue;
                tl_store_audit(st, "received", relay ? "KR" : "US", "KR.US.JP", TL_MSG_TRACK,
                               m->origin, m->track_no, m);
                tl_store_track(st, relay ? "KR" : "US", m);
                tl_fuse_track(fu, m, &no, &upd);
                if (relay) {
                    strcpy(m->relay, "US");
                    tl_bus_write(relay_w, m);
                }
                {
                    const double ms = (double)(tl_wall_ns() - m->pub_ns) / 1e6;
                    if (relay && res.n_hop < MAXLAT)
                        res.hop[res.n_hop++] = ms;
                    if (!relay && res.n_relay < MAXLAT)
                        res.relay[res.n_relay++] = ms;
                }
                res.n_through++;
            }
            last = tl_wall_ns();
        }
        if (first != 0 && tl_wall_ns() - last > 3000000000LL)
            break;
    }
    res.through_per_s = last > first ? (double)res.n_through / ((double)(last - first) * 1e-9) : 0;
    tl_bus_close(in_bus);
    tl_bus_close(out_bus);
    tl_bus_ctx_destroy(ctx);
    tl_fuse_destroy(fu);
    tl_store_close(st);
    if (write(fd, &res, sizeof res) != (ssize_t)sizeof res)
        return 4;
    return 0;
}

static void pct(const char *what, double *v, long n)
{
    if (n == 0) {
        printf("| %s | no samples |\n", what);
        return;
    }
    qsort(v, (size_t)n, sizeof v[0], cmp_d);
    printf("| %s | %.3f / %.3f / %.3f ms (%ld samples) |\n", what, v[n / 2],
           v[(long)floor(0.99 * (double)(n - 1))], v[n - 1], n);
}

/* Reads exactly @p n bytes (a pipe returns at most its capacity per read). */
static ssize_t read_all(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        const ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static int run(const char *pki, int flood, double secs, int base, const char *dir, struct result *us,
               struct result *jp)
{
    struct tl_topology t;
    int fd[2][2];
    pid_t pid[3];
    ssize_t got;

    tl_topology_make("KR,US,JP", "US", base, &t, NULL);
    if (pipe(fd[0]) != 0 || pipe(fd[1]) != 0)
        return -1;
    if ((pid[1] = fork()) == 0)
        _exit(node(&t, pki, 1, secs, fd[0][1], dir));
    if ((pid[2] = fork()) == 0)
        _exit(node(&t, pki, 2, secs, fd[1][1], dir));
    if ((pid[0] = fork()) == 0)
        _exit(kr(&t, pki, flood, secs));
    got = read_all(fd[0][0], us, sizeof *us);
    got += read_all(fd[1][0], jp, sizeof *jp);
    for (int i = 0; i < 3; i++)
        waitpid(pid[i], NULL, 0);
    close(fd[0][0]); close(fd[0][1]); close(fd[1][0]); close(fd[1][1]);
    return got == (ssize_t)(2 * sizeof *us) ? 0 : -1;
}

int main(void)
{
    char dir[] = "/tmp/tl-bench-share-XXXXXX", pki[64], cmd[128];
    static struct result us, jp;
    struct tl_topology t;

    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(pki, sizeof pki, "%s/pki", dir);
    tl_topology_make("KR,US,JP", "US", 40, &t, NULL);
    if (tl_pki_create(&t, pki, NULL) != TL_OK)
        return 1;
    printf("| figure (KR -> US -> JP, three processes, loopback) | median / p99 / max |\n|---|---|\n");
    for (int sec = 0; sec < 2; sec++) {
        const char *label = sec ? "DDS Security" : "no security";
        char what[128];
        /* the PKI's permissions are for domains 40..45 */
        if (run(sec ? pki : NULL, 0, 10.0, 40, dir, &us, &jp) != 0)
            return 2;
        snprintf(what, sizeof what, "%s: KR publication -> fused at US (one hop)", label);
        pct(what, us.hop, us.n_hop);
        snprintf(what, sizeof what, "%s: KR publication -> fused at JP (through the US relay)", label);
        pct(what, jp.relay, jp.n_relay);
    }
    printf("\n| throughput (200 tracks, KR publishing flat out, 5 s) | tracks/s |\n|---|---|\n");
    for (int sec = 0; sec < 2; sec++) {
        if (run(sec ? pki : NULL, 1, 5.0, 40, dir, &us, &jp) != 0)
            return 3;
        printf("| %s: taken, checked, audited, stored and fused at US (and relayed) | %.0f |\n",
               sec ? "DDS Security" : "no security", us.through_per_s);
        printf("| %s: the same at JP, through the relay | %.0f |\n",
               sec ? "DDS Security" : "no security", jp.through_per_s);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 4;
}
