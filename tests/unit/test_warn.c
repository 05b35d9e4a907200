/* The warn layer: rules (defaults = data/warn-rules.yaml, bad rules refused), estimates checked
 * (NaN, ellipses not positive definite: refused, never an alert), the threats of real flights
 * (the shipped IRBM scenario flown by the simulator: the boost fan warns downrange; the
 * ballistic estimate names the prefectures under the track), and the lifecycle (Alert, Update
 * with releases, all-clear, Cancel; references; a drill only says Exercise). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "trilink/assess.h"
#include "trilink/cap.h"
#include "trilink/earth.h"
#include "trilink/geo.h"
#include "trilink/sim.h"
#include "trilink/trajectory.h"
#include "trilink/warn.h"
#include "tl_test.h"

static struct tl_areas *areas;
static struct tl_warn_out *record; /* when set, the sink also writes each message there */

/* What the sink received. */
struct got {
    int n;
    enum tl_cap_type type[64];
    int all_clear[64], exercise[64], n_refs[64], n_areas[64];
    char first_area[64][16];
    enum tl_cap_threat first_threat[64];
    char ids[64][96];
    char refs0[64][96];
    int xml_exercise_only;
    int under_power[64], predicted[64]; /* the English text says so */
};

static int sink(void *ctx, const struct tl_cap_msg *m)
{
    struct got *g = ctx;
    char *xml = NULL;
    size_t len = 0;
    struct tl_diag d = { 0 };
    if (g->n >= 64)
        return 0;
    g->type[g->n] = m->type;
    g->all_clear[g->n] = m->all_clear;
    g->exercise[g->n] = m->exercise;
    g->n_refs[g->n] = m->n_refs;
    g->n_areas[g->n] = m->n_areas;
    snprintf(g->ids[g->n], sizeof g->ids[0], "%s", m->identifier);
    snprintf(g->refs0[g->n], sizeof g->refs0[0], "%s", m->n_refs ? m->refs[0].identifier : "");
    if (m->n_areas > 0) {
        snprintf(g->first_area[g->n], sizeof g->first_area[0], "%s", m->areas[0].code);
        g->first_threat[g->n] = m->areas[0].threat;
    }
    assert_int_equal(tl_cap_xml(m, &xml, &len, &d), TL_OK);
    g->under_power[g->n] = strstr(xml, "It is still under power") != NULL;
    g->predicted[g->n] = strstr(xml, "Predicted impact") != NULL;
    if (record != NULL)
        assert_int_equal(tl_warn_out_write(record, m, NULL, 0, &d), TL_OK);
    if (m->exercise && (strstr(xml, "<status>Exercise</status>") == NULL ||
                        strstr(xml, "<status>Actual</status>") != NULL))
        g->xml_exercise_only = -1;
    free(xml);
    g->n++;
    return 0;
}

static struct tl_warn *make(const char *nation, int exercise, struct got *g)
{
    struct tl_warn_cfg c;
    struct tl_warn *w = NULL;
    struct tl_diag d = { 0 };
    memset(&c, 0, sizeof c);
    snprintf(c.nation, sizeof c.nation, "%s", nation);
    c.epoch_ns = 1664835600LL * 1000000000LL; /* 2022-10-03T22:20:00Z */
    c.exercise = exercise;
    c.utc_offset_min = tl_warn_utc_offset(nation);
    snprintf(c.sender, sizeof c.sender, "trilink@test");
    snprintf(c.sender_name, sizeof c.sender_name, "test");
    c.rules = tl_warn_rules_default();
    c.areas = areas;
    assert_int_equal(tl_warn_create(&c, sink, g, &w, &d), TL_OK);
    return w;
}

/* A state coming down over (lat, lon) at 60 km, falling at 2 km/s, with a 95 % ellipse of
 * @p a_m by @p b_m around the impact point (lat, lon). */
