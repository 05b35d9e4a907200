/* The bus on loopback, as separate processes (a DDS participant per process, as in the field):
 *  - DDS Security: a partner receives what it is granted; a partition outside a nation's grants,
 *    a reader on the partition '*', and a domain it has no link in are denied; a certificate from
 *    a CA no partner trusts gets nothing;
 *  - the release property: over 100,000 random tracks and policies, what arrives on each release
 *    group's partition is checked field by field against the policies (the serialized samples as
 *    received, not the filter's return value), and nothing arrives where no policy sends it;
 *  - in one process: two bus contexts used from two threads at once (issue 10: a process-global
 *    waitset was shared by the demo's fault thread and its feed), and every field of the
 *    SystemTrack and Clock types of wire version 2 across the bus;
 *  - the Warning topic: a CAP document of 20 kB taken back byte for byte, with DDS Security (US
 *    to KR on their link, in the security test) and without; a bad warning dropped by the
 *    reader; a late joiner gets every warning held.
 * Domains: 180-185 and 190-195 (the topologies below), 160-164 (the in-process tests). */
#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl_test.h"
#include "trilink/pki.h"
#include "trilink/share.h"

#define DEG (M_PI / 180.0)

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tl-bus-XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A deterministic warning of @p origin, number @p no, whose CAP document (written into @p doc, of
 * @p len bytes) is @p len - 1 bytes: the XML declaration and CAP 1.2 namespace, then filler with
 * '|' and UTF-8. */
static struct tl_msg_warning big_warning(const char *origin, int no, char *doc, size_t len)
{
    static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">";
    static const char tail[] = "</alert>\n";
    struct tl_msg_warning m;
    size_t n = strlen(head);
    memcpy(doc, head, n);
    while (n + 40 < len - 1 - strlen(tail))
        n += (size_t)sprintf(doc + n, "<note>%d|%06zu \xe6\x9d\xb1\xe4\xba\xac</note>", no, n);
    while (n < len - 1 - strlen(tail))
        doc[n++] = ' ';
    memcpy(doc + n, tail, strlen(tail) + 1);
    memset(&m, 0, sizeof m);
    snprintf(m.origin, sizeof m.origin, "%s", origin);
    snprintf(m.identifier, sizeof m.identifier, "%s-20260701-%04d", origin, no);
    m.sent_ns = 1782864000000000000LL + no;
    m.pub_ns = 1782864000250000000LL + no;
    m.system_no = 100 + no;
    m.msg_type = no % 3;
    m.all_clear = no % 3 == 2;
    m.exercise = 1;
    snprintf(m.areas, sizeof m.areas, "JP-02:overflight:0.97 JP:impact:0.%02d KR:none:0", no % 100);
    m.first_onset_ns = m.sent_ns + 300000000000LL;
    m.cap_xml = doc;
    return m;
}

/* NULL when @p got is @p sent, every field and every byte of the document; else what differs. */
static const char *warning_differs(const struct tl_msg_warning *sent,
                                   const struct tl_msg_warning *got)
{
    const size_t na = tl_msg_canonical_size(TL_MSG_WARNING, sent);
    const size_t nb = tl_msg_canonical_size(TL_MSG_WARNING, got);
    char *ta = malloc(na), *tb = malloc(nb);
    const char *why = NULL;
    if (ta == NULL || tb == NULL)
        why = "no memory";
    else if (got->cap_xml == NULL || strlen(got->cap_xml) != strlen(sent->cap_xml))
        why = "document length";
    else if (strcmp(got->cap_xml, sent->cap_xml) != 0)
        why = "document bytes";
    else {
        tl_msg_canonical(TL_MSG_WARNING, sent, ta, na);
        tl_msg_canonical(TL_MSG_WARNING, got, tb, nb);
        if (na != nb || strcmp(ta, tb) != 0)
            why = "canonical text (a field)";
    }
    free(ta);
    free(tb);
    return why;
}

static struct tl_msg_track simple_track(const char *origin, int no)
{
    struct tl_msg_track m;
    memset(&m, 0, sizeof m);
    snprintf(m.origin, sizeof m.origin, "%s", origin);
    m.track_no = no;
    m.status = 1;
    m.phase = 2;
    m.t_ns = tl_wall_ns();
    m.x[0] = 6.6e6;
    m.x[4] = 3000;
    for (int i = 0; i < 6; i++)
        m.p[tl_ut6(i, i)] = 100;
    return m;
}

