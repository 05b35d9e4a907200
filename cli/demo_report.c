/* trilink demo: the summary at the end, per nation (from each node's summary file, read with
 * tl_node_summary_read, and its database's audit chain) and per missile (from each node's
 * database against the truth), printed and, with --summary, written as JSON. */
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/geo.h"
#include "trilink/sim.h"
#include "trilink/store.h"
#include "trilink/summary.h"
#include "cli.h"
#include "demo.h"

/* A system track row counts for a missile when it is this close to the missile's truth. */
#define ASSOC_M 20000.0

/* ---- per missile, from each nation's database ---------------------------------------------- */

/* One missile seen by one nation: its system track and the figures of the summary. */
struct seen {
    int32_t system_no;
    long votes;
    char nations[16]; /* every nation whose track contributed to it, in order of first sight */
    double first_lp_s, first_ipp_s, miss_first_m, miss_bo60_m, miss_last_m, semi_major_m,
        semi_minor_m;
    long predictions_bo30, contained_bo30; /* from burnout + 30 s to impact: predictions, and
                                              those whose 95 % ellipse held the impact */
};

/* Whether the true impact of @p o lies in the 95 % ellipse centred at (lat, lon) (degrees) with
 * semi-axes @p a, @p b (m), major axis @p maz_deg clockwise from north. */
static int holds_impact(const struct tl_sim_object *o, double lat_deg, double lon_deg, double a,
                        double b, double maz_deg)
{
    double d = NAN, az = 0.0, xm, xn;

    tl_geo_inverse(&TL_WGS84, tl_deg2rad(lat_deg), tl_deg2rad(lon_deg), o->flight.impact.lat_rad,
                   o->flight.impact.lon_rad, &d, &az, NULL);
    xm = d * cos(az - tl_deg2rad(maz_deg)) / fmax(a, 1e-6);
    xn = d * sin(az - tl_deg2rad(maz_deg)) / fmax(b, 1e-6);
    return xm * xm + xn * xn <= 1.0;
}

static double miss_to(const struct tl_sim_object *o, double lat_deg, double lon_deg)
{
    double d = NAN;
    tl_geo_inverse(&TL_WGS84, tl_deg2rad(lat_deg), tl_deg2rad(lon_deg), o->flight.impact.lat_rad,
                   o->flight.impact.lon_rad, &d, NULL, NULL);
    return d;
}

/* Reads the fused picture of @p db (table system_tracks, README "The node database"), gives each
 * system track to the missile its rows were nearest (within ASSOC_M, by vote), and for each
 * missile takes the system track with most votes. @p out has tl_sim_count(sim) entries. */
static int per_missile(const char *db, const struct tl_sim *sim, int64_t epoch_ns,
                       struct seen *out)
{
    enum { MAXSYS = 512 };
    static long votes[MAXSYS][64];
    static int32_t nos[MAXSYS];
    const int nm = tl_sim_count(sim) < 64 ? tl_sim_count(sim) : 64;
    int nsys = 0, rc = 0;
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    static const char *const q =
        "SELECT system_no, t_ns, scen_ns, x_m, y_m, z_m, launch_ns, impact_lat_deg,"
        " impact_lon_deg, semi_major_m, semi_minor_m, contributors, major_az_deg FROM system_tracks"
        " WHERE status <> 'deleted' ORDER BY id";

