/* The links stage: one participant per linked partner's domain (n->links), the NodeStatus
 * exchanged on each (liveliness, the partner's audit head anchored here), and the partitions this
 * node reads: each partner's direct data, relayed data through the hub, and at the hub what a
 * partner released for onward sharing. Every received sample is checked (provenance, then every
 * field), counted, audited and dispatched; a failed one is rejected and audited. */
#include <stdio.h>
#include <string.h>

#include "trilink/share.h"
#include "trilink/store.h"
#include "stage_int.h"

#define MAX_IN 16
#define STATUS_EVERY_NS 500000000LL
#define ANCHOR_EVERY_NS 10000000000LL
#define TAKE 64

/* A partition this node reads on a link. */
struct inbound_partition {
    char partition[24];
    char origin[TL_NATION_LEN];
    char via[TL_NATION_LEN];       /* relaying hub expected, "" for direct */
    int link;                      /* index in n->links */
    int third;                     /* hub: the nation it was released onward to, else -1 */
    struct tl_bus_ep *r_track, *r_assess;
};

struct link_state {
    struct tl_bus_ep *w_status, *r_status;
    int alive;
    long rx_status;
    int64_t anchored_ns;           /* wall time the partner's audit head was last recorded */
};

struct links {
    struct tl__node *n;
    struct link_state link[TL_MAX_NATIONS];
    int n_in;
    struct inbound_partition in[MAX_IN];
    int64_t next_status_ns;
    struct tl_msg_track take_track[TAKE];
    struct tl_msg_assess take_assess[TAKE];
    struct tl_msg_status take_status[8];
};

/* ---- set-up ------------------------------------------------------------------------------- */

static int add_inbound(struct links *s, int link, const char *origin, const char *via, int third,
                       struct tl_diag *diag)
{
    struct tl__node *n = s->n;
    struct inbound_partition *in = &s->in[s->n_in];
    int rc;

    if (s->n_in == MAX_IN)
        return TL_ERANGE;
    memset(in, 0, sizeof *in);
    if (via[0])
        tl_partition_name(in->partition, sizeof in->partition, origin, via, n->cfg->nation);
    else
        tl_partition_name(in->partition, sizeof in->partition, origin, n->cfg->nation,
                          third >= 0 ? n->cfg->topo.nation[third] : NULL);
    snprintf(in->origin, sizeof in->origin, "%s", origin);
    snprintf(in->via, sizeof in->via, "%s", via);
    in->link = link;
    in->third = third;
    if ((rc = tl_bus_reader(n->links[link].bus, TL_MSG_TRACK, in->partition, &in->r_track, diag)) ||
        (rc = tl_bus_reader(n->links[link].bus, TL_MSG_ASSESSMENT, in->partition, &in->r_assess,
                            diag)))
        return rc;
    s->n_in++;
    return TL_OK;
}

static int open_link(struct links *s, int partner, struct tl_diag *diag)
{
    struct tl__node *n = s->n;
    const struct tl_node_cfg *c = n->cfg;
    struct tl_bus_link *l = &n->links[n->n_links];
    struct link_state *ls = &s->link[n->n_links];
    char part[24];
    int rc;

    memset(l, 0, sizeof *l);
    memset(ls, 0, sizeof *ls);
    l->partner = partner;
    if ((rc = tl_bus_open(n->bus_ctx, tl_topology_link_domain(&c->topo, n->me, partner),
                          c->security ? &c->sec : NULL, c->nation, &l->bus, diag)) != TL_OK)
        return rc;
    n->n_links++;
    tl_partition_name(part, sizeof part, c->nation, c->topo.nation[partner], NULL);
    if ((rc = tl_bus_writer(l->bus, TL_MSG_STATUS, part, &ls->w_status, diag)))
        return rc;
    tl_partition_name(part, sizeof part, c->topo.nation[partner], c->nation, NULL);
    return tl_bus_reader(l->bus, TL_MSG_STATUS, part, &ls->r_status, diag);
}

static void links_destroy(void *self);