static struct tl_warn_obs falling(int no, double t_s, double lat_deg, double lon_deg, double a_m,
                                  double b_m)
{
    struct tl_warn_obs o;
    struct tl_lla p = { tl_deg2rad(lat_deg), tl_deg2rad(lon_deg), 60000.0 };
    double enu[3][3];
    memset(&o, 0, sizeof o);
    o.system_no = no;
    o.t_s = t_s;
    tl_geo_lla_to_ecef(&TL_WGS84, &p, o.x);
    tl_geo_enu_basis(p.lat_rad, p.lon_rad, enu);
    for (int k = 0; k < 3; k++)
        o.x[3 + k] = -2000.0 * enu[2][k];
    o.phase = TL_PHASE_REENTRY;
    o.has_impact = 1;
    o.impact_t_s = t_s + 30.0;
    o.impact_lat_rad = p.lat_rad;
    o.impact_lon_rad = p.lon_rad;
    o.semi_major_m = a_m;
    o.semi_minor_m = b_m;
    o.major_az_rad = 0.3;
    o.cls = TL_CLASS_IRBM;
    o.apogee_m = 970e3;
    return o;
}

static void rules_file_is_the_default(void **state)
{
    struct tl_warn_rules def = tl_warn_rules_default(), r = def;
    struct tl_diag d = { 0 };
    (void)state;
    /* start far from the defaults: the file must set every value */
    for (int i = 0; i < TL_WARN_N_RULES; i++) {
        r.rule[i].on_probability = 0.9;
        r.rule[i].off_probability = 0.8;
        snprintf(r.rule[i].severity, sizeof r.rule[i].severity, "Minor");
    }
    r.release_after_s = r.expires_s = r.min_update_s = r.stale_s = 999.0;
    r.ellipse_change = 9.0;
    r.overflight_height_m = 1.0;
    r.impact_samples = r.corridor_samples = 200;
    assert_int_equal(tl_warn_rules_load(TL_SOURCE_DIR "/data/warn-rules.yaml", &r, &d), TL_OK);
    for (int i = 0; i < TL_WARN_N_RULES; i++) {
        TL_ASSERT_NEAR(r.rule[i].on_probability, def.rule[i].on_probability, 0.0);
        TL_ASSERT_NEAR(r.rule[i].off_probability, def.rule[i].off_probability, 0.0);
        assert_string_equal(r.rule[i].severity, def.rule[i].severity);
        assert_string_equal(r.rule[i].urgency, def.rule[i].urgency);
        assert_string_equal(r.rule[i].certainty, def.rule[i].certainty);
    }
    TL_ASSERT_NEAR(r.release_after_s, def.release_after_s, 0.0);
    TL_ASSERT_NEAR(r.expires_s, def.expires_s, 0.0);
    TL_ASSERT_NEAR(r.min_update_s, def.min_update_s, 0.0);
    TL_ASSERT_NEAR(r.stale_s, def.stale_s, 0.0);
    TL_ASSERT_NEAR(r.ellipse_change, def.ellipse_change, 0.0);
    TL_ASSERT_NEAR(r.overflight_height_m, def.overflight_height_m, 0.0);
    assert_int_equal(r.impact_samples, def.impact_samples);
    assert_int_equal(r.corridor_samples, def.corridor_samples);
    /* a bad set is refused, naming the field */
    r = def;
    r.rule[TL_WARN_EEZ_IMPACT].off_probability = 0.5;
    assert_int_equal(tl_warn_rules_check(&r, &d), TL_EINVAL);
    assert_string_equal(d.field, "eez_impact.off");
    r = def;
    snprintf(r.rule[0].urgency, sizeof r.rule[0].urgency, "Soon");
    assert_int_equal(tl_warn_rules_check(&r, &d), TL_EINVAL);
    assert_string_equal(d.field, "land_impact.urgency");
}

