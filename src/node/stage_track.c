/* The tracking stage: this nation's sensor reports from the national domain into the tracker; each
 * own track update out as a Track message, and every 2 s of track time an Assessment (launch point,
 * impact point and ellipse, class). Both are dispatched to the other stages (store, fuse, release). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/assess.h"
#include "trilink/fuse.h"
#include "trilink/geo.h"
#include "trilink/track.h"
#include "stage_int.h"

#define RING 8192       /* recent reports: which one made a track update (latency reference) */
#define MAX_OWN 4096
#define ASSESS_EVERY_S 2.0
#define NS 1e-9

/* What the stage keeps of one own track between its updates. */
struct own_track_state {
    int id;
    double next_assess_t;
    struct tl_launch_keeper launch;
    double apogee_kept_m;
    int have_where;
    struct tl_release_where where;
};

struct tracking {
    struct tl__node *n;
    struct tl_tracker *tk;
    struct tl_tracker_cfg tcfg;
    struct tl_bus_ep *r_meas;
    struct { double t_s; int sensor; int64_t wall_ns; } ring[RING];
    int ring_head;
    int n_own;
    struct own_track_state own[MAX_OWN];
    int32_t track_base;             /* own track numbers before a restart */
    struct tl_msg_meas take[256];
};

static const char *const track_keys[] = { "lag_s", NULL };

static int track_configure(const struct tl__ynode *root, const char *file, struct tl_node_cfg *cfg,
                           struct tl_diag *diag)
{
    int rc;

    (void)file;
    cfg->lag_s = 1.0;
    rc = tl__yget_num(root, "", "lag_s", 0, 0, 30, &cfg->lag_s, diag);
    return rc == TL_ENOTFOUND ? TL_OK : rc;
}

static struct own_track_state *own_state(struct tracking *s, int id)
{
    struct tl__node *n = s->n;
    struct own_track_state *o;

    for (int i = 0; i < s->n_own; i++)
        if (s->own[i].id == id)
            return &s->own[i];
    if (s->n_own == MAX_OWN) {
        memmove(&s->own[0], &s->own[1], (MAX_OWN - 1) * sizeof s->own[0]);
        s->n_own--;
    }
    o = &s->own[s->n_own++];
    memset(o, 0, sizeof *o);
    tl__event(&n->ev, tl__node_scen_now(n), "own track %d confirmed", (int)(s->track_base + id));
    o->id = id;
    o->next_assess_t = -INFINITY;
    o->where.launch_lat_rad = o->where.impact_lat_rad = NAN;
    n->stats.own_tracks = s->n_own;
    return o;
}

/* The wall time and sensor of the report that made an update at @p t_s; none for a coast. */
static int report_of(const struct tracking *s, double t_s, int64_t *wall_ns)
{
    for (int i = 0; i < RING; i++) {
        const int k = (s->ring_head - 1 - i + 2 * RING) % RING;
        if (s->ring[k].wall_ns != 0 && s->ring[k].t_s == t_s) {
            *wall_ns = s->ring[k].wall_ns;
            return s->ring[k].sensor;
        }
    }
    return -1;
}

static void track_message(struct tracking *s, const struct tl_track_report *r, struct tl_msg_track *m)
{
    const struct tl_node_cfg *cfg = s->n->cfg;
    const struct tl_gauss *g = &r->state;
    double P6[6][6];
    int sensor = -1;

    memset(m, 0, sizeof *m);
    snprintf(m->origin, sizeof m->origin, "%s", cfg->nation);
    m->track_no = s->track_base + r->id;
    m->status = (int)r->status;
    m->phase = (int)r->phase;
    m->t_ns = cfg->sensors.epoch_ns + (int64_t)llround(g->t_s * 1e9);
    if (r->status == TL_TRACK_CONFIRMED)
        sensor = report_of(s, g->t_s, &m->meas_ns);
    memcpy(m->x, g->x, sizeof m->x);
    for (int i = 0; i < 6; i++)
        memcpy(P6[i], g->P[i], sizeof P6[i]);
    tl_full_to_p21(P6, m->p);
    memcpy(m->accel, g->x + 6, sizeof m->accel);
    m->accel_sigma = sqrt(fmax((g->P[6][6] + g->P[7][7] + g->P[8][8]) / 3.0, 0.0));
    m->drag_k = fmax(g->x[9], 0.0);
    m->drag_k_sigma = sqrt(fmax(g->P[9][9], 0.0));
    if (sensor >= 0) {
        const struct tl_sensor *z = &cfg->sensors.s[sensor];
        snprintf(m->sensors, sizeof m->sensors, "%s", z->id);
        tl_geo_lla_to_ecef(&TL_WGS84, &z->site, m->sensor_ecef);
    }
}

