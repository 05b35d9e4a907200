#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_test.h"
#include "trilink/trajectory.h"

#define DEG (M_PI / 180.0)

static struct tl_vehicle_set catalogue(void)
{
    struct tl_vehicle_set set;

    assert_int_equal(tl_boost_catalog_default(&set, NULL), TL_OK);
    return set;
}

/* Reads the numeric columns apogee_km, range_km, time (minutes or seconds as named) and an
 * optional tolerance from one of the CSV files in tests/data. Quoted fields may hold commas. */
struct flight_row {
    char name[64], date[16];
    double apogee_km, range_km, time_s, tol;
};

static int split_csv(char *line, char **fields, int max)
{
    int n = 0, quoted = 0;
    char *p = line;

    fields[n++] = p;
    for (; *p != '\0' && *p != '\n'; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted && n < max) {
            *p = '\0';
            fields[n++] = p + 1;
        }
    }
    *p = '\0';
    return n;
}

static int read_flights(const char *file, int minutes, struct flight_row *rows, int max)
{
    char path[512], line[1024], *f[16];
    FILE *fp;
    int n = 0;

    snprintf(path, sizeof path, "%s/%s", TL_TEST_DATA_DIR, file);
    fp = fopen(path, "r");
    if (fp == NULL)
        fail_msg("cannot open %s", path);
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    while (n < max && fgets(line, sizeof line, fp) != NULL) {
        int nf = split_csv(line, f, 16);
        assert_true(nf >= 5);
        snprintf(rows[n].name, sizeof rows[n].name, "%.63s", f[0]);
        snprintf(rows[n].date, sizeof rows[n].date, "%.15s", f[1]);
        rows[n].apogee_km = atof(f[2]);
        rows[n].range_km = atof(f[3]);
        rows[n].time_s = atof(f[4]) * (minutes ? 60.0 : 1.0);
        rows[n].tol = nf > 5 && !minutes ? atof(f[5]) : 0.03;
        n++;
    }
    fclose(fp);
    return n;
}

static void check_flights(const char *file, int minutes, int expect)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_vehicle_set set = catalogue();
    const struct tl_lla site = { 39.03 * DEG, 125.68 * DEG, 0.0 };
    struct flight_row rows[32];
    int n = read_flights(file, minutes, rows, 32);

    assert_int_equal(n, expect);
    for (int i = 0; i < n; i++) {
        struct tl_analysis a;
        struct tl_diag d;
        double err;

        memset(&d, 0, sizeof d);
        if (tl_traj_analyze(&e, &set, NULL, &site, 90.0 * DEG, rows[i].apogee_km * 1e3,
                            rows[i].range_km * 1e3, &a, &d) != TL_OK)
            fail_msg("%s %s: %s", rows[i].name, rows[i].date, d.message);
        err = a.flight.impact_t_s / rows[i].time_s - 1.0;
        print_message("%-11s %s  %-10s %7.1f s, reported %7.1f s, %+.2f %%\n", rows[i].name,
                      rows[i].date, a.class_name, a.flight.impact_t_s, rows[i].time_s,
                      100.0 * err);
        /* The flight reached the published figures (the design tolerance is half a metre). */
        TL_ASSERT_NEAR(a.flight.apogee_h_m, rows[i].apogee_km * 1e3, 1.0);
        TL_ASSERT_NEAR(a.flight.range_m, rows[i].range_km * 1e3, 1.0);
        if (!(fabs(err) <= rows[i].tol))
            fail_msg("%s %s: flight time %.1f s is %+.2f %% from the reported %.1f s (limit %.0f %%)",
                     rows[i].name, rows[i].date, a.flight.impact_t_s, 100.0 * err, rows[i].time_s,
                     100.0 * rows[i].tol);
    }
}

/* Issue 2 acceptance: the three reference flights within 3 % of the reported flight time. */
static void reference_flight_times(void **state)
{
    (void)state;
    check_flights("flights.csv", 1, 3);
}

/* Further published flights, none used to build the model. */
static void validation_flight_times(void **state)
{
    (void)state;
    check_flights("validation_flights.csv", 0, 8);
}

