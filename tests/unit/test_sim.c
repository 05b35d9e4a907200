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

#define DEG (M_PI / 180.0)

static const char GOOD[] = "epoch: 2023-07-12T00:59:00Z\n"
                           "launches:\n"
                           "  - id: A\n"
                           "    class: srbm\n"
                           "    site: {lat_deg: 39.0, lon_deg: 125.7}\n"
                           "    time_s: 60\n"
                           "    azimuth_deg: 90\n"
                           "    range_km: 250\n";

/* Writes @p text to a temporary file and loads it. */
static int load_text(const char *text, struct tl_scenario **sc, struct tl_diag *d, char *path)
{
    int fd;
    FILE *f;

    strcpy(path, "/tmp/tl_scenarioXXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    memset(d, 0, sizeof *d);
    return tl_scenario_load(path, sc, d);
}

/* Each bad scenario: the text, the line and field the error must name, and words of the
 * message. */
static void bad_scenarios_name_line_and_field(void **state)
{
    static const struct {
        const char *text;
        int line;
        const char *field, *words;
    } cases[] = {
        { "epoch: 2023-07-12T00:59:00Z\nlaunches:\n  - {id: A, class: srbm, colour: red,\n"
          "     site: {lat_deg: 39, lon_deg: 125}, azimuth_deg: 90, range_km: 200}\n",
          3, "launches[0].colour", "unknown key" },
        { "epoch: 2023-07-12T00:59:00Z\nlaunches:\n  - id: A\n    class: srbm\n"
          "    site: {lat_deg: 95, lon_deg: 125}\n    azimuth_deg: 90\n    range_km: 200\n",
          5, "launches[0].site.lat_deg", "95 is outside [-90, 90]" },
        { "epoch: 2023-07-12T00:59:00Z\nlaunches:\n  - id: A\n    class: srbm\n"
          "    site: {lat_deg: 39, lon_deg: 125}\n    azimuth_deg: 90\n    range_km: -200\n",
          7, "launches[0].range_km", "outside" },
        { "launches:\n  - {id: A, class: srbm, site: {lat_deg: 39, lon_deg: 125},"
          " azimuth_deg: 90, range_km: 200}\n",
          1, "epoch", "required" },
        { "epoch: 2023-02-30T00:00:00Z\nlaunches: []\n", 1, "epoch", "ISO-8601" },
        { "epoch: 2023-07-12T00:59:00Z\nlaunches:\n  - {id: A, class: scud,"
          " site: {lat_deg: 39, lon_deg: 125}, azimuth_deg: 90, range_km: 200}\n",
          3, "launches[0].class", "unknown vehicle class 'scud'" },
        { "epoch: 2023-07-12T00:59:00Z\nradars: []\nlaunches: []\n", 2, "radars",
          "unknown key" },
        { "epoch: 2023-07-12T00:59:00Z\nlaunches:\n  - {id: A, class: srbm,"
          " site: {lat_deg: 39, lon_deg: 125}, azimuth_deg: 90}\n",
          3, "launches[0]", "range_km" },
        { "epoch: 2023-07-12T00:59:00Z\nlaunches:\n  - {id: A, class: srbm,"
          " site: {lat_deg: 39, lon_deg: 125}, azimuth_deg: ninety, range_km: 200}\n",
          3, "launches[0].azimuth_deg", "'ninety' is not a finite number" },
        { "epoch: 2023-07-12T00:59:00Z\nlaunches:\n  - {id: A, class: srbm\n", 4, "",
          "YAML syntax error" },
        { "epoch: 2023-07-12T00:59:00Z\nvehicles:\n  - {name: x, base: srbm, payload_kg: -3}\n"
          "launches: []\n",
          3, "vehicles[0].payload_kg", "outside" },
        { "epoch: 2023-07-12T00:59:00Z\nvehicles:\n  - {name: x, base: scud}\nlaunches: []\n", 3,
          "vehicles[0].base", "unknown vehicle class 'scud'" },
    };
    char path[64];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tl_scenario *sc = NULL;
        struct tl_diag d;
        char msg[800];
        int rc = load_text(cases[i].text, &sc, &d, path);

        tl_diag_format(&d, msg, sizeof msg);
        unlink(path);
        if (rc != TL_EPARSE || d.line != cases[i].line || strcmp(d.field, cases[i].field) != 0 ||
            strstr(d.message, cases[i].words) == NULL)
            fail_msg("case %zu: rc %d, got '%s' (line %d, field '%s')", i, rc, msg, d.line,
                     d.field);
        assert_non_null(strstr(msg, path)); /* the one-line message names the file */
        assert_null(sc);
    }
}

