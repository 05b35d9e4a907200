/* The tracker on simulated data, end to end in one process. */
#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_test.h"
#include "trilink/sim.h"
#include "trilink/track.h"

static const char SCENARIO[] =
    "epoch: 2023-07-12T00:59:00Z\n"
    "sensors:\n"
    "  - {id: R1, kind: radar, lat_deg: 37.0, lon_deg: 128.5, alt_m: 100,\n"
    "     sigma_range_m: 25, sigma_azimuth_deg: 0.05, sigma_elevation_deg: 0.05,\n"
    "     sigma_range_rate_mps: 1.0, min_elevation_deg: 0.5, max_range_km: 900,\n"
    "     detection_probability: 0.9, false_alarms_per_scan: 3, latency_s: 0.4}\n"
    "  - {id: R2, kind: radar, lat_deg: 38.5, lon_deg: 131.0, alt_m: 10,\n"
    "     sigma_range_m: 20, sigma_azimuth_deg: 0.04, sigma_elevation_deg: 0.04,\n"
    "     sigma_range_rate_mps: 1.0, min_elevation_deg: 0.5, max_range_km: 900,\n"
    "     detection_probability: 0.9, false_alarms_per_scan: 3, latency_s: 0.6}\n"
    "launches:\n"
    "  - {id: M, class: srbm, site: {lat_deg: 39.2, lon_deg: 125.7}, time_s: 10,\n"
    "     azimuth_deg: 95, range_km: 300}\n";

struct sink {
    int confirmed_ids[64], n;
    struct tl_gauss last;
    long reports;
};

static void on_report(void *ctx, const struct tl_track_report *r)
{
    struct sink *s = ctx;
    int known = 0;

    s->reports++;
    if (r->status == TL_TRACK_CONFIRMED || r->status == TL_TRACK_COASTING) {
        for (int i = 0; i < s->n; i++)
            known |= s->confirmed_ids[i] == r->id;
        if (!known && s->n < 64)
            s->confirmed_ids[s->n++] = r->id;
        s->last = r->state;
    }
}

static struct tl_scenario *sc;
static struct tl_sim *sim;
static struct tl_meas *meas;
static size_t n_meas;