static void bad_estimates_never_alert(void **state)
{
    struct got g = { 0 };
    struct tl_warn *w = make("JP", 0, &g);
    struct tl_warn_stats st;
    struct tl_diag d = { 0 };
    struct tl_warn_obs o = falling(1, 100.0, 40.82, 140.74, 5000.0, 3000.0);
    (void)state;
    o.x[4] = NAN;
    assert_int_equal(tl_warn_observe(w, &o, 100.0, &d), TL_EINVAL);
    assert_string_equal(d.field, "vy_mps");
    o = falling(1, 100.0, 40.82, 140.74, 5000.0, 0.0);
    assert_int_equal(tl_warn_observe(w, &o, 100.0, &d), TL_EINVAL);
    assert_non_null(strstr(d.message, "not positive definite"));
    o = falling(1, 100.0, 40.82, 140.74, 3000.0, 5000.0); /* minor > major */
    assert_int_equal(tl_warn_observe(w, &o, 100.0, &d), TL_EINVAL);
    o = falling(1, 100.0, 40.82, 140.74, 5000.0, 3000.0);
    o.impact_lat_rad = NAN;
    assert_int_equal(tl_warn_observe(w, &o, 100.0, &d), TL_EINVAL);
    assert_int_equal(g.n, 0);
    tl_warn_stats(w, &st);
    assert_int_equal(st.rejected, 4);
    assert_int_equal(st.messages, 0);
    /* an unknown nation has no areas: refused at creation */
    {
        struct tl_warn_cfg c;
        struct tl_warn *x = NULL;
        memset(&c, 0, sizeof c);
        snprintf(c.nation, sizeof c.nation, "XX");
        snprintf(c.sender, sizeof c.sender, "s");
        c.rules = tl_warn_rules_default();
        c.areas = areas;
        assert_int_equal(tl_warn_create(&c, sink, &g, &x, &d), TL_EINVAL);
        assert_string_equal(d.field, "nation");
        assert_null(x);
    }
    tl_warn_destroy(w);
}

/* Impact in Aomori: Alert; the prediction moves out to sea: the area is released after
 * release_after_s (an Update naming it with threat none); it falls: the all-clear; each message
 * references all before it. A drill says Exercise, in the struct and in the XML. */
static void lifecycle_alert_release_all_clear(void **state)
{
    struct got g = { 0 };
    struct tl_warn *w = make("JP", 1, &g);
    struct tl_warn_obs o = falling(7, 100.0, 40.60, 140.46, 5000.0, 3000.0);
    struct tl_diag d = { 0 };
    (void)state;
    assert_int_equal(tl_warn_observe(w, &o, 100.0, &d), TL_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.type[0], TL_CAP_ALERT);
    assert_string_equal(g.first_area[0], "JP-02");
    assert_int_equal(g.first_threat[0], TL_CAP_IMPACT);
    /* the same again: no news, no message */
    o.t_s = o.impact_t_s = 101.0;
    o.impact_t_s += 30.0;
    assert_int_equal(tl_warn_observe(w, &o, 101.0, &d), TL_OK);
    assert_int_equal(g.n, 1);
    /* now over the open Pacific: released only after 30 s below the release threshold */
    for (double t = 102.0; t <= 140.0; t += 2.0) {
        o = falling(7, t, 35.0, 170.0, 5000.0, 3000.0);
        assert_int_equal(tl_warn_observe(w, &o, t, &d), TL_OK);
    }
    assert_int_equal(g.n, 2);
    assert_int_equal(g.type[1], TL_CAP_UPDATE);
    assert_int_equal(g.all_clear[1], 0);
    assert_string_equal(g.first_area[1], "JP-02");
    assert_int_equal(g.first_threat[1], TL_CAP_NONE);
    assert_int_equal(g.n_refs[1], 1);
    assert_string_equal(g.refs0[1], g.ids[0]);
    /* it ends after its impact time: the all-clear */
    o.ended = 1;
    o.t_s = 200.0;
    assert_int_equal(tl_warn_observe(w, &o, 200.0, &d), TL_OK);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.type[2], TL_CAP_UPDATE);
    assert_int_equal(g.all_clear[2], 1);
    assert_int_equal(g.n_refs[2], 2);
    for (int i = 0; i < g.n; i++)
        assert_int_equal(g.exercise[i], 1);
    assert_int_equal(g.xml_exercise_only, 0);
    /* closed: nothing more, even at the end */
    assert_int_equal(tl_warn_finish(w, 300.0), TL_OK);
    assert_int_equal(g.n, 3);
    tl_warn_destroy(w);
}

/* A track deleted long before the predicted impact: the warning is withdrawn by a Cancel. A
 * track merely unseen is not ended until its predicted impact has passed: then silence closes
 * it with an all-clear. */
