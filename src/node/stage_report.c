/* The report stage: what the watch officer reads on the node's stdout. The event log says each
 * change of a system track once (new, launch point, impact point, class, burnout, reentry,
 * contributors, end); the status line gives the picture in one line when it changed. It owns the
 * `status_every_s` key of the configuration. */
#include <stdio.h>
#include <string.h>

#include "trilink/fuse.h"
#include "trilink/geo.h"
#include "stage_int.h"

struct report {
    struct tl__node *n;
    char last_status[512];          /* the picture part of the last printed status */
    int64_t next_print_ns;
};

static const char *const report_keys[] = { "status_every_s", NULL };

static int report_configure(const struct tl__ynode *root, const char *file, struct tl_node_cfg *cfg,
                            struct tl_diag *diag)
{
    int rc;

    (void)file;
    cfg->status_every_s = 2.0;
    rc = tl__yget_num(root, "", "status_every_s", 0, 0, 3600, &cfg->status_every_s, diag);
    return rc == TL_ENOTFOUND ? TL_OK : rc;
}

static int report_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct report *s = self;
    const struct tl_node_cfg *c = n->cfg;

    (void)diag;
    s->n = n;
    fprintf(stderr, "%s: node up: %d sensors, %d links, %d release groups out, %d in%s\n",
            c->nation, c->sensors.n, n->n_links, n->stats.routes_out, n->stats.partitions_in,
            c->security ? ", DDS Security on" : ", security OFF");
    return TL_OK;
}

static void report_system(void *self, const struct tl__system_update *u)
{
    struct report *s = self;

    if (u->msg->ended)
        tl__events_ended(&s->n->ev, u->sys, u->extra->scen_ns);
    else
        tl__events_system(&s->n->ev, u->sys, u->extra->scen_ns);
}

/* The picture in one line, printed when it changed (not every few seconds with only the clock
 * moving): own tracks, live system tracks, the main one with its contributors, launch point and
 * impact point, then what was received from whom. @p force prints it anyway (at shutdown). */
static void print_status(struct report *r, int force)
{
    struct tl__node *n = r->n;
    const struct tl_fused *s = tl__picture_main(n);
    const struct tl_topology *t = &n->cfg->topo;
    char contrib[128] = "-", pic[400], rx[160];
    int len, rlen = 0, live = 0;

    for (int i = 0; n->picture != NULL && i < tl_fuse_count(n->picture); i++)
        live += tl__picture_holds(tl_fuse_get(n->picture, i)) && !tl_fuse_get(n->picture, i)->ended;
    if (s)
        tl_fuse_contributors(s, contrib, sizeof contrib);
    len = snprintf(pic, sizeof pic, "own %d sys %d", n->stats.own_tracks, live);
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
    if (!force && strcmp(pic, r->last_status) == 0)
        return;
    snprintf(r->last_status, sizeof r->last_status, "%s", pic);
    rx[0] = '\0';
    for (int i = 0; i < t->n; i++)
        if (i != n->me)
            rlen += snprintf(rx + rlen, sizeof rx - (size_t)rlen, " %s %ld%s", t->nation[i],
                             n->stats.received[i], n->stats.relayed_in[i] ? "(relayed)" : "");
    tl__event(&n->ev, n->clk_wall_ns ? tl__node_scen_now(n) : 0, "%s | rx%s",
              pic, rx);
}

static void report_tick(void *self, int64_t wall_ns)
{
    struct report *s = self;

    if (s->n->cfg->status_every_s <= 0 || wall_ns < s->next_print_ns)
        return;
    print_status(s, 0);
    s->next_print_ns = wall_ns + (int64_t)(s->n->cfg->status_every_s * 1e9);
}

static int report_stop(void *self, struct tl_diag *diag)
{
    (void)diag;
    print_status(self, 1);
    return TL_OK;
}

const struct tl__stage_ops tl__stage_report = {
    .name = "report",
    .size = sizeof(struct report),
    .keys = report_keys,
    .configure = report_configure,
    .start = report_start,
    .system = report_system,
    .tick = report_tick,
    .stop = report_stop,
};
