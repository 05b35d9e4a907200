/* Deciding the messages: which areas are warned (hysteresis), when an Alert, Update, all-clear
 * or Cancel goes out, and what each says. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trilink/assess.h"
#include "trilink/geo.h"
#include "trilink/trajectory.h"
#include "warn_int.h"

/* Margins for "the event has happened": the warned time has come within this much. */
#define HAPPENED_MARGIN_S 30.0
#define FALLEN_MARGIN_S 60.0

static int64_t to_ns(const struct tl_warn *w, double t_s)
{
    return w->cfg.epoch_ns + (int64_t)llround(t_s * 1e9);
}

static const char *certainty(const struct tl_warn_rule *r, double p)
{
    if (strcmp(r->certainty, "auto") != 0)
        return r->certainty;
    return p >= 0.5 ? "Likely" : "Possible";
}

static enum tl_warn_rule_kind rule_of(const struct tl_area_info *a, enum tl_cap_threat t)
{
    if (a->kind == TL_AREA_EEZ)
        return TL_WARN_EEZ_IMPACT;
    return t == TL_CAP_IMPACT ? TL_WARN_LAND_IMPACT : TL_WARN_LAND_OVERFLIGHT;
}

static int outline(struct tl_warn *w, int i, double **pairs)
{
    double *o = &w->outline[(size_t)i * 2 * TL_CAP_MAX_OUTLINE];
    if (w->n_outline[i] < 0) {
        const int n = tl_areas_outline(w->cfg.areas, i, 2000.0, o, TL_CAP_MAX_OUTLINE);
        w->n_outline[i] = n >= 4 ? n : 0;
    }
    *pairs = o;
    return w->n_outline[i];
}

/* On closing: did the missile (as tracked) pass over the area while it was warned? Then the
 * all-clear says it passed (certainty Observed); else only that the warning is lifted. */
static int passed_over(const struct tl__warn_area *s, double now_s)
{
    const double until = isnan(s->released_s) ? now_s : s->released_s;
    return s->threat == TL_CAP_OVERFLIGHT && isfinite(s->onset_s) &&
           s->onset_s <= until + HAPPENED_MARGIN_S && s->onset_s <= now_s;
}

static void fill_area(struct tl_warn *w, const struct tl__warn_area *s, int i, int released,
                      double now_s, struct tl_cap_area *c)
{
    const struct tl_area_info *a = tl_areas_get(w->cfg.areas, i);
    double *pairs;
    const int n = outline(w, i, &pairs);

    memset(c, 0, sizeof *c);
    snprintf(c->code, sizeof c->code, "%s", a->code);
    c->is_eez = a->kind == TL_AREA_EEZ;
    if (a->kind == TL_AREA_EEZ) {
        tl__warn_eez_names(a->nation, w->cfg.nation, c->name, sizeof c->name, c->name_local,
                           sizeof c->name_local);
    } else {
        snprintf(c->name, sizeof c->name, "%s", a->name);
        snprintf(c->name_local, sizeof c->name_local, "%s", a->name_local);
    }
    c->onset_ns = isfinite(s->onset_s) ? to_ns(w, s->onset_s) : 0;
    if (released) {
        c->threat = TL_CAP_NONE;
        c->probability = 0.0;
        c->urgency = "Past";
        c->severity = "Minor";
        c->certainty = passed_over(s, now_s) ? "Observed" : "Unlikely";
    } else {
        const struct tl_warn_rule *r = &w->cfg.rules.rule[rule_of(a, s->threat)];
        c->threat = s->threat;
        c->probability = s->p;
        c->urgency = r->urgency;
        c->severity = r->severity;
        c->certainty = certainty(r, s->p);
    }
    c->n_outline = n;
    memcpy(c->outline_deg, pairs, (size_t)n * 2 * sizeof pairs[0]);
    if (n == 0) {
        c->circle_lat_deg = tl_rad2deg(a->lat_c_rad);
        c->circle_lon_deg = tl_rad2deg(a->lon_c_rad);
        c->circle_radius_km = 50.0;
    }
}

