/* The domain stage: this node's bus context (the wait on all its readers) and its participant on
 * its national domain (n->nat), where its sensors' feed arrives and its common picture is
 * published; and the feed's clock (Clock topic), which pins scenario time to wall time. */
#include "trilink/share.h"
#include "stage_int.h"

struct domain {
    struct tl__node *n;
    struct tl_bus_ep *r_clock;
    struct tl_msg_clock take[4];
};

static void bus_wait(struct tl__node *n, double timeout_s)
{
    tl_bus_wait(n->bus_ctx, timeout_s);
}

static void domain_destroy(void *self);

static int domain_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct domain *s = self;
    const struct tl_node_cfg *c = n->cfg;
    int rc;

    s->n = n;
    if ((rc = tl_bus_ctx_create(&n->bus_ctx, diag)) != TL_OK)
        return rc;
    if ((rc = tl_bus_open(n->bus_ctx, tl_topology_national_domain(&c->topo, n->me),
                          c->security ? &c->sec : NULL, c->nation, &n->nat, diag)) != TL_OK ||
        (rc = tl_bus_reader(n->nat, TL_MSG_CLOCK, c->nation, &s->r_clock, diag)) != TL_OK) {
        domain_destroy(s);
        return rc;
    }
    n->wait = bus_wait;
    return TL_OK;
}

/* Taken even on a node without sensors: an untaken sample would keep the wait awake. */
static void domain_poll(void *self)
{
    struct domain *s = self;
    int k;

    while ((k = tl_bus_take(s->r_clock, s->take, 4, NULL)) > 0)
        for (int i = 0; i < k; i++) {
            s->n->clk_scen_ns = s->take[i].scenario_ns;
            s->n->clk_wall_ns = s->take[i].wall_ns;
            s->n->clk_speed = s->take[i].speed > 0 ? s->take[i].speed : 1.0;
        }
}

/* Last of the bus users to go (it is second in the list): every bus of the context is closed. */
static void domain_destroy(void *self)
{
    struct domain *s = self;

    tl_bus_close(s->n->nat);
    s->n->nat = NULL;
    tl_bus_ctx_destroy(s->n->bus_ctx);
    s->n->bus_ctx = NULL;
}

const struct tl__stage_ops tl__stage_domain = {
    .name = "domain",
    .size = sizeof(struct domain),
    .start = domain_start,
    .poll = domain_poll,
    .destroy = domain_destroy,
};