/* Reads partition @p part for @p secs; returns how many samples of @p origin arrived. */
static int listen(struct tl_bus_ctx *ctx, struct tl_bus *b, const char *part, const char *origin,
                  double secs, int stop_at)
{
    struct tl_bus_ep *r;
    struct tl_msg_track m[16];
    const int64_t end = tl_wall_ns() + (int64_t)(secs * 1e9);
    int got = 0;
    if (tl_bus_reader(b, TL_MSG_TRACK, part, &r, NULL) != TL_OK)
        return -1;
    while (tl_wall_ns() < end && got < stop_at) {
        int n;
        tl_bus_wait(ctx, 0.1);
        while ((n = tl_bus_take(r, m, 16, NULL)) > 0)
            for (int i = 0; i < n; i++)
                got += strcmp(m[i].origin, origin) == 0;
    }
    return got;
}

static int child_kr(const struct tl_topology *t)
{
    struct tl_security sec;
    struct tl_bus_ctx *ctx;
    struct tl_bus *b;
    struct tl_bus_ep *rw;
    struct tl_msg_warning w[TL_WARNING_TAKE_MAX];
    static char doc[20000];
    const struct tl_msg_warning sent = big_warning("US", 1, doc, sizeof doc);
    const int64_t end = tl_wall_ns() + 15000000000LL;
    int got_w = 0, rc = 0;
    tl_pki_security(dir, "KR", &sec);
    if (tl_bus_ctx_create(&ctx, NULL) != TL_OK ||
        tl_bus_open(ctx, tl_topology_link_domain(t, 0, 1), &sec, "KR", &b, NULL) != TL_OK ||
        tl_bus_reader(b, TL_MSG_WARNING, "US.KR", &rw, NULL) != TL_OK)
        return 10;
    if (listen(ctx, b, "US.KR", "US", 15.0, 3) < 3)
        rc = 11;
    /* the warning, written once before the tracks (transient-local: it waits for us) */
    while (rc == 0 && got_w == 0 && tl_wall_ns() < end) {
        int n;
        tl_bus_wait(ctx, 0.1);
        while ((n = tl_bus_take(rw, w, TL_WARNING_TAKE_MAX, NULL)) > 0)
            for (int i = 0; i < n; i++) {
                const char *why = warning_differs(&sent, &w[i]);
                if (why != NULL) {
                    fprintf(stderr, "KR: secure warning changed on the bus: %s\n", why);
                    rc = 13;
                }
                got_w++;
                tl_msg_warning_free(&w[i]);
            }
    }
    tl_bus_close(b);
    tl_bus_ctx_destroy(ctx);
    return rc != 0 ? rc : got_w == 1 ? 0 : 12;
}

static int child_impostor(const struct tl_topology *t)
{
    struct tl_security sec;
    struct tl_bus_ctx *ctx;
    struct tl_bus *b;
    struct tl_diag d = { 0 };
    if (tl_pki_create_impostor(dir, "KR", &sec, &d) != TL_OK ||
        tl_bus_ctx_create(&ctx, NULL) != TL_OK)
        return 20;
    if (tl_bus_open(ctx, tl_topology_link_domain(t, 0, 1), &sec, "impostor", &b, NULL) != TL_OK) {
        tl_bus_ctx_destroy(ctx);
        return 0; /* refused outright: cannot join either */
    }
    {
        const int got = listen(ctx, b, "US.KR", "US", 8.0, 1);
        tl_bus_close(b);
        tl_bus_ctx_destroy(ctx);
        return got == 0 ? 0 : 21;
    }
}

static int child_jp(const struct tl_topology *t)
{
    struct tl_security sec;
    struct tl_bus_ctx *ctx;
    struct tl_bus *b, *b2;
    struct tl_bus_ep *r;
    int rc = 0;
    tl_pki_security(dir, "JP", &sec);
    if (tl_bus_ctx_create(&ctx, NULL) != TL_OK)
        return 31;
    /* no link to Korea: not even a participant in the KR-US domain */
    if (tl_bus_open(ctx, tl_topology_link_domain(t, 0, 1), &sec, "JP", &b2, NULL) == TL_OK) {
        if (tl_bus_reader(b2, TL_MSG_TRACK, "US.KR", &r, NULL) == TL_OK)
            rc |= 1;
        tl_bus_close(b2);
    }
    if (tl_bus_open(ctx, tl_topology_link_domain(t, 1, 2), &sec, "JP", &b, NULL) != TL_OK)
        return 30;
    if (tl_bus_reader(b, TL_MSG_TRACK, "KR.US", &r, NULL) != TL_EACCESS)
        rc |= 2; /* Korea's bilateral group is not Japan's */
    if (tl_bus_reader(b, TL_MSG_TRACK, "*", &r, NULL) != TL_EACCESS)
        rc |= 4; /* a wildcard reader */
    if (tl_bus_writer(b, TL_MSG_TRACK, "US.JP", &r, NULL) != TL_EACCESS)
        rc |= 8; /* writing as the US */
    if (tl_bus_reader(b, TL_MSG_TRACK, "KR.US.JP", &r, NULL) != TL_OK)
        rc |= 16; /* what Korea released onward: granted */
    if (tl_bus_reader(b, TL_MSG_WARNING, "KR.US.JP", &r, NULL) != TL_OK ||
        tl_bus_writer(b, TL_MSG_WARNING, "JP.US.KR", &r, NULL) != TL_OK)
        rc |= 32; /* warnings, relayed and onward: granted on the link */
    if (tl_bus_writer(b, TL_MSG_WARNING, "US.JP", &r, NULL) != TL_EACCESS)
        rc |= 64; /* a warning as the US */
    tl_bus_close(b);
    tl_bus_ctx_destroy(ctx);
    return rc ? 40 + rc : 0;
}