/* Heading of the ground track: the velocity's horizontal direction at the state. */
static double heading_deg(const struct tl_warn *w, const double x[6])
{
    const struct tl_lla p = tl_geo_ecef_to_lla(&w->earth.shape, x);
    double enu[3][3], e = 0.0, n = 0.0;
    tl_geo_enu_basis(p.lat_rad, p.lon_rad, enu);
    for (int k = 0; k < 3; k++) {
        e += enu[0][k] * x[3 + k];
        n += enu[1][k] * x[3 + k];
    }
    return fmod(tl_rad2deg(atan2(e, n)) + 360.0, 360.0);
}

static void fill_missile(struct tl_warn *w, const struct tl__warn_event *ev, struct tl_cap_msg *m)
{
    const struct tl_warn_obs *o = &ev->last;
    m->system_no = ev->system_no;
    m->has_launch = o->has_launch;
    if (o->has_launch) {
        m->launch_ns = to_ns(w, o->launch_t_s);
        m->launch_lat_deg = tl_rad2deg(o->launch_lat_rad);
        m->launch_lon_deg = tl_rad2deg(o->launch_lon_rad);
        m->launch_err_m = o->launch_err_m;
        tl__warn_launch_area(w, o->launch_lat_rad, o->launch_lon_rad, m->launch_area,
                             sizeof m->launch_area, m->launch_area_local,
                             sizeof m->launch_area_local, m->launch_state, sizeof m->launch_state);
    }
    snprintf(m->cls, sizeof m->cls, "%s", o->cls >= 0 ? tl_class_name((enum tl_class)o->cls) : "");
    m->loft = o->loft;
    m->apogee_km = isfinite(o->apogee_m) ? o->apogee_m / 1000.0 : NAN;
    m->heading_deg = ev->stateless ? NAN : heading_deg(w, o->x);
    m->powered = ev->powered && !ev->stateless;
    m->has_impact = o->has_impact;
    if (o->has_impact) {
        m->impact_ns = to_ns(w, o->impact_t_s);
        m->impact_lat_deg = tl_rad2deg(o->impact_lat_rad);
        m->impact_lon_deg = tl_rad2deg(o->impact_lon_rad);
        m->semi_major_m = o->semi_major_m;
        m->semi_minor_m = o->semi_minor_m;
        m->major_az_deg = tl_rad2deg(o->major_az_rad);
        tl__warn_impact_where(w, o->impact_lat_rad, o->impact_lon_rad, m->impact_where,
                              sizeof m->impact_where, m->impact_where_local,
                              sizeof m->impact_where_local);
    }
}

enum close_kind { OPEN_OR_UPDATE, ALL_CLEAR, CANCEL };

/* Builds and sends one message; the areas named: those warned, those released now, and on
 * closing every area the warning ever named. */
