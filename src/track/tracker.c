/* The multi-target tracker (Stone Soup's MultiTargetTracker): it holds the track table and the
 * input ordering, and runs one loop per scan over the roles of track_int.h — predict (IMM), gate,
 * associate (GNN), update or coast, delete, initiate from the detections no track took. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "track_int.h"

struct tl_tracker_cfg tl_tracker_cfg_default(void)
{
    struct tl_tracker_cfg c;

    memset(&c, 0, sizeof c);
    c.earth = tl_earth_wgs84();
    c.filter = TL_FILTER_EKF;
    c.imm = 1;
    c.noise = tl_motion_noise_default();
    c.gate_prob = 0.9999;
    c.confirm_m = 4;
    c.confirm_n = 6;
    c.delete_after_s = 12.0;
    c.max_pos_sigma_m = 200e3;
    c.lag_s = 5.0;
    c.init_vel_sigma_mps = 4000.0;
    return c;
}

const char *tl_track_status_name(enum tl_track_status s)
{
    switch (s) {
    case TL_TRACK_TENTATIVE:
        return "tentative";
    case TL_TRACK_CONFIRMED:
        return "confirmed";
    case TL_TRACK_COASTING:
        return "coasting";
    case TL_TRACK_DELETED:
        return "deleted";
    }
    return "unknown";
}

int tl_tracker_create(const struct tl_tracker_cfg *cfg, const struct tl_sensor_set *sensors,
                      tl_track_sink sink, void *ctx, struct tl_tracker **out)
{
    struct tl_tracker *tk;

    if (cfg == NULL || sensors == NULL || out == NULL || cfg->confirm_m < 1 ||
        cfg->confirm_n < cfg->confirm_m || !(cfg->delete_after_s > 0.0) || !(cfg->lag_s >= 0.0) ||
        !(cfg->gate_prob > 0.5 && cfg->gate_prob < 1.0 - 1e-12))
        return TL_EINVAL;
    tk = calloc(1, sizeof *tk);
    if (tk == NULL)
        return TL_ENOMEM;
    tk->cfg = *cfg;
    tk->sensors = sensors; /* retained */
    tk->sink = sink;
    tk->ctx = ctx;
    tk->next_id = 1;
    tk->done_t = -INFINITY;
    tk->buf_max_t = -INFINITY;
    tk->resume_t = -INFINITY;
    tl__gate_init(&tk->gate, cfg->gate_prob);
    tk->init_ops[TL_SENSOR_RADAR] = &tl__initiate_pair;
    tk->init_ops[TL_SENSOR_IR] = &tl__initiate_stereo;
    for (int k = 0; k < 2; k++) {
        const int rc = tk->init_ops[k]->create(sensors, &tk->init_state[k]);
        if (rc != TL_OK) {
            tl_tracker_destroy(tk);
            return rc;
        }
    }
    *out = tk;
    return TL_OK;
}

void tl_tracker_destroy(struct tl_tracker *tk)
{
    if (tk == NULL)
        return;
    for (int k = 0; k < 2; k++)
        tk->init_ops[k]->destroy(tk->init_state[k]);
    free(tk->t);
    free(tk->buf);
    free(tk);
}

void tl_tracker_stats(const struct tl_tracker *tk, struct tl_tracker_stats *st)
{
    if (tk != NULL && st != NULL)
        *st = tk->st;
}

/* ---------------------------------------------------------------- reports */

/* A track's report goes out once per validity time, after every scan valid at that time has
 * been processed (several sensors seeing it at one instant give one row, not one each): changes
 * only mark it, and emit_reports() sends them. */
static void report_track(struct tl_tracker *tk, struct tl__track *tr)
{
    struct tl_track_report r;

    tr->dirty = 0;
    if (tk->sink == NULL || (tr->status == TL_TRACK_TENTATIVE && tr->hits < 2))
        return;
    memset(&r, 0, sizeof r);
    r.id = tr->id;
    r.status = tr->status;
    r.phase = tl__imm_phase(&tk->cfg, &tr->est, NULL, NULL);
    for (int j = 0; j < tl__imm_models(&tk->cfg); j++)
        r.model_prob[tl__imm_model(&tk->cfg, j)] = tr->est.mu[j];
    r.state = tr->est.comb;
    if (tr->last_sensor_p1 > 0)
        tl__registration_floor(&tk->sensors->s[tr->last_sensor_p1 - 1], &r.state);
    r.first = tr->have_first ? &tr->first : NULL;
    r.first_phase_boost = tr->first_boost;
    r.start = &tr->start;
    r.start_sensor = tr->start_sensor;
    tr->reported = 1;
    tr->last_report_t = tr->est.comb.t_s;
    tk->sink(tk->ctx, &r);
}