static int links_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct links *s = self;
    const struct tl_topology *t = &n->cfg->topo;
    int rc = TL_OK;

    s->n = n;
    for (int j = 0; j < t->n && rc == TL_OK; j++)
        if (tl_topology_linked(t, n->me, j))
            rc = open_link(s, j, diag);
    for (int li = 0; li < n->n_links && rc == TL_OK; li++) {
        const int j = n->links[li].partner;
        rc = add_inbound(s, li, t->nation[j], "", -1, diag);
        for (int k = 0; k < t->n && rc == TL_OK; k++) {
            if (k == n->me || k == j)
                continue;
            if (j == t->hub)
                rc = add_inbound(s, li, t->nation[k], t->nation[j], -1, diag);
            if (n->me == t->hub && rc == TL_OK)
                rc = add_inbound(s, li, t->nation[j], "", k, diag);
        }
    }
    if (rc != TL_OK)
        links_destroy(s);
    n->stats.partitions_in = s->n_in;
    return rc;
}

static void links_destroy(void *self)
{
    struct links *s = self;

    for (int i = 0; i < s->n->n_links; i++)
        tl_bus_close(s->n->links[i].bus);
    s->n->n_links = 0;
}

/* ---- inbound ------------------------------------------------------------------------------ */

/* The provenance and key of a received track or assessment. */
struct header {
    const char *origin;
    int32_t key;
    const char *relay;
    int forward;
};

static struct header header_of(enum tl_msg_kind k, const void *msg)
{
    if (k == TL_MSG_TRACK) {
        const struct tl_msg_track *m = msg;
        return (struct header){ m->origin, m->track_no, m->relay, m->forward };
    } else {
        const struct tl_msg_assess *m = msg;
        return (struct header){ m->origin, m->track_no, m->relay, m->forward };
    }
}

/* Provenance must match the partition the sample came on: the origin is the route's first
 * nation, and the relay is the hub of the route (or empty on a direct route). */
static const char *provenance_error(const struct inbound_partition *in, const struct header *h)
{
    if (strcmp(h->origin, in->origin) != 0)
        return "origin does not match the partition's originator";
    if (strcmp(h->relay, in->via) != 0)
        return "relay does not match the partition's route";
    if (in->via[0] != '\0' && !h->forward)
        return "relayed although not released for forwarding";
    return NULL;
}

static void receive(struct links *s, const struct inbound_partition *in, enum tl_msg_kind k,
                    const void *msg)
{
    struct tl__node *n = s->n;
    const struct header h = header_of(k, msg);
    const char *peer = n->cfg->topo.nation[n->links[in->link].partner];
    const int oi = tl_topology_index(&n->cfg->topo, in->origin);
    char why[200];
    const char *bad = provenance_error(in, &h);
    struct tl__inbound ev;

    if (bad == NULL && (k == TL_MSG_TRACK ? tl_msg_track_check(msg, why, sizeof why)
                                          : tl_msg_assess_check(msg, why, sizeof why)) != TL_OK)
        bad = why;
    if (bad != NULL) {
        n->stats.rejected++;
        fprintf(stderr, "%s: rejected %s %s:%d on '%s': %s\n", n->cfg->nation, tl_msg_topic(k),
                h.origin, (int)h.key, in->partition, bad);
        tl_store_audit(n->st, "rejected", peer, in->partition, k, h.origin, h.key, msg);
        return;
    }
    n->stats.received[oi]++;
    if (h.relay[0]) {
        n->stats.relayed_in[oi]++;
        n->stats.last_relayed_ns[oi] = tl__node_scen_now(n);
    }
    tl_store_audit(n->st, "received", peer, in->partition, k, h.origin, h.key, msg);
    ev = (struct tl__inbound){ k, msg, peer, in->partition, oi, in->third };
    tl__node_inbound(n, &ev);
}