static int send(struct tl_warn *w, struct tl__warn_event *ev, double now_s, enum close_kind k,
                const char *reason_en, const char *reason_local, int fallen)
{
    struct tl_cap_msg *m = &w->msg;
    const enum tl_cap_type type = k == CANCEL ? TL_CAP_CANCEL : ev->open ? TL_CAP_UPDATE
                                                                         : TL_CAP_ALERT;
    char stamp[32];
    int rc;

    memset(m, 0, sizeof *m);
    snprintf(m->nation, sizeof m->nation, "%s", w->cfg.nation);
    snprintf(m->sender, sizeof m->sender, "%s", w->cfg.sender);
    snprintf(m->sender_name, sizeof m->sender_name, "%s", w->cfg.sender_name);
    m->sent_ns = to_ns(w, now_s);
    m->utc_offset_min = w->cfg.utc_offset_min;
    tl_cap_time(m->sent_ns, 0, stamp, sizeof stamp);
    /* identifier: nation, UTC of sending, system track, message number: unique per sender */
    snprintf(m->identifier, sizeof m->identifier, "%s-%.4s%.2s%.2sT%.2s%.2s%.2s-S%d-%d",
             w->cfg.nation, stamp, stamp + 5, stamp + 8, stamp + 11, stamp + 14, stamp + 17,
             (int)ev->system_no, ev->n_msgs + 1);
    m->exercise = w->cfg.exercise != 0;
    m->type = type;
    m->all_clear = k == ALL_CLEAR;
    m->fallen = fallen;
    m->n_refs = ev->n_refs;
    memcpy(m->refs, ev->refs, (size_t)ev->n_refs * sizeof ev->refs[0]);
    fill_missile(w, ev, m);
    if (reason_en != NULL) {
        snprintf(m->cancel_reason, sizeof m->cancel_reason, "%s", reason_en);
        snprintf(m->cancel_reason_local, sizeof m->cancel_reason_local, "%s", reason_local);
    }
    m->expires_ns = m->sent_ns + (int64_t)llround(w->cfg.rules.expires_s * 1e9);
    for (int q = 0; q < w->n_own && m->n_areas < TL_CAP_MAX_AREAS; q++) {
        const struct tl__warn_area *s = &ev->area[q];
        const int closing = k != OPEN_OR_UPDATE;
        const int released = !s->warned && s->ever && !isnan(s->below_since_s);
        if (s->warned && !closing)
            fill_area(w, s, w->own[q], 0, now_s, &m->areas[m->n_areas++]);
        else if (s->ever && (closing || released))
            fill_area(w, s, w->own[q], 1, now_s, &m->areas[m->n_areas++]);
    }
    rc = w->sink(w->ctx, m);
    w->st.messages++;
    if (type == TL_CAP_ALERT)
        w->st.alerts++, w->st.open++;
    else if (type == TL_CAP_CANCEL)
        w->st.cancels++;
    else if (k == ALL_CLEAR)
        w->st.all_clears++;
    else
        w->st.updates++;
    tl__warn_add_ref(ev, m->sender, m->identifier, m->sent_ns);
    ev->n_msgs++;
    ev->open = 1;
    ev->last_msg_s = now_s;
    ev->last_msg_major_m = ev->last.has_impact ? ev->last.semi_major_m : 0.0;
    for (int q = 0; q < w->n_own; q++) /* the releases are told: no longer news */
        if (!ev->area[q].warned)
            ev->area[q].below_since_s = NAN;
    return rc != 0 ? TL_EIO : TL_OK;
}

/* Has the warned event come (or passed)? Then closing is an all-clear, not a Cancel. */
static int happened(const struct tl_warn *w, const struct tl__warn_event *ev, double now_s)
{
    const struct tl_warn_obs *o = &ev->last;
    if (o->phase == TL_PHASE_REENTRY || o->phase == TL_PHASE_IMPACTED)
        return 1;
    if (o->has_impact && o->impact_t_s <= now_s + FALLEN_MARGIN_S)
        return 1;
    for (int q = 0; q < w->n_own; q++)
        if (ev->area[q].ever && isfinite(ev->area[q].onset_s) &&
            ev->area[q].onset_s <= now_s + HAPPENED_MARGIN_S)
            return 1;
    return 0;
}

static int end_event(struct tl_warn *w, struct tl__warn_event *ev, double now_s,
                     int32_t merged_into)
{
    char en[128], loc[256];
    int rc = TL_OK;

    if (ev->open && !ev->closed) {
        const int fallen = ev->last.phase == TL_PHASE_REENTRY ||
                           ev->last.phase == TL_PHASE_IMPACTED ||
                           (ev->last.has_impact && ev->last.impact_t_s <= now_s + FALLEN_MARGIN_S);
        if (merged_into > 0) {
            snprintf(en, sizeof en, "the same missile is reported as system track %d",
                     (int)merged_into);
            snprintf(loc, sizeof loc, "%s", en);
            rc = send(w, ev, now_s, CANCEL, en, loc, 0);
        } else if (happened(w, ev, now_s)) {
            rc = send(w, ev, now_s, ALL_CLEAR, NULL, NULL, fallen);
        } else {
            rc = send(w, ev, now_s, CANCEL,
                      "the track was lost before the missile reached any warned area",
                      strcmp(w->cfg.nation, "JP") == 0
                          ? "警戒した地域に到達する前に航跡が失われました"
                      : strcmp(w->cfg.nation, "KR") == 0
                          ? "경보 지역에 도달하기 전에 항적이 소실되었습니다"
                          : "the track was lost before the missile reached any warned area",
                      0);
        }
        w->st.open--;
    }
    ev->closed = 1;
    return rc;
}