/* The reports of the time just processed, then the deleted tracks leave the table. A track whose
 * state is not newer than its last report (a late report retrodicted it) waits for its next time,
 * unless it was deleted. */
static void emit_reports(struct tl_tracker *tk)
{
    int w = 0;

    for (int i = 0; i < tk->n; i++) {
        struct tl__track *tr = &tk->t[i];
        if (tr->dirty && (tr->est.comb.t_s > tr->last_report_t || tr->status == TL_TRACK_DELETED))
            report_track(tk, tr);
    }
    /* Removes deleted tracks (their final report is out): memory stays bounded by the live
     * tracks however long the run. */
    for (int i = 0; i < tk->n; i++)
        if (tk->t[i].status != TL_TRACK_DELETED)
            tk->t[w++] = tk->t[i];
    tk->n = w;
}

/* Deletes a track; its deletion is reported if the track ever was. */
static void end_track(struct tl_tracker *tk, struct tl__track *tr)
{
    if (tr->status == TL_TRACK_DELETED)
        return;
    tr->status = TL_TRACK_DELETED;
    tk->st.deleted++;
    tr->dirty = tr->reported; /* a track nobody was told of ends silently */
}

/* ---------------------------------------------------------------- the scan */

/* What became of a track in the prediction to the scan time: live; predicted but lost (deleted
 * with its prediction); or its prediction failed (deleted with its last estimate). */
enum fate { FATE_LIVE, FATE_LOST, FATE_FAILED };

/* A scan's working memory: what the scan will commit, worked out before anything changes. */
struct scan_ws {
    int nt;                /* tracks in the table when the scan began */
    struct tl__imm *pred;  /* each track predicted to the scan time */
    unsigned char *fate;   /* enum fate of each track */
    int *assign;           /* detection of each track, -1 none */
    unsigned char *use;    /* enum tl__det_use of each detection */
    double (*zp)[3];       /* radar: detection positions, for the cheap pre-gate */
    struct tl__hyps hyps;  /* gated track-detection pairs */
};

static void scan_ws_free(struct scan_ws *ws)
{
    free(ws->pred);
    free(ws->fate);
    free(ws->assign);
    free(ws->use);
    free(ws->zp);
    free(ws->hyps.h);
}

/* Everything of a scan that can fail, changing nothing the tracker has: every track predicted
 * to the scan time (into ws), gated and associated; the initiator's room reserved. Deletions
 * are only noted: not on a late scan (a retrodiction to before the last processed time), whose
 * deletion would be reported at a time before the track's last row; the next scan in order sees
 * the same and deletes it then. */
static int scan_prepare(struct tl_tracker *tk, struct tl__scan *sc, struct scan_ws *ws)
{
    const struct tl_sensor *s = sc->s;
    const int nt = ws->nt = tk->n;
    int rc;

    ws->pred = malloc(((size_t)nt + 1) * sizeof *ws->pred);
    ws->fate = malloc((size_t)nt + 1);
    ws->assign = malloc(((size_t)nt + 1) * sizeof *ws->assign);
    ws->use = calloc((size_t)sc->nz + 1, 1);
    ws->zp = malloc(((size_t)sc->nz + 1) * sizeof *ws->zp);
    if (ws->pred == NULL || ws->fate == NULL || ws->assign == NULL || ws->use == NULL ||
        ws->zp == NULL)
        return TL_ENOMEM;
    for (int j = 0; s->kind == TL_SENSOR_RADAR && j < sc->nz; j++) {
        const struct tl_rae rae = { sc->z[j].range_m, sc->z[j].az_rad, sc->z[j].el_rad };
        tl_geo_rae_to_ecef(&TL_WGS84, &s->site, &rae, ws->zp[j]);
    }
    sc->zp = (const double(*)[3])ws->zp;
    for (int i = 0; i < nt; i++) {
        const struct tl__track *tr = &tk->t[i];
        ws->assign[i] = -1;
        ws->fate[i] = FATE_LIVE;
        if (tr->status == TL_TRACK_DELETED)
            continue;
        if (tl__imm_predict(&tk->cfg, &tr->est, sc->t, &ws->pred[i]) != TL_OK)
            ws->fate[i] = FATE_FAILED;
        else if (sc->t >= tk->done_t && tl__delete_lost(&tk->cfg, tr, &ws->pred[i], sc->t))
            ws->fate[i] = FATE_LOST;
        if (ws->fate[i] != FATE_LIVE)
            continue;
        rc = tl__gate_track(&tk->gate, &tk->cfg, sc, i, tr->status, &ws->pred[i], ws->use,
                            &ws->hyps);
        if (rc != TL_OK)
            return rc;
    }
    rc = tl__associate(ws->hyps.h, ws->hyps.n, sc->nz, tl__gate_miss_cost(tl__gate_pd(s)),
                       ws->assign);
    if (rc != TL_OK)
        return rc;
    return tk->init_ops[s->kind]->reserve(tk->init_state[s->kind], tk, sc);
}

