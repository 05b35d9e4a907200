/* Storage: the hash-chained audit log catches an altered, a removed and an inserted entry; the
 * chain continues across a reopen; entries are append-only in the database itself. The typed
 * columns hold what the messages say; the README's example queries run; a database of the first
 * schema is migrated with its audit chain untouched; newer, foreign and corrupted files are refused
 * unchanged; the canonical text parses back to itself; the export writes trilink track's CSV,
 * which trilink score accepts. */
#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tl_test.h"
#include "cli.h"
#include "store_int.h"
#include "trilink/geo.h"
#include "trilink/score.h"
#include "trilink/store.h"
#include "trilink/time.h"
#include "trilink/track.h"

static char dir[64], db[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tl-store-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(db, sizeof db, "%s/node.db", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[160];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void fill(int n, int first_no)
{
    struct tl_store *st;
    assert_int_equal(tl_store_open(db, &st, NULL), TL_OK);
    for (int i = 0; i < n; i++) {
        struct tl_msg_track m;
        memset(&m, 0, sizeof m);
        strcpy(m.origin, "KR");
        m.track_no = first_no + i;
        m.t_ns = 1000 + i;
        m.x[0] = 6.5e6 + i;
        assert_int_equal(tl_store_audit(st, i % 2 ? "received" : "sent", "US", "KR.US",
                                        TL_MSG_TRACK, "KR", m.track_no, &m), TL_OK);
        assert_int_equal(tl_store_track(st, "own", &m), TL_OK);
    }
    tl_store_close(st); /* commits everything queued */
}

static void sql(const char *stmt, int expect_ok)
{
    sqlite3 *h;
    char *err = NULL;
    int rc;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    rc = sqlite3_exec(h, stmt, NULL, NULL, &err);
    if ((rc == SQLITE_OK) != expect_ok)
        fail_msg("%s: %s", stmt, err ? err : "succeeded");
    sqlite3_free(err);
    sqlite3_close(h);
}

static void verify_expect(int64_t n_ok, int64_t bad, const char *why_part)
{
    int64_t n = 0, b = 0;
    char why[300] = "";
    int rc = tl_audit_verify(db, &n, &b, why, sizeof why);
    if (bad == 0) {
        if (rc != TL_OK)
            fail_msg("chain should be intact: %s", why);
        assert_int_equal(n, n_ok);
        return;
    }
    assert_int_equal(rc, TL_EPARSE);
    assert_int_equal(b, bad);
    if (strstr(why, why_part) == NULL)
        fail_msg("'%s' does not say '%s'", why, why_part);
}

static void audit_chain_detects_tampering(void **state)
{
    long rows;
    int32_t max_no;
    struct tl_store *st;
    (void)state;
    fill(100, 1);
    verify_expect(100, 0, NULL);
    assert_int_equal(tl_store_count(db, &rows), TL_OK);
    assert_int_equal(rows, 200);
    /* reopen: the chain continues from the last entry */
    fill(10, 101);
    verify_expect(110, 0, NULL);
    assert_int_equal(tl_store_open(db, &st, NULL), TL_OK);
    tl_store_max_own_track(st, &max_no);
    assert_int_equal(max_no, 110);
    tl_store_close(st);
    /* the database refuses changes to the audit table */
    sql("UPDATE audit SET peer = 'XX' WHERE seq = 50", 0);
    sql("DELETE FROM audit WHERE seq = 30", 0);
    /* an insider who drops the guards: every kind of change is found */
    sql("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete", 1);
    sql("UPDATE audit SET peer = 'JP' WHERE seq = 50", 1);
    verify_expect(0, 50, "altered");
    sql("UPDATE audit SET peer = 'US' WHERE seq = 50", 1); /* put back: intact again */
    verify_expect(110, 0, NULL);
    sql("UPDATE audit SET digest = zeroblob(32) WHERE seq = 77", 1);
    verify_expect(0, 77, "altered");
}

static void audit_chain_detects_removal_and_insertion(void **state)
{
    (void)state;
    fill(40, 1);
    sql("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete", 1);
    sql("DELETE FROM audit WHERE seq = 30", 1);
    verify_expect(0, 30, "missing");
    /* renumbering the tail to hide the gap breaks the chain at the renumbered entry */
    sql("UPDATE audit SET seq = seq - 1 WHERE seq > 30", 1);
    verify_expect(0, 30, "chain");
}

static void not_a_database(void **state)
{
    int64_t n, b;
    char why[300];
    FILE *f;
    (void)state;
    f = fopen(db, "w");
    fputs("not sqlite", f);
    fclose(f);
    assert_int_equal(tl_audit_verify(db, &n, &b, why, sizeof why), TL_EIO);
}

/* ---- helpers for the schema tests ------------------------------------------------------- */

#define EPOCH_ISO "2023-07-12T00:59:00Z"

static int64_t epoch_ns(void)
{
    int64_t t = 0;
    assert_int_equal(tl_time_parse_iso8601(EPOCH_ISO, &t), TL_OK);
    return t;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Asserts the file at db has exactly the bytes it had (a refused open wrote nothing). */
static void assert_unchanged(const unsigned char *before, size_t n_before)
{
    size_t n;
    unsigned char *now = slurp(db, &n);
    if (n != n_before || memcmp(now, before, n) != 0)
        fail_msg("%s changed: %zu bytes before, %zu after", db, n_before, n);
    free(now);
}

static long count_sql(const char *q)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    long n = -1;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(h, q, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", q, sqlite3_errmsg(h));
    if (sqlite3_step(s) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return n;
}

/* A confirmed midcourse track over the Sea of Japan: position from a known geodetic point, a
 * diagonal covariance with known trace. */
static void sample_track(struct tl_msg_track *m, const char *origin, int32_t no, double t_s)
{
    const struct tl_lla at = { tl_deg2rad(40.0 + 0.01 * t_s), tl_deg2rad(131.0 + 0.02 * t_s),
                               600e3 - 10.0 * t_s };
    memset(m, 0, sizeof *m);
    snprintf(m->origin, sizeof m->origin, "%s", origin);
    m->track_no = no;
    m->status = TL_TRACK_CONFIRMED;
    m->phase = TL_PHASE_MIDCOURSE;
    m->t_ns = epoch_ns() + (int64_t)llround(t_s * 1e9);
    tl_geo_lla_to_ecef(&TL_WGS84, &at, m->x);
    m->x[3] = 1500.0;
    m->x[4] = -2500.0;
    m->x[5] = 800.0;
    m->p[tl_ut6(0, 0)] = 100.0;
    m->p[tl_ut6(1, 1)] = 400.0;
    m->p[tl_ut6(2, 2)] = 900.0;
    m->p[tl_ut6(0, 1)] = 30.0;
    m->p[tl_ut6(3, 3)] = 4.0;
    m->p[tl_ut6(4, 4)] = 9.0;
    m->p[tl_ut6(5, 5)] = 16.0;
    snprintf(m->sensors, sizeof m->sensors, "KR-R1");
}

static void sample_assess(struct tl_msg_assess *a, const char *origin, int32_t no, double t_s,
                          int has_launch)
{
    memset(a, 0, sizeof *a);
    snprintf(a->origin, sizeof a->origin, "%s", origin);
    a->track_no = no;
    a->t_ns = epoch_ns() + (int64_t)llround(t_s * 1e9);
    a->has_launch = has_launch;
    a->launch_ns = epoch_ns() + 60 * INT64_C(1000000000);
    a->launch_lat_rad = tl_deg2rad(39.03);
    a->launch_lon_rad = tl_deg2rad(125.68);
    a->launch_err_m = 700.0;
    a->impact_ns = epoch_ns() + 4541 * INT64_C(1000000000);
    a->impact_lat_rad = tl_deg2rad(40.8049);
    a->impact_lon_rad = tl_deg2rad(137.1707);
    a->semi_major_m = 13200.0;
    a->semi_minor_m = 5900.0;
    a->major_az_rad = tl_deg2rad(75.0);
    a->apogee_m = 6648.4e3;
    a->cls = 3; /* icbm */
    a->loft = 1;
}

static void sample_system(struct tl_msg_system *m, struct tl_store_system_extra *x, int32_t no,
                          double t_s, int has_impact)
{
    struct tl_msg_track t;
    sample_track(&t, "KR", 1, t_s);
    memset(m, 0, sizeof *m);
    memset(x, 0, sizeof *x);
    snprintf(m->owner, sizeof m->owner, "KR");
    m->system_no = no;
    m->t_ns = t.t_ns;
    memcpy(m->x, t.x, sizeof m->x);
    memcpy(m->p, t.p, sizeof m->p);
    snprintf(m->contributors, sizeof m->contributors, "US:1,KR:1,JP:1 (a long contributor list)");
    m->has_impact = has_impact;
    m->impact_lat_rad = tl_deg2rad(40.8049);
    m->impact_lon_rad = tl_deg2rad(137.1707);
    m->semi_major_m = 13200.0;
    m->semi_minor_m = 5900.0;
    x->scen_ns = t.t_ns + 1000;
    x->status = TL_TRACK_CONFIRMED;
    x->phase = TL_PHASE_MIDCOURSE;
    x->has_launch = 1;
    x->launch_ns = epoch_ns() + 60 * INT64_C(1000000000);
    x->launch_lat_rad = tl_deg2rad(39.03);
    x->launch_lon_rad = tl_deg2rad(125.68);
    x->launch_err_m = 800.0;
    x->impact_ns = has_impact ? epoch_ns() + 4541 * INT64_C(1000000000) : 0;
    x->major_az_rad = tl_deg2rad(80.0);
    x->apogee_m = 6.6e6;
    x->cls = 3;
    x->loft = 1;
}

/* ---- typed columns ---------------------------------------------------------------------- */

static void typed_columns_filled(void **state)
{
    struct tl_store *st;
    struct tl_msg_track m;
    struct tl_msg_assess a;
    struct tl_msg_system sy;
    struct tl_store_system_extra x;
    struct tl_lla g;
    sqlite3 *h;
    sqlite3_stmt *s;
    (void)state;

    sample_track(&m, "KR", 7, 100.0);
    sample_assess(&a, "KR", 7, 100.0, 1);
    sample_system(&sy, &x, 3, 100.0, 1);
    assert_int_equal(tl_store_open(db, &st, NULL), TL_OK);
    assert_int_equal(tl_store_set_meta(st, "nation", "KR"), TL_OK);
    assert_int_equal(tl_store_set_meta(st, "epoch", EPOCH_ISO), TL_OK);
    assert_int_equal(tl_store_track(st, "own", &m), TL_OK);
    assert_int_equal(tl_store_assess(st, "own", &a), TL_OK);
    a.has_launch = 0;
    a.cls = -1;
    assert_int_equal(tl_store_assess(st, "US", &a), TL_OK);
    assert_int_equal(tl_store_system(st, &sy, &x), TL_OK);
    assert_int_equal(tl_store_system(st, &sy, NULL), TL_OK);
    assert_int_equal(tl_store_set_meta(NULL, "k", "v"), TL_EINVAL);
    assert_int_equal(tl_store_set_meta(st, "", "v"), TL_EINVAL);
    tl_store_close(st);

    assert_int_equal(count_sql("PRAGMA user_version"), 2);
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT lat_deg, lon_deg, alt_m, pos_sigma_m,"
                                        " vel_sigma_mps, status, phase, x_m, vz_mps, track_no,"
                                        " t_ns, body FROM tracks",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    g = tl_geo_ecef_to_lla(&TL_WGS84, m.x);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 0), tl_rad2deg(g.lat_rad), 1e-12);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 1), tl_rad2deg(g.lon_rad), 1e-12);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 2), g.h_m, 1e-6);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 0), 41.0, 1e-9); /* 40 + 0.01 * 100 */
    TL_ASSERT_NEAR(sqlite3_column_double(s, 2), 599e3, 1e-6);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 3), sqrt(100.0 + 400.0 + 900.0), 1e-12);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 4), sqrt(4.0 + 9.0 + 16.0), 1e-12);
    assert_string_equal((const char *)sqlite3_column_text(s, 5), "confirmed");
    assert_string_equal((const char *)sqlite3_column_text(s, 6), "midcourse");
    TL_ASSERT_NEAR(sqlite3_column_double(s, 7), m.x[0], 0.0);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 8), 800.0, 0.0);
    assert_int_equal(sqlite3_column_int64(s, 9), 7);
    assert_true(sqlite3_column_int64(s, 10) == m.t_ns);
    {
        char text[4096];
        tl_msg_canonical(TL_MSG_TRACK, &m, text, sizeof text);
        assert_string_equal((const char *)sqlite3_column_text(s, 11), text);
    }
    sqlite3_finalize(s);

    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT class, launch_ns, launch_lat_deg, launch_err_m,"
                                        " impact_ns, impact_lat_deg, major_az_deg, apogee_m"
                                        " FROM assessments ORDER BY id",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "icbm-lofted");
    assert_true(sqlite3_column_int64(s, 1) == a.launch_ns);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 2), 39.03, 1e-12);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 3), 700.0, 0.0);
    assert_true(sqlite3_column_int64(s, 4) == a.impact_ns);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 5), 40.8049, 1e-12);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 6), 75.0, 1e-12);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 7), 6648.4e3, 0.0);
    /* no launch point, unknown class: NULL, not zero */
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(s, 0), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(s, 1), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(s, 2), SQLITE_NULL);
    sqlite3_finalize(s);

    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT scen_ns, status, phase, contributors, class,"
                                        " launch_lat_deg, impact_ns, major_az_deg, pos_sigma_m,"
                                        " lat_deg FROM system_tracks ORDER BY id",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_true(sqlite3_column_int64(s, 0) == x.scen_ns);
    assert_string_equal((const char *)sqlite3_column_text(s, 1), "confirmed");
    assert_string_equal((const char *)sqlite3_column_text(s, 2), "midcourse");
    /* the first schema kept only 15 characters of the contributors */
    assert_string_equal((const char *)sqlite3_column_text(s, 3), sy.contributors);
    assert_string_equal((const char *)sqlite3_column_text(s, 4), "icbm-lofted");
    TL_ASSERT_NEAR(sqlite3_column_double(s, 5), 39.03, 1e-12);
    assert_true(sqlite3_column_int64(s, 6) == x.impact_ns);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 7), 80.0, 1e-12);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 8), sqrt(1400.0), 1e-12);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 9), 41.0, 1e-9);
    /* without the extra: the wire fields only */
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(s, 0), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(s, 1), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(s, 4), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(s, 6), SQLITE_NULL);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 9), 41.0, 1e-9);
    sqlite3_finalize(s);
    sqlite3_close(h);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM meta WHERE key = 'epoch' AND value = '"
                               EPOCH_ISO "'"),
                     1);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM meta WHERE key = 'schema' AND value = '2'"),
                     1);
}