static void security_grants_and_denials(void **state)
{
    struct tl_topology t;
    struct tl_diag d = { 0 };
    pid_t kids[3];
    int (*const fn[3])(const struct tl_topology *) = { child_kr, child_impostor, child_jp };
    (void)state;
    assert_int_equal(tl_topology_make("KR,US,JP", "US", 180, &t, &d), TL_OK);
    assert_int_equal(tl_pki_create(&t, dir, &d), TL_OK);
    /* children first: nothing of DDS may exist in a process that forks */
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            _exit(fn[i](&t));
    }
    {
        struct tl_security sec;
        struct tl_bus_ctx *ctx;
        struct tl_bus *b;
        struct tl_bus_ep *w;
        tl_pki_security(dir, "US", &sec);
        assert_int_equal(tl_bus_ctx_create(&ctx, &d), TL_OK);
        assert_int_equal(tl_bus_open(ctx, tl_topology_link_domain(&t, 0, 1), &sec, "US", &b, &d),
                         TL_OK);
        assert_int_equal(tl_bus_writer(b, TL_MSG_TRACK, "US.KR", &w, &d), TL_OK);
        {
            /* a CAP warning of 20 kB, encrypted on the link: KR checks every byte */
            static char doc[20000];
            struct tl_bus_ep *ww;
            const struct tl_msg_warning m = big_warning("US", 1, doc, sizeof doc);
            assert_int_equal(tl_bus_writer(b, TL_MSG_WARNING, "US.KR", &ww, &d), TL_OK);
            assert_int_equal(tl_bus_write(ww, &m), TL_OK);
        }
        for (int k = 0; k < 120; k++) {
            struct tl_msg_track m = simple_track("US", 1 + k % 5);
            tl_bus_write(w, &m);
            usleep(100000);
        }
        tl_bus_close(b);
        tl_bus_ctx_destroy(ctx);
    }
    for (int i = 0; i < 3; i++) {
        int ws;
        assert_int_equal(waitpid(kids[i], &ws, 0), kids[i]);
        if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
            fail_msg("child %d (%s) failed with %d", i,
                     i == 0 ? "KR receives tracks, warning" : i == 1 ?
                     "impostor gets nothing" : "JP denied", WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
    }
}

/* ---- the release property ----------------------------------------------------------------- */

#define N_SAMPLES 100000

struct sample {
    struct tl_msg_track m;
    struct tl_release_policy p[2]; /* US, JP */
    int n_pol;
    struct tl_release_where w;
    int us_area_in, jp_area_in;    /* known by construction */
};

static void area_box(struct tl_area *a, double lat0, double lon0, double half)
{
    a->n = 4;
    a->lat_rad[0] = lat0 - half; a->lon_rad[0] = lon0 - half;
    a->lat_rad[1] = lat0 + half; a->lon_rad[1] = lon0 - half;
    a->lat_rad[2] = lat0 + half; a->lon_rad[2] = lon0 + half;
    a->lat_rad[3] = lat0 - half; a->lon_rad[3] = lon0 + half;
}

/* Random policy of one partner: kinds, withheld fields, coarsening, an area that holds the
 * object or one far away (so the expected verdict is known without the code under test). */
static void random_policy(unsigned long long *s, struct tl_release_policy *p, const char *partner,
                          const char *fwd, int *area_in)
{
    memset(p, 0, sizeof *p);
    snprintf(p->partner, sizeof p->partner, "%s", partner);
    p->kinds = tl_test_uniform(s) < 0.85 ? TL_RELEASE_TRACKS | TL_RELEASE_ASSESSMENTS
                                         : TL_RELEASE_ASSESSMENTS;
    p->withhold_sensors = tl_test_uniform(s) < 0.5;
    p->withhold_sensor_position = tl_test_uniform(s) < 0.5;
    p->coarsen_pos_m = tl_test_uniform(s) < 0.5 ? 50.0 + 500.0 * tl_test_uniform(s) : 0.0;
    p->coarsen_vel_mps = tl_test_uniform(s) < 0.3 ? 1.0 + 10.0 * tl_test_uniform(s) : 0.0;
    *area_in = 1;
    if (tl_test_uniform(s) < 0.3) {
        p->n_areas = 1;
        *area_in = tl_test_uniform(s) < 0.5;
        if (*area_in)
            area_box(&p->area[0], 40.0 * DEG, 133.0 * DEG, 10.0 * DEG);
        else
            area_box(&p->area[0], -30.0 * DEG, 20.0 * DEG, 10.0 * DEG);
    }
    if (fwd != NULL && tl_test_uniform(s) < 0.6) {
        snprintf(p->forward[0], sizeof p->forward[0], "%s", fwd);
        p->n_forward = 1;
    }
}

