/* The node's real-time loop. One thread: wait on the bus, take, track, release, relay, fuse;
 * storage is queued to its own thread. */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trilink/assess.h"
#include "trilink/fuse.h"
#include "trilink/geo.h"
#include "trilink/node.h"
#include "trilink/pki.h"
#include "trilink/store.h"
#include "trilink/time.h"
#include "trilink/track.h"
#include "node_int.h"

#define RING 8192
#define MAX_OWN 4096
#define MAX_LAT 400000
#define MAX_PART 16
#define NS 1e-9

/* A partition this node writes to on a link: one of its release groups, or (hub) a relay route
 * (no group: only the relay writes there). */
struct route {
    char partition[24];
    int link;                       /* index in links */
    int is_group;
    struct tl_release_group group;
    struct tl_bus_ep *w_track, *w_assess;
};

/* A partition this node reads on a link. */
struct inbound {
    char partition[24];
    char origin[TL_NATION_LEN];
    char via[TL_NATION_LEN];       /* relaying hub expected, "" for direct */
    int link;
    int relay_to;                  /* route index to republish on (hub), -1 none */
    struct tl_bus_ep *r_track, *r_assess;
};

struct link {
    int partner;                   /* topology index */
    struct tl_bus *bus;
    struct tl_bus_ep *w_status, *r_status;
    int alive;
    long rx_status;
    int64_t anchored_ns;           /* wall time the partner's audit head was last recorded */
};

struct own {
    int id;
    double next_assess_t;
    int have_launch;
    struct tl_launch_est launch;
    int have_where;
    struct tl_release_where where;
};

struct node {
    const struct tl_node_cfg *cfg;
    int me;
    struct tl_bus_ctx *bus_ctx;
    struct tl_bus *nat;
    struct tl_bus_ep *r_meas, *r_clock, *w_system;
    int n_links;
    struct link links[TL_MAX_NATIONS];
    int n_routes;
    struct route routes[MAX_PART];
    int n_in;
    struct inbound in[MAX_PART];
    struct tl_tracker *tk;
    struct tl_tracker_cfg tcfg;
    struct tl_fuse *fu;
    struct tl_store *st;
    struct { double t_s; int sensor; int64_t wall_ns; } ring[RING];
    int ring_head;
    int n_own;
    struct own own[MAX_OWN];
    int32_t track_base;             /* own track numbers before a restart */
    struct tl__events ev;           /* the event log on stdout */
    char last_status[512];          /* the picture part of the last printed status */
    /* clock: scenario arrival time pinned to wall time by the feed */
    int64_t clk_scen_ns, clk_wall_ns;
    double clk_speed;
    /* summary */
    long received[TL_MAX_NATIONS], relayed_in[TL_MAX_NATIONS], relayed_out, sent, rejected;
    int64_t last_relayed_ns[TL_MAX_NATIONS]; /* scenario clock at the last relayed receipt */
    long meas, meas_rejected;
    int64_t first_launch_scen_ns, first_impact_scen_ns;
    double *lat_ms, *share_ms;
    long n_lat, n_share;
};

static int64_t scen_now(const struct node *n)
{
    if (n->clk_wall_ns == 0)
        return 0;
    return n->clk_scen_ns + (int64_t)((double)(tl_wall_ns() - n->clk_wall_ns) * n->clk_speed);
}

static struct own *own_slot(struct node *n, int id)
{
    for (int i = 0; i < n->n_own; i++)
        if (n->own[i].id == id)
            return &n->own[i];
    if (n->n_own == MAX_OWN) {
        memmove(&n->own[0], &n->own[1], (MAX_OWN - 1) * sizeof n->own[0]);
        n->n_own--;
    }
    memset(&n->own[n->n_own], 0, sizeof n->own[0]);
    tl__event(&n->ev, scen_now(n), "own track %d confirmed", (int)(n->track_base + id));
    n->own[n->n_own].id = id;
    n->own[n->n_own].next_assess_t = -INFINITY;
    n->own[n->n_own].where.launch_lat_rad = n->own[n->n_own].where.impact_lat_rad = NAN;
    return &n->own[n->n_own++];
}

/* ---- fused picture out -------------------------------------------------------------------- */

/* What the store keeps of a system track beyond the wire message. */
static struct tl_store_system_extra system_extra(const struct node *n, const struct tl_fused *s,
                                                 int status)
{
    struct tl_store_system_extra x;

    memset(&x, 0, sizeof x);
    x.scen_ns = scen_now(n);
    x.status = status;
    x.phase = tl__system_phase(s);
    x.has_launch = s->has_launch;
    x.launch_ns = s->launch_ns;
    x.launch_lat_rad = s->launch_lat_rad;
    x.launch_lon_rad = s->launch_lon_rad;
    x.launch_err_m = s->launch_err_m;
    x.impact_ns = s->has_impact ? (int64_t)llround(s->impact.t_s * 1e9) : 0;
    x.major_az_rad = s->has_impact ? s->impact.major_az_rad : NAN;
    x.apogee_m = s->has_impact ? s->impact.apogee_m : NAN;
    tl__system_class(s, &x.cls, &x.loft);
    return x;
}