    memset(votes, 0, sizeof votes);
    for (int i = 0; i < nm; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].first_lp_s = out[i].first_ipp_s = out[i].miss_first_m = out[i].miss_bo60_m =
            out[i].miss_last_m = out[i].semi_major_m = out[i].semi_minor_m = NAN;
    }
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h, q, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "trilink demo: %s: %s\n", db, sqlite3_errmsg(h));
        sqlite3_close(h);
        return -1;
    }
    /* pass 1: votes */
    while (sqlite3_step(s) == SQLITE_ROW) {
        const int32_t no = (int32_t)sqlite3_column_int64(s, 0);
        const double t_s = (double)(sqlite3_column_int64(s, 1) - epoch_ns) * 1e-9;
        const double p[3] = { sqlite3_column_double(s, 3), sqlite3_column_double(s, 4),
                              sqlite3_column_double(s, 5) };
        int k = -1, best = -1;
        double bd = ASSOC_M;
        for (int i = 0; i < nsys; i++)
            if (nos[i] == no)
                k = i;
        if (k < 0 && nsys < MAXSYS) {
            k = nsys++;
            nos[k] = no;
        }
        for (int m = 0; m < nm && k >= 0; m++) {
            double y[6], d;
            if (tl_sim_state(sim, m, t_s, y, NULL) != TL_OK)
                continue;
            d = sqrt((y[0] - p[0]) * (y[0] - p[0]) + (y[1] - p[1]) * (y[1] - p[1]) +
                     (y[2] - p[2]) * (y[2] - p[2]));
            if (d < bd) {
                bd = d;
                best = m;
            }
        }
        if (best >= 0)
            votes[k][best]++;
    }
    for (int m = 0; m < nm; m++)
        for (int k = 0; k < nsys; k++) {
            int owner = 0; /* the missile this system track voted for most */
            for (int j = 1; j < nm; j++)
                if (votes[k][j] > votes[k][owner])
                    owner = j;
            if (owner == m && votes[k][m] > out[m].votes) {
                out[m].votes = votes[k][m];
                out[m].system_no = nos[k];
            }
        }
    /* pass 2: the figures of each missile's system track */
    sqlite3_reset(s);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const int32_t no = (int32_t)sqlite3_column_int64(s, 0);
        const int64_t t_ns = sqlite3_column_int64(s, 1);
        const int64_t at_ns = sqlite3_column_int64(s, 2) > 0 ? sqlite3_column_int64(s, 2) : t_ns;
        for (int m = 0; m < nm; m++) {
            const struct tl_sim_object *o = tl_sim_object(sim, m);
            const int64_t launch_ns = epoch_ns + (int64_t)llround(o->t_launch_s * 1e9);
            const int64_t impact_ns = launch_ns + (int64_t)llround(o->flight.impact_t_s * 1e9);
            const int64_t bo60_ns =
                launch_ns + (int64_t)llround((o->flight.burnout_t_s + 60.0) * 1e9);
            const int64_t bo30_ns = bo60_ns - 30000000000LL;
            struct seen *w = &out[m];
            double miss;
            if (w->votes == 0 || w->system_no != no)
                continue;
            {
                /* "KR:3,US:1": the nations */
                const char *c = (const char *)sqlite3_column_text(s, 11);
                while (c != NULL && *c != '\0') {
                    const size_t len = strcspn(c, ":,"), item = strcspn(c, ",");
                    char code[8];
                    if (len > 0 && len < sizeof code) {
                        memcpy(code, c, len);
                        code[len] = '\0';
                        if (strstr(w->nations, code) == NULL &&
                            strlen(w->nations) + len + 2 < sizeof w->nations)
                            snprintf(w->nations + strlen(w->nations),
                                     sizeof w->nations - strlen(w->nations), "%s%s",
                                     w->nations[0] ? "," : "", code);
                    }
                    c += item + (c[item] == ',');
                }
            }
            if (sqlite3_column_type(s, 6) != SQLITE_NULL && isnan(w->first_lp_s))
                w->first_lp_s = (double)(at_ns - launch_ns) * 1e-9;
            if (sqlite3_column_type(s, 7) == SQLITE_NULL)
                continue;
            miss = miss_to(o, sqlite3_column_double(s, 7), sqlite3_column_double(s, 8));
            if (isnan(w->first_ipp_s)) {
                w->first_ipp_s = (double)(at_ns - launch_ns) * 1e-9;
                w->miss_first_m = miss;
            }
            if (t_ns <= bo60_ns)
                w->miss_bo60_m = miss;
            if (t_ns >= bo30_ns && t_ns <= impact_ns &&
                sqlite3_column_type(s, 12) != SQLITE_NULL) {
                w->predictions_bo30++;
                w->contained_bo30 += holds_impact(o, sqlite3_column_double(s, 7),
                                                  sqlite3_column_double(s, 8),
                                                  sqlite3_column_double(s, 9),
                                                  sqlite3_column_double(s, 10),
                                                  sqlite3_column_double(s, 12));
            }
            if (t_ns < impact_ns) { /* the last prediction made before the impact */
                w->miss_last_m = miss;
                w->semi_major_m = sqlite3_column_double(s, 9);
                w->semi_minor_m = sqlite3_column_double(s, 10);
            }
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    return rc;
}

static json_t *num_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

/* "840 m" or "12.3 km": a 40 m miss must not print as 0.0 km. */
static void dist(char *buf, size_t size, double m)
{
    if (isnan(m))
        snprintf(buf, size, "-");
    else if (m < 10e3)
        snprintf(buf, size, "%.0f m", m);
    else
        snprintf(buf, size, "%.1f km", m / 1e3);
}