static void make_sample(int i, struct sample *x)
{
    unsigned long long s = 0x9E3779B97F4A7C15ULL * (unsigned long long)(i + 1);
    memset(x, 0, sizeof *x);
    x->m = simple_track("KR", i + 1);
    x->m.t_ns = 1689123600000000000LL + i;
    for (int k = 0; k < 6; k++) {
        x->m.x[k] += 1000.0 * tl_test_uniform(&s);
        x->m.p[tl_ut6(k, k)] = (k < 3 ? 1e2 : 1e-1) * (1.0 + 100.0 * tl_test_uniform(&s));
    }
    x->m.p[tl_ut6(0, 3)] = 0.5 * sqrt(x->m.p[tl_ut6(0, 0)] * x->m.p[tl_ut6(3, 3)]);
    snprintf(x->m.sensors, sizeof x->m.sensors, "KR-R%d", 1 + i % 3);
    x->m.sensor_ecef[0] = -3.1e6;
    x->m.sensor_ecef[1] = 4.1e6;
    x->w.launch_lat_rad = 39.0 * DEG;
    x->w.launch_lon_rad = 125.7 * DEG;
    x->w.impact_lat_rad = 40.8 * DEG;
    x->w.impact_lon_rad = 137.2 * DEG;
    random_policy(&s, &x->p[0], "US", "JP", &x->us_area_in);
    x->n_pol = 1;
    if (tl_test_uniform(&s) < 0.8) {
        random_policy(&s, &x->p[1], "JP", NULL, &x->jp_area_in);
        x->n_pol = 2;
    }
}

static int writer_child(const struct tl_topology *t)
{
    struct tl_bus_ctx *ctx;
    struct tl_bus *b;
    struct tl_bus_ep *w[2];
    static const char *const parts[2] = { "KR.US", "KR.US.JP" };
    if (tl_bus_ctx_create(&ctx, NULL) != TL_OK ||
        tl_bus_open(ctx, tl_topology_link_domain(t, 0, 1), NULL, "KR", &b, NULL) != TL_OK ||
        tl_bus_writer(b, TL_MSG_TRACK, parts[0], &w[0], NULL) != TL_OK ||
        tl_bus_writer(b, TL_MSG_TRACK, parts[1], &w[1], NULL) != TL_OK ||
        tl_bus_wait_matched(w[0], 1, 20.0) != TL_OK || tl_bus_wait_matched(w[1], 1, 20.0) != TL_OK)
        return 2;
    for (int i = 0; i < N_SAMPLES; i++) {
        struct sample x;
        struct tl_release_group g[4];
        int ng;
        make_sample(i, &x);
        /* the node's path: its release groups, each group's policies applied, then the bus */
        ng = tl_release_groups(t, 0, x.p, x.n_pol, g, 4);
        for (int k = 0; k < ng; k++) {
            struct tl_msg_track out;
            if (!tl_release_group_track(&g[k], &x.m, &x.w, &out))
                continue;
            for (int j = 0; j < 2; j++)
                if (strcmp(g[k].partition, parts[j]) == 0 && tl_bus_write_dispose(w[j], &out) != TL_OK)
                    return 3;
        }
    }
    sleep(2); /* the last acknowledgements */
    tl_bus_close(b);
    tl_bus_ctx_destroy(ctx);
    return 0;
}