/* The assessment of an own track at its update @p m: impact point, ellipse and class, and the
 * launch point once estimated. Returns 0 when the impact cannot be predicted. */
static int assess(struct tracking *s, const struct tl_track_report *r, struct own_track_state *o,
                  const struct tl_msg_track *m, struct tl_msg_assess *a)
{
    const struct tl_earth *earth = &s->tcfg.earth;
    const int64_t epoch = s->n->cfg->sensors.epoch_ns;
    struct tl_impact_pred ip;
    double range = 0, std_range;
    int loft;

    tl_assess_launch_keep(earth, &s->n->cfg->sensors, &o->launch, r);
    if (tl_assess_impact(earth, &r->state, &ip) != TL_OK)
        return 0;
    memset(a, 0, sizeof *a);
    snprintf(a->origin, sizeof a->origin, "%s", m->origin);
    a->track_no = m->track_no;
    a->t_ns = m->t_ns;
    a->meas_ns = m->meas_ns;
    if (o->launch.have) {
        a->has_launch = 1;
        a->launch_ns = epoch + (int64_t)llround(o->launch.est.t_s * 1e9);
        a->launch_lat_rad = o->launch.est.point.lat_rad;
        a->launch_lon_rad = o->launch.est.point.lon_rad;
        a->launch_err_m = o->launch.est.err_m;
        tl_geo_inverse(&TL_WGS84, o->launch.est.point.lat_rad, o->launch.est.point.lon_rad,
                       ip.point.lat_rad, ip.point.lon_rad, &range, NULL, NULL);
    }
    a->impact_ns = epoch + (int64_t)llround(ip.t_s * 1e9);
    a->impact_lat_rad = ip.point.lat_rad;
    a->impact_lon_rad = ip.point.lon_rad;
    a->semi_major_m = ip.semi_major_m;
    a->semi_minor_m = ip.semi_minor_m;
    a->major_az_rad = ip.major_az_rad;
    a->apogee_m = tl_assess_apogee_keep(earth, &r->state, ip.apogee_m, &o->apogee_kept_m);
    a->cls = (int)tl_assess_class(earth, r->state.x, isnan(range) ? 0 : range, ip.apogee_m, &loft,
                                  &std_range);
    a->loft = tl_msg_loft_of(loft);
    o->where.launch_lat_rad = a->has_launch ? a->launch_lat_rad : NAN;
    o->where.launch_lon_rad = a->launch_lon_rad;
    o->where.impact_lat_rad = a->impact_lat_rad;
    o->where.impact_lon_rad = a->impact_lon_rad;
    o->have_where = 1;
    return 1;
}