static double secs_after(int64_t ns, int64_t launch_ns)
{
    return ns > 0 ? (double)(ns - launch_ns) * 1e-9 : NAN;
}

/* ---- the node's figures in the demo's JSON, under the node's own keys (trilink/summary.h) -- */

static json_t *pcts_json(const struct tl_summary_pcts *p)
{
    if (p->samples == 0)
        return json_null();
    return json_pack("{s:I,s:f,s:f,s:f}", "samples", (json_int_t)p->samples, "median", p->median,
                     "p99", p->p99, "max", p->max);
}

/* received (@p relayed 0) or relayed per partner nation. */
static json_t *partners_json(const struct tl_node_summary *s, int relayed)
{
    json_t *o = json_object();

    for (int k = 0; k < s->n_partners; k++)
        json_object_set_new(o, s->partner[k].nation,
                            json_integer(relayed ? s->partner[k].relayed : s->partner[k].received));
    return o;
}

/* Scenario seconds after launch of the last sample received through the relay, per partner. */
static json_t *last_relayed_json(const struct tl_node_summary *s, int64_t launch_ns)
{
    json_t *o = json_object();

    for (int k = 0; k < s->n_partners; k++) {
        const int64_t ns = s->partner[k].last_relayed_ns;
        json_object_set_new(o, s->partner[k].nation,
                            ns > 0 ? json_real((double)(ns - launch_ns) * 1e-9) : json_null());
    }
    return o;
}

static json_t *gain_json(const struct tl_summary_gain *g)
{
    return json_pack("{s:I,s:f,s:f,s:f,s:f,s:f,s:f}", "samples", (json_int_t)g->samples,
                     "median_ratio", g->median_ratio, "mean_ratio", g->mean_ratio, "max_ratio",
                     g->max_ratio, "fraction_at_least_as_good", g->fraction_at_least_as_good,
                     "last_best_single_semi_major_m", g->last_best_single_semi_major_m,
                     "last_fused_semi_major_m", g->last_fused_semi_major_m);
}

static json_t *storage_json(const struct tl_summary_storage *st)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:f}", "queued", (json_int_t)st->queued, "committed",
                     (json_int_t)st->committed, "dropped", (json_int_t)st->dropped,
                     "transactions", (json_int_t)st->transactions, "max_commit_ms",
                     st->max_commit_ms);
}

static json_t *system_json(const struct tl_node_summary *s)
{
    const struct tl_summary_system *y = &s->system_track;
    json_t *o;

    if (!s->has_system_track)
        return json_null();
    o = json_pack("{s:i,s:s}", "number", (int)y->number, "contributors", y->contributors);
    if (o != NULL && y->has_launch)
        json_object_set_new(o, "launch",
                            json_pack("{s:f,s:f,s:f,s:I}", "lat_deg", y->launch.lat_deg, "lon_deg",
                                      y->launch.lon_deg, "err_m", y->launch.err_m, "t_ns",
                                      (json_int_t)y->launch.t_ns));
    return o;
}

static json_t *impact_json(const struct tl_node_summary *s)
{
    const struct tl_summary_impact *im = &s->impact;

    if (!s->has_impact)
        return json_null();
    return json_pack("{s:f,s:f,s:f,s:f,s:I}", "lat_deg", im->lat_deg, "lon_deg", im->lon_deg,
                     "semi_major_m", im->semi_major_m, "semi_minor_m", im->semi_minor_m, "t_ns",
                     (json_int_t)im->t_ns);
}

static json_t *numbers_json(const struct tl_node_summary *s)
{
    json_t *a = json_array();

    for (int k = 0; k < s->n_system_numbers; k++)
        json_array_append_new(a, json_integer(s->system_numbers[k]));
    return a;
}

