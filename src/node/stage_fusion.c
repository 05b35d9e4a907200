/* The fusion stage: own and partners' tracks and assessments fused into one common picture with
 * stable system track numbers (restored from the store after a restart). Each changed system
 * track is published on the national domain and dispatched to the other stages; a system track
 * that ended (predicted impact passed, or found to be another's object) is published once more as
 * ended, withdrawn from the bus and dispatched. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trilink/fuse.h"
#include "trilink/share.h"
#include "trilink/store.h"
#include "stage_int.h"

#define EXPIRE_EVERY_NS 500000000LL

struct fusion {
    struct tl__node *n;
    struct tl_fuse *fu;
    struct tl_bus_ep *w_system;
    int64_t next_expire_ns;
};

/* What the store keeps of a system track beyond the wire message. */
static struct tl_store_system_extra system_extra(const struct tl__node *n, const struct tl_fused *s,
                                                 int status)
{
    struct tl_store_system_extra x;

    memset(&x, 0, sizeof x);
    x.scen_ns = tl__node_scen_now(n);
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

/* The SystemTrack message of @p s; @p x its extra (system_extra). An ended one carries no impact
 * point (it is withdrawn), and says what it was merged into. */
static void system_message(const struct tl__node *n, const struct tl_fused *s,
                           const struct tl_store_system_extra *x, int ended,
                           struct tl_msg_system *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->owner, sizeof m->owner, "%s", n->cfg->nation);
    m->system_no = s->system_no;
    m->t_ns = s->t_ns;
    memcpy(m->x, s->x, sizeof m->x);
    memcpy(m->p, s->p, sizeof m->p);
    tl_fuse_contributors(s, m->contributors, sizeof m->contributors);
    m->phase = x->phase;
    m->has_launch = x->has_launch;
    m->launch_ns = x->launch_ns;
    m->launch_lat_rad = x->launch_lat_rad;
    m->launch_lon_rad = x->launch_lon_rad;
    m->launch_err_m = x->launch_err_m;
    m->cls = x->cls < 0 ? -1 : x->cls;
    m->loft = x->cls < 0 ? 0 : x->loft;
    m->major_az_rad = NAN;
    m->ended = ended;
    m->merged_into = ended ? s->merged_into : 0;
    if (s->has_impact && !ended) {
        m->has_impact = 1;
        m->impact_lat_rad = s->impact.point.lat_rad;
        m->impact_lon_rad = s->impact.point.lon_rad;
        m->semi_major_m = s->impact.semi_major_m;
        m->semi_minor_m = s->impact.semi_minor_m;
        m->impact_ns = x->impact_ns;
        m->major_az_rad = x->major_az_rad;
    }
}

static void publish_system(struct fusion *f, int32_t no)
{
    const struct tl_fused *s = tl_fuse_find(f->fu, no);
    struct tl_msg_system m;
    struct tl_store_system_extra x;
    struct tl__system_update u;

    if (s == NULL || s->t_ns == 0)
        return;
    x = system_extra(f->n, s, TL_TRACK_CONFIRMED);
    system_message(f->n, s, &x, 0, &m);
    tl_bus_write(f->w_system, &m);
    u = (struct tl__system_update){ s, &m, &x };
    tl__node_system(f->n, &u);
}

static void fuse_track(struct fusion *f, const struct tl_msg_track *m, int partner_data)
{
    struct tl__node_stats *st = &f->n->stats;
    int32_t no;
    int upd;

    tl_fuse_clock(f->fu, tl__node_scen_now(f->n));
    if (tl_fuse_track(f->fu, m, &no, &upd) != TL_OK || no <= 0)
        return;
    if (upd && partner_data) {
        const int64_t now = tl_wall_ns();
        if (m->meas_ns > 0 && st->n_lat < TL__NODE_MAX_LAT)
            st->lat_ms[st->n_lat++] = (double)(now - m->meas_ns) / 1e6;
        if (m->pub_ns > 0 && st->n_share < TL__NODE_MAX_LAT)
            st->share_ms[st->n_share++] = (double)(now - m->pub_ns) / 1e6;
    }
    publish_system(f, no);
}

static void fusion_own_track(void *self, const struct tl_msg_track *m, const struct tl_release_where *w)
{
    (void)w;
    fuse_track(self, m, 0);
}