static void publish_system(struct node *n, int32_t no)
{
    const struct tl_fused *s = tl_fuse_find(n->fu, no);
    struct tl_msg_system m;
    struct tl_store_system_extra x;

    if (s == NULL || s->t_ns == 0)
        return;
    memset(&m, 0, sizeof m);
    snprintf(m.owner, sizeof m.owner, "%s", n->cfg->nation);
    m.system_no = no;
    m.t_ns = s->t_ns;
    memcpy(m.x, s->x, sizeof m.x);
    memcpy(m.p, s->p, sizeof m.p);
    tl_fuse_contributors(s, m.contributors, sizeof m.contributors);
    if (s->has_impact) {
        m.has_impact = 1;
        m.impact_lat_rad = s->impact.point.lat_rad;
        m.impact_lon_rad = s->impact.point.lon_rad;
        m.semi_major_m = s->impact.semi_major_m;
        m.semi_minor_m = s->impact.semi_minor_m;
        if (n->first_impact_scen_ns == 0)
            n->first_impact_scen_ns = scen_now(n);
    }
    if (s->has_launch && n->first_launch_scen_ns == 0)
        n->first_launch_scen_ns = scen_now(n);
    if (n->w_system)
        tl_bus_write(n->w_system, &m);
    x = system_extra(n, s, TL_TRACK_CONFIRMED);
    tl_store_system(n->st, &m, &x);
    tl__events_system(&n->ev, s, x.scen_ns);
}

static void fuse_in(struct node *n, const struct tl_msg_track *m, int partner_data)
{
    int32_t no;
    int upd;

    if (tl_fuse_track(n->fu, m, &no, &upd) == TL_OK && no > 0) {
        const int64_t now = tl_wall_ns();
        if (upd && partner_data && m->meas_ns > 0 && n->n_lat < MAX_LAT)
            n->lat_ms[n->n_lat++] = (double)(now - m->meas_ns) / 1e6;
        if (upd && partner_data && m->pub_ns > 0 && n->n_share < MAX_LAT)
            n->share_ms[n->n_share++] = (double)(now - m->pub_ns) / 1e6;
        publish_system(n, no);
    }
}

/* ---- release ------------------------------------------------------------------------------ */

/* Publishes one message on every release group its policies let it into, and audits it. */
static void send(struct node *n, enum tl_msg_kind kind, void *msg, const struct tl_release_where *w)
{
    union {
        struct tl_msg_track t;
        struct tl_msg_assess a;
    } out;

    if (kind == TL_MSG_TRACK)
        ((struct tl_msg_track *)msg)->pub_ns = tl_wall_ns();
    else
        ((struct tl_msg_assess *)msg)->pub_ns = tl_wall_ns();
    for (int r = 0; r < n->n_routes; r++) {
        const struct route *rt = &n->routes[r];
        const int released = !rt->is_group ? 0
                             : kind == TL_MSG_TRACK
                                 ? tl_release_group_track(&rt->group, msg, w, &out.t)
                                 : tl_release_group_assess(&rt->group, msg, w, &out.a);
        if (released &&
            tl_bus_write(kind == TL_MSG_TRACK ? rt->w_track : rt->w_assess, &out) == TL_OK) {
            n->sent++;
            tl_store_audit(n->st, "sent", n->cfg->topo.nation[n->links[rt->link].partner],
                           rt->partition, kind, kind == TL_MSG_TRACK ? out.t.origin : out.a.origin,
                           kind == TL_MSG_TRACK ? out.t.track_no : out.a.track_no, &out);
        }
    }
}

/* ---- own tracks (the tracker's sink) ------------------------------------------------------ */

