/* The areas layer (trilink/areas.h) on the vendored data (data/areas): counts and names per
 * nation, known places in their regions, published missile fall points in Japan's EEZ, the
 * 200 nm limit checked by an independent geodesic, an EEZ built for two synthetic islands whose
 * answer is known in closed form, the batch calls against the point call, and bad files. */
#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_test.h"
#include "trilink/areas.h"
#include "trilink/geo.h"

static struct tl_areas *A; /* loaded once for the group */

static int setup(void **state)
{
    struct tl_diag d;
    int rc = tl_areas_load(TL_AREAS_DIR, &A, &d);

    (void)state;
    if (rc != TL_OK)
        fprintf(stderr, "tl_areas_load: %s %s %s %s\n", tl_errname(rc), d.file, d.field, d.message);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    tl_areas_destroy(A);
    return 0;
}

static int count_nation(const char *nation, enum tl_area_kind kind)
{
    int n = 0;

    for (int i = 0; i < tl_areas_count(A); i++)
        if (strcmp(tl_areas_get(A, i)->nation, nation) == 0 && tl_areas_get(A, i)->kind == kind)
            n++;
    return n;
}

static void counts_and_names(void **state)
{
    static const char *const us[] = { "US-HI", "US-AK", "US-GU", "US-MP", "US-WA", "US-OR",
                                      "US-CA" };
    int i;

    (void)state;
    assert_int_equal(count_nation("JP", TL_AREA_LAND), 47);
    assert_int_equal(count_nation("KR", TL_AREA_LAND), 17);
    assert_int_equal(count_nation("KP", TL_AREA_LAND), 11); /* Natural Earth's admin-1 of KP */
    assert_int_equal(count_nation("US", TL_AREA_LAND), 7);
    for (size_t k = 0; k < sizeof us / sizeof us[0]; k++)
        assert_true(tl_areas_find(A, us[k], TL_AREA_LAND) >= 0);
    for (const char *e = "JP\0KR\0US\0"; *e; e += 3)
        assert_true(tl_areas_find(A, e, TL_AREA_EEZ) >= 0);
    i = tl_areas_find(A, "JP-02", TL_AREA_LAND);
    assert_true(i >= 0);
    assert_string_equal(tl_areas_get(A, i)->name, "Aomori");
    assert_string_equal(tl_areas_get(A, i)->name_local, "青森県");
    i = tl_areas_find(A, "KR-11", TL_AREA_LAND);
    assert_true(i >= 0);
    assert_string_equal(tl_areas_get(A, i)->name, "Seoul");
    assert_string_equal(tl_areas_get(A, i)->name_local, "서울특별시");
    assert_string_equal(tl_areas_get(A, tl_areas_find(A, "US-HI", TL_AREA_LAND))->name_local, "");
    assert_int_equal(tl_areas_find(A, "JP-02", TL_AREA_EEZ), -1);
    assert_null(tl_areas_get(A, tl_areas_count(A)));
}

/* The code of the one area at (lat, lon) degrees, "" when none; fails on more than one. */
static const char *code_at(double lat_deg, double lon_deg)
{
    int idx[4], n = tl_areas_at(A, tl_deg2rad(lat_deg), tl_deg2rad(lon_deg), idx, 4);

    if (n > 1)
        fail_msg("%.4f, %.4f is in %d areas (%s, %s)", lat_deg, lon_deg, n,
                 tl_areas_get(A, idx[0])->code, tl_areas_get(A, idx[1])->code);
    return n == 1 ? tl_areas_get(A, idx[0])->code : "";
}