/* The per-nation part of the summary, from the node's own summary file and its database. */
static json_t *nation_summary(int i, const struct tl_node_summary *s, int64_t launch_ns)
{
    json_t *nj = json_object();
    int64_t na = 0, badseq = 0;
    char why[300] = "", db[PATH_MAX + 16];
    int ok;

    json_object_set_new(nj, "system_tracks", json_integer(s->system_tracks));
    json_object_set_new(nj, "first_launch_point_s",
                        num_or_null(secs_after(s->first_launch_point_ns, launch_ns)));
    json_object_set_new(nj, "first_impact_point_s",
                        num_or_null(secs_after(s->first_impact_point_ns, launch_ns)));
    json_object_set_new(nj, "received", partners_json(s, 0));
    json_object_set_new(nj, "relayed", partners_json(s, 1));
    json_object_set_new(nj, "last_relayed_s", last_relayed_json(s, launch_ns));
    json_object_set_new(nj, "latency_ms", pcts_json(&s->latency_ms));
    json_object_set_new(nj, "impact", impact_json(s));
    json_object_set_new(nj, "fusion_gain", gain_json(&s->fusion_gain));
    json_object_set_new(nj, "system_track", system_json(s));
    json_object_set_new(nj, "rejected", json_integer(s->rejected));
    json_object_set_new(nj, "storage", storage_json(&s->storage));
    json_object_set_new(nj, "share_latency_ms", pcts_json(&s->share_latency_ms));
    json_object_set_new(nj, "system_numbers", numbers_json(s));
    snprintf(db, sizeof db, "%s/%s.db", x.dir, nations[i]);
    ok = tl_audit_verify(db, &na, &badseq, why, sizeof why) == TL_OK;
    json_object_set_new(nj, "audit",
                        json_pack("{s:I,s:b}", "entries", (json_int_t)na, "intact", ok));
    if (!ok)
        fprintf(stderr, "trilink demo: audit of %s: %s\n", nations[i], why);
    return nj;
}

/* "KR 1532, US 2210": received (@p relayed 0) or relayed per partner, "-" for none. */
static void counts(char *buf, size_t size, const struct tl_node_summary *s, int relayed)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int k = 0; k < s->n_partners; k++) {
        const struct tl_summary_partner *p = &s->partner[k];
        len += (size_t)snprintf(buf + len, size - len, "%s%s %lld", len ? ", " : "", p->nation,
                                (long long)(relayed ? p->relayed : p->received));
        if (len >= size)
            break;
    }
    if (buf[0] == '\0')
        snprintf(buf, size, "-");
}

/* ---- the report ------------------------------------------------------------------------------ */

/* What the tables and the JSON share: each nation's view of each missile, its main system track
 * and its impact point. */
struct report {
    const struct demo_run *r;
    int nm;                   /* missiles, at most 64 */
    struct seen (*seen)[64];  /* [nation][missile] */
    int main_no[3];
    double ipp[3][2];
    int have[3];
};

/* The run's settings and the truth of each missile. */
static void report_head(const struct report *p, json_t *out)
{
    const struct demo_run *r = p->r;
    json_t *truth = json_object();

    json_object_set_new(out, "scenario", json_string(r->sc->name[0] ? r->sc->name : r->scen_abs));
    json_object_set_new(out, "speed", json_real(r->speed));
    json_object_set_new(out, "skip_quiet", json_boolean(r->skip_quiet));
    json_object_set_new(out, "security", json_boolean(r->security));
    json_object_set_new(out, "topology", json_string(r->mesh ? "mesh" : "relay via US"));
    json_object_set_new(out, "sharing", json_boolean(!r->no_share));
    json_object_set_new(out, "measurements", json_integer((json_int_t)r->n_items));
    for (int m = 0; m < p->nm; m++) {
        const struct tl_sim_object *o = tl_sim_object(r->sim, m);
        json_object_set_new(truth, o->id,
                            json_pack("{s:f,s:f,s:f,s:f,s:f}", "launch_s", o->t_launch_s,
                                      "impact_lat_deg", tl_rad2deg(o->flight.impact.lat_rad),
                                      "impact_lon_deg", tl_rad2deg(o->flight.impact.lon_rad),
                                      "launch_to_impact_s", o->flight.impact_t_s,
                                      "burnout_s", o->flight.burnout_t_s));
    }
    json_object_set_new(out, "truth", truth);
}