static void fusion_own_assess(void *self, const struct tl_msg_assess *a,
                              const struct tl_release_where *w)
{
    struct fusion *f = self;

    (void)w;
    tl_fuse_assess(f->fu, a);
}

static void fusion_inbound(void *self, const struct tl__inbound *in)
{
    struct fusion *f = self;

    if (in->kind == TL_MSG_TRACK)
        fuse_track(f, in->msg, 1);
    else
        tl_fuse_assess(f->fu, in->msg);
}

/* System tracks that ended: each published once more as ended (the store keeps its last row as
 * deleted, the report says so), withdrawn from the picture on the bus, then removed from the
 * fusion, which no longer gates new tracks against them. */
static void announce_ends(struct fusion *f)
{
    struct tl__node *n = f->n;
    int ended = 0;

    for (int i = 0; i < tl_fuse_count(f->fu); i++) {
        const struct tl_fused *s = tl_fuse_get(f->fu, i);
        struct tl_msg_system m;
        struct tl_store_system_extra x;
        struct tl__system_update u;
        if (!s->ended)
            continue;
        ended++;
        if (tl__picture_holds(s) && tl__picture_prefer(s, n->have_best_ended ? &n->best_ended : NULL)) {
            n->best_ended = *s;
            n->have_best_ended = 1;
        }
        if (s->t_ns == 0)
            continue; /* restored and never seen again: nothing was said of it */
        x = system_extra(n, s, TL_TRACK_DELETED);
        system_message(n, s, &x, 1, &m);
        tl_bus_write_dispose(f->w_system, &m);
        u = (struct tl__system_update){ s, &m, &x };
        tl__node_system(n, &u);
    }
    if (ended > 0)
        n->n_ended += tl_fuse_compact(f->fu);
}

static void fusion_tick(void *self, int64_t wall_ns)
{
    struct fusion *f = self;

    if (wall_ns < f->next_expire_ns)
        return;
    tl_fuse_expire(f->fu, tl__node_scen_now(f->n));
    announce_ends(f);
    f->next_expire_ns = wall_ns + EXPIRE_EVERY_NS;
}

static void restore_one(void *ctx, const struct tl_store_system_last *row)
{
    if (row->merged_into != 0) /* a merged-away number stays retired */
        return;
    if (tl_fuse_restore(ctx, row->no, row->contributors) == TL_OK && row->t_ns != 0)
        tl_fuse_restore_last(ctx, row->no, row->t_ns, row->y, row->phase);
}

static int fusion_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct fusion *f = self;
    const struct tl_fuse_cfg fc = tl_fuse_cfg_default();
    int32_t max_no = 0;
    int rc;

    f->n = n;
    tl_store_systems(n->st, NULL, NULL, &max_no);
    if ((rc = tl_fuse_create(&fc, n->cfg->nation, max_no + 1, &f->fu)) != TL_OK)
        return rc;
    tl_store_systems(n->st, restore_one, f->fu, &max_no);
    if (max_no > 0 || n->stats.own_track_base > 0)
        fprintf(stderr, "%s: restart: %d system track numbers restored from %s; own tracks "
                        "numbered from %d\n",
                n->cfg->nation, tl_fuse_count(f->fu), n->cfg->storage,
                (int)n->stats.own_track_base + 1);
    if ((rc = tl_bus_writer(n->nat, TL_MSG_SYSTEM_TRACK, n->cfg->nation, &f->w_system, diag)) != TL_OK) {
        tl_fuse_destroy(f->fu);
        f->fu = NULL;
        return rc;
    }
    n->picture = f->fu;
    return TL_OK;
}

static void fusion_destroy(void *self)
{
    struct fusion *f = self;

    f->n->picture = NULL;
    tl_fuse_destroy(f->fu);
    f->fu = NULL;
}

const struct tl__stage_ops tl__stage_fusion = {
    .name = "fusion",
    .size = sizeof(struct fusion),
    .start = fusion_start,
    .own_track = fusion_own_track,
    .own_assess = fusion_own_assess,
    .inbound = fusion_inbound,
    .tick = fusion_tick,
    .destroy = fusion_destroy,
};