static const char *check_received(int group, const struct tl_msg_track *r, const struct sample *x)
{
    const struct tl_release_policy *us = &x->p[0], *jp = x->n_pol > 1 ? &x->p[1] : NULL;
    int ws = us->withhold_sensors, wp = us->withhold_sensor_position;
    double cp = us->coarsen_pos_m, cv = us->coarsen_vel_mps;

    if (!(us->kinds & TL_RELEASE_TRACKS) || !x->us_area_in)
        return "released although the US policy withholds tracks or the area excludes it";
    if (group == 1) {
        if (jp == NULL || us->n_forward == 0)
            return "onward group used without a JP policy or US forwarding";
        if (!(jp->kinds & TL_RELEASE_TRACKS) || !x->jp_area_in)
            return "onward although the JP policy withholds it";
        ws |= jp->withhold_sensors;
        wp |= jp->withhold_sensor_position;
        cp = fmax(cp, jp->coarsen_pos_m);
        cv = fmax(cv, jp->coarsen_vel_mps);
    }
    if (r->forward != group)
        return "forward flag wrong";
    if (ws && r->sensors[0] != '\0')
        return "sensor ids not withheld";
    if (!ws && strcmp(r->sensors, x->m.sensors) != 0)
        return "sensor ids lost";
    if (wp && (r->sensor_ecef[0] != 0 || r->sensor_ecef[1] != 0))
        return "sensor position not withheld";
    for (int k = 0; k < 6; k++) {
        const double floor = k < 3 ? cp : cv, v = r->p[tl_ut6(k, k)], v0 = x->m.p[tl_ut6(k, k)];
        if (v < v0 * (1 - 1e-12) || v < floor * floor * (1 - 1e-9))
            return "covariance not coarsened to the floor";
    }
    for (int k = 0; k < 6; k++)
        if (r->x[k] != x->m.x[k])
            return "state altered";
    return NULL;
}

static void release_property_on_the_wire(void **state)
{
    struct tl_topology t;
    pid_t kid;
    struct tl_bus_ctx *ctx;
    struct tl_bus *b;
    struct tl_bus_ep *r[3];
    static const char *const parts[3] = { "KR.US", "KR.US.JP", "KR.JP" };
    static struct tl_msg_track buf[256];
    long got[3] = { 0, 0, 0 }, expect[2] = { 0, 0 }, checked = 0;
    int64_t quiet_since = 0;
    int ws = -1, done = 0;
    (void)state;
    assert_int_equal(tl_topology_make("KR,US,JP", "US", 190, &t, NULL), TL_OK);
    kid = fork();
    if (kid == 0)
        _exit(writer_child(&t));
    assert_int_equal(tl_bus_ctx_create(&ctx, NULL), TL_OK);
    assert_int_equal(tl_bus_open(ctx, tl_topology_link_domain(&t, 0, 1), NULL, "spy", &b, NULL),
                     TL_OK);
    for (int j = 0; j < 3; j++)
        assert_int_equal(tl_bus_reader(b, TL_MSG_TRACK, parts[j], &r[j], NULL), TL_OK);
    for (;;) {
        int any = 0;
        tl_bus_wait(ctx, 0.1);
        for (int j = 0; j < 3; j++) {
            int n;
            while ((n = tl_bus_take(r[j], buf, 256, NULL)) > 0) {
                any = 1;
                for (int k = 0; k < n; k++) {
                    struct sample x;
                    const char *why;
                    got[j]++;
                    if (j == 2)
                        fail_msg("a sample on '%s', a group no policy sends to", parts[j]);
                    if (buf[k].track_no < 1 || buf[k].track_no > N_SAMPLES)
                        fail_msg("unknown track %d", (int)buf[k].track_no);
                    make_sample(buf[k].track_no - 1, &x);
                    if ((why = check_received(j, &buf[k], &x)) != NULL)
                        fail_msg("track %d on '%s': %s", (int)buf[k].track_no, parts[j], why);
                    checked++;
                }
            }
        }
        if (!done && waitpid(kid, &ws, WNOHANG) == kid)
            done = 1;
        if (any)
            quiet_since = tl_wall_ns();
        if (done && tl_wall_ns() - quiet_since > 2000000000LL)
            break;
    }
    tl_bus_close(b);
    tl_bus_ctx_destroy(ctx);
    assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    /* completeness: everything the policies release arrived */
    for (int i = 0; i < N_SAMPLES; i++) {
        struct sample x;
        make_sample(i, &x);
        if ((x.p[0].kinds & TL_RELEASE_TRACKS) && x.us_area_in) {
            expect[0]++;
            if (x.n_pol > 1 && x.p[0].n_forward > 0 && (x.p[1].kinds & TL_RELEASE_TRACKS) &&
                x.jp_area_in)
                expect[1]++;
        }
    }
    printf("release property: %ld samples checked (%ld on KR.US, %ld on KR.US.JP) of %d tracks\n",
           checked, got[0], got[1], N_SAMPLES);
    assert_int_equal(got[0], expect[0]);
    assert_int_equal(got[1], expect[1]);
    assert_true(expect[1] > 10000 && expect[0] > 50000);
}

/* ---- contexts and threads ------------------------------------------------------------------ */

#define THREAD_ROUNDS 3
#define THREAD_SAMPLES 50

struct thread_job {
    int domain[2]; /* two buses in one context, as a node's national domain and a link */
    int got[2];
    int rc;
};

/* One thread's life of a bus context, THREAD_ROUNDS times: create it, open two buses with a
 * writer and a reader each, write, wait and take until every sample is back, close, destroy. */