static void places(void **state)
{
    (void)state;
    assert_string_equal(code_at(40.8244, 140.7400), "JP-02");  /* Aomori city */
    assert_string_equal(code_at(43.0621, 141.3544), "JP-01");  /* Sapporo */
    assert_string_equal(code_at(35.1796, 129.0756), "KR-26");  /* Busan */
    assert_string_equal(code_at(39.0392, 125.7625), "KP-01");  /* Pyongyang */
    assert_string_equal(code_at(21.3069, -157.8583), "US-HI"); /* Honolulu */
    assert_string_equal(code_at(13.4443, 144.7937), "US-GU");  /* Hagatna */
    assert_string_equal(code_at(15.1850, 145.7467), "US-MP");  /* Saipan */
    assert_string_equal(code_at(30.0, -170.0), "");            /* mid-Pacific */
    /* 2017-11-29 Hwasong-15 fall, about 250 km west of Aomori (Japan MoD) */
    assert_string_equal(code_at(40.7, 137.6), "JP");
    /* 2022-08-04 falls south-west of Hateruma */
    assert_string_equal(code_at(24.0, 123.0), "JP");
    assert_string_equal(code_at(38.0, 143.5), "JP");
    assert_string_equal(code_at(21.0, -160.0), "US"); /* off Kauai */
}

static void sea_by_geodesic(void **state)
{
    double lat, lon, d, az;
    int i;

    (void)state;
    /* 150 km west of Nyudozaki, the tip of the Oga peninsula (39.9960 N, 139.7020 E). */
    tl_geo_direct(&TL_WGS84, tl_deg2rad(39.9960), tl_deg2rad(139.7020), tl_deg2rad(270.0),
                  150e3, &lat, &lon, NULL);
    assert_string_equal(code_at(tl_rad2deg(lat), tl_rad2deg(lon)), "JP");
    /* 30 km off Busan's coast at Taejongdae (35.0531 N, 129.0853 E): east-south-east it is
     * Korea's (Korean land 25.7 km, Tsushima 34 km); south-south-east, towards Tsushima (about
     * 50 km away), it is past the median line and Japan's. */
    {
        static const struct { double az_deg; const char *want; } off[] = { { 100, "KR" },
                                                                           { 160, "JP" } };
        for (size_t k = 0; k < 2; k++) {
            double dk, dj;
            tl_geo_direct(&TL_WGS84, tl_deg2rad(35.0531), tl_deg2rad(129.0853),
                          tl_deg2rad(off[k].az_deg), 30e3, &lat, &lon, NULL);
            assert_string_equal(code_at(tl_rad2deg(lat), tl_rad2deg(lon)), off[k].want);
            tl_areas_nearest(A, lat, lon, "KR", TL_AREA_LAND, &dk, NULL);
            tl_areas_nearest(A, lat, lon, "JP", TL_AREA_LAND, &dj, NULL);
            if ((dk < dj) != (strcmp(off[k].want, "KR") == 0))
                fail_msg("azimuth %.0f: Korean land %.0f m, Japanese %.0f m, zone %s",
                         off[k].az_deg, dk, dj, off[k].want);
        }
    }
    /* 38.0 N 146.5 E: beyond 200 nm from Japan's land. The nearest land from tl_areas_nearest,
     * and an independent check: Kinkasan (38.2960 N, 141.5660 E) is 433 km away, and no Japanese
     * coast is more than about 60 km nearer (Cape Todo is 455 km). */
    assert_string_equal(code_at(38.0, 146.5), "");
    i = tl_areas_nearest(A, tl_deg2rad(38.0), tl_deg2rad(146.5), "JP", TL_AREA_LAND, &d, &az);
    assert_true(i >= 0);
    if (!(d > 370.4e3 && d < 440e3))
        fail_msg("nearest JP land %.0f m from 38.0 N 146.5 E (%s), expected 370.4-440 km", d,
                 tl_areas_get(A, i)->code);
    tl_geo_inverse(&TL_WGS84, tl_deg2rad(38.2960), tl_deg2rad(141.5660), tl_deg2rad(38.0),
                   tl_deg2rad(146.5), &d, NULL, NULL);
    TL_ASSERT_NEAR(d, 433e3, 3e3);
    /* The Hwasong-15 fall point: 265 km west of Aomori city, but the nearest Japanese land is
     * Oshima-Oshima (Hokkaido, 41.51 N 139.37 E), an island north-east of it: the distance
     * matches an independent geodesic to the island within its 2 km radius, and the azimuth
     * from the island to the point is south-west. */
    i = tl_areas_nearest(A, tl_deg2rad(40.7), tl_deg2rad(137.6), "JP", TL_AREA_LAND, &d, &az);
    assert_string_equal(tl_areas_get(A, i)->code, "JP-01");
    {
        double ref, az_ref;
        tl_geo_inverse(&TL_WGS84, tl_deg2rad(41.51), tl_deg2rad(139.37), tl_deg2rad(40.7),
                       tl_deg2rad(137.6), &ref, &az_ref, NULL);
        TL_ASSERT_NEAR(d, ref, 4e3);
        TL_ASSERT_NEAR(az, az_ref, tl_deg2rad(3.0));
    }
    i = tl_areas_nearest(A, tl_deg2rad(40.8244), tl_deg2rad(140.74), "", TL_AREA_LAND, &d, NULL);
    assert_string_equal(tl_areas_get(A, i)->code, "JP-02");
    TL_ASSERT_NEAR(d, 0.0, 0.0);
}