static void lost_track_is_cancelled(void **state)
{
    struct got g = { 0 };
    struct tl_warn *w = make("JP", 0, &g);
    struct tl_warn_obs o = falling(3, 100.0, 40.60, 140.46, 5000.0, 3000.0);
    struct tl_warn_stats st;
    struct tl_diag d = { 0 };
    (void)state;
    o.phase = TL_PHASE_MIDCOURSE;
    o.impact_t_s = 700.0;
    assert_int_equal(tl_warn_observe(w, &o, 100.0, &d), TL_OK);
    assert_int_equal(g.n, 1);
    /* unseen for 10 minutes (midcourse out of reach): still in force */
    assert_int_equal(tl_warn_tick(w, 700.0), TL_OK);
    assert_int_equal(g.n, 1);
    /* the same, deleted by its tracker 9 minutes before the event: withdrawn */
    {
        struct tl_warn_obs o2 = falling(4, 100.0, 40.60, 140.46, 5000.0, 3000.0);
        o2.phase = TL_PHASE_MIDCOURSE;
        o2.impact_t_s = 700.0;
        assert_int_equal(tl_warn_observe(w, &o2, 100.0, &d), TL_OK);
        assert_int_equal(g.n, 2);
        o2.ended = 1;
        o2.t_s = 150.0;
        assert_int_equal(tl_warn_observe(w, &o2, 150.0, &d), TL_OK);
        assert_int_equal(g.n, 3);
        assert_int_equal(g.type[2], TL_CAP_CANCEL);
        assert_int_equal(g.n_refs[2], 1);
    }
    /* the first, silent past its impact time + stale_s: closed as having happened */
    assert_int_equal(tl_warn_tick(w, 761.0), TL_OK);
    assert_int_equal(g.n, 4);
    assert_int_equal(g.all_clear[3], 1);
    tl_warn_stats(w, &st);
    assert_int_equal(st.open, 0);
    assert_int_equal(st.cancels, 1);
    assert_int_equal(st.all_clears, 1);
    tl_warn_destroy(w);
}

static struct tl_sim *irbm(void)
{
    struct tl_scenario *sc = NULL;
    struct tl_sim *sim = NULL;
    struct tl_diag d = { 0 };
    struct tl_earth e = tl_earth_wgs84();
    assert_int_equal(tl_scenario_load(TL_SCENARIO_DIR "/irbm-2022-10-04.yaml", &sc, &d), TL_OK);
    assert_int_equal(tl_sim_run(sc, &e, &sim, &d), TL_OK);
    tl_scenario_destroy(sc);
    return sim;
}

static double p_of(const struct tl_warn_threat *t, int n, const char *code, int impact)
{
    for (int i = 0; i < n; i++)
        if (strcmp(tl_areas_get(areas, t[i].area)->code, code) == 0)
            return impact ? t[i].p_impact : t[i].p_overflight;
    return 0.0;
}

/* The shipped IRBM, 60 s into its 150 s burn, over North Korea: its instantaneous impact point
 * is still in North Korea, but the fan of the burn it may still fly reaches northern Japan, even
 * when the filter calls it midcourse. After burnout, the true state's ground track crosses
 * Aomori, and no prefecture of Kyushu, Shikoku or Tokyo. */