static void on_report(void *ctx, const struct tl_track_report *r)
{
    struct node *n = ctx;
    const struct tl_gauss *g = &r->state;
    const int64_t epoch = n->cfg->sensors.epoch_ns;
    struct tl_msg_track m;
    struct own *o;
    int sensor = -1;

    if (r->status == TL_TRACK_TENTATIVE)
        return;
    if (r->status == TL_TRACK_DELETED) {
        int known = 0;
        for (int i = 0; i < n->n_own; i++)
            known |= n->own[i].id == r->id;
        if (!known)
            return; /* a tentative track that never became news */
        tl__event(&n->ev, scen_now(n), "own track %d deleted", (int)(n->track_base + r->id));
    }
    o = own_slot(n, r->id);
    memset(&m, 0, sizeof m);
    snprintf(m.origin, sizeof m.origin, "%s", n->cfg->nation);
    m.track_no = n->track_base + r->id;
    m.status = (int)r->status;
    m.phase = (int)r->phase;
    m.t_ns = epoch + (int64_t)llround(g->t_s * 1e9);
    /* the report that made this update; a coasting report has none (no latency sample) */
    for (int i = 0; r->status == TL_TRACK_CONFIRMED && i < RING; i++) {
        const int k = (n->ring_head - 1 - i + 2 * RING) % RING;
        if (n->ring[k].wall_ns != 0 && n->ring[k].t_s == g->t_s) {
            m.meas_ns = n->ring[k].wall_ns;
            sensor = n->ring[k].sensor;
            break;
        }
    }
    memcpy(m.x, g->x, sizeof m.x);
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++)
            m.p[tl_ut6(i, j)] = 0.5 * (g->P[i][j] + g->P[j][i]);
    memcpy(m.accel, g->x + 6, sizeof m.accel);
    m.accel_sigma = sqrt(fmax((g->P[6][6] + g->P[7][7] + g->P[8][8]) / 3.0, 0.0));
    m.drag_k = fmax(g->x[9], 0.0);
    m.drag_k_sigma = sqrt(fmax(g->P[9][9], 0.0));
    if (sensor >= 0) {
        const struct tl_sensor *s = &n->cfg->sensors.s[sensor];
        snprintf(m.sensors, sizeof m.sensors, "%s", s->id);
        tl_geo_lla_to_ecef(&TL_WGS84, &s->site, m.sensor_ecef);
    }
    tl_store_track(n->st, "own", &m);
    fuse_in(n, &m, 0);
    send(n, TL_MSG_TRACK, &m, o->have_where ? &o->where : NULL);
    if (r->status != TL_TRACK_CONFIRMED || g->t_s < o->next_assess_t)
        return;
    o->next_assess_t = g->t_s + 2.0;
    if (!o->have_launch && r->first != NULL &&
        tl_assess_launch(&n->tcfg.earth, r->first, r->first_phase_boost, &o->launch) == TL_OK)
        o->have_launch = 1;
    {
        struct tl_impact_pred ip;
        struct tl_msg_assess a;
        double range = 0, std_range;
        int loft;
        if (tl_assess_impact(&n->tcfg.earth, g, &ip) != TL_OK)
            return;
        memset(&a, 0, sizeof a);
        snprintf(a.origin, sizeof a.origin, "%s", n->cfg->nation);
        a.track_no = m.track_no;
        a.t_ns = m.t_ns;
        a.meas_ns = m.meas_ns;
        if (o->have_launch) {
            a.has_launch = 1;
            a.launch_ns = epoch + (int64_t)llround(o->launch.t_s * 1e9);
            a.launch_lat_rad = o->launch.point.lat_rad;
            a.launch_lon_rad = o->launch.point.lon_rad;
            a.launch_err_m = o->launch.err_m;
            tl_geo_inverse(&TL_WGS84, o->launch.point.lat_rad, o->launch.point.lon_rad,
                           ip.point.lat_rad, ip.point.lon_rad, &range, NULL, NULL);
        }
        a.impact_ns = epoch + (int64_t)llround(ip.t_s * 1e9);
        a.impact_lat_rad = ip.point.lat_rad;
        a.impact_lon_rad = ip.point.lon_rad;
        a.semi_major_m = ip.semi_major_m;
        a.semi_minor_m = ip.semi_minor_m;
        a.major_az_rad = ip.major_az_rad;
        a.apogee_m = ip.apogee_m;
        a.cls = (int)tl_assess_class(&n->tcfg.earth, g->x, isnan(range) ? 0 : range, ip.apogee_m,
                                     &loft, &std_range);
        a.loft = loft > 0 ? 1 : loft < 0 ? 2 : 0;
        o->where.launch_lat_rad = a.has_launch ? a.launch_lat_rad : NAN;
        o->where.launch_lon_rad = a.launch_lon_rad;
        o->where.impact_lat_rad = a.impact_lat_rad;
        o->where.impact_lon_rad = a.impact_lon_rad;
        o->have_where = 1;
        tl_store_assess(n->st, "own", &a);
        tl_fuse_assess(n->fu, &a);
        send(n, TL_MSG_ASSESSMENT, &a, &o->where);
    }
}

/* ---- inbound ------------------------------------------------------------------------------ */

static void reject(struct node *n, const struct inbound *in, enum tl_msg_kind k, const void *m,
                   const char *origin, int32_t key, const char *why)
{
    n->rejected++;
    fprintf(stderr, "%s: rejected %s %s:%d on '%s': %s\n", n->cfg->nation, tl_msg_topic(k),
            origin, (int)key, in->partition, why);
    tl_store_audit(n->st, "rejected", n->cfg->topo.nation[n->links[in->link].partner],
                   in->partition, k, origin, key, m);
}

/* Provenance must match the partition the sample came on: the origin is the route's first
 * nation, and the relay is the hub of the route (or empty on a direct route). */
static const char *provenance_error(const struct inbound *in, const char *origin, const char *relay,
                                    int forward)
{
    if (strcmp(origin, in->origin) != 0)
        return "origin does not match the partition's originator";
    if (strcmp(relay, in->via) != 0)
        return "relay does not match the partition's route";
    if (in->via[0] != '\0' && !forward)
        return "relayed although not released for forwarding";
    return NULL;
}

/* The provenance and key of a received track or assessment. */
struct header {
    const char *origin;
    int32_t key;
    char *relay;
    size_t relay_size;
    int forward;
};

static struct header header_of(enum tl_msg_kind k, void *msg)
{
    struct header h;
    if (k == TL_MSG_TRACK) {
        struct tl_msg_track *m = msg;
        h = (struct header){ m->origin, m->track_no, m->relay, sizeof m->relay, m->forward };
    } else {
        struct tl_msg_assess *m = msg;
        h = (struct header){ m->origin, m->track_no, m->relay, sizeof m->relay, m->forward };
    }
    return h;
}

/* One sample from a partner: checked (provenance, then every field), counted, audited, stored,
 * fused; at the hub passed on when the originator released it onward. */
static void accept(struct node *n, struct inbound *in, enum tl_msg_kind k, void *msg)
{
    const struct header h = header_of(k, msg);
    const char *peer = n->cfg->topo.nation[n->links[in->link].partner];
    const int oi = tl_topology_index(&n->cfg->topo, in->origin);
    char why[200];
    const char *bad = provenance_error(in, h.origin, h.relay, h.forward);

    if (bad == NULL && (k == TL_MSG_TRACK ? tl_msg_track_check(msg, why, sizeof why)
                                          : tl_msg_assess_check(msg, why, sizeof why)) != TL_OK)
        bad = why;
    if (bad != NULL) {
        reject(n, in, k, msg, h.origin, h.key, bad);
        return;
    }
    n->received[oi]++;
    if (h.relay[0]) {
        n->relayed_in[oi]++;
        n->last_relayed_ns[oi] = scen_now(n);
    }
    tl_store_audit(n->st, "received", peer, in->partition, k, h.origin, h.key, msg);
    if (k == TL_MSG_TRACK) {
        tl_store_track(n->st, peer, msg);
        fuse_in(n, msg, 1);
    } else {
        tl_store_assess(n->st, peer, msg);
        tl_fuse_assess(n->fu, msg);
    }
    if (in->relay_to >= 0) { /* hub: pass on what the originator released onward */
        const struct route *rt = &n->routes[in->relay_to];
        snprintf(h.relay, h.relay_size, "%s", n->cfg->nation);
        if (tl_bus_write(k == TL_MSG_TRACK ? rt->w_track : rt->w_assess, msg) == TL_OK) {
            n->relayed_out++;
            tl_store_audit(n->st, "sent", n->cfg->topo.nation[n->links[rt->link].partner],
                           rt->partition, k, h.origin, h.key, msg);
        }
    }
}

