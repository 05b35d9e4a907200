/* Geodesy against an independent reference: GeographicLib's CartConvert and GeodSolve
 * (Debian package geographiclib-tools), run as subprocesses on random points. */
#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tl_test.h"
#include "trilink/geo.h"

#define N_POINTS 1200
#define DEG (M_PI / 180.0)

/* Runs `tool args < in > out` on a temporary file pair; returns the output stream. */
static FILE *run_tool(const char *cmd, FILE *in)
{
    char path_in[] = "/tmp/tl_geo_inXXXXXX", path_out[] = "/tmp/tl_geo_outXXXXXX", line[512];
    int fd_in = mkstemp(path_in), fd_out = mkstemp(path_out);
    FILE *fin, *fout;

    assert_true(fd_in >= 0 && fd_out >= 0);
    fin = fdopen(fd_in, "w");
    rewind(in);
    while (fgets(line, sizeof line, in) != NULL)
        fputs(line, fin);
    fclose(fin);
    close(fd_out);
    snprintf(line, sizeof line, "%s < %s > %s", cmd, path_in, path_out);
    if (system(line) != 0)
        fail_msg("reference tool failed: %s (is geographiclib-tools installed?)", line);
    fout = fopen(path_out, "r");
    assert_non_null(fout);
    unlink(path_in);
    unlink(path_out);
    return fout;
}

/* Random geodetic points over the whole globe, heights from -1 km to 40,000 km (denser low). */
static void random_points(struct tl_lla *p, int n)
{
    unsigned long long s = 0x9E3779B97F4A7C15ULL;

    for (int i = 0; i < n; i++) {
        double u = tl_test_uniform(&s);
        p[i].lat_rad = asin(2.0 * tl_test_uniform(&s) - 1.0);
        p[i].lon_rad = (360.0 * tl_test_uniform(&s) - 180.0) * DEG;
        p[i].h_m = i % 3 == 0 ? -1000.0 + 4.1e7 * u * u * u : -1000.0 + 2.0e6 * u;
    }
    /* The awkward places: poles, equator, antimeridian, the height limits. */
    p[0].lat_rad = 90.0 * DEG;
    p[1].lat_rad = -90.0 * DEG;
    p[2].lat_rad = 0.0;
    p[3].lon_rad = 180.0 * DEG;
    p[4].h_m = -1000.0;
    p[5].h_m = 4.0e7;
    p[6].lat_rad = 89.9999 * DEG;
    p[6].h_m = 4.0e7;
}

static void ecef_matches_cartconvert(void **state)
{
    static struct tl_lla p[N_POINTS];
    FILE *in = tmpfile(), *out;
    double worst = 0.0;

    (void)state;
    random_points(p, N_POINTS);
    for (int i = 0; i < N_POINTS; i++)
        fprintf(in, "%.15f %.15f %.6f\n", p[i].lat_rad / DEG, p[i].lon_rad / DEG, p[i].h_m);
    out = run_tool("CartConvert -p 9", in);
    for (int i = 0; i < N_POINTS; i++) {
        double ref[3], x[3];
        assert_int_equal(fscanf(out, "%lf %lf %lf", &ref[0], &ref[1], &ref[2]), 3);
        tl_geo_lla_to_ecef(&TL_WGS84, &p[i], x);
        for (int k = 0; k < 3; k++) {
            TL_ASSERT_NEAR(x[k], ref[k], 1e-3);
            worst = fmax(worst, fabs(x[k] - ref[k]));
        }
    }
    print_message("geodetic->ECEF: %d points, worst difference from CartConvert %.3g m\n",
                  N_POINTS, worst);
    fclose(out);
    fclose(in);
}

