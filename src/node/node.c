/* The node: the composition root. It builds the stage list, waits, lets the stages poll, dispatches
 * what they produce, ticks them and stops them. Everything a node does is done in a stage
 * (stages.c lists them); one thread runs them all, storage commits on its own thread. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trilink/node.h"
#include "trilink/share.h"
#include "stage_int.h"

int64_t tl__node_scen_now(const struct tl__node *n)
{
    if (n->clk_wall_ns == 0)
        return 0;
    return n->clk_scen_ns + (int64_t)((double)(tl_wall_ns() - n->clk_wall_ns) * n->clk_speed);
}

int tl__picture_holds(const struct tl_fused *s)
{
    return s->t_ns != 0 && s->merged_into == 0;
}

int tl__picture_prefer(const struct tl_fused *a, const struct tl_fused *b)
{
    return b == NULL || a->n_contrib > b->n_contrib ||
           (a->n_contrib == b->n_contrib && a->t_ns > b->t_ns);
}

const struct tl_fused *tl__picture_main(const struct tl__node *n)
{
    const struct tl_fused *best = n->have_best_ended ? &n->best_ended : NULL;

    for (int i = 0; n->picture != NULL && i < tl_fuse_count(n->picture); i++) {
        const struct tl_fused *s = tl_fuse_get(n->picture, i);
        if (tl__picture_holds(s) && tl__picture_prefer(s, best))
            best = s;
    }
    return best;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

#define EACH_STAGE_WITH(hook)                                                                     \
    for (int i_ = 0; i_ < n->n_stages; i_++)                                                      \
        if (n->stage[i_].started && n->stage[i_].ops->hook != NULL)

void tl__node_own_track(struct tl__node *n, const struct tl_msg_track *m,
                        const struct tl_release_where *w)
{
    EACH_STAGE_WITH(own_track) n->stage[i_].ops->own_track(n->stage[i_].self, m, w);
}

void tl__node_own_assess(struct tl__node *n, const struct tl_msg_assess *a,
                         const struct tl_release_where *w)
{
    EACH_STAGE_WITH(own_assess) n->stage[i_].ops->own_assess(n->stage[i_].self, a, w);
}

void tl__node_inbound(struct tl__node *n, const struct tl__inbound *in)
{
    EACH_STAGE_WITH(inbound) n->stage[i_].ops->inbound(n->stage[i_].self, in);
}

void tl__node_system(struct tl__node *n, const struct tl__system_update *u)
{
    EACH_STAGE_WITH(system) n->stage[i_].ops->system(n->stage[i_].self, u);
}

/* ---- life cycle --------------------------------------------------------------------------- */

/* Without a bus (a node of stub stages in a test), waiting is sleeping. */
static void sleep_wait(struct tl__node *n, double timeout_s)
{
    struct timespec ts;

    (void)n;
    ts.tv_sec = (time_t)timeout_s;
    ts.tv_nsec = (long)((timeout_s - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
}

int tl__node_init(struct tl__node *n, const struct tl_node_cfg *cfg,
                  const struct tl__stage_ops *const *ops, int n_ops)
{
    memset(n, 0, sizeof *n);
    if (n_ops > TL__NODE_MAX_STAGES)
        return TL_ERANGE;
    n->cfg = cfg;
    n->me = tl_topology_index(&cfg->topo, cfg->nation);
    n->clk_speed = cfg->speed > 0 ? cfg->speed : 1.0;
    n->wait = sleep_wait;
    tl__events_init(&n->ev, stdout, cfg->nation, cfg->sensors.epoch_ns);
    n->stats.lat_ms = malloc(TL__NODE_MAX_LAT * sizeof *n->stats.lat_ms);
    n->stats.share_ms = malloc(TL__NODE_MAX_LAT * sizeof *n->stats.share_ms);
    if (n->stats.lat_ms == NULL || n->stats.share_ms == NULL)
        goto nomem;
    for (int i = 0; i < n_ops; i++) {
        n->stage[i].ops = ops[i];
        if (ops[i]->size > 0 && (n->stage[i].self = calloc(1, ops[i]->size)) == NULL)
            goto nomem;
        n->n_stages = i + 1;
    }
    return TL_OK;
nomem:
    tl__node_fini(n);
    return TL_ENOMEM;
}

void tl__node_fini(struct tl__node *n)
{
    for (int i = n->n_stages - 1; i >= 0; i--) {
        if (n->stage[i].started && n->stage[i].ops->destroy != NULL)
            n->stage[i].ops->destroy(n->stage[i].self);
        n->stage[i].started = 0;
        free(n->stage[i].self);
        n->stage[i].self = NULL;
    }
    n->n_stages = 0;
    free(n->stats.lat_ms);
    free(n->stats.share_ms);
    n->stats.lat_ms = n->stats.share_ms = NULL;
    tl__events_fini(&n->ev);
}

int tl__node_loop(struct tl__node *n, volatile sig_atomic_t *stop, struct tl_diag *diag)
{
    int rc = TL_OK;

    for (int i = 0; i < n->n_stages; i++) {
        const struct tl__stage_ops *o = n->stage[i].ops;
        /* started before start() runs: a stage may dispatch to itself while it starts */
        n->stage[i].started = 1;
        if (o->start != NULL && (rc = o->start(n->stage[i].self, n, diag)) != TL_OK) {
            /* its own start failed: it cleaned up after itself */
            n->stage[i].started = 0;
            return rc;
        }
    }
    while (!*stop) {
        const int64_t now = tl_wall_ns();
        n->wait(n, 0.05);
        EACH_STAGE_WITH(poll) n->stage[i_].ops->poll(n->stage[i_].self);
        EACH_STAGE_WITH(tick) n->stage[i_].ops->tick(n->stage[i_].self, now);
    }
    EACH_STAGE_WITH(stop)
    {
        struct tl_diag d;
        int r;
        memset(&d, 0, sizeof d);
        if ((r = n->stage[i_].ops->stop(n->stage[i_].self, &d)) != TL_OK && rc == TL_OK) {
            rc = r;
            if (diag != NULL)
                *diag = d;
        }
    }
    return rc;
}

int tl_node_run(const struct tl_node_cfg *cfg, volatile sig_atomic_t *stop, struct tl_diag *diag)
{
    struct tl__node *n = malloc(sizeof *n);
    int rc;

    if (n == NULL)
        return TL_ENOMEM;
    if ((rc = tl__node_init(n, cfg, tl__node_stages, tl__node_n_stages)) == TL_OK)
        rc = tl__node_loop(n, stop, diag);
    tl__node_fini(n);
    free(n);
    return rc;
}