static void take_inbound(struct node *n, struct inbound *in)
{
    static struct tl_msg_track tr[64];
    static struct tl_msg_assess as[64];
    long badv = 0;
    int k;

    while ((k = tl_bus_take(in->r_track, tr, 64, &badv)) > 0)
        for (int i = 0; i < k; i++)
            accept(n, in, TL_MSG_TRACK, &tr[i]);
    while ((k = tl_bus_take(in->r_assess, as, 64, &badv)) > 0)
        for (int i = 0; i < k; i++)
            accept(n, in, TL_MSG_ASSESSMENT, &as[i]);
    if (badv > 0) {
        n->rejected += badv;
        fprintf(stderr, "%s: rejected %ld samples of another wire version on '%s'\n",
                n->cfg->nation, badv, in->partition);
    }
}

/* The feed's clock: scenario time pinned to wall time. */
static void take_clock(struct node *n)
{
    struct tl_msg_clock c[4];
    int k;

    while ((k = tl_bus_take(n->r_clock, c, 4, NULL)) > 0)
        for (int i = 0; i < k; i++) {
            n->clk_scen_ns = c[i].scenario_ns;
            n->clk_wall_ns = c[i].wall_ns;
            n->clk_speed = c[i].speed > 0 ? c[i].speed : 1.0;
        }
}

static void take_meas(struct node *n)
{
    static struct tl_msg_meas mm[256];
    int k;

    while ((k = tl_bus_take(n->r_meas, mm, 256, NULL)) > 0) {
        for (int i = 0; i < k; i++) {
            const struct tl_msg_meas *x = &mm[i];
            struct tl_meas z;
            const int64_t epoch = n->cfg->sensors.epoch_ns;
            z.sensor = tl_sensor_find(&n->cfg->sensors, x->sensor);
            if (z.sensor < 0 || !isfinite(x->az_rad) || !isfinite(x->el_rad)) {
                n->meas_rejected++;
                fprintf(stderr, "%s: feed: report of sensor '%s' rejected (%s)\n", n->cfg->nation,
                        x->sensor, z.sensor < 0 ? "not one of this nation's sensors" : "no angles");
                continue;
            }
            z.t_s = (double)(x->t_ns - epoch) * NS;
            z.arrival_s = (double)(x->arrival_ns - epoch) * NS;
            z.range_m = x->range_m;
            z.az_rad = x->az_rad;
            z.el_rad = x->el_rad;
            z.rr_mps = x->rr_mps;
            z.object = -1;
            n->ring[n->ring_head].t_s = z.t_s;
            n->ring[n->ring_head].sensor = z.sensor;
            n->ring[n->ring_head].wall_ns = tl_wall_ns();
            /* the report's arrival time is now: the scenario clock follows the feed */
            n->clk_scen_ns = x->arrival_ns;
            n->clk_wall_ns = n->ring[n->ring_head].wall_ns;
            n->ring_head = (n->ring_head + 1) % RING;
            n->meas++;
            tl_tracker_add(n->tk, &z);
        }
    }
}

/* ---- set-up ------------------------------------------------------------------------------- */

/* A partition this node writes on link @p link: its track and assessment writers. */
static struct route *new_route(struct node *n, int link, const char *partition, struct tl_diag *diag)
{
    struct route *rt = &n->routes[n->n_routes];
    struct tl_bus *bus = n->links[link].bus;

    if (n->n_routes == MAX_PART)
        return NULL;
    memset(rt, 0, sizeof *rt);
    snprintf(rt->partition, sizeof rt->partition, "%.23s", partition);
    rt->link = link;
    if (tl_bus_writer(bus, TL_MSG_TRACK, rt->partition, &rt->w_track, diag) != TL_OK ||
        tl_bus_writer(bus, TL_MSG_ASSESSMENT, rt->partition, &rt->w_assess, diag) != TL_OK)
        return NULL;
    n->n_routes++;
    return rt;
}

/* One of this node's release groups. */
static int add_route(struct node *n, const struct tl_release_group *g, struct tl_diag *diag)
{
    struct route *rt;
    int link = -1;

    for (int i = 0; i < n->n_links; i++)
        if (n->links[i].partner == g->next)
            link = i;
    if (link < 0 || (rt = new_route(n, link, g->partition, diag)) == NULL)
        return TL_EIO;
    rt->is_group = 1;
    rt->group = *g;
    return TL_OK;
}

/* A relay route: data of @p origin written by me (the hub) to link @p link. Returns its index. */
static int add_relay_route(struct node *n, int link, const char *origin, struct tl_diag *diag)
{
    char part[24];
    tl_partition_name(part, sizeof part, origin, n->cfg->nation,
                      n->cfg->topo.nation[n->links[link].partner]);
    return new_route(n, link, part, diag) == NULL ? TL_EIO : n->n_routes - 1;
}

