/* The release stage: this node's own tracks and assessments published on each release group (its
 * data to each linked partner with a policy, and onward through the hub), each message first
 * shaped by the group's policies (tl_release_group_*), every publication audited. It owns the
 * `partners` block of the configuration (the release policies). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trilink/geo.h"
#include "trilink/share.h"
#include "trilink/store.h"
#include "stage_int.h"

#define MAX_GROUPS 16

/* ---- configuration: the release policies -------------------------------------------------- */

static int str_list(const struct tl__ynode *seq, const char *path, char out[][TL_NATION_LEN],
                    int max, int *n, struct tl_diag *diag)
{
    *n = 0;
    if (seq->kind != TL__YSEQ)
        return tl__ydiag(diag, seq->line, path, "expected a list");
    for (size_t i = 0; i < seq->n; i++) {
        const struct tl__ynode *it = seq->item[i];
        if (it->kind != TL__YSCALAR || strlen(it->scalar) >= TL_NATION_LEN || *n == max)
            return tl__ydiag(diag, it->line, path, "'%s' is not a nation code (at most %d)",
                             it->kind == TL__YSCALAR ? it->scalar : "?", max);
        snprintf(out[(*n)++], TL_NATION_LEN, "%s", it->scalar);
    }
    return TL_OK;
}

static int parse_area(const struct tl__ynode *a, const char *path, struct tl_area *area,
                      struct tl_diag *diag)
{
    static const char *const keys[] = { "name", "polygon", NULL };
    const struct tl__ynode *poly;
    char p2[256];
    int rc;

    if ((rc = tl__ycheck_map(a, path, keys, diag)) != TL_OK)
        return rc;
    memset(area, 0, sizeof *area);
    tl__yget_str(a, path, "name", 0, area->name, sizeof area->name, diag);
    poly = tl__ymap_get(a, "polygon");
    snprintf(p2, sizeof p2, "%s.polygon", path);
    if (poly == NULL || poly->kind != TL__YSEQ || poly->n < 3 || poly->n > TL_MAX_AREA_POINTS)
        return tl__ydiag(diag, poly ? poly->line : a->line, p2,
                         "expected a list of 3 to %d [lat_deg, lon_deg] points", TL_MAX_AREA_POINTS);
    for (size_t i = 0; i < poly->n; i++) {
        const struct tl__ynode *pt = poly->item[i];
        double lat, lon;
        if (pt->kind != TL__YSEQ || pt->n != 2 || pt->item[0]->kind != TL__YSCALAR ||
            pt->item[1]->kind != TL__YSCALAR || tl__parse_num(pt->item[0]->scalar, &lat) ||
            tl__parse_num(pt->item[1]->scalar, &lon) || fabs(lat) > 90 || fabs(lon) > 360)
            return tl__ydiag(diag, pt->line, p2, "point %zu: expected [lat_deg, lon_deg] in range",
                             i + 1);
        area->lat_rad[area->n] = tl_deg2rad(lat);
        area->lon_rad[area->n] = tl_deg2rad(lon);
        area->n++;
    }
    return TL_OK;
}

static int parse_partner(const struct tl__ynode *m, const char *path, const struct tl_node_cfg *cfg,
                         struct tl_release_policy *p, struct tl_diag *diag)
{
    static const char *const keys[] = { "nation", "release", "withhold", "coarsen_position_m",
                                        "coarsen_velocity_mps", "areas", "forward", NULL };
    const struct tl__ynode *n;
    char p2[160];
    int rc;