static void lla_matches_cartconvert_reverse(void **state)
{
    static struct tl_lla p[N_POINTS];
    FILE *in = tmpfile(), *out;
    char line[160];
    double worst = 0.0;

    (void)state;
    random_points(p, N_POINTS);
    for (int i = 0; i < N_POINTS; i++) {
        double x[3];
        tl_geo_lla_to_ecef(&TL_WGS84, &p[i], x);
        fprintf(in, "%.6f %.6f %.6f\n", x[0], x[1], x[2]);
    }
    out = run_tool("CartConvert -r -p 9", in);
    rewind(in);
    for (int i = 0; i < N_POINTS; i++) {
        double x[3], lat, lon, h, r, dn, de;
        struct tl_lla q;
        /* Both sides convert the same printed ECEF point. */
        assert_non_null(fgets(line, sizeof line, in));
        assert_int_equal(sscanf(line, "%lf %lf %lf", &x[0], &x[1], &x[2]), 3);
        assert_int_equal(fscanf(out, "%lf %lf %lf", &lat, &lon, &h), 3);
        q = tl_geo_ecef_to_lla(&TL_WGS84, x);
        /* Angle differences as distances at the point (metres north and east). */
        r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
        dn = (q.lat_rad - lat * DEG) * r;
        de = fabs(cos(q.lat_rad)) > 1e-9 ? remainder(q.lon_rad - lon * DEG, 2.0 * M_PI) * r *
                                               cos(q.lat_rad)
                                         : 0.0;
        TL_ASSERT_NEAR(q.h_m, h, 1e-3);
        TL_ASSERT_NEAR(dn, 0.0, 1e-3);
        TL_ASSERT_NEAR(de, 0.0, 1e-3);
        worst = fmax(worst, fmax(fabs(q.h_m - h), fmax(fabs(dn), fabs(de))));
    }
    print_message("ECEF->geodetic: %d points, worst difference from CartConvert -r %.3g m\n",
                  N_POINTS, worst);
    fclose(out);
    fclose(in);
}

/* The closed form must also invert itself to 0.1 mm everywhere from -1 km to 40,000 km. */
static void roundtrip_tenth_mm(void **state)
{
    static struct tl_lla p[N_POINTS];

    (void)state;
    random_points(p, N_POINTS);
    for (int i = 0; i < N_POINTS; i++) {
        double x[3], y[3];
        struct tl_lla q;
        tl_geo_lla_to_ecef(&TL_WGS84, &p[i], x);
        q = tl_geo_ecef_to_lla(&TL_WGS84, x);
        tl_geo_lla_to_ecef(&TL_WGS84, &q, y);
        for (int k = 0; k < 3; k++)
            TL_ASSERT_NEAR(y[k], x[k], 1e-4);
        TL_ASSERT_NEAR(q.h_m, p[i].h_m, 1e-4);
        TL_ASSERT_NEAR(tl_geo_height(&TL_WGS84, x), p[i].h_m, 1e-4);
    }
}

static void geodesic_matches_geodsolve(void **state)
{
    enum { N = 400 };
    static double pts[N][4];
    unsigned long long s = 12345;
    FILE *in = tmpfile(), *out;

    (void)state;
    for (int i = 0; i < N; i++) {
        pts[i][0] = asin(2.0 * tl_test_uniform(&s) - 1.0) / DEG;
        pts[i][1] = 360.0 * tl_test_uniform(&s) - 180.0;
        pts[i][2] = asin(2.0 * tl_test_uniform(&s) - 1.0) / DEG;
        pts[i][3] = 360.0 * tl_test_uniform(&s) - 180.0;
        if (i % 4 == 0) { /* short lines, like launch-to-impact distances */
            pts[i][2] = pts[i][0] + 10.0 * (tl_test_uniform(&s) - 0.5);
            pts[i][2] = fmax(-90.0, fmin(90.0, pts[i][2]));
            pts[i][3] = pts[i][1] + 10.0 * (tl_test_uniform(&s) - 0.5);
        }
        fprintf(in, "%.15f %.15f %.15f %.15f\n", pts[i][0], pts[i][1], pts[i][2], pts[i][3]);
    }
    out = run_tool("GeodSolve -i -p 9", in);
    for (int i = 0; i < N; i++) {
        double azi1, azi2, s12, d, a1, a2;
        assert_int_equal(fscanf(out, "%lf %lf %lf", &azi1, &azi2, &s12), 3);
        tl_geo_inverse(&TL_WGS84, pts[i][0] * DEG, pts[i][1] * DEG, pts[i][2] * DEG,
                       pts[i][3] * DEG, &d, &a1, &a2);
        TL_ASSERT_NEAR(d, s12, 1e-3);
        /* Azimuths: 1e-9 deg, except where they are ill-defined (coincident or antipodal). */
        if (s12 > 1.0 && s12 < 19.9e6)
            TL_ASSERT_NEAR(remainder(a1 / DEG - azi1, 360.0), 0.0, 1e-7);
    }
    fclose(out);
    fclose(in);
}