/* The three example queries of README.md ("The node database"), verbatim (the test also finds
 * each in the README, whitespace aside, so the two cannot drift). */
static const char *const readme_queries[] = {
    "SELECT datetime(t_ns / 1000000000, 'unixepoch') AS utc, status, phase,"
    " round(lat_deg, 4) AS lat, round(lon_deg, 4) AS lon, round(alt_m / 1000, 1) AS alt_km,"
    " round(pos_sigma_m) AS sigma_m"
    " FROM tracks WHERE source = 'own' AND origin = 'KR' AND track_no = 1 ORDER BY t_ns;",
    "SELECT system_no, count(*) AS updates, datetime(min(t_ns) / 1000000000, 'unixepoch') AS first,"
    " datetime(max(t_ns) / 1000000000, 'unixepoch') AS last"
    " FROM system_tracks WHERE t_ns BETWEEN 1689123600000000000 AND 1689123900000000000"
    " GROUP BY system_no;",
    "SELECT origin, track_no, class, round(impact_lat_deg, 3) AS impact_lat,"
    " round(impact_lon_deg, 3) AS impact_lon, round(semi_major_m) AS major_m,"
    " round(semi_minor_m) AS minor_m"
    " FROM assessments WHERE id IN (SELECT max(id) FROM assessments GROUP BY origin, track_no);",
};