/* Track @p tr took detection @p j: update, confirm (M of N), no longer coasting. */
static void track_hit(struct tl_tracker *tk, struct tl__track *tr, const struct tl__scan *sc,
                      int j, unsigned char *use)
{
    if (tl__imm_update(&tk->cfg, sc->s, &sc->z[j], &tr->est) != TL_OK) {
        tk->st.rejected++;
        return;
    }
    use[j] = TL__DET_ASSOCIATED;
    tr->last_sensor_p1 = sc->si + 1;
    tk->st.associated++;
    tl__delete_updated(&tk->cfg, tr);
    tl__mofn_count(tr, sc->t, 1);
    tl__mofn_confirm(&tk->cfg, tr, &tk->st);
    tr->dirty = 1;
}

/* Track @p tr took nothing. A miss only counts where this sensor should have seen the track;
 * then a tentative track may fail its M of N, a confirmed one coasts and may be given up. */
static void track_missed(struct tl_tracker *tk, struct tl__track *tr, const struct tl__scan *sc)
{
    const int boosting = tk->cfg.imm && tr->est.mu[TL_MOTION_BOOST] > 0.5;

    if (!tl_sensor_sees(sc->s, tr->est.comb.x, boosting))
        return;
    tl__mofn_count(tr, sc->t, 0);
    if (tr->status == TL_TRACK_TENTATIVE ? tl__mofn_failed(&tk->cfg, tr)
                                         : tl__delete_missed(&tk->cfg, tr, sc->t,
                                                             tr->last_sensor_p1 > 0
                                                                 ? &tk->sensors->s[tr->last_sensor_p1 - 1]
                                                                 : NULL))
        end_track(tk, tr);
}

/* Processes one scan: the detections of sensor si valid at time t. Fails (TL_ENOMEM) only
 * before it changes anything: then the tracker is as it was. */
static int process_scan(struct tl_tracker *tk, int si, double t, const struct tl_meas *z, int nz)
{
    struct tl__scan sc = { .si = si, .s = &tk->sensors->s[si], .t = t, .z = z, .nz = nz };
    const enum tl_sensor_kind kind = sc.s->kind;
    struct scan_ws ws;
    int rc;

    memset(&ws, 0, sizeof ws);
    if ((rc = scan_prepare(tk, &sc, &ws)) != TL_OK) {
        scan_ws_free(&ws);
        return rc;
    }
    tk->st.scans++;
    for (int i = 0; i < ws.nt; i++) {
        struct tl__track *tr = &tk->t[i];
        if (tr->status == TL_TRACK_DELETED)
            continue;
        if (ws.fate[i] != FATE_FAILED)
            tr->est = ws.pred[i];
        if (ws.fate[i] != FATE_LIVE)
            end_track(tk, tr); /* it hit the ground or lost itself */
        else if (ws.assign[i] >= 0)
            track_hit(tk, tr, &sc, ws.assign[i], ws.use);
        else
            track_missed(tk, tr, &sc);
    }
    tk->init_ops[kind]->start(tk->init_state[kind], tk, &sc, ws.use);
    scan_ws_free(&ws);
    return TL_OK;
}

/* ---------------------------------------------------------------- input ordering */

static int by_validity(const void *a, const void *b)
{
    const struct tl_meas *x = a, *y = b;

    if (x->t_s != y->t_s)
        return x->t_s < y->t_s ? -1 : 1;
    return (x->sensor > y->sensor) - (x->sensor < y->sensor);
}