static void batch_equals_pointwise(void **state)
{
    enum { N = 2000 };
    static double lat[N], lon[N];
    unsigned long long s = 0x11aa11aaULL;
    int n = tl_areas_count(A), *hits = calloc((size_t)n, sizeof *hits);
    int *want = calloc((size_t)n, sizeof *want);
    unsigned char *hit = calloc((size_t)n, 1);

    (void)state;
    assert_non_null(hits);
    assert_non_null(want);
    assert_non_null(hit);
    for (int k = 0; k < N; k++) { /* Japan and Korea, and across the antimeridian off Alaska */
        int far = k % 4 == 0;
        lat[k] = tl_deg2rad(far ? 48.0 + 8.0 * tl_test_uniform(&s) : 24.0 + 22.0 * tl_test_uniform(&s));
        lon[k] = tl_deg2rad(far ? 170.0 + 20.0 * tl_test_uniform(&s) : 122.0 + 25.0 * tl_test_uniform(&s));
    }
    assert_int_equal(tl_areas_count_inside(A, N, lat, lon, hits), TL_OK);
    for (int k = 0; k < N; k++) {
        int idx[8], m = tl_areas_at(A, lat[k], lon[k], idx, 8);
        for (int j = 0; j < m; j++)
            want[idx[j]]++;
        memset(hit, 0, (size_t)n);
        /* a one-vertex "line" hits exactly the areas containing the point */
        assert_int_equal(tl_areas_line_hits(A, 1, &lat[k], &lon[k], hit), TL_OK);
        for (int i = 0; i < n; i++)
            if (hit[i] != (unsigned char)(m > 0 && (idx[0] == i || (m > 1 && idx[1] == i))))
                fail_msg("point %d: line_hits %d for %s, tl_areas_at %d areas", k, hit[i],
                         tl_areas_get(A, i)->code, m);
    }
    for (int i = 0; i < n; i++)
        if (hits[i] != want[i])
            fail_msg("%s: count_inside %d, tl_areas_at %d", tl_areas_get(A, i)->code, hits[i],
                     want[i]);
    assert_true(want[tl_areas_find(A, "JP", TL_AREA_EEZ)] > 100);
    assert_true(want[tl_areas_find(A, "US", TL_AREA_EEZ)] > 20); /* Aleutians' zone, both sides */
    lat[0] = NAN;
    assert_int_equal(tl_areas_count_inside(A, 1, lat, lon, hits), TL_EINVAL);
    free(hits);
    free(want);
    free(hit);
}

static void line_across_antimeridian(void **state)
{
    /* A line from 51 N 178 E to 51 N 178 W crosses Alaska's Aleutian zone on both sides of 180;
     * one from Pyongyang to 40.7 N 137.6 E crosses North Korea, the Sea of Japan and Japan's EEZ. */
    const double lat1[] = { tl_deg2rad(51.0), tl_deg2rad(51.0) };
    const double lon1[] = { tl_deg2rad(178.0), tl_deg2rad(-178.0) };
    const double lat2[] = { tl_deg2rad(39.0392), tl_deg2rad(40.7) };
    const double lon2[] = { tl_deg2rad(125.7625), tl_deg2rad(137.6) };
    unsigned char *hit = calloc((size_t)tl_areas_count(A), 1);

    (void)state;
    assert_non_null(hit);
    assert_int_equal(tl_areas_line_hits(A, 2, lat1, lon1, hit), TL_OK);
    assert_int_equal(hit[tl_areas_find(A, "US", TL_AREA_EEZ)], 1);
    assert_int_equal(hit[tl_areas_find(A, "JP", TL_AREA_EEZ)], 0);
    memset(hit, 0, (size_t)tl_areas_count(A));
    assert_int_equal(tl_areas_line_hits(A, 2, lat2, lon2, hit), TL_OK);
    assert_int_equal(hit[tl_areas_find(A, "KP-01", TL_AREA_LAND)], 1);
    assert_int_equal(hit[tl_areas_find(A, "JP", TL_AREA_EEZ)], 1);
    assert_int_equal(hit[tl_areas_find(A, "JP-02", TL_AREA_LAND)], 0);
    free(hit);
}