static int setup(void **state)
{
    char path[] = "/tmp/tl_pipeXXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_diag d;

    (void)state;
    fputs(SCENARIO, f);
    fclose(f);
    memset(&d, 0, sizeof d);
    if (tl_scenario_load(path, &sc, &d) != TL_OK || tl_sim_run(sc, &e, &sim, &d) != TL_OK ||
        tl_sim_measure(sim, &sc->sensors, 3, &meas, &n_meas) != TL_OK) {
        unlink(path);
        return -1;
    }
    unlink(path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(meas);
    tl_sim_destroy(sim);
    tl_scenario_destroy(sc);
    return 0;
}

static struct tl_tracker_stats run(enum tl_filter_kind f, const struct tl_meas *m, size_t n,
                                   struct sink *out)
{
    struct tl_tracker_cfg cfg = tl_tracker_cfg_default();
    struct tl_tracker *tk;
    struct tl_tracker_stats st;

    cfg.filter = f;
    memset(out, 0, sizeof *out);
    cfg.gate_prob = 1.0; /* a gate that holds everything is refused */
    assert_int_equal(tl_tracker_create(&cfg, &sc->sensors, on_report, out, &tk), TL_EINVAL);
    cfg.gate_prob = tl_tracker_cfg_default().gate_prob;
    assert_int_equal(tl_tracker_create(&cfg, &sc->sensors, on_report, out, &tk), TL_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tl_tracker_add(tk, &m[i]), TL_OK);
    assert_int_equal(tl_tracker_flush(tk), TL_OK);
    tl_tracker_stats(tk, &st);
    tl_tracker_destroy(tk);
    return st;
}

/* One missile in clutter (3 false alarms per scan and radar): one confirmed track, none false,
 * and its final estimate near the truth. */
static void one_missile_one_track(void **state)
{
    for (int f = 0; f < 2; f++) {
        struct sink s;
        double y[6], err = 0.0;
        size_t nfa = 0;
        (void)state;
        for (size_t i = 0; i < n_meas; i++)
            nfa += meas[i].object < 0;
        assert_true(nfa > 1000);
        run(f == 0 ? TL_FILTER_EKF : TL_FILTER_UKF, meas, n_meas, &s);
        if (s.n != 1)
            fail_msg("%s: %d confirmed tracks, expected 1", f == 0 ? "EKF" : "UKF", s.n);
        assert_int_equal(tl_sim_state(sim, 0, s.last.t_s, y, NULL), TL_OK);
        for (int k = 0; k < 3; k++)
            err += (y[k] - s.last.x[k]) * (y[k] - s.last.x[k]);
        if (!(sqrt(err) < 500.0))
            fail_msg("%s: final position error %.0f m", f == 0 ? "EKF" : "UKF", sqrt(err));
    }
}

/* issue9_one_row_per_track_and_time: two radars scanning at the same instants gave two reports
 * (two tracks.csv rows, at different altitudes) for one track and time, and the statuses coasting
 * and deleted were never reported. Now: at most one report per track and validity time, times
 * increasing per track, and the confirmed track's life ends in a deleted report after the impact
 * (the sensors scan on for TL_SIM_AFTER_IMPACT_S), with nothing after it. */
struct life {
    int id[4096];
    double t[4096];
    int status[4096];
    int n;
};

static void record(void *ctx, const struct tl_track_report *r)
{
    struct life *l = ctx;
    if (l->n < 4096) {
        l->id[l->n] = r->id;
        l->t[l->n] = r->state.t_s;
        l->status[l->n++] = (int)r->status;
    }
}

static void issue9_one_row_per_track_and_time(void **state)
{
    struct tl_tracker_cfg cfg = tl_tracker_cfg_default();
    struct tl_tracker *tk;
    static struct life l;
    int confirmed_id = -1, saw_confirmed = 0, saw_deleted = 0, same_time = 0;

    (void)state;
    memset(&l, 0, sizeof l);
    assert_int_equal(tl_tracker_create(&cfg, &sc->sensors, record, &l, &tk), TL_OK);
    for (size_t i = 0; i < n_meas; i++)
        assert_int_equal(tl_tracker_add(tk, &meas[i]), TL_OK);
    assert_int_equal(tl_tracker_flush(tk), TL_OK);
    tl_tracker_destroy(tk);
    for (int i = 0; i < l.n; i++) {
        for (int j = i + 1; j < l.n; j++)
            if (l.id[j] == l.id[i] && !(l.t[j] > l.t[i]))
                fail_msg("track %d reported at t = %.3f s after a report at %.3f s", l.id[i], l.t[j],
                         l.t[i]);
        if (l.status[i] == TL_TRACK_CONFIRMED)
            confirmed_id = l.id[i];
    }
    assert_true(confirmed_id > 0);
    for (int i = 0; i < l.n; i++) {
        if (l.id[i] != confirmed_id)
            continue;
        if (saw_deleted)
            fail_msg("track %d reported (%s) after its deletion", l.id[i],
                     tl_track_status_name((enum tl_track_status)l.status[i]));
        saw_confirmed |= l.status[i] == TL_TRACK_CONFIRMED;
        saw_deleted |= l.status[i] == TL_TRACK_DELETED;
        /* two sensors at one instant: R1 and R2 both scan every second */
        for (int j = 0; j < l.n; j++)
            same_time += j != i && l.id[j] == l.id[i] && l.t[j] == l.t[i];
    }
    assert_true(saw_confirmed);
    if (!saw_deleted)
        fail_msg("track %d was never reported deleted (%d reports)", confirmed_id, l.n);
    assert_int_equal(same_time, 0);
    assert_true(tl_sim_end_s(sim) + TL_SIM_AFTER_IMPACT_S >= meas[n_meas - 1].t_s);
}

/* Reports arriving out of order within the lag are processed in validity order: the result is
 * the same, to the bit, as in order. */
static void out_of_order_within_the_lag(void **state)
{
    struct tl_meas *m = malloc(n_meas * sizeof *m);
    struct sink a, b;
    struct tl_tracker_stats sa, sb;
    struct tl_rng r;

    (void)state;
    memcpy(m, meas, n_meas * sizeof *m);
    tl_rng_seed(&r, 9);
    /* Shuffle neighbours whose arrival times are under 3 s apart (the lag is 5 s). */
    for (size_t i = 0; i + 1 < n_meas; i++)
        if (tl_rng_uniform(&r) < 0.5 && m[i + 1].arrival_s - m[i].arrival_s < 3.0) {
            struct tl_meas t = m[i];
            m[i] = m[i + 1];
            m[i + 1] = t;
        }
    sa = run(TL_FILTER_EKF, meas, n_meas, &a);
    sb = run(TL_FILTER_EKF, m, n_meas, &b);
    assert_true(sb.late_in_window > 0);
    assert_int_equal(sb.late_beyond_lag, 0);
    assert_int_equal(a.n, b.n);
    assert_true(sa.associated == sb.associated);
    for (int k = 0; k < 6; k++)
        assert_true(a.last.x[k] == b.last.x[k]);
    free(m);
}

/* Reports later than the lag are not dropped: they are counted and used (retrodiction). */
static void late_beyond_the_lag(void **state)
{
    struct tl_meas *m = malloc(n_meas * sizeof *m);
    struct sink s;
    struct tl_tracker_stats st;
    size_t delayed = 0, w = 0;

    (void)state;
    /* Hold back every 50th true detection by 30 s of arrival, then re-sort by arrival. */
    for (size_t i = 0; i < n_meas; i++) {
        m[i] = meas[i];
        if (meas[i].object >= 0 && i % 50 == 0) {
            m[i].arrival_s += 30.0;
            delayed++;
        }
    }
    for (size_t i = 1; i < n_meas; i++) { /* insertion sort: nearly sorted already */
        struct tl_meas t = m[i];
        size_t j = i;
        while (j > 0 && m[j - 1].arrival_s > t.arrival_s) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = t;
    }
    (void)w;
    st = run(TL_FILTER_EKF, m, n_meas, &s);
    assert_true(delayed > 0);
    assert_true(st.late_beyond_lag > 0 && (size_t)st.late_beyond_lag <= delayed);
    assert_true(st.measurements == (long)n_meas);
    assert_int_equal(s.n, 1);
    free(m);
}

/* Two geostationary infrared sensors alone: their lines of sight triangulate the booster, so a
 * track starts within seconds of launch and is confirmed on infrared alone. */
static void infrared_stereo_starts_a_track(void **state)
{
    static const char IR[] =
        "epoch: 2023-07-12T00:59:00Z\n"
        "sensors:\n"
        "  - {id: IR1, kind: ir, lat_deg: 0.0, lon_deg: 140.0, alt_m: 35786000,\n"
        "     sigma_azimuth_deg: 0.005, sigma_elevation_deg: 0.005, revisit_s: 2.0, latency_s: 1}\n"
        "  - {id: IR2, kind: ir, lat_deg: 0.0, lon_deg: 100.0, alt_m: 35786000,\n"
        "     sigma_azimuth_deg: 0.005, sigma_elevation_deg: 0.005, revisit_s: 2.0, latency_s: 1}\n"
        "launches:\n"
        "  - {id: B, class: irbm, site: {lat_deg: 40.6, lon_deg: 126.3}, time_s: 10,\n"
        "     azimuth_deg: 90, range_km: 3000}\n";
    char path[] = "/tmp/tl_irXXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_scenario *isc;
    struct tl_sim *isim;
    struct tl_meas *m;
    size_t n;
    struct tl_diag d;
    struct tl_tracker_cfg cfg = tl_tracker_cfg_default();
    struct tl_tracker *tk;
    struct sink s;
    double y[6], err = 0.0;

    (void)state;
    fputs(IR, f);
    fclose(f);
    memset(&d, 0, sizeof d);
    assert_int_equal(tl_scenario_load(path, &isc, &d), TL_OK);
    unlink(path);
    assert_int_equal(tl_sim_run(isc, &e, &isim, &d), TL_OK);
    assert_int_equal(tl_sim_measure(isim, &isc->sensors, 1, &m, &n), TL_OK);
    memset(&s, 0, sizeof s);
    assert_int_equal(tl_tracker_create(&cfg, &isc->sensors, on_report, &s, &tk), TL_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tl_tracker_add(tk, &m[i]), TL_OK);
    assert_int_equal(tl_tracker_flush(tk), TL_OK);
    tl_tracker_destroy(tk);
    assert_int_equal(s.n, 1);
    /* The last estimate (end of boost) against the truth: stereo from 36,000 km is a few km. */
    assert_int_equal(tl_sim_state(isim, 0, s.last.t_s, y, NULL), TL_OK);
    for (int k = 0; k < 3; k++)
        err += (y[k] - s.last.x[k]) * (y[k] - s.last.x[k]);
    if (!(sqrt(err) < 5000.0))
        fail_msg("infrared-only position error %.0f m", sqrt(err));
    free(m);
    tl_sim_destroy(isim);
    tl_scenario_destroy(isc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_missile_one_track),
        cmocka_unit_test(issue9_one_row_per_track_and_time),
        cmocka_unit_test(out_of_order_within_the_lag),
        cmocka_unit_test(late_beyond_the_lag),
        cmocka_unit_test(infrared_stereo_starts_a_track),
    };
    return cmocka_run_group_tests_name("pipeline", tests, setup, teardown);
}
