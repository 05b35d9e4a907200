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
#include "trilink/sensor.h"

#define DEG (M_PI / 180.0)

static const char SENSORS[] =
    "epoch: 2023-07-12T00:59:00Z\n"
    "sensors:\n"
    "  - {id: R1, nation: KR, kind: radar, lat_deg: 36.0, lon_deg: 127.9, alt_m: 300,\n"
    "     sigma_range_m: 25, sigma_azimuth_deg: 0.05, sigma_elevation_deg: 0.05,\n"
    "     sigma_range_rate_mps: 1.0, min_elevation_deg: 0.5, max_range_km: 900,\n"
    "     azimuth_limits_deg: [300, 90], revisit_s: 1.0, detection_probability: 0.95,\n"
    "     false_alarms_per_scan: 2, latency_s: 0.3}\n"
    "  - {id: IR1, nation: US, kind: ir, lat_deg: 0.0, lon_deg: 140.0, alt_m: 35786000,\n"
    "     sigma_azimuth_deg: 0.005, sigma_elevation_deg: 0.005, revisit_s: 2.0}\n";

static void write_file(char *path, const char *text)
{
    int fd;
    FILE *f;

    strcpy(path, "/tmp/tl_sensorXXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

static struct tl_sensor_set load(void)
{
    struct tl_sensor_set set;
    struct tl_diag d;
    char path[64];

    write_file(path, SENSORS);
    memset(&d, 0, sizeof d);
    if (tl_sensor_load(path, &set, &d) != TL_OK)
        fail_msg("%d: %s: %s", d.line, d.field, d.message);
    unlink(path);
    return set;
}

static void sensors_file(void **state)
{
    const struct tl_sensor_set set = load();
    char path[64];
    struct tl_sensor_set bad;
    struct tl_diag d;

    (void)state;
    assert_int_equal(set.n, 2);
    assert_int_equal(set.s[0].kind, TL_SENSOR_RADAR);
    TL_ASSERT_NEAR(set.s[0].max_range_m, 900e3, 0.0);
    TL_ASSERT_NEAR(set.s[0].latency_s, 0.3, 0.0);
    assert_true(set.s[0].has_az_sector);
    assert_int_equal(tl_sensor_find(&set, "IR1"), 1);
    /* An ir sensor with a range noise, and an unknown kind, are errors naming line and field. */
    write_file(path, "epoch: 2023-07-12T00:59:00Z\nsensors:\n  - {id: X, kind: ir, lat_deg: 0,\n"
                     "     lon_deg: 140, sigma_azimuth_deg: 0.01, sigma_elevation_deg: 0.01,\n"
                     "     sigma_range_m: 5}\n");
    memset(&d, 0, sizeof d);
    assert_int_equal(tl_sensor_load(path, &bad, &d), TL_EPARSE);
    unlink(path);
    assert_string_equal(d.field, "sensors[0].sigma_range_m");
    assert_int_equal(d.line, 5); /* the line of the offending key */
    write_file(path, "epoch: 2023-07-12T00:59:00Z\nsensors:\n  - {id: X, kind: sonar, lat_deg: 0}\n");
    assert_int_equal(tl_sensor_load(path, &bad, &d), TL_EPARSE);
    unlink(path);
    assert_non_null(strstr(d.message, "'sonar' is not radar or ir"));
}

static void coverage(void **state)
{
    const struct tl_sensor_set set = load();
    const struct tl_sensor *r = &set.s[0], *ir = &set.s[1];
    const struct tl_lla north = { 39.0 * DEG, 127.9 * DEG, 100e3 }; /* azimuth 0, in sector */
    const struct tl_lla south = { 33.0 * DEG, 127.9 * DEG, 100e3 }; /* azimuth 180, outside */
    const struct tl_lla far_low = { 44.0 * DEG, 127.9 * DEG, 1e3 }; /* below the horizon */
    double y[6] = { 0 };

    (void)state;
    tl_geo_lla_to_ecef(&TL_WGS84, &north, y);
    assert_true(tl_sensor_sees(r, y, 0));
    assert_true(tl_sensor_sees(ir, y, 1));
    assert_false(tl_sensor_sees(ir, y, 0)); /* infrared sees boosters only */
    tl_geo_lla_to_ecef(&TL_WGS84, &south, y);
    assert_false(tl_sensor_sees(r, y, 0));
    tl_geo_lla_to_ecef(&TL_WGS84, &far_low, y);
    assert_false(tl_sensor_sees(r, y, 0));
    {
        /* Line of sight: through the Earth from pole to pole is blocked; a chord far above
         * the surface is clear. */
        const double a[3] = { 0, 0, 7e6 }, b[3] = { 0, 0, -7e6 }, c[3] = { 7e6, 0, 1e6 },
                     d[3] = { 0, 7e6, 1e6 };
        assert_false(tl_geo_line_of_sight(&TL_WGS84, a, b, 0.0));
        assert_true(tl_geo_line_of_sight(&TL_WGS84, c, d, 0.0) == (7e6 / sqrt(2.0) > 6378137.0));
    }
}

static void random_numbers(void **state)
{
    struct tl_rng r;
    double s = 0, s2 = 0, p = 0;
    const int n = 200000;

    (void)state;
    tl_rng_seed(&r, 42);
    for (int i = 0; i < n; i++) {
        const double x = tl_rng_normal(&r);
        s += x;
        s2 += x * x;
    }
    TL_ASSERT_NEAR(s / n, 0.0, 0.01);
    TL_ASSERT_NEAR(s2 / n, 1.0, 0.01);
    for (int i = 0; i < 20000; i++)
        p += tl_rng_poisson(&r, 2.0);
    TL_ASSERT_NEAR(p / 20000, 2.0, 0.05);
    p = 0;
    for (int i = 0; i < 2000; i++)
        p += tl_rng_poisson(&r, 1000.0);
    TL_ASSERT_NEAR(p / 2000, 1000.0, 5.0);
}

/* Bad rows of a measurement file: each error names the line and column; nothing is returned. */
static void measurement_file_errors(void **state)
{
    static const struct {
        const char *rows;
        int line;
        const char *field, *words;
    } cases[] = {
        { "1.0,XX,1000,10,10,5\n", 2, "sensor", "unknown sensor id 'XX'" },
        { "1.0,R1,1000,10,nan,5\n", 2, "elevation_deg", "'nan' is not a finite number" },
        { "1.0,R1,1000,10,200,5\n", 2, "elevation_deg", "'200' is not in [-90, 90]" },
        { "1.0,R1,1000,10,10,5\n2.0;R1;1000\n", 3, "", "expected 6 comma-separated columns" },
        { "1.0,R1,,10,10,5\n", 2, "range_m", "is not a range in (0, 1e8] m" },
        { "1.0,R1,1e308,10,10,5\n", 2, "range_m", "is not a range in (0, 1e8] m" },
        { "1.0,R1,1000,10,10,\n", 2, "range_rate_mps", "this radar reports one" },
        { "1.0,IR1,1000,10,-80,\n", 2, "range_m", "angles-only" },
        { "-1,R1,1000,10,10,5\n", 2, "time_s", "not a time" },
        { "1.0,R1,1000,10,10,5,7\n", 2, "", "more than 6" },
    };
    const struct tl_sensor_set set = load();
    char path[64], text[512];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tl_meas *m = NULL;
        size_t n = 99;
        struct tl_diag d;
        snprintf(text, sizeof text,
                 "time_s,sensor,range_m,azimuth_deg,elevation_deg,range_rate_mps\n%s",
                 cases[i].rows);
        write_file(path, text);
        if (tl_meas_read_csv(path, &set, &m, &n, &d) != TL_EPARSE || d.line != cases[i].line ||
            strcmp(d.field, cases[i].field) != 0 || strstr(d.message, cases[i].words) == NULL)
            fail_msg("case %zu: line %d field '%s': %s", i, d.line, d.field, d.message);
        assert_null(m);
        assert_true(n == 99);
        unlink(path);
    }
    write_file(path, "time,sensor\n");
    {
        struct tl_meas *m = NULL;
        size_t n;
        struct tl_diag d;
        assert_int_equal(tl_meas_read_csv(path, &set, &m, &n, &d), TL_EPARSE);
        assert_non_null(strstr(d.message, "expected the header"));
    }
    unlink(path);
}

/* Writing then reading gives back the measurements (to the printed precision). */
static void measurement_file_roundtrip(void **state)
{
    const struct tl_sensor_set set = load();
    struct tl_meas in[2], *out = NULL;
    size_t n = 0;
    char path[64];

    (void)state;
    in[0] = (struct tl_meas){ 12.5, 12.8, 0, 654321.125, 0.3, 0.2, -1234.5, 0 };
    in[1] = (struct tl_meas){ 13.0, 14.0, 1, NAN, 5.9, -1.4, NAN, -1 };
    strcpy(path, "/tmp/tl_measXXXXXX");
    close(mkstemp(path));
    assert_int_equal(tl_meas_write_csv(path, &set, in, 2, NULL), TL_OK);
    assert_int_equal(tl_meas_read_csv(path, &set, &out, &n, NULL), TL_OK);
    unlink(path);
    assert_int_equal((int)n, 2);
    TL_ASSERT_NEAR(out[0].range_m, in[0].range_m, 1e-3);
    TL_ASSERT_NEAR(out[0].az_rad, in[0].az_rad, 1e-8);
    TL_ASSERT_NEAR(out[0].rr_mps, in[0].rr_mps, 1e-3);
    TL_ASSERT_NEAR(out[0].arrival_s, 12.8, 1e-9); /* validity + latency */
    TL_ASSERT_NAN(out[1].range_m);
    TL_ASSERT_NEAR(out[1].el_rad, in[1].el_rad, 1e-8);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sensors_file),          cmocka_unit_test(coverage),
        cmocka_unit_test(random_numbers),        cmocka_unit_test(measurement_file_errors),
        cmocka_unit_test(measurement_file_roundtrip),
    };
    return cmocka_run_group_tests_name("sensor", tests, NULL, NULL);
}