static void outline(void **state)
{
    double ll[2 * 64];
    int i = tl_areas_find(A, "JP-02", TL_AREA_LAND), n;

    (void)state;
    n = tl_areas_outline(A, i, 1000.0, ll, 64);
    assert_true(n >= 4 && n <= 64);
    TL_ASSERT_NEAR(ll[0], ll[2 * n - 2], 0.0);
    TL_ASSERT_NEAR(ll[1], ll[2 * n - 1], 0.0);
    for (int k = 0; k < n; k++) /* Aomori prefecture's box: 40.2-41.6 N, 139.4-141.7 E */
        if (!(ll[2 * k] > 40.1 && ll[2 * k] < 41.7 && ll[2 * k + 1] > 139.3 && ll[2 * k + 1] < 141.8))
            fail_msg("vertex %d at %.4f, %.4f outside Aomori", k, ll[2 * k], ll[2 * k + 1]);
    assert_int_equal(tl_areas_outline(A, i, 1000.0, ll, 3), -1);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A square island of half-side 0.005 degrees centred at (0, lon) on the equator. */
static void island(char *buf, size_t size, const char *nation, double lon, const char *kind)
{
    snprintf(buf, size,
             "{\"type\":\"Feature\",\"properties\":{\"code\":\"%s-1\",\"nation\":\"%s\","
             "\"kind\":\"%s\",\"name\":\"%s\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
             "[[[%.4f,-0.005],[%.4f,-0.005],[%.4f,0.005],[%.4f,0.005],[%.4f,-0.005]]]}}",
             nation, nation, kind, nation, lon - 0.005, lon + 0.005, lon + 0.005, lon - 0.005,
             lon - 0.005);
}

/* Two islands 400 km apart on the equator: the equidistance line is 200 km from each, the
 * outer limit 370.4 km. Distances are along the equator, so from A's centre at lon 0. */
static void eez_two_islands(void **state)
{
    char dir[] = "/tmp/test_areas_XXXXXX", land[4096], coast[4096], a[1024], b[1024], p[4200];
    struct tl_areas *z;
    struct tl_diag d;
    double lat, lon_b, lon;
    static const struct { double s_m, az_deg; const char *want; } cases[] = {
        { 150e3, 90, "XA" }, { 250e3, 90, "XB" }, { 380e3, 270, "" }, { 360e3, 270, "XA" },
        { 190e3, 90, "XA" }, { 210e3, 90, "XB" },
    };

    (void)state;
    assert_non_null(mkdtemp(dir));
    tl_geo_direct(&TL_WGS84, 0, 0, tl_deg2rad(90.0), 400e3, &lat, &lon_b, NULL);
    island(a, sizeof a, "XA", 0.0, "land");
    island(b, sizeof b, "XB", tl_rad2deg(lon_b), "land");
    snprintf(land, sizeof land, "{\"type\":\"FeatureCollection\",\"features\":[%s,%s]}", a, b);
    snprintf(p, sizeof p, "%s/land.geojson", dir);
    write_file(p, land);
    island(b, sizeof b, "ZZ", 20.0, "coast"); /* a far coast: no effect */
    snprintf(coast, sizeof coast, "{\"type\":\"FeatureCollection\",\"features\":[%s]}", b);
    snprintf(p, sizeof p, "%s/coasts.geojson", dir);
    write_file(p, coast);
    snprintf(a, sizeof a, "%s/land.geojson", dir);
    snprintf(b, sizeof b, "%s/eez.geojson", dir);
    assert_int_equal(tl_areas_eez_build(a, p, "XA,XB", b, &d), TL_OK);
    assert_int_equal(tl_areas_load(dir, &z, &d), TL_OK);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int idx[2], n;
        tl_geo_direct(&TL_WGS84, 0, 0, tl_deg2rad(cases[k].az_deg), cases[k].s_m, &lat, &lon, NULL);
        n = tl_areas_at(z, lat, lon, idx, 2);
        if (strcmp(n == 1 ? tl_areas_get(z, idx[0])->code : "", cases[k].want) != 0)
            fail_msg("%.0f km at azimuth %.0f: in %d areas (%s), expected \"%s\"",
                     cases[k].s_m / 1e3, cases[k].az_deg, n,
                     n > 0 ? tl_areas_get(z, idx[0])->code : "", cases[k].want);
    }
    assert_int_equal(code_at(0, 0)[0] == '\0', 1); /* the real data has nothing there */
    tl_areas_destroy(z);
    unlink(a);
    unlink(b);
    unlink(p);
    rmdir(dir);
}