/* One nation's row of the table and its part of the JSON (into @p jn). Returns an exit status. */
static int report_nation(struct report *p, int i, json_t *jn)
{
    const struct demo_run *r = p->r;
    struct tl_node_summary *s = malloc(sizeof *s);
    struct tl_diag diag = { 0 };
    json_t *nj;
    char rx[64], rl[64], lt[64] = "-", db[PATH_MAX + 16], path[PATH_MAX + 64], why[600];

    if (s == NULL)
        return cli_error("demo", TL_EXIT_FAIL, "out of memory");
    snprintf(path, sizeof path, "%s/%s-summary.json", r->dir, nations[i]);
    if (tl_node_summary_read(path, s, &diag) != TL_OK) {
        free(s);
        tl_diag_format(&diag, why, sizeof why);
        return cli_error("demo", TL_EXIT_FAIL, "%s", why);
    }
    nj = nation_summary(i, s, x.launch_ns);
    snprintf(db, sizeof db, "%s/%s.db", r->dir, nations[i]);
    per_missile(db, r->sim, r->sc->epoch_ns, p->seen[i]);
    p->main_no[i] = s->has_system_track ? (int)s->system_track.number : 0;
    counts(rx, sizeof rx, s, 0);
    counts(rl, sizeof rl, s, 1);
    if (s->latency_ms.samples > 0)
        snprintf(lt, sizeof lt, "%.1f / %.1f / %.1f", s->latency_ms.median, s->latency_ms.p99,
                 s->latency_ms.max);
    /* the main system track's impact point against its own missile's truth */
    for (int m = 0; m < p->nm; m++)
        if (p->main_no[i] != 0 && p->seen[i][m].system_no == p->main_no[i]) {
            json_object_set_new(nj, "impact_miss_m", num_or_null(p->seen[i][m].miss_last_m));
            json_object_set_new(nj, "impact_miss_missile",
                                json_string(tl_sim_object(r->sim, m)->id));
        }
    if (s->has_impact) {
        p->ipp[i][0] = s->impact.lat_deg;
        p->ipp[i][1] = s->impact.lon_deg;
        p->have[i] = 1;
    }
    printf("%-3s %6lld %8.1f %9.1f %-22s %-22s %-22s #%d\n", nations[i],
           (long long)s->system_tracks, secs_after(s->first_launch_point_ns, x.launch_ns),
           secs_after(s->first_impact_point_ns, x.launch_ns), rx, rl, lt, p->main_no[i]);
    json_object_set_new(jn, nations[i], nj);
    free(s);
    return TL_EXIT_OK;
}

/* The table per missile, and its JSON (into @p jm). */
static void report_missiles(const struct report *p, json_t *jm)
{
    char path[32];

    printf("\n== summary per missile (seconds after its launch; impact-point miss against the "
           "truth)\n");
    printf("%-10s %-3s %6s %8s %9s %11s %11s %11s  %-22s %s\n", "missile", "", "systrk", "1st LP",
           "1st IPP", "miss first", "burnout+60", "miss last", "95% ellipse (last)",
           "held (burnout+30 on)");
    for (int m = 0; m < p->nm; m++) {
        json_t *one = json_object();
        for (int i = 0; i < 3; i++) {
            const struct seen *w = &p->seen[i][m];
            char a[24], b[24], d3[24], e1[24], e2[24], ell[52], held[40] = "-";
            json_object_set_new(
                one, nations[i],
                json_pack("{s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}", "system_track",
                          w->votes ? json_integer(w->system_no) : json_null(),
                          "contributors", w->nations,
                          "first_launch_point_s", num_or_null(w->first_lp_s),
                          "first_impact_point_s", num_or_null(w->first_ipp_s),
                          "miss_first_m", num_or_null(w->miss_first_m),
                          "miss_burnout_plus_60_m", num_or_null(w->miss_bo60_m),
                          "miss_last_m", num_or_null(w->miss_last_m), "semi_major_m",
                          num_or_null(w->semi_major_m), "semi_minor_m",
                          num_or_null(w->semi_minor_m), "containment",
                          w->predictions_bo30 > 0
                              ? json_real((double)w->contained_bo30 / (double)w->predictions_bo30)
                              : json_null(),
                          "containment_predictions", (json_int_t)w->predictions_bo30));
            dist(a, sizeof a, w->miss_first_m);
            dist(b, sizeof b, w->miss_bo60_m);
            dist(d3, sizeof d3, w->miss_last_m);
            dist(e1, sizeof e1, w->semi_major_m);
            dist(e2, sizeof e2, w->semi_minor_m);
            snprintf(ell, sizeof ell, "%s x %s", e1, e2);
            if (w->predictions_bo30 > 0)
                snprintf(held, sizeof held, "%.0f %% of %ld",
                         100.0 * (double)w->contained_bo30 / (double)w->predictions_bo30,
                         w->predictions_bo30);
            printf("%-10s %-3s %6s %8.1f %9.1f %11s %11s %11s  %-22s %s\n",
                   i == 0 ? tl_sim_object(p->r->sim, m)->id : "", nations[i],
                   w->votes ? (snprintf(path, sizeof path, "#%d", (int)w->system_no), path)
                            : "-",
                   w->first_lp_s, w->first_ipp_s, a, b, d3, ell, held);
        }
        json_object_set_new(jm, tl_sim_object(p->r->sim, m)->id, one);
    }
}