/* One area's new state from the probabilities just evaluated; returns 1 added, 2 released,
 * 3 threat changed, 0 nothing new. */
static int area_step(struct tl_warn *w, struct tl__warn_event *ev, int q, double now_s)
{
    const int i = w->own[q];
    const struct tl_area_info *a = tl_areas_get(w->cfg.areas, i);
    struct tl__warn_area *s = &ev->area[q];
    const int land = a->kind == TL_AREA_LAND;
    const struct tl_warn_rule *ri = &w->cfg.rules.rule[land ? TL_WARN_LAND_IMPACT
                                                            : TL_WARN_EEZ_IMPACT];
    const struct tl_warn_rule *ro = &w->cfg.rules.rule[TL_WARN_LAND_OVERFLIGHT];
    const double pi = w->p_imp[i], po = land ? w->p_ovf[i] : 0.0;
    const int on = pi >= ri->on_probability || po >= ro->on_probability;
    const int keep = pi >= ri->off_probability || po >= ro->off_probability;
    const enum tl_cap_threat t =
        !land || pi >= ri->on_probability ||
                (s->warned && s->threat == TL_CAP_IMPACT && pi >= ri->off_probability)
            ? TL_CAP_IMPACT
            : TL_CAP_OVERFLIGHT;
    const double onset = t == TL_CAP_IMPACT
                             ? (ev->last.has_impact ? ev->last.impact_t_s
                                                    : w->member[0].impact_t_s)
                             : w->t_ovf[i];
    int news = 0;

    if (!s->warned) {
        if (!on)
            return 0;
        s->warned = s->ever = 1;
        s->released_s = NAN;
        s->first_s = now_s;
        news = 1;
    } else if (!keep) {
        if (isnan(s->below_since_s))
            s->below_since_s = now_s;
        if (now_s - s->below_since_s < w->cfg.rules.release_after_s)
            return 0;
        s->warned = 0;
        s->released_s = now_s;
        return 2;
    } else {
        news = t != s->threat ? 3 : 0;
    }
    s->below_since_s = NAN;
    s->threat = t;
    s->p = t == TL_CAP_IMPACT ? pi : po;
    if (isfinite(onset))
        s->onset_s = onset;
    return news;
}

static int decide(struct tl_warn *w, struct tl__warn_event *ev, double now_s)
{
    int added = 0, changed = 0, warned = 0;
    int kind = 0;
    for (int q = 0; q < w->n_own; q++) {
        const int r = area_step(w, ev, q, now_s);
        added += r == 1;
        changed += r == 2;
        kind += r == 3;
        warned += ev->area[q].warned;
    }
    /* an area whose threat turns from overflight to impact or back is news, but the boost fan
     * makes the kind waver: such changes alone go out at most every min_update_s */
    if (kind > 0 && now_s - ev->last_msg_s >= w->cfg.rules.min_update_s)
        changed++;
    if (!ev->open)
        return added > 0 ? send(w, ev, now_s, OPEN_OR_UPDATE, NULL, NULL, 0) : TL_OK;
    if (!added && !changed && warned > 0 && ev->last.has_impact && ev->last_msg_major_m > 0.0 &&
        now_s - ev->last_msg_s >= w->cfg.rules.min_update_s &&
        fabs(ev->last.semi_major_m - ev->last_msg_major_m) >=
            w->cfg.rules.ellipse_change * ev->last_msg_major_m)
        changed = 1; /* the ellipse has shrunk (or grown) enough to be news */
    return added || changed ? send(w, ev, now_s, OPEN_OR_UPDATE, NULL, NULL, 0) : TL_OK;
}

int tl_warn_observe(struct tl_warn *w, const struct tl_warn_obs *o, double now_s,
                    struct tl_diag *diag)
{
    struct tl__warn_event *ev;
    int rc;