/* @p text with every run of white space as one blank. */
static char *squeeze(const char *text)
{
    char *out = malloc(strlen(text) + 1), *o = out;
    int blank = 0;
    assert_non_null(out);
    for (; *text != '\0'; text++) {
        const int ws = *text == ' ' || *text == '\n' || *text == '\t';
        if (ws && !blank && o != out)
            *o++ = ' ';
        else if (!ws)
            *o++ = *text;
        blank = ws;
    }
    *o = '\0';
    return out;
}

static void readme_queries_run(void **state)
{
    struct tl_store *st;
    sqlite3 *h;
    size_t n;
    char *readme;
    (void)state;
    assert_int_equal(tl_store_open(db, &st, NULL), TL_OK);
    for (int i = 0; i < 20; i++) {
        struct tl_msg_track m;
        struct tl_msg_assess a;
        struct tl_msg_system sy;
        struct tl_store_system_extra x;
        sample_track(&m, "KR", 1, 100.0 + i);
        sample_assess(&a, "KR", 1, 100.0 + i, 1);
        sample_system(&sy, &x, 1, 100.0 + i, 1);
        assert_int_equal(tl_store_track(st, "own", &m), TL_OK);
        assert_int_equal(tl_store_assess(st, "own", &a), TL_OK);
        assert_int_equal(tl_store_system(st, &sy, &x), TL_OK);
    }
    tl_store_close(st);
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    for (size_t q = 0; q < sizeof readme_queries / sizeof readme_queries[0]; q++) {
        sqlite3_stmt *s;
        int rows = 0;
        if (sqlite3_prepare_v2(h, readme_queries[q], -1, &s, NULL) != SQLITE_OK)
            fail_msg("README query %zu: %s", q + 1, sqlite3_errmsg(h));
        while (sqlite3_step(s) == SQLITE_ROW)
            rows++;
        sqlite3_finalize(s);
        if (rows != (q == 0 ? 20 : 1))
            fail_msg("README query %zu returned %d rows, expected %d", q + 1, rows,
                     q == 0 ? 20 : 1);
    }
    sqlite3_close(h);
    {
        unsigned char *raw;
        char path[512];
        snprintf(path, sizeof path, "%s/../../README.md", TL_TEST_DATA_DIR);
        raw = slurp(path, &n);
        raw[n] = '\0';
        readme = squeeze((const char *)raw);
        free(raw);
    }
    for (size_t q = 0; q < sizeof readme_queries / sizeof readme_queries[0]; q++) {
        char *want = squeeze(readme_queries[q]);
        if (strstr(readme, want) == NULL)
            fail_msg("README.md does not show query %zu: %s", q + 1, want);
        free(want);
    }
    free(readme);
}

/* ---- the canonical text parses back to itself ------------------------------------------- */

static double rnd_double(unsigned long long *seed)
{
    const double u = tl_test_uniform(seed);
    const double specials[] = { 0.0, -0.0, NAN, INFINITY, -INFINITY, DBL_MAX, -DBL_MIN,
                                4.9406564584124654e-324, 1.0 / 3.0 };
    if (u < 0.1)
        return specials[(int)(tl_test_uniform(seed) * 9) % 9];
    /* every magnitude %.17g writes: exponents from -300 to 300 */
    return (tl_test_uniform(seed) - 0.5) * pow(10.0, floor(tl_test_uniform(seed) * 600.0) - 300.0);
}

static int64_t rnd_i64(unsigned long long *seed)
{
    const double u = tl_test_uniform(seed);
    if (u < 0.05)
        return INT64_MIN;
    if (u < 0.1)
        return INT64_MAX;
    return (int64_t)((tl_test_uniform(seed) - 0.5) * 1.8e19);
}

static int rnd_int(unsigned long long *seed)
{
    return (int)((tl_test_uniform(seed) - 0.5) * 4.0e9);
}

/* @p pipes: the string may hold '|' (the one free string of a kind). */
static void rnd_str(unsigned long long *seed, char *out, size_t size, int pipes)
{
    static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789-_:,. ";
    const size_t n = (size_t)(tl_test_uniform(seed) * (double)size);
    for (size_t i = 0; i < n && i + 1 < size; i++)
        out[i] = pipes && tl_test_uniform(seed) < 0.15
                     ? '|'
                     : chars[(size_t)(tl_test_uniform(seed) * (sizeof chars - 1))];
    out[n < size ? n : size - 1] = '\0';
}