static int add_inbound(struct node *n, int link, const char *origin, const char *via,
                       const char *third, int relay_to, struct tl_diag *diag)
{
    struct inbound *in = &n->in[n->n_in];
    int rc;

    if (n->n_in == MAX_PART)
        return TL_ERANGE;
    memset(in, 0, sizeof *in);
    if (via[0])
        tl_partition_name(in->partition, sizeof in->partition, origin, via, n->cfg->nation);
    else
        tl_partition_name(in->partition, sizeof in->partition, origin, n->cfg->nation, third);
    snprintf(in->origin, sizeof in->origin, "%s", origin);
    snprintf(in->via, sizeof in->via, "%s", via);
    in->link = link;
    in->relay_to = relay_to;
    if ((rc = tl_bus_reader(n->links[link].bus, TL_MSG_TRACK, in->partition, &in->r_track, diag)) ||
        (rc = tl_bus_reader(n->links[link].bus, TL_MSG_ASSESSMENT, in->partition, &in->r_assess, diag)))
        return rc;
    n->n_in++;
    return TL_OK;
}

static int setup_links(struct node *n, struct tl_diag *diag)
{
    const struct tl_node_cfg *c = n->cfg;
    const struct tl_topology *t = &c->topo;
    const int me = n->me;
    int rc;

    for (int j = 0; j < t->n; j++) {
        struct link *l;
        char part[24];
        if (!tl_topology_linked(t, me, j))
            continue;
        l = &n->links[n->n_links];
        memset(l, 0, sizeof *l);
        l->partner = j;
        if ((rc = tl_bus_open(n->bus_ctx, tl_topology_link_domain(t, me, j),
                              c->security ? &c->sec : NULL, c->nation, &l->bus, diag)) != TL_OK)
            return rc;
        tl_partition_name(part, sizeof part, c->nation, t->nation[j], NULL);
        if ((rc = tl_bus_writer(l->bus, TL_MSG_STATUS, part, &l->w_status, diag)))
            return rc;
        tl_partition_name(part, sizeof part, t->nation[j], c->nation, NULL);
        if ((rc = tl_bus_reader(l->bus, TL_MSG_STATUS, part, &l->r_status, diag)))
            return rc;
        n->n_links++;
    }
    /* outbound: the release groups (tl_release_groups: own data to each linked partner with a
     * policy, onward groups through the hub) */
    {
        struct tl_release_group g[MAX_PART];
        const int ng = tl_release_groups(t, me, c->partner, c->n_partners, g, MAX_PART);
        for (int i = 0; i < ng; i++)
            if ((rc = add_route(n, &g[i], diag)) != TL_OK)
                return rc;
    }
    /* inbound: each partner's direct data; relayed data through the hub; at the hub, what a
     * partner released for onward sharing (relayed if configured) */
    for (int li = 0; li < n->n_links; li++) {
        const int j = n->links[li].partner;
        if ((rc = add_inbound(n, li, t->nation[j], "", NULL, -1, diag)))
            return rc;
        for (int k = 0; k < t->n; k++) {
            if (k == me || k == j)
                continue;
            if (j == t->hub && (rc = add_inbound(n, li, t->nation[k], t->nation[j], NULL, -1, diag)))
                return rc;
            if (me == t->hub) {
                int relay_to = -1;
                if (c->relay) {
                    for (int lk = 0; lk < n->n_links; lk++)
                        if (n->links[lk].partner == k &&
                            (relay_to = add_relay_route(n, lk, t->nation[j], diag)) < 0)
                            return relay_to;
                }
                if ((rc = add_inbound(n, li, t->nation[j], "", t->nation[k], relay_to, diag)))
                    return rc;
            }
        }
    }
    return TL_OK;
}

static void restore_cb(void *ctx, int32_t no, const char *contributors)
{
    if (strncmp(contributors, "merged", 6) != 0) /* a merged-away number stays retired */
        tl_fuse_restore(ctx, no, contributors);
}

/* System tracks that ended (predicted impact passed, or found to be another's object): say so
 * once, store their last row as deleted, and withdraw them from the picture on the bus. */
static void announce_ends(struct node *n)
{
    for (int i = 0; i < tl_fuse_count(n->fu); i++) {
        const struct tl_fused *s = tl_fuse_get(n->fu, i);
        struct tl_msg_system m;
        struct tl_store_system_extra x;
        if (!s->ended || s->t_ns == 0 || !tl__events_ended(&n->ev, s, scen_now(n)))
            continue;
        memset(&m, 0, sizeof m);
        snprintf(m.owner, sizeof m.owner, "%s", n->cfg->nation);
        m.system_no = s->system_no;
        m.t_ns = s->t_ns;
        memcpy(m.x, s->x, sizeof m.x);
        memcpy(m.p, s->p, sizeof m.p);
        if (s->merged_into != 0)
            snprintf(m.contributors, sizeof m.contributors, "merged into %d", (int)s->merged_into);
        else
            tl_fuse_contributors(s, m.contributors, sizeof m.contributors);
        if (n->w_system)
            tl_bus_write_dispose(n->w_system, &m);
        x = system_extra(n, s, TL_TRACK_DELETED);
        tl_store_system(n->st, &m, &x);
    }
}

/* ---- status and summary ------------------------------------------------------------------- */