static void boost_fan_is_never_harmless_downrange(void **state)
{
    struct tl_sim *sim = irbm();
    struct got g = { 0 };
    struct tl_warn *w = make("JP", 0, &g);
    struct tl_warn_threat t[64];
    struct tl_warn_obs o;
    struct tl_diag d = { 0 };
    enum tl_phase ph;
    int n = 0;
    double any = 0.0;
    (void)state;
    memset(&o, 0, sizeof o);
    o.system_no = 1;
    o.t_s = 180.0; /* launch at 120 s */
    assert_int_equal(tl_sim_state(sim, 0, o.t_s, o.x, &ph), TL_OK);
    assert_int_equal(ph, TL_PHASE_BOOST);
    o.phase = TL_PHASE_BOOST;
    o.cls = -1;
    o.apogee_m = NAN;
    o.has_launch = 1;
    o.launch_t_s = 120.0;
    assert_int_equal(tl_warn_threats(w, &o, t, 64, &n, &d), TL_OK);
    for (int i = 0; i < n; i++)
        any = fmax(any, t[i].p_overflight);
    if (!(p_of(t, n, "JP-02", 0) > 0.05))
        fail_msg("boosting IRBM: p(overflight of Aomori) = %.3f, expected > 0.05 (max over %d "
                 "areas %.3f)", p_of(t, n, "JP-02", 0), n, any);
    /* the filter's phase may say midcourse this early: low and climbing, it is still a fan */
    o.phase = TL_PHASE_MIDCOURSE;
    assert_int_equal(tl_warn_threats(w, &o, t, 64, &n, &d), TL_OK);
    if (!(p_of(t, n, "JP-02", 0) > 0.05))
        fail_msg("IRBM at 60 s called midcourse: p(overflight of Aomori) = %.3f, expected > 0.05",
                 p_of(t, n, "JP-02", 0));
    /* told to the public: still under power, no class, apogee or impact of a burn cut off now
     * (which would put it in North Korea, next to the launch point) */
    o.has_impact = 1;
    o.impact_t_s = 200.0;
    o.impact_lat_rad = tl_deg2rad(40.7);
    o.impact_lon_rad = tl_deg2rad(126.5);
    o.semi_major_m = 5000.0;
    o.semi_minor_m = 3000.0;
    o.cls = TL_CLASS_SRBM;
    o.apogee_m = 5e3;
    assert_int_equal(tl_warn_observe(w, &o, o.t_s, &d), TL_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.under_power[0], 1);
    assert_int_equal(g.predicted[0], 0);
    /* 100 s after burnout (269.5 s), ballistic */
    o.t_s = 370.0;
    assert_int_equal(tl_sim_state(sim, 0, o.t_s, o.x, &ph), TL_OK);
    o.phase = TL_PHASE_MIDCOURSE;
    o.has_impact = 1;
    o.impact_t_s = 1470.3;
    o.impact_lat_rad = tl_deg2rad(30.4263);
    o.impact_lon_rad = tl_deg2rad(176.2375);
    o.semi_major_m = 40000.0;
    o.semi_minor_m = 8000.0;
    o.major_az_rad = tl_deg2rad(115.0);
    assert_int_equal(tl_warn_threats(w, &o, t, 64, &n, &d), TL_OK);
    if (!(p_of(t, n, "JP-02", 0) > 0.9))
        fail_msg("ballistic IRBM: p(overflight of Aomori) = %.3f, expected > 0.9",
                 p_of(t, n, "JP-02", 0));
    for (int i = 0; i < n; i++) {
        const char *code = tl_areas_get(areas, t[i].area)->code;
        if (strcmp(code, "JP-40") == 0 || strcmp(code, "JP-38") == 0 || strcmp(code, "JP-13") == 0)
            fail_msg("ballistic IRBM over Aomori: %s threatened (p %.3f)", code,
                     t[i].p_overflight);
        if (t[i].p_impact > 0.0)
            fail_msg("ballistic IRBM falling near 30 N 176 E: impact in %s (p %.3f)", code,
                     t[i].p_impact);
    }
    /* ballistic: the predicted impact is told, not "under power" */
    o.cls = TL_CLASS_IRBM;
    o.apogee_m = 970e3;
    assert_int_equal(tl_warn_observe(w, &o, o.t_s, &d), TL_OK);
    assert_true(g.n >= 2);
    assert_int_equal(g.under_power[g.n - 1], 0);
    assert_int_equal(g.predicted[g.n - 1], 1);
    tl_warn_destroy(w);
    tl_sim_destroy(sim);
}

/* A node killed with a warning in force and restarted on the same folder: the new warner takes
 * the chain up from warnings.csv. Its next message for that missile is an Update referencing
 * the Alert sent before the restart, numbered on (-2); a warning the first run closed stays
 * closed; one no estimate reaches again is closed once its event time has passed. The folder is
 * appended to, its files numbered on. Rows of another nation's warner, or naming an area this
 * nation does not have, are refused and named. */