static void rnd_msg(unsigned long long *seed, enum tl_msg_kind k, void *msg)
{
    switch (k) {
    case TL_MSG_MEASUREMENT: {
        struct tl_msg_meas *m = msg;
        rnd_str(seed, m->nation, sizeof m->nation, 0);
        rnd_str(seed, m->sensor, sizeof m->sensor, 1);
        m->t_ns = rnd_i64(seed);
        m->arrival_ns = rnd_i64(seed);
        m->sent_ns = rnd_i64(seed);
        m->range_m = rnd_double(seed);
        m->az_rad = rnd_double(seed);
        m->el_rad = rnd_double(seed);
        m->rr_mps = rnd_double(seed);
        break;
    }
    case TL_MSG_TRACK: {
        struct tl_msg_track *m = msg;
        rnd_str(seed, m->origin, sizeof m->origin, 0);
        rnd_str(seed, m->relay, sizeof m->relay, 0);
        m->track_no = (int32_t)rnd_int(seed);
        m->forward = rnd_int(seed);
        m->status = rnd_int(seed);
        m->phase = rnd_int(seed);
        m->t_ns = rnd_i64(seed);
        m->meas_ns = rnd_i64(seed);
        m->pub_ns = rnd_i64(seed);
        for (int i = 0; i < 6; i++)
            m->x[i] = rnd_double(seed);
        for (int i = 0; i < TL_NP; i++)
            m->p[i] = rnd_double(seed);
        for (int i = 0; i < 3; i++) {
            m->accel[i] = rnd_double(seed);
            m->sensor_ecef[i] = rnd_double(seed);
        }
        m->accel_sigma = rnd_double(seed);
        m->drag_k = rnd_double(seed);
        m->drag_k_sigma = rnd_double(seed);
        rnd_str(seed, m->sensors, sizeof m->sensors, 1);
        break;
    }
    case TL_MSG_ASSESSMENT: {
        struct tl_msg_assess *m = msg;
        rnd_str(seed, m->origin, sizeof m->origin, 0);
        rnd_str(seed, m->relay, sizeof m->relay, 0);
        m->track_no = (int32_t)rnd_int(seed);
        m->forward = rnd_int(seed);
        m->t_ns = rnd_i64(seed);
        m->meas_ns = rnd_i64(seed);
        m->pub_ns = rnd_i64(seed);
        m->has_launch = rnd_int(seed);
        m->launch_ns = rnd_i64(seed);
        m->launch_lat_rad = rnd_double(seed);
        m->launch_lon_rad = rnd_double(seed);
        m->launch_err_m = rnd_double(seed);
        m->impact_ns = rnd_i64(seed);
        m->impact_lat_rad = rnd_double(seed);
        m->impact_lon_rad = rnd_double(seed);
        m->semi_major_m = rnd_double(seed);
        m->semi_minor_m = rnd_double(seed);
        m->major_az_rad = rnd_double(seed);
        m->apogee_m = rnd_double(seed);
        m->cls = rnd_int(seed);
        m->loft = rnd_int(seed);
        break;
    }
    case TL_MSG_SYSTEM_TRACK: {
        struct tl_msg_system *m = msg;
        rnd_str(seed, m->owner, sizeof m->owner, 0);
        m->system_no = (int32_t)rnd_int(seed);
        m->t_ns = rnd_i64(seed);
        for (int i = 0; i < 6; i++)
            m->x[i] = rnd_double(seed);
        for (int i = 0; i < TL_NP; i++)
            m->p[i] = rnd_double(seed);
        rnd_str(seed, m->contributors, sizeof m->contributors, 1);
        m->has_impact = rnd_int(seed);
        m->impact_lat_rad = rnd_double(seed);
        m->impact_lon_rad = rnd_double(seed);
        m->semi_major_m = rnd_double(seed);
        m->semi_minor_m = rnd_double(seed);
        break;
    }
    case TL_MSG_STATUS: {
        struct tl_msg_status *m = msg;
        rnd_str(seed, m->nation, sizeof m->nation, 0);
        m->wall_ns = rnd_i64(seed);
        m->scenario_ns = rnd_i64(seed);
        m->tracks = (int32_t)rnd_int(seed);
        m->system_tracks = (int32_t)rnd_int(seed);
        m->audit_seq = rnd_i64(seed);
        for (int i = 0; i < 32; i++)
            m->audit_head[i] = (unsigned char)(tl_test_uniform(seed) * 256);
        m->stopping = rnd_int(seed);
        break;
    }
    case TL_MSG_WARNING: {
        /* the document (the kind's free string, held by pointer) in a buffer of its own */
        static char cap[2048];
        struct tl_msg_warning *m = msg;
        rnd_str(seed, m->origin, sizeof m->origin, 0);
        rnd_str(seed, m->identifier, sizeof m->identifier, 0);
        rnd_str(seed, m->relay, sizeof m->relay, 0);
        m->forward = rnd_int(seed);
        m->sent_ns = rnd_i64(seed);
        m->pub_ns = rnd_i64(seed);
        m->system_no = (int32_t)rnd_int(seed);
        m->msg_type = rnd_int(seed);
        m->all_clear = rnd_int(seed);
        m->exercise = rnd_int(seed);
        rnd_str(seed, m->areas, sizeof m->areas, 0);
        m->first_onset_ns = rnd_i64(seed);
        rnd_str(seed, cap, sizeof cap, 1);
        m->cap_xml = cap;
        break;
    }
    default:
        break;
    }
}

static void canonical_roundtrip(void **state)
{
    unsigned long long seed = 0x5eed5eedULL;
    (void)state;
    for (int k = 0; k < TL_N_MSG_KINDS; k++)
        for (int i = 0; i < 500; i++) {
            union {
                struct tl_msg_meas a;
                struct tl_msg_track b;
                struct tl_msg_assess c;
                struct tl_msg_system d;
                struct tl_msg_status e;
                struct tl_msg_clock f;
                struct tl_msg_warning g;
            } in, out;
            char t1[4096], t2[4096];
            memset(&in, 0, sizeof in);
            rnd_msg(&seed, (enum tl_msg_kind)k, &in);
            tl_msg_canonical((enum tl_msg_kind)k, &in, t1, sizeof t1);
            memset(&out, 0xa5, sizeof out);
            if (tl__store_parse_canonical((enum tl_msg_kind)k, t1, &out) != TL_OK)
                fail_msg("%s %d: does not parse: %s", tl_msg_topic((enum tl_msg_kind)k), i, t1);
            tl_msg_canonical((enum tl_msg_kind)k, &out, t2, sizeof t2);
            if (strcmp(t1, t2) != 0)
                fail_msg("%s %d:\n  in  %s\n  out %s", tl_msg_topic((enum tl_msg_kind)k), i, t1,
                         t2);
            if (k == TL_MSG_WARNING) /* the parse's own copy of the document */
                tl_msg_warning_free(&out.g);
        }
    /* and what is not canonical text is refused, leaving the message as it was */
    {
        struct tl_msg_track m, keep;
        char t[4096];
        size_t n;
        sample_track(&m, "KR", 1, 10.0);
        keep = m;
        n = tl_msg_canonical(TL_MSG_TRACK, &m, t, sizeof t);
        assert_int_equal(tl__store_parse_canonical(TL_MSG_ASSESSMENT, t, &m), TL_EPARSE);
        t[n - 1] = '\0'; /* the last field's '|' */
        assert_int_equal(tl__store_parse_canonical(TL_MSG_TRACK, t, &m), TL_EPARSE);
        assert_int_equal(tl__store_parse_canonical(TL_MSG_TRACK, "Track|v9|KR|1|", &m), TL_EPARSE);
        assert_int_equal(tl__store_parse_canonical(TL_MSG_TRACK, "Track|v1|KR|x|", &m), TL_EPARSE);
        assert_int_equal(tl__store_parse_canonical(TL_MSG_TRACK, NULL, &m), TL_EINVAL);
        assert_memory_equal(&m, &keep, sizeof m);
    }
    /* a warning's document may hold '|'; one that fails after it leaves nothing allocated (ASan) */
    {
        struct tl_msg_warning w;
        static const char text[] = "Warning|v2|JP|JP-1||0|5|6|7|0|0|1|JP:impact:0.5|8|<?xml|a|b|";
        memset(&w, 0, sizeof w);
        assert_int_equal(tl__store_parse_canonical(TL_MSG_WARNING, text, &w), TL_OK);
        assert_string_equal(w.cap_xml, "<?xml|a|b");
        assert_string_equal(w.areas, "JP:impact:0.5");
        assert_int_equal(w.system_no, 7);
        assert_int_equal(w.first_onset_ns, 8);
        tl_msg_warning_free(&w);
        assert_int_equal(tl__store_parse_canonical(TL_MSG_WARNING,
                                                   "Warning|v2|JP|JP-1||0|5|6|7|0|0|1|A|8|", &w),
                         TL_EPARSE); /* no document token */
        assert_int_equal(tl__store_parse_canonical(TL_MSG_WARNING,
                                                   "Warning|v1|JP|JP-1||0|5|6|7|0|0|1|A|8|x|", &w),
                         TL_EPARSE); /* no Warning in wire version 1 */
        assert_null(w.cap_xml);
    }
}

static void sha256(const void *a, size_t na, const void *b, size_t nb, unsigned char out[32]);

/* The audit digest of a Warning covers its whole canonical text, CAP document included: two
 * warnings that differ only 20 kB into their documents get different digests, each the SHA-256
 * of the full text (computed here), not of the first 4 kB. */