static void send_status(struct node *n, int stopping)
{
    struct tl_msg_status s;
    memset(&s, 0, sizeof s);
    snprintf(s.nation, sizeof s.nation, "%s", n->cfg->nation);
    s.wall_ns = tl_wall_ns();
    s.scenario_ns = scen_now(n);
    s.tracks = n->n_own;
    s.system_tracks = tl_fuse_count(n->fu);
    tl_store_audit_head(n->st, &s.audit_seq, s.audit_head);
    s.stopping = stopping;
    for (int i = 0; i < n->n_links; i++)
        tl_bus_write(n->links[i].w_status, &s);
}

static void check_links(struct node *n)
{
    for (int i = 0; i < n->n_links; i++) {
        struct link *l = &n->links[i];
        struct tl_bus_health h;
        static struct tl_msg_status st[8];
        int k;
        while ((k = tl_bus_take(l->r_status, st, 8, NULL)) > 0) {
            l->rx_status += k;
            /* the partner's audit chain head, recorded here every 10 s: an anchor outside its
             * database, so entries removed from the end of its log can be shown */
            if (tl_wall_ns() - l->anchored_ns > 10000000000LL && st[k - 1].audit_seq > 0) {
                char part[24];
                tl_partition_name(part, sizeof part, n->cfg->topo.nation[l->partner],
                                  n->cfg->nation, NULL);
                tl_store_audit(n->st, "anchor", n->cfg->topo.nation[l->partner], part,
                               TL_MSG_STATUS, st[k - 1].nation, (int32_t)(st[k - 1].audit_seq % 2147483647),
                               &st[k - 1]);
                l->anchored_ns = tl_wall_ns();
            }
        }
        tl_bus_health(l->r_status, &h);
        if (h.alive > 0 && !l->alive)
            tl__event(&n->ev, scen_now(n), "link to %s up", n->cfg->topo.nation[l->partner]);
        if (h.alive == 0 && l->alive)
            tl__event(&n->ev, scen_now(n), "link to %s lost (no liveliness within 2.5 s)",
                      n->cfg->topo.nation[l->partner]);
        l->alive = h.alive > 0;
    }
}

/* A system track of the picture: it has an estimate and was not merged into another. */
static int held(const struct tl_fused *s)
{
    return s->t_ns != 0 && s->merged_into == 0;
}

static const struct tl_fused *main_system(const struct node *n)
{
    const struct tl_fused *best = NULL;
    for (int i = 0; i < tl_fuse_count(n->fu); i++) {
        const struct tl_fused *s = tl_fuse_get(n->fu, i);
        if (!held(s))
            continue;
        if (best == NULL || s->n_contrib > best->n_contrib ||
            (s->n_contrib == best->n_contrib && s->t_ns > best->t_ns))
            best = s;
    }
    return best;
}

/* The picture in one line, printed when it changed (not every few seconds with only the clock
 * moving): own tracks, live system tracks, the main one with its contributors, launch point and
 * impact point, then what was received from whom. @p force prints it anyway (at shutdown). */
static void print_status(struct node *n, int force)
{
    const struct tl_fused *s = main_system(n);
    const struct tl_topology *t = &n->cfg->topo;
    char contrib[128] = "-", pic[400], rx[160];
    int len, rlen = 0, live = 0;

    for (int i = 0; i < tl_fuse_count(n->fu); i++)
        live += held(tl_fuse_get(n->fu, i)) && !tl_fuse_get(n->fu, i)->ended;
    if (s)
        tl_fuse_contributors(s, contrib, sizeof contrib);
    len = snprintf(pic, sizeof pic, "own %d sys %d", n->n_own, live);
    if (s) {
        len += snprintf(pic + len, sizeof pic - (size_t)len, " | #%d [%s]", (int)s->system_no,
                        contrib);
        if (s->has_launch)
            len += snprintf(pic + len, sizeof pic - (size_t)len, " launch %.2f,%.2f ±%.1fkm",
                            tl_rad2deg(s->launch_lat_rad), tl_rad2deg(s->launch_lon_rad),
                            s->launch_err_m / 1e3);
        if (s->has_impact) {
            char ax[48];
            tl__fmt_axes(ax, sizeof ax, s->impact.semi_major_m, s->impact.semi_minor_m);
            snprintf(pic + len, sizeof pic - (size_t)len, " IPP %.2f,%.2f %s",
                     tl_rad2deg(s->impact.point.lat_rad), tl_rad2deg(s->impact.point.lon_rad), ax);
        }
    }
    if (!force && strcmp(pic, n->last_status) == 0)
        return;
    snprintf(n->last_status, sizeof n->last_status, "%s", pic);
    rx[0] = '\0';
    for (int i = 0; i < t->n; i++)
        if (i != n->me)
            rlen += snprintf(rx + rlen, sizeof rx - (size_t)rlen, " %s %ld%s", t->nation[i],
                             n->received[i], n->relayed_in[i] ? "(relayed)" : "");
    tl__event(&n->ev, n->clk_wall_ns ? scen_now(n) : 0, "%s | rx%s", pic, rx);
}

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* "name": {samples, median, p99, max} of @p v (sorted in place), or null. */
static void write_pcts(FILE *f, const char *name, double *v, long n)
{
    if (n == 0) {
        fprintf(f, " \"%s\": null,\n", name);
        return;
    }
    qsort(v, (size_t)n, sizeof v[0], cmp_d);
    fprintf(f, " \"%s\": {\"samples\": %ld, \"median\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n",
            name, n, v[n / 2], v[(long)floor(0.99 * (double)(n - 1))], v[n - 1]);
}