static void restart_takes_up_warnings(void **state)
{
    char dir[] = "/tmp/tl-warn-resume-XXXXXX", csv[64], file[160];
    struct got g1 = { 0 }, g2 = { 0 };
    struct tl_warn *w1 = make("JP", 0, &g1), *w2, *w3;
    struct tl_warn_obs o = falling(7, 100.0, 40.60, 140.46, 5000.0, 3000.0);
    struct tl_warn_obs gone = falling(8, 100.0, 41.0, 140.8, 5000.0, 3000.0);
    struct tl_warn_row *rows = NULL;
    struct tl_warn_stats st;
    struct tl_diag d = { 0 };
    size_t n = 0;
    int n_open = -1;
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(csv, sizeof csv, "%s/warnings.csv", dir);
    assert_int_equal(tl_warn_out_open(dir, 1664835600LL * 1000000000LL, &record, &d), TL_OK);
    o.impact_t_s = gone.impact_t_s = 700.0;
    o.phase = gone.phase = TL_PHASE_MIDCOURSE;
    assert_int_equal(tl_warn_observe(w1, &o, 100.0, &d), TL_OK); /* Alert, S7 */
    assert_int_equal(tl_warn_observe(w1, &gone, 100.0, &d), TL_OK); /* Alert, S8 */
    gone.ended = 1;
    gone.t_s = 150.0;
    assert_int_equal(tl_warn_observe(w1, &gone, 150.0, &d), TL_OK); /* Cancel, S8 */
    assert_int_equal(g1.n, 3);
    assert_int_equal(g1.type[2], TL_CAP_CANCEL);
    assert_int_equal(tl_warn_out_close(record, &d), TL_OK);
    tl_warn_destroy(w1); /* killed: no all-clear */

    assert_int_equal(tl_warn_rows_read(csv, 1664835600LL * 1000000000LL, &rows, &n, &d), TL_OK);
    assert_true(n >= 3);
    w2 = make("JP", 0, &g2);
    assert_int_equal(tl_warn_resume(w2, rows, n, &n_open, &d), TL_OK);
    assert_int_equal(n_open, 1);
    tl_warn_stats(w2, &st);
    assert_int_equal(st.open, 1);
    assert_int_equal(tl_warn_out_resume(dir, 1664835600LL * 1000000000LL, &record, &d), TL_OK);
    /* S7 now over the open Pacific: released after release_after_s, by an Update */
    for (double t = 200.0; t <= 240.0; t += 2.0) {
        o = falling(7, t, 35.0, 170.0, 5000.0, 3000.0);
        assert_int_equal(tl_warn_observe(w2, &o, t, &d), TL_OK);
    }
    assert_int_equal(g2.n, 1);
    assert_int_equal(g2.type[0], TL_CAP_UPDATE);
    assert_string_equal(g2.first_area[0], "JP-02");
    assert_int_equal(g2.first_threat[0], TL_CAP_NONE);
    assert_string_equal(g2.refs0[0], g1.ids[0]);
    assert_non_null(strstr(g2.ids[0], "-S7-2"));
    /* S8 was cancelled before the restart: still closed, nothing sent at the end */
    assert_int_equal(tl_warn_finish(w2, 300.0), TL_OK);
    assert_int_equal(g2.n, 2); /* S7's all-clear only */
    assert_int_equal(g2.all_clear[1], 1);
    assert_int_equal(tl_warn_out_close(record, &d), TL_OK);
    record = NULL;
    snprintf(file, sizeof file, "%s/000005-%s.xml", dir, g2.ids[1]);
    if (access(file, R_OK) != 0)
        fail_msg("expected the 5th file of the folder at %s", file);

    /* taken up again but never seen: closed only after its event time (700 s) + stale_s */
    tl_warn_destroy(w2);
    memset(&g2, 0, sizeof g2);
    w3 = make("JP", 0, &g2);
    assert_int_equal(tl_warn_resume(w3, rows, 3, &n_open, &d), TL_OK);
    assert_int_equal(n_open, 1);
    assert_int_equal(tl_warn_tick(w3, 400.0), TL_OK);
    assert_int_equal(g2.n, 0);
    assert_int_equal(tl_warn_tick(w3, 761.0), TL_OK);
    assert_int_equal(g2.n, 1);
    assert_int_equal(g2.all_clear[0], 1);
    assert_string_equal(g2.refs0[0], g1.ids[0]);
    /* a started warner is not taken up again */
    assert_int_equal(tl_warn_resume(w3, rows, n, NULL, &d), TL_EINVAL);
    tl_warn_destroy(w3);

    /* rows not of this warner */
    w3 = make("KR", 0, &g2);
    assert_int_equal(tl_warn_resume(w3, rows, n, NULL, &d), TL_EPARSE);
    assert_string_equal(d.field, "identifier");
    assert_non_null(strstr(d.message, "JP-"));
    tl_warn_destroy(w3);
    w3 = make("JP", 0, &g2);
    snprintf(rows[0].area, sizeof rows[0].area, "XX-99");
    assert_int_equal(tl_warn_resume(w3, rows, n, NULL, &d), TL_EPARSE);
    assert_string_equal(d.field, "area");
    assert_non_null(strstr(d.message, "XX-99"));
    tl_warn_destroy(w3);
    free(rows);
    /* a damaged record is refused, naming the line and the column, nothing returned */
    {
        static const char *const bad[][2] = {
            { "2022-10-04T07:21:40+09:00,JP-20221003T222140-S7-1,Alert,impact,JP-02,1.5,700\n",
              "probability" },
            { "2022-10-04T07:21:40+09:00,JP-20221003T222140-S7-1,Alarm,impact,JP-02,1,700\n",
              "msg_type" },
            { "2022-10-04T07:21:40+09:00,JP-20221003T222140-1,Alert,impact,JP-02,1,700\n",
              "identifier" },
            { "2022-10-04T07:21:40+09:00,JP-20221003T222140-S7-1,Alert,impact,JP-02,1,nan\n",
              "event_time_s" },
            { "yesterday,JP-20221003T222140-S7-1,Alert,impact,JP-02,1,700\n", "sent" },
            { "2022-10-04T07:21:40+09:00,JP-20221003T222140-S7-1,Alert,impact,JP-02\n", "row" },
        };
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            FILE *f = fopen(csv, "w");
            assert_non_null(f);
            fprintf(f, "sent,identifier,msg_type,threat,area,probability,event_time_s\n%s",
                    bad[k][0]);
            fclose(f);
            rows = (struct tl_warn_row *)&n; /* must come back NULL */
            memset(&d, 0, sizeof d);
            assert_int_equal(tl_warn_rows_read(csv, 0, &rows, &n, &d), TL_EPARSE);
            if (strcmp(d.field, bad[k][1]) != 0 || d.line != 2)
                fail_msg("row '%s': field '%s' line %d, expected '%s' line 2 (%s)", bad[k][0],
                         d.field, d.line, bad[k][1], d.message);
            assert_null(rows);
            assert_int_equal(n, 0);
        }
    }
    {
        char cmd[96];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            print_message("could not remove %s\n", dir);
    }
}