static int load_bad(const char *feature, struct tl_diag *d)
{
    char dir[] = "/tmp/test_areas_XXXXXX", p[256], text[2048];
    struct tl_areas *z = NULL;
    int rc;

    assert_non_null(mkdtemp(dir));
    snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[%s]}", feature);
    snprintf(p, sizeof p, "%s/land.geojson", dir);
    write_file(p, text);
    rc = tl_areas_load(dir, &z, d);
    assert_null(z);
    unlink(p);
    rmdir(dir);
    return rc;
}

static void bad_files(void **state)
{
    struct tl_diag d;
    const char *sq = "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}";
    char f[512];

    (void)state;
    snprintf(f, sizeof f, "{\"type\":\"Feature\",\"properties\":{\"nation\":\"JP\",\"kind\":\"land\"},%s}", sq);
    assert_int_equal(load_bad(f, &d), TL_EPARSE);
    assert_string_equal(d.field, "features[0].properties.code");
    assert_non_null(strstr(d.file, "land.geojson"));
    snprintf(f, sizeof f, "{\"type\":\"Feature\",\"properties\":{\"code\":\"X\",\"nation\":\"JP\",\"kind\":\"lake\"},%s}", sq);
    assert_int_equal(load_bad(f, &d), TL_EPARSE);
    assert_string_equal(d.field, "features[0].properties.kind");
    assert_int_equal(load_bad("{\"type\":\"Feature\",\"properties\":{\"code\":\"X\",\"nation\":\"JP\","
                              "\"kind\":\"land\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}",
                              &d), TL_EPARSE);
    assert_string_equal(d.field, "features[0].geometry.type");
    assert_int_equal(load_bad("{\"type\":\"Feature\",\"properties\":{\"code\":\"X\",\"nation\":\"JP\","
                              "\"kind\":\"land\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                              "[[[0,0],[1,NaN],[1,1],[0,0]]]}}", &d), TL_EPARSE);
    assert_true(d.line == 1);
    assert_int_equal(load_bad("{\"type\":\"Feature\",\"properties\":{\"code\":\"X\",\"nation\":\"JP\","
                              "\"kind\":\"land\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                              "[[[0,0],[1,\"a\"],[1,1],[0,0]]]}}", &d), TL_EPARSE);
    assert_string_equal(d.field, "features[0].geometry.coordinates");
    assert_int_equal(tl_areas_load("/nonexistent", &(struct tl_areas *){ NULL }, &d), TL_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_and_names),     cmocka_unit_test(places),
        cmocka_unit_test(sea_by_geodesic),      cmocka_unit_test(batch_equals_pointwise),
        cmocka_unit_test(line_across_antimeridian), cmocka_unit_test(outline),
        cmocka_unit_test(eez_two_islands),      cmocka_unit_test(bad_files),
    };
    return cmocka_run_group_tests_name("areas", tests, setup, teardown);
}