/* The fusion gain (tl_fuse_gain): median, mean, max of the ratios, and how often the fused
 * ellipse was at least as good as the best single nation's. */
static void write_gain(FILE *f, const struct tl_fuse *fu, const struct tl_fused *s)
{
    const double *r;
    const size_t n = tl_fuse_gain(fu, &r);
    double *v = n > 0 ? malloc(n * sizeof *v) : NULL, sum = 0;
    size_t le1 = 0;

    for (size_t i = 0; v != NULL && i < n; i++) {
        v[i] = r[i];
        sum += r[i];
        le1 += r[i] <= 1.0 + 1e-9;
    }
    if (v != NULL)
        qsort(v, n, sizeof v[0], cmp_d);
    fprintf(f, " \"fusion_gain\": {\"samples\": %zu, \"median_ratio\": %.4f, \"mean_ratio\": %.4f, "
               "\"max_ratio\": %.4f, \"fraction_at_least_as_good\": %.4f, "
               "\"last_best_single_semi_major_m\": %.1f, \"last_fused_semi_major_m\": %.1f},\n",
            v ? n : 0, v ? v[n / 2] : 0.0, v ? sum / (double)n : 0.0, v ? v[n - 1] : 0.0,
            v ? (double)le1 / (double)n : 0.0,
            s && s->n_single >= 2 ? s->best_single_semi_major_m : 0.0,
            s && s->n_single >= 2 ? s->fused_semi_major_m : 0.0);
    free(v);
}

/* Writes the summary JSON; TL_EIO (and a message) when it cannot. */
static int write_summary(struct node *n)
{
    const struct tl_topology *t = &n->cfg->topo;
    const struct tl_fused *s = main_system(n);
    FILE *f;
    int live = 0;
    struct tl_store_stats ss;

    if (n->cfg->summary[0] == '\0')
        return TL_OK;
    f = fopen(n->cfg->summary, "w");
    if (f == NULL) {
        fprintf(stderr, "%s: summary '%s': cannot write: %s\n", n->cfg->nation, n->cfg->summary,
                strerror(errno));
        return TL_EIO;
    }
    for (int i = 0; i < tl_fuse_count(n->fu); i++)
        live += held(tl_fuse_get(n->fu, i));
    tl_store_stats(n->st, &ss);
    fprintf(f, "{\"nation\": \"%s\", \"system_tracks\": %d, \"own_tracks\": %d,\n", n->cfg->nation,
            live, n->n_own);
    fprintf(f, " \"system_numbers\": [");
    for (int i = 0, c = 0; i < tl_fuse_count(n->fu); i++)
        if (held(tl_fuse_get(n->fu, i)))
            fprintf(f, "%s%d", c++ ? ", " : "", (int)tl_fuse_get(n->fu, i)->system_no);
    fprintf(f, "],\n");
    fprintf(f, " \"first_launch_point_ns\": %lld, \"first_impact_point_ns\": %lld,\n",
            (long long)n->first_launch_scen_ns, (long long)n->first_impact_scen_ns);
    fprintf(f, " \"received\": {");
    for (int i = 0, c = 0; i < t->n; i++)
        if (i != n->me)
            fprintf(f, "%s\"%s\": %ld", c++ ? ", " : "", t->nation[i], n->received[i]);
    fprintf(f, "},\n \"relayed\": {");
    for (int i = 0, c = 0; i < t->n; i++)
        if (i != n->me)
            fprintf(f, "%s\"%s\": %ld", c++ ? ", " : "", t->nation[i], n->relayed_in[i]);
    fprintf(f, "},\n \"last_relayed_ns\": {");
    for (int i = 0, c = 0; i < t->n; i++)
        if (i != n->me)
            fprintf(f, "%s\"%s\": %lld", c++ ? ", " : "", t->nation[i], (long long)n->last_relayed_ns[i]);
    fprintf(f, "},\n \"relayed_out\": %ld, \"sent\": %ld, \"rejected\": %ld, \"measurements\": %ld,\n",
            n->relayed_out, n->sent, n->rejected, n->meas);
    write_pcts(f, "latency_ms", n->lat_ms, n->n_lat);
    write_pcts(f, "share_latency_ms", n->share_ms, n->n_share);
    write_gain(f, n->fu, s);
    fprintf(f, " \"storage\": {\"queued\": %ld, \"committed\": %ld, \"dropped\": %ld, "
               "\"transactions\": %ld, \"max_commit_ms\": %.2f},\n",
            ss.queued, ss.committed, ss.dropped, ss.transactions, ss.max_commit_ms);
    if (s != NULL) {
        char contrib[128];
        tl_fuse_contributors(s, contrib, sizeof contrib);
        fprintf(f, " \"system_track\": {\"number\": %d, \"contributors\": \"%s\"", (int)s->system_no,
                contrib);
        if (s->has_launch)
            fprintf(f, ", \"launch\": {\"lat_deg\": %.6f, \"lon_deg\": %.6f, \"err_m\": %.1f, \"t_ns\": %lld}",
                    tl_rad2deg(s->launch_lat_rad), tl_rad2deg(s->launch_lon_rad), s->launch_err_m,
                    (long long)s->launch_ns);
        fprintf(f, "},\n");
        if (s->has_impact)
            fprintf(f, " \"impact\": {\"lat_deg\": %.6f, \"lon_deg\": %.6f, \"semi_major_m\": %.1f, "
                       "\"semi_minor_m\": %.1f, \"t_ns\": %lld}\n}\n",
                    tl_rad2deg(s->impact.point.lat_rad), tl_rad2deg(s->impact.point.lon_rad),
                    s->impact.semi_major_m, s->impact.semi_minor_m,
                    (long long)(s->impact.t_s * 1e9));
        else
            fprintf(f, " \"impact\": null\n}\n");
    } else {
        fprintf(f, " \"system_track\": null, \"impact\": null\n}\n");
    }
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "%s: summary '%s': write failed\n", n->cfg->nation, n->cfg->summary);
        return TL_EIO;
    }
    return TL_OK;
}