static void *thread_main(void *arg)
{
    struct thread_job *j = arg;

    for (int round = 0; round < THREAD_ROUNDS && j->rc == 0; round++) {
        struct tl_bus_ctx *ctx = NULL;
        struct tl_bus *b[2] = { NULL, NULL };
        struct tl_bus_ep *w[2], *r[2];
        struct tl_msg_track buf[16];
        const int64_t end = tl_wall_ns() + 20000000000LL;
        if (tl_bus_ctx_create(&ctx, NULL) != TL_OK) {
            j->rc = 1;
            break;
        }
        for (int k = 0; k < 2 && j->rc == 0; k++)
            if (tl_bus_open(ctx, j->domain[k], NULL, "thread", &b[k], NULL) != TL_OK ||
                tl_bus_writer(b[k], TL_MSG_TRACK, "KR.US", &w[k], NULL) != TL_OK ||
                tl_bus_reader(b[k], TL_MSG_TRACK, "KR.US", &r[k], NULL) != TL_OK ||
                tl_bus_wait_matched(w[k], 1, 10.0) != TL_OK)
                j->rc = 2;
        j->got[0] = j->got[1] = 0;
        for (int i = 0; i < THREAD_SAMPLES && j->rc == 0; i++)
            for (int k = 0; k < 2; k++) {
                struct tl_msg_track m = simple_track("KR", 1 + i); /* one instance each */
                if (tl_bus_write(w[k], &m) != TL_OK)
                    j->rc = 3;
            }
        while (j->rc == 0 && (j->got[0] < THREAD_SAMPLES || j->got[1] < THREAD_SAMPLES) &&
               tl_wall_ns() < end) {
            if (tl_bus_wait(ctx, 0.1) != TL_OK)
                j->rc = 4;
            for (int k = 0; k < 2; k++) {
                int n;
                while ((n = tl_bus_take(r[k], buf, 16, NULL)) > 0)
                    j->got[k] += n;
            }
        }
        if (j->rc == 0 && (j->got[0] != THREAD_SAMPLES || j->got[1] != THREAD_SAMPLES))
            j->rc = 5;
        /* one bus closed by hand, the other by the context */
        tl_bus_close(b[0]);
        tl_bus_ctx_destroy(ctx);
    }
    return NULL;
}

