/* The domain stage: this node's participant on its national domain (n->nat), where its sensors'
 * feed arrives and its common picture is published, and the wait on all the node's readers. */
#include "trilink/share.h"
#include "stage_int.h"

struct domain {
    struct tl__node *n;
};

static void bus_wait(struct tl__node *n, double timeout_s)
{
    (void)n;
    tl_bus_wait(timeout_s);
}

static int domain_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct domain *s = self;
    const struct tl_node_cfg *c = n->cfg;

    s->n = n;
    n->wait = bus_wait;
    return tl_bus_open(tl_topology_national_domain(&c->topo, n->me), c->security ? &c->sec : NULL,
                       c->nation, &n->nat, diag);
}

static void domain_destroy(void *self)
{
    struct domain *s = self;

    tl_bus_close(s->n->nat);
    s->n->nat = NULL;
}

const struct tl__stage_ops tl__stage_domain = {
    .name = "domain",
    .size = sizeof(struct domain),
    .start = domain_start,
    .destroy = domain_destroy,
};