static void missing_file(void **state)
{
    struct tl_scenario *sc = NULL;
    struct tl_diag d;

    (void)state;
    memset(&d, 0, sizeof d);
    assert_int_equal(tl_scenario_load("/nonexistent/x.yaml", &sc, &d), TL_EIO);
    assert_non_null(strstr(d.message, "cannot open"));
}

static void target_out_of_reach(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_scenario *sc;
    struct tl_sim *sim = NULL;
    struct tl_diag d;
    char path[64];

    (void)state;
    assert_int_equal(load_text("epoch: 2023-07-12T00:59:00Z\nlaunches:\n"
                               "  - {id: FAR, class: srbm, site: {lat_deg: 39, lon_deg: 125},\n"
                               "     target: {lat_deg: 35.7, lon_deg: 139.7}}\n",
                               &sc, &d, path),
                     TL_OK);
    assert_int_equal(tl_sim_run(sc, &e, &sim, &d), TL_ENOSOL);
    unlink(path);
    assert_int_equal(d.line, 3);
    assert_non_null(strstr(d.message, "out of reach"));
    assert_null(sim);
    tl_scenario_destroy(sc);
}

/* A valid scenario flies; the truth starts on the pad and ends at the impact point. */
static void good_scenario_flies(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_scenario *sc;
    struct tl_sim *sim;
    struct tl_diag d;
    char path[64];
    const struct tl_sim_object *o;
    double y[6], pad[3];
    enum tl_phase ph;

    (void)state;
    assert_int_equal(load_text(GOOD, &sc, &d, path), TL_OK);
    unlink(path);
    assert_int_equal(sc->n_launches, 1);
    assert_true(sc->epoch_ns == INT64_C(1689123540) * 1000000000);
    assert_int_equal(tl_sim_run(sc, &e, &sim, &d), TL_OK);
    o = tl_sim_object(sim, 0);
    TL_ASSERT_NEAR(o->flight.range_m, 250e3, 1.0);
    assert_int_equal(tl_sim_state(sim, 0, 59.0, y, &ph), TL_ERANGE);
    assert_int_equal(ph, TL_PHASE_PRELAUNCH);
    assert_int_equal(tl_sim_state(sim, 0, 60.0, y, &ph), TL_OK);
    assert_int_equal(ph, TL_PHASE_BOOST);
    tl_geo_lla_to_ecef(&TL_WGS84, &sc->launch[0].site, pad);
    for (int k = 0; k < 3; k++)
        TL_ASSERT_NEAR(y[k], pad[k], 1e-6);
    assert_int_equal(tl_sim_state(sim, 0, 60.0 + o->flight.impact_t_s, y, &ph), TL_OK);
    TL_ASSERT_NEAR(tl_geo_height(&TL_WGS84, y), 0.0, 1e-3);
    TL_ASSERT_NEAR(tl_sim_end_s(sim), 60.0 + o->flight.impact_t_s, 1e-9);
    tl_sim_destroy(sim);
    tl_scenario_destroy(sc);
}

/* A scenario's vehicles: a new class from a base, and an override of a catalogue class. */
static void vehicle_overrides(void **state)
{
    struct tl_scenario *sc;
    struct tl_diag d;
    char path[64];
    const struct tl_vehicle *v;

    (void)state;
    assert_int_equal(load_text("epoch: 2023-07-12T00:59:00Z\n"
                               "vehicles:\n"
                               "  - {name: heavy-irbm, base: irbm, payload_kg: 900}\n"
                               "  - {name: srbm, rv_beta_kgpm2: 2500}\n"
                               "launches:\n"
                               "  - {id: A, class: heavy-irbm, site: {lat_deg: 39, lon_deg: 125},"
                               " azimuth_deg: 90, range_km: 2000}\n",
                               &sc, &d, path),
                     TL_OK);
    unlink(path);
    v = tl_boost_catalog_find(&sc->vehicles, "heavy-irbm");
    assert_non_null(v);
    TL_ASSERT_NEAR(v->payload_kg, 900.0, 0.0);
    TL_ASSERT_NEAR(v->stage[0].burn_s, tl_boost_catalog_find(&sc->vehicles, "irbm")->stage[0].burn_s,
                   0.0);
    TL_ASSERT_NEAR(tl_boost_catalog_find(&sc->vehicles, "srbm")->rv_beta_kgpm2, 2500.0, 0.0);
    assert_int_equal(sc->vehicles.n, 9); /* the catalogue's eight and heavy-irbm */
    tl_scenario_destroy(sc);
}