    if (w == NULL || o == NULL)
        return TL_EINVAL;
    w->st.observed++;
    if ((rc = tl__warn_obs_check(o, diag)) != TL_OK || !isfinite(now_s)) {
        w->st.rejected++;
        return rc != TL_OK ? rc : tl__warn_diag(diag, TL_EINVAL, "now", "not a time");
    }
    ev = tl__warn_find_event(w, o->system_no);
    if (ev == NULL) {
        if (o->ended)
            return TL_OK;
        if ((ev = tl__warn_new_event(w, o->system_no, o->t_s)) == NULL)
            return TL_ENOMEM;
    }
    if (ev->closed)
        return TL_OK; /* a late estimate of a missile whose warning is over */
    if (o->ended) { /* the last sample may carry only the state: keep what was known */
        const struct tl_warn_obs known = ev->last;
        ev->last = *o;
        ev->stateless = ev->powered = 0;
        if (!o->has_impact && known.has_impact) {
            ev->last.has_impact = 1;
            ev->last.impact_t_s = known.impact_t_s;
            ev->last.impact_lat_rad = known.impact_lat_rad;
            ev->last.impact_lon_rad = known.impact_lon_rad;
            ev->last.semi_major_m = known.semi_major_m;
            ev->last.semi_minor_m = known.semi_minor_m;
            ev->last.major_az_rad = known.major_az_rad;
        }
        if (!o->has_launch && known.has_launch) {
            ev->last.has_launch = 1;
            ev->last.launch_t_s = known.launch_t_s;
            ev->last.launch_lat_rad = known.launch_lat_rad;
            ev->last.launch_lon_rad = known.launch_lon_rad;
            ev->last.launch_err_m = known.launch_err_m;
        }
        if (o->cls < 0) {
            ev->last.cls = known.cls;
            ev->last.loft = known.loft;
        }
        if (!isfinite(o->apogee_m))
            ev->last.apogee_m = known.apogee_m;
        return end_event(w, ev, now_s, o->merged_into);
    }
    ev->last = *o;
    ev->stateless = 0;
    ev->last_seen_s = now_s;
    w->fanned = 0;
    rc = tl__warn_evaluate(w, o, ev->first_seen_s);
    ev->powered = w->fanned;
    if (rc == TL_ENOMEM)
        return rc;
    if (rc != TL_OK) /* not flyable (no impact, diverging): no news from this estimate */
        return tl__warn_diag(diag, TL_OK, "trajectory", "%s", tl_strerror(rc));
    return decide(w, ev, now_s);
}

/* Areas the last estimate put below their release threshold are released once release_after_s
 * has passed, whether another estimate came or not: a missile out of every radar's reach (the
 * ICBM's hour in midcourse) must not keep a prefecture sheltering for that hour. */
static int release_due(struct tl_warn *w, struct tl__warn_event *ev, double now_s)
{
    int n = 0;
    if (!ev->open || ev->closed)
        return TL_OK;
    for (int q = 0; q < w->n_own; q++) {
        struct tl__warn_area *s = &ev->area[q];
        if (s->warned && !isnan(s->below_since_s) &&
            now_s - s->below_since_s >= w->cfg.rules.release_after_s) {
            s->warned = 0;
            s->released_s = now_s;
            n++;
        }
    }
    return n > 0 ? send(w, ev, now_s, OPEN_OR_UPDATE, NULL, NULL, 0) : TL_OK;
}

int tl_warn_tick(struct tl_warn *w, double now_s)
{
    int rc = TL_OK;
    for (int i = 0; i < w->n_ev; i++) {
        struct tl__warn_event *ev = &w->ev[i];
        const int released = release_due(w, ev, now_s);
        rc = rc != TL_OK ? rc : released;
        /* a missile unseen in midcourse (the ICBM's hour out of every radar's reach) is still
         * flying: only once its predicted impact has passed is silence the end */
        const double until = ev->last.has_impact ? ev->last.impact_t_s : ev->last_seen_s;
        if (!ev->closed && now_s - ev->last_seen_s > w->cfg.rules.stale_s &&
            now_s - until > w->cfg.rules.stale_s) {
            const int r = end_event(w, ev, now_s, 0);
            rc = rc != TL_OK ? rc : r;
        }
    }
    return rc;
}

int tl_warn_finish(struct tl_warn *w, double now_s)
{
    int rc = TL_OK;
    for (int i = 0; w != NULL && i < w->n_ev; i++) {
        const int r = end_event(w, &w->ev[i], now_s, 0);
        rc = rc != TL_OK ? rc : r;
    }
    return rc;
}