/* Each fault as scheduled, whether it was done, and what it found. */
static json_t *faults_json(void)
{
    static const char *const kinds[] = { "kill", "stop", "inject" };
    json_t *fa = json_array();

    for (int i = 0; i < x.n_faults; i++) {
        const struct fault *f = &x.fault[i];
        json_t *o2 = json_pack("{s:s,s:s,s:f,s:f,s:b}", "kind", kinds[f->kind], "nation",
                               nations[f->nation], "at_s", f->at_s, "duration_s", f->dur_s,
                               "done", f->done);
        if (f->kind == FAULT_KILL) {
            json_object_set_new(o2, "rows_committed_before", json_integer(f->rows_before));
            json_object_set_new(o2, "rows_after_restart", json_integer(f->rows_after));
        }
        if (f->kind == FAULT_INJECT)
            json_object_set_new(o2, "injected", json_integer(f->injected));
        json_array_append_new(fa, o2);
    }
    return fa;
}

/* How far apart the three nations' main impact points are, when all three have one. */
static void report_agreement(const struct report *p, json_t *out)
{
    const double(*ipp)[2] = p->ipp;
    double d01, d12, d02, worst;
    char w[24];

    if (!(p->have[0] && p->have[1] && p->have[2]))
        return;
    tl_geo_inverse(&TL_WGS84, tl_deg2rad(ipp[0][0]), tl_deg2rad(ipp[0][1]),
                   tl_deg2rad(ipp[1][0]), tl_deg2rad(ipp[1][1]), &d01, NULL, NULL);
    tl_geo_inverse(&TL_WGS84, tl_deg2rad(ipp[1][0]), tl_deg2rad(ipp[1][1]),
                   tl_deg2rad(ipp[2][0]), tl_deg2rad(ipp[2][1]), &d12, NULL, NULL);
    tl_geo_inverse(&TL_WGS84, tl_deg2rad(ipp[0][0]), tl_deg2rad(ipp[0][1]),
                   tl_deg2rad(ipp[2][0]), tl_deg2rad(ipp[2][1]), &d02, NULL, NULL);
    worst = fmax(d01, fmax(d12, d02));
    dist(w, sizeof w, worst);
    if (p->main_no[0] == p->main_no[1] && p->main_no[1] == p->main_no[2])
        printf("common picture: the main system track's impact points agree within %s "
               "across KR, US, JP\n", w);
    json_object_set_new(out, "max_ipp_disagreement_m", json_real(worst));
}

int demo_report(const struct demo_run *r)
{
    struct report p;
    json_t *out = NULL, *jn = NULL, *jm = NULL;
    int status = TL_EXIT_OK;

    memset(&p, 0, sizeof p);
    p.r = r;
    p.nm = tl_sim_count(r->sim) < 64 ? tl_sim_count(r->sim) : 64;
    p.seen = calloc(3, sizeof *p.seen);
    if (p.seen == NULL)
        return cli_error("demo", TL_EXIT_FAIL, "out of memory");
    out = json_object();
    jn = json_object();
    jm = json_object();
    report_head(&p, out);
    printf("\n== summary per nation (times in seconds after the first launch)\n");
    printf("%-3s %6s %8s %9s %-22s %-22s %-22s %s\n", "", "systrk", "1st LP", "1st IPP",
           "received", "relayed", "latency ms med/p99/max", "main system track");
    for (int i = 0; i < 3 && status == TL_EXIT_OK; i++)
        status = report_nation(&p, i, jn);
    if (status != TL_EXIT_OK)
        goto out;
    demo_warnings(r, jn);
    json_object_set_new(out, "nations", jn);
    jn = NULL;
    report_missiles(&p, jm);
    json_object_set_new(out, "missiles", jm);
    jm = NULL;
    if (x.n_faults > 0)
        json_object_set_new(out, "faults", faults_json());
    report_agreement(&p, out);
    if (r->summary != NULL && json_dump_file(out, r->summary, JSON_INDENT(2)) != 0) {
        status = cli_error("demo", TL_EXIT_FAIL, "--summary: cannot write '%s'", r->summary);
        goto out;
    }
    if (r->summary != NULL)
        printf("summary -> %s\n", r->summary);
out:
    json_decref(jn);
    json_decref(jm);
    json_decref(out);
    free(p.seen);
    return status;
}
