/* The relay stage (the hub, with `relay: true`): what a partner released for onward sharing to a
 * third nation is republished to that nation's link, marked with this node as the relay, and
 * audited. It owns the `relay` key of the configuration. */
#include <stdio.h>
#include <string.h>

#include "trilink/share.h"
#include "trilink/store.h"
#include "stage_int.h"

/* One relay route: data of @p origin written by this hub to the link of @p third. */
struct relay_route {
    int origin, third;             /* topology indices */
    int link;                      /* index in n->links */
    char partition[24];
    struct tl_bus_ep *w_track, *w_assess;
};

struct relay {
    struct tl__node *n;
    int n_routes;
    struct relay_route route[TL_MAX_NATIONS * TL_MAX_NATIONS];
};

static const char *const relay_keys[] = { "relay", NULL };

static int relay_configure(const struct tl__ynode *root, const char *file, struct tl_node_cfg *cfg,
                           struct tl_diag *diag)
{
    const struct tl__ynode *n = tl__ymap_get(root, "relay");

    (void)file;
    if (n == NULL)
        return TL_OK;
    if (n->kind != TL__YSCALAR || (strcmp(n->scalar, "true") && strcmp(n->scalar, "false")))
        return tl__ydiag(diag, n->line, "relay", "expected true or false");
    cfg->relay = strcmp(n->scalar, "true") == 0;
    if (cfg->relay && tl_topology_index(&cfg->topo, cfg->nation) != cfg->topo.hub)
        return tl__ydiag(diag, n->line, "relay", "only the hub (%s) relays",
                         cfg->topo.hub >= 0 ? cfg->topo.nation[cfg->topo.hub] : "none: mesh");
    return TL_OK;
}

static int relay_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct relay *s = self;
    const struct tl_topology *t = &n->cfg->topo;

    s->n = n;
    if (!n->cfg->relay || n->me != t->hub)
        return TL_OK;
    for (int li = 0; li < n->n_links; li++)
        for (int lk = 0; lk < n->n_links; lk++) {
            struct relay_route *rt = &s->route[s->n_routes];
            if (lk == li)
                continue;
            memset(rt, 0, sizeof *rt);
            rt->origin = n->links[li].partner;
            rt->third = n->links[lk].partner;
            rt->link = lk;
            tl_partition_name(rt->partition, sizeof rt->partition, t->nation[rt->origin],
                              n->cfg->nation, t->nation[rt->third]);
            if (tl_bus_writer(n->links[lk].bus, TL_MSG_TRACK, rt->partition, &rt->w_track, diag) ||
                tl_bus_writer(n->links[lk].bus, TL_MSG_ASSESSMENT, rt->partition, &rt->w_assess, diag))
                return TL_EIO;
            s->n_routes++;
        }
    n->stats.routes_out += s->n_routes;
    return TL_OK;
}

static void relay_inbound(void *self, const struct tl__inbound *in)
{
    struct relay *s = self;
    struct tl__node *n = s->n;
    union {
        struct tl_msg_track t;
        struct tl_msg_assess a;
    } out;
    const char *origin;
    int32_t key;

    if (in->third < 0)
        return;
    for (int r = 0; r < s->n_routes; r++) {
        const struct relay_route *rt = &s->route[r];
        if (rt->origin != in->origin || rt->third != in->third)
            continue;
        if (in->kind == TL_MSG_TRACK) {
            out.t = *(const struct tl_msg_track *)in->msg;
            snprintf(out.t.relay, sizeof out.t.relay, "%s", n->cfg->nation);
            origin = out.t.origin;
            key = out.t.track_no;
        } else {
            out.a = *(const struct tl_msg_assess *)in->msg;
            snprintf(out.a.relay, sizeof out.a.relay, "%s", n->cfg->nation);
            origin = out.a.origin;
            key = out.a.track_no;
        }
        if (tl_bus_write(in->kind == TL_MSG_TRACK ? rt->w_track : rt->w_assess, &out) == TL_OK) {
            n->stats.relayed_out++;
            tl_store_audit(n->st, "sent", n->cfg->topo.nation[rt->third], rt->partition, in->kind,
                           origin, key, &out);
        }
    }
}

const struct tl__stage_ops tl__stage_relay = {
    .name = "relay",
    .size = sizeof(struct relay),
    .keys = relay_keys,
    .configure = relay_configure,
    .start = relay_start,
    .inbound = relay_inbound,
};