static void audit_digest_covers_warning_document(void **state)
{
    struct tl_store *st;
    struct tl_msg_warning w[2];
    char *doc[2];
    unsigned char expect[2][32];
    sqlite3 *h;
    sqlite3_stmt *q;
    int row = 0;
    (void)state;
    for (int i = 0; i < 2; i++) {
        size_t need;
        char *text;
        doc[i] = malloc(20001);
        assert_non_null(doc[i]);
        memset(doc[i], 'x', 20000);
        memcpy(doc[i], "<?xml version=\"1.0\"?>", 21);
        doc[i][20000] = '\0';
        doc[i][19990] = i ? 'B' : 'A';
        memset(&w[i], 0, sizeof w[i]);
        strcpy(w[i].origin, "JP");
        strcpy(w[i].identifier, "JP-20260701-0007");
        w[i].sent_ns = 1782864000000000000LL;
        w[i].system_no = 12;
        w[i].cap_xml = doc[i];
        need = tl_msg_canonical_size(TL_MSG_WARNING, &w[i]);
        assert_true(need > 20000);
        text = malloc(need);
        assert_non_null(text);
        assert_int_equal(tl_msg_canonical(TL_MSG_WARNING, &w[i], text, need), need - 1);
        sha256(text, need - 1, NULL, 0, expect[i]);
        free(text);
    }
    assert_int_equal(tl_store_open(db, &st, NULL), TL_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(tl_store_audit(st, "sent", "US", "JP.US", TL_MSG_WARNING, "JP", 12,
                                        &w[i]), TL_OK);
    tl_store_close(st);
    verify_expect(2, 0, NULL);
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT topic, digest FROM audit ORDER BY seq", -1, &q,
                                        NULL), SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW) {
        assert_true(row < 2);
        assert_string_equal((const char *)sqlite3_column_text(q, 0), "Warning");
        assert_int_equal(sqlite3_column_bytes(q, 1), 32);
        assert_memory_equal(sqlite3_column_blob(q, 1), expect[row], 32);
        row++;
    }
    assert_int_equal(row, 2);
    sqlite3_finalize(q);
    sqlite3_close(h);
    assert_memory_not_equal(expect[0], expect[1], 32);
    free(doc[0]);
    free(doc[1]);
}

/* ---- migration from the first schema ---------------------------------------------------- */