static void direct_inverts_inverse(void **state)
{
    double lat2, lon2, s12, az1;

    (void)state;
    tl_geo_direct(&TL_WGS84, 39.03 * DEG, 125.68 * DEG, 75.0 * DEG, 1001.2e3, &lat2, &lon2, NULL);
    tl_geo_inverse(&TL_WGS84, 39.03 * DEG, 125.68 * DEG, lat2, lon2, &s12, &az1, NULL);
    TL_ASSERT_NEAR(s12, 1001.2e3, 1e-6);
    TL_ASSERT_NEAR(az1, 75.0 * DEG, 1e-12);
}

static void range_azimuth_elevation(void **state)
{
    const struct tl_lla site = { 36.0 * DEG, 127.9 * DEG, 300.0 };
    struct tl_rae rae, in = { 850e3, 45.0 * DEG, 12.0 * DEG };
    double p[3], enu[3];
    struct tl_lla up = site;

    (void)state;
    /* Straight up: elevation 90 deg, range the height difference. */
    up.h_m += 10000.0;
    tl_geo_lla_to_ecef(&TL_WGS84, &up, p);
    rae = tl_geo_rae(&TL_WGS84, &site, p);
    TL_ASSERT_NEAR(rae.range_m, 10000.0, 1e-6);
    TL_ASSERT_NEAR(rae.el_rad, 90.0 * DEG, 1e-9);
    /* A point north along the meridian, slightly higher: azimuth 0, elevation positive. */
    up = site;
    up.lat_rad += 1e-4;
    up.h_m += 100.0;
    tl_geo_lla_to_ecef(&TL_WGS84, &up, p);
    rae = tl_geo_rae(&TL_WGS84, &site, p);
    TL_ASSERT_NEAR(remainder(rae.az_rad, 2.0 * M_PI), 0.0, 1e-6);
    assert_true(rae.el_rad > 0.0);
    /* RAE -> ECEF -> RAE and ENU round trips. */
    tl_geo_rae_to_ecef(&TL_WGS84, &site, &in, p);
    rae = tl_geo_rae(&TL_WGS84, &site, p);
    TL_ASSERT_NEAR(rae.range_m, in.range_m, 1e-6);
    TL_ASSERT_NEAR(rae.az_rad, in.az_rad, 1e-12);
    TL_ASSERT_NEAR(rae.el_rad, in.el_rad, 1e-12);
    tl_geo_ecef_to_enu(&TL_WGS84, &site, p, enu);
    TL_ASSERT_NEAR(enu[2], in.range_m * sin(in.el_rad), 1e-6);
    TL_ASSERT_NEAR(enu[0], enu[1], 1e-6); /* azimuth 45 deg: east = north */
}

static void normal_is_height_gradient(void **state)
{
    const struct tl_lla p = { 0.7, 2.2, 350e3 };
    double x[3], n[3], h, d = 1.0;

    (void)state;
    tl_geo_lla_to_ecef(&TL_WGS84, &p, x);
    h = tl_geo_height_normal(&TL_WGS84, x, n);
    TL_ASSERT_NEAR(h, 350e3, 1e-6);
    for (int k = 0; k < 3; k++) {
        double xp[3] = { x[0], x[1], x[2] }, xm[3] = { x[0], x[1], x[2] };
        xp[k] += d;
        xm[k] -= d;
        TL_ASSERT_NEAR((tl_geo_height(&TL_WGS84, xp) - tl_geo_height(&TL_WGS84, xm)) / (2 * d),
                       n[k], 1e-9);
    }
}

static void nan_in_nan_out(void **state)
{
    const double x[3] = { NAN, 1.0, 2.0 };
    const struct tl_lla p = { NAN, 0.0, 0.0 };
    double y[3];

    (void)state;
    TL_ASSERT_NAN(tl_geo_ecef_to_lla(&TL_WGS84, x).lat_rad);
    TL_ASSERT_NAN(tl_geo_height(&TL_WGS84, x));
    tl_geo_lla_to_ecef(&TL_WGS84, &p, y);
    TL_ASSERT_NAN(y[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ecef_matches_cartconvert),
        cmocka_unit_test(lla_matches_cartconvert_reverse),
        cmocka_unit_test(roundtrip_tenth_mm),
        cmocka_unit_test(geodesic_matches_geodsolve),
        cmocka_unit_test(direct_inverts_inverse),
        cmocka_unit_test(range_azimuth_elevation),
        cmocka_unit_test(normal_is_height_gradient),
        cmocka_unit_test(nan_in_nan_out),
    };
    return cmocka_run_group_tests_name("geo", tests, NULL, NULL);
}