static void take_partition(struct links *s, const struct inbound_partition *in)
{
    long badv = 0;
    int k;

    while ((k = tl_bus_take(in->r_track, s->take_track, TAKE, &badv)) > 0)
        for (int i = 0; i < k; i++)
            receive(s, in, TL_MSG_TRACK, &s->take_track[i]);
    while ((k = tl_bus_take(in->r_assess, s->take_assess, TAKE, &badv)) > 0)
        for (int i = 0; i < k; i++)
            receive(s, in, TL_MSG_ASSESSMENT, &s->take_assess[i]);
    if (badv > 0) {
        s->n->stats.rejected += badv;
        fprintf(stderr, "%s: rejected %ld samples of another wire version on '%s'\n",
                s->n->cfg->nation, badv, in->partition);
    }
}

static void links_poll(void *self)
{
    struct links *s = self;

    for (int i = 0; i < s->n_in; i++)
        take_partition(s, &s->in[i]);
}

/* ---- status ------------------------------------------------------------------------------- */

static void send_status(struct links *s, int stopping)
{
    struct tl__node *n = s->n;
    struct tl_msg_status st;

    memset(&st, 0, sizeof st);
    snprintf(st.nation, sizeof st.nation, "%s", n->cfg->nation);
    st.wall_ns = tl_wall_ns();
    st.scenario_ns = tl__node_scen_now(n);
    st.tracks = n->stats.own_tracks;
    st.system_tracks = (int32_t)((n->picture ? tl_fuse_count(n->picture) : 0) + n->n_ended);
    tl_store_audit_head(n->st, &st.audit_seq, st.audit_head);
    st.stopping = stopping;
    for (int i = 0; i < n->n_links; i++)
        tl_bus_write(s->link[i].w_status, &st);
}

/* The partner's audit chain head, recorded here every 10 s: an anchor outside its database, so
 * entries removed from the end of its log can be shown. */
static void anchor(struct links *s, int i, const struct tl_msg_status *st)
{
    struct tl__node *n = s->n;
    const char *partner = n->cfg->topo.nation[n->links[i].partner];
    char part[24];

    if (tl_wall_ns() - s->link[i].anchored_ns <= ANCHOR_EVERY_NS || st->audit_seq <= 0)
        return;
    tl_partition_name(part, sizeof part, partner, n->cfg->nation, NULL);
    tl_store_audit(n->st, "anchor", partner, part, TL_MSG_STATUS, st->nation,
                   (int32_t)(st->audit_seq % 2147483647), st);
    s->link[i].anchored_ns = tl_wall_ns();
}

static void check_links(struct links *s)
{
    struct tl__node *n = s->n;

    for (int i = 0; i < n->n_links; i++) {
        struct link_state *l = &s->link[i];
        const char *partner = n->cfg->topo.nation[n->links[i].partner];
        struct tl_bus_health h;
        int k;
        while ((k = tl_bus_take(l->r_status, s->take_status, 8, NULL)) > 0) {
            l->rx_status += k;
            anchor(s, i, &s->take_status[k - 1]);
        }
        tl_bus_health(l->r_status, &h);
        if (h.alive > 0 && !l->alive)
            tl__event(&n->ev, tl__node_scen_now(n), "link to %s up", partner);
        if (h.alive == 0 && l->alive)
            tl__event(&n->ev, tl__node_scen_now(n), "link to %s lost (no liveliness within 2.5 s)",
                      partner);
        l->alive = h.alive > 0;
    }
}

static void links_tick(void *self, int64_t wall_ns)
{
    struct links *s = self;

    if (wall_ns < s->next_status_ns)
        return;
    send_status(s, 0);
    check_links(s);
    s->next_status_ns = wall_ns + STATUS_EVERY_NS;
}

static int links_stop(void *self, struct tl_diag *diag)
{
    (void)diag;
    send_status(self, 1);
    return TL_OK;
}

const struct tl__stage_ops tl__stage_links = {
    .name = "links",
    .size = sizeof(struct links),
    .start = links_start,
    .poll = links_poll,
    .tick = links_tick,
    .stop = links_stop,
    .destroy = links_destroy,
};