/* The schema of the first release, verbatim from its store.c. */
static const char schema_v1[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS tracks(id INTEGER PRIMARY KEY, wall_ns INTEGER, source TEXT,"
    " origin TEXT, relay TEXT, track_no INTEGER, t_ns INTEGER, status INTEGER, body TEXT);"
    "CREATE TABLE IF NOT EXISTS assessments(id INTEGER PRIMARY KEY, wall_ns INTEGER, source TEXT,"
    " origin TEXT, relay TEXT, track_no INTEGER, t_ns INTEGER, impact_lat_deg REAL,"
    " impact_lon_deg REAL, semi_major_m REAL, semi_minor_m REAL, body TEXT);"
    "CREATE TABLE IF NOT EXISTS system_tracks(id INTEGER PRIMARY KEY, wall_ns INTEGER,"
    " system_no INTEGER, t_ns INTEGER, contributors TEXT, impact_lat_deg REAL,"
    " impact_lon_deg REAL, semi_major_m REAL, semi_minor_m REAL, body TEXT);"
    "CREATE INDEX IF NOT EXISTS system_tracks_no ON system_tracks(system_no);"
    "CREATE TABLE IF NOT EXISTS audit(seq INTEGER PRIMARY KEY, wall_ns INTEGER, dir TEXT,"
    " peer TEXT, partition TEXT, topic TEXT, origin TEXT, key INTEGER, digest BLOB, prev BLOB,"
    " hash BLOB);"
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;";

static void sha256(const void *a, size_t na, const void *b, size_t nb, unsigned char out[32])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned int n = 32;
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    EVP_DigestUpdate(c, a, na);
    EVP_DigestUpdate(c, b, nb);
    EVP_DigestFinal_ex(c, out, &n);
    EVP_MD_CTX_free(c);
}

/* A first-schema node database as that release wrote it: rows with their canonical bodies and
 * the old typed columns, and an audit chain computed here from store.h's formula. */
/* @p text (canonical, this wire version) as wire version 1 wrote it: "|v1|", and only the first
 * @p tokens '|'-ended tokens (0: all; a SystemTrack had 38: kind, version and 36 values). */
static void as_wire_v1(char *text, int tokens)
{
    char *v = strstr(text, "|v2|");
    int seen = 0;

    assert_non_null(v);
    v[2] = '1';
    for (char *p = text; tokens > 0 && *p; p++)
        if (*p == '|' && ++seen == tokens) {
            p[1] = '\0';
            break;
        }
}

static void build_v1(int n)
{
    sqlite3 *h;
    sqlite3_stmt *ti, *ai, *si, *au;
    unsigned char prev[32] = { 0 };
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, schema_v1, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "INSERT INTO tracks(wall_ns,source,origin,relay,track_no,t_ns,status,"
                           "body) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
                           -1, &ti, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "INSERT INTO assessments(wall_ns,source,origin,relay,"
                                        "track_no,t_ns,impact_lat_deg,impact_lon_deg,semi_major_m,"
                                        "semi_minor_m,body) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
                                        "?11)",
                                        -1, &ai, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "INSERT INTO system_tracks(wall_ns,system_no,t_ns,"
                                        "contributors,impact_lat_deg,impact_lon_deg,semi_major_m,"
                                        "semi_minor_m,body) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                                        -1, &si, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "INSERT INTO audit(seq,wall_ns,dir,peer,partition,topic,"
                                        "origin,key,digest,prev,hash)"
                                        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
                                        -1, &au, NULL),
                     SQLITE_OK);
    for (int i = 0; i < n; i++) {
        struct tl_msg_track m;
        struct tl_msg_assess a;
        struct tl_msg_system sy;
        struct tl_store_system_extra x;
        char text[4096], line[512], dh[65];
        unsigned char digest[32], hash[32];
        int len;
        sample_track(&m, i % 3 ? "KR" : "US", 1 + i % 3, 100.0 + i);
        sample_assess(&a, m.origin, m.track_no, 100.0 + i, i % 2);
        sample_system(&sy, &x, 1, 100.0 + i, 1);
        tl_msg_canonical(TL_MSG_TRACK, &m, text, sizeof text);
        as_wire_v1(text, 0);
        sqlite3_reset(ti);
        sqlite3_bind_int64(ti, 1, 1000 + i);
        sqlite3_bind_text(ti, 2, i % 3 ? "own" : "US", -1, SQLITE_STATIC);
        sqlite3_bind_text(ti, 3, m.origin, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ti, 4, "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(ti, 5, m.track_no);
        sqlite3_bind_int64(ti, 6, m.t_ns);
        sqlite3_bind_int(ti, 7, m.status);
        sqlite3_bind_text(ti, 8, text, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(ti), SQLITE_DONE);
        /* the audit entry of that track, as it was sent */
        sha256(text, strlen(text), "", 0, digest);
        for (int j = 0; j < 32; j++)
            sprintf(dh + 2 * j, "%02x", digest[j]);
        len = snprintf(line, sizeof line, "%d|%d|sent|US|KR.US|Track|%s|%d|%s", i + 1, 5000 + i,
                       m.origin, (int)m.track_no, dh);
        sha256(prev, 32, line, (size_t)len, hash);
        sqlite3_reset(au);
        sqlite3_bind_int64(au, 1, i + 1);
        sqlite3_bind_int64(au, 2, 5000 + i);
        sqlite3_bind_text(au, 3, "sent", -1, SQLITE_STATIC);
        sqlite3_bind_text(au, 4, "US", -1, SQLITE_STATIC);
        sqlite3_bind_text(au, 5, "KR.US", -1, SQLITE_STATIC);
        sqlite3_bind_text(au, 6, "Track", -1, SQLITE_STATIC);
        sqlite3_bind_text(au, 7, m.origin, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(au, 8, m.track_no);
        sqlite3_bind_blob(au, 9, digest, 32, SQLITE_TRANSIENT);
        sqlite3_bind_blob(au, 10, prev, 32, SQLITE_TRANSIENT);
        sqlite3_bind_blob(au, 11, hash, 32, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(au), SQLITE_DONE);
        memcpy(prev, hash, 32);

        tl_msg_canonical(TL_MSG_ASSESSMENT, &a, text, sizeof text);
        as_wire_v1(text, 0);
        sqlite3_reset(ai);
        sqlite3_bind_int64(ai, 1, 1000 + i);
        sqlite3_bind_text(ai, 2, i % 3 ? "own" : "US", -1, SQLITE_STATIC);
        sqlite3_bind_text(ai, 3, a.origin, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ai, 4, "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(ai, 5, a.track_no);
        sqlite3_bind_int64(ai, 6, a.t_ns);
        sqlite3_bind_double(ai, 7, 40.8049);
        sqlite3_bind_double(ai, 8, 137.1707);
        sqlite3_bind_double(ai, 9, a.semi_major_m);
        sqlite3_bind_double(ai, 10, a.semi_minor_m);
        sqlite3_bind_text(ai, 11, text, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(ai), SQLITE_DONE);

        tl_msg_canonical(TL_MSG_SYSTEM_TRACK, &sy, text, sizeof text);
        as_wire_v1(text, 38);
        sqlite3_reset(si);
        sqlite3_bind_int64(si, 1, 1000 + i);
        sqlite3_bind_int64(si, 2, sy.system_no);
        sqlite3_bind_int64(si, 3, sy.t_ns);
        sqlite3_bind_text(si, 4, sy.contributors, 15, SQLITE_TRANSIENT); /* as it was: cut */
        sqlite3_bind_double(si, 5, 40.8049);
        sqlite3_bind_double(si, 6, 137.1707);
        sqlite3_bind_double(si, 7, sy.semi_major_m);
        sqlite3_bind_double(si, 8, sy.semi_minor_m);
        sqlite3_bind_text(si, 9, text, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(si), SQLITE_DONE);
    }
    /* a row whose body is not canonical text still survives the migration, as it was */
    assert_int_equal(sqlite3_exec(h,
                                  "INSERT INTO tracks(wall_ns,source,origin,relay,track_no,t_ns,"
                                  "status,body) VALUES(1,'JP','JP','',99,5,2,'garbled')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_finalize(ti);
    sqlite3_finalize(ai);
    sqlite3_finalize(si);
    sqlite3_finalize(au);
    assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

/* Every audit column of every entry, as hex: the table's exact content. */
static char *audit_dump(void)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    char *out;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT group_concat(seq || ',' || wall_ns || ',' || dir"
                                        " || ',' || peer || ',' || partition || ',' || topic || ','"
                                        " || origin || ',' || key || ',' || hex(digest) || ','"
                                        " || hex(prev) || ',' || hex(hash), ';')"
                                        " FROM (SELECT * FROM audit ORDER BY seq)",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    out = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    return out;
}

static void migrate_first_schema(void **state)
{
    const int n = 60;
    int64_t n_before = 0, n_after = 0, bad = 0;
    char why[512] = "", *dump_before, *dump_after;
    struct tl_store *st;
    struct tl_diag diag;
    struct tl_msg_track m;
    sqlite3 *h;
    sqlite3_stmt *s;
    (void)state;

    build_v1(n);
    assert_int_equal(tl_audit_verify(db, &n_before, &bad, why, sizeof why), TL_OK);
    assert_int_equal(n_before, n);
    dump_before = audit_dump();
    /* the export reads schema 2 only: a first-schema file is refused, not misread */
    memset(&diag, 0, sizeof diag);
    assert_int_equal(tl_store_export(db, "system", 0, NULL, NULL, NULL, NULL, NULL, &diag),
                     TL_EIO);
    if (strstr(diag.message, "migrate") == NULL)
        fail_msg("'%s' does not say to migrate", diag.message);

    memset(&diag, 0, sizeof diag);
    if (tl_store_open(db, &st, &diag) != TL_OK)
        fail_msg("migration refused: %s", diag.message);
    /* the new store continues the migrated chain */
    sample_track(&m, "KR", 50, 500.0);
    assert_int_equal(tl_store_audit(st, "sent", "US", "KR.US", TL_MSG_TRACK, "KR", 50, &m), TL_OK);
    assert_int_equal(tl_store_track(st, "own", &m), TL_OK);
    tl_store_close(st);

    assert_int_equal(count_sql("PRAGMA user_version"), 2);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM meta WHERE key = 'schema' AND value = '2'"),
                     1);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM tracks"), n + 2);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM assessments"), n);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM system_tracks"), n);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN"
                               " ('tracks_time', 'tracks_track', 'assessments_time',"
                               " 'assessments_track', 'system_tracks_time', 'system_tracks_no')"),
                     6);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%_v1'"), 0);
    /* typed values from the bodies; ids kept */
    assert_int_equal(count_sql("SELECT COUNT(*) FROM tracks WHERE lat_deg IS NOT NULL AND"
                               " status = 'confirmed' AND phase = 'midcourse' AND"
                               " abs(pos_sigma_m - sqrt(1400)) < 1e-9"),
                     n + 1);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM assessments WHERE class = 'icbm-lofted' AND"
                               " (launch_ns IS NOT NULL) = (id % 2 = 0)"),
                     n);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM system_tracks WHERE length(contributors) > 15"
                               " AND scen_ns IS NULL AND impact_lat_deg IS NOT NULL"),
                     n);
    assert_int_equal(count_sql("SELECT MIN(id) FROM tracks"), 1);
    /* the bodies stay the wire version 1 text that was stored and audited */
    assert_int_equal(count_sql("SELECT COUNT(*) FROM tracks WHERE body LIKE 'Track|v1|%'"), n);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM system_tracks WHERE body LIKE 'SystemTrack|v1|%'"),
                     n);
    /* the garbled row is kept with what its first-schema columns said */
    assert_int_equal(count_sql("SELECT COUNT(*) FROM tracks WHERE body = 'garbled' AND"
                               " status = 'coasting' AND track_no = 99 AND lat_deg IS NULL"),
                     1);
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT lat_deg, t_ns FROM tracks WHERE id = 11", -1, &s,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    TL_ASSERT_NEAR(sqlite3_column_double(s, 0), 40.0 + 0.01 * 110.0, 1e-9);
    sqlite3_finalize(s);
    sqlite3_close(h);

    /* the audit table is byte for byte what it was, plus the new entry */
    assert_int_equal(tl_audit_verify(db, &n_after, &bad, why, sizeof why), TL_OK);
    assert_int_equal(n_after, n + 1);
    dump_after = audit_dump();
    if (strncmp(dump_before, dump_after, strlen(dump_before)) != 0)
        fail_msg("audit entries changed by the migration");
    free(dump_before);
    free(dump_after);
    /* opening again is a no-op */
    assert_int_equal(tl_store_open(db, &st, NULL), TL_OK);
    tl_store_close(st);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM tracks"), n + 2);
}

static void set_user_version(int v)
{
    char q[64];
    snprintf(q, sizeof q, "PRAGMA user_version = %d", v);
    sql(q, 1);
}