/* ---- run ---------------------------------------------------------------------------------- */

int tl_node_run(const struct tl_node_cfg *cfg, volatile sig_atomic_t *stop, struct tl_diag *diag)
{
    struct node *n = calloc(1, sizeof *n);
    struct tl_fuse_cfg fc = tl_fuse_cfg_default();
    int32_t max_no = 0;
    int rc;
    int64_t next_status = 0, next_print = 0;

    if (n == NULL || (n->lat_ms = malloc(MAX_LAT * sizeof *n->lat_ms)) == NULL ||
        (n->share_ms = malloc(MAX_LAT * sizeof *n->share_ms)) == NULL) {
        if (n != NULL)
            free(n->lat_ms);
        free(n);
        return TL_ENOMEM;
    }
    n->cfg = cfg;
    tl__events_init(&n->ev, stdout, cfg->nation, cfg->sensors.epoch_ns);
    n->me = tl_topology_index(&cfg->topo, cfg->nation);
    n->clk_speed = cfg->speed;
    if ((rc = tl_store_open(cfg->storage, &n->st, diag)) != TL_OK)
        goto out;
    {
        /* what `trilink store export` needs to turn the stored times back into the CSV's */
        char epoch[40];
        tl_time_format_iso8601(cfg->sensors.epoch_ns, 1, epoch, sizeof epoch);
        tl_store_set_meta(n->st, "nation", cfg->nation);
        tl_store_set_meta(n->st, "epoch", epoch);
    }
    tl_store_systems(n->st, NULL, NULL, &max_no);
    if ((rc = tl_fuse_create(&fc, cfg->nation, max_no + 1, &n->fu)) != TL_OK)
        goto out;
    tl_store_systems(n->st, restore_cb, n->fu, &max_no);
    tl_store_max_own_track(n->st, &n->track_base);
    if (max_no > 0 || n->track_base > 0)
        fprintf(stderr, "%s: restart: %d system track numbers restored from %s; own tracks "
                        "numbered from %d\n",
                cfg->nation, tl_fuse_count(n->fu), cfg->storage, (int)n->track_base + 1);
    n->tcfg = tl_tracker_cfg_default();
    n->tcfg.lag_s = cfg->lag_s;
    if (cfg->sensors.n > 0 &&
        (rc = tl_tracker_create(&n->tcfg, &cfg->sensors, on_report, n, &n->tk)) != TL_OK)
        goto out;
    if ((rc = tl_bus_ctx_create(&n->bus_ctx, diag)) ||
        (rc = tl_bus_open(n->bus_ctx, tl_topology_national_domain(&cfg->topo, n->me),
                          cfg->security ? &cfg->sec : NULL, cfg->nation, &n->nat, diag)) ||
        (rc = tl_bus_reader(n->nat, TL_MSG_MEASUREMENT, cfg->nation, &n->r_meas, diag)) ||
        (rc = tl_bus_reader(n->nat, TL_MSG_CLOCK, cfg->nation, &n->r_clock, diag)) ||
        (rc = tl_bus_writer(n->nat, TL_MSG_SYSTEM_TRACK, cfg->nation, &n->w_system, diag)))
        goto out;
    if ((rc = setup_links(n, diag)) != TL_OK)
        goto out;
    fprintf(stderr, "%s: node up: %d sensors, %d links, %d release groups out, %d in%s\n",
            cfg->nation, cfg->sensors.n, n->n_links, n->n_routes, n->n_in,
            cfg->security ? ", DDS Security on" : ", security OFF");
    while (!*stop) {
        const int64_t now = tl_wall_ns();
        tl_bus_wait(n->bus_ctx, 0.05);
        take_clock(n); /* taken even without sensors: an untaken sample keeps the wait awake */
        if (n->tk)
            take_meas(n);
        for (int i = 0; i < n->n_in; i++)
            take_inbound(n, &n->in[i]);
        if (now >= next_status) {
            send_status(n, 0);
            check_links(n);
            tl_fuse_expire(n->fu, scen_now(n));
            announce_ends(n);
            next_status = now + 500000000LL;
        }
        if (cfg->status_every_s > 0 && now >= next_print) {
            print_status(n, 0);
            next_print = now + (int64_t)(cfg->status_every_s * 1e9);
        }
    }
    if (n->tk)
        tl_tracker_flush(n->tk);
    send_status(n, 1);
    print_status(n, 1);
    rc = TL_OK;
out:
    for (int i = 0; i < n->n_links; i++)
        tl_bus_close(n->links[i].bus);
    tl_bus_close(n->nat);
    tl_bus_ctx_destroy(n->bus_ctx);
    tl_tracker_destroy(n->tk);
    if (n->st != NULL && n->fu != NULL && write_summary(n) != TL_OK && rc == TL_OK) {
        rc = TL_EIO;
        if (diag != NULL)
            snprintf(diag->message, sizeof diag->message, "summary '%.200s' not written",
                     cfg->summary);
    }
    tl_store_close(n->st);
    tl_fuse_destroy(n->fu);
    tl__events_fini(&n->ev);
    free(n->lat_ms);
    free(n->share_ms);
    free(n);
    return rc;
}