/* Issue 12: the solid classes against the published apogee and range of solid-propellant flights
 * (no flight times are published for them). Each row names the range class given to --class and
 * the variant expected to fly it; the payload stays within a factor of 3 of the class's nominal
 * one, so a flight is not reached by loading a class far off its design. */
static void solid_flights(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_vehicle_set set = catalogue();
    const struct tl_lla site = { 39.03 * DEG, 125.68 * DEG, 0.0 };
    char path[512], line[1024], *f[16];
    FILE *fp;
    int n = 0;

    (void)state;
    snprintf(path, sizeof path, "%s/solid_flights.csv", TL_TEST_DATA_DIR);
    fp = fopen(path, "r");
    if (fp == NULL)
        fail_msg("cannot open %s", path);
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    while (fgets(line, sizeof line, fp) != NULL) {
        struct tl_analysis a;
        struct tl_diag d;
        const struct tl_vehicle *v;
        double apogee, range;

        assert_true(split_csv(line, f, 16) >= 6);
        apogee = atof(f[2]) * 1e3;
        range = atof(f[3]) * 1e3;
        memset(&d, 0, sizeof d);
        if (tl_traj_analyze(&e, &set, f[4], &site, 90.0 * DEG, apogee, range, &a, &d) != TL_OK)
            fail_msg("%s %s (--class %s): %s", f[0], f[1], f[4], d.message);
        v = tl_boost_catalog_find(&set, a.class_name);
        print_message("%-13s %s  %-10s %6.0f kg payload, %6.1f s\n", f[0], f[1], a.class_name,
                      a.launch.payload_kg, a.flight.impact_t_s);
        if (strcmp(a.class_name, f[5]) != 0)
            fail_msg("%s %s: flown by %s, expected %s", f[0], f[1], a.class_name, f[5]);
        TL_ASSERT_NEAR(a.flight.apogee_h_m, apogee, 1.0);
        TL_ASSERT_NEAR(a.flight.range_m, range, 1.0);
        if (!(a.launch.payload_kg > v->payload_kg / 3.0 && a.launch.payload_kg < 3.0 * v->payload_kg))
            fail_msg("%s %s: payload %.0f kg, nominal %.0f kg", f[0], f[1], a.launch.payload_kg,
                     v->payload_kg);
        n++;
    }
    fclose(fp);
    assert_int_equal(n, 8);
}

/* The glide is what flies KN-23's 50 km / 600 km: without its lift the same class cannot. */
static void glide_makes_the_depressed_range(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_vehicle_set set = catalogue();
    const struct tl_lla site = { 39.03 * DEG, 125.68 * DEG, 0.0 };
    struct tl_vehicle *v = (struct tl_vehicle *)tl_boost_catalog_find(&set, "srbm-solid");
    struct tl_analysis a;
    struct tl_diag d;

    (void)state;
    assert_true(v->glide_lift_to_drag > 0.0);
    memset(&d, 0, sizeof d);
    assert_int_equal(tl_traj_analyze(&e, &set, "srbm-solid", &site, 90.0 * DEG, 50e3, 600e3, &a, &d),
                     TL_OK);
    v->glide_lift_to_drag = 0.0;
    assert_int_equal(tl_traj_analyze(&e, &set, "srbm-solid", &site, 90.0 * DEG, 50e3, 600e3, &a, &d),
                     TL_ENOSOL);
}

static void design_apogee_and_range(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_vehicle_set set = catalogue();
    struct tl_design_req req;
    struct tl_launch l;
    struct tl_flight_summary s;
    enum tl_design_why why;

    (void)state;
    memset(&req, 0, sizeof req);
    req.site = (struct tl_lla){ 40.0 * DEG, 127.0 * DEG, 100.0 };
    req.bearing_rad = 20.0 * DEG; /* north-north-east: Coriolis acts across the track */
    req.range_m = 1500e3;
    req.apogee_m = 600e3;
    req.knob = TL_ENERGY_CUTOFF;
    assert_int_equal(tl_traj_design(&e, tl_boost_catalog_find(&set, "irbm"), &req, &l, &s, &why),
                     TL_OK);
    TL_ASSERT_NEAR(s.apogee_h_m, 600e3, 1.0);
    TL_ASSERT_NEAR(s.range_m, 1500e3, 1.0);
    TL_ASSERT_NEAR(remainder(s.bearing_rad - req.bearing_rad, 2 * M_PI), 0.0, 1e-6);
    assert_true(s.burnout_t_s < s.apogee_t_s && s.apogee_t_s < s.reentry_t_s &&
                s.reentry_t_s < s.impact_t_s);
}