/* The tracker's sink. */
static void on_report(void *ctx, const struct tl_track_report *r)
{
    struct tracking *s = ctx;
    struct tl__node *n = s->n;
    struct tl_msg_track m;
    struct tl_msg_assess a;
    struct own_track_state *o;

    if (r->status == TL_TRACK_TENTATIVE)
        return;
    if (r->status == TL_TRACK_DELETED) {
        int known = 0;
        for (int i = 0; i < s->n_own; i++)
            known |= s->own[i].id == r->id;
        if (!known)
            return; /* a tentative track that never became news */
        tl__event(&n->ev, tl__node_scen_now(n), "own track %d deleted",
                  (int)(s->track_base + r->id));
    }
    o = own_state(s, r->id);
    track_message(s, r, &m);
    tl__node_own_track(n, &m, o->have_where ? &o->where : NULL);
    if (r->status != TL_TRACK_CONFIRMED || r->state.t_s < o->next_assess_t)
        return;
    o->next_assess_t = r->state.t_s + ASSESS_EVERY_S;
    if (assess(s, r, o, &m, &a))
        tl__node_own_assess(n, &a, &o->where);
}

static int track_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct tracking *s = self;
    int rc;

    s->n = n;
    tl_store_max_own_track(n->st, &s->track_base);
    n->stats.own_track_base = s->track_base;
    s->tcfg = tl_tracker_cfg_default();
    s->tcfg.lag_s = n->cfg->lag_s;
    if (n->cfg->sensors.n == 0)
        return TL_OK; /* a node without sensors of its own: fusion and relay only */
    if ((rc = tl_tracker_create(&s->tcfg, &n->cfg->sensors, on_report, s, &s->tk)) != TL_OK ||
        (rc = tl_bus_reader(n->nat, TL_MSG_MEASUREMENT, n->cfg->nation, &s->r_meas, diag)) != TL_OK) {
        tl_tracker_destroy(s->tk);
        s->tk = NULL;
        return rc;
    }
    return TL_OK;
}

/* One report from the feed into the tracker (the scenario clock follows its arrival). */
static void add_report(struct tracking *s, const struct tl_msg_meas *x)
{
    struct tl__node *n = s->n;
    const int64_t epoch = n->cfg->sensors.epoch_ns;
    struct tl_meas z;

    z.sensor = tl_sensor_find(&n->cfg->sensors, x->sensor);
    if (z.sensor < 0 || !isfinite(x->az_rad) || !isfinite(x->el_rad)) {
        n->stats.meas_rejected++;
        fprintf(stderr, "%s: feed: report of sensor '%s' rejected (%s)\n", n->cfg->nation,
                x->sensor, z.sensor < 0 ? "not one of this nation's sensors" : "no angles");
        return;
    }
    z.t_s = (double)(x->t_ns - epoch) * NS;
    z.arrival_s = (double)(x->arrival_ns - epoch) * NS;
    z.range_m = x->range_m;
    z.az_rad = x->az_rad;
    z.el_rad = x->el_rad;
    z.rr_mps = x->rr_mps;
    z.object = -1;
    s->ring[s->ring_head].t_s = z.t_s;
    s->ring[s->ring_head].sensor = z.sensor;
    s->ring[s->ring_head].wall_ns = tl_wall_ns();
    n->clk_scen_ns = x->arrival_ns;
    n->clk_wall_ns = s->ring[s->ring_head].wall_ns;
    s->ring_head = (s->ring_head + 1) % RING;
    n->stats.meas++;
    tl_tracker_add(s->tk, &z);
}

static void track_poll(void *self)
{
    struct tracking *s = self;
    int k;

    if (s->tk == NULL)
        return;
    while ((k = tl_bus_take(s->r_meas, s->take, 256, NULL)) > 0)
        for (int i = 0; i < k; i++)
            add_report(s, &s->take[i]);
}

static int track_stop(void *self, struct tl_diag *diag)
{
    struct tracking *s = self;

    (void)diag;
    if (s->tk != NULL)
        tl_tracker_flush(s->tk);
    return TL_OK;
}

static void track_destroy(void *self)
{
    struct tracking *s = self;

    tl_tracker_destroy(s->tk);
    s->tk = NULL;
}

const struct tl__stage_ops tl__stage_tracking = {
    .name = "tracking",
    .size = sizeof(struct tracking),
    .keys = track_keys,
    .configure = track_configure,
    .start = track_start,
    .poll = track_poll,
    .stop = track_stop,
    .destroy = track_destroy,
};