/* The last estimate before a coverage gap puts Aomori below the release threshold: the area is
 * released release_after_s (30 s) later by the clock alone, not held until the next estimate. */
static void release_needs_no_new_estimate(void **state)
{
    struct got g = { 0 };
    struct tl_warn *w = make("JP", 0, &g);
    struct tl_warn_obs o = falling(5, 100.0, 40.60, 140.46, 5000.0, 3000.0);
    struct tl_diag d = { 0 };
    (void)state;
    o.phase = TL_PHASE_MIDCOURSE;
    o.impact_t_s = 2000.0;
    assert_int_equal(tl_warn_observe(w, &o, 100.0, &d), TL_OK);
    assert_int_equal(g.n, 1);
    o = falling(5, 102.0, 35.0, 170.0, 5000.0, 3000.0);
    o.phase = TL_PHASE_MIDCOURSE;
    o.impact_t_s = 2000.0;
    assert_int_equal(tl_warn_observe(w, &o, 102.0, &d), TL_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(tl_warn_tick(w, 131.0), TL_OK); /* 29 s below: still in force */
    assert_int_equal(g.n, 1);
    assert_int_equal(tl_warn_tick(w, 132.5), TL_OK);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.type[1], TL_CAP_UPDATE);
    assert_int_equal(g.all_clear[1], 0);
    assert_string_equal(g.first_area[1], "JP-02");
    assert_int_equal(g.first_threat[1], TL_CAP_NONE);
    assert_int_equal(tl_warn_tick(w, 200.0), TL_OK); /* told once */
    assert_int_equal(g.n, 2);
    tl_warn_destroy(w);
}

static int setup(void **state)
{
    struct tl_diag d = { 0 };
    (void)state;
    if (tl_areas_load(TL_SOURCE_DIR "/data/areas", &areas, &d) != TL_OK) {
        fprintf(stderr, "areas: %s: %s\n", d.field, d.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tl_areas_destroy(areas);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_file_is_the_default),
        cmocka_unit_test(bad_estimates_never_alert),
        cmocka_unit_test(lifecycle_alert_release_all_clear),
        cmocka_unit_test(lost_track_is_cancelled),
        cmocka_unit_test(boost_fan_is_never_harmless_downrange),
        cmocka_unit_test(restart_takes_up_warnings),
        cmocka_unit_test(release_needs_no_new_estimate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