/* Minimum energy: the range is reached, and no other kick at the same energy goes farther. */
static void design_minimum_energy(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_vehicle_set set = catalogue();
    const struct tl_vehicle *v = tl_boost_catalog_find(&set, "mrbm");
    struct tl_design_req req;
    struct tl_launch l, m;
    struct tl_flight_summary s, sm;

    (void)state;
    memset(&req, 0, sizeof req);
    req.site = (struct tl_lla){ 39.9 * DEG, 127.6 * DEG, 0.0 };
    req.bearing_rad = 95.0 * DEG;
    req.range_m = 800e3;
    req.apogee_m = NAN;
    req.knob = TL_ENERGY_CUTOFF;
    assert_int_equal(tl_traj_design(&e, v, &req, &l, &s, NULL), TL_OK);
    TL_ASSERT_NEAR(s.range_m, 800e3, 1.0);
    for (int sgn = -1; sgn <= 1; sgn += 2) {
        m = l;
        m.kick_rad += sgn * 2.0 * DEG;
        assert_int_equal(tl_traj_fly(&e, v, &m, NULL, &sm), TL_OK);
        assert_true(sm.range_m < s.range_m);
    }
}

static void design_unreachable(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_vehicle_set set = catalogue();
    struct tl_design_req req;
    struct tl_launch l = { { 0 }, 0, 0, 0, 0 };
    struct tl_flight_summary s;
    enum tl_design_why why = TL_DESIGN_OK;

    (void)state;
    memset(&req, 0, sizeof req);
    req.site = (struct tl_lla){ 39.0 * DEG, 125.7 * DEG, 0.0 };
    req.bearing_rad = 90.0 * DEG;
    req.range_m = 3000e3; /* far beyond a Scud-like missile */
    req.apogee_m = NAN;
    assert_int_equal(tl_traj_design_vehicle(&e, tl_boost_catalog_find(&set, "srbm"), &req, 0, &l,
                                            &s, &why, NULL),
                     TL_ENOSOL);
    assert_int_equal(why, TL_DESIGN_TOO_FAR);
    TL_ASSERT_NEAR(l.payload_kg, 0.0, 0.0); /* outputs untouched on failure */
}

static void analyze_errors(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_vehicle_set set = catalogue();
    const struct tl_lla site = { 39.0 * DEG, 125.7 * DEG, 0.0 };
    struct tl_analysis a;
    struct tl_diag d;

    (void)state;
    memset(&d, 0, sizeof d);
    assert_int_equal(tl_traj_analyze(&e, &set, "scud", &site, 0.0, 100e3, 300e3, &a, &d),
                     TL_ENOTFOUND);
    assert_int_equal(tl_traj_analyze(&e, &set, NULL, &site, 0.0, 100e3, 19000e3, &a, &d),
                     TL_ENOSOL);
    assert_non_null(strstr(d.message, "not enough energy"));
    /* a range class that cannot fly it names the class that does */
    assert_int_equal(tl_traj_analyze(&e, &set, "icbm", &site, 90.0 * DEG, 50e3, 600e3, &a, &d),
                     TL_ENOSOL);
    if (strstr(d.message, "class srbm-solid flies it") == NULL)
        fail_msg("message: %s", d.message);
    assert_int_equal(tl_traj_analyze(&e, &set, "srbm", &site, 90.0 * DEG, 50e3, 600e3, &a, &d),
                     TL_OK);
    assert_string_equal(a.class_name, "srbm-solid");
    /* a pinned variant is the only one tried */
    assert_int_equal(tl_traj_analyze(&e, &set, "mrbm-solid", &site, 90.0 * DEG, 50e3, 600e3, &a, &d),
                     TL_ENOSOL);
    assert_int_equal(tl_traj_analyze(&e, &set, NULL, &site, 0.0, -5.0, 300e3, &a, &d), TL_EINVAL);
    assert_int_equal(tl_traj_analyze(&e, &set, NULL, &site, NAN, 100e3, 300e3, &a, &d), TL_EINVAL);
}