static void expect_open_refused(const char *part)
{
    static int sentinel;
    struct tl_store *const keep = (struct tl_store *)&sentinel;
    struct tl_store *st = keep; /* must stay as it is */
    struct tl_diag diag;
    memset(&diag, 0, sizeof diag);
    assert_int_equal(tl_store_open(db, &st, &diag), TL_EIO);
    assert_ptr_equal(st, keep);
    if (strstr(diag.message, part) == NULL || strstr(diag.message, db) == NULL)
        fail_msg("'%s' does not name %s and say '%s'", diag.message, db, part);
}

static void newer_version_refused(void **state)
{
    unsigned char *bytes;
    size_t n;
    int64_t cnt, bad;
    char why[512];
    (void)state;
    fill(5, 1);
    set_user_version(3);
    bytes = slurp(db, &n);
    expect_open_refused("schema version 3 is newer than this trilink's 2");
    assert_int_equal(tl_audit_verify(db, &cnt, &bad, why, sizeof why), TL_EIO);
    assert_non_null(strstr(why, "newer"));
    assert_unchanged(bytes, n);
    free(bytes);
}

static void foreign_files_refused(void **state)
{
    unsigned char *bytes;
    size_t n;
    FILE *f;
    (void)state;
    /* a SQLite database of something else */
    sql("CREATE TABLE recipes(name TEXT); INSERT INTO recipes VALUES('kimchi')", 1);
    bytes = slurp(db, &n);
    expect_open_refused("not a trilink node database (no table 'tracks')");
    assert_unchanged(bytes, n);
    free(bytes);
    /* not SQLite at all */
    f = fopen(db, "w");
    fputs("time_s,track\n1,2\n", f);
    fclose(f);
    bytes = slurp(db, &n);
    expect_open_refused("not a trilink node database");
    assert_unchanged(bytes, n);
    free(bytes);
    /* a directory */
    unlink(db);
    assert_int_equal(mkdir(db, 0700), 0);
    expect_open_refused("is a directory");
    {
        int64_t cnt, bad;
        char why[512];
        assert_int_equal(tl_audit_verify(db, &cnt, &bad, why, sizeof why), TL_EIO);
        assert_string_equal(why, "is a directory");
    }
    rmdir(db);
}

/* issue: a node database whose pages are corrupted outside the audit table passed audit verify
 * ("chain intact") and trilinkd started on it without a word, then failed every insert. Both now
 * run PRAGMA quick_check first, on a read-only connection, and refuse the file unchanged. */
static void corrupted_database_refused(void **state)
{
    struct tl_store *st;
    sqlite3 *h;
    sqlite3_stmt *s;
    long page_size, page = 0;
    unsigned char *bytes, junk[4096];
    size_t n;
    FILE *f;
    int64_t cnt = 0, bad = 0;
    char why[512] = "";
    struct tl_diag diag;
    (void)state;

    assert_int_equal(tl_store_open(db, &st, NULL), TL_OK);
    for (int i = 0; i < 3000; i++) {
        struct tl_msg_track m;
        sample_track(&m, "KR", 1 + i % 5, i * 0.5);
        assert_int_equal(tl_store_track(st, "own", &m), TL_OK);
        if (i % 10 == 0)
            assert_int_equal(tl_store_audit(st, "sent", "US", "KR.US", TL_MSG_TRACK, "KR", 1, &m),
                             TL_OK);
    }
    tl_store_close(st); /* the last connection: checkpointed into the main file */
    verify_expect(300, 0, NULL);
    /* a leaf page in the middle of the tracks table (dbstat when the library has it, else the
     * table's root page) */
    page_size = count_sql("PRAGMA page_size");
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(h,
                           "SELECT pageno FROM dbstat WHERE name = 'tracks' AND pagetype = 'leaf'"
                           " ORDER BY pageno LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM dbstat"
                           " WHERE name = 'tracks' AND pagetype = 'leaf')",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        page = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    if (page == 0)
        page = count_sql("SELECT rootpage FROM sqlite_master WHERE name = 'tracks'");
    assert_true(page > 1);
    memset(junk, 0x55, sizeof junk);
    f = fopen(db, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, (page - 1) * page_size, SEEK_SET), 0);
    assert_int_equal(fwrite(junk, 1, (size_t)(page_size < 4096 ? page_size : 4096), f),
                     (size_t)(page_size < 4096 ? page_size : 4096));
    fclose(f);
    bytes = slurp(db, &n);

    expect_open_refused("database is corrupted (quick_check: ");
    assert_int_equal(tl_audit_verify(db, &cnt, &bad, why, sizeof why), TL_EIO);
    if (strstr(why, "database is corrupted (quick_check: ") == NULL)
        fail_msg("audit verify says '%s'", why);
    memset(&diag, 0, sizeof diag);
    assert_int_equal(tl_store_export(db, "own", 0, NULL, NULL, NULL, NULL, NULL, &diag), TL_EIO);
    assert_non_null(strstr(diag.message, "database is corrupted"));
    assert_unchanged(bytes, n);
    free(bytes);
}

/* ---- export ----------------------------------------------------------------------------- */

struct csv_out {
    FILE *t, *a;
};

static int csv_track(void *ctx, const struct tl_store_track_row *r)
{
    struct csv_out *o = ctx;
    cli_csv_track_row(o->t, r->t_s, (int)r->track, r->status, r->x, r->phase, r->pos_sigma_m);
    return TL_OK;
}

static int csv_assess(void *ctx, const struct tl_store_assess_row *r)
{
    struct csv_out *o = ctx;
    cli_csv_assess_row(o->a, r);
    return TL_OK;
}

static int stop_at_third(void *ctx, const struct tl_store_track_row *r)
{
    int *n = ctx;
    (void)r;
    return ++*n == 3 ? TL_EIO : TL_OK;
}

/* Exports @p source to two files under the test directory and returns the counts. */
static void export_to(const char *source, const char *tpath, const char *apath, long *nt, long *na)
{
    struct csv_out o;
    struct tl_diag diag;
    memset(&diag, 0, sizeof diag);
    o.t = fopen(tpath, "w");
    o.a = fopen(apath, "w");
    assert_non_null(o.t);
    assert_non_null(o.a);
    cli_csv_track_header(o.t);
    cli_csv_assess_header(o.a);
    if (tl_store_export(db, source, 0, csv_track, csv_assess, &o, nt, na, &diag) != TL_OK)
        fail_msg("export %s: %s", source, diag.message);
    fclose(o.t);
    fclose(o.a);
}