/* Processes the buffered measurements (kept in validity order) valid at or before @p upto, scan
 * by scan (a scan = one sensor, one validity time), and reports each time once all its scans are
 * done. On failure the scans before the failing one are processed (and leave the buffer); the
 * failing one and those after it stay buffered, unchanged, and resume_t remembers how far the
 * call was to go, so the next call resumes there before anything else. */
static int process_due_scans(struct tl_tracker *tk, double upto)
{
    size_t k = 0;
    int rc = TL_OK;

    while (k < tk->nbuf && tk->buf[k].t_s <= upto) {
        size_t e = k + 1;
        while (e < tk->nbuf && tk->buf[e].t_s == tk->buf[k].t_s &&
               tk->buf[e].sensor == tk->buf[k].sensor)
            e++;
        rc = process_scan(tk, tk->buf[k].sensor, tk->buf[k].t_s, &tk->buf[k], (int)(e - k));
        if (rc != TL_OK)
            break;
        tk->done_t = tk->buf[k].t_s;
        k = e;
        /* every scan valid at this time is done: one report per changed track */
        if (k == tk->nbuf || tk->buf[k].t_s != tk->done_t)
            emit_reports(tk);
    }
    if (k > 0) {
        memmove(tk->buf, tk->buf + k, (tk->nbuf - k) * sizeof *tk->buf);
        tk->nbuf -= k;
    }
    tk->resume_t = rc == TL_OK ? -INFINITY : upto;
    return rc;
}

/* Finishes what a failed call left due, so that processing goes on in the order it would have
 * had without the failure. */
static int resume_due_scans(struct tl_tracker *tk)
{
    return tk->resume_t > -INFINITY ? process_due_scans(tk, tk->resume_t) : TL_OK;
}

/* What an earlier failure left due comes first; then the buffer grows before anything changes,
 * so a measurement that cannot be kept is not taken; a failure in the scans it makes due is
 * process_due_scans()'s. */
int tl_tracker_add(struct tl_tracker *tk, const struct tl_meas *m)
{
    int rc;

    if (tk == NULL || m == NULL || m->sensor < 0 || m->sensor >= tk->sensors->n || !isfinite(m->t_s))
        return TL_EINVAL;
    if ((rc = resume_due_scans(tk)) != TL_OK)
        return rc; /* not taken */
    if (m->t_s < tk->done_t) {
        /* Older than what is already processed: the lag was too short for it. It is not
         * dropped: the tracks are retrodicted to its time and updated (an approximation that
         * ignores the process noise between the two times). */
        if ((rc = process_scan(tk, m->sensor, m->t_s, m, 1)) != TL_OK)
            return rc; /* not taken; nothing changed */
        tk->st.measurements++;
        tk->st.late_beyond_lag++;
        emit_reports(tk);
        return TL_OK;
    }
    if (tk->nbuf == tk->capbuf) {
        size_t nc = tk->capbuf ? 2 * tk->capbuf : 1024;
        struct tl_meas *nb = realloc(tk->buf, nc * sizeof *nb);
        if (nb == NULL)
            return TL_ENOMEM;
        tk->buf = nb;
        tk->capbuf = nc;
    }
    tk->st.measurements++;
    if (m->t_s < tk->buf_max_t)
        tk->st.late_in_window++;
    tk->buf_max_t = fmax(tk->buf_max_t, m->t_s);
    {
        /* Keep the buffer in validity order by insertion from the end: reports arrive nearly in
         * order, so this is O(1) for almost every one. */
        size_t i = tk->nbuf++;
        while (i > 0 && by_validity(&tk->buf[i - 1], m) > 0) {
            tk->buf[i] = tk->buf[i - 1];
            i--;
        }
        tk->buf[i] = *m;
    }
    /* Everything valid before (arrival - lag) can no longer be overtaken by a report that
     * arrives later within the lag: process it. Scans at the same time need all their
     * detections, so only strictly older times are processed. */
    return process_due_scans(tk, m->arrival_s - tk->cfg.lag_s - 1e-9);
}

int tl_tracker_flush(struct tl_tracker *tk)
{
    if (tk == NULL)
        return TL_EINVAL;
    return process_due_scans(tk, INFINITY); /* resumes whatever a failure left, too */
}