static void phases(void **state)
{
    struct tl_flight_summary s;

    (void)state;
    memset(&s, 0, sizeof s);
    s.burnout_t_s = 100.0;
    s.apogee_t_s = 500.0;
    s.reentry_t_s = 900.0;
    s.impact_t_s = 950.0;
    assert_int_equal(tl_traj_phase(&s, -1.0), TL_PHASE_PRELAUNCH);
    assert_int_equal(tl_traj_phase(&s, 50.0), TL_PHASE_BOOST);
    assert_int_equal(tl_traj_phase(&s, 600.0), TL_PHASE_MIDCOURSE);
    assert_int_equal(tl_traj_phase(&s, 920.0), TL_PHASE_REENTRY);
    assert_int_equal(tl_traj_phase(&s, 951.0), TL_PHASE_IMPACTED);
    assert_string_equal(tl_phase_name(TL_PHASE_MIDCOURSE), "midcourse");
}

/* A launcher to orbit: the catalogue's slv from Sohae toward 183 deg, asked for 500 km: the
 * orbit reached (two-body, at cut-off) has perigee and apogee within 30 km of it and the flight
 * never comes down; a missile class is no launcher. */
static void orbit_of_a_launcher(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_lla site = { 39.66 * M_PI / 180.0, 124.70 * M_PI / 180.0, 0.0 };
    struct tl_vehicle_set set;
    struct tl_launch l;
    struct tl_flight_summary s;
    double r, v2, vi[3], h[3], a, ecc, hn;

    (void)state;
    assert_int_equal(tl_boost_catalog_default(&set, NULL), TL_OK);
    assert_int_equal(tl_traj_design_orbit(&e, tl_boost_catalog_find(&set, "slv"), &site,
                                          183.0 * M_PI / 180.0, 500e3, &l, &s),
                     TL_OK);
    assert_true(isnan(s.impact_t_s));
    /* Bate, Mueller & White 2.4, from the inertial state at cut-off */
    vi[0] = s.burnout_y[3] - e.omega * s.burnout_y[1];
    vi[1] = s.burnout_y[4] + e.omega * s.burnout_y[0];
    vi[2] = s.burnout_y[5];
    r = sqrt(s.burnout_y[0] * s.burnout_y[0] + s.burnout_y[1] * s.burnout_y[1] +
             s.burnout_y[2] * s.burnout_y[2]);
    v2 = vi[0] * vi[0] + vi[1] * vi[1] + vi[2] * vi[2];
    h[0] = s.burnout_y[1] * vi[2] - s.burnout_y[2] * vi[1];
    h[1] = s.burnout_y[2] * vi[0] - s.burnout_y[0] * vi[2];
    h[2] = s.burnout_y[0] * vi[1] - s.burnout_y[1] * vi[0];
    hn = sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
    a = 1.0 / (2.0 / r - v2 / e.mu);
    ecc = sqrt(1.0 - hn * hn / (e.mu * a));
    print_message("perigee %.0f km, apogee %.0f km, cut-off %.1f s\n",
                  (a * (1.0 - ecc) - e.shape.a) / 1e3, (a * (1.0 + ecc) - e.shape.a) / 1e3,
                  l.cutoff_s);
    TL_ASSERT_NEAR(a * (1.0 - ecc) - e.shape.a, 500e3, 30e3);
    TL_ASSERT_NEAR(a * (1.0 + ecc) - e.shape.a, 500e3, 30e3);
    assert_int_equal(tl_traj_design_orbit(&e, tl_boost_catalog_find(&set, "icbm"), &site, 0.0,
                                          500e3, &l, &s),
                     TL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_flight_times), cmocka_unit_test(validation_flight_times),
        cmocka_unit_test(design_apogee_and_range), cmocka_unit_test(design_minimum_energy),
        cmocka_unit_test(design_unreachable),     cmocka_unit_test(analyze_errors),
        cmocka_unit_test(phases),                 cmocka_unit_test(orbit_of_a_launcher),
        cmocka_unit_test(solid_flights),          cmocka_unit_test(glide_makes_the_depressed_range),
    };
    return cmocka_run_group_tests_name("trajectory", tests, NULL, NULL);
}
