/* The node's event log: one line per thing a watch officer needs to know (a system track appears,
 * gets its launch point, impact point, class, stages, reenters, is joined by a partner's track,
 * ends), each said once, instead of a status line repeated every few seconds. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/assess.h"
#include "trilink/geo.h"
#include "trilink/trajectory.h"
#include "node_int.h"

/* A phase must hold this long (scenario time) to be said. */
#define PHASE_HOLD_NS 10000000000LL
#define TREND_NS 10000000000LL
#define VEL_KNOWN_MPS 100.0

void tl__events_init(struct tl__events *ev, FILE *out, const char *nation, int64_t epoch_ns)
{
    memset(ev, 0, sizeof *ev);
    ev->out = out;
    snprintf(ev->nation, sizeof ev->nation, "%s", nation);
    ev->epoch_ns = epoch_ns;
}

void tl__event(struct tl__events *ev, int64_t scen_ns, const char *fmt, ...)
{
    va_list ap;

    if (ev->out == NULL)
        return;
    fprintf(ev->out, "%-2s t=%7.1fs ", ev->nation,
            scen_ns > 0 ? (double)(scen_ns - ev->epoch_ns) * 1e-9 : 0.0);
    va_start(ap, fmt);
    vfprintf(ev->out, fmt, ap);
    va_end(ap);
    fputc('\n', ev->out);
    fflush(ev->out);
}

void tl__events_fini(struct tl__events *ev)
{
    free(ev->s);
    ev->s = NULL;
    ev->n = ev->cap = 0;
}

/* The record of @p no, created on first sight (O(n) over the system tracks ever seen, as the
 * fusion's own lookup); NULL when out of memory. */
static struct tl__sys_said *said_of(struct tl__events *ev, int32_t no, int *fresh)
{
    *fresh = 0;
    for (int i = 0; i < ev->n; i++)
        if (ev->s[i].no == no)
            return &ev->s[i];
    if (ev->n == ev->cap) {
        const int nc = ev->cap ? 2 * ev->cap : 64;
        struct tl__sys_said *ns = realloc(ev->s, (size_t)nc * sizeof *ns);
        if (ns == NULL)
            return NULL;
        ev->s = ns;
        ev->cap = nc;
    }
    memset(&ev->s[ev->n], 0, sizeof ev->s[0]);
    ev->s[ev->n].no = no;
    ev->s[ev->n].cls = ev->s[ev->n].loft = -1;
    *fresh = 1;
    return &ev->s[ev->n++];
}

void tl__system_class(const struct tl_fused *s, int *cls, int *loft)
{
    int64_t newest = 0;

    *cls = *loft = -1;
    for (int i = 0; i < s->n_contrib; i++)
        if (s->c[i].have_assess && s->c[i].assess.t_ns > newest) {
            newest = s->c[i].assess.t_ns;
            *cls = s->c[i].assess.cls;
            *loft = s->c[i].assess.loft;
        }
}

int tl__system_phase(const struct tl_fused *s)
{
    return s->dyn.phase;
}


void tl__fmt_axes(char *buf, size_t size, double a_m, double b_m)
{
    if (a_m < 10e3)
        snprintf(buf, size, "%.0f x %.0f m", a_m, b_m);
    else
        snprintf(buf, size, "%.1f x %.1f km", a_m / 1e3, b_m / 1e3);
}