/* A launcher to orbit and one whose second stage fails at 200 s: the spent stages fall as objects
 * of their own (ID-S1 let go at the end of the first stage's 130 s burn), the orbiting vehicle
 * never impacts and is still there at the end of the run; the failed one comes down. */
static void launcher_stages_and_failure(void **state)
{
    static const char text[] =
        "epoch: 2023-11-21T13:40:00Z\n"
        "launches:\n"
        "  - {id: SAT, class: slv, site: {lat_deg: 39.66, lon_deg: 124.70}, time_s: 10,\n"
        "     azimuth_deg: 183, orbit_km: 500}\n"
        "  - {id: FAIL, class: slv, site: {lat_deg: 39.66, lon_deg: 124.70}, time_s: 20,\n"
        "     azimuth_deg: 183, orbit_km: 500, failure_s: 200}\n";
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_scenario *sc = NULL;
    struct tl_sim *sim = NULL;
    struct tl_diag d;
    char path[64];
    double y[6];

    (void)state;
    assert_int_equal(load_text(text, &sc, &d, path), TL_OK);
    unlink(path);
    assert_int_equal(tl_sim_run(sc, &e, &sim, &d), TL_OK);
    assert_int_equal(tl_sim_count(sim), 5); /* SAT, SAT-S1, SAT-S2, FAIL, FAIL-S1 */
    assert_string_equal(tl_sim_object(sim, 1)->id, "SAT-S1");
    TL_ASSERT_NEAR(tl_sim_object(sim, 1)->t_launch_s, 10.0 + 130.0, 1e-9);
    assert_true(isnan(tl_sim_object(sim, 0)->flight.impact_t_s));
    assert_true(isfinite(tl_sim_object(sim, 1)->flight.impact_t_s));
    assert_string_equal(tl_sim_object(sim, 3)->id, "FAIL");
    assert_true(isfinite(tl_sim_object(sim, 3)->flight.impact_t_s));
    TL_ASSERT_NEAR(tl_sim_object(sim, 3)->flight.burnout_t_s, 200.0, 1e-9);
    assert_int_equal(tl_sim_state(sim, 0, tl_sim_end_s(sim), y, NULL), TL_OK);
    assert_true(tl_geo_height(&e.shape, y) > 400e3);
    tl_sim_destroy(sim);
    tl_scenario_destroy(sc);
    /* orbit_km is for launchers, and an orbit is not also a range */
    assert_int_equal(load_text("epoch: 2023-11-21T13:40:00Z\nlaunches:\n  - {id: X, class: icbm, "
                               "site: {lat_deg: 39, lon_deg: 125}, azimuth_deg: 90, orbit_km: 500}\n",
                               &sc, &d, path),
                     TL_EPARSE);
    unlink(path);
    assert_non_null(strstr(d.message, "not a launcher"));
}

/* The shipped scenarios are valid and fly (the salvo: 8 launches within 40 minutes). */
static void shipped_scenarios(void **state)
{
    static const char *const files[] = { "icbm-2023-07-12.yaml", "irbm-2022-10-04.yaml",
                                         "srbm-salvo-2022-06-05.yaml" };
    const struct tl_earth e = tl_earth_wgs84();

    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        struct tl_scenario *sc;
        struct tl_sim *sim;
        struct tl_diag d;
        double first = 1e99, last = 0;

        snprintf(path, sizeof path, "%s/%s", TL_SCENARIO_DIR, files[i]);
        memset(&d, 0, sizeof d);
        if (tl_scenario_load(path, &sc, &d) != TL_OK || tl_sim_run(sc, &e, &sim, &d) != TL_OK)
            fail_msg("%s:%d: %s: %s", path, d.line, d.field, d.message);
        for (int k = 0; k < tl_sim_count(sim); k++) {
            first = fmin(first, tl_sim_object(sim, k)->t_launch_s);
            last = fmax(last, tl_sim_object(sim, k)->t_launch_s);
        }
        if (i == 2) {
            assert_int_equal(tl_sim_count(sim), 8);
            assert_true(last - first <= 2400.0);
        }
        tl_sim_destroy(sim);
        tl_scenario_destroy(sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_scenarios_name_line_and_field),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(target_out_of_reach),
        cmocka_unit_test(good_scenario_flies),
        cmocka_unit_test(launcher_stages_and_failure),
        cmocka_unit_test(vehicle_overrides),
        cmocka_unit_test(shipped_scenarios),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