    if ((rc = tl__ycheck_map(m, path, keys, diag)) != TL_OK)
        return rc;
    memset(p, 0, sizeof *p);
    if ((rc = tl__yget_str(m, path, "nation", 1, p->partner, sizeof p->partner, diag)) != TL_OK)
        return rc;
    if (tl_topology_index(&cfg->topo, p->partner) < 0 || strcmp(p->partner, cfg->nation) == 0)
        return tl__ydiag(diag, tl__ymap_key_line(m, "nation"), path,
                         "nation: '%s' is not a partner in the coalition", p->partner);
    p->kinds = TL_RELEASE_TRACKS | TL_RELEASE_ASSESSMENTS;
    if ((n = tl__ymap_get(m, "release")) != NULL) {
        snprintf(p2, sizeof p2, "%s.release", path);
        if (n->kind != TL__YSEQ)
            return tl__ydiag(diag, n->line, p2, "expected a list of tracks, assessments");
        p->kinds = 0;
        for (size_t i = 0; i < n->n; i++) {
            const char *v = n->item[i]->kind == TL__YSCALAR ? n->item[i]->scalar : "?";
            if (strcmp(v, "tracks") == 0)
                p->kinds |= TL_RELEASE_TRACKS;
            else if (strcmp(v, "assessments") == 0)
                p->kinds |= TL_RELEASE_ASSESSMENTS;
            else
                return tl__ydiag(diag, n->item[i]->line, p2,
                                 "'%s' is not a kind (tracks, assessments)", v);
        }
    }
    if ((n = tl__ymap_get(m, "withhold")) != NULL) {
        snprintf(p2, sizeof p2, "%s.withhold", path);
        if (n->kind != TL__YSEQ)
            return tl__ydiag(diag, n->line, p2, "expected a list of sensor_ids, sensor_position");
        for (size_t i = 0; i < n->n; i++) {
            const char *v = n->item[i]->kind == TL__YSCALAR ? n->item[i]->scalar : "?";
            if (strcmp(v, "sensor_ids") == 0)
                p->withhold_sensors = 1;
            else if (strcmp(v, "sensor_position") == 0)
                p->withhold_sensor_position = 1;
            else
                return tl__ydiag(diag, n->item[i]->line, p2,
                                 "'%s' is not a field that can be withheld (sensor_ids, "
                                 "sensor_position)", v);
        }
    }
    rc = tl__yget_num(m, path, "coarsen_position_m", 0, 0, 1e6, &p->coarsen_pos_m, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    rc = tl__yget_num(m, path, "coarsen_velocity_mps", 0, 0, 1e4, &p->coarsen_vel_mps, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    if ((n = tl__ymap_get(m, "areas")) != NULL) {
        snprintf(p2, sizeof p2, "%s.areas", path);
        if (n->kind != TL__YSEQ || n->n > TL_MAX_AREAS)
            return tl__ydiag(diag, n->line, p2, "expected a list of at most %d areas", TL_MAX_AREAS);
        for (size_t i = 0; i < n->n; i++) {
            char p3[192];
            snprintf(p3, sizeof p3, "%s[%zu]", p2, i);
            if ((rc = parse_area(n->item[i], p3, &p->area[p->n_areas++], diag)) != TL_OK)
                return rc;
        }
    }
    if ((n = tl__ymap_get(m, "forward")) != NULL) {
        snprintf(p2, sizeof p2, "%s.forward", path);
        if ((rc = str_list(n, p2, p->forward, TL_MAX_NATIONS, &p->n_forward, diag)) != TL_OK)
            return rc;
        for (int i = 0; i < p->n_forward; i++) {
            if (tl_topology_index(&cfg->topo, p->forward[i]) < 0)
                return tl__ydiag(diag, n->line, p2, "'%s' is not in the coalition", p->forward[i]);
            if (strcmp(p->forward[i], cfg->nation) == 0 || strcmp(p->forward[i], p->partner) == 0)
                return tl__ydiag(diag, n->line, p2,
                                 "'%s': forwarding goes to a third nation, not to %s itself",
                                 p->forward[i], strcmp(p->forward[i], cfg->nation) == 0
                                                    ? "this nation"
                                                    : "the partner");
        }
    }
    return TL_OK;
}

static const char *const release_keys[] = { "partners", NULL };

static int release_configure(const struct tl__ynode *root, const char *file, struct tl_node_cfg *cfg,
                             struct tl_diag *diag)
{
    const struct tl__ynode *n = tl__ymap_get(root, "partners");
    int rc;

    (void)file;
    if (n == NULL)
        return TL_OK;
    if (n->kind != TL__YSEQ || n->n > TL_MAX_NATIONS)
        return tl__ydiag(diag, n->line, "partners", "expected a list of partner policies");
    for (size_t i = 0; i < n->n; i++) {
        char p2[64];
        snprintf(p2, sizeof p2, "partners[%zu]", i);
        if ((rc = parse_partner(n->item[i], p2, cfg, &cfg->partner[cfg->n_partners], diag)) != TL_OK)
            return rc;
        for (int j = 0; j < cfg->n_partners; j++)
            if (strcmp(cfg->partner[j].partner, cfg->partner[cfg->n_partners].partner) == 0)
                return tl__ydiag(diag, n->item[i]->line, p2, "nation '%s' given twice",
                                 cfg->partner[j].partner);
        cfg->n_partners++;
    }
    return TL_OK;
}

/* ---- the stage ---------------------------------------------------------------------------- */

/* A release group and the writers of its partition on its link. */
struct group_route {
    struct tl_release_group group;
    int link;                       /* index in n->links */
    struct tl_bus_ep *w_track, *w_assess;
};

struct release {
    struct tl__node *n;
    int n_routes;
    struct group_route route[MAX_GROUPS];
};

static int release_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct release *s = self;
    const struct tl_node_cfg *c = n->cfg;
    struct tl_release_group g[MAX_GROUPS];
    const int ng = tl_release_groups(&c->topo, n->me, c->partner, c->n_partners, g, MAX_GROUPS);

    s->n = n;
    for (int i = 0; i < ng; i++) {
        struct group_route *rt = &s->route[s->n_routes];
        struct tl_bus *bus = NULL;
        memset(rt, 0, sizeof *rt);
        rt->group = g[i];
        for (int l = 0; l < n->n_links; l++)
            if (n->links[l].partner == g[i].next) {
                rt->link = l;
                bus = n->links[l].bus;
            }
        if (bus == NULL ||
            tl_bus_writer(bus, TL_MSG_TRACK, rt->group.partition, &rt->w_track, diag) != TL_OK ||
            tl_bus_writer(bus, TL_MSG_ASSESSMENT, rt->group.partition, &rt->w_assess, diag) != TL_OK)
            return TL_EIO;
        s->n_routes++;
    }
    n->stats.routes_out += s->n_routes;
    return TL_OK;
}

/* Publishes one message on every release group its policies let it into, and audits it. */
static void publish(struct release *s, enum tl_msg_kind kind, const void *msg,
                    const struct tl_release_where *w)
{
    struct tl__node *n = s->n;
    union {
        struct tl_msg_track t;
        struct tl_msg_assess a;
    } in, out;

    /* stamped at publication: the partners' share latency starts here */
    if (kind == TL_MSG_TRACK) {
        in.t = *(const struct tl_msg_track *)msg;
        in.t.pub_ns = tl_wall_ns();
    } else {
        in.a = *(const struct tl_msg_assess *)msg;
        in.a.pub_ns = tl_wall_ns();
    }
    for (int r = 0; r < s->n_routes; r++) {
        const struct group_route *rt = &s->route[r];
        const int released = kind == TL_MSG_TRACK
                                 ? tl_release_group_track(&rt->group, &in.t, w, &out.t)
                                 : tl_release_group_assess(&rt->group, &in.a, w, &out.a);
        if (released &&
            tl_bus_write(kind == TL_MSG_TRACK ? rt->w_track : rt->w_assess, &out) == TL_OK) {
            n->stats.sent++;
            tl_store_audit(n->st, "sent", n->cfg->topo.nation[n->links[rt->link].partner],
                           rt->group.partition, kind,
                           kind == TL_MSG_TRACK ? out.t.origin : out.a.origin,
                           kind == TL_MSG_TRACK ? out.t.track_no : out.a.track_no, &out);
        }
    }
}

static void release_own_track(void *self, const struct tl_msg_track *m, const struct tl_release_where *w)
{
    publish(self, TL_MSG_TRACK, m, w);
}

static void release_own_assess(void *self, const struct tl_msg_assess *a,
                               const struct tl_release_where *w)
{
    publish(self, TL_MSG_ASSESSMENT, a, w);
}

const struct tl__stage_ops tl__stage_release = {
    .name = "release",
    .size = sizeof(struct release),
    .keys = release_keys,
    .configure = release_configure,
    .start = release_start,
    .own_track = release_own_track,
    .own_assess = release_own_assess,
};