static void two_contexts_two_threads(void **state)
{
    struct thread_job job[2] = { { { 160, 161 }, { 0, 0 }, 0 }, { { 162, 163 }, { 0, 0 }, 0 } };
    pthread_t th[2];
    (void)state;
    assert_int_equal(tl_bus_wait(NULL, 0.0), TL_EINVAL);
    {
        struct tl_bus *b;
        struct tl_diag d = { 0 };
        assert_int_equal(tl_bus_open(NULL, 160, NULL, "x", &b, &d), TL_EINVAL);
        assert_non_null(strstr(d.message, "context"));
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &job[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 2; i++)
        if (job[i].rc != 0)
            fail_msg("thread %d failed at step %d (got %d and %d of %d)", i, job[i].rc,
                     job[i].got[0], job[i].got[1], THREAD_SAMPLES);
}

/* ---- wire version 2 ------------------------------------------------------------------------ */

static struct tl_msg_system full_system(int32_t no)
{
    struct tl_msg_system m;
    memset(&m, 0, sizeof m);
    snprintf(m.owner, sizeof m.owner, "US");
    m.system_no = no;
    m.t_ns = 1689123600000000000LL + no;
    for (int i = 0; i < 6; i++)
        m.x[i] = (i < 3 ? 3.0e6 : 1.0e3) + 0.1 * i;
    for (int i = 0; i < TL_NP; i++)
        m.p[i] = 1.0 / (i + 3);
    snprintf(m.contributors, sizeof m.contributors, "KR:%d,JP:4", (int)no);
    m.has_impact = 1;
    m.impact_lat_rad = 0.71;
    m.impact_lon_rad = 2.39;
    m.semi_major_m = 8123.25;
    m.semi_minor_m = 3001.5;
    m.impact_ns = m.t_ns + 287000000001LL;
    m.major_az_rad = -0.3;
    m.phase = 3;
    m.has_launch = 1;
    m.launch_ns = m.t_ns - 99000000007LL;
    m.launch_lat_rad = 0.68;
    m.launch_lon_rad = 2.19;
    m.launch_err_m = 1234.5;
    m.cls = -1;
    m.loft = 2;
    m.ended = 0;
    m.merged_into = 0;
    return m;
}

/* Takes from @p r until @p want messages of @p size bytes are in @p out (or 10 s pass). */
static int take_n(struct tl_bus_ctx *ctx, struct tl_bus_ep *r, void *out, size_t size, int want)
{
    const int64_t end = tl_wall_ns() + 10000000000LL;
    int got = 0;
    while (got < want && tl_wall_ns() < end) {
        int n;
        tl_bus_wait(ctx, 0.1);
        while (got < want && (n = tl_bus_take(r, (char *)out + (size_t)got * size, want - got,
                                              NULL)) > 0)
            got += n;
    }
    return got;
}

static void same_text(enum tl_msg_kind k, const void *a, const void *b)
{
    char ta[4096], tb[4096];
    tl_msg_canonical(k, a, ta, sizeof ta);
    tl_msg_canonical(k, b, tb, sizeof tb);
    if (strcmp(ta, tb) != 0)
        fail_msg("%s changed on the bus:\n  sent %s\n  got  %s", tl_msg_topic(k), ta, tb);
}

/* Every field of SystemTrack and Clock survives the wire (compared by canonical text, which
 * holds every field at full precision); an ended one goes with a dispose; a system track that
 * fails tl_msg_system_check is dropped by the reader. */
static void system_and_clock_round_trip(void **state)
{
    struct tl_bus_ctx *ctx;
    struct tl_bus *b;
    struct tl_bus_ep *ws, *rs, *wc, *rc;
    struct tl_msg_system sent[3], got[3];
    struct tl_msg_clock clk = { "KR", 1689123600000000000LL, 0, 12.5 }, clk_got[1];
    (void)state;
    assert_int_equal(tl_bus_ctx_create(&ctx, NULL), TL_OK);
    assert_int_equal(tl_bus_open(ctx, 164, NULL, "wire2", &b, NULL), TL_OK);
    assert_int_equal(tl_bus_writer(b, TL_MSG_SYSTEM_TRACK, "US", &ws, NULL), TL_OK);
    assert_int_equal(tl_bus_reader(b, TL_MSG_SYSTEM_TRACK, "US", &rs, NULL), TL_OK);
    assert_int_equal(tl_bus_writer(b, TL_MSG_CLOCK, "KR", &wc, NULL), TL_OK);
    assert_int_equal(tl_bus_reader(b, TL_MSG_CLOCK, "KR", &rc, NULL), TL_OK);
    assert_int_equal(tl_bus_wait_matched(ws, 1, 10.0), TL_OK);
    assert_int_equal(tl_bus_wait_matched(wc, 1, 10.0), TL_OK);
    sent[0] = full_system(1);
    sent[1] = full_system(2);
    sent[1].major_az_rad = NAN; /* none */
    sent[1].has_impact = 0;
    sent[1].cls = 3;
    sent[1].loft = 0;
    sent[2] = full_system(3);
    sent[2].ended = 1;
    sent[2].merged_into = 1;
    assert_int_equal(tl_bus_write(ws, &sent[0]), TL_OK);
    {
        struct tl_msg_system bad = full_system(9);
        bad.cls = -7; /* not a class: the reader drops it */
        assert_int_equal(tl_bus_write(ws, &bad), TL_OK);
    }
    assert_int_equal(tl_bus_write(ws, &sent[1]), TL_OK);
    assert_int_equal(tl_bus_write_dispose(ws, &sent[2]), TL_OK);
    assert_int_equal(take_n(ctx, rs, got, sizeof got[0], 3), 3);
    for (int i = 0; i < 3; i++) {
        /* instances come in any order */
        const struct tl_msg_system *g = NULL;
        for (int k = 0; k < 3; k++)
            if (got[k].system_no == sent[i].system_no)
                g = &got[k];
        if (g == NULL)
            fail_msg("system track %d did not arrive", (int)sent[i].system_no);
        same_text(TL_MSG_SYSTEM_TRACK, &sent[i], g);
        assert_int_equal(g->cls, sent[i].cls);
        assert_int_equal(g->ended, sent[i].ended);
        assert_int_equal(g->merged_into, sent[i].merged_into);
        assert_int_equal(g->impact_ns, sent[i].impact_ns);
        assert_int_equal(g->launch_ns, sent[i].launch_ns);
    }
    clk.wall_ns = tl_wall_ns();
    assert_int_equal(tl_bus_write(wc, &clk), TL_OK);
    assert_int_equal(take_n(ctx, rc, clk_got, sizeof clk_got[0], 1), 1);
    same_text(TL_MSG_CLOCK, &clk, &clk_got[0]);
    assert_string_equal(clk_got[0].nation, "KR");
    assert_int_equal(clk_got[0].wall_ns, clk.wall_ns);
    TL_ASSERT_NEAR(clk_got[0].speed, 12.5, 0.0);
    tl_bus_ctx_destroy(ctx); /* closes the bus too */
}

/* Warnings without security: what was written is taken back byte for byte, a 20 kB document
 * included; a bad one is dropped by the reader, what the wire cannot carry refused by the writer;
 * a reader that joins later gets every warning held (transient-local, one instance per CAP
 * message), at most TL_WARNING_TAKE_MAX per take. */
static void warning_round_trip(void **state)
{
    enum { N_LATE = 18 };
    struct tl_bus_ctx *ctx;
    struct tl_bus *b;
    struct tl_bus_ep *ww, *rw, *late;
    static char doc[N_LATE][20000];
    static struct tl_msg_warning got[N_LATE + 4];
    struct tl_msg_warning sent[N_LATE], bad;
    char *huge;
    int n, seen[N_LATE] = { 0 };
    (void)state;
    assert_int_equal(tl_bus_ctx_create(&ctx, NULL), TL_OK);
    assert_int_equal(tl_bus_open(ctx, 164, NULL, "warn", &b, NULL), TL_OK);
    assert_int_equal(tl_bus_writer(b, TL_MSG_WARNING, "JP.US", &ww, NULL), TL_OK);
    assert_int_equal(tl_bus_reader(b, TL_MSG_WARNING, "JP.US", &rw, NULL), TL_OK);
    assert_int_equal(tl_bus_wait_matched(ww, 1, 10.0), TL_OK);
    sent[0] = big_warning("JP", 0, doc[0], sizeof doc[0]);
    sent[1] = big_warning("JP", 1, doc[1], 300);
    bad = sent[1];
    strcpy(bad.identifier, "JP 2"); /* a space: not a CAP identifier */
    assert_int_equal(tl_bus_write(ww, &sent[0]), TL_OK);
    assert_int_equal(tl_bus_write(ww, &bad), TL_OK);
    assert_int_equal(tl_bus_write(ww, &sent[1]), TL_OK);
    /* what the wire's string<65536> cannot hold is not sent truncated */
    huge = malloc(TL_WARNING_CAP_MAX + 2);
    assert_non_null(huge);
    memset(huge, 'x', TL_WARNING_CAP_MAX + 1);
    huge[TL_WARNING_CAP_MAX + 1] = '\0';
    bad = sent[1];
    bad.cap_xml = huge;
    assert_int_equal(tl_bus_write(ww, &bad), TL_ERANGE);
    bad.cap_xml = NULL;
    assert_int_equal(tl_bus_write(ww, &bad), TL_EINVAL);
    free(huge);
    assert_int_equal(take_n(ctx, rw, got, sizeof got[0], 2), 2);
    for (int i = 0; i < 2; i++) {
        const char *why = warning_differs(&sent[i], &got[i]);
        if (why != NULL)
            fail_msg("warning %d changed on the bus: %s", i, why);
        assert_true(got[i].cap_xml != sent[i].cap_xml); /* the caller's own copy */
        assert_int_equal(strlen(got[i].cap_xml), i == 0 ? sizeof doc[0] - 1 : 299);
        tl_msg_warning_free(&got[i]);
    }
    /* nothing else came: the bad one was dropped */
    tl_bus_wait(ctx, 0.5);
    assert_int_equal(tl_bus_take(rw, got, N_LATE, NULL), 0);
    /* a late joiner gets all the warnings held, in takes of at most TL_WARNING_TAKE_MAX */
    for (int i = 2; i < N_LATE; i++) {
        sent[i] = big_warning("JP", i, doc[i], 1000 + 1000 * (size_t)i);
        assert_int_equal(tl_bus_write(ww, &sent[i]), TL_OK);
    }
    assert_int_equal(tl_bus_reader(b, TL_MSG_WARNING, "JP.US", &late, NULL), TL_OK);
    {
        const int64_t end = tl_wall_ns() + 10000000000LL;
        int total = 0;
        while (total < N_LATE && tl_wall_ns() < end) {
            tl_bus_wait(ctx, 0.1);
            while ((n = tl_bus_take(late, got, N_LATE + 4, NULL)) > 0) {
                if (n > TL_WARNING_TAKE_MAX)
                    fail_msg("one take returned %d warnings, above %d", n, TL_WARNING_TAKE_MAX);
                for (int i = 0; i < n; i++) {
                    const int no = got[i].system_no - 100;
                    const char *why;
                    if (no < 0 || no >= N_LATE || seen[no]++)
                        fail_msg("late joiner: unexpected or repeated warning %s",
                                 got[i].identifier);
                    if ((why = warning_differs(&sent[no], &got[i])) != NULL)
                        fail_msg("late joiner: warning %d changed: %s", no, why);
                    tl_msg_warning_free(&got[i]);
                }
                total += n;
            }
        }
        assert_int_equal(total, N_LATE);
    }
    tl_bus_ctx_destroy(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(security_grants_and_denials, make_dir, remove_dir),
        cmocka_unit_test(release_property_on_the_wire),
        cmocka_unit_test(two_contexts_two_threads),
        cmocka_unit_test(system_and_clock_round_trip),
        cmocka_unit_test(warning_round_trip),
    };
    return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}