static char *line_of(const char *path, int k)
{
    static char buf[1024];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    for (int i = 0; i <= k; i++)
        if (fgets(buf, sizeof buf, f) == NULL)
            fail_msg("%s has no line %d", path, k + 1);
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

static void export_csv_and_score(void **state)
{
    struct tl_store *st;
    char tp[160], ap[160], truth[160];
    long nt = -1, na = -1;
    int stops = 0;
    struct tl_diag diag;
    FILE *f;
    (void)state;

    assert_int_equal(tl_store_open(db, &st, NULL), TL_OK);
    assert_int_equal(tl_store_set_meta(st, "epoch", EPOCH_ISO), TL_OK);
    for (int i = 0; i < 60; i++) {
        struct tl_msg_track m;
        struct tl_msg_assess a;
        struct tl_msg_system sy;
        struct tl_store_system_extra x;
        const double t = 100.0 + i;
        sample_track(&m, "KR", 4, t);
        assert_int_equal(tl_store_track(st, "own", &m), TL_OK);
        /* the US's track 4 too: direct, and once more through a relay (one row in the export) */
        sample_track(&m, "US", 4, t + 0.25);
        assert_int_equal(tl_store_track(st, "US", &m), TL_OK);
        if (i % 10 == 0)
            assert_int_equal(tl_store_track(st, "JP", &m), TL_OK);
        if (i % 2 == 0) {
            sample_assess(&a, "KR", 4, t, i >= 10);
            assert_int_equal(tl_store_assess(st, "own", &a), TL_OK);
        }
        sample_system(&sy, &x, 2, t, i >= 30);
        x.has_launch = i >= 40;
        assert_int_equal(tl_store_system(st, &sy, &x), TL_OK);
    }
    tl_store_close(st);

    snprintf(tp, sizeof tp, "%s/t.csv", dir);
    snprintf(ap, sizeof ap, "%s/a.csv", dir);
    export_to("system", tp, ap, &nt, &na);
    assert_int_equal(nt, 60);
    assert_int_equal(na, 30);
    /* the header lines of trilink track (README "Outputs") */
    assert_string_equal(line_of(tp, 0), "time_s,track,status,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,"
                                        "lat_deg,lon_deg,alt_m,phase,pos_sigma_m");
    assert_string_equal(line_of(ap, 0),
                        "time_s,track,class,launch_time_s,launch_lat_deg,launch_lon_deg,"
                        "launch_err_m,impact_time_s,impact_lat_deg,impact_lon_deg,"
                        "impact_semi_major_m,impact_semi_minor_m,impact_major_azimuth_deg,"
                        "apogee_km,range_km,launch_time_sigma_s,launch_semi_major_m,"
                        "launch_semi_minor_m,launch_major_azimuth_deg,orbit_perigee_km,"
                        "orbit_apogee_km,orbit_inclination_deg");
    {
        struct tl_msg_track m;
        char want[512];
        struct tl_lla g;
        sample_track(&m, "KR", 1, 100.0);
        g = tl_geo_ecef_to_lla(&TL_WGS84, m.x);
        snprintf(want, sizeof want,
                 "100.000,2,confirmed,%.3f,%.3f,%.3f,1500.0000,-2500.0000,800.0000,%.8f,%.8f,"
                 "%.3f,midcourse,37.417",
                 m.x[0], m.x[1], m.x[2], tl_rad2deg(g.lat_rad), tl_rad2deg(g.lon_rad), g.h_m);
        assert_string_equal(line_of(tp, 1), want);
    }
    /* first impact row: no launch point yet (empty cells, no range); then one with it */
    assert_string_equal(line_of(ap, 1),
                        "130.000,2,icbm-lofted,,,,,4541.000,40.804900,137.170700,13200.0,5900.0,"
                        "80.00,6600.000,,,,,,,,");
    {
        double range;
        char want[512];
        tl_geo_inverse(&TL_WGS84, tl_deg2rad(39.03), tl_deg2rad(125.68), tl_deg2rad(40.8049),
                       tl_deg2rad(137.1707), &range, NULL, NULL);
        snprintf(want, sizeof want,
                 "140.000,2,icbm-lofted,60.000,39.030000,125.680000,800.0,4541.000,40.804900,"
                 "137.170700,13200.0,5900.0,80.00,6600.000,%.3f,,,,,,,", /* no launch ellipse stored */
                 range / 1000.0);
        assert_string_equal(line_of(ap, 11), want);
        TL_ASSERT_NEAR(range, 1001.2e3, 5e3); /* the 2023-07-12 flight's published range */
    }

    export_to("own", tp, ap, &nt, &na);
    assert_int_equal(nt, 60);
    assert_int_equal(na, 30);
    assert_string_equal(line_of(ap, 1),
                        "100.000,4,icbm-lofted,,,,,4541.000,40.804900,137.170700,13200.0,5900.0,"
                        "75.00,6648.400,,,,,,,,");
    export_to("US", tp, ap, &nt, &na);
    assert_int_equal(nt, 60); /* the 6 copies through JP are the same samples */
    assert_int_equal(na, 0);
    assert_true(strncmp(line_of(tp, 1), "100.250,4,confirmed,", 20) == 0);
    export_to("JP", tp, ap, &nt, &na);
    assert_int_equal(nt, 0);

    /* bad source; a callback's error stops the export and is returned */
    memset(&diag, 0, sizeof diag);
    assert_int_equal(tl_store_export(db, "kr", 0, csv_track, csv_assess, NULL, NULL, NULL, &diag),
                     TL_EINVAL);
    assert_non_null(strstr(diag.message, "'kr'"));
    assert_int_equal(tl_store_export(db, "own", 0, stop_at_third, NULL, &stops, &nt, &na, NULL),
                     TL_EIO);
    assert_int_equal(stops, 3);
    /* an explicit epoch moves the times */
    {
        struct csv_out o = { fopen(tp, "w"), fopen(ap, "w") };
        assert_int_equal(tl_store_export(db, "own", epoch_ns() + 100 * INT64_C(1000000000),
                                         csv_track, csv_assess, &o, &nt, &na, NULL),
                         TL_OK);
        fclose(o.t);
        fclose(o.a);
        assert_true(strncmp(line_of(tp, 0), "0.000,4,confirmed,", 18) == 0);
    }

    /* trilink score accepts the fused picture: truth of the same object, seconds after the
     * epoch, one row a second */
    export_to("system", tp, ap, &nt, &na);
    snprintf(truth, sizeof truth, "%s/truth.csv", dir);
    f = fopen(truth, "w");
    assert_non_null(f);
    fprintf(f, "time_s,object,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,phase\n");
    for (int i = 0; i < 60; i++) {
        struct tl_msg_track m;
        sample_track(&m, "KR", 1, 100.0 + i);
        fprintf(f, "%.3f,ICBM-1,%.3f,%.3f,%.3f,%.4f,%.4f,%.4f,%.8f,%.8f,%.3f,%s\n", 100.0 + i,
                m.x[0], m.x[1], m.x[2], m.x[3], m.x[4], m.x[5], 40.0 + 0.01 * (100.0 + i),
                131.0 + 0.02 * (100.0 + i), 600e3 - 10.0 * (100.0 + i),
                i < 5 ? "boost" : "midcourse");
    }
    fclose(f);
    {
        struct tl_score sc;
        const struct tl_score_cfg cfg = tl_score_cfg_default();
        int rc;
        memset(&diag, 0, sizeof diag);
        memset(&sc, 0, sizeof sc);
        rc = tl_score_files(&cfg, truth, tp, ap, &sc, &diag);
        if (rc != TL_OK) {
            char msg[800];
            tl_diag_format(&diag, msg, sizeof msg);
            fail_msg("score refused the export: %s", msg);
        }
        assert_int_equal(sc.n_objects, 1);
        assert_string_equal(sc.obj[0].id, "ICBM-1");
        assert_int_equal(sc.obj[0].tracks, 1);
        assert_int_equal(sc.confirmed_tracks, 1);
        tl_score_free(&sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(audit_chain_detects_tampering, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_chain_detects_removal_and_insertion, setup, teardown),
        cmocka_unit_test_setup_teardown(not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(typed_columns_filled, setup, teardown),
        cmocka_unit_test_setup_teardown(readme_queries_run, setup, teardown),
        cmocka_unit_test(canonical_roundtrip),
        cmocka_unit_test_setup_teardown(audit_digest_covers_warning_document, setup, teardown),
        cmocka_unit_test_setup_teardown(migrate_first_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(newer_version_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(foreign_files_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(corrupted_database_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(export_csv_and_score, setup, teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