void tl__events_system(struct tl__events *ev, const struct tl_fused *s, int64_t scen_ns)
{
    int fresh, cls, loft, phase;
    double speed;
    char contrib[97];
    struct tl__sys_said *w = said_of(ev, s->system_no, &fresh);

    if (w == NULL || w->ended)
        return;
    tl_fuse_contributors(s, contrib, sizeof contrib);
    if (fresh) {
        const struct tl_lla p = tl_geo_ecef_to_lla(&TL_WGS84, s->x);
        tl__event(ev, scen_ns, "system track #%d: new [%s] at %.2f, %.2f, %.0f km",
                  (int)s->system_no, contrib, tl_rad2deg(p.lat_rad), tl_rad2deg(p.lon_rad),
                  p.h_m < 500.0 ? 0.0 : p.h_m / 1e3);
    } else if (strcmp(contrib, w->contributors) != 0 && contrib[0] != '\0') {
        tl__event(ev, scen_ns, "system track #%d: contributors now [%s]", (int)s->system_no,
                  contrib);
    }
    snprintf(w->contributors, sizeof w->contributors, "%s", contrib);
    if (s->has_launch && !w->launch) {
        w->launch = 1;
        tl__event(ev, scen_ns,
                  "system track #%d: launch point %.2f, %.2f (1-sigma %.1f km), launched at "
                  "t=%.1fs",
                  (int)s->system_no, tl_rad2deg(s->launch_lat_rad), tl_rad2deg(s->launch_lon_rad),
                  s->launch_err_m / 1e3, (double)(s->launch_ns - ev->epoch_ns) * 1e-9);
    }
    if (s->has_impact && !w->impact) {
        char ax[48];
        w->impact = 1;
        tl__fmt_axes(ax, sizeof ax, s->impact.semi_major_m, s->impact.semi_minor_m);
        tl__event(ev, scen_ns,
                  "system track #%d: impact point %.2f, %.2f (95 %% ellipse %s), impact at "
                  "t=%.1fs",
                  (int)s->system_no, tl_rad2deg(s->impact.point.lat_rad),
                  tl_rad2deg(s->impact.point.lon_rad), ax,
                  s->impact.t_s - (double)ev->epoch_ns * 1e-9);
    }
    /* The phase of the newest contribution flickers while trackers disagree (an infrared
     * track's IMM may doubt the thrust for a scan): a phase counts once it has held for
     * PHASE_HOLD_NS. Burnout and reentry are each said once. */
    phase = tl__system_phase(s);
    /* The speed trend over TREND_NS windows, from speeds known to better than VEL_KNOWN_MPS
     * (an infrared-only track's first velocity is a guess): under thrust the speed grows, after
     * burnout gravity slows the climb. A tracker that doubts the thrust for a few scans lags
     * within a window, not over it. */
    speed = sqrt(s->x[3] * s->x[3] + s->x[4] * s->x[4] + s->x[5] * s->x[5]);
    if (sqrt(s->p[tl_ut6(3, 3)] + s->p[tl_ut6(4, 4)] + s->p[tl_ut6(5, 5)]) < VEL_KNOWN_MPS) {
        if (w->t_ref_ns == 0) {
            w->t_ref_ns = scen_ns;
            w->v_ref_mps = speed;
        } else if (scen_ns - w->t_ref_ns >= TREND_NS) {
            w->slowing = speed < w->v_ref_mps;
            w->t_ref_ns = scen_ns;
            w->v_ref_mps = speed;
        }
    }
    w->boost_seen |= phase == TL_PHASE_BOOST;
    if (phase != w->cand) {
        w->cand = phase;
        w->cand_since_ns = scen_ns;
    }
    if (scen_ns - w->cand_since_ns >= PHASE_HOLD_NS) {
        /* ... and the speed must be falling: a tracker that doubts the thrust for a while does
         * not make a burnout */
        if (!w->burnout && w->boost_seen &&
            (phase == TL_PHASE_MIDCOURSE || phase == TL_PHASE_REENTRY) && w->slowing) {
            w->burnout = 1;
            tl__event(ev, scen_ns, "system track #%d: burnout (boost -> midcourse)",
                      (int)s->system_no);
        }
        if (!w->reentry && phase == TL_PHASE_REENTRY) {
            w->reentry = 1;
            tl__event(ev, scen_ns, "system track #%d: reentry", (int)s->system_no);
        }
    }
    /* The class comes from the energy, which grows until burnout: said from burnout on (the
     * class during boost is only a lower bound), then only when it changes. */
    tl__system_class(s, &cls, &loft);
    if ((w->burnout || (!w->boost_seen && phase > TL_PHASE_BOOST)) && cls >= 0 &&
        (cls != w->cls || loft != w->loft)) { /* (a track first seen after its boost too) */
        tl__event(ev, scen_ns, "system track #%d: class %s%s%s", (int)s->system_no,
                  tl_class_name((enum tl_class)cls), tl_msg_loft_suffix(loft),
                  w->cls >= 0 ? " (revised)" : "");
        w->cls = cls;
        w->loft = loft;
    }
}

int tl__events_ended(struct tl__events *ev, const struct tl_fused *s, int64_t scen_ns)
{
    int fresh;
    struct tl__sys_said *w = said_of(ev, s->system_no, &fresh);

    if (w == NULL)
        return 1;
    if (w->ended)
        return 0;
    w->ended = 1;
    if (s->merged_into != 0)
        tl__event(ev, scen_ns, "system track #%d: same object as #%d, merged into it",
                  (int)s->system_no, (int)s->merged_into);
    else if (s->has_impact)
        tl__event(ev, scen_ns, "system track #%d: ended, impact predicted at %.2f, %.2f at t=%.1fs",
                  (int)s->system_no, tl_rad2deg(s->impact.point.lat_rad),
                  tl_rad2deg(s->impact.point.lon_rad),
                  s->impact.t_s - (double)ev->epoch_ns * 1e-9);
    else
        tl__event(ev, scen_ns, "system track #%d: ended (no contribution left)",
                  (int)s->system_no);
    return 1;
}
